//! Placing a log's timestamps on the horizon: [`LogClock`] (the date-time at time 0 and the
//! UTC offset of the first dated row) and the seconds from time 0 of each row. Invariant:
//! every reader (`scan`, `ReplayFeed`, `fit`) places rows through [`LogClock::seconds`], so
//! that they agree; date-times with offsets are placed by the instant they denote.

use super::columns::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

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
