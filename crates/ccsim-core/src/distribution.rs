//! Handle-time and patience distributions, built and validated once from their parameters,
//! then sampled in the hot loop with no allocation and no branching on strings.

use rand::Rng;
use rand::RngExt;
use rand_distr::{Distribution as _, Exp1, Gamma, StandardNormal, Weibull};

/// A positive random duration in seconds (handle time, patience, …), ready to sample.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Distribution {
    sampler: Sampler,
    mean: f64,
    cv: f64,
}

/// How a distribution draws its values.
#[derive(Clone, Debug, serde::Serialize)]
enum Sampler {
    Exponential(#[serde(serialize_with = "crate::canonical::derived")] ExpScale),
    LogNormal(#[serde(serialize_with = "crate::canonical::derived")] LogNormalExp),
    Gamma(#[serde(serialize_with = "crate::canonical::derived")] Gamma<f64>),
    Weibull {
        #[serde(serialize_with = "crate::canonical::derived")]
        dist: Weibull<f64>,
        shape: f64,
    },
    Uniform {
        min: f64,
        width: f64,
    },
    Deterministic(f64),
    Empirical(Box<[f64]>),
    /// Each part with its probability: `cumulative[i]` is the weights of parts `0..=i`
    /// added up (the last is 1).
    Mixture {
        cumulative: Box<[f64]>,
        parts: Box<[Distribution]>,
    },
}

/// The exponential as `rand_distr::Exp` draws it (a standard exponential from `Exp1`'s
/// ziggurat times `1 / λ`, with λ = 1 / mean), but with the ziggurat called at the
/// sampling site: the same values, bit for bit, without `Rng::sample`'s call.
#[derive(Clone, Copy, Debug)]
struct ExpScale {
    /// `1 / λ`, computed as `Exp::new(λ)` does, so that it rounds the same way.
    inverse_rate: f64,
}

impl ExpScale {
    /// The exponential of the given `mean` (positive) seconds.
    fn new(mean: f64) -> ExpScale {
        let rate = 1.0 / mean;
        ExpScale {
            inverse_rate: 1.0 / rate,
        }
    }

    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let standard: f64 = Exp1.sample(rng);
        standard * self.inverse_rate
    }
}

/// The lognormal as `rand_distr::LogNormal` draws it — a standard normal from `rand_distr`'s
/// ziggurat, times σ, plus μ — exponentiated by this crate's [`crate::exp::exp`] instead of
/// the platform's `exp`: the same values on every machine (glibc picks an FMA or a plain
/// `exp` at run time, and the two differ in the last bit for some arguments), and fewer
/// instructions (issue 18).
#[derive(Clone, Copy, Debug)]
struct LogNormalExp {
    /// μ, the mean of the logarithm.
    mu: f64,
    /// σ, the standard deviation of the logarithm (positive).
    sigma: f64,
}

impl LogNormalExp {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        crate::exp::exp(self.mu + self.sigma * z)
    }
}

/// A distribution whose parameters are out of range, with what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionError {
    /// The parameter at fault (`mean`, `cv`, …).
    pub param: &'static str,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl DistributionError {
    fn new(param: &'static str, message: String) -> DistributionError {
        DistributionError { param, message }
    }
}

impl std::fmt::Display for DistributionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn positive(what: &'static str, v: f64) -> Result<f64, DistributionError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(DistributionError::new(
            what,
            format!("{what} must be a finite number greater than zero (got {v})"),
        ))
    }
}

fn coefficient_of_variation(cv: f64) -> Result<f64, DistributionError> {
    if cv.is_finite() && cv >= 0.0 {
        Ok(cv)
    } else {
        Err(DistributionError::new(
            "cv",
            format!("cv (coefficient of variation) must be zero or more (got {cv})"),
        ))
    }
}

impl Distribution {
    /// Exponential with the given mean in seconds.
    pub fn exponential(mean: f64) -> Result<Distribution, DistributionError> {
        let mean = positive("mean", mean)?;
        let sampler = Sampler::Exponential(ExpScale::new(mean));
        Ok(Distribution {
            sampler,
            mean,
            cv: 1.0,
        })
    }

    /// Lognormal with the given mean (seconds) and coefficient of variation.
    pub fn lognormal(mean: f64, cv: f64) -> Result<Distribution, DistributionError> {
        let mean = positive("mean", mean)?;
        let cv = coefficient_of_variation(cv)?;
        if cv == 0.0 {
            return Distribution::deterministic(mean);
        }
        let sigma2 = (1.0 + cv * cv).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        let sigma = sigma2.sqrt();
        if !(mu.is_finite() && sigma.is_finite() && sigma > 0.0) {
            return Err(DistributionError::new(
                "cv",
                format!("lognormal: mean {mean} and cv {cv} give no finite μ and σ"),
            ));
        }
        Ok(Distribution {
            sampler: Sampler::LogNormal(LogNormalExp { mu, sigma }),
            mean,
            cv,
        })
    }

