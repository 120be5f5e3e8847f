//! Fitting the ecosystem: the README diagram, `rolegen graph`, completions and man page, the
//! pre-commit hook file, and `rolegen init` output that builds and passes `check`.

use crate::support::rolegen;
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn readme_has_the_mermaid_diagram_of_who_assumes_what() {
    let out = rolegen::build::compile(
        &["tests/fixtures/switches/spec.yaml".into()],
        rolegen::build::CompileOptions::EMIT,
    );
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
    settings.set_snapshot_path("../../snapshots");
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
    // Exit codes are documented, and the examples are called that.
    let exit = man
        .find(".SH \"EXIT STATUS\"")
        .expect("an EXIT STATUS section");
    assert!(
        man[exit..].contains("\\fB2\\fR") && man.contains(".SH EXAMPLES"),
        "{man}"
    );
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
        assert!(text.contains(".SH \"EXIT STATUS\""), "{page}");
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
    // Canonical from the start: the scaffolded spec is already in `rolegen fmt`'s layout.
    let o = rolegen(&["fmt", "--check"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
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
        let out = rolegen::build::compile(
            std::slice::from_ref(spec),
            rolegen::build::CompileOptions::EMIT,
        );
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
            let exports = rolegen::model::conventions::longest_export(&c.module);
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
                assert_eq!(
                    labels_of_groups,
                    [
                        "Auditing",
                        "Stack outputs",
                        "Escape hatches (the caller's choice; empty: as the spec says)"
                    ],
                    "{spec:?}"
                );
            }
            // Every unswitched output is exported under the prefix parameter (or the stack
            // name); switched ones are not (an imported export would pin the switch on);
            // none is with `outputs: {export: false}`.
            for (name, o) in t["Outputs"].as_mapping().unwrap() {
                if o.get("Condition").is_some() || !c.module.outputs.export {
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
        let out = rolegen::build::compile(
            std::slice::from_ref(&spec),
            rolegen::build::CompileOptions::EMIT,
        );
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
            // A root configuration: `terraform`, `provider "aws"` and the module block.
            let ids: Vec<&str> = body.blocks().map(|b| b.identifier.as_str()).collect();
            assert_eq!(ids, ["terraform", "provider", "module"], "{spec:?}");
            let module = body
                .blocks()
                .find(|b| b.identifier.as_str() == "module")
                .unwrap();
            let set: Vec<&str> = module.body.attributes().map(|a| a.key.as_str()).collect();
            let sh = readme.split("```sh\n").nth(1).unwrap();
            // `--parameter-overrides file://<the params file>` or `Name=value` words.
            let params_path = format!("cloudformation/{}.params.json", c.module.name);
            let from_file: Vec<String> = if sh.contains(&format!(
                "--parameter-overrides file://modules-out/{}/{params_path} ",
                c.module.name
            )) {
                let f = c.files.iter().find(|f| f.path == params_path).unwrap();
                let v: Vec<serde_json::Value> = serde_json::from_str(&f.contents).unwrap();
                v.iter()
                    .map(|e| e["ParameterKey"].as_str().unwrap().to_owned())
                    .collect()
            } else {
                Vec::new()
            };
            for p in c.module.params.values().filter(|p| p.in_examples()) {
                assert!(
                    set.contains(&p.name.snake().as_str()),
                    "{spec:?}: {} not set",
                    p.name
                );
                assert!(
                    from_file.iter().any(|k| k == p.name.as_str())
                        || sh.contains(&format!("{}=", p.name)),
                    "{spec:?}: {} not overridden",
                    p.name
                );
            }
            n += 1;
        }
    }
    assert_eq!(n, 5);
}

/// `examples/terraform/main.tf`, for every seed and valid fixture: a root configuration
/// (`terraform` with `required_providers`, `provider "aws"`) whose one module block calls
/// `../../terraform` with exactly the values of `cloudformation/<module>.params.json` (lists
/// there comma-joined), so the Terraform example and the stack's example deploy the same thing.
#[test]
fn example_root_configuration_holds_the_params_json_values() {
    let mut specs = rolegen::build::discover(Path::new("specs")).unwrap();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir("tests/fixtures")
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.yaml"))
        .filter(|p| p.exists())
        .collect();
    fixtures.sort();
    specs.extend(fixtures);
    let mut with_params = 0;
    for spec in &specs {
        let out = rolegen::build::compile(
            std::slice::from_ref(spec),
            rolegen::build::CompileOptions::EMIT,
        );
        for c in out.modules {
            let file = |path: &str| c.files.iter().find(|f| f.path == path).map(|f| &f.contents);
            let text = file("examples/terraform/main.tf")
                .unwrap_or_else(|| panic!("{spec:?}: no examples/terraform/main.tf"));
            let body: hcl::Body =
                hcl::from_str(text).unwrap_or_else(|e| panic!("{spec:?}: {e}\n{text}"));
            let kinds: Vec<&str> = body.blocks().map(|b| b.identifier.as_str()).collect();
            assert_eq!(kinds, ["terraform", "provider", "module"], "{spec:?}");
            let tf = body.blocks().next().unwrap();
            assert!(
                tf.body
                    .blocks()
                    .any(|b| b.identifier.as_str() == "required_providers"),
                "{spec:?}: no required_providers"
            );
            let module = body.blocks().nth(2).unwrap();
            let mut got = serde_json::Map::new();
            for a in module.body.attributes() {
                let value = match &a.expr {
                    hcl::Expression::String(s) => s.clone(),
                    hcl::Expression::Array(items) => items
                        .iter()
                        .map(|i| match i {
                            hcl::Expression::String(s) => s.clone(),
                            other => panic!("{spec:?}: list item {other:?}"),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    hcl::Expression::Bool(b) => b.to_string(),
                    hcl::Expression::Number(n) => n.to_string(),
                    _ => continue, // tags
                };
                got.insert(a.key.as_str().to_owned(), serde_json::Value::String(value));
            }
            assert_eq!(
                got.remove("source"),
                Some(serde_json::Value::String("../../terraform".into())),
                "{spec:?}"
            );
            // The stack's name is no stack parameter: the example names a stack.
            if let Some(v) = got.remove("stack_name") {
                assert_eq!(v, "example-stack", "{spec:?}");
            }
            let params = file(&format!("cloudformation/{}.params.json", c.module.name));
            let want: serde_json::Map<String, serde_json::Value> = match params {
                Some(p) => {
                    with_params += 1;
                    let v: Vec<serde_json::Map<String, serde_json::Value>> =
                        serde_json::from_str(p).unwrap();
                    v.into_iter()
                        .map(|mut e| {
                            assert_eq!(e.len(), 2, "{spec:?}: {e:?}");
                            let k = e.remove("ParameterKey").unwrap();
                            let v = e.remove("ParameterValue").unwrap();
                            (rolegen::model::names::snake(k.as_str().unwrap()), v)
                        })
                        .collect()
                }
                None => serde_json::Map::new(),
            };
            assert_eq!(
                got, want,
                "{spec:?}: example values differ from params.json"
            );
        }
    }
    assert!(with_params >= 4, "{with_params}");
}

/// The README of a spec given as text (the spec is written to a temporary file).
fn readme_of(spec: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).unwrap();
    let out = rolegen::build::compile(&[path], rolegen::build::CompileOptions::EMIT);
    assert!(!out.diagnostics.has_errors(), "{:#?}", out.diagnostics.0);
    let m = out.modules.into_iter().next().unwrap();
    m.files
        .into_iter()
        .find(|f| f.path == "README.md")
        .unwrap()
        .contents
}

/// `line` with its code spans (CommonMark: a backtick run closed by a run of the same
/// length; `\`` is no opener) replaced by `CODE`.
fn without_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let run = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() {
            out.extend(&chars[i..i + 2]);
            i += 2;
        } else if chars[i] == '`' {
            let n = run(i);
            let mut j = i + n;
            let close = loop {
                if j >= chars.len() {
                    break None;
                }
                if chars[j] == '`' {
                    let m = run(j);
                    if m == n {
                        break Some(j);
                    }
                    j += m;
                } else {
                    j += 1;
                }
            };
            match close {
                Some(j) => {
                    out.push_str("CODE");
                    i = j + n;
                }
                None => {
                    out.extend(&chars[i..i + n]);
                    i += n;
                }
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Number of `|` that split a GFM table row (`\|` is escaped, whatever precedes it).
fn cell_pipes(line: &str) -> usize {
    let b = line.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
        .count()
}

/// What a Markdown renderer makes of the README's lines, roughly: fenced blocks (by their
/// info string), headings, list items, quotes, tables (with their column count), HTML, and
/// setext underlines; plain text lines are left out. Also checks that no text outside code
/// holds a `<` other than the README's own HTML.
fn structure(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<usize> = None;
    for line in readme.split('\n') {
        let ticks = line.chars().take_while(|&c| c == '`').count();
        if let Some(n) = fence {
            if ticks >= n && line[ticks..].trim().is_empty() {
                fence = None;
                out.push("fence end".into());
            }
            continue;
        }
        if ticks >= 3 {
            fence = Some(ticks);
            out.push(format!("fence {}", &line[ticks..]));
            continue;
        }
        let text = without_code_spans(line);
        let rest = text
            .replace("<!-- Generated by rolegen", "")
            .replace("<a name=\"input_", "")
            .replace("<a name=\"output_", "")
            .replace("<a name=\"requirement_", "")
            .replace("<a name=\"provider_", "")
            .replace("</a>", "")
            .replace("<br>", "");
        assert!(!rest.contains('<'), "live HTML in README line {line:?}");
        let t = text.trim_start();
        let first = t.chars().next();
        let ordered = t.chars().take_while(char::is_ascii_digit).count();
        let kind = match first {
            Some('#') => format!("heading {t}"),
            Some('-' | '+' | '*') => format!("list {}", &t[..1]),
            Some('>') => "quote".into(),
            Some('=') => "setext".into(),
            Some('|') => format!("table row of {} pipes", cell_pipes(line)),
            Some('<') => format!("html {t}"),
            Some('0'..='9') if matches!(t[ordered..].chars().next(), Some('.' | ')')) => {
                "ordered list".into()
            }
            _ => continue,
        };
        out.push(kind);
    }
    assert!(fence.is_none(), "unclosed fence");
    out
}

/// A spec with `v(field)` in every free-text field a README shows.
fn spec_with(v: &dyn Fn(&str) -> String) -> String {
    let q = |s: String| serde_json::to_string(&s).unwrap();
    format!(
        "module: hostile
description: {}
parameters:
  Name:
    type: string
    description: {}
    default: {}
  Bucket:
    type: string
    description: plain
    example: {}
policies:
  shared:
    name: hostile-shared
    description: {}
    document:
      Statement:
        - Effect: Allow
          Action: s3:ListBucket
          Resource: arn:aws:s3:::${{Name}}
roles:
  worker:
    description: {}
    trust:
      - service: [lambda.amazonaws.com]
    managed_policies:
      - policy: shared
    inline_policies:
      data:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: {}
          - Effect: Allow
            Action: s3:PutObject
            Resource: arn:aws:s3:::${{Bucket}}/*
",
        q(v("module")),
        q(v("parameter")),
        q(v("default")),
        q(v("example")),
        q(v("policy")),
        // IAM role descriptions allow tab, newline, U+0020–U+007E and U+00A1–U+00FF.
        q(v("role")
            .chars()
            .map(|c| match c {
                '\t' | '\n' | ' '..='~' | '\u{a1}'..='\u{ff}' => c,
                _ => '\n',
            })
            .collect()),
        q(format!("arn:aws:s3:::b/{}", v("resource"))),
    )
}

const README_HOSTILE: &[&str] = &[
    "<!-- swallows the rest",
    "# Heading",
    "<img src=x onerror=alert(1)>",
    "x\r<img src=x>\r- item\r\n# h\u{2028}<b>b</b>\u{2029}> q\u{85}1. one",
    "x\n===\nsetext",
    "x\n---\n    indented\n```\n<img src=x>\n```",
    "a | b\n:--|:--\n|c|d|",
    "`x<img src=y>`|y",
    "``` `` ` <img src=z>",
    "x\\`<img src=w>`",
    "&lt;img src=v&gt; [l](javascript:x) ![i](http://x/i.png) $x$",
];

#[test]
fn readme_shows_spec_text_as_text() {
    let harmless = structure(&readme_of(&spec_with(&|_| "plain".into())));
    for hostile in README_HOSTILE {
        let readme = readme_of(&spec_with(&|_| (*hostile).to_owned()));
        assert_eq!(
            structure(&readme),
            harmless,
            "{hostile:?} changes the README's structure:\n{readme}"
        );
        for c in ['\r', '\u{85}', '\u{2028}', '\u{2029}'] {
            assert!(
                !readme.contains(c),
                "{hostile:?}: line break {c:?} in README"
            );
        }
    }
    // Code spans keep their text: a fence longer than any run of backticks inside.
    let readme = readme_of(&spec_with(&|_| "`x<img src=y>`|y".into()));
    assert!(
        readme.contains("| ``arn:aws:s3:::b/`x<img src=y>`\\|y`` |"),
        "{readme}"
    );
    // Defaults are shown exactly, in JSON string notation (not Rust's `{:?}`).
    let readme = readme_of(&spec_with(&|_| "a\"b\\c`|ü\u{200b}\u{2028}\n".into()));
    assert!(
        readme.contains("| ``\"a\\\"b\\\\c`\\|ü\u{200b}\\u2028\\n\"`` |"),
        "{readme}"
    );
    // Ordinary descriptions read as before, code spans included.
    let readme = readme_of(&spec_with(&|_| {
        "Region (`*` for any), e.g. eu-west-1.".into()
    }));
    assert!(readme.contains("\nRegion (`*` for any), e.g. eu-west-1.\n"));
}

/// A module of `roles` roles, each trusting `principals(role)` accounts or principal ARNs.
fn trusting_spec(roles: usize, principals: &dyn Fn(usize) -> Vec<String>) -> String {
    let mut spec = String::from("module: big\nroles:\n");
    for r in 0..roles {
        spec.push_str(&format!("  r{r}:\n    trust:\n      - account:\n"));
        for p in principals(r) {
            spec.push_str(&format!(
                "          - {}\n",
                serde_json::to_string(&p).unwrap()
            ));
        }
    }
    spec
}

#[test]
fn readme_diagram_stays_within_mermaids_edge_and_text_limits() {
    // 12 roles (well under the role bound) with 45 trusted accounts each: 540 edges, more
    // than Mermaid's default maxEdges (500), which fails with "Edge limit exceeded".
    let spec = trusting_spec(12, &|r| {
        (0..45)
            .map(|i| (100_000_000_000u64 + r as u64 * 1000 + i).to_string())
            .collect()
    });
    let readme = readme_of(&spec);
    assert!(!readme.contains("```mermaid"), "{readme}");
    assert!(
        readme.contains("The module's diagram has 540 edges, more than Mermaid renders by default; `rolegen graph <spec>` prints it."),
        "{readme}"
    );
    // 30 roles trusting 10 long role ARNs each: 300 edges, but over Mermaid's maxTextSize
    // (50,000).
    let spec = trusting_spec(30, &|r| {
        (0..10)
            .map(|i| {
                format!(
                    "arn:aws:iam::111122223333:role/{}/r{r}-{i}",
                    "p".repeat(140)
                )
            })
            .collect()
    });
    let readme = readme_of(&spec);
    assert!(!readme.contains("```mermaid"), "{readme}");
    assert!(readme.contains(" characters, more than Mermaid renders by default"));
    // Within the limits, the diagram is there.
    let spec = trusting_spec(10, &|r| vec![format!("{}", 100_000_000_000u64 + r as u64)]);
    let readme = readme_of(&spec);
    assert!(readme.contains("```mermaid\nflowchart LR\n"), "{readme}");
}

/// The text Mermaid shows for a label written with entity codes `#name;` / `#number;`.
fn mermaid_decode(label: &str) -> String {
    let mut out = String::new();
    let mut rest = label;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').expect("entity code ends with ;") + i;
        let code = &rest[i + 1..end];
        out.push(match code {
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            n => char::from_u32(n.parse().expect("numeric entity")).unwrap(),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn graph_labels_are_text_in_mermaid_and_dot() {
    let principals = [
        "arn:aws:iam::111122223333:role/%%{init: {'theme':'dark'}}%%",
        "arn:aws:iam::111122223333:role/a#quot;b&amp;c#lt;",
        "arn:aws:iam::111122223333:role/`**md**`|\"x\"<b>",
    ];
    let spec = trusting_spec(1, &|_| principals.iter().map(|p| p.to_string()).collect());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, &spec).unwrap();
    let path = path.to_str().unwrap();
    let mermaid = String::from_utf8(rolegen(&["graph", path], Path::new(".")).stdout).unwrap();
    // No directive (`%%{init}%%`) or comment (`%%`) and no entity the spec wrote.
    assert!(!mermaid.contains('%'), "{mermaid}");
    let labels: Vec<String> = mermaid
        .lines()
        .filter_map(|l| l.split_once("([\"").map(|(_, rest)| rest))
        .map(|rest| mermaid_decode(rest.trim_end_matches("\"])")))
        .collect();
    let expected: Vec<String> = principals.iter().map(|p| format!("AWS: {p}")).collect();
    assert_eq!(labels, expected, "{mermaid}");
    let readme = readme_of(&spec);
    assert!(
        readme.contains(&format!("```mermaid\n{mermaid}```")),
        "{readme}"
    );
    // Graphviz decodes HTML entities in labels: `&` is written `&amp;`.
    let dot =
        String::from_utf8(rolegen(&["graph", "--format", "dot", path], Path::new(".")).stdout)
            .unwrap();
    assert!(
        dot.contains("label=\"AWS: arn:aws:iam::111122223333:role/a#quot;b&amp;amp;c#lt;\""),
        "{dot}"
    );
    assert!(dot.contains("role/%%{init: {'theme':'dark'}}%%\""), "{dot}");
    assert!(dot.contains("role/`**md**`|\\\"x\\\"<b>\""), "{dot}");
}

/// `rolegen graph --format mermaid` prints an over-limit diagram all the same, with a warning
/// naming the limit it exceeds; dot has no such limit.
#[test]
fn graph_warns_when_mermaid_would_not_render_it() {
    let spec = trusting_spec(12, &|r| {
        (0..45)
            .map(|i| (100_000_000_000u64 + r as u64 * 1000 + i).to_string())
            .collect()
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.yaml"), &spec).unwrap();
    let o = rolegen(&["graph", "big.yaml", "--format", "mermaid"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("flowchart LR\n"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: the diagram has 540 edges, more than Mermaid renders"),
        "{stderr}"
    );
    let o = rolegen(&["graph", "big.yaml", "--format", "dot"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The workflow `rolegen init` scaffolds, run here: its `rolegen …` steps pass on the
/// scaffold (after `rolegen build`), each check runs whatever the others concluded (a spec
/// that fails `fmt --check` still gets `check`, lint and the SARIF upload), the permissions
/// are those code scanning needs, and rolegen is installed pinned to this version from the
/// one place the user sets.
#[test]
fn init_workflow_runs_each_check_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(rolegen(&["init"], d).status.code(), Some(0));
    let text = std::fs::read_to_string(d.join(".github/workflows/rolegen.yml")).unwrap();
    let ci: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let perms: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        "{contents: read, security-events: write, actions: read, pull-requests: write}",
    )
    .unwrap();
    assert_eq!(ci["permissions"], perms);
    assert_eq!(
        ci["env"]["ROLEGEN_VERSION"].as_str(),
        Some(format!("v{}", env!("CARGO_PKG_VERSION")).as_str()),
        "the workflow installs the version that wrote it"
    );
    assert_eq!(
        ci["env"]["ROLEGEN_GIT"].as_str(),
        Some("${{ vars.ROLEGEN_GIT }}")
    );
    let steps = ci["jobs"]["rolegen"]["steps"].as_sequence().unwrap();
    let install = steps
        .iter()
        .position(|s| s["id"].as_str() == Some("install"))
        .expect("an install step with id `install`");
    assert!(steps[install]["run"].as_str().unwrap().contains(
        "cargo install --locked --git \"$ROLEGEN_GIT\" --tag \"$ROLEGEN_VERSION\" rolegen"
    ));
    for s in &steps[install + 1..] {
        let cond = s["if"].as_str().unwrap_or_default();
        assert!(
            cond.contains("!cancelled()") || cond.contains("always()"),
            "step {:?} is skipped when an earlier check fails: if = {cond:?}",
            s["name"]
        );
    }
    let uploads = steps
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("upload-sarif"))
        })
        .count();
    assert_eq!(uploads, 1);
    // The checks, as the workflow runs them, with this build's rolegen on PATH.
    let runs: Vec<(String, String)> = steps
        .iter()
        .filter_map(|s| {
            Some((
                s["name"].as_str()?.to_owned(),
                s["run"].as_str()?.to_owned(),
            ))
        })
        .filter(|(_, run)| run.trim_start().starts_with("rolegen "))
        .collect();
    let names: Vec<&str> = runs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Specs formatted", "Modules match specs", "Lint (SARIF)"]
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_rolegen")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let step = |run: &str| {
        Command::new("bash")
            .args(["-eo", "pipefail", "-c", run])
            .current_dir(d)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    assert_eq!(rolegen(&["build"], d).status.code(), Some(0));
    for (name, run) in &runs {
        let o = step(run);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("rolegen.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // A spec out of layout fails the fmt step alone.
    let spec = d.join("specs/my-roles.yaml");
    let original = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, original.replace("\nroles:", "\n\n\nroles:")).unwrap();
    let verdicts: Vec<bool> = runs
        .iter()
        .map(|(_, run)| step(run).status.success())
        .collect();
    assert_eq!(verdicts, [false, true, true]);
}

/// No placeholder host is left anywhere in the repository (the scaffolded CI, the schema,
/// SARIF, Cargo.toml, docs): a newcomer never copies an address that leads nowhere.
#[test]
fn no_placeholder_hosts_in_the_repository() {
    // Spelt in pieces so that this file does not match itself.
    let needles = [
        ["example", "invalid"].join("."),
        ["<this", "repository>"].join(" "),
    ];
    let skip = ["target", ".git", "dist", "artifacts"];
    let mut stack = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR"))];
    let (mut seen, mut found) = (0, Vec::new());
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                if !skip.contains(&entry.file_name().to_str().unwrap_or_default()) {
                    stack.push(path);
                }
            } else if kind.is_file() {
                seen += 1;
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                for n in &needles {
                    if text.contains(n.as_str()) {
                        found.push(format!("{}: {n}", path.display()));
                    }
                }
            }
        }
    }
    assert!(seen > 100, "walked only {seen} files");
    assert!(found.is_empty(), "placeholders left:\n{}", found.join("\n"));
}
