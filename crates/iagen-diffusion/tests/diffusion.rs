//! The diffusion contract on the CPU backend: schedule identities, one reverse step, DDIM's
//! determinism, learning, and weights round-tripping through burnpack.

use burn::prelude::*;
use iagen_core::image_data::ImageBatch;
use iagen_diffusion::{
    Denoiser, DiffusionConfig, NoiseSchedule, Sampler, ScheduleKind, Trainer, image_tensor,
    load_diffusion, save_diffusion,
};

fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

fn config() -> DiffusionConfig {
    DiffusionConfig::new()
        .with_channels(8)
        .with_timesteps(100)
        .with_seed(5)
}

#[test]
fn both_schedules_end_near_pure_noise() {
    for kind in [ScheduleKind::Linear, ScheduleKind::Cosine] {
        let s = NoiseSchedule::new(kind, 1000);
        let last = s.alphas_cumprod[999];
        assert!(last < 1e-3, "{kind:?}: ᾱ_T = {last}");
        assert!(
            s.alphas_cumprod[0] > 0.99,
            "{kind:?}: ᾱ_0 = {}",
            s.alphas_cumprod[0]
        );
        assert!(
            s.alphas_cumprod.windows(2).all(|w| w[1] < w[0]),
            "{kind:?}: ᾱ decreases"
        );
        assert!(s.betas.iter().all(|&b| b > 0.0 && b < 1.0));
        assert!(s.snr(10) > s.snr(500));
    }
}

#[test]
fn noising_at_t_max_has_zero_mean_and_unit_variance() {
    let device = Device::flex();
    let s = NoiseSchedule::new(ScheduleKind::Cosine, 1000);
    let n = 64;
    let x0 = image_tensor(&vec![1.0; n * 784], n, &device); // a white image: far from noise
    let mut rng = iagen_core::rng::Rng::new(9);
    let noise = image_tensor(&rng.normals(n * 784), n, &device);
    let x_t = floats(s.add_noise(x0.clone(), noise.clone(), &vec![999; n]));
    let mean = x_t.iter().sum::<f32>() / x_t.len() as f32;
    let var = x_t.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / x_t.len() as f32;
    assert!(
        mean.abs() < 0.02 && (var - 1.0).abs() < 0.02,
        "mean {mean}, var {var}"
    );
    // And at t = 0 the image is almost untouched.
    let x_1 = floats(s.add_noise(x0, noise, &vec![0; n]));
    assert!(x_1.iter().map(|x| (x - 1.0).abs()).sum::<f32>() / (x_1.len() as f32) < 0.05);
}

#[test]
fn timesteps_start_at_pure_noise_and_descend() {
    let s = NoiseSchedule::new(ScheduleKind::Linear, 1000);
    let k = s.timesteps(50);
    assert_eq!((k.len(), k[0], *k.last().unwrap()), (50, 999, 19));
    assert!(k.windows(2).all(|w| w[1] < w[0]));
    assert_eq!(s.timesteps(1000), (0..1000).rev().collect::<Vec<_>>());
}

fn denoiser(sampler: Sampler, seed: u64, device: &Device) -> Denoiser {
    let c = config();
    let labels = [Some(7), None, Some(1)];
    Denoiser::new(
        c.noise_schedule(),
        &labels,
        10,
        sampler,
        5,
        3.0,
        seed,
        device,
    )
}

#[test]
fn one_reverse_step_has_the_sample_shape_and_is_reproducible() {
    let device = Device::flex();
    let model = config().init(&device);
    let mut a = denoiser(Sampler::Ddpm, 1, &device);
    let mut b = denoiser(Sampler::Ddpm, 1, &device);
    assert_eq!(a.current_t(), Some(99));
    let (sa, sb) = (a.step(&model).unwrap(), b.step(&model).unwrap());
    assert_eq!(sa.x_prev.dims(), [3, 1, 28, 28]);
    assert_eq!((sa.t, a.current_t(), a.progress()), (99, Some(79), (1, 5)));
    for (x, y) in [(sa.x_prev, sb.x_prev), (sa.x0, sb.x0), (sa.eps, sb.eps)] {
        assert_eq!(floats(x), floats(y));
    }
    let mut c = denoiser(Sampler::Ddpm, 2, &device);
    assert_ne!(floats(c.step(&model).unwrap().x_prev), floats(a.sample()));
}

