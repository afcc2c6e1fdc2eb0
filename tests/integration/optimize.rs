//! The optimizer: the roster MIP reaches known optima (a hand-solvable covering problem and
//! the post-office problem, whose optimum is 23 full-time employees); the full loop on a
//! small day returns a roster that covers every requirement, places breaks in their windows,
//! keeps its limits and meets its targets in simulation; Erlang requirements match the
//! formula; impossible or contradictory input gets a message naming the key, group or
//! interval.

use crate::support::ccsim;
use ccsim::model::RosterShift;
use ccsim::optimize::roster::{self, Candidate, RosterProblem};
use ccsim::optimize::{OptimizeOptions, optimize};
use ccsim::output::optimize as out;

fn candidate(covers: Vec<usize>, paid_hours: f64, part_time: bool) -> Candidate {
    Candidate {
        template: 0,
        shift: RosterShift {
            start: 0.0,
            length: 0.0,
            agents: 1,
            breaks: vec![],
        },
        covers,
        paid_hours,
        part_time,
    }
}

fn problem<'a>(need: &'a [u32], candidates: &'a [Candidate]) -> RosterProblem<'a> {
    RosterProblem {
        group: "g",
        need,
        candidates,
        hourly_cost: 1.0,
        max_agents: None,
        max_part_time_share: None,
        gap: 1e-4,
        time_limit: 30.0,
        solver: ccsim::optimize::Solver::Microlp,
    }
}

#[test]
fn a_hand_solvable_covering_problem_reaches_its_optimum() {
    // Six hours, three-hour shifts starting at 0..3, need 1,2,3,3,2,1: the first and the
    // last hour force a shift at 0 and at 3, the third hour needs three agents among the
    // shifts at 0, 1, 2: the optimum is 4 agents (one on each shift).
    let cands: Vec<Candidate> = (0..4)
        .map(|s| candidate((s..s + 3).collect(), 3.0, false))
        .collect();
    let need = [1, 2, 3, 3, 2, 1];
    let sol = roster::solve(&problem(&need, &cands)).unwrap();
    assert_eq!(sol.agents.iter().sum::<u32>(), 4, "{:?}", sol.agents);
    assert_eq!(sol.cost, 12.0);
    assert!(sol.shortfall.iter().all(|&s| s == 0));
}

#[test]
fn the_post_office_problem_needs_23_employees() {
    // Winston, Operations Research, §9.2 (the post office): employees work five
    // consecutive days and have two off; the days need 17, 13, 15, 19, 14, 16, 11. The LP
    // optimum is 22⅓ and the integer optimum 23.
    let cands: Vec<Candidate> = (0..7)
        .map(|s| candidate((0..5).map(|d| (s + d) % 7).collect(), 1.0, false))
        .collect();
    let need = [17, 13, 15, 19, 14, 16, 11];
    let sol = roster::solve(&problem(&need, &cands)).unwrap();
    assert_eq!(sol.agents.iter().sum::<u32>(), 23, "{:?}", sol.agents);
    for (d, &n) in need.iter().enumerate() {
        let on: u32 = (cands.iter().zip(&sol.agents))
            .filter(|(c, _)| c.covers.contains(&d))
            .map(|(_, &x)| x)
            .sum();
        assert!(on >= n, "day {d}: {on} < {n}");
    }
}

#[test]
fn limits_hold_and_an_impossible_need_is_a_shortfall() {
    // Part-time shifts are cheaper per hour covered, but at most a quarter of the agents.
    let cands = vec![
        candidate(vec![0, 1, 2, 3], 4.5, false),
        candidate(vec![0, 1], 2.0, true),
        candidate(vec![2, 3], 2.0, true),
    ];
    let need = [8, 8, 8, 8];
    let mut p = problem(&need, &cands);
    p.max_part_time_share = Some(0.25);
    let sol = roster::solve(&p).unwrap();
    let total: u32 = sol.agents.iter().sum();
    let part: u32 = sol.agents[1] + sol.agents[2];
    assert!(
        part as f64 <= 0.25 * total as f64 + 1e-9,
        "{:?}",
        sol.agents
    );
    assert!(sol.shortfall.iter().all(|&s| s == 0));
    // The cheapest mix within the share: 6 full-time and 2 part-time on each half
    // would break it (4 of 10); 7 full-time + 1 + 1 part-time covers 8 with 2 of 9.
    assert_eq!(sol.agents, vec![7, 1, 1]);

    // A headcount of 5 cannot cover 8: the shortfall says where and by how much.
    let mut p = problem(&need, &cands);
    p.max_agents = Some(5);
    let sol = roster::solve(&p).unwrap();
    assert!(sol.agents.iter().sum::<u32>() <= 5);
    assert_eq!(
        sol.shortfall.iter().sum::<u32>(),
        4 * 8 - 4 * 5, // five full-time agents cover 4 × 5 of the 4 × 8
        "{:?}",
        sol
    );
}

