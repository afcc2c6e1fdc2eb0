//! The results of a run as the contract's JSON document, and as a readable text summary.
//! Field names here are the stable contract: add beside them, never in their place.

use crate::duration::clock;
use crate::experiment::{Estimate, RunResult};
use crate::model::Model;
use crate::stats::{GroupMetrics, QueueMetrics, ReplicationOutcome};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::fmt::Write as _;

/// Serialises `(name, value)` pairs as a JSON object, keeping their order.
fn as_map<S: Serializer, T: Serialize>(pairs: &[(String, T)], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Estimates of the queue metrics of one scope.
#[derive(Serialize, Debug, Clone)]
pub struct QueueEstimates {
    /// Contacts that arrived, before any bot (attempts).
    pub arrivals: Estimate,
    /// First attempts.
    pub unique_customers: Estimate,
    /// Redials / arrivals.
    pub redial_rate: Estimate,
    /// Repeat contacts / arrivals.
    pub repeat_rate: Estimate,
    /// Customers due back after the horizon.
    pub returns_after_horizon: Estimate,
    /// E-mail contacts waiting at the end of the interval, or of the horizon.
    pub backlog: Estimate,
    /// Bot sessions.
    pub bot_sessions: Estimate,
    /// Resolved by the bot / bot sessions.
    pub bot_containment: Estimate,
    /// Left during the bot session / bot sessions.
    pub bot_dropout: Estimate,
    /// Handed over to a wrong queue / handed over to humans.
    pub bot_misroute_rate: Estimate,
    /// Mean time to the first response (bot or agent), seconds.
    pub first_response_s: Estimate,
    /// Answered / offered.
    pub human_connect_rate: Estimate,
    /// Contacts offered to a human queue.
    pub offered: Estimate,
    /// Contacts answered.
    pub answered: Estimate,
    /// Contacts abandoned.
    pub abandoned: Estimate,
    /// Contacts still waiting when the run ended.
    pub unfinished: Estimate,
    /// Answered within the threshold / offered.
    pub service_level: Estimate,
    /// Every contact that gave up waiting, in the first queue or after a transfer, over
    /// offered: (abandoned + abandoned_in_transfer) / offered.
    pub abandon_rate: Estimate,
    /// Mean wait of answered contacts, seconds.
    pub asa_s: Estimate,
    /// 90th percentile of the wait of answered contacts, seconds.
    pub wait_p90_s: Estimate,
    /// Contacts resolved by an agent.
    pub resolved: Estimate,
    /// Answered contacts that left unresolved.
    pub unresolved: Estimate,
    /// Contacts that abandoned while waiting after a transfer.
    pub abandoned_in_transfer: Estimate,
    /// Resolved / answered.
    pub resolution_rate: Estimate,
    /// Resolved by the first agent, with no transfer / answered.
    pub first_contact_resolution: Estimate,
    /// Transferred at least once / answered.
    pub transfer_rate: Estimate,
    /// Transfers and escalations per answered contact.
    pub transfers_per_answered: Estimate,
    /// Mean wait of answered transfers, seconds.
    pub transfer_asa_s: Estimate,
    /// Contacts that gave up waiting in any queue: abandoned + abandoned_in_transfer.
    pub abandoned_all: Estimate,
    /// Transferred contacts that gave up waiting after a transfer / transferred.
    pub transfer_abandon_rate: Estimate,
}

impl QueueEstimates {
    fn new(
        result: &RunResult,
        scope: impl Fn(&ReplicationOutcome) -> &QueueMetrics,
    ) -> QueueEstimates {
        Self::build(|f| result.estimate(|o| f(scope(o))))
    }

    /// From each field's estimate, in [`QueueMetrics`] field order.
    fn from_fields(e: &[Estimate; QueueMetrics::FIELDS]) -> QueueEstimates {
        let mean = QueueMetrics::from_values(e.map(|x| x.mean));
        let ci95 = QueueMetrics::from_values(e.map(|x| x.ci95));
        let n = QueueMetrics::from_values(e.map(|x| x.n as f64));
        Self::build(|f| Estimate {
            mean: f(&mean),
            ci95: f(&ci95),
            n: f(&n) as usize,
        })
    }

    /// Each metric's estimate by `e`, given the metric's reader.
    fn build(e: impl Fn(fn(&QueueMetrics) -> f64) -> Estimate) -> QueueEstimates {
        QueueEstimates {
            arrivals: e(|m| m.arrivals),
            unique_customers: e(|m| m.unique_customers),
            redial_rate: e(|m| m.redial_rate),
            repeat_rate: e(|m| m.repeat_rate),
            returns_after_horizon: e(|m| m.returns_after_horizon),
            backlog: e(|m| m.backlog),
            bot_sessions: e(|m| m.bot_sessions),
            bot_containment: e(|m| m.bot_containment),
            bot_dropout: e(|m| m.bot_dropout),
            bot_misroute_rate: e(|m| m.bot_misroute_rate),
            first_response_s: e(|m| m.first_response_s),
            human_connect_rate: e(|m| m.human_connect_rate),
            offered: e(|m| m.offered),
            answered: e(|m| m.answered),
            abandoned: e(|m| m.abandoned),
            unfinished: e(|m| m.unfinished),
            service_level: e(|m| m.service_level),
            abandon_rate: e(|m| m.abandon_rate),
            asa_s: e(|m| m.asa_s),
            wait_p90_s: e(|m| m.wait_p90_s),
            resolved: e(|m| m.resolved),
            unresolved: e(|m| m.unresolved),
            abandoned_in_transfer: e(|m| m.abandoned_in_transfer),
            resolution_rate: e(|m| m.resolution_rate),
            first_contact_resolution: e(|m| m.first_contact_resolution),
            transfer_rate: e(|m| m.transfer_rate),
            transfers_per_answered: e(|m| m.transfers_per_answered),
            transfer_asa_s: e(|m| m.transfer_asa_s),
            abandoned_all: e(|m| m.abandoned_all),
            transfer_abandon_rate: e(|m| m.transfer_abandon_rate),
        }
    }
}

/// Estimates of an agent group's metrics.
#[derive(Serialize, Debug, Clone)]
pub struct GroupEstimates {
    /// Busy agent-time / staffed agent-time.
    pub occupancy: Estimate,
    /// Mean agents on duty.
    pub staffed: Estimate,
    /// Scheduled (paid) agent-hours.
    pub scheduled_hours: Estimate,
    /// Scheduled agent-hours × hourly cost.
    pub cost: Estimate,
    /// Agent-hours spent finishing contacts past the plan.
    pub overtime_hours: Estimate,
}

impl GroupEstimates {
    fn new(
        result: &RunResult,
        scope: impl Fn(&ReplicationOutcome) -> &GroupMetrics,
    ) -> GroupEstimates {
        Self::build(|f| result.estimate(|o| f(scope(o))))
    }

    /// From each field's estimate, in [`GroupMetrics`] field order.
    fn from_fields(e: &[Estimate; GroupMetrics::FIELDS]) -> GroupEstimates {
        let mean = GroupMetrics::from_values(e.map(|x| x.mean));
        let ci95 = GroupMetrics::from_values(e.map(|x| x.ci95));
        let n = GroupMetrics::from_values(e.map(|x| x.n as f64));
        Self::build(|f| Estimate {
            mean: f(&mean),
            ci95: f(&ci95),
            n: f(&n) as usize,
        })
    }

    /// Each metric's estimate by `e`, given the metric's reader.
    fn build(e: impl Fn(fn(&GroupMetrics) -> f64) -> Estimate) -> GroupEstimates {
        GroupEstimates {
            occupancy: e(|g| g.occupancy),
            staffed: e(|g| g.staffed),
            scheduled_hours: e(|g| g.scheduled_hours),
            cost: e(|g| g.cost),
            overtime_hours: e(|g| g.overtime_hours),
        }
    }
}

/// Totals over every counted contact and every group.
#[derive(Serialize, Debug, Clone)]
pub struct Totals {
    /// Queue metrics of all contacts.
    #[serde(flatten)]
    pub queue: QueueEstimates,
    /// Busy / staffed agent-time over all groups.
    pub occupancy: Estimate,
    /// Agent cost plus bot-session cost.
    pub cost: Estimate,
    /// Bot-session cost.
    pub bot_cost: Estimate,
}

/// One channel's metrics in one interval.
#[derive(Serialize, Debug, Clone)]
pub struct ChannelInterval {
    /// Interval start, seconds from the start of the horizon.
    pub start_s: f64,
    /// Channel name.
    pub channel: String,
    /// Queue metrics.
    #[serde(flatten)]
    pub queue: QueueEstimates,
}

/// One group's metrics in one interval.
#[derive(Serialize, Debug, Clone)]
pub struct GroupInterval {
    /// Interval start, seconds from the start of the horizon.
    pub start_s: f64,
    /// Group name.
    pub group: String,
    /// Occupancy and staffing.
    #[serde(flatten)]
    pub metrics: GroupEstimates,
}

/// The whole `ccsim run --json` document.
#[derive(Serialize, Debug, Clone)]
pub struct RunSummary {
    /// Scenario name.
    pub scenario: String,
    /// Replications run.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Events processed over all replications.
    pub events: u64,
    /// Arrivals simulated over all replications, warm-up included.
    pub contacts: u64,
    /// Wall-clock seconds of the simulation.
    pub wall_s: f64,
    /// Everything together.
    pub totals: Totals,
    /// Per channel, in scenario order.
    #[serde(serialize_with = "as_map")]
    pub by_channel: Vec<(String, QueueEstimates)>,
    /// Per category, in scenario order.
    #[serde(serialize_with = "as_map")]
    pub by_category: Vec<(String, QueueEstimates)>,
    /// Per customer priority level (its number as the key), highest first.
    #[serde(serialize_with = "as_map")]
    pub by_priority: Vec<(String, QueueEstimates)>,
    /// Per group, in scenario order.
    #[serde(serialize_with = "as_map")]
    pub by_group: Vec<(String, GroupEstimates)>,
    /// Per reported interval and channel.
    pub intervals: Vec<ChannelInterval>,
    /// Per reported interval and group.
    pub group_intervals: Vec<GroupInterval>,
    /// Per channel, the distribution of answered waits: the share answered within each of
    /// a list of waits.
    #[serde(serialize_with = "as_map")]
    pub wait_distribution: Vec<(String, Vec<WaitShare>)>,
    /// The contact logs replayed, with what reading them found (absent without replay).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replays: Vec<ReplaySummary>,
}

/// The share of answered contacts that waited at most `within_s`.
#[derive(Serialize, Debug, Clone)]
pub struct WaitShare {
    /// The wait, seconds.
    pub within_s: f64,
    /// Share of the answered contacts.
    pub share: Estimate,
}

/// A replayed contact log in the summary.
#[derive(Serialize, Debug, Clone)]
pub struct ReplaySummary {
    /// The log file.
    pub file: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows inside the horizon (each replayed `volume_scale` times on average).
    pub replayed: u64,
    /// Rows before the start or past the horizon.
    pub outside_horizon: u64,
    /// Redials and repeats in the log left to the scenario's return model.
    pub returns_left_to_model: u64,
    /// Unreadable rows skipped.
    pub bad_rows: u64,
    /// The first few unreadable rows, located.
    pub first_bad_rows: Vec<String>,
    /// Columns of the log that ccsim does not use.
    pub ignored_columns: Vec<String>,
    /// Expected copies of each row.
    pub volume_scale: f64,
    /// Rows resampled in each replication.
    pub bootstrap: bool,
}

impl ReplaySummary {
    /// The summary of every replay of `model`.
    pub fn of(model: &Model) -> Vec<ReplaySummary> {
        model
            .replays
            .iter()
            .map(|r| {
                let scan = r.scan.clone().unwrap_or_default();
                ReplaySummary {
                    file: r.path.display().to_string(),
                    rows: scan.rows,
                    replayed: scan.replayed,
                    outside_horizon: scan.outside,
                    returns_left_to_model: scan.returns,
                    bad_rows: scan.bad,
                    first_bad_rows: scan.first_bad,
                    ignored_columns: scan.ignored_columns,
                    volume_scale: r.volume_scale,
                    bootstrap: r.bootstrap,
                }
            })
            .collect()
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        let mut line = format!(
            "replay {}: {} rows, {} in the horizon, {} outside",
            self.file, self.rows, self.replayed, self.outside_horizon
        );
        if self.returns_left_to_model > 0 {
            line += &format!(
                ", {} redials and repeats left to the scenario's return model",
                self.returns_left_to_model
            );
        }
        if self.volume_scale != 1.0 {
            line += &format!(", volume ×{}", self.volume_scale);
        }
        if self.bootstrap {
            line += ", bootstrapped";
        }
        if !self.ignored_columns.is_empty() {
            line += &format!(", columns not used: {}", self.ignored_columns.join(", "));
        }
        if self.bad_rows > 0 {
            line += &format!(
                ", {} bad rows skipped (first: {})",
                self.bad_rows,
                self.first_bad_rows.join("; ")
            );
        }
        line
    }
}

impl RunSummary {
    /// Combines the replications of `result` into estimates.
    pub fn new(model: &Model, result: &RunResult, seed: u64) -> RunSummary {
        let n_ch = model.channels.len();
        let n_g = model.groups.len();
        let first = (model.warmup / model.interval).round() as usize;
        let by_channel = (model.channels.iter().enumerate())
            .map(|(c, ch)| {
                (
                    ch.name.clone(),
                    QueueEstimates::new(result, |o| &o.by_channel[c]),
                )
            })
            .collect();
        let by_category = (model.categories.iter().enumerate())
            .map(|(c, name)| {
                (
                    name.clone(),
                    QueueEstimates::new(result, |o| &o.by_category[c]),
                )
            })
            .collect();
        let by_priority = (model.priority_levels.iter().enumerate())
            .map(|(p, level)| {
                (
                    level.to_string(),
                    QueueEstimates::new(result, |o| &o.by_priority[p]),
                )
            })
            .collect();
        let by_group = (model.groups.iter().enumerate())
            .map(|(g, group)| {
                (
                    group.name.clone(),
                    GroupEstimates::new(result, |o| &o.by_group[g]),
                )
            })
            .collect();
        let mut intervals = Vec::new();
        let mut group_intervals = Vec::new();
        // Per-interval metrics come folded over the replications (kept by the run, or
        // folded here in replication order: the same numbers either way).
        let moments = result.interval_moments(model);
        for (i, k) in (first..model.n_intervals).enumerate() {
            let start_s = k as f64 * model.interval;
            for (c, ch) in model.channels.iter().enumerate() {
                intervals.push(ChannelInterval {
                    start_s,
                    channel: ch.name.clone(),
                    queue: QueueEstimates::from_fields(&moments.queue_cell(i * n_ch + c)),
                });
            }
            for (g, group) in model.groups.iter().enumerate() {
                group_intervals.push(GroupInterval {
                    start_s,
                    group: group.name.clone(),
                    metrics: GroupEstimates::from_fields(&moments.group_cell(i * n_g + g)),
                });
            }
        }
        RunSummary {
            scenario: model.name.clone(),
            replications: result.outcomes.len() as u32,
            seed,
            events: result.events(),
            contacts: result.contacts(),
            wall_s: result.wall_s,
            totals: Totals {
                queue: QueueEstimates::new(result, |o| &o.totals),
                occupancy: result.estimate(|o| o.total_occupancy),
                cost: result.estimate(|o| o.cost),
                bot_cost: result.estimate(|o| o.bot_cost),
            },
            by_channel,
            by_category,
            by_priority,
            by_group,
            intervals,
            group_intervals,
            wait_distribution: (model.channels.iter().enumerate())
                .map(|(c, ch)| {
                    let shares = (crate::stats::WAIT_THRESHOLDS_S.iter().enumerate())
                        .map(|(i, &t)| WaitShare {
                            within_s: t,
                            share: result
                                .estimate(|o| o.wait_cdf.get(c).map_or(f64::NAN, |cdf| cdf[i])),
                        })
                        .collect();
                    (ch.name.clone(), shares)
                })
                .collect(),
            replays: ReplaySummary::of(model),
        }
    }

    /// The JSON document, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a summary always serialises")
    }
}

