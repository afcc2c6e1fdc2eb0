//! Per-replication statistics: plain tallies filled by the engine (counts, sums, wait
//! histograms, time integrals), and the metrics derived from them once a replication ends.
//! Tallies of one replication never depend on another; metrics of replications are combined
//! only in `experiment`.

use crate::model::Model;
use serde::{Deserialize, Serialize};

/// Sub-bins per octave of the wait histogram (about 2 % relative resolution).
const SUB_BINS: usize = 32;
/// Smallest octave kept apart: waits below 2^-7 s (8 ms) share one bin.
const MIN_EXP: i32 = -7;
/// Waits of 2^21 s (24 days) or more share the overflow bin.
const MAX_EXP: i32 = 21;
/// Bin 0 holds zero waits, bin 1 waits under 2^MIN_EXP, then geometric bins, then overflow.
const N_BINS: usize = 2 + (MAX_EXP - MIN_EXP) as usize * SUB_BINS + 1;

/// Wait times in fine geometric bins: exact zero apart, sub-second near zero, about 2 %
/// wide above; quantiles are read off with linear interpolation inside a bin.
#[derive(Clone, Debug)]
pub struct WaitHistogram {
    counts: Vec<u32>,
    total: u64,
}

impl Default for WaitHistogram {
    fn default() -> Self {
        WaitHistogram {
            counts: vec![0; N_BINS],
            total: 0,
        }
    }
}

impl WaitHistogram {
    /// Bytes one histogram holds.
    pub const BYTES: usize = N_BINS * 4 + 32;

    #[inline]
    fn bin(wait: f64) -> usize {
        if wait <= 0.0 {
            return 0;
        }
        let bits = wait.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
        if exp < MIN_EXP {
            1
        } else if exp >= MAX_EXP {
            N_BINS - 1
        } else {
            let mantissa = ((bits >> (52 - 5)) & (SUB_BINS as u64 - 1)) as usize;
            2 + (exp - MIN_EXP) as usize * SUB_BINS + mantissa
        }
    }

    /// The `[low, high)` range of a bin in seconds.
    fn bounds(bin: usize) -> (f64, f64) {
        let min = 2f64.powi(MIN_EXP);
        match bin {
            0 => (0.0, 0.0),
            1 => (0.0, min),
            b if b == N_BINS - 1 => (2f64.powi(MAX_EXP), 2f64.powi(MAX_EXP)),
            b => {
                let k = b - 2;
                let octave = 2f64.powi(MIN_EXP + (k / SUB_BINS) as i32);
                let step = octave / SUB_BINS as f64;
                let low = octave + step * (k % SUB_BINS) as f64;
                (low, low + step)
            }
        }
    }

    /// Records one wait in seconds.
    #[inline]
    pub fn add(&mut self, wait: f64) {
        self.counts[Self::bin(wait)] += 1;
        self.total += 1;
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &WaitHistogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
    }

    /// Empties the histogram, keeping its storage.
    pub fn clear(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.total = 0;
    }

    /// Number of recorded waits.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0 < q ≤ 1) in seconds, or NaN when empty.
    /// Share of the recorded waits at most `t` seconds (NaN when empty), interpolated
    /// within a bin.
    pub fn share_within(&self, t: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let mut within = 0.0;
        for (bin, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let (low, high) = Self::bounds(bin);
            if high <= t {
                within += c as f64;
            } else if low < t {
                within += c as f64 * (t - low) / (high - low);
            } else {
                break;
            }
        }
        within / self.total as f64
    }

    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let target = q * self.total as f64;
        let mut cumulative = 0.0;
        for (bin, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let next = cumulative + c as f64;
            if next >= target {
                let (low, high) = Self::bounds(bin);
                let fraction = ((target - cumulative) / c as f64).clamp(0.0, 1.0);
                return low + (high - low) * fraction;
            }
            cumulative = next;
        }
        Self::bounds(N_BINS - 1).0
    }
}

