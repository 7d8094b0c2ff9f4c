//! ¿Copia o inventa? for the diffusion models, measured: how far each generated image is from
//! its nearest training image (pixel distance, `iagen_core::nearest`), against the same for as
//! many held-out real images. A model that copied would sit well left of the held-out images.

use std::time::Instant;

use iagen_core::classes::CLASSES;
use iagen_core::nearest::{PixelIndex, unit};
use iagen_core::sample_scores::quantile;

use crate::host::DeviceArg;
use crate::images::{ImageSetArgs, SamplerArgs, generate, load_diffusion_files};

#[derive(clap::Args)]
pub struct EvalCopiesArgs {
    /// A diffusion model: PREFIX.bpk and PREFIX.json.
    #[arg(long, value_name = "PREFIX")]
    model: String,
    /// Generated images (classes in turn), and as many held-out images.
    #[arg(long, default_value_t = 200)]
    n: usize,
    #[command(flatten)]
    sampling: SamplerArgs,
    #[command(flatten)]
    device: DeviceArg,
}

/// Each image's distance to its nearest image in `index` (images as bytes, `n × 784`), sorted.
pub(crate) fn nearest_distances(index: &PixelIndex, images: &[u8]) -> Vec<f32> {
    let unit_images: Vec<f32> = images.iter().map(|&p| unit(p)).collect();
    let mut d = index.nearest_distances(&unit_images);
    d.sort_by(f32::total_cmp);
    d
}

pub fn eval_copies(args: &EvalCopiesArgs) -> Result<(), String> {
    let device = args.device.get();
    let (manifest, model) = load_diffusion_files(&args.model, &device)?;
    let (_, set) = ImageSetArgs::named(&manifest.data).read()?;
    let (training, held) = set.split_held_out();
    let index = PixelIndex::new(&training);
    let started = Instant::now();
    let labels: Vec<Option<usize>> = (0..args.n).map(|i| Some(i % CLASSES)).collect();
    let generated = generate(
        &model,
        &manifest,
        &labels,
        &args.sampling,
        args.sampling.seed,
        &device,
    );
    let generated = nearest_distances(&index, &generated);
    let held = nearest_distances(&index, &held.pixels[..args.n.min(held.len()) * 784]);
    let near = quantile(&held, 0.05);
    let below = generated.iter().filter(|&&d| d < near).count();
    for (name, d) in [("generated", &generated), ("held-out", &held)] {
        println!(
            "{name:<10} {:>4} images: nearest training image at 10 % {:.2}, median {:.2}, 90 % {:.2}, min {:.2}",
            d.len(),
            quantile(d, 0.1),
            quantile(d, 0.5),
            quantile(d, 0.9),
            d[0],
        );
    }
    println!(
        "{:.1} % of generated images are nearer than the nearest 5 % of held-out images; {} training images, {:.0} s",
        100.0 * below as f32 / generated.len() as f32,
        training.len(),
        started.elapsed().as_secs_f32()
    );
    Ok(())
}
