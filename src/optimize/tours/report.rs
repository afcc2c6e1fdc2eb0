//! What the tours came to, as plain data for the output layer: per group and contract the
//! people, paid hours, cost and the gap of each stage; one row per tour with its shift on
//! each day. Built once from the final round's [`TourSet`]s.

use super::TourSet;
use super::assign::DAY;
use crate::model::{Model, OptimizeSpec};
use crate::optimize::roster::Candidate;
use serde::Serialize;

/// The tours of the final roster (`tours` in `optimize.json`).
#[derive(Clone, Debug, Serialize)]
pub struct ToursResult {
    /// Days in the horizon.
    pub n_days: usize,
    /// Per group and contract.
    pub contracts: Vec<ContractTours>,
    /// People per group, all contracts (groups with tours only).
    pub people: Vec<GroupPeople>,
    /// Every tour, by group, contract, then first start.
    pub tours: Vec<TourRow>,
    /// The tours given to the named people of `[optimize] people`, when the scenario has
    /// a people file (set by the caller after the optimization; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staffing: Option<Staffing>,
}

/// How the tours were given to named people (`[optimize] people`): the summary and the
/// shortage lines of the report; each tour's person is in [`TourRow::person`].
#[derive(Clone, Debug, Serialize)]
pub struct Staffing {
    /// The people file, as the scenario names it.
    pub file: String,
    /// Groups staffed by name: those at least one person of the file can work (the
    /// tours of other groups stay unnamed and count in no shortage).
    pub groups: Vec<String>,
    /// Tours of those groups, and how many a person took.
    pub tours: usize,
    /// Tours a person took.
    pub staffed: usize,
    /// `3 of 4 tours staffed (2 start in their person's preferred band); 1 person
    /// without a tour: Eva Novak (unavailable during part of every unstaffed tour)`.
    pub summary: String,
    /// Per group short of people: `voice_t1 short 1 full_time person on Mon 03/03–Fri
    /// 07/03 08:00–16:30, …`.
    pub shortages: Vec<String>,
    /// Per named group and contract: its tours and how many a person took.
    pub contracts: Vec<StaffedContract>,
}

/// The tours of one named group and contract, and how many a person took.
#[derive(Clone, Debug, Serialize)]
pub struct StaffedContract {
    /// Group.
    pub group: String,
    /// Contract.
    pub contract: String,
    /// Its tours.
    pub tours: usize,
    /// Tours a person took.
    pub staffed: usize,
}

/// The people a group needs, all its contracts.
#[derive(Clone, Debug, Serialize)]
pub struct GroupPeople {
    /// Group.
    pub group: String,
    /// People (tours).
    pub people: u32,
    /// The tours' paid hours, all contracts.
    pub paid_hours: f64,
    /// A lower bound on them (shifts and day patterns chosen together, starts within
    /// twice the band, without rest: with CBC its proven bound in whole people, with
    /// microlp the linear relaxation; within 0.001 h a person), when every allowed day
    /// pattern could be listed; `null` otherwise.
    pub paid_hours_bound: Option<f64>,
    /// How `paid_hours_bound` was taken, in the report's words (empty without one).
    pub paid_hours_bound_method: String,
    /// Hours `max_part_time_share` adds to the relaxed bound (the bound with the share
    /// against without it), where the tours keep the share; `null` otherwise.
    pub part_time_share_price_hours: Option<f64>,
}

/// One group's tours on one contract.
#[derive(Clone, Debug, Serialize)]
pub struct ContractTours {
    /// Group.
    pub group: String,
    /// Contract.
    pub contract: String,
    /// People (tours).
    pub people: u32,
    /// The least people any tours need: the busiest day's shifts of stage 1.
    pub people_bound: u32,
    /// Days worked, all tours.
    pub person_days: u32,
    /// The tours' paid hours (surplus shifts included).
    pub paid_hours: f64,
    /// Paid hours × the group's hourly cost.
    pub cost: f64,
    /// Stage 1's shifts on the contract's templates.
    pub stage1_shifts: u32,
    /// Their paid hours.
    pub stage1_paid_hours: f64,
    /// Stage 2's gap: (tours' paid hours − stage 1's) / stage 1's.
    pub stage2_gap: f64,
    /// Stage 1's shifts no tour works (left out of the roster).
    pub unplaced: u32,
    /// People left out because their tour could not be completed within the rules.
    pub dropped: u32,
    /// How stage 2 was solved.
    pub path: String,
    /// Days (0-based) with shifts of stage 1 that no tour of the contract can work within
    /// its rules (their shifts are among the unplaced ones).
    pub unworkable_days: Vec<usize>,
    /// The contract's day rules, for the report's line on those days: `5 days a week, days
    /// off 2 in a row, every weekend off`.
    pub day_rules: String,
    /// Its templates are all part-time (its people count as part-time).
    pub part_time: bool,
}

