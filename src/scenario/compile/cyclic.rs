//! `[simulation] cyclic = true`: which scenarios may be cyclic. A cyclic scenario is one
//! day (its horizon exactly 24 h) repeated; the compiler adds the lead-in day
//! (`Model::unroll_cyclic`), which is also the warm-up. Refused with it: another warm-up,
//! another horizon, replayed logs (a log is one real day, not a typical one), shift
//! templates longer than the day, and forecast rows outside the day.

use super::super::ScenarioError;
use super::super::checker::Checker;
use super::super::raw::RawScenario;

/// One day, in seconds: the horizon of a cyclic scenario.
pub(super) const DAY: f64 = 86_400.0;

/// Whether the scenario is cyclic; an error at `cyclic` when it may not be.
/// `arrivals_given`: a contact log comes from `--arrivals`.
pub(super) fn cyclic(
    c: &Checker,
    raw: &RawScenario,
    arrivals_given: bool,
) -> Result<bool, ScenarioError> {
    let sim = raw.simulation.get_ref();
    let Some(flag) = &sim.cyclic else {
        return Ok(false);
    };
    if !*flag.get_ref() {
        return Ok(false);
    }
    let key = "simulation.cyclic";
    let horizon = sim.horizon.get_ref();
    if horizon.secs() != DAY {
        return Err(c.err(
            sim.horizon.span(),
            "simulation.horizon",
            format!(
                "a cyclic scenario is one typical day repeated: its horizon must be exactly 24h (got {horizon}); leave out cyclic for a longer horizon"
            ),
        ));
    }
    if let Some(w) = sim.warmup.as_ref().filter(|w| w.get_ref().secs() != 0.0) {
        return Err(c.err(
            w.span(),
            "simulation.warmup",
            format!(
                "a cyclic scenario has no warm-up of its own (got {}): the lead-in day, simulated before the counted day and not counted, is its warm-up; leave out warmup",
                w.get_ref()
            ),
        ));
    }
    if let Some(r) = raw.replay.first() {
        return Err(c.err(
            r.span(),
            key,
            "a cyclic scenario repeats a typical day, and a replayed log ([[replay]]) is one real day that cannot be repeated; use [[arrivals]] (ccsim fit writes them from a log) or leave out cyclic",
        ));
    }
    let templates = raw.optimize.iter().flat_map(|o| &o.get_ref().shift);
    for (ti, t) in templates.enumerate() {
        let length = t.get_ref().length.get_ref();
        if length.secs() > DAY {
            return Err(c.err(
                t.get_ref().length.span(),
                format!("optimize.shift[{ti}].length"),
                format!(
                    "in a cyclic scenario a shift is at most a day long (got {length}): it wraps around the day; use a shorter length"
                ),
            ));
        }
    }
    if arrivals_given {
        return Err(c.err(
            flag.span(),
            key,
            "a cyclic scenario repeats a typical day, and a log given with --arrivals is one real day that cannot be repeated; leave out --arrivals or cyclic",
        ));
    }
    Ok(true)
}

/// A cyclic scenario's `[forecast]` must not run past its day: `rows_outside` rows of the
/// file start outside the 24 hours (a forecast of several days is several days, not one
/// typical day repeated).
pub(in crate::scenario) fn refuse_longer_forecast(
    raw: &RawScenario,
    text: &str,
    file: &str,
    rows_outside: usize,
) -> Result<(), ScenarioError> {
    let cyclic = (raw.simulation.get_ref().cyclic.as_ref()).is_some_and(|f| *f.get_ref());
    let Some(forecast) = raw.forecast.as_ref().filter(|_| cyclic && rows_outside > 0) else {
        return Ok(());
    };
    let c = Checker::new(text, file);
    Err(c.err(
        forecast.get_ref().file.span(),
        "forecast.file",
        format!(
            "a cyclic scenario repeats one typical day, but {rows_outside} row{} of the forecast start outside its 24 hours; give a forecast of one day (or leave out cyclic to plan the whole forecast)",
            if rows_outside == 1 { "" } else { "s" }
        ),
    ))
}
