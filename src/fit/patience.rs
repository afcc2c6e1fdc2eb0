//! Patience from a contact log: abandoned contacts are events at their wait, answered ones
//! are censored there (their patience was longer than their wait). Every row counts: the
//! waits are summed exactly and counted on a fine grid (64 cells an octave), never sampled.
//!
//! Two candidates are fitted to all of it by maximum likelihood with the censoring: the
//! exponential (closed form: total waiting time over abandonments) and the lognormal
//! (Newton's method on (μ, ln σ) with a line search, σ kept within a cv of 10). They are
//! compared by BIC with the number of abandonments as the sample size (Volinsky & Raftery,
//! "Bayesian information criterion for censored survival models", Biometrics 56, 2000):
//! the lognormal is used only when its BIC is lower, it rests on 50 abandonments or more
//! and its cv is not at the bound. The likelihood only sees the waits the log has, so no
//! tail beyond them decides; with few abandonments the simpler exponential stays.
//!
//! The Kaplan–Meier curve is computed from every row and judges both fits where 30
//! contacts or more were still waiting.

use std::collections::BTreeMap;
use std::f64::consts::{LN_2, SQRT_2};

/// Fewest contacts still waiting at an abandonment for the Kaplan–Meier curve there to
/// judge a patience fit.
pub const AT_RISK_TO_JUDGE: u64 = 30;

/// Fewest abandonments for a lognormal to be used instead of the exponential.
pub const MIN_ABANDONED_FOR_LOGNORMAL: u64 = 50;

/// An abandonment logged with a wait of 0 left within this many seconds (the likelihood
/// takes it as censored in [0, 1 s], the same for both candidates).
const ZERO_WAIT_WITHIN: f64 = 1.0;

/// Grid cells per octave of wait.
const CELLS_PER_OCTAVE: f64 = 64.0;

/// Wait at the grid's cell edge 0: cell `k` holds waits in (30 s · 2^((k−1)/64),
/// 30 s · 2^(k/64)], so 30 s, 1, 2, 4 and 8 minutes are cell edges.
const GRID_ORIGIN: f64 = 30.0;

/// The times of the Kaplan–Meier table, seconds (all of them cell edges).
const TABLE: [f64; 5] = [30.0, 60.0, 120.0, 240.0, 480.0];

/// The smallest and largest σ a lognormal patience may have: a cv of 0.01 to 10, what a
/// scenario takes.
fn sigma_bounds(max_cv: f64) -> (f64, f64) {
    (
        (1.0f64 + 0.01 * 0.01).ln().sqrt(),
        (1.0 + max_cv * max_cv).ln().sqrt(),
    )
}

/// The waits of one channel's answered and abandoned contacts.
#[derive(Default)]
pub(super) struct Waits {
    /// Abandoned contacts (events).
    pub abandoned: u64,
    /// Answered contacts (censored at their wait).
    pub answered: u64,
    /// Σ wait over both, seconds.
    pub total: f64,
    /// Abandoned with a wait of exactly 0.
    zero_abandoned: u64,
    /// Answered with a wait of exactly 0 (at risk only at time 0).
    zero_answered: u64,
    /// Σ ln w and Σ (ln w)² over the abandoned with a positive wait.
    sum_ln: f64,
    sum_ln2: f64,
    /// Grid cell → counts of positive waits.
    cells: BTreeMap<i32, Cell>,
}

#[derive(Clone, Copy, Default)]
struct Cell {
    abandoned: u64,
    answered: u64,
    /// Σ ln w of the answered in the cell.
    answered_ln: f64,
}

fn cell_of(wait: f64) -> i32 {
    let k = (CELLS_PER_OCTAVE * (wait / GRID_ORIGIN).log2()).ceil();
    k.clamp(-1e6, 1e6) as i32
}

fn cell_end(k: i32) -> f64 {
    GRID_ORIGIN * (k as f64 / CELLS_PER_OCTAVE * LN_2).exp()
}

