//! Contact logs: `ccsim log` writes one replication's attempts; replaying that log gives
//! back exactly its arrivals (and, with its handle times and no abandonment, exactly its
//! waits); volume scaling and the bootstrap have the right means and spread; bad rows are
//! located or, when asked, skipped and counted.

use crate::support::{ccsim, run, within_four_se};
use ccsim::engine::Workspace;
use ccsim::experiment;
use ccsim::scenario::{self, LoadOptions};
use std::path::{Path, PathBuf};

/// An Erlang-C center (no abandonment) with a start date and two categories.
const CENTER: &str = r#"
[simulation]
horizon = "8h"
interval = "1h"
start = "2026-11-11"
replications = 10

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }

[[category]]
name = "payment"

[[category]]
name = "logistics"

[[arrivals]]
channel = "voice"
mix = { payment = 0.3333333333, logistics = 0.6666666667 }
rate_per_hour = 300

[[group]]
name = "agents"
agents = 27
handles = ["voice/*"]
handle_time = { dist = "lognormal", mean = "5m", cv = 0.8 }
"#;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("ccsim-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes the log of replication `r` of the scenario at `path` to `log`.
fn write_log(path: &Path, r: u32, log: &Path) -> ccsim::stats::ReplicationOutcome {
    let model = scenario::load(path).unwrap();
    let mut records = Vec::new();
    let outcome = experiment::replicate(
        &model,
        model.seed,
        r,
        &mut Workspace::new(),
        Some(&mut records),
    )
    .unwrap();
    let mut out = std::fs::File::create(log).unwrap();
    ccsim::contact_log::write_log(&model, &mut records, &mut out).unwrap();
    outcome
}

fn replay(path: &Path, log: &Path) -> ccsim::model::Model {
    let options = LoadOptions {
        arrivals: Some(log.to_path_buf()),
        skip_bad_rows: false,
        log_start: None,
    };
    scenario::load_with(path, &options).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_replayed_log_gives_back_its_arrivals_and_with_its_handle_times_its_waits() {
    let dir = TempDir::new("replay-exact");
    let scenario_file = dir.write("center.toml", CENTER);
    let log = dir.0.join("log.csv");
    let original = write_log(&scenario_file, 3, &log);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("timestamp,channel,category,priority,customer_id,attempt,outcome,wait,handle_time\n2026-11-11T00:"));

    let model = replay(&scenario_file, &log);
    let scan = model.replays[0].scan.clone().unwrap();
    assert_eq!(scan.rows as f64, original.totals.arrivals);
    assert_eq!(scan.replayed, scan.rows);
    assert_eq!(
        scan.with_handle_time, scan.rows,
        "nobody abandons: every row was answered"
    );
    let result = run(&model, 4, 99, 2);
    for o in &result.outcomes {
        assert_eq!(o.totals.arrivals, original.totals.arrivals);
        assert_eq!(o.by_category[0].arrivals, original.by_category[0].arrivals);
        // Same arrival times (to the millisecond) and handle times, first come first
        // served by identical agents: the same waits, whatever the seed.
        assert!(
            (o.totals.asa_s - original.totals.asa_s).abs() < 0.01,
            "{} vs {}",
            o.totals.asa_s,
            original.totals.asa_s
        );
        assert!((o.totals.service_level - original.totals.service_level).abs() < 0.002);
    }
}

