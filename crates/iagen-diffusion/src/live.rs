//! The diffusion model as a live-training family: a trainer with its training images and
//! batch size. Batches are drawn from the trainer's own generator, so one seed decides the run.

use std::sync::Arc;

use burn::prelude::*;
use iagen_core::flops::TRAINING_PASSES;
use iagen_core::image_data::ImageSet;
use iagen_core::live::{LiveTraining, Losses};

use crate::config::DiffusionConfig;
use crate::train::Trainer;
use crate::unet::UNet;

pub struct DiffusionTraining {
    trainer: Trainer,
    images: Arc<ImageSet>,
    batch: usize,
}

impl DiffusionTraining {
    /// A fresh model from `config` to train on `images` (shared, not copied).
    pub fn new(
        config: &DiffusionConfig,
        images: impl Into<Arc<ImageSet>>,
        batch: usize,
        lr: f64,
        device: &Device,
    ) -> Self {
        Self {
            trainer: Trainer::new(config, lr, device),
            images: images.into(),
            batch,
        }
    }

    /// Operations of one training step: the U-Net on a batch, forward and backward.
    pub fn step_flops(&self) -> f64 {
        TRAINING_PASSES * self.model().flops(self.batch)
    }
}

impl LiveTraining for DiffusionTraining {
    type Model = UNet;

    fn step(&mut self) -> Losses {
        let batch = self.images.random_batch(self.trainer.rng(), self.batch);
        vec![("loss", self.trainer.step(&batch))]
    }

    fn steps(&self) -> usize {
        self.trainer.steps()
    }

    fn set_lr(&mut self, lr: f64) {
        self.trainer.set_lr(lr);
    }

    fn model(&self) -> UNet {
        self.trainer.inference_model()
    }

    fn resume(&mut self, model: UNet, steps: usize) {
        self.trainer.resume(model, steps);
    }
}
