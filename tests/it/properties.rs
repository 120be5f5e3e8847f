//! Property tests (issue 9): any string in any field either errors clearly (a diagnostic with a
//! code) or round-trips exactly through both backends, read back by independent parsers:
//! hcl-rs for Terraform (templates evaluated, `$${`/`%%{` decoded), serde_yaml_ng for
//! CloudFormation, and PyYAML (a YAML 1.1 reader, as under cfn-lint) when python3 has it.
//!
//! The writers are tested directly too (`yaml::write_str`/`to_string`, `hcl::quote_literal`/
//! `escape_into`), and the placeholder parser's `display()` re-parses to the same template.
//! The spec-level oracle is `fuzz/harness/roundtrip.rs`, shared with the `roundtrip` fuzz target.
//!
//! Bugs found are kept as `#[ignore = "bug: ..."]` tests at the end, asserting the correct
//! behaviour; `harness::known_bug` lets the properties keep looking past them.

use crate::harness;

use harness::{Field, Verdict};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use rolegen::emit::cloudformation::yaml::{self, Node};
use rolegen::emit::terraform::hcl::{escape_into, quote_literal};
use rolegen::lower::template::parse;
use rolegen::model::Part;
use serde_json::Value as J;
use serde_yaml_ng::Value as Y;
use std::process::Command;

/// Words and shapes YAML 1.1 or 1.2 readers resolve to something other than a string.
const YAML_WORDS: &[&str] = &[
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "yes",
    "Yes",
    "YES",
    "no",
    "No",
    "NO",
    "y",
    "Y",
    "n",
    "N",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    "2012-10-17",
    "2001-12-14t21:59:43.10-05:00",
    "12:30",
    "1:30:00",
    "190:20:30",
    "0x1F",
    "0o17",
    "017",
    "0b1010",
    "1e3",
    "1E3",
    "1.5",
    "-1",
    "+1",
    "1_000",
    "0.",
    ".5",
    ".inf",
    "-.inf",
    "+.Inf",
    ".nan",
    ".NaN",
    "<<",
    "=",
    "123456789012",
    "-",
    "?",
    ":",
    "#",
    "!",
    "&a",
    "*a",
    "|",
    ">",
    "%x",
    "@x",
    "`x",
    "'",
    "\"",
    "[a]",
    "{a: b}",
    "a: b",
    "a #b",
    "a:",
    " a",
    "a ",
    "- a",
    "? a",
    "--- a",
    "...",
];

/// Pieces that break writers: quoting, escapes, placeholders, HCL/YAML syntax, odd characters.
const ATOMS: &[&str] = &[
    "\"",
    "\\",
    "'",
    "${",
    "%{",
    "$${",
    "%%{",
    "$$",
    "$",
    "%",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    ": ",
    " #",
    "#",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\0",
    "\u{1}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{200b}",
    "é",
    "ü",
    "漢",
    "🦀",
    "\u{10ffff}",
    " ",
    "  ",
    "-",
    "? ",
    "!",
    "&",
    "*",
    "|",
    ">",
    "@",
    "`",
    "~",
    "=",
    "<<",
    "...",
    "---",
    "${aws:username}",
    "${AWS::Region}",
    "${AWS::Partition}",
    "${P}",
    "${Oidc}",
    "${Undeclared}",
    "${!Literal}",
    "${aws:a${b}",
    "arn:aws:s3:::b/*",
    "s3:GetObject",
    "\n}\n",
    "resource \"x\" \"y\" {",
    "\nResources:\n  Evil:\n    Type: AWS::IAM::User",
    "\"]}],\"x\":[{\"",
    "on",
    "yes",
    "null",
    "2012-10-17",
    "12:30",
    "0x1F",
    "1e3",
    ".inf",
    "a",
    "Z",
    "0",
    "9",
];

/// U+FFFE and U+FFFF: the YAML writer emits them raw (a known bug, tested separately).
fn is_yaml_noncharacter(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(ATOMS).prop_map(str::to_owned),
        4 => any::<char>().prop_map(String::from),
        2 => "[a-zA-Z0-9:/*._-]{1,8}",
    ]
}

