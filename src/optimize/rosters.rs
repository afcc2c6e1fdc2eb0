//! The rosters of a round and what follows from them: every group's MIP (in parallel),
//! the joint containment LP where raises are on offer (kept only when they cost less
//! than the agents they save), the model staffed by a roster, the roster's lines and
//! costs, and the two-step baseline. Only [`super::roster`] talks to the solver.

use super::judge::{judge, missing_pairs, reported_misses};
use super::requirements::{self, GroupRole};
use super::{
    BASELINE_METHOD, Baseline, CostBreakdown, GroupCost, OptimizeError, OptimizeOptions,
    RosterLine, Verification, roster, simulate,
};
use crate::model::{Model, OptimizeSpec, RosterShift};
use rayon::prelude::*;

/// The two-step baseline ([`Baseline`]): every group's roster solved on `need` (the
/// Erlang requirement through shrinkage) with today's bots, simulated with the
/// optimizer's seed and replications, judged by the same rules.
pub(super) fn two_step_baseline(
    model: &Model,
    spec: &OptimizeSpec,
    options: &OptimizeOptions,
    solver: roster::Solver,
    candidates: &[Vec<roster::Candidate>],
    need: &[Vec<u32>],
) -> Result<Baseline, OptimizeError> {
    let solutions: Vec<roster::RosterSolution> = (0..model.groups.len())
        .into_par_iter()
        .map(|g| roster::solve(&group_problem(model, spec, candidates, need, g, solver)))
        .collect::<Result<Vec<_>, OptimizeError>>()?;
    let m = staffed_by(model, candidates, &solutions);
    let result = simulate(&m, spec, options)?;
    let (misses, judged) = judge(&m, spec, &result);
    let (roster, costs) = roster_summary(model, spec, candidates, &solutions, need);
    let simulated = Verification {
        model: m,
        result,
        seed: options.seed,
    };
    let agents: f64 = costs.iter().map(|c| c.cost).sum();
    Ok(Baseline {
        method: BASELINE_METHOD,
        cost_breakdown: CostBreakdown::new(agents, simulated.bot_cost(), 0.0),
        shortfall: costs.iter().map(|c| c.shortfall).sum(),
        costs,
        roster,
        intervals_judged: judged,
        intervals_missing: missing_pairs(&misses),
        targets_met: misses.is_empty(),
        misses: reported_misses(model, misses),
        simulated,
    })
}

/// The model staffed by each group's roster (today's bots).
pub(super) fn staffed_by(
    model: &Model,
    candidates: &[Vec<roster::Candidate>],
    solutions: &[roster::RosterSolution],
) -> Model {
    let mut m = model.clone();
    for (g, group) in m.groups.iter_mut().enumerate() {
        let shifts = rostered_shifts(&candidates[g], &solutions[g].agents);
        let (timeline, paid) = model.shift_timelines(&shifts);
        group.set_timelines(timeline, &paid, model.n_intervals, model.interval);
        group.shifts = shifts;
    }
    m
}

