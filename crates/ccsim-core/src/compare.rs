//! Paired comparison of two runs: which metrics are compared ([`COMPARED`], read through
//! the metric registry), each metric's difference between a base and a variant estimated
//! replication by replication (common random numbers) when both runs have the same
//! customers ([`same_customers`]), else as independent samples with Welch's interval.
//! Plain data in, plain data out; scenario files, variants and printing are the root
//! crate's (`ccsim::compare`, `ccsim::output::compare`).

use crate::experiment::RunResult;
use crate::model::Model;
use crate::stats::{
    Estimate, MetricDef, QUEUE_METRICS, QueueMetrics, ReplicationOutcome, find, t_quantile_975,
};
use serde::Serialize;
use std::path::Path;

pub use crate::stats::Unit;

/// The queue metrics a comparison shows and a target may name, in the order shown (their
/// names, units and readers are the registry's, [`QUEUE_METRICS`]).
pub const COMPARED: [&str; 12] = [
    "service_level",
    "abandon_rate",
    "asa_s",
    "wait_p90_s",
    "first_response_s",
    "human_connect_rate",
    "bot_containment",
    "resolution_rate",
    "first_contact_resolution",
    "transfer_rate",
    "repeat_rate",
    "offered",
];

/// The registry's entries of the compared metrics, in [`COMPARED`] order.
pub fn compared() -> impl Iterator<Item = &'static MetricDef<QueueMetrics>> {
    COMPARED
        .iter()
        .map(|name| find(QUEUE_METRICS, name).expect("a compared metric is in the registry"))
}

/// The metric a spec such as `service_level` or `voice.asa_s` names (scope `all` when no
/// channel is given; also `occupancy` and `cost`), as a function of a replication.
#[allow(clippy::type_complexity)]
pub fn metric_by_name(
    model: &Model,
    spec: &str,
) -> Result<(Unit, Box<dyn Fn(&ReplicationOutcome) -> f64 + Sync>), String> {
    let (scope, name) = match spec.split_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, spec),
    };
    match (scope, name) {
        (None, "occupancy") => return Ok((Unit::Share, Box::new(|o| o.total_occupancy))),
        (None, "cost") => return Ok((Unit::Amount, Box::new(|o| o.cost))),
        _ => {}
    }
    let m = compared().find(|m| m.name == name).ok_or_else(|| {
        format!(
            "`{name}` is not a metric ccsim can target; use one of {}, occupancy, cost (optionally after a channel: voice.service_level)",
            COMPARED.join(", ")
        )
    })?;
    let get = m.get;
    match scope {
        None => Ok((m.unit, Box::new(move |o| get(&o.totals)))),
        Some(ch) => {
            let c = model
                .channels
                .iter()
                .position(|c| c.name == ch)
                .ok_or_else(|| {
                    let known: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
                    format!(
                        "there is no channel `{ch}`; the channels are {}",
                        known.join(", ")
                    )
                })?;
            Ok((m.unit, Box::new(move |o| get(&o.by_channel[c]))))
        }
    }
}

/// One metric of one scope, in the base and in a variant, and their difference.
#[derive(Clone, Debug, Serialize)]
pub struct Difference {
    /// `all`, or a channel name.
    pub scope: String,
    /// Metric name as in the JSON summary.
    pub metric: &'static str,
    /// How it is shown.
    pub unit: Unit,
    /// The base's estimate.
    pub base: Estimate,
    /// The variant's estimate.
    pub variant: Estimate,
    /// Variant − base: from paired replications (same seed, same customers) under
    /// [`Pairing::CommonRandomNumbers`], else the difference of the means with Welch's
    /// 95 % half-width.
    pub difference: Estimate,
    /// The 95 % half-width the difference would have from independent runs (Welch).
    pub unpaired_ci95: f64,
    /// The difference's interval excludes zero.
    pub significant: bool,
}

/// How the replications of a variant are paired with the base's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pairing {
    /// Same customers, same seed: replication r of both sees the same arrivals, so the
    /// difference is estimated from paired differences.
    CommonRandomNumbers,
    /// The customers differ: the runs are independent samples and the difference's
    /// interval is Welch's.
    Unpaired,
}

/// Whether a channel uses what a metric counts.
type UsedBy = fn(&crate::model::Channel) -> bool;

/// Metrics a comparison adds where either side has what they count: `closed` with opening
/// hours (a change of hours moves contacts between offered and closed), `blocked` and
/// `block_rate` with trunk lines (fewer lines move contacts out of offered), `callbacks`
/// and `callback_wait_s` with a callback offer.
const WHERE_USED: [(&str, UsedBy); 5] = [
    ("closed", |c| c.hours.is_some()),
    ("blocked", |c| c.lines > 0),
    ("block_rate", |c| c.lines > 0),
    ("callbacks", |c| c.callback.is_some()),
    ("callback_wait_s", |c| c.callback.is_some()),
];

