//! Bot (or IVR) sessions: a session's length and outcome (contained, dropped, handed over,
//! perhaps to a wrong queue) are drawn from the contact's bot sub-stream when it starts;
//! a contact waits for a free session slot when the bot is full and keeps customers.
//!
//! Invariant: `BotState::active` counts the sessions between `start_bot` and their
//! `BotEnd`, never more than the bot's capacity.

use super::Replication;
use super::events::Payload;
use super::state::BotOutcome;
use crate::ids::{BotId, ContactId, ContactTypeId, Stamp};
use crate::model::Model;
use crate::seeds;
use rand::RngExt;

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Contact `c` starts a session with bot `b`; how it ends is drawn now.
    pub(super) fn start_bot(&mut self, b: BotId, c: ContactId) {
        let model = self.model;
        let bot = &model.bots[b.index()];
        let now = self.now;
        self.ws.bots[b.index()].active += 1;
        let contact = &mut self.ws.contacts[c.index()];
        let first_response = now - contact.arrived;
        contact.responded = true;
        let attempt = contact.attempts as u64 - 1;
        let mut rng = seeds::bot_rng(contact.seed, attempt);
        let length = bot.session.sample_inline(&mut rng);
        let category = self
            .m
            .contact_types
            .at(contact.true_type.index())
            .category
            .index();
        let (u, v): (f64, f64) = (rng.random(), rng.random());
        contact.bot_outcome = if u < bot.containment[category] {
            BotOutcome::Contained
        } else if u < bot.containment[category] + bot.dropout[category] {
            BotOutcome::Dropped
        } else {
            BotOutcome::HandedOver
        };
        if contact.bot_outcome == BotOutcome::HandedOver
            && v < bot.misroute
            && let Some(wrong) = wrong_queue(model, contact.true_type, &mut rng)
        {
            contact.contact_type = wrong;
            contact.misrouted = true;
        }
        let (stamp, misrouted) = (contact.stamp, contact.misrouted);
        self.record(c, None, |t| {
            t.bot_sessions += 1;
            t.responded += 1;
            t.first_response_sum += first_response;
            t.bot_misrouted += misrouted as u64;
        });
        self.ws.events.push(now + length, Payload::BotEnd(c, stamp));
    }

    /// Contact `c`'s bot session ends as drawn; the bot's next waiting contact starts.
    pub(super) fn on_bot_end(&mut self, c: ContactId, stamp: Stamp) {
        let contact = &self.ws.contacts[c.index()];
        debug_assert_eq!(contact.stamp, stamp);
        let channel = self.channel_of(contact.true_type);
        let b = self
            .m
            .channels
            .at(channel.index())
            .bot
            .expect("a bot session has a bot");
        self.ws.bots[b.index()].active -= 1;
        match contact.bot_outcome {
            BotOutcome::Contained => {
                self.log_attempt(c, super::AttemptOutcome::BotResolved, 0.0, f64::NAN);
                self.record(c, None, |t| t.bot_contained += 1);
                self.free_contact(c);
            }
            BotOutcome::Dropped => {
                self.log_attempt(c, super::AttemptOutcome::BotDropout, 0.0, f64::NAN);
                self.record(c, None, |t| t.bot_dropped += 1);
                self.free_contact(c);
            }
            BotOutcome::HandedOver => {
                self.ws.contacts[c.index()].after_bot = true;
                self.hand_to_humans(c);
            }
        }
        if let Some(next) = self.ws.bots[b.index()].waiting.pop_front() {
            self.start_bot(b, next);
        }
    }
}

/// A wrong queue for a contact of type `t` misrouted by a bot: uniformly one of the other
/// contact types of the same channel that some group serves (`None` if there is none).
fn wrong_queue(
    model: &Model,
    t: ContactTypeId,
    rng: &mut crate::seeds::SubStream,
) -> Option<ContactTypeId> {
    let t = t.index();
    let channel = model.contact_types[t].channel;
    let wrong = (0..model.contact_types.len())
        .filter(|&o| o != t)
        .filter(|&o| model.contact_types[o].channel == channel)
        .filter(|&o| !model.contact_types[o].groups.is_empty());
    let n = wrong.clone().count();
    if n == 0 {
        return None;
    }
    let pick = rng.random_range(0..n);
    wrong.clone().nth(pick).map(ContactTypeId::from_index)
}
