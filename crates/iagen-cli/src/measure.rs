//! How fast a unit of work runs, and how many GPU kernels it launches, for `bench`.
//!
//! Launches are counted with cubecl's launch observer, which sees every kernel a GPU backend
//! issues. The CPU backend (flex) runs its operations directly and launches none, so on the CPU
//! the count is absent.

use std::time::Instant;

/// One benchmark row: units per second and the kernels one unit launched (`None` on the CPU).
pub struct Measured {
    pub per_s: f64,
    pub kernels: Option<usize>,
}

impl Measured {
    /// `per_s` with `decimals`, then `kernels_per_UNIT N` where the work ran on a GPU.
    pub fn describe(&self, decimals: usize, unit: &str) -> String {
        let rate = format!("{:.*}", decimals, self.per_s);
        match self.kernels {
            Some(k) => format!("{rate}\tkernels_per_{unit}\t{k}"),
            None => rate,
        }
    }
}

/// Times `units` runs of `work` after one warm-up (a GPU compiles its kernels, and autotune
/// tries its candidates, on first use), then counts the kernels of one more run. `work` must
/// read its result back, so that a GPU's queued kernels are inside the time.
pub fn measure(units: usize, mut work: impl FnMut()) -> Measured {
    work();
    let started = Instant::now();
    for _ in 0..units {
        work();
    }
    let per_s = units as f64 / started.elapsed().as_secs_f64();
    Measured {
        per_s,
        kernels: launches(work),
    }
}

#[cfg(feature = "vulkan")]
fn launches(work: impl FnOnce()) -> Option<usize> {
    use burn::cubecl::logging::{LaunchObservation, LaunchObserver};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Count(AtomicUsize);
    impl LaunchObserver for Count {
        fn launched(&self, _kernel: &'static str) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    let count = Arc::new(Count::default());
    let watching = LaunchObservation::new(count.clone());
    work();
    drop(watching);
    Some(count.0.load(Ordering::Relaxed)).filter(|&n| n > 0)
}

#[cfg(not(feature = "vulkan"))]
fn launches(_work: impl FnOnce()) -> Option<usize> {
    None
}
