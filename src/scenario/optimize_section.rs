//! Compiles `[optimize]`: targets, limits and shift templates, each checked with its place
//! in the file.

use super::ScenarioError;
use super::checker::Checker;
use super::raw::{RawOptimize, RawShiftTemplate};
use crate::ids::{CategoryId, ChannelId, GroupId};
use crate::model::{Bot, BreakWindow, Channel, Deflection, OptimizeSpec, ShiftTemplate};
use std::collections::HashMap;
use toml::Spanned;

/// Steps from `from` to `to` (both included) by `every`.
fn steps(from: f64, to: f64, every: f64) -> Vec<f64> {
    let n = step_count(from, to, every) - 1;
    (0..=n).map(|i| from + i as f64 * every).collect()
}

/// How many values [`steps`] gives (saturating, so a tiny step cannot overflow).
fn step_count(from: f64, to: f64, every: f64) -> usize {
    ((to - from) / every + 1e-9).floor().clamp(0.0, 1e12) as usize + 1
}

/// Most candidate shifts of one template (starts × break placements), and of all
/// templates together: each is a column of the roster MIP, with the intervals it covers.
const MAX_TEMPLATE_SHIFTS: usize = 20_000;
const MAX_SHIFTS: usize = 50_000;

/// The scenario's names, by index.
pub(super) struct Names<'a> {
    /// Groups.
    pub groups: &'a HashMap<String, GroupId>,
    /// Channels.
    pub channels: &'a HashMap<String, ChannelId>,
    /// Categories.
    pub categories: &'a HashMap<String, CategoryId>,
}

/// The `[optimize]` section of a scenario, compiled.
#[allow(clippy::too_many_arguments)]
pub(super) fn compile_optimize(
    c: &Checker,
    raw: &Spanned<RawOptimize>,
    names: &Names,
    n_groups: usize,
    channels: &[Channel],
    bots: &[Bot],
    interval: f64,
    horizon: f64,
    replications: u32,
    start: Option<jiff::civil::DateTime>,
    horizon_span: std::ops::Range<usize>,
) -> Result<OptimizeSpec, ScenarioError> {
    let o = raw.get_ref();
    let deflections = compile_deflections(c, o, names, channels, bots)?;
    let targets = compile_targets(c, o)?;
    let solver = compile_solver_settings(c, o, replications)?;
    let max_agents = compile_max_agents(c, o, names.groups, n_groups)?;
    let max_occupancy = compile_max_occupancy(c, o, names.groups, n_groups)?;
    let mut shifts = compile_templates(c, raw, names.groups, n_groups, interval, horizon)?;
    let contracts = super::contracts::compile_contracts(
        c,
        raw,
        names.groups,
        n_groups,
        &mut shifts,
        (horizon, horizon_span),
        start,
    )?;
    Ok(OptimizeSpec {
        max_abandon_rate: targets.max_abandon_rate,
        max_asa: solver.max_asa,
        back_office: targets.back_office,
        min_on_duty: solver.min_on_duty,
        min_offered: solver.min_offered,
        replications: solver.replications,
        max_iterations: solver.max_iterations,
        gap: solver.gap,
        time_limit: solver.time_limit,
        solver: solver.solver,
        max_part_time_share: targets.max_part_time_share,
        confidence: targets.confidence,
        max_agents,
        max_occupancy,
        shifts,
        deflections,
        contracts,
    })
}

