//! Bounds on what ccsim reads and holds, so that no input can exhaust memory: the size of
//! a file read whole, the length of one CSV row, and the memory a run may plan to hold.
//! Each bound comes with an error that names the file and the limit.

use std::io::{self, BufRead, Read};
use std::path::Path;

pub use ccsim_core::limits::{MAX_RESULT_BYTES, show_bytes};

/// Largest scenario or variant file read whole (16 MiB; the largest shipped is ~20 kB).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Largest partial result file read whole (1 GiB; a weekday replication is ~160 kB).
pub const MAX_PARTIAL_BYTES: u64 = 1 << 30;

/// Longest row of a CSV file, in bytes (1 MiB; a contact-log row is under 200 bytes).
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// Longest horizon a scenario takes, in days.
pub const MAX_HORIZON_DAYS: usize = 366;

/// Most intervals × channels a scenario takes, each holding its own results (and wait
/// histogram).
pub const MAX_INTERVAL_CELLS: usize = 50_000;

/// Most (arrival streams + groups) × intervals a scenario takes: each holds a rate or a
/// staffing level per interval (20 million cells, about 160 MB; 100 streams of 1-minute
/// intervals over a year is 53 million).
pub const MAX_TIMELINE_CELLS: usize = 20_000_000;

/// Highest arrival rate of one stream, per hour.
pub const MAX_RATE_PER_HOUR: f64 = 1_000_000.0;

/// Longest name (channel, category, group, scenario, surge, shift template), in characters:
/// long enough for any real name, short enough for every table and chart.
pub const MAX_NAME_CHARS: usize = 200;

/// What is wrong with a name a user gave, if anything: empty, longer than
/// [`MAX_NAME_CHARS`], or holding a control character (a line break, a tab), which no
/// table, CSV file or chart could show. The message says what is allowed.
pub fn name_problem(name: &str) -> Option<String> {
    let chars = name.chars().count();
    if name.trim().is_empty() {
        Some("a name must not be empty".into())
    } else if chars > MAX_NAME_CHARS {
        Some(format!(
            "a name is at most {MAX_NAME_CHARS} characters long (this one has {chars})"
        ))
    } else if name.chars().any(char::is_control) {
        Some("a name must not contain control characters such as a line break or a tab".into())
    } else {
        None
    }
}

/// Reads the file at `path` whole as bytes, refusing one larger than `cap` bytes before
/// reading it (and one that grows past `cap` while read, such as `/dev/zero`).
///
/// Errors: the message (without the file name) says what failed: the system's reason it
/// cannot be read, `"it is a folder, not a file"`, or too large with the limit, e.g.
/// `"the file is larger than 16 MiB, the most ccsim reads of such a file"`.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    if let Ok(meta) = file.metadata() {
        if meta.is_dir() {
            return Err("it is a folder, not a file".into());
        }
        // A regular file's size is known before reading it.
        if meta.is_file() && meta.len() > cap {
            return Err(format!(
                "the file is larger than {}, the most ccsim reads of such a file",
                show_bytes(cap)
            ));
        }
    }
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        return Err(format!(
            "the file is larger than {}, the most ccsim reads of such a file",
            show_bytes(cap)
        ));
    }
    Ok(bytes)
}

/// A reader that fails with [`io::ErrorKind::InvalidData`] once a line (bytes between two
/// `\n`) grows past `max_line` bytes, so that a file with no line ends (e.g. `/dev/zero`)
/// cannot make a CSV reader buffer it whole. Wrap the file in it below the CSV reader.
///
/// It also turns every `\r\n` line end into `\n`, and a lone `\r` (the line end of old
/// Mac exports, "CSV (Macintosh)" in Excel) into `\n`, so that the CSV reader counts the
/// lines of any export as an editor does (the csv crate counts only `\n`, and placed each
/// row of a CRLF file one line early) and the row limit applies to each line.
pub struct LineLimit<R> {
    inner: R,
    max_line: usize,
    current: usize,
    line: u64,
    /// A `\r` held back at the end of a buffer, until the next byte shows whether it
    /// begins a `\r\n`.
    cr_pending: bool,
}

