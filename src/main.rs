//! The `rolegen` binary: parse, run, exit with the code the run chose.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(rolegen::cli::main())
}
