//! The fuzz harness, on a fixed budget with fixed seeds (so CI runs the same inputs every
//! time): mutated scenarios, contact logs and partial result files must never panic,
//! abort or pass a memory cap; every refusal is bad input (exit 2) with a location.
//!
//! - In process (fast, thousands of inputs): the scenario loader, `check`'s summary, and
//!   for small valid models one replication with its text, JSON and data files.
//! - As separate processes under a 4 GiB address-space cap (`setrlimit`): `ccsim fit`
//!   and `ccsim run --arrivals` on mutated logs, `ccsim merge` on mutated partial files,
//!   and the inputs that once exhausted memory (a file without line ends, 100,000
//!   streams over a year, a queue that never empties).
//! - `tests/corpus/`: every input that once failed, replayed as a regression test.
//!
//! A failure prints the input; proptest shrinks it first. Raise the budget locally with
//! `CCSIM_FUZZ_CASES=20000 cargo test --release --test integration fuzz`.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Cases per property: the CI budget, or `CCSIM_FUZZ_CASES`.
fn cases(default: u32) -> u32 {
    std::env::var("CCSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A runner with a fixed seed: the same inputs on every run.
fn runner(cases: u32, seed: u8) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// Every `.toml` file under `dir`, read.
fn texts(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(ROOT).join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push((
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Values that have broken parsers before: extremes, non-numbers, huge and odd strings.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "4294967296",
    "1e-300",
    "0.5",
    "65536",
    "1e9",
    "18446744073709551616",
    "2",
    "1.0000001",
];
const STRINGS: &[&str] = &[
    "\"\"",
    "\"0s\"",
    "\"-5m\"",
    "\"1e9h\"",
    "\"nan s\"",
    "\"0.0000001s\"",
    "\"366d\"",
    "\"a\\\"#\"",
    "\"line\\nbreak\"",
    "\"voice/general\"",
    "\"exponential\"",
    "\"lognormal\"",
    "\"x\"",
    "[]",
    "{}",
];

/// One edit of a text: the kinds of change that found faults before.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace the `n`-th number with `NUMBERS[v]`.
    Number(usize, usize),
    /// Replace the `n`-th quoted string with `STRINGS[v]`.
    Str(usize, usize),
    /// Replace the `n`-th quoted string with a name of `len` characters.
    LongName(usize, usize),
    /// Delete line `n`.
    DeleteLine(usize),
    /// Repeat line `n`.
    DuplicateLine(usize),
    /// Swap lines `a` and `b`.
    SwapLines(usize, usize),
    /// Cut the text at a fraction of its length.
    Truncate(u16),
    /// Insert bytes at a fraction of the length.
    Insert(u16, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 0..NUMBERS.len()).prop_map(|(n, v)| Edit::Number(n, v)),
        2 => (any::<usize>(), 0..STRINGS.len()).prop_map(|(n, v)| Edit::Str(n, v)),
        1 => (any::<usize>(), prop_oneof![Just(201usize), Just(70_000)]).prop_map(|(n, l)| Edit::LongName(n, l)),
        2 => any::<usize>().prop_map(Edit::DeleteLine),
        2 => any::<usize>().prop_map(Edit::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        1 => any::<u16>().prop_map(Edit::Truncate),
        1 => (any::<u16>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(a, b)| Edit::Insert(a, b)),
    ]
}

/// Byte ranges of the numbers (outside strings and comments, roughly) in `text`.
fn spans(text: &str, quoted: bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += 1;
            }
            if quoted && i < b.len() && b[i] == b'"' {
                out.push((start, i + 1));
            }
            i += 1;
        } else if !quoted
            && (b[i].is_ascii_digit())
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'_')
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn apply(text: &str, e: &Edit) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let splice = |(a, b): (usize, usize), with: &str| format!("{}{with}{}", &text[..a], &text[b..]);
    match e {
        Edit::Number(n, v) => match spans(text, false) {
            s if s.is_empty() => text.to_string(),
            s => splice(s[n % s.len()], NUMBERS[*v]),
        },
        Edit::Str(n, v) => match spans(text, true) {
            s if s.is_empty() => text.to_string(),
            s => splice(s[n % s.len()], STRINGS[*v]),
        },
        Edit::LongName(n, len) => match spans(text, true) {
            s if s.is_empty() => text.to_string(),
            s => splice(s[n % s.len()], &format!("\"{}\"", "n".repeat(*len))),
        },
        Edit::DeleteLine(n) => {
            let k = n % lines.len();
            let mut v = lines.clone();
            v.remove(k);
            v.join("\n")
        }
        Edit::DuplicateLine(n) => {
            let k = n % lines.len();
            let mut v = lines.clone();
            v.insert(k, lines[k]);
            v.join("\n")
        }
        Edit::SwapLines(a, b) => {
            let mut v = lines.clone();
            let n = v.len();
            v.swap(a % n, b % n);
            v.join("\n")
        }
        Edit::Truncate(f) => {
            let mut k = text.len() * *f as usize / 65_536;
            while !text.is_char_boundary(k) {
                k -= 1;
            }
            text[..k].to_string()
        }
        Edit::Insert(f, bytes) => {
            let mut k = text.len() * *f as usize / 65_536;
            while !text.is_char_boundary(k) {
                k -= 1;
            }
            format!(
                "{}{}{}",
                &text[..k],
                String::from_utf8_lossy(bytes),
                &text[k..]
            )
        }
    }
}

