//! Stage 2 over several weeks (a horizon of 14, 21 or 28 days): the day patterns of a
//! tour can run to millions (56 patterns a week for four or five days of seven make
//! 9.8 million over four weeks), so the tours are not listed but chosen as paths through
//! a layered network, one layer per week:
//!
//! - a **node** of week `w` is a week pattern `p` ([`patterns::week_patterns`], its days
//!   the group is not closed throughout) together with a weekend state `s` (weekends in a
//!   row not off so far, below the rule's `every`; always 0 without the rule);
//! - the node's **class** is what the next week needs to know of it: whether its last day
//!   is worked, the length of its last run, and `s`;
//! - an **arc** leads from a class of week `w` to a node `(q, s')` of week `w + 1` when `q`
//!   [`patterns::joins`] the class's patterns and the weekend ending in week `w + 1` (if
//!   any) gives `s' < every`.
//!
//! A path from week 0 to the last week is one allowed tour (the runs across weeks are
//! checked at every join, the weeks' days by each pattern, the weekend rule by the
//! states), and every allowed tour is a path. The covering program: integer people per
//! node and per arc, people kept along the arcs (a class's people leave it on its arcs, a
//! node's people arrived on arcs into it), on each day at least the need, at least paid
//! hours (days × hours, plus a little per person). Its paths are the people's patterns.
//! When the backend returns no whole answer, a greedy cover stands in: one person at a
//! time on the path that covers the most still-short days (a longest path over the
//! layers).

use super::super::backend::{self, Solver};
use super::patterns::{self, PatternRules};
use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};
use std::collections::HashMap;

/// A cover over several weeks.
pub struct WeeksProblem<'a> {
    /// People needed on each day (7 × weeks days).
    pub need: &'a [u32],
    /// The contract's rules over the horizon (`n_days` 14, 21 or 28).
    pub rules: &'a PatternRules,
    /// Days (bit `d`: day `d`) on which the group is closed throughout: no week pattern
    /// works them, unless every pattern of that week does.
    pub closed_days: u32,
    /// Paid hours of a worked day.
    pub day_hours: f64,
    /// The backend.
    pub solver: Solver,
    /// Relative gap.
    pub gap: f64,
    /// Seconds at most.
    pub time_limit: f64,
}

/// The people's patterns (one per person) and how they were found (`MIP`, or
/// `greedy cover (MIP: <why>)`).
#[derive(Clone, Debug, PartialEq)]
pub struct WeeksCover {
    /// One day pattern over the horizon per person.
    pub people: Vec<u32>,
    /// Where the answer came from.
    pub path: String,
}

/// What the week after a node needs to know of it.
type ClassKey = (bool, u32, u32);

/// One join between week `w` and week `w + 1`.
struct Join {
    /// Per node of week `w`: its class.
    class_of: Vec<usize>,
    /// Classes.
    n_classes: usize,
    /// `(class, node of week w + 1)`.
    arcs: Vec<(usize, usize)>,
}

/// The layered network of a horizon's weeks.
struct Net {
    /// Per week: its nodes `(week pattern, weekend state)`.
    nodes: Vec<Vec<(u32, u32)>>,
    /// Per join (weeks − 1).
    joins: Vec<Join>,
}

/// The last run of week pattern `p`: whether worked, and its length.
fn last_run(p: u32) -> (bool, u32) {
    let worked = p >> 6 & 1 == 1;
    let len = (0..7)
        .rev()
        .take_while(|&d| (p >> d & 1 == 1) == worked)
        .count();
    (worked, len as u32)
}

/// The weekend state after week `w` worked on `q` (the week before ending on a worked
/// day when `prev_last_worked`), from state `s`; `None` when it breaks the rule.
fn weekend_step(
    rules: &PatternRules,
    w: u32,
    q: u32,
    prev_last_worked: bool,
    s: u32,
) -> Option<u32> {
    let Some(rule) = rules.weekends else {
        return Some(0);
    };
    let Some(&sat) = (rules.saturdays().iter()).find(|&&sat| (sat + 1) / 7 == w) else {
        return Some(s);
    };
    let sat_off = if sat / 7 == w {
        q >> (sat % 7) & 1 == 0
    } else {
        !prev_last_worked
    };
    let sun_off = q >> ((sat + 1) % 7) & 1 == 0;
    let next = if sat_off && sun_off { 0 } else { s + 1 };
    (next < rule.every.max(1)).then_some(next)
}

