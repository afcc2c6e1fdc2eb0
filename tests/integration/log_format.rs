//! Contact logs as spreadsheets and contact-center systems export them (issue 12, items 14
//! and 15): separated by semicolons or tabs (with decimal commas), with a byte-order mark,
//! Windows or old Mac line ends, blank lines, and date-times with UTC offsets across a
//! daylight-saving change. `check`, `run` (replay) and `fit` read them alike: the same rows,
//! the same places, every error at the line an editor shows.

use crate::support::ccsim;
use ccsim::contact_log::ReplayFeed;
use ccsim::engine::ContactFeed;
use ccsim::scenario::{self, LoadOptions};
use std::path::{Path, PathBuf};
use std::process::Output;

/// One channel and category over a day, without arrivals of its own.
const CENTER: &str = r#"
[simulation]
horizon = "1d"
interval = "1h"
replications = 2

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }

[[category]]
name = "general"

[[group]]
name = "agents"
agents = 5
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "5m" }
"#;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("ccsim-logfmt-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
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

fn options(log: &Path) -> LoadOptions {
    LoadOptions {
        arrivals: Some(log.to_path_buf()),
        skip_bad_rows: false,
        log_start: None,
    }
}

/// Every contact replication 0 replays from `log`: (time, handle time, patience, waited).
fn replayed(center: &Path, log: &Path) -> Vec<(f64, Option<f64>, Option<f64>, f64)> {
    let model = scenario::load_with(center, &options(log)).unwrap_or_else(|e| panic!("{e}"));
    let mut feed = ReplayFeed::open(&model, 0, 1, 0).unwrap();
    let mut contacts = Vec::new();
    while let Some(c) = feed.next_contact() {
        contacts.push((c.time, c.handle_time, c.patience, c.waited_at_least));
    }
    assert_eq!(feed.error, None);
    contacts
}

/// The error `check` (through the loader) and `fit` give for `log`, which must agree.
fn error_of(center: &Path, log: &Path) -> String {
    let loaded = scenario::load_with(center, &options(log))
        .unwrap_err()
        .to_string();
    let fitted = ccsim::fit::fit_log(log, 3600.0).unwrap_err();
    // The loader adds what to do about a bad row; the place and the message are the same.
    assert!(
        loaded.starts_with(&fitted),
        "check: {loaded}\nfit:   {fitted}"
    );
    fitted
}

