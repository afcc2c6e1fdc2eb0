//! Sharded runs: `--shard I/N` runs a deterministic share of the work (replications
//! `r` with `r mod N = I` of a run, or sweep points `p` with `p mod N = I`) and writes a
//! partial result file; [`merge`] joins the parts of all `N` shards into the outcomes a
//! single run with the same seed gives, number for number (each replication depends only
//! on the seed and its index).
//!
//! A partial file is TOML (it keeps NaN, which JSON cannot) holding every replication's
//! outcome, the scenario's hash and the ccsim version; parts of different scenarios,
//! versions, seeds or shard counts are refused.
//!
//! A part is trusted only as far as it is checked: its first key is a SHA-256 checksum of
//! the rest (the content serialized as ccsim writes it), so a part changed after ccsim wrote
//! it is refused; its values must be possible (counts whole and at least 0, shares within
//! [0, 1], NaN exactly where a metric is undefined, no more answered than offered); and
//! [`check_shapes`] holds every outcome against the scenario the merge loads (channels,
//! categories, priorities, groups, reported intervals), so nothing downstream can index
//! out of bounds on a part, however it was damaged.

use crate::experiment::RunResult;
use crate::model::Model;
use crate::stats::{GroupMetrics, QueueMetrics, ReplicationOutcome, WAIT_THRESHOLDS_S};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The version of ccsim that writes partial files.
pub const CCSIM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Which share of the work a process runs: shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0 .. count`.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` (e.g. `0/4` … `3/4`; the index of a Kubernetes Indexed Job or a Slurm
    /// array task, both from 0).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{text}`: write I/N with 0 ≤ I < N, e.g. --shard 0/4 (shards are numbered from 0)"
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `k` (a replication or a sweep point) belongs to this shard.
    pub fn owns(&self, k: u32) -> bool {
        k % self.count == self.index
    }
}

/// One replication's outcome, by its index.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PartialReplication {
    /// Replication index.
    pub index: u32,
    /// Its metrics.
    pub outcome: ReplicationOutcome,
}

/// The replications a shard ran of one model (a run, or one sweep point).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct PartialRun {
    /// The sweep point (0 for a plain run).
    pub point: u32,
    /// The run's seed.
    pub seed: u64,
    /// The run's replications, all shards together.
    pub replications_in_all: u32,
    /// Wall-clock seconds the shard spent on them.
    pub wall_s: f64,
    /// The replications, in index order.
    pub replications: Vec<PartialReplication>,
}

/// What a shard writes: how it was run, and the outcomes of its share.
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct PartialResult {
    /// The ccsim version that wrote it.
    pub ccsim_version: String,
    /// `run` or `sweep`.
    pub command: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// Hash of the compiled model(s): equal for equal scenarios.
    pub scenario_hash: String,
    /// The contact log replayed with `--arrivals`, if any.
    pub arrivals: Option<String>,
    /// `--log-start`, if given.
    pub log_start: Option<String>,
    /// `--skip-bad-rows`.
    pub skip_bad_rows: bool,
    /// The sweep's `--set` axes, as given.
    pub sweep_axes: Vec<String>,
    /// Base seed (a sweep point may set its own).
    pub seed: u64,
    /// Replications per run, all shards together (a sweep point may set its own).
    pub replications: u32,
    /// Sweep points (1 for a run).
    pub points: u32,
    /// This shard's index.
    pub shard: u32,
    /// Number of shards.
    pub shards: u32,
    /// The work done.
    pub runs: Vec<PartialRun>,
}

/// The hash that identifies compiled models: FNV-1a over their full description.
pub fn scenario_hash(models: &[&Model]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in models {
        for b in format!("{m:?}").bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The lines a partial file opens with, before its checksum.
const HEADER: &str = "# A ccsim partial result: join the parts of all shards with `ccsim merge`.\n\
# The checksum is the SHA-256 of the lines after it; ccsim refuses a part changed after it wrote it.\n";

/// The checksum of a part's content: `sha256:` and 64 hex digits.
fn checksum(content: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in Sha256::digest(content.as_bytes()) {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Splits a part's text into its checksum (the first key, before any other line but blank
/// and comment lines) and the rest, with the checksum line left blank so that TOML error
/// locations stay those of the file. `Err` when the checksum line is malformed.
fn take_checksum(text: &str) -> Result<(Option<String>, String), String> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            offset += line.len();
            continue;
        }
        let Some(value) = (trimmed.strip_prefix("checksum"))
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('='))
        else {
            break;
        };
        let value = value.trim();
        let sum = (value.strip_prefix('"'))
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains(['"', '\\']))
            .ok_or_else(|| format!("its checksum line is damaged (`{}`)", shorten(trimmed, 100)))?;
        let mut rest = String::with_capacity(text.len());
        rest.push_str(&text[..offset]);
        rest.push_str(if line.ends_with('\n') { "\n" } else { "" });
        rest.push_str(&text[offset + line.len()..]);
        return Ok((Some(sum.to_string()), rest));
    }
    Ok((None, text.to_string()))
}

