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
//!
//! A check compares the same folders with what a build would write; besides the bytes, an
//! owned file must be a plain file with the mode a build gives it, and no file rolegen does
//! not own may sit where it would be deployed with the module (see [`ownership`]).

pub mod ownership;

use crate::emit::OutputFile;
use ownership::{ForeignFile, Shape};
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

/// Replaces a file the user named (`fmt`, `import -o --force`) through
/// [`replace_file`], keeping its owner and group.
///
/// `replace_file` renames a new file into place, a new inode owned by whoever runs rolegen:
/// run as root (a CI container, `sudo`), `fmt` turned a user's spec into a root-owned file
/// the user could no longer write. The original owner and group are put back afterwards.
/// Only root can give a file away: for anyone else a refusal is expected and ignored (the
/// file then belongs to them, as with any editor that saves by renaming).
pub fn replace_keeping_owner(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let before = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file);
    replace_file(path, bytes)?;
    #[cfg(unix)]
    if let (Some(before), Ok(now)) = (before, std::fs::metadata(path)) {
        use std::os::unix::fs::MetadataExt;
        if (now.uid(), now.gid()) != (before.uid(), before.gid()) {
            let chowned = std::os::unix::fs::chown(path, Some(before.uid()), Some(before.gid()))
                // chown clears set-user/group-id bits: the mode replace_file kept, again.
                .and_then(|()| std::fs::set_permissions(path, before.permissions()));
            if now.uid() == 0 {
                chowned?;
            }
        }
    }
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
    // Never read through a link (rolegen would own what another folder lists) or from a FIFO
    // (the read would block).
    match fs::symlink_metadata(&path).map(|m| ownership::shape(&m)) {
        Ok(Some(Shape::NotAFile(what))) => {
            return Err(WriteError(format!(
                "{} is {what}; rolegen wrote it as a plain file listing the files it owns: restore it from version control, or remove the module folder and build again",
                path.display()
            )))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err("cannot read", &path, e)),
        Ok(_) => {}
    }
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
    let (try_op, op) = if exclusive {
        (
            FlockOperation::NonBlockingLockExclusive,
            FlockOperation::LockExclusive,
        )
    } else {
        (
            FlockOperation::NonBlockingLockShared,
            FlockOperation::LockShared,
        )
    };
    let locked = match flock(&f, try_op) {
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
            // Said once, so a build that seems to hang is explained.
            eprintln!(
                "waiting for another rolegen build or check of {} to finish...",
                out.display()
            );
            flock(&f, op)
        }
        other => other,
    };
    match locked {
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

/// Where rolegen would write a generated file but cannot: a user file at a path rolegen now
/// generates, or anything but a real folder where a generated file's folder goes (a link, a
/// file), or a folder where an owned file is.
fn clash(target: &Path, owned: &BTreeSet<String>, files: &[OutputFile]) -> Result<(), WriteError> {
    for f in files {
        let full = target.join(&f.path);
        let mut p = target.to_path_buf();
        for c in Path::new(&f.path).components() {
            p.push(c);
            let Ok(m) = fs::symlink_metadata(&p) else {
                break;
            };
            let last = p == full;
            let problem = if !last && !m.is_dir() {
                if m.file_type().is_symlink() {
                    "is a symbolic link"
                } else {
                    "is a file"
                }
            } else if last && m.is_dir() {
                "is a folder"
            } else if last && !owned.contains(&f.path) && f.path != MANIFEST {
                "is not rolegen's (not in .rolegen-manifest)"
            } else {
                continue;
            };
            return Err(WriteError(format!(
                "{} {problem}, but rolegen generates {}; move it away",
                p.display(),
                full.display()
            )));
        }
    }
    Ok(())
}

/// Whether the module folder already holds exactly `files` (the manifest among them, so no
/// stale generated file either), each a plain file with a mode a build gives it: then a build
/// leaves it alone — no new inodes, no new times, nothing to carry over.
fn in_sync(target: &Path, files: &[OutputFile]) -> bool {
    let sizes_match = files.iter().all(|f| {
        fs::symlink_metadata(target.join(&f.path)).is_ok_and(|m| {
            m.is_file() && ownership::shape(&m).is_none() && m.len() == f.contents.len() as u64
        })
    });
    sizes_match
        && files
            .iter()
            .all(|f| fs::read(target.join(&f.path)).is_ok_and(|b| b == f.contents.as_bytes()))
}

/// What a build did besides writing its modules.
#[derive(Debug, Default)]
pub struct Written {
    /// Modules removed because no spec generates them any more: the folder, and how many
    /// files not written by rolegen were kept there.
    pub removed: Vec<(PathBuf, usize)>,
    /// Modules already up to date, left untouched.
    pub unchanged: usize,
}

/// Writes several module folders under `out`, each atomically. Every module is checked
/// before any is written (a folder rolegen does not own, a user file where a generated one
/// would go, a link), and every changed module is staged in full before the first is swapped
/// in, so a refused or failed build changes nothing (only a rename failing between two swaps
/// can leave earlier modules new). Modules already up to date are left alone. Files rolegen
/// does not own where they would be deployed with a module are kept, with a warning. With
/// `remove_stale`, module folders rolegen owns that none of `modules` names are removed (only
/// their generated files). Holds the output folder's lock throughout. Problems that do not
/// stop the build are pushed to `warnings` (on failure too).
pub fn write_modules(
    out: &Path,
    modules: &[(&str, &[OutputFile])],
    remove_stale: bool,
    warnings: &mut Vec<String>,
) -> Result<Written, WriteError> {
    fs::create_dir_all(out).map_err(|e| err("cannot create", out, e))?;
    let _lock = lock(out, true)?;
    let mut written = Written::default();
    recover(out, warnings)?;
    let mut plans = Vec::with_capacity(modules.len());
    for (module, files) in modules {
        let target = out.join(module);
        let owned = owned_files(&target)?;
        if let Some(o) = &owned {
            clash(&target, o, files)?;
            for f in foreign_files(&target, o, files)? {
                warnings.push(format!(
                    "{f}. rolegen keeps it (it never deletes a file it did not write), and `rolegen check` reports it as drift until it is gone"
                ));
            }
            if in_sync(&target, files) {
                written.unchanged += 1;
                continue;
            }
        }
        plans.push((*module, *files, owned));
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
    // Stage everything first: a failure here drops every staging folder, nothing else moved.
    let mut staged = Vec::with_capacity(plans.len());
    for (module, files, owned) in plans {
        staged.push(stage(out, module, files, owned)?);
    }
    for s in staged {
        swap_in(out, s, warnings)?;
    }
    for m in stale {
        written.removed.push(remove_module(out, &m)?);
    }
    Ok(written)
}

/// Writes one module folder atomically (see [`write_modules`]). `files` must include the
/// manifest.
pub fn write_module(out: &Path, module: &str, files: &[OutputFile]) -> Result<(), WriteError> {
    write_modules(out, &[(module, files)], false, &mut Vec::new()).map(|_| ())
}

/// A module's new folder, complete, beside the old one.
struct Staged<'a> {
    module: &'a str,
    dir: tempfile::TempDir,
    /// The old folder's generated files (None: there was no old folder).
    owned: Option<BTreeSet<String>>,
    carried: Carried,
}

fn stage<'a>(
    out: &Path,
    module: &'a str,
    files: &[OutputFile],
    owned: Option<BTreeSet<String>>,
) -> Result<Staged<'a>, WriteError> {
    let target = out.join(module);
    let prefix = format!("{STAGING}{module}-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // A new module folder gets the mode any new folder gets (0777 less the umask), not
    // tempfile's private 0700.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let dir = builder
        .tempdir_in(out)
        .map_err(|e| err("cannot create a staging folder in", out, e))?;
    write_files(dir.path(), files)?;
    let carried = match &owned {
        Some(o) => {
            let c = carry_over(&target, dir.path(), o)?;
            // The module folder itself keeps its mode and owner (a folder kept private
            // because it holds state stays private).
            same_mode_and_owner(&target, dir.path());
            c
        }
        None => Carried::default(),
    };
    Ok(Staged {
        module,
        dir,
        owned,
        carried,
    })
}

