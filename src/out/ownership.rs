//! What a module folder may hold besides the files its manifest lists: files rolegen does not
//! own but that would be deployed with the module (Terraform configuration in `terraform/`,
//! anything in `cloudformation/`), and owned files that are no longer what a build writes (a
//! link, a FIFO, an executable or world-writable mode). `check` reports both as drift; `build`
//! rewrites the second and keeps the first (it never deletes a file it did not write), with a
//! warning.
//!
//! The rule, per folder of a module:
//! - `terraform/`: Terraform loads every `*.tf` and `*.tf.json` at the top of the folder into
//!   the module (`override.tf` and `*_override.tf` rewrite the generated blocks), OpenTofu also
//!   `*.tofu` and `*.tofu.json` (and prefers `x.tofu` to a generated `x.tf`), and a run in the
//!   folder reads `*.tfvars` and `*.tfvars.json`. Such a file rolegen does not own is drift,
//!   whatever the case of its name and hidden or not (Terraform skips hidden files, other
//!   tools reading the folder need not). What Terraform writes (`.terraform/`,
//!   `.terraform.lock.hcl`, `terraform.tfstate*`), test and query files (`*.tftest.hcl`,
//!   `*.tfmock.hcl`, `*.tfquery.hcl`: read by `terraform test`/`query` only) and subfolders
//!   (a module is one folder; a subfolder is used only through a `module` block, which would
//!   itself be drift) stay the user's.
//! - `examples/terraform/`: the module's example root configuration, the same rule as
//!   `terraform/` (a foreign `.tf`, override or `.tfvars` there changes what the example
//!   deploys).
//! - `cloudformation/`: every file rolegen does not own is drift, in subfolders too: the
//!   folder is what a deploy or `aws cloudformation package` is pointed at.
//! - The module folder itself, and any other folder in it: the user's (notes, CI files).

use super::WriteError;
use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The Terraform module's folder inside a module folder (as the Terraform emitter writes it).
pub(crate) const TERRAFORM_DIR: &str = "terraform";
/// The example root configuration's folder inside a module folder (as the Terraform emitter
/// writes it: [`crate::emit::terraform::EXAMPLE_PATH`]).
pub(crate) const EXAMPLE_DIR: &str = "examples/terraform";
/// The CloudFormation stack's folder inside a module folder (as its emitter writes it).
pub(crate) const STACK_DIR: &str = "cloudformation";
/// The mode a build creates files with (less the umask): never executable, never writable by
/// every user.
#[cfg(unix)]
pub(crate) const FILE_MODE: u32 = 0o664;

/// Why a file rolegen does not own, in a folder it generates, is drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    /// `*.tf`, `*.tf.json`, `*.tofu`, `*.tofu.json`: loaded as part of the module.
    Config,
    /// `override.tf`, `*_override.tf` (and the JSON and OpenTofu forms): merged into the
    /// generated blocks.
    Override,
    /// `*.tfvars`, `*.tfvars.json` (`*.auto.tfvars` among them): variable values.
    Vars,
    /// Any file under `cloudformation/`.
    Stack,
}

/// A file rolegen does not own where it would be deployed with the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignFile {
    /// The file, under `--out`.
    pub path: PathBuf,
    /// What it is.
    pub kind: Foreign,
    /// The owned file whose name it matches but for case (`Main.tf` beside `main.tf`): on a
    /// case-insensitive file system, that file renamed.
    pub case_of: Option<String>,
}

