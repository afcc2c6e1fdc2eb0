//! `[optimize] max_occupancy` (and `--max-occupancy`): an occupancy cap per group that
//! the Erlang sizing, the judge and the verifying simulation all keep.

use crate::support::ccsim;
use ccsim::optimize::{OptimizeOptions, optimize};

/// One voice queue over a morning with a generous service-level target, so that the
/// occupancy cap, not the target, is what binds.
const MORNING: &str = r#"
[simulation]
name = "busy morning"
horizon = "6h"
interval = "1h"
replications = 4
seed = 7

[[channel]]
name = "voice"
service_level = { answer_within = "2m", target = 0.6 }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rates_per_hour = [120, 180, 240, 240, 180, 120]

[[group]]
name = "agents"
agents = 10
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "4m" }
hourly_cost = 20

[optimize]
replications = 6
max_iterations = 6
MAX_OCCUPANCY

[[optimize.shift]]
name = "short"
earliest_start = "0h"
latest_start = "4h"
start_every = "1h"
length = "2h"
"#;

fn morning(cap: &str) -> ccsim::model::Model {
    let text = MORNING.replace("MAX_OCCUPANCY", cap);
    ccsim::scenario::parse(&text, "morning.toml", "morning").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_capped_group_stays_under_its_occupancy_in_every_judged_interval() {
    let options = OptimizeOptions {
        seed: 3,
        threads: Some(2),
        ..Default::default()
    };
    let free = optimize(&morning(""), &options, &|_| {}).unwrap();
    let capped = optimize(&morning("max_occupancy = 0.75"), &options, &|_| {}).unwrap();
    assert!(capped.targets_met, "{:?}", capped.misses);
    let occupancy = |r: &ccsim::optimize::OptimizeResult| -> Vec<f64> {
        let s = ccsim::output::optimize::summary(&r.simulated);
        s.group_intervals
            .iter()
            .map(|g| g.metrics.occupancy.mean)
            .collect()
    };
    // Without a cap the target lets the agents run hotter than 75 % somewhere.
    assert!(
        occupancy(&free).iter().any(|&o| o > 0.75),
        "uncapped occupancy {:?}",
        occupancy(&free)
    );
    for o in occupancy(&capped) {
        assert!(o <= 0.75, "capped occupancy {o}");
    }
    assert!(capped.total_cost > free.total_cost);
    // The Erlang sizing keeps the cap too: at least load / 0.75 agents on duty (the peak,
    // 240 an hour × 4 minutes = 16 erlangs, needs 22: 16 / 22 = 72.7 %).
    for r in &capped.requirements {
        assert!(
            f64::from(r.erlang) >= r.offered_load / 0.75 - 1e-9,
            "{} erlangs sized to {} agents",
            r.offered_load,
            r.erlang
        );
    }
}

#[test]
fn the_flag_caps_every_group_and_bad_caps_are_refused_at_their_key() {
    let dir = std::env::temp_dir().join(format!("ccsim-occupancy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(&good, MORNING.replace("MAX_OCCUPANCY", "")).unwrap();
    let out = ccsim(&[
        "optimize",
        good.to_str().unwrap(),
        "--max-occupancy",
        "0.75",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for g in json["simulated"]["group_intervals"].as_array().unwrap() {
        let o = g["occupancy"]["mean"].as_f64().unwrap();
        assert!(o <= 0.75, "{g}");
    }
    for (cap, words) in [
        ("max_occupancy = 1.5", "above 0 and at most 1"),
        (
            "max_occupancy = { agents = 0 }",
            "optimize.max_occupancy.agents",
        ),
        (
            "max_occupancy = { nobody = 0.8 }",
            "there is no group \"nobody\"",
        ),
        (
            "max_occupancy = \"85%\"",
            "a share from 0 to 1 for every group",
        ),
    ] {
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, MORNING.replace("MAX_OCCUPANCY", cap)).unwrap();
        let out = ccsim(&["check", bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{cap}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(words) && err.contains("bad.toml:"),
            "{cap}: {err}"
        );
    }
    let out = ccsim(&["optimize", good.to_str().unwrap(), "--max-occupancy", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-occupancy 0"));
    let _ = std::fs::remove_dir_all(&dir);
}
