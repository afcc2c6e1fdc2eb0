//! Checks a raw scenario for meaning (names exist, lists fit the horizon, numbers are in
//! range) and compiles it into a [`Model`] with dense indices.
//!
//! [`compile`] runs the sections in a fixed order — simulation settings, channels,
//! categories, arrivals (with replays and surges), groups, their links to the contact
//! types, priority levels, transfers, redials and repeats, opening hours, bots,
//! `[optimize]`, the run's kind — and stops at the first error, so that a file with several mistakes always
//! reports the same one first. Contact types are created on first mention (by arrivals or
//! a group's handles) in [`ContactTypes`]. The sections' details live in the files of
//! `compile/`; `[optimize]` is compiled by `super::optimize_section` from the names and
//! sizes compiled here.

mod arrivals;
mod bots;
mod channels;
mod cyclic;
mod distributions;
mod groups;
mod hours;
mod links;
mod patience;
mod routing;
mod surges;

use crate::ids::{BotId, CategoryId, ChannelId, ClassId, ContactTypeId};
pub(crate) use arrivals::parse_start;
use arrivals::{arrival_rates, category_shares, compile_replays, day_of_week_factors};
use bots::compile_bot;
use channels::{compile_channels, compile_returns};
pub(super) use cyclic::refuse_longer_forecast;
use distributions::build_distribution;
use groups::compile_groups;
pub(crate) use hours::raw_open_windows;
use surges::{CompiledSurge, compile_surges};

use super::ScenarioError;
use super::checker::{Checker, lookup};
use super::optimize_section::{Names, compile_optimize};
use super::raw::{RawScenario, RawSimulation};
use crate::model::{ArrivalStream, Bot, Channel, ContactType, Model, RunKind, TransferPolicy};
use std::collections::HashMap;
use std::ops::Range;

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
    let settings = simulation_settings(&c, sim)?;
    let cyclic = cyclic::cyclic(&c, raw, arrivals_given)?;
    let (channel_index, mut channels) = compile_channels(&c, raw)?;
    let n_intervals = settings.n_intervals;
    check_interval_cells(&c, sim, n_intervals, channels.len())?;
    let (category_index, categories) = compile_categories(&c, raw)?;
    let mut types = ContactTypes::default();

    let (replays, surges, mut streams) = compile_arrivals(
        &c,
        raw,
        &settings,
        (&channel_index, &category_index),
        arrivals_given,
        &mut types,
    )?;

    let (group_index, mut groups) = compile_groups(
        &c,
        raw,
        (
            settings.n_intervals,
            settings.interval,
            settings.horizon,
            cyclic,
        ),
        (&channel_index, &category_index),
        &mut types,
    )?;
    let (mut contact_types, handle_slot) = links::link_types(
        &c,
        raw,
        types,
        &groups,
        &streams,
        (&channels, &categories),
        (&channel_index, &category_index, &group_index),
    )?;
    let priority_levels = priority_classes(&c, raw, &mut streams)?;

    let (transfers, patiences, bots) = behaviour(
        &c,
        raw,
        &settings,
        (&channel_index, &category_index, &group_index),
        (&mut channels, &mut groups, &mut contact_types),
        &categories,
    )?;
    let names = Names {
        groups: &group_index,
        channels: &channel_index,
        categories: &category_index,
    };
    let optimize = optimize_section(&c, raw, &names, (&groups, &channels, &bots), &settings)?;
    if let Some(problem) = sim.name.as_deref().and_then(crate::limits::name_problem) {
        return Err(c.err(raw.simulation.span(), "simulation.name", problem));
    }
    let kind = run_kind(&c, sim)?;
    let mut model = Model {
        name: sim.name.clone().unwrap_or_else(|| default_name.to_string()),
        horizon: settings.horizon,
        warmup: settings.warmup,
        interval: settings.interval,
        n_intervals,
        replications: settings.replications,
        seed: settings.seed,
        start: settings.start,
        kind,
        surges: surges.iter().map(|s| s.summary.clone()).collect(),
        replays,
        channels,
        categories,
        contact_types,
        streams: streams.streams,
        groups,
        priority_levels,
        transfers,
        bots,
        handle_slot,
        optimize,
        report_closed: false,
        lead_in: 0.0,
        shared_busyness: channels::shared_busyness(&c, sim)?,
        patiences,
    };
    if cyclic {
        model.unroll_cyclic();
    }
    Ok(model)
}