/// Swaps a staged folder in with two renames; the old folder goes to a fresh
/// `.rolegen-old-<module>-XXXXXX` (never a name an earlier build may have left), and what is
/// left in it is then settled into the new folder (see [`settle`]).
fn swap_in(out: &Path, s: Staged, warnings: &mut Vec<String>) -> Result<(), WriteError> {
    let target = out.join(s.module);
    // Fsync is not needed for correctness of the swap on one filesystem; keep the build fast.
    let backup = match &s.owned {
        None => None,
        Some(_) => {
            let b = tempfile::Builder::new()
                .prefix(&format!("{BACKUP}{}-", s.module))
                .tempdir_in(out)
                .map_err(|e| err("cannot create a folder in", out, e))?
                .keep();
            // Renaming a folder over an empty one replaces it.
            if let Err(e) = fs::rename(&target, &b) {
                let _ = fs::remove_dir(&b);
                return Err(err("cannot move aside", &target, e)); // staging removed on drop
            }
            Some(b)
        }
    };
    let staged = s.dir.keep();
    if let Err(e) = fs::rename(&staged, &target) {
        // Put the old folder back.
        if let Some(b) = &backup {
            let _ = fs::rename(b, &target);
        }
        let _ = fs::remove_dir_all(&staged);
        return Err(err("cannot move into place", &target, e));
    }
    if let (Some(b), Some(owned)) = (backup, &s.owned) {
        settle(&b, &target, owned, Some(&s.carried), warnings);
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
    let write = |i: usize| create_file(&paths[i], files[i].contents.as_bytes()).map_err(|e| (i, e));
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

/// Creates a new file holding `bytes`, with the mode every generated file gets (see
/// [`ownership::FILE_MODE`]).
fn create_file(p: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, ownership::FILE_MODE);
    options.open(p)?.write_all(bytes)
}

fn dir_is_empty(p: &Path) -> bool {
    fs::read_dir(p)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

/// The identity of a file system entry (device and inode), to tell "the entry a build carried
/// over" from "an entry that appeared or was replaced while it ran".
#[cfg(unix)]
fn identity(m: &fs::Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_m: &fs::Metadata) -> Option<Identity> {
    None
}

/// What [`carry_over`] put into a new folder: for each entry (relative path), the identity of
/// the original in the old folder and of the entry in the new one (the same for a hard link).
#[derive(Default)]
struct Carried(std::collections::HashMap<String, (Option<Identity>, Option<Identity>)>);

/// Device and inode.
type Identity = (u64, u64);

/// Gives `dst` the mode and, where allowed, the owner and group of `src`.
fn same_mode_and_owner(src: &Path, dst: &Path) {
    let Ok(m) = fs::symlink_metadata(src) else {
        return;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Refused unless rolegen runs as root or already owns both: then nothing changes.
        let _ = std::os::unix::fs::lchown(dst, Some(m.uid()), Some(m.gid()));
    }
    if !m.file_type().is_symlink() {
        let _ = fs::set_permissions(dst, m.permissions());
    }
}

/// Carries every entry of `from` that rolegen does not own into `to`, as it is: files,
/// FIFOs and symbolic links are hard-linked (no copy: a `.terraform` provider cache costs
/// nothing; modes, owners and times stay), folders are recreated with their mode and owner
/// (empty ones too). Where a hard link is refused, files are copied (keeping their time,
/// mode and, where allowed, owner) and links recreated. A mount point inside the folder is
/// refused: its files cannot be linked, and the old folder would take the mount with it.
fn carry_over(from: &Path, to: &Path, owned: &BTreeSet<String>) -> Result<Carried, WriteError> {
    let mut carried = Carried::default();
    let mut folders = Vec::new();
    let root_dev = fs::metadata(from)
        .ok()
        .and_then(|m| identity(&m))
        .map(|i| i.0);
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let here = from.join(&rel);
        let entries = fs::read_dir(&here).map_err(|e| err("cannot list", &here, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| err("cannot list", &here, e))?;
            let r = rel.join(entry.file_name());
            let src = from.join(&r);
            let dst = to.join(&r);
            let meta = fs::symlink_metadata(&src).map_err(|e| err("cannot read", &src, e))?;
            if meta.is_dir() {
                if root_dev.is_some() && identity(&meta).map(|i| i.0) != root_dev {
                    return Err(WriteError(format!(
                        "{} is a mount point; rolegen cannot rebuild a module folder that holds one: mount it outside --out",
                        src.display()
                    )));
                }
                match fs::symlink_metadata(&dst) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => return Err(not_ours(&src, &dst)),
                    Err(_) => {
                        fs::create_dir(&dst).map_err(|e| err("cannot create", &dst, e))?;
                        folders.push((src.clone(), dst.clone()));
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
                return Err(not_ours(&src, &dst));
            }
            link_or_copy(&src, &dst, meta.file_type())
                .map_err(|e| err("cannot carry over", &src, e))?;
            let new = fs::symlink_metadata(&dst).ok().and_then(|m| identity(&m));
            carried.0.insert(key, (identity(&meta), new));
        }
    }
    // Modes last, deepest first: a read-only folder is filled before it becomes read-only.
    for (src, dst) in folders.iter().rev() {
        same_mode_and_owner(src, dst);
    }
    Ok(carried)
}

fn not_ours(src: &Path, generated: &Path) -> WriteError {
    WriteError(format!(
        "{} is not rolegen's (not in {MANIFEST}), but rolegen generates {}; move it away",
        src.display(),
        generated.display()
    ))
}

fn link_or_copy(src: &Path, dst: &Path, ty: fs::FileType) -> io::Result<()> {
    let Err(e) = fs::hard_link(src, dst) else {
        return Ok(());
    };
    if ty.is_file() {
        fs::copy(src, dst)?;
        let modified = fs::metadata(src)?.modified()?;
        fs::File::options()
            .write(true)
            .open(dst)?
            .set_modified(modified)?;
        same_mode_and_owner(src, dst);
        return Ok(());
    }
    #[cfg(unix)]
    if ty.is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(src)?, dst)?;
        same_mode_and_owner(src, dst);
        return Ok(());
    }
    Err(e)
}

