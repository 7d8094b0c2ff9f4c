//! `iagen-cli eval compare`: the families on one task, handwritten digits (issue 31), measured
//! the same way for each — the "generative learning trilemma" of quality, diversity and speed:
//! - quality: the judge's accuracy on digits asked for by class (where the family takes one)
//!   and its mean top-class probability on class-free samples;
//! - diversity: each digit's share of the class-free samples and the entropy of the shares;
//! - the Fréchet distance between class-free samples and as many held-out digits, in the
//!   judge's features (`iagen_core::frechet`);
//! - memorisation: the median distance from a sample to its nearest training digit, over the
//!   same for held-out digits (near 1: new digits; near 0: copies);
//! - speed: milliseconds per class-free image on this machine; cost: floating-point operations
//!   per image (the cost meter's counts); size: parameters.

use std::time::Instant;

use burn::prelude::*;
use iagen_core::classes::CLASSES;
use iagen_core::image_data::to_byte;
use iagen_core::nearest::{PixelIndex, unit};
use iagen_core::sample_scores::{Judged, median, score_samples, top_classes};
use iagen_gan::generate_images;
use iagen_judge::Judge;
use iagen_vae::prior_samples;

use crate::copies::nearest_distances;
use crate::gan::{image_bytes, load_gan_files};
use crate::gpt::load;
use crate::host::{DeviceArg, floats};
use crate::images::{
    ImageSetArgs, SamplerArgs, generate_counted, load_diffusion_files, load_judge_files,
};
use crate::pixelgpt::{PixelSamplingArgs, write_digits};
use crate::vae::load_vae_files;

#[derive(clap::Args)]
pub struct EvalCompareArgs {
    /// Samples per family and measure (and as many held-out digits).
    #[arg(long, default_value_t = 1000)]
    n: usize,
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "web/assets/models/judge-mnist"
    )]
    judge: String,
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "web/assets/models/diffusion-mnist"
    )]
    diffusion: String,
    /// The VAE compared: the latent-16 one, whose prior samples are digits.
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "web/assets/models/vae-mnist-z16"
    )]
    vae: String,
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "web/assets/models/gan-mnist"
    )]
    gan: String,
    /// A pixel GPT (`sample pixelgpt`); left out of the table when not given.
    #[arg(long, value_name = "PREFIX")]
    pixelgpt: Option<String>,
    /// The diffusion model's sampler, steps and guidance, and the seed every family's samples
    /// start from.
    #[command(flatten)]
    sampler: SamplerArgs,
    /// The pixel GPT's sampling.
    #[command(flatten)]
    pixel_sampling: PixelSamplingArgs,
    #[command(flatten)]
    device: DeviceArg,
}

/// How a family draws digits for some labels (a digit, or none) from a seed: bytes `n × 784`,
/// and the floating-point operations it took.
type Draw<'a> = Box<dyn Fn(&[Option<usize>], u64) -> Result<(Vec<u8>, f64), String> + 'a>;

/// One family: its name, parameters, whether it can be asked for a digit, and how it draws.
struct Family<'a> {
    name: &'static str,
    params: usize,
    takes_class: bool,
    draw: Draw<'a>,
}

/// What the judge says of `images` (bytes, `n × 784`): their class probabilities and their
/// features, in batches.
struct Verdicts {
    probs: Vec<f32>,
    features: Vec<f32>,
}
const FEATURES: usize = 64;

fn judge_all(judge: &Judge, images: &[u8], device: &Device) -> Verdicts {
    let mut v = Verdicts {
        probs: Vec::new(),
        features: Vec::new(),
    };
    for batch in images.chunks(250 * 784) {
        let n = batch.len() / 784;
        let pixels: Vec<f32> = batch.iter().map(|&p| unit(p) * 2.0 - 1.0).collect();
        let x = Tensor::<1>::from_floats(pixels.as_slice(), device).reshape([n, 1, 28, 28]);
        v.probs.extend(floats(judge.forward(x.clone()).exp()));
        v.features.extend(floats(judge.features(x)));
    }
    v
}

