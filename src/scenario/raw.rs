//! The scenario file as written: serde types that mirror the TOML one to one, with spans
//! kept on every value that a later check may need to point at. Unknown keys are errors.

use crate::duration::Duration;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

mod forecast;
pub use forecast::{RawForecast, RawForecastColumns};

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// `[simulation]`: horizon, warm-up, interval, replications, seed.
    pub simulation: Spanned<RawSimulation>,
    /// `[[channel]]` entries.
    #[serde(default)]
    pub channel: Vec<Spanned<RawChannel>>,
    /// `[[category]]` entries.
    #[serde(default)]
    pub category: Vec<Spanned<RawCategory>>,
    /// `[[arrivals]]` entries.
    #[serde(default)]
    pub arrivals: Vec<Spanned<RawArrivals>>,
    /// `[[group]]` entries.
    #[serde(default)]
    pub group: Vec<Spanned<RawGroup>>,
    /// `[[bot]]` entries: a bot stage in front of a channel's human queues.
    #[serde(default)]
    pub bot: Vec<Spanned<RawBot>>,
    /// `[transfers]`: the cap and the context-loss penalty.
    pub transfers: Option<Spanned<RawTransfers>>,
    /// `[[surge]]` entries: promotion windows that multiply arrival rates.
    #[serde(default)]
    pub surge: Vec<Spanned<RawSurge>>,
    /// `[[route]]` entries: the order in which the groups that handle a contact type are
    /// tried (instead of the file order of the groups).
    #[serde(default)]
    pub route: Vec<Spanned<RawRoute>>,
    /// `[[replay]]` entries: contact logs fed to the engine.
    #[serde(default)]
    pub replay: Vec<Spanned<RawReplay>>,
    /// `[[variant]]` entries: named sets of changes, compared with the scenario by
    /// `ccsim compare` (a plain run ignores them).
    #[serde(default)]
    pub variant: Vec<Spanned<super::overrides::RawVariantEntry>>,
    /// `[optimize]`: targets, shift templates and limits for `ccsim optimize` (a plain run
    /// ignores it).
    pub optimize: Option<Spanned<RawOptimize>>,
    /// `[forecast]`: arrivals (with handle times and shrinkage) read from a WFM forecast
    /// file (CSV or .xlsx), expanded into `[[arrivals]]` streams before compiling.
    pub forecast: Option<Spanned<RawForecast>>,
}

/// `[optimize]`: what `ccsim optimize` aims for and the shifts it may roster.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOptimize {
    /// Highest abandonment rate allowed in any judged interval, every channel.
    pub max_abandon_rate: Option<Spanned<f64>>,
    /// Longest average speed of answer allowed in any judged interval.
    pub max_asa: Option<Spanned<Duration>>,
    /// Target for groups that only take transfers and escalations.
    pub back_office: Option<Spanned<RawTarget>>,
    /// Agents on duty in every group at every interval, at least (default 1).
    pub min_on_duty: Option<Spanned<i64>>,
    /// An interval is judged only when this many contacts are offered in it (default 10).
    pub min_offered: Option<Spanned<f64>>,
    /// Replications of each verifying simulation (default: the scenario's).
    pub replications: Option<Spanned<i64>>,
    /// Most rounds of simulate, raise, re-solve (default 8).
    pub max_iterations: Option<Spanned<i64>>,
    /// Relative optimality gap at which the roster MIP stops (default 0.005).
    pub gap: Option<Spanned<f64>>,
    /// Time limit of each MIP solve (default 20s).
    pub time_limit: Option<Spanned<Duration>>,
    /// The MIP solver: "microlp" (default) or "cbc" (a build with the `cbc` feature).
    pub solver: Option<Spanned<String>>,
    /// Most part-time agents as a share of a group's rostered agents.
    pub max_part_time_share: Option<Spanned<f64>>,
    /// The share of simulated days on which every judged interval must meet its targets
    /// (e.g. 0.9; default: the targets are met on average).
    pub confidence: Option<Spanned<f64>>,
    /// Most agents rostered per group, by group name.
    pub max_agents: Option<BTreeMap<Spanned<String>, Spanned<i64>>>,
    /// Highest occupancy of a group in a judged interval: one share for every group, or
    /// a table of shares by group name.
    pub max_occupancy: Option<Spanned<SharesByGroup>>,
    /// `[[optimize.shift]]`: the shift templates.
    #[serde(default)]
    pub shift: Vec<Spanned<RawShiftTemplate>>,
    /// `[[optimize.deflection]]`: bot containment the optimizer may buy, per category.
    #[serde(default)]
    pub deflection: Vec<Spanned<RawDeflection>>,
    /// A roster of named agents (CSV or `.xlsx`, relative to the scenario's folder), read
    /// by `optimize::people`; it changes nothing in the compiled model.
    pub people: Option<Spanned<String>>,
    /// `[[optimize.contract]]`: contract types; any switches weekly tours on.
    #[serde(default)]
    pub contract: Vec<Spanned<RawContract>>,
}

