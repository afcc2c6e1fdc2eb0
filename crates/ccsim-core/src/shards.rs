//! Sharded runs without files: which share of the work a shard runs ([`Shard`]), what it
//! keeps of it ([`PartialRun`]), and [`merge`], which joins the parts of all shards into the
//! outcomes the single run gives, number for number (each replication depends only on the
//! seed and its index).
//!
//! The partial file's text, its checksum, the scenario's identity and the reading of
//! files live in the `ccsim` crate (`shard/`); this module takes the parts already read, as
//! [`Part`]s.

use crate::error::Error;
use crate::experiment::RunResult;
use crate::stats::ReplicationOutcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

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
    ///
    /// # Errors
    /// A message saying how to write it when `text` is not `I/N` with `0 ≤ I < N`.
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

/// The replications `indices` of a run of `replications_in_all`, packed for a part:
/// `result`'s outcomes are those of `indices`, in that order.
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

/// One shard's part as the merge reads it: how the shard was run (as it recorded it) and
/// the replications it ran.
#[derive(Clone, Copy, Debug)]
pub struct Part<'a> {
    /// The part's name in messages (its file, as the user gave it).
    pub name: &'a str,
    /// The ccsim version that wrote it.
    pub ccsim_version: &'a str,
    /// The identity of the model(s) it ran.
    pub scenario_hash: &'a str,
    /// `run` or `sweep`.
    pub command: &'a str,
    /// Base seed.
    pub seed: u64,
    /// Replications per run, all shards together.
    pub replications: u32,
    /// Sweep points (1 for a run).
    pub points: u32,
    /// The sweep's `--set` axes, as given.
    pub sweep_axes: &'a [String],
    /// This shard's index.
    pub shard: u32,
    /// Number of shards.
    pub shards: u32,
    /// The work done.
    pub runs: &'a [PartialRun],
}

impl Part<'_> {
    /// The replications of this part as `(point, replication)`.
    fn units(&self) -> impl Iterator<Item = (u32, &PartialReplication)> {
        self.runs
            .iter()
            .flat_map(|r| r.replications.iter().map(move |p| (r.point, p)))
    }
}

/// The parts of all shards joined.
#[derive(Debug)]
pub struct MergedParts {
    /// Per sweep point (one for a run), in point order: its replications in index order,
    /// `wall_s` the sum of the shards' wall-clock seconds on it; `intervals` is `None`
    /// (every outcome keeps its own).
    pub runs: Vec<RunResult>,
    /// Per sweep point, its seed.
    pub seeds: Vec<u64>,
}

/// Joins the parts of all shards of one run or sweep: checks that they are alike (one
/// version, scenario, command, seed, replication count, sweep grid and shard count), that
/// every shard is there once, and that every replication of every point is there once,
/// then orders each point's outcomes by replication index.
///
/// The outcomes are not checked against a model here (the `ccsim` crate's `check_shapes`
/// does that); their count is bounded by what the parts hold, so damaged counts cannot
/// exhaust memory.
///
/// # Errors
/// Bad input, with a message naming the part(s) and what to do, when the parts are none,
/// not alike, incomplete, or hold a replication twice or out of range.
pub fn merge(parts: &[Part]) -> Result<MergedParts, Error> {
    merge_parts(parts).map_err(Error::bad_input)
}

fn merge_parts(parts: &[Part]) -> Result<MergedParts, String> {
    let Some(first) = parts.first() else {
        return Err("name the partial result files to merge".into());
    };
    check_alike(parts)?;
    check_complete(parts)?;
    // The slots below are sized by the parts' own counts: no more than the parts hold,
    // or the parts are incomplete anyway (and a damaged count cannot exhaust memory).
    let points = first.points as usize;
    let n_runs: usize = parts.iter().map(|p| p.runs.len()).sum();
    if points > n_runs {
        return Err(format!(
            "the parts hold runs of {n_runs} sweep points, and the sweep has {points}: the parts are incomplete"
        ));
    }
    let mut slots = Slots {
        outcomes: vec![Vec::new(); points],
        seeds: vec![None; points],
        wall: vec![0.0; points],
        n_units: parts.iter().map(|p| p.units().count()).sum(),
    };
    for p in parts {
        slots.size(p)?;
        slots.fill(p)?;
    }
    slots.finish()
}

