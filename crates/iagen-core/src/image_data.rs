//! 28×28 grey image sets (MNIST digits, Fashion-MNIST clothes) as shipped under
//! `web/assets/data/*.bin`: records of one label byte then 784 pixel bytes. The last tenth is
//! held out, like the text corpora, so the judge and the models are scored on unseen images.

use crate::rng::Rng;

pub const SIDE: usize = 28;
pub const PIXELS: usize = SIDE * SIDE;
const RECORD: usize = 1 + PIXELS;
/// The share of every image set held out (its tail): no model trains on it.
const HELD_OUT: f32 = 0.1;

#[derive(Clone, Debug, PartialEq)]
pub struct ImageSet {
    /// `len × 784` bytes, row-major, 0 = black.
    pub pixels: Vec<u8>,
    pub labels: Vec<u8>,
}

/// A batch for a model: pixels scaled to [-1, 1] (the range diffusion models denoise in).
#[derive(Clone, Debug, PartialEq)]
pub struct ImageBatch {
    pub len: usize,
    /// `len × 784` values in [-1, 1].
    pub pixels: Vec<f32>,
    pub labels: Vec<i64>,
}

#[derive(Debug, PartialEq)]
pub enum ImageSetError {
    /// The byte count is not a whole number of records (or is zero).
    Truncated(usize),
    /// A label byte at or above the number of classes.
    BadLabel { index: usize, label: u8 },
}

impl ImageSet {
    pub fn from_records(bytes: &[u8], classes: usize) -> Result<Self, ImageSetError> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(RECORD) {
            return Err(ImageSetError::Truncated(bytes.len()));
        }
        let mut set = Self {
            pixels: Vec::with_capacity(bytes.len() / RECORD * PIXELS),
            labels: Vec::with_capacity(bytes.len() / RECORD),
        };
        for (index, record) in bytes.chunks_exact(RECORD).enumerate() {
            if record[0] as usize >= classes {
                return Err(ImageSetError::BadLabel {
                    index,
                    label: record[0],
                });
            }
            set.labels.push(record[0]);
            set.pixels.extend_from_slice(&record[1..]);
        }
        Ok(set)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * PIXELS..(index + 1) * PIXELS]
    }

    /// (training head, held-out tail): the split every model and judge uses.
    pub fn split_held_out(&self) -> (ImageSet, ImageSet) {
        self.split(HELD_OUT)
    }

    /// (training head, held-out tail of `fraction`).
    pub fn split(&self, fraction: f32) -> (ImageSet, ImageSet) {
        let cut = self.len() - (self.len() as f32 * fraction) as usize;
        let part = |range: std::ops::Range<usize>| ImageSet {
            pixels: self.pixels[range.start * PIXELS..range.end * PIXELS].to_vec(),
            labels: self.labels[range].to_vec(),
        };
        (part(0..cut), part(cut..self.len()))
    }

    pub fn batch(&self, indices: &[usize]) -> ImageBatch {
        ImageBatch {
            len: indices.len(),
            pixels: indices
                .iter()
                .flat_map(|&i| self.image(i).iter().map(|&p| to_signed(p)))
                .collect(),
            labels: indices.iter().map(|&i| self.labels[i] as i64).collect(),
        }
    }

    /// Every image, in order, as one batch.
    pub fn all(&self) -> ImageBatch {
        self.batch(&(0..self.len()).collect::<Vec<_>>())
    }

    /// `n` images drawn uniformly with replacement.
    pub fn random_batch(&self, rng: &mut Rng, n: usize) -> ImageBatch {
        let indices: Vec<usize> = (0..n).map(|_| rng.below(self.len())).collect();
        self.batch(&indices)
    }
}

/// Byte 0..=255 to [-1, 1].
pub fn to_signed(p: u8) -> f32 {
    p as f32 / 127.5 - 1.0
}

/// [-1, 1] (clamped) back to a byte.
pub fn to_byte(v: f32) -> u8 {
    ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(labels: &[u8]) -> Vec<u8> {
        labels
            .iter()
            .flat_map(|&l| std::iter::once(l).chain(std::iter::repeat_n(l * 20, PIXELS)))
            .collect()
    }

    #[test]
    fn decodes_records_and_rejects_bad_ones() {
        let set = ImageSet::from_records(&records(&[3, 1, 4]), 10).unwrap();
        assert_eq!(set.labels, vec![3, 1, 4]);
        assert!(set.image(1).iter().all(|&p| p == 20));
        assert_eq!(
            ImageSet::from_records(&records(&[3])[..700], 10),
            Err(ImageSetError::Truncated(700))
        );
        assert_eq!(
            ImageSet::from_records(&records(&[1, 12]), 10),
            Err(ImageSetError::BadLabel {
                index: 1,
                label: 12
            })
        );
    }

    #[test]
    fn split_keeps_the_tail_apart_and_batches_scale_to_signed() {
        let set = ImageSet::from_records(&records(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 10).unwrap();
        let (train, held) = set.split(0.2);
        assert_eq!(train.labels, vec![0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(held.labels, vec![8, 9]);
        let batch = held.batch(&[1]);
        assert_eq!(batch.labels, vec![9]);
        assert!((batch.pixels[0] - to_signed(180)).abs() < 1e-6);
        assert_eq!(to_byte(to_signed(180)), 180);
        assert_eq!((to_signed(0), to_signed(255)), (-1.0, 1.0));
        assert_eq!(to_byte(7.0), 255);
    }
}