/// Empties the old folder of a module after its new folder took its place (or a leftover of
/// a killed build whose module is in place), never losing what a user put there: generated
/// files and entries the new folder already has (the same inode: carried over unchanged) are
/// removed; anything that appeared or was replaced while the build ran is moved into the new
/// folder (a replaced entry over the copy the build carried); whatever cannot be moved stays,
/// with a warning, and the old folder is kept for it. Folders left empty are removed.
fn settle(
    old: &Path,
    new: &Path,
    owned: &BTreeSet<String>,
    carried: Option<&Carried>,
    warnings: &mut Vec<String>,
) {
    let mut kept = 0usize;
    let mut folders = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = fs::read_dir(old.join(&rel)) else {
            kept += 1;
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let r = rel.join(entry.file_name());
            let src = old.join(&r);
            let dst = new.join(&r);
            let Ok(meta) = fs::symlink_metadata(&src) else {
                continue;
            };
            if meta.is_dir() {
                if fs::symlink_metadata(&dst).is_err() && fs::create_dir(&dst).is_ok() {
                    same_mode_and_owner(&src, &dst);
                }
                folders.push(src);
                stack.push(r);
                continue;
            }
            let key = r.to_string_lossy().replace('\\', "/");
            let id = identity(&meta);
            let in_new = fs::symlink_metadata(&dst).ok();
            let in_new_id = in_new.as_ref().and_then(identity);
            let (unchanged, replaceable) = match carried.and_then(|c| c.0.get(&key)) {
                // Carried over: unchanged if it is still the same entry.
                Some((was, now)) => (id.is_some() && id == *was, in_new_id == *now),
                // Not carried (generated, or new since): the same inode is the same entry.
                None => (id.is_some() && id == in_new_id, in_new.is_none()),
            };
            let generated = owned.contains(&key) || key == MANIFEST;
            if generated || unchanged {
                let _ = fs::remove_file(&src);
            } else if (in_new.is_none() || replaceable) && fs::rename(&src, &dst).is_ok() {
                // Moved into the new folder.
            } else {
                kept += 1;
            }
        }
    }
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for f in folders.iter().chain(std::iter::once(&old.to_path_buf())) {
        if dir_is_empty(f) {
            let _ = fs::remove_dir(f);
        }
    }
    if old.exists() {
        warnings.push(format!(
            "kept {} ({kept} entr(ies) could not be moved into {}): look through it and remove it",
            old.display(),
            new.display()
        ));
    }
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
    // Every folder between a file and the module's folder (`examples/terraform` and `examples`).
    let mut dirs: Vec<PathBuf> = owned
        .iter()
        .filter_map(|f| inside(&dir, f))
        .flat_map(|p| {
            p.ancestors()
                .skip(1)
                .take_while(|a| a.starts_with(&dir) && *a != dir)
                .map(Path::to_path_buf)
                .collect::<Vec<_>>()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
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
    /// An owned file that is not what a build writes besides its bytes: a link, a FIFO, an
    /// executable or world-writable mode (a build rewrites it).
    Shape(PathBuf, Shape),
    /// A file rolegen does not own where it would be deployed with the module (a build keeps
    /// it: only its owner can remove it).
    Foreign(ForeignFile),
}

impl Drift {
    /// The file (or module folder) it is about.
    pub fn path(&self) -> &Path {
        match self {
            Drift::Missing(p)
            | Drift::Changed(p, _)
            | Drift::Stale(p)
            | Drift::StaleModule(p)
            | Drift::Shape(p, _) => p,
            Drift::Foreign(f) => &f.path,
        }
    }
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
    let prefix = diff_prefix(out);
    for (module, files) in modules {
        check_module(out, &prefix, module, files, &mut drift)?;
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

/// Where `out` is for the diff headers of `check`: relative to the root of the Git working
/// tree it is in (so the patch applies with `git apply` there, from whatever folder `check`
/// ran), else as given; `/`-separated, with a trailing `/` unless empty.
fn diff_prefix(out: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let absolute = match (&cwd, out.is_absolute()) {
        (Some(cwd), false) => cwd.join(out),
        _ => out.to_path_buf(),
    };
    let absolute = fs::canonicalize(&absolute).unwrap_or(absolute);
    let root = absolute
        .ancestors()
        .find(|a| fs::symlink_metadata(a.join(".git")).is_ok());
    let relative = match root.and_then(|r| absolute.strip_prefix(r).ok()) {
        Some(r) => r.to_path_buf(),
        None => out.to_path_buf(),
    };
    let mut prefix: String = relative
        .components()
        .filter(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::ParentDir
            )
        })
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    prefix
}

fn check_module(
    out: &Path,
    prefix: &str,
    module: &str,
    files: &[OutputFile],
    drift: &mut Vec<Drift>,
) -> Result<(), WriteError> {
    let dir = out.join(module);
    // What a build would refuse, check refuses too (a link, a folder rolegen does not own, a
    // user file where a generated one goes).
    let owned = owned_files(&dir)?.unwrap_or_default();
    clash(&dir, &owned, files)?;
    let generated: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for f in files {
        let p = dir.join(&f.path);
        // Never read through a link or from a FIFO (which would block): their shape is the
        // drift.
        match fs::symlink_metadata(&p) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                drift.push(Drift::Missing(p));
                continue;
            }
            Err(e) => return Err(err("cannot read", &p, e)),
            Ok(m) => match ownership::shape(&m) {
                Some(s @ Shape::NotAFile(_)) => {
                    drift.push(Drift::Shape(p, s));
                    continue;
                }
                Some(s) => drift.push(Drift::Shape(p.clone(), s)),
                None => {}
            },
        }
        match fs::read(&p) {
            Err(e) => return Err(err("cannot read", &p, e)),
            Ok(bytes) if bytes == f.contents.as_bytes() => {}
            Ok(bytes) => {
                let old = String::from_utf8_lossy(&bytes);
                let diff = similar::TextDiff::from_lines(old.as_ref(), f.contents.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("a/{prefix}{module}/{}", f.path),
                        &format!("b/{prefix}{module}/{}", f.path),
                    )
                    .to_string();
                drift.push(Drift::Changed(p, diff));
            }
        }
    }
    for f in &owned {
        if generated.contains(f.as_str()) {
            continue;
        }
        if let Some(p) = inside(&dir, f) {
            if fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
                drift.push(Drift::Stale(p));
            }
        }
    }
    drift.extend(
        foreign_files(&dir, &owned, files)?
            .into_iter()
            .map(Drift::Foreign),
    );
    Ok(())
}

