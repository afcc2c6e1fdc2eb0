//! Issue 18, item 5: `ccsim log` sorts its rows by arrival on disk in bounded memory
//! (`contact_log::LogSorter`, an external sort). Whatever the buffer, the log is byte for
//! byte the in-memory stable sort's (`write_log`): with a buffer of a few records (many
//! spilled files), with ties in arrival time (a replayed log with identical timestamps, kept
//! in the order the attempts ended), with a cyclic day (the lead-in left out) and with no
//! row at all. The temporary files are removed, and a temporary folder that cannot be
//! written is a clear error that leaves no output.

use crate::support::command;
use ccsim::contact_log::{LogSorter, write_log};
use ccsim::engine::Workspace;
use ccsim::experiment;
use ccsim::model::Model;
use ccsim::scenario::{self, LoadOptions};
use std::path::{Path, PathBuf};

/// A center where many callers abandon (attempts end far out of arrival order), with a
/// start date (date-time timestamps) and two categories.
const CENTER: &str = r#"
[simulation]
horizon = "8h"
interval = "1h"
start = "2026-11-11"
replications = 1
seed = 11

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
patience = { dist = "exponential", mean = "2m" }

[[category]]
name = "payment"

[[category]]
name = "logistics"

[[arrivals]]
channel = "voice"
mix = { payment = 0.4, logistics = 0.6 }
rate_per_hour = 1500

[[group]]
name = "agents"
agents = 22
handles = ["voice/*"]
handle_time = { dist = "lognormal", mean = "1m", cv = 0.8 }
"#;

/// A folder of the test's own, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ccsim-logsort-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The log of replication 0 as `write_log` writes it (every record in memory, stable
/// sort), and as a [`LogSorter`] of `buffer` records writes it, with its spilled files.
fn both_ways(model: &Model, buffer: usize) -> (Vec<u8>, Vec<u8>, usize) {
    let mut records = Vec::new();
    experiment::replicate(
        model,
        model.seed,
        0,
        &mut Workspace::new(),
        Some(&mut records),
    )
    .unwrap();
    let mut reference = Vec::new();
    write_log(model, &mut records, &mut reference).unwrap();
    let mut sorter = LogSorter::new(model, buffer);
    experiment::replicate(
        model,
        model.seed,
        0,
        &mut Workspace::new(),
        Some(&mut sorter),
    )
    .unwrap();
    let kept = records
        .iter()
        .filter(|r| r.arrived >= model.lead_in)
        .count();
    assert_eq!(sorter.rows(), kept as u64);
    let sorted = sorter.finish().unwrap();
    let spilled = sorted.spilled_files();
    let mut written = Vec::new();
    sorted.write(model, &mut written).unwrap();
    (reference, written, spilled)
}

/// Runs `ccsim log` on `scenario` (and `extra` arguments) into `out`, with `buffer` records
/// when given and the temporary folder `tmp`; returns its stderr.
fn log_command(
    scenario: &Path,
    out: &Path,
    buffer: Option<&str>,
    tmp: &Path,
    extra: &[&str],
) -> std::process::Output {
    let mut c = command();
    c.args([
        "log",
        scenario.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ])
    .args(extra)
    .env("TMPDIR", tmp);
    match buffer {
        Some(n) => c.env("CCSIM_LOG_BUFFER_RECORDS", n),
        None => c.env_remove("CCSIM_LOG_BUFFER_RECORDS"),
    };
    c.output().expect("the ccsim binary runs")
}

/// Asserts two logs are the same bytes, naming the first line that differs.
fn same(written: &[u8], reference: &[u8]) {
    let (a, b) = (
        String::from_utf8_lossy(written),
        String::from_utf8_lossy(reference),
    );
    if let Some((i, (x, y))) = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
    {
        panic!(
            "line {} differs:\n  written:   {x}\n  reference: {y}",
            i + 1
        );
    }
    assert_eq!(a.len(), b.len(), "one log is a prefix of the other");
}

