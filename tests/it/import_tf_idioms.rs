//! `rolegen import --from terraform` on the idioms real modules use (issue 19 part 3): each
//! test imports a module written with the idiom and the same module written out by hand,
//! and checks that both specs compile and resolve to the same IAM for every combination of
//! their bool parameters; what depends on a variable the spec cannot carry is reported and
//! what holds it is left out, never guessed.

use crate::import::{bindings, compile, errors_of};
use rolegen::import::{self, Imported};
use std::path::{Path, PathBuf};

fn import_text(text: &str) -> Imported {
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
fn assert_reported(imported: &Imported, needle: &str) {
    let errors = errors_of(imported);
    assert!(
        errors.iter().any(|e| e.contains(needle)),
        "no error says {needle:?}: {errors:?}"
    );
}

/// A role `app` with the inline policy `main` of `data.aws_iam_policy_document.main`.
const APP_MAIN: &str = r#"
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

const TRUST: &str = r#"
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

/// A GitHub deploy role and an EKS add-on role trusting OIDC providers the module creates, in
/// the styles public modules use (`aws_iam_openid_connect_provider.x.arn` in `principals`,
/// condition keys from `replace(….url, "https://", "")`), import as the `github` and `irsa`
/// helpers naming `oidc_providers:` entries and resolve like the spec written by hand; a
/// trust in another shape names `${oidc_providers.<key>.arn}`; a switched provider refuses
/// the roles that trust it (never guessed).
#[test]
fn terraform_oidc_providers_and_the_trusts_that_name_them() {
    let module = r#"
variable "cluster_issuer" {
  type    = string
  default = "oidc.eks.eu-west-1.amazonaws.com/id/ABC"
}

variable "repo" {
  type = string
}

resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

resource "aws_iam_openid_connect_provider" "eks" {
  url            = "https://${var.cluster_issuer}"
  client_id_list = ["sts.amazonaws.com", "other"]
}

data "aws_iam_policy_document" "deploy_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.repo}:ref:refs/heads/*"]
    }
  }
}

data "aws_iam_policy_document" "dns_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub"
      values   = ["system:serviceaccount:kube-system:external-dns"]
    }
    condition {
      test     = "StringEquals"
      variable = "${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.deploy_trust.json
}

resource "aws_iam_role" "dns" {
  name               = "external-dns"
  assume_role_policy = data.aws_iam_policy_document.dns_trust.json
}
"#;
    let expected = r#"module: m
parameters:
  ClusterIssuer: {type: string, default: oidc.eks.eu-west-1.amazonaws.com/id/ABC}
  Repo: {type: string}
roles:
  deploy:
    name: deploy
    trust:
      - github: {repo: "${Repo}", subjects: ["ref:refs/heads/*"], oidc_provider: github}
  dns:
    name: external-dns
    trust:
      - irsa: {oidc_provider: eks, namespace: kube-system, service_account: external-dns}
oidc_providers:
  github:
    url: https://token.actions.githubusercontent.com
    thumbprints: ["6938fd4d98bab03faadb97b34396831e3780aea1"]
  eks:
    url: https://${ClusterIssuer}
    audiences: [sts.amazonaws.com, other]
"#;
    let got = import_text(module);
    assert!(
        errors_of(&got).is_empty(),
        "{:?}\n{}",
        errors_of(&got),
        got.spec
    );
    let (_d1, m) = compile(&got.spec, "m");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, expected).unwrap();
    let mut outcome = rolegen::build::compile(
        std::slice::from_ref(&path),
        rolegen::build::CompileOptions::VALIDATE,
    );
    assert!(!outcome.modules.is_empty(), "{:?}", outcome.diagnostics);
    let want = outcome.modules.remove(0).module;
    let values = [("Repo", "octo/site")];
    for (x, y) in bindings(&m, &values).iter().zip(&bindings(&want, &values)) {
        assert_eq!(x.module(&m), y.module(&want), "{}", got.spec);
    }
    assert!(got.spec.contains("oidc_provider: github"), "{}", got.spec);
    assert!(got.spec.contains("oidc_provider: eks"), "{}", got.spec);

    // Switched by a variable, or a trust without the `aud` condition: refused, never guessed.
    let switched = module.replace(
        "resource \"aws_iam_openid_connect_provider\" \"github\" {\n",
        "variable \"make\" {\n  type = bool\n}\n\nresource \"aws_iam_openid_connect_provider\" \"github\" {\n  count = var.make ? 1 : 0\n",
    );
    let i = import_text(&switched);
    assert_reported(&i, "switched by `count`");
    assert_reported(&i, "the OIDC provider is not imported");
    assert!(!i.spec.contains("\n  deploy:"), "{}", i.spec);
    // A wildcard subject under StringEquals: not the helper's test, the raw statement.
    let raw = module.replacen(
        r#"test     = "StringLike""#,
        r#"test     = "StringEquals""#,
        1,
    );
    let i = import_text(&raw);
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(
        i.spec.contains("${oidc_providers.github.arn}"),
        "{}",
        i.spec
    );
    let _ = compile(&i.spec, "m");
}

