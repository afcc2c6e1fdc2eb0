//! The README's command examples, run and compared with what the README shows (issue 13
//! item 9), so that the README cannot drift from the program. A small reader in the
//! spirit of trycmd: every fenced block whose lines start with `$ ` is a session; each
//! `$ ccsim …` (or `$ cargo run --release -- …`) line is run from the project's root and
//! what it prints (stderr, then stdout) must be the lines under it, where
//! - a line `…` (or `...`) stands for any number of lines (the README cuts long output);
//! - `[..]` within a line stands for any text;
//! - wall-clock times (`· 0.12 s,`, a solve's seconds) and the project's folder (shown as
//!   `/home/me/ccsim`) are machine-dependent: both sides are blanked the same way.
//!
//! `ccsim optimize` rosters are checked too: each MIP of the README's scenarios stops at
//! its gap in well under a second (its 20 s time limit far off), so the roster does not
//! depend on the machine's speed; the solver's seconds are blanked.
//!
//! A command that writes a file (`-o FILE`) writes it into a scratch folder instead, and
//! the file is compared with the one the README names where that one is shipped. Commands
//! that are not run say why in [`NOT_RUN`], and the test prints that list.

use std::path::{Path, PathBuf};

/// Commands (by their start) the test does not run, and why.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "ccsim run year_at_15m.toml",
        "the scenario is the reader's own (a year at 15-minute intervals), not shipped",
    ),
    (
        "for i in 0 1 2 3",
        "a shell loop over shard processes; tests/integration/shard.rs runs the same sharded run and merge",
    ),
    (
        "ccsim merge part-*.toml",
        "merges the parts of the shell loop above",
    ),
];

/// One command of a README session: where it is, what is run, what it shows.
#[derive(Debug)]
struct Example {
    /// 1-based line of the `$ ` line in README.md.
    line: usize,
    /// The command as written, after `$ `.
    command: String,
    /// The lines the README shows under it.
    expected: Vec<String>,
}

