//! Shifts and breaks: a roster of shifts equal to a per-interval staffing list gives the
//! same numbers; breaks take agents off the queues but not off the bill; agents busy when
//! their shift ends finish their contact as overtime — with exponential handle times each
//! busy agent works on for one mean handle time (memorylessness).

use crate::support::{model, run};
use ccsim::experiment::t_quantile_975;
use ccsim::summary::RunSummary;

fn center(staffing: &str, per_hour: f64) -> String {
    format!(
        r#"
[simulation]
horizon = "4h"
interval = "1h"
replications = 6

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
patience = {{ dist = "exponential", mean = "3m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {per_hour}

[[group]]
name = "agents"
{staffing}
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "5m" }}
hourly_cost = 20
"#
    )
}

#[test]
fn shifts_matching_a_staffing_list_give_the_same_results() {
    let listed = model(&center("staffing = [5, 8, 8, 3]", 60.0));
    let shifts = model(&center(
        r#"shifts = [
  { start = "0h", length = "3h", agents = 5 },
  { start = "1h", length = "2h", agents = 3 },
  { start = "3h", length = "1h", agents = 3 },
]"#,
        60.0,
    ));
    assert_eq!(listed.groups[0].timeline, shifts.groups[0].timeline);
    let json = |m: &ccsim::model::Model| {
        let mut s = RunSummary::new(m, &run(m, 6, 91, 2), 91);
        s.wall_s = 0.0;
        s.to_json()
    };
    assert_eq!(json(&listed), json(&shifts));
}

#[test]
fn breaks_take_agents_off_the_queues_but_stay_paid() {
    let m = model(&center(
        r#"shifts = [{ start = "0h", length = "4h", agents = 10, breaks = [{ start = "1h30m", length = "30m" }] }]"#,
        30.0,
    ));
    assert_eq!(
        m.groups[0].timeline,
        vec![(0.0, 10), (5400.0, 0), (7200.0, 10)]
    );
    let result = run(&m, 6, 92, 2);
    for o in &result.outcomes {
        // Second hour: 10 agents for 30 minutes, then nobody but those finishing a call.
        let second = &o.group_intervals[1];
        assert!(second.staffed > 5.0 && second.staffed < 6.0, "{second:?}");
        assert_eq!(o.by_group[0].scheduled_hours, 40.0);
        assert_eq!(o.by_group[0].cost, 800.0);
    }
}

#[test]
fn agents_busy_at_the_end_of_their_shift_work_on_as_overtime() {
    // Far more calls than 10 agents take, nobody gives up: all 10 are busy when the shift
    // ends at 2h, and each needs another 5 minutes on average: 50 agent-minutes. (Calls
    // after 2h find nobody and stay unfinished.)
    let text = center(
        r#"shifts = [{ start = "0h", length = "2h", agents = 10 }]"#,
        600.0,
    )
    .replace("patience = { dist = \"exponential\", mean = \"3m\" }", "");
    let m = model(&text);
    let result = run(&m, 40, 93, 2);
    let overtime = result.estimate(|o| o.by_group[0].overtime_hours);
    let se = overtime.ci95 / t_quantile_975(overtime.n - 1);
    assert!(
        (overtime.mean - 50.0 / 60.0).abs() < 4.0 * se,
        "{overtime:?}"
    );
}

#[test]
fn overtime_is_reported_per_interval_and_adds_up_to_the_run() {
    // Issue 12 item 5: 20 agents for an hour, then 2; busy agents finish their contacts past
    // the drop, and that overtime shows in the interval where it happens.
    let m = crate::support::model(
        r#"
[simulation]
horizon = "3h"
interval = "30m"
[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
[[category]]
name = "general"
[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 600
[[group]]
name = "agents"
staffing = [20, 20, 2, 2, 2, 2]
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "90s" }
"#,
    );
    let result = crate::support::run(&m, 4, 9, 2);
    for o in &result.outcomes {
        let per_interval: Vec<f64> = o.group_intervals.iter().map(|g| g.overtime_hours).collect();
        assert!(
            per_interval.iter().all(|h| h.is_finite() && *h >= 0.0),
            "{per_interval:?}"
        );
        assert!(per_interval[2] > 0.0, "{per_interval:?}");
        assert!(
            per_interval[0] == 0.0 && per_interval[1] == 0.0,
            "{per_interval:?}"
        );
        let sum: f64 = per_interval.iter().sum();
        assert!((sum - o.by_group[0].overtime_hours).abs() < 1e-9);
    }
    let summary = ccsim::summary::RunSummary::new(&m, &result, 9);
    let json: serde_json::Value = serde_json::from_str(&summary.to_json()).unwrap();
    assert!(
        json["group_intervals"][2]["overtime_hours"]["mean"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let text = ccsim::summary::render_text(&m, &summary, "drop.toml");
    assert!(
        text.contains("Agents on duty: the time-average of agents present over the reported 00:00–03:00 (3 h), hours with no one on duty included"),
        "{text}"
    );
}
