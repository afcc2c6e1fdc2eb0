//! The partial file: its text (a header, a checksum, the format version, the TOML of a
//! [`PartialResult`]), written and read back with every check of what it can be.

use super::{CCSIM_VERSION, PARTIAL_FORMAT, PartialResult};
use std::fmt::Write as _;

/// The lines a partial file opens with, before its checksum.
const HEADER: &str = "# A ccsim partial result: join the parts of all shards with `ccsim merge`.\n\
# The checksum is the SHA-256 of the lines after it; ccsim refuses a part changed after it wrote it.\n";

/// The checksum of a part's content: `sha256:` and 64 hex digits.
fn checksum(content: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in Sha256::digest(content.as_bytes()) {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Splits off the first key of `text` (the first line but blank and comment lines) when
/// it is `key`: the line as written, its value (trimmed), and the text with that line left
/// blank so that TOML error locations stay those of the file.
fn take_first_key(text: &str, key: &str) -> Option<(String, String, String)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            offset += line.len();
            continue;
        }
        let value = (trimmed.strip_prefix(key))
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('='))?;
        let mut rest = String::with_capacity(text.len());
        rest.push_str(&text[..offset]);
        rest.push_str(if line.ends_with('\n') { "\n" } else { "" });
        rest.push_str(&text[offset + line.len()..]);
        return Some((trimmed.to_string(), value.trim().to_string(), rest));
    }
    None
}

/// Splits a part's text into its checksum (the first key) and the rest, the checksum line
/// left blank. `Err` when the checksum line is malformed.
fn take_checksum(text: &str) -> Result<(Option<String>, String), String> {
    let Some((line, value, rest)) = take_first_key(text, "checksum") else {
        return Ok((None, text.to_string()));
    };
    let sum = (value.strip_prefix('"'))
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| !v.contains(['"', '\\']))
        .ok_or_else(|| format!("its checksum line is damaged (`{}`)", shorten(&line, 100)))?;
    Ok((Some(sum.to_string()), rest))
}

/// Splits the content of a part into its format version (its first key, `partial_format`)
/// and the rest, the format line left blank; `None` for a part of format 1, which had no
/// such key. `Err` when the line is malformed.
fn take_format(content: &str) -> Result<(Option<u32>, String), String> {
    let Some((line, value, rest)) = take_first_key(content, "partial_format") else {
        return Ok((None, content.to_string()));
    };
    let format = value
        .parse()
        .map_err(|_| format!("its format line is damaged (`{}`)", shorten(&line, 100)))?;
    Ok((Some(format), rest))
}

/// The message for a part of another format than [`PARTIAL_FORMAT`]: what it is, who wrote
/// it, and what to do.
fn other_format(source: &str, format: u32, written_by: &str) -> String {
    let (age, way) = if format < 2 {
        ("an older", "which identified the scenario another way")
    } else if format < 3 {
        (
            "an older",
            "whose contacts drew their handle times and outcomes from other random streams",
        )
    } else if format < PARTIAL_FORMAT {
        (
            "an older",
            "whose contacts drew their patience and lognormal durations another way",
        )
    } else {
        ("a newer", "whose format this ccsim does not know")
    };
    format!(
        "{source} is a partial result of format {format}, written by {age} ccsim ({written_by}, {way}); this is ccsim {CCSIM_VERSION}, which merges parts of format {PARTIAL_FORMAT}: run that shard again with this ccsim, or merge the parts with the ccsim that wrote them"
    )
}

/// At most `max` characters of `text`, with `…` when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

impl PartialResult {
    /// The partial file's text: a header, the checksum, then the content.
    pub fn to_toml(&self) -> Result<String, String> {
        let content = self.content()?;
        Ok(format!(
            "{HEADER}checksum = \"{}\"\n{content}",
            checksum(&content)
        ))
    }

