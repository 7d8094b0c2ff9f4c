//! The 2-D GAN's settings: each network's shape, optimiser and learning rate, the noise, the
//! loss, the discriminator's steps per generator step, the batch and the seed.

use burn::optim::{AdamConfig, ModuleOptimizer, SgdConfig};

use crate::loss::GanLoss;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Optimiser {
    Adam,
    Sgd,
}

impl Optimiser {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "adam" => Some(Optimiser::Adam),
            "sgd" => Some(Optimiser::Sgd),
            _ => None,
        }
    }

    /// Adam with β₁ = 0.5 (Radford et al. 2016: the usual first moment makes GANs oscillate);
    /// plain SGD.
    pub fn init(self) -> ModuleOptimizer {
        match self {
            Optimiser::Adam => AdamConfig::new().with_beta_1(0.5).init(),
            Optimiser::Sgd => SgdConfig::new().init(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GanConfig {
    /// Hidden layers of the generator (0–4) and their width.
    pub g_layers: usize,
    pub g_width: usize,
    /// Hidden layers of the discriminator (0–4) and their width.
    pub d_layers: usize,
    pub d_width: usize,
    /// Dimensions of the generator's input noise.
    pub noise: usize,
    pub loss: GanLoss,
    pub g_opt: Optimiser,
    pub d_opt: Optimiser,
    pub g_lr: f64,
    pub d_lr: f64,
    /// Discriminator steps per generator step.
    pub d_steps: usize,
    pub batch: usize,
    /// Seeds both networks' weights, the noise and the real points drawn.
    pub seed: u64,
}

impl Default for GanConfig {
    /// A recipe that covers the ring of 8 from the default seed (MODELS.md, the 2-D GAN).
    fn default() -> Self {
        Self {
            g_layers: 2,
            g_width: 64,
            d_layers: 2,
            d_width: 64,
            noise: 2,
            loss: GanLoss::NonSaturating,
            g_opt: Optimiser::Adam,
            d_opt: Optimiser::Adam,
            g_lr: 1e-3,
            d_lr: 1e-3,
            d_steps: 1,
            batch: 128,
            seed: 42,
        }
    }
}
