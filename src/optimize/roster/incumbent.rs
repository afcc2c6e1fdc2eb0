//! The roster every solve has before the MIP runs, and the yardstick both are measured by.
//!
//! The incumbent is the LP relaxation rounded up: each candidate's agents ceil'd (every
//! coverage coefficient is non-negative, so each interval stays covered), the limits
//! repaired (headcount cap, part-time share: the agent whose removal costs least goes
//! first), then a greedy pass that takes agents off the dearest shifts while every
//! interval they cover keeps its need. Without an LP solution it is built greedily from
//! nothing (the candidate covering the most missing agent-intervals per unit of cost,
//! one agent at a time). Both are measured by the MIP's own objective ([`objective`]):
//! paid hours × unit cost, the shortfall penalties, the containment points bought.

use super::{JointIndex, RosterProblem, penalty, unit};
use crate::optimize::roster::DeflectionOption;

/// Agents per group and candidate, points per containment raise.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    pub(super) agents: Vec<Vec<u32>>,
    pub(super) points: Vec<f64>,
}

/// One interval's shortfall cost with `covered` agents: the first half of its need at
/// the penalty, the rest at four times it (as in the MIP).
fn shortfall_cost(p: &RosterProblem, need: u32, covered: f64) -> f64 {
    if need == 0 {
        return 0.0;
    }
    let short = (need as f64 - covered).max(0.0);
    let shallow = need.div_ceil(2) as f64;
    penalty(p) * (short.min(shallow) + 4.0 * (short - shallow).max(0.0))
}

/// Scheduled agents covering each interval of group `g` under `agents` and the relief
/// of `points`.
fn coverage(
    p: &RosterProblem,
    index: &JointIndex,
    g: usize,
    agents: &[u32],
    points: &[f64],
) -> Vec<f64> {
    let mut covered = vec![0.0f64; p.need.len()];
    for (c, &n) in p.candidates.iter().zip(agents) {
        for &k in &c.covers {
            covered[k] += n as f64;
        }
    }
    for (k, r) in index.relief[g].iter().enumerate() {
        covered[k] += r.iter().map(|&(d, per)| per * points[d]).sum::<f64>();
    }
    covered
}

/// The MIP's objective for `plan` (shortfall variables at their best given the agents).
pub(super) fn objective(
    groups: &[RosterProblem],
    deflections: &[DeflectionOption],
    index: &JointIndex,
    plan: &Plan,
) -> f64 {
    let mut total: f64 = (deflections.iter().zip(&plan.points))
        .map(|(d, &x)| d.cost_per_point * x)
        .sum();
    for (g, p) in groups.iter().enumerate() {
        let covered = coverage(p, index, g, &plan.agents[g], &plan.points);
        total += (p.candidates.iter().zip(&plan.agents[g]))
            .map(|(c, &n)| c.paid_hours.max(1e-6) * unit(p) * n as f64)
            .sum::<f64>();
        total += (p.need.iter().zip(&covered))
            .map(|(&n, &c)| shortfall_cost(p, n, c))
            .sum::<f64>();
    }
    total
}

/// The LP relaxation's agents rounded up (`relaxed[g][j]`), limits repaired, then thinned;
/// or, without an LP solution, a greedy cover. Points are the LP's (none without it).
pub(super) fn incumbent(
    groups: &[RosterProblem],
    index: &JointIndex,
    relaxed: Option<(&[Vec<f64>], &[f64])>,
    n_points: usize,
) -> Plan {
    let points = relaxed.map_or(vec![0.0; n_points], |(_, pts)| pts.to_vec());
    let agents = (groups.iter().enumerate())
        .map(|(g, p)| {
            let mut agents = match relaxed {
                Some((x, _)) => x[g]
                    .iter()
                    .map(|&v| (v - 1e-7).ceil().max(0.0) as u32)
                    .collect(),
                None => greedy_cover(p, index, g, &points),
            };
            repair_limits(p, index, g, &points, &mut agents);
            thin(p, index, g, &points, &mut agents);
            agents
        })
        .collect();
    Plan { agents, points }
}

/// Whether one more part-time agent keeps the share (`part`, `total` before adding).
fn share_allows(p: &RosterProblem, part: u32, total: u32) -> bool {
    p.max_part_time_share
        .is_none_or(|s| (part + 1) as f64 <= s * (total + 1) as f64 + 1e-9)
}

