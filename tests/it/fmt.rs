//! `rolegen fmt`: every YAML file of the repository keeps its meaning and its comments and is
//! a fixed point after one pass; focused cases pin the canonical layout; the CLI's `--check`,
//! rewrite and error exits.

use crate::support::{code, rolegen, text};
use rolegen::fmt::{format, FmtError};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn yaml_files(dir: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p.to_string_lossy(), out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

fn files(dirs: &[&str]) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in dirs {
        yaml_files(d, &mut v);
    }
    v.sort();
    v
}

fn value(text: &str) -> Option<serde_yaml_ng::Value> {
    serde_yaml_ng::from_str(text).ok()
}

/// Full-line comments and end-of-line comments, found without the formatter's parser
/// (naively: anything from ` #` on a line counts; the same rule on both sides).
fn comments(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut full, mut trailing) = (Vec::new(), Vec::new());
    for l in text.trim_start_matches('\u{feff}').lines() {
        let t = l.trim();
        if t.starts_with('#') {
            full.push(t.to_owned());
        } else if let Some(i) = l.find(" #") {
            trailing.push(l[i + 1..].trim_end().to_owned());
        }
    }
    full.sort();
    trailing.sort();
    (full, trailing)
}

fn check_preserves(path: &Path, text: &str, out: &str) {
    let p = path.display();
    assert_eq!(value(out), value(text), "{p}: meaning changed");
    assert_eq!(comments(out), comments(text), "{p}: comments changed");
    assert_eq!(format(out).as_deref(), Ok(out), "{p}: not idempotent");
    assert!(
        out.is_empty() || (out.ends_with('\n') && !out.ends_with("\n\n")),
        "{p}: must end with exactly one newline"
    );
    assert!(
        !out.lines()
            .any(|l| l.ends_with(' ') && !l.trim().is_empty() && !text.contains(l)),
        "{p}: trailing whitespace"
    );
}

#[test]
fn every_repository_yaml_keeps_meaning_and_comments() {
    let all = files(&[
        "specs",
        "tests/fixtures",
        "tests/rules",
        "examples",
        "src/init",
    ]);
    let mut formatted = 0;
    let mut skipped = Vec::new();
    for path in &all {
        let text = fs::read_to_string(path).unwrap();
        if value(&text).is_none() {
            // Invalid YAML on purpose (tests/fixtures/invalid/yaml-syntax, RG001, RG010, …).
            assert!(
                matches!(
                    format(&text),
                    Err(FmtError::Syntax { .. } | FmtError::Slip(_))
                ),
                "{}",
                path.display()
            );
            skipped.push(path.display().to_string());
            continue;
        }
        let out = format(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        check_preserves(path, &text, &out);
        formatted += 1;
    }
    eprintln!(
        "formatted {formatted} file(s); {} invalid YAML skipped: {skipped:?}",
        skipped.len()
    );
    assert!(formatted >= 100, "only {formatted} files");
    assert!(skipped.len() <= 8, "{skipped:?}");
}

/// What a spec compiles to (every output file) and the codes of its findings, compiled from
/// `text` at `dir/name` (the spec's folder's other files copied beside it).
fn compiled(dir: &Path, from: &Path, text: &str) -> (Vec<(String, String)>, Vec<&'static str>) {
    for e in fs::read_dir(from.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.is_file() && !matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
            fs::copy(&p, dir.join(e.file_name())).unwrap();
        }
    }
    let spec = dir.join(from.file_name().unwrap());
    fs::write(&spec, text).unwrap();
    let out = rolegen::build::compile(&[spec], rolegen::build::CompileOptions::EMIT);
    let files = out
        .modules
        .into_iter()
        .flat_map(|m| m.files)
        .map(|f| (f.path, f.contents))
        .collect();
    let mut codes: Vec<&'static str> = out.diagnostics.0.iter().map(|d| d.rule.code).collect();
    codes.sort_unstable();
    (files, codes)
}

