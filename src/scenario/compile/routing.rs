//! Routing priorities, as skills-based routers allow: `[[route]]` orders the groups a
//! contact type tries (`ContactType::groups`; by default the groups' file order), and a
//! group's `serve_order` ranks the contact types its agents serve
//! (`Group::serve_rank`; by default all alike, the longest-waiting first).

use super::super::ScenarioError;
use super::super::checker::{Checker, lookup, parse_pair};
use super::super::raw::RawScenario;
use crate::ids::{CategoryId, ChannelId, ContactTypeId, GroupId};
use crate::model::{ContactType, Group};
use std::collections::HashMap;

/// The scenario's name tables the routing keys refer to.
pub(super) type RouteNames<'a> = (
    &'a HashMap<String, ChannelId>,
    &'a HashMap<String, CategoryId>,
    &'a HashMap<String, GroupId>,
);

/// Most entries of a `serve_order` (ranks are kept in a byte).
const MAX_RANKS: usize = 250;

/// The contact types of a `"channel/category"` or `"channel/*"` key that exist in the
/// model (arrive or are handled).
fn types_of(
    c: &Checker,
    pair: &toml::Spanned<String>,
    key: &str,
    (channels, categories, _): RouteNames,
    contact_types: &[ContactType],
) -> Result<Vec<ContactTypeId>, ScenarioError> {
    let (ch, cats) = parse_pair(c, pair, key, channels, categories)?;
    Ok(contact_types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.channel == ch && cats.contains(&t.category))
        .map(|(i, _)| ContactTypeId::from_index(i))
        .collect())
}

/// Reorders each routed contact type's groups: the `[[route]]`'s groups first, in its
/// order, then the others that handle the type, in file order. A route of an exact pair
/// beats one of `"channel/*"`, whatever their order.
///
/// # Errors
/// A located [`ScenarioError`]: a pair that no contact arrives as and no group handles, an
/// empty or repeated group list, a group that handles none of the pair's types, a type
/// routed by two entries of the same kind.
pub(super) fn route_types(
    c: &Checker,
    raw: &RawScenario,
    names: RouteNames,
    groups: &[Group],
    contact_types: &mut [ContactType],
) -> Result<(), ScenarioError> {
    // Per type, the entry that routes it and whether that entry named the exact pair.
    let mut routed_by: Vec<Option<(usize, bool)>> = vec![None; contact_types.len()];
    let file_order: Vec<Vec<GroupId>> = contact_types.iter().map(|t| t.groups.clone()).collect();
    for (i, route) in raw.route.iter().enumerate() {
        let r = route.get_ref();
        let key = format!("route[{i}]");
        let types = types_of(
            c,
            &r.contact,
            &format!("{key}.contact"),
            names,
            contact_types,
        )?;
        if types.is_empty() {
            return Err(c.err(
                r.contact.span(),
                format!("{key}.contact"),
                format!(
                    "no contact arrives as {} and no group handles it: there is nothing to route",
                    r.contact.get_ref()
                ),
            ));
        }
        let order = route_order(c, r, &key, names, groups, &types, &file_order)?;
        let exact = !r.contact.get_ref().ends_with("/*");
        for &t in &types {
            match routed_by[t.index()] {
                Some((_, true)) if !exact => continue,
                Some((earlier, was_exact)) if was_exact == exact => {
                    return Err(c.err(r.contact.span(), format!("{key}.contact"), format!("{} is already routed by route[{earlier}]; route each pair once (an exact pair's route beats a \"channel/*\" one)", r.contact.get_ref())));
                }
                _ => {}
            }
            routed_by[t.index()] = Some((i, exact));
            let original = &file_order[t.index()];
            let mut routed: Vec<GroupId> = order
                .iter()
                .copied()
                .filter(|g| original.contains(g))
                .collect();
            routed.extend(original.iter().copied().filter(|g| !order.contains(g)));
            contact_types[t.index()].groups = routed;
        }
    }
    Ok(())
}