/// What happens to contacts once they arrive, in order: the `[transfers]` policy, redials
/// and repeats, opening hours, patience by category and hours, the groups' serve orders,
/// the bots.
fn behaviour(
    c: &Checker,
    raw: &RawScenario,
    settings: &Settings,
    names: routing::RouteNames,
    (channels, groups, contact_types): (
        &mut Vec<Channel>,
        &mut Vec<crate::model::Group>,
        &mut Vec<ContactType>,
    ),
    categories: &[String],
) -> Result<
    (
        TransferPolicy,
        Vec<crate::distribution::Distribution>,
        Vec<Bot>,
    ),
    ScenarioError,
> {
    let (channel_index, category_index, _) = names;
    let transfers = transfer_policy(c, raw)?;
    compile_returns(c, raw, channel_index, channels, contact_types, categories)?;
    let hours_context = hours::HoursContext {
        horizon: settings.horizon,
        start: settings.start,
        channel_index,
        contact_types,
        categories,
    };
    hours::compile_hours(c, raw, &hours_context, channels)?;
    let patiences = patience::compile_patience(
        c,
        raw,
        (settings.n_intervals, settings.interval),
        category_index,
        channels,
        contact_types,
    )?;
    routing::serve_orders(c, raw, names, groups, contact_types)?;
    let bots = compile_bots(
        c,
        raw,
        (channel_index, category_index),
        settings.horizon,
        channels,
    )?;
    Ok((transfers, patiences, bots))
}

/// `[optimize]`, compiled when the scenario has one.
fn optimize_section(
    c: &Checker,
    raw: &RawScenario,
    names: &Names,
    (groups, channels, bots): (&[crate::model::Group], &[Channel], &[Bot]),
    settings: &Settings,
) -> Result<Option<crate::model::OptimizeSpec>, ScenarioError> {
    (raw.optimize.as_ref())
        .map(|o| {
            compile_optimize(
                c,
                o,
                names,
                groups.len(),
                channels,
                bots,
                settings.interval,
                settings.horizon,
                settings.replications,
                settings.start,
                raw.simulation.get_ref().horizon.span(),
            )
        })
        .transpose()
}

/// Intervals × channels (the per-interval results) at most [`MAX_INTERVAL_CELLS`].
fn check_interval_cells(
    c: &Checker,
    sim: &RawSimulation,
    n_intervals: usize,
    n_channels: usize,
) -> Result<(), ScenarioError> {
    if n_intervals * n_channels > MAX_INTERVAL_CELLS {
        return Err(c.err(
            sim.interval.span(),
            "simulation.interval",
            format!(
                "{n_intervals} intervals × {} channels make {} per-interval results; at most {MAX_INTERVAL_CELLS}: use a longer interval or a shorter horizon",
                n_channels,
                n_intervals * n_channels
            ),
        ));
    }
    Ok(())
}

/// Name → index of the channels and of the categories.
type ChannelCategoryNames<'a> = (
    &'a HashMap<String, ChannelId>,
    &'a HashMap<String, CategoryId>,
);

/// The `[simulation]` table, checked.
struct Settings {
    /// Seconds.
    horizon: f64,
    /// Seconds.
    interval: f64,
    n_intervals: usize,
    /// Seconds, a whole number of intervals.
    warmup: f64,
    replications: u32,
    seed: u64,
    start: Option<jiff::civil::DateTime>,
}

/// The horizon, interval, warm-up, replications, seed and start date.
fn simulation_settings(c: &Checker, sim: &RawSimulation) -> Result<Settings, ScenarioError> {
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
    let warmup = warmup(c, sim, horizon, interval)?;
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
    let start = start_date(c, sim)?;
    Ok(Settings {
        horizon,
        interval,
        n_intervals,
        warmup,
        replications,
        seed,
        start,
    })
}

