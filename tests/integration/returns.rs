//! Redials and repeat contacts: customers who abandon try again with the channel's redial
//! probability, up to `max_attempts`; customers left unresolved come back, on another
//! channel if the rule says so. Counts follow the geometric chain of attempts, and every
//! attempt ends exactly once.

use crate::support::{model, run, within_four_se};

#[test]
fn abandoned_customers_redial_in_a_geometric_chain() {
    // Nobody is on duty: every attempt abandons after 30 s; half of the customers try
    // again within a minute, at most three attempts: 0.5 + 0.25 returns per customer.
    let staffing = ["0"; 10].join(", ");
    let text = format!(
        r#"
[simulation]
horizon = "100h"
interval = "10h"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience = {{ dist = "deterministic", value = "30s" }}
redial = {{ probability = 0.5, delay = {{ dist = "exponential", mean = "1m" }}, max_attempts = 3 }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 100

[[group]]
name = "agents"
staffing = [{staffing}]
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "3m" }}
"#
    );
    let m = model(&text);
    let result = run(&m, 10, 51, 2);
    let returns = result.estimate(|o| {
        (o.totals.arrivals - o.totals.unique_customers + o.totals.returns_after_horizon)
            / o.totals.unique_customers
    });
    assert!(within_four_se(&returns, 0.75), "{returns:?}");
    for o in &result.outcomes {
        let t = &o.totals;
        assert_eq!(t.abandoned, t.arrivals, "every attempt abandons once");
        assert!((t.redial_rate - (t.arrivals - t.unique_customers) / t.arrivals).abs() < 1e-12);
        assert_eq!(t.repeat_rate, 0.0);
    }
}

#[test]
fn unresolved_customers_come_back_on_the_repeat_channel() {
    let text = r#"
[simulation]
horizon = "100h"
interval = "10h"

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
repeat = { probability = 1.0, delay = { dist = "lognormal", mean = "2h", cv = 1.0 }, max_attempts = 2, channel = "chat" }

[[channel]]
name = "chat"
service_level = { answer_within = "60s" }

[[category]]
name = "refunds"

[[arrivals]]
channel = "voice"
category = "refunds"
rate_per_hour = 120

[[group]]
name = "voice_agents"
agents = 20
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "4m" }
resolve = 0.6

[[group]]
name = "chat_agents"
agents = 20
handles = ["chat/*"]
handle_time = { dist = "exponential", mean = "4m" }
resolve = 0.6
"#;
    let m = model(text);
    let result = run(&m, 10, 52, 2);
    // 40 % of the voice contacts come back once, on chat.
    let share = result.estimate(|o| {
        (o.by_channel[1].arrivals + o.by_channel[0].returns_after_horizon)
            / o.by_channel[0].arrivals
    });
    assert!(within_four_se(&share, 0.4), "{share:?}");
    for o in &result.outcomes {
        let (voice, chat) = (&o.by_channel[0], &o.by_channel[1]);
        assert_eq!(voice.repeat_rate, 0.0);
        assert_eq!(chat.repeat_rate, 1.0, "everything on chat is a repeat");
        assert_eq!(
            chat.returns_after_horizon, 0.0,
            "max_attempts = 2: no third attempt"
        );
        for ch in [voice, chat] {
            assert_eq!(
                ch.offered,
                ch.abandoned
                    + ch.resolved
                    + ch.unresolved
                    + ch.abandoned_in_transfer
                    + ch.unfinished
            );
        }
    }
}

/// A repeat contact draws afresh: with resolve 0.5 every attempt, first or repeat,
/// resolves half the time (replaying the first attempt's draws made every repeat fail).
#[test]
fn a_repeat_contact_resolves_independently_of_its_first_attempt() {
    let text = r#"
[simulation]
horizon = "100h"
interval = "10h"

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
repeat = { probability = 1.0, delay = { dist = "exponential", mean = "30m" }, max_attempts = 4 }

[[category]]
name = "refunds"

[[arrivals]]
channel = "voice"
category = "refunds"
rate_per_hour = 60

[[group]]
name = "agents"
agents = 30
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "4m" }
resolve = 0.5
"#;
    let m = model(text);
    let result = run(&m, 10, 53, 2);
    let rate = result.estimate(|o| o.totals.resolution_rate);
    assert!(within_four_se(&rate, 0.5), "{rate:?}");
    // Repeats are 1/2 + 1/4 + 1/8 of the first contacts: 7/15 of all attempts.
    let repeats = result.estimate(|o| o.totals.repeat_rate);
    assert!((repeats.mean - 7.0 / 15.0).abs() < 0.02, "{repeats:?}");
}
