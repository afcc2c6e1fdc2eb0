//! Sweeps: a scenario run at every point of a grid of values set by key path
//! (`--set group.agents.agents=80..120:5 --set bot.chat.containment=0.3,0.4`), each point
//! with its replications and confidence intervals, as one table.
//!
//! The axes, the grid, the plan and the points' results are plain data; the sweep's text
//! table, JSON and CSV are written by [`crate::output::sweep`].

use crate::error::Error;
use crate::experiment::RunResult;
use crate::model::Model;
use crate::runner::{Control, Job};
use crate::summary::RunSummary;

/// One `--set KEY=VALUES` of a sweep: the key path and the values it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Key path, e.g. `group.agents.agents`.
    pub key: String,
    /// Values in order.
    pub values: Vec<toml::Value>,
}

impl Axis {
    /// The axis as `--set` text, `key=v1,v2,…` (strings quoted), as a partial file
    /// records it. [`parse_axis`] reads it back to the same axis when every value is a
    /// number, a boolean or a string without commas or quotes that does not read as one.
    pub fn text(&self) -> String {
        let values: Vec<String> = self.values.iter().map(|v| v.to_string()).collect();
        format!("{}={}", self.key, values.join(","))
    }
}

/// Most points a sweep may have (a typo in a range should not start a million runs).
pub const MAX_POINTS: usize = 10_000;

/// A scalar as TOML: integer, float, boolean, or else a string.
fn scalar(text: &str) -> toml::Value {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(f) = t.parse::<f64>() {
        toml::Value::Float(f)
    } else if let Ok(b) = t.parse::<bool>() {
        toml::Value::Boolean(b)
    } else {
        toml::Value::String(t.trim_matches('"').to_string())
    }
}

/// Parses `KEY=VALUES`: a list `a,b,c`, a range `from..to:step` (both ends included), or
/// one value.
pub fn parse_axis(text: &str) -> Result<Axis, String> {
    let (key, values) = text.split_once('=').ok_or_else(|| {
        format!("`{text}`: write KEY=VALUES, e.g. group.agents.agents=80..120:5 or bot.chat.containment=0.3,0.4")
    })?;
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("`{text}`: the key path is empty"));
    }
    let values = values.trim();
    if values.is_empty() || values.split(',').any(|v| v.trim().is_empty()) {
        return Err(format!(
            "`{text}`: no value after `=` (or an empty one in the list); write KEY=VALUES, e.g. group.agents.agents=80..120:5"
        ));
    }
    // `from..to` of whole numbers steps by 1.
    let with_step;
    let values = match values.split_once("..") {
        Some((a, b))
            if !values.contains(':')
                && a.trim().parse::<i64>().is_ok()
                && b.trim().parse::<i64>().is_ok() =>
        {
            with_step = format!("{values}:1");
            with_step.as_str()
        }
        _ => values,
    };
    let parsed = if let Some((range, step)) =
        values.split_once(':').filter(|(r, _)| r.contains(".."))
    {
        let (from, to) = range.split_once("..").expect("checked");
        let (from, to, step) = (from.trim(), to.trim(), step.trim());
        let bad = || format!("`{values}`: a range is from..to:step with numbers, e.g. 80..120:5");
        match (from.parse::<i64>(), to.parse::<i64>(), step.parse::<i64>()) {
            (Ok(a), Ok(b), Ok(s)) => {
                if s <= 0 || a > b {
                    return Err(format!(
                        "`{values}`: a range needs from ≤ to and a step above 0"
                    ));
                }
                if ((b - a) / s) as usize >= MAX_POINTS {
                    return Err(format!("`{values}` has more than {MAX_POINTS} values"));
                }
                if (b - a) % s != 0 {
                    let (below, above) = (b - (b - a) % s, b - (b - a) % s + s);
                    return Err(format!(
                        "`{values}`: steps of {s} from {a} miss {b} (… {below}, then {above}), and both ends of a range are run: write {a}..{below}:{s} or {a}..{above}:{s}, or list the values"
                    ));
                }
                (0..=((b - a) / s))
                    .map(|k| toml::Value::Integer(a + k * s))
                    .collect()
            }
            _ => {
                let a: f64 = from.parse().map_err(|_| bad())?;
                let b: f64 = to.parse().map_err(|_| bad())?;
                let s: f64 = step.parse().map_err(|_| bad())?;
                if !(s > 0.0 && a <= b && a.is_finite() && b.is_finite()) {
                    return Err(format!(
                        "`{values}`: a range needs from ≤ to and a step above 0"
                    ));
                }
                let n = ((b - a) / s + 1e-9).floor() as usize;
                if n >= MAX_POINTS {
                    return Err(format!("`{values}` has more than {MAX_POINTS} values"));
                }
                let last = a + n as f64 * s;
                if (b - last).abs() > 1e-9 * b.abs().max(1.0) {
                    let round = |x: f64| (x * 1e9).round() / 1e9;
                    let (below, above) = (round(last), round(last + s));
                    return Err(format!(
                        "`{values}`: steps of {s} from {a} miss {b} (… {below}, then {above}), and both ends of a range are run: write {a}..{below}:{s} or {a}..{above}:{s}, or list the values"
                    ));
                }
                (0..=n)
                    .map(|k| toml::Value::Float(((a + k as f64 * s) * 1e9).round() / 1e9))
                    .collect()
            }
        }
    } else {
        values.split(',').map(scalar).collect::<Vec<_>>()
    };
    if parsed.is_empty() {
        return Err(format!("`{text}` gives no values"));
    }
    Ok(Axis {
        key: key.to_string(),
        values: parsed,
    })
}

