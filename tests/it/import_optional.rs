//! Values that may be nothing in both importers (issue 19): a role tag left out while its
//! parameter is empty (CloudFormation `!If [HasX, {Key, Value: !Ref X}, !Ref AWS::NoValue]`,
//! Terraform `{ for k, v in { K = var.x } : k => v if v != "" }`) imports as the spec's
//! `${X}`, and resolves like its source with the parameter empty and set; a tag that the
//! source sets with an empty value cannot be expressed and is reported, never silently turned
//! into no tag. A role name that may be nothing (name or generated) imports the same way, and
//! nothing spells the role's name or ARN from it; `adopt: true` refuses such a role.

use crate::import::{compile, errors_of, round_trip};
use crate::import_tf_idioms::{assert_reported, import_text, EC2_TRUST};
use crate::template_text::{role, variables};

/// A CloudFormation template with an optional tag and a fixed one.
const CFN_TAG: &str = r#"
Parameters:
  CostCenter:
    Type: String
    Default: ""
Conditions:
  HasCostCenter: !Not [!Equals [!Ref CostCenter, ""]]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
      Tags:
        - {Key: team, Value: platform}
        - !If [HasCostCenter, {Key: CostCenter, Value: !Ref CostCenter}, !Ref AWS::NoValue]
"#;

