//! The image GAN view's link fields: the data set (the diffusion view's `idata`: the same
//! images), the sample grid (its seed and the word asked for), the two
//! samples an interpolation joins, and the live run (fine-tuned from the shipped networks or
//! fresh). `lr`, `batch` and `steps` mean what they mean elsewhere, with this view's defaults.

use super::diffusion::{CLASS, IDATA};
use super::field::{ChoiceField, Field, FloatField, IntField};
use super::gpt::COPIES;
use super::image_risks::{LIMIT, QSEED, SKEW, SKEWPCT};
use super::training::{SEED, TRAINED, TSEED};

/// Samples in the grid: the interpolation's ends are numbered in it.
pub const GRID: i64 = 64;

const fn sample(key: &'static str, default: i64) -> IntField {
    IntField {
        key,
        min: 0,
        max: GRID - 1,
        default,
    }
}
/// The sample of the grid the interpolation starts from, and the one it walks to.
pub static FROM: IntField = sample("ia", 0);
pub static TO: IntField = sample("ib", 1);

/// Where a live run starts: the shipped networks (fine-tuning) or fresh weights.
pub static START: ChoiceField = ChoiceField {
    key: "gstart",
    options: &["shipped", "fresh"],
    default: "shipped",
    aliases: &[],
};
/// The DCGAN recipe's rate (Radford et al. 2016).
pub static LR: FloatField = FloatField {
    key: "lr",
    min: 1e-5,
    max: 0.01,
    default: 2e-4,
};
/// A convolutional round costs far more than a text step: fewer, smaller batches.
pub static STEPS: IntField = IntField {
    key: "steps",
    min: 1,
    max: 20_000,
    default: 200,
};
pub static BATCH: IntField = IntField {
    key: "batch",
    min: 2,
    max: 128,
    default: 32,
};

pub static TABLE: &[Field] = &[
    Field::Choice(&IDATA),
    Field::Int(&SEED),
    Field::Text(&CLASS),
    Field::Int(&FROM),
    Field::Int(&TO),
    Field::Choice(&START),
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
];
