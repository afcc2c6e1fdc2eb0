//! Issue 15, item 3: the cyclic day (`[simulation] cyclic = true`), shifts that start
//! before the horizon and shifts across midnight.
//! - Constant load, cyclic: the counted day is in steady state (Erlang C within four
//!   standard errors), while the same day started empty at midnight shows its first
//!   interval's ASA below it.
//! - A night shift 22:00–06:30 is on duty at 02:00 in a cyclic day, not in a plain one; a
//!   shift that started before the horizon (`start = "-2h"`) is on duty from 0, paid only
//!   within the horizon.
//! - What a cyclic day counts: the contacts that arrive in the counted day (offered =
//!   answered + abandoned + unfinished, the expected day's volume, not two days'; exactly
//!   the attempts arriving after midnight); the queue carried over at midnight is the
//!   lead-in's callers answered after it — served, not counted — and work done in the
//!   counted day, seen in the first interval's occupancy. `ccsim log` writes that day.
//! - The optimizer's templates wrap: a night template covers 00:00–06:00, so no early
//!   shift is bought for it; `roster.toml` repeats the final simulation exactly.
//! - Errors: cyclic with a 48h horizon, with a warm-up, with a week's forecast, with a
//!   25-hour template; a shift wholly before the horizon (plain and cyclic).

use crate::support::{ccsim, model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_c};
use ccsim::summary::RunSummary;

/// One queue at a constant rate with constant staffing over a day of `interval`s.
fn constant_day(cyclic: bool) -> String {
    format!(
        r#"
[simulation]
horizon = "24h"
interval = "15m"
replications = 30
seed = 15
cyclic = {cyclic}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 108

[[group]]
name = "agents"
agents = 10
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    )
}

fn exact() -> ccsim::erlang::QueueValues {
    erlang_c(&QueueSpec {
        arrival_rate: 108.0 / 3600.0,
        aht: 300.0,
        agents: 10,
        patience: None,
        answer_within: 20.0,
    })
    .unwrap()
}

#[test]
fn a_cyclic_day_is_in_steady_state_from_midnight() {
    let exact = exact();
    let cyclic = model(&constant_day(true));
    assert_eq!(cyclic.horizon, 2.0 * 86_400.0);
    assert_eq!(cyclic.warmup, 86_400.0);
    let result = run(&cyclic, 30, 15, 2);
    let sl = result.estimate(|o| o.totals.service_level);
    let asa = result.estimate(|o| o.totals.asa_s);
    assert!(
        within_four_se(&sl, exact.service_level),
        "{sl:?} vs {exact:?}"
    );
    assert!(within_four_se(&asa, exact.asa_s), "{asa:?} vs {exact:?}");
    // The first counted interval too: the queue at midnight is the steady state's.
    let summary = RunSummary::new(&cyclic, &result, 15);
    let first = &summary.intervals[0];
    assert_eq!(first.start_s, 0.0, "the counted day's clock");
    assert_eq!(summary.intervals.len(), 96);
    let first_asa = &first.queue.asa_s;
    assert!(
        (first_asa.mean - exact.asa_s).abs() <= first_asa.ci95 + 0.1 * exact.asa_s,
        "{first_asa:?} vs {}",
        exact.asa_s
    );

    // The same day started empty at midnight: its first interval waits less.
    let plain = model(&constant_day(false));
    let plain_summary = RunSummary::new(&plain, &run(&plain, 30, 15, 2), 15);
    let empty_start = &plain_summary.intervals[0].queue.asa_s;
    assert!(
        empty_start.mean + empty_start.ci95 < exact.asa_s,
        "{empty_start:?} vs steady {}",
        exact.asa_s
    );
}

#[test]
fn a_cyclic_day_counts_its_own_arrivals_and_the_carried_over_work() {
    let cyclic = model(&constant_day(true));
    let result = run(&cyclic, 30, 15, 2);
    for o in &result.outcomes {
        let t = &o.totals;
        assert_eq!(t.offered, t.answered + t.abandoned + t.unfinished);
        // Two days of arrivals simulated, one counted.
        assert!(
            o.contacts as f64 > 1.8 * t.offered,
            "{} {}",
            o.contacts,
            t.offered
        );
        let per_interval: f64 = o.intervals.iter().map(|c| c.offered).sum();
        assert_eq!(per_interval, t.offered);
    }
    // The counted day's volume is one day's: 108 × 24 = 2592 (Poisson, sd ≈ 51).
    let offered = result.estimate(|o| o.totals.offered);
    assert!(within_four_se(&offered, 108.0 * 24.0), "{offered:?}");
    // Agents are busy at midnight with the lead-in's contacts: the first interval's
    // occupancy is the steady state's (load / agents = 0.9), not an empty start's.
    let first_occupancy = result.estimate(|o| o.group_intervals[0].occupancy);
    assert!(first_occupancy.mean > 0.8, "{first_occupancy:?}");
    let plain = model(&constant_day(false));
    let plain_first = run(&plain, 30, 15, 2).estimate(|o| o.group_intervals[0].occupancy);
    assert!(
        plain_first.mean + plain_first.ci95 < first_occupancy.mean - first_occupancy.ci95,
        "{plain_first:?} vs {first_occupancy:?}"
    );
}

