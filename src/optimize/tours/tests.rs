//! Known answers for stages 2 and 3: small tour instances against an exhaustive search,
//! and seeded random instances whose every tour must keep every rule.

use super::assign::{DAY, DayShift, Tour};
use super::patterns::{self, PatternRules};
use crate::optimize::backend::Solver;
use std::collections::HashMap;

/// A small random number generator (xorshift), fixed seeds.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// An instance: per day, how many shifts at each start; the rules.
struct Instance {
    starts: Vec<f64>,
    length: f64,
    required: Vec<Vec<u32>>,
    rules: PatternRules,
    min_rest: f64,
    band: Option<f64>,
}

impl Instance {
    fn shift(&self, d: usize, i: usize) -> DayShift {
        DayShift {
            candidate: d * self.starts.len() + i,
            start: self.starts[i],
            length: self.length,
        }
    }

    fn required_shifts(&self) -> Vec<Vec<DayShift>> {
        (self.required.iter().enumerate())
            .map(|(d, counts)| {
                (counts.iter().enumerate())
                    .flat_map(|(i, &n)| std::iter::repeat_n(self.shift(d, i), n as usize))
                    .collect()
            })
            .collect()
    }

    fn options(&self) -> Vec<Vec<DayShift>> {
        (0..self.required.len())
            .map(|d| (0..self.starts.len()).map(|i| self.shift(d, i)).collect())
            .collect()
    }

    /// Stage 2 then 3, in rounds, as the optimizer runs them.
    fn solve(&self) -> (Vec<Tour>, u32, u32) {
        let required = self.required_shifts();
        let options = self.options();
        let f = super::stages(&super::Stages {
            rules: &self.rules,
            min_rest: self.min_rest,
            start_band: self.band,
            required: &required,
            options: &options,
            extra_patterns: &[],
            plan: None,
            day_hours: 8.0,
            solver: Solver::Microlp,
            // The optimizer's default gap: a gap of 1e-6 can keep microlp searching to its
            // time limit on a 7-day instance of 35 patterns.
            gap: 0.005,
            time_limit: 10.0,
            closed_days: 0,
        });
        (f.tours, f.unplaced, f.dropped)
    }

    /// Whether a tour keeps every rule: its worked days an allowed pattern, the rest
    /// between consecutive shifts (and across the week's wrap), the band.
    fn keeps_rules(&self, t: &Tour) -> bool {
        if !patterns::allowed(t.worked(), &self.rules) {
            return false;
        }
        let shifts: Vec<(f64, f64)> = (t.shifts.iter().enumerate())
            .filter_map(|(d, s)| s.map(|s| (d as f64 * DAY + s.start, s.length)))
            .collect();
        let n = self.required.len() as f64;
        for w in shifts.windows(2) {
            if w[1].0 < w[0].0 + w[0].1 + self.min_rest - 1e-6 {
                return false;
            }
        }
        if self.rules.cyclic()
            && let (Some(first), Some(last)) = (shifts.first(), shifts.last())
            && first.0 + n * DAY < last.0 + last.1 + self.min_rest - 1e-6
        {
            return false;
        }
        // The band holds week by week (the whole horizon when it is a week or less).
        let tod = |x: f64| x.rem_euclid(DAY);
        let week = |x: f64| (x / DAY / 7.0).floor() as i64;
        self.band.is_none_or(|b| {
            shifts.iter().all(|s| {
                let first = shifts.iter().find(|f| week(f.0) == week(s.0)).unwrap();
                (tod(s.0) - tod(first.0)).abs() <= b + 1e-6
            })
        })
    }

    /// Every tour a person may work: per day off or one of the starts, keeping every rule.
    fn all_tours(&self) -> Vec<Vec<Option<usize>>> {
        let n = self.required.len();
        let k = self.starts.len() + 1;
        let mut out = Vec::new();
        for code in 1..k.pow(n as u32) {
            let mut c = code;
            let choice: Vec<Option<usize>> = (0..n)
                .map(|_| {
                    let x = c % k;
                    c /= k;
                    (x > 0).then(|| x - 1)
                })
                .collect();
            let tour = Tour {
                pattern: 0,
                surplus: 0,
                shifts: (choice.iter().enumerate())
                    .map(|(d, x)| x.map(|i| self.shift(d, i)))
                    .collect(),
            };
            if self.keeps_rules(&tour) {
                out.push(choice);
            }
        }
        out
    }

    /// The least (person-days, people) of tours whose shifts include every required one,
    /// by dynamic programming over the remaining need: the first slot still needed is
    /// covered by some tour, so branching on the tours that work it is exhaustive.
    fn exhaustive(&self) -> (u32, u32) {
        let tours = self.all_tours();
        let slots: Vec<u32> = self.required.iter().flatten().copied().collect();
        let mut memo = HashMap::new();
        best_cover(&slots, &tours, self.starts.len(), &mut memo)
    }
}