    /// Gamma with the given mean (seconds) and coefficient of variation.
    pub fn gamma(mean: f64, cv: f64) -> Result<Distribution, DistributionError> {
        let mean = positive("mean", mean)?;
        let cv = coefficient_of_variation(cv)?;
        if cv == 0.0 {
            return Distribution::deterministic(mean);
        }
        let shape = 1.0 / (cv * cv);
        let dist = Gamma::new(shape, mean / shape)
            .map_err(|e| DistributionError::new("cv", format!("gamma: {e}")))?;
        Ok(Distribution {
            sampler: Sampler::Gamma(dist),
            mean,
            cv,
        })
    }

    /// Weibull with a shape and a scale in seconds.
    pub fn weibull(shape: f64, scale: f64) -> Result<Distribution, DistributionError> {
        let shape = positive("shape", shape)?;
        let scale = positive("scale", scale)?;
        let dist = Weibull::new(scale, shape)
            .map_err(|e| DistributionError::new("shape", format!("weibull: {e}")))?;
        let g = statrs::function::gamma::gamma;
        let mean = scale * g(1.0 + 1.0 / shape);
        let variance = scale * scale * g(1.0 + 2.0 / shape) - mean * mean;
        let cv = variance.max(0.0).sqrt() / mean;
        if !(mean.is_finite() && cv.is_finite() && mean > 0.0) {
            return Err(DistributionError::new(
                "shape",
                format!(
                    "a Weibull shape of {shape} gives an infinite or zero mean or variance; use a shape of 0.1 or more"
                ),
            ));
        }
        Ok(Distribution {
            sampler: Sampler::Weibull { dist, shape },
            mean,
            cv,
        })
    }

    /// Weibull with a shape and the mean in seconds (the scale is derived).
    pub fn weibull_with_mean(shape: f64, mean: f64) -> Result<Distribution, DistributionError> {
        let shape = positive("shape", shape)?;
        let mean = positive("mean", mean)?;
        let scale = mean / statrs::function::gamma::gamma(1.0 + 1.0 / shape);
        if !(scale.is_finite() && scale > 0.0) {
            return Err(DistributionError::new(
                "shape",
                format!(
                    "a Weibull shape of {shape} cannot have a mean of {mean}s; use a shape of 0.1 or more"
                ),
            ));
        }
        Distribution::weibull(shape, scale)
    }

    /// Uniform between `min` and `max` seconds.
    pub fn uniform(min: f64, max: f64) -> Result<Distribution, DistributionError> {
        if !(min.is_finite() && max.is_finite() && min >= 0.0 && max > min) {
            return Err(DistributionError::new(
                "max",
                format!("uniform needs 0 <= min < max (got min = {min}s, max = {max}s)"),
            ));
        }
        let width = max - min;
        let mean = min + width / 2.0;
        let cv = width / 12f64.sqrt() / mean;
        Ok(Distribution {
            sampler: Sampler::Uniform { min, width },
            mean,
            cv,
        })
    }

    /// Always `value` seconds.
    pub fn deterministic(value: f64) -> Result<Distribution, DistributionError> {
        let value = positive("value", value)?;
        Ok(Distribution {
            sampler: Sampler::Deterministic(value),
            mean: value,
            cv: 0.0,
        })
    }

    /// Zero seconds every time: a part of a [`Distribution::mixture`] only (a customer
    /// who leaves at once, e.g.), since a duration alone must be above zero.
    pub fn zero() -> Distribution {
        Distribution {
            sampler: Sampler::Deterministic(0.0),
            mean: 0.0,
            cv: 0.0,
        }
    }

