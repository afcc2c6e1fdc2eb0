//! `ccsim optimize`: from targets to a verified roster.
//!
//! 1. Requirements: the offered load per group and interval (simulated with ample staff),
//!    sized with Erlang A, then corrected by simulation: staff exactly the requirement,
//!    find the intervals that miss their targets, raise them, repeat (in the spirit of the
//!    iterative staffing algorithm of Feldman, Mandelbaum, Massey and Whitt, 2008).
//! 2. Roster: a MIP per group ([`roster`]) covers every interval's scheduled need at least
//!    cost under the headcount and part-time limits.
//! 3. Verification: simulate the roster; where an interval misses, raise its requirement
//!    (a cut) and re-solve, until every judged interval meets its targets or the iteration
//!    cap is reached.
//! 4. Baseline: the planner's two-step roster (the Erlang requirement alone, covered by
//!    the same candidates and limits, today's bots), simulated and judged the same way,
//!    so that its cost and misses compare like with like. Costs are reported as
//!    [`CostBreakdown`]: agents + bot sessions + bot raises = total, to the cent.

pub mod backend;
mod judge;
pub mod people;
pub mod requirements;
mod result;
pub mod roster;
mod rosters;
pub mod tours;

pub use backend::Solver;
pub use judge::{days_met, judged_cells, replications_for, wilson_lower};
pub use result::{
    BASELINE_METHOD, Baseline, CONFIDENCE_RULE, ConfidenceResult, CostBreakdown, DeflectionResult,
    GroupCost, IntervalConfidence, IterationRecord, Miss, OptimizeResult, RequirementRow,
    RosterLine, Verification,
};

use crate::duration::clock;
use crate::experiment::{self, RunOptions, RunResult};
use crate::model::{Model, OptimizeSpec};
use judge::{RawMiss, judge, missing_pairs, raise, reported_misses};
use rayon::prelude::*;
use requirements::GroupRole;

/// Flags that override the scenario's `[optimize]` section.
#[derive(Clone, Debug, Default)]
pub struct OptimizeOptions {
    /// Base seed.
    pub seed: u64,
    /// Worker threads (`None`: every core).
    pub threads: Option<usize>,
    /// Replications of each verifying simulation.
    pub replications: Option<u32>,
    /// Most verification rounds.
    pub max_iterations: Option<u32>,
    /// Relative MIP gap.
    pub gap: Option<f64>,
    /// MIP time limit, seconds.
    pub time_limit: Option<f64>,
    /// The MIP solver (`None`: microlp).
    pub solver: Option<Solver>,
    /// Highest abandonment rate.
    pub max_abandon_rate: Option<f64>,
    /// Longest ASA, seconds.
    pub max_asa: Option<f64>,
    /// Service-level targets by channel name.
    pub service_levels: Vec<(String, f64)>,
    /// The share of days on which every judged interval must meet its targets.
    pub confidence: Option<f64>,
    /// Highest occupancy of every group in a judged interval.
    pub max_occupancy: Option<f64>,
}

/// Why optimization could not start or finish: bad input (exit 2: no `[optimize]`, a
/// group in no template, limits no roster meets, a flag out of range), the solver stopping
/// without a roster (exit 3), or a run's own errors (see [`crate::error`]).
pub type OptimizeError = crate::error::Error;

