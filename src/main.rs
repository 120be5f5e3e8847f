//! The `rolegen` binary: parse, run, exit with the code the run chose.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// See Cargo.toml: a faster allocator for an allocation-heavy compiler.
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

// mimalloc's calls (mimalloc.h), part of the bundled library the `mimalloc` crate links.
extern "C" {
    fn mi_version() -> std::ffi::c_int;
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    fn mi_malloc(size: usize) -> *mut c_void;
    fn mi_zalloc(size: usize) -> *mut c_void;
    fn mi_realloc(p: *mut c_void, size: usize) -> *mut c_void;
    fn mi_free(p: *mut c_void);
}

/// The alignment every `mi_malloc` block has (`MI_MAX_ALIGN_SIZE` in mimalloc's types.h: 16 on
/// the 64-bit targets we build for, as glibc's `malloc`).
const MALLOC_ALIGN: usize = 16;

/// mimalloc, called the way the standard library calls the system `malloc`: the plain calls
/// when the layout asks no more alignment than they give, the aligned ones (through the
/// `mimalloc` crate) otherwise. The crate's own `GlobalAlloc` always takes the aligned path,
/// which cost ~25 instructions more per call on the ~6 million allocations of a 10,000-role
/// build (`docs/performance.md`, session 10).
struct Allocator;

impl Allocator {
    /// Whether `mi_malloc` of `size` bytes is aligned to `align`: blocks are aligned to
    /// [`MALLOC_ALIGN`], and a smaller block to at least its size rounded up to a power of
    /// two, which `align <= size` covers (sizes are multiples of the alignment).
    fn plain(align: usize, size: usize) -> bool {
        align <= MALLOC_ALIGN && align <= size
    }
}

// SAFETY: every block comes from mimalloc and goes back to it (`mi_free` frees blocks of both
// the plain and the aligned calls); the plain calls are used only where their alignment meets
// the layout's.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if Self::plain(layout.align(), layout.size()) {
            // SAFETY: see the impl.
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Self::plain(layout.align(), layout.size()) {
            // SAFETY: see the impl.
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi_free(ptr.cast()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The block keeps its alignment; the new size decides whether the plain call gives it.
        if Self::plain(layout.align(), new_size) {
            // SAFETY: `ptr` came from this allocator, so from mimalloc.
            unsafe { mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
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
