//! Standard output of `rolegen`: every write goes through [`write_stdout`], which turns a
//! closed reader into silence and any other failure into exit 2.

use super::exit::INPUT_ERROR;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

/// What became of standard output so far: [`STDOUT_OK`], [`STDOUT_CLOSED`] or [`STDOUT_FAILED`].
static STDOUT_STATE: AtomicU8 = AtomicU8::new(STDOUT_OK);
const STDOUT_OK: u8 = 0;
/// The reader went away (a broken pipe): the rest of the output is dropped quietly.
const STDOUT_CLOSED: u8 = 1;
/// Writing failed otherwise (a full disk): reported once; the run exits [`INPUT_ERROR`].
const STDOUT_FAILED: u8 = 2;

/// Writes `bytes` to standard output and flushes them; every stdout write of rolegen goes
/// through here (`print!` panics when the write fails, which is exit 101).
///
/// A reader that went away (`rolegen schema | head -1`, a broken pipe) is not a failure of
/// rolegen's: the rest of the output is dropped silently and the exit code stays the
/// command's own verdict (0, or 1 for drift or a failed lint), as ripgrep does. The SIGPIPE
/// convention (141) is not used: rolegen's exit codes are 0, 1 and 2 only, and whether a
/// spec lints does not depend on whether its reader read to the end.
///
/// Any other failure (a full disk, a descriptor not open for writing) loses output the user
/// asked for: it is reported once, `error: cannot write to standard output: …`, later writes
/// are skipped, and the run exits 2 — returned here, and enforced by [`super::main`] for callers
/// that carry on.
pub fn write_stdout<W: Write + ?Sized>(bytes: &[u8], err: &mut W) -> Result<(), u8> {
    match STDOUT_STATE.load(Ordering::Relaxed) {
        STDOUT_CLOSED => return Ok(()),
        STDOUT_FAILED => return Err(INPUT_ERROR),
        _ => {}
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_STATE.store(STDOUT_CLOSED, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            STDOUT_STATE.store(STDOUT_FAILED, Ordering::Relaxed);
            let _ = writeln!(err, "error: cannot write to standard output: {e}");
            Err(INPUT_ERROR)
        }
    }
}

/// Whether a write to standard output failed (other than a reader that went away): the run
/// then exits [`INPUT_ERROR`] whatever the command concluded.
pub(crate) fn failed() -> bool {
    STDOUT_STATE.load(Ordering::Relaxed) == STDOUT_FAILED
}
