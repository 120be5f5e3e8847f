//! `rolegen diff`: actions gained and lost (wildcards expanded), resources widened and
//! narrowed, trust principals, conditions relaxed and tightened, attachments, roles added and
//! removed; the three output formats; exit codes of the binary, `git:REV:path` sources.

use crate::support::{code, rolegen};
use rolegen::diff::{diff, Change, Report};
use rolegen::model::Module;
use std::fs;
use std::path::Path;
use std::process::Command;

fn module(spec: &str) -> (tempfile::TempDir, Module) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    fs::write(&path, spec).unwrap();
    let mut o = rolegen::build::compile(
        std::slice::from_ref(&path),
        rolegen::build::CompileOptions::VALIDATE,
    );
    assert!(
        !o.diagnostics.has_errors(),
        "{:?}",
        o.diagnostics
            .0
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    );
    let m = o.modules.remove(0).module;
    (dir, m)
}

/// A spec with one role `app`: trust entries and statements as YAML snippets.
fn spec(trust: &str, statements: &str, extra: &str) -> String {
    format!(
        "module: demo\nroles:\n  app:\n    name: demo-app\n    trust:\n{trust}{extra}    inline_policies:\n      p:\n        Statement:\n{statements}"
    )
}

const TRUST: &str = "      - service: [lambda.amazonaws.com]\n";

fn stmt(actions: &str, resource: &str, condition: &str) -> String {
    format!(
        "          - Effect: Allow\n            Action: {actions}\n            Resource: \"{resource}\"\n{condition}"
    )
}

fn report(old: &str, new: &str) -> Report {
    let (_a, o) = module(old);
    let (_b, n) = module(new);
    diff(&o, &n, "old", "new")
}

fn changes<'a>(r: &'a Report, kind: &str) -> Vec<&'a Change> {
    r.entities
        .iter()
        .flat_map(|e| e.changes.iter())
        .filter(|c| c.kind == kind)
        .collect()
}

#[test]
fn identical_specs_have_no_changes() {
    let s = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), "");
    let r = report(&s, &s);
    assert!(r.entities.is_empty());
    assert!(!r.widens);
}

#[test]
fn actions_gained_and_lost_with_wildcards_expanded() {
    let old = spec(
        TRUST,
        &stmt("[s3:GetObject, s3:DeleteObject]", "arn:aws:s3:::b/*", ""),
        "",
    );
    let new = spec(
        TRUST,
        &stmt("[\"s3:GetObject*\"]", "arn:aws:s3:::b/*", ""),
        "",
    );
    let r = report(&old, &new);
    let gained = changes(&r, "actions_gained");
    assert_eq!(gained.len(), 1);
    let g = &gained[0].actions;
    assert!(g.contains(&"s3:GetObjectTagging".to_owned()), "{g:?}");
    assert!(g.contains(&"s3:GetObjectAcl".to_owned()));
    assert!(!g.contains(&"s3:GetObject".to_owned()), "already granted");
    assert_eq!(gained[0].resources, ["arn:aws:s3:::b/*"]);
    assert!(gained[0].widens);
    let lost = changes(&r, "actions_lost");
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].actions, ["s3:DeleteObject"]);
    assert!(!lost[0].widens);
    assert!(r.widens);
    // Only losing actions does not widen.
    let r = report(
        &old,
        &spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), ""),
    );
    assert!(!r.widens);
    assert_eq!(changes(&r, "actions_lost").len(), 1);
}

