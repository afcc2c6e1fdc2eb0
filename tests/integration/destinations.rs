//! Every destination is tried before any work: a place the filesystem refuses (a path under
//! a file, a folder that cannot be written, a file's missing folder) fails in moments with
//! exit 2 and a message naming the flag, the path and why, and the trial leaves nothing
//! behind.

use crate::support::ccsim_in;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A fresh folder holding a regular file `notes.txt`.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ccsim-destinations-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    std::fs::write(dir.join("notes.txt"), "mine\n").expect("a file");
    dir
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn weekday() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/weekday.toml")
        .display()
        .to_string()
}

/// Runs ccsim in `dir` with a run that would take minutes (2,000 replications of the
/// weekday) plus `flags`; it must fail within seconds with exit 2, `message` on stderr,
/// nothing on stdout, and `dir` as it was.
fn refused_before_work(dir: &Path, flags: &[&str], message: &str) {
    let before = names(dir);
    let scenario = weekday();
    let mut args = vec!["run", scenario.as_str(), "--replications", "2000"];
    args.extend(flags);
    let start = Instant::now();
    let out = ccsim_in(dir, &args);
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
    assert_eq!(stderr, format!("error: {message}\n"), "{flags:?}");
    assert!(out.stdout.is_empty(), "no run was printed");
    assert!(
        took < Duration::from_secs(10),
        "{flags:?} refused only after {took:?}"
    );
    assert_eq!(names(dir), before, "{flags:?} left something behind");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn a_path_under_a_file_is_refused_before_the_run_naming_the_file() {
    let dir = scratch("under-file");
    refused_before_work(
        &dir,
        &["--out", "notes.txt/res"],
        "--out notes.txt/res: notes.txt is a file, not a folder; name a path in a folder",
    );
    refused_before_work(
        &dir,
        &["--report", "notes.txt/a/b/report"],
        "--report notes.txt/a/b/report: notes.txt is a file, not a folder; name a path in a folder",
    );
    refused_before_work(
        &dir,
        &["--shard", "0/2", "--partial", "notes.txt/p.toml"],
        "--partial notes.txt/p.toml: notes.txt is a file, not a folder; name a path in a folder",
    );
    refused_before_work(
        &dir,
        &["--shard", "0/2", "--partial", "parts/p.toml"],
        "--partial parts/p.toml: the folder parts does not exist; create it first, or name a file in a folder that exists",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_folder_the_filesystem_refuses_is_found_before_the_run() {
    if !Path::new("/sys/kernel").is_dir() {
        eprintln!("skipped: no sysfs at /sys");
        return;
    }
    let dir = scratch("sysfs");
    let sys_before = names(Path::new("/sys"));
    for (flag, path, kind) in [
        ("--out", "/sys/x", "Operation not permitted (os error 1)"),
        (
            "--report",
            "/sys/r.html",
            "Operation not permitted (os error 1)",
        ),
        (
            "--partial",
            "/sys/p.toml",
            "Permission denied (os error 13)",
        ),
    ] {
        let mut flags = vec![flag, path];
        if flag == "--partial" {
            flags.extend(["--shard", "0/2"]);
        }
        let before = names(&dir);
        let scenario = weekday();
        let mut args = vec!["run", scenario.as_str(), "--replications", "2000"];
        args.extend(&flags);
        let start = Instant::now();
        let out = ccsim_in(&dir, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(start.elapsed() < Duration::from_secs(10));
        assert!(out.stdout.is_empty());
        // The reason is the system's (root is refused too: sysfs makes no folders).
        let prefix = format!("error: {flag} {path}: ccsim cannot write in /sys (");
        assert!(stderr.starts_with(&prefix), "{stderr}");
        assert!(stderr.contains(kind), "{stderr}");
        assert!(
            stderr.ends_with("); name a place you can write to\n"),
            "{stderr}"
        );
        assert_eq!(names(&dir), before);
    }
    assert_eq!(names(Path::new("/sys")), sys_before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_trial_leaves_nothing_beside_a_destination_that_is_written() {
    let dir = scratch("written");
    let scenario = weekday();
    let out = ccsim_in(
        &dir,
        &[
            "run",
            &scenario,
            "--replications",
            "2",
            "--quiet",
            "--out",
            "new/res",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(names(&dir), ["new", "notes.txt"]);
    assert_eq!(names(&dir.join("new")), ["res"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
