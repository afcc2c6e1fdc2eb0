//! `ccsim fit`: a log that ccsim generated from a known scenario is fitted back, and the fit
//! recovers the rates, the handle-time parameters and the patience within their confidence
//! intervals (four standard errors); the fitted scenario loads and runs.

use ccsim::engine::Workspace;
use ccsim::experiment;
use ccsim::scenario;

/// A week of voice with a known intraday shape, lognormal handle times and exponential
/// patience (mean 3 minutes), staffed tightly enough that a few percent abandon.
const KNOWN: &str = r#"
[simulation]
horizon = "7d"
interval = "1h"
start = "2026-11-09"
seed = 4

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
patience = { dist = "exponential", mean = "3m" }

[[category]]
name = "orders"

[[category]]
name = "refunds"

[[arrivals]]
channel = "voice"
category = "orders"
daily_volume = 1200
profile = [1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 8, 8, 7, 7, 7, 7, 6, 6, 5, 4, 3, 2, 1, 1]

[[arrivals]]
channel = "voice"
category = "refunds"
daily_volume = 600

[[group]]
name = "agents"
agents = 9
handles = ["voice/*"]
handle_time = { dist = "lognormal", mean = "4m", cv = 0.7 }
[group.handle_time_by]
"voice/refunds" = { dist = "lognormal", mean = "6m", cv = 0.5 }
"#;

fn log_of(text: &str, name: &str) -> std::path::PathBuf {
    let model = scenario::parse(text, "known.toml", "known").unwrap();
    let mut records = Vec::new();
    experiment::replicate(
        &model,
        model.seed,
        0,
        &mut Workspace::new(),
        Some(&mut records),
    )
    .unwrap();
    let path = std::env::temp_dir().join(format!("ccsim-fit-{name}-{}.csv", std::process::id()));
    let mut out = std::fs::File::create(&path).unwrap();
    ccsim::contact_log::write_log(&model, &mut records, &mut out).unwrap();
    path
}

/// Lognormal log-scale parameters (μ, σ) of a mean and cv.
fn log_params(mean: f64, cv: f64) -> (f64, f64) {
    let s2 = (1.0 + cv * cv).ln();
    (mean.ln() - s2 / 2.0, s2.sqrt())
}

#[test]
fn a_generated_log_is_fitted_back_to_its_scenario() {
    let log = log_of(KNOWN, "week");
    let fitted = ccsim::fit::fit_log(&log, 3600.0).unwrap();
    assert_eq!(fitted.days, 7);
    assert_eq!(
        fitted.first_date.map(|d| d.to_string()),
        Some("2026-11-09".into())
    );
    let voice = &fitted.channels[0];
    let profile = [
        1., 1., 1., 1., 1., 1., 2., 4., 6., 8., 8., 8., 7., 7., 7., 7., 6., 6., 5., 4., 3., 2., 1.,
        1.,
    ];
    let total: f64 = profile.iter().sum();
    for s in &voice.categories {
        let (daily, mean, cv) = match s.category.as_str() {
            "orders" => (1200.0, 240.0, 0.7),
            "refunds" => (600.0, 360.0, 0.5),
            other => panic!("{other}"),
        };
        // Counts per interval of the day over the week: Poisson around the known rates.
        for (k, &n) in s.by_interval.iter().enumerate() {
            let share = if s.category == "orders" {
                profile[k] / total
            } else {
                1.0 / 24.0
            };
            let expected = 7.0 * daily * share;
            assert!(
                (n - expected).abs() < 4.0 * expected.sqrt(),
                "{} interval {k}: {n} vs {expected}",
                s.category
            );
        }
        // Handle times: the log-scale mean and sd within four standard errors.
        let (fm, fcv) = s.handle.unwrap();
        let (mu, sigma) = log_params(mean, cv);
        let (fmu, fsigma) = log_params(fm, fcv);
        let n = s.handled as f64;
        assert!(
            (fmu - mu).abs() < 4.0 * sigma / n.sqrt(),
            "{}: μ {fmu} vs {mu}",
            s.category
        );
        assert!(
            (fsigma - sigma).abs() < 4.0 * sigma / (2.0 * n).sqrt(),
            "{}: σ {fsigma} vs {sigma}",
            s.category
        );
        // The sample is lognormal: the KS distance stays under its 1 % critical value.
        let ks = s.ks.unwrap();
        assert!(
            ks < 1.63 / n.min(20_000.0).sqrt(),
            "{}: KS {ks}",
            s.category
        );
    }
    // Patience: exponential MLE from censored waits, θ̂ ± θ/√(abandoned).
    let theta = voice.patience_mean.unwrap();
    let d = voice.abandoned as f64;
    assert!(d > 200.0, "the test needs abandonment: {d}");
    assert!(
        (theta - 180.0).abs() < 4.0 * 180.0 / d.sqrt(),
        "patience {theta} from {d}"
    );
    assert!(voice.patience_gap.unwrap() < 0.05);

    // The fitted scenario loads and simulates.
    let text = fitted.to_toml("fitted", "the test log");
    let model =
        scenario::parse(&text, "fitted.toml", "fitted").unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(model.streams.len(), 2);
    let expected: f64 = model
        .streams
        .iter()
        .map(|s| s.rate_per_s.iter().sum::<f64>() * model.interval)
        .sum();
    assert!(
        (expected - fitted.arrivals as f64).abs() < 1.0,
        "{expected} vs {}",
        fitted.arrivals
    );
    let result = crate::support::run(&model, 2, 1, 2);
    assert!(result.outcomes[0].totals.arrivals > 10_000.0);
    std::fs::remove_file(&log).unwrap();
}

