//! Stage 1 made aware of the tours: one group's shifts chosen together with how many
//! people work each day pattern of each contract, so that every person-day has a shift
//! (the shifts of a contract's templates on day d equal the people of the contract working
//! day d) and every interval's need is covered, at least paid hours — the implicit tour
//! model of the literature, without rest and band (stage 3 keeps those). Its answer
//! replaces stage 1's shifts when its tours come out cheaper (see [`super::group_tours`]).

use super::super::backend::{self, Solver};
use super::assign::DAY;
use crate::optimize::roster::Candidate;
use good_lp::{Expression, ProblemVariables, constraint, variable};

/// One contract of the group: its templates and allowed day patterns.
pub struct JointContract {
    /// Indices into `[[optimize.shift]]`.
    pub templates: Vec<usize>,
    /// Allowed day patterns.
    pub patterns: Vec<u32>,
    /// Its people count towards `max_part_time_share` (its templates are part-time).
    pub part_time: bool,
}

/// The joint problem of one group.
pub struct JointProblem<'a> {
    /// Scheduled agents to cover per interval.
    pub need: &'a [u32],
    /// The group's candidate shifts.
    pub candidates: &'a [Candidate],
    /// Its contracts.
    pub contracts: &'a [JointContract],
    /// Days in the horizon.
    pub n_days: usize,
    /// Backend, gap, time limit.
    pub solver: Solver,
    /// Relative gap.
    pub gap: f64,
    /// Seconds.
    pub time_limit: f64,
    /// Most part-time people as a share of the group's people (`[optimize]
    /// max_part_time_share`), when limited.
    pub max_part_time_share: Option<f64>,
}

/// Agents per candidate, or why the backend gave no whole answer.
pub fn solve(p: &JointProblem) -> Result<Vec<u32>, String> {
    let mut vars = ProblemVariables::new();
    // Surplus days may put more people on a shift than its intervals need: the bound is
    // the whole need.
    let most = p.need.iter().map(|&n| n as f64).sum::<f64>().max(1.0);
    let xs: Vec<_> = (p.candidates.iter())
        .map(|_| vars.add(variable().integer().min(0).max(most)))
        .collect();
    let ys: Vec<Vec<_>> = (p.contracts.iter())
        .map(|c| {
            (c.patterns.iter())
                .map(|_| vars.add(variable().integer().min(0).max(most)))
                .collect()
        })
        .collect();
    let longest = p
        .candidates
        .iter()
        .map(|c| c.paid_hours)
        .fold(1.0, f64::max);
    let shorts: Vec<_> = (p.need.iter())
        .map(|&n| vars.add(variable().min(0).max(n as f64)))
        .collect();
    let mut objective = Expression::from(0.0);
    for (x, c) in xs.iter().zip(p.candidates) {
        objective += c.paid_hours.max(1e-6) * *x;
    }
    for y in ys.iter().flatten() {
        objective += 1e-3 * *y;
    }
    for s in &shorts {
        objective += 100.0 * longest * *s;
    }
    let mut constraints = Vec::new();
    for (k, (&n, s)) in p.need.iter().zip(&shorts).enumerate() {
        if n == 0 {
            continue;
        }
        let mut on = Expression::from(*s);
        for (x, c) in xs.iter().zip(p.candidates) {
            if c.covers.binary_search(&k).is_ok() {
                on += *x;
            }
        }
        constraints.push(constraint!(on >= n as f64));
    }
    for (c, y) in p.contracts.iter().zip(&ys) {
        for d in 0..p.n_days {
            let mut shifts = Expression::from(0.0);
            for (x, cand) in xs.iter().zip(p.candidates) {
                let day = ((cand.shift.start / DAY + 1e-9).floor() as usize).min(p.n_days - 1);
                if day == d && c.templates.contains(&cand.template) {
                    shifts += *x;
                }
            }
            let mut people = Expression::from(0.0);
            for (v, m) in y.iter().zip(&c.patterns) {
                if m >> d & 1 == 1 {
                    people += *v;
                }
            }
            constraints.push(constraint!(shifts == people));
        }
    }
    if let Some(share) = p.max_part_time_share {
        // Part-time people at most `share` of all: Σ part (1 − share) − Σ full share ≤ 0.
        let mut part = Expression::from(0.0);
        for (c, y) in p.contracts.iter().zip(&ys) {
            let weight = if c.part_time { 1.0 - share } else { -share };
            for v in y {
                part += weight * *v;
            }
        }
        constraints.push(constraint!(part <= 0.0));
    }
    let program = backend::Program {
        vars,
        objective,
        constraints,
    };
    let settings = backend::Settings {
        gap: p.gap,
        time_limit: p.time_limit,
        start: Vec::new(),
    };
    let outcome = backend::solve(p.solver, program, &xs, &settings)?;
    if let Some((_, v)) = backend::first_fractional(&outcome.values, 1e-6) {
        return Err(format!("a non-integral roster ({v} agents on a shift)"));
    }
    Ok((outcome.values.iter())
        .map(|v| v.round().max(0.0) as u32)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::cover::baker_closed_form;
    use super::super::patterns::{PatternRules, enumerate};
    use super::*;
    use crate::model::RosterShift;

    /// One 8-hour shift a day, covering that day's one interval.
    fn daily_candidates() -> Vec<Candidate> {
        (0..7)
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
            .collect()
    }

    /// With five-day people who take two days off in a row and one shift a day, the
    /// tour-aware roster pays Baker's least workforce for five days each.
    #[test]
    fn the_joint_roster_pays_baker_s_workforce_five_days_each() {
        let candidates = daily_candidates();
        let patterns = enumerate(&PatternRules {
            n_days: 7,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: None,
        });
        let contracts = [JointContract {
            templates: vec![0],
            patterns,
            part_time: false,
        }];
        for need in [
            [3, 3, 3, 3, 3, 3, 3],
            [5, 5, 5, 5, 5, 1, 1],
            [3, 3, 0, 3, 0, 3, 0],
            [6, 6, 1, 6, 1, 6, 1],
        ] {
            let agents = solve(&JointProblem {
                need: &need,
                candidates: &candidates,
                contracts: &contracts,
                n_days: 7,
                solver: Solver::Microlp,
                gap: 1e-6,
                time_limit: 10.0,
                max_part_time_share: None,
            })
            .expect("solves");
            let days: u32 = agents.iter().sum();
            assert_eq!(days, 5 * baker_closed_form(&need), "{need:?}");
            assert!(
                agents.iter().zip(&need).all(|(a, n)| a >= n),
                "{need:?}: {agents:?}"
            );
        }
    }
}