/// The roster's lines (sorted by group, then start) and each group's cost (`need`, the
/// scheduled need per group and interval, gives only the deprecated `naive_cost`).
pub(super) fn roster_summary(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<roster::Candidate>],
    solutions: &[roster::RosterSolution],
    need: &[Vec<u32>],
) -> (Vec<RosterLine>, Vec<GroupCost>) {
    let horizon_h = model.counted_horizon() / 3600.0;
    let counted = model.lead_in_intervals();
    let mut roster_lines = Vec::new();
    let mut costs = Vec::with_capacity(model.groups.len());
    for (g, group) in model.groups.iter().enumerate() {
        let mut headcount = 0;
        let mut paid_hours = 0.0;
        for (c, &n) in candidates[g].iter().zip(&solutions[g].agents) {
            if n == 0 {
                continue;
            }
            headcount += n;
            paid_hours += c.paid_hours * n as f64;
            roster_lines.push(RosterLine {
                group: group.name.clone(),
                shift: spec.shifts[c.template].name.clone(),
                start_s: c.shift.start,
                end_s: c.shift.start + c.shift.length,
                breaks: (c.shift.breaks.iter())
                    .map(|b| (b.start, b.length, b.paid))
                    .collect(),
                agents: n,
            });
        }
        costs.push(GroupCost {
            group: group.name.clone(),
            headcount,
            paid_hours,
            cost: solutions[g].cost,
            naive_cost: need[g].iter().copied().max().unwrap_or(0) as f64
                * horizon_h
                * group.hourly_cost,
            // A cyclic model's lead-in mirrors the counted day: counted once.
            shortfall: solutions[g].shortfall.iter().skip(counted).sum(),
            solver: solutions[g].status,
            gap: solutions[g].gap,
            lp_bound: solutions[g].lp_bound,
            path: solutions[g].path.clone(),
        });
    }
    roster_lines.sort_by(|a, b| {
        (a.group.as_str(), a.start_s)
            .partial_cmp(&(b.group.as_str(), b.start_s))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    (roster_lines, costs)
}

/// The containment raises on offer, each with the scheduled agents a point relieves per
/// group and interval: a point more of containment keeps 1 % of the category's bot
/// sessions from the frontline group that would take them (with the handover penalty),
/// and that load times the agents Erlang A needs per erlang there, after shrinkage.
pub(super) fn deflection_options(
    model: &Model,
    spec: &OptimizeSpec,
    roles: &[GroupRole],
    load: &[Vec<f64>],
) -> Vec<roster::DeflectionOption> {
    spec.deflections
        .iter()
        .map(|d| {
            let bot = &model.bots[d.bot.index()];
            let penalty = bot.handover_penalty.as_ref().map_or(0.0, |p| p.mean());
            let mut relief = Vec::new();
            let mut sessions_total = 0.0;
            for (t, ct) in model.contact_types.iter().enumerate() {
                if ct.channel != d.channel || ct.category != d.category {
                    continue;
                }
                let Some(&g) = ct.groups.first() else {
                    continue;
                };
                let g = g.index();
                let mean = requirements::mean_handle(model, g, t);
                for (k, group_load) in load[g].iter().enumerate() {
                    let sessions: f64 = (model.streams.iter())
                        .filter(|s| s.contact_type.index() == t)
                        .map(|s| s.rate_per_s[k] * model.interval)
                        .sum();
                    // A cyclic model's lead-in mirrors the counted day: costed once.
                    if k >= model.lead_in_intervals() {
                        sessions_total += sessions;
                    }
                    let a = *group_load;
                    // A closed interval's requirement is the drain, not Erlang-sized: a
                    // raise relieves nothing there.
                    let closed = model.group_closed_in(crate::ids::GroupId::from_index(g), k);
                    if sessions <= 0.0 || a <= 0.0 || closed {
                        continue;
                    }
                    let step = (0.25 * a).max(1.0);
                    let at = |x: f64| {
                        requirements::erlang_requirement(model, spec, g, &roles[g], k, x.max(0.0))
                            .unwrap_or(0) as f64
                    };
                    let per_erlang = ((at(a) - at(a - step)) / step).max(0.0);
                    // The interval's handle time (per-interval AHT) and shrinkage.
                    let aht = mean * ct.handle_scale_in(k) + penalty;
                    let erlangs_per_point = 0.01 * sessions * aht / model.interval;
                    let per_point =
                        per_erlang * erlangs_per_point / (1.0 - model.groups[g].shrinkage_in(k));
                    if per_point > 0.0 {
                        relief.push((g, k, per_point));
                    }
                }
            }
            roster::DeflectionOption {
                max_points: (d.max - d.today) * 100.0,
                cost_per_point: d.cost_per_point + d.cost_per_contained * 0.01 * sessions_total,
                relief,
            }
        })
        .collect()
}

/// Sets the bots' containment to today's plus the points bought.
pub(super) fn apply_deflections(model: &mut Model, spec: &OptimizeSpec, points: &[f64]) {
    for (d, &p) in spec.deflections.iter().zip(points) {
        model.bots[d.bot.index()].containment[d.category.index()] = d.today + p / 100.0;
    }
}

/// The rosters of one round.
pub(super) struct Rostered {
    /// Each group's roster.
    pub(super) solutions: Vec<roster::RosterSolution>,
    /// Points of each containment raise bought.
    pub(super) points: Vec<f64>,
    /// The scheduled need each roster covers (less the bots' relief where raises were
    /// bought).
    pub(super) covered_need: Vec<Vec<u32>>,
    /// With raises on offer: the agent cost of rostering the same need with today's bots.
    pub(super) cost_without_raises: Option<f64>,
    /// Seconds in the solver beyond the chosen rosters' own (the comparison rosters).
    pub(super) extra_solve_s: f64,
}

/// Every group's roster, each a MIP of its own, in parallel. Where containment raises are
/// on offer, the joint LP of the groups they relieve proposes the points; the relieved
/// groups are then rostered both on their need less the relief and on their whole need
/// (today's bots), and the raises are kept only if they cost less than the agent cost
/// they save in those whole-agent rosters.
pub(super) fn solve_rosters(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<roster::Candidate>],
    need: &[Vec<u32>],
    deflections: &[roster::DeflectionOption],
    solver: roster::Solver,
) -> Result<Rostered, OptimizeError> {
    let n_g = model.groups.len();
    let problem = |g: usize| group_problem(model, spec, candidates, need, g, solver);
    let joint: Vec<usize> = (0..n_g)
        .filter(|&g| {
            deflections
                .iter()
                .any(|d| d.relief.iter().any(|r| r.0 == g))
        })
        .collect();
    let mut solutions: Vec<Option<roster::RosterSolution>> = (0..n_g)
        .into_par_iter()
        .map(|g| {
            if joint.contains(&g) {
                Ok(None)
            } else {
                roster::solve(&problem(g)).map(Some)
            }
        })
        .collect::<Result<Vec<_>, OptimizeError>>()?;
    let mut rostered = Rostered {
        solutions: Vec::new(),
        points: vec![0.0; deflections.len()],
        covered_need: need.to_vec(),
        cost_without_raises: None,
        extra_solve_s: 0.0,
    };
    if !joint.is_empty() {
        let others: f64 = solutions.iter().flatten().map(|s| s.cost).sum();
        let chosen = solve_relieved(&joint, &problem, deflections, others, &mut rostered)?;
        for (&g, s) in joint.iter().zip(chosen) {
            solutions[g] = Some(s);
        }
    }
    rostered.solutions = solutions.into_iter().map(|s| s.expect("solved")).collect();
    Ok(rostered)
}

/// The roster problem of group `g` on the scheduled need `need[g]`.
fn group_problem<'a>(
    model: &'a Model,
    spec: &OptimizeSpec,
    candidates: &'a [Vec<roster::Candidate>],
    need: &'a [Vec<u32>],
    g: usize,
    solver: roster::Solver,
) -> roster::RosterProblem<'a> {
    roster::RosterProblem {
        group: &model.groups[g].name,
        need: &need[g],
        candidates: &candidates[g],
        hourly_cost: model.groups[g].hourly_cost,
        max_agents: spec.max_agents[g],
        max_part_time_share: spec.max_part_time_share,
        gap: spec.gap,
        time_limit: spec.time_limit,
        solver,
    }
}

