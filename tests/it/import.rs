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

pub(crate) fn root() -> PathBuf {
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
pub(crate) const NOT_YET_IMPORTED_TF: &[&str] = &[];
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
pub(crate) fn round_trip(
    template: &Path,
    values: &[(&str, &str)],
    allow_errors: bool,
) -> import::Imported {
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

pub(crate) fn fixture(name: &str) -> PathBuf {
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
fn the_binary_exits_1_on_partial_imports_2_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let partial = fixture("partial/github-oidc-thumbprint-parameter.yaml");
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
    assert!(err.contains("github-oidc-thumbprint-parameter.yaml:37:15: error: Role: Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated"), "{err}");
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
