//! The rows of a forecast file, one at a time: a CSV file streamed through the `csv`
//! crate (one record buffer reused, the text never held whole), or one worksheet of an
//! `.xlsx` workbook read with `calamine`. Every row knows where it is, for errors:
//! `file:line` for CSV, `Sheet!C14` for a workbook.

use super::values::Cell;
use crate::scenario::ScenarioError;
use calamine::{Data, Reader as _};
use std::io::BufRead as _;
use std::path::Path;

/// An open forecast file positioned before its first data row.
pub(crate) enum Source {
    /// A delimited text file.
    Csv(CsvSource),
    /// One worksheet of a workbook.
    Xlsx(XlsxSource),
}

pub(crate) struct CsvSource {
    reader: csv::Reader<std::fs::File>,
    record: csv::StringRecord,
    delimiter: u8,
    /// The current row's first line, from 1.
    line: u64,
    /// The header line ends with \r\n.
    crlf: bool,
    /// What errors call the file (`"forecast"`).
    what: &'static str,
}

pub(crate) struct XlsxSource {
    sheet: String,
    range: calamine::Range<Data>,
    /// Row index (in the range) of the current row.
    row: usize,
    /// Row index of the header.
    header: usize,
}

/// An error of the file as a whole (no row to point at).
pub(crate) fn file_error(file: &str, message: String) -> ScenarioError {
    ScenarioError {
        file: file.to_string(),
        position: None,
        key: None,
        message,
    }
}

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column.
pub(crate) fn column_letters(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

impl Source {
    /// Opens `path` (named `file` in errors): `.xlsx`/`.xlsm` as a workbook (its `sheet`,
    /// default the first), anything else as delimited text (`delimiter`, default sniffed
    /// from the header line). Returns the source and the header's cells.
    pub(crate) fn open(
        path: &Path,
        file: &str,
        sheet: Option<&str>,
        delimiter: Option<u8>,
    ) -> Result<(Source, Vec<String>), ScenarioError> {
        Source::open_as(path, file, sheet, delimiter, "forecast")
    }

    /// Opens like [`Source::open`] a file that errors call `what` (`"forecast"`,
    /// `"people"`: "cannot read the people file").
    pub(crate) fn open_as(
        path: &Path,
        file: &str,
        sheet: Option<&str>,
        delimiter: Option<u8>,
        what: &'static str,
    ) -> Result<(Source, Vec<String>), ScenarioError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(ext.as_str(), "xlsx" | "xlsm") {
            return XlsxSource::open(path, file, sheet, what);
        }
        if matches!(ext.as_str(), "xls" | "xlsb" | "ods") {
            return Err(file_error(
                file,
                format!(".{ext} workbooks are not read; save the {what} as .xlsx or .csv"),
            ));
        }
        CsvSource::open(path, file, delimiter, what)
    }

    /// Moves to the next non-empty row; `false` at the end.
    pub(crate) fn advance(&mut self, file: &str) -> Result<bool, ScenarioError> {
        match self {
            Source::Csv(s) => s.advance(file),
            Source::Xlsx(s) => loop {
                s.row += 1;
                if s.row >= s.range.height() {
                    return Ok(false);
                }
                let empty = (0..s.range.width()).all(|c| {
                        matches!(s.range.get((s.row, c)), None | Some(Data::Empty))
                            || matches!(s.range.get((s.row, c)), Some(Data::String(t)) if t.trim().is_empty())
                    });
                if !empty {
                    return Ok(true);
                }
            },
        }
    }

    /// Cell `col` (0-based, in the header's order) of the current row.
    pub(crate) fn cell(&self, col: usize) -> Cell<'_> {
        match self {
            Source::Csv(s) => s.record.get(col).map_or(Cell::Empty, Cell::Text),
            Source::Xlsx(s) => match s.range.get((s.row, col)) {
                None | Some(Data::Empty) => Cell::Empty,
                Some(Data::String(t)) | Some(Data::DateTimeIso(t)) | Some(Data::DurationIso(t)) => {
                    Cell::Text(t)
                }
                Some(Data::Int(v)) => Cell::Number(*v as f64),
                Some(Data::Float(v)) => Cell::Number(*v),
                Some(Data::DateTime(d)) => Cell::Serial(d.as_f64()),
                Some(Data::Bool(b)) => Cell::Text(if *b { "TRUE" } else { "FALSE" }),
                Some(Data::Error(_)) => Cell::Text("#ERROR"),
            },
        }
    }

    /// The current row's line (CSV) or sheet row (workbook), from 1.
    pub(crate) fn line(&self) -> u64 {
        match self {
            Source::Csv(s) => s.line,
            Source::Xlsx(s) => s.sheet_row(s.row),
        }
    }

    /// Numbers may use a decimal comma (a CSV file not delimited by commas).
    pub(crate) fn decimal_comma(&self) -> bool {
        match self {
            Source::Csv(s) => s.delimiter != b',',
            Source::Xlsx(_) => false,
        }
    }

    /// An error at cell `col` of the current row, under header `header`.
    pub(crate) fn error(
        &self,
        file: &str,
        col: usize,
        header: &str,
        message: String,
    ) -> ScenarioError {
        match self {
            Source::Csv(_) => ScenarioError {
                file: file.to_string(),
                position: Some((self.line() as usize, 0)),
                key: None,
                message: format!("column {} \"{header}\": {message}", col + 1),
            },
            Source::Xlsx(s) => ScenarioError {
                file: file.to_string(),
                position: None,
                key: None,
                message: format!(
                    "{}!{}{} (column \"{header}\"): {message}",
                    s.sheet,
                    column_letters(s.range.start().map_or(0, |p| p.1 as usize) + col),
                    s.sheet_row(s.row)
                ),
            },
        }
    }

    /// An error about the current row as a whole.
    pub(crate) fn row_error(&self, file: &str, message: String) -> ScenarioError {
        match self {
            Source::Csv(_) => ScenarioError {
                file: file.to_string(),
                position: Some((self.line() as usize, 0)),
                key: None,
                message,
            },
            Source::Xlsx(s) => ScenarioError {
                file: file.to_string(),
                position: None,
                key: None,
                message: format!("{}!{}: {message}", s.sheet, s.sheet_row(s.row)),
            },
        }
    }

    /// An error about row `line` (a CSV line or a sheet row, as [`Source::line`] gives).
    pub(crate) fn line_error(&self, file: &str, line: u64, message: String) -> ScenarioError {
        match self {
            Source::Csv(_) => ScenarioError {
                file: file.to_string(),
                position: Some((line as usize, 0)),
                key: None,
                message,
            },
            Source::Xlsx(s) => ScenarioError {
                file: file.to_string(),
                position: None,
                key: None,
                message: format!("{}!{line}: {message}", s.sheet),
            },
        }
    }

    /// The worksheet read, for a workbook.
    pub(crate) fn sheet_name(&self) -> Option<&str> {
        match self {
            Source::Csv(_) => None,
            Source::Xlsx(s) => Some(&s.sheet),
        }
    }

    /// Where row `line` is, in words (`line 14`, `row 14 of Forecast`).
    pub(crate) fn row_name(&self, line: u64) -> String {
        match self {
            Source::Csv(_) => format!("line {line}"),
            Source::Xlsx(s) => format!("row {line} of {}", s.sheet),
        }
    }
}

