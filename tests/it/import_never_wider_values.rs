//! The value tables of `import_never_wider`'s generator: the resource, condition, principal,
//! provider-reference and effect values its templates draw (by index), and the statement
//! wrappers. Moved out of `import_never_wider` whole (the architecture test's 1,000-line
//! limit).

use crate::import_never_wider::{OTHER_PROVIDER, PROVIDER};
use serde_json::{json, Value};

/// Values of a resource element.
pub(crate) fn resource_value(i: usize) -> Value {
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
pub(crate) const RESOURCE_VALUES: usize = 16;

/// Values of the `aws:PrincipalTag/team` condition key.
pub(crate) fn team_value(i: usize) -> Value {
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
pub(crate) const TEAM_VALUES: usize = 9;

/// Values of the GitHub `sub` condition key (index 6 is a whole list).
pub(crate) fn sub_value(i: usize) -> Value {
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
pub(crate) const SUB_VALUES: usize = 8;

/// Principals of a trust statement: type and value. `switched`: the template's provider is
/// under `OnC`, so a reference to it is rolegen's choice (its ARN spelt where it is off).
pub(crate) fn principal(i: usize, switched: bool) -> (&'static str, Value) {
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
        6 if switched => ("Federated", provider_choice(1)),
        7 if switched => ("Federated", provider_choice(5)),
        6 => ("Federated", json!({"Ref": "GitHubProvider"})),
        7 => (
            "Federated",
            json!({"Fn::GetAtt": ["GitHubProvider", "Arn"]}),
        ),
        _ => ("AWS", json!("*")),
    }
}
pub(crate) const PRINCIPALS: usize = 9;

/// The provider's ARN spelt (what its switch's off branch names: the account has it).
pub(crate) fn provider_spelt() -> Value {
    json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"})
}

/// How a trust statement names the template's provider (issue 19, session 10): 0 `!Ref`;
/// 1 and 5 rolegen's choice `!If [OnC, P's ARN, spelt]` (exact where `OnC` is P's own
/// Condition, lifted per branch otherwise); refused-as-one forms, lifted per branch: 2 a
/// parameter ARN fallback, 3 a literal other account's ARN, 4 a choice on another switch
/// (`Both`, which implies every condition the provider may have).
pub(crate) fn provider_choice(i: usize) -> Value {
    let getatt = json!({"Fn::GetAtt": ["GitHubProvider", "Arn"]});
    match i {
        1 => json!({"Fn::If": ["OnC", getatt, provider_spelt()]}),
        5 => json!({"Fn::If": ["OnC", {"Ref": "GitHubProvider"}, provider_spelt()]}),
        2 => json!({"Fn::If": ["OnC", getatt, {"Ref": "ProviderArn"}]}),
        3 => json!({"Fn::If": ["OnC", getatt, OTHER_PROVIDER]}),
        4 => json!({"Fn::If": ["Both", getatt, provider_spelt()]}),
        _ => json!({"Ref": "GitHubProvider"}),
    }
}
pub(crate) const CHOICES: usize = 6;

pub(crate) fn effect(i: usize) -> Value {
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
pub(crate) const EFFECTS: usize = 8;

pub(crate) const PERM_ACTIONS: &[&str] =
    &["s3:GetObject", "s3:*", "iam:PassRole", "kms:Decrypt", "*"];
pub(crate) const TRUST_ACTIONS: &[&str] =
    &["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:*"];

/// A statement wrapper: plain, or under `Fn::If` on a condition with `AWS::NoValue` off.
pub(crate) fn wrap(w: usize, stmt: Value) -> Value {
    match w {
        1 => json!({"Fn::If": ["IsProd", stmt, {"Ref": "AWS::NoValue"}]}),
        2 => json!({"Fn::If": ["OnC", stmt, {"Ref": "AWS::NoValue"}]}),
        3 => json!({"Fn::If": ["Both", stmt, {"Ref": "AWS::NoValue"}]}),
        _ => stmt,
    }
}
