//! Reading tensors back to the host, and plain data across the JS boundary. On WebGPU only
//! the asynchronous read works (a synchronous one panics or hangs), so every read in the
//! shell goes through here.

use burn::prelude::*;
use iagen_core::live::Losses;
use js_sys::{Float32Array, Int32Array, Promise, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wasm_bindgen::{JsError, JsValue};
use wasm_bindgen_futures::future_to_promise;

use crate::backend::{js_err, serde_wasm};

pub async fn floats<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, JsError> {
    let data = t
        .into_data_async()
        .await
        .map_err(|e| JsError::new(&format!("{e:?}")))?;
    data.try_to_vec::<f32>()
        .map_err(|e| JsError::new(&format!("{e:?}")))
}

/// Tensors of one shape (at least one) read back as one, concatenated on the device (on WebGPU
/// each read-back is a buffer mapped and waited for): each one's values, in order.
pub async fn floats_together<const D: usize>(
    tensors: Vec<Tensor<D>>,
) -> Result<Vec<Vec<f32>>, JsError> {
    let count = tensors.len();
    let all = floats(Tensor::cat(tensors, 0)).await?;
    Ok(all.chunks(all.len() / count).map(<[f32]>::to_vec).collect())
}

/// The tensor's values as a Float32Array.
pub async fn float_array<const D: usize>(t: Tensor<D>) -> Result<JsValue, JsError> {
    Ok(Float32Array::from(floats(t).await?.as_slice()).into())
}

pub async fn scalar(t: Tensor<1>) -> Result<f32, JsError> {
    Ok(floats(t).await?[0])
}

/// Named losses divided by `divisor`, read in one go: `{name: mean}`, each `null` where it
/// is not finite (JSON has no NaN).
async fn named_means(losses: Losses, divisor: usize) -> Result<Map<String, Value>, JsError> {
    if losses.is_empty() {
        return Ok(Map::new());
    }
    let names: Vec<&str> = losses.iter().map(|(name, _)| *name).collect();
    let values = floats(Tensor::cat(losses.into_iter().map(|(_, t)| t).collect(), 0)).await?;
    Ok(names
        .into_iter()
        .zip(values)
        .map(|(name, v)| {
            let mean = v / divisor as f32;
            let json = if mean.is_finite() {
                Value::from(mean)
            } else {
                Value::Null
            };
            (name.to_string(), json)
        })
        .collect())
}

/// Named losses divided by `divisor`, as a JS object `{name: mean or null}`.
pub async fn means(losses: Losses, divisor: usize) -> Result<JsValue, JsError> {
    Ok(serde_wasm(&named_means(losses, divisor).await?))
}

/// What a chunk of `steps` training steps tells the page: `{step, losses}` with the mean of
/// each named loss `sum`, or `losses: null` when any is not finite (training diverged).
pub async fn chunk_outcome(sum: Losses, steps: usize, step: usize) -> Result<JsValue, JsError> {
    let means = named_means(sum, steps).await?;
    let diverged = means.values().any(Value::is_null);
    #[derive(Serialize)]
    struct Out {
        step: usize,
        losses: Option<Map<String, Value>>,
    }
    Ok(serde_wasm(&Out {
        step,
        losses: (!diverged).then_some(means),
    }))
}

/// A JS promise of `work`, rejected with its error.
pub fn promise(work: impl Future<Output = Result<JsValue, JsError>> + 'static) -> Promise {
    future_to_promise(async move { Ok(work.await?) })
}

/// A verb's or an option's arguments (a plain JS object, through JSON) as `T`.
pub fn args<T: DeserializeOwned>(args: &JsValue) -> Result<T, JsError> {
    let json = js_sys::JSON::stringify(args).map_err(|_| js_err("arguments are not JSON"))?;
    serde_json::from_str(&String::from(json)).map_err(|e| js_err(format!("arguments: {e}")))
}

/// Set `key` on a JS object to a float array.
pub fn set_floats(out: &JsValue, key: &str, values: &[f32]) -> Result<(), JsError> {
    Reflect::set(out, &key.into(), &Float32Array::from(values))
        .map(|_| ())
        .map_err(|_| js_err("cannot build result"))
}

/// Set `key` on a JS object to an integer array.
pub fn set_ints(out: &JsValue, key: &str, values: &[i32]) -> Result<(), JsError> {
    Reflect::set(out, &key.into(), &Int32Array::from(values))
        .map(|_| ())
        .map_err(|_| js_err("cannot build result"))
}

/// Set `key` on a JS object to a number.
pub fn set_number(out: &JsValue, key: &str, value: f64) -> Result<(), JsError> {
    Reflect::set(out, &key.into(), &JsValue::from_f64(value))
        .map(|_| ())
        .map_err(|_| js_err("cannot build result"))
}
