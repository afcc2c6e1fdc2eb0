//! Weekly tours (`[[optimize.contract]]`): after stage 1 (the shift roster MIP over the
//! whole horizon, each template's starts repeated on every day), each group's shifts of
//! each contract become people's tours in two more stages — stage 2 ([`cover`]): how many
//! people work each allowed day pattern ([`patterns`]) so that every day has a person for
//! each of its shifts, at least paid hours; stage 3 ([`assign`]): the day's shifts handed
//! to those people under the rest and start-band rules. Shifts stage 3 cannot place raise
//! that day's count in stage 2, which is solved again (a few rounds); what still cannot be
//! placed is reported, never placed against a rule. People working a day with no shift
//! left get one (paid): the roster is exactly the tours' shifts.

pub mod anchored;
pub mod assign;
mod bounds;
pub mod cover;
mod days;
pub mod joint;
pub use crate::model::patterns;
pub mod report;
mod rounds;
#[cfg(test)]
mod tests;
pub mod weeks;

pub use bounds::set_bounds;

use super::backend::Solver;
use super::roster::{Candidate, RosterSolution};
use crate::model::{Contract, Model, OptimizeSpec};
use assign::{DAY, DayShift, Tour};
use patterns::PatternRules;
use rayon::prelude::*;

/// Rounds of stage 2 and 3 at most (unplaced shifts raise stage 2's need between them).
const ROUNDS: usize = 4;

/// Seconds each stage-2 solve may take at most (less when the scenario's time limit is
/// less): microlp can spend its whole limit proving the last person of a cover optimal
/// (seen on a 7-day cover of 35 patterns), and it returns the best cover found by then.
const COVER_TIME_LIMIT: f64 = 2.0;

/// The relative gap of the tour-aware shifts ([`joint`]) with start bands (people by
/// start anchor) under microlp, at least: at the scenario's 0.5 % microlp searches the
/// shipped week's programs to any time limit (and the limit then decides the answer); at
/// 2 % each stops by the gap within about a second, the same answer every run. CBC keeps
/// the scenario's gap. The report's bound line gives the gap the tours reach.
const BANDED_JOINT_GAP: f64 = 0.02;

/// Seconds the tour-aware shifts with start bands may take at most.
const BANDED_JOINT_TIME_LIMIT: f64 = 10.0;

/// Most tours over several weeks the tour-aware shifts ([`joint`]) choose among; with
/// more, they get [`weeks::columns`].
const JOINT_TOURS: usize = 2_000;

/// Seconds each stage-2 solve over several weeks ([`weeks`]) may take at most.
const WEEKS_TIME_LIMIT: f64 = 10.0;

/// The tours of one group's people on one contract.
#[derive(Clone, Debug)]
pub struct TourSet {
    /// The group's index.
    pub group: usize,
    /// The contract's index in `[[optimize.contract]]`.
    pub contract: usize,
    /// One tour per person; each shift's `candidate` indexes the group's candidates.
    pub tours: Vec<Tour>,
    /// Shifts stage 1 rostered on this contract's templates.
    pub stage1_shifts: u32,
    /// Their paid hours.
    pub stage1_paid_hours: f64,
    /// The tours' paid hours (surplus shifts included).
    pub paid_hours: f64,
    /// Stage 1's shifts that no person could take (left out of the roster).
    pub unplaced: u32,
    /// People left out because their tour could not be completed within the rules.
    pub dropped: u32,
    /// The least people any tours need: the busiest day's shifts.
    pub people_bound: u32,
    /// How stage 2 was solved (`MIP`, or `greedy cover (MIP: <why>)`).
    pub path: String,
    /// A lower bound on the paid hours of the group's tours, all its contracts (the same
    /// on each of its sets; [`joint::bound`]), when its day patterns could all be
    /// listed and the backend solved the relaxation.
    pub group_bound: Option<f64>,
    /// How [`Self::group_bound`] was taken ([`joint::bound_method`]).
    pub bound_method: &'static str,
    /// Paid hours `max_part_time_share` adds to the group's relaxed bound (with the share
    /// against without it), where the tours keep the share ([`set_bounds`]).
    pub share_price: Option<f64>,
    /// Days (bit `d`: day `d`) some tour of the contract can work within its rules (its
    /// days, runs, weekends and the days the group is closed).
    pub workable_days: u32,
    /// Days (bit `d`: day `d`) on which the group needs agents but no tour of any of its
    /// contracts can work (the same on each of the group's sets): that need is left
    /// uncovered, or its shifts unplaced, whatever the stages do.
    pub unworkable_days: u32,
}

