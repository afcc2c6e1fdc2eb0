//! Helpers shared by the integration tests.

use ccsim::experiment::{self, Estimate, RunOptions, RunResult, t_quantile_975};
use ccsim::model::Model;

/// Compiles scenario text, panicking with the error (a test bug) if it is invalid.
pub fn model(text: &str) -> Model {
    ccsim::scenario::parse(text, "test.toml", "test").unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `replications` replications on `threads` threads.
pub fn run(model: &Model, replications: u32, seed: u64, threads: usize) -> RunResult {
    experiment::run(
        model,
        &RunOptions {
            replications,
            seed,
            threads: Some(threads),
        },
    )
    .expect("runs")
}

/// A single-queue scenario: one channel, one category, one group, exponential times.
pub fn single_queue(
    per_hour: f64,
    aht_s: f64,
    agents: u32,
    patience_s: Option<f64>,
    horizon_min: u64,
) -> String {
    let patience = patience_s.map_or(String::new(), |p| {
        format!("patience = {{ dist = \"exponential\", mean = \"{p}s\" }}")
    });
    format!(
        r#"
[simulation]
horizon = "{horizon_min}m"
warmup = "{w}m"
interval = "{w}m"
replications = 10
seed = 11

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
{patience}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {per_hour}

[[group]]
name = "agents"
agents = {agents}
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "{aht_s}s" }}
"#,
        w = horizon_min / 10
    )
}

/// Whether `value` lies within four standard errors of the estimate (a correct model fails
/// this with probability about 6e-5).
pub fn within_four_se(est: &Estimate, value: f64) -> bool {
    let se = est.ci95 / t_quantile_975(est.n - 1);
    (est.mean - value).abs() <= 4.0 * se + 1e-9
}

/// The ccsim binary built for these tests, as a command run from the project's root (so
/// that `scenarios/…` paths resolve): add arguments, a working folder, environment or
/// standard input, then run it.
pub fn command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs ccsim with `args` from the project's root and returns what it did.
pub fn ccsim(args: &[&str]) -> std::process::Output {
    command()
        .args(args)
        .output()
        .expect("the ccsim binary runs")
}

/// Runs ccsim with `args` in the folder `dir`.
pub fn ccsim_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the ccsim binary runs")
}