/// `[for s in var.list : "…${s}…"]` with only literal text around the element imports (the
/// spec writes the list parameter inside the string, built per element); with another value
/// in the string (the partition, another variable) CloudFormation cannot build it per
/// element (RG401), so the import reports it and leaves the statement out instead of writing
/// a spec that does not build (found by the import corpus, issue 19 part 4).
#[test]
fn terraform_for_over_a_list_variable() {
    let module = |element: &str| {
        format!(
            r#"
variable "steps" {{
  type    = list(string)
  default = ["a", "b"]
}}

variable "prefix" {{
  type    = string
  default = "wf"
}}

data "aws_partition" "current" {{}}
{TRUST}
data "aws_iam_policy_document" "main" {{
  statement {{
    actions   = ["lambda:InvokeFunction"]
    resources = [for s in var.steps : "{element}"]
  }}
}}
{APP_MAIN}"#
        )
    };
    let plain = import_text(&module(
        "arn:aws:lambda:us-east-1:111122223333:function:wf-${s}",
    ));
    assert!(errors_of(&plain).is_empty(), "{:?}", errors_of(&plain));
    let (_d, m) = compile(&plain.spec, "for_literal");
    let got = bindings(&m, &[])[0].module(&m);
    assert_eq!(
        got["roles"]["App"]["inline"]["main"]["Statement"][0]["Resource"],
        serde_json::json!([
            "arn:aws:lambda:us-east-1:111122223333:function:wf-a",
            "arn:aws:lambda:us-east-1:111122223333:function:wf-b"
        ])
    );
    for mixed in [
        "arn:${data.aws_partition.current.partition}:lambda:us-east-1:111122223333:function:${s}",
        "arn:aws:lambda:us-east-1:111122223333:function:${var.prefix}-${s}",
        "arn:aws:lambda:us-east-1:111122223333:function:a,${s}",
    ] {
        let imported = import_text(&module(mixed));
        assert_reported(
            &imported,
            "builds each element from the list and other values",
        );
        // The Allow is left out (narrower, never wider), and what is left builds.
        assert!(
            !imported.spec.contains("lambda:InvokeFunction"),
            "{}",
            imported.spec
        );
        compile(&imported.spec, "for_mixed");
    }
}

