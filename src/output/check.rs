//! What `ccsim check` prints about a compiled scenario: its calendar, channels,
//! categories, streams, replays, bots and groups, in the model's words.

mod rules;
use crate::duration::Duration;
use crate::ids::ContactTypeId;
use crate::model::Model;
use crate::summary::ReplaySummary;
use rules::{patience_line, routes, serve_order};
use std::fmt::Write as _;

pub fn describe_model(model: &Model, source: &str) -> String {
    let mut out = String::new();
    calendar(&mut out, model, source);
    channels(&mut out, model);
    bots(&mut out, model);
    streams(&mut out, model);
    forecast(&mut out, source);
    people(&mut out, model, source);
    super::tours::describe_contracts(&mut out, model);
    groups(&mut out, model);
    totals(&mut out, model);
    out
}

/// The name, horizon, intervals, start date and surges.
fn calendar(out: &mut String, model: &Model, source: &str) {
    let d = Duration::from_secs;
    let _ = writeln!(out, "{source}: OK — scenario \"{}\"", model.name);
    if model.is_cyclic() {
        let _ = writeln!(
            out,
            "  horizon {}, cyclic (a lead-in day is simulated before it and not counted: shifts wrap past midnight, the queue carries over), interval {} ({} intervals), {} replications, seed {}",
            d(model.counted_horizon()),
            d(model.interval),
            model.n_intervals - model.lead_in_intervals(),
            model.replications,
            model.seed
        );
    } else {
        let _ = writeln!(
            out,
            "  horizon {}, interval {} ({} intervals), warm-up {}, {} replications, seed {}",
            d(model.horizon),
            d(model.interval),
            model.n_intervals,
            d(model.warmup),
            model.replications,
            model.seed
        );
    }
    if let Some(start) = model.start {
        let _ = writeln!(out, "  starts {} ({})", start, start.date().strftime("%A"));
    }
    let (day, interval) = model.shared_busyness;
    if day > 0.0 || interval > 0.0 {
        let parts: Vec<String> = [(day, "a day"), (interval, "an interval")]
            .iter()
            .filter(|(cv, _)| *cv > 0.0)
            .map(|(cv, when)| format!("{cv:.2} {when}"))
            .collect();
        let _ = writeln!(
            out,
            "  busyness shared by every channel: cv {}",
            parts.join(" and ")
        );
    }
    for surge in &model.surges {
        let _ = writeln!(
            out,
            "  surge \"{}\" on {}: {} from {} to {}",
            surge.name,
            surge.scope,
            surge.strength,
            crate::duration::clock(surge.from),
            crate::duration::clock(surge.to)
        );
    }
}

/// Each channel: its service-level target, patience and more.
fn channels(out: &mut String, model: &Model) {
    let d = Duration::from_secs;
    let _ = writeln!(out, "  channels ({}):", model.channels.len());
    for (c, ch) in model.channels.iter().enumerate() {
        let mut returns = String::new();
        for (what, rule) in [("redial", &ch.redial), ("repeat", &ch.repeat)] {
            if let Some(r) = rule {
                let target = &model.channels[r.channel.index()].name;
                let on = if target != &ch.name {
                    format!(" on {target}")
                } else {
                    String::new()
                };
                returns += &format!(
                    ", {what} {:.0}% after {}{on} (at most {} attempts)",
                    r.probability * 100.0,
                    r.delay.describe(),
                    r.max_attempts
                );
            }
        }
        if ch.lines > 0 {
            returns += &format!(", {} trunk lines", ch.lines);
        }
        if let Some(cb) = ch.callback {
            returns += &format!(
                ", callback offered after {} ({:.0}% take it)",
                d(cb.after),
                cb.accept * 100.0
            );
        }
        let patience = ch
            .patience
            .as_ref()
            .map_or("none (no abandonment)".to_string(), |p| p.describe());
        if ch.busyness_day_cv > 0.0 || ch.busyness_interval_cv > 0.0 {
            let mut parts = Vec::new();
            if ch.busyness_day_cv > 0.0 {
                parts.push(format!("{:.2} a day", ch.busyness_day_cv));
            }
            if ch.busyness_interval_cv > 0.0 {
                parts.push(format!("{:.2} an interval", ch.busyness_interval_cv));
            }
            returns += &format!(", busyness cv {}", parts.join(" and "));
        }
        let _ = writeln!(
            out,
            "    {:<10} service level {:.0}% within {}, patience {}{returns}",
            ch.name,
            ch.service_level_target * 100.0,
            d(ch.answer_within),
            patience
        );
        if ch.service_level_definition != crate::model::ServiceLevelDefinition::Offered
            || ch.short_abandon > 0.0
        {
            let formula = crate::summary::ServiceLevelSummary::of(ch).formula;
            let short = if ch.short_abandon > 0.0 {
                format!(" (short abandons: within {})", d(ch.short_abandon))
            } else {
                String::new()
            };
            let _ = writeln!(out, "               service level = {formula}{short}");
        }
        if let Some(h) = &ch.hours {
            let _ = writeln!(out, "               {}", hours_line(model, h));
        }
        for (t, ct) in model.contact_types.iter().enumerate() {
            if ct.channel.index() == c && !ct.patience.is_empty() {
                let t = ContactTypeId::from_index(t);
                let _ = writeln!(out, "               {}", patience_line(model, t));
            }
        }
    }
}

