//! The tour-aware shifts ([`super::joint`]) in whole numbers, in two steps, for programs
//! the backend cannot solve whole in its time limit (a week at 15-minute intervals: CBC
//! finds no whole roster of its 3,360 candidates and 6,000 day-pattern variables in a
//! minute). First the people: the joint program with whole people per day pattern and
//! start anchor (anchors a band apart) and continuous shifts — with CBC made whole on the
//! support of its relaxation ([`people_in_whole`]). Then the shifts, day by day: each
//! day's agents per candidate in whole numbers, as many shifts of each anchor's window as
//! its people working that day, covering the need left by the days before (their shifts
//! reach past midnight) and by the days after (the first step's shifts). Each day's
//! program is a day's roster: small, and solved whole. The people by anchor and the
//! shifts each day gives each anchor are kept as a plan ([`Plan`]): tours as they stand,
//! which stage 3 places without solving stage 2 again.

use super::super::backend::{self, Settings, Solver};
use super::anchored::Plan;
use super::joint::{self, JointProblem, Shape, Whole, day_of, time_of_day};
use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};

/// Seconds the first step's relaxation may take at least: it is the fallback (an LP,
/// which finishes), and at the 10 s of the tour-aware program microlp lost three of the
/// four groups of the 15-minute benchmark week on a loaded 2-core machine.
const RELAXATION_TIME_LIMIT: f64 = 60.0;

/// Agents per candidate in whole numbers and the day patterns of the first step's people,
/// or why a step gave no whole answer.
pub(super) fn solve(p: &JointProblem) -> Result<joint::Solved, String> {
    let settings = Settings {
        gap: p.gap,
        time_limit: p.time_limit,
        start: Vec::new(),
    };
    let joint::Built {
        program,
        xs,
        ys,
        people: per_pattern,
        layouts,
    } = joint::program(
        p,
        Shape {
            whole: Whole::People,
            window: Some(1.0),
            coarse: true,
            charge_people: true,
        },
    );
    let firsts = people_in_whole(p, program, &read_of(&xs, &ys), &settings)?;
    let mut best: Option<((u32, u32, f64), joint::Solved)> = None;
    let mut failed = None;
    for (shifts, people) in firsts {
        match days_for(p, &settings, &layouts, &per_pattern, &shifts, &people) {
            Ok((solved, extra)) => {
                let rank = (
                    joint::short(p, &solved.agents),
                    extra,
                    paid(p, &solved.agents),
                );
                if best.as_ref().is_none_or(|b| rank < b.0) {
                    best = Some((rank, solved));
                }
            }
            Err(e) => failed = Some(e),
        }
    }
    match (best, failed) {
        (Some((_, solved)), _) => Ok(solved),
        (None, Some(e)) => Err(e),
        (None, None) => Err("the people step gave no answer".into()),
    }
}

/// Paid hours of `agents` (per candidate).
fn paid(p: &JointProblem, agents: &[u32]) -> f64 {
    (p.candidates.iter().zip(agents))
        .map(|(c, &n)| c.paid_hours * n as f64)
        .sum()
}

/// The day steps for one answer of the first step: `shifts` (continuous agents per
/// candidate) and `people` (whole, per contract, anchor and day pattern in
/// [`joint::Built::ys`]'s order; `per_pattern` and `layouts` as the program built them).
fn days_for(
    p: &JointProblem,
    settings: &Settings,
    layouts: &[(Vec<f64>, Option<f64>)],
    per_pattern: &[Vec<Vec<Variable>>],
    shifts: &[f64],
    people: &[f64],
) -> Result<(joint::Solved, u32), String> {
    // People per contract, anchor and day.
    let mut ys = people.iter();
    let per_day: Vec<Vec<Vec<u32>>> = (p.contracts.iter().zip(per_pattern))
        .map(|(c, anchors)| {
            (anchors.iter())
                .map(|patterns| {
                    let mut days = vec![0u32; p.n_days];
                    for (_, m) in patterns.iter().zip(&c.patterns) {
                        let n = ys.next().map_or(0, |v| v.round().max(0.0) as u32);
                        for (d, day) in days.iter_mut().enumerate() {
                            if m >> d & 1 == 1 {
                                *day += n;
                            }
                        }
                    }
                    days
                })
                .collect()
        })
        .collect();
    // The days share the time limit.
    let each_day = Settings {
        time_limit: (p.time_limit / p.n_days as f64).max(1.0),
        gap: settings.gap,
        start: Vec::new(),
    };
    let mut agents = vec![0u32; p.candidates.len()];
    let mut covered = vec![0.0; p.need.len()];
    // Per contract with a band, its plan: people by anchor, and each day's shifts by
    // anchor as the day steps give them.
    let mut plans = plans_of(p, layouts, people);
    let mut extra = 0;
    for d in 0..p.n_days {
        let day = DayStep {
            p,
            day: d,
            layouts,
            people: &per_day,
            relaxed: shifts,
        };
        extra += day.solve(&each_day, &mut agents, &mut covered, &mut plans)?;
    }
    let solved = joint::Solved {
        agents,
        patterns: joint::used_patterns(p, layouts, people),
        plans,
    };
    Ok((solved, extra))
}

