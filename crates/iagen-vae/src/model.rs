//! Encoder and decoder: two small MLPs around the latent space.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{relu, sigmoid};
use iagen_core::rng::Rng;

/// Pixels of one 28×28 image.
pub const PIXELS: usize = 28 * 28;

#[derive(Module, Debug)]
pub struct Vae {
    enc_hidden: Linear,
    /// Hidden layers after the first (none when depth is 1).
    enc_deeper: Vec<Linear>,
    enc_mean: Linear,
    enc_log_var: Linear,
    dec_hidden: Linear,
    dec_deeper: Vec<Linear>,
    dec_out: Linear,
}

impl Vae {
    pub fn new(pixels: usize, hidden: usize, depth: usize, latent: usize, device: &Device) -> Self {
        let deeper = || {
            (1..depth.max(1))
                .map(|_| LinearConfig::new(hidden, hidden).init(device))
                .collect()
        };
        Self {
            enc_hidden: LinearConfig::new(pixels, hidden).init(device),
            enc_deeper: deeper(),
            enc_mean: LinearConfig::new(hidden, latent).init(device),
            enc_log_var: LinearConfig::new(hidden, latent).init(device),
            dec_hidden: LinearConfig::new(latent, hidden).init(device),
            dec_deeper: deeper(),
            dec_out: LinearConfig::new(hidden, pixels).init(device),
        }
    }

    /// The mean and log-variance of q(z | x) for images `[B, 784]` in [0, 1]: each `[B, latent]`.
    pub fn encode(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let h = through(&self.enc_deeper, relu(self.enc_hidden.forward(x)));
        (
            self.enc_mean.forward(h.clone()),
            self.enc_log_var.forward(h),
        )
    }

    /// Pixel logits of p(x | z) for latents `[B, latent]`: `[B, 784]`.
    pub fn decode_logits(&self, z: Tensor<2>) -> Tensor<2> {
        let h = through(&self.dec_deeper, relu(self.dec_hidden.forward(z)));
        self.dec_out.forward(h)
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

/// `h` through each of `layers`, each followed by a ReLU.
fn through(layers: &[Linear], h: Tensor<2>) -> Tensor<2> {
    layers.iter().fold(h, |h, layer| relu(layer.forward(h)))
}

/// Images as the VAE reads them: rows of 784 values in [0, 1], from pixels in [-1, 1].
pub fn image_rows(pixels: &[f32], n: usize, device: &Device) -> Tensor<2> {
    let x01: Vec<f32> = pixels.iter().map(|p| (p + 1.0) / 2.0).collect();
    Tensor::<1>::from_floats(x01.as_slice(), device).reshape([n, PIXELS])
}

/// `n` latent codes `[n, latent]` of standard normals from `rng`: the ε of the
/// reparameterisation, and samples from the prior N(0, I). Drawn on the CPU, so a seed gives
/// the same codes on every backend.
pub fn standard_normals(rng: &mut Rng, n: usize, latent: usize, device: &Device) -> Tensor<2> {
    Tensor::<1>::from_floats(rng.normals(n * latent).as_slice(), device).reshape([n, latent])
}

/// Images decoded from `n` codes drawn from the prior with `seed`: the codes `[n, latent]` and
/// the pixel probabilities `[n, 784]`.
pub fn prior_samples(model: &Vae, seed: u64, n: usize, device: &Device) -> (Tensor<2>, Tensor<2>) {
    let z = standard_normals(&mut Rng::new(seed), n, model.latent(), device);
    (z.clone(), model.decode(z))
}