impl fmt::Display for ForeignFile {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let why = match self.kind {
            Foreign::Config => "rolegen did not generate it, yet Terraform and OpenTofu load every .tf, .tf.json and .tofu file of the folder as part of the module",
            Foreign::Override => "rolegen did not generate it, and an override file rewrites the generated blocks: it changes what the module grants",
            Foreign::Vars => "rolegen did not generate it, and Terraform reads variable values from it when the folder is run as a root module",
            Foreign::Stack => "rolegen did not generate it, and a deploy or `aws cloudformation package` of the folder would pick it up",
        };
        write!(f, "{}: {why}; ", self.path.display())?;
        if let Some(owned) = &self.case_of {
            write!(
                f,
                "its name differs from rolegen's {owned} only in case (on a case-insensitive file system it is that file, renamed): rename it back, or delete it and run `rolegen build`"
            )
        } else {
            f.write_str(match self.kind {
                Foreign::Config | Foreign::Override => {
                    "delete it, or move what it adds to the root module that calls this module"
                }
                Foreign::Vars => {
                    "delete it, and set the module's variables in the root module that calls it"
                }
                Foreign::Stack => "delete it, or keep it outside the module folder",
            })
        }
    }
}

/// What a Terraform folder entry named `name` is, if Terraform or OpenTofu would load it (any
/// case: a name that differs only in case is no safer).
pub(crate) fn terraform_kind(name: &str) -> Option<Foreign> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        return Some(Foreign::Vars);
    }
    let base = [".tf.json", ".tofu.json", ".tf", ".tofu"]
        .iter()
        .find_map(|ext| lower.strip_suffix(ext))?;
    Some(if base == "override" || base.ends_with("_override") {
        Foreign::Override
    } else {
        Foreign::Config
    })
}

