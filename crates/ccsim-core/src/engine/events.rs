//! The event queue: small `Copy` events in heaps ordered by (time, insertion sequence), so
//! that events at equal times pop first-in first-out and every run is deterministic.
//! Arrivals (generated and replayed) wait in a heap of their own (one event per stream or
//! feed, so it stays tiny), service ends in a second (at most one per agent) and everything
//! else (timers: abandonment, overflow, bot ends, returns, interval and staffing changes)
//! in a third, each a 4-ary min-heap ([`EventHeap`]); `pop` takes the earliest of the three
//! tops. The lean path, which has no timers, keeps its arrivals in the third heap with
//! the interval and staffing changes instead, and pops from two
//! ([`EventQueue::push_with`]); with a single arrival stream, that stream's one pending
//! arrival waits in a slot of its own beside them ([`EventQueue::hold_lone_arrival`]).
//! Keeping the timers apart keeps the stale ones (a contact
//! answered before its patience ran out leaves its `Abandon` behind) out of the service
//! ends' heap, which is the one every contact goes through. Push and pop are O(log n) in
//! the number of pending events of the heap concerned.
//!
//! Invariants: an event is 24 bytes (checked at compile time); its [`Payload`] goes in
//! typed and comes out typed, stored as a 4-bit kind below the sequence number and two
//! `u32`s; the sequence number alone orders events at equal times, so the kind never does.

use crate::ids::{AgentId, ChannelId, ContactId, FeedId, GroupId, Stamp, StreamId};
use crate::table::Table;

/// What an event does when it fires, with the typed id it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// The next contact of a generated arrival stream arrives.
    Arrival(StreamId),
    /// The next contact of a replayed log arrives.
    ReplayedArrival(FeedId),
    /// The agent finishes its earliest conversation, if its stamp still matches.
    ServiceEnd(AgentId, Stamp),
    /// The contact runs out of patience, if it still waits with this stamp.
    Abandon(ContactId, Stamp),
    /// Interval `k` starts: time integrals are closed, backlogs recorded.
    IntervalStart(u32),
    /// The contact (with this stamp) has waited long enough for an overflow group.
    Overflow(ContactId, Stamp),
    /// The contact (with this stamp) ends its bot session.
    BotEnd(ContactId, Stamp),
    /// The customer (with this stamp) comes back: a redial or a repeat contact.
    Return(ContactId, Stamp),
    /// The group moves to entry `i` of its staffing timeline.
    StaffingChange(GroupId, u32),
    /// The contact (with this stamp), deferred while its channel was closed, joins the
    /// queue at the opening.
    Deferred(ContactId, Stamp),
    /// The channel closes at the end of its open window `i` (`at_closing = "drop"`).
    Closing(ChannelId, u32),
    /// The contact (with this stamp) has waited long enough to be offered a callback.
    CallbackOffer(ContactId, Stamp),
}

/// Bits of `Event::seq_kind` that hold the kind (twelve kinds).
const KIND_BITS: u64 = 4;
const KIND_MASK: u64 = (1 << KIND_BITS) - 1;

impl Payload {
    /// The kind's tag and the two numbers stored in an [`Event`].
    #[inline]
    fn encode(self) -> (u64, u32, u32) {
        match self {
            Payload::Arrival(s) => (0, s.get(), 0),
            Payload::ServiceEnd(a, stamp) => (1, a.get(), stamp.get()),
            Payload::Abandon(c, stamp) => (2, c.get(), stamp.get()),
            Payload::IntervalStart(k) => (3, k, 0),
            Payload::Overflow(c, stamp) => (4, c.get(), stamp.get()),
            Payload::BotEnd(c, stamp) => (5, c.get(), stamp.get()),
            Payload::Return(c, stamp) => (6, c.get(), stamp.get()),
            Payload::StaffingChange(g, i) => (7, g.get(), i),
            Payload::ReplayedArrival(r) => (8, r.get(), 0),
            Payload::Deferred(c, stamp) => (9, c.get(), stamp.get()),
            Payload::Closing(ch, i) => (10, ch.get(), i),
            Payload::CallbackOffer(c, stamp) => (11, c.get(), stamp.get()),
        }
    }

