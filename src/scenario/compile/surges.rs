//! `[[surge]]`: a multiplier on the arrival rates of a scope (channel, category or all)
//! over a window, with linear ramps; folded into each stream's rates at compile time, so
//! that a rate per interval is the exact mean of the surged rate over the interval.

use super::super::ScenarioError;
use super::super::checker::{Checker, allowed_names, lookup};
use super::super::raw::{RawScenario, RawSurge};
use crate::ids::{CategoryId, ChannelId};
use crate::model::Surge;
use std::collections::HashMap;
use toml::Spanned;

/// A surge window ready to apply to the streams it covers.
pub(super) struct CompiledSurge {
    pub(super) summary: Surge,
    channel: Option<ChannelId>,
    category: Option<CategoryId>,
    /// Multiplier per category (the default where not overridden).
    multiplier: Vec<f64>,
    ramp_up: f64,
    ramp_down: f64,
}

impl CompiledSurge {
    /// Multiplies the rates of a stream of (`channel`, `category`) by the surge's mean
    /// factor over each interval, so that expected counts are exact.
    pub(super) fn apply(
        &self,
        channel: ChannelId,
        category: CategoryId,
        interval: f64,
        rates: &mut [f64],
    ) {
        if self.channel.is_some_and(|ch| ch != channel)
            || self.category.is_some_and(|cat| cat != category)
        {
            return;
        }
        let m = self.multiplier[category.index()];
        let (from, to) = (self.summary.from, self.summary.to);
        let first = (from / interval).floor() as usize;
        let last = ((to / interval).ceil() as usize).min(rates.len());
        for (k, rate) in rates.iter_mut().enumerate().take(last).skip(first) {
            let (a, b) = (k as f64 * interval, (k + 1) as f64 * interval);
            let strength = self.strength_integral(a, b) / (b - a);
            *rate *= 1.0 + (m - 1.0) * strength;
        }
    }

    /// ∫ strength(t) dt over [a, b): the trapezoid 0 → 1 over the ramp up, 1, 1 → 0 over
    /// the ramp down.
    fn strength_integral(&self, a: f64, b: f64) -> f64 {
        let (from, to) = (self.summary.from, self.summary.to);
        let points = [
            (from, 0.0),
            (from + self.ramp_up, 1.0),
            (to - self.ramp_down, 1.0),
            (to, 0.0),
        ];
        let mut total = 0.0;
        for w in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let (lo, hi) = (a.max(x0), b.min(x1));
            if hi <= lo || x1 <= x0 {
                continue;
            }
            let at = |x: f64| y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            total += (hi - lo) * (at(lo) + at(hi)) / 2.0;
        }
        total
    }
}

