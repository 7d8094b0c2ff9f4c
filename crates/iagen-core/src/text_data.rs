//! Training text as token ids, split into a training head and a held-out tail, and random
//! windows drawn from it with the seeded RNG (nanoGPT's `get_batch`).

use crate::rng::Rng;
use crate::tokenizer::CharTokenizer;

pub struct TextCorpus {
    pub tokenizer: CharTokenizer,
    pub train: Vec<usize>,
    pub val: Vec<usize>,
}

/// A batch of `batch` windows of `block` ids: `targets` is `inputs` shifted by one.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenBatch {
    pub batch: usize,
    pub block: usize,
    pub inputs: Vec<i64>,
    pub targets: Vec<i64>,
}

impl TextCorpus {
    /// Tokenize `text` with its own vocabulary; the last `val_fraction` is held out, so the
    /// validation text is never seen in training (a contiguous tail, not shuffled lines).
    pub fn new(text: &str, val_fraction: f32) -> Self {
        Self::with_tokenizer(CharTokenizer::from_text(text), text, val_fraction)
    }

    pub fn with_tokenizer(tokenizer: CharTokenizer, text: &str, val_fraction: f32) -> Self {
        let (ids, _) = tokenizer.encode_lossy(text);
        let split = split_point(ids.len(), val_fraction);
        Self {
            train: ids[..split].to_vec(),
            val: ids[split..].to_vec(),
            tokenizer,
        }
    }

    /// Whether both the training head and the held-out tail hold one window of `block + 1` ids.
    pub fn holds_windows(&self, block: usize) -> bool {
        parts_hold_windows(self.train.len(), self.val.len(), block)
    }

    /// The fewest characters a text needs for `holds_windows(block)` once `val_fraction`
    /// (above 0) of it is held out: what to tell someone whose pasted text is too short.
    pub fn shortest_text(block: usize, val_fraction: f32) -> usize {
        assert!(
            val_fraction > 0.0,
            "without a held-out part any length will do"
        );
        (block + 1..)
            .find(|&len| {
                let split = split_point(len, val_fraction);
                parts_hold_windows(split, len - split, block)
            })
            .expect("a long enough text exists")
    }

    /// Random windows from the training ids.
    pub fn train_batch(&self, rng: &mut Rng, batch: usize, block: usize) -> Option<TokenBatch> {
        random_windows(&self.train, rng, batch, block)
    }

    /// Random windows from the training ids that each begin at a line (its newline first): for
    /// text whose lines mean something from their start, such as a pixel GPT's digits, where a
    /// window begun mid-line would hide the line's class token from the pixels after it. `None`
    /// when the text has no line that begins a whole window before its end.
    pub fn train_batch_from_lines(
        &self,
        rng: &mut Rng,
        batch: usize,
        block: usize,
    ) -> Option<TokenBatch> {
        let newline = self.tokenizer.id('\n')?;
        let starts: Vec<usize> = self.train[..self.train.len().saturating_sub(block)]
            .iter()
            .enumerate()
            .filter(|&(_, &id)| id == newline)
            .map(|(i, _)| i)
            .collect();
        if starts.is_empty() {
            return None;
        }
        Some(windows_at(&self.train, batch, block, || {
            starts[rng.below(starts.len())]
        }))
    }

    /// Random windows from the held-out ids.
    pub fn val_batch(&self, rng: &mut Rng, batch: usize, block: usize) -> Option<TokenBatch> {
        random_windows(&self.val, rng, batch, block)
    }
}