    /// Arrivals wait in their own heap.
    #[inline]
    fn is_arrival(self) -> bool {
        matches!(self, Payload::Arrival(_) | Payload::ReplayedArrival(_))
    }
}

/// One scheduled event: 24 bytes, `Copy`. The payload is stored as its kind (in the low
/// bits of the sequence word) and two `u32`s, which keeps the event at the size of a time,
/// a sequence number and two ids; [`Event::payload`] gives it back typed.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// Simulation time in seconds (never negative).
    pub time: f64,
    /// Insertion sequence in the high bits, the kind in the `KIND_BITS` low bits.
    seq_kind: u64,
    /// The payload's id.
    id: u32,
    /// The payload's stamp (or timeline entry).
    extra: u32,
}

const _: () = assert!(std::mem::size_of::<Event>() == 24);

impl Event {
    /// The order key: time, then insertion sequence (unique, so no two events tie).
    #[inline(always)]
    fn key(&self) -> u128 {
        // Non-negative finite f64 values order like their bit patterns.
        ((self.time.to_bits() as u128) << 64) | self.seq_kind as u128
    }

    /// Its insertion sequence number: among events at one time, the lower pops first.
    #[inline(always)]
    pub fn seq(&self) -> u64 {
        self.seq_kind >> KIND_BITS
    }

    /// The agent and stamp of a `ServiceEnd` event (the only kind in the service ends'
    /// heap, see [`EventQueue::pop_sourced`]), without the decoding of [`Self::payload`].
    #[inline(always)]
    pub fn service_end(&self) -> (AgentId, Stamp) {
        debug_assert_eq!(self.seq_kind & KIND_MASK, 1, "a service end");
        (AgentId::new(self.id), Stamp::new(self.extra))
    }

    /// What happens, and to whom.
    #[inline]
    pub fn payload(&self) -> Payload {
        let (id, extra) = (self.id, self.extra);
        match self.seq_kind & KIND_MASK {
            0 => Payload::Arrival(StreamId::new(id)),
            1 => Payload::ServiceEnd(AgentId::new(id), Stamp::new(extra)),
            2 => Payload::Abandon(ContactId::new(id), Stamp::new(extra)),
            3 => Payload::IntervalStart(id),
            4 => Payload::Overflow(ContactId::new(id), Stamp::new(extra)),
            5 => Payload::BotEnd(ContactId::new(id), Stamp::new(extra)),
            6 => Payload::Return(ContactId::new(id), Stamp::new(extra)),
            7 => Payload::StaffingChange(GroupId::new(id), extra),
            8 => Payload::ReplayedArrival(FeedId::new(id)),
            9 => Payload::Deferred(ContactId::new(id), Stamp::new(extra)),
            10 => Payload::Closing(ChannelId::new(id), extra),
            _ => Payload::CallbackOffer(ContactId::new(id), Stamp::new(extra)),
        }
    }
}

/// A 4-ary min-heap of events by [`Event::key`]. Keys are unique (the sequence number), so
/// the events pop in one order whatever the heap's layout: the same as any other correct
/// priority queue's.
///
/// `pop` hands out the top but leaves it in place, marked taken: a `push` that follows
/// (a service end that starts the next service, an arrival that schedules the next one)
/// puts its event in the top's place and sifts it down once, instead of a removal and an
/// insertion; any other operation removes the taken top first. A removal moves the hole
/// left by the top down to a leaf along the earliest children (three comparisons a level),
/// then lifts the event that fills it from there: the last event (or the replacing one)
/// belongs near the bottom, so this saves the comparison with it at every level.
#[derive(Default, Debug)]
pub struct EventHeap {
    /// The heap, row by row; indexed unchecked (see [`crate::table`]): every position the
    /// loops below use is under the length by their own conditions.
    v: Table<Event>,
    /// The top (`v[0]`) was popped and is still to be removed.
    taken: bool,
}

