//! The shift roster as a mixed-integer program: how many agents work each candidate shift
//! (a template at one start, its breaks placed) so that every interval's need is covered
//! at least cost. This is the only module that knows good_lp; the backend is microlp
//! (pure Rust, builds from cargo alone), always run with a relative gap and a time limit.

use super::backend;
pub use super::backend::Solver;
use crate::error::Error;
use crate::ids::GroupId;
use crate::model::{Model, RosterBreak, RosterShift};
use good_lp::{Constraint, Expression, ProblemVariables, Variable, constraint, variable};

mod incumbent;
mod tidy;

/// Seconds the LP relaxation may take at least, whatever the MIP's time limit: it gives
/// the bound and the rounded roster every solve falls back on.
pub const LP_TIME_LIMIT: f64 = 30.0;

/// One shift an agent of a group may work: a template at one start with its breaks placed.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Index of its template in the scenario's `[[optimize.shift]]` list.
    pub template: usize,
    /// The shift, for one agent.
    pub shift: RosterShift,
    /// Intervals during which the agent is on the queues for the whole interval.
    pub covers: Vec<usize>,
    /// Paid hours within the horizon.
    pub paid_hours: f64,
    /// Counts towards the part-time share.
    pub part_time: bool,
}

/// Every candidate shift of group `g`: each template the group may work, at each allowed
/// start, with each placement of its breaks.
pub fn candidates(model: &Model, g: usize) -> Vec<Candidate> {
    let Some(spec) = &model.optimize else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (ti, t) in spec.shifts.iter().enumerate() {
        if !t.groups.contains(&GroupId::from_index(g)) {
            continue;
        }
        // Every combination of break offsets, in order.
        let mut placements: Vec<Vec<f64>> = vec![Vec::new()];
        for b in &t.breaks {
            let mut next = Vec::new();
            for p in &placements {
                for &o in &b.offsets {
                    let mut q = p.clone();
                    q.push(o);
                    next.push(q);
                }
            }
            placements = next;
        }
        for &start in &t.starts {
            for offsets in &placements {
                let breaks: Vec<RosterBreak> = (t.breaks.iter().zip(offsets))
                    .map(|(b, &o)| RosterBreak {
                        start: start + o,
                        length: b.length,
                        paid: b.paid,
                    })
                    .collect();
                let shift = RosterShift {
                    start,
                    length: t.length,
                    agents: 1,
                    breaks,
                };
                let (covers, paid_hours) = coverage(model, &shift);
                out.push(Candidate {
                    template: ti,
                    shift,
                    covers,
                    paid_hours,
                    part_time: t.part_time,
                });
            }
        }
    }
    out
}

/// The intervals a one-agent shift covers whole, and its paid hours within the horizon.
/// In a cyclic model the shift wraps: its copies a day earlier and later cover too (the
/// lead-in day alike with the counted one), and its paid hours are the whole shift's,
/// all worked within one cycle.
fn coverage(model: &Model, shift: &RosterShift) -> (Vec<usize>, f64) {
    let copies: &[f64] = if model.is_cyclic() {
        &[-1.0, 0.0, 1.0]
    } else {
        &[0.0]
    };
    let mut covers = Vec::new();
    for k in 0..model.n_intervals {
        let (a, b) = (k as f64 * model.interval, (k + 1) as f64 * model.interval);
        let covered = copies.iter().any(|&m| {
            let at = m * model.lead_in;
            let (from, end) = (shift.start + at, shift.start + shift.length + at);
            let on = from <= a + 1e-9 && b <= end + 1e-9;
            let on_break = (shift.breaks.iter())
                .any(|br| br.start + at < b - 1e-9 && a + 1e-9 < br.start + at + br.length);
            on && !on_break
        });
        if covered {
            covers.push(k);
        }
    }
    let end = shift.start + shift.length;
    let horizon = if model.is_cyclic() {
        f64::INFINITY
    } else {
        model.horizon
    };
    let within = |from: f64, to: f64| (to.min(horizon) - from.min(horizon)).max(0.0);
    let unpaid: f64 = (shift.breaks.iter())
        .filter(|b| !b.paid)
        .map(|b| within(b.start, b.start + b.length))
        .sum();
    (covers, (within(shift.start, end) - unpaid) / 3600.0)
}