/// `[[optimize.deflection]]`: containment raises on offer, each on a channel with a bot,
/// up to the bot's ceiling (1 − drop-out), one per channel and category.
fn compile_deflections(
    c: &Checker,
    o: &RawOptimize,
    names: &Names,
    channels: &[Channel],
    bots: &[Bot],
) -> Result<Vec<Deflection>, ScenarioError> {
    let mut deflections: Vec<Deflection> = Vec::new();
    for (i, d) in o.deflection.iter().enumerate() {
        let key = format!("optimize.deflection[{i}]");
        let r = d.get_ref();
        let Some(&ch) = names.channels.get(r.channel.get_ref()) else {
            return Err(c.err(
                r.channel.span(),
                format!("{key}.channel"),
                format!("there is no channel \"{}\"", r.channel.get_ref()),
            ));
        };
        let Some(bot) = channels[ch.index()].bot else {
            return Err(c.err(
                r.channel.span(),
                format!("{key}.channel"),
                format!(
                    "the channel \"{}\" has no bot to deflect contacts; add a [[bot]] on it",
                    r.channel.get_ref()
                ),
            ));
        };
        let Some(&cat) = names.categories.get(r.category.get_ref()) else {
            return Err(c.err(
                r.category.span(),
                format!("{key}.category"),
                format!("there is no category \"{}\"", r.category.get_ref()),
            ));
        };
        let b = &bots[bot.index()];
        let today = b.containment[cat.index()];
        let ceiling = 1.0 - b.dropout[cat.index()];
        let max = *r.max.get_ref();
        if !(0.0..=ceiling).contains(&max) {
            return Err(c.err(
                r.max.span(),
                format!("{key}.max"),
                format!(
                    "the achievable containment lies between 0 and {ceiling:.3} (1 - the drop-out), got {max}"
                ),
            ));
        }
        // A bot already at or past the ceiling (say, in a variant) has nothing to buy.
        let max = max.max(today);
        let cost = |v: &Option<Spanned<f64>>, k: &str| match v {
            Some(x) if !(x.get_ref().is_finite() && *x.get_ref() >= 0.0) => {
                Err(c.err(x.span(), format!("{key}.{k}"), "a cost is zero or more"))
            }
            Some(x) => Ok(*x.get_ref()),
            None => Ok(0.0),
        };
        let cost_per_point = cost(&r.cost_per_point, "cost_per_point")?;
        let cost_per_contained = cost(&r.cost_per_contained, "cost_per_contained")?;
        if deflections
            .iter()
            .any(|x| x.channel == ch && x.category == cat)
        {
            return Err(c.err(
                d.span(),
                key,
                "this channel and category have a deflection already",
            ));
        }
        deflections.push(Deflection {
            bot,
            channel: ch,
            category: cat,
            today,
            max,
            cost_per_point,
            cost_per_contained,
        });
    }
    Ok(deflections)
}

/// The targets and shares of `[optimize]`: highest abandonment, part-time share, the back
/// office's service level.
struct Targets {
    max_abandon_rate: Option<f64>,
    max_part_time_share: Option<f64>,
    confidence: Option<f64>,
    back_office: (f64, f64),
}

fn compile_targets(c: &Checker, o: &RawOptimize) -> Result<Targets, ScenarioError> {
    let share = |v: &Option<Spanned<f64>>, key: &str| -> Result<Option<f64>, ScenarioError> {
        match v {
            Some(p) if !(0.0..=1.0).contains(p.get_ref()) => Err(c.err(
                p.span(),
                format!("optimize.{key}"),
                format!("a share is between 0 and 1 (got {})", p.get_ref()),
            )),
            Some(p) => Ok(Some(*p.get_ref())),
            None => Ok(None),
        }
    };
    let max_abandon_rate = share(&o.max_abandon_rate, "max_abandon_rate")?;
    let max_part_time_share = share(&o.max_part_time_share, "max_part_time_share")?;
    let confidence = match &o.confidence {
        Some(p) if !(crate::model::CONFIDENCE_RANGE.contains(p.get_ref())) => {
            return Err(c.err(
                p.span(),
                "optimize.confidence",
                format!("{} (got {})", crate::model::CONFIDENCE_RULE, p.get_ref()),
            ));
        }
        p => p.as_ref().map(|p| *p.get_ref()),
    };
    let back_office = match &o.back_office {
        None => (180.0, 0.8),
        Some(t) => {
            let target = *t.get_ref().target.get_ref();
            if !(target > 0.0 && target < 1.0) {
                return Err(c.err(
                    t.get_ref().target.span(),
                    "optimize.back_office.target",
                    format!("a service-level target is above 0 and below 1: no staffing answers every contact in time (got {target})"),
                ));
            }
            (t.get_ref().answer_within.get_ref().secs(), target)
        }
    };
    Ok(Targets {
        max_abandon_rate,
        max_part_time_share,
        confidence,
        back_office,
    })
}

