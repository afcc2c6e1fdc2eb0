//! Forecast rows in a channel's closed hours (`[[channel]] hours`).
//!
//! A row with contacts (volume above 0) that lies wholly in closed time of its channel is
//! usually a mapping mistake (the file's time zone, interval ends read as starts, a queue
//! mapped to the wrong channel): it is refused at its line, with the channel's hours as
//! written. Unless the channel says what happens to contacts arriving while it is closed
//! (`when_closed` written, `"lose"` included): the planner expects contacts then, and they
//! arrive and are handled by the policy (lost, deferred or redirected, counted `closed`).
//! A row that overlaps an opening or a closing is open time.

use super::source::Source;
use super::{At, Grid, Spec};
use crate::model::{AtClosing, OpeningHours, WhenClosed};
use crate::scenario::ScenarioError;
use crate::scenario::raw::RawScenario;

/// A channel's hours as the forecast reads them.
#[derive(Clone, Debug)]
pub(super) struct ChannelHours {
    /// Open windows over the horizon (only `open` is used).
    hours: OpeningHours,
    /// The `hours` value as the scenario writes it, for messages.
    shown: String,
    /// `when_closed` is written: contacts in closed time are expected.
    handled: bool,
}

/// A row with contacts that starts while its channel is closed: refused when it lies
/// wholly in closed time (known once the rows' length is).
#[derive(Clone, Copy, Debug)]
pub(super) struct ClosedRow {
    /// The row's channel (index into `Spec::channels`).
    pub channel: usize,
    /// Its start, seconds into the horizon.
    pub off: i64,
    /// Its line (CSV) or sheet row.
    pub line: u64,
    /// Its volume.
    pub volume: f64,
}

/// Each scenario channel's hours (`None`: open around the clock, or hours that do not
/// compile, which the compiler reports).
pub(super) fn channel_hours(
    raw: &RawScenario,
    at: &At<'_>,
    grid: Grid,
) -> Vec<Option<ChannelHours>> {
    let start = Some(grid.start);
    let horizon = grid.n as f64 * grid.interval;
    (raw.channel.iter())
        .map(|ch| {
            let chr = ch.get_ref();
            let open = crate::scenario::raw_open_windows(at.text, at.file, chr, start, horizon)?;
            let span = chr.hours.as_ref()?.span();
            Some(ChannelHours {
                hours: OpeningHours {
                    open,
                    when_closed: WhenClosed::Lose,
                    at_closing: AtClosing::Serve,
                },
                shown: at.text.get(span).unwrap_or("").to_string(),
                handled: chr.when_closed.is_some(),
            })
        })
        .collect()
}

/// Whether a row of `channel` with `volume` contacts starting `off` seconds into the
/// horizon must be checked against the hours once the rows' length is known.
pub(super) fn suspect(spec: &Spec, channel: usize, off: i64, volume: f64) -> bool {
    volume > 0.0
        && (spec.hours.get(channel))
            .and_then(Option::as_ref)
            .is_some_and(|h| !h.handled && !h.hours.is_open(off as f64))
}

/// Refuses the first suspect row that lies wholly in closed time, rows being `row_length`
/// seconds long: at its line, with the channel's hours.
pub(super) fn refuse_closed_rows(
    spec: &Spec,
    src: &Source,
    grid: Grid,
    rows: &[ClosedRow],
    row_length: i64,
) -> Result<(), ScenarioError> {
    for r in rows {
        let Some(Some(h)) = spec.hours.get(r.channel) else {
            continue;
        };
        let (from, to) = (r.off as f64, (r.off + row_length.max(1)) as f64);
        if !h.hours.closed_throughout(from, to) {
            continue;
        }
        let at = grid
            .start
            .checked_add(jiff::SignedDuration::from_secs(r.off))
            .map_or_else(|_| "?".into(), |d| d.strftime("%Y-%m-%d %H:%M").to_string());
        let name = &spec.channels[r.channel];
        return Err(src.line_error(
            &spec.file,
            r.line,
            format!(
                "{} contacts of channel \"{name}\" at {at}, when the channel is closed (hours = {}): a forecast for closed time is usually a mapping mistake (the file's time zone, interval ends read as starts, the wrong queue); fix the row, or, if contacts do arrive then, say what happens to them with when_closed = \"lose\", \"defer\" or {{ to = \"CHANNEL\" }} under the channel",
                r.volume, h.shown
            ),
        ));
    }
    Ok(())
}

/// Per channel with hours, in scenario order: its name and the intervals of the horizon
/// in which it is closed throughout.
pub(super) fn closed_intervals(spec: &Spec, grid: Grid) -> Vec<(String, usize)> {
    (spec.hours.iter().zip(&spec.channels))
        .filter_map(|(h, name)| {
            let h = h.as_ref()?;
            let closed = (0..grid.n)
                .filter(|&k| {
                    let from = k as f64 * grid.interval;
                    h.hours.closed_throughout(from, from + grid.interval)
                })
                .count();
            Some((name.clone(), closed))
        })
        .collect()
}
