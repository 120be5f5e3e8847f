//! `rolegen import`: a spec from existing IAM definitions (one input), or one spec per module
//! from a whole account (`--from account`). The importers are in [`crate::import`]; this
//! writes their specs where the user asked, prints the issues and picks the exit code.

use crate::cli::{write_stdout, FAILED, INPUT_ERROR, OK};
use crate::import::account::{self, AccountOptions, GroupBy};
use crate::import::yaml::Y;
use crate::import::{compile_errors, import, From, Level};
use crate::out::replace_keeping_owner;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The arguments of `rolegen import`, as parsed.
#[derive(Debug)]
pub struct Args {
    /// What the inputs are.
    pub from: From,
    /// The input files (or Terraform folder).
    pub inputs: Vec<PathBuf>,
    /// `--module`.
    pub module: Option<String>,
    /// `-o`.
    pub out: Option<PathBuf>,
    /// `--allow-partial`.
    pub allow_partial: bool,
    /// `--force`.
    pub force: bool,
    /// `--group-by` (`--from account` only).
    pub group_by: Option<GroupBy>,
    /// `--exclude` (`--from account` only).
    pub exclude: Vec<String>,
}

/// Runs `rolegen import`; returns the exit code.
pub fn run(args: Args, err: &mut dyn Write) -> u8 {
    let Args {
        from,
        inputs,
        module,
        out,
        allow_partial,
        force,
        group_by,
        exclude,
    } = args;
    match from {
        From::Account if module.is_some() => {
            let _ = writeln!(
                err,
                "error: `--from account` names each module after its group (see --group-by); --module applies to the other sources"
            );
            INPUT_ERROR
        }
        From::Account => account(
            &inputs,
            out.as_deref(),
            &AccountOptions {
                group_by: group_by.unwrap_or(GroupBy::Path),
                exclude,
                allow_partial,
                force,
            },
            err,
        ),
        _ if group_by.is_some() || !exclude.is_empty() => {
            let _ = writeln!(
                err,
                "error: --group-by and --exclude apply to `--from account` only; drop them, or import the account dump with `--from account AUTH.json ROLES.json`"
            );
            INPUT_ERROR
        }
        _ => single(
            from,
            &inputs,
            module.as_deref(),
            out.as_deref(),
            Options {
                allow_partial,
                force,
            },
            err,
        ),
    }
}

/// How `rolegen import` treats its output.
#[derive(Copy, Clone, Debug, Default)]
struct Options {
    /// A partial import exits 0 and is written to `-o`.
    allow_partial: bool,
    /// An existing `-o` file may be replaced.
    force: bool,
}

/// Why `-o PATH` cannot be written, checked before anything is imported or written: an
/// existing file (another module's spec, say) is replaced only with `--force`; a folder, a
/// missing folder or a parent that is a file is named as the user wrote it, with what to do.
/// A special file (`/dev/stdout`, a FIFO) is written into, as `out::replace_file` does.
fn check_output(p: &Path, force: bool) -> Result<(), String> {
    let shown = p.display();
    let is_folder = format!(
        "`{shown}` is a folder; name the spec file to write, e.g. `-o {}`",
        p.join("<module>.yaml").display()
    );
    if p.as_os_str().to_string_lossy().ends_with('/') {
        return Err(is_folder);
    }
    match std::fs::symlink_metadata(p) {
        Ok(link) => match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => Err(is_folder),
            Ok(m) if m.is_file() && !force => Err(format!(
                "{shown} already exists; pass --force to replace it, or choose another -o"
            )),
            Ok(_) => Ok(()),
            Err(_) if link.file_type().is_symlink() && !force => Err(format!(
                "{shown} is a symlink to a file that does not exist; remove it, or pass --force to replace the link with the spec"
            )),
            Err(_) => Ok(()),
        },
        Err(e) => {
            // Missing (or below a file: `ENOTDIR`, whose ErrorKind is newer than the MSRV):
            // say what is wrong with the folder it would go in.
            let parent = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            match std::fs::metadata(parent) {
                Ok(m) if m.is_dir() && e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Ok(m) if m.is_dir() => Err(format!("cannot write {shown}: {e}")),
                Ok(_) => Err(format!(
                    "cannot write {shown}: {} is a file, not a folder",
                    parent.display()
                )),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
                    "cannot write {shown}: the folder {} does not exist; create it first (`mkdir -p {}`)",
                    parent.display(),
                    parent.display()
                )),
                Err(e) => Err(format!("cannot write {shown}: {}: {e}", parent.display())),
            }
        }
    }
}

