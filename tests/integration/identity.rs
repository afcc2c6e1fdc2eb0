//! The shard identity of the shipped scenarios, pinned: the SHA-256 of a compiled model's
//! canonical serialization (`ccsim::shard::scenario_hash`, the `scenario_hash` line of a
//! partial file) must not move when the model's Rust types change shape but not meaning.
//! The model's references are typed ids (`ccsim::ids`) serialized as the bare number, so
//! they give the bytes the plain `u32`/`u8`/`usize` indices gave; these hashes were written
//! by the build before the ids (`ccsim run FILE --replications 1 --shard 0/1 --partial P`).
//!
//! A scenario file that changes on purpose changes its hash: write the new one here (the
//! `scenario_hash` line of a partial of it). A change of the model's types that moves every
//! hash breaks merging parts written by an older build: bump the partial format instead.

/// Scenario file (from the crate root, as the test runs) and its identity.
const PINNED: &[(&str, &str)] = &[
    (
        "scenarios/logs/last_week_source.toml",
        "34d655e921170343f5675d6e4dd3bce1453eb03d0dd8cc7c5bca6982a9e4335c",
    ),
    (
        "scenarios/opening_hours.toml",
        "874601352118a22c17060554b443bd5d8f0c6dcaba80a092c2852ecb556453ac",
    ),
    (
        "scenarios/promo_1111.toml",
        "1dbdec7e393b3b50fb6ba7a2bc1c078c2e4ad93ec7450aa3a5413f8f75b86ad8",
    ),
    (
        "scenarios/replay_last_week.toml",
        "d0f0f782146f62b4562599b6bd1c0affff12e2ed87f4b6486a611ee707cdb766",
    ),
    (
        "scenarios/system_upgrade_failure.toml",
        "d5cbf667f0a6544e5ee1526bd1ca99af750e5c577433ceb52e70734771296c91",
    ),
    (
        "scenarios/validation/erlang_a.toml",
        "219412a6f494c560eb3e4c67f75f9c808123c89b5e9857122a787b207f6eaa1f",
    ),
    (
        "scenarios/validation/erlang_c.toml",
        "87af5c33dc31d946e1d542ebc65dea9bbe214e28d8c4c4fd6403b715d47fe99d",
    ),
    (
        "scenarios/variants/bot_logistics.toml",
        "6b0aaefa319661dad4828de006bb240249872a26d3a28f525c65336ecc06a156",
    ),
    (
        "scenarios/variants/frontline_empowerment.toml",
        "ce21e64aa06af2150bfab56cf10b0a0b4a16d12cc25027129093d1c40b23228e",
    ),
    (
        "scenarios/variants/peak_staff_plus_20.toml",
        "c9ec4759602ad9a986ad4ed84ad4f2063aeb0faf56bec55d6eb928bc74fd2f85",
    ),
    (
        "scenarios/variants/shared_history.toml",
        "ec314d5b1c727299b1ed909c2c00c77c4eee4b8b12f52d9a5db4ebb460953c17",
    ),
    (
        "scenarios/variants/voice_cap.toml",
        "00441829eae8748b3ea318192105f4c80d17fb9b581be4a2ce1be66518d66bda",
    ),
    (
        "scenarios/weekday.toml",
        "fdc9b8a4330692ece50c775c2444820b2d3423862bb1c5dc76b786adf104d28d",
    ),
    (
        "tests/cases/optimize_small.toml",
        "3039540588f2e1101eb531712d88447b6e3bc5cb0332a8dcc5f03826d04accf7",
    ),
    (
        "tests/cases/sweep_voice_chat.toml",
        "97d4b17a39b37bd5e44b052b79b5042871be52771813e30613ae3b07ac9aba61",
    ),
];

#[test]
fn the_shipped_scenarios_keep_their_shard_identity() {
    let mut moved = Vec::new();
    for &(file, pinned) in PINNED {
        let model = ccsim::scenario::load(std::path::Path::new(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let hash = ccsim::shard::scenario_hash(&[&model]);
        if hash != pinned {
            moved.push(format!("{file}: {hash} (pinned {pinned})"));
        }
    }
    assert!(moved.is_empty(), "identities moved:\n{}", moved.join("\n"));
}
