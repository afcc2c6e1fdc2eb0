//! Employment contracts of `[[optimize.contract]]`: the rules a tour (one person's
//! working pattern over the horizon: the days worked, with a shift each day) must keep.
//! Plain data, validated by the scenario compiler: `days.0 <= days.1`, both in 1..=7;
//! `weekends_off_every` from 1 to the horizon's whole weekends;
//! `hours`, when given, `0 <= min <= max`; `consecutive_days_off >= 1`.

use crate::ids::GroupId;

/// One contract type (`[[optimize.contract]]`): which groups and shift templates it
/// covers and the rules of its tours. Every limit is per week of 7 days.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Contract {
    /// Name, e.g. `full_time`.
    pub name: String,
    /// Groups whose people may be on this contract.
    pub groups: Vec<GroupId>,
    /// Indices into `[[optimize.shift]]` of the templates its people work.
    pub shifts: Vec<usize>,
    /// Working days per week, `(min, max)`, each in 1..=7.
    pub days: (u32, u32),
    /// Paid hours per week, `(min, max)`, when limited.
    pub hours: Option<(f64, f64)>,
    /// Days off come in runs of at least this many (1: no rule).
    pub consecutive_days_off: u32,
    /// Most working days in a row, when limited.
    pub max_consecutive_days: Option<u32>,
    /// Seconds from a shift's end to the next shift's start, at least.
    pub min_rest: f64,
    /// Every start of a tour within ± this many seconds (time of day) of its first start
    /// in the same week (each week of a longer horizon on its own), when limited.
    pub start_band: Option<f64>,
    /// A whole weekend (Saturday and Sunday) off at least once in every this many weekends
    /// of the horizon, when required (needs a horizon of several weeks and
    /// `[simulation] start`).
    pub weekends_off_every: Option<u32>,
}