/// Per contract (in `p.contracts` order): with a start band, its anchored plan with the
/// first step's people (`people`, in [`joint::Built::ys`]'s order) by anchor and no
/// shifts yet (the day steps give them); without one, `None`.
fn plans_of(
    p: &JointProblem,
    layouts: &[(Vec<f64>, Option<f64>)],
    people: &[f64],
) -> Vec<Option<Plan>> {
    let mut values = people.iter();
    (p.contracts.iter().zip(layouts))
        .map(|(c, (anchors, window))| {
            let by_anchor: Vec<Vec<u32>> = (anchors.iter())
                .map(|_| {
                    let mut mine = Vec::new();
                    for &m in &c.patterns {
                        let n = values.next().map_or(0, |v| v.round().max(0.0) as usize);
                        mine.extend(std::iter::repeat_n(m, n));
                    }
                    mine
                })
                .collect();
            window.map(|w| Plan {
                window: w,
                anchors: anchors.clone(),
                people: by_anchor,
                split: vec![vec![Vec::new(); anchors.len()]; p.n_days],
            })
        })
        .collect()
}

/// The first step's answer: agents per candidate (continuous) and people per contract,
/// anchor and day pattern in whole numbers.
///
/// With CBC the program is first relaxed, and the people are then made whole on the
/// relaxation's **support** only (every day pattern and anchor with people in the
/// relaxation free, the others none; shifts still continuous): about a hundred whole
/// variables instead of 840 on the week at 15-minute intervals, whose answers CBC finds
/// within 0.5–0.9 % of the relaxation in seconds, where over all of them it stopped at
/// 0.8–2.4 % in 10 s (the restricted program gets half the time limit: the relaxation and
/// the day steps share the rest). With microlp a program of at most
/// [`joint::WHOLE_PEOPLE`] people variables is solved whole. Where neither gives a whole
/// answer (microlp's branch and bound finds none in its limit on larger programs), the
/// relaxation's people are rounded to the nearest whole (the day steps then give an
/// anchor's people more or fewer shifts).
fn people_in_whole(
    p: &JointProblem,
    program: backend::Program,
    read: &[Variable],
    settings: &Settings,
) -> Result<Vec<FirstStep>, String> {
    let n = p.candidates.len();
    let large = read.len() - n > joint::WHOLE_PEOPLE;
    if p.solver == Solver::Microlp && !large {
        let whole = backend::solve(p.solver, program, read, settings);
        if let Ok(o) = whole
            && backend::first_fractional(&o.values[n..], 1e-6).is_none()
        {
            let (x, y) = o.values.split_at(n);
            return Ok(vec![(x.to_vec(), y.to_vec())]);
        }
    }
    let shape = |whole| Shape {
        whole,
        window: Some(1.0),
        coarse: true,
        charge_people: true,
    };
    let relaxed = joint::program(p, shape(Whole::Nothing));
    let read = read_of(&relaxed.xs, &relaxed.ys);
    let lp = Settings {
        gap: settings.gap,
        time_limit: settings.time_limit.max(RELAXATION_TIME_LIMIT),
        start: Vec::new(),
    };
    let o = backend::solve(p.solver, relaxed.program, &read, &lp)
        .map_err(|e| format!("the people step: {e}"))?;
    let (x, y) = o.values.split_at(n);
    let rounded = (x.to_vec(), y.iter().map(|v| v.max(0.0).round()).collect());
    // With CBC the relaxation rounded is only the fallback: its people leave whole
    // shifts with nobody (11–27 person-days on the benchmark week's groups).
    Ok(match p.solver {
        Solver::Cbc => vec![whole_on_support(p, y, settings).unwrap_or(rounded)],
        Solver::Microlp => vec![rounded],
    })
}

