//! One replication of the contact center on one thread, with no I/O: arrivals, routing to
//! agent groups (in priority order, with overflow after set waits), priority queues,
//! abandonment, service and staffing changes, recorded into [`Tallies`].
//!
//! Invariants: contacts and agents live in `Vec`s addressed by `u32` and their slots are
//! reused; a contact's `stamp` changes whenever it leaves a queue or its slot is freed, and
//! queue entries and timer events carry the stamp they were made with, so stale ones are
//! skipped; an idle agent exists in a group only while no contact that the group may take
//! is waiting; abandonment happens only in a queue, never in service.

pub mod arrivals;
pub mod events;

use crate::model::Model;
use crate::seeds::{self, Purpose, stream_rng};
use crate::stats::{QueueTally, ReplicationOutcome, Tallies, WaitHistogram};
use arrivals::ArrivalClock;
use events::{EventKind, EventQueue};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt};
use std::collections::VecDeque;

/// Where a contact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ContactState {
    /// The slot is unused.
    Free,
    /// Waiting for a bot session, or in one.
    WithBot,
    /// Gone for now; comes back as a redial or a repeat contact.
    Away,
    /// In a queue, waiting for an agent.
    Waiting,
    /// Being served.
    InService,
}

/// A customer contact in the system.
#[derive(Clone, Copy, Debug)]
struct Contact {
    /// Time it arrived.
    arrived: f64,
    /// Its patience in a human queue, seconds.
    patience: f64,
    /// Time it joined its current queue.
    enqueued: f64,
    /// Time its patience runs out while queued (infinite without patience).
    gives_up: f64,
    /// Seed of the contact's own draws (handle times).
    seed: u64,
    /// In service: its agent's work clock reading at which it ends.
    finish_work: f64,
    /// The channel/category pair whose queue it is in (a wrong one when misrouted).
    contact_type: u32,
    /// Its real channel/category pair.
    true_type: u32,
    /// `interval * n_channels + channel` of its arrival.
    cell: u32,
    /// Changes whenever the contact leaves a queue or the slot is freed.
    stamp: u32,
    /// Priority class, 0 first.
    class: u8,
    /// Services started so far (each draws its handle time from its own sub-stream).
    services: u8,
    /// Transfers and escalations so far.
    transfers: u8,
    /// The current service will resolve the issue (drawn when it starts).
    resolves: bool,
    /// A transfer lost the history: the next service pays the context-loss penalty.
    context_lost: bool,
    /// Handed over by a bot: the first human service pays the bot's handover penalty.
    after_bot: bool,
    /// The bot sent it to a wrong queue: its first agent must transfer it.
    misrouted: bool,
    /// It got a first response (bot or agent).
    responded: bool,
    /// What its bot session ends in.
    bot_outcome: BotOutcome,
    /// Attempts so far, this one included.
    attempts: u8,
    /// While away: it comes back as a repeat contact (else as a redial).
    comes_back_as_repeat: bool,
    state: ContactState,
    /// Arrived after the warm-up, so its outcome is recorded.
    counted: bool,
    /// Handle time of its first service given by a replayed log (NaN: drawn).
    given_handle: f32,
}

/// How a bot session ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BotOutcome {
    /// The bot resolved the issue.
    Contained,
    /// The customer left during the session.
    Dropped,
    /// Handed over to the human queues.
    HandedOver,
}

/// Live state of a bot.
#[derive(Clone, Debug, Default)]
struct BotState {
    /// Sessions in progress.
    active: u32,
    /// Contacts waiting for a free session slot.
    waiting: VecDeque<u32>,
}

/// An agent on duty, holding up to its group's `concurrency` conversations. All its
/// conversations progress at the same speed, so one work clock serves them all: each
/// conversation ends when the clock reaches its `finish_work`.
#[derive(Clone, Copy, Debug)]
struct Agent {
    group: u32,
    /// Conversations in progress.
    conversations: u8,
    /// Due to leave once its conversations end (staffing dropped).
    leaving: bool,
    /// In its group's list of agents with a free slot.
    available: bool,
    /// Changes whenever its next `ServiceEnd` is rescheduled.
    stamp: u32,
    /// Its position in its group's `members` while on duty.
    member: u32,
    /// Work done per conversation (seconds at full speed) up to `clock`.
    work: f64,
    /// Time of the last work-clock update.
    clock: f64,
}

/// Live state of an agent group.
#[derive(Clone, Debug, Default)]
struct GroupState {
    /// Agents on duty with a free conversation slot, not leaving.
    idle: Vec<u32>,
    /// Agents on duty (idle or busy), including busy ones due to leave.
    present: u32,
    /// The agents on duty, in no particular order (`Agent::member` is the position).
    members: Vec<u32>,
    /// Agents marked to leave once their conversations end.
    leaving: u32,
    /// Conversations in progress, all agents together.
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
    /// Conversations of each agent: `agent * max_concurrency + i`, `i < conversations`.
    slots: Vec<u32>,
    groups: Vec<GroupState>,
    /// FIFO queues of (contact, stamp): first `contact_type * n_classes + class`, then the
    /// transfer queues of the groups, `(n_types + group) * n_classes + class`.
    queues: Vec<VecDeque<(u32, u32)>>,
    streams: Vec<StreamState>,
    /// Per group, the generator that picks which busy agents leave at a staffing drop.
    staffing_rngs: Vec<Xoshiro256PlusPlus>,
    /// Busy agents that may be picked to leave at a staffing drop (reused buffer).
    leave_candidates: Vec<u32>,
    /// Busyness factor per channel and interval (`channel * n_intervals + k`), this
    /// replication's draw; empty when no channel has busyness.
    busyness: Vec<f64>,
    bots: Vec<BotState>,
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
    simulate_with(model, seed, replication, ws, Vec::new(), None)
}

/// A contact of a replayed log, as the engine takes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplayedContact {
    /// Arrival time, seconds from the start of the horizon.
    pub time: f64,
    /// Its channel/category pair.
    pub contact_type: u32,
    /// Its priority class (index into `Model::priority_levels`).
    pub class: u8,
    /// Handle time of its first service, when the log gives it.
    pub handle_time: Option<f64>,
    /// Its patience in the human queue, when the log gives it (or its abandon time).
    pub patience: Option<f64>,
    /// Seconds it is known to have waited without giving up (an answered row's wait).
    pub waited_at_least: f64,
}