/// An I/O error without the temporary file's path tempfile appends (`… at path
/// "/x/.rolegen-AbC123"`): the user named another path.
fn without_temp_path(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" at path ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// `rolegen import` of one input (CloudFormation, IAM JSON or Terraform); returns the exit code.
///
/// Nothing is written to `-o` when the import is partial (an issue is an error) unless
/// `--allow-partial`: a spec that silently lacks part of what the input granted must not
/// land where a build picks it up. Without `-o` the spec still goes to standard output, for
/// review, with the issues on standard error and exit 1.
fn single(
    from: From,
    inputs: &[PathBuf],
    module: Option<&str>,
    out: Option<&Path>,
    options: Options,
    err: &mut dyn Write,
) -> u8 {
    let allow_partial = options.allow_partial;
    if let Some(p) = out {
        if let Err(m) = check_output(p, options.force) {
            let _ = writeln!(err, "error: {m}; nothing was written");
            return INPUT_ERROR;
        }
    }
    let imported = match import(from, inputs, module) {
        Ok(i) => i,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return INPUT_ERROR;
        }
    };
    let mut issues = imported.issues.clone();
    // The spec must load: lint it as `rolegen lint` would (warnings are fine).
    let check_path = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{}.yaml", module_name_of(&imported.tree))));
    issues.extend(compile_errors(&check_path, &imported.spec));
    let errors = issues.iter().filter(|i| i.level == Level::Error).count();
    let notes = issues.len() - errors;
    let withheld = errors > 0 && !allow_partial && out.is_some();
    match out {
        Some(_) if withheld => {}
        Some(p) => {
            if let Err(e) = replace_keeping_owner(p, imported.spec.as_bytes()) {
                let _ = writeln!(
                    err,
                    "error: cannot write {}: {}; nothing was written",
                    p.display(),
                    without_temp_path(&e)
                );
                return INPUT_ERROR;
            }
        }
        None => {
            if let Err(code) = write_stdout(imported.spec.as_bytes(), err) {
                return code;
            }
        }
    }
    for i in &issues {
        let _ = writeln!(err, "{i}");
    }
    let target = out.map_or_else(|| "stdout".to_owned(), |p| p.display().to_string());
    if errors > 0 {
        let _ = writeln!(
            err,
            "{} with {} the spec cannot express and {}{}",
            if withheld {
                format!("nothing was written to {target}: the import is partial")
            } else {
                format!("imported into {target}")
            },
            crate::diagnostics::plural(errors, "thing", "things"),
            crate::diagnostics::plural(notes, "note", "notes"),
            if allow_partial {
                " (--allow-partial)"
            } else {
                "; review them, then rerun with --allow-partial to accept a partial spec"
            }
        );
        if allow_partial {
            OK
        } else {
            FAILED
        }
    } else {
        let _ = writeln!(
            err,
            "imported into {target} ({})",
            crate::diagnostics::plural(notes, "note", "notes")
        );
        OK
    }
}

fn module_name_of(tree: &Y) -> String {
    tree.get("module")
        .and_then(Y::as_str)
        .unwrap_or("imported")
        .to_owned()
}

/// `rolegen import --from account`; returns the exit code.
fn account(
    inputs: &[PathBuf],
    out_dir: Option<&Path>,
    options: &AccountOptions,
    err: &mut dyn Write,
) -> u8 {
    let Some(dir) = out_dir else {
        let _ = writeln!(
            err,
            "error: `--from account` writes one spec per module into a folder: give it with `-o DIR` (e.g. `-o specs/`)"
        );
        return INPUT_ERROR;
    };
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            let _ = writeln!(
                err,
                "error: {} is a file; `--from account` writes a folder of specs; nothing was written",
                dir.display()
            );
            return INPUT_ERROR;
        }
        _ => {}
    }
    let account = match account::import(inputs, options) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return INPUT_ERROR;
        }
    };
    let mut issues = account.issues;
    for m in &account.modules {
        let path = dir.join(format!("{}.yaml", m.module));
        issues.extend(compile_errors(&path, &m.spec));
    }
    let errors = issues.iter().filter(|i| i.level == Level::Error).count();
    let notes = issues.len() - errors;
    for i in &issues {
        let _ = writeln!(err, "{i}");
    }
    if errors > 0 && !options.allow_partial {
        let _ = writeln!(
            err,
            "nothing was written to {}: {errors} thing(s) the specs cannot express and {notes} note(s); review them, then rerun with --allow-partial to accept partial specs",
            dir.display()
        );
        return FAILED;
    }
    let existing: Vec<String> = account
        .modules
        .iter()
        .map(|m| dir.join(format!("{}.yaml", m.module)))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() && !options.force {
        let _ = writeln!(
            err,
            "error: {} already exist(s); pass --force to replace, or choose another -o; nothing was written",
            existing.join(", ")
        );
        return INPUT_ERROR;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        let _ = writeln!(
            err,
            "error: cannot create {}: {e}; nothing was written",
            dir.display()
        );
        return INPUT_ERROR;
    }
    for m in &account.modules {
        let path = dir.join(format!("{}.yaml", m.module));
        if let Err(e) = replace_keeping_owner(&path, m.spec.as_bytes()) {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return INPUT_ERROR;
        }
    }
    let roles: usize = account.modules.iter().map(|m| m.roles).sum();
    let policies: usize = account.modules.iter().map(|m| m.policies).sum();
    let _ = writeln!(
        err,
        "imported {roles} role(s) and {policies} customer managed polic(ies) into {} module(s) under {} ({errors} error(s), {notes} note(s))",
        account.modules.len(),
        dir.display()
    );
    OK
}
