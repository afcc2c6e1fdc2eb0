//! The `ccsim._ccsim` extension module: ccsim's library API for Python (PyO3). It
//! re-implements nothing: a scenario is compiled by `ccsim::scenario`, run by
//! `ccsim::experiment::run_folded` (as `ccsim run` runs it, the GIL released), summarised by
//! `ccsim::summary::RunSummary` (the contract's JSON, as `ccsim run --json` prints it), and
//! the Erlang formulas are `ccsim::erlang`'s. `python/ccsim/__init__.py` turns the JSON into
//! pandas DataFrames.

use ccsim::experiment::{self, RunOptions};
use ccsim::model::Model;
use pyo3::create_exception;
use pyo3::exceptions::{PyMemoryError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::atomic::{AtomicBool, Ordering};

create_exception!(
    _ccsim,
    ScenarioError,
    PyValueError,
    "A scenario ccsim refuses: `file`, `line`, `column` (None where the problem has no place), `key` and `message` say where and why."
);

/// A compiled scenario (immutable): `load(path)` or `Scenario.from_toml(text)`.
#[pyclass(frozen, module = "ccsim._ccsim")]
struct Scenario {
    model: Model,
    /// The file it was read from, as the user named it (`"<string>"` for text).
    source: String,
}

/// A `ScenarioError` exception from ccsim's, with its place and key as attributes.
fn scenario_error(py: Python<'_>, e: ccsim::scenario::ScenarioError) -> PyErr {
    let err = ScenarioError::new_err(e.to_string());
    let value = err.value(py);
    let (line, column) = match e.position {
        Some((l, c)) => (Some(l), Some(c)),
        None => (None, None),
    };
    let _ = value.setattr("file", e.file.clone());
    let _ = value.setattr("line", line);
    let _ = value.setattr("column", column);
    let _ = value.setattr("key", e.key.clone());
    let _ = value.setattr("message", e.message.clone());
    err
}

#[pymethods]
impl Scenario {
    /// Compiles scenario TOML `text`; `name` is the scenario's name when `[simulation]`
    /// gives none. Raises `ScenarioError` (with line, column and key) on bad input.
    #[staticmethod]
    #[pyo3(signature = (text, name = "scenario"))]
    fn from_toml(py: Python<'_>, text: &str, name: &str) -> PyResult<Scenario> {
        let model =
            ccsim::scenario::parse(text, "<string>", name).map_err(|e| scenario_error(py, e))?;
        if !model.replays.is_empty() {
            return Err(PyValueError::new_err(
                "a scenario that replays a contact log ([[replay]]) must be read from its file, whose folder its paths are taken from: write it to a file and use ccsim.load",
            ));
        }
        Ok(Scenario {
            model,
            source: "<string>".into(),
        })
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.model.name.clone()
    }

    /// The file it was read from (`"<string>"` for `from_toml`).
    #[getter]
    fn source(&self) -> String {
        self.source.clone()
    }

    /// The scenario's default number of replications.
    #[getter]
    fn replications(&self) -> u32 {
        self.model.replications
    }

    /// The scenario's default seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.model.seed
    }

    /// Channel names, in file order.
    #[getter]
    fn channels(&self) -> Vec<String> {
        self.model.channels.iter().map(|c| c.name.clone()).collect()
    }

    /// Group names, in file order.
    #[getter]
    fn groups(&self) -> Vec<String> {
        self.model.groups.iter().map(|g| g.name.clone()).collect()
    }

    fn __repr__(&self) -> String {
        format!("Scenario({:?} from {:?})", self.model.name, self.source)
    }

    /// The scenario with values changed by key path, as variants and sweeps write them
    /// (`{"group.agents.agents": 112, "channel.voice.patience.mean": "4m"}`); `name` names
    /// it (default: the scenario's). Only for a scenario loaded from a file. Raises
    /// `ScenarioError` for a key that names nothing or a value the scenario refuses.
    #[pyo3(signature = (changes, name = None))]
    fn with_changes(
        &self,
        py: Python<'_>,
        changes: &Bound<'_, PyDict>,
        name: Option<&str>,
    ) -> PyResult<Scenario> {
        if self.source == "<string>" {
            return Err(PyValueError::new_err(
                "with_changes needs a scenario loaded from a file (ccsim.load)",
            ));
        }
        let mut list = Vec::new();
        for (key, value) in changes.iter() {
            let key: String = key.extract()?;
            list.push((key, toml_value(&value)?));
        }
        let name = name.unwrap_or(&self.model.name);
        let path = std::path::Path::new(&self.source);
        let model = ccsim::scenario::load_with_changes(path, &list, name)
            .map_err(|e| scenario_error(py, e))?;
        Ok(Scenario {
            model,
            source: self.source.clone(),
        })
    }
}

