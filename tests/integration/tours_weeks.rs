//! Issue 15, item 4 over several weeks: `tests/cases/tours_fortnight.toml` (the tours week
//! over 14 days, a weekend off in every two for both contracts). Every row of `tours.csv`
//! keeps its contract's rules week by week (days and hours a week, start band), across
//! the weeks (days off in a row, most days in a row, rest) and the weekend rule; the
//! report counts the people over 14 days; bad horizons and weekend rules are refused at
//! their place. The stage-2 network itself is checked against the listed tours' least
//! cover in `src/optimize/tours/weeks.rs`.

use crate::support::ccsim;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SCENARIO: &str = "tests/cases/tours_fortnight.toml";
const DAY: i64 = 86_400;
const DAYS: usize = 14;

/// The results folder of `ccsim optimize` on the fortnight, and its stdout.
fn results() -> &'static (PathBuf, String) {
    static DIR: OnceLock<(PathBuf, String)> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("ccsim-tours-weeks-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let dir = base.join("out");
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
        (dir, String::from_utf8(out.stdout).unwrap())
    })
}

/// One worked day: day (0-based), start and end in seconds from the horizon's start,
/// paid hours.
struct Worked {
    day: usize,
    start: i64,
    end: i64,
    paid: f64,
}

/// `HH:MM` as seconds.
fn clock(text: &str) -> i64 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<i64>().unwrap() * 3600 + m.parse::<i64>().unwrap() * 60
}

/// `tours.csv` by tour: contract and worked days.
fn tours(dir: &Path) -> BTreeMap<String, (String, Vec<Worked>)> {
    let text = std::fs::read_to_string(dir.join("tours.csv")).unwrap();
    let mut out: BTreeMap<String, (String, Vec<Worked>)> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let day = f[3].parse::<usize>().unwrap() - 1;
        assert!(day < DAYS, "{line}");
        let start = day as i64 * DAY + clock(f[5]);
        let mut end = day as i64 * DAY + clock(f[6]);
        if end <= start {
            end += DAY;
        }
        let entry = (out.entry(f[0].to_string())).or_insert_with(|| (f[2].to_string(), Vec::new()));
        entry.1.push(Worked {
            day,
            start,
            end,
            paid: f[8].parse().unwrap(),
        });
    }
    out
}

/// The lengths of the runs of `kind` inside the fortnight; runs of days off touching its
/// first or last day may continue outside it and are left out.
fn runs(worked: &[bool; DAYS], kind: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut d = 0;
    while d < DAYS {
        let from = d;
        while d < DAYS && worked[d] == worked[from] {
            d += 1;
        }
        let edge = from == 0 || d == DAYS;
        if worked[from] == kind && (kind || !edge) {
            out.push(d - from);
        }
    }
    out
}

#[test]
fn every_tour_keeps_its_rules_week_by_week_across_the_weeks_and_at_weekends() {
    let (dir, _) = results();
    let all = tours(dir);
    assert!(all.len() >= 20, "{} tours", all.len());
    for (id, (contract, days)) in &all {
        let mut worked = [false; DAYS];
        for w in days {
            assert!(!worked[w.day], "{id}: two shifts on a day");
            worked[w.day] = true;
        }
        let (rest, band, days_range, hours_range, off_run, max_run) = match contract.as_str() {
            "full_time" => (
                11 * 3600,
                Some(2 * 3600),
                (5, 5),
                (40.0, 40.0),
                2,
                usize::MAX,
            ),
            "part_time" => (0, None, (3, 4), (12.0, 16.0), 1, 3),
            other => panic!("{id}: contract {other}"),
        };
        for week in 0..2 {
            let mine: Vec<&Worked> = days.iter().filter(|w| w.day / 7 == week).collect();
            let hours: f64 = mine.iter().map(|w| w.paid).sum();
            assert!(
                (days_range.0..=days_range.1).contains(&mine.len()),
                "{id}: week {week}"
            );
            assert!(
                hours >= hours_range.0 - 1e-9 && hours <= hours_range.1 + 1e-9,
                "{id}: {hours} h"
            );
            if let (Some(b), Some(first)) = (band, mine.first()) {
                let tod = |w: &Worked| w.start - w.day as i64 * DAY;
                assert!(
                    mine.iter().all(|w| (tod(w) - tod(first)).abs() <= b),
                    "{id}: band"
                );
            }
        }
        assert!(
            runs(&worked, false).iter().all(|&r| r >= off_run),
            "{id}: {worked:?}"
        );
        assert!(
            runs(&worked, true).iter().all(|&r| r <= max_run),
            "{id}: {worked:?}"
        );
        for pair in days.windows(2) {
            assert!(
                pair[1].start - pair[0].end >= rest,
                "{id}: rest before day {}",
                pair[1].day + 1
            );
        }
        // Monday 2026-11-30: the weekends are days 5-6 and 12-13; one of them off.
        let off = |sat: usize| !worked[sat] && !worked[sat + 1];
        assert!(off(5) || off(12), "{id}: no weekend off: {worked:?}");
    }
}

