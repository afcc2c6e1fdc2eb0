//! Opening hours from a log: the times of day at which a channel had no contact (no first
//! attempt) on any whole day considered.
//!
//! Conservative by design, since a quiet hour of a center open around the clock also has
//! no contacts now and then: only whole days count; a closed stretch is a run of empty
//! intervals of at least an hour; with dates and seven whole days or more every weekday is
//! judged on its own (its hours are those empty on every one of its days); a shorter log,
//! or one without dates, gives hours only when every whole day has the same closed
//! stretches. No closed stretch at all: no hours.

use super::read::ChannelAcc;
use jiff::civil::Date;

/// A channel's opening hours as a log shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedHours {
    /// Open windows of each day of the week, Monday first, in intervals of the day
    /// (`[from, to)`); the same seven times when the hours do not differ by weekday.
    pub week: [Vec<(usize, usize)>; 7],
    /// Judged per weekday (a dated log of seven whole days or more), else the same every
    /// day.
    pub by_weekday: bool,
    /// Whole days the hours were judged on.
    pub days: usize,
}

/// The hours of a channel from its counts per (day, interval of the day), or `None` when it
/// shows no closed stretch of an hour or more (or too few whole days to tell).
pub(super) fn fit_hours(
    acc: &ChannelAcc,
    full: &[usize],
    per_day: usize,
    first_date: Option<Date>,
) -> Option<FittedHours> {
    if full.is_empty() {
        return None;
    }
    let mut busy = vec![vec![false; per_day]; full.iter().max().map_or(0, |d| d + 1)];
    for (_, s) in &acc.categories {
        for (&(d, k), &n) in &s.by_day_interval {
            if n > 0.0 && d < busy.len() && k < per_day {
                busy[d][k] = true;
            }
        }
    }
    let min_run = (3600 * per_day).div_ceil(86_400);
    // The closed stretches of a set of days: empty on all of them, in runs of an hour.
    let closed_of = |days: &mut dyn Iterator<Item = usize>| -> Vec<bool> {
        let mut empty = vec![true; per_day];
        for d in days {
            for (k, e) in empty.iter_mut().enumerate() {
                *e &= !busy[d][k];
            }
        }
        long_runs(&empty, min_run)
    };
    let weekday = |d: usize| {
        first_date
            .and_then(|f| f.checked_add(jiff::Span::new().days(d as i64)).ok())
            .map(|x| x.weekday().to_monday_zero_offset() as usize)
    };
    let weekly = full.len() >= 7 && (0..7).all(|w| full.iter().any(|&d| weekday(d) == Some(w)));
    let closed: [Vec<bool>; 7] = if weekly {
        std::array::from_fn(|w| {
            closed_of(&mut full.iter().copied().filter(|&d| weekday(d) == Some(w)))
        })
    } else {
        let first = closed_of(&mut std::iter::once(full[0]));
        if !full
            .iter()
            .all(|&d| closed_of(&mut std::iter::once(d)) == first)
        {
            return None;
        }
        std::array::from_fn(|_| first.clone())
    };
    if !closed.iter().flatten().any(|&c| c) {
        return None;
    }
    Some(FittedHours {
        week: closed.map(|c| windows(&c)),
        by_weekday: weekly,
        days: full.len(),
    })
}

/// `empty` with only its runs of `min_run` or more kept `true`.
fn long_runs(empty: &[bool], min_run: usize) -> Vec<bool> {
    let mut out = vec![false; empty.len()];
    let mut k = 0;
    while k < empty.len() {
        if !empty[k] {
            k += 1;
            continue;
        }
        let start = k;
        while k < empty.len() && empty[k] {
            k += 1;
        }
        if k - start >= min_run {
            out[start..k].iter_mut().for_each(|x| *x = true);
        }
    }
    out
}

/// The open windows (runs of `false`) of a day's closed intervals.
fn windows(closed: &[bool]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (k, &c) in closed.iter().enumerate() {
        if c {
            continue;
        }
        match out.last_mut() {
            Some(w) if w.1 == k => w.1 = k + 1,
            _ => out.push((k, k + 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_under_an_hour_stay_open() {
        let e = [true, true, false, true, false, true, true, true, true];
        assert_eq!(
            long_runs(&e, 2),
            [true, true, false, false, false, true, true, true, true]
        );
        assert_eq!(windows(&long_runs(&e, 2)), vec![(2, 5)]);
        assert_eq!(windows(&[false, true, false]), vec![(0, 1), (2, 3)]);
    }
}
