//! Patience by contact type and by interval: a channel's `patience` holds for every
//! category and hour unless the scenario's `patience_by` sets another for a category, for
//! hours of the day, or both. A customer's patience is drawn from the distribution of the
//! interval it starts waiting in (ContactCenters' "patience by period").
//!
//! Invariant: a contact type's `patience` table is empty (the channel's patience) or has
//! one entry per interval of the horizon, each [`NO_PATIENCE`] or an index into
//! [`Model::patiences`].

use super::Model;
use crate::distribution::Distribution;
use crate::ids::ContactTypeId;

/// A `ContactType::patience` entry: customers who start waiting in that interval never
/// abandon.
pub const NO_PATIENCE: u32 = u32::MAX;

impl Model {
    /// The patience distribution of a customer of type `t` who starts waiting in interval
    /// `k` (past the horizon: the last interval's); `None`: they never abandon.
    #[inline]
    pub fn patience_in(&self, t: ContactTypeId, k: usize) -> Option<&Distribution> {
        let ct = &self.contact_types[t.index()];
        if ct.patience.is_empty() {
            return self.channels[ct.channel.index()].patience.as_ref();
        }
        let i = ct.patience[k.min(ct.patience.len() - 1)];
        self.patiences.get(i as usize)
    }

    /// Whether some contact type's patience changes from one interval to another (then a
    /// customer's patience is drawn again when it starts waiting in another interval
    /// than the one it arrived in, e.g. after a bot).
    pub fn patience_varies(&self) -> bool {
        self.contact_types
            .iter()
            .any(|ct| ct.patience.windows(2).any(|w| w[0] != w[1]))
    }

    /// Whether some customer of channel `channel` may abandon: its `patience`, or a
    /// `patience_by` entry of one of its contact types.
    pub fn channel_may_abandon(&self, channel: usize) -> bool {
        self.channels[channel].patience.is_some()
            || self.contact_types.iter().any(|ct| {
                ct.channel.index() == channel && ct.patience.iter().any(|&i| i != NO_PATIENCE)
            })
    }

    /// The mean patience, seconds, of channel `channel`'s customers who start waiting in
    /// interval `k`: its contact types' means weighted by their arrival rates in `k`
    /// (equally when none arrives), over the types that may abandon; `None` when none may.
    /// What the optimizer's Erlang A sizing takes (the simulation then checks the roster).
    pub fn patience_mean_in(&self, channel: usize, k: usize) -> Option<f64> {
        if self.contact_types.iter().all(|ct| ct.patience.is_empty()) {
            return self.channels[channel].patience.as_ref().map(|d| d.mean());
        }
        let (mut sum, mut weight, mut plain, mut n) = (0.0, 0.0, 0.0, 0.0);
        for (t, ct) in self.contact_types.iter().enumerate() {
            if ct.channel.index() != channel {
                continue;
            }
            let Some(d) = self.patience_in(ContactTypeId::from_index(t), k) else {
                continue;
            };
            let rate: f64 = self
                .streams
                .iter()
                .filter(|s| s.contact_type.index() == t)
                .map(|s| s.rate_per_s.get(k).copied().unwrap_or(0.0))
                .sum();
            sum += rate * d.mean();
            weight += rate;
            plain += d.mean();
            n += 1.0;
        }
        if n == 0.0 {
            None
        } else if weight > 0.0 {
            Some(sum / weight)
        } else {
            Some(plain / n)
        }
    }
}