#[test]
fn day_to_day_busyness_and_day_of_week_factors_are_recovered() {
    // Eight weeks with a busy Monday and a quiet Sunday and a 20 % busyness cv.
    let text = KNOWN
        .replace("horizon = \"7d\"", "horizon = \"56d\"")
        .replace("interval = \"1h\"", "interval = \"1d\"")
        .replace(
            "patience = { dist = \"exponential\", mean = \"3m\" }",
            "busyness = { day_cv = 0.2 }",
        )
        .replace(
            "profile = [1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 8, 8, 7, 7, 7, 7, 6, 6, 5, 4, 3, 2, 1, 1]",
            "day_of_week = [1.4, 1, 1, 1, 1, 1, 0.6]",
        )
        .replace(
            "daily_volume = 600",
            "daily_volume = 600\nday_of_week = [1.4, 1, 1, 1, 1, 1, 0.6]",
        )
        .replace("agents = 9", "agents = 60");
    let log = log_of(&text, "weeks");
    let fitted = ccsim::fit::fit_log(&log, 3600.0).unwrap();
    let voice = &fitted.channels[0];
    let f = voice.day_of_week.unwrap();
    // Day-of-week factors relative to the mean day (8 × 1800 × f per weekday, cv 0.2).
    let mean_factor = (1.4 + 5.0 + 0.6) / 7.0;
    for (i, want) in [1.4, 1.0, 1.0, 1.0, 1.0, 1.0, 0.6].iter().enumerate() {
        let want = want / mean_factor;
        // Eight days per weekday, each with a 20 % busyness factor: se ≈ 0.2 f / √8.
        assert!(
            (f[i] - want).abs() < 4.0 * 0.2 * want / 8f64.sqrt(),
            "weekday {i}: {} vs {want}",
            f[i]
        );
    }
    // The cv of a day's factor from 56 days: se ≈ cv / √(2 · 49).
    assert!(
        (voice.day_cv - 0.2).abs() < 4.0 * 0.2 / 98f64.sqrt(),
        "cv {}",
        voice.day_cv
    );
    std::fs::remove_file(&log).unwrap();
}

#[test]
fn the_shipped_week_is_ccsims_own_log_and_fits_back_to_its_source() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = scenario::load(&root.join("scenarios/logs/last_week_source.toml")).unwrap();
    let mut records = Vec::new();
    experiment::replicate(
        &source,
        source.seed,
        0,
        &mut Workspace::new(),
        Some(&mut records),
    )
    .unwrap();
    let mut regenerated = Vec::new();
    ccsim::contact_log::write_log(&source, &mut records, &mut regenerated).unwrap();
    let shipped = std::fs::read(root.join("scenarios/logs/last_week.csv")).unwrap();
    assert!(
        regenerated == shipped,
        "scenarios/logs/last_week.csv is not `ccsim log scenarios/logs/last_week_source.toml`"
    );

    let fitted = ccsim::fit::fit_log(&root.join("scenarios/logs/last_week.csv"), 1800.0).unwrap();
    let (voice, chat) = (&fitted.channels[0], &fitted.channels[1]);
    assert_eq!((voice.name.as_str(), chat.name.as_str()), ("voice", "chat"));
    // Voice patience is exponential (mean 4 min): the exponential follows the curve best.
    let theta = voice.patience_mean.unwrap();
    let events = voice.abandoned as f64;
    assert!(
        (theta - 240.0).abs() < 4.0 * 240.0 / events.sqrt(),
        "{theta}"
    );
    assert!(voice.patience_gap.unwrap() < voice.patience_lognormal.unwrap().2);
    // Chat patience is lognormal (mean 10 min, cv 0.8): the lognormal fitted to the
    // Kaplan–Meier curve is chosen and lands near it.
    let (m, cv, gap) = chat.patience_lognormal.unwrap();
    let events = chat.abandoned as f64;
    assert!(gap < chat.patience_gap.unwrap());
    assert!((m - 600.0).abs() < 4.0 * 600.0 * 0.8 / events.sqrt(), "{m}");
    assert!((cv - 0.8).abs() < 0.2, "{cv}");
}