/// The groups the raises relieve (`joint`): the joint LP proposes the points, each group
/// is rostered with and without the relief, and the cheaper side (raises included) is
/// returned, one solution per joint group. Fills in `rostered`'s points, covered need,
/// cost without raises (`others` is the cost of every other group) and extra solve time.
fn solve_relieved<'a>(
    joint: &[usize],
    problem: &(dyn Fn(usize) -> roster::RosterProblem<'a> + Sync),
    deflections: &[roster::DeflectionOption],
    others: f64,
    rostered: &mut Rostered,
) -> Result<Vec<roster::RosterSolution>, OptimizeError> {
    let position = |g: usize| joint.iter().position(|&x| x == g).expect("joint group");
    let options: Vec<roster::DeflectionOption> = deflections
        .iter()
        .map(|d| roster::DeflectionOption {
            relief: d
                .relief
                .iter()
                .map(|&(g, k, r)| (position(g), k, r))
                .collect(),
            ..d.clone()
        })
        .collect();
    let problems: Vec<roster::RosterProblem> = joint.iter().map(|&g| problem(g)).collect();
    let proposed = roster::deflection_points(&problems, &options)?;
    let relieved: Vec<Vec<u32>> = joint
        .iter()
        .map(|&g| relieved_need(problem(g).need, g, deflections, &proposed))
        .collect();
    // Both rosters of every relieved group, side by side.
    let solved: Vec<roster::RosterSolution> = (0..2 * joint.len())
        .into_par_iter()
        .map(|i| {
            let (k, with_raises) = (i / 2, i % 2 == 0);
            if with_raises {
                roster::solve(&roster::RosterProblem {
                    need: &relieved[k],
                    ..problem(joint[k])
                })
            } else {
                roster::solve(&problem(joint[k]))
            }
        })
        .collect::<Result<Vec<_>, OptimizeError>>()?;
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for (i, s) in solved.into_iter().enumerate() {
        if i % 2 == 0 {
            with.push(s);
        } else {
            without.push(s);
        }
    }
    let cost_with: f64 = with.iter().map(|s| s.cost).sum();
    let cost_without: f64 = without.iter().map(|s| s.cost).sum();
    let raises: f64 = (proposed.iter().zip(deflections))
        .map(|(p, d)| p * d.cost_per_point)
        .sum();
    rostered.cost_without_raises = Some(others + cost_without);
    let keep = proposed.iter().any(|&p| p > 1e-9) && cost_with + raises < cost_without;
    let (chosen, other) = if keep {
        (with, without)
    } else {
        (without, with)
    };
    rostered.extra_solve_s = other.iter().map(|s| s.solve_s).sum();
    if keep {
        rostered.points = proposed;
        for (k, &g) in joint.iter().enumerate() {
            rostered.covered_need[g] = relieved[k].clone();
        }
    }
    Ok(chosen)
}