// --- [[optimize.contract]] (weekly tours) ---

/// `[[optimize.contract]]`: the rules of the tours of one contract type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    /// Name, e.g. `full_time`.
    pub name: Spanned<String>,
    /// Groups (default: every group).
    pub groups: Option<Spanned<Vec<Spanned<String>>>>,
    /// Shift templates its people work (default: every template).
    pub shifts: Option<Spanned<Vec<Spanned<String>>>>,
    /// Working days per week: `5` or `{ min = 4, max = 5 }`.
    pub days_per_week: Option<Spanned<RawRange<i64>>>,
    /// Paid hours per week: `"40h"` or `{ min = "20h", max = "30h" }`.
    pub hours_per_week: Option<Spanned<RawRange<Duration>>>,
    /// Days off come in runs of at least this many.
    pub consecutive_days_off: Option<Spanned<i64>>,
    /// Most working days in a row.
    pub max_consecutive_days: Option<Spanned<i64>>,
    /// Rest from a shift's end to the next one's start, at least.
    pub min_rest: Option<Spanned<Duration>>,
    /// Every start within ± this of the tour's first start (time of day).
    pub start_band: Option<Spanned<Duration>>,
    /// A weekend off at least every this many weeks.
    pub weekends_off_every: Option<Spanned<i64>>,
}

/// A value or a `{ min, max }` range of values (`5`, `"40h"`, `{ min = 4, max = 5 }`).
#[derive(Debug)]
pub enum RawRange<T> {
    /// One value: min = max.
    One(T),
    /// A range.
    Range {
        /// Least.
        min: T,
        /// Most.
        max: T,
    },
}

/// `{ min, max }`, both required, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinMax<T> {
    min: T,
    max: T,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for RawRange<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RangeVisitor(std::marker::PhantomData))
    }
}

/// Reads a [`RawRange`]: a single value as `T` reads it, or a `{ min, max }` table.
struct RangeVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for RangeVisitor<T> {
    type Value = RawRange<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value (such as 5 or \"40h\") or { min = …, max = … }")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        use serde::de::IntoDeserializer;
        T::deserialize(v.into_deserializer()).map(RawRange::One)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        use serde::de::IntoDeserializer;
        T::deserialize(v.into_deserializer()).map(RawRange::One)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        use serde::de::IntoDeserializer;
        T::deserialize(v.into_deserializer()).map(RawRange::One)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let m = MinMax::<T>::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(RawRange::Range {
            min: m.min,
            max: m.max,
        })
    }
}

// --- end [[optimize.contract]] ---

/// `[[optimize.deflection]]`: raising a bot's containment of one category, up to what is
/// achievable, at a cost.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeflection {
    /// The bot's channel.
    pub channel: Spanned<String>,
    /// The category.
    pub category: Spanned<String>,
    /// The highest containment achievable.
    pub max: Spanned<f64>,
    /// Cost of one percentage point more, over the horizon (e.g. content and training).
    pub cost_per_point: Option<Spanned<f64>>,
    /// Cost of each contact the bot contains beyond today's share.
    pub cost_per_contained: Option<Spanned<f64>>,
}

/// `{ answer_within = "3m", target = 0.8 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// The wait threshold.
    pub answer_within: Spanned<Duration>,
    /// The share to answer within it.
    pub target: Spanned<f64>,
}

