//! `ccsim check` (a scenario summarised) and `ccsim erlang` (exact single queues).

use super::*;

pub(super) fn check(file: &std::path::Path, arrivals: &ArrivalArgs) -> Result<(), Error> {
    let model = load(file, arrivals)?;
    // The people file (`[optimize] people`) is read here, its errors located in it.
    if let Some(Err(e)) = crate::optimize::people::of_scenario(file, &model) {
        return Err(e.into());
    }
    // Valid, but worth a look: contacts arriving with nobody on duty to serve them.
    for gap in model.uncovered_arrivals() {
        eprintln!("warning: {}: {}", file.display(), gap.describe(&model));
    }
    emit(&describe_model(&model, &file.display().to_string()))
}

pub(super) fn erlang_command(args: &ErlangArgs, patience: Option<Duration>) -> Result<(), Error> {
    let rate = args.rate_per_hour;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(Error::bad_input(format!(
            "--rate-per-hour {rate}: the arrival rate must be a finite number of contacts an hour, greater than zero"
        )));
    }
    let aht = args.aht.secs();
    if !(aht.is_finite() && aht > 0.0) {
        return Err(Error::bad_input(format!(
            "--aht {}: the handle time must be a finite number of seconds greater than zero",
            args.aht
        )));
    }
    let chat = chat_of(args)?;
    let queue = |agents: u32| QueueSpec {
        arrival_rate: args.rate_per_hour / 3600.0,
        aht: args.aht.secs() * chat.slow,
        agents: agents.saturating_mul(chat.concurrency),
        patience: patience.map(Duration::secs),
        answer_within: args.answer_within.secs(),
    };
    let solve = |spec: &QueueSpec| match patience {
        Some(_) => erlang::erlang_a(spec),
        None => erlang::erlang_c(spec),
    };
    let Some(agents) = args.agents else {
        return erlang_solve(args, &queue, &solve, &chat);
    };
    let spec = queue(agents);
    let values = solve(&spec).map_err(|e| Error::bad_input(slots_note(e.to_string(), &chat)))?;
    if args.json {
        let json =
            serde_json::to_string_pretty(&values).map_err(|e| Error::internal(e.to_string()))?;
        return emit(&(json + "\n"));
    }
    let mut text = describe_erlang(&spec, &values);
    if chat.concurrency > 1 {
        text = text.replacen(
            &format!("{} agents", spec.agents),
            &format!(
                "{agents} agents × {} conversations ({} servers, handle time × {:.2})",
                chat.concurrency, spec.agents, chat.slow
            ),
            1,
        );
    }
    emit(&text)
}

/// Chat: conversations per agent and the handle time's factor.
struct Chat {
    concurrency: u32,
    slow: f64,
}

/// An Erlang error's text; with chat, it counts conversation slots, which it says.
fn slots_note(message: String, chat: &Chat) -> String {
    if chat.concurrency > 1 {
        format!(
            "{message} (counted in conversation slots: agents × --concurrency {})",
            chat.concurrency
        )
    } else {
        message
    }
}

fn chat_of(args: &ErlangArgs) -> Result<Chat, Error> {
    if args.slowdown.is_some() && args.concurrency.is_none() {
        return Err(Error::bad_input(
            "--slowdown applies to chat: give --concurrency too (the conversations each agent holds at once)",
        ));
    }
    let concurrency = args.concurrency.unwrap_or(1);
    let slowdown = args.slowdown.unwrap_or(0.0);
    if !(slowdown.is_finite() && (0.0..=5.0).contains(&slowdown)) {
        return Err(Error::bad_input(format!(
            "--slowdown {slowdown}: the extra handle time per extra conversation is a share from 0 to 5, e.g. 0.2"
        )));
    }
    Ok(Chat {
        concurrency,
        slow: 1.0 + slowdown * f64::from(concurrency - 1),
    })
}

/// The targets of `ccsim erlang` without `--agents`, checked: `(service level, max ASA s,
/// max abandon rate, max occupancy)`.
type Targets = (Option<f64>, Option<f64>, Option<f64>, Option<f64>);

fn erlang_targets(args: &ErlangArgs) -> Result<Targets, Error> {
    let share = |v: Option<f64>, flag: &str, top_open: bool| -> Result<Option<f64>, Error> {
        match v {
            Some(x) if !(x > 0.0 && (x < 1.0 || (!top_open && x <= 1.0))) => {
                Err(Error::bad_input(format!(
                    "{flag} {x}: a share above 0 and {}, e.g. 0.8",
                    if top_open { "below 1" } else { "at most 1" }
                )))
            }
            other => Ok(other),
        }
    };
    let targets = (
        share(args.service_level, "--service-level", true)?,
        args.max_asa.map(Duration::secs),
        share(args.max_abandon_rate, "--max-abandon-rate", false)?,
        share(args.max_occupancy, "--max-occupancy", false)?,
    );
    if targets == (None, None, None, None) {
        return Err(Error::bad_input(
            "give --agents to evaluate a staffing, or a target to solve for the agents: --service-level 0.8, --max-asa 30s, --max-abandon-rate 0.05 or --max-occupancy 0.85",
        ));
    }
    if targets.1 == Some(0.0) {
        return Err(Error::bad_input(
            "--max-asa 0s cannot be met: some contact always waits",
        ));
    }
    Ok(targets)
}

