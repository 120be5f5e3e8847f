//! Injection tests (issue 9): no spec value can add a block, attribute, resource or key to the
//! output that the spec did not declare.
//!
//! Each hostile value goes into each free-text field of one spec (`fuzz/harness/roundtrip.rs`,
//! shared with the `roundtrip` fuzz target). Then either rolegen rejects it with a diagnostic
//! code this field may be rejected for (tag characters, Sid characters, action syntax, ...), or:
//!
//! * Terraform (hcl-rs): the same blocks with the same labels, the same attributes in every
//!   body, the same object keys, as with a harmless value; the HCL outside string literals
//!   never holds the hostile text;
//! * CloudFormation (serde_yaml_ng): the same keys at every level, the same `Resources`, the
//!   same JSON structure inside policy documents written as strings; no key, tag or scalar
//!   kind holds the hostile text unless it is the field's own key;
//! * both: the hostile value reads back exactly, as one string value, at the field's place.

use crate::harness;

use harness::{Compiled, Field, Verdict};
use serde_yaml_ng::Value as Y;

/// Values that try to end a string and start new syntax in one of the outputs.
const HOSTILE: &[&str] = &[
    // HCL: close the string and the block, open a new resource.
    "\n}\nresource \"aws_iam_user\" \"x\" {\n",
    "x\"\n  admin = true #",
    "\" }\nresource \"aws_iam_user\" \"evil\" {\n  name = \"evil\"\n}\n# ",
    "x\\\" admin = true //",
    "${file(\"/etc/passwd\")}",
    "$${file(\"/etc/passwd\")}",
    "%{ for x in [1] }admin%{ endfor }",
    "x\r\nadmin = true",
    "<<EOT\nadmin = true\nEOT",
    "/* admin = true */",
    // YAML: new keys and documents, flow syntax, tags, anchors.
    "x\nResources:\n  Evil:\n    Type: AWS::IAM::User",
    "x\r\nResources:\r\n  Evil: {Type: AWS::IAM::User}",
    "'\nEvil: x",
    "\"\nEvil: x",
    "x #\nEvil: true",
    "x\n---\nEvil: x",
    "x: y\nEvil: z",
    "{Evil: x}",
    "[Evil, x]",
    "&anchor Evil",
    "!Ref AWS::AccountId",
    "!!python/object/apply:os.system ['id']",
    "x\u{2028}Evil: true",
    "x\u{85}Evil: true",
    "- Evil",
    "? Evil\n: x",
    // CloudFormation Fn::Sub and JSON policy strings.
    "${AWS::AccountId}\"}],\"Evil\":[{\"x\":\"",
    "\"]}],\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
    "${AWS::Region}$${Evil}",
    "$${!Evil}",
    "${aws:username}\",\"Evil\":\"",
];

/// What a value could inject into, beyond the harness's skeleton: the stack's `Resources` and
/// every Terraform block (with labels) and attribute key, nested ones under their parents.
#[derive(PartialEq, Eq, Debug, Clone)]
struct Shape {
    resources: Vec<String>,
    hcl: Vec<String>,
}

fn shape(field: Field, s: &str, out: &harness::Parsed) -> Result<Shape, String> {
    let resources = match out.cfn.get("Resources") {
        Some(Y::Mapping(m)) => m
            .keys()
            .map(|k| k.as_str().unwrap_or("<non-string>").to_owned())
            .collect(),
        _ => return Err("no Resources".into()),
    };
    let mut hcl = Vec::new();
    for src in [&out.main, &out.variables, &out.outputs] {
        list_hcl(&src.body, "", &mut hcl);
    }
    if field == Field::InlinePolicyName {
        // The labels of an inline policy's blocks are made from its name.
        let own = format!("{:?}", format!("r_{}", rolegen::model::names::snake(s)));
        for b in &mut hcl {
            *b = b.replace(&own, "<field>");
        }
    }
    Ok(Shape { resources, hcl })
}

/// The shape with the harmless value that has the same placeholders (cached).
fn baseline_shape(field: Field, s: &str) -> Result<Shape, String> {
    use std::sync::Mutex;
    static CACHE: Mutex<Vec<((Field, String), Shape)>> = Mutex::new(Vec::new());
    let benign = harness::shape_equivalent(field, s);
    if let Some((_, k)) = CACHE
        .lock()
        .unwrap()
        .iter()
        .find(|(k, _)| k.0 == field && k.1 == benign)
    {
        return Ok(k.clone());
    }
    let files = match harness::compile(&harness::spec_text(field, &benign)) {
        Compiled::Emitted(f) => f,
        Compiled::Rejected(d) => return Err(harness::describe(&d)),
    };
    let k = shape(field, &benign, &harness::parse_outputs(&files, "rt")?)?;
    CACHE.lock().unwrap().push(((field, benign), k.clone()));
    Ok(k)
}