/// A reference to the ARN or name of a resource that is not IAM but has a written name
/// (`aws_dynamodb_table.orders.arn`, `aws_s3_bucket.data.id`) is spelt from that name, the
/// way AWS builds the ARN (each service's ARN format, written out here for us-east-1 and
/// account 123456789012); a counted resource, one without a written name, or another
/// attribute stays a parameter without a default (reported).
#[test]
fn terraform_arns_of_named_resources() {
    let module = |extra: &str| {
        format!(
            r#"
variable "app" {{
  type    = string
  default = "shop"
}}
{TRUST}
resource "aws_s3_bucket" "data" {{
  bucket = "${{var.app}}-data"
}}

resource "aws_sqs_queue" "jobs" {{
  name = "${{var.app}}-jobs.fifo"
  fifo_queue = true
}}

resource "aws_sns_topic" "alerts" {{
  name = "alerts"
}}

resource "aws_lambda_function" "fn" {{
  function_name = "${{var.app}}-fn"
  role          = aws_iam_role.app.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "fn.zip"
}}

resource "aws_dynamodb_table" "orders" {{
  name     = "orders"
  hash_key = "pk"
  attribute {{
    name = "pk"
    type = "S"
  }}
}}

resource "aws_cloudwatch_log_group" "fn" {{
  name = "/aws/lambda/${{var.app}}-fn"
}}

resource "aws_sfn_state_machine" "flow" {{
  name       = "flow"
  role_arn   = aws_iam_role.app.arn
  definition = "{{}}"
}}

resource "aws_ecr_repository" "img" {{
  name = "shop/api"
}}

resource "aws_cloudwatch_event_bus" "bus" {{
  name = "commerce"
}}

resource "aws_sqs_queue" "counted" {{
  count = 1
  name  = "counted"
}}

resource "aws_sqs_queue" "prefixed" {{
  name_prefix = "p-"
}}

data "aws_iam_policy_document" "main" {{
  statement {{
    actions = ["s3:GetObject", "sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction", "dynamodb:GetItem", "logs:PutLogEvents", "states:StartExecution", "ecr:BatchGetImage", "events:PutEvents"]
    resources = [
      "${{aws_s3_bucket.data.arn}}/*",
      "arn:aws:s3:::${{aws_s3_bucket.data.id}}-copy/*",
      aws_sqs_queue.jobs.arn,
      aws_sns_topic.alerts.id,
      aws_lambda_function.fn.arn,
      aws_dynamodb_table.orders.arn,
      "${{aws_cloudwatch_log_group.fn.arn}}:*",
      aws_sfn_state_machine.flow.arn,
      aws_ecr_repository.img.arn,
      aws_cloudwatch_event_bus.bus.arn,{extra}
    ]
  }}
}}
{APP_MAIN}"#
        )
    };
    let imported = import_text(&module(""));
    assert!(
        errors_of(&imported).is_empty(),
        "{:?}",
        errors_of(&imported)
    );
    let (_d, m) = compile(&imported.spec, "named");
    let got = bindings(&m, &[])[0].module(&m);
    assert_eq!(
        got["roles"]["App"]["inline"]["main"]["Statement"][0]["Resource"],
        serde_json::json!([
            "arn:aws:s3:::shop-data/*",
            "arn:aws:s3:::shop-data-copy/*",
            "arn:aws:sqs:us-east-1:123456789012:shop-jobs.fifo",
            "arn:aws:sns:us-east-1:123456789012:alerts",
            "arn:aws:lambda:us-east-1:123456789012:function:shop-fn",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/shop-fn:*",
            "arn:aws:states:us-east-1:123456789012:stateMachine:flow",
            "arn:aws:ecr:us-east-1:123456789012:repository/shop/api",
            "arn:aws:events:us-east-1:123456789012:event-bus/commerce"
        ])
    );
    for (extra, what) in [
        (
            "aws_sqs_queue.counted[0].arn",
            "`aws_sqs_queue.counted[0].arn` cannot be expressed",
        ),
        (
            "aws_sqs_queue.prefixed.arn",
            "`aws_sqs_queue.prefixed.arn` cannot be expressed",
        ),
        (
            "aws_sqs_queue.jobs.url",
            "`aws_sqs_queue.jobs.url` cannot be expressed",
        ),
    ] {
        let i = import_text(&module(&format!("\n      {extra},")));
        assert_reported(&i, what);
    }
}

/// A `dynamic` block inside a statement that the evaluator cannot expand (a `dynamic
/// "condition"` switched by a variable, as terraform-aws-modules write the MFA condition) was
/// reported and then ignored: the statement came across without the condition, a trust
/// without its MFA requirement, wider than the source (found by the import corpus). Now what
/// it may restrict is lost: an Allow is left out (a trust with nothing left refuses its role),
/// a Deny is kept without it (it denies more).
#[test]
fn terraform_an_unexpanded_dynamic_in_a_statement_restricts_it() {
    let module = |effect: &str, block: &str| {
        format!(
            r#"
variable "mfa" {{
  type    = bool
  default = true
}}

variable "trusted" {{
  type    = list(string)
  default = ["arn:aws:iam::111122223333:root"]
}}

data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }}
  }}
}}

