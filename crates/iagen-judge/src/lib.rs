//! The independent judge: a small convolutional classifier (LeNet-style, LeCun et al. 1998)
//! trained natively on the real images of each data set and never on generated ones. It
//! scores what the generative models draw: "of the 7s asked for, how many look like a 7?".

use burn::grad_clipping::GradientClippingConfig;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig, PaddingConfig2d};
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::activation::{log_softmax, relu};
use iagen_core::burnpack::{self, Precision};
use iagen_core::image_data::ImageBatch;

#[derive(Config, Debug, PartialEq)]
pub struct JudgeConfig {
    #[config(default = 10)]
    pub classes: usize,
    #[config(default = 0.25)]
    pub dropout: f64,
    #[config(default = 7)]
    pub seed: u64,
}

#[derive(Module, Debug)]
pub struct Judge {
    conv_1: Conv2d,
    conv_2: Conv2d,
    pool: MaxPool2d,
    hidden: Linear,
    dropout: Dropout,
    out: Linear,
}

fn conv(channels: [usize; 2], device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [3, 3])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

impl JudgeConfig {
    pub fn init(&self, device: &Device) -> Judge {
        device.seed(self.seed);
        Judge {
            conv_1: conv([1, 16], device),
            conv_2: conv([16, 32], device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            hidden: LinearConfig::new(32 * 7 * 7, 64).init(device),
            dropout: DropoutConfig::new(self.dropout).init(),
            out: LinearConfig::new(64, self.classes).init(device),
        }
    }
}

impl Judge {
    /// Class log-probabilities of images `[B, 1, 28, 28]` (pixels in [-1, 1]) → `[B, classes]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let h = self.dropout.forward(self.features(images));
        log_softmax(self.out.forward(h), 1) // [B, classes]
    }

    /// The features the judge classifies from, `[B, 64]`: what a Fréchet distance compares
    /// (the FID recipe, with this judge in place of Inception).
    pub fn features(&self, images: Tensor<4>) -> Tensor<2> {
        let h = self.pool.forward(relu(self.conv_1.forward(images))); // [B, 16, 14, 14]
        let h = self.pool.forward(relu(self.conv_2.forward(h))); // [B, 32, 7, 7]
        let h: Tensor<2> = h.flatten(1, 3); // [B, 1568]
        relu(self.hidden.forward(h)) // [B, 64]
    }

    /// How sure the judge is of each image's most likely class: its probability, `[B]`.
    pub fn confidence(&self, images: Tensor<4>) -> Tensor<1> {
        let [b, _, _, _] = images.dims();
        self.forward(images).max_dim(1).exp().reshape([b])
    }

    /// The most likely class of each image, `[B]`.
    pub fn classify(&self, images: Tensor<4>) -> Tensor<1, Int> {
        let [b, _, _, _] = images.dims();
        self.forward(images).argmax(1).reshape([b])
    }
}

fn batch_tensors(batch: &ImageBatch, device: &Device) -> (Tensor<4>, Tensor<1, Int>) {
    let images =
        Tensor::<1>::from_floats(batch.pixels.as_slice(), device).reshape([batch.len, 1, 28, 28]);
    let labels = Tensor::<1, Int>::from_ints(batch.labels.as_slice(), device);
    (images, labels)
}

/// One AdamW step per call on cross-entropy; the host draws the batches.
pub struct JudgeTrainer {
    model: Judge,
    optim: ModuleOptimizer,
    lr: f64,
    device: Device,
}

impl JudgeTrainer {
    pub fn new(config: &JudgeConfig, lr: f64, device: &Device) -> Self {
        let device = device.clone().autodiff();
        Self {
            model: config.init(&device).train(),
            optim: AdamWConfig::new()
                .with_grad_clipping(Some(GradientClippingConfig::Norm(1.0)))
                .init(),
            lr,
            device,
        }
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// One step; returns the batch's mean cross-entropy, `[1]`.
    pub fn step(&mut self, batch: &ImageBatch) -> Tensor<1> {
        let (images, labels) = batch_tensors(batch, &self.device);
        let [b] = labels.dims();
        let log_probs = self.model.forward(images); // [B, classes]
        let loss = -log_probs.gather(1, labels.reshape([b, 1])).mean(); // [1]
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optim.step(self.lr, self.model.clone(), grads);
        loss.detach()
    }

    pub fn model(&self) -> Judge {
        self.model.valid()
    }
}

/// How many images in `batch` the judge labels as their own label, `[1]`.
pub fn count_correct(judge: &Judge, batch: &ImageBatch, device: &Device) -> Tensor<1, Int> {
    let (images, labels) = batch_tensors(batch, device);
    judge.classify(images).equal(labels).int().sum()
}

#[derive(Config, Debug)]
pub struct JudgeManifest {
    pub config: JudgeConfig,
    /// Data set name (`mnist` or `fashion`).
    pub data: String,
    pub steps: usize,
    /// Accuracy on the held-out tenth, as measured when it was trained.
    pub held_out_accuracy: f32,
}

pub fn save_judge(model: &Judge) -> Result<Vec<u8>, String> {
    burnpack::to_bytes(model, Precision::Full)
}

pub fn load_judge(config: &JudgeConfig, bytes: Vec<u8>, device: &Device) -> Result<Judge, String> {
    burnpack::load_bytes(config.init(device), bytes)
}