/// The week patterns of week `w`: those working no day the group is closed throughout,
/// or all of them when each works one.
fn open_weeks(rules: &PatternRules, closed_days: u32, w: u32) -> Vec<u32> {
    let all = patterns::week_patterns(rules);
    let closed = closed_days >> (7 * w) & 0x7f;
    let open: Vec<u32> = all.iter().copied().filter(|m| m & closed == 0).collect();
    if open.is_empty() { all } else { open }
}

/// The columns of the anchored stage and of the tour-aware shifts over several weeks,
/// with their costs: the tours over several weeks run to thousands (1,325 for five days
/// with two off in a row over four weeks), too many for those programs within their time
/// limits, so they get the day patterns given (`known`: stage 2's, the tour-aware
/// shifts'), every tour of two weeks repeated over three or four (when at most
/// [`super::JOINT_TOURS`])
/// and every allowed week
/// repeated over the horizon (a person working the same days each week), none working a
/// day of `closed` unless all do.
pub fn columns(
    rules: &PatternRules,
    closed: u32,
    known: &[u32],
    day_hours: f64,
) -> (Vec<u32>, Vec<f64>) {
    let week = PatternRules {
        n_days: 7,
        weekends: None,
        ..*rules
    };
    let weeks = rules.weeks();
    // `m` (a tour of `block` weeks) repeated and cut to the horizon.
    let full = (1u64 << rules.n_days) - 1;
    let repeat = |m: u32, block: u32| {
        let all =
            (0..weeks.div_ceil(block)).fold(0u64, |all, b| all | (m as u64) << (7 * block * b));
        (all & full) as u32
    };
    let repeated = (patterns::enumerate(&week).into_iter())
        .map(|m| repeat(m, 1))
        .filter(|&m| patterns::allowed(m, rules));
    // Every tour of two weeks, repeated and cut to the horizon (a fortnight's rotation),
    // when they are few: a weekend rule may allow no week repeated that works a weekend
    // day, and the fortnights then hold the alternating weekends. (Three-week blocks over
    // four weeks too: 2.4 times the memory, no cheaper.)
    let blocks = (2..weeks)
        .take(1)
        .flat_map(|b| {
            let block = PatternRules {
                n_days: 7 * b,
                ..*rules
            };
            (patterns::enumerate_capped(&block, super::JOINT_TOURS).unwrap_or_default())
                .into_iter()
                .map(move |m| repeat(m, b))
        })
        .filter(|&m| patterns::allowed(m, rules));
    let mut all: Vec<u32> = (known.iter().copied())
        .chain(repeated)
        .chain(blocks)
        .collect();
    all.sort_unstable();
    all.dedup();
    let open: Vec<u32> = all.iter().copied().filter(|m| m & closed == 0).collect();
    let patterns = if open.is_empty() { all } else { open };
    let cost = (patterns.iter())
        .map(|m| m.count_ones() as f64 * day_hours.max(1e-3) + 1e-3)
        .collect();
    (patterns, cost)
}

impl Net {
    /// The network of `rules` (its weeks), nodes reached from week 0 only.
    fn build(rules: &PatternRules, closed_days: u32) -> Net {
        let weeks = rules.weeks();
        let first: Vec<(u32, u32)> = (open_weeks(rules, closed_days, 0).into_iter())
            .filter_map(|p| weekend_step(rules, 0, p, true, 0).map(|s| (p, s)))
            .collect();
        let mut nodes = vec![first];
        let mut joins = Vec::new();
        for w in 1..weeks {
            let prev = &nodes[w as usize - 1];
            let mut classes: HashMap<ClassKey, usize> = HashMap::new();
            let mut reps: Vec<(u32, u32)> = Vec::new();
            let class_of: Vec<usize> = (prev.iter())
                .map(|&(p, s)| {
                    let (worked, len) = last_run(p);
                    *classes.entry((worked, len, s)).or_insert_with(|| {
                        reps.push((p, s));
                        reps.len() - 1
                    })
                })
                .collect();
            let week = open_weeks(rules, closed_days, w);
            let mut next: Vec<(u32, u32)> = Vec::new();
            let mut index: HashMap<(u32, u32), usize> = HashMap::new();
            let mut arcs = Vec::new();
            for (c, &(p, s)) in reps.iter().enumerate() {
                for &q in &week {
                    if !patterns::joins(p, q, rules) {
                        continue;
                    }
                    let Some(s2) = weekend_step(rules, w, q, p >> 6 & 1 == 1, s) else {
                        continue;
                    };
                    let m = *index.entry((q, s2)).or_insert_with(|| {
                        next.push((q, s2));
                        next.len() - 1
                    });
                    arcs.push((c, m));
                }
            }
            joins.push(Join {
                class_of,
                n_classes: reps.len(),
                arcs,
            });
            nodes.push(next);
        }
        Net { nodes, joins }
    }

