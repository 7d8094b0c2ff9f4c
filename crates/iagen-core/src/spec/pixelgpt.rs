//! The pixel GPT view's link fields: the digit asked for (by word, as the diffusion view asks),
//! the guidance towards it, the sampling temperature and the seed, so a link writes the same
//! digit pixel by pixel.

use super::diffusion::CLASS;
use super::field::{Field, FloatField};
use super::gpt::TEMP;
use super::training::SEED;

/// Guidance towards the digit asked for (`iagen_core::sampling::guided`); 2 as `iagen-cli
/// sample pixelgpt` draws by default (the judge names the digit asked for in ~97 % of them).
pub static GUIDE: FloatField = FloatField {
    key: "guide",
    min: 0.0,
    max: 10.0,
    default: 2.0,
};

pub static TABLE: &[Field] = &[
    Field::Text(&CLASS),
    Field::Float(&GUIDE),
    Field::Float(&TEMP),
    Field::Int(&SEED),
];
