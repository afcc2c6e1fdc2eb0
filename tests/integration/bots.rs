//! The bot stage against known answers: containment p thins Poisson arrivals, so the human
//! queue is Erlang A at λ(1 − p − d); a bot whose overflow goes to humans is an Erlang B
//! loss system; an outage sends everyone to humans; a misrouted contact costs one transfer.

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_a, erlang_b};

fn chat_with_bot(per_hour: f64, agents: u32, bot: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "2000m"
warmup = "200m"
interval = "200m"

[[channel]]
name = "chat"
service_level = {{ answer_within = "60s" }}
patience = {{ dist = "exponential", mean = "3m" }}

[[category]]
name = "logistics"

[[category]]
name = "payment"

[[arrivals]]
channel = "chat"
category = "logistics"
rate_per_hour = {per_hour}

[[group]]
name = "agents"
agents = {agents}
handles = ["chat/*"]
handle_time = {{ dist = "exponential", mean = "4m" }}

[[bot]]
channel = "chat"
{bot}
"#
    )
}

#[test]
fn the_humans_behind_a_bot_see_erlang_a_at_the_thinned_rate() {
    // 1,200/h; the bot contains 50 % and loses 10 %: 480/h reach 35 agents of 4 minutes.
    let bot = r#"handle_time = { dist = "lognormal", mean = "2m", cv = 1.0 }
containment = 0.5
dropout = 0.1"#;
    let m = model(&chat_with_bot(1200.0, 35, bot));
    let result = run(&m, 10, 41, 2);
    let exact = erlang_a(&QueueSpec {
        arrival_rate: 480.0 / 3600.0,
        aht: 240.0,
        agents: 35,
        patience: Some(180.0),
        answer_within: 60.0,
    })
    .unwrap();
    let sl = result.estimate(|o| o.totals.service_level);
    let abandon = result.estimate(|o| o.totals.abandon_rate);
    let containment = result.estimate(|o| o.totals.bot_containment);
    let dropout = result.estimate(|o| o.totals.bot_dropout);
    assert!(
        within_four_se(&sl, exact.service_level),
        "{sl:?} vs {}",
        exact.service_level
    );
    assert!(
        within_four_se(&abandon, exact.abandon_rate),
        "{abandon:?} vs {}",
        exact.abandon_rate
    );
    assert!(within_four_se(&containment, 0.5), "{containment:?}");
    assert!(within_four_se(&dropout, 0.1), "{dropout:?}");
    for o in &result.outcomes {
        let t = &o.totals;
        assert_eq!(
            t.arrivals, t.bot_sessions,
            "unlimited capacity: everyone meets the bot"
        );
        let contained = (t.bot_containment * t.bot_sessions).round();
        let dropped = (t.bot_dropout * t.bot_sessions).round();
        assert_eq!(t.arrivals, contained + dropped + t.offered);
        // The first response is the bot's, at once.
        assert_eq!(t.first_response_s, 0.0);
    }
}

#[test]
fn a_full_bot_that_sends_overflow_to_humans_is_an_erlang_b_loss_system() {
    // 600/h, sessions of 2 minutes: 20 erlangs on 22 session slots.
    let bot = r#"handle_time = { dist = "uniform", min = "1m", max = "3m" }
capacity = 22
when_full = "humans"
containment = 1.0"#;
    let m = model(&chat_with_bot(600.0, 10, bot));
    let result = run(&m, 10, 42, 2);
    let blocked = result.estimate(|o| 1.0 - o.totals.bot_sessions / o.totals.arrivals);
    let exact = erlang_b(22, 20.0);
    assert!(within_four_se(&blocked, exact), "{blocked:?} vs {exact}");
}

#[test]
fn during_an_outage_everyone_goes_to_humans() {
    let bot = r#"handle_time = { dist = "exponential", mean = "2m" }
containment = 0.8
outages = [{ from = "600m", to = "800m" }]"#;
    let m = model(&chat_with_bot(300.0, 30, bot));
    let result = run(&m, 4, 43, 2);
    for o in &result.outcomes {
        // Reported intervals start at the warm-up (200m); the outage is the third one.
        let down = &o.intervals[2];
        assert_eq!(down.bot_sessions, 0.0);
        assert_eq!(down.offered, down.arrivals);
        let up = &o.intervals[3];
        assert_eq!(up.bot_sessions, up.arrivals);
        assert!(up.offered < 0.4 * up.arrivals);
    }
}

#[test]
fn a_misrouted_contact_costs_one_transfer() {
    let bot = r#"handle_time = { dist = "exponential", mean = "30s" }
misroute = 1.0"#;
    let m = model(
        &chat_with_bot(300.0, 40, bot)
            .replace("patience = { dist = \"exponential\", mean = \"3m\" }", ""),
    );
    let result = run(&m, 4, 44, 2);
    for o in &result.outcomes {
        let t = &o.totals;
        assert_eq!(t.bot_misroute_rate, 1.0);
        assert_eq!(t.transfers_per_answered, 1.0);
        assert_eq!(t.resolved, t.answered);
        assert_eq!(t.first_contact_resolution, 0.0);
        // Everything stays in its own category's tallies.
        assert_eq!(o.by_category[1].arrivals, 0.0);
    }
}
