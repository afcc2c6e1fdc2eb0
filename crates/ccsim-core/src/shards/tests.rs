//! The merge's math on parts built in memory: order, completeness, alike parts.

use super::*;

/// An outcome told apart by its replication index and point.
fn outcome(point: u32, index: u32) -> ReplicationOutcome {
    let mut o = ReplicationOutcome::default();
    o.totals.service_level = f64::from(index) / 100.0 + f64::from(point);
    o
}

/// Shard `shard` of `shards` of a run or sweep of `points` points × `reps` replications,
/// sharded as `ccsim run` shards replications (one point) and `ccsim sweep` shards points.
fn runs(shard: Shard, points: u32, reps: u32) -> Vec<PartialRun> {
    let run = |point: u32, indices: Vec<u32>| PartialRun {
        point,
        seed: 40 + u64::from(point),
        replications_in_all: reps,
        wall_s: 1.0,
        replications: (indices.into_iter())
            .map(|index| PartialReplication {
                index,
                outcome: outcome(point, index),
            })
            .collect(),
    };
    if points == 1 {
        vec![run(0, (0..reps).filter(|&r| shard.owns(r)).collect())]
    } else {
        (0..points)
            .filter(|&p| shard.owns(p))
            .map(|p| run(p, (0..reps).collect()))
            .collect()
    }
}

fn part<'a>(
    name: &'a str,
    shard: u32,
    shards: u32,
    points: u32,
    runs: &'a [PartialRun],
) -> Part<'a> {
    Part {
        name,
        ccsim_version: "0.1.0",
        scenario_hash: "abc",
        command: if points == 1 { "run" } else { "sweep" },
        seed: 40,
        replications: 5,
        points,
        sweep_axes: &[],
        shard,
        shards,
        runs,
    }
}

fn three_shards(points: u32) -> Vec<Vec<PartialRun>> {
    (0..3)
        .map(|index| runs(Shard { index, count: 3 }, points, 5))
        .collect()
}

#[test]
fn the_parts_of_a_run_merge_in_replication_order_whatever_their_order() {
    let r = three_shards(1);
    let parts = [
        part("b", 2, 3, 1, &r[2]),
        part("a", 0, 3, 1, &r[0]),
        part("c", 1, 3, 1, &r[1]),
    ];
    let merged = merge(&parts).expect("merges");
    assert_eq!(merged.seeds, [40]);
    assert_eq!(merged.runs.len(), 1);
    let got: Vec<f64> = merged.runs[0]
        .outcomes
        .iter()
        .map(|o| o.totals.service_level)
        .collect();
    assert_eq!(got, [0.0, 0.01, 0.02, 0.03, 0.04]);
    assert_eq!(merged.runs[0].wall_s, 3.0, "the shards' seconds summed");
    assert!(merged.runs[0].intervals.is_none());
}

#[test]
fn the_parts_of_a_sweep_merge_point_by_point_with_each_point_s_seed() {
    let r = three_shards(4);
    let names = ["a", "b", "c"];
    let parts: Vec<Part> = (0..3)
        .map(|i| part(names[i], i as u32, 3, 4, &r[i]))
        .collect();
    let merged = merge(&parts).expect("merges");
    assert_eq!(merged.seeds, [40, 41, 42, 43]);
    for (k, run) in merged.runs.iter().enumerate() {
        let want: Vec<ReplicationOutcome> = (0..5).map(|i| outcome(k as u32, i)).collect();
        assert_eq!(run.outcomes, want, "point {k}");
    }
}

fn refused(parts: &[Part]) -> String {
    let e = merge(parts).expect_err("refused");
    assert_eq!(e.kind(), crate::error::ErrorKind::BadInput);
    e.message().to_string()
}

#[test]
fn missing_repeated_or_foreign_parts_are_refused_with_the_part_named() {
    let r = three_shards(1);
    let (a, b, c) = (
        part("a", 0, 3, 1, &r[0]),
        part("b", 1, 3, 1, &r[1]),
        part("c", 2, 3, 1, &r[2]),
    );
    assert_eq!(refused(&[]), "name the partial result files to merge");
    assert_eq!(
        refused(&[a, c]),
        "missing shard: 1/3; merge needs all 3 parts"
    );
    assert_eq!(
        refused(&[a, b, Part { name: "a2", ..a }]),
        "shard 0/3 is given twice (a and a2)"
    );
    assert_eq!(
        refused(&[a, b, Part { seed: 41, ..c }]),
        "c and a differ in seed (41 vs 40): merge the parts of one sharded run only"
    );
    assert_eq!(
        refused(&[
            a,
            b,
            Part {
                scenario_hash: "abd",
                ..c
            }
        ]),
        "c and a come from different scenarios (hash abd vs abc): merge the parts of one scenario only"
    );
    assert_eq!(
        refused(&[a, b, Part { shard: 5, ..c }]),
        "c is shard 5 of 3, numbered from 0"
    );
    // A replication given by two parts, and one that no part holds.
    let mut twice = r[2].clone();
    twice[0].replications[0].index = 0;
    assert_eq!(
        refused(&[a, b, Part { runs: &twice, ..c }]),
        "c repeats point 0, replication 0"
    );
    let mut short = r[2].clone();
    short[0].replications.pop();
    assert_eq!(
        refused(&[a, b, Part { runs: &short, ..c }]),
        "a runs point 0 with 5 replications, and the parts hold 4 in all: the parts are incomplete"
    );
    let mut beyond = r[2].clone();
    beyond[0].replications[0].index = 9;
    assert_eq!(
        refused(&[a, b, Part { runs: &beyond, ..c }]),
        "c holds replication 9 of point 0, which has only 5"
    );
    let mut reseeded = r[2].clone();
    reseeded[0].seed = 7;
    assert_eq!(
        refused(&[
            a,
            b,
            Part {
                runs: &reseeded,
                ..c
            }
        ]),
        "c ran point 0 with another seed or replication count than the other parts"
    );
}

#[test]
fn a_shard_is_written_i_of_n_and_owns_every_nth_unit() {
    assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
    assert!(Shard::parse("4/4").is_err() && Shard::parse("0/0").is_err());
    let s = Shard::parse("1/3").expect("a shard");
    assert_eq!((0..7).filter(|&k| s.owns(k)).collect::<Vec<_>>(), [1, 4]);
}
