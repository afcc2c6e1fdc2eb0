//! Opening and reading a log's file: the head read ahead to find the delimiter, the byte
//! source (line ends made `\n`, rows of at most [`MAX_ROW_BYTES`]), the header checked, and
//! rows read and located at their first line as an editor counts lines. Invariant: every
//! error names the file and, where there is one, the line (and column); nothing is read
//! whole, so a file without line ends is refused instead of loaded.

use super::LogError;
use super::columns::{Delimiter, LogColumns};
use crate::limits::{LINE_TOO_LONG, LineLimit, MAX_ROW_BYTES, show_bytes};
use crate::replay::ReplayFormat;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

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
pub(crate) fn open(
    path: &Path,
    format: &ReplayFormat,
) -> Result<(CsvReader, LogColumns), LogError> {
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| {
        LogError::whole_file(&name, format!("cannot read the contact log: {e}"))
    };
    let file = File::open(path).map_err(cannot)?;
    let mut rest = BufReader::with_capacity(1 << 16, file);
    let head = read_head(&mut rest).map_err(cannot)?;
    let delimiter = format
        .delimiter
        .and_then(|d| Delimiter::from_text(&d.to_string()))
        .unwrap_or_else(|| Delimiter::of_header(&head));
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
        return Err(no_header(&name, &reader, &header, header_line));
    }
    let mut columns = LogColumns::from_header_with(&header, format).map_err(|m| LogError {
        file: name.clone(),
        line: Some(header_line),
        column: None,
        message: format!("{m} ({})", header_reads(&header, delimiter)),
    })?;
    columns.delimiter = delimiter;
    columns.decimal_comma = delimiter != Delimiter::Comma;
    Ok((reader, columns))
}

/// The error of a log whose first row that is not blank (line `header_line`) has no
/// column names: an empty file, only blank lines, or a row of empty names.
fn no_header(
    name: &str,
    reader: &CsvReader,
    header: &csv::StringRecord,
    header_line: u64,
) -> LogError {
    let found = if reader.get_ref().bytes == 0 {
        "the file is empty".to_string()
    } else if header.is_empty() {
        "the file has only blank lines".to_string()
    } else {
        format!("line {header_line}, the first that is not blank, has no column names")
    };
    LogError::whole_file(
        name,
        format!(
            "{found}: a contact log starts with a header row such as timestamp,channel,category"
        ),
    )
}

/// How the header was read, for an error about its columns: its names as separated by
/// `delimiter` (and, for a single name, that no separator was found).
fn header_reads(header: &csv::StringRecord, delimiter: Delimiter) -> String {
    let names: Vec<&str> = header.iter().collect();
    match (delimiter, names.len()) {
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
    }
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

/// The distinct words of column `column` of the log at `file` (at most 40, sorted), for
/// the message of an outcome word that is not mapped. Rows that cannot be read are
/// passed over; an unreadable file gives no words.
pub(crate) fn words_in_column(file: &str, columns: &LogColumns, column: usize) -> Vec<String> {
    let Ok(f) = File::open(file) else {
        return Vec::new();
    };
    let source = LineLimit::new(BufReader::new(f), MAX_ROW_BYTES);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(columns.delimiter.byte())
        .from_reader(source);
    let mut words = std::collections::BTreeSet::new();
    let mut record = csv::StringRecord::new();
    while let Ok(true) = reader.read_record(&mut record) {
        if let Some(w) = record.get(column).map(str::trim).filter(|w| !w.is_empty()) {
            if words.len() < 40 || words.contains(w) {
                words.insert(w.to_string());
            }
        }
    }
    words.into_iter().collect()
}
