//! Engine speed: one replication of the 100-agent Erlang-A case (95 arrivals per minute,
//! AHT 1 min, mean patience 3 min, about one million contacts), reported as contacts per
//! second, beside the practical bound (the same queue written as one bare loop, run in the
//! same process, so that the ratio of the two holds on a noisy machine); the same arrivals replayed from a contact log (CSV read row by row); and chat
//! groups of 100 to 10,000 agents at concurrency 3, and one group serving 1 to 1,000
//! categories (the cost per contact stays flat in both).

use ccsim::engine::{Workspace, simulate};
use ccsim::experiment::replicate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The benchmark scenario: 175.5 h at 5,700 contacts per hour is about 1,000,350 arrivals.
const ERLANG_A_100: &str = r#"
[simulation]
name = "bench-erlang-a-100"
horizon = "175h30m"
interval = "30m"
replications = 1
seed = 7

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "3m" }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 5700

[[group]]
name = "agents"
agents = 100
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "1m" }
"#;

fn engine(c: &mut Criterion) {
    let model = ccsim::scenario::parse(ERLANG_A_100, "bench", "bench").expect("valid scenario");
    let mut ws = Workspace::new();
    let contacts = simulate(&model, model.seed, 0, &mut ws).contacts;
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("erlang_a_100_agents_1M_contacts", |b| {
        let mut replication = 0;
        b.iter(|| {
            replication += 1;
            simulate(&model, model.seed, replication, &mut ws)
        })
    });
    // The bound simulates the same queue: its abandon rate agrees with ccsim's (0.9 %) to a
    // few standard errors of a million contacts, or the comparison would be unfair.
    let ccsim_rate = simulate(&model, model.seed, 0, &mut ws).totals.abandon_rate;
    let bound = bound_loop(1);
    let bound_rate = bound.abandoned as f64 / bound.contacts as f64;
    assert!(
        (bound_rate / ccsim_rate - 1.0).abs() < 0.1,
        "the bound's abandon rate {bound_rate} against ccsim's {ccsim_rate}"
    );
    group.bench_function("erlang_a_100_agents_1M_contacts_bound_loop", |b| {
        let mut seed = 1;
        b.iter(|| {
            seed += 1;
            bound_loop(seed)
        })
    });
    group.finish();
}

/// What [`bound_loop`] counts.
#[derive(Debug)]
struct BoundOutcome {
    contacts: u64,
    answered: u64,
    abandoned: u64,
    answered_within_20s: u64,
    wait_sum: f64,
    abandoned_wait_sum: f64,
    waits: ccsim::stats::WaitHistogram,
}

/// The practical bound of issue 18: the benchmark's M/M/100+M queue (5,700 arrivals an
/// hour for 175.5 h, exponential service of mean 1 min and patience of mean 3 min, first
/// come first served) as one loop with nothing the model does not need: the service ends
/// in a binary heap, the waiting in a FIFO whose expired fronts leave as an agent reaches
/// them, xoshiro256++ streams and `rand_distr`'s exponential ziggurat as ccsim draws them,
/// and the answered waits in ccsim's wait histogram. No intervals, no ids, no tallies by
/// channel or category, no staffing changes: what ccsim's generality costs is the gap
/// between the two benchmarks.
fn bound_loop(seed: u64) -> BoundOutcome {
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand_distr::{Distribution, Exp1};
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, VecDeque};
    let (rate, aht, patience, agents) = (5700.0 / 3600.0, 60.0, 180.0, 100u32);
    let horizon = 175.5 * 3600.0;
    let mut arrivals = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut patiences = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5a5a);
    let mut services = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xa5a5);
    // Service ends as the bits of non-negative times (ordered as the times).
    let mut ends: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(agents as usize);
    let mut waiting: VecDeque<(f64, f64)> = VecDeque::new();
    let mut free = agents;
    let mut out = BoundOutcome {
        contacts: 0,
        answered: 0,
        abandoned: 0,
        answered_within_20s: 0,
        wait_sum: 0.0,
        abandoned_wait_sum: 0.0,
        waits: ccsim::stats::WaitHistogram::default(),
    };
    let first: f64 = Exp1.sample(&mut arrivals);
    let mut next_arrival = first / rate;
    loop {
        let end = ends.peek().map_or(f64::INFINITY, |e| f64::from_bits(e.0));
        let arrival = if next_arrival < horizon {
            next_arrival
        } else {
            f64::INFINITY
        };
        if arrival == f64::INFINITY && end == f64::INFINITY {
            break;
        }
        if arrival <= end {
            let now = arrival;
            out.contacts += 1;
            let patience_drawn: f64 = Exp1.sample(&mut patiences);
            let gives_up = now + patience * patience_drawn;
            let gap: f64 = Exp1.sample(&mut arrivals);
            next_arrival = now + gap / rate;
            if free > 0 {
                free -= 1;
                out.answered += 1;
                out.answered_within_20s += 1;
                out.waits.add(0.0);
                let service: f64 = Exp1.sample(&mut services);
                ends.push(Reverse((now + aht * service).to_bits()));
            } else {
                waiting.push_back((now, gives_up));
            }
        } else {
            let now = end;
            ends.pop();
            loop {
                match waiting.pop_front() {
                    Some((arrived, gives_up)) if gives_up < now => {
                        out.abandoned += 1;
                        out.abandoned_wait_sum += gives_up - arrived;
                    }
                    Some((arrived, _)) => {
                        let wait = now - arrived;
                        out.answered += 1;
                        out.answered_within_20s += (wait <= 20.0) as u64;
                        out.wait_sum += wait;
                        out.waits.add(wait);
                        let service: f64 = Exp1.sample(&mut services);
                        ends.push(Reverse((now + aht * service).to_bits()));
                        break;
                    }
                    None => {
                        free += 1;
                        break;
                    }
                }
            }
        }
    }
    out
}

