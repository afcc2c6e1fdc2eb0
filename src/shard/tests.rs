//! Unit tests of shard specs, the partial file and the merge.

use super::*;
use crate::model::Model;
use crate::stats::{GroupMetrics, QueueMetrics, ReplicationOutcome, WAIT_THRESHOLDS_S};

#[test]
fn shard_specs() {
    assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
    assert!(Shard::parse("4/4").is_err());
    assert!(Shard::parse("0/0").is_err());
    assert!(Shard::parse("1").is_err());
    let s = Shard::parse("1/3").unwrap();
    assert_eq!(
        (0..9).filter(|&k| s.owns(k)).collect::<Vec<_>>(),
        vec![1, 4, 7]
    );
}

/// A change to an outcome.
type Edit = fn(&mut ReplicationOutcome);

/// A queue scope's metrics as a replication gives them: `answered` of `offered`
/// answered, the rest abandoned, every answered contact resolved at once.
fn queue(offered: u32, answered: u32) -> QueueMetrics {
    let (o, a) = (offered as f64, answered as f64);
    let share = |x: f64| if o > 0.0 { x / o } else { f64::NAN };
    let per_answered = |x: f64| if a > 0.0 { x } else { f64::NAN };
    QueueMetrics {
        arrivals: o,
        unique_customers: o,
        redial_rate: share(0.0),
        repeat_rate: share(0.0),
        bot_containment: f64::NAN,
        bot_dropout: f64::NAN,
        bot_misroute_rate: f64::NAN,
        first_response_s: per_answered(1.5),
        human_connect_rate: share(a),
        offered: o,
        answered: a,
        abandoned: o - a,
        resolved: a,
        transfers_per_answered: per_answered(0.0),
        resolution_rate: per_answered(1.0),
        first_contact_resolution: per_answered(1.0),
        transfer_rate: per_answered(0.0),
        transfer_asa_s: f64::NAN,
        service_level: share(a / 3.0).min(share(a)),
        abandon_rate: share(o - a),
        asa_s: per_answered(1.5),
        wait_p90_s: per_answered(4.0),
        abandoned_all: o - a,
        transfer_abandon_rate: f64::NAN,
        ..Default::default()
    }
}

/// A part of a run of one replication holding `outcome`.
fn part_of(outcome: ReplicationOutcome) -> PartialResult {
    PartialResult {
        ccsim_version: CCSIM_VERSION.into(),
        command: "run".into(),
        scenario_file: "s.toml".into(),
        scenario_hash: "0".into(),
        arrivals: None,
        log_start: None,
        skip_bad_rows: false,
        sweep_axes: vec![],
        seed: 1,
        replications: 1,
        points: 1,
        shard: 0,
        shards: 1,
        runs: vec![PartialRun {
            point: 0,
            seed: 1,
            replications_in_all: 1,
            wall_s: 0.5,
            replications: vec![PartialReplication { index: 0, outcome }],
        }],
    }
}

/// An outcome of one channel, category, class and group over two intervals.
fn outcome() -> ReplicationOutcome {
    let (a, b) = (queue(3, 2), queue(4, 4));
    let totals = queue(7, 6);
    ReplicationOutcome {
        events: 7,
        contacts: 7,
        totals,
        cost: 0.1 + 0.2,
        by_channel: vec![totals],
        by_category: vec![totals],
        by_priority: vec![totals],
        by_group: vec![GroupMetrics::default()],
        intervals: vec![a, b],
        group_intervals: vec![GroupMetrics::default(); 2],
        wait_cdf: vec![vec![0.5; WAIT_THRESHOLDS_S.len()]],
        ..Default::default()
    }
}

