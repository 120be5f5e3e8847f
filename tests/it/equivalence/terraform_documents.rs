//! The values of the AWS provider's arguments as the equivalence evaluator (`terraform_eval`)
//! reads them, and the provider's rendering of `aws_iam_policy_document` (statements,
//! principals, conditions, `source_policy_documents`/`override_policy_documents`).

use super::terraform_eval::{attr, err, h_text, label, obj, KeyValues};
use hcl::eval::{Context, Evaluate};
use hcl::{Block, Body, Expression, Number, Value as H};
use serde_json::{json, Map, Value as J};

// ---- Values of the provider's arguments ----

pub(crate) fn eval(e: &Expression, ctx: &Context, addr: &str) -> Result<H, String> {
    e.evaluate(ctx).map_err(|x| err(addr, x))
}

pub(crate) fn as_string(v: &H, what: &str) -> Result<String, String> {
    h_text(v).ok_or_else(|| format!("{what}: expected a string, got {v:?}"))
}

/// A `list(string)`/`set(string)` argument; `None` when null.
fn as_string_list(v: &H, what: &str) -> Result<Option<Vec<String>>, String> {
    match v {
        H::Null => Ok(None),
        H::Array(a) => a
            .iter()
            .map(|x| as_string(x, what))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => Err(format!("{what}: expected a list of strings, got {other:?}")),
    }
}

/// The provider turns `&{aws:username}` into `${aws:username}` in policy values.
fn decode(v: Vec<String>) -> Vec<String> {
    v.into_iter().map(|s| s.replace("&{", "${")).collect()
}

/// The provider writes one value as a string, several as a list.
fn one_or_list(v: Vec<String>) -> J {
    if v.len() == 1 {
        J::String(v.into_iter().next().unwrap_or_default())
    } else {
        json!(v)
    }
}

/// Blocks named `name` of a body, plain or produced by `dynamic "name"`, each with the context
/// its content is evaluated in.
pub(crate) fn expand<'b>(
    body: &'b Body,
    name: &str,
    ctx: &Context<'static>,
    addr: &str,
) -> Result<Vec<(&'b Body, Context<'static>)>, String> {
    let mut out = Vec::new();
    for b in body.blocks() {
        if b.identifier.as_str() == name && b.labels.is_empty() {
            out.push((&b.body, ctx.clone()));
        } else if b.identifier.as_str() == "dynamic" && label(b, 0) == Some(name) {
            let where_ = format!("{addr}: dynamic \"{name}\"");
            for a in b.body.attributes() {
                if !["for_each", "iterator"].contains(&a.key.as_str()) {
                    return Err(format!("{where_}: unsupported argument `{}`", a.key));
                }
            }
            let iter = match attr(&b.body, "iterator") {
                None => name.to_owned(),
                Some(Expression::Variable(v)) => v.as_str().to_owned(),
                Some(other) => return Err(format!("{where_}: iterator {other:?}")),
            };
            let fe = attr(&b.body, "for_each").ok_or_else(|| format!("{where_}: no for_each"))?;
            let items: Vec<(H, H)> = match eval(fe, ctx, &where_)? {
                H::Array(a) => a
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (H::Number(Number::from(i as u64)), v))
                    .collect(),
                H::Object(o) => o.into_iter().map(|(k, v)| (H::String(k), v)).collect(),
                other => return Err(format!("{where_}: for_each is {other:?}")),
            };
            let contents: Vec<&Block> = b
                .body
                .blocks()
                .filter(|c| c.identifier.as_str() == "content")
                .collect();
            if contents.len() != 1 || b.body.blocks().count() != 1 {
                return Err(format!("{where_}: needs exactly one content block"));
            }
            for (k, v) in items {
                let mut c = ctx.clone();
                c.declare_var(iter.as_str(), obj(&[("key", k), ("value", v)]));
                out.push((&contents[0].body, c));
            }
        }
    }
    Ok(out)
}

/// Errors on an argument set twice (Terraform rejects it; `attr` would read the first).
pub(crate) fn unique_attrs(body: &Body, addr: &str) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    match body.attributes().find(|a| !seen.insert(a.key.as_str())) {
        Some(a) => Err(format!("{addr}: argument `{}` is set twice", a.key)),
        None => Ok(()),
    }
}

