//! The architecture's invariants that the compiler alone does not hold: the core crate has
//! no I/O and no format, command-line or chart dependency; no source file grows past the
//! size the house allows (a ratchet: the files still over it are listed and may only
//! shrink); the library's errors decide exit codes in one place; the library can be
//! embedded (run, compare, sweep on the caller's pool, with progress and cancellation).

use ccsim::error::{Error, ErrorKind};
use ccsim::runner::{Control, Job};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn the_core_crate_depends_on_no_format_command_line_or_chart_crate() {
    let manifest = std::fs::read_to_string(root().join("crates/ccsim-core/Cargo.toml"))
        .expect("the core's manifest");
    let table: toml::Table = manifest.parse().expect("TOML");
    let deps = table["dependencies"].as_table().expect("[dependencies]");
    for forbidden in [
        "toml",
        "csv",
        "clap",
        "plotters",
        "image",
        "indicatif",
        "good_lp",
        "serde_json",
        "calamine",
    ] {
        assert!(
            !deps.contains_key(forbidden),
            "the core must not depend on {forbidden}"
        );
    }
    assert!(
        !deps.contains_key("ccsim"),
        "the core must not depend on the crate above it"
    );
}

#[test]
fn the_core_does_no_io() {
    let core = root().join("crates/ccsim-core/src");
    let forbidden = [
        "std::fs",
        "File::",
        "stdout()",
        "stderr()",
        "println!",
        "eprintln!",
        "print!(",
        "std::process",
        "std::env",
    ];
    for file in sources(&core) {
        let text = std::fs::read_to_string(&file).expect("source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in forbidden {
                assert!(
                    !code.contains(f),
                    "{}:{}: the core does no I/O, but this line uses {f}: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}

/// Files allowed over the house's ~800 lines (tables of data), with their length: each may
/// only shrink. A file not listed must stay at or under 800 lines. None today.
const OVER_800: &[(&str, usize)] = &[];

#[test]
fn no_source_file_grows_past_800_lines() {
    let mut too_long = Vec::new();
    for dir in ["src", "crates/ccsim-core/src"] {
        for file in sources(&root().join(dir)) {
            let lines = std::fs::read_to_string(&file)
                .expect("source")
                .lines()
                .count();
            let name = file
                .strip_prefix(root())
                .expect("inside")
                .display()
                .to_string();
            let allowed = OVER_800
                .iter()
                .find(|(f, _)| *f == name)
                .map_or(800, |(_, n)| *n);
            if lines > allowed {
                too_long.push(format!("{name}: {lines} lines (at most {allowed})"));
            }
        }
    }
    assert!(
        too_long.is_empty(),
        "split these files by job:\n{}",
        too_long.join("\n")
    );
}

/// The line count of every function in `text` (from its `fn` line to the `}` at the same
/// indentation), by name.
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let code = line.trim_start();
        let indent = &line[..line.len() - code.len()];
        let after_vis = code
            .strip_prefix("pub(crate) ")
            .or_else(|| code.strip_prefix("pub(super) "))
            .or_else(|| code.strip_prefix("pub "))
            .unwrap_or(code);
        let after_const = after_vis.strip_prefix("const ").unwrap_or(after_vis);
        if let Some(rest) = after_const.strip_prefix("fn ")
            && !line.trim_end().ends_with(';')
        {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let close = format!("{indent}}}");
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim_end() == close)
                .unwrap_or(i);
            out.push((name, end - i + 1));
            i = end;
        }
        i += 1;
    }
    out
}

#[test]
fn no_function_is_longer_than_a_screen_and_a_half() {
    let mut too_long = Vec::new();
    for dir in ["src", "crates/ccsim-core/src"] {
        for file in sources(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).expect("source");
            for (name, n) in function_lengths(&text) {
                if n > 110 {
                    too_long.push(format!("{}: fn {name}: {n} lines", file.display()));
                }
            }
        }
    }
    assert!(
        too_long.is_empty(),
        "split these functions into named steps (at most ~100 lines):\n{}",
        too_long.join("\n")
    );
    // The reader itself: a function of 3 lines and one of 112.
    let long = "fn a() {\n    x\n}\n\npub fn b() {\n".to_string() + &"    y\n".repeat(110) + "}\n";
    assert_eq!(
        function_lengths(&long),
        vec![("a".to_string(), 3), ("b".to_string(), 112)]
    );
}

