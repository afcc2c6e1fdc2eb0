//! One replication of the contact center on one thread, with no I/O: arrivals, routing to
//! agent groups (in priority order, with overflow after set waits), priority queues,
//! abandonment, service and staffing changes, recorded into [`Tallies`].
//!
//! The loop lives here ([`Replication::run`]); its handlers are split by job: `intake`
//! (arrivals, generated and replayed, and a new attempt's first step), `bot` (bot
//! sessions), `routing` (queues, overflow, abandonment, transfers), `service` (a service's
//! start and end), `concurrency` (agents' work clocks and who is available), `staffing`
//! (agents arriving and leaving, time integrals), `returns` (redials and repeats),
//! `hours` (closed channels: closed arrivals, deferrals, redirects, closings);
//! `state` holds the data and the reused [`Workspace`].
//!
//! Invariants: contacts, agents, groups, queues and streams live in `Table`s (`Vec`s read
//! without a bounds check per access: see [`crate::table`]) addressed by the
//! typed ids of [`crate::ids`], and their slots are reused; a contact's `stamp` changes
//! whenever it leaves a queue or its slot is freed, and queue entries and timer events carry
//! the stamp they were made with, so stale ones are skipped; an idle agent exists in a
//! group only while no contact that the group may take is waiting; abandonment happens only
//! in a queue, never in service; nothing allocates per event once buffers have grown.

pub mod arrivals;
mod available;
mod bot;
mod concurrency;
pub mod events;
mod heads;
mod hours;
mod idle;

/// Tests only: route by the availability bits when a type has more than `groups` groups
/// (`None`: the engine's own threshold), on this thread. Both ways give the same results;
/// a test runs a model each way to show it.
#[doc(hidden)]
pub fn route_by_bits_above(groups: Option<usize>) {
    available::ASK_OVERRIDE.with(|o| o.set(groups));
}

/// Tests: serve groups with more than `queues` queues from heaps of queue fronts (`None`:
/// the engine's own threshold), on this thread. Both ways give the same results; a test
/// runs a model each way to show it.
#[doc(hidden)]
pub fn serve_by_heads_above(queues: Option<usize>) {
    heads::PROBE_OVERRIDE.with(|o| o.set(queues));
}
mod intake;
mod lean;
mod lines;
mod returns;
mod routing;
mod service;
mod staffing;
mod state;

pub use state::Workspace;

use crate::ids::{CellId, ChannelId, ClassId, ContactId, ContactTypeId, FeedId, GroupId};
use crate::model::{ArrivalStream, Channel, ContactType, Group, Model};
use crate::seeds::{Purpose, stream_rng};
use crate::stats::{QueueTally, ReplicationOutcome, Tallies};
use crate::table::View;
use events::Payload;
use rand::rngs::Xoshiro256PlusPlus;

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
    pub contact_type: ContactTypeId,
    /// Its priority class (index into `Model::priority_levels`).
    pub class: ClassId,
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
    pub contact_type: ContactTypeId,
    /// Its priority class.
    pub class: ClassId,
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

/// Where the engine hands the [`ContactRecord`] of each ended attempt, in the order the
/// attempts end (not the order they arrived). A `Vec` collects them; `ccsim log` sorts them
/// on disk as they come.
pub trait AttemptLog {
    /// Takes the record of one ended attempt.
    fn record(&mut self, record: ContactRecord);
}

impl AttemptLog for Vec<ContactRecord> {
    #[inline]
    fn record(&mut self, record: ContactRecord) {
        self.push(record);
    }
}

/// Simulates like [`simulate`], with replayed contacts from `feeds` beside the synthetic
/// streams, and one record per ended attempt handed to `log` when given.
///
/// Feed `r` draws patience and contact seeds from the generators of stream number
/// `n_streams + r` (its own, after every generated stream's).
pub fn simulate_with<'a>(
    model: &'a Model,
    seed: u64,
    replication: u32,
    ws: &'a mut Workspace,
    feeds: Vec<Box<dyn ContactFeed + 'a>>,
    log: Option<&'a mut dyn AttemptLog>,
) -> ReplicationOutcome {
    // The model's ids first: the reset sizes the workspace by them.
    let view = ModelView::new(model);
    ws.reset(model, seed, replication);
    let lean = LEAN_OVERRIDE.with(|o| o.get()).unwrap_or(true)
        && feeds.is_empty()
        && log.is_none()
        && lean::fits(model, ws);
    if lean {
        replicate::<true>(model, view, seed, replication, ws, feeds, log)
    } else {
        replicate::<false>(model, view, seed, replication, ws, feeds, log)
    }
}

