//! Many replications of one model in parallel (rayon), combined into estimates with
//! Student-t 95 % confidence intervals. Results are collected in replication order, so
//! they are identical whatever the number of threads.

use crate::engine::{self, AttemptLog, ContactFeed, Workspace};
use crate::error::{Error, ErrorKind};
use crate::model::Model;
pub use crate::stats::{Estimate, Moments, t_quantile_975};
use crate::stats::{GroupMetrics, QueueMetrics, ReplicationOutcome, Risk, RiskSamples};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How to run an experiment.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Number of replications.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

/// The outcomes of every replication of one run.
#[derive(Clone, Debug, Default)]
pub struct RunResult {
    /// One outcome per replication, in replication order. After [`run_folded`] their
    /// per-interval metrics are empty: they are in `intervals`, folded.
    pub outcomes: Vec<ReplicationOutcome>,
    /// Wall-clock seconds of the simulation itself.
    pub wall_s: f64,
    /// The per-interval metrics folded over the replications as they ended (by
    /// [`run_folded`]); `None` when every outcome keeps its own.
    pub intervals: Option<IntervalMoments>,
}

impl RunResult {
    /// Events processed over all replications.
    pub fn events(&self) -> u64 {
        self.outcomes.iter().map(|o| o.events).sum()
    }

    /// Arrivals simulated over all replications, warm-up included.
    pub fn contacts(&self) -> u64 {
        self.outcomes.iter().map(|o| o.contacts).sum()
    }

    /// The estimate of one metric, read from each replication by `metric`.
    pub fn estimate(&self, metric: impl Fn(&ReplicationOutcome) -> f64) -> Estimate {
        Estimate::from_samples(self.outcomes.iter().map(metric))
    }

    /// The per-interval metrics folded over the replications: those [`run_folded`] kept,
    /// or folded now from the outcomes, in replication order (so both give the same
    /// numbers).
    pub fn interval_moments(&self, model: &Model) -> std::borrow::Cow<'_, IntervalMoments> {
        match &self.intervals {
            Some(m) => std::borrow::Cow::Borrowed(m),
            None => {
                let mut m = IntervalMoments::default();
                for o in &self.outcomes {
                    m.fold(o, model);
                }
                std::borrow::Cow::Owned(m)
            }
        }
    }
}

/// A run's per-interval metrics folded over its replications, in replication order: what
/// a run keeps instead of every replication's intervals (memory independent of the
/// number of replications), and all that its summary and warm-up check need.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntervalMoments {
    /// Replications folded.
    pub replications: u32,
    /// Per reported interval and channel (`interval * n_channels + channel`), one per
    /// [`QueueMetrics`] field.
    pub queue: Vec<[Moments; QueueMetrics::FIELDS]>,
    /// Per reported interval and group, one per [`GroupMetrics`] field.
    pub group: Vec<[Moments; GroupMetrics::FIELDS]>,
    /// Per reported interval, the groups' mean occupancy (Welch's warm-up check).
    pub occupancy: Vec<Moments>,
    /// The groups' mean occupancy over the second half of the reported intervals.
    pub level: Moments,
    /// Per reported interval and channel, what the risk across days needs
    /// ([`RiskSamples`]: each replication's service level, ASA and abandon rate).
    pub risk: RiskSamples,
}

impl IntervalMoments {
    /// Folds one replication's per-interval metrics in (replications must come in order).
    pub fn fold(&mut self, o: &ReplicationOutcome, model: &Model) {
        let n_groups = model.groups.len();
        let n_channels = model.channels.len().max(1);
        self.risk.push(&o.intervals, |cell| {
            (model.channels.get(cell % n_channels)).map_or(f64::NAN, |c| c.service_level_target)
        });
        if self.replications == 0 {
            self.queue = vec![[Moments::default(); QueueMetrics::FIELDS]; o.intervals.len()];
            self.group = vec![[Moments::default(); GroupMetrics::FIELDS]; o.group_intervals.len()];
            let k = o.group_intervals.len().checked_div(n_groups).unwrap_or(0);
            self.occupancy = vec![Moments::default(); k];
        }
        self.replications += 1;
        for (acc, m) in self.queue.iter_mut().zip(&o.intervals) {
            for (a, v) in acc.iter_mut().zip(m.values()) {
                a.push(v);
            }
        }
        for (acc, m) in self.group.iter_mut().zip(&o.group_intervals) {
            for (a, v) in acc.iter_mut().zip(m.values()) {
                a.push(v);
            }
        }
        let k = self.occupancy.len();
        if k == 0 {
            return;
        }
        // Y[k]: mean occupancy of the groups in interval k of this replication.
        let y: Vec<f64> = (0..k)
            .map(|i| {
                let cells = o.group_intervals.get(i * n_groups..(i + 1) * n_groups);
                let v: Vec<f64> = (cells.unwrap_or(&[]).iter())
                    .map(|g| g.occupancy)
                    .filter(|x| x.is_finite())
                    .collect();
                if v.is_empty() {
                    f64::NAN
                } else {
                    v.iter().sum::<f64>() / v.len() as f64
                }
            })
            .collect();
        for (a, &v) in self.occupancy.iter_mut().zip(&y) {
            a.push(v);
        }
        self.level
            .push(y[k / 2..].iter().sum::<f64>() / (k - k / 2) as f64);
    }

