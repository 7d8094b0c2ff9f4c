//! Floating-point operations of the GPT, from its shapes (the page's cost meter). A product of
//! an [m, k] matrix by a [k, n] one counts 2·m·k·n (a multiply and an add per term); layer
//! norms, GELU, softmax and additions, a few operations per value, are left out. A training
//! step counts three forward passes: the backward pass costs about two (Kaplan et al., 2020,
//! "Scaling Laws for Neural Language Models", §2.1).

use crate::config::GptConfig;

/// The widths that set the GPT's cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub embd: usize,
    pub layers: usize,
    pub vocab: usize,
}

impl From<&GptConfig> for Shape {
    fn from(config: &GptConfig) -> Self {
        Shape {
            embd: config.n_embd,
            layers: config.n_layer,
            vocab: config.vocab_size,
        }
    }
}

/// Operations of a forward pass of one token that attends over `keys` positions.
pub fn token_flops(shape: Shape, keys: usize) -> f64 {
    let (c, layers, vocab) = (shape.embd as f64, shape.layers as f64, shape.vocab as f64);
    // Per layer: the query, key and value projections (c → 3c: 6c²), the output projection
    // (2c²) and the MLP (c → 4c → c: 16c²); the scores against every key and the weighted sum
    // of the values (2·keys·c each). Then the output layer (c → vocab).
    layers * (24.0 * c * c + 4.0 * keys as f64 * c) + 2.0 * c * vocab
}

/// One training step on `batch` windows of the whole context: every query is scored against
/// every key of its window (the future is masked after the product), forward and backward.
pub fn training_step_flops(config: &GptConfig, batch: usize) -> f64 {
    let tokens = (batch * config.block_size) as f64;
    3.0 * tokens * token_flops(Shape::from(config), config.block_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_training_step_matches_a_hand_count() {
        // c = 8, one layer, 5 characters, context 4, batch 2: per token, the projections
        // 2·8·24 + 2·8·8 = 512, the MLP 2·8·32 + 2·32·8 = 1 024, attention over 4 keys
        // 2·4·8 + 2·4·8 = 128, the output layer 2·8·5 = 80: 1 744; 8 tokens, three passes.
        let config = GptConfig::new(5)
            .with_n_embd(8)
            .with_n_layer(1)
            .with_n_head(2)
            .with_block_size(4);
        assert_eq!(token_flops(Shape::from(&config), 4), 1744.0);
        assert_eq!(training_step_flops(&config, 2), 3.0 * 8.0 * 1744.0);
    }

    #[test]
    fn a_step_costs_about_six_operations_per_parameter_and_token() {
        // Kaplan et al.'s rule of thumb: training costs ≈ 6 × parameters per token, when the
        // attention term is small against the weights (a short context here).
        let config = GptConfig::new(91)
            .with_n_embd(128)
            .with_n_layer(6)
            .with_n_head(4)
            .with_block_size(8);
        let weights = 6.0 * (12.0 * 128.0 * 128.0) + 128.0 * 91.0; // the matrices multiplied
        let per_token = training_step_flops(&config, 1) / 8.0;
        assert!(
            (per_token / (6.0 * weights) - 1.0).abs() < 0.02,
            "{per_token}"
        );
    }
}
