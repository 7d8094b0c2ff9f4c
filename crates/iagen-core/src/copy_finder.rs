//! ¿Copia o inventa?: which runs of a generated text occur verbatim in the training text.
//!
//! The training text is indexed once with a suffix array (the `suffix` crate's SA-IS: linear
//! time, four bytes per byte of text); then the longest run starting at a character costs a
//! binary search per character it grows by. Starting at the next character, the run is at
//! least one shorter, so a whole text costs about two searches per character.

use suffix::SuffixTable;

/// A training text, indexed.
pub struct CorpusIndex {
    table: SuffixTable<'static, 'static>,
    /// Its length in characters, counted once (every passage shown names it).
    chars: usize,
}

/// A run of the generated text found verbatim in the corpus.
#[derive(Clone, Debug, PartialEq)]
pub struct CopiedRun {
    /// Where it starts in the generated text, in characters.
    pub start: usize,
    /// Its length in characters.
    pub len: usize,
    /// Where one occurrence starts in the corpus, in bytes.
    pub at: usize,
}

/// How a generated text copies the corpus, counting runs of at least `min_len` characters.
#[derive(Clone, Debug, PartialEq)]
pub struct Copies {
    /// Each longest run of `min_len` or more that is not inside the run before it (runs can
    /// overlap), in order of their start.
    pub runs: Vec<CopiedRun>,
    /// The longest run found at any position (even when shorter than `min_len`).
    pub longest: usize,
    /// The share of generated characters inside one of `runs`.
    pub share: f32,
}

/// A corpus passage around a copied run: the text before it, the run, the text after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    pub before: String,
    pub copied: String,
    pub after: String,
    /// Where the run starts in the corpus, in characters.
    pub char_offset: usize,
}

impl CorpusIndex {
    pub fn new(corpus: String) -> Self {
        let chars = corpus.chars().count();
        Self {
            table: SuffixTable::new(corpus),
            chars,
        }
    }

    /// The corpus itself.
    pub fn text(&self) -> &str {
        self.table.text()
    }

    /// The corpus's length in characters.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// For each character of `generated`, the longest run starting there that occurs in the
    /// corpus: its length in characters and one byte offset where it occurs (`None` if even
    /// the character itself does not).
    pub fn longest_runs(&self, generated: &str) -> Vec<(usize, Option<usize>)> {
        // Byte offsets of every character, plus the end, so runs are sliced on char boundaries.
        let mut at: Vec<usize> = generated.char_indices().map(|(i, _)| i).collect();
        at.push(generated.len());
        let n = at.len() - 1;
        let mut runs = Vec::with_capacity(n);
        let mut len = 0usize;
        let mut found: Option<usize> = None;
        for i in 0..n {
            len = len.saturating_sub(1);
            // The run one character shorter still occurs, one byte-length further on.
            found = found.filter(|_| len > 0).map(|p| p + (at[i] - at[i - 1]));
            while i + len < n {
                match self.table.any_position(&generated[at[i]..at[i + len + 1]]) {
                    Some(p) => {
                        found = Some(p as usize);
                        len += 1;
                    }
                    None => break,
                }
            }
            runs.push((len, found.filter(|_| len > 0)));
        }
        runs
    }

    /// The runs of `generated` copied from the corpus, `min_len` characters or longer.
    pub fn copies(&self, generated: &str, min_len: usize) -> Copies {
        let longest_runs = self.longest_runs(generated);
        let n = longest_runs.len();
        let mut covered = vec![false; n];
        let mut runs: Vec<CopiedRun> = Vec::new();
        for (start, &(len, at)) in longest_runs.iter().enumerate() {
            let reaches_further = runs.last().is_none_or(|r| start + len > r.start + r.len);
            if let Some(at) = at.filter(|_| len >= min_len && reaches_further) {
                covered[start..start + len].fill(true);
                runs.push(CopiedRun { start, len, at });
            }
        }
        let inside = covered.iter().filter(|&&c| c).count();
        Copies {
            runs,
            longest: longest_runs.iter().map(|&(len, _)| len).max().unwrap_or(0),
            share: if n == 0 {
                0.0
            } else {
                inside as f32 / n as f32
            },
        }
    }

