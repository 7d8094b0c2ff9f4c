//! How much a generated text reads like its language, and how often it uses given words: the
//! numbers behind "does it write Spanish?" and the bias experiment (how much it copies is
//! `copy_finder`'s).

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

/// How often each of `asked` occurs in `text` as a whole word (case aside), per 10 000
/// characters of `text`.
pub fn word_rates(text: &str, asked: &[String]) -> Vec<f64> {
    let asked: Vec<String> = asked.iter().map(|w| w.to_lowercase()).collect();
    let mut counts = vec![0usize; asked.len()];
    for w in words(text) {
        if let Some(i) = asked.iter().position(|a| *a == w) {
            counts[i] += 1;
        }
    }
    let per = 10_000.0 / text.chars().count().max(1) as f64;
    counts.iter().map(|&n| n as f64 * per).collect()
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
    fn word_rates_count_whole_words_per_ten_thousand_characters() {
        // 40 characters: "rey" twice (not inside "reyes"), "Reina" once, "mujer" never.
        let text = "El rey y la Reina; los reyes, el rey....";
        assert_eq!(text.chars().count(), 40);
        let asked = ["rey", "reina", "mujer"].map(String::from);
        assert_eq!(word_rates(text, &asked), [500.0, 250.0, 0.0]);
        assert_eq!(word_rates("", &asked), [0.0, 0.0, 0.0]);
    }

    #[test]
    fn known_word_share_counts_each_occurrence() {
        let known: HashSet<String> = ["el", "perro"].iter().map(|s| s.to_string()).collect();
        assert_eq!(known_word_share("El perro xyzzy perro", &known), 0.75);
        assert_eq!(known_word_share("... 42", &known), 0.0);
    }
}
