//! Causal multi-head self-attention (Vaswani et al. 2017) with a KV cache, so that generating
//! one more character costs one position's work instead of re-running the whole context.

use burn::nn::{Dropout, DropoutConfig, Initializer, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::softmax;

#[derive(Module, Debug)]
pub struct CausalSelfAttention {
    qkv: Linear,
    proj: Linear,
    dropout: Dropout,
    n_head: usize,
}

/// Keys and values of every position seen so far, one pair per layer: `[B, H, T_past, Dh]`.
#[derive(Clone, Debug, Default)]
pub struct KvCache {
    pub(crate) layers: Vec<Option<(Tensor<4>, Tensor<4>)>>,
    len: usize,
}

impl KvCache {
    /// Positions already in the cache.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn advance(&mut self, positions: usize) {
        self.len += positions;
    }
}

impl CausalSelfAttention {
    pub fn new(
        n_embd: usize,
        n_head: usize,
        n_layer: usize,
        dropout: f64,
        device: &Device,
    ) -> Self {
        let init = Initializer::Normal {
            mean: 0.0,
            std: 0.02,
        };
        // GPT-2 scales the residual projections by 1/sqrt(2·layers) to keep the stream's
        // variance from growing with depth.
        let proj_std = 0.02 / ((2 * n_layer) as f64).sqrt();
        Self {
            qkv: LinearConfig::new(n_embd, 3 * n_embd)
                .with_initializer(init)
                .init(device),
            proj: LinearConfig::new(n_embd, n_embd)
                .with_initializer(Initializer::Normal {
                    mean: 0.0,
                    std: proj_std,
                })
                .init(device),
            dropout: DropoutConfig::new(dropout).init(),
            n_head,
        }
    }

    /// `x` holds the new positions; `past` (if any) the cached keys and values before them,
    /// which this call extends. Returns the output and the attention weights
    /// `[B, H, T_new, T_past + T_new]`.
    pub fn forward(
        &self,
        x: Tensor<3>,
        past: Option<&mut Option<(Tensor<4>, Tensor<4>)>>,
    ) -> (Tensor<3>, Tensor<4>) {
        let [b, t, c] = x.dims();
        let h = self.n_head;
        let dh = c / h;
        let heads = |z: Tensor<3>| z.reshape([b, t, h, dh]).swap_dims(1, 2); // [B, H, T, Dh]
        let qkv = self.qkv.forward(x); // [B, T, 3C]
        let q = heads(qkv.clone().narrow(2, 0, c));
        let mut k = heads(qkv.clone().narrow(2, c, c));
        let mut v = heads(qkv.narrow(2, 2 * c, c));
        let t_past = match past {
            Some(slot) => {
                let t_past = match slot.take() {
                    Some((k_past, v_past)) => {
                        let t_past = k_past.dims()[2];
                        k = Tensor::cat(vec![k_past, k], 2); // [B, H, T_past+T, Dh]
                        v = Tensor::cat(vec![v_past, v], 2);
                        t_past
                    }
                    None => 0,
                };
                *slot = Some((k.clone(), v.clone()));
                t_past
            }
            None => 0,
        };
        let scores = q.matmul(k.swap_dims(2, 3)) / (dh as f64).sqrt(); // [B, H, T, T_past+T]
        // Position i (absolute t_past + i) may look at keys 0..=t_past + i. One new position
        // (every generated character) sees every key: building its mask was a tenth of the
        // browser's time per character.
        let scores = if t == 1 {
            scores
        } else {
            let future =
                Tensor::<2, Bool>::tril_mask([t, t_past + t], t_past as i64, &scores.device());
            scores.mask_fill(future.unsqueeze::<4>(), f32::NEG_INFINITY)
        };
        let att = softmax(scores, 3); // [B, H, T, T_past+T]
        let y = self.dropout.forward(att.clone()).matmul(v); // [B, H, T, Dh]
        let y = y.swap_dims(1, 2).reshape([b, t, c]); // [B, T, C]
        (self.dropout.forward(self.proj.forward(y)), att)
    }
}
