//! Writing what ccsim produces without losing anything a user has.
//!
//! - [`check_destinations`] is called before any work: it refuses an output that would
//!   replace the current folder or one of its parents, the filesystem root, the home
//!   folder, a folder ccsim did not write, an input of the same command, or an existing
//!   output without `--force`; and two outputs that name the same place. Then it tries
//!   each destination: it creates, and removes at once, an entry like the write's
//!   temporary one in the destination's folder (or the nearest folder that exists, for a
//!   results folder whose parents the write will create), so a place the filesystem
//!   refuses (read-only, no permission, a path under a file) is found before the run, not
//!   after it. The trial entry has a name of its own (`.NAME.ccsim-try-PID`): nothing
//!   that exists is removed or replaced.
//! - [`FolderWriter`] writes a results folder under a temporary name beside it, with a
//!   marker file ([`MARKER`]) that makes it recognisable as ccsim's, then swaps it in: on
//!   Linux with one atomic `renameat2(RENAME_EXCHANGE)`, elsewhere by renaming the old
//!   folder aside, the new one in, then deleting the old. A kill at any moment leaves the
//!   old or the new complete folder under the name; the temporary folders a killed run
//!   leaves are recognised by the next run into the same place and cleaned up (an old
//!   folder set aside and never replaced is put back).
//! - [`write_file`] writes a single file through a temporary name, renamed at the end.

pub mod check;
pub mod compare;
pub mod fit;
pub mod optimize;
pub mod people;
pub mod roster_toml;
pub mod run;
pub mod schedule;
pub mod sweep;
pub mod tours;

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// The file every results or report folder ccsim writes holds; `--force` replaces only a
/// folder that has it.
pub const MARKER: &str = ".ccsim-results";

/// What a destination is: a folder (`--out`, `--report`) or a single file (`-o`,
/// `--partial`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A results or report folder.
    Folder,
    /// One file.
    File,
}

/// One place a command will write, with the flag that named it (for messages).
#[derive(Clone, Debug)]
pub struct Destination<'a> {
    /// The flag, e.g. `--out`.
    pub flag: &'static str,
    /// The path as the user gave it.
    pub path: &'a Path,
    /// Folder or file.
    pub kind: Kind,
}

/// Checks, before any work, that every destination may be written: see the module
/// documentation for the rules. `inputs` are the files the command reads (scenario, logs,
/// partial files): no destination may be one of them or hold one of them.
///
/// Errors: one message naming the flag, the path and what to do instead.
pub fn check_destinations(
    destinations: &[Destination],
    inputs: &[&Path],
    force: bool,
) -> Result<(), String> {
    let inputs: Vec<PathBuf> = inputs.iter().filter_map(|p| resolve(p).ok()).collect();
    let mut resolved = Vec::with_capacity(destinations.len());
    for d in destinations {
        let shown = d.path.display();
        if d.path.as_os_str().is_empty() {
            return Err(format!("{}: the path is empty", d.flag));
        }
        let abs = resolve(d.path).map_err(|e| format!("{} {shown}: {e}", d.flag))?;
        match d.kind {
            Kind::Folder => check_folder(d, &abs, &inputs, force)?,
            Kind::File => check_file(d, &abs, &inputs, force)?,
        }
        resolved.push((d, abs));
    }
    for (d, abs) in &resolved {
        try_write(d, abs)?;
    }
    for (i, (a, pa)) in resolved.iter().enumerate() {
        for (b, pb) in &resolved[i + 1..] {
            if pa == pb || pa.starts_with(pb) || pb.starts_with(pa) {
                return Err(format!(
                    "{} {} and {} {} name the same place (or one inside the other): give each its own folder",
                    a.flag,
                    a.path.display(),
                    b.flag,
                    b.path.display()
                ));
            }
        }
    }
    Ok(())
}