/// A channel's opening hours in one line: open time, the first windows, the policies.
fn hours_line(model: &Model, h: &crate::model::OpeningHours) -> String {
    use crate::duration::clock;
    use crate::model::{AtClosing, WhenClosed};
    let open_h = h.open_seconds(model.lead_in, model.horizon) / 3600.0;
    // With a start date, a window is named by its day: `Mon 16 08:00–20:00`.
    let at = |secs: f64| {
        let start = model.start?;
        start
            .checked_add(jiff::SignedDuration::from_secs_f64(secs))
            .ok()
    };
    let window = |a: f64, b: f64| match (at(a), at(b)) {
        (Some(x), Some(y)) => {
            let end = if y.date() == x.date() {
                y.strftime("%H:%M").to_string()
            } else if y.time() == jiff::civil::Time::midnight()
                && x.date().tomorrow().ok() == Some(y.date())
            {
                "24:00".to_string()
            } else {
                y.strftime("%a %d %H:%M").to_string()
            };
            format!("{}–{end}", x.strftime("%a %d %H:%M"))
        }
        _ => format!("{}–{}", clock(a), clock(b)),
    };
    // On the counted day's clock (a cyclic model's lead-in left out).
    let open: Vec<(f64, f64)> = (h.open.iter())
        .filter(|&&(_, b)| b > model.lead_in)
        .map(|&(a, b)| {
            let (a, b) = (a.max(model.lead_in), b.min(model.horizon));
            (model.display_time(a), model.display_time(b))
        })
        .collect();
    let mut windows: Vec<String> = (open.iter().take(4)).map(|&(a, b)| window(a, b)).collect();
    if open.len() > 4 {
        windows.push("…".into());
    }
    let closed = match &h.when_closed {
        WhenClosed::Lose => "lost".to_string(),
        WhenClosed::Defer => "deferred to the opening".to_string(),
        WhenClosed::Redirect { channel, .. } => {
            format!("sent to {}", model.channels[channel.index()].name)
        }
    };
    let at_closing = match h.at_closing {
        AtClosing::Serve => "served",
        AtClosing::Drop => "dropped",
    };
    format!(
        "open {open_h:.1} h of {:.1} h ({}); arriving while closed: {closed}; waiting at closing: {at_closing}",
        model.counted_horizon() / 3600.0,
        if windows.is_empty() {
            "never".to_string()
        } else {
            windows.join(", ")
        }
    )
}

/// Each bot: its sessions, capacity and outcomes.
fn bots(out: &mut String, model: &Model) {
    for bot in &model.bots {
        let mut parts = vec![format!("sessions {}", bot.session.describe())];
        if bot.capacity != u32::MAX {
            let full = if bot.full_goes_to_humans {
                "overflow to humans"
            } else {
                "overflow waits"
            };
            parts.push(format!("capacity {} ({full})", bot.capacity));
        }
        let shares = |v: &[f64]| -> String {
            model
                .categories
                .iter()
                .zip(v)
                .map(|(c, p)| format!("{c} {:.0}%", p * 100.0))
                .collect::<Vec<_>>()
                .join(" ")
        };
        parts.push(format!("contains {}", shares(&bot.containment)));
        if bot.dropout.iter().any(|p| *p > 0.0) {
            parts.push(format!("drop-out {}", shares(&bot.dropout)));
        }
        if bot.misroute > 0.0 {
            parts.push(format!("misroutes {:.0}%", bot.misroute * 100.0));
        }
        for (from, to) in &bot.outages {
            parts.push(format!(
                "down {}–{}",
                crate::duration::clock(*from),
                crate::duration::clock(*to)
            ));
        }
        let _ = writeln!(
            out,
            "  bot on {}: {}",
            model.channels[bot.channel.index()].name,
            parts.join(", ")
        );
    }
}

