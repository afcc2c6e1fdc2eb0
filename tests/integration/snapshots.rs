//! What the commands print, pinned (issue 13, item 9: written before anything moves). Each
//! snapshot is the exact stdout of a command on a shipped scenario, wall-clock times
//! blanked; a swapped column, a changed label or a moved number fails here. Snapshots live
//! in `tests/integration/snapshots/`; after an intended change, rerun with
//! `INSTA_UPDATE=always cargo test --release --test integration snapshots` and review the
//! diff of the `.snap` files.

/// Runs ccsim from the project's root and returns its stdout (panics on a failed run).
fn stdout_of(args: &[&str]) -> String {
    let out = crate::support::command().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ccsim {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Snapshot settings: wall-clock times blanked, in text headers and JSON.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"· \d+\.\d+ s, ", "· [wall] s, ");
    s.add_filter(r#""wall_s": [0-9.e+-]+"#, r#""wall_s": "[wall]""#);
    s
}

macro_rules! pin {
    ($name:expr, $args:expr) => {{
        let text = stdout_of($args);
        settings().bind(|| insta::assert_snapshot!($name, text));
    }};
}

#[test]
fn run_text_and_json_are_pinned() {
    pin!(
        "run_erlang_a_text",
        &["run", "scenarios/validation/erlang_a.toml", "--quiet"]
    );
    pin!(
        "run_erlang_a_json",
        &[
            "run",
            "scenarios/validation/erlang_a.toml",
            "--quiet",
            "--json"
        ]
    );
    pin!(
        "run_opening_hours_text",
        &["run", "scenarios/opening_hours.toml", "--quiet"]
    );
    pin!(
        "run_weekday_text",
        &[
            "run",
            "scenarios/weekday.toml",
            "--quiet",
            "--replications",
            "5"
        ]
    );
    pin!(
        "run_weekday_json",
        &[
            "run",
            "scenarios/weekday.toml",
            "--quiet",
            "--replications",
            "5",
            "--json"
        ]
    );
}

#[test]
fn check_compare_and_sweep_are_pinned() {
    pin!(
        "check_erlang_a",
        &["check", "scenarios/validation/erlang_a.toml"]
    );
    pin!("check_weekday", &["check", "scenarios/weekday.toml"]);
    // A cyclic day: the counted day's clock, the shifts across midnight.
    pin!("check_night_line", &["check", "scenarios/night_line.toml"]);
    pin!(
        "run_night_line_text",
        &["run", "scenarios/night_line.toml", "--quiet"]
    );
    pin!(
        "run_night_line_json",
        &["run", "scenarios/night_line.toml", "--quiet", "--json"]
    );
    pin!(
        "compare_weekday_frontline",
        &[
            "compare",
            "scenarios/weekday.toml",
            "scenarios/variants/frontline_empowerment.toml",
            "--replications",
            "4",
            "--quiet"
        ]
    );
    pin!(
        "sweep_erlang_a",
        &[
            "sweep",
            "scenarios/validation/erlang_a.toml",
            "--set",
            "group.agents.agents=104,110",
            "--set",
            "channel.voice.patience.mean=3m,5m",
            "--replications",
            "4",
            "--quiet"
        ]
    );
    // The JSON document (streamed since issue 18, byte for byte what it was): three
    // channels and their groups, keys in alphabetical order at every level.
    pin!(
        "sweep_weekday_json",
        &[
            "sweep",
            "scenarios/weekday.toml",
            "--set",
            "channel.voice.patience.mean=2m,4m",
            "--replications",
            "2",
            "--json",
            "--quiet"
        ]
    );
}

#[test]
fn erlang_and_fit_are_pinned() {
    pin!(
        "erlang_a",
        &[
            "erlang",
            "a",
            "--rate-per-hour",
            "1200",
            "--aht",
            "5m",
            "--patience",
            "5m",
            "--agents",
            "110",
            "--answer-within",
            "20s"
        ]
    );
    pin!(
        "erlang_c",
        &[
            "erlang",
            "c",
            "--rate-per-hour",
            "1200",
            "--aht",
            "5m",
            "--agents",
            "110",
            "--answer-within",
            "20s"
        ]
    );
    // A fixed file name: fit names the scenario after it.
    let dir = std::env::temp_dir().join(format!("ccsim-snap-fit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("fitted.toml");
    let text = stdout_of(&[
        "fit",
        "scenarios/logs/last_week.csv",
        "--interval",
        "30m",
        "-o",
        out.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let mut s = settings();
    s.add_filter(&regex_escape(out.to_str().unwrap()), "[fitted.toml]");
    s.bind(|| {
        insta::assert_snapshot!("fit_last_week_report", text);
        insta::assert_snapshot!("fit_last_week_scenario", written);
    });
}

/// `text` with the characters a regex gives meaning escaped.
fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

/// Issue 13 item 9: `optimize`, text and JSON, on a small roster that the MIP solves to
/// proven optimality in milliseconds (`tests/cases/optimize_small.toml`: `optimal, gap
/// 0.00%`), so neither the solver's time limit nor the machine's speed can change it; the
/// solver's seconds are blanked like the wall-clock time.
#[test]
fn optimize_is_pinned() {
    let mut settings = settings();
    settings.add_filter(r"(?m)· \d+\.\d+ s$", "· [wall] s");
    settings.add_filter(
        r"(?m)^(\s+\d+\s+(?:requirements|roster)\s+\d+\s+\d+\s+\d+\s+)\d+\.\d+",
        "$1[solve]",
    );
    settings.add_filter(r#""solve_s": [0-9.e+-]+"#, r#""solve_s": "[solve]""#);
    let file = "tests/cases/optimize_small.toml";
    let text = stdout_of(&["optimize", file, "--quiet"]);
    assert!(text.contains("optimal, gap 0.00%"), "{text}");
    settings.bind(|| insta::assert_snapshot!("optimize_small_text", text));
    let json = stdout_of(&["optimize", file, "--quiet", "--json"]);
    settings.bind(|| insta::assert_snapshot!("optimize_small_json", json));
}

#[test]
fn a_confident_roster_is_pinned() {
    let mut settings = settings();
    settings.add_filter(r"(?m)· \d+\.\d+ s$", "· [wall] s");
    settings.add_filter(
        r"(?m)^(\s+\d+\s+(?:requirements|roster|confidence)\s+\d+\s+\d+\s+\d+\s+)\d+\.\d+",
        "$1[solve]",
    );
    let file = "tests/cases/confidence_day.toml";
    let text = stdout_of(&["optimize", file, "--confidence", "0.8", "--quiet"]);
    assert!(text.contains("the price of certainty"), "{text}");
    settings.bind(|| insta::assert_snapshot!("optimize_confidence_text", text));
}
