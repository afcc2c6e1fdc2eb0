//! A run's report: per interval offered contacts against staffed capacity, service level,
//! abandonment, waits, occupancy and e-mail backlog; the distribution of answered waits;
//! transfers, redials and repeats; how contacts end.

use super::charts::{Axes, Chart, Line, line_chart, stacked_bars};
use super::page::{ReportHeader, finish};
use crate::duration::Duration;
use crate::model::Model;
use crate::output::run::DataFile;
use crate::summary::{QueueEstimates, RunSummary};

/// The charts of a run: per interval (offered against staffed agents, service level with
/// its band against the target, the service level across days as a fan (10th to 90th
/// percentile around the median) and how often it met the target, abandonment, ASA and 90th-percentile wait, occupancy per
/// group, e-mail backlog), the distribution of answered waits, and how contacts end.
pub fn run_charts(model: &Model, s: &RunSummary) -> Result<Vec<Chart>, String> {
    let v = RunView::new(model, s);
    let mut out = vec![offered_chart(&v)?, service_level_chart(&v)?];
    out.extend(service_level_fan_charts(&v)?);
    out.extend(service_level_met_charts(&v)?);
    out.extend([
        abandonment_chart(&v)?,
        waits_chart(&v)?,
        occupancy_chart(&v)?,
    ]);
    if let Some(chart) = backlog_chart(&v)? {
        out.push(chart);
    }
    out.push(wait_distribution_chart(&v)?);
    out.push(returns_chart(&v)?);
    out.push(flows_chart(&v)?);
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
    let files = crate::output::run::data_files(s);
    let header = ReportHeader {
        title: format!("ccsim run · {}", s.scenario),
        scenario: format!("{} ({source})", s.scenario),
        hash: crate::shard::scenario_hash(&[model]),
        seed: s.seed,
        replications: s.replications,
    };
    finish(&header, Some(s), "", &charts, files, png)
}

/// A run as its charts see it: the model, the summary, and the time axis of the reported
/// intervals.
struct RunView<'a> {
    model: &'a Model,
    s: &'a RunSummary,
    n_ch: usize,
    n_g: usize,
    /// The reported intervals' span, seconds.
    x: (f64, f64),
    /// Half an interval: points sit at interval midpoints.
    half: f64,
}

impl<'a> RunView<'a> {
    fn new(model: &'a Model, s: &'a RunSummary) -> RunView<'a> {
        let x = (
            s.intervals.first().map_or(0.0, |i| i.start_s),
            s.intervals
                .last()
                .map_or(model.horizon, |i| i.start_s + model.interval),
        );
        RunView {
            model,
            s,
            n_ch: model.channels.len(),
            n_g: model.groups.len(),
            x,
            half: model.interval / 2.0,
        }
    }

    /// Per channel, `(interval midpoint, mean, half-width)` of the metric `f` picks.
    fn per_channel(&self, f: &dyn Fn(&QueueEstimates) -> (f64, f64)) -> Vec<Vec<(f64, f64, f64)>> {
        (0..self.n_ch)
            .map(|c| {
                self.s
                    .intervals
                    .iter()
                    .skip(c)
                    .step_by(self.n_ch)
                    .map(|i| {
                        let (m, h) = f(&i.queue);
                        (i.start_s + self.half, m, h)
                    })
                    .collect()
            })
            .collect()
    }

    /// Whether channel `c` is closed throughout the interval whose midpoint is `x`
    /// (opening hours): its lines leave the interval out.
    fn channel_closed_at(&self, c: usize, x: f64) -> bool {
        let t = x - self.half + self.model.lead_in;
        let k = (t / self.model.interval).round().max(0.0) as usize;
        (self.model).channel_closed_in(crate::ids::ChannelId::from_index(c), k)
    }

    /// `note` when a channel has opening hours, else nothing (captions).
    fn closed_note(&self, note: &'static str) -> &'static str {
        match self.model.channels.iter().any(|c| c.hours.is_some()) {
            true => note,
            false => "",
        }
    }

    /// Axes over the reported intervals' time of day.
    fn time_axes(&self, y_label: &str, y: (f64, f64), share: bool) -> Axes {
        Axes {
            x_label: "time of day (interval midpoints)".into(),
            y_label: y_label.into(),
            x: self.x,
            y,
            x_is_time: true,
            y_is_share: share,
        }
    }

    /// A line per channel of a metric's means with its 95 % band.
    fn banded(&self, f: &dyn Fn(&QueueEstimates) -> (f64, f64)) -> Vec<Line> {
        let series = self.per_channel(f);
        (self.model.channels.iter().enumerate())
            .map(|(c, ch)| Line {
                name: ch.name.clone(),
                points: series[c].iter().map(|&(x, m, _)| (x, m)).collect(),
                band: series[c]
                    .iter()
                    .map(|&(x, m, h)| (x, m - h, m + h))
                    .collect(),
                colour: c,
                ..Default::default()
            })
            .collect()
    }
}

