//! Issue 15, item 4: weekly tours (`[[optimize.contract]]`), end to end on
//! `tests/cases/tours_week.toml` (7 days, hourly intervals, a full-time and a part-time
//! contract): the report gives the people per group; every row of `tours.csv` keeps its
//! contract's rules (days a week, days off in a row, most days in a row, rest, start band,
//! hours); the roster is exactly the tours' shifts and `ccsim run out/roster.toml` repeats
//! the final simulation; bad contracts are refused at their place in the file. The known
//! answers of the stages themselves (Baker's days-off closed form, exhaustive search,
//! random instances) are unit tests in `src/optimize/tours/`.

use crate::support::ccsim;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SCENARIO: &str = "tests/cases/tours_week.toml";
const DAY: i64 = 86_400;

/// The results folder of `ccsim optimize tests/cases/tours_week.toml`, and its stdout.
fn results() -> &'static (PathBuf, String) {
    static DIR: OnceLock<(PathBuf, String)> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("ccsim-tours-{}", std::process::id()));
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

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One worked day of a tour: its day (0-based), start and end in seconds from the start
/// of the week, paid hours.
#[derive(Debug)]
struct Worked {
    day: i64,
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
fn tours(dir: &Path) -> BTreeMap<String, (String, String, Vec<Worked>)> {
    let text = read(&dir.join("tours.csv"));
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "tour,group,contract,day,date,start,end,breaks,paid_hours,surplus,person"
    );
    let mut out: BTreeMap<String, (String, String, Vec<Worked>)> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let day = f[3].parse::<i64>().unwrap() - 1;
        // The week starts on Monday 2026-11-30.
        assert_eq!(
            f[4],
            format!(
                "2026-{}",
                [
                    "11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06"
                ][day as usize]
            )
        );
        let start = day * DAY + clock(f[5]);
        let mut end = day * DAY + clock(f[6]);
        if end <= start {
            end += DAY;
        }
        let entry = out
            .entry(f[0].to_string())
            .or_insert_with(|| (f[1].to_string(), f[2].to_string(), Vec::new()));
        entry.2.push(Worked {
            day,
            start,
            end,
            paid: f[8].parse().unwrap(),
        });
    }
    out
}

/// The runs of worked days (or of days off) of a cyclic week, as lengths.
fn cyclic_runs(worked: &[bool; 7], kind: bool) -> Vec<usize> {
    let Some(from) = (0..7).find(|&d| worked[d] != worked[(d + 6) % 7]) else {
        return if worked[0] == kind {
            vec![usize::MAX]
        } else {
            Vec::new()
        };
    };
    let mut runs = Vec::new();
    let mut len = 0;
    for i in 0..7 {
        let d = (from + i) % 7;
        if worked[d] == kind {
            len += 1;
        } else if len > 0 {
            runs.push(len);
            len = 0;
        }
    }
    if len > 0 {
        runs.push(len);
    }
    runs
}

#[test]
fn every_tour_keeps_its_contract_s_rules() {
    let (dir, _) = results();
    let all = tours(dir);
    assert!(all.len() >= 20, "{} tours", all.len());
    for (id, (group, contract, days)) in &all {
        assert!(id.starts_with(&format!("{group}-{contract}-")), "{id}");
        let mut worked = [false; 7];
        for w in days {
            assert!(!worked[w.day as usize], "{id}: two shifts on a day");
            worked[w.day as usize] = true;
        }
        let n = days.len();
        let hours: f64 = days.iter().map(|w| w.paid).sum();
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
        assert!((days_range.0..=days_range.1).contains(&n), "{id}: {n} days");
        assert!(
            hours >= hours_range.0 - 1e-9 && hours <= hours_range.1 + 1e-9,
            "{id}: {hours} h"
        );
        assert!(
            cyclic_runs(&worked, false).iter().all(|&r| r >= off_run),
            "{id}: {worked:?}"
        );
        assert!(
            cyclic_runs(&worked, true).iter().all(|&r| r <= max_run),
            "{id}: {worked:?}"
        );
        // Rest between consecutive shifts, and from the last to next week's first.
        for (i, w) in days.iter().enumerate() {
            let next = days.get(i + 1).map_or(days[0].start + 7 * DAY, |x| x.start);
            assert!(next - w.end >= rest, "{id}: rest after day {}", w.day + 1);
            if let Some(b) = band {
                let first = days[0].start - days[0].day * DAY;
                assert!((w.start - w.day * DAY - first).abs() <= b, "{id}: band");
            }
        }
    }
}

