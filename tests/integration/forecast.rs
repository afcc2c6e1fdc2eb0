//! Forecast files in (`[forecast]`): a CSV or .xlsx forecast round-trips into the rates a
//! compiled model uses, 5-minute rows add up into 15-minute intervals and 30-minute rows
//! split, the file's categories or the scenario's mix decide the streams, and every bad
//! file is refused with its file, line (or sheet and cell), column and what is allowed —
//! leaving nothing behind.

use crate::support::ccsim;
use ccsim::model::Model;
use std::path::{Path, PathBuf};

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccsim-forecast-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A scenario of a day from Monday 2025-03-03 with a 15-minute interval, `forecast` as its
/// `[forecast]` body and `arrivals` as extra TOML.
fn scenario(forecast: &str, arrivals: &str) -> String {
    format!(
        r#"
[simulation]
start = "2025-03-03"
horizon = "24h"
interval = "15m"
replications = 2

[forecast]
{forecast}

[[channel]]
name = "voice"
service_level = {{ answer_within = "20s" }}

[[channel]]
name = "chat"
service_level = {{ answer_within = "1m" }}

[[category]]
name = "sales"

[[category]]
name = "billing"

{arrivals}

[[group]]
name = "agents"
agents = 30
handles = ["voice/*", "chat/*"]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    )
}

/// Writes `files` into `dir` and loads `scenario.toml` from it.
fn load(dir: &Path, toml: &str, files: &[(&str, &str)]) -> Result<Model, String> {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    ccsim::scenario::load(&dir.join("scenario.toml")).map_err(|e| e.to_string())
}

/// The rates per second of `name`'s stream (`"voice/sales"`).
fn rates(model: &Model, name: &str) -> Vec<f64> {
    let s = model
        .streams
        .iter()
        .find(|s| model.contact_type_name(s.contact_type) == name)
        .unwrap_or_else(|| panic!("no stream {name}"));
    s.rate_per_s.clone()
}

/// The rows of a small forecast: (minutes from 2025-03-03 00:00, queue, category, volume,
/// AHT seconds), 15-minute rows from 08:00 to 11:45.
fn rows() -> Vec<(u32, &'static str, &'static str, f64, f64)> {
    let mut rows = Vec::new();
    for k in 0..16u32 {
        let m = 480 + 15 * k;
        rows.push((
            m,
            "voice",
            "sales",
            10.0 + f64::from(k) * 1.3,
            300.0 + f64::from(k),
        ));
        rows.push((m, "voice", "billing", 4.5 + f64::from(k % 5), 410.0));
        rows.push((m, "chat", "sales", 7.0 + f64::from(k % 3) * 0.7, 512.0));
    }
    rows
}

fn clock(minutes: u32) -> String {
    format!("03/03/2025 {:02}:{:02}", minutes / 60, minutes % 60)
}

fn csv_text() -> String {
    let mut text = String::from("Interval Start;Queue;Reason;Offered;AHT\n");
    for (m, q, c, v, a) in rows() {
        // A decimal comma: the file is delimited by semicolons.
        text.push_str(&format!(
            "{};{q};{c};{};{a}\n",
            clock(m),
            format!("{v}").replace('.', ",")
        ));
    }
    text
}

const CSV_FORECAST: &str = r#"file = "forecast.csv""#;

