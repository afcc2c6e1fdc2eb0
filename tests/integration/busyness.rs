//! A busyness factor shared by every channel (`[simulation] busyness`, as in the
//! ContactCenters and SSJ examples): the channels' daily counts covary by exactly what one
//! shared gamma factor gives, and not at all with each channel's own factor.

use crate::support::{model, run};

/// Two channels of 1,000 contacts a day each, staffed amply, and `busyness` placed by
/// `shared` (under `[simulation]`) or `own` (on each channel).
fn two_channels(shared: &str, own: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "24h"
warmup = "0s"
interval = "1h"
seed = 9
{shared}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
{own}

[[channel]]
name = "chat"
service_level = {{ answer_within = "1m", target = 0.8 }}
{own}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
daily_volume = 1000

[[arrivals]]
channel = "chat"
category = "general"
daily_volume = 1000

[[group]]
name = "agents"
agents = 40
handles = ["voice/*", "chat/*"]
handle_time = {{ dist = "exponential", mean = "30s" }}
"#
    )
}

/// Sample covariance of two series.
fn covariance(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (n - 1.0)
}

#[test]
fn a_shared_busyness_makes_the_channels_busy_on_the_same_days() {
    let days = 400;
    let shared = model(&two_channels("busyness = { day_cv = 0.2 }", ""));
    let own = model(&two_channels("", "busyness = { day_cv = 0.2 }"));
    for (m, expected) in [(&shared, 0.04 * 1000.0 * 1000.0), (&own, 0.0)] {
        let r = run(m, days, 3, 2);
        let counts = |c: usize| -> Vec<f64> {
            r.outcomes
                .iter()
                .map(|o| o.by_channel[c].arrivals)
                .collect()
        };
        let (voice, chat) = (counts(0), counts(1));
        // Each channel: Poisson given the day's factor G (mean 1, cv 0.2), so
        // Var N = Λ + cv²Λ² = 41,000; with a shared G, Cov(N₁, N₂) = cv²Λ₁Λ₂ = 40,000.
        let var = 1000.0 + 0.04 * 1e6;
        let se_cov = ((var * var + expected * expected) / f64::from(days)).sqrt();
        let cov = covariance(&voice, &chat);
        assert!(
            (cov - expected).abs() <= 4.0 * se_cov,
            "covariance {cov:.0} against {expected:.0} (4 SE = {:.0})",
            4.0 * se_cov
        );
        // The whole centre's daily count: Var = 2Λ + cv²(2Λ)² shared, 2(Λ + cv²Λ²) not.
        let total: Vec<f64> = voice.iter().zip(&chat).map(|(a, b)| a + b).collect();
        let var_total = covariance(&total, &total);
        let expected_total = 2.0 * var + 2.0 * expected;
        // The gamma-Poisson's excess kurtosis is about 6 cv² = 0.24: SE of a variance
        // ≈ σ²√((2 + 0.24) / n).
        let se_var = expected_total * (2.24 / f64::from(days)).sqrt();
        assert!(
            (var_total - expected_total).abs() <= 4.0 * se_var,
            "variance of the daily total {var_total:.0} against {expected_total:.0}"
        );
    }
    // The shared factor is part of the model's identity.
    assert_ne!(
        ccsim::shard::scenario_hash(&[&shared]),
        ccsim::shard::scenario_hash(&[&model(&two_channels("", ""))])
    );
}

#[test]
fn a_bad_shared_busyness_is_a_located_error() {
    let text = two_channels("busyness = { day_cv = 3 }", "");
    let err = ccsim::scenario::parse(&text, "test.toml", "test")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("simulation.busyness.day_cv") && err.contains("from 0 (none) to 2"),
        "{err}"
    );
    let text = two_channels("busyness = { day = 0.1 }", "");
    let err = ccsim::scenario::parse(&text, "test.toml", "test")
        .unwrap_err()
        .to_string();
    assert!(err.contains("day"), "{err}");
}
