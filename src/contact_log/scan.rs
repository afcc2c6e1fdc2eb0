//! The load-time pass over every replay log of a model (`scan`): each row checked (or
//! skipped and counted with `--skip-bad-rows`), the priority levels the logs use added,
//! and what each log holds recorded in its spec's [`ReplayScan`]. Invariant: it runs
//! inside loading, before the model is handed out, and stops at the first bad row unless
//! bad rows are skipped; errors are placed where the scenario names the log.

use super::clock::{LogClock, offset_text};
use super::columns::LogColumns;
use super::feed::CsvReplayReader;
use super::placement::Placement;
use super::reader::{csv_error, open, read_row};
use super::{LogError, ReturnKind, Returns, RowError};
use crate::duration::Duration;
use crate::ids::ClassId;
use crate::model::Model;
use crate::replay::{ReaderHandle, ReplayScan, ReplaySpec};
use crate::scenario::ScenarioError;

/// Reads every replay log of `model` once: checks each row (stopping at the first bad one
/// unless bad rows are skipped), adds the priority levels the logs use, and records what
/// it found in each spec's `scan`.
pub fn scan(model: &mut Model) -> Result<(), ScenarioError> {
    let mut levels = model.priority_levels.clone();
    for r in 0..model.replays.len() {
        let spec = model.replays[r].clone();
        let found = scan_one(model, &spec, &mut levels).map_err(|e| placed(&spec, e))?;
        model.replays[r].scan = Some(found);
    }
    levels.sort_unstable_by(|a, b| b.cmp(a));
    if levels.is_empty() {
        levels.push(0);
    }
    if levels.len() > 16 {
        let spec = &model.replays[model.replays.len() - 1];
        return Err(placed(
            spec,
            LogError::whole_file(
                &spec.path.display().to_string(),
                "the logs and the scenario use more than 16 priority levels".into(),
            ),
        ));
    }
    if levels != model.priority_levels {
        let old = model.priority_levels.clone();
        for s in &mut model.streams {
            let p = old[s.class.index()];
            s.class = ClassId::from_index(levels.iter().position(|l| *l == p).expect("kept"));
        }
        model.priority_levels = levels;
    }
    Ok(())
}

/// An error in a replayed log, placed where the scenario names the log when it does:
/// `scenario.toml:12:8: key `replay[0].file`: last_week.csv:4:21: column `wait`: …`.
fn placed(spec: &ReplaySpec, e: LogError) -> ScenarioError {
    match &spec.origin {
        Some(origin) => ScenarioError {
            file: origin.file.clone(),
            position: origin.position,
            key: Some(origin.key.clone()),
            message: e.to_string(),
        },
        None => e.into(),
    }
}

/// Reads one log through, adding its priority levels to `levels`.
fn scan_one(
    model: &Model,
    spec: &ReplaySpec,
    levels: &mut Vec<i64>,
) -> Result<ReplayScan, LogError> {
    let (mut reader, columns) = open(&spec.path, &spec.format)?;
    let mut pass = LogPass::new(model, spec, columns);
    let mut record = csv::StringRecord::new();
    loop {
        match read_row(&mut reader, &mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&pass.file, &reader, &e, Some(&pass.columns))),
        }
        pass.note_row(&record);
        match pass.check(&record) {
            Ok(row) => pass.count(row, levels),
            Err(e) => pass.bad_row(&record, e)?,
        }
    }
    pass.finish()
}

/// What the pass over one log keeps from row to row.
struct LogPass<'a> {
    model: &'a Model,
    spec: &'a ReplaySpec,
    /// The log as the user named it.
    file: String,
    columns: LogColumns,
    placement: Placement<'a>,
    found: ReplayScan,
    /// The time of the last row placed, to refuse a row earlier than it.
    last: f64,
    /// The first and last timestamps, as written, for the message when none is in the
    /// horizon.
    first_seen: Option<String>,
    last_seen: Option<String>,
    /// Set by the first dated row: the log's first day starts the horizon unless a start
    /// was given, and its offset (if it has one) is the one every date-time needs.
    clock: Option<LogClock>,
    /// Returns recognised by customer id (a log with customer ids and no `attempt`).
    returns: Option<Returns>,
}

/// A row that passed the checks: what the counts need of it.
struct CheckedRow {
    priority: i64,
    /// Seconds from time 0, after the spec's time shift.
    time: f64,
    has_handle_time: bool,
    attempt: u32,
}

