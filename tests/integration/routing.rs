//! Skills, overflow and priorities against cases with known answers: pooled groups are one
//! M/M/n queue, an overflow group that never becomes eligible leaves the first group alone,
//! per-pair handle times add up to the offered load, and non-preemptive priority classes
//! wait as Cobham's formula says.

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_c};
use ccsim::ids::GroupId;

/// Two groups of `agents_each` agents on one queue (no abandonment, AHT 60 s); the second
/// group takes contacts only after `overflow_after`.
fn two_groups(
    per_hour: f64,
    agents_each: u32,
    overflow_after: &str,
    spare_category: bool,
) -> String {
    let second_handles = if spare_category {
        "voice/spare"
    } else {
        "voice/general"
    };
    format!(
        r#"
[simulation]
horizon = "2000m"
warmup = "200m"
interval = "200m"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}

[[category]]
name = "general"

[[category]]
name = "spare"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {per_hour}

[[group]]
name = "first"
agents = {agents_each}
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "60s" }}

[[group]]
name = "second"
agents = {agents_each}
handles = ["{second_handles}"]
overflow_after = "{overflow_after}"
handle_time = {{ dist = "exponential", mean = "60s" }}
"#
    )
}

fn exact_c(per_hour: f64, agents: u32) -> ccsim::erlang::QueueValues {
    erlang_c(&QueueSpec {
        arrival_rate: per_hour / 3600.0,
        aht: 60.0,
        agents,
        patience: None,
        answer_within: 20.0,
    })
    .unwrap()
}

#[test]
fn a_group_that_handles_nothing_arriving_leaves_the_single_queue() {
    let m = model(&two_groups(1080.0, 20, "0s", true));
    let result = run(&m, 10, 21, 2);
    let exact = exact_c(1080.0, 20);
    let sl = result.estimate(|o| o.totals.service_level);
    let asa = result.estimate(|o| o.totals.asa_s);
    assert!(
        within_four_se(&sl, exact.service_level),
        "{sl:?} vs {}",
        exact.service_level
    );
    assert!(
        within_four_se(&asa, exact.asa_s),
        "{asa:?} vs {}",
        exact.asa_s
    );
    assert_eq!(result.estimate(|o| o.by_group[1].occupancy).mean, 0.0);
}

#[test]
fn groups_without_overflow_wait_pool_into_one_queue() {
    // 2 × 10 agents that both take contacts at once are one M/M/20 queue.
    let m = model(&two_groups(1080.0, 10, "0s", false));
    let result = run(&m, 10, 22, 2);
    let exact = exact_c(1080.0, 20);
    let sl = result.estimate(|o| o.totals.service_level);
    let asa = result.estimate(|o| o.totals.asa_s);
    assert!(
        within_four_se(&sl, exact.service_level),
        "{sl:?} vs {}",
        exact.service_level
    );
    assert!(
        within_four_se(&asa, exact.asa_s),
        "{asa:?} vs {}",
        exact.asa_s
    );
}

#[test]
fn an_overflow_group_out_of_reach_leaves_the_first_group_alone() {
    // With an overflow wait far beyond any real wait the first group is an M/M/10 queue.
    let m = model(&two_groups(480.0, 10, "100h", false));
    let result = run(&m, 10, 23, 2);
    let exact = exact_c(480.0, 10);
    let sl = result.estimate(|o| o.totals.service_level);
    assert!(
        within_four_se(&sl, exact.service_level),
        "{sl:?} vs {}",
        exact.service_level
    );
    assert_eq!(result.estimate(|o| o.by_group[1].occupancy).mean, 0.0);
}

#[test]
fn an_overflow_group_helps_only_after_its_wait() {
    // The first group alone is overloaded; the overflow group joins after 30 s, so no
    // contact waits much beyond 30 s, and many wait at least that long.
    let m = model(&two_groups(900.0, 12, "30s", false));
    let result = run(&m, 10, 24, 2);
    let p90 = result.estimate(|o| o.totals.wait_p90_s);
    let second = result.estimate(|o| o.by_group[1].occupancy);
    assert!(second.mean > 0.05, "the overflow group works: {second:?}");
    assert!(
        p90.mean > 25.0 && p90.mean < 36.0,
        "waits bunch at the overflow time: {p90:?}"
    );
    let sl = result.estimate(|o| o.totals.service_level);
    let alone = exact_c(900.0, 16); // a lower bound on what 12 + 12 pooled would give
    assert!(
        sl.mean < alone.service_level,
        "overflow after 30 s serves worse than pooling"
    );
}

