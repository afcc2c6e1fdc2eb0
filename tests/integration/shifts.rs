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

/// Contacts given one by one, as a replayed log gives them: `(arrival s, handle time s)`.
struct Given {
    contacts: std::vec::IntoIter<(f64, f64)>,
    contact_type: ccsim::ids::ContactTypeId,
}

impl ccsim::engine::ContactFeed for Given {
    fn next_contact(&mut self) -> Option<ccsim::engine::ReplayedContact> {
        let (time, handle) = self.contacts.next()?;
        Some(ccsim::engine::ReplayedContact {
            time,
            contact_type: self.contact_type,
            class: ccsim::ids::ClassId::new(0),
            handle_time: Some(handle),
            patience: None,
            waited_at_least: 0.0,
        })
    }
}

/// A group `agents` on voice whose staffing drops from `before` to 1 at 30 minutes
/// (nobody abandons, no handle time is drawn: every contact comes with its own). A
/// separate chat line keeps the scenario's one required arrival stream away from it.
fn drop_scenario(before: u32, concurrency: u32) -> ccsim::model::Model {
    model(&format!(
        r#"
[simulation]
horizon = "3h"
interval = "30m"
replications = 1

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}

[[channel]]
name = "chat"
service_level = {{ answer_within = "1m" }}

[[category]]
name = "general"

[[arrivals]]
channel = "chat"
category = "general"
rate_per_hour = 10

[[group]]
name = "agents"
staffing = [{before}, 1, 1, 1, 1, 1]
handles = ["voice/general"]
concurrency = {concurrency}
concurrency_slowdown = 0
handle_time = {{ dist = "exponential", mean = "1m" }}

[[group]]
name = "chat_agents"
agents = 5
handles = ["chat/general"]
handle_time = {{ dist = "exponential", mean = "1m" }}
"#
    ))
}

/// Runs replication `r` of `m` with the given voice contacts; the answer times of the
/// voice contacts arriving at or after `from`, in order, and the group's overtime hours.
fn answers_after(
    m: &ccsim::model::Model,
    r: u32,
    given: &[(f64, f64)],
    from: f64,
) -> (Vec<f64>, f64) {
    let voice = (0..m.contact_types.len())
        .map(ccsim::ids::ContactTypeId::from_index)
        .find(|&t| m.contact_type_name(t) == "voice/general")
        .unwrap();
    let feed = Given {
        contacts: Vec::from(given).into_iter(),
        contact_type: voice,
    };
    let mut log = Vec::new();
    let mut ws = ccsim::engine::Workspace::new();
    let outcome =
        ccsim::engine::simulate_with(m, 17, r, &mut ws, vec![Box::new(feed)], Some(&mut log));
    let mut answered: Vec<f64> = log
        .iter()
        .filter(|c| c.contact_type == voice && c.arrived >= from)
        .map(|c| {
            assert_eq!(c.outcome, ccsim::engine::AttemptOutcome::Answered);
            c.arrived + c.wait
        })
        .collect();
    answered.sort_by(f64::total_cmp);
    (answered, outcome.by_group[0].overtime_hours)
}

/// Asserts that each of `n` outcomes came up about `reps / n` times in `reps` (within four
/// binomial standard deviations).
fn assert_uniform(counts: &[u32], reps: u32) {
    let n = counts.len() as f64;
    let (mean, sd) = (reps as f64 / n, (reps as f64 / n * (1.0 - 1.0 / n)).sqrt());
    for (i, &k) in counts.iter().enumerate() {
        assert!(
            (k as f64 - mean).abs() <= 4.0 * sd,
            "outcome {i} came up {k} times in {reps}, expected {mean:.0} ± {:.0}: {counts:?}",
            4.0 * sd
        );
    }
}

#[test]
fn at_a_staffing_drop_idle_agents_leave_and_the_busy_leavers_are_drawn_regardless_of_their_contact()
{
    // 20 agents, then 1 from 30 minutes on. Seven contacts arrive at 0 s, 1 s, … 6 s and
    // end at 35, 40, … 65 minutes: at the drop 13 agents are idle and leave, 7 are busy
    // and 6 of them must go. Forty more contacts (1 minute each) queue just after the
    // drop. The one agent who stays serves them back to back from the end of its own
    // contact: answers at e + 1 min, e + 2 min, …, where e is the end of the stayer's
    // contact, which must be any of the seven ends with equal chance. (Before the fix the
    // first six to finish left, so the queue waited for the slowest, e = 65 minutes,
    // every time.) The six leavers' contacts after 30 minutes are overtime.
    let m = drop_scenario(20, 1);
    let ends: Vec<f64> = (0..7).map(|i| 1800.0 + 300.0 * (i + 1) as f64).collect();
    let mut given: Vec<(f64, f64)> = ends
        .iter()
        .enumerate()
        .map(|(i, e)| (i as f64, e - i as f64))
        .collect();
    given.extend((1..=40).map(|j| (1800.0 + j as f64, 60.0)));
    let reps = 700;
    let mut stayed = [0u32; 7];
    for r in 0..reps {
        let (answers, overtime) = answers_after(&m, r, &given, 1800.0);
        assert_eq!(answers.len(), 40);
        let s = ends
            .iter()
            .position(|&e| e == answers[0])
            .unwrap_or_else(|| {
                panic!(
                    "replication {r}: first answer at {} s, not at the end of a contact",
                    answers[0]
                )
            });
        stayed[s] += 1;
        // One agent serves the queue: one answer a minute, none in parallel.
        for (k, a) in answers.iter().enumerate() {
            assert_eq!(*a, ends[s] + 60.0 * k as f64, "replication {r}");
        }
        // The leavers work past their time until their contacts end.
        let expected: f64 =
            (ends.iter().map(|e| e - 1800.0).sum::<f64>() - (ends[s] - 1800.0)) / 3600.0;
        assert!(
            (overtime - expected).abs() < 1e-9,
            "replication {r}: overtime {overtime} h, expected {expected} h"
        );
    }
    assert_uniform(&stayed, reps);
}

