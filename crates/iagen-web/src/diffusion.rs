//! The diffusion family in the page: a U-Net, shipped or trained live, and its verbs —
//! `start`/`step` (the step-through denoiser), `noised` (the forward process on a real
//! image), `class_of_word`, `preview` (a few quick samples for the training panel), `sample`
//! (`start`'s arguments, denoised to the end in one call), and the verbs every image family
//! shares (its real images and its judge: `image_reference.rs`).

use burn::prelude::*;
use iagen_core::classes::{CLASSES, ImageData};
use iagen_core::rng::Rng;
use iagen_diffusion::{
    Denoiser, DiffusionConfig, DiffusionManifest, DiffusionSize, DiffusionTraining, Sampler,
    image_tensor, load_diffusion, save_diffusion,
};
use js_sys::{Object, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::family::{Core, Family, ModelOf, Shared};
use crate::image_reference::{ImageReference, MixOptions, mixed_split};
use crate::images::{self, WordArgs, image_data};
use crate::read;

pub struct Diffusion {
    data: ImageData,
    config: DiffusionConfig,
    denoiser: Option<Denoiser>,
    /// The training and held-out images: the forward process noises training images, and
    /// generated ones are compared with them.
    images: ImageReference,
}

#[derive(Deserialize)]
pub struct Options {
    data: String,
    size: String,
    sched: String,
    tmax: usize,
    batch: usize,
    lr: f64,
    seed: u32,
    #[serde(default)]
    mix: MixOptions,
}

#[derive(Deserialize)]
struct StartArgs {
    /// A class per sample, or −1 for none.
    labels: Vec<i32>,
    sampler: String,
    k: usize,
    guidance: f64,
    seed: u32,
}

#[derive(Deserialize)]
struct NoisedArgs {
    index: usize,
    t: usize,
    seed: u32,
}

#[derive(Serialize)]
struct Info {
    data: &'static str,
    params: usize,
    steps: usize,
    timesteps: usize,
    schedule: String,
    /// β_t, ᾱ_t and SNR per step, for the schedule chart.
    betas: Vec<f32>,
    alpha_bars: Vec<f32>,
    snr: Vec<f32>,
}

impl Diffusion {
    fn new(data: ImageData, config: DiffusionConfig, images: ImageReference) -> Self {
        Self {
            data,
            config,
            denoiser: None,
            images,
        }
    }
}

impl Family for Diffusion {
    // A U-Net over a batch of images: large convolutions.
    const GPU_PAYS: bool = true;
    type Training = DiffusionTraining;
    type Options = Options;

    fn pretrained(
        manifest_json: &str,
        weights: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, ModelOf<Self>), JsError> {
        let manifest: DiffusionManifest = serde_json::from_str(manifest_json).map_err(js_err)?;
        let model = load_diffusion(&manifest.config, weights, device).map_err(js_err)?;
        let family = Diffusion::new(
            image_data(&manifest.data)?,
            manifest.config,
            ImageReference::default(),
        );
        Ok((family, model))
    }

    /// `data`: the image records of data set `options.data`; the run trains on the part of
    /// its training head that `options.mix` keeps.
    fn untrained(
        options: Options,
        data: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, DiffusionTraining), JsError> {
        let size = DiffusionSize::from_name(&options.size).unwrap_or(DiffusionSize::Tiny);
        let config = DiffusionConfig::preset(size)
            .with_schedule(options.sched)
            .with_timesteps(options.tmax)
            .with_seed(options.seed as u64);
        let (train, held) = mixed_split(&data, &options.mix)?;
        let training =
            DiffusionTraining::new(&config, train.clone(), options.batch, options.lr, device);
        let images = ImageReference::of_run(train, held);
        Ok((
            Diffusion::new(image_data(&options.data)?, config, images),
            training,
        ))
    }

    fn weights(model: &ModelOf<Self>) -> Result<Vec<u8>, String> {
        save_diffusion(model)
    }

    fn load_weights(core: &Core<Self>, bytes: Vec<u8>) -> Result<ModelOf<Self>, JsError> {
        load_diffusion(&core.family.config, bytes, &device()?).map_err(js_err)
    }

    fn step_flops(core: &Core<Self>) -> Option<f64> {
        let training = core.training().ok()?;
        Some(training.step_flops())
    }

    fn info(core: &Core<Self>) -> JsValue {
        let config = &core.family.config;
        let schedule = config.noise_schedule();
        let t_max = schedule.len();
        serde_wasm(&Info {
            data: core.family.data.name(),
            params: core.model().num_params(),
            steps: core.steps(),
            timesteps: t_max,
            schedule: config.schedule.clone(),
            betas: schedule.betas.iter().map(|&b| b as f32).collect(),
            alpha_bars: schedule.alphas_cumprod.iter().map(|&a| a as f32).collect(),
            snr: (0..t_max).map(|t| schedule.snr(t) as f32).collect(),
        })
    }

    fn verb(
        core: Shared<Self>,
        name: &str,
        args: JsValue,
        bytes: Option<Vec<u8>>,
    ) -> Result<Promise, JsError> {
        let mut bytes = bytes;
        let shared = core
            .borrow_mut()
            .family
            .images
            .verb(name, &args, &mut bytes);
        if let Some(done) = shared {
            return done;
        }
        Ok(match name {
            "start" => {
                start(&core, read::args(&args)?)?;
                Promise::resolve(&JsValue::UNDEFINED)
            }
            "step" => read::promise(async move { step(&core).await }),
            "noised" => {
                let args = read::args(&args)?;
                read::promise(async move { noised(&core, args).await })
            }
            "preview" => read::promise(async move { preview(&core).await }),
            "sample" => {
                let args = read::args(&args)?;
                read::promise(async move { sample(&core, args).await })
            }
            "class_of_word" => {
                let args: WordArgs = read::args(&args)?;
                Promise::resolve(&images::class_of_word(core.borrow().family.data, &args))
            }
            _ => return Err(js_err(format!("diffusion has no verb {name}"))),
        })
    }
}

/// Start denoising one sample per label from noise drawn with `seed`, with `k` steps of
/// `sampler` (`ddim` or `ddpm`) and guidance scale `guidance`.
fn start(core: &Shared<Diffusion>, args: StartArgs) -> Result<(), JsError> {
    let denoiser = denoiser(&core.borrow(), args)?;
    core.borrow_mut().family.denoiser = Some(denoiser);
    Ok(())
}

/// A denoiser for `args` (see [`start`]) on the session's model as it is now.
fn denoiser(core: &Core<Diffusion>, args: StartArgs) -> Result<Denoiser, JsError> {
    let sampler =
        Sampler::from_name(&args.sampler).ok_or_else(|| js_err("sampler: ddim or ddpm"))?;
    let labels: Vec<Option<usize>> = args
        .labels
        .iter()
        .map(|&l| usize::try_from(l).ok().filter(|&c| c < CLASSES))
        .collect();
    let model = core.model();
    Ok(Denoiser::new(
        core.family.config.noise_schedule(),
        &labels,
        model.null_class(),
        sampler,
        args.k,
        args.guidance,
        args.seed as u64,
        &device()?,
    ))
}

/// One reverse step. `null` when done, else `{t, after, index, total, flops, xt, eps, x0, next}`
/// (the image arrays are Float32Arrays of N×784 values in about [-1, 1]).
async fn step(core: &Shared<Diffusion>) -> Result<JsValue, JsError> {
    let (step, progress, after) = {
        let mut core = core.borrow_mut();
        let model = core.model();
        let denoiser = core
            .family
            .denoiser
            .as_mut()
            .ok_or_else(|| js_err("call start first"))?;
        let flops = denoiser.step_flops(&model);
        let step = denoiser.step(&model);
        (
            step.map(|s| (s, flops)),
            denoiser.progress(),
            denoiser.current_t(),
        )
    };
    let Some((step, flops)) = step else {
        return Ok(JsValue::NULL);
    };
    let out: JsValue = Object::new().into();
    // The four tensors read back as one (README, "A real GPU": four read-backs a step before).
    let keys = ["xt", "eps", "x0", "next"];
    let parts = read::floats_together(vec![step.x_t, step.eps, step.x0, step.x_prev]).await?;
    for (key, part) in keys.iter().zip(&parts) {
        read::set_floats(&out, key, part)?;
    }
    // `after`: the step the new sample is at, −1 once it is clean.
    let after = after.map_or(-1.0, |t| t as f64);
    read::set_number(&out, "t", step.t as f64)?;
    read::set_number(&out, "after", after)?;
    read::set_number(&out, "index", progress.0 as f64)?;
    read::set_number(&out, "total", progress.1 as f64)?;
    read::set_number(&out, "flops", flops)?;
    Ok(out)
}

/// Four quick samples (classes 0–3, DDIM, 10 steps, guidance 3) to watch a model learn:
/// a Float32Array of 4×784 values.
async fn preview(core: &Shared<Diffusion>) -> Result<JsValue, JsError> {
    let args = StartArgs {
        labels: vec![0, 1, 2, 3],
        sampler: "ddim".into(),
        k: 10,
        guidance: 3.0,
        seed: 1,
    };
    sample(core, args).await
}

/// Samples denoised to the end in one call (`start`'s arguments): a Float32Array of the clean
/// images, N×784. Only the clean samples are read back; the step-through denoiser's
/// trajectory is left as it was.
async fn sample(core: &Shared<Diffusion>, args: StartArgs) -> Result<JsValue, JsError> {
    let clean = {
        let core = core.borrow();
        let mut denoiser = denoiser(&core, args)?;
        let model = core.model();
        let mut clean = None;
        while let Some(step) = denoiser.step(&model) {
            clean = Some(step.x_prev);
        }
        clean.ok_or_else(|| js_err("no denoising steps"))?
    };
    read::float_array(clean).await
}

/// The forward process on real training image `index`: `{x0, xt, label, count}` with x_t
/// drawn from q(x_t | x_0) with noise from `seed`.
async fn noised(core: &Shared<Diffusion>, args: NoisedArgs) -> Result<JsValue, JsError> {
    let (x0, xt, label, count) = {
        let core = core.borrow();
        let real = core
            .family
            .images
            .training()
            .ok_or_else(|| js_err("no images loaded"))?;
        let index = args.index % real.len();
        let batch = real.batch(&[index]);
        let device = device()?;
        let schedule = core.family.config.noise_schedule();
        let t = args.t.min(schedule.len() - 1);
        let noise = image_tensor(&Rng::new(args.seed as u64).normals(784), 1, &device);
        let x0 = image_tensor(&batch.pixels, 1, &device);
        let xt = schedule.add_noise(x0, noise, &[t]);
        (batch.pixels, xt, batch.labels[0], real.len())
    };
    let out: JsValue = Object::new().into();
    read::set_floats(&out, "x0", &x0)?;
    read::set_floats(&out, "xt", &read::floats(xt).await?)?;
    read::set_number(&out, "label", label as f64)?;
    read::set_number(&out, "count", count as f64)?;
    Ok(out)
}
