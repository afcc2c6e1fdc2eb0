//! The engine's state: contacts, agents, groups, bots and arrival streams, and the
//! [`Workspace`] that holds them and is reused from one replication to the next on a thread.
//!
//! Invariants: every `Vec` here is indexed by a typed id of [`crate::ids`]; slots of
//! contacts and agents are reused, and a slot keeps its [`Stamp`] across reuse so that
//! events and queue entries made for an earlier occupant stay stale; `reset` empties every
//! buffer without giving back its storage (no allocation once buffers have grown).

use super::arrivals::ArrivalClock;
use super::events::EventQueue;
use crate::ids::{AgentId, CellId, ClassId, ContactId, ContactTypeId, Stamp, StreamId};
use crate::model::Model;
use crate::seeds::{Purpose, stream_rng};
use crate::stats::{Tallies, WaitHistogram};
use crate::table::Table;
use rand::rngs::Xoshiro256PlusPlus;
use std::collections::VecDeque;

/// Where a contact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ContactState {
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
pub(super) struct Contact {
    /// Time it arrived.
    pub arrived: f64,
    /// Its patience in a human queue, seconds (infinite: none; NaN: not drawn yet, drawn
    /// from the attempt's own sub-stream when it first waits, see `enqueue`).
    pub patience: f64,
    /// Time it joined its current queue.
    pub enqueued: f64,
    /// Time its patience runs out while queued (infinite without patience; NaN while the
    /// patience is not drawn).
    pub gives_up: f64,
    /// On the lean path, the sequence number its `Abandon` event would have had (reserved
    /// when it joined its queue): with `gives_up`, where its abandonment falls among the
    /// events (see [`super::lean`]).
    pub abandon_seq: u64,
    /// Seed of the contact's own draws (handle times).
    pub seed: u64,
    /// The channel/category pair whose queue it is in (a wrong one when misrouted).
    pub contact_type: ContactTypeId,
    /// Its real channel/category pair.
    pub true_type: ContactTypeId,
    /// The interval and channel of its arrival.
    pub cell: CellId,
    /// Changes whenever the contact leaves a queue or the slot is freed.
    pub stamp: Stamp,
    /// Priority class, 0 first.
    pub class: ClassId,
    /// Services started so far (each draws its handle time from its own sub-stream).
    pub services: u8,
    /// Transfers and escalations so far.
    pub transfers: u8,
    /// The current service will resolve the issue (drawn when it starts).
    pub resolves: bool,
    /// A transfer lost the history: the next service pays the context-loss penalty.
    pub context_lost: bool,
    /// Handed over by a bot: the first human service pays the bot's handover penalty.
    pub after_bot: bool,
    /// The bot sent it to a wrong queue: its first agent must transfer it.
    pub misrouted: bool,
    /// It got a first response (bot or agent).
    pub responded: bool,
    /// What its bot session ends in.
    pub bot_outcome: BotOutcome,
    /// Attempts so far, this one included.
    pub attempts: u8,
    /// While away: it comes back as a repeat contact (else as a redial).
    pub comes_back_as_repeat: bool,
    pub state: ContactState,
    /// Arrived after the warm-up, so its outcome is recorded.
    pub counted: bool,
    /// Handle time of its first service given by a replayed log (NaN: drawn).
    pub given_handle: f32,
    /// It holds one of its channel's trunk lines (see `lines`).
    pub holds_line: bool,
    /// It accepted a callback: it keeps its place, no longer abandons, is called back.
    pub callback: bool,
    /// The interval whose patience distribution `patience` was drawn from, so that a
    /// customer who starts waiting in another interval (after a bot) draws that one's
    /// (`u32::MAX`: keep it — given by a log, none, or a deferred contact's).
    pub patience_from: u32,
}

/// What a new contact brings: the only values in which two first attempts differ.
#[derive(Clone, Copy, Debug)]
pub(super) struct NewContact {
    /// Seed of its own draws.
    pub seed: u64,
    /// Its patience in a human queue, seconds (infinite: none; NaN: drawn when it first
    /// waits).
    pub patience: f64,
    /// Its channel/category pair.
    pub contact_type: ContactTypeId,
    /// Its priority class.
    pub class: ClassId,
    /// Handle time of its first service from a replayed log, if the log gives it.
    pub given_handle: Option<f64>,
    /// The interval whose patience distribution it was drawn from (`u32::MAX`: keep).
    pub patience_from: u32,
}

impl Contact {
    /// A first attempt arriving at `now` in `cell`, before any bot or queue; `counted`
    /// when it arrives after the warm-up. Its stamp is set by the slot it takes.
    #[inline]
    pub fn arriving(new: NewContact, now: f64, cell: CellId, counted: bool) -> Contact {
        Contact {
            arrived: now,
            patience: new.patience,
            enqueued: now,
            gives_up: f64::INFINITY,
            abandon_seq: 0,
            seed: new.seed,
            contact_type: new.contact_type,
            true_type: new.contact_type,
            cell,
            stamp: Stamp::default(),
            class: new.class,
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
            counted,
            given_handle: new.given_handle.map_or(f32::NAN, |h| h as f32),
            patience_from: new.patience_from,
            holds_line: false,
            callback: false,
        }
    }
}

