//! `[[group]]`: a group's staffing (its timeline of scheduled agents from `agents`,
//! `staffing` or `shifts` with breaks, and the timeline of paid agents), shrinkage, cost,
//! concurrency, the contact types it handles with their handle times, tier, resolution
//! and escalation per category, and overflow.

use super::super::ScenarioError;
use super::super::checker::{Checker, lookup, non_negative, parse_pair, probability};
use super::super::raw::{RawGroup, RawScenario, RawShift, RawShrinkage};
use super::distributions::build_distribution;
use super::{ChannelCategoryNames, ContactTypes, MAX_TIMELINE_CELLS};
use crate::distribution::Distribution;
use crate::ids::{CategoryId, ContactTypeId, GroupId};
use crate::model::{Group, RosterBreak, RosterShift, Timeline, per_interval, shift_timelines};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// The `[[group]]`s and their index by name; the contact types they handle are created in
/// `types` on first mention. `shape` is (intervals, interval length, horizon, cyclic): in a
/// cyclic scenario the shifts wrap around the day.
pub(super) fn compile_groups(
    c: &Checker,
    raw: &RawScenario,
    shape: (usize, f64, f64, bool),
    names: ChannelCategoryNames,
    types: &mut ContactTypes,
) -> Result<(HashMap<String, GroupId>, Vec<Group>), ScenarioError> {
    let n_intervals = shape.0;
    if raw.group.is_empty() {
        return Err(c.err(
            raw.simulation.span(),
            "group",
            "the scenario needs at least one [[group]]",
        ));
    }
    let group_index = c.unique_names("group", raw.group.iter().map(|g| &g.get_ref().name))?;
    let cells = raw.group.len().saturating_mul(n_intervals);
    if cells > MAX_TIMELINE_CELLS {
        return Err(c.err(
            raw.group[0].span(),
            "group",
            format!(
                "{} groups over {n_intervals} intervals make {cells} per-interval staffing levels; at most {MAX_TIMELINE_CELLS}: use fewer groups, a longer interval or a shorter horizon",
                raw.group.len()
            ),
        ));
    }
    let mut groups = Vec::with_capacity(raw.group.len());
    for (gi, g) in raw.group.iter().enumerate() {
        groups.push(compile_group(c, g, gi, shape, names, &group_index, types)?);
    }
    Ok((group_index, groups))
}

