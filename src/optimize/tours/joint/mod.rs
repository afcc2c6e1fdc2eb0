//! Stage 1 made aware of the tours: one group's shifts chosen together with how many
//! people work each day pattern of each contract, so that every person-day has a shift
//! (the shifts of a contract's templates on day d equal the people of the contract working
//! day d) and every interval's need is covered, at least paid hours — the implicit tour
//! model of the literature, without rest and band (stage 3 keeps those). Its answer
//! replaces stage 1's shifts when its tours come out cheaper (see [`super::group_tours`]).

use super::super::backend::{self, Solver};
use super::assign::DAY;
use crate::optimize::roster::Candidate;
use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};

/// One contract of the group: its templates and allowed day patterns.
pub struct JointContract {
    /// Indices into `[[optimize.shift]]`.
    pub templates: Vec<usize>,
    /// Allowed day patterns.
    pub patterns: Vec<u32>,
    /// Its people count towards `max_part_time_share` (its templates are part-time).
    pub part_time: bool,
    /// Its start band (seconds), when limited: [`solve`] then splits its people by start
    /// anchor (see [`program`]).
    pub band: Option<f64>,
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

/// Agents per candidate, or why the backend gave no whole answer: the whole program
/// (at most [`WHOLE_PEOPLE`] people variables, else only the two steps) solved at once,
/// kept when it covers the need within twice the gap asked; else also
/// solved in two steps ([`super::days`]: people, then each day's shifts), and the better
/// of the two kept (fewer agent-intervals short, then fewer paid hours). At 30-minute
/// intervals the whole program is solved within the gap in seconds; a week at 15-minute
/// intervals has no whole answer from CBC in a minute, and with CBC the two steps reach
/// 0.8–1 % of the bound (2.4 % in some runs of the smallest benchmark group).
pub fn solve(p: &JointProblem) -> Result<Vec<u32>, String> {
    solve_with_patterns(p).map(|s| s.agents)
}

/// A whole answer of the tour-aware shifts: agents per candidate, and the day patterns
/// its people work.
#[derive(Clone, Debug)]
pub struct Solved {
    /// Agents per candidate.
    pub agents: Vec<u32>,
    /// Per contract (in `p.contracts` order): the day patterns some of its people work,
    /// ascending. Over several weeks stage 2's anchored program is given them (its own
    /// columns may not hold them; see [`super::weeks::columns`]).
    pub patterns: Vec<Vec<u32>>,
    /// Per contract: where solved in two steps ([`super::days`]) and the contract has a
    /// start band, its people by anchor and each day's shifts by anchor — tours as they
    /// stand, which stage 2 need not find again ([`super::Stages::plan`]); else `None`.
    pub plans: Vec<Option<super::anchored::Plan>>,
}

/// [`solve`], with the day patterns its people work.
pub fn solve_with_patterns(p: &JointProblem) -> Result<Solved, String> {
    if people_variables(p) > WHOLE_PEOPLE {
        return super::days::solve(p);
    }
    let whole = solve_whole(p);
    if let Ok((s, gap)) = &whole
        && short(p, &s.agents) == 0
        && gap.is_some_and(|g| g <= 2.0 * p.gap + 1e-9)
    {
        return Ok(s.clone());
    }
    let stepwise = super::days::solve(p);
    let rank = |a: &[u32]| {
        let paid: f64 = (p.candidates.iter().zip(a))
            .map(|(c, &n)| c.paid_hours * n as f64)
            .sum();
        (short(p, a), paid)
    };
    match (whole, stepwise) {
        (Ok((a, _)), Ok(b)) => Ok(if rank(&b.agents) < rank(&a.agents) {
            b
        } else {
            a
        }),
        (Ok((a, _)), Err(_)) => Ok(a),
        (Err(_), Ok(b)) => Ok(b),
        (Err(e), Err(f)) => Err(format!("{e}; in two steps: {f}")),
    }
}

/// Per contract, the day patterns with people in `people` (people per contract, anchor
/// and day pattern, flat in [`Built::ys`]'s order; `layouts` as [`Built::layouts`]).
pub(super) fn used_patterns(
    p: &JointProblem,
    layouts: &[(Vec<f64>, Option<f64>)],
    people: &[f64],
) -> Vec<Vec<u32>> {
    let mut values = people.iter();
    (p.contracts.iter().zip(layouts))
        .map(|(c, (anchors, _))| {
            let mut used = Vec::new();
            for _ in anchors {
                for &m in &c.patterns {
                    if values.next().is_some_and(|&v| v > 0.5) {
                        used.push(m);
                    }
                }
            }
            used.sort_unstable();
            used.dedup();
            used
        })
        .collect()
}

/// Agent-intervals of `p.need` that `agents` (per candidate) leave short.
pub(super) fn short(p: &JointProblem, agents: &[u32]) -> u32 {
    let mut covered = vec![0u32; p.need.len()];
    for (c, &n) in p.candidates.iter().zip(agents) {
        for &k in &c.covers {
            covered[k] += n;
        }
    }
    (p.need.iter().zip(&covered))
        .map(|(&n, &h)| n.saturating_sub(h))
        .sum()
}

/// The whole program solved by the backend at once: agents per candidate and the gap
/// the backend reports.
fn solve_whole(p: &JointProblem) -> Result<(Solved, Option<f64>), String> {
    let built = program(
        p,
        Shape {
            whole: Whole::Everything,
            window: Some(1.0),
            coarse: false,
            charge_people: true,
        },
    );
    let settings = backend::Settings {
        gap: p.gap,
        time_limit: p.time_limit,
        start: Vec::new(),
    };
    let read: Vec<Variable> = built.xs.iter().chain(&built.ys).copied().collect();
    let outcome = backend::solve(p.solver, built.program, &read, &settings)?;
    let (x, y) = outcome.values.split_at(built.xs.len());
    let solved = Solved {
        agents: whole_agents(x)?,
        patterns: used_patterns(p, &built.layouts, y),
        plans: vec![None; p.contracts.len()],
    };
    Ok((solved, outcome.gap))
}

pub(super) fn whole_agents(values: &[f64]) -> Result<Vec<u32>, String> {
    if let Some((_, v)) = backend::first_fractional(values, 1e-6) {
        return Err(format!("a non-integral roster ({v} agents on a shift)"));
    }
    Ok(values.iter().map(|v| v.round().max(0.0) as u32).collect())
}

/// A lower bound on the paid hours of any tours of the group that cover `p.need` (every
/// interval, none short) on its contracts' `patterns` (when those are every allowed
/// pattern), from the joint program — shifts and people per day pattern together, every
/// person-day with a shift — with each start band doubled: a tour whose starts all lie
/// within ± the band of its first has them within `[a, a + 2 × band]` of its earliest
/// start `a`, so the program's people by anchor relax the band rule, and rest only adds.
/// Over several weeks (`p.n_days` > 7) the band, kept week by week, is left out; so it is
/// for a program of more than [`WHOLE_PEOPLE`] people variables (the anchors' relaxation
/// takes CBC 2–8 s a group of the 15-minute benchmark week, without them 0.2 s, and its
/// bound is 0.01 % higher).
///
/// With CBC, where the program has at most [`WHOLE_PEOPLE`] people variables, it is
/// solved whole (integer people and shifts) at `p.gap` and `p.time_limit`, and the bound
/// is CBC's proven one (its best possible value, valid whether or not it finished): the
/// integrality of people is most of the distance from the relaxation to the tours.
/// Otherwise (microlp, or a larger program) it is the linear relaxation (solved exactly).
/// Returns the bound (hours) and how it was taken, in the report's words ([`METHODS`]).
/// `Err`: the backend's reason.
pub fn bound(p: &JointProblem) -> Result<(f64, &'static str), String> {
    bound_with(p)
}

/// How [`bound`] is taken, in the report's words: in whole people (CBC), relaxed; within
/// a week, and over several weeks (where the band holds week by week, so that no anchor
/// for the whole horizon bounds the tours: the band left out).
pub const METHODS: [&str; 5] = [
    "shifts and day patterns chosen together in whole people, starts within twice the band, the part-time share where the tours keep it, without rest: CBC's proven bound",
    "shifts and day patterns chosen together, relaxed, starts within twice the band, the part-time share where the tours keep it, without rest",
    "shifts and day patterns chosen together in whole people, the part-time share where the tours keep it, without start band (kept week by week) and rest: CBC's proven bound",
    "shifts and day patterns chosen together, relaxed, the part-time share where the tours keep it, without start band (kept week by week) and rest",
    "shifts and day patterns chosen together, relaxed, the part-time share where the tours keep it, without start band and rest",
];

/// Most people variables (contract × start anchor × day pattern) for which the joint
/// program is solved whole at once: CBC solves the shipped week's (about 700) within its
/// gap in seconds, and finds no whole answer for a week at 15-minute intervals (about
/// 7,000: starts every 15 minutes) in a minute. Beyond it the tours are found in two
/// steps ([`super::days`]) and the bound is the relaxation without start band.
pub const WHOLE_PEOPLE: usize = 3_000;

/// The people variables of the joint program ([`WHOLE_PEOPLE`]).
fn people_variables(p: &JointProblem) -> usize {
    (anchor_layouts(p, Some(1.0), false).iter().zip(p.contracts))
        .map(|((anchors, _), c)| anchors.len() * c.patterns.len())
        .sum()
}

fn bound_with(p: &JointProblem) -> Result<(f64, &'static str), String> {
    let settings = backend::Settings {
        gap: p.gap,
        time_limit: p.time_limit,
        start: Vec::new(),
    };
    // Over several weeks a tour's starts keep the band week by week only: no window
    // over the whole horizon holds them, and the bound leaves the band out. So does it for
    // a program too large to solve whole (a week at 15-minute intervals): its relaxation
    // by anchors takes CBC 2–8 s a group, without the band 0.2 s, and the band moved the
    // benchmark week's bound by 0.01 % (6,208.7 h against 6,209.4 h).
    let weeks = p.n_days > 7;
    let large = people_variables(p) > WHOLE_PEOPLE;
    let shape = |whole| Shape {
        whole,
        window: (!weeks && !large).then_some(2.0),
        coarse: false,
        charge_people: false,
    };
    let relaxation = program(p, shape(Whole::Nothing));
    let outcome = backend::solve(p.solver, relaxation.program, &relaxation.xs, &settings)?;
    // No bound where the need cannot be covered at all: the program then pays for the
    // intervals left short, which no tours' paid hours include.
    if let Some(k) = short_interval(p, &outcome.values) {
        return Err(format!("no shift can cover interval {k}'s need"));
    }
    let relaxed = (p.candidates.iter().zip(&outcome.values))
        .map(|(c, &x)| c.paid_hours * x.max(0.0))
        .sum();
    if large && !weeks {
        return Ok((relaxed, METHODS[4]));
    }
    if p.solver != Solver::Cbc || large {
        return Ok((relaxed, METHODS[1 + 2 * weeks as usize]));
    }
    // CBC's proven bound on the whole program (the objective is the paid hours: no one
    // short in the tours bounded), never below the relaxation (CBC stopped by its time
    // limit early may prove less).
    let whole = program(p, shape(Whole::Everything));
    let proven = backend::solve(p.solver, whole.program, &whole.xs, &settings)
        .ok()
        .map(|o| o.objective - o.gap.unwrap_or(0.0) * o.objective.abs())
        .filter(|b| b.is_finite());
    Ok((
        proven.map_or(relaxed, |b| b.max(relaxed)),
        METHODS[2 * weeks as usize],
    ))
}

/// The first interval whose need `agents` (per candidate) leave short.
fn short_interval(p: &JointProblem, agents: &[f64]) -> Option<usize> {
    let mut covered = vec![0.0; p.need.len()];
    for (c, &x) in p.candidates.iter().zip(agents) {
        for &k in &c.covers {
            covered[k] += x;
        }
    }
    (0..p.need.len()).find(|&k| covered[k] + 1e-6 < p.need[k] as f64)
}

/// The joint program (integer, or its relaxation) and its shift variables. `window`:
/// a contract with a start band has its people split by **anchor** (a start time of
/// day, as in the anchored stage 2): a person of anchor `a` starts every shift in
/// `[a, a + window × band]`, and each day's shifts of the contract are given to anchors
/// whose window holds their start, as many as the anchor's people working that day — the
/// start-time band model of Jacobs and Brusco (1996). At 1 it is stricter than the band
/// rule (± the band of the week's first start), at 2 looser (the bound, [`bound`]).
/// `charge_people`: each person costs 0.001 h more, so that fewer are preferred.
pub(super) fn program(p: &JointProblem, shape: Shape) -> Built {
    let Shape {
        whole,
        window,
        coarse,
        charge_people,
    } = shape;
    let mut vars = ProblemVariables::new();
    let integer = whole == Whole::Everything;
    let people_whole = whole != Whole::Nothing;
    let whole = |v: good_lp::VariableDefinition| if integer { v.integer() } else { v };
    // Surplus days may put more people on a shift than its intervals need: the bound is
    // the whole need.
    let most = p.need.iter().map(|&n| n as f64).sum::<f64>().max(1.0);
    let xs: Vec<Variable> = (p.candidates.iter())
        .map(|_| vars.add(whole(variable()).min(0).max(most)))
        .collect();
    let layouts = anchor_layouts(p, window, coarse);
    let person = |vars: &mut ProblemVariables| {
        let v = variable().min(0).max(most);
        vars.add(if people_whole { v.integer() } else { v })
    };
    let ys: Vec<Vec<Vec<Variable>>> = (p.contracts.iter().zip(&layouts))
        .map(|(c, (anchors, _))| {
            (anchors.iter())
                .map(|_| c.patterns.iter().map(|_| person(&mut vars)).collect())
                .collect()
        })
        .collect();
    let (z, mut constraints) = anchor_split(p, &layouts, &xs, &mut vars, integer);
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
    for y in ys.iter().flatten().flatten().filter(|_| charge_people) {
        objective += 1e-3 * *y;
    }
    for s in &shorts {
        objective += 100.0 * longest * *s;
    }
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
    for ((c, y), zc) in p.contracts.iter().zip(&ys).zip(&z) {
        for (ya, za) in y.iter().zip(&zc.anchors) {
            for d in 0..p.n_days {
                let shifts: Expression = (za.iter())
                    .filter(|(day, _, _)| *day == d)
                    .map(|(_, _, v)| Expression::from(*v))
                    .sum();
                let mut people = Expression::from(0.0);
                for (v, m) in ya.iter().zip(&c.patterns) {
                    if m >> d & 1 == 1 {
                        people += *v;
                    }
                }
                constraints.push(constraint!(shifts == people));
            }
        }
    }
    if let Some(share) = p.max_part_time_share {
        // Part-time people at most `share` of all: Σ part (1 − share) − Σ full share ≤ 0.
        let mut part = Expression::from(0.0);
        for (c, y) in p.contracts.iter().zip(&ys) {
            let weight = if c.part_time { 1.0 - share } else { -share };
            for v in y.iter().flatten() {
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
    let flat = ys.iter().flatten().flatten().copied().collect();
    Built {
        program,
        xs,
        ys: flat,
        people: ys,
        layouts,
    }
}

/// How [`program`] builds the joint program.
#[derive(Clone, Copy)]
pub(super) struct Shape {
    /// Which variables are whole numbers.
    pub(super) whole: Whole,
    /// The anchors' window in bands (`None`: no anchors, the band left out).
    pub(super) window: Option<f64>,
    /// Anchors a window apart only ([`anchor_layouts`]).
    pub(super) coarse: bool,
    /// Each person costs 0.001 h more.
    pub(super) charge_people: bool,
}

/// Which of the joint program's variables are whole numbers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Whole {
    /// None: the linear relaxation.
    Nothing,
    /// The people per day pattern only (shifts continuous).
    People,
    /// People and shifts.
    Everything,
}

/// A built joint program.
pub(super) struct Built {
    pub(super) program: backend::Program,
    /// Agents per candidate.
    pub(super) xs: Vec<Variable>,
    /// People per contract, anchor and day pattern, in that order.
    pub(super) ys: Vec<Variable>,
    /// The same, per contract, per anchor, per day pattern.
    pub(super) people: Vec<Vec<Vec<Variable>>>,
    /// Per contract: its anchors and window ([`anchor_layouts`]).
    pub(super) layouts: Vec<(Vec<f64>, Option<f64>)>,
}

/// Per contract: its anchors (one, unbounded, when it has no band or no `window`) and
/// its window (`window` × its band). The anchors are the contract's start times of day,
/// or with `coarse` those of them a window apart (fewer people to choose, a restriction).
pub(super) fn anchor_layouts(
    p: &JointProblem,
    window: Option<f64>,
    coarse: bool,
) -> Vec<(Vec<f64>, Option<f64>)> {
    (p.contracts.iter())
        .map(|c| match c.band.zip(window).map(|(b, k)| b * k) {
            Some(b) => {
                let mut a: Vec<f64> = (p.candidates.iter())
                    .filter(|x| c.templates.contains(&x.template))
                    .map(|x| time_of_day(p, x))
                    .collect();
                a.sort_by(f64::total_cmp);
                a.dedup_by(|x, y| (*x - *y).abs() < 1e-6);
                if coarse {
                    // Anchors at least a window apart: every start still lies in the
                    // window of the last anchor at or before it.
                    let mut kept: Vec<f64> = Vec::new();
                    for x in a {
                        if kept
                            .last()
                            .is_none_or(|l| x >= l + c.band.unwrap_or(b) - 1e-6)
                        {
                            kept.push(x);
                        }
                    }
                    a = kept;
                }
                (a, Some(b))
            }
            None => (vec![0.0], None),
        })
        .collect()
}

/// A candidate's day in the horizon.
pub(super) fn day_of(p: &JointProblem, cand: &Candidate) -> usize {
    ((cand.shift.start / DAY + 1e-9).floor() as usize).min(p.n_days - 1)
}

/// A candidate's start as a time of day.
pub(super) fn time_of_day(p: &JointProblem, cand: &Candidate) -> f64 {
    cand.shift.start - day_of(p, cand) as f64 * DAY
}

/// Agents given to anchors, per contract.
struct ContractSplit {
    /// Per anchor: `(day, key, variable)` for each key whose start lies in the anchor's
    /// window. With a band a key is a (day, start time) of the contract's candidates, so
    /// that candidates differing only in their breaks share one variable; without one, a
    /// single unbounded anchor whose keys are the candidates themselves, with their own
    /// variables.
    anchors: Vec<Vec<(usize, usize, Variable)>>,
}

type AnchorSplit = Vec<ContractSplit>;

/// The [`AnchorSplit`] of every contract, with the constraints that the agents of each
/// (day, start) of a banded contract are all given to anchors.
fn anchor_split(
    p: &JointProblem,
    layouts: &[(Vec<f64>, Option<f64>)],
    xs: &[Variable],
    vars: &mut ProblemVariables,
    integer: bool,
) -> (AnchorSplit, Vec<good_lp::Constraint>) {
    let most = p.need.iter().map(|&n| n as f64).sum::<f64>().max(1.0);
    let mut z: AnchorSplit = Vec::new();
    let mut constraints = Vec::new();
    for (c, (anchors, band)) in p.contracts.iter().zip(layouts) {
        let mine: Vec<usize> = (0..p.candidates.len())
            .filter(|&j| c.templates.contains(&p.candidates[j].template))
            .collect();
        let Some(b) = *band else {
            let day = |j: usize| day_of(p, &p.candidates[j]);
            let only = mine.iter().map(|&j| (day(j), j, xs[j])).collect();
            z.push(ContractSplit {
                anchors: vec![only],
            });
            continue;
        };
        // Distinct (day, start) of the contract's candidates, and each one's agents.
        let mut starts: Vec<(usize, f64)> = Vec::new();
        let mut agents: Vec<Expression> = Vec::new();
        for &j in &mine {
            let at = (
                day_of(p, &p.candidates[j]),
                time_of_day(p, &p.candidates[j]),
            );
            let k = match (starts.iter()).position(|s| s.0 == at.0 && (s.1 - at.1).abs() < 1e-6) {
                Some(k) => k,
                None => {
                    starts.push(at);
                    agents.push(Expression::from(0.0));
                    starts.len() - 1
                }
            };
            agents[k] += xs[j];
        }
        let mut given: Vec<Expression> = vec![Expression::from(0.0); starts.len()];
        let split: Vec<Vec<(usize, usize, Variable)>> = (anchors.iter())
            .map(|&a| {
                (starts.iter().enumerate())
                    .filter(|(_, s)| s.1 >= a - 1e-6 && s.1 <= a + b + 1e-6)
                    .map(|(k, s)| {
                        let v = variable().min(0).max(most);
                        let v = vars.add(if integer { v.integer() } else { v });
                        given[k] += v;
                        (s.0, k, v)
                    })
                    .collect()
            })
            .collect();
        for (g, a) in given.into_iter().zip(agents) {
            constraints.push(constraint!(g == a));
        }
        z.push(ContractSplit { anchors: split });
    }
    (z, constraints)
}

#[cfg(test)]
pub(super) mod tests;