/// The roster problem of one group.
pub struct RosterProblem<'a> {
    /// The group's name, for messages.
    pub group: &'a str,
    /// Scheduled agents needed in each interval.
    pub need: &'a [u32],
    /// The shifts it may roster.
    pub candidates: &'a [Candidate],
    /// Cost of a paid agent-hour.
    pub hourly_cost: f64,
    /// Most agents rostered.
    pub max_agents: Option<u32>,
    /// Most part-time agents as a share of all rostered.
    pub max_part_time_share: Option<f64>,
    /// Relative gap at which to stop.
    pub gap: f64,
    /// Time limit in seconds.
    pub time_limit: f64,
    /// The MIP backend (of a joint solve: the first group's).
    pub solver: Solver,
}

/// A solved roster of one group.
#[derive(Clone, Debug)]
pub struct RosterSolution {
    /// Agents on each candidate shift.
    pub agents: Vec<u32>,
    /// Scheduled agents missing in each interval (the need could not be covered).
    pub shortfall: Vec<u32>,
    /// Paid hours × hourly cost.
    pub cost: f64,
    /// Relative gap between the roster's cost and the solver's bound, when known.
    pub gap: Option<f64>,
    /// Why the solver stopped: `optimal`, `gap reached`, `time limit`; or where the
    /// roster came from when the MIP gave none or a dearer one: `rounded LP` (the LP
    /// relaxation rounded up and thinned), `greedy cover` (no LP solution either).
    pub status: &'static str,
    /// The LP relaxation's objective: a lower bound on the roster's (paid hours × hourly
    /// cost, plus the shortfall penalty where the need cannot be covered), when the LP
    /// solved.
    pub lp_bound: Option<f64>,
    /// Which path produced the roster: `MIP, gap reached`, `time limit, best MIP found`,
    /// or `rounded LP (MIP: <why>)` (`greedy cover (MIP: <why>)` without an LP solution).
    pub path: String,
    /// Seconds spent solving.
    pub solve_s: f64,
}

/// A bot-containment raise the MIP may buy: each percentage point relieves some scheduled
/// agents in some group-intervals, at a cost.
#[derive(Clone, Debug)]
pub struct DeflectionOption {
    /// Most points it may rise.
    pub max_points: f64,
    /// Cost of one point over the horizon (its per-point cost plus the extra contained
    /// contacts' cost).
    pub cost_per_point: f64,
    /// `(group in the problem, interval, scheduled agents relieved per point)`.
    pub relief: Vec<(usize, usize, f64)>,
}

/// Several groups' rosters solved together with the containment raises that relieve them.
#[derive(Clone, Debug)]
pub struct JointSolution {
    /// Each group's roster.
    pub groups: Vec<RosterSolution>,
    /// Points bought of each deflection option.
    pub points: Vec<f64>,
}

/// Solves a group's roster: least cost covering every interval's need, with a penalty per
/// missing agent-interval so that an impossible need (a headcount cap, no shift covering
/// the interval) yields the best roster and its shortfall instead of no answer.
pub fn solve(p: &RosterProblem) -> Result<RosterSolution, Error> {
    Ok(solve_joint(std::slice::from_ref(p), &[])?.groups.remove(0))
}

/// The containment raises worth buying: the LP relaxation of the joint problem (agents
/// and points continuous) weighs each point's cost against the agent-hours it relieves.
pub fn deflection_points(
    groups: &[RosterProblem],
    deflections: &[DeflectionOption],
) -> Result<Vec<f64>, Error> {
    Ok(solve_joint_as(groups, deflections, false)?.points)
}

