//! Floating-point operations of a layer, from its weights' shapes (the cost meter): every use
//! of a weight is a multiply and an add. Normalisations, activations, biases and additions, a
//! few operations per value, are left out. A training step counts [`TRAINING_PASSES`] forward
//! passes of what it backpropagates through: the backward pass costs about two (Kaplan et al.,
//! 2020, "Scaling Laws for Neural Language Models", §2.1).

use burn::nn::Linear;
use burn::nn::conv::{Conv2d, ConvTranspose2d};

pub const TRAINING_PASSES: f64 = 3.0;

/// `layer` applied to `rows` vectors.
pub fn linear(layer: &Linear, rows: usize) -> f64 {
    let [input, output] = layer.weight.dims();
    2.0 * (rows * input * output) as f64
}

/// `layer` on `batch` images, producing `out` = [height, width] per channel: each output value
/// takes input channels × kernel height × kernel width products.
pub fn conv(layer: &Conv2d, batch: usize, out: [usize; 2]) -> f64 {
    let [c_out, c_in_per_group, kh, kw] = layer.weight.dims();
    2.0 * (batch * c_out * c_in_per_group * kh * kw * out[0] * out[1]) as f64
}

/// `layer` on `batch` images of `input` = [height, width]: each input value is spread over
/// output channels × kernel height × kernel width outputs.
pub fn conv_transpose(layer: &ConvTranspose2d, batch: usize, input: [usize; 2]) -> f64 {
    let [c_in, c_out_per_group, kh, kw] = layer.weight.dims();
    2.0 * (batch * c_in * c_out_per_group * kh * kw * input[0] * input[1]) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{doubling_conv, halving_conv};
    use burn::nn::LinearConfig;
    use burn::prelude::*;

    #[test]
    fn each_layer_kind_matches_a_hand_count() {
        let device = Device::flex();
        // 3 → 4 on 5 rows: 5 · 3 · 4 products and as many additions.
        assert_eq!(linear(&LinearConfig::new(3, 4).init(&device), 5), 120.0);
        // 2 → 6 channels, kernel 4×4, 28×28 → 14×14, 3 images: every one of the
        // 3 · 6 · 14 · 14 outputs sums 2 · 4 · 4 products.
        let down = halving_conv([2, 6], &device);
        assert_eq!(
            conv(&down, 3, [14, 14]),
            2.0 * (3 * 6 * 14 * 14 * 2 * 4 * 4) as f64
        );
        // 6 → 2 channels back up from 7×7: every one of the 3 · 6 · 7 · 7 inputs feeds
        // 2 · 4 · 4 outputs.
        let up = doubling_conv([6, 2], &device);
        assert_eq!(
            conv_transpose(&up, 3, [7, 7]),
            2.0 * (3 * 6 * 7 * 7 * 2 * 4 * 4) as f64
        );
    }
}
