//! Places in a source file: a [`Span`] (byte range, line and column) and a [`SourceRef`]
//! (a file and a span in it), what every diagnostic points at.

use std::path::PathBuf;

/// A place in a source file: a byte range plus the line and column it starts at (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character (at least `start`).
    pub end: usize,
    /// 1-based line of `start`; 0 for a diagnostic about the whole file (one that cannot be
    /// read, is not UTF-8 or is too large), which has no position in it.
    pub line: usize,
    /// 1-based column (in characters, that is Unicode scalar values) of `start`; 0 with
    /// line 0.
    pub column: usize,
}

/// The file a diagnostic points into, with its text so it can be rendered with context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// Path as the user gave it (relative paths stay relative, so output is machine independent).
    pub path: PathBuf,
    /// Where in the file.
    pub span: Span,
}

impl SourceRef {
    /// The whole file at `path`, for a diagnostic with no position in it.
    pub(crate) fn whole_file(path: &std::path::Path) -> Self {
        SourceRef {
            path: path.to_path_buf(),
            span: Span::default(),
        }
    }

    /// True if this points at the whole file rather than a position in it.
    pub(crate) fn is_whole_file(&self) -> bool {
        self.span.line == 0
    }
}
