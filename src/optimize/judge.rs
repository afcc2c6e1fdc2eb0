//! Judging a simulated staffing against the targets, and raising the requirement where it
//! missed. A (channel, interval) pair is judged only when the channel is open in some of
//! the interval (opening hours) and at least `min_offered` contacts were offered in it per
//! replication; a miss is the frontline's (service level, ASA,
//! abandonment in the first queue) or the back offices' (slow transfers, abandonment
//! after a transfer). Targets are judged on the mean over the replications; with a
//! `confidence` c, the frontline's are also judged day by day: the share of simulated days
//! on which the interval met all of them must have a one-sided 95 % Wilson lower bound of
//! at least c ([`wilson_lower`], with [`replications_for`] days). Raises step a requirement up by 5 % (at least one agent), once per
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

/// z of a one-sided 95 % bound: the standard normal quantile of 0.95.
const Z_95: f64 = 1.644_853_626_951_472_2;

/// The one-sided 95 % Wilson score lower bound of `met` successes in `days` trials
/// (Wilson 1927): (p̂ + z²/2n − z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = 1.645; 0 for no
/// trials. A true share of days below the bound is refuted at the 5 % level.
pub fn wilson_lower(met: u32, days: u32) -> f64 {
    if days == 0 {
        return 0.0;
    }
    let n = f64::from(days);
    let p = f64::from(met) / n;
    let z2 = Z_95 * Z_95;
    let centre = p + z2 / (2.0 * n);
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half) / (1.0 + z2 / n)).max(0.0)
}

/// The replications a check with `confidence` c simulates at least: the fewest days at
/// which a share of days halfway between c and every day, (1 + c) / 2, has a lower bound
/// ([`wilson_lower`]) of at least c. A roster whose days meet the targets that often
/// then passes about half the time, one at c itself at most one time in twenty: 11 days
/// at c = 0.5, 44 at 0.8, 98 at 0.9, 206 at 0.95, 1,072 at 0.99.
pub fn replications_for(confidence: f64) -> u32 {
    let p = (1.0 + confidence) / 2.0;
    let lower = |n: f64| {
        let z2 = Z_95 * Z_95;
        (p + z2 / (2.0 * n) - Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt())
            / (1.0 + z2 / n)
    };
    (2..100_000u32)
        .find(|&n| lower(f64::from(n)) >= confidence)
        .unwrap_or(100_000)
}

/// Whether one day's metrics of a judged interval meet its frontline targets: the
/// channel's service level, `max_asa` and `max_abandon_rate` on the first queue (the
/// abandonment the frontline answers for). A day on which nothing was offered misses
/// nothing.
fn day_meets(q: &crate::stats::QueueMetrics, target: f64, spec: &OptimizeSpec) -> bool {
    // Nothing offered (0, or NaN in a saved outcome): nothing to miss.
    if q.offered.is_nan() || q.offered <= 0.0 {
        return true;
    }
    let service_level = crate::stats::meets(q.service_level, target);
    // An undefined ASA (nobody answered) fails on the service level already.
    let asa = spec
        .max_asa
        .is_none_or(|m| q.asa_s.is_nan() || q.asa_s <= m);
    let abandonment = spec
        .max_abandon_rate
        .is_none_or(|m| q.abandoned / q.offered <= m);
    service_level && asa && abandonment
}

/// Per reported (interval, channel) cell `i` whose channel has target `target`: the days
/// that missed each frontline target — `[service level, ASA, abandonment]` (a day may miss
/// several).
pub fn days_missed_by(result: &RunResult, i: usize, target: f64, spec: &OptimizeSpec) -> [u32; 3] {
    let mut missed = [0; 3];
    for q in result.outcomes.iter().filter_map(|o| o.intervals.get(i)) {
        if q.offered.is_nan() || q.offered <= 0.0 {
            continue;
        }
        missed[0] += u32::from(!crate::stats::meets(q.service_level, target));
        missed[1] += u32::from(spec.max_asa.is_some_and(|m| q.asa_s > m));
        missed[2] += u32::from(
            spec.max_abandon_rate
                .is_some_and(|m| q.abandoned / q.offered > m),
        );
    }
    missed
}

/// Per reported (interval, channel) cell `i` whose channel has target `target`: the days
/// on which it met its frontline targets ([`day_meets`]), and the days simulated.
pub fn days_met(result: &RunResult, i: usize, target: f64, spec: &OptimizeSpec) -> (u32, u32) {
    let met = (result.outcomes.iter())
        .filter(|o| {
            o.intervals
                .get(i)
                .is_some_and(|q| day_meets(q, target, spec))
        })
        .count();
    (met as u32, result.outcomes.len() as u32)
}

/// The judged (channel, interval) cells: `(cell, interval, channel)`, in grid order. A
/// cell is judged when its channel is open in some of the interval and at least
/// `min_offered` contacts were offered in it per replication on average.
pub fn judged_cells(
    model: &Model,
    spec: &OptimizeSpec,
    result: &RunResult,
) -> Vec<(usize, usize, usize)> {
    let grid = model.reported_channel_grid();
    let first = model.first_reported_interval();
    let moments = result.interval_moments(model);
    (0..grid.len())
        .filter_map(|i| {
            let (k, c) = (first + i / grid.width, i % grid.width);
            if model.channel_closed_in(ChannelId::from_index(c), k) {
                return None;
            }
            let offered = QueueEstimates::from_fields(&moments.queue_cell(i))
                .offered
                .mean;
            (!offered.is_nan() && offered >= spec.min_offered.max(1e-9)).then_some((i, k, c))
        })
        .collect()
}

