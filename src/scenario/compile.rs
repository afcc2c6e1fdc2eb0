//! Checks a raw scenario for meaning (names exist, lists fit the horizon, numbers are in
//! range) and compiles it into a [`Model`] with dense indices.

use super::ScenarioError;
use super::checker::{Checker, allowed_names, lookup, non_negative, parse_pair, probability};
use super::raw::{
    RawArrivals, RawBot, RawBusyness, RawChannel, RawDistribution, RawGroup, RawScenario, RawShift,
};
use crate::contact_log::ReplaySpec;
use crate::distribution::Distribution;
use crate::model::{
    ArrivalStream, Bot, Channel, ContactType, Group, Model, RosterBreak, RosterShift, Surge,
    Timeline, TransferPolicy, per_interval, shift_timelines,
};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

use crate::limits::{MAX_INTERVAL_CELLS, MAX_RATE_PER_HOUR, MAX_TIMELINE_CELLS};
/// Longest horizon accepted, in days.
const MAX_HORIZON_DAYS: f64 = crate::limits::MAX_HORIZON_DAYS as f64;

/// Compiles a raw scenario; `text` and `file` place the errors.
pub(super) fn compile(
    raw: &RawScenario,
    text: &str,
    file: &str,
    default_name: &str,
    arrivals_given: bool,
) -> Result<Model, ScenarioError> {
    let c = Checker::new(text, file);
    let sim = raw.simulation.get_ref();

    let horizon = sim.horizon.get_ref().secs();
    if horizon <= 0.0 || horizon > MAX_HORIZON_DAYS * 86_400.0 {
        return Err(c.err(
            sim.horizon.span(),
            "simulation.horizon",
            format!("the horizon must be longer than zero and at most {MAX_HORIZON_DAYS} days"),
        ));
    }
    let interval = sim.interval.get_ref().secs();
    if interval < 60.0 {
        return Err(c.err(
            sim.interval.span(),
            "simulation.interval",
            "the interval must be at least 1m (planning intervals are usually 5m, 15m, 30m or 1h)",
        ));
    }
    let n_float = horizon / interval;
    let n_intervals = n_float.round() as usize;
    if (n_float - n_intervals as f64).abs() > 1e-9 * n_float.max(1.0) || n_intervals == 0 {
        return Err(c.err(
            sim.interval.span(),
            "simulation.interval",
            format!(
                "the horizon ({}) must be a whole number of intervals ({}); choose an interval that divides it",
                sim.horizon.get_ref(),
                sim.interval.get_ref()
            ),
        ));
    }
    let warmup = match &sim.warmup {
        Some(w) => {
            if w.get_ref().secs() >= horizon {
                return Err(c.err(
                    w.span(),
                    "simulation.warmup",
                    "the warm-up must be shorter than the horizon",
                ));
            }
            let k = w.get_ref().secs() / interval;
            if (k - k.round()).abs() > 1e-9 * k.max(1.0) {
                return Err(c.err(
                    w.span(),
                    "simulation.warmup",
                    format!("the warm-up must be a whole number of intervals ({}), so that reported intervals are whole", sim.interval.get_ref()),
                ));
            }
            // Exactly whole: every place that counts reported intervals agrees.
            k.round() * interval
        }
        None => 0.0,
    };
    let replications = match &sim.replications {
        Some(r) if *r.get_ref() < 1 || *r.get_ref() > u32::MAX as i64 => {
            return Err(c.err(
                r.span(),
                "simulation.replications",
                "replications must be a whole number of at least 1",
            ));
        }
        Some(r) => *r.get_ref() as u32,
        None => 10,
    };
    let seed = match &sim.seed {
        Some(s) if *s.get_ref() < 0 => {
            return Err(c.err(
                s.span(),
                "simulation.seed",
                "the seed must be zero or a positive whole number",
            ));
        }
        Some(s) => *s.get_ref() as u64,
        None => 1,
    };
    let start = match &sim.start {
        None => None,
        Some(text) => {
            let at = parse_start(text.get_ref()).ok_or_else(|| {
                c.err(
                    text.span(),
                    "simulation.start",
                    format!(
                        "\"{}\" is not a date; write the local date of the horizon's start as \"2026-11-11\"",
                        text.get_ref()
                    ),
                )
            })?;
            if at.time() != jiff::civil::Time::midnight() {
                return Err(c.err(
                    text.span(),
                    "simulation.start",
                    "the horizon starts at midnight (profiles, day-of-week factors and interval \
                     clocks count from it): give a date such as \"2026-11-11\", and zero \
                     rates or staff before opening time",
                ));
            }
            Some(at)
        }
    };

    // Channels.
    if raw.channel.is_empty() {
        return Err(c.err(
            raw.simulation.span(),
            "channel",
            "the scenario needs at least one [[channel]]",
        ));
    }
    let channel_index =
        c.unique_names("channel", raw.channel.iter().map(|ch| &ch.get_ref().name))?;
    let mut channels = Vec::with_capacity(raw.channel.len());
    for (i, ch) in raw.channel.iter().enumerate() {
        let chr = ch.get_ref();
        let Some(sl) = &chr.service_level else {
            return Err(c.err(
                ch.span(),
                format!("channel[{i}].service_level"),
                "each channel needs a service level, e.g. service_level = { answer_within = \"20s\", target = 0.8 }",
            ));
        };
        let target = match &sl.get_ref().target {
            Some(t) if !(0.0..=1.0).contains(t.get_ref()) => {
                return Err(c.err(
                    t.span(),
                    format!("channel[{i}].service_level.target"),
                    "the target is a share between 0 and 1, e.g. 0.8",
                ));
            }
            Some(t) => *t.get_ref(),
            None => 0.8,
        };
        let backlog = match &chr.kind {
            None => false,
            Some(k) => match k.get_ref().as_str() {
                "realtime" => false,
                "email" => true,
                other => {
                    return Err(c.err(k.span(), format!("channel[{i}].kind"), format!("\"{other}\" is not a channel kind; use \"realtime\" (voice, chat) or \"email\" (a backlog: e-mail, tickets)")));
                }
            },
        };
        if backlog {
            for (what, span) in [
                ("patience", chr.patience.as_ref().map(|p| p.span())),
                ("redial", chr.redial.as_ref().map(|p| p.span())),
            ] {
                if let Some(span) = span {
                    return Err(c.err(span, format!("channel[{i}].{what}"), format!("an e-mail channel keeps its backlog: nobody abandons it, so it takes no {what}")));
                }
            }
        }
        let patience = match &chr.patience {
            Some(p) => Some(build_distribution(
                &c,
                p,
                &format!("channel[{i}].patience"),
            )?),
            None => None,
        };
        channels.push(Channel {
            name: chr.name.get_ref().clone(),
            answer_within: sl.get_ref().answer_within.get_ref().secs(),
            service_level_target: target,
            patience,
            backlog,
            bot: None,
            redial: None,
            repeat: None,
            busyness_day_cv: busyness_cv(&c, chr, i, "day_cv", |b| &b.day_cv)?,
            busyness_interval_cv: busyness_cv(&c, chr, i, "interval_cv", |b| &b.interval_cv)?,
        });
    }

    if n_intervals * channels.len() > MAX_INTERVAL_CELLS {
        return Err(c.err(
            sim.interval.span(),
            "simulation.interval",
            format!(
                "{n_intervals} intervals × {} channels make {} per-interval results; at most {MAX_INTERVAL_CELLS}: use a longer interval or a shorter horizon",
                channels.len(),
                n_intervals * channels.len()
            ),
        ));
    }

    // Categories.
    if raw.category.is_empty() {
        return Err(c.err(
            raw.simulation.span(),
            "category",
            "the scenario needs at least one [[category]]",
        ));
    }
    let category_index = c.unique_names(
        "category",
        raw.category.iter().map(|cat| &cat.get_ref().name),
    )?;
    let categories: Vec<String> = raw
        .category
        .iter()
        .map(|cat| cat.get_ref().name.get_ref().clone())
        .collect();

    // Contact types are created on first mention, by arrivals or by a group's handles.
    let mut contact_types: Vec<ContactType> = Vec::new();
    let mut type_index: HashMap<(u32, u32), u32> = HashMap::new();
    let mut type_of = |channel: u32, category: u32| -> u32 {
        *type_index.entry((channel, category)).or_insert_with(|| {
            contact_types.push(ContactType {
                channel,
                category,
                groups: Vec::new(),
                overflow_waits: Vec::new(),
                repeat_as: u32::MAX,
                backlog: false,
            });
            (contact_types.len() - 1) as u32
        })
    };

    // Arrivals.
    if raw.arrivals.is_empty() && raw.replay.is_empty() && !arrivals_given {
        return Err(c.err(
            raw.simulation.span(),
            "arrivals",
            "the scenario needs at least one [[arrivals]] stream or [[replay]] log (or a log given with --arrivals)",
        ));
    }
    let replays = compile_replays(&c, raw)?;
    let surges = compile_surges(&c, raw, &channel_index, &category_index, horizon)?;
    let mut streams = Vec::with_capacity(raw.arrivals.len());
    let mut priorities: Vec<i64> = Vec::with_capacity(raw.arrivals.len());
    let mut stream_spans = Vec::with_capacity(raw.arrivals.len());
    // The `[[arrivals]]` entry of each stream (a `mix` makes several streams of one entry).
    let mut stream_entry = Vec::with_capacity(raw.arrivals.len());
    for (i, arr) in raw.arrivals.iter().enumerate() {
        let a = arr.get_ref();
        let ch = lookup(
            &c,
            &channel_index,
            &a.channel,
            &format!("arrivals[{i}].channel"),
            "channel",
        )?;
        let shares = category_shares(&c, a, arr.span(), i, &category_index)?;
        let cells = (streams.len() + shares.len() + raw.group.len()).saturating_mul(n_intervals);
        if cells > MAX_TIMELINE_CELLS {
            return Err(c.err(
                arr.span(),
                format!("arrivals[{i}]"),
                format!(
                    "{} arrival streams and {} groups over {n_intervals} intervals make {cells} per-interval rates and staffing levels; at most {MAX_TIMELINE_CELLS}: use fewer streams (a `mix` per channel), a longer interval or a shorter horizon",
                    streams.len() + shares.len(),
                    raw.group.len()
                ),
            ));
        }
        let base = arrival_rates(&c, a, arr.span(), i, n_intervals, interval)?;
        let day_factors = day_of_week_factors(&c, a, i, start)?;
        for (cat, share) in shares {
            let mut rate_per_s: Vec<f64> = base.iter().map(|r| r * share).collect();
            if let Some(f) = &day_factors {
                for (k, r) in rate_per_s.iter_mut().enumerate() {
                    *r *= f[((k as f64 + 0.5) * interval / 86_400.0) as usize % 7];
                }
            }
            for surge in &surges {
                surge.apply(ch, cat, interval, &mut rate_per_s);
            }
            let peak = rate_per_s.iter().cloned().fold(0.0, f64::max) * 3600.0;
            if peak > MAX_RATE_PER_HOUR {
                return Err(c.err(
                    arr.span(),
                    format!("arrivals[{i}]"),
                    format!("the stream peaks at {peak:.0} contacts an hour; at most {MAX_RATE_PER_HOUR:.0} an hour per stream"),
                ));
            }
            let priority = a.priority.as_ref().map_or(0, |p| *p.get_ref());
            streams.push(ArrivalStream {
                contact_type: type_of(ch, cat),
                rate_per_s,
                class: 0,
                entry: i,
            });
            priorities.push(priority);
            stream_spans.push(arr.span());
            stream_entry.push(i);
        }
    }

    // Groups.
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
        let gr = g.get_ref();
        let (timeline, paid) =
            group_timeline(&c, gr, g.span(), gi, n_intervals, interval, horizon)?;
        let (scheduled, _) = per_interval(&timeline, n_intervals, interval);
        let (_, paid_hours) = per_interval(&paid, n_intervals, interval);
        let shrinkage = match &gr.shrinkage {
            Some(p) if !(0.0..1.0).contains(p.get_ref()) => {
                return Err(c.err(p.span(), format!("group[{gi}].shrinkage"), format!("shrinkage is the share of scheduled agents absent, from 0 up to (not including) 1 (got {})", p.get_ref())));
            }
            Some(p) => *p.get_ref(),
            None => 0.0,
        };
        let hourly_cost = non_negative(&c, &gr.hourly_cost, &format!("group[{gi}].hourly_cost"))?;
        let concurrency = match &gr.concurrency {
            Some(k) if !(1..=16).contains(k.get_ref()) => {
                return Err(c.err(k.span(), format!("group[{gi}].concurrency"), "concurrency is the number of conversations an agent holds at once, from 1 to 16"));
            }
            Some(k) => *k.get_ref() as u8,
            None => 1,
        };
        let concurrency_slowdown = non_negative(
            &c,
            &gr.concurrency_slowdown,
            &format!("group[{gi}].concurrency_slowdown"),
        )?;
        // Agents on duty: the scheduled ones less the absent share, rounded to whole agents
        // (halves up, immune to float error: `on_duty_agents`).
        let staffing = scheduled
            .iter()
            .map(|&n| crate::model::on_duty_agents(n, shrinkage))
            .collect();
        let mut handles: Vec<u32> = Vec::new();
        for (hi, h) in gr.handles.get_ref().iter().enumerate() {
            let key = format!("group[{gi}].handles[{hi}]");
            let (ch, cats) = parse_pair(&c, h, &key, &channel_index, &category_index)?;
            for cat in cats {
                let t = type_of(ch, cat);
                if !handles.contains(&t) {
                    handles.push(t);
                }
            }
        }
        let handle_time =
            build_distribution(&c, &gr.handle_time, &format!("group[{gi}].handle_time"))?;
        // Overrides by contact type; they also apply to escalated contacts of types the
        // group does not take from the queues.
        let mut handle_time_by: Vec<(u32, crate::distribution::Distribution)> = Vec::new();
        for (pair, dist) in gr.handle_time_by.iter().flatten() {
            let key = format!("group[{gi}].handle_time_by.\"{}\"", pair.get_ref());
            let (ch, cats) = parse_pair(&c, pair, &key, &channel_index, &category_index)?;
            let built = build_distribution(&c, dist, &key)?;
            for cat in cats {
                let t = type_of(ch, cat);
                handle_time_by.retain(|(u, _)| *u != t);
                handle_time_by.push((t, built.clone()));
            }
        }
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
        let (resolve, escalate_to) = group_resolution(&c, gr, gi, &category_index, &group_index)?;
        let overflow_after = gr
            .overflow_after
            .as_ref()
            .map_or(0.0, |d| d.get_ref().secs());
        groups.push(Group {
            name: gr.name.get_ref().clone(),
            staffing,
            scheduled,
            paid_hours,
            timeline,
            shrinkage,
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
        });
    }
    let n_types = contact_types.len();
    let mut handle_slot = vec![0; groups.len() * n_types];
    for (gi, g) in groups.iter().enumerate() {
        for &t in &g.handles {
            let ct = &mut contact_types[t as usize];
            ct.groups.push(gi as u32);
            if g.overflow_after > 0.0 && !ct.overflow_waits.contains(&g.overflow_after) {
                ct.overflow_waits.push(g.overflow_after);
            }
        }
        for (i, (t, _)) in g.handle_time_by.iter().enumerate() {
            handle_slot[gi * n_types + *t as usize] = i as u32 + 1;
        }
    }
    for (gi, g) in groups.iter().enumerate() {
        let escalated_to = groups
            .iter()
            .any(|o| o.escalate_to.contains(&Some(gi as u32)));
        if g.handles.is_empty() && !escalated_to {
            let handles = &raw.group[gi].get_ref().handles;
            return Err(c.err(
                handles.span(),
                format!("group[{gi}].handles"),
                "the group handles nothing and no group escalates to it, so it would never get a contact; list the \"channel/category\" pairs it takes, or name it in another group's escalate_to",
            ));
        }
    }
    for ct in &mut contact_types {
        ct.backlog = channels[ct.channel as usize].backlog;
        ct.overflow_waits.sort_by(f64::total_cmp);
    }
    for (i, s) in streams.iter().enumerate() {
        let ct = &contact_types[s.contact_type as usize];
        if ct.groups.is_empty() {
            let name = format!(
                "{}/{}",
                channels[ct.channel as usize].name, categories[ct.category as usize]
            );
            return Err(c.err(
                stream_spans[i].clone(),
                format!("arrivals[{}]", stream_entry[i]),
                format!("nobody handles {name}: add \"{name}\" to the handles of a [[group]]"),
            ));
        }
    }

    let mut priority_levels = priorities.clone();
    priority_levels.sort_unstable_by(|a, b| b.cmp(a));
    priority_levels.dedup();
    if priority_levels.len() > 16 {
        let i = priorities
            .iter()
            .position(|p| *p == priority_levels[16])
            .unwrap_or(0);
        let span = raw.arrivals[stream_entry[i]]
            .get_ref()
            .priority
            .as_ref()
            .map_or(stream_spans[i].clone(), |p| p.span());
        return Err(c.err(
            span,
            format!("arrivals[{}].priority", stream_entry[i]),
            "at most 16 distinct priority levels are supported",
        ));
    }
    for (s, p) in streams.iter_mut().zip(&priorities) {
        s.class = priority_levels.iter().position(|l| l == p).expect("listed") as u8;
    }

    let transfers = transfer_policy(&c, raw)?;
    for (i, ch) in raw.channel.iter().enumerate() {
        let chr = ch.get_ref();
        for (which, rule) in [("redial", &chr.redial), ("repeat", &chr.repeat)] {
            let Some(rule) = rule else { continue };
            let key = format!("channel[{i}].{which}");
            let r = rule.get_ref();
            let probability = probability(&c, &r.probability, &format!("{key}.probability"))?;
            let delay = build_distribution(&c, &r.delay, &format!("{key}.delay"))?;
            let max_attempts = match &r.max_attempts {
                Some(m) if !(1..=50).contains(m.get_ref()) => {
                    return Err(c.err(
                        m.span(),
                        format!("{key}.max_attempts"),
                        "max_attempts is a whole number from 1 to 50 (the first attempt included)",
                    ));
                }
                Some(m) => *m.get_ref() as u8,
                None => 5,
            };
            let channel = match (&r.channel, which) {
                (Some(name), "repeat") => lookup(
                    &c,
                    &channel_index,
                    name,
                    &format!("{key}.channel"),
                    "channel",
                )?,
                (Some(name), _) => {
                    return Err(c.err(
                        name.span(),
                        format!("{key}.channel"),
                        "a redial comes back on the same channel; only repeat takes a channel",
                    ));
                }
                (None, _) => i as u32,
            };
            let rule = crate::model::Return {
                probability,
                delay,
                max_attempts,
                channel,
            };
            if which == "redial" {
                channels[i].redial = Some(rule);
            } else {
                // Every contact type of this channel must have somewhere to come back to.
                for t in 0..contact_types.len() {
                    let ct = &contact_types[t];
                    if ct.channel as usize != i || ct.groups.is_empty() {
                        continue;
                    }
                    let category = ct.category;
                    let target = contact_types
                        .iter()
                        .position(|o| o.channel == channel && o.category == category);
                    match target {
                        Some(u) if !contact_types[u].groups.is_empty() => {
                            contact_types[t].repeat_as = u as u32
                        }
                        _ => {
                            let span = r
                                .channel
                                .as_ref()
                                .map_or(r.probability.span(), |n| n.span());
                            return Err(c.err(span, format!("{key}.channel"), format!("repeats of {}/{} would come back as {}/{}, which no group handles", channels[i].name, categories[category as usize], channels[channel as usize].name, categories[category as usize])));
                        }
                    }
                }
                channels[i].repeat = Some(rule);
            }
        }
    }
    let mut bots = Vec::with_capacity(raw.bot.len());
    for (i, b) in raw.bot.iter().enumerate() {
        let bot = compile_bot(&c, b, i, &channel_index, &category_index, horizon)?;
        let channel = &mut channels[bot.channel as usize];
        if channel.bot.is_some() {
            return Err(c.err(
                b.get_ref().channel.span(),
                format!("bot[{i}].channel"),
                format!(
                    "the channel \"{}\" has a bot already; one bot per channel",
                    channel.name
                ),
            ));
        }
        channel.bot = Some(i as u32);
        bots.push(bot);
    }

    let optimize = match &raw.optimize {
        None => None,
        Some(o) => Some(super::optimize_section::compile_optimize(
            &c,
            o,
            &super::optimize_section::Names {
                groups: &group_index,
                channels: &channel_index,
                categories: &category_index,
            },
            groups.len(),
            &channels,
            &bots,
            interval,
            horizon,
            replications,
        )?),
    };
    if let Some(problem) = sim.name.as_deref().and_then(crate::limits::name_problem) {
        return Err(c.err(raw.simulation.span(), "simulation.name", problem));
    }
    let kind = match &sim.kind {
        None => None,
        Some(k) => Some(match k.get_ref().as_str() {
            "terminating" => crate::model::RunKind::Terminating,
            "steady_state" => crate::model::RunKind::SteadyState,
            other => {
                return Err(c.err(
                    k.span(),
                    "simulation.kind",
                    format!(
                        "\"{}\" is not a kind of run; use \"terminating\" (a day that starts as it really starts, e.g. empty at opening, measured from time 0) or \"steady_state\" (long-run figures: the warm-up is checked)",
                        other.chars().take(40).collect::<String>()
                    ),
                ));
            }
        }),
    };
    Ok(Model {
        name: sim.name.clone().unwrap_or_else(|| default_name.to_string()),
        horizon,
        warmup,
        interval,
        n_intervals,
        replications,
        seed,
        start,
        kind,
        surges: surges.iter().map(|s| s.summary.clone()).collect(),
        replays,
        channels,
        categories,
        contact_types,
        streams,
        groups,
        priority_levels,
        transfers,
        bots,
        handle_slot,
        optimize,
    })
}

