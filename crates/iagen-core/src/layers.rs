//! Convolution layers the image models share: kernel 4, stride 2, padding 1 halves a side
//! exactly (28 → 14 → 7) and its transpose doubles it back.

use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::prelude::*;

/// A convolution from `channels[0]` to `channels[1]` that halves height and width.
pub fn halving_conv(channels: [usize; 2], device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [4, 4])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

/// A transposed convolution from `channels[0]` to `channels[1]` that doubles height and width.
pub fn doubling_conv(channels: [usize; 2], device: &Device) -> ConvTranspose2d {
    ConvTranspose2dConfig::new(channels, [4, 4])
        .with_stride([2, 2])
        .with_padding([1, 1])
        .init(device)
}
