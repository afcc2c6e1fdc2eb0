//! The results of a run as the contract's JSON document: plain data, built by
//! [`RunSummary::new`] from a run's replications. Field names here are the stable
//! contract: add beside them, never in their place. How a summary is printed and written
//! (text tables, the results folder's files) is the output layer's job:
//! [`crate::output::run`].

use crate::experiment::{Estimate, RunResult};
use crate::model::Model;
use crate::stats::{GroupMetrics, QueueMetrics, ReplicationOutcome, Risk};
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

pub use crate::stats::{GroupEstimates, QueueEstimates};

/// Each queue metric of the scope `scope` picks, estimated over the replications.
fn queue_estimates(
    result: &RunResult,
    scope: impl Fn(&ReplicationOutcome) -> &QueueMetrics,
) -> QueueEstimates {
    QueueEstimates::each(|m| result.estimate(|o| (m.get)(scope(o))))
}

/// Each group metric of the scope `scope` picks, estimated over the replications.
fn group_estimates(
    result: &RunResult,
    scope: impl Fn(&ReplicationOutcome) -> &GroupMetrics,
) -> GroupEstimates {
    GroupEstimates::each(|m| result.estimate(|o| (m.get)(scope(o))))
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
    /// The interval across days (replications): how often its service level met the
    /// channel's target, and the percentiles of service level, ASA and abandon rate.
    pub risk: Risk,
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
    /// Per channel, in scenario order, the reported period across days (replications):
    /// how often the channel's service level over the period met its target, and the
    /// percentiles of its service level, ASA and abandon rate.
    #[serde(serialize_with = "as_map")]
    pub risk_by_channel: Vec<(String, Risk)>,
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
    /// Per channel, in scenario order, how its `service_level` is counted.
    #[serde(serialize_with = "as_map")]
    pub service_level_definitions: Vec<(String, ServiceLevelSummary)>,
}

/// How a channel's service level is counted: its threshold, target and definition.
#[derive(Serialize, Debug, Clone)]
pub struct ServiceLevelSummary {
    /// Answered within this many seconds is met.
    pub answer_within_s: f64,
    /// The target share.
    pub target: f64,
    /// `offered`, `answered`, `excluding_short_abandons` or `short_abandons_met`.
    pub definition: &'static str,
    /// Abandons within this many seconds are short (null without a threshold).
    pub short_abandon_s: Option<f64>,
    /// The formula in words.
    pub formula: String,
}

impl ServiceLevelSummary {
    /// The summary of channel `ch`.
    pub fn of(ch: &crate::model::Channel) -> ServiceLevelSummary {
        let d = crate::duration::Duration::from_secs;
        let def = ch.service_level_definition;
        ServiceLevelSummary {
            answer_within_s: ch.answer_within,
            target: ch.service_level_target,
            definition: def.name(),
            short_abandon_s: (ch.short_abandon > 0.0).then_some(ch.short_abandon),
            formula: def.formula(
                &d(ch.answer_within).to_string(),
                &d(ch.short_abandon).to_string(),
            ),
        }
    }
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
}

impl RunSummary {
    /// Combines the replications of `result` into estimates.
    pub fn new(model: &Model, result: &RunResult, seed: u64) -> RunSummary {
        let (cells, areas) = (model.reported_channel_grid(), model.reported_group_grid());
        let by_channel = (model.channels.iter().enumerate())
            .map(|(c, ch)| {
                (
                    ch.name.clone(),
                    queue_estimates(result, |o| &o.by_channel[c]),
                )
            })
            .collect();
        let by_category = (model.categories.iter().enumerate())
            .map(|(c, name)| (name.clone(), queue_estimates(result, |o| &o.by_category[c])))
            .collect();
        let by_priority = (model.priority_levels.iter().enumerate())
            .map(|(p, level)| {
                (
                    level.to_string(),
                    queue_estimates(result, |o| &o.by_priority[p]),
                )
            })
            .collect();
        let by_group = (model.groups.iter().enumerate())
            .map(|(g, group)| {
                (
                    group.name.clone(),
                    group_estimates(result, |o| &o.by_group[g]),
                )
            })
            .collect();
        let mut intervals = Vec::new();
        let mut group_intervals = Vec::new();
        // Per-interval metrics come folded over the replications (kept by the run, or
        // folded here in replication order: the same numbers either way).
        let moments = result.interval_moments(model);
        for (i, k) in model.reported_intervals().enumerate() {
            let start_s = model.display_time(k as f64 * model.interval);
            for (c, ch) in model.channels.iter().enumerate() {
                intervals.push(ChannelInterval {
                    start_s,
                    channel: ch.name.clone(),
                    queue: QueueEstimates::from_fields(&moments.queue_cell(cells.at(i, c))),
                    risk: moments.queue_risk(cells.at(i, c), ch.service_level_target),
                });
            }
            for (g, group) in model.groups.iter().enumerate() {
                group_intervals.push(GroupInterval {
                    start_s,
                    group: group.name.clone(),
                    metrics: GroupEstimates::from_fields(&moments.group_cell(areas.at(i, g))),
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
                queue: queue_estimates(result, |o| &o.totals),
                occupancy: result.estimate(|o| o.total_occupancy),
                cost: result.estimate(|o| o.cost),
                bot_cost: result.estimate(|o| o.bot_cost),
            },
            by_channel,
            risk_by_channel: (model.channels.iter().enumerate())
                .map(|(c, ch)| {
                    let days = result.outcomes.iter().map(move |o| &o.by_channel[c]);
                    (ch.name.clone(), Risk::of(days, ch.service_level_target))
                })
                .collect(),
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
            service_level_definitions: (model.channels.iter())
                .map(|ch| (ch.name.clone(), ServiceLevelSummary::of(ch)))
                .collect(),
        }
    }

    /// The JSON document, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a summary always serialises")
    }
}
