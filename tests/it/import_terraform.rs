//! `rolegen import --from terraform` on whole modules: rolegen's own Terraform round-trips for
//! every switch, condition and optional value; named conditions, exclusive policy lists,
//! `compact`, documents counted like their role, modules written by hand, the module
//! conventions (`create`, tags), whole-string interpolation and locals. Helpers come from
//! `import`.

use crate::import::{compile, errors_of, first_difference, fixture, root, NOT_YET_IMPORTED_TF};
use crate::import_tf_idioms::{import_text, TRUST};
use crate::support::rolegen;
use crate::template_text::{role, variables};
use rolegen::import::{self, Level};
use rolegen::model::resolve::Bindings;
use rolegen::model::{Module, ParamKind, ParamValue};
use std::fs;
use std::path::{Path, PathBuf};

/// Values for every parameter of `m` (defaults, else a made-up value), keyed by a function of
/// the name (parameters come back from Terraform as `pascal(snake(name))`).
fn values_by(m: &Module, rename: impl Fn(&str) -> String) -> Vec<(String, ParamValue)> {
    m.params
        .values()
        .map(|p| {
            let v = p.default.clone().unwrap_or_else(|| match p.kind {
                ParamKind::List => {
                    ParamValue::List(vec![format!("v-{}-1", p.name), format!("v-{}-2", p.name)])
                }
                ParamKind::Bool => ParamValue::Bool(false),
                ParamKind::Number => ParamValue::Number("7".into()),
                ParamKind::String => ParamValue::Str(format!("v-{}", p.name)),
            });
            (rename(p.name.as_str()), v)
        })
        .collect()
}

