//! `rolegen import`: CloudFormation templates (real-world role setups under
//! `tests/import_fixtures/`, and rolegen's own `modules-out/*/cloudformation/*.yaml`) imported
//! into a spec that compiles and resolves to the same IAM JSON as the original template, for
//! every combination of its bool parameters; IAM JSON and Terraform imports; and the reports
//! of what a spec cannot express.

use crate::support::rolegen;
use rolegen::import::{self, cfn_resolve, cloudformation, Level};
use rolegen::model::resolve::Bindings;
use rolegen::model::{Module, ParamKind, ParamValue};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles imported spec text (written to a temporary folder); panics with the diagnostics
/// on error, and when the text is not already in `rolegen fmt`'s canonical layout (an
/// imported spec must pass `rolegen fmt --check` as written).
pub(crate) fn compile(spec: &str, name: &str) -> (tempfile::TempDir, Module) {
    match rolegen::fmt::format(spec) {
        Ok(canonical) => assert!(
            canonical == spec,
            "the imported spec of {name} fails `rolegen fmt --check`:\n{}",
            similar::TextDiff::from_lines(spec, canonical.as_str()).unified_diff()
        ),
        Err(e) => panic!("the imported spec of {name} cannot be formatted: {e}\n{spec}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.yaml"));
    fs::write(&path, spec).unwrap();
    let mut outcome = rolegen::build::compile(
        std::slice::from_ref(&path),
        rolegen::build::CompileOptions::VALIDATE,
    );
    let errors: Vec<String> = outcome
        .diagnostics
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            format!(
                "{} {} at {:?}",
                d.rule.code,
                d.message,
                d.source.as_ref().map(|s| s.span.line)
            )
        })
        .collect();
    assert!(
        errors.is_empty() && !outcome.modules.is_empty(),
        "the imported spec of {name} does not compile:\n{}\n---\n{spec}",
        errors.join("\n")
    );
    let m = outcome.modules.remove(0).module;
    (dir, m)
}

/// Every combination of the module's bool parameters, on top of `values`.
pub(crate) fn bindings(m: &Module, values: &[(&str, &str)]) -> Vec<Bindings> {
    let base = base_bindings(m, values);
    let bools: Vec<String> = m
        .params
        .values()
        .filter(|p| p.kind == ParamKind::Bool)
        .map(|p| p.name.0.clone())
        .collect();
    let n = bools.len().min(6);
    let mut out: Vec<Bindings> = (0..1u32 << n)
        .map(|mask| {
            let mut b = base.clone();
            for (i, name) in bools.iter().take(n).enumerate() {
                b.params
                    .insert(name.clone(), ParamValue::Bool(mask & (1 << i) != 0));
            }
            b
        })
        .collect();
    // Every outcome of the spec's named conditions.
    out.extend(
        crate::equivalence::condition_outcomes(m, &base)
            .into_iter()
            .map(|(_, b)| b),
    );
    out
}

/// The module's defaults with `values` (comma-separated for a list) in place.
pub(crate) fn base_bindings(m: &Module, values: &[(&str, &str)]) -> Bindings {
    let mut base = Bindings::defaults(m);
    for (k, v) in values {
        let p = m
            .params
            .get(*k)
            .unwrap_or_else(|| panic!("no parameter {k}"));
        let value = match p.kind {
            ParamKind::List => ParamValue::List(v.split(',').map(str::to_owned).collect()),
            ParamKind::Bool => ParamValue::Bool(*v == "true"),
            ParamKind::Number => ParamValue::Number((*v).to_owned()),
            ParamKind::String => ParamValue::Str((*v).to_owned()),
        };
        base.params.insert((*k).to_owned(), value);
    }
    base
}