fn best_cover(
    left: &[u32],
    tours: &[Vec<Option<usize>>],
    per_day: usize,
    memo: &mut HashMap<Vec<u32>, (u32, u32)>,
) -> (u32, u32) {
    let Some(slot) = left.iter().position(|&n| n > 0) else {
        return (0, 0);
    };
    if let Some(&v) = memo.get(left) {
        return v;
    }
    let (day, start) = (slot / per_day, slot % per_day);
    let mut best = (u32::MAX, u32::MAX);
    for t in tours.iter().filter(|t| t[day] == Some(start)) {
        let mut rest = left.to_vec();
        for (d, x) in t.iter().enumerate() {
            if let Some(i) = x {
                rest[d * per_day + i] = rest[d * per_day + i].saturating_sub(1);
            }
        }
        let (days, people) = best_cover(&rest, tours, per_day, memo);
        if days == u32::MAX {
            continue;
        }
        let worked = t.iter().filter(|x| x.is_some()).count() as u32;
        best = best.min((days + worked, people + 1));
    }
    memo.insert(left.to_vec(), best);
    best
}

fn random_instance(rng: &mut Rng, n_days: u32, max_need: u64) -> Instance {
    let h = 3600.0;
    let starts = vec![6.0 * h, 7.0 * h, 14.0 * h];
    let lo = 1 + rng.below(n_days as u64) as u32;
    let hi = lo + rng.below((n_days - lo + 1) as u64) as u32;
    Instance {
        required: (0..n_days)
            .map(|_| {
                (0..starts.len())
                    .map(|_| rng.below(max_need + 1) as u32)
                    .collect()
            })
            .collect(),
        starts,
        length: 8.0 * h,
        rules: PatternRules {
            n_days,
            days: (lo, hi),
            consecutive_days_off: 1 + rng.below(2) as u32,
            max_consecutive_days: [None, Some(3), Some(5)][rng.below(3) as usize],
            weekends: None,
        },
        min_rest: [0.0, 11.0 * h, 12.0 * h][rng.below(3) as usize],
        band: [None, Some(h), Some(8.0 * h)][rng.below(3) as usize],
    }
}

/// Stage 2 alone (days only, no rest or band) is a lower bound on the person-days of any
/// tours that work every shift, so stage 2 + 3 is exact whenever stage 3 places every
/// shift on stage 2's first cover. On small instances (3–4 days, three starts, random
/// rules): never below the exhaustive optimum (the tours keep the rules), equal to it on
/// most, and every infeasible instance is reported as unplaced shifts.
#[test]
fn small_tour_instances_reach_the_exhaustive_optimum_or_stay_above_it() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut feasible, mut equal, mut short, mut excess) = (0, 0, 0, 0);
    for i in 0..60 {
        let n_days = 3 + (i % 2) as u32;
        let inst = random_instance(&mut rng, n_days, 2);
        let (exhaustive_days, exhaustive_people) = inst.exhaustive();
        let (tours, unplaced, _) = inst.solve();
        if exhaustive_days == u32::MAX {
            assert!(unplaced > 0, "instance {i}: no tours can work every shift");
            continue;
        }
        feasible += 1;
        if unplaced > 0 {
            short += 1;
            continue;
        }
        let days: u32 = tours.iter().map(|t| t.worked().count_ones()).sum();
        assert!(days >= exhaustive_days, "instance {i}: below the optimum");
        excess = excess.max(days - exhaustive_days);
        if (days, tours.len() as u32) == (exhaustive_days, exhaustive_people) {
            equal += 1;
        }
    }
    eprintln!(
        "{equal} of {feasible} feasible instances at the exhaustive optimum, {short} short, at most {excess} person-days over"
    );
    assert!(feasible >= 30, "only {feasible} feasible instances");
    // Measured: 48 of 59 at the optimum, 10 with shifts left unplaced (the day-by-day
    // greedy of stage 3 does not look past tomorrow), at most 2 person-days over. A
    // regression guard, not a proof: the decomposition is not exact under rest rules.
    assert!(equal >= 48, "{equal} of {feasible} at the optimum");
    assert!(short <= 10, "{short} feasible instances left short");
    assert!(excess <= 2, "{excess} person-days over the optimum");
}