fn ok(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

#[test]
fn the_log_sorted_on_disk_is_the_log_sorted_in_memory() {
    let model = scenario::parse(CENTER, "center.toml", "center").unwrap();
    let (reference, written, spilled) = both_ways(&model, 1000);
    assert!(spilled >= 10, "{spilled} files spilled");
    same(&written, &reference);
    // The buffer full at the last record: spilled, and nothing left in memory.
    let rows = reference.iter().filter(|&&b| b == b'\n').count() - 1;
    let (_, written, spilled) = both_ways(&model, rows);
    assert_eq!(spilled, 1);
    same(&written, &reference);
    let (_, written, spilled) = both_ways(&model, rows + 1);
    assert_eq!(spilled, 0);
    same(&written, &reference);
    // Many small runs: a few rows per file.
    let (_, written, spilled) = both_ways(&model, 29);
    assert!(spilled > 300, "{spilled} files spilled");
    same(&written, &reference);
}

#[test]
fn ties_in_arrival_keep_the_order_the_attempts_ended() {
    let dir = Scratch::new("ties");
    let scenario_file = dir.write("center.toml", CENTER);
    // Ten contacts at each whole minute: they arrive together and end one by one.
    let mut text = String::from("timestamp,channel,category\n");
    for minute in 0..400 {
        for k in 0..10 {
            let category = if k % 3 == 0 { "payment" } else { "logistics" };
            text.push_str(&format!("{}.000,voice,{category}\n", minute * 60));
        }
    }
    let log = dir.write("ties.csv", &text);
    let options = LoadOptions {
        arrivals: Some(log.clone()),
        skip_bad_rows: false,
        log_start: None,
    };
    let model = scenario::load_with(&scenario_file, &options).unwrap();
    let (reference, written, spilled) = both_ways(&model, 13);
    assert!(spilled > 300, "{spilled} files spilled");
    same(&written, &reference);
    let written = String::from_utf8(written).unwrap();
    // The ties are there: most rows share their arrival with the row before.
    let times: Vec<&str> = (written.lines().skip(1))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(times.len(), 4000);
    let tied = times.windows(2).filter(|w| w[0] == w[1]).count();
    assert_eq!(tied, 3600);
    // The same through the command line, with a tiny buffer and the default one.
    let (tiny, default) = (dir.0.join("tiny.csv"), dir.0.join("default.csv"));
    let tmp = dir.0.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let arrivals = ["--arrivals", log.to_str().unwrap()];
    ok(&log_command(
        &scenario_file,
        &tiny,
        Some("5"),
        &tmp,
        &arrivals,
    ));
    ok(&log_command(
        &scenario_file,
        &default,
        None,
        &tmp,
        &arrivals,
    ));
    same(&std::fs::read(&tiny).unwrap(), written.as_bytes());
    same(&std::fs::read(&default).unwrap(), written.as_bytes());
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_tiny_buffer_writes_the_same_log_and_leaves_no_temporary_file() {
    let dir = Scratch::new("cli");
    let scenario_file = dir.write("center.toml", CENTER);
    let tmp = dir.0.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let (tiny, default) = (dir.0.join("tiny.csv"), dir.0.join("default.csv"));
    let said = ok(&log_command(&scenario_file, &tiny, Some("1000"), &tmp, &[]));
    ok(&log_command(&scenario_file, &default, None, &tmp, &[]));
    let (tiny, default) = (
        std::fs::read(&tiny).unwrap(),
        std::fs::read(&default).unwrap(),
    );
    same(&tiny, &default);
    // More than ten buffers' worth of rows, as the command counts them.
    let rows = default.iter().filter(|&&b| b == b'\n').count() - 1;
    assert!(rows > 10_000, "{rows} rows");
    assert!(said.contains(&format!("({rows} attempts")), "{said}");
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_cyclic_day_sorted_on_disk_leaves_out_its_lead_in() {
    let text = CENTER
        .replace("horizon = \"8h\"", "horizon = \"24h\"\ncyclic = true")
        .replace("start = \"2026-11-11\"\n", "");
    let model = scenario::parse(&text, "day.toml", "day").unwrap();
    assert_eq!(model.lead_in, 86_400.0);
    let (reference, written, spilled) = both_ways(&model, 500);
    assert!(spilled >= 20, "{spilled} files spilled");
    same(&written, &reference);
    let written = String::from_utf8(written).unwrap();
    // The counted day's clock: from 0 to 24 h, and none of the lead-in's rows.
    let times: Vec<f64> = (written.lines().skip(1))
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(times.len() > 30_000, "{} rows", times.len());
    assert!(times.iter().all(|&t| (0.0..86_400.0).contains(&t)));
}

#[test]
fn a_log_with_no_row_is_its_header() {
    // No agent on duty and no patience: every caller is still waiting at the end.
    let text = CENTER
        .replace("patience = { dist = \"exponential\", mean = \"2m\" }\n", "")
        .replace("agents = 22", "staffing = [0, 0, 0, 0, 0, 0, 0, 0]");
    let model = scenario::parse(&text, "empty.toml", "empty").unwrap();
    let (reference, written, spilled) = both_ways(&model, 1);
    assert_eq!(spilled, 0);
    assert_eq!(written, reference);
    assert_eq!(
        String::from_utf8(written).unwrap(),
        "timestamp,channel,category,priority,customer_id,attempt,outcome,wait,handle_time\n"
    );
    let dir = Scratch::new("empty");
    let scenario_file = dir.write("empty.toml", &text);
    let out = dir.0.join("empty.csv");
    let said = ok(&log_command(&scenario_file, &out, Some("1"), &dir.0, &[]));
    assert!(said.contains("(0 attempts"), "{said}");
    assert_eq!(std::fs::read(&out).unwrap(), reference);
}

#[test]
fn a_temporary_folder_that_cannot_be_written_is_an_error_and_writes_nothing() {
    let dir = Scratch::new("notmp");
    let scenario_file = dir.write("center.toml", CENTER);
    let out = dir.0.join("log.csv");
    let missing = dir.0.join("no such folder");
    let run = log_command(&scenario_file, &out, Some("100"), &missing, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains("cannot sort the contact log in the temporary folder")
            && stderr.contains("no such folder"),
        "{stderr}"
    );
    assert!(!out.exists());
    // A bad buffer size is refused before any work.
    let run = log_command(&scenario_file, &out, Some("lots"), &dir.0, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("CCSIM_LOG_BUFFER_RECORDS"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // A negative replication number is a bad value, said as such (not clap's tip to
    // write `-- -1`).
    let run = log_command(&scenario_file, &out, None, &dir.0, &["--replication", "-1"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid value '-1' for '--replication <REPLICATION>': a replication number is a whole number from 0")
            && !stderr.contains("tip"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// `-o -` writes the log to stdout, the same bytes as to a file, and no file named `-`;
/// a reader that stops early (`| head`) is no error.
#[test]
fn a_log_to_stdout_is_the_log_written_to_a_file() {
    let dir = Scratch::new("stdout");
    let scenario_file = dir.write("center.toml", CENTER);
    let out = dir.0.join("log.csv");
    let to_file = log_command(&scenario_file, &out, Some("500"), &dir.0, &[]);
    ok(&to_file);
    let mut c = command();
    c.args(["log", scenario_file.to_str().unwrap(), "-o", "-"])
        .current_dir(&dir.0)
        .env("TMPDIR", &dir.0)
        .env("CCSIM_LOG_BUFFER_RECORDS", "500");
    let piped = c.output().expect("the ccsim binary runs");
    let stderr = ok(&piped);
    same(&piped.stdout, &std::fs::read(&out).unwrap());
    assert!(stderr.contains("wrote the log to stdout ("), "{stderr}");
    assert!(!dir.0.join("-").exists());
    // A reader that closes the pipe after the header.
    let mut child = command()
        .args(["log", scenario_file.to_str().unwrap(), "-o", "-"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the ccsim binary runs");
    let mut first = [0u8; 9];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    assert_eq!(&first, b"timestamp");
    drop(child.stdout.take());
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}
