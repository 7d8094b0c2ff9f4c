//! Weights as burnpack bytes (so the page can load a fetched file and users can export and
//! import), with a small JSON manifest: the config, the vocabulary and where it came from.

use burn::prelude::*;
use burn_store::{BurnpackStore, ModuleSnapshot};

use crate::config::GptConfig;
use crate::model::Gpt;

#[derive(Config, Debug)]
pub struct GptManifest {
    pub config: GptConfig,
    /// The tokenizer's characters in id order.
    pub vocab: String,
    /// Data set name (`refranes`, `shakespeare`, ...).
    pub data: String,
    /// Optimizer steps trained.
    pub steps: usize,
    /// Held-out loss in nats per character, as measured by `iagen-cli eval`.
    pub val_loss: f32,
}

/// The model's weights as burnpack bytes.
pub fn save_gpt(model: &Gpt) -> Result<Vec<u8>, String> {
    let mut store = BurnpackStore::from_bytes(None);
    model.save_into(&mut store).map_err(|e| e.to_string())?;
    Ok(store.get_bytes().map_err(|e| e.to_string())?.to_vec())
}

/// A model of `config` on `device` with the weights in `bytes`.
pub fn load_gpt(config: &GptConfig, bytes: Vec<u8>, device: &Device) -> Result<Gpt, String> {
    let mut model = config.init(device);
    let mut store = BurnpackStore::from_bytes(Some(burn::tensor::Bytes::from_bytes_vec(bytes)));
    model.load_from(&mut store).map_err(|e| e.to_string())?;
    Ok(model)
}