impl<'a> LogPass<'a> {
    fn new(model: &'a Model, spec: &'a ReplaySpec, columns: LogColumns) -> LogPass<'a> {
        let found = ReplayScan {
            ignored_columns: columns.ignored.clone(),
            log_start: spec.log_start.or(model.start),
            reader: Some(ReaderHandle(std::sync::Arc::new(CsvReplayReader))),
            ..ReplayScan::default()
        };
        LogPass {
            model,
            spec,
            file: spec.path.display().to_string(),
            returns: columns.return_window.map(Returns::new),
            columns,
            placement: Placement::new(model),
            found,
            last: f64::NEG_INFINITY,
            first_seen: None,
            last_seen: None,
            clock: None,
        }
    }

    /// Counts a row read and notes its timestamp as written.
    fn note_row(&mut self, record: &csv::StringRecord) {
        self.found.rows += 1;
        if let Some(ts) = record.get(self.columns.timestamp) {
            if self.first_seen.is_none() {
                self.first_seen = Some(ts.trim().to_string());
            }
            self.last_seen = Some(ts.trim().to_string());
        }
    }

    /// Reads a row, places it on a contact type and on the horizon (the first dated row
    /// sets the clock) and checks that the log is in time order.
    fn check(&mut self, record: &csv::StringRecord) -> Result<CheckedRow, RowError> {
        let columns = &self.columns;
        let row = columns.parse(record)?;
        self.placement.contact_type(&row, columns)?;
        if self.clock.is_none() {
            self.clock = LogClock::from_first(row.timestamp, self.found.log_start);
        }
        let time = LogClock::seconds(self.clock, row.timestamp).map_err(|message| RowError {
            column: columns.timestamp,
            message,
        })? + self.spec.time_shift;
        if time < self.last {
            return Err(RowError {
                column: columns.timestamp,
                message: "the row is earlier than the one before: sort the log by timestamp".into(),
            });
        }
        let attempt = match (&mut self.returns, row.customer) {
            (Some(returns), Some(customer)) => {
                let (kind, _) =
                    returns.classify(customer, time, row.outcome, row.wait, row.handle_time);
                if kind == ReturnKind::First { 1 } else { 2 }
            }
            _ => row.attempt,
        };
        Ok(CheckedRow {
            priority: row.priority,
            time,
            has_handle_time: row.handle_time.is_some(),
            attempt,
        })
    }

    /// Counts a good row: outside the horizon, a return not replayed, or replayed (its
    /// priority level added to `levels`).
    fn count(&mut self, row: CheckedRow, levels: &mut Vec<i64>) {
        self.last = row.time;
        let found = &mut self.found;
        if row.time < 0.0 || row.time >= self.model.horizon {
            found.outside += 1;
            return;
        }
        if row.attempt > 1 && !self.spec.replay_returns {
            found.returns += 1;
            return;
        }
        found.replayed += 1;
        found.with_handle_time += row.has_handle_time as u64;
        if !levels.contains(&row.priority) {
            levels.push(row.priority);
        }
    }

    /// A bad row: the error (with how to skip such rows), or, when bad rows are skipped,
    /// counted and the first five kept.
    fn bad_row(&mut self, record: &csv::StringRecord, e: RowError) -> Result<(), LogError> {
        let error = LogError::at_field(&self.file, record, &self.columns, e);
        if !self.spec.skip_bad_rows {
            return Err(LogError {
                message: format!("{} (or skip such rows with --skip-bad-rows)", error.message),
                ..error
            });
        }
        let text = error.to_string();
        self.found.bad += 1;
        if self.found.first_bad.len() < 5 {
            self.found.first_bad.push(text);
        }
        Ok(())
    }

    /// What the log holds, with its clock; an error for a log without rows or without a
    /// row in the horizon.
    fn finish(mut self) -> Result<ReplayScan, LogError> {
        if let Some(c) = self.clock {
            self.found.log_start = Some(c.start);
            self.found.log_offset = c.offset;
        }
        if self.found.rows == 0 {
            return Err(LogError::whole_file(
                &self.file,
                "the log has a header but no rows: there is nothing to replay".into(),
            ));
        }
        let found = &self.found;
        if found.replayed == 0 && found.returns == 0 && found.outside > 0 {
            return Err(LogError::whole_file(&self.file, self.none_in_horizon()));
        }
        Ok(self.found)
    }

    /// Why no row was replayed: where the log runs and where the horizon is.
    fn none_in_horizon(&self) -> String {
        let found = &self.found;
        let offset = found.log_offset.map_or(String::new(), offset_text);
        let start = found
            .log_start
            .map_or("time 0".to_string(), |d| format!("{d}{offset}"));
        format!(
            "none of its {} rows falls in the horizon: the log runs from {} to {}, and the \
             horizon takes {} from {start}{}; set log_start in [[replay]] (or --log-start) \
             to the log's date-time that should be time 0",
            found.rows,
            self.first_seen.as_deref().unwrap_or_default(),
            self.last_seen.as_deref().unwrap_or_default(),
            Duration::from_secs(self.model.horizon),
            if self.spec.time_shift != 0.0 {
                format!(
                    " (after a time_shift of {})",
                    Duration::from_secs(self.spec.time_shift)
                )
            } else {
                String::new()
            }
        )
    }
}
