//! Optimizer speed: the roster MIP of a 96-interval day (15-minute intervals) with about 300
//! candidate shifts for each of 4 groups, solved by microlp to a 0.5 % gap; a week (7 days ×
//! 96 intervals, 3,360 candidate shifts for each of 4 groups) with every backend this build
//! has (`--features cbc` adds CBC), the gap each reaches printed before it is timed; and a
//! full `ccsim optimize` of the shipped promotion day (requirements, rosters and every
//! verifying simulation); and the week's tours (stages 2 and 3 on the week's rosters:
//! full-time five 8-hour days with two days off in a row, 11 h rest and a ±1 h start
//! band, part-time four or five 4-hour days within ±2 h), people and the stage gap
//! printed before they are timed; and the week as `ccsim optimize` solves it with tours
//! (the tour-aware program — in two steps where it is too large to solve whole — the cheaper
//! tours kept, the bound; the groups in parallel), each group's paid hours against its
//! bound, the time and the process's peak memory printed before it is timed.

use ccsim::model::{RosterBreak, RosterShift};
use ccsim::optimize::roster::{Candidate, RosterProblem, solve};
use ccsim::optimize::{OptimizeOptions, Solver, optimize};
use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

const INTERVAL: f64 = 900.0;

/// Full-time 8.5 h shifts with a 30-minute unpaid break placed 3.5-5 h in (4 places), and
/// part-time 4 h shifts, starting every 15 minutes: 65 × 4 + 57 = 317 candidates.
fn candidates() -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut add = |start: f64, length: f64, brk: Option<f64>, part_time: bool| {
        let breaks: Vec<RosterBreak> = brk
            .map(|o| RosterBreak {
                start: start + o,
                length: 1800.0,
                paid: false,
            })
            .into_iter()
            .collect();
        let covers = (0..96)
            .filter(|&k| {
                let (a, b) = (k as f64 * INTERVAL, (k + 1) as f64 * INTERVAL);
                start <= a
                    && b <= start + length
                    && !breaks.iter().any(|x| x.start < b && a < x.start + x.length)
            })
            .collect();
        let paid =
            (length.min(86400.0 - start) - if brk.is_some() { 1800.0 } else { 0.0 }) / 3600.0;
        out.push(Candidate {
            template: usize::from(part_time),
            shift: RosterShift {
                start,
                length,
                agents: 1,
                breaks,
            },
            covers,
            paid_hours: paid,
            part_time,
        });
    };
    for s in 0..65 {
        for b in 0..4 {
            add(
                s as f64 * INTERVAL,
                8.5 * 3600.0,
                Some(12600.0 + b as f64 * 1800.0),
                false,
            );
        }
    }
    for s in 24..81 {
        add(s as f64 * INTERVAL, 4.0 * 3600.0, None, true);
    }
    out
}

/// A weekday curve: quiet night, morning ramp, midday peak, evening shoulder; `scale` sets
/// the peak.
fn need(scale: f64) -> Vec<u32> {
    (0..96)
        .map(|k| {
            let h = k as f64 / 4.0;
            let day =
                (-((h - 11.0) / 3.5).powi(2)).exp() + 0.6 * (-((h - 20.0) / 2.5).powi(2)).exp();
            (2.0 + scale * day).round() as u32
        })
        .collect()
}

fn roster_mip(c: &mut Criterion) {
    let cands = candidates();
    assert!((300..=330).contains(&cands.len()));
    let needs: Vec<Vec<u32>> = [110.0, 70.0, 30.0, 15.0].iter().map(|&s| need(s)).collect();
    let mut group = c.benchmark_group("optimize");
    group.sample_size(10);
    group.bench_function("roster_mip_96_intervals_4_groups", |b| {
        b.iter(|| {
            for n in &needs {
                let sol = solve(&RosterProblem {
                    group: "bench",
                    need: n,
                    candidates: &cands,
                    hourly_cost: 30.0,
                    max_agents: None,
                    max_part_time_share: Some(0.3),
                    gap: 0.005,
                    time_limit: 20.0,
                    solver: ccsim::optimize::Solver::Microlp,
                })
                .expect("solves");
                assert!(sol.shortfall.iter().all(|&s| s == 0));
            }
        })
    });
    let model = ccsim::scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/promo_1111.toml"
    )))
    .expect("the shipped scenario loads");
    group.bench_function("optimize_promo_1111", |b| {
        b.iter(|| {
            let r = optimize(
                &model,
                &OptimizeOptions {
                    seed: model.seed,
                    ..Default::default()
                },
                &|_| {},
            )
            .expect("optimizes");
            assert!(r.targets_met);
        })
    });
    group.finish();
}

