//! The experiment spec: everything needed to reproduce an experiment (view, data, every
//! hyper-parameter, seed, trained steps, prompt, sampling settings, language), and its codec
//! to and from the URL hash of a share link.
//!
//! Like TensorFlow Playground's `state.ts`, the state is declared in tables of typed fields with
//! stable keys and their defaults: a common table (view, language) and one table per model
//! family (`gpt.rs`, `diffusion.rs`, `vae.rs`, `gan.rs`, `ganimg.rs`, the pixel GPT's `pixelgpt.rs`,
//! the comparison's `compare.rs` and the Lecciones view's `lessons.rs`; the keys every trainable family shares are in `training.rs`, the image
//! families' risk experiments in `image_risks.rs`). A link is validated by its view's table
//! first; keys of the other families are kept (validated by their own table) so switching views
//! keeps their settings. Links are versioned (`v=1`) and omit defaults. Parsing never fails and
//! never yields NaN: every problem becomes a [`Notice`] and the field keeps its default (or is
//! clamped into range), so the page can tell the user what it changed.

pub mod compare;
pub mod diffusion;
mod field;
pub mod gan;
pub mod ganimg;
pub mod gpt;
pub mod image_risks;
pub mod lessons;
mod percent;
pub mod pixelgpt;
pub mod training;
pub mod vae;

use std::collections::BTreeMap;

use field::format_value;
pub use field::{ChoiceField, Field, FloatField, IntField, TextField, Value};
pub use percent::{percent_decode, percent_encode};

/// The link format's version. 2: the GPT's default data set became `frases` (a v=1 link that
/// names no data set meant `refranes`, and still does).
pub const VERSION: u32 = 2;

/// The longest link hash read, in bytes: a longer one is refused whole (one notice) and the
/// page opens with the defaults, so a pasted megabyte cannot stall it.
pub const MAX_LINK_BYTES: usize = 16 * 1024;

/// Notices listed one by one; the rest are counted in one last notice.
pub const MAX_NOTICES: usize = 10;

/// What links of older versions meant by leaving a key out: `(v, key, value)` holds for links of
/// version `v` and below.
static OLD_DEFAULTS: &[(u32, &str, &str)] = &[(1, "data", "refranes")];

pub static VIEW: ChoiceField = ChoiceField {
    key: "view",
    options: &[
        "gpt",
        "diffusion",
        "vae",
        "gan",
        "ganimg",
        "pixelgpt",
        "compare",
        "lessons",
    ],
    default: "gpt",
    aliases: &[],
};
pub static LANG: ChoiceField = ChoiceField {
    key: "lang",
    options: &["es", "en"],
    default: "es",
    aliases: &[],
};
static COMMON: &[Field] = &[Field::Choice(&VIEW), Field::Choice(&LANG)];

/// Each view's table, in `VIEW`'s order. Keys are part of every shared link: never rename one,
/// add a new key instead; a key two tables share must mean the same thing in both.
static FAMILIES: &[(&str, &[Field])] = &[
    ("gpt", gpt::TABLE),
    ("diffusion", diffusion::TABLE),
    ("vae", vae::TABLE),
    ("gan", gan::TABLE),
    ("ganimg", ganimg::TABLE),
    ("pixelgpt", pixelgpt::TABLE),
    ("compare", compare::TABLE),
    ("lessons", lessons::TABLE),
];

/// The fields of a spec whose view is `view`, in link order (the common table, then every
/// family's keys in registry order, each key once), each key governed by the common table or
/// else `view`'s own table or else the first family that has it.
fn fields(view: &str) -> Vec<Field> {
    let own = FAMILIES
        .iter()
        .find(|(v, _)| *v == view)
        .map_or(&[][..], |f| f.1);
    let mut out: Vec<Field> = COMMON.to_vec();
    for (_, table) in FAMILIES {
        for field in *table {
            if !out.iter().any(|f| f.key() == field.key()) {
                out.push(*own.iter().find(|f| f.key() == field.key()).unwrap_or(field));
            }
        }
    }
    out
}

/// Something the parser changed or ignored, for the page to show in the user's language.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub key: String,
    /// The value as given in the link (decoded, shortened).
    pub given: String,
    /// What is used instead (empty for ignored keys).
    pub used: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    UnknownKey,
    BadValue,
    OutOfRange,
    NewerVersion,
    /// The whole link was longer than [`MAX_LINK_BYTES`] (`given`: its length).
    TooLong,
    /// `given` more notices, beyond the first [`MAX_NOTICES`].
    More,
    /// The value fits its range but the experiment would not fit in the browser's memory
    /// (`used`: the largest value that does).
    OverBudget,
}

impl NoticeKind {
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::UnknownKey => "unknown",
            NoticeKind::BadValue => "bad",
            NoticeKind::OutOfRange => "range",
            NoticeKind::NewerVersion => "version",
            NoticeKind::TooLong => "toolong",
            NoticeKind::More => "more",
            NoticeKind::OverBudget => "budget",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    values: BTreeMap<&'static str, Value>,
}

impl Default for Spec {
    fn default() -> Self {
        Self {
            values: fields(VIEW.default)
                .iter()
                .map(|f| (f.key(), f.default()))
                .collect(),
        }
    }
}

impl Spec {
    pub fn int(&self, field: &IntField) -> i64 {
        match self.values.get(field.key) {
            Some(Value::Int(v)) if (field.min..=field.max).contains(v) => *v,
            _ => field.default,
        }
    }

    pub fn float(&self, field: &FloatField) -> f64 {
        match self.values.get(field.key) {
            Some(Value::Float(v)) if (field.min..=field.max).contains(v) => *v,
            _ => field.default,
        }
    }