#[test]
fn at_a_staffing_drop_chat_leavers_finish_every_conversation_and_take_no_new_one() {
    // Seven agents holding two chats each (no slowdown), then 1 agent from 30 minutes on.
    // The 14 chats end at 32.5, 35, … 65 minutes. The agent who stays takes a queued
    // contact at each of its own two ends and then keeps two going, one a minute in each
    // slot; the six who leave take none. Which agent stays is drawn: the stayer's first
    // end is any of the seven agents' first ends with equal chance.
    let m = drop_scenario(7, 2);
    let ends: Vec<f64> = (0..14).map(|i| 1800.0 + 150.0 * (i + 1) as f64).collect();
    let mut given: Vec<(f64, f64)> = ends
        .iter()
        .enumerate()
        .map(|(i, e)| (i as f64, e - i as f64))
        .collect();
    given.extend((1..=40).map(|j| (1800.0 + j as f64, 60.0)));
    let reps = 700;
    let mut firsts: Vec<(f64, u32)> = Vec::new();
    for r in 0..reps {
        let (answers, _) = answers_after(&m, r, &given, 1800.0);
        assert_eq!(answers.len(), 40);
        let t1 = answers[0];
        // Each answer comes when a slot of the stayer frees: one of its own two chats
        // ends, or a queued contact it took a minute before.
        let mut own_ends = Vec::new();
        let mut pending: Vec<f64> = Vec::new();
        for (k, &a) in answers.iter().enumerate() {
            match pending.iter().position(|&p| (p - a).abs() < 1e-6) {
                Some(i) => {
                    pending.swap_remove(i);
                }
                None => {
                    assert!(
                        ends.contains(&a),
                        "replication {r}, answer {k} at {a}: no slot frees then"
                    );
                    own_ends.push(a);
                }
            }
            pending.push(a + 60.0);
            if k >= 2 {
                assert!(
                    a >= answers[k - 2] + 60.0 - 1e-6,
                    "replication {r}: three at once at {a}"
                );
            }
        }
        assert_eq!(
            own_ends.len(),
            2,
            "replication {r}: one agent, two slots: {own_ends:?}"
        );
        match firsts.iter_mut().find(|f| f.0 == t1) {
            Some(f) => f.1 += 1,
            None => firsts.push((t1, 1)),
        }
    }
    assert_eq!(
        firsts.len(),
        7,
        "every agent may be the one who stays: {firsts:?}"
    );
    assert_uniform(&firsts.iter().map(|f| f.1).collect::<Vec<_>>(), reps);
}

#[test]
fn on_duty_agents_round_half_up_whatever_the_float_error() {
    use ccsim::model::on_duty_agents;
    // 5 × (1 − 0.9) is 0.49999999999999994 in floats: half an agent, rounded up.
    assert_eq!(on_duty_agents(5, 0.9), 1);
    assert_eq!(on_duty_agents(5, 0.5), 3); // 2.5
    assert_eq!(on_duty_agents(3, 0.2), 2); // 2.4
    assert_eq!(on_duty_agents(7, 0.5), 4); // 3.5
    assert_eq!(on_duty_agents(4, 0.0), 4);
    assert_eq!(on_duty_agents(0, 0.3), 0);
    assert_eq!(on_duty_agents(1_000_000, 0.999_999), 1);
    // Every shrinkage written with two decimals against exact integer arithmetic:
    // n × (100 − k) / 100 rounded half up is ⌊(2 n (100 − k) + 100) / 200⌋.
    for n in 0..=300u32 {
        for k in 0..100u32 {
            let exact = (2 * n * (100 - k) + 100) / 200;
            let s: f64 = format!("0.{k:02}").parse().unwrap();
            assert_eq!(on_duty_agents(n, s), exact, "{n} scheduled, shrinkage {s}");
        }
    }
    // The compiled staffing uses the same rule.
    let m = model(&center("agents = 5\nshrinkage = 0.9", 10.0));
    assert_eq!(m.groups[0].staffing, vec![1, 1, 1, 1]);
    assert_eq!(m.groups[0].on_duty(5), 1);
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
    let text = ccsim::output::run::render_text(&m, &summary, "drop.toml");
    assert!(
        text.contains("Agents on duty: the time-average of agents present over the reported 00:00–03:00 (3 h), hours with no one on duty included"),
        "{text}"
    );
}
