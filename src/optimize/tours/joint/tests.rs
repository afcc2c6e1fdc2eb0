//! Tests of the tour-aware program: Baker's workforce, the bound between the shifts and
//! the tours, with and without start band.

use super::super::cover::baker_closed_form;
use super::super::patterns::{PatternRules, enumerate};
use super::*;
use crate::model::RosterShift;

/// One 8-hour shift a day, covering that day's one interval.
pub(in super::super) fn daily_candidates() -> Vec<Candidate> {
    (0..7)
        .map(|d| Candidate {
            template: 0,
            shift: RosterShift {
                start: d as f64 * DAY + 8.0 * 3600.0,
                length: 8.0 * 3600.0,
                agents: 1,
                breaks: Vec::new(),
            },
            covers: vec![d],
            paid_hours: 8.0,
            part_time: false,
        })
        .collect()
}

/// With five-day people who take two days off in a row and one shift a day, the
/// tour-aware roster pays Baker's least workforce for five days each.
#[test]
fn the_joint_roster_pays_baker_s_workforce_five_days_each() {
    let candidates = daily_candidates();
    let patterns = enumerate(&PatternRules {
        n_days: 7,
        days: (5, 5),
        consecutive_days_off: 2,
        max_consecutive_days: None,
        weekends: None,
    });
    let contracts = [JointContract {
        templates: vec![0],
        patterns,
        part_time: false,
        band: None,
    }];
    for need in [
        [3, 3, 3, 3, 3, 3, 3],
        [5, 5, 5, 5, 5, 1, 1],
        [3, 3, 0, 3, 0, 3, 0],
        [6, 6, 1, 6, 1, 6, 1],
    ] {
        let agents = solve(&JointProblem {
            need: &need,
            candidates: &candidates,
            contracts: &contracts,
            n_days: 7,
            solver: Solver::Microlp,
            gap: 1e-6,
            time_limit: 10.0,
            max_part_time_share: None,
        })
        .expect("solves");
        let days: u32 = agents.iter().sum();
        assert_eq!(days, 5 * baker_closed_form(&need), "{need:?}");
        assert!(
            agents.iter().zip(&need).all(|(a, n)| a >= n),
            "{need:?}: {agents:?}"
        );
    }
}

/// The relaxation's bound lies between the shifts alone (8 h a needed day) and the
/// least tours (5 × Baker's workforce days of 8 h), and reaches the tours where Baker's
/// workforce is ⌈total ÷ 5⌉ with no rounding (a need of 5 a day: 7 people, 35 days).
#[test]
fn the_tours_bound_lies_between_the_shifts_and_the_least_tours() {
    let candidates = daily_candidates();
    let patterns = enumerate(&PatternRules {
        n_days: 7,
        days: (5, 5),
        consecutive_days_off: 2,
        max_consecutive_days: None,
        weekends: None,
    });
    let contracts = [JointContract {
        templates: vec![0],
        patterns,
        part_time: false,
        band: None,
    }];
    for need in [
        [5, 5, 5, 5, 5, 5, 5],
        [5, 5, 5, 5, 5, 1, 1],
        [3, 3, 0, 3, 0, 3, 0],
        [6, 6, 1, 6, 1, 6, 1],
    ] {
        let (bound, _) = bound(&JointProblem {
            need: &need,
            candidates: &candidates,
            contracts: &contracts,
            n_days: 7,
            solver: Solver::Microlp,
            gap: 1e-6,
            time_limit: 10.0,
            max_part_time_share: None,
        })
        .expect("solves");
        let shifts = 8.0 * need.iter().sum::<u32>() as f64;
        let tours = 8.0 * 5.0 * baker_closed_form(&need) as f64;
        assert!(bound >= shifts - 1e-6, "{need:?}: {bound} < {shifts}");
        assert!(bound <= tours + 1e-6, "{need:?}: {bound} > {tours}");
        if need == [5; 7] {
            assert!((bound - tours).abs() < 1e-6, "{bound} against {tours}");
        }
    }
}

