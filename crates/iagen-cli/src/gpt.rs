//! `iagen-cli {train,sample,eval,bench} gpt`: the native side of the tiny GPT.

use std::time::Instant;

use burn::prelude::*;
use iagen_core::metrics::nats_to_bits;
use iagen_core::rng::Rng;
use iagen_core::sampling::{SamplingParams, sample};
use iagen_core::text_data::{TextCorpus, TokenBatch, sequential_windows};
use iagen_core::tokenizer::CharTokenizer;
use iagen_gpt::{
    Gpt, GptConfig, GptManifest, GptSize, Sampler, Trainer, cross_entropy, load_gpt, save_gpt,
    token_tensor,
};

use crate::args::Args;
use crate::host::{device, lr_scale, read_text, scalar};
use crate::model_files;

struct LoadedGpt {
    model: Gpt,
    tokenizer: CharTokenizer,
    manifest: GptManifest,
}

fn load(prefix: &str, device: &Device) -> Result<LoadedGpt, String> {
    let (manifest, bytes): (GptManifest, _) = model_files::load(prefix)?;
    Ok(LoadedGpt {
        model: load_gpt(&manifest.config, bytes, device)?,
        tokenizer: CharTokenizer::from_vocab(&manifest.vocab),
        manifest,
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

pub fn train(args: &Args) -> Result<(), String> {
    let data_path = args.required("data")?;
    let out = args.required("out")?;
    let name = args.get("name", "custom".to_string())?;
    let size = GptSize::from_name(&args.get("size", "small".to_string())?)
        .ok_or("--size: nano, tiny or small")?;
    let ctx: usize = args.get("ctx", 128)?;
    let batch: usize = args.get("batch", 32)?;
    let steps: usize = args.get("steps", 2000)?;
    let lr: f64 = args.get("lr", 3e-3)?;
    let seed: u64 = args.get("seed", 42)?;
    let val_fraction: f32 = args.get("val", 0.1)?;
    let dropout: f64 = args.get("dropout", 0.0)?;
    let eval_every: usize = args.get("eval-every", 250)?;
    // Stop early (then evaluate and save as usual) when a time budget runs out, or after
    // `--stop-after` steps (the schedule still spans `--steps`).
    let time_limit: f32 = args.get("time-limit", f32::INFINITY)?;
    let stop_after: usize = args.get("stop-after", steps)?;

    let device = device(args)?;
    let text = read_text(&data_path)?;
    let corpus = TextCorpus::new(&text, val_fraction);
    // `--init PREFIX` goes on with a saved run: its config, from its step count to `--steps`
    // (the learning-rate schedule continues; the optimizer's moments start afresh).
    let (config, mut trainer, done) = match args.required("init") {
        Ok(prefix) => {
            let loaded = load(&prefix, &device)?;
            if loaded.tokenizer.vocab() != corpus.tokenizer.vocab() {
                return Err(format!(
                    "{prefix}: trained on another alphabet than {data_path}"
                ));
            }
            let trainer = Trainer::from_model(loaded.model, lr, &device);
            (loaded.manifest.config, trainer, loaded.manifest.steps)
        }
        Err(_) => {
            let config = GptConfig::preset(size, corpus.tokenizer.vocab_size(), ctx)
                .with_seed(seed)
                .with_dropout(dropout);
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
    for step in done..steps.min(stop_after) {
        if started.elapsed().as_secs_f32() > time_limit {
            println!("time limit reached after {step} steps");
            break;
        }
        trainer.set_lr(lr * lr_scale(step, steps));
        let b: TokenBatch = corpus
            .train_batch(&mut rng, batch, ctx)
            .ok_or("text shorter than one context")?;
        let loss = trainer.step(&b);
        trained = step + 1;
        if trained % eval_every == 0 || trained == steps {
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
            let model = save_gpt(&trainer.inference_model())?;
            model_files::save(&out, model, &manifest(trained, val))?;
        }
    }
    let model = trainer.inference_model();
    let val_loss = held_out_loss(&model, &corpus.val, &device);
    println!(
        "held-out loss {val_loss:.4} nats/char = {:.4} bits/char; wall time {:.0} s",
        nats_to_bits(val_loss),
        started.elapsed().as_secs_f32()
    );
    model_files::save(&out, save_gpt(&model)?, &manifest(trained, val_loss))
}

fn sampling_params(args: &Args) -> Result<SamplingParams, String> {
    Ok(SamplingParams {
        temperature: args.get("temp", 0.8)?,
        top_k: args.get("top-k", 0)?,
        top_p: args.get("top-p", 1.0)?,
    })
}

pub fn sample_text(args: &Args) -> Result<(), String> {
    let device = device(args)?;
    let loaded = load(&args.required("model")?, &device)?;
    let prompt = args.get("prompt", String::new())?;
    let len: usize = args.get("len", 300)?;
    let params = sampling_params(args)?;
    let mut rng = Rng::new(args.get("seed", 42)?);
    let mut sampler = Sampler::new(loaded.model.clone());
    let mut logits = sampler.feed(&loaded.tokenizer.encode_prompt(&prompt).0);
    let mut out = prompt.clone();
    for _ in 0..len {
        let next = sample(
            &logits.into_data().try_to_vec::<f32>().unwrap(),
            params,
            &mut rng,
        );
        out.push(loaded.tokenizer.char(next));
        logits = sampler.feed(&[next]);
    }
    println!("{out}");
    Ok(())
}

pub fn eval(args: &Args) -> Result<(), String> {
    let device = device(args)?;
    let loaded = load(&args.required("model")?, &device)?;
    let text = read_text(&args.required("text")?)?;
    // `--tail F` scores only the last fraction F: the held-out split of the training corpus.
    let tail: f32 = args.get("tail", 1.0)?;
    let skip = text.chars().count() - (text.chars().count() as f32 * tail) as usize;
    let scored: String = text.chars().skip(skip).collect();
    let (ids, unknown) = loaded.tokenizer.encode_lossy(&scored);
    let nats = held_out_loss(&loaded.model, &ids, &device);
    println!(
        "{} characters scored, {unknown} outside the vocabulary (skipped, not scored)",
        ids.len()
    );
    println!("{nats:.4} nats/char = {:.4} bits/char", nats_to_bits(nats));
    Ok(())
}

pub fn bench(args: &Args) -> Result<(), String> {
    let device = Device::flex();
    let loaded = load(&args.required("model")?, &device)?;
    let chars: usize = args.get("chars", 200)?;
    let mut rng = Rng::new(1);
    let mut sampler = Sampler::new(loaded.model.clone());
    let started = Instant::now();
    let mut logits = sampler.feed(&loaded.tokenizer.encode_prompt("").0);
    for _ in 0..chars {
        let next = sample(
            &logits.into_data().try_to_vec::<f32>().unwrap(),
            SamplingParams::default(),
            &mut rng,
        );
        logits = sampler.feed(&[next]);
    }
    let gen_rate = chars as f32 / started.elapsed().as_secs_f32();

    let text = read_text(&args.required("text")?)?;
    let corpus = TextCorpus::with_tokenizer(loaded.tokenizer.clone(), &text, 0.0);
    let (batch, ctx, steps) = (
        args.get("batch", 16)?,
        args.get("ctx", 64)?,
        args.get("steps", 20)?,
    );
    let config = GptConfig::preset(GptSize::Nano, loaded.tokenizer.vocab_size(), ctx);
    let mut trainer = Trainer::new(&config, 3e-3, &device);
    let started = Instant::now();
    for _ in 0..steps {
        scalar(trainer.step(&corpus.train_batch(&mut rng, batch, ctx).unwrap()));
    }
    let step_rate = steps as f32 / started.elapsed().as_secs_f32();
    println!("native\tgenerate_chars_per_s\t{gen_rate:.1}\ttrain_nano_steps_per_s\t{step_rate:.2}");
    Ok(())
}