/// Loads a mutated scenario in process; a valid small one is run and every output made.
fn exercise_scenario(text: &str) -> Result<(), TestCaseError> {
    match ccsim::scenario::parse(text, "fuzz.toml", "fuzz") {
        Err(e) => {
            prop_assert_eq!(&e.file, "fuzz.toml");
            prop_assert!(
                e.position.is_some() || e.key.is_some(),
                "an error without a place: {}",
                e
            );
        }
        Ok(model) => {
            let _ = ccsim::cli::describe_model(&model, "fuzz.toml");
            let small = model.expected_arrivals() <= 3_000.0
                && model.horizon <= 2.0 * 86_400.0
                && ccsim::experiment::unbounded_queues(&model).is_ok()
                && ccsim::experiment::planned_bytes(&model, 1, 1, false) < 64 << 20;
            if small {
                let options = ccsim::experiment::RunOptions {
                    replications: 2,
                    seed: 1,
                    threads: Some(1),
                };
                let run = ccsim::experiment::run(&model, &options).expect("runs");
                let s = ccsim::summary::RunSummary::new(&model, &run, 1);
                let _ = ccsim::output::run::render_text(&model, &s, "fuzz.toml");
                for f in ccsim::output::run::data_files(&s) {
                    let _ = f.to_bytes();
                }
            }
        }
    }
    Ok(())
}

#[test]
fn mutated_scenarios_never_panic_and_every_refusal_has_a_place() {
    let mut seeds = texts("scenarios");
    seeds.extend(texts("tests/bad"));
    let mut runner = runner(cases(600), 11);
    let strategy = (0..seeds.len(), proptest::collection::vec(edit(), 1..5));
    runner
        .run(&strategy, |(k, edits)| {
            let mut text = seeds[k].1.clone();
            for e in &edits {
                text = apply(&text, e);
            }
            exercise_scenario(&text)
        })
        .unwrap();
}

/// Runs ccsim under a 4 GiB address-space cap: an allocation past it aborts the process,
/// which the callers count as a failure.
fn ccsim_capped(dir: &Path, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut command = crate::support::command();
    command.current_dir(dir).args(args);
    // SAFETY: setrlimit is async-signal-safe and touches only this child.
    unsafe {
        command.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: 4 << 30,
                rlim_max: 4 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &cap) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.output().unwrap()
}

