//! A corpus of broken scenario files (tests/bad/): each must be refused with the file, line
//! and column, the key, and a message saying what is allowed — by the library and by
//! `ccsim check`, which exits 2 without a panic.

use std::path::Path;

/// File, `line:column`, key (or "" when the error has none), and a fragment of the message.
const CORPUS: &[(&str, &str, &str, &str)] = &[
    (
        "optimize_break_outside_shift",
        "31:11",
        "optimize.shift[0].breaks[0]",
        "the break window must lie inside the shift; in [[optimize.shift]] a break's earliest and latest count from the shift's start (not from the start of the horizon, as in a group's shifts): a 30m break in a 6h shift must start between 0s and 5h30m after the shift starts (earliest is 4h, latest is 6h)",
    ),
    (
        "optimize_deflection_without_bot",
        "33:11",
        "optimize.deflection[0].channel",
        "has no bot to deflect contacts",
    ),
    (
        "optimize_group_in_no_template",
        "30:1",
        "optimize.shift",
        "the group \"overflow\" is in no shift template",
    ),
    (
        "optimize_max_asa_zero",
        "25:11",
        "optimize.max_asa",
        "an ASA of 0s cannot be met",
    ),
    (
        "optimize_unknown_solver",
        "25:10",
        "optimize.solver",
        "unknown solver \"gurobi\"; the solvers are \"microlp\" or \"cbc\"",
    ),
    (
        "optimize_gap_zero",
        "25:7",
        "optimize.gap",
        "the relative MIP gap is above 0",
    ),
    (
        "optimize_no_shift",
        "24:1",
        "optimize.shift",
        "give at least one shift template",
    ),
    (
        "optimize_unknown_group",
        "28:11",
        "optimize.shift[0].groups[0]",
        "there is no group \"agent\"",
    ),
    (
        "arrivals_unknown_category",
        "16:12",
        "arrivals[0].category",
        "there is no category \"genral\"; the category names are \"general\"",
    ),
    (
        "bot_outage_reversed",
        "28:12",
        "bot[0].outages[0]",
        "an outage needs from < to",
    ),
    (
        "bot_probabilities_past_one",
        "25:1",
        "bot[0]",
        "containment (0.7) and drop-out (0.4) add up past 1",
    ),
    (
        "bot_twice_on_a_channel",
        "30:11",
        "bot[1].channel",
        "one bot per channel",
    ),
    (
        "bot_unknown_channel",
        "26:11",
        "bot[0].channel",
        "there is no channel \"app\"",
    ),
    (
        "bot_when_full_unknown",
        "28:13",
        "bot[0].when_full",
        "\"wait\" (for the bot) or \"humans\"",
    ),
    (
        "hours_without_start",
        "8:9",
        "channel[0].hours",
        "hours that differ by day of the week need the date the horizon starts on: add start = \"2026-11-09\" to [simulation]",
    ),
    (
        "hours_across_midnight",
        "9:19",
        "channel[0].hours.daily",
        "for a night line write \"22:00-24:00\" on one day and \"00:00-06:00\" on the next",
    ),
    (
        "channel_kind_unknown",
        "8:8",
        "channel[0].kind",
        "\"fax\" is not a channel kind",
    ),
    (
        "concurrency_zero",
        "22:15",
        "group[0].concurrency",
        "from 1 to 16",
    ),
    (
        "cv_for_exponential",
        "23:57",
        "group[0].handle_time.cv",
        "`cv` does not apply to dist = \"exponential\"; it takes: mean",
    ),
    ("duplicate_group", "26:8", "group[1].name", "is used twice"),
    ("duplicate_key", "22:1", "agents", "duplicate key"),
    (
        "duration_unknown_unit",
        "3:12",
        "simulation.interval",
        "unknown unit \"minutes\"",
    ),
    (
        "duration_without_unit",
        "2:11",
        "simulation.horizon",
        "the bare number 2 has no unit",
    ),
    (
        "empirical_empty",
        "23:46",
        "group[0].handle_time.values",
        "at least one value",
    ),
    (
        "gamma_without_cv",
        "23:15",
        "group[0].handle_time",
        "needs `cv`",
    ),
    (
        "handle_time_by_unknown_category",
        "27:20",
        "group[0].handle_time_by.\"voice/refunds\"",
        "there is no category \"refunds\"",
    ),
    (
        "escalate_to_unknown_group",
        "22:15",
        "group[0].escalate_to",
        "there is no group \"tier2\"; the group names are \"agents\"",
    ),
    (
        "email_with_patience",
        "10:12",
        "channel[0].patience",
        "nobody abandons it",
    ),
    (
        "escalate_to_itself",
        "22:15",
        "group[0].escalate_to",
        "cannot escalate to itself",
    ),
    (
        "resolve_out_of_range",
        "22:11",
        "group[0].resolve",
        "between 0 and 1 (got 1.2)",
    ),
    (
        "resolve_by_negative",
        "22:26",
        "group[0].resolve_by.general",
        "between 0 and 1 (got -0.1)",
    ),
    (
        "group_never_reached",
        "28:11",
        "group[1].handles",
        "would never get a contact",
    ),
    (
        "too_many_intervals",
        "3:12",
        "simulation.interval",
        "86400 intervals × 1 channels make 86400 per-interval results; at most 50000",
    ),
    (
        "transfer_cap_too_high",
        "20:19",
        "transfers.max_per_contact",
        "from 0 (no transfers) to 20",
    ),
    (
        "handles_unknown_category",
        "22:12",
        "group[0].handles[0]",
        "there is no category \"billing\"",
    ),
    (
        "handles_unknown_channel",
        "22:12",
        "group[0].handles[0]",
        "there is no channel \"vocie\"; the channels are \"voice\"",
    ),
    (
        "horizon_too_long",
        "2:11",
        "simulation.horizon",
        "at most 366 days",
    ),
    (
        "interval_not_dividing",
        "3:12",
        "simulation.interval",
        "whole number of intervals",
    ),
    (
        "interval_too_short",
        "3:12",
        "simulation.interval",
        "at least 1m",
    ),
    (
        "mean_without_unit",
        "23:46",
        "group[0].handle_time.mean",
        "has no unit",
    ),
    (
        "negative_agents",
        "21:10",
        "group[0].agents",
        "from 1 to 1000000 (got -3)",
    ),
    (
        "negative_cv",
        "23:55",
        "group[0].handle_time.cv",
        "must be zero or more (got -0.5)",
    ),
    (
        "negative_rate",
        "17:17",
        "arrivals[0].rate_per_hour",
        "greater than zero (got -5)",
    ),
    (
        "nobody_handles",
        "27:1",
        "arrivals[2]",
        "nobody handles voice/billing",
    ),
    (
        "overflow_without_unit",
        "22:18",
        "group[0].overflow_after",
        "the bare number 30 has no unit",
    ),
    (
        "priority_wrong_type",
        "18:12",
        "arrivals[0].priority",
        "invalid type: string \"vip\"",
    ),
    (
        "profile_length",
        "18:11",
        "arrivals[0].profile",
        "one per interval of a day: 48",
    ),
    (
        "profile_without_volume",
        "18:11",
        "arrivals[0].profile",
        "add daily_volume",
    ),
    (
        "redial_max_attempts_zero",
        "10:93",
        "channel[0].redial.max_attempts",
        "from 1 to 50",
    ),
    (
        "redial_probability_past_one",
        "10:26",
        "channel[0].redial.probability",
        "between 0 and 1 (got 1.5)",
    ),
    (
        "redial_with_channel",
        "10:88",
        "channel[0].redial.channel",
        "only repeat takes a channel",
    ),
    (
        "repeat_channel_unhandled",
        "10:88",
        "channel[0].repeat.channel",
        "would come back as chat/general, which no group handles",
    ),
    (
        "rate_too_high",
        "14:1",
        "arrivals[0]",
        "at most 1000000 an hour per stream",
    ),
    (
        "rate_wrong_type",
        "17:17",
        "arrivals[0].rate_per_hour",
        "invalid type",
    ),
    (
        "rates_length",
        "17:18",
        "arrivals[0].rates_per_hour",
        "the list has 3 rates; the horizon has 4 intervals",
    ),
    (
        "rates_negative",
        "17:18",
        "arrivals[0].rates_per_hour",
        "rate 2 of the list is -1",
    ),
    (
        "shift_after_horizon",
        "21:21",
        "group[0].shifts[0].start",
        "starts after the horizon ends",
    ),
    (
        "shift_break_outside",
        "21:64",
        "group[0].shifts[0].breaks[0]",
        "a break must lie inside its shift; in a group's shifts a break's start counts from the start of the horizon (not from the shift's start, as in [[optimize.shift]]): this shift runs from 0s to 2h, so a 30m break must start between 0s and 1h30m (got 1h50m)",
    ),
    (
        // Written as if counted from the shift's start (20 minutes into a shift at 1h).
        "shift_break_from_shift_start",
        "21:64",
        "group[0].shifts[0].breaks[0]",
        "in a group's shifts a break's start counts from the start of the horizon (not from the shift's start, as in [[optimize.shift]]): this shift runs from 1h to 2h, so a 15m break must start between 1h and 1h45m (got 20m)",
    ),
    (
        "mix_sum_not_one",
        "19:7",
        "arrivals[0].mix",
        "the shares of a mix are probabilities and must add up to 1 (within 1e-9); general = 0.7, other = 0.5 add up to 1.2",
    ),
    (
        "shifts_and_agents",
        "19:1",
        "group[0]",
        "exactly one of agents (constant), staffing (one number per interval) or shifts",
    ),
    (
        "staffing_length",
        "21:12",
        "group[0].staffing",
        "the list has 5 entries; the horizon has 4 intervals",
    ),
    ("syntax_error", "1:12", "", "unclosed table"),
    (
        "target_out_of_range",
        "8:51",
        "channel[0].service_level.target",
        "between 0 and 1",
    ),
    (
        "tier_out_of_range",
        "22:8",
        "group[0].tier",
        "from 1 (frontline) to 9",
    ),
    (
        "two_rate_forms",
        "14:1",
        "arrivals[0]",
        "exactly one of rate_per_hour",
    ),
    (
        "uniform_reversed",
        "23:53",
        "group[0].handle_time.max",
        "0 <= min < max",
    ),
    (
        "unknown_distribution",
        "23:24",
        "group[0].handle_time.dist",
        "allowed: exponential, lognormal",
    ),
    (
        "unknown_key_distribution",
        "9:49",
        "channel[0].patience.sd",
        "unknown field `sd`, expected one of",
    ),
    (
        "unknown_key_group",
        "21:1",
        "group[0].agnets",
        "unknown field `agnets`",
    ),
    (
        "unknown_key_simulation",
        "5:1",
        "simulation.threads",
        "unknown field `threads`",
    ),
    (
        "unknown_table",
        "11:3",
        "categroy",
        "unknown field `categroy`",
    ),
    (
        "warmup_too_long",
        "3:10",
        "simulation.warmup",
        "shorter than the horizon",
    ),
    ("zero_agents", "21:10", "group[0].agents", "(got 0)"),
    (
        "zero_mean",
        "23:46",
        "group[0].handle_time.mean",
        "greater than zero",
    ),
    (
        "zero_rate",
        "17:17",
        "arrivals[0].rate_per_hour",
        "greater than zero (got 0)",
    ),
    (
        "transfer_loop_without_cap",
        "34:19",
        "transfers.max_per_contact",
        "from 0 (no transfers) to 20 (default 3); it is what ends a loop of escalations",
    ),
    (
        "variant_index_past_end",
        "5:1",
        "group.agents.handles[3]",
        "`handles` has 1 entry (index 0), not [3]",
    ),
    (
        "variant_missing_base",
        "2:11",
        "extends",
        "no_such_base.toml: cannot read the scenario file",
    ),
    (
        "variant_typo_in_key",
        "5:1",
        "group.agents.handle_tme",
        "unknown field `handle_tme`, expected one of",
    ),
    (
        "variant_unknown_group",
        "6:1",
        "group.agentz.agents",
        "`group` has no entry `agentz`; known: agents",
    ),
    (
        "variant_unknown_top_key",
        "4:2",
        "sets",
        "unknown field `sets`, expected one of `extends`, `name`, `description`, `set`",
    ),
    (
        "variant_value_out_of_range",
        "5:1",
        "channel.voice.service_level.target",
        "the target is a share between 0 and 1",
    ),
    (
        "busyness_negative",
        "8:23",
        "channel[0].busyness.day_cv",
        "a coefficient of variation from 0 (none) to 2",
    ),
    (
        "day_of_week_without_start",
        "23:15",
        "arrivals[0].day_of_week",
        "need the start date: add start = \"2026-11-09\" to [simulation]",
    ),
    (
        "mix_and_category",
        "19:1",
        "arrivals[0]",
        "give either category (one stream) or mix",
    ),
    (
        "start_not_a_date",
        "5:9",
        "simulation.start",
        "is not a date; write the local date of the horizon's start as \"2026-11-11\"",
    ),
    (
        "surge_past_horizon",
        "27:6",
        "surge[0].to",
        "the surge ends after the horizon (24h)",
    ),
    (
        "surge_ramps_too_long",
        "29:13",
        "surge[0].ramp_down",
        "the ramps up and down together must fit inside the window",
    ),
    (
        "surge_unknown_category",
        "28:29",
        "surge[0].multiplier_by.paymnet",
        "there is no category \"paymnet\"",
    ),
    (
        "start_with_time_of_day",
        "4:9",
        "simulation.start",
        "the horizon starts at midnight",
    ),
    (
        "surge_factor_for_another_category",
        "32:29",
        "surge[0].multiplier_by.account",
        "the surge applies to category \"payment\" only",
    ),
];

