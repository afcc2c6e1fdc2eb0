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
        solver: args.solver,
        max_abandon_rate: args.max_abandon_rate,
        max_asa: args.max_asa.map(|d| d.secs()),
        service_levels: args.service_levels.clone(),
        confidence: args.confidence,
        max_occupancy: args.max_occupancy,
    };
    let quiet = args.quiet;
    let result = crate::output::people::optimize_staffed(&args.file, &model, &options, &|line| {
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

/// The log's format from `fit`'s flags: `--columns`, `--datetime-format`, `--delimiter`,
/// `--outcome`, `--return-window`; errors name the flag and what is allowed.
fn fit_format(args: &FitArgs) -> Result<crate::contact_log::ReplayFormat, Error> {
    let pairs =
        |flag: &str, items: &[String], split: bool| -> Result<Vec<(String, String)>, Error> {
            let mut out = Vec::new();
            for item in items {
                let parts: Vec<&str> = if split {
                    item.split(',').collect()
                } else {
                    vec![item.as_str()]
                };
                for part in parts {
                    let Some((k, v)) = part.split_once('=') else {
                        return Err(Error::bad_input(format!(
                            "{flag}: \"{part}\" is not NAME=VALUE, e.g. {}",
                            if split {
                                "channel=Queue"
                            } else {
                                "Handled=answered"
                            }
                        )));
                    };
                    out.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
                }
            }
            Ok(out)
        };
    let columns = pairs("--columns", &args.columns, true)?;
    let outcomes = pairs("--outcome", &args.outcome, false)?;
    crate::contact_log::build_format(
        &columns,
        args.datetime_format.as_deref(),
        args.delimiter.as_deref(),
        &outcomes,
        Some(args.return_window.secs()),
    )
    .map_err(|(key, m)| {
        let flag = match key {
            "columns" => "--columns",
            "datetime_format" => "--datetime-format",
            "delimiter" => "--delimiter",
            "outcomes" => "--outcome",
            _ => "--return-window",
        };
        Error::bad_input(format!("{flag}: {m}"))
    })
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
    let format = fit_format(args)?;
    let fitted = crate::fit::fit_log_with(&args.log, args.interval.secs(), &format)
        .map_err(Error::bad_input)?;
    let options = crate::output::fit::FitOptions {
        typical_day: args.typical_day,
    };
    let scenario =
        crate::output::fit::to_toml_with(&fitted, &name, &args.log.display().to_string(), options)
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
