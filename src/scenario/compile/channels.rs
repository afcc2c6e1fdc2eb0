//! `[[channel]]`: service level, kind (real-time or an e-mail backlog), patience,
//! busyness, and the channel's redial and repeat rules (compiled once the contact types
//! and their groups are known: a repeat must land where some group answers it).

use super::super::ScenarioError;
use super::super::checker::{Checker, lookup, probability};
use super::super::raw::{RawBusyness, RawChannel, RawScenario};
use super::distributions::build_distribution;
use crate::ids::{ChannelId, ContactTypeId};
use crate::model::{Channel, ContactType, ServiceLevelDefinition};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// The channels (without bots and return rules yet) and their index by name.
pub(super) fn compile_channels(
    c: &Checker,
    raw: &RawScenario,
) -> Result<(HashMap<String, ChannelId>, Vec<Channel>), ScenarioError> {
    if raw.channel.is_empty() {
        return Err(c.err(
            raw.simulation.span(),
            "channel",
            "the scenario needs at least one [[channel]]",
        ));
    }
    let channel_index =
        c.unique_names("channel", raw.channel.iter().map(|ch| &ch.get_ref().name))?;
    let mut channels = Vec::with_capacity(raw.channel.len());
    for (i, ch) in raw.channel.iter().enumerate() {
        channels.push(compile_channel(c, ch, i)?);
    }
    Ok((channel_index, channels))
}

/// One `[[channel]]`: its service level, kind, patience and busyness.
fn compile_channel(
    c: &Checker,
    ch: &Spanned<RawChannel>,
    i: usize,
) -> Result<Channel, ScenarioError> {
    let chr = ch.get_ref();
    let Some(sl) = &chr.service_level else {
        return Err(c.err(
            ch.span(),
            format!("channel[{i}].service_level"),
            "each channel needs a service level, e.g. service_level = { answer_within = \"20s\", target = 0.8 }",
        ));
    };
    let target = match &sl.get_ref().target {
        Some(t) if !(0.0..=1.0).contains(t.get_ref()) => {
            return Err(c.err(
                t.span(),
                format!("channel[{i}].service_level.target"),
                "the target is a share between 0 and 1, e.g. 0.8",
            ));
        }
        Some(t) => *t.get_ref(),
        None => 0.8,
    };
    let (definition, short_abandon) = service_level_definition(c, sl, i)?;
    let backlog = match &chr.kind {
        None => false,
        Some(k) => match k.get_ref().as_str() {
            "realtime" => false,
            "email" => true,
            other => {
                return Err(c.err(k.span(), format!("channel[{i}].kind"), format!("\"{other}\" is not a channel kind; use \"realtime\" (voice, chat) or \"email\" (a backlog: e-mail, tickets)")));
            }
        },
    };
    if backlog {
        for (what, span) in [
            ("patience", chr.patience.as_ref().map(|p| p.span())),
            ("redial", chr.redial.as_ref().map(|p| p.span())),
        ] {
            if let Some(span) = span {
                return Err(c.err(span, format!("channel[{i}].{what}"), format!("an e-mail channel keeps its backlog: nobody abandons it, so it takes no {what}")));
            }
        }
    }
    let patience = match &chr.patience {
        Some(p) => Some(build_distribution(c, p, &format!("channel[{i}].patience"))?),
        None => None,
    };
    Ok(Channel {
        name: chr.name.get_ref().clone(),
        answer_within: sl.get_ref().answer_within.get_ref().secs(),
        service_level_target: target,
        patience,
        backlog,
        bot: None,
        redial: None,
        repeat: None,
        busyness_day_cv: busyness_cv(c, chr, i, "day_cv", |b| &b.day_cv)?,
        busyness_interval_cv: busyness_cv(c, chr, i, "interval_cv", |b| &b.interval_cv)?,
        hours: None,
        service_level_definition: definition,
        short_abandon,
        lines: lines(c, chr, i, backlog)?,
        callback: callback(c, chr, i, backlog)?,
    })
}

/// `lines`: a whole number of trunk lines, 1 or more, on a real-time channel (0: none).
fn lines(c: &Checker, chr: &RawChannel, i: usize, backlog: bool) -> Result<u32, ScenarioError> {
    let Some(n) = &chr.lines else { return Ok(0) };
    let key = format!("channel[{i}].lines");
    if backlog {
        return Err(c.err(
            n.span(),
            key,
            "an e-mail channel keeps its backlog: it has no trunk lines to block on",
        ));
    }
    match u32::try_from(*n.get_ref()) {
        Ok(v) if (1..=1_000_000).contains(&v) => Ok(v),
        _ => Err(c.err(n.span(), key, format!("trunk lines are a whole number from 1 to 1000000 (got {}); leave lines out for no limit", n.get_ref()))),
    }
}

