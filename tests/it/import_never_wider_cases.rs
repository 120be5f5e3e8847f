//! No import grants more than its source: the pinned cases beside the property test of
//! `import_never_wider` (whose template compiler it uses). Each is a construct the spec cannot
//! write one to one — a deploy-time value in a trust condition, a boundary, a resource
//! condition, a Deny, a Terraform or IAM JSON source, a list of managed policies from a
//! parameter — imported and checked to be refused, reported or kept exactly, never widened.

use crate::equivalence::with_param;
use crate::import_never_wider::compile;
use crate::template_text::{cfn_optional_app, cfn_optional_role};
use rolegen::import::cloudformation;
use rolegen::model::resolve::Bindings;
use rolegen::model::ParamValue;
use serde_json::{json, Value};
use std::path::Path;

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
    let admin = "      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n";
    let optional = cfn_optional_app("PermissionsBoundary", "Boundary", "!Ref Boundary", admin);
    let second = cfn_optional_role(
        "Worker",
        "lambda.amazonaws.com",
        ("PermissionsBoundary", "Boundary", "!Ref Boundary"),
        "      ManagedPolicyArns: [arn:aws:iam::aws:policy/PowerUserAccess]\n",
    );
    // The idiom alone, on two roles, with the parameter and the condition used elsewhere too
    // (a tag, a switched attachment): every role keeps the boundary as `${Boundary}`.
    for text in [
        optional.clone(),
        format!("{optional}{second}"),
        optional.replace(
            "ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]",
            "ManagedPolicyArns: [!If [HasBoundary, arn:aws:iam::aws:policy/AdministratorAccess, !Ref AWS::NoValue]]\n      Tags: [{Key: b, Value: !Sub 'b-${Boundary}'}]",
        ),
        optional.replace(
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
        let text = optional.replace(from, to).replace(
            "Parameters:\n",
            "Parameters:\n  Other: {Type: String, Default: \"\"}\n",
        );
        assert_ne!(text, optional);
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

/// The MFA idiom `Condition: !If [C, {Bool: {aws:MultiFactorAuthPresent: "true"}}, !Ref
/// AWS::NoValue]` (or one operator under the `!If`): under a switch the statement is two, each
/// exactly the template's for its outcome (their `Sid`s kept apart); under a condition the
/// spec cannot express, the Allow is left out whole (never kept without MFA) and a Deny kept
/// both ways (denying more).
#[test]
fn a_switched_mfa_condition_is_split_or_never_dropped() {
    let template = |cond: &str| {
        format!(
            r#"
Parameters:
  Mfa: {{Type: String, AllowedValues: ["true", "false"], Default: "true"}}
  A: {{Type: String, Default: x}}
  B: {{Type: String, Default: y}}
Conditions:
  RequireMfa: !Equals [!Ref Mfa, "true"]
  Same: !Equals [!Ref A, !Ref B]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: Account
            Effect: Allow
            Action: sts:AssumeRole
            Principal: {{AWS: "arn:aws:iam::111122223333:root"}}
            Condition: !If [{cond}, {{Bool: {{aws:MultiFactorAuthPresent: "true"}}}}, !Ref AWS::NoValue]
          - {{Effect: Allow, Action: sts:AssumeRole, Principal: {{Service: ec2.amazonaws.com}}}}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Deny
                Action: iam:*
                Resource: "*"
                Condition:
                  Bool: !If [{cond}, {{aws:MultiFactorAuthPresent: "false"}}, !Ref AWS::NoValue]
"#
        )
    };
    let switched = import_yaml(&template("RequireMfa"));
    let errors = crate::import::errors_of(&switched);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        switched.spec.contains("Sid: AccountNotMfa"),
        "{}",
        switched.spec
    );
    let m = compile(&switched.spec).unwrap();
    for (on, trust_conds, deny_conds) in [(true, 1, 1), (false, 0, 0)] {
        let b = with_param(&Bindings::defaults(&m), "Mfa", ParamValue::Bool(on));
        let got = b.module(&m);
        let trust = &got["roles"]["App"]["trust"]["Statement"];
        assert_eq!(trust.as_array().unwrap().len(), 2, "{on}: {trust}");
        let n = |s: &Value| {
            s.get("Condition")
                .map_or(0, |c| c.as_object().unwrap().len())
        };
        assert_eq!(n(&trust[0]), trust_conds, "{on}: {trust}");
        let deny = &got["roles"]["App"]["inline"]["p"]["Statement"];
        assert_eq!(n(&deny[0]), deny_conds, "{on}: {deny}");
    }
    let unsure = import_yaml(&template("Same"));
    let spec = &unsure.spec;
    assert!(!spec.contains("111122223333"), "{spec}");
    let m = compile(spec).unwrap();
    let got = Bindings::defaults(&m).module(&m);
    let deny = &got["roles"]["App"]["inline"]["p"]["Statement"];
    assert!(
        deny.as_array()
            .unwrap()
            .iter()
            .any(|s| s.get("Condition").is_none()),
        "the Deny without its condition is kept: {deny}"
    );
    let msgs = messages(&unsure);
    assert!(
        msgs.contains("this Allow statement is under a switch the spec cannot express"),
        "{msgs}"
    );
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
    let read = "      Policies:\n        - PolicyName: read\n          PolicyDocument:\n            Statement: [{Effect: Allow, Action: s3:GetObject, Resource: \"arn:aws:s3:::b/*\"}]\n";
    let split = cfn_optional_app(
        "ManagedPolicyArns",
        "Extra",
        "!Split [\",\", !Ref Extra]",
        read,
    );
    let list = split
        .replace("Type: String, Default", "Type: CommaDelimitedList, Default")
        .replace("!Split [\",\", !Ref Extra]", "!Ref Extra")
        .replace(
            "!Equals [!Ref Extra, \"\"]",
            "!Equals [!Join [\"\", !Ref Extra], \"\"]",
        );
    assert_ne!(list, split);
    for text in [split.clone(), list] {
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

/// A list parameter expanded inside a string (one string per item) gives the text around it
/// alone where CloudFormation is handed an empty list (`""` is one empty item), and with a
/// trailing wildcard that names more than any item (`arn:aws:s3:::data-*`). So an empty
/// default or example of such a list is refused (RG006); the Terraform importer keeps no `[]`
/// default for one (reported: whoever deploys gives the items), and refuses a `for` whose
/// string holds a deploy-time value (RG401: CloudFormation cannot repeat it per item), leaving
/// the Allow out rather than dropping the value.
#[test]
fn a_list_expanded_in_a_string_is_never_wider_when_empty() {
    for field in ["default", "example"] {
        let spec = format!(
            "module: m\nparameters:\n  Suffixes: {{type: list, {field}: []}}\nroles:\n  app:\n    name: app\n    trust:\n      - service: [ec2.amazonaws.com]\n    inline_policies:\n      p:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::data-${{Suffixes}}*\n"
        );
        assert!(compile(&spec).is_none(), "{spec}");
    }
    let module = |default: &str, each: &str| {
        tf(&TF_ROLE.replace("COUNT", "").replace(
            "STATEMENTS",
            &format!(
                "statement {{\n    actions   = [\"s3:GetObject\"]\n    resources = [for s in var.suffixes : \"{each}\"]\n  }}\n}}\nvariable \"suffixes\" {{\n  type    = list(string)\n  default = {default}"
            ),
        ))
    };
    let i = module("[]", "arn:aws:s3:::data-${s}*");
    assert!(
        messages(&i).contains("an empty list default cannot be expressed here"),
        "{}",
        messages(&i)
    );
    assert!(
        i.spec.contains("arn:aws:s3:::data-${Suffixes}*"),
        "{}",
        i.spec
    );
    let m = compile(&i.spec).unwrap_or_else(|| panic!("{}", i.spec));
    assert!(m.params["Suffixes"].default.is_none(), "{}", i.spec);
    let i = module(
        "[\"a\"]",
        "arn:${data.aws_partition.current.partition}:s3:::data-${s}*",
    );
    assert!(
        messages(&i).contains("builds each element from the list and other values"),
        "{}",
        messages(&i)
    );
    assert!(!i.spec.contains("s3:GetObject"), "{}", i.spec);
}
