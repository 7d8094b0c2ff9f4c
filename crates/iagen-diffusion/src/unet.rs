//! A small U-Net (Ronneberger et al. 2015, as used by DDPM) for 28×28 images: residual conv
//! blocks with group norm, a sinusoidal time embedding plus a class embedding added inside
//! every block, down 28 → 14 → 7 and back up with skip connections, optionally self-attention
//! at 7×7. It predicts ε.

use burn::nn::Initializer;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::interpolate::{Interpolate2d, Interpolate2dConfig, InterpolateMode};
use burn::nn::{
    Embedding, EmbeddingConfig, GroupNorm, GroupNormConfig, Linear, LinearConfig, PaddingConfig2d,
};
use burn::prelude::*;
use burn::tensor::activation::{silu, softmax};
use iagen_core::flops;

use crate::config::DiffusionConfig;

fn conv(channels: [usize; 2], kernel: usize, stride: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new(channels, [kernel, kernel])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(
            kernel / 2,
            kernel / 2,
            kernel / 2,
            kernel / 2,
        ))
        .init(device)
}

fn norm(channels: usize, device: &Device) -> GroupNorm {
    GroupNormConfig::new(8.min(channels), channels).init(device)
}

#[derive(Module, Debug)]
struct ResBlock {
    norm_1: GroupNorm,
    conv_1: Conv2d,
    emb: Linear,
    norm_2: GroupNorm,
    conv_2: Conv2d,
    skip: Option<Conv2d>,
}

impl ResBlock {
    fn new(c_in: usize, c_out: usize, emb_dim: usize, device: &Device) -> Self {
        Self {
            norm_1: norm(c_in, device),
            conv_1: conv([c_in, c_out], 3, 1, device),
            emb: LinearConfig::new(emb_dim, c_out).init(device),
            norm_2: norm(c_out, device),
            conv_2: conv([c_out, c_out], 3, 1, device),
            skip: (c_in != c_out).then(|| conv([c_in, c_out], 1, 1, device)),
        }
    }

    /// Operations on `batch` maps of `side` × `side` (`iagen_core::flops`).
    fn flops(&self, batch: usize, side: usize) -> f64 {
        let at = [side, side];
        flops::conv(&self.conv_1, batch, at)
            + flops::linear(&self.emb, batch)
            + flops::conv(&self.conv_2, batch, at)
            + self
                .skip
                .as_ref()
                .map_or(0.0, |skip| flops::conv(skip, batch, at))
    }

    /// `x`: `[B, C_in, H, W]`, `emb`: `[B, E]` → `[B, C_out, H, W]`.
    fn forward(&self, x: Tensor<4>, emb: Tensor<2>) -> Tensor<4> {
        let h = self.conv_1.forward(silu(self.norm_1.forward(x.clone()))); // [B, C_out, H, W]
        let [b, c, _, _] = h.dims();
        let h = h + self.emb.forward(silu(emb)).reshape([b, c, 1, 1]); // [B, C_out, H, W]
        let h = self.conv_2.forward(silu(self.norm_2.forward(h))); // [B, C_out, H, W]
        let x = match &self.skip {
            Some(skip) => skip.forward(x),
            None => x,
        };
        x + h
    }
}

/// One-head self-attention over the 7×7 positions, so that each position sees the whole
/// image: convolutions alone draw strokes that look right locally but not as a whole, which
/// matters most without a class to steer them. The output projection starts at zero, so adding
/// the block to a trained U-Net changes nothing until it trains.
#[derive(Module, Debug)]
struct MidAttention {
    norm: GroupNorm,
    qkv: Linear,
    out: Linear,
}

impl MidAttention {
    fn new(channels: usize, device: &Device) -> Self {
        Self {
            norm: norm(channels, device),
            qkv: LinearConfig::new(channels, 3 * channels).init(device),
            out: LinearConfig::new(channels, channels)
                .with_initializer(Initializer::Zeros)
                .init(device),
        }
    }

    /// Operations on `batch` maps of `positions` values per channel: the projections, then
    /// every position's scores against every other and the weighted sum of the values.
    fn flops(&self, batch: usize, positions: usize) -> f64 {
        let channels = self.out.weight.dims()[0];
        let rows = batch * positions;
        flops::linear(&self.qkv, rows)
            + flops::linear(&self.out, rows)
            + 4.0 * (rows * positions * channels) as f64
    }

    /// `[B, C, H, W]` → `[B, C, H, W]`.
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let [b, c, h, w] = x.dims();
        let tokens = self
            .norm
            .forward(x.clone())
            .reshape([b, c, h * w])
            .swap_dims(1, 2); // [B, HW, C]
        let qkv = self.qkv.forward(tokens); // [B, HW, 3C]
        let q = qkv.clone().narrow(2, 0, c); // [B, HW, C]
        let k = qkv.clone().narrow(2, c, c); // [B, HW, C]
        let v = qkv.narrow(2, 2 * c, c); // [B, HW, C]
        let scores = q.matmul(k.swap_dims(1, 2)) / (c as f64).sqrt(); // [B, HW, HW]
        let mixed = softmax(scores, 2).matmul(v); // [B, HW, C]
        let out = self
            .out
            .forward(mixed)
            .swap_dims(1, 2)
            .reshape([b, c, h, w]); // [B, C, H, W]
        x + out
    }
}

#[derive(Module, Debug)]
pub struct UNet {
    time_1: Linear,
    time_2: Linear,
    class_embedding: Embedding,
    conv_in: Conv2d,
    down_1: ResBlock,
    pool_1: Conv2d,
    down_2: ResBlock,
    pool_2: Conv2d,
    mid: ResBlock,
    mid_attention: Option<MidAttention>,
    upsample: Interpolate2d,
    up_2: ResBlock,
    up_1: ResBlock,
    norm_out: GroupNorm,
    conv_out: Conv2d,
    channels: usize,
}

