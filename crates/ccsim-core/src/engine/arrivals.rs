//! Exact generation of a piecewise-constant Poisson process: a unit-exponential amount of
//! integrated rate is spent across interval boundaries, so each arrival costs O(1)
//! amortised and intervals with rate zero are skipped.

use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp1};

/// Where one arrival stream stands in its rate profile.
#[derive(Clone, Debug)]
pub struct ArrivalClock {
    /// Time of the last arrival (or of the start).
    pub t: f64,
    /// Interval holding `t`.
    pub interval: usize,
}

impl ArrivalClock {
    /// A clock at time zero.
    pub fn new() -> ArrivalClock {
        ArrivalClock {
            t: 0.0,
            interval: 0,
        }
    }

    /// Advances to the next arrival, or returns `None` when it would fall past the last
    /// interval; `rate_at(k)` is the rate per second in interval `k` (of `n` intervals of
    /// length `interval_len`).
    #[inline(always)]
    pub fn next(
        &mut self,
        n: usize,
        rate_at: impl Fn(usize) -> f64,
        interval_len: f64,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<f64> {
        let mut budget: f64 = Exp1.sample(rng);
        loop {
            let k = self.interval;
            if k >= n {
                return None;
            }
            let rate = rate_at(k);
            let end = (k + 1) as f64 * interval_len;
            if rate > 0.0 {
                let t = self.t + budget / rate;
                if t < end {
                    self.t = t;
                    return Some(t);
                }
                budget -= (end - self.t) * rate;
            }
            self.t = end;
            self.interval = k + 1;
        }
    }
}

impl Default for ArrivalClock {
    fn default() -> Self {
        ArrivalClock::new()
    }
}
