//! `check` owns the folders it generates: a file planted where Terraform or a CloudFormation
//! deploy would pick it up, a link or a FIFO in place of a generated file, a generated file
//! made executable or world-writable: each is drift (exit 1), named with how to fix it. What
//! Terraform writes and the user's own files are not. `build` keeps what it did not write,
//! with the same words as a warning, and heals links and modes.

use crate::support::text;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A project with the `switches` fixture as its one spec.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("specs")).unwrap();
    fs::copy(
        "tests/fixtures/switches/spec.yaml",
        dir.path().join("specs/switches.yaml"),
    )
    .unwrap();
    dir
}

/// [`project`], built: (its folder, the module).
fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = project();
    let o = run(dir.path(), "build");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let module = dir.path().join("modules-out/switches");
    (dir, module)
}

/// Runs `rolegen <cmd>` in `root`, failing the test if it does not end within 20 s (a check
/// that reads a FIFO would block forever).
fn run(root: &Path, cmd: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .arg(cmd)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..400 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("rolegen {cmd} hangs");
}

/// Asserts `check` exits 1 and says `words` (each) on stdout, on the line naming `path`.
fn drift(root: &Path, path: &Path, words: &[&str]) {
    let o = run(root, "check");
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{}: {out}{err}", path.display());
    let rel = path.strip_prefix(root).unwrap().display().to_string();
    let line = out
        .lines()
        .find(|l| l.contains(&format!(" {rel}:")))
        .unwrap_or_else(|| panic!("{rel} not named: {out}"));
    for w in words {
        assert!(line.contains(w), "{rel}: no {w:?} in {line}");
    }
}

fn in_sync(root: &Path) {
    let o = run(root, "check");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

const ADMIN: &str = "resource \"aws_iam_role_policy_attachment\" \"zz\" {\n  role       = \"switches-worker\"\n  policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"\n}\n";

/// The case of issue 15: `zz-extra.tf` attaching AdministratorAccess inside the module's
/// `terraform/`. Check fails naming it; build keeps it (it never deletes a file it did not
/// write) with a warning, and check fails until it is gone.
#[test]
fn a_planted_tf_file_is_drift_and_build_keeps_it_with_a_warning() {
    let (d, m) = built();
    let root = d.path();
    let planted = m.join("terraform/zz-extra.tf");
    fs::write(&planted, ADMIN).unwrap();
    drift(
        root,
        &planted,
        &[
            "not rolegen's",
            "load every .tf",
            "delete it, or move what it adds to the root module that calls this module",
        ],
    );
    let o = run(root, "check");
    assert!(
        text(&o.stderr).contains("1 file(s) rolegen did not write would be deployed"),
        "{}",
        text(&o.stderr)
    );
    let o = run(root, "build");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "warning: modules-out/switches/terraform/zz-extra.tf: rolegen did not generate it"
        ) && err.contains("`rolegen check` reports it as drift"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&planted).unwrap(), ADMIN);
    drift(root, &planted, &["not rolegen's"]);
    fs::remove_file(&planted).unwrap();
    in_sync(root);
}

/// Every name Terraform, OpenTofu or a deploy would pick up, one at a time: drift, named, with
/// the fix for its kind; gone again, the module is in sync.
#[test]
fn every_planted_kind_is_drift() {
    let (d, m) = built();
    let root = d.path();
    let cases: &[(&str, &[&str])] = &[
        ("terraform/zz.tf.json", &["load every .tf", "root module"]),
        (
            "terraform/iam_override.tf",
            &["override file rewrites the generated blocks", "root module"],
        ),
        ("terraform/override.tf.json", &["override file"]),
        ("terraform/main_override.tofu", &["override file"]),
        ("terraform/main.tofu", &["OpenTofu load", "root module"]),
        ("terraform/x.tofu.json", &["OpenTofu load"]),
        (
            "terraform/terraform.tfvars",
            &[
                "variable values",
                "set the module's variables in the root module",
            ],
        ),
        ("terraform/prod.auto.tfvars.json", &["variable values"]),
        ("terraform/other.tfvars", &["variable values"]),
        // Terraform skips hidden files and matches suffixes in one case; other readers of the
        // folder need not, and no such file has a reason to be there.
        ("terraform/.zz.tf", &["load every .tf"]),
        ("terraform/EXTRA.TF", &["load every .tf", "delete it"]),
        // On a case-insensitive file system this is main.tf renamed; here a second file.
        (
            "terraform/Main.tf",
            &[
                "differs from rolegen's terraform/main.tf only in case",
                "rename it back",
            ],
        ),
        (
            "cloudformation/extra.yaml",
            &[
                "aws cloudformation package",
                "delete it, or keep it outside the module folder",
            ],
        ),
        ("cloudformation/.hidden", &["aws cloudformation package"]),
        (
            "cloudformation/nested/deeper/stack.json",
            &["aws cloudformation package"],
        ),
        (
            "cloudformation/SWITCHES.YAML",
            &["differs from rolegen's cloudformation/switches.yaml only in case"],
        ),
    ];
    for (rel, words) in cases {
        let p = m.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, "{}").unwrap();
        drift(root, &p, words);
        fs::remove_file(&p).unwrap();
        in_sync(root);
    }
    // A link is a file too (Terraform reads what it leads to).
    std::os::unix::fs::symlink("../../../elsewhere.tf", m.join("terraform/linked.tf")).unwrap();
    drift(root, &m.join("terraform/linked.tf"), &["load every .tf"]);
}

