//! VAE hyper-parameters.

use burn::prelude::*;

use crate::model::{Shape, Vae};

#[derive(Config, Debug, PartialEq)]
pub struct VaeConfig {
    /// Size of the latent space: 2 for a map students can see, 16 for sharper images.
    #[config(default = 2)]
    pub latent: usize,
    /// Width of the encoder's and the decoder's hidden layer.
    #[config(default = 256)]
    pub hidden: usize,
    /// Hidden layers on each side (1 or more; deeper nets draw a cleaner map with latent 2).
    #[config(default = 1)]
    pub depth: usize,
    /// Channels of two strided convolutions before the encoder's MLP (and transposed, after the
    /// decoder's); none for pure MLPs (and in manifests written before convolutions existed).
    pub conv: Option<usize>,
    /// Weight of the KL term (β-VAE; 1 is the plain ELBO).
    #[config(default = 1.0)]
    pub beta: f64,
    /// Seeds the initial weights and every ε the trainer draws.
    #[config(default = 42)]
    pub seed: u64,
}

impl VaeConfig {
    pub fn init(&self, device: &Device) -> Vae {
        device.seed(self.seed);
        let shape = Shape {
            hidden: self.hidden,
            depth: self.depth,
            latent: self.latent,
            conv: self.conv,
        };
        Vae::new(shape, device)
    }
}