fn replay(c: &mut Criterion) {
    let model = ccsim::scenario::parse(ERLANG_A_100, "bench", "bench").expect("valid scenario");
    // The arrivals of replication 0 as a log (timestamp, channel, category).
    let mut records = Vec::new();
    let mut ws = Workspace::new();
    replicate(&model, model.seed, 0, &mut ws, Some(&mut records)).expect("runs");
    records.sort_by(|a, b| a.arrived.total_cmp(&b.arrived));
    let dir = std::env::temp_dir().join(format!("ccsim-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("arrivals.csv");
    let mut text = String::from("timestamp,channel,category\n");
    for r in records.iter().filter(|r| r.attempt == 1) {
        text += &format!("{:.3},voice,general\n", r.arrived);
    }
    std::fs::write(&log, text).expect("log written");
    let scenario = dir.join("bench.toml");
    std::fs::write(&scenario, ERLANG_A_100).expect("scenario written");
    let options = ccsim::scenario::LoadOptions {
        arrivals: Some(log),
        skip_bad_rows: false,
        log_start: None,
    };
    let replayed = ccsim::scenario::load_with(&scenario, &options).expect("log loads");
    let contacts = replicate(&replayed, 7, 0, &mut ws, None)
        .expect("runs")
        .contacts;
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(contacts));
    group.bench_function("erlang_a_100_agents_1M_contacts_replayed", |b| {
        let mut replication = 0;
        b.iter(|| {
            replication += 1;
            replicate(&replayed, 7, replication, &mut ws, None).expect("runs")
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A chat group of `agents` agents holding up to 3 conversations each (6 min each, no
/// slowdown), offered 0.45 chats per agent-minute (occupancy about 88 %) for about 50,000
/// chats: the cost per contact must not grow with the group (issue 18 item 1: the least
/// loaded agent was found by scanning, 3.3 k instructions a contact at 100 agents and
/// 150 k at 10,000).
fn chat_scenario(agents: u32) -> String {
    let rate = agents as f64 * 0.45 * 60.0;
    let minutes = ((50_000.0 / rate * 60.0 / 10.0).round() as u32).max(1) * 10;
    format!(
        r#"
[simulation]
name = "bench-chat-{agents}"
horizon = "{minutes}m"
interval = "10m"
replications = 1
seed = 7

[[channel]]
name = "chat"
service_level = {{ answer_within = "60s", target = 0.8 }}
patience = {{ dist = "exponential", mean = "5m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "chat"
category = "general"
rate_per_hour = {rate}

[[group]]
name = "agents"
agents = {agents}
concurrency = 3
handles = ["chat/general"]
handle_time = {{ dist = "exponential", mean = "6m" }}
"#
    )
}

fn chat_concurrency(c: &mut Criterion) {
    let mut group = c.benchmark_group("chat_concurrency");
    group.sample_size(10);
    for agents in [100, 1_000, 3_000, 10_000] {
        let text = chat_scenario(agents);
        let model = ccsim::scenario::parse(&text, "bench", "bench").expect("valid scenario");
        let mut ws = Workspace::new();
        let contacts = simulate(&model, model.seed, 0, &mut ws).contacts;
        group.throughput(Throughput::Elements(contacts));
        group.bench_function(format!("{agents}_agents_concurrency_3"), |b| {
            let mut replication = 0;
            b.iter(|| {
                replication += 1;
                simulate(&model, model.seed, replication, &mut ws)
            })
        });
    }
    group.finish();
}

/// One group of 100 agents serving `categories` categories that share the Erlang-A case's
/// 5,700 calls an hour (AHT 1 min, mean patience 3 min), for about 200,000 calls: the cost
/// per contact must stay flat as the queues multiply (issue 18 item 3: probing every
/// queue's head cost 2.6 k instructions a contact at 10 categories and 32 k at 1,000).
fn queues_scenario(categories: u32) -> String {
    let rate = 5700.0 / categories as f64;
    let mut text = String::from(
        r#"
[simulation]
name = "bench-queues"
horizon = "35h"
interval = "30m"
replications = 1
seed = 7

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "3m" }
"#,
    );
    let mut handles = Vec::new();
    for k in 0..categories {
        text += &format!("\n[[category]]\nname = \"c{k}\"\n");
        text += &format!(
            "\n[[arrivals]]\nchannel = \"voice\"\ncategory = \"c{k}\"\nrate_per_hour = {rate}\n"
        );
        handles.push(format!("\"voice/c{k}\""));
    }
    text += &format!(
        "\n[[group]]\nname = \"agents\"\nagents = 100\nhandles = [{}]\nhandle_time = {{ dist = \"exponential\", mean = \"1m\" }}\n",
        handles.join(", ")
    );
    text
}

fn many_queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("many_queues");
    group.sample_size(10);
    for categories in [1, 10, 100, 1_000] {
        let text = queues_scenario(categories);
        let model = ccsim::scenario::parse(&text, "bench", "bench").expect("valid scenario");
        let mut ws = Workspace::new();
        let contacts = simulate(&model, model.seed, 0, &mut ws).contacts;
        group.throughput(Throughput::Elements(contacts));
        group.bench_function(format!("{categories}_categories"), |b| {
            let mut replication = 0;
            b.iter(|| {
                replication += 1;
                simulate(&model, model.seed, replication, &mut ws)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, engine, replay, chat_concurrency, many_queues);
criterion_main!(benches);