/// Errors on attributes and nested blocks a body may not have.
pub(crate) fn check_body(
    body: &Body,
    attrs: &[&str],
    blocks: &[&str],
    addr: &str,
) -> Result<(), String> {
    unique_attrs(body, addr)?;
    for a in body.attributes() {
        if !attrs.contains(&a.key.as_str()) {
            return Err(format!(
                "{addr}: argument `{}` is not supported by the evaluator",
                a.key
            ));
        }
    }
    for b in body.blocks() {
        let n = if b.identifier.as_str() == "dynamic" {
            label(b, 0).unwrap_or("")
        } else {
            b.identifier.as_str()
        };
        if !blocks.contains(&n) {
            return Err(format!(
                "{addr}: block `{}` is not supported by the evaluator",
                b.identifier
            ));
        }
    }
    Ok(())
}

pub(crate) fn opt_string(
    body: &Body,
    key: &str,
    ctx: &Context,
    addr: &str,
) -> Result<Option<String>, String> {
    match attr(body, key) {
        None => Ok(None),
        Some(e) => match eval(e, ctx, addr)? {
            H::Null => Ok(None),
            v => as_string(&v, &format!("{addr}: {key}")).map(Some),
        },
    }
}

fn opt_list(
    body: &Body,
    key: &str,
    ctx: &Context,
    addr: &str,
) -> Result<Option<Vec<String>>, String> {
    match attr(body, key) {
        None => Ok(None),
        Some(e) => as_string_list(&eval(e, ctx, addr)?, &format!("{addr}: {key}")),
    }
}

/// `data "aws_iam_policy_document"` rendered the way the AWS provider renders `.json`.
pub(crate) fn policy_document(
    body: &Body,
    ctx: &Context<'static>,
    addr: &str,
) -> Result<J, String> {
    check_body(
        body,
        &[
            "version",
            "policy_id",
            "source_policy_documents",
            "override_policy_documents",
            // The instances (`count`, `for_each`) are the block's, evaluated before.
            "count",
            "for_each",
        ],
        &["statement"],
        addr,
    )?;
    let mut doc = Map::new();
    let version = opt_string(body, "version", ctx, addr)?.unwrap_or_else(|| "2012-10-17".into());
    doc.insert("Version".into(), J::String(version));
    if let Some(id) = opt_string(body, "policy_id", ctx, addr)? {
        doc.insert("Id".into(), J::String(id));
    }
    let mut statements = Vec::new();
    for (i, (sb, sctx)) in expand(body, "statement", ctx, addr)?
        .into_iter()
        .enumerate()
    {
        statements.push(statement(
            sb,
            &sctx,
            &format!("{addr}: statement #{}", i + 1),
        )?);
    }
    let sources = documents(body, "source_policy_documents", ctx, addr)?;
    let overrides = documents(body, "override_policy_documents", ctx, addr)?;
    if !sources.is_empty() || !overrides.is_empty() {
        // As the provider merges: the sources' statements in order (one Sid twice across them
        // is its error), then the document's own, then the overrides'; a statement whose Sid
        // is already there replaces it in place, one without a Sid is appended.
        let mut merged: Vec<J> = Vec::new();
        for s in sources.iter().flatten() {
            if sid_of(s).is_some() && merged.iter().any(|m| sid_of(m) == sid_of(s)) {
                return Err(format!("{addr}: duplicate Sid {:?} in sources", sid_of(s)));
            }
            merged.push(s.clone());
        }
        for s in statements
            .into_iter()
            .chain(overrides.into_iter().flatten())
        {
            match merged
                .iter_mut()
                .find(|m| sid_of(&s).is_some() && sid_of(m) == sid_of(&s))
            {
                Some(m) => *m = s,
                None => merged.push(s),
            }
        }
        statements = merged;
    }
    doc.insert("Statement".into(), J::Array(statements));
    Ok(J::Object(doc))
}

fn sid_of(s: &J) -> Option<&str> {
    s.get("Sid").and_then(J::as_str).filter(|x| !x.is_empty())
}

