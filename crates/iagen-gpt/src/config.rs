//! GPT hyper-parameters and the three size presets the page offers.

use burn::prelude::*;

#[derive(Config, Debug, PartialEq)]
pub struct GptConfig {
    /// Number of distinct characters.
    pub vocab_size: usize,
    /// Longest context the model attends over (learned positions).
    #[config(default = 64)]
    pub block_size: usize,
    #[config(default = 2)]
    pub n_layer: usize,
    #[config(default = 2)]
    pub n_head: usize,
    /// Embedding width; a multiple of `n_head`.
    #[config(default = 32)]
    pub n_embd: usize,
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Seeds the initial weights and dropout.
    #[config(default = 42)]
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GptSize {
    Nano,
    Tiny,
    Small,
}

impl GptSize {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "nano" => Some(Self::Nano),
            "tiny" => Some(Self::Tiny),
            "small" => Some(Self::Small),
            _ => None,
        }
    }
}

impl GptConfig {
    /// A preset for `vocab_size` characters and a context of `block_size`:
    /// nano ≈ 30 k parameters (trains in seconds on a CPU), tiny ≈ 0.2 M, small ≈ 1.2 M.
    pub fn preset(size: GptSize, vocab_size: usize, block_size: usize) -> Self {
        let (n_layer, n_head, n_embd) = match size {
            GptSize::Nano => (2, 2, 32),
            GptSize::Tiny => (4, 4, 64),
            GptSize::Small => (6, 4, 128),
        };
        GptConfig::new(vocab_size)
            .with_block_size(block_size)
            .with_n_layer(n_layer)
            .with_n_head(n_head)
            .with_n_embd(n_embd)
    }
}
