//! Compiles `[[optimize.contract]]` (weekly tours): each contract's groups, templates and
//! rules, checked with their place in the file; with any contract, the horizon is whole
//! days (2 to 7, or 2, 3 or 4 whole weeks) and every template's starts are times of day,
//! repeated here on every day of the horizon.

use super::ScenarioError;
use super::checker::Checker;
use super::raw::{RawContract, RawOptimize, RawRange};
use crate::ids::GroupId;
use crate::model::{Contract, ShiftTemplate};
use std::collections::HashMap;
use toml::Spanned;

/// Seconds in a day.
const DAY: f64 = 86_400.0;
/// Horizons (days) that tours may span: part of a week or a whole week, or whole weeks.
const TOUR_DAYS: [u32; 9] = [2, 3, 4, 5, 6, 7, 14, 21, 28];
/// Most candidate shifts of all templates together once repeated on every day.
const MAX_SHIFTS: usize = 50_000;

/// The contracts of `raw` (empty without any), and the templates' starts repeated on
/// every day of the horizon when there are some.
pub(super) fn compile_contracts(
    c: &Checker,
    raw: &Spanned<RawOptimize>,
    group_index: &HashMap<String, GroupId>,
    n_groups: usize,
    shifts: &mut [ShiftTemplate],
    (horizon, horizon_span): (f64, std::ops::Range<usize>),
    start: Option<jiff::civil::DateTime>,
) -> Result<Vec<Contract>, ScenarioError> {
    let o = raw.get_ref();
    if o.contract.is_empty() {
        return Ok(Vec::new());
    }
    let days = horizon / DAY;
    if (days - days.round()).abs() > 1e-9 || !TOUR_DAYS.contains(&(days.round() as u32)) {
        return Err(c.err(
            horizon_span,
            "simulation.horizon",
            format!(
                "tours ([[optimize.contract]]) need a horizon of whole days: 2 to 7, or 2, 3 or 4 whole weeks (14, 21 or 28 days); the horizon is {} ({days} days)",
                crate::duration::Duration::from_secs(horizon)
            ),
        ));
    }
    let calendar = Calendar {
        n_days: days.round() as u32,
        start: start.map(|s| s.date()),
    };
    let mut contracts = Vec::with_capacity(o.contract.len());
    for (i, rc) in o.contract.iter().enumerate() {
        let key = format!("optimize.contract[{i}]");
        let r = rc.get_ref();
        let name = r.name.get_ref();
        if let Some(problem) = crate::limits::name_problem(name) {
            return Err(c.err(r.name.span(), format!("{key}.name"), problem));
        }
        if o.contract[..i]
            .iter()
            .any(|u| u.get_ref().name.get_ref() == name)
        {
            return Err(c.err(
                r.name.span(),
                format!("{key}.name"),
                format!("the contract name \"{name}\" is used twice; names must be unique"),
            ));
        }
        let groups = contract_groups(c, r, &key, group_index, n_groups)?;
        let templates = contract_shifts(c, r, &key, shifts)?;
        let contract = contract_rules(c, r, &key, groups, templates, shifts, &calendar)?;
        check_patterns(c, r, &key, &contract, &calendar)?;
        contracts.push(contract);
    }
    check_templates(c, raw, &contracts, shifts, group_index)?;
    repeat_daily(c, raw, shifts, days.round() as usize)?;
    Ok(contracts)
}

/// The horizon's days and first date, when `[simulation] start` gives one.
struct Calendar {
    /// Days.
    n_days: u32,
    /// Day 0's date.
    start: Option<jiff::civil::Date>,
}

impl Calendar {
    /// The weekend rule `every` on this calendar (it needs a start date).
    fn weekends(&self, every: Option<u32>) -> Option<crate::model::patterns::Weekends> {
        every
            .zip(self.start)
            .map(|(e, s)| crate::model::patterns::Weekends::from_start(e, s))
    }
}

