//! Writing modules to disk atomically, and checking the disk against what would be written.
//!
//! Each module folder carries `.rolegen-manifest`, the list of files rolegen owns there. A
//! build assembles the whole new folder beside the old one (same filesystem), carries over
//! files it does not own, and swaps the folders with two renames; a failed or killed build
//! leaves the old folder in place. Nothing outside `--out` is touched, and no file rolegen did
//! not write is ever removed.

use crate::emit::OutputFile;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a module folder.
pub const MANIFEST: &str = ".rolegen-manifest";
const MANIFEST_HEADER: &str =
    "# Files rolegen generated in this folder; it may rewrite or remove exactly these.\n";

/// What went wrong writing output.
#[derive(Debug)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(ctx: &str, p: &Path, e: io::Error) -> WriteError {
    WriteError(format!("{ctx} {}: {e}", p.display()))
}

/// Replaces one file's contents so that a reader sees the old or the new bytes, never a
/// mix: a temporary file beside it, then a rename. A symlink is followed (the file it
/// points to is rewritten, the link stays) and an existing file keeps its permissions.
///
/// A target that exists but is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO) is
/// written in place instead: renaming over it would replace the device with a plain file
/// — run as root, `--out /dev/null` would otherwise turn the machine's `/dev/null` into a
/// file that every later reader of "nothing" reads back.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let target = match fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a folder, not a file",
            ))
        }
        Ok(m) if !m.is_file() => {
            return fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes));
        }
        Ok(_) => Some(fs::canonicalize(path)?),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let target = target.unwrap_or_else(|| path.to_path_buf());
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".rolegen-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(m) = fs::metadata(&target) {
        tmp.as_file().set_permissions(m.permissions())?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// The files of a module plus its manifest.
pub fn with_manifest(mut files: Vec<OutputFile>) -> Vec<OutputFile> {
    let mut m = String::from(MANIFEST_HEADER);
    for f in &files {
        m.push_str(&f.path);
        m.push('\n');
    }
    files.push(OutputFile::new(MANIFEST, m));
    files
}

/// Files listed in a module folder's manifest, or None if the folder has none.
pub fn read_manifest(dir: &Path) -> Option<BTreeSet<String>> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter(|l| safe_relative(l))
            .map(str::to_owned)
            .collect(),
    )
}

/// A manifest entry must stay inside its folder.
fn safe_relative(p: &str) -> bool {
    let path = Path::new(p);
    !path.is_absolute()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Writes one module folder atomically. `files` must include the manifest.
pub fn write_module(out: &Path, module: &str, files: &[OutputFile]) -> Result<(), WriteError> {
    fs::create_dir_all(out).map_err(|e| err("cannot create", out, e))?;
    let target = out.join(module);
    recover(out, module, &target)?;
    let owned = if target.exists() {
        match read_manifest(&target) {
            Some(m) => m,
            None if dir_is_empty(&target) => BTreeSet::new(),
            None => {
                return Err(WriteError(format!(
                    "{} exists but was not written by rolegen (no {MANIFEST}); move it away or pick another --out",
                    target.display()
                )))
            }
        }
    } else {
        BTreeSet::new()
    };
    let staging = tempfile::Builder::new()
        .prefix(&format!(".rolegen-new-{module}-"))
        .tempdir_in(out)
        .map_err(|e| err("cannot create a staging folder in", out, e))?;
    write_files(staging.path(), files)?;
    if target.exists() {
        carry_over(&target, staging.path(), &owned)?;
    }
    // Fsync is not needed for correctness of the swap on one filesystem; keep the build fast.
    let staged = staging.keep();
    let backup = out.join(format!(".rolegen-old-{module}"));
    if backup.exists() {
        fs::remove_dir_all(&backup).map_err(|e| err("cannot remove", &backup, e))?;
    }
    if target.exists() {
        fs::rename(&target, &backup).map_err(|e| err("cannot move aside", &target, e))?;
    }
    if let Err(e) = fs::rename(&staged, &target) {
        // Put the old folder back.
        let _ = fs::rename(&backup, &target);
        let _ = fs::remove_dir_all(&staged);
        return Err(err("cannot move into place", &target, e));
    }
    if backup.exists() {
        fs::remove_dir_all(&backup).map_err(|e| err("cannot remove", &backup, e))?;
    }
    Ok(())
}

/// Writes `files` under `dir`; large sets on two threads (the copy into the page cache is
/// most of the cost). The first failure in file order is reported.
fn write_files(dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let mut paths = Vec::with_capacity(files.len());
    for f in files {
        let p = dir.join(&f.path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| err("cannot create", parent, e))?;
        }
        paths.push(p);
    }
    let write = |i: usize| fs::write(&paths[i], &files[i].contents).map_err(|e| (i, e));
    let total: usize = files.iter().map(|f| f.contents.len()).sum();
    let result: Result<(), (usize, io::Error)> = if total < (4 << 20) {
        (0..files.len()).try_for_each(write)
    } else {
        // Largest first, each to the less loaded of two threads.
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(files[i].contents.len()));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (mut load_a, mut load_b) = (0, 0);
        for i in order {
            if load_a <= load_b {
                load_a += files[i].contents.len();
                a.push(i);
            } else {
                load_b += files[i].contents.len();
                b.push(i);
            }
        }
        let (ra, rb) = std::thread::scope(|s| {
            let other = s.spawn(|| b.iter().map(|&i| write(i)).find_map(Result::err));
            let mine = a.iter().map(|&i| write(i)).find_map(Result::err);
            (
                mine,
                other
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            )
        });
        match (ra, rb) {
            (Some(x), Some(y)) => Err(if x.0 < y.0 { x } else { y }),
            (Some(x), None) | (None, Some(x)) => Err(x),
            (None, None) => Ok(()),
        }
    };
    result.map_err(|(i, e)| err("cannot write", &paths[i], e))
}

