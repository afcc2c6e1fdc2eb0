//! Sharded runs: four shards run as separate processes and `ccsim merge` gives exactly
//! the single run's summary (wall-clock time aside); a sharded sweep merges to the single
//! sweep; parts of other scenarios, versions, or an incomplete set are refused, and so is
//! a part that is damaged, edited after ccsim wrote it, or too large to read.

use crate::support::ccsim;
use std::path::{Path, PathBuf};
use std::process::Output;

fn ok(out: &Output) -> &[u8] {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    &out.stdout
}

fn refused(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "expected a refusal");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-shard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn part(dir: &Path, i: u32) -> String {
    dir.join(format!("part-{i}.toml"))
        .to_str()
        .unwrap()
        .to_string()
}

/// The summary without its wall-clock time, the one thing that differs between machines.
fn without_wall_clock(json: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(json).unwrap();
    v.as_object_mut().unwrap().remove("wall_s");
    v
}

#[test]
fn four_shard_processes_merge_to_the_single_run_number_for_number() {
    let dir = scratch("run");
    let scenario = "scenarios/weekday.toml";
    let shards: Vec<_> = (0..4)
        .map(|i| {
            crate::support::command()
                .args(["run", scenario, "--replications", "6", "--seed", "17"])
                .args(["--threads", "1", "--quiet", "--shard", &format!("{i}/4")])
                .args(["--partial", &part(&dir, i)])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in shards {
        assert!(child.wait().unwrap().success());
    }
    let parts: Vec<String> = [2, 0, 3, 1].iter().map(|&i| part(&dir, i)).collect();
    let mut args = vec!["merge", "--json"];
    args.extend(parts.iter().map(String::as_str));
    let merged = ccsim(&args);
    let single = ccsim(&[
        "run",
        scenario,
        "--replications",
        "6",
        "--seed",
        "17",
        "--json",
        "--quiet",
    ]);
    let merged = without_wall_clock(ok(&merged));
    assert_eq!(merged, without_wall_clock(ok(&single)));
    assert_eq!(merged["replications"], 6);
    // The merged run writes the single run's report.
    let report = dir.join("report");
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--report", report.to_str().unwrap()]);
    ok(&ccsim(&args));
    assert!(report.join("index.html").exists());

    // Three parts are not the whole: the missing shard is named.
    let mut args = vec!["merge"];
    args.extend(parts[..3].iter().map(String::as_str));
    assert!(refused(&ccsim(&args)).contains("missing shard: 1/4"));

    // A part of another ccsim version is refused.
    let old = dir.join("old.toml");
    let text = std::fs::read_to_string(&parts[0]).unwrap();
    let text = text.replacen(
        &format!("ccsim_version = \"{}\"", env!("CARGO_PKG_VERSION")),
        "ccsim_version = \"0.0.1\"",
        1,
    );
    std::fs::write(&old, text).unwrap();
    let mut args = vec!["merge", old.to_str().unwrap()];
    args.extend(parts[1..].iter().map(String::as_str));
    let message = refused(&ccsim(&args));
    assert!(message.contains("ccsim 0.0.1"), "{message}");

    // An existing partial file is kept.
    let again = ccsim(&[
        "run",
        scenario,
        "--shard",
        "0/4",
        "--partial",
        &part(&dir, 0),
    ]);
    assert!(refused(&again).contains("--force"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parts_of_another_scenario_or_a_changed_file_are_refused() {
    let dir = scratch("mixed");
    let copy = dir.join("queue.toml");
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation/erlang_a.toml"),
    )
    .unwrap();
    std::fs::write(&copy, &original).unwrap();
    let copy = copy.to_str().unwrap();
    let run_shard = |file: &str, i: u32| {
        ok(&ccsim(&[
            "run",
            file,
            "--replications",
            "2",
            "--quiet",
            "--shard",
            &format!("{i}/2"),
            "--partial",
            &part(&dir, i),
            "--force",
        ]));
    };
    run_shard(copy, 0);
    run_shard("scenarios/validation/erlang_c.toml", 1);
    let message = refused(&ccsim(&["merge", &part(&dir, 0), &part(&dir, 1)]));
    assert!(message.contains("different scenarios"), "{message}");

    // Both parts of the copy, then the copy edited: the merge no longer matches it.
    run_shard(copy, 1);
    ok(&ccsim(&["merge", &part(&dir, 0), &part(&dir, 1)]));
    std::fs::write(copy, original.replacen("seed =", "# edited\nseed =", 1)).unwrap();
    ok(&ccsim(&["merge", &part(&dir, 0), &part(&dir, 1)]));
    // A comment changes nothing; another agent does.
    let edited = original.replace("agents = 110", "agents = 111");
    assert_ne!(edited, original);
    std::fs::write(copy, edited).unwrap();
    let message = refused(&ccsim(&["merge", &part(&dir, 0), &part(&dir, 1)]));
    assert!(message.contains("does not give the scenario"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_sharded_sweep_merges_to_the_single_sweep() {
    let dir = scratch("sweep");
    let grid = [
        "sweep",
        "scenarios/validation/erlang_c.toml",
        "--set",
        "group.agents.agents=104..112:4",
        "--set",
        "simulation.seed=1,2",
        "--replications",
        "3",
        "--quiet",
    ];
    for i in 0..3 {
        let mut args = grid.to_vec();
        let shard = format!("{i}/3");
        let file = part(&dir, i);
        args.extend(["--shard", &shard, "--partial", &file]);
        ok(&ccsim(&args));
    }
    let merged = ccsim(&[
        "merge",
        "--json",
        &part(&dir, 1),
        &part(&dir, 0),
        &part(&dir, 2),
    ]);
    let mut single = grid.to_vec();
    single.push("--json");
    let single = ccsim(&single);
    let merged: serde_json::Value = serde_json::from_slice(ok(&merged)).unwrap();
    let single: serde_json::Value = serde_json::from_slice(ok(&single)).unwrap();
    assert_eq!(merged, single);
    let points = single["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    // A swept seed applies at its point.
    assert_eq!(points[0]["seed"], 1);
    assert_eq!(points[1]["seed"], 2);
    assert_ne!(points[0]["totals"], points[1]["totals"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The case files of issue 11 (tests/cases).
fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(name)
}

/// A part's text with its checksum written anew for its (edited) content, as if ccsim had
/// written it: so the checks behind the checksum are seen on their own.
fn reseal(text: &str) -> String {
    let content: String = text
        .lines()
        .filter(|l| !l.starts_with("checksum") && !l.starts_with("partial_format"))
        .map(|l| format!("{l}\n"))
        .collect();
    let part: ccsim::shard::PartialResult = toml::from_str(&content).unwrap();
    part.to_toml().unwrap()
}

#[test]
fn a_part_missing_an_interval_table_is_refused_not_a_panic() {
    let merge_in_cases = |parts: &[&str]| {
        crate::support::command()
            .current_dir(case(""))
            .arg("merge")
            .args(parts)
            .output()
            .unwrap()
    };
    // The files as the fuzzing run left them (format 1: written before parts had
    // checksums, and before the scenario hash was the canonical one).
    let message = refused(&merge_in_cases(&[
        "merge_part_missing_interval.toml",
        "merge_part_0.toml",
    ]));
    assert!(
        message.starts_with(
            "error: 2 of the 2 parts cannot be merged: merge_part_missing_interval.toml, merge_part_0.toml: each is a partial result of format 1"
        ),
        "{message}"
    );
    // Sealed as ccsim writes parts now: the missing table itself is found and named.
    let dir = scratch("cases");
    std::fs::copy(case("merge_sc.toml"), dir.join("merge_sc.toml")).unwrap();
    for name in ["merge_part_0.toml", "merge_part_missing_interval.toml"] {
        // The case's scenario hash is of the model as ccsim compiled it then: written anew
        // for the model as it compiles now, so that the shape check is what refuses.
        let text = std::fs::read_to_string(case(name)).unwrap();
        let model = ccsim::scenario::load(&case("merge_sc.toml")).unwrap();
        let hash = ccsim::shard::scenario_hash(&[&model]);
        let text: String = text
            .lines()
            .map(|l| {
                if l.starts_with("scenario_hash") {
                    format!("scenario_hash = \"{hash}\"\n")
                } else if l.starts_with("ccsim_version") {
                    // As this ccsim writes parts (the case was written by 0.1.0).
                    format!("ccsim_version = \"{}\"\n", env!("CARGO_PKG_VERSION"))
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(dir.join(name), reseal(&text)).unwrap();
    }
    let out = crate::support::command()
        .current_dir(&dir)
        .args([
            "merge",
            "merge_part_0.toml",
            "merge_part_missing_interval.toml",
        ])
        .output()
        .unwrap();
    let message = refused(&out);
    assert!(
        message.contains("merge_part_missing_interval.toml does not fit the scenario it names"),
        "{message}"
    );
    assert!(
        message.contains("replication 1 has 17 interval rows (intervals); the scenario gives 18"),
        "{message}"
    );
    // The untouched part merges with its sibling written again from it.
    let mut whole = std::fs::read_to_string(dir.join("merge_part_0.toml")).unwrap();
    whole = whole.replacen("shard = 0", "shard = 1", 1);
    whole = whole.replacen("index = 0", "index = 1", 1);
    std::fs::write(dir.join("merge_part_1.toml"), reseal(&whole)).unwrap();
    let out = crate::support::command()
        .current_dir(&dir)
        .args(["merge", "merge_part_0.toml", "merge_part_1.toml"])
        .output()
        .unwrap();
    ok(&out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_part_edited_after_ccsim_wrote_it_is_refused() {
    let dir = scratch("tampered");
    for i in 0..2 {
        ok(&ccsim(&[
            "run",
            "scenarios/validation/erlang_a.toml",
            "--replications",
            "2",
            "--quiet",
            "--shard",
            &format!("{i}/2"),
            "--partial",
            &part(&dir, i),
        ]));
    }
    let genuine = std::fs::read_to_string(part(&dir, 0)).unwrap();
    assert!(genuine.contains("\nchecksum = \"sha256:"), "{genuine}");
    ok(&ccsim(&["merge", &part(&dir, 0), &part(&dir, 1)]));
    // The scenario the merge reads is capped like any file read whole.
    let message = refused(&ccsim(&[
        "merge",
        "--scenario",
        "/dev/zero",
        &part(&dir, 0),
        &part(&dir, 1),
    ]));
    assert!(
        message
            .contains("/dev/zero: cannot read the scenario file: the file is larger than 16 MiB"),
        "{message}"
    );

    // Each edit, and what gives it away once the checksum is written anew for it.
    let first_interval = genuine
        .find("[[runs.replications.outcome.intervals]]")
        .unwrap();
    let next_table = first_interval + 1 + genuine[first_interval + 1..].find("\n[").unwrap();
    let duplicated = format!(
        "{}{}",
        &genuine[..next_table + 1],
        &genuine[first_interval..]
    );
    let count_times_ten = |text: &str, key: &str| -> String {
        text.lines()
            .map(|l| match l.strip_prefix(&format!("{key} = ")) {
                Some(v) => format!("{key} = {:?}", v.parse::<f64>().unwrap() * 10.0),
                None => l.to_string(),
            })
            .map(|l| l + "\n")
            .collect()
    };
    let replace_first_value = |text: &str, key: &str, value: &str| -> String {
        let at = text.find(&format!("\n{key} = ")).unwrap() + 1;
        let end = at + text[at..].find('\n').unwrap();
        format!("{}{key} = {value}{}", &text[..at], &text[end..])
    };
    let edits: Vec<(&str, String, &str)> = vec![
        (
            "service level 7.5",
            replace_first_value(&genuine, "service_level", "7.5"),
            "totals.service_level = 7.5 is a share, which lies between 0 and 1",
        ),
        (
            "offered ×10",
            count_times_ten(&genuine, "offered"),
            "totals.human_connect_rate = ",
        ),
        (
            "a negative count",
            replace_first_value(&genuine, "abandoned", "-3.0"),
            "totals.abandoned = -3 is not a count",
        ),
        (
            "NaN where defined",
            replace_first_value(&genuine, "asa_s", "nan"),
            "totals.asa_s = nan, yet the contacts it is taken over are there",
        ),
        (
            "a duplicated interval row",
            duplicated,
            "replication 0 has 19 interval rows (intervals); the scenario gives 18",
        ),
        (
            "scenario_file pointed elsewhere",
            genuine.replacen(
                "scenario_file = \"scenarios/validation/erlang_a.toml\"",
                "scenario_file = \"scenarios/validation/erlang_c.toml\"",
                1,
            ),
            "does not give the scenario the shards ran",
        ),
    ];
    let edited = dir.join("edited.toml");
    let name = edited.to_str().unwrap();
    for (what, text, given_away) in edits {
        assert_ne!(text, genuine, "{what}: no edit");
        std::fs::write(&edited, &text).unwrap();
        let message = refused(&ccsim(&["merge", name, &part(&dir, 1)]));
        assert!(
            message.contains(&format!(
                "{name} was changed after ccsim wrote it (checksum sha256:"
            )),
            "{what}: {message}"
        );
        std::fs::write(&edited, reseal(&text)).unwrap();
        let message = refused(&ccsim(&["merge", name, &part(&dir, 1)]));
        assert!(message.contains(given_away), "{what}: {message}");
        if !what.starts_with("scenario_file") {
            assert!(
                message.starts_with(&format!("error: {name} ")),
                "{what}: {message}"
            );
        }
    }
    // A change of layout alone keeps every value: the part still merges.
    std::fs::write(&edited, genuine.replace("\n[", "\n\n[")).unwrap();
    ok(&ccsim(&["merge", name, &part(&dir, 1)]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_part_too_large_to_read_or_not_text_is_refused() {
    let message = refused(&ccsim(&["merge", "/dev/zero"]));
    assert!(
        message.contains("cannot read /dev/zero: the file is larger than 1 GiB"),
        "{message}"
    );
    let dir = scratch("binary");
    let binary = dir.join("binary.toml");
    std::fs::write(&binary, [0x80, 0xff, 0x00]).unwrap();
    let message = refused(&ccsim(&["merge", binary.to_str().unwrap()]));
    assert!(message.contains("is not UTF-8 text"), "{message}");
    let message = refused(&ccsim(&["merge", dir.to_str().unwrap()]));
    assert!(message.contains("it is a folder"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 13 item 7: a part of the old format (an FNV hash of the model's `Debug` text) is
/// refused with what it is, who wrote it and what to do, exit 2.
#[test]
fn a_part_of_the_old_format_is_refused_with_what_to_do() {
    let out = crate::support::command()
        .current_dir(case(""))
        .args(["merge", "merge_part_0.toml"])
        .output()
        .unwrap();
    insta::assert_snapshot!(refused(&out), @"error: merge_part_0.toml is a partial result of format 1, written by an older ccsim (ccsim 0.1.0, which identified the scenario another way); this is ccsim 0.3.0, which merges parts of format 4: run that shard again with this ccsim, or merge the parts with the ccsim that wrote them");
    // A format this ccsim does not know yet is refused the same way, before it is read.
    let dir = scratch("format");
    let newer = dir.join("newer.toml");
    let text = std::fs::read_to_string(case("merge_part_0.toml")).unwrap();
    std::fs::write(&newer, format!("partial_format = 5\nnew_key = 1\n{text}")).unwrap();
    let message = refused(&ccsim(&["merge", newer.to_str().unwrap()]));
    assert!(
        message.contains("is a partial result of format 5, written by a newer ccsim (ccsim 0.1.0"),
        "{message}"
    );
    // A part of format 2 (its contacts drew from the streams before issue 18's) is refused
    // too: its numbers would not be those this ccsim draws for the same seed.
    let older = dir.join("older.toml");
    std::fs::write(&older, format!("partial_format = 2\n{text}")).unwrap();
    let message = refused(&ccsim(&["merge", older.to_str().unwrap()]));
    assert!(
        message.contains("is a partial result of format 2, written by an older ccsim (ccsim 0.1.0, whose contacts drew their handle times and outcomes from other random streams)"),
        "{message}"
    );
    // A part of format 3 (ccsim 0.2.0: patience drawn at arrival from the stream's own
    // generator, the platform's `exp` for lognormals) is refused the same way.
    let before = dir.join("before.toml");
    std::fs::write(&before, format!("partial_format = 3\n{text}")).unwrap();
    let message = refused(&ccsim(&["merge", before.to_str().unwrap()]));
    assert!(
        message.contains("is a partial result of format 3, written by an older ccsim (ccsim 0.1.0, whose contacts drew their patience and lognormal durations another way)"),
        "{message}"
    );
    // Last week's four parts, all of the old format, are refused in one message that
    // names every one of them, with what to do.
    let olds: Vec<String> = (0..4)
        .map(|i| {
            let path = dir.join(format!("old-{i}.toml"));
            std::fs::write(&path, format!("partial_format = 2\n{text}")).unwrap();
            path.to_str().unwrap().to_string()
        })
        .collect();
    let mut args = vec!["merge"];
    args.extend(olds.iter().map(String::as_str));
    let message = refused(&ccsim(&args));
    let names = olds.join(", ");
    assert!(
        message.starts_with(&format!("error: 4 of the 4 parts cannot be merged: {names}: each is a partial result of format 2, written by an older ccsim (ccsim 0.1.0, whose contacts drew their handle times and outcomes from other random streams); this is ccsim 0.3.0, which merges parts of format 4: run those shards again with this ccsim, or merge the parts with the ccsim that wrote them")),
        "{message}"
    );
    // Two of them: both named, together.
    let message = refused(&ccsim(&["merge", &olds[0], &olds[1]]));
    assert!(
        message.contains(&format!("{}, {}: each is", olds[0], olds[1])),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `scenario_hash` line of a partial file.
fn hash_line(file: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .find(|l| l.starts_with("scenario_hash = "))
        .unwrap()
        .to_string()
}

/// Issue 13 item 7: the identity of a scenario is the same in every process and on every
/// thread count, 64 hex digits of a SHA-256; a changed value gives another.
#[test]
fn a_scenario_has_one_identity_across_processes_and_threads() {
    let dir = scratch("identity");
    let write = |i: u32, threads: &str, file: &str| {
        ok(&ccsim(&[
            "run",
            file,
            "--replications",
            "2",
            "--quiet",
            "--threads",
            threads,
            "--shard",
            &format!("{i}/2"),
            "--partial",
            &part(&dir, i),
            "--force",
        ]));
        hash_line(&part(&dir, i))
    };
    let weekday = "scenarios/weekday.toml";
    let first = write(0, "1", weekday);
    assert_eq!(write(1, "2", weekday), first);
    assert_eq!(write(0, "2", weekday), first);
    let hex = first
        .strip_prefix("scenario_hash = \"")
        .and_then(|h| h.strip_suffix('"'))
        .unwrap();
    assert!(
        hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{first}"
    );
    // The library gives what the part holds.
    let model = ccsim::scenario::load(std::path::Path::new(weekday)).unwrap();
    assert_eq!(ccsim::shard::scenario_hash(&[&model]), hex);
    // A replayed scenario: its log (path, options, what the scan found) is part of it.
    let replay = "scenarios/replay_last_week.toml";
    let replayed = write(0, "1", replay);
    assert_eq!(write(1, "2", replay), replayed);
    assert_ne!(replayed, first);
    let _ = std::fs::remove_dir_all(&dir);
}

/// One array task's environment variables.
type TaskEnv = Vec<(&'static str, String)>;

#[test]
fn array_job_tasks_with_shard_auto_merge_to_the_single_run() {
    // Three runners' tasks (a Slurm array from 1, a Kubernetes Indexed Job, AWS Batch),
    // each reading its shard from its environment, name their parts by `{index}`.
    let dir = scratch("auto");
    let template = dir.join("part-{index}-of-{count}.toml");
    let base = [
        "run",
        "scenarios/validation/erlang_a.toml",
        "--replications",
        "6",
        "--seed",
        "5",
    ];
    let runners: [(&str, Vec<TaskEnv>); 3] = [
        (
            "auto",
            (1..=3)
                .map(|id| {
                    vec![
                        ("SLURM_ARRAY_TASK_ID", id.to_string()),
                        ("SLURM_ARRAY_TASK_MIN", "1".into()),
                        ("SLURM_ARRAY_TASK_MAX", "3".into()),
                        ("SLURM_ARRAY_TASK_COUNT", "3".into()),
                    ]
                })
                .collect(),
        ),
        (
            "auto/3",
            (0..3)
                .map(|i| vec![("JOB_COMPLETION_INDEX", i.to_string())])
                .collect(),
        ),
        (
            "auto",
            (0..3)
                .map(|i| {
                    vec![
                        ("AWS_BATCH_JOB_ARRAY_INDEX", i.to_string()),
                        ("AWS_BATCH_JOB_ARRAY_SIZE", "3".into()),
                    ]
                })
                .collect(),
        ),
    ];
    let single = ccsim(&[base.as_slice(), &["--json", "--quiet"]].concat());
    let single = without_wall_clock(ok(&single));
    for (spec, tasks) in runners {
        for vars in &tasks {
            let out = crate::support::command()
                .args(base)
                .args([
                    "--shard",
                    spec,
                    "--partial",
                    template.to_str().unwrap(),
                    "--force",
                ])
                .env_remove("SLURM_ARRAY_TASK_ID")
                .env_remove("JOB_COMPLETION_INDEX")
                .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
                .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
                .output()
                .unwrap();
            ok(&out);
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("shard "),
                "says which shard"
            );
        }
        let parts: Vec<String> = (0..3)
            .map(|i| {
                dir.join(format!("part-{i}-of-3.toml"))
                    .display()
                    .to_string()
            })
            .collect();
        let mut args = vec!["merge", "--json"];
        args.extend(parts.iter().map(String::as_str));
        assert_eq!(without_wall_clock(ok(&ccsim(&args))), single, "{spec}");
    }
    // Outside an array job, auto is refused with what it looked for.
    let out = crate::support::command()
        .args(base)
        .args(["--shard", "auto", "--partial", template.to_str().unwrap()])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .output()
        .unwrap();
    assert!(refused(&out).contains("none of SLURM_ARRAY_TASK_ID"));
    let _ = std::fs::remove_dir_all(&dir);
}
