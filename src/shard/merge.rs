//! The merge: parts of all shards joined into the outcomes of the single run, and
//! [`merge_files`], the whole of `ccsim merge` short of printing and writing.

use super::{PartialResult, check_shapes, scenario_hash};
use crate::experiment::{self, RunResult};
use crate::model::Model;
use crate::stats::ReplicationOutcome;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::sweep::PointLabel;

/// Why a merge was refused. Every kind is the user's to fix (the command exits 2); the
/// message names the file and what to do.
#[derive(Debug, Clone, PartialEq)]
pub enum MergeError {
    /// A part or the scenario cannot be read: missing, too large, not text.
    Read(String),
    /// A part is not a partial result, is damaged, of another format or version, or does
    /// not fit with the other parts or with the scenario (and its logs) it names.
    Refused(String),
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::Read(m) | MergeError::Refused(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for MergeError {}

/// What the parts of a sharded run or sweep merge into.
#[derive(Debug)]
pub struct Merged {
    /// The scenario file the parts were checked against (as given, or as they recorded
    /// it).
    pub scenario: PathBuf,
    /// The run's base seed.
    pub seed: u64,
    /// The outcomes, with the models they are of.
    pub runs: MergedRuns,
}

/// The merged outcomes of a run or of a sweep.
#[derive(Debug)]
pub enum MergedRuns {
    /// A run: its model and every replication, in order.
    Run {
        /// The compiled scenario (with the logs the shards replayed).
        model: Box<Model>,
        /// The replications of all shards, in index order; `wall_s` is their sum.
        result: RunResult,
    },
    /// A sweep: per point, in grid order, its model, label, replications and seed.
    Sweep {
        /// The compiled point models.
        models: Vec<Model>,
        /// Each point's settings.
        labels: Vec<PointLabel>,
        /// Each point's replications, in index order.
        runs: Vec<RunResult>,
        /// Each point's seed.
        seeds: Vec<u64>,
    },
}

/// Reads the partial files `parts`, checks them (each on its own, together, and against
/// the scenario they name, or `scenario` when given) and merges them into what the single
/// run or sweep gives. Reads the scenario and any logs it or the parts name; writes
/// nothing and prints nothing: warnings about the scenario (an unbounded queue, sweep
/// points that give the same model) go to `warn` as they are met, one line each, without
/// `warning: `.
pub fn merge_files(
    parts: &[PathBuf],
    scenario: Option<&Path>,
    warn: &mut dyn FnMut(&str),
) -> Result<Merged, MergeError> {
    let parts = parts
        .iter()
        .map(|path| read_part(path))
        .collect::<Result<Vec<_>, _>>()?;
    let (runs, seeds) = merge(&parts).map_err(MergeError::Refused)?;
    let first = &parts[0].1;
    let file = scenario.map_or_else(|| PathBuf::from(&first.scenario_file), Path::to_path_buf);
    if scenario.is_none() && !file.exists() {
        return Err(MergeError::Refused(format!(
            "{}: the scenario file the shards recorded is not there (moved, or the parts were made elsewhere): pass it with --scenario FILE",
            file.display()
        )));
    }
    let models = if first.command == "sweep" {
        sweep_models(&file, &first.sweep_axes, warn)?
    } else {
        let options = crate::scenario::LoadOptions {
            arrivals: first.arrivals.as_ref().map(PathBuf::from),
            skip_bad_rows: first.skip_bad_rows,
            log_start: first.log_start.clone(),
        };
        vec![(load(&file, &options, warn)?, Vec::new())]
    };
    let (models, labels): (Vec<Model>, Vec<PointLabel>) = models.into_iter().unzip();
    let hash = scenario_hash(&models.iter().collect::<Vec<_>>());
    if hash != first.scenario_hash {
        return Err(MergeError::Refused(format!(
            "{} does not give the scenario the shards ran (hash {hash}, parts {}): merge with the scenario file (and logs) they ran, or pass it with --scenario",
            file.display(),
            first.scenario_hash
        )));
    }
    // Every outcome against the model(s), before anything reads them.
    for (name, part) in &parts {
        check_shapes(name, part, &models).map_err(MergeError::Refused)?;
    }
    let runs = if first.command == "sweep" {
        MergedRuns::Sweep {
            models,
            labels,
            runs,
            seeds,
        }
    } else {
        let (Some(model), Some(result), 1) = (
            models.into_iter().next(),
            runs.into_iter().next(),
            seeds.len(),
        ) else {
            return Err(MergeError::Refused(format!(
                "{} holds a run of {} points; a run has one",
                parts[0].0, first.points
            )));
        };
        MergedRuns::Run {
            model: Box::new(model),
            result,
        }
    };
    Ok(Merged {
        scenario: file,
        seed: first.seed,
        runs,
    })
}

/// Reads one partial file, named in errors as given.
fn read_part(path: &Path) -> Result<(String, PartialResult), MergeError> {
    let name = path.display().to_string();
    let bytes = crate::limits::read_capped(path, crate::limits::MAX_PARTIAL_BYTES)
        .map_err(|e| MergeError::Read(format!("cannot read {name}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        MergeError::Read(format!(
            "{name} is not a ccsim partial result file: it is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let part = PartialResult::from_toml(&text, &name).map_err(MergeError::Refused)?;
    Ok((name, part))
}

/// Loads the scenario as the shards did, telling `warn` of its unbounded queues.
fn load(
    file: &Path,
    options: &crate::scenario::LoadOptions,
    warn: &mut dyn FnMut(&str),
) -> Result<Model, MergeError> {
    let model = crate::scenario::load_with(file, options)
        .map_err(|e| MergeError::Refused(e.to_string()))?;
    let shown = file.display();
    let unbounded = experiment::unbounded_queues(&model)
        .map_err(|e| MergeError::Refused(format!("{shown}: {e}")))?;
    for w in unbounded {
        warn(&format!("{shown}: {w}"));
    }
    Ok(model)
}

/// The models and labels of the sweep's points, as `ccsim sweep` compiles them from the
/// `--set` axes the parts recorded ([`crate::sweep::plan`]), telling `warn` what
/// `ccsim sweep` warns of.
fn sweep_models(
    file: &Path,
    axes: &[String],
    warn: &mut dyn FnMut(&str),
) -> Result<Vec<(Model, PointLabel)>, MergeError> {
    let axes = (axes.iter())
        .map(|a| crate::sweep::parse_axis(a))
        .collect::<Result<Vec<_>, _>>()
        .map_err(MergeError::Refused)?;
    let base = load(file, &Default::default(), warn)?;
    let plan =
        crate::sweep::plan(file, base, &axes).map_err(|e| MergeError::Refused(e.to_string()))?;
    if let Some(warning) = plan.identical_points() {
        warn(&warning);
    }
    Ok(plan.models.into_iter().zip(plan.labels).collect())
}

/// The parts joined: for each sweep point (one for a run), the outcomes in replication
/// order, with the sum of the shards' wall-clock seconds, and the point's seed.
pub fn merge(parts: &[(String, PartialResult)]) -> Result<(Vec<RunResult>, Vec<u64>), String> {
    let Some((_, first)) = parts.first() else {
        return Err("name the partial result files to merge".into());
    };
    check_alike(parts)?;
    check_complete(parts)?;
    // The slots below are sized by the parts' own counts: no more than the parts hold,
    // or the parts are incomplete anyway (and a damaged count cannot exhaust memory).
    let points = first.points as usize;
    let n_runs: usize = parts.iter().map(|(_, p)| p.runs.len()).sum();
    if points > n_runs {
        return Err(format!(
            "the parts hold runs of {n_runs} sweep points, and the sweep has {points}: the parts are incomplete"
        ));
    }
    let mut slots = Slots {
        outcomes: vec![Vec::new(); points],
        seeds: vec![None; points],
        wall: vec![0.0; points],
        n_units: parts.iter().map(|(_, p)| p.units().count()).sum(),
    };
    for (name, p) in parts {
        slots.size(name, p)?;
        slots.fill(name, p)?;
    }
    slots.finish()
}

/// Refuses parts that are not of one sharded run: another version, scenario, command,
/// seed, replication count, sweep grid or shard count than the first part's.
fn check_alike(parts: &[(String, PartialResult)]) -> Result<(), String> {
    let (first_name, first) = &parts[0];
    for (name, p) in parts {
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
fn check_complete(parts: &[(String, PartialResult)]) -> Result<(), String> {
    let n = parts[0].1.shards;
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    for (name, p) in parts {
        if let Some(other) = seen.insert(p.shard, name) {
            return Err(format!(
                "shard {}/{n} is given twice ({other} and {name})",
                p.shard
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
    fn size(&mut self, name: &str, p: &PartialResult) -> Result<(), String> {
        let points = self.outcomes.len();
        for run in &p.runs {
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
    fn fill(&mut self, name: &str, p: &PartialResult) -> Result<(), String> {
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
    fn finish(self) -> Result<(Vec<RunResult>, Vec<u64>), String> {
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
        Ok((runs, seeds))
    }
}
