//! `iagen-cli {train,eval} vae`: the native side of the variational autoencoder.

use std::time::Instant;

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::classes::CLASSES;
use iagen_core::live::LiveTraining;
use iagen_core::rng::Rng;
use iagen_vae::{
    Vae, VaeConfig, VaeManifest, VaeTraining, image_rows, load_vae, prior_samples, save_vae,
    standard_normals, vae_losses,
};

use iagen_core::image_data::to_byte;

use crate::host::{DeviceArg, floats, lr_scale, scalar};
use crate::images::{ImageSetArgs, SampleOutArgs, load_judge_files};
use crate::measure::measure;
use crate::model_files;

/// Train a VAE on an image set; saves PREFIX.bpk and PREFIX.json at every evaluation.
#[derive(clap::Args)]
pub struct TrainVaeArgs {
    #[command(flatten)]
    images: ImageSetArgs,
    #[arg(long, value_name = "PREFIX")]
    out: String,
    /// Size of the latent space (2: a map you can see).
    #[arg(long, default_value_t = 2)]
    latent: usize,
    /// Width of the encoder's and decoder's hidden layer.
    #[arg(long, default_value_t = 256)]
    hidden: usize,
    /// Hidden layers on each side.
    #[arg(long, default_value_t = 1)]
    depth: usize,
    /// Channels of two strided convolutions around the MLPs (none without the flag).
    #[arg(long)]
    conv: Option<usize>,
    /// Weight of the KL term (β-VAE).
    #[arg(long, default_value_t = 1.0)]
    beta: f64,
    /// Steps of the learning-rate schedule (warm-up, cosine decay to a tenth).
    #[arg(long, default_value_t = 6000)]
    steps: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    #[arg(long, default_value_t = 1e-3)]
    lr: f64,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 1000)]
    eval_every: usize,
    /// The final save's precision.
    #[arg(long, default_value = "full", value_parser = crate::gpt::parse_precision)]
    precision: Precision,
    /// Go on with a saved run (its config and weights; the schedule continues up to --steps in
    /// all; with as many steps as it has, it is only scored and saved again).
    #[arg(long, value_name = "PREFIX")]
    init: Option<String>,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn train(args: &TrainVaeArgs) -> Result<(), String> {
    let (data, set) = args.images.read()?;
    let device = args.device.get();
    let resumed = args
        .init
        .as_deref()
        .map(|p| load_vae_files(p, &device))
        .transpose()?;
    let config = match &resumed {
        Some((manifest, _)) => manifest.config.clone(),
        None => VaeConfig::new()
            .with_latent(args.latent)
            .with_hidden(args.hidden)
            .with_depth(args.depth)
            .with_conv(args.conv)
            .with_beta(args.beta)
            .with_seed(args.seed),
    };
    let (train, held) = set.split_held_out();
    let mut training = VaeTraining::new(&config, train, held, args.batch, args.lr, &device);
    let first = match resumed {
        Some((manifest, model)) => {
            training.resume(model, manifest.steps);
            manifest.steps
        }
        None => 0,
    };
    let held = training.held_out().len();
    println!(
        "{}: {} held-out images, latent {}, β {}",
        data.name(),
        held,
        config.latent,
        config.beta
    );
    // Every held-out image, in batches.
    let all_held = held.div_ceil(args.batch);
    let validate = |training: &mut VaeTraining| -> (f32, f32) {
        let l = training.validate(all_held);
        (scalar(l[0].1.clone()), scalar(l[1].1.clone()))
    };
    let manifest = |steps: usize, (recon, kl): (f32, f32)| VaeManifest {
        config: config.clone(),
        data: data.name().to_string(),
        steps,
        recon,
        kl,
    };
    let started = Instant::now();
    for step in first..args.steps {
        training.set_lr(args.lr * lr_scale(step, args.steps));
        training.step();
        let done = step + 1;
        if done % args.eval_every == 0 && done < args.steps {
            let (recon, kl) = validate(&mut training);
            println!(
                "step {done:>6}  held-out recon {recon:.2} + KL {kl:.2} nats/image  {:.0} s",
                started.elapsed().as_secs_f32()
            );
            let bytes = save_vae(&training.model(), Precision::Full)?;
            model_files::save(&args.out, bytes, &manifest(done, (recon, kl)))?;
        }
    }
    let (recon, kl) = validate(&mut training);
    println!(
        "held-out recon {recon:.2} + KL {kl:.2} = {:.2} nats/image (the negative ELBO at β = 1); wall time {:.0} s",
        recon + kl,
        started.elapsed().as_secs_f32()
    );
    let bytes = save_vae(&training.model(), args.precision)?;
    model_files::save(&args.out, bytes, &manifest(args.steps, (recon, kl)))
}

