//! The training loop, by hand: each `step` draws a step t, noise ε and (with probability
//! `label_dropout`) drops the label, then takes one AdamW step on ‖ε − ε̂(x_t, t, y)‖²,
//! DDPM's "simple" loss (optionally weighted per step, `p2_gamma`). Every draw comes from the
//! trainer's seeded RNG, not the backend's, so a spec and seed give the same run on every
//! backend that computes the same numbers.

use burn::grad_clipping::GradientClippingConfig;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use iagen_core::image_data::ImageBatch;
use iagen_core::rng::Rng;

use crate::config::DiffusionConfig;
use crate::sample::image_tensor;
use crate::schedule::NoiseSchedule;
use crate::unet::UNet;
use crate::weight_average::WeightAverage;

pub struct Trainer {
    model: UNet,
    optim: ModuleOptimizer,
    schedule: NoiseSchedule,
    label_dropout: f64,
    p2_gamma: Option<f64>,
    rng: Rng,
    lr: f64,
    steps: usize,
    device: Device,
    average: Option<WeightAverage>,
}

impl Trainer {
    /// A fresh model from `config` (seeded) on `device`, which gains autodiff here.
    pub fn new(config: &DiffusionConfig, lr: f64, device: &Device) -> Self {
        let device = device.clone().autodiff();
        Self::from_model(config.init(&device), config, lr, &device)
    }

    /// Continue training `model` (e.g. a pretrained one).
    pub fn from_model(model: UNet, config: &DiffusionConfig, lr: f64, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let optim = AdamWConfig::new()
            .with_weight_decay(0.0)
            .with_grad_clipping(Some(GradientClippingConfig::Norm(1.0)))
            .init();
        Self {
            model: model.to_device(&device).train(),
            optim,
            schedule: config.noise_schedule(),
            label_dropout: config.label_dropout,
            p2_gamma: config.p2_gamma,
            rng: Rng::new(config.seed ^ 0x5EED_D1FF),
            lr,
            steps: 0,
            device,
            average: None,
        }
    }

    /// Go on from `model`, `steps` already taken (a weight average restarts from it).
    pub fn resume(&mut self, model: UNet, steps: usize) {
        self.model = model.to_device(&self.device).train();
        self.steps = steps;
        if let Some(average) = &self.average {
            self.average = Some(WeightAverage::new(&self.model, average.decay()));
        }
    }

    /// Keep a moving average of the weights (decay e.g. 0.999), which `inference_model` then
    /// returns. Costs a pass over the weights each step, so the page's short runs go without.
    pub fn with_weight_average(mut self, decay: f64) -> Self {
        self.average = Some(WeightAverage::new(&self.model, decay));
        self
    }

    pub fn steps(&self) -> usize {
        self.steps
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// The trainer's generator, for the host to draw this step's images from, so one seed
    /// decides the whole run.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// One optimizer step on `batch` (pixels in [-1, 1]); returns the mean squared error of
    /// the predicted noise (unweighted), `[1]`, for the host to read when it wants to.
    pub fn step(&mut self, batch: &ImageBatch) -> Tensor<1> {
        let n = batch.len;
        let t: Vec<usize> = (0..n)
            .map(|_| self.rng.below(self.schedule.len()))
            .collect();
        let null = self.model.null_class() as i64;
        let labels: Vec<i64> = batch
            .labels
            .iter()
            .map(|&y| {
                if (self.rng.next_f32() as f64) < self.label_dropout {
                    null
                } else {
                    y
                }
            })
            .collect();
        let noise = image_tensor(&self.rng.normals(batch.pixels.len()), n, &self.device); // [B, 1, 28, 28]
        let x0 = image_tensor(&batch.pixels, n, &self.device); // [B, 1, 28, 28]
        let x_t = self.schedule.add_noise(x0, noise.clone(), &t); // [B, 1, 28, 28]
        let labels = Tensor::<1, Int>::from_ints(labels.as_slice(), &self.device); // [B]
        let eps = self.model.forward(x_t, &t, labels); // [B, 1, 28, 28]
        let errors = (eps - noise)
            .powi_scalar(2)
            .reshape([n, 28 * 28])
            .mean_dim(1); // [B, 1]
        let loss = errors.clone().mean(); // [1]
        let objective = match self.p2_gamma {
            Some(gamma) => {
                let weights: Vec<f32> = t
                    .iter()
                    .map(|&t| (1.0 + self.schedule.snr(t)).powf(-gamma) as f32)
                    .collect();
                let weights = Tensor::<1>::from_floats(weights.as_slice(), &self.device);
                (errors * weights.reshape([n, 1])).mean() // [1]
            }
            None => loss.clone(),
        };
        let grads = GradientsParams::from_grads(objective.backward(), &self.model);
        self.model = self.optim.step(self.lr, self.model.clone(), grads);
        if let Some(average) = &mut self.average {
            average.update(&self.model);
        }
        self.steps += 1;
        loss.detach()
    }

    /// The model to sample from, without autodiff: the weight average if one is kept, else
    /// the weights as they are now.
    pub fn inference_model(&self) -> UNet {
        match &self.average {
            Some(average) => average.model(),
            None => self.model.valid(),
        }
    }
}
