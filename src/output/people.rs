//! What ccsim says about named people: the people file's summary in `ccsim check`, and the
//! shortages of an assignment of tours to people as report lines
//! (`voice_t1 short 1 full_time person on Mon 03/03–Fri 07/03 08:00–16:30`).

use crate::optimize::people::{Assignment, PeopleFile, Person, Shortage};
use jiff::civil::DateTime;
use std::fmt::Write as _;

const DAY: f64 = 86_400.0;

/// The people file's lines for `ccsim check`: people per contract, people per group (a
/// person who can work two groups counts in both), and the unavailability and preferred
/// bands written. `groups` are the scenario's group names, by `GroupId`.
pub fn describe_people(out: &mut String, f: &PeopleFile, groups: &[String]) {
    let sheet = f
        .sheet
        .as_ref()
        .map(|s| format!(" (sheet \"{s}\")"))
        .unwrap_or_default();
    let n = f.people.len();
    let _ = writeln!(
        out,
        "  people {}{sheet}: {n} {}; contracts {}{}",
        f.file,
        if n == 1 { "person" } else { "people" },
        counts(f.people.iter().map(|p| p.contract.as_str())).join(", "),
        if f.contracts_checked {
            ""
        } else {
            " (not checked: the scenario has no [[optimize.contract]])"
        }
    );
    let by_group: Vec<String> = (0..groups.len())
        .filter_map(|g| {
            let members = f
                .people
                .iter()
                .filter(|p| p.groups.iter().any(|id| id.index() == g));
            let contracts = counts(members.clone().map(|p| p.contract.as_str()));
            let k = members.count();
            (k > 0).then(|| format!("{} {k} ({})", groups[g], contracts.join(", ")))
        })
        .collect();
    let _ = writeln!(
        out,
        "    per group (a person of two groups counts in both): {}",
        by_group.join("; ")
    );
    let unavailable = f
        .people
        .iter()
        .filter(|p| !p.unavailable.is_empty())
        .count();
    let preferred = f
        .people
        .iter()
        .filter(|p| p.preferred_start.is_some())
        .count();
    let _ = writeln!(
        out,
        "    unavailable: {} item{}, {unavailable} of the people unavailable at some time of the horizon; a preferred start band: {preferred}",
        f.unavailable_items,
        if f.unavailable_items == 1 { "" } else { "s" },
    );
}

/// `name count` for each distinct value, in order of first appearance.
fn counts<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for v in values {
        match seen.iter_mut().find(|(name, _)| *name == v) {
            Some(entry) => entry.1 += 1,
            None => seen.push((v, 1)),
        }
    }
    seen.iter().map(|(name, k)| format!("{name} {k}")).collect()
}

/// What an assignment achieved, in one line: `3 of 4 tours staffed (2 start in their
/// person's preferred band); 1 person without a tour: Eva Novak (unavailable during
/// part of every unstaffed tour)` (at most ten names, each with why, then `…`).
pub fn assignment_line(a: &Assignment, people: &[Person]) -> String {
    let staffed = a.person_of_tour.iter().flatten().count();
    let mut line = format!(
        "{staffed} of {} tours staffed ({} start in their person's preferred band)",
        a.person_of_tour.len(),
        a.preferred_met
    );
    let idle = &a.unassigned_people;
    if !idle.is_empty() {
        let mut names: Vec<String> = (idle.iter().zip(&a.unassigned_reasons).take(10))
            .map(|(&p, why)| format!("{} ({why})", people[p].name))
            .collect();
        if idle.len() > 10 {
            names.push("…".into());
        }
        let _ = write!(
            line,
            "; {} {} without a tour: {}",
            idle.len(),
            if idle.len() == 1 { "person" } else { "people" },
            names.join(", ")
        );
    }
    line
}

/// One line per group short of people, in group order: for each shift nobody staffs, how
/// many people of which contract are missing and when; the same shift on consecutive
/// days with the same number missing is one item (`Mon 03/03–Fri 07/03 08:00–16:30`).
/// Days are named by date when the horizon has a `start` (`Mon 03/03`, day/month), else
/// `day 1`, `day 2`, …; times are on the horizon's clock. `groups` are the scenario's
/// group names, by `GroupId`. No shortage, no line.
pub fn shortage_lines(a: &Assignment, groups: &[String], start: Option<DateTime>) -> Vec<String> {
    let mut lines = Vec::new();
    for (g, name) in groups.iter().enumerate() {
        let of_group: Vec<&Shortage> = (a.shortages.iter())
            .filter(|s| s.group.index() == g)
            .collect();
        if of_group.is_empty() {
            continue;
        }
        let items: Vec<String> = runs(&of_group).iter().map(|run| item(run, start)).collect();
        lines.push(format!("{name} short {}", items.join(", ")));
    }
    lines
}

/// Shortages of one group grouped into runs of consecutive days with the same contract,
/// number missing, shift start (24 hours later each day) and length; runs ordered by
/// their first shift's start.
fn runs<'a>(of_group: &[&'a Shortage]) -> Vec<Vec<&'a Shortage>> {
    let next_day = |a: &Shortage, b: &Shortage| {
        a.contract == b.contract
            && a.missing == b.missing
            && (b.from - a.from - DAY).abs() < 0.5
            && ((a.to - a.from) - (b.to - b.from)).abs() < 0.5
    };
    let mut runs: Vec<Vec<&Shortage>> = Vec::new();
    for s in of_group {
        // Extend the run this shift continues (same shift, the next day), if any.
        match runs
            .iter_mut()
            .find(|r| r.last().is_some_and(|l| next_day(l, s)))
        {
            Some(run) => run.push(s),
            None => runs.push(vec![s]),
        }
    }
    runs.sort_by(|a, b| a[0].from.total_cmp(&b[0].from));
    runs
}

