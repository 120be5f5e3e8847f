//! Escape hatches: which inputs a spec's `hatches:` gives each role in both outputs, the
//! names they cannot take, and the CloudFormation parameter quota they count against (RG404).
//! What they deploy, unset and set, is checked by `tests/equivalence.rs`.

use rolegen::build::{compile, CompileOptions, Outcome};
use rolegen::model::Hatch;
use std::path::PathBuf;

/// Compiles one spec written to a temporary folder.
fn build(spec: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).unwrap();
    compile(&[PathBuf::from(&path)], CompileOptions::EMIT)
}

fn file<'a>(o: &'a Outcome, suffix: &str) -> &'a str {
    let c = o.modules.first().expect("a module");
    &c.files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix}"))
        .contents
}

fn codes(o: &Outcome) -> Vec<&'static str> {
    o.diagnostics.0.iter().map(|d| d.rule.code).collect()
}

const ROLE: &str = "trust: [{service: [ecs-tasks.amazonaws.com], source_account: true}]";

#[test]
fn every_hatch_by_default_some_or_none_when_the_spec_says() {
    let o = build(&format!(
        "module: h\nroles:\n  app: {{name: app, {ROLE}}}\n  web: {{name: web, hatches: [name, additional_policy_arns], {ROLE}}}\n  db: {{name: db, hatches: false, {ROLE}}}\n"
    ));
    assert!(o.diagnostics.0.is_empty(), "{:?}", codes(&o));
    let vars = file(&o, "terraform/variables.tf");
    let stack = file(&o, "cloudformation/h.yaml");
    for h in Hatch::ALL {
        assert!(
            vars.contains(&format!("variable \"app_{}\"", h.key())),
            "{vars}"
        );
        assert!(stack.contains(&format!(
            "  App{}:\n",
            rolegen::model::names::pascal(h.key())
        )));
        let web = [Hatch::Name, Hatch::AdditionalPolicyArns].contains(&h);
        assert_eq!(vars.contains(&format!("variable \"web_{}\"", h.key())), web);
        assert!(!vars.contains(&format!("variable \"db_{}\"", h.key())));
    }
    // Module level, and a role's own replacing it.
    let o = build(&format!(
        "module: h\nhatches: false\nroles:\n  app: {{name: app, {ROLE}}}\n  web: {{name: web, hatches: [path], {ROLE}}}\n"
    ));
    let vars = file(&o, "terraform/variables.tf");
    assert!(!vars.contains("variable \"app_"), "{vars}");
    assert!(vars.contains("variable \"web_path\""));
    assert!(!vars.contains("variable \"web_name\""));
}

