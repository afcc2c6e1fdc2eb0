//! Handle time and shrinkage per interval (issue 14 item 3): `[[arrivals]] aht` scales the
//! handle times of services that start in each interval, `[[group]] shrinkage` may be a
//! list; the engine, the Erlang step of the optimizer, `ccsim check` and bad input.

use crate::support::{command, model, run, single_queue, within_four_se};
use ccsim::engine::Workspace;
use ccsim::erlang::{QueueSpec, erlang_a, erlang_c};
use ccsim::experiment;
use ccsim::optimize::requirements;

/// `n` copies of `value` joined as a TOML list body.
fn list(value: &str, n: usize) -> String {
    vec![value; n].join(", ")
}

/// One voice queue over 8 hours in 30-minute intervals (16), ample agents, a lognormal
/// handle time (cv 0.7) of mean `reference`, with `aht` and `shrinkage` lines as given.
fn day(aht: &str, shrinkage: &str, reference: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "8h"
interval = "30m"
replications = 4
seed = 7

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 240
{aht}

[[group]]
name = "agents"
agents = 60
handles = ["voice/general"]
handle_time = {{ dist = "lognormal", mean = "{reference}", cv = 0.7 }}
{shrinkage}
"#
    )
}

/// `aht` = 6m in the first 8 intervals, 3m in the last 8.
fn halved() -> String {
    format!(
        "aht = [{}, {}]",
        list("\"6m\"", 8),
        list("180", 8) // seconds, as a number
    )
}

#[test]
fn the_mean_handle_time_of_each_interval_is_its_aht() {
    // The group's own mean is 4m: the factors are 1.5 then 0.75.
    let m = model(&day(&halved(), "", "4m"));
    let scale = &m.contact_types[0].handle_scale;
    assert_eq!(scale.len(), 16);
    assert!((scale[0] - 1.5).abs() < 1e-12 && (scale[15] - 0.75).abs() < 1e-12);
    // Handle times of the services starting in each interval (start = arrival + wait).
    let (mut n, mut sum, mut sum2) = ([0.0f64; 16], [0.0f64; 16], [0.0f64; 16]);
    for replication in 0..4 {
        let mut records = Vec::new();
        experiment::replicate(
            &m,
            7,
            replication,
            &mut Workspace::new(),
            Some(&mut records),
        )
        .unwrap();
        for r in records.iter().filter(|r| r.handle_time.is_finite()) {
            let k = m.interval_of(r.arrived + r.wait);
            n[k] += 1.0;
            sum[k] += r.handle_time;
            sum2[k] += r.handle_time * r.handle_time;
        }
    }
    for (k, ((n, sum), sum2)) in n.iter().zip(sum).zip(sum2).enumerate() {
        let want = if k < 8 { 360.0 } else { 180.0 };
        let mean = sum / n;
        let sd = (sum2 / n - mean * mean).max(0.0).sqrt();
        let se = sd / n.sqrt();
        assert!(
            (mean - want).abs() <= 4.0 * se,
            "interval {k}: mean handle time {mean:.1}s ± {se:.1}s on {n} services, wanted {want}s"
        );
        // The shape is kept: the coefficient of variation stays 0.7.
        let cv = sd / mean;
        assert!((cv - 0.7).abs() < 0.12, "interval {k}: cv {cv:.3}");
    }
}