#[test]
fn ddim_at_eta_zero_is_a_deterministic_map_of_the_start_noise() {
    let device = Device::flex();
    let model = config().init(&device);
    let run = |sampler| {
        let mut d = denoiser(sampler, 4, &device);
        while d.step(&model).is_some() {}
        assert_eq!(d.current_t(), None);
        floats(d.sample())
    };
    let (first, second) = (run(Sampler::Ddim), run(Sampler::Ddim));
    assert_eq!(first, second);
    assert!(first.iter().all(|x| x.is_finite()));
    // DDPM from the same start noise adds fresh noise on the way, so it lands elsewhere.
    assert_ne!(first, run(Sampler::Ddpm));
}

#[test]
fn training_on_one_batch_lowers_the_noise_error() {
    let device = Device::flex();
    // Four simple images (bars at different heights), each its own class.
    let pixels: Vec<f32> = (0..4)
        .flat_map(|k| (0..784).map(move |i| if (i / 28) / 7 == k { 1.0 } else { -1.0 }))
        .collect();
    let batch = ImageBatch {
        len: 4,
        pixels,
        labels: vec![0, 1, 2, 3],
    };
    let mut trainer = Trainer::new(&config().with_label_dropout(0.0), 3e-3, &device);
    let losses: Vec<f32> = (0..120).map(|_| floats(trainer.step(&batch))[0]).collect();
    let mean = |xs: &[f32]| xs.iter().sum::<f32>() / xs.len() as f32;
    let (early, late) = (mean(&losses[..20]), mean(&losses[100..]));
    assert!(late < 0.5 * early, "early {early}, late {late}");
}

#[test]
fn weights_round_trip_through_burnpack() {
    let device = Device::flex();
    let model = config().init(&device);
    let bytes = save_diffusion(&model).unwrap();
    let loaded = load_diffusion(&config().with_seed(99), bytes, &device).unwrap();
    let x = image_tensor(&vec![0.3; 2 * 784], 2, &device);
    let labels = || Tensor::<1, Int>::from_ints([3, 10], &device);
    assert_eq!(
        floats(model.forward(x.clone(), &[5, 50], labels())),
        floats(loaded.forward(x, &[5, 50], labels()))
    );
}

#[test]
fn added_attention_changes_nothing_until_it_trains() {
    let device = Device::flex();
    let x = image_tensor(&vec![0.2; 784], 1, &device);
    let out = |model: &iagen_diffusion::UNet| {
        let labels = Tensor::<1, Int>::from_ints([2], &device);
        floats(model.forward(x.clone(), &[40], labels))
    };
    let plain = config().init(&device);
    let before = out(&plain);
    let with_attention = plain.with_mid_attention(&device);
    assert_eq!(before, out(&with_attention));

    let config = config().with_attention(Some(true));
    let batch = ImageBatch {
        len: 2,
        pixels: vec![0.5; 2 * 784],
        labels: vec![0, 1],
    };
    let mut trainer = Trainer::from_model(with_attention, &config, 3e-3, &device);
    for _ in 0..5 {
        trainer.step(&batch);
    }
    let trained = trainer.inference_model();
    // Saved with attention, it loads into a model its config builds, output for output.
    let loaded = load_diffusion(&config, save_diffusion(&trained).unwrap(), &device).unwrap();
    assert_eq!(out(&trained), out(&loaded));
    assert!(
        trained.num_params()
            > config
                .clone()
                .with_attention(None)
                .init(&device)
                .num_params()
    );
}

#[test]
fn p2_weighting_changes_the_updates_but_reports_the_plain_noise_error() {
    let device = Device::flex();
    let batch = ImageBatch {
        len: 4,
        pixels: (0..4 * 784)
            .map(|i| ((i % 29) as f32 / 14.0) - 1.0)
            .collect(),
        labels: vec![0, 1, 2, 3],
    };
    // One model for both: two seeded inits could interleave with another test's draws from
    // the flex device's shared generator.
    let model = config().init(&device);
    let mut plain = Trainer::from_model(model.clone(), &config(), 3e-3, &device);
    let p2 = config().with_p2_gamma(Some(1.0));
    let mut weighted = Trainer::from_model(model, &p2, 3e-3, &device);
    let losses = |trainer: &mut Trainer| -> Vec<f32> {
        (0..3).map(|_| floats(trainer.step(&batch))[0]).collect()
    };
    let (plain, weighted) = (losses(&mut plain), losses(&mut weighted));
    // Same weights, same draws: the first step sees the same error.
    assert_eq!(plain[0], weighted[0]);
    assert_ne!(plain[2], weighted[2], "the weighting changed no update");
}