impl CsvSource {
    fn open(
        path: &Path,
        file: &str,
        delimiter: Option<u8>,
        what: &'static str,
    ) -> Result<(Source, Vec<String>), ScenarioError> {
        let open = || {
            std::fs::File::open(path)
                .map_err(|e| file_error(file, format!("cannot read the {what} file: {e}")))
        };
        let mut first = String::new();
        std::io::BufReader::new(open()?)
            .take_line(&mut first)
            .map_err(|e| file_error(file, format!("cannot read the {what} file: {e}")))?;
        let delimiter = delimiter.unwrap_or_else(|| sniff(&first));
        let crlf = first.ends_with("\r\n");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(open()?);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(file, &e, what))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        Ok((
            Source::Csv(CsvSource {
                reader,
                record: csv::StringRecord::new(),
                delimiter,
                line: 1,
                crlf,
                what,
            }),
            headers,
        ))
    }

    fn advance(&mut self, file: &str) -> Result<bool, ScenarioError> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(false),
                Ok(true) if self.record.iter().all(|f| f.is_empty()) => continue,
                Ok(true) => {
                    // The csv crate counts one line too few in a file whose lines end
                    // with \r\n (the header's line break is not counted).
                    let start = self.record.position().map_or(0, |p| p.line());
                    self.line = start + u64::from(self.crlf);
                    return Ok(true);
                }
                Err(e) => return Err(csv_error(file, &e, self.what)),
            }
        }
    }
}