/// Every command of every session block in `text`.
fn examples(text: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut in_block = false;
    let mut current: Option<Example> = None;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            in_block = !in_block;
            found.extend(current.take());
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            found.extend(current.take());
            current = Some(Example {
                line: i + 1,
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(example) = &mut current {
            example.expected.push(line.to_string());
        }
    }
    found
}

/// Whether `line` matches `pattern`, where `[..]` stands for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let mut pieces = pattern.split("[..]");
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (k, piece) in pieces.iter().enumerate() {
        if k + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether the lines `actual` match `expected`, where a line `…` or `...` stands for any
/// number of lines; `Err` says where they part.
fn lines_match(expected: &[String], actual: &[String]) -> Result<(), String> {
    fn walk(e: &[String], a: &[String]) -> bool {
        match e.first().map(String::as_str) {
            None => a.is_empty(),
            Some("…" | "...") => (0..=a.len()).any(|skip| walk(&e[1..], &a[skip..])),
            Some(pattern) => a
                .first()
                .is_some_and(|line| line_matches(pattern, line) && walk(&e[1..], &a[1..])),
        }
    }
    if walk(expected, actual) {
        return Ok(());
    }
    // The first line of the README that no line of the output matches, for the message.
    let mut at = 0;
    for (k, pattern) in expected.iter().enumerate() {
        if pattern == "…" || pattern == "..." {
            continue;
        }
        match actual[at.min(actual.len())..]
            .iter()
            .position(|l| line_matches(pattern, l))
        {
            Some(p) => at += p + 1,
            None => return Err(format!("README line {k} of the block:\n  {pattern}")),
        }
    }
    Err("the lines are there, but not in this order or with others between".into())
}

/// Blanks what differs between machines and runs: wall-clock seconds, the project's
/// folder.
fn blank_machine(text: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = text.replace(root, "/home/me/ccsim");
    text.lines()
        .map(|line| {
            let mut line = line.to_string();
            // `· 0.12 s, …` (run, compare) and `· 0.9 s` (optimize): the wall-clock time.
            if let Some(at) = line.find(" s, ").or_else(|| {
                line.ends_with(" s")
                    .then(|| line.len() - 2)
                    .filter(|_| line.starts_with("ccsim "))
            }) {
                if let Some(dot) = line[..at].rfind("· ") {
                    line.replace_range(dot + "· ".len()..at, "[time]");
                }
            }
            // A round of `optimize` (`    1  roster  cost  missing  shortfall  solve s  gap`):
            // the solver's seconds.
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() == 7
                && fields[0].parse::<u32>().is_ok()
                && (fields[1] == "roster" || fields[1] == "requirements")
            {
                let at = nth_field_at(&line, 5);
                let width = fields[5].len();
                line.replace_range(at..at + width, &"~".repeat(width));
            }
            line + "\n"
        })
        .collect()
}

/// Where the `n`th (0-based) whitespace-separated field of `line` starts.
fn nth_field_at(line: &str, n: usize) -> usize {
    let mut count = 0;
    let mut in_field = false;
    for (at, c) in line.char_indices() {
        if c.is_whitespace() {
            in_field = false;
        } else if !in_field {
            if count == n {
                return at;
            }
            count += 1;
            in_field = true;
        }
    }
    line.len()
}

/// The arguments of `command`, `ccsim` dropped; `None` when it is not a ccsim command.
fn ccsim_args(command: &str) -> Option<Vec<String>> {
    let command = command.split("  #").next().unwrap_or(command).trim();
    let rest = (command.strip_prefix("ccsim "))
        .or_else(|| command.strip_prefix("cargo run --release -- "))?;
    Some(rest.split_whitespace().map(String::from).collect())
}

/// Compares what a command printed with what the README shows under it: stderr and
/// stdout in either order (a terminal interleaves them; the README shows them as a
/// terminal did), the scratch file's path shown as the README's.
fn compare_output(
    example: &Example,
    out: &std::process::Output,
    stdout_shown: bool,
    written: Option<&(PathBuf, PathBuf)>,
) -> Result<(), String> {
    let text = |bytes: &[u8]| {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        if let Some((named, instead)) = written {
            text = text.replace(instead.to_str().unwrap(), named.to_str().unwrap());
        }
        blank_machine(&text)
    };
    let (stderr, stdout) = (text(&out.stderr), text(&out.stdout));
    let stdout = if stdout_shown { stdout } else { String::new() };
    let expected = blank_machine(&example.expected.join("\n"));
    let expected: Vec<String> = expected.lines().map(String::from).collect();
    let lines = |t: &str| t.lines().map(String::from).collect::<Vec<_>>();
    let first = lines(&(stderr.clone() + &stdout));
    let second = lines(&(stdout.clone() + &stderr));
    lines_match(&expected, &first)
        .or_else(|e| lines_match(&expected, &second).map_err(|_| e))
        .map_err(|e| format!("{e}\nccsim printed:\n{stderr}{stdout}"))
}

/// `head -N DIR/FILE` of a file an earlier `--out DIR` wrote: its first N lines, compared
/// with the README's.
fn check_head(example: &Example, folders: &[(String, PathBuf)]) -> Option<Result<(), String>> {
    let rest = example.command.strip_prefix("head -")?;
    let (n, file) = rest.split_once(' ')?;
    let n: usize = n.parse().ok()?;
    let (dir, written) = folders
        .iter()
        .find(|(dir, _)| file.starts_with(&format!("{dir}/")))?;
    let path = written.join(&file[dir.len() + 1..]);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return Some(Err(format!("{}: {e}", path.display()))),
    };
    let shown: Vec<String> = text.lines().take(n).map(String::from).collect();
    Some(lines_match(&example.expected, &shown))
}

/// Runs one example; `Err` says how its output differs from the README. `folders` holds
/// the results folders earlier `--out DIR` commands wrote (README name, scratch path):
/// `--out DIR` is written into the scratch folder instead, and a later argument `DIR/…`
/// names the file there.
fn check(
    example: &Example,
    scratch: &Path,
    folders: &mut Vec<(String, PathBuf)>,
) -> Result<(), String> {
    if let Some(result) = check_head(example, folders) {
        return result;
    }
    let Some(mut args) = ccsim_args(&example.command) else {
        return Err("not a ccsim command, and not in NOT_RUN".into());
    };
    let mut written_folder: Option<(PathBuf, PathBuf)> = None;
    for a in args.iter_mut() {
        if let Some((dir, instead)) = folders
            .iter()
            .find(|(dir, _)| a.starts_with(&format!("{dir}/")))
        {
            let path = instead.join(&a[dir.len() + 1..]);
            written_folder = Some((PathBuf::from(dir), instead.clone()));
            *a = path.to_str().unwrap().to_string();
        }
    }
    // A new folder's plain name (not `.`, not a folder of the project: those are the
    // refusals the README shows).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let new_folder = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !root.join(name).exists()
    };
    if let Some(k) = (args.iter().position(|a| a == "--out")).filter(|k| new_folder(&args[k + 1])) {
        let named = args[k + 1].clone();
        let instead = scratch.join(&named);
        let _ = std::fs::remove_dir_all(&instead);
        args[k + 1] = instead.to_str().unwrap().to_string();
        folders.retain(|(dir, _)| *dir != named);
        folders.push((named.clone(), instead.clone()));
        written_folder = Some((PathBuf::from(named), instead));
    }
    // `> /dev/null`: stdout is not shown.
    let stdout_shown = !(args.ends_with(&[">".into(), "/dev/null".into()]));
    if !stdout_shown {
        args.truncate(args.len() - 2);
    }
    // `-o FILE`: written into the scratch folder, compared with the shipped FILE.
    let mut written: Option<(PathBuf, PathBuf)> = None;
    if let Some(k) = args.iter().position(|a| a == "-o") {
        let named = PathBuf::from(&args[k + 1]);
        let instead = scratch.join(named.file_name().unwrap());
        args[k + 1] = instead.to_str().unwrap().to_string();
        written = Some((named, instead));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = crate::support::ccsim(&args);
    if example.expected.is_empty() {
        // A command shown for its use, without output: it must run.
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
    } else {
        compare_output(
            example,
            &out,
            stdout_shown,
            written.as_ref().or(written_folder.as_ref()),
        )?;
    }
    if let Some((named, instead)) = written {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join(&named);
        if shipped.exists() && !named.starts_with("/") {
            let (a, b) = (std::fs::read(&shipped).unwrap(), std::fs::read(&instead));
            if b.as_deref().ok() != Some(&a[..]) {
                return Err(format!(
                    "the file it writes differs from {}",
                    named.display()
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_command_in_the_readme_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("README.md")).unwrap();
    let scratch = std::env::temp_dir().join(format!("ccsim-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let examples = examples(&text);
    let (mut run, mut failures) = (0, Vec::new());
    let mut folders = Vec::new();
    for example in &examples {
        if let Some((_, why)) = NOT_RUN
            .iter()
            .find(|(start, _)| example.command.starts_with(start))
        {
            eprintln!(
                "README.md:{}: not run: `{}`: {why}",
                example.line, example.command
            );
            continue;
        }
        let started = std::time::Instant::now();
        let result = check(example, &scratch, &mut folders);
        eprintln!(
            "README.md:{}: {:.1} s: `{}`",
            example.line,
            started.elapsed().as_secs_f64(),
            example.command
        );
        run += 1;
        if let Err(e) = result {
            failures.push(format!(
                "README.md:{}: `{}`: {e}",
                example.line, example.command
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(run >= 10, "only {run} README commands found to run");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_reader_elides_lines_and_parts_of_lines() {
    let lines = |t: &str| t.lines().map(String::from).collect::<Vec<_>>();
    assert!(lines_match(&lines("a\n…\nd"), &lines("a\nb\nc\nd")).is_ok());
    assert!(lines_match(&lines("a\n...\nd"), &lines("a\nd")).is_ok());
    assert!(lines_match(&lines("a [..] c"), &lines("a b c")).is_ok());
    assert!(lines_match(&lines("a\nd"), &lines("a\nb\nd")).is_err());
    assert!(lines_match(&lines("a [..] c"), &lines("a b d")).is_err());
    assert!(lines_match(&lines("a\n…"), &lines("a\nb")).is_ok());
    assert_eq!(
        blank_machine("ccsim · w (w.toml) · 20 replications · seed 1 · 0.12 s, 12 k events"),
        "ccsim · w (w.toml) · 20 replications · seed 1 · [time] s, 12 k events\n"
    );
    let found = examples("x\n```\n$ ccsim a\none\n$ ccsim b\n```\n$ ccsim c\n");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].expected, vec!["one".to_string()]);
    assert_eq!(found[1].line, 5);
}
