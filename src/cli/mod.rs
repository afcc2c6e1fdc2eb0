//! The command line: argument parsing, exit codes and printing. Data goes to stdout,
//! progress and errors to stderr; bad input exits 2 with one paragraph naming what to fix,
//! internal failures exit 1.

use crate::duration::Duration;
use crate::erlang::{self, QueueSpec, QueueValues};
use crate::error::Error;
use crate::experiment::{self, RunOptions};
use crate::model::Model;
use crate::output::run::{DataFile, data_files, render_text, result_files, text_files, write_json};
use crate::output::{self, Destination, Kind};
use crate::scenario;
use crate::summary::{ReplaySummary, RunSummary};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod args;
mod inspect;
mod plan;
mod run;
mod study;

use args::*;
use inspect::*;
use plan::*;
use run::*;
use study::*;

pub use crate::output::check::describe_model;

/// ccsim — a contact-center simulator and staffing optimizer.
#[derive(Parser, Debug)]
#[command(name = "ccsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and print its metrics with 95 % confidence intervals.
    Run(RunArgs),
    /// Validate a scenario and summarise the model.
    Check {
        /// Scenario file (TOML).
        file: PathBuf,
        #[command(flatten)]
        arrivals: ArrivalArgs,
    },
    /// Simulate one replication and write its contact log (CSV, one row per attempt).
    Log(LogArgs),
    /// Fit a scenario to a contact log: arrival rates, handle times, patience.
    Fit(FitArgs),
    /// Compare a base scenario with variants over the same customers (paired differences).
    Compare(CompareArgs),
    /// Run a scenario at every point of a grid of values set by key path.
    Sweep(SweepArgs),
    /// Join the partial results of `run|sweep --shard I/N` into the single run's result.
    Merge(MergeArgs),
    /// Find the least-cost shift roster that meets the targets, verified by simulation.
    Optimize(OptimizeArgs),
    /// Exact analytic values of a single queue.
    #[command(subcommand)]
    Erlang(ErlangCommand),
}

/// Runs the command line and returns the process exit code: the error's message once on
/// stderr, and the code its kind decides ([`crate::error::ErrorKind::exit_code`]).
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {}", e.kind().label(), e.message());
            ExitCode::from(e.kind().exit_code())
        }
    }
}

/// Runs one parsed command.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run_scenario(&args),
        Command::Check { file, arrivals } => check(&file, &arrivals),
        Command::Log(args) => log_command(&args),
        Command::Fit(args) => fit_command(&args),
        Command::Compare(args) => compare_command(&args),
        Command::Sweep(args) => sweep_command(&args),
        Command::Merge(args) => merge_command(&args),
        Command::Optimize(args) => optimize_command(&args),
        Command::Erlang(ErlangCommand::C(args)) => erlang_command(&args, None),
        Command::Erlang(ErlangCommand::A(args)) => erlang_command(&args.queue, Some(args.patience)),
    }
}

fn load(file: &std::path::Path, arrivals: &ArrivalArgs) -> Result<Model, Error> {
    let options = scenario::LoadOptions {
        arrivals: arrivals.arrivals.clone(),
        skip_bad_rows: arrivals.skip_bad_rows,
        log_start: arrivals.log_start.clone(),
    };
    let model = scenario::load_with(file, &options)?;
    let shown = file.display();
    for warning in experiment::unbounded_queues(&model)
        .map_err(|e| Error::bad_input(format!("{shown}: {e}")))?
    {
        eprintln!("warning: {shown}: {warning}");
    }
    Ok(model)
}

/// A run that would hold more results than ccsim allows is bad input (exit 2).
fn memory_check(planned: Result<(), String>) -> Result<(), Error> {
    planned.map_err(Error::bad_input)
}

/// Tells on stderr what the replayed logs hold (skipped rows above all).
fn report_replays(model: &Model, quiet: bool) {
    for r in ReplaySummary::of(model) {
        // Skipped rows are a warning: shown even with --quiet.
        if !quiet || r.bad_rows > 0 {
            eprintln!("{}", crate::output::check::replay_line(&r));
        }
    }
}