/// One `[[group]]`: staffing, shrinkage, cost, concurrency, what it handles and how long,
/// tier, resolution and escalation, overflow.
fn compile_group(
    c: &Checker,
    g: &Spanned<RawGroup>,
    gi: usize,
    shape: (usize, f64, f64, bool),
    names: ChannelCategoryNames,
    group_index: &HashMap<String, GroupId>,
    types: &mut ContactTypes,
) -> Result<Group, ScenarioError> {
    let category_index = names.1;
    let gr = g.get_ref();
    let (n_intervals, interval, _, _) = shape;
    let (timeline, paid, shifts) = group_timeline(c, gr, g.span(), gi, shape)?;
    let (scheduled, _) = per_interval(&timeline, n_intervals, interval);
    let (_, paid_hours) = per_interval(&paid, n_intervals, interval);
    let (shrinkage, shrinkage_by_interval) = group_shrinkage(c, gr, gi, n_intervals)?;
    let hourly_cost = non_negative(c, &gr.hourly_cost, &format!("group[{gi}].hourly_cost"))?;
    let concurrency = match &gr.concurrency {
        Some(k) if !(1..=16).contains(k.get_ref()) => {
            return Err(c.err(
                k.span(),
                format!("group[{gi}].concurrency"),
                "concurrency is the number of conversations an agent holds at once, from 1 to 16",
            ));
        }
        Some(k) => *k.get_ref() as u8,
        None => 1,
    };
    let concurrency_slowdown = non_negative(
        c,
        &gr.concurrency_slowdown,
        &format!("group[{gi}].concurrency_slowdown"),
    )?;
    // Agents on duty: the scheduled ones less the absent share, rounded to whole agents
    // (halves up, immune to float error: `on_duty_agents`).
    let staffing = (scheduled.iter().enumerate())
        .map(|(k, &n)| {
            let s = shrinkage_by_interval.get(k).copied().unwrap_or(shrinkage);
            crate::model::on_duty_agents(n, s)
        })
        .collect();
    let (handles, handle_time, handle_time_by) = group_handles(c, gr, gi, names, types)?;
    let tier = match &gr.tier {
        Some(t) if !(1..=9).contains(t.get_ref()) => {
            return Err(c.err(
                t.span(),
                format!("group[{gi}].tier"),
                "the tier is a whole number from 1 (frontline) to 9; 2 is specialist, 3 expert",
            ));
        }
        Some(t) => *t.get_ref() as u8,
        None => 1,
    };
    let (resolve, escalate_to) = group_resolution(c, gr, gi, category_index, group_index)?;
    let overflow_after = gr
        .overflow_after
        .as_ref()
        .map_or(0.0, |d| d.get_ref().secs());
    let mut group = Group {
        name: gr.name.get_ref().clone(),
        staffing,
        scheduled,
        paid_hours,
        timeline: Vec::new(),
        shifts,
        shrinkage,
        shrinkage_by_interval,
        hourly_cost,
        concurrency,
        concurrency_slowdown,
        handles,
        handle_time_by,
        handle_time,
        tier,
        overflow_after,
        resolve,
        escalate_to,
        // Set by `serve_order` once every contact type exists.
        serve_rank: Vec::new(),
    };
    group.timeline = group.split_at_shrinkage_changes(timeline, interval);
    Ok(group)
}

/// `shrinkage`: one share, or one per interval (each from 0 up to, not including, 1).
/// Returns the constant (the mean of a list) and the list (empty for one share).
fn group_shrinkage(
    c: &Checker,
    gr: &RawGroup,
    gi: usize,
    n_intervals: usize,
) -> Result<(f64, Vec<f64>), ScenarioError> {
    let Some(p) = &gr.shrinkage else {
        return Ok((0.0, Vec::new()));
    };
    let key = format!("group[{gi}].shrinkage");
    let allowed =
        "shrinkage is the share of scheduled agents absent, from 0 up to (not including) 1";
    match p.get_ref() {
        RawShrinkage::One(s) if !(0.0..1.0).contains(s) => {
            Err(c.err(p.span(), key, format!("{allowed} (got {s})")))
        }
        RawShrinkage::One(s) => Ok((*s, Vec::new())),
        RawShrinkage::PerInterval(list) => {
            if list.len() != n_intervals {
                return Err(c.err(
                    p.span(),
                    key,
                    format!(
                        "the list has {} shares; the horizon has {n_intervals} intervals, one share each (or give one share for all)",
                        list.len()
                    ),
                ));
            }
            if let Some((j, bad)) = list
                .iter()
                .enumerate()
                .find(|(_, s)| !(0.0..1.0).contains(*s))
            {
                return Err(c.err(
                    p.span(),
                    key,
                    format!("share {} of the list is {bad}; {allowed}", j + 1),
                ));
            }
            let mean = list.iter().sum::<f64>() / list.len().max(1) as f64;
            Ok((mean, list.clone()))
        }
    }
}

