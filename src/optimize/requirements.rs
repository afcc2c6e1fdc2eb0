//! Agents needed per group and interval: the offered load measured by simulating with
//! ample staffing (so that transfers, repeats, redials and bots shape it as they do in
//! the model), sized per interval with the exact Erlang A (abandonment-aware; Erlang C for
//! e-mail), and the roles that say which groups answer for which channel's target.

use crate::erlang::{QueueSpec, erlang_a};
use crate::experiment::{self, RunError, RunResult};
use crate::ids::GroupId;
use crate::model::{AtClosing, Model, OptimizeSpec};
use std::fmt::Write as _;

/// Mean handle time of group `g` on contact type `t`, seconds.
pub fn mean_handle(model: &Model, g: usize, t: usize) -> f64 {
    let group = &model.groups[g];
    match model.handle_slot[g * model.contact_types.len() + t] {
        0 => group.handle_time.mean(),
        slot => group.handle_time_by[slot as usize - 1].1.mean(),
    }
}

/// What a group answers for.
#[derive(Clone, Debug)]
pub struct GroupRole {
    /// The channel whose target sizes it: the one bringing it most first-choice work, or
    /// for a back office the one most of its contact types belong to.
    pub channel: usize,
    /// It takes no first-choice contacts: only transfers, escalations and overflow.
    pub back_office: bool,
    /// Mean handle time over its work, weighted by arrival volume where it is first choice
    /// (with a per-interval AHT, `ContactType::handle_scale`, over the horizon).
    pub aht: f64,
    /// The same mean in each interval of the horizon, where a contact type it serves has a
    /// per-interval AHT (an interval without arrivals takes `aht`); empty otherwise.
    pub aht_by_interval: Vec<f64>,
}

impl GroupRole {
    /// The group's mean handle time in interval `k`, seconds.
    pub fn aht_in(&self, k: usize) -> f64 {
        self.aht_by_interval.get(k).copied().unwrap_or(self.aht)
    }
}

