//! Contacts entering: generated arrivals (each stream keeps one pending `Arrival`),
//! replayed contacts (each feed keeps one pending `ReplayedArrival`), and the first step of
//! every attempt, new or returning (`begin_attempt`: the bot, or the human queues).
//!
//! Invariants: a stream's or feed's next arrival is scheduled before the arriving contact
//! is admitted, so draws and event sequence numbers follow arrival order; arrivals fall
//! before the horizon, so the current interval is the arrival's.

use super::Replication;
use super::events::Payload;
use super::state::{Contact, NewContact};
use crate::distribution::Distribution;
use crate::ids::{ContactId, FeedId, StreamId};
use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Draws stream `s`'s next arrival time and schedules it (nothing past the horizon).
    #[inline(always)]
    pub(super) fn schedule_arrival(&mut self, s: StreamId) {
        let stream = &mut self.ws.streams[s.index()];
        let stream_model = self.m.streams.at(s.index());
        let rates = &stream_model.rate_per_s;
        let (n, interval) = (rates.len(), self.model.interval);
        let next = if self.ws.busyness.is_empty() {
            stream
                .clock
                .next(n, |k| rates[k], interval, &mut stream.arrival_rng)
        } else {
            let channel = self
                .m
                .contact_types
                .at(stream_model.contact_type.index())
                .channel;
            let factors = &self.ws.busyness[channel.index() * n..(channel.index() + 1) * n];
            stream.clock.next(
                n,
                |k| rates[k] * factors[k],
                interval,
                &mut stream.arrival_rng,
            )
        };
        // The clock runs to the end of its rates' last interval; a horizon within a
        // rounding of that end (the scenario accepts 1e-9) ends before it.
        if let Some(t) = next
            && t < self.model.horizon
        {
            // The lean path keeps them with its few other timers (see `EventQueue::push_with`).
            self.ws.events.push_with(t, Payload::Arrival(s), !LEAN);
        }
    }

    /// The next contact of stream `s` arrives.
    #[inline]
    pub(super) fn on_arrival(&mut self, s: StreamId) {
        let stream_model = self.m.streams.at(s.index());
        let contact_type = stream_model.contact_type;
        let stream = self.ws.stream(s);
        let seed = stream.seed_rng.next_u64();
        self.schedule_arrival(s);
        self.admit(NewContact {
            seed,
            // Drawn if and when it waits (`enqueue`).
            patience: f64::NAN,
            contact_type,
            class: stream_model.class,
            given_handle: None,
            patience_from: u32::MAX,
        });
    }

    /// Reads feed `r`'s next contact and schedules its arrival.
    pub(super) fn schedule_replayed(&mut self, r: FeedId) {
        let next = self.feeds[r.index()]
            .next_contact()
            .filter(|c| c.time < self.model.horizon);
        self.pending[r.index()] = next;
        if let Some(c) = next {
            let at = c.time.max(self.now);
            self.ws.events.push(at, Payload::ReplayedArrival(r));
        }
    }

    /// A replayed contact of feed `r` arrives.
    pub(super) fn on_replayed_arrival(&mut self, r: FeedId) {
        let model = self.model;
        let replayed = self.pending[r.index()]
            .take()
            .expect("a scheduled feed has a contact");
        let contact_type = replayed.contact_type;
        // A feed is the caller's: its ids are checked before they index a table.
        let (n_types, n_classes) = (model.contact_types.len(), model.priority_levels.len());
        assert!(
            contact_type.index() < n_types && replayed.class.index() < n_classes,
            "a replayed contact of type {} and class {}, with {n_types} types and {n_classes} classes",
            contact_type.index(),
            replayed.class.index()
        );
        let k = self.interval;
        let (patience_rng, seed_rng) = &mut self.feed_rngs[r.index()];
        let seed = seed_rng.next_u64();
        let (patience, patience_from) =
            match (replayed.patience, model.patience_in(contact_type, k)) {
                (Some(p), _) => (p, u32::MAX),
                (None, Some(d)) => (
                    patience_beyond(d, replayed.waited_at_least, patience_rng),
                    k as u32,
                ),
                (None, None) => (f64::INFINITY, k as u32),
            };
        self.schedule_replayed(r);
        self.admit(NewContact {
            seed,
            patience,
            contact_type,
            class: replayed.class,
            given_handle: replayed.handle_time,
            patience_from,
        });
    }

    /// A first attempt arrives now: counted, given a slot, and sent on its way.
    #[inline(always)]
    fn admit(&mut self, new: NewContact) {
        let cell = self.cell(self.channel_of(new.contact_type));
        self.ws.tallies.contacts += 1;
        let now = self.now;
        let contact = Contact::arriving(new, now, cell, now >= self.model.warmup);
        let c = self.new_contact(contact);
        self.begin_attempt(c);
    }

    /// Puts `contact` in a free slot (which keeps its stamp) or a new one.
    #[inline]
    fn new_contact(&mut self, contact: Contact) -> ContactId {
        match self.ws.free_contacts.pop() {
            Some(c) => {
                let slot = &mut self.ws.contacts[c.index()];
                let stamp = slot.stamp;
                *slot = Contact { stamp, ..contact };
                c
            }
            None => {
                self.ws.contacts.push(contact);
                ContactId::from_index(self.ws.contacts.len() - 1)
            }
        }
    }

    /// Contact `c` reaches out (a first contact, a redial or a repeat): it meets its
    /// channel closed (see `hours`), or the bot of its channel, if there is one and it is
    /// up, or goes to the human queues.
    #[inline]
    pub(super) fn begin_attempt(&mut self, c: ContactId) {
        let model = self.model;
        let now = self.now;
        let channel = self.channel_of(self.ws.contacts[c.index()].contact_type);
        if self.has_hours() && self.meets_closed(c, channel) {
            return;
        }
        if !LEAN && let Some(b) = self.m.channels.at(channel.index()).bot {
            let bot = &model.bots[b.index()];
            if !bot.is_down(now) {
                self.record(c, None, |t| t.arrivals += 1);
                let state = &mut self.ws.bots[b.index()];
                if state.active < bot.capacity {
                    self.start_bot(b, c);
                    return;
                }
                if !bot.full_goes_to_humans {
                    state.waiting.push_back(c);
                    return;
                }
                self.hand_to_humans(c);
                return;
            }
        }
        // Straight to the human queues: arrived and offered at once (unless every trunk
        // line is busy). On the lean path both are recorded with the attempt's end, in
        // one update with the rest (see `lean`).
        if self.has_lines() && !self.take_line(c, channel) {
            self.record(c, None, |t| t.arrivals += 1);
            self.block(c);
            return;
        }
        if !LEAN {
            self.record(c, None, |t| {
                t.arrivals += 1;
                t.offered += 1;
            });
            self.record_sl_uncounted(c);
        }
        self.queue_for_humans(c);
    }
}

/// A patience for a customer known to have waited `floor` seconds in the log without giving
/// up: drawn from `d` beyond it (by rejection, 64 tries, then memorylessly).
fn patience_beyond(d: &Distribution, floor: f64, rng: &mut Xoshiro256PlusPlus) -> f64 {
    let mut p = d.sample(rng);
    let mut tries = 0;
    while p < floor && tries < 64 {
        p = d.sample(rng);
        tries += 1;
    }
    if p < floor { floor + p } else { p }
}
