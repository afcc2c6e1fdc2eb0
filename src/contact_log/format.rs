//! How an ACD export is read: [`build_format`] checks a mapping (columns, date-time
//! format, delimiter, outcome words, return window) from a scenario's `[[replay]]` or
//! `ccsim fit`'s flags into a [`ReplayFormat`]; [`Returns`] recognises a customer's
//! returns in a log that has customer ids but no `attempt` column. Invariant: scan, replay
//! and fit classify rows through the same [`Returns`], so that they agree.

use super::columns::{Delimiter, field_of, parse_outcome};
use crate::engine::AttemptOutcome;
use crate::replay::ReplayFormat;
use std::collections::HashMap;

/// A mapping checked into a [`ReplayFormat`]. `columns` pairs ccsim's column names
/// (`timestamp` or `arrival`, `channel`, `category`, `priority`, `customer_id`, `attempt`,
/// `outcome`, `wait`, `handle_time`, `patience`) with the log's headers; `outcomes` pairs
/// the log's words with ccsim's outcomes; `return_window` is in seconds (default 24 h);
/// `datetime_format` is strftime-style, or `day-first` (`%d/%m/%Y %H:%M:%S`) or
/// `month-first` (`%m/%d/%Y %H:%M:%S`).
///
/// Errors: the key to blame (`columns`, `datetime_format`, `delimiter`, `outcomes`,
/// `return_window`) and what is allowed.
pub fn build_format(
    columns: &[(String, String)],
    datetime_format: Option<&str>,
    delimiter: Option<&str>,
    outcomes: &[(String, String)],
    return_window: Option<f64>,
) -> Result<ReplayFormat, (&'static str, String)> {
    let mut format = ReplayFormat::default();
    for (field, header) in columns {
        let Some(known) = field_of(field) else {
            return Err((
                "columns",
                format!(
                    "`{field}` is not a column ccsim reads; map timestamp (or arrival), channel, category, priority, customer_id, attempt, outcome, wait, handle_time or patience"
                ),
            ));
        };
        if header.trim().is_empty() {
            return Err((
                "columns",
                format!("the header mapped to `{field}` is empty"),
            ));
        }
        if format
            .columns
            .iter()
            .any(|(f, _)| field_of(f) == Some(known))
        {
            return Err(("columns", format!("`{known}` is mapped twice")));
        }
        format
            .columns
            .push((known.to_string(), header.trim().to_string()));
    }
    if let Some(f) = datetime_format {
        // Named formats, for a command line without quotes.
        let f = match f {
            "day-first" => "%d/%m/%Y %H:%M:%S",
            "month-first" => "%m/%d/%Y %H:%M:%S",
            f => f,
        };
        let sample = jiff::civil::date(2025, 3, 4).at(5, 6, 0, 0);
        let back = jiff::fmt::strtime::format(f, sample)
            .ok()
            .and_then(|t| jiff::civil::DateTime::strptime(f, &t).ok());
        if back != Some(sample) {
            return Err((
                "datetime_format",
                format!(
                    "\"{f}\" does not give a date and a time of day; write it with strftime's fields, e.g. \"%d/%m/%Y %H:%M:%S\" for 03/03/2025 08:00:00"
                ),
            ));
        }
        format.datetime_format = Some(f.to_string());
    }
    if let Some(d) = delimiter {
        let d = Delimiter::from_text(d).ok_or_else(|| {
            (
                "delimiter",
                format!(
                    "\"{d}\" is not a delimiter ccsim reads; use \",\", \";\" or \"\\t\" (tab)"
                ),
            )
        })?;
        format.delimiter = Some(d.byte() as char);
    }
    for (word, outcome) in outcomes {
        if parse_outcome(outcome.trim()).is_none() {
            return Err((
                "outcomes",
                format!(
                    "`{word}` is mapped to \"{outcome}\"; map it to one of answered, abandoned, bot_resolved, bot_dropout"
                ),
            ));
        }
        format
            .outcomes
            .push((word.trim().to_string(), outcome.trim().to_string()));
    }
    if let Some(w) = return_window {
        if !(w.is_finite() && w > 0.0 && w <= 30.0 * 86_400.0) {
            return Err((
                "return_window",
                "a time above 0 and at most 30 days, e.g. \"24h\"".to_string(),
            ));
        }
        format.return_window = w;
    }
    Ok(format)
}

/// What a row of a log is to its customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnKind {
    /// A first contact: no contact of the customer ended within the window before it.
    First,
    /// A redial: the customer's last contact was abandoned (in queue or in the bot).
    Redial,
    /// A repeat: the customer's last contact was answered (or settled by the bot).
    Repeat,
}

/// Recognises returns by customer id, in time order: a customer's contact that arrives
/// within the window after the end of their last one (its arrival plus its wait, plus its
/// handle time when answered) is a redial after an abandon, else a repeat. Entries older
/// than the window are dropped as the log goes on, so memory follows the customers active
/// within a window, not the whole log.
#[derive(Clone, Debug)]
pub struct Returns {
    window: f64,
    /// Customer → (end of their last contact, it was abandoned).
    last: HashMap<String, (f64, bool)>,
    prune_at: usize,
}

impl Returns {
    /// A recogniser with a window of `window` seconds.
    pub fn new(window: f64) -> Returns {
        Returns {
            window,
            last: HashMap::new(),
            prune_at: 4096,
        }
    }

    /// Classifies a contact of `customer` arriving at `time` (seconds, in time order) that
    /// waited `wait` and was handled `handle` seconds and ended as `outcome`; returns what
    /// it is and, for a return, the seconds since the end of the customer's last contact.
    pub fn classify(
        &mut self,
        customer: &str,
        time: f64,
        outcome: Option<AttemptOutcome>,
        wait: Option<f64>,
        handle: Option<f64>,
    ) -> (ReturnKind, f64) {
        let abandoned = matches!(
            outcome,
            Some(AttemptOutcome::Abandoned | AttemptOutcome::BotDropout)
        );
        let end = time
            + wait.unwrap_or(0.0)
            + if abandoned {
                0.0
            } else {
                handle.unwrap_or(0.0)
            };
        let kind = match self.last.get(customer) {
            Some(&(prev_end, prev_abandoned)) if time - prev_end <= self.window => {
                let delay = (time - prev_end).max(0.0);
                let kind = if prev_abandoned {
                    ReturnKind::Redial
                } else {
                    ReturnKind::Repeat
                };
                (kind, delay)
            }
            _ => (ReturnKind::First, 0.0),
        };
        match self.last.get_mut(customer) {
            Some(v) => *v = (end, abandoned),
            None => {
                self.last.insert(customer.to_string(), (end, abandoned));
            }
        }
        if self.last.len() > self.prune_at {
            let window = self.window;
            self.last.retain(|_, v| time - v.0 <= window);
            self.prune_at = (2 * self.last.len()).max(4096);
        }
        kind
    }
}