#[test]
fn a_manifest_written_before_attention_and_p2_existed_means_without_them() {
    let json = r#"{"channels": 16, "classes": 10, "timesteps": 1000, "schedule": "cosine",
        "label_dropout": 0.1, "seed": 42}"#;
    let config = DiffusionConfig::load_binary(json.as_bytes()).unwrap();
    assert!(!config.has_attention());
    assert_eq!(config.p2_gamma, None);
}

#[test]
fn the_weight_average_trails_the_weights() {
    let device = Device::flex();
    let batch = ImageBatch {
        len: 2,
        pixels: vec![0.5; 2 * 784],
        labels: vec![0, 1],
    };
    let x = image_tensor(&vec![0.1; 784], 1, &device);
    let out = |trainer: &Trainer| {
        let labels = Tensor::<1, Int>::from_ints([1], &device);
        floats(trainer.inference_model().forward(x.clone(), &[30], labels))
    };
    let distance =
        |a: &[f32], b: &[f32]| -> f32 { a.iter().zip(b).map(|(p, q)| (p - q).abs()).sum() };
    let model = config().init(&device); // one init for both, as in the P2 test
    let mut plain = Trainer::from_model(model.clone(), &config(), 3e-3, &device);
    let mut averaged =
        Trainer::from_model(model, &config(), 3e-3, &device).with_weight_average(0.9);
    let start = out(&averaged);
    assert_eq!(
        start,
        out(&plain),
        "the average starts at the model's weights"
    );
    for _ in 0..30 {
        plain.step(&batch);
        averaged.step(&batch);
    }
    // Same start, same steps: `plain` has the averaged trainer's live weights; the average
    // lies between the start and them.
    let (now, lagging) = (out(&plain), out(&averaged));
    let moved = distance(&start, &now);
    assert!(moved > 0.0);
    assert!(
        distance(&lagging, &now) > 0.05 * moved,
        "the average is the live model"
    );
    assert!(
        distance(&lagging, &start) > 0.05 * moved,
        "the average never moved"
    );
}

#[test]
fn the_operations_of_a_pass_match_a_hand_count() {
    let device = Device::flex();
    // 8 channels (16 at 14×14 and 7×7), a 32-wide embedding, 3×3 kernels: multiplies and adds
    // of each layer for one image, in the order the pass runs them.
    let layers: [usize; 21] = [
        8 * 32 + 32 * 32,                           // the time embedding
        8 * 9 * 784,                                // in: 1 → 8 at 28×28
        8 * 8 * 9 * 784 + 32 * 8 + 8 * 8 * 9 * 784, // down 1: two 8 → 8 convolutions, the embedding
        8 * 8 * 9 * 196,                            // pool to 14×14
        16 * 8 * 9 * 196,                           // down 2: 8 → 16
        32 * 16,
        16 * 16 * 9 * 196,
        16 * 8 * 196,     // its 1×1 skip
        16 * 16 * 9 * 49, // pool to 7×7
        16 * 16 * 9 * 49, // middle
        32 * 16,
        16 * 16 * 9 * 49,
        16 * 32 * 9 * 196, // up 2: 32 (16 upsampled, 16 skipped) → 16 at 14×14
        32 * 16,
        16 * 16 * 9 * 196,
        16 * 32 * 196,
        8 * 24 * 9 * 784, // up 1: 24 → 8 at 28×28
        32 * 8,
        8 * 8 * 9 * 784,
        8 * 24 * 784,
        8 * 9 * 784, // out: 8 → 1
    ];
    let unet = config().init(&device);
    let expected = 2.0 * layers.iter().sum::<usize>() as f64;
    assert_eq!(unet.flops(1), expected);
    assert_eq!(unet.flops(4), 4.0 * expected);
    // Attention at 7×7 over 16 channels: the projections 16 → 48 and 16 → 16 at 49 positions,
    // 49 scores per position and the weighted sum, each 16 products.
    let attention = 2.0 * (49 * 16 * 48 + 49 * 16 * 16 + 2 * 49 * 49 * 16) as f64;
    let with_attention = config().with_attention(Some(true)).init(&device);
    assert_eq!(with_attention.flops(1), expected + attention);
}
