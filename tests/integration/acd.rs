//! ACD exports in (issue 14, items 5–7): an export with its own headers, date-times,
//! durations, outcome words and delimiter reads to the records of the native log it was
//! made from; an outcome word that is not mapped is a located error listing the words;
//! returns are recognised by customer id and fit's redial estimate covers the truth; and
//! `fit --typical-day` writes a profile and day factors that give back the daily volumes.

use crate::support::ccsim;
use ccsim::contact_log::{LogColumns, ReturnKind, Returns, build_format};
use ccsim::engine::{AttemptOutcome, Workspace};
use ccsim::experiment;
use ccsim::scenario;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ccsim-acd-{name}-{}", std::process::id()))
}

/// Every row of a log as (timestamp text, channel, category, outcome, wait, handle).
type Row = (
    jiff::civil::DateTime,
    String,
    String,
    Option<AttemptOutcome>,
    Option<f64>,
    Option<f64>,
);

fn rows_of(path: &Path, delimiter: u8, format: &ccsim::contact_log::ReplayFormat) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap();
    let header = reader.headers().unwrap().clone();
    let columns = LogColumns::from_header_with(&header, format).unwrap();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let row = columns.parse(&record).unwrap();
        let t = match row.timestamp {
            ccsim::contact_log::Timestamp::Local(t) => t,
            other => panic!("{other:?}"),
        };
        out.push((
            t,
            row.channel.to_string(),
            row.category.to_string(),
            row.outcome,
            row.wait,
            row.handle_time,
        ));
    }
    out
}

/// Item 5: the shipped export (made from last_week.csv by acd_convert.py) reads, through
/// the default spellings and a date-time format, to the native log's records: the same
/// rows, names and outcomes, times to the second the export keeps.
#[test]
fn the_acd_export_reads_to_the_records_of_its_native_log() {
    let native = rows_of(
        &root().join("scenarios/logs/last_week.csv"),
        b',',
        &Default::default(),
    );
    let format = build_format(&[], Some("%d/%m/%Y %H:%M:%S"), None, &[], None).unwrap();
    let export = rows_of(
        &root().join("scenarios/logs/acd_export_week.csv"),
        b';',
        &format,
    );
    assert_eq!(native.len(), export.len());
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 0.5 + 1e-9,
        (None, None) => true,
        _ => false,
    };
    for (n, e) in native.iter().zip(&export) {
        let dt = n.0.duration_since(e.0).as_secs_f64();
        assert!((0.0..1.0).contains(&dt), "{n:?} {e:?}");
        assert_eq!((&n.1, &n.2, n.3), (&e.1, &e.2, e.3));
        assert!(close(n.4, e.4) && close(n.5, e.5), "{n:?} {e:?}");
    }
}

