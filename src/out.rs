//! Writing modules to disk atomically, and checking the disk against what would be written.
//!
//! Each module folder carries `.rolegen-manifest`, the list of files rolegen owns there. A
//! build first checks every module it will write (a folder it does not own, a user file where
//! a generated one would go, a link: refused before anything is written), then for each one
//! assembles the whole new folder beside the old one (same filesystem), carries over the
//! entries it does not own (hard links: nothing is copied, links and FIFOs stay what they
//! are), and swaps the folders with two renames; a failed or killed build leaves the old
//! folder in place, and the next build heals what it left. Builds hold a lock on the output
//! folder, so concurrent builds take turns. Nothing outside `--out` is touched, nothing is
//! reached through a symbolic link, and no file rolegen did not write is ever removed.

use crate::emit::OutputFile;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a module folder.
pub const MANIFEST: &str = ".rolegen-manifest";
/// Name prefixes of a build's staging folder and of a module folder moved aside during the
/// swap (both beside the module folders under `--out`).
const STAGING: &str = ".rolegen-new-";
const BACKUP: &str = ".rolegen-old-";
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

/// Files listed in a module folder's manifest: `Ok(None)` if the folder has none, an error if
/// it cannot be read (rather than taking an unreadable manifest for a missing one).
pub fn read_manifest(dir: &Path) -> Result<Option<BTreeSet<String>>, WriteError> {
    let path = dir.join(MANIFEST);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err("cannot read", &path, e)),
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        WriteError(format!(
            "{} is not UTF-8 text; rolegen wrote it as a list of file names: restore it from version control, or remove the module folder and build again",
            path.display()
        ))
    })?;
    Ok(Some(
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter(|l| safe_relative(l))
            .map(str::to_owned)
            .collect(),
    ))
}

/// A manifest entry must stay inside its folder.
fn safe_relative(p: &str) -> bool {
    let path = Path::new(p);
    !path.is_absolute()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// `dir/rel`, if every folder on the way below `dir` is a real folder: an entry reached
/// through a symbolic link (or through a file) is not rolegen's to touch, whatever the
/// manifest says.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let parts: Vec<_> = Path::new(rel).components().collect();
    let mut p = dir.to_path_buf();
    for (i, c) in parts.iter().enumerate() {
        p.push(c);
        if i + 1 < parts.len() && !fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
            return None;
        }
    }
    Some(p)
}

/// An advisory lock on the output folder (`flock` on the folder itself), held while a build
/// writes (exclusive) or a check reads (shared): concurrent builds take turns instead of
/// interleaving their folder swaps. Where a folder cannot be opened or locked (some network
/// filesystems, non-Unix systems), builds go on unlocked.
struct Lock(#[allow(dead_code)] Option<fs::File>);

#[cfg(unix)]
fn lock(out: &Path, exclusive: bool) -> Result<Lock, WriteError> {
    use rustix::fs::{flock, FlockOperation};
    let Ok(f) = fs::File::open(out) else {
        return Ok(Lock(None));
    };
    let op = if exclusive {
        FlockOperation::LockExclusive
    } else {
        FlockOperation::LockShared
    };
    match flock(&f, op) {
        Ok(()) => Ok(Lock(Some(f))),
        Err(e) if e == rustix::io::Errno::NOSYS || e == rustix::io::Errno::OPNOTSUPP => {
            Ok(Lock(None))
        }
        Err(e) => Err(err("cannot lock", out, e.into())),
    }
}

#[cfg(not(unix))]
fn lock(_out: &Path, _exclusive: bool) -> Result<Lock, WriteError> {
    Ok(Lock(None))
}

/// The state of a module folder before a build writes it: the files rolegen owns there.
fn owned_files(target: &Path) -> Result<Option<BTreeSet<String>>, WriteError> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(err("cannot read", target, e)),
        Ok(m) if m.file_type().is_symlink() => Err(WriteError(format!(
            "{} is a symbolic link; rolegen writes module folders itself, never through a link: remove the link, or point --out at the folder it leads to",
            target.display()
        ))),
        Ok(m) if !m.is_dir() => Err(WriteError(format!(
            "{} is a file, not a module folder; move it away or pick another --out",
            target.display()
        ))),
        Ok(_) => match read_manifest(target)? {
            Some(m) => Ok(Some(m)),
            None if dir_is_empty(target) => Ok(Some(BTreeSet::new())),
            None => Err(WriteError(format!(
                "{} exists but was not written by rolegen (no {MANIFEST}); move it away or pick another --out",
                target.display()
            ))),
        },
    }
}

