//! Importers terminate: every input that once hung an importer (100 % CPU, flat memory) is run
//! through the binary under a deadline, so a regression fails instead of hanging the suite, and
//! must end with its issues reported. Inputs are under `tests/import_fixtures/hangs/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Far above what any of these inputs needs (milliseconds), far below "forever".
const DEADLINE: Duration = Duration::from_secs(30);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import_fixtures/hangs")
        .join(name)
}

/// Runs `rolegen args…` in `cwd`; kills it and fails at the deadline.
fn run_with_deadline(args: &[&str], cwd: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`rolegen {}` did not end within {DEADLINE:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A module folder holding `file` as `main.tf`.
fn module_of(file: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(file), dir.path().join("main.tf")).unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A policy list attribute holding a function call other than `concat` (`distinct(var.arns)`)
/// once bounced between the list and the item reader forever.
#[test]
fn terraform_list_function_other_than_concat_ends() {
    let dir = module_of("tf-distinct.tf");
    let o = run_with_deadline(&["import", "--from", "terraform", "."], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("main.tf:12:1: error: aws_iam_role_policy.p: `distinct(…)` making a list cannot be expressed"),
        "{err}"
    );
}

/// A `for … if` expression in a policy list: the same loop.
#[test]
fn terraform_for_with_if_ends() {
    let dir = module_of("tf-for-if.tf");
    let o = run_with_deadline(&["import", "--from", "terraform", "."], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a `for` expression with a key or an `if` cannot be expressed"),
        "{err}"
    );
}
