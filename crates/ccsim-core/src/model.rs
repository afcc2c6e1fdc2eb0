//! The compiled model: a validated scenario with every name resolved to a dense index,
//! every distribution built and every routing table precomputed. The engine reads only this;
//! nothing in it is looked up by string.
//!
//! Every reference from one part of the model to another is a typed id of [`crate::ids`]
//! (a [`ChannelId`] indexes `channels`, a [`GroupId`] `groups`, …), serialized as the bare
//! number.

use crate::distribution::Distribution;
use crate::grid::Grid;
use crate::ids::{BotId, CategoryId, ChannelId, ClassId, ContactTypeId, GroupId};

mod check;
mod contract;
mod cyclic;
mod hours;
mod lines;
mod patience;
pub mod patterns;
mod serialize;
mod service_level;
mod timeline;

pub use contract::Contract;
pub use cyclic::cyclic_timelines;
pub use hours::{AtClosing, OpeningHours, WhenClosed};
pub use lines::CallbackOffer;
pub use patience::NO_PATIENCE;
pub use service_level::ServiceLevelDefinition;
pub use timeline::{levels, per_interval, shift_timelines};

/// A ready-to-simulate contact center (serialized by hand in `model/serialize.rs`).
#[derive(Clone, Debug)]
pub struct Model {
    /// Scenario name (the `[simulation] name`, or the file stem).
    pub name: String,
    /// Arrivals are generated in `[0, horizon)` seconds.
    pub horizon: f64,
    /// Contacts arriving before this many seconds are simulated but not counted.
    pub warmup: f64,
    /// Length of a reporting (and staffing) interval in seconds.
    pub interval: f64,
    /// Number of intervals in the horizon.
    pub n_intervals: usize,
    /// Default number of replications.
    pub replications: u32,
    /// Default seed.
    pub seed: u64,
    /// Local date and time at the horizon's start, when the scenario gives one.
    pub start: Option<jiff::civil::DateTime>,
    /// What the run measures, as `[simulation] kind` says (`None` when it does not).
    pub kind: Option<RunKind>,
    /// Surge windows, for display (their effect is in the streams' rates).
    pub surges: Vec<Surge>,
    /// Contact logs replayed beside (or instead of) the synthetic streams.
    pub replays: Vec<crate::replay::ReplaySpec>,
    /// Channels, in file order.
    pub channels: Vec<Channel>,
    /// Category names, in file order.
    pub categories: Vec<String>,
    /// Channel/category pairs that arrive or are handled, each with its own queue.
    pub contact_types: Vec<ContactType>,
    /// Arrival streams (one per `[[arrivals]]` entry).
    pub streams: Vec<ArrivalStream>,
    /// Agent groups, in routing priority order (file order).
    pub groups: Vec<Group>,
    /// Customer priority levels, highest first; a stream's `class` indexes this list.
    pub priority_levels: Vec<i64>,
    /// What happens to contacts a group does not resolve.
    pub transfers: TransferPolicy,
    /// Bot stages, at most one per channel.
    pub bots: Vec<Bot>,
    /// `handle_slot[g * n_types + t]`: 0 for group `g`'s default handle time on contact type
    /// `t`, or 1 + the index of its override in `groups[g].handle_time_by`.
    pub handle_slot: Vec<u32>,
    /// `[optimize]`, if the scenario has one.
    pub optimize: Option<OptimizeSpec>,
    /// Report a group's occupancy and agents on duty also in the intervals where all its
    /// channels are closed (normally NaN there): the optimizer's offered-load measurement
    /// needs the work in progress after closing. Changes no simulated number, so it is
    /// not serialized (no effect on the shard identity); `false` from the scenario.
    pub report_closed: bool,
    /// Seconds of lead-in before the counted day of a cyclic scenario (`[simulation]
    /// cyclic = true`): the model is the day twice over, the first copy simulated and not
    /// counted (it is the warm-up), so that the counted day starts with the queue and the
    /// night shift that the day before leaves it. Every output shows times on the counted
    /// day's clock ([`Model::display_time`]). 0 otherwise, and then not serialized, so
    /// that the shard identity of a scenario that is not cyclic is unchanged.
    pub lead_in: f64,
    /// Coefficients of variation `(day, interval)` of a gamma busyness factor of mean 1
    /// shared by every channel (`[simulation] busyness`: one draw per day, and per
    /// interval, for the whole centre), multiplying each channel's own; `(0, 0)`: none,
    /// and then not serialized.
    pub shared_busyness: (f64, f64),
    /// The distinct patience distributions that contact types' `patience` tables index
    /// (`patience_by` in the scenario); empty, and then not serialized, without them.
    pub patiences: Vec<Distribution>,
}

