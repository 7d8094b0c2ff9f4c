//! ¿Copia o inventa? for images: the training images nearest to a generated one, by the
//! Euclidean distance between their pixels (each pixel from 0, black, to 1, white; 28×28
//! pixels, so distances run from 0, the same image, to 28). A model that copies its training
//! images makes images whose nearest training image is closer than a new real image's is.
//!
//! Every training image is compared (a few thousand, a few milliseconds each query), but the
//! sum of squares for one stops as soon as it passes the k-th best so far: most images are
//! abandoned after a fraction of their pixels, with the same result as the full sums.

use crate::image_data::{ImageSet, PIXELS};

/// A training image and its distance to the query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    pub index: usize,
    pub distance: f32,
}

/// A set of images to search, its pixels scaled to [0, 1] once.
pub struct PixelIndex {
    pixels: Vec<f32>,
}

/// A byte pixel in [0, 1].
pub fn unit(p: u8) -> f32 {
    p as f32 / 255.0
}

/// A model's pixel, in [-1, 1], in [0, 1] (clamped, as it is drawn).
pub fn unit_from_signed(v: f32) -> f32 {
    ((v + 1.0) / 2.0).clamp(0.0, 1.0)
}

impl PixelIndex {
    pub fn new(set: &ImageSet) -> Self {
        Self {
            pixels: set.pixels.iter().map(|&p| unit(p)).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.pixels.len() / PIXELS
    }

    pub fn is_empty(&self) -> bool {
        self.pixels.is_empty()
    }

    /// Each of `images`' (784 values each, in [0, 1]) distance to its nearest image here, in
    /// their order.
    pub fn nearest_distances(&self, images: &[f32]) -> Vec<f32> {
        images
            .chunks_exact(PIXELS)
            .map(|query| self.nearest(query, 1)[0].distance)
            .collect()
    }

    /// The `k` images nearest to `query` (784 values in [0, 1]), nearest first; ties go to the
    /// earlier image.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<Neighbour> {
        assert_eq!(query.len(), PIXELS, "a query is one 28×28 image");
        if k == 0 {
            return Vec::new();
        }
        // (squared distance, index), kept sorted; at most k long.
        let mut best: Vec<(f32, usize)> = Vec::with_capacity(k + 1);
        for (index, image) in self.pixels.chunks_exact(PIXELS).enumerate() {
            let bound = if best.len() == k {
                best[k - 1].0
            } else {
                f32::INFINITY
            };
            let Some(squared) = squared_distance_below(query, image, bound) else {
                continue;
            };
            let at = best.partition_point(|&(d, _)| d <= squared);
            best.insert(at, (squared, index));
            best.truncate(k);
        }
        best.into_iter()
            .map(|(squared, index)| Neighbour {
                index,
                distance: squared.sqrt(),
            })
            .collect()
    }
}

/// Rows of pixels summed before checking the bound: checking after every pixel costs more
/// than it saves.
const ROW: usize = 28;

/// The squared distance between `a` and `b`, or `None` once it is past `bound` (equal to the
/// bound is kept out too, so an earlier image wins a tie).
fn squared_distance_below(a: &[f32], b: &[f32], bound: f32) -> Option<f32> {
    let mut sum = 0.0f32;
    for (row_a, row_b) in a.chunks_exact(ROW).zip(b.chunks_exact(ROW)) {
        sum += row_a
            .iter()
            .zip(row_b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f32>();
        if sum >= bound {
            return None;
        }
    }
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn random_set(rng: &mut Rng, n: usize) -> ImageSet {
        ImageSet {
            pixels: (0..n * PIXELS).map(|_| rng.below(256) as u8).collect(),
            labels: vec![0; n],
        }
    }

    /// Every distance, computed in full, sorted.
    fn brute_force(set: &ImageSet, query: &[f32], k: usize) -> Vec<Neighbour> {
        let mut all: Vec<Neighbour> = (0..set.len())
            .map(|index| Neighbour {
                index,
                distance: set
                    .image(index)
                    .iter()
                    .zip(query)
                    .map(|(&p, &q)| (unit(p) - q).powi(2))
                    .sum::<f32>()
                    .sqrt(),
            })
            .collect();
        all.sort_by(|a, b| a.distance.total_cmp(&b.distance));
        all.truncate(k);
        all
    }

    #[test]
    fn finds_what_a_brute_force_search_finds() {
        let mut rng = Rng::new(7);
        let set = random_set(&mut rng, 300);
        let index = PixelIndex::new(&set);
        assert_eq!(index.len(), 300);
        for trial in 0..20 {
            // Half the queries are a training image with a little noise: one neighbour is
            // very close, as for a model that copies.
            let query: Vec<f32> = if trial % 2 == 0 {
                (0..PIXELS).map(|_| rng.next_f32()).collect()
            } else {
                let source = rng.below(set.len());
                set.image(source)
                    .iter()
                    .map(|&p| (unit(p) + (rng.next_f32() - 0.5) * 0.1).clamp(0.0, 1.0))
                    .collect()
            };
            for k in [1, 3, 10] {
                let fast = index.nearest(&query, k);
                let slow = brute_force(&set, &query, k);
                assert_eq!(fast.len(), k);
                for (f, s) in fast.iter().zip(&slow) {
                    assert_eq!(f.index, s.index, "trial {trial}, k {k}");
                    assert!((f.distance - s.distance).abs() < 1e-3);
                }
            }
        }
    }

    #[test]
    fn a_training_image_is_its_own_nearest_at_distance_zero() {
        let mut rng = Rng::new(3);
        let set = random_set(&mut rng, 50);
        let index = PixelIndex::new(&set);
        let query: Vec<f32> = set.image(17).iter().map(|&p| unit(p)).collect();
        let found = index.nearest(&query, 3);
        assert_eq!(
            found[0],
            Neighbour {
                index: 17,
                distance: 0.0
            }
        );
        assert!(found[1].distance > 5.0, "random images are far apart");
        // More neighbours asked for than images: all of them.
        assert_eq!(index.nearest(&query, 80).len(), 50);
    }

    #[test]
    fn nearest_distances_are_each_image_s_first_neighbour_in_order() {
        let mut rng = Rng::new(5);
        let set = random_set(&mut rng, 40);
        let index = PixelIndex::new(&set);
        let others = random_set(&mut rng, 3);
        let queries: Vec<f32> = [set.image(9), others.image(0), others.image(2)]
            .iter()
            .flat_map(|image| image.iter().map(|&p| unit(p)))
            .collect();
        let distances = index.nearest_distances(&queries);
        let one_by_one: Vec<f32> = queries
            .chunks_exact(PIXELS)
            .map(|q| index.nearest(q, 1)[0].distance)
            .collect();
        assert_eq!(distances, one_by_one);
        assert_eq!(distances[0], 0.0, "a training image is its own nearest");
    }

    #[test]
    fn signed_pixels_map_to_the_unit_range() {
        assert_eq!(unit_from_signed(-1.0), 0.0);
        assert_eq!(unit_from_signed(1.0), 1.0);
        assert_eq!(unit_from_signed(3.0), 1.0);
        assert!((unit_from_signed(0.0) - 0.5).abs() < 1e-6);
    }
}