#[test]
fn an_interval_with_aht_six_minutes_gives_the_erlang_c_service_level() {
    // 100 calls an hour on 12 agents at AHT 6m: Erlang C. The group's own handle time is
    // exponential with mean 2m; `aht` makes it 6m in every interval (10 intervals).
    let text = single_queue(100.0, 120.0, 12, None, 600).replace(
        "rate_per_hour = 100\n",
        &format!("rate_per_hour = 100\naht = [{}]\n", list("\"6m\"", 10)),
    );
    let m = model(&text);
    assert_eq!(m.contact_types[0].handle_scale, vec![3.0; 10]);
    let result = run(&m, 10, 20_261_201, 2);
    let exact = erlang_c(&QueueSpec {
        arrival_rate: 100.0 / 3600.0,
        aht: 360.0,
        agents: 12,
        patience: None,
        answer_within: 20.0,
    })
    .unwrap();
    let sl = result.estimate(|o| o.totals.service_level);
    let asa = result.estimate(|o| o.totals.asa_s);
    assert!(
        within_four_se(&sl, exact.service_level),
        "service level {sl:?}, Erlang C {}",
        exact.service_level
    );
    assert!(
        within_four_se(&asa, exact.asa_s),
        "ASA {asa:?}, Erlang C {}",
        exact.asa_s
    );
    // The same check refuses the group's own 2m: the scaling is what makes it pass.
    let unscaled = erlang_c(&QueueSpec {
        aht: 120.0,
        ..QueueSpec {
            arrival_rate: 100.0 / 3600.0,
            aht: 0.0,
            agents: 12,
            patience: None,
            answer_within: 20.0,
        }
    })
    .unwrap();
    assert!(!within_four_se(&sl, unscaled.service_level));
}

#[test]
fn other_groups_keep_their_ratio_to_the_first_groups_mean() {
    let text = day(&halved(), "", "4m").replace(
        "handles = [\"voice/general\"]",
        "handles = [\"voice/general\"]\nhandle_time_by = { \"voice/general\" = { dist = \"exponential\", mean = \"5m\" } }",
    ) + r#"
[[group]]
name = "backup"
agents = 2
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "10m" }
"#;
    let m = model(&text);
    let ct = &m.contact_types[0];
    // The reference is the first group's `handle_time_by` entry (5m), not its 4m default.
    assert!((ct.handle_scale[0] - 360.0 / 300.0).abs() < 1e-12);
    let t = ccsim::ids::ContactTypeId::from_index(0);
    let backup = m.handle_time(ccsim::ids::GroupId::from_index(1), t).mean();
    assert!((backup * ct.handle_scale[15] - 360.0).abs() < 1e-9); // 10m × 180/300
}

#[test]
fn agents_on_duty_per_interval_follow_the_shrinkage_list() {
    let shares = [0.0, 0.1, 0.25, 0.5, 0.3, 0.3, 0.35, 0.05];
    let listed: Vec<String> = (0..16).map(|k| shares[k % 8].to_string()).collect();
    let text = day("", &format!("shrinkage = [{}]", listed.join(", ")), "1s")
        .replace("rate_per_hour = 240", "rate_per_hour = 1")
        .replace("agents = 60", "agents = 10");
    let m = model(&text);
    let g = &m.groups[0];
    let want: Vec<u32> = (0..16)
        .map(|k| ccsim::model::on_duty_agents(10, shares[k % 8]))
        .collect();
    assert_eq!(g.staffing, want);
    assert_eq!(&want[..8], &[10, 9, 8, 5, 7, 7, 7, 10]); // 7.5 → 8, 6.5 → 7 (halves up)
    // The engine puts them on duty: agents present per interval.
    let result = run(&m, 2, 3, 1);
    let grid = m.reported_group_grid();
    for (k, &on_duty) in want.iter().enumerate() {
        let staffed = result.estimate(|o| o.group_intervals[grid.at(k, 0)].staffed);
        assert!(
            (staffed.mean - on_duty as f64).abs() < 0.01,
            "interval {k}: {} present, {on_duty} on duty",
            staffed.mean,
        );
    }
}

