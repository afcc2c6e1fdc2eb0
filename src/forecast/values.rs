//! The values of a forecast's cells: date-times, volumes, handle times and shrinkage, read
//! from text (CSV, or text cells of a workbook) or from a workbook's numbers and serial
//! date-times. Each reader returns what is wrong and what is allowed, for the caller to
//! place at the row and column.

use jiff::civil::{Date, DateTime, Time};

/// One cell as read: text, a number, or a spreadsheet serial date-time (days since
/// 1899-12-30, the fraction is the time of day; durations are fractions of a day).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cell<'a> {
    /// Nothing in the cell.
    Empty,
    /// Text (CSV fields, text cells).
    Text(&'a str),
    /// A number cell.
    Number(f64),
    /// A date, time or duration cell, as its serial value.
    Serial(f64),
}

impl Cell<'_> {
    /// Whether the cell holds nothing (or only spaces).
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as it would be shown in a message.
    pub(crate) fn shown(&self) -> String {
        match self {
            Cell::Empty => "an empty cell".into(),
            Cell::Text(t) => format!("\"{}\"", t.trim()),
            Cell::Number(v) | Cell::Serial(v) => format!("{v}"),
        }
    }
}

/// How the handle-time columns are written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum AhtUnit {
    /// Numbers are seconds; `h:mm:ss` and `mm:ss` text is recognised too (the default).
    Seconds,
    /// Numbers are minutes; `h:mm:ss` text is recognised too.
    Minutes,
    /// Only `h:mm:ss` (or `mm:ss`) text, or a workbook's duration cells.
    Clock,
}

/// Order of the day and the month in a date written with slashes (`03/04/2025`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum SlashOrder {
    /// Not yet known: every date so far read the same either way.
    Unknown,
    /// `dd/mm/yyyy`.
    DayFirst,
    /// `mm/dd/yyyy`.
    MonthFirst,
}

/// Reads date-times: a strftime format when given, else ISO 8601 and the usual export
/// forms, with the day/month order of slashed dates learnt from the first date that shows
/// it (an ambiguous date before that is refused, asking for `datetime_format`).
#[derive(Debug)]
pub(crate) struct DateTimes {
    format: Option<String>,
    order: SlashOrder,
}

/// What a refused date-time should say.
const DATETIME_FORMS: &str = "write ISO 8601 (2025-03-03 08:00 or 2025-03-03T08:00:00), 03/03/2025 08:00, or set datetime_format (strftime, e.g. \"%d/%m/%Y %H:%M\")";

impl DateTimes {
    /// A reader using `format` (strftime) when given.
    pub(crate) fn new(format: Option<String>) -> DateTimes {
        DateTimes {
            format,
            order: SlashOrder::Unknown,
        }
    }

    /// Reads a date-time from text.
    pub(crate) fn parse(&mut self, text: &str) -> Result<DateTime, String> {
        let text = text.trim();
        if let Some(format) = &self.format {
            if let Ok(dt) = DateTime::strptime(format, text) {
                return Ok(dt);
            }
            if let Ok(d) = Date::strptime(format, text) {
                return Ok(d.to_datetime(Time::midnight()));
            }
            return Err(format!(
                "\"{text}\" does not match datetime_format \"{format}\""
            ));
        }
        if let Ok(dt) = text.parse::<DateTime>() {
            return Ok(dt);
        }
        if let Ok(d) = text.parse::<Date>() {
            return Ok(d.to_datetime(Time::midnight()));
        }
        self.parse_slashed(text)
            .unwrap_or_else(|| Err(format!("\"{text}\" is not a date-time; {DATETIME_FORMS}")))
    }