/// Every combination of the axes' values, the first axis slowest.
pub fn grid(axes: &[Axis]) -> Result<Vec<Vec<(String, toml::Value)>>, String> {
    let total: usize = axes.iter().map(|a| a.values.len()).product();
    if total > MAX_POINTS {
        return Err(format!("the grid has {total} points; at most {MAX_POINTS}"));
    }
    let mut points = vec![Vec::new()];
    for axis in axes {
        let mut next = Vec::with_capacity(points.len() * axis.values.len());
        for p in &points {
            for v in &axis.values {
                let mut q: Vec<(String, toml::Value)> = p.clone();
                q.push((axis.key.clone(), v.clone()));
                next.push(q);
            }
        }
        points = next;
    }
    Ok(points)
}

/// One point of a sweep and its results.
#[derive(Clone, Debug)]
pub struct SweepPoint {
    /// Key path → value, as set.
    pub set: Vec<(String, String)>,
    /// The run's summary (the contract's document).
    pub summary: RunSummary,
}

/// The points' results: each model's summary over its run, with its label and seed
/// (`models`, `labels`, `runs` and `seeds` in the same order, one per point).
pub fn points(
    models: &[Model],
    labels: Vec<PointLabel>,
    runs: Vec<RunResult>,
    seeds: &[u64],
) -> Vec<SweepPoint> {
    (models.iter().zip(labels).zip(runs).zip(seeds))
        .map(|(((model, set), r), &seed)| SweepPoint {
            set,
            summary: RunSummary::new(model, &r, seed),
        })
        .collect()
}

