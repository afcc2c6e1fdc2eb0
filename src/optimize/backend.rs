//! The MIP backends behind the roster problem, through good_lp: microlp (pure Rust, always
//! built) and COIN-OR CBC (cargo feature `cbc`, over the system library; Debian
//! `coinor-libcbc-dev`). Every solve runs with a relative gap and a time limit, CBC on one
//! thread (the same roster on every run); what a backend returns is read back as plain
//! numbers, and the roster's integrality is checked by the caller ([`first_fractional`]):
//! good_lp hands back CBC's fractional LP values as `Ok` when CBC found no integer
//! solution in its time limit.

use good_lp::{Constraint, Expression, ProblemVariables, SolverModel, Variable, microlp};

/// Which MIP solver the rosters are solved with: `microlp` (the default, pure Rust) or
/// `cbc` (COIN-OR CBC, in a build with the `cbc` feature).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Solver {
    /// microlp: pure Rust, in every build.
    #[default]
    Microlp,
    /// COIN-OR CBC through good_lp's `coin_cbc`: cargo feature `cbc`.
    Cbc,
}

/// The names [`Solver::parse`] accepts.
pub const SOLVER_NAMES: &str = "\"microlp\" or \"cbc\"";

/// How to get a build with CBC, for the error that asks for it in a build without it.
pub const CBC_BUILD_HINT: &str = "this ccsim was built without CBC; install the CBC library (Debian: apt-get install coinor-libcbc-dev) and build with `cargo build --release --features cbc`, or use --solver microlp";

impl Solver {
    /// The solver named `name` (`microlp`, `cbc`). Errors: an unknown name (the message
    /// lists the names), or `cbc` in a build without the `cbc` feature (the message says
    /// how to build with it).
    pub fn parse(name: &str) -> Result<Solver, String> {
        let solver = match name {
            "microlp" => Solver::Microlp,
            "cbc" => Solver::Cbc,
            other => {
                return Err(format!(
                    "unknown solver \"{other}\"; the solvers are {SOLVER_NAMES}"
                ));
            }
        };
        if !solver.built() {
            return Err(format!("solver \"{name}\": {CBC_BUILD_HINT}"));
        }
        Ok(solver)
    }

    /// Its name, as [`Solver::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Solver::Microlp => "microlp",
            Solver::Cbc => "cbc",
        }
    }

    /// Whether this build has it (`cbc` needs the cargo feature `cbc`).
    pub fn built(self) -> bool {
        match self {
            Solver::Microlp => true,
            Solver::Cbc => cfg!(feature = "cbc"),
        }
    }
}

/// A linear program, continuous or mixed-integer, that any backend can solve (minimised).
pub(crate) struct Program {
    /// Its variables (integer or continuous, with their bounds).
    pub(crate) vars: ProblemVariables,
    /// The objective, minimised.
    pub(crate) objective: Expression,
    /// Its constraints.
    pub(crate) constraints: Vec<Constraint>,
}

/// How a backend solves a [`Program`].
pub(crate) struct Settings {
    /// Relative gap at which to stop.
    pub(crate) gap: f64,
    /// Seconds at most (CBC counts whole seconds: at least 1).
    pub(crate) time_limit: f64,
    /// A known solution to start from (CBC's MIP start; microlp is not given one, so
    /// that its rosters stay what they were).
    #[cfg_attr(not(feature = "cbc"), allow(dead_code))]
    pub(crate) start: Vec<(Variable, f64)>,
}

/// Why a backend stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// It proved its answer optimal.
    Optimal,
    /// Its answer is within the gap asked for.
    Gap,
    /// The time limit stopped it with an answer.
    TimeLimit,
    /// microlp's node budget ([`node_budget`]) stopped it with an answer.
    NodeLimit,
}

/// What a backend returned.
pub(crate) struct Outcome {
    /// The values of the variables asked for, in their order.
    pub(crate) values: Vec<f64>,
    /// Why it stopped.
    pub(crate) status: Stop,
    /// Its relative gap to its own bound, when it reports one.
    pub(crate) gap: Option<f64>,
    /// The objective of what it returned (for an LP, the LP bound).
    pub(crate) objective: f64,
}

/// Solves `program` with `solver` and reads the values of `read`. A backend failure
/// (no solution in the time limit, numerical trouble, an integrality assertion) is the
/// reason as text.
pub(crate) fn solve(
    solver: Solver,
    program: Program,
    read: &[Variable],
    settings: &Settings,
) -> Result<Outcome, String> {
    solve_seeded(solver, program, read, settings, None)
}

