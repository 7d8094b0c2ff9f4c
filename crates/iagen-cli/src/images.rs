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

use crate::args::Args;
use crate::host::{device, device_name, lr_scale, read_bytes, scalar, write_bytes};
use crate::model_files;

fn image_data(name: &str) -> Result<ImageData, String> {
    ImageData::from_name(name).ok_or_else(|| format!("--data {name}: mnist or fashion"))
}

/// `--data mnist|fashion`, read from `--file` (default `web/assets/data/NAME.bin`).
fn image_set(args: &Args) -> Result<(ImageData, ImageSet), String> {
    let data = image_data(&args.get("data", "mnist".to_string())?)?;
    let path = args.get("file", format!("web/assets/data/{}.bin", data.name()))?;
    let set = ImageSet::from_records(&read_bytes(&path)?, CLASSES)
        .map_err(|e| format!("{path}: not an image set ({e:?})"))?;
    Ok((data, set))
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

pub fn train_judge(args: &Args) -> Result<(), String> {
    let (data, set) = image_set(args)?;
    let out = args.required("out")?;
    let steps: usize = args.get("steps", 1500)?;
    let batch: usize = args.get("batch", 64)?;
    let lr: f64 = args.get("lr", 2e-3)?;
    let config = JudgeConfig::new().with_seed(args.get("seed", 7)?);
    let device = device(args)?;
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
    model_files::save(&out, save_judge(&judge)?, &manifest)
}

fn load_judge_files(prefix: &str, device: &Device) -> Result<(JudgeManifest, Judge), String> {
    let (manifest, bytes): (JudgeManifest, _) = model_files::load(prefix)?;
    let judge = load_judge(&manifest.config, bytes, device)?;
    Ok((manifest, judge))
}

pub fn eval_judge(args: &Args) -> Result<(), String> {
    let device = device(args)?;
    let (_, judge) = load_judge_files(&args.required("model")?, &device)?;
    let (data, set) = image_set(args)?;
    let (_, held) = set.split_held_out();
    let accuracy = judge_accuracy(&judge, &held, &device);
    println!(
        "{}: held-out accuracy {:.2} %",
        data.name(),
        accuracy * 100.0
    );
    Ok(())
}

pub fn train_diffusion(args: &Args) -> Result<(), String> {
    let (data, set) = image_set(args)?;
    let out = args.required("out")?;
    let size = DiffusionSize::from_name(&args.get("size", "nano".to_string())?)
        .ok_or("--size: nano or tiny")?;
    let steps: usize = args.get("steps", 3000)?;
    let batch: usize = args.get("batch", 64)?;
    let lr: f64 = args.get("lr", 2e-3)?;
    // Stop early after `--stop-after` steps or when the time runs out; the schedule still
    // spans `--steps`.
    let stop_after: usize = args.get("stop-after", steps)?;
    let time_limit: f32 = args.get("time-limit", f32::INFINITY)?;
    let device = device(args)?;
    // `--init PREFIX` continues a saved model (its config; a new seed for the new draws).
    let (config, mut trainer, earlier) = match args.required("init") {
        Ok(prefix) => {
            let (manifest, model) = load_diffusion_files(&prefix, &device)?;
            let seed = args.get("seed", manifest.config.seed + 1)?;
            let label_dropout = args.get("label-drop", manifest.config.label_dropout)?;
            let attention = args.get("attention", manifest.config.has_attention())?;
            let p2_gamma = args.optional("p2-gamma")?.or(manifest.config.p2_gamma);
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
        Err(_) => {
            let config = DiffusionConfig::preset(size)
                .with_seed(args.get("seed", 42)?)
                .with_timesteps(args.get("timesteps", 1000)?)
                .with_schedule(args.get("schedule", "cosine".to_string())?)
                .with_label_dropout(args.get("label-drop", 0.1)?)
                .with_attention(Some(args.get("attention", false)?))
                .with_p2_gamma(args.optional("p2-gamma")?);
            let trainer = Trainer::new(&config, lr, &device);
            (config, trainer, 0)
        }
    };
    // `--average 0.999` saves a moving average of the weights instead of the last ones.
    let average: f64 = args.get("average", 0.0)?;
    if average > 0.0 {
        trainer = trainer.with_weight_average(average);
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
        model_files::save(&out, save_diffusion(&trainer.inference_model())?, &manifest)
    };
    let reports = |trained: usize| trained.is_multiple_of(100) || trained == steps;
    let started = Instant::now();
    let (mut trained, mut recent, mut loss) = (0, Vec::new(), f32::NAN);
    for step in 0..steps.min(stop_after) {
        if started.elapsed().as_secs_f32() > time_limit {
            println!("time limit reached after {step} steps");
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

fn load_diffusion_files(
    prefix: &str,
    device: &Device,
) -> Result<(DiffusionManifest, UNet), String> {
    let (manifest, bytes): (DiffusionManifest, _) = model_files::load(prefix)?;
    let model = load_diffusion(&manifest.config, bytes, device)?;
    Ok((manifest, model))
}

/// Generate images for `labels` (with `s`'s sampler, steps and guidance, the noise from
/// `seed`); bytes `n × 784`.
fn generate(
    model: &UNet,
    manifest: &DiffusionManifest,
    labels: &[Option<usize>],
    s: &SampleArgs,
    seed: u64,
    device: &Device,
) -> Vec<u8> {
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
    while denoiser.step(model).is_some() {}
    let values = denoiser
        .sample()
        .into_data()
        .try_to_vec::<f32>()
        .expect("f32 tensor");
    values.into_iter().map(to_byte).collect()
}

struct SampleArgs {
    sampler: Sampler,
    k: usize,
    guidance: f64,
    seed: u64,
}

fn sample_args(args: &Args) -> Result<SampleArgs, String> {
    Ok(SampleArgs {
        sampler: Sampler::from_name(&args.get("sampler", "ddim".to_string())?)
            .ok_or("--sampler: ddim or ddpm")?,
        k: args.get("steps", 50)?,
        guidance: args.get("guidance", 3.0)?,
        seed: args.get("seed", 42)?,
    })
}

pub fn sample_diffusion(args: &Args) -> Result<(), String> {
    let device = device(args)?;
    let (manifest, model) = load_diffusion_files(&args.required("model")?, &device)?;
    let data = image_data(&manifest.data)?;
    let class = args.get("class", "none".to_string())?;
    let label = match class.as_str() {
        "none" => None,
        word => Some(data.parse_class(word).ok_or_else(|| {
            format!(
                "--class {word}: not a class; try {}",
                data.accepted_words("en").join(", ")
            )
        })?),
    };
    let n: usize = args.get("n", 16)?;
    let s = sample_args(args)?;
    let started = Instant::now();
    let images = generate(&model, &manifest, &vec![label; n], &s, s.seed, &device);
    let out = args.required("out")?;
    write_bytes(
        &out,
        &png(&grid(&images, (n as f64).sqrt().ceil() as usize)),
    )?;
    if let Ok(npy) = args.required("npy") {
        write_bytes(&npy, &npy_u8(&[n, 28, 28], &images))?;
    }
    println!(
        "{n} images in {:.1} s → {out}",
        started.elapsed().as_secs_f32()
    );
    Ok(())
}

/// The judge's verdict on samples: per class asked for, the share labelled as that class;
/// and, unconditionally, the share of each class among the samples.
pub fn eval_diffusion(args: &Args) -> Result<(), String> {
    let device = device(args)?;
    let (manifest, model) = load_diffusion_files(&args.required("model")?, &device)?;
    let (_, judge) = load_judge_files(&args.required("judge")?, &device)?;
    let n: usize = args.get("n", 1000)?;
    let chunk: usize = args.get("batch", 100)?;
    let s = sample_args(args)?;
    // The class balance alone costs a third of both halves: unguided samples need one network
    // pass per step instead of two.
    let (conditional, unconditional) = match args.get("only", "both".to_string())?.as_str() {
        "both" => (true, true),
        "conditional" => (true, false),
        "unconditional" => (false, true),
        other => {
            return Err(format!(
                "--only {other}: conditional, unconditional or both"
            ));
        }
    };
    let started = Instant::now();
    // Generates `n` samples in chunks, sample i asking for `label(i)`, the noise drawn from
    // `seed` plus the chunk's start; returns (asked for, judge's class) pairs.
    let judged = |label: &dyn Fn(usize) -> Option<usize>, seed: u64| {
        let mut verdicts = Vec::with_capacity(n);
        for start in (0..n).step_by(chunk) {
            let labels: Vec<Option<usize>> = (start..(start + chunk).min(n)).map(label).collect();
            let images = generate(&model, &manifest, &labels, &s, seed + start as u64, &device);
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
pub fn bench_diffusion(args: &Args) -> Result<(), String> {
    let device = device(args)?;
    let (manifest, model) = load_diffusion_files(&args.required("model")?, &device)?;
    let n: usize = args.get("n", 16)?;
    let steps: usize = args.get("steps", 10)?;
    let labels: Vec<Option<usize>> = (0..n).map(|i| Some(i % CLASSES)).collect();
    let schedule = manifest.config.noise_schedule();
    let mut denoiser = Denoiser::new(
        schedule,
        &labels,
        model.null_class(),
        Sampler::Ddim,
        steps + 1,
        3.0,
        1,
        &device,
    );
    // Reading each step back waits for a GPU's queued work; the first step, which compiles
    // its kernels, is a warm-up.
    let mut step = || {
        denoiser
            .step(&model)
            .expect("steps left")
            .x_prev
            .into_data()
    };
    step();
    let started = Instant::now();
    for _ in 0..steps {
        step();
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0 / steps as f64;
    let on = device_name(args)?;
    println!("native {on}\tdiffusion_ms_per_step_{n}_samples\t{ms:.1}");
    Ok(())
}
