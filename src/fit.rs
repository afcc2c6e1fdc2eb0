//! Fitting a scenario to a contact log: arrival rates per channel, category and interval of
//! the day (with day-of-week factors when the log spans two weeks or more), day-to-day
//! overdispersion, lognormal handle times per channel and category, and patience per
//! channel from abandoned and answered contacts as censored data (exponential or lognormal
//! by maximum likelihood over every row, chosen by BIC, judged against the Kaplan–Meier
//! curve: see [`patience`]). One streaming pass over the log; handle-time samples for the
//! Kolmogorov–Smirnov check are kept in bounded reservoirs, waits on a bounded grid.

mod patience;

pub use patience::{
    AT_RISK_TO_JUDGE, ExponentialFit, GapCheck, KmPoint, LognormalFit, MIN_ABANDONED_FOR_LOGNORMAL,
    PatienceChoice, PatienceFit,
};

use crate::contact_log::{self, LogClock, LogError, RowError, Timestamp, csv_error, read_row};
use crate::engine::AttemptOutcome;
use jiff::civil::{Date, DateTime};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Largest sample kept per channel/category for the fit-quality checks.
const RESERVOIR: usize = 20_000;

// What a scenario takes (as `src/scenario/compile.rs` checks it): a fitted scenario stays
// within these, clamped with a warning or refused with a message, so that it always loads.

/// Shortest time written (a duration's finest unit, 1 ms).
const MIN_TIME: f64 = 0.001;
/// Longest mean handle time written: 30 days, the longest time a log row may hold.
const MAX_HANDLE: f64 = 30.0 * 86_400.0;
/// Longest mean patience written: 366 days, the longest horizon.
const MAX_PATIENCE: f64 = 366.0 * 86_400.0;
/// Largest coefficient of variation written for a handle time or a patience.
const MAX_CV: f64 = 10.0;
/// Largest busyness coefficient of variation a scenario takes.
const MAX_BUSYNESS_CV: f64 = 2.0;
use crate::limits::{
    MAX_HORIZON_DAYS as MAX_DAYS, MAX_INTERVAL_CELLS, MAX_NAME_CHARS, MAX_RATE_PER_HOUR,
    MAX_TIMELINE_CELLS,
};
/// Most agents in one interval of a group's staffing.
const MAX_STAFF: f64 = 1_000_000.0;

/// Why `name` cannot name a channel (`category` false) or category (`category` true) in a
/// scenario, if it cannot: empty, longer than [`MAX_NAME_CHARS`], holding a control
/// character or a `/`, or (a category) `*`, which stands for every category in a
/// scenario's `"channel/category"` pairs.
pub fn name_problem(name: &str, category: bool) -> Option<String> {
    if let Some(problem) = crate::limits::name_problem(name) {
        Some(problem)
    } else if name.contains('/') {
        Some("a name must not contain '/', which separates channel and category in \"voice/payment\"".into())
    } else if category && name == "*" {
        Some("\"*\" stands for every category in a scenario's \"channel/category\" pairs".into())
    } else {
        None
    }
}

/// A name for messages: quoted, escaped, and cut after 40 characters.
fn shown(name: &str) -> String {
    let cut: String = name.chars().take(40).collect();
    let more = if cut.len() < name.len() { "…" } else { "" };
    format!("\"{}{more}\"", cut.escape_debug())
}

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
    /// Categories in order of first appearance.
    pub categories: Vec<FittedStream>,
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

#[derive(Default)]
struct StreamAcc {
    by_day_interval: BTreeMap<(usize, usize), f64>,
    bot_resolved: u64,
    bot_dropout: u64,
    total: f64,
    n: u64,
    sum: f64,
    sum2: f64,
    min: f64,
    reservoir: Vec<f64>,
}

#[derive(Default)]
struct ChannelAcc {
    categories: Vec<(String, StreamAcc)>,
    /// Waits of the answered and abandoned contacts, every one counted.
    waits: patience::Waits,
}

