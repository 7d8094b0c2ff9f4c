//! A pixel GPT's verbs (a GPT trained on `pixeles.txt`, `iagen_core::pixel_text`): the GPT's own
//! generation, asked for a digit and allowed only grey levels, and what the page needs to show
//! it as a digit — `start_digit` (`{class, seed, temp, topk, topp}`: a digit, or null for none;
//! then `next` writes its pixels, each with the four levels' probabilities), `judge_digit`
//! (`{pixels}`: the levels written, as text → `{class, confidence}`), `class_of_word` and
//! `class_names` (digits' words), and the judge's (`images::judge_verb`).

use iagen_core::classes::ImageData;
use iagen_core::pixel_text::{LEVELS, SIDE, class_token, decode};
use iagen_diffusion::image_tensor;
use js_sys::{Int32Array, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{device, js_err, serde_wasm};
use crate::family::Shared;
use crate::gpt::{Gpt, Sampling, StartArgs, start};
use crate::images::{self, classes};
use crate::read;

#[derive(Deserialize)]
struct StartDigitArgs {
    class: Option<u8>,
    seed: u32,
    #[serde(flatten)]
    sampling: Sampling,
}

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
            if args.class.is_some_and(|c| c > 9) {
                return Err(js_err("a digit is 0 to 9"));
            }
            let class = class_token(args.class);
            if !core.borrow().family.knows(class) {
                return Err(js_err("this model writes no digits: not a pixel GPT"));
            }
            let start_args = StartArgs {
                prompt: format!("\n{class}"),
                seed: args.seed,
                sampling: args.sampling,
                only: LEVELS.iter().collect(),
            };
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
        "judge_digit" => read::args(args).and_then(|args: JudgeDigitArgs| {
            let image = decode(&args.pixels).map_err(js_err)?;
            let judge = core.borrow().family.judge.clone();
            let judge = judge.ok_or_else(|| js_err("no judge loaded"))?;
            let signed: Vec<f32> = image.iter().map(|v| v * 2.0 - 1.0).collect();
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
        _ => return images::judge_verb(&mut core.borrow_mut().family.judge, name, args, bytes),
    })
}
