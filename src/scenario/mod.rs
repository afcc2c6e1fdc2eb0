//! Reading scenario files: TOML text → [`raw::RawScenario`] (serde, spans kept) → a
//! validated, compiled [`Model`]. Every error names the file, line, column, key and what is
//! allowed; nothing here panics on user input.

mod compile;
mod optimize_section;
pub mod overrides;
pub mod raw;

use crate::contact_log::ReplayOrigin;
use crate::model::Model;
use std::fmt;
use std::path::Path;

/// A scenario that cannot be used, located in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line and column, where the problem has a place in the file; column 0 when
    /// only the line applies (shown as `FILE:LINE:`).
    pub position: Option<(usize, usize)>,
    /// The key at fault, as a path such as `group[0].handle_time.mean`.
    pub key: Option<String>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match self.position {
            Some((line, 0)) => write!(f, ":{line}")?,
            Some((line, column)) => write!(f, ":{line}:{column}")?,
            None => {}
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// What may change in a scenario as it is loaded (command-line flags).
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Replace the scenario's arrivals (streams and replays) with this contact log.
    pub arrivals: Option<std::path::PathBuf>,
    /// Skip unreadable log rows, counting them, instead of stopping.
    pub skip_bad_rows: bool,
    /// The log date-time placed at time 0 (for `arrivals`), e.g. `"2025-11-10"`.
    pub log_start: Option<String>,
}

/// Reads, validates and compiles the scenario file at `path`: a scenario, or a variant
/// (`extends = "base.toml"` with a `[set]` table of values changed by key path). Replayed
/// contact logs are read through once and checked row by row.
pub fn load(path: &Path) -> Result<Model, ScenarioError> {
    load_with(path, &LoadOptions::default())
}

/// Loads like [`load`], with the changes `options` ask for.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Model, ScenarioError> {
    let mut model = load_model(path, options.arrivals.is_some())?;
    if let Some(log) = &options.arrivals {
        model.streams.clear();
        model.priority_levels.clear();
        let log_start = match &options.log_start {
            None => None,
            Some(text) => Some(compile::parse_start(text).ok_or_else(|| ScenarioError {
                file: log.display().to_string(),
                position: None,
                key: Some("--log-start".into()),
                message: format!(
                    "\"{text}\" is not a date; write the log's date-time that is time 0, e.g. 2025-11-10"
                ),
            })?),
        };
        model.replays = vec![crate::contact_log::ReplaySpec {
            path: log.clone(),
            log_start,
            time_shift: 0.0,
            volume_scale: 1.0,
            bootstrap: false,
            skip_bad_rows: false,
            replay_returns: false,
            scan: None,
            origin: None,
        }];
    }
    if options.skip_bad_rows {
        model
            .replays
            .iter_mut()
            .for_each(|r| r.skip_bad_rows = true);
    }
    if !model.replays.is_empty() {
        crate::contact_log::scan(&mut model)?;
    }
    Ok(model)
}

/// Loads a scenario or variant; `arrivals_given` when the command line brings the arrivals.
fn load_model(path: &Path, arrivals_given: bool) -> Result<Model, ScenarioError> {
    let (text, file) = read_text(path)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let is_variant = text
        .parse::<toml::Table>()
        .is_ok_and(|t| t.contains_key("extends"));
    if is_variant {
        return load_variant(path, &text, &file, &stem, arrivals_given);
    }
    parse_with(&text, &file, &stem, arrivals_given)
}

/// Reads a file as UTF-8 text; returns it with the name errors give it.
fn read_text(path: &Path) -> Result<(String, String), ScenarioError> {
    let file = path.display().to_string();
    let bytes =
        crate::limits::read_capped(path, crate::limits::MAX_SCENARIO_BYTES).map_err(|e| {
            ScenarioError {
                file: file.clone(),
                position: None,
                key: None,
                message: format!("cannot read the scenario file: {e}"),
            }
        })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or("");
        ScenarioError {
            file: file.clone(),
            position: Some(line_column(valid, offset)),
            key: None,
            message: format!(
                "the file is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8"
            ),
        }
    })?;
    Ok((text, file))
}