/// The day-pattern rules of `contract` over `n_days` for shifts of `paid_hours` each:
/// its working days narrowed by its weekly hours, clipped to the horizon; its weekend rule
/// placed on the calendar of `[simulation] start` (the compiler requires the start with
/// the rule).
pub fn pattern_rules(
    model: &Model,
    contract: &Contract,
    n_days: u32,
    paid_hours: f64,
) -> PatternRules {
    let (mut lo, mut hi) = contract.days;
    if let Some((hmin, hmax)) = contract.hours
        && paid_hours > 0.0
    {
        lo = lo.max((hmin / paid_hours - 1e-9).ceil() as u32);
        hi = hi.min((hmax / paid_hours + 1e-9).floor() as u32);
    }
    let weekends = (contract.weekends_off_every.zip(model.start))
        .map(|(every, start)| patterns::Weekends::from_start(every, start.date()));
    PatternRules {
        n_days,
        days: (lo.min(n_days), hi.min(n_days)),
        consecutive_days_off: contract.consecutive_days_off,
        max_consecutive_days: contract.max_consecutive_days,
        weekends,
    }
}

/// A template's paid hours for one shift (its length less unpaid breaks).
pub fn template_paid_hours(spec: &OptimizeSpec, template: usize) -> f64 {
    let t = &spec.shifts[template];
    let unpaid: f64 = t.breaks.iter().filter(|b| !b.paid).map(|b| b.length).sum();
    (t.length - unpaid) / 3600.0
}

/// The tours of group `g` (one [`TourSet`] per contract listing the group): stages 2 and
/// 3 on stage 1's roster (`agents` per candidate), and on the tour-aware roster of
/// [`joint`] (shifts and day patterns chosen together to cover `covered_need`); the
/// joint one is kept when its tours place as many shifts, cover as much and cost less.
/// `need` (scheduled agents per interval) ranks the surplus shifts (busiest first).
#[allow(clippy::too_many_arguments)]
pub fn group_tours(
    model: &Model,
    spec: &OptimizeSpec,
    g: usize,
    candidates: &[Candidate],
    agents: &[u32],
    need: &[u32],
    covered_need: &[u32],
    solver: Solver,
) -> Vec<TourSet> {
    let base = tours_from(model, spec, g, candidates, agents, need, &[], &[], solver);
    if base.is_empty() {
        return base;
    }
    let n_days = (model.horizon / DAY).round() as usize;
    let (mut contracts, _) = joint_contracts(model, spec, g, &base, n_days);
    // Anchors whose windows keep the rest (the bound keeps the band: rest only adds).
    for (jc, set) in contracts.iter_mut().zip(&base) {
        let c = &spec.contracts[set.contract];
        let longest = (c.shifts.iter())
            .map(|&t| spec.shifts[t].length)
            .fold(0.0, f64::max);
        jc.band = jc
            .band
            .map(|b| anchored::anchor_window(b, longest, c.min_rest));
    }
    let unworkable = unworkable_days(model, covered_need, &base);
    let with_bound = |mut sets: Vec<TourSet>| {
        for s in &mut sets {
            s.unworkable_days = unworkable;
        }
        sets
    };
    let problem = joint_problem(spec, covered_need, candidates, &contracts, n_days, solver);
    let joint_result = joint::solve_with_patterns(&problem);
    let Ok(joint) = joint_result else {
        return with_bound(base);
    };
    let mut alt = tours_from(
        model,
        spec,
        g,
        candidates,
        &joint.agents,
        need,
        &joint.patterns,
        &joint.plans,
        solver,
    );
    // With the share of part-time people a constraint, tours that break it lose.
    let breaks_share = |sets: &[TourSet]| -> bool {
        problem.max_part_time_share.is_some_and(|share| {
            let people = |part: bool| -> usize {
                (sets.iter().zip(&contracts))
                    .filter(|(_, c)| !part || c.part_time)
                    .map(|(s, _)| s.tours.len())
                    .sum()
            };
            people(true) as f64 > share * people(false) as f64 + 1e-9
        })
    };
    let rank = |sets: &[TourSet]| {
        let roster = roster_of_tours(spec, candidates, agents, sets);
        (
            breaks_share(sets),
            sets.iter().map(|s| s.unplaced + s.dropped).sum::<u32>(),
            short_of(candidates, &roster, covered_need),
            sets.iter().map(|s| s.paid_hours).sum::<f64>(),
        )
    };
    // Tours that keep the share (when it is a constraint) win, then less need left
    // uncovered, then fewer shifts left unplaced (or dropped), then fewer paid hours:
    // tours that leave shifts out cost less without being better.
    let (a, b) = (rank(&alt), rank(&base));
    let better = (a.0, a.2, a.1) < (b.0, b.2, b.1)
        || ((a.0, a.1, a.2) == (b.0, b.1, b.2) && a.3 < b.3 - 1e-9);
    if better {
        for (x, y) in alt.iter_mut().zip(&base) {
            x.stage1_shifts = y.stage1_shifts;
            x.stage1_paid_hours = y.stage1_paid_hours;
            x.path = format!("tour-aware shifts, {}", x.path);
        }
        return with_bound(alt);
    }
    with_bound(base)
}