/// Refuses parts that are not of one sharded run: another version, scenario, command,
/// seed, replication count, sweep grid or shard count than the first part's.
fn check_alike(parts: &[Part]) -> Result<(), String> {
    let first = &parts[0];
    let first_name = first.name;
    for p in parts {
        let name = p.name;
        let differs = |what: &str, a: &dyn fmt::Display, b: &dyn fmt::Display| {
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
    Ok(())
}

/// Refuses a set of parts with a shard given twice, out of range, or missing.
fn check_complete(parts: &[Part]) -> Result<(), String> {
    let n = parts[0].shards;
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    for p in parts {
        if let Some(other) = seen.insert(p.shard, p.name) {
            return Err(format!(
                "shard {}/{n} is given twice ({other} and {})",
                p.shard, p.name
            ));
        }
    }
    if let Some((&shard, name)) = seen.range(n..).next() {
        return Err(format!("{name} is shard {shard} of {n}, numbered from 0"));
    }
    let n_missing = n as usize - seen.len();
    if n_missing > 0 {
        // Name the first few: the count may be anything up to 2³² − 1.
        let missing: Vec<String> = (0..n)
            .filter(|i| !seen.contains_key(i))
            .take(10)
            .map(|i| format!("{i}/{n}"))
            .collect();
        return Err(format!(
            "missing shard{}: {}{}; merge needs all {n} parts",
            if n_missing > 1 { "s" } else { "" },
            missing.join(", "),
            if n_missing > missing.len() {
                format!(" and {} more", n_missing - missing.len())
            } else {
                String::new()
            }
        ));
    }
    Ok(())
}

/// The outcomes being gathered, per sweep point.
struct Slots {
    /// Per point, one slot per replication.
    outcomes: Vec<Vec<Option<ReplicationOutcome>>>,
    /// Per point, its seed once a part gave it.
    seeds: Vec<Option<u64>>,
    /// Per point, the shards' wall-clock seconds summed.
    wall: Vec<f64>,
    /// Replications the parts hold in all: no point can have more.
    n_units: usize,
}

impl Slots {
    /// Sizes each point's slots from the first part that runs it; refuses a part that
    /// runs a point with another seed or replication count than an earlier part.
    fn size(&mut self, p: &Part) -> Result<(), String> {
        let (name, points) = (p.name, self.outcomes.len());
        for run in p.runs {
            let k = run.point as usize;
            if k >= points {
                return Err(format!(
                    "{name} holds point {k} of a sweep of {points} points"
                ));
            }
            self.wall[k] += run.wall_s;
            if run.replications_in_all as usize > self.n_units {
                return Err(format!(
                    "{name} runs point {k} with {} replications, and the parts hold {} in all: the parts are incomplete",
                    run.replications_in_all, self.n_units
                ));
            }
            match self.seeds[k] {
                None => {
                    self.seeds[k] = Some(run.seed);
                    self.outcomes[k] = vec![None; run.replications_in_all as usize];
                }
                Some(seed)
                    if seed != run.seed
                        || self.outcomes[k].len() != run.replications_in_all as usize =>
                {
                    return Err(format!(
                        "{name} ran point {k} with another seed or replication count than the other parts"
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Puts each replication of `p` in its slot; refuses one out of range or given twice.
    fn fill(&mut self, p: &Part) -> Result<(), String> {
        let name = p.name;
        for (point, rep) in p.units() {
            let len = self.outcomes.get(point as usize).map_or(0, |s| s.len());
            let slot = (self.outcomes.get_mut(point as usize))
                .and_then(|s| s.get_mut(rep.index as usize))
                .ok_or_else(|| {
                    format!(
                        "{name} holds replication {} of point {point}, which has only {len}",
                        rep.index
                    )
                })?;
            if slot.replace(rep.outcome.clone()).is_some() {
                return Err(format!(
                    "{name} repeats point {point}, replication {}",
                    rep.index
                ));
            }
        }
        Ok(())
    }

    /// The runs and seeds, once every slot is filled.
    fn finish(self) -> Result<MergedParts, String> {
        let runs = (self.outcomes.into_iter().zip(self.wall).enumerate())
            .map(|(point, (s, wall_s))| {
                let outcomes = (s.into_iter().enumerate())
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
        let seeds = (self.seeds.into_iter().enumerate())
            .map(|(k, s)| {
                s.ok_or_else(|| format!("no part holds point {k}: the parts are incomplete"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(MergedParts { runs, seeds })
    }
}

#[cfg(test)]
mod tests;
