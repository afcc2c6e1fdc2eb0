//! The event queue: small `Copy` events in a binary heap ordered by (time, insertion
//! sequence), so that events at equal times pop first-in first-out and every run is
//! deterministic. Push and pop are O(log n) in the number of pending events.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What an event does when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EventKind {
    /// The next contact of arrival stream `target` arrives.
    Arrival,
    /// Agent `target` finishes its contact.
    ServiceEnd,
    /// Contact `target` runs out of patience, if it still waits with generation `stamp`.
    Abandon,
    /// Interval `target` starts: staffing changes, time integrals are closed.
    IntervalStart,
}

/// One scheduled event.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// Simulation time in seconds (never negative).
    pub time: f64,
    seq: u64,
    /// What happens.
    pub kind: EventKind,
    /// Index of the stream, agent, contact or interval concerned.
    pub target: u32,
    /// Generation stamp of the target when scheduled; stale events are skipped.
    pub stamp: u32,
}

impl Event {
    #[inline]
    fn key(&self) -> (u64, u64) {
        // Non-negative finite f64 values order like their bit patterns.
        (self.time.to_bits(), self.seq)
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
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest event.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// Pending events, earliest first; ties in time pop in insertion order.
#[derive(Default, Debug)]
pub struct EventQueue {
    heap: BinaryHeap<Event>,
    next_seq: u64,
}

impl EventQueue {
    /// Empties the queue, keeping its storage, and restarts the sequence.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.next_seq = 0;
    }

    /// Schedules an event at `time` (O(log n)).
    #[inline]
    pub fn push(&mut self, time: f64, kind: EventKind, target: u32, stamp: u32) {
        debug_assert!(time >= 0.0 && time.is_finite());
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Event {
            time,
            seq,
            kind,
            target,
            stamp,
        });
    }

    /// Removes and returns the earliest event (O(log n)).
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        self.heap.pop()
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
        q.push(5.0, EventKind::Arrival, 4, 0);
        let order: Vec<u32> = std::iter::from_fn(|| q.pop()).map(|e| e.target).collect();
        assert_eq!(order, vec![3, 1, 0, 2, 4]);
    }
}