/// The tour-aware program of one group ([`joint`]) with the stage's gap and time limit:
/// with a start band, microlp stops at [`BANDED_JOINT_GAP`] at least (at a tighter gap
/// the time limit decided its answer) and any backend within
/// [`BANDED_JOINT_TIME_LIMIT`].
fn joint_problem<'a>(
    spec: &OptimizeSpec,
    covered_need: &'a [u32],
    candidates: &'a [Candidate],
    contracts: &'a [joint::JointContract],
    n_days: usize,
    solver: Solver,
) -> joint::JointProblem<'a> {
    let banded = contracts.iter().any(|c| c.band.is_some());
    joint::JointProblem {
        need: covered_need,
        candidates,
        contracts,
        n_days,
        solver,
        gap: if banded && solver == Solver::Microlp {
            spec.gap.max(BANDED_JOINT_GAP)
        } else {
            spec.gap
        },
        time_limit: if banded {
            spec.time_limit.min(BANDED_JOINT_TIME_LIMIT)
        } else {
            spec.time_limit
        },
        max_part_time_share: spec.max_part_time_share,
    }
}

/// The contracts of group `g` for the tour-aware shifts ([`joint`]), and whether their
/// patterns are every allowed one (the bound needs them).
fn joint_contracts(
    model: &Model,
    spec: &OptimizeSpec,
    g: usize,
    base: &[TourSet],
    n_days: usize,
) -> (Vec<joint::JointContract>, bool) {
    // Whether every contract's patterns are all its allowed ones (the bound needs them).
    let mut complete = true;
    let contracts: Vec<joint::JointContract> = (base.iter())
        .map(|set| {
            let c = &spec.contracts[set.contract];
            let hours = (c.shifts.iter())
                .map(|&t| template_paid_hours(spec, t))
                .fold(0.0, f64::max);
            joint::JointContract {
                templates: c.shifts.clone(),
                patterns: {
                    let rules = pattern_rules(model, c, n_days as u32, hours);
                    let closed = closed_days(model, g, n_days);
                    if n_days > 7 {
                        // Every tour when they are few (the program then chooses among
                        // all of them), else stage 2's and the repeated weeks.
                        match patterns::enumerate_capped(&rules, JOINT_TOURS) {
                            Some(all) if !all.is_empty() => {
                                let open: Vec<u32> =
                                    all.iter().copied().filter(|m| m & closed == 0).collect();
                                if open.is_empty() { all } else { open }
                            }
                            _ => {
                                complete = false;
                                let known: Vec<u32> = set.tours.iter().map(|t| t.pattern).collect();
                                weeks::columns(&rules, closed, &known, hours).0
                            }
                        }
                    } else {
                        open_patterns(&rules, closed)
                    }
                },
                part_time: c.shifts.iter().all(|&t| spec.shifts[t].part_time),
                // People by start anchor, over several weeks one anchor for the whole
                // horizon (without anchors the fortnight's tours were 22-66 % above
                // their bound: the shifts chosen suited no band).
                band: c.start_band,
            }
        })
        .collect();
    (contracts, complete)
}