/// The categories, replayed logs and generated arrival streams.
fn streams(out: &mut String, model: &Model) {
    let _ = writeln!(
        out,
        "  categories ({}): {}",
        model.categories.len(),
        model.categories.join(", ")
    );
    for r in ReplaySummary::of(model) {
        let _ = writeln!(out, "  {}", replay_line(&r));
    }
    let _ = writeln!(out, "  arrival streams ({}):", model.streams.len());
    for s in &model.streams {
        // A cyclic model's lead-in repeats the counted day: counted once.
        let day = &s.rate_per_s[model.lead_in_intervals().min(s.rate_per_s.len())..];
        let expected = day.iter().sum::<f64>() * model.interval;
        let peak = day.iter().cloned().fold(0.0, f64::max) * 3600.0;
        let _ = writeln!(
            out,
            "    {:<24} {:>10.0} contacts over the horizon, peak {:.0}/h{}",
            model.contact_type_name(s.contact_type),
            expected,
            peak,
            if model.priority_levels.len() > 1 {
                format!(", priority {}", model.priority_levels[s.class.index()])
            } else {
                String::new()
            }
        );
    }
    aht_lines(out, model);
}

/// The contact types with a handle time per interval (`[[arrivals]] aht`): the range of
/// the first group's mean over the horizon.
fn aht_lines(out: &mut String, model: &Model) {
    let d = Duration::from_secs;
    let scaled: Vec<usize> = (0..model.contact_types.len())
        .filter(|&t| !model.contact_types[t].handle_scale.is_empty())
        .collect();
    if scaled.is_empty() {
        return;
    }
    let _ = writeln!(out, "  average handle time by interval:");
    for t in scaled {
        let ct = &model.contact_types[t];
        let t = ContactTypeId::from_index(t);
        let Some(&g) = ct.groups.first() else {
            continue;
        };
        let mean = model.handle_time(g, t).mean();
        let lo = ct
            .handle_scale
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
            * mean;
        let hi = ct.handle_scale.iter().copied().fold(0.0, f64::max) * mean;
        let range = if d(lo).to_string() == d(hi).to_string() {
            d(lo).to_string()
        } else {
            format!("{}–{}", d(lo), d(hi))
        };
        let others = if ct.groups.len() > 1 {
            " (other groups in proportion)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    {:<24} {range} at {}{others}",
            model.contact_type_name(t),
            model.groups[g.index()].name
        );
    }
}

