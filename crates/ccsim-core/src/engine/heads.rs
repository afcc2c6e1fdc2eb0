//! Which queue a group with many queues serves next, without probing every queue: per
//! group, pass (real-time, then backlog), serve-order rank and priority class, a min-heap
//! of the group's queues keyed by the time their front contact started waiting. Probing
//! every queue × class cost 33,600 instructions a contact for one group handling 1,000
//! categories (issue 18 item 3); the heap makes it a few hundred.
//!
//! The heaps are lazy. Invariant: every queue of a group that holds a waiting contact has
//! exactly one entry in its heap (`listed`), whose key is at most the wait start of the
//! queue's front waiting contact. That holds because a queue's contacts are in the order
//! they started waiting (each is pushed at the back at `now`, and `enqueued == now`), so
//! a queue's front only moves to later starts (a service, an abandonment, a closing) and
//! an empty queue gets an entry when a contact is pushed. [`QueueHeads::front`] then
//! corrects the top until its key is exact: an entry of an emptied queue is dropped, one
//! with an old key is pushed again with its front's.
//!
//! Ties go to the queue listed first in the group's `handles`, as the probe of every queue
//! chose, so both give the same contact (the test
//! `routing::the_queue_heads_serve_as_probing_every_queue_does`). A group's transfer queue
//! has no heap (one queue: the caller looks at its front).

use super::state::{Contact, ContactState};
use crate::ids::{ContactId, Stamp};
use crate::model::Model;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Most queues (contact types handled) of a group served by probing each queue's front;
/// groups with more keep heaps. Measured with callgrind (100 agents, one group handling
/// 2 / 3 / 5 categories): heaps cost about as many instructions a contact as probing at
/// two queues and fewer from three on (about 30 fewer at 3, 100 at 5); on the weekday
/// (two classes, four or five queues a group) about 270 fewer a contact.
pub(super) const PROBE_UP_TO: usize = 1;

