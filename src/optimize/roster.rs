//! The shift roster as a mixed-integer program: how many agents work each candidate shift
//! (a template at one start, its breaks placed) so that every interval's need is covered
//! at least cost. This is the only module that knows good_lp; the backend is microlp
//! (pure Rust, builds from cargo alone), always run with a relative gap and a time limit.

use crate::model::{Model, RosterBreak, RosterShift};
use good_lp::{
    Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable, WithMipGap,
    WithTimeLimit, constraint, microlp, variable,
};

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
        if !t.groups.contains(&(g as u32)) {
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
fn coverage(model: &Model, shift: &RosterShift) -> (Vec<usize>, f64) {
    let end = shift.start + shift.length;
    let mut covers = Vec::new();
    for k in 0..model.n_intervals {
        let (a, b) = (k as f64 * model.interval, (k + 1) as f64 * model.interval);
        let on = shift.start <= a + 1e-9 && b <= end + 1e-9;
        let on_break = shift
            .breaks
            .iter()
            .any(|br| br.start < b - 1e-9 && a + 1e-9 < br.start + br.length);
        if on && !on_break {
            covers.push(k);
        }
    }
    let within = |from: f64, to: f64| (to.min(model.horizon) - from.min(model.horizon)).max(0.0);
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
    /// Why the solver stopped: `optimal`, `gap reached`, `time limit`.
    pub status: &'static str,
    /// Seconds spent solving.
    pub solve_s: f64,
}

/// Solves a group's roster: least cost covering every interval's need, with a penalty per
/// missing agent-interval so that an impossible need (a headcount cap, no shift covering
/// the interval) yields the best roster and its shortfall instead of no answer.
pub fn solve(p: &RosterProblem) -> Result<RosterSolution, String> {
    let started = std::time::Instant::now();
    let n_k = p.need.len();
    if p.candidates.is_empty() {
        return Err(format!(
            "group {}: no [[optimize.shift]] template lists it; add it to a template's groups",
            p.group
        ));
    }
    // An agent-hour of cost 0 still costs its hours, so that the roster stays lean.
    let unit = if p.hourly_cost > 0.0 {
        p.hourly_cost
    } else {
        1.0
    };
    let longest = p
        .candidates
        .iter()
        .map(|c| c.paid_hours)
        .fold(1.0, f64::max);
    let penalty = 100.0 * unit * longest;
    let cap = p.max_agents.unwrap_or(1_000_000) as f64;
    let mut by_interval: Vec<Vec<usize>> = vec![Vec::new(); n_k];
    for (j, c) in p.candidates.iter().enumerate() {
        for &k in &c.covers {
            by_interval[k].push(j);
        }
    }
    // The same model twice: first with continuous agents (the LP relaxation, a lower bound
    // on the cost), then with whole agents.
    let build = |integer: bool, gap: f64| {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = (p.candidates.iter())
            .map(|_| {
                let v = variable().min(0).max(cap);
                vars.add(if integer { v.integer() } else { v })
            })
            .collect();
        let short: Vec<Option<Variable>> = (p.need.iter())
            .map(|&n| (n > 0).then(|| vars.add(variable().min(0).max(n as f64))))
            .collect();
        let mut objective = Expression::from(0.0);
        for (v, c) in x.iter().zip(p.candidates) {
            objective += c.paid_hours.max(1e-6) * unit * *v;
        }
        for s in short.iter().flatten() {
            objective += penalty * *s;
        }
        let mut problem = vars
            .minimise(objective)
            .using(microlp)
            .with_mip_gap(gap as f32)
            .map_err(|e| format!("the MIP gap {gap}: {e}"))?
            .with_time_limit(p.time_limit);
        for k in 0..n_k {
            let Some(s) = short[k] else { continue };
            let mut covered = Expression::from(0.0);
            for &j in &by_interval[k] {
                covered += x[j];
            }
            problem.add_constraint(constraint!(covered + s >= p.need[k] as f64));
        }
        if let Some(max) = p.max_agents {
            let all: Expression = x.iter().map(|v| Expression::from(*v)).sum();
            problem.add_constraint(constraint!(all <= max as f64));
        }
        if let Some(share) = p.max_part_time_share {
            let mut part = Expression::from(0.0);
            for (v, c) in x.iter().zip(p.candidates) {
                part += if c.part_time { 1.0 - share } else { -share } * *v;
            }
            problem.add_constraint(constraint!(part <= 0.0));
        }
        Ok::<_, String>((problem, x))
    };
    // A gap smaller than one shift's cost is noise to a planner and can take the solver
    // minutes to close on a small group: stop at the larger of the two.
    let bound = build(false, p.gap)?
        .0
        .solve()
        .ok()
        .map(|s| s.into_inner().objective());
    let cheapest = (p.candidates.iter())
        .map(|c| c.paid_hours.max(1e-6) * unit)
        .fold(f64::INFINITY, f64::min);
    let gap = match bound {
        Some(b) if b > 0.0 => p.gap.max(cheapest / b).min(0.5),
        _ => p.gap,
    };
    let (problem, x) = build(true, gap)?;
    // microlp asserts integrality when values are read: a violation is a solver failure
    // to report, not a crash.
    let solved = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        problem.solve().map(|solution| {
            let values: Vec<f64> = x.iter().map(|v| solution.value(*v)).collect();
            let status = match solution.status() {
                SolutionStatus::Optimal => "optimal",
                SolutionStatus::GapLimit => "gap reached",
                _ => "time limit",
            };
            let gap = solution.into_inner().stats().gap;
            (values, status, gap)
        })
    }))
    .map_err(|_| {
        format!(
            "group {}: the MIP solver failed (a non-integral roster); try a larger optimize.gap",
            p.group
        )
    })?;
    let (values, status, gap) = solved.map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => format!(
            "group {}: no roster satisfies the limits (max_agents, max_part_time_share)",
            p.group
        ),
        other => format!(
            "group {}: the MIP solver stopped without a roster ({other}); raise optimize.time_limit or optimize.gap",
            p.group
        ),
    })?;
    let mut agents = Vec::with_capacity(values.len());
    for v in values {
        let r = v.round();
        if (v - r).abs() > 1e-6 || r < 0.0 {
            return Err(format!(
                "group {}: the MIP solver returned a non-integral roster ({v}); try a larger optimize.gap",
                p.group
            ));
        }
        agents.push(r as u32);
    }
    let mut covered = vec![0u32; n_k];
    for (c, &n) in p.candidates.iter().zip(&agents) {
        for &k in &c.covers {
            covered[k] += n;
        }
    }
    let shortfall = (p.need.iter().zip(&covered))
        .map(|(&need, &have)| need.saturating_sub(have))
        .collect();
    let cost = (p.candidates.iter().zip(&agents))
        .map(|(c, &n)| c.paid_hours * n as f64 * p.hourly_cost)
        .sum();
    Ok(RosterSolution {
        agents,
        shortfall,
        cost,
        gap,
        status,
        solve_s: started.elapsed().as_secs_f64(),
    })
}
