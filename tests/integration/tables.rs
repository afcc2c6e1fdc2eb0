//! The engine reads its tables without a bounds check per access (`ccsim-core`'s `table`
//! module): every id it uses must be in range. The model's ids are checked once per replication before
//! the first event, and a replayed contact's as it arrives; a model or a feed with an id
//! out of range is refused with a sentence naming it, never read past its tables.

use ccsim::engine::{ContactFeed, ReplayedContact, Workspace, simulate, simulate_with};
use ccsim::ids::{ChannelId, ClassId, ContactTypeId, GroupId};
use ccsim::model::{AtClosing, Model, OpeningHours, WhenClosed};
use std::path::{Path, PathBuf};

fn load(path: &Path) -> Model {
    ccsim::scenario::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.toml` under `scenarios/` that loads as a scenario.
fn shipped() -> Vec<(PathBuf, Model)> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::from("scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("scenarios") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml")
                && let Ok(m) = ccsim::scenario::load(&path)
            {
                out.push((path, m));
            }
        }
    }
    out
}

#[test]
fn every_shipped_scenario_compiles_to_ids_in_range() {
    let models = shipped();
    assert!(models.len() >= 20, "{} scenarios", models.len());
    for (path, m) in models {
        assert_eq!(m.check_ids(), Ok(()), "{}", path.display());
    }
}

/// A change that puts an id of a model out of range.
type Corruption = Box<dyn Fn(&mut Model)>;

/// Each kind of id out of range is named, with its table and the table's length.
#[test]
fn a_model_with_an_id_out_of_range_is_refused_with_its_name() {
    let good = load(Path::new("scenarios/weekday.toml"));
    let (n_channels, n_types, n_groups) = (
        good.channels.len(),
        good.contact_types.len(),
        good.groups.len(),
    );
    let cases: Vec<(Corruption, String)> = vec![
        (
            Box::new(move |m| m.contact_types[1].channel = ChannelId::new(n_channels as u32)),
            format!("contact type 1's channel is {n_channels}, past the {n_channels} channels"),
        ),
        (
            Box::new(move |m| m.contact_types[0].groups.push(GroupId::new(99))),
            format!("contact type 0's group is 99, past the {n_groups} groups"),
        ),
        (
            Box::new(move |m| m.streams[2].contact_type = ContactTypeId::new(n_types as u32)),
            format!("stream 2's contact type is {n_types}, past the {n_types} contact types"),
        ),
        (
            Box::new(|m| m.streams[0].class = ClassId::new(7)),
            format!(
                "stream 0's class is 7, past the {} classes",
                good.priority_levels.len()
            ),
        ),
        (
            Box::new(move |m| m.groups[1].handles.push(ContactTypeId::new(500))),
            format!("group 1's contact type is 500, past the {n_types} contact types"),
        ),
        (
            Box::new(|m| m.groups[0].concurrency = 0),
            "group 0's concurrency is 0, and must be at least 1".to_string(),
        ),
        (
            Box::new(|m| m.n_intervals = 0),
            "the model has no interval".to_string(),
        ),
        (
            Box::new(|m| m.n_intervals = 1 << 62),
            format!(
                "{} intervals of {} cells are more than a grid holds",
                1u64 << 62,
                n_channels.max(n_groups)
            ),
        ),
        (
            Box::new(|m| m.priority_levels.clear()),
            "the model has no priority class".to_string(),
        ),
        (
            Box::new(move |m| {
                m.channels[2].hours = Some(OpeningHours {
                    open: vec![(0.0, 3600.0)],
                    when_closed: WhenClosed::Redirect {
                        channel: ChannelId::new(0),
                        as_type: vec![None, Some(ContactTypeId::new(n_types as u32 + 3))],
                    },
                    at_closing: AtClosing::Serve,
                })
            }),
            format!(
                "channel 2's redirect contact type is {}, past the {n_types} contact types",
                n_types + 3
            ),
        ),
        (
            Box::new(move |m| {
                m.channels[1].hours = Some(OpeningHours {
                    open: vec![(0.0, 3600.0)],
                    when_closed: WhenClosed::Redirect {
                        channel: ChannelId::new(n_channels as u32),
                        as_type: Vec::new(),
                    },
                    at_closing: AtClosing::Drop,
                })
            }),
            format!("channel 1's redirect channel is {n_channels}, past the {n_channels} channels"),
        ),
    ];
    for (corrupt, expected) in cases {
        let mut m = good.clone();
        corrupt(&mut m);
        assert_eq!(m.check_ids(), Err(expected.clone()));
        // The engine refuses it before its first event.
        let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            simulate(&m, 1, 0, &mut Workspace::new());
        }))
        .expect_err("the engine refuses the model");
        let text = refused
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            text,
            format!("the engine cannot run this model: {expected}")
        );
    }
}

/// A feed of the caller's that gives a contact type past the model's is refused as the
/// contact arrives.
#[test]
fn a_replayed_contact_of_an_unknown_type_is_refused() {
    struct Bad(bool);
    impl ContactFeed for Bad {
        fn next_contact(&mut self) -> Option<ReplayedContact> {
            std::mem::replace(&mut self.0, false).then_some(ReplayedContact {
                time: 10.0,
                contact_type: ContactTypeId::new(40),
                class: ClassId::new(0),
                handle_time: None,
                patience: None,
                waited_at_least: 0.0,
            })
        }
    }
    let m = load(Path::new("scenarios/validation/erlang_c.toml"));
    let n_types = m.contact_types.len();
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut ws = Workspace::new();
        simulate_with(&m, 1, 0, &mut ws, vec![Box::new(Bad(true))], None);
    }))
    .expect_err("the engine refuses the contact");
    let text = refused
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        text,
        format!("a replayed contact of type 40 and class 0, with {n_types} types and 1 classes")
    );
}

/// A horizon short of its last interval's end (the scenario accepts a rounding, 1e-9 of
/// it; here half an interval, so that arrivals would fall there): the arrival clock runs to
/// the interval's end, and an arrival after the horizon would fall in no interval (it
/// panicked). Nothing arrives at or after the horizon.
#[test]
fn no_arrival_falls_between_the_horizon_and_the_last_interval_s_end() {
    let full = load(Path::new("scenarios/validation/erlang_c.toml"));
    let mut short = full.clone();
    short.horizon -= 0.5 * short.interval;
    let mut ws = Workspace::new();
    for r in 0..3 {
        let (a, b) = (
            simulate(&full, 1, r, &mut ws).contacts,
            simulate(&short, 1, r, &mut ws).contacts,
        );
        // The same arrivals, but the last half interval's: about a / (2 × intervals) of
        // them (Poisson, within five standard deviations).
        let expected = a as f64 * 0.5 / full.n_intervals as f64;
        let fewer = (a - b) as f64;
        assert!((fewer - expected).abs() < 5.0 * expected.sqrt(), "{a} {b}");
    }
}
