//! `ccsim run` (a run, to a precision, or a shard of it) and `ccsim log` (one
//! replication's contact log).

use super::*;

pub(super) fn run_scenario(args: &RunArgs) -> Result<(), Error> {
    let sharded = args.shard.resolve(args.quiet)?;
    let destinations = [
        ("--out", args.out.as_deref(), Kind::Folder),
        ("--report", args.report.as_deref(), Kind::Folder),
        (
            "--partial",
            sharded.as_ref().map(|s| s.1.as_path()),
            Kind::File,
        ),
    ];
    let mut inputs: Vec<&std::path::Path> = vec![&args.file];
    inputs.extend(args.arrival_args.arrivals.as_deref());
    preflight(&destinations, &inputs, args.force)?;
    let model = load(&args.file, &args.arrival_args)?;
    // As `check` says: contacts arriving with nobody on duty to serve them.
    for gap in model.uncovered_arrivals() {
        eprintln!("warning: {}: {}", args.file.display(), gap.describe(&model));
    }
    let replays: Vec<&std::path::Path> = model.replays.iter().map(|r| r.path.as_path()).collect();
    preflight(&destinations, &replays, args.force)?;
    report_replays(&model, args.quiet);
    let options = RunOptions {
        replications: args.replications.unwrap_or(model.replications),
        seed: args.seed.unwrap_or(model.seed),
        threads: args.threads.map(|t| t as usize),
    };
    let held = match (sharded.as_ref().map(|s| s.0), &args.precision) {
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
        sharded.is_none(),
    ))?;
    if let Some((shard, path)) = &sharded {
        let shard = *shard;
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
    let summary = finish_run(
        &model,
        &result,
        options.seed,
        &args.file.display().to_string(),
        args.json,
        &args.out,
        args.force,
    )?;
    if let Some(dir) = &args.report {
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

/// Checks the warm-up, then prints (and with `out`, writes) a finished run; returns its
/// summary (built once, for a report too).
pub(super) fn finish_run(
    model: &Model,
    result: &experiment::RunResult,
    seed: u64,
    source: &str,
    json: bool,
    out: &Option<PathBuf>,
    force: bool,
) -> Result<RunSummary, Error> {
    if let Some(warning) = experiment::warmup_check(model, result) {
        eprintln!("warning: {warning}");
    }
    let summary = RunSummary::new(model, result, seed);
    if let Some(dir) = out {
        write_folder(dir, "--out", force, &data_files(&summary))?;
    }
    if json {
        emit_with(|w| write_json(&summary, w))?;
    } else {
        emit(&render_text(model, &summary, source))?;
    }
    Ok(summary)
}

/// Parses `--precision METRIC=HALF_WIDTH`, runs to that precision (or `max` replications)
/// through [`crate::runner::run_to_precision`] and says on stderr which.
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
    let progress = Progress::new(max as u64, quiet);
    let done = |c| progress.done(c);
    let control = crate::runner::Control::new().on_replication(&done);
    let run = crate::runner::run_to_precision(model, options, &*get, target, max, &control)?;
    progress.finish();
    let (est, n) = (&run.estimate, run.replications());
    if run.met {
        eprintln!(
            "precision met: {metric} = {:.6} ± {:.6} after {n} replications (target ± {target})",
            est.mean, est.ci95
        );
    } else {
        eprintln!(
            "precision NOT met: {metric} = {:.6} ± {:.6} after the cap of {n} replications (target ± {target}); raise --max-replications",
            est.mean, est.ci95
        );
    }
    Ok(run.result)
}

pub(super) fn log_command(args: &LogArgs) -> Result<(), Error> {
    let mut inputs: Vec<&std::path::Path> = vec![&args.file];
    inputs.extend(args.arrivals.arrivals.as_deref());
    // `-o -`: the log goes to stdout (a pipe), nothing is written to disk.
    let to_stdout = args.output.as_os_str() == "-";
    let output = (!to_stdout).then_some(args.output.as_path());
    let destination = [("--output", output, Kind::File)];
    preflight(&destination, &inputs, args.force)?;
    let model = load(&args.file, &args.arrivals)?;
    let replays: Vec<&std::path::Path> = model.replays.iter().map(|r| r.path.as_path()).collect();
    preflight(&destination, &replays, args.force)?;
    report_replays(&model, false);
    let seed = args.seed.unwrap_or(model.seed);
    let buffer = log_buffer_records()?;
    // A log that will likely spill (at least half a buffer of arrivals expected) checks
    // the temporary folder before simulating, not after.
    let temp_error = |e: std::io::Error| {
        Error::io(format!(
            "cannot sort the contact log in the temporary folder {}: {e}",
            std::env::temp_dir().display()
        ))
    };
    if model.expected_arrivals() >= buffer as f64 / 2.0 {
        tempfile::tempfile().map_err(temp_error)?;
    }
    let mut log = crate::contact_log::LogSorter::new(&model, buffer);
    let mut ws = crate::engine::Workspace::new();
    experiment::replicate(&model, seed, args.replication, &mut ws, Some(&mut log))?;
    // A cyclic model's log is its counted day's (`write_log`).
    let rows = log.rows();
    let sorted = log.finish().map_err(temp_error)?;
    let shown = if to_stdout {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        match sorted
            .write(&model, &mut w)
            .and_then(|()| std::io::Write::flush(&mut w))
        {
            Ok(()) => "the log to stdout".to_string(),
            // The reader stopped early (`| head`): not an error.
            Err(e) if broken_pipe(&e) => return Ok(()),
            Err(e) => return Err(Error::io(format!("cannot write the log to stdout: {e}"))),
        }
    } else {
        write_output(&args.output, args.force, |w| sorted.write(&model, w))?;
        args.output.display().to_string()
    };
    eprintln!(
        "wrote {shown} ({rows} attempts, replication {} of seed {seed})",
        args.replication
    );
    Ok(())
}

/// Whether `e` is, or wraps (the CSV writer's error inside an `io::Error`), a pipe its
/// reader closed.
fn broken_pipe(e: &std::io::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
            if let Some(inner) = io.get_ref() {
                source = Some(inner);
                continue;
            }
        }
        if let Some(csv) = err.downcast_ref::<csv::Error>()
            && let csv::ErrorKind::Io(io) = csv.kind()
        {
            return io.kind() == std::io::ErrorKind::BrokenPipe;
        }
        source = err.source();
    }
    false
}

/// Records `ccsim log` sorts in memory before it spills them to disk: the hidden
/// `CCSIM_LOG_BUFFER_RECORDS` (a positive whole number, for tests that force many spills),
/// else [`crate::contact_log::DEFAULT_BUFFER_RECORDS`].
fn log_buffer_records() -> Result<usize, Error> {
    match std::env::var("CCSIM_LOG_BUFFER_RECORDS") {
        Err(_) => Ok(crate::contact_log::DEFAULT_BUFFER_RECORDS),
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Error::bad_input(format!(
                "CCSIM_LOG_BUFFER_RECORDS must be a positive whole number of records, not {v:?}"
            ))),
        },
    }
}
