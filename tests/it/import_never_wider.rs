//! No import grants more than its source. Random CloudFormation templates are drawn from a
//! small universe of the constructs a spec cannot express one to one — values from
//! `Fn::FindInMap` (with literal and deploy-time keys), `Fn::Select`, `Fn::Join`, `Fn::Split`,
//! `Fn::GetAZs`, `Fn::ImportValue !Sub`, `Fn::If` on bool switches and on conditions that are
//! not, `Fn::If` in `Effect`, whole statements, policies and attachments under `Fn::If`,
//! `NotAction`/`NotResource`, `Deny`, resource `Condition`s, permissions boundaries under
//! `Fn::If [HasX, !Ref X, !Ref AWS::NoValue]` — and imported, partial or not. The spec is
//! compiled and resolved with the parameters at the defaults the import wrote (a parameter
//! it introduced without a default gets the template's value, computed by the resolver) and
//! the template is resolved as CloudFormation would; then the brute-force oracle
//! (`tests/it/oracle`) evaluates every concrete request — permission (action × resource ×
//! context) and trust (principal × action × context) — and every request the spec allows
//! must be allowed by the template.
//!
//! The property fails when a widening is put back: with `narrow::settle` keeping an Allow
//! whose Condition was lost, it finds a counterexample within the first cases (see the note
//! of issue 15).

use crate::oracle;

use oracle::{condition_holds, glob};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rolegen::import::{cfn_resolve, cloudformation};
use rolegen::model::resolve::Bindings;
use rolegen::model::{Module, ParamValue};
use serde_json::{json, Value};
use std::cell::Cell;
use std::path::Path;

const ACCOUNT: &str = "123456789012";
const S3_ONLY: &str = "arn:aws:iam::123456789012:policy/S3Only";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const TEAM: &str = "aws:PrincipalTag/team";
const SUB: &str = "token.actions.githubusercontent.com:sub";
const AUD: &str = "token.actions.githubusercontent.com:aud";
const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

/// Values of a resource element.
fn resource_value(i: usize) -> Value {
    match i {
        0 => json!("arn:aws:s3:::b/x"),
        1 => json!("arn:aws:s3:::c/*"),
        2 => json!("*"),
        3 => json!({"Fn::FindInMap": ["Envs", {"Ref": "Env"}, "Bucket"]}),
        4 => json!({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Bucket"]}),
        5 => json!({"Fn::Select": [0, {"Ref": "Buckets"}]}),
        6 => {
            json!({"Fn::Join": ["", ["arn:aws:s3:::", {"Fn::Select": [1, {"Fn::Split": ["/", "x/b/y"]}]}, "/*"]]})
        }
        7 => json!({"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Env"}, "/*"]]}),
        8 => json!({"Fn::ImportValue": {"Fn::Sub": "${Env}-bucket"}}),
        9 => json!({"Fn::If": ["IsProd", "arn:aws:s3:::b/x", "*"]}),
        10 => json!({"Fn::If": ["OnC", "arn:aws:s3:::c/*", "arn:aws:s3:::b/x"]}),
        11 => json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        12 => json!({"Fn::Join": [",", {"Ref": "Buckets"}]}),
        13 => json!({"Fn::Sub": "arn:aws:s3:::${AWS::StackName}-data/*"}),
        // A piece of a parameter and of the region.
        14 => {
            json!({"Fn::Sub": ["arn:aws:s3:::${E}-${R}/*", {"E": {"Fn::Select": [0, {"Fn::Split": ["-", {"Ref": "Env"}]}]}, "R": {"Fn::Select": [1, {"Fn::Split": ["-", {"Ref": "AWS::Region"}]}]}}]})
        }
        // No spec spelling at all (a literal `$` right before a placeholder).
        _ => json!({"Fn::Sub": "arn:aws:s3:::$${Env}/x"}),
    }
}
const RESOURCE_VALUES: usize = 16;

