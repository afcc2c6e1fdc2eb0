//! The model's ids against its tables (see [`crate::table`]): the engine indexes its
//! tables by them without a check per access, so a model is checked once per replication
//! before its first event.

use super::Model;

impl Model {
    /// Checks that every id the engine indexes a [`crate::table::Table`] with is in range of its table:
    /// each contact type's channel, category, groups and repeat type (where its channel
    /// has a repeat rule), each stream's
    /// contact type and priority class, each group's contact types and escalation groups
    /// (and a concurrency of at least 1), each channel's bot; and that the horizon has an
    /// interval. The scenario compiler builds models that pass; a model built by hand may
    /// not, and the engine refuses it (it panics with the first id out of range) before
    /// its first event, since it indexes these tables without a check per access.
    ///
    /// # Errors
    /// A sentence naming the first id out of range, its table and the table's length.
    pub fn check_ids(&self) -> Result<(), String> {
        fn within(what: &str, i: usize, table: &str, len: usize) -> Result<(), String> {
            if i < len {
                Ok(())
            } else {
                Err(format!("{what} is {i}, past the {len} {table}"))
            }
        }
        let (n_channels, n_types) = (self.channels.len(), self.contact_types.len());
        let (n_groups, n_classes) = (self.groups.len(), self.priority_levels.len());
        if self.n_intervals == 0 {
            return Err("the model has no interval".to_string());
        }
        for (i, ct) in self.contact_types.iter().enumerate() {
            let what = |field: &str| format!("contact type {i}'s {field}");
            within(&what("channel"), ct.channel.index(), "channels", n_channels)?;
            let n_categories = self.categories.len();
            within(
                &what("category"),
                ct.category.index(),
                "categories",
                n_categories,
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
                return Err(format!(
                    "group {i}'s concurrency is 0, and must be at least 1"
                ));
            }
            let handled = group
                .handles
                .iter()
                .chain(group.handle_time_by.iter().map(|(t, _)| t));
            for t in handled {
                within(&what("contact type"), t.index(), "contact types", n_types)?;
            }
            for g in group.escalate_to.iter().flatten() {
                within(&what("escalation group"), g.index(), "groups", n_groups)?;
            }
        }
        for (i, channel) in self.channels.iter().enumerate() {
            if let Some(b) = channel.bot {
                within(
                    &format!("channel {i}'s bot"),
                    b.index(),
                    "bots",
                    self.bots.len(),
                )?;
            }
        }
        Ok(())
    }
}
