//! Sharded runs: `--shard I/N` runs a deterministic share of the work (replications
//! `r` with `r mod N = I` of a run, or sweep points `p` with `p mod N = I`) and writes a
//! partial result file; [`merge`] joins the parts of all `N` shards into the outcomes a
//! single run with the same seed gives, number for number (each replication depends only
//! on the seed and its index). Which share a shard runs, what it keeps and the merge's
//! math (alike parts, every shard and replication once, outcomes in order) are the core's
//! ([`ccsim_core::shards`]); this folder holds the partial file and its reading.
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

use crate::model::Model;
use serde::{Deserialize, Serialize};

mod auto;
mod file;
pub mod identity;
mod merge;
mod shapes;
mod sweep;
#[cfg(test)]
mod tests;
mod values;

pub use auto::{ShardSpec, partial_path};
pub use ccsim_core::shards::{PartialReplication, PartialRun, Shard, partial_run};
pub use merge::{MergeError, Merged, MergedRuns, PointLabel, merge, merge_files, merge_parts};
pub use shapes::check_shapes;
pub use sweep::{SweepShare, sweep_partial};

/// The version of ccsim that writes partial files.
pub const CCSIM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The version of the partial file's format this ccsim writes and reads: 4 since a
/// contact draws its patience from its own sub-stream when it first waits and lognormal
/// durations are exponentiated by the crate's own `exp` (ccsim 0.3.0, issue 18); 3 since a
/// contact's own draws (handle times, resolutions, bot sessions, returns) come from
/// SplitMix64 sub-streams (issue 18), so that a part of format 2, written by a build that
/// drew them from other streams, is not merged with this build's parts; 2 since the
/// scenario hash is the SHA-256 of the canonical serialization of the model (format 1,
/// with no `partial_format` key, held an FNV hash of its `Debug` text).
pub const PARTIAL_FORMAT: u32 = 4;

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
    /// This part as the core's merge reads it, named `name` in messages.
    pub fn as_part<'a>(&'a self, name: &'a str) -> ccsim_core::shards::Part<'a> {
        ccsim_core::shards::Part {
            name,
            ccsim_version: &self.ccsim_version,
            scenario_hash: &self.scenario_hash,
            command: &self.command,
            seed: self.seed,
            replications: self.replications,
            points: self.points,
            sweep_axes: &self.sweep_axes,
            shard: self.shard,
            shards: self.shards,
            runs: &self.runs,
        }
    }
}