/// One tour: a person's shifts over the horizon.
#[derive(Clone, Debug, Serialize)]
pub struct TourRow {
    /// `group-contract-NN`, numbered from 01 within the group and contract.
    pub id: String,
    /// Group.
    pub group: String,
    /// Contract.
    pub contract: String,
    /// Per day: the shift worked, or `None` on a day off.
    pub days: Vec<Option<TourDay>>,
    /// The named person working it (`[optimize] people`), when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

/// A tour's shift on one day.
#[derive(Clone, Debug, Serialize)]
pub struct TourDay {
    /// Shift template.
    pub shift: String,
    /// Start, seconds from the start of the horizon.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// Breaks as `(start_s, length_s, paid)`.
    pub breaks: Vec<(f64, f64, bool)>,
    /// Paid hours within the horizon.
    pub paid_hours: f64,
    /// A surplus shift: the person's pattern works the day but no shift the roster needed
    /// was left for them (paid all the same, placed where the need is heaviest).
    pub surplus: bool,
}

/// The report of `sets` (per group, each group's candidates in `candidates`).
pub fn tours_result(
    model: &Model,
    spec: &OptimizeSpec,
    candidates: &[Vec<Candidate>],
    sets: &[TourSet],
) -> ToursResult {
    let n_days = (model.horizon / DAY).round() as usize;
    let mut contracts = Vec::new();
    let mut tours = Vec::new();
    for s in sets {
        let group = &model.groups[s.group];
        let contract = &spec.contracts[s.contract].name;
        let person_days = s.tours.iter().map(|t| t.worked().count_ones()).sum();
        contracts.push(ContractTours {
            group: group.name.clone(),
            contract: contract.clone(),
            people: s.tours.len() as u32,
            people_bound: s.people_bound,
            person_days,
            // `+ 0.0`: no `-0.0` for a contract with no tours (an empty sum).
            paid_hours: s.paid_hours + 0.0,
            cost: s.paid_hours * group.hourly_cost + 0.0,
            stage1_shifts: s.stage1_shifts,
            // `+ 0.0`: no `-0.0` for a contract stage 1 gave no shift.
            stage1_paid_hours: s.stage1_paid_hours + 0.0,
            stage2_gap: if s.stage1_paid_hours > 0.0 {
                (s.paid_hours - s.stage1_paid_hours) / s.stage1_paid_hours
            } else {
                0.0
            },
            unplaced: s.unplaced,
            dropped: s.dropped,
            path: s.path.clone(),
            unworkable_days: (0..n_days)
                .filter(|&d| s.unworkable_days >> d & 1 == 1)
                .collect(),
            day_rules: day_rules(&spec.contracts[s.contract]),
            part_time: (spec.contracts[s.contract].shifts.iter())
                .all(|&t| spec.shifts[t].part_time),
        });
        let mut rows: Vec<Vec<Option<TourDay>>> = (s.tours.iter())
            .map(|t| {
                (t.shifts.iter().enumerate())
                    .map(|(d, x)| {
                        x.map(|x| TourDay {
                            surplus: t.surplus >> d & 1 == 1,
                            ..tour_day(spec, &candidates[s.group][x.candidate])
                        })
                    })
                    .collect()
            })
            .collect();
        rows.sort_by(|a, b| first_start(a).total_cmp(&first_start(b)));
        let width = rows.len().to_string().len().max(2);
        for (i, days) in rows.into_iter().enumerate() {
            tours.push(TourRow {
                id: format!("{}-{contract}-{:0width$}", group.name, i + 1),
                group: group.name.clone(),
                contract: contract.clone(),
                days,
                person: None,
            });
        }
    }
    let people = (model.groups.iter().enumerate())
        .filter(|(g, _)| sets.iter().any(|s| s.group == *g))
        .map(|(g, group)| {
            let mine = || sets.iter().filter(move |s| s.group == g);
            let paid_hours = mine().map(|s| s.paid_hours).sum::<f64>() + 0.0;
            GroupPeople {
                group: group.name.clone(),
                people: mine().map(|s| s.tours.len() as u32).sum(),
                paid_hours,
                // A bound above the tours by rounding only (2600.000000000001 against
                // 2600) is the tours' hours.
                paid_hours_bound: (mine().find_map(|s| s.group_bound)).map(|b| {
                    if b > paid_hours && b <= paid_hours + 1e-6 {
                        paid_hours
                    } else {
                        b
                    }
                }),
                paid_hours_bound_method: (mine()
                    .find_map(|s| s.group_bound.map(|_| s.bound_method)))
                .unwrap_or("")
                .to_string(),
                part_time_share_price_hours: mine().find_map(|s| s.share_price),
            }
        })
        .collect();
    ToursResult {
        n_days,
        contracts,
        people,
        tours,
        staffing: None,
    }
}

/// A contract's rules on days, in words.
fn day_rules(c: &crate::model::Contract) -> String {
    let mut rules = vec![if c.days.0 == c.days.1 {
        format!("{} days a week", c.days.0)
    } else {
        format!("{}–{} days a week", c.days.0, c.days.1)
    }];
    if c.consecutive_days_off > 1 {
        rules.push(format!("days off {} in a row", c.consecutive_days_off));
    }
    if let Some(m) = c.max_consecutive_days {
        rules.push(format!("at most {m} days in a row"));
    }
    match c.weekends_off_every {
        Some(1) => rules.push("every weekend off".into()),
        Some(w) => rules.push(format!("a weekend off in every {w}")),
        None => {}
    }
    rules.join(", ")
}

fn tour_day(spec: &OptimizeSpec, c: &Candidate) -> TourDay {
    TourDay {
        shift: spec.shifts[c.template].name.clone(),
        start_s: c.shift.start,
        end_s: c.shift.start + c.shift.length,
        breaks: c
            .shift
            .breaks
            .iter()
            .map(|b| (b.start, b.length, b.paid))
            .collect(),
        paid_hours: c.paid_hours,
        surplus: false,
    }
}

/// The time of day of a tour's first start (for ordering).
fn first_start(days: &[Option<TourDay>]) -> f64 {
    days.iter()
        .flatten()
        .next()
        .map_or(f64::INFINITY, |d| d.start_s.rem_euclid(DAY))
}
