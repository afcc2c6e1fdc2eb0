//! The arrival side of a scenario: each `[[arrivals]]` entry's rate per interval (one
//! of a constant rate, a list of rates or a daily volume shaped by a profile), its split
//! by category (`mix`), day-of-week factors, the horizon's start date, and the
//! `[[replay]]` logs. Every error names the entry's key.

use super::super::ScenarioError;
use super::super::checker::{Checker, allowed_names, lookup};
use super::super::raw::{RawArrivals, RawScenario};
use crate::contact_log::ReplaySpec;
use crate::ids::CategoryId;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// Arrival rate per second in each interval, from whichever form the stream uses.
pub(super) fn arrival_rates(
    c: &Checker,
    a: &RawArrivals,
    span: Range<usize>,
    i: usize,
    n_intervals: usize,
    interval: f64,
) -> Result<Vec<f64>, ScenarioError> {
    let forms = [
        a.rate_per_hour.is_some(),
        a.rates_per_hour.is_some(),
        a.daily_volume.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() != 1 {
        return Err(c.err(
            span,
            format!("arrivals[{i}]"),
            "give exactly one of rate_per_hour (constant), rates_per_hour (one per interval) or daily_volume (with an optional profile)",
        ));
    }
    if let (Some(p), None) = (&a.profile, &a.daily_volume) {
        return Err(c.err(
            p.span(),
            format!("arrivals[{i}].profile"),
            "a profile shapes a daily_volume; add daily_volume or use rates_per_hour",
        ));
    }
    if let Some(r) = &a.rate_per_hour {
        return constant_rate(c, r, i, n_intervals);
    }
    if let Some(r) = &a.rates_per_hour {
        return listed_rates(c, r, i, n_intervals);
    }
    daily_volume_rates(c, a, i, n_intervals, interval)
}

/// `rate_per_hour`: the same rate in every interval.
fn constant_rate(
    c: &Checker,
    r: &Spanned<f64>,
    i: usize,
    n_intervals: usize,
) -> Result<Vec<f64>, ScenarioError> {
    let rate = *r.get_ref();
    if !(rate.is_finite() && rate > 0.0) {
        return Err(c.err(
            r.span(),
            format!("arrivals[{i}].rate_per_hour"),
            format!("the rate must be a finite number greater than zero (got {rate})"),
        ));
    }
    Ok(vec![rate / 3600.0; n_intervals])
}

/// `rates_per_hour`: one rate per interval, none negative, not all zero.
fn listed_rates(
    c: &Checker,
    r: &Spanned<Vec<f64>>,
    i: usize,
    n_intervals: usize,
) -> Result<Vec<f64>, ScenarioError> {
    let key = format!("arrivals[{i}].rates_per_hour");
    let rates = r.get_ref();
    if rates.len() != n_intervals {
        return Err(c.err(
            r.span(),
            key,
            format!(
                "the list has {} rates; the horizon has {n_intervals} intervals, one rate each",
                rates.len()
            ),
        ));
    }
    if let Some((j, bad)) = rates
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(c.err(
            r.span(),
            key,
            format!(
                "rate {} of the list is {bad}; rates must be zero or more",
                j + 1
            ),
        ));
    }
    if rates.iter().all(|v| *v == 0.0) {
        return Err(c.err(
            r.span(),
            key,
            "every rate is zero; at least one must be greater than zero",
        ));
    }
    Ok(rates.iter().map(|v| v / 3600.0).collect())
}

/// `daily_volume`, spread over each day flat or by the `profile`'s weights (which repeat
/// day after day).
fn daily_volume_rates(
    c: &Checker,
    a: &RawArrivals,
    i: usize,
    n_intervals: usize,
    interval: f64,
) -> Result<Vec<f64>, ScenarioError> {
    let volume = a.daily_volume.as_ref().expect("one form is given");
    let v = *volume.get_ref();
    if !(v.is_finite() && v > 0.0) {
        return Err(c.err(
            volume.span(),
            format!("arrivals[{i}].daily_volume"),
            format!("the daily volume must be a finite number greater than zero (got {v})"),
        ));
    }
    let per_day_f = 86_400.0 / interval;
    let per_day = per_day_f.round() as usize;
    let weights = profile_weights(c, a, i, per_day, per_day_f)?;
    let total: f64 = weights.iter().sum();
    // Without a profile the day is flat; a profile's weights repeat day after day.
    let slots = weights.len();
    Ok((0..n_intervals)
        .map(|k| {
            let share = if a.profile.is_some() {
                weights[k % slots] / total
            } else {
                interval / 86_400.0
            };
            v * share / interval
        })
        .collect())
}

