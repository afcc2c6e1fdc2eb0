//! Reports: a folder with a self-contained `index.html` (charts inline as SVG, no script,
//! no network) and the CSV and JSON files it links to, for a run or an optimization.
//! Only this module knows plotters (through [`charts`]).

pub mod charts;

use crate::duration::clock;
use crate::model::Model;
use crate::optimize::OptimizeResult;
use crate::summary::{DataFile, RunSummary};
use charts::{Axes, Chart, Line, gantt, line_chart, stacked_bars};
use std::fmt::Write as _;

/// The charts of a run: per interval (offered against staffed agents, service level with
/// its band against the target, abandonment, ASA and 90th-percentile wait, occupancy per
/// group, e-mail backlog), the distribution of answered waits, and how contacts end.
pub fn run_charts(model: &Model, s: &RunSummary) -> Result<Vec<Chart>, String> {
    let n_ch = model.channels.len();
    let n_g = model.groups.len();
    let x = (
        s.intervals.first().map_or(0.0, |i| i.start_s),
        s.intervals
            .last()
            .map_or(model.horizon, |i| i.start_s + model.interval),
    );
    let half = model.interval / 2.0;
    let per_channel = |f: &dyn Fn(&crate::summary::QueueEstimates) -> (f64, f64)| {
        (0..n_ch)
            .map(|c| {
                let pts: Vec<(f64, f64, f64)> = s
                    .intervals
                    .iter()
                    .skip(c)
                    .step_by(n_ch)
                    .map(|i| {
                        let (m, h) = f(&i.queue);
                        (i.start_s + half, m, h)
                    })
                    .collect();
                pts
            })
            .collect::<Vec<_>>()
    };
    let top = |lines: &[Line]| {
        lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            * 1.1
    };
    let mut out = Vec::new();
    let time_axes = |y_label: &str, y: (f64, f64), share: bool| Axes {
        x_label: "time of day (interval midpoints)".into(),
        y_label: y_label.into(),
        x,
        y,
        x_is_time: true,
        y_is_share: share,
    };

    // Offered contacts against staffed capacity, both in contacts per interval.
    let offered = per_channel(&|q| (q.offered.mean, q.offered.ci95));
    let mut lines: Vec<Line> = (model.channels.iter().enumerate())
        .map(|(c, ch)| Line {
            name: format!("{} offered", ch.name),
            points: offered[c].iter().map(|&(x, m, _)| (x, m)).collect(),
            colour: c,
            ..Default::default()
        })
        .collect();
    // Staffed capacity: the contacts the frontline agents on duty could answer in the
    // interval at their mean handle time (concurrent conversations slowed as configured).
    let roles = crate::optimize::requirements::roles(model);
    for (c, ch) in model.channels.iter().enumerate() {
        let frontline: Vec<usize> = (0..n_g)
            .filter(|&g| !roles[g].back_office && roles[g].channel == c)
            .collect();
        if frontline.is_empty() {
            continue;
        }
        let points: Vec<(f64, f64)> = s
            .group_intervals
            .chunks(n_g.max(1))
            .map(|gs| {
                let capacity: f64 = frontline
                    .iter()
                    .map(|&g| {
                        let group = &model.groups[g];
                        let k = group.concurrency.max(1) as f64;
                        let slow = 1.0 + group.concurrency_slowdown * (k - 1.0);
                        gs[g].metrics.staffed.mean * k * model.interval / (roles[g].aht * slow)
                    })
                    .sum();
                (gs[0].start_s + half, capacity)
            })
            .collect();
        lines.push(Line {
            name: format!("{} capacity", ch.name),
            points,
            colour: c,
            dashed: true,
            ..Default::default()
        });
    }
    out.push(Chart {
        id: "offered".into(),
        title: "Offered contacts and staffed capacity per interval".into(),
        caption: format!(
            "Contacts offered to agents in each {} interval by channel (solid, mean over replications), and the staffed capacity (dashed): the contacts the channel's frontline agents on duty could answer in the interval at their mean handle time; back offices are left out.",
            crate::duration::Duration::from_secs(model.interval)
        ),
        svg: line_chart(
            "Offered contacts and staffed capacity per interval",
            &time_axes("contacts per interval", (0.0, top(&lines)), false),
            &lines,
            &[],
            &[],
        )?,
    });

    // Service level with its 95 % band, and each channel's target.
    let sl = per_channel(&|q| (q.service_level.mean, q.service_level.ci95));
    let lines: Vec<Line> = (model.channels.iter().enumerate())
        .map(|(c, ch)| Line {
            name: format!(
                "{} (within {})",
                ch.name,
                crate::duration::Duration::from_secs(ch.answer_within)
            ),
            points: sl[c].iter().map(|&(x, m, _)| (x, m)).collect(),
            band: sl[c].iter().map(|&(x, m, h)| (x, m - h, m + h)).collect(),
            colour: c,
            ..Default::default()
        })
        .collect();
    let marks: Vec<(f64, String, usize)> = (model.channels.iter().enumerate())
        .map(|(c, ch)| {
            (
                ch.service_level_target,
                format!("{} target {:.0}%", ch.name, ch.service_level_target * 100.0),
                c,
            )
        })
        .collect();
    out.push(Chart {
        id: "service-level".into(),
        title: "Service level per interval".into(),
        caption: "Share of offered contacts answered within each channel's threshold, with the 95 % confidence band, against the target (dashed).".into(),
        svg: line_chart(
            "Service level per interval",
            &time_axes("answered in time (% of offered)", (0.0, 1.0), true),
            &lines,
            &marks,
            &[],
        )?,
    });

    // Abandonment.
    let ab = per_channel(&|q| (q.abandon_rate.mean, q.abandon_rate.ci95));
    let lines: Vec<Line> = (model.channels.iter().enumerate())
        .map(|(c, ch)| Line {
            name: ch.name.clone(),
            points: ab[c].iter().map(|&(x, m, _)| (x, m)).collect(),
            band: ab[c].iter().map(|&(x, m, h)| (x, m - h, m + h)).collect(),
            colour: c,
            ..Default::default()
        })
        .collect();
    // The axis takes in the bands' upper ends, not only the means.
    let band_top = lines
        .iter()
        .flat_map(|l| l.band.iter().map(|b| b.2))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y = top(&lines).max(band_top * 1.05).clamp(0.05, 1.0);
    out.push(Chart {
        id: "abandonment".into(),
        title: "Abandonment per interval".into(),
        caption: "Share of offered contacts that gave up waiting, with the 95 % confidence band."
            .into(),
        svg: line_chart(
            "Abandonment per interval",
            &time_axes("abandoned (% of offered)", (0.0, y), true),
            &lines,
            &[],
            &[],
        )?,
    });

    // ASA and p90 wait.
    let asa = per_channel(&|q| (q.asa_s.mean, q.asa_s.ci95));
    let p90 = per_channel(&|q| (q.wait_p90_s.mean, q.wait_p90_s.ci95));
    let mut lines = Vec::new();
    for (c, ch) in model.channels.iter().enumerate() {
        lines.push(Line {
            name: format!("{} ASA", ch.name),
            points: asa[c].iter().map(|&(x, m, _)| (x, m)).collect(),
            colour: c,
            ..Default::default()
        });
        lines.push(Line {
            name: format!("{} 90th percentile", ch.name),
            points: p90[c].iter().map(|&(x, m, _)| (x, m)).collect(),
            colour: c,
            dashed: true,
            ..Default::default()
        });
    }
    out.push(Chart {
        id: "waits".into(),
        title: "Average and 90th-percentile wait per interval".into(),
        caption: "Mean wait of answered contacts (ASA, solid) and the wait 90 % of them stayed under (dashed), in seconds.".into(),
        svg: line_chart(
            "Average and 90th-percentile wait per interval",
            &time_axes("wait of answered contacts (s)", (0.0, top(&lines).max(1.0)), false),
            &lines,
            &[],
            &[],
        )?,
    });

    // Occupancy per group.
    let lines: Vec<Line> = (model.groups.iter().enumerate())
        .map(|(g, group)| Line {
            name: group.name.clone(),
            points: s
                .group_intervals
                .iter()
                .skip(g)
                .step_by(n_g.max(1))
                .map(|i| (i.start_s + half, i.metrics.occupancy.mean))
                .collect(),
            colour: g,
            ..Default::default()
        })
        .collect();
    out.push(Chart {
        id: "occupancy".into(),
        title: "Occupancy per group".into(),
        caption: "Busy agent-time over agent-time on duty, per group and interval.".into(),
        svg: line_chart(
            "Occupancy per group",
            &time_axes("occupancy (% of agent time)", (0.0, 1.0), true),
            &lines,
            &[],
            &[],
        )?,
    });

    // E-mail backlog.
    if model.channels.iter().any(|c| c.backlog) {
        let bl = per_channel(&|q| (q.backlog.mean, q.backlog.ci95));
        let lines: Vec<Line> = (model.channels.iter().enumerate())
            .filter(|(_, ch)| ch.backlog)
            .map(|(c, ch)| Line {
                name: ch.name.clone(),
                points: bl[c].iter().map(|&(x, m, _)| (x + half, m)).collect(),
                band: bl[c]
                    .iter()
                    .map(|&(x, m, h)| (x + half, m - h, m + h))
                    .collect(),
                colour: c,
                ..Default::default()
            })
            .collect();
        out.push(Chart {
            id: "backlog".into(),
            title: "E-mail backlog".into(),
            caption: "Contacts waiting in the backlog at the end of each interval.".into(),
            svg: line_chart(
                "E-mail backlog",
                &time_axes("contacts waiting", (0.0, top(&lines).max(1.0)), false),
                &lines,
                &[],
                &[],
            )?,
        });
    }

    // The distribution of answered waits, with each channel's threshold.
    let lines: Vec<Line> = (s.wait_distribution.iter().enumerate())
        .map(|(c, (name, shares))| Line {
            name: name.clone(),
            points: shares.iter().map(|w| (w.within_s, w.share.mean)).collect(),
            band: shares
                .iter()
                .map(|w| {
                    (
                        w.within_s,
                        w.share.mean - w.share.ci95,
                        w.share.mean + w.share.ci95,
                    )
                })
                .collect(),
            colour: c,
            ..Default::default()
        })
        .collect();
    let longest = (model.channels.iter())
        .map(|c| c.answer_within * 4.0)
        .fold(300.0, f64::max)
        .min(3600.0);
    let vmarks: Vec<(f64, String, usize)> = (model.channels.iter().enumerate())
        .map(|(c, ch)| {
            (
                ch.answer_within,
                format!(
                    "{} threshold {}",
                    ch.name,
                    crate::duration::Duration::from_secs(ch.answer_within)
                ),
                c,
            )
        })
        .collect();
    out.push(Chart {
        id: "wait-distribution".into(),
        title: "Waits of answered contacts".into(),
        caption: "Share of answered contacts that waited at most so long (the cumulative distribution over the whole run), with each channel's service-level threshold (dashed).".into(),
        svg: line_chart(
            "Waits of answered contacts",
            &Axes {
                x_label: "wait (s)".into(),
                y_label: "answered within (% of answered)".into(),
                x: (0.0, longest),
                y: (0.0, 1.0),
                x_is_time: false,
                y_is_share: true,
            },
            &lines,
            &[],
            &vmarks,
        )?,
    });

    // How contacts end, per channel.
    let parts: Vec<String> = [
        "resolved by the bot",
        "left during the bot",
        "answered, resolved",
        "answered, unresolved",
        "abandoned in queue",
        "abandoned after a transfer",
        "still waiting at the end",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let bars: Vec<(String, Vec<f64>)> = s
        .by_channel
        .iter()
        .map(|(name, q)| {
            let sessions = q.bot_sessions.mean;
            let zero = |v: f64| if v.is_finite() { v } else { 0.0 };
            (
                name.clone(),
                vec![
                    zero(sessions * q.bot_containment.mean),
                    zero(sessions * q.bot_dropout.mean),
                    zero(q.resolved.mean),
                    zero(q.unresolved.mean),
                    zero(q.abandoned.mean),
                    zero(q.abandoned_in_transfer.mean),
                    zero(q.unfinished.mean),
                ],
            )
        })
        .collect();
    let returns: Vec<(String, Vec<f64>)> = s
        .by_channel
        .iter()
        .map(|(name, q)| {
            let zero = |v: f64| if v.is_finite() { v } else { 0.0 };
            (
                name.clone(),
                vec![
                    zero(q.answered.mean * q.transfer_rate.mean),
                    zero(q.arrivals.mean * q.redial_rate.mean),
                    zero(q.arrivals.mean * q.repeat_rate.mean),
                ],
            )
        })
        .collect();
    out.push(Chart {
        id: "returns".into(),
        title: "Transfers, redials and repeat contacts".into(),
        caption: "Per channel, mean per replication: answered contacts transferred or escalated at least once, redials (attempts after hanging up) and repeat contacts (customers back with an unresolved issue), which are counted among the arrivals above.".into(),
        svg: stacked_bars(
            "Transfers, redials and repeat contacts",
            "channel",
            "contacts per run",
            &[
                "transferred or escalated".to_string(),
                "redials".to_string(),
                "repeat contacts".to_string(),
            ],
            &returns,
        )?,
    });
    out.push(Chart {
        id: "flows".into(),
        title: "How contacts end".into(),
        caption: "Per channel, each arriving contact (attempts: redials and repeats included) by how it ended, mean per replication.".into(),
        svg: stacked_bars("How contacts end", "channel", "contacts per run", &parts, &bars)?,
    });
    Ok(out)
}

/// The optimizer's charts: requirement against rostered agents per group, the shifts, and
/// the rounds.
pub fn optimize_charts(model: &Model, r: &OptimizeResult) -> Result<Vec<Chart>, String> {
    let mut out = Vec::new();
    let half = model.interval / 2.0;
    for (g, group) in model.groups.iter().enumerate() {
        let rows: Vec<&crate::optimize::RequirementRow> = r
            .requirements
            .iter()
            .filter(|x| x.group == group.name)
            .collect();
        let series = |name: &str,
                      f: &dyn Fn(&crate::optimize::RequirementRow) -> f64,
                      colour,
                      dashed| Line {
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
        out.push(Chart {
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
                    x: (0.0, model.horizon),
                    y: (0.0, top),
                    x_is_time: true,
                    y_is_share: false,
                },
                &lines,
                &[],
                &[],
            )?,
        });
    }
    let rows: Vec<charts::GanttRow> = r
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
    out.push(Chart {
        id: "shifts".into(),
        title: "The roster's shifts".into(),
        caption: "Each rostered shift (group, template, agents) from its start to its end; white cuts are breaks.".into(),
        svg: gantt("The roster's shifts", &rows, model.horizon)?,
    });
    let lines = vec![
        Line {
            name: "cost of the requirement rounds".into(),
            points: (r.history.iter().enumerate())
                .filter(|(_, h)| h.phase == "requirements")
                .map(|(i, h)| (i as f64 + 1.0, h.cost))
                .collect(),
            colour: 5,
            ..Default::default()
        },
        Line {
            name: "cost of the roster rounds".into(),
            points: (r.history.iter().enumerate())
                .filter(|(_, h)| h.phase == "roster")
                .map(|(i, h)| (i as f64 + 1.0, h.cost))
                .collect(),
            colour: 0,
            ..Default::default()
        },
    ];
    let top = r.history.iter().map(|h| h.cost).fold(1.0, f64::max) * 1.1;
    out.push(Chart {
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
                x_label: "round (requirement rounds, then roster rounds)".into(),
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
    });
    Ok(out)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the page says about the run: scenario, hash, version, seed, replications.
pub struct ReportHeader {
    /// Page title.
    pub title: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario hash (as in partial files).
    pub hash: String,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
}

/// The headline table of a run: per channel and all together.
fn headline(s: &RunSummary) -> String {
    let pct = |e: &crate::experiment::Estimate| {
        if e.mean.is_finite() {
            format!("{:.1}% ± {:.1}", e.mean * 100.0, e.ci95 * 100.0)
        } else {
            "–".into()
        }
    };
    let num = |e: &crate::experiment::Estimate| {
        if e.mean.is_finite() {
            format!("{:.1} ± {:.1}", e.mean, e.ci95)
        } else {
            "–".into()
        }
    };
    let mut t = String::from(
        "<table><thead><tr><th>channel</th><th>offered</th><th>service level</th><th>abandoned</th><th>ASA (s)</th><th>90th pct wait (s)</th><th>resolution</th></tr></thead><tbody>",
    );
    let rows = s
        .by_channel
        .iter()
        .map(|(n, q)| (n.as_str(), q))
        .chain(std::iter::once(("all", &s.totals.queue)));
    for (name, q) in rows {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            num(&q.offered),
            pct(&q.service_level),
            pct(&q.abandon_rate),
            num(&q.asa_s),
            num(&q.wait_p90_s),
            pct(&q.resolution_rate)
        );
    }
    let _ = write!(
        t,
        "</tbody></table><p>Occupancy {} · cost {:.0} ± {:.0} a run.</p>",
        pct(&s.totals.occupancy),
        s.totals.cost.mean,
        s.totals.cost.ci95
    );
    t
}

