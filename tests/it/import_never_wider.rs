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
