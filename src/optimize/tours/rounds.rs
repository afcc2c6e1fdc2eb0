//! Stage 2 then 3 without anchors ([`super::stages`]): rounds of a days cover (the
//! covering program within a week, the weeks' network over several) and stage 3 in
//! several orders of the people, each round's unplaced shifts raising the next cover's
//! need.

use super::assign::{self, AssignProblem};
use super::{
    COVER_TIME_LIMIT, Found, ORDERS, ROUNDS, Rank, Stages, WEEKS_TIME_LIMIT, cover, weeks,
};

/// Stage 2's people (one day pattern each) and how they were found.
pub(super) type People = (Vec<u32>, String);

/// Stage 2 for `need` (people per day): the covering program over `patterns` within a
/// week, over the weeks' network ([`weeks`]) on a longer horizon.
fn cover_people(p: &Stages, patterns: &[u32], cost: &[f64], need: &[u32]) -> People {
    let time_limit = p.time_limit.min(COVER_TIME_LIMIT);
    if p.rules.n_days > 7 {
        let c = weeks::solve(&weeks::WeeksProblem {
            need,
            rules: p.rules,
            closed_days: p.closed_days,
            day_hours: p.day_hours,
            solver: p.solver,
            gap: p.gap,
            time_limit: p.time_limit.min(WEEKS_TIME_LIMIT),
        });
        return (c.people, c.path);
    }
    let c = cover::solve(&cover::CoverProblem {
        need,
        patterns,
        cost,
        solver: p.solver,
        gap: p.gap,
        time_limit,
    });
    let people = (patterns.iter().zip(&c.people))
        .flat_map(|(&m, &k)| std::iter::repeat_n(m, k as usize))
        .collect();
    (people, c.path)
}

/// One run of the rounds of [`super::stages`], handing out shifts in `directions`.
pub(super) fn rounds(
    p: &Stages,
    patterns: &[u32],
    cost: &[f64],
    directions: &[bool],
    covers: &mut Vec<(Vec<u32>, People)>,
) -> (Rank, Found) {
    let stage1: Vec<u32> = p.required.iter().map(|r| r.len() as u32).collect();
    let mut extra = vec![0u32; p.required.len()];
    let mut best: Option<(Rank, Found)> = None;
    for _ in 0..ROUNDS {
        let need: Vec<u32> = stage1.iter().zip(&extra).map(|(a, b)| a + b).collect();
        let found = match covers.iter().find(|(n, _)| *n == need) {
            Some((_, c)) => c.clone(),
            None => {
                let c = cover_people(p, patterns, cost, &need);
                covers.push((need.clone(), c.clone()));
                c
            }
        };
        let people = &found.0;
        let (rank, a) = best_order(p, people, directions);
        for (e, u) in extra.iter_mut().zip(&a.unplaced) {
            *e += u;
        }
        if best.as_ref().is_none_or(|b| rank < b.0) {
            let f = Found {
                tours: a.tours,
                unplaced: rank.0,
                dropped: rank.1,
                path: found.1,
            };
            best = Some((rank, f));
        }
        if rank.0 == 0 {
            break;
        }
    }
    best.expect("one round at least")
}

/// Stage 3 on `people` in every order and direction: the best assignment (people with
/// no day left out of its tours) and its rank.
fn best_order(p: &Stages, people: &[u32], directions: &[bool]) -> (Rank, assign::Assignment) {
    let mut round_best: Option<(Rank, assign::Assignment)> = None;
    for order in 0..ORDERS {
        for &earliest_first in directions {
            let a = assign::assign(&AssignProblem {
                rules: p.rules,
                min_rest: p.min_rest,
                start_band: p.start_band,
                required: p.required,
                options: p.options,
                people: &ordered(people, order),
                earliest_first,
            });
            let mut tours = a.tours.clone();
            tours.retain(|t| t.worked() != 0);
            let days: u32 = tours.iter().map(|t| t.worked().count_ones()).sum();
            let rank = (a.unplaced.iter().sum(), a.dropped, days, tours.len());
            if round_best.as_ref().is_none_or(|b| rank < b.0) {
                round_best = Some((rank, assign::Assignment { tours, ..a }));
            }
        }
    }
    round_best.expect("one order at least")
}

/// The people (patterns) in one of [`ORDERS`] orders: as given, reversed, most days
/// first, fewest days first, then shuffled by a fixed seed per order (deterministic).
fn ordered(people: &[u32], order: usize) -> Vec<u32> {
    let mut out = people.to_vec();
    match order {
        0 => {}
        1 => out.reverse(),
        2 => out.sort_by_key(|m| std::cmp::Reverse(m.count_ones())),
        3 => out.sort_by_key(|m| m.count_ones()),
        _ => {
            // Fisher–Yates with xorshift64, seeded by the order.
            let mut state =
                0x9e37_79b9_7f4a_7c15u64 ^ (order as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            for i in (1..out.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                out.swap(i, (state % (i as u64 + 1)) as usize);
            }
        }
    }
    out
}
