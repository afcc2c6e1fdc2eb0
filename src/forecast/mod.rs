//! Forecast files: a planner's interval forecast (a WFM export as CSV, or an `.xlsx`
//! sheet) read into the scenario's arrivals.
//!
//! A scenario's `[forecast]` table names the file and maps its columns. The file has one
//! row per interval and queue (optionally per category): the interval's start, the queue
//! (a channel, or mapped by `queues` to `channel` or `channel/category`), the offered
//! volume, and optionally the average handle time, a separate wrap-up time and the
//! shrinkage. [`expand`] reads it once, row by row (the text is never held whole: memory
//! is bounded by the horizon's intervals × the streams, not by the rows), and turns it into
//! ordinary `[[arrivals]]` streams with `rates_per_hour` before the scenario is compiled,
//! so every check and the optimizer see ordinary streams.
//!
//! Placement: a row belongs to the scenario interval its start falls in, counted from
//! `[simulation] start`; rows starting outside the horizon are skipped (counted by
//! `ccsim check`). Rows shorter than the scenario's interval (the row length is the
//! greatest common step between the file's interval starts, or `interval`) are added up
//! when they divide it exactly (5-minute rows into 15-minute intervals; handle times
//! weighted by volume), longer rows are split evenly when the interval divides them
//! (30-minute rows into 15-minute intervals), anything else is refused. An interval without
//! a row has no contacts (closed), as a WFM export leaves out closed hours. Two rows for
//! the same queue, category and start are refused.
//!
//! Handle time: the AHT column is taken as the whole handle time (talk + hold + wrap-up,
//! as Genesys, NICE and Calabrio export it); a wrap-up column, when mapped or found, is
//! added to it.

mod closed;
mod read;
pub(crate) mod source;
pub(crate) mod values;

use crate::scenario::ScenarioError;
use crate::scenario::raw::{RawArrivals, RawForecast, RawScenario, RawSeconds, RawShrinkage};
use jiff::civil::DateTime;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use values::AhtUnit;

/// A forecast read onto a scenario's intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// The file as errors and `check` name it (the scenario's directory joined to `file`).
    pub file: String,
    /// The worksheet read, for a workbook.
    pub sheet: Option<String>,
    /// Data rows read (empty rows not counted).
    pub rows: usize,
    /// Rows whose start lies outside the horizon (skipped).
    pub rows_outside: usize,
    /// Length of the file's rows, seconds.
    pub row_length: f64,
    /// The horizon's start (`[simulation] start`).
    pub start: DateTime,
    /// The scenario's interval, seconds.
    pub interval: f64,
    /// Intervals of the horizon.
    pub n_intervals: usize,
    /// Intervals of the horizon with no row of any queue (read as closed: no contacts).
    pub empty_intervals: usize,
    /// Per channel with opening hours (`[[channel]] hours`), in scenario order: its name
    /// and the intervals of the horizon in which it is closed throughout.
    pub closed_intervals: Vec<(String, usize)>,
    /// Volumes (and handle times) per channel and category, in the order first read.
    pub streams: Vec<ForecastStream>,
    /// Shrinkage per channel that has a shrinkage column value anywhere.
    pub shrinkage: Vec<ChannelShrinkage>,
}

/// One channel/category pair of a forecast (category `None`: the file gives the channel's
/// total, split by the scenario's `mix`).
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastStream {
    /// Channel name (as in the scenario).
    pub channel: String,
    /// Category name (as in the scenario), or `None`.
    pub category: Option<String>,
    /// Contacts offered in each interval of the horizon.
    pub volume: Vec<f64>,
    /// Handle time (AHT, plus wrap-up when given apart) in seconds per interval, weighted by
    /// volume where rows were added up; intervals without volume take the stream's
    /// volume-weighted mean. `None` when the file gives no handle time for the stream.
    pub aht: Option<Vec<f64>>,
}

/// Shrinkage of one channel per interval (a share, 0 ≤ s < 1): the mean of the rows'
/// values; intervals without a value take the channel's mean.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelShrinkage {
    /// Channel name.
    pub channel: String,
    /// Share of scheduled agents absent, per interval of the horizon.
    pub shrinkage: Vec<f64>,
}

impl Forecast {
    /// Contacts per hour of `stream` in each interval: volume / interval hours.
    pub fn rates_per_hour(&self, stream: &ForecastStream) -> Vec<f64> {
        let hours = self.interval / 3600.0;
        stream.volume.iter().map(|v| v / hours).collect()
    }
}