/// Whether `v` meets every target given.
fn meets_targets(v: &QueueValues, (sl, asa, abandon, occupancy): Targets) -> bool {
    sl.is_none_or(|t| v.service_level >= t)
        && asa.is_none_or(|m| v.asa_s <= m)
        && abandon.is_none_or(|m| v.abandon_rate <= m)
        && occupancy.is_none_or(|m| v.occupancy <= m)
}

/// `ccsim erlang c|a` without `--agents`: the fewest agents whose queue meets every
/// target given, and the table of the agents around it (two fewer to two more).
fn erlang_solve(
    args: &ErlangArgs,
    queue: &dyn Fn(u32) -> QueueSpec,
    solve: &dyn Fn(&QueueSpec) -> Result<QueueValues, erlang::ErlangError>,
    chat: &Chat,
) -> Result<(), Error> {
    let targets = erlang_targets(args)?;
    let load = args.rate_per_hour / 3600.0 * args.aht.secs() * chat.slow;
    let per_agent = f64::from(chat.concurrency);
    let ceiling = ((load + 12.0 * load.sqrt() + 60.0)
        .max(targets.3.map_or(0.0, |m| load / m + 2.0))
        / per_agent)
        .ceil() as u32
        + 1;
    // Every target is monotone in the agents (service level up; ASA, abandonment and
    // occupancy down), so the fewest is found by bisection: a few evaluations, each
    // linear in the agents, even for a large centre.
    let meets = |n: u32| solve(&queue(n)).is_ok_and(|v| meets_targets(&v, targets));
    let ceiling = ceiling.max(1);
    let fewest = meets(ceiling).then(|| {
        let (mut lo, mut hi) = (0u32, ceiling);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if meets(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    });
    let Some(fewest) = fewest else {
        return Err(Error::bad_input(format!(
            "no staffing up to {ceiling} agents meets these targets on {load:.2} erlangs; lower a target or allow more time"
        )));
    };
    let rows: Vec<(u32, QueueValues)> = (fewest.saturating_sub(2).max(1)..=fewest + 2)
        .filter_map(|n| solve(&queue(n)).ok().map(|v| (n, v)))
        .collect();
    if args.json {
        let table: Vec<serde_json::Value> = (rows.iter())
            .map(|(n, v)| {
                let mut row = serde_json::to_value(v).unwrap_or_default();
                if let serde_json::Value::Object(m) = &mut row {
                    m.insert("agents".into(), (*n).into());
                    m.insert("meets_targets".into(), meets_targets(v, targets).into());
                }
                row
            })
            .collect();
        let doc = serde_json::json!({ "agents": fewest, "load_erlangs": load, "table": table });
        let json =
            serde_json::to_string_pretty(&doc).map_err(|e| Error::internal(e.to_string()))?;
        return emit(&(json + "\n"));
    }
    emit(&describe_solution(
        args,
        queue(fewest),
        fewest,
        &rows,
        targets,
        chat,
    ))
}

/// The solved staffing as text: the model, the targets, and the table around the answer.
fn describe_solution(
    args: &ErlangArgs,
    spec: QueueSpec,
    fewest: u32,
    rows: &[(u32, QueueValues)],
    (sl, asa, abandon, occupancy): Targets,
    chat: &Chat,
) -> String {
    let d = Duration::from_secs;
    let mut wanted = Vec::new();
    if let Some(t) = sl {
        wanted.push(format!(
            "service level ≥ {:.0}% within {}",
            t * 100.0,
            d(spec.answer_within)
        ));
    }
    if let Some(m) = asa {
        wanted.push(format!("ASA ≤ {}", d(m)));
    }
    if let Some(m) = abandon {
        wanted.push(format!("abandon rate ≤ {:.1}%", m * 100.0));
    }
    if let Some(m) = occupancy {
        wanted.push(format!("occupancy ≤ {:.0}%", m * 100.0));
    }
    let model = match spec.patience {
        Some(p) => format!("Erlang A (M/M/n+M), mean patience {}", d(p)),
        None => "Erlang C (M/M/n)".to_string(),
    };
    let chat_note = if chat.concurrency > 1 {
        format!(
            ", {} conversations per agent (handle time × {:.2})",
            chat.concurrency, chat.slow
        )
    } else {
        String::new()
    };
    let mut t = format!(
        "{model}\n  {:.1} contacts/h, AHT {}{chat_note}, load {:.2} erlangs\n  targets: {}\n  fewest agents meeting them: {fewest}\n\n  agents   P(wait)   service level (within {})      ASA s   abandon rate   occupancy\n",
        args.rate_per_hour,
        d(args.aht.secs()),
        spec.arrival_rate * spec.aht,
        wanted.join(", "),
        d(spec.answer_within)
    );
    for (n, v) in rows {
        let mark = if *n == fewest { "  ◀" } else { "" };
        t.push_str(&format!(
            "  {n:>6}  {:>7.2}%  {:>27.2}%  {:>9.2}  {:>12.2}%  {:>9.2}%{mark}\n",
            v.p_wait * 100.0,
            v.service_level * 100.0,
            v.asa_s,
            v.abandon_rate * 100.0,
            v.occupancy * 100.0
        ));
    }
    t
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
