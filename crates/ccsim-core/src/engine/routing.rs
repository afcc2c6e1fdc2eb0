//! Routing and queues: a contact asking for a human goes to the first idle agent of a
//! group that takes its type at once, or waits in its type's queue (one per priority
//! class) with an `Abandon` timer and an `Overflow` timer per later group; a transferred
//! contact waits in the target group's transfer queue. Agents take the highest class
//! first, then the longest-waiting contact they may take.
//!
//! Invariants: queue entries carry the contact's stamp and are dropped lazily when stale
//! (the contact abandoned, overflowed or left); backlog (e-mail) queues are served only when
//! no real-time queue of the group holds an eligible contact; nobody abandons a backlog.

use super::Replication;
use super::events::Payload;
use super::heads::front_waiting;
use super::state::ContactState;
use crate::ids::{ContactId, GroupId, QueueId, Stamp};
use crate::seeds;

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// The queue of priority class `class` in queue family `base`: a contact type's index,
    /// or `n_types + group` for a group's transfer queue.
    #[inline]
    fn queue(&self, base: usize, class: usize) -> QueueId {
        QueueId::from_index(base * self.n_classes() + class)
    }

    /// Contact `c` asks for a human: counted as offered, then routed.
    #[inline]
    pub(super) fn hand_to_humans(&mut self, c: ContactId) {
        if self.has_lines() {
            let channel = self.channel_of(self.ws.contacts[c.index()].true_type);
            if !self.take_line(c, channel) {
                self.block(c);
                return;
            }
        }
        self.record_offered(c);
        self.queue_for_humans(c);
    }

    /// Counts contact `c` as offered to the human queues (and in its channel's service
    /// level, when the definition counts offered contacts).
    #[inline]
    pub(super) fn record_offered(&mut self, c: ContactId) {
        self.record(c, None, |t| t.offered += 1);
        self.record_sl_uncounted(c);
    }

    /// Counts offered contact `c` in `sl_uncounted` when its channel's service level
    /// leaves offered contacts out (a definition other than over offered).
    #[inline(always)]
    pub(super) fn record_sl_uncounted(&mut self, c: ContactId) {
        if self.sl_defined() {
            let channel = self.channel_of(self.ws.contacts[c.index()].true_type);
            if !(self.m.channels.at(channel.index()).service_level_definition).counts_offered() {
                self.record(c, None, |t| t.sl_uncounted += 1);
            }
        }
    }

    /// Contact `c`, counted as offered, waits for (or meets) an agent from now on.
    #[inline(always)]
    pub(super) fn queue_for_humans(&mut self, c: ContactId) {
        if self.patience_varies() {
            self.patience_of_this_interval(c);
        }
        let now = self.now;
        let contact = &mut self.ws.contacts[c.index()];
        contact.enqueued = now;
        contact.gives_up = now + contact.patience;
        self.route(c);
    }

    /// Contact `c` starts waiting in another interval than the one its patience was drawn
    /// for, and that interval's patience differs: it draws that one's, from its own
    /// sub-stream. Only a replayed contact's patience is drawn before it waits (on
    /// arrival, beyond its log row's wait); the others' is not drawn yet here
    /// (`patience_from` is `u32::MAX`) and `enqueue` draws it for this interval.
    #[cold]
    #[inline(never)]
    fn patience_of_this_interval(&mut self, c: ContactId) {
        let model = self.model;
        let k = self.interval.min(model.n_intervals - 1);
        let contact = &mut self.ws.contacts[c.index()];
        let from = contact.patience_from;
        if from == u32::MAX || from as usize == k {
            return;
        }
        let table = &self
            .m
            .contact_types
            .at(contact.contact_type.index())
            .patience;
        if table.is_empty() || table[from as usize] == table[k] {
            return;
        }
        contact.patience_from = k as u32;
        contact.patience = match model.patience_in(contact.contact_type, k) {
            Some(d) => d.sample(&mut seeds::wait_patience_rng(
                contact.seed,
                contact.attempts,
            )),
            None => f64::INFINITY,
        };
    }

    /// Hands waiting contact `c` to the first idle agent of a group that takes its type at
    /// once, or queues it.
    #[inline]
    pub(super) fn route(&mut self, c: ContactId) {
        let t = self.ws.contacts[c.index()].contact_type;
        if LEAN || !self.ws.availability.used {
            // A few groups: ask each in turn.
            for &g in &self.m.contact_types.at(t.index()).groups {
                if (LEAN || self.m.groups.at(g.index()).overflow_after == 0.0)
                    && let Some(agent) = self.take_available(g)
                {
                    self.start_service(agent, c);
                    // On the lean path (concurrency 1) the agent is full now.
                    if !LEAN {
                        self.make_available(agent);
                    }
                    return;
                }
            }
            self.enqueue(c, None);
            return;
        }
        // The first group of the type's list with an available agent and no overflow
        // wait (the bits of `available`, not a question to each group).
        if let Some(p) = self.ws.availability.first(t) {
            let g = self.m.contact_types.at(t.index()).groups[p];
            debug_assert_eq!(self.m.groups.at(g.index()).overflow_after, 0.0);
            let taken = self.take_available(g);
            debug_assert!(taken.is_some(), "{g:?} has its bit set, no agent");
            if let Some(agent) = taken {
                self.start_service(agent, c);
                self.make_available(agent);
                return;
            }
        }
        self.enqueue(c, None);
    }

    /// Puts waiting contact `c` at the back of its contact type's queue, or of group
    /// `transfer_to`'s transfer queue, and sets its timers.
    #[inline]
    pub(super) fn enqueue(&mut self, c: ContactId, transfer_to: Option<GroupId>) {
        if self.ws.contacts[c.index()].gives_up.is_nan() {
            self.draw_patience(c);
        }
        let contact = &mut self.ws.contacts[c.index()];
        contact.state = ContactState::Waiting;
        let (stamp, now, gives_up) = (contact.stamp, self.now, contact.gives_up);
        let (t, class) = (contact.contact_type.index(), contact.class.index());
        let n_types = self.model.contact_types.len();
        let base = transfer_to.map_or(t, |g| n_types + g.index());
        let q = self.queue(base, class);
        self.ws.queues[q.index()].push_back((c, stamp));
        if !LEAN && self.ws.heads.used && transfer_to.is_none() {
            self.ws.heads.pushed(t, class, q.index(), now);
        }
        if gives_up.is_finite() {
            if LEAN {
                // No timer: the deadline and the place its event would have had (see
                // `lean`); the event is counted as the general path pops it (the count
                // of events is the queue's count of sequence numbers given).
                let seq = self.ws.events.reserve_seq();
                self.ws.contacts[c.index()].abandon_seq = seq;
            } else {
                self.ws.events.push(gives_up, Payload::Abandon(c, stamp));
            }
        }
        if !LEAN && transfer_to.is_none() {
            for &wait in &self.m.contact_types.at(t).overflow_waits {
                if now + wait < gives_up {
                    self.ws.events.push(now + wait, Payload::Overflow(c, stamp));
                }
            }
            if self.has_lines() {
                let channel = self.m.contact_types.at(t).channel;
                if let Some(offer) = self.m.channels.at(channel.index()).callback
                    && now + offer.after < gives_up
                {
                    let at = now + offer.after;
                    self.ws.events.push(at, Payload::CallbackOffer(c, stamp));
                }
            }
        }
    }

    /// Contact `c` starts waiting for the first time in its attempt: draws its patience
    /// from the attempt's own sub-stream ([`seeds::patience_rng`]), from the distribution of
    /// its real type in the current interval, so that only a customer who waits draws one
    /// and the same customer has the same patience in two variants of a scenario.
    #[inline(always)]
    fn draw_patience(&mut self, c: ContactId) {
        let model = self.model;
        let k = self.interval.min(model.n_intervals - 1);
        let now = self.now;
        let contact = &mut self.ws.contacts[c.index()];
        let mut rng = seeds::patience_rng(contact.seed, contact.attempts);
        contact.patience = match model.patience_in(contact.true_type, k) {
            Some(d) if LEAN => d.sample(&mut rng),
            Some(d) => d.sample_inline(&mut rng),
            None => f64::INFINITY,
        };
        contact.patience_from = k as u32;
        contact.gives_up = now + contact.patience;
    }

    /// Frees contact `c`'s slot: its stamp changes, so its queue entries and timers go
    /// stale.
    #[inline]
    pub(super) fn free_contact(&mut self, c: ContactId) {
        if self.has_lines() {
            self.release_line(c);
        }
        let slot = &mut self.ws.contacts[c.index()];
        slot.state = ContactState::Free;
        slot.stamp = slot.stamp.next();
        self.ws.free_contacts.push(c);
    }

    /// Sends contact `c` to group `to`: an idle agent there takes it, or it waits in the
    /// group's transfer queue with a fresh patience.
    pub(super) fn transfer(&mut self, c: ContactId, to: GroupId) {
        let model = self.model;
        let now = self.now;
        let contact = &mut self.ws.contacts[c.index()];
        contact.transfers += 1;
        contact.context_lost = !model.transfers.keep_context;
        contact.enqueued = now;
        let k = self.interval;
        contact.gives_up = match model.patience_in(contact.contact_type, k) {
            Some(d) => {
                let attempt = contact.attempts as u64 - 1;
                let mut rng =
                    seeds::transfer_patience_rng(contact.seed, contact.transfers, attempt);
                now + d.sample(&mut rng)
            }
            None => f64::INFINITY,
        };
        match self.take_available(to) {
            Some(agent) => {
                self.start_service(agent, c);
                self.make_available(agent);
            }
            None => self.enqueue(c, Some(to)),
        }
    }

    /// Removes and returns the contact group `g` should serve next: the highest priority
    /// class first, then (with a `serve_order`) the group's best-ranked contact types,
    /// then the longest-waiting among those queues, counting only contacts that have
    /// waited the group's `overflow_after`.
    #[inline]
    pub(super) fn next_waiting(&mut self, g: GroupId) -> Option<ContactId> {
        if LEAN {
            // One queue, no transfer queue, no overflow wait; the contacts whose patience
            // ran out before now leave as they reach the front (see `lean`).
            let q = self.m.groups.at(g.index()).handles[0].index();
            loop {
                let ws = &mut *self.ws;
                front_waiting(&mut ws.queues[q], &ws.contacts)?;
                let (c, _) = ws.queues[q].pop_front()?;
                if self.gave_up(c) {
                    self.abandon_late(c);
                    continue;
                }
                return Some(c);
            }
        }
        let group = self.m.groups.at(g.index());
        if self.ws.heads.used
            && let Some(ranks) = self.ws.heads.group(g.index())
        {
            return self.next_waiting_by_heads(g, ranks);
        }
        if !group.serve_rank.is_empty() {
            return self.next_waiting_ranked(g);
        }
        if group.handles.len() == 1 && self.n_classes() == 1 && !self.has_backlog() {
            return self.next_waiting_single(g);
        }
        let ws = &mut *self.ws;
        let now = self.now;
        // The queues of the types it handles, then its own transfer queue (no overflow wait).
        let transfer_queue = self.model.contact_types.len() + g.index();
        let types = &self.model.contact_types;
        // Real-time queues first; backlog (e-mail) queues only when none has a contact.
        let passes: &[bool] = if self.has_backlog {
            &[false, true]
        } else {
            &[false]
        };
        for &backlog in passes {
            let queues = group
                .handles
                .iter()
                .filter(|&&t| types[t.index()].backlog == backlog);
            let queues = queues.map(|&t| (t.index(), group.overflow_after));
            let transfers = (!backlog).then_some((transfer_queue, 0.0));
            let queues = queues.chain(transfers);
            for class in 0..self.n_classes {
                let mut best: Option<(f64, usize)> = None;
                for (base, wait_first) in queues.clone() {
                    let q = base * self.n_classes + class;
                    let queue = &mut ws.queues[q];
                    while let Some(&(c, stamp)) = queue.front() {
                        let contact = &ws.contacts[c.index()];
                        if contact.stamp == stamp {
                            debug_assert_eq!(contact.state, ContactState::Waiting);
                            let eligible = contact.enqueued + wait_first <= now;
                            if eligible && best.is_none_or(|(since, _)| contact.enqueued < since) {
                                best = Some((contact.enqueued, q));
                            }
                            break;
                        }
                        queue.pop_front();
                    }
                }
                if let Some((_, q)) = best {
                    return ws.queues[q].pop_front().map(|(c, _)| c);
                }
            }
        }
        None
    }

    /// [`Self::next_waiting`] for a group with a `serve_order`: within a class, its ranks
    /// in turn (its transfer queue in rank 0), the longest-waiting front within a rank.
    #[inline(never)]
    fn next_waiting_ranked(&mut self, g: GroupId) -> Option<ContactId> {
        let group = self.m.groups.at(g.index());
        let ws = &mut *self.ws;
        let now = self.now;
        let transfer_queue = self.model.contact_types.len() + g.index();
        let types = &self.model.contact_types;
        let passes: &[bool] = if self.has_backlog {
            &[false, true]
        } else {
            &[false]
        };
        let ranks = group.serve_rank.iter().max().map_or(1, |&r| r as usize + 1);
        for &backlog in passes {
            for class in 0..self.n_classes {
                for rank in 0..ranks {
                    let queues = group.handles.iter().enumerate().filter(|&(h, &t)| {
                        types[t.index()].backlog == backlog && group.serve_rank[h] as usize == rank
                    });
                    let queues = queues.map(|(_, &t)| (t.index(), group.overflow_after));
                    let transfers = (!backlog && rank == 0).then_some((transfer_queue, 0.0));
                    let queues = queues.chain(transfers);
                    if let Some(q) = longest_waiting(ws, queues, self.n_classes, class, now) {
                        return ws.queues[q].pop_front().map(|(c, _)| c);
                    }
                }
            }
        }
        None
    }

    /// [`Self::next_waiting`] for a group with one contact type, one priority class and no
    /// backlog: its type's queue front, if it has waited `overflow_after`, unless the front
    /// of its transfer queue has waited strictly longer (the same choice as the probe).
    #[inline]
    fn next_waiting_single(&mut self, g: GroupId) -> Option<ContactId> {
        let group = self.m.groups.at(g.index());
        let ws = &mut *self.ws;
        let q = group.handles[0].index();
        let transfers = self.model.contact_types.len() + g.index();
        let handled = front_waiting(&mut ws.queues[q], &ws.contacts)
            .filter(|&since| since + group.overflow_after <= self.now);
        let transfer = front_waiting(&mut ws.queues[transfers], &ws.contacts);
        let q = match (handled, transfer) {
            (Some(since), Some(t)) if t < since => transfers,
            (Some(_), _) => q,
            (None, Some(_)) => transfers,
            (None, None) => return None,
        };
        ws.queues[q].pop_front().map(|(c, _)| c)
    }

    /// [`Self::next_waiting`] for a group with many queues (`ranks` serve-order ranks, 1
    /// without a `serve_order`): the same choice, from the heaps of its queues' fronts
    /// (see `heads`) and a look at its transfer queue's front.
    #[inline(never)]
    fn next_waiting_by_heads(&mut self, g: GroupId, ranks: u32) -> Option<ContactId> {
        let wait_first = self.m.groups.at(g.index()).overflow_after;
        let ws = &mut *self.ws;
        let now = self.now;
        let transfers = (self.model.contact_types.len() + g.index()) * self.n_classes;
        let passes = if self.has_backlog { 2 } else { 1 };
        for pass in 0..passes {
            for class in 0..self.n_classes {
                for rank in 0..ranks {
                    let at = (g.index(), pass, rank, class);
                    let handled = (ws.heads.front(at, &mut ws.queues, &ws.contacts))
                        .filter(|&(since, _)| since + wait_first <= now);
                    // The transfer queue (no overflow wait) is probed after the handled
                    // ones: it wins only when its front has waited strictly longer.
                    let transfer = (pass == 0 && rank == 0)
                        .then(|| front_waiting(&mut ws.queues[transfers + class], &ws.contacts))
                        .flatten();
                    let q = match (handled, transfer) {
                        (Some((since, _)), Some(t)) if t < since => transfers + class,
                        (Some((_, q)), _) => q,
                        (None, Some(_)) => transfers + class,
                        (None, None) => continue,
                    };
                    return ws.queues[q].pop_front().map(|(c, _)| c);
                }
            }
        }
        None
    }

    /// Contact `c` runs out of patience, unless it has left its queue since (`stamp`).
    #[inline]
    pub(super) fn on_abandon(&mut self, c: ContactId, stamp: Stamp) {
        let contact = &self.ws.contacts[c.index()];
        if contact.stamp != stamp || (!LEAN && contact.callback) {
            return;
        }
        if contact.services == 0 {
            let wait = self.now - contact.enqueued;
            let channel = self
                .m
                .channels
                .at(self.channel_of(contact.true_type).index());
            let short = channel.short_abandon > 0.0 && wait <= channel.short_abandon;
            let (met, counted) = channel.service_level_definition.on_abandon(short);
            self.log_attempt(c, super::AttemptOutcome::Abandoned, wait, f64::NAN);
            self.record(c, None, |t| {
                t.abandoned += 1;
                t.abandoned_short += u64::from(short);
                t.abandoned_wait_sum += wait;
                t.sl_extra_met += met;
                t.sl_extra_counted += counted;
            });
        } else {
            self.record(c, None, |t| t.abandoned_in_transfer += 1);
        }
        // The queue entry goes stale and is dropped when it reaches the front.
        if LEAN || !self.maybe_come_back(c, false) {
            self.free_contact(c);
        }
    }

    /// Contact `c` has waited long enough for some overflow groups: the first of them with
    /// an idle agent takes it.
    pub(super) fn on_overflow(&mut self, c: ContactId, stamp: Stamp) {
        let contact = &self.ws.contacts[c.index()];
        if contact.stamp != stamp {
            return;
        }
        let waited = contact.enqueued;
        let t = contact.contact_type.index();
        for &g in &self.m.contact_types.at(t).groups {
            if waited + self.m.groups.at(g.index()).overflow_after <= self.now
                && let Some(agent) = self.take_available(g)
            {
                // Its queue entry goes stale: start_service changes the stamp.
                self.start_service(agent, c);
                self.make_available(agent);
                return;
            }
        }
    }

    /// Counts the e-mail contacts waiting at the end of interval `k`, per channel.
    pub(super) fn record_backlog(&mut self, k: usize) {
        let model = self.model;
        let cells = model.channel_grid();
        for (t, ct) in model.contact_types.iter().enumerate() {
            if !ct.backlog {
                continue;
            }
            let mut waiting = 0;
            for class in 0..self.n_classes() {
                let queue = &self.ws.queues[self.queue(t, class).index()];
                waiting += queue
                    .iter()
                    .filter(|&&(c, stamp)| self.ws.contacts[c.index()].stamp == stamp)
                    .count() as u64;
            }
            self.ws.tallies.cells[cells.at(k, ct.channel.index())].backlog += waiting;
        }
    }
}

/// The queue (of class `class`, among `queues`: each a queue family and the wait before a
/// contact there is eligible) whose front contact has waited longest, dropping stale
/// entries from the fronts on the way.
#[inline]
fn longest_waiting(
    ws: &mut super::state::Workspace,
    queues: impl Iterator<Item = (usize, f64)>,
    n_classes: usize,
    class: usize,
    now: f64,
) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for (base, wait_first) in queues {
        let q = base * n_classes + class;
        let queue = &mut ws.queues[q];
        while let Some(&(c, stamp)) = queue.front() {
            let contact = &ws.contacts[c.index()];
            if contact.stamp == stamp {
                debug_assert_eq!(contact.state, ContactState::Waiting);
                let eligible = contact.enqueued + wait_first <= now;
                if eligible && best.is_none_or(|(since, _)| contact.enqueued < since) {
                    best = Some((contact.enqueued, q));
                }
                break;
            }
            queue.pop_front();
        }
    }
    best.map(|(_, q)| q)
}