#[test]
fn handle_times_per_pair_add_up_to_the_offered_load() {
    let text = r#"
[simulation]
horizon = "100h"
warmup = "10h"
interval = "10h"

[[channel]]
name = "chat"
service_level = { answer_within = "60s" }

[[category]]
name = "quick"

[[category]]
name = "slow"

[[arrivals]]
channel = "chat"
category = "quick"
rate_per_hour = 60

[[arrivals]]
channel = "chat"
category = "slow"
rate_per_hour = 60

[[group]]
name = "agents"
agents = 40
handles = ["chat/*"]
handle_time = { dist = "exponential", mean = "2m" }
handle_time_by = { "chat/slow" = { dist = "gamma", mean = "10m", cv = 0.5 } }
"#;
    let m = model(text);
    let result = run(&m, 10, 25, 2);
    // Load: 1/min × 2 min + 1/min × 10 min = 12 erlangs on 40 agents.
    let occupancy = result.estimate(|o| o.total_occupancy);
    assert!(within_four_se(&occupancy, 12.0 / 40.0), "{occupancy:?}");
}

#[test]
fn priority_classes_wait_as_cobham_says() {
    // M/M/c, non-preemptive priorities, equal service rates: class k waits
    // W0 / ((1 - σ_{k-1})(1 - σ_k)) with W0 = C(c, a) / (c μ) and σ_k the load of the
    // classes up to k.
    let text = r#"
[simulation]
horizon = "3000m"
warmup = "300m"
interval = "300m"

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 180
priority = 5

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 330

[[group]]
name = "agents"
agents = 10
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "1m" }
"#;
    let m = model(text);
    assert_eq!(m.priority_levels, vec![5, 0]);
    let result = run(&m, 10, 26, 2);
    let c = 10.0;
    let mu = 1.0 / 60.0;
    let (l_hi, l_lo) = (180.0 / 3600.0, 330.0 / 3600.0);
    let p_wait = exact_c(510.0, 10).p_wait;
    let w0 = p_wait / (c * mu);
    let (s1, s2) = (l_hi / (c * mu), (l_hi + l_lo) / (c * mu));
    let w_hi = w0 / (1.0 - s1);
    let w_lo = w0 / ((1.0 - s1) * (1.0 - s2));
    let hi = result.estimate(|o| o.by_priority[0].asa_s);
    let lo = result.estimate(|o| o.by_priority[1].asa_s);
    assert!(within_four_se(&hi, w_hi), "high class {hi:?} vs {w_hi}");
    assert!(within_four_se(&lo, w_lo), "low class {lo:?} vs {w_lo}");
    // Together they are still one Erlang C queue.
    let all = result.estimate(|o| o.totals.asa_s);
    assert!(within_four_se(&all, exact_c(510.0, 10).asa_s), "{all:?}");
}

/// Two groups of one agent each on voice/general; `route` names the order they are tried.
fn routed(route: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "2000m"
warmup = "200m"
interval = "200m"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 30

[[group]]
name = "first"
agents = 1
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "60s" }}

[[group]]
name = "second"
agents = 1
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "60s" }}
{route}
"#
    )
}

#[test]
fn a_route_tries_its_groups_in_its_order() {
    // M/M/2 with ordered entry, λ = 0.5/min, μ = 1/min. States: idle (p₀), only the
    // preferred busy (a), only the other (b), both busy with n − 2 waiting (p₂ρⁿ⁻², ρ =
    // λ/2μ = 1/4). Balance: 1.5b = p₂, λ(a + b) = 2μp₂, λp₀ = μ(a + b), so b = 2p₂/3,
    // a = 10p₂/3, p₀ = 8p₂, and the total 8 + 4 + 4/3 gives p₂ = 0.075: the preferred
    // agent is busy a + p₂/(1 − ρ) = 0.35 of the time, the other b + 0.1 = 0.15.
    let (preferred, other) = (0.35, 0.15);
    for (route, first, second) in [
        ("", preferred, other),
        (
            "[[route]]\ncontact = \"voice/general\"\ngroups = [\"second\"]",
            other,
            preferred,
        ),
        (
            "[[route]]\ncontact = \"voice/*\"\ngroups = [\"second\", \"first\"]",
            other,
            preferred,
        ),
    ] {
        let m = model(&routed(route));
        let r = run(&m, 20, 31, 2);
        let (a, b) = (
            r.estimate(|o| o.by_group[0].occupancy),
            r.estimate(|o| o.by_group[1].occupancy),
        );
        assert!(within_four_se(&a, first), "{route}: first {a:?} vs {first}");
        assert!(
            within_four_se(&b, second),
            "{route}: second {b:?} vs {second}"
        );
    }
}