/// The extractors of [`WHERE_USED`] for [`extractors`]: `all` and each shared channel,
/// where either side uses what the metric counts.
#[allow(clippy::type_complexity)]
fn used_extractors(
    base: &Model,
    variant: &Model,
) -> Vec<(
    String,
    &'static str,
    Unit,
    Box<dyn Fn(&ReplicationOutcome) -> f64>,
    Box<dyn Fn(&ReplicationOutcome) -> f64>,
)> {
    let mut out: Vec<(
        String,
        &'static str,
        Unit,
        Box<dyn Fn(&ReplicationOutcome) -> f64>,
        Box<dyn Fn(&ReplicationOutcome) -> f64>,
    )> = Vec::new();
    let mut scopes = vec![("all".to_string(), None)];
    for (b, ch) in base.channels.iter().enumerate() {
        if let Some(v) = variant.channels.iter().position(|c| c.name == ch.name) {
            scopes.push((ch.name.clone(), Some((b, v))));
        }
    }
    for (name, used) in WHERE_USED {
        let metric = find(QUEUE_METRICS, name).expect("in the registry");
        let uses = |m: &Model, scope: &str| {
            m.channels
                .iter()
                .any(|c| used(c) && (scope == "all" || c.name == scope))
        };
        for (scope, at) in &scopes {
            if !(uses(base, scope) || uses(variant, scope)) {
                continue;
            }
            let get = metric.get;
            let (getter_b, getter_v): (
                Box<dyn Fn(&ReplicationOutcome) -> f64>,
                Box<dyn Fn(&ReplicationOutcome) -> f64>,
            ) = match *at {
                None => (
                    Box::new(move |o| get(&o.totals)),
                    Box::new(move |o| get(&o.totals)),
                ),
                Some((b, v)) => (
                    Box::new(move |o| get(&o.by_channel[b])),
                    Box::new(move |o| get(&o.by_channel[v])),
                ),
            };
            out.push((scope.clone(), metric.name, metric.unit, getter_b, getter_v));
        }
    }
    out
}

/// Metric extractors of every scope the two models share: `all`, then their common
/// channels (by name), then cost and occupancy.
#[allow(clippy::type_complexity)]
fn extractors(
    base: &Model,
    variant: &Model,
) -> Vec<(
    String,
    &'static str,
    Unit,
    Box<dyn Fn(&ReplicationOutcome) -> f64>,
    Box<dyn Fn(&ReplicationOutcome) -> f64>,
)> {
    let mut out: Vec<(
        String,
        &'static str,
        Unit,
        Box<dyn Fn(&ReplicationOutcome) -> f64>,
        Box<dyn Fn(&ReplicationOutcome) -> f64>,
    )> = Vec::new();
    for m in compared() {
        let get = m.get;
        out.push((
            "all".into(),
            m.name,
            m.unit,
            Box::new(move |o| get(&o.totals)),
            Box::new(move |o| get(&o.totals)),
        ));
    }
    for (b, ch) in base.channels.iter().enumerate() {
        let Some(v) = variant.channels.iter().position(|c| c.name == ch.name) else {
            continue;
        };
        for m in compared() {
            let get = m.get;
            out.push((
                ch.name.clone(),
                m.name,
                m.unit,
                Box::new(move |o| get(&o.by_channel[b])),
                Box::new(move |o| get(&o.by_channel[v])),
            ));
        }
    }
    out.extend(used_extractors(base, variant));
    out.push((
        "all".into(),
        "occupancy",
        Unit::Share,
        Box::new(|o| o.total_occupancy),
        Box::new(|o| o.total_occupancy),
    ));
    out.push((
        "all".into(),
        "cost",
        Unit::Amount,
        Box::new(|o| o.cost),
        Box::new(|o| o.cost),
    ));
    out
}

/// The half-width of Welch's 95 % interval for a difference of two independent means.
fn welch_ci95(a: &[f64], b: &[f64]) -> f64 {
    let var = |x: &[f64]| {
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)
    };
    if a.len() < 2 || b.len() < 2 {
        return f64::NAN;
    }
    let (va, vb) = (var(a) / a.len() as f64, var(b) / b.len() as f64);
    let se2 = va + vb;
    if se2 == 0.0 {
        return 0.0;
    }
    let dof = se2 * se2
        / (va * va / (a.len() as f64 - 1.0) + vb * vb / (b.len() as f64 - 1.0))
            .max(f64::MIN_POSITIVE);
    t_quantile_975(dof.floor().max(1.0) as usize) * se2.sqrt()
}

