//! The experiment spec: everything needed to reproduce an experiment (view, data, every
//! hyper-parameter, seed, trained steps, prompt, sampling settings, language), and its codec
//! to and from the URL hash of a share link.
//!
//! Like TensorFlow Playground's `state.ts`, the state is ONE declarative table of typed fields
//! with stable keys and their defaults. Links are versioned (`v=1`) and omit defaults. Parsing
//! never fails and never yields NaN: every problem becomes a [`Notice`] and the field keeps
//! its default (or is clamped into range), so the page can tell the user what it changed.

use std::collections::BTreeMap;

pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Text(String),
}

enum Kind {
    Int { min: i64, max: i64 },
    Float { min: f64, max: f64 },
    Choice(&'static [&'static str]),
    Text { max_chars: usize },
}

struct Field {
    key: &'static str,
    kind: Kind,
    default: fn() -> Value,
}

const fn int(key: &'static str, min: i64, max: i64, default: fn() -> Value) -> Field {
    Field {
        key,
        kind: Kind::Int { min, max },
        default,
    }
}
const fn float(key: &'static str, min: f64, max: f64, default: fn() -> Value) -> Field {
    Field {
        key,
        kind: Kind::Float { min, max },
        default,
    }
}
const fn choice(
    key: &'static str,
    options: &'static [&'static str],
    default: fn() -> Value,
) -> Field {
    Field {
        key,
        kind: Kind::Choice(options),
        default,
    }
}
const fn text(key: &'static str, max_chars: usize, default: fn() -> Value) -> Field {
    Field {
        key,
        kind: Kind::Text { max_chars },
        default,
    }
}
fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub const VIEWS: &[&str] = &["gpt", "diffusion"];
pub const GPT_DATA: &[&str] = &["refranes", "shakespeare", "palabras", "custom"];
pub const IMAGE_DATA: &[&str] = &["mnist", "fashion"];
pub const GPT_SIZES: &[&str] = &["nano", "tiny", "small"];
pub const LANGS: &[&str] = &["es", "en"];

/// The table. Keys are part of every shared link: never rename one, add a new key instead.
static FIELDS: &[Field] = &[
    choice("view", VIEWS, || t("gpt")),
    choice("lang", LANGS, || t("es")),
    choice("data", GPT_DATA, || t("refranes")),
    text("text", 4000, || t("")),
    choice("size", GPT_SIZES, || t("nano")),
    float("lr", 1e-5, 0.1, || Value::Float(3e-3)),
    int("batch", 1, 128, || Value::Int(16)),
    int("ctx", 8, 256, || Value::Int(64)),
    int("steps", 1, 100_000, || Value::Int(300)),
    int("trained", 0, 100_000, || Value::Int(0)),
    int("tseed", 0, u32::MAX as i64, || Value::Int(42)),
    // Sampling seed (generation); `tseed` seeds training (initial weights and batch order).
    int("seed", 0, u32::MAX as i64, || Value::Int(42)),
    text("prompt", 200, || t("")),
    float("temp", 0.0, 2.0, || Value::Float(0.8)),
    int("topk", 0, 256, || Value::Int(0)),
    float("topp", 0.01, 1.0, || Value::Float(1.0)),
    int("len", 1, 2000, || Value::Int(300)),
    // Diffusion. `size`, `lr`, `batch`, `steps`, `trained`, `tseed` and `seed` are shared.
    choice("idata", IMAGE_DATA, || t("mnist")),
    choice("sched", &["cosine", "linear"], || t("cosine")),
    int("tmax", 10, 1000, || Value::Int(1000)),
    choice("sampler", &["ddim", "ddpm"], || t("ddim")),
    int("dsteps", 1, 1000, || Value::Int(20)),
    float("guide", 0.0, 10.0, || Value::Float(3.0)),
    // The word typed to choose a class; empty: one sample of each class in turn.
    text("class", 40, || t("")),
    int("count", 1, 36, || Value::Int(16)),
];

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
}

impl NoticeKind {
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::UnknownKey => "unknown",
            NoticeKind::BadValue => "bad",
            NoticeKind::OutOfRange => "range",
            NoticeKind::NewerVersion => "version",
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
            values: FIELDS.iter().map(|f| (f.key, (f.default)())).collect(),
        }
    }
}

impl Spec {
    pub fn int(&self, key: &str) -> i64 {
        match self.values.get(key) {
            Some(Value::Int(v)) => *v,
            other => panic!("spec field {key} is not an int: {other:?}"),
        }
    }