/// Counts and sums for one queue scope (an interval of a channel, a channel, all contacts).
#[derive(Clone, Copy, Debug, Default)]
pub struct QueueTally {
    /// Contacts that arrived (before any bot), redials and repeats included.
    pub arrivals: u64,
    /// Arrivals that are redials of customers who abandoned.
    pub redials: u64,
    /// Arrivals that are repeat contacts of customers left unresolved.
    pub repeats: u64,
    /// Customers due back after the horizon (not simulated).
    pub returns_after_horizon: u64,
    /// E-mail contacts still waiting at the end of the interval (a level, not a sum).
    pub backlog: u64,
    /// Bot sessions started.
    pub bot_sessions: u64,
    /// Contacts the bot resolved.
    pub bot_contained: u64,
    /// Contacts that left during the bot session.
    pub bot_dropped: u64,
    /// Contacts the bot handed over to a wrong queue.
    pub bot_misrouted: u64,
    /// Contacts that got a first response (bot session start or agent answer).
    pub responded: u64,
    /// Sum of the first-response times, seconds.
    pub first_response_sum: f64,
    /// Contacts that entered a human queue.
    pub offered: u64,
    /// Contacts an agent started to serve.
    pub answered: u64,
    /// Answered within the channel's service-level threshold.
    pub answered_in_threshold: u64,
    /// Contacts that left the queue unserved, before any agent answered them.
    pub abandoned: u64,
    /// Sum of the waits of answered contacts, in seconds.
    pub wait_sum: f64,
    /// Contacts whose issue an agent resolved.
    pub resolved: u64,
    /// Resolved by the first agent, with no transfer.
    pub resolved_first: u64,
    /// Answered contacts that left with their issue unresolved.
    pub unresolved: u64,
    /// Contacts transferred or escalated at least once.
    pub transferred: u64,
    /// Transfers and escalations, all together.
    pub transfers: u64,
    /// Contacts that abandoned while waiting after a transfer.
    pub abandoned_in_transfer: u64,
    /// Transfers answered by the receiving group.
    pub transfer_answered: u64,
    /// Sum of the waits of answered transfers, in seconds.
    pub transfer_wait_sum: f64,
}

impl QueueTally {
    /// Adds another tally to this one.
    pub fn merge(&mut self, o: &QueueTally) {
        self.arrivals += o.arrivals;
        self.redials += o.redials;
        self.repeats += o.repeats;
        self.returns_after_horizon += o.returns_after_horizon;
        self.bot_sessions += o.bot_sessions;
        self.bot_contained += o.bot_contained;
        self.bot_dropped += o.bot_dropped;
        self.bot_misrouted += o.bot_misrouted;
        self.responded += o.responded;
        self.first_response_sum += o.first_response_sum;
        self.offered += o.offered;
        self.answered += o.answered;
        self.answered_in_threshold += o.answered_in_threshold;
        self.abandoned += o.abandoned;
        self.wait_sum += o.wait_sum;
        self.resolved += o.resolved;
        self.resolved_first += o.resolved_first;
        self.unresolved += o.unresolved;
        self.transferred += o.transferred;
        self.transfers += o.transfers;
        self.abandoned_in_transfer += o.abandoned_in_transfer;
        self.transfer_answered += o.transfer_answered;
        self.transfer_wait_sum += o.transfer_wait_sum;
    }
}

