//! Trunk lines and callbacks (`[[channel]] lines`, `callback`) against known answers: as
//! many lines as agents is Erlang B's loss system; more lines than agents is the M/M/c/K
//! queue; callers who all take a callback before their patience runs out never abandon,
//! so the queue is Erlang C's, the share offered a callback is P(W > after) and the wait
//! for the call back is memoryless, 1 / (cμ − λ).

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_b, erlang_c};

/// One voice queue of `agents` agents, 3-minute exponential calls at `per_hour`, and the
/// channel's extra keys.
fn voice(per_hour: f64, agents: u32, channel: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "3000m"
warmup = "300m"
interval = "300m"
seed = 12

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
{channel}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {per_hour}

[[group]]
name = "agents"
agents = {agents}
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "3m" }}
"#
    )
}

#[test]
fn as_many_lines_as_agents_is_erlang_b() {
    // 160 calls an hour of 3 minutes: 8 erlangs on 10 lines and 10 agents.
    let m = model(&voice(160.0, 10, "lines = 10"));
    let r = run(&m, 20, 1, 2);
    let exact = erlang_b(10, 8.0);
    let blocked = r.estimate(|o| o.totals.block_rate);
    assert!(within_four_se(&blocked, exact), "{blocked:?} vs {exact}");
    for o in &r.outcomes {
        let t = &o.totals;
        assert_eq!(
            t.arrivals,
            t.offered + t.blocked,
            "every call is offered or blocked"
        );
        assert_eq!(
            t.asa_s, 0.0,
            "nobody waits: a call gets a line only with an agent free"
        );
    }
}

#[test]
fn more_lines_than_agents_is_the_m_m_c_k_queue() {
    // 5 agents, 8 lines, 4.5 erlangs: p(n) ∝ aⁿ/n! up to 5, then × (a/5) per extra call;
    // a call is blocked with probability p(8) (PASTA), and waits Lq / λ(1 − p(8)).
    let (c, k, a) = (5usize, 8usize, 4.5f64);
    let mut p = vec![1.0f64];
    for n in 1..=k {
        let rate = a / (n.min(c) as f64);
        p.push(p[n - 1] * rate);
    }
    let total: f64 = p.iter().sum();
    let p: Vec<f64> = p.iter().map(|x| x / total).collect();
    let block = p[k];
    let lq: f64 = (c..=k).map(|n| (n - c) as f64 * p[n]).sum();
    let lambda = a / 180.0;
    let wait = lq / (lambda * (1.0 - block));
    let m = model(&voice(a * 20.0, c as u32, "lines = 8"));
    let r = run(&m, 20, 2, 2);
    let blocked = r.estimate(|o| o.totals.block_rate);
    assert!(within_four_se(&blocked, block), "{blocked:?} vs {block}");
    let asa = r.estimate(|o| o.totals.asa_s);
    assert!(within_four_se(&asa, wait), "{asa:?} vs {wait}");
}

#[test]
fn blocked_callers_redial_by_the_channel_s_rule() {
    let redial = "lines = 10\nredial = { probability = 1.0, delay = { dist = \"exponential\", mean = \"1m\" }, max_attempts = 3 }";
    let r = run(&model(&voice(160.0, 10, redial)), 5, 3, 2);
    for o in &r.outcomes {
        let t = &o.totals;
        assert_eq!(t.arrivals, t.offered + t.blocked);
        // Only blocked calls come back (nobody abandons), at most twice each.
        assert!(
            t.redial_rate > 0.0 && t.redial_rate * t.arrivals <= t.blocked,
            "{t:?}"
        );
    }
}

