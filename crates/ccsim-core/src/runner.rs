//! The door for programs that embed ccsim: runs of one model, and of many models side by
//! side (sweep points, a base and its variants), on the caller's rayon pool, with a
//! progress callback and a flag that cancels.
//!
//! Nothing here starts threads: call these inside `pool.install(|| …)` of a pool you own
//! (or on rayon's global pool). Every replication depends only on its model, the seed and
//! its index, so the results are the same whatever the pool's size, and runs of several
//! models with one seed see the same customers (common random numbers).

pub use crate::experiment::Control;
use crate::experiment::{RunError, RunResult, run_indices};
use crate::model::Model;
use rayon::prelude::*;

/// Runs replications `0 .. replications` of `model` from base seed `seed` on the current
/// rayon pool; the outcomes in replication order.
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
    let indices: Vec<u32> = (0..replications).collect();
    run_indices(model, seed, &indices, control)
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