/// Days (bit `d`: day `d`) on which `need` (scheduled agents per interval) asks for
/// someone but no tour of any of `sets` (the group's contracts) can work.
fn unworkable_days(model: &Model, need: &[u32], sets: &[TourSet]) -> u32 {
    let per_day = (DAY / model.interval).round() as usize;
    let workable = sets.iter().fold(0, |m, s| m | s.workable_days);
    let n_days = (model.horizon / DAY).round() as usize;
    (0..n_days)
        .filter(|&d| workable >> d & 1 == 0)
        .filter(|&d| {
            let from = (d * per_day).min(need.len());
            let to = ((d + 1) * per_day).min(need.len());
            need[from..to].iter().any(|&n| n > 0)
        })
        .fold(0, |m, d| m | 1 << d)
}

/// Scheduled agent-intervals of `need` that `agents` (per candidate) leave uncovered.
fn short_of(candidates: &[Candidate], agents: &[u32], need: &[u32]) -> u32 {
    let mut covered = vec![0u32; need.len()];
    for (c, &n) in candidates.iter().zip(agents) {
        for &k in &c.covers {
            covered[k] += n;
        }
    }
    need.iter()
        .zip(&covered)
        .map(|(&n, &h)| n.saturating_sub(h))
        .sum()
}

/// Stages 2 and 3 of every contract of group `g` on the roster `agents`; `patterns`:
/// per contract of the group (in `[[optimize.contract]]` order, those listing it), day
/// patterns the anchored stage may use beyond its own over several weeks (the tour-aware
/// shifts' people's), or empty; `plans`: per contract likewise, an anchored stage 2 of
/// `agents` found with them ([`joint::Solved::plans`]), or empty.
#[allow(clippy::too_many_arguments)]
fn tours_from(
    model: &Model,
    spec: &OptimizeSpec,
    g: usize,
    candidates: &[Candidate],
    agents: &[u32],
    need: &[u32],
    patterns: &[Vec<u32>],
    plans: &[Option<anchored::Plan>],
    solver: Solver,
) -> Vec<TourSet> {
    let n_days = (model.horizon / DAY).round() as usize;
    (spec.contracts.iter().enumerate())
        .filter(|(_, c)| c.groups.iter().any(|x| x.index() == g))
        .enumerate()
        .map(|(i, (ci, c))| {
            let mine = |cand: &Candidate| c.shifts.contains(&cand.template);
            let day_shift = |j: usize| {
                let s = &candidates[j].shift;
                let day = ((s.start / DAY + 1e-9).floor() as usize).min(n_days - 1);
                (
                    day,
                    DayShift {
                        candidate: j,
                        start: s.start - day as f64 * DAY,
                        length: s.length,
                    },
                )
            };
            let mut required = vec![Vec::new(); n_days];
            let mut options = vec![Vec::new(); n_days];
            for (j, cand) in candidates.iter().enumerate().filter(|(_, x)| mine(x)) {
                let (day, s) = day_shift(j);
                required[day].extend(std::iter::repeat_n(s, agents[j] as usize));
                let busy: u64 = cand.covers.iter().map(|&k| need[k] as u64).sum();
                options[day].push((busy, s));
            }
            let options: Vec<Vec<DayShift>> = (options.into_iter())
                .map(|mut o| {
                    o.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.candidate.cmp(&b.1.candidate)));
                    o.into_iter().map(|(_, s)| s).collect()
                })
                .collect();
            let hours = c
                .shifts
                .iter()
                .map(|&t| template_paid_hours(spec, t))
                .fold(0.0, f64::max);
            let rules = pattern_rules(model, c, n_days as u32, hours);
            let closed = closed_days(model, g, n_days);
            let extra = patterns.get(i).map_or(&[][..], |v| &v[..]);
            let plan = plans.get(i).and_then(Option::as_ref);
            let mut set = contract_tours(
                c, closed, &rules, &required, &options, extra, plan, candidates, spec, solver,
            );
            set.group = g;
            set.contract = ci;
            set
        })
        .collect()
}