/// Children per node.
const D: usize = 4;

impl EventHeap {
    /// Number of events held.
    #[inline]
    pub fn len(&self) -> usize {
        self.v.len() - self.taken as usize
    }

    /// Whether no event is held.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Empties the heap, keeping its storage.
    pub fn clear(&mut self) {
        self.v.clear();
        self.taken = false;
    }

    /// Removes the taken top, if any.
    #[inline(always)]
    fn settle(&mut self) {
        if self.taken {
            self.taken = false;
            let last = self.v.pop().expect("a taken top is held");
            if !self.v.is_empty() {
                self.fill_top(last);
            }
        }
    }

    /// The earliest event's key, `u128::MAX` when empty (no event has it: a finite
    /// time's bits are below infinity's). The taken top must be settled.
    #[inline(always)]
    fn top_key(&self) -> u128 {
        debug_assert!(!self.taken);
        self.v.first().map_or(u128::MAX, Event::key)
    }

    /// Adds `event` (O(log n)).
    #[inline(always)]
    pub fn push(&mut self, event: Event) {
        if self.taken {
            self.taken = false;
            self.fill_top(event);
            return;
        }
        let pos = self.v.len();
        self.v.push(event);
        self.lift(pos, event);
    }

    /// Puts `event` at `pos` or above, moving later parents down.
    #[inline(always)]
    fn lift(&mut self, mut pos: usize, event: Event) {
        let key = event.key();
        let v = &mut self.v;
        while pos > 0 {
            let parent = (pos - 1) / D;
            if key >= v[parent].key() {
                break;
            }
            v[pos] = v[parent];
            pos = parent;
        }
        v[pos] = event;
    }

    /// Replaces the top (the heap is not empty) by `event`, wherever it belongs.
    #[inline(always)]
    fn fill_top(&mut self, event: Event) {
        let v = &mut self.v;
        let n = v.len();
        let mut hole = 0;
        loop {
            let first = D * hole + 1;
            let child = if first + D <= n {
                let key = |i: usize| v[first + i].key();
                let a = (key(1) < key(0)) as usize;
                let b = 2 + (key(3) < key(2)) as usize;
                first + if key(b) < key(a) { b } else { a }
            } else if first < n {
                (first + 1..n).fold(first, |m, j| if v[j].key() < v[m].key() { j } else { m })
            } else {
                break;
            };
            v[hole] = v[child];
            hole = child;
        }
        self.lift(hole, event);
    }

    /// Removes and returns the earliest event (O(log n), paid by the next operation).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<Event> {
        self.settle();
        self.take_top()
    }

    /// [`Self::pop`] once settled.
    #[inline(always)]
    fn take_top(&mut self) -> Option<Event> {
        let top = *self.v.first()?;
        self.taken = true;
        Some(top)
    }
}

/// Pending events, earliest first; ties in time pop in insertion order.
#[derive(Debug)]
pub struct EventQueue {
    arrivals: EventHeap,
    services: EventHeap,
    others: EventHeap,
    /// With one arrival stream on the lean path ([`Self::hold_lone_arrival`]): its one
    /// pending arrival, held apart from every heap, when `lone_key` is not `u128::MAX`.
    lone: Event,
    /// `lone`'s key, `u128::MAX` when no arrival is held (the key of an empty heap, so
    /// that `pop` compares it with the heaps' tops without asking whether it is there).
    lone_key: u128,
    /// Whether the lean path's arrivals go to `lone` instead of the timers' heap.
    lone_arrival: bool,
    next_seq: u64,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue {
            arrivals: EventHeap::default(),
            services: EventHeap::default(),
            others: EventHeap::default(),
            lone: Event {
                time: 0.0,
                seq_kind: 0,
                id: 0,
                extra: 0,
            },
            lone_key: u128::MAX,
            lone_arrival: false,
            next_seq: 0,
        }
    }
}

