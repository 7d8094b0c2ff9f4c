//! The image GAN in the page (family `ganimg`): the shipped class-conditional DCGAN, or a run
//! trained live (fresh, or fine-tuned from the shipped networks), and its verbs — `generate`
//! (a seeded grid, for a class or none), `generate_flops` (what `n` images cost the generator,
//! for the cost line), `interpolate` (between two samples of a grid),
//! `watch` (what training redraws: a small grid, the judge's classes of generated images for
//! the mode-collapse meter, and D(x) on a real and a generated batch), `resume` (the shipped
//! networks, to fine-tune), `discriminate` (D's probability "real" for given images),
//! `class_names`, `class_of_word`, and the verbs every image family shares (its real images
//! and its judge: `image_reference.rs`).

use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use iagen_core::burnpack::Precision;
use iagen_core::classes::{CLASSES, ImageData};
use iagen_core::live::LiveTraining;
use iagen_core::rng::Rng;
use iagen_diffusion::image_tensor;
use iagen_gan::{
    ImageGan, ImageGanConfig, ImageGanManifest, ImageGanTraining, generate_images,
    interpolate_images, load_image_gan, save_image_gan,
};
use js_sys::{Object, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::family::{Core, Family, ModelOf, Shared};
use crate::image_reference::{ImageReference, MixOptions, mixed_split};
use crate::images::{self, LangArgs, WordArgs, image_count, image_data, image_pixels};
use crate::read;

/// Largest batch one verb generates (a hostile call cannot ask for a gigabyte).
const MAX_IMAGES: usize = 400;
/// Frames of an interpolation, at most.
const MAX_FRAMES: usize = 32;

pub struct GanImage {
    data: ImageData,
    config: ImageGanConfig,
    /// The training and held-out images (D(x)'s real batch is held out; generated images are
    /// compared with both).
    images: ImageReference,
}

#[derive(Deserialize)]
pub struct Options {
    data: String,
    batch: usize,
    lr: f64,
    seed: u32,
    #[serde(default)]
    mix: MixOptions,
}

#[derive(Serialize)]
struct Info {
    data: &'static str,
    params: usize,
    g_params: usize,
    d_params: usize,
    steps: usize,
}

#[derive(Deserialize)]
struct CountArgs {
    n: usize,
}

#[derive(Deserialize)]
struct GenerateArgs {
    seed: u32,
    n: usize,
    /// A class index, or none (-1, or absent) for the class-free path.
    #[serde(default)]
    class: Option<i32>,
}

#[derive(Deserialize)]
struct InterpolateArgs {
    seed: u32,
    /// Indices, in the grid drawn with `seed`, of the two samples joined.
    a: usize,
    b: usize,
    frames: usize,
    #[serde(default)]
    class: Option<i32>,
}

#[derive(Deserialize)]
struct DiscriminateArgs {
    /// n×784 values in [-1, 1].
    pixels: Vec<f32>,
    /// The class D is told each image shows (D is conditioned on it).
    labels: Vec<i64>,
}

#[derive(Deserialize)]
struct WatchArgs {
    seed: u32,
    /// Images in the small grid training redraws.
    grid: usize,
    /// Class-free samples the judge classifies (the mode-collapse meter).
    judged: usize,
    /// Images in each of D(x)'s batches.
    scored: usize,
}

/// A class from the page: an index below the data set's classes, or none.
fn class(class: Option<i32>) -> Option<usize> {
    class.and_then(|c| usize::try_from(c).ok().filter(|&c| c < CLASSES))
}

impl Family for GanImage {
    // Convolutions over batches of images.
    const GPU_PAYS: bool = true;
    type Training = ImageGanTraining;
    type Options = Options;

    fn pretrained(
        manifest_json: &str,
        weights: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, ModelOf<Self>), JsError> {
        let manifest: ImageGanManifest = serde_json::from_str(manifest_json).map_err(js_err)?;
        let model = load_image_gan(&manifest.config, weights, device).map_err(js_err)?;
        let family = GanImage {
            data: image_data(&manifest.data)?,
            config: manifest.config,
            images: ImageReference::default(),
        };
        Ok((family, model))
    }

    /// `data`: the image records of data set `options.data` (it trains on the first nine
    /// tenths, as the shipped model did, or the part of them `options.mix` keeps).
    fn untrained(
        options: Options,
        data: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, ImageGanTraining), JsError> {
        let config = ImageGanConfig::new().with_seed(options.seed as u64);
        let (train, held) = mixed_split(&data, &options.mix)?;
        let batch = options.batch.clamp(2, 256);
        let training = ImageGanTraining::new(&config, train.clone(), batch, options.lr, device);
        let family = GanImage {
            data: image_data(&options.data)?,
            config,
            images: ImageReference::of_run(train, held),
        };
        Ok((family, training))
    }

    fn weights(model: &ModelOf<Self>) -> Result<Vec<u8>, String> {
        save_image_gan(model, Precision::Full)
    }

    fn load_weights(core: &Core<Self>, bytes: Vec<u8>) -> Result<ModelOf<Self>, JsError> {
        load_image_gan(&core.family.config, bytes, &device()?).map_err(js_err)
    }

    fn step_flops(core: &Core<Self>) -> Option<f64> {
        let training = core.training().ok()?;
        Some(training.round_flops())
    }

    fn info(core: &Core<Self>) -> JsValue {
        let model = core.model();
        let (g, d) = (model.g.num_params(), model.d.num_params());
        serde_wasm(&Info {
            data: core.family.data.name(),
            params: g + d,
            g_params: g,
            d_params: d,
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
        let shared = core
            .borrow_mut()
            .family
            .images
            .verb(name, &args, &mut bytes);
        if let Some(done) = shared {
            return done;
        }
        let bytes = || bytes.ok_or_else(|| js_err(format!("{name} needs a file")));
        Ok(match name {
            "generate" => {
                let args: GenerateArgs = read::args(&args)?;
                let n = image_count(args.n, MAX_IMAGES)?;
                let images = generate_images(
                    &core.borrow().model().g,
                    &vec![class(args.class); n],
                    args.seed as u64,
                    &device()?,
                );
                read::promise(async move { read::float_array(images).await })
            }
            "generate_flops" => {
                let args: CountArgs = read::args(&args)?;
                let flops = core.borrow().model().g.flops(args.n);
                Promise::resolve(&JsValue::from_f64(flops))
            }
            "interpolate" => {
                let args: InterpolateArgs = read::args(&args)?;
                let frames = image_count(args.frames, MAX_FRAMES)?;
                if args.a.max(args.b) >= MAX_IMAGES {
                    return Err(js_err(format!("samples are numbered below {MAX_IMAGES}")));
                }
                let images = interpolate_images(
                    &core.borrow().model().g,
                    class(args.class),
                    args.seed as u64,
                    [args.a, args.b],
                    frames,
                    &device()?,
                );
                read::promise(async move { read::float_array(images).await })
            }
            "discriminate" => {
                let args: DiscriminateArgs = read::args(&args)?;
                let n = image_pixels(&args.pixels, args.labels.len(), MAX_IMAGES)?;
                if args
                    .labels
                    .iter()
                    .any(|&l| !(0..CLASSES as i64).contains(&l))
                {
                    return Err(js_err("discriminate: a class per image"));
                }
                let device = device()?;
                let x = image_tensor(&args.pixels, n, &device);
                let labels = Tensor::<1, Int>::from_ints(args.labels.as_slice(), &device);
                let scores = sigmoid(core.borrow().model().d.forward(x, labels));
                read::promise(async move { read::float_array(scores).await })
            }
            "watch" => {
                let args = read::args(&args)?;
                read::promise(async move { watch(&core, args).await })
            }
            "resume" => {
                let mut core = core.borrow_mut();
                let model =
                    load_image_gan(&core.family.config, bytes()?, &device()?).map_err(js_err)?;
                core.training_mut()?.resume(model, 0);
                Promise::resolve(&JsValue::UNDEFINED)
            }
            "class_names" => {
                let args: LangArgs = read::args(&args)?;
                Promise::resolve(&images::class_names(core.borrow().family.data, &args))
            }
            "class_of_word" => {
                let args: WordArgs = read::args(&args)?;
                Promise::resolve(&images::class_of_word(core.borrow().family.data, &args))
            }
            _ => return Err(js_err(format!("the image GAN has no verb {name}"))),
        })
    }
}

/// What training redraws, in one call: `{grid}` (the first `grid` samples of seed `seed`,
/// class-free), `{judged}` (the judge's class of `judged` class-free samples, an Int32Array;
/// absent without a judge) and `{real, fake}` (D's probability "real" for `scored` held-out
/// images with their labels and `scored` generated ones with uniform labels; absent until the
/// images are loaded). The samples' noise is seeded, so a watch repeats for the same weights.
async fn watch(core: &Shared<GanImage>, args: WatchArgs) -> Result<JsValue, JsError> {
    let (grid, judged, scores) = {
        let core = core.borrow();
        let ImageGan { g, d } = core.model();
        let device = device()?;
        let seed = args.seed as u64;
        let grid = generate_images(
            &g,
            &vec![None; image_count(args.grid, MAX_IMAGES)?],
            seed,
            &device,
        );
        let judged = match core.family.images.judge() {
            Some(judge) => {
                let n = image_count(args.judged, MAX_IMAGES)?;
                Some(judge.classify(generate_images(&g, &vec![None; n], seed + 1, &device)))
            }
            None => None,
        };
        let scores = match core.family.images.held() {
            Some(real) => {
                let n = image_count(args.scored, MAX_IMAGES)?.min(real.len());
                let mut rng = Rng::new(seed + 2);
                let batch = real.random_batch(&mut rng, n);
                let fake_classes: Vec<i64> = (0..n).map(|_| rng.below(CLASSES) as i64).collect();
                let asked: Vec<Option<usize>> =
                    fake_classes.iter().map(|&c| Some(c as usize)).collect();
                let fake = generate_images(&g, &asked, seed + 3, &device);
                let ints = |ls: &[i64]| Tensor::<1, Int>::from_ints(ls, &device);
                let real_x = image_tensor(&batch.pixels, n, &device);
                Some((
                    sigmoid(d.forward(real_x, ints(&batch.labels))),
                    sigmoid(d.forward(fake, ints(&fake_classes))),
                ))
            }
            None => None,
        };
        (grid, judged, scores)
    };
    let out: JsValue = Object::new().into();
    read::set_floats(&out, "grid", &read::floats(grid).await?)?;
    if let Some(labels) = judged {
        js_sys::Reflect::set(&out, &"judged".into(), &images::classes(labels).await?)
            .map_err(|_| js_err("cannot build result"))?;
    }
    if let Some((real, fake)) = scores {
        read::set_floats(&out, "real", &read::floats(real).await?)?;
        read::set_floats(&out, "fake", &read::floats(fake).await?)?;
    }
    Ok(out)
}
