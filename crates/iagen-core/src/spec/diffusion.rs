//! The diffusion view's link fields.

use super::field::{ChoiceField, Field, FloatField, IntField, TextField};
use super::gpt::COPIES;
use super::image_risks::{LIMIT, QSEED, SKEW, SKEWPCT};
use super::training::{BATCH, LR, SEED, STEPS, TRAINED, TSEED};

pub static IDATA: ChoiceField = ChoiceField {
    key: "idata",
    options: &["mnist", "fashion"],
    default: "mnist",
    aliases: &[],
};
/// Before each family had its own table, `size` offered the GPT's `small` here too, and the
/// view trained `tiny` for it.
pub static SIZE: ChoiceField = ChoiceField {
    key: "size",
    options: &["nano", "tiny"],
    default: "nano",
    aliases: &[("small", "tiny")],
};
pub static SCHED: ChoiceField = ChoiceField {
    key: "sched",
    options: &["cosine", "linear"],
    default: "cosine",
    aliases: &[],
};
pub static TMAX: IntField = IntField {
    key: "tmax",
    min: 10,
    max: 1000,
    default: 1000,
};
pub static SAMPLER: ChoiceField = ChoiceField {
    key: "sampler",
    options: &["ddim", "ddpm"],
    default: "ddim",
    aliases: &[],
};
pub static DSTEPS: IntField = IntField {
    key: "dsteps",
    min: 1,
    max: 1000,
    default: 20,
};
pub static GUIDE: FloatField = FloatField {
    key: "guide",
    min: 0.0,
    max: 10.0,
    default: 3.0,
};
/// The word typed to choose a class; empty: none (the diffusion view: one sample of each class
/// in turn; the pixel GPT: a digit nobody asked for).
pub static CLASS: TextField = TextField {
    key: "class",
    max_chars: 40,
    default: "",
};
pub static COUNT: IntField = IntField {
    key: "count",
    min: 1,
    max: 36,
    default: 16,
};

pub static TABLE: &[Field] = &[
    Field::Choice(&IDATA),
    Field::Choice(&SIZE),
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
    Field::Choice(&SCHED),
    Field::Int(&TMAX),
    Field::Choice(&SAMPLER),
    Field::Int(&DSTEPS),
    Field::Float(&GUIDE),
    Field::Text(&CLASS),
    Field::Int(&COUNT),
];