fn dir_is_empty(p: &Path) -> bool {
    fs::read_dir(p)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

/// Copies every file of `from` that rolegen does not own into `to` (user files survive).
fn carry_over(from: &Path, to: &Path, owned: &BTreeSet<String>) -> Result<(), WriteError> {
    for rel in walk(from).map_err(|e| err("cannot list", from, e))? {
        let key = rel.to_string_lossy().replace('\\', "/");
        if owned.contains(&key) || key == MANIFEST {
            continue;
        }
        let dst = to.join(&rel);
        if dst.exists() {
            return Err(WriteError(format!(
                "{} is not rolegen's (not in {MANIFEST}) but rolegen would now generate it; move it away",
                from.join(&rel).display()
            )));
        }
        if let Some(parent) = dst.parent() {
            fs::create_dir_all(parent).map_err(|e| err("cannot create", parent, e))?;
        }
        fs::copy(from.join(&rel), &dst).map_err(|e| err("cannot copy", &dst, e))?;
    }
    Ok(())
}

/// Every file below `root`, as relative paths, sorted.
pub fn walk(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in fs::read_dir(root.join(&rel))? {
            let entry = entry?;
            let ty = entry.file_type()?;
            let r = rel.join(entry.file_name());
            if ty.is_dir() {
                stack.push(r);
            } else {
                out.push(r);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Removes an owned module folder that no spec generates any more.
pub fn remove_module(out: &Path, module: &str) -> Result<(), WriteError> {
    let dir = out.join(module);
    let Some(owned) = read_manifest(&dir) else {
        return Ok(());
    };
    for f in &owned {
        let p = dir.join(f);
        if p.exists() {
            fs::remove_file(&p).map_err(|e| err("cannot remove", &p, e))?;
        }
    }
    let _ = fs::remove_file(dir.join(MANIFEST));
    // Remove folders left empty, deepest first; keep anything a user put there.
    let mut dirs: Vec<PathBuf> = owned
        .iter()
        .filter_map(|f| Path::new(f).parent().map(|p| dir.join(p)))
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    dirs.dedup();
    for d in dirs.into_iter().chain(std::iter::once(dir)) {
        if dir_is_empty(&d) {
            let _ = fs::remove_dir(&d);
        }
    }
    Ok(())
}

/// Module folders under `out` that rolegen owns.
pub fn owned_modules(out: &Path) -> Vec<String> {
    let Ok(rd) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(Result::ok)
        .filter(|e| e.path().join(MANIFEST).is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    v.sort();
    v
}

/// One difference between the disk and what a build would write.
#[derive(Debug, PartialEq, Eq)]
pub enum Drift {
    /// A file would be created.
    Missing(PathBuf),
    /// A file differs; the unified diff (disk → generated).
    Changed(PathBuf, String),
    /// An owned file that would be removed.
    Stale(PathBuf),
}

/// Compares a module's generated files with the disk.
pub fn check_module(out: &Path, module: &str, files: &[OutputFile]) -> Vec<Drift> {
    let dir = out.join(module);
    let mut drift = Vec::new();
    let generated: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for f in files {
        let p = dir.join(&f.path);
        match fs::read(&p) {
            Err(_) => drift.push(Drift::Missing(p)),
            Ok(bytes) if bytes == f.contents.as_bytes() => {}
            Ok(bytes) => {
                let old = String::from_utf8_lossy(&bytes);
                let diff = similar::TextDiff::from_lines(old.as_ref(), f.contents.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("a/{module}/{}", f.path),
                        &format!("b/{module}/{}", f.path),
                    )
                    .to_string();
                drift.push(Drift::Changed(p, diff));
            }
        }
    }
    if let Some(owned) = read_manifest(&dir) {
        for f in owned {
            if !generated.contains(f.as_str()) && dir.join(&f).exists() {
                drift.push(Drift::Stale(dir.join(f)));
            }
        }
    }
    drift
}

/// Heals what a killed build can leave behind: a module moved aside but not replaced is put
/// back, and staging folders of earlier builds are removed.
fn recover(out: &Path, module: &str, target: &Path) -> Result<(), WriteError> {
    let backup = out.join(format!(".rolegen-old-{module}"));
    if backup.exists() && !target.exists() {
        fs::rename(&backup, target).map_err(|e| err("cannot restore", &backup, e))?;
    }
    let prefix = format!(".rolegen-new-{module}-");
    if let Ok(rd) = fs::read_dir(out) {
        for e in rd.filter_map(Result::ok) {
            if e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix))
            {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(())
}
