//! Chat concurrency: with no slowdown an agent holding k conversations is k servers, so n
//! agents are an M/M/(n·k) queue; with a slowdown, saturated agents complete
//! k / (1 + s(k − 1)) conversations per mean handle time.

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_c};

fn chat(per_hour: f64, agents: u32, k: u32, slowdown: f64, horizon: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "{horizon}"
warmup = "100m"
interval = "100m"

[[channel]]
name = "chat"
service_level = {{ answer_within = "60s" }}

[[category]]
name = "general"

[[arrivals]]
channel = "chat"
category = "general"
rate_per_hour = {per_hour}

[[group]]
name = "agents"
agents = {agents}
concurrency = {k}
concurrency_slowdown = {slowdown}
handles = ["chat/general"]
handle_time = {{ dist = "exponential", mean = "6m" }}
"#
    )
}

#[test]
fn concurrency_without_slowdown_is_m_m_nk() {
    // 270/h of 6-minute chats: 27 erlangs on 10 agents × 3 conversations.
    let m = model(&chat(270.0, 10, 3, 0.0, "2000m"));
    let result = run(&m, 10, 71, 2);
    let exact = erlang_c(&QueueSpec {
        arrival_rate: 270.0 / 3600.0,
        aht: 360.0,
        agents: 30,
        patience: None,
        answer_within: 60.0,
    })
    .unwrap();
    let sl = result.estimate(|o| o.totals.service_level);
    let asa = result.estimate(|o| o.totals.asa_s);
    let occupancy = result.estimate(|o| o.total_occupancy);
    assert!(
        within_four_se(&sl, exact.service_level),
        "{sl:?} vs {}",
        exact.service_level
    );
    assert!(
        within_four_se(&asa, exact.asa_s),
        "{asa:?} vs {}",
        exact.asa_s
    );
    assert!(
        within_four_se(&occupancy, exact.occupancy),
        "{occupancy:?} vs {}",
        exact.occupancy
    );
}

#[test]
fn saturated_agents_slow_down_as_configured() {
    // Far more chats than 4 agents can take: each holds 3 at 1 / (1 + 0.25 × 2) speed, so
    // the group finishes 4 × 3 / 1.5 = 8 chats per 6 minutes, 80 an hour.
    // Customers give up after two minutes, so answers keep pace with the agents' capacity.
    let text = chat(400.0, 4, 3, 0.25, "1100m").replace(
        "service_level = { answer_within = \"60s\" }",
        "service_level = { answer_within = \"60s\" }\npatience = { dist = \"deterministic\", value = \"2m\" }",
    );
    let m = model(&text);
    let result = run(&m, 10, 72, 2);
    // Answered over the 1000 counted minutes ≈ completions, give or take the edges.
    let per_hour = result.estimate(|o| o.totals.answered / (1000.0 / 60.0));
    assert!(
        (per_hour.mean - 80.0).abs() < 4.0 * per_hour.ci95.max(0.5) + 1.0,
        "{per_hour:?}"
    );
    let occupancy = result.estimate(|o| o.total_occupancy);
    assert!(occupancy.mean > 0.999, "{occupancy:?}");
}