/// The staffing timeline of a group, from `shifts` or from per-interval counts, and the
/// timeline of paid agents (breaks are paid unless `paid = false`), and the shifts. In a
/// cyclic scenario the shifts wrap around the day (`cyclic_timelines`): the timeline is
/// the cyclic day's.
fn group_timeline(
    c: &Checker,
    g: &RawGroup,
    span: Range<usize>,
    gi: usize,
    (n_intervals, interval, horizon, cyclic): (usize, f64, f64, bool),
) -> Result<(Timeline, Timeline, Vec<RosterShift>), ScenarioError> {
    let Some(shifts) = &g.shifts else {
        let counts = group_staffing(c, g, span, gi, n_intervals)?;
        let mut timeline: Vec<(f64, u32)> = Vec::new();
        for (k, &n) in counts.iter().enumerate() {
            if timeline.last().is_none_or(|&(_, last)| last != n) {
                timeline.push((k as f64 * interval, n));
            }
        }
        return Ok((timeline.clone(), timeline, Vec::new()));
    };
    if g.agents.is_some() || g.staffing.is_some() {
        return Err(c.err(
            span,
            format!("group[{gi}]"),
            "give exactly one of agents (constant), staffing (one number per interval) or shifts",
        ));
    }
    let mut roster: Vec<RosterShift> = Vec::new();
    for (si, shift) in shifts.get_ref().iter().enumerate() {
        let key = format!("group[{gi}].shifts[{si}]");
        let sh: &RawShift = shift.get_ref();
        let (start, length) = (sh.start.get_ref().secs(), sh.length.get_ref().secs());
        shift_span(c, sh, &key, horizon, cyclic)?;
        let n = *sh.agents.get_ref();
        if !(1..=1_000_000).contains(&n) {
            return Err(c.err(
                sh.agents.span(),
                format!("{key}.agents"),
                format!("agents must be a whole number from 1 to 1000000 (got {n})"),
            ));
        }
        let shift_breaks = shift_breaks(c, sh, &key, start, length)?;
        roster.push(RosterShift {
            start,
            length,
            agents: n as u32,
            breaks: shift_breaks,
        });
    }
    let (timeline, paid) = if cyclic {
        crate::model::cyclic_timelines(&roster, horizon, 1)
    } else {
        shift_timelines(&roster, horizon)
    };
    Ok((timeline, paid, roster))
}

/// A shift's start and length: longer than zero, starting before the horizon ends and
/// ending after it starts (a negative start is a shift started before the horizon); in a
/// cyclic scenario at most a day long and starting within a day of midnight.
fn shift_span(
    c: &Checker,
    sh: &RawShift,
    key: &str,
    horizon: f64,
    cyclic: bool,
) -> Result<(), ScenarioError> {
    let (start, length) = (sh.start.get_ref().secs(), sh.length.get_ref().secs());
    let start_key = format!("{key}.start");
    if start >= horizon {
        let what = if cyclic {
            format!(
                "in a cyclic scenario a shift starts before 24h (got {}); write the same shift as {}",
                sh.start.get_ref(),
                crate::duration::Duration::from_secs(start.rem_euclid(horizon))
            )
        } else {
            format!(
                "the shift starts after the horizon ends (it starts at {}; the horizon is {})",
                sh.start.get_ref(),
                crate::duration::Duration::from_secs(horizon)
            )
        };
        return Err(c.err(sh.start.span(), start_key, what));
    }
    if length <= 0.0 {
        return Err(c.err(
            sh.length.span(),
            format!("{key}.length"),
            "a shift must be longer than zero",
        ));
    }
    if cyclic && length > horizon {
        return Err(c.err(
            sh.length.span(),
            format!("{key}.length"),
            format!(
                "in a cyclic scenario a shift is at most a day long (got {}): it wraps around the day; split a longer one into two shifts",
                sh.length.get_ref()
            ),
        ));
    }
    if cyclic && start < -horizon {
        return Err(c.err(
            sh.start.span(),
            start_key,
            format!(
                "in a cyclic scenario a shift starts within a day of midnight, from -24h (the day before) to before 24h (got {}); write the same shift as {}",
                sh.start.get_ref(),
                crate::duration::Duration::from_secs(start.rem_euclid(horizon))
            ),
        ));
    }
    if start + length <= 0.0 {
        return Err(c.err(
            sh.start.span(),
            start_key,
            format!(
                "the shift ends before the horizon starts: it starts at {} and lasts {}; a negative start is a shift that started before the horizon and is still on duty when the horizon starts",
                sh.start.get_ref(),
                sh.length.get_ref()
            ),
        ));
    }
    Ok(())
}

