//! A small Terraform evaluator for the modules rolegen emits: what `terraform apply` with the AWS
//! provider would create, as the resolved-module JSON the model gives.
//!
//! Expressions are evaluated with hcl-rs (`hcl::eval`), with a handful of Terraform functions
//! declared. The evaluator itself handles what Terraform adds on top of HCL: input variables
//! converted to their declared type, the pseudo data sources, `count` and `for_each` instances,
//! `dynamic` blocks, references between resources (evaluated in dependency order), computed
//! attributes (ARNs, ids), and the AWS provider's rendering of `aws_iam_policy_document`.
//! Anything it does not know (a resource type, an attribute, a nested block, a function) is an
//! error rather than silently ignored.

use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Block, Body, Expression, Number, Value as H};
use serde_json::{json, Map, Value as J};
use std::collections::BTreeMap;

type HMap = hcl::Map<String, H>;

/// A condition key and its values.
type KeyValues = (String, Vec<String>);

/// What the evaluator needs from outside: variable values, the deployment's pseudo values, and
/// the CloudFormation logical id of each Terraform resource name.
pub struct Inputs {
    /// `-var` values by Terraform variable name: strings, booleans, or lists of strings.
    pub vars: BTreeMap<String, J>,
    /// `data.aws_partition.current.partition`.
    pub partition: String,
    /// `data.aws_caller_identity.current.account_id`.
    pub account: String,
    /// `data.aws_region.current.name`.
    pub region: String,
    /// `data.aws_partition.current.dns_suffix`.
    pub dns_suffix: String,
    /// `aws_iam_role` name → logical id.
    pub roles: BTreeMap<String, String>,
    /// `aws_iam_policy` name → logical id.
    pub policies: BTreeMap<String, String>,
    /// `aws_kms_key` name → logical id.
    pub keys: BTreeMap<String, String>,
    /// `aws_iam_openid_connect_provider` name → logical id.
    pub oidc_providers: BTreeMap<String, String>,
}

/// The parsed `.tf` files of a module.
pub struct TfModule {
    blocks: Vec<(String, Block)>,
    /// A module written by hand in the style of real estates (the import corpus), not by
    /// rolegen: `locals` and `provider` blocks are read, resources that are not IAM are
    /// created with their name and ARN only (see [`estate_resource`]), and outputs are not
    /// evaluated.
    estate: bool,
}

/// Attributes each resource or data source type may have (anything else is an error).
fn known_attrs(kind: &str, ty: &str) -> Option<&'static [&'static str]> {
    Some(match (kind, ty) {
        ("data", "aws_partition" | "aws_caller_identity" | "aws_region") => &[],
        ("data", "aws_iam_policy_document") => &[
            "version",
            "policy_id",
            "source_policy_documents",
            "override_policy_documents",
        ],
        ("resource", "aws_iam_role") => &[
            "managed_policy_arns",
            "name",
            "name_prefix",
            "path",
            "description",
            "max_session_duration",
            "permissions_boundary",
            "assume_role_policy",
            "tags",
            "force_detach_policies",
        ],
        ("resource", "aws_iam_role_policy") => &["name", "role", "policy"],
        ("resource", "aws_iam_role_policy_attachment") => &["role", "policy_arn"],
        ("resource", "aws_iam_policy") => &[
            "name",
            "name_prefix",
            "path",
            "description",
            "policy",
            "tags",
        ],
        ("resource", "aws_iam_instance_profile") => {
            &["name", "name_prefix", "path", "role", "tags"]
        }
        ("resource", "aws_kms_key") => &[
            "description",
            "enable_key_rotation",
            "policy",
            "deletion_window_in_days",
            "key_usage",
            "tags",
        ],
        ("resource", "aws_kms_alias") => &["name", "target_key_id"],
        ("resource", "aws_iam_openid_connect_provider") => {
            &["url", "client_id_list", "thumbprint_list", "tags"]
        }
        _ => return None,
    })
}

/// Marks an instance whose `name` the provider generated (no fixed name was configured).
const GENERATED: &str = "__generated_name";

const META: &[&str] = &["count", "for_each", "depends_on", "provider"];

/// One created instance of a resource or data source.
struct Inst {
    /// `aws_iam_role.x`, `aws_iam_role.x[0]`, `aws_iam_role_policy_attachment.x["key"]`.
    addr: String,
    /// Configured and computed attributes.
    attrs: HMap,
}

struct Evaluated {
    kind: String,
    ty: String,
    name: String,
    insts: Vec<Inst>,
    /// What a reference to the block gives: an object, a list (count) or a map (for_each).
    value: H,
}

fn err(addr: &str, e: impl std::fmt::Display) -> String {
    format!("{addr}: {e}")
}

fn label(b: &Block, i: usize) -> Option<&str> {
    b.labels.get(i).map(|l| l.as_str())
}

fn attr<'b>(body: &'b Body, key: &str) -> Option<&'b Expression> {
    body.attributes()
        .find(|a| a.key.as_str() == key)
        .map(|a| &a.expr)
}