/// Values of the `aws:PrincipalTag/team` condition key.
fn team_value(i: usize) -> Value {
    match i {
        0 => json!("ops"),
        1 => json!("dev"),
        2 => json!({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Team"]}),
        3 => json!({"Fn::FindInMap": ["Envs", {"Ref": "Env"}, "Team"]}),
        4 => json!({"Fn::If": ["IsProd", "ops", "dev"]}),
        5 => json!({"Fn::If": ["OnC", "dev", "ops"]}),
        6 => json!({"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "TeamList"}]}]}),
        7 => json!({"Fn::ImportValue": "team"}),
        // No spec spelling: the condition entry is lost.
        _ => json!({"Fn::Sub": "$${Env}"}),
    }
}
const TEAM_VALUES: usize = 9;

/// Values of the GitHub `sub` condition key (index 6 is a whole list).
fn sub_value(i: usize) -> Value {
    match i {
        0 => json!("repo:acme/app:ref:refs/heads/main"),
        1 => json!("repo:acme/app:*"),
        2 => json!({"Fn::FindInMap": ["Envs", {"Ref": "Env"}, "Sub"]}),
        3 => json!({"Fn::Select": [0, {"Ref": "Subs"}]}),
        4 => json!({"Fn::If": ["IsProd", "repo:acme/app:ref:refs/heads/main", "repo:acme/*"]}),
        5 => json!({"Fn::Join": ["", ["repo:", {"Ref": "Org"}, "/app:*"]]}),
        6 => json!({"Fn::Split": [",", {"Ref": "SubList"}]}),
        // No spec spelling: the condition entry is lost.
        _ => json!({"Fn::Sub": "repo:$${Org}/app:*"}),
    }
}
const SUB_VALUES: usize = 8;

/// Principals of a trust statement: type and value.
fn principal(i: usize) -> (&'static str, Value) {
    match i {
        0 => ("Service", json!("ec2.amazonaws.com")),
        1 => ("Federated", json!(PROVIDER)),
        2 => (
            "Federated",
            json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}),
        ),
        3 => ("AWS", json!({"Fn::ImportValue": "deployer"})),
        4 => (
            "AWS",
            json!({"Fn::If": ["IsProd", "arn:aws:iam::123456789012:root", "arn:aws:iam::999999999999:root"]}),
        ),
        // The template's own OIDC provider (issue 19): its ARN is `PROVIDER`.
        6 => ("Federated", json!({"Ref": "GitHubProvider"})),
        7 => (
            "Federated",
            json!({"Fn::GetAtt": ["GitHubProvider", "Arn"]}),
        ),
        _ => ("AWS", json!("*")),
    }
}
const PRINCIPALS: usize = 9;

fn effect(i: usize) -> Value {
    match i {
        0 | 1 => json!("Allow"),
        2 | 3 => json!("Deny"),
        4 => json!({"Fn::If": ["IsProd", "Allow", "Deny"]}),
        5 => json!({"Fn::If": ["OnC", "Deny", "Allow"]}),
        6 => json!({"Fn::If": ["IsProd", "Deny", "Allow"]}),
        // A parameter: no spec spelling (an Effect is literal).
        _ => json!({"Ref": "Eff"}),
    }
}
const EFFECTS: usize = 8;

const PERM_ACTIONS: &[&str] = &["s3:GetObject", "s3:*", "iam:PassRole", "kms:Decrypt", "*"];
const TRUST_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:*"];

/// A statement wrapper: plain, or under `Fn::If` on a condition with `AWS::NoValue` off.
fn wrap(w: usize, stmt: Value) -> Value {
    match w {
        1 => json!({"Fn::If": ["IsProd", stmt, {"Ref": "AWS::NoValue"}]}),
        2 => json!({"Fn::If": ["OnC", stmt, {"Ref": "AWS::NoValue"}]}),
        3 => json!({"Fn::If": ["Both", stmt, {"Ref": "AWS::NoValue"}]}),
        _ => stmt,
    }
}

#[derive(Debug, Clone)]
struct Cond {
    op: usize,
    sub: bool,
    /// The `aud` key instead (values `sts.amazonaws.com` or another audience).
    aud: bool,
    values: Vec<usize>,
}

const OPS: &[&str] = &["StringEquals", "StringLike", "StringNotEquals"];

#[derive(Debug, Clone)]
struct Stmt {
    effect: usize,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    principals: Vec<usize>,
    conds: Vec<Cond>,
    wrap: usize,
}

#[derive(Debug, Clone)]
struct Tpl {
    role_condition: usize,
    boundary: usize,
    boundary_default: bool,
    admin: usize,
    trust: Vec<Stmt>,
    policy: Vec<Stmt>,
    policy_wrap: usize,
    extra: Option<(usize, Vec<Stmt>)>,
    /// The OIDC provider: 0 plain, 1 under the condition `IsProd`, 2 with Tags.
    provider: usize,
    /// A trust statement exactly as the `github` helper writes it, naming the provider, with
    /// this `sub` value (index into [`sub_value`]), if any.
    github: Option<usize>,
}

fn cond() -> impl Strategy<Value = Cond> {
    (
        0..OPS.len(),
        any::<bool>(),
        prop::bool::weighted(0.25),
        prop::collection::vec(0..TEAM_VALUES.max(SUB_VALUES), 1..=2),
    )
        .prop_map(|(op, sub, aud, values)| Cond {
            op,
            sub,
            aud,
            values,
        })
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        0..EFFECTS,
        prop::bool::weighted(0.2),
        prop::collection::vec(0..PERM_ACTIONS.len(), 1..=2),
        prop::bool::weighted(0.2),
        prop::collection::vec(0..RESOURCE_VALUES, 1..=2),
        prop::collection::vec(0..PRINCIPALS, 1..=2),
        prop::collection::vec(cond(), 0..=2),
        prop::sample::select(vec![0usize, 0, 0, 1, 2, 3]),
    )
        .prop_map(
            |(effect, not_action, actions, not_resource, resources, principals, conds, wrap)| {
                Stmt {
                    effect,
                    not_action,
                    actions,
                    not_resource,
                    resources,
                    principals,
                    conds,
                    wrap,
                }
            },
        )
}

fn tpl() -> impl Strategy<Value = Tpl> {
    (
        (
            // Role-level constructs refuse the whole role: drawn less often, so most cases
            // reach the statements.
            prop::sample::select(vec![0usize, 0, 0, 0, 0, 1, 2, 2]),
            prop::sample::select(vec![0usize, 0, 0, 1, 1, 2]),
            any::<bool>(),
            prop::sample::select(vec![0usize, 0, 0, 1, 1, 2, 3, 3]),
        ),
        prop::collection::vec(stmt(), 1..=2),
        prop::collection::vec(stmt(), 1..=3),
        0..3usize,
        prop::option::weighted(0.4, (0..3usize, prop::collection::vec(stmt(), 1..=2))),
        (
            prop::sample::select(vec![0usize, 0, 0, 0, 0, 0, 0, 0, 1, 2]),
            prop::option::weighted(0.4, 0..SUB_VALUES),
            prop::bool::weighted(0.05),
        ),
    )
        .prop_map(
            |(
                (role_condition, boundary, boundary_default, admin),
                trust,
                policy,
                policy_wrap,
                extra,
                (provider, github, clean),
            )| {
                if clean {
                    return clean_tpl(github.unwrap_or(0) % 2);
                }
                Tpl {
                    role_condition,
                    boundary,
                    boundary_default,
                    admin,
                    trust,
                    policy,
                    policy_wrap,
                    extra,
                    provider,
                    github,
                }
            },
        )
}

/// A template the spec expresses whole (every construct exact): a service trust and the
/// `github` helper's statement naming the template's provider, one plain Allow. Whole imports
/// are compared both ways, so these check that the provider's trust comes across exactly.
fn clean_tpl(sub: usize) -> Tpl {
    let plain = |actions: Vec<usize>, principals: Vec<usize>| Stmt {
        effect: 0,
        not_action: false,
        actions,
        not_resource: false,
        resources: vec![0],
        principals,
        conds: Vec::new(),
        wrap: 0,
    };
    Tpl {
        role_condition: 0,
        boundary: 0,
        boundary_default: false,
        admin: 0,
        trust: vec![plain(vec![0], vec![0])],
        policy: vec![plain(vec![0], Vec::new())],
        policy_wrap: 0,
        extra: None,
        provider: 0,
        github: Some(sub),
    }
}

/// The condition names of the template, by index (0: none).
fn condition_name(i: usize) -> Option<&'static str> {
    match i {
        1 => Some("IsProd"),
        2 => Some("OnC"),
        _ => None,
    }
}

