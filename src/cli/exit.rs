//! The exit codes of `rolegen`: what every command's result maps to (0 ok, 1 a verdict,
//! 2 usage or input error). Only the command line knows them; library functions return
//! typed results.

/// Exit code: success.
pub const OK: u8 = 0;
/// Exit code: drift, or a lint that failed.
pub const FAILED: u8 = 1;
/// Exit code: usage or input error.
pub const INPUT_ERROR: u8 = 2;