/// Text of a scalar the way Terraform converts it to a string.
fn h_text(v: &H) -> Option<String> {
    match v {
        H::String(s) => Some(s.clone()),
        H::Number(n) => Some(n.to_string()),
        H::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// hcl value → JSON.
pub fn h2j(v: &H) -> J {
    match v {
        H::Null => J::Null,
        H::Bool(b) => J::Bool(*b),
        H::Number(n) => serde_json::from_str(&n.to_string()).unwrap_or(J::Null),
        H::String(s) => J::String(s.clone()),
        H::Array(a) => J::Array(a.iter().map(h2j).collect()),
        H::Object(o) => J::Object(o.iter().map(|(k, v)| (k.clone(), h2j(v))).collect()),
    }
}

/// JSON → hcl value.
pub fn j2h(v: &J) -> H {
    match v {
        J::Null => H::Null,
        J::Bool(b) => H::Bool(*b),
        J::Number(n) => n
            .as_i64()
            .map(Number::from)
            .or_else(|| n.as_f64().and_then(Number::from_f64))
            .map(H::Number)
            .unwrap_or(H::Null),
        J::String(s) => H::String(s.clone()),
        J::Array(a) => H::Array(a.iter().map(j2h).collect()),
        J::Object(o) => H::Object(o.iter().map(|(k, v)| (k.clone(), j2h(v))).collect()),
    }
}

fn obj(pairs: &[(&str, H)]) -> H {
    H::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

// ---- Terraform functions (the ones a generated module could plausibly use) ----

fn f_merge(args: FuncArgs) -> Result<H, String> {
    let mut m = HMap::new();
    for a in args.iter() {
        match a {
            H::Null => {}
            H::Object(o) => m.extend(o.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => return Err(format!("merge: argument is not an object: {other:?}")),
        }
    }
    Ok(H::Object(m))
}

fn f_concat(args: FuncArgs) -> Result<H, String> {
    let mut out = Vec::new();
    for a in args.iter() {
        match a {
            H::Array(v) => out.extend(v.iter().cloned()),
            other => return Err(format!("concat: argument is not a list: {other:?}")),
        }
    }
    Ok(H::Array(out))
}

fn f_one(args: FuncArgs) -> Result<H, String> {
    match &args[0] {
        H::Null => Ok(H::Null),
        H::Array(v) if v.is_empty() => Ok(H::Null),
        H::Array(v) if v.len() == 1 => Ok(v[0].clone()),
        other => Err(format!(
            "one: must be a list of at most one element: {other:?}"
        )),
    }
}

fn f_tolist(args: FuncArgs) -> Result<H, String> {
    match &args[0] {
        H::Array(v) => Ok(H::Array(v.clone())),
        other => Err(format!("tolist: not a list: {other:?}")),
    }
}

fn f_toset(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("toset: not a list: {:?}", args[0]));
    };
    let mut texts: Vec<String> = v
        .iter()
        .map(|x| h_text(x).ok_or_else(|| format!("toset: not a string: {x:?}")))
        .collect::<Result<_, _>>()?;
    texts.sort();
    texts.dedup();
    Ok(H::Array(texts.into_iter().map(H::String).collect()))
}

fn f_tostring(args: FuncArgs) -> Result<H, String> {
    match &args[0] {
        H::Null => Ok(H::Null),
        v => h_text(v)
            .map(H::String)
            .ok_or_else(|| format!("tostring: not a primitive: {v:?}")),
    }
}

fn f_flatten(args: FuncArgs) -> Result<H, String> {
    fn go(v: &H, out: &mut Vec<H>) {
        match v {
            H::Array(a) => a.iter().for_each(|x| go(x, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    match &args[0] {
        H::Array(a) => a.iter().for_each(|x| go(x, &mut out)),
        other => return Err(format!("flatten: not a list: {other:?}")),
    }
    Ok(H::Array(out))
}

fn f_distinct(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("distinct: not a list: {:?}", args[0]));
    };
    let mut out: Vec<H> = Vec::new();
    for x in v {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    Ok(H::Array(out))
}

fn f_length(args: FuncArgs) -> Result<H, String> {
    let n = match &args[0] {
        H::Array(v) => v.len(),
        H::Object(o) => o.len(),
        H::String(s) => s.chars().count(),
        other => return Err(format!("length: unsupported value {other:?}")),
    };
    Ok(H::Number(Number::from(n as u64)))
}

fn f_jsonencode(args: FuncArgs) -> Result<H, String> {
    Ok(H::String(h2j(&args[0]).to_string()))
}

fn f_join(args: FuncArgs) -> Result<H, String> {
    let sep = h_text(&args[0]).ok_or("join: separator is not a string")?;
    let mut parts = Vec::new();
    for l in args.iter().skip(1) {
        let H::Array(v) = l else {
            return Err(format!("join: not a list: {l:?}"));
        };
        for x in v {
            parts.push(h_text(x).ok_or_else(|| format!("join: not a string: {x:?}"))?);
        }
    }
    Ok(H::String(parts.join(&sep)))
}

fn f_split(args: FuncArgs) -> Result<H, String> {
    let sep = h_text(&args[0]).ok_or("split: separator is not a string")?;
    let s = h_text(&args[1]).ok_or("split: not a string")?;
    Ok(H::Array(
        s.split(sep.as_str())
            .map(|p| H::String(p.to_owned()))
            .collect(),
    ))
}

fn f_lower(args: FuncArgs) -> Result<H, String> {
    Ok(H::String(
        h_text(&args[0])
            .ok_or("lower: not a string")?
            .to_lowercase(),
    ))
}

fn f_upper(args: FuncArgs) -> Result<H, String> {
    Ok(H::String(
        h_text(&args[0])
            .ok_or("upper: not a string")?
            .to_uppercase(),
    ))
}

fn f_coalesce(args: FuncArgs) -> Result<H, String> {
    args.iter()
        .find(|v| !matches!(v, H::Null) && !matches!(v, H::String(s) if s.is_empty()))
        .cloned()
        .ok_or_else(|| "coalesce: no non-null, non-empty argument".to_owned())
}

/// `format` with `%s`, `%v`, `%d` and `%%` (what hand-written modules use).
fn f_format(args: FuncArgs) -> Result<H, String> {
    let spec = h_text(&args[0]).ok_or("format: the format is not a string")?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'v' | 'd') => {
                let v = rest.next().ok_or("format: too few arguments")?;
                out.push_str(&h_text(v).ok_or_else(|| format!("format: {v:?} is not a scalar"))?);
            }
            other => return Err(format!("format: verb {other:?} is not supported")),
        }
    }
    Ok(H::String(out))
}

fn f_compact(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("compact: not a list: {:?}", args[0]));
    };
    Ok(H::Array(
        v.iter()
            .filter(|x| !matches!(x, H::Null) && h_text(x).as_deref() != Some(""))
            .cloned()
            .collect(),
    ))
}

fn f_lookup(args: FuncArgs) -> Result<H, String> {
    let H::Object(m) = &args[0] else {
        return Err(format!("lookup: not a map: {:?}", args[0]));
    };
    let k = h_text(&args[1]).ok_or("lookup: the key is not a string")?;
    match (m.get(&k), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(format!("lookup: no key {k:?}")),
    }
}

