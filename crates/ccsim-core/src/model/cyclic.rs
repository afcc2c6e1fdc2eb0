//! The cyclic day (`[simulation] cyclic = true`): a typical 24-hour day repeated. The
//! model is the day twice over: the first copy, the lead-in, is simulated and not counted
//! (it is the warm-up), so the counted day opens with the queue left at midnight and with
//! the night shift that started the evening before. Shifts wrap: a shift's copies one day
//! apart are all placed, so one that ends past midnight covers the early morning of the
//! next day. Invariants: every per-interval list of a cyclic model is its day's list
//! twice; `Model::lead_in` is the day's length; times shown to users are
//! [`Model::display_time`] (the counted day's clock).

use super::{Model, RosterShift, Timeline, levels};

/// The scheduled and the paid timelines of a set of shifts repeated every `day` seconds,
/// over `days` days: each shift (start in `[-day, day)`, length at most a day) is placed
/// at its start plus every whole number of days that reaches into `[0, days × day)`, so a
/// shift past midnight covers the next morning and one that starts before 0 covers the
/// first. Agents on a break are not scheduled; they are paid unless the break is unpaid.
pub fn cyclic_timelines(shifts: &[RosterShift], day: f64, days: usize) -> (Timeline, Timeline) {
    let mut changes: Vec<(f64, i64)> = Vec::new();
    let mut paid_changes: Vec<(f64, i64)> = Vec::new();
    for sh in shifts {
        let n = sh.agents as i64;
        for m in -2..=days as i64 {
            let at = m as f64 * day;
            let (from, to) = (sh.start + at, sh.start + sh.length + at);
            if to <= 0.0 || from >= days as f64 * day {
                continue;
            }
            changes.extend([(from, n), (to, -n)]);
            paid_changes.extend([(from, n), (to, -n)]);
            for b in &sh.breaks {
                let (b_from, b_to) = (b.start + at, b.start + b.length + at);
                changes.extend([(b_from, -n), (b_to, n)]);
                if !b.paid {
                    paid_changes.extend([(b_from, -n), (b_to, n)]);
                }
            }
        }
    }
    let horizon = days as f64 * day;
    (levels(changes, horizon), levels(paid_changes, horizon))
}

/// `timeline` (from 0, within one day) followed by itself one day later.
fn twice(timeline: &[(f64, u32)], day: f64) -> Timeline {
    let mut out = timeline.to_vec();
    out.extend(timeline.iter().map(|&(t, n)| (t + day, n)));
    out
}

/// A list of one value per interval of the day, twice (empty stays empty).
fn twice_list<T: Clone>(list: &mut Vec<T>) {
    let copy = list.clone();
    list.extend(copy);
}

impl Model {
    /// `t` seconds of the model's clock on the clock users read: seconds from the counted
    /// day's midnight in a cyclic model (`t − lead_in`, negative in the lead-in), `t`
    /// otherwise.
    #[inline]
    pub fn display_time(&self, t: f64) -> f64 {
        t - self.lead_in
    }

    /// Whether the scenario is cyclic (a lead-in day precedes the counted one).
    pub fn is_cyclic(&self) -> bool {
        self.lead_in > 0.0
    }

    /// Intervals of the lead-in day (0 when the model is not cyclic).
    pub fn lead_in_intervals(&self) -> usize {
        (self.lead_in / self.interval).round() as usize
    }

    /// The horizon users count: the day of a cyclic model, the whole horizon otherwise.
    pub fn counted_horizon(&self) -> f64 {
        self.horizon - self.lead_in
    }

    /// The scheduled and the paid timelines of `shifts` (starts in the counted day's clock)
    /// on this model: wrapped over both days of a cyclic model ([`cyclic_timelines`]),
    /// else as [`super::shift_timelines`] (a shift that started before 0 is on duty from
    /// 0; one past the horizon stops counting there).
    pub fn shift_timelines(&self, shifts: &[RosterShift]) -> (Timeline, Timeline) {
        if self.is_cyclic() {
            // The day's timeline twice, exactly as the compiler builds a cyclic group.
            let (scheduled, paid) = cyclic_timelines(shifts, self.lead_in, 1);
            (twice(&scheduled, self.lead_in), twice(&paid, self.lead_in))
        } else {
            super::shift_timelines(shifts, self.horizon)
        }
    }