/// The role of every group.
pub fn roles(model: &Model) -> Vec<GroupRole> {
    let n_ch = model.channels.len();
    let n_k = model.n_intervals;
    (0..model.groups.len())
        .map(|g| {
            let group = &model.groups[g];
            let mut volume = vec![0.0; n_ch];
            let (mut work, mut weight) = (0.0, 0.0);
            // Per interval, where a type it serves has a per-interval AHT.
            let scaled = (group.handles.iter())
                .any(|&t| !model.contact_types[t.index()].handle_scale.is_empty());
            let (mut work_k, mut weight_k) = (vec![0.0; n_k], vec![0.0; n_k]);
            for s in &model.streams {
                let t = s.contact_type.index();
                let ct = &model.contact_types[t];
                let first = ct
                    .groups
                    .iter()
                    .position(|&x| x.index() == g)
                    .is_some_and(|i| {
                        i == 0 || model.groups[ct.groups[i].index()].overflow_after <= 0.0
                    });
                if first {
                    let mean = mean_handle(model, g, t);
                    let v: f64 = s.rate_per_s.iter().sum();
                    volume[ct.channel.index()] += v;
                    weight += v;
                    if scaled {
                        for (k, &r) in s.rate_per_s.iter().enumerate().take(n_k) {
                            let h = mean * ct.handle_scale_in(k);
                            work += r * h;
                            work_k[k] += r * h;
                            weight_k[k] += r;
                        }
                    } else {
                        work += v * mean;
                    }
                }
            }
            let back_office = weight <= 0.0;
            if back_office {
                for &t in &group.handles {
                    let t = t.index();
                    volume[model.contact_types[t].channel.index()] += 1.0;
                    let mean = mean_handle(model, g, t);
                    let ct = &model.contact_types[t];
                    work += mean
                        * if ct.handle_scale.is_empty() {
                            1.0
                        } else {
                            ct.handle_scale.iter().sum::<f64>() / ct.handle_scale.len() as f64
                        };
                    weight += 1.0;
                    if scaled {
                        for k in 0..n_k {
                            work_k[k] += mean * ct.handle_scale_in(k);
                            weight_k[k] += 1.0;
                        }
                    }
                }
            }
            let channel = (0..n_ch)
                .max_by(|&a, &b| volume[a].total_cmp(&volume[b]))
                .unwrap_or(0);
            let aht = if weight > 0.0 {
                work / weight
            } else {
                group.handle_time.mean()
            };
            let aht_by_interval = if scaled {
                (0..n_k)
                    .map(|k| {
                        if weight_k[k] > 0.0 {
                            work_k[k] / weight_k[k]
                        } else {
                            aht
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            GroupRole {
                channel,
                back_office,
                aht,
                aht_by_interval,
            }
        })
        .collect()
}

/// Offered load per group and interval, in conversations in progress (agent-erlangs at
/// one conversation each; in an interval where the group's channels are all closed, the
/// conversations still in progress then: the drain after closing), from `replications` replications with every group staffed far
/// above its load and no shrinkage, so that nobody waits or abandons. Warm-up intervals
/// take the first reported interval's load.
pub fn offered_load(
    model: &Model,
    seed: u64,
    replications: u32,
    threads: Option<usize>,
) -> Result<Vec<Vec<f64>>, RunError> {
    let n_g = model.groups.len();
    // A first bound: every stream a group could take, at its peak rate.
    let mut ample: Vec<u32> = (0..n_g)
        .map(|g| {
            let peak: f64 = (model.groups[g].handles.iter())
                .map(|&t| {
                    let rate: f64 = (model.streams.iter())
                        .filter(|s| s.contact_type == t)
                        .map(|s| s.rate_per_s.iter().copied().fold(0.0, f64::max))
                        .sum();
                    rate * mean_handle(model, g, t.index())
                })
                .sum();
            (2.0 * peak + 20.0).ceil() as u32
        })
        .collect();
    let first = model.first_reported_interval();
    let reported = model.n_intervals - first;
    // The group that outgrew its staffing last, with its busiest interval and load.
    let mut outgrown = None;
    for _ in 0..6 {
        let mut m = model.clone();
        // The work in progress after closing is measured too (the drain).
        m.report_closed = true;
        for (g, group) in m.groups.iter_mut().enumerate() {
            group.shrinkage = 0.0;
            group.shrinkage_by_interval.clear();
            group.set_scheduled(&vec![ample[g]; model.n_intervals], model.interval);
        }
        let options = experiment::RunOptions {
            replications,
            seed,
            threads,
        };
        let result = experiment::run(&m, &options)?;
        let load = busy_conversations(&m, &result);
        // Ample means mostly idle: where a group came near its staffing, double it.
        let mut again = false;
        for g in 0..n_g {
            let k = model.groups[g].concurrency.max(1) as f64;
            let peak = load[g].iter().copied().fold(0.0, f64::max) / k;
            if peak > 0.6 * ample[g] as f64 {
                let busiest = (0..reported)
                    .max_by(|&a, &b| load[g][a].total_cmp(&load[g][b]))
                    .map_or(first, |i| first + i);
                outgrown = Some((g, busiest, peak, ample[g]));
                ample[g] = ample[g].saturating_mul(2);
                again = true;
            }
        }
        if !again {
            return Ok((0..n_g)
                .map(|g| {
                    (0..model.n_intervals)
                        .map(|k| {
                            // A warm-up interval takes the first reported one's load; a
                            // cyclic model's lead-in its own hour of the counted day.
                            let cyclic = model.is_cyclic() && k < first;
                            load[g][if cyclic { k + first } else { k.max(first) } - first]
                        })
                        .collect()
                })
                .collect());
        }
    }
    Err(RunError::bad_input(outgrown_message(model, outgrown)))
}

/// Why the offered load could not be measured: which group outgrew every staffing tried,
/// when, and the arrival stream and interval that carry the most load then (an absurd
/// rate, or else a loop of transfers or repeats).
fn outgrown_message(model: &Model, outgrown: Option<(usize, usize, f64, u32)>) -> String {
    use crate::duration::clock;
    let Some((g, k, peak, ample)) = outgrown else {
        return "the offered load keeps growing with the staffing (a loop of transfers or repeats?); check the scenario's resolve and repeat probabilities".into();
    };
    let span = |k: usize| {
        format!(
            "{}–{}",
            clock(k as f64 * model.interval),
            clock((k + 1) as f64 * model.interval)
        )
    };
    let mut text = format!(
        "the offered load outgrows every staffing tried: group `{}` was still busy with {peak:.0} conversations at {} on {ample} agents, after doubling them five times",
        model.groups[g].name,
        span(k)
    );
    // The highest arrival rate in that interval or the one before (work arrives, then is
    // transferred on).
    let busiest = (k.saturating_sub(1)..=k)
        .flat_map(|j| model.streams.iter().map(move |s| (s, j)))
        .filter(|(s, j)| *j < s.rate_per_s.len())
        .max_by(|a, b| a.0.rate_per_s[a.1].total_cmp(&b.0.rate_per_s[b.1]));
    match busiest {
        Some((s, j)) => {
            let t = &model.contact_types[s.contact_type.index()];
            let mut rates = s.rate_per_s.clone();
            rates.sort_by(f64::total_cmp);
            let median = rates[rates.len() / 2] * 3600.0;
            let _ = write!(
                text,
                ". The busiest arrivals then are {}/{} (key `arrivals[{}]`): {:.0} contacts an hour at {} (interval [{j}]), against a median of {median:.0} an hour over the horizon; check that rate, or, for a loop of transfers or repeats, the scenario's resolve and repeat probabilities",
                model.channels[t.channel.index()].name,
                model.categories[t.category.index()],
                s.entry,
                s.rate_per_s[j] * 3600.0,
                span(j)
            );
        }
        None => text.push_str(
            "; check the replayed logs, or, for a loop of transfers or repeats, the scenario's resolve and repeat probabilities",
        ),
    }
    text
}

/// Mean conversations in progress per group and reported interval.
fn busy_conversations(model: &Model, result: &RunResult) -> Vec<Vec<f64>> {
    let areas = model.reported_group_grid();
    let n = result.outcomes.len() as f64;
    let mut load = vec![vec![0.0; areas.rows]; areas.width];
    for o in &result.outcomes {
        for i in 0..areas.rows {
            for (g, row) in load.iter_mut().enumerate() {
                let m = &o.group_intervals[areas.at(i, g)];
                let busy = if m.occupancy.is_finite() {
                    m.occupancy * m.staffed
                } else {
                    0.0
                };
                row[i] += busy * model.groups[g].concurrency.max(1) as f64 / n;
            }
        }
    }
    load
}

/// The target a group is sized to: `(answer_within, service level)`.
pub fn target_of(model: &Model, spec: &OptimizeSpec, role: &GroupRole) -> (f64, f64) {
    if role.back_office {
        spec.back_office
    } else {
        let ch = &model.channels[role.channel];
        (ch.answer_within, ch.service_level_target)
    }
}

/// Agents on duty that meet the group's target in interval `k` on an offered load of
/// `load` conversations in progress: Erlang A on `n × concurrency` servers, each
/// conversation slowed by the concurrency slowdown, with the channel's patience (Erlang C
/// for e-mail). The handle time is the group's in that interval ([`GroupRole::aht_in`]),
/// the arrival rate the load over it.
pub fn erlang_requirement(
    model: &Model,
    spec: &OptimizeSpec,
    g: usize,
    role: &GroupRole,
    k_interval: usize,
    load: f64,
) -> Result<u32, String> {
    if load <= 1e-9 {
        return Ok(0);
    }
    let group = &model.groups[g];
    let channel = &model.channels[role.channel];
    let k = group.concurrency.max(1) as u32;
    let slow = 1.0 + group.concurrency_slowdown * (k - 1) as f64;
    let role_aht = role.aht_in(k_interval);
    let aht = role_aht * slow;
    let rate = load / role_aht;
    let (answer_within, target) = target_of(model, spec, role);
    let patience = if channel.backlog {
        None
    } else {
        model.patience_mean_in(role.channel, k_interval)
    };
    let a = rate * aht;
    let cap = spec.max_occupancy.get(g).copied().flatten();
    // An occupancy cap m needs a / m agents at least, which may pass the usual ceiling.
    let ceiling = (a + 12.0 * a.sqrt() + 60.0)
        .max(cap.map_or(0.0, |m| a / m + 2.0))
        .ceil() as u32;
    let mut servers = (a.floor() as u32).max(1);
    loop {
        let spec_q = QueueSpec {
            arrival_rate: rate,
            aht,
            agents: servers,
            patience,
            answer_within,
        };
        if let Ok(v) = erlang_a(&spec_q) {
            let abandon_ok = (patience.is_none() || role.back_office)
                || spec.max_abandon_rate.is_none_or(|m| v.abandon_rate <= m);
            let asa_ok = role.back_office || spec.max_asa.is_none_or(|m| v.asa_s <= m);
            let occupancy_ok = cap.is_none_or(|m| v.occupancy <= m);
            if v.service_level >= target && abandon_ok && asa_ok && occupancy_ok {
                return Ok(servers.div_ceil(k));
            }
        }
        servers += 1;
        if servers > ceiling {
            return Err(format!(
                "group {}: {:.0}% within {} on {:.1} erlangs is out of reach of any staffing{}; lower the target or allow more time",
                group.name,
                target * 100.0,
                crate::duration::Duration::from_secs(answer_within),
                a,
                if spec.max_asa == Some(0.0) {
                    " (max_asa is 0s)"
                } else {
                    ""
                }
            ));
        }
    }
}

/// Agents on duty group `g` needs in interval `k` on an offered load of `load`
/// conversations in progress: in an open interval the Erlang requirement
/// ([`erlang_requirement`]), at least `min_on_duty`; in an interval where every channel of
/// the group is closed, [`drain_requirement`].
pub fn requirement_in(
    model: &Model,
    spec: &OptimizeSpec,
    g: usize,
    role: &GroupRole,
    k: usize,
    load: f64,
) -> Result<u32, String> {
    if model.group_closed_in(GroupId::from_index(g), k) {
        return Ok(drain_requirement(model, g, load));
    }
    erlang_requirement(model, spec, g, role, k, load).map(|n| n.max(spec.min_on_duty))
}

/// Agents on duty group `g` needs in an interval in which all its channels are closed:
/// enough to carry the conversations still in progress then, `⌈load / concurrency⌉`, when
/// one of its channels serves the contacts waiting at closing (`at_closing = "serve"`), else
/// 0; 0 when no work is left (a load under 10⁻⁹), and never `min_on_duty`.
///
/// Why not Erlang: nothing arrives while the channel is closed, so there is no wait to
/// size for (Erlang on no arrivals gives 0 agents and would leave the queue at closing
/// with nobody); the work is what was in progress or waiting at closing, and finishing it
/// takes its agent-time over the interval. The load measured with ample staffing has no
/// queue at closing, but a roster that meets its target has a short one, which the agents
/// kept for the work in progress serve first (the simulated roster shows no contact
/// unfinished). With `at_closing = "drop"` the waiting leave and the agents who hold a
/// conversation finish it as overtime: nobody else is needed.
pub fn drain_requirement(model: &Model, g: usize, load: f64) -> u32 {
    let group = &model.groups[g];
    let serves = group.handles.iter().any(|&t| {
        let channel = &model.channels[model.contact_types[t.index()].channel.index()];
        channel
            .hours
            .as_ref()
            .is_some_and(|h| h.at_closing == AtClosing::Serve)
    });
    if !serves || load <= 1e-9 {
        return 0;
    }
    (load / group.concurrency.max(1) as f64).ceil() as u32
}

/// Scheduled agents whose on-duty share in interval `k` (that interval's shrinkage
/// removed, rounded) reaches `on_duty`.
pub fn scheduled_for(model: &Model, g: usize, k: usize, on_duty: u32) -> u32 {
    let group = &model.groups[g];
    let mut n = ((on_duty as f64) / (1.0 - group.shrinkage_in(k))).floor() as u32;
    while group.on_duty_in(n, k) < on_duty {
        n += 1;
    }
    while n > 0 && group.on_duty_in(n - 1, k) >= on_duty {
        n -= 1;
    }
    n
}