#[test]
fn resources_widened_and_narrowed_by_wildcard_containment() {
    let logs = spec(
        TRUST,
        &stmt("[s3:GetObject]", "arn:aws:s3:::b/logs/*", ""),
        "",
    );
    let all = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), "");
    let r = report(&logs, &all);
    let w = changes(&r, "resource_widened");
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].resources, ["arn:aws:s3:::b/*"]);
    assert_eq!(w[0].was, ["arn:aws:s3:::b/logs/*"]);
    assert_eq!(w[0].actions, ["s3:GetObject"]);
    assert!(w[0].widens && r.widens);
    assert!(changes(&r, "resource_narrowed").is_empty());

    let r = report(&all, &logs);
    let n = changes(&r, "resource_narrowed");
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].resources, ["arn:aws:s3:::b/*"]);
    assert_eq!(n[0].was, ["arn:aws:s3:::b/logs/*"]);
    assert!(!r.widens);

    // A second, unrelated resource is a widening too (nothing old contains it).
    let two = spec(
        TRUST,
        "          - Effect: Allow\n            Action: s3:GetObject\n            Resource: [\"arn:aws:s3:::b/logs/*\", \"arn:aws:s3:::other/*\"]\n",
        "",
    );
    let r = report(&logs, &two);
    let w = changes(&r, "resource_widened");
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].resources, ["arn:aws:s3:::other/*"]);
    assert!(w[0].was.is_empty());
}

#[test]
fn trust_principals_added_and_removed() {
    let s = stmt("[s3:GetObject]", "arn:aws:s3:::b/*", "");
    let old = spec(TRUST, &s, "");
    let new = spec(
        "      - service: [ec2.amazonaws.com]\n      - account: [\"111122223333\"]\n        external_id: x\n",
        &s,
        "",
    );
    let r = report(&old, &new);
    let added: Vec<String> = changes(&r, "trust_added")
        .iter()
        .map(|c| c.principal.clone().unwrap())
        .collect();
    assert_eq!(
        added,
        [
            "AWS arn:aws:iam::111122223333:root",
            "Service ec2.amazonaws.com"
        ]
    );
    let removed = changes(&r, "trust_removed");
    assert_eq!(removed.len(), 1);
    assert_eq!(
        removed[0].principal.as_deref(),
        Some("Service lambda.amazonaws.com")
    );
    assert_eq!(removed[0].actions, ["sts:AssumeRole"]);
    assert!(r.widens);
}

#[test]
fn conditions_relaxed_and_tightened() {
    let cond = |values: &str| {
        format!("            Condition:\n              StringEquals:\n                aws:RequestedRegion: {values}\n")
    };
    let one = spec(
        TRUST,
        &stmt("ec2:DescribeInstances", "*", &cond("[eu-west-1]")),
        "",
    );
    let two = spec(
        TRUST,
        &stmt(
            "ec2:DescribeInstances",
            "*",
            &cond("[eu-west-1, us-east-1]"),
        ),
        "",
    );
    let none = spec(TRUST, &stmt("ec2:DescribeInstances", "*", ""), "");
    // Values added: relaxed.
    let r = report(&one, &two);
    let c = changes(&r, "condition_relaxed");
    assert_eq!(c.len(), 1);
    assert!(
        c[0].detail
            .as_deref()
            .unwrap()
            .contains("values added [us-east-1]"),
        "{c:?}"
    );
    assert!(r.widens);
    // Values removed: tightened.
    let r = report(&two, &one);
    assert_eq!(changes(&r, "condition_tightened").len(), 1);
    assert!(!r.widens);
    // Condition removed: relaxed; added: tightened.
    let r = report(&one, &none);
    let c = changes(&r, "condition_relaxed");
    assert_eq!(c.len(), 1);
    assert!(c[0].detail.as_deref().unwrap().contains("removed"));
    assert!(r.widens);
    let r = report(&none, &one);
    assert_eq!(changes(&r, "condition_tightened").len(), 1);
    assert!(!r.widens);
    // Trust: dropping the external id relaxes the trust.
    let s = stmt("[s3:GetObject]", "arn:aws:s3:::b/*", "");
    let with = spec(
        "      - account: [\"111122223333\"]\n        external_id: x\n",
        &s,
        "",
    );
    let without = spec("      - account: [\"111122223333\"]\n", &s, "");
    let r = report(&with, &without);
    let c = changes(&r, "condition_relaxed");
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].principal.as_deref(),
        Some("AWS arn:aws:iam::111122223333:root")
    );
    assert!(c[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("sts:ExternalId removed"));
}