/// Reads the log at `path` and fits its arrivals, handle times and patience.
pub fn fit_log(path: &Path, interval: f64) -> Result<FittedLog, String> {
    if !(interval >= 60.0 && (86_400.0 / interval).fract() == 0.0) {
        return Err("the interval must divide a day, e.g. 5m, 15m, 30m or 1h".into());
    }
    let per_day = (86_400.0 / interval) as usize;
    let file = path.display().to_string();
    let (mut reader, columns) = contact_log::open(path).map_err(|e| e.to_string())?;
    // A row's error at one of its fields, located as an editor counts.
    let at = |record: &csv::StringRecord, column: usize, message: String| {
        LogError::at_field(&file, record, &columns, RowError { column, message }).to_string()
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x05ee_df17);
    let mut channels: Vec<(String, ChannelAcc)> = Vec::new();
    let mut first_date: Option<Date> = None;
    let (mut rows, mut arrivals, mut returns) = (0u64, 0u64, 0u64);
    let mut last_day = 0usize;
    // First and last arrival, seconds from the first day's midnight.
    let (mut first_abs, mut last_abs) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut record = csv::StringRecord::new();
    // Set by the first dated row: its day is day 0, and its UTC offset (if it has one) the
    // one every date-time is read at, as replay reads them.
    let mut clock: Option<LogClock> = None;
    loop {
        match read_row(&mut reader, &mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&file, &reader, &e, Some(&columns)).to_string()),
        }
        rows += 1;
        let row = columns
            .parse(&record)
            .map_err(|e| LogError::at_field(&file, &record, &columns, e).to_string())?;
        let (day, second) = match row.timestamp {
            Timestamp::Seconds(s) => (
                (s / 86_400.0).floor().max(0.0) as usize,
                s.rem_euclid(86_400.0),
            ),
            dated => {
                let c = *clock
                    .get_or_insert_with(|| LogClock::from_first(dated, None).expect("a date-time"));
                let first = *first_date.get_or_insert(c.start.date());
                match (dated, c.offset) {
                    // Local clock readings: the day by the date, the time by the clock.
                    (Timestamp::Local(t), None) => {
                        let days = (t.date() - first).get_days();
                        if days < 0 {
                            return Err(at(
                                &record,
                                columns.timestamp,
                                format!(
                                    "the row is dated {}, before the first row's day {first}; sort the log by timestamp",
                                    t.date()
                                ),
                            ));
                        }
                        (days as usize, seconds_of_day(t))
                    }
                    // Date-times with offsets: by the instant, from the first day's
                    // midnight at the first row's offset.
                    _ => {
                        let s = LogClock::seconds(Some(c), dated)
                            .map_err(|m| at(&record, columns.timestamp, m))?;
                        if s < 0.0 {
                            return Err(at(
                                &record,
                                columns.timestamp,
                                format!(
                                    "the row's date-time is before the first row's day {first} (from midnight at {}); sort the log by timestamp",
                                    c.offset.map_or(String::new(), contact_log::offset_text)
                                ),
                            ));
                        }
                        ((s / 86_400.0).floor() as usize, s.rem_euclid(86_400.0))
                    }
                }
            }
        };
        if day >= MAX_DAYS {
            return Err(at(
                &record,
                columns.timestamp,
                format!(
                    "the row is on day {} of the log; a fitted scenario covers at most {MAX_DAYS} days \
                     (timestamps in seconds count from 0, not from 1970: use ISO date-times for \
                     calendar logs)",
                    day + 1
                ),
            ));
        }
        last_day = last_day.max(day);
        let abs = day as f64 * 86_400.0 + second;
        first_abs = first_abs.min(abs);
        last_abs = last_abs.max(abs);
        let ch = match channels.iter().position(|(n, _)| n == row.channel) {
            Some(i) => i,
            None => {
                if let Some(problem) = name_problem(row.channel, false) {
                    return Err(at(
                        &record,
                        columns.channel,
                        format!(
                            "the channel {} cannot name a channel in a scenario: {problem}",
                            shown(row.channel)
                        ),
                    ));
                }
                channels.push((row.channel.to_string(), ChannelAcc::default()));
                channels.len() - 1
            }
        };
        let acc = &mut channels[ch].1;
        let cat = match acc.categories.iter().position(|(n, _)| n == row.category) {
            Some(i) => i,
            None => {
                if let Some(problem) = name_problem(row.category, true) {
                    return Err(at(
                        &record,
                        columns.category,
                        format!(
                            "the category {} cannot name a category in a scenario: {problem}",
                            shown(row.category)
                        ),
                    ));
                }
                acc.categories
                    .push((row.category.to_string(), StreamAcc::default()));
                acc.categories.len() - 1
            }
        };
        // Patience: abandoned contacts are events at their wait, answered ones censored.
        if let (Some(outcome), Some(wait)) = (row.outcome, row.wait) {
            let abandoned = match outcome {
                AttemptOutcome::Abandoned => Some(true),
                AttemptOutcome::Answered => Some(false),
                _ => None,
            };
            if let Some(abandoned) = abandoned {
                acc.waits.push(wait, abandoned);
            }
        }
        let stream = &mut acc.categories[cat].1;
        if let Some(h) = row.handle_time.filter(|h| *h > 0.0) {
            if stream.n == 0 || h < stream.min {
                stream.min = h;
            }
            stream.n += 1;
            stream.sum += h;
            stream.sum2 += h * h;
            let n = stream.n;
            reservoir_push(&mut stream.reservoir, h, n, &mut rng);
        }
        if row.attempt > 1 {
            returns += 1;
            continue;
        }
        // Bot shares are of the arrivals (first attempts), as the rates are.
        match row.outcome {
            Some(AttemptOutcome::BotResolved) => stream.bot_resolved += 1,
            Some(AttemptOutcome::BotDropout) => stream.bot_dropout += 1,
            _ => {}
        }
        arrivals += 1;
        let k = ((second / interval) as usize).min(per_day - 1);
        *stream.by_day_interval.entry((day, k)).or_insert(0.0) += 1.0;
        stream.total += 1.0;
    }
    if rows == 0 {
        return Err(format!(
            "{file}: the log has a header but no rows: there is nothing to fit"
        ));
    }
    if arrivals == 0 {
        return Err(format!(
            "{file}: the log has no arrivals to fit: every row is a redial or repeat (attempt above 1)"
        ));
    }
    let days = last_day + 1;
    let n_intervals = per_day * days;
    let cells = n_intervals * channels.len();
    if cells > MAX_INTERVAL_CELLS {
        return Err(format!(
            "{file}: the log spans {days} day(s) of {per_day} intervals ({}) and has {} channel(s): \
             {cells} per-interval results, more than the {MAX_INTERVAL_CELLS} a scenario holds; fit \
             with a longer --interval (e.g. 1h) or a shorter log",
            duration(interval),
            channels.len()
        ));
    }
    let observed = Observed::new(days, per_day, interval, first_abs, last_abs);
    let mut warnings = Vec::new();
    let fitted = channels
        .into_iter()
        .map(|(name, acc)| finish_channel(name, acc, &observed, first_date, &mut warnings))
        .collect();
    Ok(FittedLog {
        interval,
        first_date,
        days,
        full_days: observed.full_days(),
        rows,
        arrivals,
        returns,
        channels: fitted,
        warnings,
    })
}

