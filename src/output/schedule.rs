//! The schedule export of `ccsim optimize --out DIR`: `schedule.csv` (one row per rostered
//! shift and activity, with dates and clock times, for a WFM import or a spreadsheet) and
//! `roster.xlsx` (the roster, the requirement against the agents rostered and on duty, the
//! simulated service level and the costs, one sheet each).

use crate::duration::clock;
use crate::optimize::{OptimizeResult, RosterLine};
use jiff::civil::DateTime;
use std::fmt::Write as _;

/// One activity of a rostered shift: `work`, `break` (paid) or `lunch` (unpaid), from
/// `start_s` to `end_s` (seconds from the horizon's start).
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    /// `work`, `break` or `lunch`.
    pub kind: &'static str,
    /// Paid time (work and paid breaks).
    pub paid: bool,
    /// Start, seconds from the start of the horizon.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
}

/// A shift cut into its activities in time order: work between the breaks, each break
/// (`lunch` when unpaid, `break` when paid). Zero-length work pieces are left out.
pub fn activities(line: &RosterLine) -> Vec<Activity> {
    let mut breaks = line.breaks.clone();
    breaks.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::with_capacity(2 * breaks.len() + 1);
    let mut at = line.start_s;
    for (start, length, paid) in breaks {
        if start > at {
            out.push(Activity {
                kind: "work",
                paid: true,
                start_s: at,
                end_s: start,
            });
        }
        out.push(Activity {
            kind: if paid { "break" } else { "lunch" },
            paid,
            start_s: start,
            end_s: start + length,
        });
        at = start + length;
    }
    if line.end_s > at {
        out.push(Activity {
            kind: "work",
            paid: true,
            start_s: at,
            end_s: line.end_s,
        });
    }
    out
}

/// The date and clock time `seconds` after the horizon's start: with `[simulation] start`
/// the calendar date (`2026-11-11`) and its time of day; without it `day 1`, `day 2`, …
/// and the time from midnight of day 1.
pub fn date_and_time(start: Option<DateTime>, seconds: f64) -> (String, String) {
    let whole = seconds.round() as i64;
    if let Some(at) = start.and_then(|s| s.checked_add(jiff::SignedDuration::from_secs(whole)).ok())
    {
        let mut time = format!("{:02}:{:02}", at.hour(), at.minute());
        if at.second() != 0 {
            time += &format!(":{:02}", at.second());
        }
        return (at.date().to_string(), time);
    }
    let (day, secs) = (whole.div_euclid(86_400), whole.rem_euclid(86_400));
    (format!("day {}", day + 1), clock(secs as f64))
}

/// `schedule.csv`: `group,shift,shift_id,agent_count,activity,paid,date,start,end,hours`,
/// one row per rostered shift and activity in time order. `shift` is the template,
/// `shift_id` numbers the roster's shifts per group (`voice-1`, …), `agent_count` agents
/// work that shift; `date` and `start` are where the activity starts (see
/// [`date_and_time`]), `end` its clock time (on the next day when earlier than `start`),
/// `hours` its length. Per group, the work and paid-break hours × agents add up to the
/// roster's paid hours (within the horizon), and each shift's `agent_count` once to its
/// headcount.
pub fn schedule_csv(r: &OptimizeResult) -> String {
    // With tours: one row set per tour and day, and a `tour` column.
    if let Some(tours) = &r.tours {
        return super::tours::schedule_csv(r, tours);
    }
    let start = r.simulated.model.start;
    let mut t =
        String::from("group,shift,shift_id,agent_count,activity,paid,date,start,end,hours\n");
    let mut previous_group = "";
    let mut n = 0;
    for line in &r.roster {
        if line.group != previous_group {
            previous_group = &line.group;
            n = 0;
        }
        n += 1;
        for a in activities(line) {
            let (date, from) = date_and_time(start, a.start_s);
            let (_, to) = date_and_time(start, a.end_s);
            let _ = writeln!(
                t,
                "{},{},{}-{n},{},{},{},{date},{from},{to},{}",
                line.group,
                line.shift,
                line.group,
                line.agents,
                a.kind,
                a.paid,
                hours(a.end_s - a.start_s)
            );
        }
    }
    t
}

