//! `hours = { … }` of a fitted channel ([`FittedHours`]): consecutive weekdays with the
//! same windows share a key (`"mon-fri"`), seven equal days are `daily`, a day without a
//! window is `"closed"`.

use crate::fit::FittedHours;

/// Day names, Monday first.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The `hours` table of `h`, whose windows are in intervals of `interval` seconds.
pub(super) fn hours_table(h: &FittedHours, interval: f64) -> toml::Table {
    let clock = |k: usize| {
        let m = (k as f64 * interval / 60.0).round() as usize;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    let value = |w: &[(usize, usize)]| -> toml::Value {
        let mut list: Vec<toml::Value> = (w.iter())
            .map(|&(a, b)| toml::Value::String(format!("{}-{}", clock(a), clock(b))))
            .collect();
        match list.len() {
            0 => toml::Value::String("closed".into()),
            1 => list.remove(0),
            _ => toml::Value::Array(list),
        }
    };
    let mut table = toml::Table::new();
    if h.week.iter().all(|d| *d == h.week[0]) {
        table.insert("daily".into(), value(&h.week[0]));
        return table;
    }
    let mut d = 0;
    while d < 7 {
        let mut e = d;
        while e + 1 < 7 && h.week[e + 1] == h.week[d] {
            e += 1;
        }
        let key = if e == d {
            DAYS[d].to_string()
        } else {
            format!("{}-{}", DAYS[d], DAYS[e])
        };
        table.insert(key, value(&h.week[d]));
        d = e + 1;
    }
    table
}

/// The comment beside it: what the hours were judged on.
pub(super) fn hours_comment(h: &FittedHours) -> String {
    format!(
        "no contacts at other times on any of the log's {} whole day(s){}",
        h.days,
        if h.by_weekday {
            ", each weekday judged on its own"
        } else {
            ""
        }
    )
}
