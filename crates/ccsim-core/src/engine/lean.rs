//! The lean path (issue 18): the engine's own code, compiled a second time with the
//! mechanisms a plain queueing model never meets switched off at compile time
//! (`Replication<'_, true>`), so their checks, lookups and branches vanish from the hot
//! loop. A model takes it when [`fits`] says it has none of them; the results are the
//! same bits either way (a test runs models both ways), only the instructions differ.
//!
//! What the lean path leaves out: bots, opening hours, trunk lines and callbacks, e-mail
//! backlogs, redials and repeats, transfers and escalations, overflow waits, priority
//! classes (one), chat concurrency (1), serve orders, per-interval patience, groups that
//! handle more than one contact type, replayed logs, contact logs, and the routing
//! structures built for many groups or many queues (availability bits, heaps of queue
//! fronts). Service-level definitions and short abandons, busyness, per-interval
//! handle-time scales, surges, staffing timelines, rosters, shrinkage and warm-up stay
//! (they are data, not branches).

use super::state::Workspace;
use crate::model::Model;

/// Whether `model` (with `ws` reset for it) can run on the lean path: it has none of the
/// mechanisms listed in the module's documentation, and every group handles one contact
/// type.
pub(super) fn fits(model: &Model, ws: &Workspace) -> bool {
    let channels = model.channels.iter().all(|c| {
        c.bot.is_none()
            && !c.backlog
            && c.redial.is_none()
            && c.repeat.is_none()
            && c.hours.is_none()
            && c.lines == 0
            && c.callback.is_none()
    });
    let types = model
        .contact_types
        .iter()
        .all(|t| t.overflow_waits.is_empty() && !t.backlog);
    let groups = model.groups.iter().all(|g| {
        g.concurrency == 1
            && g.handles.len() == 1
            && g.overflow_after == 0.0
            && g.serve_rank.is_empty()
            && g.escalate_to.iter().all(Option::is_none)
    });
    channels
        && types
        && groups
        && model.bots.is_empty()
        && model.priority_levels.len() <= 1
        && !model.patience_varies()
        && !ws.availability.used
        && !ws.heads.used
}