    /// `dd/mm/yyyy hh:mm[:ss]`, `mm/dd/yyyy …` (also with `-` or `.` between the date's
    /// parts), AM/PM times.
    fn parse_slashed(&mut self, text: &str) -> Option<Result<DateTime, String>> {
        let (date, time) = match text.split_once([' ', 'T']) {
            Some((d, t)) => (d, t.trim()),
            None => (text, ""),
        };
        let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
        if parts.len() != 3 || parts[2].len() != 4 {
            return None;
        }
        let a: i8 = parts[0].parse().ok()?;
        let b: i8 = parts[1].parse().ok()?;
        let year: i16 = parts[2].parse().ok()?;
        let (day, month) = match self.order {
            SlashOrder::DayFirst => (a, b),
            SlashOrder::MonthFirst => (b, a),
            SlashOrder::Unknown if a == b => (a, b),
            SlashOrder::Unknown if a > 12 && b <= 12 => {
                self.order = SlashOrder::DayFirst;
                (a, b)
            }
            SlashOrder::Unknown if b > 12 && a <= 12 => {
                self.order = SlashOrder::MonthFirst;
                (b, a)
            }
            SlashOrder::Unknown => {
                return Some(Err(format!(
                    "\"{text}\" could be day/month or month/day; set datetime_format = \"%d/%m/%Y %H:%M\" (or \"%m/%d/%Y %H:%M\")"
                )));
            }
        };
        let Ok(date) = Date::new(year, month, day) else {
            return Some(Err(format!(
                "\"{text}\" is not a date (read as day {day}, month {month}); {DATETIME_FORMS}"
            )));
        };
        let time = if time.is_empty() {
            Time::midnight()
        } else {
            parse_clock_time(time)?
        };
        Some(Ok(date.to_datetime(time)))
    }

    /// Reads a date-time from a cell: text, or a workbook serial.
    pub(crate) fn cell(&mut self, cell: Cell<'_>) -> Result<DateTime, String> {
        match cell {
            Cell::Text(t) => self.parse(t),
            Cell::Serial(v) | Cell::Number(v) => from_serial(v)
                .ok_or_else(|| format!("{v} is not a spreadsheet date-time; {DATETIME_FORMS}")),
            Cell::Empty => Err(format!("the cell is empty; {DATETIME_FORMS}")),
        }
    }

    /// Reads a date cell and a time cell as one date-time.
    pub(crate) fn date_and_time(
        &mut self,
        date: Cell<'_>,
        time: Cell<'_>,
    ) -> Result<DateTime, String> {
        match (date, time) {
            (Cell::Serial(d) | Cell::Number(d), Cell::Serial(t) | Cell::Number(t)) => {
                from_serial(d.floor() + t.fract())
                    .ok_or_else(|| format!("{d} and {t} are not a spreadsheet date and time"))
            }
            (Cell::Serial(d) | Cell::Number(d), Cell::Text(t)) => {
                let day = from_serial(d.floor())
                    .ok_or_else(|| format!("{d} is not a spreadsheet date"))?;
                let time = parse_clock_time(t.trim())
                    .ok_or_else(|| format!("\"{}\" is not a time of day (08:00)", t.trim()))?;
                Ok(day.date().to_datetime(time))
            }
            (Cell::Text(d), Cell::Text(t)) => self.parse(&format!("{} {}", d.trim(), t.trim())),
            (d, Cell::Empty) => self.cell(d),
            (d, t) => Err(format!(
                "{} and {} are not a date and a time; {DATETIME_FORMS}",
                d.shown(),
                t.shown()
            )),
        }
    }
}

/// `08:00`, `8:00:00`, `8:00 AM`.
fn parse_clock_time(text: &str) -> Option<Time> {
    let upper = text.trim().to_ascii_uppercase();
    let (clock, pm) = if let Some(c) = upper.strip_suffix("PM") {
        (c.trim(), Some(true))
    } else if let Some(c) = upper.strip_suffix("AM") {
        (c.trim(), Some(false))
    } else {
        (upper.as_str(), None)
    };
    let mut parts = clock.split(':');
    let mut hour: i8 = parts.next()?.parse().ok()?;
    let minute: i8 = parts.next()?.parse().ok()?;
    let second: f64 = parts.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    match pm {
        Some(true) if (1..12).contains(&hour) => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        Some(_) if !(1..=12).contains(&hour) => return None,
        _ => {}
    }
    let whole = second.trunc();
    Time::new(
        hour,
        minute,
        whole as i8,
        ((second - whole) * 1e9).round() as i32,
    )
    .ok()
}

