//! Values known when the module is read: what counts as known, the elements a `for` or
//! `for_each` iterates over, one traversal step on a written value, and JSON both ways.

use super::Fail;
use crate::import::hcl::{Expr, Step, TPart};

/// A value with nothing left to evaluate: literals, and lists and objects of them.
pub(super) fn known(e: &Expr) -> bool {
    match e {
        Expr::Null | Expr::Bool(_) | Expr::Num(_) => true,
        Expr::Str(parts) => parts.iter().all(|p| matches!(p, TPart::Lit(_))),
        Expr::Tuple(items) => items.iter().all(known),
        Expr::Object(items) => items.iter().all(|(k, v)| k.literal().is_some() && known(v)),
        _ => false,
    }
}

pub(super) fn lit(s: impl Into<String>) -> Expr {
    let s = s.into();
    Expr::Str(if s.is_empty() {
        Vec::new()
    } else {
        vec![TPart::Lit(s)]
    })
}

/// The text of a known scalar, as string interpolation writes it.
pub(super) fn text(e: &Expr) -> Option<String> {
    match e {
        Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) => e.literal(),
        _ => None,
    }
}

/// An expression that is a reference Terraform cannot fail on while evaluating (a
/// variable, or a template of them): `try` may take it as its value.
pub(super) fn cannot_fail(e: &Expr) -> bool {
    match e {
        Expr::Var(root, steps) => root == "var" && matches!(steps.as_slice(), [Step::Attr(_)]),
        Expr::Str(parts) => parts.iter().all(|p| match p {
            TPart::Lit(_) => true,
            TPart::Interp(x) => cannot_fail(x),
        }),
        Expr::Tuple(items) => items.iter().all(cannot_fail),
        Expr::Object(items) => items.iter().all(|(k, v)| cannot_fail(k) && cannot_fail(v)),
        other => known(other),
    }
}

/// The elements to iterate over, `(key, value)`, of a written list or object (an object in
/// the lexical order of its keys, as Terraform iterates maps); `None` for anything else.
pub(super) fn elements(e: &Expr) -> Option<Vec<(Expr, Expr)>> {
    match e {
        Expr::Tuple(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Expr::Num(i.to_string()), v.clone()))
                .collect(),
        ),
        Expr::Object(items) => {
            let mut v: Vec<(String, Expr)> = items
                .iter()
                .map(|(k, v)| Some((k.literal()?, v.clone())))
                .collect::<Option<_>>()?;
            v.sort_by(|a, b| a.0.cmp(&b.0));
            Some(v.into_iter().map(|(k, v)| (lit(k), v)).collect())
        }
        _ => None,
    }
}

/// The member `k` of a written object: `None` when a key is not known, `Some(None)` when
/// there is no such member.
pub(super) fn member(items: &[(Expr, Expr)], k: &str) -> Option<Option<Expr>> {
    if items.iter().any(|(key, _)| key.literal().is_none()) {
        return None;
    }
    Some(
        items
            .iter()
            .rev()
            .find(|(key, _)| key.literal().as_deref() == Some(k))
            .map(|(_, v)| v.clone()),
    )
}

/// One traversal step on a value: `Ok(None)` when the value is not written out enough to
/// tell.
pub(super) fn step(v: &Expr, s: &Step) -> Result<Option<Expr>, Fail> {
    let key = match s {
        Step::Attr(a) => Some(a.clone()),
        Step::Index(i) => text(i),
        Step::Splat => return Ok(None),
    };
    match (v, key) {
        (Expr::Object(items), Some(k)) => match member(items, &k) {
            None => Ok(None),
            Some(Some(x)) => Ok(Some(x)),
            Some(None) => Err(Fail(format!("the object has no attribute `{k}`"))),
        },
        (Expr::Tuple(items), Some(k)) if matches!(s, Step::Index(_)) => {
            let i: usize = k
                .parse()
                .map_err(|_| Fail(format!("`{k}` is not a list index")))?;
            match items.get(i) {
                Some(x) => Ok(Some(x.clone())),
                None => Err(Fail(format!(
                    "index {i} is out of range (the list has {} items)",
                    items.len()
                ))),
            }
        }
        (Expr::Null, _) => Err(Fail("an attribute of null".into())),
        (x, _) if known(x) => Err(Fail("this value has no attributes or items".into())),
        _ => Ok(None),
    }
}

/// A known value as JSON (object keys sorted, as Terraform's `jsonencode` writes them).
pub(super) fn to_json(e: &Expr) -> Option<serde_json::Value> {
    use serde_json::Value as V;
    Some(match e {
        Expr::Null => V::Null,
        Expr::Bool(b) => V::Bool(*b),
        Expr::Num(n) => V::Number(n.parse().ok()?),
        Expr::Str(_) => V::String(e.literal()?),
        Expr::Tuple(items) => V::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Expr::Object(items) => {
            let mut m = serde_json::Map::new();
            let mut kv: Vec<(String, V)> = items
                .iter()
                .map(|(k, v)| Some((k.literal()?, to_json(v)?)))
                .collect::<Option<_>>()?;
            kv.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, v) in kv {
                m.insert(k, v);
            }
            V::Object(m)
        }
        _ => return None,
    })
}

pub(super) fn from_json(v: &serde_json::Value) -> Expr {
    use serde_json::Value as V;
    match v {
        V::Null => Expr::Null,
        V::Bool(b) => Expr::Bool(*b),
        V::Number(n) => Expr::Num(n.to_string()),
        V::String(s) => lit(s.clone()),
        V::Array(a) => Expr::Tuple(a.iter().map(from_json).collect()),
        V::Object(m) => Expr::Object(
            m.iter()
                .map(|(k, v)| (lit(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

/// The expression put where a value fails: no reader accepts it, so it is reported as lost.
pub(super) fn failed() -> Expr {
    Expr::Get(Box::new(Expr::Null), Vec::new())
}
