//! The engine's lean path (issue 18 item 7): a model without bots, hours, lines, backlogs,
//! returns, transfers, overflow, priority classes or concurrency runs through the same
//! engine code compiled with those mechanisms switched off. It must give the same
//! replications, to the last bit of every tally, as the general path.

use ccsim::engine::{Workspace, lean_path, simulate, takes_lean_path};
use ccsim::model::Model;
use std::path::Path;

/// Replications `0..n` of `m` through the general path and the lean one, as text (the
/// `Debug` of every outcome: every float printed exactly).
fn both_ways(m: &Model, n: u32) -> [String; 2] {
    let mut ws = Workspace::new();
    [Some(false), None].map(|allowed| {
        lean_path(allowed);
        let text = (0..n)
            .map(|r| format!("{:?}", simulate(m, m.seed, r, &mut ws)))
            .collect::<Vec<_>>()
            .join("\n");
        lean_path(None);
        text
    })
}

fn load(path: &str) -> Model {
    ccsim::scenario::load(Path::new(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The shipped scenarios that fit the lean path replicate the same both ways; the Erlang
/// cases and the SSJ call center are among them, and the weekday (bots, transfers,
/// redials) is not.
#[test]
fn shipped_scenarios_on_the_lean_path_replicate_as_on_the_general_one() {
    let mut lean = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("scenarios") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let Ok(m) = ccsim::scenario::load(&path) else {
                    continue;
                };
                if m.replays.is_empty() && takes_lean_path(&m) {
                    let [general, fast] = both_ways(&m, 2);
                    assert_eq!(general, fast, "{}", path.display());
                    lean.push(
                        path.file_name()
                            .expect("name")
                            .to_string_lossy()
                            .into_owned(),
                    );
                }
            }
        }
    }
    lean.sort();
    for name in ["erlang_a.toml", "erlang_c.toml", "ssj_call_center.toml"] {
        assert!(lean.iter().any(|l| l == name), "{name} not lean: {lean:?}");
    }
    assert!(!takes_lean_path(&load("scenarios/weekday.toml")));
}

/// A model with most of what the lean path keeps: two channels, three categories (tallied
/// apart), a contact type served by two groups, staffing and AHT by interval, a surge,
/// warm-up, lognormal and gamma handle times, a type without patience, a short abandon,
/// unresolved contacts (no repeat), busyness, and agents leaving mid-service at a
/// staffing drop.
#[test]
fn a_varied_model_replicates_the_same_on_both_paths() {
    let text = r#"
[simulation]
horizon = "4h"
warmup = "30m"
interval = "30m"
seed = 11

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8, definition = "short_abandons_met", short_abandon = "5s" }
patience = { dist = "lognormal", mean = "90s", cv = 0.8 }
busyness = { day_cv = 0.1 }

[[channel]]
name = "chat"
service_level = { answer_within = "60s", target = 0.8 }

[[category]]
name = "billing"

[[category]]
name = "sales"

[[category]]
name = "tech"

[[surge]]
channel = "voice"
from = "1h"
to = "2h"
multiplier = 1.6

[[arrivals]]
channel = "voice"
category = "billing"
rates_per_hour = [200, 260, 300, 320, 280, 240, 200, 150]
aht = ["4m", "4m", "5m", "5m", "4m", "4m", "3m", "3m"]

[[arrivals]]
channel = "voice"
category = "sales"
rate_per_hour = 120

[[arrivals]]
channel = "chat"
category = "tech"
rate_per_hour = 90

[[group]]
name = "billing"
staffing = [14, 18, 22, 22, 9, 20, 16, 12]
handles = ["voice/billing"]
handle_time = { dist = "lognormal", mean = "4m", cv = 0.7 }
resolve = 0.9

[[group]]
name = "billing overflow"
agents = 4
handles = ["voice/billing"]
handle_time = { dist = "gamma", mean = "5m", cv = 0.5 }

[[group]]
name = "sales"
agents = 6
handles = ["voice/sales"]
handle_time = { dist = "exponential", mean = "3m" }

[[group]]
name = "chat"
agents = 5
handles = ["chat/tech"]
handle_time = { dist = "exponential", mean = "3m" }
"#;
    let m = ccsim::scenario::parse(text, "varied.toml", "varied").expect("the model parses");
    assert!(takes_lean_path(&m));
    let [general, fast] = both_ways(&m, 3);
    assert_eq!(general, fast);
    assert!(general.contains("abandoned") && general.len() > 3000);
}

/// Abandonment on the lean path has no timers (a contact leaves when an agent finds it
/// past its patience, or when the events run out): an overloaded queue, a group unstaffed
/// for the last two hours (nobody looks at its queue: everyone there abandons after the
/// events end), a channel without patience left waiting for ever, several categories
/// tallied apart, a warm-up and short abandons give the same bits, event count included,
/// as the general path's timers.
#[test]
fn abandonment_without_timers_counts_and_sums_as_the_timers_do() {
    let text = r#"
[simulation]
horizon = "4h"
warmup = "30m"
interval = "30m"
seed = 5

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8, definition = "excluding_short_abandons", short_abandon = "10s" }
patience = { dist = "exponential", mean = "2m" }

[[channel]]
name = "chat"
service_level = { answer_within = "60s", target = 0.8 }

[[category]]
name = "a"

[[category]]
name = "b"

[[arrivals]]
channel = "voice"
category = "a"
rate_per_hour = 400

[[arrivals]]
channel = "voice"
category = "b"
rate_per_hour = 150

[[arrivals]]
channel = "chat"
category = "a"
rate_per_hour = 40

[[group]]
name = "a"
staffing = [20, 22, 18, 24, 0, 0, 0, 0]
handles = ["voice/a"]
handle_time = { dist = "exponential", mean = "3m" }

[[group]]
name = "b"
agents = 8
handles = ["voice/b"]
handle_time = { dist = "lognormal", mean = "4m", cv = 1.2 }

[[group]]
name = "chat"
staffing = [2, 2, 2, 2, 2, 0, 0, 0]
handles = ["chat/a"]
handle_time = { dist = "exponential", mean = "3m" }
"#;
    let m = ccsim::scenario::parse(text, "abandon.toml", "abandon").expect("the model parses");
    assert!(takes_lean_path(&m));
    let [general, fast] = both_ways(&m, 3);
    assert_eq!(general, fast);
    // Many abandon (the queue is overloaded, then unstaffed): the sums are not empty.
    let outcome = simulate(&m, m.seed, 0, &mut Workspace::new());
    let (abandoned, offered) = (outcome.totals.abandoned, outcome.totals.offered);
    assert!(abandoned * 5.0 > offered, "{abandoned} of {offered}");
}
