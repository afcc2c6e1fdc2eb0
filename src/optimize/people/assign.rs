//! Tours to people: a maximum-weight bipartite assignment per contract, solved exactly by
//! the Hungarian method (Kuhn–Munkres, in the O(n²m) potentials form of Jonker–Volgenant /
//! e-maxx), with integer weights that put the number of tours staffed first and the
//! preferred start bands second.

use super::{Assignment, Person, Shortage, TourToStaff};
use std::collections::BTreeMap;

/// Assigns `tours` to `people`: each tour at most one person and each person at most one
/// tour; a person may take a tour only if its group is among theirs, its contract is theirs
/// and none of its shifts overlaps one of their unavailable ranges (ranges that only touch
/// do not overlap). Among such assignments, the one returned staffs the most tours and,
/// among those, has the most tours whose every shift starts in the person's preferred
/// band. `day` is the length of a day in seconds (86 400): the band is a time of day.
///
/// Ties are broken deterministically by the input order. Cost: O(n² m) per contract, with
/// n and m the smaller and larger of its tours and people.
pub fn assign(tours: &[TourToStaff], people: &[Person], day: f64) -> Assignment {
    let mut by_contract: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (t, tour) in tours.iter().enumerate() {
        by_contract.entry(&tour.contract).or_default().0.push(t);
    }
    for (p, person) in people.iter().enumerate() {
        by_contract.entry(&person.contract).or_default().1.push(p);
    }
    let mut person_of_tour = vec![None; tours.len()];
    let mut preferred_met = 0;
    for (ts, ps) in by_contract.values() {
        let weights: Vec<Vec<u8>> = ts
            .iter()
            .map(|&t| {
                ps.iter()
                    .map(|&p| weight(&tours[t], &people[p], day))
                    .collect()
            })
            .collect();
        for (i, j) in max_weight_assignment(&weights) {
            person_of_tour[ts[i]] = Some(ps[j]);
            preferred_met += usize::from(weights[i][j] == 2);
        }
    }
    let mut taken = vec![false; people.len()];
    person_of_tour
        .iter()
        .flatten()
        .for_each(|&p| taken[p] = true);
    let unassigned_people: Vec<usize> = (0..people.len()).filter(|&p| !taken[p]).collect();
    let unassigned_reasons = (unassigned_people.iter())
        .map(|&p| why_unassigned(tours, &person_of_tour, &people[p]))
        .collect();
    Assignment {
        shortages: shortages(tours, &person_of_tour, day),
        unassigned_people,
        unassigned_reasons,
        person_of_tour,
        preferred_met,
    }
}

/// Why `person` has no tour: none of their contract in their groups; all such tours
/// taken; or the open ones all fall in their unavailable times (a maximum assignment
/// leaves no open tour a person without one could take).
fn why_unassigned(
    tours: &[TourToStaff],
    person_of_tour: &[Option<usize>],
    person: &Person,
) -> &'static str {
    let theirs =
        |t: &TourToStaff| t.contract == person.contract && person.groups.contains(&t.group);
    let mut any = false;
    for (t, who) in tours.iter().zip(person_of_tour) {
        if theirs(t) {
            any = true;
            if who.is_none() {
                return "unavailable during part of every unstaffed tour";
            }
        }
    }
    if any {
        "every tour they could work is taken"
    } else {
        "no tour of their contract in their groups"
    }
}

/// 0: `person` may not take `tour`; 1: may; 2: may, and every shift starts in their band.
fn weight(tour: &TourToStaff, person: &Person, day: f64) -> u8 {
    let allowed = person.contract == tour.contract
        && person.groups.contains(&tour.group)
        && tour
            .shifts
            .iter()
            .all(|&(s, e)| person.unavailable.iter().all(|&(u, v)| !(s < v && u < e)));
    if !allowed {
        return 0;
    }
    let preferred = person.preferred_start.is_some_and(|(a, b)| {
        tour.shifts
            .iter()
            .all(|&(s, _)| (s - a).rem_euclid(day) <= b - a + 1e-9)
    });
    1 + u8::from(preferred)
}

