//! Which training images a run trains on: all of them, only the first few (a model trained on
//! a hundred images learns to copy them: ¿Copia o inventa?), or a class mix skewed on purpose
//! (one class made a set share of the data, or removed: Sesgo). Images are kept or dropped,
//! never repeated, and keep their order.

use crate::classes::CLASSES;
use crate::image_data::ImageSet;

/// One class made `percent` % of the training images (0: the class removed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Skew {
    pub class: usize,
    pub percent: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageMix {
    pub skew: Option<Skew>,
    /// At most this many images, the first ones after the skew (0: no limit).
    pub limit: usize,
}

impl ImageMix {
    pub const ALL: Self = Self {
        skew: None,
        limit: 0,
    };

    /// The mix a link's keys name: at most `limit` images (0: all), and class `skew` made
    /// `percent` % of them, where `skew` is a class (−1, or anything else, skews none).
    pub fn from_keys(limit: usize, skew: i64, percent: u32) -> Self {
        let skew = usize::try_from(skew)
            .ok()
            .filter(|&class| class < CLASSES)
            .map(|class| Skew {
                class,
                percent: percent.min(100),
            });
        Self { skew, limit }
    }

    /// The training images this mix keeps of `set`.
    pub fn apply(&self, set: &ImageSet) -> ImageSet {
        let mut keep: Vec<usize> = match self.skew {
            Some(skew) => skewed(set, skew),
            None => (0..set.len()).collect(),
        };
        if self.limit > 0 {
            keep.truncate(self.limit);
        }
        ImageSet {
            pixels: keep.iter().flat_map(|&i| set.image(i)).copied().collect(),
            labels: keep.iter().map(|&i| set.labels[i]).collect(),
        }
    }
}

/// The indices that make `skew.class` `skew.percent` % of the result while keeping as many
/// images as possible: all of the scarcer side, the first ones of the other.
fn skewed(set: &ImageSet, skew: Skew) -> Vec<usize> {
    let percent = skew.percent.min(100) as usize;
    let is_class = |i: &usize| set.labels[*i] as usize == skew.class;
    let (class, others): (Vec<usize>, Vec<usize>) = (0..set.len()).partition(is_class);
    let (keep_class, keep_others) = match percent {
        0 => (0, others.len()),
        100 => (class.len(), 0),
        // Enough others for the class's images to be `percent` %, or the reverse.
        p if class.len() * 100 < p * (class.len() + others.len()) => {
            (class.len(), (class.len() * (100 - p) / p).min(others.len()))
        }
        p => (
            (others.len() * p / (100 - p)).min(class.len()),
            others.len(),
        ),
    };
    let mut keep: Vec<usize> = class[..keep_class]
        .iter()
        .chain(&others[..keep_others])
        .copied()
        .collect();
    keep.sort_unstable();
    keep
}

/// The share of each class among `labels` (zeros for no labels).
pub fn class_shares(labels: impl IntoIterator<Item = usize>) -> [f32; CLASSES] {
    let mut counts = [0usize; CLASSES];
    let mut total = 0;
    for label in labels {
        counts[label] += 1;
        total += 1;
    }
    counts.map(|c| c as f32 / total.max(1) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_data::PIXELS;

    /// 1 000 images cycling through the ten classes, each image's pixels its own index.
    fn balanced() -> ImageSet {
        let labels: Vec<u8> = (0..1000).map(|i| (i % 10) as u8).collect();
        ImageSet {
            pixels: (0..1000)
                .flat_map(|i| vec![(i % 251) as u8; PIXELS])
                .collect(),
            labels,
        }
    }

    fn shares(set: &ImageSet) -> [f32; CLASSES] {
        class_shares(set.labels.iter().map(|&l| l as usize))
    }

    #[test]
    fn all_keeps_every_image_in_order() {
        let set = balanced();
        assert_eq!(ImageMix::ALL.apply(&set), set);
    }

    #[test]
    fn a_skew_gives_the_class_its_share() {
        let set = balanced();
        for percent in [5, 30, 70, 95] {
            let mix = ImageMix {
                skew: Some(Skew { class: 1, percent }),
                limit: 0,
            };
            let out = mix.apply(&set);
            let share = shares(&out)[1];
            assert!(
                (share - percent as f32 / 100.0).abs() < 0.01,
                "{percent} %: got {share}"
            );
            // Above the class's natural 10 %, every one of its images is kept.
            if percent > 10 {
                assert_eq!(out.labels.iter().filter(|&&l| l == 1).count(), 100);
            }
            // Kept images are whole records, in the original order.
            let first = out.image(1)[0] as usize;
            assert_eq!(out.labels[1] as usize, first % 10);
        }
    }

    #[test]
    fn zero_percent_removes_the_class_and_a_limit_keeps_the_first_images() {
        let set = balanced();
        let removed = ImageMix {
            skew: Some(Skew {
                class: 3,
                percent: 0,
            }),
            limit: 0,
        }
        .apply(&set);
        assert_eq!(removed.len(), 900);
        assert_eq!(shares(&removed)[3], 0.0);
        let only = ImageMix {
            skew: Some(Skew {
                class: 3,
                percent: 100,
            }),
            limit: 0,
        }
        .apply(&set);
        assert!(only.labels.iter().all(|&l| l == 3));
        let few = ImageMix {
            skew: None,
            limit: 100,
        }
        .apply(&set);
        assert_eq!(few.labels, set.labels[..100].to_vec());
        assert_eq!(few.pixels, set.pixels[..100 * PIXELS].to_vec());
    }

    #[test]
    fn link_keys_name_a_mix_and_minus_one_skews_nothing() {
        assert_eq!(ImageMix::from_keys(0, -1, 0), ImageMix::ALL);
        assert_eq!(ImageMix::from_keys(0, 10, 50).skew, None);
        assert_eq!(
            ImageMix::from_keys(100, 1, 150),
            ImageMix {
                skew: Some(Skew {
                    class: 1,
                    percent: 100
                }),
                limit: 100
            }
        );
    }

    #[test]
    fn shares_sum_to_one() {
        let s = class_shares([1, 1, 2, 9]);
        assert_eq!(s[1], 0.5);
        assert!((s.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(class_shares([]), [0.0; CLASSES]);
    }
}