pub(super) fn compile_surges(
    c: &Checker,
    raw: &RawScenario,
    channel_index: &HashMap<String, ChannelId>,
    category_index: &HashMap<String, CategoryId>,
    horizon: f64,
) -> Result<Vec<CompiledSurge>, ScenarioError> {
    let mut surges = Vec::with_capacity(raw.surge.len());
    for (i, spanned) in raw.surge.iter().enumerate() {
        let s = spanned.get_ref();
        let key = |k: &str| format!("surge[{i}].{k}");
        let channel = match &s.channel {
            Some(ch) => Some(lookup(c, channel_index, ch, &key("channel"), "channel")?),
            None => None,
        };
        let category = match &s.category {
            Some(cat) => Some(lookup(
                c,
                category_index,
                cat,
                &key("category"),
                "category",
            )?),
            None => None,
        };
        let (from, to) = (s.from.get_ref().secs(), s.to.get_ref().secs());
        if from >= to {
            return Err(c.err(s.to.span(), key("to"), "a surge needs from < to"));
        }
        if to > horizon {
            return Err(c.err(
                s.to.span(),
                key("to"),
                format!(
                    "the surge ends after the horizon ({})",
                    raw.simulation.get_ref().horizon.get_ref()
                ),
            ));
        }
        let (m, multiplier) = surge_multipliers(c, s, i, category_index)?;
        let ramp = |r: &Option<Spanned<crate::duration::Duration>>| {
            r.as_ref().map_or(0.0, |d| d.get_ref().secs())
        };
        let (ramp_up, ramp_down) = (ramp(&s.ramp_up), ramp(&s.ramp_down));
        if ramp_up + ramp_down > to - from {
            let span = s
                .ramp_down
                .as_ref()
                .or(s.ramp_up.as_ref())
                .map_or(spanned.span(), |r| r.span());
            return Err(c.err(
                span,
                key(if s.ramp_down.is_some() {
                    "ramp_down"
                } else {
                    "ramp_up"
                }),
                "the ramps up and down together must fit inside the window (from .. to)",
            ));
        }
        let scope = format!(
            "{}/{}",
            s.channel.as_ref().map_or("*", |x| x.get_ref().as_str()),
            s.category.as_ref().map_or("*", |x| x.get_ref().as_str())
        );
        if let Some(problem) = s.name.as_deref().and_then(crate::limits::name_problem) {
            return Err(c.err(spanned.span(), format!("surge[{i}].name"), problem));
        }
        surges.push(CompiledSurge {
            summary: Surge {
                name: s.name.clone().unwrap_or_else(|| format!("surge {}", i + 1)),
                scope,
                from,
                to,
                multiplier: m,
                strength: strength_words(s, m, ramp_up, ramp_down),
            },
            channel,
            category,
            multiplier,
            ramp_up,
            ramp_down,
        });
    }
    Ok(surges)
}

/// The surge's multiplier and its value per category (`multiplier_by` overrides), each
/// from 0 to 1000.
fn surge_multipliers(
    c: &Checker,
    s: &RawSurge,
    i: usize,
    category_index: &HashMap<String, CategoryId>,
) -> Result<(f64, Vec<f64>), ScenarioError> {
    let key = |k: &str| format!("surge[{i}].{k}");
    let factor = |v: &Spanned<f64>, k: String| -> Result<f64, ScenarioError> {
        let x = *v.get_ref();
        if !(x.is_finite() && (0.0..=1000.0).contains(&x)) {
            return Err(c.err(
                v.span(),
                k,
                format!(
                    "a multiplier from 0 to 1000 (got {x}); 6 means six times the normal volume"
                ),
            ));
        }
        Ok(x)
    };
    let m = factor(&s.multiplier, key("multiplier"))?;
    let mut multiplier = vec![m; category_index.len()];
    for (name, v) in &s.multiplier_by {
        let k = key(&format!("multiplier_by.{name}"));
        if let Some(only) = &s.category
            && only.get_ref() != name
        {
            return Err(c.err(
                v.span(),
                k,
                format!(
                    "the surge applies to category \"{}\" only, so a factor for \"{name}\" would never be used",
                    only.get_ref()
                ),
            ));
        }
        let Some(&cat) = category_index.get(name) else {
            return Err(c.err(
                v.span(),
                k,
                format!(
                    "there is no category \"{name}\"; the category names are {}",
                    allowed_names(category_index)
                ),
            ));
        };
        multiplier[cat.index()] = factor(v, k)?;
    }
    Ok((m, multiplier))
}

/// How strong the surge is, in words: `×6 (orders ×8), ramp up 1h`.
fn strength_words(s: &RawSurge, m: f64, ramp_up: f64, ramp_down: f64) -> String {
    let mut words = format!("×{m}");
    if !s.multiplier_by.is_empty() {
        let by: Vec<String> = s
            .multiplier_by
            .iter()
            .map(|(k, v)| format!("{k} ×{}", v.get_ref()))
            .collect();
        words += &format!(" ({})", by.join(", "));
    }
    for (what, r) in [("ramp up", ramp_up), ("ramp down", ramp_down)] {
        if r > 0.0 {
            words += &format!(", {what} {}", crate::duration::Duration::from_secs(r));
        }
    }
    words
}
