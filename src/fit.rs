//! Fitting a scenario to a contact log: arrival rates per channel, category and interval of
//! the day (with day-of-week factors when the log spans two weeks or more), day-to-day
//! overdispersion, lognormal handle times per channel and category, and patience per
//! channel from abandoned and answered contacts as censored data (exponential or lognormal
//! by maximum likelihood over every row, chosen by BIC, judged against the Kaplan–Meier
//! curve: see [`patience`]). One streaming pass over the log; handle-time samples for the
//! Kolmogorov–Smirnov check are kept in bounded reservoirs, waits on a bounded grid.

mod bounds;
mod estimate;
mod hours;
mod patience;
mod read;

pub use bounds::name_problem;
pub(crate) use bounds::{
    MAX_BUSYNESS_CV, MAX_CV, MAX_NAME_CHARS, MAX_RATE_PER_HOUR, MAX_STAFF, MAX_TIMELINE_CELLS,
    RESERVOIR, duration, round_sig, shown,
};
pub use patience::{
    AT_RISK_TO_JUDGE, ExponentialFit, GapCheck, KmPoint, LognormalFit, MIN_ABANDONED_FOR_LOGNORMAL,
    PatienceChoice, PatienceFit,
};

pub use hours::FittedHours;
pub use read::ReturnCounts;

use crate::contact_log::ReplayFormat;
use bounds::MAX_INTERVAL_CELLS;
use estimate::{Observed, finish_channel, weekday_factor};
use jiff::civil::Date;
use std::path::Path;

/// What the fit found in a log.
#[derive(Clone, Debug)]
pub struct FittedLog {
    /// Interval length in seconds.
    pub interval: f64,
    /// Date of the first day (for date-time logs).
    pub first_date: Option<Date>,
    /// Whole days the log spans.
    pub days: usize,
    /// Days observed from midnight to midnight (a log may start or end mid-day).
    pub full_days: usize,
    /// Rows read, and those counted as arrivals (first attempts).
    pub rows: u64,
    /// Rows counted as arrivals.
    pub arrivals: u64,
    /// Redials and repeats (`attempt` above 1), left out of the rates.
    pub returns: u64,
    /// Channels in order of first appearance, with their fits.
    pub channels: Vec<FittedChannel>,
    /// Fitted values outside what a scenario takes, and what was written instead.
    pub warnings: Vec<String>,
}

/// The fit of one channel.
#[derive(Clone, Debug)]
pub struct FittedChannel {
    /// Channel name.
    pub name: String,
    /// Arrival counts per day (first attempts).
    pub daily_counts: Vec<f64>,
    /// Day-of-week factors, Monday first (when the log spans two weeks or more).
    pub day_of_week: Option<[f64; 7]>,
    /// Coefficient of variation of a day's busyness factor (0 when days vary no more than
    /// Poisson).
    pub day_cv: f64,
    /// Patience from the abandoned (events) and answered (censored) contacts with a wait:
    /// both fits, the one used and why, and the Kaplan–Meier check (None without an
    /// abandonment or any waiting).
    pub patience: Option<PatienceFit>,
    /// Contacts of known customers and their redials and repeats, recognised by customer
    /// id (all zero for a log without customer ids).
    pub returns: ReturnCounts,
    /// Categories in order of first appearance.
    pub categories: Vec<FittedStream>,
    /// The opening hours the log shows: the times of day without a contact on every whole
    /// day (see [`FittedHours`]); `None` when it shows none.
    pub hours: Option<FittedHours>,
}

/// A return probability estimated from counts: `events` out of `trials`, with its 95 %
/// Wilson score interval, and the mean delay in seconds (NaN without events).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReturnEstimate {
    /// The share `events / trials`.
    pub probability: f64,
    /// 95 % Wilson score interval of the share.
    pub interval: (f64, f64),
    /// Returns counted.
    pub events: u64,
    /// Contacts they could follow (abandoned ones for redials, answered ones for repeats).
    pub trials: u64,
    /// Mean seconds from the end of the contact before to the return (the maximum-likelihood
    /// mean of an exponential delay).
    pub mean_delay: f64,
}

impl ReturnEstimate {
    fn new(events: u64, trials: u64, delay_sum: f64) -> Option<ReturnEstimate> {
        if trials == 0 {
            return None;
        }
        let (n, p) = (trials as f64, (events as f64 / trials as f64).min(1.0));
        // Wilson score interval (Wilson 1927), z = 1.96.
        let z = 1.96f64;
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        Some(ReturnEstimate {
            probability: p,
            interval: ((centre - half).max(0.0), (centre + half).min(1.0)),
            events,
            trials,
            mean_delay: if events > 0 {
                delay_sum / events as f64
            } else {
                f64::NAN
            },
        })
    }
}

impl FittedChannel {
    /// The redial probability: redials per abandoned contact of a known customer (None
    /// without an abandoned one).
    pub fn redial(&self) -> Option<ReturnEstimate> {
        let r = &self.returns;
        ReturnEstimate::new(r.redials, r.abandoned, r.redial_delay)
    }