/// The loop's and the solver's settings: agents on duty at least, replications, rounds,
/// smallest judged interval, MIP gap and time limit, longest ASA.
struct SolverSettings {
    min_on_duty: u32,
    replications: u32,
    max_iterations: u32,
    min_offered: f64,
    gap: f64,
    time_limit: f64,
    solver: Option<String>,
    max_asa: Option<f64>,
}

/// [`SolverSettings`]; `replications` is the scenario's (at least 2 by default).
fn compile_solver_settings(
    c: &Checker,
    o: &RawOptimize,
    replications: u32,
) -> Result<SolverSettings, ScenarioError> {
    let whole = |v: &Option<Spanned<i64>>, key: &str, min: i64, max: i64, default: i64| match v {
        Some(n) if !(min..=max).contains(n.get_ref()) => Err(c.err(
            n.span(),
            format!("optimize.{key}"),
            format!("a whole number from {min} to {max} (got {})", n.get_ref()),
        )),
        Some(n) => Ok(*n.get_ref()),
        None => Ok(default),
    };
    let min_on_duty = whole(&o.min_on_duty, "min_on_duty", 0, 100_000, 1)? as u32;
    let replications = whole(
        &o.replications,
        "replications",
        2,
        10_000,
        replications.max(2) as i64,
    )? as u32;
    let max_iterations = whole(&o.max_iterations, "max_iterations", 1, 100, 8)? as u32;
    let min_offered = match &o.min_offered {
        Some(v) if !(v.get_ref().is_finite() && *v.get_ref() >= 0.0) => {
            return Err(c.err(v.span(), "optimize.min_offered", "must be zero or more"));
        }
        Some(v) => *v.get_ref(),
        None => 10.0,
    };
    let gap = match &o.gap {
        Some(g) if !(*g.get_ref() > 0.0 && *g.get_ref() < 1.0) => {
            return Err(c.err(
                g.span(),
                "optimize.gap",
                format!("the relative MIP gap is above 0 (an exact optimum can take hours and unbounded memory) and below 1, e.g. 0.005 (got {})", g.get_ref()),
            ));
        }
        Some(g) => *g.get_ref(),
        None => 0.005,
    };
    let time_limit = match &o.time_limit {
        Some(t) if t.get_ref().secs() <= 0.0 => {
            return Err(c.err(
                t.span(),
                "optimize.time_limit",
                "the time limit must be above zero",
            ));
        }
        Some(t) => t.get_ref().secs(),
        None => 20.0,
    };
    // The solver named must be in this build (cbc needs the `cbc` feature).
    let solver = match &o.solver {
        Some(name) => {
            crate::optimize::Solver::parse(name.get_ref())
                .map_err(|m| c.err(name.span(), "optimize.solver", m))?;
            Some(name.get_ref().clone())
        }
        None => None,
    };
    if let Some(d) = &o.max_asa
        && d.get_ref().secs() <= 0.0
    {
        return Err(c.err(
            d.span(),
            "optimize.max_asa",
            "an ASA of 0s cannot be met (some contact always waits); give a time, e.g. \"30s\"",
        ));
    }
    let max_asa = o.max_asa.as_ref().map(|d| d.get_ref().secs());
    Ok(SolverSettings {
        min_on_duty,
        replications,
        max_iterations,
        min_offered,
        gap,
        time_limit,
        solver,
        max_asa,
    })
}

/// `optimize.max_agents`: a headcount cap per group, by name.
fn compile_max_agents(
    c: &Checker,
    o: &RawOptimize,
    group_index: &HashMap<String, GroupId>,
    n_groups: usize,
) -> Result<Vec<Option<u32>>, ScenarioError> {
    let mut max_agents = vec![None; n_groups];
    for (name, n) in o.max_agents.iter().flatten() {
        let Some(&g) = group_index.get(name.get_ref()) else {
            return Err(c.err(
                name.span(),
                format!("optimize.max_agents.{}", name.get_ref()),
                format!("there is no group \"{}\"", name.get_ref()),
            ));
        };
        if !(1..=1_000_000).contains(n.get_ref()) {
            return Err(c.err(
                n.span(),
                format!("optimize.max_agents.{}", name.get_ref()),
                format!("a whole number from 1 to 1000000 (got {})", n.get_ref()),
            ));
        }
        max_agents[g.index()] = Some(*n.get_ref() as u32);
    }
    Ok(max_agents)
}

