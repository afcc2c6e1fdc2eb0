//! The one streaming pass over a contact log: every row parsed and placed (its day of the
//! log and second of the day), counted per channel, category, day and interval, with the
//! handle times' sums and a bounded reservoir of them, and every wait for patience.

use super::bounds::{MAX_DAYS, RESERVOIR, name_problem, shown};
use super::patience;
use crate::contact_log::{
    self, LogClock, LogColumns, LogError, LogRow, RowError, Timestamp, csv_error, read_row,
};
use crate::contact_log::{ReplayFormat, ReturnKind, Returns};
use crate::engine::AttemptOutcome;
use jiff::civil::{Date, DateTime};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::path::Path;

/// What one channel/category pair of the log holds.
#[derive(Default)]
pub(super) struct StreamAcc {
    /// Arrivals per (day of the log, interval of the day).
    pub by_day_interval: BTreeMap<(usize, usize), f64>,
    /// Arrivals resolved by a bot.
    pub bot_resolved: u64,
    /// Arrivals that left during a bot session.
    pub bot_dropout: u64,
    /// Arrivals over the whole log.
    pub total: f64,
    /// Handle times seen (every attempt: the positive ones, and the zeros of answered
    /// attempts), their sum and sum of squares.
    pub n: u64,
    pub sum: f64,
    pub sum2: f64,
    /// The shortest handle time seen.
    pub min: f64,
    /// Answered attempts whose handle time is 0 (in `n` and the sums too), counted so the
    /// fit can say when they are many.
    pub zero_handle: u64,
    /// Answered attempts with no handle time (an empty cell, or no handle-time column):
    /// not in the handle-time fit.
    pub no_handle: u64,
    /// A uniform sample of at most [`RESERVOIR`] handle times.
    pub reservoir: Vec<f64>,
}

/// What one channel of the log holds.
#[derive(Default)]
pub(super) struct ChannelAcc {
    /// Categories in order of first appearance.
    pub categories: Vec<(String, StreamAcc)>,
    /// Waits of the answered and abandoned contacts, every one counted.
    pub waits: patience::Waits,
    /// Returns by customer: see [`ReturnCounts`].
    pub returns: ReturnCounts,
}

/// A channel's contacts of known customers and how they came back: what the redial and
/// repeat probabilities and delays are estimated from.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReturnCounts {
    /// Contacts of known customers that were abandoned (in queue or in a bot).
    pub abandoned: u64,
    /// Contacts of known customers that were answered (or settled by a bot).
    pub answered: u64,
    /// Redials (a return after an abandon) and the sum of their delays in seconds.
    pub redials: u64,
    pub redial_delay: f64,
    /// Repeats (a return after an answer) and the sum of their delays in seconds.
    pub repeats: u64,
    pub repeat_delay: f64,
}

/// What the pass counted.
pub(super) struct Counts {
    /// Channels in order of first appearance.
    pub channels: Vec<(String, ChannelAcc)>,
    /// The first dated row's day (None for a log timed in seconds).
    pub first_date: Option<Date>,
    /// Rows read.
    pub rows: u64,
    /// Rows counted as arrivals (first attempts).
    pub arrivals: u64,
    /// Redials and repeats (`attempt` above 1).
    pub returns: u64,
    /// The last day of the log a row falls on (0-based).
    pub last_day: usize,
    /// First and last arrival, seconds from the first day's midnight.
    pub first_abs: f64,
    pub last_abs: f64,
    /// The earliest and latest second of a day at which any row arrived (the hours the
    /// center had contacts): a first day that starts at the earliest, or a last day that
    /// ends at the latest, is whole.
    pub day_open: (f64, f64),
}

/// Reads the log at `path` once, every row checked, and counts it in intervals of
/// `interval` seconds (which divides a day).
pub(super) fn count(path: &Path, interval: f64, format: &ReplayFormat) -> Result<Counts, String> {
    let file = path.display().to_string();
    let (mut reader, columns) = contact_log::open(path, format).map_err(|e| e.to_string())?;
    let mut counter = Counter::new(&file, &columns, interval);
    let mut record = csv::StringRecord::new();
    loop {
        match read_row(&mut reader, &mut record) {
            Ok(true) => counter.row(&record)?,
            Ok(false) => break,
            Err(e) => return Err(csv_error(&file, &reader, &e, Some(&columns)).to_string()),
        }
    }
    Ok(counter.counts)
}

