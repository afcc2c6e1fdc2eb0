//! The compiled model: a validated scenario with every name resolved to a dense index,
//! every distribution built and every routing table precomputed. The engine reads only this;
//! nothing in it is looked up by string.

use crate::distribution::Distribution;

/// Index of a channel in [`Model::channels`].
pub type ChannelIdx = u32;
/// Index of a category in [`Model::categories`].
pub type CategoryIdx = u32;
/// Index of a contact type (a channel/category pair) in [`Model::contact_types`].
pub type ContactTypeIdx = u32;
/// Index of an agent group in [`Model::groups`].
pub type GroupIdx = u32;

/// A ready-to-simulate contact center.
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
    /// Surge windows, for display (their effect is in the streams' rates).
    pub surges: Vec<Surge>,
    /// Contact logs replayed beside (or instead of) the synthetic streams.
    pub replays: Vec<crate::contact_log::ReplaySpec>,
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
    pub bot: Option<u32>,
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
}

/// A promotion window that multiplies arrival rates (already applied to the streams).
#[derive(Clone, Debug)]
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
#[derive(Clone, Debug)]
pub struct Return {
    /// Probability of coming back after each attempt.
    pub probability: f64,
    /// Time until the customer comes back.
    pub delay: Distribution,
    /// Most attempts one customer makes, the first included.
    pub max_attempts: u8,
    /// Channel of the new attempt.
    pub channel: ChannelIdx,
}

/// A bot (or IVR) stage: sessions, what they end in, capacity and outages.
#[derive(Clone, Debug)]
pub struct Bot {
    /// The channel it serves.
    pub channel: ChannelIdx,
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
    pub channel: ChannelIdx,
    /// The category.
    pub category: CategoryIdx,
    /// Groups that can serve this type, in routing priority order.
    pub groups: Vec<GroupIdx>,
    /// Distinct positive `overflow_after` waits of those groups, ascending.
    pub overflow_waits: Vec<f64>,
    /// Contact type of a repeat contact of this type (itself unless the channel changes).
    pub repeat_as: ContactTypeIdx,
    /// Its channel is a backlog (e-mail): served after every real-time queue.
    pub backlog: bool,
}

/// A piecewise-constant Poisson arrival stream of one contact type.
#[derive(Clone, Debug)]
pub struct ArrivalStream {
    /// What arrives.
    pub contact_type: ContactTypeIdx,
    /// Arrival rate per second in each interval of the horizon.
    pub rate_per_s: Vec<f64>,
    /// Priority class (index into `Model::priority_levels`, 0 is served first).
    pub class: u8,
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
    /// starting at 0 (interval starts, or shift and break starts and ends).
    pub timeline: Vec<(f64, u32)>,
    /// Share of scheduled agents absent.
    pub shrinkage: f64,
    /// Conversations an agent holds at once.
    pub concurrency: u8,
    /// Each extra concurrent conversation slows every one by this share: with `m` at once
    /// each progresses at `1 / (1 + slowdown × (m − 1))` of full speed.
    pub concurrency_slowdown: f64,
    /// Cost of one scheduled agent-hour.
    pub hourly_cost: f64,
    /// Contact types the group serves.
    pub handles: Vec<ContactTypeIdx>,
    /// The group's handle time for contact types without an override.
    pub handle_time: Distribution,
    /// Handle-time overrides by contact type.
    pub handle_time_by: Vec<(ContactTypeIdx, Distribution)>,
    /// Tier: 1 frontline, 2 specialist, 3 expert.
    pub tier: u8,
    /// The group takes a contact only once it has waited this many seconds.
    pub overflow_after: f64,
    /// Probability of resolving a contact, per category.
    pub resolve: Vec<f64>,
    /// Where unresolved contacts go, per category (`None`: they leave unresolved).
    pub escalate_to: Vec<Option<GroupIdx>>,
}

/// Transfers and escalations: their cap and what they cost in handling time.
#[derive(Clone, Debug)]
pub struct TransferPolicy {
    /// Most transfers one contact may have; an unresolved contact past it leaves.
    pub max_per_contact: u8,
    /// Added to the next handle time after a transfer that loses the history.
    pub context_loss: Option<Distribution>,
    /// The history travels with the contact: no context-loss penalty.
    pub keep_context: bool,
}

impl Group {
    /// Agents on duty when `scheduled` are scheduled: the absent share removed, rounded.
    #[inline]
    pub fn on_duty(&self, scheduled: u32) -> u32 {
        (scheduled as f64 * (1.0 - self.shrinkage)).round() as u32
    }
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

    /// Expected arrivals over the whole horizon, all streams together.
    pub fn expected_arrivals(&self) -> f64 {
        self.streams
            .iter()
            .map(|s| s.rate_per_s.iter().sum::<f64>() * self.interval)
            .sum()
    }

    /// Scheduled (paid) agent-hours over the horizon, all groups together.
    pub fn agent_hours(&self) -> f64 {
        self.groups
            .iter()
            .map(|g| g.paid_hours.iter().sum::<f64>())
            .sum()
    }

    /// Handle time of contact type `t` when served by group `g`.
    #[inline]
    pub fn handle_time(&self, g: GroupIdx, t: ContactTypeIdx) -> &Distribution {
        let group = &self.groups[g as usize];
        match self.handle_slot[g as usize * self.contact_types.len() + t as usize] {
            0 => &group.handle_time,
            slot => &group.handle_time_by[slot as usize - 1].1,
        }
    }

    /// Name of a contact type as written in the scenario, `channel/category`.
    pub fn contact_type_name(&self, idx: ContactTypeIdx) -> String {
        let ct = &self.contact_types[idx as usize];
        format!(
            "{}/{}",
            self.channels[ct.channel as usize].name, self.categories[ct.category as usize]
        )
    }
}