/// The weights of one day: the `profile` (one per interval of a day, none negative, not
/// all zero), or flat without one.
fn profile_weights(
    c: &Checker,
    a: &RawArrivals,
    i: usize,
    per_day: usize,
    per_day_f: f64,
) -> Result<Vec<f64>, ScenarioError> {
    Ok(match &a.profile {
        None => vec![1.0; per_day.max(1)],
        Some(p) => {
            let key = format!("arrivals[{i}].profile");
            if (per_day_f - per_day as f64).abs() > 1e-9 {
                return Err(c.err(
                    p.span(),
                    key,
                    "a profile needs an interval that divides a day (e.g. 5m, 15m, 30m, 1h)",
                ));
            }
            let w = p.get_ref();
            if w.len() != per_day {
                return Err(c.err(
                    p.span(),
                    key,
                    format!(
                        "the profile has {} weights; it needs one per interval of a day: {per_day}",
                        w.len()
                    ),
                ));
            }
            if let Some(bad) = w.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(c.err(
                    p.span(),
                    key,
                    format!("a weight is {bad}; weights must be zero or more"),
                ));
            }
            if w.iter().sum::<f64>() <= 0.0 {
                return Err(c.err(
                    p.span(),
                    key,
                    "every weight is zero; at least one must be greater than zero",
                ));
            }
            w.clone()
        }
    })
}

/// How far the shares of a `mix` may add up from 1 (float error of written decimals).
const MIX_TOLERANCE: f64 = 1e-9;

/// The categories of an `[[arrivals]]` entry with their shares: its `category` (share 1),
/// or its `mix`, whose shares must add up to 1 (within `MIX_TOLERANCE`: else an error at
/// the mix).
pub(super) fn category_shares(
    c: &Checker,
    a: &RawArrivals,
    span: Range<usize>,
    i: usize,
    category_index: &HashMap<String, CategoryId>,
) -> Result<Vec<(CategoryId, f64)>, ScenarioError> {
    match (&a.category, &a.mix) {
        (Some(cat), None) => {
            let k = lookup(c, category_index, cat, &format!("arrivals[{i}].category"), "category")?;
            Ok(vec![(k, 1.0)])
        }
        (None, Some(mix)) => {
            let mut shares = Vec::with_capacity(mix.get_ref().len());
            for (name, share) in mix.get_ref() {
                let key = format!("arrivals[{i}].mix.{name}");
                let k = category_index.get(name).copied().ok_or_else(|| {
                    c.err(
                        share.span(),
                        &key,
                        format!(
                            "there is no category \"{name}\"; the category names are {}",
                            allowed_names(category_index)
                        ),
                    )
                })?;
                let v = *share.get_ref();
                if !(v.is_finite() && v >= 0.0) {
                    return Err(c.err(share.span(), &key, format!("a share is zero or more (got {v})")));
                }
                shares.push((k, v));
            }
            let total: f64 = shares.iter().map(|s| s.1).sum();
            if total <= 0.0 {
                return Err(c.err(
                    mix.span(),
                    format!("arrivals[{i}].mix"),
                    "the mix needs at least one category with a share above zero",
                ));
            }
            // Shares are probabilities: they must add up to 1 (within `MIX_TOLERANCE`, for
            // decimals such as 0.6 + 0.15 + 0.25), never silently rescaled.
            if (total - 1.0).abs() > MIX_TOLERANCE {
                let listed: Vec<String> =
                    mix.get_ref().iter().map(|(name, v)| format!("{name} = {}", v.get_ref())).collect();
                return Err(c.err(
                    mix.span(),
                    format!("arrivals[{i}].mix"),
                    format!(
                        "the shares of a mix are probabilities and must add up to 1 (within {MIX_TOLERANCE:e}); {} add up to {total}",
                        listed.join(", ")
                    ),
                ));
            }
            shares.retain(|s| s.1 > 0.0);
            shares.sort_by_key(|s| s.0);
            // Divided by the total so that the streams' rates add up to the entry's exactly.
            Ok(shares.into_iter().map(|(k, v)| (k, v / total)).collect())
        }
        _ => Err(c.err(
            span,
            format!("arrivals[{i}]"),
            "give either category (one stream) or mix (shares of categories, e.g. mix = { payment = 0.3, logistics = 0.7 })",
        )),
    }
}

/// Factors per day of the week, indexed by days since the start (mod 7), if given.
pub(super) fn day_of_week_factors(
    c: &Checker,
    a: &RawArrivals,
    i: usize,
    start: Option<jiff::civil::DateTime>,
) -> Result<Option<[f64; 7]>, ScenarioError> {
    let Some(f) = &a.day_of_week else {
        return Ok(None);
    };
    let key = format!("arrivals[{i}].day_of_week");
    let Some(start) = start else {
        return Err(c.err(
            f.span(),
            key,
            "day-of-week factors need the start date: add start = \"2026-11-09\" to [simulation]",
        ));
    };
    let factors = f.get_ref();
    if factors.len() != 7 {
        return Err(c.err(
            f.span(),
            key,
            format!("{} factors; give 7, Monday first", factors.len()),
        ));
    }
    if let Some(bad) = factors.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
        return Err(c.err(
            f.span(),
            key,
            format!("a factor is {bad}; factors are zero or more"),
        ));
    }
    // Monday is 0; day d of the horizon is (start's weekday + d) mod 7.
    let first = start.date().weekday().to_monday_zero_offset() as usize;
    let mut by_day = [0.0; 7];
    for (d, slot) in by_day.iter_mut().enumerate() {
        *slot = factors[(first + d) % 7];
    }
    Ok(Some(by_day))
}