impl EventQueue {
    /// Empties the queue, keeping its storage, and restarts the sequence.
    pub fn clear(&mut self) {
        self.arrivals.clear();
        self.services.clear();
        self.others.clear();
        self.lone_key = u128::MAX;
        self.lone_arrival = false;
        self.next_seq = 0;
    }

    /// On the lean path with a single arrival stream, holds its pending arrival apart
    /// (one event, no heap to sift: the stream pushes one a contact) instead of among the
    /// interval and staffing changes. Set after [`Self::clear`], before the first push; the
    /// order of events is the same either way.
    pub fn hold_lone_arrival(&mut self) {
        debug_assert!(self.is_empty());
        self.lone_arrival = true;
    }

    /// Schedules an event at `time` (O(log n)).
    #[inline(always)]
    pub fn push(&mut self, time: f64, payload: Payload) {
        self.push_with(time, payload, true);
    }

    /// [`Self::push`], with the arrivals in the timers' heap when `arrivals_apart` is false:
    /// the lean path ([`super::lean`]) has no timers, so that heap holds only the interval
    /// and staffing changes, and one heap fewer to look at saves more than the arrivals'
    /// own heap would. A queue is used one way only, from its `clear` on.
    #[inline(always)]
    pub fn push_with(&mut self, time: f64, payload: Payload, arrivals_apart: bool) {
        debug_assert!(time >= 0.0 && time.is_finite());
        let (kind, id, extra) = payload.encode();
        let seq_kind = (self.next_seq << KIND_BITS) | kind;
        self.next_seq += 1;
        let event = Event {
            time,
            seq_kind,
            id,
            extra,
        };
        if arrivals_apart && payload.is_arrival() {
            self.arrivals.push(event);
        } else if !arrivals_apart && self.lone_arrival && payload.is_arrival() {
            debug_assert_eq!(self.lone_key, u128::MAX, "one pending arrival");
            self.lone = event;
            self.lone_key = event.key();
        } else if let Payload::ServiceEnd(..) = payload {
            self.services.push(event);
        } else {
            self.others.push(event);
        }
    }

    /// Takes the sequence number an event pushed now would get, without pushing one: the
    /// lean path's patience deadlines ([`super::lean`]) keep their place in the order of
    /// events this way, and every later event keeps the number it would have had.
    #[inline(always)]
    pub fn reserve_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Removes and returns the earliest event (O(log n)).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<Event> {
        self.pop_with(true)
    }

    /// [`Self::pop`] of a queue filled by [`Self::push_with`] with `arrivals_apart`.
    #[inline(always)]
    pub fn pop_with(&mut self, arrivals_apart: bool) -> Option<Event> {
        self.pop_sourced(arrivals_apart).map(|(event, _)| event)
    }

    /// [`Self::pop_with`], with whether the event is a service end: the service ends'
    /// heap holds nothing else, so the event loop calls their handler without decoding the
    /// payload (one branch, on the comparison that chose the heap, instead of a jump
    /// through the kinds' table).
    #[inline(always)]
    pub fn pop_sourced(&mut self, arrivals_apart: bool) -> Option<(Event, bool)> {
        if !arrivals_apart {
            debug_assert!(self.arrivals.is_empty());
            self.services.settle();
            self.others.settle();
            let s = self.services.top_key();
            let o = self.others.top_key();
            // Without a lone arrival its key is the largest: never below both.
            let a = self.lone_key;
            if a < s && a < o {
                self.lone_key = u128::MAX;
                return Some((self.lone, false));
            }
            return if s < o {
                self.services.take_top().map(|e| (e, true))
            } else {
                // The earliest, or nothing when both are empty.
                self.others.take_top().map(|e| (e, false))
            };
        }
        self.arrivals.settle();
        self.services.settle();
        self.others.settle();
        let a = self.arrivals.top_key();
        let s = self.services.top_key();
        let o = self.others.top_key();
        if a < s && a < o {
            self.arrivals.take_top().map(|e| (e, false))
        } else if s < o {
            self.services.take_top().map(|e| (e, true))
        } else {
            // The earliest, or nothing when all three are empty.
            self.others.take_top().map(|e| (e, false))
        }
    }