fn check_folder(
    d: &Destination,
    abs: &Path,
    inputs: &[PathBuf],
    force: bool,
) -> Result<(), String> {
    let shown = d.path.display();
    let refuse = |why: &str| Err(format!("{} {shown}: {why}", d.flag));
    if abs.parent().is_none() {
        return refuse("that is the filesystem root; name a new folder for the results");
    }
    if let Some(home) = std::env::var_os("HOME").and_then(|h| resolve(Path::new(&h)).ok())
        && home == abs
    {
        return refuse("that is the home folder; name a new folder for the results");
    }
    if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize())
        && cwd.starts_with(abs)
    {
        return refuse(
            "that is the current folder or one of its parents; name a new folder for the results",
        );
    }
    if let Some(input) = inputs.iter().find(|i| i.starts_with(abs)) {
        return Err(format!(
            "{} {shown} holds {}, which this command reads: name another folder",
            d.flag,
            input.display()
        ));
    }
    match fs::symlink_metadata(abs) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => refuse("exists and is not a folder; name a new folder"),
        Ok(_) => {
            let empty = fs::read_dir(abs)
                .map_err(|e| format!("{} {shown}: cannot read the folder: {e}", d.flag))?
                .next()
                .is_none();
            if empty {
                Ok(())
            } else if !abs.join(MARKER).is_file() {
                refuse(&format!(
                    "the folder exists and was not written by ccsim (it has no {MARKER} file); ccsim replaces only its own results folders: name a new folder"
                ))
            } else if !force {
                refuse("the folder exists; choose another folder or add --force to replace it")
            } else if let Some(foreign) = foreign_file(abs) {
                refuse(&format!(
                    "the folder holds {foreign}, which ccsim did not write there; move it out of the folder, or choose another folder"
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// A file in ccsim's folder `dir` that its marker does not list (one a user put there),
/// as a path relative to `dir`; `None` when every file is listed, or the marker lists
/// none (it was written before markers listed files).
fn foreign_file(dir: &Path) -> Option<String> {
    let marker = fs::read_to_string(dir.join(MARKER)).ok()?;
    let (_, list) = marker.split_once("\nfiles:\n")?;
    let listed: std::collections::HashSet<&str> = list.lines().collect();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).ok()?.flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if rel != MARKER && !listed.contains(rel.as_str()) {
                return Some(rel);
            }
        }
    }
    None
}

fn check_file(d: &Destination, abs: &Path, inputs: &[PathBuf], force: bool) -> Result<(), String> {
    let shown = d.path.display();
    if inputs.iter().any(|i| i == abs) {
        return Err(format!(
            "{} {shown}: that is a file this command reads; write to another name",
            d.flag
        ));
    }
    match fs::metadata(abs) {
        Err(_) => Ok(()),
        Ok(meta) if meta.is_dir() => {
            Err(format!("{} {shown}: that is a folder; name a file", d.flag))
        }
        Ok(_) if !force => Err(format!(
            "{} {shown}: the file exists; choose another name or add --force to replace it",
            d.flag
        )),
        Ok(_) => Ok(()),
    }
}

/// Creates and at once removes, where the write of `d` (resolved to `abs`) will create its
/// temporary entry, an entry of the same kind and name length: the folder `abs` is in (for
/// a results folder whose parents do not exist yet, the nearest one that does, where the
/// write will create them). Refuses a file whose folder does not exist, a path under a
/// file, and a folder the filesystem will not write in. The entry's name is free before
/// it is made (`create_new`), so nothing that exists is touched.
fn try_write(d: &Destination, abs: &Path) -> Result<(), String> {
    let shown = d.path.display();
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Ok(());
    };
    // The nearest ancestor that exists, and the first name below it that does not.
    let (mut base, mut missing) = (parent.to_path_buf(), name.to_os_string());
    let mut depth = 1;
    while fs::symlink_metadata(&base).is_err() {
        missing = base
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or(missing);
        if !base.pop() {
            return Ok(());
        }
        depth += 1;
    }
    if !fs::metadata(&base).is_ok_and(|m| m.is_dir()) {
        return Err(format!(
            "{} {shown}: {} is a file, not a folder; name a path in a folder",
            d.flag,
            as_given(d.path, depth, &base).display()
        ));
    }
    if d.kind == Kind::File && depth > 1 {
        return Err(format!(
            "{} {shown}: the folder {} does not exist; create it first, or name a file in a folder that exists",
            d.flag,
            as_given(d.path, 1, parent).display()
        ));
    }
    let refused = |e: io::Error| {
        format!(
            "{} {shown}: ccsim cannot write in {} ({e}); name a place you can write to",
            d.flag,
            as_given(d.path, depth, &base).display()
        )
    };
    let pid = std::process::id();
    let missing = missing.to_string_lossy();
    match d.kind {
        Kind::Folder => {
            let trial = base.join(format!(".{missing}.ccsim-try-{pid}"));
            match fs::create_dir(&trial) {
                Ok(()) => fs::remove_dir(&trial).map_err(refused),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
                Err(e) => Err(refused(e)),
            }
        }
        Kind::File => {
            let trial = base.join(format!(".{missing}.{pid}.try"));
            let created = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&trial);
            match created {
                Ok(file) => {
                    drop(file);
                    fs::remove_file(&trial).map_err(refused)
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
                Err(e) => Err(refused(e)),
            }
        }
    }
}

