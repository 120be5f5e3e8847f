//! The body of each `rolegen` subcommand, one file per command: it calls the library
//! (build, out, import, diff, fmt, ...), prints what the user asked for and maps the result
//! to an exit code. Argument parsing and dispatch are in [`crate::cli`].

pub mod build;
pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod graph;
pub mod import;
pub mod init;
pub mod lint;
pub mod man;
pub mod resolve;
pub mod schema;

use crate::build::{compile_selected, discover, unique_paths, CompileOptions, Outcome};
use crate::cli::{write_stdout, Format, Inputs, Report};
use crate::diagnostics::render;
use crate::emit::OutputFile;
use crate::rules::Rule;
use crate::selection::Selection;
use codespan_reporting::term::termcolor::WriteColor;
use std::collections::HashMap;
use std::path::PathBuf;

/// The specs a command reads: the files given (without repeats, see [`unique_paths`](crate::build::unique_paths)), or
/// those of the `--specs` folder.
pub(crate) fn spec_paths(inputs: &Inputs, err: &mut dyn WriteColor) -> Option<Vec<PathBuf>> {
    if !inputs.files.is_empty() {
        return Some(unique_paths(inputs.files.clone()));
    }
    match discover(&inputs.specs).map(unique_paths) {
        Ok(v) if v.is_empty() => {
            let _ = writeln!(
                err,
                "error: no specs (*.yaml) in {}",
                inputs.specs.display()
            );
            None
        }
        Ok(v) => Some(v),
        Err(e) => {
            let _ = writeln!(
                err,
                "error: cannot read the specs folder {}: {e}",
                inputs.specs.display()
            );
            None
        }
    }
}

/// The rules a `build` or `lint` reports: rolegen.toml's `[rules]` with `--select` and
/// `--ignore`, each of which is announced as unrecorded (it lives only in this command).
pub(crate) fn selection(rep: &Report, err: &mut dyn WriteColor) -> Selection {
    let list = |rules: &[&Rule]| {
        rules
            .iter()
            .map(|r| format!("{} ({})", r.code, r.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !rep.select.is_empty() {
        let _ = writeln!(
            err,
            "note: --select reports only {} (and every finding that cannot be allowed); the other rules are left out by this command only, unrecorded: to keep the selection, set `select` and `select_reason` under [rules] in {}",
            list(&rep.select),
            crate::config::FILE_NAME
        );
    }
    if !rep.ignore.is_empty() {
        let _ = writeln!(
            err,
            "note: --ignore {} is not recorded anywhere: the findings are hidden from this command only; to keep the suppression, add `CODE = \"reason\"` under [rules.ignore] in {}",
            list(&rep.ignore),
            crate::config::FILE_NAME
        );
    }
    Selection::project().with(&rep.select, &rep.ignore)
}

/// The shared start of `build` and `lint`: find the specs, read the rule selection, compile them
/// (writing nothing; `emit` says whether outputs are generated) and print the diagnostics. `None`
/// when the inputs cannot be read (the error is already printed).
pub(crate) fn compile_reported(
    inputs: &Inputs,
    rep: &Report,
    emit: bool,
    err: &mut dyn WriteColor,
) -> Option<(Vec<PathBuf>, Outcome)> {
    let paths = spec_paths(inputs, err)?;
    let selection = selection(rep, err);
    let options = CompileOptions {
        emit,
        deny_warnings: rep.deny.is_some(),
    };
    let outcome = compile_selected(&paths, options, &selection);
    report(&outcome, rep.format, err);
    Some((paths, outcome))
}

/// Ends a command's use of `outcome` without freeing it: the process ends right after, and
/// freeing a large model piece by piece only costs time (about 100 M instructions, a tenth
/// of the work, at 10,000 roles); the OS takes the memory back at once.
pub(crate) fn release(outcome: Outcome) {
    std::mem::forget(outcome);
}

/// For a summary line: how many findings the rule selection left out, when any
/// (`" (3 findings left out by rule selection)"`).
pub(crate) fn left_out(outcome: &Outcome) -> String {
    match outcome.left_out {
        0 => String::new(),
        n => format!(
            " ({} left out by rule selection)",
            crate::diagnostics::plural(n, "finding", "findings")
        ),
    }
}

pub(crate) fn report(outcome: &Outcome, format: Format, err: &mut dyn WriteColor) {
    let diags = &outcome.diagnostics.0;
    let texts = || {
        let mut texts: HashMap<PathBuf, String> = HashMap::new();
        for d in diags {
            if let Some(s) = &d.source {
                if !texts.contains_key(&s.path) {
                    // As the loader read it (no byte order mark), so spans line up.
                    if let Some(t) = crate::spec::load::source_text(&s.path) {
                        texts.insert(s.path.clone(), t);
                    }
                }
            }
        }
        texts
    };
    match format {
        Format::Human => render::human(diags, &texts(), err),
        // A failed write makes the run exit 2 (see `write_stdout`).
        Format::Json => {
            let _ = write_stdout(render::json(diags).as_bytes(), err);
        }
        Format::Sarif => {
            let _ = write_stdout(render::sarif(diags, &texts()).as_bytes(), err);
        }
    }
}

/// Each compiled module's name and files, as `out` writes and checks them.
pub(crate) fn module_files(outcome: &Outcome) -> Vec<(&str, &[OutputFile])> {
    outcome
        .modules
        .iter()
        .map(|c| (c.module.name.as_str(), c.files.as_slice()))
        .collect()
}
