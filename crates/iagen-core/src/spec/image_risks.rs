//! The keys of the image families' risk experiments: their training data
//! (`iagen_core::image_mix`: how many training images a run may use, and the class skewed on
//! purpose with its share) and the real-or-generated quiz's seed. The diffusion, VAE and image
//! GAN tables hold them, with the same meaning.

use super::field::IntField;

/// Train on the first this many training images only (0: all), to watch a model copy them.
pub static LIMIT: IntField = IntField {
    key: "limit",
    min: 0,
    max: 20_000,
    default: 0,
};
/// The class whose share of the training images is set (−1: the data set as it is).
pub static SKEW: IntField = IntField {
    key: "skew",
    min: -1,
    max: 9,
    default: -1,
};
/// That class's share of the training images, in percent (0: the class removed).
pub static SKEWPCT: IntField = IntField {
    key: "skewpct",
    min: 0,
    max: 100,
    default: 70,
};
/// Draws the quiz's real images, its generated ones and their order.
pub static QSEED: IntField = IntField {
    key: "qseed",
    min: 0,
    max: u32::MAX as i64,
    default: 1,
};