/// Resolve probability and escalation target per category of one group.
fn group_resolution(
    c: &Checker,
    g: &RawGroup,
    gi: usize,
    category_index: &HashMap<String, u32>,
    group_index: &HashMap<String, u32>,
) -> Result<(Vec<f64>, Vec<Option<u32>>), ScenarioError> {
    let n = category_index.len();
    let default = match &g.resolve {
        Some(p) => probability(c, p, &format!("group[{gi}].resolve"))?,
        None => 1.0,
    };
    let mut resolve = vec![default; n];
    for (cat, p) in g.resolve_by.iter().flatten() {
        let key = format!("group[{gi}].resolve_by.{}", cat.get_ref());
        let k = lookup(c, category_index, cat, &key, "category")?;
        resolve[k as usize] = probability(c, p, &key)?;
    }
    let target = |name: &Spanned<String>, key: &str| -> Result<u32, ScenarioError> {
        let t = lookup(c, group_index, name, key, "group")?;
        if t as usize == gi {
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
        escalate_to[k as usize] = Some(target(name, &key)?);
    }
    Ok((resolve, escalate_to))
}

/// The `[transfers]` table, or its defaults.
fn transfer_policy(c: &Checker, raw: &RawScenario) -> Result<TransferPolicy, ScenarioError> {
    let Some(t) = &raw.transfers else {
        return Ok(TransferPolicy::default());
    };
    let t = t.get_ref();
    let mut policy = TransferPolicy::default();
    if let Some(m) = &t.max_per_contact {
        if !(0..=20).contains(m.get_ref()) {
            return Err(c.err(
                m.span(),
                "transfers.max_per_contact",
                "the cap is a whole number from 0 (no transfers) to 20 (default 3); it is what ends \
                 a loop of escalations between groups",
            ));
        }
        policy.max_per_contact = *m.get_ref() as u8;
    }
    if let Some(d) = &t.context_loss {
        policy.context_loss = Some(build_distribution(c, d, "transfers.context_loss")?);
    }
    policy.keep_context = t.keep_context.unwrap_or(false);
    Ok(policy)
}

/// Arrival rate per second in each interval, from whichever form the stream uses.
fn arrival_rates(
    c: &Checker,
    a: &RawArrivals,
    span: Range<usize>,
    i: usize,
    n_intervals: usize,
    interval: f64,
) -> Result<Vec<f64>, ScenarioError> {
    let forms = [
        a.rate_per_hour.is_some(),
        a.rates_per_hour.is_some(),
        a.daily_volume.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() != 1 {
        return Err(c.err(
            span,
            format!("arrivals[{i}]"),
            "give exactly one of rate_per_hour (constant), rates_per_hour (one per interval) or daily_volume (with an optional profile)",
        ));
    }
    if let (Some(p), None) = (&a.profile, &a.daily_volume) {
        return Err(c.err(
            p.span(),
            format!("arrivals[{i}].profile"),
            "a profile shapes a daily_volume; add daily_volume or use rates_per_hour",
        ));
    }
    if let Some(r) = &a.rate_per_hour {
        let rate = *r.get_ref();
        if !(rate.is_finite() && rate > 0.0) {
            return Err(c.err(
                r.span(),
                format!("arrivals[{i}].rate_per_hour"),
                format!("the rate must be a finite number greater than zero (got {rate})"),
            ));
        }
        return Ok(vec![rate / 3600.0; n_intervals]);
    }
    if let Some(r) = &a.rates_per_hour {
        let key = format!("arrivals[{i}].rates_per_hour");
        let rates = r.get_ref();
        if rates.len() != n_intervals {
            return Err(c.err(
                r.span(),
                key,
                format!(
                    "the list has {} rates; the horizon has {n_intervals} intervals, one rate each",
                    rates.len()
                ),
            ));
        }
        if let Some((j, bad)) = rates
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(c.err(
                r.span(),
                key,
                format!(
                    "rate {} of the list is {bad}; rates must be zero or more",
                    j + 1
                ),
            ));
        }
        if rates.iter().all(|v| *v == 0.0) {
            return Err(c.err(
                r.span(),
                key,
                "every rate is zero; at least one must be greater than zero",
            ));
        }
        return Ok(rates.iter().map(|v| v / 3600.0).collect());
    }
    let volume = a.daily_volume.as_ref().expect("one form is given");
    let v = *volume.get_ref();
    if !(v.is_finite() && v > 0.0) {
        return Err(c.err(
            volume.span(),
            format!("arrivals[{i}].daily_volume"),
            format!("the daily volume must be a finite number greater than zero (got {v})"),
        ));
    }
    let per_day_f = 86_400.0 / interval;
    let per_day = per_day_f.round() as usize;
    let weights: Vec<f64> = match &a.profile {
        None => vec![1.0; per_day.max(1)],
        Some(p) => {
            let key = format!("arrivals[{i}].profile");
            if (per_day_f - per_day as f64).abs() > 1e-9 {
                return Err(c.err(
                    p.span(),
                    key,
                    "a profile needs an interval that divides a day (e.g. 5m, 15m, 30m, 1h)",
                ));
            }
            let w = p.get_ref();
            if w.len() != per_day {
                return Err(c.err(
                    p.span(),
                    key,
                    format!(
                        "the profile has {} weights; it needs one per interval of a day: {per_day}",
                        w.len()
                    ),
                ));
            }
            if let Some(bad) = w.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(c.err(
                    p.span(),
                    key,
                    format!("a weight is {bad}; weights must be zero or more"),
                ));
            }
            if w.iter().sum::<f64>() <= 0.0 {
                return Err(c.err(
                    p.span(),
                    key,
                    "every weight is zero; at least one must be greater than zero",
                ));
            }
            w.clone()
        }
    };
    let total: f64 = weights.iter().sum();
    // Without a profile the day is flat; a profile's weights repeat day after day.
    let slots = weights.len();
    Ok((0..n_intervals)
        .map(|k| {
            let share = if a.profile.is_some() {
                weights[k % slots] / total
            } else {
                interval / 86_400.0
            };
            v * share / interval
        })
        .collect())
}

