//! Stage 2 of the tours: how many people work each allowed day pattern so that on every
//! day at least the shifts of that day have a person, at least cost — a covering integer
//! program (one integer variable per pattern, one constraint per day), solved through
//! [`super::super::backend`] (microlp or CBC) with a gap and a time limit; when the backend
//! returns no whole answer, a greedy cover of the need stands in.

use super::super::backend::{self, Solver};
use good_lp::{Expression, ProblemVariables, constraint, variable};

/// A days cover problem.
pub struct CoverProblem<'a> {
    /// People needed on each day of the horizon.
    pub need: &'a [u32],
    /// The allowed day patterns (bit `d`: day `d` is worked).
    pub patterns: &'a [u32],
    /// Cost of one person on each pattern.
    pub cost: &'a [f64],
    /// The backend.
    pub solver: Solver,
    /// Relative gap at which to stop.
    pub gap: f64,
    /// Seconds at most.
    pub time_limit: f64,
}

/// People per pattern, how they were found (`MIP` or `greedy cover (MIP: <why>)`), and
/// the days whose need no pattern can cover (left short).
#[derive(Clone, Debug, PartialEq)]
pub struct Cover {
    /// People on each pattern, in the problem's order.
    pub people: Vec<u32>,
    /// Where the answer came from.
    pub path: String,
}

/// Solves `p`. A day no pattern works is left out (nobody can cover it).
pub fn solve(p: &CoverProblem) -> Cover {
    let coverable: Vec<u32> = (p.need.iter().enumerate())
        .map(|(d, &n)| {
            if p.patterns.iter().any(|m| m >> d & 1 == 1) {
                n
            } else {
                0
            }
        })
        .collect();
    if p.patterns.is_empty() || coverable.iter().all(|&n| n == 0) {
        return Cover {
            people: vec![0; p.patterns.len()],
            path: "MIP".into(),
        };
    }
    match solve_mip(p, &coverable) {
        Ok(people) => Cover {
            people,
            path: "MIP".into(),
        },
        Err(why) => Cover {
            people: greedy(p, &coverable),
            path: format!("greedy cover (MIP: {why})"),
        },
    }
}

fn solve_mip(p: &CoverProblem, need: &[u32]) -> Result<Vec<u32>, String> {
    let mut vars = ProblemVariables::new();
    let most = need.iter().copied().max().unwrap_or(0) as f64;
    let ys: Vec<_> = (p.patterns.iter())
        .map(|_| vars.add(variable().integer().min(0).max(most)))
        .collect();
    let mut objective = Expression::from(0.0);
    for (y, &c) in ys.iter().zip(p.cost) {
        objective += c * *y;
    }
    let mut constraints = Vec::new();
    for (d, &n) in need.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let mut on = Expression::from(0.0);
        for (y, m) in ys.iter().zip(p.patterns) {
            if m >> d & 1 == 1 {
                on += *y;
            }
        }
        constraints.push(constraint!(on >= n as f64));
    }
    let program = backend::Program {
        vars,
        objective,
        constraints,
    };
    let settings = backend::Settings {
        gap: p.gap,
        time_limit: p.time_limit,
        start: Vec::new(),
    };
    let outcome = backend::solve(p.solver, program, &ys, &settings)?;
    if let Some((_, v)) = backend::first_fractional(&outcome.values, 1e-6) {
        return Err(format!("a non-integral cover ({v} people on a pattern)"));
    }
    let people: Vec<u32> = (outcome.values.iter())
        .map(|v| v.round().max(0.0) as u32)
        .collect();
    if short_days(need, p.patterns, &people) {
        return Err("its cover leaves a day short".into());
    }
    Ok(people)
}

/// Whether `people` on `patterns` leave a day of `need` short.
fn short_days(need: &[u32], patterns: &[u32], people: &[u32]) -> bool {
    need.iter().enumerate().any(|(d, &n)| {
        let on: u32 = (patterns.iter().zip(people))
            .filter(|(m, _)| *m >> d & 1 == 1)
            .map(|(_, &k)| k)
            .sum();
        on < n
    })
}

/// A greedy cover: one person at a time on the pattern that covers the most still-short
/// days per unit of cost, until no day is short.
fn greedy(p: &CoverProblem, need: &[u32]) -> Vec<u32> {
    let mut left = need.to_vec();
    let mut people = vec![0u32; p.patterns.len()];
    while left.iter().any(|&n| n > 0) {
        let gain = |m: u32| {
            (0..left.len())
                .filter(|&d| m >> d & 1 == 1 && left[d] > 0)
                .count()
        };
        let best = (0..p.patterns.len())
            .filter(|&i| gain(p.patterns[i]) > 0)
            .max_by(|&a, &b| {
                let va = gain(p.patterns[a]) as f64 / p.cost[a].max(1e-9);
                let vb = gain(p.patterns[b]) as f64 / p.cost[b].max(1e-9);
                va.total_cmp(&vb).then(b.cmp(&a))
            });
        let Some(i) = best else { break };
        people[i] += 1;
        for (d, n) in left.iter_mut().enumerate() {
            if p.patterns[i] >> d & 1 == 1 {
                *n = n.saturating_sub(1);
            }
        }
    }
    people
}