/// Agents scheduled per interval, from `agents` or `staffing`.
fn group_staffing(
    c: &Checker,
    g: &RawGroup,
    span: Range<usize>,
    gi: usize,
    n_intervals: usize,
) -> Result<Vec<u32>, ScenarioError> {
    match (&g.agents, &g.staffing) {
        (Some(a), None) => {
            let n = *a.get_ref();
            if !(1..=1_000_000).contains(&n) {
                return Err(c.err(
                    a.span(),
                    format!("group[{gi}].agents"),
                    format!("agents must be a whole number from 1 to 1000000 (got {n})"),
                ));
            }
            Ok(vec![n as u32; n_intervals])
        }
        (None, Some(s)) => {
            let key = format!("group[{gi}].staffing");
            let list = s.get_ref();
            if list.len() != n_intervals {
                return Err(c.err(s.span(), key, format!("the list has {} entries; the horizon has {n_intervals} intervals, one entry each", list.len())));
            }
            if let Some((j, bad)) = list
                .iter()
                .enumerate()
                .find(|(_, v)| **v < 0 || **v > 1_000_000)
            {
                return Err(c.err(
                    s.span(),
                    key,
                    format!(
                        "entry {} is {bad}; staffing must be a whole number from 0 to 1000000",
                        j + 1
                    ),
                ));
            }
            Ok(list.iter().map(|&n| n as u32).collect())
        }
        _ => Err(c.err(
            span,
            format!("group[{gi}]"),
            "give exactly one of agents (constant), staffing (one number per interval) or shifts",
        )),
    }
}

/// Resolve probability and escalation target per category of one group.
pub(super) fn group_resolution(
    c: &Checker,
    g: &RawGroup,
    gi: usize,
    category_index: &HashMap<String, CategoryId>,
    group_index: &HashMap<String, GroupId>,
) -> Result<(Vec<f64>, Vec<Option<GroupId>>), ScenarioError> {
    let n = category_index.len();
    let default = match &g.resolve {
        Some(p) => probability(c, p, &format!("group[{gi}].resolve"))?,
        None => 1.0,
    };
    let mut resolve = vec![default; n];
    for (cat, p) in g.resolve_by.iter().flatten() {
        let key = format!("group[{gi}].resolve_by.{}", cat.get_ref());
        let k = lookup(c, category_index, cat, &key, "category")?;
        resolve[k.index()] = probability(c, p, &key)?;
    }
    let target = |name: &Spanned<String>, key: &str| -> Result<GroupId, ScenarioError> {
        let t = lookup(c, group_index, name, key, "group")?;
        if t.index() == gi {
            return Err(c.err(name.span(), key, "a group cannot escalate to itself"));
        }
        Ok(t)
    };
    let default = match &g.escalate_to {
        Some(name) => Some(target(name, &format!("group[{gi}].escalate_to"))?),
        None => None,
    };
    let mut escalate_to = vec![default; n];
    for (cat, name) in g.escalate_to_by.iter().flatten() {
        let key = format!("group[{gi}].escalate_to_by.{}", cat.get_ref());
        let k = lookup(c, category_index, cat, &key, "category")?;
        escalate_to[k.index()] = Some(target(name, &key)?);
    }
    Ok((resolve, escalate_to))
}

