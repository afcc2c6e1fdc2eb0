//! The bound on each group's tours ([`set_bounds`]), taken once on the final round.

use super::super::backend::Solver;
use super::super::roster::Candidate;
use super::{DAY, TourSet, joint, joint_contracts, joint_problem};
use crate::model::{Model, OptimizeSpec};
use rayon::prelude::*;

/// Sets [`TourSet::group_bound`] on every group's sets (`sets`, the final round's) from
/// the need its roster covered (`covered_need`, per group and interval), groups in
/// parallel: [`joint::bound`], when every allowed day pattern of the group's contracts
/// could be listed. Taken once, after the rounds: with CBC it is an integer program.
pub fn set_bounds(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<Candidate>],
    sets: &mut [TourSet],
    covered_need: &[Vec<u32>],
    solver: Solver,
) {
    let n_days = (model.horizon / DAY).round() as usize;
    let bounds: Vec<Option<(f64, &'static str)>> = (0..candidates.len())
        .into_par_iter()
        .map(|g| {
            let mine: Vec<TourSet> = sets.iter().filter(|s| s.group == g).cloned().collect();
            if mine.is_empty() {
                return None;
            }
            let (contracts, complete) = joint_contracts(model, spec, g, &mine, n_days);
            let mut p = joint_problem(
                spec,
                &covered_need[g],
                &candidates[g],
                &contracts,
                n_days,
                solver,
            );
            // A bound on tours that keep the share of part-time people when these do
            // (with CBC they are made to), on any tours otherwise.
            let people = |part: bool| -> usize {
                (mine.iter().zip(&contracts))
                    .filter(|(_, c)| !part || c.part_time)
                    .map(|(s, _)| s.tours.len())
                    .sum()
            };
            p.max_part_time_share = (spec.max_part_time_share)
                .filter(|&share| people(true) as f64 <= share * people(false) as f64 + 1e-9);
            complete.then(|| joint::bound(&p).ok()).flatten()
        })
        .collect();
    for s in sets {
        s.group_bound = bounds[s.group].map(|b| b.0);
        s.bound_method = bounds[s.group].map_or("", |b| b.1);
    }
}