    /// A finite mixture: with probability `w_i` a draw of part `i`. The weights must be
    /// above zero and add up to 1 (within 10⁻⁶; they are then scaled to 1 exactly), with
    /// at least two parts and a mean above zero. Mean Σ wᵢμᵢ; second moment
    /// Σ wᵢμᵢ²(1 + cvᵢ²), so cv = √(second moment − mean²) / mean.
    ///
    /// Errors: `parts` (fewer than two, or a mean of zero), `weight` (one out of range, or
    /// weights not adding up to 1).
    pub fn mixture(parts: Vec<(f64, Distribution)>) -> Result<Distribution, DistributionError> {
        if parts.len() < 2 {
            return Err(DistributionError::new(
                "parts",
                format!("a mixture needs at least two parts (got {})", parts.len()),
            ));
        }
        if let Some((w, _)) = parts
            .iter()
            .find(|(w, _)| !(w.is_finite() && *w > 0.0 && *w <= 1.0))
        {
            return Err(DistributionError::new(
                "weight",
                format!("a part's weight is a probability above 0 and at most 1 (got {w})"),
            ));
        }
        let total: f64 = parts.iter().map(|(w, _)| w).sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(DistributionError::new(
                "weight",
                format!("the parts' weights add up to {total}; they must add up to 1"),
            ));
        }
        let mean: f64 = parts.iter().map(|(w, d)| w / total * d.mean).sum();
        if mean.is_nan() || mean <= 0.0 {
            return Err(DistributionError::new(
                "parts",
                "a mixture's mean must be above zero (every part is zero)".into(),
            ));
        }
        let second: f64 = (parts.iter())
            .map(|(w, d)| w / total * d.mean * d.mean * (1.0 + d.cv * d.cv))
            .sum();
        let mut cumulative = Vec::with_capacity(parts.len());
        let mut acc = 0.0;
        for (w, _) in &parts {
            acc += w / total;
            cumulative.push(acc);
        }
        // The last part takes whatever rounding leaves above the sum.
        if let Some(last) = cumulative.last_mut() {
            *last = 1.0;
        }
        Ok(Distribution {
            sampler: Sampler::Mixture {
                cumulative: cumulative.into(),
                parts: parts.into_iter().map(|(_, d)| d).collect(),
            },
            mean,
            cv: (second - mean * mean).max(0.0).sqrt() / mean,
        })
    }

    /// Resamples uniformly from observed values in seconds.
    pub fn empirical(values: &[f64]) -> Result<Distribution, DistributionError> {
        if values.is_empty() {
            return Err(DistributionError::new(
                "values",
                "an empirical distribution needs at least one value".into(),
            ));
        }
        if let Some(bad) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(DistributionError::new(
                "values",
                format!("empirical values must be zero or more (got {bad})"),
            ));
        }
        if values.iter().all(|v| *v == 0.0) {
            return Err(DistributionError::new(
                "values",
                "an empirical distribution needs at least one value above zero".into(),
            ));
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let cv = variance.sqrt() / mean;
        Ok(Distribution {
            sampler: Sampler::Empirical(values.into()),
            mean,
            cv,
        })
    }

    /// Draws one value in seconds. The exponential (the commonest patience and handle
    /// time) is drawn inline at the caller; the others through one call.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Exponential(d) => d.sample(rng),
            _ => self.sample_other(rng),
        }
    }

    /// [`Self::sample`] with the lognormal drawn inline too (the same values): for the
    /// general path's hot sites (handle times, patience at arrival, bot sessions, return
    /// delays), where lognormals are common. The lean path keeps [`Self::sample`], whose
    /// smaller code inlines better where the exponential is the rule.
    #[inline(always)]
    pub fn sample_inline<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            _ => self.sample_other(rng),
        }
    }

    /// [`Self::sample`] for every distribution but the exponential.
    #[inline(never)]
    fn sample_other<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Weibull { dist, .. } => dist.sample(rng),
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Deterministic(v) => *v,
            Sampler::Empirical(values) => values[rng.random_range(0..values.len())],
            Sampler::Mixture { cumulative, parts } => {
                let u = rng.random::<f64>();
                let i = cumulative.partition_point(|&c| c <= u).min(parts.len() - 1);
                parts[i].sample(rng)
            }
        }
    }

    /// The mean in seconds.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The coefficient of variation (standard deviation / mean).
    pub fn cv(&self) -> f64 {
        self.cv
    }

    /// A short human-readable description, e.g. `lognormal(mean 5m, cv 0.60)`.
    pub fn describe(&self) -> String {
        let secs = crate::duration::Duration::from_secs;
        let mean = secs(self.mean);
        let cv = self.cv;
        match &self.sampler {
            Sampler::Exponential(_) => format!("exponential(mean {mean})"),
            Sampler::LogNormal(_) => format!("lognormal(mean {mean}, cv {cv:.2})"),
            Sampler::Gamma(_) => format!("gamma(mean {mean}, cv {cv:.2})"),
            Sampler::Weibull { shape, .. } => format!("weibull(shape {shape:.2}, mean {mean})"),
            Sampler::Uniform { min, width } => {
                format!("uniform({}, {})", secs(*min), secs(min + width))
            }
            Sampler::Deterministic(_) => format!("deterministic({mean})"),
            Sampler::Empirical(v) => format!("empirical({} values, mean {mean})", v.len()),
            Sampler::Mixture { cumulative, parts } => {
                let described: Vec<String> = (parts.iter().enumerate())
                    .map(|(i, d)| {
                        let w = cumulative[i] - if i == 0 { 0.0 } else { cumulative[i - 1] };
                        format!("{w:.2} × {}", d.describe())
                    })
                    .collect();
                format!("mixture({}; mean {mean}, cv {cv:.2})", described.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The exponential drawn at the call site gives `rand_distr::Exp`'s values bit for
    /// bit (the shipped outputs depend on it), for awkward means too.
    #[test]
    fn the_inline_exponential_draws_what_rand_distr_s_exp_draws() {
        for mean in [1.0, 3.0, 60.0, 180.0, 0.1, 1e-9, 7.3e6, 1.0 / 3.0, 299.999] {
            let ours = Distribution::exponential(mean).unwrap();
            let theirs = rand_distr::Exp::new(1.0 / mean).unwrap();
            let mut a = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(11);
            let mut b = a.clone();
            for _ in 0..20_000 {
                let (x, y) = (ours.sample(&mut a), theirs.sample(&mut b));
                assert_eq!(x.to_bits(), y.to_bits(), "mean {mean}");
            }
        }
    }

    /// The lognormal draws `rand_distr::LogNormal`'s values but for the `exp`: the same
    /// normal, scaled and shifted the same way, exponentiated by [`crate::exp::exp`],
    /// within 2 ulp of the platform's `exp` (each is within 1 ulp of the exact value).
    #[test]
    fn the_lognormal_draws_rand_distr_s_values_up_to_its_own_exp() {
        for (mean, cv) in [
            (300.0, 0.6),
            (60.0, 1.0),
            (5.0, 0.1),
            (3600.0, 2.5),
            (1e-3, 0.3),
        ] {
            let ours = Distribution::lognormal(mean, cv).unwrap();
            let Sampler::LogNormal(d) = ours.sampler else {
                panic!("not a lognormal");
            };
            let theirs = rand_distr::LogNormal::new(d.mu, d.sigma).unwrap();
            let mut a = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
            let mut b = a.clone();
            let mut same = 0;
            for _ in 0..20_000 {
                let (x, y) = (ours.sample(&mut a), theirs.sample(&mut b));
                let ulps = (x.to_bits() as i64 - y.to_bits() as i64).abs();
                assert!(ulps <= 2, "mean {mean}, cv {cv}: {x} against {y}");
                same += (ulps == 0) as u32;
            }
            // Most values are the same bits: both round the exact value to nearest.
            assert!(
                same > 18_000,
                "mean {mean}, cv {cv}: {same} of 20,000 the same"
            );
        }
    }

    #[test]
    fn a_mixture_has_the_moments_of_its_parts_and_draws_them() {
        // Patience as in SSJ's call center: zero with probability 0.1, else exponential
        // with mean 3 minutes: mean 0.9 × 180 = 162 s; second moment 0.9 × 2 × 180² =
        // 58,320 s², so sd = √(58,320 − 162²) = √32,076 = 179.1 s, cv 1.1055.
        let d = Distribution::mixture(vec![
            (0.1, Distribution::zero()),
            (0.9, Distribution::exponential(180.0).unwrap()),
        ])
        .unwrap();
        assert!((d.mean() - 162.0).abs() < 1e-9);
        assert!(
            (d.cv() - 32_076f64.sqrt() / 162.0).abs() < 1e-9,
            "{}",
            d.cv()
        );
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let zeros = draws.iter().filter(|&&x| x == 0.0).count() as f64 / n as f64;
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        // Four standard errors: of a share 0.1 over n draws, of the mean (sd / √n), and
        // of the variance (√((μ₄ − σ⁴) / n), μ₄ of this mixture = 0.9 × 24 × 180⁴ − …,
        // bounded here by 0.9 × 24 × 180⁴).
        assert!(
            (zeros - 0.1).abs() < 4.0 * (0.09 / n as f64).sqrt(),
            "{zeros}"
        );
        assert!(
            (mean - 162.0).abs() < 4.0 * 179.1 / (n as f64).sqrt(),
            "{mean}"
        );
        let var_se = (0.9 * 24.0 * 180f64.powi(4) / n as f64).sqrt();
        assert!((var - 32_076.0).abs() < 4.0 * var_se, "{var}");
        assert!(
            d.describe()
                .starts_with("mixture(0.10 × deterministic(0s), 0.90 × exponential(mean 3m)"),
            "{}",
            d.describe()
        );
    }

    #[test]
    fn bad_mixtures_say_which_parameter() {
        let e = |w: f64| (w, Distribution::exponential(60.0).unwrap());
        assert_eq!(
            Distribution::mixture(vec![e(1.0)]).unwrap_err().param,
            "parts"
        );
        assert_eq!(
            Distribution::mixture(vec![e(0.5), e(0.4)])
                .unwrap_err()
                .param,
            "weight"
        );
        assert_eq!(
            Distribution::mixture(vec![e(0.0), e(1.0)])
                .unwrap_err()
                .param,
            "weight"
        );
        let zeros = vec![(0.5, Distribution::zero()), (0.5, Distribution::zero())];
        assert_eq!(Distribution::mixture(zeros).unwrap_err().param, "parts");
    }
}
