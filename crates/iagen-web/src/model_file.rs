//! A trained model as a file the visitor keeps: its weights read back asynchronously (the only
//! way on WebGPU) into a copy on the CPU, then stored as burnpack bytes by the family. The page
//! wraps them with the experiment's link (`web/views/training_panel.js`); loading one goes back
//! through the family with the link's settings, so a file can only restore a run of its shape.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use wasm_bindgen::JsError;

use crate::read;

/// Every float parameter, flattened, in visiting order.
struct Collect(Vec<Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let n = value.shape().num_elements();
        self.0.push(value.reshape([n]));
    }
}

/// Replaces each float parameter, in the same order, by its values on the CPU.
struct OnCpu {
    values: std::vec::IntoIter<Vec<f32>>,
    device: Device,
}

impl ModuleMapper for OnCpu {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let values = self.values.next().expect("one value list per parameter");
        let device = self.device.clone();
        param.map(|t| {
            let dims: [usize; D] = t.dims();
            Tensor::<1>::from_floats(values.as_slice(), &device).reshape(dims)
        })
    }
}

/// `model` with every weight on the CPU backend, read without blocking.
pub async fn on_cpu<M: Module>(model: M) -> Result<M, JsError> {
    let mut collect = Collect(Vec::new());
    model.visit(&mut collect);
    let mut values = Vec::with_capacity(collect.0.len());
    for tensor in collect.0 {
        values.push(read::floats(tensor).await?);
    }
    let mut mapper = OnCpu {
        values: values.into_iter(),
        device: Device::flex(),
    };
    Ok(model.map(&mut mapper))
}
