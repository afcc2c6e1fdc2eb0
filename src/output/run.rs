//! What `ccsim run` prints and writes, from the plain [`RunSummary`]: the text tables
//! ([`render_text`]), the JSON document ([`write_json`]) and the results folder's files
//! ([`data_files`]); and the pieces every results or report folder is made of
//! ([`DataFile`], [`write_objects_csv`], [`csv_field`]).
//!
//! Invariants: nothing here computes an estimate; every number printed is a field of the
//! summary (or of the model, for targets and names). The CSV files flatten the JSON
//! document, so a field added to the summary appears in them without a change here.

use crate::duration::clock;
use crate::experiment::Estimate;
use crate::model::Model;
use crate::summary::{QueueEstimates, RunSummary};
use std::fmt::Write as _;

fn pct(e: &Estimate) -> String {
    if e.mean.is_finite() {
        format!("{:5.1}% ±{:.1}", e.mean * 100.0, e.ci95 * 100.0)
    } else {
        "      –".into()
    }
}

fn num(e: &Estimate, decimals: usize) -> String {
    if e.mean.is_finite() {
        format!("{:.*} ±{:.*}", decimals, e.mean, decimals, e.ci95)
    } else {
        "–".into()
    }
}

/// A count in words people read at a glance: `950`, `12.3 k`, `4.1 M`.
fn count(n: u64) -> String {
    match n {
        0..10_000 => n.to_string(),
        10_000..10_000_000 => format!("{:.1} k", n as f64 / 1e3),
        _ => format!("{:.1} M", n as f64 / 1e6),
    }
}

/// Column titles of the queue-metric tables.
const QUEUE_HEADERS: [&str; 7] = [
    "offered",
    "answered",
    "abandoned",
    "service level",
    "abandon rate",
    "ASA s",
    "p90 wait s",
];

/// The queue metrics of one scope as table cells, in `QUEUE_HEADERS` order.
fn queue_cells(q: &QueueEstimates) -> [String; 7] {
    [
        num(&q.offered, 1),
        num(&q.answered, 1),
        num(&q.abandoned_all, 1),
        pct(&q.service_level),
        pct(&q.abandon_rate),
        num(&q.asa_s, 1),
        num(&q.wait_p90_s, 1),
    ]
}

/// One aligned table row: a label, the seven queue cells, then free text.
fn queue_row(label: &str, label_width: usize, cells: [String; 7], tail: &str) -> String {
    let [a, b, c, d, e, f, g] = cells;
    format!("{label:<label_width$} {a:>15} {b:>15} {c:>14} {d:>16} {e:>16} {f:>13} {g:>13}{tail}")
}

/// Renders the summary as aligned text tables, for people: what `ccsim run` prints.
/// `source` is the scenario file as the user named it.
pub fn render_text(model: &Model, s: &RunSummary, source: &str) -> String {
    let mut out = String::new();
    headline(&mut out, model, s, source);
    risk_table(&mut out, s);
    breakdowns(&mut out, s);
    bot_table(&mut out, model, s);
    returns_table(&mut out, model, s);
    lines_table(&mut out, model, s);
    backlogs(&mut out, model, s);
    resolution_table(&mut out, model, s);
    group_table(&mut out, model, s);
    interval_tables(&mut out, model, s);
    out
}

