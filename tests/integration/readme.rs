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
//!
//! With `CCSIM_UPDATE_README=1` the test rewrites instead of failing: an example whose
//! output no longer matches gets the lines the command printed (see [`rewrite`]: the
//! README's `…` cuts, its `[..]` and its machine-dependent values are kept where they still
//! match), a written file that differs from the shipped one is copied over it, README.md is
//! written once at the end (through a temporary file), and the test says how many examples
//! it rewrote.

use std::io::Write;
use std::ops::Range;
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

/// What a command printed, stderr and stdout (empty when the README does not show it),
/// the scratch file's path shown as the README's.
fn printed(
    out: &std::process::Output,
    stdout_shown: bool,
    written: Option<&(PathBuf, PathBuf)>,
) -> (String, String) {
    let text = |bytes: &[u8]| {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        if let Some((named, instead)) = written {
            text = text.replace(instead.to_str().unwrap(), named.to_str().unwrap());
        }
        text
    };
    let stdout = if stdout_shown {
        text(&out.stdout)
    } else {
        String::new()
    };
    (text(&out.stderr), stdout)
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
    let (stderr, stdout) = printed(out, stdout_shown, written);
    let (stderr, stdout) = (blank_machine(&stderr), blank_machine(&stdout));
    let expected = blank_machine(&example.expected.join("\n"));
    let expected: Vec<String> = expected.lines().map(String::from).collect();
    let lines = |t: &str| t.lines().map(String::from).collect::<Vec<_>>();
    let first = lines(&(stderr.clone() + &stdout));
    let second = lines(&(stdout.clone() + &stderr));
    lines_match(&expected, &first)
        .or_else(|e| lines_match(&expected, &second).map_err(|_| e))
        .map_err(|e| format!("{e}\nccsim printed:\n{stderr}{stdout}"))
}

/// Whether a README line is a cut (`…` or `...`), standing for any number of lines.
fn is_cut(line: &str) -> bool {
    line == "…" || line == "..."
}

/// One line blanked as [`blank_machine`] blanks it, without its newline.
fn blank_line(line: &str) -> String {
    blank_machine(line).trim_end_matches('\n').to_string()
}

/// The byte ranges of `line` that [`blank_machine`] blanks (the wall-clock time, an
/// `optimize` round's solver seconds), found the same way.
fn machine_spans(line: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    if let Some(at) = line.find(" s, ").or_else(|| {
        line.ends_with(" s")
            .then(|| line.len() - 2)
            .filter(|_| line.starts_with("ccsim "))
    }) {
        if let Some(dot) = line[..at].rfind("· ") {
            spans.push(dot + "· ".len()..at);
        }
    }
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() == 7
        && fields[0].parse::<u32>().is_ok()
        && (fields[1] == "roster" || fields[1] == "requirements")
    {
        let at = nth_field_at(line, 5);
        spans.push(at..at + fields[5].len());
    }
    spans
}

/// The line to write for the README line `shown` where the command printed `actual`:
/// `shown` itself when it still matches (its `[..]` and its machine-dependent values
/// kept), else `actual` with `shown`'s machine-dependent values (its wall-clock time, its
/// solver seconds) put back where that changes nothing once blanked.
fn keep_or_replace(shown: &str, actual: &str, blank: fn(&str) -> String) -> String {
    if line_matches(&blank(shown), &blank(actual)) {
        return shown.to_string();
    }
    let (from, into) = (machine_spans(shown), machine_spans(actual));
    if from.is_empty() || from.len() != into.len() {
        return actual.to_string();
    }
    let mut line = actual.to_string();
    for (f, i) in from.iter().zip(&into).rev() {
        line.replace_range(i.clone(), &shown[f.clone()]);
    }
    if blank(&line) == blank(actual) {
        line
    } else {
        actual.to_string()
    }
}

/// How alike a README line and a printed line are (both blanked), to place the README's
/// lines on the output: a match counts most, else the words they share.
fn likeness(shown: &str, actual: &str) -> u64 {
    if line_matches(shown, actual) {
        return 1000;
    }
    fn words(t: &str) -> Vec<&str> {
        let mut w: Vec<&str> = t.split_whitespace().collect();
        w.sort_unstable();
        w
    }
    let (a, b) = (words(shown), words(actual));
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, common) = (i + 1, j + 1, common + 1),
        }
    }
    common
}

