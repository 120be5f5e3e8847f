//! Machine-readable outputs: SARIF 2.1.0 that validates against the OASIS schema, JSON
//! diagnostics, and the spec's JSON Schema (committed, current, and accepting every spec).

use rolegen::build::compile;
use rolegen::diagnostics::render;
use serde_json::Value;
use std::path::PathBuf;

fn diagnostics() -> Vec<rolegen::diagnostics::Diagnostic> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/invalid")
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.yaml"))
        .collect();
    specs.sort();
    specs.push(PathBuf::from("tests/fixtures/kms-key/spec.yaml"));
    let mut all = Vec::new();
    for s in specs {
        all.extend(compile(&[s], false, false).diagnostics.0);
    }
    assert!(all.len() > 15);
    all
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    let log: Value = serde_json::from_str(&render::sarif(&diagnostics())).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(
        |r| r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            >= 1
    ));
    // A broken log must be rejected, so the validation above means something.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn json_diagnostics_carry_code_location_and_help() {
    let list: Vec<Value> = serde_json::from_str(&render::json(&diagnostics())).unwrap();
    for d in list {
        assert!(d["code"].as_str().unwrap().starts_with("RG"));
        assert!(d["line"].as_u64().unwrap() >= 1);
        assert!(d["file"].as_str().unwrap().ends_with("spec.yaml"));
        assert!(d["help"].is_string());
    }
}

#[test]
fn committed_spec_schema_is_current_and_accepts_every_spec() {
    let current = rolegen::spec::schema();
    let committed = std::fs::read_to_string("schema/spec.schema.json").unwrap();
    assert_eq!(
        committed, current,
        "schema/spec.schema.json is stale: run `cargo run -- schema > schema/spec.schema.json`"
    );
    let schema: Value = serde_json::from_str(&current).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut specs: Vec<PathBuf> = std::fs::read_dir("specs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    specs.extend(
        std::fs::read_dir("tests/fixtures")
            .unwrap()
            .map(|e| e.unwrap().path().join("spec.yaml"))
            .filter(|p| p.is_file()),
    );
    for s in specs {
        let v: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", s.display());
    }
    let bad: Value =
        serde_yaml_ng::from_str("module: x\nroles:\n  r:\n    managed_polices: []\n").unwrap();
    assert!(
        !validator.is_valid(&bad),
        "the schema must reject unknown fields"
    );
}