/// Which parts of the log's days were observed: a log may start or end mid-day.
struct Observed {
    days: usize,
    per_day: usize,
    /// Days whose every interval lies between the first and the last arrival.
    full: Vec<bool>,
    /// Per interval of the day, the days on which it was observed.
    exposure: Vec<f64>,
}

impl Observed {
    fn new(days: usize, per_day: usize, interval: f64, first: f64, last: f64) -> Observed {
        // An interval counts as observed if the log runs through any of it; a day is full
        // if the log starts within its first interval and ends within its last.
        let full = (0..days)
            .map(|d| {
                let (a, b) = (d as f64 * 86_400.0, (d + 1) as f64 * 86_400.0);
                first < a + interval && last >= b - interval
            })
            .collect();
        let exposure = (0..per_day)
            .map(|k| {
                (0..days)
                    .filter(|&d| {
                        let a = d as f64 * 86_400.0 + k as f64 * interval;
                        a + interval > first && a <= last
                    })
                    .count() as f64
            })
            .collect();
        Observed {
            days,
            per_day,
            full,
            exposure,
        }
    }

    fn full_days(&self) -> usize {
        self.full.iter().filter(|f| **f).count()
    }
}

fn seconds_of_day(t: DateTime) -> f64 {
    let time = t.time();
    time.hour() as f64 * 3600.0
        + time.minute() as f64 * 60.0
        + time.second() as f64
        + time.subsec_nanosecond() as f64 * 1e-9
}

/// Keeps a uniform sample of at most `RESERVOIR` items (Algorithm R).
fn reservoir_push<T>(sample: &mut Vec<T>, item: T, seen: u64, rng: &mut Xoshiro256PlusPlus) {
    if sample.len() < RESERVOIR {
        sample.push(item);
    } else {
        let j = rng.random_range(0..seen);
        if (j as usize) < RESERVOIR {
            sample[j as usize] = item;
        }
    }
}