/// How a bot session ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BotOutcome {
    /// The bot resolved the issue.
    Contained,
    /// The customer left during the session.
    Dropped,
    /// Handed over to the human queues.
    HandedOver,
}

/// Live state of a bot.
#[derive(Clone, Debug, Default)]
pub(super) struct BotState {
    /// Sessions in progress.
    pub active: u32,
    /// Contacts waiting for a free session slot.
    pub waiting: VecDeque<ContactId>,
}

/// An agent on duty, holding up to its group's `concurrency` conversations. All its
/// conversations progress at the same speed, so one work clock serves them all: each
/// conversation ends when the clock reaches its finish (`Workspace::slot_finish`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Agent {
    pub group: crate::ids::GroupId,
    /// Conversations in progress.
    pub conversations: u8,
    /// Due to leave once its conversations end (staffing dropped).
    pub leaving: bool,
    /// In its group's list of agents with a free slot.
    pub available: bool,
    /// Changes whenever its next `ServiceEnd` is rescheduled.
    pub stamp: Stamp,
    /// Its position in its group's `members` while on duty.
    pub member: u32,
    /// Its place in its group's available list while listed (`available`; concurrency above 1).
    pub idle_pos: u32,
    /// Work done per conversation (seconds at full speed) up to `clock`.
    pub work: f64,
    /// Time of the last work-clock update.
    pub clock: f64,
}

/// Live state of an agent group.
#[derive(Clone, Debug, Default)]
pub(super) struct GroupState {
    /// Agents on duty with a free conversation slot, not leaving.
    pub idle: super::idle::IdleList,
    /// Agents on duty (idle or busy), including busy ones due to leave.
    pub present: u32,
    /// The agents on duty, in no particular order (`Agent::member` is the position).
    pub members: Vec<AgentId>,
    /// Agents marked to leave once their conversations end.
    pub leaving: u32,
    /// Conversations in progress, all agents together.
    pub busy: u32,
    /// Agents the staffing plan asks for now.
    pub target: u32,
    /// Time up to which the group's areas have been integrated.
    pub integrated_to: f64,
}

/// Random streams and clock of one arrival stream.
#[derive(Clone, Debug)]
pub(super) struct StreamState {
    pub clock: ArrivalClock,
    pub arrival_rng: Xoshiro256PlusPlus,
    pub seed_rng: Xoshiro256PlusPlus,
}

/// Buffers reused from one replication to the next on the same thread.
#[derive(Default, Debug)]
pub struct Workspace {
    pub(super) events: EventQueue,
    pub(super) contacts: Table<Contact>,
    pub(super) free_contacts: Vec<ContactId>,
    pub(super) agents: Table<Agent>,
    pub(super) free_agents: Vec<AgentId>,
    /// Conversations of each agent: `agent * max_concurrency + i`, `i < conversations`.
    pub(super) slots: Table<ContactId>,
    /// Beside each slot, the agent's work clock reading at which its conversation ends
    /// (kept with the slot, not the contact, so that finding an agent's earliest end reads
    /// one short row instead of its contacts).
    pub(super) slot_finish: Table<f64>,
    pub(super) groups: Table<GroupState>,
    /// FIFO queues of (contact, stamp), by [`crate::ids::QueueId`].
    pub(super) queues: Table<VecDeque<(ContactId, Stamp)>>,
    pub(super) streams: Table<StreamState>,
    /// Per group, the generator that picks which busy agents leave at a staffing drop.
    pub(super) staffing_rngs: Vec<Xoshiro256PlusPlus>,
    /// Busy agents that may be picked to leave at a staffing drop (reused buffer).
    pub(super) leave_candidates: Vec<AgentId>,
    /// Busyness factor per channel and interval (`channel * n_intervals + k`), this
    /// replication's draw; empty when no channel has busyness.
    pub(super) busyness: Vec<f64>,
    pub(super) bots: Vec<BotState>,
    /// Per channel, the first of its open windows that has not ended (see `hours`).
    pub(super) hours_cursor: Vec<u32>,
    /// Per channel, the trunk lines its contacts hold (see `lines`).
    pub(super) lines_in_use: Vec<u32>,
    pub(super) tallies: Tallies,
    pub(super) scratch: WaitHistogram,
    /// Per contact type, the groups with an available agent (see `available`).
    pub(super) availability: super::available::Availability,
    /// Per group with many queues, heaps of its queues' fronts (see `heads`).
    pub(super) heads: super::heads::QueueHeads,
    /// The lean path's abandonments, whose waits are added up in the order of their
    /// events when the replication ends (see [`super::lean`]).
    pub(super) lean_abandons: Vec<super::lean::LateAbandon>,
}

