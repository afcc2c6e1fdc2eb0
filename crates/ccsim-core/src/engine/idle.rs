//! A group's available agents (on duty, a free conversation slot, not leaving), kept so
//! that every operation costs O(log n) or less whatever the group's size.
//!
//! The list has an order (`order`): an agent joins at the end, and one taken out leaves
//! its place to the last (`swap_remove`). With concurrency 1 the agent taken is the last;
//! with concurrency above 1 it is the least loaded, the first in that order among equals.
//! Scanning the list gave exactly that at O(n) an operation (60,000 instructions a
//! contact with 10,000 chat agents; it is kept for groups of up to [`SCAN_UP_TO`]
//! agents, where it is cheaper); here each agent knows its place
//! (`Agent::idle_pos`), and per load a min-heap of `(place, agent)` entries finds the
//! first place of the lowest load with an agent. An entry is written whenever an agent
//! takes a place; one whose agent is no longer at that place with that load is stale and
//! dropped when it reaches the top, and the heaps are rebuilt when stale entries
//! outnumber the agents. The choice, and so every result, is the scan's.

use super::state::Agent;
use crate::ids::AgentId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Most agents on duty for which the least loaded agent is found by a scan.
pub(super) const SCAN_UP_TO: u32 = 48;

/// The available agents of one group (see the module's documentation).
#[derive(Clone, Debug, Default)]
pub(super) struct IdleList {
    /// The agents in their order.
    order: Vec<AgentId>,
    /// Per load (conversations held, `0 .. concurrency`), `(place, agent)` entries, the
    /// smallest place on top; none with concurrency 1.
    by_load: Vec<BinaryHeap<Reverse<(u32, AgentId)>>>,
    /// Entries in all heaps together.
    entries: usize,
    /// Whether agents know their place (concurrency above 1, where an available agent is
    /// taken out at every conversation's end); with concurrency 1 an available agent is
    /// taken out only when it leaves, and a scan from the end finds it.
    placed: bool,
}

impl IdleList {
    /// Empties the list for a group of `concurrency` conversations per agent and at most
    /// `agents` on duty (keeping storage). Up to [`SCAN_UP_TO`] agents, a scan is cheaper
    /// than the heaps and chooses the same agent.
    pub(super) fn clear(&mut self, concurrency: u8, agents: u32) {
        self.order.clear();
        let loads = if concurrency > 1 && agents > SCAN_UP_TO {
            concurrency as usize
        } else {
            0
        };
        self.by_load.resize_with(loads, BinaryHeap::new);
        self.by_load.iter_mut().for_each(BinaryHeap::clear);
        self.entries = 0;
        self.placed = concurrency > 1;
    }

    /// Whether no agent is listed.
    #[inline(always)]
    pub(super) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The agents in their order.
    #[inline]
    pub(super) fn as_slice(&self) -> &[AgentId] {
        &self.order
    }

    /// Adds `agent` at the end (its load is its conversations now, which do not change
    /// while it is listed).
    #[inline(always)]
    pub(super) fn push(&mut self, agent: AgentId, agents: &mut [Agent]) {
        let place = self.order.len() as u32;
        if self.placed {
            agents[agent.index()].idle_pos = place;
        }
        self.order.push(agent);
        self.note(place, agent, agents);
    }

    /// Takes out the agent at `place`, the last one taking its place; returns it.
    #[inline(always)]
    pub(super) fn remove_at(&mut self, place: usize, agents: &mut [Agent]) -> AgentId {
        let agent = self.order.swap_remove(place);
        if self.placed
            && let Some(&moved) = self.order.get(place)
        {
            agents[moved.index()].idle_pos = place as u32;
            self.note(place as u32, moved, agents);
        }
        agent
    }

    /// Takes `agent` (listed) out.
    #[inline]
    pub(super) fn remove(&mut self, agent: AgentId, agents: &mut [Agent]) {
        let place = if self.placed {
            agents[agent.index()].idle_pos as usize
        } else {
            match self.order.iter().rposition(|&x| x == agent) {
                Some(place) => place,
                None => return,
            }
        };
        debug_assert_eq!(self.order.get(place), Some(&agent));
        self.remove_at(place, agents);
    }

    /// The last agent's place, if any.
    #[inline(always)]
    pub(super) fn last(&self) -> Option<usize> {
        self.order.len().checked_sub(1)
    }