fn finish_channel(
    name: String,
    acc: ChannelAcc,
    observed: &Observed,
    first_date: Option<Date>,
    warnings: &mut Vec<String>,
) -> FittedChannel {
    let (days, per_day) = (observed.days, observed.per_day);
    let mut daily_counts = vec![0.0; days];
    for (_, s) in &acc.categories {
        for (&(d, _), &n) in &s.by_day_interval {
            daily_counts[d] += n;
        }
    }
    // Only whole days say how days differ.
    let full: Vec<usize> = (0..days).filter(|&d| observed.full[d]).collect();
    // Day-of-week factors from two weeks or more of dated rows.
    let day_of_week = match first_date {
        Some(first) if full.len() >= 14 => {
            let mean = full.iter().map(|&d| daily_counts[d]).sum::<f64>() / full.len() as f64;
            let mut sums = [0.0; 7];
            let mut counts = [0.0; 7];
            for &d in &full {
                let wd = first
                    .checked_add(jiff::Span::new().days(d as i64))
                    .map_or(0, |x| x.weekday().to_monday_zero_offset() as usize);
                sums[wd] += daily_counts[d];
                counts[wd] += 1.0;
            }
            let mut f = [1.0; 7];
            for i in 0..7 {
                if counts[i] > 0.0 && mean > 0.0 {
                    f[i] = sums[i] / counts[i] / mean;
                }
            }
            Some(f)
        }
        _ => None,
    };
    let factor = |d: usize| -> f64 {
        match (day_of_week, first_date) {
            (Some(f), Some(first)) => first
                .checked_add(jiff::Span::new().days(d as i64))
                .map_or(1.0, |x| f[x.weekday().to_monday_zero_offset() as usize]),
            _ => 1.0,
        }
    };
    // Var(N_d) = m_d + cv² m_d²: cv² from the squared deviations beyond Poisson, with the
    // degrees of freedom the mean (and the day-of-week factors) used up.
    let n_full = full.len();
    let mean = full.iter().map(|&d| daily_counts[d]).sum::<f64>() / n_full.max(1) as f64;
    let fitted = 1.0 + day_of_week.map_or(0.0, |_| 6.0);
    let day_cv = if n_full as f64 > fitted + 1.0 && mean > 0.0 {
        let (mut squares, mut sum_m, mut sum_m2) = (0.0, 0.0, 0.0);
        for &d in &full {
            let c = daily_counts[d];
            let m = mean * factor(d);
            squares += (c - m).powi(2);
            sum_m += m;
            sum_m2 += m * m;
        }
        let excess = squares * n_full as f64 / (n_full as f64 - fitted) - sum_m;
        (excess.max(0.0) / sum_m2).sqrt()
    } else {
        0.0
    };
    let day_cv = if day_cv.is_finite() && day_cv <= MAX_BUSYNESS_CV {
        day_cv
    } else {
        warnings.push(format!(
            "{}: the day-to-day busyness cv fitted as {day_cv:.3} is above {MAX_BUSYNESS_CV}, the most a scenario takes; written as {MAX_BUSYNESS_CV} (days this different are seldom one center's normal variation: check the log for missing or partial days)",
            shown(&name)
        ));
        MAX_BUSYNESS_CV
    };
    // Patience: both candidates by censored maximum likelihood over every wait.
    let mut patience = patience::fit(&acc.waits, MAX_CV);
    if let Some(p) = &mut patience {
        if let (PatienceChoice::Lognormal, Some(l)) = (p.choice, p.lognormal)
            && !(MIN_TIME..=MAX_PATIENCE).contains(&l.mean)
        {
            warnings.push(format!(
                "{}: the lognormal patience fitted (mean {}, cv {:.3}) is outside what a scenario takes (mean from {} to {}); the exponential is written instead",
                shown(&name),
                seconds_text(l.mean),
                l.cv,
                duration(MIN_TIME),
                duration(MAX_PATIENCE)
            ));
            p.choice = PatienceChoice::Exponential;
            p.reason = format!(
                "the exponential is used: the lognormal's mean, {}, is outside what a scenario takes",
                seconds_text(l.mean)
            );
        }
        let theta = p.exponential.mean;
        let kept = theta.clamp(MIN_TIME, MAX_PATIENCE);
        if p.choice == PatienceChoice::Exponential && kept != theta {
            warnings.push(format!(
                "{}: the mean patience fitted as {} ({} abandoned against {} of waiting) is outside what a scenario takes (from {} to {}); written as {}",
                shown(&name),
                seconds_text(theta),
                p.abandoned,
                seconds_text(acc.waits.total),
                duration(MIN_TIME),
                duration(MAX_PATIENCE),
                duration(kept)
            ));
        }
    }
    let categories = acc
        .categories
        .into_iter()
        .map(|(category, s)| {
            let mut by_interval = vec![0.0; per_day];
            for (&(_, k), &n) in &s.by_day_interval {
                by_interval[k] += n;
            }
            let rate_by_interval = by_interval
                .iter()
                .zip(&observed.exposure)
                .map(|(n, e)| if *e > 0.0 { n / e } else { 0.0 })
                .collect();
            let handle = (s.n >= 2).then(|| {
                // The lognormal with the sample's own mean and cv (method of moments): the
                // mean — the workload every staffing figure rests on — is kept exactly. A
                // fit to the logarithms would not keep it: on exponential handle times it
                // overstates the mean by 28 % (e^(π²/12 − γ)).
                let n = s.n as f64;
                let mean = s.sum / n;
                let sd = ((s.sum2 - n * mean * mean) / (n - 1.0)).max(0.0).sqrt();
                let sample_cv = if mean > 0.0 { sd / mean } else { 0.0 };
                let (m, cv) = (mean, sample_cv);
                if m.is_finite()
                    && (MIN_TIME..=MAX_HANDLE).contains(&m)
                    && cv.is_finite()
                    && cv <= MAX_CV
                {
                    return (m, cv);
                }
                let (kept_m, kept_cv) = (
                    if m.is_finite() { m.clamp(MIN_TIME, MAX_HANDLE) } else { MAX_HANDLE },
                    if cv.is_finite() { cv.clamp(0.0, MAX_CV) } else { MAX_CV },
                );
                warnings.push(format!(
                    "{}: the {} handle times have mean {} and cv {cv:.3}, outside what a scenario takes (mean from {} to {}, cv at most {MAX_CV}); the shortest handle time is {}. Written with mean {} and cv {kept_cv:.3} instead: check the log's handle_time column",
                    shown(&format!("{name}/{category}")),
                    s.n,
                    seconds_text(m),
                    duration(MIN_TIME),
                    duration(MAX_HANDLE),
                    seconds_text(s.min),
                    duration(kept_m),
                ));
                (kept_m, kept_cv)
            });
            let ks = handle.map(|(m, cv)| ks_lognormal(s.reservoir, m, cv));
            FittedStream {
                category,
                by_interval,
                rate_by_interval,
                bot_resolved: s.bot_resolved,
                bot_dropout: s.bot_dropout,
                total: s.total,
                handle,
                handled: s.n,
                handle_sample_mean: if s.n > 0 {
                    s.sum / s.n as f64
                } else {
                    f64::NAN
                },
                ks,
            }
        })
        .collect();
    FittedChannel {
        name,
        daily_counts,
        day_of_week,
        day_cv,
        patience,
        categories,
    }
}

/// Kolmogorov–Smirnov distance between a sample and a lognormal of mean `m` and cv `cv`.
fn ks_lognormal(mut sample: Vec<f64>, m: f64, cv: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, LogNormal};
    let sigma2 = (1.0 + cv * cv).ln();
    let mu = m.ln() - sigma2 / 2.0;
    let Ok(dist) = LogNormal::new(mu, sigma2.sqrt().max(1e-9)) else {
        return f64::NAN;
    };
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    sample
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = dist.cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

/// A duration as a scenario writes it: whole minutes as `4m`, else seconds to a tenth
/// (to a millisecond under a second, and never under 1 ms), e.g. `272.5s`, `0.004s`.
fn duration(seconds: f64) -> String {
    let s = if seconds.is_nan() {
        MIN_TIME
    } else {
        seconds.clamp(MIN_TIME, MAX_PATIENCE)
    };
    if s >= 1.0 {
        let s = (s * 10.0).round() / 10.0;
        if s >= 60.0 && (s % 60.0).abs() < 0.05 {
            let minutes = (s / 60.0).round();
            return if minutes % 1440.0 == 0.0 {
                format!("{}d", minutes / 1440.0)
            } else if minutes % 60.0 == 0.0 {
                format!("{}h", minutes / 60.0)
            } else {
                format!("{minutes}m")
            };
        }
        format!("{s}s")
    } else {
        format!("{}s", ((s * 1000.0).round() / 1000.0).max(MIN_TIME))
    }
}

/// The interval exactly, so that it divides the day in the written scenario as it does
/// here: whole minutes as `15m`, else every digit of the seconds.
fn interval_text(seconds: f64) -> String {
    if seconds % 3600.0 == 0.0 {
        format!("{}h", seconds / 3600.0)
    } else if seconds % 60.0 == 0.0 {
        format!("{}m", seconds / 60.0)
    } else {
        format!("{seconds}s")
    }
}

