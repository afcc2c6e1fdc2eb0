//! Reading scenario files: TOML text → [`raw::RawScenario`] (serde, spans kept) → a
//! validated, compiled [`Model`]. Every error names the file, line, column, key and what is
//! allowed; nothing here panics on user input.

mod checker;
mod compile;
mod contracts;
mod located;
mod optimize_section;
pub mod overrides;
mod paths;
pub mod raw;
mod resolved;

pub(crate) use compile::raw_open_windows;
pub(crate) use located::{deserialize_located, line_column};
pub(crate) use paths::{anchor_paths, anchor_value};
pub use resolved::resolved_document;

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

impl From<ScenarioError> for crate::error::Error {
    /// A scenario error is bad input (exit 2), its message as displayed.
    fn from(e: ScenarioError) -> Self {
        crate::error::Error::bad_input(e.to_string())
    }
}

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
            format: Default::default(),
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

/// The longest chain of variants extending variants that is followed.
const MAX_CHAIN: usize = 32;

/// One variant file of a chain: its text, the name errors give it, and its changes.
struct Layer {
    text: String,
    file: String,
    variant: overrides::RawVariant,
}

/// A variant file resolved to the scenario it finally extends.
struct Chain {
    /// The variant files, the one named first, then the one it extends, and so on.
    layers: Vec<Layer>,
    /// Canonical paths of the layers and then of the root, in the same order.
    paths: Vec<std::path::PathBuf>,
    /// The full scenario at the end of the chain: its path, text and name for errors.
    root: (std::path::PathBuf, String, String),
}

/// `path` with `x/..` and `.` steps removed, without asking the file system; for messages.
fn normalized(path: &Path) -> String {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined: std::path::PathBuf = parts.iter().collect();
    joined.display().to_string()
}

fn canonical(path: &Path) -> std::path::PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn is_variant_text(text: &str) -> bool {
    text.parse::<toml::Table>()
        .is_ok_and(|t| t.contains_key("extends"))
}

/// Follows `extends` from the variant file at `path` (already read as `text`) to a full
/// scenario. A cycle or a chain longer than [`MAX_CHAIN`] is an error at the `extends`
/// that closes it.
fn resolve_chain(path: &Path, text: String, file: String) -> Result<Chain, ScenarioError> {
    let mut layers: Vec<Layer> = Vec::new();
    let mut paths = vec![canonical(path)];
    let mut here = (path.to_path_buf(), text, file);
    loop {
        let (path, text, file) = here;
        let variant: overrides::RawVariant = deserialize_located(&text, &file)?;
        let located = |message: String| ScenarioError {
            file: file.clone(),
            position: Some(line_column(&text, variant.extends.span().start)),
            key: Some("extends".into()),
            message,
        };
        let next = path
            .parent()
            .unwrap_or(Path::new(""))
            .join(variant.extends.get_ref());
        let next_canonical = canonical(&next);
        if paths.contains(&next_canonical) {
            let mut names: Vec<String> = layers.iter().map(|l| l.file.clone()).collect();
            names.push(file.clone());
            names.push(normalized(&next));
            return Err(located(format!(
                "the variants extend each other in a cycle ({}); a chain must end at a full scenario",
                names.join(" extends ")
            )));
        }
        if layers.len() + 1 >= MAX_CHAIN {
            return Err(located(format!(
                "more than {MAX_CHAIN} variants extend each other here; a chain must end at a full scenario"
            )));
        }
        let (next_text, next_file) =
            read_text(&next).map_err(|e| located(format!("{}: {}", e.file, e.message)))?;
        paths.push(next_canonical);
        layers.push(Layer {
            text,
            file,
            variant,
        });
        if !is_variant_text(&next_text) {
            return Ok(Chain {
                layers,
                paths,
                root: (next, next_text, next_file),
            });
        }
        here = (next, next_text, next_file);
    }
}

/// Reads a full scenario as a TOML document, after checking that it is valid alone (so
/// that an error found later is the changes' fault).
fn root_document(
    path: &Path,
    text: &str,
    file: &str,
    arrivals_given: bool,
) -> Result<toml::Table, ScenarioError> {
    let document: toml::Table = text.parse().map_err(|_| {
        // Let the scenario's own parse say where its syntax is wrong.
        parse_raw(text, file)
            .err()
            .unwrap_or_else(|| ScenarioError {
                file: file.to_string(),
                position: None,
                key: None,
                message: "the base scenario is not valid TOML".into(),
            })
    })?;
    let stem = file_stem(path);
    parse_with(text, file, &stem, arrivals_given)?;
    Ok(document)
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into())
}

