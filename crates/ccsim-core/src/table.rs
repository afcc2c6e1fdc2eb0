//! [`Table`]: the `Vec` the engine's hot loop indexes by typed ids, without a bounds check
//! per access in release builds (issue 18, item 7: the checks were about 15 % of the
//! benchmark's instructions, 8 % of the weekday's).
//!
//! Why that is sound: a `Table` is indexed only with the typed ids of [`crate::ids`], and
//! every id is in range of the table it names:
//! - the engine's own ids (contacts, agents, conversation slots) are made by pushing onto
//!   their table, which never shrinks during a replication, and every event, queue entry
//!   and slot that holds one is emptied at [`crate::engine::Workspace`]'s reset;
//! - the model's ids (channels, contact types, streams, groups, priority classes) are
//!   checked against the model's tables once per replication, before the first event
//!   ([`crate::model::Model::check_ids`]), and every replayed contact's type and class as
//!   it arrives; the model is borrowed immutably for the whole replication;
//! - the indices computed from them (a queue is `type × classes + class`, a reporting cell
//!   `interval × channels + channel`) are in range by those checks, and a cell's interval
//!   is checked where a contact takes its cell (once per attempt, not per access).
//!
//! Builds with debug assertions (`cargo test` without `--release`, and the `checked`
//! profile that `.ci/run` tests the engine with) check every access as a `Vec` does, and
//! panic on the first one out of range.
//!
//! Everything else of a `Vec` (length, iteration, `push`, `resize`, …) is the `Vec`'s own,
//! through `Deref`.

use std::ops::{Deref, DerefMut, Index, IndexMut};

/// A `Vec<T>` whose `[i]` does not check `i` against its length in release builds (see the
/// module's documentation for why every index the engine uses is in range).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Table<T>(Vec<T>);

impl<T> Table<T> {
    /// An empty table.
    pub const fn new() -> Table<T> {
        Table(Vec::new())
    }

    /// The `Vec` it holds.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> Default for Table<T> {
    fn default() -> Table<T> {
        Table::new()
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
        // SAFETY: every index the engine uses is in range (the module's documentation).
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
        // SAFETY: every index the engine uses is in range (the module's documentation).
        unsafe { self.0.get_unchecked_mut(i) }
    }
}

impl<T> Index<std::ops::Range<usize>> for Table<T> {
    type Output = [T];
    /// Elements `range` (always checked: ranges are not on the hot path's every access).
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

impl<T> From<Vec<T>> for Table<T> {
    fn from(v: Vec<T>) -> Table<T> {
        Table(v)
    }
}

impl<T> FromIterator<T> for Table<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Table<T> {
        Table(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn a_table_indexes_and_grows_as_a_vec() {
        let mut t: Table<u32> = vec![1, 2, 3].into();
        t[1] = 20;
        t.push(4);
        assert_eq!((t[0], t[1], t[3], t.len()), (1, 20, 4, 4));
        assert_eq!(&t[1..3], &[20, 3]);
        assert_eq!(t.iter().sum::<u32>(), 28);
        assert_eq!(t.into_vec(), vec![1, 20, 3, 4]);
    }

    /// With debug assertions, an index out of range panics as a `Vec`'s does.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn out_of_range_panics_when_checked() {
        let t: Table<u32> = vec![1].into();
        let _ = t[1];
    }
}