/// Everything one replication records, indexed densely: cells are `interval × channel`,
/// group areas `interval × group`.
#[derive(Clone, Debug, Default)]
pub struct Tallies {
    /// Per interval and channel, `interval * n_channels + channel`.
    pub cells: Vec<QueueTally>,
    /// Wait histograms of answered contacts, same indexing as `cells`.
    pub waits: Vec<WaitHistogram>,
    /// Per category over the whole horizon, with the waits of its answered contacts.
    pub by_category: Vec<(QueueTally, WaitHistogram)>,
    /// Per priority class (highest first), with the waits of its answered contacts.
    pub by_class: Vec<(QueueTally, WaitHistogram)>,
    /// Busy agent-seconds per interval and group, `interval * n_groups + group`.
    pub busy_area: Vec<f64>,
    /// Staffed (present) agent-seconds per interval and group.
    pub staffed_area: Vec<f64>,
    /// Agent-seconds per group spent finishing contacts past the plan (after the warm-up,
    /// the drain after the horizon included).
    pub overtime: Vec<f64>,
    /// The same per interval and group, `interval * n_groups + group`; the drain after the
    /// horizon goes to the last interval, so the intervals add up to `overtime`.
    pub overtime_area: Vec<f64>,
    /// Events processed, stale ones included.
    pub events: u64,
    /// Arrivals generated, warm-up included.
    pub contacts: u64,
}

impl Tallies {
    /// Sizes and zeroes the tallies for `model`, reusing storage.
    pub fn reset(&mut self, model: &Model) {
        let cells = model.n_intervals * model.channels.len();
        let areas = model.n_intervals * model.groups.len();
        self.cells.clear();
        self.cells.resize(cells, QueueTally::default());
        self.waits.resize_with(cells, WaitHistogram::default);
        self.waits.iter_mut().for_each(WaitHistogram::clear);
        for (scopes, n) in [
            (&mut self.by_category, model.categories.len()),
            (&mut self.by_class, model.priority_levels.len()),
        ] {
            scopes.resize_with(n, Default::default);
            for (tally, waits) in scopes.iter_mut() {
                *tally = QueueTally::default();
                waits.clear();
            }
        }
        self.busy_area.clear();
        self.busy_area.resize(areas, 0.0);
        self.staffed_area.clear();
        self.staffed_area.resize(areas, 0.0);
        self.overtime.clear();
        self.overtime.resize(model.groups.len(), 0.0);
        self.overtime_area.clear();
        self.overtime_area.resize(areas, 0.0);
        self.events = 0;
        self.contacts = 0;
    }
}

/// Queue metrics of one scope in one replication; NaN where undefined (nothing offered).
/// Every field is an `f64` (`repr(C)`), so the metrics can be read as one array
/// ([`QueueMetrics::values`]) in field order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[repr(C)]
pub struct QueueMetrics {
    /// Contacts that arrived, before any bot (attempts: redials and repeats included).
    pub arrivals: f64,
    /// First attempts: arrivals that are neither redials nor repeats.
    pub unique_customers: f64,
    /// Redials / arrivals.
    pub redial_rate: f64,
    /// Repeat contacts / arrivals.
    pub repeat_rate: f64,
    /// Customers due back after the horizon (not simulated).
    pub returns_after_horizon: f64,
    /// E-mail contacts waiting at the end of the interval; for a channel or all channels,
    /// at the end of the horizon (0 for other scopes).
    pub backlog: f64,
    /// Bot sessions.
    pub bot_sessions: f64,
    /// Resolved by the bot / bot sessions.
    pub bot_containment: f64,
    /// Left during the bot session / bot sessions.
    pub bot_dropout: f64,
    /// Handed over to a wrong queue / handed over to humans.
    pub bot_misroute_rate: f64,
    /// Mean time to the first response (bot or agent), seconds.
    pub first_response_s: f64,
    /// Answered / offered: the share of contacts asking for a human that reach one.
    pub human_connect_rate: f64,
    /// Contacts offered to a human queue.
    pub offered: f64,
    /// Contacts answered by an agent.
    pub answered: f64,
    /// Contacts that abandoned the queue.
    pub abandoned: f64,
    /// Contacts still in the system when the run ended (waiting with no agent to come).
    pub unfinished: f64,
    /// Contacts resolved by an agent.
    pub resolved: f64,
    /// Answered contacts that left unresolved (no transfer target, or the cap reached).
    pub unresolved: f64,
    /// Contacts that abandoned while waiting after a transfer.
    pub abandoned_in_transfer: f64,
    /// Transfers and escalations per contact answered.
    pub transfers_per_answered: f64,
    /// Resolved / answered.
    pub resolution_rate: f64,
    /// Resolved by the first agent with no transfer / answered.
    pub first_contact_resolution: f64,
    /// Transferred at least once / answered.
    pub transfer_rate: f64,
    /// Mean wait of answered transfers, seconds.
    pub transfer_asa_s: f64,
    /// Answered within the threshold / offered.
    pub service_level: f64,
    /// Every contact of the scope that gave up waiting, in its first queue or in a queue
    /// after a transfer or escalation, over offered: (abandoned + abandoned_in_transfer) /
    /// offered.
    pub abandon_rate: f64,
    /// Mean wait of answered contacts, seconds.
    pub asa_s: f64,
    /// 90th percentile of the wait of answered contacts, seconds.
    pub wait_p90_s: f64,
    /// Contacts that gave up waiting in any queue: abandoned + abandoned_in_transfer.
    #[serde(default = "undefined")]
    pub abandoned_all: f64,
    /// Transferred contacts that gave up waiting after a transfer: abandoned_in_transfer /
    /// transferred.
    #[serde(default = "undefined")]
    pub transfer_abandon_rate: f64,
}