#[test]
fn contacts_of_the_lead_in_answered_after_midnight_are_served_not_counted() {
    use ccsim::engine::{AttemptOutcome, Workspace};
    let m = model(&constant_day(true));
    let midnight = m.lead_in;
    let (mut carried, mut answered_before) = (0, 0);
    for r in 0..5 {
        let mut records = Vec::new();
        let outcome =
            ccsim::experiment::replicate(&m, 15, r, &mut Workspace::new(), Some(&mut records))
                .unwrap();
        let answered = |r: &&ccsim::engine::ContactRecord| r.outcome == AttemptOutcome::Answered;
        // What is counted: the attempts that arrive in the counted day, every one of them.
        let counted: Vec<_> = records.iter().filter(|r| r.arrived >= midnight).collect();
        assert_eq!(counted.len() as f64, outcome.totals.offered);
        let n_answered = counted.iter().copied().filter(answered).count() as f64;
        assert_eq!(n_answered, outcome.totals.answered);
        // What is not: the lead-in's contacts still waiting at midnight, answered after it.
        carried += (records.iter().filter(answered))
            .filter(|r| r.arrived < midnight && r.arrived + r.wait >= midnight)
            .count();
        answered_before += (records.iter().filter(answered))
            .filter(|r| r.arrived >= midnight - 900.0 && r.arrived < midnight)
            .count();
    }
    // At ρ = 0.9 on 10 agents about half the callers wait (ASA ≈ 1 min): some of the last
    // minutes' callers before midnight are answered after it in every day.
    assert!(carried >= 5, "{carried} of {answered_before}");
}

