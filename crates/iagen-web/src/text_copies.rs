//! What a text model's training text says about its writing: ¿Copia o inventa? (the text,
//! indexed once, and the verbs that find the runs of a generated text copied from it and show
//! where they come from) and the bias experiment (`word_rates`: `{words, text}` → how often
//! each word occurs per 10 000 characters of the training text and of `text`). The verbs:
//! `has_corpus`, `set_corpus` (a text file's bytes: shipped weights get the file named in their
//! manifest), `index_corpus` (builds the suffix array; resolves to the corpus's length),
//! `copies` (`{text, min}` → the runs of at least `min` characters, the share of characters
//! inside them and the longest run, and the same for as much held-out text: what a new text
//! from the same source copies by coincidence) and `passage` (`{at, len}` → the corpus around
//! a run).

use iagen_core::copy_finder::{CorpusIndex, Passage};
use iagen_core::text_data::training_head;
use iagen_core::text_stats::word_rates;
use iagen_gpt::VAL_FRACTION;
use js_sys::Promise;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{js_err, serde_wasm};
use crate::read;

/// Characters of corpus shown on each side of a copied run.
const AROUND: usize = 80;

/// A text model's training text: a live run keeps the head of the text it trains on; shipped
/// weights have none until `set_corpus`.
#[derive(Default)]
pub struct Corpus {
    text: Option<String>,
    /// The held-out tail, which the model never saw.
    held_out: String,
    index: Option<CorpusIndex>,
}

#[derive(Deserialize)]
struct CopiesArgs {
    text: String,
    min: usize,
}

#[derive(Deserialize)]
struct PassageArgs {
    at: usize,
    len: usize,
}

#[derive(Deserialize)]
struct WordRatesArgs {
    words: Vec<String>,
    text: String,
}

#[derive(Serialize)]
struct WordRatesOut {
    training: Vec<f64>,
    generated: Vec<f64>,
}

#[derive(Serialize)]
struct CopiesOut {
    /// `[start, len, at]`: characters into the text, characters long, bytes into the corpus.
    runs: Vec<[usize; 3]>,
    share: f32,
    longest: usize,
    /// The share and longest run of as many held-out characters (fewer if the tail is shorter).
    held_out: HeldOut,
}

#[derive(Serialize)]
struct HeldOut {
    chars: usize,
    share: f32,
    longest: usize,
}

#[derive(Serialize)]
struct PassageOut {
    before: String,
    copied: String,
    after: String,
    /// Where the run starts in the corpus, and the corpus's length, in characters.
    offset: usize,
    total: usize,
}

impl Corpus {
    /// The part of `text` a run trains on (its held-out tail left out).
    pub fn training_on(text: &str) -> Self {
        let head = training_head(text, VAL_FRACTION);
        Self {
            text: Some(head.to_string()),
            held_out: text[head.len()..].to_string(),
            index: None,
        }
    }

    /// The training text, indexed or not.
    fn text(&self) -> Result<&str, JsError> {
        match (&self.text, &self.index) {
            (Some(text), _) => Ok(text),
            (None, Some(index)) => Ok(index.text()),
            (None, None) => Err(js_err("set the corpus first")),
        }
    }

    fn index(&self) -> Result<&CorpusIndex, JsError> {
        self.index
            .as_ref()
            .ok_or_else(|| js_err("index the corpus first"))
    }

    /// Runs verb `name` if it is one of these; `None` otherwise.
    pub fn verb(
        &mut self,
        name: &str,
        args: &JsValue,
        bytes: Option<Vec<u8>>,
    ) -> Option<Result<Promise, JsError>> {
        let done = |value: JsValue| Ok(Promise::resolve(&value));
        Some(match name {
            "has_corpus" => done(JsValue::from_bool(
                self.text.is_some() || self.index.is_some(),
            )),
            "set_corpus" => (|| {
                let bytes = bytes.ok_or_else(|| js_err("set_corpus needs the text's bytes"))?;
                let text = String::from_utf8(bytes).map_err(|_| js_err("the text is not UTF-8"))?;
                *self = Self::training_on(&text);
                done(JsValue::UNDEFINED)
            })(),
            "index_corpus" => (|| {
                if let Some(text) = self.text.take() {
                    self.index = Some(CorpusIndex::new(text));
                }
                done(JsValue::from_f64(self.index()?.chars() as f64))
            })(),
            "copies" => (|| {
                let args: CopiesArgs = read::args(args)?;
                let min = args.min.max(1);
                let index = self.index()?;
                let found = index.copies(&args.text, min);
                let held: String = self
                    .held_out
                    .chars()
                    .take(args.text.chars().count())
                    .collect();
                let coincidence = index.copies(&held, min);
                done(serde_wasm(&CopiesOut {
                    runs: found.runs.iter().map(|r| [r.start, r.len, r.at]).collect(),
                    share: found.share,
                    longest: found.longest,
                    held_out: HeldOut {
                        chars: held.chars().count(),
                        share: coincidence.share,
                        longest: coincidence.longest,
                    },
                }))
            })(),
            "word_rates" => (|| {
                let args: WordRatesArgs = read::args(args)?;
                done(serde_wasm(&WordRatesOut {
                    training: word_rates(self.text()?, &args.words),
                    generated: word_rates(&args.text, &args.words),
                }))
            })(),
            "passage" => (|| {
                let args: PassageArgs = read::args(args)?;
                let index = self.index()?;
                let Passage {
                    before,
                    copied,
                    after,
                    char_offset,
                } = index
                    .passage(args.at, args.len, AROUND)
                    .ok_or_else(|| js_err("no such run in the corpus"))?;
                done(serde_wasm(&PassageOut {
                    before,
                    copied,
                    after,
                    offset: char_offset,
                    total: index.chars(),
                }))
            })(),
            _ => return None,
        })
    }
}