fn conditions_json(conds: &[Cond]) -> Value {
    let mut ops = serde_json::Map::new();
    for c in conds {
        let key = if c.aud {
            AUD
        } else if c.sub {
            SUB
        } else {
            TEAM
        };
        let values: Vec<Value> = c
            .values
            .iter()
            .map(|&v| {
                if c.aud {
                    json!(["sts.amazonaws.com", "other"][v % 2])
                } else if c.sub {
                    sub_value(v % SUB_VALUES)
                } else {
                    team_value(v % TEAM_VALUES)
                }
            })
            .collect();
        // A list-valued item (`Fn::Split`) is the whole value.
        let value = match values.as_slice() {
            [one] => one.clone(),
            many if many.iter().any(|v| v.get("Fn::Split").is_some()) => many[0].clone(),
            many => Value::Array(many.to_vec()),
        };
        let entry = ops.entry(OPS[c.op].to_owned()).or_insert_with(|| json!({}));
        entry[key] = value;
    }
    Value::Object(ops)
}

fn stmt_json(s: &Stmt, trust: bool) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("Effect".into(), effect(s.effect));
    let actions: Vec<Value> = s
        .actions
        .iter()
        .map(|&a| {
            json!(if trust {
                TRUST_ACTIONS[a % TRUST_ACTIONS.len()]
            } else {
                PERM_ACTIONS[a]
            })
        })
        .collect();
    m.insert(
        if s.not_action && !trust {
            "NotAction"
        } else {
            "Action"
        }
        .into(),
        Value::Array(actions),
    );
    if trust {
        let mut p = serde_json::Map::new();
        for &i in &s.principals {
            let (ty, v) = principal(i);
            let list = p.entry(ty.to_owned()).or_insert_with(|| json!([]));
            if let Value::Array(items) = list {
                items.push(v);
            }
        }
        m.insert("Principal".into(), Value::Object(p));
    } else {
        let resources: Vec<Value> = s.resources.iter().map(|&r| resource_value(r)).collect();
        m.insert(
            if s.not_resource {
                "NotResource"
            } else {
                "Resource"
            }
            .into(),
            Value::Array(resources),
        );
    }
    if !s.conds.is_empty() {
        m.insert("Condition".into(), conditions_json(&s.conds));
    }
    wrap(s.wrap, Value::Object(m))
}

/// The boundary expression of the role, if any.
fn boundary_json(t: &Tpl) -> Option<Value> {
    match t.boundary {
        1 => Some(json!(S3_ONLY)),
        2 => Some(json!({"Fn::If": ["HasBoundary", {"Ref": "Boundary"}, {"Ref": "AWS::NoValue"}]})),
        _ => None,
    }
}

