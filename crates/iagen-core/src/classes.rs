//! The classes of the two image data sets and the words a student may type for them, in
//! Spanish and English ("siete", "seven", "7"; "zapatilla", "sneaker"): a word becomes the
//! class that conditions generation.

/// Which image data set: digits (MNIST) or clothes (Fashion-MNIST).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageData {
    Mnist,
    Fashion,
}

pub const CLASSES: usize = 10;

/// Per class: the Spanish name, the English name, then other accepted words.
const DIGITS: [&[&str]; CLASSES] = [
    &["cero", "zero"],
    &["uno", "one", "un"],
    &["dos", "two"],
    &["tres", "three"],
    &["cuatro", "four"],
    &["cinco", "five"],
    &["seis", "six"],
    &["siete", "seven"],
    &["ocho", "eight"],
    &["nueve", "nine"],
];

/// Fashion-MNIST's label order.
const CLOTHES: [&[&str]; CLASSES] = [
    &["camiseta", "t-shirt", "top", "tshirt", "shirt top"],
    &[
        "pantalón",
        "trouser",
        "pantalones",
        "pantalon",
        "trousers",
        "pants",
    ],
    &["jersey", "pullover", "suéter", "sueter", "sweater"],
    &["vestido", "dress"],
    &["abrigo", "coat", "chaqueta", "jacket"],
    &["sandalia", "sandal", "sandalias", "sandals"],
    &["camisa", "shirt"],
    &[
        "zapatilla",
        "sneaker",
        "zapatillas",
        "sneakers",
        "zapato",
        "shoe",
        "deportiva",
    ],
    &["bolso", "bag", "bolsa"],
    &[
        "bota",
        "ankle boot",
        "botín",
        "botin",
        "boot",
        "botas",
        "boots",
    ],
];

impl ImageData {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "mnist" => Some(Self::Mnist),
            "fashion" => Some(Self::Fashion),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Mnist => "mnist",
            Self::Fashion => "fashion",
        }
    }

    fn words(self) -> &'static [&'static [&'static str]; CLASSES] {
        match self {
            Self::Mnist => &DIGITS,
            Self::Fashion => &CLOTHES,
        }
    }

    /// The class's display name in `lang` (`es` or `en`).
    pub fn class_name(self, class: usize, lang: &str) -> &'static str {
        self.words()[class][usize::from(lang == "en")]
    }

    /// The class a typed word names, whatever its case and surrounding spaces;
    /// digits also accept their numeral.
    pub fn parse_class(self, word: &str) -> Option<usize> {
        let word = word.trim().to_lowercase();
        if self == Self::Mnist
            && let Ok(d) = word.parse::<usize>()
        {
            return (d < CLASSES).then_some(d);
        }
        self.words()
            .iter()
            .position(|names| names.iter().any(|&n| n == word))
    }

    /// The words listed to a student whose word was not understood: every class's name in
    /// `lang` (and the numerals for digits).
    pub fn accepted_words(self, lang: &str) -> Vec<String> {
        (0..CLASSES)
            .map(|c| match self {
                Self::Mnist => format!("{c} ({})", self.class_name(c, lang)),
                Self::Fashion => self.class_name(c, lang).to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_both_languages_name_their_class() {
        let d = ImageData::Mnist;
        for (word, class) in [
            ("7", 7),
            ("siete", 7),
            ("Seven", 7),
            (" cero ", 0),
            ("nine", 9),
        ] {
            assert_eq!(d.parse_class(word), Some(class), "{word}");
        }
        let f = ImageData::Fashion;
        for (word, class) in [
            ("zapato", 7),
            ("sneaker", 7),
            ("vestido", 3),
            ("Dress", 3),
            ("pantalón", 1),
            ("ankle boot", 9),
            ("bolso", 8),
        ] {
            assert_eq!(f.parse_class(word), Some(class), "{word}");
        }
    }

    #[test]
    fn unknown_words_and_out_of_range_numbers_are_refused() {
        assert_eq!(ImageData::Mnist.parse_class("12"), None);
        assert_eq!(ImageData::Mnist.parse_class("gato"), None);
        assert_eq!(ImageData::Fashion.parse_class("7"), None);
        assert_eq!(ImageData::Fashion.parse_class(""), None);
    }

    #[test]
    fn accepted_words_list_every_class_in_the_language() {
        let es = ImageData::Fashion.accepted_words("es");
        assert_eq!(es.len(), CLASSES);
        assert!(es.contains(&"vestido".to_string()));
        assert_eq!(ImageData::Mnist.accepted_words("en")[7], "7 (seven)");
        assert_eq!(ImageData::from_name("fashion"), Some(ImageData::Fashion));
    }
}