/// NaN: a metric a saved result does not hold.
fn undefined() -> f64 {
    f64::NAN
}

impl QueueMetrics {
    /// Number of fields.
    pub const FIELDS: usize = std::mem::size_of::<QueueMetrics>() / 8;

    /// The fields as an array, in declaration order.
    pub fn values(&self) -> [f64; QueueMetrics::FIELDS] {
        // SAFETY: `repr(C)` with only `f64` fields has the layout of `[f64; FIELDS]`
        // (the sizes are equal, checked by `transmute` at compile time).
        unsafe { std::mem::transmute::<QueueMetrics, [f64; QueueMetrics::FIELDS]>(*self) }
    }

    /// The metrics from an array in field order (the inverse of [`QueueMetrics::values`]).
    pub fn from_values(values: [f64; QueueMetrics::FIELDS]) -> QueueMetrics {
        // SAFETY: as in `values`.
        unsafe { std::mem::transmute::<[f64; QueueMetrics::FIELDS], QueueMetrics>(values) }
    }
}

impl GroupMetrics {
    /// Number of fields.
    pub const FIELDS: usize = std::mem::size_of::<GroupMetrics>() / 8;

    /// The fields as an array, in declaration order.
    pub fn values(&self) -> [f64; GroupMetrics::FIELDS] {
        // SAFETY: `repr(C)` with only `f64` fields has the layout of `[f64; FIELDS]`.
        unsafe { std::mem::transmute::<GroupMetrics, [f64; GroupMetrics::FIELDS]>(*self) }
    }

