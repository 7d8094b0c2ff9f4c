//! The step-through denoiser: a resumable state machine that starts from pure noise and, per
//! `step`, predicts the noise (with classifier-free guidance), the clean image it implies and
//! the next, less noisy x. The page calls it once per click; the CLI until it is done.
//!
//! Guidance mixes the two predictions, ε̂ = ε̂(x, ∅) + w (ε̂(x, y) − ε̂(x, ∅)): w = 1 is the plain
//! conditional model, w > 1 pushes samples towards what makes them look like class y.

use burn::prelude::*;
use iagen_core::rng::Rng;

use crate::schedule::NoiseSchedule;
use crate::unet::UNet;

/// Pixels (`n × 784`, in [-1, 1]) as `[n, 1, 28, 28]`.
pub fn image_tensor(pixels: &[f32], n: usize, device: &Device) -> Tensor<4> {
    Tensor::<1>::from_floats(pixels, device).reshape([n, 1, 28, 28])
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampler {
    /// Ancestral sampling, stochastic (η = 1); over all T steps it is DDPM exactly.
    Ddpm,
    /// Deterministic at η = 0: the same start noise always gives the same image.
    Ddim,
}

impl Sampler {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ddpm" => Some(Self::Ddpm),
            "ddim" => Some(Self::Ddim),
            _ => None,
        }
    }

    fn eta(self) -> f64 {
        match self {
            Self::Ddpm => 1.0,
            Self::Ddim => 0.0,
        }
    }
}

/// One reverse step's tensors, all `[N, 1, 28, 28]`.
pub struct DenoiseStep {
    /// The step just taken (x_t was at this t).
    pub t: usize,
    pub x_t: Tensor<4>,
    pub eps: Tensor<4>,
    pub x0: Tensor<4>,
    /// The new, less noisy sample x_{t'}.
    pub x_prev: Tensor<4>,
}

pub struct Denoiser {
    schedule: NoiseSchedule,
    timesteps: Vec<usize>,
    index: usize,
    x: Tensor<4>,
    labels: Vec<i64>,
    guidance: f64,
    sampler: Sampler,
    rng: Rng,
}

impl Denoiser {
    /// `labels[i]` is the class of sample i, `None` for unconditional; `k` reverse steps;
    /// the start noise and every later draw come from `seed`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        schedule: NoiseSchedule,
        labels: &[Option<usize>],
        null_class: usize,
        sampler: Sampler,
        k: usize,
        guidance: f64,
        seed: u64,
        device: &Device,
    ) -> Self {
        let mut rng = Rng::new(seed);
        let n = labels.len();
        let x = image_tensor(&rng.normals(n * 784), n, device); // [N, 1, 28, 28]
        Self {
            timesteps: schedule.timesteps(k),
            schedule,
            index: 0,
            x,
            labels: labels
                .iter()
                .map(|l| l.unwrap_or(null_class) as i64)
                .collect(),
            guidance,
            sampler,
            rng,
        }
    }

    /// The step the next call denoises, or `None` when done.
    pub fn current_t(&self) -> Option<usize> {
        self.timesteps.get(self.index).copied()
    }

    /// Steps taken and steps in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.index, self.timesteps.len())
    }

    /// The sample as it stands, `[N, 1, 28, 28]`.
    pub fn sample(&self) -> Tensor<4> {
        self.x.clone()
    }

    /// Whether a step runs the U-Net twice per sample (with and without its class).
    fn guided(&self, model: &UNet) -> bool {
        let null = model.null_class() as i64;
        self.guidance != 1.0 && self.labels.iter().any(|&l| l != null)
    }

    /// Operations of one step's U-Net pass over every sample (`UNet::flops`).
    pub fn step_flops(&self, model: &UNet) -> f64 {
        let passes = if self.guided(model) { 2 } else { 1 };
        model.flops(passes * self.labels.len())
    }

    /// ε̂ with guidance: one batched call on [conditional; unconditional] inputs.
    fn predict_noise(&self, model: &UNet, t: usize) -> Tensor<4> {
        let device = self.x.device();
        let n = self.labels.len();
        let null = model.null_class() as i64;
        if !self.guided(model) {
            let labels = Tensor::<1, Int>::from_ints(self.labels.as_slice(), &device);
            return model.forward(self.x.clone(), &vec![t; n], labels);
        }
        let mut labels = self.labels.clone();
        labels.extend(std::iter::repeat_n(null, n));
        let labels = Tensor::<1, Int>::from_ints(labels.as_slice(), &device); // [2N]
        let x = Tensor::cat(vec![self.x.clone(), self.x.clone()], 0); // [2N, 1, 28, 28]
        let eps = model.forward(x, &vec![t; 2 * n], labels); // [2N, 1, 28, 28]
        let cond = eps.clone().slice(0..n); // [N, 1, 28, 28]
        let uncond = eps.slice(n..2 * n); // [N, 1, 28, 28]
        uncond.clone() + (cond - uncond) * self.guidance
    }

    /// One reverse step, or `None` when the sample is finished.
    pub fn step(&mut self, model: &UNet) -> Option<DenoiseStep> {
        let t = self.current_t()?;
        let t_prev = self.timesteps.get(self.index + 1).copied();
        let eps = self.predict_noise(model, t);
        let x0 = self.schedule.predict_x0(self.x.clone(), eps.clone(), t);
        let n = self.labels.len();
        let noise = match self.sampler {
            Sampler::Ddpm => self.rng.normals(n * 784),
            Sampler::Ddim => vec![0.0; n * 784],
        };
        let noise = image_tensor(&noise, n, &self.x.device());
        let x_prev = self.schedule.step(
            self.x.clone(),
            x0.clone(),
            t,
            t_prev,
            self.sampler.eta(),
            noise,
        );
        let x_t = std::mem::replace(&mut self.x, x_prev.clone());
        self.index += 1;
        Some(DenoiseStep {
            t,
            x_t,
            eps,
            x0,
            x_prev,
        })
    }
}