/// A contact channel (voice, chat, …) with its service-level threshold and patience.
#[derive(Clone, Debug)]
pub struct Channel {
    /// Channel name.
    pub name: String,
    /// Service-level threshold in seconds ("answered within").
    pub answer_within: f64,
    /// Service-level target (share answered within the threshold).
    pub service_level_target: f64,
    /// Customer patience in queue; `None` means customers never abandon.
    pub patience: Option<Distribution>,
    /// Index into `Model::bots` of the bot in front of the channel's human queues.
    pub bot: Option<BotId>,
    /// E-mail and tickets: a backlog that agents work only when no real-time contact waits
    /// for them; nobody abandons it.
    pub backlog: bool,
    /// Customers who abandon try again.
    pub redial: Option<Return>,
    /// Customers left unresolved come back (on `Return::channel`).
    pub repeat: Option<Return>,
    /// Coefficient of variation of a gamma busyness factor per day on the arrival rates
    /// (0: none).
    pub busyness_day_cv: f64,
    /// Coefficient of variation of a gamma busyness factor per interval (0: none).
    pub busyness_interval_cv: f64,
    /// Opening hours; `None`: open around the clock. Not serialized when `None`, so that
    /// models without it keep their identity.
    pub hours: Option<OpeningHours>,
    /// How its service level is counted (`service_level.definition`); not serialized
    /// when `Offered` (the default).
    pub service_level_definition: ServiceLevelDefinition,
    /// Seconds within which an abandon is short (`service_level.short_abandon`): counted
    /// as `abandoned_short`, and excluded from or met in the service level by its
    /// definition. 0: none (and not serialized).
    pub short_abandon: f64,
    /// Trunk lines: the most contacts of the channel in the human stage at once (waiting
    /// or served); 0: unlimited (and not serialized).
    pub lines: u32,
    /// The callback offered to a caller who has waited long enough; not serialized when
    /// `None`.
    pub callback: Option<CallbackOffer>,
}

/// What a simulation measures (Law, *Simulation Modeling and Analysis*, ch. 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum RunKind {
    /// A day that starts as it really starts (empty at opening, say) and is measured from
    /// time 0: there is no warm-up to check, and a warm-up would bias the figures.
    Terminating,
    /// The long-run average is wanted: the start is an artefact, and a warm-up must cover
    /// it ([`crate::experiment::warmup_check`] checks).
    SteadyState,
}

/// A promotion window that multiplies arrival rates (already applied to the streams).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Surge {
    /// Name given in the scenario, or `surge N`.
    pub name: String,
    /// What it applies to, e.g. `voice/*` or `*/payment`.
    pub scope: String,
    /// Window in seconds from the start.
    pub from: f64,
    /// Window end in seconds.
    pub to: f64,
    /// Factor at full strength (the default of the categories).
    pub multiplier: f64,
    /// The factors and ramps in words, e.g. `×6 (payment ×8), ramp down 30m`.
    pub strength: String,
}

/// A customer coming back: a redial after abandoning, or a repeat contact after an
/// unresolved one.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Return {
    /// Probability of coming back after each attempt.
    pub probability: f64,
    /// Time until the customer comes back.
    pub delay: Distribution,
    /// Most attempts one customer makes, the first included.
    pub max_attempts: u8,
    /// Channel of the new attempt.
    pub channel: ChannelId,
}