/// A line longer than this is not a forecast header.
const MAX_HEADER_BYTES: u64 = 64 * 1024;

trait TakeLine {
    fn take_line(self, out: &mut String) -> std::io::Result<usize>;
}

impl<R: std::io::Read> TakeLine for std::io::BufReader<R> {
    /// Reads the first line (at most [`MAX_HEADER_BYTES`]), lossily decoded.
    fn take_line(self, out: &mut String) -> std::io::Result<usize> {
        let mut bytes = Vec::new();
        let n = std::io::Read::take(self, MAX_HEADER_BYTES).read_until(b'\n', &mut bytes)?;
        out.push_str(&String::from_utf8_lossy(&bytes));
        Ok(n)
    }
}

/// The delimiter of a header line: the most frequent of `,` `;` tab `|` outside quotes
/// (a comma when none appears).
fn sniff(header: &str) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(k) = candidates.iter().position(|c| *c == b) {
            counts[k] += 1;
        }
    }
    let best = (0..4).max_by_key(|k| (counts[*k], 4 - k)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// A CSV reading error, located.
fn csv_error(file: &str, e: &csv::Error, what: &str) -> ScenarioError {
    let position = e.position().map(|p| (p.line() as usize, 0));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } if what == "forecast" => format!(
            "the row has {len} fields; the header has {expected_len} (check the delimiter, or set delimiter = \";\")"
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "the row has {len} fields; the header has {expected_len} (check the delimiter: a comma, or a semicolon in every line, header included)"
        ),
        csv::ErrorKind::Utf8 { .. } => {
            format!("the row is not UTF-8 text; export the {what} as UTF-8 CSV")
        }
        csv::ErrorKind::Io(io) => format!("cannot read the {what} file: {io}"),
        _ => format!("the {what} is not readable CSV: {e}"),
    };
    ScenarioError {
        file: file.to_string(),
        position,
        key: None,
        message,
    }
}

impl XlsxSource {
    fn open(
        path: &Path,
        file: &str,
        sheet: Option<&str>,
        what: &str,
    ) -> Result<(Source, Vec<String>), ScenarioError> {
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(path)
            .map_err(|e| file_error(file, format!("cannot read the {what} workbook: {e}")))?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(s) => {
                if !names.iter().any(|n| n == s) {
                    return Err(file_error(
                        file,
                        format!(
                            "the workbook has no sheet \"{s}\"; its sheets are {}",
                            names
                                .iter()
                                .map(|n| format!("\"{n}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                s.to_string()
            }
            None => names
                .first()
                .cloned()
                .ok_or_else(|| file_error(file, "the workbook has no sheets".into()))?,
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| file_error(file, format!("cannot read sheet \"{name}\": {e}")))?;
        let header = (0..range.height())
            .find(|r| {
                (0..range.width()).any(|c| !matches!(range.get((*r, c)), None | Some(Data::Empty)))
            })
            .ok_or_else(|| file_error(file, format!("sheet \"{name}\" is empty")))?;
        let headers = (0..range.width())
            .map(|c| match range.get((header, c)) {
                None | Some(Data::Empty) => String::new(),
                Some(d) => d.to_string().trim().to_string(),
            })
            .collect();
        Ok((
            Source::Xlsx(XlsxSource {
                sheet: name,
                range,
                row: header,
                header,
            }),
            headers,
        ))
    }

    /// The sheet's row number (from 1) of range row `row`.
    fn sheet_row(&self, row: usize) -> u64 {
        let _ = self.header;
        self.range.start().map_or(0, |p| p.0 as u64) + row as u64 + 1
    }
}
