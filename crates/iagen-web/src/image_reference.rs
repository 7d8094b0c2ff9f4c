//! What an image family's outputs are measured against: the images its model trained on, the
//! held-out ones it never saw, and the judge (the classifier that names what an image shows).
//! A live run has the images from the start (its own training images, after the data mix the
//! student chose); shipped weights get the data set's file with `set_images`. The verbs every
//! image family shares through it:
//!
//! - `has_images`, `set_images` (a data set's records: the training head and held-out tail);
//! - `nearest` (`{pixels, n, k}` → for each image its `k` nearest training images by pixel
//!   distance: `{index, distance, labels, pixels}`, row after row): ¿Copia o inventa?;
//! - `copy_distances` (`{pixels, n}` → `{generated, held}`: the distance from each image to
//!   its nearest training image, and the same for the first `n` held-out images, which show
//!   how close a new real image comes without copying);
//! - `training_shares` (each class's share of the training images: Sesgo);
//! - `quiz` (`{pixels, n, seed}`: `n` generated images → `{pixels, real}`: them and as many
//!   held-out real images drawn with `seed`, in an order drawn with it; `real` says which is
//!   which): ¿Real o generada?;
//! - `sample_scores` (`{pixels, n}`: `n` generated images, at least two → `{top, shares,
//!   entropy, frechet, nearest, real}`: `iagen_core::sample_scores` of them against as many
//!   held-out images, and `real` the same of the held-out images themselves): the comparison
//!   of the families;
//! - the judge's (`set_judge`, `classify`, `judge_confidence`: `images::judge_verb`).

use std::sync::Arc;