/// A bot (or IVR) stage: sessions, what they end in, capacity and outages.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Bot {
    /// The channel it serves.
    pub channel: ChannelId,
    /// Length of a session.
    pub session: Distribution,
    /// Concurrent sessions (`u32::MAX`: unlimited).
    pub capacity: u32,
    /// Beyond capacity, customers go straight to humans (else they wait for the bot).
    pub full_goes_to_humans: bool,
    /// Probability of resolving, per category.
    pub containment: Vec<f64>,
    /// Probability the customer leaves during the session, per category.
    pub dropout: Vec<f64>,
    /// Probability a handed-over contact lands in a wrong queue.
    pub misroute: f64,
    /// Extra handling time of the first human service after the bot.
    pub handover_penalty: Option<Distribution>,
    /// `[from, to)` windows in seconds when the bot is down.
    pub outages: Vec<(f64, f64)>,
    /// Cost of one session.
    pub session_cost: f64,
}

impl Bot {
    /// Whether the bot is down at time `t`.
    #[inline]
    pub fn is_down(&self, t: f64) -> bool {
        self.outages.iter().any(|&(from, to)| from <= t && t < to)
    }
}

/// A channel/category pair; contacts of one type share one queue.
#[derive(Clone, Debug)]
pub struct ContactType {
    /// The channel.
    pub channel: ChannelId,
    /// The category.
    pub category: CategoryId,
    /// Groups that can serve this type, in routing priority order.
    pub groups: Vec<GroupId>,
    /// Distinct positive `overflow_after` waits of those groups, ascending.
    pub overflow_waits: Vec<f64>,
    /// Contact type of a repeat contact of this type (itself unless the channel changes).
    pub repeat_as: ContactTypeId,
    /// Its channel is a backlog (e-mail): served after every real-time queue.
    pub backlog: bool,
    /// Factor on every handle time drawn for a contact of this type whose service starts
    /// in interval `k` (`handle_scale[k]`): the distribution keeps its shape and
    /// coefficient of variation, its mean is multiplied. Empty: 1 in every interval. Else
    /// one factor per interval of the horizon (the last holds after it); the scenario's
    /// `[[arrivals]] aht` sets it to the interval's AHT over the mean handle time of the
    /// type's first group, so that group's mean is the interval's AHT.
    /// Not serialized when empty, so that models without it keep their identity.
    pub handle_scale: Vec<f64>,
    /// The patience of this type's customers by the interval they start waiting in, when
    /// the scenario's `patience_by` sets one for its category or for hours of the day: per
    /// interval of the horizon, an index into [`Model::patiences`], or
    /// [`NO_PATIENCE`] (they never abandon). Empty: the channel's `patience` throughout.
    /// Read through [`Model::patience_in`]; not serialized when empty.
    pub patience: Vec<u32>,
}

impl ContactType {
    /// The handle-time factor of a service starting in interval `k` (1 without
    /// `handle_scale`).
    #[inline]
    pub fn handle_scale_in(&self, k: usize) -> f64 {
        match self.handle_scale.get(k) {
            Some(&f) => f,
            None => self.handle_scale.last().copied().unwrap_or(1.0),
        }
    }
}

/// A piecewise-constant Poisson arrival stream of one contact type.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ArrivalStream {
    /// What arrives.
    pub contact_type: ContactTypeId,
    /// Arrival rate per second in each interval of the horizon.
    pub rate_per_s: Vec<f64>,
    /// Priority class (index into `Model::priority_levels`, 0 is served first).
    pub class: ClassId,
    /// Index of the scenario's `[[arrivals]]` entry it comes from (for messages).
    pub entry: usize,
}

