//! The 2-D GAN as a live-training family: one "step" is one round (the discriminator's steps,
//! then the generator's), with both losses.

use burn::prelude::*;
use iagen_core::live::{LiveTraining, Losses};

use crate::config::GanConfig;
use crate::model::Networks;
use crate::toy::Target;
use crate::train::GanTrainer;

pub struct Gan2dTraining {
    pub trainer: GanTrainer,
}

impl Gan2dTraining {
    pub fn new(config: &GanConfig, target: Target, device: &Device) -> Self {
        Self {
            trainer: GanTrainer::new(config, target, device),
        }
    }
}

impl LiveTraining for Gan2dTraining {
    type Model = Networks;

    fn step(&mut self) -> Losses {
        let l = self.trainer.round();
        vec![("d", l.d), ("g", l.g)]
    }

    fn steps(&self) -> usize {
        self.trainer.steps()
    }

    fn set_lr(&mut self, lr: f64) {
        self.trainer.set_lr(lr);
    }

    fn model(&self) -> Networks {
        self.trainer.networks()
    }

    fn resume(&mut self, networks: Networks, steps: usize) {
        self.trainer.resume(networks, steps);
    }
}