/// [`solve`], with CBC's random seed (`randomCbcSeed`, which steers its heuristics) set
/// to `seed` when given: a search stopped by its time limit may find a better answer
/// with another seed. microlp has no seed (ignored).
pub(crate) fn solve_seeded(
    solver: Solver,
    program: Program,
    read: &[Variable],
    settings: &Settings,
    seed: Option<u32>,
) -> Result<Outcome, String> {
    match solver {
        Solver::Microlp => {
            let _ = seed;
            solve_microlp(program, read, settings)
        }
        #[cfg(feature = "cbc")]
        Solver::Cbc => cbc::solve(program, read, settings, seed),
        #[cfg(not(feature = "cbc"))]
        Solver::Cbc => Err(CBC_BUILD_HINT.to_string()),
    }
}

fn solve_microlp(
    program: Program,
    read: &[Variable],
    settings: &Settings,
) -> Result<Outcome, String> {
    let Program {
        vars,
        objective,
        constraints,
    } = program;
    // good_lp makes microlp's variables in the order it lists its own; it passes the gap
    // and the time limit on but not a node budget, so microlp is called directly.
    let budget = node_budget(settings.time_limit, vars.len(), constraints.len());
    let position: std::collections::HashMap<Variable, usize> = vars
        .iter_variables_with_def()
        .enumerate()
        .map(|(i, (v, _))| (v, i))
        .collect();
    let mut problem = vars.minimise(objective).using(microlp);
    for c in constraints {
        problem.add_constraint(c);
    }
    // microlp asserts integrality when values are read: a violation is a solver failure
    // to report, not a crash.
    let solved = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (outcome, reason) = search(problem.as_inner(), settings, budget)?;
        let solution = outcome.into_solution().map_err(|_| {
            microlp::Error::InternalError(match reason {
                Stop::NodeLimit => {
                    "node limit reached before finding a feasible solution".to_string()
                }
                _ => "time limit reached before finding a feasible solution".to_string(),
            })
        })?;
        let values: Vec<f64> = solution.iter().map(|(_, v)| v).collect();
        Ok::<_, microlp::Error>(Outcome {
            values: read.iter().map(|v| values[position[v]]).collect(),
            status: reason,
            gap: solution.stats().gap,
            objective: solution.objective(),
        })
    }))
    .map_err(|_| "a non-integral roster".to_string())?;
    solved.map_err(|e| reason(&e.into()))
}

/// Branch-and-bound work microlp may do per second of a time limit, in nodes × variables ×
/// constraints (a node's LP costs about the product of the program's sizes): measured on
/// the shipped week scenarios' programs (2 cores) at 3.8 × 10⁸ to 3.3 × 10⁹ per second,
/// from 2,603 variables × 1,148 constraints at ~130 nodes/s to 493 × 318 at ~20,000
/// nodes/s. A budget of this much work takes at most about ¾ of the time limit there.
const NODE_WORK_PER_SECOND: f64 = 3e8;

/// The fewest branch-and-bound nodes a budget allows.
const MIN_NODES: u64 = 100;

/// How many times its node budget a search that found no roster gets when it starts again.
const RETRY: u64 = 4;

/// How many times its time limit the clock gives a microlp branch and bound before stopping
/// it (a safety net: the node budget stops it first on the machines measured, and then the
/// roster is the same on every run). A linear program (no whole variables) has no nodes:
/// its time limit stays as given.
const CLOCK_CAP: f64 = 3.0;

/// microlp's budget of branch-and-bound nodes for a program of `n_vars` variables and
/// `n_constraints` constraints under a time limit of `time_limit` seconds:
/// [`NODE_WORK_PER_SECOND`] × `time_limit` / (`n_vars` × `n_constraints`), at least
/// [`MIN_NODES`]. Nodes, unlike the clock, count the same on every run and machine: a
/// search stopped by them gives the same roster every time.
fn node_budget(time_limit: f64, n_vars: usize, n_constraints: usize) -> u64 {
    let size = (n_vars.max(1) * n_constraints.max(1)) as f64;
    ((NODE_WORK_PER_SECOND * time_limit / size) as u64).max(MIN_NODES)
}

