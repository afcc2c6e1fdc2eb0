//! Shrinkage and cost: absent agents are paid but not on duty; agent cost is scheduled
//! hours × hourly cost; bot cost is sessions × session cost.

use crate::support::{model, run};

#[test]
fn shrinkage_removes_agents_from_duty_but_not_from_the_bill() {
    let text = r#"
[simulation]
horizon = "4h"
warmup = "1h"
interval = "1h"

[[channel]]
name = "chat"
service_level = { answer_within = "60s" }

[[category]]
name = "general"

[[arrivals]]
channel = "chat"
category = "general"
rate_per_hour = 60

[[group]]
name = "agents"
staffing = [10, 10, 20, 10]
shrinkage = 0.25
hourly_cost = 30
handles = ["chat/general"]
handle_time = { dist = "exponential", mean = "2m" }

[[bot]]
channel = "chat"
handle_time = { dist = "exponential", mean = "1m" }
containment = 0.5
session_cost = 0.2
"#;
    let m = model(text);
    // 10 scheduled less 25 % is 7.5, rounded to 8 on duty; 20 gives 15.
    assert_eq!(m.groups[0].staffing, vec![8, 8, 15, 8]);
    let result = run(&m, 4, 61, 2);
    for o in &result.outcomes {
        let g = &o.by_group[0];
        // Reported hours 1..4: 10 + 20 + 10 scheduled agent-hours at 30.
        assert_eq!(g.scheduled_hours, 40.0);
        assert_eq!(g.cost, 1200.0);
        assert!(
            (o.group_intervals[1].staffed - 15.0).abs() < 1.0,
            "{:?}",
            o.group_intervals[1]
        );
        let sessions = o.totals.bot_sessions;
        assert!((o.bot_cost - 0.2 * sessions).abs() < 1e-9);
        assert!((o.cost - 1200.0 - 0.2 * sessions).abs() < 1e-9);
    }
}