/// A shift's breaks, sorted by start: each inside the shift (its start counts from the
/// start of the horizon), none overlapping.
fn shift_breaks(
    c: &Checker,
    sh: &RawShift,
    key: &str,
    start: f64,
    length: f64,
) -> Result<Vec<RosterBreak>, ScenarioError> {
    let end = start + length;
    let mut last_end = start;
    let mut breaks: Vec<&Spanned<super::super::raw::RawBreak>> = sh.breaks.iter().collect();
    breaks.sort_by(|a, b| {
        a.get_ref()
            .start
            .get_ref()
            .secs()
            .total_cmp(&b.get_ref().start.get_ref().secs())
    });
    let mut shift_breaks = Vec::with_capacity(breaks.len());
    for (bi, b) in breaks.into_iter().enumerate() {
        let (bs, bl) = (
            b.get_ref().start.get_ref().secs(),
            b.get_ref().length.get_ref().secs(),
        );
        let d = crate::duration::Duration::from_secs;
        let signed = |x: f64| crate::duration::SignedDuration::from_secs(x);
        let bkey = format!("{key}.breaks[{bi}]");
        if bl <= 0.0 {
            return Err(c.err(b.span(), bkey, "a break must be longer than zero"));
        }
        if bs < start || bs + bl > end {
            // The convention differs from `[[optimize.shift]]`: say which applies here.
            return Err(c.err(
                b.span(),
                bkey,
                format!(
                    "a break must lie inside its shift; in a group's shifts a break's start counts from the start of the horizon (not from the shift's start, as in [[optimize.shift]]): this shift runs from {} to {}, so a {} break must start between {} and {} (got {})",
                    signed(start),
                    signed(end),
                    d(bl),
                    signed(start.max(0.0)),
                    signed((end - bl).max(start)),
                    d(bs)
                ),
            ));
        }
        if bs < last_end {
            return Err(c.err(
                b.span(),
                bkey,
                format!(
                    "breaks must not overlap: this one starts at {} but the one before ends at {}",
                    d(bs),
                    d(last_end)
                ),
            ));
        }
        shift_breaks.push(RosterBreak {
            start: bs,
            length: bl,
            paid: b.get_ref().paid.as_ref().is_none_or(|p| *p.get_ref()),
        });
        last_end = bs + bl;
    }
    Ok(shift_breaks)
}

/// What a group handles (contact types, created on first mention), its handle time, and
/// the overrides by contact type (they also apply to escalated contacts of types the
/// group does not take from the queues; a later pair replaces an earlier one).
#[allow(clippy::type_complexity)]
fn group_handles(
    c: &Checker,
    gr: &RawGroup,
    gi: usize,
    (channel_index, category_index): ChannelCategoryNames,
    types: &mut ContactTypes,
) -> Result<
    (
        Vec<ContactTypeId>,
        Distribution,
        Vec<(ContactTypeId, Distribution)>,
    ),
    ScenarioError,
> {
    let mut handles: Vec<ContactTypeId> = Vec::new();
    for (hi, h) in gr.handles.get_ref().iter().enumerate() {
        let key = format!("group[{gi}].handles[{hi}]");
        let (ch, cats) = parse_pair(c, h, &key, channel_index, category_index)?;
        for cat in cats {
            let t = types.of(ch, cat);
            if !handles.contains(&t) {
                handles.push(t);
            }
        }
    }
    let handle_time = build_distribution(c, &gr.handle_time, &format!("group[{gi}].handle_time"))?;
    // Overrides by contact type; they also apply to escalated contacts of types the
    // group does not take from the queues.
    let mut handle_time_by: Vec<(ContactTypeId, Distribution)> = Vec::new();
    for (pair, dist) in gr.handle_time_by.iter().flatten() {
        let key = format!("group[{gi}].handle_time_by.\"{}\"", pair.get_ref());
        let (ch, cats) = parse_pair(c, pair, &key, channel_index, category_index)?;
        let built = build_distribution(c, dist, &key)?;
        for cat in cats {
            let t = types.of(ch, cat);
            handle_time_by.retain(|(u, _)| *u != t);
            handle_time_by.push((t, built.clone()));
        }
    }
    Ok((handles, handle_time, handle_time_by))
}
