//! What the integration tests share: running the `rolegen` binary and reading its result.
//! Included by `tests/it/main.rs` (and any other test binary) as `mod support`.
#![allow(dead_code)] // each test binary uses a part

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `rolegen` binary built for these tests with `args` in `cwd`, colours off.
pub fn rolegen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rolegen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The exit code of a finished run (-1 when a signal ended it).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Output bytes as text (lossy).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
