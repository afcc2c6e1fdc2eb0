//! Contact logs: CSV files with one row per contact (attempt), as contact-center systems
//! export them. Read row by row (never loaded whole) to replay them through the engine and
//! to fit scenarios; written from a simulation by `ccsim log`.
//!
//! Columns, by header name, in any order: `timestamp` (ISO 8601 date-time, local or with a
//! UTC offset, or seconds from the horizon's start), `channel`, `category` (required);
//! `priority`, `customer_id`, `attempt`, `outcome` (`answered`, `abandoned`, `bot_resolved`,
//! `bot_dropout`), `wait`, `handle_time`, `patience` (optional; times as seconds or
//! durations such as `"4m30s"`). Other columns are ignored and named on stderr.
//!
//! Fields are separated by commas, semicolons or tabs, whichever the header row is written
//! with (European spreadsheets export `;` with decimal commas, which are then read too). A
//! UTF-8 byte-order mark is skipped; `\r\n` and lone `\r` line ends are line ends, and every
//! row is located as an editor counts lines, blank lines included. Date-times with offsets
//! are placed by the instant they denote, so a log across a daylight-saving change stays in
//! order; every reader (`scan`, [`ReplayFeed`], `fit`) places rows by the same rules.

use crate::duration::Duration;
use crate::engine::{AttemptOutcome, ContactFeed, ContactRecord, ReplayedContact};
use crate::limits::{LINE_TOO_LONG, LineLimit, MAX_ROW_BYTES, show_bytes};
use crate::model::Model;
use crate::replay::{ReaderHandle, ReplayContacts, ReplayReader};
pub use crate::replay::{ReplayOrigin, ReplayScan, ReplaySpec};
use crate::scenario::ScenarioError;
use crate::seeds::{Purpose, stream_rng};
use jiff::civil::DateTime;
use jiff::tz::Offset;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::Path;

/// A problem in a contact log, located as an editor counts (line 1 is the header):
/// `FILE:LINE:COL: message`, `FILE:LINE: message` when no column applies, or
/// `FILE: message` for the whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct LogError {
    /// The log as the user named it.
    pub file: String,
    /// 1-based line, where the problem has one.
    pub line: Option<u64>,
    /// 1-based character column in the line, where one applies.
    pub column: Option<usize>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl LogError {
    /// An error of the whole file.
    pub(crate) fn whole_file(file: &str, message: String) -> LogError {
        LogError {
            file: file.to_string(),
            line: None,
            column: None,
            message,
        }
    }

    /// The error of field `column` of `record`, with the column's header name.
    pub(crate) fn at_field(
        file: &str,
        record: &csv::StringRecord,
        columns: &LogColumns,
        e: RowError,
    ) -> LogError {
        let (line, col) = locate(record, e.column);
        LogError {
            file: file.to_string(),
            line: Some(line),
            column: Some(col),
            message: format!("column `{}`: {}", columns.name(e.column), e.message),
        }
    }
}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl From<LogError> for ScenarioError {
    fn from(e: LogError) -> ScenarioError {
        ScenarioError {
            file: e.file,
            position: e.line.map(|line| (line as usize, e.column.unwrap_or(0))),
            key: None,
            message: e.message,
        }
    }
}

/// A timestamp as written: seconds from the start, a local date-time, or a date-time with
/// its UTC offset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Timestamp {
    /// Seconds from the horizon's start.
    Seconds(f64),
    /// A local date and time, without an offset (clock readings, compared as written).
    Local(DateTime),
    /// A clock reading with its UTC offset (`2025-03-30T03:00:00+02:00`, `…Z`): the instant
    /// it denotes is what orders and places it.
    Zoned(DateTime, Offset),
}

/// One row of a log with its names as written.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow<'r> {
    /// When the contact arrived.
    pub timestamp: Timestamp,
    /// Channel name.
    pub channel: &'r str,
    /// Category name.
    pub category: &'r str,
    /// Priority level (0 when absent).
    pub priority: i64,
    /// Customer identifier, if given.
    pub customer: Option<&'r str>,
    /// Attempt number (1 when absent).
    pub attempt: u32,
    /// How it ended, if given.
    pub outcome: Option<AttemptOutcome>,
    /// Seconds waited in the queue, if given.
    pub wait: Option<f64>,
    /// Seconds of handling, if given.
    pub handle_time: Option<f64>,
    /// Seconds of patience, if given.
    pub patience: Option<f64>,
}

/// A row that cannot be read: the 0-based column and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// Column index in the row.
    pub column: usize,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Where each known column is in a log's rows.