/// `callback = { after, accept }` on a real-time channel: a wait above 0 and a
/// probability.
fn callback(
    c: &Checker,
    chr: &RawChannel,
    i: usize,
    backlog: bool,
) -> Result<Option<crate::model::CallbackOffer>, ScenarioError> {
    let Some(cb) = &chr.callback else {
        return Ok(None);
    };
    let key = format!("channel[{i}].callback");
    if backlog {
        return Err(c.err(cb.span(), key, "an e-mail channel keeps its backlog: nobody waits on the line to be offered a callback"));
    }
    let raw = cb.get_ref();
    let after = raw.after.get_ref().secs();
    if after <= 0.0 {
        return Err(c.err(
            raw.after.span(),
            format!("{key}.after"),
            "the callback is offered after a wait above 0s, e.g. \"2m\"",
        ));
    }
    let accept = match &raw.accept {
        Some(p) => probability(c, p, &format!("{key}.accept"))?,
        None => 1.0,
    };
    Ok(Some(crate::model::CallbackOffer { after, accept }))
}

/// `service_level.definition` and `short_abandon`: a known definition, and a positive
/// threshold where the definition needs one.
fn service_level_definition(
    c: &Checker,
    sl: &Spanned<super::super::raw::RawServiceLevel>,
    i: usize,
) -> Result<(ServiceLevelDefinition, f64), ScenarioError> {
    let key = format!("channel[{i}].service_level");
    let definition = match &sl.get_ref().definition {
        None => ServiceLevelDefinition::Offered,
        Some(d) => ServiceLevelDefinition::ALL
            .iter()
            .find(|(name, _)| name == d.get_ref())
            .map(|(_, def)| *def)
            .ok_or_else(|| {
                let names: Vec<String> = ServiceLevelDefinition::ALL
                    .iter()
                    .map(|(n, _)| format!("\"{n}\""))
                    .collect();
                c.err(
                    d.span(),
                    format!("{key}.definition"),
                    format!(
                        "\"{}\" is not a service-level definition; use {}",
                        d.get_ref(),
                        names.join(", ")
                    ),
                )
            })?,
    };
    let short = match &sl.get_ref().short_abandon {
        Some(s) if s.get_ref().secs() <= 0.0 => {
            return Err(c.err(
                s.span(),
                format!("{key}.short_abandon"),
                "a short abandon is one within a wait above 0s, e.g. \"5s\"",
            ));
        }
        Some(s) => s.get_ref().secs(),
        None if definition.needs_short_abandon() => {
            return Err(c.err(sl.span(), format!("{key}.short_abandon"), format!("the definition \"{}\" needs short_abandon, the wait within which an abandon is short, e.g. short_abandon = \"5s\" (ContactCenters and SSJ use answer_within itself)", definition.name())));
        }
        None => 0.0,
    };
    Ok((definition, short))
}

/// A channel's busyness coefficient of variation (0 when absent).
fn busyness_cv(
    c: &Checker,
    ch: &RawChannel,
    i: usize,
    which: &str,
    field: impl Fn(&RawBusyness) -> &Option<Spanned<f64>>,
) -> Result<f64, ScenarioError> {
    let Some(b) = &ch.busyness else {
        return Ok(0.0);
    };
    let Some(cv) = field(b.get_ref()) else {
        return Ok(0.0);
    };
    let v = *cv.get_ref();
    if !(v.is_finite() && (0.0..=2.0).contains(&v)) {
        return Err(c.err(
            cv.span(),
            format!("channel[{i}].busyness.{which}"),
            format!("a coefficient of variation from 0 (none) to 2 (got {v}); 0.1 means the factor varies by about 10 %"),
        ));
    }
    Ok(v)
}