/// Exit 0, or exit 2 with one located message: never a signal, a panic or exit 1.
fn clean_exit(out: &Output, what: &str) -> Result<(), TestCaseError> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    prop_assert!(
        matches!(out.status.code(), Some(0) | Some(2)),
        "{what}: status {:?}\n{stderr}",
        out.status
    );
    prop_assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    if out.status.code() == Some(2) {
        prop_assert!(stderr.starts_with("error: "), "{what}: {stderr}");
    }
    Ok(())
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn mutated_contact_logs_never_crash_fit_or_a_replay() {
    let dir = scratch("logs");
    let log = std::fs::read_to_string(format!("{ROOT}/scenarios/logs/last_week.csv")).unwrap();
    let head: String = log.lines().take(120).collect::<Vec<_>>().join("\n") + "\n";
    let scenario = format!("{ROOT}/scenarios/validation/erlang_a.toml");
    let mut runner = runner(cases(60), 12);
    let strategy = proptest::collection::vec(edit(), 1..4);
    let n = std::sync::atomic::AtomicU64::new(0);
    runner
        .run(&strategy, |edits| {
            let mut text = head.clone();
            for e in &edits {
                text = apply(&text, e);
            }
            let n = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = dir.join(format!("log{n}.csv"));
            std::fs::write(&path, &text).unwrap();
            let p = path.to_str().unwrap();
            let out = dir.join(format!("fit{n}.toml"));
            let fitted = ccsim_capped(&dir, &["fit", p, "-o", out.to_str().unwrap()]);
            clean_exit(&fitted, &format!("fit of\n{text}"))?;
            if fitted.status.success() {
                let check = ccsim_capped(&dir, &["check", out.to_str().unwrap()]);
                prop_assert!(
                    check.status.success(),
                    "the fitted scenario does not load:\n{}",
                    String::from_utf8_lossy(&check.stderr)
                );
            }
            let run = ccsim_capped(
                &dir,
                &[
                    "run",
                    &scenario,
                    "--arrivals",
                    p,
                    "--replications",
                    "2",
                    "--json",
                    "--quiet",
                ],
            );
            clean_exit(&run, &format!("replay of\n{text}"))
        })
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inputs_that_once_exhausted_memory_are_refused_within_the_cap() {
    let dir = scratch("memory");
    let base = format!("{ROOT}/scenarios/validation/erlang_c.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    // A [[replay]] of a file without line ends.
    let replay = text.replace(
        "[[arrivals]]\nchannel = \"voice\"\ncategory = \"general\"\nrate_per_hour = 1200\n",
        "[[replay]]\nfile = \"/dev/zero\"\n",
    );
    assert_ne!(replay, text);
    std::fs::write(dir.join("replay_zero.toml"), replay).unwrap();
    // 100,000 streams over a year at 1-hour intervals.
    let mut streams = text
        .replace("horizon = \"10h\"", "horizon = \"366d\"")
        .replace("interval = \"30m\"", "interval = \"1h\"");
    for _ in 0..100_000 {
        streams +=
            "\n[[arrivals]]\nchannel = \"voice\"\ncategory = \"general\"\nrate_per_hour = 1\n";
    }
    std::fs::write(dir.join("streams.toml"), streams).unwrap();
    // A million contacts an hour for a day into 10 agents, nobody ever abandons.
    let flood = text
        .replace("rate_per_hour = 1200", "rate_per_hour = 1000000")
        .replace("horizon = \"10h\"", "horizon = \"24h\"")
        .replace("agents = 110", "agents = 10");
    std::fs::write(dir.join("flood.toml"), flood).unwrap();
    for (args, expected) in [
        (vec!["fit", "/dev/zero", "-o", "x.toml"], "/dev/zero"),
        (vec!["run", &base, "--arrivals", "/dev/zero"], "/dev/zero"),
        (vec!["check", "/dev/zero"], "larger than 16 MiB"),
        (vec!["merge", "/dev/zero"], "/dev/zero"),
        (vec!["check", "replay_zero.toml"], "/dev/zero"),
        (vec!["check", "streams.toml"], "at most 20000000"),
        (vec!["run", "flood.toml"], "never abandon"),
    ] {
        let out = ccsim_capped(&dir, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {:?}\n{stderr}",
            out.status
        );
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_input_that_once_failed_is_refused_cleanly() {
    let corpus = PathBuf::from(ROOT).join("tests/corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let p = path.to_str().unwrap();
        let dir = scratch(&format!("corpus-{seen}"));
        let out = if name.ends_with(".csv") {
            ccsim_capped(&dir, &["fit", p, "-o", "fitted.toml"])
        } else {
            ccsim_capped(&dir, &["run", p, "--replications", "2", "--quiet"])
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0) | Some(2)),
            "{name}: {:?}\n{stderr}",
            out.status
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "{name}: {stderr}"
        );
        seen += 1;
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(seen >= 5, "the corpus holds {seen} inputs");
}
