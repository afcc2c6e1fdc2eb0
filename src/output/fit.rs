//! What `ccsim fit` writes and prints, from the plain [`FittedLog`]: the scenario as TOML a
//! planner can edit ([`to_toml`]) and the fit's quality for people ([`report`]).

use crate::fit::{
    AT_RISK_TO_JUDGE, FittedChannel, FittedLog, FittedStream, MAX_BUSYNESS_CV, MAX_CV,
    MAX_NAME_CHARS, MAX_RATE_PER_HOUR, MAX_STAFF, MAX_TIMELINE_CELLS, PatienceChoice, PatienceFit,
    duration, round_sig, shown,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

mod hours;
mod report;
pub use report::report;

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

/// `redial = { probability = 0.4, delay = { dist = "exponential", mean = "5m" } }`.
#[derive(Serialize)]
struct Return {
    probability: f64,
    delay: Dist,
}

/// How `ccsim fit` writes its scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FitOptions {
    /// One typical day (a week from a Monday, when day-of-week factors were fitted)
    /// instead of the log's days; intervals without contacts in any week written as zero
    /// with a `# closed` comment.
    pub typical_day: bool,
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

/// The scenario of `fit`, named `name`, fitted from `source` (a path, for messages), as
/// TOML a planner can edit; staffing is only a starting point (the offered load per
/// interval over 85 % occupancy). Every value is encoded by the toml crate and the text is
/// read back and compared with what was meant, so any name round-trips exactly; comments
/// hold only ccsim's own words and numbers (and names, with control characters replaced).
///
/// Errors: [`WriteError::Refused`] when the log holds what no scenario takes (a rate
/// above the most a stream takes, too many streams for the intervals, a file too large
/// to read back); [`WriteError::Internal`] when the text would not read back as meant.
pub fn to_toml(fit: &FittedLog, name: &str, source: &str) -> Result<FittedScenario, WriteError> {
    to_toml_with(fit, name, source, FitOptions::default())
}

/// The days a typical-day scenario covers: a week when day-of-week factors were fitted,
/// else one day.
fn typical_days(fit: &FittedLog) -> usize {
    if fit.channels.iter().any(|c| c.day_of_week.is_some()) {
        7
    } else {
        1
    }
}

/// [`to_toml`] with `options` (see [`FitOptions`]).
pub fn to_toml_with(
    fit: &FittedLog,
    name: &str,
    source: &str,
    options: FitOptions,
) -> Result<FittedScenario, WriteError> {
    let per_day = (86_400.0 / fit.interval).round() as usize;
    let days = if options.typical_day {
        typical_days(fit)
    } else {
        fit.days
    };
    let n_intervals = per_day * days;
    let mut warnings = fit.warnings.clone();
    let mut w = TomlWriter::default();
    write_header(&mut w, fit, name, source);
    write_simulation(&mut w, fit, name, options)?;
    for ch in &fit.channels {
        write_channel(&mut w, ch, fit.interval)?;
    }
    write_categories(&mut w, fit)?;
    let streams = write_arrivals(&mut w, fit, source, options)?;
    for ch in &fit.channels {
        write_bot(&mut w, ch)?;
    }
    let groups = write_groups(&mut w, fit, &mut warnings, options)?;
    let cells = (streams + groups).saturating_mul(n_intervals);
    if cells > MAX_TIMELINE_CELLS {
        return Err(WriteError::Refused(format!(
            "{source}: {streams} channel/category streams and {groups} groups over {n_intervals} intervals make {cells} per-interval rates and staffing levels, more than the {MAX_TIMELINE_CELLS} a scenario holds; fit with a longer --interval or a shorter log"
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

/// The comment lines at the top: where the fit came from and what to edit.
fn write_header(w: &mut TomlWriter, fit: &FittedLog, name: &str, source: &str) {
    w.comment(&format!("{name}: fitted by `ccsim fit` from {source}"));
    w.comment(&format!(
        "{} rows, {} arrivals over {} day(s){}. Edit freely: the service-level targets",
        fit.rows,
        fit.arrivals,
        fit.days,
        if fit.returns > 0 {
            format!(
                "; {} redials and repeats are not in the rates (model them with redial/repeat)",
                fit.returns
            )
        } else {
            String::new()
        }
    ));
    w.comment(
        "and the staffing below are placeholders: the log says what came, not what was planned.",
    );
}

/// `[simulation]`: the name, the log's days as the horizon, the interval, the first date.
fn write_simulation(
    w: &mut TomlWriter,
    fit: &FittedLog,
    name: &str,
    options: FitOptions,
) -> Result<(), WriteError> {
    w.table("simulation");
    w.set("name", &name, None)?;
    if options.typical_day {
        let days = typical_days(fit);
        w.set(
            "horizon",
            &format!("{days}d"),
            Some(if days == 7 {
                "a typical week: one day's profile times the day-of-week factors"
            } else {
                "a typical day"
            }),
        )?;
    } else {
        w.set("horizon", &format!("{}d", fit.days), None)?;
    }
    w.set("interval", &interval_text(fit.interval), None)?;
    if let Some(d) = fit.first_date {
        w.set("start", &start_date(fit, d, options).to_string(), None)?;
    }
    w.set("replications", &20, None)?;
    w.set("seed", &1, None)?;
    Ok(())
}

/// The start date written: the log's first day, or for a typical week the Monday on or
/// before it (so that the week runs Monday to Sunday).
fn start_date(fit: &FittedLog, first: jiff::civil::Date, options: FitOptions) -> jiff::civil::Date {
    if options.typical_day && typical_days(fit) == 7 {
        let back = first.weekday().to_monday_zero_offset() as i64;
        first
            .checked_sub(jiff::Span::new().days(back))
            .unwrap_or(first)
    } else {
        first
    }
}

/// A `[[channel]]`: a placeholder target, the patience used with how it was judged, and
/// the busyness beyond Poisson.
fn write_channel(w: &mut TomlWriter, ch: &FittedChannel, interval: f64) -> Result<(), WriteError> {
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
    if let Some(h) = &ch.hours {
        w.set(
            "hours",
            &hours::hours_table(h, interval),
            Some(&hours::hours_comment(h)),
        )?;
    }
    match &ch.patience {
        Some(p) => write_patience(w, p)?,
        None => {
            w.comment("no patience fitted: the log has no abandoned contacts with their waits");
        }
    }
    write_returns(w, ch)?;
    if ch.day_cv > 0.0 {
        w.set(
            "busyness",
            &Busyness {
                day_cv: round_sig(ch.day_cv, 4).min(MAX_BUSYNESS_CV),
            },
            Some("day-to-day variation beyond Poisson"),
        )?;
    }
    Ok(())
}

/// `redial = …` when the log shows redials (by customer id), with its estimate and
/// interval; the repeats' share of answered contacts as a comment (a scenario's repeat
/// probability is of the unresolved contacts, which a log does not tell).
fn write_returns(w: &mut TomlWriter, ch: &FittedChannel) -> Result<(), WriteError> {
    if let Some(r) = ch.redial().filter(|r| r.events > 0) {
        w.set(
            "redial",
            &Return {
                probability: round_sig(r.probability, 4),
                delay: Dist::exponential(r.mean_delay.max(1.0)),
            },
            Some(&format!(
                "{} redials after {} abandoned contacts of known customers (95 % interval {:.3}–{:.3})",
                r.events, r.trials, r.interval.0, r.interval.1
            )),
        )?;
    }
    if let Some(r) = ch.repeat().filter(|r| r.events > 0) {
        w.comment(&format!(
            "repeats: {} of {} answered contacts came back ({:.3}, 95 % interval {:.3}–{:.3}) after {} on average; \
             set repeat = {{ probability = … }} as that share over the unresolved share",
            r.events,
            r.trials,
            r.probability,
            r.interval.0,
            r.interval.1,
            duration(r.mean_delay)
        ));
    }
    Ok(())
}

/// `patience = …`, the fit used, commented with its evidence and Kaplan–Meier gap.
fn write_patience(w: &mut TomlWriter, p: &PatienceFit) -> Result<(), WriteError> {
    let dist = match (p.choice, p.lognormal) {
        (PatienceChoice::Lognormal, Some(l)) => Dist::lognormal(l.mean, l.cv),
        _ => Dist::exponential(p.exponential.mean),
    };
    let judged = match p.gap.judged {
        Some((e, l, _)) => match (p.choice, l) {
            (PatienceChoice::Lognormal, Some(l)) => format!("Kaplan–Meier gap {l:.3}"),
            _ => format!("Kaplan–Meier gap {e:.3}"),
        },
        None => format!("Kaplan–Meier gap not judged (under {AT_RISK_TO_JUDGE} still waiting)"),
    };
    w.set(
        "patience",
        &dist,
        Some(&format!(
            "maximum likelihood from {} abandoned, {} answered (censored): {}; {judged}",
            p.abandoned, p.answered, p.reason
        )),
    )
}

/// A `[[category]]` per category name, in order of first appearance over the channels.
fn write_categories(w: &mut TomlWriter, fit: &FittedLog) -> Result<(), WriteError> {
    let mut categories: Vec<&str> = Vec::new();
    for ch in &fit.channels {
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
    Ok(())
}

/// An `[[arrivals]]` per channel/category pair with arrivals: the volume of a day of
/// factor 1, the profile of an average day, the day-of-week factors. Returns how many
/// were written; refuses a pair whose peak rate a stream does not take.
fn write_arrivals(
    w: &mut TomlWriter,
    fit: &FittedLog,
    source: &str,
    options: FitOptions,
) -> Result<usize, WriteError> {
    let mut streams = 0usize;
    for ch in &fit.channels {
        // The average observed day, normalised to a day of factor 1.
        let mean_f = ch
            .day_of_week
            .map_or(1.0, |f| fit.mean_factor(&f))
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
            check_peak(fit, ch, s, daily, &profile, top_factor, source)?;
            streams += 1;
            w.array_entry("arrivals");
            w.set("channel", &ch.name, None)?;
            w.set("category", &s.category, None)?;
            w.set("daily_volume", &num(daily), None)?;
            if options.typical_day {
                // Closed: the channel had no contact of any category there.
                let per_day = s.by_interval.len();
                let channel: Vec<f64> = (0..per_day)
                    .map(|k| ch.categories.iter().map(|c| c.by_interval[k]).sum())
                    .collect();
                if let Some(closed) = closed_text(fit, &channel) {
                    w.comment(&format!("closed: no contacts in any week ({closed})"));
                }
            }
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
    Ok(streams)
}

/// The runs of intervals of the day without a contact (of a channel) on any day of the
/// log, as clock times (`00:00–08:00, 20:00–24:00`), or None when every interval had one.
fn closed_text(fit: &FittedLog, by_interval: &[f64]) -> Option<String> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (k, n) in by_interval.iter().enumerate() {
        if *n == 0.0 {
            match runs.last_mut() {
                Some(r) if r.1 == k => r.1 = k + 1,
                _ => runs.push((k, k + 1)),
            }
        }
    }
    if runs.is_empty() {
        return None;
    }
    let clock = |k: usize| {
        let m = (k as f64 * fit.interval / 60.0).round() as usize;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    Some(
        runs.iter()
            .map(|(a, b)| format!("{}–{}", clock(*a), clock(*b)))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Refuses a stream whose compiled rate, at its peak interval and weekday, passes the
/// most a scenario's stream takes.
fn check_peak(
    fit: &FittedLog,
    ch: &FittedChannel,
    s: &FittedStream,
    daily: f64,
    profile: &[f64],
    top_factor: f64,
    source: &str,
) -> Result<(), WriteError> {
    let weights: f64 = profile.iter().sum();
    let (peak_k, peak_w) = profile
        .iter()
        .copied()
        .enumerate()
        .fold((0, 0.0), |a, (k, x)| if x > a.1 { (k, x) } else { a });
    let peak = daily * peak_w / weights / fit.interval * 3600.0 * top_factor;
    if peak.is_nan() || peak > MAX_RATE_PER_HOUR * (1.0 - 1e-9) {
        return Err(WriteError::Refused(format!(
            "{source}: {}: the fitted arrivals peak at {peak:.0} contacts an hour (the interval at {}), more than the {MAX_RATE_PER_HOUR:.0} an hour a scenario's stream takes",
            shown(&format!("{}/{}", ch.name, s.category)),
            crate::duration::clock(peak_k as f64 * fit.interval)
        )));
    }
    Ok(())
}

/// A `[[bot]]` for a channel whose contacts ended in a bot: containment and dropout per
/// category as shares of the arrivals, and a placeholder session time.
fn write_bot(w: &mut TomlWriter, ch: &FittedChannel) -> Result<(), WriteError> {
    // Bots: the log says how contacts ended in them, not how long sessions took.
    let (resolved, dropped): (u64, u64) = ch
        .categories
        .iter()
        .map(|s| (s.bot_resolved, s.bot_dropout))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    if resolved + dropped == 0 {
        return Ok(());
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
    Ok(())
}

/// A `[[group]]` per channel: a staffing placeholder and the fitted handle times. Returns
/// how many were written.
fn write_groups(
    w: &mut TomlWriter,
    fit: &FittedLog,
    warnings: &mut Vec<String>,
    options: FitOptions,
) -> Result<usize, WriteError> {
    let mut group_names: Vec<String> = Vec::new();
    for (i, ch) in fit.channels.iter().enumerate() {
        let (staffing, over) = staffing_placeholder(fit, ch, options);
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
        write_handle_times(w, ch)?;
        group_names.push(group);
    }
    Ok(group_names.len())
}

/// The agents per interval of the log that the channel's offered load needs at 85 %
/// occupancy (at least 1, at most [`MAX_STAFF`]; none while the channel's fitted hours say
/// it is closed), and how many intervals passed that most with the largest load among
/// them.
fn staffing_placeholder(
    fit: &FittedLog,
    ch: &FittedChannel,
    options: FitOptions,
) -> (Vec<u32>, (usize, f64)) {
    let per_day = (86_400.0 / fit.interval).round() as usize;
    let days = if options.typical_day {
        typical_days(fit)
    } else {
        fit.days
    };
    let n_intervals = per_day * days;
    // Offered load per interval of an average day, in erlangs, from the fitted means;
    // contacts the bots settle need no agent.
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
            load[k] += n * human * aht / fit.interval;
        }
    }
    let mean_f = ch
        .day_of_week
        .map_or(1.0, |f| fit.mean_factor(&f))
        .max(f64::MIN_POSITIVE);
    // Closed intervals (the fitted hours) get no agent: the scenario neither staffs nor
    // judges them.
    let open = |k: usize| -> bool {
        let Some(h) = &ch.hours else {
            return true;
        };
        let day = k / per_day;
        let weekday = if options.typical_day {
            // The typical week starts on a Monday.
            day % 7
        } else {
            fit.first_date
                .and_then(|first| first.checked_add(jiff::Span::new().days(day as i64)).ok())
                .map_or(0, |d| d.weekday().to_monday_zero_offset() as usize)
        };
        let i = k % per_day;
        h.week[weekday].iter().any(|&(from, to)| {
            if from < to {
                (from..to).contains(&i)
            } else {
                i >= from || i < to
            }
        })
    };
    let mut over = (0usize, 0.0f64);
    let staffing: Vec<u32> = (0..n_intervals)
        .map(|k| {
            if !open(k) {
                return 0;
            }
            let f = ch.day_of_week.map_or(1.0, |f| {
                if options.typical_day {
                    // The typical week starts on a Monday.
                    f[(k / per_day) % 7] / mean_f
                } else {
                    fit.factor_of_day(&f, k / per_day) / mean_f
                }
            });
            let need = (load[k % per_day] * f / 0.85).ceil();
            if need.is_nan() || need > MAX_STAFF {
                over = (over.0 + 1, over.1.max(load[k % per_day] * f));
            }
            // `as` saturates; the clamp keeps NaN out.
            need.clamp(1.0, MAX_STAFF) as u32
        })
        .collect();
    (staffing, over)
}

/// A group's `handle_time` (the first category's fit, or a placeholder) and
/// `handle_time_by` per channel/category with a fit.
fn write_handle_times(w: &mut TomlWriter, ch: &FittedChannel) -> Result<(), WriteError> {
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
    Ok(())
}