/// The warm-up in seconds: shorter than the horizon, a whole number of intervals.
fn warmup(
    c: &Checker,
    sim: &RawSimulation,
    horizon: f64,
    interval: f64,
) -> Result<f64, ScenarioError> {
    let Some(w) = &sim.warmup else {
        return Ok(0.0);
    };
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
    Ok(k.round() * interval)
}

/// `simulation.start`: a date, at midnight.
fn start_date(
    c: &Checker,
    sim: &RawSimulation,
) -> Result<Option<jiff::civil::DateTime>, ScenarioError> {
    let Some(text) = &sim.start else {
        return Ok(None);
    };
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
    Ok(Some(at))
}

/// The categories' names and their index.
fn compile_categories(
    c: &Checker,
    raw: &RawScenario,
) -> Result<(HashMap<String, CategoryId>, Vec<String>), ScenarioError> {
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
    Ok((category_index, categories))
}

/// The contact types (channel × category), each created on first mention, by arrivals or
/// by a group's handles, numbered in that order.
#[derive(Default)]
struct ContactTypes {
    types: Vec<ContactType>,
    index: HashMap<(ChannelId, CategoryId), ContactTypeId>,
}

impl ContactTypes {
    /// The index of (channel, category), created if new.
    fn of(&mut self, channel: ChannelId, category: CategoryId) -> ContactTypeId {
        let types = &mut self.types;
        *self.index.entry((channel, category)).or_insert_with(|| {
            types.push(ContactType {
                channel,
                category,
                groups: Vec::new(),
                overflow_waits: Vec::new(),
                // Set by a repeat rule of its channel; unused without one.
                repeat_as: ContactTypeId::new(u32::MAX),
                backlog: false,
                // Set from the `aht` of its `[[arrivals]]`, if any.
                handle_scale: Vec::new(),
                // Set by the channel's `patience_by`, if any.
                patience: Vec::new(),
            });
            ContactTypeId::from_index(types.len() - 1)
        })
    }
}

/// The arrival streams and, per stream, what its errors need: its priority as written,
/// its `[[arrivals]]` entry (a `mix` makes several streams of one entry) and its span.
struct Streams {
    streams: Vec<ArrivalStream>,
    priorities: Vec<i64>,
    spans: Vec<Range<usize>>,
    entry: Vec<usize>,
    /// Each stream's `aht` per interval, seconds, when its entry gives one.
    aht: Vec<Option<Vec<f64>>>,
}

/// The arrival side, in order: at least one stream or log, the `[[replay]]` logs, the
/// surges, then the streams with the surges folded in.
fn compile_arrivals(
    c: &Checker,
    raw: &RawScenario,
    settings: &Settings,
    names: ChannelCategoryNames,
    arrivals_given: bool,
    types: &mut ContactTypes,
) -> Result<
    (
        Vec<crate::contact_log::ReplaySpec>,
        Vec<CompiledSurge>,
        Streams,
    ),
    ScenarioError,
> {
    if raw.arrivals.is_empty() && raw.replay.is_empty() && !arrivals_given {
        return Err(c.err(
            raw.simulation.span(),
            "arrivals",
            "the scenario needs at least one [[arrivals]] stream or [[replay]] log (or a log given with --arrivals)",
        ));
    }
    let replays = compile_replays(c, raw)?;
    let surges = compile_surges(c, raw, names.0, names.1, settings.horizon)?;
    let streams = compile_streams(c, raw, settings, names, &surges, types)?;
    Ok((replays, surges, streams))
}

