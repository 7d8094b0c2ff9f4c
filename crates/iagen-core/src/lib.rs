//! Backend-free building blocks shared by every IAGen model and host: a seeded RNG, the
//! character tokenizer, text batching, next-token sampling, image sets and their class words,
//! image files, what the families' comparison measures of generated digits (sample_scores.rs), metrics (how Spanish a generated text is, and which runs of it copy the training text) and the experiment spec (the share-link codec). Nothing here knows
//! about tensors or the browser, apart from the `tensors` feature: weight files and the
//! live-training contract of a model family, and the convolution layers the image models share.

#[cfg(feature = "tensors")]
pub mod burnpack;
#[cfg(feature = "tensors")]
pub mod flops;
#[cfg(feature = "tensors")]
pub mod layers;
#[cfg(feature = "tensors")]
pub mod live;

pub mod classes;
pub mod copy_finder;
pub mod frechet;
pub mod image_data;
pub mod image_io;
pub mod image_mix;
pub mod metrics;
pub mod nearest;
pub mod pixel_text;
pub mod rng;
pub mod sample_scores;
pub mod sampling;
pub mod seed_turn;
pub mod spec;
pub mod text_data;
pub mod text_stats;
pub mod tokenizer;