/// An agent group: its staffing per interval, what it handles and how long that takes.
#[derive(Clone, Debug)]
pub struct Group {
    /// Group name.
    pub name: String,
    /// Agents on duty in each interval of the horizon, after shrinkage (the last value
    /// holds after it).
    pub staffing: Vec<u32>,
    /// Most agents scheduled in each interval, before shrinkage.
    pub scheduled: Vec<u32>,
    /// Scheduled (paid) agent-hours in each interval.
    pub paid_hours: Vec<f64>,
    /// Scheduled agents from each change time on, before shrinkage: `(seconds, agents)`,
    /// starting at 0 (interval starts, or shift and break starts and ends). With
    /// `shrinkage_by_interval`, also every interval start where the shrinkage changes (the
    /// scheduled count may repeat there): the engine sets the on-duty agents at each entry.
    pub timeline: Vec<(f64, u32)>,
    /// The shifts it is staffed by, as written (for display; empty when staffed by counts;
    /// not serialized: the timelines hold their effect).
    pub shifts: Vec<RosterShift>,
    /// Share of scheduled agents absent (0 ≤ s < 1); with `shrinkage_by_interval`, the
    /// mean of its values (for display: the staffing uses the interval's share).
    pub shrinkage: f64,
    /// Share of scheduled agents absent in each interval of the horizon (the last value
    /// holds after it); empty: `shrinkage` in every interval.
    /// Not serialized when empty, so that models without it keep their identity.
    pub shrinkage_by_interval: Vec<f64>,
    /// Conversations an agent holds at once.
    pub concurrency: u8,
    /// Each extra concurrent conversation slows every one by this share: with `m` at once
    /// each progresses at `1 / (1 + slowdown × (m − 1))` of full speed.
    pub concurrency_slowdown: f64,
    /// Cost of one scheduled agent-hour.
    pub hourly_cost: f64,
    /// Contact types the group serves.
    pub handles: Vec<ContactTypeId>,
    /// The group's handle time for contact types without an override.
    pub handle_time: Distribution,
    /// Handle-time overrides by contact type.
    pub handle_time_by: Vec<(ContactTypeId, Distribution)>,
    /// Tier: 1 frontline, 2 specialist, 3 expert.
    pub tier: u8,
    /// The group takes a contact only once it has waited this many seconds.
    pub overflow_after: f64,
    /// Probability of resolving a contact, per category.
    pub resolve: Vec<f64>,
    /// Where unresolved contacts go, per category (`None`: they leave unresolved).
    pub escalate_to: Vec<Option<GroupId>>,
    /// The rank of each of `handles` when an agent chooses whom to serve next (the
    /// scenario's `serve_order`): within a priority class, the lowest rank holding an
    /// eligible contact first, then the longest-waiting in it; the group's transfer queue
    /// ranks 0. Empty: every type ranks alike (longest-waiting first); not serialized then.
    pub serve_rank: Vec<u8>,
}

/// Transfers and escalations: their cap and what they cost in handling time.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TransferPolicy {
    /// Most transfers one contact may have; an unresolved contact past it leaves.
    pub max_per_contact: u8,
    /// Added to the next handle time after a transfer that loses the history.
    pub context_loss: Option<Distribution>,
    /// The history travels with the contact: no context-loss penalty.
    pub keep_context: bool,
}

/// Scheduled agents over time: `(from, agents)` steps starting at 0.
pub type Timeline = Vec<(f64, u32)>;

/// One rostered shift: when it starts, how long it lasts, how many agents work it.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterShift {
    /// Start, seconds from the start of the horizon.
    pub start: f64,
    /// Length in seconds, breaks included.
    pub length: f64,
    /// Agents working it.
    pub agents: u32,
    /// Its breaks, in order.
    pub breaks: Vec<RosterBreak>,
}

/// A break of a rostered shift.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterBreak {
    /// Start, seconds from the start of the horizon.
    pub start: f64,
    /// Length in seconds.
    pub length: f64,
    /// Whether it is paid.
    pub paid: bool,
}

impl Group {
    /// Staffs the group by a scheduled and a paid timeline (from shifts or counts).
    pub fn set_timelines(
        &mut self,
        timeline: Timeline,
        paid: &[(f64, u32)],
        n_intervals: usize,
        interval: f64,
    ) {
        let (scheduled, _) = per_interval(&timeline, n_intervals, interval);
        let (_, paid_hours) = per_interval(paid, n_intervals, interval);
        self.staffing = (scheduled.iter().enumerate())
            .map(|(k, &n)| self.on_duty_in(n, k))
            .collect();
        self.scheduled = scheduled;
        self.paid_hours = paid_hours;
        self.timeline = self.split_at_shrinkage_changes(timeline, interval);
    }