/// Replayed contacts in time order: a contact log being read.
pub trait ContactFeed {
    /// The next contact, or `None` at the end of the log.
    fn next_contact(&mut self) -> Option<ReplayedContact>;
}

impl<T: ContactFeed + ?Sized> ContactFeed for &mut T {
    fn next_contact(&mut self) -> Option<ReplayedContact> {
        (**self).next_contact()
    }
}

/// How one attempt of a contact ended, as a contact-center log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// An agent answered it.
    Answered,
    /// The customer hung up or left the queue.
    Abandoned,
    /// The bot resolved it.
    BotResolved,
    /// The customer left during the bot session.
    BotDropout,
}

impl AttemptOutcome {
    /// The word a contact log uses.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Answered => "answered",
            AttemptOutcome::Abandoned => "abandoned",
            AttemptOutcome::BotResolved => "bot_resolved",
            AttemptOutcome::BotDropout => "bot_dropout",
        }
    }
}

/// One attempt of a contact (a first contact, a redial or a repeat) as a log row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContactRecord {
    /// When the attempt arrived, seconds from the start.
    pub arrived: f64,
    /// Its channel/category pair (the real one, even if a bot misrouted it).
    pub contact_type: u32,
    /// Its priority class.
    pub class: u8,
    /// The customer, the same over redials and repeats.
    pub customer: u64,
    /// 1 for a first contact, then 2, 3, … for redials and repeats.
    pub attempt: u8,
    /// How the attempt ended.
    pub outcome: AttemptOutcome,
    /// Time waited in the human queue before the answer or the abandonment (0 for bots).
    pub wait: f64,
    /// Handle time of the first human service (NaN when none).
    pub handle_time: f64,
}

