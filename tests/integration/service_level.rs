//! Service-level definitions per channel and the ASA over all contacts, against known
//! answers: with nobody on duty every customer abandons at its patience, so the short
//! abandons are P(patience < τ) and the wait of all contacts is the mean patience; in an
//! M/M/n+M queue the mean wait of all contacts is the abandon rate × the mean patience
//! (Little's law on the abandoning customers); and on the same customers the four
//! definitions are four ratios of the same counts.

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_a};

fn queue(agents: u32, service_level: &str) -> String {
    let staffing = if agents == 0 {
        "staffing = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]".to_string()
    } else {
        format!("agents = {agents}")
    };
    format!(
        r#"
[simulation]
horizon = "2000m"
warmup = "200m"
interval = "200m"
seed = 3

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8{service_level} }}
patience = {{ dist = "exponential", mean = "3m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 600

[[group]]
name = "agents"
{staffing}
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "4m" }}
"#
    )
}

#[test]
fn with_nobody_on_duty_every_wait_is_a_patience() {
    let short = ", definition = \"short_abandons_met\", short_abandon = \"10s\"";
    let m = model(&queue(0, short));
    let r = run(&m, 20, 7, 2);
    let exact_short = 1.0 - (-10.0_f64 / 180.0).exp();
    let met = r.estimate(|o| o.totals.service_level);
    assert!(
        within_four_se(&met, exact_short),
        "{met:?} vs {exact_short}"
    );
    let share = r.estimate(|o| o.totals.abandoned_short / o.totals.offered);
    assert!(within_four_se(&share, exact_short), "{share:?}");
    let all = r.estimate(|o| o.totals.asa_all_s);
    assert!(within_four_se(&all, 180.0), "{all:?}");
    assert!(r.outcomes.iter().all(|o| o.totals.asa_s.is_nan()));
    // Excluding the short abandons, nobody is answered: 0 of the long abandons.
    let m = model(&queue(
        0,
        &short.replace("short_abandons_met", "excluding_short_abandons"),
    ));
    let r = run(&m, 5, 7, 2);
    assert!(r.outcomes.iter().all(|o| o.totals.service_level == 0.0));
}

#[test]
fn the_wait_of_all_contacts_is_the_abandon_rate_times_the_patience() {
    let m = model(&queue(38, ""));
    let r = run(&m, 20, 8, 2);
    let exact = erlang_a(&QueueSpec {
        arrival_rate: 600.0 / 3600.0,
        aht: 240.0,
        agents: 38,
        patience: Some(180.0),
        answer_within: 20.0,
    })
    .expect("valid");
    let all = r.estimate(|o| o.totals.asa_all_s);
    assert!(
        within_four_se(&all, exact.abandon_rate * 180.0),
        "{all:?} vs {exact:?}"
    );
    // Answered contacts wait longer on average than all of them (the abandoned ones
    // leave at their patience, most of them early).
    let asa = r.estimate(|o| o.totals.asa_s);
    assert!(within_four_se(&asa, exact.asa_s), "{asa:?}");
}

#[test]
fn the_definitions_are_ratios_of_the_same_counts() {
    // Definitions change what is counted, never what happens: on the same seed every
    // replication has the same customers, and each definition is its ratio of them.
    let with = |def: &str| {
        let m = model(&queue(
            36,
            &format!(", definition = \"{def}\", short_abandon = \"5s\""),
        ));
        run(&m, 8, 9, 2)
    };
    let plain = run(&model(&queue(36, "")), 8, 9, 2);
    let runs = [
        "offered",
        "answered",
        "excluding_short_abandons",
        "short_abandons_met",
    ]
    .map(with);
    for (k, p) in plain.outcomes.iter().enumerate() {
        let t = &p.totals;
        let within = t.service_level * t.offered;
        let short = runs[0].outcomes[k].totals.abandoned_short;
        let expect = [
            t.service_level,
            within / t.answered,
            within / (t.answered + t.abandoned - short),
            (within + short) / t.offered,
        ];
        for (d, (r, e)) in runs.iter().zip(expect).enumerate() {
            let got = &r.outcomes[k].totals;
            let sl = got.service_level;
            assert!(
                (sl - e).abs() < 1e-9,
                "replication {k}, definition {d}: {sl} vs {e}"
            );
            assert_eq!(got.offered, t.offered);
            assert_eq!(got.abandoned, t.abandoned);
        }
        // Without a threshold nothing is short.
        assert_eq!(t.abandoned_short, 0.0);
        assert!(runs[0].outcomes[k].totals.abandoned_short > 0.0);
    }
}

#[test]
fn bad_definitions_are_refused_at_their_place() {
    for (sl, key, says) in [
        (
            ", definition = \"handled\"",
            "channel[0].service_level.definition",
            "\"handled\" is not a service-level definition; use \"offered\", \"answered\"",
        ),
        (
            ", definition = \"excluding_short_abandons\"",
            "channel[0].service_level.short_abandon",
            "needs short_abandon",
        ),
        (
            ", short_abandon = \"0s\"",
            "channel[0].service_level.short_abandon",
            "above 0s",
        ),
    ] {
        let err = ccsim::scenario::parse(&queue(10, sl), "bad.toml", "bad").expect_err(sl);
        let msg = err.to_string();
        assert!(msg.contains(key) && msg.contains(says), "{sl}: {msg}");
    }
}