/// Loads a variant: the base scenario (which must be valid alone) with `[set]` applied.
/// An error the changes cause is reported at the change, in the variant file.
fn load_variant(
    path: &Path,
    text: &str,
    file: &str,
    stem: &str,
    arrivals_given: bool,
) -> Result<Model, ScenarioError> {
    let variant: overrides::RawVariant = deserialize_located(text, file)?;
    let located = |span: std::ops::Range<usize>, key: &str, message: String| ScenarioError {
        file: file.to_string(),
        position: Some(line_column(text, span.start)),
        key: Some(key.to_string()),
        message,
    };
    let base_path = path
        .parent()
        .unwrap_or(Path::new(""))
        .join(variant.extends.get_ref());
    let (base_text, base_file) = read_text(&base_path).map_err(|e| {
        located(
            variant.extends.span(),
            "extends",
            format!("{}: {}", e.file, e.message),
        )
    })?;
    let document: toml::Table = base_text.parse().map_err(|_| {
        // Let the base's own parse say where its syntax is wrong.
        parse_raw(&base_text, &base_file)
            .err()
            .unwrap_or_else(|| ScenarioError {
                file: base_file.clone(),
                position: None,
                key: None,
                message: "the base scenario is not valid TOML".into(),
            })
    })?;
    if document.contains_key("extends") {
        return Err(located(
            variant.extends.span(),
            "extends",
            "the base must be a scenario, not another variant".into(),
        ));
    }
    let base_stem = base_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    parse_with(&base_text, &base_file, &base_stem, arrivals_given)?;

    let name = variant.name.clone().unwrap_or_else(|| stem.to_string());
    let base = base_path.display().to_string();
    let changes = Changes {
        text,
        file,
        stem,
        base: &base,
        base_text: &base_text,
        arrivals_given,
    };
    changes.apply(document, name, &variant.set)
}

/// Where a set of changes comes from, to apply them and to place their errors.
struct Changes<'a> {
    /// The text holding the `set` table, and its file.
    text: &'a str,
    file: &'a str,
    /// Default scenario name.
    stem: &'a str,
    /// The base scenario's file, for errors no single change explains.
    base: &'a str,
    /// The base scenario's text, to place what the changes leave as they were.
    base_text: &'a str,
    arrivals_given: bool,
}

impl Changes<'_> {
    /// Applies `set` to the base's `document` under the name `name` and compiles the
    /// result; an error the changes cause is reported at the change that caused it.
    fn apply(
        &self,
        mut document: toml::Table,
        name: String,
        set: &toml::Spanned<overrides::ChangeSet>,
    ) -> Result<Model, ScenarioError> {
        let located = |span: std::ops::Range<usize>, key: &str, message: String| ScenarioError {
            file: self.file.to_string(),
            position: Some(line_column(self.text, span.start)),
            key: Some(key.to_string()),
            message,
        };
        overrides::set(&mut document, "simulation.name", toml::Value::String(name))
            .map_err(|m| located(set.span(), "set", m))?;
        let mut changes: Vec<_> = set.get_ref().iter().collect();
        changes.sort_by_key(|(key, _)| key.span().start);
        let mut applied = Vec::with_capacity(changes.len());
        for (key, value) in changes {
            let canonical = overrides::set(&mut document, key.get_ref(), value.get_ref().clone())
                .map_err(|m| located(key.span(), key.get_ref(), m))?;
            applied.push((canonical, key));
        }
        let merged = toml::to_string(&document).map_err(|e| {
            located(
                set.span(),
                "set",
                format!("the changed scenario cannot be written: {e}"),
            )
        })?;
        let culprit_of = |error_key: &str| {
            applied
                .iter()
                .filter(|(canonical, _)| {
                    error_key == *canonical
                        || error_key.starts_with(&format!("{canonical}."))
                        || error_key.starts_with(&format!("{canonical}["))
                })
                .max_by_key(|(canonical, _)| canonical.len())
        };
        let mut model =
            parse_with(&merged, self.file, self.stem, self.arrivals_given).map_err(|e| {
                let error_key = e.key.clone().unwrap_or_default();
                let culprit = culprit_of(&error_key);
                match culprit {
                    Some((canonical, key)) => located(
                        key.span(),
                        &format!("{}{}", key.get_ref(), &error_key[canonical.len()..]),
                        e.message,
                    ),
                    None => located(
                        set.span(),
                        e.key.as_deref().unwrap_or("set"),
                        format!("{} (in {} with these changes)", e.message, self.base),
                    ),
                }
            })?;
        // The merged text is not a file anyone can open: place each replayed log at the
        // change that names it, else where the base names it.
        place_replays(&mut model, self.base_text, self.base, |key| {
            culprit_of(key).map(|(canonical, k)| ReplayOrigin {
                file: self.file.to_string(),
                position: Some(line_column(self.text, k.span().start)),
                key: format!("{}{}", k.get_ref(), &key[canonical.len()..]),
            })
        });
        Ok(model)
    }
}

