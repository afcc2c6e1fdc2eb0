//! The values a part holds, each checked against what any run can write (counts whole,
//! shares within [0, 1], NaN exactly where a metric is undefined, no more answered than
//! offered), whatever the scenario.

use super::PartialResult;
use super::file::shorten;
use crate::stats::{GroupMetrics, QueueMetrics, ReplicationOutcome};

impl PartialResult {
    /// Refuses values that no run can write, whatever the scenario: a header that does
    /// not describe a share of a run, counts that are not whole or below 0, shares outside
    /// [0, 1], NaN where the metric is defined (or a value where it is not), more answered
    /// than offered. The error names `source` and the value's place in the file.
    pub fn check_values(&self, source: &str) -> Result<(), String> {
        let bad = |place: &str, what: &str| {
            format!(
                "{source} holds an impossible value: {place} {what}; the part is damaged or was edited after ccsim wrote it"
            )
        };
        if self.command != "run" && self.command != "sweep" {
            return Err(bad(
                &format!("command = {:?}", shorten(&self.command, 40)),
                "(it is `run` or `sweep`)",
            ));
        }
        if self.shards == 0 || self.shard >= self.shards {
            return Err(bad(
                &format!("shard = {}, shards = {}", self.shard, self.shards),
                "(shards are numbered from 0 to the count less 1)",
            ));
        }
        if self.replications == 0 || self.points == 0 {
            return Err(bad(
                &format!(
                    "replications = {}, points = {}",
                    self.replications, self.points
                ),
                "(a run has at least one of each)",
            ));
        }
        if self.command == "run" && (self.points != 1 || !self.sweep_axes.is_empty()) {
            return Err(bad(
                &format!("points = {}", self.points),
                "in a run (a run is one point, with no sweep axes)",
            ));
        }
        for (i, run) in self.runs.iter().enumerate() {
            let at = format!("runs[{i}]");
            if run.point >= self.points {
                return Err(bad(
                    &format!("{at}.point = {}", run.point),
                    &format!("(the sweep has {} points)", self.points),
                ));
            }
            if run.replications_in_all == 0 {
                return Err(bad(
                    &format!("{at}.replications_in_all = 0"),
                    "(a run has at least one replication)",
                ));
            }
            if self.command == "run"
                && (run.seed != self.seed || run.replications_in_all != self.replications)
            {
                return Err(bad(
                    &format!(
                        "{at}: seed = {}, replications_in_all = {}",
                        run.seed, run.replications_in_all
                    ),
                    &format!(
                        "(the run's are seed = {}, replications = {})",
                        self.seed, self.replications
                    ),
                ));
            }
            if !(run.wall_s.is_finite() && run.wall_s >= 0.0) {
                return Err(bad(
                    &format!("{at}.wall_s = {}", show(run.wall_s)),
                    "(a time in seconds, at least 0)",
                ));
            }
            for (j, rep) in run.replications.iter().enumerate() {
                let at = format!("{at}.replications[{j}]");
                if rep.index >= run.replications_in_all {
                    return Err(bad(
                        &format!("{at}.index = {}", rep.index),
                        &format!(
                            "(the run has {} replications, numbered from 0)",
                            run.replications_in_all
                        ),
                    ));
                }
                check_outcome(&rep.outcome)
                    .map_err(|(place, what)| bad(&format!("{at}.outcome.{place}"), &what))?;
            }
        }
        Ok(())
    }
}

/// A number as TOML writes it (`nan`, `inf`, `-inf`, or the shortest exact decimal).
fn show(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        (if v > 0.0 { "inf" } else { "-inf" }).into()
    } else {
        v.to_string()
    }
}

/// An impossible value: where (a key path) and what is wrong with it.
type Impossible = (String, String);

