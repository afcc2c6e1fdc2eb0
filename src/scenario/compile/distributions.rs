//! `{ dist = "...", ... }` tables into [`Distribution`]s: exactly the keys a family
//! takes must be present, and a parameter the constructor refuses is blamed at its own
//! key.

use super::super::ScenarioError;
use super::super::checker::Checker;
use super::super::raw::RawDistribution;
use crate::distribution::Distribution;
use std::ops::Range;
use toml::Spanned;

/// Builds a distribution, checking that exactly the keys its family takes are present.
pub(super) fn build_distribution(
    c: &Checker,
    spec: &Spanned<RawDistribution>,
    key: &str,
) -> Result<Distribution, ScenarioError> {
    build(c, spec, key, false)
}

/// [`build_distribution`]; `part`: a mixture's part, which takes a `weight` and may be a
/// deterministic zero.
fn build(
    c: &Checker,
    spec: &Spanned<RawDistribution>,
    key: &str,
    part: bool,
) -> Result<Distribution, ScenarioError> {
    let d = spec.get_ref();
    let family = d.dist.get_ref().as_str();
    if !part && let Some(w) = &d.weight {
        return Err(c.err(
            w.span(),
            format!("{key}.weight"),
            "`weight` belongs to a mixture's part: dist = \"mixture\", parts = [{ weight = 0.1, dist = … }, …]",
        ));
    }
    if part && d.weight.is_none() {
        return Err(c.err(
            spec.span(),
            key,
            "a mixture's part needs its `weight` (a probability; the parts' weights add up to 1)",
        ));
    }
    let present: [(&str, Option<Range<usize>>); 9] = [
        ("mean", d.mean.as_ref().map(|v| v.span())),
        ("cv", d.cv.as_ref().map(|v| v.span())),
        ("shape", d.shape.as_ref().map(|v| v.span())),
        ("scale", d.scale.as_ref().map(|v| v.span())),
        ("min", d.min.as_ref().map(|v| v.span())),
        ("max", d.max.as_ref().map(|v| v.span())),
        ("value", d.value.as_ref().map(|v| v.span())),
        ("values", d.values.as_ref().map(|v| v.span())),
        ("parts", d.parts.as_ref().map(|v| v.span())),
    ];
    let (takes, needs): (&[&str], &[&str]) = match family {
        "exponential" => (&["mean"], &["mean"]),
        "lognormal" | "gamma" => (&["mean", "cv"], &["mean", "cv"]),
        "weibull" => (&["shape", "scale", "mean"], &["shape"]),
        "uniform" => (&["min", "max"], &["min", "max"]),
        "deterministic" => (&["value"], &["value"]),
        "empirical" => (&["values"], &["values"]),
        "mixture" => (&["parts"], &["parts"]),
        other => {
            return Err(c.err(
                d.dist.span(),
                format!("{key}.dist"),
                format!("unknown distribution \"{other}\"; allowed: exponential, lognormal, gamma, weibull, uniform, deterministic, empirical, mixture"),
            ));
        }
    };
    for (name, span) in &present {
        if let Some(span) = span
            && !takes.contains(name)
        {
            return Err(c.err(
                span.clone(),
                format!("{key}.{name}"),
                format!(
                    "`{name}` does not apply to dist = \"{family}\"; it takes: {}",
                    takes.join(", ")
                ),
            ));
        }
    }
    for name in needs {
        if present.iter().any(|(n, s)| n == name && s.is_none()) {
            return Err(c.err(
                spec.span(),
                key,
                format!(
                    "dist = \"{family}\" needs `{name}`; it takes: {}",
                    takes.join(", ")
                ),
            ));
        }
    }
    let built = if family == "mixture" {
        mixture(c, spec, key)?
    } else if part
        && family == "deterministic"
        && d.value.as_ref().is_some_and(|v| v.get_ref().secs() == 0.0)
    {
        Ok(Distribution::zero())
    } else {
        construct(c, spec, key, family)?
    };
    built.map_err(|e| {
        let span = present
            .iter()
            .find(|(n, _)| *n == e.param)
            .and_then(|(_, s)| s.clone())
            .unwrap_or_else(|| spec.span());
        c.err(span, format!("{key}.{}", e.param), e.message)
    })
}

