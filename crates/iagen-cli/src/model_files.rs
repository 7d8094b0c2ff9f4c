//! A shipped model is two files side by side: `NAME.bpk` (burnpack weights) and `NAME.json`
//! (its manifest: config, data, steps, measured quality).

use std::path::Path;

use burn::config::Config;

fn paths(prefix: &str) -> (String, String) {
    let stem = prefix.trim_end_matches(".bpk").trim_end_matches(".json");
    (format!("{stem}.bpk"), format!("{stem}.json"))
}

pub fn save<M: Config>(prefix: &str, weights: Vec<u8>, manifest: &M) -> Result<(), String> {
    let (bpk, json) = paths(prefix);
    if let Some(dir) = Path::new(&bpk).parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(&bpk, weights).map_err(|e| format!("{bpk}: {e}"))?;
    manifest.save(&json).map_err(|e| format!("{json}: {e}"))
}

/// The manifest and the weight bytes.
pub fn load<M: Config>(prefix: &str) -> Result<(M, Vec<u8>), String> {
    let (bpk, json) = paths(prefix);
    let manifest = M::load(&json).map_err(|e| format!("{json}: {e}"))?;
    let bytes = std::fs::read(&bpk).map_err(|e| format!("{bpk}: {e}"))?;
    Ok((manifest, bytes))
}
