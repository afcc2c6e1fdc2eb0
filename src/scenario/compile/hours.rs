//! `[[channel]] hours`, `closed_dates`, `when_closed` and `at_closing`: the channel's
//! opening hours by day of the week, compiled to its open windows in horizon seconds
//! ([`OpeningHours`]), and its policies for contacts arriving while closed and waiting at
//! closing.
//!
//! Days: `mon` … `sun`, ranges such as `"mon-fri"` (or `"fri-mon"`, across the week's
//! end) and `daily`; a day no key names is closed. A value is `"HH:MM-HH:MM"` (the end may
//! be `24:00`), a list of such windows, or `"closed"`. The weekday of a horizon second
//! comes from `[simulation] start`; hours that differ between days, and closed dates, need
//! it (hours the same every day do not: the horizon then starts at midnight).

use super::super::ScenarioError;
use super::super::checker::{Checker, lookup};
use super::super::raw::{RawChannel, RawScenario};
use crate::ids::{ChannelId, ContactTypeId};
use crate::model::{AtClosing, Channel, ContactType, OpeningHours, WhenClosed};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// Day names, Monday first (the index is jiff's `to_monday_zero_offset`).
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Open windows of one day, seconds from its midnight, sorted and disjoint.
type DayWindows = Vec<(f64, f64)>;

/// What the compiler knows when it compiles the hours.
pub(super) struct HoursContext<'a> {
    /// The horizon, seconds.
    pub horizon: f64,
    /// `[simulation] start`.
    pub start: Option<jiff::civil::DateTime>,
    /// Channel names → ids.
    pub channel_index: &'a HashMap<String, ChannelId>,
    /// The compiled contact types (with their groups).
    pub contact_types: &'a [ContactType],
    /// Category names.
    pub categories: &'a [String],
}

/// Each channel's opening hours (`Channel::hours`), checked.
pub(super) fn compile_hours(
    c: &Checker,
    raw: &RawScenario,
    cx: &HoursContext,
    channels: &mut [Channel],
) -> Result<(), ScenarioError> {
    for (i, ch) in raw.channel.iter().enumerate() {
        let chr = ch.get_ref();
        let key = format!("channel[{i}].hours");
        let closed = closed_dates(c, chr, i)?;
        let week = match &chr.hours {
            Some(hours) => week_windows(c, hours, &key)?,
            // Closed dates alone: open around the clock but on those dates.
            None if !closed.is_empty() => std::array::from_fn(|_| vec![(0.0, 86_400.0)]),
            None => {
                refuse_policies_without_hours(c, chr, i)?;
                continue;
            }
        };
        let same_every_day = week.iter().all(|d| *d == week[0]);
        if cx.start.is_none() && !(same_every_day && closed.is_empty()) {
            let (span, what) = match (&chr.hours, &chr.closed_dates) {
                (Some(hours), _) if closed.is_empty() => {
                    (hours.span(), "hours that differ by day of the week need")
                }
                (_, dates) => (
                    dates.as_ref().map_or(0..0, |d| d.span()),
                    "closed dates need",
                ),
            };
            return Err(c.err(span, key, format!("{what} the date the horizon starts on: add start = \"2026-11-09\" to [simulation]")));
        }
        let open = horizon_windows(&week, &closed, cx.start, cx.horizon);
        let when_closed = when_closed(c, chr, i, cx, channels)?;
        let at_closing = match &chr.at_closing {
            None => AtClosing::Serve,
            Some(a) => match a.get_ref().as_str() {
                "serve" => AtClosing::Serve,
                "drop" => AtClosing::Drop,
                other => {
                    return Err(c.err(a.span(), format!("channel[{i}].at_closing"), format!("\"{other}\" is not a closing policy; use \"serve\" (contacts waiting at closing are served, the default) or \"drop\" (they leave, counted as closed)")));
                }
            },
        };
        channels[i].hours = Some(OpeningHours {
            open,
            when_closed,
            at_closing,
        });
    }
    Ok(())
}

/// The open windows of the raw channel `chr` over `[0, horizon)` seconds from `start`, or
/// `None` when it has no hours or they do not compile (the compiler reports why). For
/// readers of the scenario before it is compiled (a forecast).
pub(crate) fn raw_open_windows(
    text: &str,
    file: &str,
    chr: &RawChannel,
    start: Option<jiff::civil::DateTime>,
    horizon: f64,
) -> Option<Vec<(f64, f64)>> {
    let c = Checker::new(text, file);
    let week = week_windows(&c, chr.hours.as_ref()?, "hours").ok()?;
    let closed = closed_dates(&c, chr, 0).ok()?;
    Some(horizon_windows(&week, &closed, start, horizon))
}