    /// The place of the least loaded agent, the first in order among equals (concurrency
    /// above 1 only).
    #[inline]
    pub(super) fn least_loaded(&mut self, agents: &[Agent]) -> Option<usize> {
        let order = &self.order;
        if self.by_load.is_empty() {
            return (0..order.len()).min_by_key(|&i| agents[order[i].index()].conversations);
        }
        for (load, heap) in self.by_load.iter_mut().enumerate() {
            while let Some(&Reverse((place, agent))) = heap.peek() {
                let here = order.get(place as usize) == Some(&agent)
                    && agents[agent.index()].conversations as usize == load;
                if here {
                    return Some(place as usize);
                }
                heap.pop();
                self.entries -= 1;
            }
        }
        None
    }

    /// Writes the entry of `agent` at `place` (concurrency above 1), rebuilding the heaps
    /// when stale entries outnumber the agents.
    #[inline(always)]
    fn note(&mut self, place: u32, agent: AgentId, agents: &[Agent]) {
        if self.by_load.is_empty() {
            return;
        }
        let load = agents[agent.index()].conversations as usize;
        self.by_load[load].push(Reverse((place, agent)));
        self.entries += 1;
        if self.entries > 2 * self.order.len() + 64 {
            self.rebuild(agents);
        }
    }

    /// One entry per listed agent, at its place.
    #[cold]
    fn rebuild(&mut self, agents: &[Agent]) {
        self.by_load.iter_mut().for_each(BinaryHeap::clear);
        for (place, &agent) in self.order.iter().enumerate() {
            let load = agents[agent.index()].conversations as usize;
            self.by_load[load].push(Reverse((place as u32, agent)));
        }
        self.entries = self.order.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{GroupId, Stamp};
    use rand::{RngExt, SeedableRng};

    fn agent(load: u8) -> Agent {
        Agent {
            group: GroupId::from_index(0),
            conversations: load,
            leaving: false,
            available: false,
            stamp: Stamp::default(),
            member: 0,
            idle_pos: 0,
            work: 0.0,
            clock: 0.0,
        }
    }

    /// Random joins, leaves and takes against the plain list the engine scanned: the same
    /// agent taken every time, the same order kept.
    #[test]
    fn the_list_takes_what_a_scan_took() {
        for (seed, concurrency, n) in [
            (1, 3u8, 40usize),
            (2, 1, 30),
            (3, 5, 200),
            (4, 2, 8),
            (5, 3, 40),
        ] {
            let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut agents: Vec<Agent> = (0..n).map(|_| agent(0)).collect();
            let mut listed: Vec<bool> = vec![false; n];
            let mut list = IdleList::default();
            // Seed 5: a small group, found by a scan.
            list.clear(concurrency, if seed == 5 { SCAN_UP_TO } else { 10_000 });
            let mut plain: Vec<AgentId> = Vec::new();
            let mut longest = 0;
            for _ in 0..20_000 {
                match rng.random_range(0..3) {
                    0 => {
                        // An unlisted agent with a free slot joins at its current load.
                        let a = rng.random_range(0..n);
                        if !listed[a] {
                            agents[a].conversations = rng.random_range(0..concurrency);
                            listed[a] = true;
                            list.push(AgentId::from_index(a), &mut agents);
                            plain.push(AgentId::from_index(a));
                        }
                    }
                    1 => {
                        // A listed agent leaves (a conversation ended, or its shift).
                        let a = rng.random_range(0..n);
                        if listed[a] {
                            listed[a] = false;
                            list.remove(AgentId::from_index(a), &mut agents);
                            let pos = plain.iter().rposition(|&x| x.index() == a).unwrap();
                            plain.swap_remove(pos);
                        }
                    }
                    _ => {
                        // The engine takes one.
                        let expected = if concurrency == 1 {
                            plain.len().checked_sub(1)
                        } else {
                            (0..plain.len()).min_by_key(|&i| agents[plain[i].index()].conversations)
                        };
                        let got = if concurrency == 1 {
                            list.last()
                        } else {
                            list.least_loaded(&agents)
                        };
                        assert_eq!(got, expected);
                        if let Some(pos) = got {
                            let a = list.remove_at(pos, &mut agents);
                            assert_eq!(a, plain.swap_remove(pos));
                            listed[a.index()] = false;
                        }
                    }
                }
                assert_eq!(list.as_slice(), plain.as_slice());
                // Stale entries are bounded: the heaps never outgrow the list for long.
                longest = longest.max(plain.len());
                assert!(list.entries <= 2 * longest + 65);
            }
        }
    }
}
