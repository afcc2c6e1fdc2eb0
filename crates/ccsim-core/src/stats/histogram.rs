//! The wait histogram: an exact zero bin, then 32 geometric bins per octave, so that a
//! quantile or a share within a threshold is read to about 2 % without keeping every wait.

/// Sub-bins per octave of the wait histogram (about 2 % relative resolution).
const SUB_BINS: usize = 32;
/// Smallest octave kept apart: waits below 2^-7 s (8 ms) share one bin.
const MIN_EXP: i32 = -7;
/// Waits of 2^21 s (24 days) or more share the overflow bin.
const MAX_EXP: i32 = 21;
/// Bin 0 holds zero waits, bin 1 waits under 2^MIN_EXP, then geometric bins, then overflow.
const N_BINS: usize = 2 + (MAX_EXP - MIN_EXP) as usize * SUB_BINS + 1;

/// Wait times in fine geometric bins: exact zero apart, sub-second near zero, about 2 %
/// wide above; quantiles are read off with linear interpolation inside a bin.
#[derive(Clone, Debug)]
pub struct WaitHistogram {
    counts: Vec<u32>,
    total: u64,
}

impl Default for WaitHistogram {
    fn default() -> Self {
        WaitHistogram {
            counts: vec![0; N_BINS],
            total: 0,
        }
    }
}

impl WaitHistogram {
    /// Bytes one histogram holds.
    pub const BYTES: usize = N_BINS * 4 + 32;

    #[inline]
    fn bin(wait: f64) -> usize {
        if wait <= 0.0 {
            return 0;
        }
        let bits = wait.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
        if exp < MIN_EXP {
            1
        } else if exp >= MAX_EXP {
            N_BINS - 1
        } else {
            let mantissa = ((bits >> (52 - 5)) & (SUB_BINS as u64 - 1)) as usize;
            2 + (exp - MIN_EXP) as usize * SUB_BINS + mantissa
        }
    }

    /// The `[low, high)` range of a bin in seconds.
    fn bounds(bin: usize) -> (f64, f64) {
        let min = 2f64.powi(MIN_EXP);
        match bin {
            0 => (0.0, 0.0),
            1 => (0.0, min),
            b if b == N_BINS - 1 => (2f64.powi(MAX_EXP), 2f64.powi(MAX_EXP)),
            b => {
                let k = b - 2;
                let octave = 2f64.powi(MIN_EXP + (k / SUB_BINS) as i32);
                let step = octave / SUB_BINS as f64;
                let low = octave + step * (k % SUB_BINS) as f64;
                (low, low + step)
            }
        }
    }

    /// Records one wait in seconds.
    #[inline]
    pub fn add(&mut self, wait: f64) {
        self.counts[Self::bin(wait)] += 1;
        self.total += 1;
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &WaitHistogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
    }

    /// Empties the histogram, keeping its storage.
    pub fn clear(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.total = 0;
    }

    /// Number of recorded waits.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0 < q ≤ 1) in seconds, or NaN when empty.
    /// Share of the recorded waits at most `t` seconds (NaN when empty), interpolated
    /// within a bin.
    pub fn share_within(&self, t: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let mut within = 0.0;
        for (bin, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let (low, high) = Self::bounds(bin);
            if high <= t {
                within += c as f64;
            } else if low < t {
                within += c as f64 * (t - low) / (high - low);
            } else {
                break;
            }
        }
        within / self.total as f64
    }

    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let target = q * self.total as f64;
        let mut cumulative = 0.0;
        for (bin, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let next = cumulative + c as f64;
            if next >= target {
                let (low, high) = Self::bounds(bin);
                let fraction = ((target - cumulative) / c as f64).clamp(0.0, 1.0);
                return low + (high - low) * fraction;
            }
            cumulative = next;
        }
        Self::bounds(N_BINS - 1).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_are_within_a_bin() {
        let mut h = WaitHistogram::default();
        for i in 0..10_000 {
            h.add(i as f64 * 0.01);
        }
        let p90 = h.quantile(0.9);
        assert!((p90 - 90.0).abs() / 90.0 < 0.035, "p90 = {p90}");
        let mut z = WaitHistogram::default();
        for _ in 0..95 {
            z.add(0.0);
        }
        for _ in 0..5 {
            z.add(30.0);
        }
        assert_eq!(z.quantile(0.9), 0.0);
        assert!(z.quantile(0.99) >= 29.0);
    }

    #[test]
    fn bins_are_monotone() {
        let mut last = 0;
        let mut v = 1e-4;
        while v < 3e6 {
            let b = WaitHistogram::bin(v);
            assert!(b >= last);
            let (lo, hi) = WaitHistogram::bounds(b);
            assert!(
                b == 1 || b == N_BINS - 1 || (lo <= v && v < hi),
                "{v} not in [{lo}, {hi})"
            );
            last = b;
            v *= 1.01;
        }
    }
}
