//! `iagen-cli {train,eval} judge` and `iagen-cli {train,sample,eval,bench} diffusion`: the
//! native side of the image models and of the judge that scores them.

use std::time::Instant;

use burn::prelude::*;
use iagen_core::classes::{CLASSES, ImageData};
use iagen_core::image_data::{ImageSet, to_byte, to_signed};
use iagen_core::image_io::{grid, npy_u8, png};
use iagen_core::rng::Rng;
use iagen_diffusion::{
    Denoiser, DiffusionConfig, DiffusionManifest, DiffusionSize, Sampler, Trainer, UNet,
    image_tensor, load_diffusion, save_diffusion,
};
use iagen_judge::{
    Judge, JudgeConfig, JudgeManifest, JudgeTrainer, count_correct, load_judge, save_judge,
};

use crate::host::{DeviceArg, StopArgs, lr_scale, read_bytes, scalar, write_bytes};
use crate::measure::measure;
use crate::model_files;

fn image_data(name: &str) -> Result<ImageData, String> {
    ImageData::from_name(name).ok_or_else(|| format!("{name}: not mnist or fashion"))
}

/// Which image set, and the file it is read from.
#[derive(clap::Args)]
pub struct ImageSetArgs {
    #[arg(long, default_value = "mnist", value_parser = ["mnist", "fashion"])]
    data: String,
    /// The records (default: web/assets/data/NAME.bin); the last tenth is held out.
    #[arg(long)]
    file: Option<String>,
}

impl ImageSetArgs {
    /// The shipped records of data set `name`.
    pub fn named(name: &str) -> Self {
        Self {
            data: name.to_string(),
            file: None,
        }
    }

    pub fn read(&self) -> Result<(ImageData, ImageSet), String> {
        let data = image_data(&self.data)?;
        let path = self
            .file
            .clone()
            .unwrap_or(format!("web/assets/data/{}.bin", data.name()));
        let set = ImageSet::from_records(&read_bytes(&path)?, CLASSES)
            .map_err(|e| format!("{path}: not an image set ({e:?})"))?;
        Ok((data, set))
    }
}

fn int_scalar(t: Tensor<1, Int>) -> i64 {
    t.into_data()
        .convert::<i64>()
        .try_to_vec::<i64>()
        .expect("int tensor")[0]
}

/// Fraction of `set` the judge labels correctly.
fn judge_accuracy(judge: &Judge, set: &ImageSet, device: &Device) -> f32 {
    let indices: Vec<usize> = (0..set.len()).collect();
    let correct: i64 = indices
        .chunks(500)
        .map(|chunk| int_scalar(count_correct(judge, &set.batch(chunk), device)))
        .sum();
    correct as f32 / set.len() as f32
}

