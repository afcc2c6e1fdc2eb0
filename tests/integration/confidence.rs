//! Chance-constrained rosters (`[optimize] confidence`): the rule against a single interval
//! whose day-to-day service level has an exact distribution, the replications it is sized
//! with, and the optimizer's price of certainty on a whole day.

use crate::support::{ccsim, model, run};
use ccsim::optimize::{days_met, judged_cells, replications_for, wilson_lower};

/// One hour, one interval, Poisson arrivals at `per_hour`, `agents` agents who each serve
/// one arrival at once and are then busy all day (a 10-hour handle time): a day with N
/// arrivals has service level min(agents, N) / N, and meets a target of 0.5 exactly when
/// N ≤ 2 × agents.
fn first_come(agents: u32, per_hour: f64) -> String {
    format!(
        r#"
[simulation]
horizon = "1h"
warmup = "0s"
interval = "1h"
replications = 10
seed = 5

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.5 }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {per_hour}

[[group]]
name = "agents"
agents = {agents}
handles = ["voice/general"]
handle_time = {{ dist = "deterministic", value = "10h" }}

[optimize]
confidence = 0.9
min_offered = 1

[[optimize.shift]]
name = "all_day"
earliest_start = "0h"
latest_start = "0h"
length = "1h"
"#
    )
}

fn poisson_cdf(lambda: f64, k: u32) -> f64 {
    let mut term = (-lambda).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= lambda / f64::from(i);
        sum += term;
    }
    sum
}

#[test]
fn the_rule_refuses_an_interval_met_on_average_but_not_on_enough_days() {
    let days = replications_for(0.9);
    assert_eq!(days, 98);
    for (agents, passes) in [(4, false), (6, true)] {
        let m = model(&first_come(agents, 6.0));
        let spec = m.optimize.clone().unwrap();
        let result = run(&m, days, 3, 2);
        let cells = judged_cells(&m, &spec, &result);
        assert_eq!(cells.len(), 1, "the one interval is judged");
        let (met, n) = days_met(&result, cells[0].0, 0.5, &spec);
        assert_eq!(n, days);
        // Exactly: P(N ≤ 8) = 0.8472 with 4 agents, P(N ≤ 12) = 0.9912 with 6.
        let exact = poisson_cdf(6.0, 2 * agents);
        let share = f64::from(met) / f64::from(n);
        let se = (exact * (1.0 - exact) / f64::from(n)).sqrt().max(0.005);
        assert!(
            (share - exact).abs() <= 4.0 * se,
            "{agents} agents: {met}/{n} days against the exact {exact:.4}"
        );
        assert_eq!(
            wilson_lower(met, n) >= 0.9,
            passes,
            "{agents} agents: {met}/{n} days, lower bound {:.3}",
            wilson_lower(met, n)
        );
        // On average the interval meets its target either way: 71 % and 89 % answered
        // in time against 50 %.
        let mean = result.estimate(|o| o.intervals[0].service_level).mean;
        assert!(mean > 0.65, "{agents} agents: mean service level {mean}");
    }
}

#[test]
fn wilson_lower_bounds_are_the_one_sided_score_bounds() {
    // One-sided 95 % (z = 1.645; the two-sided 90 % Wilson interval's lower end): 98 of
    // 98 → n / (n + z²) = 0.9731; 90 of 98 → 0.8609; 0 of 10 → 0.
    assert!(
        (wilson_lower(98, 98) - 0.9731).abs() < 1e-4,
        "{}",
        wilson_lower(98, 98)
    );
    assert!(
        (wilson_lower(90, 98) - 0.8609).abs() < 1e-4,
        "{}",
        wilson_lower(90, 98)
    );
    assert_eq!(wilson_lower(0, 10), 0.0);
    assert_eq!(wilson_lower(0, 0), 0.0);
    // More days of the same share give a tighter bound.
    assert!(wilson_lower(190, 200) > wilson_lower(19, 20));
    // Each confidence's days let a share of (1 + c) / 2 pass (in whole days, rounded up).
    for (c, days) in [(0.5, 11), (0.8, 44), (0.9, 98), (0.95, 206), (0.99, 1072)] {
        let n = replications_for(c);
        assert_eq!(n, days, "confidence {c}");
        let met = ((1.0 + c) / 2.0 * f64::from(n)).ceil() as u32;
        assert!(wilson_lower(met, n) >= c, "{c}: {met}/{n}");
        // Every day met passes with far fewer days: n / (n + z²) ≥ c.
        assert!(wilson_lower(n, n) >= c);
    }
}

#[test]
fn a_confident_day_costs_more_and_meets_its_intervals_on_enough_days() {
    let dir = std::env::temp_dir().join(format!("ccsim-confidence-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("out");
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/confidence_day.toml");
    let result = ccsim(&[
        "optimize",
        scenario.to_str().unwrap(),
        "--confidence",
        "0.8",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = String::from_utf8_lossy(&result.stdout);
    assert!(text.contains("confidence 80%:"), "{text}");
    assert!(text.contains("the price of certainty:"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("optimize.json")).unwrap()).unwrap();
    let c = &json["confidence"];
    assert_eq!(c["level"], 0.8);
    assert_eq!(c["replications"], replications_for(0.8));
    assert_eq!(json["replications"], replications_for(0.8));
    let mean_cost = c["mean_based_cost"].as_f64().unwrap();
    let confident_cost = c["confident_cost"].as_f64().unwrap();
    assert!(
        confident_cost >= mean_cost,
        "{confident_cost} < {mean_cost}"
    );
    assert!((json["total_cost"].as_f64().unwrap() - confident_cost).abs() < 1e-6);
    // The roster judged on the mean leaves some intervals below 80 % of days: that is
    // what the confident one pays to lift.
    assert!(c["mean_based_intervals_short"].as_u64().unwrap() > 0, "{c}");
    let intervals = c["intervals"].as_array().unwrap();
    assert_eq!(
        intervals.len() as u64,
        json["intervals_judged"].as_u64().unwrap()
    );
    let short: Vec<&serde_json::Value> = (intervals.iter())
        .filter(|x| x["lower_bound"].as_f64().unwrap() < 0.8)
        .collect();
    assert_eq!(
        short.len() as u64,
        c["confident_intervals_short"].as_u64().unwrap()
    );
    // An interval below the confidence is a miss the report names.
    let misses = json["misses"].as_array().unwrap();
    for x in short {
        assert!(
            misses.iter().any(|m| m["channel"] == x["channel"]
                && m["start_s"] == x["start_s"]
                && m["what"].as_str().unwrap().contains("days")),
            "{x} is not among the misses"
        );
    }
    assert!(
        json["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["phase"] == "confidence")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_confidence_out_of_range_is_refused_at_its_key() {
    let dir = std::env::temp_dir().join(format!("ccsim-confidence-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        first_come(2, 6.0).replace("confidence = 0.9", "confidence = 1.0"),
    )
    .unwrap();
    let out = ccsim(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("optimize.confidence") && err.contains("from 0.5 to 0.99"),
        "{err}"
    );
    let good = dir.join("good.toml");
    std::fs::write(&good, first_come(2, 6.0)).unwrap();
    let out = ccsim(&["optimize", good.to_str().unwrap(), "--confidence", "0.3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--confidence 0.3") && err.contains("from 0.5 to 0.99"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
