//! Customers coming back: after abandoning (the channel's redial rule) or an unresolved
//! contact (its repeat rule), drawn from the contact's come-back sub-stream; the contact's
//! slot stays, `Away`, until its `Return` event starts a new attempt, counted in the
//! interval where it happens and sent through the bot and the queues again.
//!
//! Invariants: a returning attempt keeps the customer's seed (the log's customer) and draws
//! a fresh patience from its own sub-stream; a return past the horizon is counted
//! (`returns_after_horizon`) and does not happen.

use super::Replication;
use super::events::Payload;
use super::state::ContactState;
use crate::ids::{ContactId, Stamp};
use crate::seeds;
use rand::RngExt;

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Contact `c` leaves for now; with the channel's redial (after abandoning) or repeat
    /// (after an unresolved contact) rule it may come back. Returns whether it will.
    #[inline]
    pub(super) fn maybe_come_back(&mut self, c: ContactId, repeat: bool) -> bool {
        if self.has_lines() {
            self.release_line(c);
        }
        let model = self.model;
        let contact = &mut self.ws.contacts[c.index()];
        let channel = self
            .m
            .contact_types
            .at(contact.true_type.index())
            .channel
            .index();
        let rule = if repeat {
            &self.m.channels.at(channel).repeat
        } else {
            &self.m.channels.at(channel).redial
        };
        let Some(rule) = rule else { return false };
        if contact.attempts >= rule.max_attempts {
            return false;
        }
        let mut rng = seeds::come_back_rng(contact.seed, contact.attempts, repeat);
        let (u, delay): (f64, f64) = (rng.random(), rule.delay.sample_inline(&mut rng));
        if u >= rule.probability {
            return false;
        }
        let back = self.now + delay;
        if back >= model.horizon {
            self.record(c, None, |t| t.returns_after_horizon += 1);
            return false;
        }
        contact.state = ContactState::Away;
        contact.stamp = contact.stamp.next();
        contact.comes_back_as_repeat = repeat;
        let stamp = contact.stamp;
        self.ws.events.push(back, Payload::Return(c, stamp));
        true
    }

    /// Customer `c` comes back: a new attempt, counted where and when it happens.
    pub(super) fn on_return(&mut self, c: ContactId, stamp: Stamp) {
        let model = self.model;
        let now = self.now;
        let (cells, interval) = (model.channel_grid(), self.interval);
        // Returns come before the horizon: the cell is one of the tallies' (see `table`).
        assert!(interval < model.n_intervals, "a return after the horizon");
        let contact = &mut self.ws.contacts[c.index()];
        debug_assert_eq!(contact.stamp, stamp);
        let repeat = contact.comes_back_as_repeat;
        if repeat {
            let repeat_as = self.m.contact_types.at(contact.true_type.index()).repeat_as;
            contact.true_type = repeat_as;
            // A new contact starts without the history unless it travels.
            contact.context_lost = !model.transfers.keep_context;
        } else {
            contact.context_lost = false;
        }
        contact.contact_type = contact.true_type;
        let channel = self
            .m
            .contact_types
            .at(contact.true_type.index())
            .channel
            .index();
        contact.attempts += 1;
        contact.arrived = now;
        contact.given_handle = f32::NAN;
        contact.cell = crate::ids::CellId::from_index(cells.at(interval, channel));
        contact.counted = now >= model.warmup;
        contact.services = 0;
        contact.transfers = 0;
        contact.after_bot = false;
        contact.misrouted = false;
        contact.responded = false;
        contact.state = ContactState::WithBot;
        contact.callback = false;
        // Drawn if and when it waits (`enqueue`).
        contact.patience_from = u32::MAX;
        contact.patience = f64::NAN;
        self.record(c, None, |t| {
            t.redials += !repeat as u64;
            t.repeats += repeat as u64;
        });
        self.begin_attempt(c);
    }
}
