//! The tours of `ccsim optimize` with `[[optimize.contract]]`: the report's tours section
//! (people per group and contract, paid hours, cost, the gap of each stage) and
//! `tours.csv` (one row per tour and worked day). Renders
//! [`crate::optimize::tours::report::ToursResult`]; decides nothing.

use super::schedule::date_and_time;
use crate::optimize::OptimizeResult;
use crate::optimize::tours::report::{TourDay, ToursResult};
use std::fmt::Write as _;

/// The tours section of the printed report (nothing without tours).
pub fn tours_text(t: &mut String, r: &OptimizeResult) {
    let Some(tours) = &r.tours else {
        return;
    };
    let people: Vec<String> = (tours.people.iter())
        .map(|p| format!("{} {}", p.group, p.people))
        .collect();
    let _ = writeln!(
        t,
        "\ntours over {} days: people needed by group: {}",
        tours.n_days,
        people.join(", ")
    );
    let _ = writeln!(
        t,
        "{:<16} {:<12} {:>6} {:>6} {:>6} {:>11} {:>10} {:>11} {:>8} {:>9}",
        "group",
        "contract",
        "people",
        "bound",
        "days",
        "paid hours",
        "cost",
        "stage 1 h",
        "stage 2",
        "unplaced"
    );
    for c in &tours.contracts {
        let _ = writeln!(
            t,
            "{:<16} {:<12} {:>6} {:>6} {:>6} {:>11.1} {:>10.0} {:>11.1} {:>8} {:>9}{}",
            c.group,
            c.contract,
            c.people,
            c.people_bound,
            c.person_days,
            c.paid_hours,
            c.cost,
            c.stage1_paid_hours,
            // Against no stage-1 hours there is no percentage.
            if c.stage1_paid_hours > 0.0 {
                format!("{:+.1}%", c.stage2_gap * 100.0)
            } else {
                "–".to_string()
            },
            c.unplaced,
            if c.path == "MIP" {
                String::new()
            } else {
                format!("  {}", c.path)
            }
        );
    }
    unworkable_and_bound_lines(t, r, tours);
    let _ = writeln!(
        t,
        "columns: bound — the busiest day's shifts (no fewer people can work them); stage 2 — the tours' paid hours against stage 1's shifts (surplus days people work to keep their contract, and with tour-aware shifts the work moved between contracts); stage 1's gap to its LP bound is the solver column above; unplaced — stage 1's shifts no tour could take within the rules (left out of the roster)"
    );
    if let Some(s) = &tours.staffing {
        let _ = writeln!(
            t,
            "\nnamed people ({}, groups {}): {}",
            s.file,
            s.groups.join(", "),
            s.summary
        );
        let per: Vec<String> = (s.contracts.iter())
            .map(|c| format!("{} {} {} of {}", c.group, c.contract, c.staffed, c.tours))
            .collect();
        let _ = writeln!(t, "  tours staffed: {}", per.join(", "));
        for line in &s.shortages {
            let _ = writeln!(t, "  {line}");
        }
    }
}

