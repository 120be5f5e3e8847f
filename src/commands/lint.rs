//! `rolegen lint`: validate specs only.

use super::{compile_reported, left_out, release};
use crate::cli::{Inputs, Report, FAILED, INPUT_ERROR, OK};
use crate::diagnostics::plural;
use crate::rules;
use codespan_reporting::term::termcolor::WriteColor;
use std::time::Instant;

/// Runs `rolegen lint`; returns the exit code.
pub fn run(inputs: &Inputs, rep: &Report, err: &mut dyn WriteColor) -> u8 {
    let start = Instant::now();
    let Some((paths, outcome)) = compile_reported(inputs, rep, false, err) else {
        return INPUT_ERROR;
    };
    let (e, w) = outcome.diagnostics.counts();
    let _ = writeln!(
        err,
        "linted {}: {}, {}{} in {} ms",
        plural(paths.len(), "spec", "specs"),
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        left_out(&outcome),
        start.elapsed().as_millis()
    );
    let input_errors = outcome
        .diagnostics
        .0
        .iter()
        .any(|d| d.is_error() && d.rule.severity == rules::Severity::Error);
    release(outcome);
    if input_errors {
        INPUT_ERROR
    } else if e > 0 {
        FAILED
    } else {
        OK
    }
}