/// A tenth above the highest finite point of `lines`.
fn top(lines: &[Line]) -> f64 {
    lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        * 1.1
}

/// Offered contacts against staffed capacity, both in contacts per interval.
fn offered_chart(v: &RunView) -> Result<Chart, String> {
    let offered = v.per_channel(&|q| (q.offered.mean, q.offered.ci95));
    let mut lines: Vec<Line> = (v.model.channels.iter().enumerate())
        .map(|(c, ch)| Line {
            name: format!("{} offered", ch.name),
            points: (offered[c].iter())
                .map(|&(x, m, _)| match v.channel_closed_at(c, x) && m == 0.0 {
                    true => (x, f64::NAN),
                    false => (x, m),
                })
                .collect(),
            colour: c,
            ..Default::default()
        })
        .collect();
    lines.extend(capacity_lines(v));
    Ok(Chart {
        id: "offered".into(),
        title: "Offered contacts and staffed capacity per interval".into(),
        caption: format!(
            "Contacts offered to agents in each {} interval by channel (solid, mean over replications), and the staffed capacity (dashed): the contacts the channel's frontline agents on duty could answer in the interval at their mean handle time; back offices are left out{}.",
            Duration::from_secs(v.model.interval),
            v.closed_note(", and so are the intervals in which a channel is closed (a gap)")
        ),
        svg: line_chart(
            "Offered contacts and staffed capacity per interval",
            &v.time_axes("contacts per interval", (0.0, top(&lines)), false),
            &lines,
            &[],
            &[],
        )?,
    })
}

