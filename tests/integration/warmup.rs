//! Warm-up guidance (Welch): an Erlang-C center at 91 % load started empty needs about an
//! hour to fill; with no warm-up the check says so, with an hour it is quiet, and it says
//! nothing about scenarios that are not steady.

use crate::support::{model, run};
use ccsim::experiment::warmup_check;

fn erlang_c(warmup: &str) -> ccsim::model::Model {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation/erlang_c.toml"),
    )
    .unwrap()
    .replace("warmup = \"1h\"", &format!("warmup = \"{warmup}\""));
    model(&text)
}

#[test]
fn a_center_started_empty_is_flagged_until_the_warm_up_covers_its_filling() {
    let cold = erlang_c("0s");
    let warning = warmup_check(&cold, &run(&cold, 20, 1, 2)).expect("flagged");
    assert!(
        warning.contains("the warm-up (0s) looks too short"),
        "{warning}"
    );
    assert!(warning.contains("try warmup = \""), "{warning}");
    let warm = erlang_c("1h");
    assert_eq!(warmup_check(&warm, &run(&warm, 20, 1, 2)), None);
    // Time-varying arrivals and staffing: not a steady-state scenario, no advice.
    let weekday = ccsim::scenario::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/weekday.toml"),
    )
    .unwrap();
    assert_eq!(warmup_check(&weekday, &run(&weekday, 3, 1, 2)), None);
}

/// An 8-hour day with constant arrivals and staffing that opens with no one waiting.
fn opening_day(kind: &str) -> ccsim::model::Model {
    model(&opening_day_text(kind))
}

fn opening_day_text(kind: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "8h"
warmup = "0s"
interval = "30m"
{kind}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience = {{ dist = "exponential", mean = "5m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 1200

[[group]]
name = "agents"
agents = 110
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    )
}

#[test]
fn a_terminating_day_is_not_told_to_add_a_warm_up() {
    // Issue 12 item 7: the day starts empty by design; a warm-up would bias its figures.
    let day = opening_day("kind = \"terminating\"");
    assert_eq!(warmup_check(&day, &run(&day, 20, 1, 2)), None);
    // Said to be steady-state: the warm-up is too short, and the advice is a warm-up.
    let steady = opening_day("kind = \"steady_state\"");
    let warning = warmup_check(&steady, &run(&steady, 20, 1, 2)).expect("flagged");
    assert!(
        warning.starts_with("the warm-up (0s) looks too short for the steady state this scenario asks for (kind = \"steady_state\"): occupancy in the first reported interval is "),
        "{warning}"
    );
    // Not said: both readings, and how to say which.
    let unsaid = opening_day("");
    let warning = warmup_check(&unsaid, &run(&unsaid, 20, 1, 2)).expect("flagged");
    assert!(
        warning.starts_with("the first hours are not the steady state: "),
        "{warning}"
    );
    assert!(
        warning.contains("say kind = \"terminating\" in [simulation] and this warning goes"),
        "{warning}"
    );
    assert!(
        warning.contains("say kind = \"steady_state\" and try warmup = \""),
        "{warning}"
    );
    // A kind that is not one is a located error.
    let err =
        ccsim::scenario::parse(&opening_day_text("kind = \"steady\""), "x.toml", "x").unwrap_err();
    assert_eq!(err.key.as_deref(), Some("simulation.kind"));
    assert_eq!(err.position, Some((6, 8)), "{err}");
    assert!(
        err.message
            .starts_with("\"steady\" is not a kind of run; use \"terminating\""),
        "{err}"
    );
}