/// `[[optimize.shift]]`: shifts of one length that may start at any of a range of times.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShiftTemplate {
    /// Name, e.g. `full_time`.
    pub name: Spanned<String>,
    /// Groups that may work it (default: every group).
    pub groups: Option<Spanned<Vec<Spanned<String>>>>,
    /// Earliest start, from the start of the horizon.
    pub earliest_start: Spanned<Duration>,
    /// Latest start.
    pub latest_start: Spanned<Duration>,
    /// Step between allowed starts (default: the interval).
    pub start_every: Option<Spanned<Duration>>,
    /// Length, breaks included.
    pub length: Spanned<Duration>,
    /// Counts towards `max_part_time_share` (default false).
    pub part_time: Option<Spanned<bool>>,
    /// Breaks, each placed by the optimizer inside its window.
    #[serde(default)]
    pub breaks: Vec<Spanned<RawBreakWindow>>,
}

/// `{ length = "30m", earliest = "2h", latest = "5h", paid = false }`: a break starting
/// between `earliest` and `latest` after the shift starts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreakWindow {
    /// Length.
    pub length: Spanned<Duration>,
    /// Earliest start, from the shift's start.
    pub earliest: Spanned<Duration>,
    /// Latest start, from the shift's start.
    pub latest: Spanned<Duration>,
    /// Step between allowed starts (default: the interval).
    pub every: Option<Spanned<Duration>>,
    /// Whether the break is paid (default true).
    pub paid: Option<Spanned<bool>>,
}

/// `[[replay]]`: a contact log (CSV) whose contacts arrive as logged.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReplay {
    /// The log, relative to the scenario file.
    pub file: Spanned<String>,
    /// The log's date-time placed at the horizon's start.
    pub log_start: Option<Spanned<String>>,
    /// Added to every row's time.
    pub time_shift: Option<Spanned<Duration>>,
    /// Expected copies of each row (0.5 thins to half, 1.3 adds 30 %).
    pub volume_scale: Option<Spanned<f64>>,
    /// Resample the rows in each replication (Poisson bootstrap).
    pub bootstrap: Option<bool>,
    /// Skip unreadable rows (counted) instead of stopping.
    pub skip_bad_rows: Option<bool>,
    /// Also replay the log's redials and repeats (`attempt` above 1).
    pub replay_returns: Option<bool>,
    /// ccsim's column names → the log's headers (`{ timestamp = "Call Start", … }`).
    pub columns: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    /// strftime-style format of the log's date-times (`"%d/%m/%Y %H:%M:%S"`).
    pub datetime_format: Option<Spanned<String>>,
    /// Field separator (`","`, `";"`, `"\t"`); found from the header when absent.
    pub delimiter: Option<Spanned<String>>,
    /// The log's outcome words → ccsim's outcomes (`{ Handled = "answered" }`).
    pub outcomes: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    /// Window within which a customer's next contact is a redial or repeat (a log with
    /// customer ids and no `attempt` column; default 24h).
    pub return_window: Option<Spanned<Duration>>,
}

/// `[[surge]]`: arrival rates multiplied over a time window, with optional ramps.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSurge {
    /// Shown in `ccsim check`.
    pub name: Option<String>,
    /// Only this channel's streams (default: every channel).
    pub channel: Option<Spanned<String>>,
    /// Only this category's streams (default: every category).
    pub category: Option<Spanned<String>>,
    /// Window start, from the start of the horizon.
    pub from: Spanned<Duration>,
    /// Window end.
    pub to: Spanned<Duration>,
    /// Factor on the rates inside the window (after the ramp up, before the ramp down).
    pub multiplier: Spanned<f64>,
    /// Per-category factors replacing `multiplier`: the mix of a sale.
    #[serde(default)]
    pub multiplier_by: BTreeMap<String, Spanned<f64>>,
    /// Linear rise from 1 to the multiplier over this time after `from` (default 0s).
    pub ramp_up: Option<Spanned<Duration>>,
    /// Linear fall back to 1 over this time before `to` (default 0s).
    pub ramp_down: Option<Spanned<Duration>>,
}

/// `busyness` of a channel: gamma factors of mean 1 on its arrival rates (overdispersion).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBusyness {
    /// Coefficient of variation of a factor drawn per day.
    pub day_cv: Option<Spanned<f64>>,
    /// Coefficient of variation of a factor drawn per interval.
    pub interval_cv: Option<Spanned<f64>>,
}

