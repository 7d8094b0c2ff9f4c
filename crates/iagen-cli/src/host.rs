//! What every CLI command shares: the `--device` flag, `--time-limit` and `--stop-after`, reading a tensor's one value, files, and
//! the learning-rate schedule the shipped models train with.

use std::time::Instant;

use burn::prelude::*;

/// Where the models compute.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DeviceName {
    /// The flex backend on the CPU.
    Cpu,
    /// A GPU through Vulkan (this build has `--features vulkan`).
    #[cfg(feature = "vulkan")]
    Vulkan,
}

/// `--device`, for every command that runs a model.
#[derive(clap::Args)]
pub struct DeviceArg {
    #[arg(long, value_enum, default_value = "cpu")]
    pub device: DeviceName,
}

impl DeviceArg {
    pub fn get(&self) -> Device {
        match self.device {
            DeviceName::Cpu => Device::flex(),
            #[cfg(feature = "vulkan")]
            DeviceName::Vulkan => Device::vulkan(burn::tensor::DeviceKind::DefaultDevice),
        }
    }
}

/// `--time-limit` and `--stop-after`, for every `train` command that can end a run early (it
/// then saves as usual; the learning-rate schedule still spans `--steps`).
#[derive(clap::Args)]
pub struct StopArgs {
    /// Stop (then save as usual) after this many seconds.
    #[arg(long)]
    time_limit: Option<f32>,
    /// Stop after this step; the schedule still spans --steps.
    #[arg(long)]
    stop_after: Option<usize>,
}

impl StopArgs {
    /// The step to stop at, in a schedule of `steps`.
    pub fn last_step(&self, steps: usize) -> usize {
        self.stop_after.map_or(steps, |s| s.min(steps))
    }

    /// Whether the time is up for a run started at `started`, now at `step` (it says so).
    pub fn out_of_time(&self, started: Instant, step: usize) -> bool {
        let up = self
            .time_limit
            .is_some_and(|limit| started.elapsed().as_secs_f32() > limit);
        if up {
            println!("time limit reached after {step} steps");
        }
        up
    }
}

pub fn scalar(t: Tensor<1>) -> f32 {
    floats(t)[0]
}

pub fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")
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
