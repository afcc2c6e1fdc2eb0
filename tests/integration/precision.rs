//! `--precision`: batches of replications until the target half-width is met or the cap is
//! reached; the result equals a plain run of the same number of replications.

use crate::support::ccsim;

#[test]
fn batches_run_until_the_half_width_is_met_and_equal_a_plain_run() {
    let file = "scenarios/validation/erlang_a.toml";
    let out = ccsim(&[
        "run",
        file,
        "--precision",
        "service_level=0.004",
        "--json",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("precision met: service_level = "),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = json["replications"].as_u64().unwrap();
    assert!(n > 20 && n % 20 == 0, "batches of the scenario's 20: {n}");
    assert!(json["totals"]["service_level"]["ci95"].as_f64().unwrap() <= 0.004);
    let earlier = json["totals"]["service_level"]["ci95"].as_f64().unwrap();
    let plain = ccsim(&[
        "run",
        file,
        "--replications",
        &n.to_string(),
        "--json",
        "--quiet",
    ]);
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(
        plain["totals"], json["totals"],
        "batches are replications 0..n"
    );
    assert_eq!(
        earlier,
        plain["totals"]["service_level"]["ci95"].as_f64().unwrap()
    );

    let capped = ccsim(&[
        "run",
        file,
        "--precision",
        "voice.asa_s=0.001",
        "--max-replications",
        "30",
        "--quiet",
    ]);
    assert!(capped.status.success());
    let stderr = String::from_utf8_lossy(&capped.stderr);
    assert!(
        stderr.contains("precision NOT met") && stderr.contains("after the cap of 30"),
        "{stderr}"
    );
    let bad = ccsim(&["run", file, "--precision", "voice.nonsense=1"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a metric ccsim can target"));
}
