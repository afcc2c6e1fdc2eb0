//! The optimizer: the roster MIP reaches known optima (a hand-solvable covering problem and
//! the post-office problem, whose optimum is 23 full-time employees); the full loop on a
//! small day returns a roster that covers every requirement, places breaks in their windows,
//! keeps its limits and meets its targets in simulation; Erlang requirements match the
//! formula; impossible or contradictory input gets a message naming the key, group or
//! interval.

use ccsim::model::RosterShift;
use ccsim::optimize::roster::{self, Candidate, RosterProblem};
use ccsim::optimize::{OptimizeOptions, optimize};

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
    assert!(c.cost < c.naive_cost);
    // The final simulation reports the roster's cost: paid hours × 30 (unpaid breaks out).
    assert!((r.simulated.totals.cost.mean - c.cost).abs() < 1e-6);
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

fn ccsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
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
    let text = format!(
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
    );
    ccsim::scenario::parse(&text, "chat.toml", "chat").unwrap_or_else(|e| panic!("{e}"))
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
    let contained = cheap.simulated.by_channel[0].1.bot_containment.mean;
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
