//! Patience by category and by the interval a customer starts waiting in (`patience_by`),
//! against known answers: two categories served by their own groups are two Erlang A
//! queues with their own patience; a morning and an afternoon patience give each half
//! its own Erlang A; a customer who leaves a bot after noon takes the afternoon's.

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_a};
use ccsim::ids::ContactTypeId;

const SETTINGS: &str = r#"
[simulation]
horizon = "24h"
warmup = "0s"
interval = "1h"
seed = 5
"#;

fn erlang_a_abandon(per_hour: f64, aht_s: f64, agents: u32, patience_s: f64) -> f64 {
    erlang_a(&QueueSpec {
        arrival_rate: per_hour / 3600.0,
        aht: aht_s,
        agents,
        patience: Some(patience_s),
        answer_within: 20.0,
    })
    .expect("valid")
    .abandon_rate
}

#[test]
fn each_category_abandons_as_erlang_a_with_its_own_patience() {
    // Billing: 3-minute patience (the channel's); sales: 30 seconds (its entry). Each
    // category has its own group, so each is an M/M/n+M queue of its own.
    let text = format!(
        r#"{SETTINGS}
[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience = {{ dist = "exponential", mean = "3m" }}
patience_by = [{{ category = "sales", patience = {{ dist = "exponential", mean = "30s" }} }}]

[[category]]
name = "billing"

[[category]]
name = "sales"

[[arrivals]]
channel = "voice"
category = "billing"
rate_per_hour = 300

[[arrivals]]
channel = "voice"
category = "sales"
rate_per_hour = 300

[[group]]
name = "billing"
agents = 20
handles = ["voice/billing"]
handle_time = {{ dist = "exponential", mean = "4m" }}

[[group]]
name = "sales"
agents = 20
handles = ["voice/sales"]
handle_time = {{ dist = "exponential", mean = "4m" }}
"#
    );
    let m = model(&text);
    let r = run(&m, 20, 3, 2);
    for (cat, patience) in [(0, 180.0), (1, 30.0)] {
        let est = r.estimate(|o| o.by_category[cat].abandon_rate);
        let exact = erlang_a_abandon(300.0, 240.0, 20, patience);
        assert!(
            within_four_se(&est, exact),
            "category {cat}: {est:?} vs {exact}"
        );
    }
}

#[test]
fn each_half_of_the_day_abandons_as_erlang_a_with_its_patience() {
    // 30 s until noon, 5 minutes after: the intervals away from noon and midnight are each
    // in the steady state of their half's Erlang A.
    let text = format!(
        r#"{SETTINGS}
[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience = {{ dist = "exponential", mean = "5m" }}
patience_by = [{{ from = "00:00", until = "12:00", patience = {{ dist = "exponential", mean = "30s" }} }}]

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 600

[[group]]
name = "agents"
agents = 38
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "4m" }}
"#
    );
    let m = model(&text);
    let r = run(&m, 20, 4, 2);
    for (hours, patience) in [(2..12, 30.0), (14..24, 300.0)] {
        let exact = erlang_a_abandon(600.0, 240.0, 38, patience);
        for k in hours {
            let est = r.estimate(|o| o.intervals[k].abandon_rate);
            assert!(within_four_se(&est, exact), "{k}:00 {est:?} vs {exact}");
        }
    }
}

/// Arrivals from 11:00 to 12:00 through a 30-minute bot, nobody on duty until 12:30: those
/// who leave the bot while the one-second patience holds (until `until`) give up, the
/// others wait with ten hours' patience for the agent.
fn through_a_bot(until: &str) -> String {
    let staffing: Vec<String> = (0..48).map(|k| u32::from(k >= 25).to_string()).collect();
    format!(
        r#"
[simulation]
horizon = "24h"
warmup = "0s"
interval = "30m"
seed = 8

[[channel]]
name = "chat"
service_level = {{ answer_within = "1m" }}
patience = {{ dist = "deterministic", value = "10h" }}
patience_by = [{{ until = "{until}", patience = {{ dist = "deterministic", value = "1s" }} }}]

[[category]]
name = "general"

[[arrivals]]
channel = "chat"
category = "general"
rates_per_hour = [{rates}]

[[group]]
name = "agents"
staffing = [{staffing}]
handles = ["chat/*"]
handle_time = {{ dist = "exponential", mean = "30s" }}

[[bot]]
channel = "chat"
handle_time = {{ dist = "deterministic", value = "30m" }}
containment = 0.0
"#,
        rates = (0..48)
            .map(|k| if k == 22 || k == 23 { "20" } else { "0" })
            .collect::<Vec<_>>()
            .join(", "),
        staffing = staffing.join(", ")
    )
}

