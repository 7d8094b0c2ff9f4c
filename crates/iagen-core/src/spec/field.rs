//! One link field: its key, its kind (with range or options) and its default. Each field is a
//! typed static, so reading it (`spec.int(&SEED)`) cannot name a missing key or the wrong type.

use super::NoticeKind;

/// A field's value as the spec stores it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Text(String),
}

pub struct IntField {
    pub key: &'static str,
    pub min: i64,
    pub max: i64,
    pub default: i64,
}

pub struct FloatField {
    pub key: &'static str,
    pub min: f64,
    pub max: f64,
    pub default: f64,
}

pub struct ChoiceField {
    pub key: &'static str,
    pub options: &'static [&'static str],
    pub default: &'static str,
    /// Old spellings still read from links, and the option each one means.
    pub aliases: &'static [(&'static str, &'static str)],
}

pub struct TextField {
    pub key: &'static str,
    pub max_chars: usize,
    pub default: &'static str,
}

impl ChoiceField {
    /// The option `raw` names, directly or by an old spelling.
    pub fn resolve(&self, raw: &str) -> Option<&'static str> {
        let alias = || {
            self.aliases
                .iter()
                .find(|(old, _)| *old == raw)
                .map(|a| a.1)
        };
        self.options
            .iter()
            .copied()
            .find(|o| *o == raw)
            .or_else(alias)
    }
}

/// An entry of a table: any kind of field.
#[derive(Clone, Copy)]
pub enum Field {
    Int(&'static IntField),
    Float(&'static FloatField),
    Choice(&'static ChoiceField),
    Text(&'static TextField),
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::Int(f) => f.key,
            Field::Float(f) => f.key,
            Field::Choice(f) => f.key,
            Field::Text(f) => f.key,
        }
    }

    pub fn default(self) -> Value {
        match self {
            Field::Int(f) => Value::Int(f.default),
            Field::Float(f) => Value::Float(f.default),
            Field::Choice(f) => Value::Text(f.default.to_string()),
            Field::Text(f) => Value::Text(f.default.to_string()),
        }
    }

    /// The value to use for `raw`, and what was wrong with it if anything.
    pub fn parse(self, raw: &str) -> (Value, Option<NoticeKind>) {
        let bad = || (self.default(), Some(NoticeKind::BadValue));
        match self {
            Field::Int(f) => match raw.trim().parse::<i64>() {
                Ok(v) if v < f.min || v > f.max => (
                    Value::Int(v.clamp(f.min, f.max)),
                    Some(NoticeKind::OutOfRange),
                ),
                Ok(v) => (Value::Int(v), None),
                Err(_) => bad(),
            },
            Field::Float(f) => match raw.trim().parse::<f64>() {
                Ok(v) if !v.is_finite() => bad(),
                Ok(v) if v < f.min || v > f.max => (
                    Value::Float(v.clamp(f.min, f.max)),
                    Some(NoticeKind::OutOfRange),
                ),
                Ok(v) => (Value::Float(v), None),
                Err(_) => bad(),
            },
            Field::Choice(f) => match f.resolve(raw) {
                Some(o) => (Value::Text(o.to_string()), None),
                None => bad(),
            },
            Field::Text(f) => {
                if raw.chars().count() > f.max_chars {
                    (
                        Value::Text(raw.chars().take(f.max_chars).collect()),
                        Some(NoticeKind::OutOfRange),
                    )
                } else {
                    (Value::Text(raw.to_string()), None)
                }
            }
        }
    }
}

/// A value's string form, as links and controls write it.
pub fn format_value(value: &Value) -> String {
    match value {
        Value::Int(v) => v.to_string(),
        // Rust prints the shortest string that parses back to the same f64.
        Value::Float(v) => v.to_string(),
        Value::Text(s) => s.clone(),
    }
}