#[cfg(test)]
/// Baker (1974), the (5, 7) cyclic days-off problem with two consecutive days off:
/// the least workforce is the largest of the busiest day's need, ⌈total / 5⌉, and,
/// over every three pairwise non-adjacent days a, a+2, a+4 of the cyclic week,
/// ⌈(total − r_a − r_{a+2} − r_{a+4}) / 3⌉ (each person is off on one pair of
/// adjacent days: x_{d-1} + x_d ≤ W − r_d; four such pairs cover the seven patterns).
pub(super) fn baker_closed_form(r: &[u32; 7]) -> u32 {
    let total: u32 = r.iter().sum();
    let b1 = *r.iter().max().unwrap();
    let b2 = total.div_ceil(5);
    let b3 = (0..7)
        .map(|a| (total - r[a] - r[(a + 2) % 7] - r[(a + 4) % 7]).div_ceil(3))
        .max()
        .unwrap();
    b1.max(b2).max(b3)
}

#[cfg(test)]
mod tests {
    use super::super::patterns::{PatternRules, enumerate};
    use super::*;

    /// The least workforce by exhaustive search: the smallest W for which some
    /// distribution of W people over the seven patterns covers every day.
    fn baker_exhaustive(r: &[u32; 7]) -> u32 {
        let patterns = enumerate(&baker_rules());
        let mut w = 0;
        loop {
            if distributions(w, patterns.len()).any(|x| !short_days(r, &patterns, &x)) {
                return w;
            }
            w += 1;
        }
    }

    /// Every way of putting `w` people on `k` patterns.
    fn distributions(w: u32, k: usize) -> Box<dyn Iterator<Item = Vec<u32>>> {
        if k == 1 {
            return Box::new(std::iter::once(vec![w]));
        }
        Box::new((0..=w).flat_map(move |first| {
            distributions(w - first, k - 1).map(move |mut rest| {
                rest.insert(0, first);
                rest
            })
        }))
    }

    fn baker_rules() -> PatternRules {
        PatternRules {
            n_days: 7,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: None,
        }
    }

    fn solve_baker(r: &[u32; 7], solver: Solver) -> u32 {
        let patterns = enumerate(&baker_rules());
        let cost = vec![5.0; patterns.len()];
        let cover = solve(&CoverProblem {
            need: r,
            patterns: &patterns,
            cost: &cost,
            solver,
            gap: 1e-6,
            time_limit: 10.0,
        });
        assert_eq!(cover.path, "MIP");
        assert!(!short_days(r, &patterns, &cover.people));
        cover.people.iter().sum()
    }

    #[test]
    fn baker_s_least_workforce_equals_the_closed_form_and_an_exhaustive_search() {
        let cases: [([u32; 7], u32); 6] = [
            ([3, 3, 3, 3, 3, 3, 3], 5), // ⌈21/5⌉ binds
            ([8, 2, 2, 2, 2, 2, 2], 8), // the busiest day binds
            ([5, 5, 5, 5, 5, 1, 1], 6), // Mon–Fri busy, a quiet weekend: ⌈27/5⌉
            ([3, 3, 0, 3, 0, 3, 0], 4), // the third bound: (12 − 0) / 3 > 3
            ([4, 1, 4, 1, 4, 1, 4], 6), // the third bound: ⌈(19 − 3) / 3⌉
            ([6, 6, 1, 6, 1, 6, 1], 8), // the third bound: (27 − 3) / 3
        ];
        for (r, expected) in cases {
            let closed = baker_closed_form(&r);
            assert_eq!(closed, baker_exhaustive(&r), "{r:?}");
            assert_eq!(closed, expected, "{r:?}");
            assert_eq!(solve_baker(&r, Solver::Microlp), closed, "{r:?}");
        }
    }

    #[test]
    fn the_third_bound_binds_where_the_other_two_do_not() {
        // Busy on four days of which every pair of adjacent days holds one.
        let r = [3, 3, 0, 3, 0, 3, 0];
        let total: u32 = r.iter().sum();
        assert!(r.iter().max().unwrap().max(&total.div_ceil(5)) < &baker_closed_form(&r));
    }

    #[test]
    fn seeded_need_vectors_agree_with_the_closed_form_and_exhaustive_search() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |m: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % (m as u64 + 1)) as u32
        };
        for _ in 0..40 {
            let r: [u32; 7] = std::array::from_fn(|_| next(6));
            let closed = baker_closed_form(&r);
            assert_eq!(closed, baker_exhaustive(&r), "{r:?}");
            assert_eq!(solve_baker(&r, Solver::Microlp), closed, "{r:?}");
            if Solver::Cbc.built() {
                assert_eq!(solve_baker(&r, Solver::Cbc), closed, "{r:?}");
            }
        }
    }

    #[test]
    fn the_greedy_cover_covers_every_day() {
        let patterns = enumerate(&baker_rules());
        let r = [5, 5, 5, 5, 5, 1, 1];
        let cost = vec![5.0; 7];
        let p = CoverProblem {
            need: &r,
            patterns: &patterns,
            cost: &cost,
            solver: Solver::Microlp,
            gap: 0.01,
            time_limit: 1.0,
        };
        let people = greedy(&p, &r);
        assert!(!short_days(&r, &patterns, &people));
        assert!(people.iter().sum::<u32>() >= baker_closed_form(&r));
    }
}
