//! Sharded runs: four shards run as separate processes and `ccsim merge` gives exactly
//! the single run's summary (wall-clock time aside); a sharded sweep merges to the single
//! sweep; parts of other scenarios, versions, or an incomplete set are refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ccsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

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
            Command::new(env!("CARGO_BIN_EXE_ccsim"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
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