    /// Per week, per node: whether some path through it reaches the last week.
    fn alive(&self) -> Vec<Vec<bool>> {
        let weeks = self.nodes.len();
        let mut alive: Vec<Vec<bool>> = self.nodes.iter().map(|w| vec![true; w.len()]).collect();
        for w in (0..weeks - 1).rev() {
            let j = &self.joins[w];
            let mut class_alive = vec![false; j.n_classes];
            for &(c, m) in &j.arcs {
                class_alive[c] |= alive[w + 1][m];
            }
            alive[w] = j.class_of.iter().map(|&c| class_alive[c]).collect();
        }
        alive
    }

    /// The day pattern of the path through `path` (a node index per week).
    fn mask(&self, path: &[usize]) -> u32 {
        (path.iter().enumerate()).fold(0, |m, (w, &n)| m | self.nodes[w][n].0 << (7 * w))
    }
}

/// Days (bit `d`: day `d`) that some allowed tour of `rules` works, with the group
/// closed throughout on `closed_days` (see [`WeeksProblem::closed_days`]).
pub fn workable_days(rules: &PatternRules, closed_days: u32) -> u32 {
    let net = Net::build(rules, closed_days);
    let alive = net.alive();
    let mut days = 0;
    for (w, week) in net.nodes.iter().enumerate() {
        for (&(q, _), &a) in week.iter().zip(&alive[w]) {
            if a {
                days |= q << (7 * w);
            }
        }
    }
    days
}

/// Solves `p`. A day no tour works is left out (nobody can cover it).
pub fn solve(p: &WeeksProblem) -> WeeksCover {
    let net = Net::build(p.rules, p.closed_days);
    let alive = net.alive();
    let coverable: Vec<u32> = (p.need.iter().enumerate())
        .map(|(d, &n)| {
            let w = d / 7;
            let works = (net.nodes.get(w).into_iter().flatten().zip(&alive[w]))
                .any(|(&(q, _), &a)| a && q >> (d % 7) & 1 == 1);
            if works { n } else { 0 }
        })
        .collect();
    if coverable.iter().all(|&n| n == 0) {
        return WeeksCover {
            people: Vec::new(),
            path: "MIP".into(),
        };
    }
    match solve_mip(p, &net, &coverable) {
        Ok(people) => WeeksCover {
            people,
            path: "MIP".into(),
        },
        Err(why) => WeeksCover {
            people: greedy(p, &net, &coverable),
            path: format!("greedy cover (MIP: {why})"),
        },
    }
}

