//! Weights as burnpack bytes, with a JSON manifest: the config, the data set and the held-out
//! losses it reached.

use burn::prelude::*;
use iagen_core::burnpack::{self, Precision};

use crate::config::VaeConfig;
use crate::model::Vae;

#[derive(Config, Debug)]
pub struct VaeManifest {
    pub config: VaeConfig,
    /// Data set name (`mnist` or `fashion`).
    pub data: String,
    pub steps: usize,
    /// Held-out reconstruction loss, nats per image.
    pub recon: f32,
    /// Held-out KL term, nats per image.
    pub kl: f32,
}

pub fn save_vae(model: &Vae, precision: Precision) -> Result<Vec<u8>, String> {
    burnpack::to_bytes(model, precision)
}

pub fn load_vae(config: &VaeConfig, bytes: Vec<u8>, device: &Device) -> Result<Vae, String> {
    burnpack::load_bytes(config.init(device), bytes)
}
