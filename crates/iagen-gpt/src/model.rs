//! The decoder-only transformer: token + position embeddings, pre-LayerNorm blocks of causal
//! self-attention and a GELU MLP, a final LayerNorm and the LM head (GPT-2's layout).
//!
//! Cross-entropy is H(p, q) = −Σ p log q; with one-hot targets it is −log q(target), averaged
//! over every position: the loss is in nats per character.

use burn::nn::{
    Dropout, DropoutConfig, Embedding, EmbeddingConfig, Initializer, LayerNorm, LayerNormConfig,
    Linear, LinearConfig,
};
use burn::prelude::*;
use burn::tensor::activation::{gelu, log_softmax};

use crate::attention::{CausalSelfAttention, KvCache};
use crate::config::GptConfig;
use crate::cost::Shape;

#[derive(Module, Debug)]
struct Mlp {
    fc: Linear,
    proj: Linear,
    dropout: Dropout,
}

#[derive(Module, Debug)]
struct Block {
    ln_1: LayerNorm,
    attn: CausalSelfAttention,
    ln_2: LayerNorm,
    mlp: Mlp,
}

#[derive(Module, Debug)]
pub struct Gpt {
    token_embedding: Embedding,
    position_embedding: Embedding,
    dropout: Dropout,
    blocks: Vec<Block>,
    ln_f: LayerNorm,
    lm_head: Linear,
    block_size: usize,
}

impl GptConfig {
    pub fn init(&self, device: &Device) -> Gpt {
        assert!(
            self.n_embd.is_multiple_of(self.n_head),
            "n_embd must be a multiple of n_head"
        );
        device.seed(self.seed);
        let init = Initializer::Normal {
            mean: 0.0,
            std: 0.02,
        };
        let proj_std = 0.02 / ((2 * self.n_layer) as f64).sqrt();
        let c = self.n_embd;
        let block = || Block {
            ln_1: LayerNormConfig::new(c).init(device),
            attn: CausalSelfAttention::new(c, self.n_head, self.n_layer, self.dropout, device),
            ln_2: LayerNormConfig::new(c).init(device),
            mlp: Mlp {
                fc: LinearConfig::new(c, 4 * c)
                    .with_initializer(init.clone())
                    .init(device),
                proj: LinearConfig::new(4 * c, c)
                    .with_initializer(Initializer::Normal {
                        mean: 0.0,
                        std: proj_std,
                    })
                    .init(device),
                dropout: DropoutConfig::new(self.dropout).init(),
            },
        };
        Gpt {
            token_embedding: EmbeddingConfig::new(self.vocab_size, c)
                .with_initializer(init.clone())
                .init(device),
            position_embedding: EmbeddingConfig::new(self.block_size, c)
                .with_initializer(init.clone())
                .init(device),
            dropout: DropoutConfig::new(self.dropout).init(),
            blocks: (0..self.n_layer).map(|_| block()).collect(),
            ln_f: LayerNormConfig::new(c).init(device),
            lm_head: LinearConfig::new(c, self.vocab_size)
                .with_initializer(init)
                .init(device),
            block_size: self.block_size,
        }
    }
}

impl Block {
    fn forward(
        &self,
        x: Tensor<3>,
        past: Option<&mut Option<(Tensor<4>, Tensor<4>)>>,
    ) -> (Tensor<3>, Tensor<4>) {
        let (a, att) = self.attn.forward(self.ln_1.forward(x.clone()), past); // [B, T, C]
        let x = x + a;
        let m = self.mlp.fc.forward(self.ln_2.forward(x.clone())); // [B, T, 4C]
        let m = self.mlp.dropout.forward(self.mlp.proj.forward(gelu(m))); // [B, T, C]
        (x + m, att)
    }
}

impl Gpt {
    pub fn block_size(&self) -> usize {
        self.block_size
    }

    /// The widths that set its cost (`cost.rs`).
    pub fn shape(&self) -> Shape {
        let [embd, vocab] = self.lm_head.weight.dims();
        Shape {
            embd,
            layers: self.blocks.len(),
            vocab,
        }
    }

    pub fn n_layer(&self) -> usize {
        self.blocks.len()
    }

    /// Logits for every position: `idx [B, T]` → `[B, T, V]`.
    pub fn forward(&self, idx: Tensor<2, Int>) -> Tensor<3> {
        self.run(idx, None).0
    }

    /// Logits and each layer's attention weights `[B, H, T, T]`, for the attention view.
    pub fn forward_with_attention(&self, idx: Tensor<2, Int>) -> (Tensor<3>, Vec<Tensor<4>>) {
        self.run(idx, None)
    }

    /// Logits for the new positions `idx [B, T_new]` → `[B, T_new, V]`, attending over the
    /// cached past, which this call extends. The caller keeps `cache.len() + T_new ≤ block_size`.
    pub fn forward_cached(&self, idx: Tensor<2, Int>, cache: &mut KvCache) -> Tensor<3> {
        self.run(idx, Some(cache)).0
    }

    fn run(
        &self,
        idx: Tensor<2, Int>,
        mut cache: Option<&mut KvCache>,
    ) -> (Tensor<3>, Vec<Tensor<4>>) {
        let [b, t] = idx.dims();
        let start = cache.as_ref().map_or(0, |c| c.len());
        assert!(
            start + t <= self.block_size,
            "context {} exceeds block size {}",
            start + t,
            self.block_size
        );
        let device = idx.device();
        let positions = Tensor::<1, Int>::arange(start as i64..(start + t) as i64, &device)
            .reshape([1, t])
            .expand([b, t]); // [B, T]
        let x = self.token_embedding.forward(idx) + self.position_embedding.forward(positions); // [B, T, C]
        let mut x = self.dropout.forward(x);
        if let Some(cache) = cache.as_deref_mut()
            && cache.layers.is_empty()
        {
            cache.layers = vec![None; self.blocks.len()];
        }
        let mut maps = Vec::with_capacity(self.blocks.len());
        for (i, block) in self.blocks.iter().enumerate() {
            let past = cache.as_deref_mut().map(|c| &mut c.layers[i]);
            let (y, att) = block.forward(x, past);
            x = y;
            maps.push(att);
        }
        if let Some(cache) = cache {
            cache.advance(t);
        }
        (self.lm_head.forward(self.ln_f.forward(x)), maps) // [B, T, V]
    }
}

/// Mean cross-entropy in nats of `logits [B, T, V]` against `targets [B, T]` → `[1]`.
pub fn cross_entropy(logits: Tensor<3>, targets: Tensor<2, Int>) -> Tensor<1> {
    let [b, t, v] = logits.dims();
    let log_probs = log_softmax(logits.reshape([b * t, v]), 1); // [B·T, V]
    let picked = log_probs.gather(1, targets.reshape([b * t, 1])); // [B·T, 1]
    picked.mean().neg()
}
