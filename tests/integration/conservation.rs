//! Every arrival ends exactly once; staffing changes keep busy agents until they finish;
//! results do not depend on the number of threads; routing follows the declared order.

use crate::support::{model, run};
use ccsim::experiment::RunOptions;
use ccsim::summary::RunSummary;

const TWO_INTERVALS: &str = r#"
[simulation]
horizon = "2h"
interval = "1h"
replications = 8
seed = 3

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }

[[channel]]
name = "chat"
service_level = { answer_within = "1m", target = 0.8 }
patience = { dist = "lognormal", mean = "4m", cv = 1.0 }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rates_per_hour = [300, 300]

[[arrivals]]
channel = "chat"
category = "general"
rates_per_hour = [200, 200]

[[group]]
name = "agents"
staffing = [20, 0]
handles = ["voice/general", "chat/general"]
handle_time = { dist = "gamma", mean = "5m", cv = 0.7 }
"#;

#[test]
fn every_arrival_ends_exactly_once() {
    let m = model(TWO_INTERVALS);
    let result = run(&m, 8, 3, 2);
    for o in &result.outcomes {
        // No warm-up: every arrival is counted.
        assert_eq!(o.contacts as f64, o.totals.offered);
        let t = &o.totals;
        assert_eq!(t.offered, t.answered + t.abandoned + t.unfinished);
        assert_eq!(
            t.answered, t.resolved,
            "everything answered is resolved here"
        );
        assert!(t.unfinished >= 0.0);
        // Chat contacts abandon; voice contacts left with nobody on duty stay unfinished.
        assert_eq!(o.by_channel[1].unfinished, 0.0);
        assert!(o.by_channel[0].unfinished > 0.0);
        let sum: f64 = o.by_channel.iter().map(|c| c.offered).sum();
        assert_eq!(sum, t.offered);
        let per_interval: f64 = o.intervals.iter().map(|c| c.offered).sum();
        assert_eq!(per_interval, t.offered);
    }
}

#[test]
fn busy_agents_finish_before_leaving() {
    let m = model(TWO_INTERVALS);
    let result = run(&m, 8, 3, 1);
    for o in &result.outcomes {
        // In the second hour nobody is rostered, yet the busy agents stay to finish.
        let second = &o.group_intervals[1];
        assert!(second.staffed > 0.0 && second.staffed < 20.0, "{second:?}");
        assert_eq!(second.occupancy, 1.0);
        // Nobody starts a new contact in the second hour.
        assert_eq!(o.intervals[2].answered + o.intervals[3].answered, 0.0);
    }
}

#[test]
fn results_are_identical_on_one_and_two_threads() {
    let m = model(TWO_INTERVALS);
    let json = |threads| {
        let options = RunOptions {
            replications: 8,
            seed: 99,
            threads: Some(threads),
        };
        let result = ccsim::experiment::run(&m, &options).unwrap();
        let mut summary = RunSummary::new(&m, &result, 99);
        summary.wall_s = 0.0;
        summary.to_json()
    };
    assert_eq!(json(1), json(2));
}

#[test]
fn first_free_group_in_declared_order_serves() {
    let text = r#"
[simulation]
horizon = "20h"
interval = "1h"

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 60

[[group]]
name = "first"
agents = 10
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "3m" }

[[group]]
name = "second"
agents = 10
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "3m" }
"#;
    let m = model(text);
    let result = run(&m, 4, 5, 2);
    // Load 3 erlangs on 10 agents: the first group is almost never full.
    let first = result.estimate(|o| o.by_group[0].occupancy);
    let second = result.estimate(|o| o.by_group[1].occupancy);
    assert!((first.mean - 0.3).abs() < 0.03, "{first:?}");
    assert!(second.mean < 0.001, "{second:?}");
}

#[test]
fn new_agents_take_waiting_contacts_at_once() {
    // Nobody is on duty in the first hour; 200 agents arrive at 01:00 and take every
    // waiting contact at once, so each waited from its arrival to 01:00: 30 min on average.
    let text = r#"
[simulation]
horizon = "2h"
interval = "1h"

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rates_per_hour = [100, 0]

[[group]]
name = "agents"
staffing = [0, 200]
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "3m" }
"#;
    let m = model(text);
    let result = run(&m, 20, 7, 2);
    for o in &result.outcomes {
        assert_eq!(o.intervals[0].answered, o.intervals[0].offered);
        assert!(o.intervals[0].wait_p90_s <= 3600.0 * 1.03);
    }
    let asa = result.estimate(|o| o.intervals[0].asa_s);
    let se = asa.ci95 / ccsim::experiment::t_quantile_975(asa.n - 1);
    assert!((asa.mean - 1800.0).abs() < 4.0 * se, "{asa:?}");
}
