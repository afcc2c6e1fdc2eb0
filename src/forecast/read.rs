//! The one pass over a forecast's rows: columns found, each row placed on the scenario's
//! grid and added to its stream, then the rows' length found and the sums aggregated or
//! split onto the scenario's intervals.

use super::source::{Source, file_error};
use super::values::{self, Cell, DateTimes};
use super::{
    At, ChannelShrinkage, Column, DEFAULT_HEADERS, Forecast, ForecastStream, Grid, Spec, normalize,
};
use crate::scenario::ScenarioError;
use jiff::civil::DateTime;
use std::collections::HashMap;

/// Where each column is (0-based), once found.
struct Columns {
    start: Option<usize>,
    date: Option<usize>,
    time: Option<usize>,
    channel: Option<usize>,
    category: Option<usize>,
    volume: usize,
    aht: Option<usize>,
    wrap: Option<usize>,
    shrinkage: Option<usize>,
    /// The shrinkage header says `%`: its numbers are percentages.
    shrink_percent: bool,
}

/// Finds the columns: those `columns` maps (an error in the scenario when missing), then the
/// recognised headers for the others.
fn find_columns(
    spec: &Spec,
    at: &At<'_>,
    headers: &[String],
    header_error: &dyn Fn(String) -> ScenarioError,
) -> Result<Columns, ScenarioError> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let listed = || {
        headers
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut found: HashMap<&'static str, usize> = HashMap::new();
    let mut used = vec![false; headers.len()];
    for (column, name, span) in &spec.mapped {
        let want = normalize(name);
        let Some(k) = normalized.iter().position(|h| *h == want) else {
            return Err(at.err(
                span.clone(),
                &format!("forecast.columns.{}", column.key()),
                format!(
                    "the forecast has no column \"{name}\"; its header has {}",
                    listed()
                ),
            ));
        };
        found.insert(column.key(), k);
        used[k] = true;
    }
    for (column, aliases) in DEFAULT_HEADERS {
        if found.contains_key(column.key()) {
            continue;
        }
        if let Some(k) = aliases.iter().find_map(|a| {
            normalized
                .iter()
                .enumerate()
                .position(|(k, h)| !used[k] && h == a)
        }) {
            found.insert(column.key(), k);
            used[k] = true;
        }
    }
    let get = |c: Column| found.get(c.key()).copied();
    let (mut start, date, time) = (get(Column::Start), get(Column::Date), get(Column::Time));
    if start.is_none() && time.is_none() {
        start = date;
    }
    if start.is_none() && date.is_none() {
        return Err(header_error(format!(
            "no interval-start column: the header has {}; map it with columns = {{ start = \"…\" }} (or date and time)",
            listed()
        )));
    }
    let Some(volume) = get(Column::Volume) else {
        return Err(header_error(format!(
            "no volume column: the header has {}; map it with columns = {{ volume = \"…\" }}",
            listed()
        )));
    };
    let channel = get(Column::Channel);
    if channel.is_none() && spec.channel.is_none() {
        return Err(header_error(format!(
            "no channel or queue column: the header has {}; map it with columns = {{ channel = \"…\" }}, or give channel = \"…\" for a file of one channel",
            listed()
        )));
    }
    let shrinkage = get(Column::Shrinkage);
    Ok(Columns {
        start,
        date: if start.is_none() { date } else { None },
        time: if start.is_none() { time } else { None },
        channel,
        category: get(Column::Category),
        volume,
        aht: get(Column::Aht),
        wrap: get(Column::Wrap),
        shrinkage,
        shrink_percent: shrinkage.is_some_and(|k| headers[k].contains('%')),
    })
}

/// Sums of one channel/category pair per scenario interval.
struct Target {
    channel: usize,
    category: Option<usize>,
    volume: Vec<f64>,
    /// Σ volume × handle time of the rows that give one.
    aht_sum: Vec<f64>,
    /// Σ volume of the rows that give a handle time.
    aht_weight: Vec<f64>,
    /// A row starts in the interval.
    has_row: Vec<bool>,
}