impl Waits {
    /// Counts one contact that waited `wait` seconds and abandoned or was answered.
    pub fn push(&mut self, wait: f64, abandoned: bool) {
        self.total += wait;
        if abandoned {
            self.abandoned += 1;
        } else {
            self.answered += 1;
        }
        if wait <= 0.0 {
            if abandoned {
                self.zero_abandoned += 1;
            } else {
                self.zero_answered += 1;
            }
            return;
        }
        let cell = self.cells.entry(cell_of(wait)).or_default();
        if abandoned {
            let x = wait.ln();
            self.sum_ln += x;
            self.sum_ln2 += x * x;
            cell.abandoned += 1;
        } else {
            cell.answered += 1;
            cell.answered_ln += wait.ln();
        }
    }

    /// Abandoned contacts with a positive wait.
    fn positive_abandoned(&self) -> u64 {
        self.abandoned - self.zero_abandoned
    }
}

/// The exponential fit: mean `theta`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExponentialFit {
    /// Mean patience, seconds: Σ waits / abandonments (the censored maximum likelihood).
    pub mean: f64,
    /// 95 % confidence interval of the mean, θ̂ · exp(∓1.96 / √abandoned) (the likelihood's
    /// curvature on the log scale).
    pub ci95: (f64, f64),
    /// Log-likelihood at the fit (densities in seconds).
    pub log_likelihood: f64,
}

/// The lognormal fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LognormalFit {
    /// Log-scale parameters of the maximum.
    pub mu: f64,
    /// Log-scale standard deviation.
    pub sigma: f64,
    /// Mean patience, seconds: exp(μ + σ²/2).
    pub mean: f64,
    /// Coefficient of variation: √(exp(σ²) − 1).
    pub cv: f64,
    /// 95 % confidence interval of the mean from the observed information (delta method on
    /// ln mean); `None` at the bound.
    pub ci95: Option<(f64, f64)>,
    /// Log-likelihood at the fit (densities in seconds).
    pub log_likelihood: f64,
    /// σ ran to the largest a scenario takes (cv 10): the data do not fix the tail.
    pub at_bound: bool,
}

/// Which distribution the scenario gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatienceChoice {
    /// The exponential.
    Exponential,
    /// The lognormal.
    Lognormal,
}

/// How well the Kaplan–Meier curve is matched.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GapCheck {
    /// Largest gaps (exponential, lognormal) where 30 contacts or more were still waiting
    /// at an abandonment, and the longest such wait; `None` when there was none: the fit
    /// is not judged.
    pub judged: Option<(f64, Option<f64>, f64)>,
    /// Most contacts still waiting at any abandonment (with a positive wait).
    pub most_at_risk: u64,
    /// Largest gap of the exponential at any abandonment, however few were still waiting.
    pub seen: f64,
}

/// One row of the Kaplan–Meier table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KmPoint {
    /// Seconds.
    pub at: f64,
    /// Kaplan–Meier survival there.
    pub km: f64,
    /// Contacts whose wait was longer (still waiting then).
    pub still_waiting: u64,
    /// The exponential's survival there.
    pub exponential: f64,
    /// The lognormal's, when one was fitted.
    pub lognormal: Option<f64>,
}

/// The patience of one channel.
#[derive(Clone, Debug, PartialEq)]
pub struct PatienceFit {
    /// Abandoned contacts behind it.
    pub abandoned: u64,
    /// Answered contacts behind it (censored).
    pub answered: u64,
    /// The exponential fit.
    pub exponential: ExponentialFit,
    /// The lognormal fit (`None` with fewer than 3 abandonments with a positive wait).
    pub lognormal: Option<LognormalFit>,
    /// The one the scenario gets.
    pub choice: PatienceChoice,
    /// Why, in a sentence.
    pub reason: String,
    /// The Kaplan–Meier check.
    pub gap: GapCheck,
    /// Kaplan–Meier survival at 30 s, 1, 2, 4 and 8 minutes (while anyone was still
    /// waiting), with both fits.
    pub km_points: Vec<KmPoint>,
}

