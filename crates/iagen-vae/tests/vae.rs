//! The VAE contract on the CPU backend: the KL term is exact, training lowers both halves of
//! the loss, a seed reproduces a run, and weights round-trip through burnpack.

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::classes::CLASSES;
use iagen_core::image_data::ImageSet;
use iagen_core::live::LiveTraining;
use iagen_core::rng::Rng;
use iagen_core::seed_turn::seed_turn;
use iagen_vae::{
    Vae, VaeConfig, VaeTraining, gaussian_kl, image_rows, load_vae, save_vae, vae_losses,
};

fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

/// The first 600 shipped digits (the last tenth of them held out by the trainer).
fn digits() -> ImageSet {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/assets/data/mnist.bin"
    ))
    .unwrap();
    ImageSet::from_records(&bytes[..600 * 785], CLASSES).unwrap()
}

fn config() -> VaeConfig {
    VaeConfig::new().with_hidden(64).with_seed(3)
}

#[test]
fn both_loss_halves_are_positive_and_z_is_mu_plus_sigma_times_eps() {
    let _turn = seed_turn();
    let device = Device::flex();
    let model = config().init(&device);
    let x = image_rows(&vec![0.0; 784], 1, &device);
    let eps = Tensor::<2>::zeros([1, 2], &device);
    let l = vae_losses(&model, x, eps);
    assert!(floats(l.kl)[0] >= 0.0);
    assert!(floats(l.recon)[0] > 0.0);
    let zero = Tensor::<2>::zeros([1, 2], &device);
    let z = Vae::reparameterise(zero.clone(), zero, Tensor::<2>::ones([1, 2], &device));
    assert_eq!(
        floats(z),
        vec![1.0, 1.0],
        "z = μ + σ·ε with μ = 0, σ = 1, ε = 1"
    );
}

#[test]
fn the_kl_of_the_prior_is_zero_and_matches_a_hand_computation() {
    let _turn = seed_turn();
    let device = Device::flex();
    let zeros = Tensor::<2>::zeros([1, 3], &device);
    assert_eq!(floats(gaussian_kl(zeros.clone(), zeros)), vec![0.0; 3]);
    // μ = 1, σ² = 4: (1 + 4 − ln 4 − 1) / 2 = 1.3068…
    let mean = Tensor::<2>::ones([1, 1], &device);
    let log_var = Tensor::<2>::from_floats([[4f32.ln()]], &device);
    let kl = floats(gaussian_kl(mean, log_var))[0];
    assert!((kl - (4.0 - 4f32.ln()) / 2.0).abs() < 1e-5, "{kl}");
}

#[test]
fn reparameterised_samples_have_the_encoders_mean_and_variance() {
    let _turn = seed_turn();
    let device = Device::flex();
    let n = 20_000;
    let eps = Tensor::<1>::from_floats(Rng::new(1).normals(n).as_slice(), &device).reshape([n, 1]);
    let mean = Tensor::<2>::full([n, 1], 2.0, &device);
    let log_var = Tensor::<2>::full([n, 1], 9f32.ln(), &device);
    let z = floats(Vae::reparameterise(mean, log_var, eps));
    let m = z.iter().sum::<f32>() / n as f32;
    let var = z.iter().map(|v| (v - m).powi(2)).sum::<f32>() / n as f32;
    assert!((m - 2.0).abs() < 0.1, "mean {m}");
    assert!((var - 9.0).abs() < 0.4, "variance {var}");
}

