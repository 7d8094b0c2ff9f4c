//! Generation as a resumable state machine: each `feed` pushes characters through the model
//! (reusing the KV cache) and returns the logits for the next one. The host picks the next
//! character (iagen-core's sampling) and feeds it back; it can stop whenever it likes.

use burn::prelude::*;

use crate::attention::KvCache;
use crate::cost::token_flops;
use crate::model::Gpt;

pub struct Sampler {
    model: Gpt,
    cache: KvCache,
    /// Every id fed so far; the tail is re-read when the context window slides.
    context: Vec<usize>,
    /// Floating-point operations spent so far (`cost.rs`).
    flops: f64,
}

impl Sampler {
    /// `model` should be an inference model (`Trainer::inference_model` or a loaded one).
    pub fn new(model: Gpt) -> Self {
        Self {
            model,
            cache: KvCache::default(),
            context: Vec::new(),
            flops: 0.0,
        }
    }

    /// Feed `ids` (at least one) and get the next-character logits `[V]`.
    pub fn feed(&mut self, ids: &[usize]) -> Tensor<1> {
        assert!(!ids.is_empty(), "feed needs at least one id");
        self.context.extend_from_slice(ids);
        let block = self.model.block_size();
        let new = if self.cache.len() + ids.len() <= block {
            ids.to_vec()
        } else {
            // The window is full: restart from the last half-window, so the next block/2
            // characters are cheap again (amortised cost stays one position per character).
            self.cache = KvCache::default();
            let keep = (block / 2).max(1).min(self.context.len());
            self.context[self.context.len() - keep..].to_vec()
        };
        // Each new position attends over the cached ones and itself.
        let (shape, cached) = (self.model.shape(), self.cache.len());
        self.flops += (1..=new.len())
            .map(|j| token_flops(shape, cached + j))
            .sum::<f64>();
        let device = self.device();
        let ints: Vec<i64> = new.iter().map(|&i| i as i64).collect();
        let idx = Tensor::<1, Int>::from_ints(ints.as_slice(), &device).reshape([1, new.len()]);
        let logits = self.model.forward_cached(idx, &mut self.cache); // [1, T_new, V]
        let [_, t, v] = logits.dims();
        logits.narrow(1, t - 1, 1).reshape([v]) // [V]
    }

    /// Floating-point operations of every `feed` so far, the re-read windows included.
    pub fn flops(&self) -> f64 {
        self.flops
    }

    /// The ids fed so far.
    pub fn context(&self) -> &[usize] {
        &self.context
    }

    fn device(&self) -> Device {
        self.model.devices()[0].clone()
    }
}