/// A Python value as TOML: bool, int, float, str, and lists and dicts of them.
fn toml_value(v: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    if let Ok(b) = v.downcast::<pyo3::types::PyBool>() {
        return Ok(toml::Value::Boolean(b.is_true()));
    }
    if let Ok(i) = v.extract::<i64>() {
        return Ok(toml::Value::Integer(i));
    }
    if let Ok(f) = v.extract::<f64>() {
        return Ok(toml::Value::Float(f));
    }
    if let Ok(s) = v.extract::<String>() {
        return Ok(toml::Value::String(s));
    }
    if let Ok(d) = v.downcast::<PyDict>() {
        let mut table = toml::Table::new();
        for (k, x) in d.iter() {
            table.insert(k.extract::<String>()?, toml_value(&x)?);
        }
        return Ok(toml::Value::Table(table));
    }
    if let Ok(items) = v.extract::<Vec<Bound<'_, PyAny>>>() {
        return items
            .iter()
            .map(toml_value)
            .collect::<PyResult<Vec<_>>>()
            .map(toml::Value::Array);
    }
    Err(PyValueError::new_err(format!(
        "{} is not a value a scenario takes (a bool, number, string, or a list or dict of them)",
        v.repr()?
    )))
}

/// Reads and compiles the scenario file at `path` (a variant file follows its `extends`).
/// Raises `ScenarioError` on bad input (with file, line, column and key), `OSError` when
/// the file cannot be read.
#[pyfunction]
fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Scenario> {
    // A file that is not there, or not readable, is an OSError (FileNotFoundError, …)
    // naming it, as Python's own open() says it.
    std::fs::File::open(&path).map_err(|e| {
        let code = e.raw_os_error().unwrap_or(0);
        let text = e.to_string();
        let text = text.split(" (os error").next().unwrap_or(&text).to_string();
        PyOSError::new_err((code, text, path.display().to_string()))
    })?;
    let model = ccsim::scenario::load(&path).map_err(|e| scenario_error(py, e))?;
    Ok(Scenario {
        model,
        source: path.display().to_string(),
    })
}

/// The run's options from Python's arguments, checked: `replications` 1 or more, `seed`
/// 0 to 2⁶⁴ − 1, `threads` 1 to 1024 (default every core).
fn options(
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

/// Runs `work` on a thread of its own with the GIL released, checking every 50 ms for a
/// signal (Ctrl-C): then `cancel` is set, so replications not started are not, and the
/// signal's exception (`KeyboardInterrupt`) is raised once the work has stopped.
fn interruptible<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    work: impl FnOnce() -> Result<T, experiment::RunError> + Send,
) -> PyResult<T> {
    let (outcome, signal) = py.allow_threads(|| {
        std::thread::scope(|s| {
            let handle = s.spawn(work);
            let mut signal: Option<PyErr> = None;
            while !handle.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(50));
                if signal.is_none()
                    && let Err(e) = Python::with_gil(|py| py.check_signals())
                {
                    cancel.store(true, Ordering::Relaxed);
                    signal = Some(e);
                }
            }
            (handle.join(), signal)
        })
    });
    if let Some(e) = signal {
        return Err(e);
    }
    match outcome {
        Ok(r) => r.map_err(|e| PyRuntimeError::new_err(e.to_string())),
        Err(_) => Err(PyRuntimeError::new_err("internal error: the run panicked")),
    }
}

