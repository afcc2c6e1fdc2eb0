//! A comparison's report: service level per interval of the base and every variant for
//! each channel, the paired differences with their 95 % intervals by unit, what is
//! compared, and the runs side by side.

use super::charts::{self, Axes, Chart, Line, line_chart};
use super::page::{ReportHeader, escape, finish};
use crate::compare::{Comparison, Pairing, Unit};
use crate::model::{Channel, Model};
use crate::output::run::DataFile;
use crate::summary::{ChannelInterval, RunSummary};
use std::fmt::Write as _;

/// A comparison's report folder: service level per interval of the base and every variant
/// for each channel, the paired differences with their 95 % intervals, and the data.
pub fn compare_report(
    base: &Model,
    runs: &[(String, RunSummary)],
    comparison: &Comparison,
    png: bool,
) -> Result<Vec<DataFile<'static>>, String> {
    let Some((_, first)) = runs.first() else {
        return Err("nothing to report".into());
    };
    let x = (
        first.intervals.first().map_or(0.0, |i| i.start_s),
        first
            .intervals
            .last()
            .map_or(base.horizon, |i| i.start_s + base.interval),
    );
    let mut charts = Vec::new();
    for (c, ch) in base.channels.iter().enumerate() {
        charts.push(service_level_chart(base, runs, c, ch, x)?);
    }
    for kind in &DIFFERENCES {
        if let Some(chart) = difference_chart(comparison, kind)? {
            charts.push(chart);
        }
    }
    let files = vec![
        DataFile::bytes(
            "comparison.json",
            crate::output::compare::to_json(comparison) + "\n",
        ),
        DataFile::bytes("comparison.csv", crate::output::compare::to_csv(comparison)),
    ];
    let mut extra = what_is_compared(comparison);
    extra.push_str(&runs_table(runs));
    let header = ReportHeader {
        title: format!("ccsim compare · {}", comparison.base),
        scenario: comparison.base.clone(),
        hash: crate::shard::scenario_hash(&[base]),
        seed: comparison.seed,
        replications: comparison.replications,
    };
    finish(&header, None, &extra, &charts, files, png)
}

/// Channel `c`'s service level per interval in every run (the base in black) with its
/// band, over the time span `x`, against the target.
fn service_level_chart(
    base: &Model,
    runs: &[(String, RunSummary)],
    c: usize,
    ch: &Channel,
    x: (f64, f64),
) -> Result<Chart, String> {
    let n_ch = base.channels.len();
    let half = base.interval / 2.0;
    let lines: Vec<Line> = (runs.iter().enumerate())
        .map(|(k, (name, s))| {
            let pts: Vec<&ChannelInterval> = s.intervals.iter().skip(c).step_by(n_ch).collect();
            Line {
                name: name.clone(),
                points: pts
                    .iter()
                    .map(|i| (i.start_s + half, i.queue.service_level.mean))
                    .collect(),
                band: pts
                    .iter()
                    .map(|i| {
                        let e = i.queue.service_level;
                        (i.start_s + half, e.mean - e.ci95, e.mean + e.ci95)
                    })
                    .collect(),
                colour: if k == 0 { 7 } else { k - 1 },
                dashed: false,
            }
        })
        .collect();
    let title = format!("Service level per interval: {}", ch.name);
    Ok(Chart {
        id: format!("service-level-{c}"),
        title: title.clone(),
        caption: format!(
            "Share of {} contacts answered within {} in each interval, the base (black) and each variant, with 95 % bands; the dashed line is the target.",
            ch.name,
            crate::duration::Duration::from_secs(ch.answer_within)
        ),
        svg: line_chart(
            &title,
            &Axes {
                x_label: "time of day (interval midpoints)".into(),
                y_label: "answered in time (% of offered)".into(),
                x,
                y: (0.0, 1.0),
                x_is_time: true,
                y_is_share: true,
            },
            &lines,
            &[(
                ch.service_level_target,
                format!("target {:.0}%", ch.service_level_target * 100.0),
                4,
            )],
            &[],
        )?,
    })
}

/// One chart of differences: the metrics of a unit (costs apart from other amounts).
struct DifferenceKind {
    unit: Unit,
    /// Whether the chart holds the cost metrics (or every other metric of the unit).
    costs: bool,
    id: &'static str,
    /// The x axis label.
    label: &'static str,
    /// Whether differences are shares (drawn in percentage points).
    share: bool,
    /// What the title says they are.
    what: &'static str,
}