/// Score a saved VAE: held-out negative ELBO (grey-level and binarised targets), the judge's
/// accuracy on reconstructions of held-out images, and the judge's view of samples from the
/// prior.
#[derive(clap::Args)]
pub struct EvalVaeArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    #[arg(long, value_name = "PREFIX")]
    judge: String,
    #[command(flatten)]
    images: ImageSetArgs,
    /// Samples drawn from the prior N(0, I).
    #[arg(long, default_value_t = 300)]
    samples: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn eval(args: &EvalVaeArgs) -> Result<(), String> {
    let device = args.device.get();
    let (manifest, model) = load_vae_files(&args.model, &device)?;
    let (_, judge) = load_judge_files(&args.judge, &device)?;
    let (data, set) = args.images.read()?;
    let (train, held) = set.split_held_out();
    let n = held.len();
    let batch = held.all();
    let x = image_rows(&batch.pixels, n, &device);
    let mut rng = Rng::new(args.seed);
    let latent = manifest.config.latent;
    let elbo = |x: Tensor<2>, rng: &mut Rng| {
        let l = vae_losses(&model, x, standard_normals(rng, n, latent, &device));
        (scalar(l.recon), scalar(l.kl))
    };
    let (recon, kl) = elbo(x.clone(), &mut rng);
    let (recon_bin, kl_bin) = elbo(x.clone().greater_elem(0.5).float(), &mut rng);
    println!(
        "{}: held-out negative ELBO {:.2} nats/image (recon {recon:.2} + KL {kl:.2}); on binarised images {:.2} (recon {recon_bin:.2} + KL {kl_bin:.2})",
        data.name(),
        recon + kl,
        recon_bin + kl_bin
    );
    // The judge reads images in [-1, 1], [B, 1, 28, 28].
    let as_images = |probs: Tensor<2>, n: usize| (probs * 2.0 - 1.0).reshape([n, 1, 28, 28]);
    let (mean, _) = model.encode(x);
    let held_codes = floats(mean.clone());
    let classes = judge.classify(as_images(model.decode(mean), n));
    let labels = Tensor::<1, Int>::from_ints(batch.labels.as_slice(), &device);
    let agree = classes
        .equal(labels)
        .int()
        .sum()
        .into_data()
        .convert::<i64>()
        .try_to_vec::<i64>()
        .unwrap()[0];
    println!(
        "judge agrees with the label of {:.1} % of {n} reconstructions (decoded from μ)",
        100.0 * agree as f32 / n as f32
    );
    // A reconstruction is a function of μ, so no decoder can be judged right more often than
    // the best classifier of the codes themselves; k nearest training codes estimate that.
    let train_batch = train.all();
    let (train_mean, _) = model.encode(image_rows(&train_batch.pixels, train.len(), &device));
    let codes = Codes {
        values: &floats(train_mean),
        labels: &train_batch.labels,
        dims: latent,
    };
    println!(
        "{KNN} nearest training codes name the class of {:.1} % of the held-out codes (μ): the most a reconstruction can be judged right, roughly",
        100.0 * codes.knn_agreement(&held_codes, &batch.labels)
    );
    let m = args.samples;
    // The same draws as `sample vae --seed` and the page's prior samples.
    let (_, samples) = prior_samples(&model, args.seed, m, &device);
    let log_probs = judge.forward(as_images(samples, m));
    let top: Vec<f32> = log_probs
        .clone()
        .exp()
        .max_dim(1)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let picks: Vec<i64> = log_probs
        .argmax(1)
        .into_data()
        .convert::<i64>()
        .try_to_vec::<i64>()
        .unwrap();
    let mut shares = [0usize; CLASSES];
    for p in picks {
        shares[p as usize] += 1;
    }
    let shares: Vec<String> = shares
        .iter()
        .map(|&c| format!("{:.1}", 100.0 * c as f32 / m as f32))
        .collect();
    println!(
        "{m} samples from the prior: the judge's top-class probability averages {:.3}; class shares (%): {}",
        top.iter().sum::<f32>() / m as f32,
        shares.join(" ")
    );
    Ok(())
}

/// Neighbours that vote in [`Codes::knn_agreement`].
const KNN: usize = 15;

/// Latent codes of labelled images, `dims` values each.
struct Codes<'a> {
    values: &'a [f32],
    labels: &'a [i64],
    dims: usize,
}

