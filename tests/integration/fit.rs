//! `ccsim fit`: a log that ccsim generated from a known scenario is fitted back, and the fit
//! recovers the rates, the handle-time parameters and the patience within their confidence
//! intervals (four standard errors); the fitted scenario loads and runs.

use crate::support::ccsim;
use ccsim::engine::Workspace;
use ccsim::experiment;
use ccsim::fit::PatienceChoice;
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
    let patience = voice.patience.as_ref().unwrap();
    let theta = patience.exponential.mean;
    let d = patience.abandoned as f64;
    assert!(d > 200.0, "the test needs abandonment: {d}");
    assert!(
        (theta - 180.0).abs() < 4.0 * 180.0 / d.sqrt(),
        "patience {theta} from {d}"
    );
    assert_eq!(
        patience.choice,
        PatienceChoice::Exponential,
        "{}",
        patience.reason
    );
    assert!(patience.gap.judged.unwrap().0 < 0.05);

    // The fitted scenario loads and simulates.
    let text = ccsim::output::fit::to_toml(&fitted, "fitted", "the test log")
        .unwrap()
        .text;
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
    // Voice patience is exponential (mean 4 min): the exponential is chosen, within its
    // interval, and follows the Kaplan–Meier curve best.
    let p = voice.patience.as_ref().unwrap();
    assert_eq!(p.choice, PatienceChoice::Exponential, "{}", p.reason);
    let (lo, hi) = p.exponential.ci95;
    assert!(lo < 240.0 && 240.0 < hi, "{:?}", p.exponential);
    let (exp_gap, ln_gap, _) = p.gap.judged.unwrap();
    assert!(exp_gap < ln_gap.unwrap());
    // Chat patience is lognormal (mean 10 min, cv 0.8): the lognormal is chosen by BIC,
    // with 10 min in its interval and a cv near 0.8, and follows the curve best.
    let p = chat.patience.as_ref().unwrap();
    assert_eq!(p.choice, PatienceChoice::Lognormal, "{}", p.reason);
    let l = p.lognormal.unwrap();
    let (lo, hi) = l.ci95.unwrap();
    assert!(lo < 600.0 && 600.0 < hi, "{l:?}");
    assert!((l.cv - 0.8).abs() < 0.2, "{l:?}");
    let (exp_gap, ln_gap, _) = p.gap.judged.unwrap();
    assert!(ln_gap.unwrap() < exp_gap);
}

// --- Patience by maximum likelihood over every row (issue 12, item 13) -----------------

/// One group of 12 agents, 2,000 contacts a day (flat), exponential handle times of mean
/// `aht` and exponential patience of mean 4 minutes, over `days` days.
fn exponential_center(days: u32, aht: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "{days}d"
interval = "1h"
start = "2026-11-09"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience = {{ dist = "exponential", mean = "4m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
daily_volume = 2000

[[group]]
name = "agents"
agents = 12
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "{aht}" }}
"#
    )
}

/// Fits the log of replication 0 of `text` with seed `seed` (`ccsim log --seed SEED`).
fn fit_seed(text: &str, seed: u64, name: &str) -> ccsim::fit::FittedLog {
    let model = scenario::parse(text, "center.toml", "center").unwrap();
    let mut records = Vec::new();
    experiment::replicate(&model, seed, 0, &mut Workspace::new(), Some(&mut records)).unwrap();
    let path = std::env::temp_dir().join(format!(
        "ccsim-fit-{name}-{seed}-{}.csv",
        std::process::id()
    ));
    let mut out = std::fs::File::create(&path).unwrap();
    ccsim::contact_log::write_log(&model, &mut records, &mut out).unwrap();
    drop(out);
    let fitted = ccsim::fit::fit_log(&path, 3600.0).unwrap();
    std::fs::remove_file(&path).unwrap();
    fitted
}

