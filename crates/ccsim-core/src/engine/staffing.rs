//! Staffing and time: `StaffingChange` events walk each group's timeline and set its
//! on-duty target; agents arrive (and take waiting contacts) or leave (idle ones at once,
//! then busy ones drawn uniformly, who finish their conversations first); `IntervalStart`
//! events close the time integrals (busy, staffed, overtime) and record backlogs.
//!
//! Invariants: a group's areas are integrated up to now before anything changes its
//! `busy` or `present` counts; after a change, agents present and not leaving never exceed
//! the target; who leaves at a drop depends only on the group's `Purpose::Staffing`
//! generator, not on how long conversations will last.

use super::Replication;
use super::events::Payload;
use super::state::{Agent, Workspace};
use crate::ids::{AgentId, ContactId, GroupId, Stamp};
use rand::RngExt;

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Interval `k` starts (`n_intervals`: the horizon): every group's areas are closed
    /// and the e-mail backlog of interval `k − 1` recorded; the next start is scheduled.
    pub(super) fn on_interval_start(&mut self, k: usize) {
        let model = self.model;
        for g in 0..model.groups.len() {
            self.integrate(GroupId::from_index(g));
        }
        self.record_backlog(k - 1);
        self.interval = k;
        if k < model.n_intervals {
            let next = if k + 1 < model.n_intervals {
                (k + 1) as f64 * model.interval
            } else {
                model.horizon
            };
            self.ws
                .events
                .push(next, Payload::IntervalStart((k + 1) as u32));
        }
    }

    /// Group `g` reaches entry `i` of its staffing timeline; the next entry is scheduled.
    pub(super) fn on_staffing_change(&mut self, g: GroupId, i: u32) {
        let group = self.m.groups.at(g.index());
        let (at, scheduled) = group.timeline[i as usize];
        // The shrinkage of the interval the entry starts in (a per-interval shrinkage
        // puts an entry at each interval start where it changes).
        self.set_staffing(g, group.on_duty_in(scheduled, self.model.interval_of(at)));
        if let Some(&(at, _)) = group.timeline.get(i as usize + 1) {
            self.ws.events.push(at, Payload::StaffingChange(g, i + 1));
        }
    }

    /// Changes the number of agents group `g` should have on duty from now on.
    ///
    /// Fewer agents: who leaves is decided now. Agents without a conversation leave at
    /// once; if that is not enough, busy agents picked at random (so without regard to how
    /// long their conversations will last) finish them, take no new one and leave. The
    /// others keep taking contacts. More agents: they arrive and take waiting contacts.
    fn set_staffing(&mut self, g: GroupId, target: u32) {
        self.integrate(g);
        self.ws.groups[g.index()].target = target;
        while over_plan(self.ws, g, target) > 0 {
            let idle = self.ws.groups[g.index()].idle.as_slice();
            let Some(pos) = idle
                .iter()
                .rposition(|&a| self.ws.agents[a.index()].conversations == 0)
            else {
                break;
            };
            let agent = idle[pos];
            self.leave(agent);
        }
        let excess = over_plan(self.ws, g, target) as usize;
        if excess > 0 {
            self.pick_leavers(g, excess);
        }
        while {
            let group = &self.ws.groups[g.index()];
            group.present - group.leaving < target
        } {
            let agent = self.add_agent(g);
            self.fill(agent);
        }
    }

    /// Marks `excess` of group `g`'s busy agents (not already leaving) to leave, drawn
    /// uniformly: the first `excess` places of a Fisher–Yates shuffle.
    fn pick_leavers(&mut self, g: GroupId, excess: usize) {
        let ws = &mut *self.ws;
        ws.leave_candidates.clear();
        let agents = &ws.agents;
        (ws.leave_candidates).extend(
            ws.groups[g.index()]
                .members
                .iter()
                .filter(|&&a| !agents[a.index()].leaving),
        );
        let rng = &mut ws.staffing_rngs[g.index()];
        let n = ws.leave_candidates.len();
        let excess = excess.min(n);
        for i in 0..excess {
            let j = rng.random_range(i..n);
            ws.leave_candidates.swap(i, j);
        }
        for i in 0..excess {
            let agent = self.ws.leave_candidates[i];
            self.mark_leaving(agent);
        }
    }

    /// A new agent comes on duty in group `g` (in a free slot, which keeps its stamp, or a
    /// new one with its conversation slots).
    fn add_agent(&mut self, g: GroupId) -> AgentId {
        let group = &mut self.ws.groups[g.index()];
        group.present += 1;
        let fresh = Agent {
            group: g,
            conversations: 0,
            leaving: false,
            available: false,
            stamp: Stamp::default(),
            member: group.members.len() as u32,
            idle_pos: 0,
            work: 0.0,
            clock: self.now,
        };
        let agent = match self.ws.free_agents.pop() {
            Some(a) => {
                let stamp = self.ws.agents[a.index()].stamp;
                self.ws.agents[a.index()] = Agent { stamp, ..fresh };
                a
            }
            None => {
                self.ws.agents.push(fresh);
                let k = self.max_concurrency;
                let unused = ContactId::new(u32::MAX);
                self.ws.slots.extend(std::iter::repeat_n(unused, k));
                self.ws.slot_finish.extend(std::iter::repeat_n(0.0, k));
                AgentId::from_index(self.ws.agents.len() - 1)
            }
        };
        self.ws.groups[g.index()].members.push(agent);
        agent
    }

    /// Agent `agent` leaves its group now (it holds no conversation).
    pub(super) fn leave(&mut self, agent: AgentId) {
        self.make_unavailable(agent);
        let a = &mut self.ws.agents[agent.index()];
        debug_assert_eq!(a.conversations, 0);
        let group = &mut self.ws.groups[a.group.index()];
        group.present -= 1;
        if a.leaving {
            group.leaving -= 1;
        }
        a.leaving = false;
        a.stamp = a.stamp.next();
        let member = a.member as usize;
        group.members.swap_remove(member);
        if let Some(&moved) = group.members.get(member) {
            self.ws.agents[moved.index()].member = member as u32;
        }
        self.ws.free_agents.push(agent);
    }

    /// Agent `agent` (present, holding conversations) takes no new one and leaves once
    /// they end.
    fn mark_leaving(&mut self, agent: AgentId) {
        self.make_unavailable(agent);
        let a = &mut self.ws.agents[agent.index()];
        debug_assert!(!a.leaving && a.conversations > 0);
        a.leaving = true;
        self.ws.groups[a.group.index()].leaving += 1;
    }

    /// Adds busy and staffed agent-time of group `g` up to now to the current interval.
    #[inline(always)]
    pub(super) fn integrate(&mut self, g: GroupId) {
        let group = &mut self.ws.groups[g.index()];
        // Already integrated up to now (a service end followed by the next service): every
        // area would add zero.
        if group.integrated_to == self.now {
            return;
        }
        let areas = self.model.group_grid();
        // Agents above the plan are finishing contacts past their time: overtime, also
        // after the horizon.
        if group.present > group.target && group.integrated_to >= self.model.warmup {
            let extra = (group.present - group.target) as f64 * (self.now - group.integrated_to);
            self.ws.tallies.overtime[g.index()] += extra;
            // Per interval; the drain after the horizon to the last one.
            let k = self.interval.min(self.model.n_intervals - 1);
            self.ws.tallies.overtime_area[areas.at(k, g.index())] += extra;
        }
        if self.interval < self.model.n_intervals {
            let dt = self.now - group.integrated_to;
            let area = areas.at(self.interval, g.index());
            // With concurrency k, each conversation keeps 1/k of an agent busy (k = 1
            // divides nothing: the same bits, without the division).
            let k = if LEAN {
                1
            } else {
                self.m.groups.at(g.index()).concurrency
            };
            let busy = group.busy as f64 * dt;
            self.ws.tallies.busy_area[area] += if k == 1 { busy } else { busy / k as f64 };
            self.ws.tallies.staffed_area[area] += group.present as f64 * dt;
        }
        group.integrated_to = self.now;
    }
}

/// Agents of group `g` present and not leaving beyond `target`.
fn over_plan(ws: &Workspace, g: GroupId, target: u32) -> u32 {
    let group = &ws.groups[g.index()];
    (group.present - group.leaving).saturating_sub(target)
}
