//! Replayed contact logs as the core sees them: what a scenario asks of a log
//! ([`ReplaySpec`]), what the load-time pass over it found ([`ReplayScan`]), and the door
//! through which a replication reads it ([`ReplayReader`]). The reading itself (files, CSV)
//! lives outside the core, in ccsim's `contact_log`, which the scan installs in
//! [`ReplayScan::reader`]; the core does no I/O.

use crate::engine::ContactFeed;
use crate::model::Model;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use std::path::PathBuf;
use std::sync::Arc;

/// A `[[replay]]` of a scenario: a contact log fed to the engine.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReplaySpec {
    /// The log file.
    pub path: PathBuf,
    /// The log's timestamp placed at the horizon's start (default: the scenario's `start`,
    /// else midnight of the first row's day).
    #[serde(serialize_with = "crate::canonical::display_option")]
    pub log_start: Option<DateTime>,
    /// Seconds added to every row's time.
    pub time_shift: f64,
    /// Expected copies of each row: 0.5 thins to half, 1.3 adds 30 %.
    pub volume_scale: f64,
    /// Each replication resamples the rows (Poisson bootstrap: each row 0, 1, 2, … times).
    pub bootstrap: bool,
    /// Skip rows that cannot be read (counted) instead of stopping.
    pub skip_bad_rows: bool,
    /// Replay the log's redials and repeats (rows with `attempt` above 1) too; by default
    /// they are left out, since the scenario's `redial` and `repeat` make them again.
    pub replay_returns: bool,
    /// How the log's columns, date-times, outcome words and delimiter are read (an ACD
    /// export's own spellings), and the window within which a customer's return is a
    /// redial or repeat when the log has no `attempt` column. Not serialized: the shard
    /// identity of a replayed log is its path, options and what its scan found (rows,
    /// returns, columns ignored), which the format shapes; writing it would move every
    /// pinned identity.
    #[serde(skip)]
    pub format: ReplayFormat,
    /// What the scan of the log found (filled when the scenario is loaded, before the model is used).
    pub scan: Option<ReplayScan>,
    /// Where the scenario names the log (its `[[replay]]` `file` key), so that an error in
    /// the log is placed in the scenario too; `None` for a log given on the command line.
    #[serde(skip)]
    pub origin: Option<ReplayOrigin>,
}

/// How a contact log is read: plain data (the reading is ccsim's `contact_log`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReplayFormat {
    /// ccsim's column name (`timestamp`, `channel`, …) → the log's header, as mapped.
    pub columns: Vec<(String, String)>,
    /// A strftime-style format of the log's date-times (`%d/%m/%Y %H:%M:%S`); ISO 8601
    /// (or seconds) when `None`.
    pub datetime_format: Option<String>,
    /// The field separator (`,`, `;` or tab); found from the header when `None`.
    pub delimiter: Option<char>,
    /// The log's outcome word → ccsim's outcome (`answered`, `abandoned`, `bot_resolved`,
    /// `bot_dropout`), compared without case; added to the usual words.
    pub outcomes: Vec<(String, String)>,
    /// Seconds within which a customer's next contact is a return (redial after an
    /// abandon, repeat after an answer), for a log with customer ids and no `attempt`.
    pub return_window: f64,
}

impl Default for ReplayFormat {
    fn default() -> ReplayFormat {
        ReplayFormat {
            columns: Vec::new(),
            datetime_format: None,
            delimiter: None,
            outcomes: Vec::new(),
            return_window: 86_400.0,
        }
    }
}

impl ReplayFormat {
    /// Nothing mapped: the log is read as ccsim writes it (and by the usual spellings).
    pub fn is_default(&self) -> bool {
        *self == ReplayFormat::default()
    }
}

/// Where a scenario names a replayed log: the file, line and column, and the key.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayOrigin {
    /// The scenario (or variant) file as the user named it.
    pub file: String,
    /// 1-based line and column of the key's value, where known.
    pub position: Option<(usize, usize)>,
    /// The key, e.g. `replay[0].file`.
    pub key: String,
}

/// What reading a log through once found.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ReplayScan {
    /// Data rows read.
    pub rows: u64,
    /// Rows inside the horizon, replayed once each before scaling.
    pub replayed: u64,
    /// Rows before the start or past the horizon.
    pub outside: u64,
    /// Rows skipped as unreadable (only with `skip_bad_rows`).
    pub bad: u64,
    /// Redials and repeats left to the scenario's own return model.
    pub returns: u64,
    /// The first few unreadable rows, located.
    pub first_bad: Vec<String>,
    /// Replayed rows that carry their handle time.
    pub with_handle_time: u64,
    /// The log timestamp placed at time zero, when the log has date-times.
    #[serde(serialize_with = "crate::canonical::display_option")]
    pub log_start: Option<DateTime>,
    /// The UTC offset `log_start` is read at, when the log's date-times carry offsets (the
    /// first dated row's offset); `None` for local date-times.
    #[serde(serialize_with = "crate::canonical::display_option")]
    pub log_offset: Option<Offset>,
    /// Columns present but not used.
    pub ignored_columns: Vec<String>,
    /// How a replication reads the log again (set by the scan): not what the log is, so
    /// not part of the model's identity.
    #[serde(skip)]
    pub reader: Option<ReaderHandle>,
}

/// Opens a replayed log for one replication. Implemented outside the core (ccsim's
/// `contact_log::CsvReplayReader`).
pub trait ReplayReader: Send + Sync {
    /// Opens replay `replay` (an index into [`Model::replays`]) of `model` for replication
    /// `replication` of base seed `seed`: its contacts in time order.
    ///
    /// # Errors
    /// A one-line message when the log cannot be opened.
    fn open<'m>(
        &self,
        model: &'m Model,
        replay: usize,
        seed: u64,
        replication: u32,
    ) -> Result<Box<dyn ReplayContacts + 'm>, String>;
}

/// One replication's feed of replayed contacts, which may stop early on a read error.
pub trait ReplayContacts: ContactFeed {
    /// The read error that ended the feed early, if one did (taken: asked once).
    fn take_error(&mut self) -> Option<String>;
}

/// A shared [`ReplayReader`]: cloned with the model, equal to any other (it is how a log is
/// read, not what it holds).
#[derive(Clone)]
pub struct ReaderHandle(pub Arc<dyn ReplayReader>);

impl std::fmt::Debug for ReaderHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReplayReader")
    }
}

impl PartialEq for ReaderHandle {
    fn eq(&self, _: &ReaderHandle) -> bool {
        true
    }
}
