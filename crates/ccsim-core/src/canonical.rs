//! Serde helpers for the canonical serialization that identifies a compiled model (ccsim's
//! `shard::identity` writes it and hashes it; partial results of sharded runs carry the
//! hash): `serialize_with` targets for the fields serde cannot write as they are.

use serde::{Serialize, Serializer};
use std::fmt::Display;

/// Serializes an optional value through its `Display` text (for dates, times and offsets of
/// `jiff`, which ccsim builds without its serde support).
pub fn display_option<T: Display, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_some(&DisplayAsStr(v)),
        None => serializer.serialize_none(),
    }
}

/// Serializes nothing (a unit): for a field derived from others that are serialized, such
/// as a sampler built from a distribution's mean and cv.
pub fn derived<T, S: Serializer>(_: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_unit()
}

/// A value serialized as its `Display` text.
struct DisplayAsStr<'a, T>(&'a T);

impl<T: Display> Serialize for DisplayAsStr<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}
