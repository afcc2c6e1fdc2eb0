//! Piecewise-constant Poisson arrivals: counts per interval have the right mean and
//! Poisson dispersion; a zero-rate interval gets no arrivals; daily_volume spreads by its
//! profile.

use crate::support::{model, run};
use ccsim::experiment::{Estimate, t_quantile_975};

const PIECEWISE: &str = r#"
[simulation]
horizon = "4h"
interval = "1h"

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rates_per_hour = [100, 0, 400, 25.5]

[[group]]
name = "agents"
agents = 50
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "1m" }
"#;

#[test]
fn counts_per_interval_follow_the_rates() {
    let m = model(PIECEWISE);
    let reps = 400;
    let result = run(&m, reps, 17, 2);
    for (k, rate) in [100.0, 0.0, 400.0, 25.5].into_iter().enumerate() {
        let counts: Vec<f64> = result
            .outcomes
            .iter()
            .map(|o| o.intervals[k].offered)
            .collect();
        let est = Estimate::from_samples(counts.iter().copied());
        if rate == 0.0 {
            assert!(
                counts.iter().all(|c| *c == 0.0),
                "arrivals in a zero-rate interval"
            );
            continue;
        }
        let se = est.ci95 / t_quantile_975(est.n - 1);
        assert!(
            (est.mean - rate).abs() < 4.0 * se,
            "interval {k}: mean count {est:?}, expected {rate}"
        );
        // Poisson: variance equals the mean. (n-1)s²/λ is chi-square with n-1 degrees of
        // freedom, about N(n-1, 2(n-1)); allow four standard deviations.
        let var = counts.iter().map(|c| (c - est.mean).powi(2)).sum::<f64>() / (reps - 1) as f64;
        let z =
            ((reps - 1) as f64 * var / rate - (reps - 1) as f64) / (2.0 * (reps - 1) as f64).sqrt();
        assert!(
            z.abs() < 4.0,
            "interval {k}: variance {var} vs mean {rate} (z = {z:.2})"
        );
    }
}

#[test]
fn daily_volume_follows_its_profile() {
    let mut weights = vec![1.0; 24];
    weights[10] = 5.0;
    let text = PIECEWISE
        .replace("horizon = \"4h\"", "horizon = \"2d\"")
        .replace(
            "rates_per_hour = [100, 0, 400, 25.5]",
            &format!("daily_volume = 2400\nprofile = {weights:?}"),
        );
    let m = model(&text);
    // 2,400 a day over weights summing to 28: 85.7 an hour, 428.6 at 10:00, both days.
    let hourly = |k: usize| m.streams[0].rate_per_s[k] * 3600.0;
    assert!((hourly(0) - 2400.0 / 28.0).abs() < 1e-9);
    assert!((hourly(10) - 5.0 * 2400.0 / 28.0).abs() < 1e-9);
    assert!((hourly(34) - 5.0 * 2400.0 / 28.0).abs() < 1e-9);
    assert!((m.expected_arrivals() - 4800.0).abs() < 1e-6);
}