fn f_element(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("element: not a list: {:?}", args[0]));
    };
    let i = match &args[1] {
        H::Number(n) => n.as_u64().ok_or("element: bad index")? as usize,
        other => return Err(format!("element: index {other:?}")),
    };
    if v.is_empty() {
        return Err("element: empty list".into());
    }
    Ok(v[i % v.len()].clone())
}

/// `replace` of a literal substring (a `/regex/` pattern is not supported).
fn f_replace(args: FuncArgs) -> Result<H, String> {
    let texts: Vec<String> = args
        .iter()
        .map(|a| h_text(a).ok_or_else(|| format!("replace: {a:?} is not a string")))
        .collect::<Result<_, _>>()?;
    if texts[1].starts_with('/') && texts[1].ends_with('/') {
        return Err("replace: regular expressions are not supported".into());
    }
    Ok(H::String(texts[0].replace(&texts[1], &texts[2])))
}

fn functions(ctx: &mut Context<'static>) {
    let variadic = |f: hcl::eval::Func| FuncDef::builder().variadic_param(ParamType::Any).build(f);
    let one = |f: hcl::eval::Func| FuncDef::builder().param(ParamType::Any).build(f);
    let two = |f: hcl::eval::Func| {
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::Any)
            .build(f)
    };
    ctx.declare_func("merge", variadic(f_merge));
    ctx.declare_func("concat", variadic(f_concat));
    ctx.declare_func("coalesce", variadic(f_coalesce));
    ctx.declare_func("one", one(f_one));
    ctx.declare_func("tolist", one(f_tolist));
    ctx.declare_func("toset", one(f_toset));
    ctx.declare_func("tostring", one(f_tostring));
    ctx.declare_func("flatten", one(f_flatten));
    ctx.declare_func("distinct", one(f_distinct));
    ctx.declare_func("length", one(f_length));
    ctx.declare_func("jsonencode", one(f_jsonencode));
    ctx.declare_func("lower", one(f_lower));
    ctx.declare_func("upper", one(f_upper));
    ctx.declare_func("split", two(f_split));
    ctx.declare_func(
        "format",
        FuncDef::builder()
            .param(ParamType::Any)
            .variadic_param(ParamType::Any)
            .build(f_format),
    );
    ctx.declare_func("compact", one(f_compact));
    ctx.declare_func(
        "lookup",
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::Any)
            .variadic_param(ParamType::Any)
            .build(f_lookup),
    );
    ctx.declare_func("element", two(f_element));
    ctx.declare_func(
        "replace",
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::Any)
            .param(ParamType::Any)
            .build(f_replace),
    );
    ctx.declare_func(
        "join",
        FuncDef::builder()
            .param(ParamType::Any)
            .variadic_param(ParamType::Any)
            .build(f_join),
    );
}

// ---- Values of the provider's arguments ----

fn eval(e: &Expression, ctx: &Context, addr: &str) -> Result<H, String> {
    e.evaluate(ctx).map_err(|x| err(addr, x))
}

fn as_string(v: &H, what: &str) -> Result<String, String> {
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
fn expand<'b>(
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
fn unique_attrs(body: &Body, addr: &str) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    match body.attributes().find(|a| !seen.insert(a.key.as_str())) {
        Some(a) => Err(format!("{addr}: argument `{}` is set twice", a.key)),
        None => Ok(()),
    }
}