/// `optimize.max_occupancy`: one cap for every group, or caps by group name; each a
/// share above 0 and at most 1.
fn compile_max_occupancy(
    c: &Checker,
    o: &RawOptimize,
    group_index: &HashMap<String, GroupId>,
    n_groups: usize,
) -> Result<Vec<Option<f64>>, ScenarioError> {
    let Some(raw) = &o.max_occupancy else {
        return Ok(vec![None; n_groups]);
    };
    let check = |v: f64, key: String| {
        if v > 0.0 && v <= 1.0 {
            Ok(Some(v))
        } else {
            Err(c.err(
                raw.span(),
                key,
                format!("an occupancy cap is a share above 0 and at most 1, e.g. 0.85 (got {v})"),
            ))
        }
    };
    match raw.get_ref() {
        crate::scenario::raw::SharesByGroup::All(v) => {
            let cap = check(*v, "optimize.max_occupancy".into())?;
            Ok(vec![cap; n_groups])
        }
        crate::scenario::raw::SharesByGroup::ByGroup(caps) => {
            let mut out = vec![None; n_groups];
            for (name, &v) in caps {
                let key = format!("optimize.max_occupancy.{name}");
                let Some(&g) = group_index.get(name) else {
                    let mut names: Vec<&str> = group_index.keys().map(String::as_str).collect();
                    names.sort_unstable();
                    return Err(c.err(
                        raw.span(),
                        key,
                        format!(
                            "there is no group \"{name}\"; the groups are {}",
                            names.join(", ")
                        ),
                    ));
                };
                out[g.index()] = check(v, key)?;
            }
            Ok(out)
        }
    }
}

/// The shift templates: each compiled, at most [`MAX_SHIFTS`] candidates together, at
/// least one, names unique, every group in some template.
fn compile_templates(
    c: &Checker,
    raw: &Spanned<RawOptimize>,
    group_index: &HashMap<String, GroupId>,
    n_groups: usize,
    interval: f64,
    horizon: f64,
) -> Result<Vec<ShiftTemplate>, ScenarioError> {
    let o = raw.get_ref();
    let mut shifts = Vec::with_capacity(o.shift.len());
    for (i, t) in o.shift.iter().enumerate() {
        shifts.push(compile_template(
            c,
            t.get_ref(),
            i,
            group_index,
            n_groups,
            interval,
            horizon,
        )?);
    }
    let total: usize = (shifts.iter())
        .map(|t: &ShiftTemplate| {
            (t.breaks.iter()).fold(t.starts.len(), |p, b| p.saturating_mul(b.offsets.len()))
        })
        .fold(0usize, |a, b| a.saturating_add(b));
    if total > MAX_SHIFTS {
        return Err(c.err(
            raw.span(),
            "optimize.shift",
            format!(
                "the shift templates make {total} candidate shifts together, too many for the solver (at most {MAX_SHIFTS}); widen start_every or the breaks' every, or merge templates"
            ),
        ));
    }
    if shifts.is_empty() {
        return Err(c.err(
            raw.span(),
            "optimize.shift",
            "give at least one shift template, e.g. [[optimize.shift]] name = \"day\", earliest_start = \"6h\", latest_start = \"14h\", length = \"8h\"",
        ));
    }
    for (i, t) in o.shift.iter().enumerate() {
        let name = t.get_ref().name.get_ref();
        if let Some(problem) = crate::limits::name_problem(name) {
            return Err(c.err(
                t.get_ref().name.span(),
                format!("optimize.shift[{i}].name"),
                problem,
            ));
        }
        if o.shift[..i]
            .iter()
            .any(|u| u.get_ref().name.get_ref() == name)
        {
            return Err(c.err(
                t.get_ref().name.span(),
                format!("optimize.shift[{i}].name"),
                format!("the shift template name \"{name}\" is used twice; names must be unique (they tell the roster's rows apart)"),
            ));
        }
    }
    let mut names: Vec<(&String, GroupId)> = group_index.iter().map(|(n, &g)| (n, g)).collect();
    names.sort_by_key(|&(_, g)| g);
    for (name, g) in names {
        if !shifts.iter().any(|t| t.groups.contains(&g)) {
            return Err(c.err(
                raw.span(),
                "optimize.shift",
                format!("the group \"{name}\" is in no shift template: list it in a template's groups, or leave a template's groups out to mean every group"),
            ));
        }
    }
    Ok(shifts)
}

