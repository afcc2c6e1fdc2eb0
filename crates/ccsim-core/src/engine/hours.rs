//! Opening hours: an attempt (first contact, redial or repeat) that reaches a closed
//! channel is counted as `closed` and, by the channel's `when_closed`, lost, deferred to
//! the next opening (a `Deferred` event: it joins the human queue then, with no patience
//! limit, its wait counted from the opening, offered in the opening's interval) or sent to
//! another channel that is open (else lost). With `at_closing = "drop"`, a `Closing` event
//! at the end of each open window removes the contacts still waiting in the channel's
//! queues, counted as `closed` (not abandoned).
//!
//! Invariants: whether a channel is open is read from its precomputed windows through a
//! cursor per channel (`Workspace::hours_cursor`) that only moves forward, as the clock
//! does, so a check costs O(1) amortized and allocates nothing; a model without hours
//! never reaches this file (`Replication::has_hours`); a closed attempt never meets a bot.

use super::Replication;
use super::events::Payload;
use super::state::ContactState;
use crate::ids::{ChannelId, ContactId, ContactTypeId, Stamp};
use crate::model::{AtClosing, WhenClosed};

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Schedules the first closing of every channel that drops its queue at closing.
    pub(super) fn schedule_closings(&mut self) {
        for ch in 0..self.model.channels.len() {
            self.schedule_closing(ChannelId::from_index(ch), 0);
        }
    }

    /// Schedules the end of channel `ch`'s open window `i` (or the first one after it
    /// that ends before the horizon), when the channel drops its queue at closing.
    fn schedule_closing(&mut self, ch: ChannelId, i: u32) {
        let Some(hours) = &self.m.channels.at(ch.index()).hours else {
            return;
        };
        if hours.at_closing != AtClosing::Drop {
            return;
        }
        if let Some(&(_, to)) = hours.open.get(i as usize)
            && to < self.model.horizon
        {
            self.ws.events.push(to, Payload::Closing(ch, i));
        }
    }

    /// `Ok` when channel `ch` is open now; else `Err` with its next opening (infinite
    /// when it does not open again in the horizon). Always `Ok` without hours.
    #[inline]
    fn open_now(&mut self, ch: ChannelId) -> Result<(), f64> {
        let Some(hours) = &self.m.channels.at(ch.index()).hours else {
            return Ok(());
        };
        let cursor = &mut self.ws.hours_cursor[ch.index()];
        let windows = &hours.open;
        while (*cursor as usize) < windows.len() && windows[*cursor as usize].1 <= self.now {
            *cursor += 1;
        }
        match windows.get(*cursor as usize) {
            Some(&(from, _)) if from <= self.now => Ok(()),
            Some(&(from, _)) => Err(from),
            None => Err(f64::INFINITY),
        }
    }

    /// Contact `c` starts an attempt on channel `ch`: when the channel is closed, counts it
    /// as closed, applies the channel's policy and returns `true` (the attempt goes no
    /// further here).
    #[inline]
    pub(super) fn meets_closed(&mut self, c: ContactId, ch: ChannelId) -> bool {
        let Err(next_opening) = self.open_now(ch) else {
            return false;
        };
        self.record(c, None, |t| {
            t.arrivals += 1;
            t.closed += 1;
        });
        let hours = self.m.channels.at(ch.index()).hours.as_ref();
        match hours.map(|h| &h.when_closed) {
            Some(WhenClosed::Defer) if next_opening.is_finite() => {
                self.record(c, None, |t| t.closed_deferred += 1);
                let contact = &mut self.ws.contacts[c.index()];
                contact.state = ContactState::Away;
                contact.stamp = contact.stamp.next();
                let stamp = contact.stamp;
                (self.ws.events).push(next_opening, Payload::Deferred(c, stamp));
            }
            Some(WhenClosed::Redirect { channel, as_type }) => {
                let category = self
                    .m
                    .contact_types
                    .at(self.ws.contacts[c.index()].true_type.index())
                    .category
                    .index();
                match as_type[category] {
                    Some(to) if self.open_now(*channel).is_ok() => {
                        self.record(c, None, |t| t.closed_redirected += 1);
                        self.redirect(c, to, *channel);
                    }
                    _ => self.free_contact(c),
                }
            }
            _ => self.free_contact(c),
        }
        true
    }

    /// Contact `c` of a closed channel arrives on open channel `to_channel` as type `to`,
    /// with a patience of that channel.
    fn redirect(&mut self, c: ContactId, to: ContactTypeId, to_channel: ChannelId) {
        let cell = self.cell(to_channel);
        let contact = &mut self.ws.contacts[c.index()];
        contact.contact_type = to;
        contact.true_type = to;
        contact.cell = cell;
        // The new channel's patience, drawn if and when it waits (`enqueue`).
        contact.patience_from = u32::MAX;
        contact.patience = f64::NAN;
        self.begin_attempt(c);
    }

    /// Deferred contact `c` joins its channel's human queue at the opening: offered in
    /// this interval, waiting from now, without a patience limit (a callback request or a
    /// backlog item).
    pub(super) fn on_deferred(&mut self, c: ContactId, stamp: Stamp) {
        let contact = &self.ws.contacts[c.index()];
        debug_assert_eq!(contact.stamp, stamp);
        // The opening's interval, even when this event fires before its `IntervalStart`.
        let (channel, k) = (
            self.channel_of(contact.true_type),
            self.model.interval_of(self.now),
        );
        let cell = self.cell_at(k, channel);
        let contact = &mut self.ws.contacts[c.index()];
        contact.cell = cell;
        contact.patience = f64::INFINITY;
        contact.patience_from = u32::MAX;
        contact.state = ContactState::WithBot;
        self.record_offered(c);
        self.queue_for_humans(c);
    }

    /// Channel `ch` closes at the end of its open window `i`: the contacts waiting in its
    /// queues leave, counted as closed; the next closing is scheduled.
    pub(super) fn on_closing(&mut self, ch: ChannelId, i: u32) {
        let model = self.model;
        for (t, ct) in model.contact_types.iter().enumerate() {
            if ct.channel != ch {
                continue;
            }
            for class in 0..self.n_classes() {
                let q = t * self.n_classes() + class;
                while let Some((c, stamp)) = self.ws.queues[q].pop_front() {
                    let contact = &self.ws.contacts[c.index()];
                    if contact.stamp != stamp || contact.state != ContactState::Waiting {
                        continue;
                    }
                    self.record(c, None, |t| {
                        t.closed += 1;
                        t.closed_at_closing += 1;
                    });
                    self.free_contact(c);
                }
            }
        }
        self.schedule_closing(ch, i + 1);
    }
}
