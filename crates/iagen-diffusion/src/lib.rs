//! Denoising diffusion on 28×28 grey images (Ho et al. 2020, "DDPM"; Song et al. 2021,
//! "DDIM"): a noise schedule kept apart from the network (`add_noise` and one reverse `step`),
//! a small class-conditioned U-Net that predicts the added noise, a hand-written trainer, and
//! a step-through denoiser with classifier-free guidance (Ho & Salimans 2022).
//!
//! Predicting the noise is denoising score matching: ∇ log q(x_t) ≈ −ε̂ / √(1 − ᾱ_t), so the
//! network's output, rescaled, is the score the reverse process follows.

mod config;
mod live;
mod sample;
mod schedule;
mod train;
mod unet;
mod weight_average;
mod weights;

pub use config::{DiffusionConfig, DiffusionSize};
pub use live::DiffusionTraining;
pub use sample::{DenoiseStep, Denoiser, Sampler, image_tensor};
pub use schedule::{NoiseSchedule, ScheduleKind};
pub use train::Trainer;
pub use unet::UNet;
pub use weights::{DiffusionManifest, load_diffusion, save_diffusion};
