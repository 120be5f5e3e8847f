//! The `rolegen` binary: parse, run, exit with the code the run chose.

/// See Cargo.toml: a faster allocator for an allocation-heavy compiler.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(rolegen::cli::main())
}
