//! `Session`: the one JS class the worker holds, whatever the family. It implements once what
//! every family shares — open shipped weights or a fresh run, train N steps in a chunk,
//! validate, set the learning rate, describe the model — and passes the rest to the
//! family's verbs. The registry below is the only place that lists the families.

use std::cell::RefCell;
use std::rc::Rc;

use iagen_core::live::{LiveTraining, add_losses};
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err};
use crate::diffusion::Diffusion;
use crate::family::{Core, Family, Shared, Stage};
use crate::gan::Gan2d;
use crate::gan_image::GanImage;
use crate::gpt::Gpt;
use crate::model_file::on_cpu;
use crate::read;
use crate::vae::VaeFamily;

/// How to open a session of one family.
struct Opener {
    pretrained: fn(&str, Vec<u8>) -> Result<Session, JsError>,
    untrained: fn(JsValue, Vec<u8>) -> Result<Session, JsError>,
    gpu_pays: bool,
}

const fn opener<F: Family>() -> Opener {
    Opener {
        pretrained: pretrained::<F>,
        untrained: untrained::<F>,
        gpu_pays: F::GPU_PAYS,
    }
}

/// The families, by the id the page uses. Adding a family adds one line here.
const FAMILIES: &[(&str, Opener)] = &[
    ("gpt", opener::<Gpt>()),
    ("diffusion", opener::<Diffusion>()),
    ("vae", opener::<VaeFamily>()),
    ("gan2d", opener::<Gan2d>()),
    ("ganimg", opener::<GanImage>()),
];

fn find(family: &str) -> Result<&'static Opener, JsError> {
    FAMILIES
        .iter()
        .find(|(id, _)| *id == family)
        .map(|(_, opener)| opener)
        .ok_or_else(|| js_err(format!("unknown model family {family}")))
}

/// Whether `family`'s work runs faster on a real GPU ([`Family::GPU_PAYS`]): the worker loads
/// the WebGPU build for such a family only (ARCHITECTURE.md, "Two builds of the wasm").
#[wasm_bindgen]
pub fn gpu_pays(family: &str) -> Result<bool, JsError> {
    Ok(find(family)?.gpu_pays)
}

fn pretrained<F: Family>(manifest_json: &str, weights: Vec<u8>) -> Result<Session, JsError> {
    let (family, model) = F::pretrained(manifest_json, weights, &device()?)?;
    Ok(Session::of(family, Stage::Pretrained(model)))
}

fn untrained<F: Family>(options: JsValue, data: Vec<u8>) -> Result<Session, JsError> {
    let options: F::Options = read::args(&options)?;
    let (family, training) = F::untrained(options, data, &device()?)?;
    Ok(Session::of(family, Stage::Training(training)))
}

/// What the JS class needs of a session, with the family erased.
trait AnySession {
    fn train(&self, steps: usize) -> Promise;
    fn validate(&self, batches: usize) -> Promise;
    fn set_lr(&self, lr: f64);
    fn info(&self) -> JsValue;
    fn step_flops(&self) -> Option<f64>;
    fn verb(&self, name: &str, args: JsValue, bytes: Option<Vec<u8>>) -> Result<Promise, JsError>;
    fn weights(&self) -> Promise;
    fn restore(&self, weights: Vec<u8>, steps: usize) -> Result<(), JsError>;
}

impl<F: Family> AnySession for Shared<F> {
    fn train(&self, steps: usize) -> Promise {
        let core = self.clone();
        read::promise(async move {
            let (sum, step) = {
                let mut core = core.borrow_mut();
                let training = core.training_mut()?;
                let mut sum = None;
                for _ in 0..steps {
                    sum = Some(add_losses(sum, training.step()));
                }
                (sum.unwrap_or_default(), training.steps())
            };
            read::chunk_outcome(sum, steps.max(1), step).await
        })
    }

