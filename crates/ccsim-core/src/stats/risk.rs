//! Risk across replications. Each replication is one possible day (its arrivals, its
//! busyness draw, its patience): besides the mean over days that the estimates give, a
//! planner asks how likely the service-level target is met, and how bad the bad days are.
//! [`Risk`] answers both for one scope (an interval of a channel, or a channel over the
//! reported period): the share of days whose service level reached the target, with its
//! 95 % Wilson score interval, and the 10th, 50th and 90th percentiles of the service
//! level, the ASA and the abandon rate across days. [`RiskSamples`] keeps what the
//! per-interval risks need as replications are folded in: per (interval, channel) cell
//! and replication three `f32` values, and the exact count of days met.

use super::QueueMetrics;
use serde::Serialize;

/// The standard normal quantile of 0.975: the two-sided 95 % Wilson interval's z.
const Z_975: f64 = 1.959_963_984_540_054;

/// How far below the target a service level still counts as meeting it: the rounding of
/// `answered_in_threshold / offered` (4 of 5 is 0.8 exactly, but a sum of shares may not
/// be).
const MET_TOLERANCE: f64 = 1e-12;

/// Whether a day's service level `sl` meets `target` (NaN: the scope offered nothing
/// that day, and the day is not judged).
pub fn meets(sl: f64, target: f64) -> bool {
    sl + MET_TOLERANCE >= target
}

/// The 10th, 50th and 90th percentiles of a metric across days (replications) on which
/// it is defined; NaN (JSON `null`) when it is defined on none. Empirical quantiles with
/// linear interpolation between order statistics (Hyndman and Fan's type 7, the default
/// of R and NumPy).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Percentiles {
    /// 10th percentile.
    #[serde(serialize_with = "finite")]
    pub p10: f64,
    /// Median.
    #[serde(serialize_with = "finite")]
    pub p50: f64,
    /// 90th percentile.
    #[serde(serialize_with = "finite")]
    pub p90: f64,
}

fn finite<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    v.is_finite().then_some(*v).serialize(s)
}

/// The `q` quantile (0 ≤ q ≤ 1) of `sorted` (ascending, finite), type 7; NaN if empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

impl Percentiles {
    /// The percentiles of the finite values among `values` (NaN ones are days on which the
    /// metric is undefined, left out).
    pub fn of(values: impl Iterator<Item = f64>) -> Percentiles {
        let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        Percentiles {
            p10: quantile_sorted(&v, 0.1),
            p50: quantile_sorted(&v, 0.5),
            p90: quantile_sorted(&v, 0.9),
        }
    }
}

/// The share of days a target was met, with its 95 % confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Probability {
    /// Days met / days judged; NaN (JSON `null`) when no day was judged.
    #[serde(serialize_with = "finite")]
    pub probability: f64,
    /// Lower end of the 95 % Wilson score interval.
    #[serde(serialize_with = "finite")]
    pub low: f64,
    /// Upper end of the 95 % Wilson score interval.
    #[serde(serialize_with = "finite")]
    pub high: f64,
    /// Days judged: replications on which the scope offered contacts.
    pub days: u32,
    /// Days on which the target was met.
    pub met: u32,
}

impl Probability {
    /// `met` successes of `days` trials: the share and its 95 % Wilson score interval
    /// (E. B. Wilson, "Probable inference, the law of succession, and statistical
    /// inference", JASA 22, 1927): for p̂ = met/days, n = days, z = 1.96,
    /// (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). It stays inside [0, 1] and is
    /// not empty at p̂ = 0 or 1, where the normal approximation's interval is.
    pub fn wilson(met: u32, days: u32) -> Probability {
        if days == 0 {
            return Probability {
                probability: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
                days,
                met,
            };
        }
        let n = days as f64;
        let p = met as f64 / n;
        let z2 = Z_975 * Z_975;
        let denominator = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denominator;
        let half = Z_975 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
        Probability {
            probability: p,
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
            days,
            met,
        }
    }
}

