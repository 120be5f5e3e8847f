//! No import grants more than its source. Random CloudFormation templates are drawn from a
//! small universe of the constructs a spec cannot express one to one — values from
//! `Fn::FindInMap` (with literal and deploy-time keys), `Fn::Select`, `Fn::Join`, `Fn::Split`,
//! `Fn::GetAZs`, `Fn::ImportValue !Sub`, `Fn::If` on bool switches and on conditions that are
//! not, `Fn::If` in `Effect`, whole statements, policies and attachments under `Fn::If`,
//! `NotAction`/`NotResource`, `Deny`, resource `Condition`s, permissions boundaries under
//! `Fn::If [HasX, !Ref X, !Ref AWS::NoValue]`, an OIDC provider under a condition (the bool
//! switch's too) named through `!If [C, !GetAtt P.Arn, !Sub <its ARN>]` or a fallback that is
//! not its ARN (a parameter, another account's), a role name, path or tag that may be nothing
//! — and imported, partial or not. The spec is
//! compiled and resolved with the parameters at the defaults the import wrote (a parameter
//! it introduced without a default gets the template's value, computed by the resolver) and
//! the template is resolved as CloudFormation would; then the brute-force oracle
//! (`tests/it/oracle`) evaluates every concrete request — permission (action × resource ×
//! context) and trust (principal × action × context) — and every request the spec allows
//! must be allowed by the template. The role's name and path are the template's (or left out
//! by a partial import) and every tag the spec sets the template sets alike. The request side
//! is `import_never_wider_eval`.
//!
//! The property fails when a widening is put back: with `narrow::settle` keeping an Allow
//! whose Condition was lost, it finds a counterexample within the first cases (see the note
//! of issue 15).

use crate::import_never_wider_eval::{
    permission_requests, permitted, role_of, trust_requests, trusted,
};
use crate::import_never_wider_values::{
    effect, principal, provider_choice, resource_value, sub_value, team_value, wrap, CHOICES,
    EFFECTS, PERM_ACTIONS, PRINCIPALS, RESOURCE_VALUES, SUB_VALUES, TEAM_VALUES, TRUST_ACTIONS,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rolegen::import::{cfn_resolve, cloudformation};
use rolegen::model::resolve::Bindings;
use rolegen::model::{Module, ParamValue};
use serde_json::{json, Value};
use std::cell::Cell;
use std::path::Path;

const ACCOUNT: &str = "123456789012";
pub(crate) const S3_ONLY: &str = "arn:aws:iam::123456789012:policy/S3Only";
pub(crate) const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
pub(crate) const TEAM: &str = "aws:PrincipalTag/team";
pub(crate) const SUB: &str = "token.actions.githubusercontent.com:sub";
pub(crate) const AUD: &str = "token.actions.githubusercontent.com:aud";
pub(crate) const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
/// Another account's provider of the same issuer: the ARN a fallback parameter or literal names.
pub(crate) const OTHER_PROVIDER: &str =
    "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com";

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
    /// The OIDC provider: 0 plain, 1 under the condition `IsProd`, 2 with Tags, 3 under the
    /// bool switch's condition `OnC` (switched: where it is off the account has it).
    provider: usize,
    /// How the `github` statement names the provider ([`provider_choice`]).
    choice: usize,
    /// The role's name: 0 `app`; 1 `!If [HasName, !Ref AppName, !Ref AWS::NoValue]`, with
    /// `AppName` empty by default (generated) when `.1` is false.
    name: (usize, bool),
    /// The role's path: 0 none; 1 `!If [HasPath, !Ref AppPath, !Ref AWS::NoValue]`, `AppPath`
    /// empty by default when `.1` is false.
    path: (usize, bool),
    /// A role tag `team`: 0 none; 1 `!If [HasTeamTag, {team: !Ref TeamTag}, !Ref
    /// AWS::NoValue]`; 2 plain `{team: !Ref TeamTag}` (set empty while `TeamTag` is: refused).
    /// `TeamTag` is empty by default when `.1` is false.
    tag: (usize, bool),
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
            prop::sample::select(vec![0usize, 0, 0, 0, 0, 0, 1, 2, 3, 3]),
            prop::option::weighted(0.4, 0..SUB_VALUES),
            prop::bool::weighted(0.08),
            0..CHOICES,
        ),
        (
            (prop::sample::select(vec![0usize, 0, 1]), any::<bool>()),
            (prop::sample::select(vec![0usize, 0, 1]), any::<bool>()),
            (prop::sample::select(vec![0usize, 0, 1, 2]), any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (role_condition, boundary, boundary_default, admin),
                trust,
                policy,
                policy_wrap,
                extra,
                (provider, github, clean, choice),
                (name, path, tag),
            )| {
                if clean {
                    return clean_tpl(github.unwrap_or(0) % 2, choice % 2 == 1, name, path, tag);
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
                    choice,
                    name,
                    path,
                    tag,
                    github,
                }
            },
        )
}

