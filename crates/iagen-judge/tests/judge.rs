//! The judge learns to tell simple images apart and keeps its weights through burnpack.

use burn::prelude::*;
use iagen_core::image_data::ImageBatch;
use iagen_judge::{JudgeConfig, JudgeTrainer, count_correct, load_judge, save_judge};

/// Class k: a bright horizontal bar in the k-th quarter of the image, plus a little noise.
fn bars(n: usize, seed: u64) -> ImageBatch {
    let mut rng = iagen_core::rng::Rng::new(seed);
    let labels: Vec<i64> = (0..n).map(|i| (i % 4) as i64).collect();
    let pixels = labels
        .iter()
        .flat_map(|&k| {
            (0..784).map(move |i| {
                if (i / 28) / 7 == k as usize {
                    0.9
                } else {
                    -0.9
                }
            })
        })
        .map(|p: f32| p + 0.2 * rng.normal())
        .collect();
    ImageBatch {
        len: n,
        pixels,
        labels,
    }
}

fn correct(t: Tensor<1, Int>) -> i64 {
    t.into_data().convert::<i64>().try_to_vec::<i64>().unwrap()[0]
}

#[test]
fn learns_to_classify_and_round_trips() {
    let device = Device::flex();
    let config = JudgeConfig::new().with_classes(4);
    let mut trainer = JudgeTrainer::new(&config, 3e-3, &device);
    let held_out = bars(40, 2);
    let before = correct(count_correct(&trainer.model(), &held_out, &device));
    for step in 0..40 {
        trainer.step(&bars(16, 100 + step));
    }
    let judge = trainer.model();
    assert_eq!(
        correct(count_correct(&judge, &held_out, &device)),
        40,
        "before: {before}/40"
    );
    // Sure of the bars it learnt, less sure of noise that shows none of them.
    let images = |batch: &ImageBatch| {
        Tensor::<1>::from_floats(batch.pixels.as_slice(), &device).reshape([batch.len, 1, 28, 28])
    };
    let mean = |t: Tensor<1>| t.mean().into_scalar::<f32>();
    let sure = mean(judge.confidence(images(&held_out)));
    let mut rng = iagen_core::rng::Rng::new(5);
    let noise = ImageBatch {
        len: 40,
        pixels: rng.normals(40 * 784),
        labels: vec![0; 40],
    };
    let unsure = mean(judge.confidence(images(&noise)));
    assert!(sure > 0.9 && sure <= 1.0, "confidence on bars {sure}");
    assert!(
        unsure < sure && unsure >= 0.25,
        "confidence on noise {unsure}"
    );
    let loaded = load_judge(
        &config.clone().with_seed(1),
        save_judge(&judge).unwrap(),
        &device,
    )
    .unwrap();
    assert_eq!(correct(count_correct(&loaded, &held_out, &device)), 40);
}