    /// Events pushed since the last [`Self::clear`], and sequence numbers reserved
    /// ([`Self::reserve_seq`]): once the queue has run empty, every event the general path
    /// has handled (the lean path counts a reserved number as the timer it replaces).
    #[inline]
    pub fn scheduled(&self) -> u64 {
        self.next_seq
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.arrivals.len()
            + self.services.len()
            + self.others.len()
            + (self.lone_key != u128::MAX) as usize
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::default();
        let arrival = |s| Payload::Arrival(StreamId::new(s));
        q.push(5.0, arrival(0));
        q.push(1.0, arrival(1));
        q.push(5.0, arrival(2));
        q.push(0.0, arrival(3));
        q.push(5.0, Payload::ServiceEnd(AgentId::new(5), Stamp::new(0)));
        q.push(1.0, Payload::Abandon(ContactId::new(6), Stamp::new(0)));
        q.push(5.0, Payload::ReplayedArrival(FeedId::new(4)));
        let order: Vec<Payload> = std::iter::from_fn(|| q.pop())
            .map(|e| e.payload())
            .collect();
        let expected = vec![
            arrival(3),
            arrival(1),
            Payload::Abandon(ContactId::new(6), Stamp::new(0)),
            arrival(0),
            arrival(2),
            Payload::ServiceEnd(AgentId::new(5), Stamp::new(0)),
            Payload::ReplayedArrival(FeedId::new(4)),
        ];
        assert_eq!(order, expected);
        assert!(q.is_empty());
    }

    /// Pushes and pops interleaved at random (equal times included) come out as a sorted
    /// reference gives them: by time, then in insertion order; with the arrivals in their
    /// own heap and with them among the timers (the lean path's way).
    #[test]
    fn the_heap_pops_as_a_sorted_list_does() {
        for arrivals_apart in [true, false] {
            pops_as_a_sorted_list_does(arrivals_apart);
        }
    }

