//! Positions in scenario text: TOML errors located at file:line:column with the key, and
//! byte offsets turned into lines and columns.

use super::ScenarioError;

/// Deserializes TOML text into `T`, with errors located in the text.
pub(crate) fn deserialize_located<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, ScenarioError> {
    let toml_error = |e: toml::de::Error, key: Option<String>| {
        // Syntax errors such as a duplicate key carry no path: name the key at the span.
        let key = key.or_else(|| {
            let word = text.get(e.span()?)?.trim();
            let is_key = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
            is_key.then(|| word.to_string())
        });
        ScenarioError {
            file: file.to_string(),
            position: e.span().map(|s| line_column(text, s.start)),
            key,
            message: plain_types(e.message().trim_end()),
        }
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|e| toml_error(e, None))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = clean_path(&e.path().to_string());
        toml_error(e.into_inner(), key)
    })
}

/// A deserializer's message in a planner's words: Rust's type names (`expected i64`,
/// `expected f64`, …) as "a whole number" or "a number".
pub(crate) fn plain_types(message: &str) -> String {
    const WHOLE: [&str; 10] = [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize",
    ];
    let mut out = message.to_string();
    for t in WHOLE {
        out = replace_word(&out, &format!("expected {t}"), "expected a whole number");
    }
    for t in ["f32", "f64"] {
        out = replace_word(&out, &format!("expected {t}"), "expected a number");
    }
    out
}

/// `text` with each `from` not followed by a letter, digit or `_` replaced by `to`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let after = &rest[i + from.len()..];
        let whole = !after.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        out.push_str(&rest[..i]);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Drops serde_spanned's private segments from a serde path; `None` for the document root.
fn clean_path(path: &str) -> Option<String> {
    let cleaned: Vec<&str> = path
        .split('.')
        .filter(|seg| !seg.starts_with("$__serde_spanned") && !seg.is_empty() && *seg != "?")
        .collect();
    let joined = cleaned.join(".").replace(".[", "[");
    (!joined.is_empty()).then_some(joined)
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::plain_types;

    #[test]
    fn rust_type_names_read_as_a_planner_s_words() {
        assert_eq!(
            plain_types("invalid type: string \"2\", expected i64"),
            "invalid type: string \"2\", expected a whole number"
        );
        assert_eq!(
            plain_types("invalid type: boolean `true`, expected f64"),
            "invalid type: boolean `true`, expected a number"
        );
        assert_eq!(plain_types("expected u8s"), "expected u8s");
        assert_eq!(plain_types("missing field `name`"), "missing field `name`");
    }
}