#[test]
fn volume_scale_thins_or_copies_rows_and_the_bootstrap_resamples_them() {
    let dir = TempDir::new("replay-scale");
    let scenario_file = dir.write("center.toml", CENTER);
    write_log(&scenario_file, 0, &dir.0.join("log.csv"));
    let rows = {
        let m = replay(&scenario_file, &dir.0.join("log.csv"));
        m.replays[0].scan.as_ref().unwrap().rows as f64
    };
    let with_replay = |extra: &str| -> PathBuf {
        let text = CENTER.replace(
            "[[arrivals]]\nchannel = \"voice\"\nmix = { payment = 0.3333333333, logistics = 0.6666666667 }\nrate_per_hour = 300\n",
            &format!("[[replay]]\nfile = \"log.csv\"\n{extra}\n"),
        );
        dir.write("replayed.toml", &text)
    };
    for scale in [0.5f64, 1.3, 2.0] {
        let model = scenario::load(&with_replay(&format!("volume_scale = {scale}"))).unwrap();
        let result = run(&model, 20, 7, 2);
        let est = result.estimate(|o| o.totals.arrivals);
        if scale == 2.0 {
            assert_eq!(est.mean, 2.0 * rows);
            assert_eq!(est.ci95, 0.0);
        } else {
            // Each row kept (or copied once more) with the fractional part's probability.
            let f: f64 = scale - scale.floor();
            let sd = (rows * f * (1.0 - f)).sqrt();
            assert!(
                (est.mean - scale * rows).abs() < 4.0 * sd / 20f64.sqrt(),
                "{est:?}"
            );
        }
    }
    let model = scenario::load(&with_replay("bootstrap = true")).unwrap();
    let result = run(&model, 40, 8, 2);
    let est = result.estimate(|o| o.totals.arrivals);
    assert!(within_four_se(&est, rows), "{est:?} vs {rows}");
    // Poisson(1) copies per row: the total varies like a Poisson count of mean `rows`.
    let counts: Vec<f64> = result.outcomes.iter().map(|o| o.totals.arrivals).collect();
    let var = counts.iter().map(|c| (c - est.mean).powi(2)).sum::<f64>() / 39.0;
    assert!(
        var > 0.4 * rows && var < 1.8 * rows,
        "variance {var} for {rows} rows"
    );
}

