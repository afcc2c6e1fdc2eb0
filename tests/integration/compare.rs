//! Comparisons: variants run over the same customers (common random numbers), so the
//! paired interval of a difference is much narrower than the unpaired one; a variant that
//! changes nothing differs by exactly zero.

use crate::support::run;
use ccsim::compare::compare_runs;
use std::path::PathBuf;

const BASE: &str = r#"
[simulation]
horizon = "8h"
warmup = "1h"
interval = "1h"
replications = 20
seed = 3

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
patience = { dist = "exponential", mean = "5m" }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 300

[[group]]
name = "agents"
agents = 27
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "5m" }

[[variant]]
name = "one more agent"
set = { "group.agents.agents" = 28 }

[[variant]]
name = "nothing changed"
description = "the base under another name"
set = {}
"#;

fn base_file(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-compare-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("base.toml");
    std::fs::write(&path, BASE).unwrap();
    path
}

#[test]
fn one_more_agent_is_a_significant_difference_with_a_much_narrower_paired_interval() {
    let path = base_file("agent");
    let base = ccsim::scenario::load(&path).unwrap();
    let variants = ccsim::scenario::load_declared_variants(&path).unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0].name, "one more agent");
    assert_eq!(variants[0].groups[0].staffing[0], 28);
    let base_run = run(&base, 20, 3, 2);
    let more = compare_runs(&base, &base_run, &variants[0], &run(&variants[0], 20, 3, 2));
    let find = |metric: &str| {
        more.differences
            .iter()
            .find(|d| d.scope == "all" && d.metric == metric)
            .unwrap()
            .clone()
    };
    for metric in ["service_level", "asa_s", "abandon_rate"] {
        let d = find(metric);
        assert!(d.significant, "{metric}: {d:?}");
        assert!(
            d.difference.ci95 < d.unpaired_ci95 / 3.0,
            "{metric}: paired ±{} against unpaired ±{}",
            d.difference.ci95,
            d.unpaired_ci95
        );
    }
    assert!(find("service_level").difference.mean > 0.0);
    assert!(find("asa_s").difference.mean < 0.0);

    // The same customers in both runs: a variant that changes nothing differs by zero.
    let same = compare_runs(&base, &base_run, &variants[1], &run(&variants[1], 20, 3, 1));
    for d in &same.differences {
        if d.difference.mean.is_finite() {
            assert_eq!(d.difference.mean, 0.0, "{}/{}", d.scope, d.metric);
            assert!(!d.significant);
        }
    }
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn the_command_line_compares_declared_variants_and_files() {
    let path = base_file("cli");
    let variant = path.with_file_name("fewer.toml");
    std::fs::write(
        &variant,
        "extends = \"base.toml\"\nname = \"one agent fewer\"\n[set]\n\"group.agents.agents\" = 26\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .args(["compare", path.to_str().unwrap(), variant.to_str().unwrap()])
        .args(["--json", "--replications", "5"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["variant"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["one more agent", "nothing changed", "one agent fewer"]
    );
    assert_eq!(json["replications"], 5);
    let text = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .args(["compare", variant.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&text.stderr).contains("nothing to compare"));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn results_folders_are_written_whole_and_kept_unless_forced() {
    let path = base_file("out");
    let out = path.with_file_name("results");
    let ccsim = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
            .args(args)
            .output()
            .unwrap()
    };
    let (p, o) = (path.to_str().unwrap(), out.to_str().unwrap());
    let first = ccsim(&["run", p, "--quiet", "--replications", "3", "--out", o]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            ".ccsim-results",
            "by_group.csv",
            "intervals.csv",
            "summary.json"
        ]
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["replications"], 3);
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    assert!(intervals.starts_with("interval,channel,"));
    assert!(intervals.contains("service_level,service_level_ci95"));
    // 7 reported intervals (8 h less the 1 h warm-up) of one channel, and the header.
    assert_eq!(intervals.lines().count(), 8);

    let again = ccsim(&["run", p, "--quiet", "--out", o]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("add --force"));
    let compared = ccsim(&[
        "compare",
        p,
        "--quiet",
        "--replications",
        "3",
        "--out",
        o,
        "--force",
    ]);
    assert!(
        compared.status.success(),
        "{}",
        String::from_utf8_lossy(&compared.stderr)
    );
    assert!(out.join("comparison.csv").exists());
    assert!(out.join("0_base/summary.json").exists());
    assert!(out.join("1_one_more_agent/intervals.csv").exists());
    assert!(
        !out.join("summary.json").exists(),
        "the old folder was replaced whole"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