/// The scenario's `[optimize]` with the flags' overrides applied and checked.
pub fn effective_spec(
    model: &Model,
    options: &OptimizeOptions,
) -> Result<(Model, OptimizeSpec), OptimizeError> {
    let Some(spec) = &model.optimize else {
        return Err(OptimizeError::bad_input(format!(
            "{} has no [optimize] section: add one with at least one [[optimize.shift]] template (see the README's \"Optimizing a roster\")",
            model.name
        )));
    };
    let mut spec = spec.clone();
    let mut model = model.clone();
    let bad = |m: String| Err(OptimizeError::bad_input(m));
    if let Some(r) = options.replications {
        if r < 2 {
            return bad("--replications: at least 2, for confidence intervals".into());
        }
        spec.replications = r;
    }
    if let Some(i) = options.max_iterations {
        spec.max_iterations = i.max(1);
    }
    if let Some(g) = options.gap {
        if !(g > 0.0 && g < 1.0) {
            return bad(format!(
                "--gap {g}: the relative gap is above 0 and below 1, e.g. 0.005 (a gap of 0 can run for hours and exhaust memory)"
            ));
        }
        spec.gap = g;
    }
    if let Some(t) = options.time_limit {
        if t <= 0.0 {
            return bad("--time-limit must be above zero".into());
        }
        spec.time_limit = t;
    }
    if let Some(a) = options.max_abandon_rate {
        if !(0.0..=1.0).contains(&a) {
            return bad(format!("--max-abandon-rate {a}: a share between 0 and 1"));
        }
        spec.max_abandon_rate = Some(a);
    }
    if let Some(a) = options.max_asa {
        spec.max_asa = Some(a);
    }
    for (name, target) in &options.service_levels {
        let Some(ch) = model.channels.iter_mut().find(|c| &c.name == name) else {
            let names: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
            return bad(format!(
                "--service-level {name}=…: there is no channel \"{name}\"; the channels are {}",
                names.join(", ")
            ));
        };
        if !(*target > 0.0 && *target < 1.0) {
            return bad(format!(
                "--service-level {name}={target}: a target is above 0 and below 1 — no staffing answers every contact in time"
            ));
        }
        ch.service_level_target = *target;
    }
    for ch in &model.channels {
        if ch.service_level_target >= 1.0 && ch.answer_within <= 0.0 {
            return bad(format!(
                "channel {}: a target of 100% within 0s cannot be met by any staffing; lower the target or give answer_within a time",
                ch.name
            ));
        }
    }
    if spec.max_asa == Some(0.0) {
        return bad("max_asa of 0s cannot be met: some contact always waits".into());
    }
    if let Some(m) = options.max_occupancy {
        if !(m > 0.0 && m <= 1.0) {
            return bad(format!(
                "--max-occupancy {m}: an occupancy cap is a share above 0 and at most 1, e.g. 0.85"
            ));
        }
        spec.max_occupancy = vec![Some(m); model.groups.len()];
    }
    if let Some(c) = options.confidence {
        if !crate::model::CONFIDENCE_RANGE.contains(&c) {
            return bad(format!(
                "--confidence {c}: {}",
                crate::model::CONFIDENCE_RULE
            ));
        }
        spec.confidence = Some(c);
    }
    // Each check simulates enough days for the confidence rule to pass a roster whose
    // days meet the targets halfway between the confidence and every day.
    if let Some(c) = spec.confidence {
        spec.replications = spec.replications.max(judge::replications_for(c));
    }
    model.optimize = Some(spec.clone());
    Ok((model, spec))
}

/// The MIP solver: `--solver`, else the scenario's `[optimize] solver`, else microlp.
fn solver_of(spec: &OptimizeSpec, options: &OptimizeOptions) -> Solver {
    options
        .solver
        .or_else(|| (spec.solver.as_deref()).and_then(|n| Solver::parse(n).ok()))
        .unwrap_or_default()
}

/// Simulates `model` with the optimizer's replications, seed and threads.
fn simulate(
    model: &Model,
    spec: &OptimizeSpec,
    options: &OptimizeOptions,
) -> Result<RunResult, OptimizeError> {
    experiment::run(
        model,
        &RunOptions {
            replications: spec.replications,
            seed: options.seed,
            threads: options.threads,
        },
    )
}