/// Stage 2 and 3 of one contract (see [`stages`]) and what they cost.
#[allow(clippy::too_many_arguments)]
fn contract_tours(
    c: &Contract,
    closed_days: u32,
    rules: &PatternRules,
    required: &[Vec<DayShift>],
    options: &[Vec<DayShift>],
    extra_patterns: &[u32],
    plan: Option<&anchored::Plan>,
    candidates: &[Candidate],
    spec: &OptimizeSpec,
    solver: Solver,
) -> TourSet {
    let hours = |s: &DayShift| candidates[s.candidate].paid_hours;
    let day_hours = options.iter().flatten().map(hours).fold(0.0, f64::max);
    let input = Stages {
        rules,
        min_rest: c.min_rest,
        start_band: c.start_band,
        required,
        options,
        extra_patterns,
        plan,
        day_hours,
        solver,
        gap: spec.gap,
        time_limit: spec.time_limit,
        closed_days,
    };
    let found = stages(&input);
    let workable = if rules.n_days > 7 {
        weeks::workable_days(rules, closed_days)
    } else {
        open_patterns(rules, closed_days)
            .iter()
            .fold(0, |m, p| m | p)
    };
    let stage1: Vec<u32> = required.iter().map(|r| r.len() as u32).collect();
    TourSet {
        group: 0,
        contract: 0,
        paid_hours: found
            .tours
            .iter()
            .flat_map(|t| t.shifts.iter().flatten())
            .map(hours)
            .sum(),
        tours: found.tours,
        stage1_shifts: stage1.iter().sum(),
        stage1_paid_hours: required.iter().flatten().map(hours).sum(),
        unplaced: found.unplaced,
        dropped: found.dropped,
        people_bound: stage1.iter().copied().max().unwrap_or(0),
        path: found.path,
        group_bound: None,
        bound_method: "",
        share_price: None,
        workable_days: workable,
        unworkable_days: 0,
    }
}

/// The inputs of stages 2 and 3 for one group and contract.
pub struct Stages<'a> {
    /// Day-pattern rules.
    pub rules: &'a PatternRules,
    /// Rest between shifts, seconds.
    pub min_rest: f64,
    /// Start band, seconds.
    pub start_band: Option<f64>,
    /// Per day: stage 1's shifts.
    pub required: &'a [Vec<DayShift>],
    /// Per day: the shifts a person with none left may work, best first.
    pub options: &'a [Vec<DayShift>],
    /// Over several weeks, day patterns the anchored stage may use beyond its own columns
    /// ([`weeks::columns`]): the tour-aware shifts' people's ([`joint::Solved`]); else
    /// ignored (within a week it has every pattern).
    pub extra_patterns: &'a [u32],
    /// An anchored stage 2 of these shifts found with them (the tour-aware shifts in two
    /// steps, [`joint::Solved::plans`]): placed as it is too, and kept when it ranks
    /// better.
    pub plan: Option<&'a anchored::Plan>,
    /// Paid hours of a worked day (the cost of a pattern is its days × this, plus a
    /// little per person).
    pub day_hours: f64,
    /// Stage 2's backend, gap and time limit.
    pub solver: Solver,
    /// Relative gap.
    pub gap: f64,
    /// Seconds.
    pub time_limit: f64,
    /// Days (bit `d`: day `d`) on which the group is closed all day: no pattern works
    /// them (unless every allowed pattern does).
    pub closed_days: u32,
}