#[test]
fn a_customer_takes_the_patience_of_the_interval_it_starts_waiting_in() {
    let m = model(&through_a_bot("12:00"));
    let r = run(&m, 40, 6, 2);
    // Arrived 11:00–11:30: waits from 11:30, before anyone is on duty, for one second.
    let early = r.estimate(|o| o.intervals[22].abandon_rate);
    // Arrived 11:30–12:00 (the morning's patience at arrival): waits from noon, patiently.
    let late = r.estimate(|o| o.intervals[23].abandon_rate);
    assert!(early.mean > 0.99, "{early:?}");
    assert_eq!(late.mean, 0.0, "{late:?}");
    // With the morning's patience until 12:30, both halves give up.
    let m = model(&through_a_bot("12:30"));
    let r = run(&m, 40, 6, 2);
    let late = r.estimate(|o| o.intervals[23].abandon_rate);
    assert!(late.mean > 0.99, "{late:?}");
}

#[test]
fn the_most_specific_entry_applies() {
    let text = format!(
        r#"{SETTINGS}
[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience = {{ dist = "exponential", mean = "1m" }}
patience_by = [
  {{ from = "22:00", until = "06:00", patience = {{ dist = "exponential", mean = "2m" }} }},
  {{ category = "vip", patience = {{ dist = "exponential", mean = "3m" }} }},
  {{ category = "vip", from = "10:00", until = "12:00", patience = {{ dist = "exponential", mean = "4m" }} }},
]

[[category]]
name = "general"

[[category]]
name = "vip"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 10

[[arrivals]]
channel = "voice"
category = "vip"
rate_per_hour = 10

[[group]]
name = "agents"
agents = 3
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "4m" }}
"#
    );
    let m = model(&text);
    let mean = |t: u32, k: usize| m.patience_in(ContactTypeId::new(t), k).map(|d| d.mean());
    let (general, vip) = (0, 1);
    for (k, g, v) in [
        (0, 120.0, 180.0),
        (5, 120.0, 180.0),
        (6, 60.0, 180.0),
        (10, 60.0, 240.0),
        (11, 60.0, 240.0),
        (12, 60.0, 180.0),
        (22, 120.0, 180.0),
        (23, 120.0, 180.0),
    ] {
        assert_eq!(mean(general, k), Some(g), "general at {k}:00");
        assert_eq!(mean(vip, k), Some(v), "vip at {k}:00");
    }
}

#[test]
fn bad_patience_by_entries_are_refused_at_their_place() {
    let base = |by: &str| {
        format!(
            r#"{SETTINGS}
[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience_by = [{by}]

[[category]]
name = "general"

[[category]]
name = "spare"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 10

[[group]]
name = "agents"
agents = 3
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "4m" }}
"#
        )
    };
    let p = r#"patience = { dist = "exponential", mean = "1m" }"#;
    for (by, key, says) in [
        (
            format!("{{ category = \"vip\", {p} }}"),
            "channel[0].patience_by[0].category",
            "there is no category \"vip\"",
        ),
        (
            format!("{{ from = \"10:10\", {p} }}"),
            "channel[0].patience_by[0].from",
            "not on the interval grid",
        ),
        (
            format!("{{ from = \"10h\", {p} }}"),
            "channel[0].patience_by[0].from",
            "is not a time of day",
        ),
        (
            format!("{{ from = \"10:00\", until = \"10:00\", {p} }}"),
            "channel[0].patience_by[0]",
            "the hours are empty",
        ),
        (
            format!("{{ from = \"10:00\", {p} }}, {{ from = \"08:00\", until = \"11:00\", {p} }}"),
            "channel[0].patience_by[1]",
            "covers the same customers as channel[0].patience_by[0] (at 10:00",
        ),
        (
            format!("{{ {p}, colour = 1 }}"),
            "channel[0].patience_by",
            "unknown field `colour`",
        ),
        (
            format!("{{ {p} }}"),
            "channel[0].patience_by[0]",
            "names neither a category nor hours",
        ),
        (
            format!("{{ category = \"spare\", {p} }}"),
            "channel[0].patience_by[0].category",
            "no contact of voice/spare arrives and no group handles it",
        ),
    ] {
        let err = ccsim::scenario::parse(&base(&by), "bad.toml", "bad").expect_err(&by);
        let text = err.to_string();
        assert!(text.contains(key) && text.contains(says), "{by}: {text}");
        assert!(text.starts_with("bad.toml:"), "{text}");
    }
}
