//! Reports: every chart is a well-formed SVG that carries its title, its axis labels and
//! its data series (legend names and drawn lines or bars), with text left to the viewer's
//! fonts; the page is self-contained (no script, no external resource) and links its data
//! files; and, where Chromium is installed (`.ci/run` installs it), the page loads in a
//! real headless browser with no console error and every chart visible.

use ccsim::experiment::RunOptions;
use ccsim::report::charts::Chart;
use std::path::Path;

fn weekday() -> ccsim::model::Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/weekday.toml");
    ccsim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn summary(model: &ccsim::model::Model) -> ccsim::summary::RunSummary {
    let options = RunOptions {
        replications: 3,
        seed: 4,
        threads: Some(2),
    };
    let result = ccsim::experiment::run(model, &options).unwrap();
    ccsim::summary::RunSummary::new(model, &result, 4)
}

/// All the text of an SVG document, and the number of drawn shapes.
fn check_svg(chart: &Chart) -> (Vec<String>, usize) {
    let doc = roxmltree::Document::parse(&chart.svg)
        .unwrap_or_else(|e| panic!("chart {}: not well-formed SVG: {e}", chart.id));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{}", chart.id);
    assert!(
        root.attribute("viewBox").is_some(),
        "{}: no viewBox",
        chart.id
    );
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect();
    let shapes = doc
        .descendants()
        .filter(|n| {
            matches!(
                n.tag_name().name(),
                "polyline" | "path" | "rect" | "polygon" | "circle"
            )
        })
        .count();
    // No font files: text is set by family name and left to the viewer.
    assert!(!chart.svg.contains("@font-face"), "{}", chart.id);
    (texts, shapes)
}

fn has(texts: &[String], wanted: &str, chart: &str) {
    assert!(
        texts.iter().any(|t| t == wanted),
        "chart {chart}: no text \"{wanted}\" among {texts:?}"
    );
}

#[test]
fn every_run_chart_is_well_formed_and_labelled() {
    let model = weekday();
    let s = summary(&model);
    let charts = ccsim::report::run_charts(&model, &s).unwrap();
    let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "offered",
            "service-level",
            "service-level-fan-voice",
            "service-level-fan-chat",
            "service-level-fan-app",
            "service-level-met-voice",
            "service-level-met-chat",
            "service-level-met-app",
            "abandonment",
            "waits",
            "occupancy",
            "wait-distribution",
            "returns",
            "flows"
        ]
    );
    for c in &charts {
        let (texts, shapes) = check_svg(c);
        has(&texts, &c.title, &c.id);
        assert!(shapes > 10, "{}: {shapes} shapes", c.id);
    }
    let (texts, _) = check_svg(&charts[0]);
    has(&texts, "voice capacity", "offered");
    has(&texts, "contacts per interval", "offered");
    let sl = &charts[1];
    let (texts, _) = check_svg(sl);
    has(&texts, "answered in time (% of offered)", &sl.id);
    has(&texts, "time of day (interval midpoints)", &sl.id);
    has(&texts, "voice (within 20s)", &sl.id);
    has(&texts, "chat target 80%", &sl.id);
    // Clock times on the time axis, percentages on the share axis.
    assert!(texts.iter().any(|t| t == "12:00"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "80%"), "{texts:?}");
    let fan = &charts[2];
    let (texts, _) = check_svg(fan);
    has(&texts, "voice median", &fan.id);
    has(&texts, "voice target 80%", &fan.id);
    let (texts, _) = check_svg(&charts[4]);
    has(&texts, "app target 80%", "service-level-fan-app");
    assert!(
        fan.caption.contains("10th to the 90th percentile"),
        "{}",
        fan.caption
    );
    let met = &charts[6];
    let (texts, _) = check_svg(met);
    has(&texts, "days meeting the target (%)", &met.id);
    has(&texts, "9 days in 10", &met.id);
    has(&texts, "chat", &met.id);
    let (texts, _) = check_svg(&charts[10]);
    for g in &model.groups {
        has(&texts, &g.name, "occupancy");
    }
    let (texts, _) = check_svg(&charts[12]);
    has(&texts, "redials", "returns");
    let (texts, _) = check_svg(&charts[13]);
    for part in [
        "resolved by the bot",
        "answered, resolved",
        "abandoned in queue",
    ] {
        has(&texts, part, "flows");
    }
    has(&texts, "contacts per run", "flows");
}