/// Sets where each replayed log of `model` (compiled from a rewritten scenario) is named:
/// `changed` places a log whose `replay[i].file` a change set; the others are placed at
/// their `file` key in the base scenario's text.
fn place_replays(
    model: &mut Model,
    base_text: &str,
    base_file: &str,
    changed: impl Fn(&str) -> Option<ReplayOrigin>,
) {
    let raw = parse_raw(base_text, base_file).ok();
    for (i, spec) in model.replays.iter_mut().enumerate() {
        let key = format!("replay[{i}].file");
        spec.origin = changed(&key).or_else(|| {
            let r = raw.as_ref()?.replay.get(i)?;
            Some(ReplayOrigin {
                file: base_file.to_string(),
                position: Some(line_column(base_text, r.get_ref().file.span().start)),
                key,
            })
        });
    }
}

/// The variants declared inside a scenario (`[[variant]]` tables, each a name and a `set`
/// of changes by key path), compiled; empty when it declares none.
pub fn load_declared_variants(path: &Path) -> Result<Vec<Model>, ScenarioError> {
    let (text, file) = read_text(path)?;
    if text
        .parse::<toml::Table>()
        .is_ok_and(|t| t.contains_key("extends"))
    {
        // A variant file: its changes are its own; it declares no further variants.
        return Ok(Vec::new());
    }
    let raw = parse_raw(&text, &file)?;
    if raw.variant.is_empty() {
        return Ok(Vec::new());
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let mut document: toml::Table = text.parse().map_err(|e: toml::de::Error| ScenarioError {
        file: file.clone(),
        position: None,
        key: None,
        message: e.message().to_string(),
    })?;
    document.remove("variant");
    let changes = Changes {
        text: &text,
        file: &file,
        stem: &stem,
        base: &file,
        base_text: &text,
        arrivals_given: false,
    };
    let mut models = Vec::with_capacity(raw.variant.len());
    let mut names = std::collections::HashSet::new();
    for (i, v) in raw.variant.iter().enumerate() {
        let entry = v.get_ref();
        if let Some(problem) = crate::limits::name_problem(entry.name.get_ref()) {
            return Err(ScenarioError {
                file: file.clone(),
                position: Some(line_column(&text, entry.name.span().start)),
                key: Some(format!("variant[{i}].name")),
                message: problem,
            });
        }
        if !names.insert(entry.name.get_ref().clone()) {
            return Err(ScenarioError {
                file: file.clone(),
                position: Some(line_column(&text, entry.name.span().start)),
                key: Some(format!("variant[{i}].name")),
                message: format!("two variants are named \"{}\"", entry.name.get_ref()),
            });
        }
        let mut model =
            changes.apply(document.clone(), entry.name.get_ref().clone(), &entry.set)?;
        if !model.replays.is_empty() {
            crate::contact_log::scan(&mut model)?;
        }
        models.push(model);
    }
    Ok(models)
}

/// Validates and compiles scenario text; `file` names it in errors, `default_name` is used
/// when `[simulation]` has no `name`.
pub fn parse(text: &str, file: &str, default_name: &str) -> Result<Model, ScenarioError> {
    parse_with(text, file, default_name, false)
}

/// Parses like [`parse`]; `arrivals_given` lets a scenario have no arrivals of its own
/// (the command line brings a log).
fn parse_with(
    text: &str,
    file: &str,
    default_name: &str,
    arrivals_given: bool,
) -> Result<Model, ScenarioError> {
    let raw = parse_raw(text, file)?;
    compile::compile(&raw, text, file, default_name, arrivals_given)
}

/// Parses scenario text into its raw form: syntax, types and unknown keys are checked here.
pub fn parse_raw(text: &str, file: &str) -> Result<raw::RawScenario, ScenarioError> {
    deserialize_located(text, file)
}

/// Deserializes TOML text into `T`, with errors located in the text.
fn deserialize_located<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, ScenarioError> {
    let toml_error = |e: toml::de::Error, key: Option<String>| {
        // Syntax errors such as a duplicate key carry no path: name the key at the span.
        let key = key.or_else(|| {
            let word = text.get(e.span()?)?.trim();
            let is_key = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
            is_key.then(|| word.to_string())
        });
        ScenarioError {
            file: file.to_string(),
            position: e.span().map(|s| line_column(text, s.start)),
            key,
            message: e.message().trim_end().to_string(),
        }
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|e| toml_error(e, None))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = clean_path(&e.path().to_string());
        toml_error(e.into_inner(), key)
    })
}

