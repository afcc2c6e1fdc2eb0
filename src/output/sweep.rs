//! What `ccsim sweep` prints and writes, from the plain [`SweepPoint`]s: the text table
//! ([`render_text`]), the JSON document ([`to_json`]) and the CSV file ([`to_csv`]); and
//! the words the text and the HTML report share ([`verdict`], [`target_words`]).
//!
//! Invariants: nothing here runs or estimates anything; every number printed is a field of
//! a point's [`crate::summary::RunSummary`] (or a target of the swept model).

use crate::experiment::Estimate;
use crate::model::{Channel, Model};
use crate::sweep::SweepPoint;
use std::fmt::Write as _;

/// Whether a service level estimate meets its target: `met` when its 95 % interval lies at
/// or above the target, `short` when it lies below, `unsure` when the interval holds the
/// target (more replications would tell), `–` when undefined.
pub fn verdict(e: &Estimate, target: f64) -> &'static str {
    if !e.mean.is_finite() {
        "–"
    } else if e.mean - e.ci95 >= target {
        "met"
    } else if e.mean + e.ci95 < target {
        "short"
    } else {
        "unsure"
    }
}

/// A channel's service level target in words, e.g. `80% in 20s`.
pub fn target_words(channel: &Channel) -> String {
    format!(
        "{:.0}% in {}",
        channel.service_level_target * 100.0,
        crate::duration::Duration::from_secs(channel.answer_within)
    )
}

/// The headline metrics of each point, for people: each channel's service level against
/// its own target (from `model`, the swept scenario), then abandonment, ASA, occupancy
/// and cost of all channels together.
pub fn render_text(model: &Model, points: &[SweepPoint]) -> String {
    let mut t = String::new();
    let Some(first) = points.first() else {
        return t;
    };
    let keys: Vec<&str> = first.set.iter().map(|(k, _)| k.as_str()).collect();
    let est = |e: &Estimate, pct: bool| {
        if !e.mean.is_finite() {
            "–".to_string()
        } else if pct {
            format!("{:.1}% ±{:.1}", e.mean * 100.0, e.ci95 * 100.0)
        } else {
            format!("{:.1} ±{:.1}", e.mean, e.ci95)
        }
    };
    let headers: Vec<String> = model
        .channels
        .iter()
        .map(|c| format!("{} SL ({})", c.name, target_words(c)))
        .collect();
    let widths: Vec<usize> = headers.iter().map(|h| h.chars().count().max(20)).collect();
    for k in &keys {
        let _ = write!(t, "{k:>24} ");
    }
    for (h, w) in headers.iter().zip(&widths) {
        let _ = write!(t, " {h:>w$} ");
    }
    let _ = writeln!(
        t,
        "{:>14} {:>14} {:>14} {:>18}",
        "abandon rate", "ASA s", "occupancy", "cost"
    );
    for p in points {
        for (_, v) in &p.set {
            let _ = write!(t, "{v:>24} ");
        }
        for (c, w) in widths.iter().enumerate() {
            let cell = match p.summary.by_channel.get(c) {
                Some((_, q)) => format!(
                    "{} {}",
                    est(&q.service_level, true),
                    verdict(&q.service_level, model.channels[c].service_level_target)
                ),
                None => "–".into(),
            };
            let _ = write!(t, " {cell:>w$} ");
        }
        let s = &p.summary.totals;
        let _ = writeln!(
            t,
            "{:>14} {:>14} {:>14} {:>18}",
            est(&s.queue.abandon_rate, true),
            est(&s.queue.asa_s, false),
            est(&s.occupancy, true),
            format!("{:.0} ±{:.0}", s.cost.mean, s.cost.ci95)
        );
    }
    let _ = writeln!(
        t,
        "Service level per channel against its own target: met (the 95 % interval is at or above it), short (below), unsure (the interval holds the target)."
    );
    t
}

/// The sweep as JSON: per point the values set and the totals, channels and groups with
/// their 95 % half-widths.
pub fn to_json(points: &[SweepPoint]) -> String {
    let rows: Vec<serde_json::Value> = points
        .iter()
        .map(|p| {
            let json = serde_json::to_value(&p.summary).expect("serialises");
            let set: serde_json::Map<String, serde_json::Value> = p
                .set
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            serde_json::json!({
                "set": set,
                "replications": json["replications"],
                "seed": json["seed"],
                "totals": json["totals"],
                "by_channel": json["by_channel"],
                "by_group": json["by_group"],
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "points": rows })).expect("serialises")
}

/// One CSV row per point: the set values, then every total and per-channel metric with
/// its 95 % half-width.
pub fn to_csv(points: &[SweepPoint]) -> String {
    let rows: Vec<(Vec<String>, serde_json::Value)> = points
        .iter()
        .map(|p| {
            let json = serde_json::to_value(&p.summary).expect("serialises");
            let mut v = serde_json::Map::new();
            v.insert("totals".into(), json["totals"].clone());
            v.insert("by_channel".into(), json["by_channel"].clone());
            (
                p.set.iter().map(|(_, v)| v.clone()).collect(),
                serde_json::Value::Object(v),
            )
        })
        .collect();
    let keys: Vec<&str> = points
        .first()
        .map(|p| p.set.iter().map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    super::run::objects_to_csv(&keys, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_read_the_interval_against_the_target() {
        let e = |mean: f64, ci95: f64| Estimate { mean, ci95, n: 10 };
        assert_eq!(verdict(&e(0.9, 0.05), 0.8), "met");
        assert_eq!(verdict(&e(0.70, 0.05), 0.8), "short");
        assert_eq!(verdict(&e(0.82, 0.05), 0.8), "unsure");
        assert_eq!(verdict(&e(f64::NAN, 0.0), 0.8), "–");
        assert!(to_json(&[]).contains("\"points\": []"));
        assert_eq!(to_csv(&[]), "");
    }
}