#[test]
fn exponential_patience_is_chosen_in_every_seed_with_its_mean_in_its_interval() {
    // Before: a lognormal fitted to the early Kaplan–Meier curve was chosen about one
    // time in six (here seed 11 of the 7-day logs), with a mean 4 to 14 times too large.
    let mut covered = 0;
    let mut runs = 0;
    for (days, seeds) in [(7, 1..=12u64), (28, 1..=3)] {
        for seed in seeds {
            let fitted = fit_seed(&exponential_center(days, "5m"), seed, "exp");
            let p = fitted.channels[0].patience.clone().unwrap();
            let d = p.abandoned as f64;
            assert!(d > 60.0, "{days} days, seed {seed}: {d} abandoned");
            assert_eq!(
                p.choice,
                PatienceChoice::Exponential,
                "{days} days, seed {seed}: {}",
                p.reason
            );
            // ln θ̂ has standard error 1/√d.
            let theta = p.exponential.mean;
            assert!(
                (theta / 240.0).ln().abs() < 4.0 / d.sqrt(),
                "{days} days, seed {seed}: {theta} from {d}"
            );
            let (lo, hi) = p.exponential.ci95;
            covered += (lo < 240.0 && 240.0 < hi) as u32;
            runs += 1;
            // The written scenario has the exponential.
            let text = ccsim::output::fit::to_toml(&fitted, "fitted", "log")
                .unwrap()
                .text;
            assert!(
                text.contains("patience = { dist = \"exponential\""),
                "{text}"
            );
        }
    }
    // 95 % intervals: 15 runs cover 240 s 13 times or more with probability 0.96.
    assert!(
        covered >= 13,
        "{covered} of {runs} intervals hold 4 minutes"
    );
}

#[test]
fn a_dozen_abandons_give_an_exponential_of_a_sane_mean() {
    // 12 agents with 4-minute handle times: 11 to 33 abandons a week. Before, seed 4
    // (18 abandons) wrote a lognormal of mean 1179 s, five times the truth, and others had
    // lognormals of hours to weeks refused only by the scenario's bounds.
    for seed in 1..=6u64 {
        let fitted = fit_seed(&exponential_center(7, "4m"), seed, "few");
        let p = fitted.channels[0].patience.clone().unwrap();
        let d = p.abandoned as f64;
        assert!((10.0..=40.0).contains(&d), "seed {seed}: {d} abandoned");
        assert_eq!(
            p.choice,
            PatienceChoice::Exponential,
            "seed {seed}: {}",
            p.reason
        );
        assert!(
            p.reason.contains("too few (under 50)"),
            "seed {seed}: {}",
            p.reason
        );
        let theta = p.exponential.mean;
        assert!(
            (theta / 240.0).ln().abs() < 4.0 / d.sqrt(),
            "seed {seed}: {theta} from {d}"
        );
        assert!(fitted.warnings.is_empty(), "{:?}", fitted.warnings);
    }
}

