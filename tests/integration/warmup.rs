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
