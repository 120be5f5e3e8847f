//! Atomic output: a build killed at any moment leaves each module folder either exactly as it
//! was or exactly as the new build writes it, never half-written; the next build heals what a
//! kill left behind (a folder moved aside, a staging folder).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn spec(n: usize, bucket: &str) -> String {
    let mut s = String::from("module: big\nroles:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  role-{i}:\n    name: role-{i}\n    trust:\n      - service: [ecs-tasks.amazonaws.com]\n        source_account: true\n    inline_policies:\n      p:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:${{AWS::Partition}}:s3:::{bucket}-{i}/*\n"
        ));
    }
    s
}

/// Every file under a folder, relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for rel in rolegen::out::walk(dir).unwrap() {
        m.insert(
            rel.to_string_lossy().into_owned(),
            fs::read(dir.join(&rel)).unwrap(),
        );
    }
    m
}

fn build(root: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .arg("build")
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_build_leaves_old_or_new_output_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("specs")).unwrap();
    let module = root.join("modules-out/big");
    // The new output, for comparison.
    fs::write(root.join("specs/big.yaml"), spec(1500, "new")).unwrap();
    assert!(build(root).wait().unwrap().success());
    let new = snapshot(&module);
    // The old output that each killed build starts from.
    fs::write(root.join("specs/big.yaml"), spec(1500, "old")).unwrap();
    assert!(build(root).wait().unwrap().success());
    let old = snapshot(&module);
    assert_ne!(old, new);
    fs::write(root.join("specs/big.yaml"), spec(1500, "new")).unwrap();
    let mut saw_old = false;
    for delay_ms in [0u64, 5, 15, 30, 50, 80, 120, 200] {
        let mut child = build(root);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // A kill between the two renames leaves the folder aside: the next build restores it,
        // so look at what a reader sees after healing (a no-op build of the old spec would too).
        let now = if module.exists() {
            snapshot(&module)
        } else {
            snapshot(&root.join("modules-out/.rolegen-old-big"))
        };
        assert!(
            now == old || now == new,
            "killed after {delay_ms} ms: modules-out/big is neither the old nor the new output"
        );
        saw_old |= now == old;
        // Reset to the old state for the next round.
        fs::write(root.join("specs/big.yaml"), spec(1500, "old")).unwrap();
        assert!(build(root).wait().unwrap().success());
        assert_eq!(snapshot(&module), old);
        let leftovers: Vec<_> = fs::read_dir(root.join("modules-out"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .filter(|n| n != "big")
            .collect();
        assert!(leftovers.is_empty(), "a build left {leftovers:?} behind");
        fs::write(root.join("specs/big.yaml"), spec(1500, "new")).unwrap();
    }
    assert!(
        saw_old,
        "no kill landed before the swap; the test did not exercise an interrupted build"
    );
}

/// A FIFO in a fresh folder, and a thread that reads everything written into it.
fn fifo_with_reader(dir: &Path) -> (std::path::PathBuf, std::thread::JoinHandle<Vec<u8>>) {
    let fifo = dir.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    let path = fifo.clone();
    let reader = std::thread::spawn(move || fs::read(path).unwrap());
    (fifo, reader)
}

fn is_fifo(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(p).unwrap().file_type().is_fifo()
}

/// Renaming a temporary file over `/dev/null` (as root) replaces the device with a plain file
/// that every later reader of "nothing" reads back — rustc's target probe among them. Files
/// that are not regular are written in place; a FIFO stands in for the device here.
#[test]
fn replacing_a_special_file_writes_into_it_instead_of_renaming_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let (fifo, reader) = fifo_with_reader(dir.path());
    rolegen::out::replace_file(&fifo, b"written\n").unwrap();
    // Checked before joining: had the FIFO been renamed over, its reader would wait forever.
    assert!(is_fifo(&fifo), "the FIFO was replaced by a plain file");
    assert_eq!(reader.join().unwrap(), b"written\n");
    // No temporary file is left beside it.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn replacing_a_file_keeps_its_mode_and_follows_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.yaml");
    fs::write(&real, "old\n").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    rolegen::out::replace_file(&link, b"new\n").unwrap();
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read(&real).unwrap(), b"new\n");
    assert_eq!(
        fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // A new file is created; a folder is refused and left alone.
    rolegen::out::replace_file(&dir.path().join("fresh.yaml"), b"x").unwrap();
    assert_eq!(fs::read(dir.path().join("fresh.yaml")).unwrap(), b"x");
    let e = rolegen::out::replace_file(dir.path(), b"x").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(dir.path().is_dir());
}