pub fn eval_compare(args: &EvalCompareArgs) -> Result<(), String> {
    let device = args.device.get();
    let n = args.n;
    if n < 10 {
        return Err("--n: at least 10 (one of each digit)".into());
    }
    let (_, judge) = load_judge_files(&args.judge, &device)?;
    let (_, set) = ImageSetArgs::named("mnist").read()?;
    let (training, held) = set.split_held_out();
    let held = &held.pixels[..n.min(held.len()) * 784];
    let index = PixelIndex::new(&training);
    let held_verdicts = judge_all(&judge, held, &device);
    let held_nearest = nearest_distances(&index, held);
    let held = Judged {
        probs: &held_verdicts.probs,
        features: &held_verdicts.features,
        nearest: &held_nearest,
    };
    // The held-out digits against themselves: the judge's top-class probability and the class
    // entropy of real digits, for reference.
    let real = score_samples(&held, &held, FEATURES);

    let pixel_gpt = args
        .pixelgpt
        .as_ref()
        .map(|p| load(p, &device))
        .transpose()?;
    let (diffusion_manifest, unet) = load_diffusion_files(&args.diffusion, &device)?;
    let (_, vae) = load_vae_files(&args.vae, &device)?;
    let (_, gan) = load_gan_files(&args.gan, &device)?;
    let mut families = vec![
        Family {
            name: "diffusion",
            params: unet.num_params(),
            takes_class: true,
            draw: Box::new(|labels: &[Option<usize>], seed| {
                Ok(generate_counted(
                    &unet,
                    &diffusion_manifest,
                    labels,
                    &args.sampler,
                    seed,
                    &device,
                ))
            }),
        },
        Family {
            name: "VAE",
            params: vae.num_params(),
            takes_class: false,
            draw: Box::new(|labels: &[Option<usize>], seed| {
                let (_, probs) = prior_samples(&vae, seed, labels.len(), &device);
                let bytes = floats(probs)
                    .iter()
                    .map(|&p| to_byte(p * 2.0 - 1.0))
                    .collect();
                Ok((bytes, vae.decode_flops(labels.len())))
            }),
        },
        Family {
            name: "GAN",
            params: gan.g.num_params(),
            takes_class: true,
            draw: Box::new(|labels: &[Option<usize>], seed| {
                let bytes = image_bytes(generate_images(&gan.g, labels, seed, &device))?;
                Ok((bytes, gan.g.flops(labels.len())))
            }),
        },
    ];
    if let (Some(loaded), Some(name)) = (&pixel_gpt, &args.pixelgpt) {
        let params = args.pixel_sampling.params();
        families.insert(
            0,
            Family {
                name: "pixel GPT",
                params: loaded.model.num_params(),
                takes_class: true,
                draw: Box::new(move |labels: &[Option<usize>], seed| {
                    write_digits(loaded, name, labels, seed, params)
                }),
            },
        );
    }

    println!(
        "{n} samples per family; held-out digits: judge top-class probability {:.3}, class entropy {:.2} bits, nearest training digit at median {:.2}",
        real.top,
        real.entropy_bits,
        median(&held_nearest),
    );
    println!(
        "{:<10} {:>10} {:>12} {:>11} {:>10} {:>9} {:>11} {:>8} {:>10}",
        "family",
        "params",
        "ms/image",
        "FLOP/image",
        "as asked",
        "top p",
        "entropy",
        "FD",
        "nearest×"
    );
    let seed = args.sampler.seed;
    for family in &families {
        let asked = if family.takes_class {
            let labels: Vec<Option<usize>> = (0..n).map(|i| Some(i % CLASSES)).collect();
            let verdicts = judge_all(&judge, &(family.draw)(&labels, seed)?.0, &device);
            let right = top_classes(&verdicts.probs)
                .0
                .iter()
                .zip(&labels)
                .filter(|(c, l)| Some(**c) == **l)
                .count();
            format!("{:.1}%", 100.0 * right as f64 / n as f64)
        } else {
            "—".to_string()
        };
        let started = Instant::now();
        let (free, flops) = (family.draw)(&vec![None; n], seed + 1)?;
        let ms = started.elapsed().as_secs_f64() * 1000.0 / n as f64;
        let verdicts = judge_all(&judge, &free, &device);
        let nearest = nearest_distances(&index, &free);
        let scores = score_samples(
            &Judged {
                probs: &verdicts.probs,
                features: &verdicts.features,
                nearest: &nearest,
            },
            &held,
            FEATURES,
        );
        println!(
            "{:<10} {:>10} {:>12.2} {:>11.2e} {:>10} {:>9.3} {:>6.2} bits {:>8.1} {:>10.2}",
            family.name,
            family.params,
            ms,
            flops / n as f64,
            asked,
            scores.top,
            scores.entropy_bits,
            scores.frechet,
            scores.nearest_ratio,
        );
    }
    println!(
        "as asked: the judge's accuracy on {n} digits asked for in turn; top p, entropy (of 3.32 bits), FD (Fréchet distance to held-out digits in the judge's 64 features) and nearest× (median nearest-training distance over held-out digits') on {n} class-free samples"
    );
    Ok(())
}
