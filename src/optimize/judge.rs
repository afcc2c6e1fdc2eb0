//! Judging a simulated staffing against the targets, and raising the requirement where it
//! missed. A (channel, interval) pair is judged only when at least `min_offered` contacts
//! were offered in it per replication; a miss is the frontline's (service level, ASA,
//! abandonment in the first queue) or the back offices' (slow transfers, abandonment
//! after a transfer). Raises step a requirement up by 5 % (at least one agent), once per
//! group and interval in a round.

use super::Miss;
use super::requirements::{GroupRole, first_reported};
use crate::experiment::RunResult;
use crate::model::{Model, OptimizeSpec};

/// Per channel and reported interval: offered, service level, abandonment, ASA, transfer
/// ASA, averaged over the replications (NaN where undefined in every replication).
struct IntervalMeans {
    offered: Vec<f64>,
    service_level: Vec<f64>,
    abandon_rate: Vec<f64>,
    /// Abandoned in the first queue / offered: the part of the abandon rate the frontline
    /// answers for (the rest gave up waiting after a transfer, in a back office).
    frontline_abandon_rate: Vec<f64>,
    asa_s: Vec<f64>,
    transfer_asa_s: Vec<f64>,
}

fn interval_means(result: &RunResult, cells: usize) -> IntervalMeans {
    let mean = |f: &dyn Fn(&crate::stats::QueueMetrics) -> f64| -> Vec<f64> {
        (0..cells)
            .map(|i| {
                let (mut s, mut n) = (0.0, 0.0);
                for o in &result.outcomes {
                    let v = f(&o.intervals[i]);
                    if v.is_finite() {
                        s += v;
                        n += 1.0;
                    }
                }
                if n > 0.0 { s / n } else { f64::NAN }
            })
            .collect()
    };
    IntervalMeans {
        offered: mean(&|q| q.offered),
        service_level: mean(&|q| q.service_level),
        abandon_rate: mean(&|q| q.abandon_rate),
        frontline_abandon_rate: mean(&|q| {
            if q.offered > 0.0 {
                q.abandoned / q.offered
            } else {
                f64::NAN
            }
        }),
        asa_s: mean(&|q| q.asa_s),
        transfer_asa_s: mean(&|q| q.transfer_asa_s),
    }
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
    let n_ch = model.channels.len();
    let first = first_reported(model);
    let cells = (model.n_intervals - first) * n_ch;
    let m = interval_means(result, cells);
    let mut misses = Vec::new();
    let mut judged = 0;
    for i in 0..cells {
        let (k, c) = (first + i / n_ch, i % n_ch);
        if m.offered[i].is_nan() || m.offered[i] < spec.min_offered.max(1e-9) {
            continue;
        }
        judged += 1;
        let ch = &model.channels[c];
        let mut what = Vec::new();
        if m.service_level[i] < ch.service_level_target {
            what.push(format!(
                "service level {:.1}% < {:.0}%",
                m.service_level[i] * 100.0,
                ch.service_level_target * 100.0
            ));
        }
        // The abandon rate counts those who give up after a transfer too: when the first
        // queue alone is over the limit the frontline answers for it, else the back
        // offices that kept the transferred contacts waiting.
        let mut back_office_abandons = None;
        if let Some(max) = spec.max_abandon_rate
            && m.abandon_rate[i] > max
        {
            if m.frontline_abandon_rate[i] > max {
                what.push(format!(
                    "abandonment {:.2}% > {:.2}%",
                    m.abandon_rate[i] * 100.0,
                    max * 100.0
                ));
            } else {
                back_office_abandons = Some(format!(
                    "abandonment {:.2}% > {:.2}% ({:.2} points after transfers)",
                    m.abandon_rate[i] * 100.0,
                    max * 100.0,
                    (m.abandon_rate[i] - m.frontline_abandon_rate[i]) * 100.0
                ));
            }
        }
        if let Some(max) = spec.max_asa
            && m.asa_s[i] > max
        {
            what.push(format!("ASA {:.1}s > {:.1}s", m.asa_s[i], max));
        }
        if !what.is_empty() {
            misses.push((c, k, false, what.join(", ")));
        }
        let mut back = Vec::new();
        if m.transfer_asa_s[i] > spec.back_office.0 {
            back.push(format!(
                "transfers wait {:.1}s on average > {:.0}s",
                m.transfer_asa_s[i], spec.back_office.0
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
            start_s: k as f64 * model.interval,
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
    let first = first_reported(model);
    let occupancy = |g: usize, k: usize| -> f64 {
        result
            .estimate(|o| o.group_intervals[(k - first) * n_g + g].occupancy)
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
