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

mod check;
pub mod ownership;
mod write;

pub use check::{check_modules, Drift};
pub use write::{write_module, write_modules, Written};

use crate::emit::OutputFile;
use ownership::{ForeignFile, Shape};
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a module folder.
pub(crate) const MANIFEST: &str = ".rolegen-manifest";
/// Name prefixes of a build's staging folder and of a module folder moved aside during the
/// swap (both beside the module folders under `--out`).
const STAGING: &str = ".rolegen-new-";
const BACKUP: &str = ".rolegen-old-";
const MANIFEST_HEADER: &str =
    "# Files rolegen generated in this folder; it may rewrite or remove exactly these.\n";

/// What went wrong writing (or checking) output: the message names the path and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file system operation failed (`action` is "cannot read", "cannot create", ...).
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// What rolegen was doing, as the message's first words.
        action: &'static str,
        /// The path it was done on.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A manifest is not a plain file (`what` says what it is).
    #[error("{} is {what}; rolegen wrote it as a plain file listing the files it owns: restore it from version control, or remove the module folder and build again", .path.display())]
    ManifestNotAFile {
        /// The manifest's path.
        path: PathBuf,
        /// What it is instead ("a symbolic link", "a folder", ...).
        what: &'static str,
    },
    /// A manifest is not UTF-8 text.
    #[error("{} is not UTF-8 text; rolegen wrote it as a list of file names: restore it from version control, or remove the module folder and build again", .0.display())]
    ManifestNotUtf8(PathBuf),
    /// A module folder is a symbolic link.
    #[error("{} is a symbolic link; rolegen writes module folders itself, never through a link: remove the link, or point --out at the folder it leads to", .0.display())]
    ModuleIsLink(PathBuf),
    /// A module folder is a file.
    #[error("{} is a file, not a module folder; move it away or pick another --out", .0.display())]
    ModuleIsFile(PathBuf),
    /// A module folder exists, is not empty and has no manifest.
    #[error("{} exists but was not written by rolegen (no {MANIFEST}); move it away or pick another --out", .0.display())]
    NotWrittenByRolegen(PathBuf),
    /// Something at `path` is in the way of the generated file `generated` (`problem` says
    /// what: "is a file", "is a folder", "is not rolegen's (not in .rolegen-manifest)", ...).
    #[error("{} {problem}, but rolegen generates {}; move it away", .path.display(), .generated.display())]
    InTheWay {
        /// What is in the way.
        path: PathBuf,
        /// What is wrong with it.
        problem: &'static str,
        /// The generated file's path.
        generated: PathBuf,
    },
    /// A module folder holds a mount point, which a rename cannot carry over.
    #[error("{} is a mount point; rolegen cannot rebuild a module folder that holds one: mount it outside --out", .0.display())]
    MountPoint(PathBuf),
    /// `--out` of a check is not a folder.
    #[error("{} is not a folder; point --out at the folder the modules were built into", .0.display())]
    OutNotAFolder(PathBuf),
}

/// The problem of a file in the way that the manifest does not list.
const NOT_OURS: &str = "is not rolegen's (not in .rolegen-manifest)";

fn err(action: &'static str, p: &Path, e: io::Error) -> WriteError {
    WriteError::Io {
        action,
        path: p.to_path_buf(),
        source: e,
    }
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
pub(crate) fn replace_keeping_owner(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
pub(crate) fn read_manifest(dir: &Path) -> Result<Option<BTreeSet<String>>, WriteError> {
    let path = dir.join(MANIFEST);
    // Never read through a link (rolegen would own what another folder lists) or from a FIFO
    // (the read would block).
    match fs::symlink_metadata(&path).map(|m| ownership::shape(&m)) {
        Ok(Some(Shape::NotAFile(what))) => return Err(WriteError::ManifestNotAFile { path, what }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err("cannot read", &path, e)),
        Ok(_) => {}
    }
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err("cannot read", &path, e)),
    };
    let text = String::from_utf8(bytes).map_err(|_| WriteError::ManifestNotUtf8(path))?;
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
        Ok(m) if m.file_type().is_symlink() => Err(WriteError::ModuleIsLink(target.to_path_buf())),
        Ok(m) if !m.is_dir() => Err(WriteError::ModuleIsFile(target.to_path_buf())),
        Ok(_) => match read_manifest(target)? {
            Some(m) => Ok(Some(m)),
            None if dir_is_empty(target) => Ok(Some(BTreeSet::new())),
            None => Err(WriteError::NotWrittenByRolegen(target.to_path_buf())),
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
                NOT_OURS
            } else {
                continue;
            };
            return Err(WriteError::InTheWay {
                path: p,
                problem,
                generated: full,
            });
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

/// Module folders under `out` that rolegen owns: real folders (not links, not rolegen's own
/// staging or moved-aside folders) with a manifest.
pub(crate) fn owned_modules(out: &Path) -> Vec<String> {
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

fn dir_is_empty(p: &Path) -> bool {
    fs::read_dir(p)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

#[cfg(test)]
mod error_tests {
    use super::*;

    /// The messages are what users read (and what the `String` errors said before the enum).
    #[test]
    fn write_errors_read_as_before() {
        let p = || PathBuf::from("out/m");
        let cases = [
            (
                err("cannot read", &p(), io::Error::other("boom")),
                "cannot read out/m: boom",
            ),
            (
                WriteError::ManifestNotAFile { path: p(), what: "a folder" },
                "out/m is a folder; rolegen wrote it as a plain file listing the files it owns: restore it from version control, or remove the module folder and build again",
            ),
            (
                WriteError::ManifestNotUtf8(p()),
                "out/m is not UTF-8 text; rolegen wrote it as a list of file names: restore it from version control, or remove the module folder and build again",
            ),
            (
                WriteError::ModuleIsLink(p()),
                "out/m is a symbolic link; rolegen writes module folders itself, never through a link: remove the link, or point --out at the folder it leads to",
            ),
            (
                WriteError::ModuleIsFile(p()),
                "out/m is a file, not a module folder; move it away or pick another --out",
            ),
            (
                WriteError::NotWrittenByRolegen(p()),
                "out/m exists but was not written by rolegen (no .rolegen-manifest); move it away or pick another --out",
            ),
            (
                WriteError::InTheWay { path: p(), problem: NOT_OURS, generated: p().join("x") },
                "out/m is not rolegen's (not in .rolegen-manifest), but rolegen generates out/m/x; move it away",
            ),
            (
                WriteError::MountPoint(p()),
                "out/m is a mount point; rolegen cannot rebuild a module folder that holds one: mount it outside --out",
            ),
            (
                WriteError::OutNotAFolder(p()),
                "out/m is not a folder; point --out at the folder the modules were built into",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
    }
}
