//! Handle-time and patience distributions, built and validated once from their parameters,
//! then sampled in the hot loop with no allocation and no branching on strings.

use rand::Rng;
use rand::RngExt;
use rand_distr::{Distribution as _, Exp, Gamma, LogNormal, Weibull};

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
    Exponential(#[serde(serialize_with = "crate::canonical::derived")] Exp<f64>),
    LogNormal(#[serde(serialize_with = "crate::canonical::derived")] LogNormal<f64>),
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
        let sampler = Sampler::Exponential(Exp::new(1.0 / mean).expect("rate is positive"));
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
        let dist = LogNormal::new(mu, sigma2.sqrt())
            .map_err(|e| DistributionError::new("cv", format!("lognormal: {e}")))?;
        Ok(Distribution {
            sampler: Sampler::LogNormal(dist),
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

    /// Draws one value in seconds.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Weibull { dist, .. } => dist.sample(rng),
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Deterministic(v) => *v,
            Sampler::Empirical(values) => values[rng.random_range(0..values.len())],
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
        }
    }
}
