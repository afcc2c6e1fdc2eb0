//! Sorting a simulation's attempts by arrival for `ccsim log` in bounded memory: an external
//! sort. Records come from the engine in the order attempts end; up to a buffer's worth are
//! kept, and each full buffer is sorted and spilled as a run of fixed-size binary rows to
//! an anonymous temporary file (`tempfile::tempfile`, in [`std::env::temp_dir`]: unlinked
//! when created, so the system frees it when it is closed, also on error or a crash); at the
//! end the runs are merged through a heap. Invariant: the order is exactly
//! [`super::write_log`]'s stable sort by arrival (ties in the order the attempts ended),
//! whatever the buffer, because each record carries its end sequence as the second key.
//! (Not the `extsort` crate: its 0.5.0 returns no row when the last record pushed fills
//! its buffer, and leaves named files behind when killed.)

use crate::engine::{AttemptLog, AttemptOutcome, ContactRecord};
use crate::ids::{ClassId, ContactTypeId};
use crate::model::Model;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

/// Records kept in memory before a spill by default: 2²¹ (2,097,152) rows of 48 bytes,
/// 96 MiB, a power of two so the growing buffer ends exactly full.
pub const DEFAULT_BUFFER_RECORDS: usize = 1 << 21;

/// One record with its place in the order attempts ended (the tie-break).
#[derive(Clone, Copy, Debug)]
struct Row {
    record: ContactRecord,
    ended: u64,
}

/// The bytes of one [`Row`] in a spill file.
const ROW_BYTES: usize = 47;

/// By arrival (`f64::total_cmp`, as `write_log`), then by end order: no two rows are equal.
fn by_arrival(a: &Row, b: &Row) -> Ordering {
    (a.record.arrived.total_cmp(&b.record.arrived)).then(a.ended.cmp(&b.ended))
}

impl Row {
    fn encode(&self, writer: &mut impl Write) -> io::Result<()> {
        // Every field named: a field added to the record fails to build here, not to be
        // dropped from the log.
        let ContactRecord {
            arrived,
            contact_type,
            class,
            customer,
            attempt,
            outcome,
            wait,
            handle_time,
        } = self.record;
        let mut b = [0u8; ROW_BYTES];
        b[0..8].copy_from_slice(&arrived.to_le_bytes());
        b[8..16].copy_from_slice(&self.ended.to_le_bytes());
        b[16..24].copy_from_slice(&customer.to_le_bytes());
        b[24..32].copy_from_slice(&wait.to_le_bytes());
        b[32..40].copy_from_slice(&handle_time.to_le_bytes());
        b[40..44].copy_from_slice(&(contact_type.index() as u32).to_le_bytes());
        b[44] = class.index() as u8;
        b[45] = attempt;
        b[46] = outcome_code(outcome);
        writer.write_all(&b)
    }

    fn decode(reader: &mut impl Read) -> io::Result<Row> {
        let mut b = [0u8; ROW_BYTES];
        reader.read_exact(&mut b)?;
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let f64_at = |i: usize| f64::from_bits(u64_at(i));
        let contact_type = u32::from_le_bytes(b[40..44].try_into().expect("4 bytes"));
        Ok(Row {
            record: ContactRecord {
                arrived: f64_at(0),
                contact_type: ContactTypeId::from_index(contact_type as usize),
                class: ClassId::from_index(b[44] as usize),
                customer: u64_at(16),
                attempt: b[45],
                outcome: outcome_of(b[46])?,
                wait: f64_at(24),
                handle_time: f64_at(32),
            },
            ended: u64_at(8),
        })
    }
}

fn outcome_code(outcome: AttemptOutcome) -> u8 {
    match outcome {
        AttemptOutcome::Answered => 0,
        AttemptOutcome::Abandoned => 1,
        AttemptOutcome::BotResolved => 2,
        AttemptOutcome::BotDropout => 3,
    }
}

fn outcome_of(code: u8) -> io::Result<AttemptOutcome> {
    Ok(match code {
        0 => AttemptOutcome::Answered,
        1 => AttemptOutcome::Abandoned,
        2 => AttemptOutcome::BotResolved,
        3 => AttemptOutcome::BotDropout,
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a temporary file of the sorted log has outcome code {code}"),
            ));
        }
    })
}

/// An [`AttemptLog`] that sorts the rows of a contact log by arrival in bounded memory,
/// keeping only the attempts `write_log` writes (those arrived from `model.lead_in` on).
/// Memory: 48 bytes × the buffer's records at most, then 32 KiB per run when merging.
/// Files: one open temporary file per run (rows ÷ buffer, rounded up).
pub struct LogSorter {
    buffer: Vec<Row>,
    /// Records the buffer holds before a spill (at least 1).
    capacity: usize,
    /// The sorted runs spilled so far, with their rows.
    runs: Vec<(File, u64)>,
    lead_in: f64,
    /// Records received so far (the next one's end order).
    ended: u64,
    /// Rows kept (arrived from the lead-in on).
    rows: u64,
    /// The first error of a spill; records after it are dropped.
    error: Option<io::Error>,
}

