//! A compiled model's identity: the SHA-256 of a canonical serialization of it, so that
//! the parts of one scenario find each other whatever build of ccsim wrote them.
//!
//! The serialization is ccsim's own (a serde [`Serializer`] written here), not a `Debug`
//! text or a dependency's format: every value is written as a tag byte and its exact
//! bytes, so that nothing a dependency prints or rounds enters the identity.
//! - numbers: their width tag and little-endian bytes; an `f64` by its bits, exactly
//!   (every NaN written as the one canonical NaN);
//! - strings and byte strings: their length, then their bytes;
//! - structs and enum variants: their name and each field's name before its value, so a
//!   renamed or reordered field changes the identity, never silently aliases another;
//! - maps: their entries sorted by the bytes of their keys, so a `HashMap`'s iteration
//!   order cannot enter it;
//! - sequences: their length (or an end mark when unknown) around their elements.
//!
//! What identifies a replayed log is what it was in the `Debug` text: its path, the
//! options it is replayed with and what the scan of it found (rows, counts, first
//! timestamp). Where the scenario names it (`ReplaySpec::origin`, a line and column in
//! the scenario file) and how it is read again (`ReplayScan::reader`) are left out: they
//! are not part of the model. The `serialize_with` helpers for the fields serde cannot
//! write as they are live in the core (`ccsim_core::canonical`).

use serde::ser::{self, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt::{self, Display, Write as _};

/// The identity of `models` taken together (a run's one model, or a sweep's points in
/// order): 64 hex digits of the SHA-256 of their canonical serialization. Equal models give
/// equal identities on every machine and thread; a change to any value the models hold
/// gives another.
pub fn identity(models: &[&crate::model::Model]) -> String {
    let mut bytes = Vec::new();
    write_len(&mut bytes, models.len());
    for model in models {
        // The writer has no failure of its own: a failure is a value it cannot take.
        if let Err(e) = model.serialize(Canonical { out: &mut bytes }) {
            panic!("a model cannot be serialized canonically: {e}");
        }
    }
    let mut text = String::with_capacity(64);
    for byte in Sha256::digest(&bytes) {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// The error of the canonical writer: only a value's own `Serialize` can fail.
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Tags: one byte before every value says what follows.
mod tag {
    pub const BOOL: u8 = 1;
    pub const I64: u8 = 2;
    pub const U64: u8 = 3;
    pub const F64: u8 = 4;
    pub const STR: u8 = 5;
    pub const BYTES: u8 = 6;
    pub const NONE: u8 = 7;
    pub const SOME: u8 = 8;
    pub const UNIT: u8 = 9;
    pub const STRUCT: u8 = 10;
    pub const VARIANT: u8 = 11;
    pub const SEQ: u8 = 12;
    pub const MAP: u8 = 13;
    pub const END: u8 = 14;
    pub const I128: u8 = 15;
    pub const U128: u8 = 16;
}

fn write_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_le_bytes());
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    write_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// The canonical writer, appending to `out`.
struct Canonical<'a> {
    out: &'a mut Vec<u8>,
}

/// A sequence, struct or variant being written; a map buffers its entries to sort them.
struct Compound<'a> {
    out: &'a mut Vec<u8>,
    /// The entries of a map, each its key's and its value's bytes.
    entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// The key of the map entry under way.
    key: Option<Vec<u8>>,
    /// Whether the length was unknown at the start (an end mark closes it).
    open: bool,
}

impl<'a> Compound<'a> {
    fn new(out: &'a mut Vec<u8>, open: bool) -> Self {
        Compound {
            out,
            entries: Vec::new(),
            key: None,
            open,
        }
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Canonical { out: self.out })
    }

    fn field<T: ?Sized + Serialize>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        write_str(self.out, name);
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        if self.open {
            self.out.push(tag::END);
        }
        Ok(())
    }
}

/// The bytes of one value on its own.
fn bytes_of<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    value.serialize(Canonical { out: &mut out })?;
    Ok(out)
}

