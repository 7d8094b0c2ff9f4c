//! The wasm shell, hosted by `web/worker.js`: it picks each session's device (`backend.rs`:
//! WebGPU where the family's work pays on it, the CPU `flex` backend otherwise), exposes the
//! share-link codec and one JS class, `Session`, that holds a model of any family (see
//! `family.rs` for the contract, `session.rs` for the registry). It reads tensors
//! asynchronously and hands plain arrays and JSON to the page.

mod backend;
mod diffusion;
mod family;
mod gan;
mod gan_image;
mod gpt;
mod image_reference;
mod images;
mod model_file;
mod pixel_digits;
mod read;
mod session;
mod spec_api;
mod text_copies;
mod vae;

pub use backend::init_backend;
pub use session::{Session, gpu_pays};
pub use spec_api::{encode_spec, parse_spec};