#[test]
fn exit_codes_are_decided_by_the_kind_of_error() {
    let cases = [
        (ErrorKind::BadInput, 2, "error"),
        (ErrorKind::Io, 2, "error"),
        (ErrorKind::Solver, 3, "error"),
        (ErrorKind::Cancelled, 130, "error"),
        (ErrorKind::Internal, 1, "internal error"),
    ];
    for (kind, code, label) in cases {
        assert_eq!(kind.exit_code(), code, "{kind:?}");
        assert_eq!(kind.label(), label, "{kind:?}");
    }
    let e = Error::bad_input("x").context("file.toml: ");
    assert_eq!(e.to_string(), "file.toml: x");
    assert_eq!(e.kind(), ErrorKind::BadInput);
}

#[test]
fn a_full_standard_output_is_an_io_error_exit_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not a Linux machine
    };
    let out = crate::support::command()
        .args([
            "erlang",
            "c",
            "--rate-per-hour",
            "120",
            "--aht",
            "3m",
            "--agents",
            "8",
            "--answer-within",
            "20s",
        ])
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: cannot write to standard output"),
        "{err}"
    );
}

/// Outcomes as text, so that NaN (an undefined metric) equals NaN.
/// The same replications: every outcome's values apart from its per-interval metrics, and
/// those folded over the replications (one run may have folded them as replications ended,
/// the other kept each replication's).
fn same(
    model: &ccsim::model::Model,
    a: &ccsim::experiment::RunResult,
    b: &ccsim::experiment::RunResult,
) -> bool {
    let rest = |r: &ccsim::experiment::RunResult| {
        let outcomes = r.outcomes.iter().map(|o| ccsim::stats::ReplicationOutcome {
            intervals: Vec::new(),
            group_intervals: Vec::new(),
            ..o.clone()
        });
        format!("{:?}", outcomes.collect::<Vec<_>>())
    };
    let moments = |r: &ccsim::experiment::RunResult| format!("{:?}", r.interval_moments(model));
    rest(a) == rest(b) && moments(a) == moments(b)
}

fn weekday() -> ccsim::model::Model {
    ccsim::scenario::load(&root().join("scenarios/weekday.toml")).expect("the weekday loads")
}

#[test]
fn an_embedding_program_runs_on_its_own_pool_and_gets_the_cli_s_numbers() {
    let model = weekday();
    let contacts = AtomicU64::new(0);
    let count = |c| {
        contacts.fetch_add(c, Ordering::Relaxed);
    };
    let control = Control::new().on_replication(&count);
    let runs: Vec<_> = [1, 3]
        .iter()
        .map(|&threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool");
            pool.install(|| ccsim::runner::run(&model, 7, 3, &control))
                .expect("runs")
        })
        .collect();
    // The same numbers on 1 thread or 3, and the progress callback heard every contact.
    assert!(same(&model, &runs[0], &runs[1]));
    // The library folds each run's intervals as its replications end.
    assert!(runs[0].intervals.is_some());
    assert!(runs[0].outcomes.iter().all(|o| o.intervals.is_empty()));
    assert_eq!(contacts.load(Ordering::Relaxed), 2 * runs[0].contacts());
    // And the same as the experiment the command line runs.
    let cli = ccsim::experiment::run(
        &model,
        &ccsim::experiment::RunOptions {
            replications: 3,
            seed: 7,
            threads: Some(2),
        },
    )
    .expect("runs");
    assert!(cli.intervals.is_none() && !cli.outcomes[0].intervals.is_empty());
    assert!(same(&model, &cli, &runs[0]));
    // Jobs side by side give each job's own run.
    let jobs = [
        Job {
            model: &model,
            seed: 7,
            replications: 3,
        },
        Job {
            model: &model,
            seed: 8,
            replications: 2,
        },
    ];
    let both = ccsim::runner::run_jobs(&jobs, &Control::new()).expect("runs");
    assert!(same(&model, &both[0], &runs[0]));
    // Kept whole (a shard's partial file), the same replications.
    let whole = ccsim::runner::run_jobs_whole(&jobs, &Control::new()).expect("runs");
    assert!(whole[0].intervals.is_none() && !whole[0].outcomes[0].intervals.is_empty());
    assert!(same(&model, &whole[0], &runs[0]) && same(&model, &whole[1], &both[1]));
    assert_eq!(both[1].outcomes.len(), 2);
    assert_ne!(
        format!("{:?}", both[1].outcomes[0]),
        format!("{:?}", both[0].outcomes[0]),
        "another seed"
    );
}