/// Seconds for messages, however large, small or undefined.
fn seconds_text(x: f64) -> String {
    if !x.is_finite() {
        format!("{x} s")
    } else if x != 0.0 && !(1e-3..1e9).contains(&x.abs()) {
        format!("{x:.3e} s")
    } else {
        format!("{} s", round_sig(x, 4))
    }
}

/// `x` rounded to `digits` significant digits (unchanged when zero, not finite, or too
/// small to scale).
fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    let rounded = (x * scale).round() / scale;
    if rounded.is_finite() { rounded } else { x }
}

/// A fitted scenario that cannot be written.
#[derive(Clone, Debug, PartialEq)]
pub enum WriteError {
    /// The log holds what no scenario takes; the message says what and what to do.
    Refused(String),
    /// ccsim's own fault: the text would not read back as the fit meant it.
    Internal(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(m) | WriteError::Internal(m) => f.write_str(m),
        }
    }
}

/// A fitted scenario as TOML text, with what was clamped on the way to it.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedScenario {
    /// The scenario file's text.
    pub text: String,
    /// Fitted values outside what a scenario takes, and what was written instead.
    pub warnings: Vec<String>,
}

/// `service_level = { answer_within = "20s", target = 0.8 }`.
#[derive(Serialize)]
struct ServiceLevel {
    answer_within: &'static str,
    target: f64,
}

/// A number written as an integer when it is whole (`3` rather than `3.0`).
#[derive(Serialize)]
#[serde(untagged)]
enum Num {
    Whole(i64),
    Real(f64),
}

fn num(x: f64) -> Num {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Num::Whole(x as i64)
    } else {
        Num::Real(x)
    }
}

/// `busyness = { day_cv = 0.12 }`.
#[derive(Serialize)]
struct Busyness {
    day_cv: f64,
}

/// A distribution as a scenario writes it, e.g. `{ dist = "lognormal", mean = "4m", cv = 0.7 }`.
#[derive(Serialize)]
struct Dist {
    dist: &'static str,
    mean: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cv: Option<f64>,
}

impl Dist {
    fn exponential(mean: f64) -> Dist {
        Dist {
            dist: "exponential",
            mean: duration(mean),
            cv: None,
        }
    }

    /// A lognormal of mean `mean` seconds; `cv` within [0, MAX_CV] to 4 digits.
    fn lognormal(mean: f64, cv: f64) -> Dist {
        let cv = if cv.is_finite() {
            cv.clamp(0.0, MAX_CV)
        } else {
            MAX_CV
        };
        Dist {
            dist: "lognormal",
            mean: duration(mean),
            cv: Some(round_sig(cv, 4)),
        }
    }
}

/// Writes TOML a line at a time, each value encoded by the toml crate, while building the
/// same document as a table; [`TomlWriter::finish`] reads the text back and compares.
#[derive(Default)]
struct TomlWriter {
    text: String,
    document: toml::Table,
    /// The open section: its name, and whether it is an entry of an array of tables.
    section: Option<(&'static str, bool)>,
    current: toml::Table,
}

impl TomlWriter {
    /// A comment line; control characters (a line break) become spaces.
    fn comment(&mut self, text: &str) {
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        self.text.push('#');
        if !clean.is_empty() {
            self.text.push(' ');
            self.text.push_str(clean.trim_end());
        }
        self.text.push('\n');
    }

    /// Opens `[name]`.
    fn table(&mut self, name: &'static str) {
        self.close();
        let _ = write!(self.text, "\n[{name}]\n");
        self.section = Some((name, false));
    }

    /// Opens a new `[[name]]` entry.
    fn array_entry(&mut self, name: &'static str) {
        self.close();
        let _ = write!(self.text, "\n[[{name}]]\n");
        self.section = Some((name, true));
    }

    /// `key = value`, with a trailing comment.
    fn set<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
        comment: Option<&str>,
    ) -> Result<(), WriteError> {
        let internal = |e: toml::ser::Error| {
            WriteError::Internal(format!("cannot write `{key}` of the fitted scenario: {e}"))
        };
        let mut encoded = String::new();
        value
            .serialize(toml::ser::ValueSerializer::new(&mut encoded))
            .map_err(internal)?;
        self.current.insert(
            key.to_string(),
            toml::Value::try_from(value).map_err(internal)?,
        );
        let _ = write!(self.text, "{key} = {encoded}");
        match comment {
            Some(c) => {
                self.text.push_str("   ");
                self.comment(c);
            }
            None => self.text.push('\n'),
        }
        Ok(())
    }

    fn close(&mut self) {
        if let Some((name, array)) = self.section.take() {
            let table = toml::Value::Table(std::mem::take(&mut self.current));
            if array {
                let entry = self
                    .document
                    .entry(name)
                    .or_insert_with(|| toml::Value::Array(Vec::new()));
                if let toml::Value::Array(entries) = entry {
                    entries.push(table);
                }
            } else {
                self.document.insert(name.to_string(), table);
            }
        }
    }

    /// The text, once it reads back as exactly the document meant.
    fn finish(mut self) -> Result<String, WriteError> {
        self.close();
        let back: toml::Table = self.text.parse().map_err(|e: toml::de::Error| {
            WriteError::Internal(format!("the fitted scenario is not valid TOML: {e}"))
        })?;
        if back != self.document {
            return Err(WriteError::Internal(
                "the fitted scenario does not read back as fitted".into(),
            ));
        }
        Ok(self.text)
    }
}

