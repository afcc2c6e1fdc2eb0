//! A sweep shard's partial result ([`sweep_partial`]): what `ccsim sweep --shard` writes
//! and what the Python package's `sweep(…, shard=(i, n))` returns.

use super::{CCSIM_VERSION, PartialResult, Shard, partial_run};
use crate::experiment::RunResult;
use crate::model::Model;
use crate::sweep::{Axis, SweepPlan};
use std::path::Path;

/// How a sweep shard was asked for: the scenario file as given, the axes, the seed and
/// replications given (`None`: each point's own), and the shard.
#[derive(Clone, Copy, Debug)]
pub struct SweepShare<'a> {
    /// The scenario file, as the user named it (recorded; the merge reads it again).
    pub file: &'a Path,
    /// The sweep's axes, in order.
    pub axes: &'a [Axis],
    /// The seed given for every point (`None`: each point's own).
    pub seed: Option<u64>,
    /// The replications given for every point (`None`: each point's own).
    pub replications: Option<u32>,
    /// This shard.
    pub shard: Shard,
}

/// The partial result of one shard of the sweep `plan`: `runs` are the outcomes of the
/// points numbered `points` (those `share.shard` owns, in that order, as
/// [`SweepPlan::run`] returned them).
pub fn sweep_partial(
    share: &SweepShare<'_>,
    plan: &SweepPlan,
    points: &[u32],
    runs: Vec<RunResult>,
) -> PartialResult {
    let models: Vec<&Model> = plan.models.iter().collect();
    let seeds = plan.seeds(share.seed);
    let counts = plan.counts(share.replications);
    PartialResult {
        ccsim_version: CCSIM_VERSION.into(),
        command: "sweep".into(),
        scenario_file: share.file.display().to_string(),
        scenario_hash: super::scenario_hash(&models),
        arrivals: None,
        log_start: None,
        skip_bad_rows: false,
        sweep_axes: share.axes.iter().map(Axis::text).collect(),
        seed: share.seed.unwrap_or(plan.base.seed),
        replications: share.replications.unwrap_or(plan.base.replications),
        points: plan.models.len() as u32,
        shard: share.shard.index,
        shards: share.shard.count,
        runs: (points.iter().zip(runs))
            .map(|(&p, r)| {
                let n = counts[p as usize];
                let indices: Vec<u32> = (0..n).collect();
                partial_run(p, seeds[p as usize], n, &indices, r)
            })
            .collect(),
    }
}