/// The distribution of `family` from its keys, checked present by the caller; the
/// constructor's own errors are returned inside (a Weibull with both or neither of
/// `scale` and `mean` is an error here).
fn construct(
    c: &Checker,
    spec: &Spanned<RawDistribution>,
    key: &str,
    family: &str,
) -> Result<Result<Distribution, crate::distribution::DistributionError>, ScenarioError> {
    let d = spec.get_ref();
    let secs =
        |v: &Option<Spanned<crate::duration::Duration>>| v.as_ref().map(|x| x.get_ref().secs());
    Ok(match family {
        "exponential" => Distribution::exponential(secs(&d.mean).expect("needed")),
        "lognormal" => Distribution::lognormal(
            secs(&d.mean).expect("needed"),
            *d.cv.as_ref().expect("needed").get_ref(),
        ),
        "gamma" => Distribution::gamma(
            secs(&d.mean).expect("needed"),
            *d.cv.as_ref().expect("needed").get_ref(),
        ),
        "weibull" => {
            let shape = *d.shape.as_ref().expect("needed").get_ref();
            match (secs(&d.scale), secs(&d.mean)) {
                (Some(scale), None) => Distribution::weibull(shape, scale),
                (None, Some(mean)) => Distribution::weibull_with_mean(shape, mean),
                _ => {
                    return Err(c.err(
                        spec.span(),
                        key,
                        "dist = \"weibull\" needs `shape` and exactly one of `scale` or `mean`",
                    ));
                }
            }
        }
        "uniform" => {
            Distribution::uniform(secs(&d.min).expect("needed"), secs(&d.max).expect("needed"))
        }
        "deterministic" => Distribution::deterministic(secs(&d.value).expect("needed")),
        _ => {
            let values: Vec<f64> = d
                .values
                .as_ref()
                .expect("needed")
                .get_ref()
                .iter()
                .map(|v| v.secs())
                .collect();
            Distribution::empirical(&values)
        }
    })
}

/// `dist = "mixture"`: each part built at `KEY.parts[i]` with its weight (a deterministic
/// part may be zero); the mixture's own errors (weights not adding up to 1, a mean of
/// zero) blamed at `parts` or at the first part's `weight`.
fn mixture(
    c: &Checker,
    spec: &Spanned<RawDistribution>,
    key: &str,
) -> Result<Result<Distribution, crate::distribution::DistributionError>, ScenarioError> {
    let parts = spec.get_ref().parts.as_ref().expect("needed");
    let mut built = Vec::with_capacity(parts.get_ref().len());
    for (i, p) in parts.get_ref().iter().enumerate() {
        let part_key = format!("{key}.parts[{i}]");
        if p.get_ref().parts.is_some() {
            return Err(c.err(
                p.span(),
                part_key,
                "a mixture's part is one distribution, not another mixture",
            ));
        }
        // `build` refuses a part without its weight first.
        let d = build(c, p, &part_key, true)?;
        let weight = p.get_ref().weight.as_ref().expect("checked by build");
        let w = *weight.get_ref();
        if !(w.is_finite() && w > 0.0 && w <= 1.0) {
            return Err(c.err(
                weight.span(),
                format!("{part_key}.weight"),
                format!("a part's weight is a probability above 0 and at most 1 (got {w})"),
            ));
        }
        built.push((w, d));
    }
    let total: f64 = built.iter().map(|(w, _)| w).sum();
    if (total - 1.0).abs() > 1e-6 {
        let shown = (total * 1e9).round() / 1e9;
        return Err(c.err(
            parts.span(),
            format!("{key}.parts"),
            format!("the parts' weights add up to {shown}; they must add up to 1"),
        ));
    }
    Ok(Distribution::mixture(built).map_err(|mut e| {
        if e.param == "weight" {
            e.message = format!("{} (parts[].weight)", e.message);
        }
        e
    }))
}
