//! Diffusion hyper-parameters and the two size presets the page offers.

use burn::prelude::*;

use crate::schedule::{NoiseSchedule, ScheduleKind};

#[derive(Config, Debug, PartialEq)]
pub struct DiffusionConfig {
    /// U-Net width at full resolution (doubled at 14×14 and 7×7); a multiple of 8.
    #[config(default = 16)]
    pub channels: usize,
    /// Self-attention at 7×7 (see `UNet::with_mid_attention`). `None` (the presets, and
    /// manifests written before it existed) means without.
    pub attention: Option<bool>,
    /// Perception-prioritised loss weighting (Choi et al. 2022): each image's noise error
    /// × 1 / (1 + SNR(t))^γ, which favours the noisy steps where the overall shape, and so the
    /// class, is decided, over the last clean-up steps. `None`: DDPM's unweighted loss.
    pub p2_gamma: Option<f64>,
    /// Number of classes; the label `classes` itself means "no class" (unconditional).
    #[config(default = 10)]
    pub classes: usize,
    /// Diffusion length T.
    #[config(default = 1000)]
    pub timesteps: usize,
    /// `linear` (Ho et al.) or `cosine` (Nichol & Dhariwal 2021).
    #[config(default = "String::from(\"cosine\")")]
    pub schedule: String,
    /// Probability of training a label as "no class", which classifier-free guidance needs.
    #[config(default = 0.1)]
    pub label_dropout: f64,
    /// Seeds the initial weights and the trainer's draws (images, t, noise, dropped labels).
    #[config(default = 42)]
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffusionSize {
    Nano,
    Tiny,
}

impl DiffusionSize {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "nano" => Some(Self::Nano),
            "tiny" => Some(Self::Tiny),
            _ => None,
        }
    }
}

impl DiffusionConfig {
    /// nano ≈ 0.1 M parameters, tiny ≈ 0.4 M.
    pub fn preset(size: DiffusionSize) -> Self {
        let channels = match size {
            DiffusionSize::Nano => 16,
            DiffusionSize::Tiny => 32,
        };
        DiffusionConfig::new().with_channels(channels)
    }

    pub fn has_attention(&self) -> bool {
        self.attention.unwrap_or(false)
    }

    /// The noise schedule this config names (an unknown name falls back to cosine).
    pub fn noise_schedule(&self) -> NoiseSchedule {
        let kind = ScheduleKind::from_name(&self.schedule).unwrap_or(ScheduleKind::Cosine);
        NoiseSchedule::new(kind, self.timesteps)
    }
}