/// The people program ([`Whole::People`], coarse anchors) with people only where the
/// relaxation has some (`relaxed`: its people, in [`joint::Built::ys`]'s order), solved by
/// the backend at `settings`' gap and half its time limit: agents per candidate and whole
/// people, or `None` when the backend gave no whole answer.
fn whole_on_support(p: &JointProblem, relaxed: &[f64], settings: &Settings) -> Option<FirstStep> {
    let n = p.candidates.len();
    let mut built = joint::program(
        p,
        Shape {
            whole: Whole::People,
            window: Some(1.0),
            coarse: true,
            charge_people: true,
        },
    );
    for (y, &v) in built.ys.iter().zip(relaxed) {
        if v <= SUPPORT {
            built.program.constraints.push(constraint!(*y <= 0.0));
        }
    }
    let read = read_of(&built.xs, &built.ys);
    let half = Settings {
        gap: settings.gap,
        time_limit: (settings.time_limit / 2.0).max(1.0),
        start: Vec::new(),
    };
    let mut best: Option<backend::Outcome> = None;
    for seed in SEEDS {
        let program = backend::Program {
            vars: built.program.vars.clone(),
            objective: built.program.objective.clone(),
            constraints: built.program.constraints.clone(),
        };
        let Ok(o) = backend::solve_seeded(p.solver, program, &read, &half, seed) else {
            continue;
        };
        if backend::first_fractional(&o.values[n..], 1e-6).is_some() {
            continue;
        }
        let close = o.gap.is_some_and(|g| g <= 2.0 * settings.gap + 1e-9);
        if best.as_ref().is_none_or(|b| o.objective < b.objective) {
            best = Some(o);
        }
        if close {
            break;
        }
    }
    let o = best?;
    let (x, y) = o.values.split_at(n);
    Some((x.to_vec(), y.to_vec()))
}

/// CBC's random seeds ([`backend::solve_seeded`]) of the attempts at the whole people on
/// the relaxation's support: a second attempt is made when the first stops (by its time
/// limit) more than twice the gap from its bound. On the benchmark week's smallest group
/// one attempt in two ends at 1,340 h (0.9 % from the bound), the others at 1,360–1,380 h.
const SEEDS: [Option<u32>; 2] = [None, Some(1)];

/// An answer of the first step: agents per candidate (continuous) and people per
/// contract, anchor and day pattern (whole), in [`joint::Built::ys`]'s order.
type FirstStep = (Vec<f64>, Vec<f64>);

/// Shifts of a day handed to anchors: `(contract, anchor, start time of day, agents)`.
type Handed = Vec<(usize, usize, f64, Variable)>;

/// People of the relaxation at or below which a day pattern and anchor is left out of the
/// whole program ([`whole_on_support`]).
const SUPPORT: f64 = 1e-6;

/// The variables to read: agents per candidate, then people.
fn read_of(xs: &[Variable], ys: &[Variable]) -> Vec<Variable> {
    xs.iter().chain(ys).copied().collect()
}

/// One day's shifts for the people of the first step.
struct DayStep<'a> {
    p: &'a JointProblem<'a>,
    day: usize,
    /// Per contract: its anchors and window.
    layouts: &'a [(Vec<f64>, Option<f64>)],
    /// People per contract, anchor and day.
    people: &'a [Vec<Vec<u32>>],
    /// The first step's (continuous) agents per candidate.
    relaxed: &'a [f64],
}

