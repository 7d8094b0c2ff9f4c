//! The memory estimate against what training really allocates: a counting allocator records
//! the peak of live heap bytes (what grows a browser's WebAssembly memory) over two training
//! steps of three configurations, each of which must land within 30 % of the estimate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use burn::prelude::*;
use iagen_core::live::LiveTraining;
use iagen_gpt::{GptConfig, GptSize, GptTraining, training_bytes};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/assets/data/refranes.txt"
    ))
    .unwrap()
}

#[test]
fn the_estimate_is_within_30_percent_of_the_measured_peak() {
    let text = text();
    // One at a time: the counters are global.
    for (size, ctx, batch) in [
        (GptSize::Tiny, 128, 32),
        (GptSize::Small, 64, 64),
        (GptSize::Small, 128, 32),
    ] {
        let device = Device::flex();
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let mut training = GptTraining::new(&text, size, ctx, batch, 1e-3, 1, &device).unwrap();
        for _ in 0..2 {
            let losses = training.step();
            let _ = losses[0].1.clone().into_data();
        }
        let measured = (PEAK.load(Ordering::Relaxed) - before) as f64;
        let config = GptConfig::preset(size, training.corpus().tokenizer.vocab_size(), ctx);
        let estimate = training_bytes(&config, batch) as f64;
        println!(
            "{size:?} ctx {ctx} batch {batch}: measured {:.0} MB, estimated {:.0} MB",
            measured / 1e6,
            estimate / 1e6
        );
        let ratio = estimate / measured;
        assert!(
            (0.7..=1.3).contains(&ratio),
            "{size:?} ctx {ctx} batch {batch}: estimate {estimate} vs measured {measured}"
        );
    }
}

#[test]
fn a_run_over_the_browser_budget_is_refused_with_the_largest_batch_that_fits() {
    use iagen_gpt::{BROWSER_BUDGET, TextError, largest_batch};
    let text = text();
    // A small GPT with a context of 256 and batches of 128: over 4 GiB, the page's old crash.
    let err = GptTraining::new(&text, GptSize::Small, 256, 128, 1e-3, 1, &Device::flex())
        .err()
        .expect("refused");
    let TextError::OverBudget { needs, batch } = err else {
        panic!("{err:?}")
    };
    assert!(needs > BROWSER_BUDGET);
    let vocab = iagen_core::tokenizer::CharTokenizer::from_text(&text).vocab_size();
    let config = GptConfig::preset(GptSize::Small, vocab, 256);
    assert!(batch > 1 && batch < 128);
    assert_eq!(largest_batch(&config, BROWSER_BUDGET), batch);
    assert!(training_bytes(&config, batch) <= BROWSER_BUDGET);
    assert!(training_bytes(&config, batch + 1) > BROWSER_BUDGET);
}
