//! What `ccsim compare` prints and writes, from the plain [`Comparison`]: the text tables
//! ([`render_text`], with [`header_lines`] shared by the HTML report), the JSON document
//! ([`to_json`]) and the CSV file ([`to_csv`]).
//!
//! Invariants: nothing here estimates anything; every number printed is a field of the
//! comparison. Shares are printed in percent and their differences in percentage points.

use super::run::csv_field;
use crate::compare::{Comparison, Pairing, Unit, VariantComparison};
use std::fmt::Write as _;

/// A value in its unit, for people: `85.2%`, `12.3` seconds, `1234` money; `–` when
/// undefined.
fn show(unit: Unit, x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    match unit {
        Unit::Share => format!("{:.1}%", x * 100.0),
        Unit::Seconds => format!("{x:.1}"),
        Unit::Amount => format!("{x:.0}"),
    }
}

/// A difference with its 95 % half-width, in its unit (shares in percentage points).
fn show_diff(unit: Unit, d: f64, h: f64) -> String {
    if !d.is_finite() {
        return "–".into();
    }
    match unit {
        Unit::Share => format!("{:+.2} pts ±{:.2}", d * 100.0, h * 100.0),
        Unit::Seconds => format!("{d:+.2} ±{h:.2}"),
        Unit::Amount if d.abs() < 10.0 => format!("{d:+.2} ±{h:.2}"),
        Unit::Amount => format!("{d:+.0} ±{h:.0}"),
    }
}

/// What a variant's table compares, in words: the runs, how they are paired, which
/// changes were applied to which base, and what the half-widths are.
pub fn header_lines(c: &Comparison, v: &VariantComparison) -> Vec<String> {
    let mut lines = Vec::new();
    let pairing = match v.pairing {
        Pairing::CommonRandomNumbers => "common random numbers (same customers)",
        Pairing::Unpaired => "independent samples: the customers differ",
    };
    lines.push(format!(
        "{} vs {} · {} replications each · seed {} · {pairing}",
        v.variant, c.base, c.replications, c.seed
    ));
    if let Some(ch) = &v.changes {
        let files = ch.files.join(" then ");
        lines.push(if ch.own_base {
            format!("The variant is {} with the changes in {files}.", ch.applied_to)
        } else {
            format!(
                "The variant is {} with the changes in {files} applied to it (not to {}, which {} extends).",
                ch.applied_to, ch.extends, ch.variant
            )
        });
    }
    if !v.channels_not_shared.is_empty() {
        lines.push(format!(
            "Channels in only one of them have no rows of their own, and \"all\" sums different channels: {}.",
            v.channels_not_shared.join(", ")
        ));
    }
    if !v.service_level_redefined.is_empty() {
        lines.push(format!(
            "The variant counts the service level otherwise, so its difference is partly a change of definition: {}.",
            v.service_level_redefined.join("; ")
        ));
    }
    lines.push(match v.pairing {
        Pairing::CommonRandomNumbers => "Differences are variant − base with paired 95 % half-widths; \"unpaired ±\" is what independent runs would give.".into(),
        Pairing::Unpaired => "The two scenarios have different arrivals, so replications cannot be paired: differences are variant − base with Welch's unpaired 95 % half-widths.".into(),
    });
    lines
}

/// The tables people read: per variant, every metric with the paired difference, the
/// interval independent runs would have given, and whether the difference is real.
pub fn render_text(c: &Comparison) -> String {
    let mut t = String::new();
    for v in &c.variants {
        for line in header_lines(c, v) {
            let _ = writeln!(t, "{line}");
        }
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "{:<10} {:<26} {:>16} {:>16} {:>24} {:>12}  significant",
            "scope", "metric", "base", "variant", "difference", "unpaired ±"
        );
        for d in &v.differences {
            if !d.base.mean.is_finite() && !d.variant.mean.is_finite() {
                continue;
            }
            let unpaired = match d.unit {
                _ if !d.unpaired_ci95.is_finite() => "–".to_string(),
                Unit::Share => format!("±{:.2} pts", d.unpaired_ci95 * 100.0),
                Unit::Seconds => format!("±{:.2}", d.unpaired_ci95),
                Unit::Amount => format!("±{:.0}", d.unpaired_ci95),
            };
            let _ = writeln!(
                t,
                "{:<10} {:<26} {:>16} {:>16} {:>24} {:>12}  {}",
                d.scope,
                d.metric,
                show(d.unit, d.base.mean),
                show(d.unit, d.variant.mean),
                show_diff(d.unit, d.difference.mean, d.difference.ci95),
                unpaired,
                if d.significant { "yes" } else { "no" }
            );
        }
        let _ = writeln!(t);
    }
    t
}

/// The comparison as one JSON document.
pub fn to_json(c: &Comparison) -> String {
    serde_json::to_string_pretty(c).expect("a comparison serialises")
}

/// The comparison as CSV: one row per variant, scope and metric.
pub fn to_csv(c: &Comparison) -> String {
    let mut t = String::from(
        "variant,scope,metric,base,base_ci95,variant_value,variant_ci95,difference,difference_ci95,unpaired_ci95,significant,pairing\n",
    );
    for v in &c.variants {
        for d in &v.differences {
            let _ = writeln!(
                t,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&v.variant),
                csv_field(&d.scope),
                d.metric,
                d.base.mean,
                d.base.ci95,
                d.variant.mean,
                d.variant.ci95,
                d.difference.mean,
                d.difference.ci95,
                d.unpaired_ci95,
                d.significant,
                match v.pairing {
                    Pairing::CommonRandomNumbers => "common_random_numbers",
                    Pairing::Unpaired => "unpaired",
                }
            );
        }
    }
    t
}
