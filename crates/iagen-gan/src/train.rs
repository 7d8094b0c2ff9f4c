//! Alternating training, by hand: a discriminator step on real points and detached generated
//! ones (only D's weights move), then a generator step through D (only G's weights move).
//! Real points and noise come from the trainer's seeded generator on the CPU, so a seed
//! decides a run on every backend.

use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use iagen_core::rng::Rng;

use crate::config::GanConfig;
use crate::cost::round_flops;
use crate::model::{Mlp, Networks};
use crate::toy::Target;

/// The losses of one round: D's mean over its steps, and G's.
pub struct RoundLosses {
    pub d: Tensor<1>,
    pub g: Tensor<1>,
}

pub struct GanTrainer {
    g: Mlp,
    d: Mlp,
    g_optim: ModuleOptimizer,
    d_optim: ModuleOptimizer,
    config: GanConfig,
    target: Target,
    /// Learning rates now (`set_lr` scales both, keeping their ratio).
    g_lr: f64,
    d_lr: f64,
    rng: Rng,
    steps: usize,
    device: Device,
}

/// Points `[n, 2]` as a tensor.
pub fn points_tensor(points: &[[f32; 2]], device: &Device) -> Tensor<2> {
    let flat: Vec<f32> = points.iter().flatten().copied().collect();
    Tensor::<1>::from_floats(flat.as_slice(), device).reshape([points.len(), 2])
}

impl GanTrainer {
    /// Fresh networks from `config` (seeded) to learn `target`, on `device`, which gains
    /// autodiff here.
    pub fn new(config: &GanConfig, target: Target, device: &Device) -> Self {
        let device = device.clone().autodiff();
        device.seed(config.seed);
        let Networks { g, d } = Networks::new(config, &device);
        Self {
            g: g.train(),
            d: d.train(),
            g_optim: config.g_opt.init(),
            d_optim: config.d_opt.init(),
            g_lr: config.g_lr,
            d_lr: config.d_lr,
            config: config.clone(),
            target,
            rng: Rng::new(config.seed ^ 0x6A11_5EED),
            steps: 0,
            device,
        }
    }

    pub fn config(&self) -> &GanConfig {
        &self.config
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Rounds taken (each: the discriminator's steps, then one generator step).
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Sets the generator's rate to `lr` and the discriminator's in the configured ratio.
    pub fn set_lr(&mut self, lr: f64) {
        self.d_lr = lr * self.config.d_lr / self.config.g_lr;
        self.g_lr = lr;
    }

    fn noise(&mut self) -> Tensor<2> {
        let n = self.config.batch;
        let z = self.rng.normals(n * self.config.noise);
        Tensor::<1>::from_floats(z.as_slice(), &self.device).reshape([n, self.config.noise])
    }

    /// One discriminator step; returns its loss.
    pub fn step_d(&mut self) -> Tensor<1> {
        let real = self.target.sample(&mut self.rng, self.config.batch);
        let real = points_tensor(&real, &self.device);
        let z = self.noise();
        let fake = self.g.forward(z).detach();
        let loss = self
            .config
            .loss
            .d(self.d.forward(real), self.d.forward(fake));
        let grads = GradientsParams::from_grads(loss.backward(), &self.d);
        self.d = self.d_optim.step(self.d_lr, self.d.clone(), grads);
        loss.detach()
    }

    /// One generator step (through the discriminator, whose weights stay); returns its loss.
    pub fn step_g(&mut self) -> Tensor<1> {
        let z = self.noise();
        let fake = self.g.forward(z);
        let loss = self.config.loss.g(self.d.forward(fake));
        let grads = GradientsParams::from_grads(loss.backward(), &self.g);
        self.g = self.g_optim.step(self.g_lr, self.g.clone(), grads);
        loss.detach()
    }

    /// Operations of one round (`cost.rs`).
    pub fn round_flops(&self) -> f64 {
        let batch = self.config.batch;
        round_flops(
            self.g.flops(batch),
            self.d.flops(batch),
            self.config.d_steps.max(1),
        )
    }

    /// One round: `d_steps` discriminator steps, then one generator step.
    pub fn round(&mut self) -> RoundLosses {
        let k = self.config.d_steps.max(1);
        let d = (1..k).fold(self.step_d(), |sum, _| sum + self.step_d()) / k as f64;
        let g = self.step_g();
        self.steps += 1;
        RoundLosses { d, g }
    }

    /// Both networks without autodiff.
    /// Go on from `networks`, `steps` rounds already taken.
    pub fn resume(&mut self, networks: Networks, steps: usize) {
        self.g = networks.g.to_device(&self.device).train();
        self.d = networks.d.to_device(&self.device).train();
        self.steps = steps;
    }

    pub fn networks(&self) -> Networks {
        Networks {
            g: self.g.valid(),
            d: self.d.valid(),
        }
    }

    /// The direction each point would move to look more real to D now: ∂D(x)/∂x, `[n, 2]`.
    pub fn d_gradients(&self, points: &[[f32; 2]]) -> Tensor<2> {
        let x = points_tensor(points, &self.device).require_grad();
        let out = self.d.forward(x.clone()).sum();
        let grads = out.backward();
        x.grad(&grads).expect("the points require grad")
    }
}
