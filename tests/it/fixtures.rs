//! Snapshot tests over `tests/fixtures/*/spec.yaml` (one Terraform and one CloudFormation
//! snapshot per fixture) and `tests/fixtures/invalid/*/spec.yaml` (rendered diagnostics), plus
//! checks that every output parses back and that building twice gives the same bytes.

use codespan_reporting::term::termcolor::NoColor;
use rolegen::build::{compile, CompileOptions};
use rolegen::diagnostics::render;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path().join("spec.yaml"))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn name(spec: &Path) -> String {
    spec.parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Every valid fixture, compiled: (name, files).
fn compiled() -> Vec<(String, Vec<rolegen::emit::OutputFile>)> {
    fixtures("tests/fixtures")
        .into_iter()
        .map(|spec| {
            let out = compile(std::slice::from_ref(&spec), CompileOptions::EMIT);
            assert!(
                !out.diagnostics.has_errors(),
                "{} has errors: {:#?}",
                spec.display(),
                out.diagnostics.0
            );
            let m = out.modules.into_iter().next().unwrap();
            (name(&spec), m.files)
        })
        .collect()
}

/// The snapshot settings inside a `glob!` run: the snapshots keep their names
/// (`{fixture}__terraform`, not glob's `@{input}` suffix), one per fixture and backend.
fn glob_settings() -> insta::Settings {
    let mut s = settings();
    s.remove_snapshot_suffix();
    s
}

/// One fixture's compile outcome, with the path as the tests name it (relative to the
/// crate, as the rendered diagnostics show it); `glob!` hands over the canonical path.
fn compile_fixture(dir: &str, spec: &Path) -> (String, PathBuf, rolegen::build::Outcome) {
    let name = name(spec);
    let spec = Path::new(dir).join(&name).join("spec.yaml");
    let out = compile(std::slice::from_ref(&spec), CompileOptions::EMIT);
    (name, spec, out)
}

#[test]
fn valid_fixtures_snapshot() {
    let n = fixtures("tests/fixtures").len();
    assert!(n >= 8, "at least 8 valid fixtures, found {n}");
    // Each fixture is checked, and every mismatch reported, before the test fails.
    insta::glob!("../fixtures", "*/spec.yaml", |spec| {
        let (name, spec, out) = compile_fixture("tests/fixtures", spec);
        assert!(
            !out.diagnostics.has_errors(),
            "{} has errors: {:#?}",
            spec.display(),
            out.diagnostics.0
        );
        let files = out.modules.into_iter().next().unwrap().files;
        let mut tf = String::new();
        let mut cfn = String::new();
        for f in &files {
            let target =
                if f.path.starts_with("terraform/") || f.path.starts_with("examples/terraform/") {
                    &mut tf
                } else if f.path.starts_with("cloudformation/") {
                    &mut cfn
                } else {
                    continue;
                };
            target.push_str(&format!("# ---- {} ----\n{}", f.path, f.contents));
        }
        glob_settings().bind(|| {
            insta::assert_snapshot!(format!("{name}__terraform"), tf);
            insta::assert_snapshot!(format!("{name}__cloudformation"), cfn);
        });
    });
}

#[test]
fn invalid_fixtures_snapshot_their_diagnostics() {
    let n = fixtures("tests/fixtures/invalid").len();
    assert!(n >= 10, "at least 10 invalid fixtures, found {n}");
    insta::glob!("../fixtures/invalid", "*/spec.yaml", |spec| {
        let (name, spec, out) = compile_fixture("tests/fixtures/invalid", spec);
        assert!(
            out.diagnostics.has_errors(),
            "{} should be rejected",
            spec.display()
        );
        assert!(out.modules.is_empty());
        // The spec and any `policy_file:` a finding points into.
        let mut texts = HashMap::new();
        texts.insert(spec.clone(), std::fs::read_to_string(&spec).unwrap());
        for s in out.diagnostics.0.iter().filter_map(|d| d.source.as_ref()) {
            if let Some(t) = rolegen::spec::load::source_text(&s.path) {
                texts.entry(s.path.clone()).or_insert(t);
            }
        }
        let mut buf = NoColor::new(Vec::new());
        render::human(&out.diagnostics.0, &texts, &mut buf);
        let text = String::from_utf8(buf.into_inner()).unwrap();
        for d in &out.diagnostics.0 {
            assert!(
                d.source.is_some(),
                "{}: diagnostic without a location: {}",
                spec.display(),
                d.message
            );
            assert!(
                d.help.is_some(),
                "{}: diagnostic without help: {}",
                spec.display(),
                d.message
            );
        }
        glob_settings().bind(|| insta::assert_snapshot!(format!("invalid__{name}"), text));
    });
}

#[test]
fn terraform_output_parses_back_with_hcl_rs() {
    for (name, files) in compiled() {
        for f in files.iter().filter(|f| f.path.ends_with(".tf")) {
            let body: Result<hcl::Body, _> = hcl::from_str(&f.contents);
            assert!(
                body.is_ok(),
                "{name}/{} does not parse: {:?}",
                f.path,
                body.err()
            );
        }
    }
}

#[test]
fn cloudformation_output_parses_back() {
    for (name, files) in compiled() {
        for f in files.iter().filter(|f| f.path.ends_with(".yaml")) {
            let v: Result<serde_yaml_ng::Value, _> = serde_yaml_ng::from_str(&f.contents);
            let v = v.unwrap_or_else(|e| panic!("{name}/{} does not parse: {e}", f.path));
            assert!(v.get("Resources").is_some(), "{name}: no Resources");
        }
    }
}

#[test]
fn building_twice_gives_identical_bytes() {
    let mut specs = fixtures("tests/fixtures");
    specs.extend(rolegen::build::discover(Path::new("specs")).unwrap());
    let a = compile(&specs, CompileOptions::EMIT);
    let b = compile(&specs, CompileOptions::EMIT);
    assert!(!a.diagnostics.has_errors());
    assert_eq!(a.modules.len(), b.modules.len());
    for (x, y) in a.modules.iter().zip(&b.modules) {
        assert_eq!(
            x.files, y.files,
            "{} differs between two builds",
            x.module.name
        );
    }
}
