//! Scalar values of the AWS grammar: a string (or a bool/number IAM reads as a string), one or
//! many of them, and the `Principal` shape.

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// One scalar as written: strings stay strings; `true`, `3600` are kept as their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
}

/// A string or a list of strings, as IAM allows for `Action`, `Resource`, principals and
/// condition values. Remembers whether it was written as a single value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StrList {
    /// The values in order.
    pub values: Vec<String>,
    /// Written as one scalar rather than a list.
    pub single: bool,
}

impl<'de> Deserialize<'de> for StrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StrList, E> {
                Ok(StrList {
                    values: vec![v.to_owned()],
                    single: true,
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<StrList, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StrList, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StrList, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<StrList, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<StrList, A::Error> {
                let mut values = Vec::new();
                while let Some(Scalar(s)) = a.next_element()? {
                    values.push(s);
                }
                Ok(StrList {
                    values,
                    single: false,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// `Principal: "*"` or `Principal: {AWS: ..., Service: ..., Federated: ..., CanonicalUser: ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `"*"`: anyone.
    Star,
    /// Principal type → values, as written.
    Typed(IndexMap<String, StrList>),
}

impl<'de> Deserialize<'de> for PrincipalSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PrincipalSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"*\" or a mapping of principal type (AWS, Service, Federated, CanonicalUser) to values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PrincipalSpec, E> {
                if v == "*" {
                    Ok(PrincipalSpec::Star)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<PrincipalSpec, A::Error> {
                let mut m = IndexMap::new();
                while let Some((k, v)) = a.next_entry::<String, StrList>()? {
                    m.insert(k, v);
                }
                Ok(PrincipalSpec::Typed(m))
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for StrList {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StrList".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A string, or a list of strings (numbers and booleans are read as their text).",
            "anyOf": [
                {"type": ["string", "number", "boolean"]},
                {"type": "array", "items": {"type": ["string", "number", "boolean"]}}
            ]
        })
    }
}

impl schemars::JsonSchema for PrincipalSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Principal".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let values = g.subschema_for::<StrList>();
        schemars::json_schema!({
            "anyOf": [
                {"const": "*"},
                {
                    "type": "object",
                    "propertyNames": {"enum": ["AWS", "Service", "Federated", "CanonicalUser"]},
                    "additionalProperties": values
                }
            ]
        })
    }
}