fn bad_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad"))
}

#[test]
fn every_broken_file_is_refused_with_its_place_key_and_remedy() {
    let mut listed: Vec<&str> = CORPUS.iter().map(|c| c.0).collect();
    listed.sort();
    let mut on_disk: Vec<String> = std::fs::read_dir(bad_dir())
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    assert_eq!(
        listed, on_disk,
        "every file in tests/bad is checked, and only those"
    );

    for (name, position, key, fragment) in CORPUS {
        let path = bad_dir().join(format!("{name}.toml"));
        let err = ccsim::scenario::load(&path).expect_err(name);
        let text = err.to_string();
        let want_place = format!("{}:{position}: ", path.display());
        assert!(
            text.starts_with(&want_place),
            "{name}: {text}\n  wanted it to start with {want_place}"
        );
        if key.is_empty() {
            assert_eq!(err.key, None, "{name}: {text}");
        } else {
            assert_eq!(err.key.as_deref(), Some(*key), "{name}: {text}");
        }
        assert!(
            text.contains(fragment),
            "{name}: {text}\n  wanted: {fragment}"
        );
    }
}

#[test]
fn check_exits_2_on_every_broken_file() {
    for (name, _, _, fragment) in CORPUS {
        let path = bad_dir().join(format!("{name}.toml"));
        let out = crate::support::command()
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
        assert!(
            stderr.contains(fragment) && !stderr.contains("panicked"),
            "{name}: {stderr}"
        );
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{name}: one paragraph: {stderr}"
        );
    }
}