#[derive(Clone, Debug, Default)]
pub struct LogColumns {
    pub(crate) timestamp: usize,
    pub(crate) channel: usize,
    pub(crate) category: usize,
    priority: Option<usize>,
    customer: Option<usize>,
    attempt: Option<usize>,
    outcome: Option<usize>,
    wait: Option<usize>,
    handle_time: Option<usize>,
    patience: Option<usize>,
    /// Header names not used.
    pub ignored: Vec<String>,
    names: Vec<String>,
    /// Numbers are written with a decimal comma (`4,5`): a log separated by semicolons or
    /// tabs, as European spreadsheets export it.
    decimal_comma: bool,
    /// The field separator, found from the header row.
    pub delimiter: Delimiter,
}

impl LogColumns {
    /// Finds the columns in a header row; the three required ones must be there.
    pub fn from_header(header: &csv::StringRecord) -> Result<LogColumns, String> {
        let mut cols = LogColumns::default();
        let mut found: HashMap<&str, usize> = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            cols.names.push(name.to_string());
            match name {
                "timestamp" | "channel" | "category" | "priority" | "customer_id" | "attempt"
                | "outcome" | "wait" | "handle_time" | "patience" => {
                    if found.insert(name, i).is_some() {
                        return Err(format!("the header names `{name}` twice"));
                    }
                }
                _ => cols.ignored.push(name.to_string()),
            }
        }
        let required = |name: &str| {
            found.get(name).copied().ok_or_else(|| {
                format!(
                    "the header has no `{name}` column; a contact log needs timestamp, channel \
                     and category (and may have priority, customer_id, attempt, outcome, wait, \
                     handle_time, patience)"
                )
            })
        };
        cols.timestamp = required("timestamp")?;
        cols.channel = required("channel")?;
        cols.category = required("category")?;
        cols.priority = found.get("priority").copied();
        cols.customer = found.get("customer_id").copied();
        cols.attempt = found.get("attempt").copied();
        cols.outcome = found.get("outcome").copied();
        cols.wait = found.get("wait").copied();
        cols.handle_time = found.get("handle_time").copied();
        cols.patience = found.get("patience").copied();
        Ok(cols)
    }

    /// The header name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("?", String::as_str)
    }

    /// A number's text as Rust reads it: `4,5` becomes `4.5` in a log with decimal commas.
    fn number<'v>(&self, v: &'v str) -> Cow<'v, str> {
        if self.decimal_comma && v.contains(',') {
            Cow::Owned(v.replace(',', "."))
        } else {
            Cow::Borrowed(v)
        }
    }

    /// Reads one data row.
    pub fn parse<'r>(&self, record: &'r csv::StringRecord) -> Result<LogRow<'r>, RowError> {
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        let optional = |i: Option<usize>| i.map(field).filter(|v| !v.is_empty());
        let err = |column: usize, message: String| RowError { column, message };
        if record.len() != self.names.len() {
            let missing = record.len() < self.names.len();
            let column = if missing {
                record.len()
            } else {
                self.names.len()
            };
            return Err(err(
                column.min(self.names.len().saturating_sub(1)),
                format!(
                    "the row has {} fields; the header has {}{}",
                    record.len(),
                    self.names.len(),
                    if missing {
                        format!(" (`{}` is missing)", self.name(record.len()))
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        let timestamp = parse_timestamp(&self.number(field(self.timestamp)))
            .map_err(|m| err(self.timestamp, m))?;
        let channel = field(self.channel);
        if channel.is_empty() {
            return Err(err(self.channel, "the channel is empty".into()));
        }
        let category = field(self.category);
        if category.is_empty() {
            return Err(err(self.category, "the category is empty".into()));
        }
        let priority = match optional(self.priority) {
            None => 0,
            Some(v) => v.parse::<i64>().map_err(|_| {
                err(
                    self.priority.unwrap_or(0),
                    format!("priority \"{v}\" is not a whole number"),
                )
            })?,
        };
        let attempt = match optional(self.attempt) {
            None => 1,
            Some(v) => v.parse::<u32>().ok().filter(|a| *a >= 1).ok_or_else(|| {
                err(
                    self.attempt.unwrap_or(0),
                    format!("attempt \"{v}\" is not a whole number from 1"),
                )
            })?,
        };
        let outcome = match optional(self.outcome) {
            None => None,
            Some(v) => Some(parse_outcome(v).ok_or_else(|| {
                err(
                    self.outcome.unwrap_or(0),
                    format!(
                        "outcome \"{v}\" is not one of answered, abandoned, bot_resolved, bot_dropout"
                    ),
                )
            })?),
        };
        let time = |i: Option<usize>, what: &str| -> Result<Option<f64>, RowError> {
            match optional(i) {
                None => Ok(None),
                Some(v) => parse_seconds(&self.number(v))
                    .map(Some)
                    .map_err(|m| err(i.unwrap_or(0), format!("{what}: {m}"))),
            }
        };
        Ok(LogRow {
            timestamp,
            channel,
            category,
            priority,
            customer: optional(self.customer),
            attempt,
            outcome,
            wait: time(self.wait, "wait")?,
            handle_time: time(self.handle_time, "handle_time")?,
            patience: time(self.patience, "patience")?,
        })
    }
}

fn parse_outcome(v: &str) -> Option<AttemptOutcome> {
    Some(match v {
        "answered" => AttemptOutcome::Answered,
        "abandoned" => AttemptOutcome::Abandoned,
        "bot_resolved" => AttemptOutcome::BotResolved,
        "bot_dropout" => AttemptOutcome::BotDropout,
        _ => return None,
    })
}

/// A timestamp: seconds (a number), an ISO 8601 local date-time (`2026-11-11T08:15:00`), or
/// one with its UTC offset (`2025-03-30T03:00:00+02:00`, `2025-03-30T01:00:00Z`), which
/// becomes [`Timestamp::Zoned`]. A time-zone annotation in brackets is read but not used.
pub fn parse_timestamp(v: &str) -> Result<Timestamp, String> {
    if let Ok(s) = v.parse::<f64>() {
        if s.is_finite() {
            return Ok(Timestamp::Seconds(s));
        }
    }
    let bad = || {
        format!(
            "timestamp \"{v}\" is neither seconds nor an ISO 8601 date-time such as 2026-11-11T08:15:00 (or 2026-11-11T08:15:00+01:00 with its UTC offset)"
        )
    };
    let pieces = jiff::fmt::temporal::Pieces::parse(v).map_err(|_| bad())?;
    let time = pieces.time().unwrap_or(jiff::civil::Time::midnight());
    let local = pieces.date().to_datetime(time);
    Ok(match pieces.to_numeric_offset() {
        // Only a date-time the offset places within jiff's range of instants.
        Some(offset) if offset.to_timestamp(local).is_ok() => Timestamp::Zoned(local, offset),
        Some(_) => return Err(bad()),
        None => Timestamp::Local(local),
    })
}

/// An offset as ISO 8601 writes it: `+02:00`, `-05:30`, `+00:00`.
pub fn offset_text(offset: Offset) -> String {
    let s = offset.seconds();
    let (sign, s) = (if s < 0 { '-' } else { '+' }, s.unsigned_abs());
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{sec:02}")
    }
}

/// How a log's date-times are placed on the horizon: the one at time 0 and, for a log whose
/// date-times carry UTC offsets, the offset that one is read at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogClock {
    /// The log's date-time at time 0.
    pub start: DateTime,
    /// The offset of the log's first dated row, when its date-times carry offsets.
    pub offset: Option<Offset>,
}

impl LogClock {
    /// The clock a log gets from its first dated row, `first`, and the date-time placed at
    /// time 0 if one was given (else midnight of that row's day). `None` for seconds.
    pub fn from_first(first: Timestamp, start: Option<DateTime>) -> Option<LogClock> {
        let (local, offset) = match first {
            Timestamp::Seconds(_) => return None,
            Timestamp::Local(t) => (t, None),
            Timestamp::Zoned(t, offset) => (t, Some(offset)),
        };
        Some(LogClock {
            start: start.unwrap_or_else(|| local.date().to_datetime(jiff::civil::Time::midnight())),
            offset,
        })
    }

    /// Seconds from time 0 of a row's timestamp: seconds as written, local date-times by
    /// their clock reading, date-times with offsets by the instant they denote (so that an
    /// hour lost or repeated at a daylight-saving change is not counted twice or skipped).
    ///
    /// Errors: a date-time without an offset in a log whose date-times have one, or the
    /// other way round (the message says which).
    pub fn seconds(clock: Option<LogClock>, t: Timestamp) -> Result<f64, String> {
        match (t, clock) {
            (Timestamp::Seconds(s), _) => Ok(s),
            (_, None) => Ok(f64::NAN),
            (Timestamp::Local(t), Some(c)) => match c.offset {
                None => Ok(t.duration_since(c.start).as_secs_f64()),
                Some(offset) => Err(format!(
                    "the date-time {t} has no UTC offset, while the log's first date-time has one ({}); write every date-time with its offset, or none",
                    offset_text(offset)
                )),
            },
            (Timestamp::Zoned(t, offset), Some(c)) => match c.offset {
                Some(first) => {
                    let (at, zero) = (offset.to_timestamp(t), first.to_timestamp(c.start));
                    match (at, zero) {
                        (Ok(at), Ok(zero)) => Ok(at.duration_since(zero).as_secs_f64()),
                        _ => Err(format!(
                            "the date-time {t}{} is out of range",
                            offset_text(offset)
                        )),
                    }
                }
                None => Err(format!(
                    "the date-time {t} has a UTC offset ({}), while the log's first date-time has none; write every date-time with its offset, or none",
                    offset_text(offset)
                )),
            },
        }
    }
}

/// A time span: seconds (a number, zero or more) or a duration such as `4m30s`.
pub fn parse_seconds(v: &str) -> Result<f64, String> {
    let secs = match v.parse::<f64>() {
        Ok(s) => s,
        Err(_) => v
            .parse::<Duration>()
            .map_err(|_| format!("\"{v}\" is neither seconds nor a duration such as 4m30s"))?
            .secs(),
    };
    if !(secs.is_finite() && secs >= 0.0) {
        return Err(format!("\"{v}\" must be a number of seconds, zero or more"));
    }
    if secs > 30.0 * 86_400.0 {
        return Err(format!(
            "\"{v}\" seconds is more than 30 days; is the unit right?"
        ));
    }
    Ok(secs)
}

/// 1-based line and character column of field `column` of a record (exact for unquoted
/// fields).
pub(crate) fn locate(record: &csv::StringRecord, column: usize) -> (u64, usize) {
    let line = record.position().map_or(0, |p| p.line());
    let col = 1 + record
        .iter()
        .take(column)
        .map(|f| f.chars().count() + 1)
        .sum::<usize>();
    (line, col)
}

/// The bytes under a log's CSV reader: the head (read ahead to find the delimiter) and the
/// rest of the file, with line ends made `\n` and rows of at most [`MAX_ROW_BYTES`], so that
/// a file without line ends (such as `/dev/zero`) is refused instead of read whole.
pub(crate) type LogSource = Tally<LineLimit<std::io::Chain<Cursor<Vec<u8>>, BufReader<File>>>>;

/// A CSV reader of a contact log (see [`open`]).
pub(crate) type CsvReader = csv::Reader<LogSource>;

/// A reader that counts the bytes it hands on and notes the end of its input, so that the
/// first line of a row can be told from the CSV reader's position after it ([`read_row`]).
pub(crate) struct Tally<R> {
    inner: R,
    /// Bytes handed on.
    bytes: u64,
    /// The input has ended.
    ended: bool,
    /// The last byte handed on.
    last: u8,
}

impl<R> Tally<R> {
    fn new(inner: R) -> Tally<R> {
        Tally {
            inner,
            bytes: 0,
            ended: false,
            last: b'\n',
        }
    }
}

impl<R: Read> Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended = true;
        } else if n > 0 {
            self.bytes += n as u64;
            self.last = buf[n - 1];
        }
        Ok(n)
    }
}