fn pct(e: &Estimate) -> String {
    if e.mean.is_finite() {
        format!("{:5.1}% ±{:.1}", e.mean * 100.0, e.ci95 * 100.0)
    } else {
        "      –".into()
    }
}

fn num(e: &Estimate, decimals: usize) -> String {
    if e.mean.is_finite() {
        format!("{:.*} ±{:.*}", decimals, e.mean, decimals, e.ci95)
    } else {
        "–".into()
    }
}

/// A count in words people read at a glance: `950`, `12.3 k`, `4.1 M`.
fn count(n: u64) -> String {
    match n {
        0..10_000 => n.to_string(),
        10_000..10_000_000 => format!("{:.1} k", n as f64 / 1e3),
        _ => format!("{:.1} M", n as f64 / 1e6),
    }
}

/// Column titles of the queue-metric tables.
const QUEUE_HEADERS: [&str; 7] = [
    "offered",
    "answered",
    "abandoned",
    "service level",
    "abandon rate",
    "ASA s",
    "p90 wait s",
];

/// The queue metrics of one scope as table cells, in `QUEUE_HEADERS` order.
fn queue_cells(q: &QueueEstimates) -> [String; 7] {
    [
        num(&q.offered, 1),
        num(&q.answered, 1),
        num(&q.abandoned_all, 1),
        pct(&q.service_level),
        pct(&q.abandon_rate),
        num(&q.asa_s, 1),
        num(&q.wait_p90_s, 1),
    ]
}