/// Solves the rosters of `groups` and the containment raises of `deflections` as one MIP
/// (the gap, time limit and part-time share are the first group's).
pub fn solve_joint(
    groups: &[RosterProblem],
    deflections: &[DeflectionOption],
) -> Result<JointSolution, Error> {
    solve_joint_as(groups, deflections, true)
}

fn solve_joint_as(
    groups: &[RosterProblem],
    deflections: &[DeflectionOption],
    whole_agents: bool,
) -> Result<JointSolution, Error> {
    let started = std::time::Instant::now();
    let first = &groups[0];
    for p in groups {
        if p.candidates.is_empty() {
            return Err(Error::bad_input(format!(
                "group {}: no [[optimize.shift]] template lists it; add it to a template's groups",
                p.group
            )));
        }
    }
    let index = JointIndex::new(groups, deflections);
    // The LP relaxation (continuous agents) always: a lower bound on the cost, the
    // containment points, and the roster that rounding it up gives.
    let relaxed = solve_model(groups, deflections, &index, false, first.gap, &[]);
    if !whole_agents {
        let points = relaxed.map_or(vec![0.0; deflections.len()], |r| r.1);
        return Ok(JointSolution {
            groups: Vec::new(),
            points,
        });
    }
    let bound = relaxed.as_ref().ok().map(|r| r.2.objective);
    let plan = incumbent::incumbent(
        groups,
        &index,
        relaxed
            .as_ref()
            .ok()
            .map(|r| (r.0.as_slice(), r.1.as_slice())),
        deflections.len(),
    );
    // A gap smaller than one shift's cost is noise to a planner and can take the solver
    // minutes to close: stop at the larger of the two.
    let gap = planner_gap(groups, first.gap, bound);
    let mip = solve_model(groups, deflections, &index, true, gap, &plan.agents)
        .and_then(|(x, points, outcome)| whole(x, points, outcome));
    let mut chosen = choose(groups, deflections, &index, mip, plan, bound);
    for (p, agents) in groups.iter().zip(chosen.plan.agents.iter_mut()) {
        tidy::into_needed_time(p, agents);
    }
    let solve_s = started.elapsed().as_secs_f64();
    let out = group_solutions(groups, &index, &chosen.plan)
        .into_iter()
        .map(|(agents, shortfall, cost)| RosterSolution {
            agents,
            shortfall,
            cost,
            gap: chosen.gap,
            status: chosen.status,
            lp_bound: bound,
            path: chosen.path.clone(),
            solve_s: solve_s / groups.len() as f64,
        })
        .collect();
    Ok(JointSolution {
        groups: out,
        points: chosen.plan.points,
    })
}

/// The roster kept: the MIP's (whole agents) unless it failed or the rounded LP costs
/// less; why, and the gap reached (the MIP's own, or the incumbent's to the LP bound).
struct Chosen {
    plan: incumbent::Plan,
    status: &'static str,
    path: String,
    gap: Option<f64>,
}

