//! The training loop, by hand (burn's `Learner` does not run on wasm): each `step` is one
//! AdamW update on one batch. Gradient descent moves every weight a little against its
//! gradient, θ ← θ − η ∇θ L, with Adam's per-weight step sizes (Loshchilov & Hutter 2019).

use burn::grad_clipping::GradientClippingConfig;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use iagen_core::text_data::TokenBatch;

use crate::config::GptConfig;
use crate::model::{Gpt, cross_entropy};

pub struct Trainer {
    model: Gpt,
    optim: ModuleOptimizer,
    lr: f64,
    steps: usize,
    device: Device,
}

/// Ids as an `[B, T]` integer tensor.
pub fn token_tensor(ids: &[i64], batch: usize, block: usize, device: &Device) -> Tensor<2, Int> {
    Tensor::<1, Int>::from_ints(ids, device).reshape([batch, block])
}

impl Trainer {
    /// A fresh model from `config` (seeded) on `device`, which gains autodiff here.
    pub fn new(config: &GptConfig, lr: f64, device: &Device) -> Self {
        let device = device.clone().autodiff();
        Self::from_model(config.init(&device), lr, &device)
    }

    /// Continue training `model` (e.g. a pretrained one) on `device`.
    pub fn from_model(model: Gpt, lr: f64, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let optim = AdamWConfig::new()
            .with_weight_decay(0.01)
            .with_grad_clipping(Some(GradientClippingConfig::Norm(1.0)))
            .init();
        Self {
            model: model.to_device(&device).train(),
            optim,
            lr,
            steps: 0,
            device,
        }
    }

    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Go on from `model`, `steps` already taken.
    pub fn resume(&mut self, model: Gpt, steps: usize) {
        self.model = model.to_device(&self.device).train();
        self.steps = steps;
    }

    pub fn block_size(&self) -> usize {
        self.model.block_size()
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// One optimizer step on `batch`; returns the batch's mean training cross-entropy in
    /// nats per character, `[1]` — a tensor, not a float: the host reads it when it wants to
    /// (on WebGPU reading is asynchronous and costly, so the page reads every few steps).
    pub fn step(&mut self, batch: &TokenBatch) -> Tensor<1> {
        let inputs = token_tensor(&batch.inputs, batch.batch, batch.block, &self.device);
        let targets = token_tensor(&batch.targets, batch.batch, batch.block, &self.device);
        let loss = cross_entropy(self.model.forward(inputs), targets); // [1]
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        // Cloning a module clones tensor handles, not weights.
        self.model = self.optim.step(self.lr, self.model.clone(), grads);
        self.steps += 1;
        loss.detach()
    }

    /// Mean loss on `batch` without dropout or gradients, `[1]`.
    pub fn eval_loss(&self, batch: &TokenBatch) -> Tensor<1> {
        let model = self.inference_model();
        let device = self.device.clone().inner();
        let inputs = token_tensor(&batch.inputs, batch.batch, batch.block, &device);
        let targets = token_tensor(&batch.targets, batch.batch, batch.block, &device);
        cross_entropy(model.forward(inputs), targets)
    }

    /// The model as it is now, without autodiff or dropout: for sampling and evaluation.
    pub fn inference_model(&self) -> Gpt {
        self.model.valid()
    }
}
