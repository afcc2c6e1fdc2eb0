//! An optimization's report: the roster's cost per group against the two-step baseline,
//! the cost lines, the recommended bot containment, per group the requirement against the
//! roster, the shifts, the rounds' cost, then every chart of the final simulation.

use super::charts::{Axes, Chart, GanttRow, Line, gantt, line_chart};
use super::page::{ReportHeader, escape, finish};
use super::run::run_charts;
use crate::model::{Group, Model};
use crate::optimize::{OptimizeResult, RequirementRow};
use crate::output::run::DataFile;
use std::fmt::Write as _;

/// The optimizer's charts: requirement against rostered agents per group, the shifts, and
/// the rounds.
pub fn optimize_charts(model: &Model, r: &OptimizeResult) -> Result<Vec<Chart>, String> {
    let mut out = Vec::new();
    for (g, group) in model.groups.iter().enumerate() {
        out.push(requirement_chart(model, r, g, group)?);
    }
    out.push(shifts_chart(model, r)?);
    out.push(history_chart(r)?);
    Ok(out)
}

/// An optimization's report folder: the roster's costs and charts, then the final
/// simulation's charts, with every data file.
pub fn optimize_report(
    model: &Model,
    r: &OptimizeResult,
    png: bool,
) -> Result<Vec<DataFile<'static>>, String> {
    let mut charts = optimize_charts(model, r)?;
    let simulated = crate::output::optimize::summary(&r.simulated);
    charts.extend(run_charts(model, &simulated)?);
    let files = crate::output::run::text_files(crate::output::optimize::result_files(r));
    let mut extra = roster_cost_table(r);
    // The lines that add the costs up and compare with the two-step baseline, as printed.
    extra.push_str("<p>");
    for line in crate::output::optimize::cost_lines(r, model).lines() {
        let _ = write!(extra, "{}<br>", escape(line.trim()));
    }
    extra.push_str("</p>");
    // With a confidence: the rule, the price of certainty and the intervals below it.
    if r.confidence.is_some() {
        extra.push_str("<pre>");
        extra.push_str(&escape(
            crate::output::optimize::confidence_lines(r).trim_start_matches('\n'),
        ));
        extra.push_str("</pre>");
    }
    extra.push_str(&containment_table(r));
    let header = ReportHeader {
        title: format!("ccsim optimize · {}", r.scenario),
        scenario: r.scenario.clone(),
        hash: crate::shard::scenario_hash(&[model]),
        seed: r.seed,
        replications: r.replications,
    };
    finish(&header, Some(&simulated), &extra, &charts, files, png)
}

/// Group `g`'s agents per interval: the Erlang A estimate, the corrected requirement, the
/// scheduled need (and what is left after bot raises, when any), and the roster.
fn requirement_chart(
    model: &Model,
    r: &OptimizeResult,
    g: usize,
    group: &Group,
) -> Result<Chart, String> {
    let half = model.interval / 2.0;
    let rows: Vec<&RequirementRow> = r
        .requirements
        .iter()
        .filter(|x| x.group == group.name)
        .collect();
    let series = |name: &str, f: &dyn Fn(&RequirementRow) -> f64, colour, dashed| Line {
        name: name.into(),
        points: rows.iter().map(|x| (x.start_s + half, f(x))).collect(),
        colour,
        dashed,
        ..Default::default()
    };
    let mut lines = vec![
        series("Erlang A estimate (on duty)", &|x| x.erlang as f64, 5, true),
        series("required on duty", &|x| x.required as f64, 0, false),
        series("scheduled needed", &|x| x.scheduled_needed as f64, 4, true),
    ];
    if rows
        .iter()
        .any(|x| x.scheduled_after_bots != x.scheduled_needed)
    {
        lines.push(series(
            "scheduled needed after bot raises",
            &|x| x.scheduled_after_bots as f64,
            3,
            true,
        ));
    }
    lines.push(series("rostered", &|x| x.rostered as f64, 2, false));
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.1;
    let title = format!("{}: requirement and roster", group.name);
    Ok(Chart {
        id: format!("requirement-{g}"),
        title: title.clone(),
        caption: format!(
            "Agents per interval for {}: the Erlang A estimate, the requirement after the simulation's corrections, the scheduled agents it needs through {:.0} % shrinkage (and, where bot raises are recommended, what is left after the agents they relieve), and the scheduled agents the roster puts on the queues.",
            group.name,
            group.shrinkage * 100.0
        ),
        svg: line_chart(
            &title,
            &Axes {
                x_label: "time of day (interval midpoints)".into(),
                y_label: "agents".into(),
                x: (0.0, model.counted_horizon()),
                y: (0.0, top),
                x_is_time: true,
                y_is_share: false,
            },
            &lines,
            &[],
            &[],
        )?,
    })
}

