//! Contact types linked to the groups that serve them: each type's groups (file order,
//! or `[[route]]` order) and overflow waits, the dense (group, type) → handle-time slot
//! table, every stream checked to be served, and the per-interval AHT factors.

use super::super::ScenarioError;
use super::super::checker::Checker;
use super::super::raw::RawScenario;
use super::{ContactTypes, Streams, routing};
use crate::ids::{ContactTypeId, GroupId};
use crate::model::{Channel, ContactType};
use std::collections::HashMap;

/// The contact types linked to the groups that serve them (with the dense handle-time
/// slot table; in `[[route]]` order where routed), each stream checked to be served, and
/// the per-interval AHT factors.
pub(super) fn link_types(
    c: &Checker,
    raw: &RawScenario,
    types: ContactTypes,
    groups: &[crate::model::Group],
    streams: &Streams,
    (channels, categories): (&[Channel], &[String]),
    names: routing::RouteNames,
) -> Result<(Vec<ContactType>, Vec<u32>), ScenarioError> {
    let mut contact_types = types.types;
    let handle_slot = link_groups(c, raw, groups, &mut contact_types)?;
    routing::route_types(c, raw, names, groups, &mut contact_types)?;
    for ct in &mut contact_types {
        ct.backlog = channels[ct.channel.index()].backlog;
        ct.overflow_waits.sort_by(f64::total_cmp);
    }
    check_every_stream_served(c, streams, &contact_types, channels, categories)?;
    set_handle_scales(
        c,
        raw,
        streams,
        groups,
        &handle_slot,
        (channels, categories),
        &mut contact_types,
    )?;
    Ok((contact_types, handle_slot))
}

/// Each contact type's groups (in group order) and distinct overflow waits, and the
/// dense (group, type) → handle-time slot table; a group that handles nothing and is
/// escalated to by no group is an error.
fn link_groups(
    c: &Checker,
    raw: &RawScenario,
    groups: &[crate::model::Group],
    contact_types: &mut [ContactType],
) -> Result<Vec<u32>, ScenarioError> {
    let n_types = contact_types.len();
    let mut handle_slot = vec![0; groups.len() * n_types];
    for (gi, g) in groups.iter().enumerate() {
        for &t in &g.handles {
            let ct = &mut contact_types[t.index()];
            ct.groups.push(GroupId::from_index(gi));
            if g.overflow_after > 0.0 && !ct.overflow_waits.contains(&g.overflow_after) {
                ct.overflow_waits.push(g.overflow_after);
            }
        }
        for (i, (t, _)) in g.handle_time_by.iter().enumerate() {
            handle_slot[gi * n_types + t.index()] = i as u32 + 1;
        }
    }
    for (gi, g) in groups.iter().enumerate() {
        let escalated_to = groups
            .iter()
            .any(|o| o.escalate_to.contains(&Some(GroupId::from_index(gi))));
        if g.handles.is_empty() && !escalated_to {
            let handles = &raw.group[gi].get_ref().handles;
            return Err(c.err(
                handles.span(),
                format!("group[{gi}].handles"),
                "the group handles nothing and no group escalates to it, so it would never get a contact; list the \"channel/category\" pairs it takes, or name it in another group's escalate_to",
            ));
        }
    }
    Ok(handle_slot)
}

/// Every stream's contact type has a group that serves it.
fn check_every_stream_served(
    c: &Checker,
    streams: &Streams,
    contact_types: &[ContactType],
    channels: &[Channel],
    categories: &[String],
) -> Result<(), ScenarioError> {
    for (i, s) in streams.streams.iter().enumerate() {
        let ct = &contact_types[s.contact_type.index()];
        if ct.groups.is_empty() {
            let name = format!(
                "{}/{}",
                channels[ct.channel.index()].name,
                categories[ct.category.index()]
            );
            return Err(c.err(
                streams.spans[i].clone(),
                format!("arrivals[{}]", streams.entry[i]),
                format!("nobody handles {name}: add \"{name}\" to the handles of a [[group]]"),
            ));
        }
    }
    Ok(())
}

/// Each contact type's `handle_scale` from the `aht` of its `[[arrivals]]`: the interval's
/// AHT over the mean handle time of the type's first group (its `handle_time_by` entry for
/// the type, else its `handle_time`), so that group's mean becomes the interval's AHT and
/// the other groups keep their ratio to it. Entries of one type must give the same list
/// (an entry without `aht` takes it too).
fn set_handle_scales(
    c: &Checker,
    raw: &RawScenario,
    streams: &Streams,
    groups: &[crate::model::Group],
    handle_slot: &[u32],
    names: (&[Channel], &[String]),
    contact_types: &mut [ContactType],
) -> Result<(), ScenarioError> {
    let n_types = contact_types.len();
    // The entry that set each type's list.
    let mut set_by: HashMap<ContactTypeId, usize> = HashMap::new();
    for (i, s) in streams.streams.iter().enumerate() {
        let Some(aht) = &streams.aht[i] else {
            continue;
        };
        let entry = streams.entry[i];
        let span = || {
            (raw.arrivals[entry].get_ref().aht.as_ref())
                .map_or(streams.spans[i].clone(), |a| a.span())
        };
        let t = s.contact_type;
        if let Some(&first) = set_by.get(&t) {
            let earlier = streams
                .entry
                .iter()
                .zip(&streams.aht)
                .find(|(e, _)| **e == first);
            if earlier.and_then(|(_, a)| a.as_ref()) != Some(aht) {
                let ct = &contact_types[t.index()];
                return Err(c.err(
                    span(),
                    format!("arrivals[{entry}].aht"),
                    format!(
                        "arrivals[{first}] gives another aht list for the same contact type {}/{}; a contact type has one average handle time per interval: give the same list (or aht on one entry only)",
                        names.0[ct.channel.index()].name,
                        names.1[ct.category.index()],
                    ),
                ));
            }
            continue;
        }
        let Some(&g) = contact_types[t.index()].groups.first() else {
            continue;
        };
        let gi = g.index();
        let reference = match handle_slot[gi * n_types + t.index()] {
            0 => groups[gi].handle_time.mean(),
            slot => groups[gi].handle_time_by[slot as usize - 1].1.mean(),
        };
        if !(reference.is_finite() && reference > 0.0) {
            return Err(c.err(
                span(),
                format!("arrivals[{entry}].aht"),
                format!(
                    "group {}'s handle time has mean {reference}; aht scales it, so it must have a mean above zero",
                    groups[gi].name
                ),
            ));
        }
        contact_types[t.index()].handle_scale = aht.iter().map(|a| a / reference).collect();
        set_by.insert(t, entry);
    }
    Ok(())
}