/// Sums of one channel's shrinkage per interval.
struct Shrink {
    sum: Vec<f64>,
    count: Vec<u32>,
}

/// A queue/category pair as written in the file.
struct SourceKey {
    target: usize,
    /// Minutes of the horizon with a row already (duplicates).
    seen: Vec<u64>,
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

/// `1d`, `30m`, `1h30m` for seconds.
fn length(seconds: i64) -> String {
    crate::duration::Duration::from_secs(seconds as f64).to_string()
}

/// Reads the forecast file of `spec` onto `grid`.
pub(super) fn read(spec: &Spec, grid: Grid, at: &At<'_>) -> Result<Forecast, ScenarioError> {
    let file = spec.file.as_str();
    let (mut src, headers) = Source::open(&spec.path, file, spec.sheet.as_deref(), spec.delimiter)?;
    let header_line = |message: String| match &src {
        Source::Csv(_) => ScenarioError {
            file: file.to_string(),
            position: Some((1, 0)),
            key: None,
            message,
        },
        Source::Xlsx(_) => file_error(file, message),
    };
    let cols = find_columns(spec, at, &headers, &header_line)?;
    let decimal_comma = src.decimal_comma();
    let interval_s = grid.interval.round() as i64;
    let horizon_s = interval_s * grid.n as i64;
    let minutes = (horizon_s / 60) as usize + 1;
    let mut dates = DateTimes::new(spec.datetime_format.clone());
    let mut last_text = String::new();
    let mut last_dt: Option<DateTime> = None;
    let mut key = String::new();
    let mut sources: HashMap<String, SourceKey> = HashMap::new();
    let mut target_of: HashMap<(usize, Option<usize>), usize> = HashMap::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut shrink: Vec<Option<Shrink>> = (0..spec.channels.len()).map(|_| None).collect();
    let (mut rows, mut rows_outside) = (0usize, 0usize);
    let mut span_of_file: Option<(DateTime, DateTime)> = None;
    let mut first: Option<(i64, u64)> = None;
    let (mut step, mut min_off, mut max_off) = (0i64, i64::MAX, i64::MIN);
    let header_of = |k: usize| headers.get(k).map_or("", |h| h.as_str());
    while src.advance(file)? {
        rows += 1;
        let dt = match (cols.start, cols.date, cols.time) {
            (Some(k), _, _) => match src.cell(k) {
                Cell::Text(t) if last_dt.is_some() && t == last_text => last_dt.unwrap_or_default(),
                cell => {
                    let dt = dates
                        .cell(cell)
                        .map_err(|m| src.error(file, k, header_of(k), m))?;
                    if let Cell::Text(t) = cell {
                        last_text.clear();
                        last_text.push_str(t);
                        last_dt = Some(dt);
                    }
                    dt
                }
            },
            (None, Some(d), Some(t)) => dates
                .date_and_time(src.cell(d), src.cell(t))
                .map_err(|m| src.error(file, d, header_of(d), m))?,
            _ => unreachable!("find_columns gives a start or a date"),
        };
        span_of_file = Some(match span_of_file {
            None => (dt, dt),
            Some((lo, hi)) => (lo.min(dt), hi.max(dt)),
        });
        let off = dt.duration_since(grid.start).as_secs();
        if off < 0 || off >= horizon_s {
            rows_outside += 1;
            continue;
        }
        let line = src.line();
        match first {
            None => first = Some((off, line)),
            Some((o, _)) => step = gcd(step, off - o),
        }
        min_off = min_off.min(off);
        max_off = max_off.max(off);
        // The queue and category, resolved once per pair.
        let queue = cols.channel.map_or(Cell::Empty, |k| src.cell(k));
        let category = cols.category.map_or(Cell::Empty, |k| src.cell(k));
        key.clear();
        if let Cell::Text(q) = queue {
            key.push_str(q.trim());
        } else if !queue.is_empty() {
            key.push_str(&queue.shown());
        }
        key.push('\u{1f}');
        if let Cell::Text(c) = category {
            key.push_str(c.trim());
        } else if !category.is_empty() {
            key.push_str(&category.shown());
        }
        if !sources.contains_key(key.as_str()) {
            let (channel, cat) = resolve(spec, &src, file, &cols, &headers, queue, category)?;
            let t = *target_of.entry((channel, cat)).or_insert_with(|| {
                targets.push(Target {
                    channel,
                    category: cat,
                    volume: vec![0.0; grid.n],
                    aht_sum: vec![0.0; grid.n],
                    aht_weight: vec![0.0; grid.n],
                    has_row: vec![false; grid.n],
                });
                targets.len() - 1
            });
            sources.insert(
                key.clone(),
                SourceKey {
                    target: t,
                    seen: vec![0; minutes.div_ceil(64)],
                },
            );
        }
        let source = sources.get_mut(key.as_str()).expect("inserted above");
        if off % 60 != 0 {
            let k = cols.start.or(cols.time).unwrap_or(0);
            return Err(src.error(
                file,
                k,
                header_of(k),
                format!("{dt} is not on a whole minute; interval starts are whole minutes"),
            ));
        }
        let minute = (off / 60) as usize;
        if source.seen[minute / 64] & (1 << (minute % 64)) != 0 {
            let (q, c) = key.split_once('\u{1f}').unwrap_or((key.as_str(), ""));
            let what = match (q.is_empty(), c.is_empty()) {
                (true, true) => "the channel".to_string(),
                (false, true) => format!("queue \"{q}\""),
                (true, false) => format!("category \"{c}\""),
                (false, false) => format!("queue \"{q}\", category \"{c}\""),
            };
            return Err(src.row_error(
                file,
                format!(
                    "a second row for {what} starting {dt}; a forecast has one row per queue (and category) and interval"
                ),
            ));
        }
        source.seen[minute / 64] |= 1 << (minute % 64);
        let volume = values::volume(src.cell(cols.volume), decimal_comma)
            .map_err(|m| src.error(file, cols.volume, header_of(cols.volume), m))?;
        let aht = match cols.aht {
            None => None,
            Some(k) => values::handle_time(src.cell(k), spec.aht_unit, decimal_comma)
                .map_err(|m| src.error(file, k, header_of(k), m))?,
        };
        let wrap = match cols.wrap {
            None => None,
            Some(k) => values::handle_time(src.cell(k), spec.aht_unit, decimal_comma)
                .map_err(|m| src.error(file, k, header_of(k), m))?,
        };
        let handle = match (aht, wrap) {
            (Some(a), w) => Some(a + w.unwrap_or(0.0)),
            (None, _) => None,
        };
        if let (Some(0.0), Some(k)) = (handle, cols.aht)
            && volume > 0.0
        {
            return Err(src.error(
                file,
                k,
                header_of(k),
                format!("a handle time of 0 with {volume} contacts offered; write the interval's AHT, above 0 (leave the cell empty to use the stream's mean)"),
            ));
        }
        let j = (off / interval_s) as usize;
        let t = &mut targets[source.target];
        t.volume[j] += volume;
        t.has_row[j] = true;
        if let Some(h) = handle {
            t.aht_sum[j] += volume * h;
            t.aht_weight[j] += volume;
        }
        if let Some(k) = cols.shrinkage
            && let Some(s) = values::shrinkage(src.cell(k), cols.shrink_percent, decimal_comma)
                .map_err(|m| src.error(file, k, header_of(k), m))?
        {
            let entry = shrink[t.channel].get_or_insert_with(|| Shrink {
                sum: vec![0.0; grid.n],
                count: vec![0; grid.n],
            });
            entry.sum[j] += s;
            entry.count[j] += 1;
        }
    }
    let shown = |off: i64| {
        grid.start
            .checked_add(jiff::SignedDuration::from_secs(off))
            .map_or_else(|_| "?".into(), |d| d.strftime("%Y-%m-%d %H:%M").to_string())
    };
    let horizon_words = format!("the horizon runs from {} to {}", shown(0), shown(horizon_s));
    let Some((first_off, first_line)) = first else {
        let file_words = match span_of_file {
            None => "the file has no rows".to_string(),
            Some((lo, hi)) => format!(
                "the file's rows run from {} to {}",
                lo.strftime("%Y-%m-%d %H:%M"),
                hi.strftime("%Y-%m-%d %H:%M")
            ),
        };
        return Err(file_error(
            file,
            format!(
                "no row of the forecast starts in the scenario's horizon: {horizon_words} ([simulation] start and horizon); {file_words}"
            ),
        ));
    };
    let day = 86_400;
    if min_off >= day || max_off < horizon_s - day {
        let which = if min_off >= day { "first" } else { "last" };
        return Err(file_error(
            file,
            format!(
                "the forecast does not cover the horizon: {horizon_words}, the file's rows in it run from {} to {}; its {which} day has no rows",
                shown(min_off),
                shown(max_off)
            ),
        ));
    }
    // The rows' length: the step between starts, or the one the scenario gives.
    let row_length = match spec.interval.map(|l| l.round() as i64) {
        Some(l) if step % l != 0 => {
            return Err(file_error(
                file,
                format!(
                    "the rows start {} apart, which forecast.interval = \"{}\" does not divide",
                    length(step),
                    length(l)
                ),
            ));
        }
        Some(l) => l,
        None if step == 0 => interval_s,
        None => step,
    };
    let finer = row_length.min(interval_s);
    if interval_s % row_length != 0 && row_length % interval_s != 0 {
        return Err(file_error(
            file,
            format!(
                "the rows are {} long and the scenario's interval is {}: neither is a whole number of the other, so the volumes cannot be added up or split exactly; set [simulation] interval to {} or a multiple of it",
                length(row_length),
                length(interval_s),
                length(gcd(row_length, interval_s).max(60))
            ),
        ));
    }
    if first_off % finer != 0 {
        let message = format!(
            "the row starts at {}, inside an interval of the scenario (they start every {} from {})",
            shown(first_off),
            length(interval_s),
            shown(0)
        );
        return Err(match &src {
            Source::Csv(_) => ScenarioError {
                file: file.to_string(),
                position: Some((first_line as usize, 0)),
                key: None,
                message,
            },
            Source::Xlsx(_) => file_error(file, format!("{}: {message}", src.row_name(first_line))),
        });
    }
    if row_length > interval_s {
        let k = (row_length / interval_s) as usize;
        for t in &mut targets {
            split(t, k);
        }
        for s in shrink.iter_mut().flatten() {
            for j in (0..grid.n).rev() {
                if s.count[j] > 0 {
                    for m in 1..k.min(grid.n - j) {
                        s.sum[j + m] = s.sum[j];
                        s.count[j + m] = s.count[j];
                    }
                }
            }
        }
    }
    let empty_intervals = (0..grid.n)
        .filter(|j| targets.iter().all(|t| !t.has_row[*j]))
        .count();
    let streams = targets
        .into_iter()
        .map(|t| {
            let weight: f64 = t.aht_weight.iter().sum();
            let aht = (weight > 0.0).then(|| {
                let mean = t.aht_sum.iter().sum::<f64>() / weight;
                (0..grid.n)
                    .map(|j| {
                        if t.aht_weight[j] > 0.0 {
                            t.aht_sum[j] / t.aht_weight[j]
                        } else {
                            mean
                        }
                    })
                    .collect()
            });
            ForecastStream {
                channel: spec.channels[t.channel].clone(),
                category: t.category.map(|c| spec.categories[c].clone()),
                volume: t.volume,
                aht,
            }
        })
        .collect();
    let shrinkage = shrink
        .into_iter()
        .enumerate()
        .filter_map(|(c, s)| {
            let s = s?;
            let n: u32 = s.count.iter().sum();
            let mean = s.sum.iter().sum::<f64>() / f64::from(n.max(1));
            Some(ChannelShrinkage {
                channel: spec.channels[c].clone(),
                shrinkage: (0..grid.n)
                    .map(|j| {
                        if s.count[j] > 0 {
                            s.sum[j] / f64::from(s.count[j])
                        } else {
                            mean
                        }
                    })
                    .collect(),
            })
        })
        .collect();
    let sheet = src.sheet_name().map(str::to_string);
    Ok(Forecast {
        file: spec.file.clone(),
        sheet,
        rows,
        rows_outside,
        row_length: row_length as f64,
        start: grid.start,
        interval: grid.interval,
        n_intervals: grid.n,
        empty_intervals,
        streams,
        shrinkage,
    })
}

/// Spreads each row's sums (all in the interval the row starts in) evenly over the `k`
/// intervals it covers.
fn split(t: &mut Target, k: usize) {
    let n = t.volume.len();
    for j in (0..n).rev() {
        if !t.has_row[j] {
            continue;
        }
        let kf = k as f64;
        let (v, a, w) = (t.volume[j] / kf, t.aht_sum[j] / kf, t.aht_weight[j] / kf);
        for m in 0..k.min(n - j) {
            t.volume[j + m] = v;
            t.aht_sum[j + m] = a;
            t.aht_weight[j + m] = w;
            t.has_row[j + m] = true;
        }
    }
}

/// The scenario channel and category of a new queue/category pair of the file.
fn resolve(
    spec: &Spec,
    src: &Source,
    file: &str,
    cols: &Columns,
    headers: &[String],
    queue: Cell<'_>,
    category: Cell<'_>,
) -> Result<(usize, Option<usize>), ScenarioError> {
    let names = |list: &[String]| {
        list.iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find = |list: &[String], name: &str| {
        list.iter()
            .position(|n| n == name)
            .or_else(|| list.iter().position(|n| n.eq_ignore_ascii_case(name)))
    };
    let text = |c: Cell<'_>| match c {
        Cell::Text(t) => t.trim().to_string(),
        Cell::Empty => String::new(),
        other => other.shown(),
    };
    let (channel, mapped_category) = match cols.channel {
        None => (spec.channel.unwrap_or(0), None),
        Some(k) => {
            let q = text(queue);
            if let Some((ch, cat)) = spec.queues.get(&normalize(&q)) {
                (*ch, *cat)
            } else if let Some(ch) = find(&spec.channels, &q) {
                (ch, None)
            } else {
                let message = if q.is_empty() {
                    format!(
                        "the queue is empty; write a channel of the scenario ({})",
                        names(&spec.channels)
                    )
                } else {
                    format!(
                        "queue \"{q}\" is not a channel of the scenario ({}); map it with queues = {{ \"{q}\" = \"channel\" }} (or \"channel/category\")",
                        names(&spec.channels)
                    )
                };
                return Err(src.error(file, k, &headers[k], message));
            }
        }
    };
    if mapped_category.is_some() {
        return Ok((channel, mapped_category));
    }
    let Some(k) = cols.category else {
        return Ok((channel, None));
    };
    let c = text(category);
    if c.is_empty() {
        return Ok((channel, None));
    }
    match find(&spec.categories, &c) {
        Some(cat) => Ok((channel, Some(cat))),
        None => Err(src.error(
            file,
            k,
            &headers[k],
            format!(
                "\"{c}\" is not a category of the scenario ({}); add a [[category]] or map the queue with queues = {{ \"…\" = \"channel/category\" }}",
                names(&spec.categories)
            ),
        )),
    }
}
