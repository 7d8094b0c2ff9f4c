//! The image GAN on the CPU backend: images of the right shape and range for every class and
//! for none, an interpolation starts and ends on the two samples it joins, a seed reproduces a
//! run, both networks round-trip through burnpack, and feature matching pulls the class-free
//! samples towards the real images.

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::classes::CLASSES;
use iagen_core::image_data::ImageSet;
use iagen_core::live::LiveTraining;
use iagen_core::seed_turn::seed_turn;
use iagen_gan::{
    ImageGanConfig, ImageGanTraining, generate_images, interpolate_images, load_image_gan,
    save_image_gan,
};

fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

fn digits() -> ImageSet {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/assets/data/mnist.bin"
    ))
    .unwrap();
    ImageSet::from_records(&bytes[..200 * 785], CLASSES).unwrap()
}

fn config() -> ImageGanConfig {
    ImageGanConfig::new()
        .with_width(8)
        .with_noise(8)
        .with_seed(3)
}

#[test]
fn images_come_in_the_right_shape_and_range_with_or_without_a_class() {
    let _turn = seed_turn();
    let device = Device::flex();
    let model = config().init(&device);
    let labels = [Some(0), Some(9), None];
    let images = generate_images(&model.g.clone(), &labels, 1, &device);
    assert_eq!(images.dims(), [3, 1, 28, 28]);
    assert!(floats(images).iter().all(|v| (-1.0..=1.0).contains(v)));
    let again = generate_images(&model.g, &labels, 1, &device);
    let other = generate_images(&model.g, &labels, 2, &device);
    assert_eq!(
        floats(again.clone()),
        floats(generate_images(&model.g, &labels, 1, &device))
    );
    assert_ne!(floats(again), floats(other), "another seed, other noise");
}

#[test]
fn an_interpolation_walks_from_one_sample_of_a_grid_to_another() {
    let _turn = seed_turn();
    let device = Device::flex();
    let g = config().init(&device).g;
    let grid = floats(generate_images(&g, &[Some(4); 6], 11, &device));
    let frames = floats(interpolate_images(&g, Some(4), 11, [1, 5], 5, &device));
    let image = |all: &[f32], k: usize| all[k * 784..(k + 1) * 784].to_vec();
    let close = |x: &[f32], y: &[f32]| x.iter().zip(y).all(|(a, b)| (a - b).abs() < 1e-4);
    assert!(
        close(&image(&frames, 0), &image(&grid, 1)),
        "the first frame is sample 1"
    );
    assert!(
        close(&image(&frames, 4), &image(&grid, 5)),
        "the last frame is sample 5"
    );
    assert!(
        !close(&image(&frames, 2), &image(&frames, 0)),
        "the middle differs"
    );
}

#[test]
fn a_seed_reproduces_a_run_and_weights_round_trip() {
    let _turn = seed_turn();
    let device = Device::flex();
    let run = |seed: u64| {
        let mut t = ImageGanTraining::new(&config().with_seed(seed), digits(), 8, 2e-4, &device);
        for _ in 0..3 {
            t.step();
        }
        t.model()
    };
    let labels = [Some(3), None];
    let a = run(5);
    let image = |m: &iagen_gan::ImageGan| floats(generate_images(&m.g, &labels, 7, &device));
    assert_eq!(image(&a), image(&run(5)));
    assert_ne!(image(&a), image(&run(6)));
    let bytes = save_image_gan(&a, Precision::Full).unwrap();
    let loaded = load_image_gan(&config().with_seed(99), bytes, &device).unwrap();
    assert_eq!(
        image(&loaded),
        image(&a),
        "the loaded networks draw the same images"
    );
}

/// ‖mean discriminator features of the 200 real digits − those of 64 class-free samples‖².
fn feature_gap(gan: &iagen_gan::ImageGan, device: &Device) -> f32 {
    let all = digits().all();
    let real =
        Tensor::<1>::from_floats(all.pixels.as_slice(), device).reshape([all.len, 1, 28, 28]);
    let fake = generate_images(&gan.g, &[None; 64], 11, device);
    let mean = |x: Tensor<4>| gan.d.features(x).mean_dim(0);
    floats((mean(real) - mean(fake)).powi_scalar(2).sum())[0]
}

#[test]
fn feature_matching_pulls_the_class_free_samples_towards_the_real_features() {
    let _turn = seed_turn();
    let device = Device::flex();
    // Generator steps only (the discriminator, and so its features, stay put), every label
    // "none": with the term on, the gap closes; the adversarial loss alone does not close it.
    let gap_after = |weight: f32| {
        let mut t = ImageGanTraining::new(&config(), digits(), 16, 2e-3, &device);
        t.set_label_drop(1.0);
        t.set_feature_matching(weight);
        let before = feature_gap(&t.model(), &device);
        for _ in 0..20 {
            t.step_g();
        }
        (before, feature_gap(&t.model(), &device))
    };
    let (before, matched) = gap_after(10.0);
    let (_, adversarial) = gap_after(0.0);
    assert!(matched < 0.5 * before, "{before} → {matched}");
    assert!(matched < adversarial, "{matched} vs {adversarial}");
}