/// The page: header, headline table, optional extra HTML (e.g. the optimizer's costs),
/// the charts, and links to the data files.
pub fn page(
    header: &ReportHeader,
    summary: Option<&RunSummary>,
    extra_html: &str,
    charts: &[Chart],
    files: &[String],
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0 auto; max-width: 1000px; padding: 1.5rem; color: #1a1a1a; line-height: 1.45; }}
  h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
  .meta {{ color: #555; font-size: 0.9rem; }}
  table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; width: 100%; }}
  th, td {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: right; }}
  th:first-child, td:first-child {{ text-align: left; }}
  figure {{ margin: 1.5rem 0; page-break-inside: avoid; break-inside: avoid; }}
  figure svg {{ width: 100%; height: auto; display: block; }}
  figcaption {{ color: #444; font-size: 0.88rem; margin-top: 0.3rem; }}
  nav a, .files a {{ margin-right: 0.8rem; overflow-wrap: anywhere; display: inline-block; }}
  @media print {{ body {{ max-width: none; padding: 0; }} nav {{ display: none; }} }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">scenario <b>{scenario}</b> · hash {hash} · ccsim {version} · seed {seed} · {reps} replications</p>
"#,
        title = escape(&header.title),
        scenario = escape(&header.scenario),
        hash = escape(&header.hash),
        version = crate::shard::CCSIM_VERSION,
        seed = header.seed,
        reps = header.replications
    );
    h.push_str("<nav>");
    for c in charts {
        let _ = write!(h, "<a href=\"#{}\">{}</a>", c.id, escape(&c.title));
    }
    h.push_str("</nav>\n");
    if let Some(s) = summary {
        h.push_str("<h2>Headline</h2>\n");
        h.push_str(&headline(s));
    }
    h.push_str(extra_html);
    for c in charts {
        let _ = write!(
            h,
            "<figure id=\"{}\" class=\"chart\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            c.id,
            c.svg.trim_start_matches(|ch: char| ch != '<'),
            escape(&c.caption)
        );
    }
    if !files.is_empty() {
        h.push_str("<h2>Data</h2><p class=\"files\">");
        for f in files {
            let _ = write!(h, "<a href=\"{0}\">{0}</a>", escape(f));
        }
        h.push_str("</p>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The report folder's files: the data, each chart as PNG when asked (`charts/ID.png`,
/// text in the shipped font), and the page linking them.
fn finish<'a>(
    header: &ReportHeader,
    summary: Option<&RunSummary>,
    extra: &str,
    charts: &[Chart],
    data: Vec<DataFile<'a>>,
    png: bool,
) -> Result<Vec<DataFile<'a>>, String> {
    let mut names: Vec<String> = data.iter().map(|f| f.name.clone()).collect();
    let mut out = data;
    if png {
        for c in charts {
            let name = format!("charts/{}.png", c.id);
            out.push(DataFile::bytes(name.clone(), c.svg.drawing.png()?));
            names.push(name);
        }
    }
    out.push(DataFile::bytes(
        "index.html",
        page(header, summary, extra, charts, &names),
    ));
    Ok(out)
}

/// A run's report folder: `index.html` and the run's data files.
pub fn run_report<'a>(
    model: &Model,
    s: &'a RunSummary,
    source: &str,
    png: bool,
) -> Result<Vec<DataFile<'a>>, String> {
    let charts = run_charts(model, s)?;
    let files = s.data_files();
    let header = ReportHeader {
        title: format!("ccsim run · {}", s.scenario),
        scenario: format!("{} ({source})", s.scenario),
        hash: crate::shard::scenario_hash(&[model]),
        seed: s.seed,
        replications: s.replications,
    };
    finish(&header, Some(s), "", &charts, files, png)
}

