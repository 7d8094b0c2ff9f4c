//! The Fréchet distance between two sets of feature vectors, each summarised as a Gaussian (its
//! mean and covariance): the FID recipe, with our judge's features in place of Inception's.
//!
//! d² = |μ₁ − μ₂|² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½). The trace of the square root is the sum of the
//! square roots of the eigenvalues of Σ₁^½ Σ₂ Σ₁^½ (symmetric, positive semi-definite, with the
//! same eigenvalues as Σ₁Σ₂), so symmetric eigenvalue problems are all it needs: a cyclic Jacobi
//! method on matrices of the judge's feature size (64), written here rather than taking a linear
//! algebra crate into the page's wasm for one 64 × 64 decomposition.

/// A set of feature vectors as its mean and its covariance (`dim × dim`, row-major, divided by
/// n − 1 as NumPy's `cov` does in the FID recipe).
#[derive(Clone, Debug, PartialEq)]
pub struct Gaussian {
    pub dim: usize,
    pub mean: Vec<f64>,
    pub cov: Vec<f64>,
}

impl Gaussian {
    /// The mean and covariance of `rows` vectors of `dim` values each, laid end to end.
    pub fn of(features: &[f32], dim: usize) -> Self {
        assert!(
            dim > 0 && features.len().is_multiple_of(dim),
            "features are whole vectors"
        );
        let n = features.len() / dim;
        assert!(n >= 2, "a covariance needs at least two vectors");
        let mut mean = vec![0.0; dim];
        for row in features.chunks(dim) {
            for (m, &x) in mean.iter_mut().zip(row) {
                *m += f64::from(x);
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mut cov = vec![0.0; dim * dim];
        for row in features.chunks(dim) {
            for i in 0..dim {
                let di = f64::from(row[i]) - mean[i];
                for j in i..dim {
                    cov[i * dim + j] += di * (f64::from(row[j]) - mean[j]);
                }
            }
        }
        for i in 0..dim {
            for j in i..dim {
                let c = cov[i * dim + j] / (n - 1) as f64;
                cov[i * dim + j] = c;
                cov[j * dim + i] = c;
            }
        }
        Gaussian { dim, mean, cov }
    }
}

/// The Fréchet distance (squared, as FID reports it) between two Gaussians of the same size.
pub fn frechet_distance(a: &Gaussian, b: &Gaussian) -> f64 {
    assert_eq!(a.dim, b.dim, "the two sets have features of the same size");
    let n = a.dim;
    let mean_gap: f64 = a
        .mean
        .iter()
        .zip(&b.mean)
        .map(|(x, y)| (x - y).powi(2))
        .sum();
    let trace = |m: &[f64]| (0..n).map(|i| m[i * n + i]).sum::<f64>();
    let root_a = sqrt_psd(&a.cov, n);
    let between = matmul(&matmul(&root_a, &b.cov, n), &root_a, n);
    let (values, _) = symmetric_eigen(&between, n);
    // Rounding can leave a zero eigenvalue slightly negative.
    let trace_root: f64 = values.iter().map(|&v| v.max(0.0).sqrt()).sum();
    (mean_gap + trace(&a.cov) + trace(&b.cov) - 2.0 * trace_root).max(0.0)
}

fn matmul(x: &[f64], y: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let xik = x[i * n + k];
            for j in 0..n {
                out[i * n + j] += xik * y[k * n + j];
            }
        }
    }
    out
}

/// The square root of a symmetric positive semi-definite matrix: V diag(√λ) Vᵀ.
fn sqrt_psd(m: &[f64], n: usize) -> Vec<f64> {
    let (values, vectors) = symmetric_eigen(m, n);
    let mut out = vec![0.0; n * n];
    for (k, &v) in values.iter().enumerate() {
        let root = v.max(0.0).sqrt();
        for i in 0..n {
            let vik = vectors[i * n + k] * root;
            for j in 0..n {
                out[i * n + j] += vik * vectors[j * n + k];
            }
        }
    }
    out
}