/// A judged interval that missed.
pub(super) struct RawMiss {
    /// The channel.
    channel: usize,
    /// The interval (of the horizon).
    interval: usize,
    /// A back office's miss (slow transfers, abandonment after a transfer).
    back: bool,
    /// An occupancy cap's miss: the group over it (raised alone).
    group: Option<usize>,
    /// What missed, in words.
    what: String,
}

/// The judged intervals that miss a target, and how many (channel, interval) pairs were
/// judged.
pub(super) fn judge(
    model: &Model,
    spec: &OptimizeSpec,
    result: &RunResult,
) -> (Vec<RawMiss>, usize) {
    let grid = model.reported_channel_grid();
    // The per-interval means over the replications, as the run's summary has them.
    let moments = result.interval_moments(model);
    let frontline_rates = frontline_abandon_rates(result, grid.len());
    let mut misses = Vec::new();
    let cells = judged_cells(model, spec, result);
    let judged = cells.len();
    for (i, k, c) in cells {
        let frontline = frontline_rates[i];
        let e = QueueEstimates::from_fields(&moments.queue_cell(i));
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
        if let Some(confidence) = spec.confidence {
            let (met, days) = days_met(result, i, ch.service_level_target, spec);
            let lower = wilson_lower(met, days);
            if lower < confidence {
                let missed = days_missed_by(result, i, ch.service_level_target, spec);
                let which: Vec<String> = (["service level", "ASA", "abandonment"].iter())
                    .zip(missed)
                    .filter(|(_, n)| *n > 0)
                    .map(|(name, n)| format!("{name} on {n}"))
                    .collect();
                what.push(format!(
                    "targets met on {met} of {days} days (95% lower bound {:.1}% < {:.0}%; missed: {})",
                    lower * 100.0,
                    confidence * 100.0,
                    which.join(", ")
                ));
            }
        }
        if !what.is_empty() {
            misses.push(RawMiss {
                channel: c,
                interval: k,
                back: false,
                group: None,
                what: what.join(", "),
            });
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
            misses.push(RawMiss {
                channel: c,
                interval: k,
                back: true,
                group: None,
                what: back.join(", "),
            });
        }
    }
    occupancy_misses(model, spec, result, &mut misses);
    (misses, judged)
}

/// The (interval, group) pairs whose mean occupancy passes the group's `max_occupancy`,
/// where the group's channels are open and its channel's interval is judged, as misses
/// of the group's channel (its role's: the one that sizes it).
fn occupancy_misses(
    model: &Model,
    spec: &OptimizeSpec,
    result: &RunResult,
    misses: &mut Vec<RawMiss>,
) {
    if spec.max_occupancy.iter().all(Option::is_none) {
        return;
    }
    let roles = super::requirements::roles(model);
    let judged: std::collections::HashSet<(usize, usize)> = (judged_cells(model, spec, result))
        .into_iter()
        .map(|(_, k, c)| (k, c))
        .collect();
    let moments = result.interval_moments(model);
    let (areas, first) = (model.reported_group_grid(), model.first_reported_interval());
    for (g, cap) in spec.max_occupancy.iter().enumerate() {
        let Some(cap) = *cap else { continue };
        let c = roles[g].channel;
        for k in model.reported_intervals() {
            if !judged.contains(&(k, c)) {
                continue;
            }
            let e = crate::stats::GroupEstimates::from_fields(
                &moments.group_cell(areas.at(k - first, g)),
            );
            let occupancy = e.occupancy.mean;
            if occupancy > cap {
                misses.push(RawMiss {
                    channel: c,
                    interval: k,
                    back: roles[g].back_office,
                    group: Some(g),
                    what: format!(
                        "{} occupancy {:.1}% > {:.0}%",
                        model.groups[g].name,
                        occupancy * 100.0,
                        cap * 100.0
                    ),
                });
            }
        }
    }
}

/// The distinct (channel, interval) pairs among `misses` (a channel's own miss and its
/// transfers' slow back office in one interval count once).
pub(super) fn missing_pairs(misses: &[RawMiss]) -> usize {
    let mut pairs: Vec<(usize, usize)> = misses.iter().map(|m| (m.channel, m.interval)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs.len()
}

/// The misses as reported: interval start, channel name, what missed.
pub(super) fn reported_misses(model: &Model, misses: Vec<RawMiss>) -> Vec<Miss> {
    misses
        .into_iter()
        .map(|m| Miss {
            start_s: model.display_time(m.interval as f64 * model.interval),
            channel: model.channels[m.channel].name.clone(),
            what: if m.back && m.group.is_none() {
                format!("back office: {}", m.what)
            } else {
                m.what
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
    for m in misses {
        let (c, k, back) = (m.channel, m.interval, m.back);
        if let Some(g) = m.group {
            if !bumped[g][k] {
                bumped[g][k] = true;
                required[g][k] += ((required[g][k] as f64) * 0.05).ceil().max(1.0) as u32;
            }
            continue;
        }
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