/// Each group, in routing priority order: agents, handle time, what it handles.
fn groups(out: &mut String, model: &Model) {
    let d = Duration::from_secs;
    let _ = writeln!(
        out,
        "  groups ({}), in routing priority order:",
        model.groups.len()
    );
    let width = model
        .groups
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(crate::limits::MAX_NAME_CHARS);
    for g in &model.groups {
        let min = g.staffing.iter().min().copied().unwrap_or(0);
        let max = g.staffing.iter().max().copied().unwrap_or(0);
        let mut agents = if min == max {
            format!("{min} agent{} on duty", if min == 1 { "" } else { "s" })
        } else {
            format!("{min}–{max} agents on duty")
        };
        if g.shrinkage > 0.0 {
            let lo = g.scheduled.iter().min().copied().unwrap_or(0);
            let hi = g.scheduled.iter().max().copied().unwrap_or(0);
            let by = &g.shrinkage_by_interval;
            let (s_lo, s_hi) = (
                by.iter().copied().fold(f64::INFINITY, f64::min),
                by.iter().copied().fold(0.0, f64::max),
            );
            let shrinkage = if by.is_empty() {
                format!("{:.0}%", g.shrinkage * 100.0)
            } else if (s_lo * 100.0).round() == (s_hi * 100.0).round() {
                format!("{:.0}% in every interval", s_lo * 100.0)
            } else {
                format!("{:.0}–{:.0}% by interval", s_lo * 100.0, s_hi * 100.0)
            };
            agents += &format!(" ({lo}–{hi} scheduled, shrinkage {shrinkage})");
        }
        if g.hourly_cost > 0.0 {
            agents += &format!(", {} an hour", g.hourly_cost);
        }
        let mut extras = String::new();
        if g.tier != 1 {
            extras += &format!(", tier {}", g.tier);
        }
        if g.concurrency > 1 {
            extras += &format!(
                ", {} conversations at once (each {:.0}% slower per extra one)",
                g.concurrency,
                g.concurrency_slowdown * 100.0
            );
        }
        if g.overflow_after > 0.0 {
            extras += &format!(", takes contacts after {} of waiting", d(g.overflow_after));
        }
        for (c, channel) in model.channels.iter().enumerate() {
            let of_channel: Vec<(ContactTypeId, String)> = g
                .handle_time_by
                .iter()
                .filter(|(t, _)| model.contact_types[t.index()].channel.index() == c)
                .map(|(t, d)| (*t, d.describe()))
                .collect();
            let same = of_channel.windows(2).all(|w| w[0].1 == w[1].1);
            if of_channel.len() == model.categories.len() && model.categories.len() > 1 && same {
                extras += &format!(", {}/* takes {}", channel.name, of_channel[0].1);
            } else {
                for (t, d) in &of_channel {
                    extras += &format!(", {} takes {d}", model.contact_type_name(*t));
                }
            }
        }
        let resolve = &g.resolve;
        if resolve.iter().all(|p| *p == resolve[0]) && resolve[0] < 1.0 {
            extras += &format!(", resolves {:.0}%", resolve[0] * 100.0);
        } else if resolve.iter().any(|p| *p < 1.0) {
            let shown: Vec<String> = model
                .categories
                .iter()
                .zip(resolve)
                .map(|(c, p)| format!("{c} {:.0}%", p * 100.0))
                .collect();
            extras += &format!(", resolves {}", shown.join(" "));
        }
        let targets: Vec<String> = model
            .categories
            .iter()
            .zip(&g.escalate_to)
            .filter_map(|(c, t)| t.map(|t| format!("{c}→{}", model.groups[t.index()].name)))
            .collect();
        if !targets.is_empty() {
            extras += &format!(", escalates {}", targets.join(" "));
        }
        if let Some(order) = serve_order(model, g) {
            extras += &format!(", serves {order}");
        }
        let _ = writeln!(
            out,
            "    {:<width$}  {agents}, handle time {}, handles {}{extras}",
            g.name,
            g.handle_time.describe(),
            handled_pairs(model, &g.handles)
        );
        if let Some(line) = shifts_across_midnight(model, &g.shifts) {
            let _ = writeln!(out, "    {:<width$}  {line}", "");
        }
    }
    routes(out, model);
}

/// The shifts that reach past the day (in a cyclic model: they wrap, `22:00–06:30 (+1d)`)
/// or that started before the horizon (`-2h–06:00`), agents of equal shifts added up; none
/// otherwise (a plain scenario's shifts are not listed).
fn shifts_across_midnight(model: &Model, shifts: &[crate::model::RosterShift]) -> Option<String> {
    use crate::duration::{SignedDuration, clock};
    let day = model.counted_horizon();
    let mut found: Vec<(f64, f64, u32)> = Vec::new();
    for sh in shifts {
        let wraps = model.is_cyclic() && sh.start + sh.length > day;
        if !(wraps || sh.start < 0.0) {
            continue;
        }
        match found
            .iter_mut()
            .find(|f| (f.0, f.1) == (sh.start, sh.length))
        {
            Some(f) => f.2 += sh.agents,
            None => found.push((sh.start, sh.length, sh.agents)),
        }
    }
    if found.is_empty() {
        return None;
    }
    let shown: Vec<String> = (found.iter())
        .map(|&(start, length, n)| {
            let end = start + length;
            let from = match start < 0.0 {
                true => SignedDuration::from_secs(start).to_string(),
                false => clock(start),
            };
            let to = match end > day {
                true => format!("{} (+1d)", clock(end - day)),
                false => clock(end),
            };
            format!("{from}–{to} × {n}")
        })
        .collect();
    let what = match model.is_cyclic() {
        true => "shifts across midnight (cyclic: each also covers the morning it ends in)",
        false => "shifts started before the horizon (on duty and paid from 0)",
    };
    Some(format!("{what}: {}", shown.join(", ")))
}