/// The recognised headers (compared without case, spaces, `_` and `-`), per column.
const DEFAULT_HEADERS: [(Column, &[&str]); 9] = [
    (
        Column::Start,
        &[
            "intervalstart",
            "interval",
            "start",
            "datetime",
            "starttime",
            "period",
            "intervalbegin",
            "timestamp",
        ],
    ),
    (Column::Date, &["date", "day"]),
    (Column::Time, &["time", "intervaltime", "timeofday"]),
    (
        Column::Channel,
        &[
            "channel",
            "queue",
            "skill",
            "mediatype",
            "media",
            "queuename",
        ],
    ),
    (
        Column::Category,
        &["category", "reason", "type", "contactreason", "subqueue"],
    ),
    (
        Column::Volume,
        &[
            "offered",
            "volume",
            "contacts",
            "calls",
            "forecast",
            "forecastvolume",
            "forecastedvolume",
            "forecastoffered",
            "offeredvolume",
        ],
    ),
    (
        Column::Aht,
        &[
            "aht",
            "handletime",
            "averagehandletime",
            "aht(s)",
            "ahts",
            "forecastaht",
            "forecastedaht",
            "aht(sec)",
        ],
    ),
    (
        Column::Wrap,
        &[
            "acw",
            "wrap",
            "wrapup",
            "wraptime",
            "aftercallwork",
            "acw(s)",
        ],
    ),
    (
        Column::Shrinkage,
        &["shrinkage", "shrinkage%", "shrink", "shrinkage(%)"],
    ),
];

/// The columns a forecast may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Start,
    Date,
    Time,
    Channel,
    Category,
    Volume,
    Aht,
    Wrap,
    Shrinkage,
}

impl Column {
    fn key(self) -> &'static str {
        match self {
            Column::Start => "start",
            Column::Date => "date",
            Column::Time => "time",
            Column::Channel => "channel",
            Column::Category => "category",
            Column::Volume => "volume",
            Column::Aht => "aht",
            Column::Wrap => "wrap",
            Column::Shrinkage => "shrinkage",
        }
    }
}

/// A header compared: lower case, without spaces, `_` and `-`.
fn normalize(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// What the scenario's `[forecast]` asks for, checked against the scenario.
struct Spec {
    path: PathBuf,
    file: String,
    sheet: Option<String>,
    datetime_format: Option<String>,
    delimiter: Option<u8>,
    aht_unit: AhtUnit,
    interval: Option<f64>,
    channel: Option<usize>,
    /// `queues`: normalized file name → (channel, category).
    queues: HashMap<String, (usize, Option<usize>)>,
    /// Mapped header per column, with the span of its name in the scenario.
    mapped: Vec<(Column, String, Range<usize>)>,
    /// The scenario's channel names.
    channels: Vec<String>,
    /// The scenario's category names.
    categories: Vec<String>,
    /// Each channel's opening hours (set once the horizon is known).
    hours: Vec<Option<closed::ChannelHours>>,
}

/// The scenario's grid: its start, interval and length.
#[derive(Clone, Copy)]
struct Grid {
    start: DateTime,
    interval: f64,
    n: usize,
}

/// Places errors in the scenario file.
struct At<'a> {
    text: &'a str,
    file: &'a str,
}

impl At<'_> {
    fn err(&self, span: Range<usize>, key: &str, message: String) -> ScenarioError {
        ScenarioError {
            file: self.file.to_string(),
            position: Some(crate::scenario::line_column(self.text, span.start)),
            key: Some(key.to_string()),
            message,
        }
    }
}

/// `"2025-03-03"` or `"2025-03-03T06:00"`.
fn parse_start(text: &str) -> Option<DateTime> {
    let text = text.trim();
    text.parse::<DateTime>().ok().or_else(|| {
        text.parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })
}