/// The statements of each JSON document in a list argument (`source_policy_documents`).
fn documents(
    body: &Body,
    key: &str,
    ctx: &Context<'static>,
    addr: &str,
) -> Result<Vec<Vec<J>>, String> {
    let Some(list) = opt_list(body, key, ctx, addr)? else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|text| {
            let d: J = serde_json::from_str(text).map_err(|e| format!("{addr}: {key}: {e}"))?;
            Ok(match d.get("Statement") {
                Some(J::Array(a)) => a.clone(),
                Some(one) => vec![one.clone()],
                None => Vec::new(),
            })
        })
        .collect()
}

fn statement(body: &Body, ctx: &Context<'static>, addr: &str) -> Result<J, String> {
    check_body(
        body,
        &[
            "sid",
            "effect",
            "actions",
            "not_actions",
            "resources",
            "not_resources",
        ],
        &["principals", "not_principals", "condition"],
        addr,
    )?;
    let mut s = Map::new();
    if let Some(sid) = opt_string(body, "sid", ctx, addr)?.filter(|s| !s.is_empty()) {
        s.insert("Sid".into(), J::String(sid));
    }
    let effect = opt_string(body, "effect", ctx, addr)?.unwrap_or_else(|| "Allow".into());
    s.insert("Effect".into(), J::String(effect));
    for (arg, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = opt_list(body, arg, ctx, addr)?.filter(|v| !v.is_empty()) {
            s.insert(key.into(), one_or_list(decode(v)));
        }
    }
    for (block, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let blocks = expand(body, block, ctx, addr)?;
        if blocks.is_empty() {
            continue;
        }
        let mut typed: Vec<(String, Vec<String>)> = Vec::new();
        for (pb, pctx) in &blocks {
            let at = format!("{addr}: {block}");
            check_body(pb, &["type", "identifiers"], &[], &at)?;
            let ty = opt_string(pb, "type", pctx, &at)?.ok_or_else(|| format!("{at}: no type"))?;
            let ids = decode(
                opt_list(pb, "identifiers", pctx, &at)?
                    .ok_or_else(|| format!("{at}: no identifiers"))?,
            );
            match typed.iter_mut().find(|(t, _)| *t == ty) {
                Some((_, v)) => v.extend(ids),
                None => typed.push((ty, ids)),
            }
        }
        // The provider writes "*" only when the one principals block has type "*".
        let v = if blocks.len() == 1 && typed[0].0 == "*" {
            J::String("*".into())
        } else {
            J::Object(
                typed
                    .into_iter()
                    .map(|(t, ids)| (t, one_or_list(ids)))
                    .collect(),
            )
        };
        s.insert(key.into(), v);
    }
    let conditions = expand(body, "condition", ctx, addr)?;
    if !conditions.is_empty() {
        let mut ops: Vec<(String, Vec<KeyValues>)> = Vec::new();
        for (cb, cctx) in &conditions {
            let at = format!("{addr}: condition");
            check_body(cb, &["test", "variable", "values"], &[], &at)?;
            let test =
                opt_string(cb, "test", cctx, &at)?.ok_or_else(|| format!("{at}: no test"))?;
            let var = opt_string(cb, "variable", cctx, &at)?
                .ok_or_else(|| format!("{at}: no variable"))?;
            let values = decode(
                opt_list(cb, "values", cctx, &at)?.ok_or_else(|| format!("{at}: no values"))?,
            );
            let keys = match ops.iter_mut().find(|(t, _)| *t == test) {
                Some((_, k)) => k,
                None => {
                    ops.push((test, Vec::new()));
                    &mut ops.last_mut().expect("just pushed").1
                }
            };
            match keys.iter_mut().find(|(k, _)| *k == var) {
                Some((_, v)) => v.extend(values),
                None => keys.push((var, values)),
            }
        }
        let c: Map<String, J> = ops
            .into_iter()
            .map(|(op, keys)| {
                let k: Map<String, J> =
                    keys.into_iter().map(|(k, v)| (k, one_or_list(v))).collect();
                (op, J::Object(k))
            })
            .collect();
        s.insert("Condition".into(), J::Object(c));
    }
    Ok(J::Object(s))
}