#[test]
fn the_report_gives_the_people_per_group_and_the_roster_is_the_tours_shifts() {
    let (dir, text) = results();
    let all = tours(dir);
    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("optimize.json"))).unwrap();
    let t = &json["tours"];
    assert_eq!(t["n_days"], 7);
    for group in ["voice_agents", "chat_agents"] {
        let people = all.values().filter(|x| x.0 == group).count();
        let reported = (t["people"].as_array().unwrap().iter())
            .find(|p| p["group"] == group)
            .map(|p| p["people"].as_u64().unwrap())
            .unwrap();
        assert_eq!(reported as usize, people, "{group}");
        // The cost table's headcount is the group's people.
        let cost = (json["costs"].as_array().unwrap().iter())
            .find(|c| c["group"] == group)
            .unwrap();
        assert_eq!(
            cost["headcount"].as_u64().unwrap() as usize,
            people,
            "{group}"
        );
        assert!(text.contains(&format!("{group} {people}")), "{text}");
        // Never fewer people than the busiest day's shifts.
        for c in t["contracts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["group"] == group)
        {
            assert!(c["people"].as_u64() >= c["people_bound"].as_u64(), "{c}");
        }
    }
    assert!(
        text.contains("\ntours over 7 days: people needed by group: "),
        "{text}"
    );
    // The roster: as many agent-shifts as tour-days, and the paid hours equal.
    let roster = read(&dir.join("roster.csv"));
    let agents: u64 = (roster.lines().skip(1))
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    let tour_days: usize = all.values().map(|x| x.2.len()).sum();
    assert_eq!(agents as usize, tour_days);
    let paid: f64 = all.values().flat_map(|x| &x.2).map(|w| w.paid).sum();
    let costs = json["costs"].as_array().unwrap();
    let rostered: f64 = costs
        .iter()
        .map(|c| c["paid_hours"].as_f64().unwrap())
        .sum();
    assert!((paid - rostered).abs() < 1e-6, "{paid} vs {rostered}");
    // schedule.csv names the tour of each row.
    let schedule = read(&dir.join("schedule.csv"));
    assert!(schedule.starts_with(
        "group,shift,shift_id,agent_count,activity,paid,date,start,end,hours,tour,person\n"
    ));
    for line in schedule.lines().skip(1) {
        // No people file: the person column is empty.
        let (rest, person) = line.rsplit_once(',').unwrap();
        assert_eq!(person, "");
        assert!(all.contains_key(rest.rsplit(',').next().unwrap()), "{line}");
    }
}

#[test]
fn roster_toml_repeats_the_final_simulation_of_the_tours() {
    let (dir, _) = results();
    let optimized: serde_json::Value =
        serde_json::from_str(&read(&dir.join("optimize.json"))).unwrap();
    let mut want = optimized["simulated"].clone();
    let out = ccsim(&[
        "run",
        dir.join("roster.toml").to_str().unwrap(),
        "--json",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    want.as_object_mut().unwrap().remove("wall_s");
    got.as_object_mut().unwrap().remove("wall_s");
    assert_eq!(got, want);
}

#[test]
fn the_workbook_has_a_tours_sheet_with_a_column_per_day() {
    use calamine::{Reader, Xlsx, open_workbook};
    let (dir, _) = results();
    let mut book: Xlsx<_> = open_workbook(dir.join("roster.xlsx")).unwrap();
    let range = book.worksheet_range("Tours").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0][..5],
        ["tour", "group", "contract", "person", "2026-11-30"]
    );
    assert_eq!(rows[0].len(), 4 + 7);
    let all = tours(dir);
    assert_eq!(rows.len() - 1, all.len());
    for row in &rows[1..] {
        let days = &all[&row[0]].2;
        for (d, cell) in row[4..].iter().enumerate() {
            match days.iter().find(|w| w.day == d as i64) {
                None => assert_eq!(cell, "off"),
                Some(w) => assert!(
                    cell.starts_with(&format!("{:02}:", (w.start % DAY) / 3600)),
                    "{cell}"
                ),
            }
        }
    }
}

