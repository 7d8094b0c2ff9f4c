//! The share-link codec (iagen-core's `Spec`) for the page, with the one check the codec
//! cannot make alone: a GPT training run that would not fit in the browser's memory.

use iagen_core::spec::{Notice, NoticeKind, Spec, gpt, training};
use iagen_gpt::{GptConfig, GptSize, over_budget};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::backend::serde_wasm;

#[derive(Serialize)]
struct NoticeView {
    kind: &'static str,
    key: String,
    given: String,
    used: String,
}

#[derive(Serialize)]
struct Parsed {
    /// Every field, as strings, in table order.
    values: Vec<(&'static str, String)>,
    /// The canonical hash for these values (defaults omitted).
    hash: String,
    notices: Vec<NoticeView>,
}

/// Characters a link's GPT is assumed to have (the shipped texts have at most 91; a typed text
/// with more is checked again, with its own count, when its run starts).
const LINK_VOCAB: usize = 128;

/// A GPT batch too large for the browser's memory with the link's size and context becomes
/// the largest that fits, with a notice: the same rule (`iagen_gpt::over_budget`) refuses such a
/// run when it starts, and it applies to a link and to the controls alike.
fn within_budget(spec: &mut Spec, notices: &mut Vec<Notice>) {
    if spec.view() != "gpt" {
        return;
    }
    let Some(size) = GptSize::from_name(spec.choice(&gpt::SIZE)) else {
        return;
    };
    let config = GptConfig::preset(size, LINK_VOCAB, spec.int(&gpt::CTX) as usize);
    let batch = spec.int(&training::BATCH) as usize;
    let Some((_, fits)) = over_budget(&config, batch) else {
        return;
    };
    let fits = fits.to_string();
    spec.set(training::BATCH.key, &fits);
    notices.push(Notice {
        kind: NoticeKind::OverBudget,
        key: training::BATCH.key.to_string(),
        given: batch.to_string(),
        used: fits,
    });
}

fn view(spec: &mut Spec, mut notices: Vec<Notice>) -> JsValue {
    within_budget(spec, &mut notices);
    let notices = notices
        .into_iter()
        .map(|n| NoticeView {
            kind: n.kind.code(),
            key: n.key,
            given: n.given,
            used: n.used,
        })
        .collect();
    serde_wasm(&Parsed {
        values: spec.entries(),
        hash: spec.to_hash(),
        notices,
    })
}

/// Parse a URL hash: `{values, hash, notices}`. Never throws.
#[wasm_bindgen]
pub fn parse_spec(hash: &str) -> JsValue {
    let (mut spec, notices) = Spec::from_hash(hash);
    view(&mut spec, notices)
}

/// Apply control values (`[[key, value], ...]` as strings) on top of the defaults and return
/// `{values, hash, notices}`: the controls' bad values are reported like a link's.
#[wasm_bindgen]
pub fn encode_spec(pairs: JsValue) -> Result<JsValue, JsError> {
    let json = js_sys::JSON::stringify(&pairs).map_err(|_| JsError::new("pairs are not JSON"))?;
    let pairs: Vec<(String, String)> =
        serde_json::from_str(&String::from(json)).map_err(|e| JsError::new(&e.to_string()))?;
    let (mut spec, notices) = Spec::from_pairs(&pairs);
    Ok(view(&mut spec, notices))
}
