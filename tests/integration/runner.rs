//! The experiment runner as a library: runs to a precision (met, not met, cancelled) and
//! sharded runs merged, called directly, without the command line.

use ccsim::error::ErrorKind;
use ccsim::experiment::RunOptions;
use ccsim::runner::{Control, run_to_precision};
use ccsim::stats::ReplicationOutcome;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

fn erlang_a() -> ccsim::model::Model {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation/erlang_a.toml");
    ccsim::scenario::load(&file).expect("erlang_a loads")
}

fn service_level(o: &ReplicationOutcome) -> f64 {
    o.totals.service_level
}

fn options(replications: u32) -> RunOptions {
    RunOptions {
        replications,
        seed: 7,
        threads: Some(2),
    }
}

#[test]
fn a_precision_run_stops_at_the_target_and_equals_a_plain_run() {
    let model = erlang_a();
    let heard = AtomicU64::new(0);
    let count = |_| {
        heard.fetch_add(1, Ordering::Relaxed);
    };
    let control = Control::new().on_replication(&count);
    let run = run_to_precision(&model, &options(10), &service_level, 0.006, 1000, &control)
        .expect("runs");
    let n = run.replications();
    assert!(run.met, "{:?}", run.estimate);
    assert!(run.estimate.ci95 <= 0.006 && run.estimate.n == n as usize);
    assert!(n > 10 && n % 10 == 0, "batches of 10: {n}");
    assert_eq!(
        heard.load(Ordering::Relaxed),
        n as u64,
        "every replication heard"
    );
    // One batch fewer would not have met it: the run stopped at the first batch that did.
    let plain = ccsim::runner::run(&model, 7, n, &Control::new()).expect("runs");
    assert_eq!(plain.estimate(service_level), run.estimate);
    let fewer = ccsim::runner::run(&model, 7, n - 10, &Control::new()).expect("runs");
    assert!(fewer.estimate(service_level).ci95 > 0.006);
    assert!(run.result.intervals.is_some(), "intervals folded");
}

#[test]
fn a_precision_run_stops_at_the_cap_and_says_it_was_not_met() {
    let model = erlang_a();
    let run = run_to_precision(
        &model,
        &options(4),
        &service_level,
        1e-9,
        10,
        &Control::new(),
    )
    .expect("runs");
    assert!(!run.met);
    assert_eq!(run.replications(), 10, "batches of 4, 4, then the 2 left");
    let plain = ccsim::runner::run(&model, 7, 10, &Control::new()).expect("runs");
    assert_eq!(plain.estimate(service_level), run.estimate);
}

#[test]
fn a_precision_run_is_cancelled_between_batches_and_refuses_a_bad_target() {
    let model = erlang_a();
    let stop = AtomicBool::new(false);
    let ended = AtomicU64::new(0);
    let stop_now = |_| {
        ended.fetch_add(1, Ordering::Relaxed);
        stop.store(true, Ordering::Relaxed);
    };
    let control = Control::new().on_replication(&stop_now).cancel_with(&stop);
    let e = run_to_precision(&model, &options(5), &service_level, 1e-9, 1000, &control)
        .expect_err("cancelled");
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(
        ended.load(Ordering::Relaxed),
        5,
        "the batch under way finished, no more"
    );
    for target in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = run_to_precision(
            &model,
            &options(5),
            &service_level,
            target,
            100,
            &Control::new(),
        )
        .expect_err("refused");
        assert_eq!(e.kind(), ErrorKind::BadInput, "{target}");
    }
    let e = run_to_precision(&model, &options(5), &service_level, 0.1, 1, &Control::new())
        .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::BadInput);
}