/// A spreadsheet serial date-time (1900 date system, days since 1899-12-30), to the
/// nearest second.
pub(crate) fn from_serial(serial: f64) -> Option<DateTime> {
    if !(serial.is_finite() && (0.0..2_958_466.0).contains(&serial)) {
        return None;
    }
    let epoch = Date::new(1899, 12, 30).ok()?.to_datetime(Time::midnight());
    let seconds = (serial * 86_400.0).round() as i64;
    epoch
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .ok()
}

/// A number from text: `12`, `12.5`, and a decimal comma (`12,5`) when the file's
/// delimiter is not a comma.
pub(crate) fn number(cell: Cell<'_>, decimal_comma: bool) -> Result<f64, String> {
    match cell {
        Cell::Number(v) | Cell::Serial(v) => Ok(v),
        Cell::Empty => Err("the cell is empty".into()),
        Cell::Text(t) => {
            let t = t.trim();
            let parsed = if decimal_comma && t.contains(',') && !t.contains('.') {
                t.replacen(',', ".", 1).parse::<f64>()
            } else {
                t.parse::<f64>()
            };
            parsed.map_err(|_| format!("\"{t}\" is not a number"))
        }
    }
}

/// An offered volume: a number, zero or more.
pub(crate) fn volume(cell: Cell<'_>, decimal_comma: bool) -> Result<f64, String> {
    let v = number(cell, decimal_comma).map_err(|e| {
        format!("{e}; write the contacts offered in the interval, a number of 0 or more")
    })?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!(
            "{v} contacts: write the contacts offered in the interval, a number of 0 or more"
        ));
    }
    Ok(v)
}

/// A handle time in seconds: a number in `unit`, `h:mm:ss` or `mm:ss` text, or a
/// workbook duration (a fraction of a day). An empty cell is `None`.
pub(crate) fn handle_time(
    cell: Cell<'_>,
    unit: AhtUnit,
    decimal_comma: bool,
) -> Result<Option<f64>, String> {
    let allowed = match unit {
        AhtUnit::Seconds => "seconds (312) or h:mm:ss (0:05:12)",
        AhtUnit::Minutes => "minutes (5.2) or h:mm:ss (0:05:12)",
        AhtUnit::Clock => "h:mm:ss (0:05:12) or mm:ss (05:12)",
    };
    let seconds = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(t) if t.trim().is_empty() => return Ok(None),
        Cell::Serial(v) => v * 86_400.0,
        Cell::Number(v) if unit == AhtUnit::Clock => v * 86_400.0,
        Cell::Number(v) => v * if unit == AhtUnit::Minutes { 60.0 } else { 1.0 },
        Cell::Text(t) if t.contains(':') => clock_seconds(t.trim())
            .ok_or_else(|| format!("\"{}\" is not a duration; write {allowed}", t.trim()))?,
        Cell::Text(t) if unit == AhtUnit::Clock => {
            return Err(format!(
                "\"{}\" is not h:mm:ss (aht_unit = \"hh:mm:ss\"); write {allowed}",
                t.trim()
            ));
        }
        Cell::Text(_) => {
            let v = number(cell, decimal_comma).map_err(|e| format!("{e}; write {allowed}"))?;
            v * if unit == AhtUnit::Minutes { 60.0 } else { 1.0 }
        }
    };
    if !(seconds.is_finite() && (0.0..=86_400.0).contains(&seconds)) {
        return Err(format!(
            "{} is not a handle time; write {allowed}, at most a day",
            cell.shown()
        ));
    }
    Ok(Some(seconds))
}

/// `h:mm:ss`, `mm:ss` in seconds.
fn clock_seconds(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split(':').collect();
    // Digits and a decimal point only: `-00:06:10` is not a duration.
    if parts
        .iter()
        .any(|p| p.trim().is_empty() || !p.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    {
        return None;
    }
    let nums: Option<Vec<f64>> = parts.iter().map(|p| p.trim().parse::<f64>().ok()).collect();
    let nums = nums?;
    if nums.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        return None;
    }
    match nums[..] {
        [m, s] if s < 60.0 => Some(m * 60.0 + s),
        [h, m, s] if m < 60.0 && s < 60.0 => Some(h * 3600.0 + m * 60.0 + s),
        _ => None,
    }
}