const DAY: &str = r#"
[simulation]
name = "small day"
horizon = "24h"
interval = "30m"
replications = 4
seed = 3

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "3m" }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
daily_volume = 4000
profile = [1,1,1,1,1,1,1,1,1,1,1,1, 2,3,5,8,10,12,12,12,11,10,10,10, 10,10,11,12,12,11,10,9,8,7,6,5, 5,4,4,3,3,2,2,2,1,1,1,1]

[[group]]
name = "agents"
agents = 10
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "5m" }
shrinkage = 0.2
hourly_cost = 30

[optimize]
max_abandon_rate = 0.05
max_part_time_share = 0.3
replications = 8

[[optimize.shift]]
name = "full_time"
earliest_start = "0h"
latest_start = "16h"
start_every = "1h"
length = "8h"
breaks = [{ length = "30m", earliest = "3h", latest = "5h", every = "30m", paid = false }]

[[optimize.shift]]
name = "part_time"
earliest_start = "6h"
latest_start = "20h"
start_every = "1h"
length = "4h"
part_time = true
"#;

fn day() -> ccsim::model::Model {
    ccsim::scenario::parse(DAY, "day.toml", "day").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_roster_covers_its_requirements_keeps_its_limits_and_meets_the_targets() {
    let model = day();
    let options = OptimizeOptions {
        seed: 5,
        ..Default::default()
    };
    let r = optimize(&model, &options, &|_| {}).unwrap();
    assert!(r.targets_met, "{:?}", r.misses);
    // Every interval: rostered agents cover the scheduled need, which covers the
    // requirement after shrinkage; the requirement is at least the Erlang estimate.
    for row in &r.requirements {
        assert_eq!(row.shortfall, 0);
        assert!(row.rostered >= row.scheduled_needed, "{row:?}");
        assert!(
            (row.scheduled_needed as f64 * 0.8).round() as u32 >= row.required,
            "{row:?}"
        );
        assert!(row.required >= row.erlang && row.erlang >= 1, "{row:?}");
    }
    // Breaks in their windows; part-time share; cost = paid hours × 30.
    let (mut all, mut part) = (0, 0);
    for line in &r.roster {
        all += line.agents;
        if line.shift == "part_time" {
            part += line.agents;
            assert!(line.breaks.is_empty());
            assert_eq!(line.end_s - line.start_s, 4.0 * 3600.0);
        } else {
            assert_eq!(line.breaks.len(), 1);
            let (start, length, paid) = line.breaks[0];
            let offset = start - line.start_s;
            assert!((3.0 * 3600.0..=5.0 * 3600.0).contains(&offset), "{line:?}");
            assert_eq!(length, 1800.0);
            assert!(!paid);
        }
    }
    assert!(part as f64 <= 0.3 * all as f64 + 1e-9);
    let c = &r.costs[0];
    assert!((c.cost - c.paid_hours * 30.0).abs() < 1e-6);
    // The two-step baseline uses the same templates, breaks and limits, and covers the
    // Erlang requirement of every interval (through shrinkage) without corrections.
    let group = &model.groups[0];
    let mut part = 0;
    for line in &r.baseline.roster {
        if line.shift == "part_time" {
            part += line.agents;
        } else {
            let offset = line.breaks[0].0 - line.start_s;
            assert!((3.0 * 3600.0..=5.0 * 3600.0).contains(&offset), "{line:?}");
        }
    }
    let all: u32 = r.baseline.roster.iter().map(|l| l.agents).sum();
    assert!(part as f64 <= 0.3 * all as f64 + 1e-9);
    for row in &r.requirements {
        let on_queues: u32 = (r.baseline.roster.iter())
            .filter(|l| {
                let (a, b) = (row.start_s, row.start_s + 1800.0);
                l.start_s <= a
                    && b <= l.end_s
                    && l.breaks.iter().all(|&(s, len, _)| s >= b || s + len <= a)
            })
            .map(|l| l.agents)
            .sum();
        assert!(
            group.on_duty(on_queues) >= row.erlang,
            "{row:?}: {on_queues}"
        );
    }
    let baseline_paid: f64 = r.baseline.costs.iter().map(|c| c.paid_hours).sum();
    assert!((r.baseline.cost_breakdown.agents - baseline_paid * 30.0).abs() < 0.005);
    // Its cost is that of the roster the same solver builds on the Erlang requirement
    // (not the corrected one: the simulation raised some intervals here).
    assert!(r.requirements.iter().any(|row| row.required > row.erlang));
    let spec = model.optimize.as_ref().unwrap();
    let cands = roster::candidates(&model, 0);
    let need: Vec<u32> = (r.requirements.iter())
        .map(|row| (0..).find(|&s| group.on_duty(s) >= row.erlang).unwrap())
        .collect();
    let two_step = roster::solve(&RosterProblem {
        need: &need,
        hourly_cost: 30.0,
        max_part_time_share: spec.max_part_time_share,
        gap: spec.gap,
        time_limit: spec.time_limit,
        ..problem(&need, &cands)
    })
    .unwrap();
    assert_eq!(two_step.cost, r.baseline.costs[0].cost);
    // The final simulation reports the roster's cost: paid hours × 30 (unpaid breaks out).
    assert!((out::summary(&r.simulated).totals.cost.mean - c.cost).abs() < 1e-6);
    // The history ends with a roster round that meets every target.
    let last = r.history.last().unwrap();
    assert_eq!((last.phase, last.intervals_missing), ("roster", 0));
    // The solver stops at the scenario's gap (0.5 %) or at one agent's longest shift
    // (8 h × 30) over the bound, whichever is larger (`optimize::roster`).
    let gap = last.gap.unwrap();
    let bound = c.cost * (1.0 - gap);
    assert!(
        gap <= 0.005f64.max(8.0 * 30.0 / bound) + 1e-6,
        "gap {gap}, cost {}",
        c.cost
    );
}

#[test]
fn a_steady_interval_is_sized_as_erlang_a_says() {
    // 09:30, the third half hour at the profile's 12 (of 257) of 4,000 calls: 5-minute
    // handle times, 3-minute patience, 80 % within 20 s and at most 5 % abandoning.
    let model = day();
    let r = optimize(
        &model,
        &OptimizeOptions {
            seed: 5,
            max_iterations: Some(1),
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    let size = |load: f64| {
        (1..200)
            .find(|&n| {
                let v = ccsim::erlang::erlang_a(&ccsim::erlang::QueueSpec {
                    arrival_rate: load / 300.0,
                    aht: 300.0,
                    agents: n,
                    patience: Some(180.0),
                    answer_within: 20.0,
                })
                .unwrap();
                v.service_level >= 0.8 && v.abandon_rate <= 0.05
            })
            .unwrap()
    };
    let row = r
        .requirements
        .iter()
        .find(|row| row.start_s == 9.5 * 3600.0)
        .unwrap();
    // The requirement is Erlang A on the measured load, exactly.
    assert_eq!(row.erlang, size(row.offered_load));
    // The measured load is the true one within three standard errors: the time-average
    // of an M/M/∞ occupancy over T has a variance of about 2·a/(μT) per replication.
    let load: f64 = 4000.0 * 12.0 / 257.0 / 1800.0 * 300.0;
    let se = (2.0 * load * 300.0 / 1800.0 / 8.0).sqrt();
    assert!(
        (row.offered_load - load).abs() < 3.0 * se,
        "measured {:.2} vs {load:.2} ± {:.2}",
        row.offered_load,
        3.0 * se
    );
}

#[test]
fn impossible_targets_and_limits_are_named() {
    let dir = std::env::temp_dir().join(format!("ccsim-optimize-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("day.toml");
    std::fs::write(&file, DAY).unwrap();
    let f = file.to_str().unwrap();

    let out = ccsim(&["optimize", f, "--service-level", "voice=1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--service-level voice=1"), "{err}");
    let out = ccsim(&["optimize", f, "--service-level", "vioce=0.9"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no channel \"vioce\""));
    let out = ccsim(&["optimize", "scenarios/validation/erlang_c.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no [optimize] section"));

    // A headcount cap below the peak: the roster is the best within it, and the report
    // names the intervals and the group it leaves short.
    let capped = DAY.replace(
        "replications = 8",
        "replications = 4\nmax_iterations = 1\nmax_agents = { agents = 20 }",
    );
    std::fs::write(&file, capped).unwrap();
    let out = ccsim(&["optimize", f, "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the roster cannot cover"), "{text}");
    assert!(text.contains("agents: "), "{text}");
    assert!(text.contains("still miss their targets"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_results_folder_holds_the_roster_and_the_evidence() {
    let dir = std::env::temp_dir().join(format!("ccsim-optimize-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("day.toml");
    std::fs::write(&file, DAY).unwrap();
    let out_dir = dir.join("out");
    let out = ccsim(&[
        "optimize",
        file.to_str().unwrap(),
        "--quiet",
        "--json",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["targets_met"], true);
    for f in [
        "roster.csv",
        "requirements.csv",
        "cost.csv",
        "history.csv",
        "optimize.json",
        "summary.json",
        "intervals.csv",
    ] {
        assert!(out_dir.join(f).exists(), "{f}");
    }
    let roster = std::fs::read_to_string(out_dir.join("roster.csv")).unwrap();
    assert!(roster.starts_with("group,shift,start,end,breaks,agents\n"));
    let agents: u32 = roster
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(
        agents as u64,
        json["costs"][0]["headcount"].as_u64().unwrap()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A chat line with a bot that contains 30 % of contacts today and could contain 70 %.
fn chat_with_bot(cost_per_point: f64) -> ccsim::model::Model {
    ccsim::scenario::parse(&chat_with_bot_text(cost_per_point), "chat.toml", "chat")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The text of [`chat_with_bot`].
fn chat_with_bot_text(cost_per_point: f64) -> String {
    format!(
        r#"
[simulation]
name = "chat day"
horizon = "12h"
interval = "30m"
replications = 4
seed = 9

[[channel]]
name = "chat"
service_level = {{ answer_within = "60s", target = 0.8 }}
patience = {{ dist = "exponential", mean = "10m" }}

[[category]]
name = "orders"

[[arrivals]]
channel = "chat"
category = "orders"
rate_per_hour = 600

[[bot]]
channel = "chat"
handle_time = {{ dist = "exponential", mean = "1m" }}
containment = 0.3
session_cost = 0.05

[[group]]
name = "agents"
agents = 40
handles = ["chat/*"]
handle_time = {{ dist = "exponential", mean = "6m" }}
hourly_cost = 30

[optimize]
replications = 4
max_iterations = 3

[[optimize.shift]]
name = "six_hours"
earliest_start = "0h"
latest_start = "6h"
length = "6h"

[[optimize.deflection]]
channel = "chat"
category = "orders"
max = 0.7
cost_per_point = {cost_per_point}
"#
    )
}

#[test]
fn containment_is_bought_when_it_costs_less_than_the_agents_it_saves() {
    // 600 chats an hour, 70 % to humans at 6 minutes: 42 erlangs. A point of containment
    // takes 6 chats an hour off the agents, 0.6 erlangs, about 7 agent-hours over 12 hours
    // (210 a day at 30 an hour): at 1 a point the bot is raised to its ceiling, at 1,000
    // it stays where it is.
    let cheap = optimize(
        &chat_with_bot(1.0),
        &OptimizeOptions {
            seed: 9,
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    let d = &cheap.deflections[0];
    assert!((d.today - 0.3).abs() < 1e-12);
    assert!((d.recommended - 0.7).abs() < 1e-9, "{d:?}");
    assert!((d.cost - 40.0).abs() < 1e-6, "{d:?}");
    assert!(d.agent_cost_saved > 40.0 * 100.0, "{d:?}");
    assert!(cheap.targets_met, "{:?}", cheap.misses);
    // The roster covers the need left after the relief, which is below the whole need.
    for row in &cheap.requirements {
        assert!(row.rostered >= row.scheduled_after_bots, "{row:?}");
        assert!(row.scheduled_after_bots <= row.scheduled_needed, "{row:?}");
    }
    assert!(
        cheap
            .requirements
            .iter()
            .any(|r| r.scheduled_after_bots < r.scheduled_needed)
    );
    // The verifying simulation ran with the recommended containment.
    let contained = out::summary(&cheap.simulated).by_channel[0]
        .1
        .bot_containment
        .mean;
    assert!((contained - 0.7).abs() < 0.02, "{contained}");

    let dear = optimize(
        &chat_with_bot(1000.0),
        &OptimizeOptions {
            seed: 9,
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    let d = &dear.deflections[0];
    assert!((d.recommended - 0.3).abs() < 1e-9, "{d:?}");
    assert_eq!(d.cost, 0.0);
    assert!(dear.total_cost > cheap.total_cost);
}

/// Cents of a printed amount (`155035.01`).
fn cents(text: &str) -> i64 {
    let (units, frac) = text.split_once('.').unwrap_or_else(|| panic!("{text}"));
    assert_eq!(frac.len(), 2, "{text}");
    units.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

/// The four amounts of a printed `agents A + bot sessions B + bot raises R = T` line.
fn printed_terms(text: &str, label: &str) -> [i64; 4] {
    let line = (text.lines())
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no line `{label}` in\n{text}"));
    let rest = line.strip_prefix("agents ").unwrap();
    let (a, rest) = rest.split_once(" + bot sessions ").unwrap();
    let (b, rest) = rest.split_once(" + bot raises ").unwrap();
    let (r, t) = rest.split_once(" = ").unwrap();
    [cents(a), cents(b), cents(r), cents(t)]
}

fn json_terms(v: &serde_json::Value) -> [i64; 4] {
    ["agents", "bot_sessions", "bot_raises", "total"]
        .map(|k| (v[k].as_f64().unwrap_or_else(|| panic!("{k}: {v}")) * 100.0).round() as i64)
}

#[test]
fn the_costs_add_up_in_one_line_printed_and_in_the_json() {
    // Item 6 of issue 12: the roster cost, the run's bot-session cost and the bots' raise
    // cost used to be printed apart and never added up. A chat line with a bot that
    // charges 0.05 a session and a raise bought at 1 a point: all three terms are there.
    let model = chat_with_bot(1.0);
    let r = optimize(
        &model,
        &OptimizeOptions {
            seed: 9,
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    let text = out::render_text(&r, &model);
    let json: serde_json::Value = serde_json::from_str(&out::to_json(&r)).unwrap();
    for (label, key) in [
        ("cost of the roster: ", &json["cost_breakdown"]),
        (
            "cost of the two-step baseline: ",
            &json["baseline"]["cost_breakdown"],
        ),
    ] {
        let [a, b, raises, total] = printed_terms(&text, label);
        assert_eq!(a + b + raises, total, "{label}");
        assert_eq!(json_terms(key), [a, b, raises, total], "{label}");
    }
    // The JSON keeps the fields it had (the contract adds, never removes): the old
    // peak-all-day figure is still there, though no longer printed.
    let naive = json["naive_cost"].as_f64().unwrap();
    let per_group: f64 = (json["costs"].as_array().unwrap().iter())
        .map(|c| c["naive_cost"].as_f64().unwrap())
        .sum();
    assert!(
        naive > 0.0 && (naive - per_group).abs() < 1e-6,
        "{naive} {per_group}"
    );
    assert!(!text.contains("naive"));
    // Each term is what it says: the roster's paid cost, the simulated sessions × 0.05,
    // the raises bought (40 points at 1).
    let c = &r.cost_breakdown;
    assert!((c.agents - r.total_cost).abs() < 0.005);
    assert!((c.agents - r.costs.iter().map(|g| g.cost).sum::<f64>()).abs() < 0.005);
    assert!((c.bot_sessions - out::summary(&r.simulated).totals.bot_cost.mean).abs() < 0.005);
    let sessions = out::summary(&r.simulated).by_channel[0].1.bot_sessions.mean;
    assert!(
        (c.bot_sessions - 0.05 * sessions).abs() < 0.005,
        "{sessions}"
    );
    assert!(c.bot_sessions > 0.0);
    assert!((c.bot_raises - 40.0).abs() < 0.005 && (r.deflection_cost - 40.0).abs() < 1e-6);
    // The simulated run's cost is agents + bot sessions (no warm-up here).
    assert!(
        (out::summary(&r.simulated).totals.cost.mean - (c.agents + c.bot_sessions)).abs() < 0.01
    );
    // The baseline buys no raise; its sessions come from its own simulation.
    let b = &r.baseline.cost_breakdown;
    assert_eq!(b.bot_raises, 0.0);
    assert!(
        (b.bot_sessions - out::summary(&r.baseline.simulated).totals.bot_cost.mean).abs() < 0.005
    );
    // cost.csv carries the same terms and totals.
    let csv = out::cost_csv(&r);
    let row = |name: &str| -> Vec<String> {
        let line = csv.lines().find(|l| l.starts_with(name)).unwrap();
        line.split(',').map(String::from).collect()
    };
    let total = row("total,");
    assert_eq!(cents(&total[3]), (c.total * 100.0).round() as i64, "{csv}");
    assert_eq!(cents(&total[6]), (b.total * 100.0).round() as i64, "{csv}");
    let parts: i64 = ["all,", "bot sessions,", "bot raises,"]
        .iter()
        .map(|n| cents(&row(n)[3]))
        .sum();
    assert_eq!(parts, cents(&total[3]), "{csv}");
    // The report shows the same lines.
    let files = ccsim::report::optimize_report(&model, &r, false).unwrap();
    let index = files.iter().find(|f| f.name == "index.html").unwrap();
    let mut page = Vec::new();
    index.write_to(&mut page).unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains(&format!("cost of the roster: {}", out::cost_line(c))),
        "{page}"
    );
    assert!(page.contains("two-step baseline"));
    assert!(!page.contains("naive"));
}

/// One voice queue without abandonment (Erlang C) at a steady 123 calls an hour of
/// 5 minutes (10.25 erlangs), 80 % within 20 s, over four hours with an hour of warm-up;
/// one shift covering the whole day, so the cheapest cover is the peak need all day.
const ERLANG_C_DAY: &str = r#"
[simulation]
name = "erlang c day"
horizon = "4h"
warmup = "1h"
interval = "1h"
replications = 200
seed = 11

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 123

[[group]]
name = "agents"
agents = 20
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "5m" }
shrinkage = 0.3
hourly_cost = 25

[optimize]
max_iterations = 2

[[optimize.shift]]
name = "day"
earliest_start = "0h"
latest_start = "0h"
length = "4h"
"#;

#[test]
fn the_baseline_is_erlang_c_covered_by_the_same_shifts_and_simulated() {
    use ccsim::erlang::{QueueSpec, erlang_a};
    let model =
        ccsim::scenario::parse(ERLANG_C_DAY, "c.toml", "c").unwrap_or_else(|e| panic!("{e}"));
    let r = optimize(
        &model,
        &OptimizeOptions {
            seed: 11,
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    // Erlang C: the fewest agents with 80 % answered within 20 s.
    let agents_for = |load: f64| {
        (1..100)
            .find(|&n| {
                erlang_a(&QueueSpec {
                    arrival_rate: load / 300.0,
                    aht: 300.0,
                    agents: n,
                    patience: None,
                    answer_within: 20.0,
                })
                .is_ok_and(|v| v.service_level >= 0.8)
            })
            .unwrap()
    };
    // At the true 10.25 erlangs Erlang C needs 14 (13 give 79 %); 14 holds for loads from
    // 9.8 to 10.6, far wider than the measured load's ±4 standard errors (about ±0.4 over
    // an hour and 200 replications), so every interval needs 14 on duty.
    assert_eq!(agents_for(10.25), 14);
    for row in &r.requirements {
        assert_eq!(row.erlang, agents_for(row.offered_load), "{row:?}");
        assert_eq!(row.erlang, 14, "{row:?}");
    }
    // Through 30 % shrinkage 14 on duty need 20 scheduled (19 give 13.3), all four hours:
    // 20 agents × 4 hours × 25 = 2,000, and no bots.
    let group = &model.groups[0];
    let scheduled = (0..100).find(|&s| group.on_duty(s) >= 14).unwrap();
    assert_eq!(scheduled, 20);
    let b = &r.baseline;
    assert_eq!(b.roster.len(), 1);
    assert_eq!(b.roster[0].agents, scheduled);
    assert_eq!(b.costs[0].cost, 20.0 * 4.0 * 25.0);
    assert_eq!(
        (
            b.cost_breakdown.agents,
            b.cost_breakdown.bot_sessions,
            b.cost_breakdown.total
        ),
        (2000.0, 0.0, 2000.0)
    );
    assert_eq!(b.shortfall, 0);
    // It was simulated with the optimizer's seed and replications: over the three hours
    // after the warm-up its 14 agents answer as Erlang C says, within the simulation's
    // 95 % interval (doubled: about four standard errors).
    assert_eq!(
        (
            out::summary(&b.simulated).seed,
            out::summary(&b.simulated).replications
        ),
        (11, 200)
    );
    let sl = &out::summary(&b.simulated).by_channel[0].1.service_level;
    let exact = erlang_a(&QueueSpec {
        arrival_rate: 10.25 / 300.0,
        aht: 300.0,
        agents: 14,
        patience: None,
        answer_within: 20.0,
    })
    .unwrap()
    .service_level;
    assert!(
        (sl.mean - exact).abs() < 2.0 * sl.ci95,
        "simulated {:.4} ± {:.4}, Erlang C {exact:.4}",
        sl.mean,
        sl.ci95
    );
    // Its misses are counted by the same rule as the roster's: the judged intervals
    // (3, after the warm-up) whose mean service level is under the target.
    assert_eq!(b.intervals_judged, 3);
    let missed = (out::summary(&b.simulated).intervals.iter())
        .filter(|i| i.queue.service_level.mean < 0.8)
        .count();
    assert_eq!(b.intervals_missing, missed);
    assert_eq!(b.misses.len(), missed);
    assert_eq!(b.targets_met, missed == 0);
}

#[test]
fn the_printed_cost_summary_reads_as_it_should() {
    // A snapshot of the cost table and the lines that add the costs up and compare with
    // the two-step baseline, printed by the command for the chat line with a bot (seed 9,
    // a raise at 1 a point, sessions at 0.05): the baseline rosters today's bot without
    // corrections (16,740 in agents) and misses 1 of 24 judged half hours; the optimizer
    // buys the raise (40) and rosters 9,540, meeting every target.
    let dir = std::env::temp_dir().join(format!("ccsim-optimize-cost-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("chat.toml");
    std::fs::write(&file, chat_with_bot_text(1.0)).unwrap();
    let out = ccsim(&["optimize", file.to_str().unwrap(), "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let from = text.find("group            headcount").expect("cost table");
    let to = from
        + text[from..]
            .find("\nsimulated service level")
            .expect("the end");
    let expected = "\
group            headcount  paid hours         cost  two-step cost  vs two-step  solver
agents                  53       318.0         9540          16740       -43.0%  optimal, gap 0.00%
all                     53       318.0         9540          16740       -43.0%

bot      category         today  achievable  recommended         cost agent cost saved
chat     orders           30.0%       70.0%        70.0%           40             7920
deflection costs 40 and saves 7920 of agent cost: 7880 net

cost of the roster: agents 9540.00 + bot sessions 358.19 + bot raises 40.00 = 9938.19
  (agents: 318.0 paid hours × hourly cost over the horizon; bot sessions × session cost: simulated, mean of 4 replications; bot raises: the recommended containment)
cost of the two-step baseline: agents 16740.00 + bot sessions 358.19 + bot raises 0.00 = 17098.19
  (Erlang A per interval on the measured load, covered at least cost by the same shift templates and breaks, no simulation rounds and today's bots; simulated like the roster)
judged channel-intervals missing their targets: roster 0 of 24, two-step baseline 1 of 24
the roster costs 7160.00 less than the two-step baseline (-41.9%)
";
    assert_eq!(&text[from..to], expected, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_json_keeps_its_key_order_and_its_simulated_runs_are_run_summaries() {
    // Issue 13 item 5: the optimizer's result holds its verification runs as data (model,
    // replications, seed) and `output::optimize` writes the JSON. The document must stay
    // what it was: the contract's keys in their order, and each `simulated` the summary
    // `ccsim run` would print for the roster-staffed model.
    let model = chat_with_bot(1.0);
    let r = optimize(
        &model,
        &OptimizeOptions {
            seed: 9,
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    let text = out::to_json(&r);
    let keys = [
        "scenario",
        "seed",
        "replications",
        "targets_met",
        "history",
        "roster",
        "requirements",
        "costs",
        "total_cost",
        "deflection_cost",
        "naive_cost",
        "cost_breakdown",
        "baseline",
        "intervals_judged",
        "intervals_missing",
        "deflections",
        "misses",
        "simulated",
        "min_offered",
        "wall_s",
    ];
    let at: Vec<usize> = (keys.iter())
        .map(|k| {
            text.find(&format!("\n  \"{k}\": "))
                .unwrap_or_else(|| panic!("{k} missing"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{keys:?} out of order");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let summary = |v: &ccsim::optimize::Verification| -> serde_json::Value {
        serde_json::from_str(&out::summary(v).to_json()).unwrap()
    };
    assert_eq!(json["simulated"], summary(&r.simulated));
    assert_eq!(
        json["baseline"]["simulated"],
        summary(&r.baseline.simulated)
    );
    assert_eq!(json["simulated"]["seed"], 9);
    assert_eq!(
        json["simulated"]["replications"].as_u64(),
        Some(r.replications as u64)
    );
    assert_eq!(r.simulated.seed, 9);
    assert_eq!(r.simulated.result.outcomes.len(), r.replications as usize);
}

/// A miss more agents cannot cure (chats still queued after the last shift ends at closing)
/// makes later rounds add agents without removing it: the roster returned is the best
/// round's (fewest channel-intervals missing, then the cheapest), not the last and dearest.
#[test]
fn the_best_roster_round_is_kept_not_the_last() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/forecast_monday.toml")).unwrap();
    let forecast = root.join("scenarios/forecast_week.csv");
    // Shifts that end at the 20:00 close: nobody left for the queue's drain.
    let text = text
        .replace("latest_start = \"12h\"", "latest_start = \"11h30m\"")
        .replace("latest_start = \"17h\"", "latest_start = \"16h\"")
        .replace(
            "file = \"forecast_week.csv\"",
            &format!("file = {:?}", forecast.display().to_string()),
        );
    let dir = std::env::temp_dir().join(format!("ccsim-best-round-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("late.toml");
    std::fs::write(&path, text).unwrap();
    let out = ccsim(&["optimize", path.to_str().unwrap(), "--json", "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rounds: Vec<(u64, f64)> = json["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["phase"] == "roster")
        .map(|h| {
            (
                h["intervals_missing"].as_u64().unwrap(),
                h["cost"].as_f64().unwrap(),
            )
        })
        .collect();
    let best = rounds
        .iter()
        .copied()
        .fold((u64::MAX, f64::INFINITY), |b, r| if r < b { r } else { b });
    let last = *rounds.last().unwrap();
    assert!(
        last.1 > best.1,
        "the case must make later rounds dearer: {rounds:?}"
    );
    assert_eq!(json["total_cost"].as_f64().unwrap(), best.1, "{rounds:?}");
    assert_eq!(json["intervals_missing"].as_u64().unwrap(), best.0);
    // The text says which round was kept: the first of the best.
    let kept = 1 + rounds.iter().position(|&r| r == best).unwrap();
    let out = ccsim(&["optimize", path.to_str().unwrap(), "--quiet"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let says = format!("the roster kept is round {kept}'s");
    assert!(text.contains(&says), "{says}: {text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The MIP is indifferent between equal-cost placements: a line closed for the first three
/// intervals (need 0) gets its four-interval shifts where the need is, never one that
/// starts in the closed time while a placement covering the same open intervals costs the
/// same (shifts starting at 0..=6, the need 0,0,0,2,2,2,2,1,1,1).
#[test]
fn equal_cost_shifts_are_placed_where_the_need_is() {
    let cands: Vec<Candidate> = (0..=6)
        .map(|s| candidate((s..s + 4).collect(), 4.0, false))
        .collect();
    let need = [0, 0, 0, 2, 2, 2, 2, 1, 1, 1];
    let sol = roster::solve(&problem(&need, &cands)).unwrap();
    assert!(sol.shortfall.iter().all(|&s| s == 0), "{sol:?}");
    for (s, &n) in sol.agents.iter().enumerate() {
        assert!(
            n == 0 || s >= 3,
            "a shift starting at {s} in closed time: {:?}",
            sol.agents
        );
    }
    // Cost as the optimum: two shifts at 3 and one at 6 (12 paid hours).
    assert_eq!(sol.cost, 12.0, "{:?}", sol.agents);
}