fn template(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn cloudformation_optional_tag_round_trips_empty_and_set() {
    let (_d, path) = template(CFN_TAG);
    for values in [&[][..], &[("CostCenter", "cc-1")][..]] {
        let i = round_trip(&path, values, false);
        assert!(i.spec.contains("CostCenter: ${CostCenter}"), "{}", i.spec);
        let (_c, m) = compile(&i.spec, "t");
        let r = m.roles.values().next().unwrap();
        assert_eq!(
            m.optional_param(&r.tags["CostCenter"]).map(|p| p.as_str()),
            Some("CostCenter")
        );
    }
    // The NoValue-first form, with the condition "empty".
    let first = CFN_TAG
        .replace(
            "HasCostCenter: !Not [!Equals [!Ref CostCenter, \"\"]]",
            "NoCostCenter: !Equals [!Ref CostCenter, \"\"]",
        )
        .replace(
            "!If [HasCostCenter, {Key: CostCenter, Value: !Ref CostCenter}, !Ref AWS::NoValue]",
            "!If [NoCostCenter, !Ref AWS::NoValue, {Key: CostCenter, Value: !Ref CostCenter}]",
        );
    let (_d, path) = template(&first);
    let i = round_trip(&path, &[("CostCenter", "cc-1")], false);
    assert!(i.spec.contains("CostCenter: ${CostCenter}"), "{}", i.spec);
}

#[test]
fn cloudformation_tags_the_spec_cannot_express_are_reported() {
    let import = |text: &str| {
        let (_d, path) = template(text);
        rolegen::import::cloudformation::import(&path, "t").unwrap()
    };
    // Set with an empty value while the parameter is empty: not the spec's optional tag.
    let i = import(&CFN_TAG.replace(
        "!If [HasCostCenter, {Key: CostCenter, Value: !Ref CostCenter}, !Ref AWS::NoValue]",
        "{Key: CostCenter, Value: !Ref CostCenter}",
    ));
    assert!(
        errors_of(&i)
            .iter()
            .any(|e| e.contains("the tag `CostCenter`")),
        "{:?}",
        errors_of(&i)
    );
    assert!(!i.spec.contains("${CostCenter}"), "{}", i.spec);
    // Another value in the branch, or a parameter not empty by default: the `!If` is refused.
    for text in [
        CFN_TAG.replace("Value: !Ref CostCenter}", "Value: fixed}"),
        CFN_TAG.replace("Default: \"\"", "Default: cc-0"),
    ] {
        let i = import(&text);
        assert!(
            errors_of(&i).iter().any(|e| e.contains("Fn::If")),
            "{text}: {:?}",
            errors_of(&i)
        );
    }
}

/// A Terraform module with an optional tag as rolegen writes it.
fn tf_tag(default: &str, tags: &str) -> String {
    let vars = variables(&[
        ("tags", "map(string)", "{}"),
        ("cost_center", "string", default),
    ]);
    let role = role(
        "app",
        r#""app""#,
        &format!("  tags               = {tags}\n"),
    );
    format!("\n{vars}{EC2_TRUST}{role}")
}

#[test]
fn terraform_optional_tag_imports_as_the_specs() {
    const FOR: &str = r#"{ for k, v in { CostCenter = var.cost_center } : k => v if v != "" }"#;
    for (default, tags) in [
        (
            r#""""#,
            format!("merge(var.tags, {{ team = \"platform\" }}, {FOR})"),
        ),
        (r#""""#, format!("merge(var.tags, {FOR})")),
        ("null", format!("merge(var.tags, {FOR})")),
    ] {
        let i = import_text(&tf_tag(default, &tags));
        assert!(errors_of(&i).is_empty(), "{tags}: {:?}", errors_of(&i));
        assert!(i.spec.contains("CostCenter: ${CostCenter}"), "{}", i.spec);
        let (_c, m) = compile(&i.spec, "t");
        let r = m.roles.values().next().unwrap();
        assert_eq!(
            m.optional_param(&r.tags["CostCenter"]).map(|p| p.as_str()),
            Some("CostCenter"),
            "{}",
            i.spec
        );
    }
    // Another filter, another body, or a plain tag of a variable empty by default.
    for (tags, needle) in [
        (
            r#"merge(var.tags, { for k, v in { CostCenter = var.cost_center } : k => v if v != "x" })"#,
            "tags other than",
        ),
        (
            r#"merge(var.tags, { for k, v in { CostCenter = var.cost_center } : k => "x" if v != "" })"#,
            "tags other than",
        ),
        ("{ CostCenter = var.cost_center }", "the tag `CostCenter`"),
    ] {
        let i = import_text(&tf_tag(r#""""#, tags));
        assert_reported(&i, needle);
        assert!(!i.spec.contains("${CostCenter}"), "{}", i.spec);
    }
}

/// A CloudFormation role whose name may be nothing, with its instance profile named like it,
/// and a policy of another role that names its ARN.
const CFN_NAME: &str = r#"
Parameters:
  RoleName:
    Type: String
    Default: ""
Conditions:
  HasRoleName: !Not [!Equals [!Ref RoleName, ""]]
Resources:
  Runner:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [HasRoleName, !Ref RoleName, !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
  RunnerProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      InstanceProfileName: !If [HasRoleName, !Ref RoleName, !Ref AWS::NoValue]
      Roles: [!Ref Runner]
"#;

#[test]
fn cloudformation_optional_role_name_round_trips_empty_and_set() {
    let (_d, path) = template(CFN_NAME);
    for values in [&[][..], &[("RoleName", "runner")][..]] {
        let i = round_trip(&path, values, false);
        assert!(i.spec.contains("name: ${RoleName}"), "{}", i.spec);
        assert!(i.spec.contains("instance_profile: true"), "{}", i.spec);
        let (_c, m) = compile(&i.spec, "t");
        let r = m.roles.values().next().unwrap();
        let n = r.name.fixed().unwrap();
        assert_eq!(m.optional_param(n).map(|p| p.as_str()), Some("RoleName"));
    }
}

/// The ARN (or name) of a role whose name may be nothing is never spelt from its parameter:
/// while it is empty the name is generated. It becomes a new parameter, reported.
#[test]
fn cloudformation_references_to_an_optional_name_are_not_spelt_from_it() {
    let text = format!(
        "{CFN_NAME}  Deploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument:
        Version: \"2012-10-17\"
        Statement: [{{Effect: Allow, Action: sts:AssumeRole, Principal: {{Service: codebuild.amazonaws.com}}}}]
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Version: \"2012-10-17\"
            Statement:
              - {{Effect: Allow, Action: iam:PassRole, Resource: !GetAtt Runner.Arn}}
              - {{Effect: Allow, Action: iam:GetRole, Resource: !Sub \"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/${{Runner}}\"}}
"
    );
    let (_d, path) = template(&text);
    let i = rolegen::import::cloudformation::import(&path, "t").unwrap();
    let all: Vec<String> = i.issues.iter().map(ToString::to_string).collect();
    assert!(
        all.iter().any(|e| e.contains("the ARN of role `Runner`")),
        "{all:?}"
    );
    assert!(
        all.iter().any(|e| e.contains("the name of role `Runner`")),
        "{all:?}"
    );
    assert!(!i.spec.contains("role/${RoleName}"), "{}", i.spec);
}

/// A Terraform role whose name may be nothing (`name`: `arg`), with its instance profile.
fn tf_name(default: &str, name: &str, extra: &str) -> String {
    let vars = variables(&[("role_name", "string", default)]);
    let role = role("runner", name, extra);
    format!(
        r#"
{vars}{EC2_TRUST}{role}resource "aws_iam_instance_profile" "runner" {{
  name = {name}
  role = aws_iam_role.runner.name
}}
"#
    )
}

#[test]
fn terraform_optional_role_name_imports_as_the_specs() {
    for (default, name) in [
        ("null", "var.role_name"),
        // The provider generates a name for "" as for null.
        (r#""""#, "var.role_name"),
        (r#""""#, r#"var.role_name == "" ? null : var.role_name"#),
        ("null", r#"var.role_name != "" ? var.role_name : null"#),
    ] {
        let i = import_text(&tf_name(default, name, ""));
        assert!(errors_of(&i).is_empty(), "{name}: {:?}", errors_of(&i));
        assert!(i.spec.contains("name: ${RoleName}"), "{}", i.spec);
        assert!(i.spec.contains("instance_profile: true"), "{}", i.spec);
        let (_c, m) = compile(&i.spec, "t");
        let r = m.roles.values().next().unwrap();
        let n = r.name.fixed().unwrap();
        assert_eq!(
            m.optional_param(n).map(|p| p.as_str()),
            Some("RoleName"),
            "{}",
            i.spec
        );
    }
    // Beside a prefix (the terraform-aws-modules idiom): the name, else the prefix.
    let i = import_text(&tf_name(
        "null",
        "var.role_name",
        "  name_prefix        = \"runner-\"\n",
    ));
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(
        i.spec
            .contains("name: ${RoleName}\n    name_prefix: runner-\n"),
        "{}",
        i.spec
    );
    let (_c, m) = compile(&i.spec, "t");
    let r = m.roles.values().next().unwrap();
    assert!(r.name.fallback_prefix().is_some(), "{}", i.spec);
}

/// References to the role's ARN are never spelt from a name that may be nothing.
#[test]
fn terraform_references_to_an_optional_name_are_not_spelt_from_it() {
    let extra = r#"  inline_policy {
    name = "self"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "iam:GetRole", Resource = aws_iam_role.other.arn }]
    })
  }
"#;
    for default in ["null", r#""""#] {
        let module = format!(
            "{}resource \"aws_iam_role\" \"other\" {{\n  name               = var.role_name\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}}\n",
            tf_name(default, "\"runner\"", extra)
        );
        let i = import_text(&module);
        assert!(!i.spec.contains("role/${RoleName}"), "{}", i.spec);
        let all: Vec<String> = i.issues.iter().map(ToString::to_string).collect();
        assert!(
            all.iter().any(|e| e.contains("aws_iam_role.other.arn")),
            "{default}: {all:?}\n{}",
            i.spec
        );
    }
}

/// `adopt: true` needs every role's import ID: a name that may be nothing is none (RG405),
/// while a fixed name beside it is fine.
#[test]
fn adoption_refuses_a_name_that_may_be_nothing() {
    let spec = r#"module: adopt-optional
adopt: true
parameters:
  InstanceName: {type: string, default: ""}
roles:
  runner:
    name: ${InstanceName}
    trust:
      - service: [ec2.amazonaws.com]
  fixed:
    name: fixed
    trust:
      - service: [ec2.amazonaws.com]
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("adopt-optional.yaml");
    std::fs::write(&path, spec).unwrap();
    let out = rolegen::build::compile(
        std::slice::from_ref(&path),
        rolegen::build::CompileOptions::VALIDATE,
    );
    let found: Vec<String> = out
        .diagnostics
        .0
        .iter()
        .filter(|d| d.rule.code == "RG405")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("role `runner`") && found[0].contains("generated while"),
        "{found:?}"
    );
}

/// A path that may be nothing is `/` while empty: a reference to the role's ARN is not spelt
/// with it (nor without it), so a Deny naming the role is never narrowed (never wider).
#[test]
fn terraform_references_to_a_role_with_an_optional_path_are_not_spelt() {
    for path in [
        r#"var.role_path == "" ? null : var.role_path"#,
        r#"var.role_path != "" ? var.role_path : null"#,
        "var.role_path",
    ] {
        let vars = variables(&[("role_path", "string", r#""""#)]);
        let admin = role(
            "admin",
            r#""admin""#,
            &format!("  path               = {path}\n"),
        );
        let module = format!(
            r#"
{vars}{EC2_TRUST}{admin}resource "aws_iam_role" "deploy" {{
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  inline_policy {{
    name = "no-admin"
    policy = jsonencode({{
      Version   = "2012-10-17"
      Statement = [{{ Effect = "Deny", Action = "iam:PassRole", Resource = aws_iam_role.admin.arn }}]
    }})
  }}
}}
"#
        );
        let i = import_text(&module);
        assert!(!i.spec.contains("role/admin"), "{path}: {}", i.spec);
        assert!(
            !i.spec.contains("role${RolePath}admin"),
            "{path}: {}",
            i.spec
        );
        let all: Vec<String> = i.issues.iter().map(ToString::to_string).collect();
        assert!(
            all.iter().any(|e| e.contains("aws_iam_role.admin.arn")),
            "{path}: {all:?}\n{}",
            i.spec
        );
    }
}

/// CloudFormation: the ARN of a role whose path may be nothing becomes a new parameter (not
/// spelt with or without the path), and the path itself imports without an error.
#[test]
fn cloudformation_references_to_a_role_with_an_optional_path_are_not_spelt() {
    let (_d, path) = template(CFN_PATH);
    let i = rolegen::import::cloudformation::import(&path, "t").unwrap();
    let errors = errors_of(&i);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("its path is `/`"), "{errors:?}");
    assert!(i.spec.contains("Resource: ${AdminArn}"), "{}", i.spec);
    assert!(i.spec.contains("path: ${RolePath}"), "{}", i.spec);
}

const CFN_PATH: &str = r#"
Parameters:
  RolePath:
    Type: String
    Default: ""
Conditions:
  HasRolePath: !Not [!Equals [!Ref RolePath, ""]]
Resources:
  Admin:
    Type: AWS::IAM::Role
    Properties:
      RoleName: admin
      Path: !If [HasRolePath, !Ref RolePath, !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]
      Policies:
        - PolicyName: no-admin
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Deny, Action: iam:PassRole, Resource: !GetAtt Admin.Arn}
"#;

/// An optional name whose parameter is not empty by default is refused (the `!If` cannot be
/// expressed); the role and its instance profile are imported with generated names, and the
/// parameter, which nothing in the spec uses any more, is dropped with a note instead of kept
/// unused.
#[test]
fn cloudformation_a_refused_optional_name_drops_its_parameter() {
    let (_d, path) = template(&CFN_NAME.replace("Default: \"\"", "Default: runner"));
    let i = rolegen::import::cloudformation::import(&path, "t").unwrap();
    let errors = errors_of(&i);
    assert!(errors.iter().any(|e| e.contains("Fn::If")), "{errors:?}");
    assert!(!i.spec.contains("RoleName"), "{}", i.spec);
    let notes: Vec<String> = i.issues.iter().map(ToString::to_string).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("parameter `RoleName` is left out: the spec does not use it")),
        "{notes:?}"
    );
    let (_c, m) = compile(&i.spec, "t");
    assert!(m.params.is_empty());
    assert!(m.roles.values().next().unwrap().instance_profile.is_some());
}