/// Item 5: the usual ACD headers are recognised without a mapping (without case), the
/// first spelling listed winning; a mapping names other headers.
#[test]
fn the_usual_headers_are_recognised_and_a_mapping_names_others() {
    let header = csv::StringRecord::from(vec![
        "Start Time",
        "Skill",
        "Queue",
        "Handle Time",
        "Talk Time",
        "Queue Time",
        "Result",
        "ANI",
    ]);
    let columns = LogColumns::from_header_with(&header, &Default::default()).unwrap();
    let record = csv::StringRecord::from(vec![
        "2025-03-03T08:00:00",
        "billing",
        "voice",
        "00:05:12",
        "00:04:00",
        "00:00:30",
        "Handled",
        "+3312345",
    ]);
    let row = columns.parse(&record).unwrap();
    assert_eq!((row.channel, row.category), ("voice", "billing"));
    assert_eq!(row.handle_time, Some(312.0));
    assert_eq!(row.wait, Some(30.0));
    assert_eq!(row.outcome, Some(AttemptOutcome::Answered));
    assert_eq!(row.customer, Some("+3312345"));
    assert_eq!(columns.ignored, vec!["Talk Time".to_string()]);
    // Mapped: other names, another outcome word, a day-first date.
    let header = csv::StringRecord::from(vec!["Beginn", "Kanal", "Thema", "Ergebnis"]);
    let format = build_format(
        &[
            ("arrival".into(), "beginn".into()),
            ("channel".into(), "Kanal".into()),
            ("category".into(), "Thema".into()),
            ("outcome".into(), "Ergebnis".into()),
        ],
        Some("%d.%m.%Y %H:%M"),
        None,
        &[("Aufgelegt".into(), "abandoned".into())],
        None,
    )
    .unwrap();
    let columns = LogColumns::from_header_with(&header, &format).unwrap();
    let record = csv::StringRecord::from(vec!["03.03.2025 08:15", "voice", "billing", "aufgelegt"]);
    let row = columns.parse(&record).unwrap();
    assert_eq!(
        row.timestamp,
        ccsim::contact_log::Timestamp::Local(jiff::civil::date(2025, 3, 3).at(8, 15, 0, 0))
    );
    assert_eq!(row.outcome, Some(AttemptOutcome::Abandoned));
    // A mapping to a header the file does not have, and to an outcome ccsim has not.
    let bad = build_format(
        &[("channel".into(), "Medium".into())],
        None,
        None,
        &[],
        None,
    )
    .unwrap();
    let e = LogColumns::from_header_with(&header, &bad).unwrap_err();
    assert_eq!(
        e,
        "the column `Medium` mapped to channel is not in the header; its columns are `Beginn`, `Kanal`, `Thema`, `Ergebnis`"
    );
    let e = build_format(&[], None, None, &[("X".into(), "gone".into())], None).unwrap_err();
    assert_eq!(e.0, "outcomes");
}

