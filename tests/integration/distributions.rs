//! Every distribution's sample mean and coefficient of variation against its parameters.
//! 400,000 draws are cut into 40 batches; the batch means (and batch cvs) give a Student-t
//! interval, and the parameter must lie within four standard errors of the estimate.

use ccsim::distribution::Distribution;
use ccsim::experiment::{Estimate, t_quantile_975};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

fn within_four_se(est: &Estimate, value: f64) -> bool {
    let se = est.ci95 / t_quantile_975(est.n - 1);
    (est.mean - value).abs() <= 4.0 * se + 1e-12
}

fn check(name: &str, d: &Distribution, mean: f64, cv: f64) {
    assert!(
        (d.mean() - mean).abs() < 1e-9 * mean,
        "{name}: declared mean {} != {mean}",
        d.mean()
    );
    assert!(
        (d.cv() - cv).abs() < 1e-9,
        "{name}: declared cv {} != {cv}",
        d.cv()
    );
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    let (batches, per_batch) = (40, 10_000);
    let mut means = Vec::new();
    let mut cvs = Vec::new();
    for _ in 0..batches {
        let xs: Vec<f64> = (0..per_batch).map(|_| d.sample(&mut rng)).collect();
        assert!(
            xs.iter().all(|x| x.is_finite() && *x >= 0.0),
            "{name}: negative or infinite draw"
        );
        let m = xs.iter().sum::<f64>() / per_batch as f64;
        let var = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (per_batch - 1) as f64;
        means.push(m);
        cvs.push(var.sqrt() / m);
    }
    let m = Estimate::from_samples(means.into_iter());
    let c = Estimate::from_samples(cvs.into_iter());
    assert!(
        within_four_se(&m, mean),
        "{name}: sample mean {m:?}, expected {mean}"
    );
    assert!(
        within_four_se(&c, cv),
        "{name}: sample cv {c:?}, expected {cv}"
    );
}

#[test]
fn samples_match_declared_mean_and_cv() {
    check(
        "exponential",
        &Distribution::exponential(300.0).unwrap(),
        300.0,
        1.0,
    );
    check(
        "lognormal",
        &Distribution::lognormal(240.0, 0.6).unwrap(),
        240.0,
        0.6,
    );
    check(
        "gamma",
        &Distribution::gamma(120.0, 0.5).unwrap(),
        120.0,
        0.5,
    );
    check(
        "gamma cv 1.5",
        &Distribution::gamma(120.0, 1.5).unwrap(),
        120.0,
        1.5,
    );
    let w = Distribution::weibull(1.5, 100.0).unwrap();
    let (wm, wc) = (w.mean(), w.cv());
    assert!((wm - 90.2745).abs() < 1e-3, "weibull mean {wm}");
    check("weibull", &w, wm, wc);
    let wmean = Distribution::weibull_with_mean(0.8, 200.0).unwrap();
    check("weibull by mean", &wmean, 200.0, wmean.cv());
    check(
        "uniform",
        &Distribution::uniform(60.0, 180.0).unwrap(),
        120.0,
        60.0 / 3f64.sqrt() / 120.0,
    );
    check(
        "deterministic",
        &Distribution::deterministic(42.0).unwrap(),
        42.0,
        0.0,
    );
    let values = [30.0, 60.0, 90.0, 300.0];
    let mean = 120.0;
    let sd =
        ((90.0f64.powi(2) + 60.0f64.powi(2) + 30.0f64.powi(2) + 180.0f64.powi(2)) / 4.0).sqrt();
    check(
        "empirical",
        &Distribution::empirical(&values).unwrap(),
        mean,
        sd / mean,
    );
}