/// The title line, the channel table with each channel's target, and the notes on
/// abandonment and unfinished contacts.
fn headline(out: &mut String, model: &Model, s: &RunSummary, source: &str) {
    let _ = writeln!(
        out,
        "ccsim · {} ({source}) · {} replications · seed {} · {:.2} s, {} events, {} contacts",
        s.scenario,
        s.replications,
        s.seed,
        s.wall_s,
        count(s.events),
        count(s.contacts)
    );
    let _ = writeln!(
        out,
        "Values are means per replication with 95 % confidence half-widths (±).\n"
    );
    let _ = writeln!(
        out,
        "{}",
        queue_row("channel", 10, QUEUE_HEADERS.map(String::from), "")
    );
    for (ch, (_, q)) in model.channels.iter().zip(&s.by_channel) {
        let mut target = format!(
            "   (target {:.0}% in {}",
            ch.service_level_target * 100.0,
            crate::duration::Duration::from_secs(ch.answer_within)
        );
        if ch.service_level_definition != crate::model::ServiceLevelDefinition::Offered {
            target += &format!("; {}", crate::summary::ServiceLevelSummary::of(ch).formula);
        }
        target.push(')');
        let _ = writeln!(out, "{}", queue_row(&ch.name, 10, queue_cells(q), &target));
    }
    let _ = writeln!(
        out,
        "{}",
        queue_row("all", 10, queue_cells(&s.totals.queue), "")
    );
    if s.totals.queue.abandoned_in_transfer.mean > 0.0 {
        let _ = writeln!(
            out,
            "Abandoned counts every contact that gave up waiting, in its first queue ({} a replication) or after a transfer ({}); the abandon rate is that share of offered, averaged over the replications.",
            num(&s.totals.queue.abandoned, 1),
            num(&s.totals.queue.abandoned_in_transfer, 1)
        );
    }
    if s.totals.queue.unfinished.mean > 0.0 {
        let _ = writeln!(
            out,
            "Unfinished: {} contacts a replication were still waiting at the end, with no agent on duty to take them and no patience to leave.",
            num(&s.totals.queue.unfinished, 1)
        );
    }
    if model.channels.iter().any(|c| c.hours.is_some()) {
        let q = &s.totals.queue;
        let _ = writeln!(
            out,
            "Closed: {} contacts a replication met their channel closed (opening hours), neither offered nor abandoned: {} deferred to the opening (offered there), {} sent to another channel, {} dropped from the queue at closing, the rest lost.",
            num(&q.closed, 1),
            num(&q.closed_deferred, 1),
            num(&q.closed_redirected, 1),
            num(&q.closed_at_closing, 1)
        );
    }
}

/// A share as a whole percentage, `–` when undefined.
fn share(v: f64) -> String {
    if v.is_finite() {
        format!("{:.0}%", v * 100.0)
    } else {
        "–".into()
    }
}

/// Percentiles `p10 / p50 / p90`, each by `show`.
fn spread(p: &crate::stats::Percentiles, show: impl Fn(f64) -> String) -> String {
    format!("{} / {} / {}", show(p.p10), show(p.p50), show(p.p90))
}

/// A share with one decimal, `–` when undefined.
fn share1(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", v * 100.0)
    } else {
        "–".into()
    }
}

/// Seconds with one decimal, `–` when undefined.
fn secs1(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.1}")
    } else {
        "–".into()
    }
}

/// How often a service-level target was met: `14/20 days 70% (48–85%)`.
fn met_cell(p: &crate::stats::Probability) -> String {
    if p.days == 0 {
        return "–".into();
    }
    format!(
        "{}/{} days {} ({}–{})",
        p.met,
        p.days,
        share(p.probability),
        share(p.low).trim_end_matches('%'),
        share(p.high)
    )
}

/// Per channel, the reported period across days: how often its service level met the
/// target, and the spread of service level, ASA and abandon rate.
fn risk_table(out: &mut String, s: &RunSummary) {
    let _ = writeln!(
        out,
        "\nAcross days (each replication is one possible day): how often the service level met its target (95 % Wilson interval), and the 10th / 50th / 90th percentiles."
    );
    let _ = writeln!(
        out,
        "{:<10} {:>30} {:>26} {:>22} {:>24}",
        "channel",
        "service level met",
        "service level p10/50/90",
        "ASA s p10/50/90",
        "abandon rate p10/50/90"
    );
    for (name, r) in &s.risk_by_channel {
        let _ = writeln!(
            out,
            "{:<10} {:>30} {:>26} {:>22} {:>24}",
            name,
            met_cell(&r.service_level_met),
            spread(&r.service_level, share1),
            spread(&r.asa_s, secs1),
            spread(&r.abandon_rate, share1)
        );
    }
}

/// The category and priority tables (each only when there are several).
fn breakdowns(out: &mut String, s: &RunSummary) {
    let category_width = s
        .by_category
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    if s.by_category.len() > 1 {
        let headers = QUEUE_HEADERS.map(String::from);
        let _ = writeln!(
            out,
            "\n{}",
            queue_row("category", category_width, headers, "")
        );
        for (name, q) in &s.by_category {
            let _ = writeln!(
                out,
                "{}",
                queue_row(name, category_width, queue_cells(q), "")
            );
        }
    }
    if s.by_priority.len() > 1 {
        let headers = QUEUE_HEADERS.map(String::from);
        let _ = writeln!(out, "\n{}", queue_row("priority", 10, headers, ""));
        for (level, q) in &s.by_priority {
            let _ = writeln!(out, "{}", queue_row(level, 10, queue_cells(q), ""));
        }
    }
}

