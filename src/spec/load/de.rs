//! A serde deserializer over the fast parser's [`Tree`] that follows serde_yaml_ng's rules
//! for untagged YAML (how plain scalars resolve to null, booleans and numbers; what an
//! option, a sequence or a map accepts). Its errors carry no message: the caller then parses
//! again with serde_yaml_ng for the real one.

use crate::source::{NodeKind, Tree};
use crate::spec::{RoleSpec, Spec};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// Roles from this many on are deserialized on two threads.
const PARALLEL_ROLES_MIN: usize = 512;

/// The spec of a tree. A large `roles:` mapping is read apart from the rest, half of it on
/// a second thread, and put in place in order: the same spec `Spec::deserialize` makes.
pub fn spec(tree: &Tree, text: &str) -> Result<Spec> {
    let root = De::root(tree, text);
    let entries = tree.children(Tree::ROOT);
    let roles_at = (root.kind() == NodeKind::Map)
        .then(|| {
            entries
                .chunks_exact(2)
                .position(|e| tree.scalar(text, e[0]) == "roles")
        })
        .flatten();
    let Some(i) = roles_at.filter(|&i| {
        let roles = tree.node(entries[2 * i + 1]);
        roles.kind == NodeKind::Map
            && tree.children(entries[2 * i + 1]).len() / 2 >= PARALLEL_ROLES_MIN
    }) else {
        return Spec::deserialize(root);
    };
    let rest: Vec<u32> = entries
        .chunks_exact(2)
        .enumerate()
        .filter(|(j, _)| *j != i)
        .flat_map(|(_, e)| e.iter().copied())
        .collect();
    let roles = tree.children(entries[2 * i + 1]);
    let read = |part: &[u32]| -> Result<Vec<(String, RoleSpec)>> {
        part.chunks_exact(2)
            .map(|e| {
                Ok((
                    String::deserialize(root.at(e[0]))?,
                    RoleSpec::deserialize(root.at(e[1]))?,
                ))
            })
            .collect()
    };
    let half = roles.len() / 4 * 2;
    let (mut spec, first, second) = std::thread::scope(|s| {
        let later = s.spawn(|| read(&roles[half..]));
        let first = read(&roles[..half]);
        let spec = Spec::deserialize(De {
            root_entries: Some(&rest),
            ..root
        });
        let second = later.join().unwrap_or(Err(Error));
        (spec, first, second)
    });
    let spec_roles = &mut spec.as_mut().map_err(|_| Error)?.roles;
    spec_roles.reserve(roles.len() / 2);
    for (k, v) in first?.into_iter().chain(second?) {
        spec_roles.insert(k, v);
    }
    spec
}

/// Any failure; the caller falls back to serde_yaml_ng.
#[derive(Debug)]
pub struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("not read by the fast path")
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Error
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Deserializes one node.
#[derive(Clone, Copy)]
pub(crate) struct De<'a> {
    tree: &'a Tree,
    text: &'a str,
    node: u32,
    /// The root mapping's entries to show instead of all of them.
    root_entries: Option<&'a [u32]>,
}

impl<'a> De<'a> {
    /// The document's root.
    pub fn root(tree: &'a Tree, text: &'a str) -> Self {
        De {
            tree,
            text,
            node: Tree::ROOT,
            root_entries: None,
        }
    }

    fn at(self, node: u32) -> Self {
        De {
            node,
            root_entries: None,
            ..self
        }
    }

    fn kind(self) -> NodeKind {
        self.tree.node(self.node).kind
    }

    fn value(self) -> &'a str {
        self.tree.scalar(self.text, self.node)
    }

    /// The text of a plain scalar, or None.
    fn plain(self) -> Option<&'a str> {
        (self.kind() == NodeKind::Plain).then(|| self.value())
    }

    fn seq<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let mut access = Seq {
            de: self,
            items: self.tree.children(self.node),
            next: 0,
        };
        let v = visitor.visit_seq(&mut access)?;
        // serde_yaml_ng fails when a visitor leaves elements unread.
        if access.next != access.items.len() {
            return Err(Error);
        }
        Ok(v)
    }

    fn map<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let entries = match self.root_entries {
            Some(e) if self.node == Tree::ROOT => e,
            _ => self.tree.children(self.node),
        };
        let mut access = Map {
            de: self,
            entries,
            next: 0,
        };
        let v = visitor.visit_map(&mut access)?;
        if access.next != access.entries.len() {
            return Err(Error);
        }
        Ok(v)
    }
}