data "aws_iam_policy_document" "main" {{
  statement {{
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }}
  statement {{
    effect    = "{effect}"
    actions   = ["s3:GetObject"]
    resources = ["*"]
    {block}
  }}
}}
{APP_MAIN}"#
        )
    };
    let condition = r#"dynamic "condition" {
      for_each = var.mfa ? [1] : []
      content {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }"#;
    // In the permissions: the Allow is left out, the Deny kept without the condition.
    let allow = import_text(&module("Allow", condition));
    assert_reported(&allow, "the statement's conditions are lost");
    assert!(!allow.spec.contains("s3:GetObject"), "{}", allow.spec);
    assert!(allow.spec.contains("s3:ListBucket"), "{}", allow.spec);
    let deny = import_text(&module("Deny", condition));
    assert_reported(&deny, "the statement's conditions are lost");
    assert!(deny.spec.contains("s3:GetObject"), "{}", deny.spec);
    assert!(
        !deny.spec.contains("MultiFactorAuthPresent"),
        "{}",
        deny.spec
    );
    // Principals from a `dynamic "principals"` over a variable: lost, the Allow left out.
    let principals = r#"dynamic "principals" {
      for_each = var.trusted
      content {
        type        = "AWS"
        identifiers = [principals.value]
      }
    }"#;
    let p = import_text(&module("Allow", principals));
    assert_reported(&p, "the statement's principals are lost");
    assert!(!p.spec.contains("s3:GetObject"), "{}", p.spec);
    // In the trust: nothing is left, the role is refused (it was imported without MFA).
    let trust = module("Allow", "").replace(
        "      identifiers = [\"arn:aws:iam::111122223333:root\"]\n    }\n  }\n}",
        &format!(
            "      identifiers = [\"arn:aws:iam::111122223333:root\"]\n    }}\n    {condition}\n  }}\n}}"
        ),
    );
    assert!(trust.contains("var.mfa"), "{trust}");
    let t = import_text(&trust);
    assert_reported(&t, "no statement of its trust policy could be imported");
    assert!(!t.spec.contains("name: app"), "{}", t.spec);
    for i in [&allow, &deny, &p, &t] {
        compile(&i.spec, "dynamic_in_statement");
    }
}