#[test]
fn attachments_roles_policies_and_denies() {
    let s = stmt("[s3:GetObject]", "arn:aws:s3:::b/*", "");
    let old = spec(
        TRUST,
        &s,
        "    managed_policies:\n      - aws: ReadOnlyAccess\n",
    );
    let new = spec(
        TRUST,
        &s,
        "    managed_policies:\n      - aws: AdministratorAccess\n",
    );
    let r = report(&old, &new);
    assert_eq!(
        changes(&r, "attachment_added")[0].detail.as_deref(),
        Some("arn:aws:iam::aws:policy/AdministratorAccess")
    );
    assert_eq!(changes(&r, "attachment_removed").len(), 1);
    assert!(r.widens);

    // A role added widens, a role removed does not.
    let two = format!(
        "{new}  other:\n    name: demo-other\n    trust:\n      - service: [ec2.amazonaws.com]\n    inline_policies:\n      q:\n        Statement:\n{}",
        stmt("[sqs:SendMessage]", "arn:aws:sqs:*:*:q", "")
    );
    let r = report(&new, &two);
    assert_eq!(changes(&r, "role_added").len(), 1);
    assert!(r
        .entities
        .iter()
        .any(|e| e.name == "other" && e.status == "added"));
    let r = report(&two, &new);
    assert_eq!(changes(&r, "role_removed").len(), 1);
    assert!(!r.widens);

    // A Deny removed widens.
    let deny = format!(
        "{s}          - Effect: Deny\n            Action: s3:DeleteObject\n            Resource: \"*\"\n"
    );
    let r = report(&spec(TRUST, &deny, ""), &spec(TRUST, &s, ""));
    let d = changes(&r, "deny_removed");
    assert_eq!(d.len(), 1);
    assert!(d[0].widens && r.widens);

    // Managed policies of the module are compared on their own.
    let pol = |action: &str| {
        format!(
            "module: demo\npolicies:\n  shared:\n    name: shared\n    document:\n      Statement:\n{}roles:\n  app:\n    name: demo-app\n    trust:\n{TRUST}    managed_policies:\n      - policy: shared\n",
            stmt(action, "arn:aws:s3:::b/*", "")
        )
    };
    let r = report(&pol("s3:GetObject"), &pol("[s3:GetObject, s3:PutObject]"));
    let e = r.entities.iter().find(|e| e.kind == "policy").unwrap();
    assert_eq!(e.name, "shared");
    assert_eq!(e.changes[0].kind, "actions_gained");
    assert_eq!(e.changes[0].actions, ["s3:PutObject"]);
}

#[test]
fn binary_exit_codes_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let narrow = spec(
        TRUST,
        &stmt("[s3:GetObject]", "arn:aws:s3:::b/logs/*", ""),
        "",
    );
    let wide = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), "");
    fs::write(d.join("narrow.yaml"), &narrow).unwrap();
    fs::write(d.join("wide.yaml"), &wide).unwrap();
    fs::write(
        d.join("broken.yaml"),
        "module: demo\nroles:\n  app:\n    nmae: x\n",
    )
    .unwrap();

    let o = rolegen(&["diff", "narrow.yaml", "wide.yaml"], d);
    assert_eq!(code(&o), 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("resource widened"), "{out}");
    assert!(out.contains("[widens]"));

    let o = rolegen(&["diff", "narrow.yaml", "wide.yaml", "--fail-on-widen"], d);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let o = rolegen(&["diff", "wide.yaml", "narrow.yaml", "--fail-on-widen"], d);
    assert_eq!(code(&o), 0);
    let o = rolegen(&["diff", "wide.yaml", "wide.yaml", "--fail-on-widen"], d);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("no changes"));

    let o = rolegen(&["diff", "narrow.yaml", "wide.yaml", "--format", "json"], d);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["widens"], true);
    assert_eq!(v["entities"][0]["kind"], "role");
    assert_eq!(v["entities"][0]["changes"][0]["kind"], "resource_widened");

    let o = rolegen(
        &["diff", "narrow.yaml", "wide.yaml", "--format", "markdown"],
        d,
    );
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.contains("| role `app` | changed | 1 | 0 |"), "{md}");
    assert!(md.contains("**widens**"));

    // Input errors: exit 2 with the file (and line) named.
    let o = rolegen(&["diff", "missing.yaml", "wide.yaml"], d);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.yaml"));
    let o = rolegen(&["diff", "broken.yaml", "wide.yaml", "--fail-on-widen"], d);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("broken.yaml:4"), "{err}");
    let o = rolegen(&["diff", "git:nonsense", "wide.yaml"], d);
    assert_eq!(code(&o), 2);
    let o = rolegen(&["diff", "wide.yaml", "narrow.yaml", "--format", "xml"], d);
    assert_eq!(code(&o), 2);
}

