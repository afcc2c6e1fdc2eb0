//! The metric registry: every metric ccsim reports is declared once, here, with its name
//! (the contract's JSON key), its unit, its description and its formula. From that one
//! declaration [`metric_set!`] makes
//! - the per-replication struct ([`QueueMetrics`], [`GroupMetrics`]: one `f64` per metric,
//!   NaN where undefined), with the formula that derives it from the replication's tallies;
//! - the estimates struct ([`QueueEstimates`], [`GroupEstimates`]: one [`Estimate`] per
//!   metric), serialized in declaration order — the order of the JSON document;
//! - the table ([`QUEUE_METRICS`], [`GROUP_METRICS`]) that comparisons, sweeps, precision
//!   targets, folding over replications and the output layer read: a metric's name, unit,
//!   description and reader.
//!
//! Merging is declared with the tallies (every tally field is a sum, see
//! [`super::QueueTally::merge`]); metrics of replications are combined only as estimates
//! (the mean over replications where the metric is defined, with its Student-t interval).
//! Adding a metric is one entry below; the text tables print the columns they choose by
//! name, and the CSV files flatten the JSON, so they pick it up without a change.

use super::{Estimate, QueueTally, WaitHistogram};
use serde::{Deserialize, Serialize};

/// How a metric is measured and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share in [0, 1], shown in percent; differences in percentage points.
    Share,
    /// Seconds.
    Seconds,
    /// A count (contacts, sessions, agents) or an amount (hours, money).
    Amount,
}

/// One metric's declaration in a registry table.
#[derive(Clone, Copy, Debug)]
pub struct MetricDef<M: 'static> {
    /// The metric's name: its JSON key and the name a comparison or `--precision` uses.
    pub name: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// What it is, in one sentence (its doc comment).
    pub description: &'static str,
    /// Reads the metric from a replication's metrics.
    pub get: fn(&M) -> f64,
}

