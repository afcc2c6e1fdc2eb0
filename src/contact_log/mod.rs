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
//!
//! Its parts, by job: `columns` (header → columns, delimiters, decimal commas, rows,
//! timestamps and durations), `clock` (rows placed on the horizon), `reader` (opening a log
//! and reading located rows), `placement` (names → contact types), `scan` (the load-time
//! pass), `feed` (a replication's replay), `write` (`ccsim log`) and `sort` (its rows sorted
//! by arrival on disk, in bounded memory).

mod clock;
mod columns;
mod feed;
mod format;
mod placement;
mod reader;
mod scan;
mod sort;
mod write;

pub use crate::replay::ReplayFormat;
pub use crate::replay::{ReplayOrigin, ReplayScan, ReplaySpec};
pub use clock::{LogClock, offset_text};
pub use columns::{
    ALIASES, Delimiter, LogColumns, LogRow, RowError, Timestamp, USUAL_OUTCOMES, field_of,
    parse_formatted, parse_outcome, parse_seconds, parse_timestamp,
};
pub use feed::{CsvReplayReader, ReplayFeed};
pub use format::{ReturnKind, Returns, build_format};
use reader::locate;
pub(crate) use reader::{csv_error, open, read_row};
pub use scan::scan;
pub use sort::{DEFAULT_BUFFER_RECORDS, LogSorter, SortedLog};
pub use write::write_log;

use crate::scenario::ScenarioError;

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
        let mut message = format!("column `{}`: {}", columns.name(e.column), e.message);
        if Some(e.column) == columns.outcome_column() && e.message.starts_with("outcome \"") {
            message.push_str(&unmapped_outcome(file, record, columns, e.column));
        }
        LogError {
            file: file.to_string(),
            line: Some(line),
            column: Some(col),
            message,
        }
    }
}

/// What follows the error of an outcome word that is not mapped: the words the log's
/// outcome column holds, those not read, and how to map one.
fn unmapped_outcome(
    file: &str,
    record: &csv::StringRecord,
    columns: &LogColumns,
    column: usize,
) -> String {
    let words = reader::words_in_column(file, columns, column);
    let word = record.get(column).map_or("", str::trim);
    let unmapped: Vec<&String> = words.iter().filter(|w| !columns.reads_outcome(w)).collect();
    format!(
        "; the log's outcome words are {} (not read: {}); map a word with outcomes = {{ \"{word}\" = \"abandoned\" }} in [[replay]], or --outcome \"{word}=abandoned\" to ccsim fit",
        words.join(", "),
        unmapped
            .iter()
            .map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
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