/// The files of module folder `dir` that rolegen neither owns (`owned`, from its manifest) nor
/// generates (`files`) but that would be deployed with the module.
fn foreign_files(
    dir: &Path,
    owned: &BTreeSet<String>,
    files: &[OutputFile],
) -> Result<Vec<ForeignFile>, WriteError> {
    let known: BTreeSet<&str> = owned
        .iter()
        .map(String::as_str)
        .chain(files.iter().map(|f| f.path.as_str()))
        .collect();
    ownership::foreign_files(dir, &known)
}

/// Heals what a killed build can leave behind (called under the exclusive lock, so nothing
/// found here belongs to a build still running): a module moved aside but not replaced is
/// put back; a moved-aside copy whose module is in place again is settled into it (user
/// entries moved in, never deleted; see [`settle`]); staging folders are removed (they only
/// hold generated files and links to entries that are still in their module folder).
fn recover(out: &Path, warnings: &mut Vec<String>) -> Result<(), WriteError> {
    let Ok(rd) = fs::read_dir(out) else {
        return Ok(());
    };
    let mut leftovers: Vec<(PathBuf, String)> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.path(), e.file_name().to_str()?.to_owned())))
        .filter(|(_, n)| n.starts_with(STAGING) || n.starts_with(BACKUP))
        .collect();
    leftovers.sort();
    for (path, name) in leftovers {
        let backup_of = name.strip_prefix(BACKUP).and_then(|rest| {
            // `.rolegen-old-<module>` is what builds before 0.1's last change left.
            leftover_module(rest)
                .or_else(|| crate::model::names::valid_module_name(rest).then_some(rest))
        });
        if let Some(module) = backup_of {
            let target = out.join(module);
            if fs::symlink_metadata(&target).is_err() {
                fs::rename(&path, &target).map_err(|e| err("cannot restore", &path, e))?;
            } else {
                let owned = read_manifest(&path).ok().flatten().unwrap_or_default();
                settle(&path, &target, &owned, None, warnings);
            }
        } else if name
            .strip_prefix(STAGING)
            .and_then(leftover_module)
            .is_some()
        {
            if let Err(e) = fs::remove_dir_all(&path) {
                warnings.push(format!(
                    "cannot remove {} (left by an earlier build): {e}; remove it by hand",
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

/// The module of a leftover folder's name without its prefix: `<module>-XXXXXX`, the suffix
/// six letters and digits (tempfile's), the module a valid module name. Anything else under
/// `--out` that merely starts like one is not rolegen's and is left alone.
fn leftover_module(rest: &str) -> Option<&str> {
    let (module, suffix) = rest.rsplit_once('-')?;
    let ok = suffix.len() == 6
        && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
        && crate::model::names::valid_module_name(module);
    ok.then_some(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An old folder and its new folder as a build leaves them right after the swap: `keep.txt`
    /// carried over (hard-linked), `main.tf` generated.
    fn swapped() -> (
        tempfile::TempDir,
        PathBuf,
        PathBuf,
        BTreeSet<String>,
        Carried,
    ) {
        let t = tempfile::tempdir().unwrap();
        let (old, new) = (t.path().join("old"), t.path().join("new"));
        fs::create_dir_all(&old).unwrap();
        fs::create_dir_all(&new).unwrap();
        fs::write(old.join("main.tf"), "old").unwrap();
        fs::write(new.join("main.tf"), "new").unwrap();
        fs::write(old.join("keep.txt"), "v1").unwrap();
        let owned: BTreeSet<String> = ["main.tf".to_owned()].into();
        let carried = carry_over(&old, &new, &owned).unwrap();
        (t, old, new, owned, carried)
    }

    #[test]
    fn settle_removes_what_the_new_folder_has() {
        let (_t, old, new, owned, carried) = swapped();
        let mut warnings = Vec::new();
        settle(&old, &new, &owned, Some(&carried), &mut warnings);
        assert!(!old.exists(), "{warnings:?}");
        assert!(warnings.is_empty());
        assert_eq!(fs::read_to_string(new.join("keep.txt")).unwrap(), "v1");
        assert_eq!(fs::read_to_string(new.join("main.tf")).unwrap(), "new");
    }

    /// Files a user (or terraform) created or replaced in the module folder while the build
    /// ran end up in the new folder, not deleted with the old one.
    #[test]
    fn settle_moves_in_what_changed_during_the_build() {
        let (_t, old, new, owned, carried) = swapped();
        // Created during the build, and replaced by rename (an editor's save).
        fs::create_dir_all(old.join(".terraform")).unwrap();
        fs::write(old.join(".terraform/terraform.tfstate"), "state").unwrap();
        fs::write(old.join("tmp"), "v2").unwrap();
        fs::rename(old.join("tmp"), old.join("keep.txt")).unwrap();
        let mut warnings = Vec::new();
        settle(&old, &new, &owned, Some(&carried), &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(!old.exists());
        assert_eq!(fs::read_to_string(new.join("keep.txt")).unwrap(), "v2");
        assert_eq!(
            fs::read_to_string(new.join(".terraform/terraform.tfstate")).unwrap(),
            "state"
        );
    }

    /// An entry that cannot be moved (the new folder has a different one there) stays, and so
    /// does the old folder, with a warning.
    #[test]
    fn settle_keeps_what_it_cannot_move() {
        let (_t, old, new, owned, carried) = swapped();
        fs::write(old.join("late.txt"), "mine").unwrap();
        fs::write(new.join("late.txt"), "other").unwrap();
        let mut warnings = Vec::new();
        settle(&old, &new, &owned, Some(&carried), &mut warnings);
        assert_eq!(fs::read_to_string(old.join("late.txt")).unwrap(), "mine");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("1 entr(ies) could not be moved"),
            "{warnings:?}"
        );
    }

    #[test]
    fn leftover_names() {
        assert_eq!(leftover_module("app-x1Y2z3"), Some("app"));
        assert_eq!(leftover_module("my-app-x1Y2z3"), Some("my-app"));
        assert_eq!(leftover_module("drafts"), None);
        assert_eq!(leftover_module("app-x1Y2"), None);
        assert_eq!(leftover_module("-x1Y2z3"), None);
    }
}