/// `[simulation] busyness`: the coefficients of variation `(day, interval)` of a factor
/// shared by every channel, each from 0 (none) to 2.
pub(super) fn shared_busyness(
    c: &Checker,
    sim: &crate::scenario::raw::RawSimulation,
) -> Result<(f64, f64), ScenarioError> {
    let Some(b) = &sim.busyness else {
        return Ok((0.0, 0.0));
    };
    if b.get_ref().day_cv.is_none() && b.get_ref().interval_cv.is_none() {
        return Err(c.err(
            b.span(),
            "simulation.busyness",
            "give day_cv, interval_cv or both, e.g. busyness = { day_cv = 0.15 }",
        ));
    }
    let cv = |v: &Option<Spanned<f64>>, which: &str| -> Result<f64, ScenarioError> {
        let Some(cv) = v else { return Ok(0.0) };
        let x = *cv.get_ref();
        if !(x.is_finite() && (0.0..=2.0).contains(&x)) {
            return Err(c.err(
                cv.span(),
                format!("simulation.busyness.{which}"),
                format!("a coefficient of variation from 0 (none) to 2 (got {x}); 0.1 means the factor varies by about 10 %"),
            ));
        }
        Ok(x)
    };
    Ok((
        cv(&b.get_ref().day_cv, "day_cv")?,
        cv(&b.get_ref().interval_cv, "interval_cv")?,
    ))
}

/// Each channel's `redial` and `repeat` rules; a repeat must land on a contact type that
/// some group handles.
pub(super) fn compile_returns(
    c: &Checker,
    raw: &RawScenario,
    channel_index: &HashMap<String, ChannelId>,
    channels: &mut [Channel],
    contact_types: &mut [ContactType],
    categories: &[String],
) -> Result<(), ScenarioError> {
    for (i, ch) in raw.channel.iter().enumerate() {
        let chr = ch.get_ref();
        for (which, rule) in [("redial", &chr.redial), ("repeat", &chr.repeat)] {
            let Some(rule) = rule else { continue };
            let key = format!("channel[{i}].{which}");
            let r = rule.get_ref();
            let probability = probability(c, &r.probability, &format!("{key}.probability"))?;
            let delay = build_distribution(c, &r.delay, &format!("{key}.delay"))?;
            let max_attempts = match &r.max_attempts {
                Some(m) if !(1..=50).contains(m.get_ref()) => {
                    return Err(c.err(
                        m.span(),
                        format!("{key}.max_attempts"),
                        "max_attempts is a whole number from 1 to 50 (the first attempt included)",
                    ));
                }
                Some(m) => *m.get_ref() as u8,
                None => 5,
            };
            let channel = match (&r.channel, which) {
                (Some(name), "repeat") => {
                    lookup(c, channel_index, name, &format!("{key}.channel"), "channel")?
                }
                (Some(name), _) => {
                    return Err(c.err(
                        name.span(),
                        format!("{key}.channel"),
                        "a redial comes back on the same channel; only repeat takes a channel",
                    ));
                }
                (None, _) => ChannelId::from_index(i),
            };
            let rule = crate::model::Return {
                probability,
                delay,
                max_attempts,
                channel,
            };
            if which == "redial" {
                channels[i].redial = Some(rule);
            } else {
                let span = r
                    .channel
                    .as_ref()
                    .map_or(r.probability.span(), |n| n.span());
                let place = (span, format!("{key}.channel"));
                link_repeats(c, i, channel, place, channels, contact_types, categories)?;
                channels[i].repeat = Some(rule);
            }
        }
    }
    Ok(())
}

/// Every contact type of channel `i` repeats as its category on `channel`, which some
/// group must handle (else an error at `place`: span and key).
fn link_repeats(
    c: &Checker,
    i: usize,
    channel: ChannelId,
    place: (Range<usize>, String),
    channels: &[Channel],
    contact_types: &mut [ContactType],
    categories: &[String],
) -> Result<(), ScenarioError> {
    for t in 0..contact_types.len() {
        let ct = &contact_types[t];
        if ct.channel.index() != i || ct.groups.is_empty() {
            continue;
        }
        let category = ct.category;
        let target = contact_types
            .iter()
            .position(|o| o.channel == channel && o.category == category);
        match target {
            Some(u) if !contact_types[u].groups.is_empty() => {
                contact_types[t].repeat_as = ContactTypeId::from_index(u)
            }
            _ => {
                return Err(c.err(
                    place.0,
                    place.1,
                    format!(
                        "repeats of {}/{} would come back as {}/{}, which no group handles",
                        channels[i].name,
                        categories[category.index()],
                        channels[channel.index()].name,
                        categories[category.index()]
                    ),
                ));
            }
        }
    }
    Ok(())
}
