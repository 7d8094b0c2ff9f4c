//! What the page measures about the generated points: how many of a mixture's modes they
//! cover, and how far their distribution is from the target's (Jensen–Shannon, on a grid).

use crate::toy::EXTENT;

/// Mode coverage of generated points.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// Modes with at least `min_hits` points within 3σ.
    pub modes_hit: usize,
    pub modes: usize,
    /// Share of the points within 3σ of some mode.
    pub within: f32,
    /// Points within 3σ of each mode.
    pub per_mode: Vec<usize>,
}

/// Coverage of `modes` (centres, spread `sigma`) by `points`; a mode counts as hit with at
/// least `min_hits` points within 3σ.
pub fn coverage(points: &[[f32; 2]], modes: &[[f32; 2]], sigma: f32, min_hits: usize) -> Coverage {
    let mut per_mode = vec![0; modes.len()];
    let mut within = 0;
    let r2 = (3.0 * sigma).powi(2);
    for p in points {
        let near = modes
            .iter()
            .position(|m| (p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2) <= r2);
        if let Some(k) = near {
            per_mode[k] += 1;
            within += 1;
        }
    }
    Coverage {
        modes_hit: per_mode.iter().filter(|&&c| c >= min_hits).count(),
        modes: modes.len(),
        within: within as f32 / points.len().max(1) as f32,
        per_mode,
    }
}

/// Histogram of `points` on a `bins`×`bins` grid over [-EXTENT, EXTENT]², with a small floor in
/// every cell so that no probability is zero, normalised.
fn density(points: &[[f32; 2]], bins: usize) -> Vec<f64> {
    let mut h = vec![0.5 / (bins * bins) as f64; bins * bins];
    let cell = |v: f32| {
        ((((v + EXTENT) / (2.0 * EXTENT)) * bins as f32) as isize).clamp(0, bins as isize - 1)
            as usize
    };
    for p in points {
        h[cell(p[1]) * bins + cell(p[0])] += 1.0;
    }
    let total: f64 = h.iter().sum();
    h.iter().map(|c| c / total).collect()
}

/// The Jensen–Shannon divergence between the densities of `a` and `b` on a `bins`×`bins`
/// grid, in bits (0: the same histogram; 1: no overlap).
pub fn js_divergence(a: &[[f32; 2]], b: &[[f32; 2]], bins: usize) -> f64 {
    let (p, q) = (density(a, bins), density(b, bins));
    let kl_to_mix = |x: &[f64], y: &[f64]| -> f64 {
        x.iter()
            .zip(y)
            .map(|(&xi, &yi)| xi * (2.0 * xi / (xi + yi)).log2())
            .sum()
    };
    (kl_to_mix(&p, &q) + kl_to_mix(&q, &p)) / 2.0
}
