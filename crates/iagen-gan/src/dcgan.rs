//! The image GAN: a small class-conditional DCGAN for 28×28 images (Radford et al. 2016: strided
//! transposed convolutions with batch norm in the generator, strided convolutions with leaky
//! ReLUs in the discriminator). The class enters the generator as a learned embedding beside
//! the noise and the discriminator by projection (Miyato & Koyama 2018); one extra class,
//! "none", is trained too, so the model also samples without a class.

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{BatchNorm, BatchNormConfig, Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{leaky_relu, relu, tanh};
use iagen_core::flops;
use iagen_core::layers::{doubling_conv, halving_conv};

#[derive(Config, Debug, PartialEq)]
pub struct ImageGanConfig {
    /// Dimensions of the generator's noise.
    #[config(default = 32)]
    pub noise: usize,
    /// Channels of the first (and, doubled, the second) convolution level.
    #[config(default = 32)]
    pub width: usize,
    /// Classes of the data set (one more, "none", is added).
    #[config(default = 10)]
    pub classes: usize,
    /// Seeds both networks' weights, the noise, the batches and the labels.
    #[config(default = 42)]
    pub seed: u64,
}

/// Class-embedding size in the generator.
const CLASS_DIMS: usize = 16;

#[derive(Module, Debug)]
pub struct ImageGenerator {
    class: Embedding,
    project: Linear,
    norm0: BatchNorm,
    up1: ConvTranspose2d,
    norm1: BatchNorm,
    up2: ConvTranspose2d,
}

#[derive(Module, Debug)]
pub struct ImageDiscriminator {
    down1: Conv2d,
    down2: Conv2d,
    out: Linear,
    /// One vector per class, dotted with the features (the projection).
    class: Embedding,
}

/// Both networks (what a shipped model holds).
#[derive(Module, Debug)]
pub struct ImageGan {
    pub g: ImageGenerator,
    pub d: ImageDiscriminator,
}

impl ImageGanConfig {
    pub fn init(&self, device: &Device) -> ImageGan {
        device.seed(self.seed);
        let (w, features) = (self.width, 2 * self.width * 7 * 7);
        ImageGan {
            g: ImageGenerator {
                class: EmbeddingConfig::new(self.classes + 1, CLASS_DIMS).init(device),
                project: LinearConfig::new(self.noise + CLASS_DIMS, features).init(device),
                norm0: BatchNormConfig::new(2 * w).init(device),
                up1: doubling_conv([2 * w, w], device),
                norm1: BatchNormConfig::new(w).init(device),
                up2: doubling_conv([w, 1], device),
            },
            d: ImageDiscriminator {
                down1: halving_conv([1, w], device),
                down2: halving_conv([w, 2 * w], device),
                out: LinearConfig::new(features, 1).init(device),
                class: EmbeddingConfig::new(self.classes + 1, features).init(device),
            },
        }
    }
}

impl ImageGenerator {
    /// Images `[B, 1, 28, 28]` in [-1, 1] from noise `[B, noise]` and classes `[B]` (the
    /// last class index is "none").
    pub fn forward(&self, z: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<4> {
        let b = z.dims()[0];
        let class = self
            .class
            .forward(labels.reshape([b, 1]))
            .reshape([b, CLASS_DIMS]);
        let h = self.project.forward(Tensor::cat(vec![z, class], 1));
        let c = self.norm0.gamma.val().dims()[0];
        let h = relu(self.norm0.forward(h.reshape([b, c, 7, 7])));
        let h = relu(self.norm1.forward(self.up1.forward(h)));
        tanh(self.up2.forward(h))
    }

    /// Operations of a forward pass on `batch` images (`iagen_core::flops`): the projection to
    /// 7×7, then up to 14×14 and 28×28.
    pub fn flops(&self, batch: usize) -> f64 {
        flops::linear(&self.project, batch)
            + flops::conv_transpose(&self.up1, batch, [7, 7])
            + flops::conv_transpose(&self.up2, batch, [14, 14])
    }

    pub fn noise_dims(&self) -> usize {
        self.project.weight.val().dims()[0] - CLASS_DIMS
    }

    /// The label that asks for no class.
    pub fn none_class(&self) -> usize {
        self.class.weight.val().dims()[0] - 1
    }
}

impl ImageDiscriminator {
    /// Operations of a forward pass on `batch` images (`iagen_core::flops`): down to 14×14 and
    /// 7×7, then the score.
    pub fn flops(&self, batch: usize) -> f64 {
        flops::conv(&self.down1, batch, [14, 14])
            + flops::conv(&self.down2, batch, [7, 7])
            + flops::linear(&self.out, batch)
    }

    /// A raw score `[B, 1]` per image `[B, 1, 28, 28]` and class `[B]`: higher is "real".
    pub fn forward(&self, x: Tensor<4>, labels: Tensor<1, Int>) -> Tensor<2> {
        self.score(self.features(x), labels)
    }

    /// The features the score reads, `[B, 2·width·7·7]`, per image `[B, 1, 28, 28]`.
    pub fn features(&self, x: Tensor<4>) -> Tensor<2> {
        let h = leaky_relu(self.down1.forward(x), 0.2);
        leaky_relu(self.down2.forward(h), 0.2).flatten(1, 3)
    }

    /// The raw score `[B, 1]` of `features` (from [`Self::features`]) for classes `[B]`.
    pub fn score(&self, features: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2> {
        let [b, n] = features.dims();
        let class = self.class.forward(labels.reshape([b, 1])).reshape([b, n]);
        self.out.forward(features.clone()) + (features * class).sum_dim(1)
    }
}