/// The `[[replay]]` logs, their paths taken relative to the scenario file.
fn compile_replays(c: &Checker, raw: &RawScenario) -> Result<Vec<ReplaySpec>, ScenarioError> {
    let dir = std::path::Path::new(c.file())
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let mut specs = Vec::with_capacity(raw.replay.len());
    for (i, spanned) in raw.replay.iter().enumerate() {
        let r = spanned.get_ref();
        let key = |k: &str| format!("replay[{i}].{k}");
        let log_start = match &r.log_start {
            None => None,
            Some(text) => Some(parse_start(text.get_ref()).ok_or_else(|| {
                c.err(
                    text.span(),
                    key("log_start"),
                    format!(
                        "\"{}\" is not a date; write the log's date-time that the horizon starts at, e.g. \"2025-11-11\"",
                        text.get_ref()
                    ),
                )
            })?),
        };
        let volume_scale = match &r.volume_scale {
            None => 1.0,
            Some(v)
                if !(v.get_ref().is_finite() && *v.get_ref() > 0.0 && *v.get_ref() <= 100.0) =>
            {
                return Err(c.err(
                    v.span(),
                    key("volume_scale"),
                    format!(
                        "a factor above 0 and at most 100 (got {}); 1.3 replays the log at +30 %",
                        v.get_ref()
                    ),
                ));
            }
            Some(v) => *v.get_ref(),
        };
        specs.push(ReplaySpec {
            path: dir.join(r.file.get_ref()),
            log_start,
            time_shift: r.time_shift.as_ref().map_or(0.0, |d| d.get_ref().secs()),
            volume_scale,
            bootstrap: r.bootstrap.unwrap_or(false),
            skip_bad_rows: r.skip_bad_rows.unwrap_or(false),
            replay_returns: r.replay_returns.unwrap_or(false),
            scan: None,
            origin: Some(crate::contact_log::ReplayOrigin {
                file: c.file().to_string(),
                position: Some(c.position(r.file.span().start)),
                key: key("file"),
            }),
        });
    }
    Ok(specs)
}