/// Arbitrary tricky strings: whole YAML 1.1 words, concatenated atoms, long strings.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(YAML_WORDS).prop_map(str::to_owned),
        8 => prop::collection::vec(atom(), 0..12).prop_map(|v| v.concat()),
        1 => (prop::collection::vec(atom(), 0..4), 200usize..3000).prop_map(|(v, n)| {
            let mut s = "x".repeat(n);
            s.push_str(&v.concat());
            s
        }),
    ]
}

/// Tricky strings without the characters of known bugs, for the writers' own properties.
fn tricky_clean() -> impl Strategy<Value = String> {
    tricky().prop_map(|s| s.replace(is_yaml_noncharacter, "?"))
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// The value of the only attribute of `text`, parsed by hcl-rs with quoted templates read by
/// the harness (hcl-rs 0.20 misreads `$$${` next to an interpolation; see `parse_hcl`).
fn hcl_read(text: &str, ctx: &hcl::eval::Context) -> Result<J, TestCaseError> {
    let src = harness::parse_hcl(text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
    let expr = &src.body.attributes().next().expect("one attribute").expr;
    harness::hcl_eval(expr, ctx, &src).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))
}

/// Checks `write_str` directly: the scalar alone as a document reads back as the string.
fn write_str_alone(s: &str) -> Result<(), String> {
    let mut out = String::new();
    yaml::write_str(&mut out, s);
    match serde_yaml_ng::from_str::<Y>(&out) {
        Ok(Y::String(got)) if got == s => Ok(()),
        Ok(other) => Err(format!("{s:?} written as {out} reads back as {other:?}")),
        Err(e) => Err(format!("{s:?} written as {out}: {e}")),
    }
}