/// The roster's shifts as a Gantt chart, breaks cut out.
fn shifts_chart(model: &Model, r: &OptimizeResult) -> Result<Chart, String> {
    let rows: Vec<GanttRow> = r
        .roster
        .iter()
        .map(|l| {
            let g = model
                .groups
                .iter()
                .position(|x| x.name == l.group)
                .unwrap_or(0);
            (
                format!("{} {} ×{}", l.group, l.shift, l.agents),
                l.start_s,
                l.end_s,
                l.breaks.iter().map(|&(s, len, _)| (s, len)).collect(),
                g,
            )
        })
        .collect();
    Ok(Chart {
        id: "shifts".into(),
        title: "The roster's shifts".into(),
        caption: "Each rostered shift (group, template, agents) from its start to its end; white cuts are breaks.".into(),
        svg: gantt("The roster's shifts", &rows, model.counted_horizon())?,
    })
}

/// The agent cost of what each round simulated, requirement rounds then roster rounds.
fn history_chart(r: &OptimizeResult) -> Result<Chart, String> {
    let rounds = |phase: &str| -> Vec<(f64, f64)> {
        (r.history.iter().enumerate())
            .filter(|(_, h)| h.phase == phase)
            .map(|(i, h)| (i as f64 + 1.0, h.cost))
            .collect()
    };
    let mut lines = vec![
        Line {
            name: "cost of the requirement rounds".into(),
            points: rounds("requirements"),
            colour: 5,
            ..Default::default()
        },
        Line {
            name: "cost of the roster rounds".into(),
            points: rounds("roster"),
            colour: 0,
            ..Default::default()
        },
    ];
    if r.confidence.is_some() {
        lines.push(Line {
            name: "cost of the rounds judged day by day (confidence)".into(),
            points: rounds("confidence"),
            colour: 1,
            ..Default::default()
        });
    }
    let top = r.history.iter().map(|h| h.cost).fold(1.0, f64::max) * 1.1;
    Ok(Chart {
        id: "history".into(),
        title: "Rounds: cost".into(),
        caption: format!(
            "Agent cost of what each round simulated; the intervals missing per round are {}.",
            r.history
                .iter()
                .map(|h| h.intervals_missing.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        svg: line_chart(
            "Rounds: cost",
            &Axes {
                x_label: if r.confidence.is_some() {
                    "round (requirement rounds, roster rounds, then confidence rounds)".into()
                } else {
                    "round (requirement rounds, then roster rounds)".into()
                },
                y_label: "agent cost per day".into(),
                x: (0.5, r.history.len() as f64 + 0.5),
                y: (0.0, top),
                x_is_time: false,
                y_is_share: false,
            },
            &lines,
            &[],
            &[],
        )?,
    })
}

/// The roster's cost per group beside the two-step baseline's, a total row, and whether
/// the targets are met.
fn roster_cost_table(r: &OptimizeResult) -> String {
    let mut extra = String::from(
        "<h2>Roster cost</h2><table><thead><tr><th>group</th><th>headcount</th><th>paid hours</th><th>cost</th><th>two-step baseline</th><th>solver</th></tr></thead><tbody>",
    );
    for (c, b) in r.costs.iter().zip(&r.baseline.costs) {
        let _ = write!(
            extra,
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.0}</td><td>{:.0}</td><td>{}{}</td></tr>",
            escape(&c.group),
            c.headcount,
            c.paid_hours,
            c.cost,
            b.cost,
            c.solver_text(),
            c.gap
                .map_or(String::new(), |g| format!(", gap {:.2}%", g * 100.0))
        );
    }
    let _ = write!(
        extra,
        "<tr><td><b>all</b></td><td>{}</td><td>{:.1}</td><td><b>{:.0}</b></td><td>{:.0}</td><td></td></tr></tbody></table><p>{}</p>",
        r.costs.iter().map(|c| c.headcount).sum::<u32>(),
        r.costs.iter().map(|c| c.paid_hours).sum::<f64>(),
        r.total_cost,
        r.baseline.costs.iter().map(|c| c.cost).sum::<f64>(),
        if r.targets_met {
            "Every judged interval meets its targets in the final simulation.".to_string()
        } else {
            format!(
                "{} judged intervals still miss their targets.",
                r.intervals_missing
            )
        }
    );
    extra
}

/// The bot containment per channel and category: today, achievable, recommended, and
/// what it costs and saves (empty without deflection options).
fn containment_table(r: &OptimizeResult) -> String {
    let mut extra = String::new();
    if r.deflections.is_empty() {
        return extra;
    }
    extra.push_str("<h2>Bot containment</h2><table><thead><tr><th>bot</th><th>category</th><th>today</th><th>achievable</th><th>recommended</th><th>cost</th><th>agent cost saved</th></tr></thead><tbody>");
    for d in &r.deflections {
        let _ = write!(
            extra,
            "<tr><td>{}</td><td>{}</td><td>{:.1}%</td><td>{:.1}%</td><td>{:.1}%</td><td>{:.0}</td><td>{:.0}</td></tr>",
            escape(&d.channel),
            escape(&d.category),
            d.today * 100.0,
            d.achievable * 100.0,
            d.recommended * 100.0,
            d.cost,
            d.agent_cost_saved
        );
    }
    extra.push_str("</tbody></table>");
    extra
}
