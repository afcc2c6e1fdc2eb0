//! The command line's arguments and flags (clap derive), read by the commands.

use crate::duration::Duration;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Where arrivals come from, beside the scenario.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct ArrivalArgs {
    /// Replay this contact log (CSV) instead of the scenario's arrivals.
    #[arg(long, value_name = "FILE.csv")]
    pub(crate) arrivals: Option<PathBuf>,
    /// Skip unreadable log rows (counted and reported) instead of stopping at the first.
    #[arg(long)]
    pub(crate) skip_bad_rows: bool,
    /// The log's date-time that is time 0 (default: the scenario's start, else the log's
    /// first midnight), e.g. 2025-11-10.
    #[arg(long, value_name = "DATE", requires = "arrivals")]
    pub(crate) log_start: Option<String>,
}

/// A share of the work for one machine of many.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct ShardArgs {
    /// I/N: run only shard I (from 0) of N — replications r with r mod N = I (sweep points
    /// for a sweep) — and write a partial result for `ccsim merge` instead of the summary;
    /// `auto` (or `auto/N`): I and N from the array job's environment (Slurm, a Kubernetes
    /// Indexed Job, AWS Batch).
    #[arg(long, value_name = "I/N|auto", value_parser = crate::shard::ShardSpec::parse, requires = "partial")]
    pub(crate) shard: Option<crate::shard::ShardSpec>,
    /// Where --shard writes its partial result (TOML; `{index}` and `{count}` are
    /// replaced by the shard's); kept unless --force.
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub(crate) partial: Option<PathBuf>,
}

impl ShardArgs {
    /// The shard this process runs and its partial file, `--shard auto` read from the
    /// environment (said on stderr unless `quiet`); `None` without `--shard`.
    pub(crate) fn resolve(
        &self,
        quiet: bool,
    ) -> Result<Option<(crate::shard::Shard, PathBuf)>, crate::error::Error> {
        let (Some(spec), Some(partial)) = (&self.shard, &self.partial) else {
            return Ok(None);
        };
        let env = |name: &str| std::env::var(name).ok();
        let (shard, from) = spec.resolve(&env).map_err(crate::error::Error::bad_input)?;
        if !quiet && matches!(spec, crate::shard::ShardSpec::Auto { .. }) {
            eprintln!("shard {}/{} from {from}", shard.index, shard.count);
        }
        Ok(Some((shard, crate::shard::partial_path(partial, shard))))
    }
}

#[derive(Args, Debug)]
pub(crate) struct OptimizeArgs {
    /// Scenario file (TOML) with an [optimize] section.
    pub(crate) file: PathBuf,
    /// Replications of each verifying simulation (default: [optimize] replications).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    pub(crate) replications: Option<u32>,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Most rounds of simulate, raise, re-solve.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub(crate) max_iterations: Option<u32>,
    /// Relative MIP gap, e.g. 0.005.
    #[arg(long)]
    pub(crate) gap: Option<f64>,
    /// Time limit of each MIP solve, e.g. 20s.
    #[arg(long, value_parser = parse_duration)]
    pub(crate) time_limit: Option<Duration>,
    /// The MIP solver: microlp (default, pure Rust) or cbc (a build with `--features cbc`).
    #[arg(long, value_parser = crate::optimize::Solver::parse)]
    pub(crate) solver: Option<crate::optimize::Solver>,
    /// CHANNEL=TARGET: a channel's service-level target, e.g. voice=0.85 (repeatable).
    #[arg(long = "service-level", value_name = "CHANNEL=TARGET", value_parser = parse_channel_target)]
    pub(crate) service_levels: Vec<(String, f64)>,
    /// Highest abandonment rate in any judged interval, e.g. 0.05.
    #[arg(long)]
    pub(crate) max_abandon_rate: Option<f64>,
    /// Longest average speed of answer in any judged interval, e.g. 30s.
    #[arg(long, value_parser = parse_duration)]
    pub(crate) max_asa: Option<Duration>,
    /// Highest occupancy of every group in any judged interval, e.g. 0.85.
    #[arg(long)]
    pub(crate) max_occupancy: Option<f64>,
    /// Meet the targets on at least this share of simulated days in every judged
    /// interval, e.g. 0.9 (default: the scenario's `confidence`, else on average).
    #[arg(long)]
    pub(crate) confidence: Option<f64>,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write a results folder: roster.csv, requirements.csv, cost.csv, history.csv,
    /// optimize.json, and the final simulation's summary.json, intervals.csv, by_group.csv.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Also write a report folder: index.html with the roster's and the simulation's
    /// charts, and the data.
    #[arg(long, value_name = "DIR")]
    pub(crate) report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    pub(crate) png: bool,
    /// Replace an existing results folder.
    #[arg(long)]
    pub(crate) force: bool,
    /// No progress lines.
    #[arg(long)]
    pub(crate) quiet: bool,
}