    /// Estimates of a (interval, channel) cell's metrics: each field's [`Estimate`].
    pub fn queue_cell(&self, cell: usize) -> [Estimate; QueueMetrics::FIELDS] {
        let none = [Moments::default(); QueueMetrics::FIELDS];
        self.queue.get(cell).unwrap_or(&none).map(|m| m.estimate())
    }

    /// The risk across days of a (interval, channel) cell whose channel's service-level
    /// target is `target`.
    pub fn queue_risk(&self, cell: usize, target: f64) -> Risk {
        self.risk.cell(cell, target)
    }

    /// Estimates of a (interval, group) cell's metrics.
    pub fn group_cell(&self, cell: usize) -> [Estimate; GroupMetrics::FIELDS] {
        let none = [Moments::default(); GroupMetrics::FIELDS];
        self.group.get(cell).unwrap_or(&none).map(|m| m.estimate())
    }
}

/// What a run that keeps `held` replications' outcomes holds at its peak, in bytes, an
/// estimate from the model's shape: every held outcome (per interval × channel and
/// interval × group metrics, per channel, category and priority — without the
/// per-interval part when the run is `folded`, see [`run_folded`] — and its risk
/// samples), each worker thread's
/// tallies (a wait histogram per interval × channel, see [`cell_waits_bytes`]), and the
/// summary and output text made from them (about four outcomes' worth).
pub fn planned_bytes(model: &Model, held: u64, threads: usize, folded: bool) -> u64 {
    use crate::stats::{GroupMetrics, QueueMetrics, QueueTally, WaitHistogram};
    use std::mem::size_of;
    let n_int = model.n_intervals as u64;
    let n_ch = model.channels.len() as u64;
    let n_g = model.groups.len() as u64;
    let scopes = 1 + n_ch + model.categories.len() as u64 + model.priority_levels.len() as u64;
    let queue = size_of::<QueueMetrics>() as u64;
    let group = size_of::<GroupMetrics>() as u64;
    let per_interval = n_int * n_ch * queue + n_int * n_g * group;
    let outcome = scopes * queue + n_g * group + n_ch * 19 * 8 + per_interval;
    let tallies = (n_int * n_ch + scopes) * size_of::<QueueTally>() as u64
        + scopes * WaitHistogram::BYTES as u64
        + cell_waits_bytes(model)
        + n_int * n_g * 16;
    // A folded run keeps each replication without its intervals, and their moments
    // (four numbers for each) once; either way the risk across days keeps three `f32`
    // per interval × channel of each replication ([`RiskSamples`]).
    let risk = n_int * n_ch * 12;
    let (kept, once) = if folded {
        (outcome - per_interval + risk, 4 * per_interval)
    } else {
        (outcome + risk, 0)
    };
    held.saturating_mul(kept)
        .saturating_add((threads as u64).saturating_mul(tallies))
        .saturating_add(4 * outcome + once)
}

