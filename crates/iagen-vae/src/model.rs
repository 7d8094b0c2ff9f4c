//! Encoder and decoder around the latent space: MLPs, optionally behind (encoder) and in front
//! of (decoder) two strided convolutions, which see strokes where an MLP sees single pixels.

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{relu, sigmoid};
use iagen_core::flops;
use iagen_core::layers::{doubling_conv, halving_conv};
use iagen_core::rng::Rng;

/// Pixels of one 28×28 image.
pub const PIXELS: usize = 28 * 28;

#[derive(Module, Debug)]
pub struct Vae {
    /// 28×28 → 14×14 → 7×7 (empty for a pure MLP).
    enc_conv: Vec<Conv2d>,
    enc_hidden: Linear,
    /// Hidden layers after the first (none when depth is 1).
    enc_deeper: Vec<Linear>,
    enc_mean: Linear,
    enc_log_var: Linear,
    dec_hidden: Linear,
    dec_deeper: Vec<Linear>,
    dec_out: Linear,
    /// 7×7 → 14×14 → 28×28 (empty for a pure MLP).
    dec_conv: Vec<ConvTranspose2d>,
}

/// Channels of the convolutions, or none: what sits between the pixels and the MLPs.
#[derive(Clone, Copy)]
pub struct Shape {
    pub hidden: usize,
    pub depth: usize,
    pub latent: usize,
    /// Channels of the first convolution (the second has twice as many), if any.
    pub conv: Option<usize>,
}

impl Shape {
    /// Values the MLPs see on the image side: the pixels, or the 7×7 feature maps.
    fn features(&self) -> usize {
        self.conv.map_or(PIXELS, |c| 2 * c * 7 * 7)
    }
}

impl Vae {
    pub fn new(shape: Shape, device: &Device) -> Self {
        let Shape {
            hidden,
            depth,
            latent,
            conv,
        } = shape;
        let deeper = || {
            (1..depth.max(1))
                .map(|_| LinearConfig::new(hidden, hidden).init(device))
                .collect()
        };
        let (enc_conv, dec_conv) = match conv {
            None => (vec![], vec![]),
            Some(c) => (
                vec![
                    halving_conv([1, c], device),
                    halving_conv([c, 2 * c], device),
                ],
                vec![
                    doubling_conv([2 * c, c], device),
                    doubling_conv([c, 1], device),
                ],
            ),
        };
        Self {
            enc_conv,
            enc_hidden: LinearConfig::new(shape.features(), hidden).init(device),
            enc_deeper: deeper(),
            enc_mean: LinearConfig::new(hidden, latent).init(device),
            enc_log_var: LinearConfig::new(hidden, latent).init(device),
            dec_hidden: LinearConfig::new(latent, hidden).init(device),
            dec_deeper: deeper(),
            dec_out: LinearConfig::new(hidden, shape.features()).init(device),
            dec_conv,
        }
    }

    /// The mean and log-variance of q(z | x) for images `[B, 784]` in [0, 1]: each `[B, latent]`.
    pub fn encode(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let x = if self.enc_conv.is_empty() {
            x
        } else {
            let n = x.dims()[0];
            let maps = self
                .enc_conv
                .iter()
                .fold(x.reshape([n, 1, 28, 28]), |h, conv| relu(conv.forward(h)));
            maps.flatten(1, 3)
        };
        let h = through(&self.enc_deeper, relu(self.enc_hidden.forward(x)));
        (
            self.enc_mean.forward(h.clone()),
            self.enc_log_var.forward(h),
        )
    }

    /// Pixel logits of p(x | z) for latents `[B, latent]`: `[B, 784]`.
    pub fn decode_logits(&self, z: Tensor<2>) -> Tensor<2> {
        let h = through(&self.dec_deeper, relu(self.dec_hidden.forward(z)));
        let out = self.dec_out.forward(h);
        let Some((last, first)) = self.dec_conv.split_last() else {
            return out;
        };
        let [n, features] = out.dims();
        let maps = relu(out).reshape([n, features / 49, 7, 7]);
        let maps = first.iter().fold(maps, |h, up| relu(up.forward(h)));
        last.forward(maps).reshape([n, PIXELS])
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

    /// Operations of encoding and decoding `batch` images (`iagen_core::flops`).
    pub fn flops(&self, batch: usize) -> f64 {
        self.encode_flops(batch) + self.decode_flops(batch)
    }

    /// Operations of encoding `batch` images: the convolutions halve 28×28 to 14×14 and 7×7.
    pub fn encode_flops(&self, batch: usize) -> f64 {
        let convs = self.enc_conv.iter().enumerate();
        let convs = convs.map(|(k, layer)| flops::conv(layer, batch, [28 >> (k + 1); 2]));
        let layers = [&self.enc_hidden, &self.enc_mean, &self.enc_log_var];
        let linears = layers.into_iter().chain(&self.enc_deeper);
        convs
            .chain(linears.map(|layer| flops::linear(layer, batch)))
            .sum()
    }

    /// Operations of decoding `batch` codes: the transposed convolutions double 7×7 back up.
    pub fn decode_flops(&self, batch: usize) -> f64 {
        let convs = self.dec_conv.iter().enumerate();
        let convs = convs.map(|(k, layer)| flops::conv_transpose(layer, batch, [7 << k; 2]));
        let layers = [&self.dec_hidden, &self.dec_out];
        let linears = layers.into_iter().chain(&self.dec_deeper);
        convs
            .chain(linears.map(|layer| flops::linear(layer, batch)))
            .sum()
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
