//! Weights as burnpack bytes (so the page can load a fetched file and users can export and
//! import), with a small JSON manifest: the config, the vocabulary and where it came from.

use burn::prelude::*;
use iagen_core::burnpack::{self, Precision};
use iagen_core::tokenizer::CharTokenizer;

use crate::config::GptConfig;
use crate::model::Gpt;

#[derive(Config, Debug)]
pub struct GptManifest {
    pub config: GptConfig,
    /// The tokenizer's characters in id order.
    pub vocab: String,
    /// Data set name (`refranes`, `shakespeare`, ...).
    pub data: String,
    /// Optimizer steps trained.
    pub steps: usize,
    /// Held-out loss in nats per character, as measured by `iagen-cli eval`.
    pub val_loss: f32,
}

impl GptManifest {
    /// The tokenizer of the vocabulary, if it has one character per row of the weights' embedding
    /// (a manifest that disagrees would make the model emit ids the tokenizer cannot spell).
    pub fn tokenizer(&self) -> Result<CharTokenizer, String> {
        let tokenizer = CharTokenizer::from_vocab(&self.vocab);
        if tokenizer.vocab_size() == self.config.vocab_size {
            Ok(tokenizer)
        } else {
            Err(format!(
                "the manifest's vocabulary has {} characters but the model has {}",
                tokenizer.vocab_size(),
                self.config.vocab_size
            ))
        }
    }
}

/// The model's weights as burnpack bytes, each float at `precision`.
pub fn save_gpt(model: &Gpt, precision: Precision) -> Result<Vec<u8>, String> {
    burnpack::to_bytes(model, precision)
}

/// A model of `config` on `device` with the weights in `bytes`.
pub fn load_gpt(config: &GptConfig, bytes: Vec<u8>, device: &Device) -> Result<Gpt, String> {
    burnpack::load_bytes(config.init(device), bytes)
}
