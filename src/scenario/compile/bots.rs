//! `[[bot]]`: a self-service front on a channel (session time, capacity, containment and
//! drop-out per category, misroutes, outages, session cost). One bot per channel is
//! checked by the caller.

use super::super::ScenarioError;
use super::super::checker::{Checker, lookup, non_negative, probability};
use super::super::raw::RawBot;
use super::distributions::build_distribution;
use crate::ids::{CategoryId, ChannelId};
use crate::model::Bot;
use std::collections::HashMap;
use toml::Spanned;

/// Per-category probabilities from a default and overrides.
fn per_category(
    c: &Checker,
    default: &Option<Spanned<f64>>,
    by: &Option<std::collections::BTreeMap<Spanned<String>, Spanned<f64>>>,
    key: &str,
    category_index: &HashMap<String, CategoryId>,
) -> Result<Vec<f64>, ScenarioError> {
    let base = match default {
        Some(p) => probability(c, p, key)?,
        None => 0.0,
    };
    let mut values = vec![base; category_index.len()];
    for (cat, p) in by.iter().flatten() {
        let k = format!("{key}_by.{}", cat.get_ref());
        let i = lookup(c, category_index, cat, &k, "category")?;
        values[i.index()] = probability(c, p, &k)?;
    }
    Ok(values)
}

/// Checks and builds one `[[bot]]`.
pub(super) fn compile_bot(
    c: &Checker,
    spanned: &Spanned<RawBot>,
    i: usize,
    channel_index: &HashMap<String, ChannelId>,
    category_index: &HashMap<String, CategoryId>,
    horizon: f64,
) -> Result<Bot, ScenarioError> {
    let b = spanned.get_ref();
    let key = |k: &str| format!("bot[{i}].{k}");
    let channel = lookup(c, channel_index, &b.channel, &key("channel"), "channel")?;
    let session = build_distribution(c, &b.handle_time, &key("handle_time"))?;
    let capacity = match &b.capacity {
        Some(n) if *n.get_ref() < 1 || *n.get_ref() > u32::MAX as i64 - 1 => {
            return Err(c.err(n.span(), key("capacity"), "the capacity is a whole number of concurrent sessions, at least 1 (leave it out for no limit)"));
        }
        Some(n) => *n.get_ref() as u32,
        None => u32::MAX,
    };
    let full_goes_to_humans = match &b.when_full {
        None => false,
        Some(w) => match w.get_ref().as_str() {
            "wait" => false,
            "humans" => true,
            other => {
                return Err(c.err(w.span(), key("when_full"), format!("\"{other}\" is not allowed; when_full is \"wait\" (for the bot) or \"humans\" (straight to the human queues)")));
            }
        },
    };
    let containment = per_category(
        c,
        &b.containment,
        &b.containment_by,
        &key("containment"),
        category_index,
    )?;
    let dropout = per_category(
        c,
        &b.dropout,
        &b.dropout_by,
        &key("dropout"),
        category_index,
    )?;
    let mut names: Vec<(&String, &CategoryId)> = category_index.iter().collect();
    names.sort_by_key(|(_, i)| **i);
    for (name, &k) in names {
        let (p, d) = (containment[k.index()], dropout[k.index()]);
        if p + d > 1.0 + 1e-12 {
            return Err(c.err(spanned.span(), format!("bot[{i}]"), format!("for category \"{name}\" containment ({p}) and drop-out ({d}) add up past 1; what is left goes to humans")));
        }
    }
    let misroute = match &b.misroute {
        Some(p) => probability(c, p, &key("misroute"))?,
        None => 0.0,
    };
    let handover_penalty = match &b.handover_penalty {
        Some(d) => Some(build_distribution(c, d, &key("handover_penalty"))?),
        None => None,
    };
    let mut outages = Vec::with_capacity(b.outages.len());
    for (j, w) in b.outages.iter().enumerate() {
        let (from, to) = (
            w.get_ref().from.get_ref().secs(),
            w.get_ref().to.get_ref().secs(),
        );
        if to <= from || from >= horizon {
            return Err(c.err(
                w.span(),
                format!("bot[{i}].outages[{j}]"),
                format!(
                    "an outage needs from < to, starting inside the horizon (got from {} to {})",
                    crate::duration::Duration::from_secs(from),
                    crate::duration::Duration::from_secs(to)
                ),
            ));
        }
        outages.push((from, to));
    }
    let session_cost = non_negative(c, &b.session_cost, &key("session_cost"))?;
    Ok(Bot {
        session_cost,
        channel,
        session,
        capacity,
        full_goes_to_humans,
        containment,
        dropout,
        misroute,
        handover_penalty,
        outages,
    })
}