    /// Turns a one-day model whose group timelines already wrap (each the cyclic day's)
    /// into its cyclic form: the day twice, the first copy the lead-in and the warm-up.
    /// Every per-interval list (arrival rates, per-interval AHT and shrinkage, staffing,
    /// paid hours), every group timeline, the opening hours and the bot outages are
    /// repeated one day later; surges stay on the day's clock (they are for display, their
    /// effect is in the rates). Replayed logs are not repeated (the scenario refuses them).
    pub fn unroll_cyclic(&mut self) {
        let day = self.horizon;
        self.lead_in = day;
        self.warmup = day;
        self.horizon = 2.0 * day;
        self.n_intervals *= 2;
        for s in &mut self.streams {
            twice_list(&mut s.rate_per_s);
        }
        for t in &mut self.contact_types {
            twice_list(&mut t.handle_scale);
            twice_list(&mut t.patience);
        }
        for g in &mut self.groups {
            twice_list(&mut g.staffing);
            twice_list(&mut g.scheduled);
            twice_list(&mut g.paid_hours);
            twice_list(&mut g.shrinkage_by_interval);
            g.timeline = twice(&g.timeline, day);
        }
        for ch in &mut self.channels {
            if let Some(h) = &mut ch.hours {
                h.open = twice_windows(&h.open, day);
            }
        }
        for b in &mut self.bots {
            b.outages = twice_windows(&b.outages, day);
        }
    }
}

/// Sorted disjoint windows within one day, followed by their copies one day later; a
/// window that ends at midnight and one that starts at midnight become one.
fn twice_windows(windows: &[(f64, f64)], day: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(2 * windows.len());
    out.extend_from_slice(windows);
    for &(a, b) in windows {
        let (a, b) = (a + day, b + day);
        match out.last_mut() {
            Some(last) if last.1 >= a => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 3600.0;

    fn shift(start: f64, length: f64, agents: u32) -> RosterShift {
        RosterShift {
            start,
            length,
            agents,
            breaks: Vec::new(),
        }
    }

    #[test]
    fn a_night_shift_covers_the_next_morning() {
        let (scheduled, paid) = cyclic_timelines(&[shift(22.0 * H, 8.5 * H, 5)], 24.0 * H, 1);
        assert_eq!(scheduled, vec![(0.0, 5), (6.5 * H, 0), (22.0 * H, 5)]);
        assert_eq!(paid, scheduled);
        let (two_days, _) = cyclic_timelines(&[shift(22.0 * H, 8.5 * H, 5)], 24.0 * H, 2);
        assert_eq!(
            two_days,
            vec![
                (0.0, 5),
                (6.5 * H, 0),
                (22.0 * H, 5),
                (30.5 * H, 0),
                (46.0 * H, 5)
            ]
        );
    }

    #[test]
    fn a_shift_started_before_midnight_wraps_with_its_break() {
        let mut sh = shift(-2.0 * H, 8.0 * H, 3);
        sh.breaks.push(super::super::RosterBreak {
            start: 2.0 * H,
            length: 0.5 * H,
            paid: false,
        });
        let (scheduled, paid) = cyclic_timelines(&[sh], 24.0 * H, 1);
        assert_eq!(
            scheduled,
            vec![
                (0.0, 3),
                (2.0 * H, 0),
                (2.5 * H, 3),
                (6.0 * H, 0),
                (22.0 * H, 3)
            ]
        );
        assert_eq!(
            paid,
            vec![
                (0.0, 3),
                (2.0 * H, 0),
                (2.5 * H, 3),
                (6.0 * H, 0),
                (22.0 * H, 3)
            ]
        );
    }

    #[test]
    fn windows_across_midnight_merge() {
        let w = twice_windows(&[(0.0, 6.0), (20.0, 24.0)], 24.0);
        assert_eq!(w, vec![(0.0, 6.0), (20.0, 30.0), (44.0, 48.0)]);
    }
}
