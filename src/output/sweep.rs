//! What `ccsim sweep` prints and writes, from the plain [`SweepPoint`]s: the text table
//! ([`render_text`]), the JSON document ([`write_json`], streamed) and the CSV file ([`to_csv`]); and
//! the words the text and the HTML report share ([`verdict`], [`target_words`]).
//!
//! Invariants: nothing here runs or estimates anything; every number printed is a field of
//! a point's [`crate::summary::RunSummary`] (or a target of the swept model).

use crate::experiment::Estimate;
use crate::model::{Channel, Model};
use crate::sweep::SweepPoint;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt::Write as _;
use std::io::{self, Write};

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

/// `(name, value)` pairs serialised as a JSON object, as the run document writes them.
struct Pairs<'a, T>(&'a [(String, T)]);

impl<T: Serialize> Serialize for Pairs<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A part of a point's summary as a JSON value, its keys in alphabetical order at every
/// level (as `serde_json::Value` keeps them).
fn value(part: impl Serialize) -> serde_json::Value {
    serde_json::to_value(part).expect("serialises")
}

/// One point of the JSON document: its keys in alphabetical order, each part of the
/// summary made a JSON value on its own (the summary's intervals are never touched).
struct PointJson<'a>(&'a SweepPoint);

impl Serialize for PointJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (p, summary) = (self.0, &self.0.summary);
        let set: serde_json::Map<String, serde_json::Value> = (p.set.iter())
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let mut map = s.serialize_map(Some(6))?;
        map.serialize_entry("by_channel", &value(Pairs(&summary.by_channel)))?;
        map.serialize_entry("by_group", &value(Pairs(&summary.by_group)))?;
        map.serialize_entry("replications", &summary.replications)?;
        map.serialize_entry("seed", &summary.seed)?;
        map.serialize_entry("set", &set)?;
        map.serialize_entry("totals", &value(&summary.totals))?;
        map.end()
    }
}

/// The whole JSON document: `{"points": [...]}`, streamed point by point.
struct SweepJson<'a>(&'a [SweepPoint]);

impl Serialize for SweepJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("points", &Points(self.0))?;
        map.end()
    }
}

/// The points, one JSON object each.
struct Points<'a>(&'a [SweepPoint]);

impl Serialize for Points<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(PointJson))
    }
}

/// Writes the sweep as JSON to `w`, followed by a line end: per point the values set (as
/// strings) and the totals, channels and groups with their 95 % half-widths, keys in
/// alphabetical order at every level. Streamed: only one point's totals, channels and
/// groups are held as JSON at a time, never its intervals.
pub fn write_json(points: &[SweepPoint], w: &mut dyn Write) -> io::Result<()> {
    let mut ser = serde_json::Serializer::pretty(&mut *w);
    SweepJson(points)
        .serialize(&mut ser)
        .map_err(io::Error::other)?;
    w.write_all(b"\n")
}

/// The sweep as JSON (see [`write_json`]), without the final line end.
pub fn to_json(points: &[SweepPoint]) -> String {
    let mut out = Vec::new();
    write_json(points, &mut out).expect("writes to memory");
    out.pop();
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// One CSV row per point: the set values, then every total and per-channel metric with
/// its 95 % half-width.
pub fn to_csv(points: &[SweepPoint]) -> String {
    let rows: Vec<(Vec<String>, serde_json::Value)> = points
        .iter()
        .map(|p| {
            let mut v = serde_json::Map::new();
            v.insert("totals".into(), value(&p.summary.totals));
            v.insert("by_channel".into(), value(Pairs(&p.summary.by_channel)));
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
