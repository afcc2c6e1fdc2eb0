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

/// Distinct bins a histogram keeps as a sorted list of `(bin, count)` before it takes the
/// dense form (32 entries are 256 bytes; the dense counts are 3.6 kB).
const SPARSE_MAX: usize = 32;

/// Wait times in fine geometric bins: exact zero apart, sub-second near zero, about 2 %
/// wide above; quantiles are read off with linear interpolation inside a bin.
///
/// It costs what it holds: an empty histogram allocates nothing, one with few distinct
/// bins keeps them as a short sorted list, and past [`Self::SPARSE_MAX`] distinct bins it
/// takes the dense form (a count for each of the 899 bins). Either form has the same
/// bins and is read in the same bin order, so a quantile or a share is bit for bit the
/// same whatever the form (a per-interval histogram of a month at one-minute intervals
/// holds a few waits, a channel's over the horizon thousands).
#[derive(Clone, Debug, Default)]
pub struct WaitHistogram {
    /// Waits recorded.
    total: u64,
    /// The non-zero bins and their counts, by bin, while the histogram is sparse (empty
    /// once it is dense).
    sparse: Vec<(u16, u32)>,
    /// The count of every bin, once more than [`SPARSE_MAX`] bins are non-zero.
    dense: Option<Box<[u32; N_BINS]>>,
}

impl WaitHistogram {
    /// Bytes a dense histogram holds (its counts and the struct), the most one takes.
    pub const BYTES: usize = N_BINS * 4 + std::mem::size_of::<WaitHistogram>();

    /// Bytes a sparse histogram of `n` distinct bins holds at most: the struct, and its
    /// list (which grows by doubling from 4 entries) with an allocation's overhead.
    pub const fn sparse_bytes(n: usize) -> usize {
        let size = std::mem::size_of::<WaitHistogram>();
        let entries = if 2 * n > 4 { 2 * n } else { 4 };
        if n == 0 {
            size
        } else {
            size + 16 + entries * std::mem::size_of::<(u16, u32)>()
        }
    }