impl<R: BufRead> LineLimit<R> {
    /// Limits the lines of `inner` to `max_line` bytes each.
    pub fn new(inner: R, max_line: usize) -> LineLimit<R> {
        LineLimit {
            inner,
            max_line,
            current: 0,
            line: 1,
            cr_pending: false,
        }
    }

    /// The 1-based line being read (as an editor counts lines): the one too long after
    /// an error.
    pub fn line(&self) -> u64 {
        self.line
    }
}

/// The message of the error a [`LineLimit`] gives; CSV readers match it to explain.
pub const LINE_TOO_LONG: &str = "row too long";

impl<R: BufRead> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        while n == 0 {
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                // End of the file: a `\r` held back was a lone one, a line end.
                if std::mem::take(&mut self.cr_pending) {
                    buf[0] = b'\n';
                    n = 1;
                }
                break;
            }
            let mut i = 0;
            if self.cr_pending {
                self.cr_pending = false;
                if avail[0] != b'\n' {
                    buf[n] = b'\n';
                    n += 1;
                }
            }
            while i < avail.len() && n < buf.len() {
                let b = avail[i];
                i += 1;
                if b == b'\r' {
                    match avail.get(i) {
                        Some(b'\n') => continue,
                        Some(_) => {
                            buf[n] = b'\n';
                            n += 1;
                            continue;
                        }
                        None => {
                            self.cr_pending = true;
                            break;
                        }
                    }
                }
                buf[n] = b;
                n += 1;
            }
            self.inner.consume(i);
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                self.current = 0;
                self.line += 1;
            } else {
                self.current += 1;
                if self.current > self.max_line {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "{LINE_TOO_LONG}: line {} is longer than {}, the most ccsim reads in one row (is this a CSV file with line ends?)",
                            self.line,
                            show_bytes(self.max_line as u64)
                        ),
                    ));
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_line_ends_is_stopped_at_the_row_limit() {
        let zeros = io::repeat(0).take(10_000);
        let mut limited = LineLimit::new(io::BufReader::new(zeros), 1000);
        let mut sink = Vec::new();
        let err = limited.read_to_end(&mut sink).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("line 1 is longer than"), "{err}");
        assert!(sink.len() <= 1000 + 8192, "read {} bytes", sink.len());
    }

    #[test]
    fn crlf_and_lone_cr_line_ends_become_lf_even_across_buffers() {
        let text = "a,b\r\n1,2\r\nx\ry\r\n\r".repeat(50);
        for capacity in [1, 2, 3, 7, 64] {
            let reader = io::BufReader::with_capacity(capacity, text.as_bytes());
            let mut limited = LineLimit::new(reader, 100);
            let mut out = String::new();
            limited.read_to_string(&mut out).unwrap();
            let wanted = text.replace("\r\n", "\n").replace('\r', "\n");
            assert_eq!(out, wanted, "capacity {capacity}");
            assert_eq!(limited.line(), 1 + wanted.matches('\n').count() as u64);
        }
    }

    #[test]
    fn short_lines_pass_unchanged() {
        let text = "a,b\n1,2\n".repeat(1000);
        let mut limited = LineLimit::new(io::BufReader::new(text.as_bytes()), 8);
        let mut out = String::new();
        limited.read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn read_capped_refuses_a_growing_file() {
        let err = read_capped(Path::new("/dev/zero"), 1 << 10).unwrap_err();
        assert!(err.contains("larger than 1 kiB"), "{err}");
    }

    #[test]
    fn byte_counts_read_as_people_write_them() {
        assert_eq!(show_bytes(16 << 20), "16 MiB");
        assert_eq!(show_bytes(1 << 30), "1 GiB");
        assert_eq!(show_bytes(1536), "1.5 kiB");
    }
}