#[test]
fn training_lowers_reconstruction_and_a_seed_reproduces_the_run() {
    let _turn = seed_turn();
    let device = Device::flex();
    let (train, held) = digits().split_held_out();
    let run = || {
        let mut training =
            VaeTraining::new(&config(), train.clone(), held.clone(), 32, 3e-3, &device);
        let before = training.validate(2);
        let mut last = Vec::new();
        for _ in 0..60 {
            last = training
                .step()
                .into_iter()
                .map(|(n, t)| (n, floats(t)[0]))
                .collect();
        }
        let after = training.validate(2);
        let value = |l: &[(&str, Tensor<1>)], k: usize| floats(l[k].1.clone())[0];
        (value(&before, 0), value(&after, 0), value(&after, 1), last)
    };
    let (recon_before, recon_after, kl_after, last) = run();
    assert_eq!(
        last.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        ["recon", "kl"]
    );
    assert!(
        recon_after < recon_before - 100.0,
        "held-out reconstruction {recon_before} -> {recon_after} nats per image"
    );
    assert!(
        kl_after > 0.0,
        "the latent carries information: KL {kl_after}"
    );
    let (_, again, _, last_again) = run();
    assert_eq!(again, recon_after, "the same seed, the same run");
    assert_eq!(last_again, last);
}

#[test]
fn weights_round_trip_through_burnpack_bytes() {
    let _turn = seed_turn();
    let device = Device::flex();
    let model = config().init(&device);
    let bytes = save_vae(&model, Precision::Full).unwrap();
    let loaded = load_vae(&config().with_seed(99), bytes, &device).unwrap();
    let z = Tensor::<2>::from_floats([[0.5, -1.0]], &device);
    assert_eq!(floats(model.decode(z.clone())), floats(loaded.decode(z)));
}

#[test]
fn a_convolutional_vae_reads_and_draws_28_by_28_images_and_learns() {
    let _turn = seed_turn();
    let device = Device::flex();
    let config = config().with_conv(Some(4));
    let (train, held) = digits().split_held_out();
    let mut training = VaeTraining::new(&config, train.clone(), held, 32, 3e-3, &device);
    let before = floats(training.validate(2)[0].1.clone())[0];
    for _ in 0..40 {
        training.step();
    }
    let after = floats(training.validate(2)[0].1.clone())[0];
    assert!(
        after < before - 50.0,
        "held-out reconstruction {before} -> {after} nats per image"
    );
    let model = training.model();
    let batch = train.batch(&[0, 1, 2]);
    let (mean, _) = model.encode(image_rows(&batch.pixels, 3, &device));
    assert_eq!(mean.dims(), [3, 2]);
    let decoded = model.decode(mean);
    assert_eq!(decoded.dims(), [3, 784]);
    // The manifest of a model from before convolutions (no `conv`) still reads, as an MLP.
    let old = VaeConfig::load_binary(br#"{"latent":2,"hidden":8,"depth":1,"beta":1.0,"seed":1}"#)
        .unwrap();
    assert_eq!(old.conv, None);
}

#[test]
fn the_operations_of_a_pass_match_a_hand_count() {
    let device = Device::flex();
    // MLPs of two layers of 4 around a latent of 2, on 3 images: 784 → 4 → 4 → (2, 2), then
    // 2 → 4 → 4 → 784; a multiply and an add per weight and image.
    let mlp = VaeConfig::new()
        .with_hidden(4)
        .with_depth(2)
        .with_latent(2)
        .init(&device);
    let weights = 784 * 4 + 4 * 4 + 2 * 4 * 2 + 2 * 4 + 4 * 4 + 4 * 784;
    assert_eq!(mlp.flops(3), 2.0 * 3.0 * weights as f64);
    let decoder = 2 * 4 + 4 * 4 + 4 * 784;
    assert_eq!(mlp.decode_flops(3), 2.0 * 3.0 * decoder as f64);
    // With convolutions of 2 and 4 channels (4×4 kernels): 1 → 2 channels at 14×14, 2 → 4 at
    // 7×7, and their transposes from 7×7 and 14×14; the MLPs then see 4 · 49 values.
    let conv = VaeConfig::new()
        .with_hidden(4)
        .with_depth(1)
        .with_latent(2)
        .with_conv(Some(2))
        .init(&device);
    let convs = 196 * 2 * 16 + 49 * 4 * 2 * 16 + 49 * 4 * 2 * 16 + 196 * 2 * 16;
    let linears = 196 * 4 + 2 * 4 * 2 + 2 * 4 + 4 * 196;
    assert_eq!(conv.flops(1), 2.0 * (convs + linears) as f64);
}
