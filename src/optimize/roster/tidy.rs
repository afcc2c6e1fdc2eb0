//! A roster moved out of the time nobody is needed: the MIP is indifferent between shifts of
//! equal cost, so a Saturday opening at 09:00 could get an 06:00–14:00 shift where a
//! 09:00–17:00 one costs the same. Each rostered shift is moved to another placement of
//! its own template (same paid hours, same part-time flag: cost, headcount and the
//! part-time share unchanged) that still covers every interval with a need it covered,
//! when that placement covers more intervals with a need (or as many and fewer without).

use super::{Candidate, RosterProblem};

/// Moves group `p`'s `agents` (one count per candidate) as described in the module docs;
/// the coverage of every interval with a need never drops.
pub(super) fn into_needed_time(p: &RosterProblem, agents: &mut [u32]) {
    let needed = |k: usize| p.need.get(k).is_some_and(|&n| n > 0);
    let score = |c: &Candidate| {
        let with = c.covers.iter().filter(|&&k| needed(k)).count();
        (with, std::cmp::Reverse(c.covers.len() - with))
    };
    for a in 0..p.candidates.len() {
        if agents[a] == 0 {
            continue;
        }
        let from = &p.candidates[a];
        let keep: Vec<usize> = from.covers.iter().copied().filter(|&k| needed(k)).collect();
        let mut best = (a, score(from));
        for (b, to) in p.candidates.iter().enumerate() {
            let same_terms = to.template == from.template
                && to.part_time == from.part_time
                && (to.paid_hours - from.paid_hours).abs() < 1e-9;
            if !same_terms || score(to) <= best.1 {
                continue;
            }
            // `covers` lists are ascending: every kept interval must be among `to`'s.
            if keep.iter().all(|k| to.covers.binary_search(k).is_ok()) {
                best = (b, score(to));
            }
        }
        if best.0 != a {
            agents[best.0] += agents[a];
            agents[a] = 0;
        }
    }
}