/// Runs microlp's branch and bound until it ends (optimal, or within the gap), has solved
/// `nodes` nodes (a deterministic stop; with no roster then, it starts again with [`RETRY`]
/// times `nodes`), or [`CLOCK_CAP`] times the time limit passes (a
/// safety net; a linear program stops at its time limit). Returns the outcome and why it
/// stopped.
fn search(
    problem: &microlp::Problem,
    settings: &Settings,
    nodes: u64,
) -> Result<(microlp::SolveOutcome, Stop), microlp::Error> {
    let mut options = microlp::SolveOptions::default();
    options.mip_gap = settings.gap;
    let cap = if problem.has_integer_vars() {
        CLOCK_CAP
    } else {
        1.0
    };
    options.time_limit = Some(std::time::Duration::from_secs_f64(
        cap * settings.time_limit,
    ));
    options.node_limit = Some(nodes);
    let started = std::time::Instant::now();
    let mut outcome = problem.solve_with(options.clone())?;
    // No roster yet: the search starts again with RETRY times the nodes (a count, so still
    // the same roster on every run), within the clock's cap. Anew rather than resumed: a
    // resumed search leaves the dive it was stopped in, and dives are what find rosters.
    let left = cap * settings.time_limit - started.elapsed().as_secs_f64();
    if outcome.termination_reason() == microlp::TerminationReason::NodeLimit
        && outcome.solution().is_none()
        && left > 0.0
    {
        options.node_limit = Some(RETRY * nodes);
        options.time_limit = Some(std::time::Duration::from_secs_f64(left));
        outcome = problem.solve_with(options)?;
    }
    let stop = match outcome.termination_reason() {
        microlp::TerminationReason::ProvenOptimal => Stop::Optimal,
        microlp::TerminationReason::MipGap => Stop::Gap,
        microlp::TerminationReason::NodeLimit => Stop::NodeLimit,
        _ => Stop::TimeLimit,
    };
    Ok((outcome, stop))
}

/// A good_lp error as a short lower-case reason (the solver's own words, without
/// good_lp's wrapping).
fn reason(e: &good_lp::ResolutionError) -> String {
    let text = match e {
        good_lp::ResolutionError::Other(s) => s.to_string(),
        good_lp::ResolutionError::Str(s) => s.clone(),
        other => other.to_string(),
    };
    let text = text.trim_end_matches('.');
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "no reason given".into(),
    }
}

#[cfg(feature = "cbc")]
mod cbc {
    use super::{Outcome, Program, Settings, Stop, reason};
    use good_lp::solvers::coin_cbc::coin_cbc;
    use good_lp::{
        Solution, SolutionStatus, SolverModel, Variable, WithInitialSolution, WithMipGap,
        WithTimeLimit,
    };

    /// Solves with CBC on one thread, at the gap and (whole seconds, at least 1) time limit.
    pub(super) fn solve(
        program: Program,
        read: &[Variable],
        settings: &Settings,
        seed: Option<u32>,
    ) -> Result<Outcome, String> {
        let Program {
            vars,
            objective,
            constraints,
        } = program;
        let mut problem = vars.minimise(objective).using(coin_cbc);
        problem.set_parameter("threads", "1");
        problem.set_parameter("log", "0");
        if let Some(seed) = seed {
            problem.set_parameter("randomCbcSeed", &seed.to_string());
        }
        let mut problem = problem
            .with_mip_gap(settings.gap as f32)
            .map_err(|e| format!("the MIP gap {}: {e}", settings.gap))?
            .with_time_limit(settings.time_limit.max(1.0));
        if !settings.start.is_empty() {
            problem = problem.with_initial_solution(settings.start.iter().copied());
        }
        for c in constraints {
            problem.add_constraint(c);
        }
        let solution = problem.solve().map_err(|e| reason(&e))?;
        let values = read.iter().map(|v| solution.value(*v)).collect();
        let raw = solution.model();
        let objective = raw.obj_value();
        let bound = raw.best_possible_value();
        let gap = (objective.abs() > 1e-9 && bound.is_finite())
            .then(|| ((objective - bound) / objective.abs()).max(0.0));
        Ok(Outcome {
            values,
            status: match solution.status() {
                SolutionStatus::Optimal => Stop::Optimal,
                SolutionStatus::GapLimit => Stop::Gap,
                _ => Stop::TimeLimit,
            },
            gap,
            objective,
        })
    }
}