impl PatienceFit {
    /// BIC of the exponential and of the lognormal (−2 ℓ + parameters · ln abandoned).
    pub fn bic(&self) -> (f64, Option<f64>) {
        let ln_d = (self.abandoned as f64).ln();
        (
            -2.0 * self.exponential.log_likelihood + ln_d,
            self.lognormal.map(|l| -2.0 * l.log_likelihood + 2.0 * ln_d),
        )
    }

    /// The chosen distribution's mean, seconds.
    pub fn mean(&self) -> f64 {
        match (self.choice, self.lognormal) {
            (PatienceChoice::Lognormal, Some(l)) => l.mean,
            _ => self.exponential.mean,
        }
    }
}

/// Fits patience to `waits`; `None` without an abandonment or without any waiting.
/// `max_cv` bounds the lognormal's cv (what a scenario takes).
pub(super) fn fit(waits: &Waits, max_cv: f64) -> Option<PatienceFit> {
    let d = waits.abandoned;
    if d == 0 || waits.total <= 0.0 {
        return None;
    }
    let theta = waits.total / d as f64;
    let half = 1.96 / (d as f64).sqrt();
    let exponential = ExponentialFit {
        mean: theta,
        ci95: (theta * (-half).exp(), theta * half.exp()),
        log_likelihood: exponential_log_likelihood(waits, theta),
    };
    let lognormal = fit_lognormal(waits, theta, max_cv);
    let ln_d = (d as f64).ln();
    let (choice, reason) = match lognormal {
        None => (
            PatienceChoice::Exponential,
            "the exponential is used: a lognormal needs 3 abandoned contacts or more with a wait"
                .to_string(),
        ),
        Some(_) if d < MIN_ABANDONED_FOR_LOGNORMAL => (
            PatienceChoice::Exponential,
            format!(
                "the exponential is used: {d} abandoned contacts are too few (under {MIN_ABANDONED_FOR_LOGNORMAL}) to tell a lognormal from it"
            ),
        ),
        Some(l) if l.at_bound => (
            PatienceChoice::Exponential,
            format!(
                "the exponential is used: the lognormal's cv runs to {max_cv}, the most a scenario takes, so the waits in the log do not fix its tail"
            ),
        ),
        Some(l) => {
            let bic_exp = -2.0 * exponential.log_likelihood + ln_d;
            let bic_ln = -2.0 * l.log_likelihood + 2.0 * ln_d;
            if bic_ln < bic_exp {
                (
                    PatienceChoice::Lognormal,
                    format!(
                        "the lognormal is used: its BIC is lower by {:.1}",
                        bic_exp - bic_ln
                    ),
                )
            } else {
                (
                    PatienceChoice::Exponential,
                    format!(
                        "the exponential is used: its BIC is lower by {:.1}",
                        bic_ln - bic_exp
                    ),
                )
            }
        }
    };
    let (gap, km_points) = kaplan_meier(waits, theta, lognormal);
    Some(PatienceFit {
        abandoned: d,
        answered: waits.answered,
        exponential,
        lognormal,
        choice,
        reason,
        gap,
        km_points,
    })
}

/// ℓ(θ) = −n₊ ln θ − Σw/θ + n₀ ln(1 − e^(−1 s/θ)) over every wait: abandoned with a
/// positive wait (density), abandoned at 0 (within the first second), answered (survival).
fn exponential_log_likelihood(w: &Waits, theta: f64) -> f64 {
    let n_pos = w.positive_abandoned() as f64;
    let zero = w.zero_abandoned as f64;
    let mut l = -n_pos * theta.ln() - w.total / theta;
    if zero > 0.0 {
        l += zero * (-(-ZERO_WAIT_WITHIN / theta).exp_m1()).ln();
    }
    l
}

