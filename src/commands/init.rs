//! `rolegen init`: scaffold a first spec and a CI workflow.

use crate::build::discover;
use crate::cli::{INPUT_ERROR, OK};
use codespan_reporting::term::termcolor::WriteColor;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The spec `rolegen init` writes.
const INIT_SPEC: &str = include_str!("../init/spec.yaml");
/// The CI workflow `rolegen init` writes.
const INIT_CI: &str = include_str!("../init/rolegen.yml");

/// The spec in `specs` (`*.yaml`, `*.yml`) that declares `module`, if one does. A file that
/// is not YAML does not count (`rolegen lint` reports it).
fn declared_by(specs: &Path, module: &str) -> Option<PathBuf> {
    discover(specs).ok()?.into_iter().find(|p| {
        crate::spec::load::read_text(p, crate::spec::load::MAX_SPEC_BYTES)
            .ok()
            .and_then(|t| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&t).ok())
            .is_some_and(|v| v.get("module").and_then(|m| m.as_str()) == Some(module))
    })
}

/// Why the folders `file` goes in cannot hold it: an existing ancestor that is not a folder
/// (`.github/workflows` a file) or a symlink to nothing.
fn folder_problem(file: &Path) -> Option<String> {
    let parent = file.parent()?;
    for a in parent.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        match (std::fs::symlink_metadata(a), std::fs::metadata(a)) {
            (_, Ok(m)) if m.is_dir() => return None,
            (_, Ok(_)) => {
                return Some(format!(
                    "{} is a file, where a folder is needed for {}",
                    a.display(),
                    file.display()
                ))
            }
            (Ok(_), Err(_)) => {
                return Some(format!(
                    "{} is a symlink to nothing, where a folder is needed for {}",
                    a.display(),
                    file.display()
                ))
            }
            (Err(_), Err(_)) => {} // missing: created
        }
    }
    None
}

/// Scaffolds a spec and a CI workflow. Every target is checked before anything is written
/// (so a refusal leaves nothing behind, and re-running after fixing the cause works), and a
/// file is created only if nothing — not even a dangling symlink — is at its path; if a write
/// still fails, the files already written are removed.
pub fn run(module: &str, dir: &Path, err: &mut dyn WriteColor) -> u8 {
    if !crate::model::names::valid_module_name(module) {
        let _ = writeln!(
            err,
            "error: module name `{module}` must be 1–64 characters of [a-z0-9-] starting with a letter, e.g. `{}`",
            crate::model::names::suggest_module_name(module)
        );
        return INPUT_ERROR;
    }
    let refuse = |err: &mut dyn WriteColor, m: String| {
        let _ = writeln!(err, "error: {m}; nothing was written");
        INPUT_ERROR
    };
    let specs = dir.join("specs");
    if let Some(other) = declared_by(&specs, module) {
        return refuse(
            err,
            format!(
                "module `{module}` is already declared by {}; choose another --module",
                other.display()
            ),
        );
    }
    let spec = specs.join(format!("{module}.yaml"));
    if let Ok(m) = std::fs::symlink_metadata(&spec) {
        let what = if m.file_type().is_symlink() {
            " (as a symlink)"
        } else {
            ""
        };
        return refuse(err, format!("{} already exists{what}", spec.display()));
    }
    let mut files = vec![(spec, INIT_SPEC.replace("MODULE", module))];
    let workflow = dir.join(".github/workflows/rolegen.yml");
    match (
        std::fs::symlink_metadata(&workflow),
        std::fs::metadata(&workflow),
    ) {
        // A second module in a repository that already has the workflow: it covers every spec.
        (_, Ok(m)) if m.is_file() => {
            let _ = writeln!(err, "kept {} (it checks every spec)", workflow.display());
        }
        (Ok(_), _) => {
            return refuse(
                err,
                format!(
                    "{} exists but is not a file; move it away",
                    workflow.display()
                ),
            )
        }
        (Err(_), _) => files.push((workflow, INIT_CI.to_owned())),
    }
    for (p, _) in &files {
        if let Some(m) = folder_problem(p) {
            return refuse(err, format!("{m}; move it away"));
        }
    }
    let mut written: Vec<&Path> = Vec::new();
    for (p, text) in &files {
        let done = p
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                // `create_new`: never through a symlink, never over a file that appeared.
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(p)
            })
            .and_then(|mut f| {
                f.write_all(text.as_bytes()).inspect_err(|_| {
                    let _ = std::fs::remove_file(p);
                })
            });
        if let Err(e) = done {
            let _ = writeln!(err, "error: cannot write {}: {e}", p.display());
            for w in written {
                if std::fs::remove_file(w).is_ok() {
                    let _ = writeln!(err, "removed {} again", w.display());
                }
            }
            let _ = writeln!(err, "nothing was written");
            return INPUT_ERROR;
        }
        written.push(p);
    }
    for p in written {
        let _ = writeln!(err, "wrote {}", p.display());
    }
    let _ = writeln!(
        err,
        "next: edit the spec, then `rolegen build` and commit specs/ and modules-out/"
    );
    OK
}