/// Item 5: an outcome word that is not mapped is an error at its file, line and column
/// that lists the words the log's outcome column holds.
#[test]
fn an_unmapped_outcome_word_is_a_located_error_listing_the_words() {
    let log = temp("voicemail.csv");
    std::fs::write(
        &log,
        "Call Start;Queue;Skill;Disposition;Wait Time\n\
         2025-03-03 08:00:00;voice;billing;Handled;00:00:10\n\
         2025-03-03 08:01:00;voice;billing;Voicemail;00:01:10\n\
         2025-03-03 08:02:00;voice;billing;Abandoned;00:00:40\n",
    )
    .unwrap();
    let out = temp("voicemail.toml");
    let o = ccsim(&[
        "fit",
        log.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--datetime-format",
        "%Y-%m-%d %H:%M:%S",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr).replace(log.to_str().unwrap(), "LOG");
    assert_eq!(
        stderr.trim_end(),
        "error: LOG:3:35: column `Disposition`: outcome \"Voicemail\" is not one of answered, abandoned, bot_resolved, bot_dropout; the log's outcome words are Abandoned, Handled, Voicemail (not read: Voicemail); map a word with outcomes = { \"Voicemail\" = \"abandoned\" } in [[replay]], or --outcome \"Voicemail=abandoned\" to ccsim fit"
    );
    // Mapped, it fits.
    let o = ccsim(&[
        "fit",
        log.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--datetime-format",
        "%Y-%m-%d %H:%M:%S",
        "--outcome",
        "Voicemail=abandoned",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(&out);
}

/// Item 6: returns by customer id in a constructed log are classified exactly: a redial
/// after an abandon, a repeat after an answer, a first contact outside the window.
#[test]
fn returns_are_recognised_by_customer_id() {
    let mut r = Returns::new(3600.0);
    let ab = Some(AttemptOutcome::Abandoned);
    let an = Some(AttemptOutcome::Answered);
    // (customer, time, outcome, wait, handle) → expected kind and delay
    let cases = [
        ("a", 0.0, ab, Some(60.0), None, ReturnKind::First, 0.0),
        (
            "b",
            10.0,
            an,
            Some(5.0),
            Some(100.0),
            ReturnKind::First,
            0.0,
        ),
        (
            "a",
            360.0,
            an,
            Some(0.0),
            Some(200.0),
            ReturnKind::Redial,
            300.0,
        ),
        (
            "b",
            1115.0,
            ab,
            Some(30.0),
            None,
            ReturnKind::Repeat,
            1000.0,
        ),
        (
            "a",
            560.0 + 3600.0 + 1.0,
            an,
            Some(0.0),
            Some(1.0),
            ReturnKind::First,
            0.0,
        ),
        (
            "b",
            1145.0 + 120.0,
            an,
            None,
            None,
            ReturnKind::Redial,
            120.0,
        ),
        ("c", 2000.0, None, None, None, ReturnKind::First, 0.0),
        ("c", 2001.0, None, None, None, ReturnKind::Repeat, 1.0),
    ];
    for (customer, time, outcome, wait, handle, kind, delay) in cases {
        let (k, d) = r.classify(customer, time, outcome, wait, handle);
        assert_eq!((k, d), (kind, delay), "{customer} at {time}");
    }
}

const REDIALS: &str = r#"
[simulation]
horizon = "3d"
interval = "1h"
start = "2026-11-09"
seed = 11

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
patience = { dist = "exponential", mean = "1m" }
redial = { probability = 0.4, delay = { dist = "exponential", mean = "10m" }, max_attempts = 30 }

[[category]]
name = "sales"

[[arrivals]]
channel = "voice"
category = "sales"
daily_volume = 3000

[[group]]
name = "agents"
handles = ["voice/*"]
agents = 8
handle_time = { dist = "exponential", mean = "4m" }
"#;

/// Item 6: a simulated log with a known redial probability, its attempt column taken
/// out: the redials are found by customer id, and the fit's 95 % interval of the redial
/// probability covers 0.4 (a fixed seed); its mean delay is near 10 minutes.
#[test]
fn fit_estimates_the_redial_probability_from_customer_returns() {
    let model = scenario::parse(REDIALS, "redials.toml", "redials").unwrap();
    let mut records = Vec::new();
    experiment::replicate(
        &model,
        model.seed,
        0,
        &mut Workspace::new(),
        Some(&mut records),
    )
    .unwrap();
    let mut native = Vec::new();
    ccsim::contact_log::write_log(&model, &mut records, &mut native).unwrap();
    let returns_native = records.iter().filter(|r| r.attempt > 1).count() as u64;
    // The attempt column (the 6th) removed.
    let text = String::from_utf8(native).unwrap();
    let stripped: String = text
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(5);
            f.join(",") + "\n"
        })
        .collect();
    let path = temp("redials.csv");
    std::fs::write(&path, stripped).unwrap();
    let fit = ccsim::fit::fit_log(&path, 3600.0).unwrap();
    let voice = &fit.channels[0];
    let redial = voice.redial().unwrap();
    assert_eq!(
        fit.returns, returns_native,
        "every redial found by customer id"
    );
    assert_eq!(redial.events, returns_native);
    assert!(
        redial.interval.0 <= 0.4 && 0.4 <= redial.interval.1,
        "{redial:?}"
    );
    assert!(redial.events > 300, "{redial:?}");
    // Exponential mean delay 10 min: within four standard errors (sd = mean/√n).
    let se = 600.0 / (redial.events as f64).sqrt();
    assert!((redial.mean_delay - 600.0).abs() < 4.0 * se, "{redial:?}");
    let _ = std::fs::remove_file(&path);
}

const TWO_WEEKS: &str = r#"
[simulation]
horizon = "14d"
interval = "1h"
start = "2026-11-09"
seed = 5

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }

[[category]]
name = "orders"

[[category]]
name = "returns"

[[arrivals]]
channel = "voice"
category = "orders"
daily_volume = 900
profile = [0, 0, 0, 0, 0, 0, 0, 0, 4, 6, 8, 8, 7, 7, 7, 6, 6, 5, 4, 0, 0, 0, 0, 0]
day_of_week = [1.3, 1.1, 1, 1, 1.2, 0.6, 0.5]

[[arrivals]]
channel = "voice"
category = "returns"
daily_volume = 300
profile = [0, 0, 0, 0, 0, 0, 0, 0, 4, 6, 8, 8, 7, 7, 7, 6, 6, 5, 4, 0, 0, 0, 0, 0]
day_of_week = [1.3, 1.1, 1, 1, 1.2, 0.6, 0.5]

