//! The keys every live-trainable family shares: the training settings, the trained steps a
//! link replays, and the two seeds.

use super::field::{FloatField, IntField};

pub static LR: FloatField = FloatField {
    key: "lr",
    min: 1e-5,
    max: 0.1,
    default: 3e-3,
};
pub static BATCH: IntField = IntField {
    key: "batch",
    min: 1,
    max: 128,
    default: 16,
};
pub static STEPS: IntField = IntField {
    key: "steps",
    min: 1,
    max: 100_000,
    default: 300,
};
/// Steps trained when the link was made: opening it trains them again.
pub static TRAINED: IntField = IntField {
    key: "trained",
    min: 0,
    max: 100_000,
    default: 0,
};
/// Seeds training (initial weights and batch order).
pub static TSEED: IntField = IntField {
    key: "tseed",
    min: 0,
    max: u32::MAX as i64,
    default: 42,
};
/// Seeds sampling (generation).
pub static SEED: IntField = IntField {
    key: "seed",
    min: 0,
    max: u32::MAX as i64,
    default: 42,
};