#[test]
fn terraform_written_by_rolegen_round_trips() {
    use rolegen::model::names::{pascal, snake};
    let mut specs: Vec<PathBuf> = fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.yaml"))
        .filter(|p| p.is_file())
        .collect();
    specs.extend(
        fs::read_dir(root().join("specs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
    );
    specs.sort();
    let out = tempfile::tempdir().unwrap();
    let mut n = 0;
    for spec in &specs {
        let outcome = rolegen::build::compile(
            std::slice::from_ref(spec),
            rolegen::build::CompileOptions::EMIT,
        );
        let Some(c) = outcome.modules.first() else {
            continue; // an invalid fixture
        };
        rolegen::out::write_module(out.path(), &c.module.name, &c.files).unwrap();
        let tf = out.path().join(&c.module.name).join("terraform");
        let imported = import::terraform::import(&tf, &c.module.name).unwrap();
        let errors = errors_of(&imported);
        if NOT_YET_IMPORTED_TF.contains(&c.module.name.as_str()) {
            assert!(
                !errors.is_empty(),
                "{} imports now: remove it from NOT_YET_IMPORTED_TF",
                c.module.name
            );
            continue;
        }
        assert!(
            errors.is_empty(),
            "{}: {}",
            spec.display(),
            errors.join("\n")
        );
        let (_d, m2) = compile(&imported.spec, &c.module.name);
        let orig = &c.module;
        let bools: Vec<&str> = orig
            .params
            .values()
            .filter(|p| p.kind == ParamKind::Bool)
            .map(|p| p.name.as_str())
            .collect();
        let mut base = Bindings::defaults(orig);
        for (k, v) in values_by(orig, str::to_owned) {
            base.params.insert(k, v);
        }
        let mut cases: Vec<Bindings> = (0..1u32 << bools.len().min(6))
            .map(|mask| {
                let mut b1 = base.clone();
                for (i, name) in bools.iter().enumerate().take(6) {
                    let on = ParamValue::Bool(mask & (1 << i) != 0);
                    b1.params.insert((*name).to_owned(), on);
                }
                b1
            })
            .collect();
        // Every outcome of the named conditions (`locals` in Terraform).
        cases.extend(
            crate::equivalence::condition_outcomes(orig, &base)
                .into_iter()
                .map(|(_, b)| b),
        );
        for b1 in cases {
            let mut b2 = Bindings::defaults(&m2);
            for (k, v) in &b1.params {
                b2.params.insert(pascal(&snake(k)), v.clone());
            }
            let (want, got) = (b1.module(orig), b2.module(&m2));
            if let Some(d) = first_difference(&want, &got, "") {
                panic!("{}: {d}\n--- imported\n{}", spec.display(), imported.spec);
            }
        }
        n += 1;
    }
    assert!(n >= 10, "{n}");
}

/// `count` over a string variable compared with text: a spec condition named after the local
/// that holds it (a name taken by a parameter or a hatch's condition gets a number) or after
/// what it tests; one
/// compared with a value its validation excludes, or a list's `length`, is refused.
#[test]
fn terraform_named_conditions() {
    let module = |counts: &[&str]| {
        let mut tf = String::from(
            r#"
variable "environment" {
  type    = string
  default = "dev"
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "dev or prod"
  }
}
variable "subnets" {
  type    = list(string)
  default = ["a"]
}
locals {
  environment = var.environment == "prod"
  has_r0_path = var.environment != ""
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
"#,
        );
        for (i, c) in counts.iter().enumerate() {
            tf.push_str(&format!(
                "resource \"aws_iam_role\" \"r{i}\" {{\n  count = {c} ? 1 : 0\n  name = \"r{i}\"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}}\n"
            ));
        }
        import::terraform::import_texts(
            Path::new("m"),
            vec![(Path::new("m/main.tf").to_path_buf(), tf)],
            "m",
        )
        .unwrap()
    };
    let i = module(&[
        "local.environment",
        "var.environment != \"prod\"",
        "var.environment == \"dev\"",
        "var.environment == \"dev\" && length(var.environment) > 0",
        "local.has_r0_path",
    ]);
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    for want in [
        // `HasR0Path` is the condition of role r0's path hatch; the same test written again
        // is the local's condition.
        "conditions:\n  Environment2:\n    equals:\n      - Environment\n      - prod\n  HasR0Path2:\n    not_empty: Environment\n  EnvironmentIsDev:\n    equals:\n      - Environment\n      - dev\n  EnvironmentIsDevAndHasR0Path2:\n    and:\n      - EnvironmentIsDev\n      - HasR0Path2\n",
        "    when: Environment2\n",
        "    when: not Environment2\n",
        "    when: EnvironmentIsDev\n",
        "    when: EnvironmentIsDevAndHasR0Path2\n",
        "    when: HasR0Path2\n",
    ] {
        assert!(i.spec.contains(want), "{want}\n---\n{}", i.spec);
    }
    let (_d, m) = compile(&i.spec, "m");
    for (env, on) in [
        ("dev", [false, true, true, true, true]),
        ("prod", [true, false, false, false, true]),
    ] {
        let mut b = Bindings::defaults(&m);
        b.params
            .insert("Environment".into(), ParamValue::Str(env.into()));
        let got = b.module(&m);
        for (k, want) in on.iter().enumerate() {
            assert_eq!(
                got["roles"].get(format!("R{k}")).is_some(),
                *want,
                "{env} r{k}"
            );
        }
    }
    for count in [
        "var.environment == \"qa\"",
        "length(var.subnets) > 0",
        "var.environment == \"prod\" || var.subnets == \"a\"",
    ] {
        let i = module(&[count]);
        assert!(
            errors_of(&i)
                .iter()
                .any(|e| e.contains("the role is not imported: its `count` cannot be a `when:`")),
            "{count}: {:?}",
            errors_of(&i)
        );
        assert!(!i.spec.contains("roles:"), "{count}: {}", i.spec);
    }
}

/// `managed_policy_arns` (and `inline_policy` blocks) are exclusive: a list variable is
/// attached whole; an attachment (or role policy) of the module on the same role contends with
/// it on every apply, so the role is refused rather than given both.
#[test]
fn terraform_exclusive_role_policies() {
    let module = |role_extra: &str, more: &str| {
        let tf = format!(
            r#"
variable "arns" {{
  type    = list(string)
  default = ["arn:aws:iam::111122223333:policy/a"]
}}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
  {role_extra}
}}
{more}
"#
        );
        import::terraform::import_texts(
            Path::new("m"),
            vec![(Path::new("m/main.tf").to_path_buf(), tf)],
            "m",
        )
        .unwrap()
    };
    let i = module(
        "managed_policy_arns = concat([\"arn:aws:iam::aws:policy/ReadOnlyAccess\"], var.arns)",
        "",
    );
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(
        i.spec
            .contains("    managed_policies:\n      - aws: ReadOnlyAccess\n      - arn: ${Arns}\n"),
        "{}",
        i.spec
    );
    let attach = "resource \"aws_iam_role_policy_attachment\" \"x\" {\n  role = aws_iam_role.r.name\n  policy_arn = \"arn:aws:iam::111122223333:policy/deny-some\"\n}";
    let shared = "resource \"aws_iam_policy_attachment\" \"x\" {\n  name = \"x\"\n  roles = [aws_iam_role.r.name]\n  policy_arn = \"arn:aws:iam::111122223333:policy/deny-some\"\n}";
    let inline = "resource \"aws_iam_role_policy\" \"x\" {\n  name = \"x\"\n  role = aws_iam_role.r.id\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"s3:*\", Resource = \"*\" }] })\n}";
    let inline_block = "inline_policy {\n    name = \"own\"\n    policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"sqs:*\", Resource = \"*\" }] })\n  }";
    for (role_extra, more, arg) in [
        (
            "managed_policy_arns = var.arns",
            attach,
            "managed_policy_arns",
        ),
        ("managed_policy_arns = []", shared, "managed_policy_arns"),
        (inline_block, inline, "inline_policy"),
    ] {
        let i = module(role_extra, more);
        let errors = errors_of(&i).join("\n");
        assert!(
            errors.contains(&format!(
                "the role sets `{arg}`, which Terraform keeps exclusive"
            )) && errors.contains("the role is not imported: its"),
            "{errors}"
        );
        assert!(!i.spec.contains("roles:"), "{}", i.spec);
    }
    // Without a contender both read as before.
    let i = module(inline_block, attach);
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
}

