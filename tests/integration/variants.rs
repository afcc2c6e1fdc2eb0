//! Variants (`extends` + `[set]`): the shipped process changes over the weekday change only
//! what they say, and move the metrics they target, measured as paired differences (same
//! seed, so the same customers) whose 95 % interval excludes zero.

use crate::support::run;
use ccsim::experiment::Estimate;
use ccsim::model::Model;
use std::path::Path;

fn load(relative: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    ccsim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn category(model: &Model, name: &str) -> usize {
    model.categories.iter().position(|c| c == name).unwrap()
}

fn group(model: &Model, name: &str) -> usize {
    model.groups.iter().position(|g| g.name == name).unwrap()
}

/// `expected` with the variant's name, compared field by field through `Debug`.
fn assert_same_model(mut expected: Model, variant: &Model) {
    expected.name = variant.name.clone();
    assert_eq!(format!("{expected:#?}"), format!("{variant:#?}"));
}

#[test]
fn each_shipped_variant_changes_only_what_it_says() {
    let weekday = load("scenarios/weekday.toml");

    let empowered = load("scenarios/variants/frontline_empowerment.toml");
    assert_eq!(empowered.name, "weekday + frontline empowerment");
    let mut expected = weekday.clone();
    for g in ["voice_t1", "chat_t1", "app_t1"] {
        let g = group(&weekday, g);
        expected.groups[g].resolve[category(&weekday, "payment")] = 0.75;
        expected.groups[g].resolve[category(&weekday, "after_sales")] = 0.75;
        expected.groups[g].resolve[category(&weekday, "complaints")] = 0.5;
    }
    assert_same_model(expected, &empowered);

    let shared = load("scenarios/variants/shared_history.toml");
    let mut expected = weekday.clone();
    assert!(!expected.transfers.keep_context);
    expected.transfers.keep_context = true;
    assert_same_model(expected, &shared);

    let bot = load("scenarios/variants/bot_logistics.toml");
    let mut expected = weekday.clone();
    let logistics = category(&weekday, "logistics");
    expected.bots[0].containment[logistics] = 0.8;
    expected.bots[1].containment[logistics] = 0.85;
    // The optimizer's deflection offers start from the new containment.
    let spec = expected.optimize.as_mut().unwrap();
    for d in &mut spec.deflections {
        if d.category.index() == logistics {
            d.today = expected.bots[d.bot.index()].containment[logistics];
            d.max = d.max.max(d.today);
        }
    }
    assert_same_model(expected, &bot);

    let peak = load("scenarios/variants/peak_staff_plus_20.toml");
    let peak_intervals = [20, 21, 22, 23, 40, 41, 42, 43];
    let mut changed = 0;
    for (g, (before, after)) in weekday.groups.iter().zip(&peak.groups).enumerate() {
        for (i, (&b, &a)) in before.scheduled.iter().zip(&after.scheduled).enumerate() {
            if g < 3 && peak_intervals.contains(&i) {
                assert_eq!(a, (b as f64 * 1.2).ceil() as u32, "group {g} interval {i}");
                changed += 1;
            } else {
                assert_eq!(a, b, "group {g} interval {i} is not a peak");
            }
        }
    }
    assert_eq!(changed, 24);
}

/// The paired difference variant − base of a metric over replications with the same seed.
fn paired(
    base: &Model,
    variant: &Model,
    metric: impl Fn(&ccsim::stats::ReplicationOutcome) -> f64,
) -> Estimate {
    let (a, b) = (run(base, 10, 7, 2), run(variant, 10, 7, 2));
    Estimate::from_samples(
        a.outcomes
            .iter()
            .zip(&b.outcomes)
            .map(|(x, y)| metric(y) - metric(x)),
    )
}

fn assert_falls(d: &Estimate, what: &str) {
    assert!(d.mean + d.ci95 < 0.0, "{what} should fall: {d:?}");
}

fn assert_rises(d: &Estimate, what: &str) {
    assert!(d.mean - d.ci95 > 0.0, "{what} should rise: {d:?}");
}

#[test]
fn each_shipped_variant_moves_the_metric_it_targets() {
    let weekday = load("scenarios/weekday.toml");

    let empowered = load("scenarios/variants/frontline_empowerment.toml");
    assert_falls(
        &paired(&weekday, &empowered, |o| o.totals.transfer_rate),
        "transfer rate with empowered tier 1",
    );
    assert_rises(
        &paired(&weekday, &empowered, |o| o.totals.first_contact_resolution),
        "first-contact resolution with empowered tier 1",
    );

    // Without catching up after transfers and repeats, agents are less busy.
    let shared = load("scenarios/variants/shared_history.toml");
    assert_falls(
        &paired(&weekday, &shared, |o| o.total_occupancy),
        "occupancy with a shared history",
    );

    let peak = load("scenarios/variants/peak_staff_plus_20.toml");
    assert_rises(
        &paired(&weekday, &peak, |o| o.totals.service_level),
        "service level with 20 % more staff at peak",
    );

    let bot = load("scenarios/variants/bot_logistics.toml");
    let logistics = category(&weekday, "logistics");
    assert_rises(
        &paired(&weekday, &bot, |o| o.by_category[logistics].bot_containment),
        "bot containment of logistics contacts",
    );
}

#[test]
fn a_variant_of_a_variant_applies_both_sets_in_order() {
    // Issue 12 item 2: a roster variant, then "bot down" on top of it.
    let dir = std::env::temp_dir().join(format!("ccsim-variant-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let weekday = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/weekday.toml");
    std::fs::write(
        dir.join("roster.toml"),
        format!(
            "extends = {:?}\nname = \"more staff\"\n[set]\n\"group.voice_t1.staffing[20]\" = 150\n\"group.voice_t1.staffing[21]\" = 151\n",
            weekday.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("bot_down.toml"),
        "extends = \"roster.toml\"\nname = \"more staff, bot down\"\n[set]\n\"bot.chat.containment_by.logistics\" = 0.0\n\"group.voice_t1.staffing[21]\" = 160\n",
    )
    .unwrap();
    let chained = ccsim::scenario::load(&dir.join("bot_down.toml")).unwrap();
    assert_eq!(chained.name, "more staff, bot down");
    let weekday = ccsim::scenario::load(&weekday).unwrap();
    let voice = group(&weekday, "voice_t1");
    let mut expected = weekday.clone();
    // The first file's change, the second's on top (the later one wins for [21]).
    expected.groups[voice].scheduled[20] = 150;
    expected.groups[voice].scheduled[21] = 160;
    let logistics = category(&weekday, "logistics");
    let chat_bot = |m: &Model| {
        m.bots
            .iter()
            .position(|b| m.channels[b.channel.index()].name == "chat")
            .unwrap()
    };
    let chat = chat_bot(&expected);
    expected.bots[chat].containment[logistics] = 0.0;
    assert!(weekday.bots[chat_bot(&weekday)].containment[logistics] > 0.5);
    assert_eq!(
        chained.groups[voice].scheduled,
        expected.groups[voice].scheduled
    );
    assert_eq!(
        chained.bots[chat_bot(&chained)].containment,
        expected.bots[chat].containment
    );

    // An error caused by a change in the middle of the chain is placed there.
    std::fs::write(
        dir.join("roster.toml"),
        format!(
            "extends = {:?}\n[set]\n\"group.voice_t1.shrinkage\" = 1.5\n",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/weekday.toml")
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let err = ccsim::scenario::load(&dir.join("bot_down.toml")).unwrap_err();
    assert!(err.file.ends_with("roster.toml"), "{err}");
    assert_eq!(err.position, Some((3, 1)), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn variants_extending_each_other_in_a_cycle_are_refused_at_extends() {
    let dir = std::env::temp_dir().join(format!("ccsim-variant-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.toml"),
        "extends = \"b.toml\"\n[set]\n\"group.agents.agents\" = 3\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.toml"),
        "# b\nextends = \"./a.toml\"\n[set]\n\"group.agents.agents\" = 4\n",
    )
    .unwrap();
    let err = ccsim::scenario::load(&dir.join("a.toml")).unwrap_err();
    assert!(err.file.ends_with("b.toml"), "{err}");
    assert_eq!(err.position, Some((2, 11)), "{err}");
    assert_eq!(err.key.as_deref(), Some("extends"));
    assert!(err.message.contains("in a cycle"), "{err}");
    assert!(
        err.message.ends_with("a chain must end at a full scenario"),
        "{err}"
    );
    // A file extending itself too.
    std::fs::write(dir.join("self.toml"), "extends = \"self.toml\"\n[set]\n").unwrap();
    let err = ccsim::scenario::load(&dir.join("self.toml")).unwrap_err();
    assert!(err.message.contains("in a cycle"), "{err}");
    let out = crate::support::command()
        .args(["check", dir.join("a.toml").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_shipped_scenario_loads() {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")];
    let mut loaded = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                ccsim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
                loaded += 1;
            }
        }
    }
    assert!(loaded >= 9, "{loaded} scenarios");
}

#[test]
fn promo_1111_is_the_weekday_with_a_sale_on_top() {
    let weekday = load("scenarios/weekday.toml");
    let promo = load("scenarios/promo_1111.toml");
    assert_eq!(promo.streams.len(), weekday.streams.len());
    let payment = category(&weekday, "payment");
    let account = category(&weekday, "account");
    for (w, p) in weekday.streams.iter().zip(&promo.streams) {
        let cat = weekday.contact_types[w.contact_type.index()]
            .category
            .index();
        let launch = if cat == payment {
            8.0
        } else if cat == account {
            2.0
        } else {
            p.rate_per_s[0] / w.rate_per_s[0]
        };
        // 00:00-01:30 at full strength; 01:30-02:00 is the ramp down (mean strength 1/2).
        for k in 0..3 {
            assert!((p.rate_per_s[k] / w.rate_per_s[k] - launch).abs() < 1e-9);
        }
        let ramp = 1.0 + (launch - 1.0) / 2.0;
        assert!((p.rate_per_s[3] / w.rate_per_s[3] - ramp).abs() < 1e-9);
        // Between the surges the day is the weekday's.
        for k in 4..38 {
            assert_eq!(p.rate_per_s[k], w.rate_per_s[k]);
        }
    }
    assert!(promo.channels.iter().all(|c| c.busyness_day_cv == 0.15));
    assert_eq!(
        promo.start.map(|s| s.date().to_string()),
        Some("2026-11-11".into())
    );
}

/// A variant in another folder than its base still reads the files the base names (a
/// replayed log, a forecast) where the base's folder puts them, and a file the variant
/// itself names is read from the variant's folder.
#[test]
fn a_variant_elsewhere_reads_the_files_its_base_names() {
    let dir = std::env::temp_dir().join(format!("ccsim-variant-paths-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("base/logs")).unwrap();
    std::fs::create_dir_all(dir.join("what_if")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The shipped replay scenario's base and log, copied: the base names `last_week.csv`.
    std::fs::copy(
        root.join("scenarios/logs/last_week.csv"),
        dir.join("base/logs/last_week.csv"),
    )
    .unwrap();
    std::fs::copy(
        root.join("scenarios/logs/last_week.csv"),
        dir.join("what_if/other_week.csv"),
    )
    .unwrap();
    let base = std::fs::read_to_string(root.join("scenarios/replay_last_week.toml")).unwrap();
    let base = base.replace(
        "extends = \"logs/last_week_source.toml\"",
        &format!(
            "extends = {:?}",
            root.join("scenarios/logs/last_week_source.toml")
                .display()
                .to_string()
        ),
    );
    std::fs::write(dir.join("base/replay.toml"), base).unwrap();
    std::fs::write(
        dir.join("what_if/more.toml"),
        "extends = \"../base/replay.toml\"\n[set]\n\"replay[0].volume_scale\" = 1.5\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("what_if/other.toml"),
        "extends = \"../base/replay.toml\"\n[set]\n\"replay[0].file\" = \"other_week.csv\"\n",
    )
    .unwrap();
    let more = ccsim::scenario::load(&dir.join("what_if/more.toml")).unwrap();
    assert_eq!(
        std::fs::canonicalize(&more.replays[0].path).unwrap(),
        std::fs::canonicalize(dir.join("base/logs/last_week.csv")).unwrap()
    );
    let other = ccsim::scenario::load(&dir.join("what_if/other.toml")).unwrap();
    assert_eq!(
        std::fs::canonicalize(&other.replays[0].path).unwrap(),
        std::fs::canonicalize(dir.join("what_if/other_week.csv")).unwrap()
    );
    // The base loaded from its own folder keeps its path as written.
    let alone = ccsim::scenario::load(&dir.join("base/replay.toml")).unwrap();
    assert!(alone.replays[0].path.ends_with("logs/last_week.csv"));
    std::fs::remove_dir_all(&dir).unwrap();
}