/// What the optimizer works from: the scenario with the flags applied, its `[optimize]`
/// section, each group's role and candidate shifts, and where progress lines go.
struct Setting<'a> {
    model: Model,
    spec: OptimizeSpec,
    options: &'a OptimizeOptions,
    roles: Vec<GroupRole>,
    candidates: Vec<Vec<roster::Candidate>>,
    progress: &'a (dyn Fn(&str) + Sync),
}

/// The last roster round: what it rostered and how its simulation fared.
struct FinalRound {
    /// The model staffed by the roster (and the containment bought).
    model: Model,
    result: RunResult,
    misses: Vec<RawMiss>,
    judged: usize,
    solutions: Vec<roster::RosterSolution>,
    /// The scheduled need per group and interval.
    need: Vec<Vec<u32>>,
    /// What the roster covered (the need less the bots' relief).
    covered_need: Vec<Vec<u32>>,
    /// With raises on offer: the agent cost without them.
    cost_without_raises: Option<f64>,
    /// Points of each containment raise bought.
    points: Vec<f64>,
    /// The tours the roster is made of (empty without contracts).
    tour_sets: Vec<tours::TourSet>,
}

/// Runs the whole optimization; `progress` hears a line per step.
pub fn optimize(
    model: &Model,
    options: &OptimizeOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<OptimizeResult, OptimizeError> {
    let started = std::time::Instant::now();
    let mut s = setting(model, options, progress)?;
    // With a confidence, the roster that meets the targets on average comes first (its
    // cost is the price of certainty's base), then the rounds go on judged day by day.
    let confidence = take_confidence(&mut s);
    progress("measuring the offered load (ample staffing)");
    let load =
        requirements::offered_load(&s.model, options.seed, s.spec.replications, options.threads)?;
    let erlang = erlang_requirements(&s, &load)?;
    let mut required = erlang.clone();
    let mut history = Vec::new();
    // 1. Requirements corrected by simulation, staffing exactly the requirement.
    requirement_rounds(&s, &mut required, &mut history)?;
    // 2–3. Roster, simulate, cut, re-solve.
    let deflection_options = rosters::deflection_options(&s.model, &s.spec, &s.roles, &load);
    let mut last = roster_rounds(&s, &deflection_options, &mut required, &mut history)?;
    let mut confident = None;
    if let Some(level) = confidence {
        let mean_based = last;
        last = confident_rounds(
            &mut s,
            level,
            &deflection_options,
            &mut required,
            &mut history,
        )?;
        confident = Some(confidence_result(&s, level, &mean_based, &last));
    }
    if !s.spec.contracts.is_empty() {
        progress("bounding the tours' paid hours");
        tours::set_bounds(
            &s.model,
            &s.spec,
            &s.candidates,
            &mut last.tour_sets,
            &last.covered_need,
            solver_of(&s.spec, s.options),
        );
    }
    let deflections = deflection_results(&s, &deflection_options, &last);
    let requirement_rows = requirement_rows(&s, &load, &erlang, &required, &last);
    let tours = (!s.spec.contracts.is_empty())
        .then(|| tours::report::tours_result(&s.model, &s.spec, &s.candidates, &last.tour_sets));
    let (roster_lines, mut costs) = rosters::roster_summary(
        &s.model,
        &s.spec,
        &s.candidates,
        &last.solutions,
        &last.need,
    );
    // With tours, a group's headcount is its people.
    for p in tours.iter().flat_map(|t| &t.people) {
        if let Some(c) = costs.iter_mut().find(|c| c.group == p.group) {
            c.headcount = p.people;
        }
    }
    let simulated = Verification {
        model: last.model,
        result: last.result,
        seed: options.seed,
    };
    let deflection_cost: f64 = deflections.iter().map(|d| d.cost).sum();
    let total_cost: f64 = costs.iter().map(|c| c.cost).sum();
    let cost_breakdown = CostBreakdown::new(total_cost, simulated.bot_cost(), deflection_cost);

    // The planner's two-step baseline: Erlang per interval, the cheapest cover, simulated.
    let baseline = rosters::two_step_baseline(
        &s.model,
        &s.spec,
        options,
        solver_of(&s.spec, options),
        &s.candidates,
        &need_of(&s.model, &erlang),
    )?;
    progress(&format!(
        "two-step baseline: cost {:.0}, {} interval misses, shortfall {} agent-intervals",
        baseline.cost_breakdown.total, baseline.intervals_missing, baseline.shortfall
    ));
    Ok(OptimizeResult {
        scenario: s.model.name.clone(),
        seed: options.seed,
        replications: s.spec.replications,
        targets_met: last.misses.is_empty(),
        history,
        roster: roster_lines,
        requirements: requirement_rows,
        total_cost,
        naive_cost: costs.iter().map(|c| c.naive_cost).sum(),
        costs,
        deflection_cost,
        cost_breakdown,
        baseline,
        intervals_judged: last.judged,
        intervals_missing: missing_pairs(&last.misses),
        deflections,
        misses: reported_misses(&s.model, last.misses),
        simulated,
        min_offered: s.spec.min_offered,
        tours,
        confidence: confident,
        wall_s: started.elapsed().as_secs_f64(),
    })
}

/// With a confidence, the rounds are first judged on the mean (`s.spec.confidence` taken
/// out until [`confident_rounds`]); says how many days each check simulates.
fn take_confidence(s: &mut Setting) -> Option<f64> {
    let confidence = s.spec.confidence.take();
    if let Some(c) = confidence {
        (s.progress)(&format!(
            "confidence {:.0}%: every check simulates {} days (the roster judged on the mean too, so that the two compare)",
            c * 100.0,
            s.spec.replications
        ));
    }
    confidence
}

/// The most rounds judged day by day: twice `max_iterations`, at least 16 (the promotion
/// day at 0.9 takes 11).
pub fn confidence_rounds(max_iterations: u32) -> u32 {
    (2 * max_iterations).max(16)
}

/// With a confidence (`s.spec.confidence`), from the roster met on average: the roster
/// rounds again, judged day by day, their history marked `confidence`.
fn confident_rounds(
    s: &mut Setting,
    level: f64,
    deflection_options: &[roster::DeflectionOption],
    required: &mut [Vec<u32>],
    history: &mut Vec<IterationRecord>,
) -> Result<FinalRound, OptimizeError> {
    s.spec.confidence = Some(level);
    // Lifting the intervals below the confidence takes more rounds than the mean.
    let rounds = s.spec.max_iterations;
    s.spec.max_iterations = confidence_rounds(rounds);
    (s.progress)(&format!(
        "confidence {:.0}%: from the roster judged on the mean, the rounds go on judged day by day ({} days per check, at most {} rounds)",
        s.spec.confidence.unwrap_or(0.0) * 100.0,
        s.spec.replications,
        s.spec.max_iterations
    ));
    let rounds_before = history.len();
    let last = roster_rounds(s, deflection_options, required, history);
    s.spec.max_iterations = rounds;
    for h in &mut history[rounds_before..] {
        h.phase = "confidence";
    }
    last
}

/// The confident roster against the one judged on the mean: each judged interval's days
/// meeting its frontline targets under both, and both costs.
fn confidence_result(
    s: &Setting,
    level: f64,
    mean_based: &FinalRound,
    confident: &FinalRound,
) -> ConfidenceResult {
    let cost = |r: &FinalRound| -> f64 {
        let (_, costs) =
            rosters::roster_summary(&s.model, &s.spec, &s.candidates, &r.solutions, &r.need);
        costs.iter().map(|c| c.cost).sum()
    };
    let intervals: Vec<IntervalConfidence> =
        (judge::judged_cells(&confident.model, &s.spec, &confident.result).into_iter())
            .map(|(i, k, c)| {
                let target = s.model.channels[c].service_level_target;
                let (m0, d0) = judge::days_met(&mean_based.result, i, target, &s.spec);
                let (met, days) = judge::days_met(&confident.result, i, target, &s.spec);
                IntervalConfidence {
                    start_s: s.model.display_time(k as f64 * s.model.interval),
                    channel: s.model.channels[c].name.clone(),
                    days,
                    mean_based_met: m0,
                    mean_based_lower_bound: wilson_lower(m0, d0),
                    met,
                    lower_bound: wilson_lower(met, days),
                }
            })
            .collect();
    ConfidenceResult {
        level,
        rule: CONFIDENCE_RULE,
        replications: s.spec.replications,
        mean_based_cost: cost(mean_based),
        mean_based_intervals_short: (intervals.iter())
            .filter(|x| x.mean_based_lower_bound < level)
            .count(),
        confident_cost: cost(confident),
        confident_intervals_short: intervals.iter().filter(|x| x.lower_bound < level).count(),
        intervals,
    }
}

/// The effective scenario and spec, each group's role, and its candidate shifts (a
/// group in no template is an error).
fn setting<'a>(
    model: &Model,
    options: &'a OptimizeOptions,
    progress: &'a (dyn Fn(&str) + Sync),
) -> Result<Setting<'a>, OptimizeError> {
    let (model, spec) = effective_spec(model, options)?;
    let roles = requirements::roles(&model);
    let candidates: Vec<Vec<roster::Candidate>> = (0..model.groups.len())
        .map(|g| roster::candidates(&model, g))
        .collect();
    for (g, c) in candidates.iter().enumerate() {
        if c.is_empty() {
            return Err(OptimizeError::bad_input(format!(
                "group {} is in no [[optimize.shift]] template: list it in a template's groups (or leave groups out to mean every group)",
                model.groups[g].name
            )));
        }
    }
    Ok(Setting {
        model,
        spec,
        options,
        roles,
        candidates,
        progress,
    })
}

