//! Encoder and decoder: two small MLPs around the latent space.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{relu, sigmoid};

/// Pixels of one 28×28 image.
pub const PIXELS: usize = 28 * 28;

#[derive(Module, Debug)]
pub struct Vae {
    enc_hidden: Linear,
    enc_mean: Linear,
    enc_log_var: Linear,
    dec_hidden: Linear,
    dec_out: Linear,
}

impl Vae {
    pub fn new(pixels: usize, hidden: usize, latent: usize, device: &Device) -> Self {
        Self {
            enc_hidden: LinearConfig::new(pixels, hidden).init(device),
            enc_mean: LinearConfig::new(hidden, latent).init(device),
            enc_log_var: LinearConfig::new(hidden, latent).init(device),
            dec_hidden: LinearConfig::new(latent, hidden).init(device),
            dec_out: LinearConfig::new(hidden, pixels).init(device),
        }
    }

    /// The mean and log-variance of q(z | x) for images `[B, 784]` in [0, 1]: each `[B, latent]`.
    pub fn encode(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let h = relu(self.enc_hidden.forward(x));
        (
            self.enc_mean.forward(h.clone()),
            self.enc_log_var.forward(h),
        )
    }

    /// Pixel logits of p(x | z) for latents `[B, latent]`: `[B, 784]`.
    pub fn decode_logits(&self, z: Tensor<2>) -> Tensor<2> {
        self.dec_out.forward(relu(self.dec_hidden.forward(z)))
    }

    /// Pixel probabilities (the decoded image, in [0, 1]) for latents `[B, latent]`.
    pub fn decode(&self, z: Tensor<2>) -> Tensor<2> {
        sigmoid(self.decode_logits(z))
    }

    /// z = μ + σ·ε with σ = exp(log σ² / 2): the reparameterisation trick, which keeps the
    /// sample differentiable in μ and σ.
    pub fn reparameterise(mean: Tensor<2>, log_var: Tensor<2>, eps: Tensor<2>) -> Tensor<2> {
        mean + (log_var * 0.5).exp() * eps
    }

    pub fn latent(&self) -> usize {
        self.enc_mean.weight.val().dims()[1]
    }
}

/// Images as the VAE reads them: rows of 784 values in [0, 1], from pixels in [-1, 1].
pub fn image_rows(pixels: &[f32], n: usize, device: &Device) -> Tensor<2> {
    let x01: Vec<f32> = pixels.iter().map(|p| (p + 1.0) / 2.0).collect();
    Tensor::<1>::from_floats(x01.as_slice(), device).reshape([n, PIXELS])
}
