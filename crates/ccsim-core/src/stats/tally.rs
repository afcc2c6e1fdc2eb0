//! The tallies the engine fills during one replication: plain counts and sums per queue
//! scope ([`QueueTally`]) and the dense per-interval arrays of a replication ([`Tallies`]).

use super::WaitHistogram;
use crate::model::Model;
use crate::table::Table;

/// Declares the tally struct and its `merge` from one list of fields: every field is a
/// sum (`u64` or `f64`), so merging two tallies adds them field by field, and a field added
/// to the list is merged without another line.
macro_rules! tally {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[doc = $doc:literal])+ pub $field:ident: $ty:ty,)+ }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[doc = $doc])+ pub $field: $ty,)+
        }

        impl $name {
            /// Adds another tally to this one, field by field. A level (`backlog`) adds up
            /// over scopes side by side (channels); a scope over time sets it to the level
            /// at its end after merging.
            pub fn merge(&mut self, o: &$name) {
                $(self.$field += o.$field;)+
            }
        }
    };
}

tally! {
    /// Counts and sums for one queue scope (an interval of a channel, a channel, all contacts).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct QueueTally {
    /// Contacts that arrived (before any bot), redials and repeats included.
    pub arrivals: u64,
    /// Arrivals that are redials of customers who abandoned.
    pub redials: u64,
    /// Arrivals that are repeat contacts of customers left unresolved.
    pub repeats: u64,
    /// Customers due back after the horizon (not simulated).
    pub returns_after_horizon: u64,
    /// E-mail contacts still waiting at the end of the interval (a level, not a sum).
    pub backlog: u64,
    /// Bot sessions started.
    pub bot_sessions: u64,
    /// Contacts the bot resolved.
    pub bot_contained: u64,
    /// Contacts that left during the bot session.
    pub bot_dropped: u64,
    /// Contacts the bot handed over to a wrong queue.
    pub bot_misrouted: u64,
    /// Contacts that got a first response (bot session start or agent answer).
    pub responded: u64,
    /// Sum of the first-response times, seconds.
    pub first_response_sum: f64,
    /// Contacts that entered a human queue.
    pub offered: u64,
    /// Contacts an agent started to serve.
    pub answered: u64,
    /// Answered within the channel's service-level threshold.
    pub answered_in_threshold: u64,
    /// Contacts that left the queue unserved, before any agent answered them.
    pub abandoned: u64,
    /// Of those, the ones that left within the channel's `short_abandon`.
    pub abandoned_short: u64,
    /// Sum of the waits of the abandoned contacts (in their first queue), seconds.
    pub abandoned_wait_sum: f64,
    /// Contacts that met the service level by their channel's definition beside the
    /// answers within the threshold (short abandons counted as met).
    pub sl_extra_met: u64,
    /// Contacts their channel's definition counts beside the offered ones (answers, and
    /// abandons after the short threshold, where offered contacts are not counted).
    pub sl_extra_counted: u64,
    /// Offered contacts their channel's definition does not count as offered.
    pub sl_uncounted: u64,
    /// Contacts that found every trunk line of their channel busy.
    pub blocked: u64,
    /// Waiting contacts that accepted a callback.
    pub callbacks: u64,
    /// Callback contacts an agent called back.
    pub callback_answered: u64,
    /// Sum of their waits from accepting to the call back, seconds.
    pub callback_wait_sum: f64,
    /// Sum of the waits of answered contacts, in seconds.
    pub wait_sum: f64,
    /// Contacts whose issue an agent resolved.
    pub resolved: u64,
    /// Resolved by the first agent, with no transfer.
    pub resolved_first: u64,
    /// Answered contacts that left with their issue unresolved.
    pub unresolved: u64,
    /// Contacts transferred or escalated at least once.
    pub transferred: u64,
    /// Transfers and escalations, all together.
    pub transfers: u64,
    /// Contacts that abandoned while waiting after a transfer.
    pub abandoned_in_transfer: u64,
    /// Transfers answered by the receiving group.
    pub transfer_answered: u64,
    /// Sum of the waits of answered transfers, in seconds.
    pub transfer_wait_sum: f64,
    /// Contacts that met their channel closed: arrivals while it was closed (counted
    /// where they arrived, whatever their channel's policy) and contacts dropped from its
    /// queues at closing.
    pub closed: u64,
    /// Closed arrivals deferred to the next opening (offered there).
    pub closed_deferred: u64,
    /// Closed arrivals sent to another channel (arriving there too).
    pub closed_redirected: u64,
    /// Offered contacts that left a queue at closing (`at_closing = "drop"`).
    pub closed_at_closing: u64,}
}

/// Everything one replication records, indexed densely: cells are `interval × channel`,
/// group areas `interval × group`.
#[derive(Clone, Debug, Default)]
pub struct Tallies {
    /// Per interval and channel, `interval * n_channels + channel`.
    pub(crate) cells: Table<QueueTally>,
    /// Wait histograms of answered contacts, same indexing as `cells`.
    pub(crate) waits: Table<WaitHistogram>,
    /// Per category over the whole horizon, with the waits of its answered contacts.
    pub by_category: Vec<(QueueTally, WaitHistogram)>,
    /// Per priority class (highest first), with the waits of its answered contacts.
    pub by_class: Vec<(QueueTally, WaitHistogram)>,
    /// Busy agent-seconds per interval and group, `interval * n_groups + group`.
    pub(crate) busy_area: Table<f64>,
    /// Staffed (present) agent-seconds per interval and group.
    pub(crate) staffed_area: Table<f64>,
    /// Agent-seconds per group spent finishing contacts past the plan (after the warm-up,
    /// the drain after the horizon included).
    pub overtime: Vec<f64>,
    /// The same per interval and group, `interval * n_groups + group`; the drain after the
    /// horizon goes to the last interval, so the intervals add up to `overtime`.
    pub overtime_area: Vec<f64>,
    /// Events processed, stale ones included.
    pub events: u64,
    /// Arrivals generated, warm-up included.
    pub contacts: u64,
}

impl Tallies {
    /// Sizes and zeroes the tallies for `model`, reusing storage.
    pub fn reset(&mut self, model: &Model) {
        let cells = model.n_intervals * model.channels.len();
        let areas = model.n_intervals * model.groups.len();
        self.cells.clear();
        self.cells.resize(cells, QueueTally::default());
        self.waits.resize_with(cells, WaitHistogram::default);
        self.waits.iter_mut().for_each(WaitHistogram::clear);
        for (scopes, n) in [
            (&mut self.by_category, model.categories.len()),
            (&mut self.by_class, model.priority_levels.len()),
        ] {
            scopes.resize_with(n, Default::default);
            for (tally, waits) in scopes.iter_mut() {
                *tally = QueueTally::default();
                waits.clear();
            }
        }
        self.busy_area.clear();
        self.busy_area.resize(areas, 0.0);
        self.staffed_area.clear();
        self.staffed_area.resize(areas, 0.0);
        self.overtime.clear();
        self.overtime.resize(model.groups.len(), 0.0);
        self.overtime_area.clear();
        self.overtime_area.resize(areas, 0.0);
        self.events = 0;
        self.contacts = 0;
    }
}
