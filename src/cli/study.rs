//! `ccsim sweep`, `ccsim compare` and `ccsim merge`: many runs, planned and run by the
//! library (`sweep::plan`, `compare::plan`, `shard::merge_files`), printed and written here.

use super::*;

pub(super) fn sweep_command(args: &SweepArgs) -> Result<(), Error> {
    let sharded = args.shard.resolve(args.quiet)?;
    preflight(
        &[
            ("--out", args.out.as_deref(), Kind::Folder),
            ("--report", args.report.as_deref(), Kind::Folder),
            (
                "--partial",
                sharded.as_ref().map(|s| s.1.as_path()),
                Kind::File,
            ),
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
        .filter(|&p| sharded.as_ref().is_none_or(|s| s.0.owns(p)))
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
            // A sweep folds each point's intervals as its replications end; a shard keeps
            // every replication whole for its partial file.
            sharded.is_none(),
        ))?;
    }
    let progress = Progress::new(total, args.quiet);
    let done = |c| progress.done(c);
    let control = crate::runner::Control::new().on_replication(&done);
    let runs = experiment::thread_pool(options.threads)?.install(|| {
        let whole = sharded.is_some();
        plan.run(&points, args.seed, args.replications, whole, &control)
    })?;
    progress.finish();
    if let Some((shard, path)) = &sharded {
        let share = crate::shard::SweepShare {
            file: &args.file,
            axes: &args.set,
            seed: args.seed,
            replications: args.replications,
            shard: *shard,
        };
        let partial = crate::shard::sweep_partial(&share, &plan, &points, runs);
        return write_partial(path, args.force, &partial, args.quiet);
    }
    let crate::sweep::SweepPlan { labels, models, .. } = plan;
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

/// Prints (and with `out` and `report`, writes) a finished sweep.
pub(super) fn finish_sweep(
    models: &[Model],
    labels: Vec<crate::sweep::PointLabel>,
    runs: Vec<experiment::RunResult>,
    seeds: &[u64],
    to: &Destinations,
) -> Result<(), Error> {
    let (json, out, force) = (to.json, to.out, to.force);
    let results = crate::sweep::points(models, labels, runs, seeds);
    if let Some(dir) = out {
        let files = vec![
            DataFile::bytes("sweep.csv", output::sweep::to_csv(&results)),
            DataFile::streamed("sweep.json", |w| output::sweep::write_json(&results, w)),
        ];
        write_folder(dir, "--out", force, &files)?;
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
        emit_with(|w| output::sweep::write_json(&results, w))
    } else {
        let Some(first) = models.first() else {
            return Ok(());
        };
        emit(&output::sweep::render_text(first, &results))
    }
}

/// Writes a shard's partial result and says so on stderr.
pub(super) fn write_partial(
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

pub(super) fn merge_command(args: &MergeArgs) -> Result<(), Error> {
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
            let summary = finish_run(
                &model,
                &result,
                merged.seed,
                &source,
                args.json,
                &args.out,
                args.force,
            )?;
            if let Some(dir) = &args.report {
                let files = crate::report::run_report(&model, &summary, &source, args.png)
                    .map_err(Error::internal)?;
                write_folder(dir, "--report", args.force, &files)?;
            }
            Ok(())
        }
    }
}

pub(super) fn compare_command(args: &CompareArgs) -> Result<(), Error> {
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
            // Each run folds its intervals as its replications end.
            true,
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
