//! What the families' comparison measures of a set of generated digits (issue 31: quality,
//! diversity, closeness to the data, copying), computed the same way by `iagen-cli eval compare`
//! and by the page's comparison view, from what the judge and the nearest-image search said:
//! - `top`: the judge's mean top-class probability (how clearly the samples show some digit);
//! - `shares`, `entropy_bits`: each digit's share of the samples and the entropy of the shares
//!   (log₂ 10 ≈ 3.32 bits when every digit is as common; lower when some digits are missing);
//! - `frechet`: the Fréchet distance to held-out digits in the judge's features (`frechet.rs`);
//! - `nearest_ratio`: the median distance from a sample to its nearest training digit over the
//!   same for held-out digits (near 1: new digits; near 0: copies).

use crate::classes::CLASSES;
use crate::frechet::{Gaussian, frechet_distance};
use crate::image_mix::class_shares;

/// The `q` quantile of sorted `values`.
pub fn quantile(sorted: &[f32], q: f32) -> f32 {
    sorted[((sorted.len() - 1) as f32 * q).round() as usize]
}

/// The median of `values` (in any order).
pub fn median(values: &[f32]) -> f32 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    quantile(&sorted, 0.5)
}

/// The entropy of a distribution (shares that sum to 1), in bits.
pub fn entropy_bits(shares: &[f32]) -> f64 {
    shares
        .iter()
        .filter(|&&p| p > 0.0)
        .map(|&p| -f64::from(p) * f64::from(p).log2())
        .sum()
}

/// Each image's class (the most probable) and its probability, from the judge's class
/// probabilities (`n × CLASSES`, row after row).
pub fn top_classes(probs: &[f32]) -> (Vec<usize>, Vec<f32>) {
    probs
        .chunks_exact(CLASSES)
        .map(|row| {
            let (class, p) = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .expect("a row of classes");
            (class, *p)
        })
        .unzip()
}

/// What the judge and the nearest-image search said of a set of images.
pub struct Judged<'a> {
    /// The judge's class probabilities, `n × CLASSES`.
    pub probs: &'a [f32],
    /// The judge's features, `n × dim`.
    pub features: &'a [f32],
    /// Each image's distance to its nearest training image.
    pub nearest: &'a [f32],
}

#[derive(Clone, Debug, PartialEq)]
pub struct SampleScores {
    pub top: f64,
    pub shares: [f32; CLASSES],
    pub entropy_bits: f64,
    pub frechet: f64,
    pub nearest_ratio: f64,
}

/// The scores of `samples` against `held` (as many held-out digits, judged the same way), with
/// features of `dim` values. Both sets need at least two images (a covariance).
pub fn score_samples(samples: &Judged, held: &Judged, dim: usize) -> SampleScores {
    let (classes, top) = top_classes(samples.probs);
    let shares = class_shares(classes);
    let frechet = frechet_distance(
        &Gaussian::of(samples.features, dim),
        &Gaussian::of(held.features, dim),
    );
    let ratio = f64::from(median(samples.nearest)) / f64::from(median(held.nearest)).max(1e-9);
    SampleScores {
        top: top.iter().map(|&p| f64::from(p)).sum::<f64>() / top.len().max(1) as f64,
        shares,
        entropy_bits: entropy_bits(&shares),
        frechet,
        nearest_ratio: ratio,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_is_log2_of_ten_for_even_shares_and_zero_for_one_class() {
        assert!((entropy_bits(&[0.1; CLASSES]) - 10f64.log2()).abs() < 1e-6);
        let mut one = [0.0; CLASSES];
        one[3] = 1.0;
        assert_eq!(entropy_bits(&one), 0.0);
        assert!((entropy_bits(&[0.5, 0.5]) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn median_and_quantiles_read_sorted_values() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), 3.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.0), 1.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 1.0), 5.0);
    }

    /// Probabilities that put `p` on `class` and the rest evenly on the others.
    fn row(class: usize, p: f32) -> Vec<f32> {
        (0..CLASSES)
            .map(|c| if c == class { p } else { (1.0 - p) / 9.0 })
            .collect()
    }

    #[test]
    fn samples_like_the_held_out_digits_score_as_them() {
        let probs: Vec<f32> = (0..20).flat_map(|i| row(i % CLASSES, 0.9)).collect();
        let features: Vec<f32> = (0..20)
            .flat_map(|i| [i as f32, (i * i % 7) as f32])
            .collect();
        let nearest: Vec<f32> = (0..20).map(|i| 5.0 + i as f32 * 0.1).collect();
        let set = Judged {
            probs: &probs,
            features: &features,
            nearest: &nearest,
        };
        let scores = score_samples(&set, &set, 2);
        assert!((scores.top - 0.9).abs() < 1e-6);
        assert_eq!(scores.shares, [0.1; CLASSES]);
        assert!((scores.entropy_bits - 10f64.log2()).abs() < 1e-6);
        assert!(scores.frechet.abs() < 1e-9);
        assert!((scores.nearest_ratio - 1.0).abs() < 1e-9);
    }

    #[test]
    fn one_digit_over_and_over_scores_as_collapsed_and_copied() {
        let held_probs: Vec<f32> = (0..20).flat_map(|i| row(i % CLASSES, 0.9)).collect();
        let held_features: Vec<f32> = (0..20).flat_map(|i| [i as f32, (i % 3) as f32]).collect();
        let held_nearest = vec![6.0; 20];
        let held = Judged {
            probs: &held_probs,
            features: &held_features,
            nearest: &held_nearest,
        };
        let probs: Vec<f32> = (0..20).flat_map(|_| row(7, 0.6)).collect();
        let features: Vec<f32> = (0..20).flat_map(|i| [30.0, (i % 2) as f32]).collect();
        let nearest = vec![1.5; 20];
        let collapsed = Judged {
            probs: &probs,
            features: &features,
            nearest: &nearest,
        };
        let scores = score_samples(&collapsed, &held, 2);
        assert_eq!(top_classes(&probs).0, vec![7; 20]);
        assert!((scores.top - 0.6).abs() < 1e-6);
        assert_eq!(scores.shares[7], 1.0);
        assert_eq!(scores.entropy_bits, 0.0);
        // The means alone are 20.5 apart in the first feature.
        assert!(scores.frechet > 20.5 * 20.5);
        assert!((scores.nearest_ratio - 0.25).abs() < 1e-9);
    }
}
