//! Columns and fields of a contact log: the header row mapped to columns, the field
//! separator found from it, decimal commas, and each data row read into a [`LogRow`] with
//! its timestamp and durations. Invariants: the three required columns are always present
//! in a [`LogColumns`]; a row is refused with the 0-based column to blame, never guessed.

use crate::duration::Duration;
use crate::engine::AttemptOutcome;
use crate::replay::ReplayFormat;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use std::borrow::Cow;
use std::collections::HashMap;

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
    pub(super) decimal_comma: bool,
    /// The field separator, found from the header row.
    pub delimiter: Delimiter,
    /// The strftime-style format of the date-times, when mapped.
    datetime_format: Option<String>,
    /// Outcome words (lower case) → outcomes: the mapped ones, then the usual words.
    outcome_words: Vec<(String, AttemptOutcome)>,
    /// Seconds within which a customer's next contact is a return, when returns are
    /// recognised by customer id (the log has customer ids and no `attempt` column).
    pub return_window: Option<f64>,
}

impl LogColumns {
    /// Finds the columns in a header row, as ccsim names them; the three required ones
    /// must be there.
    pub fn from_header(header: &csv::StringRecord) -> Result<LogColumns, String> {
        LogColumns::from_header_with(header, &ReplayFormat::default())
    }

