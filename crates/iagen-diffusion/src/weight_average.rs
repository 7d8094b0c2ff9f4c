//! An exponential moving average of the weights (Polyak averaging), the model diffusion papers
//! sample from: the noise that the last steps leave in the weights averages out.

use std::collections::HashMap;

use burn::module::{ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::prelude::*;

use crate::unet::UNet;

pub struct WeightAverage {
    average: UNet,
    decay: f64,
    updates: usize,
}

impl WeightAverage {
    /// Starts at `model`'s weights (taken without autodiff).
    pub fn new(model: &UNet, decay: f64) -> Self {
        Self {
            average: model.valid(),
            decay,
            updates: 0,
        }
    }

    /// Moves the average towards `model`: `a ← d·a + (1 − d)·w`. The decay ramps up over the
    /// first updates, so a fresh model's random start is soon forgotten.
    pub fn update(&mut self, model: &UNet) {
        self.updates += 1;
        let decay = self
            .decay
            .min((1 + self.updates) as f64 / (10 + self.updates) as f64);
        let mut weights = Weights::default();
        model.valid().visit(&mut weights);
        let mut blend = Blend { weights, decay };
        self.average = self.average.clone().map(&mut blend);
    }

    pub fn decay(&self) -> f64 {
        self.decay
    }

    pub fn model(&self) -> UNet {
        self.average.clone()
    }
}

/// Every float parameter, flattened, by id (ids survive `valid()` and optimizer steps).
#[derive(Default)]
struct Weights(HashMap<ParamId, Tensor<1>>);

impl ModuleVisitor for Weights {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.insert(param.id, param.val().flatten(0, D - 1));
    }
}

struct Blend {
    weights: Weights,
    decay: f64,
}

impl ModuleMapper for Blend {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let current = self
            .weights
            .0
            .remove(&param.id)
            .expect("the averaged model has the live model's parameters");
        let decay = self.decay;
        param.map(|average| {
            let shape = average.shape();
            average * decay + current.reshape(shape) * (1.0 - decay)
        })
    }
}
