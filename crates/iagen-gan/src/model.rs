//! The two networks: MLPs with leaky ReLUs (hidden layers 0–4), from noise to a point (G) and
//! from a point to one raw score (D).

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use iagen_core::flops;

use crate::config::GanConfig;
use burn::tensor::activation::leaky_relu;

#[derive(Module, Debug)]
pub struct Mlp {
    hidden: Vec<Linear>,
    out: Linear,
}

impl Mlp {
    pub fn new(input: usize, layers: usize, width: usize, output: usize, device: &Device) -> Self {
        let hidden = (0..layers)
            .map(|k| LinearConfig::new(if k == 0 { input } else { width }, width).init(device))
            .collect();
        let last = if layers == 0 { input } else { width };
        Self {
            hidden,
            out: LinearConfig::new(last, output).init(device),
        }
    }

    /// Operations of a forward pass on `rows` points (`iagen_core::flops`).
    pub fn flops(&self, rows: usize) -> f64 {
        self.hidden
            .iter()
            .chain([&self.out])
            .map(|layer| flops::linear(layer, rows))
            .sum()
    }

    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let h = self
            .hidden
            .iter()
            .fold(x, |h, layer| leaky_relu(layer.forward(h), 0.2));
        self.out.forward(h)
    }
}

/// The generator and the discriminator as they are now (without autodiff): what the page
/// draws from.
#[derive(Module, Debug)]
pub struct Networks {
    pub g: Mlp,
    pub d: Mlp,
}

impl Networks {
    /// Fresh networks of `config`'s shape on `device` (seed the device first to reproduce).
    pub fn new(config: &GanConfig, device: &Device) -> Self {
        Self {
            g: Mlp::new(config.noise, config.g_layers, config.g_width, 2, device),
            d: Mlp::new(2, config.d_layers, config.d_width, 1, device),
        }
    }
}