/// What one worker's per-interval wait histograms (one per interval × channel) hold, in
/// bytes, an estimate: a histogram costs what it holds ([`WaitHistogram`]), a short list
/// of its distinct bins or, past [`WaitHistogram::SPARSE_MAX`] of them, the dense counts.
/// The assumption: a cell's distinct bins are at most twice its expected arrivals (room
/// for chance, redials and transfers), so a cell expecting more than half the list's
/// length is counted dense; with replayed logs (arrivals not known before they are read)
/// every cell is counted dense, the most a histogram takes.
pub fn cell_waits_bytes(model: &Model) -> u64 {
    use crate::stats::WaitHistogram;
    let (n_int, n_ch) = (model.n_intervals, model.channels.len());
    if !model.replays.is_empty() {
        return (n_int * n_ch * WaitHistogram::BYTES) as u64;
    }
    let mut expected = vec![0.0; n_int * n_ch];
    for s in &model.streams {
        let ch = model.contact_types[s.contact_type.index()].channel.index();
        for (k, rate) in s.rate_per_s.iter().enumerate().take(n_int) {
            expected[k * n_ch + ch] += rate * model.interval;
        }
    }
    (expected.iter())
        .map(|&e| {
            let distinct = (2.0 * e).ceil();
            if distinct > WaitHistogram::SPARSE_MAX as f64 {
                WaitHistogram::BYTES as u64
            } else {
                WaitHistogram::sparse_bytes(distinct as usize) as u64
            }
        })
        .sum()
}

/// Refuses, before it starts, a run whose [`planned_bytes`] exceed
/// [`crate::limits::MAX_RESULT_BYTES`]; the message says what the run would hold and what
/// to change.
pub fn check_planned_memory(
    model: &Model,
    held: u64,
    threads: Option<usize>,
    folded: bool,
) -> Result<(), String> {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let planned = planned_bytes(model, held, threads, folded);
    let cap = crate::limits::MAX_RESULT_BYTES;
    if planned <= cap {
        return Ok(());
    }
    let one = planned_bytes(model, 1, 0, folded).saturating_sub(planned_bytes(model, 0, 0, folded));
    Err(format!(
        "this run would hold about {} of results ({held} replications of {} each, over {} intervals × {} channel{}), more than the {} ccsim allows: run fewer replications (at most about {}), or use a longer interval or a shorter horizon",
        crate::limits::show_bytes(planned),
        crate::limits::show_bytes(one),
        model.n_intervals,
        model.channels.len(),
        if model.channels.len() == 1 { "" } else { "s" },
        crate::limits::show_bytes(cap),
        (cap.saturating_sub(planned_bytes(model, 0, threads, folded)) / one.max(1)).max(1)
    ))
}

/// Contacts waiting at the horizon above which an overloaded channel without abandonment
/// is refused (each waiting contact takes about 100 bytes: 20 million is about 2 GB).
pub const MAX_WAITING_CONTACTS: f64 = 20_000_000.0;

/// Contacts waiting at the horizon above which an overloaded channel without abandonment
/// is warned about.
pub const WARN_WAITING_CONTACTS: f64 = 100_000.0;

/// Channels whose customers never abandon (no patience) and whose offered work exceeds the
/// agent time on duty by a wide margin, so that the queue grows without bound. Returns the
/// warnings to show, or an error when the contacts left waiting would exceed
/// [`MAX_WAITING_CONTACTS`]. Judged from the generated streams (replayed logs are not
/// known before they run): offered work = arrivals (less what a bot contains or loses)
/// × the mean handle time of the first group each contact type goes to; capacity = the
/// agent-seconds on duty × concurrency of every group that handles the channel.
pub fn unbounded_queues(model: &Model) -> Result<Vec<String>, String> {
    let mut warnings = Vec::new();
    for (c, channel) in model.channels.iter().enumerate() {
        if model.channel_may_abandon(c) {
            continue;
        }
        let bot = model.bots.iter().find(|b| b.channel.index() == c);
        let (mut arrivals, mut work) = (0.0, 0.0);
        for s in &model.streams {
            let t = &model.contact_types[s.contact_type.index()];
            if t.channel.index() != c {
                continue;
            }
            let Some(&g) = t.groups.first() else { continue };
            let human = bot.map_or(1.0, |b| {
                let k = t.category.index();
                (1.0 - b.containment.get(k).copied().unwrap_or(0.0)
                    - b.dropout.get(k).copied().unwrap_or(0.0))
                .max(0.0)
            });
            let n = s.rate_per_s.iter().sum::<f64>() * model.interval * human;
            arrivals += n;
            work += n * model.handle_time(g, s.contact_type).mean();
        }
        let capacity: f64 = (model.groups.iter())
            .filter(|g| {
                g.handles
                    .iter()
                    .any(|&t| model.contact_types[t.index()].channel.index() == c)
            })
            .map(|g| {
                g.staffing.iter().map(|&n| n as f64).sum::<f64>()
                    * model.interval
                    * g.concurrency as f64
            })
            .sum();
        if arrivals <= 0.0 || work <= 2.0 * capacity {
            continue;
        }
        let aht = work / arrivals;
        let waiting = (work - capacity) / aht;
        if waiting < WARN_WAITING_CONTACTS {
            continue;
        }
        let what = format!(
            "channel \"{}\": its contacts never abandon (no patience) and the offered work ({:.0} contacts × {:.0} s) is {:.1}× the agent time on duty, so about {:.0} contacts would still wait at the horizon",
            channel.name,
            arrivals,
            aht,
            work / capacity.max(1e-9),
            waiting
        );
        if waiting > MAX_WAITING_CONTACTS {
            return Err(format!(
                "{what}, more than the {:.0} ccsim holds: give the channel a patience, add agents, or check the arrival rates",
                MAX_WAITING_CONTACTS
            ));
        }
        warnings.push(format!(
            "{what}: is a patience or staffing missing? Waits in this channel mean little"
        ));
    }
    Ok(warnings)
}

