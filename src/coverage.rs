//! Intervals where contacts arrive but nobody who can serve them is on duty: `ccsim check`
//! warns about them (the scenario is valid; the contacts wait or abandon).

use crate::model::{ContactTypeIdx, Model};

/// A run of consecutive intervals in which contacts of one type arrive (some generated
/// stream has a rate above zero) but every group that handles the type has no agent on duty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uncovered {
    /// The contact type (channel/category pair).
    pub contact_type: ContactTypeIdx,
    /// First interval of the run (index into the horizon's intervals).
    pub from: usize,
    /// One past the last interval of the run.
    pub to: usize,
}

impl Uncovered {
    /// The warning text, e.g. `voice/payment arrives 00:00–06:00 (12 intervals) but no
    /// agent who can serve it is on duty`; times are clock readings from the horizon's start
    /// (`d2 06:00` from the second day on).
    pub fn describe(&self, model: &Model) -> String {
        let n = self.to - self.from;
        format!(
            "{} arrives {}–{} ({n} interval{}) but no agent who can serve it is on duty",
            model.contact_type_name(self.contact_type),
            crate::summary::clock(self.from as f64 * model.interval),
            crate::summary::clock(self.to as f64 * model.interval),
            if n == 1 { "" } else { "s" }
        )
    }
}

/// The uncovered runs of every contact type, by contact type then time. Judged per interval
/// from the generated streams' rates and the groups' on-duty staffing (the most agents on
/// duty in the interval, after shrinkage), so an interval counts as uncovered only when no
/// handling group has anyone on duty at any moment of it. Replayed logs are not judged
/// (their contacts are not known before they run), nor are backlog channels (e-mail waits
/// for the next shift by design), nor contacts that reach a type only by transfer.
pub fn uncovered_arrivals(model: &Model) -> Vec<Uncovered> {
    let mut out = Vec::new();
    for (t, ty) in model.contact_types.iter().enumerate() {
        if ty.backlog {
            continue;
        }
        let t = t as ContactTypeIdx;
        let streams: Vec<_> = model
            .streams
            .iter()
            .filter(|s| s.contact_type == t)
            .collect();
        if streams.is_empty() {
            continue;
        }
        let staffed = |k: usize| {
            ty.groups.iter().any(|&g| {
                let staffing = &model.groups[g as usize].staffing;
                // The last value holds after the list ends.
                staffing.get(k).or(staffing.last()).is_some_and(|&n| n > 0)
            })
        };
        let mut run: Option<usize> = None;
        for k in 0..=model.n_intervals {
            let uncovered = k < model.n_intervals
                && streams
                    .iter()
                    .any(|s| s.rate_per_s.get(k).is_some_and(|&r| r > 0.0))
                && !staffed(k);
            match (uncovered, run) {
                (true, None) => run = Some(k),
                (false, Some(from)) => {
                    out.push(Uncovered {
                        contact_type: t,
                        from,
                        to: k,
                    });
                    run = None;
                }
                _ => {}
            }
        }
    }
    out
}
