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

pub mod requirements;
pub mod roster;

use crate::duration::clock;
use crate::experiment::{self, RunOptions, RunResult};
use crate::model::{Model, OptimizeSpec, RosterShift};
use rayon::prelude::*;
use requirements::{GroupRole, first_reported};
use serde::Serialize;

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
    /// Highest abandonment rate.
    pub max_abandon_rate: Option<f64>,
    /// Longest ASA, seconds.
    pub max_asa: Option<f64>,
    /// Service-level targets by channel name.
    pub service_levels: Vec<(String, f64)>,
}

/// One round of the loop.
#[derive(Clone, Debug, Serialize)]
pub struct IterationRecord {
    /// Round number from 1.
    pub iteration: u32,
    /// `requirements` (staffing = requirement per interval) or `roster` (the MIP's shifts).
    pub phase: &'static str,
    /// Paid agent cost of what was simulated.
    pub cost: f64,
    /// Judged (channel, interval) pairs that missed a target.
    pub intervals_missing: usize,
    /// Agent-intervals the roster could not cover.
    pub shortfall: u32,
    /// Seconds in the MIP solver (all groups).
    pub solve_s: f64,
    /// Largest relative MIP gap over the groups.
    pub gap: Option<f64>,
}

/// A rostered shift.
#[derive(Clone, Debug, Serialize)]
pub struct RosterLine {
    /// Group.
    pub group: String,
    /// Shift template.
    pub shift: String,
    /// Start, seconds from the start of the horizon.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// Breaks as `(start_s, length_s, paid)`.
    pub breaks: Vec<(f64, f64, bool)>,
    /// Agents working it.
    pub agents: u32,
}

/// Requirement and roster of one group in one interval.
#[derive(Clone, Debug, Serialize)]
pub struct RequirementRow {
    /// Interval start, seconds.
    pub start_s: f64,
    /// Group.
    pub group: String,
    /// Offered load, conversations in progress.
    pub offered_load: f64,
    /// Agents on duty by Erlang A.
    pub erlang: u32,
    /// Agents on duty after the simulation's corrections.
    pub required: u32,
    /// Scheduled agents needed for it (shrinkage).
    pub scheduled_needed: u32,
    /// What the roster had to cover: the scheduled need less the agents the recommended
    /// bot raises relieve (equal to `scheduled_needed` without raises).
    pub scheduled_after_bots: u32,
    /// Scheduled agents the roster puts on the queues.
    pub rostered: u32,
    /// Scheduled agents missing.
    pub shortfall: u32,
}

/// Cost of one group's roster.
#[derive(Clone, Debug, Serialize)]
pub struct GroupCost {
    /// Group.
    pub group: String,
    /// Agents rostered.
    pub headcount: u32,
    /// Paid agent-hours within the horizon (unpaid breaks out).
    pub paid_hours: f64,
    /// Paid hours × hourly cost.
    pub cost: f64,
    /// Deprecated, kept in the JSON so that readers of it keep working: the peak
    /// interval's scheduled need paid for the whole horizon (it ignores opening hours and
    /// breaks, so it is no baseline; compare with [`Baseline`]). Not printed.
    pub naive_cost: f64,
    /// Scheduled agent-intervals the roster could not cover (limits, or no shift).
    pub shortfall: u32,
    /// Status of its last MIP solve.
    pub solver: &'static str,
    /// Relative gap of its last MIP solve.
    pub gap: Option<f64>,
}

/// What a roster costs over the horizon, term by term. Each term is rounded to cents,
/// and `total` is their sum in cents, so `agents + bot_sessions + bot_raises = total`
/// holds exactly (to the cent) in the JSON and in the printed line.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CostBreakdown {
    /// The roster's paid agent-hours × each group's `hourly_cost`, over the whole horizon
    /// (shifts past its end paid only within it, unpaid breaks out).
    pub agents: f64,
    /// Bot sessions × the bot's `session_cost`, the mean over the verifying simulation's
    /// replications (sessions of contacts counted after the warm-up, as `ccsim run`
    /// counts its `bot_cost`).
    pub bot_sessions: f64,
    /// The recommended containment raises' cost over the horizon (`[[optimize.deflection]]`;
    /// 0 without raises).
    pub bot_raises: f64,
    /// `agents + bot_sessions + bot_raises`.
    pub total: f64,
}

