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
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Where arrivals come from, beside the scenario.
#[derive(Args, Debug, Clone, Default)]
struct ArrivalArgs {
    /// Replay this contact log (CSV) instead of the scenario's arrivals.
    #[arg(long, value_name = "FILE.csv")]
    arrivals: Option<PathBuf>,
    /// Skip unreadable log rows (counted and reported) instead of stopping at the first.
    #[arg(long)]
    skip_bad_rows: bool,
    /// The log's date-time that is time 0 (default: the scenario's start, else the log's
    /// first midnight), e.g. 2025-11-10.
    #[arg(long, value_name = "DATE", requires = "arrivals")]
    log_start: Option<String>,
}

/// A share of the work for one machine of many.
#[derive(Args, Debug, Clone, Default)]
struct ShardArgs {
    /// I/N: run only shard I (from 0) of N — replications r with r mod N = I (sweep points
    /// for a sweep) — and write a partial result for `ccsim merge` instead of the summary.
    #[arg(long, value_name = "I/N", value_parser = crate::shard::Shard::parse, requires = "partial")]
    shard: Option<crate::shard::Shard>,
    /// Where --shard writes its partial result (TOML); kept unless --force.
    #[arg(long, value_name = "FILE", requires = "shard")]
    partial: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct OptimizeArgs {
    /// Scenario file (TOML) with an [optimize] section.
    file: PathBuf,
    /// Replications of each verifying simulation (default: [optimize] replications).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    replications: Option<u32>,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Most rounds of simulate, raise, re-solve.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    max_iterations: Option<u32>,
    /// Relative MIP gap, e.g. 0.005.
    #[arg(long)]
    gap: Option<f64>,
    /// Time limit of each MIP solve, e.g. 20s.
    #[arg(long, value_parser = parse_duration)]
    time_limit: Option<Duration>,
    /// CHANNEL=TARGET: a channel's service-level target, e.g. voice=0.85 (repeatable).
    #[arg(long = "service-level", value_name = "CHANNEL=TARGET", value_parser = parse_channel_target)]
    service_levels: Vec<(String, f64)>,
    /// Highest abandonment rate in any judged interval, e.g. 0.05.
    #[arg(long)]
    max_abandon_rate: Option<f64>,
    /// Longest average speed of answer in any judged interval, e.g. 30s.
    #[arg(long, value_parser = parse_duration)]
    max_asa: Option<Duration>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Also write a results folder: roster.csv, requirements.csv, cost.csv, history.csv,
    /// optimize.json, and the final simulation's summary.json, intervals.csv, by_group.csv.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write a report folder: index.html with the roster's and the simulation's
    /// charts, and the data.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    png: bool,
    /// Replace an existing results folder.
    #[arg(long)]
    force: bool,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

fn parse_channel_target(text: &str) -> Result<(String, f64), String> {
    let (ch, v) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: write CHANNEL=TARGET, e.g. voice=0.85"))?;
    let v: f64 = v
        .trim()
        .parse()
        .map_err(|_| format!("`{text}`: the target is a number, e.g. voice=0.85"))?;
    Ok((ch.trim().to_string(), v))
}

#[derive(Args, Debug)]
struct MergeArgs {
    /// The partial result files of all N shards, in any order.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// The scenario file, when it is not at the path the shards recorded.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Print the JSON summary (for a run) or the sweep as JSON.
    #[arg(long)]
    json: bool,
    /// Also write a results folder, as the single run would.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write a report folder, as the single run would.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// With --report: every chart also as a PNG.
    #[arg(long, requires = "report")]
    png: bool,
    /// Replace an existing results or report folder.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct CompareArgs {
    /// The base scenario; its `[[variant]]` tables are compared too.
    base: PathBuf,
    /// Variant scenarios (e.g. files with `extends`), compared in this order.
    variants: Vec<PathBuf>,
    /// Replications of every run (default: the base's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    replications: Option<u32>,
    /// Seed of every run (default: the base's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Print the comparison as JSON.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Also write a results folder: comparison.json, comparison.csv, and each run's
    /// summary.json, intervals.csv and by_group.csv in a sub-folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write a report folder: index.html with the runs side by side per interval and
    /// the differences with their intervals, and the data.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    png: bool,
    /// Replace an existing results folder.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct SweepArgs {
    /// Scenario file (TOML).
    file: PathBuf,
    /// KEY=VALUES: a key path and a list (a,b,c), a range (from..to:step, both ends
    /// included) or one value; several --set make a grid.
    #[arg(long = "set", value_name = "KEY=VALUES", required = true, value_parser = parse_sweep_axis)]
    set: Vec<crate::sweep::Axis>,
    /// Replications at every point (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Seed of every point (default: the scenario's): points see the same customers.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Print the sweep as JSON.
    #[arg(long, conflicts_with = "shard")]
    json: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Also write a results folder: sweep.csv and sweep.json.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    out: Option<PathBuf>,
    /// Also write a report folder: index.html with service level and cost against the
    /// swept values (a heat map for two keys), and the data.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    png: bool,
    /// Replace an existing results folder or partial file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    shard: ShardArgs,
}

fn parse_sweep_axis(text: &str) -> Result<crate::sweep::Axis, String> {
    crate::sweep::parse_axis(text)
}

#[derive(Args, Debug)]
struct FitArgs {
    /// Contact log (CSV with timestamp, channel, category; wait, outcome and handle_time
    /// for handle times and patience).
    log: PathBuf,
    /// Interval of the fitted rates (must divide a day).
    #[arg(long, value_parser = parse_duration, default_value = "15m")]
    interval: Duration,
    /// Output scenario (TOML); an existing file is kept unless --force.
    #[arg(short, long, value_name = "FILE.toml")]
    output: PathBuf,
    /// Scenario name (default: the output file's stem).
    #[arg(long)]
    name: Option<String>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct LogArgs {
    /// Scenario file (TOML).
    file: PathBuf,
    /// Output file (CSV); an existing file is kept unless --force.
    #[arg(short, long, value_name = "FILE.csv")]
    output: PathBuf,
    /// Which replication to log (0-based).
    #[arg(long, default_value_t = 0)]
    replication: u32,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    arrivals: ArrivalArgs,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Scenario file (TOML).
    file: PathBuf,
    #[command(flatten)]
    arrival_args: ArrivalArgs,
    /// Number of replications (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Print the JSON summary (the stable contract) instead of tables.
    #[arg(long, conflicts_with = "shard")]
    json: bool,
    /// Also write a results folder: summary.json, intervals.csv, by_group.csv.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    out: Option<PathBuf>,
    /// Also write a report folder: index.html (charts inline, opens offline) and the data.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    png: bool,
    /// METRIC=HALF_WIDTH: add batches of replications until the metric's 95 % half-width
    /// is at most this (e.g. service_level=0.005, voice.asa_s=1), or the cap is reached.
    #[arg(long, value_name = "METRIC=HALF_WIDTH", conflicts_with = "shard")]
    precision: Option<String>,
    /// Most replications --precision may run.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(2..))]
    max_replications: u32,
    /// Replace an existing results folder or partial file.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    shard: ShardArgs,
}

#[derive(Subcommand, Debug)]
enum ErlangCommand {
    /// Erlang C: M/M/n, customers never abandon.
    C(ErlangArgs),
    /// Erlang A: M/M/n+M, exponential patience.
    A(ErlangAArgs),
}

#[derive(Args, Debug)]
struct ErlangArgs {
    /// Arrivals per hour.
    #[arg(long)]
    rate_per_hour: f64,
    /// Mean handle time, e.g. "5m".
    #[arg(long, value_parser = parse_duration)]
    aht: Duration,
    /// Number of agents.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    agents: u32,
    /// Service-level threshold, e.g. "20s".
    #[arg(long, value_parser = parse_duration)]
    answer_within: Duration,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ErlangAArgs {
    #[command(flatten)]
    queue: ErlangArgs,
    /// Mean patience, e.g. "3m".
    #[arg(long, value_parser = parse_duration)]
    patience: Duration,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    text.parse::<Duration>().map_err(|e| e.to_string())
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
            eprintln!("{}", r.describe());
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

/// A sweep axis as text that `--set` reads back to the same values.
fn axis_text(axis: &crate::sweep::Axis) -> String {
    let values: Vec<String> = axis.values.iter().map(|v| v.to_string()).collect();
    format!("{}={}", axis.key, values.join(","))
}

fn sweep_command(args: &SweepArgs) -> Result<(), Error> {
    preflight(
        &[
            ("--out", args.out.as_deref(), Kind::Folder),
            ("--report", args.report.as_deref(), Kind::Folder),
            ("--partial", args.shard.partial.as_deref(), Kind::File),
        ],
        &[&args.file],
        args.force,
    )?;
    let base = load(&args.file, &ArrivalArgs::default())?;
    let plan = crate::sweep::plan(&args.file, base, &args.set)?;
    if let Some(warning) = plan.identical_points() {
        eprintln!("warning: {warning}");
    }
    let options = RunOptions {
        replications: args.replications.unwrap_or(plan.base.replications),
        seed: args.seed.unwrap_or(plan.base.seed),
        threads: args.threads.map(|t| t as usize),
    };
    let points: Vec<u32> = (0..plan.models.len() as u32)
        .filter(|&p| args.shard.shard.is_none_or(|s| s.owns(p)))
        .collect();
    let seeds = plan.seeds(args.seed);
    let counts = plan.counts(args.replications);
    let total: u64 = points.iter().map(|&p| counts[p as usize] as u64).sum();
    for &p in &points {
        // Every point's outcomes are held until the sweep ends: judge the points together.
        let share = counts[p as usize] as u64 * points.len() as u64;
        memory_check(experiment::check_planned_memory(
            &plan.models[p as usize],
            share,
            options.threads,
            false,
        ))?;
    }
    let progress = Progress::new(total, args.quiet);
    let done = |c| progress.done(c);
    let control = crate::runner::Control::new().on_replication(&done);
    let runs = experiment::thread_pool(options.threads)?
        .install(|| plan.run(&points, args.seed, args.replications, &control))?;
    let crate::sweep::SweepPlan { labels, models, .. } = plan;
    progress.finish();
    if let (Some(shard), Some(path)) = (args.shard.shard, &args.shard.partial) {
        let model_refs: Vec<&Model> = models.iter().collect();
        let partial = crate::shard::PartialResult {
            ccsim_version: crate::shard::CCSIM_VERSION.into(),
            command: "sweep".into(),
            scenario_file: args.file.display().to_string(),
            scenario_hash: crate::shard::scenario_hash(&model_refs),
            arrivals: None,
            log_start: None,
            skip_bad_rows: false,
            sweep_axes: args.set.iter().map(axis_text).collect(),
            seed: options.seed,
            replications: options.replications,
            points: models.len() as u32,
            shard: shard.index,
            shards: shard.count,
            runs: points
                .iter()
                .zip(runs)
                .map(|(&p, r)| {
                    let n = counts[p as usize];
                    let indices: Vec<u32> = (0..n).collect();
                    crate::shard::partial_run(p, seeds[p as usize], n, &indices, r)
                })
                .collect(),
        };
        return write_partial(path, args.force, &partial, args.quiet);
    }
    finish_sweep(
        &models,
        labels,
        runs,
        &seeds,
        &Destinations {
            json: args.json,
            out: &args.out,
            report: &args.report,
            force: args.force,
            png: args.png,
            quiet: args.quiet,
        },
    )
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

/// Prints (and with `out` and `report`, writes) a finished sweep.
fn finish_sweep(
    models: &[Model],
    labels: Vec<crate::sweep::PointLabel>,
    runs: Vec<experiment::RunResult>,
    seeds: &[u64],
    to: &Destinations,
) -> Result<(), Error> {
    let (json, out, force) = (to.json, to.out, to.force);
    let results: Vec<crate::sweep::SweepPoint> = models
        .iter()
        .zip(labels)
        .zip(runs)
        .zip(seeds)
        .map(|(((model, set), r), &seed)| crate::sweep::SweepPoint {
            set,
            summary: RunSummary::new(model, &r, seed),
        })
        .collect();
    if let Some(dir) = out {
        let files = vec![
            ("sweep.csv".to_string(), output::sweep::to_csv(&results)),
            (
                "sweep.json".to_string(),
                output::sweep::to_json(&results) + "\n",
            ),
        ];
        write_folder(dir, "--out", force, &text_files(files))?;
    }
    if let (Some(dir), Some(first)) = (to.report, models.first()) {
        let mut base = first.clone();
        if let Some(i) = base.name.find(" [") {
            base.name.truncate(i);
        }
        let files =
            crate::report::sweep_report(&base, &results, to.png).map_err(Error::internal)?;
        write_folder(dir, "--report", force, &files)?;
        if !to.quiet {
            eprintln!("report written to {}", dir.join("index.html").display());
        }
    }
    if json {
        emit(&(output::sweep::to_json(&results) + "\n"))
    } else {
        let Some(first) = models.first() else {
            return Ok(());
        };
        emit(&output::sweep::render_text(first, &results))
    }
}

/// Writes a shard's partial result and says so on stderr.
fn write_partial(
    path: &std::path::Path,
    force: bool,
    partial: &crate::shard::PartialResult,
    quiet: bool,
) -> Result<(), Error> {
    let text = partial.to_toml().map_err(Error::internal)?;
    write_output(path, force, |w| w.write_all(text.as_bytes()))?;
    if !quiet {
        let units: usize = partial.runs.iter().map(|r| r.replications.len()).sum();
        eprintln!(
            "shard {}/{}: {units} replication{} written to {}; join all {} parts with `ccsim merge`",
            partial.shard,
            partial.shards,
            if units == 1 { "" } else { "s" },
            path.display(),
            partial.shards
        );
    }
    Ok(())
}

fn optimize_command(args: &OptimizeArgs) -> Result<(), Error> {
    preflight(
        &[
            ("--out", args.out.as_deref(), Kind::Folder),
            ("--report", args.report.as_deref(), Kind::Folder),
        ],
        &[&args.file],
        args.force,
    )?;
    let model = load(&args.file, &ArrivalArgs::default())?;
    let options = crate::optimize::OptimizeOptions {
        seed: args.seed.unwrap_or(model.seed),
        threads: args.threads.map(|t| t as usize),
        replications: args.replications,
        max_iterations: args.max_iterations,
        gap: args.gap,
        time_limit: args.time_limit.map(|d| d.secs()),
        max_abandon_rate: args.max_abandon_rate,
        max_asa: args.max_asa.map(|d| d.secs()),
        service_levels: args.service_levels.clone(),
    };
    let quiet = args.quiet;
    let result = crate::optimize::optimize(&model, &options, &|line| {
        if !quiet {
            eprintln!("{line}");
        }
    })
    .map_err(|e| Error::bad_input(e.to_string()))?;
    if let Some(dir) = &args.out {
        write_folder(
            dir,
            "--out",
            args.force,
            &text_files(crate::output::optimize::result_files(&result)),
        )?;
    }
    if let Some(dir) = &args.report {
        let files =
            crate::report::optimize_report(&model, &result, args.png).map_err(Error::internal)?;
        write_folder(dir, "--report", args.force, &files)?;
        if !quiet {
            eprintln!("report written to {}", dir.join("index.html").display());
        }
    }
    if args.json {
        emit(&(crate::output::optimize::to_json(&result) + "\n"))
    } else {
        emit(&crate::output::optimize::render_text(&result, &model))
    }
}

fn merge_command(args: &MergeArgs) -> Result<(), Error> {
    let mut inputs: Vec<&std::path::Path> = args.parts.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.scenario.as_deref());
    preflight(
        &[
            ("--out", args.out.as_deref(), Kind::Folder),
            ("--report", args.report.as_deref(), Kind::Folder),
        ],
        &inputs,
        args.force,
    )?;
    let mut warn = |w: &str| eprintln!("warning: {w}");
    let merged = crate::shard::merge_files(&args.parts, args.scenario.as_deref(), &mut warn)
        .map_err(|e| match e {
            crate::shard::MergeError::Read(m) => Error::io(m),
            crate::shard::MergeError::Refused(m) => Error::bad_input(m),
        })?;
    match merged.runs {
        crate::shard::MergedRuns::Sweep {
            models,
            labels,
            runs,
            seeds,
        } => finish_sweep(
            &models,
            labels,
            runs,
            &seeds,
            &Destinations {
                json: args.json,
                out: &args.out,
                report: &args.report,
                force: args.force,
                png: args.png,
                quiet: true,
            },
        ),
        crate::shard::MergedRuns::Run { model, result } => {
            let source = merged.scenario.display().to_string();
            finish_run(
                &model,
                &result,
                merged.seed,
                &source,
                args.json,
                &args.out,
                args.force,
            )?;
            if let Some(dir) = &args.report {
                let summary = RunSummary::new(&model, &result, merged.seed);
                let files = crate::report::run_report(&model, &summary, &source, args.png)
                    .map_err(Error::internal)?;
                write_folder(dir, "--report", args.force, &files)?;
            }
            Ok(())
        }
    }
}

fn compare_command(args: &CompareArgs) -> Result<(), Error> {
    let mut inputs: Vec<&std::path::Path> = vec![&args.base];
    inputs.extend(args.variants.iter().map(PathBuf::as_path));
    preflight(
        &[
            ("--out", args.out.as_deref(), Kind::Folder),
            ("--report", args.report.as_deref(), Kind::Folder),
        ],
        &inputs,
        args.force,
    )?;
    let none = ArrivalArgs::default();
    let base = load(&args.base, &none)?;
    let plan = crate::compare::plan(&args.base, base, &args.variants)?;
    let (base, variants) = (&plan.base, &plan.variants);
    let options = RunOptions {
        replications: args.replications.unwrap_or(base.replications.max(2)),
        seed: args.seed.unwrap_or(base.seed),
        threads: args.threads.map(|t| t as usize),
    };
    let total = options.replications as u64 * (1 + variants.len() as u64);
    for m in std::iter::once(base).chain(variants) {
        memory_check(experiment::check_planned_memory(
            m,
            total,
            options.threads,
            false,
        ))?;
    }
    let progress = Progress::new(total, args.quiet);
    let done = |c| progress.done(c);
    let control = crate::runner::Control::new().on_replication(&done);
    let runs = experiment::thread_pool(options.threads)?
        .install(|| plan.run(options.seed, options.replications, &control))?;
    progress.finish();
    let mut files = Vec::new();
    let mut summaries: Vec<(String, RunSummary)> = Vec::new();
    let models_and_runs =
        std::iter::once((base, &runs.base)).chain(variants.iter().zip(&runs.variants));
    for (index, (m, r)) in models_and_runs.enumerate() {
        let folder = format!("{index}_{}", folder_name(&m.name));
        let summary = RunSummary::new(m, r, options.seed);
        for (name, text) in result_files(&summary) {
            files.push((format!("{folder}/{name}"), text));
        }
        summaries.push((m.name.clone(), summary));
    }
    let comparison = runs.comparison;
    if let Some(dir) = &args.report {
        let report = crate::report::compare_report(base, &summaries, &comparison, args.png)
            .map_err(Error::internal)?;
        write_folder(dir, "--report", args.force, &report)?;
        if !args.quiet {
            eprintln!("report written to {}", dir.join("index.html").display());
        }
    }
    if let Some(dir) = &args.out {
        files.push((
            "comparison.json".into(),
            output::compare::to_json(&comparison) + "\n",
        ));
        files.push((
            "comparison.csv".into(),
            output::compare::to_csv(&comparison),
        ));
        write_folder(dir, "--out", args.force, &text_files(files))?;
    }
    if args.json {
        emit(&(output::compare::to_json(&comparison) + "\n"))
    } else {
        emit(&output::compare::render_text(&comparison))
    }
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

fn fit_command(args: &FitArgs) -> Result<(), Error> {
    preflight(
        &[("--output", Some(&args.output), Kind::File)],
        &[&args.log],
        args.force,
    )?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => args
            .output
            .file_stem()
            .map_or("fitted".into(), |s| s.to_string_lossy().into_owned()),
    };
    if let Some(problem) = crate::fit::name_problem(&name, false) {
        return Err(Error::bad_input(match &args.name {
            Some(_) => format!("--name: {problem}"),
            None => format!(
                "{}: the scenario takes its name from the output file's name, and {problem}; give --name",
                args.output.display()
            ),
        }));
    }
    let fitted = crate::fit::fit_log(&args.log, args.interval.secs()).map_err(Error::bad_input)?;
    let scenario = crate::output::fit::to_toml(&fitted, &name, &args.log.display().to_string())
        .map_err(|e| match e {
            crate::output::fit::WriteError::Refused(m) => Error::bad_input(m),
            crate::output::fit::WriteError::Internal(m) => Error::internal(m),
        })?;
    // The fitted scenario must load with every name as the log wrote it; a failure here is
    // ccsim's fault, not the user's (the fit refuses or clamps what a scenario cannot take).
    let model = scenario::parse(&scenario.text, &args.output.display().to_string(), &name)
        .map_err(|e| Error::internal(format!("the fitted scenario does not load: {e}")))?;
    let channels: Vec<&str> = fitted.channels.iter().map(|c| c.name.as_str()).collect();
    let loaded: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
    let categories_kept = fitted
        .channels
        .iter()
        .flat_map(|c| &c.categories)
        .all(|s| model.categories.contains(&s.category));
    if channels != loaded || !categories_kept || model.name != name {
        return Err(Error::internal(
            "the fitted scenario does not load with the log's names",
        ));
    }
    write_output(&args.output, args.force, |w| {
        w.write_all(scenario.text.as_bytes())
    })?;
    for warning in &scenario.warnings {
        eprintln!("warning: {warning}");
    }
    emit(&crate::output::fit::report(&fitted))?;
    eprintln!("wrote {}", args.output.display());
    Ok(())
}

fn log_command(args: &LogArgs) -> Result<(), Error> {
    let mut inputs: Vec<&std::path::Path> = vec![&args.file];
    inputs.extend(args.arrivals.arrivals.as_deref());
    let destination = [("--output", Some(args.output.as_path()), Kind::File)];
    preflight(&destination, &inputs, args.force)?;
    let model = load(&args.file, &args.arrivals)?;
    let replays: Vec<&std::path::Path> = model.replays.iter().map(|r| r.path.as_path()).collect();
    preflight(&destination, &replays, args.force)?;
    report_replays(&model, false);
    let seed = args.seed.unwrap_or(model.seed);
    let mut records = Vec::new();
    let mut ws = crate::engine::Workspace::new();
    experiment::replicate(&model, seed, args.replication, &mut ws, Some(&mut records))?;
    let rows = records.len();
    write_output(&args.output, args.force, |w| {
        crate::contact_log::write_log(&model, &mut records, w)
    })?;
    eprintln!(
        "wrote {} ({rows} attempts, replication {} of seed {seed})",
        args.output.display(),
        args.replication
    );
    Ok(())
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

fn run_scenario(args: &RunArgs) -> Result<(), Error> {
    let destinations = [
        ("--out", args.out.as_deref(), Kind::Folder),
        ("--report", args.report.as_deref(), Kind::Folder),
        ("--partial", args.shard.partial.as_deref(), Kind::File),
    ];
    let mut inputs: Vec<&std::path::Path> = vec![&args.file];
    inputs.extend(args.arrival_args.arrivals.as_deref());
    preflight(&destinations, &inputs, args.force)?;
    let model = load(&args.file, &args.arrival_args)?;
    let replays: Vec<&std::path::Path> = model.replays.iter().map(|r| r.path.as_path()).collect();
    preflight(&destinations, &replays, args.force)?;
    report_replays(&model, args.quiet);
    let options = RunOptions {
        replications: args.replications.unwrap_or(model.replications),
        seed: args.seed.unwrap_or(model.seed),
        threads: args.threads.map(|t| t as usize),
    };
    let held = match (&args.shard.shard, &args.precision) {
        (Some(shard), _) => (0..options.replications).filter(|&r| shard.owns(r)).count() as u32,
        (None, Some(_)) => args.max_replications.max(options.replications),
        (None, None) => options.replications,
    };
    memory_check(experiment::check_planned_memory(
        &model,
        held as u64,
        options.threads,
        // A plain or precision run folds its intervals as replications end; a shard keeps
        // every replication whole for its partial file.
        args.shard.shard.is_none(),
    ))?;
    if let (Some(shard), Some(path)) = (args.shard.shard, &args.shard.partial) {
        let indices: Vec<u32> = (0..options.replications)
            .filter(|&r| shard.owns(r))
            .collect();
        let progress = Progress::new(indices.len() as u64, args.quiet);
        let result = experiment::thread_pool(options.threads).and_then(|pool| {
            pool.install(|| {
                experiment::run_replications(&model, options.seed, &indices, &|c| progress.done(c))
            })
        })?;
        progress.finish();
        let partial = crate::shard::PartialResult {
            ccsim_version: crate::shard::CCSIM_VERSION.into(),
            command: "run".into(),
            scenario_file: args.file.display().to_string(),
            scenario_hash: crate::shard::scenario_hash(&[&model]),
            arrivals: (args.arrival_args.arrivals.as_ref()).map(|p| p.display().to_string()),
            log_start: args.arrival_args.log_start.clone(),
            skip_bad_rows: args.arrival_args.skip_bad_rows,
            sweep_axes: Vec::new(),
            seed: options.seed,
            replications: options.replications,
            points: 1,
            shard: shard.index,
            shards: shard.count,
            runs: vec![crate::shard::partial_run(
                0,
                options.seed,
                options.replications,
                &indices,
                result,
            )],
        };
        return write_partial(path, args.force, &partial, args.quiet);
    }
    let result = match &args.precision {
        None => {
            let progress = Progress::new(options.replications as u64, args.quiet);
            // Per-interval results are folded as replications end, not kept each.
            let folded = Default::default();
            let result =
                experiment::run_folded(&model, &options, 0, &|c| progress.done(c), folded)?;
            progress.finish();
            result
        }
        Some(spec) => run_to_precision(&model, &options, spec, args.max_replications, args.quiet)?,
    };
    finish_run(
        &model,
        &result,
        options.seed,
        &args.file.display().to_string(),
        args.json,
        &args.out,
        args.force,
    )?;
    if let Some(dir) = &args.report {
        let summary = RunSummary::new(&model, &result, options.seed);
        let files =
            crate::report::run_report(&model, &summary, &args.file.display().to_string(), args.png)
                .map_err(Error::internal)?;
        write_folder(dir, "--report", args.force, &files)?;
        if !args.quiet {
            eprintln!("report written to {}", dir.join("index.html").display());
        }
    }
    Ok(())
}

/// Checks the warm-up, then prints (and with `out`, writes) a finished run.
fn finish_run(
    model: &Model,
    result: &experiment::RunResult,
    seed: u64,
    source: &str,
    json: bool,
    out: &Option<PathBuf>,
    force: bool,
) -> Result<(), Error> {
    if let Some(warning) = experiment::warmup_check(model, result) {
        eprintln!("warning: {warning}");
    }
    let summary = RunSummary::new(model, result, seed);
    if let Some(dir) = out {
        write_folder(dir, "--out", force, &data_files(&summary))?;
    }
    if json {
        emit_with(|w| write_json(&summary, w))
    } else {
        emit(&render_text(model, &summary, source))
    }
}

/// Runs batches of `options.replications` until the named metric's 95 % half-width is at
/// most the target or `max` replications have run; says on stderr which.
fn run_to_precision(
    model: &Model,
    options: &RunOptions,
    spec: &str,
    max: u32,
    quiet: bool,
) -> Result<experiment::RunResult, Error> {
    let bad = |m: String| Error::bad_input(format!("--precision {spec}: {m}"));
    let (metric, target) = spec
        .split_once('=')
        .ok_or_else(|| bad("write METRIC=HALF_WIDTH, e.g. service_level=0.005".into()))?;
    let target: f64 = target
        .trim()
        .parse()
        .ok()
        .filter(|t: &f64| t.is_finite() && *t > 0.0)
        .ok_or_else(|| bad("the half-width must be a number above 0".into()))?;
    let (_, get) = crate::compare::metric_by_name(model, metric.trim()).map_err(bad)?;
    let batch = options.replications.clamp(2, max);
    let progress = Progress::new(max as u64, quiet);
    let mut result = experiment::RunResult::default();
    loop {
        let done = result.outcomes.len() as u32;
        let next = RunOptions {
            replications: batch.min(max - done),
            ..options.clone()
        };
        let folded = result.intervals.take().unwrap_or_default();
        let more = experiment::run_folded(model, &next, done, &|c| progress.done(c), folded)?;
        result.outcomes.extend(more.outcomes);
        result.wall_s += more.wall_s;
        result.intervals = more.intervals;
        let est = result.estimate(|o| get(o));
        let n = result.outcomes.len() as u32;
        if est.n >= 2 && est.ci95 <= target {
            progress.finish();
            eprintln!(
                "precision met: {metric} = {:.6} ± {:.6} after {n} replications (target ± {target})",
                est.mean, est.ci95
            );
            return Ok(result);
        }
        if n >= max {
            progress.finish();
            eprintln!(
                "precision NOT met: {metric} = {:.6} ± {:.6} after the cap of {n} replications (target ± {target}); raise --max-replications",
                est.mean, est.ci95
            );
            return Ok(result);
        }
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

fn check(file: &std::path::Path, arrivals: &ArrivalArgs) -> Result<(), Error> {
    let model = load(file, arrivals)?;
    // Valid, but worth a look: contacts arriving with nobody on duty to serve them.
    for gap in model.uncovered_arrivals() {
        eprintln!("warning: {}: {}", file.display(), gap.describe(&model));
    }
    emit(&describe_model(&model, &file.display().to_string()))
}

/// The `ccsim check` summary of a model.
pub fn describe_model(model: &Model, source: &str) -> String {
    use std::fmt::Write as _;
    let d = Duration::from_secs;
    let mut out = String::new();
    let days = model.horizon / 86_400.0;
    let _ = writeln!(out, "{source}: OK — scenario \"{}\"", model.name);
    let _ = writeln!(
        out,
        "  horizon {}, interval {} ({} intervals), warm-up {}, {} replications, seed {}",
        d(model.horizon),
        d(model.interval),
        model.n_intervals,
        d(model.warmup),
        model.replications,
        model.seed
    );
    if let Some(start) = model.start {
        let _ = writeln!(out, "  starts {} ({})", start, start.date().strftime("%A"));
    }
    for surge in &model.surges {
        let _ = writeln!(
            out,
            "  surge \"{}\" on {}: {} from {} to {}",
            surge.name,
            surge.scope,
            surge.strength,
            crate::duration::clock(surge.from),
            crate::duration::clock(surge.to)
        );
    }
    let _ = writeln!(out, "  channels ({}):", model.channels.len());
    for ch in &model.channels {
        let mut returns = String::new();
        for (what, rule) in [("redial", &ch.redial), ("repeat", &ch.repeat)] {
            if let Some(r) = rule {
                let target = &model.channels[r.channel as usize].name;
                let on = if target != &ch.name {
                    format!(" on {target}")
                } else {
                    String::new()
                };
                returns += &format!(
                    ", {what} {:.0}% after {}{on} (at most {} attempts)",
                    r.probability * 100.0,
                    r.delay.describe(),
                    r.max_attempts
                );
            }
        }
        let patience = ch
            .patience
            .as_ref()
            .map_or("none (no abandonment)".to_string(), |p| p.describe());
        if ch.busyness_day_cv > 0.0 || ch.busyness_interval_cv > 0.0 {
            let mut parts = Vec::new();
            if ch.busyness_day_cv > 0.0 {
                parts.push(format!("{:.2} a day", ch.busyness_day_cv));
            }
            if ch.busyness_interval_cv > 0.0 {
                parts.push(format!("{:.2} an interval", ch.busyness_interval_cv));
            }
            returns += &format!(", busyness cv {}", parts.join(" and "));
        }
        let _ = writeln!(
            out,
            "    {:<10} service level {:.0}% within {}, patience {}{returns}",
            ch.name,
            ch.service_level_target * 100.0,
            d(ch.answer_within),
            patience
        );
    }
    for bot in &model.bots {
        let mut parts = vec![format!("sessions {}", bot.session.describe())];
        if bot.capacity != u32::MAX {
            let full = if bot.full_goes_to_humans {
                "overflow to humans"
            } else {
                "overflow waits"
            };
            parts.push(format!("capacity {} ({full})", bot.capacity));
        }
        let shares = |v: &[f64]| -> String {
            model
                .categories
                .iter()
                .zip(v)
                .map(|(c, p)| format!("{c} {:.0}%", p * 100.0))
                .collect::<Vec<_>>()
                .join(" ")
        };
        parts.push(format!("contains {}", shares(&bot.containment)));
        if bot.dropout.iter().any(|p| *p > 0.0) {
            parts.push(format!("drop-out {}", shares(&bot.dropout)));
        }
        if bot.misroute > 0.0 {
            parts.push(format!("misroutes {:.0}%", bot.misroute * 100.0));
        }
        for (from, to) in &bot.outages {
            parts.push(format!(
                "down {}–{}",
                crate::duration::clock(*from),
                crate::duration::clock(*to)
            ));
        }
        let _ = writeln!(
            out,
            "  bot on {}: {}",
            model.channels[bot.channel as usize].name,
            parts.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  categories ({}): {}",
        model.categories.len(),
        model.categories.join(", ")
    );
    for r in ReplaySummary::of(model) {
        let _ = writeln!(out, "  {}", r.describe());
    }
    let _ = writeln!(out, "  arrival streams ({}):", model.streams.len());
    for s in &model.streams {
        let expected = s.rate_per_s.iter().sum::<f64>() * model.interval;
        let peak = s.rate_per_s.iter().cloned().fold(0.0, f64::max) * 3600.0;
        let _ = writeln!(
            out,
            "    {:<24} {:>10.0} contacts over the horizon, peak {:.0}/h{}",
            model.contact_type_name(s.contact_type),
            expected,
            peak,
            if model.priority_levels.len() > 1 {
                format!(", priority {}", model.priority_levels[s.class as usize])
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(
        out,
        "  groups ({}), in routing priority order:",
        model.groups.len()
    );
    let width = model
        .groups
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(crate::limits::MAX_NAME_CHARS);
    for g in &model.groups {
        let min = g.staffing.iter().min().copied().unwrap_or(0);
        let max = g.staffing.iter().max().copied().unwrap_or(0);
        let mut agents = if min == max {
            format!("{min} agent{} on duty", if min == 1 { "" } else { "s" })
        } else {
            format!("{min}–{max} agents on duty")
        };
        if g.shrinkage > 0.0 {
            let lo = g.scheduled.iter().min().copied().unwrap_or(0);
            let hi = g.scheduled.iter().max().copied().unwrap_or(0);
            agents += &format!(
                " ({lo}–{hi} scheduled, shrinkage {:.0}%)",
                g.shrinkage * 100.0
            );
        }
        if g.hourly_cost > 0.0 {
            agents += &format!(", {} an hour", g.hourly_cost);
        }
        let mut extras = String::new();
        if g.tier != 1 {
            extras += &format!(", tier {}", g.tier);
        }
        if g.concurrency > 1 {
            extras += &format!(
                ", {} conversations at once (each {:.0}% slower per extra one)",
                g.concurrency,
                g.concurrency_slowdown * 100.0
            );
        }
        if g.overflow_after > 0.0 {
            extras += &format!(", takes contacts after {} of waiting", d(g.overflow_after));
        }
        for (c, channel) in model.channels.iter().enumerate() {
            let of_channel: Vec<(u32, String)> = g
                .handle_time_by
                .iter()
                .filter(|(t, _)| model.contact_types[*t as usize].channel as usize == c)
                .map(|(t, d)| (*t, d.describe()))
                .collect();
            let same = of_channel.windows(2).all(|w| w[0].1 == w[1].1);
            if of_channel.len() == model.categories.len() && model.categories.len() > 1 && same {
                extras += &format!(", {}/* takes {}", channel.name, of_channel[0].1);
            } else {
                for (t, d) in &of_channel {
                    extras += &format!(", {} takes {d}", model.contact_type_name(*t));
                }
            }
        }
        let resolve = &g.resolve;
        if resolve.iter().all(|p| *p == resolve[0]) && resolve[0] < 1.0 {
            extras += &format!(", resolves {:.0}%", resolve[0] * 100.0);
        } else if resolve.iter().any(|p| *p < 1.0) {
            let shown: Vec<String> = model
                .categories
                .iter()
                .zip(resolve)
                .map(|(c, p)| format!("{c} {:.0}%", p * 100.0))
                .collect();
            extras += &format!(", resolves {}", shown.join(" "));
        }
        let targets: Vec<String> = model
            .categories
            .iter()
            .zip(&g.escalate_to)
            .filter_map(|(c, t)| t.map(|t| format!("{c}→{}", model.groups[t as usize].name)))
            .collect();
        if !targets.is_empty() {
            extras += &format!(", escalates {}", targets.join(" "));
        }
        let _ = writeln!(
            out,
            "    {:<width$}  {agents}, handle time {}, handles {}{extras}",
            g.name,
            g.handle_time.describe(),
            handled_pairs(model, &g.handles)
        );
    }
    // Generated streams, plus every replayed row (before volume scaling) in the horizon.
    let replayed: f64 = model
        .replays
        .iter()
        .map(|r| r.scan.as_ref().map_or(0, |s| s.replayed) as f64 * r.volume_scale)
        .sum();
    let volume = model.expected_arrivals() + replayed + 0.0;
    let agent_hours = model.agent_hours();
    if !model.replays.is_empty()
        && (!model.surges.is_empty()
            || model
                .channels
                .iter()
                .any(|c| c.busyness_day_cv > 0.0 || c.busyness_interval_cv > 0.0))
    {
        let _ = writeln!(
            out,
            "  note: surges, day-of-week factors and busyness shape the generated streams only, not the replayed rows"
        );
    }
    if (days - 1.0).abs() < 1e-9 {
        let _ = writeln!(
            out,
            "  total daily volume {volume:.0} contacts; total scheduled agent hours {agent_hours:.1}"
        );
    } else {
        let _ = writeln!(
            out,
            "  total volume {volume:.0} contacts over the {} horizon ({:.0} a day); total scheduled agent hours {agent_hours:.1}",
            d(model.horizon),
            volume / days
        );
    }
    out
}

/// The pairs a group handles, with a channel's categories folded into `channel/*` when
/// the group handles all of them.
fn handled_pairs(model: &Model, handles: &[u32]) -> String {
    let mut parts = Vec::new();
    for (c, channel) in model.channels.iter().enumerate() {
        let of_channel: Vec<u32> = handles
            .iter()
            .copied()
            .filter(|&t| model.contact_types[t as usize].channel as usize == c)
            .collect();
        if of_channel.len() == model.categories.len() && model.categories.len() > 1 {
            parts.push(format!("{}/*", channel.name));
        } else {
            parts.extend(of_channel.iter().map(|&t| model.contact_type_name(t)));
        }
    }
    if parts.is_empty() {
        return "nothing from the queues (escalations only)".into();
    }
    parts.join(", ")
}

fn erlang_command(args: &ErlangArgs, patience: Option<Duration>) -> Result<(), Error> {
    let rate = args.rate_per_hour;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(Error::bad_input(format!(
            "--rate-per-hour {rate}: the arrival rate must be a finite number of contacts an hour, greater than zero"
        )));
    }
    let spec = QueueSpec {
        arrival_rate: args.rate_per_hour / 3600.0,
        aht: args.aht.secs(),
        agents: args.agents,
        patience: patience.map(Duration::secs),
        answer_within: args.answer_within.secs(),
    };
    let values = match patience {
        Some(_) => erlang::erlang_a(&spec),
        None => erlang::erlang_c(&spec),
    }
    .map_err(|e| Error::bad_input(e.to_string()))?;
    if args.json {
        let json =
            serde_json::to_string_pretty(&values).map_err(|e| Error::internal(e.to_string()))?;
        return emit(&(json + "\n"));
    }
    emit(&describe_erlang(&spec, &values))
}

fn describe_erlang(spec: &QueueSpec, v: &QueueValues) -> String {
    let d = Duration::from_secs;
    let model = match spec.patience {
        Some(p) => format!("Erlang A (M/M/n+M), mean patience {}", d(p)),
        None => "Erlang C (M/M/n)".to_string(),
    };
    let sl_label = format!("service level ({})", d(spec.answer_within));
    format!(
        "{model}\n  {:.1} contacts/h, AHT {}, {} agents, load {:.2} erlangs\n  probability of waiting  {:>8.2} %\n  {sl_label:<22}  {:>8.2} %\n  ASA                     {:>8.2} s\n  abandon rate            {:>8.2} %\n  occupancy               {:>8.2} %\n",
        spec.arrival_rate * 3600.0,
        d(spec.aht),
        spec.agents,
        spec.arrival_rate * spec.aht,
        v.p_wait * 100.0,
        v.service_level * 100.0,
        v.asa_s,
        v.abandon_rate * 100.0,
        v.occupancy * 100.0
    )
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
