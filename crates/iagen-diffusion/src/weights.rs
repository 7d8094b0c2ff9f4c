//! Diffusion weights as burnpack bytes, with a JSON manifest of the config and provenance.

use burn::prelude::*;
use iagen_core::burnpack::{self, Precision};

use crate::config::DiffusionConfig;
use crate::unet::UNet;

#[derive(Config, Debug)]
pub struct DiffusionManifest {
    pub config: DiffusionConfig,
    /// Data set name (`mnist` or `fashion`).
    pub data: String,
    /// Optimizer steps trained.
    pub steps: usize,
    /// Batch size trained with.
    pub batch: usize,
    /// Final training loss (mean squared noise error, averaged over the last steps).
    pub loss: f32,
}

pub fn save_diffusion(model: &UNet) -> Result<Vec<u8>, String> {
    burnpack::to_bytes(model, Precision::Full)
}

pub fn load_diffusion(
    config: &DiffusionConfig,
    bytes: Vec<u8>,
    device: &Device,
) -> Result<UNet, String> {
    burnpack::load_bytes(config.init(device), bytes)
}