/// Agents on duty per group and interval by Erlang A on the measured load (at least
/// `min_on_duty`; in an interval where every channel of the group is closed, the agents to
/// finish the work in progress: [`requirements::requirement_in`]).
fn erlang_requirements(s: &Setting, load: &[Vec<f64>]) -> Result<Vec<Vec<u32>>, OptimizeError> {
    let model = &s.model;
    (0..model.groups.len())
        .into_par_iter()
        .map(|g| {
            (0..model.n_intervals)
                .map(|k| {
                    requirements::requirement_in(model, &s.spec, g, &s.roles[g], k, load[g][k])
                        .map_err(|e| format!("{e} (interval {})", clock(k as f64 * model.interval)))
                })
                .collect::<Result<Vec<u32>, String>>()
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(OptimizeError::bad_input)
}

/// The scheduled agents (through shrinkage) for agents on duty per group and interval; a
/// cyclic model's lead-in day needs what the counted day needs (it is the same day, and
/// the roster's shifts cover both alike).
fn need_of(model: &Model, required: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let lead_in = model.lead_in_intervals();
    (0..model.groups.len())
        .map(|g| {
            (0..model.n_intervals)
                .map(|k| {
                    let k = if k < lead_in { k + lead_in } else { k };
                    requirements::scheduled_for(model, g, k, required[g][k])
                })
                .collect()
        })
        .collect()
}

/// Up to four rounds: staff exactly the requirement, simulate, raise where it missed.
fn requirement_rounds(
    s: &Setting,
    required: &mut [Vec<u32>],
    history: &mut Vec<IterationRecord>,
) -> Result<(), OptimizeError> {
    let model = &s.model;
    for it in 1..=s.spec.max_iterations.min(4) {
        let need = need_of(model, required);
        let mut m = model.clone();
        for (g, group) in m.groups.iter_mut().enumerate() {
            group.set_scheduled(&need[g], model.interval);
        }
        let result = simulate(&m, &s.spec, s.options)?;
        let (misses, _) = judge(&m, &s.spec, &result);
        let cost = result.estimate(|o| o.cost - o.bot_cost).mean;
        (s.progress)(&format!(
            "requirements round {it}: cost {cost:.0}, {} interval misses",
            missing_pairs(&misses)
        ));
        history.push(IterationRecord {
            iteration: it,
            phase: "requirements",
            cost,
            intervals_missing: missing_pairs(&misses),
            shortfall: 0,
            solve_s: 0.0,
            gap: None,
        });
        if misses.is_empty() {
            break;
        }
        raise(required, &s.roles, &misses, &m, &result);
    }
    Ok(())
}

/// Roster, simulate, raise the requirement where it missed (not where the roster is
/// already short), re-solve; until nothing misses, nothing changes or the iteration cap.
fn roster_rounds(
    s: &Setting,
    deflection_options: &[roster::DeflectionOption],
    required: &mut [Vec<u32>],
    history: &mut Vec<IterationRecord>,
) -> Result<FinalRound, OptimizeError> {
    let mut it = 1;
    // The best round so far (fewest missed channel-intervals, then cheapest) and the
    // requirement it was solved for: later rounds may only add agents where a miss does
    // not go away (an interval no shift can reach in time), and the roster returned is
    // the best one, not the last.
    let mut best: Option<BestRound> = None;
    loop {
        let need = need_of(&s.model, required);
        let rostered = rosters::solve_rosters(
            &s.model,
            &s.spec,
            &s.candidates,
            &need,
            deflection_options,
            solver_of(&s.spec, s.options),
        )?;
        let mut solutions = rostered.solutions;
        // Tours (with [[optimize.contract]]): the roster becomes the tours' shifts.
        let tour_sets = if s.spec.contracts.is_empty() {
            Vec::new()
        } else {
            tours::apply(
                &s.model,
                &s.spec,
                &s.candidates,
                &mut solutions,
                &need,
                &rostered.covered_need,
                solver_of(&s.spec, s.options),
            )
        };
        let mut m = rosters::staffed_by(&s.model, &s.candidates, &solutions);
        rosters::apply_deflections(&mut m, &s.spec, &rostered.points);
        let result = simulate(&m, &s.spec, s.options)?;
        let (misses, judged) = judge(&m, &s.spec, &result);
        let lead_in = s.model.lead_in_intervals();
        let record = roster_record(it, &solutions, rostered.extra_solve_s, &misses, lead_in);
        let rank = (record.intervals_missing, record.cost);
        (s.progress)(&format!(
            "roster round {it}: cost {:.0}, {} interval misses, shortfall {} agent-intervals",
            record.cost, record.intervals_missing, record.shortfall
        ));
        history.push(record);
        let done = misses.is_empty() || it == s.spec.max_iterations;
        let before = required.to_vec();
        if !done {
            raise_unblocked(s, required, &solutions, &misses, &m, &result);
        }
        let last = FinalRound {
            model: m,
            result,
            misses,
            judged,
            solutions,
            need,
            covered_need: rostered.covered_need,
            cost_without_raises: rostered.cost_without_raises,
            points: rostered.points,
            tour_sets,
        };
        let stop = done || before.as_slice() == &*required;
        if best.as_ref().is_none_or(|(b, _, _)| rank < *b) {
            best = Some((rank, last, before));
        }
        if stop {
            let (_, last, solved_for) = best.expect("one round at least");
            required.clone_from_slice(&solved_for);
            return Ok(last);
        }
        it += 1;
    }
}

/// A roster round's rank (channel-intervals missing, cost), the round, and the
/// requirement it was solved for.
type BestRound = ((usize, f64), FinalRound, Vec<Vec<u32>>);

/// The history line of a roster round.
fn roster_record(
    it: u32,
    solutions: &[roster::RosterSolution],
    extra_solve_s: f64,
    misses: &[RawMiss],
    lead_in: usize,
) -> IterationRecord {
    IterationRecord {
        iteration: it,
        phase: "roster",
        cost: solutions.iter().map(|s| s.cost).sum(),
        intervals_missing: missing_pairs(misses),
        // A cyclic model's lead-in mirrors the counted day: counted once.
        shortfall: (solutions.iter())
            .flat_map(|s| s.shortfall.iter().skip(lead_in))
            .sum(),
        solve_s: solutions.iter().map(|s| s.solve_s).sum::<f64>() + extra_solve_s,
        gap: solutions
            .iter()
            .filter_map(|s| s.gap)
            .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b)))),
    }
}

