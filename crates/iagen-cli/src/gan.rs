//! `iagen-cli {train,sample,eval} gan`: the image GAN (a class-conditional DCGAN), and
//! `bench gan`: training speed of the 2-D GAN and of the image GAN as the page fine-tunes it.

use std::time::Instant;

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::classes::CLASSES;
use iagen_core::image_data::to_byte;
use iagen_core::live::LiveTraining;
use iagen_gan::{
    Gan2dTraining, GanConfig, ImageGan, ImageGanConfig, ImageGanManifest, ImageGanTraining, Target,
    generate_images, load_image_gan, save_image_gan,
};

use crate::host::{DeviceArg, StopArgs, lr_scale, scalar};
use crate::images::{ImageSetArgs, SampleOutArgs, class_arg, load_judge_files};
use crate::measure::{Measured, measure};
use crate::model_files;

/// Training rounds per second of the 2-D GAN's default recipe on the ring of 8 (each round:
/// one discriminator step, one generator step, batch 128), and of the image GAN fine-tuned from
/// shipped weights as the page does (batch 32).
#[derive(clap::Args)]
pub struct BenchGanArgs {
    #[arg(long, default_value_t = 500)]
    rounds: usize,
    /// The shipped image GAN to fine-tune.
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "web/assets/models/gan-mnist"
    )]
    model: String,
    #[arg(long, default_value_t = 20)]
    image_rounds: usize,
    #[command(flatten)]
    device: DeviceArg,
}

/// Rounds per second of `training` over `rounds` rounds (reading the losses back waits for
/// queued work).
fn rounds_per_s(training: &mut impl LiveTraining, rounds: usize) -> Measured {
    measure(rounds, || {
        scalar(training.step()[0].1.clone());
    })
}

pub fn bench(args: &BenchGanArgs) -> Result<(), String> {
    let device = args.device.get();
    let on = format!("{:?}", args.device.device).to_lowercase();
    let mut toy = Gan2dTraining::new(&GanConfig::default(), Target::Ring, &device);
    let toy_rounds = rounds_per_s(&mut toy, args.rounds).describe(0, "round");
    println!("native {on}\tgan2d_rounds_per_s_batch_128\t{toy_rounds}");
    let (manifest, model) = load_gan_files(&args.model, &device)?;
    let (_, set) = ImageSetArgs::named(&manifest.data).read()?;
    let mut images =
        ImageGanTraining::new(&manifest.config, set.split_held_out().0, 32, 2e-4, &device);
    images.resume(model, 0);
    let image_rounds = rounds_per_s(&mut images, args.image_rounds).describe(2, "round");
    println!("native {on}\tgan_image_rounds_per_s_batch_32\t{image_rounds}");
    Ok(())
}

/// Train the image GAN on an image set; saves PREFIX.bpk and PREFIX.json at every `--save-every`.
#[derive(clap::Args)]
pub struct TrainGanArgs {
    #[command(flatten)]
    images: ImageSetArgs,
    #[arg(long, value_name = "PREFIX")]
    out: String,
    /// Rounds (one discriminator and one generator step each) of the learning-rate schedule.
    #[arg(long, default_value_t = 5000)]
    steps: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    #[arg(long, default_value_t = 2e-4)]
    lr: f64,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 500)]
    save_every: usize,
    /// Share of labels trained as "none" (the class-free samples' share of the signal).
    #[arg(long, default_value_t = iagen_gan::LABEL_DROP)]
    label_drop: f32,
    /// Weight of feature matching for the class-free samples: their mean discriminator
    /// features pulled towards the real images' (0: off).
    #[arg(long, default_value_t = 0.0)]
    feature_matching: f32,
    /// Go on with a saved run (its config and weights; the schedule continues up to --steps).
    #[arg(long, value_name = "PREFIX")]
    init: Option<String>,
    /// The final save's precision.
    #[arg(long, default_value = "full", value_parser = crate::gpt::parse_precision)]
    precision: Precision,
    #[command(flatten)]
    stop: StopArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub(crate) fn load_gan_files(
    prefix: &str,
    device: &Device,
) -> Result<(ImageGanManifest, ImageGan), String> {
    let (manifest, bytes): (ImageGanManifest, _) = model_files::load(prefix)?;
    let model = load_image_gan(&manifest.config, bytes, device)?;
    Ok((manifest, model))
}