#[test]
fn semicolon_and_tab_logs_with_decimal_commas_read_as_the_comma_log() {
    // Item 14: a `;` log (as European Excel exports it) was refused with "the header has
    // no `timestamp` column" although it has one.
    let dir = TempDir::new("delimiters");
    let center = dir.write("center.toml", CENTER);
    let comma = "timestamp,channel,category,outcome,wait,handle_time\n\
                 2026-11-11T08:00:00,voice,general,answered,4.5,180.25\n\
                 2026-11-11T08:01:30.5,voice,general,abandoned,30,\n\
                 2026-11-11T08:02:00,voice,general,answered,0,200\n";
    let semicolon = "timestamp;channel;category;outcome;wait;handle_time\n\
                     2026-11-11T08:00:00;voice;general;answered;4,5;180,25\n\
                     2026-11-11T08:01:30,5;voice;general;abandoned;30;\n\
                     2026-11-11T08:02:00;voice;general;answered;0;200\n";
    let tab = semicolon.replace(';', "\t");
    // A byte-order mark and Windows line ends, as Excel writes "CSV UTF-8".
    let excel = format!("\u{feff}{}", semicolon.replace('\n', "\r\n"));
    let expected = replayed(&center, &dir.write("comma.csv", comma));
    assert_eq!(
        expected,
        [
            (28_800.0, Some(180.25), None, 4.5),
            (28_890.5, None, Some(30.0), 0.0),
            (28_920.0, Some(200.0), None, 0.0),
        ]
    );
    let comma_fit = ccsim::fit::fit_log(&dir.0.join("comma.csv"), 3600.0).unwrap();
    for (name, text) in [
        ("semicolon.csv", semicolon.to_string()),
        ("tab.csv", tab),
        ("excel.csv", excel),
    ] {
        let log = dir.write(name, text);
        assert_eq!(replayed(&center, &log), expected, "{name}");
        let fitted = ccsim::fit::fit_log(&log, 3600.0).unwrap();
        assert_eq!(fitted.arrivals, 3, "{name}");
        let (a, b) = (&fitted.channels[0], &comma_fit.channels[0]);
        assert_eq!(a.patience, b.patience, "{name}");
        assert_eq!(a.categories[0].handle, b.categories[0].handle, "{name}");
        // The command line: check and fit take it.
        let out = ccsim(&[
            "check",
            center.to_str().unwrap(),
            "--arrivals",
            log.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let out = ccsim(&[
            "fit",
            log.to_str().unwrap(),
            "-o",
            dir.0.join("fitted.toml").to_str().unwrap(),
            "--force",
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
    }
}

#[test]
fn a_file_that_is_not_a_log_says_what_was_found() {
    // Item 14: an empty file and a file of another separator said the header had no
    // `timestamp` column; say what is there.
    let dir = TempDir::new("found");
    let center = dir.write("center.toml", CENTER);
    let cases: [(&str, &[u8], String); 5] = [
        (
            "empty.csv",
            b"",
            "the file is empty: a contact log starts with a header row".into(),
        ),
        (
            "blank.csv",
            b"\xef\xbb\xbf\r\n\r\n\n",
            "the file has only blank lines: a contact log starts with a header row".into(),
        ),
        (
            "pipes.csv",
            b"timestamp|channel|category\n1|voice|general\n",
            ":1: the header has no `timestamp` column; a contact log needs timestamp, channel and category (and may have priority, customer_id, attempt, outcome, wait, handle_time, patience) (the header reads: timestamp|channel|category, one name: no comma, semicolon or tab separates names, and ccsim reads logs separated by one of these)".into(),
        ),
        (
            "semicolon_typo.csv",
            b"timestamp;chanel;category\n1;voice;general\n",
            ":1: the header has no `channel` column; a contact log needs timestamp, channel and category (and may have priority, customer_id, attempt, outcome, wait, handle_time, patience) (the header, separated by semicolons, reads: timestamp;chanel;category)".into(),
        ),
        (
            // The header after two blank lines is on line 3.
            "late_header.csv",
            b"\n\ntimestamp\tchanel\tcategory\n1\tvoice\tgeneral\n",
            ":3: the header has no `channel` column; a contact log needs timestamp, channel and category (and may have priority, customer_id, attempt, outcome, wait, handle_time, patience) (the header, separated by tabs, has the names `timestamp`, `chanel`, `category`)".into(),
        ),
    ];
    for (name, bytes, fragment) in cases {
        let log = dir.write(name, bytes);
        let err = error_of(&center, &log);
        let wanted = format!(
            "{}{}{fragment}",
            log.display(),
            if fragment.starts_with(':') { "" } else { ": " }
        );
        assert!(err.starts_with(&wanted), "{name}:\n{err}\nwanted\n{wanted}");
    }
}

#[test]
fn every_row_is_located_as_an_editor_counts_lines_whatever_the_line_ends() {
    // Item 14: blank lines were not counted (every row after one was placed a line early),
    // old Mac line ends (`\r`) put every row on line 1, and a line break inside a quoted
    // field is a line too. The bad row (wait "soon") is on line 7 in each of these.
    let dir = TempDir::new("lines");
    let center = dir.write("center.toml", CENTER);
    let rows = [
        "timestamp,channel,category,wait,note",
        "60,voice,general,3,",
        "",
        "120,voice,general,4,\"two",
        "lines\"",
        "",
        "180,voice,general,soon,",
        "240,voice,general,5,",
    ];
    let lf = rows.join("\n") + "\n";
    for (name, text) in [
        ("lf.csv", lf.clone()),
        ("crlf.csv", lf.replace('\n', "\r\n")),
        ("cr.csv", lf.replace('\n', "\r")),
        ("bom.csv", format!("\u{feff}{}", lf.replace('\n', "\r\n"))),
        ("no_last_line_end.csv", lf.trim_end().to_string()),
        ("semicolons.csv", lf.replace(',', ";")),
    ] {
        let log = dir.write(name, text);
        let err = error_of(&center, &log);
        let wanted = format!(
            "{}:7:19: column `wait`: wait: \"soon\" is neither seconds nor a duration",
            log.display()
        );
        assert!(err.starts_with(&wanted), "{name}:\n{err}\nwanted\n{wanted}");
        // The replay's skip list places it there too.
        let mut skipping = options(&log);
        skipping.skip_bad_rows = true;
        let model = scenario::load_with(&center, &skipping).unwrap();
        let scan = model.replays[0].scan.clone().unwrap();
        assert_eq!((scan.rows, scan.bad, scan.replayed), (4, 1, 3), "{name}");
        assert!(
            scan.first_bad[0].contains(":7:19:"),
            "{name}: {:?}",
            scan.first_bad
        );
    }
    // The last row without a line end, with the error in it.
    let log = dir.write(
        "last.csv",
        "timestamp,channel,category,wait\n\n60,voice,general,x",
    );
    assert!(
        error_of(&center, &log).starts_with(&format!("{}:3:18:", log.display())),
        "{}",
        error_of(&center, &log)
    );
}

/// Replay times of a log read with the center, and the fit's arrivals per hour of the day.
fn placed(center: &Path, log: &Path) -> (Vec<f64>, Vec<f64>) {
    let times = replayed(center, log).iter().map(|c| c.0).collect();
    let fitted = ccsim::fit::fit_log(log, 3600.0).unwrap_or_else(|e| panic!("{e}"));
    (times, fitted.channels[0].categories[0].by_interval.clone())
}

#[test]
fn date_times_with_offsets_across_a_daylight_saving_change_are_placed_by_their_instant() {
    // Item 15: offsets were dropped, so the hour repeated in autumn ran backwards ("the row
    // is earlier than the one before") and the hour skipped in spring left a gap of an hour.
    let dir = TempDir::new("dst");
    let center = dir.write("center.toml", CENTER);
    // Europe, 26 October 2025: 03:00 summer time (+02:00) becomes 02:00 winter time (+01:00).
    let autumn = dir.write(
        "autumn.csv",
        "timestamp,channel,category,outcome,wait,handle_time\n\
         2025-10-26T02:40:00+02:00,voice,general,answered,5,100\n\
         2025-10-26T00:50:00Z,voice,general,answered,5,100\n\
         2025-10-26T02:05:00+01:00,voice,general,abandoned,20,\n\
         2025-10-26T02:20:00+01:00,voice,general,answered,5,100\n",
    );
    // From midnight at the first row's offset (+02:00): 2h40, 2h50, 3h05, 3h20.
    let (times, by_hour) = placed(&center, &autumn);
    assert_eq!(times, [9_600.0, 10_200.0, 11_100.0, 12_000.0]);
    assert_eq!(&by_hour[..5], [0.0, 0.0, 2.0, 2.0, 0.0]);
    // 30 March 2025: 02:00 winter time (+01:00) becomes 03:00 summer time (+02:00).
    let spring = dir.write(
        "spring.csv",
        "timestamp,channel,category\n\
         2025-03-30T01:50:00+01:00,voice,general\n\
         2025-03-30T01:59:00+01:00,voice,general\n\
         2025-03-30T03:00:00+02:00,voice,general\n\
         2025-03-30T03:05:00+02:00,voice,general\n",
    );
    let (times, by_hour) = placed(&center, &spring);
    assert_eq!(times, [6_600.0, 7_140.0, 7_200.0, 7_500.0]);
    assert_eq!(&by_hour[..4], [0.0, 2.0, 2.0, 0.0]);
    // A start given as a date is midnight at the log's offset: the same places.
    let dated = dir.write(
        "dated.toml",
        CENTER.replace(
            "replications = 2",
            "replications = 2\nstart = \"2025-10-26\"",
        ),
    );
    assert_eq!(
        placed(&dated, &autumn).0,
        [9_600.0, 10_200.0, 11_100.0, 12_000.0]
    );

    // The command line agrees: check, run and fit take all four rows.
    for log in [&autumn, &spring] {
        let l = log.to_str().unwrap();
        let out = ccsim(&["check", center.to_str().unwrap(), "--arrivals", l]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = ccsim(&[
            "run",
            center.to_str().unwrap(),
            "--arrivals",
            l,
            "--json",
            "--replications",
            "1",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["replays"][0]["replayed"], 4);
        assert_eq!(json["totals"]["offered"]["mean"], 4.0);
        let fitted = ccsim::fit::fit_log(log, 3600.0).unwrap();
        assert_eq!(fitted.arrivals, 4);
    }

    // A log that mixes date-times with and without offsets is refused at the row, alike.
    let mixed = dir.write(
        "mixed.csv",
        "timestamp,channel,category\n\
         2025-10-26T02:40:00+02:00,voice,general\n\
         2025-10-26T02:45:00,voice,general\n",
    );
    let err = error_of(&center, &mixed);
    assert_eq!(
        err,
        format!(
            "{}:3:1: column `timestamp`: the date-time 2025-10-26T02:45:00 has no UTC offset, while the log's first date-time has one (+02:00); write every date-time with its offset, or none",
            mixed.display()
        )
    );
    let mixed = dir.write(
        "mixed2.csv",
        "timestamp,channel,category\n\
         2025-10-26T02:40:00,voice,general\n\
         2025-10-26T02:45:00+01:00,voice,general\n",
    );
    assert!(
        error_of(&center, &mixed).ends_with(
            ":3:1: column `timestamp`: the date-time 2025-10-26T02:45:00 has a UTC offset (+01:00), while the log's first date-time has none; write every date-time with its offset, or none"
        ),
        "{}",
        error_of(&center, &mixed)
    );
}
