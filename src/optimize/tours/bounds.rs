//! The bound on each group's tours ([`set_bounds`]), taken once on the final round.

use super::super::backend;
use super::super::backend::Solver;
use super::super::roster::Candidate;
use super::patterns::PatternRules;
use super::{
    DAY, TourSet, closed_days, joint, joint_contracts, joint_problem, pattern_rules,
    template_paid_hours, weeks,
};
use crate::model::{Model, OptimizeSpec};
use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};
use rayon::prelude::*;

/// Sets [`TourSet::group_bound`] on every group's sets (`sets`, the final round's) from
/// the need its roster covered (`covered_need`, per group and interval), groups in
/// parallel: [`joint::bound`], when every allowed day pattern of the group's contracts
/// could be listed, else over several weeks [`weeks_bound`]. Taken once, after the
/// rounds: with CBC it is an integer program.
pub fn set_bounds(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<Candidate>],
    sets: &mut [TourSet],
    covered_need: &[Vec<u32>],
    solver: Solver,
) {
    let n_days = (model.horizon / DAY).round() as usize;
    type Bound = Option<(f64, &'static str)>;
    let bounds: Vec<(Bound, Option<f64>)> = (0..candidates.len())
        .into_par_iter()
        .map(|g| {
            let mine: Vec<TourSet> = sets.iter().filter(|s| s.group == g).cloned().collect();
            if mine.is_empty() {
                return (None, None);
            }
            let (contracts, complete) = joint_contracts(model, spec, g, &mine, n_days);
            let mut p = joint_problem(
                spec,
                &covered_need[g],
                &candidates[g],
                &contracts,
                n_days,
                solver,
            );
            // A bound on tours that keep the share of part-time people when these do
            // (the tour-aware program makes them), on any tours otherwise.
            let people = |part: bool| -> usize {
                (mine.iter().zip(&contracts))
                    .filter(|(_, c)| !part || c.part_time)
                    .map(|(s, _)| s.tours.len())
                    .sum()
            };
            p.max_part_time_share = (spec.max_part_time_share)
                .filter(|&share| people(true) as f64 <= share * people(false) as f64 + 1e-9);
            let nets: Vec<(PatternRules, u32)> = (mine.iter())
                .map(|set| {
                    let c = &spec.contracts[set.contract];
                    let hours = (c.shifts.iter())
                        .map(|&t| template_paid_hours(spec, t))
                        .fold(0.0, f64::max);
                    (
                        pattern_rules(model, c, n_days as u32, hours),
                        closed_days(model, g, n_days),
                    )
                })
                .collect();
            let bound_of = |p: &joint::JointProblem| -> Bound {
                if complete {
                    joint::bound(p).ok()
                } else if n_days > 7 {
                    // Every tour through the weekly network instead of listed ones.
                    weeks_bound(p, &nets).ok()
                } else {
                    None
                }
            };
            let bound = bound_of(&p);
            // The share's price: the relaxed bound with it against without it.
            let price = p.max_part_time_share.and_then(|_| {
                let relaxed = |share: Option<f64>| {
                    let q = joint::JointProblem {
                        solver: Solver::Microlp,
                        max_part_time_share: share,
                        ..p
                    };
                    bound_of(&q).map(|b| b.0)
                };
                let with = match (solver, bound) {
                    (Solver::Microlp, Some(b)) => Some(b.0),
                    _ => relaxed(p.max_part_time_share),
                };
                // Below a microsecond's work a person: nothing (the LPs' rounding).
                let price = with? - relaxed(None)?;
                Some(if price > 1e-6 { price } else { 0.0 })
            });
            (bound, price)
        })
        .collect();
    for s in sets {
        s.group_bound = bounds[s.group].0.map(|b| b.0);
        s.bound_method = bounds[s.group].0.map_or("", |b| b.1);
        s.share_price = bounds[s.group].1;
    }
}

/// A lower bound on the paid hours of any tours of the group over several weeks whose
/// tours are too many to list (four weeks: millions): the tour-aware program — shifts and
/// people together, every person-day with a shift (`p.contracts[i]`'s shifts on day d
/// equal its people working d), every interval of `p.need` covered, the part-time share
/// when asked — with each contract's people a flow through the weekly network of its
/// rules and closed days (`nets[i]`; [`weeks::net_people`]), so every allowed tour is
/// counted; the start band (kept week by week) and rest are left out. Its linear
/// relaxation, and with CBC also the program in whole numbers (CBC's proven bound, never
/// below the relaxation). Returns the bound (hours) and how it was taken
/// ([`joint::METHODS`]); `Err`: the backend's reason (a need no shift covers among them).
pub(super) fn weeks_bound(
    p: &joint::JointProblem,
    nets: &[(PatternRules, u32)],
) -> Result<(f64, &'static str), String> {
    let settings = backend::Settings {
        gap: p.gap,
        time_limit: p.time_limit,
        start: Vec::new(),
    };
    let (program, xs) = weeks_program(p, nets, false);
    let relaxed = backend::solve(p.solver, program, &xs, &settings)?;
    let paid = |values: &[f64]| -> f64 {
        (p.candidates.iter().zip(values))
            .map(|(c, &x)| c.paid_hours * x.max(0.0))
            .sum()
    };
    let relaxed = paid(&relaxed.values);
    if p.solver != backend::Solver::Cbc {
        return Ok((relaxed, joint::METHODS[3]));
    }
    let (program, xs) = weeks_program(p, nets, true);
    let proven = backend::solve(p.solver, program, &xs, &settings)
        .ok()
        .map(|o| o.objective - o.gap.unwrap_or(0.0) * o.objective.abs())
        .filter(|b| b.is_finite());
    Ok((
        proven.map_or(relaxed, |b| b.max(relaxed)),
        joint::METHODS[2],
    ))
}

/// The program of [`weeks_bound`] (whole numbers when `whole`) and its agents per
/// candidate.
fn weeks_program(
    p: &joint::JointProblem,
    nets: &[(PatternRules, u32)],
    whole: bool,
) -> (backend::Program, Vec<Variable>) {
    let most = p.need.iter().map(|&n| n as f64).sum::<f64>().max(1.0);
    let mut vars = ProblemVariables::new();
    let xs: Vec<Variable> = (p.candidates.iter())
        .map(|_| {
            let v = variable().min(0).max(most);
            vars.add(if whole { v.integer() } else { v })
        })
        .collect();
    let mut constraints = Vec::new();
    let mut part = Expression::from(0.0);
    for (c, (rules, closed)) in p.contracts.iter().zip(nets) {
        let net = weeks::net_people(rules, *closed, &mut vars, whole, most);
        constraints.extend(net.constraints);
        for (d, people) in net.per_day.into_iter().enumerate() {
            let shifts: Expression = (p.candidates.iter().zip(&xs))
                .filter(|(cand, _)| c.templates.contains(&cand.template))
                .filter(|(cand, _)| joint::day_of(p, cand) == d)
                .map(|(_, &x)| Expression::from(x))
                .sum();
            constraints.push(constraint!(shifts == people));
        }
        if let Some(share) = p.max_part_time_share {
            // Part-time people at most `share` of all: Σ part (1 − share) − Σ full share ≤ 0.
            part += (if c.part_time { 1.0 - share } else { -share }) * net.people;
        }
    }
    if p.max_part_time_share.is_some() {
        constraints.push(constraint!(part <= 0.0));
    }
    for (k, &n) in p.need.iter().enumerate().filter(|(_, n)| **n > 0) {
        let on: Expression = (p.candidates.iter().zip(&xs))
            .filter(|(c, _)| c.covers.binary_search(&k).is_ok())
            .map(|(_, &x)| Expression::from(x))
            .sum();
        constraints.push(constraint!(on >= n as f64));
    }
    let mut objective = Expression::from(0.0);
    for (x, c) in xs.iter().zip(p.candidates) {
        objective += c.paid_hours.max(1e-6) * *x;
    }
    let program = backend::Program {
        vars,
        objective,
        constraints,
    };
    (program, xs)
}

#[cfg(test)]
mod tests {
    use super::super::joint::{JointContract, JointProblem};
    use super::super::patterns::{PatternRules, Weekends, enumerate};
    use super::*;
    use crate::model::RosterShift;
    use crate::optimize::backend::Solver;
    use crate::optimize::roster::Candidate;

    /// Over two weeks, where the tours can be listed, the bound through the weekly
    /// network equals the bound over the listed tours (both the relaxation of the same
    /// program), with and without a weekend rule and a closed day.
    #[test]
    fn the_network_bound_equals_the_listed_tours_bound_over_two_weeks() {
        use rand::{RngExt, SeedableRng};
        let candidates: Vec<Candidate> = (0..14)
            .map(|d| Candidate {
                template: 0,
                shift: RosterShift {
                    start: d as f64 * DAY + 8.0 * 3600.0,
                    length: 8.0 * 3600.0,
                    agents: 1,
                    breaks: Vec::new(),
                },
                covers: vec![d],
                paid_hours: 8.0,
                part_time: false,
            })
            .collect();
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
        for (weekends, closed) in [(None, 0), (Some(2), 1 << 6 | 1 << 13)] {
            let rules = PatternRules {
                n_days: 14,
                days: (4, 5),
                consecutive_days_off: 2,
                max_consecutive_days: Some(6),
                weekends: weekends.map(|every| Weekends {
                    every,
                    first_saturday: 5,
                }),
            };
            let patterns: Vec<u32> = (enumerate(&rules).into_iter())
                .filter(|m| m & closed == 0)
                .collect();
            let contracts = [JointContract {
                templates: vec![0],
                patterns,
                part_time: false,
                band: None,
            }];
            for _ in 0..3 {
                let need: Vec<u32> = (0..14)
                    .map(|d| {
                        if closed >> d & 1 == 1 {
                            0
                        } else {
                            rng.random_range(1..9)
                        }
                    })
                    .collect();
                let p = JointProblem {
                    need: &need,
                    candidates: &candidates,
                    contracts: &contracts,
                    n_days: 14,
                    solver: Solver::Microlp,
                    gap: 1e-6,
                    time_limit: 10.0,
                    max_part_time_share: None,
                };
                let (listed, _) = joint::bound(&p).expect("bounds");
                let (network, how) = weeks_bound(&p, &[(rules, closed)]).expect("bounds");
                assert!(
                    (listed - network).abs() < 1e-6,
                    "{need:?}: {listed} against {network}"
                );
                assert_eq!(how, joint::METHODS[3]);
                // Above the need's hours: every shift is 8 h.
                assert!(network >= 8.0 * need.iter().sum::<u32>() as f64 - 1e-6);
            }
        }
    }
}