/// ln Q(z) and the hazard φ(z)/Q(z) of the standard normal, Q = 1 − Φ, accurate in both
/// tails (erfc below 5, the continued fraction of Mills' ratio above).
fn normal_tail(z: f64) -> (f64, f64) {
    let ln_phi = -0.5 * z * z - 0.5 * (2.0 * std::f64::consts::PI).ln();
    if z < 5.0 {
        let q = 0.5 * statrs::function::erf::erfc(z / SQRT_2);
        let ln_q = q.ln();
        (ln_q, (ln_phi - ln_q).exp())
    } else {
        // Q/φ = 1/(z + 1/(z + 2/(z + 3/(z + …)))).
        let mut t = z;
        for k in (1..=80).rev() {
            t = z + k as f64 / t;
        }
        (ln_phi - t.ln(), t)
    }
}

/// The lognormal's log-likelihood, gradient and Hessian in (μ, τ = ln σ).
struct Evaluation {
    value: f64,
    gradient: [f64; 2],
    hessian: [[f64; 2]; 2],
}

fn lognormal_evaluate(w: &Waits, mu: f64, tau: f64) -> Evaluation {
    let sigma = tau.exp();
    let s2 = sigma * sigma;
    let n = w.positive_abandoned() as f64;
    // Abandoned with positive waits: −Σ ln w − n ln σ − n ln √(2π) − Σ(x − μ)²/(2σ²).
    let a = w.sum_ln2 - 2.0 * mu * w.sum_ln + n * mu * mu;
    let b = w.sum_ln - n * mu;
    let mut value =
        -w.sum_ln - n * sigma.ln() - 0.5 * n * (2.0 * std::f64::consts::PI).ln() - a / (2.0 * s2);
    let (mut g_mu, mut g_s) = (b / s2, -n / sigma + a / (s2 * sigma));
    let (mut h_mm, mut h_ms, mut h_ss) = (
        -n / s2,
        -2.0 * b / (s2 * sigma),
        n / s2 - 3.0 * a / (s2 * s2),
    );
    // Answered (right-censored) at x: c ln Q(z), z = (x − μ)/σ.
    let mut censored = |c: f64, x: f64, left: bool| {
        // Left-censored (abandoned at 0, within the first second): ln Φ(y) = ln Q(−y).
        let z = if left {
            (mu - x) / sigma
        } else {
            (x - mu) / sigma
        };
        let (ln_q, lambda) = normal_tail(z);
        let sign = if left { -1.0 } else { 1.0 };
        value += c * ln_q;
        g_mu += sign * c * lambda / sigma;
        g_s += c * lambda * z / sigma;
        h_mm -= c * lambda * (lambda - z) / s2;
        h_ms -= sign * c * (lambda * z * (lambda - z) + lambda) / s2;
        h_ss -= c * (z * z * lambda * (lambda - z) + 2.0 * z * lambda) / s2;
    };
    for cell in w.cells.values().filter(|c| c.answered > 0) {
        let c = cell.answered as f64;
        censored(c, cell.answered_ln / c, false);
    }
    if w.zero_abandoned > 0 {
        censored(w.zero_abandoned as f64, ZERO_WAIT_WITHIN.ln(), true);
    }
    // To (μ, τ): ∂/∂τ = σ ∂/∂σ, ∂²/∂τ² = σ² ∂²/∂σ² + σ ∂/∂σ.
    Evaluation {
        value,
        gradient: [g_mu, sigma * g_s],
        hessian: [
            [h_mm, sigma * h_ms],
            [sigma * h_ms, s2 * h_ss + sigma * g_s],
        ],
    }
}