[[group]]
name = "agents"
handles = ["voice/*"]
agents = 40
handle_time = { dist = "exponential", mean = "3m" }
"#;

/// Item 7: `--typical-day` on a two-week log writes a week from a Monday whose profile
/// and day-of-week factors give back the log's mean volume of each weekday (the sum
/// test), with the hours without contacts in any week written as closed zeros. The
/// center is closed at night: its first and last days count as whole by its hours (fit
/// tells weekdays apart from 14 whole days only).
#[test]
fn typical_day_reproduces_the_daily_volumes() {
    let model = scenario::parse(TWO_WEEKS, "two_weeks.toml", "two_weeks").unwrap();
    let mut records = Vec::new();
    experiment::replicate(
        &model,
        model.seed,
        0,
        &mut Workspace::new(),
        Some(&mut records),
    )
    .unwrap();
    let path = temp("two_weeks.csv");
    let mut out = std::fs::File::create(&path).unwrap();
    ccsim::contact_log::write_log(&model, &mut records, &mut out).unwrap();
    let fit = ccsim::fit::fit_log(&path, 3600.0).unwrap();
    let options = ccsim::output::fit::FitOptions { typical_day: true };
    let text = ccsim::output::fit::to_toml_with(&fit, "typical", "log", options)
        .unwrap()
        .text;
    assert!(text.contains("horizon = \"7d\""), "{text}");
    assert!(text.contains("start = \"2026-11-09\""), "{text}");
    assert!(
        text.contains("# closed: no contacts in any week (00:00–08:00, 19:00–24:00)"),
        "{text}"
    );
    let doc: toml::Table = text.parse().unwrap();
    let arrivals = doc["arrivals"].as_array().unwrap();
    let num = |v: &toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64)).unwrap();
    let mut predicted = [0.0; 7];
    for a in arrivals {
        let daily = num(&a["daily_volume"]);
        let profile: Vec<f64> = a["profile"].as_array().unwrap().iter().map(num).collect();
        assert!(
            profile[1..8].iter().all(|x| *x == 0.0) && profile[19..23].iter().all(|x| *x == 0.0)
        );
        let dow: Vec<f64> = a["day_of_week"]
            .as_array()
            .unwrap()
            .iter()
            .map(num)
            .collect();
        for w in 0..7 {
            predicted[w] += daily * dow[w];
        }
    }
    let daily = &fit.channels[0].daily_counts;
    for w in 0..7 {
        // 2026-11-09 is a Monday: days w and w + 7 are weekday w.
        let actual = (daily[w] + daily[w + 7]) / 2.0;
        assert!(
            (predicted[w] - actual).abs() <= 1e-3 * actual.max(1.0),
            "weekday {w}: {} vs {actual}",
            predicted[w]
        );
    }
    // The scenario loads and runs one week.
    let m = scenario::parse(&text, "typical.toml", "typical").unwrap();
    assert_eq!(m.horizon, 7.0 * 86_400.0);
    let _ = std::fs::remove_file(&path);
}

/// A scenario replaying a log through `[[replay]]` keys, written in a scratch folder.
fn replay_scenario(name: &str, replay: &str) -> PathBuf {
    let dir = temp(name);
    std::fs::create_dir_all(&dir).unwrap();
    let source = root().join("scenarios/logs/last_week_source.toml");
    let path = dir.join("s.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\nname = \"acd\"\n\n[set]\narrivals = []\nreplay = [{replay}]\n",
            source.to_str().unwrap()
        ),
    )
    .unwrap();
    path
}

