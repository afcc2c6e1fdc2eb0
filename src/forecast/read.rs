//! The one pass over a forecast's rows: columns found, each row placed on the scenario's
//! grid and added to its stream, then the rows' length found and the sums aggregated or
//! split onto the scenario's intervals.

use super::closed::{self, ClosedRow};
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
    /// The start of this queue's previous row, seconds into the horizon.
    last_off: Option<i64>,
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

/// The state of the one pass over the rows.
struct Pass<'a> {
    spec: &'a Spec,
    grid: Grid,
    cols: Columns,
    headers: Vec<String>,
    decimal_comma: bool,
    interval_s: i64,
    horizon_s: i64,
    dates: DateTimes,
    last_text: String,
    last_dt: Option<DateTime>,
    key: String,
    sources: HashMap<String, SourceKey>,
    target_of: HashMap<(usize, Option<usize>), usize>,
    targets: Vec<Target>,
    shrink: Vec<Option<Shrink>>,
    rows: usize,
    rows_outside: usize,
    span_of_file: Option<(DateTime, DateTime)>,
    /// Offset and line of the first row in the horizon.
    first: Option<(i64, u64)>,
    step: i64,
    /// How often each gap between a queue's consecutive rows occurs: the commonest is the
    /// rows' length.
    gaps: HashMap<i64, u64>,
    /// Each row that made `step` smaller: (the new step, its line, its start).
    step_changes: Vec<(i64, u64, i64)>,
    min_off: i64,
    max_off: i64,
    /// Rows with contacts that start while their channel is closed.
    closed_rows: Vec<ClosedRow>,
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
    let interval_s = grid.interval.round() as i64;
    let mut pass = Pass {
        spec,
        grid,
        cols,
        headers,
        decimal_comma: src.decimal_comma(),
        interval_s,
        horizon_s: interval_s * grid.n as i64,
        dates: DateTimes::new(spec.datetime_format.clone()),
        last_text: String::new(),
        last_dt: None,
        key: String::new(),
        sources: HashMap::new(),
        target_of: HashMap::new(),
        targets: Vec::new(),
        shrink: (0..spec.channels.len()).map(|_| None).collect(),
        rows: 0,
        rows_outside: 0,
        span_of_file: None,
        first: None,
        step: 0,
        gaps: HashMap::new(),
        step_changes: Vec::new(),
        min_off: i64::MAX,
        max_off: i64::MIN,
        closed_rows: Vec::new(),
    };
    while src.advance(file)? {
        pass.row(&src)?;
    }
    let row_length = pass.row_length(&src)?;
    closed::refuse_closed_rows(spec, &src, grid, &pass.closed_rows, row_length)?;
    if row_length > interval_s {
        pass.split((row_length / interval_s) as usize);
    }
    Ok(pass.finish(row_length, src.sheet_name().map(str::to_string)))
}