pub fn train(args: &TrainGanArgs) -> Result<(), String> {
    let (data, set) = args.images.read()?;
    let device = args.device.get();
    let resumed = args
        .init
        .as_deref()
        .map(|p| load_gan_files(p, &device))
        .transpose()?;
    let config = match &resumed {
        Some((manifest, _)) => manifest.config.clone(),
        None => ImageGanConfig::new().with_seed(args.seed),
    };
    // A GAN has no held-out loss: it trains on the first nine tenths, like the other models,
    // and the judge scores its samples.
    let (train_set, _) = set.split_held_out();
    let mut training = ImageGanTraining::new(&config, train_set, args.batch, args.lr, &device);
    training.set_label_drop(args.label_drop);
    training.set_feature_matching(args.feature_matching);
    let first = match resumed {
        Some((manifest, model)) => {
            training.resume(model, manifest.steps);
            manifest.steps
        }
        None => 0,
    };
    let manifest = |steps: usize| ImageGanManifest {
        config: config.clone(),
        data: data.name().to_string(),
        steps,
    };
    let started = Instant::now();
    let last = args.stop.last_step(args.steps);
    let mut done = first;
    while done < last && !args.stop.out_of_time(started, done) {
        training.set_lr(args.lr * lr_scale(done, args.steps));
        let losses = training.step();
        done += 1;
        if done % args.save_every == 0 && done < last {
            println!(
                "round {done:>6}  D {:.3}  G {:.3}  {:.0} s",
                scalar(losses[0].1.clone()),
                scalar(losses[1].1.clone()),
                started.elapsed().as_secs_f32()
            );
            let bytes = save_image_gan(&training.model(), Precision::Full)?;
            model_files::save(&args.out, bytes, &manifest(done))?;
        }
    }
    println!(
        "{done} rounds; wall time {:.0} s",
        started.elapsed().as_secs_f32()
    );
    let bytes = save_image_gan(&training.model(), args.precision)?;
    model_files::save(&args.out, bytes, &manifest(done))
}

/// Images `[n, 784]` as bytes.
pub(crate) fn image_bytes(images: Tensor<4>) -> Result<Vec<u8>, String> {
    Ok(images
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| format!("{e:?}"))?
        .iter()
        .map(|&v| to_byte(v))
        .collect())
}

/// Draw images with a saved image GAN into a PNG grid.
#[derive(clap::Args)]
pub struct SampleGanArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// The class to ask for, as a word (or none).
    #[arg(long, default_value = "none")]
    class: String,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    output: SampleOutArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn sample(args: &SampleGanArgs) -> Result<(), String> {
    let device = args.device.get();
    let (manifest, model) = load_gan_files(&args.model, &device)?;
    let label = class_arg(&manifest.data, &args.class)?;
    let images = generate_images(&model.g, &vec![label; args.output.n], args.seed, &device);
    args.output.write(&image_bytes(images)?)
}

/// Judge a saved image GAN's samples: asked for each class in turn, and without a class.
#[derive(clap::Args)]
pub struct EvalGanArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    #[arg(long, value_name = "PREFIX")]
    judge: String,
    #[arg(long, default_value_t = 1000)]
    n: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn eval(args: &EvalGanArgs) -> Result<(), String> {
    let device = args.device.get();
    let (_, model) = load_gan_files(&args.model, &device)?;
    let (_, judge) = load_judge_files(&args.judge, &device)?;
    let n = args.n;
    let verdicts = |labels: &[Option<usize>], seed: u64| -> Result<(Vec<i64>, f32), String> {
        let log_probs = judge.forward(generate_images(&model.g, labels, seed, &device));
        let top = log_probs.clone().exp().max_dim(1).mean().into_data();
        let top = top.try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?[0];
        let picks = log_probs.argmax(1).into_data().convert::<i64>();
        Ok((
            picks.try_to_vec::<i64>().map_err(|e| format!("{e:?}"))?,
            top,
        ))
    };
    let asked: Vec<Option<usize>> = (0..n).map(|i| Some(i % CLASSES)).collect();
    let (picks, top) = verdicts(&asked, args.seed)?;
    let agree = picks
        .iter()
        .zip(&asked)
        .filter(|(p, a)| Some(**p as usize) == **a)
        .count();
    println!(
        "asked for each class in turn: the judge agrees with {:.1} % of {n}; mean top-class probability {top:.3}",
        100.0 * agree as f32 / n as f32
    );
    let (picks, top) = verdicts(&vec![None; n], args.seed + 1)?;
    let mut shares = [0usize; CLASSES];
    for p in picks {
        shares[p as usize] += 1;
    }
    let shares: Vec<String> = shares
        .iter()
        .map(|&c| format!("{:.1}", 100.0 * c as f32 / n as f32))
        .collect();
    println!(
        "without a class: mean top-class probability {top:.3}; class shares (%): {}",
        shares.join(" ")
    );
    Ok(())
}