/// The bot table: sessions, containment, drop-out, misroutes (only with bots).
fn bot_table(out: &mut String, model: &Model, s: &RunSummary) {
    if !model.bots.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<10} {:>14} {:>14} {:>16} {:>16} {:>16} {:>18} {:>16}",
            "channel",
            "arrivals",
            "bot sessions",
            "bot containment",
            "bot drop-out",
            "misrouted",
            "first response s",
            "human connect"
        );
        let rows = s.by_channel.iter().map(|(n, q)| (n.as_str(), q));
        for (name, q) in rows.chain(std::iter::once(("all", &s.totals.queue))) {
            let _ = writeln!(
                out,
                "{:<10} {:>14} {:>14} {:>16} {:>16} {:>16} {:>18} {:>16}",
                name,
                num(&q.arrivals, 1),
                num(&q.bot_sessions, 1),
                pct(&q.bot_containment),
                pct(&q.bot_dropout),
                pct(&q.bot_misroute_rate),
                num(&q.first_response_s, 1),
                pct(&q.human_connect_rate)
            );
        }
    }
}

/// The returns table: unique customers, redials and repeats (only with a return model).
fn returns_table(out: &mut String, model: &Model, s: &RunSummary) {
    if model
        .channels
        .iter()
        .any(|c| c.redial.is_some() || c.repeat.is_some())
    {
        let _ = writeln!(
            out,
            "\n{:<10} {:>14} {:>16} {:>14} {:>14} {:>20}",
            "channel",
            "arrivals",
            "unique customers",
            "redial rate",
            "repeat rate",
            "back after horizon"
        );
        let rows = s.by_channel.iter().map(|(n, q)| (n.as_str(), q));
        for (name, q) in rows.chain(std::iter::once(("all", &s.totals.queue))) {
            let _ = writeln!(
                out,
                "{:<10} {:>14} {:>16} {:>14} {:>14} {:>20}",
                name,
                num(&q.arrivals, 1),
                num(&q.unique_customers, 1),
                pct(&q.redial_rate),
                pct(&q.repeat_rate),
                num(&q.returns_after_horizon, 1)
            );
        }
    }
}

/// With trunk lines or a callback offer: per channel, the calls blocked (not offered, so
/// outside the service level) and the callbacks taken with their wait.
fn lines_table(out: &mut String, model: &Model, s: &RunSummary) {
    if !(model.channels.iter()).any(|c| c.lines > 0 || c.callback.is_some()) {
        return;
    }
    let _ = writeln!(
        out,
        "\n{:<10} {:>8} {:>14} {:>14} {:>14} {:>18}",
        "channel", "lines", "blocked", "block rate", "callbacks", "callback wait s"
    );
    for (ch, (name, q)) in model.channels.iter().zip(&s.by_channel) {
        let lines = if ch.lines > 0 {
            ch.lines.to_string()
        } else {
            "–".into()
        };
        let _ = writeln!(
            out,
            "{:<10} {:>8} {:>14} {:>14} {:>14} {:>18}",
            name,
            lines,
            num(&q.blocked, 1),
            pct(&q.block_rate),
            num(&q.callbacks, 1),
            num(&q.callback_wait_s, 1)
        );
    }
    let _ = writeln!(
        out,
        "Blocked calls found every trunk line busy: they are not offered, so no service level counts them."
    );
}

/// One line per backlog channel: SLA attainment and what is still open.
fn backlogs(out: &mut String, model: &Model, s: &RunSummary) {
    for (ch, (name, q)) in model.channels.iter().zip(&s.by_channel) {
        if ch.backlog {
            let _ = writeln!(
                out,
                "\n{name} is a backlog: {} within {} (SLA attainment), {} still open at the end of the horizon.",
                pct(&q.service_level),
                crate::duration::Duration::from_secs(ch.answer_within),
                num(&q.backlog, 1)
            );
        }
    }
}

