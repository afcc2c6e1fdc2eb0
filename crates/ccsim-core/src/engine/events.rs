//! The event queue: small `Copy` events in heaps ordered by (time, insertion sequence), so
//! that events at equal times pop first-in first-out and every run is deterministic.
//! Arrivals wait in a heap of their own (one event per stream, so it stays tiny) and
//! everything else in a 4-ary heap; `pop` takes the earlier of the two tops. Push and pop
//! are O(log n) in the number of pending events.

use dary_heap::QuaternaryHeap;
use std::cmp::Ordering;

/// What an event does when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum EventKind {
    /// The next contact of arrival stream `target` arrives.
    Arrival,
    /// Agent `target` finishes its contact.
    ServiceEnd,
    /// Contact `target` runs out of patience, if it still waits with generation `stamp`.
    Abandon,
    /// Interval `target` starts: staffing changes, time integrals are closed.
    IntervalStart,
    /// Contact `target` (stamp `stamp`) has waited long enough for an overflow group.
    Overflow,
    /// Contact `target` (stamp `stamp`) ends its bot session.
    BotEnd,
    /// Customer `target` (stamp `stamp`) comes back: a redial or a repeat contact.
    Return,
    /// Group `target` moves to entry `stamp` of its staffing timeline.
    StaffingChange,
}

const KIND_BITS: u64 = 3;
const KINDS: [EventKind; 8] = [
    EventKind::Arrival,
    EventKind::ServiceEnd,
    EventKind::Abandon,
    EventKind::IntervalStart,
    EventKind::Overflow,
    EventKind::BotEnd,
    EventKind::Return,
    EventKind::StaffingChange,
];

/// One scheduled event (24 bytes).
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// Simulation time in seconds (never negative).
    pub time: f64,
    /// Insertion sequence in the high bits, the kind in the `KIND_BITS` low bits.
    seq_kind: u64,
    /// Index of the stream, agent, contact or interval concerned.
    pub target: u32,
    /// Generation stamp of the target when scheduled; stale events are skipped.
    pub stamp: u32,
}

impl Event {
    #[inline]
    fn key(&self) -> (u64, u64) {
        // Non-negative finite f64 values order like their bit patterns.
        (self.time.to_bits(), self.seq_kind)
    }

    /// What happens.
    #[inline]
    pub fn kind(&self) -> EventKind {
        KINDS[(self.seq_kind & ((1 << KIND_BITS) - 1)) as usize]
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so that the max-heaps pop the earliest event.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// Pending events, earliest first; ties in time pop in insertion order.
#[derive(Default, Debug)]
pub struct EventQueue {
    arrivals: QuaternaryHeap<Event>,
    others: QuaternaryHeap<Event>,
    next_seq: u64,
}

impl EventQueue {
    /// Empties the queue, keeping its storage, and restarts the sequence.
    pub fn clear(&mut self) {
        self.arrivals.clear();
        self.others.clear();
        self.next_seq = 0;
    }

    /// Schedules an event at `time` (O(log n)).
    #[inline]
    pub fn push(&mut self, time: f64, kind: EventKind, target: u32, stamp: u32) {
        debug_assert!(time >= 0.0 && time.is_finite());
        let seq_kind = (self.next_seq << KIND_BITS) | kind as u64;
        self.next_seq += 1;
        let event = Event {
            time,
            seq_kind,
            target,
            stamp,
        };
        if kind == EventKind::Arrival {
            self.arrivals.push(event);
        } else {
            self.others.push(event);
        }
    }

    /// Removes and returns the earliest event (O(log n)).
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        match (self.arrivals.peek(), self.others.peek()) {
            (Some(a), Some(o)) if a.key() < o.key() => self.arrivals.pop(),
            (Some(_), None) => self.arrivals.pop(),
            _ => self.others.pop(),
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.arrivals.len() + self.others.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.arrivals.is_empty() && self.others.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::default();
        q.push(5.0, EventKind::Arrival, 0, 0);
        q.push(1.0, EventKind::Arrival, 1, 0);
        q.push(5.0, EventKind::Arrival, 2, 0);
        q.push(0.0, EventKind::Arrival, 3, 0);
        q.push(5.0, EventKind::ServiceEnd, 5, 0);
        q.push(1.0, EventKind::Abandon, 6, 0);
        q.push(5.0, EventKind::Arrival, 4, 0);
        let order: Vec<(u32, EventKind)> = std::iter::from_fn(|| q.pop())
            .map(|e| (e.target, e.kind()))
            .collect();
        let targets: Vec<u32> = order.iter().map(|o| o.0).collect();
        assert_eq!(targets, vec![3, 1, 6, 0, 2, 5, 4]);
        assert_eq!(order[2].1, EventKind::Abandon);
        assert!(q.is_empty());
    }
}