/// One aligned table row: a label, the seven queue cells, then free text.
fn queue_row(label: &str, label_width: usize, cells: [String; 7], tail: &str) -> String {
    let [a, b, c, d, e, f, g] = cells;
    format!("{label:<label_width$} {a:>15} {b:>15} {c:>14} {d:>16} {e:>16} {f:>13} {g:>13}{tail}")
}

/// Renders the summary as aligned text tables, for people.
pub fn render_text(model: &Model, s: &RunSummary, source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ccsim · {} ({source}) · {} replications · seed {} · {:.2} s, {} events, {} contacts",
        s.scenario,
        s.replications,
        s.seed,
        s.wall_s,
        count(s.events),
        count(s.contacts)
    );
    let _ = writeln!(
        out,
        "Values are means per replication with 95 % confidence half-widths (±).\n"
    );
    let _ = writeln!(
        out,
        "{}",
        queue_row("channel", 10, QUEUE_HEADERS.map(String::from), "")
    );
    for (ch, (_, q)) in model.channels.iter().zip(&s.by_channel) {
        let target = format!(
            "   (target {:.0}% in {})",
            ch.service_level_target * 100.0,
            crate::duration::Duration::from_secs(ch.answer_within)
        );
        let _ = writeln!(out, "{}", queue_row(&ch.name, 10, queue_cells(q), &target));
    }
    let _ = writeln!(
        out,
        "{}",
        queue_row("all", 10, queue_cells(&s.totals.queue), "")
    );
    if s.totals.queue.abandoned_in_transfer.mean > 0.0 {
        let _ = writeln!(
            out,
            "Abandoned counts every contact that gave up waiting, in its first queue ({} a replication) or after a transfer ({}); the abandon rate is that share of offered, averaged over the replications.",
            num(&s.totals.queue.abandoned, 1),
            num(&s.totals.queue.abandoned_in_transfer, 1)
        );
    }
    if s.totals.queue.unfinished.mean > 0.0 {
        let _ = writeln!(
            out,
            "Unfinished: {} contacts a replication were still waiting at the end, with no agent on duty to take them and no patience to leave.",
            num(&s.totals.queue.unfinished, 1)
        );
    }
    let category_width = s
        .by_category
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    if s.by_category.len() > 1 {
        let headers = QUEUE_HEADERS.map(String::from);
        let _ = writeln!(
            out,
            "\n{}",
            queue_row("category", category_width, headers, "")
        );
        for (name, q) in &s.by_category {
            let _ = writeln!(
                out,
                "{}",
                queue_row(name, category_width, queue_cells(q), "")
            );
        }
    }
    if s.by_priority.len() > 1 {
        let headers = QUEUE_HEADERS.map(String::from);
        let _ = writeln!(out, "\n{}", queue_row("priority", 10, headers, ""));
        for (level, q) in &s.by_priority {
            let _ = writeln!(out, "{}", queue_row(level, 10, queue_cells(q), ""));
        }
    }
    if !model.bots.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<10} {:>14} {:>14} {:>16} {:>16} {:>16} {:>18} {:>16}",
            "channel",
            "arrivals",
            "bot sessions",
            "bot containment",
            "bot drop-out",
            "misrouted",
            "first response s",
            "human connect"
        );
        let rows = s.by_channel.iter().map(|(n, q)| (n.as_str(), q));
        for (name, q) in rows.chain(std::iter::once(("all", &s.totals.queue))) {
            let _ = writeln!(
                out,
                "{:<10} {:>14} {:>14} {:>16} {:>16} {:>16} {:>18} {:>16}",
                name,
                num(&q.arrivals, 1),
                num(&q.bot_sessions, 1),
                pct(&q.bot_containment),
                pct(&q.bot_dropout),
                pct(&q.bot_misroute_rate),
                num(&q.first_response_s, 1),
                pct(&q.human_connect_rate)
            );
        }
    }
    if model
        .channels
        .iter()
        .any(|c| c.redial.is_some() || c.repeat.is_some())
    {
        let _ = writeln!(
            out,
            "\n{:<10} {:>14} {:>16} {:>14} {:>14} {:>20}",
            "channel",
            "arrivals",
            "unique customers",
            "redial rate",
            "repeat rate",
            "back after horizon"
        );
        let rows = s.by_channel.iter().map(|(n, q)| (n.as_str(), q));
        for (name, q) in rows.chain(std::iter::once(("all", &s.totals.queue))) {
            let _ = writeln!(
                out,
                "{:<10} {:>14} {:>16} {:>14} {:>14} {:>20}",
                name,
                num(&q.arrivals, 1),
                num(&q.unique_customers, 1),
                pct(&q.redial_rate),
                pct(&q.repeat_rate),
                num(&q.returns_after_horizon, 1)
            );
        }
    }
    for (ch, (name, q)) in model.channels.iter().zip(&s.by_channel) {
        if ch.backlog {
            let _ = writeln!(
                out,
                "\n{name} is a backlog: {} within {} (SLA attainment), {} still open at the end of the horizon.",
                pct(&q.service_level),
                crate::duration::Duration::from_secs(ch.answer_within),
                num(&q.backlog, 1)
            );
        }
    }
    let resolution_matters = model
        .groups
        .iter()
        .any(|g| g.resolve.iter().any(|p| *p < 1.0));
    if resolution_matters {
        let _ = writeln!(
            out,
            "\n{:<10} {:>16} {:>16} {:>16} {:>16} {:>16} {:>18}",
            "channel",
            "resolution",
            "first-contact",
            "transfer rate",
            "transfers/ans.",
            "transfer ASA s",
            "abandoned after tr."
        );
        let rows = s.by_channel.iter().map(|(n, q)| (n.as_str(), q));
        for (name, q) in rows.chain(std::iter::once(("all", &s.totals.queue))) {
            let _ = writeln!(
                out,
                "{:<10} {:>16} {:>16} {:>16} {:>16} {:>16} {:>18}",
                name,
                pct(&q.resolution_rate),
                pct(&q.first_contact_resolution),
                pct(&q.transfer_rate),
                num(&q.transfers_per_answered, 2),
                num(&q.transfer_asa_s, 1),
                pct(&q.transfer_abandon_rate)
            );
        }
    }
    let w = s
        .by_group
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = writeln!(
        out,
        "\n{:<w$} {:>16} {:>18} {:>16} {:>14} {:>14}",
        "group", "occupancy", "agents on duty", "paid hours", "cost", "overtime h"
    );
    for (name, e) in &s.by_group {
        let _ = writeln!(
            out,
            "{:<w$} {:>16} {:>18} {:>16} {:>14} {:>14}",
            name,
            pct(&e.occupancy),
            num(&e.staffed, 1),
            num(&e.scheduled_hours, 1),
            num(&e.cost, 0),
            num(&e.overtime_hours, 1)
        );
    }
    let _ = writeln!(
        out,
        "{:<w$} {:>16} {:>18} {:>16} {:>14}",
        "all",
        pct(&s.totals.occupancy),
        "",
        "",
        num(&s.totals.cost, 0)
    );
    let from = (model.warmup / model.interval).round() * model.interval;
    let hours = (model.horizon - from) / 3600.0;
    let _ = writeln!(
        out,
        "Agents on duty: the time-average of agents present over the reported {}–{} ({} h), hours with no one on duty included; overtime: agent-hours spent finishing contacts past the plan, the drain after the horizon included.",
        clock(from),
        if model.horizon == 86_400.0 {
            "24:00".to_string()
        } else {
            clock(model.horizon)
        },
        if hours.fract() == 0.0 {
            format!("{hours:.0}")
        } else {
            format!("{hours:.1}")
        }
    );
    if s.totals.bot_cost.mean > 0.0 {
        let _ = writeln!(
            out,
            "(cost includes bot sessions: {})",
            num(&s.totals.bot_cost, 0)
        );
    }

    for ch in &model.channels {
        let _ = writeln!(out, "\nPer interval · {}", ch.name);
        let headers = QUEUE_HEADERS.map(String::from);
        let _ = writeln!(out, "{}", queue_row("start", 8, headers, " occupancy"));
        for row in s.intervals.iter().filter(|r| r.channel == ch.name) {
            let occupancy = channel_occupancy(model, s, &ch.name, row.start_s);
            let cells = queue_cells(&row.queue);
            let _ = writeln!(
                out,
                "{}",
                queue_row(&clock(row.start_s), 8, cells, &format!(" {occupancy}"))
            );
        }
    }
    out
}