/// Reads the scenario's `[forecast]` (when it has one) and adds its streams to `raw`'s
/// `[[arrivals]]`: an `[[arrivals]]` entry of a channel with no rates of its own
/// (`category = …` or `mix = {…}` and no `rate_per_hour`, `rates_per_hour` or
/// `daily_volume`) takes that channel's volume from the file; the file's channel/category
/// pairs become streams of their own. `text` and `file` are the scenario's (the forecast is
/// read relative to `file`'s directory).
///
/// Errors: the scenario's `[forecast]` keys located in the scenario; the file's rows
/// located by file and line (CSV) or sheet and cell (`.xlsx`), with the column and what is
/// allowed. A scenario whose `[simulation]` settings are themselves invalid is left alone
/// for the compiler to report.
pub fn expand(
    raw: &mut RawScenario,
    text: &str,
    file: &str,
) -> Result<Option<Forecast>, ScenarioError> {
    let Some(forecast) = read_for(raw, text, file)? else {
        return Ok(None);
    };
    let span = raw.forecast.as_ref().map(|f| f.span()).unwrap_or(0..0);
    let at = At { text, file };
    let hours = forecast.interval / 3600.0;
    let fed = feed_entries(raw, &at, &forecast, &span)?;
    for stream in &forecast.streams {
        match &stream.category {
            None if !fed.contains_key(&stream.channel) => {
                if stream.volume.iter().all(|v| *v == 0.0) {
                    continue;
                }
                let key = raw.forecast.as_ref().map(|f| f.get_ref().file.span());
                return Err(at.err(
                    key.unwrap_or(span.clone()),
                    "forecast.file",
                    format!(
                        "the forecast's rows of channel \"{}\" have no category: add a category column, map the queue to \"{}/<category>\" in queues, or add [[arrivals]] channel = \"{}\" with a mix = {{ … }} to split it",
                        stream.channel, stream.channel, stream.channel
                    ),
                ));
            }
            None => {}
            Some(category) => {
                if let Some(i) = fed.get(&stream.channel) {
                    return Err(at.err(
                        raw.arrivals[*i].span(),
                        &format!("arrivals[{i}]"),
                        format!(
                            "takes channel \"{}\"'s volume from the forecast, but the forecast gives its categories itself (\"{category}\" …); remove this entry",
                            stream.channel
                        ),
                    ));
                }
                if stream.volume.iter().all(|v| *v == 0.0) {
                    continue;
                }
                raw.arrivals.push(Spanned::new(
                    span.clone(),
                    RawArrivals {
                        channel: Spanned::new(span.clone(), stream.channel.clone()),
                        category: Some(Spanned::new(span.clone(), category.clone())),
                        mix: None,
                        day_of_week: None,
                        rate_per_hour: None,
                        rates_per_hour: Some(Spanned::new(
                            span.clone(),
                            stream.volume.iter().map(|v| v / hours).collect(),
                        )),
                        daily_volume: None,
                        profile: None,
                        priority: None,
                        aht: aht_list(stream, &span),
                    },
                ));
            }
        }
    }
    apply_shrinkage(raw, &forecast, &span);
    Ok(Some(forecast))
}

/// A stream's per-interval handle times as an `[[arrivals]] aht` list.
fn aht_list(stream: &ForecastStream, span: &Range<usize>) -> Option<Spanned<Vec<RawSeconds>>> {
    let aht = stream.aht.as_ref()?;
    Some(Spanned::new(
        span.clone(),
        aht.iter().map(|a| RawSeconds::from_secs(*a)).collect(),
    ))
}

/// Gives each `[[group]]` without a `shrinkage` of its own the forecast's shrinkage of the
/// channels it handles, per interval: one channel's list as it is; for several, their
/// mean weighted by each channel's volume in the interval (a plain mean where none is
/// offered). Channels the forecast gives no shrinkage for do not count; a group handling
/// none that it gives is left alone.
fn apply_shrinkage(raw: &mut RawScenario, forecast: &Forecast, span: &Range<usize>) {
    if forecast.shrinkage.is_empty() {
        return;
    }
    let volume_of = |channel: &str| -> Vec<f64> {
        let mut v = vec![0.0; forecast.n_intervals];
        for s in forecast.streams.iter().filter(|s| s.channel == channel) {
            for (t, x) in v.iter_mut().zip(&s.volume) {
                *t += x;
            }
        }
        v
    };
    for group in &mut raw.group {
        let g = group.get_mut();
        if g.shrinkage.is_some() {
            continue;
        }
        let mut channels: Vec<&str> = g
            .handles
            .get_ref()
            .iter()
            .map(|h| h.get_ref().split('/').next().unwrap_or("").trim())
            .collect();
        channels.sort_unstable();
        channels.dedup();
        let lists: Vec<(&[f64], Vec<f64>)> = channels
            .iter()
            .filter_map(|c| {
                let s = forecast.shrinkage.iter().find(|s| s.channel == *c)?;
                Some((s.shrinkage.as_slice(), volume_of(c)))
            })
            .collect();
        if lists.is_empty() {
            continue;
        }
        let shares: Vec<f64> = (0..forecast.n_intervals)
            .map(|j| {
                let weight: f64 = lists.iter().map(|(_, v)| v[j]).sum();
                if lists.len() == 1 {
                    lists[0].0[j]
                } else if weight > 0.0 {
                    lists.iter().map(|(s, v)| s[j] * v[j]).sum::<f64>() / weight
                } else {
                    lists.iter().map(|(s, _)| s[j]).sum::<f64>() / lists.len() as f64
                }
            })
            .collect();
        g.shrinkage = Some(Spanned::new(
            span.clone(),
            RawShrinkage::PerInterval(shares),
        ));
    }
}

