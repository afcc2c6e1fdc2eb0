//! Stage 3 of the tours: each day's shifts handed to the people whose day pattern works
//! that day, day by day in order. Rest and start band turn each person into a window of
//! start times for the day: no earlier than their previous shift's end plus the rest, and
//! within ± the band of their week's first start (a horizon of several weeks keeps the
//! band week by week); in a cyclic week also early enough to
//! leave the rest before their first shift of the next week. Shifts (points) are matched to
//! windows greedily, latest start first, to the fitting person whose window begins
//! latest — a maximum matching of points to intervals when the day's shifts share one
//! length — except that a person who works tomorrow is given a shift that keeps them
//! from tomorrow's earliest shift only when nobody else fits. A shift nobody can take is
//! left unplaced (the caller raises that day's count and re-solves); a person working a
//! day with no shift left gets the first of the day's options that fits (the caller
//! orders them busiest first). No rule is ever broken: a tour that cannot be completed
//! (no fitting shift on one of its days, and its other days no allowed pattern) is left
//! out and its required shifts are counted as unplaced.

use super::patterns::{self, PatternRules};

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;

/// A shift a person may work on a day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayShift {
    /// Its candidate (an index the caller understands).
    pub candidate: usize,
    /// Start, seconds from the day's midnight (0 ≤ start < 24 h).
    pub start: f64,
    /// Length in seconds, breaks included.
    pub length: f64,
}

/// The rules of stage 3 and what to assign.
pub struct AssignProblem<'a> {
    /// The day-pattern rules (their horizon; a cyclic week wraps the rest to the next
    /// week's first shift).
    pub rules: &'a PatternRules,
    /// Seconds from a shift's end to the next start, at least.
    pub min_rest: f64,
    /// Starts within ± this of the week's first start (time of day), when limited.
    pub start_band: Option<f64>,
    /// Per day: the shifts that must be placed.
    pub required: &'a [Vec<DayShift>],
    /// Per day: the shifts a person with no required shift left may work, best first.
    pub options: &'a [Vec<DayShift>],
    /// One day pattern per person.
    pub people: &'a [u32],
    /// Hand out each day's shifts earliest first (to the person whose window ends
    /// earliest) instead of latest first.
    pub earliest_first: bool,
}

/// One person's tour: their pattern and, per day, the shift worked.
#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    /// The day pattern stage 2 gave them.
    pub pattern: u32,
    /// Per day: the shift worked (`None`: a day off).
    pub shifts: Vec<Option<DayShift>>,
    /// Days whose shift is a surplus one (no required shift was left for the person).
    pub surplus: u32,
}

impl Tour {
    /// The days worked, as a bit set.
    pub fn worked(&self) -> u32 {
        (self.shifts.iter().enumerate())
            .filter(|(_, s)| s.is_some())
            .fold(0, |m, (d, _)| m | 1 << d)
    }
}

/// What stage 3 made of the people.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// Every person's tour.
    pub tours: Vec<Tour>,
    /// Per day: required shifts nobody could take.
    pub unplaced: Vec<u32>,
    /// People whose tour could not be completed within the rules (a worked day with no
    /// fitting shift left its days no allowed pattern): left out, their required shifts
    /// counted in `unplaced`.
    pub dropped: u32,
}

