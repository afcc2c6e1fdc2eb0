//! A scenario file as one TOML document, a variant's chain resolved: what `ccsim optimize`
//! writes its `roster.toml` from.

use super::{
    ScenarioError, SetSource, anchor_paths, anchor_value, file_stem, is_variant_text, line_column,
    overrides, parse_raw, read_text, resolve_chain,
};
use std::path::Path;

/// The scenario at `path` as one TOML document, the form `ccsim optimize` writes its
/// `roster.toml` from: a full scenario as written, or a variant's chain of `extends`
/// resolved, every `[set]` applied in order and `simulation.name` set to the variant's
/// name (as [`super::load`] names it). Comments and key order are not kept.
///
/// Errors: as [`super::load`] (an unreadable file, a broken chain, a change that names nothing).
pub fn resolved_document(path: &Path) -> Result<toml::Table, ScenarioError> {
    let (text, file) = read_text(path)?;
    let syntax = |text: &str, file: &str| {
        parse_raw(text, file)
            .err()
            .unwrap_or_else(|| ScenarioError {
                file: file.to_string(),
                position: None,
                key: None,
                message: "the scenario is not valid TOML".into(),
            })
    };
    if !is_variant_text(&text) {
        return text.parse().map_err(|_| syntax(&text, &file));
    }
    let chain = resolve_chain(path, text, file.clone())?;
    let (root_path, root_text, root_file) = &chain.root;
    let mut document: toml::Table = root_text
        .parse()
        .map_err(|_| syntax(root_text, root_file))?;
    let root_dir = root_path.parent().unwrap_or(Path::new(""));
    anchor_paths(&mut document, root_dir, None);
    let name = (chain.layers[0].variant.name.clone()).unwrap_or_else(|| file_stem(path));
    overrides::set(&mut document, "simulation.name", toml::Value::String(name)).map_err(
        |message| ScenarioError {
            file: file.clone(),
            position: None,
            key: Some("simulation.name".into()),
            message,
        },
    )?;
    for layer in chain.layers.iter().rev() {
        let source = SetSource::of(layer);
        let mut changes: Vec<_> = source.set.get_ref().iter().collect();
        changes.sort_by_key(|(key, _)| key.span().start);
        let dir = Path::new(source.file).parent().unwrap_or(Path::new(""));
        for (key, value) in changes {
            let mut value = value.get_ref().clone();
            anchor_value(key.get_ref(), &mut value, dir, None);
            overrides::set(&mut document, key.get_ref(), value).map_err(|message| {
                ScenarioError {
                    file: source.file.to_string(),
                    position: Some(line_column(source.text, key.span().start)),
                    key: Some(key.get_ref().clone()),
                    message,
                }
            })?;
        }
    }
    Ok(document)
}