/// The field separator of a log, found from its header row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Delimiter {
    /// `,`, the CSV standard.
    #[default]
    Comma,
    /// `;`, as spreadsheets export CSV where the comma is the decimal mark.
    Semicolon,
    /// A tab.
    Tab,
}

impl Delimiter {
    const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// The separator in words, plural: "commas", "semicolons", "tabs".
    pub fn words(self) -> &'static str {
        match self {
            Delimiter::Comma => "commas",
            Delimiter::Semicolon => "semicolons",
            Delimiter::Tab => "tabs",
        }
    }

    /// The separator of the header row in `head` (the file's first bytes): the one that
    /// splits it into the required columns, else into the most known column names, else
    /// into the most fields; commas on a tie.
    fn of_header(head: &[u8]) -> Delimiter {
        let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let line = text
            .split(|b| *b == b'\n' || *b == b'\r')
            .find(|l| !l.iter().all(u8::is_ascii_whitespace))
            .unwrap_or(&[]);
        let score = |d: Delimiter| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(d.byte())
                .from_reader(line);
            let mut record = csv::ByteRecord::new();
            if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
                return (0, 0, 0);
            }
            let names: Vec<&[u8]> = record.iter().map(<[u8]>::trim_ascii).collect();
            let has = |n: &[u8]| names.contains(&n);
            let required = [b"timestamp".as_slice(), b"channel", b"category"]
                .iter()
                .filter(|n| has(n))
                .count();
            let known = KNOWN_COLUMNS.iter().filter(|n| has(n.as_bytes())).count();
            (required, known, names.len())
        };
        let mut best = (Delimiter::Comma, score(Delimiter::Comma));
        for d in &Delimiter::ALL[1..] {
            let s = score(*d);
            if s > best.1 {
                best = (*d, s);
            }
        }
        best.0
    }
}

