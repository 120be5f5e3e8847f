//! Every rule in `rolegen::rules::ALL` has documentation and two fixtures under
//! `tests/rules/<CODE>/`: `fail.yaml`, a minimal spec that triggers the rule (with a comment on
//! top saying what is wrong), and `pass.yaml`, the same spec with the fix from the rule's docs,
//! which must not trigger it. The tests iterate over `ALL`, so a rule added to `src/rules.rs`
//! without fixtures fails here, and a fixture folder for a code that is no rule fails too.
//!
//! Fixtures are compiled with `rolegen::build::compile(&[path], CompileOptions::VALIDATE)`:
//! validation only, no output, warnings kept as warnings.

use rolegen::build::{compile, CompileOptions};
use rolegen::diagnostics::Diagnostic;
use rolegen::rules::{Rule, ALL};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One check made on a fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// The fail fixture's diagnostics contain the rule's code.
    Fires,
    /// That diagnostic points into the fixture file (`d.source`).
    Located,
    /// That diagnostic has a non-empty help line.
    Helped,
    /// The pass fixture has no error at all (otherwise validation never ran and "does not
    /// trigger the rule" would prove nothing) and no diagnostic of the rule.
    PassClean,
}

/// Expected failures: checks that fail because of a bug in rolegen, not in the fixtures.
/// Each entry is `(case, check, the bug)`, where a case is `<CODE>/<fixture>`. An entry keeps the
/// suite green while the bug is open; once the check passes the suite fails and asks for the
/// entry to be removed, so the list cannot rot. Keep it empty unless a bug is reported.
const KNOWN_BUGS: &[(&str, Check, &str)] = &[];

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

fn fixture(rule: &Rule, kind: &str) -> PathBuf {
    rules_dir().join(rule.code).join(format!("{kind}.yaml"))
}

fn diagnostics(path: &Path) -> Vec<Diagnostic> {
    compile(&[path.to_path_buf()], CompileOptions::VALIDATE)
        .diagnostics
        .0
}