/// Checks the values of one replication's outcome, each scope on its own.
fn check_outcome(o: &ReplicationOutcome) -> Result<(), Impossible> {
    check_queue(&o.totals).map_err(|(k, w)| (format!("totals.{k}"), w))?;
    for (name, scopes) in [
        ("by_channel", &o.by_channel),
        ("by_category", &o.by_category),
        ("by_priority", &o.by_priority),
        ("intervals", &o.intervals),
    ] {
        for (i, q) in scopes.iter().enumerate() {
            check_queue(q).map_err(|(k, w)| (format!("{name}[{i}].{k}"), w))?;
        }
    }
    check_share("total_occupancy", o.total_occupancy, None, true)?;
    check_amount("cost", o.cost, Some(true))?;
    check_amount("bot_cost", o.bot_cost, Some(true))?;
    for (name, scopes) in [
        ("by_group", &o.by_group),
        ("group_intervals", &o.group_intervals),
    ] {
        for (i, g) in scopes.iter().enumerate() {
            check_group(g).map_err(|(k, w)| (format!("{name}[{i}].{k}"), w))?;
        }
    }
    for (c, cdf) in o.wait_cdf.iter().enumerate() {
        let place = |k: usize| format!("wait_cdf[{c}][{k}]");
        // Defined exactly when the channel answered a contact (when that is known here).
        let answered = o.by_channel.get(c).map(|q| q.answered > 0.0);
        let mut last = 0.0;
        for (k, &share) in cdf.iter().enumerate() {
            check_share(&place(k), share, answered, false)?;
            if share < last {
                return Err((
                    place(k),
                    format!(
                        "= {share} is below the share before it ({last}): the shares only grow with the wait"
                    ),
                ));
            }
            if !share.is_nan() {
                last = share;
            }
        }
    }
    Ok(())
}

/// A count: a whole number, at least 0.
fn check_count(key: &str, v: f64) -> Result<(), Impossible> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
        Ok(())
    } else {
        Err((
            key.into(),
            format!("= {} is not a count (a whole number, at least 0)", show(v)),
        ))
    }
}

/// A share in [0, 1] (up to rounding when `summed`, a ratio of sums of fractions), NaN
/// when undefined; `defined` says whether it must be defined, when that is known.
fn check_share(key: &str, v: f64, defined: Option<bool>, summed: bool) -> Result<(), Impossible> {
    let top = if summed { 1.0 + 1e-9 } else { 1.0 };
    match (v.is_nan(), defined) {
        (true, Some(true)) => Err((
            key.into(),
            "= nan, yet the contacts it is a share of are there: it is defined".into(),
        )),
        (false, Some(false)) => Err((
            key.into(),
            format!(
                "= {}, yet there are no contacts it could be a share of: it is nan",
                show(v)
            ),
        )),
        (false, _) if !(0.0..=top).contains(&v) => Err((
            key.into(),
            format!("= {} is a share, which lies between 0 and 1", show(v)),
        )),
        _ => Ok(()),
    }
}

/// A time, amount or mean: finite and at least 0, or NaN when undefined; `defined` as
/// for [`check_share`].
fn check_amount(key: &str, v: f64, defined: Option<bool>) -> Result<(), Impossible> {
    match (v.is_nan(), defined) {
        (true, Some(true)) => Err((
            key.into(),
            "= nan, yet the contacts it is taken over are there: it is defined".into(),
        )),
        (false, Some(false)) => Err((
            key.into(),
            format!(
                "= {}, yet there are no contacts to take it over: it is nan",
                show(v)
            ),
        )),
        (false, _) if !(v.is_finite() && v >= 0.0) => Err((
            key.into(),
            format!("= {} is not a finite amount of at least 0", show(v)),
        )),
        _ => Ok(()),
    }
}

