//! The GPT contract on the CPU backend: shapes, learning, determinism, the KV cache and
//! weights round-tripping through burnpack.

use burn::prelude::*;
use iagen_core::burnpack::Precision;
use iagen_core::rng::Rng;
use iagen_core::seed_turn::seed_turn;
use iagen_core::text_data::TextCorpus;
use iagen_gpt::{
    Gpt, GptConfig, GptSize, Sampler, Shape, Trainer, load_gpt, save_gpt, token_flops, token_tensor,
};

const TEXT: &str = "En boca cerrada no entran moscas. A quien madruga, Dios le ayuda. \
                    Más vale tarde que nunca. No hay mal que por bien no venga.";

fn config(vocab: usize) -> GptConfig {
    GptConfig::preset(GptSize::Nano, vocab, 16).with_seed(3)
}

fn floats(t: Tensor<1>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().unwrap()
}

#[test]
fn logits_and_attention_have_the_documented_shapes() {
    let _turn = seed_turn();
    let device = Device::flex();
    let model = config(11).with_n_layer(3).init(&device);
    let idx = token_tensor(
        &[1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8],
        2,
        8,
        &device,
    );
    let (logits, maps) = model.forward_with_attention(idx);
    assert_eq!(logits.dims(), [2, 8, 11]);
    assert_eq!(maps.len(), 3);
    assert_eq!(maps[0].dims(), [2, 2, 8, 8]);
    // Causal: row i of every map sums to 1 over keys 0..=i and is 0 beyond.
    let row: Vec<f32> = maps[1]
        .clone()
        .narrow(2, 2, 1)
        .reshape([2 * 2 * 8])
        .into_data()
        .try_to_vec()
        .unwrap();
    for head in row.chunks(8) {
        assert!((head[..3].iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(head[3..].iter().all(|&w| w == 0.0));
    }
}

#[test]
fn training_overfits_one_small_batch() {
    let _turn = seed_turn();
    let corpus = TextCorpus::new(TEXT, 0.0);
    let batch = corpus.train_batch(&mut Rng::new(1), 4, 16).unwrap();
    let mut trainer = Trainer::new(
        &config(corpus.tokenizer.vocab_size()),
        1e-2,
        &Device::flex(),
    );
    let first = floats(trainer.step(&batch))[0];
    let mut last = first;
    for _ in 0..150 {
        last = floats(trainer.step(&batch))[0];
    }
    assert!(first > 2.5, "starts near ln(vocab): {first}");
    assert!(last < 0.5 * first, "loss {first} -> {last}");
}

fn run(seed: u64) -> (Vec<f32>, String) {
    let corpus = TextCorpus::new(TEXT, 0.1);
    let mut rng = Rng::new(seed);
    let mut trainer = Trainer::new(
        &config(corpus.tokenizer.vocab_size()).with_seed(seed),
        3e-3,
        &Device::flex(),
    );
    let losses = (0..20)
        .map(|_| floats(trainer.step(&corpus.train_batch(&mut rng, 4, 16).unwrap()))[0])
        .collect();
    let mut sampler = Sampler::new(trainer.inference_model());
    let params = iagen_core::sampling::SamplingParams::default();
    let mut next = 0;
    let mut text = String::new();
    for _ in 0..40 {
        let logits = floats(sampler.feed(&[next]));
        next = iagen_core::sampling::sample(&logits, params, &mut rng);
        text.push(corpus.tokenizer.char(next));
    }
    (losses, text)
}

#[test]
fn same_seed_gives_identical_losses_and_text_on_cpu() {
    let _turn = seed_turn();
    let (losses_a, text_a) = run(11);
    let (losses_b, text_b) = run(11);
    let (losses_c, _) = run(12);
    assert_eq!(losses_a, losses_b);
    assert_eq!(text_a, text_b);
    assert_ne!(losses_a, losses_c);
}

#[test]
fn kv_cache_matches_full_recompute_and_slides_past_the_window() {
    let _turn = seed_turn();
    let device = Device::flex();
    let model: Gpt = config(11).init(&device);
    let ids: Vec<usize> = (0..24).map(|i| (i * 7) % 11).collect();
    let mut sampler = Sampler::new(model.clone());
    let mut cached = floats(sampler.feed(&ids[..5]));
    let full = |ctx: &[usize]| {
        let ints: Vec<i64> = ctx.iter().map(|&i| i as i64).collect();
        let logits = model.forward(token_tensor(&ints, 1, ctx.len(), &device));
        floats(logits.narrow(1, ctx.len() - 1, 1).reshape([11]))
    };
    for end in 5..=ids.len() {
        // Past the 16-position window the sampler restarts from the last 8 characters.
        let start = if end <= 16 {
            0
        } else {
            end - 8 - (end - 17) % 8
        };
        let expected = full(&ids[start..end]);
        for (a, b) in cached.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-4, "at {end}: {a} vs {b}");
        }
        if end < ids.len() {
            cached = floats(sampler.feed(&ids[end..end + 1]));
        }
    }
}