fn template(t: &Tpl) -> Value {
    let doc = |stmts: &[Stmt], trust: bool| {
        json!({
            "Version": "2012-10-17",
            "Statement": stmts.iter().map(|s| stmt_json(s, trust)).collect::<Vec<_>>()
        })
    };
    let mut props = serde_json::Map::new();
    props.insert("RoleName".into(), json!("app"));
    let mut trust = doc(&t.trust, true);
    if let (Some(sub), Some(Value::Array(list))) = (t.github, trust.get_mut("Statement")) {
        // `sub` under the test the helper chooses: beside `aud` for a literal subject.
        let condition = if sub == 0 {
            json!({"StringEquals": {AUD: "sts.amazonaws.com", SUB: sub_value(sub)}})
        } else {
            json!({"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: sub_value(sub)}})
        };
        list.push(json!({
            "Effect": "Allow",
            "Principal": {"Federated": {"Ref": "GitHubProvider"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition
        }));
    }
    props.insert("AssumeRolePolicyDocument".into(), trust);
    if let Some(b) = boundary_json(t) {
        props.insert("PermissionsBoundary".into(), b);
    }
    match t.admin {
        1 => {
            props.insert("ManagedPolicyArns".into(), json!([ADMIN]));
        }
        2 => {
            props.insert(
                "ManagedPolicyArns".into(),
                json!([{"Fn::If": ["IsProd", ADMIN, {"Ref": "AWS::NoValue"}]}]),
            );
        }
        3 => {
            props.insert(
                "ManagedPolicyArns".into(),
                json!([{"Fn::If": ["OnC", ADMIN, {"Ref": "AWS::NoValue"}]}]),
            );
        }
        _ => {}
    }
    let policy = json!({"PolicyName": "p", "PolicyDocument": doc(&t.policy, false)});
    props.insert("Policies".into(), json!([wrap(t.policy_wrap, policy)]));
    let mut role = json!({"Type": "AWS::IAM::Role", "Properties": props});
    if let Some(c) = condition_name(t.role_condition) {
        role["Condition"] = json!(c);
    }
    let mut resources = serde_json::Map::new();
    resources.insert("Role".into(), role);
    if let Some((c, stmts)) = &t.extra {
        let mut extra = json!({
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "extra",
                "Roles": [{"Ref": "Role"}],
                "PolicyDocument": doc(stmts, false)
            }
        });
        if let Some(c) = condition_name(*c) {
            extra["Condition"] = json!(c);
        }
        resources.insert("Extra".into(), extra);
    }
    let mut provider = json!({
        "Type": "AWS::IAM::OIDCProvider",
        "Properties": {
            "Url": "https://token.actions.githubusercontent.com",
            "ClientIdList": ["sts.amazonaws.com"]
        }
    });
    match t.provider {
        1 => provider["Condition"] = json!("IsProd"),
        2 => provider["Properties"]["Tags"] = json!([{"Key": "team", "Value": "ops"}]),
        _ => {}
    }
    resources.insert("GitHubProvider".into(), provider);
    // What is not IAM (issue 19 part 2): a bucket, its own parameter and condition, an output.
    // The import leaves them out with notes; they must change nothing it grants.
    resources.insert(
        "Data".into(),
        json!({
            "Type": "AWS::S3::Bucket",
            "Condition": "IsProd",
            "Properties": {
                "BucketName": {"Fn::Sub": "${Env}-data"},
                "Tags": [{"Key": "retention", "Value": {"Ref": "Retention"}}]
            }
        }),
    );
    json!({
        "Outputs": {"DataName": {"Value": {"Ref": "Data"}, "Condition": "IsProd"}},
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {
            "Env": {"Type": "String", "Default": "prod"},
            "On": {"Type": "String", "AllowedValues": ["true", "false"], "Default": "true"},
            "Boundary": {"Type": "String", "Default": if t.boundary_default { S3_ONLY } else { "" }},
            "Buckets": {"Type": "CommaDelimitedList", "Default": "arn:aws:s3:::b/*,arn:aws:s3:::c/y"},
            "Subs": {"Type": "CommaDelimitedList", "Default": "repo:acme/app:ref:refs/heads/main,repo:acme/app:environment:prod"},
            "SubList": {"Type": "String", "Default": "repo:acme/app:ref:refs/heads/main,repo:acme/app:environment:prod"},
            "TeamList": {"Type": "String", "Default": "ops,dev"},
            "Org": {"Type": "String", "Default": "acme"},
            "Eff": {"Type": "String", "Default": "Allow"},
            "Retention": {"Type": "Number", "Default": 30, "MinValue": 1}
        },
        "Mappings": {
            "Envs": {
                "prod": {"Bucket": "arn:aws:s3:::b/x", "Team": "ops", "Sub": "repo:acme/app:ref:refs/heads/main"},
                "dev": {"Bucket": "*", "Team": "dev", "Sub": "repo:acme/app:*"}
            },
            "Regions": {
                "us-east-1": {"Bucket": "arn:aws:s3:::c/*", "Team": "ops"},
                "eu-west-1": {"Bucket": "*", "Team": "dev"}
            }
        },
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "OnC": {"Fn::Equals": [{"Ref": "On"}, "true"]},
            "Both": {"Fn::And": [{"Condition": "OnC"}, {"Condition": "IsProd"}]},
            "HasBoundary": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Boundary"}, ""]}]}
        },
        "Resources": resources
    })
}

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
    ("AWS", "imported:deployer"),
    ("AWS", "arn:aws:iam::123456789012:root"),
    ("AWS", "arn:aws:iam::999999999999:root"),
];
const REQ_TRUST_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"];

#[derive(Debug, Clone, Copy)]
struct Req {
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
struct Role {
    trust: Value,
    docs: Vec<Value>,
    boundary: Option<Value>,
}

fn allow_all(action: &str) -> Value {
    json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
}

fn role_of(resolved: &Value, key: &str, boundary: Option<String>) -> Option<Role> {
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

fn permitted(r: &Role, req: &Req) -> bool {
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

fn trusted(r: &Role, req: &Req) -> bool {
    let (allow, deny) = decide(std::iter::once(&r.trust), req);
    allow && !deny
}

fn permission_requests() -> Vec<Req> {
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

fn trust_requests() -> Vec<Req> {
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

pub(crate) fn compile(text: &str) -> Option<Module> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("imported.yaml");
    std::fs::write(&path, text).ok()?;
    let mut o = rolegen::build::compile(
        std::slice::from_ref(&path),
        rolegen::build::CompileOptions::VALIDATE,
    );
    if o.diagnostics.has_errors() || o.modules.is_empty() {
        return None;
    }
    Some(o.modules.remove(0).module)
}

fn pseudo(b: &mut Bindings) {
    b.partition = "aws".into();
    b.account = ACCOUNT.into();
    b.region = "us-east-1".into();
    b.url_suffix = "amazonaws.com".into();
}

/// What the runs saw, for the report.
#[derive(Default)]
struct Seen {
    cases: Cell<usize>,
    partial: Cell<usize>,
    not_compiling: Cell<usize>,
    roles_refused: Cell<usize>,
    introduced_defaults: Cell<usize>,
    introduced_supplied: Cell<usize>,
    requests: Cell<usize>,
    /// Specs whose role trusts the template's OIDC provider through a helper.
    provider_helpers: Cell<usize>,
}

fn bump(c: &Cell<usize>, n: usize) {
    c.set(c.get() + n);
}

/// Imports the template of `t` and checks, for both values of the bool switch, that the
/// spec allows no request the template does not.
fn check(t: &Tpl, seen: &Seen) -> Result<(), TestCaseError> {
    let text = serde_json::to_string_pretty(&template(t)).unwrap();
    let path = Path::new("generated.template.json");
    let imported = cloudformation::import_text(path, &text, "generated")
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    bump(&seen.cases, 1);
    if imported.partial() {
        bump(&seen.partial, 1);
    }
    let Some(m) = compile(&imported.spec) else {
        // `rolegen build` refuses the spec: it grants nothing.
        bump(&seen.not_compiling, 1);
        return Ok(());
    };
    if !imported.keys.contains_key("Role") || !imported.spec.contains("\n  role:") {
        bump(&seen.roles_refused, 1);
    } else if imported.spec.contains("oidc_provider: git-hub-provider") {
        bump(&seen.provider_helpers, 1);
    }
    for on in [true, false] {
        let mut orig = Bindings::defaults(&m);
        orig.params.clear();
        pseudo(&mut orig);
        orig.params.insert("On".into(), ParamValue::Bool(on));
        let want = cfn_resolve::resolve_text(path, &text, &orig).map_err(|e| {
            TestCaseError::fail(format!("the template does not resolve: {e}\n{text}"))
        })?;
        let want = cfn_resolve::rekey(&want, &imported.keys);
        let mut b = Bindings::defaults(&m);
        pseudo(&mut b);
        b.params.insert("On".into(), ParamValue::Bool(on));
        // Introduced parameters: the default the import wrote; else the template's value.
        for (name, expr) in &imported.introduced {
            let p = m.params.get(name.as_str());
            if p.is_some_and(|p| p.default.is_some()) {
                bump(&seen.introduced_defaults, 1);
                continue;
            }
            bump(&seen.introduced_supplied, 1);
            let v = cfn_resolve::resolve_value(path, &text, expr, &orig)
                .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            let v = match v {
                Some(Value::Array(items)) => ParamValue::List(
                    items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default().to_owned())
                        .collect(),
                ),
                Some(Value::String(s)) => ParamValue::Str(s),
                other => ParamValue::Str(other.map(|v| v.to_string()).unwrap_or_default()),
            };
            b.params.insert(name.clone(), v);
        }
        let got = b.module(&m);
        let want_boundary = match boundary_json(t) {
            Some(e) => cfn_resolve::resolve_value(path, &text, &e, &orig)
                .map_err(|e| TestCaseError::fail(e.to_string()))?
                .and_then(|v| v.as_str().map(str::to_owned)),
            None => None,
        };
        if !imported.partial() {
            for (key, _) in want
                .get("roles")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if got.get("roles").and_then(|r| r.get(key)).is_none() {
                    return Err(TestCaseError::fail(format!(
                        "the import reports no error, yet the template creates role {key} (On={on}) and the spec does not\n--- template\n{text}\n--- spec\n{}",
                        imported.spec
                    )));
                }
            }
        }
        for (key, _) in got
            .get("roles")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let spec_role = m.roles.values().find(|r| r.id.pascal() == *key);
            let got_boundary = spec_role
                .and_then(|r| r.boundary.as_ref())
                .map(|t| b.scalar(t));
            let g =
                role_of(&got, key, got_boundary).ok_or_else(|| TestCaseError::fail("no role"))?;
            let Some(w) = role_of(&want, key, want_boundary.clone()) else {
                return Err(TestCaseError::fail(format!(
                    "the spec creates role {key} (On={on}), the template does not\n--- template\n{text}\n--- spec\n{}",
                    imported.spec
                )));
            };
            // An import that says it is whole (no error: exit 0) grants exactly what the
            // template grants, not less either.
            let whole = !imported.partial();
            for req in permission_requests() {
                bump(&seen.requests, 1);
                if whole && permitted(&w, &req) && !permitted(&g, &req) {
                    return Err(TestCaseError::fail(format!(
                        "the import reports no error, yet the template allows {req:?} (On={on}) and the spec does not\n--- template\n{text}\n--- spec\n{}",
                        imported.spec
                    )));
                }
                if permitted(&g, &req) && !permitted(&w, &req) {
                    return Err(TestCaseError::fail(format!(
                        "the spec allows {req:?} (On={on}), the template does not\n--- template\n{text}\n--- spec\n{}",
                        imported.spec
                    )));
                }
            }
            for req in trust_requests() {
                bump(&seen.requests, 1);
                if whole && trusted(&w, &req) && !trusted(&g, &req) {
                    return Err(TestCaseError::fail(format!(
                        "the import reports no error, yet the template trusts {req:?} (On={on}) and the spec does not\n--- template\n{text}\n--- spec\n{}",
                        imported.spec
                    )));
                }
                if trusted(&g, &req) && !trusted(&w, &req) {
                    return Err(TestCaseError::fail(format!(
                        "the spec trusts {req:?} (On={on}), the template does not\n--- template\n{text}\n--- spec\n{}",
                        imported.spec
                    )));
                }
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("IMPORT_NEVER_WIDER_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

#[test]
fn every_cloudformation_import_is_within_its_template() {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[15; 32]));
    let seen = Seen::default();
    let result = runner.run(&tpl(), |t| check(&t, &seen));
    eprintln!(
        "import_never_wider: {} templates ({} partial, {} specs that do not compile, {} with the role refused, {} trusting the template's OIDC provider through a helper), {} introduced parameters with a default and {} supplied, {} requests compared",
        seen.cases.get(),
        seen.partial.get(),
        seen.not_compiling.get(),
        seen.roles_refused.get(),
        seen.provider_helpers.get(),
        seen.introduced_defaults.get(),
        seen.introduced_supplied.get(),
        seen.requests.get()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // The universe exercises what it is for: most imports are partial and still compile.
    assert!(seen.partial.get() * 2 > seen.cases.get());
    // ... and some are whole, compared both ways (they grant exactly what the template does).
    assert!(seen.partial.get() < seen.cases.get());
    assert!(seen.not_compiling.get() * 2 < seen.cases.get());
    // ... and the template's OIDC provider comes across as a helper's in some.
    assert!(seen.provider_helpers.get() > 0);
}

// ---- Each case of issue 15, as found: what the import once did, and what it does now. ----

fn import_yaml(text: &str) -> rolegen::import::Imported {
    cloudformation::import_text(Path::new("t.yaml"), text, "t").unwrap()
}

fn messages(i: &rolegen::import::Imported) -> String {
    i.issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

const OIDC: &str = r#"
Parameters:
  Env: {Type: String, Default: prod}
Mappings:
  Repos:
    prod: {Sub: "repo:acme/app:ref:refs/heads/main", Subs: [a, b]}
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal: {Federated: !Sub "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}
            Condition:
              StringEquals: {"token.actions.githubusercontent.com:aud": sts.amazonaws.com}
              StringLike: {"token.actions.githubusercontent.com:sub": VALUE}
"#;

/// A GitHub OIDC trust whose `sub` came from `Fn::FindInMap` (or `Select`, `Join`, `Split`,
/// `GetAZs`) lost its whole Condition under `--allow-partial`: any workflow on GitHub could
/// take an admin role. The value is now a parameter (a lookup the spec can write is a
/// mapping lookup, a piece of a string parameter a piece), the Condition stays.
#[test]
fn a_deploy_time_value_in_a_trust_condition_is_a_parameter_not_a_dropped_condition() {
    for (value, param, default) in [
        // A lookup the spec can write is a mapping lookup (the Condition stays, exact).
        (
            "!FindInMap [Repos, !Ref Env, Sub]",
            "mappings.Repos[Env].Sub",
            None,
        ),
        (
            "!FindInMap [Repos, !Ref AWS::Region, Sub]",
            "mappings.Repos[AWS::Region].Sub",
            None,
        ),
        // One it cannot (a key of an entry is a list): a parameter.
        (
            "!FindInMap [Repos, !Ref Env, Subs]",
            "FromMap",
            Some(r#"["a", "b"]"#),
        ),
        // A piece of a string parameter is a piece (exact); one its default lacks is a
        // parameter.
        (
            "!Select [0, !Split [',', !Ref Env]]",
            "split(\",\", Env)[0]",
            None,
        ),
        ("!Select [1, !Split [',', !Ref Env]]", "Selected", None),
        (
            "!Join ['', ['repo:', !Select [0, !GetAZs '']]]",
            "Selected",
            None,
        ),
        ("!Split [',', !Ref Env]", "SplitList", Some("prod")),
        ("!GetAZs ''", "AZs", None),
    ] {
        let i = import_yaml(&OIDC.replace("VALUE", value));
        let spec = &i.spec;
        assert!(
            spec.contains("token.actions.githubusercontent.com:sub")
                && spec.contains(&format!("${{{param}}}")),
            "{value}: {spec}"
        );
        assert!(
            spec.contains("token.actions.githubusercontent.com:aud"),
            "{spec}"
        );
        let m = compile(spec).unwrap_or_else(|| panic!("{value}: does not compile\n{spec}"));
        if param.starts_with("mappings.") || param.starts_with("split(") {
            assert!(i.introduced.is_empty(), "{value}: {spec}");
            continue;
        }
        let p = &m.params[param];
        match default {
            Some(d) => assert!(
                format!("{:?}", p.default).contains(d),
                "{value}: {:?}",
                p.default
            ),
            None => assert!(p.default.is_none(), "{value}: {:?}", p.default),
        }
        assert!(i.introduced.contains_key(param));
    }
}

/// `PermissionsBoundary: !If [HasX, !Ref X, !Ref AWS::NoValue]` was dropped, the role kept:
/// now it is the spec's optional boundary `${X}` (issue 19), on any number of roles, and a
/// form the spec cannot express refuses the role, named, with why.
#[test]
fn a_boundary_the_spec_cannot_express_refuses_the_role() {
    const OPTIONAL: &str = r#"
Parameters:
  Boundary: {Type: String, Default: ""}
Conditions:
  HasBoundary: !Not [!Equals [!Ref Boundary, ""]]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !If [HasBoundary, !Ref Boundary, !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
"#;
    let second = "  Worker:\n    Type: AWS::IAM::Role\n    Properties:\n      PermissionsBoundary: !If [HasBoundary, !Ref Boundary, !Ref AWS::NoValue]\n      AssumeRolePolicyDocument:\n        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: lambda.amazonaws.com}}]\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/PowerUserAccess]\n";
    // The idiom alone, on two roles, with the parameter and the condition used elsewhere too
    // (a tag, a switched attachment): every role keeps the boundary as `${Boundary}`.
    for text in [
        OPTIONAL.to_owned(),
        format!("{OPTIONAL}{second}"),
        OPTIONAL.replace(
            "ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]",
            "ManagedPolicyArns: [!If [HasBoundary, arn:aws:iam::aws:policy/AdministratorAccess, !Ref AWS::NoValue]]\n      Tags: [{Key: b, Value: !Ref Boundary}]",
        ),
        OPTIONAL.replace(
            "!If [HasBoundary, !Ref Boundary, !Ref AWS::NoValue]",
            "!If [NoBoundary, !Ref AWS::NoValue, !Ref Boundary]",
        )
        .replace("HasBoundary: !Not [!Equals [!Ref Boundary, \"\"]]", "NoBoundary: !Equals [!Ref Boundary, \"\"]"),
    ] {
        let i = import_yaml(&text);
        let msgs = messages(&i);
        assert!(!i.partial(), "{text}: {msgs}");
        let roles = text.matches("PermissionsBoundary: !If").count();
        assert_eq!(
            i.spec.matches("permissions_boundary: ${Boundary}").count(),
            roles,
            "{}",
            i.spec
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        std::fs::write(&path, &i.spec).unwrap();
        let built = rolegen::build::compile(
            std::slice::from_ref(&path),
            rolegen::build::CompileOptions::EMIT,
        );
        let module = &built.modules[0];
        assert!(!built.diagnostics.has_errors(), "{}", i.spec);
        for role in module.module.roles.values() {
            let b = role.boundary.as_ref().unwrap();
            assert_eq!(
                module.module.optional_param(b).map(|p| p.as_str()),
                Some("Boundary")
            );
        }
        let cfn = module
            .files
            .iter()
            .find(|f| f.path.starts_with("cloudformation/") && f.path.ends_with(".yaml"))
            .map(|f| f.contents.clone())
            .unwrap();
        assert!(
            cfn.contains("          - Fn::If:\n              - HasBoundary\n              - !Ref Boundary\n              - !Ref AWS::NoValue"),
            "{cfn}"
        );
    }

    // A form the spec cannot express refuses the role, as before: a default boundary (the
    // spec's optional value is empty by default), no default at all, another parameter in
    // the branch.
    for (from, to) in [
        (
            "Default: \"\"}",
            "Default: \"arn:aws:iam::123456789012:policy/S3Only\"}",
        ),
        ("{Type: String, Default: \"\"}", "{Type: String}"),
        (
            "!If [HasBoundary, !Ref Boundary, !Ref AWS::NoValue]",
            "!If [HasBoundary, !Ref Other, !Ref AWS::NoValue]",
        ),
    ] {
        let text = OPTIONAL.replace(from, to).replace(
            "Parameters:\n",
            "Parameters:\n  Other: {Type: String, Default: \"\"}\n",
        );
        assert_ne!(text, OPTIONAL);
        let i = import_yaml(&text);
        let msgs = messages(&i);
        assert!(
            msgs.contains("App: the role is not imported: its PermissionsBoundary cannot be expressed; importing it without that would grant more"),
            "{to}: {msgs}"
        );
        assert!(!i.spec.contains("AdministratorAccess"), "{}", i.spec);
    }
}

/// Resources under a `Condition` that is no switch the spec can express (two parameters
/// compared) were imported "as if true": a role is refused, a policy keeps its Denies (always
/// on), a key is not created.
#[test]
fn a_resource_condition_that_is_not_a_switch_is_never_as_if_true() {
    let i = import_yaml(
        r#"
Parameters:
  Env: {Type: String, Default: prod}
  ProdName: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, !Ref ProdName]
Resources:
  Base:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
      Policies:
        - PolicyName: all
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: "*", Resource: "*"}]
  ProdOnly:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {AWS: "*"}}]
  Guard:
    Type: AWS::IAM::Policy
    Condition: IsProd
    Properties:
      PolicyName: guard
      Roles: [!Ref Base]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: s3:*, Resource: "*"}
          - {Effect: Deny, Action: iam:*, Resource: "*"}
  Key:
    Type: AWS::KMS::Key
    Condition: IsProd
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "kms:*", Resource: "*"}]
"#,
    );
    let msgs = messages(&i);
    assert!(
        msgs.contains("ProdOnly: the role is not imported: its Condition cannot be a `when:`"),
        "{msgs}"
    );
    assert!(msgs.contains("Key: the key is not imported"), "{msgs}");
    let spec = &i.spec;
    assert!(!spec.contains("prod-only"), "{spec}");
    assert!(!spec.contains("kms_keys"), "{spec}");
    // The guard's Deny stays, always on; its Allow is left out.
    assert!(spec.contains("guard:") && spec.contains("iam:*"), "{spec}");
    assert!(!spec.contains("s3:*"), "{spec}");
    assert!(!spec.contains("when:"), "{spec}");
}

/// Distinct `!ImportValue !Sub ...` expressions were collapsed into one parameter.
#[test]
fn distinct_expressions_are_distinct_parameters() {
    let i = import_yaml(
        r#"
Parameters:
  Stage: {Type: String, Default: prod}
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS:
                - Fn::ImportValue: !Sub "${Stage}-deployer"
                - Fn::ImportValue: !Sub "${Stage}-auditor"
                - Fn::ImportValue: !Sub "${Stage}-deployer"
"#,
    );
    assert_eq!(i.introduced.len(), 2, "{:?}", i.introduced);
    let names: Vec<&String> = i.introduced.keys().collect();
    assert!(i.spec.contains(&format!("${{{}}}", names[0])));
    assert!(i.spec.contains(&format!("${{{}}}", names[1])));
}

/// Dropping a Deny (or part of one) widens: a Deny whose Condition entry cannot be
/// expressed is kept without it (denying more); an Allow is left out whole; an `Effect`
/// under a condition that is not a switch keeps the Deny branch only.
#[test]
fn a_deny_is_never_dropped_and_an_allow_never_loses_a_condition() {
    let i = import_yaml(
        r#"
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition: {StringEquals: {"aws:PrincipalTag/team": !Sub "$${Env}"}}
              - Effect: Deny
                Action: s3:DeleteObject
                Resource: "*"
                Condition:
                  StringNotEquals: {"aws:PrincipalTag/team": !Sub "$${Env}"}
                  Bool: {"aws:MultiFactorAuthPresent": "false"}
              - Effect: !If [IsProd, Deny, Allow]
                Action: ec2:*
                Resource: "*"
              - Effect: Allow
                NotAction: !Split [",", !GetAtt Nope.Arn]
                Resource: "*"
"#,
    );
    let spec = &i.spec;
    assert!(!spec.contains("s3:GetObject"), "{spec}");
    assert!(
        spec.contains("s3:DeleteObject") && spec.contains("aws:MultiFactorAuthPresent"),
        "{spec}"
    );
    assert!(!spec.contains("StringNotEquals"), "{spec}");
    assert!(spec.contains("ec2:*"), "{spec}");
    let m = compile(spec).unwrap();
    let got = Bindings::defaults(&m).module(&m);
    let doc = &got["roles"]["App"]["inline"]["p"]["Statement"];
    let effects: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Effect"].as_str().unwrap())
        .collect();
    assert_eq!(effects, ["Deny", "Deny"], "{doc}");
    let msgs = messages(&i);
    assert!(
        msgs.contains("this Allow statement is left out whole"),
        "{msgs}"
    );
    assert!(msgs.contains("it is kept denying more"), "{msgs}");
}

fn tf(text: &str) -> rolegen::import::Imported {
    rolegen::import::terraform::import_texts(
        Path::new("m"),
        vec![(Path::new("m/main.tf").to_path_buf(), text.to_owned())],
        "m",
    )
    .unwrap()
}

const TF_ROLE: &str = r#"
variable "env" {
  type    = string
  default = "prod"
}
resource "aws_iam_role" "app" {
  name               = "app"
  COUNT
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_role_policy" "p" {
  name   = "p"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.p.json
}
data "aws_iam_policy_document" "p" {
  STATEMENTS
}
"#;

/// Terraform: a `count` that is not a switch refuses the role; an `effect` from a variable is
/// a Deny; a condition that cannot be read drops its Allow and narrows its Deny; a dynamic
/// statement under a condition that is not a switch keeps only a Deny; extra document
/// attributes (`override_policy_documents`, which may deny) refuse the role.
#[test]
fn terraform_never_widens() {
    // A comparison of two values (or an `||` with one) is no spec condition.
    for count in [
        "var.env == lower(var.env)",
        "var.env == \"prod\" || var.env == lower(var.env)",
    ] {
        let i = tf(&TF_ROLE
            .replace("COUNT", &format!("count = {count} ? 1 : 0"))
            .replace("STATEMENTS", ""));
        assert!(
            messages(&i).contains(
                "aws_iam_role.app: the role is not imported: its `count` cannot be a `when:`"
            ),
            "{}",
            messages(&i)
        );
    }
    let stmts = r#"
  statement {
    effect    = var.env
    actions   = ["ec2:*"]
    resources = ["*"]
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = [local.team]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalTag/team"
      values   = [local.team]
    }
  }
  dynamic "statement" {
    for_each = var.env == lower(var.env) ? [1] : []
    content {
      actions   = ["iam:*"]
      resources = ["*"]
    }
  }
  dynamic "statement" {
    for_each = var.env == lower(var.env) ? [1] : []
    content {
      effect    = "Deny"
      actions   = ["kms:*"]
      resources = ["*"]
    }
  }
"#;
    let i = tf(&TF_ROLE.replace("COUNT", "").replace("STATEMENTS", stmts));
    let spec = &i.spec;
    let m = compile(spec).unwrap_or_else(|| panic!("{spec}"));
    let got = Bindings::defaults(&m).module(&m);
    let doc = got["roles"]["App"]["inline"]["p"]["Statement"].clone();
    let summary: Vec<(String, Value, Option<Value>)> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["Effect"].as_str().unwrap().to_owned(),
                s["Action"].clone(),
                s.get("Condition").cloned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Deny".to_owned(), json!(["ec2:*"]), None),
            ("Deny".to_owned(), json!(["s3:DeleteObject"]), None),
            ("Deny".to_owned(), json!(["kms:*"]), None),
        ],
        "{spec}"
    );
    let i = tf(&TF_ROLE.replace("COUNT", "").replace(
        "STATEMENTS",
        "override_policy_documents = [var.env]\n  statement {\n    actions   = [\"s3:*\"]\n    resources = [\"*\"]\n  }",
    ));
    assert!(
        messages(&i).contains(
            "the role is not imported: its policy aws_iam_role_policy.p cannot be imported"
        ),
        "{}",
        messages(&i)
    );
}