#[test]
fn git_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(d)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "rolegen-tests@localhost")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "rolegen-tests@localhost")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    fs::create_dir_all(d.join("specs")).unwrap();
    // The policy is a policy_file beside the spec: it is read from the revision too.
    fs::write(
        d.join("specs/app.yaml"),
        "module: demo\nroles:\n  app:\n    name: demo-app\n    trust:\n      - service: [lambda.amazonaws.com]\n    inline_policies:\n      p:\n        policy_file: p.json\n",
    )
    .unwrap();
    let p = |action: &str| {
        format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"{action}\",\"Resource\":\"arn:aws:s3:::b/*\"}}]}}")
    };
    fs::write(d.join("specs/p.json"), p("s3:GetObject")).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    fs::write(d.join("specs/p.json"), p("s3:*")).unwrap();
    let o = rolegen(
        &[
            "diff",
            "git:HEAD:specs/app.yaml",
            "specs/app.yaml",
            "--fail-on-widen",
        ],
        d,
    );
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("gains"));
    let o = rolegen(
        &[
            "diff",
            "git:HEAD:specs/app.yaml",
            "git:HEAD:specs/app.yaml",
            "--fail-on-widen",
        ],
        d,
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = rolegen(&["diff", "git:HEAD:specs/nope.yaml", "specs/app.yaml"], d);
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no file `specs/nope.yaml` at revision `HEAD`")
    );
    // A spec the change adds (not at the base revision) widens by everything it grants; one
    // it deletes only narrows.
    let added = [
        "diff",
        "git:HEAD:specs/new.yaml",
        "specs/app.yaml",
        "--missing-as-empty",
        "--fail-on-widen",
    ];
    let o = rolegen(&added, d);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("role `app`: added"), "{out}");
    let deleted = [
        "diff",
        "specs/app.yaml",
        "specs/gone.yaml",
        "--missing-as-empty",
        "--fail-on-widen",
    ];
    let o = rolegen(&deleted, d);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("role `app`: removed"));
    let both = ["diff", "a.yaml", "b.yaml", "--missing-as-empty"];
    assert_eq!(code(&rolegen(&both, d)), 2);
}

const MFA: &str = "            Condition:\n              Bool:\n                aws:MultiFactorAuthPresent: \"true\"\n";