/// Runs `scenario` (`replications` and `seed` default to the scenario's; `threads` to all
/// cores) with the GIL released (Ctrl-C stops it: `KeyboardInterrupt`), and returns the
/// contract's JSON document (as `ccsim run --json` prints it) and the per-replication
/// totals as JSON: `(summary, replications)`. Raises `MemoryError` when the results would
/// not fit (as the command refuses them).
#[pyfunction]
#[pyo3(signature = (scenario, replications = None, seed = None, threads = None))]
fn run_json(
    py: Python<'_>,
    scenario: &Scenario,
    replications: Option<i64>,
    seed: Option<i64>,
    threads: Option<i64>,
) -> PyResult<(String, String)> {
    let model = &scenario.model;
    let options = options(model, replications, seed, threads)?;
    experiment::check_planned_memory(model, options.replications as u64, options.threads, false)
        .map_err(PyMemoryError::new_err)?;
    let cancel = AtomicBool::new(false);
    let result = interruptible(py, &cancel, || {
        let control = ccsim::runner::Control::new().cancel_with(&cancel);
        experiment::thread_pool(options.threads)?
            .install(|| ccsim::runner::run(model, options.seed, options.replications, &control))
    })?;
    let summary = ccsim::summary::RunSummary::new(model, &result, options.seed);
    let per_replication: Vec<serde_json::Value> = (result.outcomes.iter().enumerate())
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
    let rows = serde_json::to_string(&per_replication)
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok((summary.to_json(), rows))
}

/// Runs `base` and each of `variants` on the same seed (common random numbers where they
/// have the same customers) and returns the comparison as JSON, as `ccsim compare --json`
/// prints it.
#[pyfunction]
#[pyo3(signature = (base, variants, replications = None, seed = None, threads = None))]
fn compare_json(
    py: Python<'_>,
    base: &Scenario,
    variants: Vec<PyRef<'_, Scenario>>,
    replications: Option<i64>,
    seed: Option<i64>,
    threads: Option<i64>,
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
    for m in &models {
        experiment::check_planned_memory(m, options.replications as u64, options.threads, false)
            .map_err(PyMemoryError::new_err)?;
    }
    let cancel = AtomicBool::new(false);
    let runs = interruptible(py, &cancel, || {
        let control = ccsim::runner::Control::new().cancel_with(&cancel);
        let jobs: Vec<ccsim::runner::Job> = (models.iter())
            .map(|m| ccsim::runner::Job {
                model: m,
                seed: options.seed,
                replications: options.replications,
            })
            .collect();
        experiment::thread_pool(options.threads)?
            .install(|| ccsim::runner::run_jobs(&jobs, &control))
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

/// Exact Erlang C (M/M/n) or, with `patience_s`, Erlang A (M/M/n+M) values of one queue:
/// a dict with `p_wait`, `service_level`, `asa_s`, `abandon_rate` and `occupancy`.
/// Rates per hour, times in seconds. Raises `ValueError` when the queue has no values
/// (an unstable Erlang C queue, a non-positive rate).
#[pyfunction]
#[pyo3(signature = (rate_per_hour, aht_s, agents, answer_within_s, patience_s = None))]
fn erlang<'py>(
    py: Python<'py>,
    rate_per_hour: f64,
    aht_s: f64,
    agents: u32,
    answer_within_s: f64,
    patience_s: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let spec = ccsim::erlang::QueueSpec {
        arrival_rate: rate_per_hour / 3600.0,
        aht: aht_s,
        agents,
        patience: patience_s,
        answer_within: answer_within_s,
    };
    let values = match patience_s {
        Some(_) => ccsim::erlang::erlang_a(&spec),
        None => ccsim::erlang::erlang_c(&spec),
    }
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let d = PyDict::new(py);
    d.set_item("p_wait", values.p_wait)?;
    d.set_item("service_level", values.service_level)?;
    d.set_item("asa_s", values.asa_s)?;
    d.set_item("abandon_rate", values.abandon_rate)?;
    d.set_item("occupancy", values.occupancy)?;
    Ok(d)
}

/// The extension module.
#[pymodule]
fn _ccsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scenario>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(run_json, m)?)?;
    m.add_function(wrap_pyfunction!(compare_json, m)?)?;
    m.add_function(wrap_pyfunction!(erlang, m)?)?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
