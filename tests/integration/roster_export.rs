//! Issue 14, items 8 and 9: what `ccsim optimize --out DIR` exports of its roster.
//! - `roster.toml` is a scenario: `ccsim run` on it repeats the optimizer's final
//!   verification exactly (the JSON equal, `wall_s` aside), also from a moved folder, and
//!   `compare` and `sweep` take it like any scenario (item 8);
//! - `schedule.csv` rows add up to the roster's agents and paid hours; `roster.xlsx` reads
//!   back with calamine and its cells equal `roster.csv`, `requirements.csv`, `cost.csv`
//!   (item 9);
//! - an existing destination is not overwritten without `--force`: nothing of the user's
//!   is touched and no export is left behind.

use crate::support::ccsim;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SCENARIO: &str = "tests/cases/optimize_small.toml";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-roster-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The results folder of `ccsim optimize tests/cases/optimize_small.toml`, made once.
fn results() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("results").join("out");
        let out = ccsim(&[
            "optimize",
            SCENARIO,
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JSON with every `wall_s` removed (the only field that depends on the clock).
fn without_wall(mut v: serde_json::Value) -> serde_json::Value {
    match &mut v {
        serde_json::Value::Object(map) => {
            map.remove("wall_s");
            for (_, x) in map.iter_mut() {
                *x = without_wall(x.take());
            }
        }
        serde_json::Value::Array(list) => {
            for x in list.iter_mut() {
                *x = without_wall(x.take());
            }
        }
        _ => {}
    }
    v
}

fn run_json(roster: &Path) -> serde_json::Value {
    let out = ccsim(&["run", roster.to_str().unwrap(), "--json", "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    without_wall(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn roster_toml_reproduces_the_final_verification_exactly() {
    let dir = results();
    let optimized: serde_json::Value =
        serde_json::from_str(&read(&dir.join("optimize.json"))).unwrap();
    let verification = without_wall(optimized["simulated"].clone());
    assert_eq!(run_json(&dir.join("roster.toml")), verification);
    // The folder may move: the scenario is self-contained.
    let moved = scratch("moved").join("roster.toml");
    std::fs::copy(dir.join("roster.toml"), &moved).unwrap();
    assert_eq!(run_json(&moved), verification);
    // It is staffed by shifts (the scenario's `agents = 10` is gone).
    let text = read(&dir.join("roster.toml"));
    assert!(text.contains("[[group.shifts]]"), "{text}");
    assert!(!text.contains("agents = 10\n"), "{text}");
}

#[test]
fn compare_and_sweep_take_the_roster_like_any_scenario() {
    let dir = results();
    let roster = dir.join("roster.toml");
    let here = scratch("variants");
    // A variant of the optimized scenario: its change applies onto the roster.
    let surge = here.join("surge.toml");
    let base = std::fs::canonicalize(SCENARIO).unwrap();
    std::fs::write(
        &surge,
        format!(
            "extends = {:?}\n[set]\n\"arrivals.voice/general.rates_per_hour[2]\" = 150\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    // A variant of the roster itself: a fifth of the agents off sick.
    let sick = here.join("sick.toml");
    std::fs::write(
        &sick,
        format!(
            "extends = {:?}\n[set]\n\"group.agents.shrinkage\" = 0.3\n",
            roster.display().to_string()
        ),
    )
    .unwrap();
    let out = ccsim(&[
        "compare",
        roster.to_str().unwrap(),
        surge.to_str().unwrap(),
        sick.to_str().unwrap(),
        "--json",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(text.contains("surge") && text.contains("sick"), "{text}");
    let out = ccsim(&[
        "sweep",
        roster.to_str().unwrap(),
        "--set",
        "group.agents.shrinkage=0.1,0.2",
        "--json",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `(group, headcount, paid_hours)` per group, from optimize.json.
fn costs(dir: &Path) -> Vec<(String, u64, f64)> {
    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("optimize.json"))).unwrap();
    (json["costs"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["group"].as_str().unwrap().to_string(),
                c["headcount"].as_u64().unwrap(),
                c["paid_hours"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn schedule_rows_add_up_to_the_rosters_agents_and_paid_hours() {
    let dir = results();
    let schedule = read(&dir.join("schedule.csv"));
    let mut lines = schedule.lines();
    assert_eq!(
        lines.next().unwrap(),
        "group,shift,shift_id,agent_count,activity,paid,date,start,end,hours"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty());
    for (group, headcount, paid_hours) in costs(dir) {
        let mine: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == group).collect();
        let mut shifts: Vec<(&str, u64)> = mine
            .iter()
            .map(|r| (r[2], r[3].parse::<u64>().unwrap()))
            .collect();
        shifts.dedup();
        assert_eq!(shifts.iter().map(|s| s.1).sum::<u64>(), headcount);
        let paid: f64 = (mine.iter())
            .filter(|r| r[5] == "true")
            .map(|r| r[3].parse::<f64>().unwrap() * r[9].parse::<f64>().unwrap())
            .sum();
        assert!((paid - paid_hours).abs() < 1e-6, "{paid} vs {paid_hours}");
        for r in &mine {
            assert!(["work", "break", "lunch"].contains(&r[4]), "{r:?}");
            assert_eq!(r[6], "day 1", "no [simulation] start: day 1");
        }
    }
    // The roster's shifts, in order, are the schedule's.
    let roster = read(&dir.join("roster.csv"));
    assert_eq!(
        roster.lines().count() - 1,
        rows.iter()
            .map(|r| r[2])
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
}

/// A sheet's cells as text (numbers as the CSV writes integers, else their value).
fn sheet(path: &Path, name: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    range.rows().map(|r| r.to_vec()).collect()
}

/// Whether a workbook cell holds the CSV field's value.
fn same(cell: &calamine::Data, field: &str) -> bool {
    use calamine::Data;
    match cell {
        Data::Float(x) => field.parse::<f64>().is_ok_and(|f| f == *x),
        Data::Int(x) => field.parse::<i64>().is_ok_and(|f| f == *x),
        Data::String(s) => s == field,
        Data::Empty => field.is_empty(),
        Data::Bool(b) => field == b.to_string(),
        // Dates and clock times are Excel date-times, shown as the CSV writes them.
        Data::DateTime(d) => {
            let days = d.as_f64();
            if field.contains('-') {
                let date = jiff::civil::date(1899, 12, 30)
                    .checked_add(jiff::Span::new().days(days as i64))
                    .unwrap();
                date.to_string() == field
            } else {
                let minutes = (days * 1440.0).round() as i64;
                format!("{:02}:{:02}", minutes / 60, minutes % 60) == field
            }
        }
        other => panic!("unexpected cell {other:?}"),
    }
}

#[test]
fn the_workbook_reads_back_equal_to_the_csv_files() {
    let dir = results();
    let book = dir.join("roster.xlsx");
    for (name, csv_file, columns) in [
        ("roster", "roster.csv", usize::MAX),
        ("requirements", "requirements.csv", usize::MAX),
        ("costs", "cost.csv", usize::MAX),
        ("schedule", "schedule.csv", usize::MAX),
    ] {
        let cells = sheet(&book, name);
        let csv_text = read(&dir.join(csv_file));
        // Read as CSV: a quoted field may hold commas (cost.csv's `path`).
        let lines: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv_text.as_bytes())
            .records()
            .map(|r| r.expect("the CSV reads"))
            .collect();
        assert_eq!(cells.len(), lines.len(), "{name}");
        for (row, line) in cells.iter().zip(&lines) {
            for (k, field) in line.iter().enumerate().take(columns) {
                let cell = row.get(k).unwrap_or(&calamine::Data::Empty);
                assert!(
                    same(cell, field),
                    "{name}: {cell:?} vs {field:?} in {line:?}"
                );
            }
        }
    }
    // The requirement against the agents on duty: `on_duty` after the CSV's columns.
    let requirements = sheet(&book, "requirements");
    assert_eq!(requirements[0].last().unwrap().to_string(), "on_duty");
    let service = sheet(&book, "service level");
    assert_eq!(service.len(), 1 + 6, "six hourly intervals of one channel");
}

#[test]
fn an_existing_destination_is_kept_without_force() {
    let dir = scratch("kept");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = ccsim(&[
        "optimize",
        SCENARIO,
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(&dir.join("notes.txt")), "mine");
    assert!(!dir.join("roster.toml").exists());
    assert!(!dir.join("roster.xlsx").exists());
}