impl Codes<'_> {
    /// The share of `queries` (codes, `dims` values each) whose [`KNN`] nearest codes' majority
    /// class is their own label.
    fn knn_agreement(&self, queries: &[f32], labels: &[i64]) -> f32 {
        let right = queries
            .chunks(self.dims)
            .zip(labels)
            .filter(|(query, label)| self.vote(query) == **label)
            .count();
        right as f32 / labels.len() as f32
    }

    fn vote(&self, query: &[f32]) -> i64 {
        let mut near: Vec<(f32, i64)> = self
            .values
            .chunks(self.dims)
            .zip(self.labels)
            .map(|(code, &label)| {
                let d: f32 = code.iter().zip(query).map(|(a, b)| (a - b) * (a - b)).sum();
                (d, label)
            })
            .collect();
        near.select_nth_unstable_by(KNN - 1, |a, b| a.0.total_cmp(&b.0));
        let mut votes = [0usize; CLASSES];
        for &(_, label) in &near[..KNN] {
            votes[label as usize] += 1;
        }
        (0..CLASSES).max_by_key(|&c| votes[c]).unwrap() as i64
    }
}

pub(crate) fn load_vae_files(prefix: &str, device: &Device) -> Result<(VaeManifest, Vae), String> {
    let (manifest, bytes): (VaeManifest, _) = model_files::load(prefix)?;
    let model = load_vae(&manifest.config, bytes, device)?;
    Ok((manifest, model))
}

/// Draw images from a saved VAE's prior N(0, I) into a PNG grid (the page's prior samples
/// with the same seed are these images).
#[derive(clap::Args)]
pub struct SampleVaeArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    output: SampleOutArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn sample(args: &SampleVaeArgs) -> Result<(), String> {
    let device = args.device.get();
    let (_, model) = load_vae_files(&args.model, &device)?;
    let (_, probs) = prior_samples(&model, args.seed, args.output.n, &device);
    let images: Vec<u8> = probs
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| format!("{e:?}"))?
        .iter()
        .map(|&p| to_byte(p * 2.0 - 1.0))
        .collect();
    args.output.write(&images)
}

/// VAE training steps per second (a fresh model as the page trains one: the default config
/// with `--model`'s latent size, on its data set) and single-image decodes per second with
/// `--model` (what hovering over the map asks for), on `--device`.
#[derive(clap::Args)]
pub struct BenchVaeArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    #[arg(long, default_value_t = 16)]
    batch: usize,
    #[arg(long, default_value_t = 200)]
    steps: usize,
    #[arg(long, default_value_t = 500)]
    decodes: usize,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn bench(args: &BenchVaeArgs) -> Result<(), String> {
    let device = args.device.get();
    let (manifest, model) = load_vae_files(&args.model, &device)?;
    let set = ImageSetArgs::named(&manifest.data).read()?.1;
    let fresh = VaeConfig::new().with_latent(manifest.config.latent);
    let (train, held) = set.split_held_out();
    let mut training = VaeTraining::new(&fresh, train, held, args.batch, 3e-3, &device);
    // Reading the losses back waits for queued work.
    let steps = measure(args.steps, || {
        scalar(training.step()[0].1.clone());
    });
    let latent = manifest.config.latent;
    let mut i = 0;
    let decodes = measure(args.decodes, || {
        i += 1;
        let z = vec![i as f32 / args.decodes as f32; latent];
        model
            .decode(Tensor::<1>::from_floats(z.as_slice(), &device).reshape([1, latent]))
            .into_data();
    });
    let on = format!("{:?}", args.device.device).to_lowercase();
    println!(
        "native {on}\tvae_train_steps_per_s_batch_{}\t{}\tvae_decodes_per_s\t{}",
        args.batch,
        steps.describe(1, "step"),
        decodes.describe(0, "decode")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_name_the_class_of_separated_codes_and_not_of_mixed_ones() {
        // Two classes, 20 codes each, on a line: apart (0–19 and 100–119) or interleaved.
        let values: Vec<f32> = (0..20).chain(100..120).map(|x| x as f32).collect();
        let apart: Vec<i64> = (0..40).map(|i| i / 20).collect();
        let interleaved: Vec<i64> = (0..40).map(|i| i % 2).collect();
        let queries = [5.5, 110.5];
        let codes = |labels| Codes {
            values: &values,
            labels,
            dims: 1,
        };
        assert_eq!(codes(&apart).knn_agreement(&queries, &[0, 1]), 1.0);
        assert_eq!(codes(&apart).knn_agreement(&queries, &[1, 0]), 0.0);
        // Interleaved, the 15 nearest of either query hold both classes nearly equally: the
        // vote misses at least one.
        let mixed = codes(&interleaved).knn_agreement(&queries, &[0, 0]);
        assert!(mixed < 1.0, "{mixed}");
    }
}
