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