/// A failure to run: a replayed log that turns out unreadable (bad input), a run that
/// would hold more than ccsim allows (bad input), or worker threads that cannot start or
/// fail (internal). See [`crate::error`].
pub type RunError = crate::error::Error;

/// Runs `options.replications` replications of `model`.
pub fn run(model: &Model, options: &RunOptions) -> Result<RunResult, RunError> {
    run_observed(model, options, &|_| {})
}

/// Runs like [`run`], calling `replication_done` (from worker threads) with the contacts of
/// each replication as it ends.
pub fn run_observed(
    model: &Model,
    options: &RunOptions,
    replication_done: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    run_range(model, options, 0, replication_done)
}

/// Runs replications `first .. first + options.replications` (each depends only on its
/// index, so batches run one after another equal one run of them all).
pub fn run_range(
    model: &Model,
    options: &RunOptions,
    first: u32,
    replication_done: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    let indices: Vec<u32> = (first..first + options.replications).collect();
    thread_pool(options.threads)?
        .install(|| run_replications(model, options.seed, &indices, replication_done))
}

/// A worker pool of `threads` threads (`None`: one per core).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    builder
        .build()
        .map_err(|e| RunError::internal(format!("cannot start worker threads: {e}")))
}

/// Runs replications `first .. first + options.replications` like [`run_range`], folding
/// each one's per-interval metrics into `moments` as it ends (in replication order, so the
/// numbers are those of a plain run) and keeping of each outcome only the rest: memory
/// does not grow with replications × intervals. Pass the previous batch's
/// `RunResult::intervals` to continue it.
pub fn run_folded(
    model: &Model,
    options: &RunOptions,
    first: u32,
    replication_done: &(dyn Fn(u64) + Sync),
    moments: IntervalMoments,
) -> Result<RunResult, RunError> {
    let control = Control::new().on_replication(replication_done);
    let range = first..first + options.replications;
    thread_pool(options.threads)?
        .install(|| run_folded_here(model, options.seed, range, &control, moments))
}

/// [`run_folded`] on the current rayon pool, with `control`'s flag read before each
/// replication: replications `range` of `model` from base seed `seed`, their per-interval
/// metrics folded into `moments` in replication order as they end, each outcome kept
/// without them. What [`crate::runner::run`] and [`crate::runner::run_jobs`] run, so a
/// comparison or a sweep holds no replication's intervals either.
///
/// # Errors
/// [`ErrorKind::Cancelled`](crate::error::ErrorKind::Cancelled) when the flag was set; a
/// replayed log that cannot be read.
pub fn run_folded_here(
    model: &Model,
    seed: u64,
    range: std::ops::Range<u32>,
    control: &Control,
    moments: IntervalMoments,
) -> Result<RunResult, RunError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = range.len();
    struct Fold {
        pending: std::collections::BTreeMap<usize, ReplicationOutcome>,
        next: usize,
        moments: IntervalMoments,
        outcomes: Vec<ReplicationOutcome>,
    }
    let state = std::sync::Mutex::new(Fold {
        pending: std::collections::BTreeMap::new(),
        next: 0,
        moments,
        outcomes: Vec::with_capacity(n),
    });
    // Workers take replications in order, so the ones waiting to be folded stay few.
    let taken = AtomicUsize::new(0);
    let start = Instant::now();
    let workers = rayon::current_num_threads().min(n).max(1);
    (0..workers).into_par_iter().try_for_each_init(
        Workspace::new,
        |ws, _| -> Result<(), RunError> {
            loop {
                let pos = taken.fetch_add(1, Ordering::Relaxed);
                if pos >= n {
                    return Ok(());
                }
                if control.cancelled() {
                    return Err(cancelled());
                }
                let o = replicate(model, seed, range.start + pos as u32, ws, None)?;
                control.done(o.contacts);
                let mut st = state
                    .lock()
                    .map_err(|_| RunError::internal("a worker thread failed"))?;
                st.pending.insert(pos, o);
                loop {
                    let next = st.next;
                    let Some(mut o) = st.pending.remove(&next) else {
                        break;
                    };
                    st.moments.fold(&o, model);
                    o.intervals = Vec::new();
                    o.group_intervals = Vec::new();
                    st.outcomes.push(o);
                    st.next += 1;
                }
            }
        },
    )?;
    let st = state
        .into_inner()
        .map_err(|_| RunError::internal("a worker thread failed"))?;
    Ok(RunResult {
        outcomes: st.outcomes,
        wall_s: start.elapsed().as_secs_f64(),
        intervals: Some(st.moments),
    })
}