/// At most `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

impl PartialResult {
    /// The partial file's text: a header, the checksum, then the content.
    pub fn to_toml(&self) -> Result<String, String> {
        let content = self.content()?;
        Ok(format!(
            "{HEADER}checksum = \"{}\"\n{content}",
            checksum(&content)
        ))
    }

    /// The content as ccsim serializes it: what the checksum covers.
    fn content(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| format!("cannot write the partial result: {e}"))
    }

    /// Reads a partial file's text; `source` names it in errors. Refuses a part of another
    /// ccsim version, one with no checksum or another one than its content has, and one
    /// with an impossible value (see [`PartialResult::check_values`]).
    pub fn from_toml(text: &str, source: &str) -> Result<PartialResult, String> {
        let not_a_part = |e: &dyn std::fmt::Display| {
            format!(
                "{source} is not a ccsim partial result file (written by `ccsim run|sweep --shard I/N --partial FILE`): {e}"
            )
        };
        let (sum, content) = take_checksum(text).map_err(|e| not_a_part(&e))?;
        let mut part: PartialResult = toml::from_str(&content).map_err(|e| {
            // One paragraph: the parser's message folded onto one line.
            let e = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
            if sum.is_some() {
                format!(
                    "{source} is damaged or was changed after ccsim wrote it (it carries ccsim's checksum but no longer reads as a partial result: {e}); run its shard again"
                )
            } else {
                not_a_part(&e)
            }
        })?;
        if part.ccsim_version != CCSIM_VERSION {
            return Err(format!(
                "{source} was written by ccsim {}, and this is ccsim {CCSIM_VERSION}: merge parts with the version that wrote them",
                shorten(&part.ccsim_version, 40)
            ));
        }
        let Some(sum) = sum else {
            return Err(format!(
                "{source} has no checksum (`checksum = \"sha256:…\"` as its first key): every part this ccsim writes has one, so this one was written by an older build or changed after ccsim wrote it; run its shard again"
            ));
        };
        let expected = checksum(&part.content()?);
        if sum != expected {
            return Err(format!(
                "{source} was changed after ccsim wrote it (checksum {} in the file, {expected} of its content): run its shard again rather than edit a part",
                shorten(&sum, 80)
            ));
        }
        part.fill_added_metrics();
        part.check_values(source)?;
        Ok(part)
    }

    /// Fills metrics added to [`QueueMetrics`] after a part was written (NaN when read)
    /// where the part's counts give them: `abandoned_all` = abandoned +
    /// abandoned_in_transfer. `transfer_abandon_rate` stays undefined.
    fn fill_added_metrics(&mut self) {
        for run in &mut self.runs {
            for rep in &mut run.replications {
                let o = &mut rep.outcome;
                let scopes = std::iter::once(&mut o.totals)
                    .chain(o.by_channel.iter_mut())
                    .chain(o.by_category.iter_mut())
                    .chain(o.by_priority.iter_mut())
                    .chain(o.intervals.iter_mut());
                for q in scopes {
                    if q.abandoned_all.is_nan() {
                        q.abandoned_all = q.abandoned + q.abandoned_in_transfer;
                    }
                }
            }
        }
    }

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

    /// The runs of this part as `(point, replication index, outcome)`.
    fn units(&self) -> impl Iterator<Item = (u32, &PartialReplication)> {
        self.runs
            .iter()
            .flat_map(|r| r.replications.iter().map(move |p| (r.point, p)))
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

/// The values of one queue scope, and how they hang together.
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
    check_amount("staffed", g.staffed, Some(true))?;
    check_amount("scheduled_hours", g.scheduled_hours, Some(true))?;
    check_amount("cost", g.cost, Some(true))?;
    check_amount("overtime_hours", g.overtime_hours, None)
}

