//! `mappings:`: lookup tables, and the `${mappings.<Map>[<by>].<key>}` lookups that read
//! them (CloudFormation `Mappings` + `Fn::FindInMap`, a Terraform map in `locals` indexed).

use super::Lowerer;
use crate::model::template::KNOWN_PARTITIONS;
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use crate::spec::Spec;
use crate::suggest::closest;
use indexmap::IndexMap;

/// A mapping's name or key: letters and digits (CloudFormation's rule for a logical name).
pub(crate) fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An entry's name: letters, digits, `-` and `.` (a partition, a region, an account id).
pub(crate) fn valid_entry(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// What a lookup placeholder got wrong: the message and the fix.
pub(crate) type LookupError = (String, String);

impl Lowerer<'_> {
    /// Lowers every `mappings:` entry.
    pub(crate) fn mappings(&mut self, spec: &Spec, root: &YamlPath) -> IndexMap<String, Mapping> {
        let mut out = IndexMap::new();
        for (name, entries) in &spec.mappings {
            let path = root.key("mappings").key(name);
            if !valid_name(name) {
                let fixed: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
                self.error_key(
                    &rules::MAPPING,
                    &path,
                    format!("mapping name `{name}` is not letters and digits"),
                    format!("CloudFormation takes only [A-Za-z0-9] in a mapping's name: `{fixed}`"),
                );
            }
            if entries.is_empty() {
                self.error(
                    &rules::MAPPING,
                    &path,
                    format!("mapping `{name}` has no entries"),
                    "give it an entry per partition, region or parameter value (`aws: {principal: ec2.amazonaws.com}`), or remove it".into(),
                );
            }
            for (entry, keys) in entries {
                let at = path.key(entry);
                if !valid_entry(entry) {
                    self.error_key(
                        &rules::MAPPING,
                        &at,
                        format!("`{entry}` in mapping `{name}` is not letters, digits, `-` and `.`"),
                        "an entry is named like a partition (`aws-cn`), a region (`us-east-1`) or an account id".into(),
                    );
                }
                if keys.is_empty() {
                    self.error(
                        &rules::MAPPING,
                        &at,
                        format!("entry `{entry}` of mapping `{name}` has no keys"),
                        "give it the keys the other entries have, or remove it".into(),
                    );
                }
                for key in keys.keys() {
                    if !valid_name(key) {
                        self.error_key(
                            &rules::MAPPING,
                            &at.key(key),
                            format!("key `{key}` in mapping `{name}` is not letters and digits"),
                            "CloudFormation refuses other characters in a mapping's keys (`principal`, `ElbAccount`)".into(),
                        );
                    }
                }
            }
            out.insert(
                name.clone(),
                Mapping {
                    name: name.clone(),
                    entries: entries.clone(),
                    origin: path,
                },
            );
        }
        out
    }
}

/// The lookup `${mappings.<map>[<by>].<key>}` (`body` is what follows `mappings.`) against
/// the module's `mappings` and parameters.
pub(crate) fn lookup(
    body: &str,
    mappings: &IndexMap<String, Mapping>,
    params: &IndexMap<ParamName, Parameter>,
) -> Result<Part, LookupError> {
    let form = || {
        (
            format!("`${{mappings.{body}}}` is not a mapping lookup"),
            "write `${mappings.<Map>[AWS::Partition].<key>}` (or `[AWS::Region]`, `[<Parameter>]`)"
                .to_owned(),
        )
    };
    let (map, rest) = body.split_once('[').ok_or_else(form)?;
    let (by, key) = rest.split_once("].").ok_or_else(form)?;
    if map.is_empty() || by.is_empty() || key.is_empty() {
        return Err(form());
    }
    let Some(m) = mappings.get(map) else {
        let help = match closest(map, mappings.keys().map(String::as_str)) {
            Some(c) => format!("did you mean `${{mappings.{c}[{by}].{key}}}`?"),
            None => format!("declare it under `mappings:` (`{map}: {{aws: {{{key}: ...}}}}`)"),
        };
        return Err((format!("`{map}` is not a mapping of this module"), help));
    };
    let by = match by.strip_prefix("AWS::") {
        Some(_) => LookupKey::Pseudo(Pseudo::parse(by).ok_or_else(|| {
            (
                format!("`{by}` is not a pseudo parameter rolegen supports"),
                "pick the entry by `AWS::Partition`, `AWS::Region`, `AWS::AccountId`, `AWS::URLSuffix`, `AWS::StackName` or a parameter".to_owned(),
            )
        })?),
        None => match params.get(by) {
            Some(p) if matches!(p.kind, ParamKind::String | ParamKind::Number) => {
                LookupKey::Param(p.name.clone())
            }
            Some(p) => {
                return Err((
                    format!("`{by}` is a {} parameter; an entry is picked by one value", p.kind.as_str()),
                    "use a `string` parameter".into(),
                ))
            }
            None => {
                let help = match closest(by, params.keys().map(ParamName::as_str)) {
                    Some(c) => format!("did you mean `[{c}]`?"),
                    None => "pick the entry by `AWS::Partition`, `AWS::Region` or a declared `string` parameter".into(),
                };
                return Err((format!("`{by}` in `${{mappings.{body}}}` is not a declared parameter"), help));
            }
        },
    };
    let values: Vec<(String, String)> = m
        .entries
        .iter()
        .filter_map(|(e, keys)| keys.get(key).map(|v| (e.clone(), v.clone())))
        .collect();
    if values.is_empty() {
        let mut all: Vec<&str> = Vec::new();
        for k in m.entries.values().flat_map(IndexMap::keys) {
            if !all.contains(&k.as_str()) {
                all.push(k);
            }
        }
        let help = match closest(key, all.iter().copied()) {
            Some(c) => format!("did you mean `${{mappings.{map}[{}].{c}}}`?", by.as_str()),
            None => format!("its keys are: {}", all.join(", ")),
        };
        return Err((format!("mapping `{map}` has no key `{key}`"), help));
    }
    let lacking: Vec<&str> = m
        .entries
        .iter()
        .filter(|(_, keys)| !keys.contains_key(key))
        .map(|(e, _)| e.as_str())
        .collect();
    if !lacking.is_empty() {
        return Err((
            format!(
                "`{key}` is missing from the entries {} of mapping `{map}`: deploying where one of them is picked fails",
                lacking.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
            ),
            format!("give every entry of `{map}` a `{key}`"),
        ));
    }
    if matches!(by, LookupKey::Pseudo(Pseudo::Partition)) {
        if let Some(e) = m
            .entries
            .keys()
            .find(|e| !KNOWN_PARTITIONS.contains(&e.as_str()))
        {
            let help = match closest(e, KNOWN_PARTITIONS) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!(
                    "name the entry after a partition: {}",
                    KNOWN_PARTITIONS.map(|p| format!("`{p}`")).join(", ")
                ),
            };
            return Err((
                format!("mapping `{map}` is picked by `AWS::Partition` but its entry `{e}` is no partition"),
                help,
            ));
        }
    }
    Ok(Part::Lookup(Box::new(Lookup {
        map: map.to_owned(),
        by,
        key: key.to_owned(),
        values,
    })))
}