#[test]
fn the_report_counts_people_over_fourteen_days_with_both_weeks_worked() {
    let (dir, stdout) = results();
    assert!(
        stdout.contains("tours over 14 days: people needed by group: voice_agents "),
        "{stdout}"
    );
    // Tours run through both weeks: someone works in week 2 of every tour.
    let all = tours(dir);
    for (id, (_, days)) in &all {
        assert!(
            days.iter().any(|w| w.day < 7) && days.iter().any(|w| w.day >= 7),
            "{id}"
        );
    }
    // Every required shift placed.
    let table = stdout.split("tours over 14 days").nth(1).unwrap();
    for line in table.lines().skip(2).take(4) {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f[9], "0", "unplaced: {line}");
    }
}

/// Over two weeks the tour-aware shifts split people by start anchor as within a week,
/// and the anchored stage gets their day patterns: each group's tours come within 2 % of
/// the bound (0.0 % on this case; 29.3 % and 36.7 % when the program over several weeks
/// left the band out and the anchored stage lacked the patterns its people work).
#[test]
fn the_fortnight_s_tours_come_within_two_percent_of_their_bound() {
    let (_, stdout) = results();
    let line = (stdout.lines())
        .find(|l| l.starts_with("paid hours against the tours' bound"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let groups: Vec<&str> = line.split("h (+").skip(1).collect();
    assert_eq!(groups.len(), 2, "{line}");
    for g in groups {
        let percent: f64 = g.split('%').next().unwrap().parse().unwrap();
        assert!(percent <= 2.0, "{percent} % above the bound: {line}");
    }
}

/// A copy of the fortnight's base with `from` replaced by `to`, as a file.
fn variant(name: &str, from: &str, to: &str) -> PathBuf {
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/tours_week.toml");
    let text = std::fs::read_to_string(base).unwrap();
    assert!(text.contains(from), "{from}");
    let dir = std::env::temp_dir().join(format!("ccsim-tours-weeks-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

/// A bad case: its name, the edits (from, to) to the tours week, the key and a fragment of
/// the message.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

#[test]
fn horizons_and_weekend_rules_tours_cannot_take_are_refused_at_their_place() {
    let cases: [Case; 5] = [
        (
            "ten_days",
            &[("horizon = \"7d\"", "horizon = \"10d\"")],
            "simulation.horizon",
            "2 to 7, or 2, 3 or 4 whole weeks (14, 21 or 28 days)",
        ),
        (
            "five_weeks",
            &[("horizon = \"7d\"", "horizon = \"35d\"")],
            "simulation.horizon",
            "2 to 7, or 2, 3 or 4 whole weeks",
        ),
        (
            "weekends_in_a_week",
            &[(
                "start_band = \"2h\"",
                "start_band = \"2h\"\nweekends_off_every = 1",
            )],
            "optimize.contract[0].weekends_off_every",
            "needs a horizon of several weeks",
        ),
        (
            "weekends_without_a_start",
            &[
                ("horizon = \"7d\"", "horizon = \"14d\""),
                ("start = \"2026-11-30\"\n", ""),
                ("day_of_week = [1.2, 1.1, 1, 1, 1, 0.7, 0.5]\n", ""),
                ("day_of_week = [1.1, 1, 1, 1, 1, 0.9, 0.8]\n", ""),
                (
                    "start_band = \"2h\"",
                    "start_band = \"2h\"\nweekends_off_every = 1",
                ),
            ],
            "optimize.contract[0].weekends_off_every",
            "needs [simulation] start",
        ),
        (
            "more_weekends_than_the_horizon",
            &[
                ("horizon = \"7d\"", "horizon = \"14d\""),
                (
                    "start_band = \"2h\"",
                    "start_band = \"2h\"\nweekends_off_every = 3",
                ),
            ],
            "optimize.contract[0].weekends_off_every",
            "a whole number from 1 to 2, the whole weekends (Saturday and Sunday) in the horizon: Sat 05/12–Sun 06/12, Sat 12/12–Sun 13/12 (got 3)",
        ),
    ];
    for (name, edits, key, fragment) in cases {
        let path = variant(name, edits[0].0, edits[0].1);
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (from, to) in &edits[1..] {
            assert!(text.contains(from), "{name}: {from}");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(&path, text).unwrap();
        let err = ccsim::scenario::load(&path).expect_err(name);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("{}:", path.display())),
            "{name}: {text}"
        );
        assert_eq!(err.key.as_deref(), Some(key), "{name}: {text}");
        assert!(
            text.contains(fragment),
            "{name}: {text}\n  wanted: {fragment}"
        );
        let out = ccsim(&["optimize", path.to_str().unwrap(), "--quiet"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
    }
}

/// Full-timers with every weekend off and no part-time contract for voice: no voice tour
/// can work a Saturday or Sunday. The report names those days, their shifts are unplaced,
/// and no tour works them.
#[test]
fn days_no_tour_can_work_are_named_and_their_shifts_unplaced() {
    let dir = std::env::temp_dir().join(format!("ccsim-tours-weeks-off-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/tours_fortnight.toml"
    );
    let path = dir.join("weekends_off.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {base:?}\n[set]\n\"optimize.contract[0].weekends_off_every\" = 1\n\"optimize.shift[1].groups\" = [\"chat_agents\"]\n\"optimize.contract[1].groups\" = [\"chat_agents\"]\n"
        ),
    )
    .unwrap();
    let out_dir = dir.join("out");
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = ccsim(&[
        "optimize",
        path.to_str().unwrap(),
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("voice_agents: no tour of its contracts (full_time: 5 days a week, days off 2 in a row, every weekend off; and the days the group is closed) can work Sat 05/12, Sun 06/12, Sat 12/12, Sun 13/12, so its need on those days is left uncovered; relax one of those rules, or add a contract for voice_agents whose people may work those days"),
        "{stdout}"
    );
    // The need on those days is uncovered: the roster misses intervals there, and the
    // comparison with the baseline says it is not like for like.
    assert!(
        stdout.contains("the costs do not compare like for like"),
        "{stdout}"
    );
    // Chat's part-timers work its weekends: no line for chat.
    assert!(!stdout.contains("chat_agents: no tour"), "{stdout}");
    for (id, (_, days)) in tours(&out_dir) {
        let weekend = days.iter().any(|w| [5, 6, 12, 13].contains(&w.day));
        assert!(
            !(id.starts_with("voice_agents-full_time-") && weekend),
            "{id} works a weekend"
        );
    }
}

/// Rest that binds within the band (full-timers' 8-hour shifts, 15 h 30 m of rest, a 2 h
/// band: two starts more than 30 minutes apart on consecutive days break the rest): the
/// anchors' windows narrow to what keeps the rest, so every shift is placed and each
/// group's tours come within 2 % of the bound (1.4 % and 0.0 %; 14.5 % and 7.4 % with
/// windows the band wide, whose people could not work the shifts given to them).
#[test]
fn anchors_keep_a_rest_that_binds_within_the_band() {
    let path = variant("rest", "min_rest = \"11h\"", "min_rest = \"15h30m\"");
    let dir = path.with_extension("out");
    let _ = std::fs::remove_dir_all(&dir);
    let out = ccsim(&[
        "optimize",
        path.to_str().unwrap(),
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = (stdout.lines())
        .find(|l| l.starts_with("paid hours against the tours' bound"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let groups: Vec<&str> = line.split("h (+").skip(1).collect();
    assert_eq!(groups.len(), 2, "{line}");
    for g in groups {
        let percent: f64 = g.split('%').next().unwrap().parse().unwrap();
        assert!(percent <= 2.0, "{percent} % above the bound: {line}");
    }
    let table = stdout.split("tours over 7 days").nth(1).unwrap();
    for row in table.lines().skip(2).take(4) {
        let f: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(f[9], "0", "unplaced: {row}");
    }
}
