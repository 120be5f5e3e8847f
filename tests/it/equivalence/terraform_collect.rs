//! What the equivalence evaluator's resources amount to (`terraform_eval`): the resources of
//! an existing estate it is given, and the evaluated resources collected into the
//! resolved-module JSON the model gives (roles with their trust, policies, attachments,
//! instance profiles; managed policies; KMS keys and aliases).

use super::terraform_documents::{as_string, eval};
use super::terraform_eval::{attr, h2j, h_text, Evaluated, HMap, Inputs, Inst, GENERATED};
use hcl::eval::Context;
use hcl::{Block, Value as H};
use serde_json::{json, Map, Value as J};
use std::collections::BTreeMap;

/// The ARN of a named resource from (partition, account, region, name).
type ArnOf = fn(&str, &str, &str, &str) -> String;

/// A resource that is not IAM in a hand-written module: its name attribute evaluated and the
/// ARN (and URL) the service gives it; nothing else (a reference to any other attribute fails,
/// so what depends on it is not evaluated rather than guessed).
pub(crate) fn estate_resource(
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
pub(crate) fn collect(done: &[Evaluated], inp: &Inputs) -> Result<J, String> {
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
    for (_, i) in of(done, "aws_iam_policy_attachment") {
        let arn = text_or_null(&i.attrs, "policy_arn");
        let Some(H::Array(names)) = i.attrs.get("roles") else {
            return Err(format!("{}: no roles", i.addr));
        };
        for n in names {
            let n = h_text(n).ok_or_else(|| format!("{}: a role that is not text", i.addr))?;
            let logical = by_name.get(&n).ok_or_else(|| {
                format!("{}: role `{n}` is not a role this module creates", i.addr)
            })?;
            if let Some(J::Array(v)) = roles[logical].get_mut("managed") {
                v.push(arn.clone());
            }
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
                "description": text_or_null(&i.attrs, "description"),
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