/// A week at 15-minute intervals around the clock: 8.5-hour full-time shifts with a
/// 30-minute unpaid break 3.5, 4, 4.5 or 5 hours in, and 4-hour part-time shifts, each
/// starting at every interval of the week (3,360 candidates).
fn week_candidates() -> Vec<Candidate> {
    let n = 7 * 96;
    let mut out = Vec::new();
    let mut add = |start: usize, covers: Vec<usize>, paid: f64, part_time: bool| {
        out.push(Candidate {
            template: usize::from(part_time),
            shift: RosterShift {
                start: start as f64 * INTERVAL,
                length: if part_time { 4.0 } else { 8.5 } * 3600.0,
                agents: 1,
                breaks: vec![],
            },
            covers,
            paid_hours: paid,
            part_time,
        });
    };
    for start in 0..n {
        for offset in [14, 16, 18, 20] {
            let brk = start + offset..start + offset + 2;
            let covers = (start..(start + 34).min(n))
                .filter(|k| !brk.contains(k))
                .collect();
            add(start, covers, 8.0, false);
        }
        add(start, (start..(start + 16).min(n)).collect(), 4.0, true);
    }
    out
}

/// The week's need: each day the weekday curve of [`need`] (Saturday and Sunday at half
/// the peak) with a fixed pseudo-random ripple of ±2 agents.
fn week_need(scale: f64) -> Vec<u32> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..7 * 96)
        .map(|k| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let ripple = ((state >> 33) % 5) as f64 - 2.0;
            let day_scale = if k / 96 >= 5 { 0.5 * scale } else { scale };
            (need(day_scale)[k % 96] as f64 + ripple).max(1.0) as u32
        })
        .collect()
}

/// The week's four groups solved one after another with `solver`: the path, cost, LP
/// bound and gap of each.
fn solve_week(solver: Solver, cands: &[Candidate], needs: &[Vec<u32>]) -> Vec<String> {
    needs
        .iter()
        .map(|n| {
            let sol = solve(&RosterProblem {
                group: "week",
                need: n,
                candidates: cands,
                hourly_cost: 30.0,
                max_agents: None,
                max_part_time_share: Some(0.3),
                gap: 0.005,
                time_limit: 10.0,
                solver,
            })
            .expect("a roster, always");
            assert!(sol.shortfall.iter().all(|&s| s == 0));
            format!(
                "{}: cost {:.0}, LP bound {:.0}, gap {:.2}%",
                sol.path,
                sol.cost,
                sol.lp_bound.unwrap_or(f64::NAN),
                sol.gap.unwrap_or(f64::NAN) * 100.0
            )
        })
        .collect()
}

fn roster_week(c: &mut Criterion) {
    let cands = week_candidates();
    assert_eq!(cands.len(), 3360);
    let needs: Vec<Vec<u32>> = [110.0, 70.0, 30.0, 15.0]
        .iter()
        .map(|&s| week_need(s))
        .collect();
    let mut group = c.benchmark_group("optimize");
    group.sample_size(10);
    for solver in [Solver::Microlp, Solver::Cbc] {
        if !solver.built() {
            continue;
        }
        let started = std::time::Instant::now();
        let report = solve_week(solver, &cands, &needs);
        eprintln!(
            "week, {} ({:.1} s): {}",
            solver.name(),
            started.elapsed().as_secs_f64(),
            report.join("; ")
        );
        group.bench_function(
            format!("roster_week_672_intervals_4_groups_{}", solver.name()),
            |b| b.iter(|| solve_week(solver, &cands, &needs)),
        );
    }
    group.finish();
}

/// Stages 2 and 3 of one group's week: its stage-1 roster (`agents` per candidate of
/// [`week_candidates`]) split by contract (full-time and part-time shifts) into tours.
/// Returns the people, the person-days and the shifts left unplaced, per contract.
fn week_tours(solver: Solver, cands: &[Candidate], agents: &[u32]) -> Vec<(usize, u32, u32)> {
    (week_found(solver, cands, agents, &[]).iter())
        .map(|f| {
            let days: u32 = f.tours.iter().map(|t| t.worked().count_ones()).sum();
            (f.tours.len(), days, f.unplaced)
        })
        .collect()
}

/// A contract of the week: part-time, days (min, max), days off in a row, hours a day,
/// start band (seconds).
type WeekContract = (bool, (u32, u32), u32, f64, f64);