#[test]
fn a_cancelled_run_stops_early_with_the_cancelled_kind() {
    let model = weekday();
    let stop = AtomicBool::new(false);
    let ended = AtomicU64::new(0);
    let stop_after_one = |_| {
        ended.fetch_add(1, Ordering::Relaxed);
        stop.store(true, Ordering::Relaxed);
    };
    let control = Control::new()
        .on_replication(&stop_after_one)
        .cancel_with(&stop);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool");
    let e = pool
        .install(|| ccsim::runner::run(&model, 1, 500, &control))
        .expect_err("cancelled");
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    // At most one replication per worker was under way when the flag was set.
    assert!(ended.load(Ordering::Relaxed) <= 2, "{ended:?}");
}

#[test]
fn compare_and_sweep_plans_run_through_the_library() {
    let file = root().join("scenarios/weekday.toml");
    let model = weekday();
    let variant = root().join("scenarios/variants/peak_staff_plus_20.toml");
    let plan = ccsim::compare::plan(&file, model.clone(), &[variant]).expect("a plan");
    let compared = plan.run(3, 2, &Control::new()).expect("runs");
    assert_eq!(compared.variants.len(), plan.variants.len());
    assert_eq!(compared.comparison.variants.len(), plan.variants.len());
    assert_eq!(compared.comparison.seed, 3);
    let axis = ccsim::sweep::parse_axis("channel.voice.service_level.answer_within=10s,30s")
        .expect("an axis");
    let sweep = ccsim::sweep::plan(&file, model, &[axis]).expect("a plan");
    assert_eq!(sweep.models.len(), 2);
    assert_eq!(sweep.identical_points(), None);
    let runs = sweep
        .run(&[1], None, Some(2), false, &Control::new())
        .expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcomes.len(), 2);
    // A value given twice is said as such, not as a key overridden elsewhere.
    let twice = ccsim::sweep::parse_axis("channel.voice.service_level.answer_within=10s,10s")
        .expect("an axis");
    let sweep = ccsim::sweep::plan(&file, weekday(), &[twice]).expect("a plan");
    assert_eq!(
        sweep.identical_points().as_deref(),
        Some(
            "the sweep point [channel.voice.service_level.answer_within=10s] is listed twice: a --set gives the same value twice, and it is run twice"
        )
    );
    // `agents` on a group staffed by a list names the --set and what to sweep instead.
    let agents = ccsim::sweep::parse_axis("group.voice_t1.agents=100,110").expect("an axis");
    let Err(refused) = ccsim::sweep::plan(&file, weekday(), &[agents]) else {
        panic!("agents on a staffed group is refused");
    };
    let refused = refused.to_string();
    assert_eq!(
        refused,
        format!(
            "{}: key `--set group.voice_t1.agents`: group `voice_t1` is staffed by a `staffing` list or `shifts` in the scenario, so a constant `agents` cannot be set beside them; sweep one interval of its list (e.g. `--set 'group.voice_t1.staffing[20]=10,12'`) or a copy of the scenario with `agents`",
            file.display()
        )
    );
}

/// The metric registry is the one declaration of a metric: each one it holds has a row in
/// the README's Metrics table, so a metric cannot be added without its definition.
#[test]
fn every_registered_metric_is_defined_in_the_readme() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("\n## Metrics\n").expect("a Metrics section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |e| start + 1 + e);
    let section = &readme[start..end];
    let names = (ccsim::stats::QUEUE_METRICS.iter().map(|m| m.name))
        .chain(ccsim::stats::GROUP_METRICS.iter().map(|m| m.name));
    let missing: Vec<&str> = names
        .filter(|n| {
            !section
                .lines()
                .any(|l| l.starts_with("| ") && l.contains(&format!("`{n}`")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "metrics with no row in the README: {missing:?}"
    );
}

/// Unsafe code lives in two places: the engine's unchecked tables (`ccsim-core`'s `table`
/// module, private to the crate, whose soundness argument is its module documentation)
/// and the one system call of `output`.
#[test]
fn unsafe_code_lives_only_in_the_tables_and_one_system_call() {
    let mut found = Vec::new();
    for dir in ["src", "crates/ccsim-core/src", "python/src"] {
        let dir = root().join(dir);
        if !dir.exists() {
            continue;
        }
        for path in sources(&dir) {
            let text = std::fs::read_to_string(&path).expect("a source file");
            let blocks = text.matches("unsafe {").count() + text.matches("unsafe fn").count();
            if blocks > 0 {
                let rel = path.strip_prefix(root()).expect("under the root");
                found.push((rel.to_string_lossy().into_owned(), blocks));
            }
        }
    }
    found.sort();
    let expected = [
        ("crates/ccsim-core/src/table.rs".to_string(), 3),
        ("src/output/mod.rs".to_string(), 1),
    ];
    assert_eq!(found, expected);
}
