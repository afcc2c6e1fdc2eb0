//! Estimates over replications: running moments folded in replication order
//! ([`Moments`]) and a metric's mean with its Student-t 95 % half-width ([`Estimate`]).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Running moments of one metric over replications, folded in replication order;
/// non-finite values (a metric undefined in a replication) are left out. The mean is the
/// plain sum over the count, the variance Welford's (Welford 1962, Technometrics 4(3)).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    n: u32,
    sum: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// Adds one replication's value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        self.sum += x;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Mean and 95 % Student-t half-width of the values pushed.
    pub fn estimate(&self) -> Estimate {
        let n = self.n as usize;
        if n == 0 {
            return Estimate {
                mean: f64::NAN,
                ci95: f64::NAN,
                n,
            };
        }
        let mean = self.sum / n as f64;
        if n == 1 {
            return Estimate { mean, ci95: 0.0, n };
        }
        let variance = (self.m2 / (n - 1) as f64).max(0.0);
        Estimate {
            mean,
            ci95: t_quantile_975(n - 1) * (variance / n as f64).sqrt(),
            n,
        }
    }
}

/// A metric's mean over replications with the half-width of its 95 % confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Mean over the replications where the metric is defined (NaN if none).
    pub mean: f64,
    /// Half-width of the Student-t 95 % interval (0 with one replication).
    pub ci95: f64,
    /// Replications where the metric is defined.
    pub n: usize,
}

impl Estimate {
    /// Mean and 95 % half-width of the finite samples; NaN ones (undefined) are left out.
    pub fn from_samples(samples: impl Iterator<Item = f64>) -> Estimate {
        let mut m = Moments::default();
        samples.for_each(|v| m.push(v));
        m.estimate()
    }

    /// Whether `value` lies within the 95 % interval.
    pub fn covers(&self, value: f64) -> bool {
        (self.mean - value).abs() <= self.ci95
    }
}

/// The 97.5 % quantile of Student's t with `dof` degrees of freedom.
pub fn t_quantile_975(dof: usize) -> f64 {
    thread_local! {
        // The last degrees of freedom asked for and their quantile: a summary asks for
        // the same one a million times.
        static LAST: std::cell::Cell<(usize, f64)> = const { std::cell::Cell::new((0, f64::NAN)) };
    }
    let (d, q) = LAST.with(|c| c.get());
    if d == dof && dof > 0 {
        return q;
    }
    let q = StudentsT::new(0.0, 1.0, dof as f64).map_or(f64::NAN, |t| t.inverse_cdf(0.975));
    LAST.with(|c| c.set((dof, q)));
    q
}

impl serde::Serialize for Estimate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let finite = |v: f64| v.is_finite().then_some(v);
        let mut st = s.serialize_struct("Estimate", 2)?;
        st.serialize_field("mean", &finite(self.mean))?;
        st.serialize_field("ci95", &finite(self.ci95))?;
        st.end()
    }
}