/// The week's two contracts.
const WEEK_CONTRACTS: [WeekContract; 2] = [
    (false, (5, 5), 2, 8.0, 3600.0),
    (true, (4, 5), 1, 4.0, 7200.0),
];

/// The tours of [`week_tours`], per contract.
fn week_found(
    solver: Solver,
    cands: &[Candidate],
    agents: &[u32],
    plans: &[Option<ccsim::optimize::tours::anchored::Plan>],
) -> Vec<ccsim::optimize::tours::Found> {
    use ccsim::model::patterns::PatternRules;
    use ccsim::optimize::tours::{Stages, assign::DayShift, stages};
    const DAY: f64 = 86_400.0;
    WEEK_CONTRACTS
        .iter()
        .enumerate()
        .map(|(i, &(part_time, days, off, day_hours, band))| {
            let mut required = vec![Vec::new(); 7];
            let mut options = vec![Vec::new(); 7];
            for (j, c) in cands
                .iter()
                .enumerate()
                .filter(|(_, c)| c.part_time == part_time)
            {
                let d = ((c.shift.start / DAY) as usize).min(6);
                let s = DayShift {
                    candidate: j,
                    start: c.shift.start - d as f64 * DAY,
                    length: c.shift.length,
                };
                required[d].extend(std::iter::repeat_n(s, agents[j] as usize));
                options[d].push(s);
            }
            let rules = PatternRules {
                n_days: 7,
                days,
                consecutive_days_off: off,
                max_consecutive_days: None,
                weekends: None,
            };
            stages(&Stages {
                rules: &rules,
                min_rest: 11.0 * 3600.0,
                start_band: Some(band),
                required: &required,
                options: &options,
                extra_patterns: &[],
                plan: plans.get(i).and_then(Option::as_ref),
                day_hours,
                solver,
                gap: 0.005,
                time_limit: 10.0,
                closed_days: 0,
            })
        })
        .collect()
}

fn tours_week(c: &mut Criterion) {
    let cands = week_candidates();
    let needs: Vec<Vec<u32>> = [110.0, 70.0, 30.0, 15.0]
        .iter()
        .map(|&s| week_need(s))
        .collect();
    let mut group = c.benchmark_group("optimize");
    group.sample_size(10);
    for solver in [Solver::Microlp, Solver::Cbc] {
        if !solver.built() {
            continue;
        }
        let rosters: Vec<Vec<u32>> = (needs.iter())
            .map(|n| {
                solve(&RosterProblem {
                    group: "week",
                    need: n,
                    candidates: &cands,
                    hourly_cost: 30.0,
                    max_agents: None,
                    max_part_time_share: Some(0.3),
                    gap: 0.005,
                    time_limit: 10.0,
                    solver,
                })
                .expect("a roster, always")
                .agents
            })
            .collect();
        let started = std::time::Instant::now();
        let report: Vec<String> = (rosters.iter())
            .map(|agents| {
                let shifts = |pt: bool| -> u32 {
                    (cands.iter().zip(agents))
                        .filter(|(c, _)| c.part_time == pt)
                        .map(|(_, &a)| a)
                        .sum()
                };
                let t = week_tours(solver, &cands, agents);
                format!(
                    "full-time {} people, {} days for {} shifts ({:+.1}%), {} unplaced; part-time {} people, {} days for {} shifts ({:+.1}%), {} unplaced",
                    t[0].0,
                    t[0].1,
                    shifts(false),
                    (t[0].1 as f64 / shifts(false).max(1) as f64 - 1.0) * 100.0,
                    t[0].2,
                    t[1].0,
                    t[1].1,
                    shifts(true),
                    (t[1].1 as f64 / shifts(true).max(1) as f64 - 1.0) * 100.0,
                    t[1].2
                )
            })
            .collect();
        eprintln!(
            "week tours, {} ({:.1} s): {}",
            solver.name(),
            started.elapsed().as_secs_f64(),
            report.join("; ")
        );
        group.bench_function(
            format!("tours_week_672_intervals_4_groups_{}", solver.name()),
            |b| {
                b.iter(|| {
                    (rosters.iter())
                        .map(|agents| week_tours(solver, &cands, agents))
                        .collect::<Vec<_>>()
                })
            },
        );
    }
    group.finish();
}