/// Every `[[arrivals]]` entry as one stream per category of its mix: base rates ×
/// share × day-of-week factor, surged; at most [`MAX_RATE_PER_HOUR`] at the peak.
fn compile_streams(
    c: &Checker,
    raw: &RawScenario,
    settings: &Settings,
    (channel_index, category_index): ChannelCategoryNames,
    surges: &[CompiledSurge],
    types: &mut ContactTypes,
) -> Result<Streams, ScenarioError> {
    let (n_intervals, interval) = (settings.n_intervals, settings.interval);
    let n = raw.arrivals.len();
    let mut out = Streams {
        streams: Vec::with_capacity(n),
        priorities: Vec::with_capacity(n),
        spans: Vec::with_capacity(n),
        entry: Vec::with_capacity(n),
        aht: Vec::with_capacity(n),
    };
    for (i, arr) in raw.arrivals.iter().enumerate() {
        let a = arr.get_ref();
        let ch = lookup(
            c,
            channel_index,
            &a.channel,
            &format!("arrivals[{i}].channel"),
            "channel",
        )?;
        let shares = category_shares(c, a, arr.span(), i, category_index)?;
        let cells =
            (out.streams.len() + shares.len() + raw.group.len()).saturating_mul(n_intervals);
        if cells > MAX_TIMELINE_CELLS {
            return Err(c.err(
                arr.span(),
                format!("arrivals[{i}]"),
                format!(
                    "{} arrival streams and {} groups over {n_intervals} intervals make {cells} per-interval rates and staffing levels; at most {MAX_TIMELINE_CELLS}: use fewer streams (a `mix` per channel), a longer interval or a shorter horizon",
                    out.streams.len() + shares.len(),
                    raw.group.len()
                ),
            ));
        }
        let base = arrival_rates(c, a, arr.span(), i, n_intervals, interval)?;
        let day_factors = day_of_week_factors(c, a, i, settings.start)?;
        let aht = arrivals::stream_aht(c, a, i, n_intervals)?;
        for (cat, share) in shares {
            let mut rate_per_s: Vec<f64> = base.iter().map(|r| r * share).collect();
            if let Some(f) = &day_factors {
                for (k, r) in rate_per_s.iter_mut().enumerate() {
                    *r *= f[((k as f64 + 0.5) * interval / 86_400.0) as usize % 7];
                }
            }
            for surge in surges {
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
            out.streams.push(ArrivalStream {
                contact_type: types.of(ch, cat),
                rate_per_s,
                class: ClassId::new(0),
                entry: i,
            });
            out.priorities.push(priority);
            out.spans.push(arr.span());
            out.entry.push(i);
            out.aht.push(aht.clone());
        }
    }
    Ok(out)
}

/// The distinct priority levels, highest first (at most 16), and each stream's class
/// (its level's position).
fn priority_classes(
    c: &Checker,
    raw: &RawScenario,
    streams: &mut Streams,
) -> Result<Vec<i64>, ScenarioError> {
    let priorities = &streams.priorities;
    let mut priority_levels = priorities.clone();
    priority_levels.sort_unstable_by(|a, b| b.cmp(a));
    priority_levels.dedup();
    if priority_levels.len() > 16 {
        let i = priorities
            .iter()
            .position(|p| *p == priority_levels[16])
            .unwrap_or(0);
        let span = raw.arrivals[streams.entry[i]]
            .get_ref()
            .priority
            .as_ref()
            .map_or(streams.spans[i].clone(), |p| p.span());
        return Err(c.err(
            span,
            format!("arrivals[{}].priority", streams.entry[i]),
            "at most 16 distinct priority levels are supported",
        ));
    }
    for (s, p) in streams.streams.iter_mut().zip(priorities) {
        s.class = ClassId::from_index(priority_levels.iter().position(|l| l == p).expect("listed"));
    }
    Ok(priority_levels)
}

/// The `[[bot]]`s, one per channel at most, each set on its channel.
fn compile_bots(
    c: &Checker,
    raw: &RawScenario,
    (channel_index, category_index): ChannelCategoryNames,
    horizon: f64,
    channels: &mut [Channel],
) -> Result<Vec<Bot>, ScenarioError> {
    let mut bots = Vec::with_capacity(raw.bot.len());
    for (i, b) in raw.bot.iter().enumerate() {
        let bot = compile_bot(c, b, i, channel_index, category_index, horizon)?;
        let channel = &mut channels[bot.channel.index()];
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
        channel.bot = Some(BotId::from_index(i));
        bots.push(bot);
    }
    Ok(bots)
}

/// `simulation.kind`: terminating or steady-state, or unsaid.
fn run_kind(c: &Checker, sim: &RawSimulation) -> Result<Option<RunKind>, ScenarioError> {
    let Some(k) = &sim.kind else {
        return Ok(None);
    };
    Ok(Some(match k.get_ref().as_str() {
        "terminating" => RunKind::Terminating,
        "steady_state" => RunKind::SteadyState,
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
    }))
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