pub(crate) fn parse_channel_target(text: &str) -> Result<(String, f64), String> {
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
pub(crate) struct MergeArgs {
    /// The partial result files of all N shards, in any order.
    #[arg(required = true)]
    pub(crate) parts: Vec<PathBuf>,
    /// The scenario file, when it is not at the path the shards recorded.
    #[arg(long, value_name = "FILE")]
    pub(crate) scenario: Option<PathBuf>,
    /// Print the JSON summary (for a run) or the sweep as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write a results folder, as the single run would.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Also write a report folder, as the single run would.
    #[arg(long, value_name = "DIR")]
    pub(crate) report: Option<PathBuf>,
    /// With --report: every chart also as a PNG.
    #[arg(long, requires = "report")]
    pub(crate) png: bool,
    /// Replace an existing results or report folder.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Args, Debug)]
pub(crate) struct CompareArgs {
    /// The base scenario; its `[[variant]]` tables are compared too.
    pub(crate) base: PathBuf,
    /// Variant scenarios (e.g. files with `extends`), compared in this order.
    pub(crate) variants: Vec<PathBuf>,
    /// Replications of every run (default: the base's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    pub(crate) replications: Option<u32>,
    /// Seed of every run (default: the base's).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Print the comparison as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// No progress bar.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Also write a results folder: comparison.json, comparison.csv, and each run's
    /// summary.json, intervals.csv and by_group.csv in a sub-folder.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Also write a report folder: index.html with the runs side by side per interval and
    /// the differences with their intervals, and the data.
    #[arg(long, value_name = "DIR")]
    pub(crate) report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    pub(crate) png: bool,
    /// Replace an existing results folder.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Args, Debug)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML).
    pub(crate) file: PathBuf,
    /// KEY=VALUES: a key path and a list (a,b,c), a range (from..to:step, both ends
    /// included: the steps must land on `to`) or one value; several --set make a grid.
    #[arg(long = "set", value_name = "KEY=VALUES", required = true, value_parser = parse_sweep_axis)]
    pub(crate) set: Vec<crate::sweep::Axis>,
    /// Replications at every point (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) replications: Option<u32>,
    /// Seed of every point (default: the scenario's): points see the same customers.
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Print the sweep as JSON.
    #[arg(long, conflicts_with = "shard")]
    pub(crate) json: bool,
    /// No progress bar.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Also write a results folder: sweep.csv and sweep.json.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub(crate) out: Option<PathBuf>,
    /// Also write a report folder: index.html with service level and cost against the
    /// swept values (a heat map for two keys), and the data.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub(crate) report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    pub(crate) png: bool,
    /// Replace an existing results folder or partial file.
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) shard: ShardArgs,
}

pub(crate) fn parse_sweep_axis(text: &str) -> Result<crate::sweep::Axis, String> {
    crate::sweep::parse_axis(text)
}

#[derive(Args, Debug)]
pub(crate) struct FitArgs {
    /// Contact log (CSV with timestamp, channel, category; wait, outcome and handle_time
    /// for handle times and patience).
    pub(crate) log: PathBuf,
    /// Interval of the fitted rates (must divide a day).
    #[arg(long, value_parser = parse_duration, default_value = "15m")]
    pub(crate) interval: Duration,
    /// Output scenario (TOML); an existing file is kept unless --force.
    #[arg(short, long, value_name = "FILE.toml")]
    pub(crate) output: PathBuf,
    /// Scenario name (default: the output file's stem).
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Replace an existing output file.
    #[arg(long)]
    pub(crate) force: bool,
    /// The log's headers of ccsim's columns, e.g.
    /// `arrival="Call Start",channel=Queue,outcome=Disposition` (repeatable; the usual
    /// ACD spellings are recognised without it).
    #[arg(long, value_name = "COLUMN=HEADER,…")]
    pub(crate) columns: Vec<String>,
    /// Format of the log's date-times, strftime-style, e.g. `%d/%m/%Y %H:%M:%S`, or
    /// `day-first` (that one) or `month-first` (`%m/%d/%Y %H:%M:%S`); default ISO 8601.
    #[arg(long, value_name = "FORMAT")]
    pub(crate) datetime_format: Option<String>,
    /// Field separator: `,`, `;` or `tab` (default: found from the header).
    #[arg(long)]
    pub(crate) delimiter: Option<String>,
    /// An outcome word of the log and ccsim's outcome (answered, abandoned, bot_resolved,
    /// bot_dropout), e.g. `Handled=answered` (repeatable).
    #[arg(long, value_name = "WORD=OUTCOME")]
    pub(crate) outcome: Vec<String>,
    /// Window within which a customer's next contact is a redial or repeat, for a log with
    /// customer ids and no `attempt` column.
    #[arg(long, value_parser = parse_duration, default_value = "24h")]
    pub(crate) return_window: Duration,
    /// Write one typical day (a week with day-of-week factors, when the log has them)
    /// instead of the log's days; intervals without contacts in any week are closed.
    #[arg(long)]
    pub(crate) typical_day: bool,
}

#[derive(Args, Debug)]
pub(crate) struct LogArgs {
    /// Scenario file (TOML).
    pub(crate) file: PathBuf,
    /// Output file (CSV), or `-` for stdout; an existing file is kept unless --force.
    #[arg(short, long, value_name = "FILE.csv")]
    pub(crate) output: PathBuf,
    /// Which replication to log (0-based).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = replication_number)]
    pub(crate) replication: u32,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Replace an existing output file.
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) arrivals: ArrivalArgs,
}

