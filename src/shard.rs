//! Sharded runs: `--shard I/N` runs a deterministic share of the work (replications
//! `r` with `r mod N = I` of a run, or sweep points `p` with `p mod N = I`) and writes a
//! partial result file; [`merge`] joins the parts of all `N` shards into the outcomes a
//! single run with the same seed gives, number for number (each replication depends only
//! on the seed and its index).
//!
//! A partial file is TOML (it keeps NaN, which JSON cannot) holding every replication's
//! outcome, the scenario's hash and the ccsim version; parts of different scenarios,
//! versions, seeds or shard counts are refused.

use crate::experiment::RunResult;
use crate::model::Model;
use crate::stats::ReplicationOutcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of ccsim that writes partial files.
pub const CCSIM_VERSION: &str = env!("CARGO_PKG_VERSION");

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
    /// Hash of the compiled model(s): equal for equal scenarios.
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

/// The hash that identifies compiled models: FNV-1a over their full description.
pub fn scenario_hash(models: &[&Model]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in models {
        for b in format!("{m:?}").bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

impl PartialResult {
    /// The partial file's text.
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| format!("cannot write the partial result: {e}"))
    }

    /// Reads a partial file's text; `source` names it in errors.
    pub fn from_toml(text: &str, source: &str) -> Result<PartialResult, String> {
        toml::from_str(text).map_err(|e| {
            format!("{source} is not a ccsim partial result file (written by `ccsim run|sweep --shard I/N --partial FILE`): {e}")
        })
    }

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

/// The parts joined: for each sweep point (one for a run), the outcomes in replication
/// order, with the sum of the shards' wall-clock seconds, and the point's seed.
pub fn merge(parts: &[(String, PartialResult)]) -> Result<(Vec<RunResult>, Vec<u64>), String> {
    let Some((first_name, first)) = parts.first() else {
        return Err("name the partial result files to merge".into());
    };
    for (name, p) in parts {
        let differs = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            format!(
                "{name} and {first_name} differ in {what} ({b} vs {a}): merge the parts of one sharded run only"
            )
        };
        if p.ccsim_version != first.ccsim_version {
            return Err(format!(
                "{name} was written by ccsim {} and {first_name} by ccsim {}: merge parts written by one version",
                p.ccsim_version, first.ccsim_version
            ));
        }
        if p.scenario_hash != first.scenario_hash {
            return Err(format!(
                "{name} and {first_name} come from different scenarios (hash {} vs {}): merge the parts of one scenario only",
                p.scenario_hash, first.scenario_hash
            ));
        }
        if p.command != first.command {
            return Err(differs("command", &first.command, &p.command));
        }
        if p.seed != first.seed {
            return Err(differs("seed", &first.seed, &p.seed));
        }
        if p.replications != first.replications {
            return Err(differs(
                "replications",
                &first.replications,
                &p.replications,
            ));
        }
        if p.points != first.points || p.sweep_axes != first.sweep_axes {
            return Err(differs(
                "sweep grid",
                &first.sweep_axes.join(" "),
                &p.sweep_axes.join(" "),
            ));
        }
        if p.shards != first.shards {
            return Err(differs("shard count", &first.shards, &p.shards));
        }
    }
    let n = first.shards;
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    for (name, p) in parts {
        if let Some(other) = seen.insert(p.shard, name) {
            return Err(format!(
                "shard {}/{n} is given twice ({other} and {name})",
                p.shard
            ));
        }
    }
    let missing: Vec<String> = (0..n)
        .filter(|i| !seen.contains_key(i))
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing shard{}: {}; merge needs all {n} parts",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        ));
    }
    let points = first.points as usize;
    let mut slots: Vec<Vec<Option<ReplicationOutcome>>> = vec![Vec::new(); points];
    let mut seeds: Vec<Option<u64>> = vec![None; points];
    let mut wall = vec![0.0; points];
    for (name, p) in parts {
        for run in &p.runs {
            let k = run.point as usize;
            if k >= points {
                return Err(format!(
                    "{name} holds point {k} of a sweep of {points} points"
                ));
            }
            wall[k] += run.wall_s;
            match seeds[k] {
                None => {
                    seeds[k] = Some(run.seed);
                    slots[k] = vec![None; run.replications_in_all as usize];
                }
                Some(seed)
                    if seed != run.seed || slots[k].len() != run.replications_in_all as usize =>
                {
                    return Err(format!(
                        "{name} ran point {k} with another seed or replication count than the other parts"
                    ));
                }
                Some(_) => {}
            }
        }
        for (point, rep) in p.units() {
            let len = slots.get(point as usize).map_or(0, |s| s.len());
            let slot = slots
                .get_mut(point as usize)
                .and_then(|s| s.get_mut(rep.index as usize))
                .ok_or_else(|| {
                    format!(
                        "{name} holds replication {} of point {point}, which has only {}",
                        rep.index, len
                    )
                })?;
            if slot.replace(rep.outcome.clone()).is_some() {
                return Err(format!(
                    "{name} repeats point {point}, replication {}",
                    rep.index
                ));
            }
        }
    }
    let runs = slots
        .into_iter()
        .zip(wall)
        .enumerate()
        .map(|(point, (s, wall_s))| {
            let outcomes = s
                .into_iter()
                .enumerate()
                .map(|(r, o)| {
                    o.ok_or_else(|| {
                        format!(
                            "no part holds point {point}, replication {r}: the parts are incomplete"
                        )
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(RunResult {
                outcomes,
                wall_s,
                intervals: None,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let seeds = seeds
        .into_iter()
        .enumerate()
        .map(|(k, s)| s.ok_or_else(|| format!("no part holds point {k}: the parts are incomplete")))
        .collect::<Result<Vec<_>, String>>()?;
    Ok((runs, seeds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
        let s = Shard::parse("1/3").unwrap();
        assert_eq!(
            (0..9).filter(|&k| s.owns(k)).collect::<Vec<_>>(),
            vec![1, 4, 7]
        );
    }

    #[test]
    fn outcomes_survive_the_partial_file_exactly() {
        let mut o = ReplicationOutcome {
            events: 7,
            contacts: 3,
            cost: 0.1 + 0.2,
            ..Default::default()
        };
        o.totals.asa_s = f64::NAN;
        o.totals.service_level = 1.0 / 3.0;
        o.by_channel = vec![o.totals];
        let p = PartialResult {
            ccsim_version: CCSIM_VERSION.into(),
            command: "run".into(),
            scenario_file: "s.toml".into(),
            scenario_hash: "0".into(),
            arrivals: None,
            log_start: None,
            skip_bad_rows: false,
            sweep_axes: vec![],
            seed: 1,
            replications: 1,
            points: 1,
            shard: 0,
            shards: 1,
            runs: vec![PartialRun {
                point: 0,
                seed: 1,
                replications_in_all: 1,
                wall_s: 0.5,
                replications: vec![PartialReplication {
                    index: 0,
                    outcome: o.clone(),
                }],
            }],
        };
        let back = PartialResult::from_toml(&p.to_toml().unwrap(), "x").unwrap();
        let got = &back.runs[0].replications[0].outcome;
        assert!(got.totals.asa_s.is_nan());
        assert_eq!(got.totals.service_level, 1.0 / 3.0);
        assert_eq!(got.cost, 0.1 + 0.2);
        assert_eq!(got.by_channel.len(), 1);
        let merged = merge(&[("x".into(), back)]).unwrap();
        assert_eq!(merged.0[0].outcomes[0].events, 7);
    }
}
