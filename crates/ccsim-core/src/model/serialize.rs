//! The serialization of the model's structs that have optional fields
//! (`ContactType::handle_scale` and `patience`, `Group::shrinkage_by_interval` and
//! `serve_rank`, `Channel::hours`, `Model::lead_in`, `shared_busyness` and `patiences`): written by hand so that a
//! model without them serializes byte for byte as before they existed, and keeps its shard
//! identity (a derive with `skip_serializing_if` would still name the skipped field).

use super::{Channel, ContactType, Group, Model, OptimizeSpec};

/// An optional field: left out of the serialization when absent or empty.
trait Omitted {
    /// Whether the field is left out.
    fn omitted(&self) -> bool;
}

impl<T> Omitted for Vec<T> {
    fn omitted(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Omitted for Option<T> {
    fn omitted(&self) -> bool {
        self.is_none()
    }
}

impl Omitted for u32 {
    fn omitted(&self) -> bool {
        *self == 0
    }
}

impl Omitted for f64 {
    fn omitted(&self) -> bool {
        *self == 0.0
    }
}

impl Omitted for super::ServiceLevelDefinition {
    fn omitted(&self) -> bool {
        *self == super::ServiceLevelDefinition::Offered
    }
}

/// `Model::start` through its `Display` text (jiff is built without serde).
struct Start<'a>(&'a Option<jiff::civil::DateTime>);

impl serde::Serialize for Start<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::canonical::display_option(self.0, serializer)
    }
}

/// The model's fields in declaration order, `start` as its text; `report_closed` is left
/// out (it changes no simulated number) and `lead_in` and `shared_busyness` are written
/// only when non-zero: the bytes a derive gave before they existed.
impl serde::Serialize for Model {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let shared = self.shared_busyness != (0.0, 0.0);
        let len = 21
            + usize::from(!self.lead_in.omitted())
            + usize::from(shared)
            + usize::from(!self.patiences.omitted());
        let mut state = serializer.serialize_struct("Model", len)?;
        state.serialize_field("name", &self.name)?;
        state.serialize_field("horizon", &self.horizon)?;
        state.serialize_field("warmup", &self.warmup)?;
        state.serialize_field("interval", &self.interval)?;
        state.serialize_field("n_intervals", &self.n_intervals)?;
        state.serialize_field("replications", &self.replications)?;
        state.serialize_field("seed", &self.seed)?;
        state.serialize_field("start", &Start(&self.start))?;
        state.serialize_field("kind", &self.kind)?;
        state.serialize_field("surges", &self.surges)?;
        state.serialize_field("replays", &self.replays)?;
        state.serialize_field("channels", &self.channels)?;
        state.serialize_field("categories", &self.categories)?;
        state.serialize_field("contact_types", &self.contact_types)?;
        state.serialize_field("streams", &self.streams)?;
        state.serialize_field("groups", &self.groups)?;
        state.serialize_field("priority_levels", &self.priority_levels)?;
        state.serialize_field("transfers", &self.transfers)?;
        state.serialize_field("bots", &self.bots)?;
        state.serialize_field("handle_slot", &self.handle_slot)?;
        state.serialize_field("optimize", &self.optimize)?;
        if !self.lead_in.omitted() {
            state.serialize_field("lead_in", &self.lead_in)?;
        }
        if shared {
            state.serialize_field("shared_busyness", &self.shared_busyness)?;
        }
        if !self.patiences.omitted() {
            state.serialize_field("patiences", &self.patiences)?;
        }
        state.end()
    }
}

/// Serializes the fields of a struct in order (`name: value`) and, after them, the
/// optional ones only when non-empty: a struct of the same fields without them serializes
/// exactly as before they existed (the field count and names enter the shard identity).
macro_rules! serialize_struct {
    ($serializer:expr, $name:literal, $self:ident, [$($field:ident),*], [$($optional:ident),*]) => {{
        use serde::ser::SerializeStruct as _;
        let len = [$(stringify!($field)),*].len()
            $(+ usize::from(!Omitted::omitted(&$self.$optional)))*;
        let mut state = $serializer.serialize_struct($name, len)?;
        $(state.serialize_field(stringify!($field), &$self.$field)?;)*
        $(if !Omitted::omitted(&$self.$optional) {
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
            [handle_scale, patience]
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
            [shrinkage_by_interval, serve_rank]
        )
    }
}

impl serde::Serialize for Channel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_struct!(
            serializer,
            "Channel",
            self,
            [
                name,
                answer_within,
                service_level_target,
                patience,
                bot,
                backlog,
                redial,
                repeat,
                busyness_day_cv,
                busyness_interval_cv
            ],
            [
                hours,
                service_level_definition,
                short_abandon,
                lines,
                callback
            ]
        )
    }
}

impl serde::Serialize for OptimizeSpec {
    /// As the derive did before contracts existed (the solver left out); `contracts`
    /// only when some are given.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_struct!(
            serializer,
            "OptimizeSpec",
            self,
            [
                max_abandon_rate,
                max_asa,
                back_office,
                min_on_duty,
                min_offered,
                replications,
                max_iterations,
                gap,
                time_limit,
                max_part_time_share,
                max_agents,
                shifts,
                deflections
            ],
            [contracts]
        )
    }
}
