//! A tiny character-level GPT (Radford et al. 2018/2019, in the spirit of Karpathy's nanoGPT):
//! the configuration and its presets, the model with its attention maps and KV cache, a
//! hand-written trainer (one optimizer step per call) and a resumable sampler.

mod attention;
mod config;
mod model;
mod sample;
mod train;
mod weights;

pub use attention::KvCache;
pub use config::{GptConfig, GptSize};
pub use model::{Gpt, cross_entropy};
pub use sample::Sampler;
pub use train::{StepStats, Trainer, token_tensor};
pub use weights::{GptManifest, load_gpt, save_gpt};