/// IAM JSON: a boundary that cannot be read refuses the role; a Deny whose condition value
/// cannot be read is kept without that entry; an Allow is left out.
#[test]
fn iam_json_never_widens() {
    let role = |extra: &str, doc: &str| {
        format!(
            r#"{{"Role": {{"RoleName": "app", "Path": "/", {extra}
              "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}}},
              "RoleName": "app", "PolicyName": "p", "PolicyDocument": {doc}}}"#
        )
    };
    let import = |text: String| {
        rolegen::import::iam_json::import_texts(
            vec![(Path::new("r.json").to_path_buf(), text)],
            "m",
        )
        .unwrap()
    };
    let ok_doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let i = import(role(
        r#""PermissionsBoundary": {"PermissionsBoundaryType": "Policy"},"#,
        ok_doc,
    ));
    assert!(
        messages(&i).contains(
            "role `app` is not imported: its PermissionsBoundary has no PermissionsBoundaryArn"
        ),
        "{}",
        messages(&i)
    );
    let doc = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": {"nested": 1}}}},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": {"nested": 1}}, "Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}"#;
    let i = import(role("", doc));
    let spec = &i.spec;
    assert!(!spec.contains("s3:*"), "{spec}");
    assert!(
        spec.contains("iam:*") && spec.contains("aws:MultiFactorAuthPresent"),
        "{spec}"
    );
    assert!(!spec.contains("aws:PrincipalTag/team"), "{spec}");
}

