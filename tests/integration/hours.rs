//! Opening hours (issue 15, item 1): a line open 08:00–20:00 that loses closed-time
//! contacts is the same queue as a 12-hour day; closed contacts counted exactly from a
//! deterministic arrival pattern; deferred contacts make the backlog at opening; redirects
//! and drops at closing conserve contacts; closed intervals are left out of the groups'
//! averages; bad hours are located errors.

use crate::support::{model, run};
use ccsim::engine::{ContactFeed, ReplayedContact, Workspace, simulate_with};
use ccsim::experiment::{Estimate, t_quantile_975};
use ccsim::ids::{ClassId, ContactTypeId};
use ccsim::model::Model;
use ccsim::stats::{QueueMetrics, ReplicationOutcome};

/// One line, `rate` calls an hour all day, `agents` on duty all day, exponential handle
/// times (5 minutes) and patience (5 minutes); `channel_extra` goes under `[[channel]]`.
fn line(horizon: &str, rate: f64, agents: u32, channel_extra: &str) -> Model {
    model(&format!(
        r#"
[simulation]
horizon = "{horizon}"
interval = "1h"
replications = 10
seed = 5
kind = "terminating"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
patience = {{ dist = "exponential", mean = "5m" }}
{channel_extra}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = {rate}

[[group]]
name = "agents"
agents = {agents}
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    ))
}

/// Reads a metric from a replication's outcome.
type Metric = fn(&ReplicationOutcome) -> f64;

/// Whether two independent estimates agree within four standard errors of their
/// difference.
fn agree(a: &Estimate, b: &Estimate) -> bool {
    let se = |e: &Estimate| e.ci95 / t_quantile_975(e.n - 1);
    (a.mean - b.mean).abs() <= 4.0 * (se(a).powi(2) + se(b).powi(2)).sqrt() + 1e-9
}

#[test]
fn a_line_open_twelve_hours_that_loses_closed_calls_is_a_twelve_hour_day() {
    // 24 hours open 08:00–20:00 (empty at 08:00, as the 12-hour day is at 0), the agents
    // on duty all day: offered, service level, ASA, abandon rate and occupancy over the
    // open hours are those of the 12-hour day.
    let open = line("24h", 120.0, 11, "hours = { daily = \"08:00-20:00\" }");
    let day = line("12h", 120.0, 11, "");
    let (a, b) = (run(&open, 80, 5, 2), run(&day, 80, 9, 2));
    let metric = |f: Metric| (a.estimate(f), b.estimate(f));
    let checks: [(&str, Metric); 6] = [
        ("offered", |o| o.totals.offered),
        ("service_level", |o| o.totals.service_level),
        ("asa_s", |o| o.totals.asa_s),
        ("abandon_rate", |o| o.totals.abandon_rate),
        ("occupancy", |o| o.by_group[0].occupancy),
        ("answered", |o| o.totals.answered),
    ];
    for (name, f) in checks {
        let (x, y) = metric(f);
        assert!(agree(&x, &y), "{name}: open 08–20 {x:?}, 12-hour day {y:?}");
    }
    for o in &a.outcomes {
        let t = &o.totals;
        // Every arrival is offered or closed; the closed ones are lost.
        assert_eq!(t.arrivals, t.offered + t.closed);
        assert_eq!(
            t.closed_deferred + t.closed_redirected + t.closed_at_closing,
            0.0
        );
        // On duty over the open hours: the 11 agents (with the closed hours it would be
        // the same 11, but the occupancy would be halved).
        assert_eq!(o.by_group[0].staffed, 11.0);
        for (k, g) in o.group_intervals.iter().enumerate() {
            assert_eq!(g.occupancy.is_nan(), !(8..20).contains(&k), "interval {k}");
        }
        for (k, q) in o.intervals.iter().enumerate() {
            assert_eq!(q.offered == 0.0, !(8..20).contains(&k), "interval {k}");
        }
    }
    // 12 closed hours at 120 an hour.
    let closed = a.estimate(|o| o.totals.closed);
    assert!(
        crate::support::within_four_se(&closed, 1440.0),
        "{closed:?}"
    );
    // The occupancy over the whole day would be about half: the test can tell.
    let whole_day = a.estimate(|o| o.total_occupancy);
    assert!(whole_day.mean > 0.6, "{whole_day:?}");
}

