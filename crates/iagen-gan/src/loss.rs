//! The three adversarial losses, from the discriminator's raw outputs (logits) on real and on
//! generated points, each a mean over the batch.

use burn::prelude::*;
use burn::tensor::activation::{relu, sigmoid};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GanLoss {
    /// Binary cross-entropy for D; G maximises log D(G(z)) (Goodfellow et al. 2014: the
    /// non-saturating form, strong gradients while D wins).
    NonSaturating,
    /// Least squares (Mao et al. 2017): D pushes real outputs to 1 and fakes to 0.
    LeastSquares,
    /// Hinge (Lim & Ye 2017; Miyato et al. 2018).
    Hinge,
}

/// log(1 + eˣ), in the form that cannot overflow.
fn softplus(x: Tensor<2>) -> Tensor<2> {
    relu(x.clone()) + x.abs().neg().exp().log1p()
}

impl GanLoss {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ns" => Some(GanLoss::NonSaturating),
            "ls" => Some(GanLoss::LeastSquares),
            "hinge" => Some(GanLoss::Hinge),
            _ => None,
        }
    }

    /// The discriminator's loss from its outputs on real and on generated points (`[B, 1]`).
    pub fn d(self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        match self {
            GanLoss::NonSaturating => softplus(real.neg()).mean() + softplus(fake).mean(),
            GanLoss::LeastSquares => {
                ((real - 1.0).powi_scalar(2).mean() + fake.powi_scalar(2).mean()) * 0.5
            }
            GanLoss::Hinge => relu(real.neg() + 1.0).mean() + relu(fake + 1.0).mean(),
        }
    }

    /// The generator's loss from the discriminator's outputs on its points.
    pub fn g(self, fake: Tensor<2>) -> Tensor<1> {
        match self {
            GanLoss::NonSaturating => softplus(fake.neg()).mean(),
            GanLoss::LeastSquares => (fake - 1.0).powi_scalar(2).mean() * 0.5,
            GanLoss::Hinge => fake.mean().neg(),
        }
    }

    /// How real the discriminator finds each point, in [0, 1]: the probability for the
    /// cross-entropy loss; the other losses' outputs, mapped from their targets (0 and 1 for
    /// least squares, −1 and 1 for hinge) and clipped.
    pub fn verdict(self, out: Tensor<2>) -> Tensor<2> {
        match self {
            GanLoss::NonSaturating => sigmoid(out),
            GanLoss::LeastSquares => out.clamp(0.0, 1.0),
            GanLoss::Hinge => ((out + 1.0) * 0.5).clamp(0.0, 1.0),
        }
    }
}
