//! Reading tensors back to the host. On WebGPU only the asynchronous read works (a
//! synchronous one panics or hangs), so every read in the shell goes through here.

use burn::prelude::*;
use wasm_bindgen::JsError;

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