/// The scenario with `from` replaced by `to` (which must occur), written to a scratch file.
fn variant(name: &str, from: &str, to: &str) -> PathBuf {
    let text = read(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/tours_week.toml"
    )));
    assert!(text.contains(from), "{from}");
    let dir = std::env::temp_dir().join(format!("ccsim-tours-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn bad_contracts_are_refused_at_their_place_with_what_is_allowed() {
    let cases: [(&str, &str, &str, &str, &str); 15] = [
        (
            "horizon",
            "horizon = \"7d\"",
            "horizon = \"36h\"",
            "simulation.horizon",
            "tours ([[optimize.contract]]) need a horizon of whole days: 2 to 7, or 2, 3 or 4 whole weeks",
        ),
        (
            "long_horizon",
            "horizon = \"7d\"",
            "horizon = \"9d\"",
            "simulation.horizon",
            "(14, 21 or 28 days); the horizon is 216h (9 days)",
        ),
        (
            "unknown_template",
            "shifts = [\"day8\"]",
            "shifts = [\"day9\"]",
            "optimize.contract[0].shifts[0]",
            "there is no shift template \"day9\"; the templates are day8, half4",
        ),
        (
            "days_reversed",
            "days_per_week = { min = 3, max = 4 }",
            "days_per_week = { min = 4, max = 3 }",
            "optimize.contract[1].days_per_week",
            "1 ≤ min ≤ max ≤ 7",
        ),
        (
            "hours_and_days",
            "hours_per_week = \"40h\"",
            "hours_per_week = \"30h\"",
            "optimize.contract[0].hours_per_week",
            "no number of working days (5) of 8 paid hours a shift lands within 30h a week",
        ),
        (
            "no_template",
            "shifts = [\"half4\"]",
            "shifts = []",
            "optimize.contract[1].shifts",
            "at least one shift template",
        ),
        (
            "template_in_none",
            "[[optimize.contract]]\nname = \"full_time\"",
            "[[optimize.shift]]\nname = \"night\"\nearliest_start = \"22h\"\nlatest_start = \"22h\"\nlength = \"8h\"\n\n[[optimize.contract]]\nname = \"full_time\"",
            "optimize.shift[2]",
            "\"night\" is in none",
        ),
        (
            "template_in_two",
            "shifts = [\"half4\"]\ndays_per_week = { min = 3, max = 4 }\nhours_per_week = { min = \"12h\", max = \"16h\" }",
            "shifts = [\"half4\", \"day8\"]\ndays_per_week = { min = 3, max = 4 }",
            "optimize.shift[0]",
            "is in 2 contracts (full_time, part_time)",
        ),
        (
            "weekends",
            "start_band = \"2h\"",
            "start_band = \"2h\"\nweekends_off_every = 2",
            "optimize.contract[0].weekends_off_every",
            "one weekend off in every N weekends needs a horizon of several weeks (14, 21 or 28 days)",
        ),
        (
            "no_week_keeps_the_rules",
            "consecutive_days_off = 2",
            "consecutive_days_off = 3",
            "optimize.contract[0]",
            "no tour of 7 days keeps these rules together: 5 working days a week, days off in runs of at least 3",
        ),
        (
            "start_off_the_grid",
            "start_every = \"2h\"",
            "start_every = \"90m\"",
            "optimize.shift[0].start_every",
            "starts fall on the interval grid: a multiple of the interval (60m; got 90m)",
        ),
        (
            "band_past_a_day",
            "start_band = \"2h\"",
            "start_band = \"25h\"",
            "optimize.contract[0].start_band",
            "a band of at most 24h (± 24h already allows any start; got 25h)",
        ),
        (
            "rest_past_a_day",
            "min_rest = \"11h\"",
            "min_rest = \"16h30m\"",
            "optimize.contract[0].min_rest",
            "the longest shift (8h) plus the rest (16h30m) exceeds 24h: nobody could work two days in a row; at most 16h of rest with these shifts",
        ),
        (
            "days_not_whole",
            "days_per_week = 5",
            "days_per_week = 4.5",
            "optimize.contract[0].days_per_week",
            "invalid type: floating point `4.5`, expected a whole number",
        ),
        (
            "start_past_a_day",
            "latest_start = \"13h\"",
            "latest_start = \"25h\"",
            "optimize.shift[0].latest_start",
            "starts are times of day",
        ),
    ];
    for (name, from, to, key, fragment) in cases {
        let path = variant(name, from, to);
        let err = ccsim::scenario::load(&path).expect_err(name);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("{}:", path.display())),
            "{name}: {text}"
        );
        // file:line:column.
        let place = text[path.display().to_string().len() + 1..]
            .split(": ")
            .next()
            .unwrap();
        let (line, column) = place
            .split_once(':')
            .unwrap_or_else(|| panic!("{name}: {text}"));
        assert!(
            line.parse::<u32>().is_ok() && column.parse::<u32>().is_ok(),
            "{name}: {text}"
        );
        assert_eq!(err.key.as_deref(), Some(key), "{name}: {text}");
        assert!(
            text.contains(fragment),
            "{name}: {text}\n  wanted: {fragment}"
        );
        // The command exits 2, without a panic.
        let out = ccsim(&["optimize", path.to_str().unwrap(), "--quiet"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
    }
}

#[test]
fn the_tours_section_is_pinned() {
    let (_, text) = results();
    let from = text.find("\ntours over").expect("a tours section");
    let section: String = text[from + 1..]
        .lines()
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("optimize_tours_week_section", section));
}

