//! The times of a people file: `unavailable` items (a weekday, a date, a day of the
//! horizon, optionally with a time range) and `preferred_start` bands, turned into ranges
//! of seconds on the horizon's clock. Each parser returns what is wrong and what is
//! allowed, for the caller to place at the row and column.

use jiff::civil::{Date, DateTime, Weekday};

const DAY: f64 = 86_400.0;

/// `(from, to)` seconds after a midnight.
type Band = (f64, f64);

/// What the items are read against: the horizon's start date-time (`None`: the scenario
/// has no `[simulation] start`, the horizon starts at a midnight with no date) and length.
#[derive(Clone, Copy, Debug)]
pub(super) struct Horizon {
    pub start: Option<DateTime>,
    /// Seconds.
    pub length: f64,
}

impl Horizon {
    /// Calendar days the horizon touches.
    fn days(&self) -> usize {
        let offset = self.start.map_or(0.0, time_of_day);
        ((offset + self.length) / DAY).ceil().max(1.0) as usize
    }

    /// Seconds from the horizon's start to the midnight opening day `d` (from 0).
    fn day_start(&self, d: usize) -> f64 {
        let offset = self.start.map_or(0.0, time_of_day);
        d as f64 * DAY - offset
    }

    /// The day (from 0) of `date`, if the horizon has a start date; may lie outside.
    fn day_of(&self, date: Date) -> Option<i64> {
        let start = self.start?.date();
        let span = start.until(date).ok()?;
        Some(span.get_days() as i64)
    }
}

/// Seconds since midnight of a date-time.
pub(super) fn time_of_day(t: DateTime) -> f64 {
    let time = t.time();
    f64::from(time.hour()) * 3600.0 + f64::from(time.minute()) * 60.0 + f64::from(time.second())
}

/// What an `unavailable` item allows, for messages.
pub(super) const ITEMS: &str = "a weekday (sat), a date (2025-03-08), a day of the horizon (day 3, from 1), or one of those with a time range (mon 08:00-12:00), separated by \";\"";

/// The ranges one `unavailable` item covers, `(from, to)` in seconds from the horizon's
/// start (a weekday: each such day of the horizon; a date outside the horizon: none).
pub(super) fn unavailable_item(item: &str, h: &Horizon) -> Result<Vec<(f64, f64)>, String> {
    let item = item.trim();
    let lower = item.to_ascii_lowercase();
    let (days_part, range) = split_range(&lower)?;
    let days = days_of(days_part.trim(), h, item)?;
    let (from, to) = match range {
        Some((a, b)) => (a, b),
        None => (0.0, DAY),
    };
    Ok(days
        .into_iter()
        .map(|d| (h.day_start(d) + from, h.day_start(d) + to))
        .filter(|(a, b)| *b > 0.0 && *a < h.length)
        .collect())
}

/// Splits `mon 08:00-12:00` into its day and its time range (end after start; an end at
/// or before the start is on the next day).
fn split_range(item: &str) -> Result<(&str, Option<Band>), String> {
    let last = item.rsplit(char::is_whitespace).next().unwrap_or("");
    let dash = last.contains(['-', '–']) && last.contains(|c: char| c.is_ascii_digit());
    if last.len() == item.len() || !(last.contains(':') || dash) {
        return Ok((item, None));
    }
    let days = item[..item.len() - last.len()].trim_end();
    let (a, b) = band(last)?;
    Ok((days, Some((a, b))))
}

/// The days (from 0) an item's day part names.
fn days_of(text: &str, h: &Horizon, item: &str) -> Result<Vec<usize>, String> {
    let n = h.days();
    if let Some(rest) = text.strip_prefix("day") {
        let k: usize = rest
            .trim()
            .parse()
            .map_err(|_| format!("\"{item}\": write a day of the horizon as day 1 … day {n}"))?;
        if !(1..=n).contains(&k) {
            return Err(format!(
                "\"{item}\": the horizon has {n} day{}, day 1 … day {n}",
                if n == 1 { "" } else { "s" }
            ));
        }
        return Ok(vec![k - 1]);
    }
    let need_start = || {
        format!(
            "\"{item}\": a weekday or a date needs [simulation] start (the horizon's first date); write day 1 … day {n} instead"
        )
    };
    if let Some(weekday) = weekday(text) {
        let start = h.start.ok_or_else(need_start)?.date();
        return Ok((0..n)
            .filter(|d| {
                start
                    .checked_add(jiff::Span::new().days(*d as i64))
                    .is_ok_and(|date| date.weekday() == weekday)
            })
            .collect());
    }
    if let Ok(date) = text.parse::<Date>() {
        let day = h.day_of(date).ok_or_else(need_start)?;
        return Ok(usize::try_from(day)
            .ok()
            .filter(|d| *d < n)
            .into_iter()
            .collect());
    }
    Err(format!(
        "\"{item}\" is not an unavailable item; write {ITEMS}"
    ))
}