/// Simulates like [`simulate`], with replayed contacts from `feeds` beside the synthetic
/// streams, and one record per ended attempt pushed to `log` when given.
pub fn simulate_with<'a>(
    model: &'a Model,
    seed: u64,
    replication: u32,
    ws: &'a mut Workspace,
    feeds: Vec<Box<dyn ContactFeed + 'a>>,
    log: Option<&'a mut Vec<ContactRecord>>,
) -> ReplicationOutcome {
    let mut run = Replication::new(model, seed, replication, ws);
    run.feed_rngs = (0..feeds.len() as u32)
        .map(|r| {
            let s = model.streams.len() as u32 + r;
            (
                stream_rng(seed, replication, s, Purpose::Patience),
                stream_rng(seed, replication, s, Purpose::ContactSeeds),
            )
        })
        .collect();
    run.pending = vec![None; feeds.len()];
    run.feeds = feeds;
    run.log = log;
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
    /// Priority classes in the model.
    n_classes: usize,
    /// Largest group concurrency: the stride of `Workspace::slots`.
    max_concurrency: usize,
    /// Some channel is an e-mail backlog.
    has_backlog: bool,
    /// Replayed logs; feed `r` arrives as stream `n_streams + r`.
    feeds: Vec<Box<dyn ContactFeed + 'a>>,
    /// The next contact of each feed, scheduled as an arrival.
    pending: Vec<Option<ReplayedContact>>,
    /// Patience and contact-seed generators of each feed.
    feed_rngs: Vec<(Xoshiro256PlusPlus, Xoshiro256PlusPlus)>,
    /// Where ended attempts are recorded, if asked.
    log: Option<&'a mut Vec<ContactRecord>>,
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
        ws.slots.clear();
        ws.groups
            .resize_with(model.groups.len(), GroupState::default);
        for g in &mut ws.groups {
            g.idle.clear();
            g.members.clear();
            g.present = 0;
            g.leaving = 0;
            g.busy = 0;
            g.target = 0;
            g.integrated_to = 0.0;
        }
        let n_classes = model.priority_levels.len();
        let n_queues = (model.contact_types.len() + model.groups.len()) * n_classes;
        ws.queues.resize_with(n_queues, VecDeque::new);
        ws.queues.iter_mut().for_each(VecDeque::clear);
        ws.bots.resize_with(model.bots.len(), BotState::default);
        for b in &mut ws.bots {
            b.active = 0;
            b.waiting.clear();
        }
        ws.streams.clear();
        for s in 0..model.streams.len() as u32 {
            ws.streams.push(StreamState {
                clock: ArrivalClock::new(),
                arrival_rng: stream_rng(seed, replication, s, Purpose::ArrivalTimes),
                patience_rng: stream_rng(seed, replication, s, Purpose::Patience),
                seed_rng: stream_rng(seed, replication, s, Purpose::ContactSeeds),
            });
        }
        ws.staffing_rngs.clear();
        for g in 0..model.groups.len() as u32 {
            (ws.staffing_rngs).push(stream_rng(seed, replication, g, Purpose::Staffing));
        }
        ws.busyness.clear();
        if model
            .channels
            .iter()
            .any(|c| c.busyness_day_cv > 0.0 || c.busyness_interval_cv > 0.0)
        {
            draw_busyness(model, seed, replication, &mut ws.busyness);
        }
        ws.tallies.reset(model);
        Replication {
            model,
            ws,
            now: 0.0,
            interval: 0,
            n_classes,
            has_backlog: model.channels.iter().any(|c| c.backlog),
            feeds: Vec::new(),
            pending: Vec::new(),
            feed_rngs: Vec::new(),
            log: None,
            max_concurrency: model
                .groups
                .iter()
                .map(|g| g.concurrency as usize)
                .max()
                .unwrap_or(1),
        }
    }

    fn run(&mut self) {
        let model = self.model;
        for g in 0..model.groups.len() as u32 {
            self.on_staffing_change(g, 0);
        }
        let first_boundary = if model.n_intervals > 1 {
            model.interval
        } else {
            model.horizon
        };
        self.ws
            .events
            .push(first_boundary, EventKind::IntervalStart, 1, 0);
        for s in 0..model.streams.len() {
            self.schedule_arrival(s as u32);
        }
        for r in 0..self.feeds.len() {
            self.schedule_replayed(r);
        }
        while let Some(event) = self.ws.events.pop() {
            self.ws.tallies.events += 1;
            self.now = event.time;
            match event.kind() {
                EventKind::Arrival => self.on_arrival(event.target),
                EventKind::ServiceEnd => self.on_service_end(event.target, event.stamp),
                EventKind::Abandon => self.on_abandon(event.target, event.stamp),
                EventKind::Overflow => self.on_overflow(event.target, event.stamp),
                EventKind::BotEnd => self.on_bot_end(event.target, event.stamp),
                EventKind::Return => self.on_return(event.target, event.stamp),
                EventKind::StaffingChange => self.on_staffing_change(event.target, event.stamp),
                EventKind::IntervalStart => self.on_interval_start(event.target as usize),
            }
        }
    }

    #[inline]
    fn schedule_arrival(&mut self, s: u32) {
        let stream = &mut self.ws.streams[s as usize];
        let stream_model = &self.model.streams[s as usize];
        let rates = &stream_model.rate_per_s;
        let (n, interval) = (rates.len(), self.model.interval);
        let next = if self.ws.busyness.is_empty() {
            stream
                .clock
                .next(n, |k| rates[k], interval, &mut stream.arrival_rng)
        } else {
            let channel = self.model.contact_types[stream_model.contact_type as usize].channel;
            let factors = &self.ws.busyness[channel as usize * n..(channel as usize + 1) * n];
            stream.clock.next(
                n,
                |k| rates[k] * factors[k],
                interval,
                &mut stream.arrival_rng,
            )
        };
        if let Some(t) = next {
            self.ws.events.push(t, EventKind::Arrival, s, 0);
        }
    }

    /// Applies `update` to every tally a counted contact belongs to: its interval and
    /// channel, its category, its priority class.
    #[inline]
    fn record(&mut self, c: u32, wait: Option<f64>, update: impl Fn(&mut QueueTally)) {
        let contact = &self.ws.contacts[c as usize];
        if !contact.counted {
            return;
        }
        let category = self.model.contact_types[contact.true_type as usize].category as usize;
        let (cell, class) = (contact.cell as usize, contact.class as usize);
        let t = &mut self.ws.tallies;
        // With one category or one priority class, those scopes equal the totals, which
        // are summed from the cells afterwards.
        let (per_category, per_class) = (t.by_category.len() > 1, t.by_class.len() > 1);
        update(&mut t.cells[cell]);
        if per_category {
            update(&mut t.by_category[category].0);
        }
        if per_class {
            update(&mut t.by_class[class].0);
        }
        if let Some(wait) = wait {
            t.waits[cell].add(wait);
            if per_category {
                t.by_category[category].1.add(wait);
            }
            if per_class {
                t.by_class[class].1.add(wait);
            }
        }
    }

    /// Reads feed `r`'s next contact and schedules its arrival.
    fn schedule_replayed(&mut self, r: usize) {
        let next = self.feeds[r]
            .next_contact()
            .filter(|c| c.time < self.model.horizon);
        self.pending[r] = next;
        if let Some(c) = next {
            let target = (self.model.streams.len() + r) as u32;
            let at = c.time.max(self.now);
            self.ws.events.push(at, EventKind::Arrival, target, 0);
        }
    }

    /// A replayed contact of feed `r` arrives.
    fn on_replayed_arrival(&mut self, r: usize) {
        let model = self.model;
        let replayed = self.pending[r]
            .take()
            .expect("a scheduled feed has a contact");
        let channel = model.contact_types[replayed.contact_type as usize].channel;
        let (patience_rng, seed_rng) = &mut self.feed_rngs[r];
        let seed = seed_rng.next_u64();
        let patience = match (
            replayed.patience,
            &model.channels[channel as usize].patience,
        ) {
            (Some(p), _) => p,
            (None, Some(d)) => {
                // The customer waited this long in the log without giving up: draw from
                // the patience distribution beyond it (by rejection, then memorylessly).
                let floor = replayed.waited_at_least;
                let mut p = d.sample(patience_rng);
                let mut tries = 0;
                while p < floor && tries < 64 {
                    p = d.sample(patience_rng);
                    tries += 1;
                }
                if p < floor { floor + p } else { p }
            }
            (None, None) => f64::INFINITY,
        };
        self.schedule_replayed(r);
        let now = self.now;
        let cell = (self.interval * model.channels.len() + channel as usize) as u32;
        self.ws.tallies.contacts += 1;
        let c = self.new_contact(Contact {
            arrived: now,
            patience,
            enqueued: now,
            finish_work: 0.0,
            gives_up: f64::INFINITY,
            seed,
            contact_type: replayed.contact_type,
            true_type: replayed.contact_type,
            cell,
            stamp: 0,
            class: replayed.class,
            services: 0,
            transfers: 0,
            resolves: false,
            context_lost: false,
            after_bot: false,
            misrouted: false,
            responded: false,
            bot_outcome: BotOutcome::HandedOver,
            attempts: 1,
            comes_back_as_repeat: false,
            state: ContactState::WithBot,
            counted: now >= model.warmup,
            given_handle: replayed.handle_time.map_or(f32::NAN, |h| h as f32),
        });
        self.begin_attempt(c);
    }

    /// Records how an attempt of contact `c` ended, when a log is kept.
    #[inline]
    fn log_attempt(&mut self, c: u32, outcome: AttemptOutcome, wait: f64, handle_time: f64) {
        if let Some(log) = self.log.as_deref_mut() {
            let contact = &self.ws.contacts[c as usize];
            log.push(ContactRecord {
                arrived: contact.arrived,
                contact_type: contact.true_type,
                class: contact.class,
                customer: contact.seed,
                attempt: contact.attempts,
                outcome,
                wait,
                handle_time,
            });
        }
    }

    #[inline]
    fn on_arrival(&mut self, s: u32) {
        let model = self.model;
        if s as usize >= model.streams.len() {
            self.on_replayed_arrival(s as usize - model.streams.len());
            return;
        }
        let stream_model = &model.streams[s as usize];
        let contact_type = stream_model.contact_type;
        let channel = model.contact_types[contact_type as usize].channel;
        let stream = &mut self.ws.streams[s as usize];
        let seed = stream.seed_rng.next_u64();
        let patience = match &model.channels[channel as usize].patience {
            Some(d) => d.sample(&mut stream.patience_rng),
            None => f64::INFINITY,
        };
        self.schedule_arrival(s);

        let now = self.now;
        // Arrivals fall before the horizon, so the current interval is the arrival's.
        let cell = (self.interval * model.channels.len() + channel as usize) as u32;
        self.ws.tallies.contacts += 1;
        let c = self.new_contact(Contact {
            arrived: now,
            patience,
            enqueued: now,
            finish_work: 0.0,
            gives_up: f64::INFINITY,
            seed,
            contact_type,
            true_type: contact_type,
            cell,
            stamp: 0,
            class: stream_model.class,
            services: 0,
            transfers: 0,
            resolves: false,
            context_lost: false,
            after_bot: false,
            misrouted: false,
            responded: false,
            bot_outcome: BotOutcome::HandedOver,
            attempts: 1,
            comes_back_as_repeat: false,
            state: ContactState::WithBot,
            counted: now >= model.warmup,
            given_handle: f32::NAN,
        });
        self.begin_attempt(c);
    }

    /// Contact `c` reaches out (a first contact, a redial or a repeat): it meets the bot of
    /// its channel, if there is one and it is up, or goes to the human queues.
    #[inline]
    fn begin_attempt(&mut self, c: u32) {
        let model = self.model;
        let now = self.now;
        let contact = &self.ws.contacts[c as usize];
        let channel = model.contact_types[contact.contact_type as usize].channel;
        if let Some(b) = model.channels[channel as usize].bot {
            let bot = &model.bots[b as usize];
            if !bot.is_down(now) {
                self.record(c, None, |t| t.arrivals += 1);
                let state = &mut self.ws.bots[b as usize];
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
        // Straight to the human queues: arrived and offered at once.
        self.record(c, None, |t| {
            t.arrivals += 1;
            t.offered += 1;
        });
        self.queue_for_humans(c);
    }

    /// Contact `c` leaves for now; with the channel's redial (after abandoning) or repeat
    /// (after an unresolved contact) rule it may come back. Returns whether it will.
    fn maybe_come_back(&mut self, c: u32, repeat: bool) -> bool {
        let model = self.model;
        let contact = &mut self.ws.contacts[c as usize];
        let channel = model.contact_types[contact.true_type as usize].channel as usize;
        let rule = if repeat {
            &model.channels[channel].repeat
        } else {
            &model.channels[channel].redial
        };
        let Some(rule) = rule else { return false };
        if contact.attempts >= rule.max_attempts {
            return false;
        }
        let mut rng = seeds::come_back_rng(contact.seed, contact.attempts, repeat);
        let (u, delay): (f64, f64) = (rng.random(), rule.delay.sample(&mut rng));
        if u >= rule.probability {
            return false;
        }
        let back = self.now + delay;
        if back >= model.horizon {
            self.record(c, None, |t| t.returns_after_horizon += 1);
            return false;
        }
        contact.state = ContactState::Away;
        contact.stamp = contact.stamp.wrapping_add(1);
        contact.comes_back_as_repeat = repeat;
        let stamp = contact.stamp;
        self.ws.events.push(back, EventKind::Return, c, stamp);
        true
    }

    /// Customer `c` comes back: a new attempt, counted where and when it happens.
    fn on_return(&mut self, c: u32, stamp: u32) {
        let model = self.model;
        let now = self.now;
        let n_channels = model.channels.len();
        let interval = self.interval;
        let contact = &mut self.ws.contacts[c as usize];
        debug_assert_eq!(contact.stamp, stamp);
        let repeat = contact.comes_back_as_repeat;
        if repeat {
            contact.true_type = model.contact_types[contact.true_type as usize].repeat_as;
            // A new contact starts without the history unless it travels.
            contact.context_lost = !model.transfers.keep_context;
        } else {
            contact.context_lost = false;
        }
        contact.contact_type = contact.true_type;
        let channel = model.contact_types[contact.true_type as usize].channel as usize;
        contact.attempts += 1;
        contact.arrived = now;
        contact.given_handle = f32::NAN;
        contact.cell = (interval * n_channels + channel) as u32;
        contact.counted = now >= model.warmup;
        contact.services = 0;
        contact.transfers = 0;
        contact.after_bot = false;
        contact.misrouted = false;
        contact.responded = false;
        contact.state = ContactState::WithBot;
        contact.patience = match &model.channels[channel].patience {
            Some(d) => d.sample(&mut seeds::return_patience_rng(
                contact.seed,
                contact.attempts,
            )),
            None => f64::INFINITY,
        };
        self.record(c, None, |t| {
            t.redials += !repeat as u64;
            t.repeats += repeat as u64;
        });
        self.begin_attempt(c);
    }

    /// Contact `c` starts a session with bot `b`; how it ends is drawn now.
    fn start_bot(&mut self, b: u32, c: u32) {
        let model = self.model;
        let bot = &model.bots[b as usize];
        let now = self.now;
        self.ws.bots[b as usize].active += 1;
        let contact = &mut self.ws.contacts[c as usize];
        let first_response = now - contact.arrived;
        contact.responded = true;
        let attempt = contact.attempts as u64 - 1;
        let mut rng = seeds::bot_rng(contact.seed, attempt);
        let length = bot.session.sample(&mut rng);
        let category = model.contact_types[contact.true_type as usize].category as usize;
        let (u, v): (f64, f64) = (rng.random(), rng.random());
        contact.bot_outcome = if u < bot.containment[category] {
            BotOutcome::Contained
        } else if u < bot.containment[category] + bot.dropout[category] {
            BotOutcome::Dropped
        } else {
            BotOutcome::HandedOver
        };
        if contact.bot_outcome == BotOutcome::HandedOver && v < bot.misroute {
            // A wrong queue of the same channel, among those someone serves.
            let t = contact.true_type as usize;
            let channel = model.contact_types[t].channel;
            let wrong = (0..model.contact_types.len())
                .filter(|&o| o != t)
                .filter(|&o| model.contact_types[o].channel == channel)
                .filter(|&o| !model.contact_types[o].groups.is_empty());
            let n = wrong.clone().count();
            if n > 0 {
                let pick = rng.random_range(0..n);
                contact.contact_type = wrong.clone().nth(pick).expect("in range") as u32;
                contact.misrouted = true;
            }
        }
        let (stamp, misrouted) = (contact.stamp, contact.misrouted);
        self.record(c, None, |t| {
            t.bot_sessions += 1;
            t.responded += 1;
            t.first_response_sum += first_response;
            t.bot_misrouted += misrouted as u64;
        });
        self.ws
            .events
            .push(now + length, EventKind::BotEnd, c, stamp);
    }

    fn on_bot_end(&mut self, c: u32, stamp: u32) {
        let contact = &self.ws.contacts[c as usize];
        debug_assert_eq!(contact.stamp, stamp);
        let channel = self.model.contact_types[contact.true_type as usize].channel;
        let b = self.model.channels[channel as usize]
            .bot
            .expect("a bot session has a bot");
        self.ws.bots[b as usize].active -= 1;
        match contact.bot_outcome {
            BotOutcome::Contained => {
                self.log_attempt(c, AttemptOutcome::BotResolved, 0.0, f64::NAN);
                self.record(c, None, |t| t.bot_contained += 1);
                self.free_contact(c);
            }
            BotOutcome::Dropped => {
                self.log_attempt(c, AttemptOutcome::BotDropout, 0.0, f64::NAN);
                self.record(c, None, |t| t.bot_dropped += 1);
                self.free_contact(c);
            }
            BotOutcome::HandedOver => {
                self.ws.contacts[c as usize].after_bot = true;
                self.hand_to_humans(c);
            }
        }
        if let Some(next) = self.ws.bots[b as usize].waiting.pop_front() {
            self.start_bot(b, next);
        }
    }

    /// Contact `c` asks for a human: an idle agent of a first-choice group takes it, or it
    /// queues.
    #[inline]
    fn hand_to_humans(&mut self, c: u32) {
        self.record(c, None, |t| t.offered += 1);
        self.queue_for_humans(c);
    }

    /// Contact `c`, counted as offered, waits for (or meets) an agent from now on.
    #[inline]
    fn queue_for_humans(&mut self, c: u32) {
        let now = self.now;
        let contact = &mut self.ws.contacts[c as usize];
        contact.enqueued = now;
        contact.gives_up = now + contact.patience;
        self.route(c);
    }

    /// Hands waiting contact `c` to the first idle agent of a group that takes its type at
    /// once, or queues it.
    #[inline]
    fn route(&mut self, c: u32) {
        let model = self.model;
        let t = self.ws.contacts[c as usize].contact_type;
        for &g in &model.contact_types[t as usize].groups {
            if model.groups[g as usize].overflow_after == 0.0
                && let Some(agent) = self.take_available(g)
            {
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
    fn enqueue(&mut self, c: u32, transfer_to: Option<u32>) {
        let contact = &mut self.ws.contacts[c as usize];
        contact.state = ContactState::Waiting;
        let (stamp, now, gives_up) = (contact.stamp, self.now, contact.gives_up);
        let t = contact.contact_type as usize;
        let n_types = self.model.contact_types.len();
        let queue = transfer_to.map_or(t, |g| n_types + g as usize);
        self.ws.queues[queue * self.n_classes + contact.class as usize].push_back((c, stamp));
        if gives_up.is_finite() {
            self.ws.events.push(gives_up, EventKind::Abandon, c, stamp);
        }
        if transfer_to.is_none() {
            for &wait in &self.model.contact_types[t].overflow_waits {
                if now + wait < gives_up {
                    self.ws
                        .events
                        .push(now + wait, EventKind::Overflow, c, stamp);
                }
            }
        }
    }

    #[inline]
    fn new_contact(&mut self, contact: Contact) -> u32 {
        match self.ws.free_contacts.pop() {
            Some(c) => {
                let slot = &mut self.ws.contacts[c as usize];
                let stamp = slot.stamp;
                *slot = Contact { stamp, ..contact };
                c
            }
            None => {
                self.ws.contacts.push(contact);
                (self.ws.contacts.len() - 1) as u32
            }
        }
    }

    #[inline]
    fn free_contact(&mut self, c: u32) {
        let slot = &mut self.ws.contacts[c as usize];
        slot.state = ContactState::Free;
        slot.stamp = slot.stamp.wrapping_add(1);
        self.ws.free_contacts.push(c);
    }

    /// Agent `agent` (idle, present) starts serving waiting contact `c`.
    #[inline]
    fn start_service(&mut self, agent: u32, c: u32) {
        let model = self.model;
        let now = self.now;
        let g = self.ws.agents[agent as usize].group;
        self.integrate(g);
        self.ws.groups[g as usize].busy += 1;

        let contact = &mut self.ws.contacts[c as usize];
        contact.state = ContactState::InService;
        contact.stamp = contact.stamp.wrapping_add(1);
        let wait = now - contact.enqueued;
        let services = contact.services as u64;
        contact.services = contact.services.saturating_add(1);
        let (seed, t) = (contact.seed, contact.contact_type);
        // A sub-stream per attempt and service: a repeat contact draws afresh.
        let attempt = contact.attempts as u64 - 1;
        let mut rng = seeds::service_rng(seed, attempt, services);
        // A replayed log's handle time is what the service took, penalties included.
        let given = services == 0 && !contact.given_handle.is_nan();
        let drawn = model.handle_time(g, t).sample(&mut rng);
        let mut handle = if given {
            contact.given_handle as f64
        } else {
            drawn
        };
        let category = model.contact_types[t as usize].category as usize;
        let resolve = model.groups[g as usize].resolve[category];
        contact.resolves = rng.random::<f64>() < resolve && !contact.misrouted;
        if contact.after_bot {
            contact.after_bot = false;
            let channel = model.contact_types[t as usize].channel as usize;
            let bot = model.channels[channel].bot.map(|b| &model.bots[b as usize]);
            if let Some(penalty) = bot.and_then(|b| b.handover_penalty.as_ref())
                && !given
            {
                handle += penalty.sample(&mut rng);
            }
        }
        // The first response, unless a bot gave it already (recorded with the answer).
        let first_response = if contact.responded {
            None
        } else {
            Some(now - contact.arrived)
        };
        contact.responded = true;
        let contact = &mut self.ws.contacts[c as usize];
        if contact.context_lost {
            contact.context_lost = false;
            if let Some(penalty) = &model.transfers.context_loss
                && !given
            {
                handle += penalty.sample(&mut rng);
            }
        }
        if services == 0 {
            self.log_attempt(c, AttemptOutcome::Answered, wait, handle);
            let channel = model.contact_types[t as usize].channel as usize;
            let in_threshold = wait <= model.channels[channel].answer_within;
            self.record(c, Some(wait), |tally| {
                tally.answered += 1;
                tally.wait_sum += wait;
                tally.answered_in_threshold += in_threshold as u64;
                if let Some(frt) = first_response {
                    tally.responded += 1;
                    tally.first_response_sum += frt;
                }
            });
        } else {
            self.record(c, None, |tally| {
                tally.transfer_answered += 1;
                tally.transfer_wait_sum += wait;
                if let Some(frt) = first_response {
                    tally.responded += 1;
                    tally.first_response_sum += frt;
                }
            });
        }
        if model.groups[g as usize].concurrency == 1 {
            // One contact at a time: no work clock, the end is known now.
            let a = &mut self.ws.agents[agent as usize];
            a.conversations = 1;
            a.stamp = a.stamp.wrapping_add(1);
            let stamp = a.stamp;
            self.ws.slots[agent as usize * self.max_concurrency] = c;
            self.ws
                .events
                .push(now + handle, EventKind::ServiceEnd, agent, stamp);
            return;
        }
        self.advance(agent);
        let a = &mut self.ws.agents[agent as usize];
        let slot = agent as usize * self.max_concurrency + a.conversations as usize;
        a.conversations += 1;
        let finish_work = a.work + handle;
        self.ws.slots[slot] = c;
        self.ws.contacts[c as usize].finish_work = finish_work;
        self.reschedule(agent);
    }

    /// Speed of each conversation of an agent of group `g` holding `m` at once.
    #[inline]
    fn speed(&self, g: u32, m: u8) -> f64 {
        let slowdown = self.model.groups[g as usize].concurrency_slowdown;
        if m <= 1 || slowdown == 0.0 {
            1.0
        } else {
            1.0 / (1.0 + slowdown * (m - 1) as f64)
        }
    }

    /// Brings agent `agent`'s work clock up to now.
    #[inline]
    fn advance(&mut self, agent: u32) {
        let a = self.ws.agents[agent as usize];
        let speed = self.speed(a.group, a.conversations);
        let a = &mut self.ws.agents[agent as usize];
        a.work += (self.now - a.clock) * speed;
        a.clock = self.now;
    }

    /// Schedules agent `agent`'s next conversation end (its clock must be current).
    #[inline]
    fn reschedule(&mut self, agent: u32) {
        let a = self.ws.agents[agent as usize];
        let a_stamp = a.stamp.wrapping_add(1);
        self.ws.agents[agent as usize].stamp = a_stamp;
        if a.conversations == 0 {
            return;
        }
        let base = agent as usize * self.max_concurrency;
        let slots = &self.ws.slots[base..base + a.conversations as usize];
        let next = slots
            .iter()
            .map(|&c| self.ws.contacts[c as usize].finish_work)
            .fold(f64::INFINITY, f64::min);
        let at = self.now + (next - a.work).max(0.0) / self.speed(a.group, a.conversations);
        self.ws
            .events
            .push(at, EventKind::ServiceEnd, agent, a_stamp);
    }

    /// Takes an agent with a free slot from group `g`: the least loaded one.
    #[inline]
    fn take_available(&mut self, g: u32) -> Option<u32> {
        let idle = &mut self.ws.groups[g as usize].idle;
        let pos = if self.model.groups[g as usize].concurrency == 1 {
            idle.len().checked_sub(1)?
        } else {
            let agents = &self.ws.agents;
            (0..idle.len()).min_by_key(|&i| agents[idle[i] as usize].conversations)?
        };
        let agent = idle.swap_remove(pos);
        self.ws.agents[agent as usize].available = false;
        Some(agent)
    }

    /// Lists agent `agent` as available if it has a free slot and is not leaving.
    #[inline]
    fn make_available(&mut self, agent: u32) {
        let a = &mut self.ws.agents[agent as usize];
        let k = self.model.groups[a.group as usize].concurrency;
        if !a.available && !a.leaving && a.conversations < k {
            a.available = true;
            self.ws.groups[a.group as usize].idle.push(agent);
        }
    }

    /// Takes agent `agent` off its group's available list.
    #[inline]
    fn make_unavailable(&mut self, agent: u32) {
        let a = &mut self.ws.agents[agent as usize];
        if a.available {
            a.available = false;
            let idle = &mut self.ws.groups[a.group as usize].idle;
            if let Some(pos) = idle.iter().rposition(|&x| x == agent) {
                idle.swap_remove(pos);
            }
        }
    }

    /// Agent `agent` takes waiting contacts while it has free slots, then is listed as
    /// available if it still has one.
    #[inline]
    fn fill(&mut self, agent: u32) {
        self.make_unavailable(agent);
        let g = self.ws.agents[agent as usize].group;
        let k = self.model.groups[g as usize].concurrency;
        while self.ws.agents[agent as usize].conversations < k
            && !self.ws.agents[agent as usize].leaving
        {
            match self.next_waiting(g) {
                Some(c) => self.start_service(agent, c),
                None => break,
            }
        }
        self.make_available(agent);
    }

    /// Agent `agent` leaves its group now (it holds no conversation).
    fn leave(&mut self, agent: u32) {
        self.make_unavailable(agent);
        let a = &mut self.ws.agents[agent as usize];
        debug_assert_eq!(a.conversations, 0);
        let group = &mut self.ws.groups[a.group as usize];
        group.present -= 1;
        if a.leaving {
            group.leaving -= 1;
        }
        a.leaving = false;
        a.stamp = a.stamp.wrapping_add(1);
        let member = a.member as usize;
        group.members.swap_remove(member);
        if let Some(&moved) = group.members.get(member) {
            self.ws.agents[moved as usize].member = member as u32;
        }
        self.ws.free_agents.push(agent);
    }

    /// Agent `agent` (present, holding conversations) takes no new one and leaves once
    /// they end.
    fn mark_leaving(&mut self, agent: u32) {
        self.make_unavailable(agent);
        let a = &mut self.ws.agents[agent as usize];
        debug_assert!(!a.leaving && a.conversations > 0);
        a.leaving = true;
        self.ws.groups[a.group as usize].leaving += 1;
    }

    /// The earliest of agent `agent`'s conversations ends.
    #[inline]
    fn on_service_end(&mut self, agent: u32, stamp: u32) {
        if self.ws.agents[agent as usize].stamp != stamp {
            return;
        }
        let a = self.ws.agents[agent as usize];
        let g = a.group;
        let base = agent as usize * self.max_concurrency;
        let m = a.conversations as usize;
        if m > 1 {
            self.advance(agent);
        }
        let (mut i, mut earliest) = (0, f64::INFINITY);
        for j in 0..m {
            let f = self.ws.contacts[self.ws.slots[base + j] as usize].finish_work;
            if f < earliest {
                (i, earliest) = (j, f);
            }
        }
        let c = self.ws.slots[base + i];
        self.ws.slots[base + i] = self.ws.slots[base + m - 1];
        self.integrate(g);
        self.ws.agents[agent as usize].conversations -= 1;
        self.ws.groups[g as usize].busy -= 1;
        self.finish_service(c, g);
        // A staffing drop picked who leaves (`set_staffing`): nobody else is over the plan.
        debug_assert!({
            let group = &self.ws.groups[g as usize];
            group.present - group.leaving <= group.target
        });
        if self.ws.agents[agent as usize].leaving {
            self.make_unavailable(agent);
            if self.ws.agents[agent as usize].conversations == 0 {
                self.leave(agent);
            } else {
                self.reschedule(agent);
            }
            return;
        }
        self.reschedule(agent);
        self.fill(agent);
    }

    /// Contact `c` leaves group `g`'s agent: resolved, transferred or unresolved.
    #[inline]
    fn finish_service(&mut self, c: u32, g: u32) {
        let model = self.model;
        let contact = &self.ws.contacts[c as usize];
        let category = model.contact_types[contact.contact_type as usize].category as usize;
        let transfers = contact.transfers;
        if contact.misrouted {
            // The agent finds the contact is not theirs and sends it where it belongs.
            self.record(c, None, |t| {
                t.transfers += 1;
                t.transferred += (transfers == 0) as u64;
            });
            let contact = &mut self.ws.contacts[c as usize];
            contact.misrouted = false;
            contact.contact_type = contact.true_type;
            contact.transfers += 1;
            contact.context_lost = !model.transfers.keep_context;
            contact.enqueued = self.now;
            contact.gives_up = self.now + contact.patience;
            self.route(c);
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
        match model.groups[g as usize].escalate_to[category] {
            Some(to) if transfers < model.transfers.max_per_contact => {
                self.record(c, None, |t| {
                    t.transfers += 1;
                    t.transferred += (transfers == 0) as u64;
                });
                self.transfer(c, to);
            }
            _ => {
                self.record(c, None, |t| t.unresolved += 1);
                if !self.maybe_come_back(c, true) {
                    self.free_contact(c);
                }
            }
        }
    }

    /// Sends contact `c` to group `to`: an idle agent there takes it, or it waits in the
    /// group's transfer queue with a fresh patience.
    fn transfer(&mut self, c: u32, to: u32) {
        let model = self.model;
        let now = self.now;
        let contact = &mut self.ws.contacts[c as usize];
        contact.transfers += 1;
        contact.context_lost = !model.transfers.keep_context;
        contact.enqueued = now;
        let channel = model.contact_types[contact.contact_type as usize].channel as usize;
        contact.gives_up = match &model.channels[channel].patience {
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
    /// class first, then the longest-waiting among the queues it handles, counting only
    /// contacts that have waited the group's `overflow_after`.
    #[inline]
    fn next_waiting(&mut self, g: u32) -> Option<u32> {
        let group = &self.model.groups[g as usize];
        let ws = &mut *self.ws;
        let now = self.now;
        // The queues of the types it handles, then its own transfer queue (no overflow wait).
        let transfer_queue = self.model.contact_types.len() as u32 + g;
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
                .filter(|&&t| types[t as usize].backlog == backlog);
            let queues = queues.map(|&t| (t, group.overflow_after));
            let transfers = (!backlog).then_some((transfer_queue, 0.0));
            let queues = queues.chain(transfers);
            for class in 0..self.n_classes {
                let mut best: Option<(f64, usize)> = None;
                for (base, wait_first) in queues.clone() {
                    let q = base as usize * self.n_classes + class;
                    let queue = &mut ws.queues[q];
                    while let Some(&(c, stamp)) = queue.front() {
                        let contact = &ws.contacts[c as usize];
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

    #[inline]
    fn on_abandon(&mut self, c: u32, stamp: u32) {
        let contact = &self.ws.contacts[c as usize];
        if contact.stamp != stamp {
            return;
        }
        if contact.services == 0 {
            let wait = self.now - contact.enqueued;
            self.log_attempt(c, AttemptOutcome::Abandoned, wait, f64::NAN);
            self.record(c, None, |t| t.abandoned += 1);
        } else {
            self.record(c, None, |t| t.abandoned_in_transfer += 1);
        }
        // The queue entry goes stale and is dropped when it reaches the front.
        if !self.maybe_come_back(c, false) {
            self.free_contact(c);
        }
    }

    /// Contact `c` has waited long enough for some overflow groups: the first of them with
    /// an idle agent takes it.
    fn on_overflow(&mut self, c: u32, stamp: u32) {
        let contact = &self.ws.contacts[c as usize];
        if contact.stamp != stamp {
            return;
        }
        let waited = contact.enqueued;
        let t = contact.contact_type as usize;
        for &g in &self.model.contact_types[t].groups {
            if waited + self.model.groups[g as usize].overflow_after <= self.now
                && let Some(agent) = self.take_available(g)
            {
                // Its queue entry goes stale: start_service changes the stamp.
                self.start_service(agent, c);
                self.make_available(agent);
                return;
            }
        }
    }

    fn on_interval_start(&mut self, k: usize) {
        let model = self.model;
        for g in 0..model.groups.len() as u32 {
            self.integrate(g);
        }
        self.record_backlog(k - 1);
        self.interval = k;
        if k < model.n_intervals {
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

    /// Counts the e-mail contacts waiting at the end of interval `k`, per channel.
    fn record_backlog(&mut self, k: usize) {
        let model = self.model;
        let n_ch = model.channels.len();
        for (t, ct) in model.contact_types.iter().enumerate() {
            if !ct.backlog {
                continue;
            }
            let mut waiting = 0;
            for class in 0..self.n_classes {
                let queue = &self.ws.queues[t * self.n_classes + class];
                waiting += queue
                    .iter()
                    .filter(|&&(c, stamp)| self.ws.contacts[c as usize].stamp == stamp)
                    .count() as u64;
            }
            self.ws.tallies.cells[k * n_ch + ct.channel as usize].backlog += waiting;
        }
    }

    /// Group `g` reaches entry `i` of its staffing timeline; the next entry is scheduled.
    fn on_staffing_change(&mut self, g: u32, i: u32) {
        let group = &self.model.groups[g as usize];
        let (_, scheduled) = group.timeline[i as usize];
        self.set_staffing(g, group.on_duty(scheduled));
        if let Some(&(at, _)) = group.timeline.get(i as usize + 1) {
            self.ws.events.push(at, EventKind::StaffingChange, g, i + 1);
        }
    }

    /// Changes the number of agents group `g` should have on duty from now on.
    fn set_staffing(&mut self, g: u32, target: u32) {
        self.integrate(g);
        self.ws.groups[g as usize].target = target;
        // Fewer agents: who leaves is decided now. Agents without a conversation leave at
        // once; if that is not enough, busy agents picked at random (so without regard to
        // how long their conversations will last) finish them, take no new one and leave.
        // The others keep taking contacts.
        let over_plan = |ws: &Workspace| {
            let group = &ws.groups[g as usize];
            (group.present - group.leaving).saturating_sub(target)
        };
        while over_plan(self.ws) > 0 {
            let idle = &self.ws.groups[g as usize].idle;
            let Some(pos) = idle
                .iter()
                .rposition(|&a| self.ws.agents[a as usize].conversations == 0)
            else {
                break;
            };
            let agent = idle[pos];
            self.leave(agent);
        }
        let mut excess = over_plan(self.ws) as usize;
        if excess > 0 {
            let ws = &mut *self.ws;
            ws.leave_candidates.clear();
            let agents = &ws.agents;
            (ws.leave_candidates).extend(
                ws.groups[g as usize]
                    .members
                    .iter()
                    .filter(|&&a| !agents[a as usize].leaving),
            );
            // The first `excess` places of a Fisher–Yates shuffle: a uniform choice.
            let rng = &mut ws.staffing_rngs[g as usize];
            let n = ws.leave_candidates.len();
            excess = excess.min(n);
            for i in 0..excess {
                let j = rng.random_range(i..n);
                ws.leave_candidates.swap(i, j);
            }
            for i in 0..excess {
                let agent = self.ws.leave_candidates[i];
                self.mark_leaving(agent);
            }
        }
        // More agents: they arrive and take waiting contacts at once.
        while {
            let group = &self.ws.groups[g as usize];
            group.present - group.leaving < target
        } {
            let group = &mut self.ws.groups[g as usize];
            group.present += 1;
            let fresh = Agent {
                group: g,
                conversations: 0,
                leaving: false,
                available: false,
                stamp: 0,
                member: group.members.len() as u32,
                work: 0.0,
                clock: self.now,
            };
            let agent = match self.ws.free_agents.pop() {
                Some(a) => {
                    let stamp = self.ws.agents[a as usize].stamp;
                    self.ws.agents[a as usize] = Agent { stamp, ..fresh };
                    a
                }
                None => {
                    self.ws.agents.push(fresh);
                    let k = self.max_concurrency;
                    self.ws.slots.extend(std::iter::repeat_n(u32::MAX, k));
                    (self.ws.agents.len() - 1) as u32
                }
            };
            self.ws.groups[g as usize].members.push(agent);
            self.fill(agent);
        }
    }

    /// Adds busy and staffed agent-time of group `g` up to now to the current interval.
    #[inline]
    fn integrate(&mut self, g: u32) {
        let group = &mut self.ws.groups[g as usize];
        // Agents above the plan are finishing contacts past their time: overtime, also
        // after the horizon.
        if group.present > group.target && group.integrated_to >= self.model.warmup {
            let extra = (group.present - group.target) as f64 * (self.now - group.integrated_to);
            self.ws.tallies.overtime[g as usize] += extra;
            // Per interval; the drain after the horizon to the last one.
            let k = self.interval.min(self.model.n_intervals - 1);
            self.ws.tallies.overtime_area[k * self.model.groups.len() + g as usize] += extra;
        }
        if self.interval < self.model.n_intervals {
            let dt = self.now - group.integrated_to;
            let area = self.interval * self.model.groups.len() + g as usize;
            // With concurrency k, each conversation keeps 1/k of an agent busy.
            let k = self.model.groups[g as usize].concurrency as f64;
            self.ws.tallies.busy_area[area] += group.busy as f64 * dt / k;
            self.ws.tallies.staffed_area[area] += group.present as f64 * dt;
        }
        group.integrated_to = self.now;
    }
}

/// Draws this replication's busyness factors: per channel, a gamma factor of mean 1 per day
/// times one per interval (coefficients of variation from the scenario), shared by all the
/// channel's streams; 1 where a channel has none.
fn draw_busyness(model: &Model, seed: u64, replication: u32, factors: &mut Vec<f64>) {
    let n = model.n_intervals;
    factors.resize(model.channels.len() * n, 1.0);
    let gamma = |cv: f64| rand_distr::Gamma::new(1.0 / (cv * cv), cv * cv).ok();
    for (ch, channel) in model.channels.iter().enumerate() {
        let mut rng = stream_rng(seed, replication, ch as u32, Purpose::Busyness);
        let day = gamma(channel.busyness_day_cv);
        let interval = gamma(channel.busyness_interval_cv);
        let mut day_factor = 1.0;
        let mut day_index = usize::MAX;
        for k in 0..n {
            let d = (k as f64 * model.interval / 86_400.0) as usize;
            if d != day_index {
                day_index = d;
                day_factor = day
                    .as_ref()
                    .map_or(1.0, |g| rand_distr::Distribution::sample(g, &mut rng));
            }
            let f = interval
                .as_ref()
                .map_or(1.0, |g| rand_distr::Distribution::sample(g, &mut rng));
            factors[ch * n + k] = day_factor * f;
        }
    }
}