#[test]
fn a_csv_forecast_round_trips_into_the_rates_the_model_uses() {
    let dir = scratch("roundtrip");
    let model = load(
        &dir,
        &scenario(CSV_FORECAST, ""),
        &[("forecast.csv", &csv_text())],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(model.streams.len(), 3);
    let hours = 900.0 / 3600.0;
    for (name, q, c) in [
        ("voice/sales", "voice", "sales"),
        ("voice/billing", "voice", "billing"),
        ("chat/sales", "chat", "sales"),
    ] {
        let mut want = vec![0.0; 96];
        for (m, rq, rc, v, _) in rows() {
            if rq == q && rc == c {
                want[(m / 15) as usize] = v / hours / 3600.0;
            }
        }
        assert_eq!(rates(&model, name), want, "{name}");
    }
    // The handle times the forecast gives, per stream and interval (exactly the file's).
    let f = ccsim::forecast::of_scenario(&dir.join("scenario.toml"))
        .unwrap()
        .unwrap();
    let voice_sales = f
        .streams
        .iter()
        .find(|s| s.channel == "voice" && s.category.as_deref() == Some("sales"))
        .unwrap();
    let aht = voice_sales.aht.as_ref().unwrap();
    for k in 0..16 {
        assert_eq!(aht[32 + k], 300.0 + k as f64);
    }
    // ... and the run uses them: the first group's mean (5 minutes) scaled to the file's AHT.
    let stream = model
        .streams
        .iter()
        .find(|s| model.contact_type_name(s.contact_type) == "voice/sales")
        .unwrap();
    let ct = &model.contact_types[stream.contact_type.index()];
    for k in 0..16 {
        let used = ct.handle_scale_in(32 + k) * 300.0;
        assert!((used - (300.0 + k as f64)).abs() < 1e-9, "{used}");
    }
    assert_eq!(f.rows, 48);
    assert_eq!(f.row_length, 900.0);
    assert_eq!(f.empty_intervals, 96 - 16);
}

#[test]
fn an_xlsx_forecast_gives_the_same_model_as_the_csv() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = scratch("xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Forecast").unwrap();
    let date_format = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for (col, h) in ["Interval Start", "Queue", "Reason", "Offered", "AHT"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    for (r, (m, q, c, v, a)) in rows().into_iter().enumerate() {
        let row = r as u32 + 1;
        let dt = ExcelDateTime::from_ymd(2025, 3, 3)
            .unwrap()
            .and_hms((m / 60) as u16, (m % 60) as u8, 0)
            .unwrap();
        sheet
            .write_datetime_with_format(row, 0, &dt, &date_format)
            .unwrap();
        sheet.write_string(row, 1, q).unwrap();
        sheet.write_string(row, 2, c).unwrap();
        sheet.write_number(row, 3, v).unwrap();
        sheet.write_number(row, 4, a).unwrap();
    }
    book.save(dir.join("forecast.xlsx")).unwrap();
    let xlsx = load(
        &dir,
        &scenario(r#"file = "forecast.xlsx""#, ""),
        &[("forecast.csv", &csv_text())],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let csv = load(&dir, &scenario(CSV_FORECAST, ""), &[]).unwrap();
    assert_eq!(xlsx.streams.len(), csv.streams.len());
    for (a, b) in xlsx.streams.iter().zip(&csv.streams) {
        assert_eq!(a.contact_type, b.contact_type);
        assert_eq!(a.rate_per_s, b.rate_per_s);
    }
    let f = ccsim::forecast::of_scenario(&dir.join("scenario.toml"));
    assert!(f.is_some());
    // A bad cell is named by sheet and cell.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Forecast").unwrap();
    for (col, h) in ["Interval Start", "Queue", "Category", "Offered"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "2025-03-03 08:00").unwrap();
    sheet.write_string(1, 1, "voice").unwrap();
    sheet.write_string(1, 2, "sales").unwrap();
    sheet.write_string(1, 3, "twelve").unwrap();
    book.save(dir.join("bad.xlsx")).unwrap();
    let e = load(&dir, &scenario(r#"file = "bad.xlsx""#, ""), &[]).unwrap_err();
    assert_eq!(
        e,
        format!(
            "{}: Forecast!D2 (column \"Offered\"): \"twelve\" is not a number; write the contacts offered in the interval, a number of 0 or more",
            dir.join("bad.xlsx").display()
        )
    );
    let e = load(
        &dir,
        &scenario("file = \"bad.xlsx\"\nsheet = \"Plan\"", ""),
        &[],
    )
    .unwrap_err();
    assert!(
        e.ends_with("the workbook has no sheet \"Plan\"; its sheets are \"Forecast\""),
        "{e}"
    );
}

#[test]
fn five_minute_rows_add_up_and_thirty_minute_rows_split() {
    let dir = scratch("aggregate");
    // 5-minute rows 08:00-08:55 of voice: volumes 1..12, AHT 100 + 10 k.
    let mut text = String::from("Start,Channel,Category,Volume,Handle Time,ACW\n");
    for k in 0..12u32 {
        text.push_str(&format!(
            "2025-03-03 08:{:02},voice,sales,{},{},5\n",
            5 * k,
            k + 1,
            100 + 10 * k
        ));
    }
    // The last day must have rows too: a closing row at 23:55 with no contacts.
    text.push_str("2025-03-03 23:55,voice,sales,0,100,5\n");
    let model = load(
        &dir,
        &scenario(CSV_FORECAST, ""),
        &[("forecast.csv", &text)],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = rates(&model, "voice/sales");
    let hours = 0.25;
    for q in 0..4u32 {
        let volume: f64 = (0..3).map(|i| f64::from(3 * q + i + 1)).sum();
        assert_eq!(r[32 + q as usize], volume / hours / 3600.0, "interval {q}");
    }
    assert_eq!(r.iter().filter(|v| **v > 0.0).count(), 4);
    let f = ccsim::forecast::of_scenario(&dir.join("scenario.toml"))
        .unwrap()
        .unwrap();
    assert_eq!(f.row_length, 300.0);
    let aht = f.streams[0].aht.as_ref().unwrap();
    // Volume-weighted, wrap-up (ACW) added: rows 3q+1..3q+3 with AHT 100 + 10k + 5.
    for q in 0..4u32 {
        let (mut sum, mut weight) = (0.0, 0.0);
        for i in 0..3 {
            let k = 3 * q + i;
            sum += f64::from(k + 1) * f64::from(100 + 10 * k + 5);
            weight += f64::from(k + 1);
        }
        assert!((aht[32 + q as usize] - sum / weight).abs() < 1e-9);
    }

    // 30-minute rows split evenly in two 15-minute intervals; no category column: the mix
    // of the scenario's [[arrivals]] splits the channel's volume.
    let text = "Interval,Queue,Offered,Shrinkage %\n2025-03-03 08:00,Voice Line,30,30\n2025-03-03 08:30,Voice Line,12,35\n2025-03-03 23:30,Voice Line,0,30\n";
    let model = load(
        &dir,
        &scenario(
            "file = \"split.csv\"\nqueues = { \"Voice Line\" = \"voice\" }",
            "[[arrivals]]\nchannel = \"voice\"\nmix = { sales = 0.25, billing = 0.75 }",
        ),
        &[("split.csv", text)],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let hours = 0.25;
    let sales = rates(&model, "voice/sales");
    let billing = rates(&model, "voice/billing");
    for (j, volume) in [(32, 15.0), (33, 15.0), (34, 6.0), (35, 6.0)] {
        let total: f64 = volume / hours / 3600.0;
        assert!((sales[j] - 0.25 * total).abs() < 1e-15, "sales {j}");
        assert!((billing[j] - 0.75 * total).abs() < 1e-15, "billing {j}");
    }
    let f = ccsim::forecast::of_scenario(&dir.join("scenario.toml"))
        .unwrap()
        .unwrap();
    assert_eq!(f.shrinkage[0].shrinkage[34], 0.35);
    assert_eq!(f.shrinkage[0].shrinkage[35], 0.35);
    // The group (no shrinkage of its own) is absent by the forecast's shrinkage: voice's
    // rows, and chat (no rows) counts for nothing.
    let g = &model.groups[0];
    assert_eq!(g.shrinkage_by_interval[32], 0.3);
    assert_eq!(g.shrinkage_by_interval[34], 0.35);
}

#[test]
fn bad_forecasts_are_refused_with_their_place_and_what_is_allowed() {
    let dir = scratch("refused");
    let head = "Interval Start,Queue,Category,Offered,AHT\n";
    let last = "03/03/2025 23:45,voice,sales,0,300\n";
    let cases: Vec<(&str, &str, String, &str)> = vec![
        (
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,voice,sales,12,300\n03/03/2025 08:20,voice,sales,12,300\n03/03/2025 23:40,voice,sales,0,300\n"),
            "DIR/forecast.csv: the rows are 20m long and the scenario's interval is 15m: neither is a whole number of the other, so the volumes cannot be added up or split exactly; set [simulation] interval to a length that divides 20m or is a whole number of it (and divides a day)",
        ),
        (
            CSV_FORECAST,
            "",
            "Interval Start,Queue,Category,Offered\n03/03/2025 08:07,voice,sales,12\n03/03/2025 08:22,voice,sales,12\n03/03/2025 23:37,voice,sales,0\n".to_string(),
            "DIR/forecast.csv:2: the row starts at 2025-03-03 08:07, inside an interval of the scenario (they start every 15m from 2025-03-03 00:00)",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,voice,sales,12,300\n03/03/2025 08:00,voice,sales,13,300\n{last}"),
            "DIR/forecast.csv:3: a second row for queue \"voice\", category \"sales\" starting 2025-03-03T08:00:00; a forecast has one row per queue (and category) and interval",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,voice,sales,-2,300\n{last}"),
            "DIR/forecast.csv:2: column 4 \"Offered\": -2 contacts: write the contacts offered in the interval, a number of 0 or more",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,voice,sales,2,5 min\n{last}"),
            "DIR/forecast.csv:2: column 5 \"AHT\": \"5 min\" is not a number; write seconds (312) or h:mm:ss (0:05:12)",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,Voice Sales,sales,2,300\n{last}"),
            "DIR/forecast.csv:2: column 2 \"Queue\": queue \"Voice Sales\" is not a channel of the scenario (\"voice\", \"chat\"); map it with queues = { \"Voice Sales\" = \"channel\" } (or \"channel/category\")",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,voice,refunds,2,300\n{last}"),
            "DIR/forecast.csv:2: column 3 \"Category\": \"refunds\" is not a category of the scenario (\"sales\", \"billing\"); add a [[category]] or map the queue with queues = { \"…\" = \"channel/category\" }",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}04/03/2025 08:00,voice,sales,2,300\n{last}"),
            "DIR/forecast.csv:2: column 1 \"Interval Start\": \"04/03/2025 08:00\" could be day/month or month/day; set datetime_format = \"%d/%m/%Y %H:%M\" (or \"%m/%d/%Y %H:%M\")",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}2025-03-04 08:00,voice,sales,2,300\n"),
            "DIR/forecast.csv: no row of the forecast starts in the scenario's horizon: the horizon runs from 2025-03-03 00:00 to 2025-03-04 00:00 ([simulation] start and horizon); the file's rows run from 2025-03-04 08:00 to 2025-03-04 08:00",
        ),
        (
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,voice,sales,2\n{last}"),
            "DIR/forecast.csv:2: the row has 4 fields; the header has 5 (check the delimiter, or set delimiter = \";\")",
        ),
        (
            "file = \"forecast.csv\"\ncolumns = { volume = \"Forecast Calls\" }",
            "",
            format!("{head}{last}"),
            "DIR/scenario.toml:10:22: key `forecast.columns.volume`: the forecast has no column \"Forecast Calls\"; its header has \"Interval Start\", \"Queue\", \"Category\", \"Offered\", \"AHT\"",
        ),
        (
            "file = \"forecast.csv\"\nlayout = \"wide\"",
            "",
            format!("{head}{last}"),
            "DIR/scenario.toml:10:1: key `forecast.layout`: unknown field `layout`, expected one of `file`, `sheet`, `columns`, `datetime_format`, `delimiter`, `aht_unit`, `interval`, `channel`, `queues`",
        ),
        (
            "file = \"missing.csv\"",
            "",
            String::new(),
            "DIR/scenario.toml:9:8: key `forecast.file`: there is no file DIR/missing.csv (the path is taken from the scenario's directory)",
        ),
        (
            CSV_FORECAST,
            "",
            "Interval Start,Queue,Offered\n03/03/2025 08:00,voice,12\n03/03/2025 23:45,voice,1\n".to_string(),
            "DIR/scenario.toml:9:8: key `forecast.file`: the forecast's rows of channel \"voice\" have no category: add a category column, map the queue to \"voice/<category>\" in queues, or add [[arrivals]] channel = \"voice\" with a mix = { … } to split it",
        ),
        (
            CSV_FORECAST,
            "[[arrivals]]\nchannel = \"chat\"\nmix = { sales = 1 }",
            format!("{head}03/03/2025 08:00,voice,sales,2,300\n{last}"),
            "DIR/scenario.toml:25:1: key `arrivals[0]`: takes channel \"chat\"'s volume from the forecast, but the forecast has no rows for this channel; give the entry a rate_per_hour, rates_per_hour or daily_volume",
        ),
        (
            // One row off the hourly grid: refused at its line, not read as half-hour rows.
            CSV_FORECAST,
            "",
            format!(
                "{head}03/03/2025 08:00,voice,sales,60,300\n03/03/2025 09:00,voice,sales,60,300\n03/03/2025 10:00,voice,sales,60,300\n03/03/2025 10:30,voice,sales,60,300\n03/03/2025 12:00,voice,sales,60,300\n03/03/2025 13:00,voice,sales,60,300\n03/03/2025 23:00,voice,sales,0,300\n"
            ),
            "DIR/forecast.csv:5: the row starts at 2025-03-03 10:30, off the grid of the rows: they are 1h long (the gap most rows of a queue have) and start every 1h from 2025-03-03 08:00; fix its start, or give rows of one length",
        ),
        (
            // Lines ended by \r\n (Windows exports) are counted like any others.
            CSV_FORECAST,
            "",
            format!("{head}03/03/2025 08:00,voice,sales,12,300\n03/03/2025 08:15,voice,sales,x,300\n{last}")
                .replace('\n', "\r\n"),
            "DIR/forecast.csv:3: column 4 \"Offered\": \"x\" is not a number; write the contacts offered in the interval, a number of 0 or more",
        ),
    ];
    let mut wrong = Vec::new();
    for (forecast, arrivals, csv, want) in cases {
        let got = load(
            &dir,
            &scenario(forecast, arrivals),
            &[("forecast.csv", &csv)],
        )
        .map(|_| "loaded".to_string())
        .unwrap_or_else(|e| e.replace(&dir.display().to_string(), "DIR"));
        if got != want {
            wrong.push(format!("{csv}\n  got:  {got}\n  want: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Without [simulation] start there is no date to read the rows from.
    std::fs::write(dir.join("forecast.csv"), format!("{head}{last}")).unwrap();
    let text = scenario(CSV_FORECAST, "").replace("start = \"2025-03-03\"\n", "");
    std::fs::write(dir.join("scenario.toml"), text).unwrap();
    let e = ccsim::scenario::load(&dir.join("scenario.toml"))
        .unwrap_err()
        .to_string()
        .replace(&dir.display().to_string(), "DIR");
    assert_eq!(
        e,
        "DIR/scenario.toml:7:1: key `forecast`: a forecast needs [simulation] start, the date its first interval is read from (e.g. start = \"2025-03-03\")"
    );
}

#[test]
fn a_malformed_forecast_leaves_nothing_behind() {
    let dir = scratch("nothing");
    let csv = "Interval Start,Queue,Category,Offered\n03/03/2025 08:00,voice,sales,lots\n";
    std::fs::write(dir.join("forecast.csv"), csv).unwrap();
    std::fs::write(dir.join("scenario.toml"), scenario(CSV_FORECAST, "")).unwrap();
    let out = dir.join("results");
    let output = ccsim(&[
        "run",
        dir.join("scenario.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("forecast.csv:2: column 4 \"Offered\": \"lots\" is not a number"),
        "{stderr}"
    );
    assert!(!out.exists(), "a results folder was left behind");
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(entries.len(), 2, "only the two inputs remain");
}

#[test]
fn the_shipped_forecast_week_checks_and_summarises() {
    let output = ccsim(&["check", "scenarios/forecast_week.toml"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    let start = text.find("  forecast ").expect("a forecast section");
    let section: String = text[start..]
        .lines()
        .take_while(|l| !l.starts_with("  groups"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        section,
        "  forecast scenarios/forecast_week.csv: 504 rows of 30m, 7 days from 2025-03-03, 336 intervals of 30m
    168 of the intervals have no row: closed (no contacts)
    volume per day   Mon 03   Tue 04   Wed 05   Thu 06   Fri 07   Sat 08   Sun 09
    voice              2070     1890     1800     1800     1710     1260      991
    chat               1150     1050     1000     1000      950      700      550
    app                 690      630      600      600      570      420      330
    AHT (wrap-up included): voice 5m5s–5m55s, chat 8m20s–9m40s, app 6m30s–7m30s
    shrinkage: voice 30–36 %, chat 30–36 %, app 30–36 %
"
    );
}