/// The covering program over the network; its paths.
fn solve_mip(p: &WeeksProblem, net: &Net, need: &[u32]) -> Result<Vec<u32>, String> {
    // A node may carry more people than any day needs (people bound for a later week
    // pass through it), never more than all the need.
    let most = need.iter().sum::<u32>() as f64;
    let mut vars = ProblemVariables::new();
    let (xs, arcs, mut constraints) = flow(net, &mut vars, true, most);
    let mut objective = Expression::from(0.0);
    for (w, week) in net.nodes.iter().enumerate() {
        for (&(q, _), &x) in week.iter().zip(&xs[w]) {
            let person = if w == 0 { 1e-3 } else { 0.0 };
            objective += (q.count_ones() as f64 * p.day_hours.max(1e-3) + person) * x;
        }
    }
    for (d, &n) in need.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let mut on = Expression::from(0.0);
        for (&(q, _), &x) in net.nodes[d / 7].iter().zip(&xs[d / 7]) {
            if q >> (d % 7) & 1 == 1 {
                on += x;
            }
        }
        constraints.push(constraint!(on >= n as f64));
    }
    let all: Vec<Variable> = xs.iter().chain(&arcs).flatten().copied().collect();
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
    let outcome = backend::solve(p.solver, program, &all, &settings)?;
    if let Some((_, v)) = backend::first_fractional(&outcome.values, 1e-6) {
        return Err(format!(
            "a non-integral cover ({v} people on a week pattern)"
        ));
    }
    let whole: Vec<u32> = (outcome.values.iter())
        .map(|v| v.round().max(0.0) as u32)
        .collect();
    let n_nodes: usize = xs.iter().map(Vec::len).sum();
    let people = decompose(net, &whole[..xs[0].len()], &whole[n_nodes..])?;
    if short(need, &people) {
        return Err("its cover leaves a day short".into());
    }
    Ok(people)
}

/// Variables of `net`'s people per node and per arc (whole numbers when `whole`, at most
/// `most`), and the constraints that keep them: a class's people leave it on its arcs, a
/// node's people arrived on arcs into it.
#[allow(clippy::type_complexity)]
fn flow(
    net: &Net,
    vars: &mut ProblemVariables,
    whole: bool,
    most: f64,
) -> (
    Vec<Vec<Variable>>,
    Vec<Vec<Variable>>,
    Vec<good_lp::Constraint>,
) {
    let mut add = || {
        let v = variable().min(0).max(most);
        vars.add(if whole { v.integer() } else { v })
    };
    let xs: Vec<Vec<Variable>> = (net.nodes.iter())
        .map(|week| week.iter().map(|_| add()).collect())
        .collect();
    let arcs: Vec<Vec<Variable>> = (net.joins.iter())
        .map(|j| j.arcs.iter().map(|_| add()).collect())
        .collect();
    let mut constraints = Vec::new();
    for (w, j) in net.joins.iter().enumerate() {
        let mut out = vec![Expression::from(0.0); j.n_classes];
        let mut into = vec![Expression::from(0.0); net.nodes[w + 1].len()];
        for (&(c, m), &a) in j.arcs.iter().zip(&arcs[w]) {
            out[c] += a;
            into[m] += a;
        }
        let mut at = vec![Expression::from(0.0); j.n_classes];
        for (&c, &x) in j.class_of.iter().zip(&xs[w]) {
            at[c] += x;
        }
        for (a, o) in at.into_iter().zip(out) {
            constraints.push(constraint!(a == o));
        }
        for (i, &x) in into.into_iter().zip(&xs[w + 1]) {
            constraints.push(constraint!(i == x));
        }
    }
    (xs, arcs, constraints)
}

/// One contract's people over several weeks as a flow through the weekly network:
/// every allowed tour without listing them (see the module's description).
pub struct NetPeople {
    /// Per day of the horizon: the people working it.
    pub per_day: Vec<Expression>,
    /// The people (each starts on a node of week 0).
    pub people: Expression,
    /// The flow's constraints.
    pub constraints: Vec<good_lp::Constraint>,
}

/// [`NetPeople`] of `rules` (with the group closed throughout on `closed_days`), its
/// variables added to `vars`: whole numbers when `whole`, each at most `most`.
pub fn net_people(
    rules: &PatternRules,
    closed_days: u32,
    vars: &mut ProblemVariables,
    whole: bool,
    most: f64,
) -> NetPeople {
    let net = Net::build(rules, closed_days);
    let (xs, _, constraints) = flow(&net, vars, whole, most);
    let per_day = (0..rules.n_days as usize)
        .map(|d| {
            let mut on = Expression::from(0.0);
            for (&(q, _), &x) in net.nodes[d / 7].iter().zip(&xs[d / 7]) {
                if q >> (d % 7) & 1 == 1 {
                    on += x;
                }
            }
            on
        })
        .collect();
    let people = xs[0].iter().map(|&x| Expression::from(x)).sum();
    NetPeople {
        per_day,
        people,
        constraints,
    }
}