/// Keeps the better of the MIP's roster (`mip`: its plan, status and gap, or why it
/// failed) and the rounded LP (`rounded`), by the MIP's objective.
fn choose(
    groups: &[RosterProblem],
    deflections: &[DeflectionOption],
    index: &JointIndex,
    mip: Result<(incumbent::Plan, backend::Stop, Option<f64>), String>,
    rounded: incumbent::Plan,
    bound: Option<f64>,
) -> Chosen {
    let value = |plan: &incumbent::Plan| incumbent::objective(groups, deflections, index, plan);
    let rounded_value = value(&rounded);
    let to_bound = |v: f64| bound.map(|b| ((v - b) / v.abs().max(1e-9)).max(0.0));
    let why = match mip {
        Ok((plan, status, gap)) => {
            let v = value(&plan);
            if rounded_value < v - 1e-9 * v.abs().max(1.0) {
                "its roster cost more".to_string()
            } else {
                let (status, path) = match status {
                    backend::Stop::Optimal => ("optimal", "MIP, gap reached"),
                    backend::Stop::Gap => ("gap reached", "MIP, gap reached"),
                    backend::Stop::TimeLimit => ("time limit", "time limit, best MIP found"),
                    backend::Stop::NodeLimit => ("node limit", "node limit, best MIP found"),
                };
                return Chosen {
                    plan,
                    status,
                    path: path.into(),
                    gap: gap.or_else(|| to_bound(v)),
                };
            }
        }
        Err(reason) => reason,
    };
    let source = if bound.is_some() {
        "rounded LP"
    } else {
        "greedy cover"
    };
    Chosen {
        plan: rounded,
        status: source,
        path: format!("{source} (MIP: {why})"),
        gap: to_bound(rounded_value),
    }
}

/// The MIP's answer as a plan of whole agents: a value farther than 1e-6 from a whole
/// number is no roster (the reason says which).
#[allow(clippy::type_complexity)]
fn whole(
    x: Vec<Vec<f64>>,
    points: Vec<f64>,
    outcome: backend::Outcome,
) -> Result<(incumbent::Plan, backend::Stop, Option<f64>), String> {
    let mut agents = Vec::with_capacity(x.len());
    for vals in x {
        if let Some((_, v)) = backend::first_fractional(&vals, 1e-6) {
            return Err(format!("a non-integral roster ({v} agents on a shift)"));
        }
        agents.push(vals.iter().map(|v| v.round().max(0.0) as u32).collect());
    }
    Ok((
        incumbent::Plan { agents, points },
        outcome.status,
        outcome.gap,
    ))
}

/// Builds and solves the joint model (whole agents or continuous) with the first
/// group's solver, gap (`gap`) and time limit; `start` (agents per group and candidate)
/// is a known roster the backend may start from. Returns agents per group and
/// candidate, points per raise and the backend's outcome, or why it failed.
#[allow(clippy::type_complexity)]
fn solve_model(
    groups: &[RosterProblem],
    deflections: &[DeflectionOption],
    index: &JointIndex,
    integer: bool,
    gap: f64,
    start: &[Vec<u32>],
) -> Result<(Vec<Vec<f64>>, Vec<f64>, backend::Outcome), String> {
    let first = &groups[0];
    let BuiltJoint { program, x, points } = build_joint(groups, deflections, index, integer);
    let read: Vec<Variable> = x.iter().flatten().chain(&points).copied().collect();
    let start = (x.iter().flatten())
        .zip(start.iter().flatten())
        .map(|(v, &n)| (*v, n as f64))
        .collect();
    // The LP relaxation is no search: it gets at least LP_TIME_LIMIT seconds.
    let time_limit = if integer {
        first.time_limit
    } else {
        first.time_limit.max(LP_TIME_LIMIT)
    };
    let settings = backend::Settings {
        gap,
        time_limit,
        start,
    };
    let mut outcome = backend::solve(first.solver, program, &read, &settings)?;
    let mut values = std::mem::take(&mut outcome.values).into_iter();
    let x_values = (x.iter())
        .map(|xs| values.by_ref().take(xs.len()).collect())
        .collect();
    Ok((x_values, values.collect(), outcome))
}

/// The cost of an agent-hour in the objective: an hour of cost 0 still costs its hours,
/// so that the roster stays lean.
fn unit(p: &RosterProblem) -> f64 {
    if p.hourly_cost > 0.0 {
        p.hourly_cost
    } else {
        1.0
    }
}

/// The cost of an agent missing in an interval: 100 of the group's longest shifts.
fn penalty(p: &RosterProblem) -> f64 {
    let longest = p
        .candidates
        .iter()
        .map(|c| c.paid_hours)
        .fold(1.0, f64::max);
    100.0 * unit(p) * longest
}

