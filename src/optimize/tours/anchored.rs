//! Stage 2 with a start band: people are split by **anchor**, a start time of day, and a
//! person of anchor `a` starts every shift of their tour in `[a, a + band]`, so any two of
//! their starts are within the band of each other (the band rule holds whatever day comes
//! first). One integer program chooses together how many people of each anchor work each
//! day pattern (`y[pattern][anchor]`) and which anchor takes each of stage 1's shifts
//! (`u[day][anchor][start]`): every shift goes to an anchor whose window holds its start,
//! and on every day an anchor has at least as many people working as shifts given to it.
//! A plain days cover (stage 2 without anchors) ignores the band, so that stage 3 then
//! finds people whose starts drift apart across the week and leaves shifts unplaced or
//! adds people; here stage 3 runs per anchor on shifts that already fit the band.
//!
//! This is the anchor (or "start-time band") formulation of implicit tour scheduling
//! restricted to stage 1's shifts (Jacobs and Brusco, "Overlapping start-time bands in
//! implicit tour scheduling", Management Science 42(9), 1996, in its non-overlapping
//! form). Solved through [`super::super::backend`] with the gap and time limit of the
//! stage; when it gives no whole answer the caller keeps the plain cover.

use super::super::backend;
use super::assign::{self, AssignProblem, DAY, DayShift};
use super::{Found, Stages};
use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};

/// Seconds the anchored program may take at most (its answer is checked against the plain
/// cover's, which stands when it has none).
const ANCHORED_TIME_LIMIT: f64 = 10.0;

/// The relative gap of the anchored program under microlp, at least: at the scenario's
/// 0.5 % its branch and bound ran to the time limit on half of a fortnight's chat groups
/// (10 s each, every roster round), at 2 % it stops by the gap.
const MICROLP_GAP: f64 = 0.02;

/// The anchored problem's indices: the anchors, and per day the distinct starts of its
/// required shifts with their counts.
struct Layout {
    /// Anchors (start times of day, seconds), ascending.
    anchors: Vec<f64>,
    /// Per day: `(start, shifts starting then)`.
    starts: Vec<Vec<(f64, u32)>>,
    /// Per day and anchor: whether a person of the anchor can work the day (some option
    /// or required shift starts in its window).
    workable: Vec<Vec<bool>>,
}

impl Layout {
    fn new(p: &Stages, band: f64) -> Layout {
        let mut anchors: Vec<f64> = (p.required.iter().chain(p.options))
            .flatten()
            .map(|s| s.start)
            .collect();
        anchors.sort_by(f64::total_cmp);
        anchors.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        let starts = (p.required.iter())
            .map(|day| {
                let mut v: Vec<(f64, u32)> = Vec::new();
                let mut s: Vec<f64> = day.iter().map(|x| x.start).collect();
                s.sort_by(f64::total_cmp);
                for t in s {
                    match v.last_mut() {
                        Some(last) if (last.0 - t).abs() < 1e-6 => last.1 += 1,
                        _ => v.push((t, 1)),
                    }
                }
                v
            })
            .collect();
        let workable = (p.required.iter().zip(p.options))
            .map(|(req, opt)| {
                (anchors.iter())
                    .map(|&a| req.iter().chain(opt).any(|s| in_window(s.start, a, band)))
                    .collect()
            })
            .collect();
        Layout {
            anchors,
            starts,
            workable,
        }
    }
}

/// The window of a start anchor for people of a contract with start band `band`, shifts
/// up to `longest` long and `min_rest` between them (seconds): the band, narrowed so that
/// any two starts within it keep the rest between consecutive days (a start at most
/// `window` earlier than yesterday's leaves `DAY − longest − window` of rest). Where rest
/// does not bind (the shipped contracts) it is the band.
pub fn anchor_window(band: f64, longest: f64, min_rest: f64) -> f64 {
    if min_rest <= 0.0 {
        return band;
    }
    band.min((DAY - longest - min_rest).max(0.0))
}