/// The tour-aware week of one group, as `ccsim optimize` solves it: the tours of its
/// plain roster (`stage1` agents per candidate, stages 2 and 3), then shifts and day
/// patterns chosen together with people by start anchor (the joint program at the gap
/// the optimizer gives `solver`) and its shifts made tours;
/// the cheaper tours kept; and the bound on any tours' paid hours. Returns the tours' paid
/// hours, the bound, the unplaced shifts and which tours were kept.
fn tour_aware_group(
    solver: Solver,
    cands: &[Candidate],
    need: &[u32],
    stage1: &[u32],
) -> (f64, f64, u32, String) {
    use ccsim::model::patterns::{PatternRules, enumerate};
    use ccsim::optimize::tours::joint::{self, JointContract, JointProblem};
    let paid = |found: &[ccsim::optimize::tours::Found]| -> (f64, u32) {
        let hours: f64 = (found.iter().flat_map(|f| &f.tours))
            .flat_map(|t| t.shifts.iter().flatten())
            .map(|s| cands[s.candidate].paid_hours)
            .sum();
        (hours, found.iter().map(|f| f.unplaced).sum())
    };
    let base = week_found(solver, cands, stage1, &[]);
    let contracts: Vec<JointContract> = (WEEK_CONTRACTS.iter())
        .map(|&(part_time, days, off, _, band)| JointContract {
            templates: vec![usize::from(part_time)],
            patterns: enumerate(&PatternRules {
                n_days: 7,
                days,
                consecutive_days_off: off,
                max_consecutive_days: None,
                weekends: None,
            }),
            part_time,
            band: Some(band),
        })
        .collect();
    let p = JointProblem {
        need,
        candidates: cands,
        contracts: &contracts,
        n_days: 7,
        solver,
        // As `ccsim optimize`: microlp stops at 2 % with a band (see the README).
        gap: if solver == Solver::Microlp {
            0.02
        } else {
            0.005
        },
        time_limit: 10.0,
        max_part_time_share: None,
    };
    let bound = joint::bound(&p).map_or(f64::NAN, |b| b.0);
    let (base_paid, base_unplaced) = paid(&base);
    match joint::solve_with_patterns(&p) {
        Ok(solved) => {
            let alt = week_found(solver, cands, &solved.agents, &solved.plans);
            let (alt_paid, alt_unplaced) = paid(&alt);
            if (alt_unplaced, alt_paid) < (base_unplaced, base_paid) {
                (alt_paid, bound, alt_unplaced, "tour-aware".into())
            } else {
                (
                    base_paid,
                    bound,
                    base_unplaced,
                    "plain, the tour-aware no cheaper".into(),
                )
            }
        }
        Err(why) => (
            base_paid,
            bound,
            base_unplaced,
            format!("plain, tour-aware: {why}"),
        ),
    }
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    (status.lines())
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn tour_aware_week(c: &mut Criterion) {
    let cands = week_candidates();
    let needs: Vec<Vec<u32>> = [110.0, 70.0, 30.0, 15.0]
        .iter()
        .map(|&s| week_need(s))
        .collect();
    let mut group = c.benchmark_group("optimize");
    group.sample_size(10);
    for solver in [Solver::Microlp, Solver::Cbc] {
        if !solver.built() {
            continue;
        }
        let rosters: Vec<Vec<u32>> = (needs.iter())
            .map(|n| {
                solve(&RosterProblem {
                    group: "week",
                    need: n,
                    candidates: &cands,
                    hourly_cost: 30.0,
                    max_agents: None,
                    max_part_time_share: Some(0.3),
                    gap: 0.005,
                    time_limit: 10.0,
                    solver,
                })
                .expect("a roster, always")
                .agents
            })
            .collect();
        let started = std::time::Instant::now();
        // The groups in parallel, as `ccsim optimize` solves them.
        let report: Vec<String> = (needs.par_iter().zip(&rosters))
            .map(|(n, r)| {
                let t = std::time::Instant::now();
                let (paid, bound, unplaced, kept) = tour_aware_group(solver, &cands, n, r);
                format!(
                    "{paid:.0} h ≥ {bound:.1} h ({:+.2}%), {unplaced} unplaced, {kept}, {:.1} s",
                    (paid / bound - 1.0) * 100.0,
                    t.elapsed().as_secs_f64()
                )
            })
            .collect();
        eprintln!(
            "tour-aware week, {} ({:.1} s, peak memory of the process {:.0} MB): {}",
            solver.name(),
            started.elapsed().as_secs_f64(),
            peak_mb(),
            report.join("; ")
        );
        group.bench_function(
            format!("tour_aware_week_672_intervals_4_groups_{}", solver.name()),
            |b| {
                b.iter(|| {
                    (needs.par_iter().zip(&rosters))
                        .map(|(n, r)| tour_aware_group(solver, &cands, n, r))
                        .collect::<Vec<_>>()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    roster_mip,
    roster_week,
    tours_week,
    tour_aware_week
);
criterion_main!(benches);