#[test]
fn a_grant_inside_an_old_resource_without_its_condition_widens() {
    let old = spec(
        TRUST,
        &stmt("[s3:GetObject]", "arn:aws:s3:::bucket/*", MFA),
        "",
    );
    let new = spec(
        TRUST,
        &format!(
            "{}{}",
            stmt("[s3:GetObject]", "arn:aws:s3:::bucket/*", MFA),
            stmt("[s3:GetObject]", "arn:aws:s3:::bucket/secrets/*", "")
        ),
        "",
    );
    let r = report(&old, &new);
    assert!(r.widens, "{r:#?}");
    let c = changes(&r, "condition_relaxed");
    assert_eq!(c.len(), 1, "{r:#?}");
    assert_eq!(c[0].resources, ["arn:aws:s3:::bucket/secrets/*"]);
    assert_eq!(c[0].was, ["arn:aws:s3:::bucket/*"]);
    assert_eq!(c[0].actions, ["s3:GetObject"]);
    assert!(c[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("Bool aws:MultiFactorAuthPresent removed"));
    assert!(c[0].widens);
    // The same grant under the same (or a stricter) condition is covered.
    let stricter = spec(
        TRUST,
        &format!(
            "{}{}",
            stmt("[s3:GetObject]", "arn:aws:s3:::bucket/*", MFA),
            stmt(
                "[s3:GetObject]",
                "arn:aws:s3:::bucket/secrets/*",
                &format!("{MFA}              StringEquals:\n                aws:RequestedRegion: [eu-west-1]\n")
            )
        ),
        "",
    );
    let r = report(&old, &stricter);
    assert!(!r.widens, "{r:#?}");
    // Narrowing checks conditions too: the old unconditional grant inside is gone when
    // only a conditioned one remains.
    let r = report(&new, &old);
    assert!(!r.widens);
    let t = changes(&r, "condition_tightened");
    assert_eq!(t.len(), 1, "{r:#?}");
    assert_eq!(t[0].resources, ["arn:aws:s3:::bucket/secrets/*"]);
    // The binary agrees: --fail-on-widen exits 1.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("old.yaml"), &old).unwrap();
    fs::write(dir.path().join("new.yaml"), &new).unwrap();
    let o = rolegen(
        &["diff", "old.yaml", "new.yaml", "--fail-on-widen"],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("condition relaxed"));
}

#[test]
fn resource_widened_and_condition_relaxed_are_both_shown() {
    let old = spec(
        TRUST,
        &stmt("[s3:GetObject]", "arn:aws:s3:::b/logs/*", MFA),
        "",
    );
    let new = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), "");
    let r = report(&old, &new);
    let w = changes(&r, "resource_widened");
    assert_eq!(w.len(), 1, "{r:#?}");
    assert_eq!(w[0].was, ["arn:aws:s3:::b/logs/*"]);
    let c = changes(&r, "condition_relaxed");
    assert_eq!(c.len(), 1, "{r:#?}");
    assert!(c[0].detail.as_deref().unwrap().contains("removed"));
    // Only the resource: no condition change.
    let new = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", MFA), "");
    let r = report(&old, &new);
    assert_eq!(changes(&r, "resource_widened").len(), 1);
    assert!(changes(&r, "condition_relaxed").is_empty(), "{r:#?}");
}

