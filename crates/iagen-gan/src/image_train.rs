//! Training the image GAN: the DCGAN recipe (Adam at 2e-4 with β₁ = 0.5, batch 64, the
//! non-saturating loss), alternating one discriminator step and one generator step. A share of
//! the labels (a tenth unless set), real and generated, become "none" so the model also learns
//! to sample without a class. Optionally the class-free samples also match the mean of the
//! discriminator's features on real images (feature matching, Salimans et al. 2016), which
//! pulls their mix of classes towards the data's. Batches, labels and noise come from the
//! trainer's seeded generator.

use std::sync::Arc;

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use iagen_core::image_data::ImageSet;
use iagen_core::live::{LiveTraining, Losses};
use iagen_core::rng::Rng;

use crate::cost::round_flops;
use crate::dcgan::{ImageDiscriminator, ImageGan, ImageGanConfig, ImageGenerator};
use crate::loss::GanLoss;

/// Share of labels replaced by "none" while training, unless set otherwise.
pub const LABEL_DROP: f32 = 0.1;

pub struct ImageGanTraining {
    g: ImageGenerator,
    d: ImageDiscriminator,
    g_optim: ModuleOptimizer,
    d_optim: ModuleOptimizer,
    lr: f64,
    label_drop: f32,
    /// Weight of the class-free samples' feature-matching term (0: off).
    feature_matching: f32,
    classes: usize,
    noise: usize,
    images: Arc<ImageSet>,
    batch: usize,
    rng: Rng,
    steps: usize,
    device: Device,
}

/// `n` images (`n × 784` values in [-1, 1]) as `[n, 1, 28, 28]`.
fn images_tensor(pixels: &[f32], n: usize, device: &Device) -> Tensor<4> {
    Tensor::<1>::from_floats(pixels, device).reshape([n, 1, 28, 28])
}

fn labels_tensor(labels: &[i64], device: &Device) -> Tensor<1, Int> {
    Tensor::<1, Int>::from_ints(labels, device)
}

/// `n` noise vectors from `rng`, `[n, dims]`.
pub fn image_noise(rng: &mut Rng, n: usize, dims: usize, device: &Device) -> Tensor<2> {
    Tensor::<1>::from_floats(rng.normals(n * dims).as_slice(), device).reshape([n, dims])
}

impl ImageGanTraining {
    /// Fresh networks from `config` to train on `images` (all of them: a GAN has no held-out
    /// loss; shared, not copied) with batches of `batch` at rate `lr`, on `device`, which
    /// gains autodiff here.
    pub fn new(
        config: &ImageGanConfig,
        images: impl Into<Arc<ImageSet>>,
        batch: usize,
        lr: f64,
        device: &Device,
    ) -> Self {
        let device = device.clone().autodiff();
        let ImageGan { g, d } = config.init(&device);
        let adam = || AdamConfig::new().with_beta_1(0.5).init();
        Self {
            g: g.train(),
            d: d.train(),
            g_optim: adam(),
            d_optim: adam(),
            lr,
            label_drop: LABEL_DROP,
            feature_matching: 0.0,
            classes: config.classes,
            noise: config.noise,
            images: images.into(),
            batch,
            rng: Rng::new(config.seed ^ 0x1A6E_6A17),
            steps: 0,
            device,
        }
    }

    /// The share of labels replaced by "none" from now on.
    pub fn set_label_drop(&mut self, share: f32) {
        self.label_drop = share;
    }

    /// The weight of the class-free samples' feature-matching term from now on (0: off, the
    /// default; then a generator step draws nothing more from the generator of randomness).
    pub fn set_feature_matching(&mut self, weight: f32) {
        self.feature_matching = weight;
    }

    /// `label`, or "none" for the label-drop share of them.
    fn maybe_drop(&mut self, label: i64) -> i64 {
        if self.rng.next_f32() < self.label_drop {
            self.classes as i64
        } else {
            label
        }
    }

    /// Classes for generated images: uniform, the label-drop share "none".
    fn fake_labels(&mut self) -> Vec<i64> {
        (0..self.batch)
            .map(|_| {
                let c = self.rng.below(self.classes) as i64;
                self.maybe_drop(c)
            })
            .collect()
    }

    /// Operations of one round: one discriminator step and one generator step (`cost.rs`).
    pub fn round_flops(&self) -> f64 {
        round_flops(self.g.flops(self.batch), self.d.flops(self.batch), 1)
    }