/// Contacts given one by one: `(arrival, handle time)`, never abandoning.
struct Given(std::vec::IntoIter<(f64, f64)>, ContactTypeId);

impl ContactFeed for Given {
    fn next_contact(&mut self) -> Option<ReplayedContact> {
        let (time, handle) = self.0.next()?;
        Some(ReplayedContact {
            time,
            contact_type: self.1,
            class: ClassId::new(0),
            handle_time: Some(handle),
            patience: Some(f64::INFINITY),
            waited_at_least: 0.0,
        })
    }
}

/// A voice line with the given hours keys, `agents` on duty all day, beside an always
/// open chat line that carries the scenario's arrival stream.
fn fed_line(agents: u32, hours: &str) -> Model {
    model(&format!(
        r#"
[simulation]
horizon = "24h"
interval = "1h"
replications = 1
seed = 3

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
{hours}

[[channel]]
name = "chat"
service_level = {{ answer_within = "1m", target = 0.8 }}

[[category]]
name = "general"

[[arrivals]]
channel = "chat"
category = "general"
rate_per_hour = 1

[[group]]
name = "voice_agents"
agents = {agents}
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "1m" }}

[[group]]
name = "chat_agents"
agents = 2
handles = ["chat/general"]
handle_time = {{ dist = "exponential", mean = "1m" }}
"#
    ))
}

/// A voice contact every 10 minutes, at 5, 15, 25 … minutes past the hour (144 in the day,
/// 72 of them between 08:00 and 20:00), each `handle` seconds long; the outcome.
fn every_ten_minutes(m: &Model, handle: f64) -> ReplicationOutcome {
    let voice = (0..m.contact_types.len())
        .map(ContactTypeId::from_index)
        .find(|&t| m.contact_type_name(t) == "voice/general")
        .unwrap();
    let contacts: Vec<(f64, f64)> = (0..144)
        .map(|i| (300.0 + 600.0 * i as f64, handle))
        .collect();
    let feed = Given(contacts.into_iter(), voice);
    let mut ws = Workspace::new();
    simulate_with(m, 1, 0, &mut ws, vec![Box::new(feed)], None)
}

/// The voice row of interval `k`.
fn voice_at(o: &ReplicationOutcome, k: usize) -> &QueueMetrics {
    &o.intervals[k * 2]
}

#[test]
fn closed_contacts_are_counted_exactly() {
    let m = fed_line(20, "hours = { daily = \"08:00-20:00\" }");
    let o = every_ten_minutes(&m, 60.0);
    let voice = &o.by_channel[0];
    assert_eq!(
        (voice.arrivals, voice.offered, voice.closed),
        (144.0, 72.0, 72.0)
    );
    assert_eq!((voice.answered, voice.abandoned), (72.0, 0.0));
    for k in 0..24 {
        let q = voice_at(&o, k);
        let open = (8..20).contains(&k);
        assert_eq!(q.closed, if open { 0.0 } else { 6.0 }, "interval {k}");
        assert_eq!(q.offered, if open { 6.0 } else { 0.0 }, "interval {k}");
    }
}

#[test]
fn deferred_contacts_are_the_backlog_at_opening_and_wait_from_it() {
    let m = fed_line(
        60,
        "hours = { daily = \"08:00-20:00\" }\nwhen_closed = \"defer\"",
    );
    let o = every_ten_minutes(&m, 60.0);
    let voice = &o.by_channel[0];
    // The 48 contacts of 00:00–08:00 wait for 08:00; the 24 of 20:00–24:00 find no
    // opening left in the horizon and are lost.
    assert_eq!((voice.closed, voice.closed_deferred), (72.0, 48.0));
    assert_eq!((voice.offered, voice.answered), (120.0, 120.0));
    let opening = voice_at(&o, 8);
    assert_eq!(opening.offered, 48.0 + 6.0);
    // Their wait counts from the opening: 60 agents answer all 54 at once.
    assert_eq!((opening.asa_s, opening.service_level), (0.0, 1.0));
    // Before the opening nothing is offered.
    assert!((0..8).all(|k| voice_at(&o, k).offered == 0.0));
}

