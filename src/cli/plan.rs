//! `ccsim optimize` (a roster) and `ccsim fit` (a scenario from a contact log).

use super::*;

pub(super) fn optimize_command(args: &OptimizeArgs) -> Result<(), Error> {
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
    })?;
    if let Some(dir) = &args.out {
        let mut files = text_files(crate::output::optimize::result_files(&result));
        let document = scenario::resolved_document(&args.file)?;
        let exports = crate::output::optimize::roster_files(&result, document, &args.file)
            .map_err(Error::internal)?;
        files.extend((exports.into_iter()).map(|(name, bytes)| DataFile::bytes(name, bytes)));
        write_folder(dir, "--out", args.force, &files)?;
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

pub(super) fn fit_command(args: &FitArgs) -> Result<(), Error> {
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
