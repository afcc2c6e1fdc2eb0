//! Resolution, escalation and transfers against known answers: a resolve probability of 1
//! makes no transfers, 0 with a cap of 2 gives exactly the capped chain, the escalated
//! stream of an M/M/c tier is Poisson (Burke), so tier 2 is an Erlang C queue, and the
//! context-loss penalty adds its mean to tier 2's work.

use crate::support::{model, run, within_four_se};
use ccsim::erlang::{QueueSpec, erlang_c};

/// Tier 1 (`n1` agents, AHT 60 s) resolves with probability `p1` and escalates the rest to
/// tier 2 (`n2` agents, AHT 120 s, resolves with `p2`), which escalates to tier 3.
fn tiers(
    per_hour: f64,
    n1: u32,
    p1: f64,
    n2: u32,
    p2: f64,
    transfers: &str,
    patience: &str,
) -> String {
    format!(
        r#"
[simulation]
horizon = "3000m"
warmup = "300m"
interval = "300m"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
{patience}

[[category]]
name = "payment"

[[arrivals]]
channel = "voice"
category = "payment"
rate_per_hour = {per_hour}

[[group]]
name = "tier1"
agents = {n1}
handles = ["voice/payment"]
handle_time = {{ dist = "exponential", mean = "60s" }}
resolve = {p1}
escalate_to = "tier2"

[[group]]
name = "tier2"
tier = 2
agents = {n2}
handles = []
handle_time = {{ dist = "exponential", mean = "120s" }}
resolve = {p2}
escalate_to = "tier3"

[[group]]
name = "tier3"
tier = 3
agents = 50
handles = []
handle_time = {{ dist = "exponential", mean = "60s" }}
resolve_by = {{ payment = 0.0 }}
escalate_to = "tier1"

{transfers}
"#
    )
}

#[test]
fn resolving_everything_transfers_nothing() {
    let m = model(&tiers(600.0, 15, 1.0, 5, 1.0, "", ""));
    let result = run(&m, 4, 31, 2);
    for o in &result.outcomes {
        assert_eq!(o.totals.transfer_rate, 0.0);
        assert_eq!(o.totals.resolved, o.totals.answered);
        assert_eq!(o.totals.first_contact_resolution, 1.0);
        assert_eq!(o.by_group[1].occupancy, 0.0);
    }
}

#[test]
fn resolving_nothing_with_a_cap_of_two_gives_the_capped_chain() {
    let transfers = "[transfers]\nmax_per_contact = 2";
    let m = model(&tiers(600.0, 20, 0.0, 40, 0.0, transfers, ""));
    let result = run(&m, 4, 32, 2);
    for o in &result.outcomes {
        let t = &o.totals;
        assert_eq!(t.transfer_rate, 1.0);
        assert_eq!(t.transfers_per_answered, 2.0);
        assert_eq!(t.resolved, 0.0);
        assert_eq!(t.unresolved, t.answered);
        assert_eq!(
            t.offered,
            t.abandoned + t.resolved + t.unresolved + t.abandoned_in_transfer + t.unfinished
        );
        // The chain stops at tier 3: the cap forbids the loop back to tier 1.
        assert!(o.by_group[2].occupancy > 0.0);
    }
    // Tier 1 serves each contact once: 600/h of 60 s work on 20 agents.
    let tier1 = result.estimate(|o| o.by_group[0].occupancy);
    assert!(within_four_se(&tier1, 0.5), "{tier1:?}");
}

#[test]
fn escalations_from_an_mmc_tier_are_poisson_so_tier_2_is_erlang_c() {
    // 600/h into 15 tier-1 agents; 40 % escalated: 240/h of 120 s work on 10 agents.
    let keep = "[transfers]\nkeep_context = true";
    let m = model(&tiers(600.0, 15, 0.6, 10, 1.0, keep, ""));
    let result = run(&m, 10, 33, 2);
    let exact = erlang_c(&QueueSpec {
        arrival_rate: 240.0 / 3600.0,
        aht: 120.0,
        agents: 10,
        patience: None,
        answer_within: 20.0,
    })
    .unwrap();
    let wait = result.estimate(|o| o.totals.transfer_asa_s);
    let occupancy = result.estimate(|o| o.by_group[1].occupancy);
    let rate = result.estimate(|o| o.totals.transfer_rate);
    let fcr = result.estimate(|o| o.totals.first_contact_resolution);
    assert!(
        within_four_se(&wait, exact.asa_s),
        "{wait:?} vs {}",
        exact.asa_s
    );
    assert!(
        within_four_se(&occupancy, exact.occupancy),
        "{occupancy:?} vs {}",
        exact.occupancy
    );
    assert!(within_four_se(&rate, 0.4), "{rate:?}");
    assert!(within_four_se(&fcr, 0.6), "{fcr:?}");
    assert_eq!(result.estimate(|o| o.totals.resolution_rate).mean, 1.0);
}