    /// Distinct bins past which a histogram is dense.
    pub const SPARSE_MAX: usize = SPARSE_MAX;

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
        let bin = Self::bin(wait);
        self.total += 1;
        match &mut self.dense {
            Some(counts) => counts[bin] += 1,
            None => self.add_sparse(bin, 1),
        }
    }

    /// Adds `n` waits to `bin` of a sparse histogram, taking the dense form when the bin
    /// is new and the list full (does not touch `total`).
    #[inline(never)]
    fn add_sparse(&mut self, bin: usize, n: u32) {
        let key = bin as u16;
        let mut i = 0;
        while i < self.sparse.len() && self.sparse[i].0 < key {
            i += 1;
        }
        if i < self.sparse.len() && self.sparse[i].0 == key {
            self.sparse[i].1 += n;
        } else if self.sparse.len() == SPARSE_MAX {
            self.densify()[bin] += n;
        } else {
            self.sparse.insert(i, (key, n));
        }
    }

    /// Takes the dense form (if not already in it), freeing the list; its counts.
    fn densify(&mut self) -> &mut [u32; N_BINS] {
        if self.dense.is_none() {
            let mut counts = Box::new([0u32; N_BINS]);
            for &(bin, c) in &self.sparse {
                counts[bin as usize] = c;
            }
            self.sparse = Vec::new();
            self.dense = Some(counts);
        }
        self.dense.as_mut().expect("dense")
    }

    /// Whether the histogram is in the dense form.
    pub fn is_dense(&self) -> bool {
        self.dense.is_some()
    }

    /// The non-zero bins and their counts, by bin, whatever the form.
    fn entries(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        let dense = self.dense.iter().flat_map(|counts| {
            (counts.iter().enumerate())
                .filter(|&(_, &c)| c != 0)
                .map(|(bin, &c)| (bin, c))
        });
        dense.chain(self.sparse.iter().map(|&(bin, c)| (bin as usize, c)))
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &WaitHistogram) {
        match (&mut self.dense, &other.dense) {
            (Some(a), Some(b)) => a.iter_mut().zip(b.iter()).for_each(|(a, b)| *a += b),
            (Some(a), None) => (other.sparse.iter()).for_each(|&(bin, c)| a[bin as usize] += c),
            (None, Some(b)) => {
                let a = self.densify();
                a.iter_mut().zip(b.iter()).for_each(|(a, b)| *a += b);
            }
            (None, None) => {
                for &(bin, c) in &other.sparse {
                    match &mut self.dense {
                        Some(a) => a[bin as usize] += c,
                        None => self.add_sparse(bin as usize, c),
                    }
                }
            }
        }
        self.total += other.total;
    }

    /// Empties the histogram, keeping its storage (and its form).
    pub fn clear(&mut self) {
        if let Some(counts) = &mut self.dense {
            counts.iter_mut().for_each(|c| *c = 0);
        }
        self.sparse.clear();
        self.total = 0;
    }

    /// Number of recorded waits.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Share of the recorded waits at most `t` seconds (NaN when empty), interpolated
    /// within a bin.
    pub fn share_within(&self, t: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let mut within = 0.0;
        for (bin, c) in self.entries() {
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

    /// [`Self::share_within`] of each of `thresholds` (seconds, ascending), in one pass over
    /// the bins instead of one a threshold: the same bits (the whole bins below a threshold
    /// are counted exactly either way, then the one it falls in adds its interpolated
    /// part). NaN for each when empty.
    ///
    /// # Panics
    /// In debug builds, when `thresholds` is not ascending.
    pub fn shares_within(&self, thresholds: &[f64]) -> Vec<f64> {
        debug_assert!(thresholds.windows(2).all(|w| w[0] <= w[1]), "ascending");
        if self.total == 0 {
            return vec![f64::NAN; thresholds.len()];
        }
        let total = self.total as f64;
        let mut shares = Vec::with_capacity(thresholds.len());
        let mut entries = self.entries().peekable();
        // Waits in the bins wholly at or below the current threshold (an exact integer).
        let mut whole: u64 = 0;
        for &t in thresholds {
            let mut part = 0.0;
            while let Some(&(bin, c)) = entries.peek() {
                let (low, high) = Self::bounds(bin);
                if high <= t {
                    whole += u64::from(c);
                    entries.next();
                } else {
                    if low < t {
                        part = c as f64 * (t - low) / (high - low);
                    }
                    break;
                }
            }
            // `share_within` adds the same integers one bin at a time as f64, exactly.
            shares.push((whole as f64 + part) / total);
        }
        shares
    }

    /// The `q`-quantile (0 < q ≤ 1) in seconds, or NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let target = q * self.total as f64;
        let mut cumulative = 0.0;
        for (bin, c) in self.entries() {
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

    /// A dense histogram of `waits` (the reference the sparse form must equal).
    fn dense(waits: &[f64]) -> WaitHistogram {
        let mut h = WaitHistogram::default();
        h.densify();
        waits.iter().for_each(|&w| h.add(w));
        h
    }

    fn sparse(waits: &[f64]) -> WaitHistogram {
        let mut h = WaitHistogram::default();
        waits.iter().for_each(|&w| h.add(w));
        h
    }

    /// Waits from a fixed-seed generator: zeros, sub-8 ms waits, a wide spread of
    /// exponential waits and some in the overflow bin (24 days or more, infinity).
    fn random_waits(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut uniform = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| match (uniform() * 10.0) as u32 {
                0..=2 => 0.0,
                3 => uniform() * 0.008,
                4 => 3e6 * (1.0 + uniform()),
                5 if uniform() < 0.1 => f64::INFINITY,
                k => -(1.0 - uniform()).ln() * 10f64.powi(k as i32 - 5),
            })
            .collect()
    }

    /// Every reading of `a` equals `b`'s, bit for bit, and the one-pass shares equal the
    /// shares one threshold at a time.
    fn assert_same(a: &WaitHistogram, b: &WaitHistogram, what: &str) {
        assert_eq!(a.count(), b.count(), "{what}: count");
        let qs = (1..=200)
            .map(|i| i as f64 / 200.0)
            .chain([0.9, 0.999, 1e-9]);
        for q in qs {
            let (x, y) = (a.quantile(q), b.quantile(q));
            assert_eq!(x.to_bits(), y.to_bits(), "{what}: quantile({q}) {x} vs {y}");
        }
        let ts = (crate::stats::WAIT_THRESHOLDS_S.iter().copied()).chain([
            -1.0,
            0.001,
            0.0078125,
            2.5,
            1e5,
            3e6,
            1e9,
            f64::INFINITY,
        ]);
        let mut sorted: Vec<f64> = ts.clone().collect();
        sorted.sort_by(f64::total_cmp);
        for h in [a, b] {
            let one_pass = h.shares_within(&sorted);
            for (&t, x) in sorted.iter().zip(one_pass) {
                let y = h.share_within(t);
                assert_eq!(x.to_bits(), y.to_bits(), "{what}: shares_within at {t}");
            }
        }
        for t in ts {
            let (x, y) = (a.share_within(t), b.share_within(t));
            assert_eq!(
                x.to_bits(),
                y.to_bits(),
                "{what}: share_within({t}) {x} vs {y}"
            );
        }
    }

    #[test]
    fn the_sparse_form_reads_as_the_dense_one() {
        for (seed, n) in [0, 1, 2, 5, 20, 31, 32, 33, 40, 100, 1_000, 20_000]
            .into_iter()
            .enumerate()
        {
            let waits = random_waits(n, seed as u64 + 1);
            let (s, d) = (sparse(&waits), dense(&waits));
            assert!(d.is_dense());
            let distinct = s.entries().count();
            assert_eq!(s.is_dense(), distinct > SPARSE_MAX, "{n} waits");
            assert_eq!(
                s.entries().collect::<Vec<_>>(),
                d.entries().collect::<Vec<_>>()
            );
            assert_same(&s, &d, &format!("{n} random waits"));
        }
        // Only zero waits, and only overflowing ones.
        for w in [0.0, -1.0, 3e6, f64::INFINITY] {
            let waits = vec![w; 7];
            let s = sparse(&waits);
            assert!(!s.is_dense());
            assert_same(&s, &dense(&waits), &format!("seven waits of {w}"));
        }
        assert!(WaitHistogram::default().quantile(0.9).is_nan());
        assert_same(&WaitHistogram::default(), &dense(&[]), "empty");
    }

    #[test]
    fn a_histogram_turns_dense_past_the_threshold() {
        // 1 + i/32 s for i < 32: one octave's 32 bins.
        let mut waits: Vec<f64> = (0..SPARSE_MAX).map(|i| 1.0 + i as f64 / 32.0).collect();
        let mut h = sparse(&waits);
        assert_eq!(h.entries().count(), SPARSE_MAX);
        assert!(!h.is_dense(), "exactly the threshold stays sparse");
        h.add(1.5);
        assert!(!h.is_dense(), "a bin already held is no new entry");
        waits.push(1.5);
        assert_same(&h, &dense(&waits), "at the threshold");
        h.add(2.0);
        waits.push(2.0);
        assert!(h.is_dense(), "a new bin past the threshold");
        assert!(
            h.sparse.is_empty() && h.sparse.capacity() == 0,
            "the list is freed"
        );
        assert_same(&h, &dense(&waits), "past the threshold");
        h.clear();
        assert!(h.is_dense(), "clearing keeps the form");
        assert_same(&h, &dense(&[]), "cleared");
        h.add(4.0);
        assert_same(&h, &dense(&[4.0]), "cleared then added to");
    }

    #[test]
    fn merging_any_forms_is_merging_dense_ones() {
        let waits = random_waits(3_000, 99);
        // Parts of every size: some stay sparse, some merge past the threshold.
        let mut cuts = vec![0, 1, 3, 10, 25, 40, 41, 80, 500, 520, 2_999];
        cuts.push(waits.len());
        let parts: Vec<&[f64]> = cuts.windows(2).map(|w| &waits[w[0]..w[1]]).collect();
        let reference = dense(&waits);
        for make in [sparse, dense] {
            for start in [sparse, dense] {
                let mut all = start(&[]);
                for part in &parts {
                    all.merge(&make(part));
                }
                assert_same(&all, &reference, "merged parts");
            }
        }
        // Two sparse histograms whose union passes the threshold.
        let low: Vec<f64> = (0..20).map(|i| 1.0 + i as f64 / 32.0).collect();
        let high: Vec<f64> = (0..20).map(|i| 8.0 + i as f64 / 4.0).collect();
        let mut a = sparse(&low);
        a.merge(&sparse(&high));
        assert!(a.is_dense());
        assert_same(
            &a,
            &dense(&[low, high].concat()),
            "sparse + sparse past the threshold",
        );
    }

    #[test]
    fn an_empty_histogram_allocates_nothing() {
        let h = WaitHistogram::default();
        assert!(h.sparse.capacity() == 0 && h.dense.is_none());
        assert!(WaitHistogram::sparse_bytes(1) < WaitHistogram::BYTES / 20);
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