/// `when_closed` and `at_closing` mean nothing without `hours` or `closed_dates`.
fn refuse_policies_without_hours(
    c: &Checker,
    chr: &RawChannel,
    i: usize,
) -> Result<(), ScenarioError> {
    let spans = [
        ("when_closed", chr.when_closed.as_ref().map(|v| v.span())),
        ("at_closing", chr.at_closing.as_ref().map(|v| v.span())),
    ];
    for (what, span) in spans {
        if let Some(span) = span {
            return Err(c.err(span, format!("channel[{i}].{what}"), format!("{what} applies to a channel with opening hours or closed dates; add hours = {{ daily = \"08:00-20:00\" }} (or by day: \"mon-fri\" = …, sat = …, sun = \"closed\")")));
        }
    }
    Ok(())
}

/// The open windows of each day of the week, Monday first, from the `hours` table.
fn week_windows(
    c: &Checker,
    hours: &Spanned<std::collections::BTreeMap<String, Spanned<toml::Value>>>,
    key: &str,
) -> Result<[DayWindows; 7], ScenarioError> {
    let mut week: [Option<DayWindows>; 7] = Default::default();
    let mut named_by: [Option<&str>; 7] = [None; 7];
    if hours.get_ref().is_empty() {
        return Err(c.err(hours.span(), key, "the hours name no day; write e.g. { \"mon-fri\" = \"08:00-22:00\", sat = \"09:00-18:00\", sun = \"closed\" } or { daily = \"08:00-20:00\" }"));
    }
    for (days, value) in hours.get_ref() {
        let entry_key = format!("{key}.{days}");
        let Some(set) = day_set(days) else {
            return Err(c.err(value.span(), entry_key, format!("\"{days}\" is not a day; use mon, tue, wed, thu, fri, sat, sun, a range such as \"mon-fri\", or daily")));
        };
        let windows = day_windows(c, value, &entry_key)?;
        for d in set {
            if let Some(other) = named_by[d] {
                return Err(c.err(
                    value.span(),
                    entry_key,
                    format!(
                        "{} is given by \"{other}\" and by \"{days}\"; give each day once",
                        DAYS[d]
                    ),
                ));
            }
            named_by[d] = Some(days);
            week[d] = Some(windows.clone());
        }
    }
    Ok(week.map(Option::unwrap_or_default))
}

/// The days a key names (Monday is 0), or `None` when it names none.
fn day_set(key: &str) -> Option<Vec<usize>> {
    let key = key.trim().to_ascii_lowercase();
    let day = |s: &str| DAYS.iter().position(|d| *d == s.trim());
    if key == "daily" {
        return Some((0..7).collect());
    }
    if let Some((from, to)) = key.split_once('-') {
        let (from, to) = (day(from)?, day(to)?);
        let len = (to + 7 - from) % 7 + 1;
        return Some((0..len).map(|k| (from + k) % 7).collect());
    }
    day(&key).map(|d| vec![d])
}

/// A day's windows: `"closed"`, `"HH:MM-HH:MM"` or a list of windows, sorted, checked
/// for overlaps.
fn day_windows(
    c: &Checker,
    value: &Spanned<toml::Value>,
    key: &str,
) -> Result<DayWindows, ScenarioError> {
    let bad = |why: String| c.err(value.span(), key, why);
    let texts: Vec<&str> = match value.get_ref() {
        toml::Value::String(s) if s.trim() == "closed" => return Ok(Vec::new()),
        toml::Value::String(s) => vec![s.as_str()],
        toml::Value::Array(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(s) => texts.push(s),
                    None => {
                        return Err(bad(
                            "each window is a string, e.g. [\"08:00-12:00\", \"13:00-20:00\"]"
                                .into(),
                        ));
                    }
                }
            }
            texts
        }
        _ => {
            return Err(bad(
                "a day's hours are \"HH:MM-HH:MM\", a list of such windows, or \"closed\"".into(),
            ));
        }
    };
    let mut windows = Vec::with_capacity(texts.len());
    for text in texts {
        windows.push(window(text).map_err(bad)?);
    }
    windows.sort_by(|a: &(f64, f64), b| a.0.total_cmp(&b.0));
    for pair in windows.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(bad("the windows of a day overlap; list them apart, e.g. [\"08:00-12:00\", \"13:00-20:00\"]".into()));
        }
    }
    Ok(windows)
}

/// `"HH:MM-HH:MM"` → seconds from midnight, the start before the end.
fn window(text: &str) -> Result<(f64, f64), String> {
    let shape = || {
        format!(
            "\"{text}\" is not a window; write \"HH:MM-HH:MM\", e.g. \"08:00-22:00\" (the end may be 24:00), or \"closed\""
        )
    };
    let (from, to) = text.split_once('-').ok_or_else(shape)?;
    let (from, to) = (clock(from).ok_or_else(shape)?, clock(to).ok_or_else(shape)?);
    if from >= 86_400.0 || to <= from {
        return Err(format!(
            "\"{text}\" ends before it starts; a window lies within one day: for a night line write \"22:00-24:00\" on one day and \"00:00-06:00\" on the next"
        ));
    }
    Ok((from, to))
}

/// `"HH:MM"` (00:00 to 24:00) → seconds from midnight.
pub(super) fn clock(text: &str) -> Option<f64> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let ok = (h < 24 && m < 60) || (h == 24 && m == 0);
    ok.then_some((h * 3600 + m * 60) as f64)
}

