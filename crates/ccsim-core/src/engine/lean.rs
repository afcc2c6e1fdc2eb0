//! The lean path (issue 18): the engine's own code, compiled a second time with the
//! mechanisms a plain queueing model never meets switched off at compile time
//! (`Replication<'_, true>`), so their checks, lookups and branches vanish from the hot
//! loop. A model takes it when [`fits`] says it has none of them; the results are the
//! same bits either way (a test runs models both ways), only the instructions differ.
//!
//! What the lean path leaves out: bots, opening hours, trunk lines and callbacks, e-mail
//! backlogs, redials and repeats, transfers and escalations, overflow waits, priority
//! classes (one), chat concurrency (1), serve orders, per-interval patience, groups that
//! handle more than one contact type, replayed logs, contact logs, and the routing
//! structures built for many groups or many queues (availability bits, heaps of queue
//! fronts). Service-level definitions and short abandons, busyness, per-interval
//! handle-time scales, surges, staffing timelines, rosters, shrinkage and warm-up stay
//! (they are data, not branches).
//!
//! Abandonment without timers: a waiting contact's `Abandon` event is not pushed. Its
//! sequence number is reserved instead ([`super::events::EventQueue::reserve_seq`]), so
//! every other event keeps its number, and the contact leaves when an agent finds it at
//! the front of its queue with its deadline (`gives_up`, that number) before the event
//! being handled, or when the replication ends; it is counted in `events` as the general
//! path pops its timer. Whether it abandoned is decided as the timer's event would have
//! decided it, ties in time included. Its counts are recorded at once (integers: the order
//! does not matter); its wait is added to `abandoned_wait_sum` when the replication ends,
//! sorted in the order of the events it replaces, so that every sum is the same bits as
//! the general path's. This spares a heap push and a pop (mostly of a stale timer: the
//! contact was answered) for every contact that waits.
//!
//! One tally update a contact: an attempt's arrival and offer are not recorded when it
//! arrives but with its end, in the same update (`record_service_start` for an answered
//! contact, with how its one service ends, resolved or not, drawn already; `abandon_late`
//! for an abandoned one; the end of the replication for one that waits for ever). Those
//! are integer counts of the contact's own cell, so their order does not matter; the sums
//! of times (waits, first responses) are added where the general path adds them, in the
//! same order, so every tally is the same bits as the general path's.

use super::Replication;
use super::state::Workspace;
use crate::ids::ContactId;
use crate::model::Model;

/// Whether `model` (with `ws` reset for it) can run on the lean path: it has none of the
/// mechanisms listed in the module's documentation, and every group handles one contact
/// type.
pub(super) fn fits(model: &Model, ws: &Workspace) -> bool {
    let channels = model.channels.iter().all(|c| {
        c.bot.is_none()
            && !c.backlog
            && c.redial.is_none()
            && c.repeat.is_none()
            && c.hours.is_none()
            && c.lines == 0
            && c.callback.is_none()
    });
    let types = model
        .contact_types
        .iter()
        .all(|t| t.overflow_waits.is_empty() && !t.backlog);
    let groups = model.groups.iter().all(|g| {
        g.concurrency == 1
            && g.handles.len() == 1
            && g.overflow_after == 0.0
            && g.serve_rank.is_empty()
            && g.escalate_to.iter().all(Option::is_none)
    });
    channels
        && types
        && groups
        && model.bots.is_empty()
        && model.priority_levels.len() <= 1
        && !model.patience_varies()
        && !ws.availability.used
        && !ws.heads.used
}

