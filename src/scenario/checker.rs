//! Places the errors of the scenario compiler: [`Checker`] carries the file's text and
//! name, so that every check can point at the value it blames (file:line:column, key).
//! The small checks that several sections share (unique names, name look-ups,
//! probabilities, amounts, `"channel/category"` pairs) live here, so that the compiler of
//! the scenario and the compiler of its `[optimize]` section both import this module and
//! not each other.

use super::ScenarioError;
use crate::ids::{CategoryId, ChannelId, Id};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// Carries the source text so that errors can be placed.
pub(super) struct Checker<'a> {
    text: &'a str,
    file: &'a str,
}

impl<'a> Checker<'a> {
    /// A checker for `text`, read from `file` (the name errors show).
    pub(super) fn new(text: &'a str, file: &'a str) -> Checker<'a> {
        Checker { text, file }
    }

    /// The file's name as errors show it (replay paths are taken relative to it).
    pub(super) fn file(&self) -> &'a str {
        self.file
    }

    /// The (line, column) of byte `offset` of the file, from 1.
    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
        super::line_column(self.text, offset)
    }

    /// An error at `span` of the file, on `key`.
    pub(super) fn err(
        &self,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError {
            file: self.file.to_string(),
            position: Some(super::line_column(self.text, span.start)),
            key: Some(key.into()),
            message: message.into(),
        }
    }

    /// Index of each name in `names` (the entries of `[[section]]`), refusing bad and
    /// repeated names.
    pub(super) fn unique_names<'n, T: Id>(
        &self,
        section: &str,
        names: impl Iterator<Item = &'n Spanned<String>>,
    ) -> Result<HashMap<String, T>, ScenarioError> {
        let mut index = HashMap::new();
        for (i, name) in names.enumerate() {
            let key = format!("{section}[{i}].name");
            if let Some(problem) = crate::limits::name_problem(name.get_ref()) {
                return Err(self.err(name.span(), key, problem));
            }
            if name.get_ref().contains('/') {
                return Err(self.err(name.span(), key, "a name must not contain '/'"));
            }
            if index
                .insert(name.get_ref().clone(), T::from_index(i))
                .is_some()
            {
                return Err(self.err(
                    name.span(),
                    key,
                    format!(
                        "the {section} name \"{}\" is used twice; names must be unique",
                        name.get_ref()
                    ),
                ));
            }
        }
        Ok(index)
    }
}

/// The names of `index` in their order, quoted, for an error message.
pub(super) fn allowed_names<T: Ord>(index: &HashMap<String, T>) -> String {
    let mut names: Vec<(&String, &T)> = index.iter().collect();
    names.sort_by(|a, b| a.1.cmp(b.1));
    names
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cost or other amount that may be zero but not negative; 0 when absent.
pub(super) fn non_negative(
    c: &Checker,
    v: &Option<Spanned<f64>>,
    key: &str,
) -> Result<f64, ScenarioError> {
    match v {
        Some(x) if !(x.get_ref().is_finite() && *x.get_ref() >= 0.0) => Err(c.err(
            x.span(),
            key,
            format!("must be zero or more (got {})", x.get_ref()),
        )),
        Some(x) => Ok(*x.get_ref()),
        None => Ok(0.0),
    }
}

/// A probability in [0, 1], or an error at its place.
pub(super) fn probability(c: &Checker, p: &Spanned<f64>, key: &str) -> Result<f64, ScenarioError> {
    let v = *p.get_ref();
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(c.err(
            p.span(),
            key,
            format!("a probability is between 0 and 1 (got {v})"),
        ))
    }
}

/// Reads a `"channel/category"` or `"channel/*"` pair: the channel and its categories.
pub(super) fn parse_pair(
    c: &Checker,
    pair: &Spanned<String>,
    key: &str,
    channel_index: &HashMap<String, ChannelId>,
    category_index: &HashMap<String, CategoryId>,
) -> Result<(ChannelId, Vec<CategoryId>), ScenarioError> {
    let Some((ch_name, cat_name)) = pair.get_ref().split_once('/') else {
        return Err(c.err(pair.span(), key, format!("\"{}\" is not a \"channel/category\" pair (use \"channel/*\" for every category of a channel)", pair.get_ref())));
    };
    let Some(&ch) = channel_index.get(ch_name) else {
        return Err(c.err(
            pair.span(),
            key,
            format!(
                "there is no channel \"{ch_name}\"; the channels are {}",
                allowed_names(channel_index)
            ),
        ));
    };
    if cat_name == "*" {
        return Ok((
            ch,
            (0..category_index.len())
                .map(CategoryId::from_index)
                .collect(),
        ));
    }
    match category_index.get(cat_name) {
        Some(&cat) => Ok((ch, vec![cat])),
        None => Err(c.err(
            pair.span(),
            key,
            format!(
                "there is no category \"{cat_name}\"; the categories are {}",
                allowed_names(category_index)
            ),
        )),
    }
}

/// The index of `name` in `index`, or an error at its place that lists the `what` names.
pub(super) fn lookup<T: Copy + Ord>(
    c: &Checker,
    index: &HashMap<String, T>,
    name: &Spanned<String>,
    key: &str,
    what: &str,
) -> Result<T, ScenarioError> {
    index.get(name.get_ref()).copied().ok_or_else(|| {
        c.err(
            name.span(),
            key,
            format!(
                "there is no {what} \"{}\"; the {what} names are {}",
                name.get_ref(),
                allowed_names(index)
            ),
        )
    })
}
