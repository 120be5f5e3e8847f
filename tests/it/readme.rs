//! The project README, followed as a newcomer would: `rolegen init`, then every spec the
//! README shows (a ```yaml block whose first line is `# spec: <path>`) saved where it says,
//! then `fmt --check`, `lint --deny warnings`, `build` and `check` all pass; the Terraform
//! root module block uses a generated module with its real variables and outputs, and the
//! `aws cloudformation deploy` line names a generated template with its required parameters
//! set to the spec's example values.

use crate::support::rolegen;
use std::collections::BTreeMap;
use std::path::Path;

/// The fenced code blocks of `markdown`: (info string, content).
fn code_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        match &mut open {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some((info.trim().to_owned(), String::new()));
                }
            }
            Some((_, body)) if line.trim_end() == "```" => {
                let _ = body;
                blocks.push(open.take().unwrap());
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    assert!(open.is_none(), "an unclosed code block in the README");
    blocks
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The README's specs: (path it says to save it at, text).
fn readme_specs(blocks: &[(String, String)]) -> Vec<(String, String)> {
    let mut specs = Vec::new();
    for (info, body) in blocks.iter().filter(|(i, _)| i == "yaml") {
        let first = body.lines().next().unwrap_or_default();
        match first.strip_prefix("# spec: ") {
            Some(path) => specs.push((path.trim().to_owned(), body.clone())),
            None => {
                // Anything that looks like a whole spec must be tagged, so that it is tested.
                let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(body).unwrap_or_default();
                assert!(
                    v.get("module").is_none() || v.get("roles").is_none(),
                    "a ```{info} block of the README is a spec without `# spec: <path>` as its first line:\n{body}"
                );
            }
        }
    }
    specs
}

#[test]
fn every_readme_spec_builds_lints_and_is_formatted() {
    let blocks = code_blocks(&readme());
    let specs = readme_specs(&blocks);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = rolegen(&["init"], d);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for (path, text) in &specs {
        assert!(
            path.starts_with("specs/") && path.ends_with(".yaml"),
            "{path}"
        );
        assert!(!d.join(path).exists(), "two README specs at {path}");
        std::fs::write(d.join(path), text).unwrap();
    }
    for args in [
        &["fmt", "--check"][..],
        &["lint", "--deny", "warnings"],
        &["build"],
        &["check"],
    ] {
        let o = rolegen(args, d);
        assert_eq!(
            o.status.code(),
            Some(0),
            "rolegen {}:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // The recipes the quick start promises: each trust helper, written the pinned way.
    let all: String = specs.iter().map(|(_, t)| t.as_str()).collect();
    for needle in [
        "- github:",
        "subjects:",
        "external_id:",
        "- irsa:",
        "service_account:",
        "ecs-tasks.amazonaws.com",
    ] {
        assert!(all.contains(needle), "no README recipe has `{needle}`");
    }
    assert!(specs.len() >= 5, "{} specs", specs.len());

    // The Terraform root module block: a generated module, its variables and outputs.
    let re = regex::Regex::new(r"module\.([a-z0-9_]+)\.([a-z0-9_]+)").unwrap();
    let mut modules = 0;
    for (_, src) in blocks.iter().filter(|(i, _)| i == "hcl") {
        let body: hcl::Body = hcl::from_str(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let mut sources = BTreeMap::new();
        for block in body.blocks().filter(|b| b.identifier.as_str() == "module") {
            let name = block.labels[0].as_str().to_owned();
            let source = block
                .body
                .attributes()
                .find(|a| a.key.as_str() == "source")
                .map(|a| a.expr.to_string())
                .unwrap();
            let folder = source.trim_matches('"').trim_start_matches("./");
            let folder = d.join(folder);
            let variables = std::fs::read_to_string(folder.join("variables.tf"))
                .unwrap_or_else(|e| panic!("{source}: {e}"));
            let vars: hcl::Body = hcl::from_str(&variables).unwrap();
            let mut required = Vec::new();
            let mut declared = Vec::new();
            for v in vars.blocks() {
                let n = v.labels[0].as_str().to_owned();
                if !v.body.attributes().any(|a| a.key.as_str() == "default") {
                    required.push(n.clone());
                }
                declared.push(n);
            }
            let set: Vec<String> = block
                .body
                .attributes()
                .map(|a| a.key.as_str().to_owned())
                .filter(|k| k != "source")
                .collect();
            for k in &set {
                assert!(
                    declared.contains(k),
                    "module {name} sets unknown variable {k}"
                );
            }
            for r in &required {
                assert!(set.contains(r), "module {name} leaves required {r} unset");
            }
            sources.insert(name, folder);
            modules += 1;
        }
        for cap in re.captures_iter(src) {
            let folder = &sources[&cap[1]];
            let outputs = std::fs::read_to_string(folder.join("outputs.tf")).unwrap();
            assert!(
                outputs.contains(&format!("output \"{}\" {{", &cap[2])),
                "module.{}.{} is not an output",
                &cap[1],
                &cap[2]
            );
        }
    }
    assert!(modules >= 1, "the README shows no root module block");

    // The deploy line: a generated template, every required parameter with its example.
    let deploy = blocks
        .iter()
        .filter(|(i, _)| i == "sh")
        .map(|(_, b)| b.replace("\\\n", " "))
        .find(|b| b.contains("aws cloudformation deploy"))
        .expect("the README shows `aws cloudformation deploy`");
    let words: Vec<&str> = deploy.split_whitespace().collect();
    let after = |flag: &str| {
        let i = words.iter().position(|w| *w == flag).unwrap();
        words[i + 1..]
            .iter()
            .take_while(|w| !w.starts_with("--"))
            .copied()
            .collect::<Vec<_>>()
    };
    let template = d.join(after("--template-file")[0]);
    let text = std::fs::read_to_string(&template).unwrap();
    let t: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let required: Vec<String> = t["Parameters"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, p)| p.get("Default").is_none())
        .map(|(k, _)| k.as_str().unwrap().to_owned())
        .collect();
    // `--parameter-overrides file://<the stack's params.json>`: the CLI's list of pairs.
    let params_json = template.with_extension("params.json");
    let file = after("--parameter-overrides");
    assert_eq!(
        file,
        [format!(
            "file://{}",
            params_json.strip_prefix(d).unwrap().display()
        )],
        "the deploy line reads the example parameters file"
    );
    let pairs: Vec<BTreeMap<String, String>> =
        serde_json::from_str(&std::fs::read_to_string(&params_json).unwrap()).unwrap();
    let overrides: BTreeMap<String, String> = pairs
        .iter()
        .map(|p| {
            assert_eq!(p.len(), 2, "{p:?}");
            (p["ParameterKey"].clone(), p["ParameterValue"].clone())
        })
        .collect();
    let examples: BTreeMap<String, String> = BTreeMap::from([
        ("PartnerAccount".to_owned(), "111122223333".to_owned()),
        (
            "ExternalId".to_owned(),
            "partner-external-id-7f3a".to_owned(),
        ),
    ]);
    assert_eq!(overrides.keys().collect::<Vec<_>>(), {
        let mut r: Vec<&String> = required.iter().collect();
        r.sort();
        r
    });
    assert_eq!(
        overrides, examples,
        "the deploy line uses the example values"
    );
    assert!(words.contains(&"CAPABILITY_NAMED_IAM"));
}

/// The README opens with the two contributor commands, then Install and Quick start come
/// before the reference.
#[test]
fn readme_starts_with_build_and_test_then_install_and_quick_start() {
    let text = readme();
    let blocks = code_blocks(&text);
    let first = &blocks[0].1;
    let lines: Vec<&str> = first.lines().collect();
    assert!(
        lines[0].starts_with("cargo run --release -- build"),
        "{first}"
    );
    assert!(lines[1].starts_with("cargo test"), "{first}");
    let at = |h: &str| {
        text.find(h)
            .unwrap_or_else(|| panic!("the README has no `{h}`"))
    };
    assert!(at("## Install") < at("## Quick start"));
    assert!(at("## Quick start") < at("## Prerequisites"));
    assert!(at("## Prerequisites") < at("## Reference"));
    assert!(text.contains("token.actions.githubusercontent.com"));
}