    pub fn step_d(&mut self) -> Tensor<1> {
        let batch = self.images.random_batch(&mut self.rng, self.batch);
        let real_labels: Vec<i64> = batch.labels.iter().map(|&l| self.maybe_drop(l)).collect();
        let fake_labels = self.fake_labels();
        let z = image_noise(&mut self.rng, self.batch, self.noise, &self.device);
        let fake = self
            .g
            .forward(z, labels_tensor(&fake_labels, &self.device))
            .detach();
        let real = images_tensor(&batch.pixels, batch.len, &self.device);
        let loss = GanLoss::NonSaturating.d(
            self.d
                .forward(real, labels_tensor(&real_labels, &self.device)),
            self.d
                .forward(fake, labels_tensor(&fake_labels, &self.device)),
        );
        let grads = GradientsParams::from_grads(loss.backward(), &self.d);
        self.d = self.d_optim.step(self.lr, self.d.clone(), grads);
        loss.detach()
    }

    pub fn step_g(&mut self) -> Tensor<1> {
        let labels = self.fake_labels();
        let z = image_noise(&mut self.rng, self.batch, self.noise, &self.device);
        // The rows of the class-free fakes, for feature matching (none when it is off).
        let none = self.classes as i64;
        let free: Vec<i64> = if self.feature_matching > 0.0 {
            (0..labels.len() as i64)
                .filter(|&i| labels[i as usize] == none)
                .collect()
        } else {
            Vec::new()
        };
        let labels = labels_tensor(&labels, &self.device);
        let fake = self.d.features(self.g.forward(z, labels.clone()));
        let mut loss = GanLoss::NonSaturating.g(self.d.score(fake.clone(), labels));
        if !free.is_empty() {
            loss = loss + self.feature_gap(fake, &free) * self.feature_matching;
        }
        let grads = GradientsParams::from_grads(loss.backward(), &self.g);
        self.g = self.g_optim.step(self.lr, self.g.clone(), grads);
        loss.detach()
    }

    /// ‖mean features of real images − mean features of the class-free fakes (rows `free` of
    /// `fake`)‖², `[1]`: zero when the class-free samples' average matches the data's.
    fn feature_gap(&mut self, fake: Tensor<2>, free: &[i64]) -> Tensor<1> {
        let batch = self.images.random_batch(&mut self.rng, self.batch);
        let real = images_tensor(&batch.pixels, batch.len, &self.device);
        let real = self.d.features(real).detach().mean_dim(0);
        let fake = fake
            .select(0, Tensor::<1, Int>::from_ints(free, &self.device))
            .mean_dim(0);
        (fake - real).powi_scalar(2).sum()
    }
}

impl LiveTraining for ImageGanTraining {
    type Model = ImageGan;

    /// One round: a discriminator step, then a generator step.
    fn step(&mut self) -> Losses {
        let d = self.step_d();
        let g = self.step_g();
        self.steps += 1;
        vec![("d", d), ("g", g)]
    }

    fn steps(&self) -> usize {
        self.steps
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn model(&self) -> ImageGan {
        ImageGan {
            g: self.g.valid(),
            d: self.d.valid(),
        }
    }

    fn resume(&mut self, model: ImageGan, steps: usize) {
        self.g = model.g.to_device(&self.device).train();
        self.d = model.d.to_device(&self.device).train();
        self.steps = steps;
    }
}

/// Images from `model` for `labels` (a class each, or `None`), noise drawn with `seed`:
/// `[n, 1, 28, 28]` in [-1, 1].
pub fn generate_images(
    model: &ImageGenerator,
    labels: &[Option<usize>],
    seed: u64,
    device: &Device,
) -> Tensor<4> {
    let none = model.none_class() as i64;
    let labels: Vec<i64> = labels
        .iter()
        .map(|l| l.map_or(none, |c| c as i64))
        .collect();
    let z = image_noise(
        &mut Rng::new(seed),
        labels.len(),
        model.noise_dims(),
        device,
    );
    model.forward(z, labels_tensor(&labels, device))
}

/// The straight line between the noise of samples `a` and `b` of a batch drawn with `seed` (as
/// [`generate_images`] draws it, for any batch size), in `frames` images of class `label`:
/// `[frames, 1, 28, 28]`. A line, not a great circle: with 32 noise dimensions its middle is a
/// little closer to 0 than the ends, which this small generator does not mind.
pub fn interpolate_images(
    model: &ImageGenerator,
    label: Option<usize>,
    seed: u64,
    [a, b]: [usize; 2],
    frames: usize,
    device: &Device,
) -> Tensor<4> {
    let dims = model.noise_dims();
    let noise = Rng::new(seed).normals((a.max(b) + 1) * dims);
    let (za, zb) = (
        &noise[a * dims..(a + 1) * dims],
        &noise[b * dims..(b + 1) * dims],
    );
    let z: Vec<f32> = (0..frames)
        .flat_map(|f| {
            let t = f as f32 / (frames.max(2) - 1) as f32;
            za.iter().zip(zb).map(move |(x, y)| x + t * (y - x))
        })
        .collect();
    let label = label.unwrap_or(model.none_class()) as i64;
    model.forward(
        Tensor::<1>::from_floats(z.as_slice(), device).reshape([frames, dims]),
        labels_tensor(&vec![label; frames], device),
    )
}