#[test]
fn the_kaplan_meier_curve_counts_every_row() {
    // 28 days: about 56,000 rows, far more than the 20,000 the curve was once drawn from.
    let text = exponential_center(28, "5m");
    let model = scenario::parse(&text, "center.toml", "center").unwrap();
    let mut records = Vec::new();
    experiment::replicate(&model, 5, 0, &mut Workspace::new(), Some(&mut records)).unwrap();
    let mut csv = Vec::new();
    ccsim::contact_log::write_log(&model, &mut records, &mut csv).unwrap();
    let path = std::env::temp_dir().join(format!("ccsim-fit-km-{}.csv", std::process::id()));
    std::fs::write(&path, &csv).unwrap();
    let fitted = ccsim::fit::fit_log(&path, 3600.0).unwrap();
    std::fs::remove_file(&path).unwrap();
    // The curve from the log itself: (wait, abandoned) of every answered or abandoned row,
    // abandonments before answers at the same wait.
    let waits: Vec<(f64, bool)> = String::from_utf8(csv)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|row| {
            let f: Vec<&str> = row.split(',').collect();
            let abandoned = match f[6] {
                "abandoned" => true,
                "answered" => false,
                _ => return None,
            };
            Some((f[7].parse::<f64>().unwrap(), abandoned))
        })
        .collect();
    assert!(waits.len() > 50_000, "{}", waits.len());
    // The exact Kaplan–Meier survival at `x` with every answered wait multiplied by
    // `moved` (abandonments before answers at equal waits).
    let km_at = |x: f64, moved: f64| {
        let mut waits: Vec<(f64, bool)> = (waits.iter())
            .map(|&(w, abandoned)| (if abandoned { w } else { w * moved }, abandoned))
            .collect();
        waits.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let (mut s, mut at_risk) = (1.0, waits.len() as f64);
        let mut i = 0;
        while i < waits.len() && waits[i].0 <= x {
            let t = waits[i].0;
            let (mut d, mut n) = (0.0, 0.0);
            while i < waits.len() && waits[i].0 == t {
                d += waits[i].1 as u8 as f64;
                n += 1.0;
                i += 1;
            }
            s *= 1.0 - d / at_risk;
            at_risk -= n;
        }
        s
    };
    let p = fitted.channels[0].patience.as_ref().unwrap();
    assert_eq!(p.abandoned + p.answered, waits.len() as u64);
    // A row at 30 s, 1, 2, 4 and 8 minutes while anyone is still waiting there.
    let shown: Vec<f64> = [30.0, 60.0, 120.0, 240.0, 480.0]
        .into_iter()
        .filter(|&at| waits.iter().any(|(w, _)| *w > at))
        .collect();
    assert!(shown.len() >= 4, "{shown:?}");
    assert_eq!(
        p.km_points.iter().map(|k| k.at).collect::<Vec<_>>(),
        shown,
        "{:?}",
        p.km_points
    );
    for k in &p.km_points {
        let still = waits.iter().filter(|(w, _)| *w > k.at).count() as u64;
        assert_eq!(k.still_waiting, still, "at {}", k.at);
        // The curve is drawn cell by cell (cells 2^(1/64) wide, the table's times at their
        // edges), the answered of a cell at risk for half of it: the exact curve lies
        // between the curves with every answer moved to its cell's start (earlier: less at
        // risk, lower) and to its end (later, higher), and so must the printed value.
        let width = 2f64.powf(1.0 / 64.0);
        let (low, high) = (km_at(k.at, 1.0 / width), km_at(k.at, width));
        assert!(
            low - 1e-12 <= k.km && k.km <= high + 1e-12,
            "at {}: {} outside [{low}, {high}]",
            k.at,
            k.km
        );
        // The exact curve (every row) lies in it too (the bracket is right).
        let exact = km_at(k.at, 1.0);
        let within = low <= exact && exact <= high;
        assert!(within, "at {}: {exact} outside [{low}, {high}]", k.at);
    }
}

// --- What no scenario can take: names, extreme values, logs without line ends ---------

use std::path::{Path, PathBuf};
use std::process::Output;

