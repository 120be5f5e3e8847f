//! Values that may be nothing in both importers (issue 19): a role tag left out while its
//! parameter is empty (CloudFormation `!If [HasX, {Key, Value: !Ref X}, !Ref AWS::NoValue]`,
//! Terraform `{ for k, v in { K = var.x } : k => v if v != "" }`) imports as the spec's
//! `${X}`, and resolves like its source with the parameter empty and set; a tag that the
//! source sets with an empty value cannot be expressed and is reported, never silently turned
//! into no tag.

use crate::import::{compile, errors_of, round_trip};
use crate::import_tf_idioms::{assert_reported, import_text};

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
    format!(
        r#"
variable "tags" {{
  type    = map(string)
  default = {{}}
}}
variable "cost_center" {{
  type    = string
  default = {default}
}}
data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }}
  }}
}}
resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = {tags}
}}
"#
    )
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