/// The forecast of the scenario file at `path`, read as a run would read it; `None` when
/// the scenario has no `[forecast]` (or is a variant file, or does not parse: loading it
/// reports that).
pub fn of_scenario(path: &Path) -> Option<Result<Forecast, ScenarioError>> {
    let text = std::fs::read_to_string(path).ok()?;
    let file = path.display().to_string();
    let raw = crate::scenario::parse_raw(&text, &file).ok()?;
    read_for(&raw, &text, &file).transpose()
}

/// Reads the forecast `raw` names, onto its horizon; `None` without `[forecast]` or when the
/// `[simulation]` settings are invalid (the compiler reports those).
fn read_for(raw: &RawScenario, text: &str, file: &str) -> Result<Option<Forecast>, ScenarioError> {
    let Some(spanned) = &raw.forecast else {
        return Ok(None);
    };
    let at = At { text, file };
    let sim = raw.simulation.get_ref();
    let interval = sim.interval.get_ref().secs();
    let horizon = sim.horizon.get_ref().secs();
    let max_horizon = crate::limits::MAX_HORIZON_DAYS as f64 * 86_400.0;
    let whole = (horizon / interval).round();
    if !(interval.is_finite()
        && interval >= 1.0
        && horizon.is_finite()
        && horizon > 0.0
        && horizon <= max_horizon
        && (whole * interval - horizon).abs() < 1e-6)
    {
        return Ok(None);
    }
    let start = match &sim.start {
        None => {
            return Err(at.err(
                spanned.span(),
                "forecast",
                "a forecast needs [simulation] start, the date its first interval is read from (e.g. start = \"2025-03-03\")".into(),
            ));
        }
        Some(s) => match parse_start(s.get_ref()) {
            Some(d) => d,
            None => return Ok(None),
        },
    };
    let grid = Grid {
        start,
        interval,
        n: whole as usize,
    };
    let mut spec = spec(&at, raw, spanned.get_ref())?;
    spec.hours = closed::channel_hours(raw, &at, grid);
    read::read(&spec, grid, &at).map(Some)
}

