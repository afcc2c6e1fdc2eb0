//! Reading a people file (CSV or `.xlsx`) row by row through the forecast reader
//! (`forecast::source`), each cell checked against the scenario and every error located
//! at its row and column.

use super::when::{self, Horizon};
use super::{PeopleFile, Person};
use crate::forecast::source::{Source, file_error};
use crate::forecast::values::{Cell, from_serial};
use crate::ids::GroupId;
use crate::scenario::ScenarioError;
use jiff::civil::DateTime;
use std::collections::HashMap;
use std::path::Path;

/// What a people file is read against.
#[derive(Clone, Debug, Default)]
pub struct PeopleContext {
    /// The scenario's group names, by `GroupId`.
    pub groups: Vec<String>,
    /// The scenario's contract names (`[[optimize.contract]] name`); empty: the scenario
    /// has none, and any non-empty contract name is kept as written.
    pub contracts: Vec<String>,
    /// The horizon's start (`[simulation] start`), if it has one.
    pub start: Option<DateTime>,
    /// The horizon's length, seconds.
    pub horizon: f64,
}

/// The columns, as headers are matched (case, spaces and `-` aside).
const COLUMNS: [&str; 5] = [
    "name",
    "groups",
    "contract",
    "unavailable",
    "preferred_start",
];
const NAME: usize = 0;
const GROUPS: usize = 1;
const CONTRACT: usize = 2;
const UNAVAILABLE: usize = 3;
const PREFERRED: usize = 4;

/// Most people a file may hold (the assignment is cubic in the people of a contract).
pub const MAX_PEOPLE: usize = 5_000;

/// Reads the people file at `path` (named `file` in errors): a header row with the columns
/// `name`, `groups`, `contract` and optionally `unavailable` and `preferred_start` (any
/// case, any order), then one row per person.
///
/// Errors (located at `file:line` with the column, or `Sheet!B7`): a column unknown,
/// repeated or missing; an empty or repeated name; a group not in the scenario; a contract
/// not among the scenario's; an `unavailable` item or a `preferred_start` band that does
/// not parse; no people, or more than [`MAX_PEOPLE`].
pub fn read(path: &Path, file: &str, ctx: &PeopleContext) -> Result<PeopleFile, ScenarioError> {
    let (mut src, headers) = Source::open_as(path, file, None, None, "people")?;
    let cols = columns(&src, file, &headers)?;
    let horizon = Horizon {
        start: ctx.start,
        length: ctx.horizon,
    };
    let mut people: Vec<Person> = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut unavailable_items = 0;
    while src.advance(file)? {
        if people.len() == MAX_PEOPLE {
            return Err(src.row_error(
                file,
                format!("a people file holds at most {MAX_PEOPLE} people"),
            ));
        }
        let (person, items) = row(&src, file, &cols, ctx, &horizon)?;
        if let Some(line) = first_line.get(&person.name) {
            return Err(src.error(
                file,
                cols[NAME].unwrap_or(0),
                COLUMNS[NAME],
                format!(
                    "\"{}\" is named twice (first at {}); names must be unique",
                    person.name,
                    src.row_name(*line)
                ),
            ));
        }
        first_line.insert(person.name.clone(), src.line());
        unavailable_items += items;
        people.push(person);
    }
    if people.is_empty() {
        return Err(file_error(
            file,
            "the people file has no people (a header row, then one row per person)".into(),
        ));
    }
    Ok(PeopleFile {
        file: file.to_string(),
        sheet: src.sheet_name().map(str::to_string),
        people,
        unavailable_items,
        contracts_checked: !ctx.contracts.is_empty(),
    })
}

/// Where each of [`COLUMNS`] is (`None`: absent); unknown and repeated headers refused,
/// and the required `name`, `groups` and `contract` present. Empty header cells are
/// ignored (a workbook's unused columns).
fn columns(
    src: &Source,
    file: &str,
    headers: &[String],
) -> Result<[Option<usize>; 5], ScenarioError> {
    let mut cols = [None; 5];
    for (i, h) in headers.iter().enumerate() {
        let key = h.trim().to_lowercase().replace([' ', '-'], "_");
        if key.is_empty() {
            continue;
        }
        let Some(k) = COLUMNS.iter().position(|c| *c == key) else {
            return Err(src.error(
                file,
                i,
                h,
                format!("unknown column; the columns are {}", COLUMNS.join(", ")),
            ));
        };
        if cols[k].is_some() {
            return Err(src.error(
                file,
                i,
                h,
                format!("the column {} is given twice", COLUMNS[k]),
            ));
        }
        cols[k] = Some(i);
    }
    for k in [NAME, GROUPS, CONTRACT] {
        if cols[k].is_none() {
            return Err(src.row_error(
                file,
                format!(
                    "the header has no column {}; a people file has the columns name, groups, contract and optionally unavailable, preferred_start",
                    COLUMNS[k]
                ),
            ));
        }
    }
    Ok(cols)
}