/// The contract's groups: those listed, or every group.
fn contract_groups(
    c: &Checker,
    r: &RawContract,
    key: &str,
    group_index: &HashMap<String, GroupId>,
    n_groups: usize,
) -> Result<Vec<GroupId>, ScenarioError> {
    let Some(list) = &r.groups else {
        return Ok((0..n_groups).map(GroupId::from_index).collect());
    };
    let mut out = Vec::new();
    for (j, name) in list.get_ref().iter().enumerate() {
        let Some(&g) = group_index.get(name.get_ref()) else {
            return Err(c.err(
                name.span(),
                format!("{key}.groups[{j}]"),
                format!("there is no group \"{}\"", name.get_ref()),
            ));
        };
        out.push(g);
    }
    Ok(out)
}

/// The contract's templates (indices): those listed, or every template.
fn contract_shifts(
    c: &Checker,
    r: &RawContract,
    key: &str,
    shifts: &[ShiftTemplate],
) -> Result<Vec<usize>, ScenarioError> {
    let Some(list) = &r.shifts else {
        return Ok((0..shifts.len()).collect());
    };
    if list.get_ref().is_empty() {
        return Err(c.err(
            list.span(),
            format!("{key}.shifts"),
            "a contract's people work at least one shift template: list its names, or leave shifts out to mean every template",
        ));
    }
    let mut out = Vec::new();
    for (j, name) in list.get_ref().iter().enumerate() {
        let Some(t) = shifts.iter().position(|t| &t.name == name.get_ref()) else {
            let names: Vec<&str> = shifts.iter().map(|t| t.name.as_str()).collect();
            return Err(c.err(
                name.span(),
                format!("{key}.shifts[{j}]"),
                format!(
                    "there is no shift template \"{}\"; the templates are {}",
                    name.get_ref(),
                    names.join(", ")
                ),
            ));
        };
        out.push(t);
    }
    Ok(out)
}

/// A whole number in `lo..=hi` at `key`.
fn whole(c: &Checker, v: &Spanned<i64>, key: &str, lo: i64, hi: i64) -> Result<u32, ScenarioError> {
    if !(lo..=hi).contains(v.get_ref()) {
        return Err(c.err(
            v.span(),
            key,
            format!("a whole number from {lo} to {hi} (got {})", v.get_ref()),
        ));
    }
    Ok(*v.get_ref() as u32)
}

/// The contract's rules, each checked.
fn contract_rules(
    c: &Checker,
    r: &RawContract,
    key: &str,
    groups: Vec<GroupId>,
    templates: Vec<usize>,
    shifts: &[ShiftTemplate],
    calendar: &Calendar,
) -> Result<Contract, ScenarioError> {
    let days = match &r.days_per_week {
        None => (1, 7),
        Some(s) => {
            let k = format!("{key}.days_per_week");
            let (lo, hi, got) = match s.get_ref() {
                RawRange::One(n) => (*n, *n, format!("{n}")),
                RawRange::Range { min, max } => (*min, *max, format!("min {min}, max {max}")),
            };
            if !(1..=7).contains(&lo) || !(1..=7).contains(&hi) || lo > hi {
                return Err(c.err(
                    s.span(),
                    k,
                    format!("working days per week: a whole number from 1 to 7, or {{ min, max }} with 1 ≤ min ≤ max ≤ 7 (got {got})"),
                ));
            }
            (lo as u32, hi as u32)
        }
    };
    let hours = match &r.hours_per_week {
        None => None,
        Some(s) => {
            let (lo, hi) = match s.get_ref() {
                RawRange::One(h) => (h.secs(), h.secs()),
                RawRange::Range { min, max } => (min.secs(), max.secs()),
            };
            if lo < 0.0 || lo > hi {
                return Err(c.err(
                    s.span(),
                    format!("{key}.hours_per_week"),
                    format!(
                        "paid hours per week: a duration such as \"40h\", or {{ min, max }} with 0 ≤ min ≤ max (got min {}h, max {}h)",
                        lo / 3600.0,
                        hi / 3600.0
                    ),
                ));
            }
            Some((lo / 3600.0, hi / 3600.0))
        }
    };
    let consecutive_days_off = match &r.consecutive_days_off {
        None => 1,
        Some(v) => whole(c, v, &format!("{key}.consecutive_days_off"), 1, 6)?,
    };
    let max_consecutive_days = match &r.max_consecutive_days {
        None => None,
        Some(v) => Some(whole(c, v, &format!("{key}.max_consecutive_days"), 1, 7)?),
    };
    let min_rest = r.min_rest.as_ref().map_or(0.0, |d| d.get_ref().secs());
    let start_band = r.start_band.as_ref().map(|d| d.get_ref().secs());
    if let Some(band) = start_band.filter(|&b| b > 86_400.0) {
        let span = r.start_band.as_ref().map_or(r.name.span(), |d| d.span());
        return Err(c.err(
            span,
            format!("{key}.start_band"),
            format!(
                "starts within ± a band of at most 24h (± 24h already allows any start; got {}h)",
                band / 3600.0
            ),
        ));
    }
    let weekends_off_every = weekends_off_every(c, r, key, calendar)?;
    let contract = Contract {
        name: r.name.get_ref().clone(),
        groups,
        shifts: templates,
        days,
        hours,
        consecutive_days_off,
        max_consecutive_days,
        min_rest,
        start_band,
        weekends_off_every,
    };
    check_hours(c, r, key, &contract, shifts)?;
    check_rest(c, r, key, &contract, shifts)?;
    Ok(contract)
}

