//! Comparisons: variants run over the same customers (common random numbers), so the
//! paired interval of a difference is much narrower than the unpaired one; a variant that
//! changes nothing differs by exactly zero.

use crate::support::ccsim;
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
    let more = compare_runs(
        &base,
        &base_run,
        &variants[0],
        &run(&variants[0], 20, 3, 2),
        None,
    );
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
    let same = compare_runs(
        &base,
        &base_run,
        &variants[1],
        &run(&variants[1], 20, 3, 1),
        None,
    );
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
    let out = crate::support::command()
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
    let text = crate::support::command()
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
            "risk_by_channel.csv",
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

#[test]
fn a_variant_file_is_applied_to_the_base_named_not_to_its_own() {
    // Issue 12 item 1: bot_logistics extends the weekday; compared with peak_staff_plus_20
    // it must be peak_staff_plus_20 with bot_logistics's changes.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let base_path = root.join("scenarios/variants/peak_staff_plus_20.toml");
    let variant_path = root.join("scenarios/variants/bot_logistics.toml");
    let base = ccsim::scenario::load(&base_path).unwrap();
    let (variant, changes) =
        ccsim::scenario::load_onto_base(&base_path, &base.name, &variant_path).unwrap();
    let changes = changes.unwrap();
    assert!(!changes.own_base);
    assert_eq!(changes.files, [variant_path.display().to_string()]);
    // Staffing is the base's (with the extra peak staff) ...
    for (b, v) in base.groups.iter().zip(&variant.groups) {
        assert_eq!(b.staffing, v.staffing, "{}", b.name);
    }
    // ... and the logistics containment is the variant's.
    let logistics = base
        .categories
        .iter()
        .position(|c| c == "logistics")
        .unwrap();
    let own = ccsim::scenario::load(&variant_path).unwrap();
    for (v, o) in variant.bots.iter().zip(&own.bots) {
        assert_eq!(v.containment[logistics], o.containment[logistics]);
    }
    assert_eq!(
        variant.name,
        "weekday + 20 % tier-1 staff at peak with bot_logistics"
    );
    assert!(ccsim::compare::same_customers(&base, &variant));

    let out = ccsim(&[
        "compare",
        "scenarios/variants/peak_staff_plus_20.toml",
        "scenarios/variants/bot_logistics.toml",
        "--replications",
        "4",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let header: Vec<&str> = text.lines().take(3).collect();
    assert_eq!(
        header,
        [
            "weekday + 20 % tier-1 staff at peak with bot_logistics vs weekday + 20 % tier-1 staff at peak · 4 replications each · seed 1 · common random numbers (same customers)",
            "The variant is scenarios/variants/peak_staff_plus_20.toml with the changes in scenarios/variants/bot_logistics.toml applied to it (not to scenarios/weekday.toml, which scenarios/variants/bot_logistics.toml extends).",
            "Differences are variant − base with paired 95 % half-widths; \"unpaired ±\" is what independent runs would give.",
        ]
    );
    // The extra staff is there in both: the variant does not cost thousands less than its
    // base (only bot sessions change, by a few units).
    let cost = text
        .lines()
        .find(|l| l.starts_with("all") && l.contains(" cost "))
        .unwrap();
    let difference: f64 = cost.split_whitespace().nth(4).unwrap().parse().unwrap();
    assert!(difference.abs() < 100.0, "{cost}");

    let json = ccsim(&[
        "compare",
        "scenarios/variants/peak_staff_plus_20.toml",
        "scenarios/variants/bot_logistics.toml",
        "--replications",
        "3",
        "--quiet",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let v = &json["variants"][0];
    assert_eq!(v["pairing"], "common_random_numbers");
    assert_eq!(v["same_customers"], true);
    assert_eq!(v["changes"]["own_base"], false);
    assert_eq!(
        v["changes"]["applied_to"],
        "scenarios/variants/peak_staff_plus_20.toml"
    );
    assert_eq!(v["changes"]["extends"], "scenarios/weekday.toml");

    // Changes that do not fit the base named say where they were applied.
    let out = ccsim(&[
        "compare",
        "scenarios/validation/erlang_a.toml",
        "scenarios/variants/peak_staff_plus_20.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("peak_staff_plus_20.toml:") && err.contains("(the changes of scenarios/variants/peak_staff_plus_20.toml were applied to scenarios/validation/erlang_a.toml, not to the scenario it extends)"),
        "{err}"
    );
}

#[test]
fn a_variant_compared_with_its_own_base_says_so() {
    let out = ccsim(&[
        "compare",
        "scenarios/weekday.toml",
        "scenarios/variants/bot_logistics.toml",
        "--replications",
        "3",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let header: Vec<&str> = text.lines().take(2).collect();
    assert_eq!(
        header,
        [
            "weekday + bot containment on logistics vs weekday · 3 replications each · seed 1 · common random numbers (same customers)",
            "The variant is scenarios/weekday.toml with the changes in scenarios/variants/bot_logistics.toml.",
        ]
    );
}

#[test]
fn scenarios_with_different_customers_are_compared_unpaired() {
    // Issue 12 item 1: erlang_a and the weekday have other arrival streams.
    let out = ccsim(&[
        "compare",
        "scenarios/validation/erlang_a.toml",
        "scenarios/weekday.toml",
        "--replications",
        "4",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("common random numbers"), "{text}");
    let header: Vec<&str> = text.lines().take(2).collect();
    assert!(text.contains("The two scenarios have different arrivals, so replications cannot be paired: differences are variant − base with Welch's unpaired 95 % half-widths."));
    assert_eq!(
        header,
        [
            "weekday vs erlang_a · 4 replications each · seed 1 · independent samples: the customers differ",
            "Channels in only one of them have no rows of their own, and \"all\" sums different channels: chat (variant only), app (variant only).",
        ]
    );
    let json = ccsim(&[
        "compare",
        "scenarios/validation/erlang_a.toml",
        "scenarios/weekday.toml",
        "--replications",
        "4",
        "--quiet",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let v = &json["variants"][0];
    assert_eq!(v["pairing"], "unpaired");
    assert_eq!(v["same_customers"], false);
    assert!(v["changes"].is_null());
    for d in v["differences"].as_array().unwrap() {
        if let (Some(h), Some(u)) = (
            d["difference"]["ci95"].as_f64(),
            d["unpaired_ci95"].as_f64(),
        ) {
            assert_eq!(h, u, "{d}");
        }
    }
    // Same customers, another staffing: still paired.
    let path = base_file("same-customers");
    let base = ccsim::scenario::load(&path).unwrap();
    let variants = ccsim::scenario::load_declared_variants(&path).unwrap();
    assert!(ccsim::compare::same_customers(&base, &variants[0]));
    let other_rate = ccsim::scenario::parse(
        &BASE.replace("rate_per_hour = 300", "rate_per_hour = 301"),
        "x.toml",
        "x",
    )
    .unwrap();
    assert!(!ccsim::compare::same_customers(&base, &other_rate));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

/// A change of opening hours moves contacts between offered and `closed`: the comparison
/// shows `closed` (all and per channel with hours), and the two moves are equal and
/// opposite over the same customers; a comparison without hours shows no `closed` row.
#[test]
fn a_change_of_opening_hours_shows_the_contacts_it_turns_away() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("ccsim-compare-hours-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let later = dir.join("later.toml");
    std::fs::write(
        &later,
        format!(
            "extends = {:?}\n[set]\n\"channel.voice.hours.sat\" = \"09:00-20:00\"\n",
            root.join("scenarios/opening_hours.toml")
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let out = ccsim(&[
        "compare",
        root.join("scenarios/opening_hours.toml").to_str().unwrap(),
        later.to_str().unwrap(),
        "--json",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    let diff = |scope: &str, metric: &str| -> f64 {
        let found = json["variants"][0]["differences"]
            .as_array()
            .unwrap_or_else(|| panic!("{text}"))
            .iter()
            .find(|d| d["scope"] == scope && d["metric"] == metric)
            .unwrap_or_else(|| panic!("no {scope} {metric} in {text}"))
            .clone();
        found["difference"]["mean"].as_f64().unwrap()
    };
    let closed = diff("voice", "closed");
    assert!(
        closed < 0.0,
        "two more open hours turn fewer away: {closed}"
    );
    assert_eq!(diff("voice", "offered"), -closed);
    assert!(diff("all", "closed") < 0.0);
    // Without hours on either side, no `closed` row.
    let out = ccsim(&[
        "compare",
        "scenarios/weekday.toml",
        "scenarios/variants/frontline_empowerment.toml",
        "--json",
        "--quiet",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"offered\"") && !text.contains("\"closed\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_variant_that_counts_the_service_level_otherwise_says_so() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("ccsim-compare-sl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let answered = dir.join("answered.toml");
    let base = root.join("scenarios/validation/erlang_a.toml");
    std::fs::write(
        &answered,
        format!(
            "extends = {:?}\n[set]\n\"channel.voice.service_level.definition\" = \"answered\"\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let args = [
        "compare",
        base.to_str().unwrap(),
        answered.to_str().unwrap(),
        "--quiet",
        "--replications",
        "3",
    ];
    let out = ccsim(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("The variant counts the service level otherwise, so its difference is partly a change of definition: voice: answered within 20s / offered → answered within 20s / answered."),
        "{text}"
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let json: serde_json::Value = serde_json::from_slice(&ccsim(&json_args).stdout).unwrap();
    assert_eq!(
        json["variants"][0]["service_level_redefined"][0],
        "voice: answered within 20s / offered → answered within 20s / answered"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