/// The printed line each README line stands on (`None` for a cut), with the placement's
/// likeness: the runs of lines between cuts keep their lengths and order, the first run
/// starts the output and the last one ends it (unless a cut is there), and each run sits
/// where its lines are most alike to the output's. `None` when the output is too short.
fn place_runs(shown: &[String], actual: &[String]) -> Option<(u64, Vec<Option<usize>>)> {
    let (l, n) = (shown.len(), actual.len());
    // best[i][j]: the highest likeness of README lines i.. on printed lines j..
    let mut best = vec![vec![None::<u64>; n + 1]; l + 1];
    // For a cut at i from printed line j: where the lines after it start.
    let mut resume = vec![vec![n; n + 1]; l];
    best[l][n] = Some(0);
    for i in (0..l).rev() {
        if is_cut(&shown[i]) {
            let mut top: (Option<u64>, usize) = (None, n);
            for j in (0..=n).rev() {
                if best[i + 1][j].is_some() && best[i + 1][j] >= top.0 {
                    top = (best[i + 1][j], j);
                }
                (best[i][j], resume[i][j]) = top;
            }
        } else {
            for j in 0..n {
                best[i][j] = best[i + 1][j + 1].map(|s| s + likeness(&shown[i], &actual[j]));
            }
        }
    }
    let score = best[0][0]?;
    let (mut placed, mut j) = (Vec::with_capacity(l), 0);
    for (i, line) in shown.iter().enumerate() {
        if is_cut(line) {
            j = resume[i][j];
            placed.push(None);
        } else {
            placed.push(Some(j));
            j += 1;
        }
    }
    Some((score, placed))
}