    /// One arrival stream on the lean path: its one pending arrival held apart pops in its
    /// place among the others, ties in time included.
    #[test]
    fn a_lone_arrival_pops_in_its_place() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
        let mut q = EventQueue::default();
        q.hold_lone_arrival();
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let mut pending_arrival = false;
        let mut now = 0.0;
        for i in 0..20_000u32 {
            if rng.random::<f64>() < 0.55 || reference.is_empty() {
                let t = now + (rng.random::<f64>() * 40.0).floor() / 4.0;
                let p = match i % 3 {
                    0 if !pending_arrival => {
                        pending_arrival = true;
                        Payload::Arrival(StreamId::new(i))
                    }
                    0 | 1 => Payload::ServiceEnd(AgentId::new(i), Stamp::new(0)),
                    _ => Payload::IntervalStart(i),
                };
                q.push_with(t, p, false);
                reference.push((t, i));
            } else {
                let (e, service_end) = q.pop_sourced(false).expect("not empty");
                let (k, _) = reference
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then(a.1.1.cmp(&b.1.1)))
                    .expect("not empty");
                let (t, id) = reference.remove(k);
                now = t;
                let got = match e.payload() {
                    Payload::Arrival(s) => {
                        pending_arrival = false;
                        s.get()
                    }
                    Payload::ServiceEnd(a, _) => {
                        assert!(service_end);
                        a.get()
                    }
                    Payload::IntervalStart(k) => k,
                    other => panic!("{other:?}"),
                };
                assert_eq!((e.time, got), (t, id));
            }
            assert_eq!(q.len(), reference.len());
        }
    }

    fn pops_as_a_sorted_list_does(arrivals_apart: bool) {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(3);
        let mut q = EventQueue::default();
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let mut now = 0.0;
        for i in 0..20_000u32 {
            if rng.random::<f64>() < 0.55 || reference.is_empty() {
                // Times on a coarse grid, so that many tie.
                let t = now + (rng.random::<f64>() * 40.0).floor() / 4.0;
                // One of each heap's kinds.
                let p = match i % 3 {
                    0 => Payload::Arrival(StreamId::new(i)),
                    1 => Payload::ServiceEnd(AgentId::new(i), Stamp::new(0)),
                    _ => Payload::Abandon(ContactId::new(i), Stamp::new(0)),
                };
                q.push_with(t, p, arrivals_apart);
                reference.push((t, i));
            } else {
                let e = q.pop_with(arrivals_apart).expect("not empty");
                // The earliest time, the first pushed among equals.
                let (k, _) = reference
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.0.total_cmp(&b.1.0).then(a.1.1.cmp(&b.1.1)))
                    .expect("not empty");
                let (t, id) = reference.remove(k);
                now = t;
                let got = match e.payload() {
                    Payload::Arrival(s) => s.get(),
                    Payload::ServiceEnd(a, _) => a.get(),
                    Payload::Abandon(c, _) => c.get(),
                    other => panic!("{other:?}"),
                };
                assert_eq!((e.time, got), (t, id));
            }
            assert_eq!(q.len(), reference.len());
        }
    }

    /// A push right after a pop takes the popped top's place (one sift instead of two):
    /// the order and the count stay those of a plain removal and insertion, whether the
    /// new event belongs at the top, in the middle or at the bottom.
    #[test]
    fn a_push_after_a_pop_replaces_the_top() {
        let end = |a| Payload::ServiceEnd(AgentId::new(a), Stamp::new(0));
        let mut q = EventQueue::default();
        for a in 0..40u32 {
            q.push(f64::from(a * 7 % 40), end(a));
        }
        let mut popped = Vec::new();
        for (k, at) in [0.5, 100.0, 20.5, 3.0, 3.0, 39.5].into_iter().enumerate() {
            let e = q.pop().expect("not empty");
            assert_eq!(q.len(), 39);
            popped.push(e.time);
            q.push(e.time + at, end(100 + k as u32));
            assert_eq!(q.len(), 40);
        }
        popped.extend(std::iter::from_fn(|| q.pop()).map(|e| e.time));
        assert_eq!(popped.len(), 46);
        assert!(popped.is_sorted(), "{popped:?}");
        assert_eq!(&popped[..6], &[0.0, 0.5, 1.0, 2.0, 3.0, 4.0]);
        assert!(q.is_empty());
    }

    /// Every kind comes back as pushed, ids and stamps included, at the largest values.
    #[test]
    fn every_payload_round_trips() {
        let m = u32::MAX;
        let payloads = [
            Payload::Arrival(StreamId::new(m)),
            Payload::ReplayedArrival(FeedId::new(m)),
            Payload::ServiceEnd(AgentId::new(m), Stamp::new(m - 1)),
            Payload::Abandon(ContactId::new(m), Stamp::new(m - 2)),
            Payload::IntervalStart(m),
            Payload::Overflow(ContactId::new(1), Stamp::new(m)),
            Payload::BotEnd(ContactId::new(2), Stamp::new(3)),
            Payload::Return(ContactId::new(4), Stamp::new(5)),
            Payload::StaffingChange(GroupId::new(6), m),
            Payload::Deferred(ContactId::new(m), Stamp::new(7)),
            Payload::Closing(ChannelId::new(m), m),
            Payload::CallbackOffer(ContactId::new(m), Stamp::new(9)),
        ];
        let mut q = EventQueue::default();
        for (i, &p) in payloads.iter().enumerate() {
            q.push(i as f64, p);
        }
        let back: Vec<Payload> = std::iter::from_fn(|| q.pop())
            .map(|e| e.payload())
            .collect();
        assert_eq!(back, payloads);
    }
}
