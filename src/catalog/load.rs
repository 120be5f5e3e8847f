//! Parsing of the compact catalogue file (`data/iam-catalog.json`) into a [`Catalog`].
//!
//! The file is read without copying: every name and ARN pattern is a `&'static str` into the
//! embedded text, which `scripts/catalog-refresh` guarantees holds no JSON escapes.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{
    cmp_names, AccessLevel, Action, Catalog, ConditionKey, ResourceType, ResourceTypeRef, Service,
};

/// The file format version this parser reads (`meta.format`).
const FORMAT: u32 = 2;

// Everything borrows from the `'static` catalogue text, hence the `'de: 'static` bounds.

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
struct RawFile {
    meta: RawMeta,
    /// Global condition key → type code.
    global_conditions: Entries<&'static str, &'static str>,
    services: Entries<&'static str, RawService>,
}

/// The file's `meta` object.
#[derive(Deserialize)]
pub(super) struct RawMeta {
    format: u32,
    pub(super) source: &'static str,
    pub(super) source_version: &'static str,
    pub(super) data_date: &'static str,
}

#[derive(Deserialize)]
struct RawService {
    name: &'static str,
    /// Action name → `"<level letter>[,<resource type>[*]]...[;<condition index>,...]"`.
    actions: Actions,
    /// `"<type code>:<key>"`, sorted by key.
    conditions: Vec<&'static str>,
    resources: Entries<&'static str, ArnPatterns>,
}

/// A JSON object read as its entries in file order, without building a map.
struct Entries<K, V>(Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<K, V>(PhantomData<(K, V)>);

        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<K, V> {
            type Value = Entries<K, V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// A service's action map, decoded straight into [`Action`]s (in file order).
struct Actions(Vec<Action>);

impl<'de: 'static> Deserialize<'de> for Actions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ActionsVisitor;

        impl<'de: 'static> Visitor<'de> for ActionsVisitor {
            type Value = Actions;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of actions")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut actions = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((name, spec)) = map.next_entry::<&'de str, &'de str>()? {
                    let action = parse_action(name, spec)
                        .map_err(|e| serde::de::Error::custom(format!("action {name}: {e}")))?;
                    actions.push(action);
                }
                Ok(Actions(actions))
            }
        }

        deserializer.deserialize_map(ActionsVisitor)
    }
}

/// One ARN pattern as a string, or several as an array of strings.
struct ArnPatterns(Vec<&'static str>);

impl<'de: 'static> Deserialize<'de> for ArnPatterns {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PatternsVisitor;

        impl<'de: 'static> Visitor<'de> for PatternsVisitor {
            type Value = ArnPatterns;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ARN pattern string or an array of them")
            }

            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(ArnPatterns(vec![v]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut patterns = Vec::with_capacity(seq.size_hint().unwrap_or(2));
                while let Some(pattern) = seq.next_element::<&'de str>()? {
                    patterns.push(pattern);
                }
                Ok(ArnPatterns(patterns))
            }
        }

        deserializer.deserialize_any(PatternsVisitor)
    }
}

/// Parses catalogue text into a [`Catalog`] whose strings borrow from `text`.
pub(super) fn parse(text: &'static str) -> Result<Catalog, String> {
    let raw: RawFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    check_format(&raw.meta)?;
    let mut action_count = 0;
    let mut services = Vec::with_capacity(raw.services.0.len());
    for (prefix, raw_service) in raw.services.0 {
        let mut actions = raw_service.actions.0;
        actions.sort_unstable_by(|a, b| cmp_names(a.name, b.name));
        action_count += actions.len();
        let mut resource_types: Vec<ResourceType> = raw_service
            .resources
            .0
            .into_iter()
            .map(|(name, patterns)| ResourceType {
                name,
                arn_patterns: patterns.0,
            })
            .collect();
        resource_types.sort_unstable_by(|a, b| cmp_names(a.name, b.name));
        services.push(Service {
            prefix,
            name: raw_service.name,
            actions,
            resource_types,
            conditions: raw_service.conditions,
            patterns: Default::default(),
        });
    }
    services.sort_unstable_by(|a, b| cmp_names(a.prefix, b.prefix));
    let global_conditions = raw
        .global_conditions
        .0
        .into_iter()
        .map(|(name, code)| {
            ConditionKey::from_code(name, code)
                .ok_or_else(|| format!("global condition key {name}: unknown type {code:?}"))
        })
        .collect::<Result<_, _>>()?;
    Ok(Catalog {
        source: raw.meta.source,
        source_version: raw.meta.source_version,
        data_date: raw.meta.data_date,
        services,
        global_conditions,
        action_count,
    })
}

fn check_format(meta: &RawMeta) -> Result<(), String> {
    if meta.format == FORMAT {
        Ok(())
    } else {
        Err(format!(
            "catalogue format {} is not the supported format {FORMAT}",
            meta.format
        ))
    }
}

/// Reads only the `meta` object of catalogue text (its second line), for `--version` and
/// SARIF, without parsing the services.
pub(super) fn parse_meta(text: &'static str) -> Result<RawMeta, String> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("\"meta\":"))
        .ok_or("no meta line")?;
    let meta: RawMeta =
        serde_json::from_str(line.trim_end_matches(',')).map_err(|e| e.to_string())?;
    check_format(&meta)?;
    Ok(meta)
}

/// Decodes `"R,accesspointobject,object*"`: access level letter, then resource types, `*`
/// marking a required one.
fn parse_action(name: &'static str, spec: &'static str) -> Result<Action, String> {
    let (spec, conditions) = spec.split_once(';').unwrap_or((spec, ""));
    let mut fields = spec.split(',');
    let level = fields.next().unwrap_or_default();
    let access_level = level
        .chars()
        .next()
        .filter(|_| level.len() == 1)
        .and_then(AccessLevel::from_letter)
        .ok_or_else(|| format!("unknown access level {level:?}"))?;
    let resource_types = fields
        .map(|field| match field.strip_suffix('*') {
            Some(name) => ResourceTypeRef {
                name,
                required: true,
            },
            None => ResourceTypeRef {
                name: field,
                required: false,
            },
        })
        .collect();
    Ok(Action {
        name,
        access_level,
        resource_types,
        conditions,
    })
}