/// The horizon's start: a date (midnight) or a date and time, local.
pub(crate) fn parse_start(text: &str) -> Option<jiff::civil::DateTime> {
    let text = text.trim();
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return Some(dt);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
}

/// A channel's busyness coefficient of variation (0 when absent).
fn busyness_cv(
    c: &Checker,
    ch: &RawChannel,
    i: usize,
    which: &str,
    field: impl Fn(&RawBusyness) -> &Option<Spanned<f64>>,
) -> Result<f64, ScenarioError> {
    let Some(b) = &ch.busyness else {
        return Ok(0.0);
    };
    let Some(cv) = field(b.get_ref()) else {
        return Ok(0.0);
    };
    let v = *cv.get_ref();
    if !(v.is_finite() && (0.0..=2.0).contains(&v)) {
        return Err(c.err(
            cv.span(),
            format!("channel[{i}].busyness.{which}"),
            format!("a coefficient of variation from 0 (none) to 2 (got {v}); 0.1 means the factor varies by about 10 %"),
        ));
    }
    Ok(v)
}

/// How far the shares of a `mix` may add up from 1 (float error of written decimals).
const MIX_TOLERANCE: f64 = 1e-9;

/// The categories of an `[[arrivals]]` entry with their shares: its `category` (share 1),
/// or its `mix`, whose shares must add up to 1 (within `MIX_TOLERANCE`: else an error at
/// the mix).
fn category_shares(
    c: &Checker,
    a: &RawArrivals,
    span: Range<usize>,
    i: usize,
    category_index: &HashMap<String, u32>,
) -> Result<Vec<(u32, f64)>, ScenarioError> {
    match (&a.category, &a.mix) {
        (Some(cat), None) => {
            let k = lookup(c, category_index, cat, &format!("arrivals[{i}].category"), "category")?;
            Ok(vec![(k, 1.0)])
        }
        (None, Some(mix)) => {
            let mut shares = Vec::with_capacity(mix.get_ref().len());
            for (name, share) in mix.get_ref() {
                let key = format!("arrivals[{i}].mix.{name}");
                let k = category_index.get(name).copied().ok_or_else(|| {
                    c.err(
                        share.span(),
                        &key,
                        format!(
                            "there is no category \"{name}\"; the category names are {}",
                            allowed_names(category_index)
                        ),
                    )
                })?;
                let v = *share.get_ref();
                if !(v.is_finite() && v >= 0.0) {
                    return Err(c.err(share.span(), &key, format!("a share is zero or more (got {v})")));
                }
                shares.push((k, v));
            }
            let total: f64 = shares.iter().map(|s| s.1).sum();
            if total <= 0.0 {
                return Err(c.err(
                    mix.span(),
                    format!("arrivals[{i}].mix"),
                    "the mix needs at least one category with a share above zero",
                ));
            }
            // Shares are probabilities: they must add up to 1 (within `MIX_TOLERANCE`, for
            // decimals such as 0.6 + 0.15 + 0.25), never silently rescaled.
            if (total - 1.0).abs() > MIX_TOLERANCE {
                let listed: Vec<String> =
                    mix.get_ref().iter().map(|(name, v)| format!("{name} = {}", v.get_ref())).collect();
                return Err(c.err(
                    mix.span(),
                    format!("arrivals[{i}].mix"),
                    format!(
                        "the shares of a mix are probabilities and must add up to 1 (within {MIX_TOLERANCE:e}); {} add up to {total}",
                        listed.join(", ")
                    ),
                ));
            }
            shares.retain(|s| s.1 > 0.0);
            shares.sort_by_key(|s| s.0);
            // Divided by the total so that the streams' rates add up to the entry's exactly.
            Ok(shares.into_iter().map(|(k, v)| (k, v / total)).collect())
        }
        _ => Err(c.err(
            span,
            format!("arrivals[{i}]"),
            "give either category (one stream) or mix (shares of categories, e.g. mix = { payment = 0.3, logistics = 0.7 })",
        )),
    }
}

