//! Character-level tokenizer (as in makemore / nanoGPT's shakespeare_char): the vocabulary is
//! the sorted set of characters of the training text, one id per character.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CharTokenizer {
    chars: Vec<char>,
}

impl CharTokenizer {
    /// The vocabulary of `text`: its distinct characters, sorted so the ids do not depend on
    /// the order in which characters first appear.
    pub fn from_text(text: &str) -> Self {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        Self { chars }
    }

    /// Rebuild from a stored vocabulary string (the output of [`Self::vocab`]).
    pub fn from_vocab(vocab: &str) -> Self {
        Self::from_text(vocab)
    }

    /// Every character of the vocabulary, in id order.
    pub fn vocab(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn vocab_size(&self) -> usize {
        self.chars.len()
    }

    pub fn id(&self, c: char) -> Option<usize> {
        self.chars.binary_search(&c).ok()
    }

    pub fn char(&self, id: usize) -> char {
        self.chars[id]
    }

    /// Ids of the characters of `text` that are in the vocabulary; unknown characters are
    /// skipped, and their count returned so callers can report them.
    pub fn encode_lossy(&self, text: &str) -> (Vec<usize>, usize) {
        let mut unknown = 0;
        let ids = text
            .chars()
            .filter_map(|c| {
                let id = self.id(c);
                unknown += usize::from(id.is_none());
                id
            })
            .collect();
        (ids, unknown)
    }

    /// The ids to start generation from: the prompt's known characters, or a newline (the
    /// corpora separate entries with it) when none is left; plus the count of unknown ones.
    pub fn encode_prompt(&self, prompt: &str) -> (Vec<usize>, usize) {
        let (ids, unknown) = self.encode_lossy(prompt);
        if ids.is_empty() {
            (vec![self.id('\n').unwrap_or(0)], unknown)
        } else {
            (ids, unknown)
        }
    }

    pub fn decode(&self, ids: &[usize]) -> String {
        ids.iter().map(|&i| self.chars[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_text_with_sorted_ids() {
        let tok = CharTokenizer::from_text("hola, mundo ñ");
        assert_eq!(tok.vocab(), " ,adhlmnouñ");
        let (ids, unknown) = tok.encode_lossy("ñandu hola");
        assert_eq!(unknown, 0);
        assert_eq!(tok.decode(&ids), "ñandu hola");
        assert_eq!(tok.id(' '), Some(0));
    }

    #[test]
    fn unknown_characters_are_counted_and_skipped() {
        let tok = CharTokenizer::from_text("abc");
        let (ids, unknown) = tok.encode_lossy("aXbYc");
        assert_eq!(tok.decode(&ids), "abc");
        assert_eq!(unknown, 2);
    }

    #[test]
    fn an_empty_or_unknown_prompt_starts_from_a_newline() {
        let tok = CharTokenizer::from_text("ab\ncd");
        assert_eq!(tok.encode_prompt(""), (vec![0], 0));
        assert_eq!(tok.encode_prompt("xy"), (vec![0], 2));
        assert_eq!(tok.decode(&tok.encode_prompt("ca").0), "ca");
    }

    #[test]
    fn vocab_string_restores_the_same_tokenizer() {
        let tok = CharTokenizer::from_text("To be, or not to be");
        assert_eq!(CharTokenizer::from_vocab(&tok.vocab()), tok);
    }
}