/// The risk of one scope across days (replications): see the module's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Risk {
    /// The channel's service-level target (share answered within its threshold).
    pub service_level_target: f64,
    /// How often the service level reached the target: days met / days judged, with its
    /// 95 % Wilson interval.
    pub service_level_met: Probability,
    /// The service level's percentiles across days.
    pub service_level: Percentiles,
    /// The ASA's (mean wait of answered contacts, seconds) percentiles across days.
    pub asa_s: Percentiles,
    /// The abandon rate's percentiles across days.
    pub abandon_rate: Percentiles,
}

impl Risk {
    /// The risk of a scope from its metrics on each day (`days`, in any order).
    pub fn of<'a>(days: impl Iterator<Item = &'a QueueMetrics> + Clone, target: f64) -> Risk {
        let judged = days.clone().filter(|m| m.service_level.is_finite());
        let n = judged.clone().count() as u32;
        let met = judged.filter(|m| meets(m.service_level, target)).count() as u32;
        Risk {
            service_level_target: target,
            service_level_met: Probability::wilson(met, n),
            service_level: Percentiles::of(days.clone().map(|m| m.service_level)),
            asa_s: Percentiles::of(days.clone().map(|m| m.asa_s)),
            abandon_rate: Percentiles::of(days.map(|m| m.abandon_rate)),
        }
    }
}

/// Per (interval, channel) cell, what the risks need of each replication folded in: the
/// service level, ASA and abandon rate as `f32` (NaN where undefined), and the exact
/// counts of days judged and met. Memory: 12 bytes per cell and replication, beside the
/// 8 bytes per cell of the counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RiskSamples {
    /// Cells per replication.
    cells: usize,
    /// Replications folded.
    replications: u32,
    /// `[replication][cell][service level, ASA, abandon rate]`.
    values: Vec<f32>,
    /// Per cell, days on which the service level was defined.
    judged: Vec<u32>,
    /// Per cell, days on which it met the target.
    met: Vec<u32>,
}

impl RiskSamples {
    /// Folds one replication's cells in; `target(cell)` is the cell's service-level target.
    pub fn push(&mut self, cells: &[QueueMetrics], target: impl Fn(usize) -> f64) {
        if self.replications == 0 {
            self.cells = cells.len();
            self.judged = vec![0; cells.len()];
            self.met = vec![0; cells.len()];
        }
        self.replications += 1;
        self.values.reserve(3 * cells.len());
        for (i, m) in cells.iter().enumerate().take(self.cells) {
            self.values.extend([
                m.service_level as f32,
                m.asa_s as f32,
                m.abandon_rate as f32,
            ]);
            if m.service_level.is_finite() {
                self.judged[i] += 1;
                self.met[i] += u32::from(meets(m.service_level, target(i)));
            }
        }
    }

    /// The risk of cell `cell` (target `target`) over the replications folded in;
    /// undefined (NaN) values throughout for a cell never folded.
    pub fn cell(&self, cell: usize, target: f64) -> Risk {
        let column = |k: usize| {
            (0..self.replications as usize)
                .filter_map(move |r| self.values.get((r * self.cells + cell) * 3 + k))
                .map(|&v| widen(v))
        };
        Risk {
            service_level_target: target,
            service_level_met: Probability::wilson(
                self.met.get(cell).copied().unwrap_or(0),
                self.judged.get(cell).copied().unwrap_or(0),
            ),
            service_level: Percentiles::of(column(0)),
            asa_s: Percentiles::of(column(1)),
            abandon_rate: Percentiles::of(column(2)),
        }
    }
}

