//! Scheduled agents over time: a roster's shifts as timelines, and a timeline's most
//! agents and agent-hours per interval.

use super::{RosterShift, Timeline};

/// The scheduled and the paid timelines of a set of shifts (agents on a break are not
/// scheduled; they are paid unless the break is unpaid).
pub fn shift_timelines(shifts: &[RosterShift], horizon: f64) -> (Timeline, Timeline) {
    let mut changes: Vec<(f64, i64)> = Vec::new();
    let mut paid_changes: Vec<(f64, i64)> = Vec::new();
    for sh in shifts {
        let n = sh.agents as i64;
        changes.push((sh.start, n));
        changes.push((sh.start + sh.length, -n));
        paid_changes.push((sh.start, n));
        paid_changes.push((sh.start + sh.length, -n));
        for b in &sh.breaks {
            changes.push((b.start, -n));
            changes.push((b.start + b.length, n));
            if !b.paid {
                paid_changes.push((b.start, -n));
                paid_changes.push((b.start + b.length, n));
            }
        }
    }
    (levels(changes, horizon), levels(paid_changes, horizon))
}

/// Running levels of a list of changes, as a timeline from 0 up to the horizon (the
/// level at the horizon holds while the run drains, as with staffing lists).
pub fn levels(mut changes: Vec<(f64, i64)>, horizon: f64) -> Timeline {
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut timeline: Vec<(f64, u32)> = vec![(0.0, 0)];
    let mut level: i64 = 0;
    for (t, delta) in changes {
        if t >= horizon {
            break;
        }
        // A shift that started before the horizon is on duty from its start.
        let t = t.max(0.0);
        level += delta;
        match timeline.last_mut() {
            Some(last) if last.0 == t => last.1 = level as u32,
            _ => timeline.push((t, level as u32)),
        }
    }
    timeline.dedup_by(|b, a| a.1 == b.1);
    timeline
}

/// The most agents scheduled in each interval, and the scheduled agent-hours in it.
pub fn per_interval(
    timeline: &[(f64, u32)],
    n_intervals: usize,
    interval: f64,
) -> (Vec<u32>, Vec<f64>) {
    let mut most = vec![0u32; n_intervals];
    let mut hours = vec![0.0; n_intervals];
    for (i, &(from, n)) in timeline.iter().enumerate() {
        let to = timeline
            .get(i + 1)
            .map_or(n_intervals as f64 * interval, |next| next.0);
        let mut t = from;
        while t < to {
            let k = ((t / interval) as usize).min(n_intervals - 1);
            let end = ((k + 1) as f64 * interval).min(to);
            most[k] = most[k].max(n);
            hours[k] += n as f64 * (end - t) / 3600.0;
            if end <= t {
                break;
            }
            t = end;
        }
    }
    (most, hours)
}