/// `[transfers]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransfers {
    /// Most transfers and escalations one contact may have (default 3).
    pub max_per_contact: Option<Spanned<i64>>,
    /// Extra handling time after a transfer that loses the history.
    pub context_loss: Option<Spanned<RawDistribution>>,
    /// The history travels with the contact ("first owner", shared history): no penalty.
    pub keep_context: Option<bool>,
}

/// `[simulation]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    /// Scenario name shown in outputs (defaults to the file stem).
    pub name: Option<String>,
    /// Arrivals are generated in `[0, horizon)`.
    pub horizon: Spanned<Duration>,
    /// Contacts arriving before this are simulated but not counted.
    pub warmup: Option<Spanned<Duration>>,
    /// Reporting and staffing interval.
    pub interval: Spanned<Duration>,
    /// Number of replications.
    pub replications: Option<Spanned<i64>>,
    /// Base seed of all random streams.
    pub seed: Option<Spanned<i64>>,
    /// Date (and time) of the horizon's start, e.g. `"2026-11-11"`: gives the day of week.
    pub start: Option<Spanned<String>>,
    /// `"terminating"` (a day that starts empty by design) or `"steady_state"` (long-run
    /// figures wanted: the warm-up is checked).
    pub kind: Option<Spanned<String>>,
    /// A typical day repeated: the horizon is one day, simulated after a lead-in copy of
    /// itself that is not counted (default false).
    pub cyclic: Option<Spanned<bool>>,
    /// A busyness factor shared by every channel (one draw per day, and per interval, for
    /// the whole centre), beside each channel's own.
    pub busyness: Option<Spanned<RawBusyness>>,
}

/// `[[channel]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    /// Channel name.
    pub name: Spanned<String>,
    /// Service-level definition.
    pub service_level: Option<Spanned<RawServiceLevel>>,
    /// `"realtime"` (default) or `"email"`: a backlog worked when no real-time contact waits.
    pub kind: Option<Spanned<String>>,
    /// Patience in queue; absent means no abandonment.
    pub patience: Option<Spanned<RawDistribution>>,
    /// Patience for some categories, hours of the day, or both, overriding `patience`.
    pub patience_by: Option<Spanned<Vec<Spanned<RawPatienceBy>>>>,
    /// Customers who abandon try again.
    pub redial: Option<Spanned<RawReturn>>,
    /// Customers left unresolved come back, perhaps on another channel.
    pub repeat: Option<Spanned<RawReturn>>,
    /// Overdispersion of arrivals: random busyness factors per day and per interval.
    pub busyness: Option<Spanned<RawBusyness>>,
    /// Trunk lines: the most calls in the human stage at once (others are blocked).
    pub lines: Option<Spanned<i64>>,
    /// A callback offered to callers who have waited long enough.
    pub callback: Option<Spanned<RawCallback>>,
    /// Opening hours by day of the week: `{ "mon-fri" = "08:00-22:00", sun = "closed" }`
    /// (a value is a window, a list of windows, or `"closed"`); absent: always open.
    pub hours: Option<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
    /// Dates the channel is closed all day, `["2025-12-25"]`.
    pub closed_dates: Option<Spanned<Vec<Spanned<String>>>>,
    /// `"lose"` (default), `"defer"` or `{ to = "chat" }`: contacts arriving while closed.
    pub when_closed: Option<Spanned<toml::Value>>,
    /// `"serve"` (default) or `"drop"`: contacts still waiting at closing.
    pub at_closing: Option<Spanned<String>>,
}

/// A `patience_by` entry: `{ category = "billing", from = "10:00", until = "12:00",
/// patience = { dist = … } }` (`category`, `from` and `until` each optional).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPatienceBy {
    /// The category it applies to (default: every category of the channel).
    pub category: Option<Spanned<String>>,
    /// Time of day from which it applies, `"HH:MM"` (default 00:00).
    pub from: Option<Spanned<String>>,
    /// Time of day until which it applies, `"HH:MM"` (default 24:00).
    pub until: Option<Spanned<String>>,
    /// The patience distribution.
    pub patience: Spanned<RawDistribution>,
}

