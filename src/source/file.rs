//! A loaded source file: its path, its text and the index that maps a [`YamlPath`] to where
//! the value (or key) was written, including the files embedded at a path of it (a
//! `policy_file:`).

use super::general::LegacyIndex;
use super::path::YamlPath;
use super::span::{SourceRef, Span};
use super::tree::Tree;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

/// A loaded source file: its path as given and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as the user gave it.
    pub path: PathBuf,
    /// Full text.
    pub text: String,
    index: OnceLock<SourceIndex>,
    /// Files whose content stands at a path of this one (a `policy_file:`), see
    /// [`SourceFile::embed`].
    embedded: RwLock<Vec<(YamlPath, Arc<SourceFile>)>>,
}

impl SourceFile {
    /// Wraps a file's text; positions are indexed the first time a diagnostic needs one.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        SourceFile {
            path: path.into(),
            text,
            index: OnceLock::new(),
            embedded: RwLock::default(),
        }
    }

    /// Wraps a file's text with the tree [`parse_fast`](super::parse_fast) built from it.
    pub(crate) fn with_tree(path: impl Into<PathBuf>, text: String, tree: Tree) -> Self {
        SourceFile {
            path: path.into(),
            text,
            index: OnceLock::from(SourceIndex::Tree(tree)),
            embedded: RwLock::default(),
        }
    }

    /// Makes the paths below `at` point into `file`: the document of a `policy_file:` named
    /// at `at` is lowered with paths `at.Statement[0].Action` and so on, and a finding there is
    /// located in the JSON file (`Statement[0].Action`), not at the spec line that names it.
    /// `at` itself locates as `file`'s root, its key (see [`locate_key`](Self::locate_key))
    /// stays in this file.
    pub(crate) fn embed(&self, at: YamlPath, file: Arc<SourceFile>) {
        let mut files = self.embedded.write().unwrap_or_else(|e| e.into_inner());
        files.retain(|(p, _)| *p != at);
        files.push((at, file));
    }

    /// The embedded file `path` lies in, with the rest of the path inside it.
    fn embedded_for(&self, path: &YamlPath) -> Option<(Arc<SourceFile>, YamlPath)> {
        let files = self.embedded.read().unwrap_or_else(|e| e.into_inner());
        files
            .iter()
            .find_map(|(at, f)| path.strip_prefix(at).map(|rest| (f.clone(), rest)))
    }

    /// The tree of the fast parser, if the file was read that way.
    pub fn tree(&self) -> Option<&Tree> {
        match self.index.get() {
            Some(SourceIndex::Tree(t)) => Some(t),
            _ => None,
        }
    }

    /// Where the value at `path` was written; falls back to the nearest ancestor that exists.
    pub fn locate(&self, path: &YamlPath) -> SourceRef {
        self.locate_in(path, false)
    }

    /// Where the key of the entry at `path` was written (for "unknown"/"duplicate" findings).
    pub(crate) fn locate_key(&self, path: &YamlPath) -> SourceRef {
        self.locate_in(path, true)
    }

    fn locate_in(&self, path: &YamlPath, key: bool) -> SourceRef {
        if let Some((file, rest)) = self.embedded_for(path) {
            if !key || rest.depth() > 0 {
                return file.locate_in(&rest, key);
            }
        }
        let index = self
            .index
            .get_or_init(|| SourceIndex::Legacy(LegacyIndex::build(&self.text)));
        let span = match index {
            SourceIndex::Tree(t) => t.locate(&self.text, path, key),
            SourceIndex::Legacy(l) => l.locate(path, key),
        };
        SourceRef {
            path: self.path.clone(),
            span: first_key_of_mapping(&self.text, quoted_token(&self.text, span)),
        }
    }

    /// Where the part `range` (byte offsets) of the scalar `value` at `path` was written, when
    /// the scalar is written on one line without escapes (plain or quoted); otherwise the
    /// whole scalar, as [`locate`](Self::locate).
    pub(crate) fn locate_within(
        &self,
        path: &YamlPath,
        value: &str,
        range: std::ops::Range<usize>,
    ) -> SourceRef {
        if let Some((file, rest)) = self.embedded_for(path) {
            return file.locate_within(&rest, value, range);
        }
        let whole = self.locate(path);
        let span = &whole.span;
        let Some(written) = self.text.get(span.start..) else {
            return whole;
        };
        // The scalar as written: `value` itself, or `value` between quotes (no escapes).
        let skip = match written.chars().next() {
            Some(q @ ('"' | '\''))
                if written[1..].starts_with(value) && written[1 + value.len()..].starts_with(q) =>
            {
                1
            }
            _ if written.starts_with(value) => 0,
            _ => return whole,
        };
        let (Some(before), true) = (value.get(..range.start), value.get(range.clone()).is_some())
        else {
            return whole;
        };
        if value.contains('\n') || range.start >= range.end {
            return whole;
        }
        SourceRef {
            path: whole.path.clone(),
            span: Span {
                start: span.start + skip + range.start,
                end: span.start + skip + range.end,
                line: span.line,
                column: span.column + skip + before.chars().count(),
            },
        }
    }

    /// A span at a 1-based line and column (for errors of the YAML loader).
    pub(crate) fn span_at(&self, line: usize, column: usize) -> Span {
        let start = LineStarts::new(&self.text).offset(&self.text, line, column.saturating_sub(1));
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |n| start + n)
            .max(start);
        Span {
            start,
            end: if end == start {
                (start + 1).min(self.text.len())
            } else {
                end
            },
            line,
            column,
        }
    }
}