impl DayStep<'_> {
    /// Solves the day whole, writing its agents into `agents` and their coverage into
    /// `covered`.
    fn solve(
        &self,
        settings: &Settings,
        agents: &mut [u32],
        covered: &mut [f64],
        plans: &mut [Option<Plan>],
    ) -> Result<u32, String> {
        let p = self.p;
        let mine: Vec<usize> = (0..p.candidates.len())
            .filter(|&j| day_of(p, &p.candidates[j]) == self.day)
            .collect();
        if mine.is_empty() {
            return Ok(0);
        }
        let most = p.need.iter().map(|&n| n as f64).sum::<f64>().max(1.0);
        let longest = (p.candidates.iter())
            .map(|c| c.paid_hours)
            .fold(1.0, f64::max);
        let mut vars = ProblemVariables::new();
        let xs: Vec<Variable> = (mine.iter())
            .map(|_| vars.add(variable().integer().min(0).max(most)))
            .collect();
        let mut objective = Expression::from(0.0);
        for (x, &j) in xs.iter().zip(&mine) {
            objective += p.candidates[j].paid_hours.max(1e-6) * *x;
        }
        let mut constraints = Vec::new();
        // The need this day's shifts reach, less what the days before cover and what the
        // first step gave the days after.
        let mut later = vec![0.0; p.need.len()];
        for (j, c) in p.candidates.iter().enumerate() {
            if day_of(p, c) > self.day {
                for &k in &c.covers {
                    later[k] += self.relaxed[j];
                }
            }
        }
        let mut on: Vec<Option<Expression>> = vec![None; p.need.len()];
        for (x, &j) in xs.iter().zip(&mine) {
            for &k in &p.candidates[j].covers {
                *on[k].get_or_insert_with(|| Expression::from(0.0)) += *x;
            }
        }
        for (k, e) in on.into_iter().enumerate() {
            let want = p.need[k] as f64 - covered[k] - later[k];
            if let Some(e) = e.filter(|_| want > 1e-6) {
                let short = vars.add(variable().min(0).max(want));
                objective += 100.0 * longest * short;
                constraints.push(constraint!(e + short >= want));
            }
        }
        let mut rows = backend::Program {
            vars,
            objective,
            constraints,
        };
        let (given, extras) = self.hand_to_anchors(&mine, &xs, &mut rows);
        let read: Vec<Variable> = (xs.iter().copied())
            .chain(given.iter().map(|g| g.3))
            .chain(extras)
            .collect();
        let outcome = backend::solve(p.solver, rows, &read, settings)?;
        let (x, rest) = outcome.values.split_at(xs.len());
        let (z, e) = rest.split_at(given.len());
        let whole = joint::whole_agents(x).map_err(|e| format!("day {}: {e}", self.day + 1))?;
        for (&(c, a, start, _), &n) in given.iter().zip(z) {
            let n = n.round().max(0.0) as u32;
            if let Some(plan) = plans[c].as_mut().filter(|_| n > 0) {
                plan.split[self.day][a].push((start, n));
            }
        }
        for (&j, n) in mine.iter().zip(whole) {
            agents[j] = n;
            for &k in &p.candidates[j].covers {
                covered[k] += n as f64;
            }
        }
        Ok(e.iter().map(|v| v.round().max(0.0) as u32).sum())
    }

    /// Each anchor's people working today take as many of the day's shifts in its
    /// window (more only at the price of a person-day the first step did not plan).
    /// `mine`: the day's candidates, `xs` their agents. Returns the shifts given to
    /// anchors: `(contract, anchor, start time of day, agents)` of each banded contract.
    fn hand_to_anchors(
        &self,
        mine: &[usize],
        xs: &[Variable],
        rows: &mut backend::Program,
    ) -> (Handed, Vec<Variable>) {
        let mut handed = Vec::new();
        let mut extras = Vec::new();
        let p = self.p;
        let most = p.need.iter().map(|&n| n as f64).sum::<f64>().max(1.0);
        let longest = (p.candidates.iter())
            .map(|c| c.paid_hours)
            .fold(1.0, f64::max);
        for (c, contract) in p.contracts.iter().enumerate() {
            let theirs: Vec<(usize, Variable)> = (mine.iter().zip(xs))
                .filter(|(j, _)| contract.templates.contains(&p.candidates[**j].template))
                .map(|(&j, &x)| (j, x))
                .collect();
            let (anchors, window) = &self.layouts[c];
            let mut extra = |vars: &mut ProblemVariables, objective: &mut Expression| {
                let e = vars.add(variable().integer().min(0).max(most));
                *objective += 5.0 * longest * e;
                extras.push(e);
                e
            };
            let Some(b) = *window else {
                let n = self.people[c][0][self.day] as f64;
                let shifts: Expression = theirs.iter().map(|(_, x)| Expression::from(*x)).sum();
                let e = extra(&mut rows.vars, &mut rows.objective);
                rows.constraints.push(constraint!(shifts == n + e));
                continue;
            };
            // Distinct start times of the contract's shifts today, and their agents.
            let mut starts: Vec<(f64, Expression)> = Vec::new();
            for (j, x) in &theirs {
                let t = time_of_day(p, &p.candidates[*j]);
                match starts.iter_mut().find(|(s, _)| (s - t).abs() < 1e-6) {
                    Some((_, e)) => *e += *x,
                    None => starts.push((t, Expression::from(*x))),
                }
            }
            let mut given: Vec<Expression> = vec![Expression::from(0.0); starts.len()];
            for (a, &anchor) in anchors.iter().enumerate() {
                let mut taken = Expression::from(0.0);
                for (i, (t, _)) in starts.iter().enumerate() {
                    if *t >= anchor - 1e-6 && *t <= anchor + b + 1e-6 {
                        let z = rows.vars.add(variable().integer().min(0).max(most));
                        given[i] += z;
                        taken += z;
                        handed.push((c, a, *t, z));
                    }
                }
                let n = self.people[c][a][self.day] as f64;
                let e = extra(&mut rows.vars, &mut rows.objective);
                rows.constraints.push(constraint!(taken == n + e));
            }
            for ((_, agents), g) in starts.into_iter().zip(given) {
                rows.constraints.push(constraint!(agents == g));
            }
        }
        (handed, extras)
    }
}

