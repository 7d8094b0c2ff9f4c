//! The GAN view's link fields (the 2-D GAN: a target distribution and both networks' settings).
//! `steps` and `batch` mean what they mean elsewhere, with this view's own defaults and range.

use super::field::{ChoiceField, Field, FloatField, IntField};
use super::training::{TRAINED, TSEED};

pub static TARGET: ChoiceField = ChoiceField {
    key: "target",
    options: &["ring", "grid", "spiral", "moons", "line"],
    default: "ring",
    aliases: &[],
};
const fn layers(key: &'static str) -> IntField {
    IntField {
        key,
        min: 0,
        max: 4,
        default: 2,
    }
}
const fn width(key: &'static str) -> IntField {
    IntField {
        key,
        min: 2,
        max: 256,
        default: 64,
    }
}
const fn rate(key: &'static str) -> FloatField {
    FloatField {
        key,
        min: 1e-5,
        max: 0.5,
        default: 1e-3,
    }
}
const fn optimiser(key: &'static str) -> ChoiceField {
    ChoiceField {
        key,
        options: &["adam", "sgd"],
        default: "adam",
        aliases: &[],
    }
}
pub static GLAYERS: IntField = layers("glayers");
pub static GWIDTH: IntField = width("gwidth");
pub static DLAYERS: IntField = layers("dlayers");
pub static DWIDTH: IntField = width("dwidth");
pub static GLR: FloatField = rate("glr");
pub static DLR: FloatField = rate("dlr");
pub static GOPT: ChoiceField = optimiser("gopt");
pub static DOPT: ChoiceField = optimiser("dopt");
/// Dimensions of the generator's noise.
pub static NOISE: IntField = IntField {
    key: "noise",
    min: 1,
    max: 16,
    default: 2,
};
pub static LOSS: ChoiceField = ChoiceField {
    key: "loss",
    options: &["ns", "ls", "hinge"],
    default: "ns",
    aliases: &[],
};
/// Discriminator steps per generator step.
pub static DITERS: IntField = IntField {
    key: "diters",
    min: 1,
    max: 10,
    default: 1,
};
/// Rounds to train (each: the discriminator's steps, then the generator's).
pub static STEPS: IntField = IntField {
    key: "steps",
    min: 1,
    max: 100_000,
    default: 1500,
};
pub static BATCH: IntField = IntField {
    key: "batch",
    min: 1,
    max: 512,
    default: 128,
};

pub static TABLE: &[Field] = &[
    Field::Choice(&TARGET),
    Field::Int(&GLAYERS),
    Field::Int(&GWIDTH),
    Field::Int(&DLAYERS),
    Field::Int(&DWIDTH),
    Field::Int(&NOISE),
    Field::Choice(&LOSS),
    Field::Choice(&GOPT),
    Field::Choice(&DOPT),
    Field::Float(&GLR),
    Field::Float(&DLR),
    Field::Int(&DITERS),
    Field::Int(&BATCH),
    Field::Int(&STEPS),
    Field::Int(&TRAINED),
    Field::Int(&TSEED),
];
