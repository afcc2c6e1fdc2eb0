//! The `Scenario` class (a compiled scenario, immutable and picklable), `load`, and
//! ccsim's errors as Python exceptions that carry their place.

use crate::ScenarioError;
use ccsim::model::Model;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use std::path::{Path, PathBuf};

/// A compiled scenario (immutable): `load(path)` or `Scenario.from_toml(text)`.
#[pyclass(frozen, module = "ccsim._ccsim")]
pub struct Scenario {
    pub(crate) model: Model,
    /// The file it was read from, as the user named it (`"<string>"` for text).
    pub(crate) source: String,
    /// That file as an absolute path (read again by sweeps, changes, optimize and
    /// unpickling, whatever the working directory is then).
    pub(crate) path: PathBuf,
    /// The identity of the file's scenario without changes ([`ccsim::shard::scenario_hash`])
    /// when it was loaded: reading the file again must give it.
    pub(crate) base_hash: String,
    /// The TOML text of a scenario made by `from_toml`.
    pub(crate) text: Option<String>,
    /// The values changed by `with_changes`, in order, each key once.
    pub(crate) changes: Vec<(String, toml::Value)>,
    /// The name given to `from_toml` or `with_changes`, if any.
    pub(crate) name_given: Option<String>,
}

/// A `ScenarioError` exception from ccsim's, with its place and key as attributes.
pub(crate) fn scenario_error(py: Python<'_>, mut e: ccsim::scenario::ScenarioError) -> PyErr {
    // A changed value's key as Python wrote it (the command line's says `--set KEY`).
    if let Some(key) = e.key.as_deref().and_then(|k| k.strip_prefix("--set ")) {
        e.key = Some(key.to_string());
    }
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

/// A `ScenarioError` without a place in a scenario (a partial file, a contact log, an
/// argument): `file` (if any) and `message`, `line`, `column` and `key` None unless given.
pub(crate) fn plain_error(file: Option<&str>, key: Option<&str>, message: String) -> PyErr {
    Python::with_gil(|py| {
        let err = ScenarioError::new_err(message.clone());
        let value = err.value(py);
        let _ = value.setattr("file", file);
        let _ = value.setattr("line", None::<u32>);
        let _ = value.setattr("column", None::<u32>);
        let _ = value.setattr("key", key);
        let _ = value.setattr("message", message);
        err
    })
}

/// An `OSError` (FileNotFoundError, PermissionError, …) naming `path` when it cannot be
/// opened, as Python's own `open()` says it.
pub(crate) fn check_readable(path: &Path) -> PyResult<()> {
    check_readable_as(path, &path.display().to_string())
}

/// [`check_readable`] naming the file `shown` (as the user gave it).
pub(crate) fn check_readable_as(path: &Path, shown: &str) -> PyResult<()> {
    std::fs::File::open(path).map(drop).map_err(|e| {
        let code = e.raw_os_error().unwrap_or(0);
        let text = e.to_string();
        let text = text.split(" (os error").next().unwrap_or(&text).to_string();
        PyOSError::new_err((code, text, shown.to_string()))
    })
}

/// The fields of a scenario to compile: from `text`, or from the file `source` (as the
/// user named it; `path` absolute) with `changes`, named `name_given`; `base_hash` (if
/// known) is what the file without changes must still give.
pub(crate) struct Recipe {
    pub(crate) source: String,
    pub(crate) path: PathBuf,
    pub(crate) text: Option<String>,
    pub(crate) changes: Vec<(String, toml::Value)>,
    pub(crate) name_given: Option<String>,
    pub(crate) base_hash: Option<String>,
}

/// Reads the scenario file at `path` (absolute) again, checking it still gives the
/// scenario it gave when loaded (`expected`, if known): the file's model and its identity.
pub(crate) fn read_base(
    py: Python<'_>,
    source: &str,
    path: &Path,
    expected: Option<&str>,
) -> PyResult<(Model, String)> {
    check_readable_as(path, source)?;
    let base = ccsim::scenario::load(path).map_err(|e| scenario_error(py, e))?;
    let hash = ccsim::shard::scenario_hash(&[&base]);
    if let Some(expected) = expected
        && expected != hash
    {
        return Err(plain_error(
            Some(source),
            None,
            format!(
                "{source} has changed since it was loaded (a scenario is what its file gave then; the file is read again to sweep, change, optimize or unpickle it): load it again with ccsim.load"
            ),
        ));
    }
    Ok((base, hash))
}

impl Scenario {
    /// Compiles the scenario `recipe` describes.
    pub(crate) fn build(py: Python<'_>, recipe: Recipe) -> PyResult<Scenario> {
        let Recipe {
            source,
            path,
            text,
            changes,
            name_given,
            base_hash,
        } = recipe;
        let (model, base_hash) = match &text {
            Some(text) => {
                let default = name_given.as_deref().unwrap_or("scenario");
                let model = ccsim::scenario::parse(text, "<string>", default)
                    .map_err(|e| scenario_error(py, e))?;
                let hash = ccsim::shard::scenario_hash(&[&model]);
                (model, hash)
            }
            None => {
                let (base, hash) = read_base(py, &source, &path, base_hash.as_deref())?;
                if changes.is_empty() {
                    (base, hash)
                } else {
                    let name = name_given.as_deref().unwrap_or(&base.name);
                    let model = ccsim::scenario::load_with_changes(&path, &changes, name)
                        .map_err(|e| scenario_error(py, e))?;
                    (model, hash)
                }
            }
        };
        Ok(Scenario {
            model,
            source,
            path,
            base_hash,
            text,
            changes,
            name_given,
        })
    }

    /// The scenario file's name to show: as the user gave it when it still names the
    /// same file from the working directory, else the absolute path.
    pub(crate) fn shown_path(&self) -> PathBuf {
        let given = PathBuf::from(&self.source);
        match (given.canonicalize(), self.path.canonicalize()) {
            (Ok(a), Ok(b)) if a == b => given,
            _ => self.path.clone(),
        }
    }

    /// Whether it was read from a file (not `from_toml`).
    pub(crate) fn is_file(&self) -> bool {
        self.text.is_none()
    }
}

#[pymethods]
impl Scenario {
    /// Compiles scenario TOML `text`; `name` is the scenario's name when `[simulation]`
    /// gives none. Raises `ScenarioError` (with line, column and key) on bad input.
    #[staticmethod]
    #[pyo3(signature = (text, name = "scenario"))]
    fn from_toml(py: Python<'_>, text: &str, name: &str) -> PyResult<Scenario> {
        let s = Scenario::build(
            py,
            Recipe {
                source: "<string>".into(),
                path: PathBuf::new(),
                text: Some(text.to_string()),
                changes: Vec::new(),
                name_given: Some(name.to_string()),
                base_hash: None,
            },
        )?;
        if !s.model.replays.is_empty() {
            return Err(PyValueError::new_err(
                "a scenario that replays a contact log ([[replay]]) must be read from its file, whose folder its paths are taken from: write it to a file and use ccsim.load",
            ));
        }
        Ok(s)
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

    /// The values `with_changes` set, as a dict of key path → value (as TOML text).
    #[getter]
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.changes {
            d.set_item(k, v.to_string())?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!("Scenario({:?} from {:?})", self.model.name, self.source)
    }

    /// Pickling (so that a scenario can be sent to another process, e.g. a Dask worker):
    /// it is compiled again there from its file (by its absolute path, with its changes;
    /// the file must still give what it gave when loaded) or from its text.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let rebuild = py.import("ccsim._ccsim")?.getattr("rebuild")?;
        let changes: Vec<toml::Value> = (self.changes.iter())
            .map(|(k, v)| toml::Value::Array(vec![toml::Value::String(k.clone()), v.clone()]))
            .collect();
        let mut table = toml::Table::new();
        table.insert("changes".into(), toml::Value::Array(changes));
        let args = (
            self.source.clone(),
            self.path.clone(),
            self.text.clone(),
            table.to_string(),
            self.name_given.clone(),
            self.base_hash.clone(),
        );
        PyTuple::new(py, [rebuild, args.into_pyobject(py)?.into_any()])
    }

    /// The scenario with values changed by key path, as variants and sweeps write them
    /// (`{"group.agents.agents": 112, "channel.voice.patience.mean": "4m"}`), on top of
    /// the changes it already has; `name` names it (default: the scenario's). Only for a
    /// scenario loaded from a file (not a variant file). Raises `ScenarioError` for a key
    /// that names nothing or a value the scenario refuses.
    #[pyo3(signature = (changes, name = None))]
    fn with_changes(
        &self,
        py: Python<'_>,
        changes: &Bound<'_, PyDict>,
        name: Option<&str>,
    ) -> PyResult<Scenario> {
        if !self.is_file() {
            return Err(PyValueError::new_err(
                "with_changes needs a scenario loaded from a file (ccsim.load)",
            ));
        }
        let mut all = self.changes.clone();
        let mut given = Vec::new();
        for (key, value) in changes.iter() {
            let key: String = key.extract()?;
            let value = toml_value(&value)?;
            given.push(format!("{key}={}", ccsim::sweep::show_value(&value)));
            all.retain(|(k, _)| *k != key);
            all.push((key, value));
        }
        // Unnamed, a changed scenario is named by its changes, as a sweep's points are.
        let name = name
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} [{}]", self.model.name, given.join(", ")));
        Scenario::build(
            py,
            Recipe {
                source: self.source.clone(),
                path: self.path.clone(),
                text: None,
                changes: all,
                name_given: Some(name),
                base_hash: Some(self.base_hash.clone()),
            },
        )
    }
}

