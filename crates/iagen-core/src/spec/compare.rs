//! The comparison view's link fields ("Cuatro familias, una tarea"): the digit asked of every
//! family (by word, as the diffusion view asks), how many samples each family draws for each
//! measure, the diffusion model's step count and the seed, so a link repeats the comparison.

use super::diffusion::{CLASS, DSTEPS};
use super::field::{Field, IntField};
use super::training::SEED;

/// Samples per family and measure (as many held-out digits are scored beside them); the digits
/// asked for are each digit as often.
pub static CMPN: IntField = IntField {
    key: "cmpn",
    min: 10,
    max: 500,
    default: 100,
};

pub static TABLE: &[Field] = &[
    Field::Text(&CLASS),
    Field::Int(&CMPN),
    Field::Int(&DSTEPS),
    Field::Int(&SEED),
];