/// Hours with up to 4 decimals, trailing zeros dropped (`8`, `0.5`, `0.25`).
fn hours(seconds: f64) -> String {
    let text = format!("{:.4}", seconds / 3600.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `roster.xlsx`: the sheets `roster` (as `roster.csv`), `schedule` (as `schedule.csv`),
/// `requirements` (as `requirements.csv`, then `on_duty`: the agents the roster puts on
/// duty after shrinkage), `service level` (the final simulation per interval and channel:
/// offered, service level and its 95 % half-width, abandon rate, ASA, judged, missed) and
/// `costs` (as `cost.csv`). Numbers are numbers, dates (`2025-03-03`) and clock times
/// (`08:30`) Excel dates and times, `true`/`false` booleans, everything else text.
///
/// Errors: the writer's, as a sentence (none is expected for a result in memory).
pub fn roster_xlsx(r: &OptimizeResult) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("hh:mm");
    let mut sheets = vec![
        ("roster", super::optimize::roster_csv(r)),
        ("schedule", schedule_csv(r)),
        ("requirements", requirements_with_on_duty(r)),
        ("service level", service_level_csv(r)),
        ("costs", super::optimize::cost_csv(r)),
    ];
    // With tours: a sheet of one row per tour, a column per day.
    if let Some(tours) = &r.tours {
        sheets.push(("Tours", super::tours::tours_sheet(r, tours)));
    }
    for (name, csv_text) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(|e| e.to_string())?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv_text.as_bytes());
        for (row, record) in reader.records().enumerate() {
            let record = record.map_err(|e| e.to_string())?;
            for (col, cell) in record.iter().enumerate() {
                let (row, col) = (row as u32, col as u16);
                let written = if row == 0 {
                    sheet.write_string_with_format(row, col, cell, &bold)
                } else if let Some(x) = number(cell) {
                    sheet.write_number(row, col, x)
                } else if let Some(d) = date_or_time(cell) {
                    let format = if cell.contains('-') { &date } else { &time };
                    sheet.write_datetime_with_format(row, col, &d, format)
                } else if cell == "true" || cell == "false" {
                    sheet.write_boolean(row, col, cell == "true")
                } else {
                    sheet.write_string(row, col, cell)
                };
                written.map_err(|e| e.to_string())?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
        sheet.autofit();
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// A cell that is a date `YYYY-MM-DD` or a clock time `HH:MM`, as an Excel date-time.
fn date_or_time(cell: &str) -> Option<rust_xlsxwriter::ExcelDateTime> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    match cell.len() {
        10 if cell.as_bytes()[4] == b'-' && cell.as_bytes()[7] == b'-' => {
            let (y, m, d) = (&cell[..4], &cell[5..7], &cell[8..]);
            if !(digits(y) && digits(m) && digits(d)) {
                return None;
            }
            rust_xlsxwriter::ExcelDateTime::from_ymd(
                y.parse().ok()?,
                m.parse().ok()?,
                d.parse().ok()?,
            )
            .ok()
        }
        5 if cell.as_bytes()[2] == b':' => {
            let (h, m) = (&cell[..2], &cell[3..]);
            if !(digits(h) && digits(m)) {
                return None;
            }
            rust_xlsxwriter::ExcelDateTime::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
        }
        _ => None,
    }
}

/// A cell's number, for cells that are plain decimals (`12`, `0.5`, `-3.25`); not `inf`,
/// `NaN` or times.
fn number(cell: &str) -> Option<f64> {
    let plain = !cell.is_empty()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' || c == 'E')
        && cell
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '-');
    if plain { cell.parse().ok() } else { None }
}

/// `requirements.csv` with an `on_duty` column: the rostered agents after shrinkage.
fn requirements_with_on_duty(r: &OptimizeResult) -> String {
    let csv_text = super::optimize::requirements_csv(r);
    let mut lines = csv_text.lines();
    let mut t = format!("{},on_duty\n", lines.next().unwrap_or_default());
    for (line, row) in lines.zip(&r.requirements) {
        let _ = writeln!(t, "{line},{}", on_duty(r, row));
    }
    t
}

/// Agents on duty (after the group's shrinkage in that interval: a forecast's or a
/// `shrinkage` list's, else the group's one figure) when the roster schedules
/// `row.rostered`.
pub fn on_duty(r: &OptimizeResult, row: &crate::optimize::RequirementRow) -> u32 {
    let model = &r.simulated.model;
    let k = ((row.start_s + model.lead_in) / model.interval)
        .round()
        .max(0.0) as usize;
    (model.groups.iter())
        .find(|g| g.name == row.group)
        .map_or(row.rostered, |g| g.on_duty_in(row.rostered, k))
}

/// The final simulation per reported interval and channel.
fn service_level_csv(r: &OptimizeResult) -> String {
    let simulated = super::optimize::summary(&r.simulated);
    let mut t = String::from(
        "interval,channel,offered,service_level,service_level_ci95,abandon_rate,asa_s,judged,missed\n",
    );
    let fmt = |x: f64, digits: usize| {
        if x.is_finite() {
            format!("{x:.digits$}")
        } else {
            String::new()
        }
    };
    for i in &simulated.intervals {
        let q = &i.queue;
        let missed = (r.misses.iter()).any(|m| m.start_s == i.start_s && m.channel == i.channel);
        let judged = q.offered.mean >= r.min_offered.max(1e-9);
        let _ = writeln!(
            t,
            "{},{},{},{},{},{},{},{judged},{missed}",
            clock(i.start_s),
            i.channel,
            fmt(q.offered.mean, 2),
            fmt(q.service_level.mean, 4),
            fmt(q.service_level.ci95, 4),
            fmt(q.abandon_rate.mean, 4),
            fmt(q.asa_s.mean, 1),
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_is_cut_into_work_and_its_breaks() {
        let line = RosterLine {
            group: "g".into(),
            shift: "day".into(),
            start_s: 8.0 * 3600.0,
            end_s: 16.0 * 3600.0,
            breaks: vec![(12.0 * 3600.0, 1800.0, false), (10.0 * 3600.0, 900.0, true)],
            agents: 3,
        };
        let kinds: Vec<_> = activities(&line).iter().map(|a| a.kind).collect();
        assert_eq!(kinds, ["work", "break", "work", "lunch", "work"]);
        let total: f64 = activities(&line).iter().map(|a| a.end_s - a.start_s).sum();
        assert_eq!(total, 8.0 * 3600.0);
    }

    #[test]
    fn dates_come_from_the_start_or_count_days() {
        let start: DateTime = "2026-11-11T06:00".parse().unwrap();
        assert_eq!(
            date_and_time(Some(start), 20.0 * 3600.0),
            ("2026-11-12".into(), "02:00".into())
        );
        assert_eq!(
            date_and_time(None, 26.0 * 3600.0 + 30.0),
            ("day 2".into(), "02:00:30".into())
        );
    }
}
