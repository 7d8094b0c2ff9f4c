//! The pixel GPT view's link fields: the digit asked for (by word, as the diffusion view asks),
//! the sampling temperature and the seed, so a link writes the same digit pixel by pixel.

use super::diffusion::CLASS;
use super::field::Field;
use super::gpt::TEMP;
use super::training::SEED;

pub static TABLE: &[Field] = &[Field::Text(&CLASS), Field::Float(&TEMP), Field::Int(&SEED)];