/// Runs the replications numbered `indices` on the current rayon pool, calling
/// `replication_done` with the contacts of each as it ends: [`run_indices`] without
/// cancellation.
pub fn run_replications(
    model: &Model,
    seed: u64,
    indices: &[u32],
    replication_done: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    run_indices(
        model,
        seed,
        indices,
        &Control::new().on_replication(replication_done),
    )
}

/// How a caller follows and stops work: a callback at each replication's end and a flag.
#[derive(Clone, Copy)]
pub struct Control<'a> {
    replication_done: &'a (dyn Fn(u64) + Sync),
    cancel: Option<&'a AtomicBool>,
}

impl Default for Control<'_> {
    fn default() -> Self {
        Control {
            replication_done: &|_| {},
            cancel: None,
        }
    }
}

impl<'a> Control<'a> {
    /// No progress callback, no cancellation.
    pub fn new() -> Control<'a> {
        Control::default()
    }

    /// Calls `f` from the worker threads with the contacts (arrivals, warm-up included) of
    /// each replication as it ends.
    pub fn on_replication(self, f: &'a (dyn Fn(u64) + Sync)) -> Control<'a> {
        Control {
            replication_done: f,
            ..self
        }
    }

    /// Stops the work when `flag` becomes `true`: replications not yet started are not
    /// started (one already running finishes), and the call returns an error of kind
    /// [`ErrorKind::Cancelled`].
    pub fn cancel_with(self, flag: &'a AtomicBool) -> Control<'a> {
        Control {
            cancel: Some(flag),
            ..self
        }
    }

    /// Whether the caller asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Reports one ended replication of `contacts` contacts.
    pub fn done(&self, contacts: u64) {
        (self.replication_done)(contacts)
    }
}

/// The error a cancelled call returns.
fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "cancelled")
}

/// Runs the replications numbered `indices` of `model` on the current rayon pool; the
/// outcomes come back in the order of `indices`, each depending only on its index and the
/// seed (so any split of the indices, on any threads or machines, gives the same outcomes).
///
/// # Errors
/// As [`run`].
pub fn run_indices(
    model: &Model,
    seed: u64,
    indices: &[u32],
    control: &Control,
) -> Result<RunResult, RunError> {
    let start = Instant::now();
    let outcomes = indices
        .par_iter()
        .map_init(Workspace::new, |ws, &r| {
            if control.cancelled() {
                return Err(cancelled());
            }
            let outcome = replicate(model, seed, r, ws, None)?;
            control.done(outcome.contacts);
            Ok(outcome)
        })
        .collect::<Result<Vec<_>, RunError>>()?;
    Ok(RunResult {
        outcomes,
        wall_s: start.elapsed().as_secs_f64(),
        intervals: None,
    })
}

