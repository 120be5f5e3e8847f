//! `rolegen check`: regenerate in memory and compare with `--out` (exit 1 on drift).

use super::{module_files, release, report, spec_paths};
use crate::build::{compile, CompileOptions};
use crate::cli::{write_stdout, Format, Inputs, FAILED, INPUT_ERROR, OK};
use crate::diagnostics::plural;
use crate::out::{self, Drift};
use codespan_reporting::term::termcolor::WriteColor;
use std::path::Path;

/// Runs `rolegen check`; returns the exit code.
pub fn run(inputs: &Inputs, out_dir: &Path, err: &mut dyn WriteColor) -> u8 {
    let Some(paths) = spec_paths(inputs, err) else {
        return INPUT_ERROR;
    };
    let outcome = compile(&paths, CompileOptions::EMIT);
    if outcome.diagnostics.has_errors() {
        report(&outcome, Format::Human, err);
        return INPUT_ERROR;
    }
    let modules = module_files(&outcome);
    let drift = match out::check_modules(out_dir, &modules, inputs.files.is_empty()) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return INPUT_ERROR;
        }
    };
    let foreign = drift
        .iter()
        .filter(|d| matches!(d, Drift::Foreign(_)))
        .count();
    // A file can drift twice (its bytes and its mode): count files.
    let drifted = drift
        .iter()
        .filter(|d| !matches!(d, Drift::Foreign(_)))
        .map(Drift::path)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut text = String::new();
    for d in drift {
        use std::fmt::Write as _;
        let _ = match d {
            Drift::Missing(p) => writeln!(text, "missing: {} (would be created)", p.display()),
            Drift::Stale(p) => writeln!(
                text,
                "stale: {} (no longer generated; would be removed)",
                p.display()
            ),
            Drift::StaleModule(p) => {
                writeln!(
                    text,
                    "stale: {} (no spec generates this module)",
                    p.display()
                )
            }
            Drift::Changed(p, diff) => writeln!(text, "changed: {}\n{diff}", p.display()),
            Drift::Shape(p, shape) => writeln!(text, "changed: {}", shape.describe(&p)),
            Drift::Foreign(f) => writeln!(text, "not rolegen's: {f}"),
        };
    }
    if let Err(code) = write_stdout(text.as_bytes(), err) {
        return code;
    }
    if drifted > 0 {
        let _ = writeln!(
            err,
            "error: {} from the specs; run `rolegen build` and commit the result",
            plural(drifted, "file differs", "files differ")
        );
    }
    if foreign > 0 {
        let _ = writeln!(err, "error: {foreign} file(s) rolegen did not write would be deployed with its modules; `rolegen build` keeps them: delete them or move them out, as said above");
    }
    let code = if drifted + foreign > 0 {
        FAILED
    } else {
        let _ = writeln!(
            err,
            "{} in sync with {}",
            plural(outcome.modules.len(), "module", "modules"),
            if outcome.modules.len() == 1 {
                "its spec"
            } else {
                "their specs"
            }
        );
        OK
    };
    drop(modules);
    release(outcome);
    code
}