/// Item 5 in `[[replay]]`: the export replays through its mapping as the native log does
/// (the same rows replayed, the same with handle times), and a bad mapping is placed at
/// its key.
#[test]
fn replay_reads_the_export_through_its_mapping() {
    let logs = root().join("scenarios/logs");
    let native = replay_scenario(
        "native",
        &format!(
            "{{ file = {:?} }}",
            logs.join("last_week.csv").to_str().unwrap()
        ),
    );
    let export = replay_scenario(
        "export",
        &format!(
            "{{ file = {:?}, datetime_format = \"day-first\", delimiter = \";\", columns = {{ timestamp = \"call start\" }}, outcomes = {{ Transferred = \"answered\" }} }}",
            logs.join("acd_export_week.csv").to_str().unwrap()
        ),
    );
    let a = scenario::load(&native).unwrap_or_else(|e| panic!("{e}"));
    let b = scenario::load(&export).unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (
        a.replays[0].scan.clone().unwrap(),
        b.replays[0].scan.clone().unwrap(),
    );
    assert_eq!(
        (a.rows, a.replayed, a.returns, a.with_handle_time),
        (b.rows, b.replayed, b.returns, b.with_handle_time)
    );
    assert_eq!(b.replayed, 21095);
    let bad = replay_scenario(
        "bad",
        &format!(
            "{{ file = {:?}, datetime_format = \"%H:%M\" }}",
            logs.join("acd_export_week.csv").to_str().unwrap()
        ),
    );
    let e = scenario::load(&bad).unwrap_err().to_string();
    assert!(
        e.contains(
            "key `replay[0].datetime_format`: \"%H:%M\" does not give a date and a time of day"
        ),
        "{e}"
    );
}

/// Item 6 in replay: a customer's redial and repeat within the window are left to the
/// scenario's own return model (counted as returns, not replayed); outside the window a
/// contact is a first one.
#[test]
fn replay_leaves_customer_returns_to_the_scenario() {
    let dir = temp("returns");
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("returns.csv");
    std::fs::write(
        &log,
        "Start Time,Queue,Skill,Result,Queue Time,Talk Time,ANI\n\
         2025-11-10 08:00:00,voice,orders,Abandoned,00:01:00,,111\n\
         2025-11-10 08:05:00,voice,orders,Handled,00:00:10,00:04:00,111\n\
         2025-11-10 09:00:00,voice,orders,Handled,00:00:10,00:04:00,111\n\
         2025-11-10 09:00:00,voice,orders,Handled,00:00:10,00:04:00,222\n\
         2025-11-12 09:00:00,voice,orders,Handled,00:00:10,00:04:00,111\n",
    )
    .unwrap();
    let path = replay_scenario(
        "returns",
        &format!(
            "{{ file = {:?}, log_start = \"2025-11-10\" }}",
            log.to_str().unwrap()
        ),
    );
    let m = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let scan = m.replays[0].scan.clone().unwrap();
    assert_eq!((scan.rows, scan.returns, scan.replayed), (5, 2, 3));
}

/// Item 5 on the command line: `fit`'s `--columns`, `--delimiter`, `--datetime-format`
/// and `--outcome` read a log with other names; a column ccsim does not read is refused
/// naming the flag.
#[test]
fn fit_flags_map_an_export() {
    let log = temp("flags.csv");
    std::fs::write(
        &log,
        "Beginn|Kanal|Thema|Ergebnis|Warten\n\
         03.03.2025 08:00|voice|billing|ok|12\n\
         03.03.2025 08:10|voice|billing|weg|40\n",
    )
    .unwrap();
    let out = temp("flags.toml");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "fit",
            log.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--force",
            "--datetime-format",
            "%d.%m.%Y %H:%M",
            "--outcome",
            "ok=answered",
            "--outcome",
            "weg=abandoned",
        ];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    // `|` is not a delimiter ccsim reads.
    let o = ccsim(
        &args(&["--delimiter", "|"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--delimiter: \"|\" is not a delimiter ccsim reads"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(
        &log,
        std::fs::read_to_string(&log).unwrap().replace('|', ";"),
    )
    .unwrap();
    let o = ccsim(
        &args(&[
            "--delimiter",
            ";",
            "--columns",
            "arrival=Beginn,channel=Kanal,category=Thema",
            "--columns",
            "outcome=Ergebnis,wait=Warten",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("2 rows: 2 arrivals over 1 day(s)"));
    let o = ccsim(
        &args(&["--columns", "queue=Kanal"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--columns: `queue` is not a column ccsim reads"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(&out);
}