/// Factors per day of the week, indexed by days since the start (mod 7), if given.
fn day_of_week_factors(
    c: &Checker,
    a: &RawArrivals,
    i: usize,
    start: Option<jiff::civil::DateTime>,
) -> Result<Option<[f64; 7]>, ScenarioError> {
    let Some(f) = &a.day_of_week else {
        return Ok(None);
    };
    let key = format!("arrivals[{i}].day_of_week");
    let Some(start) = start else {
        return Err(c.err(
            f.span(),
            key,
            "day-of-week factors need the start date: add start = \"2026-11-09\" to [simulation]",
        ));
    };
    let factors = f.get_ref();
    if factors.len() != 7 {
        return Err(c.err(
            f.span(),
            key,
            format!("{} factors; give 7, Monday first", factors.len()),
        ));
    }
    if let Some(bad) = factors.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
        return Err(c.err(
            f.span(),
            key,
            format!("a factor is {bad}; factors are zero or more"),
        ));
    }
    // Monday is 0; day d of the horizon is (start's weekday + d) mod 7.
    let first = start.date().weekday().to_monday_zero_offset() as usize;
    let mut by_day = [0.0; 7];
    for (d, slot) in by_day.iter_mut().enumerate() {
        *slot = factors[(first + d) % 7];
    }
    Ok(Some(by_day))
}

