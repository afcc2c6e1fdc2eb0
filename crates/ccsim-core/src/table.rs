//! [`Table`] and [`View`]: what the engine's hot loop indexes by id without a bounds check
//! per access in release builds (issue 18, item 7: the checks were about 15 % of the
//! benchmark's instructions, 8 % of the weekday's). Both are private to this crate: no code
//! outside it can make one, index one or change one's length, so whether every index is
//! in range is this crate's own invariant, argued here.
//!
//! - The workspace's tables ([`crate::engine::Workspace`]: contacts, agents, conversation
//!   slots, group states, queues, streams) and the tallies' (cells, wait histograms,
//!   busy and staffed areas) are `Table`s. The engine's own ids (contacts, agents, slots)
//!   are made by pushing onto their table, which never shrinks during a replication, and
//!   every event, queue entry and slot holding one is emptied at the workspace's reset; a
//!   slot is `agent × max_concurrency + i` with `i` below the agent's group's concurrency
//!   (asserted on the general path where a conversation starts and where one ends).
//! - The model's tables stay `Vec`s (checked) everywhere; the engine reads them through a
//!   [`View`] it makes at the start of each replication, right after
//!   [`crate::model::Model::check_ids`] has checked every id the engine indexes with
//!   (contact types' channels, categories, groups and repeat types; streams' types and
//!   classes; groups' types, escalations and concurrency; channels' bots and redirects;
//!   at least one interval and one priority class; no more `intervals × channels` or
//!   `intervals × groups` cells than a `u32` counts). The model is borrowed immutably for
//!   the whole replication, so the view cannot outlive or disagree with it. A replayed
//!   contact's type and class are checked as it arrives (a feed is the caller's code).
//! - Indices computed from those ids are in range by the same checks: a queue is
//!   `(type or types + group) × classes + class`; a reporting cell is
//!   `interval × channels + channel`, and its interval and channel are checked where a
//!   contact takes its cell (`cell_at`, once per attempt; a returning contact's in
//!   `on_return`, behind its own check of the interval); the e-mail backlog of interval
//!   `k − 1` is recorded as interval `k` starts, `1 ≤ k ≤ intervals`; areas are written
//!   only while the interval is below the horizon's count.
//! - The event heaps (`engine/events.rs`) index theirs with positions that their own loops
//!   keep below the length (a parent of a position, the children of a position whose last
//!   child is below the length).
//!
//! Builds with debug assertions (`cargo test` without `--release`, and the `checked`
//! profile in which `.ci/run` runs the integration tests and this crate's unit tests a
//! second time) check every access
//! as a `Vec` or a slice does, and panic at the first one out of range.

use std::ops::{Deref, DerefMut, Index, IndexMut};

/// A `Vec<T>` whose `[i]` does not check `i` against its length in release builds (see the
/// module's documentation for why every index the crate uses is in range). Everything else
/// (length, iteration, `push`, `resize`, …) is the `Vec`'s, through `Deref`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Table<T>(Vec<T>);

impl<T> Default for Table<T> {
    fn default() -> Table<T> {
        Table(Vec::new())
    }
}

impl<T> Deref for Table<T> {
    type Target = Vec<T>;
    #[inline(always)]
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> DerefMut for Table<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> Index<usize> for Table<T> {
    type Output = T;
    /// Element `i`, which must be below the length (checked with debug assertions).
    #[inline(always)]
    fn index(&self, i: usize) -> &T {
        if cfg!(debug_assertions) {
            return &self.0[i];
        }
        // SAFETY: every index the crate uses is in range (the module's documentation).
        unsafe { self.0.get_unchecked(i) }
    }
}

impl<T> IndexMut<usize> for Table<T> {
    /// Element `i`, which must be below the length (checked with debug assertions).
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut T {
        if cfg!(debug_assertions) {
            return &mut self.0[i];
        }
        // SAFETY: every index the crate uses is in range (the module's documentation).
        unsafe { self.0.get_unchecked_mut(i) }
    }
}

impl<T> Index<std::ops::Range<usize>> for Table<T> {
    type Output = [T];
    /// Elements `range` (always checked: not on the hot path's every access).
    #[inline]
    fn index(&self, range: std::ops::Range<usize>) -> &[T] {
        &self.0[range]
    }
}

impl<'a, T> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Table<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

/// A table of the model, read by the engine without a bounds check per access in release
/// builds: made by the engine at the start of a replication, after the model's ids were
/// checked (see the module's documentation).
#[derive(Debug)]
pub(crate) struct View<'a, T>(&'a [T]);

impl<T> Clone for View<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for View<'_, T> {}

impl<'a, T> View<'a, T> {
    /// A view of `table`, whose every index the caller has checked.
    pub(crate) fn of(table: &'a [T]) -> View<'a, T> {
        View(table)
    }
}

impl<'a, T> View<'a, T> {
    /// Element `i`, which must be below the length (checked with debug assertions),
    /// borrowed from the model (not from the view, a copy held by the engine).
    #[inline(always)]
    pub(crate) fn at(self, i: usize) -> &'a T {
        if cfg!(debug_assertions) {
            return &self.0[i];
        }
        // SAFETY: every index the engine uses is in range (the module's documentation).
        unsafe { self.0.get_unchecked(i) }
    }
}

#[cfg(test)]
mod tests {
    use super::{Table, View};

    #[test]
    fn a_table_indexes_and_grows_as_a_vec() {
        let mut t: Table<u32> = Table::default();
        t.extend([1, 2, 3]);
        t[1] = 20;
        t.push(4);
        assert_eq!((t[0], t[1], t[3], t.len()), (1, 20, 4, 4));
        assert_eq!(&t[1..3], &[20, 3]);
        assert_eq!(t.iter().sum::<u32>(), 28);
        let v = View::of(&t);
        assert_eq!((v.at(0), v.at(3)), (&1, &4));
    }

    /// With debug assertions, an index out of range panics as a `Vec`'s does.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn out_of_range_panics_when_checked() {
        let mut t: Table<u32> = Table::default();
        t.push(1);
        let _ = t[1];
    }

    /// The same for a view of the model's tables.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn a_view_out_of_range_panics_when_checked() {
        let v = View::of(&[1u32][..]);
        let _ = v.at(1);
    }
}