/// The first of `values` farther than `tolerance` from a whole number, with its position:
/// a "solution" with one is no roster (CBC's LP values returned when it found no integer
/// solution in its time limit).
pub fn first_fractional(values: &[f64], tolerance: f64) -> Option<(usize, f64)> {
    values
        .iter()
        .copied()
        .enumerate()
        .find(|&(_, v)| !v.is_finite() || (v - v.round()).abs() > tolerance)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A weighted set cover (`rows` elements, `cols` sets of 5 random elements each, costs
    /// 10–29) that microlp does not prove optimal in a few hundred nodes at a zero gap.
    fn cover(rows: usize, cols: usize, seed: u64) -> microlp::Problem {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut p = microlp::Problem::new(microlp::OptimizationDirection::Minimize);
        let vars: Vec<_> = (0..cols)
            .map(|_| p.add_binary_var(10.0 + next(20) as f64))
            .collect();
        let mut members = vec![Vec::new(); rows];
        for v in &vars {
            for _ in 0..5 {
                members[next(rows as u64) as usize].push(*v);
            }
        }
        for (i, m) in members.iter_mut().enumerate() {
            if m.is_empty() {
                m.push(vars[i % cols]);
            }
            m.sort_by_key(|v| v.idx());
            m.dedup();
            let expr: microlp::LinearExpr = m.iter().map(|&v| (v, 1.0)).collect();
            p.add_constraint(expr, microlp::ComparisonOp::Ge, 1.0);
        }
        p
    }

    #[test]
    fn a_search_stopped_by_its_node_budget_gives_the_same_answer_on_a_busy_machine() {
        let problem = cover(90, 150, 7);
        let settings = Settings {
            gap: 0.0,
            time_limit: 60.0,
            start: Vec::new(),
        };
        let answer = |p: &microlp::Problem| {
            let (outcome, stop) = search(p, &settings, 300).expect("a search");
            let solution = outcome.into_solution().expect("a cover within 300 nodes");
            let values: Vec<f64> = solution.iter().map(|(_, v)| v).collect();
            (stop, values, solution.objective())
        };
        let quiet = answer(&problem);
        assert_eq!(
            quiet.0,
            Stop::NodeLimit,
            "the budget, not the gap, stops it"
        );
        // The same search while other threads keep both cores busy.
        let stop = std::sync::atomic::AtomicBool::new(false);
        let busy = std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    let mut x = 1u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        x = std::hint::black_box(x.wrapping_mul(3).wrapping_add(1));
                    }
                });
            }
            let a = answer(&problem);
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            a
        });
        assert_eq!(quiet, busy);
    }

    #[test]
    fn node_budgets_shrink_with_the_program_and_grow_with_the_time_limit() {
        // 3 × 10⁸ × 10 s / (2,653 × 1,148): the fortnight's slowest tour-aware program.
        assert_eq!(node_budget(10.0, 2_653, 1_148), 985);
        assert_eq!(node_budget(20.0, 2_653, 1_148), 1_970);
        assert_eq!(node_budget(10.0, 100_000, 10_000), MIN_NODES);
        assert!(node_budget(1.0, 10, 10) > 1_000_000);
    }

    #[test]
    fn fractional_values_are_found_and_whole_ones_pass() {
        assert_eq!(first_fractional(&[0.0, 3.0, 2.0 + 1e-9, 7.0], 1e-6), None);
        assert_eq!(first_fractional(&[1.0, 0.5, 2.25], 1e-6), Some((1, 0.5)));
        assert_eq!(
            first_fractional(&[4.0, 1.0 - 1e-3], 1e-6),
            Some((1, 1.0 - 1e-3))
        );
        assert!(first_fractional(&[f64::NAN], 1e-6).is_some());
        assert_eq!(first_fractional(&[], 1e-6), None);
    }

    #[test]
    fn solver_names_parse_and_cbc_needs_its_feature() {
        assert_eq!(Solver::parse("microlp"), Ok(Solver::Microlp));
        assert!(
            Solver::parse("gurobi")
                .unwrap_err()
                .contains("\"microlp\" or \"cbc\"")
        );
        let built = Solver::Cbc.built();
        match Solver::parse("cbc") {
            Ok(s) => assert!(built && s == Solver::Cbc),
            Err(e) => {
                assert!(!built, "{e}");
                assert!(e.contains("--features cbc") && e.contains("coinor-libcbc-dev"));
            }
        }
    }
}