/// Pairs README lines with printed lines for an example without cuts, in order, the pairs
/// as alike as can be: `(README line, printed line)` pairs and their likeness.
fn pair_lines(shown: &[String], actual: &[String]) -> (u64, Vec<(usize, usize)>) {
    let (l, n) = (shown.len(), actual.len());
    let like: Vec<Vec<u64>> = (shown.iter())
        .map(|s| actual.iter().map(|a| likeness(s, a)).collect())
        .collect();
    let mut best = vec![vec![0u64; n + 1]; l + 1];
    for i in (0..l).rev() {
        for j in (0..n).rev() {
            let pair = if like[i][j] > 0 {
                like[i][j] + best[i + 1][j + 1]
            } else {
                0
            };
            best[i][j] = pair.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < l && j < n {
        if like[i][j] > 0 && best[i][j] == like[i][j] + best[i + 1][j + 1] {
            pairs.push((i, j));
            (i, j) = (i + 1, j + 1);
        } else if best[i][j] == best[i + 1][j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    (best[0][0], pairs)
}

/// The lines to write under an example whose output no longer matches what the README
/// shows (`shown`), from what the command printed (`candidates`: the same output in each
/// order the check accepts; the one that fits the README best is taken). `blank` is what
/// the check does to both sides before comparing.
/// - Without a cut (`…`), every printed line, each README line that still matches its
///   printed line kept as written ([`keep_or_replace`]).
/// - With cuts, the README's shape: as many lines before the first cut as the README had
///   (the output's first lines), as many after the last cut (its last lines), each run of
///   lines between cuts where it fits the output best, and the cuts themselves.
fn rewrite(shown: &[String], candidates: &[Vec<String>], blank: fn(&str) -> String) -> Vec<String> {
    let blanked = |lines: &[String]| lines.iter().map(|l| blank(l)).collect::<Vec<_>>();
    let shown_blank = blanked(shown);
    let mut best: Option<(u64, Vec<String>)> = None;
    for actual in candidates {
        let actual_blank = blanked(actual);
        let line = |i: usize, j: usize| keep_or_replace(&shown[i], &actual[j], blank);
        let (score, lines) = if !shown_blank.iter().any(|l| is_cut(l)) {
            let (score, pairs) = pair_lines(&shown_blank, &actual_blank);
            let mut lines: Vec<String> = actual.clone();
            for (i, j) in pairs {
                lines[j] = line(i, j);
            }
            (score, lines)
        } else if let Some((score, placed)) = place_runs(&shown_blank, &actual_blank) {
            let lines = (placed.iter().enumerate())
                .map(|(i, at)| at.map_or_else(|| shown[i].clone(), |j| line(i, j)))
                .collect();
            (score, lines)
        } else {
            // The output is shorter than the README's lines: its last lines as many as
            // after the last cut, its first lines as many as before the first, one cut.
            let cut = shown_blank.iter().position(|l| is_cut(l)).unwrap();
            let last = shown_blank.iter().rposition(|l| is_cut(l)).unwrap();
            let n = actual.len();
            let tail = (shown.len() - last - 1).min(n);
            let head = cut.min(n - tail);
            let mut lines: Vec<String> = (0..head).map(|k| line(k, k)).collect();
            lines.push(shown[cut].clone());
            lines.extend((0..tail).map(|k| line(shown.len() - tail + k, n - tail + k)));
            (0, lines)
        };
        if best.as_ref().is_none_or(|(top, _)| score > *top) {
            best = Some((score, lines));
        }
    }
    best.map(|(_, lines)| lines).unwrap_or_default()
}

/// The README's new lines under `example`, from what the command printed; `Err` when even
/// those would not pass the check (a bug of the rewrite, shown rather than written).
fn rewritten_output(
    example: &Example,
    out: &std::process::Output,
    stdout_shown: bool,
    written: Option<&(PathBuf, PathBuf)>,
) -> Result<Vec<String>, String> {
    let (stderr, stdout) = printed(out, stdout_shown, written);
    let root = env!("CARGO_MANIFEST_DIR");
    let lines = |t: String| {
        let t = t.replace(root, "/home/me/ccsim");
        t.lines().map(String::from).collect::<Vec<_>>()
    };
    let candidates = [
        lines(stderr.clone() + &stdout),
        lines(stdout.clone() + &stderr),
    ];
    // The lines the check compares (a last empty line of the block is not among them).
    let compared = example.expected.join("\n").lines().count();
    let mut new = rewrite(&example.expected[..compared], &candidates, blank_line);
    new.extend_from_slice(&example.expected[compared..]);
    let again = Example {
        line: example.line,
        command: example.command.clone(),
        expected: new,
    };
    compare_output(&again, out, stdout_shown, written)
        .map(|()| again.expected)
        .map_err(|e| format!("the rewritten lines do not pass either: {e}"))
}

/// What update mode (`CCSIM_UPDATE_README=1`) changes.
#[derive(Default)]
struct Updates {
    /// The examples to rewrite: the README line of the command, how many lines it shows
    /// now, the lines to show instead.
    examples: Vec<(usize, usize, Vec<String>)>,
    /// The shipped files a command's `-o FILE` was copied over.
    files: Vec<PathBuf>,
}

impl Updates {
    fn rewrite(&mut self, example: &Example, lines: Vec<String>) {
        let line = example.line;
        self.examples.push((line, example.expected.len(), lines));
    }
}

/// README.md's text with the examples' lines replaced, written through a temporary file.
fn write_readme(path: &Path, text: &str, updates: &Updates) -> std::io::Result<()> {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for (line, count, new) in updates.examples.iter().rev() {
        lines.splice(*line..line + count, new.iter().cloned());
    }
    let mut new = lines.join("\n");
    if text.ends_with('\n') {
        new.push('\n');
    }
    replace_file(path, new.as_bytes())
}

/// Writes `path` through a temporary file next to it, renamed over it.
fn replace_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().unwrap().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, contents)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// `head -N DIR/FILE` of a file an earlier `--out DIR` wrote: its first N lines, to be
/// compared with the README's.
fn head_lines(
    example: &Example,
    folders: &[(String, PathBuf)],
) -> Option<Result<Vec<String>, String>> {
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
    Some(Ok(text.lines().take(n).map(String::from).collect()))
}

/// Runs one example; `Err` says how its output differs from the README. `folders` holds
/// the results folders earlier `--out DIR` commands wrote (README name, scratch path):
/// `--out DIR` is written into the scratch folder instead, and a later argument `DIR/…`
/// names the file there. With `update` (update mode), an output that differs is rewritten
/// there instead of failing, and a written file that differs is copied over the shipped one.
fn check(
    example: &Example,
    scratch: &Path,
    folders: &mut Vec<(String, PathBuf)>,
    mut update: Option<&mut Updates>,
) -> Result<(), String> {
    if let Some(shown) = head_lines(example, folders) {
        let shown = shown?;
        let result = lines_match(&example.expected, &shown);
        return match (result, update) {
            (Err(_), Some(updates)) => {
                let candidates = std::slice::from_ref(&shown);
                let new = rewrite(&example.expected, candidates, str::to_string);
                lines_match(&new, &shown)
                    .map_err(|e| format!("the rewritten lines do not pass either: {e}"))?;
                updates.rewrite(example, new);
                Ok(())
            }
            (result, _) => result,
        };
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
        let shown_as = written.as_ref().or(written_folder.as_ref());
        if let Err(e) = compare_output(example, &out, stdout_shown, shown_as) {
            let Some(updates) = update.as_deref_mut() else {
                return Err(e);
            };
            let new = rewritten_output(example, &out, stdout_shown, shown_as)?;
            updates.rewrite(example, new);
        }
    }
    if let Some((named, instead)) = written {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join(&named);
        if shipped.exists() && !named.starts_with("/") {
            let (a, b) = (std::fs::read(&shipped).unwrap(), std::fs::read(&instead));
            if b.as_deref().ok() != Some(&a[..]) {
                let Some(updates) = update else {
                    return Err(format!(
                        "the file it writes differs from {}",
                        named.display()
                    ));
                };
                let b = b.map_err(|e| format!("{}: {e}", instead.display()))?;
                replace_file(&shipped, &b).map_err(|e| format!("{}: {e}", shipped.display()))?;
                updates.files.push(named);
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
    let mut updates =
        (std::env::var("CCSIM_UPDATE_README").as_deref() == Ok("1")).then(Updates::default);
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
        let result = check(example, &scratch, &mut folders, updates.as_mut());
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
    if let Some(updates) = updates {
        if !updates.examples.is_empty() {
            write_readme(&root.join("README.md"), &text, &updates).unwrap();
        }
        // Past the test harness's capture, so that it shows when the test passes.
        let mut report = String::new();
        for (line, _, _) in &updates.examples {
            report += &format!("README.md:{line}: rewritten\n");
        }
        for file in &updates.files {
            report += &format!("{}: copied from what its command writes\n", file.display());
        }
        report += &format!(
            "CCSIM_UPDATE_README: rewrote {} of {run} examples in README.md, {} shipped files\n",
            updates.examples.len(),
            updates.files.len()
        );
        let _ = std::io::stderr().write_all(report.as_bytes());
    }
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

#[test]
fn the_update_mode_keeps_the_readmes_cuts_and_blanks() {
    let lines = |t: &str| t.lines().map(String::from).collect::<Vec<_>>();
    let write = |shown: &str, actual: &str| rewrite(&lines(shown), &[lines(actual)], blank_line);
    // The runs around cuts keep their lengths; a middle run goes where it fits.
    assert_eq!(
        write("a 1\n…\nx 1\ny 1\n…\nz 1", "a 2\nb\nc\nx 2\ny 2\nd\nz 2"),
        lines("a 2\n…\nx 2\ny 2\n…\nz 2")
    );
    assert_eq!(write("a 1\nb 1\n…", "a 2\nb 2\nc\nd"), lines("a 2\nb 2\n…"));
    // No cut: the whole output; a line that still matches is kept with its `[..]`.
    assert_eq!(
        write("a [..] c\nb 1", "a x c\nb 2\nb 3"),
        lines("a [..] c\nb 2\nb 3")
    );
    // The README's wall-clock time stays, in a kept line and in a replaced one.
    let header = "ccsim · w (w.toml) · 20 replications · seed 1 · 0.12 s, 12 k events";
    let now = "ccsim · w (w.toml) · 20 replications · seed 1 · 3.40 s, 12 k events";
    assert_eq!(write(header, now), lines(header));
    assert_eq!(
        write(header, &now.replace("12 k", "13 k")),
        lines(&header.replace("12 k", "13 k"))
    );
    // Too short an output for the README's runs: its first and last lines around one cut.
    assert_eq!(write("a\nb\n…\nc\n…\nd", "a\nd"), lines("a\n…\nd"));
}