    /// The share of answered contacts of known customers that came back as a repeat
    /// (None without an answered one). A scenario's `repeat.probability` is of the
    /// unresolved contacts, which a log does not tell: this is that probability times the
    /// share left unresolved.
    pub fn repeat(&self) -> Option<ReturnEstimate> {
        let r = &self.returns;
        ReturnEstimate::new(r.repeats, r.answered, r.repeat_delay)
    }
}

/// The fit of one channel/category pair.
#[derive(Clone, Debug)]
pub struct FittedStream {
    /// Category name.
    pub category: String,
    /// Arrivals per interval of the day, summed over the days.
    pub by_interval: Vec<f64>,
    /// Arrivals per interval of the day on an average day: the counts over the days that
    /// interval was observed (a log may start or end mid-day).
    pub rate_by_interval: Vec<f64>,
    /// Contacts that ended in a bot: resolved by it, and dropped during it.
    pub bot_resolved: u64,
    /// Contacts that left during the bot session.
    pub bot_dropout: u64,
    /// Arrivals over the whole log.
    pub total: f64,
    /// Lognormal handle time: the sample's mean and cv (method of moments; None without two
    /// handle times or more), clamped to what a scenario takes.
    pub handle: Option<(f64, f64)>,
    /// Handle times behind the fit.
    pub handled: u64,
    /// Sample mean of the handle times.
    pub handle_sample_mean: f64,
    /// Kolmogorov–Smirnov distance between the sample and the fitted lognormal.
    pub ks: Option<f64>,
}

/// Reads the log at `path` and fits its arrivals, handle times and patience, in intervals
/// of `interval` seconds.
///
/// Errors (a message naming the file, and the line and column where a row is to blame):
/// an interval that does not divide a day or is under a minute, a row that cannot be read
/// or placed (before the first row's day, past the longest horizon, a name no scenario
/// takes), a log without arrivals, or one with more per-interval results than a scenario
/// holds.
pub fn fit_log(path: &Path, interval: f64) -> Result<FittedLog, String> {
    fit_log_with(path, interval, &ReplayFormat::default())
}

/// [`fit_log`] of a log read through `format` (an ACD export's columns, date-times,
/// outcome words, delimiter and return window).
pub fn fit_log_with(
    path: &Path,
    interval: f64,
    format: &ReplayFormat,
) -> Result<FittedLog, String> {
    if !(interval >= 60.0 && (86_400.0 / interval).fract() == 0.0) {
        return Err("the interval must divide a day, e.g. 5m, 15m, 30m or 1h".into());
    }
    let per_day = (86_400.0 / interval) as usize;
    let file = path.display().to_string();
    let counts = read::count(path, interval, format)?;
    check_counts(&file, &counts, per_day, interval)?;
    let days = counts.last_day + 1;
    let observed = Observed::new(days, per_day, interval, counts.first_abs, counts.last_abs)
        .with_open_hours(interval, counts.first_abs, counts.last_abs, counts.day_open);
    let mut warnings = Vec::new();
    let first_date = counts.first_date;
    let channels = counts
        .channels
        .into_iter()
        .map(|(name, acc)| finish_channel(name, acc, &observed, first_date, &mut warnings))
        .collect();
    Ok(FittedLog {
        interval,
        first_date,
        days,
        full_days: observed.full_days(),
        rows: counts.rows,
        arrivals: counts.arrivals,
        returns: counts.returns,
        channels,
        warnings,
    })
}

/// Refuses a log with nothing to fit, or with more per-interval results than a scenario
/// holds.
fn check_counts(
    file: &str,
    counts: &read::Counts,
    per_day: usize,
    interval: f64,
) -> Result<(), String> {
    if counts.rows == 0 {
        return Err(format!(
            "{file}: the log has a header but no rows: there is nothing to fit"
        ));
    }
    if counts.arrivals == 0 {
        return Err(format!(
            "{file}: the log has no arrivals to fit: every row is a redial or repeat (attempt above 1)"
        ));
    }
    let days = counts.last_day + 1;
    let n_intervals = per_day * days;
    let cells = n_intervals * counts.channels.len();
    if cells > MAX_INTERVAL_CELLS {
        return Err(format!(
            "{file}: the log spans {days} day(s) of {per_day} intervals ({}) and has {} channel(s): \
             {cells} per-interval results, more than the {MAX_INTERVAL_CELLS} a scenario holds; fit \
             with a longer --interval (e.g. 1h) or a shorter log",
            duration(interval),
            counts.channels.len()
        ));
    }
    Ok(())
}

impl FittedLog {
    /// The day-of-week factor `f` (Monday first) of day `d` of the log (0-based); 1 for a
    /// log without dates.
    pub fn factor_of_day(&self, f: &[f64; 7], d: usize) -> f64 {
        weekday_factor(self.first_date, f, d)
    }

    /// The mean of the day-of-week factors `f` over the log's days.
    pub fn mean_factor(&self, f: &[f64; 7]) -> f64 {
        (0..self.days)
            .map(|d| self.factor_of_day(f, d))
            .sum::<f64>()
            / self.days as f64
    }
}
