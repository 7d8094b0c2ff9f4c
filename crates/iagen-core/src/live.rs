//! The contract of a model family that trains live (in the page, in short chunks): one
//! optimiser step at a time, each returning its loss terms by name, so a host can train,
//! pause, step and plot any family the same way. The host (iagen-web, iagen-cli) drives it
//! and reads the tensors; the family computes.

use burn::module::Module;
use burn::prelude::*;

/// The named loss terms of one step or one validation, each a `[1]` tensor: `[("loss", l)]`
/// for the GPT and diffusion, `[("recon", r), ("kl", k)]` for a VAE, `[("d", d), ("g", g)]`
/// for a GAN. Names are stable: the page labels and colours its chart series by them.
pub type Losses = Vec<(&'static str, Tensor<1>)>;

/// A model being trained together with everything its steps draw on (data, batch size,
/// random generators), so that `step` needs no arguments.
pub trait LiveTraining {
    /// What sampling uses: the model without autodiff (a module, so it can be saved).
    type Model: Module + 'static;

    /// One optimiser step (or, for a GAN, one round of its networks' steps).
    fn step(&mut self) -> Losses;

    /// Mean held-out losses over `batches` batches; empty when the family has no held-out
    /// data.
    fn validate(&mut self, _batches: usize) -> Losses {
        Vec::new()
    }

    /// Optimiser steps taken so far.
    fn steps(&self) -> usize;

    fn set_lr(&mut self, lr: f64);

    /// The model as it is now, for sampling and evaluation.
    fn model(&self) -> Self::Model;

    /// Go on from `model` (saved weights of this run's shape), `steps` already taken; the
    /// optimiser's state starts afresh.
    fn resume(&mut self, model: Self::Model, steps: usize);
}

/// Element-wise sums of the losses of several steps, name by name (the names of the first).
pub fn add_losses(sum: Option<Losses>, losses: Losses) -> Losses {
    match sum {
        None => losses,
        Some(sum) => sum
            .into_iter()
            .zip(losses)
            .map(|((name, a), (_, b))| (name, a + b))
            .collect(),
    }
}
