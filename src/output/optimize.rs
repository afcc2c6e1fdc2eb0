//! What `ccsim optimize` prints and writes, from the plain [`OptimizeResult`]: the JSON
//! document, the text report, the CSV files of a results folder and the cost lines that
//! the text and the HTML report share.
//!
//! Invariants: nothing here decides anything; every number printed is a field of the
//! result or of the verification run's [`RunSummary`], which is built here from the
//! result's [`Verification`] (the optimizer itself never imports the output layer). The
//! JSON keeps the field order of the contract: the verification runs appear as
//! `simulated`, a run's summary document.

use crate::duration::clock;
use crate::model::Model;
use crate::optimize::{
    Baseline, CostBreakdown, DeflectionResult, GroupCost, IterationRecord, Miss, OptimizeResult,
    RequirementRow, RosterLine, Verification,
};
use crate::summary::RunSummary;
use serde::Serialize;
use std::fmt::Write as _;

/// The summary of a verification run: the estimates `ccsim run` would print for the model
/// as the roster staffs it.
pub fn summary(v: &Verification) -> RunSummary {
    RunSummary::new(&v.model, &v.result, v.seed)
}

/// The JSON document of `ccsim optimize --json` and `optimize.json`.
#[derive(Serialize)]
struct OptimizeDocument<'a> {
    scenario: &'a str,
    seed: u64,
    replications: u32,
    targets_met: bool,
    history: &'a [IterationRecord],
    roster: &'a [RosterLine],
    requirements: &'a [RequirementRow],
    costs: &'a [GroupCost],
    total_cost: f64,
    deflection_cost: f64,
    naive_cost: f64,
    cost_breakdown: CostBreakdown,
    baseline: BaselineDocument<'a>,
    intervals_judged: usize,
    intervals_missing: usize,
    deflections: &'a [DeflectionResult],
    misses: &'a [Miss],
    simulated: RunSummary,
    min_offered: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    tours: Option<&'a crate::optimize::tours::report::ToursResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<&'a crate::optimize::ConfidenceResult>,
    wall_s: f64,
}

/// [`Baseline`] in the JSON document.
#[derive(Serialize)]
struct BaselineDocument<'a> {
    method: &'static str,
    cost_breakdown: CostBreakdown,
    costs: &'a [GroupCost],
    roster: &'a [RosterLine],
    intervals_judged: usize,
    intervals_missing: usize,
    targets_met: bool,
    misses: &'a [Miss],
    shortfall: u32,
    simulated: RunSummary,
}