    pub fn choice(&self, field: &ChoiceField) -> &'static str {
        field.resolve(self.raw(field.key)).unwrap_or(field.default)
    }

    pub fn text(&self, field: &TextField) -> &str {
        match self.raw(field.key) {
            v if v.chars().count() <= field.max_chars => v,
            _ => field.default,
        }
    }

    /// The stored text of `key` ("" if it holds none).
    fn raw(&self, key: &str) -> &str {
        match self.values.get(key) {
            Some(Value::Text(v)) => v,
            _ => "",
        }
    }

    pub fn view(&self) -> &str {
        self.choice(&VIEW)
    }

    /// Set one field from its string form, with the same checks as a link. Setting the view
    /// re-reads the other fields by the new view's table.
    pub fn set(&mut self, key: &str, raw: &str) -> Option<Notice> {
        let Some(field) = fields(self.view()).into_iter().find(|f| f.key() == key) else {
            return Some(notice(NoticeKind::UnknownKey, key, raw, ""));
        };
        let (mut value, problem) = field.parse(raw);
        // An unreadable value keeps what the field held (its default, or a link version's).
        if problem == Some(NoticeKind::BadValue)
            && let Some(current) = self.values.get(field.key())
        {
            value = current.clone();
        }
        let used = format_value(&value);
        let before = fields(self.view());
        self.values.insert(field.key(), value);
        if key == VIEW.key {
            // A key the old view left at its default takes the new view's default (the GAN's
            // batch is not the GPT's); others are read again by the new view's table.
            for f in fields(self.view()) {
                let current = &self.values[f.key()];
                let was_default = before
                    .iter()
                    .any(|old| old.key() == f.key() && old.default() == *current);
                let value = if was_default {
                    f.default()
                } else {
                    f.parse(&format_value(current)).0
                };
                self.values.insert(f.key(), value);
            }
        }
        problem.map(|kind| notice(kind, key, raw, &used))
    }

    /// Every field as (key, string form), in link order: what the page puts in its controls.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        fields(self.view())
            .iter()
            .map(|f| (f.key(), format_value(&self.values[f.key()])))
            .collect()
    }

    /// The link form: `v=1` then every non-default field, percent-encoded, in link order.
    pub fn to_hash(&self) -> String {
        let mut parts = vec![format!("v={VERSION}")];
        for f in fields(self.view()) {
            let value = &self.values[f.key()];
            if *value != f.default() {
                parts.push(format!(
                    "{}={}",
                    f.key(),
                    percent_encode(&format_value(value))
                ));
            }
        }
        parts.join("&")
    }

    /// Parse a link's hash (with or without the leading `#`). Never fails: problems are
    /// returned as notices and the affected fields keep safe values.
    pub fn from_hash(hash: &str) -> (Spec, Vec<Notice>) {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if hash.len() > MAX_LINK_BYTES {
            let (len, max) = (hash.len().to_string(), MAX_LINK_BYTES.to_string());
            return (
                Spec::default(),
                vec![notice(NoticeKind::TooLong, "", &len, &max)],
            );
        }
        let pairs: Vec<(String, String)> = hash
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|part| {
                let (key, value) = part.split_once('=').unwrap_or((part, ""));
                (percent_decode(key), percent_decode(value))
            })
            .collect();
        Self::from_pairs(&pairs)
    }

    /// Apply `(key, value)` pairs on top of the defaults of the link's version (the `v` pair;
    /// none: this version), the view first (it picks the table the other keys are read by).
    /// A key given twice counts once, with its last value: an earlier value neither applies nor
    /// adds a notice.
    pub fn from_pairs(pairs: &[(String, String)]) -> (Spec, Vec<Notice>) {
        let mut spec = Spec::default();
        let mut notices = Vec::new();
        let last: std::collections::HashMap<&str, usize> = pairs
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.as_str(), i))
            .collect();
        let pairs: Vec<&(String, String)> = pairs
            .iter()
            .enumerate()
            .filter(|(i, (k, _))| last[k.as_str()] == *i)
            .map(|(_, pair)| pair)
            .collect();
        if let Some((_, v)) = pairs.iter().rev().find(|(k, _)| k == "v") {
            notices.extend(version_notice(v));
            let version = v.trim().parse().unwrap_or(VERSION);
            for (_, key, value) in OLD_DEFAULTS.iter().filter(|d| version <= d.0) {
                spec.set(key, value);
            }
        }
        if let Some((_, view)) = pairs.iter().rev().find(|(k, _)| k == VIEW.key) {
            notices.extend(spec.set(VIEW.key, view));
        }
        for (key, value) in pairs.iter().filter(|(k, _)| k != VIEW.key && k != "v") {
            notices.extend(spec.set(key, value));
        }
        if notices.len() > MAX_NOTICES {
            let more = (notices.len() - MAX_NOTICES).to_string();
            notices.truncate(MAX_NOTICES);
            notices.push(notice(NoticeKind::More, "", &more, ""));
        }
        (spec, notices)
    }
}

/// What is wrong with a link's version, if anything (a newer link is still read).
fn version_notice(value: &str) -> Option<Notice> {
    let ours = VERSION.to_string();
    match value.trim().parse::<u32>() {
        Ok(1..=VERSION) => None,
        Ok(v) if v > VERSION => Some(notice(NoticeKind::NewerVersion, "v", value, &ours)),
        _ => Some(notice(NoticeKind::BadValue, "v", value, &ours)),
    }
}

fn notice(kind: NoticeKind, key: &str, given: &str, used: &str) -> Notice {
    const MAX: usize = 40;
    let shorten = |s: &str| {
        let mut out: String = s.chars().take(MAX).collect();
        if s.chars().count() > MAX {
            out.push('…');
        }
        out
    };
    Notice {
        kind,
        key: shorten(key),
        given: shorten(given),
        used: shorten(used),
    }
}
