//! Opening hours of a channel, as plain data: the open windows in horizon seconds
//! (precomputed by the scenario compiler from the days of the week, the closed dates and the
//! `[simulation] start`), what happens to a contact that arrives while the channel is
//! closed, and to contacts still waiting when it closes.
//!
//! Invariants: `open` is sorted, its windows are disjoint, not adjacent (touching windows
//! are merged), non-empty and lie within `[0, horizon]`; a window ending at the horizon
//! is open until the run ends (the drain after the horizon is not a closing).

use crate::ids::{ChannelId, ContactTypeId};

/// A channel's opening hours and its policies (`[[channel]] hours`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OpeningHours {
    /// Open windows `[from, to)`, seconds from the start of the horizon, sorted and
    /// disjoint; outside them the channel is closed.
    pub open: Vec<(f64, f64)>,
    /// What happens to a contact that arrives while the channel is closed.
    pub when_closed: WhenClosed,
    /// What happens to contacts still waiting in the channel's queues when it closes.
    pub at_closing: AtClosing,
}

/// What happens to a contact (a first attempt, a redial or a repeat) that arrives while
/// its channel is closed. In every case it is counted as `closed`, neither offered nor
/// abandoned.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum WhenClosed {
    /// It is lost (`when_closed = "lose"`, the default).
    Lose,
    /// It joins the human queue at the next opening, as a callback request or a backlog
    /// item that nobody abandons; its wait counts from the opening and it is offered in
    /// the opening's interval. Lost when the channel does not open again in the horizon
    /// (`when_closed = "defer"`).
    Defer,
    /// It goes to another channel, as the contact type of its category there
    /// (`when_closed = { to = "chat" }`); lost when that channel is closed too.
    Redirect {
        /// The channel it goes to.
        channel: ChannelId,
        /// Per category, the contact type it becomes there (`None`: no group handles it,
        /// lost).
        as_type: Vec<Option<ContactTypeId>>,
    },
}

/// What happens to contacts still waiting in a channel's queues when it closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum AtClosing {
    /// They stay and are served (`at_closing = "serve"`, the default).
    Serve,
    /// They leave, counted as `closed` (not abandoned) (`at_closing = "drop"`).
    Drop,
}

impl OpeningHours {
    /// Whether the channel is open at time `t` (seconds from the start).
    pub fn is_open(&self, t: f64) -> bool {
        let i = self.open.partition_point(|&(_, to)| to <= t);
        self.open.get(i).is_some_and(|&(from, _)| from <= t)
    }

    /// Seconds of `[from, to)` during which the channel is open.
    pub fn open_seconds(&self, from: f64, to: f64) -> f64 {
        (self.open.iter())
            .map(|&(a, b)| (b.min(to) - a.max(from)).max(0.0))
            .sum()
    }

    /// Whether the channel is closed during the whole of `[from, to)`.
    pub fn closed_throughout(&self, from: f64, to: f64) -> bool {
        !self.open.iter().any(|&(a, b)| a < to && from < b)
    }
}

impl super::Model {
    /// Whether channel `ch` is closed during the whole of interval `k` (never without
    /// hours).
    pub fn channel_closed_in(&self, ch: ChannelId, k: usize) -> bool {
        let (from, to) = (k as f64 * self.interval, (k + 1) as f64 * self.interval);
        (self.channels[ch.index()].hours.as_ref()).is_some_and(|h| h.closed_throughout(from, to))
    }

    /// Whether every channel group `g` handles is closed during the whole of interval `k`
    /// (never for a group that handles nothing, or without hours): its agents on duty and
    /// occupancy are then not reported for the interval nor counted in its averages.
    pub fn group_closed_in(&self, g: crate::ids::GroupId, k: usize) -> bool {
        let handles = &self.groups[g.index()].handles;
        !handles.is_empty()
            && handles
                .iter()
                .all(|&t| self.channel_closed_in(self.contact_types[t.index()].channel, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_answer_open_closed_and_open_time() {
        let h = OpeningHours {
            open: vec![(8.0, 12.0), (13.0, 20.0)],
            when_closed: WhenClosed::Lose,
            at_closing: AtClosing::Serve,
        };
        let open: Vec<bool> = [0.0, 8.0, 11.9, 12.0, 12.5, 13.0, 19.99, 20.0, 30.0]
            .iter()
            .map(|&t| h.is_open(t))
            .collect();
        assert_eq!(
            open,
            [false, true, true, false, false, true, true, false, false]
        );
        assert_eq!(h.open_seconds(0.0, 24.0), 11.0);
        assert_eq!(h.open_seconds(10.0, 14.0), 3.0);
        assert!(h.closed_throughout(12.0, 13.0));
        assert!(h.closed_throughout(20.0, 24.0));
        assert!(!h.closed_throughout(11.0, 12.5));
    }
}
