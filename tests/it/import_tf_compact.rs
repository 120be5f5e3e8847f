//! `resources = compact([var.a, var.b, …])` of optional single values in the Terraform
//! importer (issue 19): the statement becomes one statement for the items that cannot be
//! empty and one per optional item under `when: Has<X>`; an Allow and a Deny alike. Refused
//! (reported, never widened): `not_resources` (an intersection), a statement under a switch of
//! its own, every item optional (the source's statement would have no Resource), an item
//! that may be empty other than a string variable alone. The corpus case
//! `tf-lambda-optional-queue-arns` round-trips it over every outcome.

use crate::import::{compile, errors_of};
use rolegen::import;
use rolegen::model::resolve::Bindings;
use rolegen::model::ParamValue;
use std::path::Path;

/// A module whose policy document holds `statements`, with a required queue ARN (validated:
/// never `""`) and two optional ones.
fn module(statements: &str) -> import::Imported {
    let tf = format!(
        r#"
variable "queue_arn" {{
  type    = string
  default = "arn:aws:sqs:eu-west-1:111122223333:orders"
  validation {{
    condition     = can(regex("^arn:aws:sqs:[a-z0-9-]+:[0-9]{{12}}:[A-Za-z0-9_-]+$", var.queue_arn))
    error_message = "an SQS queue ARN"
  }}
}}
variable "dlq_arn" {{
  type    = string
  default = ""
}}
variable "extra_arn" {{
  type    = string
  default = ""
}}
variable "enabled" {{
  type    = bool
  default = true
}}
variable "arns" {{
  type    = list(string)
  default = []
}}
data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}
data "aws_iam_policy_document" "p" {{
  statement {{
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }}
{statements}
}}
resource "aws_iam_role_policy" "p" {{
  name   = "p"
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.p.json
}}
"#
    );
    import::terraform::import_texts(
        Path::new("m"),
        vec![(Path::new("m/main.tf").to_path_buf(), tf)],
        "m",
    )
    .unwrap()
}

#[test]
fn compact_of_optional_values_splits_the_statement() {
    let i = module(
        r#"
  statement {
    sid       = "Consume"
    actions   = ["sqs:ReceiveMessage"]
    resources = compact([var.queue_arn, var.dlq_arn, "", var.extra_arn])
  }
  statement {
    effect    = "Deny"
    actions   = ["sqs:DeleteQueue"]
    resources = compact([var.queue_arn, var.dlq_arn])
  }
"#,
    );
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    for want in [
        "HasDlqArn:\n    not_empty: DlqArn",
        "- Sid: Consume\n",
        "- Sid: ConsumeDlqArn\n",
        "- Sid: ConsumeExtraArn\n",
        "when: HasExtraArn",
    ] {
        assert!(i.spec.contains(want), "{want}\n{}", i.spec);
    }
    // Each optional queue is named exactly where it is set: the Allow and the Deny.
    let (_d, m) = compile(&i.spec, "m");
    for (dlq, statements) in [("", 3), ("arn:aws:sqs:eu-west-1:111122223333:dlq", 5)] {
        let mut b = Bindings::defaults(&m);
        b.params
            .insert("DlqArn".into(), ParamValue::Str(dlq.into()));
        let got = b.module(&m);
        let list = got["roles"]["R"]["inline"]["p"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(list.len(), statements, "{dlq}: {list:?}");
        let text = serde_json::to_string(list).unwrap();
        assert_eq!(
            text.matches(":dlq\"").count(),
            if dlq.is_empty() { 0 } else { 2 }
        );
        assert!(!text.contains("\"\""), "{text}");
    }
}

#[test]
fn compact_that_cannot_split_is_refused() {
    for (statement, why) in [
        (
            r#"
  statement {
    effect        = "Deny"
    actions       = ["sqs:DeleteQueue"]
    not_resources = compact([var.queue_arn, var.dlq_arn])
  }"#,
            "`compact(…)` drops the empty items of `${DlqArn}`",
        ),
        (
            r#"
  dynamic "statement" {
    for_each = var.enabled ? [1] : []
    content {
      actions   = ["sqs:SendMessage"]
      resources = compact([var.queue_arn, var.dlq_arn])
    }
  }"#,
            "`compact(…)` drops the empty items of `${DlqArn}`",
        ),
        (
            r#"
  statement {
    actions   = ["sqs:SendMessage"]
    resources = compact([var.dlq_arn, var.extra_arn])
  }"#,
            "every item of this `compact(…)` may be empty",
        ),
        (
            r#"
  statement {
    actions   = ["sqs:SendMessage"]
    resources = compact(concat([var.queue_arn], var.arns))
  }"#,
            "`compact(…)` drops the empty items of `${Arns}`",
        ),
        (
            r#"
  statement {
    actions   = ["sqs:SendMessage"]
    resources = compact([var.queue_arn, "${var.dlq_arn}-x", var.dlq_arn])
  }"#,
            "",
        ),
    ] {
        let i = module(statement);
        let errors = errors_of(&i).join("\n");
        if why.is_empty() {
            // `${DlqArn}-x` is never empty: only `${DlqArn}` is switched.
            assert!(errors.is_empty(), "{errors}");
            assert!(i.spec.contains("- ${DlqArn}-x"), "{}", i.spec);
            continue;
        }
        assert!(errors.contains(why), "{why}: {errors}");
        // Refused Allows are left out: the role keeps only what is exact, or is refused.
        assert!(
            !i.spec.contains("sqs:SendMessage") && !i.spec.contains("when: HasDlqArn"),
            "{}",
            i.spec
        );
    }
}
