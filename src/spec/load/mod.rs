//! Reading a spec file: size limit, YAML parse, serde into [`Spec`], and load errors turned
//! into located diagnostics.
//!
//! Reading is here; the serde deserializer over the fast parser's tree is `de.rs`, the
//! diagnostics of a failed load `errors.rs`.

mod de;
mod errors;
#[cfg(test)]
mod tests;

pub(crate) use errors::strip_location;

use super::Spec;
use crate::diagnostics::Diagnostic;
use crate::rules;
use crate::source::{parse_fast, SourceFile, SourceRef};
use errors::yaml_error;
use std::path::Path;
use std::sync::Arc;

/// Largest spec file rolegen reads (bytes).
pub(crate) const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// A parsed spec with the file it came from.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The file (for positions).
    pub file: Arc<SourceFile>,
    /// The parsed spec.
    pub spec: Spec,
}

/// Reads at most `limit` bytes from `r`: `Ok(None)` if it holds more. The size of a pipe
/// (`rolegen lint <(…)`, standard input) is not known in advance, so the limit is applied
/// while reading, never after reading everything.
pub(crate) fn read_at_most(r: impl std::io::Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    read_at_most_sized(r, limit, 0)
}

/// [`read_at_most`] into a buffer made for `expected` bytes (a regular file's size): no
/// buffer of twice the file's size, no copies as it grows.
fn read_at_most_sized(
    r: impl std::io::Read,
    limit: u64,
    expected: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    // One byte more than expected, so a file that did not grow is read to its end without
    // growing the buffer.
    let capacity = usize::try_from(expected.min(limit).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    r.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Why a file's text could not be read (callers word the message for their file).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// Opening or reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// Over the limit; the size, where known before reading (a regular file).
    #[error("over the size limit")]
    TooLarge(Option<u64>),
    /// Not UTF-8: the offset of the first invalid byte.
    #[error("not UTF-8 (invalid byte at offset {0})")]
    NotUtf8(usize),
}

/// Reads a text file of at most `limit` bytes (a regular file is refused by its size before
/// reading; a pipe while reading), UTF-8, without a leading byte order mark (YAML allows one;
/// it is not content and no column counts it).
pub(crate) fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_file() && meta.len() > limit {
        return Err(ReadError::TooLarge(Some(meta.len())));
    }
    let expected = if meta.is_file() { meta.len() } else { 0 };
    let bytes = read_at_most_sized(file, limit, expected)
        .map_err(ReadError::Io)?
        .ok_or(ReadError::TooLarge(None))?;
    text_of(bytes)
}

/// UTF-8 text of `bytes`, a leading byte order mark removed.
pub(crate) fn text_of(bytes: Vec<u8>) -> Result<String, ReadError> {
    let mut text =
        String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))?;
    strip_bom(&mut text);
    Ok(text)
}

/// Removes a leading UTF-8 byte order mark. Lines and columns are unchanged by it: editors
/// do not show the mark, so the first character after it is column 1.
pub(crate) fn strip_bom(text: &mut String) {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
}

/// The text of a spec as it was parsed, for showing diagnostics in context (`None` if it
/// cannot be read again).
pub fn source_text(path: &Path) -> Option<String> {
    read_text(path, MAX_SPEC_BYTES).ok()
}

/// The RG010 diagnostic of a spec over [`MAX_SPEC_BYTES`].
fn too_large(path: &Path, len: Option<u64>) -> Diagnostic {
    let size = match len {
        Some(n) => format!("is {n} bytes"),
        None => format!("holds more than {MAX_SPEC_BYTES} bytes"),
    };
    Diagnostic::new(
        &rules::INPUT_LIMIT,
        format!(
            "{} {size}; specs are limited to {MAX_SPEC_BYTES} bytes",
            path.display()
        ),
    )
    .help("split the spec into several modules")
    .at(Some(SourceRef::whole_file(path)))
}

/// Reads and parses one spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Vec<Diagnostic>> {
    let text = read_text(path, MAX_SPEC_BYTES).map_err(|e| {
        vec![match e {
            ReadError::Io(e) => io_error(path, &e),
            ReadError::TooLarge(len) => too_large(path, len),
            ReadError::NotUtf8(at) => Diagnostic::new(
                &rules::YAML_SYNTAX,
                format!(
                    "{} is not UTF-8 (invalid byte at offset {at})",
                    path.display()
                ),
            )
            .help("save the spec as UTF-8")
            .at(Some(SourceRef::whole_file(path))),
        }]
    })?;
    load_str(path, text)
}

/// Parses spec text that came from `path`.
///
/// Plain block YAML (what specs are) is read by [`parse_fast`] into a positioned tree and
/// deserialized from it with serde_yaml_ng's rules (`de.rs`); anything else, and every
/// error, goes through serde_yaml_ng itself, so results and messages are the same either way.
pub fn load_str(path: &Path, mut text: String) -> Result<LoadedSpec, Vec<Diagnostic>> {
    // A byte order mark is not content; serde_yaml_ng would read it as a second document.
    strip_bom(&mut text);
    // ROLEGEN_GENERAL_YAML=1 skips the fast path (to compare the two; output is the same).
    if std::env::var_os("ROLEGEN_GENERAL_YAML").is_none() {
        if let Some(tree) = parse_fast(&text) {
            if let Ok(spec) = de::spec(&tree, &text) {
                return Ok(LoadedSpec {
                    file: Arc::new(SourceFile::with_tree(path, text, tree)),
                    spec,
                });
            }
        }
    }
    match serde_yaml_ng::from_str::<Spec>(&text) {
        Ok(spec) => Ok(LoadedSpec {
            file: Arc::new(SourceFile::new(path, text)),
            spec,
        }),
        Err(e) => {
            let file = SourceFile::new(path, text);
            Err(vec![yaml_error(&file, &e)])
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        &rules::YAML_SYNTAX,
        format!("cannot read {}: {e}", path.display()),
    )
    .help("check the path and its permissions")
    .at(Some(SourceRef::whole_file(path)))
}
