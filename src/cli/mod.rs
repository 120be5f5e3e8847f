//! The command line, rolegen's face: the clap structs ([`args`]), the exit codes ([`exit`]),
//! standard output ([`stdout`]) and the dispatch of each subcommand to its body in
//! [`crate::commands`]. Library modules never use this module.

pub mod args;
pub mod exit;
pub mod stdout;

pub use args::{Cli, Color, Command, Format, GraphSyntax, Inputs, Report};
pub use exit::{FAILED, INPUT_ERROR, OK};
pub use stdout::write_stdout;

use crate::commands;
use clap::Parser;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::IsTerminal;

/// Parses arguments and runs; returns the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { INPUT_ERROR } else { OK };
        }
    };
    let color = match cli.color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto
            if std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal() =>
        {
            ColorChoice::Never
        }
        Color::Auto => ColorChoice::Auto,
    };
    let mut err = StandardStream::stderr(color);
    if let Err(e) = crate::config::init() {
        eprintln!("error: {e}");
        return INPUT_ERROR;
    }
    let code = run(cli.command, &mut err);
    if stdout::failed() {
        // Output the user asked for is lost, whatever the command concluded.
        INPUT_ERROR
    } else {
        code
    }
}

/// Runs one command; returns its exit code.
fn run(command: Command, err: &mut StandardStream) -> u8 {
    match command {
        Command::Build {
            inputs,
            out,
            report,
        } => commands::build::run(&inputs, &out, &report, err),
        Command::Check { inputs, out } => commands::check::run(&inputs, &out, err),
        Command::Lint { inputs, report } => commands::lint::run(&inputs, &report, err),
        Command::Explain { code, list } => commands::explain::run(code.as_deref(), list, err),
        Command::Resolve {
            spec,
            params,
            account,
            partition,
            region,
            stack_name,
        } => commands::resolve::run(
            &spec,
            &params,
            commands::resolve::Pseudo {
                account,
                partition,
                region,
                stack_name,
            },
            err,
        ),
        Command::Import {
            from,
            inputs,
            module,
            out,
            allow_partial,
            force,
            group_by,
            exclude,
        } => commands::import::run(
            commands::import::Args {
                from,
                inputs,
                module,
                out,
                allow_partial,
                force,
                group_by,
                exclude,
            },
            err,
        ),
        Command::Diff {
            old,
            new,
            format,
            fail_on_widen,
            missing_as_empty,
        } => commands::diff::run(&old, &new, format, fail_on_widen, missing_as_empty, err),
        Command::Graph { spec, format } => commands::graph::run(&spec, format, err),
        Command::Fmt { inputs, check } => commands::fmt::run(&inputs, check, err),
        Command::Init { module, dir } => commands::init::run(&module, &dir, err),
        Command::Completions { shell } => commands::completions::run(shell, err),
        Command::Man { dir } => commands::man::run(dir.as_deref(), err),
        Command::Schema => commands::schema::run(err),
    }
}
