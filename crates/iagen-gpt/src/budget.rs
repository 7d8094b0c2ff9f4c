//! How much memory a training run needs, estimated before it starts, so the page refuses (and
//! the share-link codec lowers) what would not fit in a browser's WebAssembly memory — at most
//! 4 GiB — instead of crashing mid-run.

use crate::config::GptConfig;

/// What a training run may use in the page: WebAssembly's 4 GiB, less room for the page's
/// data, the allocator's slack and the transients of the backward pass.
pub const BROWSER_BUDGET: u64 = 3 << 30;

/// Values autodiff keeps per token and channel in each layer (layer norms, q, k, v, the
/// attention output and its projection, the MLP's four-times-wider hidden layer before and
/// after its activation, residuals), measured: see `tests/budget.rs`.
const KEPT_PER_TOKEN_CHANNEL: u64 = 20;
/// Values kept per attention score (the scores, their mask and softmax).
const KEPT_PER_SCORE: u64 = 3;
/// Copies of the parameters: weights, gradients and Adam's two moments.
const PARAMETER_COPIES: u64 = 4;

/// Parameters of `config`: embeddings, twelve C² per layer, the output head.
pub fn parameters(config: &GptConfig) -> u64 {
    let (v, t, c, l) = dims(config);
    v * c + t * c + l * (12 * c * c + 13 * c) + 2 * c + c * v + v
}

fn dims(config: &GptConfig) -> (u64, u64, u64, u64) {
    (
        config.vocab_size as u64,
        config.block_size as u64,
        config.n_embd as u64,
        config.n_layer as u64,
    )
}

/// Estimated peak bytes of training `config` with batches of `batch` windows.
pub fn training_bytes(config: &GptConfig, batch: usize) -> u64 {
    let (v, t, c, l) = dims(config);
    let (b, h) = (batch as u64, config.n_head as u64);
    let per_layer = KEPT_PER_TOKEN_CHANNEL * b * t * c + KEPT_PER_SCORE * b * h * t * t;
    // Logits, their softmax and its gradient.
    let head = 3 * b * t * v;
    4 * (PARAMETER_COPIES * parameters(config) + l * per_layer + head)
}

/// When training `config` with batches of `batch` would not fit in [`BROWSER_BUDGET`]: the bytes
/// it would need and the largest batch that fits. The page's link codec and `GptTraining::new`
/// both ask this.
pub fn over_budget(config: &GptConfig, batch: usize) -> Option<(u64, usize)> {
    let needs = training_bytes(config, batch);
    (needs > BROWSER_BUDGET).then(|| (needs, largest_batch(config, BROWSER_BUDGET)))
}

/// The largest batch (at least 1) whose run fits in `budget` bytes.
pub fn largest_batch(config: &GptConfig, budget: u64) -> usize {
    let mut batch = 1;
    while training_bytes(config, batch * 2) <= budget {
        batch *= 2;
    }
    // Then up in ones from the last power of two that fits.
    while training_bytes(config, batch + 1) <= budget {
        batch += 1;
    }
    batch
}