/// A maximum-weight matching of a rows × columns table of weights 0 (no edge), 1 and 2,
/// lexicographic: the most pairs of positive weight first, then the most pairs of weight 2.
/// Returns the matched `(row, column)` pairs, by row.
///
/// Solved exactly as an assignment problem: each pair costs −(B·[w>0] + [w=2]) with
/// B = min(rows, columns) + 1 (so one pair more outweighs any number of weight-2 pairs),
/// weight-0 pairs cost 0 and are dropped from the answer.
pub fn max_weight_assignment(weights: &[Vec<u8>]) -> Vec<(usize, usize)> {
    let rows = weights.len();
    let cols = weights.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 {
        return Vec::new();
    }
    let big = rows.min(cols) as i64 + 1;
    let value = |w: u8| match w {
        0 => 0,
        1 => -big,
        _ => -big - 1,
    };
    // The Hungarian method needs rows ≤ columns: transpose when there are more rows.
    let pairs = if rows <= cols {
        let cost: Vec<i64> = weights.iter().flatten().map(|&w| value(w)).collect();
        hungarian(rows, cols, &cost)
    } else {
        let cost: Vec<i64> = (0..cols)
            .flat_map(|c| weights.iter().map(move |row| row[c]))
            .map(value)
            .collect();
        hungarian(cols, rows, &cost)
            .into_iter()
            .map(|(c, r)| (r, c))
            .collect()
    };
    let mut pairs: Vec<(usize, usize)> = pairs
        .into_iter()
        .filter(|&(r, c)| weights[r][c] > 0)
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Minimum-cost assignment of every one of `n` rows to a distinct one of `m` ≥ `n`
/// columns (the Hungarian method with potentials; integer costs, so exact); `cost` is the
/// n × m table, row after row. Returns the `(row, column)` pairs.
fn hungarian(n: usize, m: usize, cost: &[i64]) -> Vec<(usize, usize)> {
    const INF: i64 = i64::MAX / 4;
    // 1-based, column 0 is the virtual start of each augmenting path.
    let (mut u, mut v) = (vec![0i64; n + 1], vec![0i64; m + 1]);
    let (mut p, mut way) = (vec![0usize; m + 1], vec![0usize; m + 1]);
    let (mut minv, mut used) = (vec![INF; m + 1], vec![false; m + 1]);
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        minv.fill(INF);
        used.fill(false);
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let row = &cost[(i0 - 1) * m..i0 * m];
            let ui0 = u[i0];
            let (mut delta, mut j1) = (INF, 0);
            for j in 1..=m {
                if !used[j] {
                    let cur = row[j - 1] - ui0 - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        while j0 != 0 {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        }
    }
    (1..=m)
        .filter(|&j| p[j] != 0)
        .map(|j| (p[j] - 1, j - 1))
        .collect()
}

/// The shifts of the tours without a person, counted per group, contract, day and shift,
/// ordered by group, day, start, end and contract.
fn shortages(tours: &[TourToStaff], person_of_tour: &[Option<usize>], day: f64) -> Vec<Shortage> {
    let mut all: Vec<Shortage> = Vec::new();
    for (tour, _) in tours
        .iter()
        .zip(person_of_tour)
        .filter(|(_, p)| p.is_none())
    {
        for &(from, to) in &tour.shifts {
            all.push(Shortage {
                group: tour.group,
                contract: tour.contract.clone(),
                day: (from / day).floor().max(0.0) as usize,
                from,
                to,
                missing: 1,
            });
        }
    }
    all.sort_by(|a, b| {
        (a.group, a.day)
            .cmp(&(b.group, b.day))
            .then(a.from.total_cmp(&b.from))
            .then(a.to.total_cmp(&b.to))
            .then(a.contract.cmp(&b.contract))
    });
    let mut out: Vec<Shortage> = Vec::new();
    for s in all {
        match out.last_mut() {
            Some(last)
                if (last.group, last.day, &last.contract) == (s.group, s.day, &s.contract)
                    && last.from == s.from
                    && last.to == s.to =>
            {
                last.missing += 1
            }
            _ => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hungarian_method_finds_the_known_optimum() {
        // A classic 3×3: the minimum is 5 (rows to columns 1, 0, 2: 1 + 2 + 2).
        let c = [[4, 1, 3], [2, 0, 5], [3, 2, 2]];
        let pairs = hungarian(3, 3, &c.concat());
        let total: i64 = pairs.iter().map(|&(i, j)| c[i][j]).sum();
        assert_eq!(total, 5);
    }

    #[test]
    fn one_more_pair_beats_any_number_of_preferred_pairs() {
        // Row 0 may take column 0 (preferred) or column 1; row 1 only column 0.
        let w = vec![vec![2, 1], vec![1, 0]];
        assert_eq!(max_weight_assignment(&w), vec![(0, 1), (1, 0)]);
        // More rows than columns, and rows with no edge at all.
        let w = vec![vec![0], vec![1], vec![2]];
        assert_eq!(max_weight_assignment(&w), vec![(2, 0)]);
        assert_eq!(max_weight_assignment(&[vec![0, 0]]), vec![]);
    }
}
