//! Agents' conversations and availability: an agent holds up to its group's `concurrency`
//! conversations in `Workspace::slots` (`agent × max_concurrency + i`); all of them share
//! one work clock running at 1 / (1 + slowdown × (m − 1)), each ends when the clock reaches
//! its slot's finish (`Workspace::slot_finish`), and the agent has one pending `ServiceEnd`
//! (stamped) for the earliest. With concurrency 1 there is no work clock: the end is known
//! when the service starts.
//!
//! Invariants: an agent is in its group's `idle` list ([`super::idle::IdleList`]) exactly
//! when `available` is set, which needs a free slot and not leaving; its load does not
//! change while it is listed; a reschedule bumps the agent's stamp, so the
//! previous `ServiceEnd` is stale.

use super::Replication;
use super::events::Payload;
use crate::ids::{AgentId, ContactId, GroupId};

impl<const LEAN: bool> Replication<'_, LEAN> {
    /// Agent `agent` holds contact `c` for `handle` seconds of work from now.
    #[inline]
    pub(super) fn hold(&mut self, agent: AgentId, c: ContactId, handle: f64) {
        let now = self.now;
        let g = self.ws.agents[agent.index()].group;
        if LEAN || self.m.groups.at(g.index()).concurrency == 1 {
            // One contact at a time: no work clock, the end is known now.
            let a = &mut self.ws.agents[agent.index()];
            a.conversations = 1;
            a.stamp = a.stamp.next();
            let stamp = a.stamp;
            self.ws.slots[agent.index() * self.max_concurrency] = c;
            self.ws
                .events
                .push(now + handle, Payload::ServiceEnd(agent, stamp));
            return;
        }
        self.advance(agent);
        let a = &mut self.ws.agents[agent.index()];
        // A free slot (the slots are indexed unchecked: see `crate::table`).
        assert!(
            (a.conversations as usize) < self.max_concurrency,
            "no free slot"
        );
        let slot = agent.index() * self.max_concurrency + a.conversations as usize;
        a.conversations += 1;
        let finish_work = a.work + handle;
        self.ws.slots[slot] = c;
        self.ws.slot_finish[slot] = finish_work;
        self.reschedule(agent);
    }

    /// Takes agent `agent`'s earliest-ending conversation out of its slots (the last slot
    /// fills the gap) and returns its contact; the conversation count is the caller's.
    #[inline]
    pub(super) fn release_earliest(&mut self, agent: AgentId) -> ContactId {
        let base = agent.index() * self.max_concurrency;
        if LEAN {
            return self.ws.slots[base];
        }
        let m = self.ws.agents[agent.index()].conversations as usize;
        // A conversation to end (the slots are indexed unchecked: see `crate::table`).
        assert!(m > 0, "a service end without a conversation");
        if m > 1 {
            self.advance(agent);
        }
        let (mut i, mut earliest) = (0, f64::INFINITY);
        for j in 0..m {
            let f = self.ws.slot_finish[base + j];
            if f < earliest {
                (i, earliest) = (j, f);
            }
        }
        let c = self.ws.slots[base + i];
        self.ws.slots[base + i] = self.ws.slots[base + m - 1];
        self.ws.slot_finish[base + i] = self.ws.slot_finish[base + m - 1];
        c
    }

    /// Speed of each conversation of an agent of group `g` holding `m` at once.
    #[inline]
    fn speed(&self, g: GroupId, m: u8) -> f64 {
        let slowdown = self.m.groups.at(g.index()).concurrency_slowdown;
        if m <= 1 || slowdown == 0.0 {
            1.0
        } else {
            1.0 / (1.0 + slowdown * (m - 1) as f64)
        }
    }

    /// Brings agent `agent`'s work clock up to now.
    #[inline]
    fn advance(&mut self, agent: AgentId) {
        let a = self.ws.agents[agent.index()];
        let speed = self.speed(a.group, a.conversations);
        let a = &mut self.ws.agents[agent.index()];
        a.work += (self.now - a.clock) * speed;
        a.clock = self.now;
    }

    /// Schedules agent `agent`'s next conversation end (its clock must be current).
    #[inline(always)]
    pub(super) fn reschedule(&mut self, agent: AgentId) {
        let a = self.ws.agents[agent.index()];
        let a_stamp = a.stamp.next();
        self.ws.agents[agent.index()].stamp = a_stamp;
        if a.conversations == 0 {
            return;
        }
        let base = agent.index() * self.max_concurrency;
        let next = self.ws.slot_finish[base..base + a.conversations as usize]
            .iter()
            .fold(f64::INFINITY, |m, &f| m.min(f));
        let at = self.now + (next - a.work).max(0.0) / self.speed(a.group, a.conversations);
        self.ws.events.push(at, Payload::ServiceEnd(agent, a_stamp));
    }

    /// Takes an agent with a free slot from group `g`: the least loaded one, the first
    /// listed among equals (with concurrency 1, the last listed).
    #[inline(always)]
    pub(super) fn take_available(&mut self, g: GroupId) -> Option<AgentId> {
        let idle = &mut self.ws.groups[g.index()].idle;
        let pos = if LEAN || self.m.groups.at(g.index()).concurrency == 1 {
            idle.last()?
        } else {
            idle.least_loaded(&self.ws.agents)?
        };
        let agent = idle.remove_at(pos, &mut self.ws.agents);
        if idle.is_empty() && self.ws.availability.used {
            self.ws.availability.set(g, false);
        }
        self.ws.agents[agent.index()].available = false;
        Some(agent)
    }

    /// Lists agent `agent` as available if it has a free slot and is not leaving.
    #[inline(always)]
    pub(super) fn make_available(&mut self, agent: AgentId) {
        let a = &mut self.ws.agents[agent.index()];
        let k = if LEAN {
            1
        } else {
            self.m.groups.at(a.group.index()).concurrency
        };
        if !a.available && !a.leaving && a.conversations < k {
            a.available = true;
            let g = a.group;
            let idle = &mut self.ws.groups[g.index()].idle;
            let was_empty = idle.is_empty();
            idle.push(agent, &mut self.ws.agents);
            if was_empty && self.ws.availability.used {
                self.ws.availability.set(g, true);
            }
        }
    }

    /// Takes agent `agent` off its group's available list.
    #[inline(always)]
    pub(super) fn make_unavailable(&mut self, agent: AgentId) {
        if self.ws.agents[agent.index()].available {
            self.unlist(agent);
        }
    }

    /// [`Self::make_unavailable`] for an agent that is listed.
    fn unlist(&mut self, agent: AgentId) {
        let a = &mut self.ws.agents[agent.index()];
        a.available = false;
        let g = a.group;
        let idle = &mut self.ws.groups[g.index()].idle;
        idle.remove(agent, &mut self.ws.agents);
        if idle.is_empty() && self.ws.availability.used {
            self.ws.availability.set(g, false);
        }
    }

    /// Agent `agent` takes waiting contacts while it has free slots, then is listed as
    /// available if it still has one.
    #[inline(always)]
    pub(super) fn fill(&mut self, agent: AgentId) {
        self.make_unavailable(agent);
        let g = self.ws.agents[agent.index()].group;
        let k = if LEAN {
            1
        } else {
            self.m.groups.at(g.index()).concurrency
        };
        while self.ws.agents[agent.index()].conversations < k
            && !self.ws.agents[agent.index()].leaving
        {
            match self.next_waiting(g) {
                Some(c) => self.start_service(agent, c),
                None => break,
            }
        }
        self.make_available(agent);
    }
}
