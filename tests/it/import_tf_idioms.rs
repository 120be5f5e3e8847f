//! `rolegen import --from terraform` on the idioms real modules use (issue 19 part 3): each
//! test imports a module written with the idiom and the same module written out by hand,
//! and checks that both specs compile and resolve to the same IAM for every combination of
//! their bool parameters; what depends on a variable the spec cannot carry is reported and
//! what holds it is left out, never guessed.

use crate::import::{bindings, compile, errors_of};
use rolegen::import::{self, Imported};
use std::path::{Path, PathBuf};

pub(crate) fn import_text(text: &str) -> Imported {
    import::terraform::import_texts(
        Path::new("m"),
        vec![(PathBuf::from("main.tf"), text.to_owned())],
        "m",
    )
    .unwrap()
}

/// Imports both modules, checks the idiom's has no error, and that both resolve alike for
/// every switch combination; the resolved IAM at the defaults.
fn same_iam(idiom: &str, plain: &str, name: &str) -> serde_json::Value {
    let (a, b) = (import_text(idiom), import_text(plain));
    assert!(errors_of(&b).is_empty(), "plain: {:?}", errors_of(&b));
    assert!(
        errors_of(&a).is_empty(),
        "idiom: {:?}\n{}",
        errors_of(&a),
        a.spec
    );
    let (_d1, ma) = compile(&a.spec, name);
    let (_d2, mb) = compile(&b.spec, &format!("{name}_plain"));
    let (ba, bb) = (bindings(&ma, &[]), bindings(&mb, &[]));
    assert_eq!(ba.len(), bb.len(), "{}\n---\n{}", a.spec, b.spec);
    for (x, y) in ba.iter().zip(&bb) {
        assert_eq!(
            x.module(&ma),
            y.module(&mb),
            "{name}: the idiom resolves differently with {:?}\n{}\n---\n{}",
            x.params,
            a.spec,
            b.spec
        );
    }
    ba[0].module(&ma)
}

/// Asserts that an error of the import says `needle`.
pub(crate) fn assert_reported(imported: &Imported, needle: &str) {
    let errors = errors_of(imported);
    assert!(
        errors.iter().any(|e| e.contains(needle)),
        "no error says {needle:?}: {errors:?}"
    );
}

/// A role `app` with the inline policy `main` of `data.aws_iam_policy_document.main`.
pub(crate) const APP_MAIN: &str = r#"
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy" "main" {
  name   = "main"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.main.json
}
"#;

pub(crate) const TRUST: &str = r#"
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
"#;

/// The trust document `trust` of an EC2 role (no leading blank line, for `format!` modules).
pub(crate) const EC2_TRUST: &str = r#"data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
"#;

