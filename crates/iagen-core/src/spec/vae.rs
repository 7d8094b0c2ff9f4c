//! The VAE view's link fields. The data set is the diffusion view's `idata` (the same images).

use super::diffusion::IDATA;
use super::field::{Field, FloatField, IntField};
use super::gpt::COPIES;
use super::image_risks::{LIMIT, QSEED, SKEW, SKEWPCT};
use super::training::{BATCH, LR, SEED, STEPS, TRAINED, TSEED};

/// Size of the latent space (2: the map; above 2 the map shows the first two dimensions).
pub static LATENT: IntField = IntField {
    key: "latent",
    min: 2,
    max: 16,
    default: 2,
};
/// Weight of the KL term (β-VAE; 1 is the plain ELBO). Up to 50 so that posterior collapse
/// can be shown: with latent 2 on digits both dimensions still carry information at β = 4.
pub static BETA: FloatField = FloatField {
    key: "beta",
    min: 0.0,
    max: 50.0,
    default: 1.0,
};
/// The held-out image encoded, reconstructed and interpolated from.
pub static PICK: IntField = IntField {
    key: "pick",
    min: 0,
    max: 1999,
    default: 0,
};
/// The held-out image the interpolation walks to.
pub static TO: IntField = IntField {
    key: "to",
    min: 0,
    max: 1999,
    default: 1,
};

pub static TABLE: &[Field] = &[
    Field::Choice(&IDATA),
    Field::Int(&LATENT),
    Field::Float(&BETA),
    Field::Float(&LR),
    Field::Int(&BATCH),
    Field::Int(&STEPS),
    Field::Int(&TRAINED),
    Field::Int(&TSEED),
    Field::Int(&LIMIT),
    Field::Int(&SKEW),
    Field::Int(&SKEWPCT),
    Field::Int(&COPIES),
    Field::Int(&QSEED),
    Field::Int(&SEED),
    Field::Int(&PICK),
    Field::Int(&TO),
];