/// The resolution and transfer table (only when some group does not resolve everything).
fn resolution_table(out: &mut String, model: &Model, s: &RunSummary) {
    let resolution_matters = model
        .groups
        .iter()
        .any(|g| g.resolve.iter().any(|p| *p < 1.0));
    if resolution_matters {
        let _ = writeln!(
            out,
            "\n{:<10} {:>16} {:>16} {:>16} {:>16} {:>16} {:>18}",
            "channel",
            "resolution",
            "first-contact",
            "transfer rate",
            "transfers/ans.",
            "transfer ASA s",
            "abandoned after tr."
        );
        let rows = s.by_channel.iter().map(|(n, q)| (n.as_str(), q));
        for (name, q) in rows.chain(std::iter::once(("all", &s.totals.queue))) {
            let _ = writeln!(
                out,
                "{:<10} {:>16} {:>16} {:>16} {:>16} {:>16} {:>18}",
                name,
                pct(&q.resolution_rate),
                pct(&q.first_contact_resolution),
                pct(&q.transfer_rate),
                num(&q.transfers_per_answered, 2),
                num(&q.transfer_asa_s, 1),
                pct(&q.transfer_abandon_rate)
            );
        }
    }
}

/// The group table (occupancy, agents on duty, paid hours, cost, overtime), the note on
/// what agents on duty means over the reported hours, and the bot cost.
fn group_table(out: &mut String, model: &Model, s: &RunSummary) {
    let w = s
        .by_group
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = writeln!(
        out,
        "\n{:<w$} {:>16} {:>18} {:>16} {:>14} {:>14}",
        "group", "occupancy", "agents on duty", "paid hours", "cost", "overtime h"
    );
    for (name, e) in &s.by_group {
        let _ = writeln!(
            out,
            "{:<w$} {:>16} {:>18} {:>16} {:>14} {:>14}",
            name,
            pct(&e.occupancy),
            num(&e.staffed, 1),
            num(&e.scheduled_hours, 1),
            num(&e.cost, 0),
            num(&e.overtime_hours, 1)
        );
    }
    let _ = writeln!(
        out,
        "{:<w$} {:>16} {:>18} {:>16} {:>14}",
        "all",
        pct(&s.totals.occupancy),
        "",
        "",
        num(&s.totals.cost, 0)
    );
    let from = model.display_time(model.first_reported_interval() as f64 * model.interval);
    let to = model.display_time(model.horizon);
    let hours = (to - from) / 3600.0;
    let _ = writeln!(
        out,
        "Agents on duty: the time-average of agents present over the reported {}–{} ({} h){}, hours with no one on duty included; overtime: agent-hours spent finishing contacts past the plan, the drain after the horizon included.",
        clock(from),
        if to == 86_400.0 {
            "24:00".to_string()
        } else {
            clock(to)
        },
        if hours.fract() == 0.0 {
            format!("{hours:.0}")
        } else {
            format!("{hours:.1}")
        },
        if model.channels.iter().any(|c| c.hours.is_some()) {
            ", the group's closed intervals left out (below)"
        } else {
            ""
        }
    );
    if model.channels.iter().any(|c| c.hours.is_some()) {
        let _ = writeln!(
            out,
            "Opening hours: a group's agents on duty and occupancy leave out the intervals in which every channel it handles is closed throughout (\"–\" per interval); its paid hours and cost count them."
        );
    }
    if s.totals.bot_cost.mean > 0.0 {
        let _ = writeln!(
            out,
            "(cost includes bot sessions: {})",
            num(&s.totals.bot_cost, 0)
        );
    }
}

/// Per channel, the table of its reported intervals with the serving groups' occupancy.
fn interval_tables(out: &mut String, model: &Model, s: &RunSummary) {
    for ch in &model.channels {
        let _ = writeln!(out, "\nPer interval · {}", ch.name);
        let headers = QUEUE_HEADERS.map(String::from);
        let tail = format!(" {:<13} {:>7} {:>15}", "occupancy", "SL met", "SL p10–p90");
        let _ = writeln!(out, "{}", queue_row("start", 8, headers, &tail));
        for row in s.intervals.iter().filter(|r| r.channel == ch.name) {
            let occupancy = channel_occupancy(model, s, &ch.name, row.start_s);
            let cells = queue_cells(&row.queue);
            let r = &row.risk;
            let range = if r.service_level.p10.is_finite() {
                format!(
                    "{}–{}",
                    share(r.service_level.p10),
                    share(r.service_level.p90)
                )
            } else {
                "–".into()
            };
            let tail = format!(
                " {occupancy:<13} {:>7} {range:>15}",
                share(r.service_level_met.probability)
            );
            let _ = writeln!(out, "{}", queue_row(&clock(row.start_s), 8, cells, &tail));
        }
    }
}

