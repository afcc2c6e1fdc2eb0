//! The results of a run as the contract's JSON document: plain data, built by
//! [`RunSummary::new`] from a run's replications. Field names here are the stable
//! contract: add beside them, never in their place. How a summary is printed and written
//! (text tables, the results folder's files) is the output layer's job:
//! [`crate::output::run`].

use crate::experiment::{Estimate, RunResult};
use crate::model::Model;
use crate::stats::{GroupMetrics, QueueMetrics, ReplicationOutcome};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

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
