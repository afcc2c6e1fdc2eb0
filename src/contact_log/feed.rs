//! Replaying a log in a replication: [`CsvReplayReader`], the core's door to contact logs,
//! opens each replayed log as a [`ReplayFeed`], which streams its rows as contacts in time
//! order, thinned, copied or resampled from its own seed purpose. Invariant: it accepts and
//! skips rows exactly as the scan did (the scan reported the bad ones), so it reports only
//! read errors.

use super::clock::LogClock;
use super::columns::{LogColumns, LogRow};
use super::placement::Placement;
use super::reader::{CsvReader, csv_error, open};
use super::{ReturnKind, Returns};
use crate::engine::{AttemptOutcome, ContactFeed, ReplayedContact};
use crate::ids::{ClassId, ContactTypeId};
use crate::model::Model;
use crate::replay::{ReplayContacts, ReplayReader, ReplaySpec};
use crate::seeds::{Purpose, stream_rng};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

/// The core's door to contact logs ([`ReplayReader`]): a replication opens each replayed
/// log as a [`ReplayFeed`]. Installed in every [`ReplayScan`](crate::replay::ReplayScan) by
/// [`scan`](super::scan).
#[derive(Clone, Copy, Debug, Default)]
pub struct CsvReplayReader;

impl ReplayReader for CsvReplayReader {
    fn open<'m>(
        &self,
        model: &'m Model,
        replay: usize,
        seed: u64,
        replication: u32,
    ) -> Result<Box<dyn ReplayContacts + 'm>, String> {
        Ok(Box::new(ReplayFeed::open(
            model,
            replay,
            seed,
            replication,
        )?))
    }
}

impl ReplayContacts for ReplayFeed<'_> {
    fn take_error(&mut self) -> Option<String> {
        self.error.take()
    }
}

/// One replication's reading of a replay log: rows become contacts in time order, thinned,
/// copied or resampled as the spec says.
pub struct ReplayFeed<'m> {
    placement: Placement<'m>,
    reader: CsvReader,
    file: String,
    columns: LogColumns,
    record: csv::StringRecord,
    spec: &'m ReplaySpec,
    clock: Option<LogClock>,
    rng: Xoshiro256PlusPlus,
    last: f64,
    /// Copies of `current` still to hand out.
    copies: u32,
    current: Option<ReplayedContact>,
    /// Returns recognised by customer id, as the scan recognised them.
    returns: Option<Returns>,
    /// A read error that ended the feed early.
    pub error: Option<String>,
}

impl<'m> ReplayFeed<'m> {
    /// Opens replay `r` of `model` for replication `replication`.
    pub fn open(
        model: &'m Model,
        r: usize,
        seed: u64,
        replication: u32,
    ) -> Result<ReplayFeed<'m>, String> {
        let spec = &model.replays[r];
        let (reader, columns) = open(&spec.path, &spec.format).map_err(|e| e.to_string())?;
        let clock = spec.scan.as_ref().and_then(|s| {
            s.log_start.map(|start| LogClock {
                start,
                offset: s.log_offset,
            })
        });
        let stream = (model.streams.len() + r) as u32;
        Ok(ReplayFeed {
            placement: Placement::new(model),
            returns: columns.return_window.map(Returns::new),
            reader,
            file: spec.path.display().to_string(),
            columns,
            record: csv::StringRecord::new(),
            spec,
            clock,
            rng: stream_rng(seed, replication, stream, Purpose::ReplayCopies),
            last: f64::NEG_INFINITY,
            copies: 0,
            current: None,
            error: None,
        })
    }

    /// The contact a row becomes at `time`: its priority class in the model, and its
    /// patience from the row (an abandoned row's wait is its patience; an answered row's
    /// wait is a lower bound on it).
    fn replayed(&self, row: &LogRow, contact_type: ContactTypeId, time: f64) -> ReplayedContact {
        let class = ClassId::from_index(
            self.placement
                .model
                .priority_levels
                .iter()
                .position(|l| *l == row.priority)
                .unwrap_or(0),
        );
        ReplayedContact {
            time,
            contact_type,
            class,
            handle_time: row.handle_time,
            patience: row.patience.or(match row.outcome {
                Some(AttemptOutcome::Abandoned) => row.wait,
                _ => None,
            }),
            waited_at_least: match row.outcome {
                Some(AttemptOutcome::Answered) => row.wait.unwrap_or(0.0),
                _ => 0.0,
            },
        }
    }

    /// How many times a row is replayed this replication.
    fn draw_copies(&mut self) -> u32 {
        let base = if self.spec.bootstrap {
            // Poisson(1) by inversion.
            let u: f64 = self.rng.random();
            let (mut k, mut p, mut cdf) = (0u32, (-1.0f64).exp(), (-1.0f64).exp());
            while u > cdf && k < 20 {
                k += 1;
                p /= k as f64;
                cdf += p;
            }
            k
        } else {
            1
        };
        let scale = self.spec.volume_scale;
        if scale == 1.0 {
            return base;
        }
        let whole = scale.floor();
        let frac = scale - whole;
        (0..base)
            .map(|_| whole as u32 + (self.rng.random::<f64>() < frac) as u32)
            .sum()
    }
}

impl ContactFeed for ReplayFeed<'_> {
    fn next_contact(&mut self) -> Option<ReplayedContact> {
        loop {
            if self.copies > 0 {
                self.copies -= 1;
                return self.current;
            }
            // Rows are not located here (the scan reported them), so the plain reader.
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let error = csv_error(&self.file, &self.reader, &e, Some(&self.columns));
                    self.error = Some(error.to_string());
                    return None;
                }
            }
            // The scan accepted or skipped each row the same way.
            let Ok(row) = self.columns.parse(&self.record) else {
                continue;
            };
            let Ok(contact_type) = self.placement.contact_type(&row, &self.columns) else {
                continue;
            };
            let Ok(time) = LogClock::seconds(self.clock, row.timestamp) else {
                continue;
            };
            let time = time + self.spec.time_shift;
            if time < self.last {
                continue;
            }
            self.last = time;
            // Classified before the horizon's checks, as the scan does.
            let attempt = match (&mut self.returns, row.customer) {
                (Some(returns), Some(customer)) => {
                    let (kind, _) =
                        returns.classify(customer, time, row.outcome, row.wait, row.handle_time);
                    if kind == ReturnKind::First { 1 } else { 2 }
                }
                _ => row.attempt,
            };
            if time < 0.0 {
                continue;
            }
            if time >= self.placement.model.horizon {
                return None;
            }
            if attempt > 1 && !self.spec.replay_returns {
                continue;
            }
            self.current = Some(self.replayed(&row, contact_type, time));
            self.copies = self.draw_copies();
        }
    }
}
