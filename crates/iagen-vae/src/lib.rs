//! A variational autoencoder (Kingma & Welling 2014) on 28×28 images, small enough to train in
//! a browser: an MLP encoder to the mean and log-variance of q(z | x), the reparameterisation
//! z = μ + σ·ε (ε drawn on the CPU from a seeded generator, so a seed decides a run on every
//! backend), an MLP decoder to Bernoulli pixel probabilities, and the loss as its two halves:
//! reconstruction (binary cross-entropy) and β times the KL divergence to N(0, I).

mod config;
mod live;
mod model;
mod train;
mod weights;

pub use config::VaeConfig;
pub use live::VaeTraining;
pub use model::{Vae, image_rows, prior_samples, standard_normals};
pub use train::{VaeLosses, VaeTrainer, gaussian_kl, vae_losses};
pub use weights::{VaeManifest, load_vae, save_vae};