/// A piece of a variable (the EKS OIDC issuer idiom): `split("//", var.x)[1]` (through a
/// local too) and `element(split("//", var.x), 1)` become `${split("//", Url)[1]}` (the
/// `element` form with a note: it wraps around where the spec's piece fails); a default
/// without the piece, a `replace(…)` (a different function), a split of a list and an empty
/// delimiter become new parameters, reported.
#[test]
fn terraform_pieces_of_a_variable() {
    let with = |expr: &str, default: &str| {
        import_text(&format!(
            r#"
variable "issuer_url" {{
  type    = string
  default = "{default}"
}}
variable "zones" {{
  type    = list(string)
  default = ["a"]
}}
locals {{
  issuer = split("//", var.issuer_url)[1]
}}
{TRUST}
data "aws_iam_policy_document" "main" {{
  statement {{
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${{{expr}}}/*"]
  }}
}}
{APP_MAIN}"#
        ))
    };
    let url = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    for expr in [
        r#"split("//", var.issuer_url)[1]"#,
        "local.issuer",
        r#"element(split("//", var.issuer_url), 1)"#,
    ] {
        let m = with(expr, url);
        assert!(errors_of(&m).is_empty(), "{expr}: {:?}", errors_of(&m));
        assert!(
            m.spec
                .contains(r#"arn:aws:s3:::${split("//", IssuerUrl)[1]}/*"#),
            "{expr}\n{}",
            m.spec
        );
        let (_d, module) = compile(&m.spec, "pieces");
        let b = &bindings(&module, &[])[0];
        let doc = serde_json::to_string(&b.module(&module)).unwrap();
        assert!(
            doc.contains("arn:aws:s3:::oidc.eks.eu-west-1.amazonaws.com/id/ABC/*"),
            "{doc}"
        );
    }
    let m = with(r#"element(split("//", var.issuer_url), 1)"#, url);
    assert!(
        m.issues
            .iter()
            .any(|i| i.to_string().contains("wraps around")),
        "{:?}",
        m.issues
    );
    for (expr, default) in [
        (r#"split("//", var.issuer_url)[1]"#, "oidc.eks/id/ABC"),
        (r#"replace(var.issuer_url, "https://", "")"#, url),
        (r#"trimprefix(var.issuer_url, "https://")"#, url),
        (r#"split("", var.issuer_url)[1]"#, url),
    ] {
        let m = with(expr, default);
        assert_reported(
            &m,
            "cannot be expressed; the spec takes it as the new parameter",
        );
        assert!(!m.spec.contains("s3:::${split("), "{expr}\n{}", m.spec);
        compile(&m.spec, "pieces_reported");
    }
    // A split of what the spec cannot write at all: the statement is left out, reported.
    let m = with(r#"split(",", join(",", var.zones))[0]"#, url);
    assert_reported(&m, "`join(…)` cannot be expressed");
}

/// A key of the module read by ARN (`aws_kms_key.x.arn`, `[0].arn`, `join("", x[*].arn)`)
/// becomes `${kms_keys.<key>.arn}`, and an alias named from a variable keeps its
/// interpolation; the spec resolves like the module.
#[test]
fn terraform_key_arns_and_aliases_from_variables() {
    for arn in [
        "aws_kms_key.data.arn",
        "aws_kms_key.data[0].arn",
        r#"join("", aws_kms_key.data[*].arn)"#,
    ] {
        let m = import_text(&format!(
            r#"
variable "environment" {{
  type    = string
  default = "dev"
}}
data "aws_caller_identity" "current" {{}}
data "aws_iam_policy_document" "key" {{
  statement {{
    actions   = ["kms:*"]
    resources = ["*"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root"]
    }}
  }}
}}
resource "aws_kms_key" "data" {{
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}}
resource "aws_kms_alias" "data" {{
  name          = "alias/data-platform-${{var.environment}}"
  target_key_id = aws_kms_key.data.key_id
}}
{TRUST}
data "aws_iam_policy_document" "main" {{
  statement {{
    actions   = ["kms:Decrypt"]
    resources = [{arn}]
  }}
}}
{APP_MAIN}"#
        ));
        assert!(
            errors_of(&m).is_empty(),
            "{arn}: {:?}\n{}",
            errors_of(&m),
            m.spec
        );
        assert!(m.spec.contains("${kms_keys.data.arn}"), "{arn}\n{}", m.spec);
        assert!(
            m.spec.contains("alias: data-platform-${Environment}"),
            "{}",
            m.spec
        );
        let (_d, module) = compile(&m.spec, "key_arns");
        let b = &bindings(&module, &[])[0];
        let doc = serde_json::to_string(&b.module(&module)).unwrap();
        assert!(
            doc.contains("arn:aws:kms:us-east-1:123456789012:key/key-{Data}"),
            "{doc}"
        );
    }
}

/// Issue 19, a value or nothing: `var.x == "" ? null : var.x`, `var.x != "" ? var.x : null`,
/// and `var.x` of a string variable that is null by default are the spec's optional value
/// `${X}` (its default `""`, nothing); `max_session_duration = var.n` a number parameter. A
/// variable with another default, or a conditional over another variable, is not: the
/// boundary is refused with its role, never dropped.
#[test]
fn terraform_optional_boundary_path_and_session() {
    let module = |boundary: &str, default: &str| {
        format!(
            r#"
variable "boundary" {{
  type    = string
  default = {default}
}}
variable "role_path" {{
  type    = string
  default = ""
}}
variable "max_session" {{
  type    = number
  default = 3600
}}
variable "other" {{
  type    = string
  default = ""
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
  name                 = "app"
  path                 = var.role_path != "" ? var.role_path : null
  max_session_duration = var.max_session
  permissions_boundary = {boundary}
  assume_role_policy   = data.aws_iam_policy_document.trust.json
}}
resource "aws_iam_role" "worker" {{
  name                 = "worker"
  permissions_boundary = {boundary}
  assume_role_policy   = data.aws_iam_policy_document.trust.json
}}
"#
        )
    };
    for (boundary, default) in [
        (r#"var.boundary == "" ? null : var.boundary"#, r#""""#),
        (r#"var.boundary != "" ? var.boundary : null"#, r#""""#),
        ("var.boundary", "null"),
        (r#"var.boundary == "" ? null : var.boundary"#, "null"),
    ] {
        let i = import_text(&module(boundary, default));
        assert!(
            errors_of(&i).is_empty(),
            "{boundary}: {:?}\n{}",
            errors_of(&i),
            i.spec
        );
        assert_eq!(
            i.spec.matches("permissions_boundary: ${Boundary}").count(),
            2,
            "{}",
            i.spec
        );
        assert!(i.spec.contains("path: ${RolePath}"), "{}", i.spec);
        assert!(
            i.spec.contains("max_session_duration: ${MaxSession}"),
            "{}",
            i.spec
        );
        let (_d, m) = compile(&i.spec, "optional");
        for r in m.roles.values() {
            let b = r.boundary.as_ref().unwrap();
            assert_eq!(
                m.optional_param(b).map(|p| p.as_str()),
                Some("Boundary"),
                "{}",
                i.spec
            );
        }
    }
    for (boundary, default) in [
        ("var.boundary", r#""""#),
        (r#"var.boundary == "" ? null : var.other"#, r#""""#),
        (
            r#"var.boundary == "" ? null : var.boundary"#,
            r#""arn:aws:iam::123456789012:policy/b""#,
        ),
    ] {
        let i = import_text(&module(boundary, default));
        if boundary == "var.boundary" {
            // `""` is the provider's nothing too: a plain reference imports as is.
            assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
            continue;
        }
        assert_reported(&i, "its permissions_boundary cannot be expressed");
        assert!(!i.spec.contains("worker"), "{}", i.spec);
    }
}
