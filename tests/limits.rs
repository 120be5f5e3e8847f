//! Input limits, each with its code: spec file size, number of roles, and `policy_file` paths
//! that escape the spec's folder through a symlink. (Nesting depth and alias bombs are RG010
//! fixtures under tests/rules; `..` escapes and module names are invalid fixtures.)

use rolegen::build::compile;
use std::fs;
use std::path::PathBuf;

fn codes(spec: &PathBuf) -> Vec<&'static str> {
    compile(std::slice::from_ref(spec), false, false)
        .diagnostics
        .0
        .iter()
        .map(|d| d.rule.code)
        .collect()
}

#[test]
fn a_spec_over_64_mib_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("big.yaml");
    let mut text = String::from("module: big\n");
    let line = format!("# {}\n", "x".repeat(1022));
    while text.len() <= 64 * 1024 * 1024 {
        text.push_str(&line);
    }
    fs::write(&spec, text).unwrap();
    let out = compile(std::slice::from_ref(&spec), false, false);
    let d = &out.diagnostics.0;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule.code, "RG010");
    assert!(d[0].message.contains("67108864"), "{}", d[0].message);
}

#[test]
fn more_than_100_000_roles_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("many.yaml");
    let mut text = String::from("module: many\nroles:\n");
    for i in 0..=rolegen::lower::MAX_RESOURCES {
        text.push_str(&format!("  r{i}: {{}}\n"));
    }
    fs::write(&spec, text).unwrap();
    assert!(codes(&spec).contains(&"RG010"));
}

#[cfg(unix)]
#[test]
fn a_policy_file_symlink_out_of_the_spec_folder_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.json"),
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.json"),
        dir.path().join("policy.json"),
    )
    .unwrap();
    let spec = dir.path().join("spec.yaml");
    fs::write(&spec, "module: link\nroles:\n  r:\n    trust:\n      - service: [ec2.amazonaws.com]\n    inline_policies:\n      p:\n        policy_file: policy.json\n").unwrap();
    let out = compile(std::slice::from_ref(&spec), false, false);
    let d = out
        .diagnostics
        .0
        .iter()
        .find(|d| d.rule.code == "RG007")
        .expect("RG007");
    assert!(d.message.contains("symlink"), "{}", d.message);
    // The same file copied in (not linked) is fine.
    fs::remove_file(dir.path().join("policy.json")).unwrap();
    fs::copy(
        outside.path().join("secret.json"),
        dir.path().join("policy.json"),
    )
    .unwrap();
    assert!(!codes(&spec).contains(&"RG007"));
}

/// YAML reads at most 1024 characters as an implicit key; a longer one is a syntax error that
/// says so, rather than a type error about the value.
#[test]
fn a_key_over_1024_characters_says_why() {
    let spec = PathBuf::from("tests/fixtures/regressions/long-condition-key.yaml");
    let out = compile(std::slice::from_ref(&spec), false, false);
    let d = out
        .diagnostics
        .0
        .iter()
        .find(|d| d.rule.code == "RG001")
        .expect("a YAML syntax error");
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("1024 characters"),
        "{:?}",
        d.help
    );
}
