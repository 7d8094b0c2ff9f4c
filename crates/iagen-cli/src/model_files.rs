//! A shipped model is two files side by side: `NAME.bpk` (burnpack weights) and `NAME.json`
//! (the manifest: config, vocabulary, data, steps, held-out loss).

use std::path::Path;

use burn::prelude::*;
use iagen_core::tokenizer::CharTokenizer;
use iagen_gpt::{Gpt, GptManifest, load_gpt, save_gpt};

pub struct LoadedGpt {
    pub model: Gpt,
    pub tokenizer: CharTokenizer,
}

fn paths(prefix: &str) -> (String, String) {
    let stem = prefix.trim_end_matches(".bpk").trim_end_matches(".json");
    (format!("{stem}.bpk"), format!("{stem}.json"))
}

pub fn save(prefix: &str, model: &Gpt, manifest: &GptManifest) -> Result<(), String> {
    let (bpk, json) = paths(prefix);
    if let Some(dir) = Path::new(&bpk).parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(&bpk, save_gpt(model)?).map_err(|e| format!("{bpk}: {e}"))?;
    manifest.save(&json).map_err(|e| format!("{json}: {e}"))
}

pub fn load(prefix: &str, device: &Device) -> Result<LoadedGpt, String> {
    let (bpk, json) = paths(prefix);
    let manifest = GptManifest::load(&json).map_err(|e| format!("{json}: {e}"))?;
    let bytes = std::fs::read(&bpk).map_err(|e| format!("{bpk}: {e}"))?;
    let model = load_gpt(&manifest.config, bytes, device)?;
    let tokenizer = CharTokenizer::from_vocab(&manifest.vocab);
    Ok(LoadedGpt { model, tokenizer })
}
