//! Generative adversarial networks (Goodfellow et al. 2014). A generator G turns noise into
//! samples and a discriminator D learns to tell them from real ones; each is trained against
//! the other. This crate holds the 2-D GAN of the teaching view: toy target distributions in
//! the plane (`toy`), MLPs for both networks (`model`), three losses (`loss`), the alternating
//! trainer (`train`, `live`), and the measures the page shows: mode coverage and the
//! Jensen–Shannon divergence on a density grid (`measure`). The image GAN is a small
//! class-conditional DCGAN (`dcgan`, `image_train`, `image_weights`).

mod config;
mod cost;
mod dcgan;
mod image_train;
mod image_weights;
mod live;
mod loss;
mod measure;
mod model;
mod toy;
mod train;

pub use config::{GanConfig, Optimiser};
pub use cost::round_flops;
pub use dcgan::{ImageDiscriminator, ImageGan, ImageGanConfig, ImageGenerator};
pub use image_train::{ImageGanTraining, LABEL_DROP, generate_images, interpolate_images};
pub use image_weights::{ImageGanManifest, load_image_gan, save_image_gan};
pub use live::Gan2dTraining;
pub use loss::GanLoss;
pub use measure::{Coverage, coverage, js_divergence};
pub use model::{Mlp, Networks};
pub use toy::Target;
pub use train::{GanTrainer, RoundLosses, points_tensor};