/// Per group and interval: the candidates that cover it, and the containment raises that
/// relieve it (raise, scheduled agents per point).
struct JointIndex {
    by_interval: Vec<Vec<Vec<usize>>>,
    relief: Vec<Vec<Vec<(usize, f64)>>>,
}

impl JointIndex {
    fn new(groups: &[RosterProblem], deflections: &[DeflectionOption]) -> JointIndex {
        let by_interval = groups
            .iter()
            .map(|p| {
                let mut by: Vec<Vec<usize>> = vec![Vec::new(); p.need.len()];
                for (j, c) in p.candidates.iter().enumerate() {
                    for &k in &c.covers {
                        by[k].push(j);
                    }
                }
                by
            })
            .collect();
        let mut relief: Vec<Vec<Vec<(usize, f64)>>> = groups
            .iter()
            .map(|p| vec![Vec::new(); p.need.len()])
            .collect();
        for (d, opt) in deflections.iter().enumerate() {
            for &(g, k, per_point) in &opt.relief {
                relief[g][k].push((d, per_point));
            }
        }
        JointIndex {
            by_interval,
            relief,
        }
    }
}

/// A built joint model: the solver's problem, the agents on each group's candidates and
/// the points of each raise.
struct BuiltJoint {
    program: backend::Program,
    x: Vec<Vec<Variable>>,
    points: Vec<Variable>,
}

/// The joint model, with whole (`integer`) or continuous agents.
fn build_joint(
    groups: &[RosterProblem],
    deflections: &[DeflectionOption],
    index: &JointIndex,
    integer: bool,
) -> BuiltJoint {
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut x: Vec<Vec<Variable>> = Vec::with_capacity(groups.len());
    // Agents missing in an interval: the first half of its need at the penalty, the
    // rest at four times it, so that a short roster spreads its shortfall instead of
    // leaving some intervals with nobody.
    let mut short: Vec<Vec<Option<(Variable, Variable)>>> = Vec::with_capacity(groups.len());
    for p in groups {
        let cap = p.max_agents.unwrap_or(1_000_000) as f64;
        let xs: Vec<Variable> = (p.candidates.iter())
            .map(|_| {
                let v = variable().min(0).max(cap);
                vars.add(if integer { v.integer() } else { v })
            })
            .collect();
        let ss: Vec<Option<(Variable, Variable)>> = (p.need.iter())
            .map(|&n| {
                (n > 0).then(|| {
                    let shallow = n.div_ceil(2) as f64;
                    (
                        vars.add(variable().min(0).max(shallow)),
                        vars.add(variable().min(0).max(n as f64 - shallow)),
                    )
                })
            })
            .collect();
        for (v, c) in xs.iter().zip(p.candidates) {
            objective += c.paid_hours.max(1e-6) * unit(p) * *v;
        }
        for (shallow, deep) in ss.iter().flatten() {
            objective += penalty(p) * *shallow + 4.0 * penalty(p) * *deep;
        }
        x.push(xs);
        short.push(ss);
    }
    let points: Vec<Variable> = (deflections.iter())
        .map(|d| vars.add(variable().min(0).max(d.max_points)))
        .collect();
    for (v, d) in points.iter().zip(deflections) {
        objective += d.cost_per_point * *v;
    }
    let mut constraints = Vec::new();
    for (g, p) in groups.iter().enumerate() {
        add_group_constraints(&mut constraints, p, &x[g], &short[g], index, g, &points);
    }
    BuiltJoint {
        program: backend::Program {
            vars,
            objective,
            constraints,
        },
        x,
        points,
    }
}