/// Compiles a pickled scenario again (see `Scenario.__reduce__`).
#[pyfunction]
#[pyo3(signature = (source, path, text, changes, name_given, base_hash))]
pub fn rebuild(
    py: Python<'_>,
    source: String,
    path: PathBuf,
    text: Option<String>,
    changes: &str,
    name_given: Option<String>,
    base_hash: String,
) -> PyResult<Scenario> {
    let table: toml::Table = changes
        .parse()
        .map_err(|e| PyValueError::new_err(format!("not a pickled scenario: {e}")))?;
    let mut list = Vec::new();
    if let Some(toml::Value::Array(items)) = table.get("changes") {
        for item in items {
            if let toml::Value::Array(pair) = item
                && let [toml::Value::String(k), v] = pair.as_slice()
            {
                list.push((k.clone(), v.clone()));
            }
        }
    }
    let base_hash = text.is_none().then_some(base_hash);
    Scenario::build(
        py,
        Recipe {
            source,
            path,
            text,
            changes: list,
            name_given,
            base_hash,
        },
    )
}

/// A Python value as TOML: bool, int, float, str, and lists and dicts of them.
pub(crate) fn toml_value(v: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
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
pub fn load(py: Python<'_>, path: PathBuf) -> PyResult<Scenario> {
    let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    Scenario::build(
        py,
        Recipe {
            source: path.display().to_string(),
            path: absolute,
            text: None,
            changes: Vec::new(),
            name_given: None,
            base_hash: None,
        },
    )
}