/// Occupancy of the groups that serve a channel in an interval, as text (one group: its
/// value; several: the first group's, marked with the group name).
fn channel_occupancy(model: &Model, s: &RunSummary, channel: &str, start_s: f64) -> String {
    let serving: Vec<&str> = model
        .groups
        .iter()
        .filter(|g| {
            g.handles.iter().any(|&t| {
                model.channels[model.contact_types[t as usize].channel as usize].name == channel
            })
        })
        .map(|g| g.name.as_str())
        .collect();
    let parts: Vec<String> = s
        .group_intervals
        .iter()
        .filter(|r| r.start_s == start_s && serving.contains(&r.group.as_str()))
        .map(|r| {
            if serving.len() == 1 {
                pct(&r.metrics.occupancy)
            } else {
                format!("{} {}", r.group, pct(&r.metrics.occupancy))
            }
        })
        .collect();
    parts.join(", ")
}

/// One file of a results or report folder: its name (a relative path) and its contents,
/// held whole or written piece by piece when the folder is written (so a large file is
/// never held in memory as text).
pub struct DataFile<'a> {
    /// Relative path in the folder, e.g. `intervals.csv` or `charts/sl.png`.
    pub name: String,
    contents: Contents<'a>,
}

/// A function that writes a file's contents.
type WriteFn<'a> = Box<dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + 'a>;