/// `compact(concat(var.list, [...]))` drops `""` items: exact (the empty literals left out)
/// when the list variable's validation pattern rejects `""`, the list with a pattern added
/// without one, refused where its pattern accepts `""`; a string variable that may be `""`
/// beside them splits the statement.
#[test]
fn terraform_compact_over_a_list_variable() {
    let module = |validation: &str| {
        let tf = format!(
            r#"
variable "arns" {{
  type    = list(string)
  default = ["arn:aws:sqs:eu-west-1:111122223333:a"]
  {validation}
}}
variable "extra" {{
  type    = string
  default = ""
}}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}
resource "aws_iam_role_policy" "p" {{
  name   = "p"
  role   = aws_iam_role.r.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sqs:SendMessage", Resource = RESOURCES }}] }})
}}
"#
        );
        move |resources: &str| {
            import::terraform::import_texts(
                Path::new("m"),
                vec![(
                    Path::new("m/main.tf").to_path_buf(),
                    tf.replace("RESOURCES", resources),
                )],
                "m",
            )
            .unwrap()
        }
    };
    let checked = module("validation {\n    condition     = alltrue([for v in var.arns : can(regex(\"^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$\", v))])\n    error_message = \"queue ARNs\"\n  }");
    let i = checked("compact(concat(var.arns, [\"arn:aws:sqs:eu-west-1:111122223333:b\", \"\"]))");
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    let (_d, m) = compile(&i.spec, "m");
    let got = Bindings::defaults(&m).module(&m);
    assert_eq!(
        got["roles"]["R"]["inline"]["p"]["Statement"][0]["Resource"],
        serde_json::json!([
            "arn:aws:sqs:eu-west-1:111122223333:a",
            "arn:aws:sqs:eu-west-1:111122223333:b"
        ])
    );
    // A string variable that may be empty beside them: its own statement under `HasExtra`
    // (`import_tf_compact.rs`), in a `jsonencode` document as in a policy document.
    let i = checked("compact(concat(var.arns, [var.extra]))");
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(i.spec.contains("when: HasExtra"), "{}", i.spec);
    // A list without a validation: the list, whose items get a pattern that needs a
    // character (narrower: an empty item fails the deploy, `import_tf_compact.rs`).
    let i = module("")("compact(var.arns)");
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(i.spec.contains("pattern: \"[^,]+\""), "{}", i.spec);
    // A list whose pattern accepts `""`: refused.
    let optional = module("validation {\n    condition     = alltrue([for v in var.arns : can(regex(\"^[a-z:]*$\", v))])\n    error_message = \"queue ARNs\"\n  }");
    let errors = errors_of(&optional("compact(var.arns)")).join("\n");
    assert!(
        errors.contains("`compact(…)` drops the empty items of `${Arns}`")
            && errors.contains("the role is not imported"),
        "{errors}"
    );
}