/// The columns ccsim reads, by header name.
const KNOWN_COLUMNS: [&str; 10] = [
    "timestamp",
    "channel",
    "category",
    "priority",
    "customer_id",
    "attempt",
    "outcome",
    "wait",
    "handle_time",
    "patience",
];

/// The first bytes of a file, through its first line that is not blank (at most one row's
/// limit and a byte more: a file without line ends is refused by the CSV reader after).
fn read_head(file: &mut BufReader<File>) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    loop {
        let start = head.len();
        let room = (MAX_ROW_BYTES + 1).saturating_sub(start) as u64;
        let n = file.by_ref().take(room).read_until(b'\n', &mut head)?;
        let line = &head[start..];
        let line = if start == 0 {
            line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
        } else {
            line
        };
        if n == 0 || head.len() > MAX_ROW_BYTES || !line.iter().all(u8::is_ascii_whitespace) {
            return Ok(head);
        }
    }
}

/// Reads the next row of a log into `record`, placed at its first line as an editor counts
/// lines (the csv crate places a row that follows blank lines at the first of them).
pub(crate) fn read_row(
    reader: &mut CsvReader,
    record: &mut csv::StringRecord,
) -> csv::Result<bool> {
    if !reader.read_record(record)? {
        return Ok(false);
    }
    let inside: usize = record.iter().map(|f| f.matches('\n').count()).sum();
    let line = first_line(reader, inside as u64);
    if let Some(mut position) = record.position().cloned() {
        position.set_line(line);
        record.set_position(Some(position));
    }
    Ok(true)
}