/// `ident "label"...` of every block and `key =` of every attribute, under their parents.
fn list_hcl(body: &hcl::Body, prefix: &str, out: &mut Vec<String>) {
    for a in body.attributes() {
        out.push(format!("{prefix}{} =", a.key));
    }
    for b in body.blocks() {
        let mut name = format!("{prefix}{}", b.identifier());
        for l in b.labels() {
            name.push_str(&format!(" {:?}", l.as_str()));
        }
        out.push(name.clone());
        list_hcl(b.body(), &format!("{name} > "), out);
    }
}

/// Words of the hostile values that must never appear outside string values.
const MARKERS: &[&str] = &["aws_iam_user", "admin", "Evil", "evil", "passwd", "python"];

/// The hostile text appears only inside string values: not in HCL syntax outside string
/// literals, not in any CloudFormation key or tag (other than the field's own key).
fn only_in_strings(
    field: Field,
    s: &str,
    files: &[rolegen::emit::OutputFile],
) -> Result<(), String> {
    for f in files {
        if f.path.ends_with(".tf") {
            let mut outside = harness::hcl_outside_strings(&f.contents)
                .map_err(|e| format!("{}: {e}\n{}", f.path, f.contents))?;
            if field == Field::InlinePolicyName {
                // References to the policy's own blocks are named after it.
                let own = format!("r_{}", rolegen::model::names::snake(s));
                outside = outside.replace(&own, "r_<field>");
            }
            if let Some(m) = MARKERS.iter().find(|m| outside.contains(*m)) {
                return Err(format!(
                    "{}: `{m}` outside string literals:\n{outside}",
                    f.path
                ));
            }
        }
        if f.path.ends_with(".yaml") {
            let v: Y = serde_yaml_ng::from_str(&f.contents).map_err(|e| e.to_string())?;
            let own_key = harness::expected(field, s)
                .map(|e| e.1)
                .filter(|_| field == Field::ConditionKey);
            let mut keys = Vec::new();
            yaml_keys(&v, &mut keys);
            for k in keys {
                if Some(&k) != own_key.as_ref() {
                    if let Some(m) = MARKERS.iter().find(|m| k.contains(*m)) {
                        return Err(format!("{}: `{m}` in the key or tag {k:?}", f.path));
                    }
                }
            }
        }
    }
    Ok(())
}

fn yaml_keys(v: &Y, out: &mut Vec<String>) {
    match v {
        Y::Mapping(m) => {
            for (k, x) in m {
                match k {
                    Y::String(s) => out.push(s.clone()),
                    other => out.push(format!("{other:?}")),
                }
                yaml_keys(x, out);
            }
        }
        Y::Sequence(items) => items.iter().for_each(|x| yaml_keys(x, out)),
        Y::Tagged(t) => {
            out.push(t.tag.to_string());
            yaml_keys(&t.value, out);
        }
        _ => {}
    }
}

/// The whole assertion for one value in one field; `Ok` names what happened.
fn assert_safe(field: Field, s: &str) -> Result<Verdict, String> {
    harness::check_with(field, s, &mut |files, out| {
        let base = baseline_shape(field, s)?;
        let got = shape(field, s, out)?;
        if got.resources != base.resources {
            return Err(format!(
                "{field:?} = {s:?}: Resources {:?}, expected {:?}",
                got.resources, base.resources
            ));
        }
        if got.hcl != base.hcl {
            return Err(format!(
                "{field:?} = {s:?}: Terraform blocks/attributes differ:\n{}",
                harness::first_difference(&base.hcl.join("\n"), &got.hcl.join("\n"))
            ));
        }
        only_in_strings(field, s, files)
    })
}

