//! Named people: a roster of agents read from a CSV or `.xlsx` file (`[optimize] people`),
//! and the assignment of weekly tours to them.
//!
//! The file has one row per person: `name` (unique), `groups` (`voice_t1; chat_t1`, groups
//! of the scenario), `contract` (a name of the scenario's `[[optimize.contract]]`, when it
//! has any), optionally `unavailable` (`sat; 2025-03-08; day 3; mon 08:00-12:00`) and
//! `preferred_start` (a band of start times of day, `07:00-09:00`). [`read`] turns it into
//! [`Person`]s on the horizon's clock (seconds from the horizon's start), every error
//! located at `file:line` and column (CSV) or `Sheet!B7` (a workbook), through the same
//! reader as forecast files (`forecast::source`).
//!
//! [`assign`] gives each tour at most one person and each person at most one tour, so that
//! the number of tours staffed is the largest possible and, among those assignments, the
//! number of tours whose every shift starts in its person's preferred band is the largest;
//! tours nobody can take become [`Shortage`]s per group, day and shift.
//!
//! Invariants: a person is given a tour only if the tour's group is one of theirs, its
//! contract is theirs and none of its shifts overlaps a time they are unavailable.
//! Nothing here changes the compiled model (a scenario's identity does not depend on its
//! people file). The file is read through [`of_scenario`], by `ccsim check` (which stops
//! on its errors, then describes it with `output::people`).

mod assign;
mod read;
mod when;

pub use assign::{assign, max_weight_assignment};
pub use read::{PeopleContext, read};

use crate::ids::GroupId;
use crate::model::Model;
use crate::scenario::ScenarioError;
use std::path::Path;

/// One person's tour to staff, as the tours stage hands it over.
#[derive(Clone, Debug, PartialEq)]
pub struct TourToStaff {
    /// The group the tour works in.
    pub group: GroupId,
    /// The contract the tour was built for (`[[optimize.contract]] name`).
    pub contract: String,
    /// The worked shifts, `(start, end)` in seconds from the horizon's start, start < end.
    pub shifts: Vec<(f64, f64)>,
}

impl TourToStaff {
    /// A tour from its days: for each day of the horizon (from 0, the horizon starting at
    /// a midnight), the shift worked as `(start, length)` in seconds, the start counted
    /// from that day's midnight, or `None` for a day off.
    pub fn from_days(
        group: GroupId,
        contract: &str,
        days: impl IntoIterator<Item = Option<(f64, f64)>>,
    ) -> TourToStaff {
        let shifts = (days.into_iter().enumerate())
            .filter_map(|(d, shift)| {
                let (start, length) = shift?;
                let from = d as f64 * 86_400.0 + start;
                Some((from, from + length))
            })
            .collect();
        TourToStaff {
            group,
            contract: contract.to_string(),
            shifts,
        }
    }
}

/// One named agent of the people file.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    /// The name, unique in the file.
    pub name: String,
    /// The groups the person can work, in the file's order, without repeats.
    pub groups: Vec<GroupId>,
    /// The person's contract name.
    pub contract: String,
    /// Times the person cannot work, `(from, to)` in seconds from the horizon's start
    /// (a whole day is its 24 hours), sorted by `from`; they may overlap.
    pub unavailable: Vec<(f64, f64)>,
    /// The band of shift start times the person prefers, `(from, to)` in seconds of the
    /// horizon's clock (time of day when the horizon starts at midnight), both included;
    /// `to` may pass 86 400 for a band across midnight (`22:00-02:00` is `(79200, 93600)`).
    pub preferred_start: Option<(f64, f64)>,
}

/// Who staffs which tour.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// For each tour (in the order given), the index of its person, or `None`.
    pub person_of_tour: Vec<Option<usize>>,
    /// The tours without a person, counted per group, contract, day and shift.
    pub shortages: Vec<Shortage>,
    /// Assigned tours whose every shift starts in the person's preferred band.
    pub preferred_met: usize,
    /// People given no tour, by index, ascending.
    pub unassigned_people: Vec<usize>,
    /// For each of them, in the same order, why: `no tour of their contract in their
    /// groups`, `every tour they could work is taken`, or `unavailable during part
    /// of every unstaffed tour`.
    pub unassigned_reasons: Vec<&'static str>,
}

