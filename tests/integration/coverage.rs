//! `ccsim check` warns about intervals where contacts of a type arrive but no agent who can
//! serve them is on duty (issue 12 item 17): consecutive intervals grouped into one range.

use crate::support::model;

/// Voice/payment arrives all day (12 h of 30-minute intervals); its group works from 06:00
/// to 10:00 and from 11:00 on. Voice/general is served all the time; chat arrives only
/// from 06:00, when its agents start, so it is covered.
const NIGHT: &str = r#"
[simulation]
horizon = "12h"
interval = "30m"
replications = 2

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
patience = { dist = "exponential", mean = "3m" }

[[channel]]
name = "chat"
service_level = { answer_within = "1m" }
patience = { dist = "exponential", mean = "5m" }

[[category]]
name = "general"

[[category]]
name = "payment"

[[arrivals]]
channel = "voice"
mix = { general = 0.5, payment = 0.5 }
rate_per_hour = 20

[[arrivals]]
channel = "chat"
category = "general"
rates_per_hour = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]

[[group]]
name = "payments"
staffing = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2]
handles = ["voice/payment"]
handle_time = { dist = "exponential", mean = "4m" }

[[group]]
name = "general"
agents = 3
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "4m" }

[[group]]
name = "chat"
staffing = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
handles = ["chat/general"]
handle_time = { dist = "exponential", mean = "4m" }
"#;

#[test]
fn uncovered_intervals_are_grouped_into_ranges_per_contact_type() {
    let m = model(NIGHT);
    let text: Vec<String> = m
        .uncovered_arrivals()
        .iter()
        .map(|u| u.describe(&m))
        .collect();
    assert_eq!(
        text,
        [
            "voice/payment arrives 00:00–06:00 (12 intervals) but no agent who can serve it is on duty",
            "voice/payment arrives 10:00–11:00 (2 intervals) but no agent who can serve it is on duty",
        ]
    );
}

#[test]
fn a_second_group_on_duty_covers_the_type() {
    // A backup group handling voice/payment around the clock: nothing to warn about.
    let text = NIGHT.replace(
        r#"handles = ["voice/general"]"#,
        r#"handles = ["voice/general", "voice/payment"]"#,
    );
    assert_eq!(model(&text).uncovered_arrivals(), vec![]);
}

#[test]
fn a_bot_that_keeps_every_contact_covers_the_type_except_while_it_is_down() {
    // Chat arrives all day but its agents start at 06:00. A bot that contains 90 % and
    // loses 10 % keeps every chat: nothing reaches the empty queue, except while the bot
    // is down (01:00–01:45 touches two intervals). A bot that hands any over covers
    // nothing.
    let all_day = NIGHT.replace(
        "rates_per_hour = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,",
        "rates_per_hour = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,",
    );
    let with_bot = |bot: &str| {
        let m = model(&format!(
            "{all_day}\n[[bot]]\nchannel = \"chat\"\nhandle_time = {{ dist = \"exponential\", mean = \"1m\" }}\n{bot}\n"
        ));
        m.uncovered_arrivals()
            .iter()
            .filter(|u| m.contact_type_name(u.contact_type) == "chat/general")
            .map(|u| u.describe(&m))
            .collect::<Vec<_>>()
    };
    let chat_uncovered = |range: &str, n: u32| {
        vec![format!(
            "chat/general arrives {range} ({n} intervals) but no agent who can serve it is on duty"
        )]
    };
    assert_eq!(
        with_bot("containment = 0.5"),
        chat_uncovered("00:00–06:00", 12)
    );
    assert_eq!(
        with_bot("containment = 0.9\ndropout = 0.1"),
        Vec::<String>::new()
    );
    assert_eq!(
        with_bot("containment = 0.9\ndropout = 0.1\noutages = [{ from = \"1h\", to = \"1h45m\" }]"),
        chat_uncovered("01:00–02:00", 2)
    );
}

#[test]
fn shipped_scenarios_check_without_coverage_panics() {
    // Every shipped scenario is judged without a panic (warnings or none).
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let m = ccsim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            for u in m.uncovered_arrivals() {
                assert!(
                    u.from < u.to && u.to <= m.n_intervals,
                    "{}: {u:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn check_and_run_warn_and_exit_0() {
    let dir = std::env::temp_dir().join(format!("ccsim-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("night.toml");
    std::fs::write(&path, NIGHT).unwrap();
    for command in ["check", "run"] {
        let mut cmd = crate::support::command();
        cmd.arg(command).arg(&path);
        if command == "run" {
            cmd.args(["--quiet", "--replications", "2"]);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        if command == "check" {
            assert!(String::from_utf8_lossy(&out.stdout).contains(": OK"));
        }
        assert_uncovered_warnings(&path, &stderr);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The two warnings of [`NIGHT`], and nothing else on stderr.
fn assert_uncovered_warnings(path: &std::path::Path, stderr: &str) {
    let shown = path.display();
    assert_eq!(
        stderr.trim_end(),
        format!(
            "warning: {shown}: voice/payment arrives 00:00–06:00 (12 intervals) but no agent who can serve it is on duty\n\
             warning: {shown}: voice/payment arrives 10:00–11:00 (2 intervals) but no agent who can serve it is on duty"
        )
    );
}
