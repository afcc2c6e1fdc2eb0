//! Engine speed: one replication of the 100-agent Erlang-A case (95 arrivals per minute,
//! AHT 1 min, mean patience 3 min, about one million contacts), reported as contacts per
//! second.

use ccsim::engine::{Workspace, simulate};
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
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