/// `mon`, `Monday`, … (any case).
fn weekday(text: &str) -> Option<Weekday> {
    let names = [
        ("mon", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("wed", Weekday::Wednesday),
        ("thu", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sat", Weekday::Saturday),
        ("sun", Weekday::Sunday),
    ];
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let text = text.to_ascii_lowercase();
    names
        .iter()
        .zip(full)
        .find(|((short, _), long)| text == *short || text == *long)
        .map(|((_, w), _)| *w)
}

/// A band of times of day `07:00-09:00` (or with an en dash): `(from, to)` seconds after
/// midnight, `to` > `from` (an end at or before the start is on the next day: `22:00-06:00`
/// is `(79200, 108000)`).
pub(super) fn band(text: &str) -> Result<(f64, f64), String> {
    let wrong = || {
        format!(
            "\"{}\" is not a time range; write HH:MM-HH:MM, e.g. 08:00-12:00 (24:00 for midnight at the end)",
            text.trim()
        )
    };
    let (a, b) = text.trim().split_once(['-', '–']).ok_or_else(wrong)?;
    let from = clock_time(a.trim()).ok_or_else(wrong)?;
    let to = clock_time(b.trim()).ok_or_else(wrong)?;
    if from >= DAY {
        return Err(wrong());
    }
    if from == to {
        return Err(format!(
            "\"{}\": the range is empty (its end equals its start)",
            text.trim()
        ));
    }
    Ok(if to > from {
        (from, to)
    } else {
        (from, to + DAY)
    })
}

/// `HH:MM` (00:00 … 24:00) as seconds after midnight.
fn clock_time(text: &str) -> Option<f64> {
    let (h, m) = text.split_once(':')?;
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || m.len() != 2 || !all_digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return None;
    }
    Some(f64::from(h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monday() -> Horizon {
        Horizon {
            start: Some("2025-03-03T00:00".parse().unwrap()),
            length: 7.0 * DAY,
        }
    }

    #[test]
    fn a_weekday_is_each_such_day_of_the_horizon() {
        let two_weeks = Horizon {
            length: 14.0 * DAY,
            ..monday()
        };
        let r = unavailable_item("Sat", &two_weeks).unwrap();
        assert_eq!(r, vec![(5.0 * DAY, 6.0 * DAY), (12.0 * DAY, 13.0 * DAY)]);
    }

    #[test]
    fn dates_days_and_time_ranges_land_on_the_horizon_clock() {
        let h = monday();
        assert_eq!(
            unavailable_item("2025-03-05", &h).unwrap(),
            vec![(2.0 * DAY, 3.0 * DAY)]
        );
        assert_eq!(
            unavailable_item("2025-04-05", &h).unwrap(),
            Vec::<(f64, f64)>::new()
        );
        assert_eq!(
            unavailable_item("day 7", &h).unwrap(),
            vec![(6.0 * DAY, 7.0 * DAY)]
        );
        assert_eq!(
            unavailable_item("mon 08:00-12:00", &h).unwrap(),
            vec![(8.0 * 3600.0, 12.0 * 3600.0)]
        );
        assert_eq!(
            unavailable_item("day 2 22:00–06:00", &h).unwrap(),
            vec![(DAY + 22.0 * 3600.0, 2.0 * DAY + 6.0 * 3600.0)]
        );
    }

    #[test]
    fn a_horizon_starting_at_six_shifts_the_days() {
        let h = Horizon {
            start: Some("2025-03-03T06:00".parse().unwrap()),
            length: DAY,
        };
        assert_eq!(
            unavailable_item("tue", &h).unwrap(),
            vec![(18.0 * 3600.0, 42.0 * 3600.0)]
        );
    }

    #[test]
    fn wrong_items_say_what_is_allowed() {
        let h = monday();
        assert!(
            unavailable_item("saturday-ish", &h)
                .unwrap_err()
                .contains("day 3")
        );
        assert!(
            unavailable_item("day 8", &h)
                .unwrap_err()
                .contains("7 days")
        );
        assert!(
            unavailable_item("mon 25:00-26:00", &h)
                .unwrap_err()
                .contains("HH:MM")
        );
        let no_date = Horizon {
            start: None,
            length: DAY,
        };
        assert!(
            unavailable_item("sat", &no_date)
                .unwrap_err()
                .contains("[simulation] start")
        );
        assert_eq!(
            unavailable_item("day 1", &no_date).unwrap(),
            vec![(0.0, DAY)]
        );
    }

    #[test]
    fn bands_may_cross_midnight() {
        assert_eq!(band("07:00-09:00").unwrap(), (25_200.0, 32_400.0));
        assert_eq!(band("22:00-02:00").unwrap(), (79_200.0, 93_600.0));
        assert!(band("09:00-09:00").is_err());
        assert!(band("7h-9h").is_err());
    }
}
