//! The `rolegen` binary: parse, run, exit with the code the run chose.

/// See Cargo.toml: a faster allocator for an allocation-heavy compiler.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's calls (mimalloc.h), part of the bundled library the allocator links.
extern "C" {
    fn mi_version() -> std::ffi::c_int;
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc's option list (`mi_option_e` in mimalloc.h), the same
/// number from v2.1 through v3 (`mi_version()` 20100 up to 40000): milliseconds before freed memory is given back to the OS.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// The mimalloc versions whose option list has [`MI_OPTION_PURGE_DELAY`] at that number.
fn known_option_list(version: std::ffi::c_int) -> bool {
    (20100..40000).contains(&version)
}

/// Gives freed memory back to the OS at once instead of after mimalloc's delay (1 s in
/// v3.3). A build frees the parsed spec (about a third of its memory at 10,000 roles) while it
/// makes the outputs; with the delay the outputs went to fresh pages while the spec's pages
/// still counted, and the peak resident memory at 10,000 roles was ~250 MB instead of ~200 MB,
/// for no time gained. A `MIMALLOC_PURGE_DELAY` the user sets wins; a mimalloc whose option
/// list is not known is left alone.
fn purge_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: plain calls into the linked mimalloc; the option number is checked against its
    // version, and mimalloc ignores a number outside its list.
    unsafe {
        if known_option_list(mi_version()) {
            mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
}

fn main() -> std::process::ExitCode {
    purge_freed_memory_at_once();
    std::process::ExitCode::from(rolegen::cli::main())
}

#[cfg(test)]
mod tests {
    /// A mimalloc outside the versions whose option list is known (a dependency update) fails
    /// here: check `mi_option_purge_delay`'s number in its mimalloc.h, then widen the range.
    #[test]
    fn the_linked_mimalloc_has_the_known_option_list() {
        // SAFETY: a plain call into the linked mimalloc.
        let version = unsafe { super::mi_version() };
        assert!(super::known_option_list(version), "mimalloc {version}");
    }
}