enum Contents<'a> {
    Bytes(Vec<u8>),
    Streamed(WriteFn<'a>),
}

impl<'a> DataFile<'a> {
    /// A file whose contents are at hand.
    pub fn bytes(name: impl Into<String>, contents: impl Into<Vec<u8>>) -> DataFile<'a> {
        DataFile {
            name: name.into(),
            contents: Contents::Bytes(contents.into()),
        }
    }

    /// A file written by `write` when the folder is written.
    pub fn streamed(
        name: impl Into<String>,
        write: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()> + 'a,
    ) -> DataFile<'a> {
        DataFile {
            name: name.into(),
            contents: Contents::Streamed(Box::new(write)),
        }
    }

    /// Writes the contents to `w`.
    pub fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        match &self.contents {
            Contents::Bytes(b) => w.write_all(b),
            Contents::Streamed(f) => f(w),
        }
    }

    /// The contents as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        // Writing to memory cannot fail.
        let _ = self.write_to(&mut buf);
        buf
    }

    /// The contents as text (lossy for binary files).
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }
}

/// `(name, text)` pairs as data files.
pub fn text_files<'a>(files: Vec<(String, String)>) -> Vec<DataFile<'a>> {
    files
        .into_iter()
        .map(|(n, t)| DataFile::bytes(n, t))
        .collect()
}