struct Seq<'a> {
    de: De<'a>,
    items: &'a [u32],
    next: usize,
}

impl<'de> de::SeqAccess<'de> for Seq<'_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(&item) = self.items.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(self.de.at(item)).map(Some)
    }
    fn size_hint(&self) -> Option<usize> {
        // serde_yaml_ng gives no hint; keep capacities (and so behaviour) alike.
        None
    }
}

/// `entries` are key, value, key, value, ...; `next` indexes them.
struct Map<'a> {
    de: De<'a>,
    entries: &'a [u32],
    next: usize,
}

impl<'de> de::MapAccess<'de> for Map<'_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(&key) = self.entries.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(self.de.at(key)).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let &value = self.entries.get(self.next).ok_or(Error)?;
        self.next += 1;
        seed.deserialize(self.de.at(value))
    }
}

/// A unit variant named by a scalar (`type: string`).
struct UnitVariant<'a>(De<'a>);

impl<'de> de::EnumAccess<'de> for UnitVariant<'_> {
    type Error = Error;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        Ok((seed.deserialize(self.0)?, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_> {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value> {
        Err(Error)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Error)
    }
    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(Error)
    }
}

macro_rules! via {
    ($($method:ident => $target:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            self.$target(visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.kind() {
            NodeKind::Map => self.map(visitor),
            NodeKind::Seq => self.seq(visitor),
            NodeKind::Quoted => visitor.visit_str(self.value()),
            NodeKind::Plain => visit_untagged_scalar(visitor, self.value()),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.plain().and_then(parse_bool) {
            Some(b) => visitor.visit_bool(b),
            None => Err(Error),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self
            .plain()
            .and_then(|v| parse_signed_int(v, i64::from_str_radix))
        {
            Some(n) => visitor.visit_i64(n),
            None => Err(Error),
        }
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self
            .plain()
            .and_then(|v| parse_signed_int(v, i128::from_str_radix))
        {
            Some(n) => visitor.visit_i128(n),
            None => Err(Error),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self
            .plain()
            .and_then(|v| parse_unsigned_int(v, u64::from_str_radix))
        {
            Some(n) => visitor.visit_u64(n),
            None => Err(Error),
        }
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self
            .plain()
            .and_then(|v| parse_unsigned_int(v, u128::from_str_radix))
        {
            Some(n) => visitor.visit_u128(n),
            None => Err(Error),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.plain().and_then(parse_f64) {
            Some(n) => visitor.visit_f64(n),
            None => Err(Error),
        }
    }

    via! {
        deserialize_i8 => deserialize_i64,
        deserialize_i16 => deserialize_i64,
        deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64,
        deserialize_u32 => deserialize_u64,
        deserialize_f32 => deserialize_f64,
        deserialize_char => deserialize_str,
        deserialize_string => deserialize_str,
        deserialize_identifier => deserialize_str,
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.kind() {
            NodeKind::Plain | NodeKind::Quoted => visitor.visit_str(self.value()),
            _ => Err(Error),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(Error)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(Error)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.plain() {
            Some(v) if is_null(v) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.plain() {
            Some(v) if is_null(v) => visitor.visit_unit(),
            _ => Err(Error),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.kind() {
            NodeKind::Seq => self.seq(visitor),
            // An empty plain scalar would read as an empty sequence; the fast parser
            // never produces one.
            _ => Err(Error),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.kind() {
            NodeKind::Map => self.map(visitor),
            _ => Err(Error),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.kind() {
            NodeKind::Plain | NodeKind::Quoted => visitor.visit_enum(UnitVariant(self)),
            _ => Err(Error),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

impl<'de> IntoDeserializer<'de, Error> for De<'_> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

// Scalar resolution, as serde_yaml_ng 0.10 `de.rs` does it for untagged plain scalars
// (copied so both paths agree exactly).

fn is_null(v: &str) -> bool {
    v.is_empty() || matches!(v, "null" | "Null" | "NULL" | "~")
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

type Radix<T> = fn(&str, u32) -> std::result::Result<T, std::num::ParseIntError>;

fn parse_unsigned_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) {
        return None;
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_signed_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
        if let Some(rest) = scalar
            .strip_prefix('-')
            .and_then(|r| r.strip_prefix(prefix))
        {
            let negative = format!("-{rest}");
            if let Ok(int) = from_str_radix(&negative, radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            let negative = format!("-{rest}");
            if let Ok(int) = from_str_radix(&negative, radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    if let Ok(float) = unpositive.parse::<f64>() {
        if float.is_finite() {
            return Some(float);
        }
    }
    None
}

/// Whether a scalar can be read as a number at all: every form the parsers above accept
/// (decimal, `0x`/`0o`/`0b`, floats, `.inf`, `.nan`, signed or not) starts with a digit, a
/// sign or a dot. Most scalars of a spec are names and ARNs: they skip the parsers.
fn may_be_number(scalar: &str) -> bool {
    matches!(
        scalar.as_bytes().first(),
        Some(b'0'..=b'9' | b'+' | b'-' | b'.')
    )
}

fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

fn visit_untagged_scalar<'de, V: Visitor<'de>>(visitor: V, v: &str) -> Result<V::Value> {
    if is_null(v) {
        return visitor.visit_unit();
    }
    if let Some(b) = parse_bool(v) {
        return visitor.visit_bool(b);
    }
    if !may_be_number(v) {
        return visitor.visit_str(v);
    }
    if let Some(int) = parse_unsigned_int(v, u64::from_str_radix) {
        return visitor.visit_u64(int);
    }
    if let Some(int) = parse_negative_int(v, i64::from_str_radix) {
        return visitor.visit_i64(int);
    }
    if let Some(int) = parse_unsigned_int(v, u128::from_str_radix) {
        return visitor.visit_u128(int);
    }
    if let Some(int) = parse_negative_int(v, i128::from_str_radix) {
        return visitor.visit_i128(int);
    }
    if !digits_but_not_number(v) {
        if let Some(f) = parse_f64(v) {
            return visitor.visit_f64(f);
        }
    }
    visitor.visit_str(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`may_be_number`] is only a shortcut: a scalar it rejects is no number to any parser.
    #[test]
    fn what_may_not_be_a_number_parses_as_none() {
        let alphabet: Vec<char> = "0123456789+-._xobeEiInNfaA:/ ${}".chars().collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rejected = 0;
        for word in ["inf", "nan", "Infinity", "NaN", "e5", "x10", " 1", "_1"] {
            assert!(!may_be_number(word));
            assert!(parse_f64(word).is_none(), "{word}");
        }
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = 1 + (seed % 6) as usize;
            let s: String = (0..len)
                .map(|i| alphabet[((seed >> (8 + 6 * i)) % alphabet.len() as u64) as usize])
                .collect();
            if may_be_number(&s) {
                continue;
            }
            rejected += 1;
            assert!(
                parse_unsigned_int(&s, u64::from_str_radix).is_none(),
                "{s:?}"
            );
            assert!(
                parse_negative_int(&s, i64::from_str_radix).is_none(),
                "{s:?}"
            );
            assert!(
                parse_unsigned_int(&s, u128::from_str_radix).is_none(),
                "{s:?}"
            );
            assert!(
                parse_negative_int(&s, i128::from_str_radix).is_none(),
                "{s:?}"
            );
            assert!(parse_f64(&s).is_none(), "{s:?}");
        }
        assert!(rejected > 50_000, "{rejected}");
    }
}