#[test]
fn every_returned_tour_keeps_every_rule_and_every_shift_is_placed_or_counted() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for i in 0..150 {
        let n_days = 2 + rng.below(6) as u32;
        let inst = random_instance(&mut rng, n_days, 4);
        let (tours, unplaced, _) = inst.solve();
        for t in &tours {
            assert!(
                inst.keeps_rules(t) || t.worked() == 0,
                "instance {i}: {t:?}"
            );
        }
        // Every required shift is worked by a tour, or counted as unplaced.
        let mut worked: HashMap<usize, u32> = HashMap::new();
        for s in tours.iter().flat_map(|t| t.shifts.iter().flatten()) {
            *worked.entry(s.candidate).or_default() += 1;
        }
        let mut missing = 0;
        for s in inst.required_shifts().iter().flatten() {
            match worked.get_mut(&s.candidate) {
                Some(n) if *n > 0 => *n -= 1,
                _ => missing += 1,
            }
        }
        assert_eq!(missing, unplaced, "instance {i}");
    }
}

/// Over two and three weeks (the weeks' network of stage 2), with and without a weekend
/// rule: every tour keeps every rule, and every shift is worked or counted unplaced.
#[test]
fn tours_over_several_weeks_keep_every_rule_and_place_or_count_every_shift() {
    let mut rng = Rng(0x05ee_d0f7_eec5);
    let mut placed_all = 0;
    for i in 0..16 {
        let n_days = 7 * (2 + (i % 2) as u32);
        let mut inst = random_instance(&mut rng, 7, 2);
        inst.required = (0..n_days)
            .map(|_| {
                (0..inst.starts.len())
                    .map(|_| rng.below(3) as u32)
                    .collect()
            })
            .collect();
        inst.rules.n_days = n_days;
        inst.rules.weekends = match i % 3 {
            0 => None,
            1 => Some(patterns::Weekends {
                every: 1,
                first_saturday: 5,
            }),
            _ => Some(patterns::Weekends {
                every: 2,
                first_saturday: rng.below(7) as u32,
            }),
        };
        let (tours, unplaced, _) = inst.solve();
        for t in &tours {
            assert!(
                inst.keeps_rules(t) || t.worked() == 0,
                "instance {i}: {t:?} breaks {:?}",
                inst.rules
            );
        }
        let mut worked: HashMap<usize, u32> = HashMap::new();
        for s in tours.iter().flat_map(|t| t.shifts.iter().flatten()) {
            *worked.entry(s.candidate).or_default() += 1;
        }
        let mut missing = 0;
        for s in inst.required_shifts().iter().flatten() {
            match worked.get_mut(&s.candidate) {
                Some(n) if *n > 0 => *n -= 1,
                _ => missing += 1,
            }
        }
        assert_eq!(missing, unplaced, "instance {i}");
        placed_all += (unplaced == 0) as u32;
    }
    // Most instances are placed in full (a regression guard on stage 3 over weeks).
    assert!(placed_all >= 8, "{placed_all} of 16 placed in full");
}

/// Over four (and three) weeks with a weekend off in every two, no week repeated works a
/// Saturday: the columns also repeat every tour of two weeks, so some work alternate
/// weekends;
/// every column keeps the rules over the four weeks, and none works a closed day.
#[test]
fn four_weeks_columns_repeat_fortnights_that_work_alternate_weekends() {
    let rules = PatternRules {
        n_days: 28,
        days: (4, 5),
        consecutive_days_off: 1,
        max_consecutive_days: None,
        weekends: Some(patterns::Weekends {
            every: 2,
            first_saturday: 5,
        }),
    };
    let saturday = |m: u32, w: u32| m >> (5 + 7 * w) & 1 == 1;
    let week_repeated = |m: u32| (1..4).all(|w| m >> (7 * w) & 0x7f == m & 0x7f);
    // Closed on every Sunday.
    let closed = (0..4).fold(0u32, |c, w| c | 1 << (6 + 7 * w));
    let (columns, cost) = super::weeks::columns(&rules, closed, &[], 5.0);
    assert_eq!(columns.len(), cost.len());
    assert!(columns.iter().all(|&m| patterns::allowed(m, &rules)));
    assert!(columns.iter().all(|&m| m & closed == 0));
    let alternate: Vec<u32> = (columns.iter().copied())
        .filter(|&m| saturday(m, 0) && !saturday(m, 1) && saturday(m, 2) && !saturday(m, 3))
        .collect();
    assert!(!alternate.is_empty(), "{} columns", columns.len());
    assert!(alternate.iter().all(|&m| !week_repeated(m)));
    assert!(
        columns
            .iter()
            .filter(|&&m| week_repeated(m))
            .all(|&m| !saturday(m, 0))
    );
    // Over three weeks the fortnights are cut to 21 days.
    let three = PatternRules {
        n_days: 21,
        ..rules
    };
    let (columns, _) = super::weeks::columns(&three, closed & 0x1f_ffff, &[], 5.0);
    assert!(columns.iter().all(|&m| patterns::allowed(m, &three)));
    assert!(
        (columns.iter()).any(|&m| saturday(m, 0) && !saturday(m, 1) && saturday(m, 2)),
        "{} columns",
        columns.len()
    );
}