/// CSV text of rows of JSON objects (see [`write_objects_csv`]).
pub fn objects_to_csv(leading: &[&str], rows: &[(Vec<String>, serde_json::Value)]) -> String {
    let mut buf = Vec::new();
    let _ = write_objects_csv(
        &mut buf,
        leading,
        rows.iter().map(|(l, v)| (l.clone(), v.clone())),
    );
    String::from_utf8_lossy(&buf).into_owned()
}

/// Writes rows of JSON objects as CSV, one row at a time: the `leading` columns, then
/// every field of the object flattened (`{mean, ci95}` pairs as `name` and `name_ci95`,
/// nested objects as `outer_inner`); the header comes from the first row.
pub fn write_objects_csv(
    w: &mut dyn std::io::Write,
    leading: &[&str],
    rows: impl Iterator<Item = (Vec<String>, serde_json::Value)>,
) -> std::io::Result<()> {
    fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        let cell = |x: &serde_json::Value| match x {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => crate::compare::csv_field(s),
            other => other.to_string(),
        };
        match v {
            serde_json::Value::Object(map)
                if map.len() == 2 && map.contains_key("mean") && map.contains_key("ci95") =>
            {
                out.push((prefix.to_string(), cell(&map["mean"])));
                out.push((format!("{prefix}_ci95"), cell(&map["ci95"])));
            }
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    let name = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}_{k}")
                    };
                    flatten(&name, x, out);
                }
            }
            other => out.push((prefix.to_string(), cell(other))),
        }
    }
    for (i, (lead, value)) in rows.enumerate() {
        let mut cells = Vec::new();
        flatten("", &value, &mut cells);
        if i == 0 {
            let header: Vec<String> = leading
                .iter()
                .map(|s| s.to_string())
                .chain(cells.iter().map(|c| c.0.clone()))
                .collect();
            writeln!(w, "{}", header.join(","))?;
        }
        let line: Vec<String> = lead
            .iter()
            .map(|s| crate::compare::csv_field(s))
            .chain(cells.into_iter().map(|c| c.1))
            .collect();
        writeln!(w, "{}", line.join(","))?;
    }
    Ok(())
}

