//! `rolegen schema`: the JSON Schema of the spec format.

use crate::cli::{write_stdout, OK};
use codespan_reporting::term::termcolor::WriteColor;

/// Runs `rolegen schema`; returns the exit code.
pub fn run(err: &mut dyn WriteColor) -> u8 {
    write_stdout(crate::spec::schema().as_bytes(), err).map_or_else(|c| c, |()| OK)
}