#[test]
fn at_closing_drop_removes_the_waiting_and_serve_keeps_them() {
    // One agent, one-hour calls: it answers those of 08:05, 09:05, … 19:05 (12), the other
    // 60 of the open hours still wait at 20:00.
    let drop = fed_line(
        1,
        "hours = { daily = \"08:00-20:00\" }\nat_closing = \"drop\"",
    );
    let o = every_ten_minutes(&drop, 3600.0);
    let voice = &o.by_channel[0];
    assert_eq!((voice.offered, voice.answered), (72.0, 12.0));
    assert_eq!((voice.closed, voice.closed_at_closing), (72.0 + 60.0, 60.0));
    assert_eq!((voice.abandoned, voice.unfinished), (0.0, 0.0));
    let serve = fed_line(1, "hours = { daily = \"08:00-20:00\" }");
    let o = every_ten_minutes(&serve, 3600.0);
    let voice = &o.by_channel[0];
    // Served to the end: the agent stays on duty all day and through the drain.
    assert_eq!(
        (voice.answered, voice.closed_at_closing, voice.closed),
        (72.0, 0.0, 72.0)
    );
}

/// Voice closed before noon, sending its calls to chat (open from `chat_opens`), with
/// redials and a bot-free chat; `drop`: chat drops its queue at closing.
fn redirecting(chat_hours: &str) -> Model {
    model(&format!(
        r#"
[simulation]
horizon = "24h"
interval = "1h"
replications = 10
seed = 8

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
patience = {{ dist = "exponential", mean = "2m" }}
redial = {{ probability = 0.5, delay = {{ dist = "exponential", mean = "30m" }} }}
hours = {{ daily = "12:00-24:00" }}
when_closed = {{ to = "chat" }}

[[channel]]
name = "chat"
service_level = {{ answer_within = "1m", target = 0.8 }}
patience = {{ dist = "exponential", mean = "4m" }}
{chat_hours}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 60

[[arrivals]]
channel = "chat"
category = "general"
rate_per_hour = 30

[[group]]
name = "voice_agents"
agents = 4
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "4m" }}

[[group]]
name = "chat_agents"
agents = 3
handles = ["chat/general"]
handle_time = {{ dist = "exponential", mean = "6m" }}
"#
    ))
}

/// Per channel, the counts hang together: every arrival is offered or closed, every
/// deferred one is offered again, every offered one ends (answered, abandoned, dropped at
/// closing or unfinished); all channels: arrivals are the contacts, redials, repeats and
/// redirects.
fn assert_conserved(o: &ReplicationOutcome) {
    for q in o.by_channel.iter().chain([&o.totals]) {
        assert_eq!(
            q.arrivals,
            q.offered - q.closed_deferred + q.closed - q.closed_at_closing,
            "{q:?}"
        );
        assert_eq!(
            q.offered,
            q.answered + q.abandoned + q.closed_at_closing + q.unfinished,
            "{q:?}"
        );
    }
    let t = &o.totals;
    let redials = t.redial_rate * t.arrivals;
    let repeats = t.repeat_rate * t.arrivals;
    assert_eq!(
        (t.arrivals - redials - repeats - t.closed_redirected).round(),
        o.contacts as f64
    );
}

#[test]
fn redirects_conserve_contacts() {
    let m = redirecting("");
    let result = run(&m, 10, 8, 2);
    for o in &result.outcomes {
        assert_conserved(o);
        let (voice, chat) = (&o.by_channel[0], &o.by_channel[1]);
        // Chat is always open: every closed call (first or redial) goes there.
        assert!(voice.closed > 500.0, "{voice:?}");
        assert_eq!(voice.closed, voice.closed_redirected);
        assert_eq!(chat.closed, 0.0);
        assert_eq!(chat.arrivals, chat.offered);
        // Chat's own stream brings about 720; the redirected calls come on top.
        assert!(
            chat.arrivals > 720.0 + voice.closed_redirected - 150.0,
            "{chat:?}"
        );
    }
    // Chat closed until 06:00 (and dropping at 23:00): the calls of 00:00–06:00 find it
    // closed too and are lost.
    let m = redirecting(
        "hours = { daily = \"06:00-23:00\" }\nwhen_closed = \"defer\"\nat_closing = \"drop\"",
    );
    let result = run(&m, 10, 8, 2);
    for o in &result.outcomes {
        assert_conserved(o);
        let voice = &o.by_channel[0];
        assert!(voice.closed_redirected < voice.closed - 200.0, "{voice:?}");
        assert!(o.by_channel[1].closed_deferred > 100.0);
    }
}