/// What stages 2 and 3 found.
pub struct Found {
    /// The tours (people with no shift left out).
    pub tours: Vec<Tour>,
    /// Stage 1's shifts no tour works.
    pub unplaced: u32,
    /// People left out because their tour could not be completed.
    pub dropped: u32,
    /// How stage 2 was last solved.
    pub path: String,
}

/// Orders of the people stage 3 tries on each cover (its greedy breaks ties by person).
const ORDERS: usize = 16;

/// The directions stage 3 hands out a day's shifts in, per run of the rounds (`false`:
/// latest first, `true`: earliest first): each run alone, then both together. The rounds
/// are path-dependent (a round's unplaced shifts shape the next cover), so the runs are
/// kept apart and the best of them wins.
const DIRECTIONS: [&[bool]; 3] = [&[false], &[true], &[false, true]];

/// A stage-3 outcome's rank: unplaced shifts, people dropped, person-days, people.
type Rank = (u32, u32, u32, usize);

/// Stage 2 then 3: for each of [`DIRECTIONS`], up to [`ROUNDS`] rounds (each day's
/// unplaced shifts raise its count in stage 2), each cover's people tried in [`ORDERS`]
/// orders; the best by [`Rank`].
///
/// With a start band, the anchored stage ([`anchored`]) is tried too and kept when it
/// ranks better. With a plan ([`Stages::plan`]), the plan is placed first, and kept
/// without the rest when it places every shift with no surplus day; else it competes with
/// the others by [`Rank`].
pub fn stages(p: &Stages) -> Found {
    // A plan that places every shift with no day beyond them cannot be bettered in
    // person-days: kept without solving stage 2 again.
    let shifts: u32 = p.required.iter().map(|d| d.len() as u32).sum();
    let planned = match p
        .plan
        .map(|plan| anchored::place(p, plan, "tour-aware anchors"))
    {
        Some(found) if matches!(rank(&found), (0, 0, days, _) if days == shifts) => {
            return found;
        }
        other => other,
    };
    let patterns = open_patterns(p.rules, p.closed_days);
    let cost: Vec<f64> = (patterns.iter())
        .map(|m| m.count_ones() as f64 * p.day_hours.max(1e-3) + 1e-3)
        .collect();
    // Covers by need: solved once each (a time-limited solve could differ if repeated).
    let mut covers: Vec<(Vec<u32>, rounds::People)> = Vec::new();
    let mut best: Option<(Rank, Found)> = None;
    for directions in DIRECTIONS {
        let (rank, found) = rounds::rounds(p, &patterns, &cost, directions, &mut covers);
        if best.as_ref().is_none_or(|b| rank < b.0) {
            best = Some((rank, found));
        }
    }
    let plain = best.expect("one run at least");
    let Some(band) = p.start_band else {
        return plain.1;
    };
    let (patterns, cost) = if p.rules.n_days > 7 {
        let known: Vec<u32> = (plain.1.tours.iter().map(|t| t.pattern))
            .chain(p.extra_patterns.iter().copied())
            .collect();
        weeks::columns(p.rules, p.closed_days, &known, p.day_hours)
    } else {
        (patterns, cost)
    };
    let longest = (p.required.iter().chain(p.options))
        .flatten()
        .map(|s| s.length)
        .fold(0.0, f64::max);
    let window = anchored::anchor_window(band, longest, p.min_rest);
    let best = match anchored::stages_anchored(p, &patterns, &cost, window) {
        Ok(a) if rank(&a) < plain.0 => a,
        Ok(_) => plain.1,
        Err(why) => Found {
            path: format!("{} (anchored MIP: {why})", plain.1.path),
            ..plain.1
        },
    };
    match planned {
        Some(found) if rank(&found) < rank(&best) => found,
        _ => best,
    }
}