/// The metric of `table` called `name`.
pub fn find<M>(table: &'static [MetricDef<M>], name: &str) -> Option<&'static MetricDef<M>> {
    table.iter().find(|m| m.name == name)
}

/// Declares a set of metrics (see the module's documentation): the metrics struct, the
/// estimates struct, the table and the formula from the set's input.
macro_rules! metric_set {
    (
        $(#[doc = $mdoc:literal])+
        metrics $metrics:ident;
        $(#[doc = $edoc:literal])+
        estimates $estimates:ident;
        $(#[doc = $tdoc:literal])+
        table $table:ident;
        from $input:ty;
        $(
            $(#[doc = $doc:literal])+
            $name:ident: $unit:ident $(, default $default:literal)? = |$p:pat_param| $formula:expr;
        )+
    ) => {
        $(#[doc = $mdoc])+
        #[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct $metrics {
            $($(#[doc = $doc])+ $(#[serde(default = $default)])? pub $name: f64,)+
        }

        $(#[doc = $edoc])+
        #[derive(Clone, Copy, Debug, PartialEq, Serialize)]
        pub struct $estimates {
            $($(#[doc = $doc])+ pub $name: Estimate,)+
        }

        $(#[doc = $tdoc])+
        pub const $table: &[MetricDef<$metrics>] = &[
            $(MetricDef {
                name: stringify!($name),
                unit: Unit::$unit,
                description: concat!($($doc),+),
                get: |m: &$metrics| m.$name,
            },)+
        ];

        impl $metrics {
            /// Number of metrics in the set.
            pub const FIELDS: usize = $table.len();

            /// The metrics from the set's input, each by its declared formula.
            pub fn derive(input: $input) -> $metrics {
                $metrics {
                    $($name: {
                        let $p = input;
                        $formula
                    },)+
                }
            }

            /// The metrics as an array, in declaration (table) order.
            pub fn values(&self) -> [f64; $table.len()] {
                [$(self.$name),+]
            }

            /// The metrics from an array in table order (the inverse of `values`).
            pub fn from_values(values: [f64; $table.len()]) -> $metrics {
                let [$($name),+] = values;
                $metrics { $($name),+ }
            }
        }

        impl $estimates {
            /// Each metric's estimate, in table order.
            pub fn from_fields(e: &[Estimate; $table.len()]) -> $estimates {
                let [$($name),+] = *e;
                $estimates { $($name),+ }
            }

            /// Each metric's estimate by `estimate`, given the metric's table entry.
            pub fn each(mut estimate: impl FnMut(&MetricDef<$metrics>) -> Estimate) -> $estimates {
                $estimates::from_fields(&std::array::from_fn(|i| estimate(&$table[i])))
            }
        }
    };
}

/// `a / b`, NaN when `b` is not positive (a share or a mean of nothing is undefined).
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// NaN: a metric a saved result (an older partial file) does not hold.
fn undefined() -> f64 {
    f64::NAN
}

/// What the agent-group metrics of one scope (an interval, or the reported period) are
/// derived from.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupArea {
    /// Busy agent-seconds.
    pub busy_s: f64,
    /// Staffed (present) agent-seconds.
    pub staffed_s: f64,
    /// The scope's length, seconds.
    pub span_s: f64,
    /// Scheduled (paid) agent-hours.
    pub scheduled_hours: f64,
    /// Cost of one scheduled agent-hour.
    pub hourly_cost: f64,
    /// Agent-seconds spent finishing contacts past the plan.
    pub overtime_s: f64,
}

metric_set! {
    /// Queue metrics of one scope (an interval of a channel, a channel, a category, a
    /// priority class, all contacts) in one replication; NaN where undefined (nothing
    /// offered).
    metrics QueueMetrics;
    /// Estimates of the queue metrics of one scope over the replications.
    estimates QueueEstimates;
    /// The queue metrics, in the order of the JSON document.
    table QUEUE_METRICS;
    from (&QueueTally, &WaitHistogram);

    /// Contacts that arrived, before any bot (attempts: redials and repeats included).
    arrivals: Amount = |(t, _)| t.arrivals as f64;
    /// First attempts: arrivals that are neither redials nor repeats, less the closed
    /// channel's first attempts redirected elsewhere (each customer counts on the channel
    /// it was sent to; `arrivals` counts it on both).
    unique_customers: Amount = |(t, _)| t.arrivals as f64
        - (t.redials + t.repeats) as f64
        - t.closed_redirected as f64;
    /// Redials / arrivals.
    redial_rate: Share = |(t, _)| ratio(t.redials as f64, t.arrivals as f64);
    /// Repeat contacts / arrivals.
    repeat_rate: Share = |(t, _)| ratio(t.repeats as f64, t.arrivals as f64);
    /// Customers due back after the horizon (not simulated).
    returns_after_horizon: Amount = |(t, _)| t.returns_after_horizon as f64;
    /// E-mail contacts waiting at the end of the interval; for a channel or all channels,
    /// at the end of the horizon (0 for other scopes).
    backlog: Amount = |(t, _)| t.backlog as f64;
    /// Bot sessions.
    bot_sessions: Amount = |(t, _)| t.bot_sessions as f64;
    /// Resolved by the bot / bot sessions.
    bot_containment: Share = |(t, _)| ratio(t.bot_contained as f64, t.bot_sessions as f64);
    /// Left during the bot session / bot sessions.
    bot_dropout: Share = |(t, _)| ratio(t.bot_dropped as f64, t.bot_sessions as f64);
    /// Handed over to a wrong queue / handed over to humans.
    bot_misroute_rate: Share = |(t, _)| ratio(
        t.bot_misrouted as f64,
        (t.bot_sessions - t.bot_contained - t.bot_dropped) as f64,
    );
    /// Mean time to the first response (bot or agent), seconds.
    first_response_s: Seconds = |(t, _)| ratio(t.first_response_sum, t.responded as f64);
    /// Answered / offered: the share of contacts asking for a human that reach one.
    human_connect_rate: Share = |(t, _)| ratio(t.answered as f64, t.offered as f64);
    /// Contacts offered to a human queue.
    offered: Amount = |(t, _)| t.offered as f64;
    /// Contacts answered by an agent.
    answered: Amount = |(t, _)| t.answered as f64;
    /// Contacts that abandoned the queue (their first queue, before any agent answered).
    abandoned: Amount = |(t, _)| t.abandoned as f64;
    /// Contacts still in the system when the run ended (waiting with no agent to come).
    unfinished: Amount = |(t, _)| t.offered as f64
        - t.abandoned as f64
        - (t.resolved + t.unresolved + t.abandoned_in_transfer) as f64
        - t.closed_at_closing as f64;
    /// Met / counted by the channel's service-level definition (the default, `offered`:
    /// answered within the channel's threshold / offered; see `service_level_definitions`).
    service_level: Share = |(t, _)| ratio(sl_met(t), sl_counted(t));
    /// Every contact of the scope that gave up waiting, in its first queue or in a queue
    /// after a transfer or escalation, over offered: (abandoned + abandoned_in_transfer) /
    /// offered.
    abandon_rate: Share = |(t, _)| ratio(
        t.abandoned as f64 + t.abandoned_in_transfer as f64,
        t.offered as f64,
    );
    /// Mean wait of answered contacts (ASA), seconds.
    asa_s: Seconds = |(t, _)| ratio(t.wait_sum, t.answered as f64);
    /// 90th percentile of the wait of answered contacts, seconds.
    wait_p90_s: Seconds = |(_, w)| w.quantile(0.9);
    /// Contacts resolved by an agent.
    resolved: Amount = |(t, _)| t.resolved as f64;
    /// Answered contacts that left unresolved (no transfer target, or the cap reached).
    unresolved: Amount = |(t, _)| t.unresolved as f64;
    /// Contacts that abandoned while waiting after a transfer.
    abandoned_in_transfer: Amount = |(t, _)| t.abandoned_in_transfer as f64;
    /// Resolved / answered.
    resolution_rate: Share = |(t, _)| ratio(t.resolved as f64, t.answered as f64);
    /// Resolved by the first agent with no transfer / answered.
    first_contact_resolution: Share = |(t, _)| ratio(t.resolved_first as f64, t.answered as f64);
    /// Transferred at least once / answered.
    transfer_rate: Share = |(t, _)| ratio(t.transferred as f64, t.answered as f64);
    /// Transfers and escalations per contact answered.
    transfers_per_answered: Amount = |(t, _)| ratio(t.transfers as f64, t.answered as f64);
    /// Mean wait of answered transfers, seconds.
    transfer_asa_s: Seconds = |(t, _)| ratio(t.transfer_wait_sum, t.transfer_answered as f64);
    /// Contacts that gave up waiting in any queue: abandoned + abandoned_in_transfer.
    abandoned_all: Amount, default "undefined" =
        |(t, _)| t.abandoned as f64 + t.abandoned_in_transfer as f64;
    /// Transferred contacts that gave up waiting after a transfer: abandoned_in_transfer /
    /// transferred.
    transfer_abandon_rate: Share, default "undefined" =
        |(t, _)| ratio(t.abandoned_in_transfer as f64, t.transferred as f64);
    /// Contacts that met their channel closed (opening hours): arrivals while it was
    /// closed, neither offered nor abandoned (whatever then happened to them), and
    /// offered contacts dropped from its queues at closing.
    closed: Amount, default "undefined" = |(t, _)| t.closed as f64;
    /// Closed arrivals deferred to the next opening, offered there
    /// (`when_closed = "defer"`).
    closed_deferred: Amount, default "undefined" = |(t, _)| t.closed_deferred as f64;
    /// Closed arrivals sent to another channel (`when_closed = { to = … }`), where they
    /// arrive again.
    closed_redirected: Amount, default "undefined" = |(t, _)| t.closed_redirected as f64;
    /// Offered contacts dropped from the queue when their channel closed
    /// (`at_closing = "drop"`): among `closed`, not abandoned.
    closed_at_closing: Amount, default "undefined" = |(t, _)| t.closed_at_closing as f64;
    /// Contacts that abandoned their first queue within the channel's `short_abandon`
    /// (0 without one).
    abandoned_short: Amount, default "undefined" = |(t, _)| t.abandoned_short as f64;
    /// Mean wait of every contact that left its first queue, answered or abandoned (an
    /// abandoned contact's wait is its patience), seconds: (waits of answered + waits of
    /// abandoned) / (answered + abandoned).
    asa_all_s: Seconds, default "undefined" = |(t, _)| ratio(
        t.wait_sum + t.abandoned_wait_sum,
        (t.answered + t.abandoned) as f64,
    );
    /// Contacts that asked for a human while every trunk line of their channel was busy
    /// (not offered; they may redial).
    blocked: Amount, default "undefined" = |(t, _)| t.blocked as f64;
    /// Blocked / (offered + blocked): the share of contacts asking for a human that found
    /// every line busy.
    block_rate: Share, default "undefined" = |(t, _)| ratio(
        t.blocked as f64,
        (t.offered + t.blocked) as f64,
    );
    /// Contacts meeting the service level by the channel's definition: the service
    /// level's numerator (add these up, and `sl_counted`, to combine scopes).
    sl_met: Amount, default "undefined" = |(t, _)| sl_met(t);
    /// Contacts the channel's service-level definition counts: its denominator.
    sl_counted: Amount, default "undefined" = |(t, _)| sl_counted(t);
    /// Waiting contacts that accepted a callback.
    callbacks: Amount, default "undefined" = |(t, _)| t.callbacks as f64;
    /// Mean wait of called-back contacts from accepting the callback to the call back,
    /// seconds.
    callback_wait_s: Seconds, default "undefined" = |(t, _)| ratio(
        t.callback_wait_sum,
        t.callback_answered as f64,
    );
}

metric_set! {
    /// Agent-group metrics of one scope (an interval, or the reported period) in one
    /// replication.
    metrics GroupMetrics;
    /// Estimates of an agent group's metrics over the replications.
    estimates GroupEstimates;
    /// The agent-group metrics, in the order of the JSON document.
    table GROUP_METRICS;
    from GroupArea;

    /// Busy agent-time / staffed agent-time (NaN when nobody was staffed).
    occupancy: Share = |a| ratio(a.busy_s, a.staffed_s);
    /// Mean number of agents present (on duty).
    staffed: Amount = |a| a.staffed_s / a.span_s;
    /// Scheduled (paid) agent-hours.
    scheduled_hours: Amount = |a| a.scheduled_hours;
    /// Scheduled agent-hours × hourly cost.
    cost: Amount = |a| a.scheduled_hours * a.hourly_cost;
    /// Agent-hours spent finishing contacts past the plan (in the last interval and the
    /// whole run, the drain after the horizon included).
    overtime_hours: Amount = |a| a.overtime_s / 3600.0;
}

/// The service level's numerator: answers within the threshold, and the short abandons
/// of channels whose definition counts them as met.
fn sl_met(t: &QueueTally) -> f64 {
    (t.answered_in_threshold + t.sl_extra_met) as f64
}

/// The service level's denominator: offered contacts, less those a channel's definition
/// does not count at the offer, plus what it counts later (answers, long abandons).
fn sl_counted(t: &QueueTally) -> f64 {
    (t.offered + t.sl_extra_counted) as f64 - t.sl_uncounted as f64
}

impl QueueMetrics {
    /// The metrics of a tally and the histogram of its answered waits.
    pub fn from_tally(t: &QueueTally, waits: &WaitHistogram) -> QueueMetrics {
        QueueMetrics::derive((t, waits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_read_as_arrays_in_table_order() {
        let q = QueueMetrics {
            arrivals: 1.0,
            offered: 13.0,
            wait_p90_s: 28.0,
            ..Default::default()
        };
        let v = q.values();
        assert_eq!(QueueMetrics::FIELDS, 42);
        let at = |name| QUEUE_METRICS.iter().position(|m| m.name == name).unwrap();
        assert_eq!(
            (v[at("arrivals")], v[at("offered")], v[at("wait_p90_s")]),
            (1.0, 13.0, 28.0)
        );
        assert_eq!(QueueMetrics::from_values(v), q);
        for (m, x) in QUEUE_METRICS.iter().zip(v) {
            assert_eq!((m.get)(&q).to_bits(), x.to_bits(), "{}", m.name);
        }
        let g = GroupMetrics {
            occupancy: 0.5,
            overtime_hours: 2.0,
            ..Default::default()
        };
        assert_eq!(GroupMetrics::FIELDS, 5);
        assert_eq!(g.values()[4], 2.0);
        assert_eq!(GroupMetrics::from_values(g.values()), g);
    }

    #[test]
    fn the_table_names_units_and_describes_every_metric_once() {
        let names: std::collections::BTreeSet<_> = QUEUE_METRICS.iter().map(|m| m.name).collect();
        assert_eq!(names.len(), QUEUE_METRICS.len());
        let sl = find(QUEUE_METRICS, "service_level").unwrap();
        assert_eq!(sl.unit, Unit::Share);
        assert!(sl.description.contains("threshold"), "{}", sl.description);
        assert_eq!(find(QUEUE_METRICS, "asa_s").unwrap().unit, Unit::Seconds);
        assert_eq!(find(GROUP_METRICS, "occupancy").unwrap().unit, Unit::Share);
        assert!(find(QUEUE_METRICS, "nonsense").is_none());
    }

    #[test]
    fn formulas_follow_their_definitions() {
        let t = QueueTally {
            arrivals: 100,
            redials: 5,
            repeats: 5,
            offered: 80,
            answered: 70,
            answered_in_threshold: 56,

            abandoned: 8,
            abandoned_wait_sum: 200.0,
            abandoned_in_transfer: 2,
            wait_sum: 700.0,
            resolved: 60,
            unresolved: 6,
            transferred: 10,
            ..Default::default()
        };
        let m = QueueMetrics::from_tally(&t, &WaitHistogram::default());
        assert_eq!(m.unique_customers, 90.0);
        assert_eq!(m.service_level, 56.0 / 80.0);
        assert_eq!(m.abandon_rate, 10.0 / 80.0);
        assert_eq!(m.asa_s, 10.0);
        assert_eq!(m.asa_all_s, 900.0 / 78.0);
        // Conservation: offered = abandoned + resolved + unresolved + abandoned after a
        // transfer + unfinished.
        assert_eq!(m.unfinished, 80.0 - 8.0 - 60.0 - 6.0 - 2.0);
        assert!(m.bot_containment.is_nan());
        let empty = QueueMetrics::from_tally(&QueueTally::default(), &WaitHistogram::default());
        assert!(empty.service_level.is_nan() && empty.offered == 0.0);
    }

    #[test]
    fn the_estimates_serialize_in_table_order_with_the_table_names() {
        let e = Estimate {
            mean: 0.5,
            ci95: 0.1,
            n: 2,
        };
        let json = serde_json::to_value(QueueEstimates::each(|_| e)).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let names: Vec<&str> = QUEUE_METRICS.iter().map(|m| m.name).collect();
        // serde_json's map sorts keys unless preserve_order: compare as sets and count.
        let (mut k, mut n) = (keys.clone(), names.clone());
        k.sort_unstable();
        n.sort_unstable();
        assert_eq!(k, n);
        let group = serde_json::to_value(GroupEstimates::each(|_| e)).unwrap();
        assert_eq!(group.as_object().unwrap().len(), GROUP_METRICS.len());
        assert_eq!(group["occupancy"]["mean"], 0.5);
    }
}