/// A template the spec expresses whole (every construct exact): a service trust and the
/// `github` helper's statement naming the template's provider — plain, or `switched` (under
/// `OnC`, named through rolegen's choice) — one plain Allow, and the optional name, path and
/// tag drawn (all exact but the plain tag set empty, refused). Whole imports are compared both ways, so these check that the provider's trust
/// comes across exactly.
fn clean_tpl(
    sub: usize,
    switched: bool,
    name: (usize, bool),
    path: (usize, bool),
    tag: (usize, bool),
) -> Tpl {
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
        provider: if switched { 3 } else { 0 },
        choice: usize::from(switched),
        name,
        path,
        // The plain tag set empty is refused (partial): a whole import of it would change
        // the tag, which the comparison of whole imports catches.
        tag,
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

fn stmt_json(s: &Stmt, trust: bool, switched: bool) -> Value {
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
            let (ty, v) = principal(i, switched);
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

/// The role's `Tags`, if any ([`Tpl::tag`]).
fn tags_json(t: &Tpl) -> Option<Value> {
    let tag = json!({"Key": "team", "Value": {"Ref": "TeamTag"}});
    match t.tag.0 {
        1 => Some(json!([{"Fn::If": ["HasTeamTag", tag, {"Ref": "AWS::NoValue"}]}])),
        2 => Some(json!([tag])),
        _ => None,
    }
}

fn template(t: &Tpl) -> Value {
    let switched = t.provider == 3;
    let doc = |stmts: &[Stmt], trust: bool| {
        json!({
            "Version": "2012-10-17",
            "Statement": stmts.iter().map(|s| stmt_json(s, trust, switched)).collect::<Vec<_>>()
        })
    };
    let mut props = serde_json::Map::new();
    let optional =
        |has: &str, p: &str| json!({"Fn::If": [has, {"Ref": p}, {"Ref": "AWS::NoValue"}]});
    props.insert(
        "RoleName".into(),
        if t.name.0 == 1 {
            optional("HasName", "AppName")
        } else {
            json!("app")
        },
    );
    if t.path.0 == 1 {
        props.insert("Path".into(), optional("HasPath", "AppPath"));
    }
    if let Some(tags) = tags_json(t) {
        props.insert("Tags".into(), tags);
    }
    let mut trust = doc(&t.trust, true);
    if let (Some(sub), Some(Value::Array(list))) = (t.github, trust.get_mut("Statement")) {
        // `sub` under the test the helper chooses: beside `aud` for a literal subject.
        let condition = if sub == 0 {
            json!({"StringEquals": {AUD: "sts.amazonaws.com", SUB: sub_value(sub)}})
        } else {
            json!({"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: sub_value(sub)}})
        };
        // A switched provider is never named by a plain `!Ref` (absent where it is off).
        let choice = if switched && t.choice == 0 {
            1
        } else {
            t.choice
        };
        list.push(json!({
            "Effect": "Allow",
            "Principal": {"Federated": provider_choice(choice)},
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
        3 => provider["Condition"] = json!("OnC"),
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
            "ProviderArn": {"Type": "String", "Default": OTHER_PROVIDER},
            "AppName": {"Type": "String", "Default": if t.name.1 { "app-x" } else { "" }},
            "AppPath": {"Type": "String", "Default": if t.path.1 { "/team/" } else { "" }},
            "TeamTag": {"Type": "String", "Default": if t.tag.1 { "ops" } else { "" }},
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
            "HasBoundary": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Boundary"}, ""]}]},
            "HasName": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AppName"}, ""]}]},
            "HasPath": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AppPath"}, ""]}]},
            "HasTeamTag": {"Fn::Not": [{"Fn::Equals": [{"Ref": "TeamTag"}, ""]}]}
        },
        "Resources": resources
    })
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
    /// Whole imports of a template whose provider is switched (`when:` on the provider).
    switched_whole: Cell<usize>,
    /// Roles compared whose name, path or tag may be nothing.
    optional_values: Cell<usize>,
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
    if t.provider == 3 && !imported.partial() {
        bump(&seen.switched_whole, 1);
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
            let wanted_tags = match tags_json(t) {
                Some(e) => cfn_resolve::resolve_value(path, &text, &e, &orig)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?,
                None => None,
            };
            if t.name.0 + t.path.0 + t.tag.0 > 0 {
                bump(&seen.optional_values, 1);
            }
            same_identity(
                &got,
                &want,
                key,
                spec_role,
                &b,
                &m,
                wanted_tags,
                !imported.partial(),
            )
            .map_err(|e| {
                TestCaseError::fail(format!(
                    "{e} (On={on})\n--- template\n{text}\n--- spec\n{}",
                    imported.spec
                ))
            })?;
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

/// The role's name and path are the template's (another name is another principal, another
/// path another ARN) or, in a partial import, left out; and every tag the spec sets the template sets to the same value (a tag
/// is matched by `aws:PrincipalTag` conditions elsewhere); a whole import sets them all.
#[allow(clippy::too_many_arguments)]
fn same_identity(
    got: &Value,
    want: &Value,
    key: &str,
    spec_role: Option<&rolegen::model::Role>,
    b: &Bindings,
    m: &Module,
    wanted_tags: Option<Value>,
    whole: bool,
) -> Result<(), String> {
    // A partial import may leave a name or path out (reported): generated, or `/`.
    for (field, left_out) in [("name", Value::Null), ("path", json!("/"))] {
        let (g, w) = (&got["roles"][key][field], &want["roles"][key][field]);
        if g != w && (whole || *g != left_out) {
            return Err(format!(
                "role {key}: the spec's {field} is {g}, the template's {w}"
            ));
        }
    }
    let got_tags: std::collections::BTreeMap<String, String> = spec_role
        .into_iter()
        .flat_map(|r| r.tags.iter())
        .filter_map(|(k, v)| b.optional(m, v).map(|v| (k.clone(), v)))
        .collect();
    let want_tags: std::collections::BTreeMap<String, String> = wanted_tags
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get("Key")?.as_str()?.to_owned(),
                t.get("Value")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    let extra = got_tags.iter().any(|(k, v)| want_tags.get(k) != Some(v));
    if extra || (whole && got_tags != want_tags) {
        return Err(format!(
            "role {key}: the spec's tags {got_tags:?}, the template's {want_tags:?}"
        ));
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
        "import_never_wider: {} templates ({} partial, {} specs that do not compile, {} with the role refused, {} trusting the template's OIDC provider through a helper, {} whole with the provider switched), {} roles compared with an optional name, path or tag, {} introduced parameters with a default and {} supplied, {} requests compared",
        seen.cases.get(),
        seen.partial.get(),
        seen.not_compiling.get(),
        seen.roles_refused.get(),
        seen.provider_helpers.get(),
        seen.switched_whole.get(),
        seen.optional_values.get(),
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
    // ... and a switched provider imports whole in some (its `when:` and rolegen's choice).
    assert!(seen.switched_whole.get() > 0);
    assert!(seen.optional_values.get() > 0);
}

// ---- Each case of issue 15, as found: what the import once did, and what it does now. ----