/// A cell as text: trimmed text, a whole number without decimals, a date cell as
/// `2025-03-08` (a date-time as `2025-03-08T08:00:00`).
fn text(cell: Cell<'_>) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Cell::Number(v) => v.to_string(),
        Cell::Serial(v) => match from_serial(v) {
            Some(d) if d.time() == jiff::civil::Time::midnight() => d.date().to_string(),
            Some(d) => d.to_string(),
            None => v.to_string(),
        },
    }
}

/// One row: the person and the number of `unavailable` items written.
fn row(
    src: &Source,
    file: &str,
    cols: &[Option<usize>; 5],
    ctx: &PeopleContext,
    horizon: &Horizon,
) -> Result<(Person, usize), ScenarioError> {
    let cell = |k: usize| cols[k].map(|c| text(src.cell(c))).unwrap_or_default();
    let err =
        |k: usize, message: String| src.error(file, cols[k].unwrap_or(0), COLUMNS[k], message);
    let name = cell(NAME);
    if let Some(problem) = crate::limits::name_problem(&name) {
        return Err(err(NAME, problem));
    }
    let groups = groups(&cell(GROUPS), ctx).map_err(|m| err(GROUPS, m))?;
    let contract = cell(CONTRACT);
    contract_problem(&contract, ctx).map_or(Ok(()), |m| Err(err(CONTRACT, m)))?;
    let mut unavailable = Vec::new();
    let mut items = 0;
    for item in split(&cell(UNAVAILABLE)) {
        unavailable.extend(when::unavailable_item(item, horizon).map_err(|m| err(UNAVAILABLE, m))?);
        items += 1;
    }
    unavailable.sort_by(|a: &(f64, f64), b| a.0.total_cmp(&b.0));
    let band = cell(PREFERRED);
    let preferred_start = if band.is_empty() {
        None
    } else {
        let (a, b) = when::band(&band).map_err(|m| err(PREFERRED, m))?;
        // On the horizon's clock: a horizon starting at 06:00 has 07:00 at 3600 s.
        let offset = ctx.start.map_or(0.0, when::time_of_day);
        let from = (a - offset).rem_euclid(86_400.0);
        Some((from, from + (b - a)))
    };
    let person = Person {
        name,
        groups,
        contract,
        unavailable,
        preferred_start,
    };
    Ok((person, items))
}

/// The `;`- (or `,`-) separated items of a cell, trimmed, empty ones left out.
fn split(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The groups of a `groups` cell, each one of the scenario's, without repeats.
fn groups(cell: &str, ctx: &PeopleContext) -> Result<Vec<GroupId>, String> {
    let mut out: Vec<GroupId> = Vec::new();
    for name in split(cell) {
        let Some(k) = ctx.groups.iter().position(|g| g == name) else {
            return Err(format!(
                "there is no group \"{name}\"; the groups are {}",
                ctx.groups.join(", ")
            ));
        };
        let id = GroupId::new(k as u32);
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.is_empty() {
        return Err(format!(
            "a person works in at least one group (e.g. \"{}\"); separate groups with \";\"",
            ctx.groups.first().map_or("voice_t1", String::as_str)
        ));
    }
    Ok(out)
}

/// What is wrong with a contract name, if anything.
fn contract_problem(contract: &str, ctx: &PeopleContext) -> Option<String> {
    if contract.is_empty() {
        return Some(if ctx.contracts.is_empty() {
            "a person has a contract (a name, such as full_time)".into()
        } else {
            format!(
                "a person has a contract, one of {}",
                ctx.contracts.join(", ")
            )
        });
    }
    if !ctx.contracts.is_empty() && !ctx.contracts.iter().any(|c| c == contract) {
        return Some(format!(
            "there is no contract \"{contract}\" in [[optimize.contract]]; the contracts are {}",
            ctx.contracts.join(", ")
        ));
    }
    None
}
