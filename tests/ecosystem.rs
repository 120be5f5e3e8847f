//! Fitting the ecosystem: the README diagram, `rolegen graph`, completions and man page, the
//! pre-commit hook file, and `rolegen init` output that builds and passes `check`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn rolegen(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn readme_has_the_mermaid_diagram_of_who_assumes_what() {
    let out = rolegen::build::compile(&["tests/fixtures/switches/spec.yaml".into()], true, false);
    let m = out.modules.into_iter().next().unwrap();
    let readme = &m
        .files
        .iter()
        .find(|f| f.path == "README.md")
        .unwrap()
        .contents;
    let start = readme
        .find("```mermaid\n")
        .expect("README has a mermaid block")
        + "```mermaid\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("switches__readme_diagram", block));
    let o = rolegen(
        &["graph", "tests/fixtures/switches/spec.yaml"],
        Path::new("."),
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        block,
        "`rolegen graph` prints the README's diagram"
    );
    let dot = rolegen(
        &[
            "graph",
            "--format",
            "dot",
            "tests/fixtures/switches/spec.yaml",
        ],
        Path::new("."),
    );
    let dot = String::from_utf8_lossy(&dot.stdout);
    assert!(
        dot.starts_with("digraph \"switches\" {") && dot.trim_end().ends_with('}'),
        "{dot}"
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let o = rolegen(&["completions", shell], Path::new("."));
        assert_eq!(o.status.code(), Some(0));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains("rolegen") && text.contains("build") && text.contains("check"),
            "{shell}"
        );
    }
    let man = rolegen(&["man"], Path::new("."));
    let man = String::from_utf8_lossy(&man.stdout);
    assert!(man.contains(".TH rolegen 1") && man.contains("build"));
    // The pages the main page refers to (`rolegen-build(1)`, …) exist with --dir.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert_eq!(
        rolegen(&["man", "--dir", d], Path::new(".")).status.code(),
        Some(0)
    );
    for page in [
        "rolegen.1",
        "rolegen-build.1",
        "rolegen-fmt.1",
        "rolegen-diff.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{page}");
    }
}

#[test]
fn pre_commit_hooks_file_is_valid() {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let hooks: Vec<serde_yaml_ng::Value> = serde_yaml_ng::from_str(&text).unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["rolegen-check", "rolegen-lint", "rolegen-fmt"]);
    for h in &hooks {
        for field in ["id", "name", "entry", "language"] {
            assert!(
                h[field].as_str().is_some_and(|v| !v.is_empty()),
                "{field} missing in {h:?}"
            );
        }
        let entry = h["entry"].as_str().unwrap();
        let mut words = entry.split_whitespace();
        assert_eq!(words.next(), Some("rolegen"));
        // The entry is a command line this binary accepts.
        let args: Vec<&str> = words.chain(["--help"]).collect();
        let o = rolegen(&args, Path::new("."));
        assert!(o.status.success(), "`{entry} --help` failed");
    }
    let ci: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string("examples/ci/rolegen.yml").unwrap())
            .unwrap();
    let steps = ci["jobs"]["rolegen"]["steps"].as_sequence().unwrap();
    let runs: String = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.contains("rolegen check")
            && runs.contains("rolegen fmt --check")
            && runs.contains("--format sarif")
            && runs.contains("rolegen diff")
    );
}

#[test]
fn init_scaffolds_a_spec_that_builds_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert_eq!(
        rolegen(&["init", "--module", "first", "--dir", d], Path::new("."))
            .status
            .code(),
        Some(0)
    );
    assert!(dir.path().join("specs/first.yaml").is_file());
    assert!(dir.path().join(".github/workflows/rolegen.yml").is_file());
    assert_eq!(
        rolegen(&["lint", "--deny", "warnings"], dir.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(rolegen(&["build"], dir.path()).status.code(), Some(0));
    assert_eq!(rolegen(&["check"], dir.path()).status.code(), Some(0));
    // A second init would overwrite: refused.
    assert_eq!(
        rolegen(&["init", "--module", "first", "--dir", d], Path::new("."))
            .status
            .code(),
        Some(2)
    );
    // A second module keeps the workflow, which already checks every spec.
    let workflow = std::fs::read(dir.path().join(".github/workflows/rolegen.yml")).unwrap();
    let o = rolegen(&["init", "--module", "second", "--dir", d], Path::new("."));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("kept"));
    assert!(dir.path().join("specs/second.yaml").is_file());
    assert_eq!(
        std::fs::read(dir.path().join(".github/workflows/rolegen.yml")).unwrap(),
        workflow
    );
    assert_eq!(rolegen(&["build"], dir.path()).status.code(), Some(0));
    // Module names start with a letter (they name CloudFormation stacks).
    let o = rolegen(
        &["init", "--module", "1password", "--dir", d],
        Path::new("."),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("m-1password"));
}

