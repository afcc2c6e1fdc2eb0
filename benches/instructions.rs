//! Instruction counts (callgrind's Ir, through gungraun) of five fixed pieces of work, for
//! the CI gate `tests/perf/gate.sh`, which compares them with the committed
//! `benches/instructions-baseline.toml`. Wall-clock figures stay with criterion
//! (`benches/engine.rs`, `benches/optimize.rs`); these are what a shared, noisy machine
//! cannot disturb: one replication, one thread, fixed seeds, so the same build counts the
//! same instructions on every run.
//!
//! Only the benchmark function is counted: the scenario is parsed, and the roster problem
//! built, in its setup; the teardown prints the work done (`ccsim-gate: <name> contacts N`)
//! on stderr, which the gate shows with `--nocapture=stderr`.
//!
//! ```sh
//! GUNGRAUN_RUNNER=$PWD/target/gungraun-runner/bin/gungraun-runner \
//!   cargo bench --bench instructions            # gungraun's own report
//! tests/perf/gate.sh                            # the gate: counts against the baseline
//! ```

use ccsim::engine::{Workspace, simulate};
use ccsim::experiment::replicate;
use ccsim::model::{Model, RosterBreak, RosterShift};
use ccsim::optimize::Solver;
use ccsim::optimize::roster::{Candidate, RosterProblem, RosterSolution, solve};
use ccsim::stats::ReplicationOutcome;
use gungraun::{
    Callgrind, LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main,
};
use std::hint::black_box;
use std::path::Path;

/// The M/M/100+M benchmark scenario of `benches/engine.rs` (100 agents, 95 arrivals a
/// minute, AHT 1 min, mean patience 3 min) over 6 hours instead of 175.5: about 34,200
/// contacts.
const ERLANG_A_100: &str = r#"
[simulation]
name = "gate-erlang-a-100"
horizon = "6h"
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

/// Chat concurrency: 300 agents holding up to 3 conversations each (each extra one slows
/// all of them by 15 %), 4,500 chats an hour (about 87 % of what 900 slots serve at AHT
/// 8 min stretched 1.3 times) for 7 hours: about 31,500 contacts, each placed with the
/// least-loaded agent that has a free slot.
const CHAT_CONCURRENCY: &str = r#"
[simulation]
name = "gate-chat-concurrency"
horizon = "7h"
interval = "30m"
replications = 1
seed = 11

[[channel]]
name = "chat"
service_level = { answer_within = "60s", target = 0.8 }
patience = { dist = "lognormal", mean = "10m", cv = 0.8 }

[[category]]
name = "general"

[[arrivals]]
channel = "chat"
category = "general"
rate_per_hour = 4500

[[group]]
name = "chat_agents"
agents = 300
concurrency = 3
concurrency_slowdown = 0.15
handles = ["chat/*"]
handle_time = { dist = "lognormal", mean = "8m", cv = 0.6 }
"#;

/// What the generated-arrival benchmarks work on: the model and a fresh workspace.
type Engine = (Model, Workspace);

fn parsed(text: &str, name: &str) -> Engine {
    let model = ccsim::scenario::parse(text, name, name).expect("valid scenario");
    (model, Workspace::new())
}

fn loaded(path: &str) -> Engine {
    // Relative to the package root (cargo runs benchmarks there), so that the path's
    // length, and the instructions spent on it, are the same in every checkout.
    let model = ccsim::scenario::load(Path::new(path))
        .unwrap_or_else(|e| panic!("{path} (run from the package root): {e}"));
    (model, Workspace::new())
}

fn setup_erlang_a() -> Engine {
    parsed(ERLANG_A_100, "gate-erlang-a-100")
}

fn setup_weekday() -> Engine {
    loaded("scenarios/weekday.toml")
}

fn setup_replay() -> Engine {
    loaded("scenarios/replay_last_week.toml")
}

fn setup_chat() -> Engine {
    parsed(CHAT_CONCURRENCY, "gate-chat-concurrency")
}

/// The work a simulation benchmark did, on stderr for the gate.
fn contacts(name: &str, outcome: ReplicationOutcome) {
    eprintln!(
        "ccsim-gate: {name} contacts {} events {}",
        outcome.contacts, outcome.events
    );
}

fn report_erlang_a(outcome: ReplicationOutcome) {
    contacts("erlang_a_100_agents", outcome);
}

fn report_weekday(outcome: ReplicationOutcome) {
    contacts("weekday", outcome);
}

fn report_replay(outcome: ReplicationOutcome) {
    contacts("replay_last_week", outcome);
}

fn report_chat(outcome: ReplicationOutcome) {
    contacts("chat_concurrency_300_agents", outcome);
}

// One replication (number 0, the scenario's seed) of the M/M/100+M case.
#[library_benchmark]
#[bench::run(setup = setup_erlang_a, teardown = report_erlang_a)]
fn erlang_a_100_agents((model, mut ws): Engine) -> ReplicationOutcome {
    black_box(simulate(&model, model.seed, 0, &mut ws))
}

// One replication of `scenarios/weekday.toml`: 3 channels, 2 bots, 6 groups, transfers,
// redials and repeats, a 24-hour day.
#[library_benchmark]
#[bench::run(setup = setup_weekday, teardown = report_weekday)]
fn weekday((model, mut ws): Engine) -> ReplicationOutcome {
    black_box(simulate(&model, model.seed, 0, &mut ws))
}

