//! The command line as scripts use it: the JSON contract, exit codes, flags.

use crate::support::ccsim;
use serde_json::Value;
use std::process::Output;

fn json(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document")
}

#[test]
fn run_json_carries_the_contract_fields() {
    let out = ccsim(&[
        "run",
        "scenarios/validation/erlang_a.toml",
        "--replications",
        "4",
        "--seed",
        "5",
        "--json",
    ]);
    let v = json(&out);
    assert_eq!(v["scenario"], "erlang_a");
    assert_eq!(v["replications"], 4);
    assert_eq!(v["seed"], 5);
    assert!(v["events"].as_u64().unwrap() > v["contacts"].as_u64().unwrap());
    assert!(v["wall_s"].as_f64().unwrap() >= 0.0);
    for key in [
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "abandon_rate",
        "asa_s",
        "wait_p90_s",
        "occupancy",
    ] {
        let m = &v["totals"][key];
        assert!(
            m["mean"].is_number() && m["ci95"].is_number(),
            "totals.{key}: {m}"
        );
    }
    for key in ["offered", "service_level", "abandon_rate", "asa_s"] {
        assert!(
            v["by_channel"]["voice"][key]["mean"].is_number(),
            "by_channel.voice.{key}"
        );
    }
    assert!(v["by_group"]["agents"]["occupancy"]["mean"].is_number());
    let intervals = v["intervals"].as_array().unwrap();
    // 10 h of 30 min intervals, the first hour warm-up: 18 reported.
    assert_eq!(intervals.len(), 18);
    assert_eq!(intervals[0]["start_s"], 3600.0);
    assert_eq!(intervals[0]["channel"], "voice");
    for key in ["offered", "service_level", "abandon_rate", "asa_s"] {
        assert!(intervals[0][key]["mean"].is_number(), "intervals[0].{key}");
    }
    // The scenario's exact Erlang A service level is 0.9443.
    let sl = &v["totals"]["service_level"];
    assert!(
        (sl["mean"].as_f64().unwrap() - 0.9443).abs()
            < 3.0 * sl["ci95"].as_f64().unwrap().max(0.005)
    );
}

#[test]
fn run_json_is_identical_on_one_and_two_threads() {
    let run = |threads: &str| {
        let mut v = json(&ccsim(&[
            "run",
            "scenarios/validation/erlang_c.toml",
            "--replications",
            "6",
            "--threads",
            threads,
            "--json",
        ]));
        v["wall_s"] = Value::Null;
        v
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn erlang_commands_give_exact_values() {
    let c = json(&ccsim(&[
        "erlang",
        "c",
        "--rate-per-hour",
        "200",
        "--aht",
        "3m",
        "--agents",
        "11",
        "--answer-within",
        "20s",
        "--json",
    ]));
    assert!((c["p_wait"].as_f64().unwrap() - 0.6821).abs() < 1e-3, "{c}");
    assert_eq!(c["abandon_rate"], 0.0);
    for key in [
        "p_wait",
        "service_level",
        "asa_s",
        "abandon_rate",
        "occupancy",
    ] {
        assert!(c[key].is_number(), "{key}");
    }
    let a = json(&ccsim(&[
        "erlang",
        "a",
        "--rate-per-hour",
        "1200",
        "--aht",
        "5m",
        "--patience",
        "5m",
        "--agents",
        "110",
        "--answer-within",
        "20s",
        "--json",
    ]));
    assert!(
        (a["service_level"].as_f64().unwrap() - 0.9443).abs() < 1e-3,
        "{a}"
    );
    assert!(a["abandon_rate"].as_f64().unwrap() > 0.0);
    let text = ccsim(&[
        "erlang",
        "a",
        "--rate-per-hour",
        "1200",
        "--aht",
        "5m",
        "--patience",
        "5m",
        "--agents",
        "110",
        "--answer-within",
        "20s",
    ]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("service level"));
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "erlang",
                "c",
                "--rate-per-hour",
                "200",
                "--aht",
                "3",
                "--agents",
                "11",
                "--answer-within",
                "20s",
            ],
            "no unit",
        ),
        (
            &[
                "erlang",
                "c",
                "--rate-per-hour",
                "2000",
                "--aht",
                "3m",
                "--agents",
                "11",
                "--answer-within",
                "20s",
            ],
            "more than 11 agents",
        ),
        (
            &[
                "run",
                "scenarios/validation/erlang_a.toml",
                "--replications",
                "0",
            ],
            "--replications",
        ),
        (
            &[
                "run",
                "scenarios/validation/erlang_a.toml",
                "--threads",
                "0",
            ],
            "--threads",
        ),
        (&["run", "scenarios/nonexistent.toml"], "cannot read"),
        (&["run"], "FILE"),
        (&["frobnicate"], "frobnicate"),
    ];
    for (args, fragment) in cases {
        let out = ccsim(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(fragment), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn check_summarises_the_model() {
    let out = ccsim(&["check", "scenarios/validation/erlang_a.toml"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for fragment in [
        "OK",
        "voice",
        "general",
        "agents",
        "total volume 12000 contacts over the 10h horizon (28800 a day)",
        "total scheduled agent hours 1100.0",
    ] {
        assert!(text.contains(fragment), "missing {fragment:?} in:\n{text}");
    }
}

#[test]
fn run_prints_a_readable_summary() {
    let out = ccsim(&[
        "run",
        "scenarios/validation/erlang_a.toml",
        "--replications",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for fragment in [
        "service level",
        "Per interval · voice",
        "01:00",
        "09:30",
        "occupancy",
    ] {
        assert!(text.contains(fragment), "missing {fragment:?} in:\n{text}");
    }
    assert!(
        out.stderr.is_empty(),
        "no progress bar when stderr is not a terminal"
    );
}