/// `resolved`, the `depth`-th ancestor of the destination as resolved, shown as the user
/// wrote it (`README.md` for `README.md/res` at depth 1) when their path is plain names,
/// else as resolved.
fn as_given<'a>(given: &'a Path, depth: usize, resolved: &'a Path) -> &'a Path {
    let plain = given
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::RootDir));
    match given.ancestors().nth(depth) {
        Some(p) if plain && !p.as_os_str().is_empty() => p,
        _ => resolved,
    }
}

/// The absolute path of `path` with `.`, `..` and symbolic links resolved, also for a
/// path that does not exist yet (its nearest existing ancestor is resolved, the rest is
/// appended).
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.clone();
    let mut rest: Vec<OsString> = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(mut base) => {
                for part in rest.iter().rev() {
                    if part == ".." {
                        base.pop();
                    } else if part != "." {
                        base.push(part);
                    }
                }
                return Ok(base);
            }
            Err(_) => {
                let Some(last) = existing.components().next_back() else {
                    return Err(io::Error::other("cannot resolve the path"));
                };
                match last {
                    Component::Normal(p) => rest.push(p.to_os_string()),
                    Component::ParentDir => rest.push("..".into()),
                    Component::CurDir => {}
                    _ => return Err(io::Error::other("cannot resolve the path")),
                }
                if !existing.pop() {
                    return Err(io::Error::other("cannot resolve the path"));
                }
            }
        }
    }
}

/// A results folder being written under a temporary name beside its destination; nothing
/// is visible under the destination's name until [`FolderWriter::commit`]. Dropped
/// without a commit, the temporary folder is removed.
pub struct FolderWriter {
    dir: PathBuf,
    tmp: PathBuf,
    committed: bool,
    /// The marker's first lines (who wrote the folder).
    header: String,
    /// The files written, listed in the marker at the commit.
    files: Vec<String>,
}

/// The prefix of the temporary folders beside `dir`: `.NAME.ccsim-`.
fn stray_prefix(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".into());
    format!(".{name}.ccsim-")
}

/// Whether a process with this id runs (Linux: `/proc/PID`; elsewhere only our own id is
/// known to run).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc/self");
    if !proc_root.exists() {
        return false;
    }
    // A killed process its parent has not reaped yet is a zombie (state `Z`): it no
    // longer runs.
    match fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")) {
        Err(_) => false,
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_none_or(|state| state != "Z" && state != "X"),
    }
}