#[test]
fn not_resource_containment_runs_the_other_way() {
    let not = |r: &str| {
        spec(
            TRUST,
            &format!("          - Effect: Allow\n            Action: [s3:GetObject]\n            NotResource: \"{r}\"\n"),
            "",
        )
    };
    // The exclusion shrank: more is granted.
    let r = report(
        &not("arn:aws:s3:::secret/*"),
        &not("arn:aws:s3:::secret/keys/*"),
    );
    assert!(r.widens, "{r:#?}");
    let w = changes(&r, "resource_widened");
    assert_eq!(w.len(), 1, "{r:#?}");
    assert_eq!(w[0].resources, ["NotResource arn:aws:s3:::secret/keys/*"]);
    assert_eq!(w[0].was, ["NotResource arn:aws:s3:::secret/*"]);
    assert!(changes(&r, "resource_narrowed").is_empty());
    // The exclusion grew: less is granted.
    let r = report(
        &not("arn:aws:s3:::secret/keys/*"),
        &not("arn:aws:s3:::secret/*"),
    );
    assert!(!r.widens, "{r:#?}");
    assert_eq!(changes(&r, "resource_narrowed").len(), 1);
    // NotResource → a Resource outside the exclusion: narrowed; → everything: widened.
    let r = report(
        &not("arn:aws:s3:::secret/*"),
        &spec(
            TRUST,
            &stmt("[s3:GetObject]", "arn:aws:s3:::public/*", ""),
            "",
        ),
    );
    assert!(!r.widens, "{r:#?}");
    let r = report(
        &not("arn:aws:s3:::secret/*"),
        &spec(TRUST, &stmt("[s3:GetObject]", "*", ""), ""),
    );
    assert!(r.widens, "{r:#?}");
    // Two excluded patterns are one grant: dropping one of them widens.
    let two = spec(
        TRUST,
        "          - Effect: Allow\n            Action: [s3:GetObject]\n            NotResource: [\"arn:aws:s3:::a/*\", \"arn:aws:s3:::b/*\"]\n",
        "",
    );
    let r = report(&two, &not("arn:aws:s3:::a/*"));
    assert!(r.widens, "{r:#?}");
    let r = report(&not("arn:aws:s3:::a/*"), &two);
    assert!(!r.widens, "{r:#?}");
}

#[test]
fn not_action_change_direction() {
    let na = |a: &str| {
        spec(
            TRUST,
            &format!("          - Effect: Allow\n            NotAction: [\"{a}\"]\n            Resource: \"arn:aws:s3:::b/*\"\n"),
            "",
        )
    };
    // Excluding fewer actions grants more.
    let r = report(&na("s3:*"), &na("s3:Delete*"));
    assert!(r.widens);
    let g = changes(&r, "actions_gained");
    assert!(g[0].actions.contains(&"s3:GetObject".to_owned()));
    let r = report(&na("s3:Delete*"), &na("s3:*"));
    assert!(!r.widens);
}

#[test]
fn permissions_boundary_and_max_session() {
    let s = stmt("[s3:GetObject]", "arn:aws:s3:::b/*", "");
    let pb = "    permissions_boundary: arn:aws:iam::111122223333:policy/boundary\n";
    let pb2 = "    permissions_boundary: arn:aws:iam::111122223333:policy/other\n";
    let with = spec(TRUST, &s, pb);
    let without = spec(TRUST, &s, "");
    let r = report(&with, &without);
    let c = changes(&r, "permissions_boundary_removed");
    assert_eq!(c.len(), 1, "{r:#?}");
    assert_eq!(
        c[0].detail.as_deref(),
        Some("arn:aws:iam::111122223333:policy/boundary")
    );
    assert!(c[0].widens && r.widens);
    let r = report(&without, &with);
    assert_eq!(changes(&r, "permissions_boundary_added").len(), 1);
    assert!(!r.widens);
    let r = report(&with, &spec(TRUST, &s, pb2));
    assert_eq!(changes(&r, "permissions_boundary_changed").len(), 1);
    assert!(r.widens);
    // A longer session widens; a shorter one does not. No setting is IAM's 3600 seconds.
    let long = spec(TRUST, &s, "    max_session_duration: 43200\n");
    let r = report(&without, &long);
    let c = changes(&r, "max_session_duration_changed");
    assert_eq!(c.len(), 1, "{r:#?}");
    assert_eq!(
        c[0].detail.as_deref(),
        Some("max_session_duration: 3600s → 43200s")
    );
    assert!(r.widens);
    let r = report(&long, &without);
    assert_eq!(changes(&r, "max_session_duration_changed").len(), 1);
    assert!(!r.widens);
    let r = report(
        &without,
        &spec(TRUST, &s, "    max_session_duration: 3600\n"),
    );
    assert!(r.entities.is_empty(), "{r:#?}");
    // The binary: --fail-on-widen exits 1 when the boundary goes.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("old.yaml"), &with).unwrap();
    fs::write(dir.path().join("new.yaml"), &without).unwrap();
    let o = rolegen(
        &["diff", "old.yaml", "new.yaml", "--fail-on-widen"],
        dir.path(),
    );
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stdout).contains("permissions boundary removed"));
}