impl DiffusionConfig {
    pub fn init(&self, device: &Device) -> UNet {
        assert!(
            self.channels.is_multiple_of(8),
            "channels must be a multiple of 8"
        );
        device.seed(self.seed);
        let (c, e) = (self.channels, 4 * self.channels);
        let unet = UNet {
            time_1: LinearConfig::new(c, e).init(device),
            time_2: LinearConfig::new(e, e).init(device),
            class_embedding: EmbeddingConfig::new(self.classes + 1, e).init(device),
            conv_in: conv([1, c], 3, 1, device),
            down_1: ResBlock::new(c, c, e, device),
            pool_1: conv([c, c], 3, 2, device),
            down_2: ResBlock::new(c, 2 * c, e, device),
            pool_2: conv([2 * c, 2 * c], 3, 2, device),
            mid: ResBlock::new(2 * c, 2 * c, e, device),
            // Made last, so the other weights are those of the same seed without it.
            mid_attention: None,
            upsample: Interpolate2dConfig::new()
                .with_scale_factor(Some([2.0, 2.0]))
                .with_mode(InterpolateMode::Nearest)
                .init(),
            up_2: ResBlock::new(4 * c, 2 * c, e, device),
            up_1: ResBlock::new(3 * c, c, e, device),
            norm_out: norm(c, device),
            conv_out: conv([c, 1], 3, 1, device),
            channels: c,
        };
        if self.has_attention() {
            unet.with_mid_attention(device)
        } else {
            unet
        }
    }
}

/// Transformer-style sinusoidal features of the step: `[B]` → `[B, dim]`.
fn time_features(t: &[usize], dim: usize, device: &Device) -> Tensor<2> {
    let half = dim / 2;
    let values: Vec<f32> = t
        .iter()
        .flat_map(|&t| {
            let freqs = (0..half).map(|i| (-(10_000f64.ln()) * i as f64 / half as f64).exp());
            let angles: Vec<f64> = freqs.map(|f| t as f64 * f).collect();
            let sines = angles.iter().map(|a| a.sin() as f32);
            let cosines = angles.iter().map(|a| a.cos() as f32);
            sines.chain(cosines).collect::<Vec<_>>()
        })
        .collect();
    Tensor::<1>::from_floats(values.as_slice(), device).reshape([t.len(), 2 * half])
}

impl UNet {
    /// Predicted noise for `x_t` (`[B, 1, 28, 28]`) at steps `t` with `labels` (`[B]`; the
    /// value `classes` means unconditional) → `[B, 1, 28, 28]`.
    pub fn forward(&self, x_t: Tensor<4>, t: &[usize], labels: Tensor<1, Int>) -> Tensor<4> {
        let device = x_t.device();
        let time = time_features(t, self.channels, &device); // [B, C]
        let time = self.time_2.forward(silu(self.time_1.forward(time))); // [B, E]
        let [b] = labels.dims();
        let class = self.class_embedding.forward(labels.reshape([b, 1])); // [B, 1, E]
        let emb = time + class.reshape([b, 4 * self.channels]); // [B, E]

        let h = self.conv_in.forward(x_t); // [B, C, 28, 28]
        let skip_1 = self.down_1.forward(h, emb.clone()); // [B, C, 28, 28]
        let h = self.pool_1.forward(skip_1.clone()); // [B, C, 14, 14]
        let skip_2 = self.down_2.forward(h, emb.clone()); // [B, 2C, 14, 14]
        let h = self.pool_2.forward(skip_2.clone()); // [B, 2C, 7, 7]
        let h = self.mid.forward(h, emb.clone()); // [B, 2C, 7, 7]
        let h = match &self.mid_attention {
            Some(attention) => attention.forward(h),
            None => h,
        }; // [B, 2C, 7, 7]
        let h = self.upsample.forward(h); // [B, 2C, 14, 14]
        let h = self
            .up_2
            .forward(Tensor::cat(vec![h, skip_2], 1), emb.clone()); // [B, 2C, 14, 14]
        let h = self.upsample.forward(h); // [B, 2C, 28, 28]
        let h = self.up_1.forward(Tensor::cat(vec![h, skip_1], 1), emb); // [B, C, 28, 28]
        self.conv_out.forward(silu(self.norm_out.forward(h))) // [B, 1, 28, 28]
    }

    /// Operations of a pass over `batch` images (`iagen_core::flops`), layer by layer as
    /// `forward` runs them.
    pub fn flops(&self, batch: usize) -> f64 {
        let b = batch;
        flops::linear(&self.time_1, b)
            + flops::linear(&self.time_2, b)
            + flops::conv(&self.conv_in, b, [28, 28])
            + self.down_1.flops(b, 28)
            + flops::conv(&self.pool_1, b, [14, 14])
            + self.down_2.flops(b, 14)
            + flops::conv(&self.pool_2, b, [7, 7])
            + self.mid.flops(b, 7)
            + self
                .mid_attention
                .as_ref()
                .map_or(0.0, |attention| attention.flops(b, 49))
            + self.up_2.flops(b, 14)
            + self.up_1.flops(b, 28)
            + flops::conv(&self.conv_out, b, [28, 28])
    }

    /// This U-Net with self-attention at 7×7 added (a no-op until trained), e.g. to go on
    /// training weights saved without it.
    pub fn with_mid_attention(self, device: &Device) -> Self {
        Self {
            mid_attention: Some(MidAttention::new(2 * self.channels, device)),
            ..self
        }
    }

    /// The label meaning "no class".
    pub fn null_class(&self) -> usize {
        self.class_embedding.weight.val().dims()[0] - 1
    }
}