/// A surge window ready to apply to the streams it covers.
struct CompiledSurge {
    summary: Surge,
    channel: Option<u32>,
    category: Option<u32>,
    /// Multiplier per category (the default where not overridden).
    multiplier: Vec<f64>,
    ramp_up: f64,
    ramp_down: f64,
}

impl CompiledSurge {
    /// Multiplies the rates of a stream of (`channel`, `category`) by the surge's mean
    /// factor over each interval, so that expected counts are exact.
    fn apply(&self, channel: u32, category: u32, interval: f64, rates: &mut [f64]) {
        if self.channel.is_some_and(|ch| ch != channel)
            || self.category.is_some_and(|cat| cat != category)
        {
            return;
        }
        let m = self.multiplier[category as usize];
        let (from, to) = (self.summary.from, self.summary.to);
        let first = (from / interval).floor() as usize;
        let last = ((to / interval).ceil() as usize).min(rates.len());
        for (k, rate) in rates.iter_mut().enumerate().take(last).skip(first) {
            let (a, b) = (k as f64 * interval, (k + 1) as f64 * interval);
            let strength = self.strength_integral(a, b) / (b - a);
            *rate *= 1.0 + (m - 1.0) * strength;
        }
    }

    /// ∫ strength(t) dt over [a, b): the trapezoid 0 → 1 over the ramp up, 1, 1 → 0 over
    /// the ramp down.
    fn strength_integral(&self, a: f64, b: f64) -> f64 {
        let (from, to) = (self.summary.from, self.summary.to);
        let points = [
            (from, 0.0),
            (from + self.ramp_up, 1.0),
            (to - self.ramp_down, 1.0),
            (to, 0.0),
        ];
        let mut total = 0.0;
        for w in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let (lo, hi) = (a.max(x0), b.min(x1));
            if hi <= lo || x1 <= x0 {
                continue;
            }
            let at = |x: f64| y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            total += (hi - lo) * (at(lo) + at(hi)) / 2.0;
        }
        total
    }
}