/// Under the tours table: the days no tour of a contract can work, and each group's paid
/// hours against the tours' bound.
fn unworkable_and_bound_lines(t: &mut String, r: &OptimizeResult, tours: &ToursResult) {
    let mut groups: Vec<&str> = Vec::new();
    for c in tours
        .contracts
        .iter()
        .filter(|c| !c.unworkable_days.is_empty())
    {
        if groups.contains(&c.group.as_str()) {
            continue;
        }
        groups.push(&c.group);
        let start = r.simulated.model.start;
        let days: Vec<String> = (c.unworkable_days.iter())
            .map(|&d| {
                let date =
                    start.and_then(|s| s.date().checked_add(jiff::Span::new().days(d as i64)).ok());
                date.map_or(format!("day {}", d + 1), |x| {
                    x.strftime("%a %d/%m").to_string()
                })
            })
            .collect();
        let rules: Vec<String> = (tours.contracts.iter())
            .filter(|x| x.group == c.group)
            .map(|x| format!("{}: {}", x.contract, x.day_rules))
            .collect();
        let _ = writeln!(
            t,
            "{}: no tour of its contracts ({}; and the days the group is closed) can work {}, so its need on those days is left uncovered; relax one of those rules, or add a contract for {} whose people may work those days",
            c.group,
            rules.join("; "),
            days.join(", "),
            c.group
        );
    }
    let gaps: Vec<String> = (tours.people.iter())
        .map(|p| {
            let unplaced: u32 = (tours.contracts.iter())
                .filter(|c| c.group == p.group)
                .map(|c| c.unplaced)
                .sum();
            let short = if unplaced > 0 {
                format!(", {unplaced} shifts unplaced")
            } else {
                String::new()
            };
            match p.paid_hours_bound {
                Some(b) if b > 0.0 => format!(
                    "{} {:.1} h ≥ {:.1} h ({:+.1}%{short})",
                    p.group,
                    p.paid_hours,
                    b,
                    // The bound is within 0.001 h a person: no gap below zero.
                    ((p.paid_hours - b) / b * 100.0).max(0.0)
                ),
                _ => format!("{} {:.1} h (no bound{short})", p.group, p.paid_hours),
            }
        })
        .collect();
    // One method for every group, or each method with its groups.
    let mut methods: Vec<(&str, Vec<&str>)> = Vec::new();
    for p in tours
        .people
        .iter()
        .filter(|p| !p.paid_hours_bound_method.is_empty())
    {
        match methods
            .iter_mut()
            .find(|(m, _)| *m == p.paid_hours_bound_method)
        {
            Some((_, groups)) => groups.push(&p.group),
            None => methods.push((&p.paid_hours_bound_method, vec![&p.group])),
        }
    }
    let method = match methods.as_slice() {
        [] => "none could be taken".to_string(),
        [(m, _)] => m.to_string(),
        many => (many.iter())
            .map(|(m, groups)| format!("{}: {m}", groups.join(", ")))
            .collect::<Vec<_>>()
            .join("; "),
    };
    let _ = writeln!(
        t,
        "paid hours against the tours' bound ({method}): {}",
        gaps.join(", ")
    );
    share_price_line(t, tours);
    part_time_share_line(t, r, tours);
}

/// What `max_part_time_share` costs where it binds: the hours it adds to each group's
/// relaxed bound (with the share against without it), for groups where that is over
/// 0.5 % of the bound without it.
fn share_price_line(t: &mut String, tours: &ToursResult) {
    let priced: Vec<String> = (tours.people.iter())
        .filter_map(|p| {
            let price = p.part_time_share_price_hours?;
            let bound = p.paid_hours_bound?;
            let without = bound - price;
            (without > 0.0 && price > 0.005 * without).then(|| {
                format!(
                    "{} +{price:.1} h (+{:.1}%)",
                    p.group,
                    price / without * 100.0
                )
            })
        })
        .collect();
    if !priced.is_empty() {
        let _ = writeln!(
            t,
            "max_part_time_share binds: it adds to the relaxed bound's paid hours over the horizon (in % of the bound without it): {}",
            priced.join(", ")
        );
    }
}

/// With `max_part_time_share`: `voice_t1 53 of 84 (63%)` for each group whose part-time
/// people (with tours) pass it; empty without the setting or when every group keeps it.
pub fn share_breakers(r: &OptimizeResult, tours: &ToursResult) -> Vec<String> {
    let Some(share) = (r.simulated.model.optimize.as_ref()).and_then(|o| o.max_part_time_share)
    else {
        return Vec::new();
    };
    (tours.people.iter())
        .filter_map(|p| {
            let part: u32 = (tours.contracts.iter())
                .filter(|c| c.group == p.group && c.part_time)
                .map(|c| c.people)
                .sum();
            (p.people > 0 && part as f64 > share * p.people as f64 + 1e-9).then(|| {
                format!(
                    "{} {part} of {} ({:.0}%)",
                    p.group,
                    p.people,
                    part as f64 / p.people as f64 * 100.0
                )
            })
        })
        .collect()
}

/// With `max_part_time_share`: the groups whose part-time people pass it (the share
/// holds for stage 1's shifts; the tours keep it on people where the tour-aware program
/// found tours that do).
fn part_time_share_line(t: &mut String, r: &OptimizeResult, tours: &ToursResult) {
    let Some(share) = (r.simulated.model.optimize.as_ref()).and_then(|o| o.max_part_time_share)
    else {
        return;
    };
    let over = share_breakers(r, tours);
    if !over.is_empty() {
        let _ = writeln!(
            t,
            "part-time people above max_part_time_share ({:.0}%, kept by stage 1's shifts; the tours that keep it on people were not found, `--solver cbc` may find them): {}",
            share * 100.0,
            over.join(", ")
        );
    }
}