impl CostBreakdown {
    /// The three terms, each rounded to cents, and their sum.
    pub fn new(agents: f64, bot_sessions: f64, bot_raises: f64) -> CostBreakdown {
        let cents = |x: f64| (x * 100.0).round() as i64;
        let (a, b, r) = (cents(agents), cents(bot_sessions), cents(bot_raises));
        CostBreakdown {
            agents: a as f64 / 100.0,
            bot_sessions: b as f64 / 100.0,
            bot_raises: r as f64 / 100.0,
            total: (a + b + r) as f64 / 100.0,
        }
    }
}

/// How [`Baseline`] is built, in one sentence (in the JSON as `method`).
pub const BASELINE_METHOD: &str = "two-step: Erlang A (Erlang C without patience) per group and interval on the measured offered load, through shrinkage, then the cheapest cover by the same shift templates and breaks, limits and solver settings; no simulation rounds and no containment raises; then simulated with the same seed and replications as the roster and judged by the same rules";

/// A simulation the optimizer ran to judge a roster: the model as the roster staffs it,
/// its replications and the seed. The output layer turns it into the run summary that the
/// JSON (`simulated`), the text and the report show (`output::optimize::summary`).
#[derive(Clone, Debug)]
pub struct Verification {
    /// The scenario staffed by the roster (and the recommended containment).
    pub model: Model,
    /// Its replications.
    pub result: RunResult,
    /// Their base seed.
    pub seed: u64,
}

impl Verification {
    /// Bot sessions × session cost, the mean over the replications (as `ccsim run`
    /// reports `bot_cost`).
    pub fn bot_cost(&self) -> f64 {
        self.result.estimate(|o| o.bot_cost).mean
    }
}

/// The planner's two-step roster, to compare the optimized one with: each interval's
/// Erlang requirement (the `erlang` column of [`RequirementRow`], without the
/// simulation's corrections), covered at least cost by the same candidate shifts, then
/// simulated and judged exactly as the optimized roster's last round.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// [`BASELINE_METHOD`].
    pub method: &'static str,
    /// Its cost, by the same definition as [`OptimizeResult::cost_breakdown`].
    pub cost_breakdown: CostBreakdown,
    /// Per group.
    pub costs: Vec<GroupCost>,
    /// Its roster.
    pub roster: Vec<RosterLine>,
    /// Judged (channel, interval) pairs: at least `min_offered` offered per replication.
    pub intervals_judged: usize,
    /// Judged (channel, interval) pairs that missed a target in its simulation.
    pub intervals_missing: usize,
    /// Every judged interval met its targets.
    pub targets_met: bool,
    /// What missed, per interval and channel.
    pub misses: Vec<Miss>,
    /// Scheduled agent-intervals its roster could not cover, all groups.
    pub shortfall: u32,
    /// Its simulation.
    pub simulated: Verification,
}

/// A recommended bot containment for one channel and category.
#[derive(Clone, Debug, Serialize)]
pub struct DeflectionResult {
    /// The bot's channel.
    pub channel: String,
    /// The category.
    pub category: String,
    /// Today's containment.
    pub today: f64,
    /// The highest achievable.
    pub achievable: f64,
    /// What the optimizer recommends.
    pub recommended: f64,
    /// What the raise costs over the horizon.
    pub cost: f64,
    /// Its share of the agent cost saved (the joint saving split by points raised).
    pub agent_cost_saved: f64,
}