/// One group of `agents` agents serving vip and regular calls (60 s each), ranked by
/// `serve_order` (the regular calls' stream comes first in the file).
fn ranked(serve_order: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "3000m"
warmup = "300m"
interval = "300m"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}

[[category]]
name = "regular"

[[category]]
name = "vip"

[[arrivals]]
channel = "voice"
category = "regular"
rate_per_hour = 330

[[arrivals]]
channel = "voice"
category = "vip"
rate_per_hour = 180

[[group]]
name = "agents"
agents = 10
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "1m" }}
{serve_order}
"#
    )
}

#[test]
fn a_serve_order_ranks_contact_types_as_cobham_says() {
    // The same M/M/10 as `priority_classes_wait_as_cobham_says`, with the priority
    // given by the group's serve order of the contact types instead of customer classes.
    let m = model(&ranked("serve_order = [\"voice/vip\"]"));
    assert_eq!(m.groups[0].serve_rank, vec![1, 0]);
    let result = run(&m, 10, 26, 2);
    let (c, mu) = (10.0, 1.0 / 60.0);
    let (l_hi, l_lo) = (180.0 / 3600.0, 330.0 / 3600.0);
    let w0 = exact_c(510.0, 10).p_wait / (c * mu);
    let (s1, s2) = (l_hi / (c * mu), (l_hi + l_lo) / (c * mu));
    let (w_hi, w_lo) = (w0 / (1.0 - s1), w0 / ((1.0 - s1) * (1.0 - s2)));
    let vip = result.estimate(|o| o.by_category[1].asa_s);
    let regular = result.estimate(|o| o.by_category[0].asa_s);
    assert!(within_four_se(&vip, w_hi), "vip {vip:?} vs {w_hi}");
    assert!(
        within_four_se(&regular, w_lo),
        "regular {regular:?} vs {w_lo}"
    );
    // Without it both wait as one Erlang C queue.
    let plain = run(&model(&ranked("")), 10, 26, 2);
    let all = exact_c(510.0, 10).asa_s;
    for cat in [0, 1] {
        let est = plain.estimate(|o| o.by_category[cat].asa_s);
        assert!(within_four_se(&est, all), "{cat}: {est:?} vs {all}");
    }
}

#[test]
fn bad_routes_and_serve_orders_are_refused_at_their_place() {
    for (text, key, says) in [
        (
            routed("[[route]]\ncontact = \"voice/general\"\ngroups = [\"third\"]"),
            "route[0].groups[0]",
            "there is no group \"third\"",
        ),
        (
            routed("[[route]]\ncontact = \"voice/general\"\ngroups = [\"first\", \"first\"]"),
            "route[0].groups[1]",
            "listed twice",
        ),
        (
            routed("[[route]]\ncontact = \"chat/general\"\ngroups = [\"first\"]"),
            "route[0].contact",
            "there is no channel \"chat\"",
        ),
        (
            routed(
                "[[route]]\ncontact = \"voice/general\"\ngroups = [\"first\"]\n[[route]]\ncontact = \"voice/general\"\ngroups = [\"second\"]",
            ),
            "route[1].contact",
            "already routed by route[0]",
        ),
        (
            ranked("serve_order = [\"voice/vip\", \"voice/vip\"]"),
            "group[0].serve_order[1]",
            "already ranked",
        ),
        (
            routed("[[route]]\ncontact = \"voice/general\"\ngroups = []"),
            "route[0].groups",
            "list the groups to try first",
        ),
        (
            ranked("serve_order = [\"voice/gold\"]"),
            "group[0].serve_order[0]",
            "there is no category \"gold\"",
        ),
    ] {
        let err = ccsim::scenario::parse(&text, "bad.toml", "bad").expect_err(key);
        let msg = err.to_string();
        assert!(msg.contains(key) && msg.contains(says), "{key}: {msg}");
    }
}

#[test]
fn a_route_of_the_exact_pair_beats_one_of_the_channel() {
    let (first, second) = (GroupId::new(0), GroupId::new(1));
    for routes in [
        "[[route]]\ncontact = \"voice/*\"\ngroups = [\"second\"]\n[[route]]\ncontact = \"voice/general\"\ngroups = [\"first\"]",
        "[[route]]\ncontact = \"voice/general\"\ngroups = [\"first\"]\n[[route]]\ncontact = \"voice/*\"\ngroups = [\"second\"]",
    ] {
        let m = model(&routed(routes));
        assert_eq!(m.contact_types[0].groups, vec![first, second], "{routes}");
    }
    let m = model(&routed(
        "[[route]]\ncontact = \"voice/*\"\ngroups = [\"second\"]",
    ));
    assert_eq!(m.contact_types[0].groups, vec![second, first]);
}