impl<'a> BaselineDocument<'a> {
    fn of(b: &'a Baseline) -> BaselineDocument<'a> {
        BaselineDocument {
            method: b.method,
            cost_breakdown: b.cost_breakdown,
            costs: &b.costs,
            roster: &b.roster,
            intervals_judged: b.intervals_judged,
            intervals_missing: b.intervals_missing,
            targets_met: b.targets_met,
            misses: &b.misses,
            shortfall: b.shortfall,
            simulated: summary(&b.simulated),
        }
    }
}

/// The JSON document, pretty-printed (no final newline).
pub fn to_json(r: &OptimizeResult) -> String {
    let document = OptimizeDocument {
        scenario: &r.scenario,
        seed: r.seed,
        replications: r.replications,
        targets_met: r.targets_met,
        history: &r.history,
        roster: &r.roster,
        requirements: &r.requirements,
        costs: &r.costs,
        total_cost: r.total_cost,
        deflection_cost: r.deflection_cost,
        naive_cost: r.naive_cost,
        cost_breakdown: r.cost_breakdown,
        baseline: BaselineDocument::of(&r.baseline),
        intervals_judged: r.intervals_judged,
        intervals_missing: r.intervals_missing,
        deflections: &r.deflections,
        misses: &r.misses,
        simulated: summary(&r.simulated),
        min_offered: r.min_offered,
        tours: r.tours.as_ref(),
        confidence: r.confidence.as_ref(),
        wall_s: r.wall_s,
    };
    serde_json::to_string_pretty(&document).expect("a result always serialises")
}

/// `agents A + bot sessions B + bot raises R = T`, to the cent.
pub fn cost_line(c: &CostBreakdown) -> String {
    format!(
        "agents {:.2} + bot sessions {:.2} + bot raises {:.2} = {:.2}",
        c.agents, c.bot_sessions, c.bot_raises, c.total
    )
}

/// A shift's breaks as `HH:MM-HH:MM` each, unpaid ones marked with `unpaid`.
fn breaks_text(r: &RosterLine, unpaid: &str) -> Vec<String> {
    (r.breaks.iter())
        .map(|&(s, l, paid)| {
            format!(
                "{}-{}{}",
                clock(s),
                clock(s + l),
                if paid { "" } else { unpaid }
            )
        })
        .collect()
}

/// `roster.csv`: group, shift, start, end, breaks, agents.
pub fn roster_csv(r: &OptimizeResult) -> String {
    let mut t = String::from("group,shift,start,end,breaks,agents\n");
    for line in &r.roster {
        let _ = writeln!(
            t,
            "{},{},{},{},{},{}",
            line.group,
            line.shift,
            clock(line.start_s),
            clock(line.end_s),
            breaks_text(line, " unpaid").join(" "),
            line.agents
        );
    }
    t
}

/// `requirements.csv`: per interval and group.
pub fn requirements_csv(r: &OptimizeResult) -> String {
    let mut t = String::from(
        "interval,group,offered_load,erlang,required,scheduled_needed,scheduled_after_bots,rostered,shortfall\n",
    );
    for row in &r.requirements {
        let _ = writeln!(
            t,
            "{},{},{:.3},{},{},{},{},{},{}",
            clock(row.start_s),
            row.group,
            row.offered_load,
            row.erlang,
            row.required,
            row.scheduled_needed,
            row.scheduled_after_bots,
            row.rostered,
            row.shortfall
        );
    }
    t
}

/// `cost.csv`: per group the roster's and the two-step baseline's headcount, paid
/// hours and agent cost; then `all` (every group's agents), `bot sessions`,
/// `bot raises` and `total`, whose `cost` and `two_step_cost` add up as in
/// [`CostBreakdown`].
pub fn cost_csv(r: &OptimizeResult) -> String {
    let mut t = String::from(
        "group,headcount,paid_hours,cost,two_step_headcount,two_step_paid_hours,two_step_cost,solver,gap,lp_bound,path\n",
    );
    for (c, b) in r.costs.iter().zip(&r.baseline.costs) {
        let _ = writeln!(
            t,
            "{},{},{:.2},{:.2},{},{:.2},{:.2},{},{},{},\"{}\"",
            c.group,
            c.headcount,
            c.paid_hours,
            c.cost,
            b.headcount,
            b.paid_hours,
            b.cost,
            c.solver,
            c.gap.map_or(String::new(), |g| format!("{g:.5}")),
            c.lp_bound.map_or(String::new(), |b| format!("{b:.2}")),
            c.path.replace('"', "\"\"")
        );
    }
    let (ours, two) = (&r.cost_breakdown, &r.baseline.cost_breakdown);
    let _ = writeln!(
        t,
        "all,{},{:.2},{:.2},{},{:.2},{:.2},,,,",
        r.costs.iter().map(|c| c.headcount).sum::<u32>(),
        r.costs.iter().map(|c| c.paid_hours).sum::<f64>(),
        ours.agents,
        r.baseline.costs.iter().map(|c| c.headcount).sum::<u32>(),
        r.baseline.costs.iter().map(|c| c.paid_hours).sum::<f64>(),
        two.agents,
    );
    for (name, a, b) in [
        ("bot sessions", ours.bot_sessions, two.bot_sessions),
        ("bot raises", ours.bot_raises, two.bot_raises),
        ("total", ours.total, two.total),
    ] {
        let _ = writeln!(t, "{name},,,{a:.2},,,{b:.2},,,,");
    }
    t
}

/// `history.csv`: the rounds.
pub fn history_csv(r: &OptimizeResult) -> String {
    let mut t = String::from("iteration,phase,cost,intervals_missing,shortfall,solve_s,gap\n");
    for h in &r.history {
        let _ = writeln!(
            t,
            "{},{},{:.2},{},{},{:.3},{}",
            h.iteration,
            h.phase,
            h.cost,
            h.intervals_missing,
            h.shortfall,
            h.solve_s,
            h.gap.map_or(String::new(), |g| format!("{g:.5}"))
        );
    }
    t
}

/// `deflection.csv`: the recommended bot containment per channel and category.
pub fn deflection_csv(r: &OptimizeResult) -> String {
    let mut t =
        String::from("channel,category,today,achievable,recommended,cost,agent_cost_saved\n");
    for d in &r.deflections {
        let _ = writeln!(
            t,
            "{},{},{:.4},{:.4},{:.4},{:.2},{:.2}",
            d.channel, d.category, d.today, d.achievable, d.recommended, d.cost, d.agent_cost_saved
        );
    }
    t
}

/// The files of a results folder: `optimize.json`, the CSV files above
/// (`deflection.csv` only when containment raises were on offer), then the final
/// roster's simulation as `ccsim run --out` writes it.
pub fn result_files(r: &OptimizeResult) -> Vec<(String, String)> {
    let mut files = vec![
        ("optimize.json".to_string(), to_json(r) + "\n"),
        ("roster.csv".to_string(), roster_csv(r)),
        ("requirements.csv".to_string(), requirements_csv(r)),
        ("cost.csv".to_string(), cost_csv(r)),
        ("history.csv".to_string(), history_csv(r)),
    ];
    if !r.deflections.is_empty() {
        files.push(("deflection.csv".to_string(), deflection_csv(r)));
    }
    if let Some(tours) = &r.tours {
        files.push(("tours.csv".to_string(), super::tours::tours_csv(r, tours)));
    }
    if let Some(c) = &r.confidence {
        files.push(("confidence.csv".to_string(), confidence_csv(c)));
    }
    files.extend(super::run::result_files(&summary(&r.simulated)));
    files
}

/// The roster's exports of a results folder, after [`result_files`]: `roster.toml` (the
/// scenario staffed by the roster, see [`super::roster_toml`]), `schedule.csv` and
/// `roster.xlsx` (see [`super::schedule`]). `document` is the scenario the optimizer read
/// ([`crate::scenario::resolved_document`] of `scenario`, the file it was given).
///
/// Errors: as [`super::roster_toml::roster_toml`] and [`super::schedule::roster_xlsx`],
/// as a sentence; nothing is written then.
pub fn roster_files(
    r: &OptimizeResult,
    document: toml::Table,
    scenario: &std::path::Path,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let toml_text = super::roster_toml::roster_toml(document, scenario, r)
        .map_err(|e| format!("cannot write roster.toml: {e}"))?;
    let workbook =
        super::schedule::roster_xlsx(r).map_err(|e| format!("cannot write roster.xlsx: {e}"))?;
    Ok(vec![
        ("roster.toml".to_string(), toml_text.into_bytes()),
        (
            "schedule.csv".to_string(),
            super::schedule::schedule_csv(r).into_bytes(),
        ),
        ("roster.xlsx".to_string(), workbook),
    ])
}

/// The lines that reconcile the costs and compare the roster with the two-step
/// baseline: each one's `agents + bot sessions + bot raises = total` (to the cent, as
/// in the JSON's `cost_breakdown`), what each term is, both rosters' judged intervals
/// that miss, and the difference in total cost.
pub fn cost_lines(r: &OptimizeResult, model: &Model) -> String {
    let mut t = String::new();
    let (ours, two) = (&r.cost_breakdown, &r.baseline.cost_breakdown);
    let paid: f64 = r.costs.iter().map(|c| c.paid_hours).sum();
    let _ = writeln!(t, "cost of the roster: {}", cost_line(ours));
    let _ = writeln!(
        t,
        "  (agents: {paid:.1} paid hours × hourly cost over the horizon; bot sessions × session cost: simulated, mean of {} replications{}; bot raises: the recommended containment)",
        r.replications,
        if model.warmup > 0.0 {
            ", after the warm-up"
        } else {
            ""
        }
    );
    let _ = writeln!(t, "cost of the two-step baseline: {}", cost_line(two));
    let _ = writeln!(
        t,
        "  (Erlang A per interval on the measured load, covered at least cost by the same shift templates and breaks, no simulation rounds and today's bots; simulated like the roster)"
    );
    let _ = writeln!(
        t,
        "judged channel-intervals missing their targets: roster {} of {}, two-step baseline {} of {}",
        r.intervals_missing,
        r.intervals_judged,
        r.baseline.intervals_missing,
        r.baseline.intervals_judged
    );
    if r.baseline.shortfall > 0 {
        let _ = writeln!(
            t,
            "the two-step baseline cannot cover {} scheduled agent-intervals (limits or no shift covering them)",
            r.baseline.shortfall
        );
    }
    let difference = ((ours.total - two.total) * 100.0).round() / 100.0;
    let _ = writeln!(
        t,
        "the roster costs {} the two-step baseline{}",
        if difference > 0.0 {
            format!("{difference:.2} more than")
        } else if difference < 0.0 {
            format!("{:.2} less than", -difference)
        } else {
            "the same as".into()
        },
        if difference != 0.0 && two.total > 0.0 {
            format!(" ({})", change(ours.total, two.total))
        } else {
            String::new()
        }
    );
    if r.intervals_missing > r.baseline.intervals_missing {
        let _ = writeln!(
            t,
            "  but the roster misses more judged intervals than the baseline ({} against {}): the costs do not compare like for like",
            r.intervals_missing, r.baseline.intervals_missing
        );
    }
    if let Some(tours) = &r.tours
        && !super::tours::share_breakers(r, tours).is_empty()
    {
        let _ = writeln!(
            t,
            "  and the roster's part-time people pass max_part_time_share, which the baseline keeps (see the tours): the costs do not compare like for like"
        );
    }
    t
}

/// The printed report: the rounds, the roster, its costs against the two-step
/// baseline's, the recommended containment, the cost lines, the final simulation's
/// service level per interval, and what still misses or cannot be covered. Trailing
/// spaces are trimmed from every line.
pub fn render_text(r: &OptimizeResult, model: &Model) -> String {
    let mut t = String::new();
    history_table(&mut t, r);
    roster_table(&mut t, r);
    cost_table(&mut t, r);
    super::tours::tours_text(&mut t, r);
    deflection_table(&mut t, r);
    t.push('\n');
    t.push_str(&cost_lines(r, model));
    t.push_str(&confidence_lines(r));
    service_level_grid(&mut t, r, model);
    on_duty_table(&mut t, r, model);
    misses_and_shortfalls(&mut t, r);
    let mut trimmed: String = t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    trimmed.push('\n');
    trimmed
}

/// The title line and the table of rounds.
fn history_table(t: &mut String, r: &OptimizeResult) {
    let _ = writeln!(
        t,
        "ccsim optimize · {} · seed {} · {} replications per check · {:.1} s",
        r.scenario, r.seed, r.replications, r.wall_s
    );
    let _ = writeln!(
        t,
        "\nround  phase            cost   intervals missing   shortfall   solve s      gap"
    );
    for h in &r.history {
        let _ = writeln!(
            t,
            "{:>5}  {:<12} {:>10.0} {:>19} {:>11} {:>9.2} {:>8}",
            h.iteration,
            h.phase,
            h.cost,
            h.intervals_missing,
            h.shortfall,
            h.solve_s,
            h.gap.map_or("–".into(), |g| format!("{:.2}%", g * 100.0))
        );
    }
    let rounds: Vec<&crate::optimize::IterationRecord> =
        r.history.iter().filter(|h| h.phase == "roster").collect();
    let mut kept: Option<&crate::optimize::IterationRecord> = None;
    for h in &rounds {
        if kept.is_none_or(|b| (h.intervals_missing, h.cost) < (b.intervals_missing, b.cost)) {
            kept = Some(h);
        }
    }
    if let (Some(kept), Some(last)) = (kept, rounds.last())
        && kept.iteration != last.iteration
    {
        let _ = writeln!(
            t,
            "the roster kept is round {}'s (fewest channel-intervals missing, then the cheapest): the later rounds added agents where a miss did not go away",
            kept.iteration
        );
    }
}

/// The roster: one line per shift.
fn roster_table(t: &mut String, r: &OptimizeResult) {
    let agents = r.roster.iter().map(|l| l.agents).sum::<u32>();
    let _ = match &r.tours {
        // With tours an agent of a line is one person's day.
        Some(tours) => writeln!(
            t,
            "\nroster: {} shifts, {agents} person-days ({} people)",
            r.roster.len(),
            tours.tours.len()
        ),
        None => writeln!(t, "\nroster: {} shifts, {agents} agents", r.roster.len()),
    };
    let _ = writeln!(
        t,
        "{:<16} {:<12} {:>7} {:>7} {:>7}  breaks",
        "group", "shift", "start", "end", "agents"
    );
    for line in &r.roster {
        let _ = writeln!(
            t,
            "{:<16} {:<12} {:>7} {:>7} {:>7}  {}",
            line.group,
            line.shift,
            clock(line.start_s),
            clock(line.end_s),
            line.agents,
            breaks_text(line, " (unpaid)").join(", ")
        );
    }
}

/// Per group: headcount, paid hours, cost against the two-step baseline's; then `all`.
fn cost_table(t: &mut String, r: &OptimizeResult) {
    let _ = writeln!(
        t,
        "\n{:<16} {:>9} {:>11} {:>12} {:>14} {:>12}  solver",
        "group", "headcount", "paid hours", "cost", "two-step cost", "vs two-step"
    );
    for (c, b) in r.costs.iter().zip(&r.baseline.costs) {
        let _ = writeln!(
            t,
            "{:<16} {:>9} {:>11.1} {:>12.0} {:>14.0} {:>12}  {}{}",
            c.group,
            c.headcount,
            c.paid_hours,
            c.cost,
            b.cost,
            change(c.cost, b.cost),
            c.solver_text(),
            c.gap
                .map_or(String::new(), |g| format!(", gap {:.2}%", g * 100.0))
        );
    }
    let baseline_agents: f64 = r.baseline.costs.iter().map(|c| c.cost).sum();
    let _ = writeln!(
        t,
        "{:<16} {:>9} {:>11.1} {:>12.0} {:>14.0} {:>12}",
        "all",
        r.costs.iter().map(|c| c.headcount).sum::<u32>(),
        r.costs.iter().map(|c| c.paid_hours).sum::<f64>(),
        r.total_cost,
        baseline_agents,
        change(r.total_cost, baseline_agents)
    );
}

/// The recommended containment per bot and category, and what it costs and saves
/// (nothing without `[[optimize.deflection]]`).
fn deflection_table(t: &mut String, r: &OptimizeResult) {
    if r.deflections.is_empty() {
        return;
    }
    let _ = writeln!(
        t,
        "\n{:<8} {:<14} {:>7} {:>11} {:>12} {:>12} {:>16}",
        "bot", "category", "today", "achievable", "recommended", "cost", "agent cost saved"
    );
    for d in &r.deflections {
        let _ = writeln!(
            t,
            "{:<8} {:<14} {:>6.1}% {:>10.1}% {:>11.1}% {:>12.0} {:>16.0}",
            d.channel,
            d.category,
            d.today * 100.0,
            d.achievable * 100.0,
            d.recommended * 100.0,
            d.cost,
            d.agent_cost_saved
        );
    }
    let saved: f64 = r.deflections.iter().map(|d| d.agent_cost_saved).sum();
    let _ = writeln!(
        t,
        "deflection costs {:.0} and saves {:.0} of agent cost: {:.0} net",
        r.deflection_cost,
        saved,
        saved - r.deflection_cost
    );
}

/// Per interval and group: the agents needed on duty (the requirement after the
/// simulation's corrections) against the agents the roster puts on duty (its rostered
/// agents after shrinkage), `*` where the roster is short of the scheduled need.
fn on_duty_table(t: &mut String, r: &OptimizeResult, model: &Model) {
    let _ = write!(
        t,
        "\nagents on duty per interval: needed / rostered (after shrinkage; * the roster is short)\n{:>7}",
        "time"
    );
    for g in &model.groups {
        let _ = write!(t, " {:>15}", g.name);
    }
    let _ = writeln!(t);
    for row in r.requirements.chunks(model.groups.len().max(1)) {
        let _ = write!(t, "{:>7}", clock(row[0].start_s));
        for x in row {
            let cell = format!(
                "{} / {}{}",
                x.required,
                super::schedule::on_duty(r, x),
                if x.shortfall > 0 { "*" } else { " " }
            );
            let _ = write!(t, " {cell:>15}");
        }
        let _ = writeln!(t);
    }
}

/// The final roster's simulated service level per reported interval and channel, `*`
/// where it missed a target, `~` where too few were offered to judge.
fn service_level_grid(t: &mut String, r: &OptimizeResult, model: &Model) {
    let simulated = summary(&r.simulated);
    let grid = model.reported_channel_grid();
    let _ = write!(
        t,
        "\nsimulated service level of the roster, per interval (* missed, ~ not judged: under {} offered)\n{:>7}",
        r.min_offered, "time"
    );
    for ch in &model.channels {
        let _ = write!(t, " {:>15}", ch.name);
    }
    let _ = writeln!(t);
    for row in 0..grid.rows {
        let start = simulated.intervals[grid.at(row, 0)].start_s;
        let _ = write!(t, "{:>7}", clock(start));
        for c in 0..grid.width {
            let q = &simulated.intervals[grid.at(row, c)].queue;
            let missed = r
                .misses
                .iter()
                .any(|m| m.start_s == start && m.channel == model.channels[c].name);
            let judged = q.offered.mean >= r.min_offered.max(1e-9);
            let cell = if q.service_level.mean.is_finite() {
                format!(
                    "{:.1}% ±{:.1}{}",
                    q.service_level.mean * 100.0,
                    q.service_level.ci95 * 100.0,
                    if missed {
                        "*"
                    } else if judged {
                        " "
                    } else {
                        "~"
                    }
                )
            } else {
                "– ".into()
            };
            let _ = write!(t, " {cell:>15}");
        }
        let _ = writeln!(t);
    }
}

/// `confidence.csv`: per judged interval, the days meeting the frontline targets and the
/// share's one-sided 95 % lower bound, for the roster judged on the mean and the
/// confident one.
pub fn confidence_csv(c: &crate::optimize::ConfidenceResult) -> String {
    let mut out =
        String::from("start,channel,days,mean_based_met,mean_based_lower_bound,met,lower_bound\n");
    for x in &c.intervals {
        let _ = writeln!(
            out,
            "{},{},{},{},{:.4},{},{:.4}",
            clock(x.start_s),
            super::run::csv_field(&x.channel),
            x.days,
            x.mean_based_met,
            x.mean_based_lower_bound,
            x.met,
            x.lower_bound
        );
    }
    out
}

/// With a confidence: the rule, the price of certainty, whether it was reached, and the
/// judged intervals either roster leaves below it (the 20 lowest), under both rosters;
/// empty without one. The text report and the HTML page print it.
pub fn confidence_lines(r: &OptimizeResult) -> String {
    let mut t = String::new();
    let Some(c) = &r.confidence else {
        return t;
    };
    let t = &mut t;
    let level = c.level * 100.0;
    let judged = c.intervals.len();
    let _ = writeln!(
        t,
        "\nconfidence {level:.0}%: {} ({} simulated days per check)",
        c.rule, c.replications
    );
    let _ = writeln!(
        t,
        "  roster judged on the mean: cost {:.0}, {} of {judged} judged intervals below {level:.0}%",
        c.mean_based_cost, c.mean_based_intervals_short
    );
    let _ = writeln!(
        t,
        "  confident roster:          cost {:.0}, {} of {judged} judged intervals below {level:.0}%",
        c.confident_cost, c.confident_intervals_short
    );
    let _ = writeln!(
        t,
        "  the price of certainty: {:+.0} ({}; both rosters found with {} days per check)",
        c.confident_cost - c.mean_based_cost,
        change(c.confident_cost, c.mean_based_cost),
        c.replications
    );
    if c.confident_intervals_short > 0 {
        let _ = writeln!(
            t,
            "  not reached: {} of {judged} judged intervals are still below {level:.0}% when the rounds ran out; raise --max-iterations (the price above is this roster's)",
            c.confident_intervals_short
        );
    }
    let mut short: Vec<&crate::optimize::IntervalConfidence> = (c.intervals.iter())
        .filter(|x| x.mean_based_lower_bound < c.level || x.lower_bound < c.level)
        .collect();
    if short.is_empty() {
        return t.clone();
    }
    // The worst 20 (lowest bound under either roster), in time order.
    let worst =
        |x: &crate::optimize::IntervalConfidence| x.mean_based_lower_bound.min(x.lower_bound);
    short.sort_by(|a, b| worst(a).total_cmp(&worst(b)));
    let more = short.len().saturating_sub(20);
    short.truncate(20);
    short.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    let _ = writeln!(
        t,
        "  days meeting the targets, with the share's 95% lower bound, where either roster falls below {level:.0}%{}:",
        if more > 0 { " (the 20 lowest)" } else { "" }
    );
    let _ = writeln!(
        t,
        "  {:<6} {:<10} {:>24} {:>24}",
        "start", "channel", "judged on the mean", "confident"
    );
    let cell = |met: u32, days: u32, low: f64| format!("{met}/{days} ({:.1}%)", low * 100.0);
    for x in &short {
        let _ = writeln!(
            t,
            "  {:<6} {:<10} {:>24} {:>24}",
            clock(x.start_s),
            x.channel,
            cell(x.mean_based_met, x.days, x.mean_based_lower_bound),
            cell(x.met, x.days, x.lower_bound)
        );
    }
    if more > 0 {
        let _ = writeln!(
            t,
            "  … and {more} more (optimize.json: confidence.intervals)"
        );
    }
    t.clone()
}

/// Whether every judged interval meets its targets (else the first 20 misses), and the
/// first 20 group-intervals the roster cannot cover.
fn misses_and_shortfalls(t: &mut String, r: &OptimizeResult) {
    if r.targets_met {
        let _ = writeln!(t, "\nevery judged interval meets its targets");
    } else {
        let _ = writeln!(
            t,
            "\n{} judged intervals still miss their targets in the roster kept:",
            r.intervals_missing
        );
        for m in r.misses.iter().take(20) {
            let _ = writeln!(t, "  {} {}: {}", clock(m.start_s), m.channel, m.what);
        }
    }
    let short: Vec<&RequirementRow> = r.requirements.iter().filter(|x| x.shortfall > 0).collect();
    if !short.is_empty() {
        let _ = writeln!(
            t,
            "\nthe roster cannot cover {} group-intervals (limits or no shift covering them):",
            short.len()
        );
        for row in short.iter().take(20) {
            let _ = writeln!(
                t,
                "  {} {}: {} scheduled agent{} short of {}",
                clock(row.start_s),
                row.group,
                row.shortfall,
                if row.shortfall == 1 { "" } else { "s" },
                row.scheduled_after_bots
            );
        }
    }
}

/// `cost` against `base` as a signed percentage (`+7.9%`: dearer), or `–` without a base.
fn change(cost: f64, base: f64) -> String {
    if base > 0.0 {
        format!("{:+.1}%", (cost - base) / base * 100.0)
    } else {
        "–".into()
    }
}
