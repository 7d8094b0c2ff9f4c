//! `iagen-cli sample pixelgpt`: digits from a GPT trained on `pixeles.txt` (the GPT's own model
//! and trainer, `train gpt`; the text is `iagen_core::pixel_text`'s), written pixel by pixel
//! after a class token, only pixel levels allowed, and shown at 28 × 28.

use iagen_core::pixel_text::{FULL, LEVELS, SIDE, class_token, decode};
use iagen_core::rng::Rng;
use iagen_core::sampling::{SamplingParams, sample};
use iagen_gpt::Sampler;

use crate::gpt::{LoadedGpt, SamplingArgs, load};
use crate::host::{DeviceArg, floats};
use crate::images::{SampleOutArgs, class_arg};

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
    sampling: SamplingArgs,
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
/// errors), digit i from seed `seed + i`: bytes `n × 784`, at 28 × 28, and the floating-point
/// operations of the model's passes.
pub(crate) fn write_digits(
    loaded: &LoadedGpt,
    name: &str,
    classes: &[Option<usize>],
    seed: u64,
    params: SamplingParams,
) -> Result<(Vec<u8>, f64), String> {
    let token = |c: char| {
        loaded
            .tokenizer
            .id(c)
            .ok_or_else(|| format!("{name}: {c:?} is not in its vocabulary: not a pixel GPT"))
    };
    let pixels = LEVELS
        .iter()
        .map(|&c| token(c))
        .collect::<Result<Vec<_>, _>>()?;
    let mut images = Vec::with_capacity(classes.len() * FULL * FULL);
    let mut flops = 0.0;
    for (i, class) in classes.iter().enumerate() {
        // A digit starts a line: a newline, then its class token.
        let prompt = [token('\n')?, token(class_token(class.map(|c| c as u8)))?];
        let mut rng = Rng::new(seed + i as u64);
        let mut sampler = Sampler::new(loaded.model.clone());
        let mut logits = sampler.feed(&prompt);
        let mut written = String::with_capacity(SIDE * SIDE);
        for _ in 0..SIDE * SIDE {
            // Only the four grey levels: a newline or a class token here would end the picture.
            let mut allowed = vec![f32::NEG_INFINITY; loaded.tokenizer.vocab_size()];
            let all = floats(logits);
            for &id in &pixels {
                allowed[id] = all[id];
            }
            let next = sample(&allowed, params, &mut rng);
            written.push(loaded.tokenizer.char(next));
            logits = sampler.feed(&[next]);
        }
        flops += sampler.flops();
        let image = decode(&written)?;
        images.extend(image.iter().map(|v| (v * 255.0).round() as u8));
    }
    Ok((images, flops))
}