/// Staffed capacity per channel with frontline groups: the contacts the frontline agents
/// on duty could answer in the interval at their mean handle time (concurrent
/// conversations slowed as configured), dashed.
fn capacity_lines(v: &RunView) -> Vec<Line> {
    let model = v.model;
    let roles = crate::optimize::requirements::roles(model);
    let mut lines = Vec::new();
    for (c, ch) in model.channels.iter().enumerate() {
        let frontline: Vec<usize> = (0..v.n_g)
            .filter(|&g| !roles[g].back_office && roles[g].channel == c)
            .collect();
        if frontline.is_empty() {
            continue;
        }
        let points: Vec<(f64, f64)> =
            v.s.group_intervals
                .chunks(v.n_g.max(1))
                .map(|gs| {
                    let capacity: f64 = frontline
                        .iter()
                        .map(|&g| {
                            let group = &model.groups[g];
                            let k = group.concurrency.max(1) as f64;
                            let slow = 1.0 + group.concurrency_slowdown * (k - 1.0);
                            // Undefined (NaN) while the group's channels are all closed.
                            let staffed = gs[g].metrics.staffed.mean;
                            staffed * k * model.interval / (roles[g].aht * slow)
                        })
                        .filter(|c| c.is_finite())
                        .sum();
                    let x = gs[0].start_s + v.half;
                    // Closed time is left out (a gap), not drawn as no capacity.
                    match v.channel_closed_at(c, x) {
                        true => (x, f64::NAN),
                        false => (x, capacity),
                    }
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
    lines
}

/// Service level with its 95 % band, and each channel's target.
fn service_level_chart(v: &RunView) -> Result<Chart, String> {
    let channels = &v.model.channels;
    let mut lines = v.banded(&|q| (q.service_level.mean, q.service_level.ci95));
    for (line, ch) in lines.iter_mut().zip(channels) {
        line.name = if ch.service_level_definition == crate::model::ServiceLevelDefinition::Offered
        {
            format!(
                "{} (within {})",
                ch.name,
                Duration::from_secs(ch.answer_within)
            )
        } else {
            let formula = crate::summary::ServiceLevelSummary::of(ch).formula;
            format!("{} ({formula})", ch.name)
        };
    }
    let marks: Vec<(f64, String, usize)> = (channels.iter().enumerate())
        .map(|(c, ch)| {
            (
                ch.service_level_target,
                format!("{} target {:.0}%", ch.name, ch.service_level_target * 100.0),
                c,
            )
        })
        .collect();
    Ok(Chart {
        id: "service-level".into(),
        title: "Service level per interval".into(),
        caption: "Share of offered contacts answered within each channel's threshold, with the 95 % confidence band, against the target (dashed).".into(),
        svg: line_chart(
            "Service level per interval",
            &v.time_axes("answered in time (% of offered)", (0.0, 1.0), true),
            &lines,
            &marks,
            &[],
        )?,
    })
}

/// Per channel, `(interval midpoint, risk)` of each reported interval.
fn risks<'a>(v: &'a RunView, c: usize) -> impl Iterator<Item = (f64, &'a crate::stats::Risk)> {
    (v.s.intervals.iter().skip(c).step_by(v.n_ch.max(1))).map(|i| (i.start_s + v.half, &i.risk))
}

/// A chart id for channel `c`: `{prefix}-{name}`, the name's characters other than
/// letters, digits and `-` as `_` (one channel: `{prefix}`).
fn channel_id(v: &RunView, prefix: &str, c: usize) -> String {
    if v.n_ch <= 1 {
        return prefix.to_string();
    }
    let name: String = (v.model.channels[c].name.chars())
        .map(|ch| {
            if ch.is_alphanumeric() || ch == '-' {
                ch
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}-{name}")
}

/// The service level across days, a chart per channel: its median per interval, in a
/// band from the 10th to the 90th percentile of the replications, against its target.
fn service_level_fan_charts(v: &RunView) -> Result<Vec<Chart>, String> {
    let mut charts = Vec::new();
    for (c, ch) in v.model.channels.iter().enumerate() {
        let line = Line {
            name: format!("{} median", ch.name),
            points: risks(v, c).map(|(x, r)| (x, r.service_level.p50)).collect(),
            band: (risks(v, c))
                .map(|(x, r)| (x, r.service_level.p10, r.service_level.p90))
                .collect(),
            colour: c,
            ..Default::default()
        };
        let target = (
            ch.service_level_target,
            format!("{} target {:.0}%", ch.name, ch.service_level_target * 100.0),
            c,
        );
        let title = format!("Service level across days per interval · {}", ch.name);
        charts.push(Chart {
            id: channel_id(v, "service-level-fan", c),
            title: title.clone(),
            caption: format!(
                "Each replication is one possible day: {}'s median service level of the {} days per interval (solid), in a band from the 10th to the 90th percentile (one day in ten is below the band), against its target (dashed).",
                ch.name, v.s.replications
            ),
            svg: line_chart(
                &title,
                &v.time_axes("answered in time (% of offered)", (0.0, 1.0), true),
                &[line],
                &[target],
                &[],
            )?,
        });
    }
    Ok(charts)
}

/// How often the service level met its target per interval, a chart per channel, with
/// the 95 % Wilson band and a mark at nine days in ten.
fn service_level_met_charts(v: &RunView) -> Result<Vec<Chart>, String> {
    let mut charts = Vec::new();
    for (c, ch) in v.model.channels.iter().enumerate() {
        let line = Line {
            name: ch.name.clone(),
            points: (risks(v, c))
                .map(|(x, r)| (x, r.service_level_met.probability))
                .collect(),
            band: (risks(v, c))
                .map(|(x, r)| (x, r.service_level_met.low, r.service_level_met.high))
                .collect(),
            colour: c,
            ..Default::default()
        };
        let title = format!(
            "Chance the service level target is met per interval · {}",
            ch.name
        );
        charts.push(Chart {
            id: channel_id(v, "service-level-met", c),
            title: title.clone(),
            caption: format!(
                "The share of the {} simulated days on which the interval's service level reached {}'s target of {:.0}%, with its 95 % Wilson interval (band); the dashed line is nine days in ten.",
                v.s.replications,
                ch.name,
                ch.service_level_target * 100.0
            ),
            svg: line_chart(
                &title,
                &v.time_axes("days meeting the target (%)", (0.0, 1.0), true),
                &[line],
                &[(0.9, "9 days in 10".to_string(), c)],
                &[],
            )?,
        });
    }
    Ok(charts)
}

/// Abandonment with its band; the axis takes in the bands' upper ends, not only the
/// means.
fn abandonment_chart(v: &RunView) -> Result<Chart, String> {
    let lines = v.banded(&|q| (q.abandon_rate.mean, q.abandon_rate.ci95));
    let band_top = lines
        .iter()
        .flat_map(|l| l.band.iter().map(|b| b.2))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y = top(&lines).max(band_top * 1.05).clamp(0.05, 1.0);
    Ok(Chart {
        id: "abandonment".into(),
        title: "Abandonment per interval".into(),
        caption: "Share of offered contacts that gave up waiting, with the 95 % confidence band."
            .into(),
        svg: line_chart(
            "Abandonment per interval",
            &v.time_axes("abandoned (% of offered)", (0.0, y), true),
            &lines,
            &[],
            &[],
        )?,
    })
}

/// ASA (solid) and the 90th-percentile wait (dashed) per channel.
fn waits_chart(v: &RunView) -> Result<Chart, String> {
    let asa = v.per_channel(&|q| (q.asa_s.mean, q.asa_s.ci95));
    let p90 = v.per_channel(&|q| (q.wait_p90_s.mean, q.wait_p90_s.ci95));
    let mut lines = Vec::new();
    for (c, ch) in v.model.channels.iter().enumerate() {
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
    Ok(Chart {
        id: "waits".into(),
        title: "Average and 90th-percentile wait per interval".into(),
        caption: "Mean wait of answered contacts (ASA, solid) and the wait 90 % of them stayed under (dashed), in seconds.".into(),
        svg: line_chart(
            "Average and 90th-percentile wait per interval",
            &v.time_axes("wait of answered contacts (s)", (0.0, top(&lines).max(1.0)), false),
            &lines,
            &[],
            &[],
        )?,
    })
}

/// Occupancy per group and interval.
fn occupancy_chart(v: &RunView) -> Result<Chart, String> {
    let lines: Vec<Line> = (v.model.groups.iter().enumerate())
        .map(|(g, group)| Line {
            name: group.name.clone(),
            points: v
                .s
                .group_intervals
                .iter()
                .skip(g)
                .step_by(v.n_g.max(1))
                .map(|i| (i.start_s + v.half, i.metrics.occupancy.mean))
                .collect(),
            colour: g,
            ..Default::default()
        })
        .collect();
    Ok(Chart {
        id: "occupancy".into(),
        title: "Occupancy per group".into(),
        caption: format!(
            "Busy agent-time over agent-time on duty, per group and interval{}.",
            v.closed_note(
                "; an interval in which all the group's channels are closed is left out (a gap)"
            )
        ),
        svg: line_chart(
            "Occupancy per group",
            &v.time_axes("occupancy (% of agent time)", (0.0, 1.0), true),
            &lines,
            &[],
            &[],
        )?,
    })
}

/// The e-mail backlog at the end of each interval, when a channel has one.
fn backlog_chart(v: &RunView) -> Result<Option<Chart>, String> {
    let channels = &v.model.channels;
    if !channels.iter().any(|c| c.backlog) {
        return Ok(None);
    }
    let half = v.half;
    let bl = v.per_channel(&|q| (q.backlog.mean, q.backlog.ci95));
    let lines: Vec<Line> = (channels.iter().enumerate())
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
    Ok(Some(Chart {
        id: "backlog".into(),
        title: "E-mail backlog".into(),
        caption: "Contacts waiting in the backlog at the end of each interval.".into(),
        svg: line_chart(
            "E-mail backlog",
            &v.time_axes("contacts waiting", (0.0, top(&lines).max(1.0)), false),
            &lines,
            &[],
            &[],
        )?,
    }))
}

/// The distribution of answered waits over the whole run, with each channel's threshold.
fn wait_distribution_chart(v: &RunView) -> Result<Chart, String> {
    let channels = &v.model.channels;
    let lines: Vec<Line> = (v.s.wait_distribution.iter().enumerate())
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
    let longest = (channels.iter())
        .map(|c| c.answer_within * 4.0)
        .fold(300.0, f64::max)
        .min(3600.0);
    let vmarks: Vec<(f64, String, usize)> = (channels.iter().enumerate())
        .map(|(c, ch)| {
            (
                ch.answer_within,
                format!(
                    "{} threshold {}",
                    ch.name,
                    Duration::from_secs(ch.answer_within)
                ),
                c,
            )
        })
        .collect();
    Ok(Chart {
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
    })
}

/// A mean that is not defined counts as none.
fn zero(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// Transfers, redials and repeat contacts per channel.
fn returns_chart(v: &RunView) -> Result<Chart, String> {
    let returns: Vec<(String, Vec<f64>)> =
        v.s.by_channel
            .iter()
            .map(|(name, q)| {
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
    Ok(Chart {
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
    })
}

/// How contacts end, per channel.
fn flows_chart(v: &RunView) -> Result<Chart, String> {
    let parts: Vec<String> = [
        "resolved by the bot",
        "left during the bot",
        "answered, resolved",
        "answered, unresolved",
        "abandoned in queue",
        "abandoned after a transfer",
        "still waiting at the end",
        "blocked (all lines busy)",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let bars: Vec<(String, Vec<f64>)> =
        v.s.by_channel
            .iter()
            .map(|(name, q)| {
                let sessions = q.bot_sessions.mean;
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
                        zero(q.blocked.mean),
                    ],
                )
            })
            .collect();
    Ok(Chart {
        id: "flows".into(),
        title: "How contacts end".into(),
        caption: "Per channel, each arriving contact (attempts: redials and repeats included) by how it ended, mean per replication.".into(),
        svg: stacked_bars("How contacts end", "channel", "contacts per run", &parts, &bars)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Saturday of `scenarios/opening_hours.toml` (voice open 09:00–18:00, chat
    /// 07:00–23:00, hourly intervals), run.
    fn saturday() -> (Model, RunSummary) {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/opening_hours.toml");
        let model = crate::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let options = crate::experiment::RunOptions {
            replications: 2,
            seed: 4,
            threads: Some(1),
        };
        let result = crate::experiment::run(&model, &options).unwrap();
        let s = RunSummary::new(&model, &result, 4);
        (model, s)
    }

    #[test]
    fn closed_intervals_are_gaps_in_the_capacity_and_offered_lines() {
        let (model, s) = saturday();
        let v = RunView::new(&model, &s);
        let open = [9..18, 7..23];
        for (c, line) in capacity_lines(&v).iter().enumerate() {
            assert_eq!(line.points.len(), 24);
            for (k, &(_, y)) in line.points.iter().enumerate() {
                // A gap exactly where the channel is closed, never a drawn 0 there.
                assert_eq!(y.is_nan(), !open[c].contains(&k), "{} {k}: {y}", line.name);
            }
        }
        let chart = offered_chart(&v).unwrap();
        assert!(
            chart.caption.contains("closed (a gap)"),
            "{}",
            chart.caption
        );
        // Occupancy is undefined (a gap) while a group's channels are all closed.
        for (i, g) in s.group_intervals.iter().enumerate() {
            let (k, gi) = (i / 2, i % 2);
            assert_eq!(
                g.metrics.occupancy.mean.is_nan(),
                !open[gi].contains(&k),
                "{k} {gi}"
            );
        }
    }
}
