//! Forecast import at scale: a year of 15-minute rows for 3 channels × 7 categories
//! (365 × 96 × 21 = 735,840 rows, about 33 MB of CSV, written in the setup into a temp
//! folder) loaded into a year-long scenario with hourly intervals (the rows are added up
//! four to an interval), compiled model included. Prints the peak resident memory after
//! the loads (`VmHWM`): the rows are streamed, so it stays far below the file's size.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::io::Write as _;
use std::path::{Path, PathBuf};

const CHANNELS: [&str; 3] = ["voice", "chat", "app"];
const CATEGORIES: [&str; 7] = [
    "pre_sale",
    "order_status",
    "payment",
    "logistics",
    "after_sales",
    "complaints",
    "account",
];

/// Writes the year's forecast and its scenario into `dir`; returns the scenario's path and
/// the number of rows.
fn setup(dir: &Path) -> (PathBuf, u64) {
    std::fs::create_dir_all(dir).expect("temp folder");
    let file = std::fs::File::create(dir.join("year.csv")).expect("forecast file");
    let mut w = std::io::BufWriter::new(file);
    writeln!(w, "Interval Start,Queue,Category,Offered,AHT,Shrinkage").unwrap();
    let mut rows = 0u64;
    let mut date = jiff::civil::date(2025, 1, 1);
    for day in 0..365u32 {
        for q in 0..96u32 {
            let shape = 1.0 + (f64::from(q) / 96.0 * std::f64::consts::TAU).sin() * 0.6;
            for (c, channel) in CHANNELS.iter().enumerate() {
                for (k, category) in CATEGORIES.iter().enumerate() {
                    let volume =
                        shape * (5.0 + (c * 7 + k) as f64) * (1.0 + f64::from(day % 7) * 0.05);
                    writeln!(
                        w,
                        "{} {:02}:{:02},{channel},{category},{volume:.1},{},{}",
                        date,
                        q / 4,
                        (q % 4) * 15,
                        300 + 20 * k + 60 * c,
                        30 + (q % 8)
                    )
                    .unwrap();
                    rows += 1;
                }
            }
        }
        date = date.tomorrow().unwrap();
    }
    w.flush().unwrap();
    let mut toml = String::from(
        "[simulation]\nstart = \"2025-01-01\"\nhorizon = \"365d\"\ninterval = \"1h\"\nreplications = 1\n\n[forecast]\nfile = \"year.csv\"\n\n",
    );
    for channel in CHANNELS {
        toml.push_str(&format!(
            "[[channel]]\nname = \"{channel}\"\nservice_level = {{ answer_within = \"20s\" }}\n\n"
        ));
    }
    for category in CATEGORIES {
        toml.push_str(&format!("[[category]]\nname = \"{category}\"\n\n"));
    }
    toml.push_str(
        "[[group]]\nname = \"agents\"\nagents = 200\nhandles = [\"voice/*\", \"chat/*\", \"app/*\"]\nhandle_time = { dist = \"exponential\", mean = \"5m\" }\n",
    );
    let path = dir.join("year.toml");
    std::fs::write(&path, toml).unwrap();
    (path, rows)
}

/// Peak resident memory of this process so far (`VmHWM`, kB), where /proc has it.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn forecast(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ccsim-bench-forecast-{}", std::process::id()));
    let (path, rows) = setup(&dir);
    let before = peak_rss_kb();
    let model = ccsim::scenario::load(&path).expect("the year's forecast loads");
    assert_eq!(model.streams.len(), 21);
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows));
    group.bench_function("load a year of 15-minute rows (735,840)", |b| {
        b.iter(|| ccsim::scenario::load(&path).expect("loads"))
    });
    group.finish();
    if let (Some(before), Some(after)) = (before, peak_rss_kb()) {
        let size = std::fs::metadata(dir.join("year.csv")).map_or(0, |m| m.len()) / 1024;
        eprintln!(
            "forecast: {rows} rows ({} MB of CSV); peak resident memory {} MB before the loads, {} MB after",
            size / 1024,
            before / 1024,
            after / 1024
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, forecast);
criterion_main!(benches);