fn summary(diags: &[Diagnostic]) -> String {
    if diags.is_empty() {
        return "no diagnostics".into();
    }
    diags
        .iter()
        .map(|d| {
            let at = d.source.as_ref().map_or("<no location>".into(), |s| {
                format!("{}:{}", s.span.line, s.span.column)
            });
            format!("{} at {at}: {}", d.rule.code, d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Collects check results, honouring [`KNOWN_BUGS`].
#[derive(Default)]
struct Report {
    problems: Vec<String>,
}

impl Report {
    fn check(&mut self, case: &str, check: Check, ok: bool, detail: impl FnOnce() -> String) {
        let bug = KNOWN_BUGS
            .iter()
            .find(|(c, k, _)| *c == case && *k == check);
        match (bug, ok) {
            (None, true) => {}
            (None, false) => self
                .problems
                .push(format!("{case}: {check:?} failed: {}", detail())),
            (Some((_, _, why)), true) => self.problems.push(format!(
                "{case}: {check:?} passes now; remove its KNOWN_BUGS entry ({why})"
            )),
            (Some(_), false) => {}
        }
    }

    /// The checks a fail fixture must pass for `code`.
    fn fail_case(&mut self, case: &str, code: &str, path: &Path, diags: &[Diagnostic]) {
        let hits: Vec<&Diagnostic> = diags.iter().filter(|d| d.rule.code == code).collect();
        self.check(case, Check::Fires, !hits.is_empty(), || {
            format!("{code} not reported; got {}", summary(diags))
        });
        if hits.is_empty() {
            return;
        }
        let located = hits.iter().any(|d| {
            d.source
                .as_ref()
                .is_some_and(|s| s.path == path && s.span.line >= 1 && s.span.column >= 1)
        });
        self.check(case, Check::Located, located, || {
            format!(
                "no {code} diagnostic points into {}: {}",
                path.display(),
                summary(diags)
            )
        });
        let helped = hits
            .iter()
            .any(|d| d.help.as_deref().is_some_and(|h| !h.trim().is_empty()));
        self.check(case, Check::Helped, helped, || {
            format!("no {code} diagnostic has a help line: {}", summary(diags))
        });
    }

    fn finish(self) {
        assert!(
            self.problems.is_empty(),
            "{} problem(s):\n  {}",
            self.problems.len(),
            self.problems.join("\n  ")
        );
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_code(s: &str) -> bool {
    s.len() == 5 && s.starts_with("RG") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn every_rule_is_documented_with_a_unique_kebab_case_name_and_sorted_unique_code() {
    assert!(!ALL.is_empty());
    let mut problems = Vec::new();
    let mut names = HashSet::new();
    for r in ALL {
        if !is_code(r.code) {
            problems.push(format!("{}: code is not `RG` and three digits", r.code));
        }
        if !is_kebab(r.name) {
            problems.push(format!("{}: name `{}` is not kebab-case", r.code, r.name));
        }
        if !names.insert(r.name) {
            problems.push(format!("{}: name `{}` is used twice", r.code, r.name));
        }
        for (field, text) in [("what", r.what), ("why", r.why), ("example", r.example)] {
            if text.trim().is_empty() {
                problems.push(format!("{}: `{field}` is empty", r.code));
            }
        }
        if !r.example.contains("Fix") {
            problems.push(format!("{}: `example` gives no `Fix:`", r.code));
        }
        if rolegen::rules::by_code(r.code).map(|x| x.code) != Some(r.code) {
            problems.push(format!("{}: `by_code` does not find it", r.code));
        }
    }
    for w in ALL.windows(2) {
        if w[0].code >= w[1].code {
            problems.push(format!(
                "codes not unique and sorted: {} then {}",
                w[0].code, w[1].code
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_has_both_fixtures_with_a_leading_comment() {
    let mut problems = Vec::new();
    for r in ALL {
        for kind in ["fail", "pass"] {
            let p = fixture(r, kind);
            match std::fs::read_to_string(&p) {
                Err(e) => problems.push(format!("{}: {e}", p.display())),
                Ok(text) if !text.starts_with(&format!("# {}", r.code)) => problems.push(format!(
                    "{}: must start with a comment `# {} ...` saying what is {}",
                    p.display(),
                    r.code,
                    if kind == "fail" { "wrong" } else { "fixed" }
                )),
                Ok(_) => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "every rule in rolegen::rules::ALL needs tests/rules/<CODE>/fail.yaml and pass.yaml:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_fixture_folder_is_a_rule() {
    let codes: HashSet<&str> = ALL.iter().map(|r| r.code).collect();
    let mut stray = Vec::new();
    for e in std::fs::read_dir(rules_dir()).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !e.file_type().unwrap().is_dir() || !codes.contains(name.as_str()) {
            stray.push(name);
        }
    }
    stray.sort();
    assert!(
        stray.is_empty(),
        "tests/rules/ holds entries that are not the folder of a rule in rolegen::rules::ALL: {stray:?}"
    );
}

#[test]
fn fail_fixtures_trigger_their_rule_with_location_and_help() {
    let mut report = Report::default();
    for r in ALL {
        let path = fixture(r, "fail");
        if !path.is_file() {
            continue; // reported by every_rule_has_both_fixtures_with_a_leading_comment
        }
        let diags = diagnostics(&path);
        report.fail_case(&format!("{}/fail", r.code), r.code, &path, &diags);
    }
    report.finish();
}

#[test]
fn pass_fixtures_do_not_trigger_their_rule() {
    let mut report = Report::default();
    for r in ALL {
        let path = fixture(r, "pass");
        if !path.is_file() {
            continue; // reported by every_rule_has_both_fixtures_with_a_leading_comment
        }
        let diags = diagnostics(&path);
        let clean =
            !diags.iter().any(Diagnostic::is_error) && !diags.iter().any(|d| d.rule.code == r.code);
        report.check(&format!("{}/pass", r.code), Check::PassClean, clean, || {
            format!(
                "expected no error and no {}; got {}",
                r.code,
                summary(&diags)
            )
        });
    }
    report.finish();
}

/// RG010's other input limit: an alias bomb (serde_yaml_ng's repetition limit). The fixture in
/// tests/rules/RG010 uses nesting, which is located; this one is written to a temporary folder.
#[test]
fn alias_bomb_is_an_input_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.yaml");
    let mut text = String::from(
        "module: alias-bomb\nparameters:\n  Bomb:\n    type: list\n    example:\n      - &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for (prev, next) in ["a", "b", "c", "d", "e"]
        .iter()
        .zip(["b", "c", "d", "e", "f"])
    {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        text.push_str(&format!("      - &{next} [{refs}]\n"));
    }
    text.push_str("roles: {}\n");
    std::fs::write(&path, text).unwrap();
    let diags = diagnostics(&path);
    let mut report = Report::default();
    report.fail_case("RG010/alias-bomb", "RG010", &path, &diags);
    report.finish();
}

#[test]
fn known_bugs_name_real_cases() {
    for (case, _, why) in KNOWN_BUGS {
        let code = case.split('/').next().unwrap();
        assert!(
            ALL.iter().any(|r| r.code == code),
            "KNOWN_BUGS entry `{case}` names no rule ({why})"
        );
        assert!(
            !why.trim().is_empty(),
            "KNOWN_BUGS entry `{case}` names no bug"
        );
    }
}

/// The trust and key lints of issue 15 are silenced by an `allow:` with a reason, at module level
/// and on the statement or trust entry that triggers them; the input errors (RG014–RG016) are not
/// suppressible.
#[test]
fn trust_and_key_lints_can_be_allowed_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    for code in ["RG304", "RG310", "RG311", "RG312", "RG313", "RG314"] {
        let rule = rolegen::rules::by_code(code).unwrap();
        assert!(rule.suppressible, "{code}");
        let text = std::fs::read_to_string(fixture(rule, "fail")).unwrap();
        let allowed = text.replacen(
            "\nmodule: ",
            &format!("\nallow:\n  - code: {code}\n    reason: accepted in this test\nmodule: "),
            1,
        );
        let path = dir.path().join(format!("{code}.yaml"));
        std::fs::write(&path, allowed).unwrap();
        let diags = diagnostics(&path);
        assert!(
            !diags.iter().any(|d| d.rule.code == code),
            "{code} still reported: {}",
            summary(&diags)
        );
    }
    for code in ["RG014", "RG015", "RG016"] {
        assert!(
            !rolegen::rules::by_code(code).unwrap().suppressible,
            "{code}"
        );
    }
}

/// RG006 for parameter constraints: a default or example outside `allowed_values`, below
/// `min_value` or above `max_value` is refused where it is written (Terraform's validation and
/// CloudFormation would refuse it at deploy time); the same spec with the value inside passes.
#[test]
fn parameter_values_outside_their_constraints_are_rg006() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // (name, the parameter with a value outside, the same with a value inside)
        (
            "string-default",
            "{type: string, default: qa, allowed_values: [dev, prod]}",
            "{type: string, default: dev, allowed_values: [dev, prod]}",
        ),
        (
            "string-example",
            "{type: string, example: qa, allowed_values: [dev, prod]}",
            "{type: string, example: prod, allowed_values: [dev, prod]}",
        ),
        (
            "list-item",
            "{type: list, default: [dev, qa], allowed_values: [dev, prod]}",
            "{type: list, default: [dev, prod], allowed_values: [dev, prod]}",
        ),
        (
            "number-allowed",
            "{type: number, default: 4, allowed_values: [1, 2, 3]}",
            "{type: number, default: 3, allowed_values: [1, 2, 3]}",
        ),
        (
            "number-below-min",
            "{type: number, example: 899, min_value: 900, max_value: 43200}",
            "{type: number, example: 900, min_value: 900, max_value: 43200}",
        ),
        (
            "number-above-max",
            "{type: number, default: 43201, min_value: 900, max_value: 43200}",
            "{type: number, default: 43200, min_value: 900, max_value: 43200}",
        ),
        (
            "negative-bound",
            "{type: number, default: -3, min_value: -2.5}",
            "{type: number, default: -2.5, min_value: -2.5}",
        ),
    ];
    let mut report = Report::default();
    for (name, bad, good) in cases {
        for (kind, body) in [("fail", bad), ("pass", good)] {
            let path = dir.path().join(format!("{name}-{kind}.yaml"));
            let text = format!(
                "module: rg006-{name}\nparameters:\n  Value: {body}\nroles:\n  app:\n    trust:\n      - service: ec2.amazonaws.com\n    inline_policies:\n      read:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:${{AWS::Partition}}:s3:::b/*\n"
            );
            std::fs::write(&path, text).unwrap();
            let diags = diagnostics(&path);
            if kind == "fail" {
                report.fail_case(&format!("RG006/{name}"), "RG006", &path, &diags);
                let at_value = diags.iter().any(|d| {
                    d.rule.code == "RG006"
                        && d.source.as_ref().is_some_and(|s| s.span.line == 3)
                        && (d.message.contains("allowed_values")
                            || d.message.contains("min_value")
                            || d.message.contains("max_value"))
                });
                assert!(at_value, "{name}: {}", summary(&diags));
            } else {
                let errors: Vec<&Diagnostic> = diags
                    .iter()
                    .filter(|d| d.severity == rolegen::rules::Severity::Error)
                    .collect();
                assert!(errors.is_empty(), "{name} (pass): {}", summary(&diags));
            }
        }
    }
    report.finish();
}
