//! The serialization of the model's structs that have optional per-interval fields
//! (`ContactType::handle_scale`, `Group::shrinkage_by_interval`): written by hand so that a
//! model without them serializes byte for byte as before they existed, and keeps its shard
//! identity (a derive with `skip_serializing_if` would still name the skipped field).

use super::{ContactType, Group};

/// Serializes the fields of a struct in order (`name: value`) and, after them, the
/// optional ones only when non-empty: a struct of the same fields without them serializes
/// exactly as before they existed (the field count and names enter the shard identity).
macro_rules! serialize_struct {
    ($serializer:expr, $name:literal, $self:ident, [$($field:ident),*], [$($optional:ident),*]) => {{
        use serde::ser::SerializeStruct as _;
        let len = [$(stringify!($field)),*].len()
            $(+ usize::from(!$self.$optional.is_empty()))*;
        let mut state = $serializer.serialize_struct($name, len)?;
        $(state.serialize_field(stringify!($field), &$self.$field)?;)*
        $(if !$self.$optional.is_empty() {
            state.serialize_field(stringify!($optional), &$self.$optional)?;
        })*
        state.end()
    }};
}

impl serde::Serialize for ContactType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_struct!(
            serializer,
            "ContactType",
            self,
            [
                channel,
                category,
                groups,
                overflow_waits,
                repeat_as,
                backlog
            ],
            [handle_scale]
        )
    }
}

impl serde::Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_struct!(
            serializer,
            "Group",
            self,
            [
                name,
                staffing,
                scheduled,
                paid_hours,
                timeline,
                shrinkage,
                concurrency,
                concurrency_slowdown,
                hourly_cost,
                handles,
                handle_time,
                handle_time_by,
                tier,
                overflow_after,
                resolve,
                escalate_to
            ],
            [shrinkage_by_interval]
        )
    }
}