use iagen_core::image_data::{ImageSet, PIXELS, to_signed};
use iagen_core::image_mix::{ImageMix, class_shares};
use iagen_core::nearest::{PixelIndex, unit, unit_from_signed};
use iagen_core::rng::Rng;
use iagen_core::sample_scores::{Judged, SampleScores, score_samples};
use iagen_diffusion::image_tensor;
use iagen_judge::Judge;
use js_sys::{Float32Array, Object, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::images::{image_pixels, image_set, judge_verb};
use crate::read;

/// Images one `nearest` call searches for (each against every training image).
const MAX_QUERIES: usize = 64;
/// Images one `copy_distances` call measures, generated and held-out each.
const MAX_MEASURED: usize = 200;
/// Images one `sample_scores` call scores (each searched among the training images, as is
/// each of as many held-out images: about a second per hundred on a CPU).
const MAX_SCORED: usize = 1000;
/// Neighbours shown per image, at most.
const MAX_NEIGHBOURS: usize = 5;

#[derive(Default)]
pub struct ImageReference {
    sets: Option<Sets>,
    /// The training images' index, built on the first search.
    index: Option<PixelIndex>,
    judge: Option<Judge>,
}

/// Shared with a live run's trainer, which holds the same images.
struct Sets {
    training: Arc<ImageSet>,
    held: Arc<ImageSet>,
}

/// The page's choice of training images (link keys `limit`, `skew`, `skewpct`); absent keys
/// mean every training image.
#[derive(Deserialize)]
#[serde(default)]
pub struct MixOptions {
    limit: usize,
    /// A class, or −1 for none.
    skew: i64,
    skewpct: u32,
}

impl Default for MixOptions {
    /// Every training image, no class skewed.
    fn default() -> Self {
        Self {
            limit: 0,
            skew: -1,
            skewpct: 0,
        }
    }
}

impl MixOptions {
    fn mix(&self) -> ImageMix {
        ImageMix::from_keys(self.limit, self.skew, self.skewpct)
    }
}

#[derive(Deserialize)]
struct NearestArgs {
    /// n×784 values in [-1, 1].
    pixels: Vec<f32>,
    n: usize,
    k: usize,
}

#[derive(Deserialize)]
struct DistancesArgs {
    pixels: Vec<f32>,
    n: usize,
}

#[derive(Deserialize)]
struct QuizArgs {
    /// n×784 values in [-1, 1]: the generated images.
    pixels: Vec<f32>,
    n: usize,
    seed: u32,
}

impl ImageReference {
    /// A live run's: it trains on `training` (already mixed); `held` it never sees.
    pub fn of_run(training: Arc<ImageSet>, held: Arc<ImageSet>) -> Self {
        Self {
            sets: Some(Sets { training, held }),
            index: None,
            judge: None,
        }
    }

    /// The judge, once `set_judge` has loaded it.
    pub fn judge(&self) -> Option<&Judge> {
        self.judge.as_ref()
    }

    pub fn training(&self) -> Option<&ImageSet> {
        self.sets.as_ref().map(|s| s.training.as_ref())
    }

    pub fn held(&self) -> Option<&ImageSet> {
        self.sets.as_ref().map(|s| s.held.as_ref())
    }

    fn sets(&self) -> Result<&Sets, JsError> {
        self.sets.as_ref().ok_or_else(|| js_err("no images loaded"))
    }

    fn index(&mut self) -> Result<&PixelIndex, JsError> {
        if self.index.is_none() {
            self.index = Some(PixelIndex::new(&self.sets()?.training));
        }
        Ok(self.index.as_ref().expect("just built"))
    }

    /// Runs verb `name` if it is one of these (or the judge's); `None` otherwise.
    pub fn verb(
        &mut self,
        name: &str,
        args: &JsValue,
        bytes: &mut Option<Vec<u8>>,
    ) -> Option<Result<Promise, JsError>> {
        Some(match name {
            "has_images" => Ok(Promise::resolve(&JsValue::from_bool(self.sets.is_some()))),
            "set_images" => self.set_images(bytes.take()),
            "nearest" => self.nearest(args),
            "copy_distances" => self.copy_distances(args),
            "training_shares" => self.sets().map(|sets| {
                let shares = class_shares(sets.training.labels.iter().map(|&l| l as usize));
                Promise::resolve(&JsValue::from(Float32Array::from(shares.as_slice())))
            }),
            "quiz" => self.quiz(args),
            "sample_scores" => self.sample_scores(args),
            _ => return judge_verb(&mut self.judge, name, args, bytes),
        })
    }

    /// Shipped weights trained on the data set's training head: the file's images, split.
    /// A live run keeps its own.
    fn set_images(&mut self, bytes: Option<Vec<u8>>) -> Result<Promise, JsError> {
        if self.sets.is_none() {
            let bytes = bytes.ok_or_else(|| js_err("set_images needs the image file"))?;
            let (training, held) = mixed_split(&bytes, &MixOptions::default())?;
            self.sets = Some(Sets { training, held });
            self.index = None;
        }
        Ok(Promise::resolve(&JsValue::UNDEFINED))
    }

    fn nearest(&mut self, args: &JsValue) -> Result<Promise, JsError> {
        let args: NearestArgs = read::args(args)?;
        image_pixels(&args.pixels, args.n, MAX_QUERIES)?;
        let k = args.k.clamp(1, MAX_NEIGHBOURS);
        let queries = unit_images(&args.pixels);
        let found: Vec<_> = {
            let index = self.index()?;
            queries
                .chunks_exact(PIXELS)
                .map(|q| index.nearest(q, k))
                .collect()
        };
        let training = &self.sets()?.training;
        let out: JsValue = Object::new().into();
        let all = found.iter().flatten();
        let indices: Vec<i32> = all.clone().map(|nb| nb.index as i32).collect();
        read::set_ints(&out, "index", &indices)?;
        read::set_floats(
            &out,
            "distance",
            &all.clone().map(|nb| nb.distance).collect::<Vec<_>>(),
        )?;
        let labels: Vec<i32> = all
            .clone()
            .map(|nb| training.labels[nb.index] as i32)
            .collect();
        read::set_ints(&out, "labels", &labels)?;
        let pixels: Vec<f32> = all
            .flat_map(|nb| training.image(nb.index).iter().map(|&p| to_signed(p)))
            .collect();
        read::set_floats(&out, "pixels", &pixels)?;
        Ok(Promise::resolve(&out))
    }

    fn copy_distances(&mut self, args: &JsValue) -> Result<Promise, JsError> {
        let args: DistancesArgs = read::args(args)?;
        let n = image_pixels(&args.pixels, args.n, MAX_MEASURED)?;
        let generated = unit_images(&args.pixels);
        let held: Vec<f32> = {
            let held = &self.sets()?.held;
            let pixels = &held.pixels[..n.min(held.len()) * PIXELS];
            pixels.iter().map(|&p| unit(p)).collect()
        };
        let index = self.index()?;
        let out: JsValue = Object::new().into();
        read::set_floats(&out, "generated", &index.nearest_distances(&generated))?;
        read::set_floats(&out, "held", &index.nearest_distances(&held))?;
        Ok(Promise::resolve(&out))
    }

    fn sample_scores(&mut self, args: &JsValue) -> Result<Promise, JsError> {
        let args: DistancesArgs = read::args(args)?;
        let n = image_pixels(&args.pixels, args.n, MAX_SCORED)?;
        let judge = self
            .judge
            .clone()
            .ok_or_else(|| js_err("no judge loaded"))?;
        let held = {
            let held = &self.sets()?.held;
            held.batch(&(0..n.min(held.len())).collect::<Vec<_>>())
        };
        if n < 2 || held.labels.len() < 2 {
            return Err(js_err("sample_scores: at least two images"));
        }
        let index = self.index()?;
        let (sample_nearest, held_nearest) = (
            index.nearest_distances(&unit_images(&args.pixels)),
            index.nearest_distances(&unit_images(&held.pixels)),
        );
        let device = device()?;
        let judged = |pixels: &[f32]| {
            let x = image_tensor(pixels, pixels.len() / PIXELS, &device);
            (judge.forward(x.clone()).exp(), judge.features(x))
        };
        let (sample_tensors, held_tensors) = (judged(&args.pixels), judged(&held.pixels));
        Ok(read::promise(async move {
            let (probs, features) = (
                read::floats(sample_tensors.0).await?,
                read::floats(sample_tensors.1).await?,
            );
            let (held_probs, held_features) = (
                read::floats(held_tensors.0).await?,
                read::floats(held_tensors.1).await?,
            );
            let dim = features.len() / n;
            let held = Judged {
                probs: &held_probs,
                features: &held_features,
                nearest: &held_nearest,
            };
            let samples = Judged {
                probs: &probs,
                features: &features,
                nearest: &sample_nearest,
            };
            #[derive(Serialize)]
            struct Scores {
                top: f64,
                shares: Vec<f32>,
                entropy: f64,
                frechet: f64,
                nearest: f64,
            }
            let scores = |s: SampleScores| Scores {
                top: s.top,
                shares: s.shares.to_vec(),
                entropy: s.entropy_bits,
                frechet: s.frechet,
                nearest: s.nearest_ratio,
            };
            #[derive(Serialize)]
            struct Out {
                #[serde(flatten)]
                samples: Scores,
                real: Scores,
            }
            Ok(serde_wasm(&Out {
                samples: scores(score_samples(&samples, &held, dim)),
                real: scores(score_samples(&held, &held, dim)),
            }))
        }))
    }

    fn quiz(&self, args: &JsValue) -> Result<Promise, JsError> {
        let args: QuizArgs = read::args(args)?;
        let n = image_pixels(&args.pixels, args.n, MAX_QUERIES)?;
        let held = &self.sets()?.held;
        let mut rng = Rng::new(args.seed as u64);
        let real = held.random_batch(&mut rng, n.min(held.len()));
        // (is it real, its pixels), in a drawn order.
        let mut images: Vec<(bool, &[f32])> = args
            .pixels
            .chunks_exact(PIXELS)
            .map(|p| (false, p))
            .chain(real.pixels.chunks_exact(PIXELS).map(|p| (true, p)))
            .collect();
        rng.shuffle(&mut images);
        let out: JsValue = Object::new().into();
        let pixels: Vec<f32> = images.iter().flat_map(|(_, p)| p.iter().copied()).collect();
        read::set_floats(&out, "pixels", &pixels)?;
        let real: Vec<i32> = images.iter().map(|&(r, _)| r as i32).collect();
        read::set_ints(&out, "real", &real)?;
        Ok(Promise::resolve(&out))
    }
}

/// A data set's records split into (its training images after `mix`, its held-out images).
pub fn mixed_split(
    records: &[u8],
    mix: &MixOptions,
) -> Result<(Arc<ImageSet>, Arc<ImageSet>), JsError> {
    let (head, held) = image_set(records)?.split_held_out();
    let training = mix.mix().apply(&head);
    if training.is_empty() {
        return Err(js_err("this data mix leaves no training images"));
    }
    Ok((Arc::new(training), Arc::new(held)))
}

/// The page's [-1, 1] pixels in [0, 1], as the index compares them.
fn unit_images(pixels: &[f32]) -> Vec<f32> {
    pixels.iter().map(|&v| unit_from_signed(v)).collect()
}
