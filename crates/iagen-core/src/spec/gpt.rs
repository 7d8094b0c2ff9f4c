//! The GPT view's link fields.

use super::field::{ChoiceField, Field, FloatField, IntField, TextField};
use super::training::{BATCH, LR, SEED, STEPS, TRAINED, TSEED};

pub static DATA: ChoiceField = ChoiceField {
    key: "data",
    options: &[
        "frases",
        "refranes",
        "shakespeare",
        "palabras",
        "musica",
        "moleculas",
        "custom",
    ],
    default: "frases",
    aliases: &[],
};
/// The student's own text (`data=custom`).
pub static TEXT: TextField = TextField {
    key: "text",
    max_chars: 4000,
    default: "",
};
pub static SIZE: ChoiceField = ChoiceField {
    key: "size",
    options: &["nano", "tiny", "small"],
    default: "nano",
    aliases: &[],
};
pub static CTX: IntField = IntField {
    key: "ctx",
    min: 8,
    max: 256,
    default: 64,
};
/// Train on the first this many lines only (0: all of the text), to watch a model memorise.
pub static LINES: IntField = IntField {
    key: "lines",
    min: 0,
    max: 100_000,
    default: 0,
};
/// ¿Copia o inventa?: whether generated text is checked against the training text (1) and
/// the shortest run, in characters, that counts as copied.
pub static COPIES: IntField = IntField {
    key: "copies",
    min: 0,
    max: 1,
    default: 0,
};
pub static COPYMIN: IntField = IntField {
    key: "copymin",
    min: 4,
    max: 200,
    default: 12,
};
/// The bias experiment's words, separated by commas.
pub static BWORDS: TextField = TextField {
    key: "bwords",
    max_chars: 200,
    default: "mujer, hombre, rey, reina",
};
pub static PROMPT: TextField = TextField {
    key: "prompt",
    max_chars: 200,
    default: "",
};
pub static TEMP: FloatField = FloatField {
    key: "temp",
    min: 0.0,
    max: 2.0,
    default: 0.8,
};
pub static TOPK: IntField = IntField {
    key: "topk",
    min: 0,
    max: 256,
    default: 0,
};
pub static TOPP: FloatField = FloatField {
    key: "topp",
    min: 0.01,
    max: 1.0,
    default: 1.0,
};
pub static LEN: IntField = IntField {
    key: "len",
    min: 1,
    max: 2000,
    default: 300,
};

pub static TABLE: &[Field] = &[
    Field::Choice(&DATA),
    Field::Text(&TEXT),
    Field::Choice(&SIZE),
    Field::Float(&LR),
    Field::Int(&BATCH),
    Field::Int(&CTX),
    Field::Int(&LINES),
    Field::Int(&STEPS),
    Field::Int(&TRAINED),
    Field::Int(&TSEED),
    Field::Int(&SEED),
    Field::Text(&PROMPT),
    Field::Float(&TEMP),
    Field::Int(&TOPK),
    Field::Float(&TOPP),
    Field::Int(&LEN),
    Field::Int(&COPIES),
    Field::Int(&COPYMIN),
    Field::Text(&BWORDS),
];