/// Holds every outcome of `part` (named `source`) against the models of the run it claims
/// to be part of (one per sweep point): its scopes and reported intervals have the sizes
/// the models give, and its totals add up over channels, intervals, categories and
/// priority classes. After this, the summary and the report can index an outcome by the
/// model without going out of bounds.
pub fn check_shapes(source: &str, part: &PartialResult, models: &[Model]) -> Result<(), String> {
    if part.points as usize != models.len() {
        return Err(format!(
            "{source} holds a sweep of {} points, and the scenario and axes it names give {}: the part is damaged or was edited after ccsim wrote it",
            part.points,
            models.len()
        ));
    }
    for run in &part.runs {
        let Some(model) = models.get(run.point as usize) else {
            return Err(format!(
                "{source} holds point {} of a sweep of {} points",
                run.point,
                models.len()
            ));
        };
        for rep in &run.replications {
            check_shape(model, &rep.outcome).map_err(|what| {
                let point = if part.command == "sweep" {
                    format!("point {}, ", run.point)
                } else {
                    String::new()
                };
                format!(
                    "{source} does not fit the scenario it names ({}): {point}replication {} {what}; the part is damaged or was edited after ccsim wrote it",
                    part.scenario_file, rep.index
                )
            })?;
        }
    }
    Ok(())
}

/// `n` and a noun, plural unless `n` is 1: `1 channel`, `2 categories`.
fn plural(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y'), noun.ends_with("ss")) {
        (1, _, _) => format!("1 {noun}"),
        (_, Some(stem), _) => format!("{n} {stem}ies"),
        (_, None, true) => format!("{n} {noun}es"),
        _ => format!("{n} {noun}s"),
    }
}

/// The intervals an outcome reports on: those from the end of the warm-up on.
fn reported_intervals(model: &Model) -> usize {
    // As `ReplicationOutcome::from_tallies` counts them.
    let first = model.interval_of(model.warmup);
    let first = if (first as f64) * model.interval < model.warmup {
        first + 1
    } else {
        first
    };
    model.n_intervals.saturating_sub(first)
}

/// Whether one outcome has the sizes `model` gives, and adds up; the error says what
/// differs.
fn check_shape(model: &Model, o: &ReplicationOutcome) -> Result<(), String> {
    let n_ch = model.channels.len();
    let n_g = model.groups.len();
    let reported = reported_intervals(model);
    // The summary and the warm-up check count reported intervals their own way: they
    // must agree with the outcome's, or they would index past its end.
    let summary_first = (model.warmup / model.interval).round() as usize;
    if model.n_intervals.saturating_sub(summary_first) != reported {
        return Err(format!(
            "is of a scenario whose warm-up ({} s) is not a whole number of intervals ({} s)",
            model.warmup, model.interval
        ));
    }
    let sizes = [
        (
            "channel rows (by_channel)",
            o.by_channel.len(),
            n_ch,
            plural(n_ch, "channel"),
        ),
        (
            "category rows (by_category)",
            o.by_category.len(),
            model.categories.len(),
            plural(model.categories.len(), "category"),
        ),
        (
            "priority rows (by_priority)",
            o.by_priority.len(),
            model.priority_levels.len(),
            plural(model.priority_levels.len(), "priority class"),
        ),
        (
            "group rows (by_group)",
            o.by_group.len(),
            n_g,
            plural(n_g, "group"),
        ),
        (
            "interval rows (intervals)",
            o.intervals.len(),
            reported * n_ch,
            format!(
                "{} × {}",
                plural(reported, "reported interval"),
                plural(n_ch, "channel")
            ),
        ),
        (
            "group interval rows (group_intervals)",
            o.group_intervals.len(),
            reported * n_g,
            format!(
                "{} × {}",
                plural(reported, "reported interval"),
                plural(n_g, "group")
            ),
        ),
        (
            "wait distributions (wait_cdf)",
            o.wait_cdf.len(),
            n_ch,
            format!("one per channel, {n_ch}"),
        ),
    ];
    for (what, has, wants, why) in sizes {
        if has != wants {
            return Err(format!(
                "has {has} {what}; the scenario gives {wants} ({why})"
            ));
        }
    }
    for (c, cdf) in o.wait_cdf.iter().enumerate() {
        if cdf.len() != WAIT_THRESHOLDS_S.len() {
            return Err(format!(
                "has {} shares in wait_cdf[{c}]; ccsim records {}, one per wait threshold",
                cdf.len(),
                WAIT_THRESHOLDS_S.len()
            ));
        }
    }
    // Counts add up: intervals to their channel, channels to the totals, and categories
    // and priority classes (when there are several) to the totals.
    type Count = fn(&QueueMetrics) -> f64;
    let counts: [(&str, Count); 3] = [
        ("offered", |q| q.offered),
        ("answered", |q| q.answered),
        ("abandoned", |q| q.abandoned),
    ];
    for (key, count) in counts {
        for c in 0..n_ch {
            let sum: f64 = (0..reported)
                .map(|k| count(&o.intervals[k * n_ch + c]))
                .sum();
            if sum != count(&o.by_channel[c]) {
                return Err(format!(
                    "has {} {key} in by_channel[{c}], and its intervals add up to {sum}",
                    count(&o.by_channel[c])
                ));
            }
        }
        let total = count(&o.totals);
        for (name, scopes) in [
            ("by_channel", &o.by_channel),
            ("by_category", &o.by_category),
            ("by_priority", &o.by_priority),
        ] {
            let sum: f64 = scopes.iter().map(count).sum();
            if !scopes.is_empty() && sum != total {
                return Err(format!(
                    "has {total} {key} in totals, and {name} adds up to {sum}"
                ));
            }
        }
    }
    Ok(())
}