/// A document counted by the same conjunction as the role using it (the role's `when:` one
/// named condition of it) is read.
#[test]
fn terraform_document_counted_like_its_role() {
    let tf = r#"
variable "env" {
  type    = string
  default = "prod"
}
variable "enabled" {
  type    = bool
  default = true
}
data "aws_iam_policy_document" "trust" {
  count = var.env == "prod" && var.enabled ? 1 : 0
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" {
  count              = var.env == "prod" && var.enabled ? 1 : 0
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust[0].json
}
"#;
    let i = import::terraform::import_texts(
        Path::new("m"),
        vec![(Path::new("m/main.tf").to_path_buf(), tf.to_owned())],
        "m",
    )
    .unwrap();
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(
        i.spec.contains("    when: EnvIsProdAndEnabled\n"),
        "{}",
        i.spec
    );
    // Counted by only part of it: Terraform fails where the role is on and the document not.
    let i = import::terraform::import_texts(
        Path::new("m"),
        vec![(
            Path::new("m/main.tf").to_path_buf(),
            tf.replacen(
                "var.env == \"prod\" && var.enabled ?",
                "var.env == \"dev\" && var.enabled ?",
                1,
            ),
        )],
        "m",
    )
    .unwrap();
    assert!(
        errors_of(&i)
            .join("\n")
            .contains("the document is counted by"),
        "{:?}",
        errors_of(&i)
    );
}

