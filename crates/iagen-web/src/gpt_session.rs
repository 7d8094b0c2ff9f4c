//! `GptSession`: one tiny GPT in the worker, pretrained or trained live. Training runs in
//! short chunks the worker schedules, so Pause and other messages get through between them.

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::*;
use iagen_core::rng::Rng;
use iagen_core::sampling::{SamplingParams, filtered_distribution, sample, top_n};
use iagen_core::text_data::TextCorpus;
use iagen_core::tokenizer::CharTokenizer;
use iagen_gpt::{Gpt, GptConfig, GptManifest, GptSize, Sampler, Trainer, load_gpt, token_tensor};
use js_sys::{Float32Array, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::backend::{device, js_err, serde_wasm};
use crate::read;

/// Share of the training text held out for the validation loss.
const VAL_FRACTION: f32 = 0.1;
/// How many next characters the probability bars show.
const TOP: usize = 10;

struct Generation {
    sampler: Sampler,
    rng: Rng,
    params: SamplingParams,
    /// Logits for the next character, not read yet.
    pending: Tensor<1>,
}

struct State {
    tokenizer: CharTokenizer,
    config: GptConfig,
    /// Present when the session trains (from scratch); absent for a pretrained model.
    training: Option<(Trainer, TextCorpus, Rng, Rng, usize)>,
    pretrained: Option<Gpt>,
    generation: Option<Generation>,
}

#[wasm_bindgen]
pub struct GptSession {
    state: Rc<RefCell<State>>,
}

#[derive(Serialize)]
struct Info {
    vocab: String,
    params: usize,
    block: usize,
    layers: usize,
    heads: usize,
    steps: usize,
}

type Top = Vec<(String, f32)>;

fn params(temperature: f32, top_k: usize, top_p: f32) -> SamplingParams {
    SamplingParams {
        temperature,
        top_k,
        top_p,
    }
}

impl State {
    fn model(&self) -> Gpt {
        match (&self.training, &self.pretrained) {
            (Some((trainer, ..)), _) => trainer.inference_model(),
            (None, Some(model)) => model.clone(),
            (None, None) => unreachable!("a session has a model"),
        }
    }

    fn top(&self, probs: &[f32]) -> Top {
        top_n(probs, TOP)
            .into_iter()
            .map(|(id, p)| (self.tokenizer.char(id).to_string(), p))
            .collect()
    }
}

#[wasm_bindgen]
impl GptSession {
    /// A shipped model: its manifest (JSON) and burnpack weights.
    pub fn pretrained(manifest_json: &str, weights: Vec<u8>) -> Result<GptSession, JsError> {
        let manifest: GptManifest = serde_json::from_str(manifest_json).map_err(js_err)?;
        let model = load_gpt(&manifest.config, weights, &device()?).map_err(js_err)?;
        let state = State {
            tokenizer: CharTokenizer::from_vocab(&manifest.vocab),
            config: manifest.config,
            training: None,
            pretrained: Some(model),
            generation: None,
        };
        Ok(GptSession {
            state: Rc::new(RefCell::new(state)),
        })
    }

    /// A fresh model to train on `text` (the last tenth held out for validation).
    pub fn untrained(
        text: &str,
        size: &str,
        ctx: usize,
        batch: usize,
        lr: f64,
        seed: u32,
    ) -> Result<GptSession, JsError> {
        let size =
            GptSize::from_name(size).ok_or_else(|| js_err(format!("unknown size {size}")))?;
        let corpus = TextCorpus::new(text, VAL_FRACTION);
        if !corpus.holds_windows(ctx) {
            // The page reads the two lengths out of this message to explain it.
            return Err(js_err(format!(
                "text too short: {} of {}",
                corpus.train.len() + corpus.val.len(),
                TextCorpus::shortest_text(ctx, VAL_FRACTION)
            )));
        }
        let config =
            GptConfig::preset(size, corpus.tokenizer.vocab_size(), ctx).with_seed(seed as u64);
        let trainer = Trainer::new(&config, lr, &device()?);
        let seed = seed as u64;
        let state = State {
            tokenizer: corpus.tokenizer.clone(),
            config,
            training: Some((
                trainer,
                corpus,
                Rng::new(seed),
                Rng::new(seed ^ 0x5EED),
                batch,
            )),
            pretrained: None,
            generation: None,
        };
        Ok(GptSession {
            state: Rc::new(RefCell::new(state)),
        })
    }

    pub fn info(&self) -> JsValue {
        let s = self.state.borrow();
        let model = s.model();
        serde_wasm(&Info {
            vocab: s.tokenizer.vocab(),
            params: model.num_params(),
            block: s.config.block_size,
            layers: s.config.n_layer,
            heads: s.config.n_head,
            steps: s.training.as_ref().map_or(0, |t| t.0.steps()),
        })
    }

    pub fn set_lr(&self, lr: f64) {
        if let Some((trainer, ..)) = self.state.borrow_mut().training.as_mut() {
            trainer.set_lr(lr);
        }
    }

    /// Run `steps` optimizer steps; resolves to `{step, loss}` with the chunk's mean training
    /// loss in nats/char (NaN or infinite when training diverged).
    pub fn train(&self, steps: usize) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (sum, step) = {
                let mut s = state.borrow_mut();
                let (trainer, corpus, rng, _, batch) =
                    s.training.as_mut().ok_or_else(|| js_err("not training"))?;
                let mut sum: Option<Tensor<1>> = None;
                for _ in 0..steps {
                    let b = corpus
                        .train_batch(rng, *batch, trainer.block_size())
                        .expect("checked length");
                    let loss = trainer.step(&b).loss;
                    sum = Some(match sum {
                        Some(acc) => acc + loss,
                        None => loss,
                    });
                }
                (sum, trainer.steps())
            };
            Ok(read::chunk_outcome(sum, steps, step).await?)
        })
    }

    /// Mean validation loss over `batches` held-out batches, nats/char.
    pub fn validate(&self, batches: usize) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let total = {
                let mut s = state.borrow_mut();
                let (trainer, corpus, _, val_rng, batch) =
                    s.training.as_mut().ok_or_else(|| js_err("not training"))?;
                let block = trainer.block_size();
                (0..batches.max(1))
                    .map(|_| {
                        trainer.eval_loss(
                            &corpus
                                .val_batch(val_rng, *batch, block)
                                .expect("checked length"),
                        )
                    })
                    .reduce(|a, b| a + b)
                    .expect("at least one batch")
            };
            let loss = read::scalar(total).await? / batches.max(1) as f32;
            Ok(JsValue::from_f64(if loss.is_finite() {
                loss as f64
            } else {
                f64::NAN
            }))
        })
    }

    /// Begin generating after `prompt`. Resolves to `{unknown, top}`: prompt characters outside
    /// the vocabulary (skipped) and the next-character distribution.
    pub fn start(
        &self,
        prompt: String,
        seed: u32,
        temperature: f32,
        top_k: usize,
        top_p: f32,
    ) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (pending, unknown) = {
                let mut s = state.borrow_mut();
                let (ids, unknown) = s.tokenizer.encode_prompt(&prompt);
                let mut sampler = Sampler::new(s.model());
                let pending = sampler.feed(&ids);
                s.generation = Some(Generation {
                    sampler,
                    rng: Rng::new(seed as u64),
                    params: params(temperature, top_k, top_p),
                    pending: pending.clone(),
                });
                (pending, unknown)
            };
            let logits = read::floats(pending).await?;
            let s = state.borrow();
            let p = s.generation.as_ref().expect("just set").params;
            #[derive(Serialize)]
            struct Out {
                unknown: usize,
                top: Top,
            }
            Ok(serde_wasm(&Out {
                unknown,
                top: s.top(&filtered_distribution(&logits, p)),
            }))
        })
    }

    /// Sample one character and advance. Resolves to `{ch, top}`: the character and the
    /// distribution it was drawn from.
    pub fn next(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let pending = {
                let s = state.borrow();
                s.generation
                    .as_ref()
                    .ok_or_else(|| js_err("call start first"))?
                    .pending
                    .clone()
            };
            let logits = read::floats(pending).await?;
            let mut s = state.borrow_mut();
            let generation = s
                .generation
                .as_mut()
                .ok_or_else(|| js_err("call start first"))?;
            let probs = filtered_distribution(&logits, generation.params);
            let id = sample(&logits, generation.params, &mut generation.rng);
            generation.pending = generation.sampler.feed(&[id]);
            #[derive(Serialize)]
            struct Out {
                ch: String,
                top: Top,
            }
            Ok(serde_wasm(&Out {
                ch: s.tokenizer.char(id).to_string(),
                top: s.top(&probs),
            }))
        })
    }

    /// Look inside the model on `text` (its last `block` characters): for each position the
    /// next-character distribution, and `layer`/`head`'s attention map. Resolves to
    /// `{chars, top: [[ch, p]...] per position, attention: Float32Array T×T, layers, heads}`.
    pub fn inspect(
        &self,
        text: String,
        layer: usize,
        head: usize,
        temperature: f32,
        top_k: usize,
        top_p: f32,
    ) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (logits, map, ids) = {
                let s = state.borrow();
                let (mut ids, _) = s.tokenizer.encode_prompt(&text);
                let block = s.config.block_size;
                if ids.len() > block {
                    ids.drain(..ids.len() - block);
                }
                let model = s.model();
                let device = model.devices()[0].clone();
                let ints: Vec<i64> = ids.iter().map(|&i| i as i64).collect();
                let (logits, maps) =
                    model.forward_with_attention(token_tensor(&ints, 1, ids.len(), &device));
                let layer = layer.min(maps.len() - 1);
                let head = head.min(s.config.n_head - 1);
                let map = maps[layer].clone().narrow(1, head, 1); // [1, 1, T, T]
                (logits, map, ids)
            };
            let t = ids.len();
            let logits = read::floats(logits).await?; // T × V
            let map = read::floats(map).await?; // T × T
            let s = state.borrow();
            let p = params(temperature, top_k, top_p);
            let v = s.tokenizer.vocab_size();
            #[derive(Serialize)]
            struct Out {
                chars: Vec<String>,
                top: Vec<Top>,
                layers: usize,
                heads: usize,
            }
            let out = serde_wasm(&Out {
                chars: ids
                    .iter()
                    .map(|&i| s.tokenizer.char(i).to_string())
                    .collect(),
                top: (0..t)
                    .map(|i| s.top(&filtered_distribution(&logits[i * v..(i + 1) * v], p)))
                    .collect(),
                layers: s.config.n_layer,
                heads: s.config.n_head,
            });
            Reflect::set(
                &out,
                &"attention".into(),
                &Float32Array::from(map.as_slice()),
            )
            .map_err(|_| js_err("cannot build result"))?;
            Ok(out)
        })
    }
}
