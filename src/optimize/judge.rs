//! Judging a simulated staffing against the targets, and raising the requirement where it
//! missed. A (channel, interval) pair is judged only when the channel is open in some of
//! the interval (opening hours) and at least `min_offered` contacts were offered in it per
//! replication; a miss is the frontline's (service level, ASA,
//! abandonment in the first queue) or the back offices' (slow transfers, abandonment
//! after a transfer). Raises step a requirement up by 5 % (at least one agent), once per
//! group and interval in a round.

use super::Miss;
use super::requirements::GroupRole;
use crate::experiment::RunResult;
use crate::ids::ChannelId;
use crate::model::{Model, OptimizeSpec};
use crate::stats::QueueEstimates;

/// Per reported interval and channel (the outcome's grid), the mean over the replications
/// of abandoned in the first queue / offered: the part of the abandon rate the frontline
/// answers for (the rest gave up waiting after a transfer, in a back office). NaN where
/// undefined in every replication.
fn frontline_abandon_rates(result: &RunResult, cells: usize) -> Vec<f64> {
    (0..cells)
        .map(|i| {
            let (mut s, mut n) = (0.0, 0.0);
            for o in &result.outcomes {
                let q = &o.intervals[i];
                if q.offered > 0.0 {
                    s += q.abandoned / q.offered;
                    n += 1.0;
                }
            }
            if n > 0.0 { s / n } else { f64::NAN }
        })
        .collect()
}

/// A judged interval that missed: `(channel, interval, back office, what)`.
pub(super) type RawMiss = (usize, usize, bool, String);

/// The judged intervals that miss a target, and how many (channel, interval) pairs were
/// judged.
pub(super) fn judge(
    model: &Model,
    spec: &OptimizeSpec,
    result: &RunResult,
) -> (Vec<RawMiss>, usize) {
    let grid = model.reported_channel_grid();
    let first = model.first_reported_interval();
    // The per-interval means over the replications, as the run's summary has them.
    let moments = result.interval_moments(model);
    let frontline = frontline_abandon_rates(result, grid.len());
    let mut misses = Vec::new();
    let mut judged = 0;
    for (i, &frontline) in frontline.iter().enumerate() {
        let (k, c) = (first + i / grid.width, i % grid.width);
        // A channel closed throughout the interval is not judged.
        if model.channel_closed_in(ChannelId::from_index(c), k) {
            continue;
        }
        let e = QueueEstimates::from_fields(&moments.queue_cell(i));
        let offered = e.offered.mean;
        if offered.is_nan() || offered < spec.min_offered.max(1e-9) {
            continue;
        }
        judged += 1;
        let ch = &model.channels[c];
        let mut what = Vec::new();
        if e.service_level.mean < ch.service_level_target {
            what.push(format!(
                "service level {:.1}% < {:.0}%",
                e.service_level.mean * 100.0,
                ch.service_level_target * 100.0
            ));
        }
        // The abandon rate counts those who give up after a transfer too: when the first
        // queue alone is over the limit the frontline answers for it, else the back
        // offices that kept the transferred contacts waiting.
        let mut back_office_abandons = None;
        if let Some(max) = spec.max_abandon_rate
            && e.abandon_rate.mean > max
        {
            if frontline > max {
                what.push(format!(
                    "abandonment {:.2}% > {:.2}%",
                    e.abandon_rate.mean * 100.0,
                    max * 100.0
                ));
            } else {
                back_office_abandons = Some(format!(
                    "abandonment {:.2}% > {:.2}% ({:.2} points after transfers)",
                    e.abandon_rate.mean * 100.0,
                    max * 100.0,
                    (e.abandon_rate.mean - frontline) * 100.0
                ));
            }
        }
        if let Some(max) = spec.max_asa
            && e.asa_s.mean > max
        {
            what.push(format!("ASA {:.1}s > {:.1}s", e.asa_s.mean, max));
        }
        if !what.is_empty() {
            misses.push((c, k, false, what.join(", ")));
        }
        let mut back = Vec::new();
        if e.transfer_asa_s.mean > spec.back_office.0 {
            back.push(format!(
                "transfers wait {:.1}s on average > {:.0}s",
                e.transfer_asa_s.mean, spec.back_office.0
            ));
        }
        back.extend(back_office_abandons);
        if !back.is_empty() {
            misses.push((c, k, true, back.join(", ")));
        }
    }
    (misses, judged)
}

/// The distinct (channel, interval) pairs among `misses` (a channel's own miss and its
/// transfers' slow back office in one interval count once).
pub(super) fn missing_pairs(misses: &[RawMiss]) -> usize {
    let mut pairs: Vec<(usize, usize)> = misses.iter().map(|m| (m.0, m.1)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs.len()
}

/// The misses as reported: interval start, channel name, what missed.
pub(super) fn reported_misses(model: &Model, misses: Vec<RawMiss>) -> Vec<Miss> {
    misses
        .into_iter()
        .map(|(c, k, back, what)| Miss {
            start_s: model.display_time(k as f64 * model.interval),
            channel: model.channels[c].name.clone(),
            what: if back {
                format!("back office: {what}")
            } else {
                what
            },
        })
        .collect()
}

/// Raises the requirement of the groups that answer for each miss: the frontline groups
/// of the channel, or for slow transfers the back offices that were busiest then.
pub(super) fn raise(
    required: &mut [Vec<u32>],
    roles: &[GroupRole],
    misses: &[RawMiss],
    model: &Model,
    result: &RunResult,
) {
    let n_g = model.groups.len();
    let (areas, first) = (model.reported_group_grid(), model.first_reported_interval());
    let occupancy = |g: usize, k: usize| -> f64 {
        result
            .estimate(|o| o.group_intervals[areas.at(k - first, g)].occupancy)
            .mean
    };
    let mut bumped = vec![vec![false; model.n_intervals]; required.len()];
    for &(c, k, back, _) in misses {
        let busiest = (0..n_g)
            .filter(|&g| roles[g].back_office)
            .max_by(|&a, &b| occupancy(a, k).total_cmp(&occupancy(b, k)));
        for (g, role) in roles.iter().enumerate() {
            let serves = if back {
                role.back_office && (occupancy(g, k) >= 0.8 || Some(g) == busiest)
            } else {
                !role.back_office && role.channel == c
            };
            if serves && !bumped[g][k] {
                bumped[g][k] = true;
                let step = ((required[g][k] as f64) * 0.05).ceil().max(1.0) as u32;
                required[g][k] += step;
            }
        }
    }
}