impl<'a> Serializer for Canonical<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.extend_from_slice(&[tag::BOOL, v as u8]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.out.push(tag::I64);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.out.push(tag::I128);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.out.push(tag::U64);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.out.push(tag::U128);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        let v = if v.is_nan() { f64::NAN } else { v };
        self.out.push(tag::F64);
        self.out.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.out.push(tag::STR);
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.out.push(tag::BYTES);
        write_len(self.out, v.len());
        self.out.extend_from_slice(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.push(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        self.out.push(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.push(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), Error> {
        self.out.push(tag::STRUCT);
        write_str(self.out, name);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.out.push(tag::VARIANT);
        write_str(self.out, name);
        write_str(self.out, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push(tag::STRUCT);
        write_str(self.out, name);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push(tag::VARIANT);
        write_str(self.out, name);
        write_str(self.out, variant);
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>, Error> {
        self.out.push(tag::SEQ);
        match len {
            Some(n) => {
                self.out.push(0);
                write_len(self.out, n);
            }
            None => self.out.push(1),
        }
        Ok(Compound::new(self.out, len.is_none()))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        self.out.push(tag::STRUCT);
        write_str(self.out, name);
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.out.push(tag::VARIANT);
        write_str(self.out, name);
        write_str(self.out, variant);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        self.out.push(tag::MAP);
        Ok(Compound::new(self.out, false))
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        self.out.push(tag::STRUCT);
        write_str(self.out, name);
        write_len(self.out, len);
        Ok(Compound::new(self.out, true))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.out.push(tag::VARIANT);
        write_str(self.out, name);
        write_str(self.out, variant);
        write_len(self.out, len);
        Ok(Compound::new(self.out, true))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), Error> {
        // A skipped field is named as skipped: it cannot alias the next one.
        write_str(self.out, key);
        self.out.push(tag::END);
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(bytes_of(key)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("a map value came before its key".into()))?;
        self.entries.push((key, bytes_of(value)?));
        Ok(())
    }
    fn end(mut self) -> Result<(), Error> {
        // Sorted by key: the identity of a map is not the order it is walked in.
        self.entries.sort();
        write_len(self.out, self.entries.len());
        for (key, value) in &self.entries {
            self.out.extend_from_slice(key);
            self.out.extend_from_slice(value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

    fn bytes<T: Serialize>(v: &T) -> Vec<u8> {
        bytes_of(v).unwrap()
    }

    #[test]
    fn maps_are_written_in_key_order_whatever_their_walk() {
        let mut a: HashMap<String, f64> = HashMap::new();
        let mut b: BTreeMap<String, f64> = BTreeMap::new();
        for i in 0..50 {
            a.insert(format!("k{i}"), i as f64);
            b.insert(format!("k{i}"), i as f64);
        }
        assert_eq!(bytes(&a), bytes(&b));
    }

    #[test]
    fn numbers_are_written_exactly() {
        assert_ne!(bytes(&0.1f64), bytes(&(0.1f64 + f64::EPSILON / 8.0)));
        assert_ne!(bytes(&0.0f64), bytes(&-0.0f64));
        assert_eq!(bytes(&f64::NAN), bytes(&-f64::NAN));
        assert_ne!(bytes(&f64::NAN), bytes(&f64::INFINITY));
        assert_ne!(bytes(&1u32), bytes(&1i32));
    }

    #[test]
    fn neighbouring_values_cannot_run_into_each_other() {
        assert_ne!(
            bytes(&("ab".to_string(), "c".to_string())),
            bytes(&("a".to_string(), "bc".to_string()))
        );
        assert_ne!(
            bytes(&vec![vec![1u8], vec![]]),
            bytes(&vec![vec![], vec![1u8]])
        );
        assert_ne!(bytes(&Some(())), bytes(&None::<()>));
    }

    const SCENARIO: &str = r#"
[simulation]
horizon = "1h"
interval = "30m"
[[channel]]
name = "voice"
service_level = { answer_within = "20s", target = 0.8 }
patience = { dist = "exponential", mean = "3m" }
[[category]]
name = "general"
[[arrivals]]
channel = "voice"
category = "general"
rate_per_hour = 10
[[group]]
name = "agents"
agents = 2
handles = ["voice/general"]
handle_time = { dist = "lognormal", mean = "5m", cv = 0.7 }
"#;

    fn compiled(text: &str) -> crate::model::Model {
        crate::scenario::parse(text, "s.toml", "s").unwrap()
    }

    #[test]
    fn equal_models_have_one_identity_on_every_thread() {
        let model = compiled(SCENARIO);
        let id = identity(&[&model]);
        assert_eq!(id.len(), 64);
        assert_eq!(identity(&[&compiled(SCENARIO)]), id);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let m = model.clone();
                std::thread::spawn(move || identity(&[&m]))
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), id);
        }
    }

    #[test]
    fn any_changed_value_gives_another_identity() {
        let model = compiled(SCENARIO);
        let id = identity(&[&model]);
        let changed = |from: &str, to: &str| {
            assert!(SCENARIO.contains(from), "{from}");
            identity(&[&compiled(&SCENARIO.replace(from, to))])
        };
        assert_ne!(changed("agents = 2", "agents = 3"), id);
        assert_ne!(changed("cv = 0.7", "cv = 0.7000001"), id);
        assert_ne!(changed("\"lognormal\"", "\"gamma\""), id);
        assert_ne!(changed("mean = \"3m\"", "mean = \"3.001m\""), id);
        assert_ne!(changed("name = \"agents\"", "name = \"agentz\""), id);
        let mut nudged = model.clone();
        let rate = &mut nudged.streams[0].rate_per_s[0];
        *rate = f64::from_bits(rate.to_bits() + 1);
        assert_ne!(identity(&[&nudged]), id);
        assert_ne!(identity(&[&model, &model]), id);
    }
}