    /// The corpus around a run of `len` characters at byte `at`, with up to `around`
    /// characters on each side.
    pub fn passage(&self, at: usize, len: usize, around: usize) -> Option<Passage> {
        let text = self.table.text();
        let run_end = text
            .get(at..)?
            .char_indices()
            .nth(len)
            .map_or(text.len(), |(i, _)| at + i);
        let copied = text.get(at..run_end)?;
        let before_chars: Vec<char> = text[..at].chars().rev().take(around).collect();
        Some(Passage {
            before: before_chars.into_iter().rev().collect(),
            copied: copied.to_string(),
            after: text[run_end..].chars().take(around).collect(),
            char_offset: text[..at].chars().count(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The longest prefix of `generated[start..]` (in characters) that occurs in `corpus`,
    /// found by trying every length.
    fn brute_longest(corpus: &str, generated: &[char], start: usize) -> usize {
        (0..=generated.len() - start)
            .rev()
            .find(|&len| corpus.contains(&generated[start..start + len].iter().collect::<String>()))
            .unwrap()
    }

    fn random_text(rng: &mut Rng, len: usize, alphabet: &[char]) -> String {
        (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect()
    }

    #[test]
    fn longest_runs_agree_with_a_brute_force_search_on_random_texts() {
        let mut rng = Rng::new(7);
        // A small alphabet (accents included: runs must end on character boundaries) makes
        // long shared runs common.
        let alphabet = ['a', 'b', 'ñ', ' ', 'é'];
        for _ in 0..40 {
            let corpus = random_text(&mut rng, 300, &alphabet);
            let generated: String = random_text(&mut rng, 60, &alphabet);
            let chars: Vec<char> = generated.chars().collect();
            let index = CorpusIndex::new(corpus.clone());
            for (start, (len, at)) in index.longest_runs(&generated).into_iter().enumerate() {
                assert_eq!(len, brute_longest(&corpus, &chars, start), "at {start}");
                let run: String = chars[start..start + len].iter().collect();
                match at {
                    Some(at) => assert_eq!(&corpus[at..at + run.len()], run),
                    None => assert_eq!(len, 0),
                }
            }
        }
    }

    #[test]
    fn copies_keep_runs_of_the_minimum_length_and_count_their_characters() {
        let corpus = "el que madruga, dios le ayuda. a quien madruga dios le ayuda";
        let index = CorpusIndex::new(corpus.to_string());
        // 14 copied characters ("quien madruga ") inside 20, then text found nowhere.
        let c = index.copies("quien madruga zzzzzz", 12);
        assert_eq!(c.longest, 14);
        assert_eq!(c.runs.len(), 1);
        assert_eq!((c.runs[0].start, c.runs[0].len), (0, 14));
        assert_eq!(&corpus[c.runs[0].at..c.runs[0].at + 14], "quien madruga ");
        assert!((c.share - 14.0 / 20.0).abs() < 1e-6);
        assert!(index.copies("quien madruga zzzzzz", 15).runs.is_empty());
        assert_eq!(
            index.copies("", 12),
            Copies {
                runs: vec![],
                longest: 0,
                share: 0.0
            }
        );
    }

    #[test]
    fn a_passage_shows_the_run_in_its_context() {
        let corpus = "¿Quién sabe? El que madruga, Dios le ayuda.";
        let index = CorpusIndex::new(corpus.to_string());
        let at = corpus.find("madruga").unwrap();
        let p = index.passage(at, 7, 4).unwrap();
        assert_eq!(p.before, "que ");
        assert_eq!(p.copied, "madruga");
        assert_eq!(p.after, ", Di");
        assert_eq!(p.char_offset, corpus[..at].chars().count());
        assert_eq!(index.chars(), corpus.chars().count());
        assert!(index.passage(corpus.len() + 1, 3, 4).is_none());
    }
}