/// A shrinkage: `0.3`, `30`, `30 %` (or `30` under a header with `%`) all mean 30 %; an
/// empty cell is `None`. Must be below 100 %.
pub(crate) fn shrinkage(
    cell: Cell<'_>,
    percent_header: bool,
    decimal_comma: bool,
) -> Result<Option<f64>, String> {
    let allowed = "write a share below 1 (0.3) or a percentage below 100 (30 or 30%)";
    let (value, percent) = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(t) if t.trim().is_empty() => return Ok(None),
        Cell::Text(t) if t.trim().ends_with('%') => {
            let inner = t.trim().trim_end_matches('%');
            let v =
                number(Cell::Text(inner), decimal_comma).map_err(|e| format!("{e}; {allowed}"))?;
            (v, true)
        }
        // A workbook's number cell formatted as a percentage holds the share (32.5 %
        // is 0.325), whatever the header says; a number above 1 is a percentage.
        Cell::Number(v) => (v, v > 1.0),
        other => {
            let v = number(other, decimal_comma).map_err(|e| format!("{e}; {allowed}"))?;
            (v, percent_header || v > 1.0)
        }
    };
    let share = if percent { value / 100.0 } else { value };
    if !(share.is_finite() && (0.0..1.0).contains(&share)) {
        return Err(format!("{} is not a shrinkage; {allowed}", cell.shown()));
    }
    Ok(Some(share))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slashed_dates_learn_their_order() {
        let mut d = DateTimes::new(None);
        assert_eq!(
            d.parse("03/03/2025 08:00").unwrap().to_string(),
            "2025-03-03T08:00:00"
        );
        assert!(
            d.parse("04/03/2025 08:00")
                .unwrap_err()
                .contains("datetime_format")
        );
        assert_eq!(
            d.parse("13/03/2025 08:30").unwrap().to_string(),
            "2025-03-13T08:30:00"
        );
        assert_eq!(
            d.parse("04/03/2025 8:00 PM").unwrap().to_string(),
            "2025-03-04T20:00:00"
        );
        assert_eq!(
            d.parse("2025-03-04 08:15").unwrap().to_string(),
            "2025-03-04T08:15:00"
        );
    }

    #[test]
    fn handle_times_and_shrinkage() {
        // A workbook cell formatted as a percentage holds the share, whatever the header.
        assert_eq!(
            shrinkage(Cell::Number(0.325), true, false).unwrap(),
            Some(0.325)
        );
        assert_eq!(
            shrinkage(Cell::Number(32.5), true, false).unwrap(),
            Some(0.325)
        );
        assert_eq!(
            shrinkage(Cell::Text("32.5"), true, false).unwrap(),
            Some(0.325)
        );
        let h = |t| handle_time(Cell::Text(t), AhtUnit::Seconds, false);
        assert_eq!(h("312").unwrap(), Some(312.0));
        assert_eq!(h("0:05:12").unwrap(), Some(312.0));
        assert_eq!(h("05:12").unwrap(), Some(312.0));
        assert!(h("five").is_err());
        assert!(h("-00:06:10").is_err());
        assert!(h("-0:05").is_err());
        assert_eq!(
            handle_time(Cell::Serial(312.0 / 86_400.0), AhtUnit::Seconds, false)
                .unwrap()
                .map(f64::round),
            Some(312.0)
        );
        assert_eq!(
            shrinkage(Cell::Text("30%"), false, false).unwrap(),
            Some(0.3)
        );
        assert_eq!(
            shrinkage(Cell::Text("30"), false, false).unwrap(),
            Some(0.3)
        );
        assert_eq!(
            shrinkage(Cell::Text("0,25"), false, true).unwrap(),
            Some(0.25)
        );
        assert!(shrinkage(Cell::Text("100"), false, false).is_err());
        assert_eq!(
            from_serial(45719.333333333336).unwrap().to_string(),
            "2025-03-03T08:00:00"
        );
    }
}