impl Pass<'_> {
    fn header(&self, k: usize) -> &str {
        self.headers.get(k).map_or("", |h| h.as_str())
    }

    /// The current row's interval start.
    fn row_time(&mut self, src: &Source) -> Result<DateTime, ScenarioError> {
        let file = self.spec.file.as_str();
        match (self.cols.start, self.cols.date, self.cols.time) {
            (Some(k), _, _) => match src.cell(k) {
                Cell::Text(t) if self.last_dt.is_some() && t == self.last_text => {
                    Ok(self.last_dt.unwrap_or_default())
                }
                cell => {
                    let dt = self
                        .dates
                        .cell(cell)
                        .map_err(|m| src.error(file, k, self.header(k), m))?;
                    if let Cell::Text(t) = cell {
                        self.last_text.clear();
                        self.last_text.push_str(t);
                        self.last_dt = Some(dt);
                    }
                    Ok(dt)
                }
            },
            (None, Some(d), Some(t)) => self
                .dates
                .date_and_time(src.cell(d), src.cell(t))
                .map_err(|m| src.error(file, d, self.header(d), m)),
            _ => unreachable!("find_columns gives a start or a date"),
        }
    }

    /// The index of the current row's queue/category pair (resolved on first sight).
    fn source(&mut self, src: &Source) -> Result<usize, ScenarioError> {
        let queue = self.cols.channel.map_or(Cell::Empty, |k| src.cell(k));
        let category = self.cols.category.map_or(Cell::Empty, |k| src.cell(k));
        self.key.clear();
        for (n, cell) in [queue, category].into_iter().enumerate() {
            if n == 1 {
                self.key.push('\u{1f}');
            }
            match cell {
                Cell::Text(t) => self.key.push_str(t.trim()),
                c if !c.is_empty() => self.key.push_str(&c.shown()),
                _ => {}
            }
        }
        if let Some(s) = self.sources.get(self.key.as_str()) {
            return Ok(s.target);
        }
        let file = self.spec.file.as_str();
        let (channel, cat) = resolve(
            self.spec,
            src,
            file,
            &self.cols,
            &self.headers,
            queue,
            category,
        )?;
        let n = self.grid.n;
        let targets = &mut self.targets;
        let t = *self.target_of.entry((channel, cat)).or_insert_with(|| {
            targets.push(Target {
                channel,
                category: cat,
                volume: vec![0.0; n],
                aht_sum: vec![0.0; n],
                aht_weight: vec![0.0; n],
                has_row: vec![false; n],
            });
            targets.len() - 1
        });
        let minutes = (self.horizon_s / 60) as usize + 1;
        self.sources.insert(
            self.key.clone(),
            SourceKey {
                target: t,
                seen: vec![0; minutes.div_ceil(64)],
                last_off: None,
            },
        );
        Ok(t)
    }

    /// Refuses a second row of the same queue/category and start.
    fn check_duplicate(
        &mut self,
        src: &Source,
        dt: DateTime,
        off: i64,
    ) -> Result<(), ScenarioError> {
        let file = self.spec.file.as_str();
        if off % 60 != 0 {
            let k = self.cols.start.or(self.cols.time).unwrap_or(0);
            return Err(src.error(
                file,
                k,
                self.header(k),
                format!("{dt} is not on a whole minute; interval starts are whole minutes"),
            ));
        }
        let minute = (off / 60) as usize;
        let source = self.sources.get_mut(self.key.as_str()).expect("resolved");
        if source.seen[minute / 64] & (1 << (minute % 64)) == 0 {
            source.seen[minute / 64] |= 1 << (minute % 64);
            return Ok(());
        }
        let (q, c) = self
            .key
            .split_once('\u{1f}')
            .unwrap_or((self.key.as_str(), ""));
        let what = match (q.is_empty(), c.is_empty()) {
            (true, true) => "the channel".to_string(),
            (false, true) => format!("queue \"{q}\""),
            (true, false) => format!("category \"{c}\""),
            (false, false) => format!("queue \"{q}\", category \"{c}\""),
        };
        Err(src.row_error(
            file,
            format!(
                "a second row for {what} starting {dt}; a forecast has one row per queue (and category) and interval"
            ),
        ))
    }

    /// Reads the current row and adds it to its stream.
    fn row(&mut self, src: &Source) -> Result<(), ScenarioError> {
        self.rows += 1;
        let dt = self.row_time(src)?;
        self.span_of_file = Some(match self.span_of_file {
            None => (dt, dt),
            Some((lo, hi)) => (lo.min(dt), hi.max(dt)),
        });
        let off = dt.duration_since(self.grid.start).as_secs();
        if off < 0 || off >= self.horizon_s {
            self.rows_outside += 1;
            return Ok(());
        }
        match self.first {
            None => self.first = Some((off, src.line())),
            Some((o, _)) => {
                let step = gcd(self.step, off - o);
                if step != self.step {
                    self.step_changes.push((step, src.line(), off));
                    self.step = step;
                }
            }
        }
        self.min_off = self.min_off.min(off);
        self.max_off = self.max_off.max(off);
        let target = self.source(src)?;
        self.check_duplicate(src, dt, off)?;
        let source = self.sources.get_mut(self.key.as_str()).expect("resolved");
        if let Some(last) = source.last_off
            && off > last
        {
            *self.gaps.entry(off - last).or_insert(0) += 1;
        }
        source.last_off = Some(off);
        self.add(src, target, off)
    }

    /// Adds the current row's values, starting `off` seconds into the horizon, to its
    /// interval of `target`.
    fn add(&mut self, src: &Source, target: usize, off: i64) -> Result<(), ScenarioError> {
        let j = (off / self.interval_s) as usize;
        let (file, cols, dc) = (self.spec.file.as_str(), &self.cols, self.decimal_comma);
        let header = |k: usize| self.headers.get(k).map_or("", |h| h.as_str());
        let volume = values::volume(src.cell(cols.volume), dc)
            .map_err(|m| src.error(file, cols.volume, header(cols.volume), m))?;
        let duration = |col: Option<usize>| match col {
            None => Ok(None),
            Some(k) => values::handle_time(src.cell(k), self.spec.aht_unit, dc)
                .map_err(|m| src.error(file, k, header(k), m)),
        };
        let aht = duration(cols.aht)?;
        let wrap = duration(cols.wrap)?;
        let handle = aht.map(|a| a + wrap.unwrap_or(0.0));
        if let (Some(0.0), Some(k)) = (handle, cols.aht)
            && volume > 0.0
        {
            return Err(src.error(
                file,
                k,
                header(k),
                format!("a handle time of 0 with {volume} contacts offered; write the interval's AHT, above 0 (leave the cell empty to use the stream's mean)"),
            ));
        }
        let shrinkage = match cols.shrinkage {
            None => None,
            Some(k) => values::shrinkage(src.cell(k), cols.shrink_percent, dc)
                .map_err(|m| src.error(file, k, header(k), m))?,
        };
        let t = &mut self.targets[target];
        if closed::suspect(self.spec, t.channel, off, volume) {
            self.closed_rows.push(ClosedRow {
                channel: t.channel,
                off,
                line: src.line(),
                volume,
            });
        }
        t.volume[j] += volume;
        t.has_row[j] = true;
        if let Some(h) = handle {
            t.aht_sum[j] += volume * h;
            t.aht_weight[j] += volume;
        }
        if let Some(s) = shrinkage {
            let n = self.grid.n;
            let entry = self.shrink[t.channel].get_or_insert_with(|| Shrink {
                sum: vec![0.0; n],
                count: vec![0; n],
            });
            entry.sum[j] += s;
            entry.count[j] += 1;
        }
        Ok(())
    }

    /// A date-time `off` seconds into the horizon, for messages.
    fn shown(&self, off: i64) -> String {
        self.grid
            .start
            .checked_add(jiff::SignedDuration::from_secs(off))
            .map_or_else(|_| "?".into(), |d| d.strftime("%Y-%m-%d %H:%M").to_string())
    }

    /// Checks that the rows cover the horizon and fit its intervals; returns their length
    /// in seconds.
    fn row_length(&self, src: &Source) -> Result<i64, ScenarioError> {
        let file = self.spec.file.as_str();
        let interval_s = self.interval_s;
        let horizon_words = format!(
            "the horizon runs from {} to {}",
            self.shown(0),
            self.shown(self.horizon_s)
        );
        let Some((first_off, first_line)) = self.first else {
            let file_words = match self.span_of_file {
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
        if self.min_off >= day || self.max_off < self.horizon_s - day {
            let which = if self.min_off >= day { "first" } else { "last" };
            return Err(file_error(
                file,
                format!(
                    "the forecast does not cover the horizon: {horizon_words}, the file's rows in it run from {} to {}; its {which} day has no rows",
                    self.shown(self.min_off),
                    self.shown(self.max_off)
                ),
            ));
        }
        self.check_grid(src, first_off)?;
        let step = self.step;
        let row_length = match self.spec.interval.map(|l| l.round() as i64) {
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
        if interval_s % row_length != 0 && row_length % interval_s != 0 {
            return Err(file_error(
                file,
                format!(
                    "the rows are {} long and the scenario's interval is {}: neither is a whole number of the other, so the volumes cannot be added up or split exactly; set [simulation] interval to a length that divides {} or is a whole number of it (and divides a day)",
                    length(row_length),
                    length(interval_s),
                    length(row_length)
                ),
            ));
        }
        if first_off % row_length.min(interval_s) != 0 {
            let message = format!(
                "the row starts at {}, inside an interval of the scenario (they start every {} from {})",
                self.shown(first_off),
                length(interval_s),
                self.shown(0)
            );
            return Err(match src {
                Source::Csv(_) => ScenarioError {
                    file: file.to_string(),
                    position: Some((first_line as usize, 0)),
                    key: None,
                    message,
                },
                Source::Xlsx(_) => {
                    file_error(file, format!("{}: {message}", src.row_name(first_line)))
                }
            });
        }
        Ok(row_length)
    }

    /// Refuses a row off the grid the other rows keep: the commonest gap between a queue's
    /// consecutive rows (or `forecast.interval`) is the rows' length, and every row must
    /// start a whole number of them after the first (a row at 11:30 among hourly rows
    /// would otherwise make every row read as half an hour long).
    fn check_grid(&self, src: &Source, first_off: i64) -> Result<(), ScenarioError> {
        let given = self.spec.interval.map(|l| l.round() as i64);
        let commonest = self
            .gaps
            .iter()
            .max_by_key(|(gap, count)| (**count, std::cmp::Reverse(**gap)))
            .map(|(gap, _)| *gap);
        let Some(grid) = given.or(commonest) else {
            return Ok(());
        };
        if self.step == 0 || self.step % grid == 0 {
            return Ok(());
        }
        let Some(&(_, line, off)) = self.step_changes.iter().find(|(g, _, _)| g % grid != 0) else {
            return Ok(());
        };
        let file = self.spec.file.as_str();
        let how = if given.is_some() {
            "forecast.interval"
        } else {
            "the gap most rows of a queue have"
        };
        let message = format!(
            "the row starts at {}, off the grid of the rows: they are {} long ({how}) and start every {} from {}; fix its start, or give rows of one length",
            self.shown(off),
            length(grid),
            length(grid),
            self.shown(first_off)
        );
        Err(match src {
            Source::Csv(_) => ScenarioError {
                file: file.to_string(),
                position: Some((line as usize, 0)),
                key: None,
                message,
            },
            Source::Xlsx(_) => file_error(file, format!("{}: {message}", src.row_name(line))),
        })
    }

    /// Spreads rows `k` intervals long over their intervals.
    fn split(&mut self, k: usize) {
        let n = self.grid.n;
        for t in &mut self.targets {
            split(t, k);
        }
        for s in self.shrink.iter_mut().flatten() {
            for j in (0..n).rev() {
                if s.count[j] > 0 {
                    for m in 1..k.min(n - j) {
                        s.sum[j + m] = s.sum[j];
                        s.count[j + m] = s.count[j];
                    }
                }
            }
        }
    }

    /// The forecast: each stream's volumes and handle times, each channel's shrinkage.
    fn finish(self, row_length: i64, sheet: Option<String>) -> Forecast {
        let n = self.grid.n;
        let spec = self.spec;
        let empty_intervals = (0..n)
            .filter(|j| self.targets.iter().all(|t| !t.has_row[*j]))
            .count();
        let streams = self
            .targets
            .into_iter()
            .map(|t| {
                let weight: f64 = t.aht_weight.iter().sum();
                let aht = (weight > 0.0).then(|| {
                    let mean = t.aht_sum.iter().sum::<f64>() / weight;
                    (0..n)
                        .map(|j| match t.aht_weight[j] > 0.0 {
                            true => t.aht_sum[j] / t.aht_weight[j],
                            false => mean,
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
        let shrinkage = self
            .shrink
            .into_iter()
            .enumerate()
            .filter_map(|(c, s)| {
                let s = s?;
                let count: u32 = s.count.iter().sum();
                let mean = s.sum.iter().sum::<f64>() / f64::from(count.max(1));
                let shrinkage = (0..n)
                    .map(|j| match s.count[j] > 0 {
                        true => s.sum[j] / f64::from(s.count[j]),
                        false => mean,
                    })
                    .collect();
                Some(ChannelShrinkage {
                    channel: spec.channels[c].clone(),
                    shrinkage,
                })
            })
            .collect();
        Forecast {
            file: spec.file.clone(),
            sheet,
            rows: self.rows,
            rows_outside: self.rows_outside,
            row_length: row_length as f64,
            start: self.grid.start,
            interval: self.grid.interval,
            n_intervals: n,
            empty_intervals,
            closed_intervals: closed::closed_intervals(spec, self.grid),
            streams,
            shrinkage,
        }
    }
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
