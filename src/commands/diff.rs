//! `rolegen diff OLD NEW`: compare what two specs grant ([`crate::diff`]), print it and
//! exit 1 on a widening with `--fail-on-widen`.

use crate::cli::{write_stdout, FAILED, INPUT_ERROR, OK};
use crate::diff::{compare_sources, render, Format};
use std::io::Write;

/// Runs `rolegen diff`; returns the exit code.
pub fn run(
    old: &str,
    new: &str,
    format: Format,
    fail_on_widen: bool,
    missing_as_empty: bool,
    err: &mut dyn Write,
) -> u8 {
    let Some(report) = compare_sources(old, new, missing_as_empty, err) else {
        return INPUT_ERROR;
    };
    if let Err(code) = write_stdout(render(&report, format).as_bytes(), err) {
        return code;
    }
    if fail_on_widen && report.widens {
        let _ = writeln!(
            err,
            "error: the new spec widens permissions (--fail-on-widen)"
        );
        FAILED
    } else {
        OK
    }
}
