//! The share-link codec (iagen-core's `Spec`) for the page.

use iagen_core::spec::{Notice, Spec};
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

fn view(spec: &Spec, notices: Vec<Notice>) -> JsValue {
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
    let (spec, notices) = Spec::from_hash(hash);
    view(&spec, notices)
}

/// Apply control values (`[[key, value], ...]` as strings) on top of the defaults and return
/// `{values, hash, notices}`: the controls' bad values are reported like a link's.
#[wasm_bindgen]
pub fn encode_spec(pairs: JsValue) -> Result<JsValue, JsError> {
    let json = js_sys::JSON::stringify(&pairs).map_err(|_| JsError::new("pairs are not JSON"))?;
    let pairs: Vec<(String, String)> =
        serde_json::from_str(&String::from(json)).map_err(|e| JsError::new(&e.to_string()))?;
    let (spec, notices) = Spec::from_pairs(&pairs);
    Ok(view(&spec, notices))
}
