//! The report's page, shared by every command: the header with the scenario hash, the
//! headline table of a run, the charts with their captions and links to the data files,
//! and the folder's files (the data, PNG charts when asked, `index.html`).

use super::charts::Chart;
use crate::output::run::DataFile;
use crate::summary::RunSummary;
use std::fmt::Write as _;

/// `text` with the characters HTML gives a meaning escaped.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the page says about the run: scenario, hash, version, seed, replications.
pub struct ReportHeader {
    /// Page title.
    pub title: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario hash (as in partial files).
    pub hash: String,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
}

/// The headline table of a run: per channel and all together.
fn headline(s: &RunSummary) -> String {
    let pct = |e: &crate::experiment::Estimate| {
        if e.mean.is_finite() {
            format!("{:.1}% ± {:.1}", e.mean * 100.0, e.ci95 * 100.0)
        } else {
            "–".into()
        }
    };
    let num = |e: &crate::experiment::Estimate| {
        if e.mean.is_finite() {
            format!("{:.1} ± {:.1}", e.mean, e.ci95)
        } else {
            "–".into()
        }
    };
    let mut t = String::from(
        "<table><thead><tr><th>channel</th><th>offered</th><th>service level</th><th>abandoned</th><th>ASA (s)</th><th>90th pct wait (s)</th><th>resolution</th></tr></thead><tbody>",
    );
    let rows = s
        .by_channel
        .iter()
        .map(|(n, q)| (n.as_str(), q))
        .chain(std::iter::once(("all", &s.totals.queue)));
    for (name, q) in rows {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            num(&q.offered),
            pct(&q.service_level),
            pct(&q.abandon_rate),
            num(&q.asa_s),
            num(&q.wait_p90_s),
            pct(&q.resolution_rate)
        );
    }
    let _ = write!(
        t,
        "</tbody></table><p>Occupancy {} · cost {:.0} ± {:.0} a run.</p>",
        pct(&s.totals.occupancy),
        s.totals.cost.mean,
        s.totals.cost.ci95
    );
    t.push_str(&across_days(s));
    t
}

/// The risk across days per channel: how often the service level met its target (with
/// its 95 % Wilson interval) and the 10th / 50th / 90th percentiles across replications.
fn across_days(s: &RunSummary) -> String {
    if s.risk_by_channel.is_empty() {
        return String::new();
    }
    let pct = |x: f64| {
        if x.is_finite() {
            format!("{:.1}%", x * 100.0)
        } else {
            "–".into()
        }
    };
    let secs = |x: f64| {
        if x.is_finite() {
            format!("{x:.1}")
        } else {
            "–".into()
        }
    };
    let mut t = String::from(
        "<p>Across days (each replication is one possible day): how often the service level met its target, with its 95 % Wilson interval, and the 10th / 50th / 90th percentiles.</p><table><thead><tr><th>channel</th><th>target met</th><th>service level p10 / p50 / p90</th><th>ASA (s) p10 / p50 / p90</th><th>abandon rate p10 / p50 / p90</th></tr></thead><tbody>",
    );
    for (name, r) in &s.risk_by_channel {
        let m = &r.service_level_met;
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{} of {} days: {} ({}–{})</td><td>{} / {} / {}</td><td>{} / {} / {}</td><td>{} / {} / {}</td></tr>",
            escape(name),
            m.met,
            m.days,
            pct(m.probability),
            pct(m.low),
            pct(m.high),
            pct(r.service_level.p10),
            pct(r.service_level.p50),
            pct(r.service_level.p90),
            secs(r.asa_s.p10),
            secs(r.asa_s.p50),
            secs(r.asa_s.p90),
            pct(r.abandon_rate.p10),
            pct(r.abandon_rate.p50),
            pct(r.abandon_rate.p90),
        );
    }
    t.push_str("</tbody></table>");
    t
}

/// The page: header, headline table, optional extra HTML (e.g. the optimizer's costs),
/// the charts, and links to the data files.
pub fn page(
    header: &ReportHeader,
    summary: Option<&RunSummary>,
    extra_html: &str,
    charts: &[Chart],
    files: &[String],
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0 auto; max-width: 1000px; padding: 1.5rem; color: #1a1a1a; line-height: 1.45; }}
  h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
  .meta {{ color: #555; font-size: 0.9rem; }}
  table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; width: 100%; }}
  th, td {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: right; }}
  th:first-child, td:first-child {{ text-align: left; }}
  figure {{ margin: 1.5rem 0; page-break-inside: avoid; break-inside: avoid; }}
  figure svg {{ width: 100%; height: auto; display: block; }}
  figcaption {{ color: #444; font-size: 0.88rem; margin-top: 0.3rem; }}
  nav a, .files a {{ margin-right: 0.8rem; overflow-wrap: anywhere; display: inline-block; }}
  @media print {{ body {{ max-width: none; padding: 0; }} nav {{ display: none; }} }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">scenario <b>{scenario}</b> · hash {hash} · ccsim {version} · seed {seed} · {reps} replications</p>
"#,
        title = escape(&header.title),
        scenario = escape(&header.scenario),
        hash = escape(&header.hash),
        version = crate::shard::CCSIM_VERSION,
        seed = header.seed,
        reps = header.replications
    );
    h.push_str("<nav>");
    for c in charts {
        let _ = write!(h, "<a href=\"#{}\">{}</a>", c.id, escape(&c.title));
    }
    h.push_str("</nav>\n");
    if let Some(s) = summary {
        h.push_str("<h2>Headline</h2>\n");
        h.push_str(&headline(s));
    }
    h.push_str(extra_html);
    for c in charts {
        let _ = write!(
            h,
            "<figure id=\"{}\" class=\"chart\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            c.id,
            c.svg.trim_start_matches(|ch: char| ch != '<'),
            escape(&c.caption)
        );
    }
    if !files.is_empty() {
        h.push_str("<h2>Data</h2><p class=\"files\">");
        for f in files {
            let _ = write!(h, "<a href=\"{0}\">{0}</a>", escape(f));
        }
        h.push_str("</p>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The report folder's files: the data, each chart as PNG when asked (`charts/ID.png`,
/// text in the shipped font), and the page linking them.
pub(super) fn finish<'a>(
    header: &ReportHeader,
    summary: Option<&RunSummary>,
    extra: &str,
    charts: &[Chart],
    data: Vec<DataFile<'a>>,
    png: bool,
) -> Result<Vec<DataFile<'a>>, String> {
    let mut names: Vec<String> = data.iter().map(|f| f.name.clone()).collect();
    let mut out = data;
    if png {
        for c in charts {
            let name = format!("charts/{}.png", c.id);
            out.push(DataFile::bytes(name.clone(), c.svg.drawing.png()?));
            names.push(name);
        }
    }
    out.push(DataFile::bytes(
        "index.html",
        page(header, summary, extra, charts, &names),
    ));
    Ok(out)
}