/// Loads a variant: the scenario its chain of `extends` ends at (which must be valid
/// alone), with each variant's `[set]` applied in order, from the one nearest that
/// scenario to `path`'s own. An error the changes cause is reported at the change.
fn load_variant(
    path: &Path,
    text: &str,
    file: &str,
    stem: &str,
    arrivals_given: bool,
) -> Result<Model, ScenarioError> {
    let chain = resolve_chain(path, text.to_string(), file.to_string())?;
    let (root_path, root_text, root_file) = &chain.root;
    let document = root_document(root_path, root_text, root_file, arrivals_given)?;
    let name = chain.layers[0]
        .variant
        .name
        .clone()
        .unwrap_or_else(|| stem.to_string());
    let changes = Changes {
        stem,
        base: root_file,
        base_text: root_text,
        arrivals_given,
    };
    let sets: Vec<SetSource<'_>> = chain.layers.iter().rev().map(SetSource::of).collect();
    changes.apply(document, name, &sets)
}

/// How a scenario compared with a base was built from the files named.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AppliedChanges {
    /// The variant file named on the command line.
    pub variant: String,
    /// The files whose `[set]` changes were applied, in the order applied.
    pub files: Vec<String>,
    /// The base scenario they were applied to (the file named as the base).
    pub applied_to: String,
    /// The scenario the variant itself extends (directly), as a path from where ccsim runs.
    pub extends: String,
    /// The base named is the variant's own base, or one of the variants it extends: the
    /// result is the variant file as it stands.
    pub own_base: bool,
}

/// Loads `variant` to be compared with the scenario at `base`: when `variant` is a variant
/// file (`extends` + `[set]`), its changes are applied to `base` — not to the scenario the
/// variant names in `extends` — so that the comparison shows what those changes do to the
/// base; the result is named `"{base_name} with {variant's file stem}"`. When `base` is on
/// the variant's own chain, that is the variant as it stands. A
/// full scenario is loaded as it is (`None` for the changes).
///
/// Errors: as [`load`], located in the files named.
pub fn load_onto_base(
    base: &Path,
    base_name: &str,
    variant: &Path,
) -> Result<(Model, Option<AppliedChanges>), ScenarioError> {
    let (text, file) = read_text(variant)?;
    if !is_variant_text(&text) {
        return Ok((load(variant)?, None));
    }
    let chain = resolve_chain(variant, text.clone(), file.clone())?;
    let base_canonical = canonical(base);
    let extends = normalized(
        &variant
            .parent()
            .unwrap_or(Path::new(""))
            .join(chain.layers[0].variant.extends.get_ref()),
    );
    if let Some(k) = chain.paths.iter().position(|p| *p == base_canonical) {
        // The base is the variant's own base (or a variant on its chain): the layers above
        // it are the variant file as written.
        let files = chain.layers[..k]
            .iter()
            .rev()
            .map(|l| l.file.clone())
            .collect();
        let applied = AppliedChanges {
            variant: file,
            files,
            applied_to: base.display().to_string(),
            extends,
            own_base: true,
        };
        return Ok((load(variant)?, Some(applied)));
    }
    // The variant's changes (its whole chain above its own scenario) go onto the base as
    // the base resolves (its own chain, if it is a variant too).
    let (base_text, base_file) = read_text(base)?;
    let (base_layers, root) = if is_variant_text(&base_text) {
        let c = resolve_chain(base, base_text, base_file.clone())?;
        (c.layers, c.root)
    } else {
        (
            Vec::new(),
            (base.to_path_buf(), base_text, base_file.clone()),
        )
    };
    let (root_path, root_text, root_file) = &root;
    let document = root_document(root_path, root_text, root_file, false)?;
    let stem = file_stem(variant);
    let name = format!("{base_name} with {stem}");
    let changes = Changes {
        stem: &stem,
        base: &base_file,
        base_text: root_text,
        arrivals_given: false,
    };
    let sets: Vec<SetSource<'_>> = base_layers
        .iter()
        .rev()
        .chain(chain.layers.iter().rev())
        .map(SetSource::of)
        .collect();
    let mut model = changes.apply(document, name, &sets).map_err(|mut e| {
        e.message = format!(
            "{} (the changes of {} were applied to {}, not to the scenario it extends)",
            e.message,
            variant.display(),
            base.display()
        );
        e
    })?;
    if !model.replays.is_empty() {
        crate::contact_log::scan(&mut model)?;
    }
    let applied = AppliedChanges {
        variant: file,
        files: chain.layers.iter().rev().map(|l| l.file.clone()).collect(),
        applied_to: base.display().to_string(),
        extends,
        own_base: false,
    };
    Ok((model, Some(applied)))
}

/// A `[set]` table and the file that holds it, to apply it and to place its errors.
struct SetSource<'a> {
    text: &'a str,
    file: &'a str,
    set: &'a toml::Spanned<overrides::ChangeSet>,
}

impl<'a> SetSource<'a> {
    fn of(layer: &'a Layer) -> Self {
        SetSource {
            text: &layer.text,
            file: &layer.file,
            set: &layer.variant.set,
        }
    }
}

/// What changes are applied to, to apply them and to place their errors.
struct Changes<'a> {
    /// Default scenario name.
    stem: &'a str,
    /// The base scenario's file, for errors no single change explains.
    base: &'a str,
    /// The base scenario's text, to place what the changes leave as they were.
    base_text: &'a str,
    arrivals_given: bool,
}