fn git_repo(d: &Path) -> impl Fn(&[&str]) + '_ {
    move |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(d)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "rolegen-tests@localhost")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "rolegen-tests@localhost")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn missing_as_empty_only_for_a_path_absent_at_an_existing_revision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), "");
    fs::write(d.join("app.yaml"), &s).unwrap();
    // Not a repository: an error naming the revision, not "everything added".
    let o = rolegen(
        &[
            "diff",
            "git:HEAD:app.yaml",
            "app.yaml",
            "--missing-as-empty",
        ],
        d,
    );
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stdout));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`HEAD`") && err.contains("not a git repository"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    let git = git_repo(d);
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    // A revision that does not exist: an error too.
    let o = rolegen(
        &[
            "diff",
            "git:no-such-branch:app.yaml",
            "app.yaml",
            "--missing-as-empty",
        ],
        d,
    );
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stdout));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`no-such-branch`"), "{err}");
    // A path absent at an existing revision: missing, compared with an empty module.
    let o = rolegen(
        &[
            "diff",
            "git:HEAD:new.yaml",
            "app.yaml",
            "--missing-as-empty",
        ],
        d,
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("role `app`: added"));
}

#[test]
fn git_revisions_are_never_options_and_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), "");
    fs::create_dir_all(d.join("specs")).unwrap();
    fs::write(d.join("specs/app.yaml"), &s).unwrap();
    let git = git_repo(d);
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    let target = d.join("written");
    let injected = format!("git:--output={}:specs/app.yaml", target.display());
    for extra in [&[][..], &["--missing-as-empty"][..]] {
        let mut args = vec!["diff", injected.as_str(), "specs/app.yaml"];
        args.extend(extra);
        let o = rolegen(&args, d);
        assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stdout));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("starts with `-`"), "{err}");
        assert!(!target.exists(), "git wrote {}", target.display());
    }
    // A folder at the revision: one clear error, not YAML errors about git's tree listing.
    let o = rolegen(&["diff", "git:HEAD:specs", "specs/app.yaml"], d);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is a folder"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = rolegen(
        &[
            "diff",
            "git:HEAD:specs",
            "specs/app.yaml",
            "--missing-as-empty",
        ],
        d,
    );
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a folder"));
}

#[test]
fn markdown_stays_under_the_comment_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = spec(TRUST, &stmt("[s3:GetObject]", "arn:aws:s3:::b/*", ""), "");
    let new = spec(TRUST, &stmt("[\"*\"]", "*", ""), "");
    fs::write(d.join("old.yaml"), &old).unwrap();
    fs::write(d.join("new.yaml"), &new).unwrap();
    let o = rolegen(&["diff", "old.yaml", "new.yaml", "--format", "markdown"], d);
    assert_eq!(code(&o), 0);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.len() < 60_000, "{} bytes", md.len());
    assert!(
        md.contains("<details>") && md.contains("more\n  </details>"),
        "{md}"
    );
    // Many roles each gaining everything: cut, with a closing line saying how much is not shown.
    let mut many = String::from("module: demo\nroles:\n");
    let mut base = String::from("module: demo\nroles:\n");
    for i in 0..12 {
        let role = |s: &str| {
            format!(
                "  r{i}:\n    name: demo-r{i}\n    trust:\n{TRUST}    inline_policies:\n      p:\n        Statement:\n{s}"
            )
        };
        many.push_str(&role(&stmt("[\"*\"]", "*", "")));
        base.push_str(&role(&stmt("[s3:GetObject]", "arn:aws:s3:::b/*", "")));
    }
    fs::write(d.join("base.yaml"), &base).unwrap();
    fs::write(d.join("many.yaml"), &many).unwrap();
    let o = rolegen(
        &["diff", "base.yaml", "many.yaml", "--format", "markdown"],
        d,
    );
    assert_eq!(code(&o), 0);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.len() <= 60_000, "{} bytes", md.len());
    assert!(md.chars().count() < 65_536);
    let last = md.trim_end().lines().last().unwrap();
    assert!(
        last.contains("more change(s) not shown") && last.contains("rolegen diff"),
        "{last}"
    );
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    // The text format is not cut.
    let o = rolegen(&["diff", "base.yaml", "many.yaml"], d);
    assert!(o.stdout.len() > 60_000);
}