/// Whether `start` lies in the window of anchor `a`: `[a, a + band]`.
fn in_window(start: f64, a: f64, band: f64) -> bool {
    start >= a - 1e-6 && start <= a + band + 1e-6
}

/// People per (pattern, anchor), as the integer program found them.
type People = Vec<Vec<u32>>;

/// Shifts of each day given to each anchor: `[day][anchor]` → `(start, count)` list.
pub type Split = Vec<Vec<Vec<(f64, u32)>>>;

/// The anchored stage 2 and stage 3 per anchor, or why the program gave no answer.
/// `band`: the anchors' window (the start band, narrowed where the rest binds:
/// [`anchor_window`]); stage 3 checks the contract's own band and rest.
pub fn stages_anchored(
    p: &Stages,
    patterns: &[u32],
    cost: &[f64],
    band: f64,
) -> Result<Found, String> {
    let layout = Layout::new(p, band);
    let (people, split) = solve(p, patterns, cost, band, &layout)?;
    let by_anchor: Vec<Vec<u32>> = (0..layout.anchors.len())
        .map(|ai| {
            (patterns.iter().zip(&people))
                .flat_map(|(&m, per)| std::iter::repeat_n(m, per[ai] as usize))
                .collect()
        })
        .collect();
    Ok(place(
        p,
        &Plan {
            window: band,
            anchors: layout.anchors,
            people: by_anchor,
            split,
        },
        "anchored MIP",
    ))
}

/// An anchored stage 2 found elsewhere: the tour-aware shifts solved in two steps know
/// their people by anchor and day pattern and which anchor takes each shift
/// ([`super::joint::Solved::plans`]), and stage 3 can place them as they are (the
/// anchored program, solved again on their shifts at the stage's gap, may settle for a
/// cover up to the gap dearer).
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The anchors' window (seconds): a person of anchor `a` starts in `[a, a + window]`.
    pub window: f64,
    /// Anchors: start times of day (seconds).
    pub anchors: Vec<f64>,
    /// Per anchor: one day pattern per person.
    pub people: Vec<Vec<u32>>,
    /// Per day and anchor: `(start, shifts)` of the day's shifts given to the anchor.
    pub split: Split,
}

/// Stage 3 per anchor of `plan` on `p`'s shifts (each anchor's people given the shifts
/// the plan gives it; shifts given to no anchor, or to one with no people, unplaced);
/// `path` names the stage 2 that made it.
pub fn place(p: &Stages, plan: &Plan, path: &str) -> Found {
    let (band, split) = (plan.window, &plan.split);
    let mut tours = Vec::new();
    let mut unplaced = 0u32;
    let mut dropped = 0u32;
    // Each day's shifts not yet given to an anchor: shifts of one start that differ in
    // their breaks are given once each.
    let mut left: Vec<Vec<DayShift>> = p.required.to_vec();
    for (ai, &a) in plan.anchors.iter().enumerate() {
        let mine = &plan.people[ai];
        let required: Vec<Vec<DayShift>> = (left.iter_mut().enumerate())
            .map(|(d, day)| {
                (split.get(d).and_then(|s| s.get(ai))).map_or(Vec::new(), |s| take(day, s))
            })
            .collect();
        if mine.is_empty() {
            unplaced += required.iter().map(|r| r.len() as u32).sum::<u32>();
            continue;
        }
        let options: Vec<Vec<DayShift>> = (p.options.iter())
            .map(|day| {
                (day.iter())
                    .filter(|s| in_window(s.start, a, band))
                    .copied()
                    .collect()
            })
            .collect();
        // Both directions of handing out a day's shifts; the one placing more kept.
        let found = [false, true]
            .into_iter()
            .map(|earliest_first| {
                assign::assign(&AssignProblem {
                    rules: p.rules,
                    min_rest: p.min_rest,
                    start_band: p.start_band,
                    required: &required,
                    options: &options,
                    people: mine,
                    earliest_first,
                })
            })
            .min_by_key(|a| (a.unplaced.iter().sum::<u32>(), a.dropped))
            .expect("two directions");
        unplaced += found.unplaced.iter().sum::<u32>();
        dropped += found.dropped;
        tours.extend(found.tours.into_iter().filter(|t| t.worked() != 0));
    }
    // Shifts given to no anchor (on a day no pattern works) are unplaced.
    unplaced += left.iter().map(|d| d.len() as u32).sum::<u32>();
    Found {
        tours,
        unplaced,
        dropped,
        path: path.into(),
    }
}

