//! Regressions from linting AWS's own policies (issue 16): shapes IAM accepts must not be
//! reported, and the true findings next to them still are.

use rolegen::build::{compile, CompileOptions};
use std::path::PathBuf;

fn findings(file: &str) -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file);
    compile(&[path], CompileOptions::VALIDATE)
        .diagnostics
        .0
        .iter()
        .map(|d| (d.rule.code.to_string(), d.message.clone()))
        .collect()
}

#[test]
fn aws_shapes_are_accepted_and_true_findings_kept() {
    let found = findings("tests/real_iam/aws-shapes.yaml");
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    // No RG104 (policy variable in the account, empty resource field), no RG106 (a key
    // policy Sid with spaces).
    assert!(!codes.contains(&"RG104"), "{found:?}");
    assert!(!codes.contains(&"RG106"), "{found:?}");
    let rg112: Vec<&str> = found
        .iter()
        .filter(|(c, _)| c == "RG112")
        .map(|(_, m)| m.as_str())
        .collect();
    // sts:AssumeRole on a role, ssm:SendCommand on an instance and on an AWS-owned document,
    // API Gateway paths: all fit. The organizations ARN with an empty resource matches no
    // resource type, and s3:GetObject on a bucket applies to nothing: both true findings.
    assert_eq!(rg112.len(), 2, "{rg112:?}");
    assert!(rg112[0].contains("organizations"), "{rg112:?}");
    assert!(rg112[1].contains("arn:aws:s3:::bucket"), "{rg112:?}");
}

/// IAM counts a document as sent: a single action or resource is a string, not a list. A
/// policy of 10,200 characters so counted fits the 10,240 aggregate, although counting its
/// single values as lists would put it over.
#[test]
fn inline_size_counts_single_values_as_strings() {
    let dir = tempfile::tempdir().unwrap();
    let mut statements = String::new();
    // Each statement: {"Sid":"S000","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b000/<pad>"}
    let pad = "x".repeat(40);
    let n = 79;
    for i in 0..n {
        statements.push_str(&format!(
            "          - Sid: S{i:03}\n            Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::b{i:03}/{pad}\n"
        ));
    }
    let spec = format!("module: size-as-sent\nroles:\n  app:\n    name: size-as-sent-app\n    trust:\n      - service: [ec2.amazonaws.com]\n    inline_policies:\n      p:\n        Statement:\n{statements}");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).unwrap();
    let diags = compile(&[path], CompileOptions::VALIDATE).diagnostics.0;
    // Per statement: {"Sid":"S000","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b000/" + pad}
    let statement =
        r#"{"Sid":"S000","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b000/"}"#
            .len() + pad.len();
    let as_sent = r#"{"Version":"2012-10-17","Statement":[]}"#.len() + n * statement + (n - 1);
    let as_lists = as_sent + n * 4;
    assert!(
        as_sent <= 10_240 && as_lists > 10_240,
        "{as_sent} {as_lists}"
    );
    assert!(
        !diags.iter().any(|d| d.rule.code == "RG206"),
        "{:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

/// RG116 holds a known key against the statement's actions: `s3:prefix` on SQS actions or on
/// `s3:GetObject` is never in the request (reported, naming the actions it belongs to), while
/// resource-type keys, global keys (`aws:…`, `ec2:SourceInstanceArn`), service-wide or
/// unmapped keys, wildcards that include an action of the key and `NotAction` are left alone.
#[test]
fn condition_keys_are_held_against_the_statements_actions() {
    let found = findings("tests/real_iam/condition-keys.yaml");
    let rg116: Vec<&str> = found
        .iter()
        .filter(|(c, _)| c == "RG116")
        .map(|(_, m)| m.as_str())
        .collect();
    assert_eq!(rg116.len(), 2, "{found:?}");
    assert!(
        rg116[0].starts_with("`s3:prefix` is a condition key of none of the statement's actions (sqs:ReceiveMessage, sqs:DeleteMessage)"),
        "{rg116:?}"
    );
    assert!(rg116[1].contains("(s3:GetObject)"), "{rg116:?}");
    assert!(
        found.iter().all(|(c, _)| c == "RG116" || c == "RG113"),
        "{found:?}"
    );
}

/// Permissions boundaries naming AWS managed policies are checked like attachments.
#[test]
fn aws_managed_boundaries_are_checked_like_attachments() {
    let found = findings("tests/real_iam/boundaries.yaml");
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|(c, m)| (c.as_str(), m.as_str()))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0, "RG114", "{got:?}");
    assert!(got[0].1.contains("`PowerUserAcess`"), "{got:?}");
    assert_eq!(got[1].0, "RG115", "{got:?}");
    assert!(
        got[1].1.contains("BrandNewBoundaryPolicyOfTheFuture"),
        "{got:?}"
    );
    assert_eq!(got[2].0, "RG307", "{got:?}");
    assert!(got[2].1.contains("AWSLambdaFullAccess"), "{got:?}");
}

/// ELB v2 resources on actions the catalogue lists with Classic resource types only are
/// accepted; an ARN of no ELB resource type, or one without an ELB action, is still RG112.
#[test]
fn elastic_load_balancing_resources_fit_any_of_its_actions() {
    let found = findings("tests/real_iam/elb.yaml");
    let rg112: Vec<&str> = found
        .iter()
        .filter(|(c, _)| c == "RG112")
        .map(|(_, m)| m.as_str())
        .collect();
    assert_eq!(rg112.len(), 2, "{found:?}");
    assert!(
        rg112[0].contains("balancer/app/web/*` matches no `elasticloadbalancing` resource type"),
        "{rg112:?}"
    );
    assert!(
        rg112[1].contains("grants no `elasticloadbalancing` action"),
        "{rg112:?}"
    );
}