/// The paths of a flow: people on week 0's nodes (`first`), then on every join's arcs in
/// order (`arc_flow`); each person follows arcs with people left on them.
fn decompose(net: &Net, first: &[u32], arc_flow: &[u32]) -> Result<Vec<u32>, String> {
    let mut offset = 0;
    let mut left: Vec<Vec<u32>> = Vec::new();
    for j in &net.joins {
        left.push(arc_flow[offset..offset + j.arcs.len()].to_vec());
        offset += j.arcs.len();
    }
    let mut people = Vec::new();
    for (n, &k) in first.iter().enumerate() {
        for _ in 0..k {
            let mut path = vec![n];
            for (w, j) in net.joins.iter().enumerate() {
                let c = j.class_of[path[w]];
                let a = (0..j.arcs.len())
                    .find(|&a| j.arcs[a].0 == c && left[w][a] > 0)
                    .ok_or("its people are not kept from week to week")?;
                left[w][a] -= 1;
                path.push(j.arcs[a].1);
            }
            people.push(net.mask(&path));
        }
    }
    Ok(people)
}

/// Whether the `people` (day patterns) leave a day of `need` short.
fn short(need: &[u32], people: &[u32]) -> bool {
    (need.iter().enumerate())
        .any(|(d, &n)| people.iter().filter(|&&m| m >> d & 1 == 1).count() < n as usize)
}

/// A greedy cover: one person at a time on the path covering the most still-short days
/// (fewest days worked among those), until no day is short.
fn greedy(p: &WeeksProblem, net: &Net, need: &[u32]) -> Vec<u32> {
    let mut left = need.to_vec();
    let mut people = Vec::new();
    while left.iter().any(|&n| n > 0) {
        let Some(path) = best_path(net, &left, p.day_hours) else {
            break;
        };
        let mask = net.mask(&path);
        for (d, n) in left.iter_mut().enumerate() {
            if mask >> d & 1 == 1 {
                *n = n.saturating_sub(1);
            }
        }
        people.push(mask);
    }
    people
}