#[test]
fn unreadable_and_non_utf8_files_are_refused() {
    let missing = ccsim::scenario::load(Path::new("no/such/scenario.toml")).unwrap_err();
    assert!(
        missing
            .to_string()
            .starts_with("no/such/scenario.toml: cannot read the scenario file"),
        "{missing}"
    );

    let dir = std::env::temp_dir().join(format!("ccsim-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let latin1 = dir.join("latin1.toml");
    std::fs::write(&latin1, b"[simulation]\nname = \"caf\xe9\"\n").unwrap();
    let err = ccsim::scenario::load(&latin1).unwrap_err();
    assert_eq!(err.position, Some((2, 12)), "{err}");
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    let out = crate::support::command()
        .arg("run")
        .arg(&latin1)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn erlang_flags_must_be_finite_numbers() {
    let erlang = |rate: &str| {
        crate::support::command()
            .args([
                "erlang",
                "c",
                &format!("--rate-per-hour={rate}"),
                "--aht",
                "3m",
                "--agents",
                "3",
                "--answer-within",
                "20s",
            ])
            .output()
            .unwrap()
    };
    for (rate, got) in [("inf", "inf"), ("NaN", "NaN"), ("-5", "-5"), ("0", "0")] {
        let out = erlang(rate);
        assert_eq!(out.status.code(), Some(2), "{rate}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: --rate-per-hour {got}: the arrival rate must be a finite number of contacts an hour, greater than zero\n"
            ),
            "{rate}"
        );
    }
}

#[test]
fn optimize_names_the_stream_and_interval_behind_an_absurd_load() {
    // The weekday with 100,000 calls an hour in one interval of voice/payment (escalated
    // to a back office): the offered load outgrows any staffing.
    let text = std::fs::read_to_string("scenarios/weekday.toml").unwrap();
    let row = "      56,   50,   52,   58,   64,   66,   66,   64,   62,   60,   56,   52,   # 12:00-17:30";
    let stream = text.find("category = \"payment\"   # 1,002 a day").unwrap();
    let at = stream + text[stream..].find(row).unwrap();
    assert!(!text[stream..at].contains("[[arrivals]]"));
    let spiked = format!(
        "{}{}{}",
        &text[..at],
        row.replace("   60,", "100000,"),
        &text[at + row.len()..]
    );
    let dir = std::env::temp_dir().join(format!("ccsim-spike-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spike.toml");
    std::fs::write(&path, spiked).unwrap();
    let out = crate::support::command()
        .args(["optimize", path.to_str().unwrap()])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("group `payments` was still busy with")
            && err.contains(
                "The busiest arrivals then are voice/payment (key `arrivals[2]`): 100000 contacts an hour at 16:30–17:00 (interval [33]), against a median of 52 an hour over the horizon"
            ),
        "{err}"
    );
}