fn compile_surges(
    c: &Checker,
    raw: &RawScenario,
    channel_index: &HashMap<String, u32>,
    category_index: &HashMap<String, u32>,
    horizon: f64,
) -> Result<Vec<CompiledSurge>, ScenarioError> {
    let mut surges = Vec::with_capacity(raw.surge.len());
    for (i, spanned) in raw.surge.iter().enumerate() {
        let s = spanned.get_ref();
        let key = |k: &str| format!("surge[{i}].{k}");
        let channel = match &s.channel {
            Some(ch) => Some(lookup(c, channel_index, ch, &key("channel"), "channel")?),
            None => None,
        };
        let category = match &s.category {
            Some(cat) => Some(lookup(
                c,
                category_index,
                cat,
                &key("category"),
                "category",
            )?),
            None => None,
        };
        let (from, to) = (s.from.get_ref().secs(), s.to.get_ref().secs());
        if from >= to {
            return Err(c.err(s.to.span(), key("to"), "a surge needs from < to"));
        }
        if to > horizon {
            return Err(c.err(
                s.to.span(),
                key("to"),
                format!(
                    "the surge ends after the horizon ({})",
                    raw.simulation.get_ref().horizon.get_ref()
                ),
            ));
        }
        let factor = |v: &Spanned<f64>, k: String| -> Result<f64, ScenarioError> {
            let x = *v.get_ref();
            if !(x.is_finite() && (0.0..=1000.0).contains(&x)) {
                return Err(c.err(
                    v.span(),
                    k,
                    format!(
                        "a multiplier from 0 to 1000 (got {x}); 6 means six times the normal volume"
                    ),
                ));
            }
            Ok(x)
        };
        let m = factor(&s.multiplier, key("multiplier"))?;
        let mut multiplier = vec![m; category_index.len()];
        for (name, v) in &s.multiplier_by {
            let k = key(&format!("multiplier_by.{name}"));
            if let Some(only) = &s.category
                && only.get_ref() != name
            {
                return Err(c.err(
                    v.span(),
                    k,
                    format!(
                        "the surge applies to category \"{}\" only, so a factor for \"{name}\" would never be used",
                        only.get_ref()
                    ),
                ));
            }
            let Some(&cat) = category_index.get(name) else {
                return Err(c.err(
                    v.span(),
                    k,
                    format!(
                        "there is no category \"{name}\"; the category names are {}",
                        allowed_names(category_index)
                    ),
                ));
            };
            multiplier[cat as usize] = factor(v, k)?;
        }
        let ramp = |r: &Option<Spanned<crate::duration::Duration>>| {
            r.as_ref().map_or(0.0, |d| d.get_ref().secs())
        };
        let (ramp_up, ramp_down) = (ramp(&s.ramp_up), ramp(&s.ramp_down));
        if ramp_up + ramp_down > to - from {
            let span = s
                .ramp_down
                .as_ref()
                .or(s.ramp_up.as_ref())
                .map_or(spanned.span(), |r| r.span());
            return Err(c.err(
                span,
                key(if s.ramp_down.is_some() {
                    "ramp_down"
                } else {
                    "ramp_up"
                }),
                "the ramps up and down together must fit inside the window (from .. to)",
            ));
        }
        let scope = format!(
            "{}/{}",
            s.channel.as_ref().map_or("*", |x| x.get_ref().as_str()),
            s.category.as_ref().map_or("*", |x| x.get_ref().as_str())
        );
        if let Some(problem) = s.name.as_deref().and_then(crate::limits::name_problem) {
            return Err(c.err(spanned.span(), format!("surge[{i}].name"), problem));
        }
        surges.push(CompiledSurge {
            summary: Surge {
                name: s.name.clone().unwrap_or_else(|| format!("surge {}", i + 1)),
                scope,
                from,
                to,
                multiplier: m,
                strength: {
                    let mut words = format!("×{m}");
                    if !s.multiplier_by.is_empty() {
                        let by: Vec<String> = s
                            .multiplier_by
                            .iter()
                            .map(|(k, v)| format!("{k} ×{}", v.get_ref()))
                            .collect();
                        words += &format!(" ({})", by.join(", "));
                    }
                    for (what, r) in [("ramp up", ramp_up), ("ramp down", ramp_down)] {
                        if r > 0.0 {
                            words +=
                                &format!(", {what} {}", crate::duration::Duration::from_secs(r));
                        }
                    }
                    words
                },
            },
            channel,
            category,
            multiplier,
            ramp_up,
            ramp_down,
        });
    }
    Ok(surges)
}

