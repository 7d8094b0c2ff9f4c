//! `iagen-cli {train,sample,eval,bench} gpt`: the native side of the tiny GPT.

use std::collections::HashSet;
use std::time::Instant;

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::copy_finder::CorpusIndex;
use iagen_core::metrics::nats_to_bits;
use iagen_core::rng::Rng;
use iagen_core::sampling::{SamplingParams, sample};
use iagen_core::text_data::{TextCorpus, TokenBatch, sequential_windows, training_head};
use iagen_core::text_stats::{known_word_share, words};
use iagen_core::tokenizer::CharTokenizer;
use iagen_gpt::{
    Gpt, GptConfig, GptManifest, GptSize, Sampler, Trainer, cross_entropy, load_gpt, save_gpt,
    token_tensor,
};

use crate::host::{DeviceArg, StopArgs, floats, lr_scale, read_text, scalar};
use crate::measure::measure;
use crate::model_files;

pub(crate) struct LoadedGpt {
    pub(crate) model: Gpt,
    pub(crate) tokenizer: CharTokenizer,
}

pub(crate) fn load(prefix: &str, device: &Device) -> Result<LoadedGpt, String> {
    let (manifest, bytes): (GptManifest, _) = model_files::load(prefix)?;
    Ok(LoadedGpt {
        tokenizer: manifest.tokenizer()?,
        model: load_gpt(&manifest.config, bytes, device)?,
    })
}

/// Mean held-out loss (nats/char) over consecutive windows of `ids`.
fn held_out_loss(model: &Gpt, ids: &[usize], device: &Device) -> f32 {
    let block = model.block_size();
    let windows: Vec<_> = sequential_windows(ids, block).collect();
    let (mut total, mut count) = (0.0f64, 0usize);
    for chunk in windows.chunks(32) {
        let inputs: Vec<i64> = chunk
            .iter()
            .flat_map(|(x, _)| x.iter().map(|&i| i as i64))
            .collect();
        let targets: Vec<i64> = chunk
            .iter()
            .flat_map(|(_, y)| y.iter().map(|&i| i as i64))
            .collect();
        let n = chunk.len();
        let logits = model.forward(token_tensor(&inputs, n, block, device));
        total += scalar(cross_entropy(
            logits,
            token_tensor(&targets, n, block, device),
        )) as f64
            * (n * block) as f64;
        count += n * block;
    }
    (total / count.max(1) as f64) as f32
}

