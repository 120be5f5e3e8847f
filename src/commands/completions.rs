//! `rolegen completions SHELL`: shell completions, from the clap definition.

use crate::cli::{write_stdout, Cli, OK};
use codespan_reporting::term::termcolor::WriteColor;

/// Runs `rolegen completions`; returns the exit code.
pub fn run(shell: clap_complete::Shell, err: &mut dyn WriteColor) -> u8 {
    // Into a buffer: clap_complete panics when its writer fails.
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rolegen", &mut buf);
    write_stdout(&buf, err).map_or_else(|c| c, |()| OK)
}