/// Occupancy of the groups that serve a channel in an interval, as text (one group: its
/// value; several: the first group's, marked with the group name).
fn channel_occupancy(model: &Model, s: &RunSummary, channel: &str, start_s: f64) -> String {
    let serving: Vec<&str> = model
        .groups
        .iter()
        .filter(|g| {
            g.handles.iter().any(|&t| {
                model.channels[model.contact_types[t.index()].channel.index()].name == channel
            })
        })
        .map(|g| g.name.as_str())
        .collect();
    let parts: Vec<String> = s
        .group_intervals
        .iter()
        .filter(|r| r.start_s == start_s && serving.contains(&r.group.as_str()))
        .map(|r| {
            if serving.len() == 1 {
                pct(&r.metrics.occupancy)
            } else {
                format!("{} {}", r.group, pct(&r.metrics.occupancy))
            }
        })
        .collect();
    parts.join(", ")
}

/// One file of a results or report folder: its name (a relative path) and its contents,
/// held whole or written piece by piece when the folder is written (so a large file is
/// never held in memory as text).
pub struct DataFile<'a> {
    /// Relative path in the folder, e.g. `intervals.csv` or `charts/sl.png`.
    pub name: String,
    contents: Contents<'a>,
}

/// A function that writes a file's contents.
type WriteFn<'a> = Box<dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + 'a>;

enum Contents<'a> {
    Bytes(Vec<u8>),
    Streamed(WriteFn<'a>),
}

impl<'a> DataFile<'a> {
    /// A file whose contents are at hand.
    pub fn bytes(name: impl Into<String>, contents: impl Into<Vec<u8>>) -> DataFile<'a> {
        DataFile {
            name: name.into(),
            contents: Contents::Bytes(contents.into()),
        }
    }

    /// A file written by `write` when the folder is written.
    pub fn streamed(
        name: impl Into<String>,
        write: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()> + 'a,
    ) -> DataFile<'a> {
        DataFile {
            name: name.into(),
            contents: Contents::Streamed(Box::new(write)),
        }
    }

    /// Writes the contents to `w`.
    pub fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        match &self.contents {
            Contents::Bytes(b) => w.write_all(b),
            Contents::Streamed(f) => f(w),
        }
    }

    /// The contents as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        // Writing to memory cannot fail.
        let _ = self.write_to(&mut buf);
        buf
    }

    /// The contents as text (lossy for binary files).
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }
}

/// `(name, text)` pairs as data files.
pub fn text_files<'a>(files: Vec<(String, String)>) -> Vec<DataFile<'a>> {
    files
        .into_iter()
        .map(|(n, t)| DataFile::bytes(n, t))
        .collect()
}

/// CSV text of rows of JSON objects (see [`write_objects_csv`]).
pub fn objects_to_csv(leading: &[&str], rows: &[(Vec<String>, serde_json::Value)]) -> String {
    let mut buf = Vec::new();
    let _ = write_objects_csv(
        &mut buf,
        leading,
        rows.iter().map(|(l, v)| (l.clone(), v.clone())),
    );
    String::from_utf8_lossy(&buf).into_owned()
}

