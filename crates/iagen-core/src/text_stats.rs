//! How much a generated text reads like its language: the numbers behind "does it write
//! Spanish?" (how much it copies is `copy_finder`'s).

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
}