/// A folder of its own for one test, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("ccsim-fit-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `ccsim fit LOG -o OUT`, then `ccsim check OUT`: both exit 0, and the scenario loads with
/// the names given, exactly.
fn fit_and_check(log: &Path, out: &Path, channels: &[&str], categories: &[&str]) -> Output {
    let fitted = ccsim(&["fit", log.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(fitted.status.code(), Some(0), "{}", stderr(&fitted));
    let checked = ccsim(&["check", out.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let model = scenario::load(out).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, channels);
    assert_eq!(model.categories, categories);
    let text = std::fs::read_to_string(out).unwrap();
    assert!(!text.contains("inf") && !text.contains("nan"), "{text}");
    fitted
}

#[test]
fn names_with_quotes_hashes_and_backslashes_round_trip_exactly() {
    let dir = TempDir::new("names");
    // The shipped case: a category `a"b`, unquoted in the CSV.
    fit_and_check(
        Path::new("tests/cases/fit_quote_in_name.csv"),
        &dir.path("quote.toml"),
        &["voice"],
        &["a\"b"],
    );
    // Every character TOML strings treat specially, in CSV quoting where CSV needs it.
    let names = [
        "a\"#",
        "back\\slash",
        "it's",
        "'''",
        "\"\"\"",
        "a#b",
        "x = 1",
        "[table]",
        "{ inline }",
        "ünïcødé ✓",
        "\\u0041",
        " spaced out ",
    ];
    let mut log = String::from("timestamp,channel,category\n");
    for (i, name) in names.iter().enumerate() {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        log += &format!("{},\"vo\"\"ice\\\",{quoted}\n", 60 * i);
    }
    let path = dir.write("names.csv", &log);
    // The log's fields are trimmed: a name is what the reader makes of it.
    let expected: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    fit_and_check(&path, &dir.path("names.toml"), &["vo\"ice\\"], &expected);
}

#[test]
fn names_no_scenario_takes_are_refused_where_the_log_has_them() {
    let dir = TempDir::new("bad-names");
    let long = "x".repeat(201);
    let cases: Vec<(&str, String, String)> = vec![
        (
            "newline.csv",
            "timestamp,channel,category\n1,voice,ok\n2,voice,\"a\nb\"\n".into(),
            ":3:9: column `category`: the category \"a\\nb\" cannot name a category in a scenario: a name must not contain control characters such as a line break or a tab".into(),
        ),
        (
            "tab.csv",
            "timestamp,channel,category\n1,\"v\toice\",ok\n".into(),
            ":2:3: column `channel`: the channel \"v\\toice\" cannot name a channel in a scenario: a name must not contain control characters".into(),
        ),
        (
            "slash.csv",
            "timestamp,channel,category\n1,voice,a/b\n".into(),
            ":2:9: column `category`: the category \"a/b\" cannot name a category in a scenario: a name must not contain '/'".into(),
        ),
        (
            "star.csv",
            "timestamp,channel,category\n1,voice,*\n".into(),
            ":2:9: column `category`: the category \"*\" cannot name a category in a scenario: \"*\" stands for every category".into(),
        ),
        (
            "long.csv",
            format!("timestamp,channel,category\n1,voice,ok\n1,voice,{long}\n"),
            format!(
                ":3:9: column `category`: the category \"{}…\" cannot name a category in a scenario: a name is at most 200 characters long (this one has 201)",
                "x".repeat(40)
            ),
        ),
    ];
    for (name, text, fragment) in cases {
        let log = dir.write(name, &text);
        let out_path = dir.path("out.toml");
        let out = ccsim(&[
            "fit",
            log.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let expected = format!("error: {}{fragment}", log.display());
        assert!(
            stderr(&out).starts_with(&expected),
            "{name}:\n{}\nwanted {expected}",
            stderr(&out)
        );
        assert!(!out_path.exists(), "{name}: nothing is written");
    }
    // A channel of 200 characters is taken; its group gets a name within the limit.
    let at_limit = "c".repeat(200);
    let log = dir.write(
        "limit.csv",
        format!("timestamp,channel,category\n1,{at_limit},ok\n"),
    );
    fit_and_check(&log, &dir.path("limit.toml"), &[&at_limit], &["ok"]);
    // The scenario's own name: from --name, or the output file's name.
    let log = dir.write("plain.csv", "timestamp,channel,category\n1,voice,ok\n");
    let out = ccsim(&[
        "fit",
        log.to_str().unwrap(),
        "-o",
        dir.path("x.toml").to_str().unwrap(),
        "--name",
        &"n".repeat(201),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --name: a name is at most 200 characters long (this one has 201)\n"
    );
}

#[test]
fn a_busyness_cv_above_what_a_scenario_takes_is_clamped_with_a_warning() {
    let dir = TempDir::new("busyness");
    let out_path = dir.path("busy.toml");
    let out = fit_and_check(
        Path::new("tests/cases/fit_busyness_cv_over_2.csv"),
        &out_path,
        &["voice"],
        &["orders"],
    );
    assert!(
        stderr(&out).contains(
            "warning: \"voice\": the day-to-day busyness cv fitted as 2.632 is above 2, the most a scenario takes; written as 2"
        ),
        "{}",
        stderr(&out)
    );
    let model = scenario::load(&out_path).unwrap();
    assert_eq!(model.channels[0].busyness_day_cv, 2.0);
}

#[test]
fn an_extreme_handle_time_keeps_the_samples_moments() {
    let dir = TempDir::new("tiny");
    let out_path = dir.path("tiny.toml");
    let out = fit_and_check(
        Path::new("tests/cases/fit_tiny_handle_time.csv"),
        &out_path,
        &["voice"],
        &["orders"],
    );
    // The lognormal takes the sample's mean and cv (method of moments): a handle time
    // near zero does not pull it apart, so nothing needs replacing.
    assert!(
        !stderr(&out).contains("handle times have mean"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        text.contains("handle_time = { dist = \"lognormal\", mean = \"276.8s\", cv = 0.3318 }"),
        "{text}"
    );
}

#[test]
fn a_patience_fit_without_enough_contacts_at_risk_says_not_judged_and_why() {
    // Issue 12, item 12: 6 abandoned, 6 answered; at most 11 contacts still waiting at an
    // abandonment, under the 30 that judge a fit. The exponential is off by about 0.17
    // there: the report says so, and that it is not judged, never "gap 0.000" or NaN.
    let dir = TempDir::new("small");
    let out_path = dir.path("small.toml");
    let out = fit_and_check(
        Path::new("tests/cases/fit_small_log.csv"),
        &out_path,
        &["voice"],
        &["general"],
    );
    let report = stdout(&out);
    let patience: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.contains("patience"))
        .collect();
    assert_eq!(
        patience,
        [
            "  patience by maximum likelihood from 6 abandoned and 6 answered (censored at their waits):",
            "    exponential mean 214.2s (95 % CI 96.2–476.7s), log-likelihood -38.20, BIC 78.19 (used)",
            "    lognormal mean 419.4s cv 3.283 (95 % CI 50.8–3463.9s), log-likelihood -37.26, BIC 78.10",
            "    the exponential is used: 6 abandoned contacts are too few (under 50) to tell a lognormal from it (BIC = −2 log-likelihood + parameters × ln abandoned)",
            "    Kaplan–Meier gap not judged: no abandonment had 30 or more contacts still waiting (at most 11); the largest gap seen, 0.166 (exponential), rests on too few contacts to tell chance from misfit",
            "    still waiting after   30s: Kaplan–Meier 0.707 (7 still waiting), exponential 0.869, lognormal 0.814",
            "    still waiting after   60s: Kaplan–Meier 0.589 (5 still waiting), exponential 0.756, lognormal 0.675",
            "    still waiting after  120s: Kaplan–Meier 0.442 (3 still waiting), exponential 0.571, lognormal 0.505",
            "    still waiting after  240s: Kaplan–Meier 0.295 (2 still waiting), exponential 0.326, lognormal 0.334",
        ],
        "{report}"
    );
    assert!(
        !report.contains("NaN") && !report.contains("gap 0.000"),
        "{report}"
    );
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        text.contains("patience = { dist = \"exponential\", mean = \"214.2s\" }   # maximum likelihood from 6 abandoned, 6 answered (censored): the exponential is used: 6 abandoned contacts are too few (under 50) to tell a lognormal from it; Kaplan–Meier gap not judged (under 30 still waiting)"),
        "{text}"
    );
    let fitted = ccsim::fit::fit_log(Path::new("tests/cases/fit_small_log.csv"), 900.0).unwrap();
    let gap = fitted.channels[0].patience.as_ref().unwrap().gap;
    assert_eq!(gap.judged, None);
    assert_eq!(gap.most_at_risk, 11);
    assert!((gap.seen - 0.17).abs() < 0.01, "{gap:?}");
}

#[test]
fn random_logs_fit_to_a_scenario_that_loads_or_are_refused_as_input() {
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt, SeedableRng};
    let dir = TempDir::new("random");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let pieces = [
        "a", "\"", "'", "#", "\\", " ", "=", "[", "]", "{", "}", ".", "é", "*", "/", "\t", "x",
    ];
    let times = [
        "0", "1e-308", "5e-324", "0.0001", "1", "300", "2592000", "1e-5", "4m30s", "",
    ];
    let outcomes = ["answered", "abandoned", "bot_resolved", "bot_dropout", ""];
    let (mut fitted, mut refused) = (0, 0);
    for case in 0..150 {
        let mut name = || -> String {
            (0..rng.random_range(1..4usize))
                .map(|_| pieces[rng.random_range(0..pieces.len())])
                .collect()
        };
        let channels: Vec<String> = (0..2).map(|_| name()).collect();
        let categories: Vec<String> = (0..3).map(|_| name()).collect();
        let mut log = String::from("timestamp,channel,category,attempt,outcome,wait,handle_time\n");
        let rows = rng.random_range(1..80usize);
        let spread = [60.0, 3600.0, 86_400.0, 40.0 * 86_400.0][rng.random_range(0..4usize)];
        let mut t = 0.0;
        for _ in 0..rows {
            t += rng.random::<f64>() * spread / rows as f64;
            let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            log += &format!(
                "{t:.3},{},{},{},{},{},{}\n",
                quote(&channels[rng.random_range(0..2usize)]),
                quote(&categories[rng.random_range(0..3usize)]),
                rng.random_range(1..3u32),
                outcomes[rng.random_range(0..outcomes.len())],
                times[rng.random_range(0..times.len())],
                times[rng.random_range(0..times.len())],
            );
        }
        let path = dir.write(&format!("log{case}.csv"), &log);
        let interval = [900.0, 3600.0, 60.0][rng.random_range(0..3usize)];
        let fit = match ccsim::fit::fit_log(&path, interval) {
            Ok(fit) => fit,
            Err(m) => {
                assert!(m.starts_with(&path.display().to_string()), "{m}");
                refused += 1;
                continue;
            }
        };
        match ccsim::output::fit::to_toml(&fit, "random", "log") {
            Ok(s) => {
                let model = scenario::parse(&s.text, "random.toml", "random")
                    .unwrap_or_else(|e| panic!("case {case}: {e}\n{log}\n{}", s.text));
                let names: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
                let fitted_names: Vec<&str> =
                    fit.channels.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(names, fitted_names, "case {case}");
                fitted += 1;
            }
            Err(ccsim::output::fit::WriteError::Refused(m)) => {
                assert!(m.starts_with("log: "), "{m}");
                refused += 1;
            }
            Err(e) => panic!("case {case}: {e}\n{log}"),
        }
    }
    assert!(
        fitted > 30 && refused > 10,
        "fitted {fitted}, refused {refused}"
    );
}

#[test]
fn logs_without_line_ends_are_refused_with_their_line() {
    let dir = TempDir::new("rows");
    let out_path = dir.path("x.toml");
    let out = ccsim(&["fit", "/dev/zero", "-o", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let zero = "/dev/zero:1: the row is longer than 1 MiB, the most ccsim reads in one row (is this a CSV file with line ends?); a contact log starts with a header row such as timestamp,channel,category";
    assert_eq!(stderr(&out), format!("error: {zero}\n"));
    let out = ccsim(&["run", "scenarios/weekday.toml", "--arrivals", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), format!("error: {zero}\n"));
    // A [[replay]] of /dev/zero: the scenario's line and key, then the log's.
    let scenario = dir.write(
        "replay.toml",
        "[simulation]\nhorizon = \"8h\"\ninterval = \"1h\"\n\n[[channel]]\nname = \"voice\"\n\
         service_level = { answer_within = \"20s\" }\n\n[[category]]\nname = \"general\"\n\n\
         [[replay]]\nfile = \"/dev/zero\"\n\n[[group]]\nname = \"agents\"\nagents = 5\n\
         handles = [\"voice/*\"]\nhandle_time = { dist = \"exponential\", mean = \"5m\" }\n",
    );
    let out = ccsim(&["check", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {}:13:8: key `replay[0].file`: {zero}\n",
            scenario.display()
        )
    );
    // A row of 2 MiB after two good lines.
    let mut text = b"timestamp,channel,category\n1,voice,payment\n2,voice,".to_vec();
    text.extend(std::iter::repeat_n(b'x', 2 << 20));
    text.push(b'\n');
    let long = dir.write("long.csv", &text);
    let wanted = format!(
        "error: {}:3: the row is longer than 1 MiB, the most ccsim reads in one row (is this a CSV file with line ends?)\n",
        long.display()
    );
    let out = ccsim(&[
        "fit",
        long.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(2), wanted.clone()));
    let out = ccsim(&[
        "run",
        "scenarios/weekday.toml",
        "--arrivals",
        long.to_str().unwrap(),
    ]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(2), wanted));
    assert!(!out_path.exists());
}

#[test]
fn fit_and_run_place_the_same_bad_row_alike() {
    let dir = TempDir::new("places");
    let cases = [
        (
            "wait.csv",
            "timestamp,channel,category,wait\n1,voice,payment,3\n2,voice,payment,zz\n",
            ":3:17: column `wait`: wait: \"zz\" is neither seconds nor a duration such as 4m30s",
        ),
        (
            "unsorted.csv",
            "timestamp,channel,category\n2025-11-11T01:00:00,voice,payment\n2025-11-10T01:00:00,voice,payment\n",
            ":3:1: column `timestamp`: the row is",
        ),
        (
            "header.csv",
            "timestamp,chanel,category\n1,voice,payment\n",
            ":1: the header has no `channel` column",
        ),
    ];
    for (name, text, fragment) in cases {
        let log = dir.write(name, text);
        let prefix = format!("error: {}{fragment}", log.display());
        let fit = ccsim(&[
            "fit",
            log.to_str().unwrap(),
            "-o",
            dir.path("x.toml").to_str().unwrap(),
        ]);
        let run = ccsim(&[
            "check",
            "scenarios/weekday.toml",
            "--arrivals",
            log.to_str().unwrap(),
        ]);
        for out in [&fit, &run] {
            assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(out));
            assert!(
                stderr(out).starts_with(&prefix),
                "{name}: {}\nwanted {prefix}",
                stderr(out)
            );
        }
    }
    // Bytes that are not UTF-8: the line and the column's name.
    let log = dir.write(
        "latin1.csv",
        b"timestamp,channel,category\n1,voice,payment\n2,voice,pa\xffyment\n",
    );
    let wanted = format!(
        "error: {}:3: column `category` is not UTF-8 text; save the log as UTF-8\n",
        log.display()
    );
    let fit = ccsim(&[
        "fit",
        log.to_str().unwrap(),
        "-o",
        dir.path("x.toml").to_str().unwrap(),
    ]);
    let run = ccsim(&[
        "check",
        "scenarios/weekday.toml",
        "--arrivals",
        log.to_str().unwrap(),
    ]);
    for out in [fit, run] {
        assert_eq!((out.status.code(), stderr(&out)), (Some(2), wanted.clone()));
    }
}

#[test]
fn rows_of_a_windows_export_are_placed_as_an_editor_counts_lines() {
    let dir = TempDir::new("crlf");
    let rows = "timestamp,channel,category\r\n2025-11-10T00:01:00,voice,orders\r\n2025-11-10T00:02:00,voice,orders\r\n2025-11-10T00:03:00,voice,a/b\r\n";
    let log = dir.write("crlf.csv", rows);
    let out = ccsim(&[
        "fit",
        log.to_str().unwrap(),
        "-o",
        dir.path("x.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("crlf.csv:4:27: column `category`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_exponential_handle_time_is_fitted_with_its_own_mean() {
    // A fit to the logarithms put a lognormal of mean 1.28 × the true one on exponential
    // handle times (the staffing built on it then looked short): the mean is the sample's.
    let fitted = fit_seed(&exponential_center(7, "5m"), 3, "aht");
    let stream = &fitted.channels[0].categories[0];
    let (mean, cv) = stream.handle.unwrap();
    let n = stream.handled as f64;
    // Exponential: the sample mean's standard error is 300 s / √n.
    assert!(
        (mean - 300.0).abs() < 4.0 * 300.0 / n.sqrt(),
        "mean {mean} from {n}"
    );
    assert!((cv - 1.0).abs() < 0.1, "cv {cv}");
}

/// A log timed in seconds (a scenario without `start`) has no weekdays, however many days it
/// spans: the report says that is why day-of-week differences count as busyness, not that
/// the log is under two weeks; a dated log of a few days still says it is.
#[test]
fn a_log_timed_in_seconds_says_it_has_no_weekdays() {
    let undated = exponential_center(16, "4m").replace("start = \"2026-11-09\"\n", "");
    let fitted = fit_seed(&undated, 1, "undated");
    assert!(fitted.first_date.is_none() && fitted.full_days >= 14);
    let report = ccsim::output::fit::report(&fitted);
    assert!(
        report.contains(
            "(a log timed in seconds has no weekdays: day-of-week differences count as busyness)"
        ),
        "{report}"
    );
    assert!(!report.contains("under two weeks"), "{report}");
    let dated = fit_seed(&exponential_center(4, "4m"), 1, "dated");
    assert!(ccsim::output::fit::report(&dated).contains("(under two weeks of whole days"));
}

/// Answered attempts with a handle time of 0 (a disconnect an ACD logs as answered) are
/// work of 0 seconds: kept in the fitted mean, and said when they are 1 % or more.
#[test]
fn answered_rows_with_no_handle_time_are_kept_and_said_when_many() {
    let dir = TempDir::new("zero-handle");
    let mut log = String::from("timestamp,channel,category,attempt,outcome,wait,handle_time\n");
    for i in 0..400 {
        let billing = if i % 8 == 0 { "0.000" } else { "180.5" };
        // Sales has one zero in 400: under 1 %, kept and not said.
        let sales = if i == 7 { "0.000" } else { "240.0" };
        log += &format!("{}.0,voice,billing,1,answered,3.0,{billing}\n", i * 90);
        log += &format!("{}.0,voice,sales,1,answered,2.0,{sales}\n", i * 90 + 45);
    }
    // A zero on an abandoned row is no handle time at all: not counted.
    log += "3700.0,voice,sales,1,abandoned,30.0,0.000\n";
    // Three answered sales rows with an empty handle time: left out, and said.
    for i in 0..3 {
        log += &format!("{}.0,voice,sales,1,answered,2.0,\n", 3800 + i);
    }
    let path = dir.write("zero.csv", &log);
    let fitted = ccsim::fit::fit_log(&path, 3600.0).unwrap();
    let said: Vec<&String> = fitted
        .warnings
        .iter()
        .filter(|w| w.contains("handle time of 0"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", fitted.warnings);
    let empty: Vec<&String> = (fitted.warnings.iter())
        .filter(|w| w.contains("no handle time"))
        .collect();
    assert_eq!(
        empty,
        [
            "\"voice/sales\": 3 answered attempts have no handle time (an empty cell): left out of the handle-time fit, which is of the 400 attempts with one"
        ],
        "{:?}",
        fitted.warnings
    );
    assert!(
        said[0].starts_with(
            "\"voice/billing\": 50 of the 400 attempts with a handle time (12.5 %) are answered with a handle time of 0"
        ),
        "{}",
        said[0]
    );
    let (billing, sales) = (
        &fitted.channels[0].categories[0],
        &fitted.channels[0].categories[1],
    );
    assert_eq!((billing.handled, sales.handled), (400, 400));
    // The mean is the log's workload: 350 × 180.5 s over 400 attempts.
    let mean = billing.handle.map(|(m, _)| m).unwrap();
    assert!((mean - 350.0 * 180.5 / 400.0).abs() < 1e-9, "{mean}");
    let mean = sales.handle.map(|(m, _)| m).unwrap();
    assert!((mean - 399.0 * 240.0 / 400.0).abs() < 1e-9, "{mean}");
}