/// Assigns the shifts of every day (see the module's description).
pub fn assign(p: &AssignProblem) -> Assignment {
    let n_days = p.rules.n_days as usize;
    let mut tours: Vec<Tour> = (p.people.iter())
        .map(|&pattern| Tour {
            pattern,
            shifts: vec![None; n_days],
            surplus: 0,
        })
        .collect();
    let mut unplaced = vec![0u32; n_days];
    for d in 0..n_days {
        let mut free: Vec<usize> = (0..tours.len())
            .filter(|&i| tours[i].pattern >> d & 1 == 1)
            .collect();
        let mut shifts = p.required[d].clone();
        // Latest first: a late shift goes to whoever it hinders least tomorrow, among them
        // to the person whose window begins latest (or, earliest first, ends earliest).
        shifts.sort_by(|a, b| {
            b.start
                .total_cmp(&a.start)
                .then(a.candidate.cmp(&b.candidate))
        });
        if p.earliest_first {
            shifts.reverse();
        }
        let tomorrow = p.required.get(d + 1).map_or(&[][..], |v| v.as_slice());
        for s in shifts {
            let key = |i: usize| {
                let t = &tours[i];
                let window = if p.earliest_first {
                    latest_start(p, t, d, &s)
                } else {
                    -earliest_start(p, t, d, &s)
                };
                (blocks(p, t, d, &s, tomorrow), window)
            };
            let best = (free.iter().enumerate())
                .filter(|&(_, &i)| fits(p, &tours[i], d, &s))
                .min_by(|a, b| {
                    key(*a.1)
                        .partial_cmp(&key(*b.1))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
            // A shift nobody can take is counted by `drop_broken`.
            if let Some((at, &i)) = best {
                tours[i].shifts[d] = Some(s);
                free.remove(at);
            }
        }
        for i in free {
            let t = &tours[i];
            let fitting = p.options[d].iter().filter(|s| fits(p, t, d, s));
            let pick = fitting.min_by_key(|s| blocks(p, t, d, s, tomorrow));
            if let Some(s) = pick.copied() {
                tours[i].shifts[d] = Some(s);
                tours[i].surplus |= 1 << d;
            }
        }
    }
    let dropped = drop_broken(p, &mut tours, &mut unplaced);
    Assignment {
        tours,
        unplaced,
        dropped,
    }
}

/// Leaves out the tours whose worked days are no allowed pattern (a day with no fitting
/// shift), then counts per day the required shifts no tour works (`unplaced`). Returns
/// how many tours were left out.
fn drop_broken(p: &AssignProblem, tours: &mut Vec<Tour>, unplaced: &mut [u32]) -> u32 {
    let before = tours.len();
    tours.retain(|t| t.worked() == t.pattern || patterns::allowed(t.worked(), p.rules));
    for (d, day) in p.required.iter().enumerate() {
        let mut worked: Vec<usize> = (tours.iter())
            .filter_map(|t| t.shifts[d].map(|s| s.candidate))
            .collect();
        worked.sort_unstable();
        let mut short = 0;
        for s in day {
            match worked.binary_search(&s.candidate) {
                Ok(at) => {
                    worked.remove(at);
                }
                Err(_) => short += 1,
            }
        }
        unplaced[d] = short;
    }
    (before - tours.len()) as u32
}

/// 1 when the person works tomorrow and `s` today would keep them from tomorrow's
/// earliest required shift (by the rest), else 0.
fn blocks(p: &AssignProblem, t: &Tour, d: usize, s: &DayShift, tomorrow: &[DayShift]) -> u8 {
    if t.pattern >> (d + 1) & 1 == 0 {
        return 0;
    }
    let earliest = tomorrow
        .iter()
        .map(|x| x.start)
        .fold(f64::INFINITY, f64::min);
    if !earliest.is_finite() {
        return 0;
    }
    u8::from(DAY + earliest < s.start + s.length + p.min_rest - 1e-6)
}

/// The tour's first shift so far, with its day.
fn first(t: &Tour) -> Option<(usize, DayShift)> {
    (t.shifts.iter().enumerate()).find_map(|(d, s)| s.map(|s| (d, s)))
}

/// The tour's first shift in day `d`'s week (days `7⌊d/7⌋` on; the whole horizon when it
/// is a week or less): the start its band is kept around.
fn band_reference(t: &Tour, d: usize) -> Option<DayShift> {
    let from = d / 7 * 7;
    t.shifts.get(from..).and_then(|s| s.iter().find_map(|x| *x))
}

/// Whether `s` on day `d` keeps the rest after the tour's last shift before `d`, the band
/// around the week's first start and, in a cyclic week, the rest before next week's first
/// shift.
pub fn fits(p: &AssignProblem, t: &Tour, d: usize, s: &DayShift) -> bool {
    let at = d as f64 * DAY + s.start;
    let before = (t.shifts[..d].iter().enumerate().rev()).find_map(|(e, x)| x.map(|x| (e, x)));
    if let Some((e, x)) = before
        && at < e as f64 * DAY + x.start + x.length + p.min_rest - 1e-6
    {
        return false;
    }
    let Some((f, x)) = first(t) else {
        return true;
    };
    if let (Some(band), Some(r)) = (p.start_band, band_reference(t, d))
        && (s.start - r.start).abs() > band + 1e-6
    {
        return false;
    }
    let next_week = (f + p.rules.n_days as usize) as f64 * DAY + x.start;
    !(p.rules.cyclic() && at + s.length + p.min_rest > next_week + 1e-6)
}

/// The earliest start (seconds of day `d`'s clock) the tour could take: its window's
/// beginning, after the rest since its last shift and within the band of its first start
/// (unbounded below for a tour with no shift yet).
fn earliest_start(p: &AssignProblem, t: &Tour, d: usize, _s: &DayShift) -> f64 {
    if first(t).is_none() {
        return f64::NEG_INFINITY;
    }
    let band =
        (p.start_band.zip(band_reference(t, d))).map_or(f64::NEG_INFINITY, |(b, r)| r.start - b);
    let before = (t.shifts[..d].iter().enumerate().rev()).find_map(|(e, x)| x.map(|x| (e, x)));
    let rest = before.map_or(f64::NEG_INFINITY, |(e, x)| {
        e as f64 * DAY + x.start + x.length + p.min_rest - d as f64 * DAY
    });
    band.max(rest)
}

/// The latest start (seconds of day `d`'s clock) the tour could take for a shift of
/// `s`'s length: its window's end, within the band of its first start and, in a cyclic
/// week, early enough for the rest before next week's first shift (unbounded for a tour
/// with no shift yet).
fn latest_start(p: &AssignProblem, t: &Tour, d: usize, s: &DayShift) -> f64 {
    let Some((f, x)) = first(t) else {
        return f64::INFINITY;
    };
    let band = (p.start_band.zip(band_reference(t, d))).map_or(f64::INFINITY, |(b, r)| r.start + b);
    let wrap = if p.rules.cyclic() {
        (f + p.rules.n_days as usize) as f64 * DAY + x.start
            - s.length
            - p.min_rest
            - d as f64 * DAY
    } else {
        f64::INFINITY
    };
    band.min(wrap)
}