impl LogSorter {
    /// A sorter for `model`'s log keeping up to `buffer_records` records (at least 1) in
    /// memory before spilling them to a temporary file in [`std::env::temp_dir`].
    pub fn new(model: &Model, buffer_records: usize) -> LogSorter {
        LogSorter {
            buffer: Vec::new(),
            capacity: buffer_records.max(1),
            runs: Vec::new(),
            lead_in: model.lead_in,
            ended: 0,
            rows: 0,
            error: None,
        }
    }

    /// The rows the log will have.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Sorts the buffer and writes it to a new temporary file as a run.
    fn spill(&mut self) -> io::Result<()> {
        self.buffer.sort_unstable_by(by_arrival);
        let mut w = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
        for row in &self.buffer {
            row.encode(&mut w)?;
        }
        let file = w.into_inner().map_err(|e| e.into_error())?;
        self.runs.push((file, self.buffer.len() as u64));
        self.buffer.clear();
        Ok(())
    }

    /// Sorts what is left in memory and opens the merge of the runs. Errors: the first
    /// failure to write a temporary file (the disk full, the folder not writable).
    pub fn finish(mut self) -> io::Result<SortedLog> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if self.runs.is_empty() {
            self.buffer.sort_unstable_by(by_arrival);
            return Ok(SortedLog(Sorted::Memory(self.buffer.into_iter())));
        }
        if !self.buffer.is_empty() {
            self.spill()?;
        }
        let mut runs = Vec::with_capacity(self.runs.len());
        let mut heads = BinaryHeap::with_capacity(self.runs.len());
        for (run, (mut file, rows)) in std::mem::take(&mut self.runs).into_iter().enumerate() {
            file.rewind()?;
            let mut reader = BufReader::with_capacity(1 << 15, file);
            // A run is never empty.
            heads.push(Head(Row::decode(&mut reader)?, run));
            runs.push((reader, rows - 1));
        }
        Ok(SortedLog(Sorted::Merge { runs, heads }))
    }
}

impl AttemptLog for LogSorter {
    fn record(&mut self, record: ContactRecord) {
        let ended = self.ended;
        self.ended += 1;
        if record.arrived < self.lead_in || self.error.is_some() {
            return;
        }
        self.rows += 1;
        self.buffer.push(Row { record, ended });
        if self.buffer.len() >= self.capacity {
            if let Err(error) = self.spill() {
                self.error = Some(error);
            }
        }
    }
}

/// The next row of run `.1`, ordered so that [`BinaryHeap`] pops the first by arrival.
struct Head(Row, usize);

impl Ord for Head {
    fn cmp(&self, other: &Head) -> Ordering {
        by_arrival(&other.0, &self.0)
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Head) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Head) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

/// The rows of a [`LogSorter`] in arrival order: from memory when nothing was spilled,
/// else merged from its runs (their files closed, and so freed, when this is dropped).
pub struct SortedLog(Sorted);

enum Sorted {
    /// Every row fitted in the buffer.
    Memory(std::vec::IntoIter<Row>),
    /// The runs, each with its reader and rows left to read, and each run's next row.
    Merge {
        runs: Vec<(BufReader<File>, u64)>,
        heads: BinaryHeap<Head>,
    },
}

impl SortedLog {
    /// How many runs were spilled to disk (0 when every row fitted in memory).
    pub fn spilled_files(&self) -> usize {
        match &self.0 {
            Sorted::Memory(_) => 0,
            Sorted::Merge { runs, .. } => runs.len(),
        }
    }

    /// Writes the contact log to `out`, byte for byte what [`super::write_log`] writes for
    /// the same records. Errors: writing `out`, or reading back a temporary file.
    pub fn write(self, model: &Model, out: &mut dyn Write) -> io::Result<()> {
        let rows = self.map(|row| {
            row.map_err(|e| {
                let message = format!("reading back a temporary file of the sorted log: {e}");
                io::Error::new(e.kind(), message)
            })
        });
        super::write::write_rows(model, rows, out)
    }
}

impl Iterator for SortedLog {
    type Item = io::Result<ContactRecord>;

    fn next(&mut self) -> Option<io::Result<ContactRecord>> {
        match &mut self.0 {
            Sorted::Memory(rows) => rows.next().map(|r| Ok(r.record)),
            Sorted::Merge { runs, heads } => {
                let Head(row, run) = heads.pop()?;
                let (reader, left) = &mut runs[run];
                if *left > 0 {
                    *left -= 1;
                    match Row::decode(reader) {
                        Ok(next) => heads.push(Head(next, run)),
                        Err(e) => return Some(Err(e)),
                    }
                }
                Some(Ok(row.record))
            }
        }
    }
}
