//! Nothing a user has is lost: `--force` replaces only ccsim's own results folders and
//! never the current folder, its parents, the root or the home folder; destinations are
//! checked before any work; a run killed at any moment while it replaces a results folder
//! leaves the old or the new complete folder under the name, and the next run cleans up
//! what the killed one left.

use crate::support::ccsim_in;
use std::path::{Path, PathBuf};
use std::process::Output;

const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/validation/erlang_c.toml"
);

fn refused(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "expected a refusal: {stderr}");
    stderr
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-safety-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The names in a folder, sorted, hidden ones included.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn force_never_replaces_the_current_folder_its_parents_or_a_folder_ccsim_did_not_write() {
    let base = scratch("force");
    let work = base.join("work");
    std::fs::create_dir_all(work.join("thesis")).unwrap();
    std::fs::write(work.join("notes.txt"), "mine").unwrap();
    std::fs::write(work.join("thesis/ch1.tex"), "years of work").unwrap();
    let before_work = names(&work);
    let before_base = names(&base);
    for (flag, place, expected) in [
        ("--out", ".", "the current folder or one of its parents"),
        ("--out", "..", "the current folder or one of its parents"),
        ("--report", "./", "the current folder or one of its parents"),
        ("--out", "/", "the filesystem root"),
        ("--out", "thesis", "was not written by ccsim"),
        ("--report", "thesis", "was not written by ccsim"),
        ("--out", "notes.txt", "is not a folder"),
    ] {
        let out = ccsim_in(
            &work,
            &[
                "run",
                SCENARIO,
                "--replications",
                "2",
                flag,
                place,
                "--force",
            ],
        );
        let stderr = refused(&out);
        assert!(
            stderr.contains(&format!("{flag} {place}")) && stderr.contains(expected),
            "{flag} {place}: {stderr}"
        );
    }
    if let Some(home) = std::env::var_os("HOME") {
        let home = home.to_string_lossy().into_owned();
        let stderr = refused(&ccsim_in(
            &work,
            &["run", SCENARIO, "--out", &home, "--force"],
        ));
        assert!(stderr.contains("home folder"), "{stderr}");
    }
    assert_eq!(names(&work), before_work);
    assert_eq!(names(&base), before_base);
    assert_eq!(
        std::fs::read_to_string(work.join("thesis/ch1.tex")).unwrap(),
        "years of work"
    );
    // ccsim's own folder is replaced with --force, and only then.
    let ok = ccsim_in(
        &work,
        &[
            "run",
            SCENARIO,
            "--replications",
            "2",
            "--quiet",
            "--out",
            "r",
        ],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        names(&work.join("r")),
        [
            ".ccsim-results",
            "by_group.csv",
            "intervals.csv",
            "risk_by_channel.csv",
            "summary.json"
        ]
    );
    let again = ccsim_in(
        &work,
        &["run", SCENARIO, "--replications", "2", "--out", "r"],
    );
    assert!(refused(&again).contains("add --force"));
    let forced = ccsim_in(
        &work,
        &[
            "run",
            SCENARIO,
            "--replications",
            "3",
            "--quiet",
            "--out",
            "r",
            "--force",
        ],
    );
    assert!(forced.status.success());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("r/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["replications"], 3);
    // A file of the user's put into ccsim's folder keeps --force from replacing it.
    std::fs::write(work.join("r/my-notes.txt"), "mine").unwrap();
    let kept = ccsim_in(&work, &["run", SCENARIO, "--out", "r", "--force"]);
    assert!(refused(&kept).contains("the folder holds my-notes.txt, which ccsim did not write"));
    assert_eq!(
        std::fs::read_to_string(work.join("r/my-notes.txt")).unwrap(),
        "mine"
    );
    // An empty folder holds nothing to lose: it is written into without --force.
    std::fs::create_dir_all(work.join("empty")).unwrap();
    let into_empty = ccsim_in(
        &work,
        &[
            "run",
            SCENARIO,
            "--replications",
            "2",
            "--quiet",
            "--out",
            "empty",
        ],
    );
    assert!(into_empty.status.success());
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn destinations_are_checked_before_any_work() {
    let base = scratch("before");
    std::fs::create_dir_all(base.join("taken")).unwrap();
    std::fs::write(base.join("taken/.ccsim-results"), "").unwrap();
    std::fs::write(base.join("taken/summary.json"), "{}").unwrap();
    std::fs::write(base.join("taken.toml"), "").unwrap();
    // A scenario that does not even load: the destination is refused first.
    std::fs::write(base.join("broken.toml"), "[simulation\n").unwrap();
    let stderr = refused(&ccsim_in(&base, &["run", "broken.toml", "--out", "taken"]));
    assert!(
        stderr.contains("--out taken: the folder exists"),
        "{stderr}"
    );
    // fit refuses its output before reading the log (which does not exist).
    let stderr = refused(&ccsim_in(
        &base,
        &["fit", "missing.csv", "-o", "taken.toml"],
    ));
    assert!(
        stderr.contains("--output taken.toml: the file exists"),
        "{stderr}"
    );
    // Two outputs in one place: nothing is written.
    let stderr = refused(&ccsim_in(
        &base,
        &["run", SCENARIO, "--out", "x", "--report", "x"],
    ));
    assert!(stderr.contains("name the same place"), "{stderr}");
    assert!(!base.join("x").exists());
    // An output may not replace or hold what the command reads.
    std::fs::copy(SCENARIO, base.join("s.toml")).unwrap();
    let stderr = refused(&ccsim_in(
        &base,
        &["log", "s.toml", "-o", "s.toml", "--force"],
    ));
    assert!(stderr.contains("a file this command reads"), "{stderr}");
    std::fs::remove_dir_all(&base).unwrap();
}

/// A tiny deterministic generator for the kill moments.
struct Lcg(u64);
impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The folder under the name is complete: the marker and the three files, the summary
/// whole (it parses) and from one of the two runs.
fn complete_seed(dir: &Path) -> u64 {
    assert_eq!(
        names(dir),
        [
            ".ccsim-results",
            "by_group.csv",
            "intervals.csv",
            "risk_by_channel.csv",
            "summary.json"
        ],
        "{}",
        dir.display()
    );
    let text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&text).expect("a whole summary");
    let intervals = std::fs::read_to_string(dir.join("intervals.csv")).unwrap();
    assert_eq!(intervals.lines().count(), 19, "a whole intervals.csv");
    summary["seed"].as_u64().unwrap()
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_old_or_the_new_complete_folder() {
    let base = scratch("kill");
    let dir = base.join("results");
    let d = dir.to_str().unwrap();
    let run = |seed: &str| {
        let mut command = crate::support::command();
        command
            .args(["run", SCENARIO, "--replications", "4", "--threads", "1"])
            .args(["--quiet", "--seed", seed, "--out", d, "--force"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command
    };
    let started = std::time::Instant::now();
    assert!(run("1").status().unwrap().success());
    // The kill moments spread over a whole run, more of them near its end (the writing).
    let whole = started.elapsed().as_secs_f64();
    let mut rng = Lcg(20261130);
    let (mut old_kept, mut new_in) = (0, 0);
    for i in 0..40 {
        let before = complete_seed(&dir);
        let seed = if before == 1 { "2" } else { "1" };
        let mut child = run(seed).spawn().unwrap();
        let u = rng.unit();
        let at = if i % 2 == 0 {
            u * whole * 1.2
        } else {
            whole * (0.7 + 0.5 * u)
        };
        std::thread::sleep(std::time::Duration::from_secs_f64(at));
        let _ = child.kill();
        let _ = child.wait();
        let after = complete_seed(&dir);
        if after == before {
            old_kept += 1;
        } else {
            new_in += 1;
        }
    }
    // A finished run cleans up what the killed ones left beside the folder.
    assert!(run("3").status().unwrap().success());
    assert_eq!(complete_seed(&dir), 3);
    assert_eq!(names(&base), ["results"], "strays left beside the folder");
    eprintln!("killed 40 runs: {old_kept} left the old folder, {new_in} the new one");
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn the_results_folder_holds_the_json_document_that_json_prints() {
    let base = scratch("same");
    let args = ["run", SCENARIO, "--replications", "3", "--quiet", "--json"];
    let printed = ccsim_in(&base, &args);
    let written = ccsim_in(&base, &[&args[..], &["--out", "r"]].concat());
    assert!(printed.status.success() && written.status.success());
    let mut a: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("r/summary.json")).unwrap())
            .unwrap();
    a["wall_s"] = 0.into();
    b["wall_s"] = 0.into();
    assert_eq!(a, b);
    std::fs::remove_dir_all(&base).unwrap();
}