/// Six groups take the same calls in a routing order (one after an overflow wait, one at
/// concurrency 2): routing by the engine's availability bits (a type with more than four
/// groups) sends every contact where asking each group in turn does, so the replications
/// are the same to the last tally.
#[test]
fn the_availability_bits_route_as_asking_each_group_does() {
    let mut text = String::from(
        r#"
[simulation]
horizon = "4h"
interval = "30m"
replications = 2
seed = 3

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "2m" }

[[category]]
name = "a"

[[category]]
name = "b"

[[arrivals]]
channel = "voice"
category = "a"
rate_per_hour = 400

[[arrivals]]
channel = "voice"
category = "b"
rate_per_hour = 300
"#,
    );
    for g in 0..6 {
        let handles = if g % 2 == 0 {
            r#"["voice/a", "voice/b"]"#
        } else {
            r#"["voice/a"]"#
        };
        let overflow = if g == 4 {
            "overflow_after = \"30s\"\n"
        } else {
            ""
        };
        let concurrency = if g == 5 { "concurrency = 2\n" } else { "" };
        text += &format!(
            "\n[[group]]\nname = \"g{g}\"\nagents = {}\nhandles = {handles}\nhandle_time = {{ dist = \"exponential\", mean = \"5m\" }}\n{overflow}{concurrency}",
            2 + g
        );
    }
    let m = model(&text);
    let mut ws = ccsim::engine::Workspace::new();
    let mut outcomes = Vec::new();
    for ask_up_to in [100, 0] {
        ccsim::engine::route_by_bits_above(Some(ask_up_to));
        let outcome = ccsim::engine::simulate(&m, m.seed, 1, &mut ws);
        ccsim::engine::route_by_bits_above(None);
        outcomes.push(format!("{outcome:?}"));
    }
    assert_eq!(outcomes[0], outcomes[1]);
    assert!(outcomes[0].len() > 1000);
}

/// Serves a model with the engine's heaps of queue fronts for every group and with a probe
/// of every queue, and returns both replications' outcomes as text.
fn served_both_ways(m: &ccsim::model::Model) -> [String; 2] {
    let mut ws = ccsim::engine::Workspace::new();
    [usize::MAX, 0].map(|probe_up_to| {
        ccsim::engine::serve_by_heads_above(Some(probe_up_to));
        let outcome = ccsim::engine::simulate(m, m.seed, 1, &mut ws);
        ccsim::engine::serve_by_heads_above(None);
        format!("{outcome:?}")
    })
}

/// Groups with many queues (12 categories on voice, with a VIP priority class, and an
/// e-mail backlog beside them; one group with a serve order, one after an overflow wait
/// that also takes escalations in its transfer queue) take the next contact from heaps of their
/// queues' fronts exactly as a probe of every queue does: the replications are the same
/// to the last tally. So is the weekday (priority classes, misroutes, transfers, redials).
#[test]
fn the_queue_heads_serve_as_probing_every_queue_does() {
    let mut text = String::from(
        r#"
[simulation]
horizon = "6h"
interval = "30m"
seed = 5

[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "2m" }

[[channel]]
name = "email"
kind = "email"
service_level = { answer_within = "4h", target = 0.9 }
"#,
    );
    for k in 0..12 {
        text += &format!("\n[[category]]\nname = \"c{k}\"\n");
        text += &format!(
            "\n[[arrivals]]\nchannel = \"voice\"\ncategory = \"c{k}\"\nrate_per_hour = {}\n",
            40 + 10 * k
        );
    }
    text += r#"
[[arrivals]]
channel = "voice"
category = "c3"
priority = 1
rate_per_hour = 60

[[arrivals]]
channel = "email"
category = "c0"
rate_per_hour = 120

[[group]]
name = "front"
agents = 40
handles = ["voice/*", "email/*"]
handle_time = { dist = "exponential", mean = "4m" }
serve_order = ["voice/c11", "voice/c10"]
resolve_by = { c5 = 0.5, c6 = 0.7 }
escalate_to_by = { c5 = "late", c6 = "back" }

[[group]]
name = "late"
agents = 8
handles = ["voice/*"]
handle_time = { dist = "exponential", mean = "4m" }
overflow_after = "30s"

[[group]]
name = "back"
agents = 3
handles = []
handle_time = { dist = "exponential", mean = "8m" }
"#;
    let m = model(&text);
    let [probed, heaps] = served_both_ways(&m);
    assert_eq!(probed, heaps);
    assert!(probed.len() > 1000);
    let weekday = ccsim::scenario::load(std::path::Path::new("scenarios/weekday.toml"))
        .expect("the weekday loads");
    let [probed, heaps] = served_both_ways(&weekday);
    assert_eq!(probed, heaps);
}
