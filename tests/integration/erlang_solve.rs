//! `ccsim erlang c|a` without `--agents`: the fewest agents meeting the targets given,
//! checked against the evaluation of the staffing itself and against targets whose answer
//! is known in closed form.

use crate::support::ccsim;

fn json(args: &[&str]) -> serde_json::Value {
    let out = ccsim(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_fewest_agents_meet_the_target_and_one_fewer_does_not() {
    let base = [
        "--rate-per-hour",
        "1200",
        "--aht",
        "5m",
        "--answer-within",
        "20s",
    ];
    for (model, extra) in [("c", vec![]), ("a", vec!["--patience", "3m"])] {
        let mut args = vec!["erlang", model];
        args.extend(base);
        args.extend(extra.iter().copied());
        let mut solve = args.clone();
        solve.extend(["--service-level", "0.8", "--max-asa", "15s", "--json"]);
        let solved = json(&solve);
        let n = solved["agents"].as_u64().unwrap();
        let evaluate = |agents: u64| {
            let agents = agents.to_string();
            let mut a = args.clone();
            a.extend(["--agents", agents.as_str(), "--json"]);
            json(&a)
        };
        let at = evaluate(n);
        assert!(
            at["service_level"].as_f64().unwrap() >= 0.8 && at["asa_s"].as_f64().unwrap() <= 15.0
        );
        let below = evaluate(n - 1);
        assert!(
            below["service_level"].as_f64().unwrap() < 0.8
                || below["asa_s"].as_f64().unwrap() > 15.0,
            "{model}: {} agents meet the targets too",
            n - 1
        );
        // The table runs from two fewer to two more, marking who meets the targets.
        let table = solved["table"].as_array().unwrap();
        assert_eq!(table.len(), 5);
        for row in table {
            let meets = row["agents"].as_u64().unwrap() >= n;
            assert_eq!(row["meets_targets"], meets, "{row}");
        }
    }
}

#[test]
fn an_occupancy_cap_alone_needs_load_over_cap_agents() {
    // Erlang C's occupancy is load / agents: 600 an hour × 6 minutes = 60 erlangs at 85 %
    // needs ⌈60 / 0.85⌉ = 71 agents.
    let v = json(&[
        "erlang",
        "c",
        "--rate-per-hour",
        "600",
        "--aht",
        "6m",
        "--answer-within",
        "20s",
        "--max-occupancy",
        "0.85",
        "--json",
    ]);
    assert_eq!(v["agents"], 71);
    // Chat: 300 an hour, 10 minutes each, three at once each 40 % slower (1 + 0.2 × 2):
    // 70 erlangs of conversation slots; 80 % needs 88 slots, so 30 agents (29 hold 87).
    let v = json(&[
        "erlang",
        "c",
        "--rate-per-hour",
        "300",
        "--aht",
        "10m",
        "--answer-within",
        "1m",
        "--max-occupancy",
        "0.8",
        "--concurrency",
        "3",
        "--slowdown",
        "0.2",
        "--json",
    ]);
    assert_eq!(v["agents"], 30);
    assert!((v["load_erlangs"].as_f64().unwrap() - 70.0).abs() < 1e-9);
}

#[test]
fn the_text_shows_the_table_around_the_answer_and_bad_targets_are_refused() {
    let out = ccsim(&[
        "erlang",
        "a",
        "--rate-per-hour",
        "1200",
        "--aht",
        "5m",
        "--answer-within",
        "20s",
        "--patience",
        "5m",
        "--service-level",
        "0.8",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fewest agents meeting them:") && text.contains("◀"),
        "{text}"
    );
    for (flag, value, words) in [
        ("--service-level", "1", "above 0 and below 1"),
        ("--max-occupancy", "0", "above 0 and at most 1"),
        ("--slowdown", "9", "give --concurrency"),
    ] {
        let out = ccsim(&[
            "erlang",
            "c",
            "--rate-per-hour",
            "100",
            "--aht",
            "5m",
            "--answer-within",
            "20s",
            flag,
            value,
        ]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(words),
            "{flag} {value}"
        );
    }
    let out = ccsim(&[
        "erlang",
        "c",
        "--rate-per-hour",
        "100",
        "--aht",
        "5m",
        "--answer-within",
        "20s",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --agents"));
    let out = ccsim(&[
        "erlang",
        "c",
        "--rate-per-hour",
        "100",
        "--aht",
        "0s",
        "--answer-within",
        "20s",
        "--service-level",
        "0.8",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--aht 0s"));
}