/// Writes rows of JSON objects as CSV, one row at a time: the `leading` columns, then
/// every field of the object flattened (`{mean, ci95}` pairs as `name` and `name_ci95`,
/// nested objects as `outer_inner`); the header comes from the first row.
pub fn write_objects_csv(
    w: &mut dyn std::io::Write,
    leading: &[&str],
    rows: impl Iterator<Item = (Vec<String>, serde_json::Value)>,
) -> std::io::Result<()> {
    fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        let cell = |x: &serde_json::Value| match x {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => csv_field(s),
            other => other.to_string(),
        };
        match v {
            serde_json::Value::Object(map)
                if map.len() == 2 && map.contains_key("mean") && map.contains_key("ci95") =>
            {
                out.push((prefix.to_string(), cell(&map["mean"])));
                out.push((format!("{prefix}_ci95"), cell(&map["ci95"])));
            }
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    let name = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}_{k}")
                    };
                    flatten(&name, x, out);
                }
            }
            other => out.push((prefix.to_string(), cell(other))),
        }
    }
    for (i, (lead, value)) in rows.enumerate() {
        let mut cells = Vec::new();
        flatten("", &value, &mut cells);
        if i == 0 {
            let header: Vec<String> = leading
                .iter()
                .map(|s| s.to_string())
                .chain(cells.iter().map(|c| c.0.clone()))
                .collect();
            writeln!(w, "{}", header.join(","))?;
        }
        let line: Vec<String> = lead
            .iter()
            .map(|s| csv_field(s))
            .chain(cells.into_iter().map(|c| c.1))
            .collect();
        writeln!(w, "{}", line.join(","))?;
    }
    Ok(())
}

/// The results folder's files of a run, each written row by row: `summary.json` (the
/// contract, as `--json` prints it), `intervals.csv` (per interval and channel, its risk
/// across days included), `risk_by_channel.csv` (per channel, the reported period across
/// days) and `by_group.csv` (per group, then per interval and group).
pub fn data_files(s: &RunSummary) -> Vec<DataFile<'_>> {
    vec![
        DataFile::streamed("summary.json", |w| write_json(s, w)),
        DataFile::streamed("intervals.csv", |w| {
            let rows = s.intervals.iter().map(|i| {
                let mut v = serde_json::to_value(i.queue).unwrap_or_default();
                if let serde_json::Value::Object(m) = &mut v {
                    m.remove("start_s");
                    m.insert(
                        "risk".into(),
                        serde_json::to_value(i.risk).unwrap_or_default(),
                    );
                }
                (vec![clock(i.start_s), i.channel.clone()], v)
            });
            write_objects_csv(w, &["interval", "channel"], rows)
        }),
        DataFile::streamed("risk_by_channel.csv", |w| {
            let rows = s.risk_by_channel.iter().map(|(name, r)| {
                (
                    vec![name.clone()],
                    serde_json::to_value(r).unwrap_or_default(),
                )
            });
            write_objects_csv(w, &["channel"], rows)
        }),
        DataFile::streamed("by_group.csv", |w| {
            let totals = s.by_group.iter().map(|(name, g)| {
                (
                    vec!["all".to_string(), name.clone()],
                    serde_json::to_value(g).unwrap_or_default(),
                )
            });
            let per_interval = s.group_intervals.iter().map(|g| {
                (
                    vec![clock(g.start_s), g.group.clone()],
                    serde_json::to_value(g.metrics).unwrap_or_default(),
                )
            });
            write_objects_csv(w, &["interval", "group"], totals.chain(per_interval))
        }),
    ]
}

/// The results folder's files of a run as `(name, text)` pairs (see [`data_files`]).
pub fn result_files(s: &RunSummary) -> Vec<(String, String)> {
    (data_files(s).iter())
        .map(|f| (f.name.clone(), f.to_text()))
        .collect()
}

/// Writes the run's JSON document of the contract (as `--json` prints it), with a final
/// line end, without building it in memory.
///
/// # Errors
/// Those of `w`.
pub fn write_json(s: &RunSummary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, s)?;
    w.write_all(b"\n")
}

/// A CSV field, quoted when it needs to be (a comma, a quote or a line end in it).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("voice"), "voice");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn objects_flatten_to_columns_with_half_widths() {
        // Keys in alphabetical order, as serde_json's map keeps them.
        let row = serde_json::json!({
            "a_note": "a,b",
            "by_channel": {"voice": {"asa_s": {"mean": 12.5, "ci95": 1.5}}},
            "missing": null,
            "service_level": {"mean": 0.8, "ci95": 0.01},
        });
        let rows = [(vec!["08:00".to_string(), "x,y".to_string()], row)];
        assert_eq!(
            objects_to_csv(&["interval", "channel"], &rows),
            "interval,channel,a_note,by_channel_voice_asa_s,by_channel_voice_asa_s_ci95,missing,service_level,service_level_ci95\n\
             08:00,\"x,y\",\"a,b\",12.5,1.5,,0.8,0.01\n"
        );
    }
}
