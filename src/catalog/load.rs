//! Parsing of the compact catalogue file (`data/iam-catalog.json`) into a [`Catalog`].
//!
//! The file is read without copying: every name and ARN pattern is a `&'static str` into the
//! embedded text, which `scripts/catalog-refresh` guarantees holds no JSON escapes. [`parse`]
//! reads the outline by lines and keeps each service's object as text; [`parse_service`]
//! reads one when it is first asked about.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{
    cmp_names, AccessLevel, Action, Body, Catalog, ConditionKey, ResourceType, ResourceTypeRef,
    Service,
};

/// The file format version this parser reads (`meta.format`).
const FORMAT: u32 = 2;

// Everything borrows from the `'static` catalogue text, hence the `'de: 'static` bounds.

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
/// Reads the outline of catalogue text: its global condition keys and meta, and each service's
/// object as text. The file has one service per line (`scripts/catalog-refresh` writes it so,
/// its format says so), so the outline is found by lines, without reading the services' JSON:
/// that is most of the text, and a module asks about a few of its 400-odd services.
pub(super) fn parse(text: &'static str) -> Result<Catalog, String> {
    let mut lines = text.lines();
    let mut line = |key: &str| {
        lines
            .next()
            .and_then(|l| l.strip_prefix(key))
            .ok_or_else(|| format!("the line of {key} is missing"))
    };
    let global = line("{\"global_conditions\":")?;
    let global: Entries<&'static str, &'static str> =
        serde_json::from_str(global.strip_suffix(',').unwrap_or(global))
            .map_err(|e| format!("global_conditions: {e}"))?;
    let meta = line("\"meta\":")?;
    let meta: RawMeta = serde_json::from_str(meta.strip_suffix(',').unwrap_or(meta))
        .map_err(|e| format!("meta: {e}"))?;
    check_format(&meta)?;
    if !line("\"services\":{")?.is_empty() {
        return Err("`\"services\":{` is not alone on its line".into());
    }
    let mut services = Vec::new();
    let mut closed = false;
    for l in lines {
        if closed {
            return Err(format!("text after the end: {l:?}"));
        }
        if l == "}}" {
            closed = true;
            continue;
        }
        let entry = l.strip_suffix(',').unwrap_or(l);
        let (prefix, raw) = entry
            .strip_prefix('"')
            .and_then(|e| e.split_once("\":"))
            .filter(|(p, raw)| {
                !p.contains(['"', '\\']) && raw.starts_with('{') && raw.ends_with('}')
            })
            .ok_or_else(|| format!("not a service line: {:?}", &l[..l.len().min(60)]))?;
        services.push(Service {
            prefix,
            raw,
            body: Default::default(),
            patterns: Default::default(),
        });
    }
    if !closed {
        return Err("the services are not closed (`}}`)".into());
    }
    services.sort_unstable_by(|a, b| cmp_names(a.prefix, b.prefix));
    let global_conditions = global
        .0
        .into_iter()
        .map(|(name, code)| {
            ConditionKey::from_code(name, code)
                .ok_or_else(|| format!("global condition key {name}: unknown type {code:?}"))
        })
        .collect::<Result<_, _>>()?;
    Ok(Catalog {
        source: meta.source,
        source_version: meta.source_version,
        data_date: meta.data_date,
        services,
        global_conditions,
        action_count: Default::default(),
    })
}

/// Reads every service's object of an outline, as the first questions would: the first error.
#[cfg(test)]
pub(super) fn check_services(c: &Catalog) -> Result<(), String> {
    c.services.iter().try_for_each(|s| {
        parse_service(s.raw)
            .map(drop)
            .map_err(|e| format!("service {}: {e}", s.prefix))
    })
}

/// Reads one service's object (kept as text by [`parse`]).
pub(super) fn parse_service(text: &'static str) -> Result<Body, String> {
    let raw: RawService = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut actions = raw.actions.0;
    actions.sort_unstable_by(|a, b| cmp_names(a.name, b.name));
    let mut resource_types: Vec<ResourceType> = raw
        .resources
        .0
        .into_iter()
        .map(|(name, patterns)| ResourceType {
            name,
            arn_patterns: patterns.0,
        })
        .collect();
    resource_types.sort_unstable_by(|a, b| cmp_names(a.name, b.name));
    Ok(Body {
        name: raw.name,
        actions,
        resource_types,
        conditions: raw.conditions,
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
