//! Floating-point operations of a GAN round (the cost meter), from the networks' forward
//! passes (each network counts its own from its layers' shapes, `iagen_core::flops`). A
//! discriminator step runs G forward once (its output is detached), then D on a real and a
//! generated batch, forward and backward; the generator step runs G and D forward and backward.

use iagen_core::flops::TRAINING_PASSES;

/// A round of `d_steps` discriminator steps and one generator step, where `g` and `d` are the
/// operations of one forward pass of each network on one batch.
pub fn round_flops(g: f64, d: f64, d_steps: usize) -> f64 {
    d_steps as f64 * (g + TRAINING_PASSES * 2.0 * d) + TRAINING_PASSES * (g + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_networks_count_their_layers() {
        let device = burn::prelude::Device::flex();
        // 2 → 4 → 1 on 3 points: 3 · (2 · 4 + 4 · 1) products and as many additions.
        assert_eq!(crate::Mlp::new(2, 1, 4, 1, &device).flops(3), 72.0);
        // The generator: noise and class (8 + 16) → 2·4·7·7 values, then 8 → 4 channels from 7×7
        // and 4 → 1 from 14×14 with 4×4 kernels; the discriminator mirrors it, then one score.
        let gan = crate::ImageGanConfig::new()
            .with_noise(8)
            .with_width(4)
            .init(&device);
        let projection = 24 * 392;
        let up = 8 * 4 * 16 * 49 + 4 * 16 * 196;
        assert_eq!(gan.g.flops(1), 2.0 * (projection + up) as f64);
        let down = 196 * 4 * 16 + 49 * 8 * 4 * 16;
        assert_eq!(gan.d.flops(2), 2.0 * 2.0 * (down + 392) as f64);
    }

    #[test]
    fn a_round_matches_a_hand_count() {
        // Two D steps: 2 · (10 + 3 · 2 · 7) = 104; the G step: 3 · (10 + 7) = 51.
        assert_eq!(round_flops(10.0, 7.0, 2), 155.0);
    }
}
