//! E-mail backlogs: nobody abandons them, a dedicated group works them as an M/M/c queue
//! (with an SLA in hours), blended agents work them when no call waits, and what is still
//! open at the end of the horizon is reported, never dropped.

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_c};

fn center(email_staffing: &str, blended: bool, voice_per_hour: f64) -> String {
    let voice_group = if blended {
        r#"
[[group]]
name = "blended"
agents = 12
handles = ["voice/general", "email/general"]
handle_time = { dist = "exponential", mean = "6m" }
"#
    } else {
        r#"
[[group]]
name = "voice_agents"
agents = 2
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "6m" }
"#
    };
    format!(
        r#"
[simulation]
horizon = "40h"
warmup = "4h"
interval = "4h"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}

[[channel]]
name = "email"
kind = "email"
service_level = {{ answer_within = "2h", target = 0.9 }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {voice_per_hour}

[[arrivals]]
channel = "email"
category = "general"
rate_per_hour = 40

[[group]]
name = "backoffice"
staffing = [{email_staffing}]
handles = ["email/general"]
handle_time = {{ dist = "exponential", mean = "6m" }}
{voice_group}
"#
    )
}

#[test]
fn a_dedicated_backlog_group_is_an_erlang_c_queue_with_an_sla_in_hours() {
    let m = model(&center(&["5"; 10].join(", "), false, 0.01));
    let result = run(&m, 10, 81, 2);
    // 40/h of 6-minute e-mails on 5 agents: 4 erlangs.
    let exact = erlang_c(&QueueSpec {
        arrival_rate: 40.0 / 3600.0,
        aht: 360.0,
        agents: 5,
        patience: None,
        answer_within: 7200.0,
    })
    .unwrap();
    let email = |o: &ccsim::stats::ReplicationOutcome| o.by_channel[1];
    let asa = result.estimate(|o| email(o).asa_s);
    assert!(
        within_four_se(&asa, exact.asa_s),
        "{asa:?} vs {}",
        exact.asa_s
    );
    for o in &result.outcomes {
        assert_eq!(email(o).abandoned, 0.0);
    }
}

#[test]
fn the_backlog_open_at_the_end_is_reported() {
    // Nobody works e-mail in the last 8 hours: what arrived then is still open at the end.
    let staffing = "5, 5, 5, 5, 5, 5, 5, 5, 0, 0";
    let m = model(&center(staffing, false, 0.01));
    let result = run(&m, 6, 82, 2);
    for o in &result.outcomes {
        let e = &o.by_channel[1];
        assert!(e.backlog > 200.0, "{e:?}");
        assert_eq!(e.unfinished, e.backlog, "nothing happens after the horizon");
        // Per interval, the backlog is the level at the interval's end.
        let last = o.intervals.len() - 1;
        assert_eq!(o.intervals[last].backlog, e.backlog);
    }
}

#[test]
fn blended_agents_take_email_only_when_no_call_waits() {
    // Blended agents serve calls first and clear the e-mail too; nobody gives up, so their
    // work adds up: 60/h + 40/h of 6 minutes on 12 agents is 10 erlangs.
    let m = model(&center(&["0"; 10].join(", "), true, 60.0));
    let result = run(&m, 10, 83, 2);
    let occupancy = result.estimate(|o| o.by_group[1].occupancy);
    assert!(within_four_se(&occupancy, 10.0 / 12.0), "{occupancy:?}");
    // Calls are answered far faster than e-mail, which waits behind them.
    let voice = result.estimate(|o| o.by_channel[0].asa_s);
    let email = result.estimate(|o| o.by_channel[1].asa_s);
    assert!(
        email.mean > 3.0 * voice.mean,
        "voice {voice:?}, email {email:?}"
    );
}