/// Train a judge (the independent classifier that scores generated images).
#[derive(clap::Args)]
pub struct TrainJudgeArgs {
    #[command(flatten)]
    images: ImageSetArgs,
    #[arg(long, value_name = "PREFIX")]
    out: String,
    #[arg(long, default_value_t = 1500)]
    steps: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    #[arg(long, default_value_t = 2e-3)]
    lr: f64,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn train_judge(args: &TrainJudgeArgs) -> Result<(), String> {
    let (data, set) = args.images.read()?;
    let (steps, batch, lr) = (args.steps, args.batch, args.lr);
    let config = JudgeConfig::new().with_seed(args.seed);
    let device = args.device.get();
    let (train, held) = set.split_held_out();
    let mut trainer = JudgeTrainer::new(&config, lr, &device);
    let mut rng = Rng::new(config.seed);
    let started = Instant::now();
    for step in 0..steps {
        trainer.set_lr(lr * lr_scale(step, steps));
        let loss = trainer.step(&train.random_batch(&mut rng, batch));
        if (step + 1) % 250 == 0 {
            println!(
                "step {:>5}  loss {:.4}  {:.0} s",
                step + 1,
                scalar(loss),
                started.elapsed().as_secs_f32()
            );
        }
    }
    let judge = trainer.model();
    let accuracy = judge_accuracy(&judge, &held, &device);
    println!(
        "{}: held-out accuracy {:.2} % on {} images; wall time {:.0} s",
        data.name(),
        accuracy * 100.0,
        held.len(),
        started.elapsed().as_secs_f32()
    );
    let manifest = JudgeManifest {
        config,
        data: data.name().to_string(),
        steps,
        held_out_accuracy: accuracy,
    };
    model_files::save(&args.out, save_judge(&judge)?, &manifest)
}

pub fn load_judge_files(prefix: &str, device: &Device) -> Result<(JudgeManifest, Judge), String> {
    let (manifest, bytes): (JudgeManifest, _) = model_files::load(prefix)?;
    let judge = load_judge(&manifest.config, bytes, device)?;
    Ok((manifest, judge))
}

/// A judge's accuracy on the held-out tenth of an image set.
#[derive(clap::Args)]
pub struct EvalJudgeArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    #[command(flatten)]
    images: ImageSetArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn eval_judge(args: &EvalJudgeArgs) -> Result<(), String> {
    let device = args.device.get();
    let (_, judge) = load_judge_files(&args.model, &device)?;
    let (data, set) = args.images.read()?;
    let (_, held) = set.split_held_out();
    let accuracy = judge_accuracy(&judge, &held, &device);
    println!(
        "{}: held-out accuracy {:.2} %",
        data.name(),
        accuracy * 100.0
    );
    Ok(())
}

/// Train a diffusion model; saves PREFIX.bpk and PREFIX.json every 100 steps, so a run that
/// is cut off can go on with --init.
#[derive(clap::Args)]
pub struct TrainDiffusionArgs {
    #[command(flatten)]
    images: ImageSetArgs,
    #[arg(long, value_name = "PREFIX")]
    out: String,
    #[arg(long, default_value = "nano", value_parser = ["nano", "tiny"])]
    size: String,
    /// Steps of the learning-rate schedule (warm-up, cosine decay to a tenth).
    #[arg(long, default_value_t = 3000)]
    steps: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    #[arg(long, default_value_t = 2e-3)]
    lr: f64,
    /// Default 42, or the --init model's seed plus one.
    #[arg(long)]
    seed: Option<u64>,
    /// Noise levels of the forward process.
    #[arg(long, default_value_t = 1000)]
    timesteps: usize,
    #[arg(long, default_value = "cosine", value_parser = ["cosine", "linear"])]
    schedule: String,
    /// Share of labels trained as "no class" (default 0.1, or the --init model's).
    #[arg(long)]
    label_drop: Option<f64>,
    /// Save a moving average of the weights with this decay (0: the last weights).
    #[arg(long, default_value_t = 0.0)]
    average: f64,
    /// Self-attention at 7×7 (may be added to an --init model; default: the --init model's).
    #[arg(long)]
    attention: Option<bool>,
    /// Weight each step's loss by 1/(1+SNR)^γ, favouring noisy steps.
    #[arg(long)]
    p2_gamma: Option<f64>,
    #[command(flatten)]
    stop: StopArgs,
    /// Continue a saved model for --steps more (its config; a new seed for the new draws).
    #[arg(long, value_name = "PREFIX")]
    init: Option<String>,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn train_diffusion(args: &TrainDiffusionArgs) -> Result<(), String> {
    let (data, set) = args.images.read()?;
    let (out, steps, batch, lr) = (&args.out, args.steps, args.batch, args.lr);
    let device = args.device.get();
    let (config, mut trainer, earlier) = match &args.init {
        Some(prefix) => {
            let (manifest, model) = load_diffusion_files(prefix, &device)?;
            let seed = args.seed.unwrap_or(manifest.config.seed + 1);
            let label_dropout = args.label_drop.unwrap_or(manifest.config.label_dropout);
            let attention = args.attention.unwrap_or(manifest.config.has_attention());
            let p2_gamma = args.p2_gamma.or(manifest.config.p2_gamma);
            let model = match (manifest.config.has_attention(), attention) {
                (false, true) => model.with_mid_attention(&device),
                (true, false) => return Err("--attention: the saved model has it".into()),
                _ => model,
            };
            let config = manifest
                .config
                .with_seed(seed)
                .with_label_dropout(label_dropout)
                .with_attention(Some(attention))
                .with_p2_gamma(p2_gamma);
            let trainer = Trainer::from_model(model, &config, lr, &device);
            (config, trainer, manifest.steps)
        }
        None => {
            let size = DiffusionSize::from_name(&args.size).expect("clap checked the size");
            let config = DiffusionConfig::preset(size)
                .with_seed(args.seed.unwrap_or(42))
                .with_timesteps(args.timesteps)
                .with_schedule(args.schedule.clone())
                .with_label_dropout(args.label_drop.unwrap_or(0.1))
                .with_attention(Some(args.attention.unwrap_or(false)))
                .with_p2_gamma(args.p2_gamma);
            let trainer = Trainer::new(&config, lr, &device);
            (config, trainer, 0)
        }
    };
    if args.average > 0.0 {
        trainer = trainer.with_weight_average(args.average);
    }
    let (train, _) = set.split_held_out();
    println!(
        "{}: {} training images, {} parameters",
        data.name(),
        train.len(),
        trainer.inference_model().num_params()
    );
    // Written at every report, so a long run that is cut off can go on (`--init`).
    let save = |trainer: &Trainer, trained: usize, loss: f32| {
        let manifest = DiffusionManifest {
            config: config.clone(),
            data: data.name().to_string(),
            steps: earlier + trained,
            batch,
            loss,
        };
        model_files::save(out, save_diffusion(&trainer.inference_model())?, &manifest)
    };
    let reports = |trained: usize| trained.is_multiple_of(100) || trained == steps;
    let started = Instant::now();
    let (mut trained, mut recent, mut loss) = (0, Vec::new(), f32::NAN);
    for step in 0..args.stop.last_step(steps) {
        if args.stop.out_of_time(started, step) {
            break;
        }
        trainer.set_lr(lr * lr_scale(step, steps));
        let images = train.random_batch(trainer.rng(), batch);
        recent.push(scalar(trainer.step(&images)));
        trained = step + 1;
        if reports(trained) {
            loss = recent.iter().sum::<f32>() / recent.len() as f32;
            println!(
                "step {trained:>6}  loss {loss:.4}  {:.0} s",
                started.elapsed().as_secs_f32()
            );
            recent.clear();
            save(&trainer, trained, loss)?;
        }
    }
    println!("wall time {:.0} s", started.elapsed().as_secs_f32());
    // A run that stopped between reports has not been written yet.
    if !reports(trained) {
        save(&trainer, trained, loss)?;
    }
    Ok(())
}

pub fn load_diffusion_files(
    prefix: &str,
    device: &Device,
) -> Result<(DiffusionManifest, UNet), String> {
    let (manifest, bytes): (DiffusionManifest, _) = model_files::load(prefix)?;
    let model = load_diffusion(&manifest.config, bytes, device)?;
    Ok((manifest, model))
}

/// Generate images for `labels` (with `s`'s sampler, steps and guidance, the noise from
/// `seed`); bytes `n × 784`.
pub fn generate(
    model: &UNet,
    manifest: &DiffusionManifest,
    labels: &[Option<usize>],
    s: &SamplerArgs,
    seed: u64,
    device: &Device,
) -> Vec<u8> {
    generate_counted(model, manifest, labels, s, seed, device).0
}

/// `generate`, and the floating-point operations of its U-Net passes.
pub fn generate_counted(
    model: &UNet,
    manifest: &DiffusionManifest,
    labels: &[Option<usize>],
    s: &SamplerArgs,
    seed: u64,
    device: &Device,
) -> (Vec<u8>, f64) {
    let schedule = manifest.config.noise_schedule();
    let mut denoiser = Denoiser::new(
        schedule,
        labels,
        model.null_class(),
        s.sampler,
        s.k,
        s.guidance,
        seed,
        device,
    );
    let mut flops = 0.0;
    while denoiser.step(model).is_some() {
        flops += denoiser.step_flops(model);
    }
    let values = denoiser
        .sample()
        .into_data()
        .try_to_vec::<f32>()
        .expect("f32 tensor");
    (values.into_iter().map(to_byte).collect(), flops)
}

/// How images are drawn: the sampler, its steps, the guidance and the noise's seed.
#[derive(clap::Args)]
pub struct SamplerArgs {
    #[arg(long, default_value = "ddim", value_parser = parse_sampler)]
    sampler: Sampler,
    /// Denoising steps.
    #[arg(long = "steps", default_value_t = 50)]
    k: usize,
    /// Classifier-free guidance (0: none).
    #[arg(long, default_value_t = 3.0)]
    guidance: f64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

fn parse_sampler(name: &str) -> Result<Sampler, String> {
    Sampler::from_name(name).ok_or_else(|| "ddim or ddpm".to_string())
}

/// Where and how many images `sample` writes: the same flags for every image model.
#[derive(clap::Args)]
pub struct SampleOutArgs {
    #[arg(long, value_name = "FILE.png")]
    out: String,
    #[arg(long, default_value_t = 16)]
    pub n: usize,
    /// Also write the images as a NumPy array (uint8, N×28×28).
    #[arg(long, value_name = "FILE.npy")]
    npy: Option<String>,
}

impl SampleOutArgs {
    /// Write `images` (n × 784 bytes) as a square PNG grid and, when asked, as an array.
    pub fn write(&self, images: &[u8]) -> Result<(), String> {
        let n = self.n;
        write_bytes(
            &self.out,
            &png(&grid(images, (n as f64).sqrt().ceil() as usize)),
        )?;
        if let Some(npy) = &self.npy {
            write_bytes(npy, &npy_u8(&[n, 28, 28], images))?;
        }
        println!("{n} images → {}", self.out);
        Ok(())
    }
}

/// The class a `--class` word names in data set `data_name` (`none`: no class).
pub fn class_arg(data_name: &str, word: &str) -> Result<Option<usize>, String> {
    let data = image_data(data_name)?;
    match word {
        "none" => Ok(None),
        word => data.parse_class(word).map(Some).ok_or_else(|| {
            format!(
                "--class {word}: not a class; try {}",
                data.accepted_words("en").join(", ")
            )
        }),
    }
}

/// Draw images with a saved diffusion model into a PNG grid.
#[derive(clap::Args)]
pub struct SampleDiffusionArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// The class to ask for, as a word (or none).
    #[arg(long, default_value = "none")]
    class: String,
    #[command(flatten)]
    output: SampleOutArgs,
    #[command(flatten)]
    sampling: SamplerArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn sample_diffusion(args: &SampleDiffusionArgs) -> Result<(), String> {
    let device = args.device.get();
    let (manifest, model) = load_diffusion_files(&args.model, &device)?;
    let label = class_arg(&manifest.data, &args.class)?;
    let s = &args.sampling;
    let images = generate(
        &model,
        &manifest,
        &vec![label; args.output.n],
        s,
        s.seed,
        &device,
    );
    args.output.write(&images)
}

/// Which halves of the judged evaluation to run.
#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Halves {
    Both,
    /// Samples asked for each class in turn: does the judge agree?
    Conditional,
    /// Samples without a class: the share of each class among them.
    Unconditional,
}

/// Judge a saved diffusion model's samples.
#[derive(clap::Args)]
pub struct EvalDiffusionArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    #[arg(long, value_name = "PREFIX")]
    judge: String,
    #[arg(long, default_value_t = 1000)]
    n: usize,
    /// Samples generated at once.
    #[arg(long, default_value_t = 100)]
    batch: usize,
    #[arg(long, value_enum, default_value = "both")]
    only: Halves,
    #[command(flatten)]
    sampling: SamplerArgs,
    #[command(flatten)]
    device: DeviceArg,
}

/// The judge's verdict on samples: per class asked for, the share labelled as that class;
/// and, unconditionally, the share of each class among the samples.
pub fn eval_diffusion(args: &EvalDiffusionArgs) -> Result<(), String> {
    let device = args.device.get();
    let (manifest, model) = load_diffusion_files(&args.model, &device)?;
    let (_, judge) = load_judge_files(&args.judge, &device)?;
    let (n, chunk, s) = (args.n, args.batch, &args.sampling);
    // The class balance alone costs a third of both halves: unguided samples need one network
    // pass per step instead of two.
    let conditional = args.only != Halves::Unconditional;
    let unconditional = args.only != Halves::Conditional;
    let started = Instant::now();
    // Generates `n` samples in chunks, sample i asking for `label(i)`, the noise drawn from
    // `seed` plus the chunk's start; returns (asked for, judge's class) pairs.
    let judged = |label: &dyn Fn(usize) -> Option<usize>, seed: u64| {
        let mut verdicts = Vec::with_capacity(n);
        for start in (0..n).step_by(chunk) {
            let labels: Vec<Option<usize>> = (start..(start + chunk).min(n)).map(label).collect();
            let images = generate(&model, &manifest, &labels, s, seed + start as u64, &device);
            let pixels: Vec<f32> = images.iter().map(|&p| to_signed(p)).collect();
            let classes = judge
                .classify(image_tensor(&pixels, labels.len(), &device))
                .into_data()
                .convert::<i64>()
                .try_to_vec::<i64>()
                .expect("ints");
            verdicts.extend(
                labels
                    .into_iter()
                    .zip(classes.into_iter().map(|c| c as usize)),
            );
        }
        verdicts
    };
    if conditional {
        let (mut asked, mut agreed) = ([0usize; CLASSES], [0usize; CLASSES]);
        for (label, verdict) in judged(&|i| Some(i % CLASSES), s.seed) {
            let class = label.expect("conditional");
            asked[class] += 1;
            agreed[class] += usize::from(verdict == class);
        }
        let data = image_data(&manifest.data)?;
        for class in 0..CLASSES {
            println!(
                "  {:<12} {:>5.1} %",
                data.class_name(class, "en"),
                100.0 * agreed[class] as f32 / asked[class].max(1) as f32
            );
        }
        let total: usize = agreed.iter().sum();
        println!(
            "conditional: judge agrees on {:.1} % of {n} samples ({:?}, {} steps, guidance {})",
            100.0 * total as f32 / n as f32,
            s.sampler,
            s.k,
            s.guidance
        );
    }
    if unconditional {
        let mut shares = [0usize; CLASSES];
        // Without labels there is nothing to guide: one network pass per step.
        for (_, verdict) in judged(&|_| None, s.seed + 1_000_000) {
            shares[verdict] += 1;
        }
        let shares: Vec<String> = shares
            .iter()
            .map(|&c| format!("{:.1}", 100.0 * c as f32 / n as f32))
            .collect();
        println!("unconditional class shares (%): {}", shares.join(" "));
    }
    println!(
        "wall time {:.0} s, {} parameters",
        started.elapsed().as_secs_f32(),
        model.num_params()
    );
    Ok(())
}

/// Milliseconds per denoising step for `--n` samples (with guidance: a doubled batch), on
/// `--device` (the first step, which compiles a GPU's kernels, is not counted).
#[derive(clap::Args)]
pub struct BenchDiffusionArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    #[arg(long, default_value_t = 16)]
    n: usize,
    #[arg(long, default_value_t = 10)]
    steps: usize,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn bench_diffusion(args: &BenchDiffusionArgs) -> Result<(), String> {
    let device = args.device.get();
    let (manifest, model) = load_diffusion_files(&args.model, &device)?;
    let (n, steps) = (args.n, args.steps);
    let labels: Vec<Option<usize>> = (0..n).map(|i| Some(i % CLASSES)).collect();
    let schedule = manifest.config.noise_schedule();
    let mut denoiser = Denoiser::new(
        schedule,
        &labels,
        model.null_class(),
        Sampler::Ddim,
        steps + 2, // the warm-up, the timed steps, the counted one
        3.0,
        1,
        &device,
    );
    // Reading each step back waits for a GPU's queued work.
    let step = measure(steps, || {
        denoiser
            .step(&model)
            .expect("steps left")
            .x_prev
            .into_data();
    });
    let ms = 1000.0 / step.per_s;
    let on = format!("{:?}", args.device.device).to_lowercase();
    let kernels = step
        .kernels
        .map_or(String::new(), |k| format!("\tkernels_per_step\t{k}"));
    println!("native {on}\tdiffusion_ms_per_step_{n}_samples\t{ms:.1}{kernels}");
    Ok(())
}