#[test]
fn lost_context_adds_the_penalty_to_the_next_handle_time() {
    let lost = "[transfers]\ncontext_loss = { dist = \"deterministic\", value = \"60s\" }";
    let m = model(&tiers(600.0, 15, 0.6, 20, 1.0, lost, ""));
    let result = run(&m, 10, 34, 2);
    // 240/h escalated, each needing 120 s + 60 s on 20 agents.
    let occupancy = result.estimate(|o| o.by_group[1].occupancy);
    assert!(
        within_four_se(&occupancy, 240.0 / 3600.0 * 180.0 / 20.0),
        "{occupancy:?}"
    );
    let kept = lost.to_string() + "\nkeep_context = true";
    let m = model(&tiers(600.0, 15, 0.6, 20, 1.0, &kept, ""));
    let result = run(&m, 10, 34, 2);
    let occupancy = result.estimate(|o| o.by_group[1].occupancy);
    assert!(
        within_four_se(&occupancy, 240.0 / 3600.0 * 120.0 / 20.0),
        "{occupancy:?}"
    );
}

#[test]
fn every_contact_ends_exactly_once_through_transfers_and_abandonment() {
    let patience = "patience = { dist = \"exponential\", mean = \"90s\" }";
    let m = model(&tiers(900.0, 14, 0.5, 4, 0.5, "", patience));
    let result = run(&m, 6, 35, 2);
    for o in &result.outcomes {
        let t = &o.totals;
        assert!(t.abandoned_in_transfer > 0.0 && t.unresolved > 0.0 && t.resolved > 0.0);
        assert_eq!(t.unfinished, 0.0);
        assert_eq!(
            t.offered,
            t.abandoned + t.resolved + t.unresolved + t.abandoned_in_transfer
        );
        for ch in &o.intervals {
            assert_eq!(
                ch.offered,
                ch.abandoned
                    + ch.resolved
                    + ch.unresolved
                    + ch.abandoned_in_transfer
                    + ch.unfinished
            );
        }
    }
}

#[test]
fn the_abandon_rate_counts_contacts_that_give_up_after_an_escalation() {
    // Issue 12 item 4: a short-staffed tier 2 where escalated customers give up waiting.
    let m = model(&tiers(
        600.0,
        14,
        0.5,
        2,
        1.0,
        "",
        "patience = { dist = \"exponential\", mean = \"2m\" }",
    ));
    let result = run(&m, 4, 17, 2);
    for o in &result.outcomes {
        for q in std::iter::once(&o.totals).chain(&o.by_channel) {
            assert!(q.abandoned_in_transfer > 100.0, "{q:?}");
            let gave_up = q.abandoned + q.abandoned_in_transfer;
            assert_eq!(q.abandoned_all, gave_up);
            assert_eq!(q.abandon_rate, gave_up / q.offered);
            let transferred = q.transfer_rate * q.answered;
            assert!(
                (q.transfer_abandon_rate - q.abandoned_in_transfer / transferred).abs() < 1e-9,
                "{q:?}"
            );
        }
    }
    // The text shows the after-transfer abandons as a share, and says what abandoned counts.
    let summary = ccsim::summary::RunSummary::new(&m, &result, 17);
    let text = ccsim::output::run::render_text(&m, &summary, "tiers.toml");
    let q = &summary.totals.queue;
    let header = text
        .lines()
        .find(|l| l.contains("abandoned after tr."))
        .unwrap();
    let all = text
        .lines()
        .skip_while(|l| *l != header)
        .find(|l| l.starts_with("all "))
        .unwrap();
    let share = format!(
        "{:.1}% ±{:.1}",
        q.transfer_abandon_rate.mean * 100.0,
        q.transfer_abandon_rate.ci95 * 100.0
    );
    assert!(all.trim_end().ends_with(&share), "{all}");
    assert!(
        text.contains("Abandoned counts every contact that gave up waiting, in its first queue"),
        "{text}"
    );
    let first = text.lines().find(|l| l.starts_with("voice ")).unwrap();
    let cells: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(cells[5], format!("{:.1}", q.abandoned_all.mean), "{first}");
}
