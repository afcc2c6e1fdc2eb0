//! What `ccsim optimize` finds, as plain data: the rounds, the roster, the requirements,
//! the costs (a [`CostBreakdown`] that adds up to the cent), the two-step baseline and
//! the verification runs. Nothing here prints: `output::optimize` renders these types.

use crate::experiment::RunResult;
use crate::model::Model;
use serde::Serialize;

/// One round of the loop.
#[derive(Clone, Debug, Serialize)]
pub struct IterationRecord {
    /// Round number from 1.
    pub iteration: u32,
    /// `requirements` (staffing = requirement per interval), `roster` (the MIP's shifts,
    /// judged on the mean) or `confidence` (the MIP's shifts, judged day by day with
    /// `[optimize] confidence`).
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
    /// Agents rostered (with tours: the group's people).
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
    /// Status of its last MIP solve (`optimal`, `gap reached`, `time limit`), or where
    /// its roster came from when the MIP gave none or a dearer one (`rounded LP`,
    /// `greedy cover`).
    pub solver: &'static str,
    /// Relative gap of its last solve: the MIP's own, or for a rounded-LP roster its gap
    /// to the LP bound.
    pub gap: Option<f64>,
    /// The LP relaxation's objective of its last solve (paid cost, plus the shortfall
    /// penalty where the need could not be covered): a lower bound on the roster's.
    pub lp_bound: Option<f64>,
    /// Which path produced its roster: `MIP, gap reached`, `time limit, best MIP found`,
    /// `rounded LP (MIP: <why>)`.
    pub path: String,
}

impl GroupCost {
    /// What the printed tables say of its solver: the status when the MIP's roster was
    /// kept, else the path (e.g. `rounded LP (MIP: time limit reached before finding a
    /// feasible solution)`).
    pub fn solver_text(&self) -> &str {
        if self.path.is_empty() || self.path.starts_with("MIP") || self.path.starts_with("time") {
            self.solver
        } else {
            &self.path
        }
    }
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
    /// The tours of the roster, with `[[optimize.contract]]` (the roster is exactly their
    /// shifts).
    pub tours: Option<super::tours::report::ToursResult>,
    /// With `[optimize] confidence`: each judged interval's share of days meeting its
    /// targets, for the roster judged on the mean and the confident one, and what the
    /// certainty costs.
    pub confidence: Option<ConfidenceResult>,
    /// Seconds from start to end.
    pub wall_s: f64,
}

/// How `confidence` is judged, in the report's words.
pub const CONFIDENCE_RULE: &str = "every judged interval meets its frontline targets (service level, max_asa, max_abandon_rate on the first queue) on a share of the simulated days whose one-sided 95% Wilson lower bound is at least the confidence";

/// One judged interval across the simulated days: how many met its frontline targets
/// under the roster judged on the mean and under the confident roster, each with the
/// one-sided 95 % Wilson lower bound of the share.
#[derive(Clone, Debug, Serialize)]
pub struct IntervalConfidence {
    /// Interval start, seconds (the summary's clock).
    pub start_s: f64,
    /// Channel name.
    pub channel: String,
    /// Days simulated (replications).
    pub days: u32,
    /// Days the roster judged on the mean met the targets.
    pub mean_based_met: u32,
    /// Its share's one-sided 95 % lower bound.
    pub mean_based_lower_bound: f64,
    /// Days the confident roster met the targets.
    pub met: u32,
    /// Its share's one-sided 95 % lower bound.
    pub lower_bound: f64,
}

/// `[optimize] confidence` (or `--confidence`): the rule, the days simulated, and the
/// price of certainty: the confident roster's cost against the roster that meets the
/// targets on average.
#[derive(Clone, Debug, Serialize)]
pub struct ConfidenceResult {
    /// The share of days asked for.
    pub level: f64,
    /// How it is judged ([`CONFIDENCE_RULE`]).
    pub rule: &'static str,
    /// Days simulated in each check.
    pub replications: u32,
    /// The roster judged on the mean: its cost (paid agent hours × hourly cost).
    pub mean_based_cost: f64,
    /// The judged intervals it leaves below the confidence.
    pub mean_based_intervals_short: usize,
    /// The confident roster's cost (the roster returned).
    pub confident_cost: f64,
    /// The judged intervals the confident roster leaves below the confidence.
    pub confident_intervals_short: usize,
    /// Per judged interval, in the summary's order.
    pub intervals: Vec<IntervalConfidence>,
}