    /// `timeline` with an entry at every interval start where `shrinkage_by_interval`
    /// changes (at the scheduled level holding then), so that each entry has one
    /// shrinkage; unchanged without per-interval shrinkage.
    pub fn split_at_shrinkage_changes(&self, timeline: Timeline, interval: f64) -> Timeline {
        let s = &self.shrinkage_by_interval;
        if s.len() < 2 {
            return timeline;
        }
        let mut cuts = (1..s.len())
            .filter(|&k| s[k] != s[k - 1])
            .map(|k| k as f64 * interval)
            .peekable();
        if cuts.peek().is_none() {
            return timeline;
        }
        let mut out = Vec::with_capacity(timeline.len() + s.len());
        let mut level = 0;
        let mut entries = timeline.into_iter().peekable();
        loop {
            let (entry, cut) = (entries.peek().copied(), cuts.peek().copied());
            let cut_first = match (entry, cut) {
                (None, None) => break,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some((t, _)), Some(c)) => c < t,
            };
            if cut_first {
                out.push((cuts.next().unwrap_or_default(), level));
            } else if let Some((t, n)) = entries.next() {
                if cut == Some(t) {
                    cuts.next();
                }
                level = n;
                out.push((t, n));
            }
        }
        out
    }

    /// Share of scheduled agents absent in interval `k`.
    #[inline]
    pub fn shrinkage_in(&self, k: usize) -> f64 {
        match self.shrinkage_by_interval.get(k) {
            Some(&s) => s,
            None => self
                .shrinkage_by_interval
                .last()
                .copied()
                .unwrap_or(self.shrinkage),
        }
    }

    /// Agents on duty in interval `k` when `scheduled` are scheduled, through that
    /// interval's shrinkage: see [`on_duty_agents`].
    #[inline]
    pub fn on_duty_in(&self, scheduled: u32, k: usize) -> u32 {
        on_duty_agents(scheduled, self.shrinkage_in(k))
    }

    /// Staffs the group by scheduled agents per interval.
    pub fn set_scheduled(&mut self, counts: &[u32], interval: f64) {
        self.shifts.clear();
        let mut timeline: Timeline = Vec::new();
        for (k, &n) in counts.iter().enumerate() {
            if timeline.last().is_none_or(|&(_, last)| last != n) {
                timeline.push((k as f64 * interval, n));
            }
        }
        let paid = timeline.clone();
        self.set_timelines(timeline, &paid, counts.len(), interval);
    }

    /// Agents on duty when `scheduled` are scheduled, through the constant `shrinkage`
    /// (see [`on_duty_agents`]; with per-interval shrinkage use [`Group::on_duty_in`]).
    #[inline]
    pub fn on_duty(&self, scheduled: u32) -> u32 {
        on_duty_agents(scheduled, self.shrinkage)
    }
}

/// Agents on duty when `scheduled` are scheduled and the share `shrinkage` (0 ≤ s < 1) is
/// absent: `scheduled × (1 − shrinkage)` rounded to the nearest whole agent, halves up.
///
/// The product is first snapped to a multiple of 10⁻⁹ agent, so float error in
/// `1 − shrinkage` cannot move it across a half: 5 × (1 − 0.9) = 0.4999999999999999 in
/// floats counts as 0.5 and gives 1, like 2.5 gives 3 and 2.4999 gives 2.
pub fn on_duty_agents(scheduled: u32, shrinkage: f64) -> u32 {
    const NANO: f64 = 1e9;
    let exact = scheduled as f64 * (1.0 - shrinkage);
    // At most 10⁶ × 10⁹ nano-agents: an exact integer in an f64 and a u64.
    let nano = (exact * NANO).round().max(0.0) as u64;
    ((nano + NANO as u64 / 2) / NANO as u64) as u32
}