/// Every stack's console metadata lists each parameter in exactly one group and labels only
/// parameters that exist; spec groups come in the order the spec names them.
#[test]
fn cloudformation_interface_groups_every_parameter_once() {
    let mut specs: Vec<PathBuf> = std::fs::read_dir("tests/fixtures")
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.yaml"))
        .filter(|p| p.is_file())
        .collect();
    specs.extend(rolegen::build::discover(Path::new("specs")).unwrap());
    specs.sort();
    let mut seen_custom_group = false;
    for spec in &specs {
        let out = rolegen::build::compile(std::slice::from_ref(spec), true, false);
        assert!(!out.diagnostics.has_errors(), "{spec:?}");
        for c in out.modules {
            let f = c
                .files
                .iter()
                .find(|f| f.path.starts_with("cloudformation/") && f.path.ends_with(".yaml"))
                .unwrap();
            let t: serde_yaml_ng::Value = serde_yaml_ng::from_str(&f.contents).unwrap();
            let params: Vec<String> = t["Parameters"]
                .as_mapping()
                .unwrap()
                .keys()
                .map(|k| k.as_str().unwrap().to_owned())
                .collect();
            let exports = rolegen::emit::cloudformation::longest_export(&c.module);
            assert_eq!(
                params.iter().any(|p| p == "ExportPrefix"),
                exports.is_some(),
                "{spec:?}"
            );
            if let Some(len) = exports {
                // `<prefix>-<longest output>` fits CloudFormation's 255 characters.
                let pattern = t["Parameters"]["ExportPrefix"]["AllowedPattern"]
                    .as_str()
                    .unwrap();
                assert_eq!(
                    pattern,
                    format!("[A-Za-z0-9:-]{{0,{}}}", 254 - len),
                    "{spec:?}"
                );
            }
            let i = &t["Metadata"]["AWS::CloudFormation::Interface"];
            let mut grouped: Vec<String> = Vec::new();
            let mut labels_of_groups = Vec::new();
            for g in i["ParameterGroups"].as_sequence().unwrap() {
                labels_of_groups.push(g["Label"]["default"].as_str().unwrap().to_owned());
                for p in g["Parameters"].as_sequence().unwrap() {
                    grouped.push(p.as_str().unwrap().to_owned());
                }
            }
            let mut sorted_grouped = grouped.clone();
            sorted_grouped.sort();
            let mut sorted_params = params.clone();
            sorted_params.sort();
            assert_eq!(
                sorted_grouped, sorted_params,
                "{spec:?}: groups {grouped:?}"
            );
            for (name, _) in i["ParameterLabels"].as_mapping().unwrap() {
                assert!(
                    params.contains(&name.as_str().unwrap().to_owned()),
                    "{spec:?}: label of {name:?}"
                );
            }
            for (name, p) in &c.module.params {
                if let Some(l) = &p.label {
                    assert_eq!(
                        i["ParameterLabels"][name.as_str()]["default"].as_str(),
                        Some(l.as_str())
                    );
                }
            }
            if labels_of_groups.iter().any(|l| l == "Auditing") {
                seen_custom_group = true;
                assert_eq!(labels_of_groups, ["Auditing", "Stack outputs"], "{spec:?}");
            }
            // Every unswitched output is exported under the prefix parameter (or the stack
            // name); switched ones are not (an imported export would pin the switch on).
            for (name, o) in t["Outputs"].as_mapping().unwrap() {
                if o.get("Condition").is_some() {
                    assert!(o.get("Export").is_none(), "{spec:?} {name:?}");
                } else {
                    let ifs = &o["Export"]["Name"]["Fn::If"];
                    assert_eq!(
                        ifs[0].as_str(),
                        Some("HasExportPrefix"),
                        "{spec:?} {name:?}"
                    );
                }
            }
        }
    }
    assert!(seen_custom_group, "no fixture uses `group:`");
}

/// The README's usage snippet is a Terraform `module` block that parses and sets every
/// required variable, plus a deploy command with every required parameter.
#[test]
fn readme_usage_snippets_parse_and_set_every_required_input() {
    let mut n = 0;
    for spec in rolegen::build::discover(Path::new("specs")).unwrap() {
        let out = rolegen::build::compile(std::slice::from_ref(&spec), true, false);
        for c in out.modules {
            let readme = &c
                .files
                .iter()
                .find(|f| f.path == "README.md")
                .unwrap()
                .contents;
            let hcl_src = readme
                .split("```hcl\n")
                .nth(1)
                .and_then(|r| r.split("```").next())
                .unwrap_or_else(|| panic!("{spec:?}: no hcl usage block"));
            let body: hcl::Body =
                hcl::from_str(hcl_src).unwrap_or_else(|e| panic!("{spec:?}: {e}\n{hcl_src}"));
            let module = body.blocks().next().unwrap();
            let set: Vec<&str> = module.body.attributes().map(|a| a.key.as_str()).collect();
            let sh = readme.split("```sh\n").nth(1).unwrap();
            for p in c.module.params.values().filter(|p| p.default.is_none()) {
                assert!(
                    set.contains(&p.name.snake().as_str()),
                    "{spec:?}: {} not set",
                    p.name
                );
                assert!(
                    sh.contains(&format!("{}=", p.name)),
                    "{spec:?}: {} not overridden",
                    p.name
                );
            }
            n += 1;
        }
    }
    assert_eq!(n, 5);
}