/// Removes the temporary folders that killed runs left beside `dir` (each holds the
/// marker, or is empty, and is named `.NAME.ccsim-new-PID` or `.NAME.ccsim-old-PID` with a
/// PID that no longer runs; or is the empty `.NAME.ccsim-try-PID` of a destination tried
/// before the work). An old folder set aside by a run killed before it could rename the new
/// one in is put back under the name when nothing else is there.
pub fn clean_strays(dir: &Path) -> io::Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = stray_prefix(dir);
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(());
    };
    let mut strays: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(tail) = name.strip_prefix(&prefix) else {
            continue;
        };
        // `try-`: the empty folder that tries a destination before the work
        // (`writable`), left when the run was killed between creating and removing it.
        let (old, trial, pid) = if let Some(pid) = tail.strip_prefix("old-") {
            (true, false, pid)
        } else if let Some(pid) = tail.strip_prefix("new-") {
            (false, false, pid)
        } else if let Some(pid) = tail.strip_prefix("try-") {
            (false, true, pid)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let path = entry.path();
        // Ours: it holds the marker, or nothing at all (killed between creating the
        // folder and writing the marker into it).
        let empty = fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        let ours = if trial {
            empty
        } else {
            path.join(MARKER).is_file() || empty
        };
        if process_alive(pid) || !ours {
            continue;
        }
        strays.push((old, path));
    }
    // Old folders first, so that one can be put back before the new ones go.
    strays.sort_by_key(|(old, _)| !*old);
    for (old, path) in strays {
        if old && fs::symlink_metadata(dir).is_err() {
            fs::rename(&path, dir)?;
        } else {
            remove_marked(&path)?;
        }
    }
    Ok(())
}

impl FolderWriter {
    /// Starts writing the folder `dir`: cleans what killed runs left beside it, then
    /// creates the temporary folder with the marker, naming the `command` that writes it.
    pub fn create(dir: &Path, command: &str) -> io::Result<FolderWriter> {
        if let Some(parent) = dir.parent()
            && !parent.as_os_str().is_empty()
        {
            fs::create_dir_all(parent)?;
        }
        clean_strays(dir)?;
        let tmp = dir.with_file_name(format!("{}new-{}", stray_prefix(dir), std::process::id()));
        if fs::symlink_metadata(&tmp).is_ok() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir(&tmp)?;
        let writer = FolderWriter {
            dir: dir.to_path_buf(),
            tmp,
            committed: false,
            header: format!(
                "This folder was written by ccsim {} ({command}).\nccsim --force replaces only folders that hold this file, and only when they hold\nno file but those listed below.\nfiles:\n",
                env!("CARGO_PKG_VERSION")
            ),
            files: Vec::new(),
        };
        fs::write(writer.tmp.join(MARKER), &writer.header)?;
        Ok(writer)
    }

    /// Opens `name` (a relative path; sub-folders are created) for writing in the folder.
    pub fn file(&mut self, name: &str) -> io::Result<io::BufWriter<fs::File>> {
        self.files.push(name.to_string());
        let path = self.tmp.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(io::BufWriter::with_capacity(
            1 << 16,
            fs::File::create(path)?,
        ))
    }

    /// Writes a whole file `name` into the folder.
    pub fn write(&mut self, name: &str, contents: &[u8]) -> io::Result<()> {
        let mut w = self.file(name)?;
        w.write_all(contents)?;
        w.flush()
    }