#[test]
fn markdown_values_are_code_spans() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let team = |v: &str| {
        spec(
            TRUST,
            &stmt(
                "[s3:GetObject]",
                "arn:aws:s3:::data/*/reports/*",
                &format!("            Condition:\n              StringEquals:\n                aws:PrincipalTag/team: [{v}]\n"),
            ),
            "",
        )
    };
    let old = team("x");
    let new = team("\"a`b``c @octocat #123 <b>x</b>\\nnext | line\"");
    let name = "new `x` @octocat #1.yaml";
    fs::write(d.join("old.yaml"), &old).unwrap();
    fs::write(d.join(name), &new).unwrap();
    let o = rolegen(&["diff", "old.yaml", name, "--format", "markdown"], d);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8(o.stdout).unwrap();
    // ARN wildcards inside a code span, not emphasis.
    assert!(md.contains("`arn:aws:s3:::data/*/reports/*`"), "{md}");
    // The file name: fenced by two backticks (its longest run is one), padded? no: it starts
    // with `n`.
    assert!(md.contains("``new `x` @octocat #1.yaml``"), "{md}");
    // The condition value: a triple fence (longest run two), the newline visible, no HTML
    // escaping inside the span.
    assert!(
        md.contains("a`b``c @octocat #123 <b>x</b>\\nnext | line"),
        "{md}"
    );
    assert!(md.contains("```"), "{md}");
    assert!(!md.contains("&lt;"), "{md}");
    // No line starts with text from the value.
    assert!(!md.lines().any(|l| l.starts_with("next")), "{md}");
    // Outside code spans, no mention or issue reference.
    let mut outside = String::new();
    for line in md.lines() {
        let mut rest = line;
        while let Some(start) = rest.find('`') {
            outside.push_str(&rest[..start]);
            let run = rest[start..].chars().take_while(|c| *c == '`').count();
            let fence = "`".repeat(run);
            let after = &rest[start + run..];
            match after.find(&fence) {
                Some(end) => rest = &after[end + run..],
                None => {
                    rest = after;
                    break;
                }
            }
        }
        outside.push_str(rest);
        outside.push('\n');
    }
    assert!(
        !outside.contains('@') && !outside.contains("#1"),
        "{outside}"
    );
    // The text format keeps the value on one line too.
    let o = rolegen(&["diff", "old.yaml", name], d);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.lines().any(|l| l.starts_with("next")), "{text}");
}

#[test]
fn ci_workflow_diff_steps() {
    let text = fs::read_to_string("examples/ci/rolegen.yml").unwrap();
    // `rolegen init` writes the same workflow.
    assert_eq!(text, fs::read_to_string("src/init/rolegen.yml").unwrap());
    let ci: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let steps = ci["jobs"]["rolegen"]["steps"].as_sequence().unwrap();
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no step {name}"))
    };
    for name in ["Permission diff", "Comment the diff"] {
        // They run after a failed check too.
        let cond = step(name)["if"].as_str().unwrap();
        assert!(cond.contains("!cancelled()"), "{name}: {cond}");
    }
    let run = step("Permission diff")["run"].as_str().unwrap();
    // A spec that fails does not end the loop; the comment is kept under the limit.
    assert!(run.contains("|| rc=$?"), "{run}");
    assert!(
        run.contains("limit=60000") && run.contains("not shown"),
        "{run}"
    );
}
