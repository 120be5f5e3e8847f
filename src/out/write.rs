//! `build`'s side of [`super`]: writing module folders atomically (staged beside the old
//! folder, swapped in with two renames, user entries carried over), removing modules no spec
//! generates, and healing what a killed build left behind.

use super::*;

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
                    return Err(WriteError::MountPoint(src));
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
    WriteError::InTheWay {
        path: src.to_path_buf(),
        problem: NOT_OURS,
        generated: generated.to_path_buf(),
    }
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
