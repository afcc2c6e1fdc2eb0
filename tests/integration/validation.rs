//! The validation twins against their published results: `scenarios/validation/
//! ssj_call_center.toml` (SSJ's tutorial call center, L'Ecuyer, SSJ 3.3.0 and later,
//! `tutorial/CallCenter.res`: 10,000 days, 90 % Student intervals) and
//! `scenarios/validation/simple_msk.toml` (ContactCenters' SimpleMSK, Buist and L'Ecuyer,
//! `doc/examples/SimpleMSK.res`: 1,000 days, 95 % intervals). Each published measure is
//! recomputed from ccsim's per-day counts with the reference's definition, and must lie
//! within four standard errors of the published mean (ccsim's and the reference's
//! standard errors combined, plus half the last printed digit).

use ccsim::experiment::{RunOptions, RunResult, run};
use ccsim::model::Model;

fn twin(file: &str) -> (Model, RunResult) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/validation")
        .join(file);
    let model = ccsim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        replications: model.replications,
        seed: model.seed,
        threads: Some(2),
    };
    let result = run(&model, &options).expect("runs");
    (model, result)
}

/// A published mean with its confidence interval: `half_width` at a level whose normal
/// quantile is `z`; `digits`, the decimals it is printed with.
struct Published {
    what: &'static str,
    mean: f64,
    half_width: f64,
    z: f64,
    digits: i32,
}

impl Published {
    /// Checks ccsim's estimate `ours` (mean, standard error) against it.
    fn check(&self, ours: (f64, f64)) {
        let se_ref = self.half_width / self.z;
        let rounding = 0.5 * 10f64.powi(-self.digits);
        let tolerance = 4.0 * (ours.1.powi(2) + se_ref.powi(2)).sqrt() + rounding;
        let off = ours.0 - self.mean;
        eprintln!(
            "{}: ccsim {:.4} ± {:.4} (95 %), published {} ± {}: off by {:.1} of the allowed",
            self.what,
            ours.0,
            1.96 * ours.1,
            self.mean,
            self.half_width,
            off.abs() / tolerance
        );
        assert!(
            off.abs() <= tolerance,
            "{}: ccsim {:.4} (se {:.4}) against published {} ± {} — off by {off:.4}, allowed {tolerance:.4}",
            self.what,
            ours.0,
            ours.1,
            self.mean,
            self.half_width
        );
    }
}

/// Mean and standard error of per-day values.
fn mean_se(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// The ratio of the means of two per-day series with its delta-method standard error
/// (what ContactCenters prints for a "function of means").
fn ratio_se(pairs: &[(f64, f64)]) -> (f64, f64) {
    let n = pairs.len() as f64;
    let (a, b) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let r = a / b;
    let var = pairs.iter().map(|p| (p.0 - r * p.1).powi(2)).sum::<f64>() / (n - 1.0);
    (r, (var / n).sqrt() / b)
}

#[test]
fn the_ssj_call_center_matches_its_published_results() {
    let (model, result) = twin("ssj_call_center.toml");
    assert_eq!(result.outcomes.len(), 10_000);
    // Every measure is a count over the expected a = 1,660 calls a day.
    let a = 1660.0;
    let ssj = |what, mean, half_width| Published {
        what,
        mean,
        half_width,
        z: 1.645,
        digits: 3,
    };
    let days = || result.outcomes.iter().map(|o| o.totals);
    ssj("arrivals per day", 1660.366, 1.540).check(mean_se(days().map(|t| t.offered)));
    // Waits of all calls, an abandoned call's being its patience.
    let wait = days().map(|t| t.asa_all_s * (t.answered + t.abandoned) / a);
    ssj("average wait per call", 4.713, 0.033).check(mean_se(wait));
    // Answered within 20 s and abandoned within 20 s (zero patience included).
    let good = days().map(|t| t.sl_met / a);
    ssj("proportion of waits < s", 0.925, 0.0005).check(mean_se(good));
    ssj("proportion of calls lost", 0.020, 0.0001).check(mean_se(days().map(|t| t.abandoned / a)));
    assert_eq!(
        model.channels[0].service_level_definition.name(),
        "short_abandons_met"
    );
}

#[test]
fn the_simple_msk_center_matches_its_published_results() {
    let (model, result) = twin("simple_msk.toml");
    assert_eq!(result.outcomes.len(), 1_000);
    let cc = |what, mean, half_width| Published {
        what,
        mean,
        half_width,
        z: 1.962,
        digits: 3,
    };
    let days = || result.outcomes.iter();
    cc("served contacts", 4297.305, 27.155).check(mean_se(days().map(|o| o.totals.answered)));
    cc("abandoned contacts", 910.335, 34.202).check(mean_se(days().map(|o| o.totals.abandoned)));
    // Served within 20 s over served plus abandoned after 20 s, as a ratio of means.
    let pairs: Vec<(f64, f64)> = days()
        .map(|o| (o.totals.sl_met, o.totals.sl_counted))
        .collect();
    for o in days() {
        let t = &o.totals;
        assert_eq!(t.sl_counted, t.answered + t.abandoned - t.abandoned_short);
    }
    cc("service level", 0.501, 0.0075).check(ratio_se(&pairs));
    // Served within 20 s per call type (a channel here) and arrival period.
    let published = [
        [(170.154, 5.816), (599.334, 5.175), (15.490, 1.708)],
        [(262.936, 8.339), (511.648, 5.372), (34.697, 3.427)],
        [(259.806, 9.628), (613.732, 6.146), (24.888, 2.751)],
    ];
    let n_ch = model.channels.len();
    for (c, periods) in published.iter().enumerate() {
        for (p, &(mean, half_width)) in periods.iter().enumerate() {
            let good = days().map(|o| o.intervals[p * n_ch + c].sl_met);
            let what = format!("type {c}, period {p}: served within 20 s");
            let what: &'static str = Box::leak(what.into_boxed_str());
            cc(what, mean, half_width).check(mean_se(good));
        }
    }
}
