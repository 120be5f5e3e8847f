//! IAM wildcard matching of names: the crate's one matcher ([`crate::wildcard`]), plus the
//! check whether a pattern needs it at all.

pub(super) use crate::wildcard::matches;

/// Whether `pattern` contains an IAM wildcard (`*` or `?`).
pub(super) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}