/// `[[route]]`: `contact = "voice/billing", groups = ["billing", "general"]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// The `"channel/category"` pair (or `"channel/*"`) routed.
    pub contact: Spanned<String>,
    /// Groups in the order they are tried; groups that handle it and are not listed come
    /// after, in file order.
    pub groups: Spanned<Vec<Spanned<String>>>,
}

/// `redial = { probability = 0.5, delay = {…} }` or `repeat = {…, channel = "chat"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReturn {
    /// Probability of coming back after each attempt.
    pub probability: Spanned<f64>,
    /// Time until the customer comes back.
    pub delay: Spanned<RawDistribution>,
    /// Most attempts one customer makes, the first included (default 5).
    pub max_attempts: Option<Spanned<i64>>,
    /// Channel of the repeat contact (default: the same; `repeat` only).
    pub channel: Option<Spanned<String>>,
}

/// `callback = { after = "2m", accept = 0.6 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallback {
    /// Wait after which the callback is offered.
    pub after: Spanned<Duration>,
    /// Probability that a caller accepts it (default 1).
    pub accept: Option<Spanned<f64>>,
}

/// `service_level = { answer_within = "20s", target = 0.8 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServiceLevel {
    /// Threshold.
    pub answer_within: Spanned<Duration>,
    /// Target share answered within the threshold.
    pub target: Option<Spanned<f64>>,
    /// How it is counted: `"offered"` (default), `"answered"`,
    /// `"excluding_short_abandons"` or `"short_abandons_met"`.
    pub definition: Option<Spanned<String>>,
    /// Abandons within this wait are short (excluded, or met, by the definition).
    pub short_abandon: Option<Spanned<Duration>>,
}

/// `[[category]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    /// Category name.
    pub name: Spanned<String>,
}

/// `[[arrivals]]`: one stream of one channel/category pair.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// Channel name.
    pub channel: Spanned<String>,
    /// Category name (or `mix`).
    pub category: Option<Spanned<String>>,
    /// Shares of categories, adding up to 1: one stream per category, all shaped alike.
    pub mix: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    /// Factors per day of the week, Monday first (needs `[simulation] start`).
    pub day_of_week: Option<Spanned<Vec<f64>>>,
    /// Constant rate per hour.
    pub rate_per_hour: Option<Spanned<f64>>,
    /// Rate per hour in each interval of the horizon.
    pub rates_per_hour: Option<Spanned<Vec<f64>>>,
    /// Contacts per day, spread over the day by `profile`.
    pub daily_volume: Option<Spanned<f64>>,
    /// Weights per interval of a day for `daily_volume`.
    pub profile: Option<Spanned<Vec<f64>>>,
    /// Customer priority class (higher is served first; default 0).
    pub priority: Option<Spanned<i64>>,
    /// Average handle time of this stream's contacts in each interval of the horizon (one
    /// value per interval, like `rates_per_hour`): a duration string or seconds. Scales the
    /// handle-time distributions of the contact type (see `ContactType::handle_scale`).
    pub aht: Option<Spanned<Vec<RawSeconds>>>,
}

/// A span of time written as a duration string (`"5m30s"`) or as a number of seconds
/// (`330`, `330.5`). Any finite number is read; the compiler checks the range it needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RawSeconds(f64);

impl RawSeconds {
    /// A value of `secs` seconds (for scenarios built from other files, e.g. a forecast's
    /// AHT column).
    pub fn from_secs(secs: f64) -> RawSeconds {
        RawSeconds(secs)
    }