#[test]
fn hours_by_weekday_follow_the_start_date_and_closed_dates() {
    // From Friday 2026-11-13: Friday 08–20, Saturday 09–12 and 13–14, Sunday closed.
    let text = |start: &str, extra: &str| {
        format!(
            r#"
[simulation]
horizon = "72h"
interval = "1h"
start = "{start}"

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
hours = {{ "mon-fri" = "08:00-20:00", sat = ["09:00-12:00", "13:00-14:00"], sun = "closed" }}
{extra}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 1

[[group]]
name = "agents"
agents = 1
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "1m" }}
"#
        )
    };
    let windows = |start: &str, extra: &str| -> Vec<(f64, f64)> {
        let m = model(&text(start, extra));
        let h = m.channels[0].hours.clone().expect("hours");
        h.open
            .iter()
            .map(|&(a, b)| (a / 3600.0, b / 3600.0))
            .collect()
    };
    assert_eq!(
        windows("2026-11-13", ""),
        [(8.0, 20.0), (33.0, 36.0), (37.0, 38.0)]
    );
    // Saturday a holiday: Friday only.
    assert_eq!(
        windows("2026-11-13", "closed_dates = [\"2026-11-14\"]"),
        [(8.0, 20.0)]
    );
    // From Sunday midnight: Monday and Tuesday.
    assert_eq!(windows("2026-11-15", ""), [(32.0, 44.0), (56.0, 68.0)]);
}

#[test]
fn closed_dates_without_hours_close_only_those_dates() {
    // Open around the clock from Friday 2026-11-13, but Saturday is a holiday.
    let text = r#"
[simulation]
horizon = "72h"
interval = "1h"
start = "2026-11-13"

[[channel]]
name = "voice"
service_level = { answer_within = "20s" }
closed_dates = ["2026-11-14", "2027-01-01"]
when_closed = "defer"

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 1

[[group]]
name = "agents"
agents = 1
handles = ["voice/general"]
handle_time = { dist = "exponential", mean = "1m" }
"#;
    let m = model(text);
    let h = m.channels[0]
        .hours
        .clone()
        .expect("closed dates make hours");
    let open: Vec<(f64, f64)> = (h.open.iter())
        .map(|&(a, b)| (a / 3600.0, b / 3600.0))
        .collect();
    assert_eq!(open, [(0.0, 24.0), (48.0, 72.0)]);
    assert!(matches!(h.when_closed, ccsim::model::WhenClosed::Defer));
}

#[test]
fn a_night_line_joins_windows_across_midnight() {
    let m = line(
        "48h",
        10.0,
        1,
        "hours = { daily = [\"00:00-06:00\", \"22:00-24:00\"] }",
    );
    let open: Vec<(f64, f64)> = (m.channels[0].hours.as_ref().unwrap().open.iter())
        .map(|&(a, b)| (a / 3600.0, b / 3600.0))
        .collect();
    assert_eq!(open, [(0.0, 6.0), (22.0, 30.0), (46.0, 48.0)]);
}

#[test]
fn scenarios_without_hours_are_open_always() {
    let m = line("2h", 60.0, 2, "");
    assert!(m.channels.iter().all(|c| c.hours.is_none()));
    for o in &run(&m, 3, 1, 1).outcomes {
        assert_eq!(o.totals.closed, 0.0);
    }
}