/// A file the user put in a module folder, at a path rolegen would now generate.
fn clash(target: &Path, owned: &BTreeSet<String>, files: &[OutputFile]) -> Result<(), WriteError> {
    for f in files {
        if owned.contains(&f.path) || f.path == MANIFEST {
            continue;
        }
        let mut p = target.to_path_buf();
        for c in Path::new(&f.path).components() {
            p.push(c);
            match fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() && p != target.join(&f.path) => continue,
                Ok(_) => {
                    return Err(WriteError(format!(
                        "{} is not rolegen's (not in {MANIFEST}) but rolegen would now generate {}; move it away",
                        p.display(),
                        target.join(&f.path).display()
                    )))
                }
                Err(_) => break,
            }
        }
    }
    Ok(())
}

/// What a build did besides writing its modules.
#[derive(Debug, Default)]
pub struct Written {
    /// Modules removed because no spec generates them any more: the folder, and how many
    /// files not written by rolegen were kept there.
    pub removed: Vec<(PathBuf, usize)>,
    /// Problems that did not stop the build (a leftover folder that could not be removed).
    pub warnings: Vec<String>,
}

/// Writes several module folders under `out`, each atomically. Every module is checked
/// before any is written (a folder rolegen does not own, a user file where a generated one
/// would go, a link), so a refused build changes nothing. With `remove_stale`, module folders
/// rolegen owns that none of `modules` names are removed (only their generated files).
/// Holds the output folder's lock throughout.
pub fn write_modules(
    out: &Path,
    modules: &[(&str, &[OutputFile])],
    remove_stale: bool,
) -> Result<Written, WriteError> {
    fs::create_dir_all(out).map_err(|e| err("cannot create", out, e))?;
    let _lock = lock(out, true)?;
    let mut written = Written::default();
    recover(out, &mut written.warnings)?;
    let mut owned = Vec::with_capacity(modules.len());
    for (module, files) in modules {
        let target = out.join(module);
        let o = owned_files(&target)?;
        if let Some(o) = &o {
            clash(&target, o, files)?;
        }
        owned.push(o);
    }
    let stale: Vec<String> = if remove_stale {
        owned_modules(out)
            .into_iter()
            .filter(|m| !modules.iter().any(|(n, _)| n == m))
            .collect()
    } else {
        Vec::new()
    };
    for m in &stale {
        read_manifest(&out.join(m))?;
    }
    for ((module, files), o) in modules.iter().zip(&owned) {
        swap_in(out, module, files, o.as_ref(), &mut written.warnings)?;
    }
    for m in stale {
        written.removed.push(remove_module(out, &m)?);
    }
    Ok(written)
}

/// Writes one module folder atomically (see [`write_modules`]). `files` must include the
/// manifest.
pub fn write_module(out: &Path, module: &str, files: &[OutputFile]) -> Result<(), WriteError> {
    write_modules(out, &[(module, files)], false).map(|_| ())
}