/// Files of the module folder `dir` that rolegen does not own (`owned`: relative paths with
/// `/`) but that would be deployed with the module, sorted. Nothing is read, no link is
/// followed; a folder that is missing or not a real folder is skipped (a build or check
/// refuses a link where a generated folder goes before it gets here).
pub(crate) fn foreign_files(
    dir: &Path,
    owned: &BTreeSet<&str>,
) -> Result<Vec<ForeignFile>, WriteError> {
    let mut found = Vec::new();
    let finding = |rel: &str, kind| ForeignFile {
        path: dir.join(rel),
        kind,
        case_of: owned
            .iter()
            .find(|o| o.eq_ignore_ascii_case(rel))
            .map(|o| (*o).to_owned()),
    };
    for folder in [TERRAFORM_DIR, EXAMPLE_DIR] {
        for (name, is_dir) in list(&dir.join(folder))? {
            let rel = format!("{folder}/{name}");
            if !is_dir && !owned.contains(rel.as_str()) {
                if let Some(kind) = terraform_kind(&name) {
                    found.push(finding(&rel, kind));
                }
            }
        }
    }
    let mut stack = vec![STACK_DIR.to_owned()];
    while let Some(folder) = stack.pop() {
        for (name, is_dir) in list(&dir.join(&folder))? {
            let rel = format!("{folder}/{name}");
            if is_dir {
                stack.push(rel);
            } else if !owned.contains(rel.as_str()) {
                found.push(finding(&rel, Foreign::Stack));
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// The entries of a real folder (name, whether it is a real folder: a link is not), or none
/// if `p` is missing or not a real folder.
fn list(p: &Path) -> Result<Vec<(String, bool)>, WriteError> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Ok(Vec::new()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(super::err("cannot read", p, e)),
    }
    let mut out = Vec::new();
    for entry in fs::read_dir(p).map_err(|e| super::err("cannot list", p, e))? {
        let entry = entry.map_err(|e| super::err("cannot list", p, e))?;
        let is_dir = entry
            .file_type()
            .map_err(|e| super::err("cannot read", &entry.path(), e))?
            .is_dir();
        out.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
    }
    Ok(out)
}

/// How an owned file on disk differs from what a build writes, besides its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Not a regular file: a symbolic link, a FIFO, a socket, a device.
    NotAFile(&'static str),
    /// A regular file whose mode a build would not give it (the mode, and what is wrong).
    Mode(u32, &'static str),
}

impl Shape {
    /// What is wrong and how to fix it, after the file's path.
    pub fn describe(&self, path: &Path) -> String {
        match self {
            Shape::NotAFile(what) => format!(
                "{}: is {what} where rolegen writes a regular file (tools would read what it leads to, which check does not compare); delete it and run `rolegen build`",
                path.display()
            ),
            Shape::Mode(mode, what) => format!(
                "{}: mode {mode:04o} is {what}; rolegen writes its files without execute, setuid, setgid, sticky or all-users write permission: run `rolegen build` (it rewrites the file), or `chmod a-xst,o-w {}`",
                path.display(),
                path.display()
            ),
        }
    }
}

/// Whether an owned file's entry (from `symlink_metadata`) is not what a build writes.
pub fn shape(m: &fs::Metadata) -> Option<Shape> {
    let ty = m.file_type();
    if ty.is_symlink() {
        return Some(Shape::NotAFile("a symbolic link"));
    }
    if !ty.is_file() {
        return Some(Shape::NotAFile(special_kind(&ty)));
    }
    mode_problem(m).map(|(mode, what)| Shape::Mode(mode, what))
}

#[cfg(unix)]
fn special_kind(ty: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ty.is_fifo() {
        "a FIFO"
    } else if ty.is_socket() {
        "a socket"
    } else if ty.is_dir() {
        "a folder"
    } else {
        "a device"
    }
}

#[cfg(not(unix))]
fn special_kind(ty: &fs::FileType) -> &'static str {
    if ty.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(unix)]
fn mode_problem(m: &fs::Metadata) -> Option<(u32, &'static str)> {
    use std::os::unix::fs::PermissionsExt;
    let mode = m.permissions().mode() & 0o7777;
    let what = if mode & 0o7000 != 0 {
        "setuid, setgid or sticky"
    } else if mode & 0o111 != 0 {
        "executable"
    } else if mode & 0o002 != 0 {
        "writable by every user"
    } else {
        return None;
    };
    Some((mode, what))
}

#[cfg(not(unix))]
fn mode_problem(_m: &fs::Metadata) -> Option<(u32, &'static str)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_kinds() {
        for (name, kind) in [
            ("zz-extra.tf", Some(Foreign::Config)),
            ("x.tf.json", Some(Foreign::Config)),
            ("main.tofu", Some(Foreign::Config)),
            ("x.tofu.json", Some(Foreign::Config)),
            ("MAIN.TF", Some(Foreign::Config)),
            (".hidden.tf", Some(Foreign::Config)),
            ("override.tf", Some(Foreign::Override)),
            ("iam_override.tf.json", Some(Foreign::Override)),
            ("iam_Override.TOFU", Some(Foreign::Override)),
            ("terraform.tfvars", Some(Foreign::Vars)),
            ("prod.auto.tfvars.json", Some(Foreign::Vars)),
            (".terraform.lock.hcl", None),
            ("terraform.tfstate", None),
            ("terraform.tfstate.backup", None),
            ("main.tftest.hcl", None),
            ("main.tfquery.hcl", None),
            ("main.tf~", None),
            ("notes.txt", None),
            ("tf", None),
        ] {
            assert_eq!(terraform_kind(name), kind, "{name}");
        }
    }

    /// The emitters write only where this module looks: the README at the module root, the
    /// rest in the three folders (a new folder would need a rule here).
    #[test]
    fn generated_files_live_in_the_folders_checked_here() {
        let specs =
            crate::build::discover(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/specs")))
                .unwrap();
        let outcome = crate::build::compile(&specs, crate::build::CompileOptions::EMIT);
        assert!(!outcome.modules.is_empty());
        for f in outcome.modules.iter().flat_map(|c| &c.files) {
            let folder = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            let top = f.path.split('/').next().unwrap();
            assert!(
                [super::super::MANIFEST, "README.md"].contains(&f.path.as_str())
                    || [TERRAFORM_DIR, EXAMPLE_DIR].contains(&folder)
                    || top == STACK_DIR,
                "{}",
                f.path
            );
        }
    }
}
