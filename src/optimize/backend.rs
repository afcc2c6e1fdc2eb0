//! The MIP backends behind the roster problem, through good_lp: microlp (pure Rust, always
//! built) and COIN-OR CBC (cargo feature `cbc`, over the system library; Debian
//! `coinor-libcbc-dev`). Every solve runs with a relative gap and a time limit, CBC on one
//! thread (the same roster on every run); what a backend returns is read back as plain
//! numbers, and the roster's integrality is checked by the caller ([`first_fractional`]):
//! good_lp hands back CBC's fractional LP values as `Ok` when CBC found no integer
//! solution in its time limit.

use good_lp::{
    Constraint, Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable,
    WithMipGap, WithTimeLimit, microlp,
};

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

/// What a backend returned.
pub(crate) struct Outcome {
    /// The values of the variables asked for, in their order.
    pub(crate) values: Vec<f64>,
    /// Why it stopped.
    pub(crate) status: SolutionStatus,
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
    match solver {
        Solver::Microlp => solve_microlp(program, read, settings),
        #[cfg(feature = "cbc")]
        Solver::Cbc => cbc::solve(program, read, settings),
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
    let mut problem = vars
        .minimise(objective)
        .using(microlp)
        .with_mip_gap(settings.gap as f32)
        .map_err(|e| format!("the MIP gap {}: {e}", settings.gap))?
        .with_time_limit(settings.time_limit);
    for c in constraints {
        problem.add_constraint(c);
    }
    // microlp asserts integrality when values are read: a violation is a solver failure
    // to report, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        problem.solve().map(|solution| {
            let values = read.iter().map(|v| solution.value(*v)).collect();
            let status = solution.status();
            let inner = solution.into_inner();
            Outcome {
                values,
                status,
                gap: inner.stats().gap,
                objective: inner.objective(),
            }
        })
    }))
    .map_err(|_| "a non-integral roster".to_string())?
    .map_err(|e| reason(&e))
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
    use super::{Outcome, Program, Settings, reason};
    use good_lp::solvers::coin_cbc::coin_cbc;
    use good_lp::{
        Solution, SolverModel, Variable, WithInitialSolution, WithMipGap, WithTimeLimit,
    };

    /// Solves with CBC on one thread, at the gap and (whole seconds, at least 1) time limit.
    pub(super) fn solve(
        program: Program,
        read: &[Variable],
        settings: &Settings,
    ) -> Result<Outcome, String> {
        let Program {
            vars,
            objective,
            constraints,
        } = program;
        let mut problem = vars.minimise(objective).using(coin_cbc);
        problem.set_parameter("threads", "1");
        problem.set_parameter("log", "0");
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
            status: solution.status(),
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