/// The first line of the row the reader has just read, from its position after the row
/// and the line breaks inside the row's quoted fields.
fn first_line(reader: &CsvReader, inside: u64) -> u64 {
    let after = reader.position();
    let source = reader.get_ref();
    // The row's own line end was read, unless the file ended with the row.
    let ended_with_row = source.ended && after.byte() == source.bytes && source.last != b'\n';
    let own_end = !ended_with_row as u64;
    after.line().saturating_sub(inside + own_end).max(1)
}

/// Opens a log and reads its header; errors name the file and, where they have one, the
/// line. The delimiter is the header's (commas, semicolons or tabs); a log separated by
/// semicolons or tabs may write decimal commas.
pub(crate) fn open(path: &Path) -> Result<(CsvReader, LogColumns), LogError> {
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| {
        LogError::whole_file(&name, format!("cannot read the contact log: {e}"))
    };
    let file = File::open(path).map_err(cannot)?;
    let mut rest = BufReader::with_capacity(1 << 16, file);
    let head = read_head(&mut rest).map_err(cannot)?;
    let delimiter = Delimiter::of_header(&head);
    let source = Tally::new(LineLimit::new(Cursor::new(head).chain(rest), MAX_ROW_BYTES));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter.byte())
        .from_reader(source);
    let header = match reader.headers().cloned() {
        Ok(header) => header,
        Err(e) => {
            let mut error = csv_error(&name, &reader, &e, None);
            error.message = format!(
                "{}; a contact log starts with a header row such as timestamp,channel,category",
                error.message
            );
            return Err(error);
        }
    };
    let header_line = first_line(
        &reader,
        header.iter().map(|f| f.matches('\n').count() as u64).sum(),
    );
    if header.iter().all(|h| h.trim().is_empty()) {
        let found = if reader.get_ref().bytes == 0 {
            "the file is empty".to_string()
        } else if header.is_empty() {
            "the file has only blank lines".to_string()
        } else {
            format!("line {header_line}, the first that is not blank, has no column names")
        };
        return Err(LogError::whole_file(
            &name,
            format!(
                "{found}: a contact log starts with a header row such as timestamp,channel,category"
            ),
        ));
    }
    let mut columns = LogColumns::from_header(&header).map_err(|m| {
        let names: Vec<&str> = header.iter().collect();
        let reads = match (delimiter, names.len()) {
            (Delimiter::Comma, 1) => format!(
                "the header reads: {}, one name: no comma, semicolon or tab separates names, \
                 and ccsim reads logs separated by one of these",
                names[0]
            ),
            (Delimiter::Comma, _) => format!("the header reads: {}", names.join(",")),
            (Delimiter::Semicolon, _) => format!(
                "the header, separated by semicolons, reads: {}",
                names.join(";")
            ),
            (Delimiter::Tab, _) => format!(
                "the header, separated by tabs, has the names {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        LogError {
            file: name.clone(),
            line: Some(header_line),
            column: None,
            message: format!("{m} ({reads})"),
        }
    })?;
    columns.delimiter = delimiter;
    columns.decimal_comma = delimiter != Delimiter::Comma;
    Ok((reader, columns))
}

/// A CSV reading error of `reader` (reading the file `file`) in words, located, with what
/// to do about it; `columns` names the column of a field that is not UTF-8.
pub(crate) fn csv_error(
    file: &str,
    reader: &CsvReader,
    e: &csv::Error,
    columns: Option<&LogColumns>,
) -> LogError {
    let at = |line: Option<u64>, message: String| LogError {
        file: file.to_string(),
        line,
        column: None,
        message,
    };
    match e.kind() {
        csv::ErrorKind::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                && io.to_string().starts_with(LINE_TOO_LONG) =>
        {
            at(
                Some(reader.get_ref().inner.line()),
                format!(
                    "the row is longer than {}, the most ccsim reads in one row (is this a CSV file with line ends?)",
                    show_bytes(MAX_ROW_BYTES as u64)
                ),
            )
        }
        csv::ErrorKind::Io(io) => at(None, format!("cannot read it: {io}")),
        csv::ErrorKind::Utf8 { err, .. } => {
            let field = match columns {
                Some(c) => format!("column `{}`", c.name(err.field())),
                None => format!("field {}", err.field() + 1),
            };
            // The row was read whole: its line from the reader's place after it (exact
            // unless a quoted field of the row holds a line break).
            at(
                Some(first_line(reader, 0)),
                format!("{field} is not UTF-8 text; save the log as UTF-8"),
            )
        }
        _ => at(e.position().map(|p| p.line()), e.to_string()),
    }
}