/// Drops serde_spanned's private segments from a serde path; `None` for the document root.
fn clean_path(path: &str) -> Option<String> {
    let cleaned: Vec<&str> = path
        .split('.')
        .filter(|seg| !seg.starts_with("$__serde_spanned") && !seg.is_empty() && *seg != "?")
        .collect();
    let joined = cleaned.join(".").replace(".[", "[");
    (!joined.is_empty()).then_some(joined)
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Loads the scenario at `path` with values changed by key path (a sweep point), e.g.
/// `("group.agents.agents", 28)`; `name` names the result.
pub fn load_with_changes(
    path: &Path,
    changes: &[(String, toml::Value)],
    name: &str,
) -> Result<Model, ScenarioError> {
    let (text, file) = read_text(path)?;
    let mut document: toml::Table = text.parse().map_err(|_| {
        parse_raw(&text, &file)
            .err()
            .unwrap_or_else(|| ScenarioError {
                file: file.clone(),
                position: None,
                key: None,
                message: "the scenario is not valid TOML".into(),
            })
    })?;
    if document.contains_key("extends") {
        return Err(ScenarioError {
            file,
            position: None,
            key: Some("extends".into()),
            message: "sweep a scenario, not a variant file: copy its changes into --set".into(),
        });
    }
    document.remove("variant");
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    // The base alone must be valid, so that an error below is the changes' fault.
    parse(&text, &file, &stem)?;
    let at = |key: &str, message: String| ScenarioError {
        file: file.clone(),
        position: None,
        key: Some(key.to_string()),
        message,
    };
    overrides::set(
        &mut document,
        "simulation.name",
        toml::Value::String(name.into()),
    )
    .map_err(|m| at("simulation.name", m))?;
    let mut applied = Vec::with_capacity(changes.len());
    for (key, value) in changes {
        let canonical =
            overrides::set(&mut document, key, value.clone()).map_err(|m| at(key, m))?;
        applied.push((canonical, key.clone()));
    }
    let merged = toml::to_string(&document).map_err(|e| {
        at(
            "--set",
            format!("the changed scenario cannot be written: {e}"),
        )
    })?;
    let culprit_of = |error_key: &str| {
        applied.iter().find(|(canonical, _)| {
            error_key == canonical
                || error_key.starts_with(&format!("{canonical}."))
                || error_key.starts_with(&format!("{canonical}["))
        })
    };
    let mut model = parse(&merged, &file, &stem).map_err(|e| {
        let error_key = e.key.clone().unwrap_or_default();
        let culprit = culprit_of(&error_key);
        ScenarioError {
            file: file.clone(),
            position: None,
            key: Some(culprit.map_or(error_key.clone(), |(_, k)| format!("--set {k}"))),
            message: e.message,
        }
    })?;
    place_replays(&mut model, &text, &file, |key| {
        culprit_of(key).map(|(_, k)| ReplayOrigin {
            file: file.clone(),
            position: None,
            key: format!("--set {k}"),
        })
    });
    if !model.replays.is_empty() {
        crate::contact_log::scan(&mut model)?;
    }
    Ok(model)
}