/// An optimization's report folder: the roster's costs and charts, then the final
/// simulation's charts, with every data file.
pub fn optimize_report(
    model: &Model,
    r: &OptimizeResult,
    png: bool,
) -> Result<Vec<DataFile<'static>>, String> {
    let simulated = crate::output::optimize::summary(&r.simulated);
    let mut charts = optimize_charts(model, r)?;
    charts.extend(run_charts(model, &simulated)?);
    let files = crate::summary::text_files(crate::output::optimize::result_files(r));
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
            c.solver,
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
    // The lines that add the costs up and compare with the two-step baseline, as printed.
    extra.push_str("<p>");
    for line in crate::output::optimize::cost_lines(r, model).lines() {
        let _ = write!(extra, "{}<br>", escape(line.trim()));
    }
    extra.push_str("</p>");
    if !r.deflections.is_empty() {
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
    }
    let header = ReportHeader {
        title: format!("ccsim optimize · {}", r.scenario),
        scenario: r.scenario.clone(),
        hash: crate::shard::scenario_hash(&[model]),
        seed: r.seed,
        replications: r.replications,
    };
    let _ = clock;
    finish(&header, Some(&simulated), &extra, &charts, files, png)
}

/// A comparison's report folder: service level per interval of the base and every variant
/// for each channel, the paired differences with their 95 % intervals, and the data.
pub fn compare_report(
    base: &Model,
    runs: &[(String, RunSummary)],
    comparison: &crate::compare::Comparison,
    png: bool,
) -> Result<Vec<DataFile<'static>>, String> {
    let n_ch = base.channels.len();
    let half = base.interval / 2.0;
    let mut charts = Vec::new();
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
    for (c, ch) in base.channels.iter().enumerate() {
        let lines: Vec<Line> = (runs.iter().enumerate())
            .map(|(k, (name, s))| {
                let pts: Vec<&crate::summary::ChannelInterval> =
                    s.intervals.iter().skip(c).step_by(n_ch).collect();
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
        charts.push(Chart {
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
        });
    }
    for (unit, costs, id, label, share, what) in [
        (
            crate::compare::Unit::Share,
            false,
            "differences-shares",
            "difference (percentage points)",
            true,
            "shares",
        ),
        (
            crate::compare::Unit::Seconds,
            false,
            "differences-seconds",
            "difference (s)",
            false,
            "waits",
        ),
        (
            crate::compare::Unit::Amount,
            false,
            "differences-counts",
            "difference (contacts per run)",
            false,
            "counts",
        ),
        (
            crate::compare::Unit::Amount,
            true,
            "differences-costs",
            "difference (cost per run)",
            false,
            "costs",
        ),
    ] {
        let rows: Vec<charts::ForestRow> = (comparison.variants.iter().enumerate())
            .flat_map(|(k, v)| {
                v.differences
                    .iter()
                    .filter(move |d| {
                        d.scope == "all" && d.unit == unit && d.metric.contains("cost") == costs
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
            continue;
        }
        let title = format!("Differences from the base: {what}");
        charts.push(Chart {
            id: id.into(),
            title: title.clone(),
            caption: if comparison
                .variants
                .iter()
                .all(|v| v.pairing == crate::compare::Pairing::CommonRandomNumbers)
            {
                "Variant − base over the same customers (paired replications), all channels together, with 95 % intervals: an interval that misses the dashed zero line is a significant difference.".into()
            } else {
                "Variant − base, all channels together, with 95 % intervals: paired replications for variants with the base's customers, Welch's unpaired interval for those whose customers differ; an interval that misses the dashed zero line is a significant difference.".into()
            },
            svg: charts::forest(&title, label, &rows, share)?,
        });
    }
    let files = vec![
        DataFile::bytes("comparison.json", comparison.to_json() + "\n"),
        DataFile::bytes("comparison.csv", comparison.to_csv()),
    ];
    let mut extra = String::from("<h2>What is compared</h2>");
    for v in &comparison.variants {
        extra.push_str("<p>");
        for (i, line) in comparison.header_lines(v).iter().enumerate() {
            if i > 0 {
                extra.push_str("<br>");
            }
            extra.push_str(&escape(line));
        }
        extra.push_str("</p>");
    }
    extra.push_str(
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
    let header = ReportHeader {
        title: format!("ccsim compare · {}", comparison.base),
        scenario: comparison.base.clone(),
        hash: crate::shard::scenario_hash(&[base]),
        seed: comparison.seed,
        replications: comparison.replications,
    };
    finish(&header, None, &extra, &charts, files, png)
}

/// A sweep's report folder: service level and cost against the swept value (one line per
/// value of a second key), a heat map of the service level over the first two keys, and
/// the data.
pub fn sweep_report(
    base: &Model,
    points: &[crate::sweep::SweepPoint],
    png: bool,
) -> Result<Vec<DataFile<'static>>, String> {
    let Some(first) = points.first() else {
        return Err("nothing to report".into());
    };
    let keys: Vec<String> = first.set.iter().map(|(k, _)| k.clone()).collect();
    let distinct = |i: usize| {
        let mut v: Vec<String> = Vec::new();
        for p in points {
            if !v.contains(&p.set[i].1) {
                v.push(p.set[i].1.clone());
            }
        }
        v
    };
    let xs = distinct(0);
    let numeric: Option<Vec<f64>> = xs.iter().map(|v| v.parse::<f64>().ok()).collect();
    let xpos = |v: &str| match &numeric {
        Some(n) => n[xs.iter().position(|x| x == v).unwrap_or(0)],
        None => xs.iter().position(|x| x == v).unwrap_or(0) as f64,
    };
    let (xmin, xmax) = match &numeric {
        Some(n) => (
            n.iter().copied().fold(f64::INFINITY, f64::min),
            n.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ),
        None => (0.0, xs.len() as f64 - 1.0),
    };
    // The x axis spans the swept range with a 5 % margin (fractional values included);
    // a single value gets a margin of its own size, positions of text values half a step.
    let pad = if numeric.is_none() {
        0.5
    } else if xmax > xmin {
        (xmax - xmin) * 0.05
    } else if xmin != 0.0 {
        xmin.abs() * 0.05
    } else {
        0.5
    };
    // One line per value of the second key (the first eight), the others at their first.
    let second: Vec<String> = if keys.len() > 1 {
        distinct(1)
    } else {
        vec![String::new()]
    };
    let rest_first: Vec<String> = (2..keys.len()).map(|i| distinct(i)[0].clone()).collect();
    let in_slice = |p: &crate::sweep::SweepPoint, s: &str| {
        (keys.len() < 2 || p.set[1].1 == s)
            && (2..keys.len()).all(|i| p.set[i].1 == rest_first[i - 2])
    };
    let metric_lines = |f: &dyn Fn(&RunSummary) -> crate::experiment::Estimate| -> Vec<Line> {
        second
            .iter()
            .take(8)
            .enumerate()
            .map(|(k, s)| {
                let mut pts: Vec<(f64, f64, f64)> = points
                    .iter()
                    .filter(|p| in_slice(p, s))
                    .map(|p| {
                        let e = f(&p.summary);
                        (xpos(&p.set[0].1), e.mean, e.ci95)
                    })
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                Line {
                    name: if keys.len() > 1 {
                        format!("{} = {s}", keys[1])
                    } else {
                        "all channels".into()
                    },
                    points: pts.iter().map(|&(x, m, _)| (x, m)).collect(),
                    band: pts.iter().map(|&(x, m, h)| (x, m - h, m + h)).collect(),
                    colour: k,
                    dashed: false,
                }
            })
            .collect()
    };
    let axis_label = if numeric.is_some() {
        keys[0].clone()
    } else {
        format!("{} (values in order: {})", keys[0], xs.join(", "))
    };
    let mut charts = Vec::new();
    // Each channel's service level against its own target (the first eight channels).
    for (c, ch) in base.channels.iter().enumerate().take(8) {
        let sl = metric_lines(&|s| {
            s.by_channel.get(c).map_or(
                crate::experiment::Estimate {
                    mean: f64::NAN,
                    ci95: f64::NAN,
                    n: 0,
                },
                |(_, q)| q.service_level,
            )
        });
        let sl: Vec<Line> = sl
            .into_iter()
            .map(|mut l| {
                if keys.len() < 2 {
                    l.name = ch.name.clone();
                }
                l
            })
            .collect();
        let targets = vec![(
            ch.service_level_target,
            format!("{} target {}", ch.name, crate::sweep::target_words(ch)),
            7,
        )];
        let title = format!("Service level of {} against {}", ch.name, keys[0]);
        charts.push(Chart {
            id: format!("sweep-service-level-{c}"),
            title: title.clone(),
            caption: format!(
                "Share of {}'s offered contacts answered within {}, at each point of the grid, with 95 % bands, against {}'s own target ({}).",
                ch.name,
                crate::duration::Duration::from_secs(ch.answer_within),
                ch.name,
                crate::sweep::target_words(ch)
            ),
            svg: line_chart(
                &title,
                &Axes {
                    x_label: axis_label.clone(),
                    y_label: format!("{} answered in time (% of offered)", ch.name),
                    x: (xmin - pad, xmax + pad),
                    y: (0.0, 1.0),
                    x_is_time: false,
                    y_is_share: true,
                },
                &sl,
                &targets,
                &[],
            )?,
        });
    }
    let cost = metric_lines(&|s| s.totals.cost);
    let any_cost = cost
        .iter()
        .any(|l| l.points.iter().any(|p| p.1.abs() > 0.0));
    let top = cost
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.1;
    if any_cost {
        charts.push(Chart {
            id: "sweep-cost".into(),
            title: format!("Cost against {}", keys[0]),
            caption: "Agent and bot cost over the run at each point of the grid, with 95 % bands."
                .into(),
            svg: line_chart(
                &format!("Cost against {}", keys[0]),
                &Axes {
                    x_label: axis_label,
                    y_label: "cost per run".into(),
                    x: (xmin - pad, xmax + pad),
                    y: (0.0, top),
                    x_is_time: false,
                    y_is_share: false,
                },
                &cost,
                &[],
                &[],
            )?,
        });
    }
    if keys.len() > 1 {
        let ys = distinct(1);
        for (c, ch) in base.channels.iter().enumerate().take(8) {
            let target = ch.service_level_target;
            let values: Vec<Vec<f64>> = ys
                .iter()
                .map(|y| {
                    xs.iter()
                        .map(|x| {
                            points
                                .iter()
                                .find(|p| {
                                    &p.set[0].1 == x
                                        && &p.set[1].1 == y
                                        && (2..keys.len()).all(|i| p.set[i].1 == rest_first[i - 2])
                                })
                                .and_then(|p| p.summary.by_channel.get(c))
                                .map_or(f64::NAN, |(_, q)| q.service_level.mean)
                        })
                        .collect()
                })
                .collect();
            let title = format!("Service level of {} over the grid", ch.name);
            charts.push(Chart {
                id: format!("sweep-heatmap-{c}"),
                title: title.clone(),
                caption: format!(
                    "Service level of {} for each {} (across) and {} (up){}; a cell below {}'s target ({}) is marked ✗.",
                    ch.name,
                    keys[0],
                    keys[1],
                    if keys.len() > 2 {
                        " with the other keys at their first value"
                    } else {
                        ""
                    },
                    ch.name,
                    crate::sweep::target_words(ch)
                ),
                svg: charts::heatmap(
                    &title,
                    &keys[0],
                    &keys[1],
                    &xs,
                    &ys,
                    &values,
                    &|v| {
                        if !v.is_finite() {
                            "–".into()
                        } else if v < target {
                            format!("{:.1}% ✗", v * 100.0)
                        } else {
                            format!("{:.1}%", v * 100.0)
                        }
                    },
                )?,
            });
        }
    }
    let files = vec![
        DataFile::bytes("sweep.csv", crate::sweep::to_csv(points)),
        DataFile::bytes("sweep.json", crate::sweep::to_json(points) + "\n"),
    ];
    let header = ReportHeader {
        title: format!("ccsim sweep · {}", base.name),
        scenario: base.name.clone(),
        hash: crate::shard::scenario_hash(&[base]),
        seed: first.summary.seed,
        replications: first.summary.replications,
    };
    let mut extra = String::from("<h2>Grid</h2><table><thead><tr>");
    for k in &keys {
        let _ = write!(extra, "<th>{}</th>", escape(k));
    }
    for ch in &base.channels {
        let _ = write!(
            extra,
            "<th>{} service level ({})</th>",
            escape(&ch.name),
            escape(&crate::sweep::target_words(ch))
        );
    }
    extra.push_str(
        "<th>abandoned</th><th>ASA (s)</th><th>occupancy</th><th>cost</th></tr></thead><tbody>",
    );
    for p in points {
        extra.push_str("<tr>");
        for (_, v) in &p.set {
            let _ = write!(extra, "<td>{}</td>", escape(v));
        }
        for (c, ch) in base.channels.iter().enumerate() {
            match p.summary.by_channel.get(c) {
                Some((_, q)) if q.service_level.mean.is_finite() => {
                    let _ = write!(
                        extra,
                        "<td>{:.1}% ± {:.1} {}</td>",
                        q.service_level.mean * 100.0,
                        q.service_level.ci95 * 100.0,
                        crate::sweep::verdict(&q.service_level, ch.service_level_target)
                    );
                }
                _ => extra.push_str("<td>–</td>"),
            }
        }
        let q = &p.summary.totals.queue;
        let _ = write!(
            extra,
            "<td>{:.1}% ± {:.1}</td><td>{:.1} ± {:.1}</td><td>{:.1}% ± {:.1}</td><td>{:.0} ± {:.0}</td></tr>",
            q.abandon_rate.mean * 100.0,
            q.abandon_rate.ci95 * 100.0,
            q.asa_s.mean,
            q.asa_s.ci95,
            p.summary.totals.occupancy.mean * 100.0,
            p.summary.totals.occupancy.ci95 * 100.0,
            p.summary.totals.cost.mean,
            p.summary.totals.cost.ci95
        );
    }
    extra.push_str("</tbody></table>");
    finish(&header, None, &extra, &charts, files, png)
}