    /// Puts the finished folder under its name, replacing a folder that is there.
    pub fn commit(mut self) -> io::Result<()> {
        let listed: String = self.files.iter().map(|f| format!("{f}\n")).collect();
        fs::write(self.tmp.join(MARKER), format!("{}{listed}", self.header))?;
        if fs::symlink_metadata(&self.dir).is_err() {
            fs::rename(&self.tmp, &self.dir)?;
            self.committed = true;
            return Ok(());
        }
        // `tmp` holds the old folder after an exchange.
        if exchange(&self.tmp, &self.dir)? {
            self.committed = true;
            return remove_marked(&self.tmp);
        }
        let aside = self.dir.with_file_name(format!(
            "{}old-{}",
            stray_prefix(&self.dir),
            std::process::id()
        ));
        fs::rename(&self.dir, &aside)?;
        if let Err(e) = fs::rename(&self.tmp, &self.dir) {
            let _ = fs::rename(&aside, &self.dir);
            return Err(e);
        }
        self.committed = true;
        remove_marked(&aside)
    }
}

/// Removes a folder of ccsim's with its marker last, so that a run killed while removing
/// it leaves a folder that still holds the marker, or an empty one: either is recognised
/// as ccsim's and removed by the next run ([`clean_strays`]), never kept as a stranger's.
fn remove_marked(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    match fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(dir)
}

impl Drop for FolderWriter {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_marked(&self.tmp);
        }
    }
}