    /// The value in seconds.
    pub fn secs(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for RawSeconds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawSeconds, D::Error> {
        use serde::de::{self, Visitor};
        struct SecondsVisitor;
        impl Visitor<'_> for SecondsVisitor {
            type Value = RawSeconds;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number of seconds or a duration string such as \"5m30s\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSeconds, E> {
                v.parse::<Duration>()
                    .map(|d| RawSeconds(d.secs()))
                    .map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSeconds, E> {
                Ok(RawSeconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSeconds, E> {
                Ok(RawSeconds(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawSeconds, E> {
                Ok(RawSeconds(v))
            }
        }
        deserializer.deserialize_any(SecondsVisitor)
    }
}

/// `shrinkage`: one share for the whole horizon (`0.3`) or one per interval
/// (`[0.3, 0.35, …]`).
#[derive(Clone, Debug, PartialEq)]
pub enum RawShrinkage {
    /// The same share in every interval.
    One(f64),
    /// One share per interval of the horizon.
    PerInterval(Vec<f64>),
}

impl<'de> Deserialize<'de> for RawShrinkage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawShrinkage, D::Error> {
        use serde::de::{self, SeqAccess, Visitor};
        struct ShrinkageVisitor;
        impl<'de> Visitor<'de> for ShrinkageVisitor {
            type Value = RawShrinkage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a share such as 0.3, or a list of shares, one per interval")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawShrinkage, E> {
                Ok(RawShrinkage::One(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawShrinkage, E> {
                Ok(RawShrinkage::One(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawShrinkage, E> {
                Ok(RawShrinkage::One(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawShrinkage, A::Error> {
                let mut shares = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(v) = seq.next_element::<f64>()? {
                    shares.push(v);
                }
                Ok(RawShrinkage::PerInterval(shares))
            }
        }
        deserializer.deserialize_any(ShrinkageVisitor)
    }
}

/// `[[group]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// Group name.
    pub name: Spanned<String>,
    /// Constant number of agents.
    pub agents: Option<Spanned<i64>>,
    /// Agents on duty in each interval of the horizon.
    pub staffing: Option<Spanned<Vec<i64>>>,
    /// Shifts with their breaks, instead of `agents` or `staffing`.
    pub shifts: Option<Spanned<Vec<Spanned<RawShift>>>>,
    /// `"channel/category"` pairs served (`"channel/*"` for every category).
    pub handles: Spanned<Vec<Spanned<String>>>,
    /// Handle-time distribution of whatever the group handles.
    pub handle_time: Spanned<RawDistribution>,
    /// Handle times of particular pairs, overriding `handle_time`.
    pub handle_time_by: Option<BTreeMap<Spanned<String>, Spanned<RawDistribution>>>,
    /// Tier: 1 frontline, 2 specialist, 3 expert (default 1).
    pub tier: Option<Spanned<i64>>,
    /// The group takes a contact only once it has waited this long (default 0s).
    pub overflow_after: Option<Spanned<Duration>>,
    /// The order in which its agents serve the `"channel/category"` pairs they handle
    /// (`"channel/*"` for a channel's): an earlier pair's waiting contact first, the
    /// longest-waiting within one; pairs not listed come last.
    pub serve_order: Option<Spanned<Vec<Spanned<String>>>>,
    /// Conversations an agent holds at once (chat; default 1).
    pub concurrency: Option<Spanned<i64>>,
    /// Each extra concurrent conversation slows every one of them by this share (default 0).
    pub concurrency_slowdown: Option<Spanned<f64>>,
    /// Share of scheduled agents absent (breaks, sickness, training), one for the horizon
    /// or one per interval; default 0.
    pub shrinkage: Option<Spanned<RawShrinkage>>,
    /// Cost of one scheduled agent-hour (default 0).
    pub hourly_cost: Option<Spanned<f64>>,
    /// Probability that the group resolves a contact's issue (default 1).
    pub resolve: Option<Spanned<f64>>,
    /// Resolve probabilities per category, overriding `resolve`.
    pub resolve_by: Option<BTreeMap<Spanned<String>, Spanned<f64>>>,
    /// Group that receives the contacts this group does not resolve (default: none, they
    /// leave unresolved).
    pub escalate_to: Option<Spanned<String>>,
    /// Escalation targets per category, overriding `escalate_to`.
    pub escalate_to_by: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// `{ dist = "…", … }`: the parameters of a distribution; which apply depends on `dist`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDistribution {
    /// Family name.
    pub dist: Spanned<String>,
    /// Mean (exponential, lognormal, gamma, weibull).
    pub mean: Option<Spanned<Duration>>,
    /// Coefficient of variation (lognormal, gamma).
    pub cv: Option<Spanned<f64>>,
    /// Shape (weibull).
    pub shape: Option<Spanned<f64>>,
    /// Scale (weibull).
    pub scale: Option<Spanned<Duration>>,
    /// Lower bound (uniform).
    pub min: Option<Spanned<Duration>>,
    /// Upper bound (uniform).
    pub max: Option<Spanned<Duration>>,
    /// The one value (deterministic).
    pub value: Option<Spanned<Duration>>,
    /// Observed values (empirical).
    pub values: Option<Spanned<Vec<Duration>>>,
    /// The parts of a mixture, each a distribution with its `weight`.
    pub parts: Option<Spanned<Vec<Spanned<RawDistribution>>>>,
    /// A mixture part's probability.
    pub weight: Option<Spanned<f64>>,
}

/// `[[bot]]`: the bot (or IVR) a channel's contacts meet before the human queues.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBot {
    /// Channel served.
    pub channel: Spanned<String>,
    /// Length of a bot session.
    pub handle_time: Spanned<RawDistribution>,
    /// Concurrent sessions (default: unlimited).
    pub capacity: Option<Spanned<i64>>,
    /// Beyond capacity: `"wait"` for the bot (default) or go straight to `"humans"`.
    pub when_full: Option<Spanned<String>>,
    /// Probability that the bot resolves a contact (default 0).
    pub containment: Option<Spanned<f64>>,
    /// Containment per category, overriding `containment`.
    pub containment_by: Option<BTreeMap<Spanned<String>, Spanned<f64>>>,
    /// Probability that the customer leaves during the bot session (default 0).
    pub dropout: Option<Spanned<f64>>,
    /// Drop-out per category, overriding `dropout`.
    pub dropout_by: Option<BTreeMap<Spanned<String>, Spanned<f64>>>,
    /// Probability that a handed-over contact lands in the wrong queue (default 0).
    pub misroute: Option<Spanned<f64>>,
    /// Extra handling time of the first human service after the bot.
    pub handover_penalty: Option<Spanned<RawDistribution>>,
    /// Windows when the bot is down and every contact goes to humans.
    #[serde(default)]
    pub outages: Vec<Spanned<RawWindow>>,
    /// Cost of one bot session (default 0).
    pub session_cost: Option<Spanned<f64>>,
}

/// A window of time, `{ from = "20h", to = "21h" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    /// Start, from the start of the horizon.
    pub from: Spanned<Duration>,
    /// End (exclusive).
    pub to: Spanned<Duration>,
}

/// `{ start = "8h", length = "8h", agents = 10, breaks = [{ start = "12h", length = "30m" }] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    /// Start, from the start of the horizon; negative (`"-2h"`) for a shift that started
    /// before it (on duty and paid from 0).
    pub start: Spanned<crate::duration::SignedDuration>,
    /// Length, breaks included.
    pub length: Spanned<Duration>,
    /// Agents working the shift.
    pub agents: Spanned<i64>,
    /// Breaks, during which the shift's agents are off the queues (paid).
    #[serde(default)]
    pub breaks: Vec<Spanned<RawBreak>>,
}

/// `{ start = "12h", length = "30m" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    /// Start, from the start of the horizon.
    pub start: Spanned<Duration>,
    /// Length.
    pub length: Spanned<Duration>,
    /// Whether the break is paid (default true).
    pub paid: Option<Spanned<bool>>,
}

/// A share for every group (`0.85`) or a table of shares by group name
/// (`{ voice_t1 = 0.85, chat_t1 = 0.9 }`), as `[optimize] max_occupancy` takes it.
#[derive(Debug, Clone)]
pub enum SharesByGroup {
    /// One share for every group.
    All(f64),
    /// A share per group named (the others unlimited).
    ByGroup(BTreeMap<String, f64>),
}

impl<'de> Deserialize<'de> for SharesByGroup {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Shares;
        impl<'de> serde::de::Visitor<'de> for Shares {
            type Value = SharesByGroup;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a share from 0 to 1 for every group (e.g. 0.85), or a table of shares by group name (e.g. { voice_t1 = 0.85 })")
            }
            fn visit_f64<E>(self, v: f64) -> Result<SharesByGroup, E> {
                Ok(SharesByGroup::All(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<SharesByGroup, E> {
                Ok(SharesByGroup::All(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<SharesByGroup, E> {
                Ok(SharesByGroup::All(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SharesByGroup, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, f64>()? {
                    out.insert(k, v);
                }
                Ok(SharesByGroup::ByGroup(out))
            }
        }
        d.deserialize_any(Shares)
    }
}
