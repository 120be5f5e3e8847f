//! Semantic normal form of what a module grants, and a readable diff between two of them.
//!
//! A document becomes `{Version, Id?, Statement: [...]}` with the statements sorted (a multiset:
//! duplicates are kept). In a statement every value list is a sorted set of strings (a single
//! value equals a one-element list; numbers and booleans compare as their text), actions are
//! lower-cased (IAM matches them case-insensitively), principals are `"*"` or type → set, and
//! conditions are operator → key → set. Sid, Effect, Version and Id are kept as written.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// An object with its keys in sorted order (serialisation, and so statement order, is stable).
fn sorted(m: BTreeMap<String, Value>) -> Value {
    Value::Object(m.into_iter().collect::<Map<String, Value>>())
}

/// The text IAM compares for a scalar.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// A value list as a sorted set of strings; `f` maps each element.
fn set(v: &Value, f: impl Fn(String) -> String) -> Value {
    let items: Vec<String> = match v {
        Value::Array(a) => a.iter().map(text).collect(),
        Value::Null => Vec::new(),
        other => vec![text(other)],
    };
    let mut items: Vec<String> = items.into_iter().map(f).collect();
    items.sort();
    items.dedup();
    Value::Array(items.into_iter().map(Value::String).collect())
}

/// Any JSON with object keys sorted, recursively (for keys this module does not know).
fn deep_sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => sorted(m.iter().map(|(k, v)| (k.clone(), deep_sorted(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(deep_sorted).collect()),
        other => other.clone(),
    }
}

fn principal(v: &Value) -> Value {
    match v {
        Value::Object(m) => sorted(m.iter().map(|(k, v)| (k.clone(), set(v, |s| s))).collect()),
        other => deep_sorted(other),
    }
}

fn condition(v: &Value) -> Value {
    let Value::Object(ops) = v else {
        return deep_sorted(v);
    };
    sorted(
        ops.iter()
            .map(|(op, keys)| {
                let keys = match keys {
                    Value::Object(k) => sorted(
                        k.iter()
                            .map(|(key, vals)| (key.clone(), set(vals, |s| s)))
                            .collect(),
                    ),
                    other => deep_sorted(other),
                };
                (op.clone(), keys)
            })
            .collect(),
    )
}

/// One statement in normal form.
pub fn statement(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return deep_sorted(v);
    };
    sorted(
        m.iter()
            .map(|(k, v)| {
                let n = match k.as_str() {
                    "Action" | "NotAction" => set(v, |s| s.to_lowercase()),
                    "Resource" | "NotResource" => set(v, |s| s),
                    "Principal" | "NotPrincipal" => principal(v),
                    "Condition" => condition(v),
                    _ => deep_sorted(v),
                };
                (k.clone(), n)
            })
            .collect(),
    )
}

/// A policy document in normal form; anything that is not an object is kept as is (and will
/// show up in the diff).
pub fn document(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = BTreeMap::new();
    for (k, v) in m {
        if k == "Statement" {
            let list: Vec<Value> = match v {
                Value::Array(a) => a.iter().map(statement).collect(),
                Value::Null => Vec::new(),
                one => vec![statement(one)],
            };
            let mut keyed: Vec<(String, Value)> =
                list.into_iter().map(|s| (s.to_string(), s)).collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            out.insert(
                k.clone(),
                Value::Array(keyed.into_iter().map(|(_, s)| s).collect()),
            );
        } else {
            out.insert(k.clone(), deep_sorted(v));
        }
    }
    sorted(out)
}

/// A whole resolved module (`{"roles", "policies", "kms_keys"}`) in normal form: every document
/// normalised, attached ARNs sorted (a multiset), everything else with sorted keys.
pub fn module(v: &Value) -> Value {
    let mut v = deep_sorted(v);
    if let Some(Value::Object(roles)) = v.get_mut("roles") {
        for role in roles.values_mut() {
            if let Some(t) = role.get_mut("trust") {
                *t = document(t);
            }
            if let Some(Value::Object(inline)) = role.get_mut("inline") {
                for d in inline.values_mut() {
                    *d = document(d);
                }
            }
            if let Some(Value::Array(arns)) = role.get_mut("managed") {
                arns.sort_by_key(text);
            }
        }
    }
    if let Some(Value::Object(ps)) = v.get_mut("policies") {
        for p in ps.values_mut() {
            if let Some(d) = p.get_mut("document") {
                *d = document(d);
            }
        }
    }
    if let Some(Value::Object(ks)) = v.get_mut("kms_keys") {
        for d in ks.values_mut() {
            *d = document(d);
        }
    }
    v
}

fn show(v: &Value) -> String {
    v.to_string()
}

/// Differences between two normalised values, one line each, with the JSON path.
pub fn diff(a: &Value, b: &Value, a_name: &str, b_name: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk("", a, b, a_name, b_name, &mut out);
    out
}

fn walk(path: &str, a: &Value, b: &Value, an: &str, bn: &str, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    let at = if path.is_empty() { "(root)" } else { path };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(w)) => walk(&p, u, w, an, bn, out),
                    (Some(u), None) => out.push(format!("{p}: only in {an}: {}", show(u))),
                    (None, Some(w)) => out.push(format!("{p}: only in {bn}: {}", show(w))),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            // Multiset difference: normalised arrays are sets or sorted multisets.
            let mut rest: Vec<&Value> = y.iter().collect();
            let mut only_a: Vec<&Value> = Vec::new();
            for u in x {
                match rest.iter().position(|w| *w == u) {
                    Some(i) => {
                        rest.remove(i);
                    }
                    None => only_a.push(u),
                }
            }
            // A statement changed in place: show the fields that differ, not two whole blobs.
            let pair = match (only_a.as_slice(), rest.as_slice()) {
                ([u], [w]) if u.is_object() && w.is_object() => Some((*u, *w)),
                _ => None,
            };
            for u in &only_a {
                out.push(format!("{at}: only in {an}: {}", show(u)));
            }
            for w in &rest {
                out.push(format!("{at}: only in {bn}: {}", show(w)));
            }
            if let Some((u, w)) = pair {
                let label = u
                    .get("Sid")
                    .and_then(Value::as_str)
                    .map(|s| format!("[Sid {s}]"))
                    .unwrap_or_else(|| "[the differing element]".into());
                walk(&format!("{at}{label}"), u, w, an, bn, out);
            }
        }
        _ => out.push(format!("{at}: {an} = {}, {bn} = {}", show(a), show(b))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forms_that_mean_the_same_compare_equal() {
        let a = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "S3:GetObject", "Resource": ["b", "a", "a"]},
            {"Effect": "Deny", "Action": ["s3:*"], "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": false}}},
        ]});
        let b = json!({"Statement": [
            {"Resource": "*", "Effect": "Deny", "Action": "s3:*",
             "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}},
            {"Action": ["s3:getobject"], "Resource": ["a", "b"], "Effect": "Allow"},
        ], "Version": "2012-10-17"});
        assert_eq!(document(&a), document(&b));
        let c = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["a"]},
        ]});
        assert_ne!(document(&a), document(&c));
        assert!(!diff(&document(&a), &document(&c), "x", "y").is_empty());
    }

    #[test]
    fn principal_star_differs_from_aws_star_and_duplicates_count() {
        let s1 = json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"});
        let s2 = json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"});
        assert_ne!(statement(&s1), statement(&s2));
        let one = json!({"Version": "1", "Statement": [s1.clone()]});
        let two = json!({"Version": "1", "Statement": [s1.clone(), s1]});
        assert_ne!(document(&one), document(&two));
    }
}