    pub fn float(&self, key: &str) -> f64 {
        match self.values.get(key) {
            Some(Value::Float(v)) => *v,
            other => panic!("spec field {key} is not a float: {other:?}"),
        }
    }

    pub fn text(&self, key: &str) -> &str {
        match self.values.get(key) {
            Some(Value::Text(v)) => v,
            other => panic!("spec field {key} is not text: {other:?}"),
        }
    }

    /// Set one field from its string form, with the same checks as a link.
    pub fn set(&mut self, key: &str, raw: &str) -> Option<Notice> {
        let Some(field) = FIELDS.iter().find(|f| f.key == key) else {
            return Some(notice(NoticeKind::UnknownKey, key, raw, ""));
        };
        let (value, problem) = field.parse(raw);
        let used = format_value(&value);
        self.values.insert(field.key, value);
        problem.map(|kind| notice(kind, key, raw, &used))
    }

    /// Every field as (key, string form), in table order: what the page puts in its controls.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        FIELDS
            .iter()
            .map(|f| (f.key, format_value(&self.values[f.key])))
            .collect()
    }

    /// The link form: `v=1` then every non-default field, percent-encoded, in table order.
    pub fn to_hash(&self) -> String {
        let mut parts = vec![format!("v={VERSION}")];
        for f in FIELDS {
            let value = &self.values[f.key];
            if *value != (f.default)() {
                parts.push(format!(
                    "{}={}",
                    f.key,
                    percent_encode(&format_value(value))
                ));
            }
        }
        parts.join("&")
    }

    /// Parse a link's hash (with or without the leading `#`). Never fails: problems are
    /// returned as notices and the affected fields keep safe values.
    pub fn from_hash(hash: &str) -> (Spec, Vec<Notice>) {
        let mut spec = Spec::default();
        let mut notices = Vec::new();
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        for part in hash.split('&').filter(|p| !p.is_empty()) {
            let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
            let key = percent_decode(raw_key);
            let value = percent_decode(raw_value);
            if key == "v" {
                match value.trim().parse::<u32>() {
                    Ok(v) if v == VERSION => {}
                    Ok(v) if v > VERSION => notices.push(notice(
                        NoticeKind::NewerVersion,
                        "v",
                        &value,
                        &VERSION.to_string(),
                    )),
                    _ => notices.push(notice(
                        NoticeKind::BadValue,
                        "v",
                        &value,
                        &VERSION.to_string(),
                    )),
                }
                continue;
            }
            notices.extend(spec.set(&key, &value));
        }
        (spec, notices)
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

impl Field {
    /// The value to use for `raw`, and what was wrong with it if anything.
    fn parse(&self, raw: &str) -> (Value, Option<NoticeKind>) {
        let bad = || ((self.default)(), Some(NoticeKind::BadValue));
        match &self.kind {
            Kind::Int { min, max } => match raw.trim().parse::<i64>() {
                Ok(v) if v < *min || v > *max => (
                    Value::Int(v.clamp(*min, *max)),
                    Some(NoticeKind::OutOfRange),
                ),
                Ok(v) => (Value::Int(v), None),
                Err(_) => bad(),
            },
            Kind::Float { min, max } => match raw.trim().parse::<f64>() {
                Ok(v) if !v.is_finite() => bad(),
                Ok(v) if v < *min || v > *max => (
                    Value::Float(v.clamp(*min, *max)),
                    Some(NoticeKind::OutOfRange),
                ),
                Ok(v) => (Value::Float(v), None),
                Err(_) => bad(),
            },
            Kind::Choice(options) => match options.iter().find(|o| **o == raw) {
                Some(o) => (t(o), None),
                None => bad(),
            },
            Kind::Text { max_chars } => {
                if raw.chars().count() > *max_chars {
                    (
                        Value::Text(raw.chars().take(*max_chars).collect()),
                        Some(NoticeKind::OutOfRange),
                    )
                } else {
                    (t(raw), None)
                }
            }
        }
    }
}

fn format_value(value: &Value) -> String {
    match value {
        Value::Int(v) => v.to_string(),
        // Rust prints the shortest string that parses back to the same f64.
        Value::Float(v) => v.to_string(),
        Value::Text(s) => s.clone(),
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decode `%XX` escapes (and `+` as space, as forms write it). Malformed escapes are kept as
/// they are and invalid UTF-8 becomes U+FFFD, so any input decodes.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