/// How rows of one log map onto a model: names to contact types, priorities to classes.
/// Names are few, so they are found by a linear scan (cheaper than hashing a string).
struct Placement<'m> {
    model: &'m Model,
    channels: Vec<&'m str>,
    categories: Vec<&'m str>,
    /// `channel * n_categories + category` → contact type served by someone, or `u32::MAX`.
    types: Vec<u32>,
}

impl<'m> Placement<'m> {
    fn new(model: &'m Model) -> Placement<'m> {
        let n_cat = model.categories.len();
        let mut types = vec![u32::MAX; model.channels.len() * n_cat];
        for (i, t) in model.contact_types.iter().enumerate() {
            if !t.groups.is_empty() {
                types[t.channel as usize * n_cat + t.category as usize] = i as u32;
            }
        }
        Placement {
            model,
            channels: model.channels.iter().map(|c| c.name.as_str()).collect(),
            categories: model.categories.iter().map(String::as_str).collect(),
            types,
        }
    }

    /// The contact type of a row, or what is wrong.
    fn contact_type(&self, row: &LogRow, columns: &LogColumns) -> Result<u32, RowError> {
        let ch = self
            .channels
            .iter()
            .position(|c| *c == row.channel)
            .ok_or_else(|| RowError {
                column: columns.channel,
                message: format!(
                    "there is no channel \"{}\" in the scenario; its channels are {}",
                    row.channel,
                    self.model
                        .channels
                        .iter()
                        .map(|c| format!("\"{}\"", c.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let cat = self
            .categories
            .iter()
            .position(|c| *c == row.category)
            .ok_or_else(|| RowError {
                column: columns.category,
                message: format!(
                    "there is no category \"{}\" in the scenario; its categories are {}",
                    row.category,
                    self.model
                        .categories
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let t = self.types[ch * self.categories.len() + cat];
        (t != u32::MAX).then_some(t).ok_or_else(|| RowError {
            column: columns.category,
            message: format!(
                "nobody handles {}/{} in the scenario: add it to the handles of a [[group]]",
                row.channel, row.category
            ),
        })
    }
}

/// Reads every replay log of `model` once: checks each row (stopping at the first bad one
/// unless bad rows are skipped), adds the priority levels the logs use, and records what
/// it found in each spec's `scan`.
pub fn scan(model: &mut Model) -> Result<(), ScenarioError> {
    let mut levels = model.priority_levels.clone();
    for r in 0..model.replays.len() {
        let spec = model.replays[r].clone();
        let found = scan_one(model, &spec, &mut levels).map_err(|e| placed(&spec, e))?;
        model.replays[r].scan = Some(found);
    }
    levels.sort_unstable_by(|a, b| b.cmp(a));
    if levels.is_empty() {
        levels.push(0);
    }
    if levels.len() > 16 {
        let spec = &model.replays[model.replays.len() - 1];
        return Err(placed(
            spec,
            LogError::whole_file(
                &spec.path.display().to_string(),
                "the logs and the scenario use more than 16 priority levels".into(),
            ),
        ));
    }
    if levels != model.priority_levels {
        let old = model.priority_levels.clone();
        for s in &mut model.streams {
            let p = old[s.class as usize];
            s.class = levels.iter().position(|l| *l == p).expect("kept") as u8;
        }
        model.priority_levels = levels;
    }
    Ok(())
}

/// An error in a replayed log, placed where the scenario names the log when it does:
/// `scenario.toml:12:8: key `replay[0].file`: last_week.csv:4:21: column `wait`: …`.
fn placed(spec: &ReplaySpec, e: LogError) -> ScenarioError {
    match &spec.origin {
        Some(origin) => ScenarioError {
            file: origin.file.clone(),
            position: origin.position,
            key: Some(origin.key.clone()),
            message: e.to_string(),
        },
        None => e.into(),
    }
}

/// Reads one log through, adding its priority levels to `levels`.
fn scan_one(
    model: &Model,
    spec: &ReplaySpec,
    levels: &mut Vec<i64>,
) -> Result<ReplayScan, LogError> {
    let file = spec.path.display().to_string();
    let whole_file = |message: String| LogError::whole_file(&file, message);
    let (mut reader, columns) = open(&spec.path)?;
    let placement = Placement::new(model);
    let mut found = ReplayScan {
        ignored_columns: columns.ignored.clone(),
        log_start: spec.log_start.or(model.start),
        reader: Some(ReaderHandle(std::sync::Arc::new(CsvReplayReader))),
        ..ReplayScan::default()
    };
    let mut record = csv::StringRecord::new();
    let mut last = f64::NEG_INFINITY;
    // The first and last timestamps, as written, for the message below.
    let (mut first_seen, mut last_seen) = (None::<String>, None::<String>);
    // Set by the first dated row: the log's first day starts the horizon unless a start
    // was given, and its offset (if it has one) is the one every date-time needs.
    let mut clock: Option<LogClock> = None;
    loop {
        match read_row(&mut reader, &mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&file, &reader, &e, Some(&columns))),
        }
        found.rows += 1;
        if let Some(ts) = record.get(columns.timestamp) {
            if first_seen.is_none() {
                first_seen = Some(ts.trim().to_string());
            }
            last_seen = Some(ts.trim().to_string());
        }
        let checked = columns.parse(&record).and_then(|row| {
            placement.contact_type(&row, &columns)?;
            if clock.is_none() {
                clock = LogClock::from_first(row.timestamp, found.log_start);
            }
            let time = LogClock::seconds(clock, row.timestamp).map_err(|message| RowError {
                column: columns.timestamp,
                message,
            })? + spec.time_shift;
            if time < last {
                return Err(RowError {
                    column: columns.timestamp,
                    message: "the row is earlier than the one before: sort the log by timestamp"
                        .into(),
                });
            }
            Ok((row.priority, time, row.handle_time.is_some(), row.attempt))
        });
        match checked {
            Ok((priority, time, has_handle, attempt)) => {
                last = time;
                if time < 0.0 || time >= model.horizon {
                    found.outside += 1;
                    continue;
                }
                if attempt > 1 && !spec.replay_returns {
                    found.returns += 1;
                    continue;
                }
                found.replayed += 1;
                found.with_handle_time += has_handle as u64;
                if !levels.contains(&priority) {
                    levels.push(priority);
                }
            }
            Err(e) => {
                let error = LogError::at_field(&file, &record, &columns, e);
                if !spec.skip_bad_rows {
                    return Err(LogError {
                        message: format!(
                            "{} (or skip such rows with --skip-bad-rows)",
                            error.message
                        ),
                        ..error
                    });
                }
                let text = error.to_string();
                found.bad += 1;
                if found.first_bad.len() < 5 {
                    found.first_bad.push(text);
                }
            }
        }
    }
    if let Some(c) = clock {
        found.log_start = Some(c.start);
        found.log_offset = c.offset;
    }
    if found.rows == 0 {
        return Err(whole_file(
            "the log has a header but no rows: there is nothing to replay".into(),
        ));
    }
    if found.replayed == 0 && found.returns == 0 && found.outside > 0 {
        let offset = found.log_offset.map_or(String::new(), offset_text);
        let start = found
            .log_start
            .map_or("time 0".to_string(), |d| format!("{d}{offset}"));
        return Err(whole_file(format!(
            "none of its {} rows falls in the horizon: the log runs from {} to {}, and the \
             horizon takes {} from {start}{}; set log_start in [[replay]] (or --log-start) \
             to the log's date-time that should be time 0",
            found.rows,
            first_seen.unwrap_or_default(),
            last_seen.unwrap_or_default(),
            crate::duration::Duration::from_secs(model.horizon),
            if spec.time_shift != 0.0 {
                format!(
                    " (after a time_shift of {})",
                    crate::duration::Duration::from_secs(spec.time_shift)
                )
            } else {
                String::new()
            }
        )));
    }
    Ok(found)
}

/// The core's door to contact logs ([`ReplayReader`]): a replication opens each replayed
/// log as a [`ReplayFeed`]. Installed in every [`ReplayScan`] by [`scan`].
#[derive(Clone, Copy, Debug, Default)]
pub struct CsvReplayReader;

impl ReplayReader for CsvReplayReader {
    fn open<'m>(
        &self,
        model: &'m Model,
        replay: usize,
        seed: u64,
        replication: u32,
    ) -> Result<Box<dyn ReplayContacts + 'm>, String> {
        Ok(Box::new(ReplayFeed::open(
            model,
            replay,
            seed,
            replication,
        )?))
    }
}

impl ReplayContacts for ReplayFeed<'_> {
    fn take_error(&mut self) -> Option<String> {
        self.error.take()
    }
}

/// One replication's reading of a replay log: rows become contacts in time order, thinned,
/// copied or resampled as the spec says.
pub struct ReplayFeed<'m> {
    placement: Placement<'m>,
    reader: CsvReader,
    file: String,
    columns: LogColumns,
    record: csv::StringRecord,
    spec: &'m ReplaySpec,
    clock: Option<LogClock>,
    rng: Xoshiro256PlusPlus,
    last: f64,
    /// Copies of `current` still to hand out.
    copies: u32,
    current: Option<ReplayedContact>,
    /// A read error that ended the feed early.
    pub error: Option<String>,
}

impl<'m> ReplayFeed<'m> {
    /// Opens replay `r` of `model` for replication `replication`.
    pub fn open(
        model: &'m Model,
        r: usize,
        seed: u64,
        replication: u32,
    ) -> Result<ReplayFeed<'m>, String> {
        let spec = &model.replays[r];
        let (reader, columns) = open(&spec.path).map_err(|e| e.to_string())?;
        let clock = spec.scan.as_ref().and_then(|s| {
            s.log_start.map(|start| LogClock {
                start,
                offset: s.log_offset,
            })
        });
        let stream = (model.streams.len() + r) as u32;
        Ok(ReplayFeed {
            placement: Placement::new(model),
            reader,
            file: spec.path.display().to_string(),
            columns,
            record: csv::StringRecord::new(),
            spec,
            clock,
            rng: stream_rng(seed, replication, stream, Purpose::ReplayCopies),
            last: f64::NEG_INFINITY,
            copies: 0,
            current: None,
            error: None,
        })
    }

    /// How many times a row is replayed this replication.
    fn draw_copies(&mut self) -> u32 {
        let base = if self.spec.bootstrap {
            // Poisson(1) by inversion.
            let u: f64 = self.rng.random();
            let (mut k, mut p, mut cdf) = (0u32, (-1.0f64).exp(), (-1.0f64).exp());
            while u > cdf && k < 20 {
                k += 1;
                p /= k as f64;
                cdf += p;
            }
            k
        } else {
            1
        };
        let scale = self.spec.volume_scale;
        if scale == 1.0 {
            return base;
        }
        let whole = scale.floor();
        let frac = scale - whole;
        (0..base)
            .map(|_| whole as u32 + (self.rng.random::<f64>() < frac) as u32)
            .sum()
    }
}

impl ContactFeed for ReplayFeed<'_> {
    fn next_contact(&mut self) -> Option<ReplayedContact> {
        loop {
            if self.copies > 0 {
                self.copies -= 1;
                return self.current;
            }
            // Rows are not located here (the scan reported them), so the plain reader.
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let error = csv_error(&self.file, &self.reader, &e, Some(&self.columns));
                    self.error = Some(error.to_string());
                    return None;
                }
            }
            // The scan accepted or skipped each row the same way.
            let Ok(row) = self.columns.parse(&self.record) else {
                continue;
            };
            let Ok(contact_type) = self.placement.contact_type(&row, &self.columns) else {
                continue;
            };
            let Ok(time) = LogClock::seconds(self.clock, row.timestamp) else {
                continue;
            };
            let time = time + self.spec.time_shift;
            if time < self.last {
                continue;
            }
            self.last = time;
            if time < 0.0 {
                continue;
            }
            if time >= self.placement.model.horizon {
                return None;
            }
            if row.attempt > 1 && !self.spec.replay_returns {
                continue;
            }
            let class = self
                .placement
                .model
                .priority_levels
                .iter()
                .position(|l| *l == row.priority)
                .unwrap_or(0) as u8;
            self.current = Some(ReplayedContact {
                time,
                contact_type,
                class,
                handle_time: row.handle_time,
                // An abandoned row's wait is its patience; an answered row's wait is a
                // lower bound on it.
                patience: row.patience.or(match row.outcome {
                    Some(AttemptOutcome::Abandoned) => row.wait,
                    _ => None,
                }),
                waited_at_least: match row.outcome {
                    Some(AttemptOutcome::Answered) => row.wait.unwrap_or(0.0),
                    _ => 0.0,
                },
            });
            self.copies = self.draw_copies();
        }
    }
}