#[test]
fn an_unknown_hatch_or_a_taken_name_is_an_error() {
    let o = build(&format!(
        "module: h\nroles:\n  app: {{name: app, hatches: [names], {ROLE}}}\n"
    ));
    let d = &o.diagnostics.0[0];
    assert!(
        d.message.contains("`names` is not an escape hatch"),
        "{}",
        d.message
    );
    assert!(d
        .help
        .as_deref()
        .unwrap_or("")
        .contains("additional_policy_arns"));
    // `AppName` is the name hatch's CloudFormation parameter of role `app`.
    let o = build(&format!(
        "module: h\nparameters:\n  AppName: {{type: string, default: x}}\nroles:\n  app: {{name: \"${{AppName}}\", {ROLE}}}\n"
    ));
    assert!(o.modules.is_empty());
    let d = &o.diagnostics.0[0];
    assert!(d.message.contains("parameter `AppName`"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("hatches: false"));
    // ... and a role `app-name` is the resource `AppName`.
    let o = build(&format!(
        "module: h\nroles:\n  app: {{name: a, {ROLE}}}\n  app-name: {{name: b, {ROLE}}}\n"
    ));
    assert!(o.modules.is_empty(), "{:?}", codes(&o));
    // With the hatches of `app` off, both are fine.
    let o = build(&format!(
        "module: h\nroles:\n  app: {{name: a, hatches: false, {ROLE}}}\n  app-name: {{name: b, {ROLE}}}\n"
    ));
    assert!(!o.modules.is_empty(), "{:?}", codes(&o));
}

#[test]
fn hatches_count_against_the_parameter_quota_and_rg404_says_how_to_turn_them_off() {
    let roles: String = (0..41)
        .map(|i| format!("  r{i}: {{name: r{i}, {ROLE}}}\n"))
        .collect();
    // 41 roles × 5 hatches = 205 parameters.
    let o = build(&format!("module: h\nroles:\n{roles}"));
    let d = o
        .diagnostics
        .0
        .iter()
        .find(|d| d.rule.code == "RG404")
        .expect("RG404");
    // And the stack's ExportPrefix.
    assert!(d.message.contains("206 parameters"), "{}", d.message);
    assert!(d.message.contains("escape hatches"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("hatches: false"));
    let o = build(&format!("module: h\nhatches: [name]\nroles:\n{roles}"));
    assert!(!codes(&o).contains(&"RG404"), "{:?}", codes(&o));
}

/// The reference workload's stack has no parameter but KmsKeyArn (its shape allows no others):
/// `scripts/workload-spec` turns the hatches off.
#[test]
fn the_workload_spec_turns_hatches_off() {
    let out = std::process::Command::new("python3")
        .arg("scripts/workload-spec")
        .arg("3")
        .output();
    let Ok(out) = out else {
        eprintln!("python3 is not available: skipped");
        return;
    };
    assert!(out.status.success());
    let o = build(&String::from_utf8(out.stdout).unwrap());
    let stack = file(&o, "cloudformation/iam-roles-v1.yaml");
    let params = stack
        .split("\nParameters:\n")
        .nth(1)
        .and_then(|s| s.split("\nResources:\n").next())
        .unwrap();
    let names: Vec<&str> = params
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .collect();
    // The workload's one parameter: no hatch, and no export prefix (`export: false`).
    assert_eq!(names, ["  KmsKeyArn:"], "{params}");
    // One output per role, its ARN, not exported.
    let outputs = stack.split("\nOutputs:\n").nth(1).unwrap();
    let names: Vec<&str> = outputs
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .collect();
    assert_eq!(
        names,
        ["  Role1Arn:", "  Role2Arn:", "  Role3Arn:"],
        "{outputs}"
    );
    assert!(!stack.contains("Export"), "{stack}");
    assert!(!stack.contains("Conditions:"), "{stack}");
    for h in Hatch::ALL {
        let p = rolegen::model::names::pascal(h.key());
        assert!(!stack.contains(&format!("HasRole1{p}")), "{stack}");
    }
}

/// A list parameter attached as policy ARNs (`arn: ${List}`) takes the place of the role's
/// `additional_policy_arns` hatch: the hatch is left out (asking for it on the role is an
/// error), a second list on the role is an error, and the attachment resource it shares with
/// the hatch is a name another role cannot take.
#[test]
fn a_list_of_policy_arns_replaces_the_extra_policies_hatch() {
    let spec = |role_extra: &str, other: &str| {
        let more = if other.contains("${More}") {
            "  More: {type: list, default: [\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]}\n"
        } else {
            ""
        };
        format!(
            "module: lists\nparameters:\n  Extra: {{type: list, default: []}}\n{more}roles:\n  app:\n    {ROLE}\n{role_extra}    managed_policies:\n      - arn: ${{Extra}}\n{other}"
        )
    };
    let o = build(&spec("", ""));
    assert!(codes(&o).is_empty(), "{:?}", o.diagnostics.0);
    let role = &o.modules[0].module.roles["app"];
    assert!(!role.has(Hatch::AdditionalPolicyArns));
    assert!(role.has(Hatch::Name), "the other hatches stay");
    assert!(!file(&o, "variables.tf").contains("app_additional_policy_arns"));
    assert!(o.modules[0]
        .files
        .iter()
        .any(|f| f.contents.contains("? length(var.extra) : 0")));
    assert!(file(&o, "cloudformation/lists.yaml").contains("HasExtra"));

    let o = build(&spec("    hatches: [additional_policy_arns]\n", ""));
    assert!(codes(&o).contains(&"RG003"), "{:?}", o.diagnostics.0);

    let o = build(&spec("", "      - arn: ${More}\n"));
    assert!(codes(&o).contains(&"RG006"), "{:?}", o.diagnostics.0);

    let other = format!("  app_additional:\n    {ROLE}\n");
    let o = build(
        &format!("{}hatches: false\n", spec("", &other))
            .replace("module: lists\n", "module: lists\n"),
    );
    assert!(
        o.diagnostics.0.iter().any(|d| d
            .message
            .contains("aws_iam_role_policy_attachment.app_additional")),
        "{:?}",
        o.diagnostics.0
    );
}
