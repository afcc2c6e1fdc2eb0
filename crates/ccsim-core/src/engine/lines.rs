//! Trunk lines and callbacks of a voice channel. With `lines`, a call holds one of its
//! channel's lines from the moment it asks for a human until its attempt ends (answered
//! and done, abandoned, dropped, gone to redial) or it accepts a callback; a call that
//! finds every line busy is `blocked` and may redial by the channel's redial rule. With
//! `callback`, a call still waiting `after` its queueing is offered a callback and takes it
//! with probability `accept` (its own sub-stream): it hangs up (freeing its line), keeps
//! its place in the queue, never abandons, and is called back when an agent takes it.
//!
//! Invariants: `Workspace::lines_in_use[ch]` counts the contacts with `holds_line` whose
//! channel is `ch`; a contact releases its line exactly once per attempt; a callback
//! contact's abandon timer is ignored (its stamp is unchanged so it keeps its place).

use super::Replication;
use super::state::ContactState;
use crate::ids::{ChannelId, ContactId, Stamp};
use crate::seeds;
use rand::RngExt;

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Contact `c` of channel `ch` asks for a line: it takes one, or finds them all busy
    /// (then returns false and nothing has changed).
    #[inline]
    pub(super) fn take_line(&mut self, c: ContactId, ch: ChannelId) -> bool {
        let lines = self.m.channels.at(ch.index()).lines;
        if lines == 0 {
            return true;
        }
        let in_use = &mut self.ws.lines_in_use[ch.index()];
        if *in_use >= lines {
            return false;
        }
        *in_use += 1;
        self.ws.contacts[c.index()].holds_line = true;
        true
    }

    /// Contact `c` found every line busy: counted as blocked; it redials by its channel's
    /// rule, or leaves.
    pub(super) fn block(&mut self, c: ContactId) {
        self.record(c, None, |t| t.blocked += 1);
        if !self.maybe_come_back(c, false) {
            self.free_contact(c);
        }
    }

    /// Contact `c` gives its line back, if it holds one.
    #[inline(never)]
    pub(super) fn release_line(&mut self, c: ContactId) {
        let contact = &mut self.ws.contacts[c.index()];
        if contact.holds_line {
            contact.holds_line = false;
            let ch = self.m.contact_types.at(contact.true_type.index()).channel;
            self.ws.lines_in_use[ch.index()] -= 1;
        }
    }

    /// Waiting contact `c` is offered a callback, unless it has left its queue since
    /// (`stamp`); it accepts with the channel's probability.
    pub(super) fn on_callback_offer(&mut self, c: ContactId, stamp: Stamp) {
        let contact = &self.ws.contacts[c.index()];
        if contact.stamp != stamp || contact.state != ContactState::Waiting || contact.callback {
            return;
        }
        let ch = self.m.contact_types.at(contact.true_type.index()).channel;
        let Some(offer) = self.m.channels.at(ch.index()).callback else {
            return;
        };
        let mut rng = seeds::callback_rng(contact.seed, contact.attempts);
        if rng.random::<f64>() >= offer.accept {
            return;
        }
        self.ws.contacts[c.index()].callback = true;
        self.release_line(c);
        self.record(c, None, |t| t.callbacks += 1);
    }
}
