//! The `ccsim._ccsim` extension module: ccsim's library API for Python (PyO3). It
//! re-implements nothing: a scenario is compiled by `ccsim::scenario`, run by
//! `ccsim::runner` (as `ccsim run` runs it, the GIL released), summarised by
//! `ccsim::summary::RunSummary` (the contract's JSON, as `ccsim run --json` prints it);
//! sweeps, shards and merges are `ccsim::sweep`'s and `ccsim::shard`'s, rosters
//! `ccsim::optimize`'s, fits `ccsim::fit`'s and the Erlang formulas `ccsim::erlang`'s.
//! `python/ccsim/__init__.py` turns the documents into pandas DataFrames.
//!
//! Modules: [`scenario`] (the `Scenario` class, `load`, errors with their place),
//! [`work`] (runs, comparisons, sweeps and merges, interruptible, with progress),
//! [`plan`] (optimize, fit and the Erlang formulas).

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

mod plan;
mod scenario;
mod work;

create_exception!(
    _ccsim,
    ScenarioError,
    PyValueError,
    "A scenario or file ccsim refuses: `file`, `line`, `column` (None where the problem has no place), `key` and `message` say where and why."
);

/// The extension module.
#[pymodule]
fn _ccsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<scenario::Scenario>()?;
    m.add_function(wrap_pyfunction!(scenario::load, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::rebuild, m)?)?;
    m.add_function(wrap_pyfunction!(work::run_json, m)?)?;
    m.add_function(wrap_pyfunction!(work::compare_json, m)?)?;
    m.add_function(wrap_pyfunction!(work::sweep_json, m)?)?;
    m.add_function(wrap_pyfunction!(work::merge_json, m)?)?;
    m.add_function(wrap_pyfunction!(plan::optimize_files, m)?)?;
    m.add_function(wrap_pyfunction!(plan::fit_toml, m)?)?;
    m.add_function(wrap_pyfunction!(plan::erlang, m)?)?;
    m.add_function(wrap_pyfunction!(plan::erlang_many, m)?)?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