thread_local! {
    /// Tests: `Some(false)` sends every model down the general path on this thread.
    static LEAN_OVERRIDE: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Tests only: `Some(false)` runs every model through the general path on this thread,
/// `None` lets a model that fits take the lean one (see [`lean`]). Both ways give the same
/// results; a test runs models each way to show it.
#[doc(hidden)]
pub fn lean_path(allowed: Option<bool>) {
    LEAN_OVERRIDE.with(|o| o.set(allowed));
}

/// Whether replications of `model` (generated arrivals, no contact log) take the lean
/// path: the engine's code compiled without the mechanisms the model does not have (see
/// [`lean`]'s list). Same results either way; only the speed differs.
pub fn takes_lean_path(model: &Model) -> bool {
    let mut ws = Workspace::new();
    ws.reset(model, model.seed, 0);
    lean::fits(model, &ws)
}

/// [`simulate_with`] on a reset workspace, through the lean path or the general one.
fn replicate<'a, const LEAN: bool>(
    model: &'a Model,
    view: ModelView<'a>,
    seed: u64,
    replication: u32,
    ws: &'a mut Workspace,
    feeds: Vec<Box<dyn ContactFeed + 'a>>,
    log: Option<&'a mut dyn AttemptLog>,
) -> ReplicationOutcome {
    let mut run = Replication::<LEAN>::new(model, view, ws);
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

/// The state of one replication in progress. `LEAN`: the model fits the lean path (see
/// [`lean`]), and the checks for what it cannot meet compile away.
struct Replication<'a, const LEAN: bool> {
    model: &'a Model,
    /// The model's tables the loop reads by id, unchecked (see [`crate::table`]).
    m: ModelView<'a>,
    ws: &'a mut Workspace,
    now: f64,
    /// The sequence number of the event being handled (kept on the lean path only, where
    /// patience deadlines are compared with it: see [`lean`]).
    now_seq: u64,
    /// Interval being integrated (`n_intervals` once past the horizon).
    interval: usize,
    /// Priority classes in the model.
    n_classes: usize,
    /// Largest group concurrency: the stride of `Workspace::slots`.
    max_concurrency: usize,
    /// Some channel is an e-mail backlog.
    has_backlog: bool,
    /// Some channel has opening hours.
    has_hours: bool,
    /// Some contact type's patience changes with the interval (`patience_by` hours).
    patience_varies: bool,
    /// Some channel has trunk `lines` or a `callback` offer.
    has_lines: bool,
    /// Some channel counts its service level otherwise than over offered, or has a
    /// `short_abandon`.
    sl_defined: bool,
    /// Replayed logs, by [`FeedId`].
    feeds: Vec<Box<dyn ContactFeed + 'a>>,
    /// The next contact of each feed, scheduled as a `ReplayedArrival`.
    pending: Vec<Option<ReplayedContact>>,
    /// Patience and contact-seed generators of each feed.
    feed_rngs: Vec<(Xoshiro256PlusPlus, Xoshiro256PlusPlus)>,
    /// Where ended attempts are recorded, if asked.
    log: Option<&'a mut dyn AttemptLog>,
}