pub(super) fn file_start() -> Span {
    Span {
        start: 0,
        end: 0,
        line: 1,
        column: 1,
    }
}

/// Byte offsets where each line starts, for turning (line, column) into an offset in O(1).
#[derive(Debug)]
pub(super) struct LineStarts(Vec<usize>);

impl LineStarts {
    pub(super) fn new(text: &str) -> Self {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(v)
    }

    /// Byte offset of a 1-based line and 0-based character column.
    pub(super) fn offset(&self, text: &str, line: usize, col_chars: usize) -> usize {
        let Some(&start) = self.0.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let end = self.0.get(line).copied().unwrap_or(text.len());
        let l = &text[start..end];
        start
            + l.char_indices()
                .nth(col_chars)
                .map_or(l.trim_end_matches('\n').len(), |(i, _)| i)
    }
}

#[derive(Debug)]
enum SourceIndex {
    /// Built by the fast parser while loading.
    Tree(Tree),
    /// Built from yaml-rust2 events on first use.
    Legacy(LegacyIndex),
}

/// Both indexes give a quoted scalar the position of its opening quote and the length of its
/// value (`"s3:GetObject"` would lose its last letter); cover the scalar as written, quotes
/// included (every string of a `policy_file:` JSON is quoted).
fn quoted_token(text: &str, span: Span) -> Span {
    let b = text.as_bytes();
    let Some(&q @ (b'"' | b'\'')) = b.get(span.start) else {
        return span;
    };
    let mut i = span.start + 1;
    while let Some(&c) = b.get(i) {
        // An escape in double quotes, a doubled quote in single quotes.
        let escaped =
            (c == b'\\' && q == b'"') || (c == q && q == b'\'' && b.get(i + 1) == Some(&b'\''));
        if escaped {
            i += 2;
        } else if c == q {
            return Span { end: i + 1, ..span };
        } else {
            i += 1;
        }
    }
    span
}

/// A block mapping's position is reported at the `:` after its first key; point at that key
/// instead (`- Effect: Allow` → `Effect`), so carets land on text a reader recognises.
fn first_key_of_mapping(text: &str, span: Span) -> Span {
    if text.as_bytes().get(span.start) != Some(&b':') {
        return span;
    }
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..span.start];
    let key_offset = before.len() - before.trim_start_matches([' ', '-']).len();
    let start = line_start + key_offset;
    if start >= span.start {
        return span;
    }
    Span {
        start,
        end: span.start,
        line: span.line,
        column: text[line_start..start].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn paths_below_an_embedded_file_locate_in_it() {
        let a = YamlPath::root().key("roles").key("x");
        assert_eq!(
            a.key("p").index(1).strip_prefix(&a),
            Some(YamlPath::root().key("p").index(1))
        );
        assert_eq!(a.strip_prefix(&a), Some(YamlPath::root()));
        assert_eq!(a.strip_prefix(&a.key("p")), None);
        assert_eq!(
            YamlPath::root().key("roles").key("y").strip_prefix(&a),
            None
        );

        let spec = SourceFile::new("s.yaml", "p:\n  policy_file: f.json\nq: 'it''s'\n".into());
        let json = SourceFile::new(
            "f.json",
            "{\n  \"Statement\": [{\"Action\": \"s3:Get\\\"x\"}]\n}\n".into(),
        );
        let at = YamlPath::root().key("p").key("policy_file");
        spec.embed(at.clone(), Arc::new(json));
        let action = spec.locate(&at.key("Statement").index(0).key("Action"));
        assert_eq!(action.path, PathBuf::from("f.json"));
        // The quoted scalar as written, quotes and escape included.
        assert_eq!((action.span.line, action.span.column), (2, 28));
        assert_eq!(action.span.end - action.span.start, "\"s3:Get\\\"x\"".len());
        // The file's root for the path itself; its key stays in the spec.
        assert_eq!(spec.locate(&at).path, PathBuf::from("f.json"));
        let key = spec.locate_key(&at);
        assert_eq!(
            (key.path.to_str(), key.span.line, key.span.column),
            (Some("s.yaml"), 2, 3)
        );
        let q = spec.locate(&YamlPath::root().key("q"));
        assert_eq!(&spec.text[q.span.start..q.span.end], "'it''s'");
    }
}
