//! The VAE family in the page: an encoder and decoder, shipped or trained live, and its verbs —
//! `overview` (held-out images encoded for the latent map, and the grid of images decoded over
//! the plane), `encode`, `decode`, `normals` (seeded ε), `prior` (samples from N(0, I), with what decoding them cost),
//! `held_image`, `class_names`, and the verbs every image family shares (its real images and
//! its judge: `image_reference.rs`).

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::classes::ImageData;
use iagen_core::image_data::ImageSet;
use iagen_core::rng::Rng;
use iagen_vae::{
    Vae, VaeConfig, VaeManifest, VaeTraining, image_rows, load_vae, prior_samples, save_vae,
};
use js_sys::{Float32Array, Object, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::family::{Core, Family, ModelOf, Shared};
use crate::image_reference::{ImageReference, MixOptions, mixed_split};
use crate::images::{self, LangArgs, image_count, image_data, image_pixels};
use crate::read;

/// Largest batch one verb encodes or decodes (a hostile call cannot ask for a gigabyte).
const MAX_IMAGES: usize = 2000;

pub struct VaeFamily {
    data: ImageData,
    config: VaeConfig,
    /// The training and held-out images (the map encodes held-out ones; generated images
    /// are compared with both).
    images: ImageReference,
}

#[derive(Deserialize)]
pub struct Options {
    data: String,
    latent: usize,
    beta: f64,
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
    steps: usize,
    latent: usize,
    beta: f64,
}

#[derive(Deserialize)]
struct OverviewArgs {
    /// Held-out images to encode (the first ones).
    n: usize,
    /// Grid points per side.
    grid: usize,
    /// The grid spans [-span, span] on both axes.
    span: f32,
}

#[derive(Deserialize)]
struct ImagesArgs {
    /// n×784 values in [-1, 1].
    pixels: Vec<f32>,
    n: usize,
}

#[derive(Deserialize)]
struct CodesArgs {
    /// n×latent values.
    z: Vec<f32>,
    n: usize,
}

#[derive(Deserialize)]
struct SeededArgs {
    n: usize,
    seed: u32,
}

#[derive(Deserialize)]
struct IndexArgs {
    index: usize,
}

impl VaeFamily {
    fn new(data: ImageData, config: VaeConfig, images: ImageReference) -> Self {
        Self {
            data,
            config,
            images,
        }
    }
}

/// The held-out images the map shows, once loaded.
fn held_images(core: &Core<VaeFamily>) -> Option<&ImageSet> {
    core.family.images.held()
}

impl Family for VaeFamily {
    // MLP layers on one image or a small batch.
    const GPU_PAYS: bool = false;
    type Training = VaeTraining;
    type Options = Options;

    fn pretrained(
        manifest_json: &str,
        weights: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, ModelOf<Self>), JsError> {
        let manifest: VaeManifest = serde_json::from_str(manifest_json).map_err(js_err)?;
        let model = load_vae(&manifest.config, weights, device).map_err(js_err)?;
        Ok((
            VaeFamily::new(
                image_data(&manifest.data)?,
                manifest.config,
                ImageReference::default(),
            ),
            model,
        ))
    }

    /// `data`: the image records of data set `options.data`; the run trains on the part of
    /// its training head that `options.mix` keeps.
    fn untrained(
        options: Options,
        data: Vec<u8>,
        device: &Device,
    ) -> Result<(Self, VaeTraining), JsError> {
        let config = VaeConfig::new()
            .with_latent(options.latent)
            .with_beta(options.beta)
            .with_seed(options.seed as u64);
        let (train, held) = mixed_split(&data, &options.mix)?;
        let training = VaeTraining::new(
            &config,
            train.clone(),
            held.clone(),
            options.batch,
            options.lr,
            device,
        );
        let images = ImageReference::of_run(train, held);
        Ok((
            VaeFamily::new(image_data(&options.data)?, config, images),
            training,
        ))
    }

    fn weights(model: &ModelOf<Self>) -> Result<Vec<u8>, String> {
        save_vae(model, Precision::Full)
    }

    fn load_weights(core: &Core<Self>, bytes: Vec<u8>) -> Result<ModelOf<Self>, JsError> {
        load_vae(&core.family.config, bytes, &device()?).map_err(js_err)
    }

    fn step_flops(core: &Core<Self>) -> Option<f64> {
        let training = core.training().ok()?;
        Some(training.step_flops())
    }

    fn info(core: &Core<Self>) -> JsValue {
        let config = &core.family.config;
        serde_wasm(&Info {
            data: core.family.data.name(),
            params: core.model().num_params(),
            steps: core.steps(),
            latent: config.latent,
            beta: config.beta,
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
        Ok(match name {
            "overview" => {
                let args = read::args(&args)?;
                read::promise(async move { overview(&core, args).await })
            }
            "encode" => {
                let args = read::args(&args)?;
                read::promise(async move { encode(&core, args).await })
            }
            "decode" => {
                let args = read::args(&args)?;
                read::promise(async move { decode(&core, args).await })
            }
            "prior" => {
                let args = read::args(&args)?;
                read::promise(async move { prior(&core, args).await })
            }
            "normals" => {
                let args: SeededArgs = read::args(&args)?;
                let values = Rng::new(args.seed as u64).normals(image_count(args.n, MAX_IMAGES)?);
                Promise::resolve(&JsValue::from(Float32Array::from(values.as_slice())))
            }
            "class_names" => {
                let args: LangArgs = read::args(&args)?;
                Promise::resolve(&images::class_names(core.borrow().family.data, &args))
            }
            "held_image" => Promise::resolve(&held_image(&core, read::args(&args)?)?),
            _ => return Err(js_err(format!("vae has no verb {name}"))),
        })
    }
}

/// Pixel probabilities `[n, 784]` as the page draws images: values in [-1, 1].
fn signed(probs: Tensor<2>) -> Tensor<2> {
    probs * 2.0 - 1.0
}

/// The latent map: the first `n` held-out images encoded (`mean`, `log_var`: n×latent, and
/// their `labels`), and `grid`×`grid` images decoded at evenly spaced points of the plane of
/// the first two dimensions (the others 0), the top row at +span: `{mean, log_var, labels,
/// grid, latent}`.
async fn overview(core: &Shared<VaeFamily>, args: OverviewArgs) -> Result<JsValue, JsError> {
    let g = args.grid.clamp(2, 40);
    let (mean, log_var, labels, grid, latent) = {
        let core = core.borrow();
        let held = held_images(&core).ok_or_else(|| js_err("no images loaded"))?;
        let n = args.n.min(held.len()).min(MAX_IMAGES);
        let batch = held.batch(&(0..n).collect::<Vec<_>>());
        let model = core.model();
        let device = device()?;
        let (mean, log_var) = model.encode(image_rows(&batch.pixels, n, &device));
        let latent = model.latent();
        let mut z = vec![0.0f32; g * g * latent];
        let step = 2.0 * args.span / (g - 1) as f32;
        for row in 0..g {
            for col in 0..g {
                let at = (row * g + col) * latent;
                z[at] = -args.span + col as f32 * step;
                z[at + 1] = args.span - row as f32 * step;
            }
        }
        let codes = Tensor::<1>::from_floats(z.as_slice(), &device).reshape([g * g, latent]);
        let grid = signed(model.decode(codes));
        (mean, log_var, batch.labels, grid, latent)
    };
    let out: JsValue = Object::new().into();
    read::set_floats(&out, "mean", &read::floats(mean).await?)?;
    read::set_floats(&out, "log_var", &read::floats(log_var).await?)?;
    read::set_floats(&out, "grid", &read::floats(grid).await?)?;
    let labels: Vec<i32> = labels.iter().map(|&l| l as i32).collect();
    read::set_ints(&out, "labels", &labels)?;
    read::set_number(&out, "latent", latent as f64)?;
    Ok(out)
}

/// q(z | x) for `n` images: `{mean, log_var}`, each n×latent.
async fn encode(core: &Shared<VaeFamily>, args: ImagesArgs) -> Result<JsValue, JsError> {
    let n = image_pixels(&args.pixels, args.n, MAX_IMAGES)?;
    let (mean, log_var) = {
        let model: Vae = core.borrow().model();
        // The page's images are in [-1, 1]; the VAE reads [0, 1].
        model.encode(image_rows(&args.pixels, n, &device()?))
    };
    let out: JsValue = Object::new().into();
    read::set_floats(&out, "mean", &read::floats(mean).await?)?;
    read::set_floats(&out, "log_var", &read::floats(log_var).await?)?;
    Ok(out)
}

/// Images decoded from `n` codes: a Float32Array of n×784 values in [-1, 1].
async fn decode(core: &Shared<VaeFamily>, args: CodesArgs) -> Result<JsValue, JsError> {
    let n = image_count(args.n, MAX_IMAGES)?;
    let images = {
        let model: Vae = core.borrow().model();
        let latent = model.latent();
        if args.z.len() != n * latent {
            return Err(js_err(format!("decode: z must hold n×{latent} values")));
        }
        let z = Tensor::<1>::from_floats(args.z.as_slice(), &device()?).reshape([n, latent]);
        signed(model.decode(z))
    };
    read::float_array(images).await
}

/// `n` samples from the prior N(0, I) with `seed` (as `iagen-cli sample vae`): `{z, images}`.
async fn prior(core: &Shared<VaeFamily>, args: SeededArgs) -> Result<JsValue, JsError> {
    let n = image_count(args.n, MAX_IMAGES)?;
    let (z, images, flops) = {
        let model: Vae = core.borrow().model();
        let (z, probs) = prior_samples(&model, args.seed as u64, n, &device()?);
        (z, signed(probs), model.decode_flops(n))
    };
    let out: JsValue = Object::new().into();
    read::set_floats(&out, "z", &read::floats(z).await?)?;
    read::set_floats(&out, "images", &read::floats(images).await?)?;
    read::set_number(&out, "flops", flops)?;
    Ok(out)
}

/// Held-out image `index` (modulo their count): `{pixels, label, count}`.
fn held_image(core: &Shared<VaeFamily>, args: IndexArgs) -> Result<JsValue, JsError> {
    let core = core.borrow();
    let held = held_images(&core).ok_or_else(|| js_err("no images loaded"))?;
    let batch = held.batch(&[args.index % held.len()]);
    let out: JsValue = Object::new().into();
    read::set_floats(&out, "pixels", &batch.pixels)?;
    read::set_number(&out, "label", batch.labels[0] as f64)?;
    read::set_number(&out, "count", held.len() as f64)?;
    Ok(out)
}