/// Group `g`'s scheduled need less the agents the proposed points relieve, rounded up.
fn relieved_need(
    need: &[u32],
    g: usize,
    deflections: &[roster::DeflectionOption],
    proposed: &[f64],
) -> Vec<u32> {
    let mut less = vec![0.0; need.len()];
    for (d, &p) in deflections.iter().zip(proposed) {
        for &(h, k, per) in &d.relief {
            if h == g {
                less[k] += per * p;
            }
        }
    }
    (need.iter().zip(&less))
        .map(|(&n, &l)| (n as f64 - l - 1e-9).ceil().max(0.0) as u32)
        .collect()
}

/// Scheduled agents on the queues in interval `k` under a roster.
pub(super) fn covered(candidates: &[roster::Candidate], agents: &[u32], k: usize) -> u32 {
    candidates
        .iter()
        .zip(agents)
        .filter(|(c, _)| c.covers.contains(&k))
        .map(|(_, &n)| n)
        .sum()
}

/// The roster's shifts with their agent counts.
pub(super) fn rostered_shifts(
    candidates: &[roster::Candidate],
    agents: &[u32],
) -> Vec<RosterShift> {
    candidates
        .iter()
        .zip(agents)
        .filter(|(_, n)| **n > 0)
        .map(|(c, &n)| RosterShift {
            agents: n,
            ..c.shift.clone()
        })
        .collect()
}
