//! The GPT as a live-training family: a trainer with its corpus, its batch size and two
//! generators (training batches, held-out batches), seeded from one seed.

use burn::prelude::*;
use iagen_core::live::{LiveTraining, Losses};
use iagen_core::rng::Rng;
use iagen_core::text_data::TextCorpus;

use crate::budget::over_budget;
use crate::config::{GptConfig, GptSize};
use crate::model::Gpt;
use crate::train::Trainer;

/// Share of the training text held out for the validation loss.
pub const VAL_FRACTION: f32 = 0.1;

/// Why a text cannot be trained on.
#[derive(Debug, PartialEq)]
pub enum TextError {
    /// Too short to hold a window in both parts: `has` characters of the `needs`.
    TooShort { has: usize, needs: usize },
    /// The run would need `needs` bytes, over [`crate::BROWSER_BUDGET`]; `batch` is the largest that fits.
    OverBudget { needs: u64, batch: usize },
}

pub struct GptTraining {
    trainer: Trainer,
    corpus: TextCorpus,
    config: GptConfig,
    rng: Rng,
    val_rng: Rng,
    batch: usize,
}

impl GptTraining {
    /// A fresh `size` model with context `ctx` to train on `text` (its last tenth held out).
    pub fn new(
        text: &str,
        size: GptSize,
        ctx: usize,
        batch: usize,
        lr: f64,
        seed: u64,
        device: &Device,
    ) -> Result<Self, TextError> {
        let corpus = TextCorpus::new(text, VAL_FRACTION);
        if !corpus.holds_windows(ctx) {
            return Err(TextError::TooShort {
                has: corpus.train.len() + corpus.val.len(),
                needs: TextCorpus::shortest_text(ctx, VAL_FRACTION),
            });
        }
        let config = GptConfig::preset(size, corpus.tokenizer.vocab_size(), ctx).with_seed(seed);
        if let Some((needs, batch)) = over_budget(&config, batch) {
            return Err(TextError::OverBudget { needs, batch });
        }
        Ok(Self {
            trainer: Trainer::new(&config, lr, device),
            corpus,
            config,
            rng: Rng::new(seed),
            val_rng: Rng::new(seed ^ 0x5EED),
            batch,
        })
    }

    pub fn corpus(&self) -> &TextCorpus {
        &self.corpus
    }

    pub fn config(&self) -> &GptConfig {
        &self.config
    }

    /// Windows per training step.
    pub fn batch(&self) -> usize {
        self.batch
    }
}

impl LiveTraining for GptTraining {
    type Model = Gpt;

    fn step(&mut self) -> Losses {
        let block = self.trainer.block_size();
        let batch = self
            .corpus
            .train_batch(&mut self.rng, self.batch, block)
            .expect("length checked in new");
        vec![("loss", self.trainer.step(&batch))]
    }

    fn validate(&mut self, batches: usize) -> Losses {
        let block = self.trainer.block_size();
        let batches = batches.max(1);
        let total = (0..batches)
            .map(|_| {
                let batch = self
                    .corpus
                    .val_batch(&mut self.val_rng, self.batch, block)
                    .expect("length checked in new");
                self.trainer.eval_loss(&batch)
            })
            .reduce(|a, b| a + b)
            .expect("at least one batch");
        vec![("val", total / batches as f32)]
    }

    fn steps(&self) -> usize {
        self.trainer.steps()
    }

    fn set_lr(&mut self, lr: f64) {
        self.trainer.set_lr(lr);
    }

    fn model(&self) -> Gpt {
        self.trainer.inference_model()
    }

    fn resume(&mut self, model: Gpt, steps: usize) {
        self.trainer.resume(model, steps);
    }
}