/// Issue 19: extra managed policies from a parameter, `!If [HasX, !Split [",", !Ref X], !Ref
/// AWS::NoValue]` (X a String) or `!If [HasX, !Ref X, !Ref AWS::NoValue]` (X a
/// CommaDelimitedList), X empty by default and used nowhere else, are the role's own
/// extra-policies escape hatch: imported as the template deploys at its defaults (none), the
/// built stack takes them through `<Role>AdditionalPolicyArns`. Anything beyond the idiom is
/// not folded (and never imported as if the policies were attached or absent).
#[test]
fn optional_managed_policies_from_a_parameter_are_the_roles_hatch() {
    let split = r#"
Parameters:
  Extra: {Type: String, Default: ""}
Conditions:
  HasExtra: !Not [!Equals [!Ref Extra, ""]]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: !If [HasExtra, !Split [",", !Ref Extra], !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}]
"#;
    let list = split
        .replace("Type: String, Default", "Type: CommaDelimitedList, Default")
        .replace("!Split [\",\", !Ref Extra]", "!Ref Extra")
        .replace(
            "!Equals [!Ref Extra, \"\"]",
            "!Equals [!Join [\"\", !Ref Extra], \"\"]",
        );
    assert_ne!(list, split);
    for text in [split.to_owned(), list] {
        let i = import_yaml(&text);
        let msgs = messages(&i);
        assert!(!i.partial(), "{msgs}\n{text}");
        assert!(
            msgs.contains("`Extra` (empty by default) is more managed policies (comma-separated ARNs) of role `App` when set: the role's escape hatch `AppAdditionalPolicyArns`"),
            "{msgs}"
        );
        assert!(!i.spec.contains("managed_policies"), "{}", i.spec);
        assert!(!i.spec.contains("Extra"), "{}", i.spec);
        let m = compile(&i.spec).expect("the spec compiles");
        let role = m.roles.values().next().unwrap();
        assert!(role.managed.is_empty());
        assert!(role
            .hatches
            .contains(&rolegen::model::Hatch::AdditionalPolicyArns));
    }
    // Beyond the idiom, a non-empty default: not the hatch, but the parameter as a list of
    // policy ARNs (`arn: ${Extra}`), its default split on commas: the same ARNs attached for
    // every value (an empty one attaches none either way).
    let text = split.replace(
        "Default: \"\"}",
        "Default: \"arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::123456789012:policy/x\"}",
    );
    let i = import_yaml(&text);
    assert!(!i.partial(), "{}", messages(&i));
    assert!(!messages(&i).contains("AppAdditionalPolicyArns"));
    let m = compile(&i.spec).expect("the spec compiles");
    let role = m.roles.values().next().unwrap();
    assert!(
        matches!(&role.managed[..], [a] if matches!(&a.target, rolegen::model::PolicyRef::Arns(p) if p.as_str() == "Extra")),
        "{}",
        i.spec
    );
    assert!(
        i.spec.contains("- arn:aws:iam::123456789012:policy/x"),
        "{}",
        i.spec
    );
    // The parameter used elsewhere as one text: neither the hatch nor a list; the role is
    // refused (the policies it attaches may deny), never imported as if they were absent.
    for (from, to) in [
        (
            "PolicyName: read",
            "PolicyName: !Join [\"-\", [read, !Ref Extra]]",
        ),
        (
            "AssumeRolePolicyDocument:",
            "RoleName: !Sub \"app-${Extra}\"\n      AssumeRolePolicyDocument:",
        ),
    ] {
        let text = split.replace(from, to);
        assert_ne!(text, split);
        let i = import_yaml(&text);
        assert!(i.partial(), "{to}: {}", messages(&i));
        assert!(
            !messages(&i).contains("AppAdditionalPolicyArns"),
            "{}",
            messages(&i)
        );
    }
}
