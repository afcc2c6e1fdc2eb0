//! Runs, comparisons, sweeps (whole or one shard's share) and merges: each on a thread of
//! its own with the GIL released, stopped by Ctrl-C, telling an optional progress callback
//! how many replications are done.

use crate::scenario::{
    Scenario, check_readable, plain_error, read_base, scenario_error, toml_value,
};
use ccsim::experiment::{self, RunOptions, RunResult};
use ccsim::model::Model;
use ccsim::runner::Control;
use pyo3::exceptions::{PyMemoryError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The run's options from Python's arguments, checked: `replications` 1 or more, `seed`
/// 0 to 2⁶⁴ − 1, `threads` 1 to 1024 (default every core).
pub(crate) fn options(
    model: &Model,
    replications: Option<i64>,
    seed: Option<i64>,
    threads: Option<i64>,
) -> PyResult<RunOptions> {
    let replications = match replications {
        None => model.replications,
        Some(r) => u32::try_from(r).ok().filter(|&r| r >= 1).ok_or_else(|| {
            PyValueError::new_err(format!("replications must be 1 or more (got {r})"))
        })?,
    };
    let seed = match seed {
        None => model.seed,
        Some(s) => u64::try_from(s)
            .map_err(|_| PyValueError::new_err(format!("seed must be 0 or more (got {s})")))?,
    };
    let threads = match threads {
        None => None,
        Some(t) => Some(
            usize::try_from(t)
                .ok()
                .filter(|t| (1..=1024).contains(t))
                .ok_or_else(|| {
                    PyValueError::new_err(format!("threads must be 1 to 1024 (got {t})"))
                })?,
        ),
    };
    Ok(RunOptions {
        replications,
        seed,
        threads,
    })
}

/// Runs `work` on a thread of its own with the GIL released, on a rayon pool of `threads`
/// (every core when `None`). Every 50 ms it checks for a signal (Ctrl-C: the work is
/// cancelled, so replications not started are not, and the signal's exception, e.g.
/// `KeyboardInterrupt`, is raised once it has stopped) and calls `progress` (if any) with
/// the number of replications done when it changed, and once at the end.
pub(crate) fn interruptible<T: Send>(
    py: Python<'_>,
    threads: Option<usize>,
    progress: Option<PyObject>,
    work: impl FnOnce(&Control) -> Result<T, String> + Send,
) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let count = |_contacts: u64| {
        done.fetch_add(1, Ordering::Relaxed);
    };
    let (outcome, stop) = py.allow_threads(|| {
        std::thread::scope(|s| {
            let handle = s.spawn(|| {
                let control = Control::new().cancel_with(&cancel).on_replication(&count);
                let pool = experiment::thread_pool(threads).map_err(|e| e.to_string())?;
                pool.install(|| work(&control))
            });
            let mut stop: Option<PyErr> = None;
            let mut shown = 0;
            loop {
                let finished = handle.is_finished();
                if !finished {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Python::with_gil(|py| {
                    if stop.is_none()
                        && let Err(e) = py.check_signals()
                    {
                        cancel.store(true, Ordering::Relaxed);
                        stop = Some(e);
                    }
                    let now = done.load(Ordering::Relaxed);
                    if let (Some(f), None) = (&progress, &stop)
                        && now != shown
                    {
                        shown = now;
                        if let Err(e) = f.call1(py, (now,)) {
                            cancel.store(true, Ordering::Relaxed);
                            stop = Some(e);
                        }
                    }
                });
                if finished {
                    break;
                }
            }
            (handle.join(), stop)
        })
    });
    if let Some(e) = stop {
        return Err(e);
    }
    match outcome {
        Ok(r) => r.map_err(PyRuntimeError::new_err),
        Err(_) => Err(PyRuntimeError::new_err("internal error: the run panicked")),
    }
}

/// `MemoryError` when `replications` of `model` would not fit (as the command refuses);
/// `folded`: the per-interval metrics are folded as replications end (a run, a comparison,
/// a whole sweep), not kept whole (a shard's partial).
fn memory(model: &Model, replications: u64, threads: Option<usize>, folded: bool) -> PyResult<()> {
    experiment::check_planned_memory(model, replications, threads, folded)
        .map_err(PyMemoryError::new_err)
}

/// One JSON row per replication: its index and its totals.
fn replication_rows(result: &RunResult) -> PyResult<String> {
    let rows: Vec<serde_json::Value> = (result.outcomes.iter().enumerate())
        .map(|(r, o)| {
            let mut row = serde_json::json!({ "replication": r });
            if let (Some(row), Ok(serde_json::Value::Object(m))) =
                (row.as_object_mut(), serde_json::to_value(o.totals))
            {
                row.extend(m);
            }
            row
        })
        .collect();
    serde_json::to_string(&rows).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Runs `scenario` (`replications` and `seed` default to the scenario's; `threads` to all
/// cores) with the GIL released (Ctrl-C stops it: `KeyboardInterrupt`), and returns the
/// contract's JSON document (as `ccsim run --json` prints it) and the per-replication
/// totals as JSON: `(summary, replications)`. Raises `MemoryError` when the results would
/// not fit (as the command refuses them).
#[pyfunction]
#[pyo3(signature = (scenario, replications = None, seed = None, threads = None, progress = None))]
pub fn run_json(
    py: Python<'_>,
    scenario: &Scenario,
    replications: Option<i64>,
    seed: Option<i64>,
    threads: Option<i64>,
    progress: Option<PyObject>,
) -> PyResult<(String, String)> {
    let model = &scenario.model;
    let options = options(model, replications, seed, threads)?;
    memory(model, options.replications as u64, options.threads, true)?;
    let result = interruptible(py, options.threads, progress, |control| {
        ccsim::runner::run(model, options.seed, options.replications, control)
            .map_err(|e| e.to_string())
    })?;
    let summary = ccsim::summary::RunSummary::new(model, &result, options.seed);
    Ok((summary.to_json(), replication_rows(&result)?))
}

/// Runs `base` and each of `variants` on the same seed (common random numbers where they
/// have the same customers) and returns the comparison as JSON, as `ccsim compare --json`
/// prints it.
#[pyfunction]
#[pyo3(signature = (base, variants, replications = None, seed = None, threads = None, progress = None))]
pub fn compare_json(
    py: Python<'_>,
    base: &Scenario,
    variants: Vec<PyRef<'_, Scenario>>,
    replications: Option<i64>,
    seed: Option<i64>,
    threads: Option<i64>,
    progress: Option<PyObject>,
) -> PyResult<String> {
    let options = options(&base.model, replications, seed, threads)?;
    if options.replications < 2 {
        return Err(PyValueError::new_err(
            "a comparison needs 2 replications or more",
        ));
    }
    let models: Vec<&Model> = std::iter::once(&base.model)
        .chain(variants.iter().map(|v| &v.model))
        .collect();
    let total = options.replications as u64 * models.len() as u64;
    for m in &models {
        memory(m, total, options.threads, true)?;
    }
    let runs = interruptible(py, options.threads, progress, |control| {
        let jobs: Vec<ccsim::runner::Job> = (models.iter())
            .map(|m| ccsim::runner::Job {
                model: m,
                seed: options.seed,
                replications: options.replications,
            })
            .collect();
        ccsim::runner::run_jobs(&jobs, control).map_err(|e| e.to_string())
    })?;
    let compared: Vec<ccsim::compare::VariantComparison> = (1..models.len())
        .map(|i| ccsim::compare::compare_runs(models[0], &runs[0], models[i], &runs[i], None))
        .collect();
    let comparison = ccsim::compare::Comparison {
        base: base.model.name.clone(),
        replications: options.replications,
        seed: options.seed,
        variants: compared,
    };
    serde_json::to_string(&comparison).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// The sweep's axes: the scenario's own changes (keys not swept) as one-value axes, then
/// `axes`; each must read back from the text a partial file records.
fn sweep_axes(
    scenario: &Scenario,
    axes: Vec<(String, Vec<Bound<'_, PyAny>>)>,
) -> PyResult<Vec<ccsim::sweep::Axis>> {
    let mut out: Vec<ccsim::sweep::Axis> = (scenario.changes.iter())
        .filter(|(k, _)| axes.iter().all(|(key, _)| key != k))
        .map(|(k, v)| ccsim::sweep::Axis {
            key: k.clone(),
            values: vec![v.clone()],
        })
        .collect();
    for (key, values) in axes {
        if values.is_empty() {
            return Err(PyValueError::new_err(format!(
                "the sweep axis {key:?} has no values"
            )));
        }
        let values = values
            .iter()
            .map(toml_value)
            .collect::<PyResult<Vec<_>>>()?;
        out.push(ccsim::sweep::Axis { key, values });
    }
    for axis in &out {
        if ccsim::sweep::parse_axis(&axis.text()).as_ref() != Ok(axis) {
            return Err(PyValueError::new_err(format!(
                "{}: a swept value must be a number, a bool or a string without commas or quotes that does not read as a number (got {}); give the values as a list, e.g. {{\"channel.voice.patience.mean\": [\"3m\", \"5m\"]}}",
                axis.key,
                axis.text()
            )));
        }
    }
    Ok(out)
}

/// Runs the sweep of `scenario` (loaded from a file) over the grid of `axes` (key path →
/// values, the last varying fastest), whole or, with `shard = (index, count)`, only the
/// points that shard owns. Returns `("sweep", json, warnings)` with the document
/// `ccsim sweep --json` prints, or `("partial", toml, warnings)` with the partial file
/// `ccsim sweep --shard … --partial` writes.
#[pyfunction]
#[pyo3(signature = (scenario, axes, replications = None, seed = None, threads = None, shard = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub fn sweep_json(
    py: Python<'_>,
    scenario: &Scenario,
    axes: Vec<(String, Vec<Bound<'_, PyAny>>)>,
    replications: Option<i64>,
    seed: Option<i64>,
    threads: Option<i64>,
    shard: Option<(i64, i64)>,
    progress: Option<PyObject>,
) -> PyResult<(String, String, Vec<String>)> {
    if !scenario.is_file() {
        return Err(PyValueError::new_err(
            "a sweep needs a scenario loaded from a file (ccsim.load): the shards and the merge read it again",
        ));
    }
    let shard = match shard {
        None => None,
        Some((i, n)) => Some(
            (u32::try_from(i).ok().zip(u32::try_from(n).ok()))
                .filter(|(i, n)| i < n)
                .map(|(index, count)| ccsim::shard::Shard { index, count })
                .ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "shard must be (index, count) with 0 ≤ index < count (got ({i}, {n}))"
                    ))
                })?,
        ),
    };
    let axes = sweep_axes(scenario, axes)?;
    // The partial files record the absolute path: a merge elsewhere reads it again.
    let file = scenario.path.clone();
    let (base, _) = read_base(py, &scenario.source, &file, Some(&scenario.base_hash))?;
    let opts = options(&base, replications, seed, threads)?;
    let given_seed = seed.map(|_| opts.seed);
    let given_replications = replications.map(|_| opts.replications);
    let plan = ccsim::sweep::plan_located(&file, base, &axes).map_err(|e| match e {
        ccsim::sweep::PlanError::Grid(m) => PyValueError::new_err(m),
        ccsim::sweep::PlanError::Point(e) => scenario_error(py, e),
    })?;
    let warnings: Vec<String> = plan.identical_points().into_iter().collect();
    let points: Vec<u32> = (0..plan.models.len() as u32)
        .filter(|&p| shard.is_none_or(|s| s.owns(p)))
        .collect();
    let counts = plan.counts(given_replications);
    for &p in &points {
        let share = counts[p as usize] as u64 * points.len() as u64;
        memory(
            &plan.models[p as usize],
            share,
            opts.threads,
            shard.is_none(),
        )?;
    }
    let runs = interruptible(py, opts.threads, progress, |control| {
        plan.run(
            &points,
            given_seed,
            given_replications,
            shard.is_some(),
            control,
        )
        .map_err(|e| e.to_string())
    })?;
    if let Some(shard) = shard {
        let share = ccsim::shard::SweepShare {
            file: &file,
            axes: &axes,
            seed: given_seed,
            replications: given_replications,
            shard,
        };
        let partial = ccsim::shard::sweep_partial(&share, &plan, &points, runs);
        let text = partial.to_toml().map_err(PyRuntimeError::new_err)?;
        return Ok(("partial".into(), text, warnings));
    }
    let seeds = plan.seeds(given_seed);
    let ccsim::sweep::SweepPlan { labels, models, .. } = plan;
    let points = ccsim::sweep::points(&models, labels, runs, &seeds);
    Ok((
        "sweep".into(),
        ccsim::output::sweep::to_json(&points),
        warnings,
    ))
}

/// Merges the parts of a sharded run or sweep: each `(name, text)` (the name is used in
/// messages: its file, say), checked against the scenario they recorded or `scenario`.
/// Returns `("run", summary, replications, warnings)` as `run_json` gives them, or
/// `("sweep", json, keys, warnings)` as `sweep_json`, with the swept keys in axis order as
/// a JSON list. Raises `ScenarioError` for parts
/// that do not fit together or with the scenario.
#[pyfunction]
#[pyo3(signature = (parts, scenario = None))]
pub fn merge_json(
    parts: Vec<(String, String)>,
    scenario: Option<PathBuf>,
) -> PyResult<(String, String, String, Vec<String>)> {
    let mut read = Vec::with_capacity(parts.len());
    for (name, text) in &parts {
        let part = ccsim::shard::PartialResult::from_toml(text, name)
            .map_err(|m| plain_error(Some(name), None, m))?;
        read.push((name.clone(), part));
    }
    if let Some(path) = &scenario {
        check_readable(path)?;
    }
    let mut warnings = Vec::new();
    let mut warn = |w: &str| warnings.push(w.to_string());
    let merged = ccsim::shard::merge_parts(&read, scenario.as_deref(), &mut warn)
        .map_err(|e| plain_error(None, None, e.to_string()))?;
    match merged.runs {
        ccsim::shard::MergedRuns::Run { model, result } => {
            let summary = ccsim::summary::RunSummary::new(&model, &result, merged.seed);
            let rows = replication_rows(&result)?;
            Ok(("run".into(), summary.to_json(), rows, warnings))
        }
        ccsim::shard::MergedRuns::Sweep {
            models,
            labels,
            runs,
            seeds,
        } => {
            let keys: Vec<&str> = (labels.first().into_iter().flatten())
                .map(|(k, _)| k.as_str())
                .collect();
            let keys = serde_json::to_string(&keys).unwrap_or_default();
            let points = ccsim::sweep::points(&models, labels, runs, &seeds);
            let json = ccsim::output::sweep::to_json(&points);
            Ok(("sweep".into(), json, keys, warnings))
        }
    }
}