thread_local! {
    /// Tests: another [`PROBE_UP_TO`] on this thread (both ways must give the same results).
    pub(super) static PROBE_OVERRIDE: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

/// A heap entry: (key of the front's wait start, the queue's place in the group's
/// `handles`, the queue's index in `Workspace::queues`).
type Entry = Reverse<(u64, u32, u32)>;

/// What one group keeps (nothing when `heaps == 0`).
#[derive(Clone, Copy, Debug, Default)]
struct GroupHeads {
    /// Its first heap in `QueueHeads::heaps`; `2 × ranks × classes` of them follow.
    first_heap: u32,
    /// Its first flag in `QueueHeads::listed`; `handles × classes` of them follow.
    first_flag: u32,
    /// Its serve-order ranks (1 without a `serve_order`).
    ranks: u32,
    /// Whether it keeps heaps.
    used: bool,
}

/// The heaps of every group with more than [`PROBE_UP_TO`] queues (see the module's
/// documentation).
#[derive(Debug, Default)]
pub(super) struct QueueHeads {
    groups: Vec<GroupHeads>,
    heaps: Vec<BinaryHeap<Entry>>,
    /// Per (group, place in its `handles`, class): the queue has an entry in its heap.
    listed: Vec<bool>,
    /// Per contact type, its first entry in `feeds`; one more entry ends the last type.
    feed_start: Vec<u32>,
    /// The groups with heaps that handle each type: (group, place in its `handles`,
    /// heap of class 0 (add the class), flag of class 0 (add the class)).
    feeds: Vec<(u32, u32, u32, u32)>,
    /// Priority classes.
    classes: u32,
    /// Whether some group keeps heaps.
    pub(super) used: bool,
}

/// `x`'s place in the total order of `f64`, as an unsigned integer.
#[inline]
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

impl QueueHeads {
    /// Empty heaps for `model` (keeping storage).
    pub(super) fn reset(&mut self, model: &Model) {
        let probe_up_to = PROBE_OVERRIDE.with(|o| o.get()).unwrap_or(PROBE_UP_TO);
        let classes = model.priority_levels.len() as u32;
        self.classes = classes;
        self.used = model.groups.iter().any(|g| g.handles.len() > probe_up_to);
        self.groups.clear();
        if !self.used {
            return;
        }
        let (mut heaps, mut flags) = (0u32, 0u32);
        let mut feeds: Vec<Vec<(u32, u32, u32, u32)>> = vec![Vec::new(); model.contact_types.len()];
        for (g, group) in model.groups.iter().enumerate() {
            if group.handles.len() <= probe_up_to {
                self.groups.push(GroupHeads::default());
                continue;
            }
            let ranks = group.serve_rank.iter().max().map_or(1, |&r| r as u32 + 1);
            for (pos, &t) in group.handles.iter().enumerate() {
                let pass = u32::from(model.contact_types[t.index()].backlog);
                let rank = group.serve_rank.get(pos).map_or(0, |&r| r as u32);
                let heap = heaps + (pass * ranks + rank) * classes;
                let flag = flags + pos as u32 * classes;
                feeds[t.index()].push((g as u32, pos as u32, heap, flag));
            }
            self.groups.push(GroupHeads {
                first_heap: heaps,
                first_flag: flags,
                ranks,
                used: true,
            });
            heaps += 2 * ranks * classes;
            flags += group.handles.len() as u32 * classes;
        }
        self.heaps.resize_with(heaps as usize, BinaryHeap::new);
        self.heaps.truncate(heaps as usize);
        self.heaps.iter_mut().for_each(BinaryHeap::clear);
        self.listed.clear();
        self.listed.resize(flags as usize, false);
        self.feed_start.clear();
        self.feeds.clear();
        for f in feeds {
            self.feed_start.push(self.feeds.len() as u32);
            self.feeds.extend(f);
        }
        self.feed_start.push(self.feeds.len() as u32);
    }

    /// Whether group `g` keeps heaps, and its serve-order ranks.
    #[inline]
    pub(super) fn group(&self, g: usize) -> Option<u32> {
        let h = self.groups.get(g)?;
        h.used.then_some(h.ranks)
    }

    /// A contact of type `t` and class `class` that started waiting at `at` was pushed at
    /// the back of queue `q`: the queue gets an entry in the heaps of the groups handling
    /// `t` where it has none.
    #[inline]
    pub(super) fn pushed(&mut self, t: usize, class: usize, q: usize, at: f64) {
        let feeds = self.feed_start[t] as usize..self.feed_start[t + 1] as usize;
        for &(_, pos, heap, flag) in &self.feeds[feeds] {
            let flag = &mut self.listed[(flag as usize) + class];
            if !*flag {
                *flag = true;
                let heap = &mut self.heaps[heap as usize + class];
                heap.push(Reverse((key(at), pos, q as u32)));
            }
        }
    }

    /// The queue of group `g` (pass 0 real-time or 1 backlog, serve-order `rank`, class
    /// `class`) whose front waiting contact started waiting first, and that start; stale
    /// entries are dropped from the queues' fronts on the way.
    pub(super) fn front(
        &mut self,
        (g, pass, rank, class): (usize, u32, u32, usize),
        queues: &mut [VecDeque<(ContactId, Stamp)>],
        contacts: &[Contact],
    ) -> Option<(f64, usize)> {
        let h = self.groups[g];
        let classes = self.classes as usize;
        let heap_id = (h.first_heap + (pass * h.ranks + rank) * self.classes) as usize + class;
        let heap = &mut self.heaps[heap_id];
        loop {
            let &Reverse((k, pos, q)) = heap.peek()?;
            match front_waiting(&mut queues[q as usize], contacts) {
                None => {
                    heap.pop();
                    self.listed[h.first_flag as usize + pos as usize * classes + class] = false;
                }
                Some(at) if key(at) == k => return Some((at, q as usize)),
                Some(at) => {
                    heap.pop();
                    heap.push(Reverse((key(at), pos, q)));
                }
            }
        }
    }
}

/// When the front waiting contact of `queue` started waiting, after dropping its stale
/// entries from the front; `None` when no contact waits there.
#[inline]
pub(super) fn front_waiting(
    queue: &mut VecDeque<(ContactId, Stamp)>,
    contacts: &[Contact],
) -> Option<f64> {
    while let Some(&(c, stamp)) = queue.front() {
        let contact = &contacts[c.index()];
        if contact.stamp == stamp {
            debug_assert_eq!(contact.state, ContactState::Waiting);
            return Some(contact.enqueued);
        }
        queue.pop_front();
    }
    None
}