/// `count = var.create ? 1 : 0` on documents and resources and `data.x[0].json`,
/// `aws_iam_role.x[0].id` references (terraform-aws-modules' style): the same IAM as the
/// module without the counts; a document counted by a switch its user does not have is
/// reported and the role refused.
#[test]
fn terraform_count_on_documents_and_resources() {
    let plain = format!(
        r#"
variable "create" {{
  type    = bool
  default = true
}}

variable "enable_write" {{
  type    = bool
  default = false
}}
{TRUST}
data "aws_iam_policy_document" "read" {{
  statement {{
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::a/*"]
  }}
}}

data "aws_iam_policy_document" "write" {{
  statement {{
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::a/*"]
  }}
}}

resource "aws_iam_role" "this" {{
  count              = var.create ? 1 : 0
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_role_policy" "read" {{
  count  = var.create ? 1 : 0
  name   = "read"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.read.json
}}

resource "aws_iam_role_policy" "write" {{
  count  = var.create && var.enable_write ? 1 : 0
  name   = "write"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.write.json
}}
"#
    );
    let idiom = plain
        .replace(
            "data \"aws_iam_policy_document\" \"trust\" {\n",
            "data \"aws_iam_policy_document\" \"trust\" {\n  count = var.create ? 1 : 0\n",
        )
        .replace(
            "data \"aws_iam_policy_document\" \"read\" {\n",
            "data \"aws_iam_policy_document\" \"read\" {\n  count = var.create ? 1 : 0\n",
        )
        .replace(
            "data \"aws_iam_policy_document\" \"write\" {\n",
            "data \"aws_iam_policy_document\" \"write\" {\n  count = var.create && var.enable_write ? 1 : 0\n",
        )
        .replace(".json", "[0].json")
        .replace("aws_iam_role.this.id", "aws_iam_role.this[0].id");
    assert_eq!(idiom.matches("[0]").count(), 5);
    let got = same_iam(&idiom, &plain, "counted");
    assert_eq!(got["roles"]["This"]["name"], "app");
    // The write policy is switched by EnableWrite (off by default).
    assert!(got["roles"]["This"]["inline"].get("write").is_none());
    // A document switched by what its user is not: Terraform fails on `[0]` where the role
    // is on and the document off; the spec cannot say that, so the role is not imported.
    let mismatched = idiom.replace(
        "\"trust\" {\n  count = var.create ? 1 : 0",
        "\"trust\" {\n  count = var.enable_write ? 1 : 0",
    );
    let m = import_text(&mismatched);
    assert_reported(&m, "counted by `EnableWrite`");
    assert!(!m.spec.contains("name: app"), "{}", m.spec);
}

/// The common functions on values known when the module is read (and the `...` expansion of
/// a known list), and `format`/`join` over variables as string templates: the same IAM as
/// the values written out.
#[test]
fn terraform_functions_on_known_values() {
    let plain = format!(
        r#"
variable "bucket" {{
  type    = string
  default = "data"
}}
{TRUST}
data "aws_iam_policy_document" "main" {{
  statement {{
    sid       = "Read"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::${{var.bucket}}", "arn:aws:s3:::${{var.bucket}}/*"]
  }}
  statement {{
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/app/a:*", "arn:aws:logs:*:*:log-group:/app/b:*"]
  }}
  statement {{
    sid       = "Queue"
    effect    = "Deny"
    actions   = ["sqs:DeleteQueue"]
    resources = ["arn:aws:sqs:us-east-1:111122223333:jobs"]
  }}
}}

resource "aws_iam_role" "app" {{
  name               = "app-worker"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags = {{
    Team = "core"
    Env  = "prod"
  }}
}}

resource "aws_iam_role_policy" "main" {{
  name   = "main"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.main.json
}}
"#
    );
    let idiom = format!(
        r#"
variable "bucket" {{
  type    = string
  default = "data"
}}

locals {{
  groups   = ["a", "b", "", "a"]
  settings = jsondecode("{{\"queue\": \"jobs\", \"effect\": \"Deny\"}}")
  tags     = merge({{ Team = "ops", Env = "prod" }}, {{ Team = "core" }})
  actions  = {{ read = ["s3:GetObject", "s3:ListBucket"] }}
  log_actions = [["logs:CreateLogStream"], ["logs:PutLogEvents"]]
}}
{TRUST}
data "aws_iam_policy_document" "main" {{
  statement {{
    sid       = "Read"
    actions   = distinct(flatten([lookup(local.actions, "read", []), ["s3:GetObject"]]))
    resources = [format("arn:aws:s3:::%s", var.bucket), join("/", [format("arn:aws:s3:::%s", var.bucket), "*"])]
  }}
  statement {{
    sid       = try(local.settings.sid, "Logs")
    actions   = concat(local.log_actions...)
    resources = [for g in distinct(compact(local.groups)) : format("arn:aws:logs:*:*:log-group:/app/%s:*", g)]
  }}
  statement {{
    sid       = "Queue"
    effect    = coalesce(null, "", local.settings.effect)
    actions   = ["sqs:DeleteQueue"]
    resources = [join(":", ["arn:aws:sqs:us-east-1:111122223333", local.settings["queue"]])]
  }}
}}

resource "aws_iam_role" "app" {{
  name               = format("%s-%s", "app", "worker")
  assume_role_policy = jsonencode(jsondecode(data.aws_iam_policy_document.trust.json)) == "" ? null : data.aws_iam_policy_document.trust.json
  tags               = local.tags
}}

resource "aws_iam_role_policy" "main" {{
  name   = "main"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.main.json
}}
"#
    );
    // `jsondecode` of a data source's JSON is not known when the module is read: reported,
    // and the role (whose trust is lost) is not imported.
    let unknown = import_text(&idiom);
    assert_reported(&unknown, "assume_role_policy");
    assert!(!unknown.spec.contains("app-worker"), "{}", unknown.spec);
    let idiom = idiom.replace(
        "jsonencode(jsondecode(data.aws_iam_policy_document.trust.json)) == \"\" ? null : data.aws_iam_policy_document.trust.json",
        "try(data.aws_iam_policy_document.trust.json, \"\") == \"\" ? null : data.aws_iam_policy_document.trust.json",
    );
    assert!(
        !errors_of(&import_text(&idiom)).is_empty(),
        "a try() over a data source is not known"
    );
    let idiom = idiom.replace(
        "try(data.aws_iam_policy_document.trust.json, \"\") == \"\" ? null : data.aws_iam_policy_document.trust.json",
        "jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = [\"sts:AssumeRole\"], Principal = { Service = [\"lambda.amazonaws.com\"] } }] }) == \"\" ? null : data.aws_iam_policy_document.trust.json",
    );
    let got = same_iam(&idiom, &plain, "functions");
    assert_eq!(
        got["roles"]["App"]["inline"]["main"]["Statement"][1]["Resource"],
        serde_json::json!([
            "arn:aws:logs:*:*:log-group:/app/a:*",
            "arn:aws:logs:*:*:log-group:/app/b:*"
        ])
    );
    // Depending on a variable: `coalesce(var.x, …)` is null-or-empty at deploy time, not
    // known, so the value is reported, never one of its arguments.
    let dep = idiom.replace(
        "effect    = coalesce(null, \"\", local.settings.effect)",
        "effect    = coalesce(var.bucket, \"Deny\")",
    );
    let d = import_text(&dep);
    assert_reported(&d, "effect");
    // A missing attribute outside `try` fails in Terraform: reported, the statement is not
    // guessed (the Sid is lost, the rest kept only as narrowing allows).
    let bad = idiom.replace("try(local.settings.sid, \"Logs\")", "local.settings.sid");
    assert_reported(
        &import_text(&bad),
        "fails in Terraform: the object has no attribute `sid`",
    );
}

/// `dynamic "statement"` over a list of objects (optional keys through `try`/`lookup`,
/// nested `dynamic "condition"`), over a map with an `iterator`, and `var.x ? list : []` as
/// one switched statement per element: the same IAM as the statements written out.
#[test]
fn terraform_dynamic_statements_over_lists_and_objects() {
    let plain = format!(
        r#"
variable "enable_kms" {{
  type    = bool
  default = true
}}
{TRUST}
data "aws_iam_policy_document" "main" {{
  statement {{
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::a/*"]
  }}
  statement {{
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
    condition {{
      test     = "StringNotEquals"
      variable = "aws:PrincipalAccount"
      values   = ["111122223333"]
    }}
  }}
  statement {{
    sid       = "logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }}
  statement {{
    sid       = "sqs"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:*:*:jobs"]
  }}
  dynamic "statement" {{
    for_each = var.enable_kms ? [1] : []
    content {{
      actions   = ["kms:Decrypt"]
      resources = ["*"]
    }}
  }}
}}
{APP_MAIN}"#
    );
    let idiom = format!(
        r#"
variable "enable_kms" {{
  type    = bool
  default = true
}}

locals {{
  statements = [
    {{
      sid       = "Read"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::a/*"]
    }},
    {{
      effect    = "Deny"
      actions   = ["s3:DeleteObject"]
      resources = ["*"]
      conditions = [{{
        test     = "StringNotEquals"
        variable = "aws:PrincipalAccount"
        values   = ["111122223333"]
      }}]
    }},
  ]
  by_service = {{
    sqs  = {{ actions = ["sqs:SendMessage"], resources = ["arn:aws:sqs:*:*:jobs"] }}
    logs = {{ actions = ["logs:PutLogEvents"], resources = ["*"] }}
  }}
  kms = [{{ actions = ["kms:Decrypt"] }}]
}}
{TRUST}
data "aws_iam_policy_document" "main" {{
  dynamic "statement" {{
    for_each = local.statements
    content {{
      sid       = try(statement.value.sid, null)
      effect    = lookup(statement.value, "effect", null)
      actions   = statement.value.actions
      resources = statement.value.resources
      dynamic "condition" {{
        for_each = try(statement.value.conditions, [])
        content {{
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }}
      }}
    }}
  }}
  dynamic "statement" {{
    for_each = local.by_service
    iterator = s
    content {{
      sid       = s.key
      actions   = s.value.actions
      resources = s.value.resources
    }}
  }}
  dynamic "statement" {{
    for_each = var.enable_kms ? local.kms : []
    content {{
      actions   = statement.value.actions
      resources = ["*"]
    }}
  }}
}}
{APP_MAIN}"#
    );
    let got = same_iam(&idiom, &plain, "dynamic");
    // A map iterates in the lexical order of its keys, as Terraform does: logs, then sqs.
    assert_eq!(
        got["roles"]["App"]["inline"]["main"]["Statement"][2]["Sid"],
        "logs"
    );
    // Over a list variable (its objects are not known): reported, the role is not imported.
    let over_var = idiom.replace("for_each = local.statements", "for_each = var.statements")
        + "\nvariable \"statements\" {\n  type    = list(string)\n  default = [\"x\"]\n}\n";
    let v = import_text(&over_var);
    assert_reported(&v, "dynamic statement");
}

/// `source_policy_documents` and `override_policy_documents`, merged as the AWS provider
/// merges them. The expected statements are what Terraform 1.11.4 with the AWS provider
/// rendered for this module (`terraform plan`, offline): source statements in order, the
/// document's own statement `Logs` replacing the source's `Logs` in place, its Sid-less
/// statement appended, the override's `Read` replacing in place and its `Deny` appended.
#[test]
fn terraform_source_and_override_documents_merge_as_the_provider_does() {
    let app = APP_MAIN.replace("document.main.json", "document.merged.json");
    let idiom = format!(
        r#"{TRUST}
data "aws_iam_policy_document" "base" {{
  statement {{
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::a/*"]
  }}
  statement {{
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::a"]
  }}
}}

data "aws_iam_policy_document" "extra" {{
  statement {{
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }}
}}

data "aws_iam_policy_document" "over" {{
  statement {{
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
  }}
  statement {{
    sid       = "Deny"
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
  }}
}}

data "aws_iam_policy_document" "merged" {{
  source_policy_documents   = [data.aws_iam_policy_document.base.json, data.aws_iam_policy_document.extra.json]
  override_policy_documents = [data.aws_iam_policy_document.over.json]
  statement {{
    sid       = "Logs"
    actions   = ["logs:CreateLogStream"]
    resources = ["*"]
  }}
  statement {{
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }}
}}
{app}"#
    );
    let plain = format!(
        r#"{TRUST}
data "aws_iam_policy_document" "merged" {{
  statement {{
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
  }}
  statement {{
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::a"]
  }}
  statement {{
    sid       = "Logs"
    actions   = ["logs:CreateLogStream"]
    resources = ["*"]
  }}
  statement {{
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }}
  statement {{
    sid       = "Deny"
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
  }}
}}
{app}"#
    );
    let got = same_iam(&idiom, &plain, "merged");
    let sids: Vec<_> = got["roles"]["App"]["inline"]["main"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.get("Sid").cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        sids,
        serde_json::json!(["Read", null, "Logs", null, "Deny"])
            .as_array()
            .unwrap()
            .clone()
    );
    // The same Sid in two source documents fails in the provider: reported, not imported.
    let dup = idiom.replace(
        "data.aws_iam_policy_document.extra.json]",
        "data.aws_iam_policy_document.extra.json, data.aws_iam_policy_document.extra.json]",
    );
    let d = import_text(&dup);
    assert_reported(&d, "more than one source document");
    assert!(!d.spec.contains("s3:DeleteObject"), "{}", d.spec);
    // Documents from a variable are not known: the document (and the role) is not imported.
    let from_var = idiom.replace(
        "override_policy_documents = [data.aws_iam_policy_document.over.json]",
        "override_policy_documents = var.overrides",
    )
        + "\nvariable \"overrides\" {\n  type    = list(string)\n  default = [\"{}\"]\n}\n";
    let v = import_text(&from_var);
    assert_reported(&v, "override_policy_documents");
    assert!(!v.spec.contains("name: app"), "{}", v.spec);
}

/// `aws_iam_policy_attachment` (roles by reference, `[0]` on a counted role) and
/// `aws_iam_role_policy_attachment` over a set of ARNs (`toset([...])`), a partition
/// reference and a module policy's `arn`: the same attachments as one resource each.
#[test]
fn terraform_attachments_with_references() {
    let head = format!(
        r#"
variable "create_b" {{
  type    = bool
  default = true
}}

data "aws_partition" "current" {{}}
{TRUST}
resource "aws_iam_role" "a" {{
  name               = "a"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_role" "b" {{
  count              = var.create_b ? 1 : 0
  name               = "b"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_policy" "p" {{
  name   = "p"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }}] }})
}}
"#
    );
    let idiom = format!(
        r#"{head}
resource "aws_iam_policy_attachment" "p" {{
  name       = "p"
  roles      = [aws_iam_role.a.name]
  policy_arn = aws_iam_policy.p.arn
}}

resource "aws_iam_policy_attachment" "p_b" {{
  count      = var.create_b ? 1 : 0
  name       = "p-b"
  roles      = [aws_iam_role.b[0].name]
  policy_arn = aws_iam_policy.p.arn
}}

resource "aws_iam_role_policy_attachment" "aws" {{
  for_each   = toset(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:${{data.aws_partition.current.partition}}:iam::aws:policy/AWSXRayDaemonWriteAccess"])
  role       = aws_iam_role.a.id
  policy_arn = each.value
}}
"#
    );
    let plain = format!(
        r#"{head}
resource "aws_iam_role_policy_attachment" "p" {{
  role       = aws_iam_role.a.name
  policy_arn = aws_iam_policy.p.arn
}}

resource "aws_iam_role_policy_attachment" "p_b" {{
  count      = var.create_b ? 1 : 0
  role       = aws_iam_role.b.name
  policy_arn = aws_iam_policy.p.arn
}}

resource "aws_iam_role_policy_attachment" "ro" {{
  role       = aws_iam_role.a.id
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}

resource "aws_iam_role_policy_attachment" "xray" {{
  role       = aws_iam_role.a.id
  policy_arn = "arn:${{data.aws_partition.current.partition}}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}}
"#
    );
    let got = same_iam(&idiom, &plain, "attachments");
    assert_eq!(
        got["roles"]["A"]["managed"].as_array().map(Vec::len),
        Some(3),
        "{got}"
    );
    // Users and groups are not part of a spec: reported.
    let users = idiom.replace(
        "roles      = [aws_iam_role.a.name]",
        "roles      = [aws_iam_role.a.name]\n  users      = [\"bob\"]",
    );
    let u = import_text(&users);
    assert_reported(&u, "attaching to users");
}

/// A `list(string)` variable defaulting to `[]`: a spec list parameter has at least one
/// item, so the import reports it and leaves the default out (whoever deploys gives the
/// values), never an empty Resource.
#[test]
fn terraform_empty_list_default_is_reported_not_emptied() {
    let m = import_text(&format!(
        r#"
variable "extra_arns" {{
  type    = list(string)
  default = []
}}
{TRUST}
data "aws_iam_policy_document" "read" {{
  statement {{
    actions   = ["s3:GetObject"]
    resources = concat(["arn:aws:s3:::a/*"], var.extra_arns)
  }}
}}

resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_role_policy" "read" {{
  name   = "read"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.read.json
}}
"#
    ));
    assert_reported(&m, "an empty list default cannot be expressed");
    assert!(!m.spec.contains("default: []"), "{}", m.spec);
    let (_d, module) = compile(&m.spec, "empty_default");
    assert!(module.params.get("ExtraArns").is_some());
}

/// `for_each` over a map of policies on documents and inline policies (`each.key`,
/// `each.value`, `data.x[each.key].json`), and over a set of ARNs on attachments: one
/// document, policy and attachment per instance, in the lexical order Terraform iterates a
/// map; the same IAM as the instances written out. Over a variable (not known when the
/// module is read) the document is reported and the role refused.
#[test]
fn terraform_for_each_on_documents_and_resources() {
    let idiom = format!(
        r#"
locals {{
  policies = {{
    read = {{ actions = ["s3:GetObject"], resources = ["arn:aws:s3:::a/*"] }}
    logs = {{ actions = ["logs:PutLogEvents"], resources = ["*"] }}
  }}
}}
{TRUST}
data "aws_iam_policy_document" "p" {{
  for_each = local.policies
  statement {{
    sid       = each.key
    actions   = each.value.actions
    resources = each.value.resources
  }}
}}

resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_role_policy" "p" {{
  for_each = local.policies
  name     = each.key
  role     = aws_iam_role.app.id
  policy   = data.aws_iam_policy_document.p[each.key].json
}}

resource "aws_iam_role_policy_attachment" "aws" {{
  for_each   = toset(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
  role       = aws_iam_role.app.name
  policy_arn = each.value
}}
"#
    );
    let plain = format!(
        r#"{TRUST}
data "aws_iam_policy_document" "logs" {{
  statement {{
    sid       = "logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }}
}}

data "aws_iam_policy_document" "read" {{
  statement {{
    sid       = "read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::a/*"]
  }}
}}

resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_role_policy" "logs" {{
  name   = "logs"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.logs.json
}}

resource "aws_iam_role_policy" "read" {{
  name   = "read"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.read.json
}}

resource "aws_iam_role_policy_attachment" "aws" {{
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}
"#
    );
    let got = same_iam(&idiom, &plain, "for_each");
    assert_eq!(
        got["roles"]["App"]["inline"]["read"]["Statement"][0]["Action"],
        serde_json::json!(["s3:GetObject"])
    );
    let over_var = idiom.replace(
        "data \"aws_iam_policy_document\" \"p\" {\n  for_each = local.policies",
        "data \"aws_iam_policy_document\" \"p\" {\n  for_each = var.names",
    )
        + "\nvariable \"names\" {\n  type    = list(string)\n  default = [\"read\"]\n}\n";
    let v = import_text(&over_var);
    assert_reported(&v, "`for_each` cannot be expressed");
    assert!(!v.spec.contains("name: app"), "{}", v.spec);
}

/// `for_each` over a map of roles (a CI module's style: one role per pipeline, trust,
/// policy, managed policy and instance profile per instance, referring to each other by
/// `aws_iam_role.this[each.key]`): one role per key, the same IAM as the roles written out.
#[test]
fn terraform_for_each_on_roles() {
    let idiom = r#"
variable "prefix" {
  type    = string
  default = "ci"
}

locals {
  pipelines = {
    build  = { service = "codebuild.amazonaws.com", bucket = "artifacts" }
    deploy = { service = "codepipeline.amazonaws.com", bucket = "releases" }
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = local.pipelines
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [each.value.service]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each           = local.pipelines
  name               = "${var.prefix}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.trust[each.key].json
}

resource "aws_iam_policy" "artifacts" {
  for_each = local.pipelines
  name     = "${var.prefix}-${each.key}-artifacts"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::${each.value.bucket}/*" }]
  })
}

resource "aws_iam_role_policy_attachment" "artifacts" {
  for_each   = local.pipelines
  role       = aws_iam_role.this[each.key].name
  policy_arn = aws_iam_policy.artifacts[each.key].arn
}

resource "aws_iam_instance_profile" "this" {
  for_each = local.pipelines
  name     = aws_iam_role.this[each.key].name
  role     = aws_iam_role.this[each.key].name
}
"#;
    let mut plain = String::from(
        r#"
variable "prefix" {
  type    = string
  default = "ci"
}
"#,
    );
    for (k, service, bucket) in [
        ("build", "codebuild", "artifacts"),
        ("deploy", "codepipeline", "releases"),
    ] {
        plain.push_str(&format!(
            r#"
data "aws_iam_policy_document" "trust_{k}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["{service}.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "this_{k}" {{
  name               = "${{var.prefix}}-{k}"
  assume_role_policy = data.aws_iam_policy_document.trust_{k}.json
}}

resource "aws_iam_policy" "artifacts_{k}" {{
  name   = "${{var.prefix}}-{k}-artifacts"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::{bucket}/*" }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "artifacts_{k}" {{
  role       = aws_iam_role.this_{k}.name
  policy_arn = aws_iam_policy.artifacts_{k}.arn
}}

resource "aws_iam_instance_profile" "this_{k}" {{
  name = aws_iam_role.this_{k}.name
  role = aws_iam_role.this_{k}.name
}}
"#
        ));
    }
    let got = same_iam(idiom, &plain, "for_each_roles");
    let roles = got["roles"].as_object().unwrap();
    assert_eq!(roles.len(), 2, "{got}");
    let names: Vec<_> = roles.values().map(|r| r["name"].clone()).collect();
    assert_eq!(names, vec!["ci-build", "ci-deploy"]);
}

/// A `count` known when the module is read on attachments and inline policies:
/// `count = length(local.arns)` with `element(local.arns, count.index)`, `c ? N : 0` as N
/// attachments under the switch `c`, `count = 2` with `"p-${count.index}"` names: the same
/// IAM as one resource per index.
#[test]
fn terraform_known_count_on_attachments_and_policies() {
    let head = format!(
        r#"
variable "attach_extra" {{
  type    = bool
  default = false
}}
{TRUST}
resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}
"#
    );
    let idiom = format!(
        r#"{head}
locals {{
  arns    = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]
  extra   = ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]
  buckets = ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]
}}

resource "aws_iam_role_policy_attachment" "managed" {{
  count      = length(local.arns)
  role       = aws_iam_role.app.name
  policy_arn = element(local.arns, count.index)
}}

resource "aws_iam_role_policy_attachment" "extra" {{
  count      = var.attach_extra ? length(local.extra) : 0
  role       = aws_iam_role.app.name
  policy_arn = local.extra[count.index]
}}

resource "aws_iam_role_policy" "bucket" {{
  count = 2
  name  = "bucket-${{count.index}}"
  role  = aws_iam_role.app.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "s3:GetObject", Resource = local.buckets[count.index] }}]
  }})
}}
"#
    );
    let mut plain = head.clone();
    for (k, arn) in [
        ("ro", "ReadOnlyAccess"),
        ("xray", "AWSXRayDaemonWriteAccess"),
    ] {
        plain.push_str(&format!(
            "\nresource \"aws_iam_role_policy_attachment\" \"{k}\" {{\n  role       = aws_iam_role.app.name\n  policy_arn = \"arn:aws:iam::aws:policy/{arn}\"\n}}\n"
        ));
    }
    plain.push_str("\nresource \"aws_iam_role_policy_attachment\" \"extra\" {\n  count      = var.attach_extra ? 1 : 0\n  role       = aws_iam_role.app.name\n  policy_arn = \"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore\"\n}\n");
    for (i, b) in ["a", "b"].iter().enumerate() {
        plain.push_str(&format!(
            "\nresource \"aws_iam_role_policy\" \"bucket_{i}\" {{\n  name   = \"bucket-{i}\"\n  role   = aws_iam_role.app.id\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::{b}/*\" }}] }})\n}}\n"
        ));
    }
    let got = same_iam(&idiom, &plain, "known_count");
    assert_eq!(
        got["roles"]["App"]["managed"].as_array().map(Vec::len),
        Some(2),
        "{got}"
    );
    assert_eq!(
        got["roles"]["App"]["inline"]["bucket-1"]["Statement"][0]["Resource"],
        serde_json::json!(["arn:aws:s3:::b/*"])
    );
}
