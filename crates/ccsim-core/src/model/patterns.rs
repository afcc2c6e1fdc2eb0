//! Day patterns: which days of the horizon a tour works, as a bit set (bit `d` set: day
//! `d` is worked), over a horizon of 2 to 7 days or of 2, 3 or 4 whole weeks (14, 21 or
//! 28 days). A 7-day horizon is a cyclic week (the tour repeats every week, as in Baker's
//! days-off problem): runs of days off and of working days wrap from the last day to the
//! first. Any other horizon is a stretch: a run of days off touching its first or last
//! day may continue outside it and is not held to the minimum run. Over several weeks the
//! working days are counted per week (days 0–6, 7–13, …) and the weekend rule
//! ([`Weekends`]) applies to the horizon's whole weekends.

/// Most days of a horizon with tours (four weeks).
pub const MAX_DAYS: u32 = 28;

/// The day-pattern rules of one contract, over one horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatternRules {
    /// Days in the horizon: 2..=7, 14, 21 or 28.
    pub n_days: u32,
    /// Worked days in each week, `(min, max)` (already narrowed by the contract's hours and
    /// clipped to the horizon when it is shorter than a week).
    pub days: (u32, u32),
    /// Days off come in runs of at least this many (1: no rule).
    pub consecutive_days_off: u32,
    /// Most working days in a row (`None`: no limit).
    pub max_consecutive_days: Option<u32>,
    /// A whole weekend off at least every so many weekends, when required (horizons of
    /// several weeks only).
    pub weekends: Option<Weekends>,
}

/// The weekend rule: among every `every` consecutive weekends of the horizon (a weekend
/// is a Saturday and the Sunday after it, both inside the horizon) at least one has both
/// days off. Weekends before the horizon are not known, so its first weekends are not
/// held to more than the rule within the horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weekends {
    /// At least one weekend off in every this many, 1 or more.
    pub every: u32,
    /// The horizon's first Saturday: a day index 0..=6.
    pub first_saturday: u32,
}

impl Weekends {
    /// The rule `every` on the calendar of a horizon starting on `start` (its day 0).
    pub fn from_start(every: u32, start: jiff::civil::Date) -> Weekends {
        // Monday is 0, Saturday 5.
        let monday = start.weekday().to_monday_zero_offset() as u32;
        Weekends {
            every,
            first_saturday: (5 + 7 - monday) % 7,
        }
    }
}

impl PatternRules {
    /// Whether the horizon is a cyclic week.
    pub fn cyclic(&self) -> bool {
        self.n_days == 7
    }

    /// Weeks of 7 days in the horizon (1 for horizons of up to 7 days).
    pub fn weeks(&self) -> u32 {
        self.n_days.div_ceil(7)
    }