impl Workspace {
    /// An empty workspace; buffers grow on first use.
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Empties every buffer for replication `replication` of `model` (keeping storage),
    /// seeds the streams' and groups' generators and draws the busyness factors.
    pub(super) fn reset(&mut self, model: &Model, seed: u64, replication: u32) {
        self.events.clear();
        self.lean_abandons.clear();
        self.contacts.clear();
        self.free_contacts.clear();
        self.agents.clear();
        self.free_agents.clear();
        self.slots.clear();
        self.slot_finish.clear();
        self.groups
            .resize_with(model.groups.len(), GroupState::default);
        for (g, group) in self.groups.iter_mut().zip(&model.groups) {
            let most = group.timeline.iter().map(|&(_, n)| n).max().unwrap_or(0);
            g.idle.clear(group.concurrency, most);
            g.members.clear();
            g.present = 0;
            g.leaving = 0;
            g.busy = 0;
            g.target = 0;
            g.integrated_to = 0.0;
        }
        let n_classes = model.priority_levels.len();
        let n_queues = (model.contact_types.len() + model.groups.len()) * n_classes;
        self.queues.resize_with(n_queues, VecDeque::new);
        self.queues.iter_mut().for_each(VecDeque::clear);
        self.bots.resize_with(model.bots.len(), BotState::default);
        for b in &mut self.bots {
            b.active = 0;
            b.waiting.clear();
        }
        self.hours_cursor.clear();
        self.hours_cursor.resize(model.channels.len(), 0);
        self.lines_in_use.clear();
        self.lines_in_use.resize(model.channels.len(), 0);
        self.streams.clear();
        for s in 0..model.streams.len() as u32 {
            self.streams.push(StreamState {
                clock: ArrivalClock::new(),
                arrival_rng: stream_rng(seed, replication, s, Purpose::ArrivalTimes),
                seed_rng: stream_rng(seed, replication, s, Purpose::ContactSeeds),
            });
        }
        self.staffing_rngs.clear();
        for g in 0..model.groups.len() as u32 {
            (self.staffing_rngs).push(stream_rng(seed, replication, g, Purpose::Staffing));
        }
        self.busyness.clear();
        if model.has_busyness() {
            draw_busyness(model, seed, replication, &mut self.busyness);
        }
        self.tallies.reset(model);
        self.availability.reset(model);
        self.heads.reset(model);
    }

    /// The state of stream `s`.
    #[inline]
    pub(super) fn stream(&mut self, s: StreamId) -> &mut StreamState {
        &mut self.streams[s.index()]
    }
}

/// Draws this replication's busyness factors: per channel, a gamma factor of mean 1 per day
/// times one per interval (coefficients of variation from the scenario), shared by all the
/// channel's streams; 1 where a channel has none; times, with `[simulation] busyness`, a
/// factor per day and per interval shared by every channel (its own stream, so that each
/// channel's draws are those it had without it).
fn draw_busyness(model: &Model, seed: u64, replication: u32, factors: &mut Vec<f64>) {
    let n = model.n_intervals;
    factors.resize(model.channels.len() * n, 1.0);
    for (ch, channel) in model.channels.iter().enumerate() {
        let mut rng = stream_rng(seed, replication, ch as u32, Purpose::Busyness);
        let cvs = (channel.busyness_day_cv, channel.busyness_interval_cv);
        busyness_factors(model, cvs, &mut rng, &mut factors[ch * n..(ch + 1) * n]);
    }
    if model.shared_busyness != (0.0, 0.0) {
        let mut rng = stream_rng(seed, replication, u32::MAX, Purpose::Busyness);
        let mut shared = vec![1.0; n];
        busyness_factors(model, model.shared_busyness, &mut rng, &mut shared);
        for (i, f) in factors.iter_mut().enumerate() {
            *f *= shared[i % n];
        }
    }
}

/// Fills `out` (one per interval) with a gamma factor of mean 1 per day (coefficient of
/// variation `day_cv`) times one per interval (`interval_cv`); 1 where a cv is 0.
fn busyness_factors(
    model: &Model,
    (day_cv, interval_cv): (f64, f64),
    rng: &mut impl rand::Rng,
    out: &mut [f64],
) {
    let gamma = |cv: f64| rand_distr::Gamma::new(1.0 / (cv * cv), cv * cv).ok();
    let day = gamma(day_cv);
    let interval = gamma(interval_cv);
    let mut day_factor = 1.0;
    let mut day_index = usize::MAX;
    for (k, f) in out.iter_mut().enumerate() {
        let d = (k as f64 * model.interval / 86_400.0) as usize;
        if d != day_index {
            day_index = d;
            day_factor = day
                .as_ref()
                .map_or(1.0, |g| rand_distr::Distribution::sample(g, &mut *rng));
        }
        let i = interval
            .as_ref()
            .map_or(1.0, |g| rand_distr::Distribution::sample(g, &mut *rng));
        *f = day_factor * i;
    }
}
