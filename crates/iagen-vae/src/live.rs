//! The VAE as a live-training family: a trainer with its images (the held-out tenth kept apart
//! for validation) and batch size.

use std::sync::Arc;

use burn::prelude::*;
use iagen_core::flops::TRAINING_PASSES;
use iagen_core::image_data::ImageSet;
use iagen_core::live::{LiveTraining, Losses, add_losses};

use crate::config::VaeConfig;
use crate::model::Vae;
use crate::train::VaeTrainer;

pub struct VaeTraining {
    trainer: VaeTrainer,
    train: Arc<ImageSet>,
    held: Arc<ImageSet>,
    batch: usize,
}

impl VaeTraining {
    /// A fresh model from `config` to train on `train`, validated on `held` (shared, not
    /// copied: the page measures samples against the same images).
    pub fn new(
        config: &VaeConfig,
        train: impl Into<Arc<ImageSet>>,
        held: impl Into<Arc<ImageSet>>,
        batch: usize,
        lr: f64,
        device: &Device,
    ) -> Self {
        Self {
            trainer: VaeTrainer::new(config, lr, device),
            train: train.into(),
            held: held.into(),
            batch,
        }
    }

    pub fn held_out(&self) -> &ImageSet {
        &self.held
    }

    /// Operations of one training step: encode and decode a batch, forward and backward.
    pub fn step_flops(&self) -> f64 {
        TRAINING_PASSES * self.model().flops(self.batch)
    }
}

impl LiveTraining for VaeTraining {
    type Model = Vae;

    fn step(&mut self) -> Losses {
        let batch = self.train.random_batch(self.trainer.rng(), self.batch);
        let l = self.trainer.step(&batch);
        vec![("recon", l.recon), ("kl", l.kl)]
    }

    /// Mean reconstruction and KL over `batches` (at least one) consecutive held-out batches;
    /// none when there are no held-out images.
    fn validate(&mut self, batches: usize) -> Losses {
        let mut sum = None;
        let n = batches.max(1).min(self.held.len().div_ceil(self.batch));
        for b in 0..n {
            let indices: Vec<usize> =
                (b * self.batch..((b + 1) * self.batch).min(self.held.len())).collect();
            let l = self.trainer.evaluate(&self.held.batch(&indices));
            sum = Some(add_losses(sum, vec![("recon", l.recon), ("kl", l.kl)]));
        }
        sum.unwrap_or_default()
            .into_iter()
            .map(|(name, t)| (name, t / n as f64))
            .collect()
    }

    fn steps(&self) -> usize {
        self.trainer.steps()
    }

    fn set_lr(&mut self, lr: f64) {
        self.trainer.set_lr(lr);
    }

    fn model(&self) -> Vae {
        self.trainer.model()
    }

    fn resume(&mut self, model: Vae, steps: usize) {
        self.trainer.resume(model, steps);
    }
}