/// Eigenvalues and eigenvectors (the columns of the second, row-major) of a symmetric matrix,
/// by cyclic Jacobi rotations until the off-diagonal part is negligible.
fn symmetric_eigen(m: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = m.to_vec();
    let mut v = vec![0.0; n * n];
    (0..n).for_each(|i| v[i * n + i] = 1.0);
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        if off <= 1e-24 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                // The rotation that zeroes a[p][q] (Golub and Van Loan, the symmetric Schur step).
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let akp = a[k * n + p];
                    let akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let apk = a[p * n + k];
                    let aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let vkp = v[k * n + p];
                    let vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn gaussian(mean: &[f64], cov: &[f64]) -> Gaussian {
        Gaussian {
            dim: mean.len(),
            mean: mean.to_vec(),
            cov: cov.to_vec(),
        }
    }

    #[test]
    fn mean_and_covariance_as_numpy_cov_gives_them() {
        // Deviations (−2, −4), (0, 0), (2, 4): sums 8, 16, 32 over n − 1 = 2.
        let g = Gaussian::of(&[1.0, 2.0, 3.0, 6.0, 5.0, 10.0], 2);
        assert_eq!(g.mean, vec![3.0, 6.0]);
        assert_eq!(g.cov, vec![4.0, 8.0, 8.0, 16.0]);
    }

    #[test]
    fn a_set_is_at_distance_zero_from_itself() {
        let mut rng = Rng::new(7);
        let features: Vec<f32> = (0..400 * 16).map(|_| rng.normal()).collect();
        let g = Gaussian::of(&features, 16);
        assert!(
            frechet_distance(&g, &g).abs() < 1e-9,
            "{}",
            frechet_distance(&g, &g)
        );
    }

    #[test]
    fn one_dimension_is_the_closed_form() {
        // N(1, 2²) against N(4, 5²): (1 − 4)² + (2 − 5)² = 18.
        let d = frechet_distance(&gaussian(&[1.0], &[4.0]), &gaussian(&[4.0], &[25.0]));
        assert!((d - 18.0).abs() < 1e-12, "{d}");
    }

    #[test]
    fn covariances_that_do_not_commute_match_the_hand_computed_value() {
        // Σ₁ = [[2, 1], [1, 2]], Σ₂ = diag(1, 4): Σ₁Σ₂ = [[2, 4], [1, 8]] has trace 10 and
        // determinant 12, so Tr((Σ₁Σ₂)^½) = √(10 + 2√12); the means differ by (1, 2).
        let a = gaussian(&[0.0, 0.0], &[2.0, 1.0, 1.0, 2.0]);
        let b = gaussian(&[1.0, 2.0], &[1.0, 0.0, 0.0, 4.0]);
        let expected = 5.0 + 4.0 + 5.0 - 2.0 * (10.0 + 2.0 * 12f64.sqrt()).sqrt();
        for d in [frechet_distance(&a, &b), frechet_distance(&b, &a)] {
            assert!((d - expected).abs() < 1e-10, "{d} against {expected}");
        }
    }

    #[test]
    fn farther_sets_are_farther() {
        let mut rng = Rng::new(3);
        let base: Vec<f32> = (0..300 * 4).map(|_| rng.normal()).collect();
        let shifted = |by: f32| Gaussian::of(&base.iter().map(|x| x + by).collect::<Vec<_>>(), 4);
        let reference = Gaussian::of(&base, 4);
        let near = frechet_distance(&reference, &shifted(0.5));
        let far = frechet_distance(&reference, &shifted(1.0));
        // A shift of every feature by s adds 4 s² and nothing else (up to the f32 rounding of the
        // shifted features).
        assert!(
            (near - 1.0).abs() < 1e-6 && (far - 4.0).abs() < 1e-6,
            "{near} {far}"
        );
    }
}
