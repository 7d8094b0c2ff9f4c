//! What every CLI command shares: the device choice, reading a tensor's one value, files, and
//! the learning-rate schedule the shipped models train with.

use burn::prelude::*;

use crate::args::Args;

pub fn scalar(t: Tensor<1>) -> f32 {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")[0]
}

/// `--device` as given, `cpu` if not.
pub fn device_name(args: &Args) -> Result<String, String> {
    args.get("device", "cpu".to_string())
}

/// `--device cpu` (the flex backend, default) or `--device vulkan` (built with
/// `--features vulkan`).
pub fn device(args: &Args) -> Result<Device, String> {
    match device_name(args)?.as_str() {
        "cpu" => Ok(Device::flex()),
        #[cfg(feature = "vulkan")]
        "vulkan" => Ok(Device::vulkan(burn::tensor::DeviceKind::DefaultDevice)),
        other => Err(format!(
            "--device {other}: this build knows cpu{}",
            if cfg!(feature = "vulkan") {
                " and vulkan"
            } else {
                ""
            }
        )),
    }
}

pub fn read_text(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

pub fn read_bytes(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

pub fn write_bytes(path: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{path}: {e}"))
}

/// The multiplier on the base learning rate at `step` of `steps`: linear warm-up over the
/// first 5 %, then cosine decay to a tenth (nanoGPT's schedule).
pub fn lr_scale(step: usize, steps: usize) -> f64 {
    let warmup = (steps / 20).max(1);
    if step < warmup {
        return (step + 1) as f64 / warmup as f64;
    }
    let progress = (step - warmup) as f64 / (steps - warmup).max(1) as f64;
    0.1 + 0.45 * (1.0 + (std::f64::consts::PI * progress.min(1.0)).cos())
}