/// Takes out of `day` (the shifts not yet given) those whose starts `counts` lists, as
/// many of each as it says.
fn take(day: &mut Vec<DayShift>, counts: &[(f64, u32)]) -> Vec<DayShift> {
    let mut out = Vec::new();
    for &(start, n) in counts {
        for _ in 0..n {
            match day.iter().position(|s| (s.start - start).abs() < 1e-6) {
                Some(at) => out.push(day.remove(at)),
                None => break,
            }
        }
    }
    out
}

/// Builds and solves the anchored program.
fn solve(
    p: &Stages,
    patterns: &[u32],
    cost: &[f64],
    band: f64,
    l: &Layout,
) -> Result<(People, Split), String> {
    let n_days = p.required.len();
    let most = p.required.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let mut vars = ProblemVariables::new();
    // y[pattern][anchor]: a pattern that works a day the anchor cannot is left out.
    let y: Vec<Vec<Option<Variable>>> = (patterns.iter())
        .map(|&m| {
            (0..l.anchors.len())
                .map(|a| {
                    let ok = (0..n_days).all(|d| m >> d & 1 == 0 || l.workable[d][a]);
                    ok.then(|| vars.add(variable().integer().min(0).max(most)))
                })
                .collect()
        })
        .collect();
    // u[day][anchor][start index]
    let u: Vec<Vec<Vec<Option<Variable>>>> = (0..n_days)
        .map(|d| {
            (l.anchors.iter())
                .map(|&a| {
                    (l.starts[d].iter())
                        .map(|&(s, n)| {
                            in_window(s, a, band)
                                .then(|| vars.add(variable().integer().min(0).max(n as f64)))
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut objective = Expression::from(0.0);
    for (per, &c) in y.iter().zip(cost) {
        for v in per.iter().flatten() {
            objective += c * *v;
        }
    }
    let constraints = constraints(patterns, l, &y, &u);
    let read: Vec<Variable> = (y.iter().flatten().flatten())
        .chain(u.iter().flatten().flatten().flatten())
        .copied()
        .collect();
    let program = backend::Program {
        vars,
        objective,
        constraints,
    };
    let settings = backend::Settings {
        gap: if p.solver == backend::Solver::Microlp {
            p.gap.max(MICROLP_GAP)
        } else {
            p.gap
        },
        time_limit: p.time_limit.min(ANCHORED_TIME_LIMIT),
        start: Vec::new(),
    };
    let outcome = backend::solve(p.solver, program, &read, &settings)?;
    if let Some((_, v)) = backend::first_fractional(&outcome.values, 1e-6) {
        return Err(format!("a non-integral answer ({v})"));
    }
    let mut values = outcome.values.iter().map(|v| v.round().max(0.0) as u32);
    let people: People = (y.iter())
        .map(|per| {
            per.iter()
                .map(|v| v.map_or(0, |_| values.next().unwrap_or(0)))
                .collect()
        })
        .collect();
    let split: Split = (0..n_days)
        .map(|d| {
            (0..l.anchors.len())
                .map(|a| {
                    (l.starts[d].iter().zip(&u[d][a]))
                        .filter_map(|(&(s, _), v)| v.map(|_| (s, values.next().unwrap_or(0))))
                        .filter(|&(_, k)| k > 0)
                        .collect()
                })
                .collect()
        })
        .collect();
    Ok((people, split))
}

/// Per day: each start's shifts all given to anchors (on a day some pattern works), and
/// each anchor working at least as many people as shifts given to it.
fn constraints(
    patterns: &[u32],
    l: &Layout,
    y: &[Vec<Option<Variable>>],
    u: &[Vec<Vec<Option<Variable>>>],
) -> Vec<good_lp::Constraint> {
    let mut constraints = Vec::new();
    for (d, ud) in u.iter().enumerate() {
        // A day no pattern (of any anchor) works: its shifts stay with nobody and are
        // counted unplaced by stage 3, instead of making the program infeasible.
        let coverable = (y.iter().zip(patterns))
            .any(|(per, m)| m >> d & 1 == 1 && per.iter().any(Option::is_some));
        for (si, &(_, n)) in l.starts[d].iter().enumerate() {
            if !coverable {
                break;
            }
            let given: Expression = (ud.iter())
                .filter_map(|per_start| per_start[si])
                .map(Expression::from)
                .sum();
            constraints.push(constraint!(given == n as f64));
        }
        for (a, uda) in ud.iter().enumerate() {
            let shifts: Expression = uda.iter().flatten().map(|v| Expression::from(*v)).sum();
            let mut on = Expression::from(0.0);
            for (per, &m) in y.iter().zip(patterns) {
                if let Some(v) = per[a]
                    && m >> d & 1 == 1
                {
                    on += v;
                }
            }
            constraints.push(constraint!(on - shifts >= 0.0));
        }
    }
    constraints
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::backend::Solver;
    use crate::optimize::tours::patterns::{self, PatternRules};

    fn shift(candidate: usize, hour: f64) -> DayShift {
        DayShift {
            candidate,
            start: hour * 3600.0,
            length: 8.5 * 3600.0,
        }
    }

    /// Two start slots far apart (06:00 and 14:00) with needs that alternate between
    /// days: a plain days cover counts people by day only; anchored, every person keeps
    /// one slot, every shift is placed, and each slot needs its own Baker cover.
    #[test]
    fn people_keep_their_start_slot_and_every_shift_is_placed() {
        let rules = PatternRules {
            n_days: 7,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: None,
        };
        let early = [3, 3, 3, 3, 3, 1, 1];
        let late = [1, 1, 1, 1, 1, 3, 3];
        let mut id = 0;
        let required: Vec<Vec<DayShift>> = (0..7)
            .map(|d| {
                let mut v = Vec::new();
                for _ in 0..early[d] {
                    v.push(shift(id, 6.0));
                    id += 1;
                }
                for _ in 0..late[d] {
                    v.push(shift(id, 14.0));
                    id += 1;
                }
                v
            })
            .collect();
        let options: Vec<Vec<DayShift>> = (0..7)
            .map(|_| vec![shift(9000, 6.0), shift(9001, 14.0)])
            .collect();
        let stages = Stages {
            rules: &rules,
            min_rest: 11.0 * 3600.0,
            start_band: Some(3600.0),
            required: &required,
            options: &options,
            extra_patterns: &[],
            plan: None,
            day_hours: 8.0,
            solver: Solver::Microlp,
            gap: 0.0,
            time_limit: 10.0,
            closed_days: 0,
        };
        let pats = patterns::enumerate(&rules);
        let cost: Vec<f64> = pats.iter().map(|m| m.count_ones() as f64 * 8.0).collect();
        let found = stages_anchored(&stages, &pats, &cost, 3600.0).expect("solved");
        assert_eq!(found.unplaced, 0);
        assert_eq!(found.dropped, 0);
        // Baker per slot: early needs max(3, ceil(17/5) = 4) = 4 people, late
        // max(3, ceil(11/5) = 3, ...) people, whose bound the test derives below.
        let early_people = found
            .tours
            .iter()
            .filter(|t| t.shifts.iter().flatten().all(|s| s.start == 6.0 * 3600.0))
            .count();
        let late_people = found
            .tours
            .iter()
            .filter(|t| t.shifts.iter().flatten().all(|s| s.start == 14.0 * 3600.0))
            .count();
        assert_eq!(
            early_people + late_people,
            found.tours.len(),
            "nobody mixes slots"
        );
        assert_eq!(early_people, 4);
        assert_eq!(late_people, baker(&late));
        for t in &found.tours {
            assert!(patterns::allowed(t.worked(), &rules));
        }
    }

    /// Shifts of one start that differ only in their breaks (here their candidates) are
    /// each worked once when the start's shifts go to several anchors: the tours work
    /// exactly the day's required shifts (before, each anchor took the first shifts of a
    /// start, so that one break placement was worked twice and another never).
    #[test]
    fn shifts_of_one_start_split_between_anchors_are_each_worked_once() {
        let rules = PatternRules {
            n_days: 7,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: None,
        };
        let mut id = 0;
        // Starts every 30 minutes from 06:00 to 09:00, two break placements each, in
        // counts that vary by day: anchors an hour wide share most starts.
        let required: Vec<Vec<DayShift>> = (0..7)
            .map(|d| {
                let mut v = Vec::new();
                for slot in 0..7 {
                    for _ in 0..(1 + (d + slot) % 3) {
                        v.push(shift(id, 6.0 + 0.5 * slot as f64));
                        id += 1;
                    }
                }
                v
            })
            .collect();
        let options: Vec<Vec<DayShift>> = (0..7)
            .map(|_| {
                (0..7)
                    .map(|k| shift(9000 + k, 6.0 + 0.5 * k as f64))
                    .collect()
            })
            .collect();
        let stages = Stages {
            rules: &rules,
            min_rest: 11.0 * 3600.0,
            start_band: Some(3600.0),
            required: &required,
            options: &options,
            extra_patterns: &[],
            plan: None,
            day_hours: 8.0,
            solver: Solver::Microlp,
            gap: 0.05,
            time_limit: 10.0,
            closed_days: 0,
        };
        let pats = patterns::enumerate(&rules);
        let cost: Vec<f64> = pats.iter().map(|m| m.count_ones() as f64 * 8.0).collect();
        let found = stages_anchored(&stages, &pats, &cost, 3600.0).expect("solved");
        assert_eq!((found.unplaced, found.dropped), (0, 0));
        for (d, day) in required.iter().enumerate() {
            let mut worked: Vec<usize> = (found.tours.iter())
                .filter_map(|t| t.shifts[d].map(|s| s.candidate))
                .filter(|&c| c < 9000)
                .collect();
            worked.sort_unstable();
            let want: Vec<usize> = day.iter().map(|s| s.candidate).collect();
            assert_eq!(worked, want, "day {d}");
        }
    }

    /// The least people for a need over a cyclic week with five days on and two in a row
    /// off, by exhaustive search over the people per off-pair.
    fn baker(need: &[u32; 7]) -> usize {
        let most = *need.iter().max().unwrap() as usize + 2;
        (1..=3 * most)
            .find(|&w| feasible(need, w, 0, &mut [0; 7]))
            .unwrap()
    }

    fn feasible(need: &[u32; 7], left: usize, pair: usize, x: &mut [usize; 7]) -> bool {
        if pair == 7 {
            if left != 0 {
                return false;
            }
            let w: usize = x.iter().sum();
            return (0..7).all(|d| w - x[d] - x[(d + 6) % 7] >= need[d] as usize);
        }
        (0..=left).any(|k| {
            x[pair] = k;
            let ok = feasible(need, left - k, pair + 1, x);
            x[pair] = 0;
            ok
        })
    }
}
