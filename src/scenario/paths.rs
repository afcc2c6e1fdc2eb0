//! Paths a scenario names (`[[replay]] file`, `[forecast] file`) kept naming the same files
//! when a variant's merged document is compiled from another folder, or written elsewhere.

use std::path::Path;

/// Makes every relative path under a key `file`, `path` or `people` of `table` (a replayed log, a
/// forecast) name the same file when the document is compiled as if it were in folder
/// `to` instead of `from`, the folder of the file that wrote it: unchanged when the two are
/// the same folder (so a scenario's identity does not depend on how it was reached), else
/// absolute. `to` `None`: always absolute (a document written elsewhere, `roster.toml`).
pub(crate) fn anchor_paths(table: &mut toml::Table, from: &Path, to: Option<&Path>) {
    if to.is_some_and(|to| same_folder(from, to)) {
        return;
    }
    for (key, value) in table.iter_mut() {
        anchor_value(key, value, from, None);
    }
}

/// [`anchor_paths`] for one value set at `key` (a key path such as `replay[0].file`, or
/// a table or list of tables holding such keys).
pub(crate) fn anchor_value(key: &str, value: &mut toml::Value, from: &Path, to: Option<&Path>) {
    if to.is_some_and(|to| same_folder(from, to)) {
        return;
    }
    let last = key.rsplit('.').next().unwrap_or(key);
    let last = last.split('[').next().unwrap_or(last);
    match value {
        toml::Value::String(s)
            if (last == "file" || last == "path" || last == "people")
                && Path::new(s.as_str()).is_relative() =>
        {
            let joined = from.join(s.as_str());
            let absolute = std::path::absolute(&joined).unwrap_or(joined);
            *s = absolute.display().to_string();
        }
        toml::Value::Table(t) => anchor_paths(t, from, None),
        toml::Value::Array(list) => {
            for item in list {
                if let toml::Value::Table(t) = item {
                    anchor_paths(t, from, None);
                }
            }
        }
        _ => {}
    }
}

/// Whether two folders are the same one (symbolic links and `..` resolved).
fn same_folder(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::fs::canonicalize(p).or_else(|_| std::path::absolute(p))
    };
    matches!((resolve(a), resolve(b)), (Ok(x), Ok(y)) if x == y)
}