/// The `[[replay]]` logs, their paths taken relative to the scenario file.
pub(super) fn compile_replays(
    c: &Checker,
    raw: &RawScenario,
) -> Result<Vec<ReplaySpec>, ScenarioError> {
    let dir = std::path::Path::new(c.file())
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let mut specs = Vec::with_capacity(raw.replay.len());
    for (i, spanned) in raw.replay.iter().enumerate() {
        let r = spanned.get_ref();
        let key = |k: &str| format!("replay[{i}].{k}");
        let log_start = match &r.log_start {
            None => None,
            Some(text) => Some(parse_start(text.get_ref()).ok_or_else(|| {
                c.err(
                    text.span(),
                    key("log_start"),
                    format!(
                        "\"{}\" is not a date; write the log's date-time that the horizon starts at, e.g. \"2025-11-11\"",
                        text.get_ref()
                    ),
                )
            })?),
        };
        let volume_scale = match &r.volume_scale {
            None => 1.0,
            Some(v)
                if !(v.get_ref().is_finite() && *v.get_ref() > 0.0 && *v.get_ref() <= 100.0) =>
            {
                return Err(c.err(
                    v.span(),
                    key("volume_scale"),
                    format!(
                        "a factor above 0 and at most 100 (got {}); 1.3 replays the log at +30 %",
                        v.get_ref()
                    ),
                ));
            }
            Some(v) => *v.get_ref(),
        };
        specs.push(ReplaySpec {
            path: dir.join(r.file.get_ref()),
            log_start,
            time_shift: r.time_shift.as_ref().map_or(0.0, |d| d.get_ref().secs()),
            volume_scale,
            bootstrap: r.bootstrap.unwrap_or(false),
            skip_bad_rows: r.skip_bad_rows.unwrap_or(false),
            replay_returns: r.replay_returns.unwrap_or(false),
            format: replay_format(c, r, i)?,
            scan: None,
            origin: Some(crate::contact_log::ReplayOrigin {
                file: c.file().to_string(),
                position: Some(c.position(r.file.span().start)),
                key: key("file"),
            }),
        });
    }
    Ok(specs)
}

/// The horizon's start: a date (midnight) or a date and time, local.
pub(crate) fn parse_start(text: &str) -> Option<jiff::civil::DateTime> {
    let text = text.trim();
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return Some(dt);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
}

/// `aht`: the entry's average handle time in each interval of the horizon, seconds (one
/// per interval, each finite and above zero); `None` without `aht`.
pub(super) fn stream_aht(
    c: &Checker,
    a: &RawArrivals,
    i: usize,
    n_intervals: usize,
) -> Result<Option<Vec<f64>>, ScenarioError> {
    let Some(list) = &a.aht else {
        return Ok(None);
    };
    let key = format!("arrivals[{i}].aht");
    let values: Vec<f64> = list.get_ref().iter().map(|v| v.secs()).collect();
    if values.len() != n_intervals {
        return Err(c.err(
            list.span(),
            key,
            format!(
                "the list has {} handle times; the horizon has {n_intervals} intervals, one average handle time each (a duration such as \"5m30s\" or seconds)",
                values.len()
            ),
        ));
    }
    if let Some((j, bad)) = values
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v > 0.0 && **v <= MAX_AHT_S))
    {
        return Err(c.err(
            list.span(),
            key,
            format!(
                "handle time {} of the list is {bad} seconds; an average handle time must be above zero and at most {MAX_AHT_S:.0} seconds (a day)",
                j + 1
            ),
        ));
    }
    Ok(Some(values))
}

/// The longest average handle time an `aht` list may give: a day.
const MAX_AHT_S: f64 = 86_400.0;
/// The format of a `[[replay]]` log: its `columns`, `datetime_format`, `delimiter`,
/// `outcomes` and `return_window`, checked by `contact_log::build_format`; an error is
/// placed at the key to blame.
fn replay_format(
    c: &Checker,
    r: &crate::scenario::raw::RawReplay,
    i: usize,
) -> Result<crate::contact_log::ReplayFormat, ScenarioError> {
    let map = |m: &Option<Spanned<std::collections::BTreeMap<String, String>>>| {
        m.as_ref().map_or(Vec::new(), |m| {
            m.get_ref()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    };
    crate::contact_log::build_format(
        &map(&r.columns),
        r.datetime_format.as_ref().map(|f| f.get_ref().as_str()),
        r.delimiter.as_ref().map(|d| d.get_ref().as_str()),
        &map(&r.outcomes),
        r.return_window.as_ref().map(|w| w.get_ref().secs()),
    )
    .map_err(|(key, message)| {
        let span = match key {
            "columns" => r.columns.as_ref().map(|x| x.span()),
            "datetime_format" => r.datetime_format.as_ref().map(|x| x.span()),
            "delimiter" => r.delimiter.as_ref().map(|x| x.span()),
            "outcomes" => r.outcomes.as_ref().map(|x| x.span()),
            _ => r.return_window.as_ref().map(|x| x.span()),
        };
        c.err(
            span.unwrap_or_else(|| r.file.span()),
            format!("replay[{i}].{key}"),
            message,
        )
    })
}
