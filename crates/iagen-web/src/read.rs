//! Reading tensors back to the host. On WebGPU only the asynchronous read works (a
//! synchronous one panics or hangs), so every read in the shell goes through here.

use burn::prelude::*;
use serde::Serialize;
use wasm_bindgen::{JsError, JsValue};

use crate::backend::serde_wasm;

pub async fn floats<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, JsError> {
    let data = t
        .into_data_async()
        .await
        .map_err(|e| JsError::new(&format!("{e:?}")))?;
    data.try_to_vec::<f32>()
        .map_err(|e| JsError::new(&format!("{e:?}")))
}

pub async fn scalar(t: Tensor<1>) -> Result<f32, JsError> {
    Ok(floats(t).await?[0])
}

/// What a chunk of `steps` training steps tells the page: `{step, loss}`, the mean of the
/// summed losses `sum`, or `null` when training diverged (JSON has no NaN).
pub async fn chunk_outcome(
    sum: Option<Tensor<1>>,
    steps: usize,
    step: usize,
) -> Result<JsValue, JsError> {
    let loss = match sum {
        Some(t) => scalar(t).await? / steps as f32,
        None => f32::NAN,
    };
    #[derive(Serialize)]
    struct Out {
        step: usize,
        loss: Option<f32>,
    }
    Ok(serde_wasm(&Out {
        step,
        loss: loss.is_finite().then_some(loss),
    }))
}