#[test]
fn formatting_a_spec_never_changes_what_it_compiles_to() {
    // The Value comparison of `format` ignores key order; this also pins the order of what the
    // user names (roles, policies, statements, ...), which is the order of the output.
    let mut n = 0;
    for path in files(&["specs", "tests/fixtures", "tests/rules"]) {
        let text = fs::read_to_string(&path).unwrap();
        let Ok(out) = format(&text) else { continue };
        if out == text {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let before = compiled(dir.path(), &path, &text);
        let after = compiled(dir.path(), &path, &out);
        assert_eq!(before, after, "{}", path.display());
        n += 1;
    }
    assert!(n >= 50, "{n}");
}

#[test]
fn tricky_inputs_are_formatted_faithfully_or_refused() {
    // Fuzz seeds (anchors, BOM, CRLF, flow-only, unicode, multi-document) and CloudFormation
    // templates (tags, block scalars): never a panic, never a change of meaning.
    let all = files(&["fuzz/corpus", "tests/import_fixtures"]);
    assert!(all.len() > 50);
    let mut ok = 0;
    for path in &all {
        let text = fs::read_to_string(path).unwrap();
        match format(&text) {
            Ok(out) => {
                check_preserves(path, &text, &out);
                ok += 1;
            }
            Err(FmtError::Internal(m)) => panic!("{}: {m}", path.display()),
            Err(_) => {}
        }
    }
    assert!(ok > 40, "{ok}");
}

#[test]
fn four_space_specs_become_the_same_two_space_specs() {
    // Doubling every line's indentation keeps a block-YAML file's meaning unless it has a
    // mapping inside a list item (`- a: 1` then `  b: 2` would no longer line up); for the
    // others the formatter must bring it back to exactly what it makes of the original.
    let mut n = 0;
    for path in files(&["specs", "tests/fixtures", "tests/rules", "src/init"]) {
        let text = fs::read_to_string(&path).unwrap();
        let wide: String = text
            .lines()
            .map(|l| {
                let ind = l.len() - l.trim_start_matches(' ').len();
                format!("{}{}\n", " ".repeat(ind), l)
            })
            .collect();
        // Skip what doubling does not keep, and flow collections over several lines (their
        // continuation lines keep their alignment, so doubled stays doubled).
        let multi_line_flow = text
            .lines()
            .any(|l| l.trim_end().ends_with(['{', '[', ',']));
        if multi_line_flow || value(&text).is_none() || value(&wide) != value(&text) {
            continue;
        }
        let Ok(canon) = format(&text) else { continue };
        assert_eq!(
            format(&wide).as_deref(),
            Ok(canon.as_str()),
            "{}",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 40, "{n}");
}

fn fmt(s: &str) -> String {
    format(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn reordering_keys_moves_their_comments() {
    let input = "\
# Header: stays on top.
roles:
  app:
    # Who may assume it.
    trust:
      - service: [ec2.amazonaws.com]
    description: The app.   # shown in the console
    name: app
module: demo
";
    let expected = "\
# Header: stays on top.
module: demo

roles:
  app:
    name: app
    description: The app.   # shown in the console
    # Who may assume it.
    trust:
      - service: [ec2.amazonaws.com]
";
    assert_eq!(fmt(input), expected);
}

#[test]
fn statements_put_principal_after_effect_and_comments_before_the_dash() {
    let input = "\
module: demo
kms_keys:
  k:
    policy:
      Statement:
        - Resource: \"*\"
          Action: kms:*
          # Only this account.
          Principal:
            AWS: arn:${AWS::Partition}:iam::${AWS::AccountId}:root
          Effect: Allow
          # Named for CloudTrail.
          Sid: Admin
";
    let expected = "\
module: demo

kms_keys:
  k:
    policy:
      Statement:
        # Named for CloudTrail.
        - Sid: Admin
          Effect: Allow
          # Only this account.
          Principal:
            AWS: arn:${AWS::Partition}:iam::${AWS::AccountId}:root
          Action: kms:*
          Resource: \"*\"
";
    assert_eq!(fmt(input), expected);
}

#[test]
fn a_comment_at_the_end_of_a_list_moves_with_its_key() {
    let input = "\
Statement:
  - Resource: \"*\"
    Action:
      - ec2:CreateTags
      # ec2:DeleteTags is left out on purpose.
    Effect: Allow
";
    // Not a spec (no module); the statement is still not in a spec position: order kept.
    assert_eq!(fmt(input), input);
    let spec = format!(
        "module: demo\npolicies:\n  p:\n    name: p\n    document:\n{}",
        input
            .lines()
            .map(|l| format!("      {l}\n"))
            .collect::<String>()
    );
    let expected = "\
module: demo

policies:
  p:
    name: p
    document:
      Statement:
        - Effect: Allow
          Action:
            - ec2:CreateTags
            # ec2:DeleteTags is left out on purpose.
          Resource: \"*\"
";
    assert_eq!(fmt(&spec), expected);
}

#[test]
fn four_space_indentation_becomes_two() {
    let input = "\
module: demo
roles:
    app:
        trust:
        -   service: ec2.amazonaws.com
            when:   Flag
        inline_policies:
            p:
                Statement:
                    -   Effect: Allow
                        Action:
                            - s3:GetObject
                        Resource: \"*\"
";
    let expected = "\
module: demo

roles:
  app:
    trust:
      - service: ec2.amazonaws.com
        when: Flag
    inline_policies:
      p:
        Statement:
          - Effect: Allow
            Action:
              - s3:GetObject
            Resource: \"*\"
";
    assert_eq!(fmt(input), expected);
}

#[test]
fn blank_lines_and_trailing_whitespace_are_normalised() {
    let input = "\n\nmodule: demo   \ndescription: d\n\n\n\n# Roles.\n\n\nroles:  \n\n  a:\n\n\n    name: x\n\n\n    path: /\n\n\n";
    let expected =
        "module: demo\ndescription: d\n\n# Roles.\n\nroles:\n  a:\n    name: x\n\n    path: /\n";
    assert_eq!(fmt(input), expected);
    // Between one-line top-level keys, the user's choice (at most one) stays.
    assert_eq!(
        fmt("module: a\n\n\ndescription: b"),
        "module: a\n\ndescription: b\n"
    );
}

#[test]
fn block_scalars_are_reindented_with_their_content_intact() {
    let input = "\
module: demo
parameters:
    Script:
        type: string
        default: |
              line one
                indented more
              
              trailing spaces are content   
        description: >-
            folded
            text
";
    let expected = "\
module: demo

parameters:
  Script:
    type: string
    default: |
      line one
        indented more

      trailing spaces are content   
    description: >-
      folded
      text
";
    assert_eq!(fmt(input), expected);
}

#[test]
fn flow_collections_and_scalar_spellings_are_kept() {
    let canonical = "\
module: demo

roles:
  a:
    tags: {b: \"1\", a: '2', c: yes}
    trust:
      - service: [ ec2.amazonaws.com,   lambda.amazonaws.com ]   # two
      - account: '123456789012'
        external_id: \"x\\ty\"
";
    assert_eq!(fmt(canonical), canonical);
    // A flow list over several lines moves with its key, alignment kept.
    let input = "roles:\n    a:\n        trust:\n            - service: [ec2.amazonaws.com,\n                        lambda.amazonaws.com]\n";
    let expected = "roles:\n  a:\n    trust:\n      - service: [ec2.amazonaws.com,\n                  lambda.amazonaws.com]\n";
    assert_eq!(fmt(input), expected);
}

#[test]
fn user_named_maps_keep_their_order() {
    let input = "\
module: demo

roles:
  zeta:
    tags:
      z: \"1\"
      a: \"2\"
  alpha:
    inline_policies:
      second:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: \"*\"
            Condition:
              StringLike:
                s3:prefix: [a]
              Bool:
                aws:SecureTransport: \"true\"
      first:
        Statement: []
";
    assert_eq!(fmt(input), input);
}

#[test]
fn anchors_and_unknown_keys_turn_reordering_off() {
    let anchored =
        "roles:\n  a:\n    trust: &t\n      - service: x\n  b:\n    trust: *t\nmodule: m\n";
    assert_eq!(
        fmt(anchored),
        "roles:\n  a:\n    trust: &t\n      - service: x\n  b:\n    trust: *t\n\nmodule: m\n"
    );
    let unknown = "roles:\n  a:\n    x-note: hi\n    name: a\nmodule: m\n";
    assert_eq!(
        fmt(unknown),
        "module: m\n\nroles:\n  a:\n    x-note: hi\n    name: a\n"
    );
}

#[test]
fn what_it_cannot_reason_about_is_refused() {
    assert!(matches!(
        format("a: 1\n---\nb: 2\n"),
        Err(FmtError::Syntax { .. })
    ));
    assert!(matches!(
        format("? [a, b]\n: c\n"),
        Err(FmtError::Unsupported { line: 1, .. })
    ));
    assert!(matches!(
        format("k: |+\n  a\n\nnext: 1\n"),
        Err(FmtError::Unsupported {
            line: 1,
            column: 4,
            ..
        })
    ));
    match format("module: m\nroles:\n  a:\n    name: \"x\n") {
        Err(FmtError::Syntax { line, column, .. }) => assert_eq!((line, column), (4, 11)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn crlf_bom_and_a_leading_document_marker() {
    assert_eq!(
        fmt("\u{feff}module: m\r\nroles: {}\r\n"),
        "module: m\nroles: {}\n"
    );
    assert_eq!(
        fmt("# c\n---\nroles: {}\nmodule: m\n"),
        "# c\n---\nmodule: m\nroles: {}\n"
    );
}

// ---------------------------------------------------------------------------------------
// The command line.

const CANONICAL: &str = "# Demo.\nmodule: demo\n\nroles:\n  app:\n    name: app\n    trust:\n      - service: [ec2.amazonaws.com]\n";
const MESSY: &str = "# Demo.\nroles:\n    app:\n        trust:\n        - service: [ec2.amazonaws.com]\n        name: app   \nmodule: demo\n";

#[test]
fn cli_check_rewrite_and_check_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("specs")).unwrap();
    fs::write(root.join("specs/good.yaml"), CANONICAL).unwrap();
    fs::write(root.join("specs/messy.yaml"), MESSY).unwrap();

    // One canonical file: exit 0.
    let o = rolegen(&["fmt", "--check", "specs/good.yaml"], root);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());

    // The folder (default `specs/`): the messy file would change; diff, exit 1, nothing written.
    let o = rolegen(&["fmt", "--check"], root);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("would reformat: specs/messy.yaml"), "{out}");
    assert!(out.contains("--- a/specs/messy.yaml") && out.contains("+++ b/specs/messy.yaml"));
    assert!(
        out.contains("-        name: app   \n") && out.contains("+    name: app\n"),
        "{out}"
    );
    assert!(!out.contains("good.yaml"), "{out}");
    assert_eq!(
        fs::read_to_string(root.join("specs/messy.yaml")).unwrap(),
        MESSY
    );

    // Rewrite: only the messy file, atomically; then --check passes.
    let o = rolegen(&["fmt"], root);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("reformatted specs/messy.yaml"), "{err}");
    assert!(!err.contains("reformatted specs/good.yaml"), "{err}");
    assert_eq!(
        fs::read_to_string(root.join("specs/messy.yaml")).unwrap(),
        CANONICAL
    );
    let leftovers: Vec<_> = fs::read_dir(root.join("specs"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let o = rolegen(&["fmt", "--check"], root);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
}

#[test]
fn cli_syntax_error_exits_2_with_its_position_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("specs")).unwrap();
    fs::write(root.join("specs/messy.yaml"), MESSY).unwrap();
    fs::write(
        root.join("specs/broken.yaml"),
        "module: broken\nroles:\n  task:\n    name: \"unclosed\n    trust: []\n",
    )
    .unwrap();
    for args in [&["fmt"][..], &["fmt", "--check"][..]] {
        let o = rolegen(args, root);
        assert_eq!(code(&o), 2, "{args:?}");
        let err = text(&o.stderr);
        assert!(err.contains("specs/broken.yaml:4:11"), "{err}");
        assert!(err.contains("error[RG001]"), "{err}");
    }
    // Nothing is written when any file has an error.
    assert_eq!(
        fs::read_to_string(root.join("specs/messy.yaml")).unwrap(),
        MESSY
    );

    let o = rolegen(&["fmt", "specs/missing.yaml"], root);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("cannot read specs/missing.yaml"));

    fs::write(root.join("specs/complex.yaml"), "? [a]\n: b\n").unwrap();
    let o = rolegen(&["fmt", "--check", "specs/complex.yaml"], root);
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(
        err.contains("rolegen fmt does not rewrite a complex key"),
        "{err}"
    );
    assert!(err.contains("specs/complex.yaml:1:1"), "{err}");
}

#[test]
fn cli_reads_standard_input() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(["fmt", "-"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(MESSY.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), CANONICAL);
}

#[test]
fn committed_specs_and_templates_are_canonical() {
    // The seed specs, the `rolegen init` templates and the example CI workflow.
    for path in files(&["specs", "src/init", "examples"]) {
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            format(&text).as_deref(),
            Ok(text.as_str()),
            "{} is not canonical: run `rolegen fmt {}`",
            path.display(),
            path.display()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Regressions.

#[test]
fn a_comment_under_an_empty_key_or_a_block_scalar_stays_with_it() {
    // A commented-out item under `managed_policies:` (whose value is null) belongs to that
    // key: it must not become a comment of the next key (and move to the top of the role,
    // where uncommenting it would put a list item at role level).
    let input = "\
module: m
roles:
  app:
    trust:
      - service: [ec2.amazonaws.com]
    managed_policies:
      # - aws: AdministratorAccess   (disabled until INC-123)
    name: x
";
    let expected = "\
module: m

roles:
  app:
    name: x
    trust:
      - service: [ec2.amazonaws.com]
    managed_policies:
      # - aws: AdministratorAccess   (disabled until INC-123)
";
    assert_eq!(fmt(input), expected);
    assert_eq!(fmt(expected), expected);
    // The same under 4-space indentation, and as the last key of the role.
    let input = "\
module: m
roles:
    app:
        managed_policies:

            # - aws: AdministratorAccess

        trust:
            - service: [ec2.amazonaws.com]
        name: x
    other:
        name: y
        managed_policies:
            # - aws: ReadOnlyAccess
";
    let expected = "\
module: m

roles:
  app:
    name: x

    trust:
      - service: [ec2.amazonaws.com]
    managed_policies:
      # - aws: AdministratorAccess
  other:
    name: y
    managed_policies:
      # - aws: ReadOnlyAccess
";
    assert_eq!(fmt(input), expected);
    assert_eq!(fmt(expected), expected);
    // Under a block scalar (shallower than its content, which it would otherwise become):
    // it stays after the scalar, still deeper than the key.
    let input = "\
module: m
roles:
  app:
    trust:
      - service: [ec2.amazonaws.com]
    description: |
        The app.
      # TODO: say what it does.
    name: x
";
    let expected = "\
module: m

roles:
  app:
    name: x
    description: |
      The app.
     # TODO: say what it does.
    trust:
      - service: [ec2.amazonaws.com]
";
    assert_eq!(fmt(input), expected);
    assert_eq!(fmt(expected), expected);
    // Comments under a list still stay with it; a comment at the key's own column still
    // belongs to the key after it.
    let input = "\
module: m
roles:
  app:
    trust:
      - service: [ec2.amazonaws.com]
      # - service: [lambda.amazonaws.com]
    # The role's name.
    name: x
";
    assert_eq!(
        fmt(input),
        "\
module: m

roles:
  app:
    # The role's name.
    name: x
    trust:
      - service: [ec2.amazonaws.com]
      # - service: [lambda.amazonaws.com]
"
    );
}

#[test]
fn a_tab_after_a_colon_does_not_stop_reordering() {
    // yaml-rust2 rejects `name:<TAB>w` (serde_yaml_ng and the loader accept it); that used to
    // turn reordering off for the first run only, so a second run changed the file again.
    let input = "module: c\nroles:\n  w:\n    trust:\n      - service: [lambda.amazonaws.com]\n    name:\tw\n";
    let expected = "module: c\n\nroles:\n  w:\n    name: w\n    trust:\n      - service: [lambda.amazonaws.com]\n";
    assert_eq!(fmt(input), expected);
    assert_eq!(fmt(expected), expected);
    // Anchors (found by the formatter itself) still turn it off, tab or not.
    let anchored = "module: c\nroles:\n  w:\n    trust: &t\n      - service: x\n    name:\tw\n  v:\n    trust: *t\n";
    let out = fmt(anchored);
    assert!(
        out.contains("    trust: &t\n      - service: x\n    name: w\n"),
        "{out}"
    );
    assert_eq!(fmt(&out), out);
    let flow =
        "module: c\nroles:\n  w:\n    trust: [{service: &s x}, {service: *s}]\n    name: w\n";
    assert_eq!(
        fmt(flow),
        format!("module: c\n\n{}", &flow["module: c\n".len()..])
    );

    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.yaml"), input).unwrap();
    let o = rolegen(&["fmt", "t.yaml"], dir.path());
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let o = rolegen(&["fmt", "--check", "t.yaml"], dir.path());
    assert_eq!(code(&o), 0, "{}{}", text(&o.stdout), text(&o.stderr));
}

#[test]
fn a_multi_line_flow_collection_keeps_its_closing_bracket_under_its_key() {
    let canonical = "\
module: m

roles:
  a:
    tags: {
      team: core,
      env: prod
    }
    trust:
      - service: [
          ec2.amazonaws.com,
        ]
";
    assert_eq!(fmt(canonical), canonical);
    // Moved with their key, the lines keep their columns relative to it.
    let wide = "\
module: m
roles:
    a:
        tags: {
            team: core,
            env: prod
        }
        trust:
            - service: [
                  ec2.amazonaws.com,
              ]
";
    let expected = "\
module: m

roles:
  a:
    tags: {
        team: core,
        env: prod
    }
    trust:
      - service: [
            ec2.amazonaws.com,
        ]
";
    assert_eq!(fmt(wide), expected);
    assert_eq!(fmt(expected), expected);
}

#[test]
fn refusals_and_odd_documents_are_reported_where_they_are() {
    // The position of a refusal has a column.
    match format("a:\n  b: 1\n  ? c\n  : d\n") {
        Err(FmtError::Unsupported { line, column, .. }) => assert_eq!((line, column), (3, 3)),
        other => panic!("{other:?}"),
    }
    // A second document is reported at its `---`.
    match format("# c\na: 1\n\n---\nb: 2\n") {
        Err(FmtError::Syntax { line, column, .. }) => assert_eq!((line, column), (4, 1)),
        other => panic!("{other:?}"),
    }
    match format("a: 1\n...\nb: 2\n") {
        Err(FmtError::Syntax { line, column, .. }) => assert_eq!((line, column), (3, 1)),
        other => panic!("{other:?}"),
    }
    // A document end marker is accepted and kept, comments after it too.
    assert_eq!(fmt("a: 1\n...\n"), "a: 1\n...\n");
    assert_eq!(
        fmt("roles: {}\nmodule: m\n# end\n...   \n# after\n"),
        "module: m\nroles: {}\n# end\n...\n# after\n"
    );
    assert_eq!(fmt("a: |\n  x\n...\n"), "a: |\n  x\n...\n");
    // A double-quoted scalar over several lines keeps its escapes, an escaped line break
    // and an escaped space or tab at the end of a line included.
    for s in [
        "a: \"abc\\\n  def\"\n",
        "a: \"abc\\ \n  def\"\n",
        "a: \"abc\\\t\n  def\"\n",
        "a:\n  - \"x \\\n    \\ y\\\\\n    z\"\n",
        "a: [\"abc\\ \n  def\"]\n",
    ] {
        assert_eq!(fmt(s), s);
        if !s.contains('[') {
            // Continuation lines of a quoted scalar are re-indented freely.
            let wide = s.replace("\n  ", "\n      ");
            assert_eq!(fmt(&wide), s, "{wide:?}");
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("complex.yaml"), "a:\n  b: 1\n  ? c\n  : d\n").unwrap();
    fs::write(root.join("multi.yaml"), "module: a\n---\nmodule: b\n").unwrap();
    for (file, at, line, help) in [
        (
            "complex.yaml",
            "complex.yaml:3:3",
            "3 │   ? c",
            "write this part another way",
        ),
        (
            "multi.yaml",
            "multi.yaml:2:1",
            "2 │ ---",
            "one YAML document per file",
        ),
    ] {
        let o = rolegen(&["fmt", "--check", file], root);
        assert_eq!(code(&o), 2);
        let err = text(&o.stderr);
        assert!(err.contains(at), "{err}");
        assert!(err.contains(line), "{err}");
        assert!(err.contains('^'), "{err}");
        assert!(err.contains(help), "{err}");
        assert!(!err.contains("indentation, a missing"), "{err}");
    }
}
