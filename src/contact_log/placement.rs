//! How rows of one log map onto a model: channel and category names to the contact type
//! that someone serves. Invariant: a row is placed only on a contact type with a group;
//! the error otherwise lists the names the scenario has.

use super::columns::{LogColumns, LogRow, RowError};
use crate::ids::ContactTypeId;
use crate::model::Model;

/// How rows of one log map onto a model: names to contact types, priorities to classes.
/// Names are few, so they are found by a linear scan (cheaper than hashing a string).
pub(super) struct Placement<'m> {
    pub(super) model: &'m Model,
    channels: Vec<&'m str>,
    categories: Vec<&'m str>,
    /// `channel * n_categories + category` → the contact type, when someone serves it.
    types: Vec<Option<ContactTypeId>>,
}

impl<'m> Placement<'m> {
    pub(super) fn new(model: &'m Model) -> Placement<'m> {
        let n_cat = model.categories.len();
        let mut types = vec![None; model.channels.len() * n_cat];
        for (i, t) in model.contact_types.iter().enumerate() {
            if !t.groups.is_empty() {
                types[t.channel.index() * n_cat + t.category.index()] =
                    Some(ContactTypeId::from_index(i));
            }
        }
        Placement {
            model,
            channels: model.channels.iter().map(|c| c.name.as_str()).collect(),
            categories: model.categories.iter().map(String::as_str).collect(),
            types,
        }
    }

    /// The contact type of a row, or what is wrong.
    pub(super) fn contact_type(
        &self,
        row: &LogRow,
        columns: &LogColumns,
    ) -> Result<ContactTypeId, RowError> {
        let ch = self
            .channels
            .iter()
            .position(|c| *c == row.channel)
            .ok_or_else(|| RowError {
                column: columns.channel,
                message: format!(
                    "there is no channel \"{}\" in the scenario; its channels are {}",
                    row.channel,
                    self.model
                        .channels
                        .iter()
                        .map(|c| format!("\"{}\"", c.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let cat = self
            .categories
            .iter()
            .position(|c| *c == row.category)
            .ok_or_else(|| RowError {
                column: columns.category,
                message: format!(
                    "there is no category \"{}\" in the scenario; its categories are {}",
                    row.category,
                    self.model
                        .categories
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        self.types[ch * self.categories.len() + cat].ok_or_else(|| RowError {
            column: columns.category,
            message: format!(
                "nobody handles {}/{} in the scenario: add it to the handles of a [[group]]",
                row.channel, row.category
            ),
        })
    }
}