/// Runs replication `r`, reading the model's replay logs afresh, and handing each ended
/// attempt's record to `log` when given (in the order the attempts end).
pub fn replicate(
    model: &Model,
    seed: u64,
    r: u32,
    ws: &mut Workspace,
    log: Option<&mut dyn AttemptLog>,
) -> Result<ReplicationOutcome, RunError> {
    if model.replays.is_empty() && log.is_none() {
        return Ok(engine::simulate(model, seed, r, ws));
    }
    let mut feeds = Vec::with_capacity(model.replays.len());
    for (i, spec) in model.replays.iter().enumerate() {
        let reader = spec
            .scan
            .as_ref()
            .and_then(|s| s.reader.as_ref())
            .ok_or_else(|| {
                RunError::internal(format!(
                    "{}: the replayed log was not read when the scenario was loaded",
                    spec.path.display()
                ))
            })?;
        feeds.push(
            reader
                .0
                .open(model, i, seed, r)
                .map_err(RunError::bad_input)?,
        );
    }
    let boxed: Vec<Box<dyn ContactFeed + '_>> = feeds
        .iter_mut()
        .map(|f| Box::new(&mut **f) as Box<dyn ContactFeed + '_>)
        .collect();
    // Reborrowed for the feeds' shorter lifetime (a `&mut dyn` does not shorten by itself).
    let log = log.map(|l| l as &mut dyn AttemptLog);
    let outcome = engine::simulate_with(model, seed, r, ws, boxed, log);
    if let Some(error) = feeds.iter_mut().find_map(|f| f.take_error()) {
        return Err(RunError::bad_input(error));
    }
    Ok(outcome)
}

/// Warm-up guidance for a steady-state scenario (constant rates and staffing, nothing
/// replayed), by Welch's method: the mean over replications of the agents' occupancy in
/// each reported interval, smoothed by a moving average, should start at the level it
/// keeps. When the first reported interval is off that level by more than its 95 %
/// interval, the warm-up is too short; the message says from which interval the curve
/// settles. `None` when the scenario is not steady, says `kind = "terminating"` (a day
/// measured from its real start, where a warm-up would bias the figures), or the warm-up
/// looks long enough. Without a `kind`, the message offers both readings.
pub fn warmup_check(model: &Model, result: &RunResult) -> Option<String> {
    if model.kind == Some(crate::model::RunKind::Terminating) {
        // Measured from the start by design: there is no warm-up to check.
        return None;
    }
    let constant = |v: &[f64]| v.windows(2).all(|w| w[0] == w[1]);
    let steady = model.streams.iter().all(|s| constant(&s.rate_per_s))
        && model.groups.iter().all(|g| g.timeline.len() == 1)
        && model.replays.is_empty()
        && !model.has_busyness();
    let n_groups = model.groups.len();
    let k = model.reported_intervals().len();
    if !steady || k < 4 || result.outcomes.len() < 2 || n_groups == 0 {
        return None;
    }
    let moments = result.interval_moments(model);
    if moments.occupancy.len() != k {
        return None;
    }
    let at = |i: usize| moments.occupancy[i].estimate();
    let level = moments.level.estimate();
    if !level.mean.is_finite() {
        return None;
    }
    let off = |i: usize| {
        let e = at(i);
        e.mean.is_finite() && (e.mean - level.mean).abs() > e.ci95 + level.ci95
    };
    if !off(0) {
        return None;
    }
    // Welch: a moving average over w intervals; the first one back at the level.
    let w = (k / 10).max(1);
    let means: Vec<f64> = (0..k).map(|i| at(i).mean).collect();
    let settled = (0..k / 2)
        .find(|&i| {
            let lo = i.saturating_sub(w / 2);
            let hi = (i + w / 2 + 1).min(k);
            let ma = means[lo..hi].iter().sum::<f64>() / (hi - lo) as f64;
            (ma - level.mean).abs() <= at(i).ci95 + level.ci95 && !off(i)
        })
        .unwrap_or(k / 2);
    let e0 = at(0);
    let advice = format!(
        "warmup = \"{}\"",
        crate::duration::Duration::from_secs(
            model.warmup + (settled.max(1)) as f64 * model.interval
        )
    );
    let finding = format!(
        "occupancy in the first reported interval is {:.1}% ± {:.1}, while the run settles at \
         {:.1}% ± {:.1} (Welch's moving average is back at that level from interval {} on)",
        e0.mean * 100.0,
        e0.ci95 * 100.0,
        level.mean * 100.0,
        level.ci95 * 100.0,
        settled + 1,
    );
    let warmup = crate::duration::Duration::from_secs(model.warmup);
    Some(match model.kind {
        Some(_) => format!(
            "the warm-up ({warmup}) looks too short for the steady state this scenario asks for \
             (kind = \"steady_state\"): {finding}; try {advice}"
        ),
        None => format!(
            "the first hours are not the steady state: {finding}. If the day really starts empty \
             (a terminating simulation, measured from the opening), the figures stand: say \
             kind = \"terminating\" in [simulation] and this warning goes. For long-run \
             (steady-state) figures, the warm-up ({warmup}) looks too short: say \
             kind = \"steady_state\" and try {advice}"
        ),
    })
}