/// The staffing timeline of a group, from `shifts` or from per-interval counts, and the
/// timeline of paid agents (breaks are paid unless `paid = false`).
fn group_timeline(
    c: &Checker,
    g: &RawGroup,
    span: Range<usize>,
    gi: usize,
    n_intervals: usize,
    interval: f64,
    horizon: f64,
) -> Result<(Timeline, Timeline), ScenarioError> {
    let Some(shifts) = &g.shifts else {
        let counts = group_staffing(c, g, span, gi, n_intervals)?;
        let mut timeline: Vec<(f64, u32)> = Vec::new();
        for (k, &n) in counts.iter().enumerate() {
            if timeline.last().is_none_or(|&(_, last)| last != n) {
                timeline.push((k as f64 * interval, n));
            }
        }
        return Ok((timeline.clone(), timeline));
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
        if start >= horizon {
            return Err(c.err(
                sh.start.span(),
                format!("{key}.start"),
                "the shift starts after the horizon ends",
            ));
        }
        if length <= 0.0 {
            return Err(c.err(
                sh.length.span(),
                format!("{key}.length"),
                "a shift must be longer than zero",
            ));
        }
        let n = *sh.agents.get_ref();
        if !(1..=1_000_000).contains(&n) {
            return Err(c.err(
                sh.agents.span(),
                format!("{key}.agents"),
                format!("agents must be a whole number from 1 to 1000000 (got {n})"),
            ));
        }
        let end = start + length;
        let mut last_end = start;
        let mut breaks: Vec<&Spanned<super::raw::RawBreak>> = sh.breaks.iter().collect();
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
                        d(start),
                        d(end),
                        d(bl),
                        d(start),
                        d((end - bl).max(start)),
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
        roster.push(RosterShift {
            start,
            length,
            agents: n as u32,
            breaks: shift_breaks,
        });
    }
    Ok(shift_timelines(&roster, horizon))
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

/// Builds a distribution, checking that exactly the keys its family takes are present.
fn build_distribution(
    c: &Checker,
    spec: &Spanned<RawDistribution>,
    key: &str,
) -> Result<Distribution, ScenarioError> {
    let d = spec.get_ref();
    let family = d.dist.get_ref().as_str();
    let present: [(&str, Option<Range<usize>>); 8] = [
        ("mean", d.mean.as_ref().map(|v| v.span())),
        ("cv", d.cv.as_ref().map(|v| v.span())),
        ("shape", d.shape.as_ref().map(|v| v.span())),
        ("scale", d.scale.as_ref().map(|v| v.span())),
        ("min", d.min.as_ref().map(|v| v.span())),
        ("max", d.max.as_ref().map(|v| v.span())),
        ("value", d.value.as_ref().map(|v| v.span())),
        ("values", d.values.as_ref().map(|v| v.span())),
    ];
    let (takes, needs): (&[&str], &[&str]) = match family {
        "exponential" => (&["mean"], &["mean"]),
        "lognormal" | "gamma" => (&["mean", "cv"], &["mean", "cv"]),
        "weibull" => (&["shape", "scale", "mean"], &["shape"]),
        "uniform" => (&["min", "max"], &["min", "max"]),
        "deterministic" => (&["value"], &["value"]),
        "empirical" => (&["values"], &["values"]),
        other => {
            return Err(c.err(
                d.dist.span(),
                format!("{key}.dist"),
                format!("unknown distribution \"{other}\"; allowed: exponential, lognormal, gamma, weibull, uniform, deterministic, empirical"),
            ));
        }
    };
    for (name, span) in &present {
        if let Some(span) = span
            && !takes.contains(name)
        {
            return Err(c.err(
                span.clone(),
                format!("{key}.{name}"),
                format!(
                    "`{name}` does not apply to dist = \"{family}\"; it takes: {}",
                    takes.join(", ")
                ),
            ));
        }
    }
    for name in needs {
        if present.iter().any(|(n, s)| n == name && s.is_none()) {
            return Err(c.err(
                spec.span(),
                key,
                format!(
                    "dist = \"{family}\" needs `{name}`; it takes: {}",
                    takes.join(", ")
                ),
            ));
        }
    }
    let secs =
        |v: &Option<Spanned<crate::duration::Duration>>| v.as_ref().map(|x| x.get_ref().secs());
    let built = match family {
        "exponential" => Distribution::exponential(secs(&d.mean).expect("needed")),
        "lognormal" => Distribution::lognormal(
            secs(&d.mean).expect("needed"),
            *d.cv.as_ref().expect("needed").get_ref(),
        ),
        "gamma" => Distribution::gamma(
            secs(&d.mean).expect("needed"),
            *d.cv.as_ref().expect("needed").get_ref(),
        ),
        "weibull" => {
            let shape = *d.shape.as_ref().expect("needed").get_ref();
            match (secs(&d.scale), secs(&d.mean)) {
                (Some(scale), None) => Distribution::weibull(shape, scale),
                (None, Some(mean)) => Distribution::weibull_with_mean(shape, mean),
                _ => {
                    return Err(c.err(
                        spec.span(),
                        key,
                        "dist = \"weibull\" needs `shape` and exactly one of `scale` or `mean`",
                    ));
                }
            }
        }
        "uniform" => {
            Distribution::uniform(secs(&d.min).expect("needed"), secs(&d.max).expect("needed"))
        }
        "deterministic" => Distribution::deterministic(secs(&d.value).expect("needed")),
        _ => {
            let values: Vec<f64> = d
                .values
                .as_ref()
                .expect("needed")
                .get_ref()
                .iter()
                .map(|v| v.secs())
                .collect();
            Distribution::empirical(&values)
        }
    };
    built.map_err(|e| {
        let span = present
            .iter()
            .find(|(n, _)| *n == e.param)
            .and_then(|(_, s)| s.clone())
            .unwrap_or_else(|| spec.span());
        c.err(span, format!("{key}.{}", e.param), e.message)
    })
}

/// Per-category probabilities from a default and overrides.
fn per_category(
    c: &Checker,
    default: &Option<Spanned<f64>>,
    by: &Option<std::collections::BTreeMap<Spanned<String>, Spanned<f64>>>,
    key: &str,
    category_index: &HashMap<String, u32>,
) -> Result<Vec<f64>, ScenarioError> {
    let base = match default {
        Some(p) => probability(c, p, key)?,
        None => 0.0,
    };
    let mut values = vec![base; category_index.len()];
    for (cat, p) in by.iter().flatten() {
        let k = format!("{key}_by.{}", cat.get_ref());
        let i = lookup(c, category_index, cat, &k, "category")?;
        values[i as usize] = probability(c, p, &k)?;
    }
    Ok(values)
}

/// Checks and builds one `[[bot]]`.
fn compile_bot(
    c: &Checker,
    spanned: &Spanned<RawBot>,
    i: usize,
    channel_index: &HashMap<String, u32>,
    category_index: &HashMap<String, u32>,
    horizon: f64,
) -> Result<Bot, ScenarioError> {
    let b = spanned.get_ref();
    let key = |k: &str| format!("bot[{i}].{k}");
    let channel = lookup(c, channel_index, &b.channel, &key("channel"), "channel")?;
    let session = build_distribution(c, &b.handle_time, &key("handle_time"))?;
    let capacity = match &b.capacity {
        Some(n) if *n.get_ref() < 1 || *n.get_ref() > u32::MAX as i64 - 1 => {
            return Err(c.err(n.span(), key("capacity"), "the capacity is a whole number of concurrent sessions, at least 1 (leave it out for no limit)"));
        }
        Some(n) => *n.get_ref() as u32,
        None => u32::MAX,
    };
    let full_goes_to_humans = match &b.when_full {
        None => false,
        Some(w) => match w.get_ref().as_str() {
            "wait" => false,
            "humans" => true,
            other => {
                return Err(c.err(w.span(), key("when_full"), format!("\"{other}\" is not allowed; when_full is \"wait\" (for the bot) or \"humans\" (straight to the human queues)")));
            }
        },
    };
    let containment = per_category(
        c,
        &b.containment,
        &b.containment_by,
        &key("containment"),
        category_index,
    )?;
    let dropout = per_category(
        c,
        &b.dropout,
        &b.dropout_by,
        &key("dropout"),
        category_index,
    )?;
    let mut names: Vec<(&String, &u32)> = category_index.iter().collect();
    names.sort_by_key(|(_, i)| **i);
    for (name, &k) in names {
        let (p, d) = (containment[k as usize], dropout[k as usize]);
        if p + d > 1.0 + 1e-12 {
            return Err(c.err(spanned.span(), format!("bot[{i}]"), format!("for category \"{name}\" containment ({p}) and drop-out ({d}) add up past 1; what is left goes to humans")));
        }
    }
    let misroute = match &b.misroute {
        Some(p) => probability(c, p, &key("misroute"))?,
        None => 0.0,
    };
    let handover_penalty = match &b.handover_penalty {
        Some(d) => Some(build_distribution(c, d, &key("handover_penalty"))?),
        None => None,
    };
    let mut outages = Vec::with_capacity(b.outages.len());
    for (j, w) in b.outages.iter().enumerate() {
        let (from, to) = (
            w.get_ref().from.get_ref().secs(),
            w.get_ref().to.get_ref().secs(),
        );
        if to <= from || from >= horizon {
            return Err(c.err(
                w.span(),
                format!("bot[{i}].outages[{j}]"),
                format!(
                    "an outage needs from < to, starting inside the horizon (got from {} to {})",
                    crate::duration::Duration::from_secs(from),
                    crate::duration::Duration::from_secs(to)
                ),
            ));
        }
        outages.push((from, to));
    }
    let session_cost = non_negative(c, &b.session_cost, &key("session_cost"))?;
    Ok(Bot {
        session_cost,
        channel,
        session,
        capacity,
        full_goes_to_humans,
        containment,
        dropout,
        misroute,
        handover_penalty,
        outages,
    })
}
