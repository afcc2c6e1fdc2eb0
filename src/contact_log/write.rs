//! Writing a contact log from a simulation (`ccsim log`): one row per ended attempt, sorted
//! by arrival, in the columns the readers take (sorted in memory here, on disk by
//! `sort::LogSorter`). Invariant: what it writes reads back
//! through `scan` and `fit` (times with three decimals, date-times when the model has a
//! start). A cyclic model's log is its counted day's: the lead-in day's attempts are left
//! out and times are on the counted day's clock (`Model::display_time`).

use crate::engine::ContactRecord;
use crate::model::Model;
use std::io::Write;

/// Writes the attempts of one replication as a contact log (sorted by arrival, ties in
/// the order the attempts ended; a cyclic model's counted day only), all in memory: `ccsim
/// log` sorts on disk instead ([`super::LogSorter`]), to the same bytes.
pub fn write_log(
    model: &Model,
    records: &mut [ContactRecord],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    records.sort_by(|a, b| a.arrived.total_cmp(&b.arrived));
    write_rows(model, records.iter().map(|r| Ok(*r)), out)
}

/// Writes the header, then a row for each record of `records` (already in arrival order)
/// arrived from `model.lead_in` on. Errors: the first of `records`, or of writing `out`.
pub(super) fn write_rows(
    model: &Model,
    records: impl Iterator<Item = std::io::Result<ContactRecord>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "timestamp",
        "channel",
        "category",
        "priority",
        "customer_id",
        "attempt",
        "outcome",
        "wait",
        "handle_time",
    ])?;
    for r in records {
        let r = r?;
        if r.arrived < model.lead_in {
            continue;
        }
        let t = &model.contact_types[r.contact_type.index()];
        let arrived = model.display_time(r.arrived);
        let timestamp = match model.start {
            Some(start) => {
                let at = start
                    .checked_add(jiff::SignedDuration::from_secs_f64(arrived))
                    .map_err(std::io::Error::other)?;
                at.strftime("%Y-%m-%dT%H:%M:%S%.3f").to_string()
            }
            None => format!("{arrived:.3}"),
        };
        let seconds = |x: f64| {
            if x.is_nan() {
                String::new()
            } else {
                format!("{x:.3}")
            }
        };
        w.write_record([
            timestamp,
            model.channels[t.channel.index()].name.clone(),
            model.categories[t.category.index()].clone(),
            model.priority_levels[r.class.index()].to_string(),
            format!("{:016x}", r.customer),
            r.attempt.to_string(),
            r.outcome.as_str().to_string(),
            seconds(r.wait),
            seconds(r.handle_time),
        ])?;
    }
    w.flush()
}
