//! What the image families (diffusion, the VAE, the image GAN) share in the page: the data set
//! by name, image files, class names and the class a typed word names, and the judge's verbs
//! (loaded from its files, it names the class of images and says how sure it is).

use burn::prelude::*;
use iagen_core::classes::{CLASSES, ImageData};
use iagen_core::image_data::{ImageSet, PIXELS};
use iagen_diffusion::image_tensor;
use iagen_judge::{Judge, JudgeManifest, load_judge};
use js_sys::{Int32Array, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsError, JsValue};

use crate::backend::{device, js_err, serde_wasm};
use crate::read;

pub fn image_data(name: &str) -> Result<ImageData, JsError> {
    ImageData::from_name(name).ok_or_else(|| js_err(format!("unknown image data {name}")))
}

/// `n` if a verb may make that many images at once (1 to `most`: a hostile call cannot ask for
/// a gigabyte), else an error that says the range.
pub fn image_count(n: usize, most: usize) -> Result<usize, JsError> {
    if (1..=most).contains(&n) {
        Ok(n)
    } else {
        Err(js_err(format!("between 1 and {most} images at a time")))
    }
}

/// `n` if `pixels` holds `n` images (n×784 values) and `image_count` allows that many, else an
/// error that says which is wrong.
pub fn image_pixels(pixels: &[f32], n: usize, most: usize) -> Result<usize, JsError> {
    let n = image_count(n, most)?;
    if pixels.len() == n * PIXELS {
        Ok(n)
    } else {
        Err(js_err("pixels must hold n×784 values"))
    }
}

pub fn image_set(records: &[u8]) -> Result<ImageSet, JsError> {
    ImageSet::from_records(records, CLASSES).map_err(|e| js_err(format!("bad image file: {e:?}")))
}

/// Images the judge reads in one call, at most (an empty or enormous batch is refused, not a
/// trap that kills the worker).
const MAX_JUDGED: usize = 2000;

#[derive(Deserialize)]
struct JudgeArgs {
    /// The judge's manifest (JSON).
    manifest: String,
}

#[derive(Deserialize)]
struct ClassifyArgs {
    /// n×784 values in [-1, 1].
    pixels: Vec<f32>,
    n: usize,
}

/// The verbs of an image family's judge, if `name` is one: `set_judge` (its manifest in `args`
/// and its weights), `classify` (`{pixels, n}` → each image's class, an Int32Array) and
/// `judge_confidence` (the same → `{classes, confidence}`: how sure the judge is of each, the
/// probability of its class). `None` for another verb.
pub fn judge_verb(
    judge: &mut Option<Judge>,
    name: &str,
    args: &JsValue,
    bytes: &mut Option<Vec<u8>>,
) -> Option<Result<Promise, JsError>> {
    let images = |judge: &Option<Judge>| -> Result<(Judge, Tensor<4>), JsError> {
        let judge = judge.clone().ok_or_else(|| js_err("no judge loaded"))?;
        let args: ClassifyArgs = read::args(args)?;
        let n = image_pixels(&args.pixels, args.n, MAX_JUDGED)?;
        Ok((judge, image_tensor(&args.pixels, n, &device()?)))
    };
    Some(match name {
        "set_judge" => (|| {
            let args: JudgeArgs = read::args(args)?;
            let weights = bytes
                .take()
                .ok_or_else(|| js_err("set_judge needs a file"))?;
            let manifest: JudgeManifest = serde_json::from_str(&args.manifest).map_err(js_err)?;
            *judge = Some(load_judge(&manifest.config, weights, &device()?).map_err(js_err)?);
            Ok(Promise::resolve(&JsValue::UNDEFINED))
        })(),
        "classify" => images(judge).map(|(judge, x)| read::promise(classes(judge.classify(x)))),
        "judge_confidence" => images(judge).map(|(judge, x)| {
            let (labels, sure) = (judge.classify(x.clone()), judge.confidence(x));
            read::promise(async move {
                let out: JsValue = Object::new().into();
                Reflect::set(&out, &"classes".into(), &classes(labels).await?)
                    .map_err(|_| js_err("cannot build result"))?;
                read::set_floats(&out, "confidence", &read::floats(sure).await?)?;
                Ok(out)
            })
        }),
        _ => return None,
    })
}

/// Classes read back as an Int32Array.
pub async fn classes(labels: Tensor<1, Int>) -> Result<JsValue, JsError> {
    let data = labels
        .into_data_async()
        .await
        .map_err(|e| js_err(format!("{e:?}")))?
        .convert::<i32>();
    let labels = data
        .try_to_vec::<i32>()
        .map_err(|e| js_err(format!("{e:?}")))?;
    Ok(Int32Array::from(labels.as_slice()).into())
}

#[derive(Deserialize)]
pub struct WordArgs {
    word: String,
    lang: String,
}

/// The class a typed word names in data set `data`: `{class, accepted}`, `class` null when the
/// word names none; `accepted` lists the words the page accepts, in `lang`.
pub fn class_of_word(data: ImageData, args: &WordArgs) -> JsValue {
    #[derive(Serialize)]
    struct Out {
        class: Option<usize>,
        accepted: Vec<String>,
    }
    serde_wasm(&Out {
        class: data.parse_class(&args.word),
        accepted: data.accepted_words(&args.lang),
    })
}

#[derive(Deserialize)]
pub struct LangArgs {
    lang: String,
}

/// The data set's class names in `lang`, in class order.
pub fn class_names(data: ImageData, args: &LangArgs) -> JsValue {
    let names: Vec<&str> = (0..CLASSES)
        .map(|c| data.class_name(c, &args.lang))
        .collect();
    serde_wasm(&names)
}