/// `weekends_off_every`: from 1 to the horizon's whole weekends, over several weeks and
/// with `[simulation] start` (the calendar of the weekends).
fn weekends_off_every(
    c: &Checker,
    r: &RawContract,
    key: &str,
    calendar: &Calendar,
) -> Result<Option<u32>, ScenarioError> {
    let Some(w) = &r.weekends_off_every else {
        return Ok(None);
    };
    let k = format!("{key}.weekends_off_every");
    if calendar.n_days <= 7 {
        return Err(c.err(
            w.span(),
            k,
            format!(
                "one weekend off in every N weekends needs a horizon of several weeks (14, 21 or 28 days); the horizon is {} days: lengthen [simulation] horizon or leave the rule out",
                calendar.n_days
            ),
        ));
    }
    let Some(start) = calendar.start else {
        return Err(c.err(
            w.span(),
            k,
            "one weekend off in every N weekends needs [simulation] start (a date such as \"2026-03-02\") to know which days are Saturday and Sunday",
        ));
    };
    let rules = crate::model::patterns::PatternRules {
        n_days: calendar.n_days,
        days: (1, 7),
        consecutive_days_off: 1,
        max_consecutive_days: None,
        weekends: Some(crate::model::patterns::Weekends::from_start(1, start)),
    };
    let saturdays = rules.saturdays();
    let n = *w.get_ref();
    if (1..=saturdays.len() as i64).contains(&n) {
        return Ok(Some(n as u32));
    }
    let label = |d: u32| {
        start
            .checked_add(jiff::Span::new().days(d as i64))
            .map_or(format!("day {}", d + 1), |x| {
                x.strftime("%a %d/%m").to_string()
            })
    };
    let listed: Vec<String> = (saturdays.iter())
        .map(|&s| format!("{}–{}", label(s), label(s + 1)))
        .collect();
    Err(c.err(
        w.span(),
        k,
        format!(
            "one weekend off in every N weekends: a whole number from 1 to {}, the whole weekends (Saturday and Sunday) in the horizon: {} (got {n})",
            saturdays.len(),
            listed.join(", ")
        ),
    ))
}

/// A template's paid hours (its length less unpaid breaks).
fn paid_hours(t: &ShiftTemplate) -> f64 {
    let unpaid: f64 = t.breaks.iter().filter(|b| !b.paid).map(|b| b.length).sum();
    (t.length - unpaid) / 3600.0
}