impl RunSummary {
    /// The results folder's files, each written row by row: `summary.json` (the contract,
    /// as `--json` prints it), `intervals.csv` (per interval and channel) and
    /// `by_group.csv` (per group, then per interval and group).
    pub fn data_files(&self) -> Vec<DataFile<'_>> {
        vec![
            DataFile::streamed("summary.json", |w| self.write_json(w)),
            DataFile::streamed("intervals.csv", |w| {
                let rows = self.intervals.iter().map(|i| {
                    let mut v = serde_json::to_value(&i.queue).unwrap_or_default();
                    if let serde_json::Value::Object(m) = &mut v {
                        m.remove("start_s");
                    }
                    (vec![clock(i.start_s), i.channel.clone()], v)
                });
                write_objects_csv(w, &["interval", "channel"], rows)
            }),
            DataFile::streamed("by_group.csv", |w| {
                let totals = self.by_group.iter().map(|(name, g)| {
                    (
                        vec!["all".to_string(), name.clone()],
                        serde_json::to_value(g).unwrap_or_default(),
                    )
                });
                let per_interval = self.group_intervals.iter().map(|g| {
                    (
                        vec![clock(g.start_s), g.group.clone()],
                        serde_json::to_value(&g.metrics).unwrap_or_default(),
                    )
                });
                write_objects_csv(w, &["interval", "group"], totals.chain(per_interval))
            }),
        ]
    }

    /// The results folder's files as text (see [`RunSummary::data_files`]).
    pub fn result_files(&self) -> Vec<(String, String)> {
        (self.data_files().iter())
            .map(|f| (f.name.clone(), f.to_text()))
            .collect()
    }

    /// Writes the JSON document of the contract (as `--json` prints it), with a final
    /// line end, without building it in memory.
    pub fn write_json(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }
}