/// A value as written on the command line.
pub fn show_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Value::{Float, Integer, String as Text};

    #[test]
    fn axes_take_lists_ranges_and_single_values() {
        let a = parse_axis("group.agents.agents=80..90:5").unwrap();
        assert_eq!(a.key, "group.agents.agents");
        assert_eq!(a.values, vec![Integer(80), Integer(85), Integer(90)]);
        assert_eq!(
            parse_axis("k=1..3").unwrap().values,
            vec![Integer(1), Integer(2), Integer(3)]
        );
        assert_eq!(
            parse_axis("bot.chat.containment=0.3..0.5:0.1")
                .unwrap()
                .values,
            vec![Float(0.3), Float(0.4), Float(0.5)]
        );
        assert_eq!(
            parse_axis("channel.voice.patience.mean=3m,5m")
                .unwrap()
                .values,
            vec![Text("3m".into()), Text("5m".into())]
        );
        assert_eq!(
            parse_axis("transfers.keep_context=true").unwrap().values,
            vec![toml::Value::Boolean(true)]
        );
        assert!(parse_axis("no-equals").unwrap_err().contains("KEY=VALUES"));
        assert!(parse_axis("k=10..1:1").unwrap_err().contains("from ≤ to"));
        assert!(
            parse_axis("k=0..100000:1")
                .unwrap_err()
                .contains("more than")
        );
        // A step that misses the end is refused with the two ranges that do not.
        assert_eq!(
            parse_axis("group.agents.agents=104..116:5").unwrap_err(),
            "`104..116:5`: steps of 5 from 104 miss 116 (… 114, then 119), and both ends of a range are run: write 104..114:5 or 104..119:5, or list the values"
        );
        assert_eq!(
            parse_axis("k=0.3..0.55:0.1").unwrap_err(),
            "`0.3..0.55:0.1`: steps of 0.1 from 0.3 miss 0.55 (… 0.5, then 0.6), and both ends of a range are run: write 0.3..0.5:0.1 or 0.3..0.6:0.1, or list the values"
        );
        assert_eq!(parse_axis("k=0.2..0.4:0.05").unwrap().values.len(), 5);
        let g = grid(&[parse_axis("a=1,2").unwrap(), parse_axis("b=x,y,z").unwrap()]).unwrap();
        assert_eq!(g.len(), 6);
        assert_eq!(
            g[1],
            vec![
                ("a".to_string(), Integer(1)),
                ("b".to_string(), Text("y".into()))
            ]
        );
    }
}

/// The `--set` key paths and values of one sweep point, as text.
pub type PointLabel = Vec<(String, String)>;

/// A sweep ready to run: the base scenario and every grid point compiled (a bad value stops
/// the sweep before anything runs).
#[derive(Clone, Debug)]
pub struct SweepPlan {
    /// The base scenario, as loaded.
    pub base: Model,
    /// Each point's `--set` values, in grid order (the last axis varies fastest).
    pub labels: Vec<PointLabel>,
    /// Each point's model, named `BASE [key=value, …]`.
    pub models: Vec<Model>,
}

/// Compiles every point of the grid of `axes` over the scenario at `file` (whose loaded
/// model is `base`).
///
/// # Errors
/// Bad input: an axis with no values or too many points, or a value the scenario refuses
/// (located in the file, with the key).
pub fn plan(file: &std::path::Path, base: Model, axes: &[Axis]) -> Result<SweepPlan, Error> {
    plan_located(file, base, axes).map_err(|e| match e {
        PlanError::Grid(m) => Error::bad_input(m),
        PlanError::Point(e) => e.into(),
    })
}

/// Why a sweep cannot be planned.
#[derive(Clone, Debug)]
pub enum PlanError {
    /// The grid: an axis with no values, or too many points (a sentence).
    Grid(String),
    /// A point's value the scenario refuses, with its file and key (`--set KEY`).
    Point(crate::scenario::ScenarioError),
}

/// [`plan`] with a refused value's place kept apart (for callers that show it otherwise).
pub fn plan_located(
    file: &std::path::Path,
    base: Model,
    axes: &[Axis],
) -> Result<SweepPlan, PlanError> {
    let points = grid(axes).map_err(PlanError::Grid)?;
    let mut models = Vec::with_capacity(points.len());
    let mut labels = Vec::with_capacity(points.len());
    for point in &points {
        let set: PointLabel = point
            .iter()
            .map(|(k, v)| (k.clone(), show_value(v)))
            .collect();
        let label: Vec<String> = set.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let name = format!("{} [{}]", base.name, label.join(", "));
        models.push(
            crate::scenario::load_with_changes(file, point, &name)
                .map_err(|e| PlanError::Point(staffed_group_hint(e, point)))?,
        );
        labels.push(set);
    }
    Ok(SweepPlan {
        base,
        labels,
        models,
    })
}