/// People missing for one shift: `missing` tours of `group` and `contract` have nobody
/// for their shift `from`–`to`, which starts on day `day` of the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortage {
    /// The group short of people.
    pub group: GroupId,
    /// The contract of the unstaffed tours.
    pub contract: String,
    /// Day of the horizon the shift starts on, from 0 (a shift starting before the
    /// horizon counts on day 0).
    pub day: usize,
    /// Start of the shift, seconds from the horizon's start.
    pub from: f64,
    /// End of the shift, seconds from the horizon's start.
    pub to: f64,
    /// People missing: unstaffed tours with exactly this shift.
    pub missing: u32,
}

/// A people file read: the people and what `ccsim check` says about them.
#[derive(Clone, Debug, PartialEq)]
pub struct PeopleFile {
    /// The file as errors name it (the scenario's folder joined to `[optimize] people`).
    pub file: String,
    /// The worksheet read, for a workbook.
    pub sheet: Option<String>,
    /// The people, in the file's order.
    pub people: Vec<Person>,
    /// `unavailable` items written, over all people.
    pub unavailable_items: usize,
    /// Whether the contracts were checked against the scenario's `[[optimize.contract]]`
    /// names (`false` when the scenario names none: any contract name is kept).
    pub contracts_checked: bool,
}

/// The people file of the scenario at `path` (its `[optimize] people`; for a variant, its
/// chain resolved, so a variant may name another file), read against the compiled
/// `model`'s groups, start and horizon and the scenario's contract names; `None` when the
/// scenario names no people file or cannot be read (loading it reports that).
///
/// Errors: the file cannot be read, or one of its cells is wrong ([`read`]).
pub fn of_scenario(path: &Path, model: &Model) -> Option<Result<PeopleFile, ScenarioError>> {
    let document = crate::scenario::resolved_document(path).ok()?;
    let people = document.get("optimize")?.get("people")?.as_str()?;
    // Relative to the scenario's folder (a variant's chain has made it absolute).
    let dir = path.parent().unwrap_or(Path::new(""));
    let people_path = dir.join(people);
    if !people_path.is_file() {
        return Some(Err(missing_file(path, &people_path)));
    }
    let context = PeopleContext {
        groups: model.groups.iter().map(|g| g.name.clone()).collect(),
        contracts: contract_names(&document),
        start: model.start,
        horizon: model.horizon,
    };
    Some(read(
        &people_path,
        &people_path.display().to_string(),
        &context,
    ))
}

/// The error for a people file that is not there: at the scenario's `people` key (its line
/// and the value's column, where the scenario itself names the file; a variant may have it
/// from its base), with the path looked for.
fn missing_file(scenario: &Path, people_path: &Path) -> ScenarioError {
    let text = std::fs::read_to_string(scenario).unwrap_or_default();
    let position = text.lines().enumerate().find_map(|(i, line)| {
        let t = line.trim_start();
        let rest = t
            .strip_prefix("\"optimize.people\"")
            .or_else(|| t.strip_prefix("people"))?;
        let value = rest.trim_start().strip_prefix('=')?;
        let column = line.len() - value.trim_start().len() + 1;
        Some((i + 1, column))
    });
    ScenarioError {
        file: scenario.display().to_string(),
        position,
        key: Some("optimize.people".into()),
        message: format!(
            "there is no file {} (the path is taken from the scenario's directory)",
            people_path.display()
        ),
    }
}

/// The names of a scenario document's `[[optimize.contract]]` tables, read as plain TOML
/// (so this holds whatever the compiled form of a contract is).
pub fn contract_names(document: &toml::Table) -> Vec<String> {
    let contracts = document
        .get("optimize")
        .and_then(|o| o.get("contract"))
        .and_then(|c| c.as_array());
    contracts
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("name")?.as_str().map(str::to_string))
        .collect()
}
