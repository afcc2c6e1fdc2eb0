//! Durations with a mandatory unit (`"45s"`, `"15m"`, `"1h30m"`, `"2.5m"`), as the contract
//! requires everywhere in files and flags; a bare number is rejected with a message asking
//! for a unit.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::str::FromStr;

/// A non-negative span of time, stored in seconds.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Duration(f64);

/// What went wrong when reading a duration.
#[derive(Debug, Clone, PartialEq)]
pub struct DurationError(String);

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DurationError {}

const UNITS_HELP: &str =
    "write it with a unit: \"45s\", \"15m\", \"8h\", \"1h30m\", \"2.5m\" (units: d, h, m, s, ms)";

impl Duration {
    /// A duration of `s` seconds (`s` must be finite and non-negative).
    pub fn from_secs(s: f64) -> Duration {
        debug_assert!(s.is_finite() && s >= 0.0);
        Duration(s)
    }

    /// The length in seconds.
    pub fn secs(self) -> f64 {
        self.0
    }
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Duration, DurationError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(DurationError(format!(
                "an empty string is not a duration; {UNITS_HELP}"
            )));
        }
        if s.starts_with('-') {
            return Err(DurationError(format!(
                "\"{s}\" is negative; a duration here is zero or more ({UNITS_HELP})"
            )));
        }
        if s.parse::<f64>().is_ok() {
            return Err(DurationError(format!("\"{s}\" has no unit; {UNITS_HELP}")));
        }
        let bytes = s.as_bytes();
        let mut total = 0.0;
        let mut i = 0;
        while i < bytes.len() {
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let number = &s[start..i];
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            let unit_start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let unit = &s[unit_start..i];
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            if i < bytes.len() && !(bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                return Err(DurationError(format!(
                    "\"{s}\" is not a duration; {UNITS_HELP}"
                )));
            }
            let value: f64 = number
                .parse()
                .map_err(|_| DurationError(format!("\"{s}\" is not a duration; {UNITS_HELP}")))?;
            let scale = match unit {
                "d" => 86_400.0,
                "h" => 3_600.0,
                "m" | "min" => 60.0,
                "s" => 1.0,
                "ms" => 0.001,
                "" => {
                    return Err(DurationError(format!(
                        "\"{s}\" ends in a number with no unit; {UNITS_HELP}"
                    )));
                }
                other => {
                    return Err(DurationError(format!(
                        "\"{s}\" has an unknown unit \"{other}\"; {UNITS_HELP}"
                    )));
                }
            };
            total += value * scale;
        }
        if !total.is_finite() {
            return Err(DurationError(format!("\"{s}\" is too long")));
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    /// Whole hours, minutes and seconds as `1h30m`, `5m30s`, `45s`; fractions as `0.25s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        if s == 0.0 {
            return f.write_str("0s");
        }
        if s >= 1e15 {
            return write!(f, "{s}s");
        }
        if s.fract() != 0.0 {
            if s < 60.0 {
                return write!(f, "{}s", (s * 1000.0).round() / 1000.0);
            }
            // Whole hours and minutes, then seconds to a tenth.
            let tenths = (s * 10.0).round() as u64;
            let (h, m, rest) = (tenths / 36_000, tenths % 36_000 / 600, tenths % 600);
            if h > 0 {
                write!(f, "{h}h")?;
            }
            if m > 0 {
                write!(f, "{m}m")?;
            }
            if rest > 0 {
                write!(f, "{}s", rest as f64 / 10.0)?;
            }
            return Ok(());
        }
        let whole = s as u64;
        let (h, m, sec) = (whole / 3600, whole % 3600 / 60, whole % 60);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if sec > 0 {
            write!(f, "{sec}s")?;
        }
        Ok(())
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string with a unit, such as \"45s\" or \"1h30m\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "the bare number {v} has no unit; {UNITS_HELP}"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "the bare number {v} has no unit; {UNITS_HELP}"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "the bare number {v} has no unit; {UNITS_HELP}"
                )))
            }
        }
        deserializer.deserialize_any(DurationVisitor)
    }
}

/// A span of time that may be negative (`"-2h"`: two hours before the horizon's start),
/// stored in seconds: the start of a group's shift, which may lie before the horizon.
/// Written like a [`Duration`], with an optional leading `-`.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct SignedDuration(f64);