/// The path covering the most days of `left` (less a little per day worked), when it
/// covers any: a longest path, week by week from the last.
fn best_path(net: &Net, left: &[u32], day_hours: f64) -> Option<Vec<usize>> {
    let weeks = net.nodes.len();
    let gain = |w: usize, q: u32| {
        (0..7)
            .filter(|&d| q >> d & 1 == 1)
            .map(|d| if left[7 * w + d] > 0 { 1.0 } else { 0.0 } - 1e-4 * day_hours.max(1e-3))
            .sum::<f64>()
    };
    // value[w][n]: the best gain from node n of week w to the end; next[w][n]: its arc.
    let mut value: Vec<Vec<f64>> = vec![Vec::new(); weeks];
    let mut next: Vec<Vec<Option<usize>>> = vec![Vec::new(); weeks];
    value[weeks - 1] = (net.nodes[weeks - 1].iter())
        .map(|&(q, _)| gain(weeks - 1, q))
        .collect();
    next[weeks - 1] = vec![None; net.nodes[weeks - 1].len()];
    for w in (0..weeks - 1).rev() {
        let j = &net.joins[w];
        let mut class_best: Vec<Option<(f64, usize)>> = vec![None; j.n_classes];
        for &(c, m) in &j.arcs {
            let v = value[w + 1][m];
            if class_best[c].is_none_or(|(b, _)| v > b) {
                class_best[c] = Some((v, m));
            }
        }
        let (vals, nexts) = (net.nodes[w].iter().enumerate())
            .map(|(n, &(q, _))| match class_best[j.class_of[n]] {
                Some((v, m)) => (gain(w, q) + v, Some(m)),
                None => (f64::NEG_INFINITY, None),
            })
            .unzip();
        value[w] = vals;
        next[w] = nexts;
    }
    let (start, &v) = value[0]
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))?;
    if v <= 0.0 {
        return None;
    }
    let mut path = vec![start];
    for w in 0..weeks - 1 {
        path.push(next[w][path[w]]?);
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::super::cover;
    use super::*;
    use crate::model::patterns::Weekends;

    fn rules(
        days: (u32, u32),
        off: u32,
        most: Option<u32>,
        weekends: Option<(u32, u32)>,
    ) -> PatternRules {
        PatternRules {
            n_days: 14,
            days,
            consecutive_days_off: off,
            max_consecutive_days: most,
            weekends: weekends.map(|(every, first_saturday)| Weekends {
                every,
                first_saturday,
            }),
        }
    }

    /// The least paid days of a cover by the listed patterns (the covering program over
    /// every pattern, which is small over two weeks).
    fn listed_days(need: &[u32], rules: &PatternRules) -> u32 {
        let pats = patterns::enumerate(rules);
        let cost: Vec<f64> = pats.iter().map(|m| m.count_ones() as f64 + 1e-3).collect();
        let c = cover::solve(&cover::CoverProblem {
            need,
            patterns: &pats,
            cost: &cost,
            solver: Solver::Microlp,
            gap: 0.0,
            time_limit: 60.0,
        });
        assert_eq!(c.path, "MIP");
        pats.iter()
            .zip(&c.people)
            .map(|(m, &k)| m.count_ones() * k)
            .sum()
    }

    fn needs() -> Vec<Vec<u32>> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..6)
            .map(|_| {
                (0..14)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (state % 7) as u32
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_network_finds_the_listed_patterns_least_cover_and_keeps_every_rule() {
        let cases = [
            rules((5, 5), 2, None, None),
            rules((4, 5), 1, None, Some((2, 5))),
            rules((3, 5), 2, Some(5), Some((1, 6))),
            rules((4, 6), 1, Some(6), Some((2, 0))),
        ];
        for r in cases {
            for need in needs() {
                let found = solve(&WeeksProblem {
                    need: &need,
                    rules: &r,
                    closed_days: 0,
                    day_hours: 1.0,
                    solver: Solver::Microlp,
                    gap: 0.0,
                    time_limit: 60.0,
                });
                assert_eq!(found.path, "MIP", "{r:?} {need:?}");
                // Days no allowed tour works are left out (a weekend every weekend).
                let listed = patterns::enumerate(&r);
                let coverable: Vec<u32> = (need.iter().enumerate())
                    .map(|(d, &n)| {
                        if listed.iter().any(|m| m >> d & 1 == 1) {
                            n
                        } else {
                            0
                        }
                    })
                    .collect();
                assert!(!short(&coverable, &found.people), "{r:?} {need:?}");
                for &m in &found.people {
                    assert!(patterns::allowed(m, &r), "{m:014b} breaks {r:?}");
                }
                let days: u32 = found.people.iter().map(|m| m.count_ones()).sum();
                assert_eq!(days, listed_days(&need, &r), "{r:?} {need:?}");
            }
        }
    }

    #[test]
    fn the_greedy_cover_covers_and_keeps_every_rule() {
        let r = PatternRules {
            n_days: 28,
            ..rules((4, 5), 2, Some(6), Some((2, 5)))
        };
        let need: Vec<u32> = (0..28).map(|d| [5, 4, 4, 4, 6, 2, 1][d % 7]).collect();
        let net = Net::build(&r, 0);
        let people = greedy(
            &WeeksProblem {
                need: &need,
                rules: &r,
                closed_days: 0,
                day_hours: 8.0,
                solver: Solver::Microlp,
                gap: 0.0,
                time_limit: 1.0,
            },
            &net,
            &need,
        );
        assert!(!short(&need, &people));
        assert!(people.iter().all(|&m| patterns::allowed(m, &r)));
        // Weekly days of 4 or 5 and the week's busiest day: at least 6 people.
        assert!(people.len() >= 6);
    }

    #[test]
    fn closed_days_are_not_worked_over_several_weeks() {
        let r = PatternRules {
            n_days: 21,
            ..rules((4, 5), 1, None, None)
        };
        // Closed every Sunday (days 6, 13, 20).
        let closed = 1 << 6 | 1 << 13 | 1 << 20;
        let need: Vec<u32> = (0..21).map(|d| if d % 7 == 6 { 0 } else { 3 }).collect();
        let found = solve(&WeeksProblem {
            need: &need,
            rules: &r,
            closed_days: closed,
            day_hours: 8.0,
            solver: Solver::Microlp,
            gap: 0.0,
            time_limit: 30.0,
        });
        assert!(!short(&need, &found.people));
        assert!(found.people.iter().all(|&m| m & closed == 0));
        // 18 person-days a week need at least 4 people on five days.
        assert_eq!(found.people.len(), 4);
    }
}
