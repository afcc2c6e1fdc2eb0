//! One replication of the contact center on one thread, with no I/O: arrivals, routing to
//! agent groups, queueing, abandonment, service and staffing changes, recorded into
//! [`Tallies`].
//!
//! Invariants: contacts and agents live in `Vec`s addressed by `u32` and their slots are
//! reused; an event whose target has moved on (a generation stamp that no longer matches)
//! is skipped when popped; an idle agent exists in a group only while no contact that the
//! group handles is waiting; abandonment happens only in the queue, never in service.

pub mod arrivals;
pub mod events;

use crate::model::Model;
use crate::seeds::{Purpose, contact_rng, stream_rng};
use crate::stats::{ReplicationOutcome, Tallies, WaitHistogram};
use arrivals::ArrivalClock;
use events::{EventKind, EventQueue};
use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;
use std::collections::VecDeque;

/// Where a contact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ContactState {
    /// The slot is unused.
    Free,
    /// In a queue, waiting for an agent.
    Waiting,
    /// Being served.
    InService,
}

/// A customer contact in the system.
#[derive(Clone, Copy, Debug)]
struct Contact {
    /// Time it joined its current queue.
    enqueued: f64,
    /// Seed of the contact's own draws (handle times).
    seed: u64,
    /// `interval * n_channels + channel` of its arrival.
    cell: u32,
    /// Bumped each time the slot is freed; stale events and queue entries compare it.
    generation: u32,
    state: ContactState,
    /// Arrived after the warm-up, so its outcome is recorded.
    counted: bool,
}

/// An agent on duty.
#[derive(Clone, Copy, Debug)]
struct Agent {
    group: u32,
    /// The contact in service, when busy.
    contact: u32,
}

/// Live state of an agent group.
#[derive(Clone, Debug, Default)]
struct GroupState {
    /// Agents on duty with nothing to do.
    idle: Vec<u32>,
    /// Agents on duty (idle or busy), including busy ones due to leave.
    present: u32,
    /// Agents serving a contact.
    busy: u32,
    /// Agents the staffing plan asks for now.
    target: u32,
    /// Time up to which the group's areas have been integrated.
    integrated_to: f64,
}

/// Random streams and clock of one arrival stream.
#[derive(Clone, Debug)]
struct StreamState {
    clock: ArrivalClock,
    arrival_rng: Xoshiro256PlusPlus,
    patience_rng: Xoshiro256PlusPlus,
    seed_rng: Xoshiro256PlusPlus,
}

/// Buffers reused from one replication to the next on the same thread.
#[derive(Default, Debug)]
pub struct Workspace {
    events: EventQueue,
    contacts: Vec<Contact>,
    free_contacts: Vec<u32>,
    agents: Vec<Agent>,
    free_agents: Vec<u32>,
    groups: Vec<GroupState>,
    queues: Vec<VecDeque<(u32, u32)>>,
    streams: Vec<StreamState>,
    tallies: Tallies,
    scratch: WaitHistogram,
}

impl Workspace {
    /// An empty workspace; buffers grow on first use.
    pub fn new() -> Workspace {
        Workspace::default()
    }
}

/// Simulates replication `replication` of `model` with base seed `seed`.
pub fn simulate(
    model: &Model,
    seed: u64,
    replication: u32,
    ws: &mut Workspace,
) -> ReplicationOutcome {
    let mut run = Replication::new(model, seed, replication, ws);
    run.run();
    let ws = run.ws;
    ReplicationOutcome::from_tallies(model, &ws.tallies, &mut ws.scratch)
}

/// The state of one replication in progress.
struct Replication<'a> {
    model: &'a Model,
    ws: &'a mut Workspace,
    now: f64,
    /// Interval being integrated (`n_intervals` once past the horizon).
    interval: usize,
}