/// Agents added one at a time to the candidate that covers the most missing
/// agent-intervals per unit of cost, within the limits, until nothing is missing or no
/// candidate helps.
fn greedy_cover(p: &RosterProblem, index: &JointIndex, g: usize, points: &[f64]) -> Vec<u32> {
    let mut agents = vec![0u32; p.candidates.len()];
    let mut covered = coverage(p, index, g, &agents, points);
    let (mut total, mut part) = (0u32, 0u32);
    loop {
        if p.max_agents.is_some_and(|m| total >= m) {
            break;
        }
        let mut best: Option<(f64, usize)> = None;
        for (j, c) in p.candidates.iter().enumerate() {
            if c.part_time && !share_allows(p, part, total) {
                continue;
            }
            let gain: f64 = (c.covers.iter())
                .map(|&k| (p.need[k] as f64 - covered[k]).clamp(0.0, 1.0))
                .sum();
            let score = gain / (c.paid_hours.max(1e-6) * unit(p));
            if gain > 1e-9 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, j));
            }
        }
        let Some((_, j)) = best else {
            break;
        };
        agents[j] += 1;
        total += 1;
        part += u32::from(p.candidates[j].part_time);
        for &k in &p.candidates[j].covers {
            covered[k] += 1.0;
        }
    }
    agents
}

/// Takes agents off, the one whose removal raises the objective least first, until the
/// headcount cap and the part-time share hold.
fn repair_limits(
    p: &RosterProblem,
    index: &JointIndex,
    g: usize,
    points: &[f64],
    agents: &mut [u32],
) {
    let mut covered = coverage(p, index, g, agents, points);
    loop {
        let total: u32 = agents.iter().sum();
        let part: u32 = (p.candidates.iter().zip(agents.iter()))
            .filter(|(c, _)| c.part_time)
            .map(|(_, &n)| n)
            .sum();
        let over_cap = p.max_agents.is_some_and(|m| total > m);
        let over_share = p
            .max_part_time_share
            .is_some_and(|s| part as f64 > s * total as f64 + 1e-9);
        if !over_cap && !over_share {
            return;
        }
        // Over the share only part-time agents go; over the cap, anyone.
        let mut best: Option<(f64, usize)> = None;
        for (j, c) in p.candidates.iter().enumerate() {
            if agents[j] == 0 || (over_share && !c.part_time) {
                continue;
            }
            let more: f64 = (c.covers.iter())
                .map(|&k| {
                    shortfall_cost(p, p.need[k], covered[k] - 1.0)
                        - shortfall_cost(p, p.need[k], covered[k])
                })
                .sum();
            let delta = more - c.paid_hours.max(1e-6) * unit(p);
            if best.is_none_or(|(d, _)| delta < d) {
                best = Some((delta, j));
            }
        }
        let Some((_, j)) = best else {
            return;
        };
        agents[j] -= 1;
        for &k in &p.candidates[j].covers {
            covered[k] -= 1.0;
        }
    }
}

/// Takes agents off the dearest shifts first while every interval they cover keeps its
/// need (an interval already short keeps every agent it has).
fn thin(p: &RosterProblem, index: &JointIndex, g: usize, points: &[f64], agents: &mut [u32]) {
    let mut covered = coverage(p, index, g, agents, points);
    let mut order: Vec<usize> = (0..agents.len()).filter(|&j| agents[j] > 0).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&p.candidates[a], &p.candidates[b]);
        cb.paid_hours
            .total_cmp(&ca.paid_hours)
            .then(ca.covers.len().cmp(&cb.covers.len()))
            .then(a.cmp(&b))
    });
    for j in order {
        let c = &p.candidates[j];
        let spare = (c.covers.iter())
            .map(|&k| (covered[k] - p.need[k] as f64 + 1e-9).floor().max(0.0) as u32)
            .min()
            .unwrap_or(agents[j]);
        let off = spare.min(agents[j]);
        // Taking agents off must keep the part-time share (fewer full-time agents raise it).
        let off = if c.part_time || p.max_part_time_share.is_none() {
            off
        } else {
            (0..=off)
                .rev()
                .find(|&n| share_holds(p, agents, n))
                .unwrap_or(0)
        };
        if off == 0 {
            continue;
        }
        agents[j] -= off;
        for &k in &c.covers {
            covered[k] -= off as f64;
        }
    }
}

/// Whether the part-time share holds with `off` full-time agents taken off.
fn share_holds(p: &RosterProblem, agents: &[u32], off: u32) -> bool {
    let Some(share) = p.max_part_time_share else {
        return true;
    };
    let total: u32 = agents.iter().sum::<u32>() - off;
    let part: u32 = (p.candidates.iter().zip(agents))
        .filter(|(c, _)| c.part_time)
        .map(|(_, &n)| n)
        .sum();
    part as f64 <= share * total as f64 + 1e-9
}