#[test]
fn bad_rows_are_located_or_skipped_and_counted() {
    let dir = TempDir::new("replay-bad");
    let scenario_file = dir.write("center.toml", CENTER);
    let log = dir.write(
        "log.csv",
        "timestamp,channel,category,agent\n\
         2026-11-11T00:00:01,voice,payment,a7\n\
         2026-11-11T00:00:05,voice,paymnet,a7\n\
         2026-11-11T00:00:09,voice,logistics,a8\n\
         2026-11-11T00:00:03,voice,logistics,a8\n\
         tomorrow,voice,logistics,a8\n\
         600,voice,logistics,a9\n",
    );
    let err = scenario::load_with(
        &scenario_file,
        &LoadOptions {
            arrivals: Some(log.clone()),
            skip_bad_rows: false,
            log_start: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.position, Some((3, 27)), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("column `category`: there is no category \"paymnet\"")
            && text.contains("--skip-bad-rows"),
        "{text}"
    );

    let model = scenario::load_with(
        &scenario_file,
        &LoadOptions {
            arrivals: Some(log.clone()),
            skip_bad_rows: true,
            log_start: None,
        },
    )
    .unwrap();
    let scan = model.replays[0].scan.clone().unwrap();
    assert_eq!(scan.rows, 6);
    assert_eq!(scan.bad, 3, "{scan:?}");
    assert_eq!(scan.replayed, 3);
    assert_eq!(scan.ignored_columns, vec!["agent".to_string()]);
    assert!(
        scan.first_bad[1].contains(":5:1: column `timestamp`: the row is earlier"),
        "{:?}",
        scan.first_bad
    );
    assert!(
        scan.first_bad[2].contains(":6:1: column `timestamp`"),
        "{:?}",
        scan.first_bad
    );
    let result = run(&model, 2, 1, 1);
    assert_eq!(result.outcomes[0].totals.arrivals, 3.0);

    let missing = dir.write("no_category.csv", "timestamp,channel\n1,voice\n");
    let err = replay_err(&scenario_file, &missing);
    assert!(
        err.contains("no_category.csv:1: the header has no `category` column"),
        "{err}"
    );
}

fn replay_err(path: &Path, log: &Path) -> String {
    let options = LoadOptions {
        arrivals: Some(log.to_path_buf()),
        skip_bad_rows: false,
        log_start: None,
    };
    scenario::load_with(path, &options).unwrap_err().to_string()
}

#[test]
fn the_command_line_logs_and_replays() {
    let dir = TempDir::new("replay-cli");
    let scenario_file = dir.write("center.toml", CENTER);
    let log = dir.0.join("log.csv");
    let s = scenario_file.to_str().unwrap();
    let l = log.to_str().unwrap();
    let out = ccsim(&["log", s, "-o", l]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An existing output is kept unless --force.
    let out = ccsim(&["log", s, "-o", l]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --force"));
    let out = ccsim(&["run", s, "--arrivals", l, "--json", "--replications", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["replays"][0]["bad_rows"], 0);
    assert!(json["replays"][0]["rows"].as_u64().unwrap() > 2000);
}

#[test]
fn rows_are_placed_by_log_start_and_time_shift_and_abandon_times_are_patience() {
    use ccsim::engine::ContactFeed;
    let dir = TempDir::new("replay-feed");
    dir.write(
        "log.csv",
        "timestamp,channel,category,outcome,wait,handle_time\n\
         2025-11-10T07:59:00,voice,payment,answered,5,300\n\
         2025-11-10T08:00:30,voice,payment,abandoned,30,\n\
         2025-11-10T08:01:00,voice,logistics,answered,100,4m\n",
    );
    let text = CENTER.replace(
        "[[arrivals]]\nchannel = \"voice\"\nmix = { payment = 0.3333333333, logistics = 0.6666666667 }\nrate_per_hour = 300\n",
        "[[replay]]\nfile = \"log.csv\"\nlog_start = \"2025-11-10T08:00\"\ntime_shift = \"1m\"\n",
    );
    let model = scenario::load(&dir.write("center.toml", &text)).unwrap();
    let scan = model.replays[0].scan.clone().unwrap();
    // 07:59 + 1 minute is time 0: inside; nothing is outside the horizon.
    assert_eq!((scan.rows, scan.replayed, scan.outside), (3, 3, 0));
    let mut feed = ccsim::contact_log::ReplayFeed::open(&model, 0, 1, 0).unwrap();
    let first = feed.next_contact().unwrap();
    assert_eq!(first.time, 0.0);
    assert_eq!(first.handle_time, Some(300.0));
    assert_eq!((first.patience, first.waited_at_least), (None, 5.0));
    let second = feed.next_contact().unwrap();
    assert_eq!(second.time, 90.0);
    assert_eq!(
        second.patience,
        Some(30.0),
        "an abandon time is the patience"
    );
    let third = feed.next_contact().unwrap();
    assert_eq!(third.time, 120.0);
    assert_eq!(third.handle_time, Some(240.0));
    assert_eq!(third.waited_at_least, 100.0);
    assert_eq!(feed.next_contact(), None);
}

#[test]
fn empty_logs_short_rows_and_logs_outside_the_horizon_are_refused_with_what_to_do() {
    let dir = TempDir::new("replay-empty");
    let scenario_file = dir.write("center.toml", CENTER);
    let cases = [
        ("empty.csv", "", "the file is empty"),
        (
            "header_only.csv",
            "timestamp,channel,category\n",
            "the log has a header but no rows",
        ),
        (
            "wrong_header.csv",
            "Zeit,Channel,Category\n1,voice,payment\n",
            "the header has no `timestamp` column; a contact log needs timestamp, channel and category (and may have priority, customer_id, attempt, outcome, wait, handle_time, patience) (the header reads: Zeit,Channel,Category)",
        ),
        (
            "short.csv",
            "timestamp,channel,category,wait\n1,voice,payment,3\n2,voice,payment\n",
            ":3:17: column `wait`: the row has 3 fields; the header has 4 (`wait` is missing)",
        ),
        (
            "last_year.csv",
            "timestamp,channel,category\n2025-11-11T00:10:00,voice,payment\n2025-11-11T07:00:00,voice,payment\n",
            "none of its 2 rows falls in the horizon: the log runs from 2025-11-11T00:10:00 to 2025-11-11T07:00:00, and the horizon takes 8h from 2026-11-11T00:00:00; set log_start",
        ),
        (
            "huge_handle.csv",
            "timestamp,channel,category,handle_time\n1,voice,payment,1e308\n",
            "column `handle_time`: handle_time: \"1e308\" seconds is more than 30 days",
        ),
    ];
    for (name, text, fragment) in cases {
        let log = dir.write(name, text);
        let err = replay_err(&scenario_file, &log);
        assert!(err.contains(fragment), "{name}: {err}");
    }
    // The log's own date placed at time 0 (the command line's --log-start) replays it.
    let options = LoadOptions {
        arrivals: Some(dir.0.join("last_year.csv")),
        skip_bad_rows: false,
        log_start: Some("2025-11-11".into()),
    };
    let model = scenario::load_with(&scenario_file, &options).unwrap();
    assert_eq!(model.replays[0].scan.as_ref().unwrap().replayed, 2);
}

#[test]
fn errors_in_a_replayed_log_name_the_scenario_line_and_key_then_the_log_row() {
    let dir = TempDir::new("replay-located");
    dir.write(
        "last_week.csv",
        "timestamp,channel,category,wait\n\
         2026-11-11T00:10:00,voice,payment,3\n\
         2026-11-11T00:20:00,voice,payment,3\n\
         2026-11-11T00:30:00,voice,payment,soon\n",
    );
    dir.write(
        "fine.csv",
        "timestamp,channel,category\n2026-11-11T00:10:00,voice,payment\n",
    );
    let text = CENTER.replace(
        "[[arrivals]]\nchannel = \"voice\"\nmix = { payment = 0.3333333333, logistics = 0.6666666667 }\nrate_per_hour = 300\n",
        "[[replay]]\nfile = \"fine.csv\"\n\n[[replay]]\n  file = \"last_week.csv\"\n",
    );
    let scenario_file = dir.write("center.toml", &text);
    let log = dir.0.join("last_week.csv");
    let wanted = format!(
        "{}:22:10: key `replay[1].file`: {}:4:35: column `wait`: wait: \"soon\" is neither seconds nor a duration such as 4m30s (or skip such rows with --skip-bad-rows)",
        scenario_file.display(),
        log.display()
    );
    let err = scenario::load(&scenario_file).unwrap_err();
    assert_eq!(err.to_string(), wanted);
    assert_eq!(err.position, Some((22, 10)));
    assert_eq!(err.key.as_deref(), Some("replay[1].file"));
    let out = crate::support::command()
        .args(["check", scenario_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: {wanted}\n")
    );

    // A variant that points a replay at the log: the change in the variant file.
    let base = dir.write("base.toml", &text.replace("last_week.csv", "fine.csv"));
    let variant = dir.write(
        "variant.toml",
        "extends = \"base.toml\"\n\n[set]\n\"replay[1].file\" = \"last_week.csv\"\n",
    );
    assert!(scenario::load(&base).is_ok());
    let err = scenario::load(&variant).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}:4:1: key `replay[1].file`: {}:4:35: column `wait`: wait: \"soon\" is neither seconds nor a duration such as 4m30s (or skip such rows with --skip-bad-rows)",
            variant.display(),
            log.display()
        )
    );
    // A variant that leaves the replay as the base has it: the base's line.
    let variant = dir.write(
        "variant2.toml",
        "extends = \"center.toml\"\n\n[set]\n\"simulation.seed\" = 3\n",
    );
    let err = scenario::load(&variant).unwrap_err().to_string();
    assert_eq!(err, wanted);
    // A log named on the command line has no scenario key: the log's place alone.
    let err = replay_err(&base, &log);
    assert_eq!(
        err,
        format!(
            "{}:4:35: column `wait`: wait: \"soon\" is neither seconds nor a duration such as 4m30s (or skip such rows with --skip-bad-rows)",
            log.display()
        )
    );
}