/// Train a GPT on a text file; saves PREFIX.bpk (weights) and PREFIX.json (manifest) at
/// every evaluation, so a run that is cut off can go on with --init.
#[derive(clap::Args)]
pub struct TrainArgs {
    /// The training text (UTF-8); its last --val share is held out.
    #[arg(long)]
    data: String,
    /// Where to save (PREFIX.bpk and PREFIX.json).
    #[arg(long)]
    out: String,
    /// The data set's name, recorded in the manifest.
    #[arg(long, default_value = "custom")]
    name: String,
    #[arg(long, default_value = "small", value_parser = ["nano", "tiny", "small"])]
    size: String,
    /// Context length in characters.
    #[arg(long, default_value_t = 128)]
    ctx: usize,
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Steps of the learning-rate schedule (warm-up, cosine decay to a tenth).
    #[arg(long, default_value_t = 2000)]
    steps: usize,
    #[arg(long, default_value_t = 3e-3)]
    lr: f64,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The held-out share at the end of the text.
    #[arg(long, default_value_t = 0.1)]
    val: f32,
    /// Dropout (default 0, or the --init model's: given with --init, it changes the run's).
    #[arg(long)]
    dropout: Option<f64>,
    /// Begin every training window at a line (for text whose lines mean something from their
    /// start: a pixel GPT's digits, whose class token opens the line).
    #[arg(long)]
    from_lines: bool,
    #[arg(long, default_value_t = 250)]
    eval_every: usize,
    #[command(flatten)]
    stop: StopArgs,
    /// Go on with a saved run (its config; the schedule continues up to --steps in all, the
    /// optimizer's moments start afresh).
    #[arg(long, value_name = "PREFIX")]
    init: Option<String>,
    /// The final save's precision (checkpoints stay full, so a run can go on exactly).
    #[arg(long, default_value = "full", value_parser = parse_precision)]
    precision: Precision,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn parse_precision(name: &str) -> Result<Precision, String> {
    match name {
        "full" => Ok(Precision::Full),
        "half" => Ok(Precision::Half),
        _ => Err("full (32-bit floats) or half (16-bit)".into()),
    }
}

pub fn train(args: &TrainArgs) -> Result<(), String> {
    let (name, out) = (&args.name, &args.out);
    let (steps, lr, seed, batch) = (args.steps, args.lr, args.seed, args.batch);
    let device = args.device.get();
    let text = read_text(&args.data)?;
    let corpus = TextCorpus::new(&text, args.val);
    let (config, mut trainer, done) = match &args.init {
        Some(prefix) => {
            let (manifest, bytes): (GptManifest, _) = model_files::load(prefix)?;
            if manifest.tokenizer()?.vocab() != corpus.tokenizer.vocab() {
                return Err(format!(
                    "{prefix}: trained on another alphabet than {}",
                    args.data
                ));
            }
            // Dropout changes no weight: the saved ones load into the model as configured.
            let config = match args.dropout {
                Some(dropout) => manifest.config.with_dropout(dropout),
                None => manifest.config,
            };
            let model = load_gpt(&config, bytes, &device)?;
            (
                config,
                Trainer::from_model(model, lr, &device),
                manifest.steps,
            )
        }
        None => {
            let size = GptSize::from_name(&args.size).expect("clap checked the size");
            let config = GptConfig::preset(size, corpus.tokenizer.vocab_size(), args.ctx)
                .with_seed(seed)
                .with_dropout(args.dropout.unwrap_or(0.0));
            let trainer = Trainer::new(&config, lr, &device);
            (config, trainer, 0)
        }
    };
    let ctx = config.block_size;
    let params = trainer.inference_model().num_params();
    println!(
        "{name}: {} train / {} held-out chars, vocab {}, {params} parameters",
        corpus.train.len(),
        corpus.val.len(),
        corpus.tokenizer.vocab_size()
    );
    // A resumed run draws other batches than the run it continues.
    let mut rng = Rng::new(seed ^ done as u64);
    let mut val_rng = Rng::new(seed ^ 0x5EED);
    let manifest = |steps: usize, val_loss: f32| GptManifest {
        config: config.clone(),
        vocab: corpus.tokenizer.vocab(),
        data: name.clone(),
        steps,
        val_loss,
    };
    let started = Instant::now();
    let mut trained = done;
    for step in done..args.stop.last_step(steps) {
        if args.stop.out_of_time(started, step) {
            break;
        }
        trainer.set_lr(lr * lr_scale(step, steps));
        let b: TokenBatch = if args.from_lines {
            corpus
                .train_batch_from_lines(&mut rng, batch, ctx)
                .ok_or("no line begins a whole context before the text's end")?
        } else {
            corpus
                .train_batch(&mut rng, batch, ctx)
                .ok_or("text shorter than one context")?
        };
        let loss = trainer.step(&b);
        trained = step + 1;
        if trained % args.eval_every == 0 || trained == steps {
            let val: f32 = (0..4)
                .map(|_| {
                    scalar(trainer.eval_loss(&corpus.val_batch(&mut val_rng, batch, ctx).unwrap()))
                })
                .sum::<f32>()
                / 4.0;
            println!(
                "step {trained:>6}  train {:.3}  val≈{val:.3} nats/char  {:.1} s",
                scalar(loss),
                started.elapsed().as_secs_f32()
            );
            // Saved at every evaluation, so a long run that is cut off can go on (`--init`).
            let model = save_gpt(&trainer.inference_model(), Precision::Full)?;
            model_files::save(out, model, &manifest(trained, val))?;
        }
    }
    let model = trainer.inference_model();
    let val_loss = held_out_loss(&model, &corpus.val, &device);
    println!(
        "held-out loss {val_loss:.4} nats/char = {:.4} bits/char; wall time {:.0} s",
        nats_to_bits(val_loss),
        started.elapsed().as_secs_f32()
    );
    let bytes = save_gpt(&model, args.precision)?;
    // The manifest records the loss of the weights as saved: 16-bit storage moves it a little.
    let val_loss = if args.precision == Precision::Full {
        val_loss
    } else {
        let saved = load_gpt(&config, bytes.clone(), &device)?;
        let saved_loss = held_out_loss(&saved, &corpus.val, &device);
        println!(
            "as saved ({:?} precision): {saved_loss:.4} nats/char = {:.4} bits/char",
            args.precision,
            nats_to_bits(saved_loss)
        );
        saved_loss
    };
    model_files::save(out, bytes, &manifest(trained, val_loss))
}

/// How the next character is drawn.
#[derive(clap::Args)]
pub struct SamplingArgs {
    #[arg(long, default_value_t = 0.8)]
    temp: f32,
    /// Keep only the k likeliest characters (0: all).
    #[arg(long, default_value_t = 0)]
    top_k: usize,
    /// Keep the likeliest characters whose probabilities sum to p.
    #[arg(long, default_value_t = 1.0)]
    top_p: f32,
}

impl SamplingArgs {
    pub(crate) fn params(&self) -> SamplingParams {
        SamplingParams {
            temperature: self.temp,
            top_k: self.top_k,
            top_p: self.top_p,
        }
    }
}

/// `len` characters after `prompt`, sampled with `params` from a generator seeded with `seed`.
/// `prompt` and up to `len` characters after it, ending early once what was written ends with
/// `until` (when not empty).
fn generate(
    loaded: &LoadedGpt,
    (prompt, until): (&str, &str),
    len: usize,
    params: SamplingParams,
    seed: u64,
) -> String {
    let mut rng = Rng::new(seed);
    let mut sampler = Sampler::new(loaded.model.clone());
    let mut logits = sampler.feed(&loaded.tokenizer.encode_prompt(prompt).0);
    let mut written = String::new();
    for _ in 0..len {
        let next = sample(&floats(logits), params, &mut rng);
        written.push(loaded.tokenizer.char(next));
        if !until.is_empty() && written.ends_with(until) {
            break;
        }
        logits = sampler.feed(&[next]);
    }
    format!("{prompt}{written}")
}

/// Write text with a saved GPT.
#[derive(clap::Args)]
pub struct SampleArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// The text to continue.
    #[arg(long, default_value = "")]
    prompt: String,
    /// Characters to write (at most, with --until).
    #[arg(long, default_value_t = 300)]
    len: usize,
    /// The first sample's seed; sample i uses seed + i.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Samples to write, each from the prompt; with more than one, each ends with a blank line
    /// (one is added where it has none), so a file of tunes holds one tune a sample.
    #[arg(long, default_value_t = 1)]
    count: u64,
    /// Stop a sample once what it wrote ends with this text (a blank line ends a tune: $'\n\n').
    #[arg(long, default_value = "")]
    until: String,
    #[command(flatten)]
    sampling: SamplingArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn sample_text(args: &SampleArgs) -> Result<(), String> {
    let loaded = load(&args.model, &args.device.get())?;
    for i in 0..args.count {
        let text = generate(
            &loaded,
            (&args.prompt, &args.until),
            args.len,
            args.sampling.params(),
            args.seed + i,
        );
        if args.count == 1 {
            println!("{text}");
        } else {
            println!("{}\n", text.trim_end());
        }
    }
    Ok(())
}

/// Score a saved GPT: held-out bits per character and, with --words, how real and how copied
/// its writing is.
#[derive(clap::Args)]
pub struct EvalArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// The text to score (the training corpus, with --tail for its held-out part).
    #[arg(long)]
    text: String,
    /// Score only this last share of the text.
    #[arg(long, default_value_t = 1.0)]
    tail: f32,
    /// A word list (one per line): also sample --samples texts of --len characters (seeds 1,
    /// 2, ...) and report the share of their words found in it or in the training text (the
    /// text before the tail), and how much of them is copied verbatim from that training text.
    #[arg(long, value_name = "FILE")]
    words: Option<String>,
    #[arg(long, default_value_t = 3)]
    samples: u64,
    #[arg(long, default_value_t = 3000)]
    len: usize,
    #[command(flatten)]
    sampling: SamplingArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn eval(args: &EvalArgs) -> Result<(), String> {
    let device = args.device.get();
    let loaded = load(&args.model, &device)?;
    let text = read_text(&args.text)?;
    let training = training_head(&text, args.tail);
    let scored = &text[training.len()..];
    let (ids, unknown) = loaded.tokenizer.encode_lossy(scored);
    let nats = held_out_loss(&loaded.model, &ids, &device);
    println!(
        "{} characters scored, {unknown} outside the vocabulary (skipped, not scored)",
        ids.len()
    );
    println!("{nats:.4} nats/char = {:.4} bits/char", nats_to_bits(nats));
    if let Some(dict) = &args.words {
        let mut known: HashSet<String> = words(&read_text(dict)?).collect();
        known.extend(words(training));
        let index = CorpusIndex::new(training.to_string());
        for seed in 1..=args.samples {
            let sampled = generate(&loaded, ("", ""), args.len, args.sampling.params(), seed);
            let copied = index.copies(&sampled, COPY_MIN);
            println!(
                "seed {seed}: {:.1} % known words; longest copied run {} chars; {:.1} % of chars in copies of ≥ {COPY_MIN}",
                100.0 * known_word_share(&sampled, &known),
                copied.longest,
                100.0 * copied.share
            );
        }
        // What a text the model never saw, from the same source, copies by coincidence.
        let held: String = scored.chars().take(args.len).collect();
        let coincidence = index.copies(&held, COPY_MIN);
        println!(
            "held-out text, {} chars: longest copied run {} chars; {:.1} % of chars in copies of ≥ {COPY_MIN}",
            held.chars().count(),
            coincidence.longest,
            100.0 * coincidence.share
        );
    }
    Ok(())
}

/// Copies this long or longer count as memorised text (a dozen characters is two or three words).
const COPY_MIN: usize = 12;

/// Native speed of a saved GPT: characters generated per second, and `nano` training steps
/// per second on its alphabet (the CPU, for comparison with the page).
#[derive(clap::Args)]
pub struct BenchArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// The text to draw training batches from.
    #[arg(long)]
    text: String,
    #[arg(long, default_value_t = 200)]
    chars: usize,
    #[arg(long, default_value_t = 20)]
    steps: usize,
    #[arg(long, default_value_t = 16)]
    batch: usize,
    #[arg(long, default_value_t = 64)]
    ctx: usize,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn bench(args: &BenchArgs) -> Result<(), String> {
    let device = args.device.get();
    let loaded = load(&args.model, &device)?;
    let mut rng = Rng::new(1);
    let mut sampler = Sampler::new(loaded.model.clone());
    let mut logits = sampler.feed(&loaded.tokenizer.encode_prompt("").0);
    // One character: read the logits back, draw, feed it (the page's generation loop).
    let generation = measure(args.chars, || {
        let next = sample(&floats(logits.clone()), SamplingParams::default(), &mut rng);
        logits = sampler.feed(&[next]);
    });

    let text = read_text(&args.text)?;
    let corpus = TextCorpus::with_tokenizer(loaded.tokenizer.clone(), &text, 0.0);
    let (batch, ctx) = (args.batch, args.ctx);
    let config = GptConfig::preset(GptSize::Nano, loaded.tokenizer.vocab_size(), ctx);
    let mut trainer = Trainer::new(&config, 3e-3, &device);
    let training = measure(args.steps, || {
        scalar(trainer.step(&corpus.train_batch(&mut rng, batch, ctx).unwrap()));
    });
    let on = format!("{:?}", args.device.device).to_lowercase();
    println!(
        "native {on}\tgenerate_chars_per_s\t{}\ttrain_nano_steps_per_s\t{}",
        generation.describe(1, "char"),
        training.describe(2, "step")
    );
    Ok(())
}
