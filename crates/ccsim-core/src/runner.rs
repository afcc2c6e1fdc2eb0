//! The door for programs that embed ccsim: runs of one model, and of many models side by
//! side (sweep points, a base and its variants), on the caller's rayon pool, with a
//! progress callback and a flag that cancels.
//!
//! Nothing here starts threads: call these inside `pool.install(|| …)` of a pool you own
//! (or on rayon's global pool). Every replication depends only on its model, the seed and
//! its index, so the results are the same whatever the pool's size, and runs of several
//! models with one seed see the same customers (common random numbers).
//!
//! [`run_to_precision`] is the exception: it runs batches on a pool of its own
//! (`RunOptions::threads`), as `ccsim run --precision` does.

use crate::error::{Error, ErrorKind};
pub use crate::experiment::Control;
use crate::experiment::{
    Estimate, RunError, RunOptions, RunResult, run_folded, run_folded_here, run_indices,
};
use crate::model::Model;
use crate::stats::ReplicationOutcome;
use rayon::prelude::*;

/// Runs replications `0 .. replications` of `model` from base seed `seed` on the current
/// rayon pool; the outcomes in replication order, their per-interval metrics folded into
/// `RunResult::intervals` as replications end (memory does not grow with replications ×
/// intervals; [`RunResult::interval_moments`] reads them, and each outcome keeps the rest).
///
/// # Errors
/// [`ErrorKind::Cancelled`] when `control`'s flag was set; a replayed log that cannot be read
/// (bad input).
pub fn run(
    model: &Model,
    seed: u64,
    replications: u32,
    control: &Control,
) -> Result<RunResult, RunError> {
    run_folded_here(model, seed, 0..replications, control, Default::default())
}

/// One model of many to run side by side: its seed and its number of replications.
#[derive(Clone, Copy, Debug)]
pub struct Job<'m> {
    /// The model.
    pub model: &'m Model,
    /// Its base seed; the same seed for several models gives them the same customers.
    pub seed: u64,
    /// Its replications, `0 .. replications`.
    pub replications: u32,
}

/// Runs every job on the current rayon pool, the jobs side by side and the replications
/// within each too (a grid of many points with few replications still keeps every core
/// busy); the results in the order of `jobs`.
///
/// # Errors
/// As [`run`]: the first error of any job.
pub fn run_jobs(jobs: &[Job], control: &Control) -> Result<Vec<RunResult>, RunError> {
    jobs.par_iter()
        .map(|job| run(job.model, job.seed, job.replications, control))
        .collect()
}

/// [`run_jobs`] keeping every replication's outcome whole, its per-interval metrics
/// included (`RunResult::intervals` is `None`): what a shard's partial file needs, so that
/// the merge folds the replications itself.
///
/// # Errors
/// As [`run`].
pub fn run_jobs_whole(jobs: &[Job], control: &Control) -> Result<Vec<RunResult>, RunError> {
    jobs.par_iter()
        .map(|job| {
            let indices: Vec<u32> = (0..job.replications).collect();
            run_indices(job.model, job.seed, &indices, control)
        })
        .collect()
}

/// What [`run_to_precision`] ran: every replication, the target metric's estimate over them
/// and whether its 95 % half-width reached the target.
#[derive(Clone, Debug)]
pub struct PrecisionRun {
    /// Replications `0 .. n` in order, their per-interval metrics folded into
    /// `result.intervals` (as [`crate::experiment::run_folded`] leaves them); equal to a
    /// plain run of `n` replications.
    pub result: RunResult,
    /// The metric's mean and 95 % half-width (Student t) over the `n` replications, in the
    /// metric's own unit.
    pub estimate: Estimate,
    /// `true` when `estimate.ci95 <= target` with at least 2 replications; `false` when
    /// the cap was reached first.
    pub met: bool,
}

impl PrecisionRun {
    /// The replications run.
    pub fn replications(&self) -> u32 {
        self.result.outcomes.len() as u32
    }
}

/// Runs batches of replications until `metric`'s 95 % half-width (Student t over the
/// replications so far) is at most `target`, or `max` replications have run.
///
/// Batches are of `options.replications` replications (at least 2, at most `max`), run as
/// [`crate::experiment::run_folded`] runs them (a pool of `options.threads`, the
/// per-interval metrics folded as replications end, so memory does not grow with
/// replications × intervals); batch `b` holds replications `b·size ..`, so the result equals
/// a plain run of as many replications with `options.seed`. `metric` reads one
/// replication's value (e.g. a service level, a share in [0, 1]; `target` is in the same
/// unit). `control`'s callback hears every replication's end; its flag is read before each
/// batch (a batch under way finishes).
///
/// # Errors
/// Bad input when `target` is not a number above 0 or `max` is below 2;
/// [`ErrorKind::Cancelled`](crate::error::ErrorKind::Cancelled) when `control`'s flag was
/// set before the target or the cap was reached; what a run returns ([`run`]).
pub fn run_to_precision(
    model: &Model,
    options: &RunOptions,
    metric: &(dyn Fn(&ReplicationOutcome) -> f64 + Sync),
    target: f64,
    max: u32,
    control: &Control,
) -> Result<PrecisionRun, Error> {
    if !(target.is_finite() && target > 0.0) {
        return Err(Error::bad_input(format!(
            "the target half-width {target} is not a number above 0"
        )));
    }
    if max < 2 {
        return Err(Error::bad_input(format!(
            "a precision run needs a cap of at least 2 replications, not {max}"
        )));
    }
    let batch = options.replications.clamp(2, max);
    let mut result = RunResult::default();
    loop {
        if control.cancelled() {
            return Err(Error::new(ErrorKind::Cancelled, "cancelled"));
        }
        let done = result.outcomes.len() as u32;
        let next = RunOptions {
            replications: batch.min(max - done),
            ..options.clone()
        };
        let folded = result.intervals.take().unwrap_or_default();
        let more = run_folded(model, &next, done, &|c| control.done(c), folded)?;
        result.outcomes.extend(more.outcomes);
        result.wall_s += more.wall_s;
        result.intervals = more.intervals;
        let estimate = result.estimate(metric);
        let met = estimate.n >= 2 && estimate.ci95 <= target;
        if met || result.outcomes.len() as u32 >= max {
            return Ok(PrecisionRun {
                result,
                estimate,
                met,
            });
        }
    }
}