/// Raises the requirement where the roster missed, except in the group-intervals it
/// could not cover (a shortfall): there a raise would change nothing, the miss stays.
fn raise_unblocked(
    s: &Setting,
    required: &mut [Vec<u32>],
    solutions: &[roster::RosterSolution],
    misses: &[RawMiss],
    m: &Model,
    result: &RunResult,
) {
    let unraised = required.to_vec();
    raise(required, &s.roles, misses, m, result);
    for (g, solution) in solutions.iter().enumerate() {
        for (k, &short) in solution.shortfall.iter().enumerate() {
            if short > 0 {
                required[g][k] = unraised[g][k];
            }
        }
    }
}

/// The recommended containment per offer, each with its share of the agent cost the
/// raises save together (split by points raised); empty without offers.
fn deflection_results(
    s: &Setting,
    deflection_options: &[roster::DeflectionOption],
    last: &FinalRound,
) -> Vec<DeflectionResult> {
    if s.spec.deflections.is_empty() {
        return Vec::new();
    }
    let model = &s.model;
    let points = &last.points;
    let agent_cost_with: f64 = last.solutions.iter().map(|s| s.cost).sum();
    let agent_cost_without: f64 = last.cost_without_raises.unwrap_or(agent_cost_with);
    let mut out: Vec<DeflectionResult> = (s.spec.deflections.iter().zip(points))
        .zip(deflection_options)
        .map(|((d, &p), o)| DeflectionResult {
            channel: model.channels[d.channel.index()].name.clone(),
            category: model.categories[d.category.index()].clone(),
            today: d.today,
            achievable: d.max,
            recommended: d.today + p / 100.0,
            cost: p * o.cost_per_point,
            agent_cost_saved: 0.0,
        })
        .collect();
    let saved = agent_cost_without - agent_cost_with;
    // The agent saving is joint; shared out by each raise's points.
    let total_points: f64 = points.iter().sum();
    for (r, &p) in out.iter_mut().zip(points) {
        r.agent_cost_saved = if total_points > 0.0 {
            saved * p / total_points
        } else {
            0.0
        };
    }
    out
}

/// Per interval and group: the load, Erlang's agents, the corrected requirement, the
/// scheduled need, what the roster covered and its shortfall.
fn requirement_rows(
    s: &Setting,
    load: &[Vec<f64>],
    erlang: &[Vec<u32>],
    required: &[Vec<u32>],
    last: &FinalRound,
) -> Vec<RequirementRow> {
    let model = &s.model;
    let (n_g, n_k) = (model.groups.len(), model.n_intervals);
    let mut rows = Vec::with_capacity(n_g * n_k);
    // A cyclic model's lead-in day is neither costed nor judged: its rows are left out.
    for k in model.lead_in_intervals()..n_k {
        for g in 0..n_g {
            rows.push(RequirementRow {
                start_s: model.display_time(k as f64 * model.interval),
                group: model.groups[g].name.clone(),
                offered_load: load[g][k],
                erlang: erlang[g][k],
                required: required[g][k],
                scheduled_needed: last.need[g][k],
                scheduled_after_bots: last.covered_need[g][k],
                rostered: rosters::covered(&s.candidates[g], &last.solutions[g].agents, k),
                shortfall: last.solutions[g].shortfall[k],
            });
        }
    }
    rows
}