impl<'a, const LEAN: bool> Replication<'a, LEAN> {
    /// A replication of `model` (read through `m`, its checked view) on `ws`, reset for it.
    fn new(model: &'a Model, m: ModelView<'a>, ws: &'a mut Workspace) -> Replication<'a, LEAN> {
        Replication {
            model,
            m,
            ws,
            now: 0.0,
            now_seq: 0,
            interval: 0,
            n_classes: model.priority_levels.len(),
            has_backlog: model.channels.iter().any(|c| c.backlog),
            has_hours: model.channels.iter().any(|c| c.hours.is_some()),
            patience_varies: model.patience_varies(),
            sl_defined: model.channels.iter().any(|c| {
                c.service_level_definition != crate::model::ServiceLevelDefinition::Offered
                    || c.short_abandon > 0.0
            }),
            has_lines: model
                .channels
                .iter()
                .any(|c| c.lines > 0 || c.callback.is_some()),
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

    /// Some channel is an e-mail backlog (never on the lean path).
    #[inline(always)]
    fn has_backlog(&self) -> bool {
        !LEAN && self.has_backlog
    }

    /// Some channel has opening hours (never on the lean path).
    #[inline(always)]
    fn has_hours(&self) -> bool {
        !LEAN && self.has_hours
    }

    /// Some contact type's patience changes with the interval (never on the lean path).
    #[inline(always)]
    fn patience_varies(&self) -> bool {
        !LEAN && self.patience_varies
    }

    /// Some channel has trunk lines or a callback offer (never on the lean path).
    #[inline(always)]
    fn has_lines(&self) -> bool {
        !LEAN && self.has_lines
    }

    /// Some channel defines its service level otherwise, or has a short abandon.
    #[inline(always)]
    fn sl_defined(&self) -> bool {
        self.sl_defined
    }

    /// Priority classes in the model (one on the lean path).
    #[inline(always)]
    fn n_classes(&self) -> usize {
        if LEAN { 1 } else { self.n_classes }
    }

    /// Schedules the first events, then pops and handles events until none is left.
    fn run(&mut self) {
        let model = self.model;
        if LEAN && model.streams.len() == 1 {
            self.ws.events.hold_lone_arrival();
        }
        for g in 0..model.groups.len() {
            self.on_staffing_change(GroupId::from_index(g), 0);
        }
        let first_boundary = if model.n_intervals > 1 {
            model.interval
        } else {
            model.horizon
        };
        self.ws
            .events
            .push(first_boundary, Payload::IntervalStart(1));
        for s in 0..model.streams.len() {
            self.schedule_arrival(crate::ids::StreamId::from_index(s));
        }
        for r in 0..self.feeds.len() {
            self.schedule_replayed(FeedId::from_index(r));
        }
        if self.has_hours() {
            self.schedule_closings();
        }
        while let Some((event, service_end)) = self.ws.events.pop_sourced(!LEAN) {
            self.now = event.time;
            if LEAN {
                self.now_seq = event.seq();
            }
            if service_end {
                let (agent, stamp) = event.service_end();
                self.on_service_end(agent, stamp);
                continue;
            }
            match event.payload() {
                Payload::Arrival(s) => self.on_arrival(s),
                Payload::ReplayedArrival(r) => self.on_replayed_arrival(r),
                // Only in the service ends' heap, handled above.
                Payload::ServiceEnd(..) => unreachable!("a service end among the other events"),
                Payload::Abandon(c, stamp) => self.on_abandon(c, stamp),
                Payload::Overflow(c, stamp) => self.on_overflow(c, stamp),
                Payload::BotEnd(c, stamp) => self.on_bot_end(c, stamp),
                Payload::Return(c, stamp) => self.on_return(c, stamp),
                Payload::StaffingChange(g, i) => self.on_staffing_change(g, i),
                Payload::IntervalStart(k) => self.on_interval_start(k as usize),
                Payload::Deferred(c, stamp) => self.on_deferred(c, stamp),
                Payload::Closing(ch, i) => self.on_closing(ch, i),
                Payload::CallbackOffer(c, stamp) => self.on_callback_offer(c, stamp),
            }
        }
        if LEAN {
            self.abandon_the_expired_left();
            self.add_late_abandon_waits();
        }
        // Every event pushed has been handled (the loop runs the queue empty), and on the
        // lean path every reserved number stands for the timer the general path handles.
        self.ws.tallies.events = self.ws.events.scheduled();
    }

    /// The channel of contact type `t`.
    #[inline]
    fn channel_of(&self, t: ContactTypeId) -> ChannelId {
        self.m.contact_types.at(t.index()).channel
    }

    /// The reporting cell of channel `channel` in the current interval.
    #[inline]
    fn cell(&self, channel: ChannelId) -> CellId {
        self.cell_at(self.interval, channel)
    }

    /// The reporting cell of channel `channel` in interval `k`, which must be one of the
    /// horizon's: both checked here, once per attempt, so that the tallies can be indexed
    /// by the cell unchecked (see [`crate::table`]).
    #[inline]
    fn cell_at(&self, k: usize, channel: ChannelId) -> CellId {
        assert!(
            k < self.model.n_intervals && channel.index() < self.model.channels.len(),
            "a contact's cell in interval {k} of {}, channel {} of {}",
            self.model.n_intervals,
            channel.index(),
            self.model.channels.len()
        );
        CellId::from_index(self.model.channel_grid().at(k, channel.index()))
    }

    /// Applies `update` to every tally a counted contact belongs to: its interval and
    /// channel, its category, its priority class.
    #[inline]
    fn record(&mut self, c: ContactId, wait: Option<f64>, update: impl Fn(&mut QueueTally)) {
        let contact = &self.ws.contacts[c.index()];
        if !contact.counted {
            return;
        }
        // A category or class is looked up only where several are tallied apart (with
        // one, those scopes equal the totals, summed from the cells afterwards).
        let t = &self.ws.tallies;
        let category = (t.by_category.len() > 1).then(|| {
            self.m
                .contact_types
                .at(contact.true_type.index())
                .category
                .index()
        });
        let class = (!LEAN && t.by_class.len() > 1).then_some(contact.class.index());
        let cell = contact.cell.index();
        record_into(&mut self.ws.tallies, cell, category, class, wait, update);
    }

    /// Records how an attempt of contact `c` ended, when a log is kept.
    #[inline]
    fn log_attempt(&mut self, c: ContactId, outcome: AttemptOutcome, wait: f64, handle_time: f64) {
        if !LEAN && let Some(log) = self.log.as_deref_mut() {
            let contact = &self.ws.contacts[c.index()];
            log.record(ContactRecord {
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
}

/// The model's tables that the event loop reads by id, as [`View`]s: indexed without a
/// bounds check per access in release builds, which is sound because they are made only
/// here, after [`Model::check_ids`] has checked every id the engine indexes them with (see
/// [`crate::table`]), and borrow the model for as long as they live.
#[derive(Clone, Copy, Debug)]
struct ModelView<'a> {
    channels: View<'a, Channel>,
    contact_types: View<'a, ContactType>,
    streams: View<'a, ArrivalStream>,
    groups: View<'a, Group>,
}

impl<'a> ModelView<'a> {
    /// The view of `model`, whose ids are checked first.
    ///
    /// # Panics
    /// When an id of the model is out of range of its table (a model built by hand; the
    /// scenario compiler makes none), with the sentence [`Model::check_ids`] gives.
    fn new(model: &'a Model) -> ModelView<'a> {
        if let Err(e) = model.check_ids() {
            panic!("the engine cannot run this model: {e}");
        }
        ModelView {
            channels: View::of(&model.channels),
            contact_types: View::of(&model.contact_types),
            streams: View::of(&model.streams),
            groups: View::of(&model.groups),
        }
    }
}

/// Applies `update` to the tallies of `cell`, and of `category` and `class` when given,
/// and adds `wait` to their histograms.
#[inline(always)]
fn record_into(
    t: &mut Tallies,
    cell: usize,
    category: Option<usize>,
    class: Option<usize>,
    wait: Option<f64>,
    update: impl Fn(&mut QueueTally),
) {
    update(&mut t.cells[cell]);
    if let Some(category) = category {
        update(&mut t.by_category[category].0);
    }
    if let Some(class) = class {
        update(&mut t.by_class[class].0);
    }
    if let Some(wait) = wait {
        t.waits[cell].add(wait);
        if let Some(category) = category {
            t.by_category[category].1.add(wait);
        }
        if let Some(class) = class {
            t.by_class[class].1.add(wait);
        }
    }
}