/// The values of one queue scope, each on its own, then how they hang together.
fn check_queue(q: &QueueMetrics) -> Result<(), Impossible> {
    for (key, v) in [
        ("arrivals", q.arrivals),
        ("unique_customers", q.unique_customers),
        ("returns_after_horizon", q.returns_after_horizon),
        ("backlog", q.backlog),
        ("bot_sessions", q.bot_sessions),
        ("offered", q.offered),
        ("answered", q.answered),
        ("abandoned", q.abandoned),
        ("unfinished", q.unfinished),
        ("resolved", q.resolved),
        ("unresolved", q.unresolved),
        ("abandoned_in_transfer", q.abandoned_in_transfer),
        ("abandoned_all", q.abandoned_all),
        ("closed", q.closed),
        ("closed_deferred", q.closed_deferred),
        ("closed_redirected", q.closed_redirected),
        ("closed_at_closing", q.closed_at_closing),
    ] {
        check_count(key, v)?;
    }
    let (arrived, offered, answered) = (
        Some(q.arrivals > 0.0),
        Some(q.offered > 0.0),
        Some(q.answered > 0.0),
    );
    let sessions = Some(q.bot_sessions > 0.0);
    for (key, v, defined) in [
        ("redial_rate", q.redial_rate, arrived),
        ("repeat_rate", q.repeat_rate, arrived),
        ("bot_containment", q.bot_containment, sessions),
        ("bot_dropout", q.bot_dropout, sessions),
        ("bot_misroute_rate", q.bot_misroute_rate, None),
        ("human_connect_rate", q.human_connect_rate, offered),
        ("resolution_rate", q.resolution_rate, answered),
        (
            "first_contact_resolution",
            q.first_contact_resolution,
            answered,
        ),
        ("transfer_rate", q.transfer_rate, answered),
        ("service_level", q.service_level, offered),
        ("abandon_rate", q.abandon_rate, offered),
        ("transfer_abandon_rate", q.transfer_abandon_rate, None),
    ] {
        check_share(key, v, defined, false)?;
    }
    for (key, v, defined) in [
        ("first_response_s", q.first_response_s, None),
        ("transfers_per_answered", q.transfers_per_answered, answered),
        ("transfer_asa_s", q.transfer_asa_s, None),
        ("asa_s", q.asa_s, answered),
        ("wait_p90_s", q.wait_p90_s, answered),
    ] {
        check_amount(key, v, defined)?;
    }
    check_queue_relations(q)
}

/// How the values of one queue scope hang together: no more of a part than of its whole,
/// shares that are their counts' ratio.
fn check_queue_relations(q: &QueueMetrics) -> Result<(), Impossible> {
    let more = |key: &str, what: String| Err((key.to_string(), what));
    if q.unique_customers > q.arrivals {
        return more(
            "unique_customers",
            format!(
                "= {} is more than the arrivals ({}) they are among",
                q.unique_customers, q.arrivals
            ),
        );
    }
    if q.answered + q.abandoned > q.offered {
        return more(
            "answered",
            format!(
                "= {}: with {} abandoned, more than the {} offered",
                q.answered, q.abandoned, q.offered
            ),
        );
    }
    if q.abandoned_all != q.abandoned + q.abandoned_in_transfer {
        return more(
            "abandoned_all",
            format!(
                "= {}, but {} abandoned and {} abandoned in a transfer make {}",
                show(q.abandoned_all),
                q.abandoned,
                q.abandoned_in_transfer,
                q.abandoned + q.abandoned_in_transfer
            ),
        );
    }
    if q.resolved + q.unresolved + q.abandoned_in_transfer > q.answered {
        return more(
            "resolved",
            format!(
                "= {}: with {} unresolved and {} abandoned in a transfer, more than the {} answered",
                q.resolved, q.unresolved, q.abandoned_in_transfer, q.answered
            ),
        );
    }
    // Shares of counts the outcome holds are exactly those counts' ratio.
    for (key, v, part, whole) in [
        (
            "human_connect_rate",
            q.human_connect_rate,
            q.answered,
            q.offered,
        ),
        ("abandon_rate", q.abandon_rate, q.abandoned_all, q.offered),
        ("resolution_rate", q.resolution_rate, q.resolved, q.answered),
    ] {
        if whole > 0.0 && v != part / whole {
            return more(
                key,
                format!(
                    "= {}, and the counts it is the share of give {part} / {whole}",
                    show(v)
                ),
            );
        }
    }
    if q.service_level > q.human_connect_rate {
        return more(
            "service_level",
            format!(
                "= {} is more than the share answered at all ({})",
                q.service_level, q.human_connect_rate
            ),
        );
    }
    if q.first_contact_resolution > q.resolution_rate {
        return more(
            "first_contact_resolution",
            format!(
                "= {} is more than the share resolved at all ({})",
                q.first_contact_resolution, q.resolution_rate
            ),
        );
    }
    Ok(())
}

/// The values of one group scope.
fn check_group(g: &GroupMetrics) -> Result<(), Impossible> {
    let staffed = Some(g.staffed > 0.0).filter(|&s| s);
    check_share("occupancy", g.occupancy, staffed, true)?;
    // Undefined in an interval where every channel of the group is closed.
    check_amount("staffed", g.staffed, None)?;
    check_amount("scheduled_hours", g.scheduled_hours, Some(true))?;
    check_amount("cost", g.cost, Some(true))?;
    check_amount("overtime_hours", g.overtime_hours, None)
}