/// `closed_dates`, each a date.
fn closed_dates(
    c: &Checker,
    chr: &RawChannel,
    i: usize,
) -> Result<Vec<jiff::civil::Date>, ScenarioError> {
    let Some(dates) = &chr.closed_dates else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(dates.get_ref().len());
    for (k, d) in dates.get_ref().iter().enumerate() {
        match d.get_ref().trim().parse::<jiff::civil::Date>() {
            Ok(date) => out.push(date),
            Err(_) => {
                return Err(c.err(
                    d.span(),
                    format!("channel[{i}].closed_dates[{k}]"),
                    format!(
                        "\"{}\" is not a date; write it as \"2025-12-25\"",
                        d.get_ref()
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// The open windows over the horizon, in horizon seconds, merged where they touch: day
/// `d` starts at `d × 24 h` (the horizon starts at midnight, of `start` when given).
fn horizon_windows(
    week: &[DayWindows; 7],
    closed: &[jiff::civil::Date],
    start: Option<jiff::civil::DateTime>,
    horizon: f64,
) -> Vec<(f64, f64)> {
    let mut open: Vec<(f64, f64)> = Vec::new();
    let mut day = 0i64;
    loop {
        let midnight = day as f64 * 86_400.0;
        if midnight >= horizon {
            break;
        }
        let (weekday, date) = match start {
            Some(s) => {
                let date = s.date().checked_add(jiff::Span::new().days(day)).ok();
                let weekday = date.map_or(0, |d| d.weekday().to_monday_zero_offset() as usize);
                (weekday, date)
            }
            None => (0, None),
        };
        let closed_today = date.is_some_and(|d| closed.contains(&d));
        for &(a, b) in week[weekday].iter().filter(|_| !closed_today) {
            let (from, to) = ((midnight + a).max(0.0), (midnight + b).min(horizon));
            if to <= from {
                continue;
            }
            match open.last_mut() {
                Some(last) if last.1 >= from => last.1 = last.1.max(to),
                _ => open.push((from, to)),
            }
        }
        day += 1;
    }
    open
}

/// `when_closed`: `"lose"` (default), `"defer"` or `{ to = "CHANNEL" }`, where every
/// contact type of this channel that a group handles must land on a type of the other
/// channel that a group handles.
fn when_closed(
    c: &Checker,
    chr: &RawChannel,
    i: usize,
    cx: &HoursContext,
    channels: &[Channel],
) -> Result<WhenClosed, ScenarioError> {
    let key = format!("channel[{i}].when_closed");
    let Some(value) = &chr.when_closed else {
        return Ok(WhenClosed::Lose);
    };
    let shape = "when_closed is \"lose\" (the default), \"defer\" (served from the next opening) or { to = \"chat\" } (sent to a channel that is open)";
    let to = match value.get_ref() {
        toml::Value::String(s) if s == "lose" => return Ok(WhenClosed::Lose),
        toml::Value::String(s) if s == "defer" => return Ok(WhenClosed::Defer),
        toml::Value::Table(t) if t.len() == 1 => match t.get("to").and_then(|v| v.as_str()) {
            Some(name) => name.to_string(),
            None => return Err(c.err(value.span(), key, shape)),
        },
        _ => return Err(c.err(value.span(), key, shape)),
    };
    let name = Spanned::new(value.span(), to);
    let channel = lookup(c, cx.channel_index, &name, &format!("{key}.to"), "channel")?;
    if channel.index() == i {
        return Err(c.err(value.span(), format!("{key}.to"), "a channel cannot send its closed-hours contacts to itself; name another channel, or use \"lose\" or \"defer\""));
    }
    let as_type = redirect_types(c, (value.span(), &key), i, channel, cx, channels)?;
    Ok(WhenClosed::Redirect { channel, as_type })
}

/// Per category, the contact type of `channel` a redirected contact of channel `i`
/// becomes; an error at `place` when a type of channel `i` that a group handles has none.
fn redirect_types(
    c: &Checker,
    place: (Range<usize>, &str),
    i: usize,
    channel: ChannelId,
    cx: &HoursContext,
    channels: &[Channel],
) -> Result<Vec<Option<ContactTypeId>>, ScenarioError> {
    let types = cx.contact_types;
    let target = |category| {
        types
            .iter()
            .position(|o| o.channel == channel && o.category == category && !o.groups.is_empty())
            .map(ContactTypeId::from_index)
    };
    let mut as_type = vec![None; cx.categories.len()];
    for ct in types
        .iter()
        .filter(|t| t.channel.index() == i && !t.groups.is_empty())
    {
        let Some(u) = target(ct.category) else {
            let category = &cx.categories[ct.category.index()];
            return Err(c.err(
                place.0,
                format!("{}.to", place.1),
                format!(
                    "{}/{category} would go to {}/{category} while closed, which no group handles",
                    channels[i].name,
                    channels[channel.index()].name
                ),
            ));
        };
        as_type[ct.category.index()] = Some(u);
    }
    Ok(as_type)
}