/// `tours.csv`: `tour,group,contract,day,date,start,end,breaks,paid_hours,surplus,person`,
/// one row per tour and worked day; `date` is the calendar date with `[simulation] start` (else
/// empty), `day` counts from 1, `breaks` are `HH:MM-HH:MM` separated by `;` (unpaid ones
/// marked), `surplus` whether the day's shift is a surplus one (the pattern works the day
/// but the roster needed no more shifts), `person` the named person working the tour
/// (`[optimize] people`; else empty).
pub fn tours_csv(r: &OptimizeResult, tours: &ToursResult) -> String {
    let start = r.simulated.model.start;
    let mut t =
        String::from("tour,group,contract,day,date,start,end,breaks,paid_hours,surplus,person\n");
    for tour in &tours.tours {
        for (d, day) in tour.days.iter().enumerate() {
            let Some(day) = day else { continue };
            let (date, from) = date_and_time(start, day.start_s);
            let (_, to) = date_and_time(start, day.end_s);
            let date = if start.is_some() { date } else { String::new() };
            let _ = writeln!(
                t,
                "{},{},{},{},{date},{from},{to},{},{},{},{}",
                tour.id,
                tour.group,
                tour.contract,
                d + 1,
                breaks(start, day),
                day.paid_hours,
                day.surplus,
                person_field(tour.person.as_deref())
            );
        }
    }
    t
}