#[test]
fn invalid_parameters_are_refused() {
    assert!(Distribution::exponential(0.0).is_err());
    assert!(Distribution::lognormal(10.0, -0.1).is_err());
    assert!(Distribution::gamma(-1.0, 0.5).is_err());
    assert!(Distribution::weibull(0.0, 10.0).is_err());
    assert_eq!(
        Distribution::weibull(0.001, 180.0).unwrap_err().param,
        "shape"
    );
    assert_eq!(
        Distribution::weibull_with_mean(0.001, 180.0)
            .unwrap_err()
            .param,
        "shape"
    );
    assert!(Distribution::uniform(5.0, 5.0).is_err());
    assert!(Distribution::deterministic(0.0).is_err());
    assert!(Distribution::empirical(&[]).is_err());
    assert!(Distribution::empirical(&[1.0, -2.0]).is_err());
}

/// The single queue of `support::single_queue` with `patience` as the channel's.
fn with_patience(patience: &str) -> String {
    crate::support::single_queue(600.0, 60.0, 10, Some(180.0), 600).replace(
        "patience = { dist = \"exponential\", mean = \"180s\" }",
        &format!("patience = {patience}"),
    )
}

#[test]
fn a_mixture_patience_is_read_and_its_zero_part_leaves_at_once() {
    let exp = r#"{ dist = "exponential", mean = "3m" }"#;
    // As the README writes it, over three lines.
    let mix = r#"{ dist = "mixture", parts = [
    { weight = 0.1, dist = "deterministic", value = "0s" },
    { weight = 0.9, dist = "exponential", mean = "3m" } ] }"#;
    let plain = crate::support::model(&with_patience(exp));
    let mixed = crate::support::model(&with_patience(mix));
    let patience = mixed.channels[0].patience.as_ref().unwrap();
    assert!(
        (patience.mean() - 162.0).abs() < 1e-9,
        "{}",
        patience.describe()
    );
    // Ten agents at 10 erlangs: many wait, and a tenth of those leave at once.
    let a = crate::support::run(&plain, 10, 5, 2);
    let b = crate::support::run(&mixed, 10, 5, 2);
    let rate = |r: &ccsim::experiment::RunResult| r.estimate(|o| o.totals.abandon_rate);
    let (pa, pb) = (rate(&a), rate(&b));
    assert!(
        pb.mean > pa.mean + 2.0 * (pa.ci95 + pb.ci95),
        "{pa:?} against {pb:?}"
    );
    // Same arrivals (common random numbers): the mixture's extra abandons are at most the
    // tenth of the offered that leaves at once.
    assert!(
        pb.mean < pa.mean + 0.1 + 4.0 * pb.ci95,
        "{pa:?} against {pb:?}"
    );
}

#[test]
fn bad_mixtures_are_located_errors() {
    for (patience, words) in [
        (
            r#"{ dist = "mixture", parts = [{ weight = 0.5, dist = "exponential", mean = "1m" }, { weight = 0.4, dist = "exponential", mean = "3m" }] }"#,
            "add up to 0.9",
        ),
        (
            r#"{ dist = "mixture", parts = [{ dist = "exponential", mean = "1m" }, { weight = 1.0, dist = "exponential", mean = "3m" }] }"#,
            "needs its `weight`",
        ),
        (
            r#"{ dist = "mixture", parts = [{ weight = 0, dist = "exponential", mean = "1m" }, { weight = 1.0, dist = "exponential", mean = "3m" }] }"#,
            "patience.parts[0].weight",
        ),
        (
            r#"{ dist = "exponential", mean = "1m", weight = 0.5 }"#,
            "`weight` belongs to a mixture's part",
        ),
        (
            r#"{ dist = "mixture", parts = [{ weight = 1.0, dist = "exponential", mean = "1m" }] }"#,
            "at least two parts",
        ),
        (
            r#"{ dist = "mixture", mean = "1m", parts = [] }"#,
            "`mean` does not apply to dist = \"mixture\"",
        ),
        (
            r#"{ dist = "mixture", parts = [{ weight = 0.5, dist = "mixture", parts = [] }, { weight = 0.5, dist = "exponential", mean = "3m" }] }"#,
            "not another mixture",
        ),
    ] {
        let text = with_patience(patience);
        let err = ccsim::scenario::parse(&text, "test.toml", "test")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(words) && err.contains("test.toml:"),
            "{patience}: {err}"
        );
        assert!(err.contains("patience"), "{err}");
    }
}
