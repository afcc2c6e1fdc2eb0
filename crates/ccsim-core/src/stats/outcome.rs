//! A replication's outcome: the metrics of every scope derived from its tallies once it
//! ends ([`ReplicationOutcome::from_tallies`]), ready to be combined across replications.

use super::{GroupArea, GroupMetrics, QueueMetrics, QueueTally, Tallies, WaitHistogram, ratio};
use crate::ids::GroupId;
use crate::model::Model;
use serde::{Deserialize, Serialize};

/// The metrics of one replication, ready to be combined across replications.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplicationOutcome {
    /// Events processed.
    pub events: u64,
    /// Arrivals generated, warm-up included.
    pub contacts: u64,
    /// All counted contacts together.
    pub totals: QueueMetrics,
    /// All groups together.
    pub total_occupancy: f64,
    /// Agent cost plus bot-session cost over the reported period.
    pub cost: f64,
    /// Bot sessions × session cost.
    pub bot_cost: f64,
    /// Per channel.
    pub by_channel: Vec<QueueMetrics>,
    /// Per category.
    pub by_category: Vec<QueueMetrics>,
    /// Per priority class, highest first.
    pub by_priority: Vec<QueueMetrics>,
    /// Per group over `[warmup, horizon)`.
    pub by_group: Vec<GroupMetrics>,
    /// Per reported interval and channel, `(interval - first) * n_channels + channel`.
    pub intervals: Vec<QueueMetrics>,
    /// Per reported interval and group.
    pub group_intervals: Vec<GroupMetrics>,
    /// Per channel, the share of answered contacts whose wait was at most each of
    /// [`WAIT_THRESHOLDS_S`].
    #[serde(default)]
    pub wait_cdf: Vec<Vec<f64>>,
}

/// The waits (seconds) at which the distribution of answered waits is recorded.
pub const WAIT_THRESHOLDS_S: [f64; 19] = [
    0.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 450.0, 600.0,
    900.0, 1200.0, 1800.0, 3600.0,
];

/// Metrics of each category or priority class; a single one is the totals (the engine
/// keeps no separate tally for it).
fn scope_metrics(
    scopes: &[(QueueTally, WaitHistogram)],
    totals: &QueueMetrics,
) -> Vec<QueueMetrics> {
    if scopes.len() == 1 {
        return vec![QueueMetrics {
            backlog: 0.0,
            ..*totals
        }];
    }
    scopes
        .iter()
        .map(|(q, w)| QueueMetrics::from_tally(q, w))
        .collect()
}

impl ReplicationOutcome {
    /// Derives the metrics of a finished replication; `scratch` is a reusable histogram.
    pub(crate) fn from_tallies(
        model: &Model,
        t: &Tallies,
        scratch: &mut WaitHistogram,
    ) -> ReplicationOutcome {
        let (cells, areas) = (model.channel_grid(), model.group_grid());
        let reported = model.reported_intervals();
        let intervals = reported
            .clone()
            .flat_map(|k| cells.row(k))
            .map(|cell| QueueMetrics::from_tally(&t.cells[cell], &t.waits[cell]))
            .collect();
        let (by_channel, wait_cdf, totals) = channel_metrics(model, t, scratch);

        let closed = |k: usize, g: usize| model.group_closed_in(GroupId::from_index(g), k);
        let mut group_intervals = Vec::with_capacity(reported.len() * areas.width);
        for k in reported.clone() {
            for (g, group) in model.groups.iter().enumerate() {
                let a = areas.at(k, g);
                let mut m = GroupMetrics::derive(GroupArea {
                    busy_s: t.busy_area[a],
                    staffed_s: t.staffed_area[a],
                    span_s: model.interval,
                    scheduled_hours: group.paid_hours[k],
                    hourly_cost: group.hourly_cost,
                    overtime_s: t.overtime_area[a],
                });
                if closed(k, g) && !model.report_closed {
                    (m.occupancy, m.staffed) = (f64::NAN, f64::NAN);
                }
                group_intervals.push(m);
            }
        }
        let (mut all_busy, mut all_staffed) = (0.0, 0.0);
        let by_group: Vec<GroupMetrics> = (model.groups.iter().enumerate())
            .map(|(g, group)| {
                // Over the intervals where the group is open (all of them without hours).
                let open = || reported.clone().filter(move |&k| !closed(k, g));
                let sum = |v: &[f64]| -> f64 { open().map(|k| v[areas.at(k, g)]).sum() };
                let (busy_s, staffed_s) = (sum(&t.busy_area), sum(&t.staffed_area));
                all_busy += busy_s;
                all_staffed += staffed_s;
                GroupMetrics::derive(GroupArea {
                    busy_s,
                    staffed_s,
                    span_s: open().count() as f64 * model.interval,
                    scheduled_hours: reported.clone().map(|k| group.paid_hours[k]).sum(),
                    hourly_cost: group.hourly_cost,
                    overtime_s: t.overtime[g],
                })
            })
            .collect();

        let bot_cost: f64 = model
            .bots
            .iter()
            .map(|b| by_channel[b.channel.index()].bot_sessions * b.session_cost)
            .sum();
        let agent_cost: f64 = by_group.iter().map(|g| g.cost).sum();
        ReplicationOutcome {
            cost: agent_cost + bot_cost,
            bot_cost,
            events: t.events,
            contacts: t.contacts,
            totals,
            total_occupancy: ratio(all_busy, all_staffed),
            by_channel,
            by_category: scope_metrics(&t.by_category, &totals),
            by_priority: scope_metrics(&t.by_class, &totals),
            by_group,
            intervals,
            group_intervals,
            wait_cdf,
        }
    }
}

/// Per channel over the reported intervals: its metrics and the distribution of its
/// answered waits at [`WAIT_THRESHOLDS_S`]; and the metrics of all channels together.
fn channel_metrics(
    model: &Model,
    t: &Tallies,
    scratch: &mut WaitHistogram,
) -> (Vec<QueueMetrics>, Vec<Vec<f64>>, QueueMetrics) {
    let cells = model.channel_grid();
    let reported = model.reported_intervals();
    let mut by_channel = Vec::with_capacity(cells.width);
    let mut wait_cdf = Vec::with_capacity(cells.width);
    let mut total_tally = QueueTally::default();
    let mut total_waits = WaitHistogram::default();
    for ch in 0..cells.width {
        let mut tally = QueueTally::default();
        scratch.clear();
        for cell in cells.column(ch, reported.clone()) {
            tally.merge(&t.cells[cell]);
            scratch.merge(&t.waits[cell]);
        }
        // The backlog is a level: the channel's is the one left at the horizon (all
        // channels' then add up in `total_tally`).
        tally.backlog = t.cells[cells.at(model.n_intervals - 1, ch)].backlog;
        by_channel.push(QueueMetrics::from_tally(&tally, scratch));
        wait_cdf.push(scratch.shares_within(&WAIT_THRESHOLDS_S));
        total_tally.merge(&tally);
        total_waits.merge(scratch);
    }
    let totals = QueueMetrics::from_tally(&total_tally, &total_waits);
    (by_channel, wait_cdf, totals)
}