/// The same through the command line: `rolegen import -o <FIFO>` streams the spec into it.
#[test]
fn import_into_a_special_file_leaves_it_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack.yaml");
    fs::write(
        &stack,
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {Service: ec2.amazonaws.com}\n            Action: sts:AssumeRole\n",
    )
    .unwrap();
    let (fifo, reader) = fifo_with_reader(dir.path());
    let o = Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(["import", "--from", "cloudformation", "--module", "m"])
        .arg(&stack)
        .arg("-o")
        .arg(&fifo)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(is_fifo(&fifo), "the FIFO was replaced by a plain file");
    let spec = String::from_utf8(reader.join().unwrap()).unwrap();
    assert!(spec.contains("module: m\n"), "{spec}");
}

/// A project folder with `specs/<name>.yaml` for each name (one small role each), built once.
fn project(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("specs")).unwrap();
    for n in names {
        write_spec(dir.path(), n, "a");
    }
    let o = run(dir.path(), &["build"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    dir
}

fn write_spec(root: &Path, module: &str, bucket: &str) {
    fs::write(
        root.join(format!("specs/{module}.yaml")),
        format!("module: {module}\nroles:\n  task:\n    name: {module}-task\n    trust:\n      - service: [ecs-tasks.amazonaws.com]\n        source_account: true\n    inline_policies:\n      p:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:${{AWS::Partition}}:s3:::{bucket}/*\n"),
    )
    .unwrap();
}

fn run(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

/// Removing a module whose spec is gone deletes only its generated files, and never through
/// a symbolic link, whatever its manifest lists.
#[test]
fn removing_a_stale_module_never_follows_links() {
    let p = project(&["app"]);
    let root = p.path();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("data.txt"), "precious").unwrap();
    let gone = root.join("modules-out/gone");
    fs::create_dir_all(&gone).unwrap();
    std::os::unix::fs::symlink(outside.path(), gone.join("docs")).unwrap();
    fs::write(gone.join("generated.tf"), "x").unwrap();
    fs::write(gone.join("NOTES.md"), "mine").unwrap();
    fs::write(
        gone.join(".rolegen-manifest"),
        "# list\ngenerated.tf\ndocs/data.txt\n../x\n",
    )
    .unwrap();
    let o = run(root, &["build"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        fs::read_to_string(outside.path().join("data.txt")).unwrap(),
        "precious"
    );
    assert!(!gone.join("generated.tf").exists());
    assert!(gone.join("NOTES.md").exists());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("kept 2 file(s) rolegen did not write"),
        "{stderr}"
    );
    // A module folder that is itself a link is never listed as rolegen's.
    let linked = root.join("modules-out/linked");
    fs::create_dir_all(outside.path().join("m")).unwrap();
    fs::write(outside.path().join("m/.rolegen-manifest"), "#\nkeep.tf\n").unwrap();
    fs::write(outside.path().join("m/keep.tf"), "x").unwrap();
    std::os::unix::fs::symlink(outside.path().join("m"), &linked).unwrap();
    assert_eq!(run(root, &["build"]).status.code(), Some(0));
    assert!(outside.path().join("m/keep.tf").exists());
}

/// User entries in a module folder survive a rebuild as they were: links stay links (also to
/// folders, also dangling), FIFOs stay FIFOs (and do not hang the build), empty folders stay,
/// files keep their inode and time (hard-linked, not copied).
#[test]
fn a_rebuild_keeps_user_entries_as_they_are() {
    use std::os::unix::fs::MetadataExt;
    let p = project(&["app"]);
    let root = p.path();
    let m = root.join("modules-out/app");
    fs::create_dir_all(root.join("common/cache")).unwrap();
    fs::write(root.join("common/.tflint.hcl"), "# shared\n").unwrap();
    std::os::unix::fs::symlink(
        "../../../common/.tflint.hcl",
        m.join("terraform/.tflint.hcl"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../../common/cache", m.join("cache")).unwrap();
    std::os::unix::fs::symlink("nowhere", m.join("dangling")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(m.join("pipe"))
        .status()
        .unwrap()
        .success());
    fs::create_dir_all(m.join("terraform/.terraform/providers")).unwrap();
    fs::write(m.join("NOTES.md"), "mine").unwrap();
    let before = fs::metadata(m.join("NOTES.md")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    write_spec(root, "app", "b");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .arg("build")
        .current_dir(root)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut waited = 0;
    while child.try_wait().unwrap().is_none() {
        assert!(waited < 200, "the build hangs");
        std::thread::sleep(Duration::from_millis(50));
        waited += 1;
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(fs::read_to_string(m.join("terraform/main.tf"))
        .unwrap()
        .contains(":::b/*"));
    let link = |p: &str| {
        fs::symlink_metadata(m.join(p))
            .unwrap()
            .file_type()
            .is_symlink()
    };
    assert!(link("terraform/.tflint.hcl") && link("cache") && link("dangling"));
    assert_eq!(
        fs::read_link(m.join("dangling")).unwrap(),
        Path::new("nowhere")
    );
    assert!(is_fifo(&m.join("pipe")));
    assert!(m.join("terraform/.terraform/providers").is_dir());
    let after = fs::metadata(m.join("NOTES.md")).unwrap();
    assert_eq!((after.ino(), after.mtime()), (before.ino(), before.mtime()));
    assert_eq!(run(root, &["check"]).status.code(), Some(0));
}

/// Builds running at the same time take turns: every one succeeds and user files survive.
#[test]
fn concurrent_builds_take_turns() {
    let p = project(&["aaa", "aaa-x"]);
    let root = p.path();
    fs::write(root.join("modules-out/aaa/NOTES.md"), "mine").unwrap();
    for round in 0..3 {
        let children: Vec<_> = (0..6)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_rolegen"))
                    .arg("build")
                    .current_dir(root)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        assert_eq!(
            fs::read_to_string(root.join("modules-out/aaa/NOTES.md")).unwrap(),
            "mine"
        );
    }
    let names: Vec<String> = fs::read_dir(root.join("modules-out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".rolegen-")),
        "{names:?}"
    );
    assert_eq!(run(root, &["check"]).status.code(), Some(0));
}

/// A build refused for one module writes none: every target is checked first.
#[test]
fn a_refused_build_writes_no_module() {
    let p = project(&["aaa", "zzz"]);
    let root = p.path();
    let before = snapshot(&root.join("modules-out"));
    fs::remove_file(root.join("modules-out/zzz/.rolegen-manifest")).unwrap();
    let before_zzz = snapshot(&root.join("modules-out"));
    write_spec(root, "aaa", "changed");
    write_spec(root, "zzz", "changed");
    let o = run(root, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("was not written by rolegen"));
    assert_eq!(snapshot(&root.join("modules-out")), before_zzz);
    assert_ne!(before, before_zzz);
}

/// What a killed build leaves behind is neither drift nor a module, and the next build clears
/// it; a manifest that is not text is an error, not a missing manifest.
#[test]
fn leftovers_and_broken_manifests() {
    let p = project(&["aaa"]);
    let root = p.path();
    let out = root.join("modules-out");
    fs::create_dir_all(out.join(".rolegen-new-aaa-Ab12Cd/terraform")).unwrap();
    fs::write(out.join(".rolegen-new-aaa-Ab12Cd/.rolegen-manifest"), "#\n").unwrap();
    fs::create_dir_all(out.join(".rolegen-old-aaa")).unwrap();
    fs::write(out.join(".rolegen-old-aaa/.rolegen-manifest"), "#\n").unwrap();
    let o = run(root, &["check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(run(root, &["build"]).status.code(), Some(0));
    assert!(!out.join(".rolegen-new-aaa-Ab12Cd").exists());
    assert!(!out.join(".rolegen-old-aaa").exists());
    // Not UTF-8: an error naming the manifest, for build and check alike.
    fs::write(out.join("aaa/.rolegen-manifest"), b"#\xff\nREADME.md\n").unwrap();
    for cmd in ["build", "check"] {
        let o = run(root, &[cmd]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("is not UTF-8"),
            "{cmd}"
        );
    }
}

/// An `--out` that is a file, and a module folder that is a link, are errors (exit 2).
#[test]
fn outputs_rolegen_cannot_use_are_errors() {
    let p = project(&["aaa"]);
    let root = p.path();
    fs::write(root.join("afile"), "x").unwrap();
    let o = run(root, &["check", "--out", "afile"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a folder"));
    let real = root.join("elsewhere");
    fs::rename(root.join("modules-out/aaa"), &real).unwrap();
    std::os::unix::fs::symlink(&real, root.join("modules-out/aaa")).unwrap();
    let o = run(root, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a symbolic link"));
}

fn ino(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(p).unwrap().ino()
}

/// A build whose output is already on disk touches nothing (same inodes and times), so a
/// large user folder costs nothing and nothing a user does meanwhile can be lost.
#[test]
fn an_up_to_date_module_is_left_alone() {
    let p = project(&["app"]);
    let m = p.path().join("modules-out/app");
    let before = (ino(&m), ino(&m.join("terraform/main.tf")));
    let o = run(p.path(), &["build"]);
    assert_eq!(o.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("built 1 module (all already up to date), "),
        "{stderr}"
    );
    assert_eq!((ino(&m), ino(&m.join("terraform/main.tf"))), before);
    write_spec(p.path(), "app", "other");
    assert_eq!(run(p.path(), &["build"]).status.code(), Some(0));
    assert_ne!(ino(&m.join("terraform/main.tf")), before.1);
}

/// The module folder keeps its mode; user folders keep theirs, read-only ones included (they
/// are filled before they become read-only).
#[test]
fn modes_of_module_and_user_folders_survive_a_rebuild() {
    use std::os::unix::fs::PermissionsExt;
    let p = project(&["app"]);
    let m = p.path().join("modules-out/app");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    fs::create_dir_all(m.join("cache/sub")).unwrap();
    fs::write(m.join("cache/sub/f"), "x").unwrap();
    fs::set_permissions(m.join("cache/sub"), fs::Permissions::from_mode(0o555)).unwrap();
    fs::set_permissions(m.join("cache"), fs::Permissions::from_mode(0o700)).unwrap();
    fs::set_permissions(&m, fs::Permissions::from_mode(0o750)).unwrap();
    write_spec(p.path(), "app", "other");
    let o = run(p.path(), &["build"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(mode(&m), 0o750);
    assert_eq!(mode(&m.join("cache")), 0o700);
    assert_eq!(mode(&m.join("cache/sub")), 0o555);
    assert_eq!(fs::read_to_string(m.join("cache/sub/f")).unwrap(), "x");
    // A fresh module folder is not tempfile's private 0700.
    let fresh = project(&["fresh"]);
    assert_ne!(mode(&fresh.path().join("modules-out/fresh")) & 0o077, 0);
}

/// What a killed build moved aside is settled into the module folder the next build finds,
/// user entries moved in, never deleted; a folder that merely starts like rolegen's staging
/// folders is not rolegen's.
#[test]
fn leftovers_are_settled_not_deleted() {
    let p = project(&["app"]);
    let out = p.path().join("modules-out");
    // The module folder as a user restored it from git (generated files only) after a kill
    // between the two renames; the moved-aside copy still holds their state.
    let aside = out.join(".rolegen-old-app-x1Y2z3");
    fs::create_dir_all(aside.join(".terraform")).unwrap();
    fs::write(aside.join(".terraform/state"), "state").unwrap();
    fs::write(aside.join("terraform.tfstate"), "tfstate").unwrap();
    fs::copy(
        out.join("app/.rolegen-manifest"),
        aside.join(".rolegen-manifest"),
    )
    .unwrap();
    fs::create_dir_all(aside.join("terraform")).unwrap();
    fs::write(aside.join("terraform/main.tf"), "old generated").unwrap();
    fs::create_dir_all(out.join(".rolegen-new-drafts")).unwrap();
    fs::write(out.join(".rolegen-new-drafts/plan.txt"), "mine").unwrap();
    let o = run(p.path(), &["build"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!aside.exists());
    assert_eq!(
        fs::read_to_string(out.join("app/.terraform/state")).unwrap(),
        "state"
    );
    assert_eq!(
        fs::read_to_string(out.join("app/terraform.tfstate")).unwrap(),
        "tfstate"
    );
    assert_ne!(
        fs::read_to_string(out.join("app/terraform/main.tf")).unwrap(),
        "old generated"
    );
    assert_eq!(
        fs::read_to_string(out.join(".rolegen-new-drafts/plan.txt")).unwrap(),
        "mine"
    );
    assert_eq!(run(p.path(), &["check"]).status.code(), Some(0));
}

/// A folder or a link where rolegen writes a generated file or its folder: refused before any
/// module is written, by build and check alike, with what is wrong.
#[test]
fn a_folder_or_link_in_a_generated_place_is_refused_everywhere() {
    let p = project(&["alpha", "beta"]);
    let root = p.path();
    let out = root.join("modules-out");
    write_spec(root, "alpha", "changed");
    write_spec(root, "beta", "changed");
    let alpha = snapshot(&out.join("alpha"));
    fs::remove_file(out.join("beta/terraform/main.tf")).unwrap();
    fs::create_dir(out.join("beta/terraform/main.tf")).unwrap();
    for cmd in ["build", "check"] {
        let o = run(root, &[cmd]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains("main.tf is a folder, but rolegen generates"),
            "{cmd}: {e}"
        );
    }
    assert_eq!(snapshot(&out.join("alpha")), alpha);
    fs::remove_dir(out.join("beta/terraform/main.tf")).unwrap();
    let real = root.join("real-terraform");
    fs::rename(out.join("beta/terraform"), &real).unwrap();
    std::os::unix::fs::symlink(&real, out.join("beta/terraform")).unwrap();
    let o = run(root, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("terraform is a symbolic link"));
    assert_eq!(snapshot(&out.join("alpha")), alpha);
    // A module folder that is a link, or has no manifest: check says so as build does.
    fs::remove_file(out.join("beta/terraform")).unwrap();
    fs::remove_file(out.join("beta/.rolegen-manifest")).unwrap();
    let o = run(root, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("was not written by rolegen"));
}

/// A build that must wait for another one says so, then goes on when the lock is released.
#[test]
fn a_build_waiting_for_the_lock_says_so() {
    use rustix::fs::{flock, FlockOperation};
    let p = project(&["app"]);
    let out = fs::File::open(p.path().join("modules-out")).unwrap();
    flock(&out, FlockOperation::LockExclusive).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .arg("build")
        .current_dir(p.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read until the build says it waits (however long compiling takes on a loaded machine);
    // it then blocks on the lock, so this cannot end at EOF unless it never said so.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    while std::io::BufRead::read_line(&mut stderr, &mut said).unwrap() > 0
        && !said.contains("waiting for another rolegen build or check")
    {}
    assert!(
        said.contains("waiting for another rolegen build or check"),
        "{said}"
    );
    flock(&out, FlockOperation::Unlock).unwrap();
    std::io::Read::read_to_string(&mut stderr, &mut said).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0), "{said}");
    assert!(said.contains("built 1 module"), "{said}");
}