#[cfg(test)]
mod tests {
    use super::super::cover::baker_closed_form;
    use super::super::joint::tests::{banded_candidates, daily_candidates};
    use super::super::joint::{JointContract, JointProblem};
    use super::super::patterns::{PatternRules, enumerate};
    use super::*;
    use crate::optimize::backend::Solver;

    fn five_days_two_off() -> Vec<u32> {
        enumerate(&PatternRules {
            n_days: 7,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: None,
        })
    }

    /// In two steps too, five-day people with two days off in a row and one shift a day
    /// pay Baker's least workforce for five days each, every day's need covered.
    #[test]
    fn the_two_steps_pay_baker_s_workforce_five_days_each() {
        let candidates = daily_candidates();
        let contracts = [JointContract {
            templates: vec![0],
            patterns: five_days_two_off(),
            part_time: false,
            band: None,
        }];
        for solver in [Solver::Microlp, Solver::Cbc]
            .into_iter()
            .filter(|s| s.built())
        {
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
                    solver,
                    gap: 1e-6,
                    time_limit: 10.0,
                    max_part_time_share: None,
                })
                .expect("solves")
                .agents;
                let days: u32 = agents.iter().sum();
                assert_eq!(days, 5 * baker_closed_form(&need), "{solver:?} {need:?}");
                assert!(agents.iter().zip(&need).all(|(a, n)| a >= n), "{agents:?}");
            }
        }
    }

    /// With a start band, the two steps cover every interval, pay at least the bound and
    /// come within one person-week (40 h) of the program solved at once (on these
    /// instances they pay the same).
    #[test]
    fn the_two_steps_cover_the_need_above_the_bound_with_a_band() {
        use rand::{RngExt, SeedableRng};
        let candidates = banded_candidates();
        let contracts = [JointContract {
            templates: vec![0],
            patterns: five_days_two_off(),
            part_time: false,
            band: Some(3600.0),
        }];
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(11);
        for _ in 0..4 {
            let need: Vec<u32> = (0..7 * 24)
                .map(|k| match k % 24 {
                    6..=19 => rng.random_range(0..5),
                    _ => 0,
                })
                .collect();
            for solver in [Solver::Microlp, Solver::Cbc]
                .into_iter()
                .filter(|s| s.built())
            {
                let p = JointProblem {
                    need: &need,
                    candidates: &candidates,
                    contracts: &contracts,
                    n_days: 7,
                    solver,
                    gap: 1e-4,
                    time_limit: 30.0,
                    max_part_time_share: None,
                };
                let agents = solve(&p).expect("solves").agents;
                let mut covered = vec![0; need.len()];
                for (c, &n) in candidates.iter().zip(&agents) {
                    for &k in &c.covers {
                        covered[k] += n;
                    }
                }
                assert!(
                    need.iter().zip(&covered).all(|(n, c)| c >= n),
                    "{solver:?}: {need:?} {covered:?}"
                );
                let paid: f64 = (candidates.iter().zip(&agents))
                    .map(|(c, &n)| c.paid_hours * n as f64)
                    .sum();
                let (bound, _) = joint::bound(&p).expect("bounds");
                assert!(paid >= bound - 1e-6, "{solver:?}: {paid} < {bound}");
                let whole = joint::solve(&p).expect("solves whole");
                let whole_paid: f64 = (candidates.iter().zip(&whole))
                    .map(|(c, &n)| c.paid_hours * n as f64)
                    .sum();
                assert!(
                    paid <= whole_paid + 40.0 + 1e-6,
                    "{solver:?}: two steps {paid} against {whole_paid} at once"
                );
            }
        }
    }

    /// The two steps' plan is tours as they stand: stage 3 places every shift of their
    /// answer with no day beyond them, every person's starts within the band of each other
    /// and on an allowed day pattern, and [`super::super::stages`] keeps it without
    /// solving stage 2 again.
    #[test]
    fn the_two_steps_plan_places_every_shift_with_no_surplus_day() {
        use super::super::assign::{DAY, DayShift};
        use super::super::{Stages, stages};
        use rand::{RngExt, SeedableRng};
        let candidates = banded_candidates();
        let patterns = five_days_two_off();
        let contracts = [JointContract {
            templates: vec![0],
            patterns: patterns.clone(),
            part_time: false,
            band: Some(3600.0),
        }];
        let rules = PatternRules {
            n_days: 7,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: None,
        };
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
        for _ in 0..3 {
            let need: Vec<u32> = (0..7 * 24)
                .map(|k| match k % 24 {
                    6..=19 => rng.random_range(0..5),
                    _ => 0,
                })
                .collect();
            for solver in [Solver::Microlp, Solver::Cbc]
                .into_iter()
                .filter(|s| s.built())
            {
                let p = JointProblem {
                    need: &need,
                    candidates: &candidates,
                    contracts: &contracts,
                    n_days: 7,
                    solver,
                    gap: 1e-4,
                    time_limit: 30.0,
                    max_part_time_share: None,
                };
                let solved = solve(&p).expect("solves");
                let plan = solved.plans[0].as_ref().expect("a banded contract's plan");
                let mut required = vec![Vec::new(); 7];
                let mut options = vec![Vec::new(); 7];
                for (j, c) in candidates.iter().enumerate() {
                    let d = (c.shift.start / DAY) as usize;
                    let s = DayShift {
                        candidate: j,
                        start: c.shift.start - d as f64 * DAY,
                        length: c.shift.length,
                    };
                    required[d].extend(std::iter::repeat_n(s, solved.agents[j] as usize));
                    options[d].push(s);
                }
                let shifts: u32 = solved.agents.iter().sum();
                let found = stages(&Stages {
                    rules: &rules,
                    min_rest: 11.0 * 3600.0,
                    start_band: Some(3600.0),
                    required: &required,
                    options: &options,
                    extra_patterns: &[],
                    plan: Some(plan),
                    day_hours: 8.0,
                    solver,
                    gap: 1e-4,
                    time_limit: 30.0,
                    closed_days: 0,
                });
                assert_eq!((found.unplaced, found.dropped), (0, 0), "{solver:?}");
                assert_eq!(found.path, "tour-aware anchors", "{solver:?}");
                let days: u32 = (found.tours.iter()).map(|t| t.worked().count_ones()).sum();
                assert_eq!(days, shifts, "{solver:?}: a surplus day");
                for t in &found.tours {
                    assert!(patterns.contains(&t.worked()), "{:b}", t.worked());
                    let starts: Vec<f64> = t.shifts.iter().flatten().map(|s| s.start).collect();
                    let lo = starts.iter().copied().fold(f64::MAX, f64::min);
                    let hi = starts.iter().copied().fold(f64::MIN, f64::max);
                    assert!(hi - lo <= 3600.0 + 1e-6, "{starts:?}");
                }
            }
        }
    }
}