/// With weekly hours: the templates' paid hours are equal (the hours are then days ×
/// those hours) and some number of working days lands within the hours.
fn check_hours(
    c: &Checker,
    r: &RawContract,
    key: &str,
    contract: &Contract,
    shifts: &[ShiftTemplate],
) -> Result<(), ScenarioError> {
    let (Some((lo, hi)), Some(span)) =
        (contract.hours, r.hours_per_week.as_ref().map(|s| s.span()))
    else {
        return Ok(());
    };
    let hours: Vec<f64> = contract
        .shifts
        .iter()
        .map(|&t| paid_hours(&shifts[t]))
        .collect();
    let h = hours.first().copied().unwrap_or(0.0);
    if hours.iter().any(|x| (x - h).abs() > 1e-9) {
        return Err(c.err(
            span,
            format!("{key}.hours_per_week"),
            "weekly hours need the contract's templates to pay the same hours a shift; split the templates of different paid hours into contracts of their own",
        ));
    }
    let fits = (contract.days.0..=contract.days.1).any(|d| {
        let x = d as f64 * h;
        x >= lo - 1e-9 && x <= hi + 1e-9
    });
    if !fits {
        return Err(c.err(
            span,
            format!("{key}.hours_per_week"),
            format!(
                "no number of working days ({}) of {h} paid hours a shift lands within {} a week ({}); change hours_per_week, days_per_week, or the shifts' length or unpaid breaks",
                range_text(contract.days.0 as f64, contract.days.1 as f64, ""),
                range_text(lo, hi, "h"),
                (contract.days.0..=contract.days.1)
                    .map(|d| format!("{d} × {h}h = {}h", d as f64 * h))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(())
}

/// A person on the contract must be able to work two days in a row: a shift plus the
/// rest fits in a day.
fn check_rest(
    c: &Checker,
    r: &RawContract,
    key: &str,
    contract: &Contract,
    shifts: &[ShiftTemplate],
) -> Result<(), ScenarioError> {
    let longest = (contract.shifts.iter())
        .map(|&t| shifts[t].length)
        .fold(0.0, f64::max);
    if longest + contract.min_rest > DAY + 1e-9
        && let Some(rest) = &r.min_rest
    {
        return Err(c.err(
            rest.span(),
            format!("{key}.min_rest"),
            format!(
                "the longest shift ({}) plus the rest ({}) exceeds 24h: nobody could work two days in a row; at most {} of rest with these shifts",
                clock_text(longest),
                clock_text(contract.min_rest),
                clock_text((DAY - longest).max(0.0)),
            ),
        ));
    }
    Ok(())
}

/// Every template belongs to exactly one contract, which lists every group of the
/// template, and starts within the first day.
fn check_templates(
    c: &Checker,
    raw: &Spanned<RawOptimize>,
    contracts: &[Contract],
    shifts: &[ShiftTemplate],
    group_index: &HashMap<String, GroupId>,
) -> Result<(), ScenarioError> {
    let o = raw.get_ref();
    for (t, template) in shifts.iter().enumerate() {
        let span = o.shift[t].span();
        let key = format!("optimize.shift[{t}]");
        let owners: Vec<&Contract> = contracts.iter().filter(|k| k.shifts.contains(&t)).collect();
        let owner = match owners.as_slice() {
            [one] => *one,
            [] => return Err(c.err(span, key, format!("with [[optimize.contract]], every shift template belongs to one contract; \"{}\" is in none: list it in a contract's shifts", template.name))),
            more => return Err(c.err(span, key, format!("the shift template \"{}\" is in {} contracts ({}); a template belongs to one contract: list it in one contract's shifts", template.name, more.len(), more.iter().map(|k| k.name.as_str()).collect::<Vec<_>>().join(", ")))),
        };
        if let Some(g) = template.groups.iter().find(|g| !owner.groups.contains(g)) {
            let name = group_index
                .iter()
                .find(|(_, x)| *x == g)
                .map_or("?", |(n, _)| n.as_str());
            return Err(c.err(span, key, format!("the group \"{name}\" works the template \"{}\" but its contract \"{}\" does not list the group; add it to the contract's groups or take it out of the template's", template.name, owner.name)));
        }
        if template.starts.last().is_some_and(|&s| s >= DAY) {
            let rt = o.shift[t].get_ref();
            return Err(c.err(rt.latest_start.span(), format!("{key}.latest_start"), "with [[optimize.contract]], starts are times of day (repeated on every day of the horizon): the latest start is before 24h"));
        }
    }
    Ok(())
}

/// Repeats every template's starts on every day of the horizon.
fn repeat_daily(
    c: &Checker,
    raw: &Spanned<RawOptimize>,
    shifts: &mut [ShiftTemplate],
    n_days: usize,
) -> Result<(), ScenarioError> {
    for t in shifts.iter_mut() {
        t.starts = (0..n_days)
            .flat_map(|d| t.starts.iter().map(move |s| s + d as f64 * DAY))
            .collect();
    }
    let total: usize = (shifts.iter())
        .map(|t| (t.breaks.iter()).fold(t.starts.len(), |p, b| p.saturating_mul(b.offsets.len())))
        .fold(0usize, |a, b| a.saturating_add(b));
    if total > MAX_SHIFTS {
        return Err(c.err(
            raw.span(),
            "optimize.shift",
            format!("the shift templates make {total} candidate shifts over the {n_days} days, too many for the solver (at most {MAX_SHIFTS}); widen start_every or the breaks' every"),
        ));
    }
    Ok(())
}

/// Some week of working days keeps the contract's days and runs (days per week,
/// consecutive days off, most days in a row) over `n_days`: otherwise no tour exists and
/// the contract is refused at its days.
fn check_patterns(
    c: &Checker,
    r: &RawContract,
    key: &str,
    contract: &Contract,
    calendar: &Calendar,
) -> Result<(), ScenarioError> {
    use crate::model::patterns::{PatternRules, any_allowed};
    let n_days = calendar.n_days;
    let rules = PatternRules {
        n_days,
        days: (contract.days.0.min(n_days), contract.days.1.min(n_days)),
        consecutive_days_off: contract.consecutive_days_off,
        max_consecutive_days: contract.max_consecutive_days,
        weekends: calendar.weekends(contract.weekends_off_every),
    };
    if any_allowed(&rules) {
        return Ok(());
    }
    let span = (r.consecutive_days_off.as_ref().map(|s| s.span()))
        .or_else(|| r.max_consecutive_days.as_ref().map(|s| s.span()))
        .or_else(|| r.days_per_week.as_ref().map(|s| s.span()))
        .unwrap_or_else(|| r.name.span());
    Err(c.err(
        span,
        key,
        format!(
            "no tour of {n_days} days keeps these rules together: {} working days a week, days off in runs of at least {}{}{}{}; allow fewer working days or shorter runs of days off",
            range_text(rules.days.0 as f64, rules.days.1 as f64, ""),
            contract.consecutive_days_off,
            contract
                .max_consecutive_days
                .map_or(String::new(), |m| format!(", at most {m} working days in a row")),
            contract
                .weekends_off_every
                .map_or(String::new(), |w| format!(", a weekend off every {w} weeks")),
            if n_days == 7 {
                " (a 7-day horizon is a week that repeats: runs wrap from Sunday to Monday)"
            } else {
                ""
            }
        ),
    ))
}

/// Seconds as hours and minutes, as a scenario writes them: `8h30m`, `16h`, `45m`.
fn clock_text(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as u64;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// `5` when `lo` equals `hi`, else `5 to 6` (`unit` after each number: `38h to 40h`).
fn range_text(lo: f64, hi: f64, unit: &str) -> String {
    if (lo - hi).abs() < 1e-9 {
        format!("{lo}{unit}")
    } else {
        format!("{lo}{unit} to {hi}{unit}")
    }
}
