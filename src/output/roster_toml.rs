//! `roster.toml` of `ccsim optimize --out DIR`: the optimized scenario staffed by the
//! roster, as a scenario `ccsim run`, `compare` and `sweep` take like any other.
//!
//! It is **self-contained**, not a variant: a variant names its base by a path relative
//! to itself, which breaks as soon as the results folder is moved or sent on. So the
//! scenario the optimizer read (a variant's chain of `extends` resolved, every `[set]`
//! applied) is written out whole, with these changes:
//! - every group's `agents`, `staffing` or `shifts` replaced by the roster's `shifts`
//!   (breaks placed, unpaid ones `paid = false`);
//! - each bot's `containment_by.<category>` set to the recommended containment, where
//!   `[[optimize.deflection]]` raised it;
//! - each channel's `service_level.target` set to the one the optimizer judged by (a
//!   `--service-level` flag);
//! - `[simulation] seed` and `replications` set to the optimizer's, so that
//!   `ccsim run roster.toml` repeats the final verification to the last digit;
//! - a relative `file` or `path` (a replayed log, a forecast) made absolute, so that it
//!   still names the same file from the results folder.
//!
//! Comments and key order of the original are not kept; `[optimize]` is (optimizing the
//! roster again starts from it).

use crate::optimize::{OptimizeResult, RosterLine};
use std::path::Path;
use toml::{Table, Value};

/// The text of `roster.toml`: `document` (the scenario as the optimizer read it, from
/// [`crate::scenario::resolved_document`]) staffed by `r`'s roster and containment.
/// `scenario` is the file the optimizer was given: named in the header, and the folder
/// relative `file`/`path` values are resolved from.
///
/// Errors: a group or bot of the roster that the document does not have (the document is
/// not the scenario that was optimized), as a sentence.
pub fn roster_toml(
    mut document: Table,
    scenario: &Path,
    r: &OptimizeResult,
) -> Result<String, String> {
    let simulation = table_at(&mut document, "simulation")?;
    simulation.insert("seed".into(), Value::Integer(r.seed as i64));
    simulation.insert(
        "replications".into(),
        Value::Integer(i64::from(r.replications)),
    );
    let model = &r.simulated.model;
    let Some(Value::Array(groups)) = document.get_mut("group") else {
        return Err("the scenario has no [[group]]".into());
    };
    for group in &model.groups {
        let entry = (groups.iter_mut())
            .filter_map(Value::as_table_mut)
            .find(|t| t.get("name").and_then(Value::as_str) == Some(&group.name))
            .ok_or_else(|| format!("the scenario has no group \"{}\"", group.name))?;
        for key in ["agents", "staffing", "shifts"] {
            entry.remove(key);
        }
        let shifts: Vec<Value> = (r.roster.iter())
            .filter(|l| l.group == group.name)
            .map(shift_value)
            .collect();
        entry.insert("shifts".into(), Value::Array(shifts));
    }
    for d in &r.deflections {
        if d.recommended != d.today {
            let key = format!("bot.{}.containment_by.{}", d.channel, d.category);
            crate::scenario::overrides::set(&mut document, &key, Value::Float(d.recommended))
                .map_err(|e| format!("{key}: {e}"))?;
        }
    }
    if let Some(Value::Array(channels)) = document.get_mut("channel") {
        for ch in &model.channels {
            let target = (channels.iter_mut())
                .filter_map(Value::as_table_mut)
                .find(|t| t.get("name").and_then(Value::as_str) == Some(&ch.name))
                .and_then(|t| t.get_mut("service_level"))
                .and_then(Value::as_table_mut)
                .and_then(|t| t.get_mut("target"));
            if let Some(target) = target {
                if target.as_float() != Some(ch.service_level_target) {
                    *target = Value::Float(ch.service_level_target);
                }
            }
        }
    }
    let folder = scenario.parent().unwrap_or(Path::new(""));
    crate::scenario::anchor_paths(&mut document, folder, None);
    let body = toml::to_string(&document).map_err(|e| e.to_string())?;
    Ok(format!(
        "# The roster of `ccsim optimize {}`, as a scenario of its own: its groups staffed by\n\
         # the roster's shifts and breaks, the recommended bot containment applied, and the\n\
         # optimizer's seed ({}) and replications ({}), so that `ccsim run` on this file\n\
         # repeats the optimizer's final simulation exactly. Compare it with variants\n\
         # (`ccsim compare roster.toml bot_down.toml`) like any scenario.\n\n{body}",
        scenario.display(),
        r.seed,
        r.replications
    ))
}

/// `[name]` of `document` as a table (created when absent).
fn table_at<'a>(document: &'a mut Table, name: &str) -> Result<&'a mut Table, String> {
    document
        .entry(name)
        .or_insert_with(|| Value::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| format!("`{name}` is not a table"))
}

/// A rostered shift as a group's `shifts` entry (times from the horizon's start).
fn shift_value(line: &RosterLine) -> Value {
    let mut shift = Table::new();
    shift.insert("start".into(), duration_value(line.start_s));
    shift.insert("length".into(), duration_value(line.end_s - line.start_s));
    shift.insert("agents".into(), Value::Integer(i64::from(line.agents)));
    let breaks: Vec<Value> = (line.breaks.iter())
        .map(|&(start, length, paid)| {
            let mut b = Table::new();
            b.insert("start".into(), duration_value(start));
            b.insert("length".into(), duration_value(length));
            if !paid {
                b.insert("paid".into(), Value::Boolean(false));
            }
            Value::Table(b)
        })
        .collect();
    if !breaks.is_empty() {
        shift.insert("breaks".into(), Value::Array(breaks));
    }
    Value::Table(shift)
}

/// Seconds as a duration string the scenario reads back to the same `f64`: `8h30m` for
/// whole seconds, else `{seconds}s` (Rust's shortest round-trip decimal).
pub fn duration_value(seconds: f64) -> Value {
    Value::String(duration_text(seconds))
}

fn duration_text(seconds: f64) -> String {
    if seconds.fract() != 0.0 || !(0.0..1e12).contains(&seconds) {
        return format!("{seconds}s");
    }
    let total = seconds as u64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    let mut t = String::new();
    if h > 0 {
        t += &format!("{h}h");
    }
    if m > 0 {
        t += &format!("{m}m");
    }
    if s > 0 || t.is_empty() {
        t += &format!("{s}s");
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_back_to_the_same_seconds() {
        for s in [0.0, 59.0, 60.0, 3600.0, 30600.0, 86400.0 + 90.0, 1.5, 0.1] {
            let text = duration_text(s);
            let back: crate::duration::Duration = text.parse().unwrap();
            assert_eq!(back.secs(), s, "{text}");
        }
        assert_eq!(duration_text(30600.0), "8h30m");
        assert_eq!(duration_text(0.0), "0s");
    }
}
