//! Risk across days: the chance an interval meets its service-level target and the
//! percentiles across replications, against a case whose distribution is known exactly,
//! and the same numbers folded or not, on one thread or two.

use crate::support::{model, run};
use ccsim::experiment::{RunOptions, run_folded};
use ccsim::summary::RunSummary;

/// One hour, one interval, Poisson arrivals at `per_hour`, one agent who serves the first
/// arrival at once and is then busy all day (a 10-hour handle time): every later arrival
/// waits past the 20 s threshold, so a day with N ≥ 1 arrivals has service level 1/N.
fn one_answered(per_hour: f64, target: f64) -> String {
    format!(
        r#"
[simulation]
horizon = "1h"
warmup = "0s"
interval = "1h"
replications = 10
seed = 5

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = {target} }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {per_hour}

[[group]]
name = "agents"
agents = 1
handles = ["voice/general"]
handle_time = {{ dist = "deterministic", value = "10h" }}
"#
    )
}

fn poisson(lambda: f64, k: u32) -> f64 {
    (0..k).fold((-lambda).exp(), |p, i| p * lambda / (i + 1) as f64)
}

#[test]
fn the_chance_of_meeting_the_target_matches_the_exact_distribution_of_a_day() {
    // λ = 2 a day: service level 1/N given N ≥ 1; a target of 0.5 is met when N ≤ 2.
    let m = model(&one_answered(2.0, 0.5));
    let days = 400;
    let result = run(&m, days, 7, 2);
    let s = RunSummary::new(&m, &result, 7);
    let judged = 1.0 - poisson(2.0, 0);
    let exact = (poisson(2.0, 1) + poisson(2.0, 2)) / judged;
    for risk in [&s.intervals[0].risk, &s.risk_by_channel[0].1] {
        let met = &risk.service_level_met;
        // Days judged: those with at least one arrival, Binomial(400, 1 - e^-2).
        let expected_days = days as f64 * judged;
        let sd_days = (days as f64 * judged * (1.0 - judged)).sqrt();
        assert!(
            (met.days as f64 - expected_days).abs() <= 4.0 * sd_days,
            "{met:?} against {expected_days:.1} days judged"
        );
        let se = (exact * (1.0 - exact) / met.days as f64).sqrt();
        assert!(
            (met.probability - exact).abs() <= 4.0 * se,
            "P(met) {met:?} against the exact {exact:.4} (4 SE = {:.4})",
            4.0 * se
        );
        assert!(met.low <= met.probability && met.probability <= met.high);
        // P(SL ≤ 1/4) = P(N ≥ 4 | N ≥ 1) = 0.165 and P(SL ≤ 1/5) = 0.061: the 10th
        // percentile is 1/4; P(SL ≤ 1/3) = 0.374, P(SL ≤ 1/2) = 0.687: the median is 1/2;
        // P(SL = 1) = 0.313: the 90th percentile is 1.
        let sl = risk.service_level;
        assert!((sl.p10 - 0.25).abs() < 1e-9, "{sl:?}");
        assert!((sl.p50 - 0.5).abs() < 1e-9, "{sl:?}");
        assert!((sl.p90 - 1.0).abs() < 1e-9, "{sl:?}");
        // Nobody gives up (no patience): the abandon rate is 0 on every day.
        assert_eq!(risk.abandon_rate.p90, 0.0);
        assert_eq!(risk.service_level_target, 0.5);
    }
}

#[test]
fn a_target_met_on_every_day_and_on_none() {
    let always = model(&crate::support::single_queue(
        60.0,
        60.0,
        30,
        Some(120.0),
        600,
    ));
    let s = RunSummary::new(&always, &run(&always, 20, 3, 2), 3);
    let met = &s.risk_by_channel[0].1.service_level_met;
    assert_eq!((met.met, met.days, met.probability), (20, 20, 1.0));
    // 20 of 20: the Wilson interval's lower end is 0.839, not 1 (the normal
    // approximation's empty interval).
    assert!(
        (met.low - 0.8389).abs() < 1e-4 && met.high == 1.0,
        "{met:?}"
    );
    let never = model(&crate::support::single_queue(
        600.0,
        600.0,
        1,
        Some(120.0),
        600,
    ));
    let s = RunSummary::new(&never, &run(&never, 20, 3, 2), 3);
    for cell in &s.intervals {
        let met = &cell.risk.service_level_met;
        assert_eq!((met.met, met.probability), (0, 0.0), "{met:?}");
        assert!(cell.risk.service_level.p90 < 0.8 && cell.risk.abandon_rate.p10 > 0.5);
    }
}

#[test]
fn the_risk_of_each_interval_is_the_same_folded_or_kept_and_on_any_thread_count() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/weekday.toml");
    let m = ccsim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let kept_1 = RunSummary::new(&m, &run(&m, 6, 9, 1), 9);
    let kept_2 = RunSummary::new(&m, &run(&m, 6, 9, 2), 9);
    let options = RunOptions {
        replications: 6,
        seed: 9,
        threads: Some(2),
    };
    let folded = run_folded(&m, &options, 0, &|_| {}, Default::default()).unwrap();
    let folded = RunSummary::new(&m, &folded, 9);
    for other in [&kept_2, &folded] {
        assert_eq!(kept_1.risk_by_channel.len(), other.risk_by_channel.len());
        for (a, b) in kept_1.risk_by_channel.iter().zip(&other.risk_by_channel) {
            assert_eq!(a, b);
        }
        for (a, b) in kept_1.intervals.iter().zip(&other.intervals) {
            assert_eq!(a.risk, b.risk, "{} at {}", a.channel, a.start_s);
        }
    }
    // Each channel's risk over the day counts the days its own service level met its
    // own target.
    let result = run(&m, 6, 9, 1);
    for (c, ch) in m.channels.iter().enumerate() {
        let met = (result.outcomes.iter())
            .filter(|o| o.by_channel[c].service_level >= ch.service_level_target)
            .count() as u32;
        assert_eq!(kept_1.risk_by_channel[c].0, ch.name);
        assert_eq!(kept_1.risk_by_channel[c].1.service_level_met.met, met);
    }
}