impl FittedLog {
    /// The scenario, as TOML a planner can edit; staffing is only a starting point (the
    /// offered load per interval over 85 % occupancy). Every value is encoded by the toml
    /// crate and the text is read back and compared with what was meant, so any name
    /// round-trips exactly; comments hold only ccsim's own words and numbers (and names,
    /// with control characters replaced).
    ///
    /// Errors: [`WriteError::Refused`] when the log holds what no scenario takes (a rate
    /// above the most a stream takes, too many streams for the intervals, a file too large
    /// to read back).
    pub fn to_toml(&self, name: &str, source: &str) -> Result<FittedScenario, WriteError> {
        let per_day = (86_400.0 / self.interval).round() as usize;
        let n_intervals = per_day * self.days;
        let mut warnings = self.warnings.clone();
        let mut w = TomlWriter::default();
        w.comment(&format!("{name}: fitted by `ccsim fit` from {source}"));
        w.comment(&format!(
            "{} rows, {} arrivals over {} day(s){}. Edit freely: the service-level targets",
            self.rows,
            self.arrivals,
            self.days,
            if self.returns > 0 {
                format!(
                    "; {} redials and repeats are not in the rates (model them with redial/repeat)",
                    self.returns
                )
            } else {
                String::new()
            }
        ));
        w.comment(
            "and the staffing below are placeholders: the log says what came, not what was planned.",
        );
        w.table("simulation");
        w.set("name", &name, None)?;
        w.set("horizon", &format!("{}d", self.days), None)?;
        w.set("interval", &interval_text(self.interval), None)?;
        if let Some(d) = self.first_date {
            w.set("start", &d.to_string(), None)?;
        }
        w.set("replications", &20, None)?;
        w.set("seed", &1, None)?;
        for ch in &self.channels {
            w.array_entry("channel");
            w.set("name", &ch.name, None)?;
            w.set(
                "service_level",
                &ServiceLevel {
                    answer_within: "20s",
                    target: 0.8,
                },
                Some("a placeholder: set your target"),
            )?;
            match &ch.patience {
                Some(p) => {
                    let dist = match (p.choice, p.lognormal) {
                        (PatienceChoice::Lognormal, Some(l)) => Dist::lognormal(l.mean, l.cv),
                        _ => Dist::exponential(p.exponential.mean),
                    };
                    let judged = match p.gap.judged {
                        Some((e, l, _)) => match (p.choice, l) {
                            (PatienceChoice::Lognormal, Some(l)) => {
                                format!("Kaplan–Meier gap {l:.3}")
                            }
                            _ => format!("Kaplan–Meier gap {e:.3}"),
                        },
                        None => format!(
                            "Kaplan–Meier gap not judged (under {AT_RISK_TO_JUDGE} still waiting)"
                        ),
                    };
                    w.set(
                        "patience",
                        &dist,
                        Some(&format!(
                            "maximum likelihood from {} abandoned, {} answered (censored): {}; {judged}",
                            p.abandoned, p.answered, p.reason
                        )),
                    )?;
                }
                None => {
                    w.comment(
                        "no patience fitted: the log has no abandoned contacts with their waits",
                    );
                }
            }
            if ch.day_cv > 0.0 {
                w.set(
                    "busyness",
                    &Busyness {
                        day_cv: round_sig(ch.day_cv, 4).min(MAX_BUSYNESS_CV),
                    },
                    Some("day-to-day variation beyond Poisson"),
                )?;
            }
        }
        let mut categories: Vec<&str> = Vec::new();
        for ch in &self.channels {
            for s in &ch.categories {
                if !categories.contains(&s.category.as_str()) {
                    categories.push(&s.category);
                }
            }
        }
        for c in &categories {
            w.array_entry("category");
            w.set("name", c, None)?;
        }
        let mut streams = 0usize;
        for ch in &self.channels {
            // The average observed day, normalised to a day of factor 1.
            let mean_f = ch
                .day_of_week
                .map_or(1.0, |f| self.mean_factor(&f))
                .max(f64::MIN_POSITIVE);
            let day_of_week = ch.day_of_week.map(|f| f.map(|x| round_sig(x, 4)));
            let top_factor = day_of_week.map_or(1.0, |f| f.iter().copied().fold(0.0, f64::max));
            for s in &ch.categories {
                if s.total == 0.0 {
                    continue;
                }
                let daily = round_sig(s.rate_by_interval.iter().sum::<f64>() / mean_f, 6);
                let profile: Vec<f64> = s
                    .rate_by_interval
                    .iter()
                    .map(|x| round_sig(*x, 4))
                    .collect();
                // The rate the scenario compiles to, at its peak interval and weekday.
                let weights: f64 = profile.iter().sum();
                let (peak_k, peak_w) = profile
                    .iter()
                    .copied()
                    .enumerate()
                    .fold((0, 0.0), |a, (k, x)| if x > a.1 { (k, x) } else { a });
                let peak = daily * peak_w / weights / self.interval * 3600.0 * top_factor;
                if peak.is_nan() || peak > MAX_RATE_PER_HOUR * (1.0 - 1e-9) {
                    return Err(WriteError::Refused(format!(
                        "{source}: {}: the fitted arrivals peak at {peak:.0} contacts an hour (the interval at {}), more than the {MAX_RATE_PER_HOUR:.0} an hour a scenario's stream takes",
                        shown(&format!("{}/{}", ch.name, s.category)),
                        crate::duration::clock(peak_k as f64 * self.interval)
                    )));
                }
                streams += 1;
                w.array_entry("arrivals");
                w.set("channel", &ch.name, None)?;
                w.set("category", &s.category, None)?;
                w.set("daily_volume", &num(daily), None)?;
                w.set(
                    "profile",
                    &profile.iter().map(|x| num(*x)).collect::<Vec<_>>(),
                    None,
                )?;
                if let Some(f) = &day_of_week {
                    w.set("day_of_week", f, Some("Monday first"))?;
                }
            }
        }
        for ch in &self.channels {
            // Bots: the log says how contacts ended in them, not how long sessions took.
            let (resolved, dropped): (u64, u64) = ch
                .categories
                .iter()
                .map(|s| (s.bot_resolved, s.bot_dropout))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            if resolved + dropped == 0 {
                continue;
            }
            let mut containment = BTreeMap::new();
            let mut dropout = BTreeMap::new();
            for s in ch.categories.iter().filter(|s| s.total > 0.0) {
                // Shares of the arrivals, rounded so that the two never pass 1 together.
                let p = round_sig(s.bot_resolved as f64 / s.total, 4).clamp(0.0, 1.0);
                let d = round_sig(s.bot_dropout as f64 / s.total, 4).clamp(0.0, 1.0 - p);
                containment.insert(s.category.clone(), p);
                dropout.insert(s.category.clone(), d);
            }
            w.comment("");
            w.comment(&format!(
                "{} of the channel's contacts ended in a bot ({} resolved, {} left during it).",
                resolved + dropped,
                resolved,
                dropped
            ));
            w.array_entry("bot");
            w.set("channel", &ch.name, None)?;
            w.set(
                "handle_time",
                &Dist::lognormal(120.0, 0.8),
                Some("a placeholder: the log has no session times"),
            )?;
            w.set("containment_by", &containment, None)?;
            w.set("dropout_by", &dropout, None)?;
        }
        let mut group_names: Vec<String> = Vec::new();
        for (i, ch) in self.channels.iter().enumerate() {
            // Offered load per interval of an average day, in erlangs, from the fitted
            // means; contacts the bots settle need no agent.
            let mut load = vec![0.0; per_day];
            let mut fallback = 300.0;
            for s in &ch.categories {
                let aht = s.handle.map_or(fallback, |(m, _)| m);
                fallback = aht;
                let human = if s.total > 0.0 {
                    (1.0 - (s.bot_resolved + s.bot_dropout) as f64 / s.total).max(0.0)
                } else {
                    1.0
                };
                for (k, n) in s.rate_by_interval.iter().enumerate() {
                    load[k] += n * human * aht / self.interval;
                }
            }
            let mean_f = ch
                .day_of_week
                .map_or(1.0, |f| self.mean_factor(&f))
                .max(f64::MIN_POSITIVE);
            let mut over = (0usize, 0.0f64);
            let staffing: Vec<u32> = (0..n_intervals)
                .map(|k| {
                    let f = ch
                        .day_of_week
                        .map_or(1.0, |f| self.factor_of_day(&f, k / per_day) / mean_f);
                    let need = (load[k % per_day] * f / 0.85).ceil();
                    if need.is_nan() || need > MAX_STAFF {
                        over = (over.0 + 1, over.1.max(load[k % per_day] * f));
                    }
                    // `as` saturates; the clamp keeps NaN out.
                    need.clamp(1.0, MAX_STAFF) as u32
                })
                .collect();
            let mut group = format!("{}_agents", ch.name);
            if group.chars().count() > MAX_NAME_CHARS {
                group = format!("group_{}_agents", i + 1);
            }
            while group_names.contains(&group) {
                group.push('_');
            }
            if over.0 > 0 {
                warnings.push(format!(
                    "{}: the staffing placeholder of {} interval(s) would pass {MAX_STAFF:.0} agents (offered load up to {:.0} erlangs), the most a scenario takes; written as {MAX_STAFF:.0}",
                    shown(&group),
                    over.0,
                    over.1
                ));
            }
            w.array_entry("group");
            w.set("name", &group, None)?;
            w.set("handles", &[format!("{}/*", ch.name)], None)?;
            w.comment(
                "A starting point: the offered load over 85 % occupancy; replace with your roster.",
            );
            w.set("staffing", &staffing, None)?;
            let first = ch.categories.iter().find_map(|s| s.handle);
            let (m, cv) = first.unwrap_or((300.0, 1.0));
            w.set(
                "handle_time",
                &Dist::lognormal(m, cv),
                first
                    .is_none()
                    .then_some("a placeholder: the log has no handle times"),
            )?;
            let by: BTreeMap<String, Dist> = ch
                .categories
                .iter()
                .filter_map(|s| {
                    s.handle.map(|(m, cv)| {
                        (
                            format!("{}/{}", ch.name, s.category),
                            Dist::lognormal(m, cv),
                        )
                    })
                })
                .collect();
            if !by.is_empty() {
                w.set("handle_time_by", &by, None)?;
            }
            group_names.push(group);
        }
        let cells = (streams + group_names.len()).saturating_mul(n_intervals);
        if cells > MAX_TIMELINE_CELLS {
            return Err(WriteError::Refused(format!(
                "{source}: {streams} channel/category streams and {} groups over {n_intervals} intervals make {cells} per-interval rates and staffing levels, more than the {MAX_TIMELINE_CELLS} a scenario holds; fit with a longer --interval or a shorter log",
                group_names.len()
            )));
        }
        let text = w.finish()?;
        if text.len() as u64 > crate::limits::MAX_SCENARIO_BYTES {
            return Err(WriteError::Refused(format!(
                "{source}: the fitted scenario would take {}, more than the {} ccsim reads of a scenario; fit with a longer --interval or a shorter log",
                crate::limits::show_bytes(text.len() as u64),
                crate::limits::show_bytes(crate::limits::MAX_SCENARIO_BYTES)
            )));
        }
        Ok(FittedScenario { text, warnings })
    }