/// The censored lognormal maximum likelihood: Newton's method on (μ, τ = ln σ) from the
/// lognormal with the exponential's mean and σ = 1, each step halved until the likelihood
/// rises (a gradient step where the Hessian is not negative definite), τ kept within the
/// bounds; `None` with fewer than 3 abandonments with a positive wait.
fn fit_lognormal(w: &Waits, theta: f64, max_cv: f64) -> Option<LognormalFit> {
    if w.positive_abandoned() < 3 {
        return None;
    }
    let (lo, hi) = sigma_bounds(max_cv);
    let (tau_lo, tau_hi) = (lo.ln(), hi.ln());
    let (mut mu, mut tau) = (theta.ln() - 0.5, 0.0f64.clamp(tau_lo, tau_hi));
    let mut e = lognormal_evaluate(w, mu, tau);
    for _ in 0..200 {
        let [g0, g1] = e.gradient;
        let [[a, b], [_, c]] = e.hessian;
        // τ at a bound with the likelihood rising beyond it: move μ alone.
        let pinned = (tau >= tau_hi && g1 > 0.0) || (tau <= tau_lo && g1 < 0.0);
        let det = a * c - b * b;
        let mut step = if pinned {
            [if a < 0.0 { -g0 / a } else { g0.signum() }, 0.0]
        } else if a < 0.0 && det > 0.0 {
            [-(c * g0 - b * g1) / det, -(a * g1 - b * g0) / det]
        } else {
            let norm = (g0 * g0 + g1 * g1).sqrt().max(f64::MIN_POSITIVE);
            [g0 / norm, g1 / norm]
        };
        // At most 2 in μ and 1 in τ at a time.
        let scale = (2.0 / step[0].abs()).min(1.0 / step[1].abs()).min(1.0);
        step = [step[0] * scale, step[1] * scale];
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..60 {
            let (m, ta) = (mu + t * step[0], (tau + t * step[1]).clamp(tau_lo, tau_hi));
            let next = lognormal_evaluate(w, m, ta);
            if next.value.is_finite() && next.value >= e.value {
                let gain = next.value - e.value;
                let change = (m - mu).abs().max((ta - tau).abs());
                (mu, tau, e) = (m, ta, next);
                moved = change > 1e-12 && gain > 1e-13 * e.value.abs().max(1.0);
                break;
            }
            t *= 0.5;
        }
        if !moved {
            break;
        }
    }
    if !(mu.is_finite() && e.value.is_finite()) {
        return None;
    }
    let sigma = tau.exp();
    let s2 = sigma * sigma;
    let at_bound = tau >= tau_hi - 1e-9;
    // Observed information −H; Var(ln mean) = gᵀ(−H)⁻¹g with g = ∂(μ + e^{2τ}/2)/∂(μ, τ).
    let [[a, b], [_, c]] = e.hessian;
    let det = a * c - b * b;
    let mean = (mu + s2 / 2.0).exp();
    let ci95 = (!at_bound && a < 0.0 && det > 0.0)
        .then(|| {
            let g = [1.0, s2];
            // (−H)⁻¹ = [[−c, b], [b, −a]] / det.
            let var = (-c * g[0] * g[0] + 2.0 * b * g[0] * g[1] - a * g[1] * g[1]) / det;
            (var > 0.0).then(|| {
                let h = 1.96 * var.sqrt();
                (mean * (-h).exp(), mean * h.exp())
            })
        })
        .flatten();
    Some(LognormalFit {
        mu,
        sigma,
        mean,
        cv: s2.exp_m1().sqrt(),
        ci95,
        log_likelihood: e.value,
        at_bound,
    })
}

/// Survival of a lognormal with log-scale parameters (μ, σ) at `t`.
fn lognormal_survival(t: f64, mu: f64, sigma: f64) -> f64 {
    if t <= 0.0 {
        return 1.0;
    }
    normal_tail((t.ln() - mu) / sigma).0.exp()
}