/// The volume and scheduled agent hours, a day or over the horizon.
fn totals(out: &mut String, model: &Model) {
    let d = Duration::from_secs;
    let days = model.counted_horizon() / 86_400.0;
    // Generated streams, plus every replayed row (before volume scaling) in the horizon.
    let replayed: f64 = model
        .replays
        .iter()
        .map(|r| r.scan.as_ref().map_or(0, |s| s.replayed) as f64 * r.volume_scale)
        .sum();
    let volume = model.expected_arrivals() + replayed + 0.0;
    let agent_hours = model.agent_hours();
    if !model.replays.is_empty()
        && (!model.surges.is_empty()
            || model
                .channels
                .iter()
                .any(|c| c.busyness_day_cv > 0.0 || c.busyness_interval_cv > 0.0))
    {
        let _ = writeln!(
            out,
            "  note: surges, day-of-week factors and busyness shape the generated streams only, not the replayed rows"
        );
    }
    if (days - 1.0).abs() < 1e-9 {
        let _ = writeln!(
            out,
            "  total daily volume {volume:.0} contacts; total scheduled agent hours {agent_hours:.1}"
        );
    } else {
        let _ = writeln!(
            out,
            "  total volume {volume:.0} contacts over the {} horizon ({:.0} a day); total scheduled agent hours {agent_hours:.1}",
            d(model.counted_horizon()),
            volume / days
        );
    }
}

/// The pairs a group handles, with a channel's categories folded into `channel/*` when
/// the group handles all of them.
fn handled_pairs(model: &Model, handles: &[ContactTypeId]) -> String {
    let mut parts = Vec::new();
    for (c, channel) in model.channels.iter().enumerate() {
        let of_channel: Vec<ContactTypeId> = handles
            .iter()
            .copied()
            .filter(|&t| model.contact_types[t.index()].channel.index() == c)
            .collect();
        if of_channel.len() == model.categories.len() && model.categories.len() > 1 {
            parts.push(format!("{}/*", channel.name));
        } else {
            parts.extend(of_channel.iter().map(|&t| model.contact_type_name(t)));
        }
    }
    if parts.is_empty() {
        return "nothing from the queues (escalations only)".into();
    }
    parts.join(", ")
}

/// A replayed log in one line for people: what `ccsim check` and `ccsim run` say of it.
pub fn replay_line(r: &ReplaySummary) -> String {
    let mut line = format!(
        "replay {}: {} rows, {} in the horizon, {} outside",
        r.file, r.rows, r.replayed, r.outside_horizon
    );
    if r.returns_left_to_model > 0 {
        line += &format!(
            ", {} redials and repeats left to the scenario's return model",
            r.returns_left_to_model
        );
    }
    if r.volume_scale != 1.0 {
        line += &format!(", volume ×{}", r.volume_scale);
    }
    if r.bootstrap {
        line += ", bootstrapped";
    }
    if !r.ignored_columns.is_empty() {
        line += &format!(", columns not used: {}", r.ignored_columns.join(", "));
    }
    if r.bad_rows > 0 {
        line += &format!(
            ", {} bad rows skipped (first: {})",
            r.bad_rows,
            r.first_bad_rows.join("; ")
        );
    }
    line
}

/// The scenario's `[optimize] people` file, when it has one and it reads (`ccsim check`
/// reports its errors before describing the scenario).
fn people(out: &mut String, model: &Model, source: &str) {
    let Some(Ok(f)) = crate::optimize::people::of_scenario(std::path::Path::new(source), model)
    else {
        return;
    };
    let groups: Vec<String> = model.groups.iter().map(|g| g.name.clone()).collect();
    super::people::describe_people(out, &f, &groups);
}