/// Builds the new folder beside the old one, then swaps them with two renames.
fn swap_in(
    out: &Path,
    module: &str,
    files: &[OutputFile],
    owned: Option<&BTreeSet<String>>,
    warnings: &mut Vec<String>,
) -> Result<(), WriteError> {
    let target = out.join(module);
    let staging = tempfile::Builder::new()
        .prefix(&format!("{STAGING}{module}-"))
        .tempdir_in(out)
        .map_err(|e| err("cannot create a staging folder in", out, e))?;
    write_files(staging.path(), files)?;
    if let Some(owned) = owned {
        carry_over(&target, staging.path(), owned)?;
    }
    // Fsync is not needed for correctness of the swap on one filesystem; keep the build fast.
    let backup = out.join(format!("{BACKUP}{module}"));
    if owned.is_some() {
        if let Err(e) = fs::rename(&target, &backup) {
            return Err(err("cannot move aside", &target, e)); // staging is removed on drop
        }
    }
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, &target) {
        // Put the old folder back.
        let _ = fs::rename(&backup, &target);
        let _ = fs::remove_dir_all(&staged);
        return Err(err("cannot move into place", &target, e));
    }
    if owned.is_some() {
        if let Err(e) = fs::remove_dir_all(&backup) {
            warnings.push(format!(
                "cannot remove the previous copy {}: {e}; remove it by hand",
                backup.display()
            ));
        }
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

/// Carries every entry of `from` that rolegen does not own into `to`, as it is: files,
/// FIFOs and symbolic links are hard-linked (no copy: a `.terraform` provider cache costs
/// nothing, modes, owners and times stay), folders are recreated (empty ones too). Where a
/// hard link is refused, files are copied (keeping their modification time) and links
/// recreated.
fn carry_over(from: &Path, to: &Path, owned: &BTreeSet<String>) -> Result<(), WriteError> {
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let here = from.join(&rel);
        let entries = fs::read_dir(&here).map_err(|e| err("cannot list", &here, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| err("cannot list", &here, e))?;
            let ty = entry
                .file_type()
                .map_err(|e| err("cannot read", &entry.path(), e))?;
            let r = rel.join(entry.file_name());
            let src = from.join(&r);
            let dst = to.join(&r);
            if ty.is_dir() {
                match fs::symlink_metadata(&dst) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => return Err(not_ours(&src)),
                    Err(_) => {
                        fs::create_dir(&dst).map_err(|e| err("cannot create", &dst, e))?;
                        if let Ok(m) = fs::metadata(&src) {
                            let _ = fs::set_permissions(&dst, m.permissions());
                        }
                    }
                }
                stack.push(r);
                continue;
            }
            let key = r.to_string_lossy().replace('\\', "/");
            if owned.contains(&key) || key == MANIFEST {
                continue;
            }
            if fs::symlink_metadata(&dst).is_ok() {
                return Err(not_ours(&src));
            }
            link_or_copy(&src, &dst, ty).map_err(|e| err("cannot carry over", &src, e))?;
        }
    }
    Ok(())
}

fn not_ours(p: &Path) -> WriteError {
    WriteError(format!(
        "{} is not rolegen's (not in {MANIFEST}) but rolegen would now generate it; move it away",
        p.display()
    ))
}

fn link_or_copy(src: &Path, dst: &Path, ty: fs::FileType) -> io::Result<()> {
    let Err(e) = fs::hard_link(src, dst) else {
        return Ok(());
    };
    if ty.is_file() {
        fs::copy(src, dst)?;
        let modified = fs::metadata(src)?.modified()?;
        return fs::File::options()
            .write(true)
            .open(dst)?
            .set_modified(modified);
    }
    #[cfg(unix)]
    if ty.is_symlink() {
        return std::os::unix::fs::symlink(fs::read_link(src)?, dst);
    }
    Err(e)
}

/// Every file below `root` (anything but a folder; links are not followed), as relative
/// paths, sorted.
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

/// Removes the generated files of a module folder that no spec generates any more, and the
/// folders they leave empty; files a user put there stay (their count is returned). Nothing
/// reached through a symbolic link is touched.
fn remove_module(out: &Path, module: &str) -> Result<(PathBuf, usize), WriteError> {
    let dir = out.join(module);
    let owned = read_manifest(&dir)?.unwrap_or_default();
    for f in &owned {
        let Some(p) = inside(&dir, f) else { continue };
        if fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&p).map_err(|e| err("cannot remove", &p, e))?;
        }
    }
    let manifest = dir.join(MANIFEST);
    fs::remove_file(&manifest).map_err(|e| err("cannot remove", &manifest, e))?;
    // Remove folders left empty, deepest first; keep anything a user put there.
    let mut dirs: Vec<PathBuf> = owned
        .iter()
        .filter_map(|f| inside(&dir, f))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .filter(|p| p != &dir)
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    dirs.dedup();
    for d in dirs.into_iter().chain(std::iter::once(dir.clone())) {
        if fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir()) && dir_is_empty(&d) {
            let _ = fs::remove_dir(&d);
        }
    }
    let kept = if dir.exists() {
        walk(&dir).map_or(0, |v| v.len())
    } else {
        0
    };
    Ok((dir, kept))
}