impl Changes<'_> {
    /// Applies the `sets` in order to the base's `document` under the name `name` and
    /// compiles the result; an error the changes cause is reported at the change that
    /// caused it (the last one to set that key).
    fn apply(
        &self,
        mut document: toml::Table,
        name: String,
        sets: &[SetSource<'_>],
    ) -> Result<Model, ScenarioError> {
        let located =
            |source: &SetSource<'_>, span: std::ops::Range<usize>, key: &str, message: String| {
                ScenarioError {
                    file: source.file.to_string(),
                    position: Some(line_column(source.text, span.start)),
                    key: Some(key.to_string()),
                    message,
                }
            };
        let last = sets.last().expect("at least one set of changes");
        // The merged document is compiled as if it were the last variant file: paths the
        // base and the other files name are made to name the same files from there.
        let folder = |file: &str| Path::new(file).parent().unwrap_or(Path::new("")).to_owned();
        let compiled_in = folder(last.file);
        anchor_paths(&mut document, &folder(self.base), Some(&compiled_in));
        overrides::set(&mut document, "simulation.name", toml::Value::String(name))
            .map_err(|m| located(last, last.set.span(), "set", m))?;
        let mut applied = Vec::new();
        for source in sets {
            let mut changes: Vec<_> = source.set.get_ref().iter().collect();
            changes.sort_by_key(|(key, _)| key.span().start);
            let dir = folder(source.file);
            for (key, value) in changes {
                let mut value = value.get_ref().clone();
                anchor_value(key.get_ref(), &mut value, &dir, Some(&compiled_in));
                let canonical = overrides::set(&mut document, key.get_ref(), value)
                    .map_err(|m| located(source, key.span(), key.get_ref(), m))?;
                applied.push((canonical, key, source));
            }
        }
        let merged = toml::to_string(&document).map_err(|e| {
            located(
                last,
                last.set.span(),
                "set",
                format!("the changed scenario cannot be written: {e}"),
            )
        })?;
        let culprit_of = |error_key: &str| {
            applied
                .iter()
                .filter(|(canonical, _, _)| {
                    error_key == *canonical
                        || error_key.starts_with(&format!("{canonical}."))
                        || error_key.starts_with(&format!("{canonical}["))
                })
                .max_by_key(|(canonical, _, _)| canonical.len())
        };
        let mut model =
            parse_with(&merged, last.file, self.stem, self.arrivals_given).map_err(|e| {
                let error_key = e.key.clone().unwrap_or_default();
                match culprit_of(&error_key) {
                    Some((canonical, key, source)) => located(
                        source,
                        key.span(),
                        &format!("{}{}", key.get_ref(), &error_key[canonical.len()..]),
                        e.message,
                    ),
                    None => located(
                        last,
                        last.set.span(),
                        e.key.as_deref().unwrap_or("set"),
                        format!("{} (in {} with these changes)", e.message, self.base),
                    ),
                }
            })?;
        // The merged text is not a file anyone can open: place each replayed log at the
        // change that names it, else where the base names it.
        place_replays(&mut model, self.base_text, self.base, |key| {
            culprit_of(key).map(|(canonical, k, source)| ReplayOrigin {
                file: source.file.to_string(),
                position: Some(line_column(source.text, k.span().start)),
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
        message: located::plain_types(e.message()),
    })?;
    document.remove("variant");
    let changes = Changes {
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
        let source = SetSource {
            text: &text,
            file: &file,
            set: &entry.set,
        };
        let mut model = changes.apply(
            document.clone(),
            entry.name.get_ref().clone(),
            std::slice::from_ref(&source),
        )?;
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
    let mut raw = parse_raw(text, file)?;
    // A `[forecast]` becomes ordinary `[[arrivals]]` streams before anything is checked.
    let forecast = crate::forecast::expand(&mut raw, text, file)?;
    let rows_outside = forecast.map_or(0, |f| f.rows_outside);
    compile::refuse_longer_forecast(&raw, text, file, rows_outside)?;
    compile::compile(&raw, text, file, default_name, arrivals_given)
}

/// Parses scenario text into its raw form: syntax, types and unknown keys are checked here.
pub fn parse_raw(text: &str, file: &str) -> Result<raw::RawScenario, ScenarioError> {
    deserialize_located(text, file)
}

/// Loads the scenario at `path` (a scenario or a variant file) with values changed by key
/// path (a sweep point), e.g. `("group.agents.agents", 28)`; `name` names the result.
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
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    if document.contains_key("extends") {
        // A variant file: its chain resolved into one document (paths made absolute),
        // and the variant alone must be valid, so that an error below is the changes'.
        document = resolved_document(path)?;
        load(path)?;
    } else {
        document.remove("variant");
        // The base alone must be valid, so that an error below is the changes' fault.
        parse(&text, &file, &stem)?;
    }
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
        let canonical = overrides::set(&mut document, key, value.clone())
            .map_err(|m| at(&format!("--set {key}"), m))?;
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
