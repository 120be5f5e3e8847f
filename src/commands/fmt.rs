//! `rolegen fmt`: rewrite specs in the canonical layout ([`crate::fmt`]), or with `--check`
//! print a diff of each file that would change.

use crate::build::{discover, unique_paths};
use crate::cli::{write_stdout, Inputs, FAILED, INPUT_ERROR, OK};
use crate::diagnostics::plural;
use crate::fmt::{format, is_stdin, read, report};
use crate::out::replace_keeping_owner;
use codespan_reporting::term::termcolor::WriteColor;

/// Runs `rolegen fmt`: exit 0 when done (or, with `check`, when every file is canonical),
/// 1 when `check` finds a file that would change, 2 on any input error (then nothing is
/// written).
pub fn run(inputs: &Inputs, check: bool, err: &mut dyn WriteColor) -> u8 {
    let paths = if inputs.files.is_empty() {
        match discover(&inputs.specs).map(unique_paths) {
            Ok(v) if !v.is_empty() => v,
            Ok(_) => {
                let _ = writeln!(
                    err,
                    "error: no specs (*.yaml) in {}",
                    inputs.specs.display()
                );
                return INPUT_ERROR;
            }
            Err(e) => {
                let _ = writeln!(
                    err,
                    "error: cannot read the specs folder {}: {e}",
                    inputs.specs.display()
                );
                return INPUT_ERROR;
            }
        }
    } else {
        // A file named twice is formatted (and counted) once.
        unique_paths(inputs.files.clone())
    };
    let mut done = Vec::new();
    let mut errors = 0;
    for p in &paths {
        let text = match read(p) {
            Ok(t) => t,
            Err(m) => {
                let _ = writeln!(err, "error: {m}");
                errors += 1;
                continue;
            }
        };
        match format(&text) {
            Ok(f) => done.push((p, text, f)),
            Err(e) => {
                // Positions are in the text without its byte order mark, as `format` read it.
                report(p, text.strip_prefix('\u{feff}').unwrap_or(&text), &e, err);
                errors += 1;
            }
        }
    }
    let changed: Vec<_> = done.iter().filter(|(_, t, f)| t != f).collect();
    if check {
        for (p, t, f) in &changed {
            let name = if is_stdin(p) {
                "<stdin>".to_owned()
            } else {
                p.display().to_string()
            };
            let diff = similar::TextDiff::from_lines(t.as_str(), f.as_str())
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string();
            // A failed write makes the run exit 2 (see `cli::write_stdout`).
            let _ = write_stdout(format!("would reformat: {name}\n{diff}\n").as_bytes(), err);
        }
    }
    if errors > 0 {
        let _ = writeln!(
            err,
            "error: {} not be formatted{}",
            plural(errors, "file could", "files could"),
            if check { "" } else { "; nothing was written" }
        );
        return INPUT_ERROR;
    }
    if check {
        return if changed.is_empty() {
            let _ = writeln!(
                err,
                "{} already formatted",
                plural(done.len(), "file", "files")
            );
            OK
        } else {
            let _ = writeln!(
                err,
                "error: {} of {} would be reformatted; run `rolegen fmt`",
                changed.len(),
                plural(done.len(), "file", "files")
            );
            FAILED
        };
    }
    for (p, t, f) in &done {
        if is_stdin(p) {
            if let Err(code) = write_stdout(f.as_bytes(), err) {
                return code;
            }
            continue;
        }
        if t == f {
            continue;
        }
        if let Err(e) = replace_keeping_owner(p, f.as_bytes()) {
            let _ = writeln!(err, "error: cannot write {}: {e}", p.display());
            return INPUT_ERROR;
        }
        let _ = writeln!(err, "reformatted {}", p.display());
    }
    let files = done.iter().filter(|(p, _, _)| !is_stdin(p)).count();
    let n = changed.iter().filter(|(p, _, _)| !is_stdin(p)).count();
    if files > 0 {
        let _ = writeln!(
            err,
            "{} reformatted, {} already formatted",
            plural(n, "file", "files"),
            files - n
        );
    }
    OK
}