impl Default for TransferPolicy {
    fn default() -> Self {
        TransferPolicy {
            max_per_contact: 3,
            context_loss: None,
            keep_context: false,
        }
    }
}

impl Model {
    /// Index of the interval holding time `t` (the last interval for `t >= horizon`).
    #[inline]
    pub fn interval_of(&self, t: f64) -> usize {
        ((t / self.interval) as usize).min(self.n_intervals - 1)
    }

    /// The first reported interval: the first that starts at or after the warm-up (one
    /// the warm-up cuts is not reported).
    pub fn first_reported_interval(&self) -> usize {
        let first = self.interval_of(self.warmup);
        if (first as f64) * self.interval < self.warmup {
            first + 1
        } else {
            first
        }
    }

    /// The reported intervals, `first_reported_interval() .. n_intervals`.
    pub fn reported_intervals(&self) -> std::ops::Range<usize> {
        self.first_reported_interval()..self.n_intervals
    }

    /// The tallies' grid of every interval by channel.
    pub fn channel_grid(&self) -> Grid {
        Grid {
            rows: self.n_intervals,
            width: self.channels.len(),
        }
    }

    /// The tallies' grid of every interval by agent group.
    pub fn group_grid(&self) -> Grid {
        Grid {
            rows: self.n_intervals,
            width: self.groups.len(),
        }
    }

    /// A replication outcome's grid of the reported intervals by channel
    /// (`ReplicationOutcome::intervals`); its row 0 is `first_reported_interval()`.
    pub fn reported_channel_grid(&self) -> Grid {
        Grid {
            rows: self.reported_intervals().len(),
            width: self.channels.len(),
        }
    }

    /// Whether arrival rates carry a random busyness factor: a channel's own, or one
    /// shared by every channel.
    pub fn has_busyness(&self) -> bool {
        self.shared_busyness != (0.0, 0.0)
            || (self.channels.iter())
                .any(|c| c.busyness_day_cv > 0.0 || c.busyness_interval_cv > 0.0)
    }

    /// A replication outcome's grid of the reported intervals by group
    /// (`ReplicationOutcome::group_intervals`).
    pub fn reported_group_grid(&self) -> Grid {
        Grid {
            rows: self.reported_intervals().len(),
            width: self.groups.len(),
        }
    }

    /// Expected arrivals over the whole horizon (a cyclic model's counted day), all streams
    /// together.
    pub fn expected_arrivals(&self) -> f64 {
        let from = self.lead_in_intervals();
        self.streams
            .iter()
            .map(|s| s.rate_per_s.iter().skip(from).sum::<f64>() * self.interval)
            .sum()
    }

    /// Scheduled (paid) agent-hours over the horizon (a cyclic model's counted day), all
    /// groups together.
    pub fn agent_hours(&self) -> f64 {
        let from = self.lead_in_intervals();
        self.groups
            .iter()
            .map(|g| g.paid_hours.iter().skip(from).sum::<f64>())
            .sum()
    }

    /// Handle time of contact type `t` when served by group `g`.
    #[inline]
    pub fn handle_time(&self, g: GroupId, t: ContactTypeId) -> &Distribution {
        let group = &self.groups[g.index()];
        match self.handle_slot[g.index() * self.contact_types.len() + t.index()] {
            0 => &group.handle_time,
            slot => &group.handle_time_by[slot as usize - 1].1,
        }
    }

    /// Name of a contact type as written in the scenario, `channel/category`.
    pub fn contact_type_name(&self, idx: ContactTypeId) -> String {
        let ct = &self.contact_types[idx.index()];
        format!(
            "{}/{}",
            self.channels[ct.channel.index()].name,
            self.categories[ct.category.index()]
        )
    }
}

/// A run of consecutive intervals in which contacts of one type arrive but no group that
/// handles the type has an agent on duty (see [`Model::uncovered_arrivals`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uncovered {
    /// The contact type (channel/category pair).
    pub contact_type: ContactTypeId,
    /// First interval of the run (index into the horizon's intervals).
    pub from: usize,
    /// One past the last interval of the run.
    pub to: usize,
}

