//! Forecast-style arrivals: category mixes, day-of-week factors, surge windows with ramps
//! and a category mix of their own, and overdispersion (gamma busyness per day and per
//! interval) whose daily-count variance must be mean + cv²·mean².

use crate::support::{model, run, within_four_se};
use ccsim::experiment::Estimate;

/// A one-channel scenario around `arrivals` (TOML of `[[arrivals]]` and `[[surge]]`).
fn scenario(simulation: &str, channel_extra: &str, arrivals: &str) -> String {
    format!(
        r#"
[simulation]
{simulation}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
{channel_extra}

[[category]]
name = "payment"

[[category]]
name = "account"

{arrivals}

[[group]]
name = "agents"
agents = 400
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "1m" }}
"#
    )
}

/// Expected contacts of each stream over the horizon, from the compiled rates.
fn expected(m: &ccsim::model::Model) -> Vec<f64> {
    m.streams
        .iter()
        .map(|s| s.rate_per_s.iter().sum::<f64>() * m.interval)
        .collect()
}

#[test]
fn a_mix_splits_a_daily_volume_and_day_of_week_factors_scale_each_day() {
    // 2026-11-11 is a Wednesday: the days run We Th Fr Sa Su Mo Tu.
    let m = model(&scenario(
        "horizon = \"7d\"\ninterval = \"1h\"\nstart = \"2026-11-11\"",
        "",
        r#"[[arrivals]]
channel = "voice"
mix = { payment = 0.75, account = 0.25 }
daily_volume = 1000
day_of_week = [1.0, 1.1, 1.2, 1.3, 1.4, 0.5, 0.6]"#,
    ));
    assert_eq!(m.streams.len(), 2);
    let per_day = |s: usize, d: usize| -> f64 {
        m.streams[s].rate_per_s[d * 24..(d + 1) * 24]
            .iter()
            .sum::<f64>()
            * 3600.0
    };
    let factors = [1.2, 1.3, 1.4, 0.5, 0.6, 1.0, 1.1];
    for (d, f) in factors.iter().enumerate() {
        assert!((per_day(0, d) - 750.0 * f).abs() < 1e-6, "payment day {d}");
        assert!((per_day(1, d) - 250.0 * f).abs() < 1e-6, "account day {d}");
    }
    // And the simulation delivers them: a week of arrivals within four standard errors.
    let total: f64 = expected(&m).iter().sum();
    let result = run(&m, 20, 3, 2);
    let est = result.estimate(|o| o.totals.arrivals);
    assert!(within_four_se(&est, total), "{est:?} vs {total}");
}

#[test]
fn a_surge_with_ramps_and_its_own_mix_adds_exactly_its_area() {
    let m = model(&scenario(
        "horizon = \"24h\"\ninterval = \"30m\"",
        "",
        r#"[[arrivals]]
channel = "voice"
category = "payment"
rate_per_hour = 100

[[arrivals]]
channel = "voice"
category = "account"
rate_per_hour = 100

[[surge]]
name = "midnight sale"
channel = "voice"
from = "0h"
to = "2h"
multiplier = 6
multiplier_by = { account = 2 }
ramp_up = "30m"
ramp_down = "30m""#,
    ));
    // The window's strength integrates to 2h − (30m + 30m)/2 = 1.5 h at full strength.
    let exp = expected(&m);
    assert!(
        (exp[0] - (2400.0 + 100.0 * 5.0 * 1.5)).abs() < 1e-6,
        "{exp:?}"
    );
    assert!(
        (exp[1] - (2400.0 + 100.0 * 1.0 * 1.5)).abs() < 1e-6,
        "{exp:?}"
    );
    // The first interval is the ramp up: mean strength 1/2, factor 1 + 5/2.
    let first = m.streams[0].rate_per_s[0] * 3600.0;
    assert!((first - 350.0).abs() < 1e-9, "{first}");
    let full = m.streams[0].rate_per_s[1] * 3600.0;
    assert!((full - 600.0).abs() < 1e-9, "{full}");
    assert!((m.streams[0].rate_per_s[4] * 3600.0 - 100.0).abs() < 1e-9);

    let result = run(&m, 40, 5, 2);
    let payment = result.estimate(|o| o.by_category[0].arrivals);
    let account = result.estimate(|o| o.by_category[1].arrivals);
    assert!(
        within_four_se(&payment, exp[0]),
        "{payment:?} vs {}",
        exp[0]
    );
    assert!(
        within_four_se(&account, exp[1]),
        "{account:?} vs {}",
        exp[1]
    );
}

/// Daily arrival counts over all days and replications, and their sample variance with a
/// standard error from the fourth central moment.
fn daily_counts(m: &ccsim::model::Model, reps: u32, seed: u64) -> (Estimate, f64, f64) {
    let result = run(m, reps, seed, 2);
    let per_day = (86_400.0 / m.interval) as usize;
    let counts: Vec<f64> = result
        .outcomes
        .iter()
        .flat_map(|o| {
            o.intervals
                .chunks(per_day)
                .map(|day| day.iter().map(|q| q.arrivals).sum::<f64>())
                .collect::<Vec<_>>()
        })
        .collect();
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let m4 = counts.iter().map(|c| (c - mean).powi(4)).sum::<f64>() / n;
    let se = ((m4 - var * var) / n).sqrt();
    let mean_est = Estimate::from_samples(counts.iter().copied());
    (mean_est, var, se)
}

#[test]
fn a_busy_day_factor_gives_daily_variance_mean_plus_cv2_mean2() {
    let cv = 0.2;
    let m = model(&scenario(
        "horizon = \"30d\"\ninterval = \"1d\"",
        &format!("busyness = {{ day_cv = {cv} }}"),
        r#"[[arrivals]]
channel = "voice"
category = "payment"
rate_per_hour = 100"#,
    ));
    let (mean, var, se) = daily_counts(&m, 40, 11);
    assert!(within_four_se(&mean, 2400.0), "{mean:?}");
    let want = 2400.0 + cv * cv * 2400.0 * 2400.0;
    assert!(
        (var - want).abs() < 4.0 * se,
        "variance {var:.0} ± {se:.0} against {want:.0}"
    );
    // Plain Poisson is far from it: the check can tell the two apart.
    assert!((var - 2400.0).abs() > 8.0 * se);
}

#[test]
fn busy_intervals_add_cv2_times_the_sum_of_squared_interval_means() {
    let cv = 0.3;
    let m = model(&scenario(
        "horizon = \"20d\"\ninterval = \"1h\"",
        &format!("busyness = {{ interval_cv = {cv} }}"),
        r#"[[arrivals]]
channel = "voice"
category = "payment"
rate_per_hour = 100"#,
    ));
    let (mean, var, se) = daily_counts(&m, 30, 12);
    assert!(within_four_se(&mean, 2400.0), "{mean:?}");
    // Independent factors per hour: Var = Σ (λ_k + cv² λ_k²) = 2400 + cv² · 24 · 100².
    let want = 2400.0 + cv * cv * 24.0 * 100.0 * 100.0;
    assert!(
        (var - want).abs() < 4.0 * se,
        "variance {var:.0} ± {se:.0} against {want:.0}"
    );
}
