//! Customer managed policies named by `name_prefix` or by nobody, and a role name that may be
//! nothing with a prefix beside it (issue 19): what both outputs
//! write for them, what both importers read, and that an ARN of such a policy is never spelt
//! from a name (attachments take the resource's ARN; any other reference becomes a reported
//! parameter, or refuses what holds it).

use crate::import::{compile, errors_of};
use crate::import_tf_idioms::import_text;
use rolegen::build::{compile as build, CompileOptions};
use rolegen::import::cloudformation;
use std::path::Path;

const SPEC: &str = r#"
module: named-policies
parameters:
  Cluster: {type: string, default: blue}
roles:
  app:
    name: app-${Cluster}
    trust:
      - service: ec2.amazonaws.com
    managed_policies:
      - policy: prefixed
      - policy: unnamed
      - policy: named
policies:
  prefixed:
    name_prefix: ${Cluster}-prefixed-
    document:
      Statement:
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::a/*"}
  unnamed:
    document:
      Statement:
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}
  named:
    name: ${Cluster}-named
    document:
      Statement:
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::c/*"}
"#;

/// The text of the generated file at `path` (relative to the module's folder).
fn output(path: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("named-policies.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let out = build(&[spec], CompileOptions::EMIT);
    let m = out.modules.first().expect("the spec compiles");
    let f = m
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    f.contents.clone()
}

/// The `resource "aws_iam_policy" "<name>"` block of a Terraform file.
fn tf_block<'a>(tf: &'a str, name: &str) -> &'a str {
    let start = tf
        .find(&format!("resource \"aws_iam_policy\" \"{name}\""))
        .unwrap();
    let end = tf[start..].find("\n}\n").unwrap();
    &tf[start..start + end]
}

#[test]
fn terraform_writes_name_prefix_or_neither_and_attaches_by_the_resource_arn() {
    let tf = output("terraform/main.tf");
    let p = tf_block(&tf, "prefixed");
    assert!(
        p.contains("name_prefix = \"${var.cluster}-prefixed-\""),
        "{p}"
    );
    assert!(!p.contains("\n  name "), "{p}");
    let u = tf_block(&tf, "unnamed");
    assert!(!u.contains("\n  name"), "{u}");
    assert!(tf_block(&tf, "named").contains("name   = \"${var.cluster}-named\""));
    for id in ["prefixed", "unnamed", "named"] {
        assert!(
            tf.contains(&format!("aws_iam_policy.{id}[0].arn")),
            "{id} is not attached by its resource's ARN:\n{tf}"
        );
    }
    assert!(!tf.contains(":policy/"), "an ARN spelt from a name:\n{tf}");
}

#[test]
fn cloudformation_names_only_the_fixed_one_and_attaches_by_ref() {
    let cfn = output("cloudformation/named-policies.yaml");
    assert_eq!(cfn.matches("ManagedPolicyName").count(), 1, "{cfn}");
    assert!(
        cfn.contains("ManagedPolicyName: !Sub ${Cluster}-named"),
        "{cfn}"
    );
    for id in ["Prefixed", "Unnamed", "Named"] {
        assert!(cfn.contains(&format!("!Ref {id}")), "{id}:\n{cfn}");
    }
    assert!(
        !cfn.contains(":policy/${"),
        "an ARN spelt from a name:\n{cfn}"
    );
}

const TF: &str = r#"
variable "cluster" {
  type    = string
  default = "blue"
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
resource "aws_iam_role" "app" {
  name               = "app-${var.cluster}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_policy" "prefixed" {
  name_prefix = "${var.cluster}-prefixed-"
  policy      = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::a/*" }] })
}
resource "aws_iam_policy" "unnamed" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }] })
}
resource "aws_iam_role_policy_attachment" "prefixed" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.prefixed.arn
}
resource "aws_iam_role_policy_attachment" "unnamed" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.unnamed.arn
}
"#;

#[test]
fn terraform_import_reads_name_prefix_and_no_name() {
    let i = import_text(TF);
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    let spec = &i.spec;
    assert!(
        spec.contains("  prefixed:\n    name_prefix: ${Cluster}-prefixed-\n"),
        "{spec}"
    );
    assert!(spec.contains("  unnamed:\n    document:"), "{spec}");
    assert!(spec.contains("- policy: prefixed") && spec.contains("- policy: unnamed"));
    compile(spec, "tf_policy_names");
}

#[test]
fn terraform_reference_to_a_generated_policy_arn_in_a_document_is_refused() {
    let tf = TF.replace(
        "Resource = \"arn:aws:s3:::b/*\"",
        "Resource = aws_iam_policy.prefixed.arn",
    );
    let i = import_text(&tf);
    assert!(
        !i.spec.contains(":policy/"),
        "spelt from a name:\n{}",
        i.spec
    );
    // The document cannot be read, so the role attaching it is refused (it may deny).
    assert!(
        errors_of(&i)
            .iter()
            .any(|e| e.contains("the document of aws_iam_policy.unnamed cannot be imported")),
        "{:?}",
        errors_of(&i)
    );
    assert!(!i.spec.contains("roles:"), "{}", i.spec);
}

const CFN: &str = r#"
Resources:
  Reader:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::a/*"}
  Describer:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: iam:GetPolicy, Resource: !Ref Reader}
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns: [!Ref Reader]
"#;

#[test]
fn cloudformation_import_of_an_unnamed_policy_has_neither_name_nor_prefix() {
    let i = cloudformation::import_text(Path::new("t.yaml"), CFN, "t").unwrap();
    let spec = &i.spec;
    assert!(spec.contains("  reader:\n    document:"), "{spec}");
    assert!(spec.contains("- policy: reader"), "{spec}");
    // `!Ref Reader` in a document is the policy's ARN: not spelt from a name it lacks.
    assert!(!spec.contains(":policy/"), "{spec}");
    assert!(!i.introduced.is_empty(), "{spec}");
}

const ROLE: &str = r#"
module: name-or-prefix
parameters:
  RoleName: {type: string, default: ""}
  RoleNamePrefix: {type: string, default: ""}
roles:
  ops:
    name: ${RoleName}
    name_prefix: ${RoleNamePrefix}
    trust:
      - service: ec2.amazonaws.com
"#;

#[test]
fn a_role_name_that_may_be_nothing_with_a_prefix_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("name-or-prefix.yaml");
    std::fs::write(&spec, ROLE).unwrap();
    let out = build(&[spec], CompileOptions::EMIT);
    let m = out.modules.first().expect("the spec compiles");
    let file = |p: &str| &m.files.iter().find(|f| f.path == p).unwrap().contents;
    let tf = file("terraform/main.tf");
    // The prefix only while the name (and the name hatch) is empty.
    assert!(tf.contains("name_prefix          = (var.ops_name != null && var.ops_name != \"\") || var.role_name != \"\" ? null : (var.role_name_prefix == \"\" ? null : var.role_name_prefix)"), "{tf}");
    let cfn = file("cloudformation/name-or-prefix.yaml");
    // No prefix in CloudFormation: the name while given, else generated; a prefix given
    // without a name is refused by the stack's Rules.
    assert!(cfn.contains("  OpsNamePrefix:\n    Assertions:"), "{cfn}");
    assert!(cfn.contains("- !Ref RoleNamePrefix"), "{cfn}");
    assert!(!cfn.contains("!Sub ${RoleNamePrefix}"), "{cfn}");
}
