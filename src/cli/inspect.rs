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
