//! Canonical key order, read from the spec's JSON Schema (the serde structs' field order).
//!
//! A mapping is reordered only where the schema describes a struct (`properties`) that knows
//! every key the mapping has; maps keyed by the user (`roles`, `parameters`, `tags`,
//! `inline_policies`, condition operators and keys, principals: `additionalProperties`) and
//! anything the schema does not describe keep their order. One deliberate exception to the
//! field order: in a policy statement `Principal`/`NotPrincipal` come right after `Effect`,
//! as AWS documents them and as `rolegen import` writes them.

use super::tree::{Doc, Value};
use serde_json::Value as J;
use std::sync::OnceLock;

fn schema() -> &'static J {
    static SCHEMA: OnceLock<J> = OnceLock::new();
    SCHEMA.get_or_init(|| schemars::schema_for!(crate::spec::Spec).to_value())
}

static NULL: J = J::Null;

fn resolve(s: &'static J) -> &'static J {
    match s
        .get("$ref")
        .and_then(J::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => schema()
            .get("$defs")
            .and_then(|d| d.get(name))
            .map_or(&NULL, resolve),
        None => s,
    }
}

/// The alternatives of a schema (`anyOf`/`oneOf` flattened, `$ref`s resolved).
fn alternatives(s: &'static J, out: &mut Vec<&'static J>) {
    let s = resolve(s);
    let mut split = false;
    for k in ["anyOf", "oneOf"] {
        if let Some(a) = s.get(k).and_then(J::as_array) {
            split = true;
            for x in a {
                alternatives(x, out);
            }
        }
    }
    if !split {
        out.push(s);
    }
}

fn alts(s: &'static J) -> Vec<&'static J> {
    let mut v = Vec::new();
    alternatives(s, &mut v);
    v
}

/// The canonical order of a mapping with `keys` at schema `s`, if `s` is a struct that
/// knows them all.
pub(crate) fn order(s: &'static J, keys: &[String]) -> Option<Vec<&'static str>> {
    for a in alts(s) {
        let Some(props) = a.get("properties").and_then(J::as_object) else {
            continue;
        };
        if keys.iter().all(|k| props.contains_key(k)) {
            let mut v: Vec<&'static str> = props.keys().map(String::as_str).collect();
            if v.contains(&"Effect") && v.contains(&"Principal") {
                v.retain(|k| !matches!(*k, "Principal" | "NotPrincipal"));
                let at = v.iter().position(|k| *k == "Effect").map_or(0, |i| i + 1);
                v.splice(at..at, ["Principal", "NotPrincipal"]);
            }
            return Some(v);
        }
    }
    None
}

/// The schema of the value under `key`.
fn child(s: &'static J, key: &str) -> Option<&'static J> {
    let a = alts(s);
    a.iter()
        .find_map(|x| x.get("properties").and_then(|p| p.get(key)))
        .or_else(|| {
            a.iter()
                .find_map(|x| x.get("additionalProperties").filter(|p| p.is_object()))
        })
}

/// The schema of a sequence's items.
fn items(s: &'static J) -> Option<&'static J> {
    alts(s).into_iter().find_map(|x| x.get("items"))
}

/// A key as the schema names it: plain keys as written, simple quoted keys unquoted; `None`
/// for keys with an anchor, tag or escape.
fn decode(key: &str) -> Option<String> {
    if let Some(inner) = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        return (!inner.contains('\\')).then(|| inner.to_owned());
    }
    if let Some(inner) = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    (!key.starts_with(['&', '!', '*'])).then(|| key.to_owned())
}

/// Sorts every struct mapping of the document into canonical key order.
pub(crate) fn reorder(doc: &mut Doc) {
    if let Some(v) = &mut doc.root {
        value(v, Some(schema()));
    }
}

fn value(v: &mut Value, s: Option<&'static J>) {
    let Value::Block { block, .. } = v else {
        return;
    };
    if block.seq {
        let it = s.and_then(items);
        for e in &mut block.entries {
            value(&mut e.value, it);
        }
        return;
    }
    let keys: Option<Vec<String>> = block
        .entries
        .iter()
        .map(|e| e.key.as_deref().and_then(decode))
        .collect();
    if let (Some(s), Some(keys)) = (s, keys) {
        if let Some(ord) = order(s, &keys) {
            let rank = |k: &str| ord.iter().position(|o| *o == k).unwrap_or(usize::MAX);
            block.entries.sort_by_key(|e| {
                e.key
                    .as_deref()
                    .and_then(decode)
                    .map_or(usize::MAX, |k| rank(&k))
            });
        }
    }
    for e in &mut block.entries {
        let cs = match (s, e.key.as_deref().and_then(decode)) {
            (Some(s), Some(k)) => child(s, &k),
            _ => None,
        };
        value(&mut e.value, cs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn orders_follow_the_spec_structs() {
        let top = order(schema(), &keys(&["roles", "module"])).unwrap();
        assert_eq!(
            top,
            [
                "module",
                "description",
                "deviations",
                "adopt",
                "moved",
                "allow",
                "hatches",
                "outputs",
                "parameters",
                "conditions",
                "mappings",
                "roles",
                "policies",
                "kms_keys",
                "oidc_providers"
            ]
        );
        let role = child(schema(), "roles")
            .and_then(|r| child(r, "any-role-id"))
            .unwrap();
        let o = order(role, &keys(&["trust", "name"])).unwrap();
        assert_eq!(&o[..4], ["name", "name_prefix", "path", "description"]);
        // A role's switch and suppressions sit with its header, before trust and policies.
        let at = |k: &str| o.iter().position(|x| *x == k).unwrap();
        assert_eq!(at("allow"), at("when") + 1);
        assert!(at("allow") < at("trust"));
        assert_eq!(at("hatches"), at("allow") + 1);
        let doc = child(role, "inline_policies")
            .and_then(|p| child(p, "any-policy-name"))
            .unwrap();
        let st = child(doc, "Statement").and_then(items).unwrap();
        let o = order(st, &keys(&["Effect"])).unwrap();
        assert_eq!(&o[..9], crate::spec::STATEMENT_KEYS);
        assert_eq!(&o[9..], ["when", "allow", "deviations"]);
        // A statement written as one mapping (not a list) is ordered the same way.
        let one = child(doc, "Statement").unwrap();
        assert_eq!(order(one, &keys(&["Effect"])).unwrap(), o);
        // User-named maps and unknown keys are never ordered.
        assert!(order(child(schema(), "roles").unwrap(), &keys(&["b", "a"])).is_none());
        assert!(order(schema(), &keys(&["module", "x-extra"])).is_none());
        let cond = child(st, "Condition").unwrap();
        assert!(order(cond, &keys(&["StringEquals"])).is_none());
    }
}