// One replication of `scenarios/replay_last_week.toml`: last week's 21,095-row log
// (`scenarios/logs/last_week.csv`) read row by row, checked and replayed at 1.3 times
// the volume, with the log's handle times and waits.
#[library_benchmark]
#[bench::run(setup = setup_replay, teardown = report_replay)]
fn replay_last_week((model, mut ws): Engine) -> ReplicationOutcome {
    black_box(replicate(&model, model.seed, 0, &mut ws, None).expect("the log replays"))
}

// One replication of the chat-concurrency case: 300 agents, 3 conversations each.
#[library_benchmark]
#[bench::run(setup = setup_chat, teardown = report_chat)]
fn chat_concurrency_300_agents((model, mut ws): Engine) -> ReplicationOutcome {
    black_box(simulate(&model, model.seed, 0, &mut ws))
}

const INTERVAL: f64 = 900.0;

/// The day of `benches/optimize.rs`: full-time 8.5 h shifts with a 30-minute unpaid
/// break placed 3.5-5 h in (4 places), and part-time 4 h shifts, starting every 15
/// minutes: 65 × 4 + 57 = 317 candidates over 96 intervals.
fn candidates() -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut add = |start: f64, length: f64, brk: Option<f64>, part_time: bool| {
        let breaks: Vec<RosterBreak> = brk
            .map(|o| RosterBreak {
                start: start + o,
                length: 1800.0,
                paid: false,
            })
            .into_iter()
            .collect();
        let covers = (0..96)
            .filter(|&k| {
                let (a, b) = (k as f64 * INTERVAL, (k + 1) as f64 * INTERVAL);
                start <= a
                    && b <= start + length
                    && !breaks.iter().any(|x| x.start < b && a < x.start + x.length)
            })
            .collect();
        let paid =
            (length.min(86400.0 - start) - if brk.is_some() { 1800.0 } else { 0.0 }) / 3600.0;
        out.push(Candidate {
            template: usize::from(part_time),
            shift: RosterShift {
                start,
                length,
                agents: 1,
                breaks,
            },
            covers,
            paid_hours: paid,
            part_time,
        });
    };
    for s in 0..65 {
        for b in 0..4 {
            add(
                s as f64 * INTERVAL,
                8.5 * 3600.0,
                Some(12600.0 + b as f64 * 1800.0),
                false,
            );
        }
    }
    for s in 24..81 {
        add(s as f64 * INTERVAL, 4.0 * 3600.0, None, true);
    }
    out
}

/// The weekday curve of `benches/optimize.rs` with a peak of `scale` agents.
fn need(scale: f64) -> Vec<u32> {
    (0..96)
        .map(|k| {
            let h = k as f64 / 4.0;
            let day =
                (-((h - 11.0) / 3.5).powi(2)).exp() + 0.6 * (-((h - 20.0) / 2.5).powi(2)).exp();
            (2.0 + scale * day).round() as u32
        })
        .collect()
}

/// The roster MIP's input: the candidates and one group's need.
type Mip = (Vec<Candidate>, Vec<u32>);

fn setup_mip() -> Mip {
    (candidates(), need(ROSTER_PEAK))
}

/// The peak of the group solved.
const ROSTER_PEAK: f64 = 70.0;

fn report_mip(solution: RosterSolution) {
    eprintln!(
        "ccsim-gate: roster_mip path \"{}\" cost {:.0} gap {:.4}",
        solution.path,
        solution.cost,
        solution.gap.unwrap_or(f64::NAN)
    );
}

// One group's roster MIP with microlp (LP relaxation, rounding, branch and bound to a
// 0.5 % gap). The time limit is far above what it takes even under callgrind, so the
// search ends at the gap (or its node budget, a count), never at the clock: the same
// work on every run.
#[library_benchmark]
#[bench::run(setup = setup_mip, teardown = report_mip)]
fn roster_mip((cands, need): Mip) -> RosterSolution {
    black_box(
        solve(&RosterProblem {
            group: "gate",
            need: &need,
            candidates: &cands,
            hourly_cost: 30.0,
            max_agents: None,
            max_part_time_share: Some(0.3),
            gap: 0.005,
            time_limit: 600.0,
            solver: Solver::Microlp,
        })
        .expect("solves"),
    )
}

/// The same hash seeds on every run. std seeds each `HashMap`'s hasher with bytes from the
/// OS (glibc's `getrandom`), and the probe sequences, the order of the setup's allocations
/// and frees, and so the allocator's later work, move with them: a few hundred to a few
/// hundred thousand instructions from run to run. Defined in this benchmark binary, this
/// `getrandom` is the one std's calls reach (the executable's symbol binds before glibc's),
/// and it hands out a fixed pattern. Nothing in ccsim draws from the OS: its simulations
/// and solvers are seeded explicitly.
///
/// # Safety
///
/// `buf` must be valid for writes of `len` bytes, as glibc's `getrandom` requires.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn getrandom(buf: *mut u8, len: usize, _flags: u32) -> isize {
    for i in 0..len {
        // SAFETY: within the `len` bytes the caller gave.
        unsafe { *buf.add(i) = (i as u8).wrapping_mul(151).wrapping_add(7) };
    }
    len as isize
}

library_benchmark_group!(
    name = engine;
    benchmarks = erlang_a_100_agents, weekday, replay_last_week, chat_concurrency_300_agents
);

library_benchmark_group!(
    name = optimize;
    benchmarks = roster_mip
);

main!(
    // Instructions are all the gate reads: no cache simulation (it only slows the run).
    config = LibraryBenchmarkConfig::default().tool(Callgrind::with_args(["--cache-sim=no"]));
    library_benchmark_groups = engine, optimize
);