/// An abandonment found late on the lean path, whose wait is added to the tallies when the
/// replication ends, in the order of `(at, seq)` (the order the general path's `Abandon`
/// events pop in).
#[derive(Clone, Copy, Debug)]
pub(super) struct LateAbandon {
    /// When the patience ran out, seconds.
    at: f64,
    /// The sequence number reserved for its event.
    seq: u64,
    /// Its reporting cell.
    cell: u32,
    /// Its category, when categories are tallied apart (`u32::MAX` otherwise).
    category: u32,
    /// How long it waited, seconds.
    wait: f64,
}

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Whether waiting contact `c` gave up before the event being handled: its deadline
    /// falls earlier, or at the same time with an earlier sequence number.
    #[inline(always)]
    pub(super) fn gave_up(&self, c: ContactId) -> bool {
        let contact = &self.ws.contacts[c.index()];
        contact.gives_up < self.now
            || (contact.gives_up == self.now && contact.abandon_seq < self.now_seq)
    }

    /// Waiting contact `c`, taken off its queue, abandoned at its `gives_up`: what
    /// `on_abandon` records, its wait kept for [`Self::add_late_abandon_waits`].
    #[cold]
    #[inline(never)]
    pub(super) fn abandon_late(&mut self, c: ContactId) {
        let contact = &self.ws.contacts[c.index()];
        debug_assert_eq!(contact.services, 0, "the lean path has no transfers");
        // The general path's `now - enqueued` at the event, whose time is `gives_up`.
        let wait = contact.gives_up - contact.enqueued;
        let channel = self
            .m
            .channels
            .at(self.channel_of(contact.true_type).index());
        let short = channel.short_abandon > 0.0 && wait <= channel.short_abandon;
        let (met, counted) = channel.service_level_definition.on_abandon(short);
        if contact.counted {
            let tallies = &self.ws.tallies;
            let category = if tallies.by_category.len() > 1 {
                self.m
                    .contact_types
                    .at(contact.true_type.index())
                    .category
                    .index() as u32
            } else {
                u32::MAX
            };
            let late = LateAbandon {
                at: contact.gives_up,
                seq: contact.abandon_seq,
                cell: contact.cell.index() as u32,
                category,
                wait,
            };
            self.ws.lean_abandons.push(late);
        }
        // Its arrival and offer too: the lean path records an attempt once, at its end.
        self.record_sl_uncounted(c);
        self.record(c, None, |t| {
            t.arrivals += 1;
            t.offered += 1;
            t.abandoned += 1;
            t.abandoned_short += u64::from(short);
            t.sl_extra_met += met;
            t.sl_extra_counted += counted;
        });
        self.free_contact(c);
    }

    /// When the events have run out: every contact still waiting with a finite patience
    /// abandoned (the general path's timers would have fired).
    pub(super) fn abandon_the_expired_left(&mut self) {
        for q in 0..self.ws.queues.len() {
            for _ in 0..self.ws.queues[q].len() {
                let Some((c, stamp)) = self.ws.queues[q].pop_front() else {
                    break;
                };
                let contact = &self.ws.contacts[c.index()];
                if contact.stamp != stamp {
                    continue;
                }
                if contact.gives_up.is_finite() {
                    self.abandon_late(c);
                } else {
                    // Waits for ever, as on the general path: it arrived and was offered.
                    self.record(c, None, |t| {
                        t.arrivals += 1;
                        t.offered += 1;
                    });
                    self.record_sl_uncounted(c);
                    self.ws.queues[q].push_back((c, stamp));
                }
            }
        }
    }

    /// Adds the late abandonments' waits to their tallies in the order of their events.
    pub(super) fn add_late_abandon_waits(&mut self) {
        let ws = &mut *self.ws;
        ws.lean_abandons
            .sort_unstable_by(|a, b| a.at.total_cmp(&b.at).then(a.seq.cmp(&b.seq)));
        for late in &ws.lean_abandons {
            ws.tallies.cells[late.cell as usize].abandoned_wait_sum += late.wait;
            if late.category != u32::MAX {
                ws.tallies.by_category[late.category as usize]
                    .0
                    .abandoned_wait_sum += late.wait;
            }
        }
        ws.lean_abandons.clear();
    }
}
