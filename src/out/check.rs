//! `check`'s side of [`super`]: what differs between the output folder and what a build
//! would write ([`Drift`]).

use super::*;

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
        Ok(m) if !m.is_dir() => return Err(WriteError::OutNotAFolder(out.to_path_buf())),
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
