//! A tiny character-level GPT (Radford et al. 2018/2019, in the spirit of Karpathy's nanoGPT):
//! the configuration and its presets, the model with its attention maps and KV cache, a
//! hand-written trainer (one optimizer step per call), its live-training form for the page,
//! and a resumable sampler.

mod attention;
mod budget;
mod config;
mod cost;
mod live;
mod model;
mod sample;
mod train;
mod weights;

pub use attention::KvCache;
pub use budget::{BROWSER_BUDGET, largest_batch, over_budget, parameters, training_bytes};
pub use config::{GptConfig, GptSize};
pub use cost::{Shape, token_flops, training_step_flops};
pub use live::{GptTraining, TextError, VAL_FRACTION};
pub use model::{Gpt, cross_entropy};
pub use sample::Sampler;
pub use train::{Trainer, token_tensor};
pub use weights::{GptManifest, load_gpt, save_gpt};