/// Module folders under `out` that rolegen owns: real folders (not links, not rolegen's own
/// staging or moved-aside folders) with a manifest.
pub fn owned_modules(out: &Path) -> Vec<String> {
    let Ok(rd) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.path().join(MANIFEST).is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| !n.starts_with(".rolegen-"))
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
    /// An owned module folder no spec generates any more (its generated files would be
    /// removed).
    StaleModule(PathBuf),
}

/// Compares the modules' generated files with the disk (under the output folder's shared
/// lock); with `whole_out`, module folders rolegen owns that no module names are stale too.
/// A disk rolegen cannot compare with (an `--out` that is a file, a folder where a generated
/// file goes, an unreadable manifest) is an error, not drift.
pub fn check_modules(
    out: &Path,
    modules: &[(&str, &[OutputFile])],
    whole_out: bool,
) -> Result<Vec<Drift>, WriteError> {
    match fs::metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(err("cannot read", out, e)),
        Ok(m) if !m.is_dir() => {
            return Err(WriteError(format!(
                "{} is not a folder; point --out at the folder the modules were built into",
                out.display()
            )))
        }
        Ok(_) => {}
    }
    let _lock = lock(out, false)?;
    let mut drift = Vec::new();
    for (module, files) in modules {
        check_module(out, module, files, &mut drift)?;
    }
    if whole_out {
        for m in owned_modules(out) {
            if !modules.iter().any(|(n, _)| *n == m) {
                drift.push(Drift::StaleModule(out.join(m)));
            }
        }
    }
    Ok(drift)
}

fn check_module(
    out: &Path,
    module: &str,
    files: &[OutputFile],
    drift: &mut Vec<Drift>,
) -> Result<(), WriteError> {
    let dir = out.join(module);
    let generated: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for f in files {
        let p = dir.join(&f.path);
        match fs::read(&p) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => drift.push(Drift::Missing(p)),
            Err(e) => return Err(err("cannot read", &p, e)),
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
    if fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        for f in read_manifest(&dir)?.unwrap_or_default() {
            if generated.contains(f.as_str()) {
                continue;
            }
            if let Some(p) = inside(&dir, &f) {
                if fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
                    drift.push(Drift::Stale(p));
                }
            }
        }
    }
    Ok(())
}

/// Heals what a killed build can leave behind (called under the exclusive lock, so nothing
/// found here belongs to a build still running): a module moved aside but not replaced is
/// put back, a moved-aside copy whose module is in place and every staging folder are
/// removed.
fn recover(out: &Path, warnings: &mut Vec<String>) -> Result<(), WriteError> {
    let Ok(rd) = fs::read_dir(out) else {
        return Ok(());
    };
    let mut leftovers: Vec<(PathBuf, String)> = rd
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.path(), e.file_name().to_str()?.to_owned())))
        .filter(|(_, n)| n.starts_with(STAGING) || n.starts_with(BACKUP))
        .collect();
    leftovers.sort();
    for (path, name) in leftovers {
        if let Some(module) = name.strip_prefix(BACKUP) {
            let target = out.join(module);
            if fs::symlink_metadata(&target).is_err() {
                fs::rename(&path, &target).map_err(|e| err("cannot restore", &path, e))?;
                continue;
            }
        }
        if let Err(e) = fs::remove_dir_all(&path) {
            warnings.push(format!(
                "cannot remove {} (left by an earlier build): {e}; remove it by hand",
                path.display()
            ));
        }
    }
    Ok(())
}
