//! The training loop, by hand: encode, draw ε from the trainer's seeded generator, decode, and
//! take one AdamW step on reconstruction + β·KL (the negative ELBO when β = 1).

use burn::grad_clipping::GradientClippingConfig;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::activation::relu;
use iagen_core::image_data::ImageBatch;
use iagen_core::rng::Rng;

use crate::config::VaeConfig;
use crate::model::{Vae, image_rows, standard_normals};

/// The two halves of the loss, each a `[1]` tensor in nats per image (means over the batch).
pub struct VaeLosses {
    /// −log p(x | z): binary cross-entropy summed over the pixels.
    pub recon: Tensor<1>,
    /// KL(q(z | x) ‖ N(0, I)), in closed form for a diagonal Gaussian.
    pub kl: Tensor<1>,
}

/// The losses of images `x` (`[B, 784]` in [0, 1]) with the noise `eps` (`[B, latent]`).
pub fn vae_losses(model: &Vae, x: Tensor<2>, eps: Tensor<2>) -> VaeLosses {
    let (mean, log_var) = model.encode(x.clone());
    let logits = model.decode_logits(Vae::reparameterise(mean.clone(), log_var.clone(), eps));
    // Binary cross-entropy from logits, in the form that cannot overflow:
    // max(l, 0) − l·x + log(1 + e^−|l|).
    let bce = relu(logits.clone()) - logits.clone() * x + logits.abs().neg().exp().log1p();
    VaeLosses {
        recon: bce.sum_dim(1).mean(),
        kl: gaussian_kl(mean, log_var).sum_dim(1).mean(),
    }
}

/// KL(N(μ, σ²) ‖ N(0, 1)) per dimension, in closed form: (μ² + σ² − log σ² − 1) / 2.
pub fn gaussian_kl(mean: Tensor<2>, log_var: Tensor<2>) -> Tensor<2> {
    (mean.powi_scalar(2) + log_var.clone().exp() - log_var - 1.0) * 0.5
}

pub struct VaeTrainer {
    model: Vae,
    optim: ModuleOptimizer,
    beta: f64,
    rng: Rng,
    val_rng: Rng,
    lr: f64,
    steps: usize,
    device: Device,
}

impl VaeTrainer {
    /// A fresh model from `config` (seeded) on `device`, which gains autodiff here.
    pub fn new(config: &VaeConfig, lr: f64, device: &Device) -> Self {
        let device = device.clone().autodiff();
        Self {
            model: config.init(&device).train(),
            optim: AdamWConfig::new()
                .with_weight_decay(0.0)
                .with_grad_clipping(Some(GradientClippingConfig::Norm(5.0)))
                .init(),
            beta: config.beta,
            rng: Rng::new(config.seed ^ 0x5EED_0FAE),
            val_rng: Rng::new(config.seed ^ 0x0A11_DA7E),
            lr,
            steps: 0,
            device,
        }
    }

    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Go on from `model` (saved weights) instead of fresh ones, `steps` already taken; the
    /// optimiser's moments start afresh.
    pub fn resume(&mut self, model: Vae, steps: usize) {
        self.model = model.to_device(&self.device).train();
        self.steps = steps;
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// The trainer's generator, for the host to draw batches from, so one seed decides the run.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// One step on `batch`; returns its (reconstruction, KL) before the update.
    pub fn step(&mut self, batch: &ImageBatch) -> VaeLosses {
        let x = image_rows(&batch.pixels, batch.len, &self.device);
        let eps = standard_normals(&mut self.rng, batch.len, self.model.latent(), &self.device);
        let losses = vae_losses(&self.model, x, eps);
        let loss = losses.recon.clone() + losses.kl.clone() * self.beta;
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optim.step(self.lr, self.model.clone(), grads);
        self.steps += 1;
        VaeLosses {
            recon: losses.recon.detach(),
            kl: losses.kl.detach(),
        }
    }

    /// The losses of `batch` under the current model, without learning (its ε from a
    /// generator of its own, so validating does not change the training run).
    pub fn evaluate(&mut self, batch: &ImageBatch) -> VaeLosses {
        let model = self.model();
        let device = model.devices()[0].clone();
        let x = image_rows(&batch.pixels, batch.len, &device);
        let eps = standard_normals(&mut self.val_rng, batch.len, model.latent(), &device);
        vae_losses(&model, x, eps)
    }

    /// The model without autodiff, for encoding, decoding and saving.
    pub fn model(&self) -> Vae {
        self.model.valid()
    }
}
