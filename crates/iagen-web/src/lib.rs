//! The wasm shell, hosted by `web/worker.js`: it picks the device (WebGPU first, the CPU
//! `flex` backend otherwise), exposes the share-link codec and one JS class per model
//! session. It reads tensors asynchronously and hands plain arrays and JSON to the page.

mod backend;
mod diffusion_session;
mod gpt_session;
mod read;
mod spec_api;

pub use backend::init_backend;
pub use diffusion_session::{DiffusionSession, class_of_word};
pub use gpt_session::GptSession;
pub use spec_api::{encode_spec, parse_spec};