/// Errors on attributes and nested blocks a body may not have.
fn check_body(body: &Body, attrs: &[&str], blocks: &[&str], addr: &str) -> Result<(), String> {
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

fn opt_string(body: &Body, key: &str, ctx: &Context, addr: &str) -> Result<Option<String>, String> {
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
fn policy_document(body: &Body, ctx: &Context<'static>, addr: &str) -> Result<J, String> {
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

// ---- The module ----

/// A variable's declared type, as text (`string`, `number`, `bool`, `list(string)`, `any`).
fn type_name(e: &Expression) -> Result<String, String> {
    match e {
        Expression::Variable(v) => Ok(v.as_str().to_owned()),
        Expression::FuncCall(f) if f.args.len() == 1 => Ok(format!(
            "{}({})",
            f.name.name.as_str(),
            type_name(&f.args[0])?
        )),
        other => Err(format!("unsupported type expression {other:?}")),
    }
}

/// A value converted to a declared type, as Terraform converts `-var` values.
fn convert(ty: &str, v: H, what: &str) -> Result<H, String> {
    let bad = |v: &H| format!("{what}: {v:?} is not a valid {ty}");
    // A variable is nullable (Terraform's default): null stays null whatever the type.
    if matches!(v, H::Null) {
        return Ok(v);
    }
    match ty {
        "any" => Ok(v),
        "string" => h_text(&v).map(H::String).ok_or_else(|| bad(&v)),
        "number" => match &v {
            H::Number(_) => Ok(v),
            H::String(s) => s
                .parse::<i64>()
                .map(Number::from)
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(Number::from_f64))
                .map(H::Number)
                .ok_or_else(|| bad(&v)),
            _ => Err(bad(&v)),
        },
        "bool" => match &v {
            H::Bool(_) => Ok(v),
            H::String(s) if s == "true" || s == "false" => Ok(H::Bool(s == "true")),
            _ => Err(bad(&v)),
        },
        "list(string)" | "set(string)" => {
            let H::Array(items) = &v else {
                return Err(bad(&v));
            };
            let mut out = items
                .iter()
                .map(|x| h_text(x).ok_or_else(|| bad(&v)))
                .collect::<Result<Vec<_>, _>>()?;
            if ty.starts_with("set") {
                out.sort();
                out.dedup();
            }
            Ok(H::Array(out.into_iter().map(H::String).collect()))
        }
        "map(string)" => {
            let H::Object(items) = &v else {
                return Err(bad(&v));
            };
            items
                .iter()
                .map(|(k, x)| Ok((k.clone(), H::String(h_text(x).ok_or_else(|| bad(&v))?))))
                .collect::<Result<_, String>>()
                .map(H::Object)
        }
        _ => Err(format!("{what}: unsupported variable type {ty}")),
    }
}

fn arn(partition: &str, account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:{partition}:iam::{account}:{kind}{path}{name}")
}

impl TfModule {
    /// Parses every `(path, contents)` pair (all should be `.tf` files).
    pub fn parse(files: &[(String, String)]) -> Result<Self, String> {
        let mut blocks = Vec::new();
        for (path, text) in files {
            let body: Body = hcl::from_str(text).map_err(|e| format!("{path}: {e}"))?;
            for s in body.into_inner() {
                match s {
                    hcl::Structure::Block(b) => blocks.push((path.clone(), b)),
                    hcl::Structure::Attribute(a) => {
                        return Err(format!("{path}: top-level attribute `{}`", a.key))
                    }
                }
            }
        }
        Ok(TfModule {
            blocks,
            estate: false,
        })
    }

    /// Parses a hand-written module (the import corpus): see [`TfModule::estate`].
    pub fn parse_estate(files: &[(String, String)]) -> Result<Self, String> {
        let mut m = Self::parse(files)?;
        m.estate = true;
        Ok(m)
    }

    /// The names of the module's resources of type `ty`.
    pub fn resource_names(&self, ty: &str) -> Vec<String> {
        self.blocks
            .iter()
            .filter(|(_, b)| b.identifier.as_str() == "resource" && label(b, 0) == Some(ty))
            .filter_map(|(_, b)| label(b, 1).map(str::to_owned))
            .collect()
    }

    /// The names of the module's input variables.
    pub fn variable_names(&self) -> Vec<String> {
        self.blocks
            .iter()
            .filter(|(_, b)| b.identifier.as_str() == "variable")
            .filter_map(|(_, b)| label(b, 0).map(str::to_owned))
            .collect()
    }

    fn variables(&self, inp: &Inputs) -> Result<HMap, String> {
        let mut vars = HMap::new();
        let empty = Context::new();
        for (_, b) in self
            .blocks
            .iter()
            .filter(|(_, b)| b.identifier.as_str() == "variable")
        {
            let name = label(b, 0).ok_or("variable without a name")?.to_owned();
            let addr = format!("var.{name}");
            check_body(
                &b.body,
                &["type", "default", "description", "sensitive", "nullable"],
                // Validation conditions are not evaluated (regex is not implemented).
                &["validation"],
                &addr,
            )?;
            let ty = match attr(&b.body, "type") {
                Some(e) => type_name(e).map_err(|e| err(&addr, e))?,
                None => "any".into(),
            };
            let raw = match inp.vars.get(&name) {
                Some(v) => j2h(v),
                None => match attr(&b.body, "default") {
                    Some(e) => eval(e, &empty, &addr)?,
                    None => return Err(format!("{addr}: required variable has no value")),
                },
            };
            vars.insert(name, convert(&ty, raw, &addr)?);
        }
        for k in inp.vars.keys() {
            if !vars.contains_key(k) {
                return Err(format!("a value is given for undeclared variable `{k}`"));
            }
        }
        Ok(vars)
    }

    fn context(vars: &HMap, locals: &HMap, data: &HMap, res: &HMap) -> Context<'static> {
        let mut ctx = Context::new();
        functions(&mut ctx);
        ctx.declare_var("var", H::Object(vars.clone()));
        ctx.declare_var("local", H::Object(locals.clone()));
        ctx.declare_var("data", H::Object(data.clone()));
        for (ty, v) in res {
            ctx.declare_var(ty.as_str(), v.clone());
        }
        ctx
    }

    /// Evaluates one data source or resource block into its instances.
    fn block(&self, b: &Block, ctx: &Context<'static>, inp: &Inputs) -> Result<Evaluated, String> {
        let kind = b.identifier.as_str().to_owned();
        let ty = label(b, 0).ok_or("block without a type")?.to_owned();
        let name = label(b, 1).ok_or("block without a name")?.to_owned();
        let base = if kind == "data" {
            format!("data.{ty}.{name}")
        } else {
            format!("{ty}.{name}")
        };
        let Some(known) = known_attrs(&kind, &ty) else {
            if self.estate {
                return estate_resource(b, kind, ty, name, ctx, inp);
            }
            return Err(format!(
                "{base}: type {ty} is not supported by the evaluator"
            ));
        };
        unique_attrs(&b.body, &base)?;
        for a in b.body.attributes() {
            if !known.contains(&a.key.as_str()) && !META.contains(&a.key.as_str()) {
                return Err(format!(
                    "{base}: argument `{}` is not supported by the evaluator",
                    a.key
                ));
            }
        }
        // A hand-written module's role may hold its inline policies as `inline_policy`
        // blocks (and `managed_policy_arns`), which the provider manages exclusively.
        let role_blocks: &[&str] = if self.estate && ty == "aws_iam_role" {
            &["lifecycle", "timeouts", "inline_policy"]
        } else {
            &["lifecycle", "timeouts"]
        };
        if ty != "aws_iam_policy_document" {
            if let Some(nb) = b
                .body
                .blocks()
                .find(|nb| !role_blocks.contains(&nb.identifier.as_str()))
            {
                return Err(format!(
                    "{base}: block `{}` is not supported by the evaluator",
                    nb.identifier
                ));
            }
        }
        // Instances: (address, context).
        enum Shape {
            Single,
            Count,
            ForEach,
        }
        let mut instances: Vec<(String, Context<'static>, H)> = Vec::new();
        let shape = if let Some(c) = attr(&b.body, "count") {
            let n = match eval(c, ctx, &base)? {
                H::Number(n) => n.as_u64().ok_or_else(|| format!("{base}: count {n}"))?,
                other => return Err(format!("{base}: count is {other:?}")),
            };
            for i in 0..n {
                let mut c = ctx.clone();
                c.declare_var("count", obj(&[("index", H::Number(Number::from(i)))]));
                instances.push((format!("{base}[{i}]"), c, H::Number(Number::from(i))));
            }
            Shape::Count
        } else if let Some(fe) = attr(&b.body, "for_each") {
            let pairs: Vec<(String, H)> = match eval(fe, ctx, &base)? {
                H::Object(o) => o.into_iter().collect(),
                // A set of strings (toset): each value is its own key.
                H::Array(a) => a
                    .into_iter()
                    .map(|v| as_string(&v, &base).map(|k| (k, v)))
                    .collect::<Result<_, _>>()?,
                other => return Err(format!("{base}: for_each is {other:?}")),
            };
            for (k, v) in pairs {
                let mut c = ctx.clone();
                c.declare_var("each", obj(&[("key", H::String(k.clone())), ("value", v)]));
                instances.push((format!("{base}[{k:?}]"), c, H::String(k)));
            }
            Shape::ForEach
        } else {
            instances.push((base.clone(), ctx.clone(), H::Null));
            Shape::Single
        };
        let mut insts = Vec::new();
        for (addr, ictx, _) in &instances {
            let mut attrs = HMap::new();
            for a in b.body.attributes() {
                if META.contains(&a.key.as_str()) {
                    continue;
                }
                let v = eval(&a.expr, ictx, addr)?;
                if !matches!(v, H::Null) {
                    attrs.insert(a.key.as_str().to_owned(), v);
                }
            }
            let mut inline = Vec::new();
            for (ib, ictx2) in expand(&b.body, "inline_policy", ictx, addr)? {
                let at = format!("{addr}: inline_policy");
                check_body(ib, &["name", "policy"], &[], &at)?;
                let name = opt_string(ib, "name", &ictx2, &at)?;
                let policy = opt_string(ib, "policy", &ictx2, &at)?;
                if let (Some(n), Some(p)) = (name, policy) {
                    inline.push(obj(&[("name", H::String(n)), ("policy", H::String(p))]));
                }
            }
            if !inline.is_empty() {
                attrs.insert("inline_policy".into(), H::Array(inline));
            }
            self.computed(&ty, &name, addr, &b.body, ictx, &mut attrs, inp)?;
            insts.push(Inst {
                addr: addr.clone(),
                attrs,
            });
        }
        let value = match shape {
            Shape::Single => H::Object(insts[0].attrs.clone()),
            Shape::Count => H::Array(insts.iter().map(|i| H::Object(i.attrs.clone())).collect()),
            Shape::ForEach => H::Object(
                instances
                    .iter()
                    .zip(&insts)
                    .map(|((_, _, k), i)| {
                        (h_text(k).unwrap_or_default(), H::Object(i.attrs.clone()))
                    })
                    .collect(),
            ),
        };
        Ok(Evaluated {
            kind,
            ty,
            name,
            insts,
            value,
        })
    }

    /// Attributes the provider computes.
    #[allow(clippy::too_many_arguments)]
    fn computed(
        &self,
        ty: &str,
        name: &str,
        addr: &str,
        body: &Body,
        ctx: &Context<'static>,
        a: &mut HMap,
        inp: &Inputs,
    ) -> Result<(), String> {
        let s = |v: String| H::String(v);
        let get = |a: &HMap, k: &str| a.get(k).and_then(h_text);
        // A name the provider would generate: unique per resource, never equal to a fixed one.
        let generated = |a: &HMap| {
            format!(
                "{}{{generated:{ty}.{name}}}",
                get(a, "name_prefix").unwrap_or_else(|| "terraform-".into())
            )
        };
        let (p, acct) = (inp.partition.as_str(), inp.account.as_str());
        match ty {
            "aws_partition" => {
                a.insert("partition".into(), s(inp.partition.clone()));
                a.insert("dns_suffix".into(), s(inp.dns_suffix.clone()));
                a.insert("id".into(), s(inp.partition.clone()));
            }
            "aws_caller_identity" => {
                a.insert("account_id".into(), s(inp.account.clone()));
                a.insert("id".into(), s(inp.account.clone()));
                a.insert(
                    "arn".into(),
                    s(format!("arn:{p}:iam::{acct}:user/equivalence")),
                );
            }
            "aws_region" => {
                a.insert("name".into(), s(inp.region.clone()));
                a.insert("region".into(), s(inp.region.clone()));
                a.insert("id".into(), s(inp.region.clone()));
            }
            "aws_iam_policy_document" => {
                let doc = policy_document(body, ctx, addr)?;
                a.insert(
                    "json".into(),
                    s(serde_json::to_string_pretty(&doc).unwrap_or_default()),
                );
                a.insert("minified_json".into(), s(doc.to_string()));
                a.insert("id".into(), s(addr.to_owned()));
            }
            "aws_iam_role" | "aws_iam_policy" | "aws_iam_instance_profile" => {
                if !a.contains_key("name") {
                    a.insert(GENERATED.into(), H::Bool(true));
                }
                let n = get(a, "name").unwrap_or_else(|| generated(a));
                let path = get(a, "path").unwrap_or_else(|| "/".into());
                let kind = match ty {
                    "aws_iam_role" => "role",
                    "aws_iam_policy" => "policy",
                    _ => "instance-profile",
                };
                let arn = arn(p, acct, kind, &path, &n);
                a.insert("name".into(), s(n.clone()));
                a.insert("path".into(), s(path));
                a.insert("arn".into(), s(arn.clone()));
                a.insert("id".into(), s(if ty == "aws_iam_policy" { arn } else { n }));
                a.insert("unique_id".into(), s(format!("AID{{{addr}}}")));
                a.insert("policy_id".into(), s(format!("ANP{{{addr}}}")));
            }
            "aws_iam_role_policy" | "aws_iam_role_policy_attachment" => {
                a.insert("id".into(), s(addr.to_owned()));
            }
            "aws_kms_key" => {
                // The stand-in both evaluators and the model give a key's random id:
                // `key-{<logical id>}` (the address where the module has no such key).
                let id = format!(
                    "key-{{{}}}",
                    inp.keys.get(name).map_or(addr, String::as_str)
                );
                let region = &inp.region;
                a.insert(
                    "arn".into(),
                    s(format!("arn:{p}:kms:{region}:{acct}:key/{id}")),
                );
                a.insert("key_id".into(), s(id.clone()));
                a.insert("id".into(), s(id));
            }
            // IAM names the provider by its URL without the scheme.
            "aws_iam_openid_connect_provider" => {
                let url = get(a, "url").unwrap_or_default();
                let issuer = url
                    .strip_prefix("https://")
                    .ok_or_else(|| format!("{addr}: url `{url}` is not https"))?;
                let arn = format!("arn:{p}:iam::{acct}:oidc-provider/{issuer}");
                a.insert("arn".into(), s(arn.clone()));
                a.insert("id".into(), s(arn));
            }
            "aws_kms_alias" => {
                let n = get(a, "name").unwrap_or_default();
                let region = &inp.region;
                a.insert("arn".into(), s(format!("arn:{p}:kms:{region}:{acct}:{n}")));
                a.insert("id".into(), s(n));
            }
            _ => {}
        }
        Ok(())
    }

    /// A `moved` block either moves `type.name` to `type.name[0]`, a counted resource of the
    /// module, or renames `type.old` to `type.new`, a resource the module declares while it
    /// declares no `type.old` (Terraform checks the same when it plans).
    fn check_moved(&self, path: &str, b: &Block) -> Result<(), String> {
        let text = |k: &str| {
            attr(&b.body, k)
                .map(|e| e.to_string())
                .ok_or_else(|| format!("{path}: a `moved` block without `{k}`"))
        };
        let (from, to) = (text("from")?, text("to")?);
        let declared = |address: &str| {
            let (ty, name) = address.split_once('.')?;
            self.blocks.iter().find(|(_, r)| {
                r.identifier.as_str() == "resource"
                    && label(r, 0) == Some(ty)
                    && label(r, 1) == Some(name)
            })
        };
        // An instance of a `for_each` resource to another key of it (the attachment of a
        // renamed policy): `T.n["old"]` to `T.n["new"]`.
        let keyed = |a: &str| {
            let (resource, key) = a.split_once("[\"")?;
            Some((resource.to_owned(), key.strip_suffix("\"]")?.to_owned()))
        };
        if let (Some((fr, fk)), Some((tr, tk))) = (keyed(&from), keyed(&to)) {
            return match declared(&fr) {
                Some((_, r)) if fr == tr && fk != tk && attr(&r.body, "for_each").is_some() => {
                    Ok(())
                }
                _ => Err(format!(
                    "{path}: moved {from} to {to}, not another key of one `for_each` resource"
                )),
            };
        }
        if from.split_once('.').is_none() || from.contains('[') {
            return Err(format!("{path}: `{from}` is not a resource address"));
        }
        if to == format!("{from}[0]") {
            return match declared(&from) {
                Some((_, r)) if attr(&r.body, "count").is_some() => Ok(()),
                Some(_) => Err(format!(
                    "{path}: {from} has no `count`, so {to} does not exist"
                )),
                None => Err(format!(
                    "{path}: moved to {to}, which the module does not declare"
                )),
            };
        }
        let same_type = from.split_once('.').map(|x| x.0) == to.split_once('.').map(|x| x.0);
        if to.contains('[') || !same_type {
            return Err(format!(
                "{path}: moved {from} to {to}, neither its [0] instance nor a resource of its type"
            ));
        }
        if declared(&from).is_some() {
            return Err(format!(
                "{path}: moved from {from}, which the module still declares"
            ));
        }
        match declared(&to) {
            Some(_) => Ok(()),
            None => Err(format!(
                "{path}: moved to {to}, which the module does not declare"
            )),
        }
    }

    /// Everything the module creates with these inputs, as `{"roles", "policies", "kms_keys"}`.
    pub fn evaluate(&self, inp: &Inputs) -> Result<J, String> {
        self.run(inp, &[]).map(|(module, _)| module)
    }

    /// The values of `expressions` (Terraform expression text) in the evaluated module, as
    /// JSON.
    pub fn evaluate_expressions(
        &self,
        inp: &Inputs,
        expressions: &[&str],
    ) -> Result<Vec<J>, String> {
        self.run(inp, expressions).map(|(_, values)| values)
    }

    fn run(&self, inp: &Inputs, expressions: &[&str]) -> Result<(J, Vec<J>), String> {
        let vars = self.variables(inp)?;
        for (path, b) in &self.blocks {
            match b.identifier.as_str() {
                "terraform" | "variable" | "output" | "data" | "resource" => {}
                // rolegen writes `locals` for the spec's mappings.
                "locals" => {}
                "provider" if self.estate => {}
                "moved" => self.check_moved(path, b)?,
                other => return Err(format!("{path}: `{other}` blocks are not supported")),
            }
        }
        // Terraform rejects two blocks with the same address (and two variables or outputs
        // with the same name).
        let mut seen = std::collections::BTreeSet::new();
        for (path, b) in &self.blocks {
            let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
            // Unlabelled blocks (`terraform`, `moved`) may repeat; two moves of one address
            // would be caught by Terraform, and `check_moved` ties each to its resource.
            let key = match b.identifier.as_str() {
                "moved" => format!(
                    "moved {}",
                    attr(&b.body, "from")
                        .map(|e| e.to_string())
                        .unwrap_or_default()
                ),
                _ => format!("{} {}", b.identifier, labels.join(".")),
            };
            if b.identifier.as_str() != "terraform" && !seen.insert(key) {
                return Err(format!(
                    "{path}: duplicate {} block {:?} (Terraform rejects the module)",
                    b.identifier, labels
                ));
            }
        }
        // Data sources and resources, evaluated as their references become known.
        let mut pending: Vec<&Block> = self
            .blocks
            .iter()
            .map(|(_, b)| b)
            .filter(|b| matches!(b.identifier.as_str(), "data" | "resource"))
            .collect();
        let mut data = HMap::new();
        let mut res = HMap::new();
        let mut locals = HMap::new();
        // Locals, evaluated as what they refer to becomes known.
        let mut pending_locals: Vec<(&str, &Expression)> = self
            .blocks
            .iter()
            .filter(|(_, b)| b.identifier.as_str() == "locals")
            .flat_map(|(_, b)| b.body.attributes().map(|a| (a.key.as_str(), &a.expr)))
            .collect();
        let mut done: Vec<Evaluated> = Vec::new();
        while !pending.is_empty() || !pending_locals.is_empty() {
            let ctx = Self::context(&vars, &locals, &data, &res);
            let mut next = Vec::new();
            let mut errors = Vec::new();
            let mut next_locals = Vec::new();
            for &(name, e) in &pending_locals {
                match eval(e, &ctx, &format!("local.{name}")) {
                    Ok(v) => {
                        locals.insert(name.to_owned(), v);
                    }
                    Err(x) => {
                        next_locals.push((name, e));
                        errors.push(x);
                    }
                }
            }
            let locals_done = next_locals.len() < pending_locals.len();
            pending_locals = next_locals;
            for b in &pending {
                match self.block(b, &ctx, inp) {
                    Ok(ev) => done.push(ev),
                    Err(e) => {
                        next.push(*b);
                        errors.push(e);
                    }
                }
            }
            if next.len() == pending.len() && !locals_done {
                return Err(format!(
                    "cannot evaluate:\n      {}",
                    errors.join("\n      ")
                ));
            }
            for ev in &done {
                let target = if ev.kind == "data" {
                    &mut data
                } else {
                    &mut res
                };
                let by_type = target
                    .entry(ev.ty.clone())
                    .or_insert_with(|| H::Object(HMap::new()));
                if let H::Object(m) = by_type {
                    m.insert(ev.name.clone(), ev.value.clone());
                }
            }
            pending = next;
        }
        // Outputs must evaluate too (one(x[*].arn) of a switched-off resource is null); a
        // hand-written module's outputs may name what the evaluator does not create.
        let ctx = Self::context(&vars, &locals, &data, &res);
        for (_, b) in self
            .blocks
            .iter()
            .filter(|(_, b)| b.identifier.as_str() == "output" && !self.estate)
        {
            let addr = format!("output.{}", label(b, 0).unwrap_or(""));
            let v = attr(&b.body, "value").ok_or_else(|| format!("{addr}: no value"))?;
            eval(v, &ctx, &addr)?;
        }
        let values = expressions
            .iter()
            .map(|text| {
                let body: Body = hcl::from_str(&format!("x = {text}\n"))
                    .map_err(|e| format!("`{text}`: {e}"))?;
                let e = attr(&body, "x").ok_or_else(|| format!("`{text}`: not an expression"))?;
                eval(e, &ctx, text).map(|v| h2j(&v))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok((collect(&done, inp)?, values))
    }
}

/// The ARN of a named resource from (partition, account, region, name).
type ArnOf = fn(&str, &str, &str, &str) -> String;

/// A resource that is not IAM in a hand-written module: its name attribute evaluated and the
/// ARN (and URL) the service gives it; nothing else (a reference to any other attribute fails,
/// so what depends on it is not evaluated rather than guessed).
fn estate_resource(
    b: &Block,
    kind: String,
    ty: String,
    name: String,
    ctx: &Context<'static>,
    inp: &Inputs,
) -> Result<Evaluated, String> {
    let (p, acct, region) = (&inp.partition, &inp.account, &inp.region);
    let (name_attr, arn): (&str, ArnOf) = match ty.as_str() {
        "aws_s3_bucket" => ("bucket", |p, _, _, n| format!("arn:{p}:s3:::{n}")),
        "aws_sqs_queue" => ("name", |p, a, r, n| format!("arn:{p}:sqs:{r}:{a}:{n}")),
        "aws_sns_topic" => ("name", |p, a, r, n| format!("arn:{p}:sns:{r}:{a}:{n}")),
        "aws_lambda_function" => ("function_name", |p, a, r, n| {
            format!("arn:{p}:lambda:{r}:{a}:function:{n}")
        }),
        "aws_dynamodb_table" => ("name", |p, a, r, n| {
            format!("arn:{p}:dynamodb:{r}:{a}:table/{n}")
        }),
        "aws_cloudwatch_log_group" => ("name", |p, a, r, n| {
            format!("arn:{p}:logs:{r}:{a}:log-group:{n}")
        }),
        "aws_sfn_state_machine" => ("name", |p, a, r, n| {
            format!("arn:{p}:states:{r}:{a}:stateMachine:{n}")
        }),
        "aws_ecr_repository" => ("name", |p, a, r, n| {
            format!("arn:{p}:ecr:{r}:{a}:repository/{n}")
        }),
        _ => ("", |_, _, _, _| String::new()),
    };
    let base = format!("{ty}.{name}");
    let mut attrs = HMap::new();
    if let Some(e) = attr(&b.body, name_attr).filter(|_| !name_attr.is_empty()) {
        let n = as_string(&eval(e, ctx, &base)?, &base)?;
        attrs.insert("arn".into(), H::String(arn(p, acct, region, &n)));
        if ty == "aws_sqs_queue" {
            let url = format!("https://sqs.{region}.amazonaws.com/{acct}/{n}");
            attrs.insert("url".into(), H::String(url.clone()));
            attrs.insert("id".into(), H::String(url));
        } else {
            attrs.insert("id".into(), H::String(n.clone()));
        }
        attrs.insert(name_attr.into(), H::String(n));
    }
    let value = match attr(&b.body, "count") {
        None => H::Object(attrs),
        Some(c) => match eval(c, ctx, &base)? {
            H::Number(n) => H::Array(vec![H::Object(attrs); n.as_u64().unwrap_or(0) as usize]),
            other => return Err(format!("{base}: count is {other:?}")),
        },
    };
    Ok(Evaluated {
        kind,
        ty,
        name,
        insts: Vec::new(),
        value,
    })
}

fn parse_doc(a: &HMap, key: &str, addr: &str) -> Result<J, String> {
    let text = a
        .get(key)
        .and_then(h_text)
        .ok_or_else(|| format!("{addr}: no {key}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{addr}: {key} is not JSON: {e}"))
}

/// The configured name: null when the provider generates it (`name_prefix` or nothing).
fn fixed_name(a: &HMap) -> J {
    if a.contains_key(GENERATED) {
        J::Null
    } else {
        text_or_null(a, "name")
    }
}

fn text_or_null(a: &HMap, key: &str) -> J {
    a.get(key)
        .and_then(h_text)
        .map(J::String)
        .unwrap_or(J::Null)
}

/// The resolved-module JSON from the evaluated instances.
fn collect(done: &[Evaluated], inp: &Inputs) -> Result<J, String> {
    fn of<'a>(
        done: &'a [Evaluated],
        ty: &'a str,
    ) -> impl Iterator<Item = (&'a Evaluated, &'a Inst)> {
        done.iter()
            .filter(move |e| e.kind == "resource" && e.ty == ty)
            .flat_map(|e| e.insts.iter().map(move |i| (e, i)))
    }
    let mut roles = Map::new();
    // Role name (its id) → logical id.
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    for (e, i) in of(done, "aws_iam_role") {
        let logical = inp
            .roles
            .get(&e.name)
            .ok_or_else(|| format!("{}: not a role of the module", i.addr))?;
        if roles.contains_key(logical) {
            return Err(format!("{}: more than one instance", i.addr));
        }
        let a = &i.attrs;
        let tags: Map<String, J> = match a.get("tags") {
            Some(H::Object(t)) => t
                .iter()
                .map(|(k, v)| (k.clone(), h_text(v).map(J::String).unwrap_or(J::Null)))
                .collect(),
            _ => Map::new(),
        };
        roles.insert(
            logical.clone(),
            json!({
                "name": fixed_name(a),
                "path": text_or_null(a, "path"),
                "trust": parse_doc(a, "assume_role_policy", &i.addr)?,
                "inline": {},
                "managed": [],
                "instance_profile": null,
                // The provider reads `""` as no boundary (`GetOk`), as null.
                "boundary": match text_or_null(a, "permissions_boundary") {
                    J::String(s) if s.is_empty() => J::Null,
                    b => b,
                },
                "max_session": text_or_null(a, "max_session_duration"),
                "description": text_or_null(a, "description"),
                "tags": tags,
            }),
        );
        if let Some(H::Array(blocks)) = a.get("inline_policy") {
            for ip in blocks {
                let H::Object(ip) = ip else { continue };
                let name = ip.get("name").and_then(h_text).unwrap_or_default();
                roles[logical]["inline"][&name] = parse_doc(ip, "policy", &i.addr)?;
            }
        }
        if let Some(H::Array(arns)) = a.get("managed_policy_arns") {
            roles[logical]["managed"] = J::Array(arns.iter().map(h2j).collect());
        }
        by_name.insert(
            a.get("name").and_then(h_text).unwrap_or_default(),
            logical.clone(),
        );
    }
    let role_of = |a: &HMap, addr: &str| -> Result<String, String> {
        let r = a
            .get("role")
            .and_then(h_text)
            .ok_or_else(|| format!("{addr}: no role"))?;
        by_name
            .get(&r)
            .cloned()
            .ok_or_else(|| format!("{addr}: role `{r}` is not a role this module creates"))
    };
    for (_, i) in of(done, "aws_iam_role_policy") {
        let logical = role_of(&i.attrs, &i.addr)?;
        let name = i
            .attrs
            .get("name")
            .and_then(h_text)
            .ok_or_else(|| format!("{}: no name", i.addr))?;
        let doc = parse_doc(&i.attrs, "policy", &i.addr)?;
        let inline = &mut roles[&logical]["inline"];
        if inline.get(&name).is_some() {
            return Err(format!("{}: a second inline policy named {name}", i.addr));
        }
        inline[&name] = doc;
    }
    for (_, i) in of(done, "aws_iam_role_policy_attachment") {
        let logical = role_of(&i.attrs, &i.addr)?;
        let arn = text_or_null(&i.attrs, "policy_arn");
        if let Some(J::Array(v)) = roles[&logical].get_mut("managed") {
            v.push(arn);
        }
    }
    for (_, i) in of(done, "aws_iam_instance_profile") {
        let logical = role_of(&i.attrs, &i.addr)?;
        let entry = &mut roles[&logical]["instance_profile"];
        if !entry.is_null() {
            return Err(format!("{}: a second instance profile", i.addr));
        }
        // A generated name is just "a profile".
        *entry = match fixed_name(&i.attrs) {
            J::Null => J::Bool(true),
            n => n,
        };
    }
    let mut policies = Map::new();
    for (e, i) in of(done, "aws_iam_policy") {
        let logical = inp
            .policies
            .get(&e.name)
            .ok_or_else(|| format!("{}: not a policy of the module", i.addr))?;
        policies.insert(
            logical.clone(),
            json!({
                "name": fixed_name(&i.attrs),
                "path": text_or_null(&i.attrs, "path"),
                "document": parse_doc(&i.attrs, "policy", &i.addr)?,
            }),
        );
    }
    let mut keys = Map::new();
    for (e, i) in of(done, "aws_kms_key") {
        let logical = inp
            .keys
            .get(&e.name)
            .ok_or_else(|| format!("{}: not a key of the module", i.addr))?;
        keys.insert(logical.clone(), parse_doc(&i.attrs, "policy", &i.addr)?);
    }
    let mut providers = Map::new();
    for (e, i) in of(done, "aws_iam_openid_connect_provider") {
        let logical = inp
            .oidc_providers
            .get(&e.name)
            .ok_or_else(|| format!("{}: not a provider of the module", i.addr))?;
        let list = |k: &str| i.attrs.get(k).map(h2j).unwrap_or_else(|| json!([]));
        providers.insert(
            logical.clone(),
            json!({
                "url": text_or_null(&i.attrs, "url"),
                "client_ids": list("client_id_list"),
                "thumbprints": list("thumbprint_list"),
            }),
        );
    }
    let mut out = json!({"roles": roles, "policies": policies, "kms_keys": keys});
    if !providers.is_empty() {
        out["oidc_providers"] = J::Object(providers);
    }
    Ok(out)
}