/// Shifts of 8 h starting at 06:00, 08:00, 10:00 or 12:00 each day, hourly intervals.
pub(in super::super) fn banded_candidates() -> Vec<Candidate> {
    let mut v = Vec::new();
    for d in 0..7 {
        for h in [6, 8, 10, 12] {
            v.push(Candidate {
                template: 0,
                shift: RosterShift {
                    start: d as f64 * DAY + h as f64 * 3600.0,
                    length: 8.0 * 3600.0,
                    agents: 1,
                    breaks: Vec::new(),
                },
                covers: (d * 24 + h..d * 24 + h + 8).collect(),
                paid_hours: 8.0,
                part_time: false,
            });
        }
    }
    v
}

/// With a start band, the bound lies between the relaxation without the band and the
/// paid hours of the tour-aware roster (whose people keep a band of half the bound's
/// window); with CBC (when built) it is the integer program's proven bound, no weaker
/// than the relaxation.
#[test]
fn the_banded_bound_lies_between_the_relaxation_and_the_roster() {
    let candidates = banded_candidates();
    let patterns = enumerate(&PatternRules {
        n_days: 7,
        days: (5, 5),
        consecutive_days_off: 2,
        max_consecutive_days: None,
        weekends: None,
    });
    let contracts = [JointContract {
        templates: vec![0],
        patterns,
        part_time: false,
        band: Some(3600.0),
    }];
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
    for _ in 0..4 {
        // Morning and afternoon peaks that move from day to day.
        let need: Vec<u32> = (0..7 * 24)
            .map(|k| match k % 24 {
                6..=19 => rng.random_range(0..5),
                _ => 0,
            })
            .collect();
        for solver in [Solver::Microlp, Solver::Cbc]
            .into_iter()
            .filter(|s| s.built())
        {
            let p = JointProblem {
                need: &need,
                candidates: &candidates,
                contracts: &contracts,
                n_days: 7,
                solver,
                gap: 1e-4,
                time_limit: 30.0,
                max_part_time_share: None,
            };
            let relaxed = {
                let built = program(
                    &p,
                    Shape {
                        whole: Whole::Nothing,
                        window: None,
                        coarse: false,
                        charge_people: false,
                    },
                );
                let settings = backend::Settings {
                    gap: p.gap,
                    time_limit: p.time_limit,
                    start: Vec::new(),
                };
                let o =
                    backend::solve(Solver::Microlp, built.program, &built.xs, &settings).unwrap();
                (candidates.iter().zip(&o.values))
                    .map(|(c, &x)| c.paid_hours * x)
                    .sum::<f64>()
            };
            let (b, _) = bound(&p).expect("bounds");
            let agents = solve(&p).expect("solves");
            let paid: f64 = (candidates.iter().zip(&agents))
                .map(|(c, &n)| c.paid_hours * n as f64)
                .sum();
            assert!(b >= relaxed - 1e-6, "{solver:?}: {b} < {relaxed}");
            assert!(b <= paid + 1e-6, "{solver:?}: {b} > {paid}");
            if solver == Solver::Cbc {
                // Whole people: a multiple of 40 h at least the relaxation's.
                assert!(b >= (relaxed / 40.0 - 1e-6).ceil() * 40.0 - 1e-4 * paid);
            }
        }
    }
}

/// A need no shift can cover has no bound (the program would count the penalty of
/// the intervals left short, which no tours pay).
#[test]
fn a_need_no_shift_covers_has_no_bound() {
    let candidates = daily_candidates();
    let patterns = enumerate(&PatternRules {
        n_days: 7,
        days: (5, 5),
        consecutive_days_off: 2,
        max_consecutive_days: None,
        weekends: None,
    });
    let contracts = [JointContract {
        templates: vec![0],
        patterns,
        part_time: false,
        band: None,
    }];
    // Interval 7 lies outside every shift.
    let need = [1, 1, 1, 1, 1, 1, 1, 1];
    for solver in [Solver::Microlp, Solver::Cbc]
        .into_iter()
        .filter(|s| s.built())
    {
        let p = JointProblem {
            need: &need,
            candidates: &candidates,
            contracts: &contracts,
            n_days: 7,
            solver,
            gap: 1e-4,
            time_limit: 10.0,
            max_part_time_share: None,
        };
        let e = bound(&p).expect_err("no bound");
        assert!(e.contains("interval 7"), "{e}");
    }
}
