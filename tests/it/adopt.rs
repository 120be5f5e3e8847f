//! `rolegen import --from account` and the adoption files of `adopt: true`: grouping, shared
//! policies, notes, refusals, the account id placeholder, and the shape of `adopt/main.tf`
//! (addresses as the module writes them, the IDs each AWS provider resource type imports by).
//! The end-to-end proof against a real API (moto + terraform) is scripts/adopt-e2e.

use crate::support::rolegen;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/adopt")
        .join(name)
        .display()
        .to_string()
}

fn import(extra: &[&str]) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let (a, r) = (fixture("account.json"), fixture("roles.json"));
    let mut args = vec!["import", "--from", "account", &a, &r, "-o", "specs"];
    args.extend_from_slice(extra);
    let out = rolegen(&args, dir.path());
    (dir, out)
}

fn read(dir: &Path, p: &str) -> String {
    fs::read_to_string(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn groups_by_path_with_notes_and_the_account_placeholder() {
    let (dir, out) = import(&["--exclude", "legacy-*"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let mut files: Vec<String> = fs::read_dir(dir.path().join("specs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["root.yaml", "team-a.yaml", "team-b.yaml"]);
    assert!(
        err.contains("`AWSServiceRoleForAutoScaling` is a service-linked role"),
        "{err}"
    );
    assert!(
        err.contains("role `legacy-deployer` (/) is excluded by --exclude"),
        "{err}"
    );
    assert!(err.contains("IAM user `alice` is not imported"), "{err}");
    assert!(err.contains("module `team-b`: role `team-b-batch` attaches customer managed policy `arn:aws:iam::111122223333:policy/shared/shared-read` by ARN: it lives in module `team-a`"), "{err}");
    let a = read(dir.path(), "specs/team-a.yaml");
    let root = read(dir.path(), "specs/root.yaml");
    let b = read(dir.path(), "specs/team-b.yaml");
    // The shared policy lives in team-a (two attachments there), with its default version.
    assert!(
        a.contains("policies:\n  shared-read:\n    name: shared-read\n    path: /shared/"),
        "{a}"
    );
    // The default version (v2), not v1 (`s3:*` on `*`).
    let shared = a.split("  shared-read:\n    name").nth(1).unwrap();
    let shared = shared.split("team-a-boundary:").next().unwrap();
    assert!(
        shared.contains("- s3:GetObject") && !shared.contains("s3:*"),
        "{a}"
    );
    assert!(a.contains("- policy: shared-read"), "{a}");
    assert!(
        b.contains("- arn: arn:aws:iam::${AWS::AccountId}:policy/shared/shared-read"),
        "{b}"
    );
    assert!(!b.contains("policies:\n  shared-read"), "{b}");
    assert!(
        a.contains(
            "permissions_boundary: arn:aws:iam::${AWS::AccountId}:policy/team-a/team-a-boundary"
        ),
        "{a}"
    );
    assert!(
        root.contains("AWS: arn:aws:iam::${AWS::AccountId}:root"),
        "{root}"
    );
    assert!(b.contains("max_session_duration: 7200"), "{b}");
    assert!(a.contains("instance_profile: true"), "{a}");
    for s in [&a, &b, &root] {
        assert!(s.contains("\nadopt: true\n"), "{s}");
        assert!(!s.contains("111122223333"), "{s}");
        assert!(
            !s.contains("legacy") && !s.contains("AWSServiceRole"),
            "{s}"
        );
    }
    // The specs pass fmt --check and lint as written, and import is deterministic.
    let fmt = rolegen(
        &[
            "fmt",
            "--check",
            "specs/root.yaml",
            "specs/team-a.yaml",
            "specs/team-b.yaml",
        ],
        dir.path(),
    );
    assert!(
        fmt.status.success(),
        "{}",
        String::from_utf8_lossy(&fmt.stderr)
    );
    let (dir2, _) = import(&["--exclude", "legacy-*"]);
    assert_eq!(read(dir2.path(), "specs/team-a.yaml"), a);
}

#[test]
fn groups_by_tag_and_prefix() {
    let (dir, out) = import(&["--group-by", "tag:team"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = read(dir.path(), "specs/a.yaml");
    assert!(
        a.contains("app-api:") && a.contains("team-a-worker:"),
        "{a}"
    );
    // legacy-deployer has no team tag.
    assert!(read(dir.path(), "specs/untagged.yaml").contains("legacy-deployer:"));
    let (dir, out) = import(&["--group-by", "prefix", "--exclude", "/team-b/"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(read(dir.path(), "specs/team.yaml").contains("team-a-reader:"));
    assert!(!read(dir.path(), "specs/team.yaml").contains("team-b-batch"));
    assert!(read(dir.path(), "specs/app.yaml").contains("app-api:"));
    let bad = import(&["--group-by", "owner"]).1;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("use `path`, `prefix` or `tag:KEY`"));
}

#[test]
fn refuses_what_it_cannot_express_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("account.json")).unwrap()).unwrap();
    // A second instance profile for one role: a spec role has one.
    let profiles = v["RoleDetailList"][1]["InstanceProfileList"]
        .as_array_mut()
        .unwrap();
    profiles.push(serde_json::json!({"InstanceProfileName": "extra", "Path": "/"}));
    fs::write(dir.path().join("dump.json"), v.to_string()).unwrap();
    let r = fixture("roles.json");
    let out = rolegen(
        &[
            "import",
            "--from",
            "account",
            "dump.json",
            &r,
            "-o",
            "specs",
        ],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("instance profile `extra`: a spec role has one instance profile"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!dir.path().join("specs").exists());
    // Without list-roles output, descriptions and session durations are unknown: refused.
    let out = rolegen(
        &["import", "--from", "account", "dump.json", "-o", "specs"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("give `aws iam list-roles` output as well")
    );
    // Two accounts in one dump.
    v["Policies"][1]["Arn"] = "arn:aws:iam::999999999999:policy/team-a/team-a-boundary".into();
    fs::write(dir.path().join("two.json"), v.to_string()).unwrap();
    let out = rolegen(
        &["import", "--from", "account", "two.json", &r, "-o", "specs"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("more than one account (111122223333, 999999999999)"));
    // -o is required.
    let out = rolegen(
        &["import", "--from", "account", "dump.json", &r],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn build_writes_import_blocks_beside_the_module() {
    let (dir, out) = import(&["--exclude", "legacy-*"]);
    assert!(out.status.success());
    let b = rolegen(
        &[
            "build",
            "--out",
            "out",
            "specs/root.yaml",
            "specs/team-a.yaml",
            "specs/team-b.yaml",
        ],
        dir.path(),
    );
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let root = read(dir.path(), "out/root/adopt/main.tf");
    let a = read(dir.path(), "out/team-a/adopt/main.tf");
    assert!(
        root.contains("module \"root\" {\n  source = \"../terraform\"\n}"),
        "{root}"
    );
    assert!(
        root.contains(
            "import {\n  to = module.root.aws_iam_role.app_api[0]\n  id = \"app-api\"\n}"
        ),
        "{root}"
    );
    assert!(root.contains("import {\n  to = module.root.aws_iam_role_policy.app_api_logs[0]\n  id = \"app-api:logs\"\n}"), "{root}");
    assert!(root.contains("to = module.root.aws_iam_role_policy_attachment.app_api[\"read_only_access\"]\n  id = \"app-api/arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess\""), "{root}");
    assert!(root.contains("id = \"app-api/arn:aws:iam::${data.aws_caller_identity.current.account_id}:policy/shared/shared-read\""), "{root}");
    assert!(a.contains("to = module.team_a.aws_iam_policy.shared_read[0]\n  id = \"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/shared/shared-read\""), "{a}");
    assert!(a.contains("to = module.team_a.aws_iam_instance_profile.team_a_worker[0]\n  id = \"team-a-worker\""), "{a}");
    assert!(
        a.contains("data \"aws_caller_identity\" \"current\" {}"),
        "{a}"
    );
    // Every address names a resource the module declares.
    let main = read(dir.path(), "out/team-a/terraform/main.tf");
    for line in a
        .lines()
        .filter_map(|l| l.strip_prefix("  to = module.team_a."))
    {
        let res = line.split('[').next().unwrap();
        let (ty, name) = res.split_once('.').unwrap();
        assert!(
            main.contains(&format!("resource \"{ty}\" \"{name}\"")),
            "{line}"
        );
    }
    // Never inside the module itself; and a module without adopt has no adopt/.
    assert!(!read(dir.path(), "out/team-a/terraform/main.tf").contains("import {"));
    let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("modules-out");
    for e in fs::read_dir(seeds).unwrap() {
        assert!(!e.unwrap().path().join("adopt").exists());
    }
}

#[test]
fn cloudformation_import_files() {
    let (dir, out) = import(&["--exclude", "legacy-*"]);
    assert!(out.status.success());
    let b = rolegen(&["build", "--out", "out", "specs/team-a.yaml"], dir.path());
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let list: serde_json::Value = serde_json::from_str(&read(
        dir.path(),
        "out/team-a/adopt/cloudformation/resources-to-import.json",
    ))
    .unwrap();
    let entries: Vec<(String, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (k, v) = e["ResourceIdentifier"]
                .as_object()
                .unwrap()
                .iter()
                .next()
                .unwrap();
            (
                e["ResourceType"].as_str().unwrap().to_owned(),
                e["LogicalResourceId"].as_str().unwrap().to_owned(),
                format!("{k}={}", v.as_str().unwrap()),
            )
        })
        .collect();
    let want = [
        (
            "AWS::IAM::ManagedPolicy",
            "SharedRead",
            "PolicyArn=arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/shared/shared-read",
        ),
        (
            "AWS::IAM::ManagedPolicy",
            "TeamABoundary",
            "PolicyArn=arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team-a/team-a-boundary",
        ),
        ("AWS::IAM::Role", "TeamAWorker", "RoleName=team-a-worker"),
        (
            "AWS::IAM::InstanceProfile",
            "TeamAWorkerInstanceProfile",
            "InstanceProfileName=team-a-worker",
        ),
        ("AWS::IAM::Role", "TeamAReader", "RoleName=team-a-reader"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(entries, want);
    // The import template: every resource retained, no outputs, the same resources as the
    // stack, and every resource to import is in it.
    let t = read(
        dir.path(),
        "out/team-a/adopt/cloudformation/team-a.import.yaml",
    );
    let stack = read(dir.path(), "out/team-a/cloudformation/team-a.yaml");
    assert!(!t.contains("\nOutputs:") && stack.contains("\nOutputs:"));
    let types = t.matches("\n    Type: AWS::").count();
    assert_eq!(types, 5, "{t}");
    assert_eq!(
        t.matches("\n    DeletionPolicy: Retain\n").count(),
        types,
        "{t}"
    );
    assert_eq!(stack.matches("\n    Type: AWS::").count(), types);
    for (_, id, _) in &entries {
        assert!(t.contains(&format!("\n  {id}:\n    Type: ")), "{id}");
    }
}

#[test]
fn account_options_are_refused_for_other_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    for extra in [["--group-by", "prefix"], ["--exclude", "old-*"]] {
        let mut args = vec!["import", "--from", "iam-json", "auth.json"];
        args.extend(extra);
        let out = rolegen(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("apply to `--from account` only"),
            "{stderr}"
        );
    }
}
