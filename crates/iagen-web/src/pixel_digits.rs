//! A pixel GPT's verbs (a GPT trained on `pixeles.txt`, `iagen_core::pixel_text`): the GPT's own
//! generation, asked for a digit and allowed only grey levels, and what the page needs to show
//! it as a digit — `start_digit` (`{class, seed, temp, topk, topp, guidance}`: a digit, or null
//! for none, and guidance towards it, 1 for none;
//! then `next` writes its pixels, each with the four levels' probabilities), `judge_digit`
//! (`{pixels}`: the levels written, as text → `{class, confidence}`), `class_of_word` and
//! `class_names` (digits' words), `write_digits` (`{classes, seed, temp, topk, topp, guidance}`: whole
//! digits at once, for the comparison of the families → `{pixels, flops}`, the digits at 28 × 28
//! in [-1, 1] and their operations), and the verbs of its digits' reference
//! (`image_reference.rs`: the judge's, and the real digits' for the comparison).

use iagen_core::classes::ImageData;
use iagen_core::pixel_text::{FULL, LEVELS, SIDE, class_token, decode};
use iagen_diffusion::image_tensor;
use js_sys::{Int32Array, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::family::Shared;
use crate::gpt::{Gpt, Guide, Sampling, StartArgs, start, write};
use crate::images::{self, classes};
use crate::read;

#[derive(Deserialize)]
struct StartDigitArgs {
    class: Option<u8>,
    seed: u32,
    #[serde(flatten)]
    sampling: Sampling,
    /// Guidance towards the digit asked for (`Guide`; 1: none).
    #[serde(default = "unguided")]
    guidance: f32,
}

fn unguided() -> f32 {
    1.0
}

#[derive(Deserialize)]
struct WriteDigitsArgs {
    /// A digit per image, or −1 for none.
    classes: Vec<i32>,
    seed: u32,
    #[serde(flatten)]
    sampling: Sampling,
    #[serde(default = "unguided")]
    guidance: f32,
}

/// Digits `write_digits` writes in one call, at most (a call takes ~0.1 s a digit on a CPU).
const MAX_WRITTEN: usize = 64;

#[derive(Deserialize)]
struct JudgeDigitArgs {
    pixels: String,
}

/// The verb `name` if it is one of these, else `None`.
pub fn verb(
    core: &Shared<Gpt>,
    name: &str,
    args: &JsValue,
    bytes: &mut Option<Vec<u8>>,
) -> Option<Result<Promise, JsError>> {
    Some(match name {
        "start_digit" => read::args(args).and_then(|args: StartDigitArgs| {
            let start_args =
                digit_start(core, args.class, args.seed, args.sampling, args.guidance)?;
            let core = core.clone();
            Ok(read::promise(async move {
                // `start`'s result, and how to draw what follows: the levels' characters, black
                // to white, and the side of the square they fill in raster order.
                let out = start(&core, start_args).await?;
                let levels: String = LEVELS.iter().collect();
                Reflect::set(&out, &"levels".into(), &levels.into())
                    .map_err(|_| js_err("cannot build result"))?;
                read::set_number(&out, "side", SIDE as f64)?;
                Ok(out)
            }))
        }),
        "write_digits" => read::args(args).and_then(|args: WriteDigitsArgs| {
            if args.classes.is_empty() || args.classes.len() > MAX_WRITTEN {
                return Err(js_err(format!(
                    "between 1 and {MAX_WRITTEN} digits at a time"
                )));
            }
            let starts = args
                .classes
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let class = u8::try_from(c).ok();
                    if c >= 0 && class.is_none() {
                        return Err(js_err("a digit is 0 to 9"));
                    }
                    let seed = args.seed.wrapping_add(i as u32);
                    digit_start(core, class, seed, args.sampling, args.guidance)
                })
                .collect::<Result<Vec<_>, _>>()?;
            let core = core.clone();
            Ok(read::promise(
                async move { write_digits(&core, starts).await },
            ))
        }),
        "judge_digit" => read::args(args).and_then(|args: JudgeDigitArgs| {
            let signed = signed_digit(&args.pixels)?;
            let judge = core.borrow().family.images.judge().cloned();
            let judge = judge.ok_or_else(|| js_err("no judge loaded"))?;
            let x = image_tensor(&signed, 1, &device()?);
            let (class, sure) = (judge.classify(x.clone()), judge.confidence(x));
            Ok(read::promise(async move {
                #[derive(Serialize)]
                struct Verdict {
                    class: i32,
                    confidence: f32,
                }
                let class = classes(class)
                    .await?
                    .unchecked_into::<Int32Array>()
                    .get_index(0);
                let confidence = read::floats(sure).await?[0];
                Ok(serde_wasm(&Verdict { class, confidence }))
            }))
        }),
        "class_of_word" => read::args(args)
            .map(|args| Promise::resolve(&images::class_of_word(ImageData::Mnist, &args))),
        "class_names" => read::args(args)
            .map(|args| Promise::resolve(&images::class_names(ImageData::Mnist, &args))),
        _ => return core.borrow_mut().family.images.verb(name, args, bytes),
    })
}

/// How a digit of `class` (or none) starts from `seed`: its line's opening (a newline and the
/// class token), only grey levels allowed after it, and for a digit asked for, `guidance`
/// towards it (beside the same line opened by the class-free token). An error for a class past
/// 9, a guidance out of 0–10, and a model that is not a pixel GPT.
fn digit_start(
    core: &Shared<Gpt>,
    class: Option<u8>,
    seed: u32,
    sampling: Sampling,
    guidance: f32,
) -> Result<StartArgs, JsError> {
    if class.is_some_and(|c| c > 9) {
        return Err(js_err("a digit is 0 to 9"));
    }
    if !(0.0..=10.0).contains(&guidance) {
        return Err(js_err("guidance is 0 to 10"));
    }
    let (token, free) = (class_token(class), class_token(None));
    if !core.borrow().family.knows(token) {
        return Err(js_err("this model writes no digits: not a pixel GPT"));
    }
    Ok(StartArgs {
        prompt: format!("\n{token}"),
        seed,
        sampling,
        only: LEVELS.iter().collect(),
        guide: class.map(|_| Guide {
            free_prompt: format!("\n{free}"),
            scale: guidance,
        }),
    })
}

/// A digit's levels as written (text) at 28 × 28, in the page's [-1, 1].
fn signed_digit(levels: &str) -> Result<Vec<f32>, JsError> {
    let image = decode(levels).map_err(js_err)?;
    Ok(image.iter().map(|v| v * 2.0 - 1.0).collect())
}

/// Each digit of `starts` written to the end: `{pixels, flops}` (n×784 values in [-1, 1], at
/// 28 × 28, and the operations of all their passes).
async fn write_digits(core: &Shared<Gpt>, starts: Vec<StartArgs>) -> Result<JsValue, JsError> {
    let mut pixels = Vec::with_capacity(starts.len() * FULL * FULL);
    let mut flops = 0.0;
    for args in starts {
        start(core, args).await?;
        let written = write(core, SIDE * SIDE).await?;
        flops += core.borrow().family.generation_flops();
        pixels.extend(signed_digit(&written.text)?);
    }
    let out: JsValue = js_sys::Object::new().into();
    read::set_floats(&out, "pixels", &pixels)?;
    read::set_number(&out, "flops", flops)?;
    Ok(out)
}