/// A day's breaks, `;`-separated, as times of day.
fn breaks(start: Option<jiff::civil::DateTime>, day: &TourDay) -> String {
    (day.breaks.iter())
        .map(|&(s, l, paid)| {
            format!(
                "{}-{}{}",
                date_and_time(start, s).1,
                date_and_time(start, s + l).1,
                if paid { "" } else { " unpaid" }
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A tour's day as the roster workbook shows it: `08:00–16:30` (times of day), or `off`.
pub fn day_cell(day: &Option<TourDay>) -> String {
    day.as_ref().map_or("off".into(), |d| {
        format!(
            "{}–{}",
            date_and_time(None, d.start_s).1,
            date_and_time(None, d.end_s).1
        )
    })
}

/// `schedule.csv` with tours: the columns of [`super::schedule::schedule_csv`] and
/// `tour` after them, one row set per tour and worked day (`agent_count` 1; `shift_id`
/// numbers the group's shifts in tour order).
pub fn schedule_csv(r: &OptimizeResult, tours: &ToursResult) -> String {
    let start = r.simulated.model.start;
    let mut t = String::from(
        "group,shift,shift_id,agent_count,activity,paid,date,start,end,hours,tour,person\n",
    );
    let mut previous_group = "";
    let mut n = 0;
    for tour in &tours.tours {
        if tour.group != previous_group {
            previous_group = &tour.group;
            n = 0;
        }
        for day in tour.days.iter().flatten() {
            n += 1;
            let line = crate::optimize::RosterLine {
                group: tour.group.clone(),
                shift: day.shift.clone(),
                start_s: day.start_s,
                end_s: day.end_s,
                breaks: day.breaks.clone(),
                agents: 1,
            };
            for a in super::schedule::activities(&line) {
                let (date, from) = date_and_time(start, a.start_s);
                let (_, to) = date_and_time(start, a.end_s);
                let hours = format!("{:.4}", (a.end_s - a.start_s) / 3600.0);
                let hours = hours.trim_end_matches('0').trim_end_matches('.');
                let _ = writeln!(
                    t,
                    "{},{},{}-{n},1,{},{},{date},{from},{to},{hours},{},{}",
                    tour.group,
                    day.shift,
                    tour.group,
                    a.kind,
                    a.paid,
                    tour.id,
                    person_field(tour.person.as_deref())
                );
            }
        }
    }
    t
}

/// The roster workbook's `Tours` sheet as CSV: one row per tour (`tour`, `group`,
/// `contract`), a column per day (headed by its date with `[simulation] start`, else
/// `day N`) showing `08:00–16:30` or `off`.
pub fn tours_sheet(r: &OptimizeResult, tours: &ToursResult) -> String {
    let start = r.simulated.model.start;
    let mut t = String::from("tour,group,contract,person");
    for d in 0..tours.n_days {
        let _ = write!(t, ",{}", date_and_time(start, d as f64 * 86_400.0).0);
    }
    t.push('\n');
    for tour in &tours.tours {
        let _ = write!(
            t,
            "{},{},{},{}",
            tour.id,
            tour.group,
            tour.contract,
            person_field(tour.person.as_deref())
        );
        for day in &tour.days {
            let _ = write!(t, ",{}", day_cell(day));
        }
        t.push('\n');
    }
    t
}

/// A person's name as a CSV field: quoted when it holds a comma, a quote or a line break
/// (quotes doubled); empty for none.
fn person_field(name: Option<&str>) -> String {
    match name {
        None => String::new(),
        Some(n) if n.contains([',', '"', '\n', '\r']) => format!("\"{}\"", n.replace('"', "\"\"")),
        Some(n) => n.to_string(),
    }
}

/// The scenario's `[[optimize.contract]]` rules for `ccsim check`, one line per contract
/// (nothing without contracts): its groups, shift templates, days and hours a week, days
/// off in a row, most days in a row, rest and start band.
pub fn describe_contracts(out: &mut String, model: &crate::model::Model) {
    let Some(spec) = &model.optimize else {
        return;
    };
    if spec.contracts.is_empty() {
        return;
    }
    let n_days = (model.horizon / 86_400.0).round() as u32;
    let _ = writeln!(
        out,
        "  contracts ({}), weekly tours over {n_days} days{}:",
        spec.contracts.len(),
        if n_days == 7 {
            " (a week that repeats: runs of days wrap from Sunday to Monday)".to_string()
        } else if n_days > 7 {
            let first = model.start.map(|s| s.date());
            let label = |d: u32| {
                first
                    .and_then(|f| f.checked_add(jiff::Span::new().days(d as i64)).ok())
                    .map_or(format!("day {}", d + 1), |x| {
                        x.strftime("%a %d/%m").to_string()
                    })
            };
            format!(
                " ({} weeks counted from {}: days and hours a week and the start band hold in each, runs and rest across them)",
                n_days / 7,
                (0..n_days / 7)
                    .map(|w| format!("{}–{}", label(7 * w), label(7 * w + 6)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        }
    );
    let hours = |h: f64| crate::duration::Duration::from_secs(h * 3600.0).to_string();
    for c in &spec.contracts {
        let groups: Vec<&str> = (c.groups.iter())
            .map(|g| model.groups[g.index()].name.as_str())
            .collect();
        let shifts: Vec<&str> = (c.shifts.iter())
            .map(|&t| spec.shifts[t].name.as_str())
            .collect();
        let mut rules = vec![if c.days.0 == c.days.1 {
            format!("{} days a week", c.days.0)
        } else {
            format!("{}–{} days a week", c.days.0, c.days.1)
        }];
        if let Some((lo, hi)) = c.hours {
            rules.push(if lo == hi {
                format!("{} a week", hours(lo))
            } else {
                format!("{}–{} a week", hours(lo), hours(hi))
            });
        }
        if c.consecutive_days_off > 1 {
            rules.push(format!(
                "days off {} in a row at least",
                c.consecutive_days_off
            ));
        }
        if let Some(m) = c.max_consecutive_days {
            rules.push(format!("at most {m} days in a row"));
        }
        if c.min_rest > 0.0 {
            let rest = crate::duration::Duration::from_secs(c.min_rest);
            rules.push(format!("rest {rest} between shifts"));
        }
        if let Some(b) = c.start_band {
            let band = crate::duration::Duration::from_secs(b);
            rules.push(format!("starts within ±{band} of the week's first"));
        }
        if let Some(w) = c.weekends_off_every {
            rules.push(if w == 1 {
                "every weekend off".to_string()
            } else {
                format!("a weekend off in every {w}")
            });
        }
        let _ = writeln!(
            out,
            "    {:<12} groups {}; shifts {}; {}",
            c.name,
            groups.join(", "),
            shifts.join(", "),
            rules.join(", ")
        );
    }
}