#[test]
fn a_shift_is_split_where_the_shrinkage_changes() {
    let text = day("", "shrinkage = [0.5, 0.5, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]", "1s")
        .replace("rate_per_hour = 240", "rate_per_hour = 1")
        .replace(
            "agents = 60",
            "shifts = [{ start = \"0h\", length = \"3h\", agents = 10 }]",
        );
    let m = model(&text);
    let g = &m.groups[0];
    // 10 scheduled from 0 to 3h; the shrinkage changes at 1h: an entry there.
    assert_eq!(g.timeline, vec![(0.0, 10), (3600.0, 10), (10_800.0, 0)]);
    assert_eq!(&g.staffing[..8], &[5, 5, 8, 8, 8, 8, 0, 0]);
    assert!((g.shrinkage - (2.0 * 0.5 + 14.0 * 0.2) / 16.0).abs() < 1e-12);
    let result = run(&m, 1, 3, 1);
    let grid = m.reported_group_grid();
    for (k, want) in [(0, 5.0), (1, 5.0), (2, 8.0), (5, 8.0), (6, 0.0)] {
        let staffed = result.estimate(|o| o.group_intervals[grid.at(k, 0)].staffed);
        assert!((staffed.mean - want).abs() < 0.01, "interval {k}");
    }
}

#[test]
fn the_timeline_split_keeps_every_entry_and_adds_each_change_of_shrinkage() {
    let mut g = model(&day("", "", "1s")).groups[0].clone();
    g.shrinkage_by_interval = [0.1, 0.2, 0.2, 0.3].into();
    let timeline = vec![(0.0, 10), (1800.0, 12), (2700.0, 4)];
    // Cuts at 1800 (an entry already there) and 5400 (after the last entry).
    assert_eq!(
        g.split_at_shrinkage_changes(timeline.clone(), 1800.0),
        vec![(0.0, 10), (1800.0, 12), (2700.0, 4), (5400.0, 4)]
    );
    g.shrinkage_by_interval = vec![0.2; 4];
    assert_eq!(
        g.split_at_shrinkage_changes(timeline.clone(), 1800.0),
        timeline
    );
    g.shrinkage_by_interval.clear();
    assert_eq!(
        g.split_at_shrinkage_changes(timeline.clone(), 1800.0),
        timeline
    );
}

#[test]
fn the_erlang_step_uses_each_intervals_aht_and_shrinkage() {
    let shrink: Vec<String> = (0..16)
        .map(|k| if k < 8 { "0.2" } else { "0.4" }.to_string())
        .collect();
    let text = day(
        &halved(),
        &format!("shrinkage = [{}]", shrink.join(", ")),
        "4m",
    );
    let m = model(&text);
    let roles = requirements::roles(&m);
    assert!((roles[0].aht_in(0) - 360.0).abs() < 1e-9);
    assert!((roles[0].aht_in(15) - 180.0).abs() < 1e-9);
    // Over the horizon: the volume-weighted mean of the intervals' AHTs.
    assert!((roles[0].aht - 270.0).abs() < 1e-9);
    let spec = ccsim::model::OptimizeSpec {
        max_abandon_rate: None,
        max_asa: None,
        back_office: (60.0, 0.8),
        min_on_duty: 0,
        min_offered: 0.0,
        replications: 1,
        max_iterations: 1,
        gap: 0.01,
        time_limit: 1.0,
        solver: None,
        max_part_time_share: None,
        confidence: None,
        max_agents: vec![None],
        max_occupancy: vec![None],
        shifts: Vec::new(),
        deflections: Vec::new(),
        contracts: Vec::new(),
    };
    // The same load (12 erlangs) in both halves: the arrival rate is load / the interval's
    // AHT, so the short-AHT half needs what Erlang C gives for 240 calls an hour at 3m.
    let by_hand = |aht: f64| {
        (1..)
            .find(|&n| {
                erlang_a(&QueueSpec {
                    arrival_rate: 12.0 / aht,
                    aht,
                    agents: n,
                    patience: None,
                    answer_within: 20.0,
                })
                .is_ok_and(|v| v.service_level >= 0.8)
            })
            .unwrap()
    };
    let first = requirements::erlang_requirement(&m, &spec, 0, &roles[0], 0, 12.0).unwrap();
    let last = requirements::erlang_requirement(&m, &spec, 0, &roles[0], 15, 12.0).unwrap();
    assert_eq!(first, by_hand(360.0));
    assert_eq!(last, by_hand(180.0));
    // Through each interval's shrinkage: 15 on duty need 19 scheduled at 20 % (18.75), 25
    // at 40 %.
    assert_eq!(requirements::scheduled_for(&m, 0, 0, 15), 19);
    assert_eq!(requirements::scheduled_for(&m, 0, 15, 15), 25);
}

