//! Variants: a scenario written as a base scenario plus values changed by key path, e.g.
//! `"group.voice_t1.resolve_by.payment" = 0.75` or `"bot.chat.containment_by.logistics" = 0.8`.
//!
//! A key path walks the scenario's tables: `[[channel]]`, `[[category]]` and `[[group]]`
//! entries are picked by their `name`, `[[bot]]` entries by their `channel`, `[[arrivals]]`
//! entries by `channel/category`; any list may be indexed as `key[i]` (0-based), so
//! `"group.voice_t1.staffing[20]" = 47` changes one interval's head count.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::{Spanned, Table, Value};

/// A variant file: `extends` names the base scenario, `[set]` what changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// The base scenario's path, relative to the variant file.
    pub extends: Spanned<String>,
    /// Name shown in outputs (defaults to the variant file's stem).
    pub name: Option<String>,
    /// What the variant changes, in words (for the reader; not used).
    pub description: Option<String>,
    /// Key path → new value.
    pub set: Spanned<ChangeSet>,
}

/// Changes by key path: each key a path such as `group.voice_t1.staffing[20]`, each value
/// the new value.
pub type ChangeSet = BTreeMap<Spanned<String>, Spanned<Value>>;

/// A `[[variant]]` inside a scenario: the scenario with these changes, under this name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariantEntry {
    /// Name shown in comparisons.
    pub name: Spanned<String>,
    /// What the variant changes, in words (for the reader; not used).
    pub description: Option<String>,
    /// Key path → new value.
    pub set: Spanned<ChangeSet>,
}

/// One step of a key path: a key, optionally followed by list indices.
struct Step<'a> {
    key: &'a str,
    indices: Vec<usize>,
}

fn parse_path(path: &str) -> Result<Vec<Step<'_>>, String> {
    let mut steps = Vec::new();
    for segment in path.split('.') {
        let (key, mut rest) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if key.is_empty() {
            return Err(format!(
                "`{path}` is not a key path: write keys separated by dots, e.g. \
                 `group.voice_t1.staffing[20]`"
            ));
        }
        let mut indices = Vec::new();
        while !rest.is_empty() {
            let close = rest.find(']').filter(|_| rest.starts_with('['));
            let Some(close) = close else {
                return Err(format!(
                    "`{segment}`: an index is written `[i]`, e.g. `staffing[20]`"
                ));
            };
            let index = rest[1..close].trim().parse::<usize>().map_err(|_| {
                format!("`{segment}`: an index must be a whole number from 0, e.g. `[20]`")
            })?;
            indices.push(index);
            rest = &rest[close + 1..];
        }
        steps.push(Step { key, indices });
    }
    Ok(steps)
}

/// What picks an entry of a list of tables by name: its `name`, or for bots the channel,
/// for arrivals `channel/category`.
fn entry_label(entry: &Table) -> Option<String> {
    if let Some(Value::String(name)) = entry.get("name") {
        return Some(name.clone());
    }
    match (entry.get("channel"), entry.get("category")) {
        (Some(Value::String(ch)), Some(Value::String(cat))) => Some(format!("{ch}/{cat}")),
        (Some(Value::String(ch)), None) => Some(ch.clone()),
        _ => None,
    }
}

/// Sets the value at `path` in a scenario document; returns the path with every list entry
/// as an index (`group[0].resolve_by.payment`), the form error messages use.
pub fn set(document: &mut Table, path: &str, value: Value) -> Result<String, String> {
    let steps = parse_path(path)?;
    let mut canonical = String::new();
    set_in_table(document, &steps, value, &mut canonical)?;
    Ok(canonical)
}

