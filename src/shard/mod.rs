//! Sharded runs: `--shard I/N` runs a deterministic share of the work (replications
//! `r` with `r mod N = I` of a run, or sweep points `p` with `p mod N = I`) and writes a
//! partial result file; [`merge`] joins the parts of all `N` shards into the outcomes a
//! single run with the same seed gives, number for number (each replication depends only
//! on the seed and its index).
//!
//! A partial file is TOML (it keeps NaN, which JSON cannot) holding every replication's
//! outcome, the scenario's identity ([`scenario_hash`]: the SHA-256 of a canonical
//! serialization of the compiled model, see [`identity`]), the ccsim version and the
//! file's format version ([`PARTIAL_FORMAT`]); parts of different scenarios, versions,
//! formats, seeds or shard counts are refused.
//!
//! A part is trusted only as far as it is checked: its first key is a SHA-256 checksum of
//! the rest (the content serialized as ccsim writes it), so a part changed after ccsim wrote
//! it is refused; its values must be possible (counts whole and at least 0, shares within
//! [0, 1], NaN exactly where a metric is undefined, no more answered than offered); and
//! [`check_shapes`] holds every outcome against the scenario the merge loads (channels,
//! categories, priorities, groups, reported intervals), so nothing downstream can index
//! out of bounds on a part, however it was damaged.
//!
//! Files: `file.rs` (the partial file's text), `values.rs` (possible values),
//! `shapes.rs` (outcomes against the scenario), `merge.rs` (the merge, and
//! [`merge_files`], the whole `ccsim merge` short of printing), `identity.rs`.

use crate::experiment::RunResult;
use crate::model::Model;
use crate::stats::ReplicationOutcome;
use serde::{Deserialize, Serialize};

mod file;
pub mod identity;
mod merge;
mod shapes;
#[cfg(test)]
mod tests;
mod values;

pub use merge::{MergeError, Merged, MergedRuns, PointLabel, merge, merge_files};
pub use shapes::check_shapes;

/// The version of ccsim that writes partial files.
pub const CCSIM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The version of the partial file's format this ccsim writes and reads: 2 since the
/// scenario hash is the SHA-256 of the canonical serialization of the model (format 1,
/// with no `partial_format` key, held an FNV hash of its `Debug` text).
pub const PARTIAL_FORMAT: u32 = 2;

/// Which share of the work a process runs: shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0 .. count`.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` (e.g. `0/4` … `3/4`; the index of a Kubernetes Indexed Job or a Slurm
    /// array task, both from 0).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{text}`: write I/N with 0 ≤ I < N, e.g. --shard 0/4 (shards are numbered from 0)"
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `k` (a replication or a sweep point) belongs to this shard.
    pub fn owns(&self, k: u32) -> bool {
        k % self.count == self.index
    }
}

/// One replication's outcome, by its index.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PartialReplication {
    /// Replication index.
    pub index: u32,
    /// Its metrics.
    pub outcome: ReplicationOutcome,
}

/// The replications a shard ran of one model (a run, or one sweep point).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PartialRun {
    /// The sweep point (0 for a plain run).
    pub point: u32,
    /// The run's seed.
    pub seed: u64,
    /// The run's replications, all shards together.
    pub replications_in_all: u32,
    /// Wall-clock seconds the shard spent on them.
    pub wall_s: f64,
    /// The replications, in index order.
    pub replications: Vec<PartialReplication>,
}

/// What a shard writes: how it was run, and the outcomes of its share.
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct PartialResult {
    /// The ccsim version that wrote it.
    pub ccsim_version: String,
    /// `run` or `sweep`.
    pub command: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// Identity of the compiled model(s) ([`scenario_hash`]): equal for equal scenarios.
    pub scenario_hash: String,
    /// The contact log replayed with `--arrivals`, if any.
    pub arrivals: Option<String>,
    /// `--log-start`, if given.
    pub log_start: Option<String>,
    /// `--skip-bad-rows`.
    pub skip_bad_rows: bool,
    /// The sweep's `--set` axes, as given.
    pub sweep_axes: Vec<String>,
    /// Base seed (a sweep point may set its own).
    pub seed: u64,
    /// Replications per run, all shards together (a sweep point may set its own).
    pub replications: u32,
    /// Sweep points (1 for a run).
    pub points: u32,
    /// This shard's index.
    pub shard: u32,
    /// Number of shards.
    pub shards: u32,
    /// The work done.
    pub runs: Vec<PartialRun>,
}

/// The identity of compiled models (a run's model, or a sweep's points in order): 64 hex
/// digits of the SHA-256 of their canonical serialization ([`identity`]). Equal for equal
/// models, on every machine and build; any changed value gives another.
pub fn scenario_hash(models: &[&Model]) -> String {
    identity::identity(models)
}

impl PartialResult {
    /// The runs of this part as `(point, replication index, outcome)`.
    fn units(&self) -> impl Iterator<Item = (u32, &PartialReplication)> {
        self.runs
            .iter()
            .flat_map(|r| r.replications.iter().map(move |p| (r.point, p)))
    }
}

/// The replications `indices` of a run of `replications_in_all`, packed for writing.
pub fn partial_run(
    point: u32,
    seed: u64,
    replications_in_all: u32,
    indices: &[u32],
    result: RunResult,
) -> PartialRun {
    PartialRun {
        point,
        seed,
        replications_in_all,
        wall_s: result.wall_s,
        replications: indices
            .iter()
            .zip(result.outcomes)
            .map(|(&index, outcome)| PartialReplication { index, outcome })
            .collect(),
    }
}
