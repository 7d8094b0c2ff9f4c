//! Choosing the next token from a model's logits: temperature, top-k and top-p (nucleus,
//! Holtzman et al. 2020). The model computes logits; the host decides with these functions.

use crate::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SamplingParams {
    /// 0 means greedy (always the most likely token).
    pub temperature: f32,
    /// Keep only the k most likely tokens; 0 keeps all.
    pub top_k: usize,
    /// Keep the smallest set of tokens whose probability reaches p; 1 keeps all.
    pub top_p: f32,
}

impl Default for SamplingParams {
    fn default() -> Self {
        Self {
            temperature: 0.8,
            top_k: 0,
            top_p: 1.0,
        }
    }
}

/// Softmax of `logits / temperature`, computed stably (max subtracted first).
pub fn softmax(logits: &[f32], temperature: f32) -> Vec<f32> {
    let t = temperature.max(1e-6);
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&l| ((l - max) / t).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Token ids sorted by decreasing probability (ties by id, so the order is deterministic).
fn ranked(probs: &[f32]) -> Vec<usize> {
    let mut ids: Vec<usize> = (0..probs.len()).collect();
    ids.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
    ids
}

/// The distribution actually sampled from: temperature applied, then top-k and top-p
/// filtering, renormalised. Shown to students as the "next-token probabilities".
pub fn filtered_distribution(logits: &[f32], params: SamplingParams) -> Vec<f32> {
    if params.temperature <= 0.0 {
        let mut probs = vec![0.0; logits.len()];
        probs[ranked(logits)[0]] = 1.0;
        return probs;
    }
    let probs = softmax(logits, params.temperature);
    let order = ranked(&probs);
    let k = if params.top_k == 0 {
        order.len()
    } else {
        params.top_k.min(order.len())
    };
    let mut kept = Vec::with_capacity(k);
    let mut mass = 0.0;
    for &id in &order[..k] {
        kept.push(id);
        mass += probs[id];
        if mass >= params.top_p {
            break;
        }
    }
    let mut out = vec![0.0; probs.len()];
    for id in kept {
        out[id] = probs[id] / mass;
    }
    out
}

/// Draw one token id from the filtered distribution with the seeded RNG.
pub fn sample(logits: &[f32], params: SamplingParams, rng: &mut Rng) -> usize {
    draw(&filtered_distribution(logits, params), rng)
}

/// Draw one token id from `probs` (a distribution, e.g. [`filtered_distribution`]'s) with the
/// seeded RNG: for a host that shows the distribution too and should not compute it twice.
pub fn draw(probs: &[f32], rng: &mut Rng) -> usize {
    let u = rng.next_f32();
    let mut acc = 0.0;
    let mut last = 0;
    for (id, &p) in probs.iter().enumerate() {
        if p > 0.0 {
            acc += p;
            last = id;
            if u < acc {
                return id;
            }
        }
    }
    last // rounding left `acc` a hair under 1
}

/// `logits` with every token outside `ids` ruled out (none when `ids` is empty: any token).
pub fn only(mut logits: Vec<f32>, ids: &[usize]) -> Vec<f32> {
    if !ids.is_empty() {
        for (id, logit) in logits.iter_mut().enumerate() {
            if !ids.contains(&id) {
                *logit = f32::NEG_INFINITY;
            }
        }
    }
    logits
}

/// Guidance of an autoregressive model towards a condition, as classifier-free guidance of
/// diffusion (Ho & Salimans 2022): the logits `free + scale·(conditional − free)` from the
/// conditioned pass and a condition-free pass on the same text; 1 is the conditioned pass alone,
/// 0 the free one, more than 1 leans further towards the condition. A token either pass rules
/// out stays out.
pub fn guided(conditional: &[f32], free: &[f32], scale: f32) -> Vec<f32> {
    conditional
        .iter()
        .zip(free)
        .map(|(&c, &f)| {
            if c == f32::NEG_INFINITY || f == f32::NEG_INFINITY {
                f32::NEG_INFINITY
            } else {
                f + scale * (c - f)
            }
        })
        .collect()
}

/// The `n` most likely tokens of a distribution, as (id, probability).
pub fn top_n(probs: &[f32], n: usize) -> Vec<(usize, f32)> {
    ranked(probs)
        .into_iter()
        .take(n)
        .map(|id| (id, probs[id]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGITS: [f32; 5] = [1.0, 3.0, 0.5, 2.0, -1.0];

    #[test]
    fn temperature_zero_is_argmax() {
        let params = SamplingParams {
            temperature: 0.0,
            ..Default::default()
        };
        let mut rng = Rng::new(9);
        assert!((0..50).all(|_| sample(&LOGITS, params, &mut rng) == 1));
    }

    #[test]
    fn top_k_keeps_exactly_k_tokens_with_unit_mass() {
        let params = SamplingParams {
            temperature: 1.0,
            top_k: 2,
            top_p: 1.0,
        };
        let probs = filtered_distribution(&LOGITS, params);
        assert_eq!(probs.iter().filter(|&&p| p > 0.0).count(), 2);
        assert!(probs[1] > 0.0 && probs[3] > 0.0);
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn top_p_keeps_the_smallest_set_reaching_the_mass() {
        let full = softmax(&LOGITS, 1.0);
        let params = SamplingParams {
            temperature: 1.0,
            top_k: 0,
            top_p: 0.8,
        };
        let probs = filtered_distribution(&LOGITS, params);
        let kept: Vec<usize> = (0..5).filter(|&i| probs[i] > 0.0).collect();
        // ids 1 and 3 hold about 0.84 of the mass; id 1 alone holds about 0.61.
        assert!(full[1] < 0.8 && full[1] + full[3] >= 0.8);
        assert_eq!(kept, vec![1, 3]);
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn high_temperature_flattens_low_sharpens() {
        let hot = softmax(&LOGITS, 5.0);
        let cold = softmax(&LOGITS, 0.2);
        assert!(hot[1] < softmax(&LOGITS, 1.0)[1]);
        assert!(cold[1] > 0.99);
    }

    #[test]
    fn empirical_frequencies_follow_the_distribution() {
        let params = SamplingParams {
            temperature: 1.0,
            top_k: 0,
            top_p: 1.0,
        };
        let probs = filtered_distribution(&LOGITS, params);
        let mut counts = [0usize; 5];
        let mut rng = Rng::new(42);
        for _ in 0..20_000 {
            counts[sample(&LOGITS, params, &mut rng)] += 1;
        }
        for i in 0..5 {
            assert!(
                (counts[i] as f32 / 20_000.0 - probs[i]).abs() < 0.02,
                "{counts:?}"
            );
        }
    }

    #[test]
    fn top_n_is_sorted_by_probability() {
        let probs = softmax(&LOGITS, 1.0);
        let top = top_n(&probs, 3);
        assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), vec![1, 3, 0]);
    }

    #[test]
    fn only_rules_out_the_other_tokens() {
        let kept = only(LOGITS.to_vec(), &[0, 2]);
        assert_eq!(kept[0], 1.0);
        assert_eq!(kept[2], 0.5);
        assert!([1, 3, 4].iter().all(|&i| kept[i] == f32::NEG_INFINITY));
        assert_eq!(only(LOGITS.to_vec(), &[]), LOGITS.to_vec());
    }

    #[test]
    fn guidance_interpolates_and_extrapolates_between_the_passes() {
        let free = [0.0, 1.0, f32::NEG_INFINITY];
        let conditional = [2.0, 0.0, 5.0];
        assert_eq!(guided(&conditional, &free, 1.0)[..2], conditional[..2]);
        assert_eq!(guided(&conditional, &free, 0.0)[..2], free[..2]);
        assert_eq!(guided(&conditional, &free, 2.0)[..2], [4.0, -1.0]);
        assert_eq!(guided(&conditional, &free, 2.0)[2], f32::NEG_INFINITY);
        // At scale 2 the token the condition favours gains: its probability grows.
        let p1 = softmax(&guided(&conditional, &free, 1.0)[..2], 1.0)[0];
        let p2 = softmax(&guided(&conditional, &free, 2.0)[..2], 1.0)[0];
        assert!(p2 > p1);
    }
}