    /// The metrics from an array in field order.
    pub fn from_values(values: [f64; GroupMetrics::FIELDS]) -> GroupMetrics {
        // SAFETY: as in `values`.
        unsafe { std::mem::transmute::<[f64; GroupMetrics::FIELDS], GroupMetrics>(values) }
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

impl QueueMetrics {
    /// Metrics of a tally and the histogram of its answered waits.
    pub fn from_tally(t: &QueueTally, waits: &WaitHistogram) -> QueueMetrics {
        let offered = t.offered as f64;
        let answered = t.answered as f64;
        let abandoned = t.abandoned as f64;
        let sessions = t.bot_sessions as f64;
        QueueMetrics {
            arrivals: t.arrivals as f64,
            unique_customers: (t.arrivals - t.redials - t.repeats) as f64,
            redial_rate: ratio(t.redials as f64, t.arrivals as f64),
            repeat_rate: ratio(t.repeats as f64, t.arrivals as f64),
            returns_after_horizon: t.returns_after_horizon as f64,
            backlog: t.backlog as f64,
            bot_sessions: sessions,
            bot_containment: ratio(t.bot_contained as f64, sessions),
            bot_dropout: ratio(t.bot_dropped as f64, sessions),
            bot_misroute_rate: ratio(
                t.bot_misrouted as f64,
                (t.bot_sessions - t.bot_contained - t.bot_dropped) as f64,
            ),
            first_response_s: ratio(t.first_response_sum, t.responded as f64),
            human_connect_rate: ratio(answered, offered),
            offered,
            answered,
            abandoned,
            unfinished: offered
                - abandoned
                - (t.resolved + t.unresolved + t.abandoned_in_transfer) as f64,
            resolved: t.resolved as f64,
            unresolved: t.unresolved as f64,
            abandoned_in_transfer: t.abandoned_in_transfer as f64,
            transfers_per_answered: ratio(t.transfers as f64, answered),
            resolution_rate: ratio(t.resolved as f64, answered),
            first_contact_resolution: ratio(t.resolved_first as f64, answered),
            transfer_rate: ratio(t.transferred as f64, answered),
            transfer_asa_s: ratio(t.transfer_wait_sum, t.transfer_answered as f64),
            service_level: ratio(t.answered_in_threshold as f64, offered),
            abandon_rate: ratio(abandoned + t.abandoned_in_transfer as f64, offered),
            asa_s: ratio(t.wait_sum, answered),
            wait_p90_s: waits.quantile(0.9),
            abandoned_all: abandoned + t.abandoned_in_transfer as f64,
            transfer_abandon_rate: ratio(t.abandoned_in_transfer as f64, t.transferred as f64),
        }
    }
}

/// Occupancy metrics of one group scope in one replication (every field an `f64`,
/// `repr(C)`, readable as one array: [`GroupMetrics::values`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[repr(C)]
pub struct GroupMetrics {
    /// Busy agent-time / staffed agent-time (NaN when nobody was staffed).
    pub occupancy: f64,
    /// Mean number of agents present.
    pub staffed: f64,
    /// Scheduled (paid) agent-hours.
    pub scheduled_hours: f64,
    /// Scheduled agent-hours × hourly cost.
    pub cost: f64,
    /// Agent-hours spent finishing contacts past the plan (in the last interval and the
    /// whole run, the drain after the horizon included).
    pub overtime_hours: f64,
}

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
    pub fn from_tallies(
        model: &Model,
        t: &Tallies,
        scratch: &mut WaitHistogram,
    ) -> ReplicationOutcome {
        let n_ch = model.channels.len();
        let n_g = model.groups.len();
        let first = model.interval_of(model.warmup);
        let first = if (first as f64) * model.interval < model.warmup {
            first + 1
        } else {
            first
        };
        let reported = first..model.n_intervals;

        let mut intervals = Vec::with_capacity(reported.len() * n_ch);
        let mut by_channel = Vec::with_capacity(n_ch);
        let mut total_tally = QueueTally::default();
        let mut total_waits = WaitHistogram::default();
        let mut wait_cdf = Vec::with_capacity(n_ch);
        for k in reported.clone() {
            for ch in 0..n_ch {
                let cell = k * n_ch + ch;
                intervals.push(QueueMetrics::from_tally(&t.cells[cell], &t.waits[cell]));
            }
        }
        for ch in 0..n_ch {
            let mut tally = QueueTally::default();
            scratch.clear();
            for k in reported.clone() {
                let cell = k * n_ch + ch;
                tally.merge(&t.cells[cell]);
                scratch.merge(&t.waits[cell]);
            }
            // The backlog is a level: the channel's is the one left at the horizon.
            tally.backlog = t.cells[(model.n_intervals - 1) * n_ch + ch].backlog;
            by_channel.push(QueueMetrics::from_tally(&tally, scratch));
            wait_cdf.push(
                WAIT_THRESHOLDS_S
                    .iter()
                    .map(|&t| scratch.share_within(t))
                    .collect(),
            );
            total_tally.merge(&tally);
            total_tally.backlog += tally.backlog;
            total_waits.merge(scratch);
        }

        let span = reported.len() as f64 * model.interval;
        let mut group_intervals = Vec::with_capacity(reported.len() * n_g);
        for k in reported.clone() {
            for g in 0..n_g {
                let a = k * n_g + g;
                let group = &model.groups[g];
                let scheduled_hours = group.paid_hours[k];
                group_intervals.push(GroupMetrics {
                    occupancy: ratio(t.busy_area[a], t.staffed_area[a]),
                    staffed: t.staffed_area[a] / model.interval,
                    scheduled_hours,
                    cost: scheduled_hours * group.hourly_cost,
                    overtime_hours: t.overtime_area[a] / 3600.0,
                });
            }
        }
        let (mut all_busy, mut all_staffed) = (0.0, 0.0);
        let by_group: Vec<GroupMetrics> = (0..n_g)
            .map(|g| {
                let busy: f64 = reported.clone().map(|k| t.busy_area[k * n_g + g]).sum();
                let staffed: f64 = reported.clone().map(|k| t.staffed_area[k * n_g + g]).sum();
                all_busy += busy;
                all_staffed += staffed;
                let group = &model.groups[g];
                let scheduled_hours: f64 = reported.clone().map(|k| group.paid_hours[k]).sum();
                GroupMetrics {
                    occupancy: ratio(busy, staffed),
                    staffed: staffed / span,
                    scheduled_hours,
                    cost: scheduled_hours * group.hourly_cost,
                    overtime_hours: t.overtime[g] / 3600.0,
                }
            })
            .collect();

        let bot_cost: f64 = model
            .bots
            .iter()
            .map(|b| by_channel[b.channel.index()].bot_sessions * b.session_cost)
            .sum();
        let agent_cost: f64 = by_group.iter().map(|g| g.cost).sum();
        let totals = QueueMetrics::from_tally(&total_tally, &total_waits);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_are_within_a_bin() {
        let mut h = WaitHistogram::default();
        for i in 0..10_000 {
            h.add(i as f64 * 0.01);
        }
        let p90 = h.quantile(0.9);
        assert!((p90 - 90.0).abs() / 90.0 < 0.035, "p90 = {p90}");
        let mut z = WaitHistogram::default();
        for _ in 0..95 {
            z.add(0.0);
        }
        for _ in 0..5 {
            z.add(30.0);
        }
        assert_eq!(z.quantile(0.9), 0.0);
        assert!(z.quantile(0.99) >= 29.0);
    }

    #[test]
    fn bins_are_monotone() {
        let mut last = 0;
        let mut v = 1e-4;
        while v < 3e6 {
            let b = WaitHistogram::bin(v);
            assert!(b >= last);
            let (lo, hi) = WaitHistogram::bounds(b);
            assert!(
                b == 1 || b == N_BINS - 1 || (lo <= v && v < hi),
                "{v} not in [{lo}, {hi})"
            );
            last = b;
            v *= 1.01;
        }
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    #[test]
    fn metrics_read_as_arrays_in_field_order() {
        let q = QueueMetrics {
            arrivals: 1.0,
            offered: 13.0,
            wait_p90_s: 28.0,
            ..Default::default()
        };
        let v = q.values();
        assert_eq!(QueueMetrics::FIELDS, 30);
        assert_eq!((v[0], v[12], v[27]), (1.0, 13.0, 28.0));
        assert_eq!(QueueMetrics::from_values(v), q);
        let g = GroupMetrics {
            occupancy: 0.5,
            overtime_hours: 2.0,
            ..Default::default()
        };
        assert_eq!(GroupMetrics::FIELDS, 5);
        assert_eq!(g.values()[4], 2.0);
        assert_eq!(GroupMetrics::from_values(g.values()), g);
    }
}
