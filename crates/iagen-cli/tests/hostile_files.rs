//! Model files as a careless or hostile visitor might hand them over: every shipped model's
//! weights truncated, with bytes flipped, padded with garbage or empty, and its manifest cut
//! short. Loading must answer with an error or a model, never a panic (in the page a panic
//! aborts the engine).

use std::panic::{AssertUnwindSafe, catch_unwind};

use burn::prelude::*;
use iagen_core::rng::Rng;
use iagen_diffusion::{DiffusionManifest, load_diffusion};
use iagen_gan::{ImageGanManifest, load_image_gan};
use iagen_gpt::{GptManifest, load_gpt};
use iagen_judge::{JudgeManifest, load_judge};
use iagen_vae::{VaeManifest, load_vae};

fn shipped(name: &str, ext: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../web/assets/models/{name}.{ext}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Damaged copies of `bytes`: cut at several points, bytes flipped in the header and in the
/// body, garbage appended, nothing at all.
fn damaged(bytes: &[u8], seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let n = bytes.len();
    let mut out = vec![("empty".to_string(), Vec::new())];
    for cut in [1, 8, 64, 512, n / 2, n - 1] {
        out.push((format!("cut at {cut}"), bytes[..cut.min(n)].to_vec()));
    }
    for round in 0..24 {
        let mut copy = bytes.to_vec();
        // Half the rounds hit the first 4 KB (the header and tensor table), half anywhere.
        let span = if round % 2 == 0 { n.min(4096) } else { n };
        for _ in 0..(1 + round % 4) {
            let at = rng.below(span);
            copy[at] ^= 1 << rng.below(8);
        }
        out.push((format!("flips {round}"), copy));
    }
    let mut padded = bytes.to_vec();
    padded.extend(std::iter::repeat_n(0xA5, 1000));
    out.push(("garbage appended".to_string(), padded));
    out
}

/// Every damaged copy of the shipped `name` through `load`: an error or a model, no panic.
fn survives<T>(name: &str, load: impl Fn(Vec<u8>) -> Result<T, String>) {
    for (what, bytes) in damaged(&shipped(name, "bpk"), name.len() as u64) {
        let outcome = catch_unwind(AssertUnwindSafe(|| load(bytes).map(|_| ())));
        assert!(outcome.is_ok(), "{name}: loading weights {what} panicked");
    }
}

/// Every prefix of the shipped manifest parses to an error or a manifest, no panic.
fn manifest_survives<M: Config>(name: &str) {
    let text = shipped(name, "json");
    for cut in (0..text.len()).step_by(7) {
        let outcome = catch_unwind(|| M::load_binary(&text[..cut]).is_ok());
        assert!(outcome.is_ok(), "{name}: a manifest cut at {cut} panicked");
    }
}

fn manifest<M: Config>(name: &str) -> M {
    M::load_binary(&shipped(name, "json")).unwrap()
}

#[test]
fn damaged_weights_and_manifests_give_errors_not_panics() {
    let device = Device::flex();
    let gpt: GptManifest = manifest("refranes");
    survives("refranes", |b| load_gpt(&gpt.config, b, &device));
    let vae: VaeManifest = manifest("vae-mnist");
    survives("vae-mnist", |b| load_vae(&vae.config, b, &device));
    let gan: ImageGanManifest = manifest("gan-mnist");
    survives("gan-mnist", |b| load_image_gan(&gan.config, b, &device));
    let diffusion: DiffusionManifest = manifest("diffusion-mnist");
    survives("diffusion-mnist", |b| {
        load_diffusion(&diffusion.config, b, &device)
    });
    let judge: JudgeManifest = manifest("judge-mnist");
    survives("judge-mnist", |b| load_judge(&judge.config, b, &device));
    manifest_survives::<GptManifest>("frases");
    manifest_survives::<VaeManifest>("vae-mnist");
    manifest_survives::<ImageGanManifest>("gan-mnist");
    manifest_survives::<DiffusionManifest>("diffusion-mnist");
}