impl SignedDuration {
    /// A signed duration of `s` seconds (finite).
    pub fn from_secs(s: f64) -> SignedDuration {
        debug_assert!(s.is_finite());
        SignedDuration(s)
    }

    /// The signed length in seconds.
    pub fn secs(self) -> f64 {
        self.0
    }
}

impl FromStr for SignedDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<SignedDuration, DurationError> {
        let s = text.trim();
        match s.strip_prefix('-') {
            Some(rest) => Ok(SignedDuration(-rest.parse::<Duration>()?.secs())),
            None => Ok(SignedDuration(s.parse::<Duration>()?.secs())),
        }
    }
}

impl fmt::Display for SignedDuration {
    /// As a [`Duration`], with a leading `-` when negative.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 0.0 {
            write!(f, "-{}", Duration(-self.0))
        } else {
            write!(f, "{}", Duration(self.0))
        }
    }
}

impl<'de> serde::Deserialize<'de> for SignedDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SignedDuration, D::Error> {
        struct SignedVisitor;
        impl Visitor<'_> for SignedVisitor {
            type Value = SignedDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string with a unit, such as \"8h\" or \"-2h\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SignedDuration, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SignedDuration, E> {
                Err(E::custom(format!(
                    "the bare number {v} has no unit; {UNITS_HELP}"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SignedDuration, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<SignedDuration, E> {
                Err(E::custom(format!(
                    "the bare number {v} has no unit; {UNITS_HELP}"
                )))
            }
        }
        deserializer.deserialize_any(SignedVisitor)
    }
}

/// Clock time of day for a second offset, e.g. `13:30` (with a day prefix past the first).
pub fn clock(seconds: f64) -> String {
    let total = seconds.round() as u64;
    let (day, secs) = (total / 86_400, total % 86_400);
    let mut time = format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60);
    if secs % 60 != 0 {
        time += &format!(":{:02}", secs % 60);
    }
    if day == 0 {
        time
    } else {
        format!("d{} {time}", day + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_compounds() {
        let cases = [
            ("45s", 45.0),
            ("15m", 900.0),
            ("8h", 28_800.0),
            ("1h30m", 5_400.0),
            ("0.25s", 0.25),
            ("2.5m", 150.0),
            ("1d", 86_400.0),
            ("250ms", 0.25),
            ("1h 30m", 5_400.0),
        ];
        for (text, secs) in cases {
            assert_eq!(text.parse::<Duration>().unwrap().secs(), secs, "{text}");
        }
    }

    #[test]
    fn displays_in_the_units_people_write() {
        let shown = |s: f64| Duration::from_secs(s).to_string();
        assert_eq!(shown(330.0), "5m30s");
        assert_eq!(shown(5400.0), "1h30m");
        assert_eq!(shown(86_400.0), "24h");
        assert_eq!(shown(60.0), "1m");
        assert_eq!(shown(0.25), "0.25s");
        assert_eq!(shown(0.0), "0s");
        assert_eq!(shown(265.868), "4m25.9s");
        for s in [330.0, 5400.0, 0.25, 45.0, 3661.0] {
            assert_eq!(shown(s).parse::<Duration>().unwrap().secs(), s);
        }
    }

    #[test]
    fn signed_durations_take_a_leading_minus() {
        assert_eq!("-2h".parse::<SignedDuration>().unwrap().secs(), -7200.0);
        assert_eq!("22h".parse::<SignedDuration>().unwrap().secs(), 79_200.0);
        assert_eq!(
            "-1h30m".parse::<SignedDuration>().unwrap().to_string(),
            "-1h30m"
        );
        assert!("-".parse::<SignedDuration>().is_err());
        assert!("--2h".parse::<SignedDuration>().is_err());
    }

    #[test]
    fn rejects_bare_numbers_and_unknown_units() {
        for text in [
            "5",
            "2.5",
            "",
            "5x",
            "m",
            "1h30",
            "-5m",
            "30 minutes",
            "5m!",
        ] {
            assert!(
                text.parse::<Duration>().is_err(),
                "{text} should be rejected"
            );
        }
        let err = "5".parse::<Duration>().unwrap_err().to_string();
        assert!(err.contains("no unit"), "{err}");
    }
}
