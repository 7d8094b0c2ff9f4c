//! `DiffusionSession`: one diffusion model in the worker, pretrained or trained live, with
//! the step-through denoiser, the forward process on real images and the judge that names
//! what a generated image looks like.

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::*;
use iagen_core::classes::{CLASSES, ImageData};
use iagen_core::image_data::ImageSet;
use iagen_core::rng::Rng;
use iagen_diffusion::{
    Denoiser, DiffusionConfig, DiffusionManifest, DiffusionSize, Sampler, Trainer, UNet,
    image_tensor, load_diffusion,
};
use iagen_judge::{Judge, JudgeManifest, load_judge};
use js_sys::{Float32Array, Int32Array, Object, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::backend::{device, js_err, serde_wasm};
use crate::read;

struct Training {
    trainer: Trainer,
    images: ImageSet,
    batch: usize,
}

struct State {
    data: ImageData,
    config: DiffusionConfig,
    training: Option<Training>,
    pretrained: Option<UNet>,
    denoiser: Option<Denoiser>,
    judge: Option<Judge>,
    /// Real training images for the forward process of a pretrained model (a training
    /// session uses its own).
    real: Option<ImageSet>,
}

#[wasm_bindgen]
pub struct DiffusionSession {
    state: Rc<RefCell<State>>,
}

fn image_data(name: &str) -> Result<ImageData, JsError> {
    ImageData::from_name(name).ok_or_else(|| js_err(format!("unknown image data {name}")))
}

fn image_set(records: &[u8]) -> Result<ImageSet, JsError> {
    ImageSet::from_records(records, CLASSES).map_err(|e| js_err(format!("bad image file: {e:?}")))
}

/// Set `key` on a JS object to a float array.
fn set_floats(out: &JsValue, key: &str, values: &[f32]) -> Result<(), JsError> {
    Reflect::set(out, &key.into(), &Float32Array::from(values))
        .map(|_| ())
        .map_err(|_| js_err("cannot build result"))
}

impl State {
    fn model(&self) -> UNet {
        match (&self.training, &self.pretrained) {
            (Some(training), _) => training.trainer.inference_model(),
            (None, Some(model)) => model.clone(),
            (None, None) => unreachable!("a session has a model"),
        }
    }

    /// The real training images the forward process noises, once loaded.
    fn real_images(&self) -> Option<&ImageSet> {
        match &self.training {
            Some(training) => Some(&training.images),
            None => self.real.as_ref(),
        }
    }

    fn new(data: ImageData, config: DiffusionConfig) -> Self {
        Self {
            data,
            config,
            training: None,
            pretrained: None,
            denoiser: None,
            judge: None,
            real: None,
        }
    }
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

/// The class a typed word names in data set `data`: `{class, accepted}`, `class` null when
/// the word names none; `accepted` lists the words the page accepts, in `lang`.
#[wasm_bindgen]
pub fn class_of_word(data: &str, word: &str, lang: &str) -> Result<JsValue, JsError> {
    let data = image_data(data)?;
    #[derive(Serialize)]
    struct Out {
        class: Option<usize>,
        accepted: Vec<String>,
    }
    Ok(serde_wasm(&Out {
        class: data.parse_class(word),
        accepted: data.accepted_words(lang),
    }))
}

#[wasm_bindgen]
impl DiffusionSession {
    /// A shipped model: its manifest (JSON) and burnpack weights.
    pub fn pretrained(manifest_json: &str, weights: Vec<u8>) -> Result<DiffusionSession, JsError> {
        let manifest: DiffusionManifest = serde_json::from_str(manifest_json).map_err(js_err)?;
        let model = load_diffusion(&manifest.config, weights, &device()?).map_err(js_err)?;
        let mut state = State::new(image_data(&manifest.data)?, manifest.config);
        state.pretrained = Some(model);
        Ok(DiffusionSession {
            state: Rc::new(RefCell::new(state)),
        })
    }

    /// A fresh model to train on the image `records` of data set `data`.
    #[allow(clippy::too_many_arguments)]
    pub fn untrained(
        data: &str,
        records: Vec<u8>,
        size: &str,
        schedule: &str,
        timesteps: usize,
        batch: usize,
        lr: f64,
        seed: u32,
    ) -> Result<DiffusionSession, JsError> {
        let size = DiffusionSize::from_name(size).unwrap_or(DiffusionSize::Tiny);
        let config = DiffusionConfig::preset(size)
            .with_schedule(schedule.to_string())
            .with_timesteps(timesteps)
            .with_seed(seed as u64);
        let (train, _) = image_set(&records)?.split_held_out();
        let mut state = State::new(image_data(data)?, config);
        state.training = Some(Training {
            trainer: Trainer::new(&state.config, lr, &device()?),
            images: train,
            batch,
        });
        Ok(DiffusionSession {
            state: Rc::new(RefCell::new(state)),
        })
    }

    /// Real images (the training part of `records`) for the forward process.
    pub fn set_images(&self, records: Vec<u8>) -> Result<(), JsError> {
        self.state.borrow_mut().real = Some(image_set(&records)?.split_held_out().0);
        Ok(())
    }

    pub fn has_images(&self) -> bool {
        self.state.borrow().real_images().is_some()
    }

    /// The judge for this data set: its manifest (JSON) and weights.
    pub fn set_judge(&self, manifest_json: &str, weights: Vec<u8>) -> Result<(), JsError> {
        let manifest: JudgeManifest = serde_json::from_str(manifest_json).map_err(js_err)?;
        let judge = load_judge(&manifest.config, weights, &device()?).map_err(js_err)?;
        self.state.borrow_mut().judge = Some(judge);
        Ok(())
    }

    pub fn info(&self) -> JsValue {
        let s = self.state.borrow();
        let schedule = s.config.noise_schedule();
        let t_max = schedule.len();
        serde_wasm(&Info {
            data: s.data.name(),
            params: s.model().num_params(),
            steps: s.training.as_ref().map_or(0, |t| t.trainer.steps()),
            timesteps: t_max,
            schedule: s.config.schedule.clone(),
            betas: schedule.betas.iter().map(|&b| b as f32).collect(),
            alpha_bars: schedule.alphas_cumprod.iter().map(|&a| a as f32).collect(),
            snr: (0..t_max).map(|t| schedule.snr(t) as f32).collect(),
        })
    }

    pub fn set_lr(&self, lr: f64) {
        if let Some(training) = self.state.borrow_mut().training.as_mut() {
            training.trainer.set_lr(lr);
        }
    }

    /// Run `steps` optimizer steps; resolves to `{step, loss}` with the chunk's mean loss
    /// (null when training diverged).
    pub fn train(&self, steps: usize) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (sum, step) = {
                let mut s = state.borrow_mut();
                let training = s.training.as_mut().ok_or_else(|| js_err("not training"))?;
                let mut sum: Option<Tensor<1>> = None;
                for _ in 0..steps {
                    let batch = training
                        .images
                        .random_batch(training.trainer.rng(), training.batch);
                    let loss = training.trainer.step(&batch).loss;
                    sum = Some(sum.map_or(loss.clone(), |acc| acc + loss));
                }
                (sum, training.trainer.steps())
            };
            Ok(read::chunk_outcome(sum, steps, step).await?)
        })
    }

    /// Start denoising one sample per entry of `labels` (a class, or −1 for none) from noise
    /// drawn with `seed`, with `k` steps of `sampler` (`ddim` or `ddpm`) and guidance scale
    /// `guidance`.
    pub fn start(
        &self,
        labels: Vec<i32>,
        sampler: &str,
        k: usize,
        guidance: f64,
        seed: u32,
    ) -> Result<(), JsError> {
        let sampler = Sampler::from_name(sampler).ok_or_else(|| js_err("sampler: ddim or ddpm"))?;
        let mut s = self.state.borrow_mut();
        let labels: Vec<Option<usize>> = labels
            .iter()
            .map(|&l| usize::try_from(l).ok().filter(|&c| c < CLASSES))
            .collect();
        let model = s.model();
        let denoiser = Denoiser::new(
            s.config.noise_schedule(),
            &labels,
            model.null_class(),
            sampler,
            k,
            guidance,
            seed as u64,
            &device()?,
        );
        s.denoiser = Some(denoiser);
        Ok(())
    }

    /// One reverse step. Resolves to `null` when done, else `{t, after, index, total, xt, eps,
    /// x0, next}` (the image arrays are Float32Arrays of N×784 values in about [-1, 1]).
    pub fn step(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (step, progress, after) = {
                let mut s = state.borrow_mut();
                let model = s.model();
                let denoiser = s
                    .denoiser
                    .as_mut()
                    .ok_or_else(|| js_err("call start first"))?;
                let step = denoiser.step(&model);
                (step, denoiser.progress(), denoiser.current_t())
            };
            let Some(step) = step else {
                return Ok(JsValue::NULL);
            };
            let out: JsValue = Object::new().into();
            for (key, tensor) in [
                ("xt", step.x_t),
                ("eps", step.eps),
                ("x0", step.x0),
                ("next", step.x_prev),
            ] {
                set_floats(&out, key, &read::floats(tensor).await?)?;
            }
            // `after`: the step the new sample is at, −1 once it is clean.
            let after = after.map_or(-1.0, |t| t as f64);
            for (key, value) in [
                ("t", step.t as f64),
                ("after", after),
                ("index", progress.0 as f64),
                ("total", progress.1 as f64),
            ] {
                Reflect::set(&out, &key.into(), &JsValue::from_f64(value))
                    .map_err(|_| js_err("cannot build result"))?;
            }
            Ok(out)
        })
    }

    /// The judge's class for each of `n` images (`pixels`: n×784 in [-1, 1]); resolves to an
    /// Int32Array.
    pub fn classify(&self, pixels: Vec<f32>, n: usize) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let labels = {
                let s = state.borrow();
                let judge = s.judge.as_ref().ok_or_else(|| js_err("no judge loaded"))?;
                judge.classify(image_tensor(&pixels, n, &device()?))
            };
            let data = labels
                .into_data_async()
                .await
                .map_err(|e| js_err(format!("{e:?}")))?
                .convert::<i32>();
            let labels = data
                .try_to_vec::<i32>()
                .map_err(|e| js_err(format!("{e:?}")))?;
            Ok(Int32Array::from(labels.as_slice()).into())
        })
    }

    /// The forward process on real training image `index`: resolves to `{x0,
    /// xt, label, count}` with x_t drawn from q(x_t | x_0) with noise from `seed`.
    pub fn noised(&self, index: usize, t: usize, seed: u32) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (x0, xt, label, count) = {
                let s = state.borrow();
                let real = s.real_images().ok_or_else(|| js_err("no images loaded"))?;
                let index = index % real.len();
                let batch = real.batch(&[index]);
                let device = device()?;
                let schedule = s.config.noise_schedule();
                let t = t.min(schedule.len() - 1);
                let noise = image_tensor(&Rng::new(seed as u64).normals(784), 1, &device);
                let x0 = image_tensor(&batch.pixels, 1, &device);
                let xt = schedule.add_noise(x0, noise, &[t]);
                (batch.pixels, xt, batch.labels[0], real.len())
            };
            let out: JsValue = Object::new().into();
            set_floats(&out, "x0", &x0)?;
            set_floats(&out, "xt", &read::floats(xt).await?)?;
            Reflect::set(&out, &"label".into(), &JsValue::from_f64(label as f64))
                .and_then(|_| Reflect::set(&out, &"count".into(), &JsValue::from_f64(count as f64)))
                .map_err(|_| js_err("cannot build result"))?;
            Ok(out)
        })
    }
}
