//! The service level's definition, per channel (`service_level.definition`): which
//! contacts count, and whether a short abandon counts as met. Every definition counts an
//! answer within `answer_within` as met; they differ in the denominator and in short
//! abandons (those within `short_abandon` seconds of starting to wait):
//!
//! | definition | met | counted |
//! |---|---|---|
//! | `offered` (default) | answered within | offered |
//! | `answered` | answered within | answered |
//! | `excluding_short_abandons` | answered within | answered + abandoned after `short_abandon` |
//! | `short_abandons_met` | answered within + abandoned within `short_abandon` | offered |
//!
//! `excluding_short_abandons` with `short_abandon = answer_within` is ContactCenters'
//! service level (Buist and L'Ecuyer: served within s over served plus abandoned after s);
//! `short_abandons_met` with the same threshold is the SSJ tutorial call center's
//! "proportion of waiting times < s" (over its offered contacts). Only first queues
//! count (a transfer's wait is not judged), as before definitions existed.

/// How a channel's service level is counted (see the module's table).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevelDefinition {
    /// Answered within the threshold over offered.
    #[default]
    Offered,
    /// Answered within the threshold over answered.
    Answered,
    /// Answered within the threshold over answered plus abandoned after `short_abandon`.
    ExcludingShortAbandons,
    /// Answered within the threshold plus abandoned within `short_abandon`, over offered.
    ShortAbandonsMet,
}

impl ServiceLevelDefinition {
    /// Every definition with its name in scenarios and JSON.
    pub const ALL: [(&'static str, ServiceLevelDefinition); 4] = [
        ("offered", ServiceLevelDefinition::Offered),
        ("answered", ServiceLevelDefinition::Answered),
        (
            "excluding_short_abandons",
            ServiceLevelDefinition::ExcludingShortAbandons,
        ),
        (
            "short_abandons_met",
            ServiceLevelDefinition::ShortAbandonsMet,
        ),
    ];

    /// Its name in scenarios and JSON.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("offered", |(n, _)| n)
    }

    /// Whether it needs a `short_abandon` threshold.
    pub fn needs_short_abandon(self) -> bool {
        matches!(
            self,
            ServiceLevelDefinition::ExcludingShortAbandons
                | ServiceLevelDefinition::ShortAbandonsMet
        )
    }

    /// The formula in words, e.g. `answered within 20s / (answered + abandoned after 5s)`.
    pub fn formula(self, answer_within: &str, short_abandon: &str) -> String {
        match self {
            ServiceLevelDefinition::Offered => format!("answered within {answer_within} / offered"),
            ServiceLevelDefinition::Answered => {
                format!("answered within {answer_within} / answered")
            }
            ServiceLevelDefinition::ExcludingShortAbandons => format!(
                "answered within {answer_within} / (answered + abandoned after {short_abandon})"
            ),
            ServiceLevelDefinition::ShortAbandonsMet => format!(
                "(answered within {answer_within} + abandoned within {short_abandon}) / offered"
            ),
        }
    }

    /// An offered contact enters the count at once.
    #[inline]
    pub fn counts_offered(self) -> bool {
        matches!(
            self,
            ServiceLevelDefinition::Offered | ServiceLevelDefinition::ShortAbandonsMet
        )
    }

    /// An answered contact enters the count when answered.
    #[inline]
    pub fn counts_answered(self) -> bool {
        matches!(
            self,
            ServiceLevelDefinition::Answered | ServiceLevelDefinition::ExcludingShortAbandons
        )
    }

    /// The (met, counted) increments of a contact that abandons its first queue, short
    /// or not.
    #[inline]
    pub fn on_abandon(self, short: bool) -> (u64, u64) {
        match self {
            ServiceLevelDefinition::ExcludingShortAbandons => (0, u64::from(!short)),
            ServiceLevelDefinition::ShortAbandonsMet => (u64::from(short), 0),
            _ => (0, 0),
        }
    }
}