/// `s` written by rolegen as a value, a key, a sequence item and a nested value reads back.
fn yaml_round_trip(s: &str) -> Result<(), String> {
    let doc = yaml::to_string(&Node::Map(vec![
        ("value".into(), Node::Str(s.into())),
        (
            "items".into(),
            Node::Seq(vec![
                Node::Str(s.into()),
                Node::map(vec![("k", Node::Str(s.into()))]),
            ]),
        ),
        (
            "nested".into(),
            Node::Map(vec![(
                "inner".into(),
                Node::Map(vec![(s.into(), Node::Str("v".into()))]),
            )]),
        ),
        ("ref".into(), Node::Tag("!Sub", s.into())),
    ]));
    let v: Y = serde_yaml_ng::from_str(&doc).map_err(|e| format!("{e}\n{doc}"))?;
    let want = Y::String(s.into());
    let inner = v["nested"]["inner"]
        .as_mapping()
        .and_then(|m| m.keys().next().cloned());
    let tagged = match &v["ref"] {
        Y::Tagged(t) if t.tag == "!Sub" => Some(t.value.clone()),
        _ => None,
    };
    if v["value"] != want
        || v["items"][0] != want
        || v["items"][1]["k"] != want
        || inner.as_ref() != Some(&want)
        || tagged.as_ref() != Some(&want)
    {
        return Err(format!("read back differently:\n{doc}\n{v:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn yaml_writer_round_trips(s in tricky_clean()) {
        // Keys past 1024 characters are a known bug (`yaml_long_keys_are_valid_yaml`).
        let s: String = s.chars().take(300).collect();
        if let Err(e) = write_str_alone(&s).and_then(|()| yaml_round_trip(&s)) {
            return Err(TestCaseError::fail(format!("{s:?}: {e}")));
        }
    }

    #[test]
    fn hcl_quote_literal_round_trips(s in tricky()) {
        let q = quote_literal(&s);
        let text = format!("a = {q}\n");
        // hcl-rs alone (it reads templates without interpolation right) ...
        let body: hcl::Body = hcl::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{s:?} -> {q}: {e}")))?;
        let plain = hcl::eval::Evaluate::evaluate(&body.attributes().next().unwrap().expr, &hcl::eval::Context::new())
            .map_err(|e| TestCaseError::fail(format!("{s:?} -> {q}: {e}")))?;
        prop_assert_eq!(plain, hcl::Value::String(s.clone()), "quoted as {}", q);
        // ... and the harness's reader, which follows Terraform's scanner.
        prop_assert_eq!(hcl_read(&text, &hcl::eval::Context::new())?, J::String(s.clone()), "quoted as {}", q);
    }

    #[test]
    fn hcl_escape_into_round_trips_between_interpolations(a in tricky(), b in tricky()) {
        // Literal text next to live interpolations: `${var.x}<a>${var.y}<b>`.
        // A literal ending in `$` right before `${` cannot be written in HCL (`$${` is the
        // escape); the placeholder grammar never produces one (`placeholder_display_reparses`).
        prop_assume!(!a.ends_with('$'));
        let mut t = String::from("\"${var.x}");
        escape_into(&mut t, &a);
        t.push_str("${var.y}");
        escape_into(&mut t, &b);
        t.push('"');
        let mut ctx = hcl::eval::Context::new();
        let mut var = hcl::Map::new();
        var.insert("x".to_owned(), hcl::Value::from("X"));
        var.insert("y".to_owned(), hcl::Value::from("Y"));
        ctx.declare_var("var", hcl::Value::Object(var));
        let got = hcl_read(&format!("a = {t}\n"), &ctx)?;
        prop_assert_eq!(got, J::String(format!("X{a}Y{b}")), "template {}", t);
    }

    #[test]
    fn placeholder_display_reparses(s in tricky()) {
        let declared = |n: &str| n == "P" || n == "Oidc";
        if let Ok(t) = parse(&s, declared) {
            // The HCL writer relies on this: a literal never ends in `$` before a placeholder.
            for w in t.parts.windows(2) {
                if let [Part::Lit(l), next] = w {
                    prop_assert!(
                        !l.ends_with('$') || matches!(next, Part::Lit(_)),
                        "{:?} parses to a literal ending in `$` before a placeholder: {:?}",
                        s,
                        t.parts
                    );
                }
            }
            let shown = t.display();
            let again = parse(&shown, declared)
                .map_err(|e| TestCaseError::fail(format!("{s:?} -> {shown:?}: {e:?}")))?;
            prop_assert_eq!(again, t, "{:?} displayed as {:?}", s, shown);
        }
    }
}

proptest! {
    #![proptest_config(config(96))]

    /// The spec-level property: every field, every kind of string.
    #[test]
    fn every_field_round_trips_or_is_rejected(
        field in prop::sample::select(Field::ALL.to_vec()),
        s in tricky(),
    ) {
        match harness::check(field, &s) {
            Ok(_) => {}
            Err(e) => return Err(TestCaseError::fail(e)),
        }
    }
}

/// Every YAML word and atom, deterministically, each in two fields alone and in a third inside
/// text (where placeholders and quotes are no longer at the edges); every field gets some.
#[test]
fn every_word_and_atom_in_fields() {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    let n = Field::ALL.len();
    for (i, w) in YAML_WORDS.iter().chain(ATOMS).enumerate() {
        let cases = [
            (Field::ALL[i % n], w.to_string()),
            (Field::ALL[(i * 7 + 3) % n], w.to_string()),
            (Field::ALL[(i * 13 + 5) % n], format!("a{w}b")),
        ];
        {
            for (field, s) in cases {
                match harness::check(field, &s) {
                    Ok(Verdict::Rejected(_)) => *counts.entry("rejected".into()).or_default() += 1,
                    Ok(Verdict::RoundTripped) => {
                        *counts.entry("round-tripped".into()).or_default() += 1
                    }
                    Ok(Verdict::KnownBug(b)) => {
                        *counts.entry(format!("known bug {b}")).or_default() += 1
                    }
                    Err(e) => failures.push(e),
                }
            }
        }
    }
    println!("{counts:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------------
// YAML 1.1 readers: PyYAML must read every string rolegen writes as the same string.

const PYYAML: &str = r#"
import json, sys, yaml
class Loader(yaml.SafeLoader):
    pass
def tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        v = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        v = loader.construct_sequence(node, deep=True)
    else:
        v = loader.construct_mapping(node, deep=True)
    return {"!" + suffix: v}
Loader.add_multi_constructor("!", tagged)
def canon(x):
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return {"<bool>": x}
    if isinstance(x, int):
        return {"<int>": str(x)}
    if x is None:
        return {"<null>": None}
    if isinstance(x, list):
        return [canon(i) for i in x]
    if isinstance(x, dict):
        return {(k if isinstance(k, str) else "<key %s %r>" % (type(k).__name__, k)): canon(v) for k, v in x.items()}
    return {"<%s>" % type(x).__name__: str(x)}
out = []
for doc in json.load(sys.stdin):
    try:
        out.append({"ok": canon(yaml.load(doc, Loader=Loader))})
    except Exception as e:
        out.append({"err": str(e)})
json.dump(out, sys.stdout)
"#;

/// Loads each document with PyYAML; `None` (and a printed note) if python3 or PyYAML is missing.
fn pyyaml_load(docs: &[String]) -> Option<Vec<Result<J, String>>> {
    let probe = Command::new("python3").args(["-c", "import yaml"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        println!("note: python3 with PyYAML not available; skipping the YAML 1.1 reader check");
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", PYYAML])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let input = serde_json::to_vec(docs).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&input).unwrap();
    });
    let out = child.wait_with_output().expect("python3 finishes");
    writer.join().unwrap();
    assert!(out.status.success(), "PyYAML script failed");
    let v: Vec<J> = serde_json::from_slice(&out.stdout).expect("PyYAML script prints JSON");
    Some(
        v.into_iter()
            .map(|r| match r.get("ok") {
                Some(ok) => Ok(ok.clone()),
                None => Err(r["err"].as_str().unwrap_or_default().to_owned()),
            })
            .collect(),
    )
}

/// serde_yaml_ng's reading, in the same canonical JSON form as the PyYAML script prints.
fn canon(v: &Y) -> J {
    match v {
        Y::String(s) => J::String(s.clone()),
        Y::Bool(b) => serde_json::json!({ "<bool>": b }),
        Y::Number(n) if n.is_i64() || n.is_u64() => serde_json::json!({ "<int>": n.to_string() }),
        Y::Number(n) => serde_json::json!({ "<float>": n.to_string() }),
        Y::Null => serde_json::json!({ "<null>": null }),
        Y::Sequence(items) => J::Array(items.iter().map(canon).collect()),
        Y::Mapping(m) => J::Object(
            m.iter()
                .map(|(k, v)| {
                    let k = match k {
                        Y::String(s) => s.clone(),
                        other => format!("<key {other:?}>"),
                    };
                    (k, canon(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => {
            let mut m = serde_json::Map::new();
            m.insert(t.tag.to_string(), canon(&t.value));
            J::Object(m)
        }
    }
}

/// Generates `n` values of a strategy deterministically.
fn sample<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

#[test]
fn pyyaml_reads_every_written_string_as_that_string() {
    let mut strings: Vec<String> = YAML_WORDS
        .iter()
        .chain(ATOMS)
        .map(|s| s.to_string())
        .collect();
    strings.extend(
        sample(tricky_clean(), 400)
            .into_iter()
            .map(|s| s.chars().take(300).collect()),
    );
    // One document per string (an error then names the string), as a value, key and item.
    let docs: Vec<String> = strings
        .iter()
        .map(|s| {
            yaml::to_string(&Node::Map(vec![
                ("v".into(), Node::str(s.clone())),
                ("l".into(), Node::Seq(vec![Node::str(s.clone())])),
                (
                    "m".into(),
                    Node::Map(vec![(s.clone().into(), Node::raw("1"))]),
                ),
            ]))
        })
        .collect();
    let Some(loaded) = pyyaml_load(&docs) else {
        return;
    };
    let mut failures = Vec::new();
    for ((s, doc), got) in strings.iter().zip(&docs).zip(loaded) {
        let want = serde_json::json!({"v": s, "l": [s], "m": {s.as_str(): {"<int>": "1"}}});
        match got {
            Ok(v) if v == want => {}
            Ok(v) => failures.push(format!("{s:?}: PyYAML reads {v}\n{doc}")),
            Err(e) => failures.push(format!("{s:?}: PyYAML fails: {e}\n{doc}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pyyaml_and_serde_yaml_ng_read_emitted_stacks_alike() {
    // Whole emitted stacks (tags, nested maps, JSON-string documents) from specs with tricky
    // values in every field: a YAML 1.1 and a YAML 1.2 reader must agree on every node.
    let mut docs = Vec::new();
    let values = sample(
        (prop::sample::select(Field::ALL.to_vec()), tricky_clean()),
        24,
    );
    // Each field once with a run of YAML words, and once with a single word.
    let runs = Field::ALL.iter().enumerate().map(|(i, f)| {
        let words: Vec<&str> = YAML_WORDS.iter().skip(i * 4).take(4).copied().collect();
        (*f, words.join(" "))
    });
    let singles = Field::ALL
        .iter()
        .zip(YAML_WORDS.iter().step_by(3))
        .map(|(f, w)| (*f, w.to_string()));
    let fixed = runs.chain(singles);
    for (field, s) in fixed.chain(values) {
        // Only values that round-trip (known bugs give stacks no reader accepts).
        if harness::check(field, &s) != Ok(Verdict::RoundTripped) {
            continue;
        }
        if let harness::Compiled::Emitted(files) = harness::compile(&harness::spec_text(field, &s))
        {
            let stack = files
                .iter()
                .find(|f| f.path.ends_with(".yaml"))
                .expect("a stack")
                .contents
                .clone();
            docs.push(stack);
        }
    }
    let Some(loaded) = pyyaml_load(&docs) else {
        return;
    };
    let mut failures = Vec::new();
    for (doc, py) in docs.iter().zip(loaded) {
        let ours: Y = match serde_yaml_ng::from_str(doc) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("serde_yaml_ng fails: {e}\n{doc}"));
                continue;
            }
        };
        match py {
            Ok(py) if py == canon(&ours) => {}
            Ok(py) => failures.push(format!(
                "PyYAML reads {py}\nserde_yaml_ng reads {}\n{doc}",
                canon(&ours)
            )),
            Err(e) => failures.push(format!("PyYAML fails: {e}\n{doc}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} stacks differ:\n{}",
        failures.len(),
        docs.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Regressions from fuzzing (inputs under tests/fixtures/regressions/ are run by the test below).

/// Every saved reproducer goes through the whole pipeline (load, lower, validate, the three
/// diagnostic renderers, emit) without a panic; unless its first line says `# Open bug`, a
/// valid one must also emit outputs that hcl-rs and serde_yaml_ng read back.
#[test]
fn regression_inputs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|x| x.to_str()) == Some("yaml"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let open_bug = text.starts_with("# Open bug");
        let result = std::panic::catch_unwind(|| -> Result<(), String> {
            let name = std::path::Path::new("regression.yaml");
            let diags = match rolegen::spec::load::load_str(name, text.clone()) {
                Err(d) => d,
                Ok(loaded) => match rolegen::lower::lower(&loaded) {
                    Err(d) => d,
                    Ok(m) => {
                        let d = rolegen::validate::validate(&m);
                        if !d.iter().any(rolegen::diagnostics::Diagnostic::is_error) {
                            let files = rolegen::emit::emit_module(&m);
                            if !open_bug {
                                harness::parse_outputs(&files, &m.name).map(|_| ())?;
                            }
                        }
                        d
                    }
                },
            };
            let mut texts = std::collections::HashMap::new();
            texts.insert(name.to_path_buf(), text.clone());
            let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
            rolegen::diagnostics::render::human(&diags, &texts, &mut out);
            let _ = rolegen::diagnostics::render::json(&diags);
            let _ = rolegen::diagnostics::render::sarif(&diags, &Default::default());
            Ok(())
        });
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{}: {e}", path.display()),
            Err(_) => panic!("{} panics", path.display()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bugs these tests found (fixed in ec17507): each asserts the correct behaviour. A new bug gets
// a test here marked `#[ignore = "bug: ..."]` until it is fixed.

fn assert_fixed(field: Field, s: &str) {
    match harness::check_strict(field, s) {
        Ok(v) => println!("{field:?} = {s:?}: {v:?}"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn yaml_writer_escapes_noncharacters() {
    for s in ["\u{FFFE}", "a\u{FFFF}b"] {
        if let Err(e) = yaml_round_trip(s) {
            panic!("{s:?}: {e}");
        }
    }
    assert_fixed(Field::KeyDescription, "\u{FFFE}");
    assert_fixed(Field::ModuleDescription, "\u{FFFF}");
    assert_fixed(Field::ConditionValue, "\u{FFFE}");
}

#[test]
fn yaml_long_keys_are_valid_yaml() {
    let s = "k".repeat(1100);
    if let Err(e) = yaml_round_trip(&s) {
        panic!("{e}");
    }
    assert_fixed(Field::ConditionKey, &s);
}

#[test]
fn hcl_tag_key_for() {
    // `tags = {\n  for = "t"\n}`: Terraform (hclsyntax parseObjectCons) reads `{ for` as a for
    // expression and fails to parse main.tf. map_key must quote `for` (and would better quote
    // every keyword).
    assert_fixed(Field::TagKey, "for");
}

#[test]
fn hcl_tag_keys_null_true_false_are_literal_names() {
    // Bare `null`, `true`, `false` keys are their names in Terraform (hclsyntax
    // `LiteralValueExpr.AsTraversal`), though hcl-rs reads them as values.
    for k in ["null", "true", "false", "in", "if"] {
        assert_fixed(Field::TagKey, k);
    }
}

/// A spec with one role and these extra lines under it.
fn role_spec(extra: &str) -> String {
    format!("module: m\nroles:\n  r:\n    trust:\n      - service: [ec2.amazonaws.com]\n{extra}")
}

#[test]
fn hcl_attachment_key_for() {
    // `aws: For` (and a module policy with the id `for`) gives the for_each map key `for`:
    // `for_each = {\n  for = "arn:..."\n}` does not parse in Terraform.
    let policy = "policies:\n  for:\n    name: x\n    document:\n      Statement:\n        - {Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::b/*'}\n";
    for spec in [
        role_spec("    managed_policies:\n      - aws: For\n"),
        format!(
            "{policy}{}",
            role_spec("    managed_policies:\n      - policy: for\n")
        ),
    ] {
        if let harness::Compiled::Emitted(files) = harness::compile(&spec) {
            if let Err(e) = harness::parse_outputs(&files, "m") {
                panic!("{spec}\n{e}");
            }
        }
    }
}

#[test]
fn terraform_reserved_variable_names() {
    // Terraform rejects `variable "count" {}` (and source, version, providers, for_each,
    // lifecycle, depends_on, locals): "The variable name is reserved". hcl-rs cannot see it.
    let reserved = [
        "source",
        "version",
        "providers",
        "count",
        "for_each",
        "lifecycle",
        "depends_on",
        "locals",
    ];
    let mut bad = Vec::new();
    for name in [
        "Source",
        "Version",
        "Providers",
        "Count",
        "ForEach",
        "Lifecycle",
        "DependsOn",
        "Locals",
    ] {
        let spec = format!(
            "module: m\nparameters:\n  {name}: {{type: string, default: x}}\nroles:\n  r:\n    trust:\n      - service: [ec2.amazonaws.com]\n"
        );
        if let harness::Compiled::Emitted(files) = harness::compile(&spec) {
            let out = harness::parse_outputs(&files, "m").unwrap();
            for b in out.variables.body.blocks() {
                let label = b.labels()[0].as_str();
                if reserved.contains(&label) {
                    bad.push(format!("{name} -> variable \"{label}\""));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn inline_policy_names_do_not_collide_with_generated_labels() {
    // Role `r` has inline policies `p` and `j`: naming `p` as `J` gives two `r_j` blocks, naming
    // it `trust` collides with the trust document's `data "aws_iam_policy_document" "r_trust"`.
    assert_fixed(Field::InlinePolicyName, "J");
    assert_fixed(Field::InlinePolicyName, "trust");
}

#[test]
fn policy_variable_with_brace_in_sub() {
    // `${aws:a${b}` parses as the policy variable `aws:a${b`; next to a pseudo parameter the
    // stack gets `!Sub "${!aws:a${b}x${AWS::Region}"`, where `${b}` is a live reference.
    assert_fixed(Field::ConditionValue, "${aws:a${b}x${AWS::Region}");
}

/// The fuzzer's oracle itself (found by the `roundtrip` target): `&{` in any policy field is
/// a clear RG106 rejection (the AWS provider would turn it into `${`), not an unexpected one.
#[test]
fn ampersand_brace_is_an_expected_rejection_in_every_policy_field() {
    for field in [
        Field::ConditionValue,
        Field::JsonConditionValue,
        Field::Resource,
        Field::PrincipalAws,
    ] {
        assert_fixed(field, "lue#eyP&{a/");
    }
}