/// The first place where `a` and `b` differ, as a path and both values.
pub(crate) fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                    (p, q) => return Some(format!("{path}.{k}: {p:?} vs {q:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

/// Fixture modules the Terraform importer cannot read yet (issue 19). The round trip checks
/// that importing them still reports an error, so the entry goes when the importer learns
/// them.
const NOT_YET_IMPORTED_TF: &[&str] = &[];
/// Fixture stacks the CloudFormation importer cannot read yet: named conditions beyond a bool
/// parameter (issue 19); importing them must still report an error.
const NOT_YET_IMPORTED_CFN: &[&str] = &[];

/// The error-level issues of an import, as text.
pub(crate) fn errors_of(imported: &import::Imported) -> Vec<String> {
    imported
        .issues
        .iter()
        .filter(|i| i.level == Level::Error)
        .map(ToString::to_string)
        .collect()
}

/// Imports `template`, compiles the spec, and checks that it resolves like the template for
/// every combination of bool parameters. Returns the import (for further checks).
fn round_trip(template: &Path, values: &[(&str, &str)], allow_errors: bool) -> import::Imported {
    let name = template.file_stem().unwrap().to_string_lossy().into_owned();
    let imported = cloudformation::import(template, &import::module_name_from(template)).unwrap();
    let errors = errors_of(&imported);
    assert!(
        allow_errors || errors.is_empty(),
        "{name}: import reported\n{}",
        errors.join("\n")
    );
    let (_dir, m) = compile(&imported.spec, &name);
    for b in bindings(&m, values) {
        let got = b.module(&m);
        let want =
            cfn_resolve::resolve_file(template, &b).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = cfn_resolve::rekey(&want, &imported.keys);
        if let Some(d) = first_difference(&want, &got, "") {
            panic!(
                "{name}: the spec resolves differently from the template with {:?}:\n{d}\n--- spec\n{}",
                b.params, imported.spec
            );
        }
    }
    imported
}

/// Every valid fixture's stack (switched roles with switched policies: `Fn::And` conditions,
/// KMS keys, list parameters, escaping) imports back to a spec that grants the same.
#[test]
fn cloudformation_of_every_fixture_round_trips() {
    let out = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut specs: Vec<PathBuf> = fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.yaml"))
        .filter(|p| p.is_file())
        .collect();
    specs.sort();
    for spec in &specs {
        let outcome = rolegen::build::compile(
            std::slice::from_ref(spec),
            rolegen::build::CompileOptions::EMIT,
        );
        let Some(c) = outcome.modules.first() else {
            continue;
        };
        rolegen::out::write_module(out.path(), &c.module.name, &c.files).unwrap();
        let stack = out
            .path()
            .join(&c.module.name)
            .join("cloudformation")
            .join(format!("{}.yaml", c.module.name));
        if NOT_YET_IMPORTED_CFN.contains(&c.module.name.as_str()) {
            let imported =
                cloudformation::import(&stack, &import::module_name_from(&stack)).unwrap();
            assert!(
                !errors_of(&imported).is_empty(),
                "{} imports now: remove it from NOT_YET_IMPORTED_CFN",
                c.module.name
            );
            continue;
        }
        // A parameter without a default takes its example (a piece of `<Name>` fails).
        let examples: Vec<(&str, &str)> = c
            .module
            .params
            .values()
            .filter(|p| p.default.is_none())
            .filter_map(|p| match &p.example {
                Some(rolegen::model::ParamValue::Str(v)) => Some((p.name.as_str(), v.as_str())),
                _ => None,
            })
            .collect();
        round_trip(&stack, &examples, false);
        n += 1;
    }
    assert!(n >= 8, "only {n} fixtures");
}

#[test]
fn rolegens_own_cloudformation_round_trips() {
    let mut n = 0;
    let mut dirs: Vec<PathBuf> = fs::read_dir(root().join("modules-out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for d in dirs {
        let cf = d.join("cloudformation");
        let Ok(entries) = fs::read_dir(&cf) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for f in files {
            let imported = round_trip(&f, &[], false);
            assert!(imported.issues.iter().all(|i| i.level == Level::Note));
            n += 1;
        }
    }
    assert!(n >= 5, "only {n} modules");
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/import_fixtures").join(name)
}

#[test]
fn real_world_fixtures_round_trip() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "aws-load-balancer-controller.yaml",
            &[
                ("ClusterName", "prod"),
                ("OidcIssuer", "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF"),
            ],
        ),
        ("karpenter.yaml", &[("ClusterName", "prod")]),
        ("external-dns.json", &[("OidcProvider", "oidc.eks.us-east-1.amazonaws.com/id/ABC"), ("HostedZoneId", "Z0123")]),
        (
            "github-actions-deploy.yaml",
            &[("GitHubOrg", "octo-org"), ("RepositoryName", "site"), ("SiteBucket", "octo-site"), ("DistributionId", "E123")],
        ),
        ("datadog-integration.yaml", &[("ExternalId", "0123abcd")]),
        (
            "snowflake-storage-integration.yaml",
            &[("SnowflakeUserArn", "arn:aws:iam::111122223333:user/abc1-b-self1234"), ("SnowflakeExternalId", "MYACCOUNT_SFCRole=2_abc"), ("BucketName", "lake")],
        ),
        ("mfa-self-service.yaml", &[]),
        ("lambda-boundary.yaml", &[("TableName", "orders-v2")]),
        ("ecs-task-switches.yaml", &[("SecretArns", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a,arn:aws:secretsmanager:eu-west-1:123456789012:secret:b")]),
        ("serverless-app.yaml", &[("AppName", "billing")]),
        (
            "eks-github-oidc-providers.yaml",
            &[("GitHubOrg", "octo-org"), ("RepositoryName", "site")],
        ),
    ];
    for (file, values) in cases {
        round_trip(&fixture(file), values, false);
    }
    let on_disk = fs::read_dir(root().join("tests/import_fixtures"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_file())
        .filter(|e| {
            let p = e.as_ref().unwrap().path();
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .count();
    assert_eq!(on_disk, cases.len(), "every fixture is round-tripped");
}

#[test]
fn the_comparison_sees_a_template_that_differs() {
    // Guard against a vacuous round trip: edit the template after the import.
    let path = fixture("ecs-task-switches.yaml");
    let imported = cloudformation::import(&path, "ecs").unwrap();
    let (_dir, m) = compile(&imported.spec, "ecs");
    let b = Bindings::defaults(&m);
    let text = fs::read_to_string(&path).unwrap();
    for (from, to) in [
        ("s3:PutObject", "s3:DeleteObject"),
        (
            "Service: ecs-tasks.amazonaws.com",
            "Service: ec2.amazonaws.com",
        ),
        (
            "AllowedValues: [\"true\", \"false\"]\n    Default: \"true\"",
            "AllowedValues: [\"true\", \"false\"]\n    Default: \"false\"",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let edited = text.replacen(from, to, 1);
        let want = cfn_resolve::resolve_text(&path, &edited, &b).unwrap();
        let want = cfn_resolve::rekey(&want, &imported.keys);
        let edited_b = {
            // The default of UseCustomerKey lives in the template: resolve with it.
            let mut b2 = b.clone();
            if to.contains("Default: \"false\"") {
                b2.params
                    .insert("UseCustomerKey".into(), ParamValue::Bool(false));
            }
            b2
        };
        let want2 = cfn_resolve::rekey(
            &cfn_resolve::resolve_text(&path, &edited, &edited_b).unwrap(),
            &imported.keys,
        );
        assert!(
            first_difference(&want, &b.module(&m), "").is_some()
                || first_difference(&want2, &b.module(&m), "").is_some(),
            "editing `{from}` went unnoticed"
        );
    }
}

#[test]
fn escaping_of_placeholders_and_policy_variables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("escaping.yaml");
    fs::write(
        &path,
        r#"Parameters:
  Bucket: {Type: String, Default: "my-bucket"}
Resources:
  Home:
    Type: AWS::IAM::Role
    Properties:
      RoleName: home
      Description: "literal ${NotAParam} and $5"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: home
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource:
                  - !Sub "arn:${AWS::Partition}:s3:::${Bucket}/home/${!aws:username}/*"
                  - !Sub "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/*"
                  - "arn:aws:s3:::plain/${aws:userid}/${Other}/*"
                Condition:
                  StringLike:
                    s3:prefix: !Sub "${!aws:username}/${Bucket}"
"#,
    )
    .unwrap();
    let imported = round_trip(&path, &[], false);
    let s = &imported.spec;
    assert!(
        s.contains("description: literal $${NotAParam} and $5"),
        "{s}"
    );
    assert!(
        s.contains("arn:${AWS::Partition}:s3:::${Bucket}/home/${aws:username}/*"),
        "{s}"
    );
    assert!(
        s.contains("arn:${AWS::Partition}:s3:::${Bucket}/$${Literal}/*"),
        "{s}"
    );
    assert!(
        s.contains("arn:aws:s3:::plain/${aws:userid}/$${Other}/*"),
        "{s}"
    );
    assert!(s.contains("s3:prefix: ${aws:username}/${Bucket}"), "{s}");
}

#[test]
fn what_cannot_be_expressed_is_reported_with_its_location() {
    let path = fixture("partial/unsupported.yaml");
    let imported = cloudformation::import(&path, "unsupported").unwrap();
    let errors = errors_of(&imported);
    let has = |at: &str, what: &str| {
        assert!(
            errors.iter().any(|e| e.contains(at) && e.contains(what)),
            "no issue at `{at}` about `{what}` in\n{}",
            errors.join("\n")
        );
    };
    has(
        "unsupported.yaml:13:5: error: Parameters.Name.MaxLength",
        "MaxLength",
    );
    has("App: DeletionPolicy", "DeletionPolicy");
    // Two parameters compared: no spec condition says that.
    has(
        "App: Condition",
        "condition `EnvIsName` cannot be a `when:`",
    );
    has("App: Properties.RoleName", "`Fn::If` on this property");
    has(
        "Statement[0].Resource",
        "`Fn::GetAtt Data.Arn` (AWS::S3::Bucket)",
    );
    has("Statement[1].Resource", "\"Fn::Select\"");
    has("Statement[2]", "condition `Both` cannot be a `when:`");
    has(
        "Statement[2][1]",
        "this Allow statement is under a switch the spec cannot express; it is left out",
    );
    // A role under a condition that is not a bool switch is refused, never imported "as if
    // it were true".
    has(
        "App:",
        "the role is not imported: its Condition cannot be a `when:`",
    );
    has(
        "Shared: Properties.PolicyDocument.Statement[0].Resource",
        "`AWS::StackId`",
    );
    has("Shared: Properties.Groups", "Groups are not imported");
    assert!(
        !errors.iter().any(|e| e.contains("Data: Type")),
        "a bucket is not IAM: a note, not an error"
    );
    // Every error has a line.
    assert!(imported.issues.iter().all(|i| i.line.is_some()));
    // The unexpressible values became parameters.
    assert!(imported.spec.contains("StackId:"), "{}", imported.spec);
    assert!(!imported.spec.contains("\n  app:"), "{}", imported.spec);

    let upstream =
        cloudformation::import(&fixture("partial/github-oidc-upstream.yaml"), "gh").unwrap();
    let text: Vec<String> = upstream.issues.iter().map(ToString::to_string).collect();
    // The provider branch of `Federated: !If [CreateOIDCProvider, ...]` is left out; the
    // role exists only under the other (`when: not CreateOIDCProvider`, a spec condition).
    assert!(
        text.iter().any(|t| t.contains("Principal.Federated")
            && t.contains("`GithubOidc`, which is not imported")),
        "{text:?}"
    );
    assert!(
        upstream.spec.contains("when: not CreateOIDCProvider"),
        "{}",
        upstream.spec
    );
    assert!(text.iter().any(|t| t.contains("GithubOidc: Condition")
        && t.contains("an OIDC provider under a Condition cannot be expressed")));
    assert!(text
        .iter()
        .any(|t| t.contains("note") && t.contains("no Version")));
}

/// Issue 19 part 2: a template whose IAM sits beside a bucket, a queue, a function and its
/// event source mapping, with outputs of those and parameters only they use, imports with exit
/// 0; each thing left out is a note naming it and is listed in the spec's header; the
/// parameters only the left-out resources used are not in the spec; and the spec's IAM equals
/// the template's (`real_world_fixtures_round_trip` compares them under every binding).
#[test]
fn what_is_not_iam_is_left_out_with_a_note_and_the_import_succeeds() {
    let path = fixture("serverless-app.yaml");
    let imported = cloudformation::import(&path, "serverless-app").unwrap();
    assert!(
        errors_of(&imported).is_empty(),
        "{:?}",
        errors_of(&imported)
    );
    let notes: Vec<String> = imported.issues.iter().map(ToString::to_string).collect();
    let left_out = [
        (
            "UploadBucket: Type",
            "AWS::S3::Bucket is left out",
            "resource UploadBucket (AWS::S3::Bucket)",
        ),
        (
            "JobQueue: Type",
            "AWS::SQS::Queue is left out",
            "resource JobQueue (AWS::SQS::Queue)",
        ),
        (
            "Worker: Type",
            "AWS::Lambda::Function is left out",
            "resource Worker (AWS::Lambda::Function)",
        ),
        (
            "JobSource: Type",
            "AWS::Lambda::EventSourceMapping is left out",
            "resource JobSource (AWS::Lambda::EventSourceMapping)",
        ),
        (
            "Outputs.BucketName",
            "output `BucketName` is left out",
            "output BucketName",
        ),
        (
            "Outputs.QueueUrl",
            "output `QueueUrl` is left out",
            "output QueueUrl",
        ),
        (
            "Outputs.WorkerArn",
            "output `WorkerArn` is left out",
            "output WorkerArn",
        ),
        (
            "Outputs.WorkerRoleArn",
            "output `WorkerRoleArn` is left out",
            "output WorkerRoleArn",
        ),
        (
            "Parameters.RetentionDays",
            "parameter `RetentionDays` is left out",
            "parameter RetentionDays",
        ),
        (
            "Parameters.MemorySize",
            "parameter `MemorySize` is left out",
            "parameter MemorySize",
        ),
        (
            "Parameters.VisibilityTimeout",
            "parameter `VisibilityTimeout` is left out",
            "parameter VisibilityTimeout",
        ),
        (
            "Parameters.EnableVersioning",
            "parameter `EnableVersioning` is left out",
            "parameter EnableVersioning",
        ),
        (
            "Parameters.Runtime",
            "parameter `Runtime` is left out",
            "parameter Runtime",
        ),
    ];
    for (at, what, header) in left_out {
        assert!(
            notes
                .iter()
                .any(|n| n.contains(": note: ") && n.contains(at) && n.contains(what)),
            "no note at `{at}` saying `{what}` in\n{}",
            notes.join("\n")
        );
        assert!(
            imported.spec.contains(&format!("\n#   {header}\n")),
            "the header does not list `{header}`:\n{}",
            imported.spec
        );
    }
    assert_eq!(
        imported.issues.len(),
        left_out.len(),
        "{}",
        notes.join("\n")
    );
    let params = imported.tree.get("parameters").unwrap();
    assert!(params.get("AppName").is_some(), "{}", imported.spec);
    for gone in [
        "RetentionDays",
        "MemorySize",
        "VisibilityTimeout",
        "EnableVersioning",
        "Runtime",
    ] {
        assert!(
            params.get(gone).is_none(),
            "{gone} kept:\n{}",
            imported.spec
        );
    }

    // The binary: exit 0, the spec written, the notes and the count on stderr.
    let dir = tempfile::tempdir().unwrap();
    let p = path.to_str().unwrap();
    let o = rolegen(
        &["import", "--from", "cloudformation", p, "-o", "app.yaml"],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("imported into app.yaml (13 notes)"), "{err}");
    assert_eq!(
        rolegen(&["lint", "app.yaml"], dir.path()).status.code(),
        Some(0)
    );

    // IAM the importer does not read, beside it, still makes the import partial: a resource
    // policy, a resource embedding a policy document, an IAM user.
    let text = fs::read_to_string(&path).unwrap();
    for (extra, what) in [
        (
            "  UploadPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref UploadBucket\n      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: '*'}]}\n",
            "AWS::S3::BucketPolicy is not imported: it is a resource policy",
        ),
        (
            "  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryPolicyText: {Statement: [{Effect: Allow, Principal: '*', Action: 'ecr:*'}]}\n",
            "AWS::ECR::Repository is not imported: its property `RepositoryPolicyText` holds a policy document",
        ),
        (
            "  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      AccessPolicies: '{\"Version\": \"2012-10-17\", \"Statement\": []}'\n",
            "its property `AccessPolicies` holds a policy document",
        ),
        (
            "  Operator:\n    Type: AWS::IAM::User\n",
            "AWS::IAM::User is not imported: it is IAM the importer does not read",
        ),
    ] {
        let t = text.replace("Outputs:\n", &format!("{extra}Outputs:\n"));
        let i = cloudformation::import_text(&path, &t, "x").unwrap();
        let errors = errors_of(&i);
        assert!(
            errors.iter().any(|e| e.contains(what)),
            "no error `{what}`:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn the_binary_exits_1_on_partial_imports_2_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let partial = fixture("partial/github-oidc-upstream.yaml");
    let partial = partial.to_str().unwrap();
    let o = rolegen(
        &[
            "import",
            "--from",
            "cloudformation",
            partial,
            "-o",
            "gh.yaml",
        ],
        d,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("github-oidc-upstream.yaml:34:15: error: Role: Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated"), "{err}");
    assert!(err.contains("--allow-partial"));
    // Nothing is written without --allow-partial; with it the spec is written, and it loads.
    assert!(!d.join("gh.yaml").exists(), "a partial import was written");
    assert!(err.contains("nothing was written to gh.yaml"), "{err}");
    let o = rolegen(
        &[
            "import",
            "--from",
            "cloudformation",
            partial,
            "-o",
            "gh.yaml",
            "--allow-partial",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(0));
    let lint = rolegen(&["lint", "gh.yaml"], d);
    assert_eq!(
        lint.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let o = rolegen(
        &[
            "import",
            "--from",
            "cloudformation",
            partial,
            "--allow-partial",
            "--module",
            "gh",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# Imported by"));
    assert!(String::from_utf8_lossy(&o.stdout).contains("module: gh\n"));

    // A clean import exits 0, writes a spec that lints, and is deterministic.
    let clean = fixture("karpenter.yaml");
    let clean = clean.to_str().unwrap();
    let a = rolegen(
        &["import", "--from", "cloudformation", clean, "-o", "k1.yaml"],
        d,
    );
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    let b = rolegen(
        &["import", "--from", "cloudformation", clean, "-o", "k2.yaml"],
        d,
    );
    assert_eq!(b.status.code(), Some(0));
    assert_eq!(
        fs::read(d.join("k1.yaml")).unwrap(),
        fs::read(d.join("k2.yaml")).unwrap()
    );
    assert_eq!(rolegen(&["lint", "k1.yaml"], d).status.code(), Some(0));

    // Bad input: exit 2, the file and line named.
    fs::write(
        d.join("bad.yaml"),
        "Resources:\n  A:\n    Type: [unclosed\n",
    )
    .unwrap();
    let o = rolegen(&["import", "--from", "cloudformation", "bad.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("bad.yaml:"), "{err}");
    assert!(err.contains("invalid YAML"), "{err}");
    fs::write(d.join("bad.json"), "{\"Resources\": {\"A\": }}").unwrap();
    let o = rolegen(&["import", "--from", "cloudformation", "bad.json"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json:1:"));
    fs::write(d.join("notcfn.yaml"), "hello: world\n").unwrap();
    let o = rolegen(&["import", "--from", "cloudformation", "notcfn.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no `Resources`"));
    let o = rolegen(&["import", "--from", "cloudformation", "missing.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.yaml"));
    let o = rolegen(&["import", "--from", "iam-json", "bad.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    let o = rolegen(&["import", "--from", "nonsense", "x"], d);
    assert_eq!(o.status.code(), Some(2));
}

fn canonical(v: &Value) -> Value {
    cfn_resolve::canonical_doc(v).unwrap()
}

fn iam(name: &str) -> PathBuf {
    fixture(&format!("iam-json/{name}"))
}

#[test]
fn iam_json_account_authorization_details() {
    let path = iam("account-authorization-details.json");
    let imported = import::iam_json::import(std::slice::from_ref(&path), "acct").unwrap();
    let errors: Vec<String> = imported.issues.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("UserDetailList[0]") && errors[0].contains("deploy-bot"));
    assert!(errors[1].contains("RoleDetailList[2]") && errors[1].contains("service-linked"));
    let (_dir, m) = compile(&imported.spec, "acct");
    let got = Bindings::defaults(&m).module(&m);
    let input: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let decode = |v: &Value| -> Value {
        match v {
            Value::String(s) => serde_json::from_str(&import::iam_json::percent_decode(s)).unwrap(),
            other => other.clone(),
        }
    };
    for (i, key) in [(0, "WebApp"), (1, "VendorAudit")] {
        let r = &input["RoleDetailList"][i];
        let g = &got["roles"][key];
        assert_eq!(g["name"], r["RoleName"]);
        assert_eq!(g["path"], r["Path"]);
        assert_eq!(
            g["trust"],
            canonical(&decode(&r["AssumeRolePolicyDocument"])),
            "{key}"
        );
        for p in r["RolePolicyList"].as_array().unwrap() {
            let name = p["PolicyName"].as_str().unwrap();
            assert_eq!(g["inline"][name], canonical(&decode(&p["PolicyDocument"])));
        }
        let arns: Vec<&Value> = r["AttachedManagedPolicies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["PolicyArn"])
            .collect();
        let got_arns: Vec<&Value> = g["managed"].as_array().unwrap().iter().collect();
        // A module policy resolves in the test account (123456789012), as in the input.
        assert_eq!(got_arns, arns, "{key}");
    }
    assert_eq!(got["roles"]["WebApp"]["instance_profile"], "web-app");
    let pol = &input["Policies"][0];
    assert_eq!(got["policies"]["WebAppLogs"]["name"], pol["PolicyName"]);
    assert_eq!(
        got["policies"]["WebAppLogs"]["document"],
        canonical(&decode(&pol["PolicyVersionList"][1]["Document"]))
    );
    assert!(imported.spec.contains(
        "permissions_boundary: arn:aws:iam::123456789012:policy/boundaries/partner-boundary"
    ));
    assert!(imported.spec.contains("max_session_duration: 7200"));
    assert!(imported
        .spec
        .contains("Resource: arn:aws:s3:::web-app-data/home/${aws:username}/*"));
}

#[test]
fn iam_json_several_cli_outputs_of_one_role() {
    let files = [
        iam("get-role.json"),
        iam("get-role-policy.json"),
        iam("list-attached-role-policies.json"),
    ];
    let imported = import::iam_json::import(&files, "reports").unwrap();
    assert!(imported.issues.is_empty(), "{:?}", imported.issues);
    let (_dir, m) = compile(&imported.spec, "reports");
    let got = Bindings::defaults(&m).module(&m);
    let r = &got["roles"]["ReportBuilder"];
    assert_eq!(r["path"], "/service-role/");
    assert_eq!(
        r["managed"][0],
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    );
    assert_eq!(
        r["inline"]["reports-bucket"]["Statement"][0]["Resource"][0],
        "arn:aws:s3:::reports/${aws:PrincipalTag/team}/*"
    );
    // Via the binary, several files at once.
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = ["import", "--from", "iam-json"]
        .iter()
        .map(|s| s.to_string())
        .chain(files.iter().map(|f| f.display().to_string()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = rolegen(&args, dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Bad JSON: exit 2 with the position.
    fs::write(dir.path().join("bad.json"), "{\"Role\": [}").unwrap();
    let o = rolegen(&["import", "--from", "iam-json", "bad.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json:1:"));
}

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
/// when the list variable's validation pattern rejects `""`, refused otherwise.
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
    // A string variable that may be empty, or a list without such a validation: refused.
    for (i, what) in [
        (
            checked("compact(concat(var.arns, [var.extra]))"),
            "${Extra}",
        ),
        (module("")("compact(var.arns)"), "${Arns}"),
    ] {
        let errors = errors_of(&i).join("\n");
        assert!(
            errors.contains(&format!("`compact(…)` drops the empty items of `{what}`"))
                && errors.contains("the role is not imported"),
            "{errors}"
        );
    }
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

/// `-o` never replaces an existing file without `--force` (it once replaced another module's
/// spec), and a path that cannot be written is named as given, with what to do — not the
/// temporary file's path or a bare "Not a directory".
#[test]
fn import_output_is_checked_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let clean = fixture("karpenter.yaml");
    let clean = clean.to_str().unwrap();
    let import = |out: &str, extra: &[&str]| {
        let mut args = vec!["import", "--from", "cloudformation", clean, "-o", out];
        args.extend_from_slice(extra);
        rolegen(&args, d)
    };
    fs::write(d.join("other.yaml"), "module: other\n").unwrap();
    let o = import("other.yaml", &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("other.yaml already exists; pass --force"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(d.join("other.yaml")).unwrap(),
        "module: other\n"
    );
    // Through a symlink, too; a dangling symlink is not written through either.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("other.yaml", d.join("link.yaml")).unwrap();
        assert_eq!(import("link.yaml", &[]).status.code(), Some(2));
        std::os::unix::fs::symlink("missing.yaml", d.join("dangling.yaml")).unwrap();
        let o = import("dangling.yaml", &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(!d.join("missing.yaml").exists());
    }
    let o = import("other.yaml", &["--force"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(fs::read_to_string(d.join("other.yaml"))
        .unwrap()
        .contains("module: karpenter"));

    for (out, want) in [
        (
            "nodir/x.yaml",
            "cannot write nodir/x.yaml: the folder nodir does not exist; create it first",
        ),
        ("newdir/", "`newdir/` is a folder; name the spec file"),
        ("other.yaml/x.yaml", "other.yaml is a file, not a folder"),
    ] {
        let o = import(out, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{out}: {err}");
        assert!(err.contains(want), "{out}: {err}");
        assert!(err.contains("nothing was written"), "{out}: {err}");
        assert!(!err.contains(".rolegen-"), "{out}: {err}");
    }
    fs::create_dir(d.join("existing")).unwrap();
    let o = import("existing", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a folder"));
    assert!(!d.join("nodir").exists() && !d.join("newdir").exists());
}

/// What `rolegen import -o` writes passes `rolegen fmt --check` as it is, from every source,
/// a partial import (`--allow-partial`) included.
#[test]
fn imported_specs_pass_fmt_check() {
    let dir = tempfile::tempdir().unwrap();
    let tf = root().join("modules-out/matillion-streaming-ecs/terraform");
    let cases: [(&str, Vec<PathBuf>); 4] = [
        ("cloudformation", vec![fixture("lambda-boundary.yaml")]),
        ("cloudformation", vec![fixture("partial/unsupported.yaml")]),
        (
            "iam-json",
            vec![iam("get-role.json"), iam("get-role-policy.json")],
        ),
        ("terraform", vec![tf]),
    ];
    for (i, (from, inputs)) in cases.iter().enumerate() {
        let out = format!("imported-{i}.yaml");
        let mut args = vec!["import", "--from", from, "--allow-partial", "-o", &out];
        let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        args.extend(inputs.iter().map(String::as_str));
        let o = rolegen(&args, dir.path());
        assert_eq!(
            o.status.code(),
            Some(0),
            "{from} {inputs:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = rolegen(&["fmt", "--check", &out], dir.path());
        assert_eq!(
            o.status.code(),
            Some(0),
            "{from} {inputs:?}:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Length bounds survive both imports of the StackState module (Terraform `length()`
/// validation, CloudFormation MinLength/MaxLength), after the pattern; without a
/// printable-ASCII pattern they cannot be carried (RG013) and the import says so.
/// The import of a CloudFormation template given as text (module `t`).
fn import_template_text(template: &str) -> import::Imported {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("t.yaml");
    fs::write(&t, template).unwrap();
    cloudformation::import(&t, "t").unwrap()
}

#[test]
fn length_bounds_are_carried_with_their_pattern() {
    let m = root().join("modules-out/stackstate-aws");
    let want = "    pattern: ([A-Za-z0-9+=,.@:/_-][A-Za-z0-9+=,.@:/_-]+)?\n    max_length: 1224\n";
    let tf = import::terraform::import(&m.join("terraform"), "stackstate-aws").unwrap();
    assert!(tf.spec.contains(want), "{}", tf.spec);
    let cf = cloudformation::import(
        &m.join("cloudformation/stackstate-aws.yaml"),
        "stackstate-aws",
    )
    .unwrap();
    assert!(cf.spec.contains(want), "{}", cf.spec);

    let imported = import_template_text(
        "Parameters:\n  Name:\n    Type: String\n    AllowedPattern: '[^/]+'\n    MaxLength: 32\nResources: {}\n",
    );
    assert!(!imported.spec.contains("max_length"), "{}", imported.spec);
    assert!(
        imported
            .issues
            .iter()
            .any(|i| i.level == Level::Error && i.message.contains("RG013")),
        "{:?}",
        imported.issues
    );
}

/// A secret parameter (`NoEcho: true`, `sensitive = true`) imports as `secret: true`, in both
/// directions of rolegen's own output (stackstate-aws's ExternalId) and by hand; a secret
/// switch cannot be one (RG006) and stays a note.
#[test]
fn secret_parameters_are_carried() {
    let m = root().join("modules-out/stackstate-aws");
    let tf = import::terraform::import(&m.join("terraform"), "stackstate-aws").unwrap();
    let cf = cloudformation::import(
        &m.join("cloudformation/stackstate-aws.yaml"),
        "stackstate-aws",
    )
    .unwrap();
    for spec in [&tf.spec, &cf.spec] {
        let at = spec.find("\n  ExternalId:\n").unwrap();
        let block = &spec[at..][..spec[at + 1..].find("\n  A").unwrap_or(spec.len() - at)];
        assert!(block.contains("\n    secret: true"), "{block}");
        assert_eq!(spec.matches("secret: true").count(), 1, "{spec}");
    }
    // Parameters the roles use (unused ones are left out of an import).
    let imported = import_template_text(
        "Parameters:
  Token: {Type: String, NoEcho: true}
  Flag: {Type: String, AllowedValues: ['true', 'false'], Default: 'false', NoEcho: true}
  Shown: {Type: String, NoEcho: false}
Conditions:
  On: !Equals [!Ref Flag, 'true']
Resources:
  R:
    Type: AWS::IAM::Role
    Condition: On
    Properties:
      RoleName: !Ref Shown
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {AWS: 'arn:aws:iam::111122223333:root'}
            Action: sts:AssumeRole
            Condition: {StringEquals: {'sts:ExternalId': !Ref Token}}
",
    );
    // One secret: the string; the switch stays a note.
    let one_secret = |spec: &str, want: &str| {
        assert!(spec.contains(want), "{spec}");
        assert_eq!(spec.matches("secret").count(), 1, "{spec}");
    };
    one_secret(
        &imported.spec,
        "  Token:\n    type: string\n    secret: true\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("variables.tf"),
        "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n\nvariable \"flag\" {\n  type      = bool\n  default   = false\n  sensitive = true\n}\n\nresource \"aws_iam_role\" \"r\" {\n  count = var.flag ? 1 : 0\n  name  = \"r\"\n  assume_role_policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = { AWS = \"arn:aws:iam::111122223333:root\" }\n      Action    = \"sts:AssumeRole\"\n      Condition = { StringEquals = { \"sts:ExternalId\" = var.token } }\n    }]\n  })\n}\n",
    )
    .unwrap();
    let imported = import::terraform::import(tmp.path(), "t").unwrap();
    one_secret(&imported.spec, "    type: string\n    secret: true\n");
}

/// An import as one reviewable text: the spec, then every issue (errors and notes) as the
/// command prints them, with paths relative to the repository.
fn import_snapshot(imported: &Result<import::Imported, import::InputError>) -> String {
    match imported {
        Ok(i) => {
            let mut s = i.spec.clone();
            s.push_str("--- issues\n");
            for issue in &i.issues {
                s.push_str(&format!("{issue}\n"));
            }
            s
        }
        Err(e) => format!("--- input error\n{e}\n"),
    }
}

/// The path of `p` relative to the repository root (the tests' working directory), so the
/// snapshots hold no absolute path.
fn relative(p: &Path) -> PathBuf {
    p.strip_prefix(root()).unwrap_or(p).to_path_buf()
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots/import");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// What every import fixture imports to, one snapshot each (a change to an importer's
/// output shows as a reviewed diff): CloudFormation templates, Terraform modules (and the
/// inputs that once made the importer run on), IAM JSON and an account dump.
#[test]
fn import_outputs_snapshot() {
    snapshot_settings().bind(|| {
        insta::glob!("../import_fixtures", "{*,partial/*}.{yaml,json}", |path| {
            let rel = relative(path);
            let got = cloudformation::import(&rel, &import::module_name_from(&rel));
            insta::assert_snapshot!("cloudformation", import_snapshot(&got));
        });
        let mut modules: Vec<PathBuf> = fs::read_dir("tests/import_fixtures/terraform")
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        modules.sort();
        assert!(!modules.is_empty());
        for dir in modules {
            let got = import::import(import::From::Terraform, std::slice::from_ref(&dir), None);
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            insta::assert_snapshot!(format!("terraform@{name}"), import_snapshot(&got));
        }
        insta::glob!("../import_fixtures", "hangs/*.tf", |path| {
            let rel = relative(path);
            let text = fs::read_to_string(path).unwrap();
            let got = import::terraform::import_texts(&rel, vec![(rel.clone(), text)], "hang");
            insta::assert_snapshot!("terraform", import_snapshot(&got));
        });
        insta::glob!("../import_fixtures", "iam-json/*.json", |path| {
            let rel = relative(path);
            let got = import::import(import::From::IamJson, &[rel], None);
            insta::assert_snapshot!("iam_json", import_snapshot(&got));
        });
    });
}

/// The IAM JSON of one role given as three AWS CLI outputs, and an account dump with its
/// role list (one spec per module), as snapshots.
#[test]
fn import_outputs_snapshot_multi_file() {
    snapshot_settings().bind(|| {
        let inputs: Vec<PathBuf> = [
            "get-role.json",
            "get-role-policy.json",
            "list-attached-role-policies.json",
        ]
        .iter()
        .map(|f| PathBuf::from("tests/import_fixtures/iam-json").join(f))
        .collect();
        let got = import::import(import::From::IamJson, &inputs, Some("one-role"));
        insta::assert_snapshot!("iam_json@get-role-three-outputs", import_snapshot(&got));
        let options = import::account::AccountOptions {
            group_by: import::account::GroupBy::Path,
            exclude: vec![],
            allow_partial: true,
            force: false,
        };
        let inputs = [
            PathBuf::from("tests/adopt/account.json"),
            PathBuf::from("tests/adopt/roles.json"),
        ];
        let account = import::account::import(&inputs, &options).unwrap();
        let mut s = String::new();
        for m in &account.modules {
            s.push_str(&format!("--- module {}\n{}", m.module, m.spec));
        }
        s.push_str("--- issues\n");
        for issue in &account.issues {
            s.push_str(&format!("{issue}\n"));
        }
        insta::assert_snapshot!("account@adopt", s);
    });
}

/// `"${...}"` around a whole value (how Terraform 0.11 wrote every reference, and many
/// modules still do) reads as the value itself, as Terraform reads it: a module written that
/// way imports to the same spec as the one written with bare references.
#[test]
fn terraform_whole_string_interpolation_is_the_value() {
    let bare = r#"
variable "name" {
  type    = string
  default = "app"
}

variable "bucket_arns" {
  type    = list(string)
  default = ["arn:aws:s3:::a", "arn:aws:s3:::b"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = var.bucket_arns
  }
}

resource "aws_iam_role" "app" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy" "read" {
  name   = "read"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.read.json
}
"#;
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
    let import_text = |text: &str| {
        let path = PathBuf::from("main.tf");
        import::terraform::import_texts(Path::new("m"), vec![(path, text.to_owned())], "m").unwrap()
    };
    let (a, b) = (import_text(bare), import_text(&wrapped));
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
    let inline = r#"
variable "name" {
  type    = string
  default = "app"
}

variable "bucket_arns" {
  type    = list(string)
  default = ["arn:aws:s3:::a"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = concat(var.bucket_arns, ["arn:aws:s3:::shared"])
  }
}

resource "aws_iam_role" "app" {
  name               = "${var.name}-svc"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy" "read" {
  name   = "read"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.read.json
}
"#;
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
    let import_text = |text: &str| {
        let path = PathBuf::from("main.tf");
        import::terraform::import_texts(Path::new("m"), vec![(path, text.to_owned())], "m").unwrap()
    };
    let (a, b) = (import_text(inline), import_text(&with_locals));
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

/// OIDC providers a template creates come across exactly as the spec holds them: a trust in
/// the shape a helper writes becomes the helper, any other (or a policy) names the provider's
/// ARN as `${oidc_providers.<key>.arn}`; a provider the spec cannot hold is refused with the
/// roles that trust it (never imported wider or guessed); what grants nothing (Tags) is
/// reported without refusing.
#[test]
fn cloudformation_oidc_providers_come_across_exactly_or_not_at_all() {
    const BASE: &str = r#"Parameters:
  Issuer: {Type: String, Default: oidc.eks.eu-west-1.amazonaws.com/id/ABC}
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties: {Name: c}
  Provider:
    Type: AWS::IAM::OIDCProvider
    PROVIDER_EXTRA
    Properties:
      Url: URL
      ClientIdList: [sts.amazonaws.com]
      TAGS
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !Sub '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${Provider.Arn}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{CONDITION}}}]}'
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: iam:GetOpenIDConnectProvider, Resource: RESOURCE}
"#;
    let exact =
        r#""${Issuer}:sub":"system:serviceaccount:ns:sa","${Issuer}:aud":"sts.amazonaws.com""#;
    let case = |extra: &str, url: &str, tags: &str, condition: &str, resource: &str| {
        let text = BASE
            .replace("PROVIDER_EXTRA", extra)
            .replace("URL", url)
            .replace("TAGS", tags)
            .replace("CONDITION", condition)
            .replace("RESOURCE", resource);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.yaml");
        fs::write(&path, &text).unwrap();
        let imported = cloudformation::import(&path, "t").unwrap();
        (imported, path, dir)
    };
    // Exact: imports whole and resolves alike.
    let (ok, path, _d) = case("", "!Sub https://${Issuer}", "", exact, "'*'");
    assert!(errors_of(&ok).is_empty(), "{:?}", errors_of(&ok));
    assert!(ok.spec.contains("oidc_provider: provider"), "{}", ok.spec);
    round_trip(&path, &[], false);

    // Two namespaces, or a second key: no helper; the raw statement names the provider.
    for condition in [
        r#""${Issuer}:sub":["system:serviceaccount:a:x","system:serviceaccount:b:y"],"${Issuer}:aud":"sts.amazonaws.com""#,
        r#""${Issuer}:sub":"system:serviceaccount:ns:sa","${Issuer}:aud":"sts.amazonaws.com","${Issuer}:amr":"x""#,
    ] {
        let (i, path, _d) = case("", "!Sub https://${Issuer}", "", condition, "'*'");
        assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
        assert!(
            i.spec.contains("Federated: ${oidc_providers.provider.arn}"),
            "{}",
            i.spec
        );
        round_trip(&path, &[], false);
    }
    // A provider the spec cannot hold: switched, or a URL from another resource.
    for (extra, url, what) in [
        (
            "Condition: Create",
            "!Sub https://${Issuer}",
            "under a Condition",
        ),
        (
            "DependsOn: Cluster",
            "!GetAtt Cluster.OpenIdConnectIssuerUrl",
            "literal `https://`",
        ),
        ("", "https://example.com/", "ends with `/`"),
    ] {
        let (i, _, _d) = case(extra, url, "", exact, "'*'");
        let e = errors_of(&i);
        assert!(e.iter().any(|x| x.contains(what)), "{e:?}");
        assert!(
            e.iter()
                .any(|x| x.contains("the OIDC provider is not imported")),
            "{e:?}"
        );
        assert!(!i.spec.contains("oidc_providers:"), "{}", i.spec);
        assert!(!i.spec.contains("\n  role:"), "{}", i.spec);
    }
    // Tags grant nothing: reported, the provider and the role still come across.
    let (i, _, _d) = case(
        "",
        "!Sub https://${Issuer}",
        "Tags: [{Key: team, Value: platform}]",
        exact,
        "'*'",
    );
    let e = errors_of(&i);
    assert!(
        e.len() == 1 && e[0].contains("Tags are not carried"),
        "{e:?}"
    );
    assert!(i.spec.contains("oidc_provider: provider"), "{}", i.spec);
    // The provider's ARN in a policy: the same placeholder.
    let (i, path, _d) = case("", "!Sub https://${Issuer}", "", exact, "!Ref Provider");
    assert!(errors_of(&i).is_empty(), "{:?}", errors_of(&i));
    assert!(
        i.spec.contains("Resource: ${oidc_providers.provider.arn}"),
        "{}",
        i.spec
    );
    round_trip(&path, &[], false);
}

/// A role whose escape hatch would take the name of a parameter of the source (role
/// `ConsumerRole` beside the parameter `ConsumerRoleName`; `consumer_role` beside
/// `var.consumer_role_name`) keeps the other hatches: the spec builds (it failed with RG003,
/// found by the import corpus) and resolves like the source.
#[test]
fn a_hatch_named_like_a_parameter_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("consumer.yaml");
    fs::write(
        &path,
        "Parameters:
  ConsumerRoleName: {Type: String, Default: etl}
Resources:
  ConsumerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref ConsumerRoleName
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: glue.amazonaws.com}
            Action: sts:AssumeRole
",
    )
    .unwrap();
    let imported = round_trip(&path, &[], false);
    let keep = "    hatches:\n      - path\n      - permissions_boundary\n      - max_session_duration\n      - additional_policy_arns\n";
    assert!(imported.spec.contains(keep), "{}", imported.spec);
    let tf = tempfile::tempdir().unwrap();
    fs::write(
        tf.path().join("main.tf"),
        r#"variable "consumer_role_name" {
  type    = string
  default = "etl"
}

resource "aws_iam_role" "consumer_role" {
  name               = var.consumer_role_name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "glue.amazonaws.com" } }] })
}
"#,
    )
    .unwrap();
    let imported = import::terraform::import(tf.path(), "consumer").unwrap();
    assert!(
        errors_of(&imported).is_empty(),
        "{:?}",
        errors_of(&imported)
    );
    assert!(imported.spec.contains(keep), "{}", imported.spec);
    let (_d, m) = compile(&imported.spec, "consumer");
    assert_eq!(
        Bindings::defaults(&m).module(&m)["roles"]["ConsumerRole"]["name"],
        "etl"
    );
}

/// `Ref` and `Fn::GetAtt` of named resources that are not IAM, in a role's policy, are spelt
/// from the written name: each ARN here is written out as CloudFormation's return values and
/// the services' ARN formats give it (a log group's `Arn` ends in `:*`); a queue's `Ref` (its
/// URL) and a resource without a written name stay parameters, reported.
#[test]
fn cloudformation_arns_of_named_resources() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("named.yaml");
    fs::write(
        &template,
        r#"
Parameters:
  App: {Type: String, Default: shop}
Resources:
  Data: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "${App}-data"}}
  Jobs: {Type: AWS::SQS::Queue, Properties: {QueueName: jobs.fifo, FifoQueue: true}}
  Alerts: {Type: AWS::SNS::Topic, Properties: {TopicName: alerts}}
  Fn: {Type: AWS::Lambda::Function, Properties: {FunctionName: !Sub "${App}-fn", Role: !GetAtt Role.Arn, Runtime: python3.12, Handler: a.h, Code: {ZipFile: x}}}
  Orders: {Type: AWS::DynamoDB::Table, Properties: {TableName: orders, KeySchema: [{AttributeName: pk, KeyType: HASH}], AttributeDefinitions: [{AttributeName: pk, AttributeType: S}], BillingMode: PAY_PER_REQUEST}}
  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: /aws/lambda/shop-fn}}
  Flow: {Type: AWS::StepFunctions::StateMachine, Properties: {StateMachineName: flow, RoleArn: !GetAtt Role.Arn, DefinitionString: "{}"}}
  Img: {Type: AWS::ECR::Repository, Properties: {RepositoryName: shop/api}}
  Events: {Type: AWS::Kinesis::Stream, Properties: {Name: events, ShardCount: 1}}
  Unnamed: {Type: AWS::SQS::Queue}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: app
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, sqs:SendMessage, sns:Publish, lambda:InvokeFunction, dynamodb:GetItem, logs:PutLogEvents, states:StartExecution, ecr:BatchGetImage, kinesis:PutRecord]
                Resource:
                  - !Sub "${Data.Arn}/*"
                  - !GetAtt Jobs.Arn
                  - !Ref Alerts
                  - !GetAtt Fn.Arn
                  - !GetAtt Orders.Arn
                  - !GetAtt Logs.Arn
                  - !Ref Flow
                  - !GetAtt Img.Arn
                  - !GetAtt Events.Arn
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: [!GetAtt Unnamed.Arn, !Sub "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Jobs.QueueName}-x", !Sub "${Orders}-index"]
"#,
    )
    .unwrap();
    let imported = cloudformation::import(&template, "named").unwrap();
    for arn in [
        "arn:${AWS::Partition}:s3:::${App}-data/*",
        "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs.fifo",
        "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts",
        "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${App}-fn",
        "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders",
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/shop-fn:*",
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:flow",
        "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/shop/api",
        "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/events",
        "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs.fifo-x",
        "orders-index",
    ] {
        assert!(imported.spec.contains(arn), "{arn} not in\n{}", imported.spec);
    }
    // The queue without a name: a parameter without a default, an error; the import is
    // partial and says so.
    let errors = errors_of(&imported);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("`Fn::GetAtt Unnamed.Arn` (AWS::SQS::Queue)"),
        "{errors:?}"
    );
    assert!(imported.issues.iter().any(|i| i
        .to_string()
        .contains("`!GetAtt Logs.Arn` (AWS::Logs::LogGroup, not imported) is spelt as its ARN")));
}
