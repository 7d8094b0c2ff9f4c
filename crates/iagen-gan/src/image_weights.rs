//! The image GAN's files: burnpack bytes of both networks and a JSON manifest.

use burn::prelude::*;
use iagen_core::burnpack::{self, Precision};

use crate::dcgan::{ImageGan, ImageGanConfig};

#[derive(Config, Debug)]
pub struct ImageGanManifest {
    pub config: ImageGanConfig,
    /// Data set name (`mnist` or `fashion`).
    pub data: String,
    pub steps: usize,
}

pub fn save_image_gan(model: &ImageGan, precision: Precision) -> Result<Vec<u8>, String> {
    burnpack::to_bytes(model, precision)
}

pub fn load_image_gan(
    config: &ImageGanConfig,
    bytes: Vec<u8>,
    device: &Device,
) -> Result<ImageGan, String> {
    burnpack::load_bytes(config.init(device), bytes)
}