    /// The day-of-week factor of day `d` of the log.
    fn factor_of_day(&self, f: &[f64; 7], d: usize) -> f64 {
        self.first_date
            .and_then(|first| first.checked_add(jiff::Span::new().days(d as i64)).ok())
            .map_or(1.0, |x| f[x.weekday().to_monday_zero_offset() as usize])
    }

    /// The mean day-of-week factor over the log's days.
    fn mean_factor(&self, f: &[f64; 7]) -> f64 {
        (0..self.days)
            .map(|d| self.factor_of_day(f, d))
            .sum::<f64>()
            / self.days as f64
    }

    /// The fit's quality for people: rates, handle-time fits with their KS distance,
    /// patience with the Kaplan–Meier curve.
    pub fn report(&self) -> String {
        let mut r = String::new();
        let _ = writeln!(
            r,
            "{} rows: {} arrivals over {} day(s) ({} observed from midnight to midnight), {} redials and repeats left out of the rates",
            self.rows, self.arrivals, self.days, self.full_days, self.returns
        );
        for ch in &self.channels {
            let mean = ch.daily_counts.iter().sum::<f64>() / self.days as f64;
            let _ = writeln!(
                r,
                "{}: {:.0} arrivals a day, busyness cv {:.3}{}",
                ch.name,
                mean,
                ch.day_cv,
                if ch.day_of_week.is_some() {
                    ", day-of-week factors fitted"
                } else if self.full_days >= 3 {
                    " (under two weeks of whole days: day-of-week differences count as busyness)"
                } else if self.full_days < 3 {
                    " (fewer than three whole days: no busyness fitted)"
                } else {
                    ""
                }
            );
            for s in &ch.categories {
                match (s.handle, s.ks) {
                    (Some((m, cv)), Some(ks)) => {
                        let n = s.handled.min(RESERVOIR as u64) as f64;
                        let _ = writeln!(
                            r,
                            "  {:<16} {:>8.0} arrivals; handle time lognormal mean {:.1}s cv {:.3} (sample mean {:.1}s, n {}), KS distance {:.4} (5 % critical {:.4})",
                            s.category,
                            s.total,
                            m,
                            cv,
                            s.handle_sample_mean,
                            s.handled,
                            ks,
                            1.358 / n.sqrt()
                        );
                    }
                    _ => {
                        let _ = writeln!(
                            r,
                            "  {:<16} {:>8.0} arrivals; no handle times",
                            s.category, s.total
                        );
                    }
                }
            }
            if let Some(p) = &ch.patience {
                report_patience(&mut r, p);
            }
        }
        r
    }
}