/// The part of `text` a run trains on: all but the held-out tail of `val_fraction` of its
/// characters (the same split as [`TextCorpus::new`]).
pub fn training_head(text: &str, val_fraction: f32) -> &str {
    let split = split_point(text.chars().count(), val_fraction);
    let end = text
        .char_indices()
        .nth(split)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// The first `lines` lines of `text` (all of it for 0): a small training set, to watch a
/// model memorise it.
pub fn first_lines(text: &str, lines: usize) -> &str {
    if lines == 0 {
        return text;
    }
    let end = text
        .match_indices('\n')
        .nth(lines - 1)
        .map_or(text.len(), |(i, _)| i + 1);
    &text[..end]
}

/// Where the held-out tail of `len` ids begins.
fn split_point(len: usize, val_fraction: f32) -> usize {
    len - (len as f32 * val_fraction) as usize
}

fn parts_hold_windows(train: usize, val: usize, block: usize) -> bool {
    train > block && val > block
}

/// `None` when the text is too short for one window of `block + 1` ids.
pub fn random_windows(
    ids: &[usize],
    rng: &mut Rng,
    batch: usize,
    block: usize,
) -> Option<TokenBatch> {
    if ids.len() <= block {
        return None;
    }
    Some(windows_at(ids, batch, block, || {
        rng.below(ids.len() - block)
    }))
}

/// `batch` windows of `ids`, each beginning where `start()` says (at most `len - block - 1`).
fn windows_at(
    ids: &[usize],
    batch: usize,
    block: usize,
    mut start: impl FnMut() -> usize,
) -> TokenBatch {
    let mut inputs = Vec::with_capacity(batch * block);
    let mut targets = Vec::with_capacity(batch * block);
    for _ in 0..batch {
        let start = start();
        inputs.extend(ids[start..start + block].iter().map(|&i| i as i64));
        targets.extend(ids[start + 1..start + block + 1].iter().map(|&i| i as i64));
    }
    TokenBatch {
        batch,
        block,
        inputs,
        targets,
    }
}

/// Consecutive non-overlapping windows covering `ids`, for a full held-out evaluation.
pub fn sequential_windows(
    ids: &[usize],
    block: usize,
) -> impl Iterator<Item = (&[usize], &[usize])> {
    let count = ids.len().saturating_sub(1) / block;
    (0..count).map(move |w| {
        let s = w * block;
        (&ids[s..s + block], &ids[s + 1..s + block + 1])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_training_head_is_what_the_corpus_trains_on() {
        let text = "ñandú y más texto de prueba";
        let corpus = TextCorpus::new(text, 0.3);
        let head = training_head(text, 0.3);
        assert_eq!(head.chars().count(), corpus.train.len());
        assert_eq!(corpus.tokenizer.encode_lossy(head).0, corpus.train);
    }

    #[test]
    fn first_lines_keeps_whole_lines() {
        assert_eq!(first_lines("uno\ndos\ntres\n", 2), "uno\ndos\n");
        assert_eq!(first_lines("uno\ndos", 5), "uno\ndos");
        assert_eq!(first_lines("uno\ndos", 0), "uno\ndos");
    }

    #[test]
    fn split_holds_out_the_tail() {
        let corpus = TextCorpus::new("abcdefghij", 0.2);
        assert_eq!(corpus.tokenizer.decode(&corpus.train), "abcdefgh");
        assert_eq!(corpus.tokenizer.decode(&corpus.val), "ij");
    }

    #[test]
    fn targets_are_inputs_shifted_by_one() {
        let corpus = TextCorpus::new("abcdefghijklmnopqrstuvwxyz", 0.0);
        let b = corpus.train_batch(&mut Rng::new(5), 4, 6).unwrap();
        assert_eq!(b.inputs.len(), 24);
        for w in 0..4 {
            for t in 0..5 {
                assert_eq!(b.inputs[w * 6 + t + 1], b.targets[w * 6 + t]);
            }
        }
    }

    #[test]
    fn windows_from_lines_begin_at_a_newline_and_cover_every_line() {
        let text = "\n0abc\n1def\n2ghi\n3jkl\n4mno\n";
        let corpus = TextCorpus::new(text, 0.0);
        let newline = corpus.tokenizer.id('\n').unwrap() as i64;
        let mut rng = Rng::new(3);
        let mut firsts = std::collections::BTreeSet::new();
        for _ in 0..50 {
            let b = corpus.train_batch_from_lines(&mut rng, 4, 6).unwrap();
            for w in 0..4 {
                assert_eq!(b.inputs[w * 6], newline);
                firsts.insert(b.inputs[w * 6 + 1]);
                for t in 0..5 {
                    assert_eq!(b.inputs[w * 6 + t + 1], b.targets[w * 6 + t]);
                }
            }
        }
        // Every line that begins a whole window (the last one does not) is drawn.
        let class = |c| corpus.tokenizer.id(c).unwrap() as i64;
        assert_eq!(
            firsts,
            ['0', '1', '2', '3'].map(class).into_iter().collect()
        );
        // Without a newline there is no line to begin at.
        let flat = TextCorpus::new("abcdefghijklmnop", 0.0);
        assert!(flat.train_batch_from_lines(&mut rng, 1, 4).is_none());
    }

    #[test]
    fn too_short_text_gives_no_batch() {
        let corpus = TextCorpus::new("abc", 0.0);
        assert!(corpus.train_batch(&mut Rng::new(1), 1, 8).is_none());
    }

    #[test]
    fn shortest_text_is_the_first_length_that_holds_windows() {
        let shortest = TextCorpus::shortest_text(64, 0.1);
        assert_eq!(shortest, 650); // a tenth held out must itself exceed 64
        let text = |len: usize| "ab".repeat(len).chars().take(len).collect::<String>();
        assert!(TextCorpus::new(&text(shortest), 0.1).holds_windows(64));
        assert!(!TextCorpus::new(&text(shortest - 1), 0.1).holds_windows(64));
    }

    #[test]
    fn sequential_windows_tile_the_text() {
        let ids: Vec<usize> = (0..10).collect();
        let w: Vec<_> = sequential_windows(&ids, 3).collect();
        assert_eq!(w.len(), 3);
        assert_eq!(w[2], (&ids[6..9], &ids[7..10]));
    }
}