/// A route's `groups`, checked: not empty, no group twice, each handling one of the
/// route's `types` at least.
fn route_order(
    c: &Checker,
    r: &super::super::raw::RawRoute,
    key: &str,
    names: RouteNames,
    groups: &[Group],
    types: &[ContactTypeId],
    file_order: &[Vec<GroupId>],
) -> Result<Vec<GroupId>, ScenarioError> {
    if r.groups.get_ref().is_empty() {
        return Err(c.err(
            r.groups.span(),
            format!("{key}.groups"),
            "list the groups to try first, e.g. groups = [\"premium\"]",
        ));
    }
    let mut order: Vec<GroupId> = Vec::new();
    for (j, name) in r.groups.get_ref().iter().enumerate() {
        let gkey = format!("{key}.groups[{j}]");
        let g = lookup(c, names.2, name, &gkey, "group")?;
        if order.contains(&g) {
            return Err(c.err(
                name.span(),
                gkey,
                format!("the group \"{}\" is listed twice", name.get_ref()),
            ));
        }
        if !types.iter().any(|t| file_order[t.index()].contains(&g)) {
            let handling: Vec<String> = types
                .iter()
                .flat_map(|t| file_order[t.index()].iter())
                .map(|g| format!("\"{}\"", groups[g.index()].name))
                .collect();
            return Err(c.err(
                name.span(),
                gkey,
                format!(
                    "the group \"{}\" does not handle {}; the groups that do are {}",
                    name.get_ref(),
                    r.contact.get_ref(),
                    dedup(handling).join(", ")
                ),
            ));
        }
        order.push(g);
    }
    Ok(order)
}

/// The names in `list` without repeats, in first-seen order.
fn dedup(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Each group's `serve_rank` from its `serve_order`: a handled type's rank is the index of
/// the first entry that names it (an exact pair, or `"channel/*"`); types no entry names
/// rank last.
///
/// # Errors
/// A located [`ScenarioError`]: an entry naming no type the group handles, the same pair
/// named twice, more than 250 entries.
pub(super) fn serve_orders(
    c: &Checker,
    raw: &RawScenario,
    names: RouteNames,
    groups: &mut [Group],
    contact_types: &[ContactType],
) -> Result<(), ScenarioError> {
    for (gi, rg) in raw.group.iter().enumerate() {
        let Some(order) = &rg.get_ref().serve_order else {
            continue;
        };
        let key = format!("group[{gi}].serve_order");
        if order.get_ref().len() > MAX_RANKS {
            return Err(c.err(
                order.span(),
                key,
                format!("{} entries; at most {MAX_RANKS}", order.get_ref().len()),
            ));
        }
        let group = &mut groups[gi];
        let last = order.get_ref().len() as u8;
        let mut rank = vec![last; group.handles.len()];
        for (j, pair) in order.get_ref().iter().enumerate() {
            let ekey = format!("{key}[{j}]");
            let types = types_of(c, pair, &ekey, names, contact_types)?;
            let exact = !pair.get_ref().ends_with("/*");
            let mut named = false;
            for (h, t) in group.handles.iter().enumerate() {
                if !types.contains(t) {
                    continue;
                }
                named = true;
                if rank[h] == last {
                    rank[h] = j as u8;
                } else if exact {
                    return Err(c.err(
                        pair.span(),
                        ekey,
                        format!("{} is already ranked by {key}[{}]", pair.get_ref(), rank[h]),
                    ));
                }
            }
            if !named {
                let handled: Vec<String> = group
                    .handles
                    .iter()
                    .map(|t| {
                        let ct = &contact_types[t.index()];
                        let channel = names.0.iter().find(|(_, v)| **v == ct.channel);
                        let category = names.1.iter().find(|(_, v)| **v == ct.category);
                        format!(
                            "\"{}/{}\"",
                            channel.map_or("?", |x| x.0),
                            category.map_or("?", |x| x.0)
                        )
                    })
                    .collect();
                return Err(c.err(
                    pair.span(),
                    ekey,
                    format!(
                        "the group \"{}\" does not handle {}; it handles {}",
                        group.name,
                        pair.get_ref(),
                        handled.join(", ")
                    ),
                ));
            }
        }
        group.serve_rank = rank;
    }
    Ok(())
}
