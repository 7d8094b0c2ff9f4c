//! The forward (noising) process and one reverse step, apart from any network.
//!
//! q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I) with ᾱ_t = Π_{s≤t} (1 − β_s). Steps are indexed
//! 0..T, so `t = T − 1` is the noisiest and ᾱ_{−1} = 1 (clean). A reverse step from t to an
//! earlier t' is DDIM's update (Song et al. 2021, eq. 12): η = 0 is deterministic, η = 1 with
//! t' = t − 1 is DDPM's ancestral step with variance β̃_t.

use burn::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleKind {
    /// β from 1e-4 to 0.02 (scaled by 1000 / T so any T spans the same noise).
    Linear,
    /// ᾱ_t = cos²((t/T + s)/(1 + s) · π/2), s = 0.008: less time wasted near pure noise.
    Cosine,
}

impl ScheduleKind {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "linear" => Some(Self::Linear),
            "cosine" => Some(Self::Cosine),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NoiseSchedule {
    pub betas: Vec<f64>,
    pub alphas_cumprod: Vec<f64>,
}

impl NoiseSchedule {
    pub fn new(kind: ScheduleKind, timesteps: usize) -> Self {
        let t_max = timesteps as f64;
        let betas: Vec<f64> = match kind {
            ScheduleKind::Linear => {
                let scale = 1000.0 / t_max;
                let (start, end) = (1e-4 * scale, 0.02 * scale);
                (0..timesteps)
                    .map(|t| start + (end - start) * t as f64 / (t_max - 1.0).max(1.0))
                    .collect()
            }
            ScheduleKind::Cosine => {
                let f = |t: f64| {
                    ((t / t_max + 0.008) / 1.008 * std::f64::consts::FRAC_PI_2)
                        .cos()
                        .powi(2)
                };
                (0..timesteps)
                    .map(|t| (1.0 - f(t as f64 + 1.0) / f(t as f64)).min(0.999))
                    .collect()
            }
        };
        let alphas_cumprod = betas
            .iter()
            .scan(1.0, |acc, b| {
                *acc *= 1.0 - b;
                Some(*acc)
            })
            .collect();
        Self {
            betas,
            alphas_cumprod,
        }
    }

    pub fn len(&self) -> usize {
        self.betas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.betas.is_empty()
    }

    /// ᾱ at step `t`, with `None` (before the first step) meaning 1.
    pub fn alpha_bar(&self, t: Option<usize>) -> f64 {
        t.map_or(1.0, |t| self.alphas_cumprod[t])
    }

    /// Signal-to-noise ratio ᾱ_t / (1 − ᾱ_t).
    pub fn snr(&self, t: usize) -> f64 {
        let a = self.alphas_cumprod[t];
        a / (1.0 - a)
    }

    /// `k` steps evenly spread over 0..T, noisiest first and starting at T − 1 (DDIM's
    /// sub-sequence, "trailing" spacing); `k = T` gives every step.
    pub fn timesteps(&self, k: usize) -> Vec<usize> {
        let (t_max, k) = (self.len(), k.clamp(1, self.len()));
        (0..k).map(|i| t_max - (i * t_max) / k - 1).collect()
    }

    /// x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε for a per-sample `t`. `x0`, `noise`: `[B, C, H, W]`.
    pub fn add_noise(&self, x0: Tensor<4>, noise: Tensor<4>, t: &[usize]) -> Tensor<4> {
        let device = x0.device();
        let coef = |f: &dyn Fn(f64) -> f64| {
            let v: Vec<f32> = t
                .iter()
                .map(|&t| f(self.alphas_cumprod[t]) as f32)
                .collect();
            Tensor::<1>::from_floats(v.as_slice(), &device).reshape([t.len(), 1, 1, 1]) // [B, 1, 1, 1]
        };
        x0 * coef(&|a| a.sqrt()) + noise * coef(&|a| (1.0 - a).sqrt()) // [B, C, H, W]
    }

    /// The clean image implied by x_t and the predicted noise, clipped to the data range:
    /// x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t.
    pub fn predict_x0(&self, x_t: Tensor<4>, eps: Tensor<4>, t: usize) -> Tensor<4> {
        let a = self.alphas_cumprod[t];
        ((x_t - eps * (1.0 - a).sqrt()) / a.sqrt()).clamp(-1.0, 1.0)
    }

    /// One reverse step from `t` to `t_prev` (`None`: to the clean image), given the predicted
    /// clean image `x0` (from [`predict_x0`](Self::predict_x0)) and fresh `noise`, unused when
    /// η = 0. Returns x_{t'}.
    pub fn step(
        &self,
        x_t: Tensor<4>,
        x0: Tensor<4>,
        t: usize,
        t_prev: Option<usize>,
        eta: f64,
        noise: Tensor<4>,
    ) -> Tensor<4> {
        let (a, a_prev) = (self.alphas_cumprod[t], self.alpha_bar(t_prev));
        // The noise direction consistent with the (clipped) x̂_0.
        let eps = (x_t - x0.clone() * a.sqrt()) / (1.0 - a).sqrt(); // [B, C, H, W]
        let sigma = eta * ((1.0 - a_prev) / (1.0 - a)).sqrt() * (1.0 - a / a_prev).sqrt();
        let direction = (1.0 - a_prev - sigma * sigma).max(0.0).sqrt();
        let mean = x0 * a_prev.sqrt() + eps * direction;
        if sigma > 0.0 {
            mean + noise * sigma
        } else {
            mean
        }
    }
}
