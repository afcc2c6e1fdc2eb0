//! `[[channel]] patience_by`: patience for some categories, hours of the day, or both,
//! compiled into each contact type's per-interval table (`ContactType::patience`) over
//! the model's distinct distributions (`Model::patiences`).
//!
//! The entry that applies to a customer is the most specific one covering its category
//! and the interval it starts waiting in: one naming the category and hours, then one
//! naming the category, then one naming hours, then the channel's `patience`. Two entries
//! of the same kind may not both cover an interval of a category. An entry's hours are
//! times of day (`from` to `until`, crossing midnight when `until` is earlier), on the
//! interval grid; an interval belongs to the entry whose hours hold its start.

use super::super::ScenarioError;
use super::super::checker::{Checker, lookup};
use super::super::raw::{RawPatienceBy, RawScenario};
use super::distributions::build_distribution;
use super::hours::clock;
use crate::distribution::Distribution;
use crate::ids::CategoryId;
use crate::model::{Channel, ContactType, NO_PATIENCE};
use std::collections::HashMap;
use toml::Spanned;

/// One `patience_by` entry, checked: its category (all when `None`), its hours as seconds
/// of the day (`None`: all day), and its index in `Model::patiences`.
struct Entry {
    category: Option<CategoryId>,
    hours: Option<(f64, f64)>,
    patience: u32,
}

impl Entry {
    /// How specific the entry is: 3 category and hours, 2 category, 1 hours, 0 neither.
    fn rank(&self) -> u8 {
        2 * u8::from(self.category.is_some()) + u8::from(self.hours.is_some())
    }

    /// Whether it covers a customer of `category` starting to wait at `second` of the day.
    fn covers(&self, category: CategoryId, second: f64) -> bool {
        let in_hours = match self.hours {
            None => true,
            Some((from, until)) if from < until => from <= second && second < until,
            Some((from, until)) => second >= from || second < until,
        };
        in_hours && self.category.is_none_or(|c| c == category)
    }
}

/// Fills `ContactType::patience` for the types of every channel with `patience_by`, and
/// returns the distributions they index.
///
/// # Errors
/// A located [`ScenarioError`]: `patience_by` on an e-mail channel, an unknown category,
/// a time of day that is not `"HH:MM"` or not on the interval grid, empty hours, a bad
/// distribution, or two entries of the same kind covering the same interval.
pub(super) fn compile_patience(
    c: &Checker,
    raw: &RawScenario,
    (n_intervals, interval): (usize, f64),
    category_index: &HashMap<String, CategoryId>,
    channels: &[Channel],
    contact_types: &mut [ContactType],
) -> Result<Vec<Distribution>, ScenarioError> {
    let mut patiences = Vec::new();
    for (i, chr) in raw.channel.iter().enumerate() {
        let Some(by) = &chr.get_ref().patience_by else {
            continue;
        };
        let key = format!("channel[{i}].patience_by");
        if channels[i].backlog {
            return Err(c.err(by.span(), key, "an e-mail channel keeps its backlog: nobody abandons it, so it takes no patience_by"));
        }
        let mut entries = Vec::new();
        for (j, e) in by.get_ref().iter().enumerate() {
            let key = format!("{key}[{j}]");
            let patience = patiences.len() as u32;
            entries.push(entry(c, e, &key, interval, category_index, patience)?);
            patiences.push(build_distribution(
                c,
                &e.get_ref().patience,
                &format!("{key}.patience"),
            )?);
        }
        check_overlaps(c, by.get_ref(), &entries, &key, interval, category_index)?;
        never_applies(c, chr, &entries, &key, i, contact_types)?;
        let base = if channels[i].patience.is_some() {
            patiences.push(channels[i].patience.clone().expect("checked"));
            patiences.len() as u32 - 1
        } else {
            NO_PATIENCE
        };
        for ct in contact_types.iter_mut().filter(|t| t.channel.index() == i) {
            ct.patience = (0..n_intervals)
                .map(|k| {
                    let second = (k as f64 * interval) % 86_400.0;
                    entries
                        .iter()
                        .filter(|e| e.covers(ct.category, second))
                        .max_by_key(|e| e.rank())
                        .map_or(base, |e| e.patience)
                })
                .collect();
        }
    }
    Ok(patiences)
}