fn assert_all(cases: &[(Field, &str)]) {
    let mut failures = Vec::new();
    for (field, s) in cases {
        match assert_safe(*field, s) {
            Ok(v) => println!("{field:?} {s:?}: {v:?}"),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn role_description_cannot_add_a_terraform_resource() {
    assert_all(&[
        (
            Field::RoleDescription,
            "\n}\nresource \"aws_iam_user\" \"x\" {\n",
        ),
        (Field::RoleDescription, "x\"\n  admin = true #"),
        (Field::RoleDescription, "x\\\" admin = true //"),
        (Field::RoleDescription, "$${file(\"/etc/passwd\")}"),
        (Field::RoleDescription, "%{ for x in [1] }admin%{ endfor }"),
    ]);
}

#[test]
fn descriptions_cannot_add_a_cloudformation_resource() {
    let evil = "x\nResources:\n  Evil:\n    Type: AWS::IAM::User";
    assert_all(&[
        (Field::RoleDescription, evil),
        (Field::ModuleDescription, evil),
        (Field::PolicyDescription, evil),
        (Field::KeyDescription, evil),
        (Field::ParamDescription, evil),
        (Field::ModuleDescription, "x\n---\nEvil: x"),
        (Field::ModuleDescription, "'\nEvil: x"),
        (Field::ModuleDescription, "!Ref AWS::AccountId"),
    ]);
}

#[test]
fn tags_cannot_inject() {
    // Most of these are rejected (RG209: tag characters); what is accepted must be inert.
    let mut cases = Vec::new();
    for s in HOSTILE {
        cases.push((Field::TagKey, *s));
        cases.push((Field::TagValue, *s));
    }
    cases.push((Field::TagValue, "x = y"));
    cases.push((Field::TagKey, "a b: c"));
    cases.push((Field::TagValue, "x\u{2028}y"));
    assert_all(&cases);
}

#[test]
fn policy_names_actions_and_sids_cannot_inject() {
    let mut cases = Vec::new();
    for s in HOSTILE {
        for f in [
            Field::PolicyName,
            Field::InlinePolicyName,
            Field::Action,
            Field::Sid,
        ] {
            cases.push((f, *s));
        }
    }
    assert_all(&cases);
}

#[test]
fn condition_keys_and_values_cannot_inject() {
    let mut cases = Vec::new();
    for s in HOSTILE {
        for f in [
            Field::ConditionKey,
            Field::ConditionValue,
            Field::JsonConditionValue,
        ] {
            cases.push((f, *s));
        }
    }
    assert_all(&cases);
}

#[test]
fn every_other_field_every_hostile_value() {
    // The fields the tests above do not already cover with every hostile value.
    let covered = [
        Field::TagKey,
        Field::TagValue,
        Field::PolicyName,
        Field::InlinePolicyName,
        Field::Action,
        Field::Sid,
        Field::ConditionKey,
        Field::ConditionValue,
        Field::JsonConditionValue,
    ];
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for field in Field::ALL.into_iter().filter(|f| !covered.contains(f)) {
        for s in HOSTILE {
            match assert_safe(field, s) {
                Ok(Verdict::Rejected(codes)) => {
                    *counts
                        .entry(format!("rejected {}", codes.join("+")))
                        .or_default() += 1
                }
                Ok(v) => *counts.entry(format!("{v:?}")).or_default() += 1,
                Err(e) => failures.push(e),
            }
        }
    }
    println!("{counts:#?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Most fields must accept at least some of these (the checks must not pass vacuously).
    assert!(counts.get("RoundTripped").copied().unwrap_or(0) > HOSTILE.len() * 5);
}

#[test]
fn the_checks_see_an_injected_resource() {
    // The oracle itself: an extra block or key in the output is seen.
    let files = match harness::compile(&harness::spec_text(Field::RoleDescription, "role")) {
        Compiled::Emitted(f) => f,
        Compiled::Rejected(d) => panic!("{}", harness::describe(&d)),
    };
    let mut evil = files.clone();
    for f in &mut evil {
        if f.path == "terraform/main.tf" {
            f.contents
                .push_str("\nresource \"aws_iam_user\" \"x\" {\n  name = \"evil\"\n}\n");
        }
        if f.path.ends_with(".yaml") {
            f.contents = f.contents.replace(
                "Resources:\n",
                "Resources:\n  Evil:\n    Type: AWS::IAM::User\n",
            );
        }
    }
    let a = harness::parse_outputs(&files, "rt").unwrap();
    let b = harness::parse_outputs(&evil, "rt").unwrap();
    let ka = harness::skeleton(Field::RoleDescription, "role", &a);
    let kb = harness::skeleton(Field::RoleDescription, "role", &b);
    assert_ne!(ka, kb);
    assert!(kb.contains("aws_iam_user") && kb.contains("Evil"));
    assert!(harness::hcl_outside_strings("a = \"x\"\nadmin = true\n")
        .unwrap()
        .contains("admin"));
    assert!(
        !harness::hcl_outside_strings("a = \"admin ${var.x} $${admin}\"\n")
            .unwrap()
            .contains("admin")
    );
}