fn set_in_table(
    table: &mut Table,
    steps: &[Step<'_>],
    value: Value,
    canonical: &mut String,
) -> Result<(), String> {
    let step = &steps[0];
    if !canonical.is_empty() {
        canonical.push('.');
    }
    canonical.push_str(step.key);
    if steps.len() == 1 && step.indices.is_empty() {
        table.insert(step.key.to_string(), value);
        return Ok(());
    }
    let here = step.key;
    let entry = table
        .entry(step.key.to_string())
        .or_insert_with(|| Value::Table(Table::new()));
    let mut rest = &steps[1..];
    let mut target = entry;
    for (n, &index) in step.indices.iter().enumerate() {
        let Value::Array(list) = target else {
            return Err(format!("`{here}` is not a list, it cannot be indexed"));
        };
        let len = list.len();
        let Some(item) = list.get_mut(index) else {
            let entries = match len {
                0 => "no entries".to_string(),
                1 => "1 entry (index 0)".to_string(),
                n => format!("{n} entries (indices 0 to {})", n - 1),
            };
            return Err(format!("`{here}` has {entries}, not [{index}]"));
        };
        canonical.push_str(&format!("[{index}]"));
        if rest.is_empty() && n + 1 == step.indices.len() {
            *item = value;
            return Ok(());
        }
        target = item;
    }
    if let Value::Array(list) = target {
        // A list of tables: the next step names the entry.
        let Some(name_step) = rest.first() else {
            *target = value;
            return Ok(());
        };
        let index = entry_by_name(list, here, name_step.key)?;
        canonical.push_str(&format!("[{index}]"));
        let item = &mut list[index];
        if rest.len() == 1 && name_step.indices.is_empty() {
            *item = value;
            return Ok(());
        }
        rest = &rest[1..];
        if !name_step.indices.is_empty() {
            return Err(format!(
                "`{here}.{}` is a table; an index goes on a list inside it",
                name_step.key
            ));
        }
        return match item {
            Value::Table(t) => set_in_table(t, rest, value, canonical),
            _ => Err(format!("`{here}` entry `{}` is not a table", name_step.key)),
        };
    }
    match target {
        Value::Table(t) => set_in_table(t, rest, value, canonical),
        other => Err(format!(
            "`{here}` is a {}, it has no key `{}`",
            other.type_str(),
            rest[0].key
        )),
    }
}

/// The index of the entry of a list of tables (`here`) whose label ([`entry_label`]) is
/// `name`; none or several is an error that lists the labels or the matching indices.
fn entry_by_name(list: &[Value], here: &str, name: &str) -> Result<usize, String> {
    let labels: Vec<Option<String>> = list
        .iter()
        .map(|v| v.as_table().and_then(entry_label))
        .collect();
    let matches: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i].as_deref() == Some(name))
        .collect();
    let known: Vec<&str> = labels.iter().flatten().map(String::as_str).collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => Err(format!(
            "`{here}` has no entry `{}`; known: {}",
            name,
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        )),
        _ => Err(format!(
            "`{here}.{}` matches {} entries (indices {:?}); pick one as `{here}[i]`",
            name,
            matches.len(),
            matches
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Table {
        r#"
            [simulation]
            horizon = "1h"
            [[group]]
            name = "t1"
            staffing = [1, 2, 3]
            resolve_by = { payment = 0.5 }
            [[group]]
            name = "t2"
            [[bot]]
            channel = "chat"
            containment = 0.3
            [[arrivals]]
            channel = "voice"
            category = "payment"
        "#
        .parse()
        .unwrap()
    }

    #[test]
    fn key_paths_pick_entries_by_name_and_index() {
        let mut d = doc();
        let v = |x: f64| Value::Float(x);
        assert_eq!(
            set(&mut d, "group.t1.resolve_by.payment", v(0.7)).unwrap(),
            "group[0].resolve_by.payment"
        );
        assert_eq!(
            set(&mut d, "group.t1.staffing[2]", Value::Integer(9)).unwrap(),
            "group[0].staffing[2]"
        );
        assert_eq!(
            set(&mut d, "bot.chat.containment", v(0.4)).unwrap(),
            "bot[0].containment"
        );
        assert_eq!(
            set(&mut d, "arrivals.voice/payment.scale", v(1.2)).unwrap(),
            "arrivals[0].scale"
        );
        assert_eq!(
            set(&mut d, "group[1].tier", Value::Integer(2)).unwrap(),
            "group[1].tier"
        );
        assert_eq!(
            set(&mut d, "transfers.keep_context", Value::Boolean(true)).unwrap(),
            "transfers.keep_context"
        );
        let t1 = d["group"][0].as_table().unwrap();
        assert_eq!(t1["resolve_by"]["payment"].as_float(), Some(0.7));
        assert_eq!(t1["staffing"][2].as_integer(), Some(9));
        assert_eq!(d["group"][1]["tier"].as_integer(), Some(2));
        assert_eq!(d["transfers"]["keep_context"].as_bool(), Some(true));
        assert_eq!(d["bot"][0]["containment"].as_float(), Some(0.4));
    }

    #[test]
    fn bad_key_paths_say_what_exists() {
        let mut d = doc();
        let e = set(&mut d, "group.t9.tier", Value::Integer(1)).unwrap_err();
        assert!(e.contains("no entry `t9`") && e.contains("t1, t2"), "{e}");
        let e = set(&mut d, "group.t1.staffing[3]", Value::Integer(1)).unwrap_err();
        assert!(e.contains("has 3 entries"), "{e}");
        let e = set(&mut d, "simulation.horizon.x", Value::Integer(1)).unwrap_err();
        assert!(e.contains("is a string"), "{e}");
        let e = set(&mut d, "group..tier", Value::Integer(1)).unwrap_err();
        assert!(e.contains("not a key path"), "{e}");
    }
}