impl Uncovered {
    /// The warning text, e.g. `voice/payment arrives 00:00–06:00 (12 intervals) but no
    /// agent who can serve it is on duty`; times are clock readings from the horizon's start
    /// (`d2 06:00` from the second day on; a cyclic model's counted day's clock).
    pub fn describe(&self, model: &Model) -> String {
        let n = self.to - self.from;
        format!(
            "{} arrives {}–{} ({n} interval{}) but no agent who can serve it is on duty",
            model.contact_type_name(self.contact_type),
            crate::duration::clock(model.display_time(self.from as f64 * model.interval)),
            crate::duration::clock(model.display_time(self.to as f64 * model.interval)),
            if n == 1 { "" } else { "s" }
        )
    }
}

impl Model {
    /// The runs of intervals where contacts of a type arrive (a generated stream of the type
    /// has a rate above zero) and may reach the human queues, but no group that handles the
    /// type has anyone on duty at any moment of the interval (its on-duty staffing, after
    /// shrinkage, is 0): by contact type, then time. `ccsim check` warns about each; the
    /// scenario stays valid (those contacts wait or abandon).
    ///
    /// A bot in front counts only where it keeps every contact of the category (containment
    /// and drop-out add up to 1, it is not down at any moment of the interval, and a full
    /// bot makes customers wait rather than go to humans): a bot otherwise hands contacts
    /// over. Not judged: intervals in which the channel is closed throughout (opening
    /// hours), replayed logs (their contacts are known only when they run),
    /// backlog channels (e-mail waits for the next shift by design), and contacts that
    /// reach a type only by a transfer, a redial or a repeat.
    pub fn uncovered_arrivals(&self) -> Vec<Uncovered> {
        let mut out = Vec::new();
        for (t, ty) in self.contact_types.iter().enumerate() {
            let t = ContactTypeId::from_index(t);
            let arrives = |k: usize| {
                self.streams
                    .iter()
                    .filter(|s| s.contact_type == t)
                    .any(|s| s.rate_per_s.get(k).is_some_and(|&r| r > 0.0))
            };
            let bot = self.channels[ty.channel.index()]
                .bot
                .map(|b| &self.bots[b.index()]);
            let bot_keeps_all = |k: usize| {
                bot.is_some_and(|b| {
                    let c = ty.category.index();
                    let (from, to) = (k as f64 * self.interval, (k + 1) as f64 * self.interval);
                    b.containment[c] + b.dropout[c] >= 1.0 - 1e-12
                        && !(b.capacity != u32::MAX && b.full_goes_to_humans)
                        && !b.outages.iter().any(|&(f, e)| f < to && from < e)
                })
            };
            let staffed = |k: usize| {
                ty.groups.iter().any(|&g| {
                    let staffing = &self.groups[g.index()].staffing;
                    staffing.get(k).or(staffing.last()).is_some_and(|&n| n > 0)
                })
            };
            let mut run: Option<usize> = None;
            // A cyclic model's lead-in is the counted day again: not warned twice.
            for k in self.lead_in_intervals()..=self.n_intervals {
                let uncovered = k < self.n_intervals
                    && !ty.backlog
                    && arrives(k)
                    && !self.channel_closed_in(ty.channel, k)
                    && !bot_keeps_all(k)
                    && !staffed(k);
                match (uncovered, run) {
                    (true, None) => run = Some(k),
                    (false, Some(from)) => {
                        out.push(Uncovered {
                            contact_type: t,
                            from,
                            to: k,
                        });
                        run = None;
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

/// The confidences `[optimize] confidence` and `--confidence` take: at least half the
/// days, at most 99 % (no staffing meets a target on every possible day, and 0.99 already
/// needs 1,072 simulated days per check).
pub const CONFIDENCE_RANGE: std::ops::RangeInclusive<f64> = 0.5..=0.99;

/// What [`CONFIDENCE_RANGE`] allows, in words, for the error that refuses another value.
pub const CONFIDENCE_RULE: &str = "a confidence is a share of days from 0.5 to 0.99, e.g. 0.9 (targets met on at least 90 % of simulated days; 0.99 takes 1,072 simulated days per check)";

/// What `ccsim optimize` aims for and the shifts it may roster (`[optimize]`). Serialized
/// by hand (`model/serialize.rs`): `contracts` only when there are some.
#[derive(Clone, Debug)]
pub struct OptimizeSpec {
    /// Highest abandonment rate in a judged interval, if limited.
    pub max_abandon_rate: Option<f64>,
    /// Longest average speed of answer in a judged interval (seconds), if limited.
    pub max_asa: Option<f64>,
    /// `(answer_within seconds, target share)` for groups that only take transfers.
    pub back_office: (f64, f64),
    /// Agents on duty in every group at every interval, at least (not where every channel
    /// of the group is closed throughout the interval).
    pub min_on_duty: u32,
    /// Intervals with fewer offered contacts (per replication) are not judged.
    pub min_offered: f64,
    /// Replications of each verifying simulation.
    pub replications: u32,
    /// Most rounds of simulate, raise, re-solve.
    pub max_iterations: u32,
    /// Relative MIP gap.
    pub gap: f64,
    /// Time limit of each MIP solve, seconds.
    pub time_limit: f64,
    /// The MIP solver the scenario names (`microlp`, `cbc`; checked against the build
    /// when the scenario is read); `None`: the default (microlp). Never serialized: how
    /// a roster is solved is not part of the model, so the shard identity leaves it out.
    pub solver: Option<String>,
    /// Most part-time agents as a share of a group's rostered agents.
    pub max_part_time_share: Option<f64>,
    /// The share of simulated days on which every judged interval must meet its
    /// frontline targets (service level, ASA, first-queue abandonment), in [0.5, 0.99];
    /// `None`: the targets are met on average. Judged by a one-sided 95 % Wilson lower
    /// bound (`optimize::judge`). Not serialized: it changes how a roster is judged,
    /// not what a run simulates.
    pub confidence: Option<f64>,
    /// Most agents rostered, per group.
    pub max_agents: Vec<Option<u32>>,
    /// Highest mean occupancy of each group in a judged interval (busy / on-duty
    /// agent-time, a share in (0, 1]), `None` where not capped. Not serialized: it
    /// changes how a roster is judged, not what a run simulates.
    pub max_occupancy: Vec<Option<f64>>,
    /// The shift templates.
    pub shifts: Vec<ShiftTemplate>,
    /// Bot containment the optimizer may raise.
    pub deflections: Vec<Deflection>,
    /// `[[optimize.contract]]`: contract types; any switches weekly tours on (the
    /// templates' starts are then repeated on every day of the horizon).
    pub contracts: Vec<Contract>,
}

/// A bot containment the optimizer may raise, and what that costs.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Deflection {
    /// The bot.
    pub bot: BotId,
    /// The bot's channel.
    pub channel: ChannelId,
    /// The category.
    pub category: CategoryId,
    /// Today's containment (the scenario's).
    pub today: f64,
    /// The highest achievable.
    pub max: f64,
    /// Cost of one percentage point over the horizon.
    pub cost_per_point: f64,
    /// Cost of each extra contained contact.
    pub cost_per_contained: f64,
}

/// Shifts of one length that may start at any of a set of times, for some groups.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ShiftTemplate {
    /// Name.
    pub name: String,
    /// Groups that may work it.
    pub groups: Vec<GroupId>,
    /// Allowed starts, seconds from the start of the horizon.
    pub starts: Vec<f64>,
    /// Length in seconds, breaks included.
    pub length: f64,
    /// Counts towards the part-time share.
    pub part_time: bool,
    /// Its breaks, each with its allowed starts.
    pub breaks: Vec<BreakWindow>,
}

/// A break of a shift template, placed by the optimizer.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BreakWindow {
    /// Length in seconds.
    pub length: f64,
    /// Allowed starts, seconds from the shift's start.
    pub offsets: Vec<f64>,
    /// Whether it is paid.
    pub paid: bool,
}
