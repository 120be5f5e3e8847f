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

use super::terraform_collect::{collect, estate_resource};
use super::terraform_documents::{
    as_string, check_body, eval, expand, opt_string, policy_document, unique_attrs,
};
use super::terraform_functions::functions;
use hcl::eval::Context;
use hcl::{Block, Body, Expression, Number, Value as H};
use rolegen::model::PolicyId;
use serde_json::Value as J;
use std::collections::BTreeMap;

pub(crate) type HMap = hcl::Map<String, H>;

/// A condition key and its values.
pub(crate) type KeyValues = (String, Vec<String>);

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
        // An existing provider looked up by URL (its ARN is computed as a created one's).
        ("data", "aws_iam_openid_connect_provider") => &["url"],
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
        // Exclusive across the account; here, the module's roles it names.
        ("resource", "aws_iam_policy_attachment") => &["name", "roles", "policy_arn"],
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
pub(crate) const GENERATED: &str = "__generated_name";

const META: &[&str] = &["count", "for_each", "depends_on", "provider"];

/// One created instance of a resource or data source.
pub(crate) struct Inst {
    /// `aws_iam_role.x`, `aws_iam_role.x[0]`, `aws_iam_role_policy_attachment.x["key"]`.
    pub(crate) addr: String,
    /// Configured and computed attributes.
    pub(crate) attrs: HMap,
}

pub(crate) struct Evaluated {
    pub(crate) kind: String,
    pub(crate) ty: String,
    pub(crate) name: String,
    pub(crate) insts: Vec<Inst>,
    /// What a reference to the block gives: an object, a list (count) or a map (for_each).
    pub(crate) value: H,
}

pub(crate) fn err(addr: &str, e: impl std::fmt::Display) -> String {
    format!("{addr}: {e}")
}

pub(crate) fn label(b: &Block, i: usize) -> Option<&str> {
    b.labels.get(i).map(|l| l.as_str())
}

pub(crate) fn attr<'b>(body: &'b Body, key: &str) -> Option<&'b Expression> {
    body.attributes()
        .find(|a| a.key.as_str() == key)
        .map(|a| &a.expr)
}

/// Text of a scalar the way Terraform converts it to a string.
pub(crate) fn h_text(v: &H) -> Option<String> {
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

pub(crate) fn obj(pairs: &[(&str, H)]) -> H {
    H::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
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
                // The provider generates a name when none is given, or an empty one.
                if !get(a, "name").is_some_and(|n| !n.is_empty()) {
                    a.shift_remove("name");
                    a.insert(GENERATED.into(), H::Bool(true));
                }
                // A policy's generated name is the stand-in the model and the CloudFormation
                // resolver give it (by its logical id), so the ARNs attachments hold compare.
                let n = match get(a, "name") {
                    Some(n) => n,
                    None if ty == "aws_iam_policy" => PolicyId::generated_name(
                        inp.policies.get(name).map_or(name, String::as_str),
                    ),
                    None => generated(a),
                };
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
            "aws_iam_role_policy"
            | "aws_iam_role_policy_attachment"
            | "aws_iam_policy_attachment" => {
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
