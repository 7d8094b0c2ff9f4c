//! `iagen-cli sample pixelgpt`: digits from a GPT trained on `pixeles.txt` (the GPT's own model
//! and trainer, `train gpt`; the text is `iagen_core::pixel_text`'s), written pixel by pixel
//! after a class token, only pixel levels allowed, and shown at 28 × 28; `iagen-cli eval
//! pixelgpt`: its held-out negative log-likelihood per digit; `iagen-cli bench pixelgpt`: how
//! many pixels a second it writes.

use iagen_core::pixel_text::{FULL, LEVELS, SIDE, class_token, decode};
use iagen_core::rng::Rng;
use iagen_core::sampling::{SamplingParams, guided, only, sample};
use iagen_gpt::{Sampler, token_tensor};

use crate::gpt::{LoadedGpt, SamplingArgs, load};
use crate::host::{DeviceArg, floats, read_text};
use crate::images::{SampleOutArgs, class_arg};
use crate::measure::measure;

/// How a pixel GPT draws: the next pixel's sampling, and guidance towards the digit asked for.
#[derive(clap::Args)]
pub struct PixelSamplingArgs {
    #[command(flatten)]
    sampling: SamplingArgs,
    /// Guidance scale s for a digit asked for: each pixel's logits are l? + s·(lc − l?), from the
    /// class's pass and a class-free pass (`?`) beside it; 1 is the class's alone (one pass).
    /// 2 by default: the judge names the digit asked for in ~97 % of them, ~82 % at 1.
    #[arg(long, default_value_t = 2.0)]
    class_guidance: f32,
}

impl PixelSamplingArgs {
    pub(crate) fn params(&self) -> (SamplingParams, f32) {
        (self.sampling.params(), self.class_guidance)
    }
}

/// Draw digits with a saved pixel GPT into a PNG grid.
#[derive(clap::Args)]
pub struct SamplePixelArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// The digit to ask for, as a word (or none).
    #[arg(long, default_value = "none")]
    class: String,
    /// The first digit's seed; digit i uses seed + i.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    sampling: PixelSamplingArgs,
    #[command(flatten)]
    output: SampleOutArgs,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn sample_digits(args: &SamplePixelArgs) -> Result<(), String> {
    let loaded = load(&args.model, &args.device.get())?;
    let class = class_arg("mnist", &args.class)?;
    let classes = vec![class; args.output.n];
    let (images, _) = write_digits(
        &loaded,
        &args.model,
        &classes,
        args.seed,
        args.sampling.params(),
    )?;
    args.output.write(&images)
}

/// Digits of `classes` (each a digit, or none) written by a pixel GPT (`name` says which, in
/// errors), digit i from seed `seed + i`, with `guidance` (`PixelSamplingArgs`): bytes `n × 784`,
/// at 28 × 28, and the floating-point operations of the model's passes.
pub(crate) fn write_digits(
    loaded: &LoadedGpt,
    name: &str,
    classes: &[Option<usize>],
    seed: u64,
    (params, guidance): (SamplingParams, f32),
) -> Result<(Vec<u8>, f64), String> {
    let token = |c: char| token(loaded, name, c);
    let pixels = level_ids(loaded, name)?;
    let unnamed = (guidance != 1.0)
        .then(|| token(class_token(None)))
        .transpose()?;
    let mut images = Vec::with_capacity(classes.len() * FULL * FULL);
    let mut flops = 0.0;
    for (i, class) in classes.iter().enumerate() {
        // A digit starts a line: a newline, then its class token.
        let prompt = [token('\n')?, token(class_token(class.map(|c| c as u8)))?];
        let mut rng = Rng::new(seed + i as u64);
        let mut sampler = Sampler::new(loaded.model.clone());
        let mut logits = sampler.feed(&prompt);
        // Guidance: the same digit's class-free pass beside it.
        let mut free = match unnamed {
            Some(unnamed) if class.is_some() => {
                let mut free = Sampler::new(loaded.model.clone());
                let logits = free.feed(&[prompt[0], unnamed]);
                Some((free, logits))
            }
            _ => None,
        };
        let mut written = String::with_capacity(SIDE * SIDE);
        for _ in 0..SIDE * SIDE {
            let logits_now = match &free {
                Some((_, l)) => guided(&floats(logits), &floats(l.clone()), guidance),
                None => floats(logits),
            };
            // Only the four grey levels: a newline or a class token here would end the picture.
            let next = sample(&only(logits_now, &pixels), params, &mut rng);
            written.push(loaded.tokenizer.char(next));
            logits = sampler.feed(&[next]);
            if let Some((f, l)) = &mut free {
                *l = f.feed(&[next]);
            }
        }
        flops += sampler.flops() + free.map_or(0.0, |(f, _)| f.flops());
        let image = decode(&written)?;
        images.extend(image.iter().map(|v| (v * 255.0).round() as u8));
    }
    Ok((images, flops))
}

/// The id of `c` in a pixel GPT's vocabulary (`name` says which model, in errors).
fn token(loaded: &LoadedGpt, name: &str, c: char) -> Result<usize, String> {
    loaded
        .tokenizer
        .id(c)
        .ok_or_else(|| format!("{name}: {c:?} is not in its vocabulary: not a pixel GPT"))
}

/// The grey levels' ids, black to white.
fn level_ids(loaded: &LoadedGpt, name: &str) -> Result<Vec<usize>, String> {
    LEVELS.iter().map(|&c| token(loaded, name, c)).collect()
}

