//! The merge: parts of all shards joined into the outcomes of the single run, and
//! [`merge_files`], the whole of `ccsim merge` short of printing and writing.

use super::{PartialResult, check_shapes, scenario_hash};
use crate::experiment::{self, RunResult};
use crate::model::Model;
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
    let (mut read, mut refused) = (Vec::new(), Vec::new());
    for path in parts {
        match read_part(path) {
            Ok(part) => read.push(part),
            Err(e) => refused.push((path.display().to_string(), e)),
        }
    }
    if !refused.is_empty() {
        return Err(all_refused(refused, parts.len()));
    }
    merge_parts(&read, scenario, warn)
}

/// One error for every part that cannot be read, so that a user who upgraded ccsim learns
/// at once that all last week's parts need the same fix: parts refused for the same reason
/// are named together (`a.toml, b.toml: each is …`), in the order given. A `Read` error
/// when any part could not be read at all, else `Refused`.
fn all_refused(refused: Vec<(String, MergeError)>, parts: usize) -> MergeError {
    if refused.len() == 1 {
        return refused.into_iter().next().expect("one").1;
    }
    let any_read = refused
        .iter()
        .any(|(_, e)| matches!(e, MergeError::Read(_)));
    // Reasons in order of first appearance, each with the parts refused for it; a message
    // that begins with its part's name is grouped by what follows the name.
    let mut reasons: Vec<(String, bool, Vec<String>)> = Vec::new();
    for (name, e) in &refused {
        let message = e.to_string();
        let (reason, named) = match message.strip_prefix(&format!("{name} ")) {
            Some(rest) => (rest.to_string(), true),
            None => (message.clone(), false),
        };
        match reasons
            .iter_mut()
            .find(|(r, n, _)| *r == reason && *n == named)
        {
            Some((_, _, names)) => names.push(name.clone()),
            None => reasons.push((reason, named, vec![name.clone()])),
        }
    }
    let said: Vec<String> = reasons
        .into_iter()
        .map(|(reason, named, names)| match (named, names.len()) {
            (true, 1) => format!("{} {reason}", names[0]),
            (true, _) => format!(
                "{}: each {}",
                names.join(", "),
                reason.replace("run that shard again", "run those shards again")
            ),
            (false, 1) => reason,
            (false, _) => format!("{}: {reason}", names.join(", ")),
        })
        .collect();
    let message = format!(
        "{} of the {parts} parts cannot be merged: {}",
        refused.len(),
        said.join("; ")
    );
    if any_read {
        MergeError::Read(message)
    } else {
        MergeError::Refused(message)
    }
}

/// [`merge_files`] on parts already read: each a name for messages (its file, say) and
/// the part ([`PartialResult::from_toml`]). At least one part.
pub fn merge_parts(
    parts: &[(String, PartialResult)],
    scenario: Option<&Path>,
    warn: &mut dyn FnMut(&str),
) -> Result<Merged, MergeError> {
    if parts.is_empty() {
        return Err(MergeError::Refused(
            "no parts to merge: give every shard's partial result".into(),
        ));
    }
    let (runs, seeds) = merge(parts).map_err(MergeError::Refused)?;
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
    for (name, part) in parts {
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
/// order, with the sum of the shards' wall-clock seconds, and the point's seed (the core's
/// [`ccsim_core::shards::merge`] on the parts as read).
pub fn merge(parts: &[(String, PartialResult)]) -> Result<(Vec<RunResult>, Vec<u64>), String> {
    let views: Vec<_> = parts.iter().map(|(name, p)| p.as_part(name)).collect();
    let merged = ccsim_core::shards::merge(&views).map_err(|e| e.message().to_string())?;
    Ok((merged.runs, merged.seeds))
}