/// An entry's category and hours, checked.
fn entry(
    c: &Checker,
    e: &Spanned<RawPatienceBy>,
    key: &str,
    interval: f64,
    category_index: &HashMap<String, CategoryId>,
    patience: u32,
) -> Result<Entry, ScenarioError> {
    let raw = e.get_ref();
    let category = match &raw.category {
        Some(name) => Some(lookup(
            c,
            category_index,
            name,
            &format!("{key}.category"),
            "category",
        )?),
        None => None,
    };
    let time = |v: &Option<Spanned<String>>, what: &str, default: f64| match v {
        None => Ok(default),
        Some(s) => {
            let at = |m: String| c.err(s.span(), format!("{key}.{what}"), m);
            let t = clock(s.get_ref()).ok_or_else(|| {
                at(format!(
                    "\"{}\" is not a time of day; write \"HH:MM\", e.g. \"10:00\" (until may be \"24:00\")",
                    s.get_ref()
                ))
            })?;
            if interval <= 86_400.0 && (t % interval).abs() > 1e-6 {
                return Err(at(format!(
                    "{} is not on the interval grid (intervals of {}): a customer's patience is the one of the interval it starts waiting in, so hours start and end at an interval's start",
                    s.get_ref(),
                    crate::duration::Duration::from_secs(interval)
                )));
            }
            Ok(t)
        }
    };
    let hours = if raw.from.is_none() && raw.until.is_none() {
        None
    } else {
        let (from, until) = (
            time(&raw.from, "from", 0.0)?,
            time(&raw.until, "until", 86_400.0)?,
        );
        let until = if until >= 86_400.0 { 0.0 } else { until };
        if from == until && raw.from.is_some() && raw.until.is_some() {
            return Err(c.err(
                e.span(),
                key,
                "from and until are the same time: the hours are empty (leave both out for the whole day)",
            ));
        }
        (from != until).then_some((from, if until == 0.0 { 86_400.0 } else { until }))
    };
    if category.is_none() && hours.is_none() {
        return Err(c.err(
            e.span(),
            key,
            "the entry names neither a category nor hours of the day, so it would hold for every customer of the channel: write that as the channel's patience, or give category, from or until",
        ));
    }
    Ok(Entry {
        category,
        hours,
        patience,
    })
}

/// Two entries of the same kind (category and hours, category, hours) covering the same
/// interval of a category are an error at the later one.
fn check_overlaps(
    c: &Checker,
    raw: &[Spanned<RawPatienceBy>],
    entries: &[Entry],
    key: &str,
    interval: f64,
    category_index: &HashMap<String, CategoryId>,
) -> Result<(), ScenarioError> {
    let per_day = (86_400.0 / interval).ceil().max(1.0) as usize;
    for (j, later) in entries.iter().enumerate() {
        for (i, earlier) in entries[..j].iter().enumerate() {
            if earlier.rank() != later.rank() {
                continue;
            }
            for cat in (0..category_index.len()).map(CategoryId::from_index) {
                let clash = (0..per_day)
                    .map(|k| (k as f64 * interval) % 86_400.0)
                    .find(|&s| earlier.covers(cat, s) && later.covers(cat, s));
                if let Some(s) = clash {
                    let hours = crate::duration::clock(s);
                    return Err(c.err(
                        raw[j].span(),
                        format!("{key}[{j}]"),
                        format!("it covers the same customers as {key}[{i}] (at {hours} of the day): entries of the same kind may not overlap; narrow the hours or merge them"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// An entry whose category has no contact type on this channel would never apply: an
/// error at its category (a misspelt or misplaced pair).
fn never_applies(
    c: &Checker,
    chr: &Spanned<super::super::raw::RawChannel>,
    entries: &[Entry],
    key: &str,
    i: usize,
    contact_types: &[ContactType],
) -> Result<(), ScenarioError> {
    let Some(by) = &chr.get_ref().patience_by else {
        return Ok(());
    };
    for (j, e) in entries.iter().enumerate() {
        let Some(cat) = e.category else { continue };
        if (contact_types.iter()).any(|t| t.channel.index() == i && t.category == cat) {
            continue;
        }
        let Some(name) = &by.get_ref()[j].get_ref().category else {
            continue;
        };
        let pair = format!("{}/{}", chr.get_ref().name.get_ref(), name.get_ref());
        return Err(c.err(
            name.span(),
            format!("{key}[{j}].category"),
            format!("no contact of {pair} arrives and no group handles it, so this patience would never apply"),
        ));
    }
    Ok(())
}
