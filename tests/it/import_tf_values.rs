//! `rolegen import --from terraform` on the values real modules pass between resources (issue 19):
//! OIDC providers and the trusts that name them, `for` over a list variable, the ARNs of named
//! resources, an unexpanded `dynamic`, pieces of a variable, KMS key ARNs and aliases, optional
//! boundaries, paths and session lengths. Same method as `import_tf_idioms` (whose helpers it
//! uses): the idiom and the module written out by hand resolve to the same IAM, and what the
//! spec cannot carry is reported, never guessed.

use crate::import::{bindings, compile, errors_of};
use crate::import_tf_idioms::{assert_reported, import_text, APP_MAIN, EC2_TRUST, TRUST};
use crate::template_text::variables;

/// A GitHub deploy role and an EKS add-on role trusting OIDC providers the module creates, in
/// the styles public modules use (`aws_iam_openid_connect_provider.x.arn` in `principals`,
/// condition keys from `replace(….url, "https://", "")`), import as the `github` and `irsa`
/// helpers naming `oidc_providers:` entries and resolve like the spec written by hand; a
/// trust in another shape names `${oidc_providers.<key>.arn}`; a switched provider is
/// `when:`, and a trust choosing it or an existing provider of its URL names it (any other
/// choice is refused, never guessed).
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

    // Switched by a variable: `when:`, and a trust choosing between the created provider
    // and an existing one of the same URL (a data source) names the provider either way.
    let switched = module
        .replace(
            "resource \"aws_iam_openid_connect_provider\" \"github\" {\n",
            "variable \"make\" {\n  type = bool\n}\n\nvariable \"provider_arn\" {\n  type = string\n}\n\ndata \"aws_iam_openid_connect_provider\" \"existing\" {\n  count = var.make ? 0 : 1\n  url   = \"https://token.actions.githubusercontent.com\"\n}\n\ndata \"aws_iam_openid_connect_provider\" \"other\" {\n  url = \"https://gitlab.example.com\"\n}\n\nresource \"aws_iam_openid_connect_provider\" \"github\" {\n  count = var.make ? 1 : 0\n",
        );
    let choose = |fallback: &str| {
        switched.replace(
            "identifiers = [aws_iam_openid_connect_provider.github.arn]",
            &format!("identifiers = [var.make ? aws_iam_openid_connect_provider.github[0].arn : {fallback}]"),
        )
    };
    let i = import_text(&choose(
        "data.aws_iam_openid_connect_provider.existing[0].arn",
    ));
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(i.spec.contains("    when: Make\n"), "{}", i.spec);
    assert!(i.spec.contains("oidc_provider: github"), "{}", i.spec);
    let _ = compile(&i.spec, "m");
    // The fallback spelt as the ARN IAM gives the provider (rolegen's own), or the choice
    // negated: the same.
    let spelt = "\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com\"";
    let i = import_text(&choose(spelt));
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    let negated = switched.replace(
        "identifiers = [aws_iam_openid_connect_provider.github.arn]",
        "identifiers = [!var.make ? data.aws_iam_openid_connect_provider.existing[0].arn : aws_iam_openid_connect_provider.github[0].arn]",
    );
    let i = import_text(&negated);
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    // A variable's ARN (any provider), another URL's provider, or another switch: refused,
    // never read as this provider's.
    for fallback in [
        "var.provider_arn",
        "data.aws_iam_openid_connect_provider.other.arn",
        "\"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\"",
    ] {
        let i = import_text(&choose(fallback));
        assert_reported(&i, "a conditional on a single value cannot be expressed");
        assert!(!i.spec.contains("\n  deploy:"), "{fallback}: {}", i.spec);
    }
    let other_switch = choose("data.aws_iam_openid_connect_provider.existing[0].arn")
        .replace("identifiers = [var.make ?", "identifiers = [!var.make ?");
    let i = import_text(&other_switch);
    assert_reported(&i, "a conditional on a single value cannot be expressed");
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
    let vars = variables(&[
        ("steps", "list(string)", r#"["a", "b"]"#),
        ("prefix", "string", r#""wf""#),
    ]);
    let module = |element: &str| {
        format!(
            r#"
{vars}
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
    let vars = variables(&[("app", "string", r#""shop""#)]);
    let module = |extra: &str| {
        format!(
            r#"
{vars}{TRUST}
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
    let vars = variables(&[
        ("mfa", "bool", "true"),
        (
            "trusted",
            "list(string)",
            r#"["arn:aws:iam::111122223333:root"]"#,
        ),
    ]);
    let module = |effect: &str, block: &str| {
        format!(
            r#"
{vars}
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
    // Over a list variable (a switch `var.mfa ? [1] : []` splits the statement instead:
    // `import_tf_cond_switch`).
    let condition = r#"dynamic "condition" {
      for_each = var.trusted
      content {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = [condition.value]
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
    assert!(!deny.spec.contains("aws:PrincipalArn"), "{}", deny.spec);
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
    // In the trust: nothing is left, the role is refused (it was imported without its condition).
    let trust = module("Allow", "").replace(
        "      identifiers = [\"arn:aws:iam::111122223333:root\"]\n    }\n  }\n}",
        &format!(
            "      identifiers = [\"arn:aws:iam::111122223333:root\"]\n    }}\n    {condition}\n  }}\n}}"
        ),
    );
    assert!(trust.contains("for_each = var.trusted"), "{trust}");
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
        let vars = variables(&[
            ("issuer_url", "string", &format!("\"{default}\"")),
            ("zones", "list(string)", r#"["a"]"#),
        ]);
        import_text(&format!(
            r#"
{vars}locals {{
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
        let vars = variables(&[
            ("boundary", "string", default),
            ("role_path", "string", r#""""#),
            ("max_session", "number", "3600"),
            ("other", "string", r#""""#),
        ]);
        format!(
            r#"
{vars}{EC2_TRUST}resource "aws_iam_role" "app" {{
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
