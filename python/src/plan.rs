//! Rosters (`optimize_files`), fits (`fit_toml`) and the Erlang formulas (`erlang`,
//! `erlang_many`).

use crate::scenario::{Scenario, check_readable, plain_error, read_base, scenario_error};
use ccsim::optimize::OptimizeOptions;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::path::PathBuf;
use std::sync::Mutex;

/// What the optimizer returns to Python: the JSON document (`ccsim optimize --json`), the
/// text files of `ccsim optimize --out` (CSV, the final run's files, `roster.toml`,
/// `schedule.csv`) by name, the `roster.xlsx` workbook, and the progress lines.
type Optimized = (String, Vec<(String, String)>, Py<PyBytes>, Vec<String>);

/// The optimizer's flags from Python's arguments (`None`: the scenario's `[optimize]`).
#[derive(FromPyObject, Default)]
#[pyo3(from_item_all)]
pub struct Flags {
    seed: Option<u64>,
    threads: Option<usize>,
    replications: Option<u32>,
    max_iterations: Option<u32>,
    gap: Option<f64>,
    time_limit_s: Option<f64>,
    solver: Option<String>,
    max_abandon_rate: Option<f64>,
    max_asa_s: Option<f64>,
    service_levels: Option<Vec<(String, f64)>>,
    confidence: Option<f64>,
    max_occupancy: Option<f64>,
}

/// Optimizes the roster of `scenario` (loaded from a file, with any changes) as
/// `ccsim optimize` does, with the GIL released; `flags` (a dict of the command's flags,
/// see `ccsim.optimize`) override the scenario's `[optimize]`; `log` (if any) is called
/// with each progress line as it comes. Ctrl-C is honoured once the optimizer returns.
#[pyfunction]
#[pyo3(signature = (scenario, flags, log = None))]
pub fn optimize_files(
    py: Python<'_>,
    scenario: &Scenario,
    flags: Flags,
    log: Option<PyObject>,
) -> PyResult<Optimized> {
    if !scenario.is_file() {
        return Err(PyValueError::new_err(
            "optimize needs a scenario loaded from a file (ccsim.load): its roster.toml and people file are taken from the file's folder",
        ));
    }
    let solver = (flags.solver.as_deref())
        .map(ccsim::optimize::Solver::parse)
        .transpose()
        .map_err(PyValueError::new_err)?;
    let model = &scenario.model;
    let options = OptimizeOptions {
        seed: flags.seed.unwrap_or(model.seed),
        threads: flags.threads,
        replications: flags.replications,
        max_iterations: flags.max_iterations,
        gap: flags.gap,
        time_limit: flags.time_limit_s,
        solver,
        max_abandon_rate: flags.max_abandon_rate,
        max_asa: flags.max_asa_s,
        service_levels: flags.service_levels.unwrap_or_default(),
        confidence: flags.confidence,
        max_occupancy: flags.max_occupancy,
    };
    let file = scenario.path.clone();
    read_base(py, &scenario.source, &file, Some(&scenario.base_hash))?;
    let lines: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut all_lines = Vec::new();
    let outcome = py.allow_threads(|| {
        std::thread::scope(|s| {
            let handle = s.spawn(|| {
                let progress = |line: &str| {
                    if let Ok(mut l) = lines.lock() {
                        l.push(line.to_string());
                    }
                };
                ccsim::output::people::optimize_staffed(&file, model, &options, &progress)
            });
            loop {
                let finished = handle.is_finished();
                if !finished {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                let new: Vec<String> = lines
                    .lock()
                    .map(|mut l| l.drain(..).collect())
                    .unwrap_or_default();
                if let Some(f) = &log
                    && !new.is_empty()
                {
                    Python::with_gil(|py| {
                        for line in &new {
                            let _ = f.call1(py, (line.as_str(),));
                        }
                    });
                }
                all_lines.extend(new);
                if finished {
                    break;
                }
            }
            handle.join()
        })
    });
    py.check_signals()?;
    let result = match outcome {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Err(PyValueError::new_err(e.to_string())),
        Err(_) => {
            return Err(PyRuntimeError::new_err(
                "internal error: the optimizer panicked",
            ));
        }
    };
    let mut document =
        ccsim::scenario::resolved_document(&file).map_err(|e| scenario_error(py, e))?;
    for (key, value) in &scenario.changes {
        ccsim::scenario::overrides::set(&mut document, key, value.clone())
            .map_err(|m| plain_error(Some(&scenario.source), Some(key), m))?;
    }
    let mut texts = ccsim::output::optimize::result_files(&result);
    let exports = ccsim::output::optimize::roster_files(&result, document, &scenario.shown_path())
        .map_err(PyRuntimeError::new_err)?;
    let mut workbook = Vec::new();
    for (name, bytes) in exports {
        if name.ends_with(".xlsx") {
            workbook = bytes;
        } else {
            let text =
                String::from_utf8(bytes).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            texts.push((name, text));
        }
    }
    let json = ccsim::output::optimize::to_json(&result);
    Ok((json, texts, PyBytes::new(py, &workbook).unbind(), all_lines))
}

/// Fits a scenario to the contact log at `log` as `ccsim fit` does: returns the scenario's
/// TOML text, the warnings (fitted values a scenario cannot take, and what was written
/// instead) and the fit's report. `columns` and `outcomes` are (name, header) and (word,
/// outcome) pairs as `--columns` and `--outcome` take them. Raises `OSError` when the
/// log cannot be read, `ScenarioError` when it is refused (with its file and the reason).
#[pyfunction]
#[pyo3(signature = (log, interval_s, name, typical_day, columns, datetime_format, delimiter, outcomes, return_window_s))]
#[allow(clippy::too_many_arguments)]
pub fn fit_toml(
    log: PathBuf,
    interval_s: f64,
    name: &str,
    typical_day: bool,
    columns: Vec<(String, String)>,
    datetime_format: Option<String>,
    delimiter: Option<String>,
    outcomes: Vec<(String, String)>,
    return_window_s: f64,
) -> PyResult<(String, Vec<String>, String)> {
    check_readable(&log)?;
    if let Some(problem) = ccsim::fit::name_problem(name, false) {
        return Err(PyValueError::new_err(format!("name: {problem}")));
    }
    let shown = log.display().to_string();
    let format = ccsim::contact_log::build_format(
        &columns,
        datetime_format.as_deref(),
        delimiter.as_deref(),
        &outcomes,
        Some(return_window_s),
    )
    .map_err(|(key, m)| PyValueError::new_err(format!("{key}: {m}")))?;
    let fitted = ccsim::fit::fit_log_with(&log, interval_s, &format)
        .map_err(|m| plain_error(Some(&shown), None, m))?;
    let options = ccsim::output::fit::FitOptions { typical_day };
    let scenario =
        ccsim::output::fit::to_toml_with(&fitted, name, &shown, options).map_err(|e| match e {
            ccsim::output::fit::WriteError::Refused(m) => plain_error(Some(&shown), None, m),
            ccsim::output::fit::WriteError::Internal(m) => PyRuntimeError::new_err(m),
        })?;
    Ok((
        scenario.text,
        scenario.warnings,
        ccsim::output::fit::report(&fitted),
    ))
}

/// One queue's Erlang C (M/M/n) or, with `patience_s`, Erlang A (M/M/n+M) values.
fn erlang_values(
    rate_per_hour: f64,
    aht_s: f64,
    agents: u32,
    answer_within_s: f64,
    patience_s: Option<f64>,
) -> Result<ccsim::erlang::QueueValues, String> {
    let spec = ccsim::erlang::QueueSpec {
        arrival_rate: rate_per_hour / 3600.0,
        aht: aht_s,
        agents,
        patience: patience_s,
        answer_within: answer_within_s,
    };
    match patience_s {
        Some(_) => ccsim::erlang::erlang_a(&spec),
        None => ccsim::erlang::erlang_c(&spec),
    }
    .map_err(|e| e.to_string())
}

/// Exact Erlang C (M/M/n) or, with `patience_s`, Erlang A (M/M/n+M) values of one queue:
/// a dict with `p_wait`, `service_level`, `asa_s`, `abandon_rate` and `occupancy`.
/// Rates per hour, times in seconds. Raises `ValueError` when the queue has no values
/// (an unstable Erlang C queue, a non-positive rate).
#[pyfunction]
#[pyo3(signature = (rate_per_hour, aht_s, agents, answer_within_s, patience_s = None))]
pub fn erlang<'py>(
    py: Python<'py>,
    rate_per_hour: f64,
    aht_s: f64,
    agents: u32,
    answer_within_s: f64,
    patience_s: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let values = erlang_values(rate_per_hour, aht_s, agents, answer_within_s, patience_s)
        .map_err(PyValueError::new_err)?;
    let d = PyDict::new(py);
    d.set_item("p_wait", values.p_wait)?;
    d.set_item("service_level", values.service_level)?;
    d.set_item("asa_s", values.asa_s)?;
    d.set_item("abandon_rate", values.abandon_rate)?;
    d.set_item("occupancy", values.occupancy)?;
    Ok(d)
}

