//! Day patterns: which days of the horizon a tour works, as a bit set (bit `d` set: day
//! `d` is worked), over a horizon of 2 to 7 days. A 7-day horizon is a cyclic week (the
//! tour repeats every week, as in Baker's days-off problem): runs of days off and of
//! working days wrap from the last day to the first. A shorter horizon is a stretch of a
//! week: a run of days off touching its first or last day may continue outside it and is
//! not held to the minimum run.

/// The day-pattern rules of one contract, over one horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatternRules {
    /// Days in the horizon, 2..=7.
    pub n_days: u32,
    /// Worked days in the horizon, `(min, max)` (already narrowed by the contract's
    /// hours and clipped to the horizon).
    pub days: (u32, u32),
    /// Days off come in runs of at least this many (1: no rule).
    pub consecutive_days_off: u32,
    /// Most working days in a row (`None`: no limit).
    pub max_consecutive_days: Option<u32>,
}

impl PatternRules {
    /// Whether the horizon is a cyclic week.
    pub fn cyclic(&self) -> bool {
        self.n_days == 7
    }
}

/// Whether day pattern `mask` keeps `rules` (see the module's description of runs).
pub fn allowed(mask: u32, rules: &PatternRules) -> bool {
    let n = rules.n_days;
    let full = (1u32 << n) - 1;
    if mask & !full != 0 {
        return false;
    }
    let worked = mask.count_ones();
    if worked < rules.days.0 || worked > rules.days.1 {
        return false;
    }
    runs(mask, n, rules.cyclic()).iter().all(|r| {
        if r.worked {
            rules.max_consecutive_days.is_none_or(|m| r.len <= m)
        } else {
            r.len >= rules.consecutive_days_off || (!rules.cyclic() && r.touches_edge)
        }
    })
}

/// Every allowed pattern, ascending.
pub fn enumerate(rules: &PatternRules) -> Vec<u32> {
    (1..(1u32 << rules.n_days))
        .filter(|&m| allowed(m, rules))
        .collect()
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
        };
        assert!(allowed(0b0110, &rules)); // off on day 0 and day 3: edges
        assert!(!allowed(0b1011, &rules)); // a lone day off inside
        assert!(!allowed(0b1111, &rules)); // four in a row
        assert!(allowed(0b0111, &rules));
    }
}
