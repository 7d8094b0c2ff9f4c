//! How much a generated text reads like its language and how much of it is copied from the
//! training text: the numbers behind "does it write Spanish?" and the memorisation lesson.

use std::collections::HashSet;

/// The words of `text`: maximal runs of letters, lowercased.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The share of `text`'s words found in `known` (0 when it has none).
pub fn known_word_share(text: &str, known: &HashSet<String>) -> f32 {
    let (mut found, mut total) = (0usize, 0usize);
    for w in words(text) {
        total += 1;
        found += known.contains(&w) as usize;
    }
    if total == 0 {
        0.0
    } else {
        found as f32 / total as f32
    }
}

/// Verbatim copying of a source inside a generated text.
#[derive(Clone, Debug, PartialEq)]
pub struct Copying {
    /// The longest run of characters that also occurs in the source.
    pub longest: usize,
    /// The share of generated characters lying inside a copied run of at least `min_len`.
    pub share_in_long_copies: f32,
}

/// Measures how `generated` copies `source`, counting copies of `min_len` characters or more.
pub fn copying(generated: &str, source: &str, min_len: usize) -> Copying {
    // Byte offsets of every character, plus the end, so runs are sliced on char boundaries.
    let mut at: Vec<usize> = generated.char_indices().map(|(i, _)| i).collect();
    at.push(generated.len());
    let n = at.len() - 1;
    let mut covered = vec![false; n];
    let mut longest = 0;
    // The longest match starting at i + 1 is at least the one at i minus a character, so each
    // start begins its search there: about 2n substring searches in all.
    let mut len = 0usize;
    for i in 0..n {
        len = len.saturating_sub(1);
        while i + len < n && source.contains(&generated[at[i]..at[i + len + 1]]) {
            len += 1;
        }
        longest = longest.max(len);
        if len >= min_len {
            covered[i..i + len].iter_mut().for_each(|c| *c = true);
        }
    }
    let inside = covered.iter().filter(|&&c| c).count();
    Copying {
        longest,
        share_in_long_copies: if n == 0 {
            0.0
        } else {
            inside as f32 / n as f32
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_letter_runs() {
        let w: Vec<String> = words("¿Quién sabe? ¡Él, 3 veces!").collect();
        assert_eq!(w, ["quién", "sabe", "él", "veces"]);
    }

    #[test]
    fn known_word_share_counts_each_occurrence() {
        let known: HashSet<String> = ["el", "perro"].iter().map(|s| s.to_string()).collect();
        assert_eq!(known_word_share("El perro xyzzy perro", &known), 0.75);
        assert_eq!(known_word_share("... 42", &known), 0.0);
    }

    #[test]
    fn copying_finds_the_longest_copied_run_and_the_share_of_long_copies() {
        let source = "más vale pájaro en mano que ciento volando";
        // 18 copied characters ("pájaro en mano que"), then 4 that are nowhere in the source.
        let generated = "pájaro en mano queXWZQ";
        let c = copying(generated, source, 12);
        assert_eq!(c.longest, 18);
        assert!((c.share_in_long_copies - 18.0 / 22.0).abs() < 1e-6);
        // No run reaches 20 characters: nothing counts as a long copy.
        assert_eq!(copying(generated, source, 20).share_in_long_copies, 0.0);
        assert_eq!(copying("", source, 12).longest, 0);
    }
}