/// One `[[optimize.shift]]`: its groups, starts and break windows, at most
/// [`MAX_TEMPLATE_SHIFTS`] candidate shifts.
fn compile_template(
    c: &Checker,
    t: &RawShiftTemplate,
    i: usize,
    group_index: &HashMap<String, GroupId>,
    n_groups: usize,
    interval: f64,
    horizon: f64,
) -> Result<ShiftTemplate, ScenarioError> {
    let key = format!("optimize.shift[{i}]");
    let groups = template_groups(c, t, &key, group_index, n_groups)?;
    let (length, starts) = template_starts(c, t, &key, interval, horizon)?;
    let breaks = break_windows(c, t, &key, length, interval)?;
    let placements: usize = (breaks.iter()).fold(1usize, |p, b| p.saturating_mul(b.offsets.len()));
    if starts.len().saturating_mul(placements) > MAX_TEMPLATE_SHIFTS {
        return Err(c.err(
            t.name.span(),
            key,
            format!(
                "{} starts × {placements} break placements make too many shifts for the solver (at most {MAX_TEMPLATE_SHIFTS}); widen start_every or the breaks' every",
                starts.len()
            ),
        ));
    }
    Ok(ShiftTemplate {
        name: t.name.get_ref().clone(),
        groups,
        starts,
        length,
        part_time: t.part_time.as_ref().is_some_and(|p| *p.get_ref()),
        breaks,
    })
}

/// The template's groups: those listed, or every group.
fn template_groups(
    c: &Checker,
    t: &RawShiftTemplate,
    key: &str,
    group_index: &HashMap<String, GroupId>,
    n_groups: usize,
) -> Result<Vec<GroupId>, ScenarioError> {
    Ok(match &t.groups {
        None => (0..n_groups).map(GroupId::from_index).collect(),
        Some(list) => {
            let mut groups = Vec::new();
            for (j, name) in list.get_ref().iter().enumerate() {
                let Some(&g) = group_index.get(name.get_ref()) else {
                    return Err(c.err(
                        name.span(),
                        format!("{key}.groups[{j}]"),
                        format!("there is no group \"{}\"", name.get_ref()),
                    ));
                };
                groups.push(g);
            }
            groups
        }
    })
}