/// The smallest model: one channel, category, class and group, two intervals.
fn model() -> Model {
    crate::scenario::parse(
        r#"
[simulation]
horizon = "1h"
interval = "30m"
[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
[[category]]
name = "general"
[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 10
[[group]]
name = "agents"
agents = 2
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "5m" }
"#,
        "s.toml",
        "s",
    )
    .unwrap()
}

#[test]
fn a_genuine_outcome_passes_every_check() {
    let part = part_of(outcome());
    let back = PartialResult::from_toml(&part.to_toml().unwrap(), "p.toml").unwrap();
    check_shapes("p.toml", &back, &[model()]).unwrap();
}

#[test]
fn impossible_values_are_refused_with_their_place() {
    let cases: Vec<(&str, Edit)> = vec![
        ("totals.service_level = 7.5", |o| {
            o.totals.service_level = 7.5
        }),
        ("by_channel[0].offered = -7", |o| {
            o.by_channel[0].offered = -7.0
        }),
        ("intervals[1].answered = 2.5", |o| {
            o.intervals[1].answered = 2.5
        }),
        ("intervals[0].asa_s = nan", |o| {
            o.intervals[0].asa_s = f64::NAN
        }),
        ("totals.offered = nan", |o| o.totals.offered = f64::NAN),
        ("totals.answered = 70", |o| o.totals.answered = 70.0),
        ("totals.human_connect_rate = 0.5", |o| {
            o.totals.human_connect_rate = 0.5
        }),
        ("intervals[0].redial_rate = 0", |o| {
            o.intervals[0].arrivals = 0.0;
            o.intervals[0].unique_customers = 0.0;
        }),
        ("wait_cdf[0][3] = 0.25", |o| o.wait_cdf[0][3] = 0.25),
        ("by_group[0].occupancy = 1.5", |o| {
            o.by_group[0].occupancy = 1.5
        }),
        ("cost = -1", |o| o.cost = -1.0),
    ];
    for (place, edit) in cases {
        let mut o = outcome();
        edit(&mut o);
        let message = part_of(o).check_values("p.toml").unwrap_err();
        assert!(
            message.starts_with("p.toml holds an impossible value"),
            "{message}"
        );
        assert!(message.contains(place), "{place}: {message}");
    }
    let mut part = part_of(outcome());
    part.shard = 3;
    assert!(
        part.check_values("p.toml")
            .unwrap_err()
            .contains("shard = 3")
    );
}

#[test]
fn outcomes_of_another_shape_are_refused_before_anything_indexes_them() {
    let cases: Vec<(&str, Edit)> = vec![
        ("1 interval rows", |o| {
            o.intervals.pop();
        }),
        ("3 interval rows", |o| o.intervals.push(o.intervals[1])),
        ("0 channel rows", |o| o.by_channel.clear()),
        ("2 category rows", |o| o.by_category.push(o.totals)),
        ("0 priority rows", |o| o.by_priority.clear()),
        ("0 group rows", |o| o.by_group.clear()),
        ("1 group interval rows", |o| {
            o.group_intervals.pop();
        }),
        ("0 wait distributions", |o| o.wait_cdf.clear()),
        ("18 shares in wait_cdf[0]", |o| {
            o.wait_cdf[0].pop();
        }),
        ("its intervals add up to 6", |o| {
            o.intervals[1] = queue(3, 2);
        }),
    ];
    for (what, edit) in cases {
        let mut o = outcome();
        edit(&mut o);
        let message = check_shapes("p.toml", &part_of(o), &[model()]).unwrap_err();
        assert!(message.starts_with("p.toml does not fit"), "{message}");
        assert!(message.contains(what), "{what}: {message}");
    }
}

#[test]
fn a_changed_or_unsealed_part_is_refused() {
    let text = part_of(outcome()).to_toml().unwrap();
    let changed = text.replace("events = 7", "events = 8");
    let message = PartialResult::from_toml(&changed, "p.toml").unwrap_err();
    assert!(
        message.starts_with("p.toml was changed after ccsim wrote it (checksum sha256:"),
        "{message}"
    );
    let unsealed: String = text
        .lines()
        .filter(|l| !l.starts_with("checksum"))
        .map(|l| format!("{l}\n"))
        .collect();
    let message = PartialResult::from_toml(&unsealed, "p.toml").unwrap_err();
    assert!(message.contains("has no checksum"), "{message}");
    let damaged = text.replacen("checksum = \"", "checksum = 'x", 1);
    let message = PartialResult::from_toml(&damaged, "p.toml").unwrap_err();
    assert!(message.contains("checksum line is damaged"), "{message}");
    // Layout that keeps every value is no change.
    let spaced = text.replace("\n[", "\n\n[");
    PartialResult::from_toml(&spaced, "p.toml").unwrap();
}

#[test]
fn counts_in_a_damaged_header_cannot_exhaust_memory() {
    let mut part = part_of(outcome());
    part.points = u32::MAX;
    part.command = "sweep".into();
    assert!(
        merge(&[("p".into(), part)])
            .unwrap_err()
            .contains("incomplete")
    );
    let mut part = part_of(outcome());
    part.runs[0].replications_in_all = u32::MAX;
    assert!(
        merge(&[("p".into(), part)])
            .unwrap_err()
            .contains("incomplete")
    );
    let mut part = part_of(outcome());
    part.shards = u32::MAX;
    let message = merge(&[("p".into(), part)]).unwrap_err();
    assert!(message.contains("and 4294967284 more"), "{message}");
}

/// Two channels, categories and groups, with a warm-up: a part of it has every table.
const TWO_CHANNELS: &str = r#"
[simulation]
horizon = "2h"
warmup = "30m"
interval = "30m"
[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "1m" }
[[channel]]
name = "chat"
service_level = { answer_within = "1m", target = 0.8 }
[[category]]
name = "sales"
[[category]]
name = "support"
[[arrivals]]
channel = "voice"
category = "sales"
rate_per_hour = 60
[[arrivals]]
channel = "chat"
category = "support"
rate_per_hour = 30
[[group]]
name = "phones"
agents = 2
handles = ["voice/sales"]
handle_time = { dist = "exponential", mean = "2m" }
[[group]]
name = "web"
agents = 1
handles = ["chat/support", "voice/sales"]
handle_time = { dist = "exponential", mean = "2m" }
"#;

/// Values a damaged line may get.
const DAMAGED_VALUES: [&str; 13] = [
    "nan",
    "-nan",
    "inf",
    "-inf",
    "-1.0",
    "0",
    "0.5",
    "7.5",
    "1e300",
    "3",
    "4294967296",
    "\"x\"",
    "[]",
];

/// `lines` damaged once or twice: a line dropped, doubled or swapped, a table doubled, a
/// value replaced; `next(n)` draws a number below `n`.
fn damage(lines: &[String], next: &mut dyn FnMut(usize) -> usize) -> String {
    let mut text = lines.to_vec();
    for _ in 0..1 + next(2) {
        let k = next(text.len());
        match next(5) {
            0 => {
                text.remove(k);
            }
            1 => text.insert(k, text[k].clone()),
            2 => {
                let j = next(text.len());
                text.swap(k, j);
            }
            3 => {
                let Some(start) = (k..text.len()).find(|&i| text[i].starts_with("[[")) else {
                    continue;
                };
                let end = (start + 1..text.len())
                    .find(|&i| text[i].starts_with('['))
                    .unwrap_or(text.len());
                let block: Vec<String> = text[start..end].to_vec();
                text.splice(end..end, block);
            }
            _ => {
                if let Some((key, _)) = text[k].split_once(" = ") {
                    let value = DAMAGED_VALUES[next(DAMAGED_VALUES.len())];
                    text[k] = format!("{key} = {value}");
                }
            }
        }
    }
    text.join("\n") + "\n"
}

/// Reads the fields of a damaged part, seals them as ccsim would and merges them through
/// to the summary: `true` when merged, `false` when refused (never a panic).
fn merged_through(fields: &str, model: &Model) -> bool {
    let Ok(damaged) = toml::from_str::<PartialResult>(fields) else {
        assert!(PartialResult::from_toml(fields, "p.toml").is_err());
        return false;
    };
    let sealed = damaged.to_toml().unwrap();
    let checked = PartialResult::from_toml(&sealed, "p.toml").and_then(|p| {
        check_shapes("p.toml", &p, std::slice::from_ref(model))?;
        Ok(p)
    });
    let Ok(p) = checked else {
        return false;
    };
    let Ok((runs, _)) = merge(&[("p.toml".into(), p)]) else {
        return false;
    };
    let summary = crate::summary::RunSummary::new(model, &runs[0], 5);
    let _ = summary.to_json();
    let _ = crate::output::run::render_text(model, &summary, "s.toml");
    let _ = crate::experiment::warmup_check(model, &runs[0]);
    true
}

/// Mutates a genuine part's text at random (a line dropped, doubled or swapped, a
/// table doubled, a value replaced), seals it as ccsim would, and merges whatever is
/// accepted through to the summary: whatever the damage, an error or a summary, never a
/// panic.
#[test]
fn no_damage_to_a_part_makes_the_merge_panic() {
    let model = crate::scenario::parse(TWO_CHANNELS, "s.toml", "s").unwrap();
    let options = crate::experiment::RunOptions {
        replications: 2,
        seed: 5,
        threads: Some(1),
    };
    let result = crate::experiment::run(&model, &options).unwrap();
    let mut part = part_of(ReplicationOutcome::default());
    part.replications = 2;
    part.seed = 5;
    part.runs = vec![partial_run(0, 5, 2, &[0, 1], result)];
    let genuine = part.to_toml().unwrap();
    let genuine = PartialResult::from_toml(&genuine, "p.toml").unwrap();
    check_shapes("p.toml", &genuine, std::slice::from_ref(&model)).unwrap();
    // The fields as ccsim writes them (the format line and checksum are added on sealing).
    let fields = toml::to_string(&genuine).unwrap();
    let lines: Vec<String> = fields.lines().map(String::from).collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut merged, mut refused) = (0, 0);
    for _ in 0..600 {
        if merged_through(&damage(&lines, &mut next), &model) {
            merged += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        merged > 0 && refused > 300,
        "{merged} merged, {refused} refused"
    );
}

#[test]
fn outcomes_survive_the_partial_file_exactly() {
    let mut o = outcome();
    o.totals.service_level = 1.0 / 3.0;
    o.by_channel = vec![o.totals];
    let back = PartialResult::from_toml(&part_of(o).to_toml().unwrap(), "x").unwrap();
    let got = &back.runs[0].replications[0].outcome;
    assert!(got.totals.transfer_asa_s.is_nan());
    assert_eq!(got.totals.service_level, 1.0 / 3.0);
    assert_eq!(got.cost, 0.1 + 0.2);
    assert_eq!(got.by_channel.len(), 1);
    let merged = merge(&[("x".into(), back)]).unwrap();
    assert_eq!(merged.0[0].outcomes[0].events, 7);
}

#[test]
fn a_merge_of_no_parts_is_refused() {
    let mut warn = |_: &str| {};
    let e = super::merge_parts(&[], None, &mut warn).unwrap_err();
    assert!(matches!(e, super::MergeError::Refused(m) if m.contains("no parts")));
}