#[derive(Args, Debug)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML).
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) arrival_args: ArrivalArgs,
    /// Number of replications (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) replications: Option<u32>,
    /// Base seed (default: the scenario's).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Print the JSON summary (the stable contract) instead of tables.
    #[arg(long, conflicts_with = "shard")]
    pub(crate) json: bool,
    /// Also write a results folder: summary.json, intervals.csv, by_group.csv.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub(crate) out: Option<PathBuf>,
    /// Also write a report folder: index.html (charts inline, opens offline) and the data.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub(crate) report: Option<PathBuf>,
    /// With --report: every chart also as a PNG (charts/NAME.png; text in a shipped font).
    #[arg(long, requires = "report")]
    pub(crate) png: bool,
    /// METRIC=HALF_WIDTH: add batches of replications until the metric's 95 % half-width
    /// is at most this (e.g. service_level=0.005, voice.asa_s=1), or the cap is reached.
    #[arg(long, value_name = "METRIC=HALF_WIDTH", conflicts_with = "shard")]
    pub(crate) precision: Option<String>,
    /// Most replications --precision may run.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(2..))]
    pub(crate) max_replications: u32,
    /// Replace an existing results folder or partial file.
    #[arg(long)]
    pub(crate) force: bool,
    /// No progress bar.
    #[arg(long)]
    pub(crate) quiet: bool,
    #[command(flatten)]
    pub(crate) shard: ShardArgs,
}

#[derive(Subcommand, Debug)]
pub(crate) enum ErlangCommand {
    /// Erlang C: M/M/n, customers never abandon.
    C(ErlangArgs),
    /// Erlang A: M/M/n+M, exponential patience.
    A(ErlangAArgs),
}

#[derive(Args, Debug)]
pub(crate) struct ErlangArgs {
    /// Arrivals per hour.
    #[arg(long)]
    pub(crate) rate_per_hour: f64,
    /// Mean handle time, e.g. "5m".
    #[arg(long, value_parser = parse_duration)]
    pub(crate) aht: Duration,
    /// Number of agents; leave out to solve for the fewest agents that meet the targets
    /// given (--service-level, --max-asa, --max-abandon-rate, --max-occupancy).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) agents: Option<u32>,
    /// Service-level threshold, e.g. "20s".
    #[arg(long, value_parser = parse_duration)]
    pub(crate) answer_within: Duration,
    /// Target: the share answered within --answer-within, e.g. 0.8 (solving only).
    #[arg(long)]
    pub(crate) service_level: Option<f64>,
    /// Target: the longest ASA, e.g. "30s" (solving only).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) max_asa: Option<Duration>,
    /// Target: the highest abandon rate, e.g. 0.05 (solving only).
    #[arg(long)]
    pub(crate) max_abandon_rate: Option<f64>,
    /// Target: the highest occupancy, e.g. 0.85 (solving only).
    #[arg(long)]
    pub(crate) max_occupancy: Option<f64>,
    /// Chat: conversations each agent holds at once (default 1).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub(crate) concurrency: Option<u32>,
    /// Chat: how much longer each conversation takes per extra one held at once, e.g. 0.2
    /// (handle time × (1 + slowdown × (concurrency − 1)); default 0).
    #[arg(long)]
    pub(crate) slowdown: Option<f64>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ErlangAArgs {
    #[command(flatten)]
    pub(crate) queue: ErlangArgs,
    /// Mean patience, e.g. "3m".
    #[arg(long, value_parser = parse_duration)]
    pub(crate) patience: Duration,
}

pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    text.parse::<Duration>().map_err(|e| e.to_string())
}

/// A replication number (0-based, as `--replication` takes it): a whole number from 0,
/// refused with what is allowed (a negative one is read as a value, not as an option).
fn replication_number(text: &str) -> Result<u32, String> {
    text.trim().parse::<u32>().map_err(|_| {
        format!(
            "a replication number is a whole number from 0 (the first replication) to {}",
            u32::MAX
        )
    })
}
