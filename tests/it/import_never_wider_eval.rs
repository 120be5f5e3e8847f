//! The request side of `import_never_wider`: the concrete requests (permission and trust) it
//! asks of a template and of its import, and their evaluation against resolved IAM JSON
//! (Allow, explicit Deny, permissions boundary). Moved out of `import_never_wider` whole so
//! its generators have room (the architecture test's 1,000-line limit).

use crate::oracle::{condition_holds, glob};
use serde_json::{json, Value};

use crate::import_never_wider::{ADMIN, AUD, OTHER_PROVIDER, PROVIDER, S3_ONLY, SUB, TEAM};

// ---- Requests and their evaluation against resolved IAM JSON. ----

const REQ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "iam:PassRole",
    "kms:Decrypt",
];
const REQ_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::c/y",
    "arn:aws:s3:::d/z",
    "imported:prod-bucket",
    "us-east-1a",
];
const REQ_TEAMS: &[Option<&str>] = &[None, Some("ops"), Some("dev"), Some("imported:team")];
const REQ_SUBS: &[Option<&str>] = &[
    None,
    Some("repo:acme/app:ref:refs/heads/main"),
    Some("repo:acme/app:environment:prod"),
    Some("repo:evil/x:ref:refs/heads/main"),
];
const REQ_PRINCIPALS: &[(&str, &str)] = &[
    ("Service", "ec2.amazonaws.com"),
    ("Federated", PROVIDER),
    ("Federated", OTHER_PROVIDER),
    ("AWS", "imported:deployer"),
    ("AWS", "arn:aws:iam::123456789012:root"),
    ("AWS", "arn:aws:iam::999999999999:root"),
];
const REQ_TRUST_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"];

#[derive(Debug, Clone, Copy)]
pub(crate) struct Req {
    action: &'static str,
    resource: Option<&'static str>,
    principal: Option<(&'static str, &'static str)>,
    team: Option<&'static str>,
    sub: Option<&'static str>,
    aud: Option<&'static str>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn principal_matches(p: &Value, req: &Req) -> bool {
    let Some((ty, val)) = req.principal else {
        return true;
    };
    match p {
        Value::String(s) => s == "*",
        Value::Object(m) => m
            .iter()
            .any(|(t, v)| t == ty && strings(Some(v)).iter().any(|x| x == val || x == "*")),
        _ => false,
    }
}

fn statement_matches(s: &Value, req: &Req) -> bool {
    let any = |pats: Vec<String>, text: &str, ci: bool| pats.iter().any(|p| glob(p, text, ci));
    let action = match (s.get("Action"), s.get("NotAction")) {
        (Some(a), _) => any(strings(Some(a)), req.action, true),
        (None, Some(n)) => !any(strings(Some(n)), req.action, true),
        _ => false,
    };
    let resource = match (req.resource, s.get("Resource"), s.get("NotResource")) {
        (None, _, _) => true,
        (Some(r), Some(p), _) => any(strings(Some(p)), r, false),
        (Some(r), None, Some(n)) => !any(strings(Some(n)), r, false),
        (Some(_), None, None) => false,
    };
    let principal = match (s.get("Principal"), s.get("NotPrincipal")) {
        (Some(p), _) => principal_matches(p, req),
        (None, Some(n)) => !principal_matches(n, req),
        _ => true,
    };
    let condition = match s.get("Condition") {
        Some(Value::Object(ops)) => ops.iter().all(|(op, keys)| {
            keys.as_object().is_some_and(|keys| {
                keys.iter().all(|(k, vals)| {
                    let v = match k.as_str() {
                        TEAM => req.team,
                        SUB => req.sub,
                        AUD => req.aud,
                        _ => None,
                    };
                    let vals = strings(Some(vals));
                    let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
                    condition_holds(op, v, &vals)
                })
            })
        }),
        _ => true,
    };
    action && resource && principal && condition
}

/// (some Allow matches, some Deny matches) over documents.
fn decide<'a>(docs: impl Iterator<Item = &'a Value>, req: &Req) -> (bool, bool) {
    let (mut allow, mut deny) = (false, false);
    for d in docs {
        for s in d
            .get("Statement")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if statement_matches(s, req) {
                match s.get("Effect").and_then(Value::as_str) {
                    Some("Allow") => allow = true,
                    _ => deny = true,
                }
            }
        }
    }
    (allow, deny)
}

/// A resolved role's permissions and trust.
pub(crate) struct Role {
    trust: Value,
    docs: Vec<Value>,
    boundary: Option<Value>,
}

fn allow_all(action: &str) -> Value {
    json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
}

pub(crate) fn role_of(resolved: &Value, key: &str, boundary: Option<String>) -> Option<Role> {
    let r = resolved.get("roles")?.get(key)?;
    let mut docs: Vec<Value> = r
        .get("inline")
        .and_then(Value::as_object)
        .map(|m| m.values().cloned().collect())
        .unwrap_or_default();
    for arn in strings(r.get("managed")) {
        // The only managed policy the templates attach.
        docs.push(if arn == ADMIN {
            allow_all("*")
        } else {
            json!({"Statement": []})
        });
    }
    let boundary = boundary.map(|b| {
        if b == S3_ONLY {
            allow_all("s3:*")
        } else {
            json!({"Statement": []})
        }
    });
    Some(Role {
        trust: r.get("trust").cloned().unwrap_or(Value::Null),
        docs,
        boundary,
    })
}

pub(crate) fn permitted(r: &Role, req: &Req) -> bool {
    let (allow, deny) = decide(r.docs.iter(), req);
    let within = match &r.boundary {
        Some(b) => {
            let (a, d) = decide(std::iter::once(b), req);
            a && !d
        }
        None => true,
    };
    allow && !deny && within
}

pub(crate) fn trusted(r: &Role, req: &Req) -> bool {
    let (allow, deny) = decide(std::iter::once(&r.trust), req);
    allow && !deny
}

pub(crate) fn permission_requests() -> Vec<Req> {
    let mut out = Vec::new();
    for &action in REQ_ACTIONS {
        for &resource in REQ_RESOURCES {
            for &team in REQ_TEAMS {
                out.push(Req {
                    action,
                    resource: Some(resource),
                    principal: None,
                    team,
                    sub: None,
                    aud: None,
                });
            }
        }
    }
    out
}

pub(crate) fn trust_requests() -> Vec<Req> {
    let mut out = Vec::new();
    for &action in REQ_TRUST_ACTIONS {
        for &principal in REQ_PRINCIPALS {
            for &team in REQ_TEAMS {
                for &sub in REQ_SUBS {
                    for aud in [None, Some("sts.amazonaws.com")] {
                        out.push(Req {
                            action,
                            resource: None,
                            principal: Some(principal),
                            team,
                            sub,
                            aud,
                        });
                    }
                }
            }
        }
    }
    out
}