/// Score a pixel GPT on held-out digits: the negative log-likelihood of each digit's 196
/// pixels (the model allowed only grey levels, as when it draws), in nats per digit, given the
/// digit's class token and given none (`?`).
#[derive(clap::Args)]
pub struct EvalPixelArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// The pixel text (`pixeles.txt`, one digit a line).
    #[arg(long)]
    data: String,
    /// Score only this last share of its lines (the held-out tenth: the model never saw it).
    #[arg(long, default_value_t = 0.1)]
    tail: f64,
    #[command(flatten)]
    device: DeviceArg,
}

/// Digits scored in one pass.
const EVAL_BATCH: usize = 50;

pub fn eval_digits(args: &EvalPixelArgs) -> Result<(), String> {
    let device = args.device.get();
    let loaded = load(&args.model, &device)?;
    let name = &args.model;
    let text = read_text(&args.data)?;
    let lines: Vec<&str> = text.lines().collect();
    let held = &lines[lines.len() - (lines.len() as f64 * args.tail).round() as usize..];
    let levels = level_ids(&loaded, name)?;
    let newline = token(&loaded, name, '\n')?;
    for (label, asked) in [("given its class", true), ("given none (?)", false)] {
        let mut total = 0.0f64;
        for chunk in held.chunks(EVAL_BATCH) {
            let mut inputs = Vec::with_capacity(chunk.len() * (SIDE * SIDE + 1));
            let mut targets = Vec::with_capacity(chunk.len() * SIDE * SIDE);
            for line in chunk {
                let mut chars = line.chars();
                let class = chars.next().ok_or("an empty line")?;
                let class = if asked { class } else { class_token(None) };
                let pixels: Vec<usize> = chars
                    .map(|c| token(&loaded, name, c))
                    .collect::<Result<_, _>>()?;
                if pixels.len() != SIDE * SIDE {
                    return Err(format!("{}: a line of {} pixels", args.data, pixels.len()));
                }
                // The model reads a newline, the class and every pixel but the last, and
                // predicts each pixel from those before it.
                inputs.extend([newline, token(&loaded, name, class)?]);
                inputs.extend(&pixels[..SIDE * SIDE - 1]);
                targets.extend(pixels);
            }
            let n = chunk.len();
            let t = SIDE * SIDE + 1;
            let ints: Vec<i64> = inputs.iter().map(|&i| i as i64).collect();
            let logits = floats(loaded.model.forward(token_tensor(&ints, n, t, &device)));
            let v = loaded.tokenizer.vocab_size();
            for (k, &target) in targets.iter().enumerate() {
                let (b, p) = (k / (SIDE * SIDE), k % (SIDE * SIDE));
                let row = &logits[(b * t + p + 1) * v..(b * t + p + 2) * v];
                total += pixel_nll(row, &levels, target);
            }
        }
        let per_digit = total / held.len() as f64;
        println!(
            "{} held-out digits, {label}: {per_digit:.1} nats per digit ({:.3} bits per pixel)",
            held.len(),
            per_digit / (SIDE * SIDE) as f64 / std::f64::consts::LN_2
        );
    }
    Ok(())
}

/// −log p(`target`) under `logits` restricted to the grey levels `levels`.
fn pixel_nll(logits: &[f32], levels: &[usize], target: usize) -> f64 {
    let max = levels.iter().map(|&l| logits[l]).fold(f32::MIN, f32::max) as f64;
    let sum: f64 = levels.iter().map(|&l| (logits[l] as f64 - max).exp()).sum();
    max + sum.ln() - logits[target] as f64
}

#[cfg(test)]
mod tests {
    use super::pixel_nll;

    #[test]
    fn a_pixel_nll_counts_only_the_grey_levels() {
        // Equal logits over four levels: log 4 whatever the other tokens say.
        let logits = [0.0, 0.0, 0.0, 0.0, 50.0];
        assert!((pixel_nll(&logits, &[0, 1, 2, 3], 2) - 4f64.ln()).abs() < 1e-9);
        // A level twice as likely as each of two others (one ruled out by −∞-like logit).
        let logits = [2f32.ln(), 0.0, 0.0, -1e9, 3.0];
        assert!((pixel_nll(&logits, &[0, 1, 2, 3], 0) - 2f64.ln()).abs() < 1e-6);
    }
}

/// Native speed of a pixel GPT: pixels written per second (digits nobody asked for, one pass
/// of the model, a read-back and a draw per pixel: the page's loop).
#[derive(clap::Args)]
pub struct BenchPixelArgs {
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// Digits timed (after one to warm up).
    #[arg(long, default_value_t = 3)]
    digits: usize,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn bench_digits(args: &BenchPixelArgs) -> Result<(), String> {
    let loaded = load(&args.model, &args.device.get())?;
    let mut seed = 0;
    let mut failed = None;
    let digits = measure(args.digits, || {
        seed += 1;
        if let Err(e) = write_digits(
            &loaded,
            &args.model,
            &[None],
            seed,
            (SamplingParams::default(), 1.0),
        ) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let on = format!("{:?}", args.device.device).to_lowercase();
    println!(
        "native {on}\tpixelgpt_pixels_per_s\t{:.0}",
        digits.per_s * (SIDE * SIDE) as f64
    );
    Ok(())
}