/// Whether two models have the same customers: the same horizon, interval length and start,
/// the same arrival streams in the same order (channel and category names, rates per
/// interval, priority class), surges, replayed logs and busyness. Only then does the same
/// seed give both the same arrivals, so that a paired comparison means something.
///
/// `file` names a replayed log's file for the comparison (the root crate passes one that
/// resolves it to its canonical path, so that `a/../log.csv` and `log.csv` are the same).
pub fn same_customers(a: &Model, b: &Model, file: &dyn Fn(&Path) -> std::path::PathBuf) -> bool {
    let customers = |m: &Model| -> String {
        let streams: Vec<_> = m
            .streams
            .iter()
            .map(|s| {
                let t = &m.contact_types[s.contact_type.index()];
                (
                    &m.channels[t.channel.index()].name,
                    &m.categories[t.category.index()],
                    &s.rate_per_s,
                    m.priority_levels.get(s.class.index()),
                )
            })
            .collect();
        let replays: Vec<_> = m
            .replays
            .iter()
            .map(|r| {
                (
                    file(&r.path),
                    r.log_start,
                    r.time_shift,
                    r.volume_scale,
                    r.bootstrap,
                    r.replay_returns,
                )
            })
            .collect();
        let busyness: Vec<_> = m
            .channels
            .iter()
            .map(|c| (&c.name, c.busyness_day_cv, c.busyness_interval_cv))
            .collect();
        let surges: Vec<_> = m
            .surges
            .iter()
            .map(|s| (s.from, s.to, &s.scope, s.multiplier, &s.strength))
            .collect();
        format!(
            "{:?}",
            (
                m.horizon,
                m.warmup,
                m.interval,
                m.start,
                streams,
                replays,
                busyness,
                m.shared_busyness,
                surges,
            )
        )
    };
    customers(a) == customers(b)
}

/// Every compared metric of every scope both models share (`all`, then their common
/// channels by name, then occupancy and cost), in the base's `base` and the variant's `run`:
/// the difference estimated from the paired per-replication differences when `same` (both
/// runs have the same customers: see [`same_customers`]), else from independent samples
/// with Welch's interval. Metrics undefined in a replication (NaN) are left out of it.
pub fn differences(
    base_model: &Model,
    base: &RunResult,
    model: &Model,
    run: &RunResult,
    same: bool,
) -> Vec<Difference> {
    extractors(base_model, model)
        .into_iter()
        .map(|(scope, metric, unit, get_base, get_variant)| {
            let b: Vec<f64> = base.outcomes.iter().map(&get_base).collect();
            let v: Vec<f64> = run.outcomes.iter().map(&get_variant).collect();
            let base_estimate = Estimate::from_samples(b.iter().copied());
            let variant_estimate = Estimate::from_samples(v.iter().copied());
            let (difference, unpaired_ci95) = if same {
                // Pairs where the metric is defined in both runs.
                let pairs: Vec<(f64, f64)> = b
                    .iter()
                    .zip(&v)
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .map(|(x, y)| (*x, *y))
                    .collect();
                let difference = Estimate::from_samples(pairs.iter().map(|(x, y)| y - x));
                let (bs, vs): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
                (difference, welch_ci95(&bs, &vs))
            } else {
                let bs: Vec<f64> = b.iter().copied().filter(|x| x.is_finite()).collect();
                let vs: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
                let welch = welch_ci95(&bs, &vs);
                let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
                let difference = Estimate {
                    mean: if bs.is_empty() || vs.is_empty() {
                        f64::NAN
                    } else {
                        mean(&vs) - mean(&bs)
                    },
                    ci95: welch,
                    n: bs.len().min(vs.len()),
                };
                (difference, welch)
            };
            Difference {
                scope,
                metric,
                unit,
                base: base_estimate,
                variant: variant_estimate,
                significant: difference.n >= 2
                    && difference.mean.is_finite()
                    && difference.mean.abs() > difference.ci95,
                difference,
                unpaired_ci95,
            }
        })
        .collect()
}

/// Channels only one of the two models has: `name (base only)`, then `name (variant only)`.
pub fn channels_not_shared(base_model: &Model, model: &Model) -> Vec<String> {
    let mut channels_not_shared: Vec<String> = base_model
        .channels
        .iter()
        .filter(|c| !model.channels.iter().any(|v| v.name == c.name))
        .map(|c| format!("{} (base only)", c.name))
        .collect();
    channels_not_shared.extend(
        model
            .channels
            .iter()
            .filter(|c| !base_model.channels.iter().any(|b| b.name == c.name))
            .map(|c| format!("{} (variant only)", c.name)),
    );
    channels_not_shared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_compared_metric_is_in_the_registry() {
        let units: Vec<Unit> = compared().map(|m| m.unit).collect();
        assert_eq!(units.len(), COMPARED.len());
        assert_eq!(units[0], Unit::Share);
        assert_eq!(units[2], Unit::Seconds);
    }

    #[test]
    fn welch_half_width_matches_the_formula() {
        // Two samples of 4 with variances 1.6667 and 6.6667: se² = 0.41667 + 1.66667 = 2.0833,
        // Welch–Satterthwaite dof = 2.0833² / (0.41667²/3 + 1.66667²/3) = 4.41 → 4; t(4) = 2.776.
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 4.0, 6.0, 8.0];
        let h = welch_ci95(&a, &b);
        assert!((h - 2.776_445 * 2.083_333_f64.sqrt()).abs() < 1e-4, "{h}");
    }
}