impl<'a> Replication<'a> {
    fn new(
        model: &'a Model,
        seed: u64,
        replication: u32,
        ws: &'a mut Workspace,
    ) -> Replication<'a> {
        ws.events.clear();
        ws.contacts.clear();
        ws.free_contacts.clear();
        ws.agents.clear();
        ws.free_agents.clear();
        ws.groups
            .resize_with(model.groups.len(), GroupState::default);
        for g in &mut ws.groups {
            g.idle.clear();
            g.present = 0;
            g.busy = 0;
            g.target = 0;
            g.integrated_to = 0.0;
        }
        ws.queues
            .resize_with(model.contact_types.len(), VecDeque::new);
        ws.queues.iter_mut().for_each(VecDeque::clear);
        ws.streams.clear();
        for s in 0..model.streams.len() as u32 {
            ws.streams.push(StreamState {
                clock: ArrivalClock::new(),
                arrival_rng: stream_rng(seed, replication, s, Purpose::ArrivalTimes),
                patience_rng: stream_rng(seed, replication, s, Purpose::Patience),
                seed_rng: stream_rng(seed, replication, s, Purpose::ContactSeeds),
            });
        }
        ws.tallies.reset(model);
        Replication {
            model,
            ws,
            now: 0.0,
            interval: 0,
        }
    }

    fn run(&mut self) {
        let model = self.model;
        for (g, group) in model.groups.iter().enumerate() {
            self.set_staffing(g as u32, group.staffing[0]);
        }
        if model.n_intervals > 1 {
            self.ws
                .events
                .push(model.interval, EventKind::IntervalStart, 1, 0);
        } else {
            self.ws
                .events
                .push(model.horizon, EventKind::IntervalStart, 1, 0);
        }
        for s in 0..model.streams.len() {
            self.schedule_arrival(s as u32);
        }
        while let Some(event) = self.ws.events.pop() {
            self.ws.tallies.events += 1;
            self.now = event.time;
            match event.kind() {
                EventKind::Arrival => self.on_arrival(event.target),
                EventKind::ServiceEnd => self.on_service_end(event.target),
                EventKind::Abandon => self.on_abandon(event.target, event.stamp),
                EventKind::IntervalStart => self.on_interval_start(event.target as usize),
            }
        }
    }

    fn schedule_arrival(&mut self, s: u32) {
        let stream = &mut self.ws.streams[s as usize];
        let rates = &self.model.streams[s as usize].rate_per_s;
        if let Some(t) = stream
            .clock
            .next(rates, self.model.interval, &mut stream.arrival_rng)
        {
            self.ws.events.push(t, EventKind::Arrival, s, 0);
        }
    }

    fn on_arrival(&mut self, s: u32) {
        let model = self.model;
        let contact_type = model.streams[s as usize].contact_type;
        let channel = model.contact_types[contact_type as usize].channel;
        let stream = &mut self.ws.streams[s as usize];
        let seed = stream.seed_rng.next_u64();
        let patience = match &model.channels[channel as usize].patience {
            Some(d) => d.sample(&mut stream.patience_rng),
            None => f64::INFINITY,
        };
        self.schedule_arrival(s);

        let now = self.now;
        let counted = now >= model.warmup;
        // Arrivals fall before the horizon, so the current interval is the arrival's.
        let cell = (self.interval * model.channels.len() + channel as usize) as u32;
        let tallies = &mut self.ws.tallies;
        tallies.contacts += 1;
        if counted {
            tallies.cells[cell as usize].offered += 1;
        }
        let c = self.new_contact(Contact {
            enqueued: now,
            seed,
            cell,
            generation: 0,
            state: ContactState::Waiting,
            counted,
        });
        for &g in &model.contact_types[contact_type as usize].groups {
            if let Some(agent) = self.ws.groups[g as usize].idle.pop() {
                self.start_service(agent, c);
                return;
            }
        }
        let generation = self.ws.contacts[c as usize].generation;
        self.ws.queues[contact_type as usize].push_back((c, generation));
        if patience.is_finite() {
            self.ws
                .events
                .push(now + patience, EventKind::Abandon, c, generation);
        }
    }

    fn new_contact(&mut self, contact: Contact) -> u32 {
        match self.ws.free_contacts.pop() {
            Some(c) => {
                let slot = &mut self.ws.contacts[c as usize];
                let generation = slot.generation;
                *slot = Contact {
                    generation,
                    ..contact
                };
                c
            }
            None => {
                self.ws.contacts.push(contact);
                (self.ws.contacts.len() - 1) as u32
            }
        }
    }

    fn free_contact(&mut self, c: u32) {
        let slot = &mut self.ws.contacts[c as usize];
        slot.state = ContactState::Free;
        slot.generation = slot.generation.wrapping_add(1);
        self.ws.free_contacts.push(c);
    }

    /// Agent `agent` (idle, present) starts serving waiting contact `c`.
    fn start_service(&mut self, agent: u32, c: u32) {
        let model = self.model;
        let now = self.now;
        let g = self.ws.agents[agent as usize].group;
        self.integrate(g);
        self.ws.groups[g as usize].busy += 1;
        self.ws.agents[agent as usize].contact = c;

        let contact = &mut self.ws.contacts[c as usize];
        contact.state = ContactState::InService;
        let wait = now - contact.enqueued;
        if contact.counted {
            let cell = contact.cell as usize;
            let channel = cell % model.channels.len();
            let tally = &mut self.ws.tallies.cells[cell];
            tally.answered += 1;
            tally.wait_sum += wait;
            if wait <= model.channels[channel].answer_within {
                tally.answered_in_threshold += 1;
            }
            self.ws.tallies.waits[cell].add(wait);
        }
        let mut rng = contact_rng(contact.seed);
        let handle = model.groups[g as usize].handle_time.sample(&mut rng);
        self.ws
            .events
            .push(now + handle, EventKind::ServiceEnd, agent, 0);
    }

    fn on_service_end(&mut self, agent: u32) {
        let c = self.ws.agents[agent as usize].contact;
        self.free_contact(c);
        let g = self.ws.agents[agent as usize].group;
        self.integrate(g);
        let group = &mut self.ws.groups[g as usize];
        group.busy -= 1;
        if group.present > group.target {
            // Staffing dropped while this agent was busy: it leaves now.
            group.present -= 1;
            self.ws.free_agents.push(agent);
            return;
        }
        self.take_next_or_idle(agent, g);
    }

    fn take_next_or_idle(&mut self, agent: u32, g: u32) {
        match self.next_waiting(g) {
            Some(c) => self.start_service(agent, c),
            None => self.ws.groups[g as usize].idle.push(agent),
        }
    }

    /// Removes and returns the longest-waiting contact among the queues group `g` serves.
    fn next_waiting(&mut self, g: u32) -> Option<u32> {
        let ws = &mut *self.ws;
        let mut best: Option<(f64, u32)> = None;
        for &t in &self.model.groups[g as usize].handles {
            let queue = &mut ws.queues[t as usize];
            while let Some(&(c, generation)) = queue.front() {
                let contact = &ws.contacts[c as usize];
                if contact.generation == generation && contact.state == ContactState::Waiting {
                    if best.is_none_or(|(since, _)| contact.enqueued < since) {
                        best = Some((contact.enqueued, t));
                    }
                    break;
                }
                queue.pop_front();
            }
        }
        let (_, t) = best?;
        ws.queues[t as usize].pop_front().map(|(c, _)| c)
    }

    fn on_abandon(&mut self, c: u32, stamp: u32) {
        let contact = &self.ws.contacts[c as usize];
        if contact.generation != stamp || contact.state != ContactState::Waiting {
            return;
        }
        if contact.counted {
            self.ws.tallies.cells[contact.cell as usize].abandoned += 1;
        }
        // The queue entry goes stale and is dropped when it reaches the front.
        self.free_contact(c);
    }

    fn on_interval_start(&mut self, k: usize) {
        let model = self.model;
        for g in 0..model.groups.len() as u32 {
            self.integrate(g);
        }
        self.interval = k;
        if k < model.n_intervals {
            for (g, group) in model.groups.iter().enumerate() {
                self.set_staffing(g as u32, group.staffing[k]);
            }
            let next = if k + 1 < model.n_intervals {
                (k + 1) as f64 * model.interval
            } else {
                model.horizon
            };
            self.ws
                .events
                .push(next, EventKind::IntervalStart, (k + 1) as u32, 0);
        }
    }

    /// Changes the number of agents group `g` should have on duty from now on.
    fn set_staffing(&mut self, g: u32, target: u32) {
        self.integrate(g);
        let group = &mut self.ws.groups[g as usize];
        group.target = target;
        // Fewer agents: idle ones leave now, busy ones when they finish.
        while group.present > target {
            let Some(agent) = group.idle.pop() else { break };
            group.present -= 1;
            self.ws.free_agents.push(agent);
        }
        // More agents: they arrive and take waiting contacts at once.
        while self.ws.groups[g as usize].present < target {
            self.ws.groups[g as usize].present += 1;
            let agent = match self.ws.free_agents.pop() {
                Some(a) => {
                    self.ws.agents[a as usize] = Agent {
                        group: g,
                        contact: u32::MAX,
                    };
                    a
                }
                None => {
                    self.ws.agents.push(Agent {
                        group: g,
                        contact: u32::MAX,
                    });
                    (self.ws.agents.len() - 1) as u32
                }
            };
            self.take_next_or_idle(agent, g);
        }
    }

    /// Adds busy and staffed agent-time of group `g` up to now to the current interval.
    #[inline]
    fn integrate(&mut self, g: u32) {
        let group = &mut self.ws.groups[g as usize];
        if self.interval < self.model.n_intervals {
            let dt = self.now - group.integrated_to;
            let area = self.interval * self.model.groups.len() + g as usize;
            self.ws.tallies.busy_area[area] += group.busy as f64 * dt;
            self.ws.tallies.staffed_area[area] += group.present as f64 * dt;
        }
        group.integrated_to = self.now;
    }
}
