//! `iagen-cli bench gan`: the native side of the 2-D GAN (it trains in the page; nothing ships).

use std::time::Instant;

use iagen_core::live::LiveTraining;
use iagen_gan::{Gan2dTraining, GanConfig, Target};

use crate::host::{DeviceArg, scalar};

/// Training rounds per second of the 2-D GAN's default recipe on the ring of 8 (each round:
/// one discriminator step, one generator step, batch 128).
#[derive(clap::Args)]
pub struct BenchGanArgs {
    #[arg(long, default_value_t = 500)]
    rounds: usize,
    #[command(flatten)]
    device: DeviceArg,
}

pub fn bench(args: &BenchGanArgs) -> Result<(), String> {
    let device = args.device.get();
    let mut training = Gan2dTraining::new(&GanConfig::default(), Target::Ring, &device);
    // Reading the losses back waits for queued work; the first round is a warm-up.
    scalar(training.step()[0].1.clone());
    let started = Instant::now();
    for _ in 0..args.rounds {
        scalar(training.step()[0].1.clone());
    }
    let per_s = args.rounds as f64 / started.elapsed().as_secs_f64();
    let on = format!("{:?}", args.device.device).to_lowercase();
    println!("native {on}\tgan2d_rounds_per_s_batch_128\t{per_s:.0}");
    Ok(())
}