/// `1 full_time person on Mon 03/03–Fri 07/03 08:00–16:30`.
fn item(run: &[&Shortage], start: Option<DateTime>) -> String {
    let (first, last) = (run[0], run[run.len() - 1]);
    let days = if run.len() == 1 {
        day_name(first.from, start)
    } else {
        format!(
            "{}–{}",
            day_name(first.from, start),
            day_name(last.from, start)
        )
    };
    let end = match time_of_day(first.to, start) {
        midnight if midnight == "00:00" => "24:00".to_string(),
        end => end,
    };
    format!(
        "{} {} {} on {days} {}–{end}",
        first.missing,
        first.contract,
        if first.missing == 1 {
            "person"
        } else {
            "people"
        },
        time_of_day(first.from, start),
    )
}

/// The calendar day a time on the horizon's clock falls on: `Mon 03/03` with a start
/// date, else `day 4` (from 1).
fn day_name(secs: f64, start: Option<DateTime>) -> String {
    let day = ((secs + offset(start)) / DAY).floor() as i64;
    match start.and_then(|s| s.date().checked_add(jiff::Span::new().days(day)).ok()) {
        Some(date) => date.strftime("%a %d/%m").to_string(),
        None => format!("day {}", day + 1),
    }
}

/// `08:00` for a time on the horizon's clock.
fn time_of_day(secs: f64, start: Option<DateTime>) -> String {
    let t = (secs + offset(start)).rem_euclid(DAY).round() as u64;
    format!("{:02}:{:02}", t / 3600, t % 3600 / 60)
}

/// The start's time of day, seconds (0 without a start).
fn offset(start: Option<DateTime>) -> f64 {
    start.map_or(0.0, |s| {
        let t = s.time();
        f64::from(t.hour()) * 3600.0 + f64::from(t.minute()) * 60.0 + f64::from(t.second())
    })
}

/// Gives the tours of `tours` to the people of `file` ([`crate::optimize::people::assign`]):
/// only the tours of groups some person can work (the others stay unnamed); sets each
/// tour's [`TourRow::person`](crate::optimize::tours::report::TourRow) and
/// `tours.staffing` (the summary and shortage lines). `groups` are the scenario's group
/// names, by `GroupId`; `start` its `[simulation] start`.
pub fn staff_tours(
    tours: &mut crate::optimize::tours::report::ToursResult,
    file: &PeopleFile,
    groups: &[String],
    start: Option<DateTime>,
) {
    use crate::ids::GroupId;
    use crate::optimize::people::{TourToStaff, assign};
    let named: Vec<usize> = (0..groups.len())
        .filter(|&g| {
            file.people
                .iter()
                .any(|p| p.groups.iter().any(|x| x.index() == g))
        })
        .collect();
    let mut rows = Vec::new();
    let mut to_staff = Vec::new();
    for (i, tour) in tours.tours.iter().enumerate() {
        let Some(g) = groups.iter().position(|n| *n == tour.group) else {
            continue;
        };
        if !named.contains(&g) {
            continue;
        }
        rows.push(i);
        to_staff.push(TourToStaff {
            group: GroupId::from_index(g),
            contract: tour.contract.clone(),
            shifts: (tour.days.iter().flatten())
                .map(|d| (d.start_s, d.end_s))
                .collect(),
        });
    }
    let a = assign(&to_staff, &file.people, DAY);
    for (&row, person) in rows.iter().zip(&a.person_of_tour) {
        tours.tours[row].person = person.map(|p| file.people[p].name.clone());
    }
    let mut contracts: Vec<crate::optimize::tours::report::StaffedContract> = Vec::new();
    for (&row, person) in rows.iter().zip(&a.person_of_tour) {
        let t = &tours.tours[row];
        let at = contracts
            .iter()
            .position(|c| c.group == t.group && c.contract == t.contract)
            .unwrap_or_else(|| {
                contracts.push(crate::optimize::tours::report::StaffedContract {
                    group: t.group.clone(),
                    contract: t.contract.clone(),
                    tours: 0,
                    staffed: 0,
                });
                contracts.len() - 1
            });
        contracts[at].tours += 1;
        contracts[at].staffed += usize::from(person.is_some());
    }
    tours.staffing = Some(crate::optimize::tours::report::Staffing {
        file: file.file.clone(),
        groups: named.iter().map(|&g| groups[g].clone()).collect(),
        tours: to_staff.len(),
        staffed: a.person_of_tour.iter().flatten().count(),
        summary: assignment_line(&a, &file.people),
        shortages: shortage_lines(&a, groups, start),
        contracts,
    });
}

/// `ccsim optimize` short of printing and writing: the people file the scenario at `file`
/// names (if any) read and checked first (a bad one is refused before the work), the
/// roster optimized ([`crate::optimize::optimize`], `progress` told each step), then the
/// tours given to the people ([`staff_tours`]). `model` is the scenario compiled from
/// `file` (with any changes).
///
/// # Errors
/// A people file ccsim refuses (bad input, located), or the optimizer's errors.
pub fn optimize_staffed(
    file: &std::path::Path,
    model: &crate::model::Model,
    options: &crate::optimize::OptimizeOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<crate::optimize::OptimizeResult, crate::error::Error> {
    let people = crate::optimize::people::of_scenario(file, model).transpose()?;
    let mut result = crate::optimize::optimize(model, options, progress)?;
    if let (Some(people), Some(tours)) = (&people, result.tours.as_mut()) {
        let groups: Vec<String> = model.groups.iter().map(|g| g.name.clone()).collect();
        staff_tours(tours, people, &groups, model.start);
    }
    Ok(result)
}