/// What Terraform writes, test and query files, subfolders of `terraform/` and the user's
/// files beside the module's README are the user's: no drift, no warning from a build.
#[test]
fn the_users_files_are_not_drift() {
    let (d, m) = built();
    let root = d.path();
    for (rel, body) in [
        ("terraform/.terraform/modules/x/main.tf", ADMIN),
        ("terraform/.terraform/providers/registry/aws/bin", "ELF"),
        ("terraform/.terraform.lock.hcl", "# lock"),
        ("terraform/terraform.tfstate", "{}"),
        ("terraform/terraform.tfstate.backup", "{}"),
        ("terraform/.terraform.tfstate.lock.info", "{}"),
        ("terraform/terraform.tfstate.d/dev/terraform.tfstate", "{}"),
        ("terraform/main.tftest.hcl", "run \"x\" {}"),
        ("terraform/tests/roles.tftest.hcl", "run \"x\" {}"),
        ("terraform/tests/setup/main.tf", ADMIN),
        ("terraform/mocks.tfmock.hcl", "#"),
        ("terraform/roles.tfquery.hcl", "#"),
        ("terraform/main.tf~", "backup"),
        ("terraform/README.md", "notes"),
        ("NOTES.md", "mine"),
        ("zz.tf", "not in the Terraform folder"),
        ("ci/pipeline.yaml", "mine"),
    ] {
        let p = m.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, body).unwrap();
    }
    in_sync(root);
    // A rebuild (the spec changed) keeps them all and warns about none.
    let spec = root.join("specs/switches.yaml");
    let s = fs::read_to_string(&spec).unwrap();
    fs::write(&spec, s.replace("switches-worker", "switches-w0rker")).unwrap();
    let o = run(root, "build");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert!(m.join("terraform/tests/setup/main.tf").is_file());
    assert!(m.join("terraform/.terraform.lock.hcl").is_file());
    in_sync(root);
}

/// A link, a FIFO or a folder-free special file in place of a generated file, or a generated
/// file whose mode a build does not write: drift (never read through, never blocking), and a
/// build puts a plain file with a build's mode back.
#[test]
fn links_fifos_and_modes_of_generated_files_are_drift_and_build_heals_them() {
    let (d, m) = built();
    let root = d.path();
    let main = m.join("terraform/main.tf");
    // A link to a byte-identical copy: same text, but what it leads to is not rolegen's.
    fs::copy(&main, root.join("copy.tf")).unwrap();
    fs::remove_file(&main).unwrap();
    std::os::unix::fs::symlink(root.join("copy.tf"), &main).unwrap();
    drift(
        root,
        &main,
        &["is a symbolic link", "delete it and run `rolegen build`"],
    );
    assert_eq!(run(root, "build").status.code(), Some(0));
    assert!(fs::symlink_metadata(&main).unwrap().is_file());
    in_sync(root);
    // A FIFO: check must not block reading it; as the manifest, it is an error (rolegen
    // cannot know what it owns), for build and check alike.
    let manifest = m.join(".rolegen-manifest");
    let saved = fs::read(&manifest).unwrap();
    fs::remove_file(&manifest).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&manifest)
        .status()
        .unwrap()
        .success());
    for cmd in ["check", "build"] {
        let o = run(root, cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert!(
            text(&o.stderr).contains(".rolegen-manifest is a FIFO"),
            "{}",
            text(&o.stderr)
        );
    }
    fs::remove_file(&manifest).unwrap();
    fs::write(&manifest, saved).unwrap();
    let readme = m.join("README.md");
    fs::remove_file(&readme).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&readme)
        .status()
        .unwrap()
        .success());
    drift(root, &readme, &["is a FIFO"]);
    assert_eq!(run(root, "build").status.code(), Some(0));
    assert!(fs::symlink_metadata(&readme).unwrap().is_file());
    in_sync(root);
    // Modes: executable, writable by every user, setgid. Group-writable is what a build
    // writes under umask 002, so it is not drift.
    for (mode, words) in [
        (0o755, "is executable"),
        (0o744, "is executable"),
        (0o646, "is writable by every user"),
        (0o2644, "setuid, setgid or sticky"),
    ] {
        fs::set_permissions(&main, fs::Permissions::from_mode(mode)).unwrap();
        drift(root, &main, &[words, "rolegen build", "chmod a-xst,o-w"]);
        let o = run(root, "build");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let now = fs::metadata(&main).unwrap().permissions().mode() & 0o7777;
        assert_eq!(now & 0o7113, 0, "{now:o}");
        in_sync(root);
    }
    // Bytes and mode both drifted: two lines, one file.
    let original = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        original.replace("switches-worker", "switches-w0rker"),
    )
    .unwrap();
    fs::set_permissions(&main, fs::Permissions::from_mode(0o755)).unwrap();
    drift(root, &main, &["is executable"]);
    let o = run(root, "check");
    assert!(text(&o.stdout).contains("+  name "), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("error: 1 file differs"),
        "{}",
        text(&o.stderr)
    );
    fs::write(&main, original).unwrap();
    fs::set_permissions(&main, fs::Permissions::from_mode(0o664)).unwrap();
    in_sync(root);
    fs::set_permissions(&main, fs::Permissions::from_mode(0o444)).unwrap();
    in_sync(root);
}

/// Whatever the umask, a build writes files its own check accepts: never executable, never
/// writable by every user.
#[test]
fn a_build_under_umask_0_passes_its_own_check() {
    let dir = project();
    let o = Command::new("sh")
        .args(["-c", "umask 000 && exec \"$0\" build"])
        .arg(env!("CARGO_BIN_EXE_rolegen"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mode = fs::metadata(dir.path().join("modules-out/switches/terraform/main.tf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o664);
    in_sync(dir.path());
}