#[test]
fn terraform_written_by_hand() {
    let dir = fixture("terraform/handwritten");
    let imported = import::terraform::import(&dir, "handwritten").unwrap();
    let errors = errors_of(&imported);
    // The bucket is not IAM: a note. The role's policy names its ARN, which S3 builds
    // from the bucket's written name: spelt from it, with a note.
    assert!(errors.is_empty(), "{errors:?}");
    assert!(imported.issues.iter().any(|i| i.level == Level::Note
        && i.to_string().contains("`aws_s3_bucket.data.arn` is spelt from the ARN of the name written in `bucket`: `arn:${AWS::Partition}:s3:::${App}-data`")));
    assert!(imported.issues.iter().any(|i| i.level == Level::Note
        && i.to_string().contains("main.tf:21:1: note: resource.aws_s3_bucket.data: `resource \"aws_s3_bucket\"` is left out")));
    let (_d, m) = compile(&imported.spec, "handwritten");
    for exec in [false, true] {
        let mut b = Bindings::defaults(&m);
        b.params.insert("EnableExec".into(), ParamValue::Bool(exec));
        let got = b.module(&m);
        let role = &got["roles"]["Task"];
        assert_eq!(role["name"], "billing-task");
        assert_eq!(
            role["trust"]["Statement"][0]["Principal"]["Service"][0],
            "ecs-tasks.amazonaws.com"
        );
        assert_eq!(
            role["inline"]["data"]["Statement"][1]["Resource"],
            serde_json::json!(["arn:aws:s3:::billing-a/*", "arn:aws:s3:::billing-b/*"])
        );
        assert_eq!(role["inline"].get("ecs-exec").is_some(), exec);
        if exec {
            assert_eq!(
                role["inline"]["ecs-exec"]["Statement"][0]["Condition"]["StringEquals"]
                    ["aws:ResourceAccount"][0],
                "123456789012"
            );
        }
        assert_eq!(
            role["managed"][0],
            "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"
        );
        assert_eq!(
            role["inline"]["bucket"]["Statement"][0]["Resource"][0],
            "arn:aws:s3:::billing-data/*"
        );
    }
    // HCL syntax errors: exit 2 with file:line:col.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("main.tf"),
        "resource \"aws_iam_role\" \"x\" {\n  name = \"unterminated\n}\n",
    )
    .unwrap();
    let o = rolegen(&["import", "--from", "terraform", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("main.tf:2:"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let o = rolegen(&["import", "--from", "terraform", "."], empty.path());
    assert_eq!(o.status.code(), Some(2));
}

/// terraform-aws-modules conventions: a `create` toggle and a `tags` map are read as the
/// module's own conventions, not as spec parameters.
#[test]
fn terraform_module_conventions_create_and_tags() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("main.tf"),
        r#"variable "create" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "enable_extra" {
  type    = bool
  default = false
}

resource "aws_iam_role" "this" {
  count              = var.create ? 1 : 0
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  tags               = merge(var.tags, { team = "platform" })
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = var.create ? merge(
    { ro = "arn:aws:iam::aws:policy/ReadOnlyAccess" },
    var.enable_extra ? { ssm = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" } : {},
  ) : {}
  role       = aws_iam_role.this[0].name
  policy_arn = each.value
}

resource "aws_iam_instance_profile" "this" {
  count = var.create ? 1 : 0
  name  = "app"
  role  = aws_iam_role.this[0].name
  tags  = var.tags
}
"#,
    )
    .unwrap();
    let imported = import::terraform::import(tmp.path(), "conv").unwrap();
    let errors = errors_of(&imported);
    assert!(errors.is_empty(), "{errors:?}\n{}", imported.spec);
    let notes: Vec<String> = imported.issues.iter().map(ToString::to_string).collect();
    assert!(
        notes.iter().any(|n| n.contains("`create` toggle"))
            && notes
                .iter()
                .any(|n| n.contains("`tags` for every resource")),
        "{notes:?}"
    );
    let (_d, m) = compile(&imported.spec, "conv");
    let names: Vec<&str> = m.params.keys().map(|p| p.as_str()).collect();
    assert_eq!(names, ["EnableExtra"], "{}", imported.spec);
    for extra in [false, true] {
        let mut b = Bindings::defaults(&m);
        b.params
            .insert("EnableExtra".into(), ParamValue::Bool(extra));
        let got = b.module(&m);
        let role = &got["roles"]["This"];
        assert_eq!(role["name"], "app");
        assert_eq!(
            role["managed"].as_array().unwrap().len(),
            1 + extra as usize,
            "{got:#}"
        );
    }
    let role = m.roles.values().next().unwrap();
    assert_eq!(role.tags.len(), 1);
    assert_eq!(role.tags["team"].as_literal().as_deref(), Some("platform"));
}