    fn validate(&self, batches: usize) -> Promise {
        let core = self.clone();
        read::promise(async move {
            let losses = { core.borrow_mut().training_mut()?.validate(batches) };
            read::means(losses, 1).await
        })
    }

    fn set_lr(&self, lr: f64) {
        if let Stage::Training(training) = &mut self.borrow_mut().stage {
            training.set_lr(lr);
        }
    }

    fn info(&self) -> JsValue {
        F::info(&self.borrow())
    }

    fn step_flops(&self) -> Option<f64> {
        F::step_flops(&self.borrow())
    }

    fn verb(&self, name: &str, args: JsValue, bytes: Option<Vec<u8>>) -> Result<Promise, JsError> {
        F::verb(self.clone(), name, args, bytes)
    }

    fn weights(&self) -> Promise {
        let model = self.borrow().model();
        read::promise(async move {
            let bytes = F::weights(&on_cpu(model).await?).map_err(js_err)?;
            Ok(Uint8Array::from(bytes.as_slice()).into())
        })
    }

    fn restore(&self, weights: Vec<u8>, steps: usize) -> Result<(), JsError> {
        let model = F::load_weights(&self.borrow(), weights)?;
        self.borrow_mut().training_mut()?.resume(model, steps);
        Ok(())
    }
}

#[wasm_bindgen]
pub struct Session {
    inner: Box<dyn AnySession>,
}

impl Session {
    fn of<F: Family>(family: F, stage: Stage<F>) -> Session {
        let core: Shared<F> = Rc::new(RefCell::new(Core { family, stage }));
        Session {
            inner: Box::new(core),
        }
    }
}

#[wasm_bindgen]
impl Session {
    /// Shipped weights of `family`: the manifest (JSON) and the burnpack bytes.
    pub fn pretrained(
        family: &str,
        manifest_json: &str,
        weights: Vec<u8>,
    ) -> Result<Session, JsError> {
        (find(family)?.pretrained)(manifest_json, weights)
    }

    /// A fresh run of `family` from `options` (an object of the family's settings) on `data`.
    pub fn untrained(family: &str, options: JsValue, data: Vec<u8>) -> Result<Session, JsError> {
        (find(family)?.untrained)(options, data)
    }

    /// Run `steps` optimiser steps; resolves to `{step, losses}`: the chunk's mean of each
    /// named loss, or `losses: null` when training diverged (JSON has no NaN).
    pub fn train(&self, steps: usize) -> Promise {
        self.inner.train(steps)
    }

    /// Mean held-out losses over `batches` batches, by name (`{}` when the family has none).
    pub fn validate(&self, batches: usize) -> Promise {
        self.inner.validate(batches)
    }

    pub fn set_lr(&self, lr: f64) {
        self.inner.set_lr(lr);
    }

    /// What the page shows about the model; always has `params` and `steps`.
    pub fn info(&self) -> JsValue {
        self.inner.info()
    }

    /// Floating-point operations of one training step of the live run, from the model's
    /// shapes; undefined for shipped weights or a family that does not count them.
    pub fn step_flops(&self) -> Option<f64> {
        self.inner.step_flops()
    }

    /// The model's weights as burnpack bytes (a Uint8Array): what a saved model file holds.
    pub fn weights(&self) -> Promise {
        self.inner.weights()
    }

    /// Go on from `weights` (a saved file's, for a run of this shape), `steps` already taken.
    /// A file that does not fit is an error and leaves the run as it was.
    pub fn restore(&self, weights: Vec<u8>, steps: usize) -> Result<(), JsError> {
        self.inner.restore(weights, steps)
    }

    /// The family's own verb `name` with `args` (a plain object) and, for verbs that take a
    /// file, its `bytes` (see each family's file for its verbs and their results).
    pub fn verb(
        &self,
        name: &str,
        args: JsValue,
        bytes: Option<Vec<u8>>,
    ) -> Result<Promise, JsError> {
        self.inner.verb(name, args, bytes)
    }
}
