//! The GPT family in the page: a tiny GPT, shipped or trained live, and its verbs —
//! `start`/`next` (generate a few characters at a time, with the distribution the last was
//! drawn from), `inspect` (next-character distributions and an attention map over a text) and
//! `sample` (a whole text at once, for the training panel's glimpses); ¿Copia o inventa?'s
//! verbs (`text_copies.rs`); and a pixel GPT's digit verbs (`pixel_digits.rs`).

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::rng::Rng;
use iagen_core::sampling::{SamplingParams, draw, filtered_distribution, guided, only, top_n};
use iagen_core::text_data::first_lines;
use iagen_core::tokenizer::CharTokenizer;
use iagen_gpt::{
    GptConfig, GptManifest, GptSize, GptTraining, Sampler, TextError, load_gpt, save_gpt,
    token_tensor, training_step_flops,
};
use js_sys::{Float32Array, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::family::{Core, Family, ModelOf, Shared};
use crate::image_reference::ImageReference;
use crate::pixel_digits;
use crate::read;
use crate::text_copies::Corpus;

/// How many next characters the probability bars show.
const TOP: usize = 10;

struct Generation {
    sampler: Sampler,
    rng: Rng,
    params: SamplingParams,
    /// The only characters it may write (none: any).
    only: Vec<usize>,
    /// Logits for the next character, not read yet.
    pending: Tensor<1>,
    /// Guidance towards the prompt's condition (`Guide`): the condition-free pass, fed the
    /// same characters, its pending logits, and the scale.
    free: Option<(Sampler, Tensor<1>, f32)>,
}

/// The next character's logits as a generation left them, taken out of it so that they are
/// read after the family's borrow ends.
struct PendingLogits {
    conditioned: Tensor<1>,
    /// The condition-free pass's, and the guidance scale.
    free: Option<(Tensor<1>, f32)>,
    only: Vec<usize>,
}

impl PendingLogits {
    /// The logits, combined with the condition-free pass's where guided (both read back as
    /// one: on WebGPU a read-back is a wait), the characters outside `only` ruled out.
    async fn read(self) -> Result<Vec<f32>, JsError> {
        let logits = match self.free {
            Some((free, scale)) => {
                let both = read::floats_together(vec![self.conditioned, free]).await?;
                guided(&both[0], &both[1], scale)
            }
            None => read::floats(self.conditioned).await?,
        };
        Ok(only(logits, &self.only))
    }
}

impl Generation {
    fn pending(&self) -> PendingLogits {
        PendingLogits {
            conditioned: self.pending.clone(),
            free: self.free.as_ref().map(|(_, l, s)| (l.clone(), *s)),
            only: self.only.clone(),
        }
    }

    /// Operations of both passes so far.
    fn flops(&self) -> f64 {
        self.sampler.flops() + self.free.as_ref().map_or(0.0, |(f, _, _)| f.flops())
    }
}

pub struct Gpt {
    tokenizer: CharTokenizer,
    config: GptConfig,
    generation: Option<Generation>,
    /// What it trained on, for ¿Copia o inventa?
    corpus: Corpus,
    /// A pixel GPT's digits' reference: the judge of the digits it writes and, for the
    /// comparison of the families, the real digits (`image_reference.rs`).
    pub(crate) images: ImageReference,
}

#[derive(Deserialize)]
pub struct Options {
    size: String,
    ctx: usize,
    batch: usize,
    lr: f64,
    seed: u32,
    /// Train on the first this many lines only (0: all), to watch a model memorise.
    #[serde(default)]
    lines: usize,
}

/// Sampling settings as the page names them.
#[derive(Deserialize, Clone, Copy)]
pub(crate) struct Sampling {
    temp: f32,
    topk: usize,
    topp: f32,
}

impl From<Sampling> for SamplingParams {
    fn from(s: Sampling) -> Self {
        SamplingParams {
            temperature: s.temp,
            top_k: s.topk,
            top_p: s.topp,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct StartArgs {
    pub prompt: String,
    pub seed: u32,
    #[serde(flatten)]
    pub sampling: Sampling,
    /// The only characters it may write (empty: any).
    #[serde(default)]
    pub only: String,
    /// Guidance towards what the prompt asks (a pixel GPT's digit); none for text.
    #[serde(skip)]
    pub guide: Option<Guide>,
}

/// Guidance (`iagen_core::sampling::guided`): the prompt without its condition, and the scale.
pub(crate) struct Guide {
    pub free_prompt: String,
    pub scale: f32,
}

#[derive(Deserialize)]
struct NextArgs {
    count: usize,
}

#[derive(Deserialize)]
struct InspectArgs {
    text: String,
    layer: usize,
    head: usize,
    #[serde(flatten)]
    sampling: Sampling,
}

#[derive(Deserialize)]
struct SampleArgs {
    prompt: String,
    len: usize,
    seed: u32,
    temp: f32,
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

impl Gpt {
    fn new(tokenizer: CharTokenizer, config: GptConfig, corpus: Corpus) -> Self {
        Self {
            tokenizer,
            config,
            generation: None,
            corpus,
            images: ImageReference::default(),
        }
    }

    /// Operations of the generation in progress so far, the prompt's pass included (0: none).
    pub(crate) fn generation_flops(&self) -> f64 {
        self.generation.as_ref().map_or(0.0, Generation::flops)
    }

    /// Whether `c` is in its vocabulary.
    pub(crate) fn knows(&self, c: char) -> bool {
        self.tokenizer.id(c).is_some()
    }

    fn top(&self, probs: &[f32]) -> Top {
        top_n(probs, TOP)
            .into_iter()
            .map(|(id, p)| (self.tokenizer.char(id).to_string(), p))
            .collect()
    }
}

impl Family for Gpt {
    // One character at a time, each a chain of small products.
    const GPU_PAYS: bool = false;
    type Training = GptTraining;
    type Options = Options;

    fn pretrained(
        manifest_json: &str,
        weights: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, ModelOf<Self>), JsError> {
        let manifest: GptManifest = serde_json::from_str(manifest_json).map_err(js_err)?;
        let tokenizer = manifest.tokenizer().map_err(js_err)?;
        let model = load_gpt(&manifest.config, weights, device).map_err(js_err)?;
        Ok((
            Gpt::new(tokenizer, manifest.config, Corpus::default()),
            model,
        ))
    }

    /// `data`: the text to train on (its first `lines` lines when set; its last tenth held out
    /// for validation).
    fn untrained(
        options: Options,
        data: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, GptTraining), JsError> {
        let size = GptSize::from_name(&options.size)
            .ok_or_else(|| js_err(format!("unknown size {}", options.size)))?;
        let text = String::from_utf8(data).map_err(|_| js_err("the text is not UTF-8"))?;
        let text = first_lines(&text, options.lines);
        let training = GptTraining::new(
            text,
            size,
            options.ctx,
            options.batch,
            options.lr,
            options.seed as u64,
            device,
        )
        // The page reads the numbers out of these messages to explain them.
        .map_err(|e| match e {
            TextError::TooShort { has, needs } => {
                js_err(format!("text too short: {has} of {needs}"))
            }
            TextError::OverBudget { needs, batch } => js_err(format!(
                "over the memory budget: {} MB, batch at most {batch}",
                needs >> 20
            )),
        })?;
        let gpt = Gpt::new(
            training.corpus().tokenizer.clone(),
            training.config().clone(),
            Corpus::training_on(text),
        );
        Ok((gpt, training))
    }

    fn weights(model: &ModelOf<Self>) -> Result<Vec<u8>, String> {
        save_gpt(model, Precision::Full)
    }

    fn load_weights(core: &Core<Self>, bytes: Vec<u8>) -> Result<ModelOf<Self>, JsError> {
        load_gpt(&core.family.config, bytes, &device()?).map_err(js_err)
    }

    fn step_flops(core: &Core<Self>) -> Option<f64> {
        let training = core.training().ok()?;
        Some(training_step_flops(training.config(), training.batch()))
    }

    fn info(core: &Core<Self>) -> JsValue {
        let gpt = &core.family;
        serde_wasm(&Info {
            vocab: gpt.tokenizer.vocab(),
            params: core.model().num_params(),
            block: gpt.config.block_size,
            layers: gpt.config.n_layer,
            heads: gpt.config.n_head,
            steps: core.steps(),
        })
    }

    fn verb(
        core: Shared<Self>,
        name: &str,
        args: JsValue,
        bytes: Option<Vec<u8>>,
    ) -> Result<Promise, JsError> {
        let mut bytes = bytes;
        if let Some(done) = pixel_digits::verb(&core, name, &args, &mut bytes) {
            return done;
        }
        if let Some(done) = core.borrow_mut().family.corpus.verb(name, &args, bytes) {
            return done;
        }
        Ok(match name {
            "start" => {
                let args = read::args(&args)?;
                read::promise(async move { start(&core, args).await })
            }
            "next" => {
                let args: NextArgs = read::args(&args)?;
                read::promise(async move { next(&core, args.count).await })
            }
            "inspect" => {
                let args = read::args(&args)?;
                read::promise(async move { inspect(&core, args).await })
            }
            "sample" => {
                let args = read::args(&args)?;
                read::promise(async move { sample_text(&core, args).await })
            }
            _ => return Err(js_err(format!("the GPT has no verb {name}"))),
        })
    }
}

/// Begin generating after `prompt`, writing only `only`'s characters when it names some.
/// Resolves to `{unknown, top}`: prompt characters outside the vocabulary (skipped) and the
/// next-character distribution.
pub(crate) async fn start(core: &Shared<Gpt>, args: StartArgs) -> Result<JsValue, JsError> {
    let params = SamplingParams::from(args.sampling);
    let (pending, unknown) = {
        let mut core = core.borrow_mut();
        let model = core.model();
        let gpt = &mut core.family;
        let only = args
            .only
            .chars()
            .map(|c| {
                gpt.tokenizer
                    .id(c)
                    .ok_or_else(|| js_err(format!("{c:?} is not in the model's vocabulary")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (ids, unknown) = gpt.tokenizer.encode_prompt(&args.prompt);
        let mut sampler = Sampler::new(model.clone());
        let pending = sampler.feed(&ids);
        // Scale 1 is the conditioned pass alone: no second pass to pay for.
        let free = args.guide.filter(|g| g.scale != 1.0).map(|guide| {
            let mut free = Sampler::new(model);
            let logits = free.feed(&gpt.tokenizer.encode_prompt(&guide.free_prompt).0);
            (free, logits, guide.scale)
        });
        let generation = Generation {
            sampler,
            rng: Rng::new(args.seed as u64),
            params,
            only,
            pending,
            free,
        };
        let pending = generation.pending();
        gpt.generation = Some(generation);
        (pending, unknown)
    };
    let logits = pending.read().await?;
    let core = core.borrow();
    #[derive(Serialize)]
    struct Out {
        unknown: usize,
        top: Top,
    }
    Ok(serde_wasm(&Out {
        unknown,
        top: core.family.top(&filtered_distribution(&logits, params)),
    }))
}

/// Sample one character and advance: its id and the distribution it was drawn from.
async fn advance(core: &Shared<Gpt>) -> Result<(usize, Vec<f32>), JsError> {
    let pending = {
        let core = core.borrow();
        let generation = core.family.generation.as_ref();
        generation
            .ok_or_else(|| js_err("call start first"))?
            .pending()
    };
    let logits = pending.read().await?;
    let mut core = core.borrow_mut();
    let generation = core
        .family
        .generation
        .as_mut()
        .ok_or_else(|| js_err("call start first"))?;
    let probs = filtered_distribution(&logits, generation.params);
    let id = draw(&probs, &mut generation.rng);
    generation.pending = generation.sampler.feed(&[id]);
    if let Some((free, logits, _)) = &mut generation.free {
        *logits = free.feed(&[id]);
    }
    Ok((id, probs))
}

/// What `write` wrote.
pub(crate) struct Written {
    pub text: String,
    /// The distribution the last character was drawn from (empty when none was written).
    last: Vec<f32>,
    /// When only some characters are allowed: for each character written, the probabilities
    /// of the allowed ones (in `only`'s order) it was drawn from.
    choices: Vec<f32>,
}

/// Sample `count` characters and advance.
pub(crate) async fn write(core: &Shared<Gpt>, count: usize) -> Result<Written, JsError> {
    let mut ids = Vec::with_capacity(count);
    let mut last = Vec::new();
    let mut choices = Vec::new();
    for _ in 0..count {
        let (id, drawn_from) = advance(core).await?;
        ids.push(id);
        let core = core.borrow();
        if let Some(generation) = &core.family.generation {
            choices.extend(generation.only.iter().map(|&c| drawn_from[c]));
        }
        last = drawn_from;
    }
    let core = core.borrow();
    let tokenizer = &core.family.tokenizer;
    Ok(Written {
        text: ids.iter().map(|&id| tokenizer.char(id)).collect(),
        last,
        choices,
    })
}

/// Sample `count` characters (at least one) and advance: one call per few characters, not one
/// per character, keeps the worker's messages and the page's redraws off the critical path.
/// Resolves to `{text, top, flops, choices}`: the characters, the distribution the last was
/// drawn from, the generation's operations so far and, when only some characters are allowed,
/// each character's probabilities of those (`Written::choices`).
async fn next(core: &Shared<Gpt>, count: usize) -> Result<JsValue, JsError> {
    let written = write(core, count.max(1)).await?;
    #[derive(Serialize)]
    struct Out {
        text: String,
        top: Top,
        /// Operations of this generation so far, the prompt's pass included (`cost.rs`).
        flops: f64,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        choices: Vec<f32>,
    }
    let core = core.borrow();
    let gpt = &core.family;
    let generation = gpt
        .generation
        .as_ref()
        .ok_or_else(|| js_err("call start first"))?;
    Ok(serde_wasm(&Out {
        text: written.text,
        top: gpt.top(&written.last),
        flops: generation.flops(),
        choices: written.choices,
    }))
}

/// `len` characters after `prompt` at temperature `temp`, as one string.
async fn sample_text(core: &Shared<Gpt>, args: SampleArgs) -> Result<JsValue, JsError> {
    let sampling = Sampling {
        temp: args.temp,
        topk: 0,
        topp: 1.0,
    };
    let first = StartArgs {
        prompt: args.prompt,
        seed: args.seed,
        sampling,
        only: String::new(),
        guide: None,
    };
    start(core, first).await?;
    Ok(JsValue::from(write(core, args.len).await?.text))
}

/// Look inside the model on `text` (its last `block` characters): for each position the
/// next-character distribution, and `layer`/`head`'s attention map. Resolves to
/// `{chars, top: [[ch, p]...] per position, attention: Float32Array T×T, layers, heads}`.
async fn inspect(core: &Shared<Gpt>, args: InspectArgs) -> Result<JsValue, JsError> {
    let (logits, map, ids) = {
        let core = core.borrow();
        let gpt = &core.family;
        let (mut ids, _) = gpt.tokenizer.encode_prompt(&args.text);
        let block = gpt.config.block_size;
        if ids.len() > block {
            ids.drain(..ids.len() - block);
        }
        let model = core.model();
        let device = model.devices()[0].clone();
        let ints: Vec<i64> = ids.iter().map(|&i| i as i64).collect();
        let (logits, maps) =
            model.forward_with_attention(token_tensor(&ints, 1, ids.len(), &device));
        let layer = args.layer.min(maps.len() - 1);
        let head = args.head.min(gpt.config.n_head - 1);
        let map = maps[layer].clone().narrow(1, head, 1); // [1, 1, T, T]
        (logits, map, ids)
    };
    let t = ids.len();
    let logits = read::floats(logits).await?; // T × V
    let map = read::floats(map).await?; // T × T
    let core = core.borrow();
    let gpt = &core.family;
    let params = SamplingParams::from(args.sampling);
    let v = gpt.tokenizer.vocab_size();
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
            .map(|&i| gpt.tokenizer.char(i).to_string())
            .collect(),
        top: (0..t)
            .map(|i| gpt.top(&filtered_distribution(&logits[i * v..(i + 1) * v], params)))
            .collect(),
        layers: gpt.config.n_layer,
        heads: gpt.config.n_head,
    });
    Reflect::set(
        &out,
        &"attention".into(),
        &Float32Array::from(map.as_slice()),
    )
    .map_err(|_| js_err("cannot build result"))?;
    Ok(out)
}