    /// Finds the columns in a header row through `format`: a mapped column by its header
    /// (without case), else ccsim's own name, else the usual spellings of ACD exports
    /// ([`ALIASES`], without case, spaces or underscores; the first listed wins). The
    /// three required ones must be there.
    pub fn from_header_with(
        header: &csv::StringRecord,
        format: &ReplayFormat,
    ) -> Result<LogColumns, String> {
        let mut cols = LogColumns::default();
        let names: Vec<String> = header.iter().map(|n| n.trim().to_string()).collect();
        let mut found: HashMap<&str, usize> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            if KNOWN_COLUMNS.contains(&name.as_str()) && found.insert(name.as_str(), i).is_some() {
                return Err(format!("the header names `{name}` twice"));
            }
        }
        for (field, aliases) in ALIASES {
            let mapped = format
                .columns
                .iter()
                .find(|(f, _)| field_of(f) == Some(field));
            if let Some((f, h)) = mapped {
                let at = names.iter().position(|n| n.eq_ignore_ascii_case(h.trim()));
                match at {
                    Some(i) => {
                        found.insert(field, i);
                    }
                    None => {
                        return Err(format!(
                            "the column `{h}` mapped to {f} is not in the header; its columns are {}",
                            names
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
                continue;
            }
            if found.contains_key(field) {
                continue;
            }
            let used: Vec<usize> = found.values().copied().collect();
            let hit = aliases.iter().find_map(|a| {
                names
                    .iter()
                    .enumerate()
                    .position(|(i, n)| !used.contains(&i) && squash(n) == *a)
            });
            if let Some(i) = hit {
                found.insert(field, i);
            }
        }
        let used: Vec<usize> = found.values().copied().collect();
        cols.names = names.clone();
        cols.ignored = names
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, n)| n.clone())
            .collect();
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
        cols.datetime_format = format.datetime_format.clone();
        cols.outcome_words = outcome_words(format)?;
        if cols.customer.is_some() && cols.attempt.is_none() {
            cols.return_window = Some(format.return_window);
        }
        Ok(cols)
    }

    /// The 0-based column of the outcomes, if the log has one.
    pub fn outcome_column(&self) -> Option<usize> {
        self.outcome
    }

    /// The log has a customer id column.
    pub fn has_customer(&self) -> bool {
        self.customer.is_some()
    }

    /// The log has an `attempt` column.
    pub fn has_attempt(&self) -> bool {
        self.attempt.is_some()
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

    /// A row with as many fields as the header, or the error at the first missing or
    /// extra field.
    fn check_length(&self, record: &csv::StringRecord) -> Result<(), RowError> {
        if record.len() == self.names.len() {
            return Ok(());
        }
        let missing = record.len() < self.names.len();
        let column = if missing {
            record.len()
        } else {
            self.names.len()
        };
        Err(RowError {
            column: column.min(self.names.len().saturating_sub(1)),
            message: format!(
                "the row has {} fields; the header has {}{}",
                record.len(),
                self.names.len(),
                if missing {
                    format!(" (`{}` is missing)", self.name(record.len()))
                } else {
                    String::new()
                }
            ),
        })
    }

    /// Reads one data row.
    pub fn parse<'r>(&self, record: &'r csv::StringRecord) -> Result<LogRow<'r>, RowError> {
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        let optional = |i: Option<usize>| i.map(field).filter(|v| !v.is_empty());
        let err = |column: usize, message: String| RowError { column, message };
        self.check_length(record)?;
        let timestamp = match &self.datetime_format {
            Some(f) => parse_formatted(field(self.timestamp), f),
            None => parse_timestamp(&self.number(field(self.timestamp))).map_err(|m| {
                let v = field(self.timestamp);
                if v.contains('/') || v.matches('.').count() >= 2 {
                    format!(
                        "{m}; give the log's format with datetime_format in [[replay]] or --datetime-format to ccsim fit (day-first for 03/03/2025 08:00:00, or strftime fields such as %d.%m.%Y %H:%M)"
                    )
                } else {
                    m
                }
            }),
        }
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
            Some(v) => Some(self.outcome_of(v).ok_or_else(|| {
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

impl LogColumns {
    /// The word is read as an outcome.
    pub fn reads_outcome(&self, v: &str) -> bool {
        self.outcome_of(v).is_some()
    }

    /// The outcome of a word: ccsim's own, a mapped word or a usual one (without case).
    fn outcome_of(&self, v: &str) -> Option<AttemptOutcome> {
        parse_outcome(v)
            .or_else(|| {
                OUTCOME_NAMES
                    .iter()
                    .find(|(w, _)| w.eq_ignore_ascii_case(v))
                    .map(|(_, o)| *o)
            })
            .or_else(|| {
                self.outcome_words
                    .iter()
                    .find(|(w, _)| w.eq_ignore_ascii_case(v))
                    .map(|(_, o)| *o)
            })
    }
}

/// ccsim's outcome names, with their outcomes.
const OUTCOME_NAMES: [(&str, AttemptOutcome); 4] = [
    ("answered", AttemptOutcome::Answered),
    ("abandoned", AttemptOutcome::Abandoned),
    ("bot_resolved", AttemptOutcome::BotResolved),
    ("bot_dropout", AttemptOutcome::BotDropout),
];

/// ccsim's outcome names.
pub fn parse_outcome(v: &str) -> Option<AttemptOutcome> {
    Some(match v {
        "answered" => AttemptOutcome::Answered,
        "abandoned" => AttemptOutcome::Abandoned,
        "bot_resolved" => AttemptOutcome::BotResolved,
        "bot_dropout" => AttemptOutcome::BotDropout,
        _ => return None,
    })
}

/// The outcome words of a log: the mapped ones (checked), then the usual ACD words.
fn outcome_words(format: &ReplayFormat) -> Result<Vec<(String, AttemptOutcome)>, String> {
    let mut words = Vec::new();
    for (w, o) in &format.outcomes {
        let outcome = parse_outcome(o).ok_or_else(|| {
            format!(
                "the outcome word `{w}` is mapped to \"{o}\"; map it to one of answered, abandoned, bot_resolved, bot_dropout"
            )
        })?;
        words.push((w.trim().to_string(), outcome));
    }
    for (w, o) in USUAL_OUTCOMES {
        words.push((w.to_string(), o));
    }
    Ok(words)
}

/// Outcome words ACD exports use, read without mapping (without case).
pub const USUAL_OUTCOMES: [(&str, AttemptOutcome); 12] = [
    ("handled", AttemptOutcome::Answered),
    ("answer", AttemptOutcome::Answered),
    ("completed", AttemptOutcome::Answered),
    ("connected", AttemptOutcome::Answered),
    ("transferred", AttemptOutcome::Answered),
    ("abandon", AttemptOutcome::Abandoned),
    ("abandoned in queue", AttemptOutcome::Abandoned),
    ("abandoned_in_queue", AttemptOutcome::Abandoned),
    ("self-service", AttemptOutcome::BotResolved),
    ("self service", AttemptOutcome::BotResolved),
    ("ivr_resolved", AttemptOutcome::BotResolved),
    ("ivr_abandoned", AttemptOutcome::BotDropout),
];

/// A ccsim column name (`timestamp`, …, or `arrival`, `customer`, `handle` for short) as
/// written in a mapping.
pub fn field_of(name: &str) -> Option<&'static str> {
    let n = name.trim().to_ascii_lowercase();
    let n = match n.as_str() {
        "arrival" | "start" | "time" => "timestamp",
        "customer" | "customerid" => "customer_id",
        "handle" | "aht" => "handle_time",
        other => other,
    };
    KNOWN_COLUMNS.iter().copied().find(|k| *k == n)
}

/// A header name as the usual spellings are compared: lower case, without spaces,
/// underscores, hyphens or dots.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The usual spellings of each column in ACD exports, squashed (see [`squash`]), the
/// preferred first.
pub const ALIASES: [(&str, &[&str]); 10] = [
    (
        "timestamp",
        &[
            "timestamp",
            "starttime",
            "callstart",
            "callstarttime",
            "start",
            "startdatetime",
            "arrival",
            "arrivaltime",
            "contactstart",
            "datetime",
            "calltime",
            "offeredtime",
        ],
    ),
    (
        "channel",
        &[
            "channel",
            "queue",
            "queuename",
            "mediatype",
            "media",
            "channeltype",
            "medium",
        ],
    ),
    (
        "category",
        &[
            "category",
            "skill",
            "skillname",
            "calltype",
            "contactreason",
            "reason",
            "service",
        ],
    ),
    ("priority", &["priority"]),
    (
        "customer_id",
        &[
            "customerid",
            "customer",
            "ani",
            "callerid",
            "callernumber",
            "customernumber",
            "phonenumber",
        ],
    ),
    ("attempt", &["attempt", "attemptnumber"]),
    (
        "outcome",
        &[
            "outcome",
            "disposition",
            "result",
            "callresult",
            "status",
            "callstatus",
        ],
    ),
    (
        "wait",
        &[
            "wait",
            "waittime",
            "queuetime",
            "timeinqueue",
            "queuewait",
            "queueduration",
        ],
    ),
    (
        "handle_time",
        &[
            "handletime",
            "handlingtime",
            "talktime",
            "aht",
            "talkduration",
        ],
    ),
    ("patience", &["patience"]),
];

/// A date-time written in `format` (strftime-style, e.g. `%d/%m/%Y %H:%M:%S`), local.
pub fn parse_formatted(v: &str, format: &str) -> Result<Timestamp, String> {
    DateTime::strptime(format, v)
        .map(Timestamp::Local)
        .map_err(|_| format!("timestamp \"{v}\" does not match the datetime_format \"{format}\""))
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

/// A time span: seconds (a number, zero or more) or a duration such as `4m30s`.
pub fn parse_seconds(v: &str) -> Result<f64, String> {
    let secs = match v.parse::<f64>() {
        Ok(s) => s,
        Err(_) if v.contains(':') => clock_seconds(v).ok_or_else(|| {
            format!("\"{v}\" is not a duration such as 00:05:12 (hh:mm:ss) or 05:12 (mm:ss)")
        })?,
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

/// Seconds of `hh:mm:ss` or `mm:ss` (seconds may have decimals), as ACD exports write
/// durations.
fn clock_seconds(v: &str) -> Option<f64> {
    let parts: Vec<&str> = v.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut secs = 0.0;
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let x: f64 = if last {
            p.trim().parse().ok()?
        } else {
            p.trim().parse::<u32>().ok()? as f64
        };
        if !x.is_finite() || x < 0.0 || (i > 0 && x >= 60.0) {
            return None;
        }
        secs = secs * 60.0 + x;
    }
    Some(secs)
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

    /// The separator a mapping names: `,`, `;`, a tab (`\t` or `tab`), or their names.
    pub fn from_text(v: &str) -> Option<Delimiter> {
        match v {
            "," | "comma" => Some(Delimiter::Comma),
            ";" | "semicolon" => Some(Delimiter::Semicolon),
            "\t" | "\\t" | "tab" => Some(Delimiter::Tab),
            _ => None,
        }
    }

    pub(super) fn byte(self) -> u8 {
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
    pub(super) fn of_header(head: &[u8]) -> Delimiter {
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
            let squashed: Vec<String> = names
                .iter()
                .map(|n| squash(&String::from_utf8_lossy(n)))
                .collect();
            let has = |n: &[u8]| {
                names.contains(&n)
                    || ALIASES
                        .iter()
                        .find(|(f, _)| f.as_bytes() == n)
                        .is_some_and(|(_, a)| squashed.iter().any(|s| a.contains(&s.as_str())))
            };
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