/// The replications `indices` of a run of `replications_in_all`, packed for writing.
pub fn partial_run(
    point: u32,
    seed: u64,
    replications_in_all: u32,
    indices: &[u32],
    result: RunResult,
) -> PartialRun {
    PartialRun {
        point,
        seed,
        replications_in_all,
        wall_s: result.wall_s,
        replications: indices
            .iter()
            .zip(result.outcomes)
            .map(|(&index, outcome)| PartialReplication { index, outcome })
            .collect(),
    }
}

/// The parts joined: for each sweep point (one for a run), the outcomes in replication
/// order, with the sum of the shards' wall-clock seconds, and the point's seed.
pub fn merge(parts: &[(String, PartialResult)]) -> Result<(Vec<RunResult>, Vec<u64>), String> {
    let Some((first_name, first)) = parts.first() else {
        return Err("name the partial result files to merge".into());
    };
    for (name, p) in parts {
        let differs = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            format!(
                "{name} and {first_name} differ in {what} ({b} vs {a}): merge the parts of one sharded run only"
            )
        };
        if p.ccsim_version != first.ccsim_version {
            return Err(format!(
                "{name} was written by ccsim {} and {first_name} by ccsim {}: merge parts written by one version",
                p.ccsim_version, first.ccsim_version
            ));
        }
        if p.scenario_hash != first.scenario_hash {
            return Err(format!(
                "{name} and {first_name} come from different scenarios (hash {} vs {}): merge the parts of one scenario only",
                p.scenario_hash, first.scenario_hash
            ));
        }
        if p.command != first.command {
            return Err(differs("command", &first.command, &p.command));
        }
        if p.seed != first.seed {
            return Err(differs("seed", &first.seed, &p.seed));
        }
        if p.replications != first.replications {
            return Err(differs(
                "replications",
                &first.replications,
                &p.replications,
            ));
        }
        if p.points != first.points || p.sweep_axes != first.sweep_axes {
            return Err(differs(
                "sweep grid",
                &first.sweep_axes.join(" "),
                &p.sweep_axes.join(" "),
            ));
        }
        if p.shards != first.shards {
            return Err(differs("shard count", &first.shards, &p.shards));
        }
    }
    let n = first.shards;
    let mut seen: BTreeMap<u32, &str> = BTreeMap::new();
    for (name, p) in parts {
        if let Some(other) = seen.insert(p.shard, name) {
            return Err(format!(
                "shard {}/{n} is given twice ({other} and {name})",
                p.shard
            ));
        }
    }
    if let Some((&shard, name)) = seen.range(n..).next() {
        return Err(format!("{name} is shard {shard} of {n}, numbered from 0"));
    }
    let n_missing = n as usize - seen.len();
    if n_missing > 0 {
        // Name the first few: the count may be anything up to 2³² − 1.
        let missing: Vec<String> = (0..n)
            .filter(|i| !seen.contains_key(i))
            .take(10)
            .map(|i| format!("{i}/{n}"))
            .collect();
        return Err(format!(
            "missing shard{}: {}{}; merge needs all {n} parts",
            if n_missing > 1 { "s" } else { "" },
            missing.join(", "),
            if n_missing > missing.len() {
                format!(" and {} more", n_missing - missing.len())
            } else {
                String::new()
            }
        ));
    }
    // The slots below are sized by the parts' own counts: no more than the parts hold,
    // or the parts are incomplete anyway (and a damaged count cannot exhaust memory).
    let points = first.points as usize;
    let n_runs: usize = parts.iter().map(|(_, p)| p.runs.len()).sum();
    let n_units: usize = parts.iter().map(|(_, p)| p.units().count()).sum();
    if points > n_runs {
        return Err(format!(
            "the parts hold runs of {n_runs} sweep points, and the sweep has {points}: the parts are incomplete"
        ));
    }
    let mut slots: Vec<Vec<Option<ReplicationOutcome>>> = vec![Vec::new(); points];
    let mut seeds: Vec<Option<u64>> = vec![None; points];
    let mut wall = vec![0.0; points];
    for (name, p) in parts {
        for run in &p.runs {
            let k = run.point as usize;
            if k >= points {
                return Err(format!(
                    "{name} holds point {k} of a sweep of {points} points"
                ));
            }
            wall[k] += run.wall_s;
            if run.replications_in_all as usize > n_units {
                return Err(format!(
                    "{name} runs point {k} with {} replications, and the parts hold {n_units} in all: the parts are incomplete",
                    run.replications_in_all
                ));
            }
            match seeds[k] {
                None => {
                    seeds[k] = Some(run.seed);
                    slots[k] = vec![None; run.replications_in_all as usize];
                }
                Some(seed)
                    if seed != run.seed || slots[k].len() != run.replications_in_all as usize =>
                {
                    return Err(format!(
                        "{name} ran point {k} with another seed or replication count than the other parts"
                    ));
                }
                Some(_) => {}
            }
        }
        for (point, rep) in p.units() {
            let len = slots.get(point as usize).map_or(0, |s| s.len());
            let slot = slots
                .get_mut(point as usize)
                .and_then(|s| s.get_mut(rep.index as usize))
                .ok_or_else(|| {
                    format!(
                        "{name} holds replication {} of point {point}, which has only {}",
                        rep.index, len
                    )
                })?;
            if slot.replace(rep.outcome.clone()).is_some() {
                return Err(format!(
                    "{name} repeats point {point}, replication {}",
                    rep.index
                ));
            }
        }
    }
    let runs = slots
        .into_iter()
        .zip(wall)
        .enumerate()
        .map(|(point, (s, wall_s))| {
            let outcomes = s
                .into_iter()
                .enumerate()
                .map(|(r, o)| {
                    o.ok_or_else(|| {
                        format!(
                            "no part holds point {point}, replication {r}: the parts are incomplete"
                        )
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(RunResult {
                outcomes,
                wall_s,
                intervals: None,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let seeds = seeds
        .into_iter()
        .enumerate()
        .map(|(k, s)| s.ok_or_else(|| format!("no part holds point {k}: the parts are incomplete")))
        .collect::<Result<Vec<_>, String>>()?;
    Ok((runs, seeds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
        let s = Shard::parse("1/3").unwrap();
        assert_eq!(
            (0..9).filter(|&k| s.owns(k)).collect::<Vec<_>>(),
            vec![1, 4, 7]
        );
    }

    /// A change to an outcome.
    type Edit = fn(&mut ReplicationOutcome);

    /// A queue scope's metrics as a replication gives them: `answered` of `offered`
    /// answered, the rest abandoned, every answered contact resolved at once.
    fn queue(offered: u32, answered: u32) -> QueueMetrics {
        let (o, a) = (offered as f64, answered as f64);
        let share = |x: f64| if o > 0.0 { x / o } else { f64::NAN };
        let per_answered = |x: f64| if a > 0.0 { x } else { f64::NAN };
        QueueMetrics {
            arrivals: o,
            unique_customers: o,
            redial_rate: share(0.0),
            repeat_rate: share(0.0),
            bot_containment: f64::NAN,
            bot_dropout: f64::NAN,
            bot_misroute_rate: f64::NAN,
            first_response_s: per_answered(1.5),
            human_connect_rate: share(a),
            offered: o,
            answered: a,
            abandoned: o - a,
            resolved: a,
            transfers_per_answered: per_answered(0.0),
            resolution_rate: per_answered(1.0),
            first_contact_resolution: per_answered(1.0),
            transfer_rate: per_answered(0.0),
            transfer_asa_s: f64::NAN,
            service_level: share(a / 3.0).min(share(a)),
            abandon_rate: share(o - a),
            asa_s: per_answered(1.5),
            wait_p90_s: per_answered(4.0),
            abandoned_all: o - a,
            transfer_abandon_rate: f64::NAN,
            ..Default::default()
        }
    }

    /// A part of a run of one replication holding `outcome`.
    fn part_of(outcome: ReplicationOutcome) -> PartialResult {
        PartialResult {
            ccsim_version: CCSIM_VERSION.into(),
            command: "run".into(),
            scenario_file: "s.toml".into(),
            scenario_hash: "0".into(),
            arrivals: None,
            log_start: None,
            skip_bad_rows: false,
            sweep_axes: vec![],
            seed: 1,
            replications: 1,
            points: 1,
            shard: 0,
            shards: 1,
            runs: vec![PartialRun {
                point: 0,
                seed: 1,
                replications_in_all: 1,
                wall_s: 0.5,
                replications: vec![PartialReplication { index: 0, outcome }],
            }],
        }
    }

    /// An outcome of one channel, category, class and group over two intervals.
    fn outcome() -> ReplicationOutcome {
        let (a, b) = (queue(3, 2), queue(4, 4));
        let totals = queue(7, 6);
        ReplicationOutcome {
            events: 7,
            contacts: 7,
            totals,
            cost: 0.1 + 0.2,
            by_channel: vec![totals],
            by_category: vec![totals],
            by_priority: vec![totals],
            by_group: vec![GroupMetrics::default()],
            intervals: vec![a, b],
            group_intervals: vec![GroupMetrics::default(); 2],
            wait_cdf: vec![vec![0.5; WAIT_THRESHOLDS_S.len()]],
            ..Default::default()
        }
    }

    /// The smallest model: one channel, category, class and group, two intervals.
    fn model() -> Model {
        crate::scenario::parse(
            r#"
[simulation]
horizon = "1h"
interval = "30m"
[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
[[category]]
name = "general"
[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 10
[[group]]
name = "agents"
agents = 2
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "5m" }
"#,
            "s.toml",
            "s",
        )
        .unwrap()
    }

    #[test]
    fn a_genuine_outcome_passes_every_check() {
        let part = part_of(outcome());
        let back = PartialResult::from_toml(&part.to_toml().unwrap(), "p.toml").unwrap();
        check_shapes("p.toml", &back, &[model()]).unwrap();
    }

    #[test]
    fn impossible_values_are_refused_with_their_place() {
        let cases: Vec<(&str, Edit)> = vec![
            ("totals.service_level = 7.5", |o| {
                o.totals.service_level = 7.5
            }),
            ("by_channel[0].offered = -7", |o| {
                o.by_channel[0].offered = -7.0
            }),
            ("intervals[1].answered = 2.5", |o| {
                o.intervals[1].answered = 2.5
            }),
            ("intervals[0].asa_s = nan", |o| {
                o.intervals[0].asa_s = f64::NAN
            }),
            ("totals.offered = nan", |o| o.totals.offered = f64::NAN),
            ("totals.answered = 70", |o| o.totals.answered = 70.0),
            ("totals.human_connect_rate = 0.5", |o| {
                o.totals.human_connect_rate = 0.5
            }),
            ("intervals[0].redial_rate = 0", |o| {
                o.intervals[0].arrivals = 0.0;
                o.intervals[0].unique_customers = 0.0;
            }),
            ("wait_cdf[0][3] = 0.25", |o| o.wait_cdf[0][3] = 0.25),
            ("by_group[0].occupancy = 1.5", |o| {
                o.by_group[0].occupancy = 1.5
            }),
            ("cost = -1", |o| o.cost = -1.0),
        ];
        for (place, edit) in cases {
            let mut o = outcome();
            edit(&mut o);
            let message = part_of(o).check_values("p.toml").unwrap_err();
            assert!(
                message.starts_with("p.toml holds an impossible value"),
                "{message}"
            );
            assert!(message.contains(place), "{place}: {message}");
        }
        let mut part = part_of(outcome());
        part.shard = 3;
        assert!(
            part.check_values("p.toml")
                .unwrap_err()
                .contains("shard = 3")
        );
    }

    #[test]
    fn outcomes_of_another_shape_are_refused_before_anything_indexes_them() {
        let cases: Vec<(&str, Edit)> = vec![
            ("1 interval rows", |o| {
                o.intervals.pop();
            }),
            ("3 interval rows", |o| o.intervals.push(o.intervals[1])),
            ("0 channel rows", |o| o.by_channel.clear()),
            ("2 category rows", |o| o.by_category.push(o.totals)),
            ("0 priority rows", |o| o.by_priority.clear()),
            ("0 group rows", |o| o.by_group.clear()),
            ("1 group interval rows", |o| {
                o.group_intervals.pop();
            }),
            ("0 wait distributions", |o| o.wait_cdf.clear()),
            ("18 shares in wait_cdf[0]", |o| {
                o.wait_cdf[0].pop();
            }),
            ("its intervals add up to 6", |o| {
                o.intervals[1] = queue(3, 2);
            }),
        ];
        for (what, edit) in cases {
            let mut o = outcome();
            edit(&mut o);
            let message = check_shapes("p.toml", &part_of(o), &[model()]).unwrap_err();
            assert!(message.starts_with("p.toml does not fit"), "{message}");
            assert!(message.contains(what), "{what}: {message}");
        }
    }

    #[test]
    fn a_changed_or_unsealed_part_is_refused() {
        let text = part_of(outcome()).to_toml().unwrap();
        let changed = text.replace("events = 7", "events = 8");
        let message = PartialResult::from_toml(&changed, "p.toml").unwrap_err();
        assert!(
            message.starts_with("p.toml was changed after ccsim wrote it (checksum sha256:"),
            "{message}"
        );
        let unsealed: String = text
            .lines()
            .filter(|l| !l.starts_with("checksum"))
            .map(|l| format!("{l}\n"))
            .collect();
        let message = PartialResult::from_toml(&unsealed, "p.toml").unwrap_err();
        assert!(message.contains("has no checksum"), "{message}");
        let damaged = text.replacen("checksum = \"", "checksum = 'x", 1);
        let message = PartialResult::from_toml(&damaged, "p.toml").unwrap_err();
        assert!(message.contains("checksum line is damaged"), "{message}");
        // Layout that keeps every value is no change.
        let spaced = text.replace("\n[", "\n\n[");
        PartialResult::from_toml(&spaced, "p.toml").unwrap();
    }

    #[test]
    fn counts_in_a_damaged_header_cannot_exhaust_memory() {
        let mut part = part_of(outcome());
        part.points = u32::MAX;
        part.command = "sweep".into();
        assert!(
            merge(&[("p".into(), part)])
                .unwrap_err()
                .contains("incomplete")
        );
        let mut part = part_of(outcome());
        part.runs[0].replications_in_all = u32::MAX;
        assert!(
            merge(&[("p".into(), part)])
                .unwrap_err()
                .contains("incomplete")
        );
        let mut part = part_of(outcome());
        part.shards = u32::MAX;
        let message = merge(&[("p".into(), part)]).unwrap_err();
        assert!(message.contains("and 4294967284 more"), "{message}");
    }

    /// Mutates a genuine part's text at random (a line dropped, doubled or swapped, a
    /// table doubled, a value replaced), seals it as ccsim would, and merges whatever is
    /// accepted through to the summary: whatever the damage, an error or a summary, never a
    /// panic.
    #[test]
    fn no_damage_to_a_part_makes_the_merge_panic() {
        let model = crate::scenario::parse(
            r#"
[simulation]
horizon = "2h"
warmup = "30m"
interval = "30m"
[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "1m" }
[[channel]]
name = "chat"
service_level = { answer_within = "1m", target = 0.8 }
[[category]]
name = "sales"
[[category]]
name = "support"
[[arrivals]]
channel = "voice"
category = "sales"
rate_per_hour = 60
[[arrivals]]
channel = "chat"
category = "support"
rate_per_hour = 30
[[group]]
name = "phones"
agents = 2
handles = ["voice/sales"]
handle_time = { dist = "exponential", mean = "2m" }
[[group]]
name = "web"
agents = 1
handles = ["chat/support", "voice/sales"]
handle_time = { dist = "exponential", mean = "2m" }
"#,
            "s.toml",
            "s",
        )
        .unwrap();
        let options = crate::experiment::RunOptions {
            replications: 2,
            seed: 5,
            threads: Some(1),
        };
        let result = crate::experiment::run(&model, &options).unwrap();
        let mut part = part_of(ReplicationOutcome::default());
        part.replications = 2;
        part.seed = 5;
        part.runs = vec![partial_run(0, 5, 2, &[0, 1], result)];
        let genuine = part.to_toml().unwrap();
        let genuine = PartialResult::from_toml(&genuine, "p.toml").unwrap();
        check_shapes("p.toml", &genuine, std::slice::from_ref(&model)).unwrap();
        let lines: Vec<String> = genuine
            .content()
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        let values = [
            "nan",
            "-nan",
            "inf",
            "-inf",
            "-1.0",
            "0",
            "0.5",
            "7.5",
            "1e300",
            "3",
            "4294967296",
            "\"x\"",
            "[]",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut merged, mut refused) = (0, 0);
        for _ in 0..600 {
            let mut text = lines.clone();
            for _ in 0..1 + next(2) {
                let k = next(text.len());
                match next(5) {
                    0 => {
                        text.remove(k);
                    }
                    1 => text.insert(k, text[k].clone()),
                    2 => {
                        let j = next(text.len());
                        text.swap(k, j);
                    }
                    3 => {
                        let Some(start) = (k..text.len()).find(|&i| text[i].starts_with("[["))
                        else {
                            continue;
                        };
                        let end = (start + 1..text.len())
                            .find(|&i| text[i].starts_with('['))
                            .unwrap_or(text.len());
                        let block: Vec<String> = text[start..end].to_vec();
                        text.splice(end..end, block);
                    }
                    _ => {
                        if let Some((key, _)) = text[k].split_once(" = ") {
                            text[k] = format!("{key} = {}", values[next(values.len())]);
                        }
                    }
                }
            }
            let content = text.join("\n") + "\n";
            let Ok(damaged) = toml::from_str::<PartialResult>(&content) else {
                assert!(PartialResult::from_toml(&content, "p.toml").is_err());
                refused += 1;
                continue;
            };
            let sealed = damaged.to_toml().unwrap();
            let checked = PartialResult::from_toml(&sealed, "p.toml").and_then(|p| {
                check_shapes("p.toml", &p, std::slice::from_ref(&model))?;
                Ok(p)
            });
            let Ok(p) = checked else {
                refused += 1;
                continue;
            };
            let Ok((runs, _)) = merge(&[("p.toml".into(), p)]) else {
                refused += 1;
                continue;
            };
            let summary = crate::summary::RunSummary::new(&model, &runs[0], 5);
            let _ = summary.to_json();
            let _ = crate::summary::render_text(&model, &summary, "s.toml");
            let _ = crate::experiment::warmup_check(&model, &runs[0]);
            merged += 1;
        }
        assert!(
            merged > 0 && refused > 300,
            "{merged} merged, {refused} refused"
        );
    }

    #[test]
    fn outcomes_survive_the_partial_file_exactly() {
        let mut o = outcome();
        o.totals.service_level = 1.0 / 3.0;
        o.by_channel = vec![o.totals];
        let back = PartialResult::from_toml(&part_of(o).to_toml().unwrap(), "x").unwrap();
        let got = &back.runs[0].replications[0].outcome;
        assert!(got.totals.transfer_asa_s.is_nan());
        assert_eq!(got.totals.service_level, 1.0 / 3.0);
        assert_eq!(got.cost, 0.1 + 0.2);
        assert_eq!(got.by_channel.len(), 1);
        let merged = merge(&[("x".into(), back)]).unwrap();
        assert_eq!(merged.0[0].outcomes[0].events, 7);
    }
}