/// The module of the two tests below: variables `name` and `bucket_arns` (its default
/// `arns`), and a Lambda role `app` named by `name` with the inline policy `read` of S3 objects
/// in `resources` (HCL expressions).
fn app_reading(arns: &str, resources: &str, name: &str) -> String {
    let vars = variables(&[
        ("name", "string", r#""app""#),
        ("bucket_arns", "list(string)", arns),
    ]);
    let role = role("app", name, "");
    format!(
        r#"
{vars}{TRUST}
data "aws_iam_policy_document" "read" {{
  statement {{
    actions   = ["s3:GetObject"]
    resources = {resources}
  }}
}}

{role}
resource "aws_iam_role_policy" "read" {{
  name   = "read"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.read.json
}}
"#
    )
}

/// `"${...}"` around a whole value (how Terraform 0.11 wrote every reference, and many
/// modules still do) reads as the value itself, as Terraform reads it: a module written that
/// way imports to the same spec as the one written with bare references.
#[test]
fn terraform_whole_string_interpolation_is_the_value() {
    let bare = app_reading(
        r#"["arn:aws:s3:::a", "arn:aws:s3:::b"]"#,
        "var.bucket_arns",
        "var.name",
    );
    let wrapped = bare
        .replace("= var.bucket_arns", "= \"${var.bucket_arns}\"")
        .replace("= var.name", "= \"${var.name}\"")
        .replace(
            "= data.aws_iam_policy_document.trust.json",
            "= \"${data.aws_iam_policy_document.trust.json}\"",
        )
        .replace(
            "= data.aws_iam_policy_document.read.json",
            "= \"${data.aws_iam_policy_document.read.json}\"",
        )
        .replace("= aws_iam_role.app.id", "= \"${aws_iam_role.app.id}\"");
    assert_eq!(wrapped.matches("\"${").count(), 5);
    let (a, b) = (import_text(&bare), import_text(&wrapped));
    assert!(errors_of(&a).is_empty(), "{:?}", errors_of(&a));
    assert_eq!(a.spec, b.spec);
    assert_eq!(a.issues, b.issues);
    let (_d, m) = compile(&b.spec, "wrapped");
    let got = Bindings::defaults(&m).module(&m);
    let role = &got["roles"]["App"];
    assert_eq!(role["name"], "app");
    assert_eq!(
        role["inline"]["read"]["Statement"][0]["Resource"],
        serde_json::json!(["arn:aws:s3:::a", "arn:aws:s3:::b"])
    );
    assert_eq!(
        role["trust"]["Statement"][0]["Principal"]["Service"][0],
        "lambda.amazonaws.com"
    );
    // A string around the interpolation stays a string template.
    let prefixed = bare.replace("= var.name", "= \"x-${var.name}\"");
    assert!(import_text(&prefixed).spec.contains("name: x-${Name}"));
}

/// `locals`: a module that names its values in `locals` (a name built from a variable, a
/// list concatenated from a variable, a policy document's JSON) imports to the same spec as
/// the one with the expressions written in place; a local that refers to itself is
/// reported where it is used, not followed forever.
#[test]
fn terraform_locals_are_read_where_they_are_used() {
    let inline = app_reading(
        r#"["arn:aws:s3:::a"]"#,
        r#"concat(var.bucket_arns, ["arn:aws:s3:::shared"])"#,
        r#""${var.name}-svc""#,
    );
    let with_locals = format!(
        "{}\nlocals {{\n  prefix = \"${{var.name}}-svc\"\n  arns   = concat(var.bucket_arns, [local.shared])\n  shared = \"arn:aws:s3:::shared\"\n  trust  = data.aws_iam_policy_document.trust\n}}\n",
        inline
            .replace("= \"${var.name}-svc\"", "= local.prefix")
            .replace(
                "= concat(var.bucket_arns, [\"arn:aws:s3:::shared\"])",
                "= local.arns"
            )
            .replace(
                "= data.aws_iam_policy_document.trust.json",
                "= local.trust.json"
            )
    );
    assert_eq!(with_locals.matches("local.").count(), 4);
    let (a, b) = (import_text(&inline), import_text(&with_locals));
    assert!(errors_of(&a).is_empty(), "{:?}", errors_of(&a));
    assert!(errors_of(&b).is_empty(), "{:?}", errors_of(&b));
    assert_eq!(a.spec, b.spec);
    let (_d, m) = compile(&b.spec, "locals");
    let got = Bindings::defaults(&m).module(&m);
    let role = &got["roles"]["App"];
    assert_eq!(role["name"], "app-svc");
    assert_eq!(
        role["inline"]["read"]["Statement"][0]["Resource"],
        serde_json::json!(["arn:aws:s3:::a", "arn:aws:s3:::shared"])
    );
    // A local that refers to itself (Terraform rejects the cycle) is reported at its use.
    let cyclic = with_locals.replace(
        "  shared = \"arn:aws:s3:::shared\"",
        "  shared = local.shared",
    );
    let c = import_text(&cyclic);
    assert!(
        errors_of(&c)
            .iter()
            .any(|e| e.contains("`local.shared` is not evaluated")),
        "{:?}",
        errors_of(&c)
    );
}