/// Group `g`'s constraints: every interval's need covered (agents + relief + shortfall),
/// the headcount cap and the part-time share.
fn add_group_constraints(
    constraints: &mut Vec<Constraint>,
    p: &RosterProblem,
    x: &[Variable],
    short: &[Option<(Variable, Variable)>],
    index: &JointIndex,
    g: usize,
    points: &[Variable],
) {
    for (k, s) in short.iter().enumerate() {
        let Some((shallow, deep)) = *s else {
            continue;
        };
        let mut covered = Expression::from(0.0);
        for &j in &index.by_interval[g][k] {
            covered += x[j];
        }
        for &(d, per_point) in &index.relief[g][k] {
            covered += per_point * points[d];
        }
        constraints.push(constraint!(covered + shallow + deep >= p.need[k] as f64));
    }
    if let Some(max) = p.max_agents {
        let all: Expression = x.iter().map(|v| Expression::from(*v)).sum();
        constraints.push(constraint!(all <= max as f64));
    }
    if let Some(share) = p.max_part_time_share {
        let mut part = Expression::from(0.0);
        for (v, c) in x.iter().zip(p.candidates) {
            part += if c.part_time { 1.0 - share } else { -share } * *v;
        }
        constraints.push(constraint!(part <= 0.0));
    }
}

/// The relative gap to stop at: the configured one, or one agent's longest shift over the
/// LP bound when that is larger (closer than that is noise to a planner), at most 0.5.
fn planner_gap(groups: &[RosterProblem], gap: f64, bound: Option<f64>) -> f64 {
    let one_shift = (groups.iter())
        .flat_map(|p| {
            p.candidates
                .iter()
                .map(|c| c.paid_hours.max(1e-6) * unit(p))
        })
        .fold(0.0, f64::max);
    match bound {
        Some(b) if b > 0.0 => gap.max(one_shift / b).min(0.5),
        _ => gap,
    }
}

/// Per group: agents per candidate, the scheduled agents missing per interval after the
/// relief bought, and the paid cost.
#[allow(clippy::type_complexity)]
fn group_solutions(
    groups: &[RosterProblem],
    index: &JointIndex,
    plan: &incumbent::Plan,
) -> Vec<(Vec<u32>, Vec<u32>, f64)> {
    let mut out = Vec::with_capacity(groups.len());
    for (g, (p, agents)) in groups.iter().zip(&plan.agents).enumerate() {
        let mut covered = vec![0.0f64; p.need.len()];
        for (c, &n) in p.candidates.iter().zip(agents) {
            for &k in &c.covers {
                covered[k] += n as f64;
            }
        }
        for (k, r) in index.relief[g].iter().enumerate() {
            covered[k] += r.iter().map(|&(d, per)| per * plan.points[d]).sum::<f64>();
        }
        let shortfall = (p.need.iter().zip(&covered))
            .map(|(&need, &have)| (need as f64 - have - 1e-6).ceil().max(0.0) as u32)
            .collect();
        let cost = (p.candidates.iter().zip(agents))
            .map(|(c, &n)| c.paid_hours * n as f64 * p.hourly_cost)
            .sum();
        out.push((agents.clone(), shortfall, cost));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> backend::Outcome {
        backend::Outcome {
            values: Vec::new(),
            status: backend::Stop::TimeLimit,
            gap: None,
            objective: 0.0,
        }
    }

    #[test]
    fn a_fractional_mip_answer_is_no_roster() {
        // CBC's LP values handed back as a "solution" when it found no integer one.
        let why = whole(vec![vec![2.0, 0.5, 1.0]], Vec::new(), outcome()).expect_err("refused");
        assert_eq!(why, "a non-integral roster (0.5 agents on a shift)");
        let (plan, status, _) =
            whole(vec![vec![2.0, 1e-9, 3.0 - 1e-9]], vec![1.5], outcome()).expect("whole");
        assert_eq!(plan.agents, vec![vec![2, 0, 3]]);
        assert_eq!(plan.points, vec![1.5]);
        assert_eq!(status, backend::Stop::TimeLimit);
    }
}