/// The patience part of the fit's report: both fits with their likelihoods, the one used
/// and why, the Kaplan–Meier check, and the table.
fn report_patience(r: &mut String, p: &PatienceFit) {
    let _ = writeln!(
        r,
        "  patience by maximum likelihood from {} abandoned and {} answered (censored at their waits):",
        p.abandoned, p.answered
    );
    let (bic_exp, bic_ln) = p.bic();
    let used = |c: PatienceChoice| if p.choice == c { " (used)" } else { "" };
    let e = &p.exponential;
    let _ = writeln!(
        r,
        "    exponential mean {:.1}s (95 % CI {:.1}–{:.1}s), log-likelihood {:.2}, BIC {bic_exp:.2}{}",
        e.mean,
        e.ci95.0,
        e.ci95.1,
        e.log_likelihood,
        used(PatienceChoice::Exponential)
    );
    if let (Some(l), Some(bic_ln)) = (p.lognormal, bic_ln) {
        let ci = l.ci95.map_or(String::new(), |(lo, hi)| {
            format!(" (95 % CI {lo:.1}–{hi:.1}s)")
        });
        let _ = writeln!(
            r,
            "    lognormal mean {:.1}s cv {:.3}{ci}, log-likelihood {:.2}, BIC {bic_ln:.2}{}",
            l.mean,
            l.cv,
            l.log_likelihood,
            used(PatienceChoice::Lognormal)
        );
    }
    let _ = writeln!(
        r,
        "    {}{}",
        p.reason,
        if p.lognormal.is_some() {
            " (BIC = −2 log-likelihood + parameters × ln abandoned)"
        } else {
            ""
        }
    );
    match p.gap.judged {
        Some((e, l, until)) => {
            let _ = writeln!(
                r,
                "    largest Kaplan–Meier gap where {AT_RISK_TO_JUDGE} or more were still waiting (up to {until:.0}s): exponential {e:.3}{}",
                l.map_or(String::new(), |l| format!(", lognormal {l:.3}"))
            );
        }
        None => {
            let _ = writeln!(
                r,
                "    Kaplan–Meier gap not judged: no abandonment had {AT_RISK_TO_JUDGE} or more contacts still waiting (at most {}); the largest gap seen, {:.3} (exponential), rests on too few contacts to tell chance from misfit",
                p.gap.most_at_risk, p.gap.seen
            );
        }
    }
    for k in &p.km_points {
        let lognormal = k
            .lognormal
            .map_or(String::new(), |ln| format!(", lognormal {ln:.3}"));
        let _ = writeln!(
            r,
            "    still waiting after {:>4.0}s: Kaplan–Meier {:.3} ({} still waiting), exponential {:.3}{lognormal}",
            k.at, k.km, k.still_waiting, k.exponential
        );
    }
}