/// The pass's state between rows.
struct Counter<'a> {
    file: &'a str,
    columns: &'a LogColumns,
    interval: f64,
    per_day: usize,
    /// Draws for the handle-time reservoirs.
    rng: Xoshiro256PlusPlus,
    /// Set by the first dated row: its day is day 0, and its UTC offset (if it has one)
    /// the one every date-time is read at, as replay reads them.
    clock: Option<LogClock>,
    /// Returns recognised by customer id (every log with customer ids: without an
    /// `attempt` column they say which rows are returns; with one, which kind).
    returns: Option<Returns>,
    counts: Counts,
}

impl<'a> Counter<'a> {
    fn new(file: &'a str, columns: &'a LogColumns, interval: f64) -> Counter<'a> {
        Counter {
            file,
            columns,
            interval,
            per_day: (86_400.0 / interval) as usize,
            rng: Xoshiro256PlusPlus::seed_from_u64(0x05ee_df17),
            clock: None,
            returns: columns
                .has_customer()
                .then(|| Returns::new(columns.return_window.unwrap_or(f64::INFINITY))),
            counts: Counts {
                channels: Vec::new(),
                first_date: None,
                rows: 0,
                arrivals: 0,
                returns: 0,
                last_day: 0,
                first_abs: f64::INFINITY,
                last_abs: f64::NEG_INFINITY,
                day_open: (f64::INFINITY, f64::NEG_INFINITY),
            },
        }
    }

    /// A row's error at one of its fields, located as an editor counts.
    fn at(&self, record: &csv::StringRecord, column: usize, message: String) -> String {
        LogError::at_field(
            self.file,
            record,
            self.columns,
            RowError { column, message },
        )
        .to_string()
    }

    /// Parses, places and counts one row.
    fn row(&mut self, record: &csv::StringRecord) -> Result<(), String> {
        self.counts.rows += 1;
        let row = self
            .columns
            .parse(record)
            .map_err(|e| LogError::at_field(self.file, record, self.columns, e).to_string())?;
        let (day, second) = self.place(record, row.timestamp)?;
        if day >= MAX_DAYS {
            return Err(self.at(
                record,
                self.columns.timestamp,
                format!(
                    "the row is on day {} of the log; a fitted scenario covers at most {MAX_DAYS} days \
                     (timestamps in seconds count from 0, not from 1970: use ISO date-times for \
                     calendar logs)",
                    day + 1
                ),
            ));
        }
        let c = &mut self.counts;
        c.last_day = c.last_day.max(day);
        let abs = day as f64 * 86_400.0 + second;
        c.first_abs = c.first_abs.min(abs);
        c.last_abs = c.last_abs.max(abs);
        c.day_open = (c.day_open.0.min(second), c.day_open.1.max(second));
        let ch = self.channel(record, row.channel)?;
        let cat = self.category(record, ch, row.category)?;
        let mut row = row;
        self.returns_of(ch, &mut row, abs);
        self.tally(ch, cat, &row, day, second);
        Ok(())
    }

    /// The row's day of the log and second of its day.
    fn place(
        &mut self,
        record: &csv::StringRecord,
        timestamp: Timestamp,
    ) -> Result<(usize, f64), String> {
        let dated = match timestamp {
            Timestamp::Seconds(s) => {
                return Ok((
                    (s / 86_400.0).floor().max(0.0) as usize,
                    s.rem_euclid(86_400.0),
                ));
            }
            dated => dated,
        };
        let c = *self
            .clock
            .get_or_insert_with(|| LogClock::from_first(dated, None).expect("a date-time"));
        let first = *self.counts.first_date.get_or_insert(c.start.date());
        match (dated, c.offset) {
            // Local clock readings: the day by the date, the time by the clock.
            (Timestamp::Local(t), None) => {
                let days = (t.date() - first).get_days();
                if days < 0 {
                    return Err(self.at(
                        record,
                        self.columns.timestamp,
                        format!(
                            "the row is dated {}, before the first row's day {first}; sort the log by timestamp",
                            t.date()
                        ),
                    ));
                }
                Ok((days as usize, seconds_of_day(t)))
            }
            // Date-times with offsets: by the instant, from the first day's midnight at
            // the first row's offset.
            _ => {
                let s = LogClock::seconds(Some(c), dated)
                    .map_err(|m| self.at(record, self.columns.timestamp, m))?;
                if s < 0.0 {
                    return Err(self.at(
                        record,
                        self.columns.timestamp,
                        format!(
                            "the row's date-time is before the first row's day {first} (from midnight at {}); sort the log by timestamp",
                            c.offset.map_or(String::new(), contact_log::offset_text)
                        ),
                    ));
                }
                Ok(((s / 86_400.0).floor() as usize, s.rem_euclid(86_400.0)))
            }
        }
    }

    /// Counts the row's return by customer id in channel `ch` and, for a log without an
    /// `attempt` column, makes a return's attempt 2.
    fn returns_of(&mut self, ch: usize, row: &mut LogRow, abs: f64) {
        let (Some(returns), Some(customer)) = (&mut self.returns, row.customer) else {
            return;
        };
        let (kind, delay) = returns.classify(customer, abs, row.outcome, row.wait, row.handle_time);
        let has_attempt = self.columns.has_attempt();
        let r = &mut self.counts.channels[ch].1.returns;
        let is_return = if has_attempt {
            row.attempt > 1
        } else {
            kind != ReturnKind::First
        };
        if is_return {
            match kind {
                ReturnKind::Redial => {
                    r.redials += 1;
                    r.redial_delay += delay;
                }
                ReturnKind::Repeat => {
                    r.repeats += 1;
                    r.repeat_delay += delay;
                }
                ReturnKind::First => {}
            }
            if !has_attempt {
                row.attempt = 2;
            }
        }
        match row.outcome {
            Some(AttemptOutcome::Abandoned | AttemptOutcome::BotDropout) => r.abandoned += 1,
            Some(AttemptOutcome::Answered | AttemptOutcome::BotResolved) => r.answered += 1,
            None => {}
        }
    }

    /// The index of the channel `name`, added at its first row (if it can name one).
    fn channel(&mut self, record: &csv::StringRecord, name: &str) -> Result<usize, String> {
        let channels = &self.counts.channels;
        if let Some(i) = channels.iter().position(|(n, _)| n == name) {
            return Ok(i);
        }
        if let Some(problem) = name_problem(name, false) {
            return Err(self.at(
                record,
                self.columns.channel,
                format!(
                    "the channel {} cannot name a channel in a scenario: {problem}",
                    shown(name)
                ),
            ));
        }
        let channels = &mut self.counts.channels;
        channels.push((name.to_string(), ChannelAcc::default()));
        Ok(channels.len() - 1)
    }

    /// The index of the category `name` in channel `ch`, added at its first row (if it
    /// can name one).
    fn category(
        &mut self,
        record: &csv::StringRecord,
        ch: usize,
        name: &str,
    ) -> Result<usize, String> {
        let categories = &self.counts.channels[ch].1.categories;
        if let Some(i) = categories.iter().position(|(n, _)| n == name) {
            return Ok(i);
        }
        if let Some(problem) = name_problem(name, true) {
            return Err(self.at(
                record,
                self.columns.category,
                format!(
                    "the category {} cannot name a category in a scenario: {problem}",
                    shown(name)
                ),
            ));
        }
        let categories = &mut self.counts.channels[ch].1.categories;
        categories.push((name.to_string(), StreamAcc::default()));
        Ok(categories.len() - 1)
    }

    /// Counts a placed row: its wait, its handle time and, for a first attempt, the
    /// arrival in its (day, interval) cell and how it ended in a bot.
    fn tally(&mut self, ch: usize, cat: usize, row: &LogRow, day: usize, second: f64) {
        let acc = &mut self.counts.channels[ch].1;
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
        // An answered attempt with a handle time of 0 (a disconnect, or a time under the
        // log's millisecond) is workload of 0: kept, so the fitted mean stays the log's.
        let answered = row.outcome == Some(AttemptOutcome::Answered);
        match row.handle_time {
            Some(h) if answered && h == 0.0 => stream.zero_handle += 1,
            None if answered => stream.no_handle += 1,
            _ => {}
        }
        if let Some(h) = row
            .handle_time
            .filter(|h| *h > 0.0 || (answered && *h == 0.0))
        {
            if stream.n == 0 || h < stream.min {
                stream.min = h;
            }
            stream.n += 1;
            stream.sum += h;
            stream.sum2 += h * h;
            let n = stream.n;
            reservoir_push(&mut stream.reservoir, h, n, &mut self.rng);
        }
        if row.attempt > 1 {
            self.counts.returns += 1;
            return;
        }
        // Bot shares are of the arrivals (first attempts), as the rates are.
        match row.outcome {
            Some(AttemptOutcome::BotResolved) => stream.bot_resolved += 1,
            Some(AttemptOutcome::BotDropout) => stream.bot_dropout += 1,
            _ => {}
        }
        self.counts.arrivals += 1;
        let k = ((second / self.interval) as usize).min(self.per_day - 1);
        *stream.by_day_interval.entry((day, k)).or_insert(0.0) += 1.0;
        stream.total += 1.0;
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