/// The Kaplan–Meier curve from every row, cell by cell (with the answered of a cell at
/// risk for half of it), the gaps of both fits, and the table.
fn kaplan_meier(
    w: &Waits,
    theta: f64,
    lognormal: Option<LognormalFit>,
) -> (GapCheck, Vec<KmPoint>) {
    let exponential = |t: f64| (-t / theta).exp();
    let ln_survival = |t: f64| lognormal.map(|l| lognormal_survival(t, l.mu, l.sigma));
    let n = w.abandoned + w.answered;
    // At time 0: abandonments at 0 are events, answers at 0 leave.
    let mut survival = if n > 0 {
        1.0 - w.zero_abandoned as f64 / n as f64
    } else {
        1.0
    };
    let mut at_risk = n - w.zero_abandoned - w.zero_answered;
    let mut judged: Option<(f64, Option<f64>, f64)> = None;
    let (mut most_at_risk, mut seen) = (0u64, 0.0f64);
    let mut table = Vec::new();
    let mut next_row = 0;
    // A table row at each of its times once every cell up to it is in.
    let mut table_rows = |upto: Option<i32>, survival: f64, at_risk: u64| {
        while next_row < TABLE.len() {
            let at = TABLE[next_row];
            if upto.is_some_and(|k| k < cell_of(at)) {
                break;
            }
            if at_risk > 0 {
                table.push(KmPoint {
                    at,
                    km: survival,
                    still_waiting: at_risk,
                    exponential: exponential(at),
                    lognormal: ln_survival(at),
                });
            }
            next_row += 1;
        }
    };
    for (&k, cell) in &w.cells {
        // Rows of the table before this cell: everyone in it is still waiting then.
        table_rows(Some(k - 1), survival, at_risk);
        if cell.abandoned > 0 && at_risk > 0 {
            // The answered in the cell left, on average, half-way through it: the
            // abandonments there had half of them still waiting (the life-table
            // correction; the cell is 1 % wide, so what remains of the order is negligible).
            let exposed = at_risk as f64 - cell.answered as f64 / 2.0;
            survival *= 1.0 - cell.abandoned as f64 / exposed;
            let t = cell_end(k);
            let gap = (survival - exponential(t)).abs();
            seen = seen.max(gap);
            most_at_risk = most_at_risk.max(at_risk);
            if at_risk >= AT_RISK_TO_JUDGE {
                let ln_gap = ln_survival(t).map(|s| (survival - s).abs());
                let (e, l, _) = judged.unwrap_or((0.0, ln_gap.map(|_| 0.0), 0.0));
                judged = Some((e.max(gap), l.zip(ln_gap).map(|(a, b)| a.max(b)), t));
            }
        }
        at_risk -= cell.abandoned + cell.answered;
    }
    table_rows(None, survival, at_risk);
    (
        GapCheck {
            judged,
            most_at_risk,
            seen,
        },
        table,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, Exp, LogNormal};

    #[test]
    fn the_normal_tail_is_continuous_where_its_two_methods_meet() {
        for z in [4.999_999, 5.0, 5.000_001] {
            let q = 0.5 * statrs::function::erf::erfc(z / SQRT_2);
            let (ln_q, lambda) = normal_tail(z);
            assert!((ln_q - q.ln()).abs() < 1e-9, "{z}: {ln_q} vs {}", q.ln());
            let phi = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
            assert!((lambda - phi / q).abs() / lambda < 1e-9, "{z}");
        }
        // Far in the tails: finite, ln Q ≈ −z²/2 above, Q → 1 below.
        let (ln_q, lambda) = normal_tail(40.0);
        assert!(ln_q.is_finite() && (ln_q + 800.0).abs() < 10.0 && (lambda - 40.0).abs() < 0.1);
        let (ln_q, lambda) = normal_tail(-40.0);
        assert!(ln_q.abs() < 1e-300 && (0.0..1e-300).contains(&lambda));
    }

    fn sample(seed: u64, n: usize, patience: impl Fn(&mut Xoshiro256PlusPlus) -> f64) -> Waits {
        // Waits offered to each contact: exponential with mean 3 minutes; the contact
        // abandons if its patience runs out first, and some waits are 0 (answered at once).
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let offered = Exp::new(1.0 / 180.0).unwrap();
        let mut w = Waits::default();
        for _ in 0..n {
            let p = patience(&mut rng);
            let o = if rng.random::<f64>() < 0.3 {
                0.0
            } else {
                offered.sample(&mut rng)
            };
            if p < o {
                w.push(p, true);
            } else {
                w.push(o, false);
            }
        }
        w
    }

    #[test]
    fn the_gradient_and_hessian_match_finite_differences() {
        let mut w = sample(3, 2000, |r| LogNormal::new(5.0, 0.8).unwrap().sample(r));
        // Two abandonments at 0, for the left-censored term.
        w.push(0.0, true);
        w.push(0.0, true);
        for (mu, tau) in [(5.0, -0.2), (4.0, 0.5), (6.5, 0.9)] {
            let e = lognormal_evaluate(&w, mu, tau);
            let h = 1e-5;
            let f = |m: f64, t: f64| lognormal_evaluate(&w, m, t);
            let gm = (f(mu + h, tau).value - f(mu - h, tau).value) / (2.0 * h);
            let gt = (f(mu, tau + h).value - f(mu, tau - h).value) / (2.0 * h);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-5 * (1.0 + a.abs().max(b.abs()));
            assert!(close(e.gradient[0], gm), "{:?} vs {gm}", e.gradient);
            assert!(close(e.gradient[1], gt), "{:?} vs {gt}", e.gradient);
            let hmm = (f(mu + h, tau).gradient[0] - f(mu - h, tau).gradient[0]) / (2.0 * h);
            let hmt = (f(mu, tau + h).gradient[0] - f(mu, tau - h).gradient[0]) / (2.0 * h);
            let htt = (f(mu, tau + h).gradient[1] - f(mu, tau - h).gradient[1]) / (2.0 * h);
            assert!(close(e.hessian[0][0], hmm), "{:?} vs {hmm}", e.hessian);
            assert!(close(e.hessian[0][1], hmt), "{:?} vs {hmt}", e.hessian);
            assert!(close(e.hessian[1][1], htt), "{:?} vs {htt}", e.hessian);
        }
    }

    #[test]
    fn a_censored_lognormal_is_recovered_and_chosen_and_an_exponential_is_kept() {
        // Lognormal patience (μ 5, σ 0.8: mean 204 s), censored by the waits offered.
        let w = sample(5, 20_000, |r| LogNormal::new(5.0, 0.8).unwrap().sample(r));
        let f = fit(&w, 10.0).unwrap();
        let l = f.lognormal.unwrap();
        // Standard errors from the fit's own information: a few hundredths here.
        assert!(
            (l.mu - 5.0).abs() < 0.1 && (l.sigma - 0.8).abs() < 0.08,
            "{l:?}"
        );
        let (lo, hi) = l.ci95.unwrap();
        let mean = (5.0f64 + 0.32).exp();
        assert!(lo < mean && mean < hi, "{l:?}");
        assert_eq!(f.choice, PatienceChoice::Lognormal, "{}", f.reason);
        // Exponential patience (mean 4 minutes): the exponential stays.
        let w = sample(6, 20_000, |r| Exp::new(1.0 / 240.0).unwrap().sample(r));
        let f = fit(&w, 10.0).unwrap();
        assert_eq!(f.choice, PatienceChoice::Exponential, "{}", f.reason);
        // ln θ̂ has standard error 1/√abandoned: within four.
        let d = f.abandoned as f64;
        assert!(
            (f.exponential.mean / 240.0).ln().abs() < 4.0 / d.sqrt(),
            "{:?}",
            f.exponential
        );
    }
}