/// Writes the attempts of one replication as a contact log (sorted by arrival).
pub fn write_log(
    model: &Model,
    records: &mut [ContactRecord],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    records.sort_by(|a, b| a.arrived.total_cmp(&b.arrived));
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "timestamp",
        "channel",
        "category",
        "priority",
        "customer_id",
        "attempt",
        "outcome",
        "wait",
        "handle_time",
    ])?;
    for r in records.iter() {
        let t = &model.contact_types[r.contact_type as usize];
        let timestamp = match model.start {
            Some(start) => {
                let at = start
                    .checked_add(jiff::SignedDuration::from_secs_f64(r.arrived))
                    .map_err(std::io::Error::other)?;
                at.strftime("%Y-%m-%dT%H:%M:%S%.3f").to_string()
            }
            None => format!("{:.3}", r.arrived),
        };
        let seconds = |x: f64| {
            if x.is_nan() {
                String::new()
            } else {
                format!("{x:.3}")
            }
        };
        w.write_record([
            timestamp,
            model.channels[t.channel as usize].name.clone(),
            model.categories[t.category as usize].clone(),
            model.priority_levels[r.class as usize].to_string(),
            format!("{:016x}", r.customer),
            r.attempt.to_string(),
            r.outcome.as_str().to_string(),
            seconds(r.wait),
            seconds(r.handle_time),
        ])?;
    }
    w.flush()
}
