//! What `ccsim check` says of patience by category and hours, serve orders and routes.

use super::handled_pairs;
use crate::ids::ContactTypeId;
use crate::model::Model;
use std::fmt::Write as _;

/// The patience of contact type `t` over a counted day (`patience_by`): one distribution,
/// or the hours of each.
pub(super) fn patience_line(model: &Model, t: ContactTypeId) -> String {
    let describe = |k: usize| {
        model
            .patience_in(t, k)
            .map_or("none".to_string(), |d| d.describe())
    };
    let first = model.lead_in_intervals();
    let per_day = ((86_400.0 / model.interval).round() as usize).max(1);
    let last = (first + per_day).min(model.n_intervals);
    let table = &model.contact_types[t.index()].patience;
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for k in first..last {
        match runs.last_mut() {
            Some(run) if table[run.0] == table[k] => run.1 = k + 1,
            _ => runs.push((k, k + 1)),
        }
    }
    let name = model.contact_type_name(t);
    if runs.len() <= 1 {
        return format!("patience of {name}: {}", describe(first));
    }
    let clock = |k: usize| {
        crate::duration::clock(
            model
                .display_time(k as f64 * model.interval)
                .rem_euclid(86_400.0),
        )
    };
    let parts: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            let end = if b == last {
                "24:00".to_string()
            } else {
                clock(b)
            };
            format!("{}–{end} {}", clock(a), describe(a))
        })
        .collect();
    format!("patience of {name}: {}", parts.join(", "))
}

/// A group's `serve_order` for people: `voice/vip, then voice/billing, then the rest`.
pub(super) fn serve_order(model: &Model, g: &crate::model::Group) -> Option<String> {
    let last = *g.serve_rank.iter().max()?;
    let mut ranks: Vec<u8> = g.serve_rank.clone();
    ranks.sort_unstable();
    ranks.dedup();
    let parts: Vec<String> = ranks
        .iter()
        .map(|&r| {
            let of_rank: Vec<ContactTypeId> = (g.handles.iter().zip(&g.serve_rank))
                .filter(|(_, rank)| **rank == r)
                .map(|(t, _)| *t)
                .collect();
            handled_pairs(model, &of_rank)
        })
        .collect();
    (parts.len() > 1 || last > 0).then(|| parts.join(", then "))
}

/// The contact types whose groups are tried in another order than the file's
/// (`[[route]]`): `voice/billing → billing, general`.
pub(super) fn routes(out: &mut String, model: &Model) {
    for (t, ct) in model.contact_types.iter().enumerate() {
        if ct.groups.windows(2).all(|w| w[0] < w[1]) {
            continue;
        }
        let names: Vec<&str> = (ct.groups.iter())
            .map(|g| model.groups[g.index()].name.as_str())
            .collect();
        let t = ContactTypeId::from_index(t);
        let _ = writeln!(
            out,
            "    route: {} tries {}",
            model.contact_type_name(t),
            names.join(", then ")
        );
    }
}