#[test]
fn the_page_is_self_contained_and_links_its_data() {
    let model = weekday();
    let s = summary(&model);
    let files: Vec<(String, Vec<u8>)> =
        ccsim::report::run_report(&model, &s, "scenarios/weekday.toml", false)
            .unwrap()
            .iter()
            .map(|f| (f.name.clone(), f.to_bytes()))
            .collect();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert!(names.contains(&"index.html") && names.contains(&"intervals.csv"));
    let page = String::from_utf8(
        files
            .iter()
            .find(|f| f.0 == "index.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(!page.contains("<script"), "no script");
    assert!(
        !page.contains("http://") && !page.contains("https://")
            || page.contains("http://www.w3.org")
    );
    for external in ["src=\"http", "href=\"http", "@import", "url("] {
        assert!(!page.contains(external), "external resource: {external}");
    }
    assert_eq!(page.matches("<figure").count(), 14);
    assert_eq!(page.matches("<svg").count(), 14);
    for link in [
        "href=\"intervals.csv\"",
        "href=\"by_group.csv\"",
        "href=\"summary.json\"",
    ] {
        assert!(page.contains(link), "{link}");
    }
    assert!(page.contains(&ccsim::shard::scenario_hash(&[&model])));
    assert!(page.contains("seed 4 · 3 replications"));
}

#[test]
fn the_optimizer_report_has_the_roster_charts() {
    let model = weekday();
    let r = ccsim::optimize::optimize(
        &model,
        &ccsim::optimize::OptimizeOptions {
            seed: 1,
            replications: Some(3),
            max_iterations: Some(1),
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    let charts = ccsim::report::optimize_charts(&model, &r).unwrap();
    assert_eq!(charts.len(), model.groups.len() + 2);
    for c in &charts {
        let (texts, shapes) = check_svg(c);
        has(&texts, &c.title, &c.id);
        assert!(shapes > 5, "{}", c.id);
    }
    let (texts, _) = check_svg(&charts[0]);
    has(&texts, "rostered", &charts[0].id);
    has(&texts, "agents", &charts[0].id);
    let gantt = &charts[model.groups.len()];
    let (_, shapes) = check_svg(gantt);
    assert!(shapes >= r.roster.len(), "one bar per shift");
}

/// Chromium, if installed (`.ci/run` installs Debian's `chromium`); with
/// `CCSIM_REQUIRE_BROWSER=1` (set by `.ci/run`) its absence is a failure.
fn chromium() -> Option<&'static str> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    if found.is_none() {
        assert!(
            std::env::var("CCSIM_REQUIRE_BROWSER").is_err(),
            "CCSIM_REQUIRE_BROWSER is set but chromium is not installed"
        );
        eprintln!("chromium not installed: the browser check is skipped (./.ci/run installs it)");
    }
    found
}

#[test]
fn the_report_loads_in_a_headless_browser_with_every_chart_visible() {
    let Some(browser) = chromium() else { return };
    let dir = std::env::temp_dir().join(format!("ccsim-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = crate::support::command()
        .args([
            "run",
            "scenarios/weekday.toml",
            "--replications",
            "3",
            "--quiet",
            "--report",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A copy of the page with a probe appended: it records script errors and, once the
    // page has laid out, how many charts have a visible, non-empty box.
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let probe = r#"<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
window.addEventListener('load', () => {
  const figs = [...document.querySelectorAll('figure.chart svg')];
  const visible = figs.filter(s => { const r = s.getBoundingClientRect();
    const st = getComputedStyle(s); return r.width > 300 && r.height > 100 && st.visibility !== 'hidden' && st.display !== 'none'; });
  document.body.setAttribute('data-charts', figs.length);
  document.body.setAttribute('data-visible', visible.length);
  document.body.setAttribute('data-errors', window.__errors.length);
});
</script></body>"#;
    let probed = dir.join("probed.html");
    std::fs::write(&probed, page.replace("</body>", probe)).unwrap();
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,900",
    ];
    let profile = dir.join("profile");
    let dom = std::process::Command::new(browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--virtual-time-budget=3000")
        .arg("--dump-dom")
        .arg(format!("file://{}", probed.display()))
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        html.contains("data-charts=\"14\""),
        "charts: {html:.300} {log}"
    );
    assert!(
        html.contains("data-visible=\"14\""),
        "not every chart visible: {log}"
    );
    assert!(html.contains("data-errors=\"0\""), "script errors: {log}");
    // Console errors of the page itself (the probe excepted) would be logged as CONSOLE.
    assert!(
        !log.lines()
            .any(|l| l.contains("CONSOLE") && l.contains("ERROR")),
        "console errors: {log}"
    );
    // A screenshot of the unmodified page.
    let shot = dir.join("report.png");
    let status = std::process::Command::new(browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", dir.join("index.html").display()))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "screenshot of {} bytes",
        png.len()
    );
    // And it prints to PDF.
    let pdf = dir.join("report.pdf");
    let printed = std::process::Command::new(browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("file://{}", dir.join("index.html").display()))
        .output()
        .unwrap();
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let pdf = std::fs::read(&pdf).unwrap();
    assert!(
        pdf.starts_with(b"%PDF") && pdf.len() > 20_000,
        "PDF of {} bytes",
        pdf.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The texts of every SVG in a page, each SVG parsed as XML (so well-formed).
fn page_texts(page: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for part in page.split("<svg").skip(1) {
        let svg = format!("<svg{}", &part[..part.find("</svg>").unwrap() + 6]);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        texts.extend(
            doc.descendants()
                .filter(|n| n.tag_name().name() == "text")
                .map(|n| n.text().unwrap_or("").trim().to_string()),
        );
    }
    texts
}

#[test]
fn comparison_and_sweep_reports_chart_their_runs() {
    let dir = std::env::temp_dir().join(format!("ccsim-report-cs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = |args: &[&str]| {
        let out = crate::support::command().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let cmp = dir.join("compare");
    run(&[
        "compare",
        "scenarios/weekday.toml",
        "scenarios/variants/shared_history.toml",
        "--replications",
        "3",
        "--quiet",
        "--report",
        cmp.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(cmp.join("index.html")).unwrap();
    let texts = page_texts(&page);
    for title in [
        "Service level per interval: voice",
        "Service level per interval: app",
        "Differences from the base: shares",
        "Differences from the base: waits",
        "weekday + shared customer history: service_level",
        "weekday + shared customer history",
        "difference (percentage points)",
    ] {
        has(&texts, title, "compare");
    }
    assert!(cmp.join("comparison.csv").exists());

    let sw = dir.join("sweep");
    run(&[
        "sweep",
        "scenarios/validation/erlang_a.toml",
        "--set",
        "group.agents.agents=104,112",
        "--set",
        "channel.voice.patience.mean=3m,5m",
        "--replications",
        "2",
        "--quiet",
        "--report",
        sw.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(sw.join("index.html")).unwrap();
    let texts = page_texts(&page);
    for title in [
        "Service level of voice against group.agents.agents",
        "Service level of voice over the grid",
        "channel.voice.patience.mean = 5m",
        "group.agents.agents",
    ] {
        has(&texts, title, "sweep");
    }
    // The Erlang-A twin has no costs: no empty cost chart.
    assert!(!texts.iter().any(|t| t.starts_with("Cost against")));
    // The heat map prints each of its four cells' values.
    let cells = texts
        .iter()
        .filter(|t| t.ends_with('%') && t.contains('.'))
        .count();
    assert!(cells >= 4, "{texts:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn charts_render_as_png_with_their_text_in_the_shipped_font() {
    let model = weekday();
    let s = summary(&model);
    let files: Vec<(String, Vec<u8>)> =
        ccsim::report::run_report(&model, &s, "scenarios/weekday.toml", true)
            .unwrap()
            .iter()
            .map(|f| (f.name.clone(), f.to_bytes()))
            .collect();
    let pngs: Vec<&(String, Vec<u8>)> = files.iter().filter(|f| f.0.ends_with(".png")).collect();
    assert_eq!(pngs.len(), 14);
    let page = String::from_utf8(
        files
            .iter()
            .find(|f| f.0 == "index.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(page.contains("href=\"charts/service-level.png\""));
    // The headline's risk across days: each channel's days meeting its target.
    assert!(page.contains("Across days"), "no Across days table");
    let voice = &summary(&model).risk_by_channel[0].1.service_level_met;
    let row = format!("<td>voice</td><td>{} of {} days: ", voice.met, voice.days);
    assert!(page.contains(&row), "no {row}");
    for (name, bytes) in pngs {
        let img = image::load_from_memory(bytes)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .to_rgb8();
        assert_eq!(img.dimensions(), (900, 340), "{name}");
        // The title is text drawn in the shipped font: dark pixels in the top band.
        let dark = (0..30)
            .flat_map(|y| (250..650).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 100))
            .count();
        assert!(dark > 150, "{name}: {dark} dark pixels where the title is");
    }
}
