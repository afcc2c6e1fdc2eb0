//! Which groups a contact could go to at once: per contact type, a bit per group of the
//! type's routing list (`ContactType::groups`, in order) that is set while that group has
//! an available agent and takes contacts without an overflow wait. Routing a new contact
//! then reads the first set bit instead of asking every group in turn (which cost
//! 15,900 instructions a contact with 200 groups handling the same type, all busy); a
//! group's bits change only when its available list turns empty or not empty.
//!
//! Invariant: bit `p` of type `t` is set exactly when group `model.contact_types[t]
//! .groups[p]` has `overflow_after == 0` and a non-empty available list.

use crate::ids::{ContactTypeId, GroupId};
use crate::model::Model;

/// The bits (see the module's documentation).
#[derive(Clone, Debug, Default)]
pub(super) struct Availability {
    /// Per contact type, its first word in `bits`; one more entry ends the last type.
    start: Vec<u32>,
    /// The bits, 64 places a word.
    bits: Vec<u64>,
    /// Per group, its first entry in `places`; one more entry ends the last group.
    group_start: Vec<u32>,
    /// Each group's places in the types' lists: (word, mask).
    places: Vec<(u32, u64)>,
    /// Reused while building: (group, word, mask).
    scratch: Vec<(u32, u32, u64)>,
    /// Reused while building: each group's next entry.
    next: Vec<u32>,
    /// Whether some type has more than [`ASK_UP_TO`] groups; else the bits are not kept
    /// and routing asks each group (cheaper for a few).
    pub(super) used: bool,
}

/// Most groups in a type's routing list for which routing asks each group in turn.
pub(super) const ASK_UP_TO: usize = 4;

thread_local! {
    /// Tests: another [`ASK_UP_TO`] on this thread (both ways must give the same results).
    pub(super) static ASK_OVERRIDE: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

impl Availability {
    /// All bits clear for `model` (keeping storage).
    pub(super) fn reset(&mut self, model: &Model) {
        let ask_up_to = ASK_OVERRIDE.with(|o| o.get()).unwrap_or(ASK_UP_TO);
        self.used = model
            .contact_types
            .iter()
            .any(|t| t.groups.len() > ask_up_to);
        if !self.used {
            return;
        }
        self.start.clear();
        self.scratch.clear();
        let mut words = 0u32;
        for t in &model.contact_types {
            self.start.push(words);
            for (p, &g) in t.groups.iter().enumerate() {
                if model.groups[g.index()].overflow_after == 0.0 {
                    let word = words + (p / 64) as u32;
                    self.scratch
                        .push((g.index() as u32, word, 1u64 << (p % 64)));
                }
            }
            words += t.groups.len().div_ceil(64) as u32;
        }
        self.start.push(words);
        self.bits.clear();
        self.bits.resize(words as usize, 0);
        // The places grouped by group (a stable counting sort).
        self.group_start.clear();
        self.group_start.resize(model.groups.len() + 1, 0);
        for &(g, _, _) in &self.scratch {
            self.group_start[g as usize + 1] += 1;
        }
        for g in 0..model.groups.len() {
            self.group_start[g + 1] += self.group_start[g];
        }
        self.places.clear();
        self.places.resize(self.scratch.len(), (0, 0));
        self.next.clear();
        self.next
            .extend_from_slice(&self.group_start[..model.groups.len()]);
        for &(g, word, mask) in &self.scratch {
            let i = &mut self.next[g as usize];
            self.places[*i as usize] = (word, mask);
            *i += 1;
        }
    }

    /// Group `g`'s available list turned non-empty (`true`) or empty (`false`).
    #[inline]
    pub(super) fn set(&mut self, g: GroupId, available: bool) {
        if !self.used {
            return;
        }
        let (from, to) = (self.group_start[g.index()], self.group_start[g.index() + 1]);
        for &(word, mask) in &self.places[from as usize..to as usize] {
            if available {
                self.bits[word as usize] |= mask;
            } else {
                self.bits[word as usize] &= !mask;
            }
        }
    }

    /// The first place in type `t`'s routing list whose group has an available agent
    /// (and no overflow wait).
    #[inline]
    pub(super) fn first(&self, t: ContactTypeId) -> Option<usize> {
        let (from, to) = (self.start[t.index()], self.start[t.index() + 1]);
        let words = &self.bits[from as usize..to as usize];
        let (w, word) = words.iter().enumerate().find(|&(_, &w)| w != 0)?;
        Some(w * 64 + word.trailing_zeros() as usize)
    }
}