#[test]
fn callers_who_take_a_callback_wait_as_erlang_c_says() {
    // 11 agents, 200 calls an hour of 3 minutes (10 erlangs); patience 10 minutes, a
    // callback after 30 s that everyone takes: nobody abandons.
    let channel = "patience = { dist = \"deterministic\", value = \"10m\" }\ncallback = { after = \"30s\", accept = 1.0 }";
    let m = model(&voice(200.0, 11, channel));
    let r = run(&m, 20, 4, 2);
    let spec = QueueSpec {
        arrival_rate: 200.0 / 3600.0,
        aht: 180.0,
        agents: 11,
        patience: None,
        answer_within: 30.0,
    };
    let exact = erlang_c(&spec).expect("stable");
    let drain = 11.0 / 180.0 - 200.0 / 3600.0;
    let asa = r.estimate(|o| o.totals.asa_s);
    assert!(
        within_four_se(&asa, exact.asa_s),
        "{asa:?} vs {}",
        exact.asa_s
    );
    let offered_callback = r.estimate(|o| o.totals.callbacks / o.totals.offered);
    let p_over = 1.0 - exact.service_level;
    assert!(
        within_four_se(&offered_callback, p_over),
        "{offered_callback:?} vs {p_over}"
    );
    let callback_wait = r.estimate(|o| o.totals.callback_wait_s);
    assert!(
        within_four_se(&callback_wait, 1.0 / drain),
        "{callback_wait:?} vs {}",
        1.0 / drain
    );
    assert!(r.outcomes.iter().all(|o| o.totals.abandoned == 0.0));
}

#[test]
fn a_callback_nobody_takes_changes_nothing() {
    let patience = "patience = { dist = \"exponential\", mean = \"2m\" }";
    let plain = run(&model(&voice(200.0, 10, patience)), 5, 5, 2);
    let offered = format!("{patience}\ncallback = {{ after = \"30s\", accept = 0.0 }}");
    let with = run(&model(&voice(200.0, 10, &offered)), 5, 5, 2);
    for (a, b) in plain.outcomes.iter().zip(&with.outcomes) {
        assert_eq!(a.totals.abandoned, b.totals.abandoned);
        assert_eq!(a.totals.asa_s, b.totals.asa_s);
        assert_eq!(b.totals.callbacks, 0.0);
    }
}

#[test]
fn bad_lines_and_callbacks_are_refused_at_their_place() {
    for (channel, key, says) in [
        ("lines = 0", "channel[0].lines", "from 1 to 1000000"),
        (
            "callback = { after = \"0s\" }",
            "channel[0].callback.after",
            "above 0s",
        ),
        (
            "callback = { after = \"1m\", accept = 1.5 }",
            "channel[0].callback.accept",
            "between 0 and 1",
        ),
        ("kind = \"email\"\nlines = 5", "channel[0].lines", "e-mail"),
    ] {
        let err = ccsim::scenario::parse(&voice(100.0, 5, channel), "bad.toml", "bad")
            .expect_err(channel);
        let msg = err.to_string();
        assert!(msg.contains(key) && msg.contains(says), "{channel}: {msg}");
    }
}

#[test]
fn blocked_calls_show_in_the_text_and_in_comparisons() {
    let dir = std::env::temp_dir().join(format!("ccsim-lines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join("base.toml");
    std::fs::write(&base, voice(160.0, 10, "")).unwrap();
    let lined = dir.join("lined.toml");
    std::fs::write(&lined, voice(160.0, 10, "lines = 10")).unwrap();
    let out = crate::support::ccsim(&[
        "run",
        lined.to_str().unwrap(),
        "--replications",
        "3",
        "--quiet",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let header = text
        .lines()
        .find(|l| l.contains("block rate"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        header.starts_with("channel") && header.contains("callbacks"),
        "{header}"
    );
    let row = text
        .lines()
        .skip_while(|l| !l.contains("block rate"))
        .nth(1)
        .unwrap();
    assert!(row.starts_with("voice") && row.contains(" 10 "), "{row}");
    assert!(
        text.contains("they are not offered, so no service level counts them"),
        "{text}"
    );
    let out = crate::support::ccsim(&[
        "compare",
        base.to_str().unwrap(),
        lined.to_str().unwrap(),
        "--replications",
        "3",
        "--json",
        "--quiet",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["variants"][0]["differences"].as_array().unwrap();
    for metric in ["blocked", "block_rate"] {
        assert!(
            rows.iter()
                .any(|d| d["scope"] == "voice" && d["metric"] == metric),
            "no voice {metric} row"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
