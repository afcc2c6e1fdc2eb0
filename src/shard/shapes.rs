//! The outcomes of a part held against the scenario the merge loads: sizes of every
//! scope and interval table, and counts that add up.

use super::PartialResult;
use crate::model::Model;
use crate::stats::{QueueMetrics, ReplicationOutcome, WAIT_THRESHOLDS_S};

/// Holds every outcome of `part` (named `source`) against the models of the run it claims
/// to be part of (one per sweep point): its scopes and reported intervals have the sizes
/// the models give, and its totals add up over channels, intervals, categories and
/// priority classes. After this, the summary and the report can index an outcome by the
/// model without going out of bounds.
pub fn check_shapes(source: &str, part: &PartialResult, models: &[Model]) -> Result<(), String> {
    if part.points as usize != models.len() {
        return Err(format!(
            "{source} holds a sweep of {} points, and the scenario and axes it names give {}: the part is damaged or was edited after ccsim wrote it",
            part.points,
            models.len()
        ));
    }
    for run in &part.runs {
        let Some(model) = models.get(run.point as usize) else {
            return Err(format!(
                "{source} holds point {} of a sweep of {} points",
                run.point,
                models.len()
            ));
        };
        for rep in &run.replications {
            check_shape(model, &rep.outcome).map_err(|what| {
                let point = if part.command == "sweep" {
                    format!("point {}, ", run.point)
                } else {
                    String::new()
                };
                format!(
                    "{source} does not fit the scenario it names ({}): {point}replication {} {what}; the part is damaged or was edited after ccsim wrote it",
                    part.scenario_file, rep.index
                )
            })?;
        }
    }
    Ok(())
}

/// `n` and a noun, plural unless `n` is 1: `1 channel`, `2 categories`.
fn plural(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y'), noun.ends_with("ss")) {
        (1, _, _) => format!("1 {noun}"),
        (_, Some(stem), _) => format!("{n} {stem}ies"),
        (_, None, true) => format!("{n} {noun}es"),
        _ => format!("{n} {noun}s"),
    }
}

/// The intervals an outcome reports on: those from the end of the warm-up on.
fn reported_intervals(model: &Model) -> usize {
    model.reported_intervals().len()
}

/// Whether one outcome has the sizes `model` gives, and adds up; the error says what
/// differs.
fn check_shape(model: &Model, o: &ReplicationOutcome) -> Result<(), String> {
    let n_ch = model.channels.len();
    let n_g = model.groups.len();
    let reported = reported_intervals(model);
    let sizes = [
        (
            "channel rows (by_channel)",
            o.by_channel.len(),
            n_ch,
            plural(n_ch, "channel"),
        ),
        (
            "category rows (by_category)",
            o.by_category.len(),
            model.categories.len(),
            plural(model.categories.len(), "category"),
        ),
        (
            "priority rows (by_priority)",
            o.by_priority.len(),
            model.priority_levels.len(),
            plural(model.priority_levels.len(), "priority class"),
        ),
        (
            "group rows (by_group)",
            o.by_group.len(),
            n_g,
            plural(n_g, "group"),
        ),
        (
            "interval rows (intervals)",
            o.intervals.len(),
            reported * n_ch,
            format!(
                "{} × {}",
                plural(reported, "reported interval"),
                plural(n_ch, "channel")
            ),
        ),
        (
            "group interval rows (group_intervals)",
            o.group_intervals.len(),
            reported * n_g,
            format!(
                "{} × {}",
                plural(reported, "reported interval"),
                plural(n_g, "group")
            ),
        ),
        (
            "wait distributions (wait_cdf)",
            o.wait_cdf.len(),
            n_ch,
            format!("one per channel, {n_ch}"),
        ),
    ];
    for (what, has, wants, why) in sizes {
        if has != wants {
            return Err(format!(
                "has {has} {what}; the scenario gives {wants} ({why})"
            ));
        }
    }
    for (c, cdf) in o.wait_cdf.iter().enumerate() {
        if cdf.len() != WAIT_THRESHOLDS_S.len() {
            return Err(format!(
                "has {} shares in wait_cdf[{c}]; ccsim records {}, one per wait threshold",
                cdf.len(),
                WAIT_THRESHOLDS_S.len()
            ));
        }
    }
    check_sums(o, n_ch, reported)
}

/// Whether the counts of an outcome of `n_ch` channels over `reported` intervals add up:
/// intervals to their channel, channels to the totals, and categories and priority
/// classes (when there are several) to the totals.
fn check_sums(o: &ReplicationOutcome, n_ch: usize, reported: usize) -> Result<(), String> {
    type Count = fn(&QueueMetrics) -> f64;
    let counts: [(&str, Count); 3] = [
        ("offered", |q| q.offered),
        ("answered", |q| q.answered),
        ("abandoned", |q| q.abandoned),
    ];
    for (key, count) in counts {
        for c in 0..n_ch {
            let grid = crate::grid::Grid {
                rows: reported,
                width: n_ch,
            };
            let sum: f64 = grid
                .column(c, 0..reported)
                .map(|i| count(&o.intervals[i]))
                .sum();
            if sum != count(&o.by_channel[c]) {
                return Err(format!(
                    "has {} {key} in by_channel[{c}], and its intervals add up to {sum}",
                    count(&o.by_channel[c])
                ));
            }
        }
        let total = count(&o.totals);
        for (name, scopes) in [
            ("by_channel", &o.by_channel),
            ("by_category", &o.by_category),
            ("by_priority", &o.by_priority),
        ] {
            let sum: f64 = scopes.iter().map(count).sum();
            if !scopes.is_empty() && sum != total {
                return Err(format!(
                    "has {total} {key} in totals, and {name} adds up to {sum}"
                ));
            }
        }
    }
    Ok(())
}
