//! Values picked at deploy time that the spec can write: `Fn::Select` of `Fn::Split` over a
//! parameter (a piece, `${split("d", X)[i]}`) and `Fn::FindInMap` keyed by a parameter or
//! pseudo parameter (a mapping lookup).

use super::*;
use crate::model::{Lookup, LookupKey, Piece};

impl Cx<'_> {
    /// `Fn::Select [i, Fn::Split [d, !Ref X]]`, X a pseudo parameter or a `String`
    /// parameter, as the spec's piece `${split("d", X)[i]}` when the spec can write the
    /// delimiter (not empty, no `"` or `}`) and the parameter's default and allowed values
    /// have the piece (the spec refuses one without it). `None` when it cannot (the caller
    /// then takes the value as a new parameter).
    pub(super) fn select_piece(&self, index: usize, list: &N) -> Option<Template> {
        let ("Fn::Split", arg, _) = list.as_fn()? else {
            return None;
        };
        let N::Seq(v) = arg else { return None };
        let [d, src] = v.as_slice() else {
            return None;
        };
        let (N::Str(delim), ("Ref", r, _)) = (d, src.as_fn()?) else {
            return None;
        };
        if delim.is_empty() || delim.contains(['"', '}']) {
            return None;
        }
        let r = r.literal()?;
        let x = Piece {
            of: match Pseudo::parse(&r) {
                Some(p) => LookupKey::Pseudo(p),
                None if self.kinds.get(&r) == Some(&ParamKind::String) => {
                    LookupKey::Param(ParamName(r.clone()))
                }
                None => return None,
            },
            delim: delim.clone(),
            index,
        };
        if let Some(decl) = self.root.get("Parameters").and_then(|p| p.get(&r)) {
            let mut known: Vec<String> = decl
                .get("Default")
                .and_then(N::literal)
                .into_iter()
                .collect();
            if let Some(N::Seq(allowed)) = decl.get("AllowedValues") {
                known.extend(allowed.iter().filter_map(N::literal));
            }
            if known.iter().any(|v| x.of_value(v).is_none()) {
                return None;
            }
        }
        Some(Template {
            parts: vec![Part::Piece(Box::new(x))],
        })
    }

    /// `Fn::FindInMap [Map, !Ref X, key]`, X a pseudo parameter or a `String`/`Number`
    /// parameter, as the spec's lookup `${mappings.Map[X].key}` when the spec can hold the
    /// mapping (names it takes, every entry with `key` as text, a partition mapping's entries
    /// partitions); the mapping's text values are copied into the spec's `mappings:`. `None`
    /// when it cannot (the caller then takes the value as a new parameter).
    pub(super) fn map_lookup(&mut self, arg: &N) -> Option<Template> {
        let N::Seq(v) = arg else { return None };
        let [m, by, key] = v.as_slice() else {
            return None;
        };
        let (map, key) = (m.literal()?, key.literal()?);
        let ("Ref", r, _) = by.as_fn()? else {
            return None;
        };
        let r = r.literal()?;
        let by = match Pseudo::parse(&r) {
            Some(p) => LookupKey::Pseudo(p),
            None => match self.kinds.get(&r)? {
                ParamKind::String | ParamKind::Number => LookupKey::Param(ParamName(r)),
                _ => return None,
            },
        };
        let N::Map(entries) = self.root.get("Mappings")?.get(&map)? else {
            return None;
        };
        // The entries and their text values the spec can hold.
        let mut table: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for (e, keys) in entries {
            let N::Map(keys) = keys else { return None };
            let text: Vec<(String, String)> = keys
                .iter()
                .filter(|(k, _)| crate::lower::valid_mapping_key(k))
                .filter_map(|(k, v)| Some((k.clone(), v.literal()?)))
                .collect();
            if !text.iter().any(|(k, _)| *k == key) {
                // An entry without the key (or with a list there): the lookup fails there.
                return None;
            }
            table.push((e.clone(), text));
        }
        let names_ok = crate::lower::valid_mapping_name(&map)
            && !table.is_empty()
            && table
                .iter()
                .all(|(e, _)| crate::lower::valid_mapping_entry(e))
            && (by != LookupKey::Pseudo(Pseudo::Partition)
                || table
                    .iter()
                    .all(|(e, _)| crate::model::template::KNOWN_PARTITIONS.contains(&e.as_str())));
        if !names_ok {
            return None;
        }
        let values = table
            .iter()
            .filter_map(|(e, keys)| {
                let v = keys.iter().find(|(k, _)| *k == key)?;
                Some((e.clone(), v.1.clone()))
            })
            .collect();
        self.mappings.insert(map.clone(), table);
        Some(Template {
            parts: vec![Part::Lookup(Box::new(Lookup {
                map,
                by,
                key,
                values,
            }))],
        })
    }

    /// True if the mapping `Fn::FindInMap` names has a list value.
    pub(super) fn map_has_lists(&self, arg: &N) -> bool {
        let name = match arg {
            N::Seq(v) => v.first().and_then(N::literal),
            _ => None,
        };
        let Some(N::Map(top)) = name.and_then(|m| self.root.get("Mappings")?.get(&m)) else {
            return false;
        };
        top.iter().any(|(_, second)| match second {
            N::Map(m) => m.iter().any(|(_, v)| matches!(v, N::Seq(_))),
            _ => false,
        })
    }
}