/// The tours of `tests/cases/tours_week.toml` given to named people (`[optimize] people`):
/// only `voice_agents` is named, by fewer people than its tours, one of them never on
/// Mondays. Every voice tour with a person keeps that person's contract and availability,
/// each person works at most one tour, the chat tours stay unnamed, and the report says
/// how many tours were staffed and who is short.
#[test]
fn named_people_get_the_voice_tours_and_the_report_says_who_is_short() {
    let base = std::env::temp_dir().join(format!("ccsim-tours-people-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    let scenario =
        read(Path::new(SCENARIO)).replace("[optimize]\n", "[optimize]\npeople = \"agents.csv\"\n");
    assert!(scenario.contains("people = \"agents.csv\""));
    std::fs::write(base.join("week.toml"), scenario).unwrap();
    let mut csv = String::from("name,groups,contract,unavailable\n");
    for i in 0..6 {
        csv += &format!(
            "Full {i},voice_agents,full_time,{}\n",
            if i == 0 { "mon" } else { "" }
        );
    }
    for i in 0..8 {
        csv += &format!("Part {i},voice_agents,part_time,\n");
    }
    std::fs::write(base.join("agents.csv"), csv).unwrap();
    let dir = base.join("out");
    let week = base.join("week.toml");
    let out = ccsim(&[
        "optimize",
        week.to_str().unwrap(),
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let all = tours(&dir);
    let voice = all.values().filter(|t| t.0 == "voice_agents").count();
    assert!(voice > 14, "more voice tours ({voice}) than people (14)");
    // The person of each tour, from tours.csv's last column.
    let mut person: BTreeMap<String, String> = BTreeMap::new();
    for line in read(&dir.join("tours.csv")).lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        person.insert(f[0].to_string(), f[10].to_string());
    }
    let mut taken = std::collections::BTreeSet::new();
    for (id, (group, contract, days)) in &all {
        let who = &person[id];
        if group == "chat_agents" {
            assert_eq!(who, "", "{id}: chat is not named");
            continue;
        }
        if who.is_empty() {
            continue;
        }
        assert!(taken.insert(who.clone()), "{who} works two tours");
        let kind = if contract == "full_time" {
            "Full"
        } else {
            "Part"
        };
        assert!(who.starts_with(kind), "{id} ({contract}) went to {who}");
        if who == "Full 0" {
            assert!(days.iter().all(|w| w.day != 0), "Full 0 works a Monday");
        }
    }
    assert_eq!(taken.len(), 14, "every person has a tour");
    let summary = format!("agents.csv, groups voice_agents): 14 of {voice} tours staffed");
    assert!(text.contains("\nnamed people ("), "{text}");
    assert!(text.contains(&summary), "{text}");
    assert!(text.contains("\n  voice_agents short "), "{text}");
    // schedule.csv names the person of each voice row.
    let schedule = read(&dir.join("schedule.csv"));
    let named = schedule.lines().filter(|l| l.ends_with(",Full 1")).count();
    assert!(named > 0, "{schedule}");
    let _ = std::fs::remove_dir_all(&base);
}

/// A group closed all day (voice on Sunday) gets no tour working that day: its people
/// take the day off rather than a surplus shift on a closed line.
#[test]
fn nobody_works_a_day_the_group_is_closed() {
    let base = std::env::temp_dir().join(format!("ccsim-tours-closed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    let text = read(Path::new(SCENARIO)).replacen(
        "hours = { daily = \"07:00-21:00\" }",
        "hours = { \"mon-sat\" = \"07:00-21:00\", sun = \"closed\" }",
        1,
    );
    assert!(text.contains("sun = \"closed\""));
    let week = base.join("week.toml");
    std::fs::write(&week, text).unwrap();
    let dir = base.join("out");
    let out = ccsim(&[
        "optimize",
        week.to_str().unwrap(),
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = tours(&dir);
    let voice: Vec<_> = all.values().filter(|t| t.0 == "voice_agents").collect();
    assert!(!voice.is_empty());
    for (_, _, days) in &voice {
        assert!(
            days.iter().all(|w| w.day != 6),
            "a voice tour works Sunday: {days:?}"
        );
    }
    // Chat is open on Sunday and is worked.
    assert!(
        all.values()
            .any(|t| t.0 == "chat_agents" && t.2.iter().any(|w| w.day == 6))
    );
    let _ = std::fs::remove_dir_all(&base);
}

/// `ccsim check` says what it understood of the contracts, one line each.
#[test]
fn check_lists_the_contracts_and_their_rules() {
    let out = ccsim(&["check", SCENARIO]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("  contracts (2)"))
        .take(3)
        .collect();
    assert_eq!(
        lines,
        [
            "  contracts (2), weekly tours over 7 days (a week that repeats: runs of days wrap from Sunday to Monday):",
            "    full_time    groups voice_agents, chat_agents; shifts day8; 5 days a week, 40h a week, days off 2 in a row at least, rest 11h between shifts, starts within ±2h of the week's first",
            "    part_time    groups voice_agents, chat_agents; shifts half4; 3–4 days a week, 12h–16h a week, at most 3 days in a row",
        ],
        "{text}"
    );
}

/// Both backends keep `max_part_time_share` on people: the tour-aware program counts
/// part-time people, and tours that break the share lose to those that keep it. On the
/// case's week at 20 %: no group is named above it, no cost comparison is flagged, and
/// `tours.csv` has at most 20 % part-time people in each group.
#[test]
fn tours_keep_the_part_time_share_on_people() {
    let case = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/tours_week.toml");
    let text = std::fs::read_to_string(case)
        .expect("the case reads")
        .replacen("[optimize]\n", "[optimize]\nmax_part_time_share = 0.2\n", 1);
    let dir = std::env::temp_dir().join(format!("ccsim-share-mlp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("share.toml");
    std::fs::write(&path, &text).expect("written");
    let out = dir.join("out");
    let run = ccsim(&[
        "optimize",
        path.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--quiet",
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        !stdout.contains("part-time people above max_part_time_share"),
        "{stdout}"
    );
    assert!(!stdout.contains("do not compare like for like"), "{stdout}");
    let tours = std::fs::read_to_string(out.join("tours.csv")).expect("tours.csv");
    let mut people: std::collections::BTreeMap<&str, (std::collections::BTreeSet<&str>, usize)> =
        Default::default();
    for row in tours.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        people.entry(f[1]).or_default().0.insert(f[0]);
    }
    for (tour_group, (tours_of, part)) in people.iter_mut() {
        *part = tours_of
            .iter()
            .filter(|t| t.contains("-part_time-"))
            .count();
        let all = tours_of.len();
        assert!(
            *part as f64 <= 0.2 * all as f64 + 1e-9 && all > 0,
            "{tour_group}: {part} part-time of {all}"
        );
    }
    assert_eq!(people.len(), 2, "{people:?}");
    assert!(people.values().all(|(_, part)| *part > 0), "{people:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the share binds, the report prices it: the hours it adds to each group's relaxed
/// bound. At 5 % on the case's week (part-timers are what the peaks want) both groups pay
/// for it, and `optimize.json` carries the same hours per group.
#[test]
fn a_binding_part_time_share_is_priced_in_the_bound() {
    let case = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/tours_week.toml");
    let text = std::fs::read_to_string(case)
        .expect("the case reads")
        .replacen(
            "[optimize]\n",
            "[optimize]\nmax_part_time_share = 0.05\n",
            1,
        );
    let dir = std::env::temp_dir().join(format!("ccsim-share-price-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("share.toml");
    std::fs::write(&path, &text).expect("written");
    let out = dir.join("out");
    let run = ccsim(&[
        "optimize",
        path.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--quiet",
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let line = (stdout.lines())
        .find(|l| {
            l.starts_with(
                "max_part_time_share binds: it adds to the relaxed bound's paid hours over the horizon (in % of the bound without it): ",
            )
        })
        .unwrap_or_else(|| panic!("{stdout}"));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("optimize.json")).expect("optimize.json"),
    )
    .expect("json");
    let people = json["tours"]["people"].as_array().expect("people");
    assert_eq!(people.len(), 2);
    for p in people {
        let group = p["group"].as_str().expect("group");
        let price = p["part_time_share_price_hours"].as_f64().expect("a price");
        assert!(price > 0.0, "{group}: {price}");
        assert!(
            line.contains(&format!("{group} +{price:.1} h (+")),
            "{line}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A contract's working days or weekly hours out of range are refused at their key with
/// what was given (`got 8`, not `got 8 and 8`), exit 2.
#[test]
fn contract_days_and_hours_out_of_range_say_what_was_given() {
    let case = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/tours_week.toml");
    let text = std::fs::read_to_string(case).expect("the case reads");
    let dir = std::env::temp_dir().join(format!("ccsim-contract-range-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for (from, to, key, said) in [
        (
            "days_per_week = 5\n",
            "days_per_week = 8\n",
            "optimize.contract[0].days_per_week",
            "(got 8)",
        ),
        (
            "hours_per_week = { min = \"12h\", max = \"16h\" }",
            "hours_per_week = { min = \"18h\", max = \"16h\" }",
            "optimize.contract[1].hours_per_week",
            "(got min 18h, max 16h)",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let path = dir.join("bad.toml");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("written");
        let run = ccsim(&["check", path.to_str().expect("utf-8")]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(key) && stderr.contains(said), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