    /// The Saturdays (day indices) of the horizon's whole weekends, when the weekend
    /// rule applies.
    pub fn saturdays(&self) -> Vec<u32> {
        match self.weekends {
            Some(w) if !self.cyclic() => (w.first_saturday..self.n_days.saturating_sub(1))
                .step_by(7)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The rules of one week taken alone as a 7-day stretch (no wrap, no weekend rule):
    /// the building block of [`enumerate_capped`] and of the weekly network of the
    /// optimizer.
    pub fn one_week(&self) -> PatternRules {
        PatternRules {
            n_days: 7,
            weekends: None,
            ..*self
        }
    }
}

/// Whether day pattern `mask` keeps `rules` (see the module's description of runs).
pub fn allowed(mask: u32, rules: &PatternRules) -> bool {
    allowed_as(mask, rules, rules.cyclic())
}

/// [`allowed`], the horizon taken as cyclic or as a stretch as asked.
fn allowed_as(mask: u32, rules: &PatternRules, cyclic: bool) -> bool {
    let n = rules.n_days;
    if n == 0 || n > 32 {
        return false;
    }
    let full = if n == 32 { u32::MAX } else { (1u32 << n) - 1 };
    if mask & !full != 0 {
        return false;
    }
    let per_week = |w: u32| (mask >> (7 * w) & 0x7f).count_ones();
    let weeks_ok = if n <= 7 {
        (rules.days.0..=rules.days.1).contains(&mask.count_ones())
    } else {
        (0..rules.weeks()).all(|w| (rules.days.0..=rules.days.1).contains(&per_week(w)))
    };
    if !weeks_ok {
        return false;
    }
    runs_ok(mask, rules, cyclic) && weekends_ok(mask, rules)
}

/// The runs of `mask` keep the rules' days off and days in a row.
fn runs_ok(mask: u32, rules: &PatternRules, cyclic: bool) -> bool {
    runs(mask, rules.n_days, cyclic).iter().all(|r| {
        if r.worked {
            rules.max_consecutive_days.is_none_or(|m| r.len <= m)
        } else {
            r.len >= rules.consecutive_days_off || (!cyclic && r.touches_edge)
        }
    })
}

/// The weekend rule ([`Weekends`]) holds for `mask`.
fn weekends_ok(mask: u32, rules: &PatternRules) -> bool {
    let Some(w) = rules.weekends else {
        return true;
    };
    let off: Vec<bool> = (rules.saturdays().iter())
        .map(|&s| mask >> s & 3 == 0)
        .collect();
    let every = w.every.max(1) as usize;
    off.len() < every || off.windows(every).all(|win| win.iter().any(|&o| o))
}

/// Every allowed pattern, ascending. Over several weeks prefer [`enumerate_capped`]:
/// the patterns can run to millions.
pub fn enumerate(rules: &PatternRules) -> Vec<u32> {
    enumerate_capped(rules, usize::MAX).unwrap_or_default()
}

/// Every allowed pattern, ascending, or `None` when there are more than `cap`. Over
/// several weeks the patterns are built week by week from [`week_patterns`], a partial
/// tour kept only while its runs so far keep the rules.
pub fn enumerate_capped(rules: &PatternRules, cap: usize) -> Option<Vec<u32>> {
    if rules.n_days <= 7 {
        let all: Vec<u32> = (1..(1u32 << rules.n_days))
            .filter(|&m| allowed(m, rules))
            .collect();
        return (all.len() <= cap).then_some(all);
    }
    let weekly = week_patterns(rules);
    let mut out = Vec::new();
    let mut stack: Vec<(u32, u32)> = vec![(0, 0)];
    while let Some((mask, weeks)) = stack.pop() {
        if weeks == rules.weeks() {
            if allowed(mask, rules) {
                out.push(mask);
                if out.len() > cap {
                    return None;
                }
            }
            continue;
        }
        let prefix = PatternRules {
            n_days: 7 * (weeks + 1),
            ..*rules
        };
        for &q in weekly.iter().rev() {
            let m = mask | q << (7 * weeks);
            if (weeks == 0 || joins(mask >> (7 * (weeks - 1)) & 0x7f, q, rules))
                && weekends_ok(m, &prefix)
            {
                stack.push((m, weeks + 1));
            }
        }
    }
    out.sort_unstable();
    Some(out)
}

/// Whether some pattern keeps `rules` (stops at the first found).
pub fn any_allowed(rules: &PatternRules) -> bool {
    enumerate_capped(rules, 0).is_none_or(|v| !v.is_empty())
}

/// The patterns of one week (7 days, a stretch) that keep the week's days and runs: the
/// blocks of a tour over several weeks.
pub fn week_patterns(rules: &PatternRules) -> Vec<u32> {
    let week = rules.one_week();
    (1..0x80u32)
        .filter(|&m| allowed_as(m, &week, false))
        .collect()
}

/// Whether week pattern `q` may follow week pattern `p` (both from [`week_patterns`]):
/// the runs across the two weeks (days off and days in a row) keep the rules. A tour
/// over several weeks keeps its runs exactly when every two weeks in a row join (no run
/// of days off spans a week, and a worked run longer than a week breaks the most days
/// in a row, at most 7, at one of its joins).
pub fn joins(p: u32, q: u32, rules: &PatternRules) -> bool {
    let two = PatternRules {
        n_days: 14,
        days: (0, 14),
        weekends: None,
        ..*rules
    };
    runs_ok(p | q << 7, &two, false)
}

/// A maximal run of worked days or of days off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// Worked (or off).
    pub worked: bool,
    /// Days in it (for a cyclic week where every day is alike: `u32::MAX`, unbounded).
    pub len: u32,
    /// It contains the horizon's first or last day (never in a cyclic week).
    pub touches_edge: bool,
}

/// The maximal runs of `mask` over `n` days; in a cyclic week a run may wrap from the
/// last day to the first, and a week of one kind only is one unbounded run.
pub fn runs(mask: u32, n: u32, cyclic: bool) -> Vec<Run> {
    let day = |d: u32| mask >> (d % n) & 1 == 1;
    let mut out = Vec::new();
    if cyclic {
        // Start at a day that differs from the one before it.
        let Some(first) = (0..n).find(|&d| day(d) != day(d + n - 1)) else {
            return vec![Run {
                worked: day(0),
                len: u32::MAX,
                touches_edge: false,
            }];
        };
        let mut d = first;
        while d < first + n {
            let kind = day(d);
            let mut len = 0;
            while d < first + n && day(d) == kind {
                len += 1;
                d += 1;
            }
            out.push(Run {
                worked: kind,
                len,
                touches_edge: false,
            });
        }
        return out;
    }
    let mut d = 0;
    while d < n {
        let (kind, from) = (day(d), d);
        while d < n && day(d) == kind {
            d += 1;
        }
        out.push(Run {
            worked: kind,
            len: d - from,
            touches_edge: from == 0 || d == n,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baker() -> PatternRules {
        PatternRules {
            n_days: 7,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: None,
        }
    }

    #[test]
    fn baker_s_week_has_the_seven_pairs_of_consecutive_days_off() {
        let p = enumerate(&baker());
        assert_eq!(p.len(), 7);
        for m in p {
            let off = !m & 0x7f;
            // Two days off, adjacent in the cyclic week.
            assert_eq!(off.count_ones(), 2);
            assert!(
                (0..7).any(|d| off == (1 << d | 1 << ((d + 1) % 7))),
                "{m:07b}"
            );
        }
    }

    #[test]
    fn runs_wrap_in_a_week_and_stop_at_the_edges_otherwise() {
        // Off on Sunday (day 6) and Monday (day 0): one run of two in a cyclic week.
        let m = 0b011_1110;
        let r = runs(m, 7, true);
        assert_eq!(r.iter().filter(|r| !r.worked).count(), 1);
        assert!(r.iter().any(|r| !r.worked && r.len == 2));
        // The same days in a 7-day stretch (not cyclic): two runs of one, at the edges.
        let r = runs(m, 7, false);
        assert_eq!(r.iter().filter(|r| !r.worked && r.touches_edge).count(), 2);
        let all = runs(0x7f, 7, true);
        assert_eq!(all[0].len, u32::MAX);
        // Max consecutive days: every day of a cyclic week is an unbounded run.
        let rules = PatternRules {
            days: (1, 7),
            max_consecutive_days: Some(6),
            ..baker()
        };
        assert!(!allowed(0x7f, &rules));
        assert!(allowed(
            0b011_1111,
            &PatternRules {
                consecutive_days_off: 1,
                ..rules
            }
        ));
    }

    #[test]
    fn a_short_horizon_lets_days_off_at_its_edges_run_on_outside_it() {
        let rules = PatternRules {
            n_days: 4,
            days: (1, 4),
            consecutive_days_off: 2,
            max_consecutive_days: Some(3),
            weekends: None,
        };
        assert!(allowed(0b0110, &rules)); // off on day 0 and day 3: edges
        assert!(!allowed(0b1011, &rules)); // a lone day off inside
        assert!(!allowed(0b1111, &rules)); // four in a row
        assert!(allowed(0b0111, &rules));
    }

    /// Every pattern by brute force over all bit sets of the horizon.
    fn brute(rules: &PatternRules) -> Vec<u32> {
        (1..(1u32 << rules.n_days))
            .filter(|&m| allowed(m, rules))
            .collect()
    }

    #[test]
    fn weeks_built_one_by_one_are_every_allowed_pattern_of_a_fortnight() {
        let cases = [
            ((5, 5), 2, None, None),
            ((4, 5), 1, None, None),
            ((3, 5), 2, Some(5), None),
            ((5, 5), 2, None, Some((1, 5))),
            ((4, 6), 1, Some(6), Some((2, 6))),
            ((2, 3), 3, None, Some((2, 0))),
        ];
        for (days, off, most, weekend) in cases {
            let rules = PatternRules {
                n_days: 14,
                days,
                consecutive_days_off: off,
                max_consecutive_days: most,
                weekends: weekend.map(|(every, first_saturday)| Weekends {
                    every,
                    first_saturday,
                }),
            };
            let all = brute(&rules);
            assert_eq!(enumerate(&rules), all, "{rules:?}");
            assert!(!all.is_empty());
            assert_eq!(enumerate_capped(&rules, all.len() - 1), None);
            assert!(any_allowed(&rules));
            // Counted per week: each week of each pattern works days.0..=days.1 days.
            for m in all {
                for w in 0..2 {
                    let k = (m >> (7 * w) & 0x7f).count_ones();
                    assert!((days.0..=days.1).contains(&k), "{m:014b}");
                }
            }
        }
    }

    #[test]
    fn a_weekend_off_every_two_weeks_over_four_weeks() {
        // Monday start: Saturdays are days 5, 12, 19, 26.
        let rules = PatternRules {
            n_days: 28,
            days: (5, 5),
            consecutive_days_off: 2,
            max_consecutive_days: None,
            weekends: Some(Weekends {
                every: 2,
                first_saturday: 5,
            }),
        };
        assert_eq!(rules.saturdays(), vec![5, 12, 19, 26]);
        let week_off = |w: u32| 0x1f << (7 * w); // Monday to Friday worked
        let late = |w: u32| 0b111_1100 << (7 * w); // Wednesday to Sunday worked
        // Weekends off in weeks 2 and 4 only: weeks 3 and 4 hold one; fine.
        assert!(allowed(
            late(0) | week_off(1) | late(2) | week_off(3),
            &rules
        ));
        // Weeks 2 and 3 both worked at the weekend: refused.
        let m = week_off(0) | late(1) | late(2) | week_off(3);
        assert!(!allowed(m, &rules));
        let all = enumerate_capped(&rules, 100_000).unwrap();
        assert!(all.iter().all(|&m| {
            let off: Vec<bool> = [5, 12, 19, 26].iter().map(|s| m >> s & 3 == 0).collect();
            off.windows(2).all(|w| w[0] || w[1])
        }));
        // A worked run across a join is held to the most days in a row.
        let most = PatternRules {
            max_consecutive_days: Some(6),
            weekends: None,
            ..rules
        };
        assert!(!joins(0b111_1100, 0b001_1111, &most)); // Wed..Sun, then Mon..Fri: 10 days
        assert!(joins(0b001_1111, 0b001_1111, &most));
        // A lone day off across a join is refused with two in a row required.
        assert!(!joins(0b011_1111, 0b011_1111, &most));
        assert!(joins(0b011_1111, 0b111_1110, &most));
    }

    #[test]
    fn parts_of_a_week_are_counted_as_before() {
        assert_eq!(baker().weeks(), 1);
        assert!(baker().saturdays().is_empty());
        assert_eq!(enumerate_capped(&baker(), 6), None);
        assert_eq!(enumerate_capped(&baker(), 7).map(|v| v.len()), Some(7));
    }
}
