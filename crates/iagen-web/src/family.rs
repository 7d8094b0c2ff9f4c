//! The family contract on the web side. A family says how to open its model (shipped weights,
//! or a fresh run from the page's options and data), what the page shows about it, and its
//! own verbs (the GPT's `start`/`next`/`inspect`, diffusion's `step`/`noised`/`classify`…).
//! What every family shares — training in chunks, validation, the learning rate, the model
//! to sample from — is written once, in `session.rs`, over [`iagen_core::live::LiveTraining`].

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::*;
use iagen_core::live::LiveTraining;
use js_sys::Promise;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsError, JsValue};

use crate::backend::js_err;

/// The model a family samples from.
pub type ModelOf<F> = <<F as Family>::Training as LiveTraining>::Model;

/// A session's model: shipped weights, or a run being trained in the page.
pub enum Stage<F: Family> {
    Pretrained(ModelOf<F>),
    Training(F::Training),
}

/// One session's state: the family's own (tokenizer, judge, generation in progress…) and
/// its model.
pub struct Core<F: Family> {
    pub family: F,
    pub stage: Stage<F>,
}

/// Shared by the session and the futures its verbs return.
pub type Shared<F> = Rc<RefCell<Core<F>>>;

impl<F: Family> Core<F> {
    /// The model as it is now (a training run's current weights, without autodiff).
    pub fn model(&self) -> ModelOf<F> {
        match &self.stage {
            Stage::Pretrained(model) => model.clone(),
            Stage::Training(training) => training.model(),
        }
    }

    /// The run being trained; an error for shipped weights.
    pub fn training(&self) -> Result<&F::Training, JsError> {
        match &self.stage {
            Stage::Training(training) => Ok(training),
            Stage::Pretrained(_) => Err(js_err("not training")),
        }
    }

    pub fn training_mut(&mut self) -> Result<&mut F::Training, JsError> {
        match &mut self.stage {
            Stage::Training(training) => Ok(training),
            Stage::Pretrained(_) => Err(js_err("not training")),
        }
    }

    /// Optimiser steps of the live run (0 for shipped weights).
    pub fn steps(&self) -> usize {
        match &self.stage {
            Stage::Pretrained(_) => 0,
            Stage::Training(training) => training.steps(),
        }
    }
}

pub trait Family: Sized + 'static {
    /// Whether this family's work runs faster on a real GPU than on the CPU. Every operation
    /// is one kernel launch on a GPU, and small models are bound by launches, not arithmetic:
    /// measured natively with the same burn kernels on an NVIDIA H200 against its CPU on one
    /// thread (README, "A real GPU"), the diffusion step ran 29× faster on the GPU and the image
    /// GAN's round 9×, while the GPT wrote characters 140× slower, and the VAE and the 2-D GAN
    /// trained 2–4× slower. The worker follows this on a real GPU (`session::gpu_pays`).
    const GPU_PAYS: bool;
    type Training: LiveTraining;
    /// The settings of a fresh run, as the page sends them (a JSON object).
    type Options: DeserializeOwned;

    /// Shipped weights: the manifest (JSON) and the burnpack bytes.
    fn pretrained(
        manifest_json: &str,
        weights: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, ModelOf<Self>), JsError>;

    /// A fresh run from `options` on `data` (a text's UTF-8 bytes, or image records).
    fn untrained(
        options: Self::Options,
        data: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, Self::Training), JsError>;

    /// What the page shows about the model (parameters, sizes, schedule…).
    fn info(core: &Core<Self>) -> JsValue;

    /// Floating-point operations of one step of the live run, counted from the model's shapes,
    /// for the training panel's cost meter; `None` for shipped weights, and for a family that
    /// does not count them (the meter stays hidden).
    fn step_flops(_core: &Core<Self>) -> Option<f64> {
        None
    }

    /// The model's weights as burnpack bytes, at full precision (the model is on the CPU:
    /// `model_file::on_cpu` moved it there).
    fn weights(model: &ModelOf<Self>) -> Result<Vec<u8>, String>;

    /// A model of this session's shape with the weights in `bytes` (a file the visitor saved);
    /// an error, never a panic, when they do not fit.
    fn load_weights(core: &Core<Self>, bytes: Vec<u8>) -> Result<ModelOf<Self>, JsError>;

    /// The family's own verb `name` with its arguments (a plain object) and, for the verbs
    /// that take a file (images, a judge's weights), its bytes; resolves to what the verb
    /// returns. An unknown name is an error that names it.
    fn verb(
        core: Shared<Self>,
        name: &str,
        args: JsValue,
        bytes: Option<Vec<u8>>,
    ) -> Result<Promise, JsError>;
}