/// A point's refusal said in the terms of the `--set`: a decimal value (from a range's
/// fractional step) for a whole-number key blames the step; `group.NAME.agents` on a group
/// staffed otherwise (a `staffing` list or `shifts`), refused by the scenario's rule of one
/// staffing, names what can be swept instead.
fn staffed_group_hint(
    mut e: crate::scenario::ScenarioError,
    point: &[(String, toml::Value)],
) -> crate::scenario::ScenarioError {
    let agents = point.iter().find_map(|(k, _)| {
        k.strip_prefix("group.")
            .and_then(|rest| rest.strip_suffix(".agents"))
    });
    // A range with a fractional step over a whole-number key: blame the step, not a
    // value the user never typed.
    let decimal = point.iter().find(|(k, v)| {
        e.key.as_deref() == Some(format!("--set {k}").as_str())
            && matches!(v, toml::Value::Float(_))
    });
    if let Some((k, v)) = decimal
        && e.message.contains("expected a whole number")
    {
        e.message = format!(
            "`{k}` takes whole numbers, and this point gives it {}: a range over it needs whole ends and a whole step (e.g. 100..110:2)",
            show_value(v)
        );
        return e;
    }
    if let Some(name) = agents
        && e.message.starts_with("give exactly one of agents")
    {
        e.key = Some(format!("--set group.{name}.agents"));
        e.message = format!(
            "group `{name}` is staffed by a `staffing` list or `shifts` in the scenario, so a constant `agents` cannot be set beside them; sweep one interval of its list (e.g. `--set 'group.{name}.staffing[20]=10,12'`) or a copy of the scenario with `agents`"
        );
    }
    e
}

impl SweepPlan {
    /// A warning when two grid points compile to the same model: a value that changes
    /// nothing, usually because a more specific key (e.g. `containment_by`) overrides the
    /// one swept. `None` when every point differs.
    pub fn identical_points(&self) -> Option<String> {
        let mut seen = std::collections::HashMap::new();
        for (i, m) in self.models.iter().enumerate() {
            let unnamed = Model {
                name: String::new(),
                ..m.clone()
            };
            let identity = crate::shard::scenario_hash(&[&unnamed]);
            if let Some(&j) = seen.get(&identity) {
                if self.labels[j] == self.labels[i] {
                    let set: Vec<String> = (self.labels[i].iter())
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    return Some(format!(
                        "the sweep point [{}] is listed twice: a --set gives the same value twice, and it is run twice",
                        set.join(", ")
                    ));
                }
                let show = |set: &PointLabel| {
                    set.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Some(format!(
                    "the sweep points [{}] and [{}] give the same model: a swept value changes nothing (is the key overridden by a more specific one, such as a per-category value?)",
                    show(&self.labels[j]),
                    show(&self.labels[i])
                ));
            }
            seen.insert(identity, i);
        }
        None
    }

    /// Each point's seed: `seed` when given, else the point's own (a swept seed applies at
    /// its point).
    pub fn seeds(&self, seed: Option<u64>) -> Vec<u64> {
        self.models.iter().map(|m| seed.unwrap_or(m.seed)).collect()
    }

    /// Each point's replications: `replications` when given, else the point's own.
    pub fn counts(&self, replications: Option<u32>) -> Vec<u32> {
        (self.models.iter())
            .map(|m| replications.unwrap_or(m.replications))
            .collect()
    }

    /// Runs the points numbered `points` (all of them for a whole sweep, a shard's share
    /// otherwise) on the current rayon pool, side by side; their results in that order.
    /// Each point's per-interval metrics are folded as its replications end
    /// ([`crate::runner::run_jobs`]), unless `whole` (a shard's partial file keeps every
    /// replication whole: [`crate::runner::run_jobs_whole`]).
    ///
    /// # Errors
    /// As [`crate::runner::run`]: cancelled, or a replayed log that cannot be read.
    pub fn run(
        &self,
        points: &[u32],
        seed: Option<u64>,
        replications: Option<u32>,
        whole: bool,
        control: &Control,
    ) -> Result<Vec<RunResult>, Error> {
        let (seeds, counts) = (self.seeds(seed), self.counts(replications));
        let jobs: Vec<Job> = (points.iter())
            .map(|&p| Job {
                model: &self.models[p as usize],
                seed: seeds[p as usize],
                replications: counts[p as usize],
            })
            .collect();
        if whole {
            crate::runner::run_jobs_whole(&jobs, control)
        } else {
            crate::runner::run_jobs(&jobs, control)
        }
    }
}
