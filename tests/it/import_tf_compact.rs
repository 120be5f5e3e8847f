//! `resources = compact([var.a, var.b, …])` of optional single values in the Terraform
//! importer (issue 19): the statement becomes one statement for the items that cannot be
//! empty and one per optional item under `when: Has<X>`; an Allow and a Deny alike. Refused
//! (reported, never widened): `not_resources` (an intersection), a statement under a switch of
//! its own, every item optional (the source's statement would have no Resource), an item
//! that may be empty other than a string variable alone. The corpus case
//! `tf-lambda-optional-queue-arns` round-trips it over every outcome. `compact(…)` over a list
//! variable is the list where its items cannot be `""` (its validation, or the pattern the
//! import adds: narrower), refused where its own pattern accepts `""` (corpus:
//! `tf-ecs-task-roles` imports, `tf-sqs-worker-optional-queues` is refused).

use crate::import::{compile, errors_of};
use rolegen::import;
use rolegen::model::resolve::Bindings;
use rolegen::model::ParamValue;
use std::path::Path;

/// A required queue ARN, validated: never `""`.
const QUEUE_ARN: &str = r#"variable "queue_arn" {
  type    = string
  default = "arn:aws:sqs:eu-west-1:111122223333:orders"
  validation {
    condition     = can(regex("^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.queue_arn))
    error_message = "an SQS queue ARN"
  }
}"#;

/// A module whose policy document holds `statements`, with a required queue ARN (validated:
/// never `""`) and two optional ones.
fn module(statements: &str) -> import::Imported {
    let tf = format!(
        r#"
{QUEUE_ARN}
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

/// A module whose role reads `resources = compact(concat(var.arns, [var.queue_arn]))`, the
/// list variable `arns` declared with `validation` (none when empty) and `default`.
fn list_module(validation: &str, default: &str) -> import::Imported {
    let tf = format!(
        r#"
{QUEUE_ARN}
variable "arns" {{
  type    = list(string)
  default = {default}
{validation}
}}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}] }})
}}
resource "aws_iam_role_policy" "p" {{
  name = "p"
  role = aws_iam_role.r.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sqs:SendMessage", Resource = compact(concat(var.arns, [var.queue_arn, ""])) }}]
  }})
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

fn notes_of(i: &import::Imported) -> String {
    i.issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `compact(…)` over a list variable is the list itself where no item can be `""`: its own
/// validation says so (`s != ""`, `"" != s`, `length(s) > 0`: the spec pattern `[^,]+`, a
/// pattern that needs a character: kept), or, without a pattern, the import adds `[^,]+` and
/// says it is narrower. The spec's pattern then refuses an empty item the source would drop.
#[test]
fn compact_over_a_list_whose_items_cannot_be_empty_is_the_list() {
    let each = |cond: &str| {
        format!("  validation {{\n    condition     = {cond}\n    error_message = \"no empty item\"\n  }}")
    };
    let default =
        r#"["arn:aws:sqs:eu-west-1:111122223333:a", "arn:aws:sqs:eu-west-1:111122223333:b"]"#;
    for (validation, pattern, note) in [
        (
            each(r#"alltrue([for s in var.arns : s != ""])"#),
            r#""[^,]+""#,
            "no item may be `\"\"`",
        ),
        (
            each(r#"alltrue([for s in var.arns : "" != s])"#),
            r#""[^,]+""#,
            "no item may be `\"\"`",
        ),
        (
            each("alltrue([for s in var.arns : length(s) > 0])"),
            r#""[^,]+""#,
            "no item may be `\"\"`",
        ),
        (
            each(
                r#"alltrue([for s in var.arns : can(regex("^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[a-z]+$", s))])"#,
            ),
            "arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[a-z]+",
            "",
        ),
        (
            String::new(),
            r#""[^,]+""#,
            "is read as the list itself, whose items get the pattern `[^,]+`: narrower",
        ),
    ] {
        let i = list_module(&validation, default);
        assert!(
            errors_of(&i).is_empty(),
            "{validation}: {:?}",
            errors_of(&i)
        );
        assert!(
            i.spec.contains(&format!("pattern: {pattern}")),
            "{validation}\n{}",
            i.spec
        );
        assert!(
            notes_of(&i).contains(note),
            "{validation}: {}",
            notes_of(&i)
        );
        let (_d, m) = compile(&i.spec, "m");
        let got = Bindings::defaults(&m).module(&m);
        assert_eq!(
            got["roles"]["R"]["inline"]["p"]["Statement"][0]["Resource"],
            serde_json::json!([
                "arn:aws:sqs:eu-west-1:111122223333:a",
                "arn:aws:sqs:eu-west-1:111122223333:b",
                "arn:aws:sqs:eu-west-1:111122223333:orders"
            ]),
            "{validation}"
        );
        // The item the source's `compact` drops is one the spec refuses at deploy time.
        let p = m.params["Arns"].pattern.clone().unwrap();
        let ast = rolegen::lower::pattern::check(&p).unwrap();
        assert_eq!(
            rolegen::lower::pattern::matches(&p, &ast, ""),
            Some(false),
            "{p}"
        );
    }
}

/// Refused, with the way to make it importable: a pattern of the variable's own that takes
/// `""` (a spec parameter has one pattern), `s != ""` beside such a pattern, a default that
/// holds `""`.
#[test]
fn compact_over_a_list_that_may_hold_empty_items_is_refused() {
    let optional = r#"  validation {
    condition     = alltrue([for s in var.arns : can(regex("^(arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[a-z]+)?$", s))])
    error_message = "an ARN or nothing"
  }"#;
    let not_empty = r#"  validation {
    condition     = alltrue([for s in var.arns : s != ""])
    error_message = "no empty item"
  }"#;
    let default = r#"["arn:aws:sqs:eu-west-1:111122223333:a"]"#;
    for (validation, default, why) in [
        (
            optional.to_owned(),
            default,
            "its pattern `(arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[a-z]+)?` accepts `\"\"`",
        ),
        (
            format!("{optional}\n{not_empty}"),
            default,
            "`Arns`'s items may not be `\"\"`, and its pattern",
        ),
        (
            String::new(),
            r#"["arn:aws:sqs:eu-west-1:111122223333:a", ""]"#,
            "drops the `\"\"` its default holds",
        ),
    ] {
        let i = list_module(&validation, default);
        let errors = errors_of(&i).join("\n");
        assert!(errors.contains(why), "{why}: {errors}");
    }
}
