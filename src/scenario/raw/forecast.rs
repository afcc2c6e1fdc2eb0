//! `[forecast]` as written: the WFM forecast file and how its columns are read.

use crate::duration::Duration;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// `[forecast]`: a forecast file (one row per interval and queue) whose volumes become the
/// scenario's arrival streams; see `crate::forecast`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForecast {
    /// The file, relative to the scenario: `.csv` (or `.txt`/`.tsv`) or `.xlsx`.
    pub file: Spanned<String>,
    /// The worksheet of an `.xlsx` file (default: the first).
    pub sheet: Option<Spanned<String>>,
    /// Which header holds what (default: the usual export headers are recognised).
    pub columns: Option<Spanned<RawForecastColumns>>,
    /// strftime format of the interval start (or of `date` + " " + `time`).
    pub datetime_format: Option<Spanned<String>>,
    /// Field delimiter of a CSV file (default: sniffed from the header: `,` `;` tab `|`).
    pub delimiter: Option<Spanned<String>>,
    /// Unit of the handle-time columns: `"seconds"` (default), `"minutes"` or `"hh:mm:ss"`.
    pub aht_unit: Option<Spanned<String>>,
    /// Length of the file's rows (default: the smallest step between interval starts).
    pub interval: Option<Spanned<Duration>>,
    /// The channel of every row, for a file without a channel column.
    pub channel: Option<Spanned<String>>,
    /// File queue names mapped to `"channel"` or `"channel/category"`.
    pub queues: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// `columns = { start = "Interval Start", channel = "Queue", … }`: header names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForecastColumns {
    /// Interval start (date and time in one cell).
    pub start: Option<Spanned<String>>,
    /// Date, when date and time are separate columns.
    pub date: Option<Spanned<String>>,
    /// Time of day, with `date`.
    pub time: Option<Spanned<String>>,
    /// Channel, queue or skill.
    pub channel: Option<Spanned<String>>,
    /// Category (contact reason).
    pub category: Option<Spanned<String>>,
    /// Offered volume of the interval.
    pub volume: Option<Spanned<String>>,
    /// Average handle time (talk + hold + wrap-up, as exports give it).
    pub aht: Option<Spanned<String>>,
    /// Wrap-up time, when the file gives it apart from `aht` (added to it).
    pub wrap: Option<Spanned<String>>,
    /// Shrinkage of the interval (a share, or a percentage).
    pub shrinkage: Option<Spanned<String>>,
}