/// Swaps `a` and `b` atomically; `Ok(false)` where the system or filesystem cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let ca = std::ffi::CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = std::ffi::CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths; renameat2 reads them only.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Writes the file `path` through a temporary name beside it (`.NAME.PID.tmp`), renamed
/// at the end, so a reader never sees half a file and a failure leaves any earlier file
/// as it was. Check the destination with [`check_destinations`] first.
pub fn write_file(
    path: &Path,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = fs::File::create(&tmp).and_then(|f| {
        let mut w = io::BufWriter::new(f);
        contents(&mut w)?;
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    let result = result.and_then(|_| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ccsim-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn folder<'a>(flag: &'static str, path: &'a Path) -> Destination<'a> {
        Destination {
            flag,
            path,
            kind: Kind::Folder,
        }
    }

    #[test]
    fn the_root_the_current_folder_and_its_parents_are_refused() {
        for p in ["/", ".", "..", "../.."] {
            let err = check_destinations(&[folder("--out", Path::new(p))], &[], true).unwrap_err();
            assert!(err.starts_with(&format!("--out {p}: ")), "{err}");
        }
    }

    #[test]
    fn the_trial_write_touches_nothing_that_exists_and_leaves_nothing() {
        let base = scratch("trial");
        let pid = std::process::id();
        // Entries of the user's under the trial's very names stay as they are.
        fs::create_dir(base.join(format!(".res.ccsim-try-{pid}"))).unwrap();
        fs::write(base.join(format!(".res.ccsim-try-{pid}/keep")), "mine").unwrap();
        fs::write(base.join(format!(".p.toml.{pid}.try")), "mine too").unwrap();
        let before: Vec<_> = fs::read_dir(&base)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        let res = base.join("res");
        let part = base.join("p.toml");
        let file = Destination {
            flag: "--partial",
            path: &part,
            kind: Kind::File,
        };
        check_destinations(&[folder("--out", &res), file.clone()], &[], false).unwrap();
        assert_eq!(
            fs::read_to_string(res.with_file_name(format!(".res.ccsim-try-{pid}/keep"))).unwrap(),
            "mine"
        );
        assert_eq!(
            fs::read_to_string(base.join(format!(".p.toml.{pid}.try"))).unwrap(),
            "mine too"
        );
        // Free names: created and removed; a folder's missing parents are not made.
        let deep = base.join("a/b/res");
        let other = base.join("q.toml");
        let file = Destination {
            path: &other,
            ..file
        };
        check_destinations(&[folder("--out", &deep), file], &[], false).unwrap();
        let mut after: Vec<_> = fs::read_dir(&base)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        let mut before = before;
        before.sort();
        after.sort();
        assert_eq!(after, before);
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn force_replaces_only_ccsims_own_folders() {
        let base = scratch("force");
        let mine = base.join("mine");
        let mut w = FolderWriter::create(&mine, "test").unwrap();
        w.write("a.txt", b"old").unwrap();
        w.commit().unwrap();
        let theirs = base.join("theirs");
        fs::create_dir_all(&theirs).unwrap();
        fs::write(theirs.join("thesis.tex"), "years of work").unwrap();
        assert!(check_destinations(&[folder("--out", &mine)], &[], false).is_err());
        assert!(check_destinations(&[folder("--out", &mine)], &[], true).is_ok());
        // A file of the user's inside ccsim's folder keeps it from being replaced.
        fs::write(mine.join("my-notes.txt"), "mine").unwrap();
        let err = check_destinations(&[folder("--out", &mine)], &[], true).unwrap_err();
        assert!(err.contains("holds my-notes.txt"), "{err}");
        fs::remove_file(mine.join("my-notes.txt")).unwrap();
        let err = check_destinations(&[folder("--out", &theirs)], &[], true).unwrap_err();
        assert!(err.contains("not written by ccsim"), "{err}");
        let mut w = FolderWriter::create(&mine, "test").unwrap();
        w.write("b.txt", b"new").unwrap();
        w.commit().unwrap();
        assert!(!mine.join("a.txt").exists());
        assert_eq!(fs::read(mine.join("b.txt")).unwrap(), b"new");
        let left: Vec<_> = fs::read_dir(&base)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn strays_of_killed_runs_are_cleaned_and_an_old_folder_put_back() {
        let base = scratch("strays");
        let dir = base.join("out");
        // A run killed between setting the old folder aside and renaming the new one in,
        // by a process id that no longer runs.
        let dead = u32::MAX - 7;
        let old = base.join(format!(".out.ccsim-old-{dead}"));
        let new = base.join(format!(".out.ccsim-new-{dead}"));
        for (p, text) in [(&old, "old"), (&new, "half")] {
            fs::create_dir_all(p).unwrap();
            fs::write(p.join(MARKER), "").unwrap();
            fs::write(p.join("a.txt"), text).unwrap();
        }
        // Someone's own folder with a similar name is never touched (no marker).
        let foreign = base.join(format!(".out.ccsim-new-{}", dead - 1));
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "mine").unwrap();
        // An empty one is what a run killed before writing its marker leaves: cleaned.
        let empty = base.join(format!(".out.ccsim-new-{}", dead - 2));
        fs::create_dir_all(&empty).unwrap();
        // The empty folder that tried the destination, left by a run killed before it
        // removed it: cleaned; one holding anything is someone's: kept.
        let trial = base.join(format!(".out.ccsim-try-{}", dead - 3));
        fs::create_dir_all(&trial).unwrap();
        let full_trial = base.join(format!(".out.ccsim-try-{}", dead - 4));
        fs::create_dir_all(&full_trial).unwrap();
        fs::write(full_trial.join(MARKER), "").unwrap();
        clean_strays(&dir).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "old");
        assert!(!old.exists() && !new.exists() && !empty.exists() && foreign.exists());
        assert!(!trial.exists() && full_trial.exists());
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn outputs_that_meet_inputs_or_each_other_are_refused() {
        let base = scratch("meet");
        let scenario = base.join("s.toml");
        fs::write(&scenario, "x").unwrap();
        let file = Destination {
            flag: "-o",
            path: &scenario,
            kind: Kind::File,
        };
        let err = check_destinations(&[file], &[&scenario], true).unwrap_err();
        assert!(err.contains("reads"), "{err}");
        let err = check_destinations(&[folder("--out", &base)], &[&scenario], true).unwrap_err();
        assert!(err.contains("which this command reads"), "{err}");
        let x = base.join("x");
        let inner = base.join("x/report");
        let err = check_destinations(
            &[folder("--out", &x), folder("--report", &inner)],
            &[],
            false,
        )
        .unwrap_err();
        assert!(err.contains("same place"), "{err}");
        fs::remove_dir_all(&base).unwrap();
    }
}
