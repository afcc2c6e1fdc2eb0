//! What a scenario takes (as `src/scenario/compile.rs` checks it), and how fitted values
//! are named and written within it: a fitted scenario stays within these bounds, clamped
//! with a warning or refused with a message, so that it always loads.

pub(crate) use crate::limits::{
    MAX_HORIZON_DAYS as MAX_DAYS, MAX_INTERVAL_CELLS, MAX_NAME_CHARS, MAX_RATE_PER_HOUR,
    MAX_TIMELINE_CELLS,
};

/// Largest sample kept per channel/category for the fit-quality checks.
pub(crate) const RESERVOIR: usize = 20_000;
/// Shortest time written (a duration's finest unit, 1 ms).
pub(crate) const MIN_TIME: f64 = 0.001;
/// Longest mean handle time written: 30 days, the longest time a log row may hold.
pub(crate) const MAX_HANDLE: f64 = 30.0 * 86_400.0;
/// Longest mean patience written: 366 days, the longest horizon.
pub(crate) const MAX_PATIENCE: f64 = 366.0 * 86_400.0;
/// Largest coefficient of variation written for a handle time or a patience.
pub(crate) const MAX_CV: f64 = 10.0;
/// Largest busyness coefficient of variation a scenario takes.
pub(crate) const MAX_BUSYNESS_CV: f64 = 2.0;
/// Most agents in one interval of a group's staffing.
pub(crate) const MAX_STAFF: f64 = 1_000_000.0;

/// Why `name` cannot name a channel (`category` false) or category (`category` true) in a
/// scenario, if it cannot: empty, longer than [`MAX_NAME_CHARS`], holding a control
/// character or a `/`, or (a category) `*`, which stands for every category in a
/// scenario's `"channel/category"` pairs.
pub fn name_problem(name: &str, category: bool) -> Option<String> {
    if let Some(problem) = crate::limits::name_problem(name) {
        Some(problem)
    } else if name.contains('/') {
        Some("a name must not contain '/', which separates channel and category in \"voice/payment\"".into())
    } else if category && name == "*" {
        Some("\"*\" stands for every category in a scenario's \"channel/category\" pairs".into())
    } else {
        None
    }
}

/// A name for messages: quoted, escaped, and cut after 40 characters.
pub(crate) fn shown(name: &str) -> String {
    let cut: String = name.chars().take(40).collect();
    let more = if cut.len() < name.len() { "…" } else { "" };
    format!("\"{}{more}\"", cut.escape_debug())
}

/// A duration as a scenario writes it: whole minutes as `4m`, else seconds to a tenth
/// (to a millisecond under a second, and never under 1 ms), e.g. `272.5s`, `0.004s`.
pub(crate) fn duration(seconds: f64) -> String {
    let s = if seconds.is_nan() {
        MIN_TIME
    } else {
        seconds.clamp(MIN_TIME, MAX_PATIENCE)
    };
    if s >= 1.0 {
        let s = (s * 10.0).round() / 10.0;
        if s >= 60.0 && (s % 60.0).abs() < 0.05 {
            let minutes = (s / 60.0).round();
            return if minutes % 1440.0 == 0.0 {
                format!("{}d", minutes / 1440.0)
            } else if minutes % 60.0 == 0.0 {
                format!("{}h", minutes / 60.0)
            } else {
                format!("{minutes}m")
            };
        }
        format!("{s}s")
    } else {
        format!("{}s", ((s * 1000.0).round() / 1000.0).max(MIN_TIME))
    }
}

/// Seconds for messages, however large, small or undefined.
pub(crate) fn seconds_text(x: f64) -> String {
    if !x.is_finite() {
        format!("{x} s")
    } else if x != 0.0 && !(1e-3..1e9).contains(&x.abs()) {
        format!("{x:.3e} s")
    } else {
        format!("{} s", round_sig(x, 4))
    }
}

/// `x` rounded to `digits` significant digits (unchanged when zero, not finite, or too
/// small to scale).
pub(crate) fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    let rounded = (x * scale).round() / scale;
    if rounded.is_finite() { rounded } else { x }
}
