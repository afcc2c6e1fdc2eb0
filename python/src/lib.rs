//! The `ccsim._ccsim` extension module: ccsim's library API for Python (PyO3). It
//! re-implements nothing: a scenario is compiled by `ccsim::scenario`, run by
//! `ccsim::experiment::run_folded` (as `ccsim run` runs it, the GIL released), summarised by
//! `ccsim::summary::RunSummary` (the contract's JSON, as `ccsim run --json` prints it), and
//! the Erlang formulas are `ccsim::erlang`'s. `python/ccsim/__init__.py` turns the JSON into
//! pandas DataFrames.

use ccsim::experiment::{self, RunOptions};
use ccsim::model::Model;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

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
}

/// Reads and compiles the scenario file at `path` (a variant file follows its `extends`).
/// Raises `ScenarioError` on bad input (with file, line, column and key), `OSError` when
/// the file cannot be read.
#[pyfunction]
fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Scenario> {
    // A file that is not there, or not readable, is an OSError (FileNotFoundError, …).
    std::fs::File::open(&path).map_err(PyErr::from)?;
    let model = ccsim::scenario::load(&path).map_err(|e| scenario_error(py, e))?;
    Ok(Scenario {
        model,
        source: path.display().to_string(),
    })
}

/// Runs `scenario` (`replications` and `seed` default to the scenario's; `threads` to all
/// cores) with the GIL released, and returns the contract's JSON document (as `ccsim run
/// --json` prints it) and the per-replication totals as JSON: `(summary, replications)`.
#[pyfunction]
#[pyo3(signature = (scenario, replications = None, seed = None, threads = None))]
fn run_json(
    py: Python<'_>,
    scenario: &Scenario,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<(String, String)> {
    let model = &scenario.model;
    let options = RunOptions {
        replications: replications.unwrap_or(model.replications),
        seed: seed.unwrap_or(model.seed),
        threads,
    };
    if options.replications == 0 {
        return Err(PyValueError::new_err("replications must be 1 or more"));
    }
    let result = py
        .allow_threads(|| experiment::run_folded(model, &options, 0, &|_| {}, Default::default()))
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let summary = ccsim::summary::RunSummary::new(model, &result, options.seed);
    let per_replication: Vec<serde_json::Value> = (result.outcomes.iter().enumerate())
        .map(|(r, o)| {
            let mut row = serde_json::to_value(o.totals).unwrap_or_default();
            row["replication"] = serde_json::json!(r);
            row
        })
        .collect();
    let rows = serde_json::to_string(&per_replication)
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok((summary.to_json(), rows))
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
    m.add_function(wrap_pyfunction!(erlang, m)?)?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