    /// The content as ccsim serializes it, its format version first: what the checksum
    /// covers.
    pub(super) fn content(&self) -> Result<String, String> {
        let fields =
            toml::to_string(self).map_err(|e| format!("cannot write the partial result: {e}"))?;
        Ok(format!("partial_format = {PARTIAL_FORMAT}\n{fields}"))
    }

    /// Reads a partial file's text; `source` names it in errors. Refuses a part of another
    /// ccsim version, one with no checksum or another one than its content has, and one
    /// with an impossible value (see [`PartialResult::check_values`]).
    pub fn from_toml(text: &str, source: &str) -> Result<PartialResult, String> {
        let not_a_part = |e: &dyn std::fmt::Display| {
            format!(
                "{source} is not a ccsim partial result file (written by `ccsim run|sweep --shard I/N --partial FILE`): {e}"
            )
        };
        let (sum, content) = take_checksum(text).map_err(|e| not_a_part(&e))?;
        let (format, fields) = take_format(&content).map_err(|e| not_a_part(&e))?;
        if let Some(format) = format.filter(|&f| f != PARTIAL_FORMAT) {
            // Refused before it is read as this format: its fields may be others.
            let table = toml::from_str::<toml::Table>(&fields).ok();
            let version = table
                .as_ref()
                .and_then(|t| t.get("ccsim_version")?.as_str());
            let written_by = version.map_or("version unknown".into(), |v| {
                format!("ccsim {}", shorten(v, 40))
            });
            return Err(other_format(source, format, &written_by));
        }
        let mut part: PartialResult = toml::from_str(&fields).map_err(|e| {
            // One paragraph: the parser's message folded onto one line.
            let e = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
            if sum.is_some() {
                format!(
                    "{source} is damaged or was changed after ccsim wrote it (it carries ccsim's checksum but no longer reads as a partial result: {e}); run its shard again"
                )
            } else {
                not_a_part(&e)
            }
        })?;
        if format.is_none() {
            let written_by = format!("ccsim {}", shorten(&part.ccsim_version, 40));
            return Err(other_format(source, 1, &written_by));
        }
        if part.ccsim_version != CCSIM_VERSION {
            return Err(format!(
                "{source} was written by ccsim {}, and this is ccsim {CCSIM_VERSION}: merge parts with the version that wrote them",
                shorten(&part.ccsim_version, 40)
            ));
        }
        let Some(sum) = sum else {
            return Err(format!(
                "{source} has no checksum (`checksum = \"sha256:…\"` as its first key): every part this ccsim writes has one, so this one was written by an older build or changed after ccsim wrote it; run its shard again"
            ));
        };
        let expected = checksum(&part.content()?);
        if sum != expected {
            return Err(format!(
                "{source} was changed after ccsim wrote it (checksum {} in the file, {expected} of its content): run its shard again rather than edit a part",
                shorten(&sum, 80)
            ));
        }
        part.fill_added_metrics();
        part.check_values(source)?;
        Ok(part)
    }

    /// Fills metrics added to [`QueueMetrics`] after a part was written (NaN when read)
    /// where the part's counts give them: `abandoned_all` = abandoned +
    /// abandoned_in_transfer; the `closed` counts are 0 (older builds had no opening
    /// hours). `transfer_abandon_rate` stays undefined.
    fn fill_added_metrics(&mut self) {
        for run in &mut self.runs {
            for rep in &mut run.replications {
                let o = &mut rep.outcome;
                let scopes = std::iter::once(&mut o.totals)
                    .chain(o.by_channel.iter_mut())
                    .chain(o.by_category.iter_mut())
                    .chain(o.by_priority.iter_mut())
                    .chain(o.intervals.iter_mut());
                for q in scopes {
                    if q.abandoned_all.is_nan() {
                        q.abandoned_all = q.abandoned + q.abandoned_in_transfer;
                    }
                    for closed in [
                        &mut q.closed,
                        &mut q.closed_deferred,
                        &mut q.closed_redirected,
                        &mut q.closed_at_closing,
                    ] {
                        if closed.is_nan() {
                            *closed = 0.0;
                        }
                    }
                }
            }
        }
    }
}
