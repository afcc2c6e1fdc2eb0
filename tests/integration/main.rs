//! The one integration-test binary: the engine against analytic queues, conservation,
//! determinism, distributions, arrivals, bad input and the command line.

mod acd;
mod aht;
mod architecture;
mod arrivals;
mod bad_input;
mod bots;
mod cli;
mod compare;
mod concurrency;
mod conservation;
mod cost;
mod coverage;
mod destinations;
mod distributions;
mod email;
mod erlang_oracle;
mod fit;
mod forecast;
mod forecasts;
#[cfg(target_os = "linux")]
mod fuzz;
mod hours;
mod hours_plan;
mod identity;
mod log_format;
mod optimize;
mod optimize_solver;
mod precision;
mod readme;
mod replay;
mod report;
mod returns;
mod roster_export;
mod routing;
mod runner;
mod safety;
mod shard;
mod shifts;
mod snapshots;
mod support;
mod sweep;
mod tours;
mod transfers;
mod variants;
mod warmup;