#[test]
fn a_cyclic_log_is_the_counted_days() {
    let dir = std::env::temp_dir().join(format!("ccsim-cyclic-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (scenario, log) = (dir.join("day.toml"), dir.join("day.csv"));
    std::fs::write(&scenario, constant_day(true)).unwrap();
    let out = ccsim(&[
        "log",
        scenario.to_str().unwrap(),
        "-o",
        log.to_str().unwrap(),
        "--force",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let times: Vec<f64> = (text.lines().skip(1))
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(times.iter().all(|t| (0.0..86_400.0).contains(t)));
    // One day's arrivals (108 × 24 = 2592, sd ≈ 51), not two days'.
    assert!(
        (times.len() as f64 - 2592.0).abs() < 5.0 * 51.0,
        "{}",
        times.len()
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("({} attempts", times.len())),
        "{said}"
    );
}

/// A day with one night shift 22:00–06:30 (a break at 02:30 written 26h30m) and a day
/// shift.
fn night_day(cyclic: bool, night_start: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "24h"
interval = "30m"
replications = 4
seed = 5
cyclic = {cyclic}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
patience = {{ dist = "exponential", mean = "3m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 20

[[group]]
name = "agents"
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "5m" }}
hourly_cost = 10
shifts = [
  {{ start = "{night_start}", length = "8h30m", agents = 5, breaks = [{{ start = "26h30m", length = "30m", paid = false }}] }},
  {{ start = "6h30m", length = "15h30m", agents = 3 }},
]
"#
    )
}

#[test]
fn a_night_shift_covers_the_morning_of_a_cyclic_day() {
    let cyclic = model(&night_day(true, "22h"));
    let g = &cyclic.groups[0];
    let counted = cyclic.lead_in_intervals();
    // 02:00 of the counted day: the night shift's 5 agents (at 02:30 their break).
    assert_eq!(g.scheduled[counted + 4], 5);
    assert_eq!(g.scheduled[counted + 5], 0);
    assert_eq!(
        g.scheduled[counted + 12],
        5,
        "06:00–06:30: the night shift still"
    );
    assert_eq!(g.scheduled[counted + 13], 3, "06:30: the day shift alone");
    // Paid: 8 h of the night shift (its break unpaid) + 15.5 h of the day shift a day.
    assert!((cyclic.agent_hours() - (5.0 * 8.0 + 3.0 * 15.5)).abs() < 1e-9);
    let result = run(&cyclic, 4, 5, 2);
    let on_duty = result.estimate(|o| o.group_intervals[4].staffed);
    assert_eq!(on_duty.mean, 5.0);

    let plain = model(&night_day(false, "22h"));
    assert_eq!(plain.groups[0].scheduled[4], 0);
    let result = run(&plain, 4, 5, 2);
    assert_eq!(result.estimate(|o| o.group_intervals[4].staffed).mean, 0.0);
    // Not cyclic, the night shift is paid within the horizon only (2 h).
    assert!((plain.agent_hours() - (5.0 * 2.0 + 3.0 * 15.5)).abs() < 1e-9);
}

#[test]
fn a_shift_started_before_the_horizon_is_on_duty_from_zero() {
    // Not cyclic: "-1h30m" is the night shift of the day before, still on duty until 07:00.
    let text = night_day(false, "-1h30m").replace("26h30m", "2h30m");
    let m = model(&text);
    let g = &m.groups[0];
    assert_eq!(&g.scheduled[..6], &[5, 5, 5, 5, 5, 0]);
    assert_eq!(g.scheduled[13], 8, "06:30–07:00: both shifts");
    assert_eq!(g.scheduled[14], 3);
    // Paid within the horizon: 7 h less the 30 m break, and the day shift.
    assert!((m.agent_hours() - (5.0 * 6.5 + 3.0 * 15.5)).abs() < 1e-9);
    // In a cyclic day, -2h and 22h are the same shift.
    let minus = model(&night_day(true, "-2h").replace("26h30m", "2h30m"));
    let plus = model(&night_day(true, "22h"));
    assert_eq!(minus.groups[0].timeline, plus.groups[0].timeline);
    // `check` names them.
    let shown = checked(&text);
    assert!(
        shown.contains(
            "shifts started before the horizon (on duty and paid from 0): -1h30m–07:00 × 5"
        ),
        "{shown}"
    );
    let shown = checked(&night_day(true, "22h"));
    assert!(shown.contains("22:00–06:30 (+1d) × 5"), "{shown}");
    assert!(shown.contains("horizon 24h, cyclic"), "{shown}");
}

/// What `ccsim check` prints for scenario text.
fn checked(text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ccsim-cyclic-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("s{}.toml", text.len()));
    std::fs::write(&file, text).unwrap();
    let out = ccsim(&["check", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_cyclic_run_is_the_same_on_one_thread_or_two() {
    let m = model(&night_day(true, "22h"));
    let json = |threads| {
        let mut s = RunSummary::new(&m, &run(&m, 4, 5, threads), 5);
        s.wall_s = 0.0;
        s.to_json()
    };
    assert_eq!(json(1), json(2));
}

/// A cyclic (or plain) day whose need is at night: a template may start 21:00–23:00
/// (8 h), another 05:00–15:00 (8 h).
fn night_need(cyclic: bool) -> String {
    format!(
        r#"
[simulation]
name = "night need"
horizon = "24h"
interval = "1h"
replications = 4
seed = 9
cyclic = {cyclic}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
patience = {{ dist = "exponential", mean = "3m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rates_per_hour = [60, 60, 60, 60, 60, 60, 30, 30, 30, 30, 30, 30,
                  30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 60, 60]

[[group]]
name = "agents"
agents = 10
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "4m" }}
hourly_cost = 20

[optimize]
max_abandon_rate = 0.05
replications = 4
max_iterations = 3

[[optimize.shift]]
name = "night"
earliest_start = "21h"
latest_start = "23h"
start_every = "1h"
length = "8h"

[[optimize.shift]]
name = "day"
earliest_start = "0h"
latest_start = "16h"
start_every = "1h"
length = "8h"
"#
    )
}

fn optimize_to(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-cyclic-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scenario.toml");
    std::fs::write(&file, text).unwrap();
    let out_dir = dir.join("out");
    let out = ccsim(&[
        "optimize",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out_dir
}

fn json_file(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Agents rostered per template name.
fn by_template(result: &serde_json::Value) -> Vec<(String, f64, u64)> {
    (result["roster"].as_array().unwrap().iter())
        .map(|l| {
            (
                l["shift"].as_str().unwrap().to_string(),
                l["start_s"].as_f64().unwrap(),
                l["agents"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_optimizers_night_template_wraps_in_a_cyclic_day() {
    let cyclic_dir = optimize_to("cyclic", &night_need(true));
    let cyclic = json_file(&cyclic_dir.join("optimize.json"));
    let roster = by_template(&cyclic);
    // The night shifts cover 00:00–04:00 alone: no day shift starts before 04:00.
    let night: u64 = (roster.iter().filter(|r| r.0 == "night"))
        .map(|r| r.2)
        .sum();
    assert!(night > 0, "{roster:?}");
    assert!(
        roster
            .iter()
            .all(|(t, s, _)| t != "day" || *s >= 4.0 * 3600.0),
        "{roster:?}"
    );
    // No shortfall, and 00:00–06:00 rostered: the requirement rows show the counted day.
    let rows = cyclic["requirements"].as_array().unwrap();
    assert_eq!(rows.len(), 24);
    for row in &rows[..4] {
        assert_eq!(row["rostered"], night, "{row}");
    }
    for row in &rows[..6] {
        assert_eq!(row["shortfall"], 0, "{row}");
        assert!(row["rostered"].as_u64().unwrap() >= row["scheduled_needed"].as_u64().unwrap());
        assert!(row["rostered"].as_u64().unwrap() > 0, "{row}");
    }
    // Paid hours are whole shifts: 8 h a rostered agent.
    let agents: u64 = roster.iter().map(|r| r.2).sum();
    let paid = cyclic["costs"][0]["paid_hours"].as_f64().unwrap();
    assert!((paid - 8.0 * agents as f64).abs() < 1e-6, "{paid} {agents}");

    // Not cyclic, the night template cannot reach 00:00–04:00: day shifts start at
    // 00:00 for it (its night shifts are paid 21:00–24:00 only, the horizon's part).
    let plain = json_file(&optimize_to("plain", &night_need(false)).join("optimize.json"));
    let plain_roster = by_template(&plain);
    assert!(
        plain_roster
            .iter()
            .any(|(t, s, n)| t == "day" && *s == 0.0 && *n > 0),
        "{plain_roster:?}"
    );

    // roster.toml is cyclic too, and repeats the final simulation number for number.
    let roster_toml = cyclic_dir.join("roster.toml");
    let text = std::fs::read_to_string(&roster_toml).unwrap();
    assert!(text.contains("cyclic = true"), "{text}");
    let out = ccsim(&["run", roster_toml.to_str().unwrap(), "--json", "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rerun: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut simulated = cyclic["simulated"].clone();
    rerun.as_object_mut().unwrap().remove("wall_s");
    simulated.as_object_mut().unwrap().remove("wall_s");
    assert_eq!(rerun, simulated);
}

fn refused(text: &str, expect: &[&str]) {
    let dir = std::env::temp_dir().join(format!("ccsim-cyclic-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("bad{}.toml", expect[0].len()));
    std::fs::write(&file, text).unwrap();
    let out = ccsim(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for e in expect {
        assert!(err.contains(e), "{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn cyclic_scenarios_that_cannot_be_are_refused_at_their_line() {
    let day = constant_day(true);
    refused(
        &day.replace("horizon = \"24h\"", "horizon = \"48h\""),
        &[":3:11", "simulation.horizon", "exactly 24h"],
    );
    refused(
        &day.replace("interval = \"15m\"", "interval = \"15m\"\nwarmup = \"1h\""),
        &[":5:10", "simulation.warmup", "lead-in day", "warm-up"],
    );
    refused(
        &night_day(false, "-30h").replace("26h30m", "2h30m"),
        &["group[0].shifts[0].start", "ends before the horizon starts"],
    );
    refused(
        &night_day(true, "-30h").replace("26h30m", "2h30m"),
        &[
            "group[0].shifts[0].start",
            "within a day of midnight",
            "18h",
        ],
    );
    refused(
        &night_need(true).replacen("length = \"8h\"", "length = \"25h\"", 1),
        &["optimize.shift[0].length", "at most a day long"],
    );
    // A week's forecast is not one typical day.
    let root = env!("CARGO_MANIFEST_DIR");
    let week = std::fs::read_to_string(format!("{root}/scenarios/forecast_week.toml")).unwrap();
    let csv = format!("{root}/scenarios/forecast_week.csv");
    refused(
        &week
            .replace("horizon = \"7d\"", "horizon = \"24h\"\ncyclic = true")
            .replace("\"forecast_week.csv\"", &format!("{csv:?}")),
        &[
            "forecast.file",
            "rows of the forecast start outside its 24 hours",
        ],
    );
}