/// The template's length and its starts (`earliest_start` to `latest_start` by
/// `start_every`, at most [`MAX_TEMPLATE_SHIFTS`]), in seconds.
fn template_starts(
    c: &Checker,
    t: &RawShiftTemplate,
    key: &str,
    interval: f64,
    horizon: f64,
) -> Result<(f64, Vec<f64>), ScenarioError> {
    let length = t.length.get_ref().secs();
    if length <= 0.0 {
        return Err(c.err(
            t.length.span(),
            format!("{key}.length"),
            "a shift must be longer than zero",
        ));
    }
    let (from, to) = (
        t.earliest_start.get_ref().secs(),
        t.latest_start.get_ref().secs(),
    );
    if to < from {
        return Err(c.err(
            t.latest_start.span(),
            format!("{key}.latest_start"),
            "the latest start is before the earliest",
        ));
    }
    if to >= horizon {
        return Err(c.err(
            t.latest_start.span(),
            format!("{key}.latest_start"),
            "shifts must start before the horizon ends",
        ));
    }
    let every = t
        .start_every
        .as_ref()
        .map_or(interval, |e| e.get_ref().secs());
    if every <= 0.0 {
        return Err(c.err(
            t.start_every.as_ref().map_or(t.length.span(), |e| e.span()),
            format!("{key}.start_every"),
            "the step between starts must be above zero",
        ));
    }
    // Starts on the interval grid: a shift starting inside an interval would cover part
    // of it, which the roster counts as none or all.
    let on_grid = |x: f64| ((x / interval).round() * interval - x).abs() < 1e-6;
    if !on_grid(every) {
        return Err(c.err(
            t.start_every.as_ref().map_or(t.length.span(), |e| e.span()),
            format!("{key}.start_every"),
            format!(
                "starts fall on the interval grid: a multiple of the interval ({}m; got {}m)",
                interval / 60.0,
                every / 60.0
            ),
        ));
    }
    if !on_grid(from) {
        return Err(c.err(
            t.earliest_start.span(),
            format!("{key}.earliest_start"),
            format!(
                "starts fall on the interval grid: a multiple of the interval ({}m; got {}m)",
                interval / 60.0,
                from / 60.0
            ),
        ));
    }
    if step_count(from, to, every) > MAX_TEMPLATE_SHIFTS {
        return Err(c.err(
            t.start_every.as_ref().map_or(t.length.span(), |e| e.span()),
            format!("{key}.start_every"),
            format!(
                "{} starts make too many shifts for the solver (at most {MAX_TEMPLATE_SHIFTS}); widen start_every",
                step_count(from, to, every)
            ),
        ));
    }
    let starts = steps(from, to, every);
    Ok((length, starts))
}

/// The template's break windows, in order and not overlapping, each inside the shift
/// (offsets from the shift's start).
fn break_windows(
    c: &Checker,
    t: &RawShiftTemplate,
    key: &str,
    length: f64,
    interval: f64,
) -> Result<Vec<BreakWindow>, ScenarioError> {
    let mut breaks = Vec::with_capacity(t.breaks.len());
    let mut earliest_free = 0.0;
    for (bi, b) in t.breaks.iter().enumerate() {
        let bkey = format!("{key}.breaks[{bi}]");
        let w = b.get_ref();
        let (bl, lo, hi) = (
            w.length.get_ref().secs(),
            w.earliest.get_ref().secs(),
            w.latest.get_ref().secs(),
        );
        if bl <= 0.0 {
            return Err(c.err(b.span(), bkey, "a break must be longer than zero"));
        }
        if hi < lo {
            return Err(c.err(
                w.latest.span(),
                format!("{bkey}.latest"),
                "the latest start is before the earliest",
            ));
        }
        let d = crate::duration::Duration::from_secs;
        if hi + bl > length {
            return Err(c.err(
                b.span(),
                bkey,
                format!(
                    "the break window must lie inside the shift; in [[optimize.shift]] a break's earliest and latest count from the shift's start (not from the start of the horizon, as in a group's shifts): a {} break in a {} shift must start between 0s and {} after the shift starts (earliest is {}, latest is {})",
                    d(bl),
                    d(length),
                    d((length - bl).max(0.0)),
                    d(lo),
                    d(hi)
                ),
            ));
        }
        if lo < earliest_free {
            return Err(c.err(
                b.span(),
                bkey,
                format!(
                    "breaks must not overlap: this window starts at {} but the previous break's window ends at {}; list breaks in order",
                    d(lo),
                    d(earliest_free)
                ),
            ));
        }
        let step = w.every.as_ref().map_or(interval, |e| e.get_ref().secs());
        if step <= 0.0 {
            return Err(c.err(
                b.span(),
                format!("{bkey}.every"),
                "the step between break starts must be above zero",
            ));
        }
        if step_count(lo, hi, step) > MAX_TEMPLATE_SHIFTS {
            return Err(c.err(
                b.span(),
                format!("{bkey}.every"),
                format!(
                    "{} break starts make too many shifts for the solver (at most {MAX_TEMPLATE_SHIFTS}); widen the break's every",
                    step_count(lo, hi, step)
                ),
            ));
        }
        earliest_free = hi + bl;
        breaks.push(BreakWindow {
            length: bl,
            offsets: steps(lo, hi, step),
            paid: w.paid.as_ref().is_none_or(|p| *p.get_ref()),
        });
    }
    Ok(breaks)
}