/// The scenario's `[forecast]` file, when it has one: rows, days, intervals, the intervals
/// without rows (closed), volume per channel and day, and the handle-time and shrinkage
/// ranges per channel. `source` is the scenario's path (the forecast is read again).
fn forecast(out: &mut String, source: &str) {
    let Some(Ok(f)) = crate::forecast::of_scenario(std::path::Path::new(source)) else {
        return;
    };
    let d = Duration::from_secs;
    let days = (f.n_intervals as f64 * f.interval / 86_400.0)
        .ceil()
        .max(1.0) as usize;
    let sheet = f
        .sheet
        .as_ref()
        .map(|s| format!(" (sheet \"{s}\")"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  forecast {}{sheet}: {} rows of {}{}, {} day{} from {}, {} intervals of {}",
        f.file,
        f.rows,
        d(f.row_length),
        if f.rows_outside > 0 {
            format!(" ({} outside the horizon, skipped)", f.rows_outside)
        } else {
            String::new()
        },
        days,
        if days == 1 { "" } else { "s" },
        f.start.date(),
        f.n_intervals,
        d(f.interval)
    );
    if f.empty_intervals > 0 {
        let _ = writeln!(
            out,
            "    {} of the intervals have no row: closed (no contacts)",
            f.empty_intervals
        );
    }
    if !f.closed_intervals.is_empty() {
        let by_channel: Vec<String> = (f.closed_intervals.iter())
            .map(|(name, n)| format!("{name} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "    closed by the opening hours, intervals of {}: {}",
            f.n_intervals,
            by_channel.join(", ")
        );
    }
    // Channels in the order first read, with their streams' volumes per day.
    let mut channels: Vec<ChannelDays<'_>> = Vec::new();
    let per_day = (86_400.0 / f.interval).round().max(1.0) as usize;
    for s in &f.streams {
        let k = match channels.iter().position(|c| c.0 == s.channel) {
            Some(k) => k,
            None => {
                channels.push((&s.channel, vec![0.0; days], None));
                channels.len() - 1
            }
        };
        for (j, v) in s.volume.iter().enumerate() {
            channels[k].1[(j / per_day).min(days - 1)] += v;
        }
        if let Some(aht) = &s.aht {
            for (a, v) in aht.iter().zip(&s.volume) {
                if *v > 0.0 {
                    let r = channels[k].2.get_or_insert((*a, *a));
                    *r = (r.0.min(*a), r.1.max(*a));
                }
            }
        }
    }
    forecast_days(out, &f, &channels, days);
    let ahts: Vec<String> = channels
        .iter()
        .filter_map(|(name, _, r)| {
            r.map(|(lo, hi)| format!("{name} {}–{}", d(lo.round()), d(hi.round())))
        })
        .collect();
    if !ahts.is_empty() {
        let _ = writeln!(out, "    AHT (wrap-up included): {}", ahts.join(", "));
    }
    let shrink: Vec<String> = f
        .shrinkage
        .iter()
        .map(|s| {
            let lo = s.shrinkage.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = s.shrinkage.iter().cloned().fold(0.0, f64::max);
            format!("{} {:.0}–{:.0} %", s.channel, lo * 100.0, hi * 100.0)
        })
        .collect();
    if !shrink.is_empty() {
        let _ = writeln!(out, "    shrinkage: {}", shrink.join(", "));
    }
}

/// A channel's name, volume per day and AHT range (seconds), for the forecast section.
type ChannelDays<'a> = (&'a str, Vec<f64>, Option<(f64, f64)>);

/// The forecast's volume per channel and day: a table for up to two weeks, else each
/// channel's total, mean, fewest and most a day.
fn forecast_days(
    out: &mut String,
    f: &crate::forecast::Forecast,
    channels: &[ChannelDays<'_>],
    days: usize,
) {
    if days <= 14 {
        let mut header = format!("    {:<14}", "volume per day");
        for day in 0..days {
            let date = f
                .start
                .date()
                .checked_add(jiff::Span::new().days(day as i64));
            let label = date.map_or_else(
                |_| format!("day {}", day + 1),
                |x| x.strftime("%a %d").to_string(),
            );
            let _ = write!(header, " {label:>8}");
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (name, volume, _) in channels {
            let mut line = format!("    {name:<14}");
            for v in volume {
                let _ = write!(line, " {v:>8.0}");
            }
            let _ = writeln!(out, "{line}");
        }
    } else {
        for (name, volume, _) in channels {
            let total: f64 = volume.iter().sum();
            let lo = volume.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = volume.iter().cloned().fold(0.0, f64::max);
            let _ = writeln!(
                out,
                "    {name:<14} {total:.0} contacts, {:.0} a day (fewest {lo:.0}, most {hi:.0})",
                total / days as f64
            );
        }
    }
}
