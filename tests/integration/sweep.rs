//! `ccsim sweep`: one row per grid point, with the values set; service level rises with
//! the agents; the results folder holds sweep.csv and sweep.json; a bad key stops the sweep
//! before anything runs.

fn ccsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_grid_of_agents_and_patience_gives_one_row_per_point() {
    let out = ccsim(&[
        "sweep",
        "scenarios/validation/erlang_c.toml",
        "--set",
        "group.agents.agents=104..112:4",
        "--set",
        "simulation.seed=1,2",
        "--replications",
        "4",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = json["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    assert_eq!(points[0]["set"]["group.agents.agents"], "104");
    assert_eq!(points[1]["set"]["simulation.seed"], "2");
    let sl = |i: usize| {
        points[i]["totals"]["service_level"]["mean"]
            .as_f64()
            .unwrap()
    };
    assert!(
        sl(0) < sl(2) && sl(2) < sl(4),
        "{} {} {}",
        sl(0),
        sl(2),
        sl(4)
    );

    let dir = std::env::temp_dir().join(format!("ccsim-sweep-{}", std::process::id()));
    let d = dir.to_str().unwrap();
    let out = ccsim(&[
        "sweep",
        "scenarios/validation/erlang_c.toml",
        "--set",
        "group.agents.agents=108,110",
        "--replications",
        "2",
        "--quiet",
        "--out",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("group.agents.agents,"), "{header}");
    assert!(header.contains(",totals_service_level,totals_service_level_ci95,"));
    assert!(header.contains(",by_channel_voice_asa_s,by_channel_voice_asa_s_ci95,"));
    assert_eq!(csv.lines().count(), 3);
    assert!(dir.join("sweep.json").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_key_or_value_stops_the_sweep_before_it_runs() {
    let out = ccsim(&[
        "sweep",
        "scenarios/validation/erlang_c.toml",
        "--set",
        "group.agentz.agents=1,2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("`group` has no entry `agentz`; known: agents")
    );
    let out = ccsim(&[
        "sweep",
        "scenarios/validation/erlang_c.toml",
        "--set",
        "group.agents.agents=5,-3",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--set group.agents.agents") && err.contains("(got -3)"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