/// Compiles `channel_extra` under the channel of [`line`] (without `[simulation] start`
/// unless `start`), and returns the error text.
fn refused(channel_extra: &str, start: bool) -> String {
    let start = if start { "start = \"2026-11-09\"" } else { "" };
    let text = format!(
        r#"[simulation]
horizon = "24h"
interval = "1h"
{start}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}
{channel_extra}

[[channel]]
name = "email"
kind = "email"
service_level = {{ answer_within = "24h" }}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 1

[[group]]
name = "agents"
agents = 1
handles = ["voice/general"]
handle_time = {{ dist = "exponential", mean = "1m" }}
"#
    );
    match ccsim::scenario::parse(&text, "test.toml", "test") {
        Ok(_) => panic!("accepted: {channel_extra}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_hours_are_located_errors() {
    let cases: &[(&str, bool, &str, &str)] = &[
        (
            "hours = { \"mon-fri\" = \"08:00-20:00\", sat = \"closed\" }",
            false,
            "test.toml:9:9: key `channel[0].hours`",
            "add start = \"2026-11-09\"",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nclosed_dates = [\"2026-12-25\"]",
            false,
            "test.toml:10:16: key `channel[0].hours`",
            "closed dates need the date the horizon starts on",
        ),
        (
            "hours = { mond = \"08:00-20:00\" }",
            true,
            "test.toml:9:18: key `channel[0].hours.mond`",
            "\"mond\" is not a day",
        ),
        (
            "hours = { daily = \"22:00-06:00\" }",
            true,
            "key `channel[0].hours.daily`",
            "\"22:00-24:00\" on one day and \"00:00-06:00\" on the next",
        ),
        (
            "hours = { daily = \"8-20\" }",
            true,
            "key `channel[0].hours.daily`",
            "write \"HH:MM-HH:MM\"",
        ),
        (
            "hours = { daily = \"08:00-24:30\" }",
            true,
            "key `channel[0].hours.daily`",
            "is not a window",
        ),
        (
            "hours = { daily = [\"08:00-13:00\", \"12:00-20:00\"] }",
            true,
            "key `channel[0].hours.daily`",
            "the windows of a day overlap",
        ),
        (
            "hours = { daily = 8 }",
            true,
            "key `channel[0].hours.daily`",
            "a list of such windows, or \"closed\"",
        ),
        (
            "hours = { \"mon-fri\" = \"08:00-20:00\", fri = \"09:00-17:00\" }",
            true,
            "key `channel[0].hours.mon-fri`",
            "fri is given by \"fri\" and by \"mon-fri\"",
        ),
        (
            "hours = {}",
            true,
            "key `channel[0].hours`",
            "the hours name no day",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nclosed_dates = [\"25/12/2026\"]",
            true,
            "test.toml:10:17: key `channel[0].closed_dates[0]`",
            "is not a date",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nwhen_closed = \"later\"",
            true,
            "test.toml:10:15: key `channel[0].when_closed`",
            "\"lose\" (the default), \"defer\"",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nwhen_closed = { to = \"fax\" }",
            true,
            "key `channel[0].when_closed.to`",
            "there is no channel \"fax\"",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nwhen_closed = { to = \"voice\" }",
            true,
            "key `channel[0].when_closed.to`",
            "cannot send its closed-hours contacts to itself",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nwhen_closed = { to = \"email\" }",
            true,
            "key `channel[0].when_closed.to`",
            "voice/general would go to email/general while closed, which no group handles",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nat_closing = \"keep\"",
            true,
            "test.toml:10:14: key `channel[0].at_closing`",
            "use \"serve\"",
        ),
        (
            "when_closed = \"defer\"",
            true,
            "test.toml:9:15: key `channel[0].when_closed`",
            "applies to a channel with opening hours",
        ),
        (
            "hours = { daily = \"08:00-20:00\" }\nopening = \"8h\"",
            true,
            "opening",
            "unknown field",
        ),
    ];
    for (extra, start, place, fragment) in cases {
        let e = refused(extra, *start);
        assert!(e.contains(place), "{extra}: {e}");
        assert!(e.contains(fragment), "{extra}: {e}");
    }
}

/// A small day for `ccsim optimize` (contacts all day, a night included), with `hours`
/// under its channel and at least one agent on duty wherever someone is needed.
fn optimized_day(hours: &str) -> ccsim::optimize::OptimizeResult {
    let m = model(&format!(
        r#"
[simulation]
horizon = "24h"
interval = "1h"
replications = 4
seed = 3

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s", target = 0.8 }}
patience = {{ dist = "exponential", mean = "3m" }}
{hours}

[[category]]
name = "general"

[[arrivals]]
channel = "voice"
category = "general"
daily_volume = 2000
profile = [1, 1, 1, 1, 1, 2, 4, 8, 10, 12, 12, 11, 10, 10, 11, 12, 11, 10, 8, 6, 4, 2, 1, 1]

[[group]]
name = "agents"
agents = 10
handles = ["voice/*"]
handle_time = {{ dist = "exponential", mean = "5m" }}
hourly_cost = 30

[optimize]
max_abandon_rate = 0.05
min_on_duty = 1
replications = 6

[[optimize.shift]]
name = "four_hours"
earliest_start = "0h"
latest_start = "20h"
start_every = "1h"
length = "4h"
"#
    ));
    let options = ccsim::optimize::OptimizeOptions {
        seed: 5,
        ..Default::default()
    };
    ccsim::optimize::optimize(&m, &options, &|_| {}).unwrap()
}

#[test]
fn closed_hours_need_only_the_drain_and_are_not_judged_by_optimize() {
    let open = |k: usize| (6..22).contains(&k);
    let closed = optimized_day("hours = { daily = \"06:00-22:00\" }");
    for (k, row) in closed.requirements.iter().enumerate() {
        if open(k) {
            assert!(row.required >= 1, "{row:?}");
        } else if k == 22 {
            // The drain after closing: the conversations still in progress.
            assert!(row.offered_load > 0.0, "{row:?}");
            assert_eq!(row.erlang, row.offered_load.ceil() as u32, "{row:?}");
        } else {
            // Contacts arrive at night, and min_on_duty is 1, yet nobody is needed.
            assert_eq!(
                (row.erlang, row.required, row.scheduled_needed),
                (0, 0, 0),
                "{row:?}"
            );
        }
    }
    assert!(closed.intervals_judged <= 16, "{}", closed.intervals_judged);
    assert!(
        (closed.misses.iter()).all(|m| open((m.start_s / 3600.0) as usize)),
        "{:?}",
        closed.misses
    );
    // The same day open around the clock needs people at night and costs more.
    let always = optimized_day("");
    assert!(always.requirements.iter().all(|r| r.required >= 1));
    assert!(always.intervals_judged > closed.intervals_judged);
    assert!(always.total_cost >= closed.total_cost + 8.0 * 30.0);
}

#[test]
fn a_closed_channels_bot_takes_nothing_and_threads_do_not_matter() {
    let m = line(
        "24h",
        60.0,
        4,
        "hours = { daily = \"08:00-20:00\" }\nwhen_closed = \"defer\"\nat_closing = \"drop\"",
    );
    let mut text = std::fs::read_to_string("scenarios/opening_hours.toml").unwrap();
    text.push_str(
        "\n[[bot]]\nchannel = \"chat\"\nhandle_time = { dist = \"exponential\", mean = \"1m\" }\ncontainment = 0.3\n",
    );
    let with_bot = model(&text);
    let result = run(&with_bot, 6, 2, 1);
    for o in &result.outcomes {
        // Chat is open 07:00–23:00: no session starts outside, though chats arrive then
        // (they are deferred to 07:00 and go straight to the agents).
        for k in (0..7).chain(23..24) {
            assert_eq!(o.intervals[k * 2 + 1].bot_sessions, 0.0, "interval {k}");
            assert!(
                o.intervals[k * 2 + 1].closed > 0.0 || k == 23,
                "interval {k}"
            );
        }
        assert!(o.by_channel[1].bot_sessions > 100.0);
    }
    // The same numbers on one thread or several.
    for model in [&m, &with_bot] {
        let (one, two) = (run(model, 6, 2, 1), run(model, 6, 2, 2));
        // Compared as text: NaN (undefined) is not equal to itself.
        let text = |r: &ccsim::experiment::RunResult| format!("{:?}", r.outcomes);
        assert_eq!(text(&one), text(&two));
    }
}

#[test]
fn hours_open_around_the_clock_change_nothing() {
    // The weekday with every channel open 00:00–24:00: the same numbers, bit for bit.
    let text = std::fs::read_to_string("scenarios/weekday.toml").unwrap();
    let open = text.replace(
        "[[channel]]\n",
        "[[channel]]\nhours = { daily = \"00:00-24:00\" }\n",
    );
    assert_ne!(open, text);
    let (plain, open) = (model(&text), model(&open));
    assert!(open.channels.iter().all(|c| c.hours.is_some()));
    let text = |m: &Model| format!("{:?}", run(m, 3, 4, 2).outcomes);
    assert_eq!(text(&plain), text(&open));
}

/// `check` names each open window by its day when the scenario has a start date.
#[test]
fn check_names_the_open_windows_by_their_day() {
    let out = crate::support::ccsim(&["check", "scenarios/opening_hours.toml"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "open 9.0 h of 24.0 h (Sat 14 09:00–18:00); arriving while closed: sent to chat"
        ),
        "{text}"
    );
}