/// A judged interval that missed a target in the final simulation.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    /// Interval start, seconds.
    pub start_s: f64,
    /// Channel.
    pub channel: String,
    /// What missed, e.g. `service level 76.2% < 80%`.
    pub what: String,
}

/// What `ccsim optimize` found (printed and written by `output::optimize`).
#[derive(Clone, Debug)]
pub struct OptimizeResult {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Replications of each verifying simulation.
    pub replications: u32,
    /// Every judged interval met its targets in the final simulation.
    pub targets_met: bool,
    /// The rounds.
    pub history: Vec<IterationRecord>,
    /// The roster.
    pub roster: Vec<RosterLine>,
    /// Per interval and group.
    pub requirements: Vec<RequirementRow>,
    /// Per group.
    pub costs: Vec<GroupCost>,
    /// Roster cost, all groups (paid agent cost only: `cost_breakdown.agents` before
    /// rounding).
    pub total_cost: f64,
    /// Cost of the recommended containment raises.
    pub deflection_cost: f64,
    /// Deprecated, kept in the JSON for its readers: the sum of the groups'
    /// [`GroupCost::naive_cost`]. Not printed; the baseline is [`OptimizeResult::baseline`].
    pub naive_cost: f64,
    /// The cost that adds up: agents + bot sessions + bot raises = total.
    pub cost_breakdown: CostBreakdown,
    /// The two-step roster (Erlang per interval, cheapest cover, no simulation rounds),
    /// simulated: its cost and its misses.
    pub baseline: Baseline,
    /// Judged (channel, interval) pairs in the final simulation.
    pub intervals_judged: usize,
    /// Judged (channel, interval) pairs that missed a target in the final simulation.
    pub intervals_missing: usize,
    /// The recommended bot containment per category, when `[[optimize.deflection]]` offers it.
    pub deflections: Vec<DeflectionResult>,
    /// Judged intervals still missing in the final simulation.
    pub misses: Vec<Miss>,
    /// The final roster's simulation.
    pub simulated: Verification,
    /// Intervals with fewer offered contacts than this (per replication) were not judged.
    pub min_offered: f64,
    /// Seconds from start to end.
    pub wall_s: f64,
}

/// Why optimization could not start or finish.
#[derive(Clone, Debug)]
pub struct OptimizeError(pub String);

impl std::fmt::Display for OptimizeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptimizeError {}

/// The scenario's `[optimize]` with the flags' overrides applied and checked.
pub fn effective_spec(
    model: &Model,
    options: &OptimizeOptions,
) -> Result<(Model, OptimizeSpec), OptimizeError> {
    let Some(spec) = &model.optimize else {
        return Err(OptimizeError(format!(
            "{} has no [optimize] section: add one with at least one [[optimize.shift]] template (see the README's \"Optimizing a roster\")",
            model.name
        )));
    };
    let mut spec = spec.clone();
    let mut model = model.clone();
    let bad = |m: String| Err(OptimizeError(m));
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
    model.optimize = Some(spec.clone());
    Ok((model, spec))
}

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
type RawMiss = (usize, usize, bool, String);