#[test]
fn weights_round_trip_through_burnpack_bytes() {
    let _turn = seed_turn();
    let device = Device::flex();
    let cfg = config(11);
    let model = cfg.init(&device);
    let bytes = save_gpt(&model, Precision::Full).unwrap();
    let loaded = load_gpt(&cfg.clone().with_seed(99), bytes, &device).unwrap();
    let idx = token_tensor(&[1, 2, 3, 4], 1, 4, &device);
    let a = model.forward(idx.clone()).into_data();
    let b = loaded.forward(idx).into_data();
    assert_eq!(a, b);
}

/// Shipped weights stored in 16 bits: half the bytes, the same predictions within f16's
/// rounding (a relative 2^-11 per weight).
#[test]
fn half_precision_weights_take_half_the_bytes_and_predict_the_same() {
    let _turn = seed_turn();
    let device = Device::flex();
    let cfg = config(11);
    let model = cfg.init(&device);
    let full = save_gpt(&model, Precision::Full).unwrap();
    let half = save_gpt(&model, Precision::Half).unwrap();
    assert!(
        half.len() * 10 < full.len() * 6,
        "{} vs {} bytes",
        half.len(),
        full.len()
    );
    let loaded = load_gpt(&cfg.clone().with_seed(99), half, &device).unwrap();
    let idx = token_tensor(&[1, 2, 3, 4], 1, 4, &device);
    let probs = |m: &Gpt| {
        floats(burn::tensor::activation::softmax(m.forward(idx.clone()), 2).flatten(0, 2))
    };
    let (a, b) = (probs(&model), probs(&loaded));
    let worst = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    assert!(worst < 2e-3, "probabilities moved by up to {worst}");
    assert!(
        worst > 0.0,
        "16-bit storage changed nothing: were the weights stored in 32 bits?"
    );
}

/// The live-training contract the page drives: named losses, held-out loss, learning.
#[test]
fn live_training_reports_named_losses_that_fall() {
    use iagen_core::live::{LiveTraining, add_losses};
    let _turn = seed_turn();
    let text = TEXT.repeat(4);
    let mut live =
        iagen_gpt::GptTraining::new(&text, GptSize::Nano, 16, 4, 1e-2, 5, &Device::flex()).unwrap();
    let mean_of = |losses: Vec<(&'static str, Tensor<1>)>, n: f32| {
        assert_eq!(losses.len(), 1);
        (losses[0].0, floats(losses[0].1.clone())[0] / n)
    };
    let (name, first) = mean_of(live.step(), 1.0);
    assert_eq!(name, "loss");
    let mut sum = None;
    for _ in 0..60 {
        sum = Some(add_losses(sum, live.step()));
    }
    let (_, late) = mean_of(sum.unwrap(), 60.0);
    assert_eq!(live.steps(), 61);
    assert!(late < 0.8 * first, "mean loss {first} -> {late}");
    let (name, val) = mean_of(live.validate(2), 1.0);
    assert_eq!(name, "val");
    assert!(val.is_finite() && val > 0.0, "{val}");
}

#[test]
fn a_text_too_short_for_its_context_is_refused_with_both_lengths() {
    let err = iagen_gpt::GptTraining::new("abc", GptSize::Nano, 16, 4, 1e-2, 5, &Device::flex())
        .err()
        .unwrap();
    assert_eq!(
        err,
        iagen_gpt::TextError::TooShort {
            has: 3,
            needs: TextCorpus::shortest_text(16, iagen_gpt::VAL_FRACTION)
        }
    );
}

/// A saved run restored into a fresh one of the same shape: the same model, the same steps.
#[test]
fn a_run_resumed_from_its_saved_weights_is_the_same_model() {
    use iagen_core::live::LiveTraining;
    let _turn = seed_turn();
    let text = TEXT.repeat(4);
    let device = Device::flex();
    let open =
        || iagen_gpt::GptTraining::new(&text, GptSize::Nano, 16, 4, 1e-2, 5, &device).unwrap();
    let mut trained = open();
    for _ in 0..5 {
        trained.step();
    }
    let bytes = save_gpt(&trained.model(), Precision::Full).unwrap();
    let mut restored = open();
    let weights = load_gpt(trained.config(), bytes, &device).unwrap();
    restored.resume(weights, trained.steps());
    assert_eq!(restored.steps(), 5);
    let logits = |model: Gpt| {
        let ids = token_tensor(&[1, 2, 3, 4], 1, 4, &device);
        floats(model.forward(ids).flatten::<1>(0, 2))
    };
    assert_eq!(logits(restored.model()), logits(trained.model()));
    restored.step();
    assert_eq!(restored.steps(), 6, "it trains on");
}

#[test]
fn the_sampler_counts_the_operations_of_every_position_it_computes() {
    let _turn = seed_turn();
    let device = Device::flex();
    let config = config(11).with_block_size(4);
    let mut sampler = Sampler::new(config.init(&device));
    let shape = Shape::from(&config);
    let t = |keys| token_flops(shape, keys);
    sampler.feed(&[1, 2, 3]);
    assert_eq!(sampler.flops(), t(1) + t(2) + t(3));
    sampler.feed(&[4]);
    // The window is full: the fifth character restarts from the last two (block / 2).
    sampler.feed(&[5]);
    assert_eq!(sampler.flops(), t(1) + t(2) + t(3) + t(4) + t(1) + t(2));
}