/// Writes `contents` to `path` through a temporary file in the same folder, renamed at the
/// end, so that a reader never sees half a file; an existing file is kept unless `force`
/// (the command checked the destination with [`preflight`] before its work).
pub fn write_output(
    path: &std::path::Path,
    force: bool,
    contents: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    preflight(&[("--output", Some(path), Kind::File)], &[], force)?;
    crate::output::write_file(path, contents)
        .map_err(|e| Error::io(format!("cannot write {}: {e}", path.display())))
}

/// Checks, before any work, every place a command will write (flag, path, kind) against
/// the files it reads: see [`crate::output::check_destinations`].
fn preflight(
    destinations: &[(&'static str, Option<&std::path::Path>, Kind)],
    inputs: &[&std::path::Path],
    force: bool,
) -> Result<(), Error> {
    let given: Vec<Destination> = destinations
        .iter()
        .filter_map(|&(flag, path, kind)| path.map(|path| Destination { flag, path, kind }))
        .collect();
    crate::output::check_destinations(&given, inputs, force).map_err(Error::bad_input)
}

/// Where a finished command's results go besides stdout.
struct Destinations<'a> {
    /// JSON on stdout instead of tables.
    json: bool,
    /// A results folder.
    out: &'a Option<PathBuf>,
    /// A report folder.
    report: &'a Option<PathBuf>,
    /// Replace existing folders.
    force: bool,
    /// Charts also as PNG in the report folder.
    png: bool,
    /// No "report written" line.
    quiet: bool,
}

/// A scenario name as a folder name: letters, digits, `-` and `_`.
fn folder_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut collapsed = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        if !(c == '_' && collapsed.ends_with('_')) {
            collapsed.push(c);
        }
    }
    collapsed.trim_matches('_').to_string()
}

/// Writes a results folder whole or not at all: the files go to a temporary folder beside
/// it, which replaces the destination at the end (see [`crate::output::FolderWriter`]); an
/// existing folder is replaced only with `force` and only if ccsim wrote it.
pub fn write_folder(
    dir: &std::path::Path,
    flag: &'static str,
    force: bool,
    files: &[DataFile],
) -> Result<(), Error> {
    preflight(&[(flag, Some(dir), Kind::Folder)], &[], force)?;
    let written = (|| -> std::io::Result<()> {
        let mut folder = crate::output::FolderWriter::create(dir, flag)?;
        for file in files {
            let mut w = folder.file(&file.name)?;
            file.write_to(&mut w)?;
            w.flush()?;
        }
        folder.commit()
    })();
    written.map_err(|e| {
        Error::io(format!(
            "cannot write the results folder {}: {e}",
            dir.display()
        ))
    })
}

/// Writes to stdout through `write`, buffered; a closed pipe is not an error.
fn emit_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
fn emit(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// A progress bar on stderr: replications done, contacts per second, time left; hidden
/// when stderr is not a terminal or with --quiet.
struct Progress {
    bar: indicatif::ProgressBar,
    contacts: std::sync::atomic::AtomicU64,
    start: std::time::Instant,
}

impl Progress {
    fn new(replications: u64, quiet: bool) -> Progress {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            indicatif::ProgressBar::hidden()
        } else {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(replications),
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} replications · {msg} · {elapsed} elapsed · {eta} left",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        };
        Progress {
            bar,
            contacts: std::sync::atomic::AtomicU64::new(0),
            start: std::time::Instant::now(),
        }
    }

    /// Counts a finished replication of `contacts` contacts.
    fn done(&self, contacts: u64) {
        use std::sync::atomic::Ordering;
        let total = self.contacts.fetch_add(contacts, Ordering::Relaxed) + contacts;
        let seconds = self.start.elapsed().as_secs_f64().max(1e-6);
        self.bar
            .set_message(format!("{:.2} M contacts/s", total as f64 / seconds / 1e6));
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