/// An `f32` sample as the `f64` it stands for: rounded to 6 decimals (an `f32` holds
/// about 7 significant digits), so that 0.9625 reads 0.9625, not 0.9624999761581421.
fn widen(v: f32) -> f64 {
    (f64::from(v) * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_order_statistics_as_numpy_does() {
        // numpy.percentile([1, 2, 3, 4, 10], [10, 50, 90]) = [1.4, 3.0, 7.6]
        let p = Percentiles::of([4.0, 1.0, 10.0, f64::NAN, 3.0, 2.0].into_iter());
        assert!((p.p10 - 1.4).abs() < 1e-12, "{p:?}");
        assert_eq!(p.p50, 3.0);
        assert!((p.p90 - 7.6).abs() < 1e-12, "{p:?}");
        let none = Percentiles::of([f64::NAN].into_iter());
        assert!(none.p10.is_nan() && none.p50.is_nan() && none.p90.is_nan());
        assert_eq!(Percentiles::of([5.0].into_iter()).p90, 5.0);
    }

    #[test]
    fn wilson_intervals_match_published_values() {
        // Newcombe (1998), Statistics in Medicine 17, table I: 81/263 → 0.2553–0.3662;
        // 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718.
        for (met, n, low, high) in [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ] {
            let p = Probability::wilson(met, n);
            assert!((p.low - low).abs() < 5e-5, "{met}/{n}: {p:?}");
            assert!((p.high - high).abs() < 5e-5, "{met}/{n}: {p:?}");
        }
        let all = Probability::wilson(20, 20);
        assert_eq!(all.probability, 1.0);
        assert!((all.low - (1.0 - 0.1611)).abs() < 5e-5 && all.high == 1.0);
        assert!(Probability::wilson(0, 0).probability.is_nan());
    }

    #[test]
    fn a_day_meets_its_target_at_the_target_itself() {
        assert!(meets(4.0 / 5.0, 0.8));
        assert!(meets(0.1 + 0.7, 0.8));
        assert!(!meets(0.79, 0.8));
        assert!(!meets(f64::NAN, 0.8));
    }

    fn day(sl: f64, asa: f64, abandon: f64) -> QueueMetrics {
        QueueMetrics {
            service_level: sl,
            asa_s: asa,
            abandon_rate: abandon,
            ..QueueMetrics::default()
        }
    }

    #[test]
    fn folded_cells_give_the_risk_of_their_days() {
        // Two cells (targets 0.8 and 0.5) over four days; cell 1 offers nothing on day 3.
        let days = [
            [day(0.9, 10.0, 0.01), day(0.4, 60.0, 0.1)],
            [day(0.7, 30.0, 0.05), day(0.6, 20.0, 0.02)],
            [day(0.8, 20.0, 0.02), day(f64::NAN, f64::NAN, f64::NAN)],
            [day(0.95, 5.0, 0.0), day(0.5, 40.0, 0.04)],
        ];
        let targets = [0.8, 0.5];
        let mut samples = RiskSamples::default();
        for d in &days {
            samples.push(d, |c| targets[c]);
        }
        for (c, &target) in targets.iter().enumerate() {
            let folded = samples.cell(c, target);
            let direct = Risk::of(days.iter().map(|d| &d[c]), target);
            assert_eq!(folded.service_level_met, direct.service_level_met);
            for (a, b) in [
                (folded.service_level, direct.service_level),
                (folded.asa_s, direct.asa_s),
                (folded.abandon_rate, direct.abandon_rate),
            ] {
                for (x, y) in [(a.p10, b.p10), (a.p50, b.p50), (a.p90, b.p90)] {
                    assert!((x - y).abs() < 1e-6, "cell {c}: {a:?} against {b:?}");
                }
            }
        }
        let first = samples.cell(0, 0.8);
        assert_eq!(
            (first.service_level_met.met, first.service_level_met.days),
            (3, 4)
        );
        let second = samples.cell(1, 0.5);
        assert_eq!(
            (second.service_level_met.met, second.service_level_met.days),
            (2, 3)
        );
        assert!((second.service_level.p50 - 0.5).abs() < 1e-6);
    }
}