/// Element-wise [`erlang`] over lists of equal length (the Python side broadcasts NumPy
/// arrays to one shape and flattens them): five lists `p_wait`, `service_level`, `asa_s`,
/// `abandon_rate`, `occupancy`, NaN where a queue has no values (an unstable Erlang C
/// queue). `patience_s` empty for Erlang C.
#[pyfunction]
pub fn erlang_many(
    py: Python<'_>,
    rate_per_hour: Vec<f64>,
    aht_s: Vec<f64>,
    agents: Vec<u32>,
    answer_within_s: Vec<f64>,
    patience_s: Vec<f64>,
) -> PyResult<[Vec<f64>; 5]> {
    let n = rate_per_hour.len();
    if [aht_s.len(), agents.len(), answer_within_s.len()] != [n; 3]
        || !(patience_s.is_empty() || patience_s.len() == n)
    {
        return Err(PyValueError::new_err("the inputs must have one length"));
    }
    Ok(py.allow_threads(|| {
        let mut out: [Vec<f64>; 5] = Default::default();
        for i in 0..n {
            let patience = patience_s.get(i).copied();
            let v = erlang_values(
                rate_per_hour[i],
                aht_s[i],
                agents[i],
                answer_within_s[i],
                patience,
            );
            let row = match v {
                Ok(v) => [
                    v.p_wait,
                    v.service_level,
                    v.asa_s,
                    v.abandon_rate,
                    v.occupancy,
                ],
                Err(_) => [f64::NAN; 5],
            };
            for (column, x) in out.iter_mut().zip(row) {
                column.push(x);
            }
        }
        out
    }))
}
