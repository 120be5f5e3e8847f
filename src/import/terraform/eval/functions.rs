//! Terraform's common functions on evaluated arguments (`concat`, `flatten`, `format`,
//! `join`, `merge`, `lookup`, `jsonencode`, …) and the string templates `format` and
//! `join` build when an argument is not known.

use super::values::{from_json, known, lit, member, text, to_json};
use super::Fail;
use crate::import::hcl::{Expr, TPart};

/// A function on evaluated arguments: `Ok(None)` when they are not known enough.
pub(super) fn apply(f: &str, args: &[Expr]) -> Result<Option<Expr>, Fail> {
    let all_known = args.iter().all(known);
    Ok(match (f, args) {
        ("concat", _) => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Expr::Tuple(items) => out.extend(items.iter().cloned()),
                    _ => return Ok(None),
                }
            }
            Some(Expr::Tuple(out))
        }
        ("flatten", [Expr::Tuple(items)]) => {
            fn flat(items: &[Expr], out: &mut Vec<Expr>) -> bool {
                for i in items {
                    match i {
                        Expr::Tuple(inner) => {
                            if !flat(inner, out) {
                                return false;
                            }
                        }
                        Expr::Str(_)
                        | Expr::Num(_)
                        | Expr::Bool(_)
                        | Expr::Null
                        | Expr::Object(_) => out.push(i.clone()),
                        _ => return false,
                    }
                }
                true
            }
            let mut out = Vec::new();
            flat(items, &mut out).then_some(Expr::Tuple(out))
        }
        ("distinct", [Expr::Tuple(items)]) if all_known => Some(Expr::Tuple(distinct(items))),
        ("compact", [Expr::Tuple(items)]) if all_known => Some(Expr::Tuple(
            items
                .iter()
                .filter(|i| !matches!(i, Expr::Null) && i.literal().as_deref() != Some(""))
                .cloned()
                .collect(),
        )),
        ("tolist", [x @ Expr::Tuple(_)]) => Some(x.clone()),
        // A set of strings: distinct, in lexical order when every string is known (a
        // template's place in that order is not known; attachments do not depend on it).
        ("toset", [Expr::Tuple(items)]) if items.iter().all(|x| matches!(x, Expr::Str(_))) => {
            let mut v = distinct(items);
            if v.iter().all(known) {
                v.sort_by_key(Expr::literal);
            }
            Some(Expr::Tuple(v))
        }
        ("toset", [Expr::Tuple(items)]) if all_known => Some(Expr::Tuple(distinct(items))),
        ("tostring", [x]) => text(x).map(lit),
        ("element", [Expr::Tuple(items), Expr::Num(n)]) => {
            let n: usize = n
                .parse()
                .map_err(|_| Fail(format!("`element` index `{n}` is not a whole number")))?;
            if items.is_empty() {
                return Err(Fail("`element` of an empty list".into()));
            }
            Some(items[n % items.len()].clone())
        }
        ("length", [Expr::Tuple(v)]) => Some(Expr::Num(v.len().to_string())),
        ("length", [Expr::Object(v)]) => Some(Expr::Num(v.len().to_string())),
        ("format", [fmt, rest @ ..]) => match fmt.literal() {
            Some(fmt) => format(&fmt, rest)?,
            None => None,
        },
        ("join", [sep, lists @ ..]) if !lists.is_empty() => {
            let Some(sep) = sep.literal() else {
                return Ok(None);
            };
            let mut parts = Vec::new();
            for l in lists {
                let Expr::Tuple(items) = l else {
                    return Ok(None);
                };
                for i in items {
                    if !parts.is_empty() {
                        parts.push(Expr::Str(vec![TPart::Lit(sep.clone())]));
                    }
                    match i {
                        Expr::Tuple(_) | Expr::Object(_) | Expr::Null => {
                            return Err(Fail("`join` of something other than strings".into()))
                        }
                        // A list variable among the items: not a string.
                        Expr::Var(..)
                        | Expr::Call(..)
                        | Expr::ForTuple { .. }
                        | Expr::Get(..)
                        | Expr::Cond(..) => return Ok(None),
                        other => parts.push(other.clone()),
                    }
                }
            }
            Some(template(parts))
        }
        ("merge", _) => {
            let mut out: Vec<(Expr, Expr)> = Vec::new();
            for a in args {
                match a {
                    Expr::Null => {}
                    Expr::Object(items) if items.iter().all(|(k, _)| k.literal().is_some()) => {
                        for (k, v) in items {
                            match out.iter_mut().find(|(x, _)| x.literal() == k.literal()) {
                                Some(e) => e.1 = v.clone(),
                                None => out.push((k.clone(), v.clone())),
                            }
                        }
                    }
                    _ => return Ok(None),
                }
            }
            Some(Expr::Object(out))
        }
        ("lookup", [m, k, rest @ ..]) if rest.len() <= 1 => {
            let (Expr::Object(items), Some(key)) = (m, text(k)) else {
                return Ok(None);
            };
            match member(items, &key) {
                None => None,
                Some(Some(v)) => Some(v),
                Some(None) => match rest.first() {
                    Some(d) => Some(d.clone()),
                    None => {
                        return Err(Fail(format!(
                            "the map has no key `{key}` and `lookup` has no default"
                        )))
                    }
                },
            }
        }
        ("jsonencode", [x]) => to_json(x).map(|j| lit(j.to_string())),
        ("jsondecode", [x]) => match x.literal() {
            Some(s) if matches!(x, Expr::Str(_)) => match serde_json::from_str(&s) {
                Ok(v) => Some(from_json(&v)),
                Err(e) => return Err(Fail(format!("`jsondecode` of text that is not JSON: {e}"))),
            },
            _ => None,
        },
        ("coalesce", _) => {
            for a in args {
                match a {
                    Expr::Null => {}
                    x if x.literal().as_deref() == Some("") && matches!(x, Expr::Str(_)) => {}
                    x if known(x) => return Ok(Some(x.clone())),
                    // Unknown whether it is null or empty: the spec cannot say which.
                    _ => return Ok(None),
                }
            }
            return Err(Fail(
                "no argument of `coalesce` is non-null and non-empty".into(),
            ));
        }
        _ => None,
    })
}