/// The message of compiling `text` as `test.toml`.
fn refused(text: &str) -> String {
    ccsim::scenario::parse(text, "test.toml", "test")
        .expect_err("refused")
        .to_string()
}

#[test]
fn bad_aht_and_shrinkage_lists_are_located_errors() {
    assert_eq!(
        refused(&day("aht = [\"6m\", \"3m\"]", "", "4m")),
        "test.toml:19:7: key `arrivals[0].aht`: the list has 2 handle times; the horizon has 16 intervals, one average handle time each (a duration such as \"5m30s\" or seconds)"
    );
    let zero = format!("aht = [{}, 0]", list("300", 15));
    assert_eq!(
        refused(&day(&zero, "", "4m")),
        "test.toml:19:7: key `arrivals[0].aht`: handle time 16 of the list is 0 seconds; an average handle time must be above zero and at most 86400 seconds (a day)"
    );
    let negative = format!("aht = [-5, {}]", list("300", 15));
    assert!(refused(&day(&negative, "", "4m")).contains("handle time 1 of the list is -5 seconds"));
    let words = format!("aht = [\"5 minutes\", {}]", list("300", 15));
    assert_eq!(
        refused(&day(&words, "", "4m")),
        "test.toml:19:8: key `arrivals[0].aht`: \"5 minutes\" has an unknown unit \"minutes\"; write it with a unit: \"45s\", \"15m\", \"8h\", \"1h30m\", \"2.5m\" (units: d, h, m, s, ms)"
    );
    assert_eq!(
        refused(&day("", "shrinkage = [0.3, 0.3]", "4m")),
        "test.toml:26:13: key `group[0].shrinkage`: the list has 2 shares; the horizon has 16 intervals, one share each (or give one share for all)"
    );
    let full = format!("shrinkage = [{}, 1.0]", list("0.3", 15));
    assert_eq!(
        refused(&day("", &full, "4m")),
        "test.toml:26:13: key `group[0].shrinkage`: share 16 of the list is 1; shrinkage is the share of scheduled agents absent, from 0 up to (not including) 1"
    );
    // The single share keeps its message.
    assert_eq!(
        refused(&day("", "shrinkage = 1.2", "4m")),
        "test.toml:26:13: key `group[0].shrinkage`: shrinkage is the share of scheduled agents absent, from 0 up to (not including) 1 (got 1.2)"
    );
    // Two entries of one pair with different lists.
    let second = format!(
        "{}\n\n[[arrivals]]\nchannel = \"voice\"\ncategory = \"general\"\nrate_per_hour = 10\naht = [{}]",
        halved(),
        list("\"5m\"", 16)
    );
    assert_eq!(
        refused(&day(&second, "", "4m")),
        "test.toml:25:7: key `arrivals[1].aht`: arrivals[0] gives another aht list for the same contact type voice/general; a contact type has one average handle time per interval: give the same list (or aht on one entry only)"
    );
}

#[test]
fn check_shows_the_aht_and_shrinkage_ranges() {
    let shrink: Vec<String> = (0..16)
        .map(|k| if k < 8 { "0.2" } else { "0.35" }.to_string())
        .collect();
    let text = day(
        &halved(),
        &format!("shrinkage = [{}]", shrink.join(", ")),
        "4m",
    );
    let path = std::env::temp_dir().join(format!("ccsim-aht-check-{}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let out = command().arg("check").arg(&path).output().unwrap();
    std::fs::remove_file(&path).ok();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "  average handle time by interval:\n    voice/general            3m–6m at agents\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "agents  39–48 agents on duty (60–60 scheduled, shrinkage 20–35% by interval)"
        ),
        "{stdout}"
    );
}