/// Checks the `[forecast]` keys against the scenario.
fn spec(at: &At<'_>, raw: &RawScenario, f: &RawForecast) -> Result<Spec, ScenarioError> {
    let channels: Vec<&str> = raw
        .channel
        .iter()
        .map(|c| c.get_ref().name.get_ref().as_str())
        .collect();
    let categories: Vec<&str> = raw
        .category
        .iter()
        .map(|c| c.get_ref().name.get_ref().as_str())
        .collect();
    let names = |list: &[&str]| {
        list.iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find = |list: &[&str], name: &str| {
        list.iter()
            .position(|n| *n == name)
            .or_else(|| list.iter().position(|n| n.eq_ignore_ascii_case(name)))
    };
    let dir = Path::new(at.file).parent().unwrap_or(Path::new(""));
    let path = dir.join(f.file.get_ref());
    if f.file.get_ref().trim().is_empty() {
        return Err(at.err(
            f.file.span(),
            "forecast.file",
            "name the forecast file (.csv or .xlsx), relative to the scenario".into(),
        ));
    }
    if !path.is_file() {
        return Err(at.err(
            f.file.span(),
            "forecast.file",
            format!(
                "there is no file {} (the path is taken from the scenario's directory)",
                path.display()
            ),
        ));
    }
    let (delimiter, aht_unit, interval) = options(at, f)?;
    let channel = match &f.channel {
        None => None,
        Some(c) => Some(find(&channels, c.get_ref()).ok_or_else(|| {
            at.err(
                c.span(),
                "forecast.channel",
                format!(
                    "there is no channel \"{}\"; the channels are {}",
                    c.get_ref(),
                    names(&channels)
                ),
            )
        })?),
    };
    let queues = queue_map(at, f, &channels, &categories)?;
    let mapped = mapped_columns(f);
    Ok(Spec {
        file: path.display().to_string(),
        path,
        sheet: f.sheet.as_ref().map(|s| s.get_ref().clone()),
        datetime_format: f.datetime_format.as_ref().map(|s| s.get_ref().clone()),
        delimiter,
        aht_unit,
        interval,
        channel,
        queues,
        mapped,
        channels: channels.iter().map(|s| s.to_string()).collect(),
        categories: categories.iter().map(|s| s.to_string()).collect(),
        hours: Vec::new(),
    })
}

/// `"a", "b"` for messages.
fn quoted(list: &[&str]) -> String {
    list.iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The position of `name` in `list`: exactly, else without case.
fn find_name(list: &[&str], name: &str) -> Option<usize> {
    list.iter()
        .position(|n| *n == name)
        .or_else(|| list.iter().position(|n| n.eq_ignore_ascii_case(name)))
}

/// `delimiter`, `aht_unit`, `interval` and `datetime_format`, checked.
fn options(
    at: &At<'_>,
    f: &RawForecast,
) -> Result<(Option<u8>, AhtUnit, Option<f64>), ScenarioError> {
    let delimiter = match &f.delimiter {
        None => None,
        Some(d) => {
            let text = d.get_ref();
            let byte = match text.as_str() {
                "\\t" | "\t" | "tab" => b'\t',
                t if t.len() == 1 && t.is_ascii() && t != "\"" => t.as_bytes()[0],
                _ => {
                    return Err(at.err(
                        d.span(),
                        "forecast.delimiter",
                        format!(
                            "\"{text}\" is not a delimiter; write one character: \",\", \";\", \"|\" or \"\\t\" (tab)"
                        ),
                    ));
                }
            };
            Some(byte)
        }
    };
    let aht_unit = match f.aht_unit.as_ref().map(|u| (u, u.get_ref().as_str())) {
        None => AhtUnit::Seconds,
        Some((_, "seconds" | "s")) => AhtUnit::Seconds,
        Some((_, "minutes" | "m")) => AhtUnit::Minutes,
        Some((_, "hh:mm:ss" | "h:mm:ss")) => AhtUnit::Clock,
        Some((u, other)) => {
            return Err(at.err(
                u.span(),
                "forecast.aht_unit",
                format!(
                    "\"{other}\" is not a unit; write \"seconds\", \"minutes\" or \"hh:mm:ss\""
                ),
            ));
        }
    };
    let interval = match &f.interval {
        None => None,
        Some(d) if d.get_ref().secs() >= 60.0 && d.get_ref().secs() <= 86_400.0 => {
            Some(d.get_ref().secs())
        }
        Some(d) => {
            return Err(at.err(
                d.span(),
                "forecast.interval",
                "the length of the file's rows, from 1m to 1d (e.g. \"15m\")".into(),
            ));
        }
    };
    if let Some(format) = &f.datetime_format
        && !format.get_ref().contains('%')
    {
        return Err(at.err(
            format.span(),
            "forecast.datetime_format",
            format!(
                "\"{}\" is not a strftime format; write e.g. \"%d/%m/%Y %H:%M\"",
                format.get_ref()
            ),
        ));
    }
    Ok((delimiter, aht_unit, interval))
}

/// `queues`: each file queue (normalized) → channel and category indices.
fn queue_map(
    at: &At<'_>,
    f: &RawForecast,
    channels: &[&str],
    categories: &[&str],
) -> Result<HashMap<String, (usize, Option<usize>)>, ScenarioError> {
    let (names, find) = (quoted, find_name);
    let mut queues = HashMap::new();
    for (name, target) in f.queues.iter().flatten() {
        let key = format!("forecast.queues.\"{}\"", name.get_ref());
        let (ch, cat) = match target.get_ref().split_once('/') {
            Some((ch, cat)) => (ch, Some(cat)),
            None => (target.get_ref().as_str(), None),
        };
        let ch = find(channels, ch.trim()).ok_or_else(|| {
            at.err(
                target.span(),
                &key,
                format!(
                    "there is no channel \"{}\"; write \"channel\" or \"channel/category\" with a channel of {}",
                    ch.trim(),
                    names(channels)
                ),
            )
        })?;
        let cat = match cat {
            None => None,
            Some(cat) => Some(find(categories, cat.trim()).ok_or_else(|| {
                at.err(
                    target.span(),
                    &key,
                    format!(
                        "there is no category \"{}\"; the categories are {}",
                        cat.trim(),
                        names(categories)
                    ),
                )
            })?),
        };
        if queues
            .insert(normalize(name.get_ref()), (ch, cat))
            .is_some()
        {
            return Err(at.err(
                name.span(),
                &key,
                "this queue is mapped twice (names are compared without case and spaces)".into(),
            ));
        }
    }
    Ok(queues)
}

/// `columns`: the headers the scenario names, per column, with their spans.
fn mapped_columns(f: &RawForecast) -> Vec<(Column, String, Range<usize>)> {
    let mut mapped = Vec::new();
    if let Some(columns) = &f.columns {
        let c = columns.get_ref();
        for (column, given) in [
            (Column::Start, &c.start),
            (Column::Date, &c.date),
            (Column::Time, &c.time),
            (Column::Channel, &c.channel),
            (Column::Category, &c.category),
            (Column::Volume, &c.volume),
            (Column::Aht, &c.aht),
            (Column::Wrap, &c.wrap),
            (Column::Shrinkage, &c.shrinkage),
        ] {
            if let Some(h) = given {
                mapped.push((column, h.get_ref().clone(), h.span()));
            }
        }
    }
    mapped
}

/// `[[arrivals]]` entries without rates of their own take their channel's total from the
/// forecast (and its AHT); returns channel → entry index.
fn feed_entries(
    raw: &mut RawScenario,
    at: &At<'_>,
    forecast: &Forecast,
    span: &Range<usize>,
) -> Result<HashMap<String, usize>, ScenarioError> {
    let hours = forecast.interval / 3600.0;
    let mut fed: HashMap<String, usize> = HashMap::new();
    for (i, a) in raw.arrivals.iter_mut().enumerate() {
        let entry_span = a.span();
        let a = a.get_mut();
        if a.rate_per_hour.is_some() || a.rates_per_hour.is_some() || a.daily_volume.is_some() {
            continue;
        }
        let channel = a.channel.get_ref().clone();
        if let Some(first) = fed.insert(channel.clone(), i) {
            return Err(at.err(
                entry_span,
                &format!("arrivals[{i}]"),
                format!(
                    "arrivals[{first}] already takes channel \"{channel}\"'s volume from the forecast; give one entry a mix of categories instead"
                ),
            ));
        }
        for (given, key) in [
            (a.day_of_week.as_ref().map(|d| d.span()), "day_of_week"),
            (a.profile.as_ref().map(|d| d.span()), "profile"),
        ] {
            if let Some(s) = given {
                return Err(at.err(
                    s,
                    &format!("arrivals[{i}].{key}"),
                    "the forecast gives the volume of every interval; leave out day_of_week and profile".into(),
                ));
            }
        }
        let Some(stream) = forecast
            .streams
            .iter()
            .find(|s| s.channel == channel && s.category.is_none())
        else {
            let why = if forecast.streams.iter().any(|s| s.channel == channel) {
                "the forecast gives this channel's categories itself (their streams are added); remove this entry or give it a rate"
            } else {
                "the forecast has no rows for this channel; give the entry a rate_per_hour, rates_per_hour or daily_volume"
            };
            return Err(at.err(
                entry_span,
                &format!("arrivals[{i}]"),
                format!("takes channel \"{channel}\"'s volume from the forecast, but {why}"),
            ));
        };
        if stream.volume.iter().all(|v| *v == 0.0) {
            return Err(at.err(
                entry_span,
                &format!("arrivals[{i}]"),
                format!("the forecast offers no contacts on channel \"{channel}\" in the horizon"),
            ));
        }
        a.rates_per_hour = Some(Spanned::new(
            span.clone(),
            stream.volume.iter().map(|v| v / hours).collect(),
        ));
        if a.aht.is_none() {
            a.aht = aht_list(stream, span);
        }
    }
    Ok(fed)
}