fn distinct(items: &[Expr]) -> Vec<Expr> {
    let mut v: Vec<Expr> = Vec::new();
    for i in items {
        if !v.contains(i) {
            v.push(i.clone());
        }
    }
    v
}

/// Appends a template part, joining literal text and leaving out empty text.
pub(super) fn push_part(out: &mut Vec<TPart>, p: TPart) {
    match (&p, out.last_mut()) {
        (TPart::Lit(l), _) if l.is_empty() => {}
        (TPart::Lit(l), Some(TPart::Lit(prev))) => prev.push_str(l),
        _ => out.push(p),
    }
}

/// Strings and values joined into one string template.
fn template(parts: Vec<Expr>) -> Expr {
    let mut out: Vec<TPart> = Vec::new();
    for p in parts {
        let parts = match p {
            Expr::Str(ps) => ps,
            other => match text(&other) {
                Some(t) => vec![TPart::Lit(t)],
                None => vec![TPart::Interp(other)],
            },
        };
        for p in parts {
            push_part(&mut out, p);
        }
    }
    Expr::Str(out)
}

/// `format` with the verbs `%s`, `%v`, `%d` and `%%`: a string, or a string template when
/// an argument is not known (exact: `%s` writes a value as interpolation does). Other verbs
/// and flags are not evaluated.
fn format(fmt: &str, args: &[Expr]) -> Result<Option<Expr>, Fail> {
    let mut parts = Vec::new();
    let mut lit_buf = String::new();
    let mut next = args.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit_buf.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => lit_buf.push('%'),
            Some(v @ ('s' | 'v' | 'd')) => {
                let Some(a) = next.next() else {
                    return Err(Fail("`format` has fewer arguments than verbs".into()));
                };
                if v == 'd' && !matches!(a, Expr::Num(_)) {
                    return Ok(None);
                }
                match a {
                    Expr::Tuple(_) | Expr::Object(_) | Expr::Null => return Ok(None),
                    Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Var(..) => {}
                    _ => return Ok(None),
                }
                parts.push(lit(std::mem::take(&mut lit_buf)));
                parts.push(a.clone());
            }
            _ => return Ok(None),
        }
    }
    if next.next().is_some() {
        return Err(Fail("`format` has more arguments than verbs".into()));
    }
    parts.push(lit(lit_buf));
    Ok(Some(template(parts)))
}

#[cfg(test)]
mod tests {
    use super::super::Eval;
    use super::*;
    use crate::import::hcl::Item;
    use serde_json::json;

    fn value(src: &str) -> serde_json::Value {
        let body = crate::import::hcl::parse(&format!("x = {src}\n")).unwrap();
        let Some(Item::Attr(a)) = body.items.first() else {
            panic!("not an attribute: {src}");
        };
        let mut ev = Eval {
            env: Vec::new(),
            nodes: 0,
            problems: Vec::new(),
            file: 0,
            addr: String::new(),
        };
        let e = ev.fold(&a.expr).unwrap();
        to_json(&e).unwrap_or_else(|| panic!("not known: {src} → {e:?}"))
    }

    /// Each expected value is what `terraform console` of Terraform 1.11.4 printed for the
    /// same expression (a map iterates in key order, `compact` drops null and "", a set of
    /// strings is sorted, `jsonencode` sorts keys, `element` wraps around).
    #[test]
    fn functions_evaluate_as_terraform_does() {
        for (src, want) in [
            (
                "[for k, v in { sqs = 1, logs = 2 } : k]",
                json!(["logs", "sqs"]),
            ),
            (r#"compact(["a", "", null, "b"])"#, json!(["a", "b"])),
            (r#"toset(["b", "a", "b"])"#, json!(["a", "b"])),
            (
                "jsonencode({ b = 1, a = [true, null] })",
                json!("{\"a\":[true,null],\"b\":1}"),
            ),
            (r#"format("x-%s-%d%%", "a", 5)"#, json!("x-a-5%")),
            (r#"element(["a", "b"], 3)"#, json!("b")),
            (r#"coalesce(null, "", "z")"#, json!("z")),
            (
                "merge({ a = 1, b = 2 }, { a = 3 })",
                json!({"a": 3, "b": 2}),
            ),
            (r#"try({}.sid, "d")"#, json!("d")),
        ] {
            assert_eq!(value(src), want, "{src}");
        }
    }
}
