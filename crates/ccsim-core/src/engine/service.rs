//! Service: an agent takes a contact (`start_service`: the contact leaves its queue, its
//! handle time and resolution are drawn, the answer is recorded, the agent holds it), and a
//! conversation ends (`on_service_end`, then `finish_service`: resolved, transferred,
//! escalated or unresolved; the agent leaves or takes the next contact).
//!
//! Invariants: a service draws from the contact's sub-stream for (attempt, service), always
//! in the order handle time, resolution, handover penalty, context-loss penalty, so a
//! replayed handle time changes no later draw; the answer and the wait are recorded at the
//! first service of an attempt only. A drawn handle time (not a replayed one, not the
//! penalties) is multiplied by the contact type's `handle_scale` of the interval the
//! service starts in.

use super::state::ContactState;
use super::{AttemptOutcome, Replication};
use crate::ids::{AgentId, ContactId, GroupId, Stamp};
use crate::seeds;
use rand::{Rng, RngExt};

/// What a contact brings to the service it starts.
#[derive(Clone, Copy, Debug)]
struct ServiceStart {
    /// Time it waited in its last queue.
    wait: f64,
    /// Services of this attempt before this one.
    service: u64,
    /// Time to its first response, when this service gives it.
    first_response: Option<f64>,
}

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Agent `agent` (present, with a free slot) starts serving waiting contact `c`.
    #[inline]
    pub(super) fn start_service(&mut self, agent: AgentId, c: ContactId) {
        let g = self.ws.agents[agent.index()].group;
        self.integrate(g);
        self.ws.groups[g.index()].busy += 1;
        let start = self.leave_queue(c);
        let handle = self.draw_service(g, c, start.service);
        self.record_service_start(c, start, handle);
        self.hold(agent, c, handle);
    }

    /// Contact `c` leaves its queue for a service: its queue entry and timers go stale.
    #[inline]
    fn leave_queue(&mut self, c: ContactId) -> ServiceStart {
        let now = self.now;
        let contact = &mut self.ws.contacts[c.index()];
        contact.state = ContactState::InService;
        contact.stamp = contact.stamp.next();
        let service = contact.services as u64;
        contact.services = contact.services.saturating_add(1);
        // The first response, unless a bot gave it already (recorded with the answer).
        let first_response = (!contact.responded).then_some(now - contact.arrived);
        contact.responded = true;
        ServiceStart {
            wait: now - contact.enqueued,
            service,
            first_response,
        }
    }

    /// Draws service number `service` of contact `c` by group `g`: whether it resolves the
    /// issue (set on the contact), and the handle time, with the penalties it pays (a
    /// replayed log's handle time is what the service took, penalties included).
    #[inline]
    fn draw_service(&mut self, g: GroupId, c: ContactId, service: u64) -> f64 {
        let contact = &self.ws.contacts[c.index()];
        // A sub-stream per attempt and service: a repeat contact draws afresh.
        let attempt = contact.attempts as u64 - 1;
        let mut rng = seeds::service_rng(contact.seed, attempt, service);
        self.draw_service_from(g, c, service, &mut rng)
    }

    /// [`Self::draw_service`] from the service's generator `rng`.
    #[inline(always)]
    fn draw_service_from<R: Rng>(
        &mut self,
        g: GroupId,
        c: ContactId,
        service: u64,
        rng: &mut R,
    ) -> f64 {
        let model = self.model;
        let contact = &mut self.ws.contacts[c.index()];
        let t = contact.contact_type;
        let given = service == 0 && !contact.given_handle.is_nan();
        let ct = self.m.contact_types.at(t.index());
        let distribution = model.handle_time(g, t);
        let mut drawn = if LEAN {
            distribution.sample(&mut *rng)
        } else {
            distribution.sample_inline(&mut *rng)
        };
        // Per-interval AHT: the interval the service starts in scales the draw.
        if !ct.handle_scale.is_empty() {
            drawn *= ct.handle_scale_in(model.interval_of(self.now));
        }
        let mut handle = if given {
            contact.given_handle as f64
        } else {
            drawn
        };
        let resolve = self.m.groups.at(g.index()).resolve[ct.category.index()];
        // A certain outcome (probability 0 or 1, the common 1) needs no draw unless a
        // penalty is drawn after it, from the same generator: the same numbers either way.
        let penalty_follows = !LEAN && (contact.after_bot || contact.context_lost);
        let resolves = if (resolve >= 1.0 || resolve <= 0.0) && !penalty_follows {
            resolve >= 1.0
        } else {
            rng.random::<f64>() < resolve
        };
        contact.resolves = resolves && !contact.misrouted;
        if !LEAN && contact.after_bot {
            contact.after_bot = false;
            let bot = self
                .m
                .channels
                .at(ct.channel.index())
                .bot
                .map(|b| &model.bots[b.index()]);
            if let Some(penalty) = bot.and_then(|b| b.handover_penalty.as_ref())
                && !given
            {
                handle += penalty.sample(&mut *rng);
            }
        }
        if !LEAN && contact.context_lost {
            contact.context_lost = false;
            if let Some(penalty) = &model.transfers.context_loss
                && !given
            {
                handle += penalty.sample(&mut *rng);
            }
        }
        handle
    }

    /// Records the start of a service: an answer (and its wait, in the log too) for the
    /// first service of an attempt, a transfer answered for a later one.
    #[inline]
    fn record_service_start(&mut self, c: ContactId, start: ServiceStart, handle: f64) {
        let ServiceStart {
            wait,
            first_response,
            ..
        } = start;
        if !LEAN && start.service > 0 {
            self.record(c, None, |tally| {
                tally.transfer_answered += 1;
                tally.transfer_wait_sum += wait;
                if let Some(frt) = first_response {
                    tally.responded += 1;
                    tally.first_response_sum += frt;
                }
            });
            return;
        }
        self.log_attempt(c, AttemptOutcome::Answered, wait, handle);
        if self.has_lines() && self.ws.contacts[c.index()].callback {
            self.record_callback(c, wait);
        }
        let channel = self.channel_of(self.ws.contacts[c.index()].contact_type);
        let channel = self.m.channels.at(channel.index());
        let in_threshold = wait <= channel.answer_within;
        if self.sl_defined() && channel.service_level_definition.counts_answered() {
            self.record(c, None, |tally| tally.sl_extra_counted += 1);
        }
        // On the lean path the attempt's arrival and offer, and how its one service ends
        // (drawn already), are recorded here too: one update a contact (see `lean`).
        let (arrived, resolved) = if LEAN {
            (1, u64::from(self.ws.contacts[c.index()].resolves))
        } else {
            (0, 0)
        };
        let unresolved = u64::from(LEAN) - resolved;
        if LEAN {
            self.record_sl_uncounted(c);
        }
        self.record(c, Some(wait), |tally| {
            tally.arrivals += arrived;
            tally.offered += arrived;
            tally.resolved += resolved;
            tally.resolved_first += resolved;
            tally.unresolved += unresolved;
            tally.answered += 1;
            tally.wait_sum += wait;
            tally.answered_in_threshold += in_threshold as u64;
            if let Some(frt) = first_response {
                tally.responded += 1;
                tally.first_response_sum += frt;
            }
        });
    }

    /// Callback contact `c` is called back after waiting `wait` in all: its wait since it
    /// accepted (the channel's `after` into its wait) is the callback's.
    #[cold]
    fn record_callback(&mut self, c: ContactId, wait: f64) {
        let contact = &mut self.ws.contacts[c.index()];
        contact.callback = false;
        let ch = self.m.contact_types.at(contact.true_type.index()).channel;
        let after = self
            .m
            .channels
            .at(ch.index())
            .callback
            .map_or(0.0, |o| o.after);
        let waited = (wait - after).max(0.0);
        self.record(c, None, |t| {
            t.callback_answered += 1;
            t.callback_wait_sum += waited;
        });
    }

    /// The earliest of agent `agent`'s conversations ends, unless the end was rescheduled
    /// since (`stamp`).
    #[inline]
    pub(super) fn on_service_end(&mut self, agent: AgentId, stamp: Stamp) {
        if self.ws.agents[agent.index()].stamp != stamp {
            return;
        }
        let g = self.ws.agents[agent.index()].group;
        let c = self.release_earliest(agent);
        self.integrate(g);
        self.ws.agents[agent.index()].conversations -= 1;
        self.ws.groups[g.index()].busy -= 1;
        self.finish_service(c, g);
        // A staffing drop picked who leaves (`set_staffing`): nobody else is over the plan.
        debug_assert!({
            let group = &self.ws.groups[g.index()];
            group.present - group.leaving <= group.target
        });
        if self.ws.agents[agent.index()].leaving {
            self.make_unavailable(agent);
            if self.ws.agents[agent.index()].conversations == 0 {
                self.leave(agent);
            } else {
                self.reschedule(agent);
            }
            return;
        }
        // With one conversation at a time the agent has no other end to schedule: its
        // next `ServiceEnd` comes with its next contact (`hold`).
        if !LEAN {
            self.reschedule(agent);
        }
        self.fill(agent);
    }

    /// Contact `c` leaves group `g`'s agent: resolved, transferred or unresolved.
    #[inline]
    fn finish_service(&mut self, c: ContactId, g: GroupId) {
        let model = self.model;
        let contact = &self.ws.contacts[c.index()];
        let category = self
            .m
            .contact_types
            .at(contact.contact_type.index())
            .category
            .index();
        let transfers = contact.transfers;
        if LEAN {
            // Resolved or not, recorded with the answer (`record_service_start`).
            self.free_contact(c);
            return;
        }
        if contact.misrouted {
            self.send_where_it_belongs(c);
            return;
        }
        if contact.resolves {
            self.record(c, None, |t| {
                t.resolved += 1;
                t.resolved_first += (transfers == 0) as u64;
            });
            self.free_contact(c);
            return;
        }
        let escalate_to = if LEAN {
            None
        } else {
            self.m.groups.at(g.index()).escalate_to[category]
        };
        match escalate_to {
            Some(to) if transfers < model.transfers.max_per_contact => {
                self.record(c, None, |t| {
                    t.transfers += 1;
                    t.transferred += (transfers == 0) as u64;
                });
                self.transfer(c, to);
            }
            _ => {
                self.record(c, None, |t| t.unresolved += 1);
                if LEAN || !self.maybe_come_back(c, true) {
                    self.free_contact(c);
                }
            }
        }
    }

    /// The agent finds misrouted contact `c` is not theirs and sends it to its real
    /// type's queues, as a transfer.
    fn send_where_it_belongs(&mut self, c: ContactId) {
        let transfers = self.ws.contacts[c.index()].transfers;
        self.record(c, None, |t| {
            t.transfers += 1;
            t.transferred += (transfers == 0) as u64;
        });
        let (now, keep_context) = (self.now, self.model.transfers.keep_context);
        let contact = &mut self.ws.contacts[c.index()];
        contact.misrouted = false;
        contact.contact_type = contact.true_type;
        contact.transfers += 1;
        contact.context_lost = !keep_context;
        contact.enqueued = now;
        contact.gives_up = now + contact.patience;
        self.route(c);
    }
}
