//! The model's ids against its tables (see [`crate::table`]): the engine reads the model's
//! channels, contact types, streams and groups by id without a check per access, so it
//! checks a model's ids once per replication, before the first event.

use super::{Model, WhenClosed};

impl Model {
    /// Checks that every id the engine reads one of the model's tables with is in range of
    /// that table: each contact type's channel, category, groups and repeat type (where its
    /// channel has a repeat rule); each stream's contact type and priority class; each
    /// group's contact types and escalation groups, and a concurrency of at least 1; each
    /// channel's bot and, when it redirects while closed, its redirect channel and contact
    /// types; and that the model has an interval and a priority class, and no more cells
    /// (intervals × channels or groups) than a `u32` counts. The scenario
    /// compiler builds models that pass; a model built by hand may not, and the engine
    /// refuses it before its first event (it panics with this sentence, after `the engine
    /// cannot run this model: `).
    ///
    /// # Errors
    /// A sentence naming the first id out of range, its table and the table's length; or
    /// saying what is missing (an interval, a priority class), that a group's concurrency
    /// is 0, or that the grid is too large for `u32` cell ids.
    pub fn check_ids(&self) -> Result<(), String> {
        let (n_channels, n_types) = (self.channels.len(), self.contact_types.len());
        let (n_groups, n_classes) = (self.groups.len(), self.priority_levels.len());
        if self.n_intervals == 0 {
            return Err("the model has no interval".to_string());
        }
        // The tallies' grids are `intervals × channels` and `intervals × groups` cells,
        // addressed by `u32` cell ids.
        let widest = n_channels.max(n_groups).max(1);
        if self
            .n_intervals
            .checked_mul(widest)
            .is_none_or(|n| n > u32::MAX as usize)
        {
            let n = self.n_intervals;
            return Err(format!(
                "{n} intervals of {widest} cells are more than a grid holds"
            ));
        }
        // Queues are sized by the classes (a lean model uses one).
        if n_classes == 0 {
            return Err("the model has no priority class".to_string());
        }
        for (i, ct) in self.contact_types.iter().enumerate() {
            let what = |field: &str| format!("contact type {i}'s {field}");
            within(&what("channel"), ct.channel.index(), "channels", n_channels)?;
            let category = ct.category.index();
            within(
                &what("category"),
                category,
                "categories",
                self.categories.len(),
            )?;
            // A repeat type is read only where the channel has a repeat rule.
            if self.channels[ct.channel.index()].repeat.is_some() {
                let t = ct.repeat_as.index();
                within(&what("repeat type"), t, "contact types", n_types)?;
            }
            for g in &ct.groups {
                within(&what("group"), g.index(), "groups", n_groups)?;
            }
        }
        for (i, stream) in self.streams.iter().enumerate() {
            let what = |field: &str| format!("stream {i}'s {field}");
            let t = stream.contact_type.index();
            within(&what("contact type"), t, "contact types", n_types)?;
            within(&what("class"), stream.class.index(), "classes", n_classes)?;
        }
        for (i, group) in self.groups.iter().enumerate() {
            let what = |field: &str| format!("group {i}'s {field}");
            if group.concurrency == 0 {
                return Err(what("concurrency is 0, and must be at least 1"));
            }
            let by = group.handle_time_by.iter().map(|(t, _)| t);
            for t in group.handles.iter().chain(by) {
                within(&what("contact type"), t.index(), "contact types", n_types)?;
            }
            for g in group.escalate_to.iter().flatten() {
                within(&what("escalation group"), g.index(), "groups", n_groups)?;
            }
        }
        for (i, channel) in self.channels.iter().enumerate() {
            let what = |field: &str| format!("channel {i}'s {field}");
            if let Some(b) = channel.bot {
                within(&what("bot"), b.index(), "bots", self.bots.len())?;
            }
            let closed = channel.hours.as_ref().map(|h| &h.when_closed);
            if let Some(WhenClosed::Redirect { channel, as_type }) = closed {
                let to = channel.index();
                within(&what("redirect channel"), to, "channels", n_channels)?;
                for t in as_type.iter().flatten() {
                    let t = t.index();
                    within(&what("redirect contact type"), t, "contact types", n_types)?;
                }
            }
        }
        Ok(())
    }
}

/// `Ok` when index `i` is below `len`, else the sentence saying that `what` is past the
/// `len` entries of `table`.
fn within(what: &str, i: usize, table: &str, len: usize) -> Result<(), String> {
    if i < len {
        Ok(())
    } else {
        Err(format!("{what} is {i}, past the {len} {table}"))
    }
}