/// The judged intervals that miss a target, and how many (channel, interval) pairs were
/// judged.
fn judge(model: &Model, spec: &OptimizeSpec, result: &RunResult) -> (Vec<RawMiss>, usize) {
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
fn missing_pairs(misses: &[RawMiss]) -> usize {
    let mut pairs: Vec<(usize, usize)> = misses.iter().map(|m| (m.0, m.1)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs.len()
}

/// The misses as reported: interval start, channel name, what missed.
fn reported_misses(model: &Model, misses: Vec<RawMiss>) -> Vec<Miss> {
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
fn raise(
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
    .map_err(|e| OptimizeError(e.to_string()))
}

/// Runs the whole optimization; `progress` hears a line per step.
pub fn optimize(
    model: &Model,
    options: &OptimizeOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<OptimizeResult, OptimizeError> {
    let started = std::time::Instant::now();
    let (model, spec) = effective_spec(model, options)?;
    let n_g = model.groups.len();
    let n_k = model.n_intervals;
    let roles = requirements::roles(&model);
    let candidates: Vec<Vec<roster::Candidate>> =
        (0..n_g).map(|g| roster::candidates(&model, g)).collect();
    for (g, c) in candidates.iter().enumerate() {
        if c.is_empty() {
            return Err(OptimizeError(format!(
                "group {} is in no [[optimize.shift]] template: list it in a template's groups (or leave groups out to mean every group)",
                model.groups[g].name
            )));
        }
    }
    progress("measuring the offered load (ample staffing)");
    let load = requirements::offered_load(&model, options.seed, spec.replications, options.threads)
        .map_err(|e| OptimizeError(e.to_string()))?;
    let erlang: Vec<Vec<u32>> = (0..n_g)
        .into_par_iter()
        .map(|g| {
            (0..n_k)
                .map(|k| {
                    requirements::erlang_requirement(&model, &spec, g, &roles[g], load[g][k])
                        .map(|n| n.max(spec.min_on_duty))
                        .map_err(|e| format!("{e} (interval {})", clock(k as f64 * model.interval)))
                })
                .collect::<Result<Vec<u32>, String>>()
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(OptimizeError)?;
    let mut required = erlang.clone();
    let mut history = Vec::new();
    let need_of = |required: &[Vec<u32>]| -> Vec<Vec<u32>> {
        (0..n_g)
            .map(|g| {
                (0..n_k)
                    .map(|k| requirements::scheduled_for(&model, g, required[g][k]))
                    .collect()
            })
            .collect()
    };

    // 1. Requirements corrected by simulation, staffing exactly the requirement.
    let requirement_rounds = spec.max_iterations.min(4);
    for it in 1..=requirement_rounds {
        let need = need_of(&required);
        let mut m = model.clone();
        for (g, group) in m.groups.iter_mut().enumerate() {
            group.set_scheduled(&need[g], model.interval);
        }
        let result = simulate(&m, &spec, options)?;
        let (misses, _) = judge(&m, &spec, &result);
        let cost = result.estimate(|o| o.cost - o.bot_cost).mean;
        progress(&format!(
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
        raise(&mut required, &roles, &misses, &m, &result);
    }

    // 2–3. Roster, simulate, cut, re-solve.
    let deflection_options = deflection_options(&model, &spec, &roles, &load);
    let mut last = None;
    let mut points = vec![0.0; spec.deflections.len()];
    for it in 1..=spec.max_iterations {
        let need = need_of(&required);
        let rostered = solve_rosters(&model, &spec, &candidates, &need, &deflection_options)?;
        let solutions = rostered.solutions;
        points = rostered.points;
        let mut m = staffed_by(&model, &candidates, &solutions);
        apply_deflections(&mut m, &spec, &points);
        let result = simulate(&m, &spec, options)?;
        let (misses, judged) = judge(&m, &spec, &result);
        let cost: f64 = solutions.iter().map(|s| s.cost).sum();
        let shortfall: u32 = solutions.iter().flat_map(|s| s.shortfall.iter()).sum();
        let solve_s = solutions.iter().map(|s| s.solve_s).sum::<f64>() + rostered.extra_solve_s;
        let gap = solutions
            .iter()
            .filter_map(|s| s.gap)
            .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
        progress(&format!(
            "roster round {it}: cost {cost:.0}, {} interval misses, shortfall {shortfall} agent-intervals",
            missing_pairs(&misses)
        ));
        history.push(IterationRecord {
            iteration: it,
            phase: "roster",
            cost,
            intervals_missing: missing_pairs(&misses),
            shortfall,
            solve_s,
            gap,
        });
        let done = misses.is_empty() || it == spec.max_iterations;
        // Misses in intervals the roster cannot cover more (a shortfall) stay misses.
        let before = required.clone();
        if !done {
            let blocked: Vec<Vec<bool>> = (solutions.iter())
                .map(|s| s.shortfall.iter().map(|&x| x > 0).collect())
                .collect();
            let unraised = required.clone();
            raise(&mut required, &roles, &misses, &m, &result);
            for g in 0..n_g {
                for k in 0..n_k {
                    if blocked[g][k] {
                        required[g][k] = unraised[g][k];
                    }
                }
            }
        }
        last = Some((
            m,
            result,
            misses,
            judged,
            solutions,
            need,
            rostered.covered_need,
            rostered.cost_without_raises,
        ));
        if done || before == required {
            break;
        }
    }
    let (final_model, result, misses, judged, solutions, need, covered_need, cost_without_raises) =
        last.expect("at least one round");
    // What the deflection saves: the same requirements rostered with today's containment.
    let deflections = if spec.deflections.is_empty() {
        Vec::new()
    } else {
        let agent_cost_without: f64 =
            cost_without_raises.unwrap_or_else(|| solutions.iter().map(|s| s.cost).sum());
        let agent_cost_with: f64 = solutions.iter().map(|s| s.cost).sum();
        let mut out: Vec<DeflectionResult> = (spec.deflections.iter().zip(&points))
            .zip(&deflection_options)
            .map(|((d, &p), o)| DeflectionResult {
                channel: model.channels[d.channel as usize].name.clone(),
                category: model.categories[d.category as usize].clone(),
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
        for (r, &p) in out.iter_mut().zip(&points) {
            r.agent_cost_saved = if total_points > 0.0 {
                saved * p / total_points
            } else {
                0.0
            };
        }
        out
    };

    let mut requirement_rows = Vec::with_capacity(n_g * n_k);
    for k in 0..n_k {
        for g in 0..n_g {
            requirement_rows.push(RequirementRow {
                start_s: k as f64 * model.interval,
                group: model.groups[g].name.clone(),
                offered_load: load[g][k],
                erlang: erlang[g][k],
                required: required[g][k],
                scheduled_needed: need[g][k],
                scheduled_after_bots: covered_need[g][k],
                rostered: covered(&candidates[g], &solutions[g].agents, k),
                shortfall: solutions[g].shortfall[k],
            });
        }
    }
    let (roster_lines, costs) = roster_summary(&model, &spec, &candidates, &solutions, &need);
    let simulated = Verification {
        model: final_model,
        result,
        seed: options.seed,
    };
    let deflection_cost: f64 = deflections.iter().map(|d| d.cost).sum();
    let total_cost: f64 = costs.iter().map(|c| c.cost).sum();
    let cost_breakdown = CostBreakdown::new(total_cost, simulated.bot_cost(), deflection_cost);

    // The planner's two-step baseline: Erlang per interval, the cheapest cover, simulated.
    let baseline = two_step_baseline(&model, &spec, options, &candidates, &need_of(&erlang))?;
    progress(&format!(
        "two-step baseline: cost {:.0}, {} interval misses, shortfall {} agent-intervals",
        baseline.cost_breakdown.total, baseline.intervals_missing, baseline.shortfall
    ));
    Ok(OptimizeResult {
        scenario: model.name.clone(),
        seed: options.seed,
        replications: spec.replications,
        targets_met: misses.is_empty(),
        history,
        roster: roster_lines,
        requirements: requirement_rows,
        total_cost,
        naive_cost: costs.iter().map(|c| c.naive_cost).sum(),
        costs,
        deflection_cost,
        cost_breakdown,
        baseline,
        intervals_judged: judged,
        intervals_missing: missing_pairs(&misses),
        deflections,
        misses: reported_misses(&model, misses),
        simulated,
        min_offered: spec.min_offered,
        wall_s: started.elapsed().as_secs_f64(),
    })
}

/// The two-step baseline ([`Baseline`]): every group's roster solved on `need` (the
/// Erlang requirement through shrinkage) with today's bots, simulated with the
/// optimizer's seed and replications, judged by the same rules.
fn two_step_baseline(
    model: &Model,
    spec: &OptimizeSpec,
    options: &OptimizeOptions,
    candidates: &[Vec<roster::Candidate>],
    need: &[Vec<u32>],
) -> Result<Baseline, OptimizeError> {
    let solutions: Vec<roster::RosterSolution> = (0..model.groups.len())
        .into_par_iter()
        .map(|g| {
            roster::solve(&roster::RosterProblem {
                group: &model.groups[g].name,
                need: &need[g],
                candidates: &candidates[g],
                hourly_cost: model.groups[g].hourly_cost,
                max_agents: spec.max_agents[g],
                max_part_time_share: spec.max_part_time_share,
                gap: spec.gap,
                time_limit: spec.time_limit,
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(OptimizeError)?;
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
fn staffed_by(
    model: &Model,
    candidates: &[Vec<roster::Candidate>],
    solutions: &[roster::RosterSolution],
) -> Model {
    let mut m = model.clone();
    for (g, group) in m.groups.iter_mut().enumerate() {
        let shifts = rostered_shifts(&candidates[g], &solutions[g].agents);
        let (timeline, paid) = crate::model::shift_timelines(&shifts, model.horizon);
        group.set_timelines(timeline, &paid, model.n_intervals, model.interval);
    }
    m
}

/// The roster's lines (sorted by group, then start) and each group's cost (`need`, the
/// scheduled need per group and interval, gives only the deprecated `naive_cost`).
fn roster_summary(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<roster::Candidate>],
    solutions: &[roster::RosterSolution],
    need: &[Vec<u32>],
) -> (Vec<RosterLine>, Vec<GroupCost>) {
    let horizon_h = model.horizon / 3600.0;
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
            shortfall: solutions[g].shortfall.iter().sum(),
            solver: solutions[g].status,
            gap: solutions[g].gap,
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
fn deflection_options(
    model: &Model,
    spec: &OptimizeSpec,
    roles: &[GroupRole],
    load: &[Vec<f64>],
) -> Vec<roster::DeflectionOption> {
    spec.deflections
        .iter()
        .map(|d| {
            let bot = &model.bots[d.bot];
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
                let g = g as usize;
                let aht = requirements::mean_handle(model, g, t) + penalty;
                for (k, group_load) in load[g].iter().enumerate() {
                    let sessions: f64 = (model.streams.iter())
                        .filter(|s| s.contact_type as usize == t)
                        .map(|s| s.rate_per_s[k] * model.interval)
                        .sum();
                    sessions_total += sessions;
                    let a = *group_load;
                    if sessions <= 0.0 || a <= 0.0 {
                        continue;
                    }
                    let step = (0.25 * a).max(1.0);
                    let at = |x: f64| {
                        requirements::erlang_requirement(model, spec, g, &roles[g], x.max(0.0))
                            .unwrap_or(0) as f64
                    };
                    let per_erlang = ((at(a) - at(a - step)) / step).max(0.0);
                    let erlangs_per_point = 0.01 * sessions * aht / model.interval;
                    let per_point =
                        per_erlang * erlangs_per_point / (1.0 - model.groups[g].shrinkage);
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
fn apply_deflections(model: &mut Model, spec: &OptimizeSpec, points: &[f64]) {
    for (d, &p) in spec.deflections.iter().zip(points) {
        model.bots[d.bot].containment[d.category as usize] = d.today + p / 100.0;
    }
}

/// The rosters of one round.
struct Rostered {
    /// Each group's roster.
    solutions: Vec<roster::RosterSolution>,
    /// Points of each containment raise bought.
    points: Vec<f64>,
    /// The scheduled need each roster covers (less the bots' relief where raises were
    /// bought).
    covered_need: Vec<Vec<u32>>,
    /// With raises on offer: the agent cost of rostering the same need with today's bots.
    cost_without_raises: Option<f64>,
    /// Seconds in the solver beyond the chosen rosters' own (the comparison rosters).
    extra_solve_s: f64,
}

/// Every group's roster, each a MIP of its own, in parallel. Where containment raises are
/// on offer, the joint LP of the groups they relieve proposes the points; the relieved
/// groups are then rostered both on their need less the relief and on their whole need
/// (today's bots), and the raises are kept only if they cost less than the agent cost
/// they save in those whole-agent rosters.
fn solve_rosters(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<roster::Candidate>],
    need: &[Vec<u32>],
    deflections: &[roster::DeflectionOption],
) -> Result<Rostered, OptimizeError> {
    let n_g = model.groups.len();
    let problem = |g: usize| roster::RosterProblem {
        group: &model.groups[g].name,
        need: &need[g],
        candidates: &candidates[g],
        hourly_cost: model.groups[g].hourly_cost,
        max_agents: spec.max_agents[g],
        max_part_time_share: spec.max_part_time_share,
        gap: spec.gap,
        time_limit: spec.time_limit,
    };
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
        .collect::<Result<Vec<_>, String>>()
        .map_err(OptimizeError)?;
    let mut points = vec![0.0; deflections.len()];
    let mut covered_need: Vec<Vec<u32>> = need.to_vec();
    let mut cost_without_raises = None;
    let mut extra_solve_s = 0.0;
    if !joint.is_empty() {
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
        let proposed = roster::deflection_points(&problems, &options).map_err(OptimizeError)?;
        let relieved: Vec<Vec<u32>> = joint
            .iter()
            .map(|&g| {
                let mut less = vec![0.0; need[g].len()];
                for (d, &p) in deflections.iter().zip(&proposed) {
                    for &(h, k, per) in &d.relief {
                        if h == g {
                            less[k] += per * p;
                        }
                    }
                }
                (need[g].iter().zip(&less))
                    .map(|(&n, &l)| (n as f64 - l - 1e-9).ceil().max(0.0) as u32)
                    .collect()
            })
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
            .collect::<Result<Vec<_>, String>>()
            .map_err(OptimizeError)?;
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for (i, s) in solved.into_iter().enumerate() {
            if i % 2 == 0 {
                with.push(s);
            } else {
                without.push(s);
            }
        }
        let others: f64 = solutions.iter().flatten().map(|s| s.cost).sum();
        let cost_with: f64 = with.iter().map(|s| s.cost).sum();
        let cost_without: f64 = without.iter().map(|s| s.cost).sum();
        let raises: f64 = (proposed.iter().zip(deflections))
            .map(|(p, d)| p * d.cost_per_point)
            .sum();
        cost_without_raises = Some(others + cost_without);
        let keep = proposed.iter().any(|&p| p > 1e-9) && cost_with + raises < cost_without;
        let (chosen, other) = if keep {
            (with, without)
        } else {
            (without, with)
        };
        extra_solve_s = other.iter().map(|s| s.solve_s).sum();
        if keep {
            points = proposed;
            for (k, &g) in joint.iter().enumerate() {
                covered_need[g] = relieved[k].clone();
            }
        }
        for (&g, s) in joint.iter().zip(chosen) {
            solutions[g] = Some(s);
        }
    }
    Ok(Rostered {
        solutions: solutions.into_iter().map(|s| s.expect("solved")).collect(),
        points,
        covered_need,
        cost_without_raises,
        extra_solve_s,
    })
}

/// Scheduled agents on the queues in interval `k` under a roster.
fn covered(candidates: &[roster::Candidate], agents: &[u32], k: usize) -> u32 {
    candidates
        .iter()
        .zip(agents)
        .filter(|(c, _)| c.covers.contains(&k))
        .map(|(_, &n)| n)
        .sum()
}

/// The roster's shifts with their agent counts.
fn rostered_shifts(candidates: &[roster::Candidate], agents: &[u32]) -> Vec<RosterShift> {
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