/// The difference charts, in order.
const DIFFERENCES: [DifferenceKind; 4] = [
    DifferenceKind {
        unit: Unit::Share,
        costs: false,
        id: "differences-shares",
        label: "difference (percentage points)",
        share: true,
        what: "shares",
    },
    DifferenceKind {
        unit: Unit::Seconds,
        costs: false,
        id: "differences-seconds",
        label: "difference (s)",
        share: false,
        what: "waits",
    },
    DifferenceKind {
        unit: Unit::Amount,
        costs: false,
        id: "differences-counts",
        label: "difference (contacts per run)",
        share: false,
        what: "counts",
    },
    DifferenceKind {
        unit: Unit::Amount,
        costs: true,
        id: "differences-costs",
        label: "difference (cost per run)",
        share: false,
        what: "costs",
    },
];

/// Every variant's differences of one kind over all channels, with their 95 % intervals
/// (None when there are none).
fn difference_chart(
    comparison: &Comparison,
    kind: &DifferenceKind,
) -> Result<Option<Chart>, String> {
    let rows: Vec<charts::ForestRow> = (comparison.variants.iter().enumerate())
        .flat_map(|(k, v)| {
            v.differences
                .iter()
                .filter(move |d| {
                    d.scope == "all"
                        && d.unit == kind.unit
                        && d.metric.contains("cost") == kind.costs
                })
                .map(move |d| {
                    (
                        format!("{}: {}", v.variant, d.metric),
                        d.difference.mean,
                        d.difference.mean - d.difference.ci95,
                        d.difference.mean + d.difference.ci95,
                        k,
                    )
                })
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let title = format!("Differences from the base: {}", kind.what);
    Ok(Some(Chart {
        id: kind.id.into(),
        title: title.clone(),
        caption: if comparison
            .variants
            .iter()
            .all(|v| v.pairing == Pairing::CommonRandomNumbers)
        {
            "Variant − base over the same customers (paired replications), all channels together, with 95 % intervals: an interval that misses the dashed zero line is a significant difference.".into()
        } else {
            "Variant − base, all channels together, with 95 % intervals: paired replications for variants with the base's customers, Welch's unpaired interval for those whose customers differ; an interval that misses the dashed zero line is a significant difference.".into()
        },
        svg: charts::forest(&title, kind.label, &rows, kind.share)?,
    }))
}

/// Each variant's header lines, as the text prints them.
fn what_is_compared(comparison: &Comparison) -> String {
    let mut extra = String::from("<h2>What is compared</h2>");
    for v in &comparison.variants {
        extra.push_str("<p>");
        for (i, line) in crate::output::compare::header_lines(comparison, v)
            .iter()
            .enumerate()
        {
            if i > 0 {
                extra.push_str("<br>");
            }
            extra.push_str(&escape(line));
        }
        extra.push_str("</p>");
    }
    extra
}

/// The runs' headline figures side by side.
fn runs_table(runs: &[(String, RunSummary)]) -> String {
    let mut extra = String::from(
        "<h2>Runs</h2><table><thead><tr><th>run</th><th>service level</th><th>abandoned</th><th>ASA (s)</th><th>occupancy</th><th>cost</th></tr></thead><tbody>",
    );
    for (name, s) in runs {
        let q = &s.totals.queue;
        let _ = write!(
            extra,
            "<tr><td>{}</td><td>{:.1}% ± {:.1}</td><td>{:.1}% ± {:.1}</td><td>{:.1} ± {:.1}</td><td>{:.1}% ± {:.1}</td><td>{:.0} ± {:.0}</td></tr>",
            escape(name),
            q.service_level.mean * 100.0,
            q.service_level.ci95 * 100.0,
            q.abandon_rate.mean * 100.0,
            q.abandon_rate.ci95 * 100.0,
            q.asa_s.mean,
            q.asa_s.ci95,
            s.totals.occupancy.mean * 100.0,
            s.totals.occupancy.ci95 * 100.0,
            s.totals.cost.mean,
            s.totals.cost.ci95
        );
    }
    extra.push_str("</tbody></table>");
    extra
}