/// The allowed day patterns of `rules` that work no day of `closed` (a bit set of days),
/// or every allowed pattern when each works one (the closed days are then worked).
/// Over several weeks the patterns are not listed (see [`weeks`]): empty.
pub fn open_patterns(rules: &PatternRules, closed: u32) -> Vec<u32> {
    if rules.n_days > 7 {
        return Vec::new();
    }
    let all = patterns::enumerate(rules);
    let open: Vec<u32> = all.iter().copied().filter(|m| m & closed == 0).collect();
    if open.is_empty() { all } else { open }
}

/// Days (bit `d`: day `d`) on which group `g` is closed throughout (every interval of
/// the day closed for all its channels).
pub fn closed_days(model: &Model, g: usize, n_days: usize) -> u32 {
    let per_day = (DAY / model.interval).round() as usize;
    (0..n_days)
        .filter(|&d| {
            (d * per_day..((d + 1) * per_day).min(model.n_intervals))
                .all(|k| model.group_closed_in(crate::ids::GroupId::from_index(g), k))
        })
        .fold(0, |m, d| m | 1 << d)
}

/// A stage 2 and 3 answer's [`Rank`].
fn rank(f: &Found) -> Rank {
    let days = f.tours.iter().map(|t| t.worked().count_ones()).sum();
    (f.unplaced, f.dropped, days, f.tours.len())
}

/// Agents per candidate of group `g` after its tours: the tours' shifts on their
/// contracts' templates, the stage-1 roster elsewhere.
pub fn roster_of_tours(
    spec: &OptimizeSpec,
    candidates: &[Candidate],
    stage1: &[u32],
    sets: &[TourSet],
) -> Vec<u32> {
    let toured = |t: usize| spec.contracts.iter().any(|c| c.shifts.contains(&t));
    let mut agents: Vec<u32> = (candidates.iter().zip(stage1))
        .map(|(c, &n)| if toured(c.template) { 0 } else { n })
        .collect();
    for s in sets
        .iter()
        .flat_map(|s| &s.tours)
        .flat_map(|t| t.shifts.iter().flatten())
    {
        agents[s.candidate] += 1;
    }
    agents
}

/// Turns every group's stage-1 roster into tours (stages 2 and 3, groups in parallel) and
/// replaces each roster by the tours' shifts: agents per candidate, the shortfall against
/// `covered_need` (the scheduled need the roster had to cover) and the cost. `need` (the
/// scheduled need) ranks the surplus shifts. Returns the tours of every group and contract.
pub fn apply(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<Candidate>],
    solutions: &mut [RosterSolution],
    need: &[Vec<u32>],
    covered_need: &[Vec<u32>],
    solver: Solver,
) -> Vec<TourSet> {
    let sets: Vec<Vec<TourSet>> = (0..solutions.len())
        .into_par_iter()
        .map(|g| {
            group_tours(
                model,
                spec,
                g,
                &candidates[g],
                &solutions[g].agents,
                &need[g],
                &covered_need[g],
                solver,
            )
        })
        .collect();
    for (g, (solution, group_sets)) in solutions.iter_mut().zip(&sets).enumerate() {
        if group_sets.is_empty() {
            continue;
        }
        let agents = roster_of_tours(spec, &candidates[g], &solution.agents, group_sets);
        let mut covered = vec![0u32; need[g].len()];
        for (c, &n) in candidates[g].iter().zip(&agents) {
            for &k in &c.covers {
                covered[k] += n;
            }
        }
        solution.shortfall = (covered_need[g].iter().zip(&covered))
            .map(|(&want, &have)| want.saturating_sub(have))
            .collect();
        solution.cost = (candidates[g].iter().zip(&agents))
            .map(|(c, &n)| c.paid_hours * n as f64 * model.groups[g].hourly_cost)
            .sum();
        solution.agents = agents;
    }
    sets.into_iter().flatten().collect()
}
