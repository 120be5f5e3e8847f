//! Source files and positions: maps a path in the YAML tree (`roles.task.name`) to where it
//! was written, so a diagnostic found after lowering can point at file:line:col.
//!
//! The index is built only when a diagnostic needs it, from the marked events of `yaml-rust2`.

use crate::diagnostics::{SourceRef, Span};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One step in the YAML tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root to a node.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct YamlPath(pub Vec<Seg>);

impl YamlPath {
    /// The root.
    pub fn root() -> Self {
        YamlPath(Vec::new())
    }
    /// This path plus a key.
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_owned()));
        YamlPath(v)
    }
    /// This path plus an index.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        YamlPath(v)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A loaded source file: its path as given and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as the user gave it.
    pub path: PathBuf,
    /// Full text.
    pub text: String,
    index: OnceLock<SourceIndex>,
}

impl SourceFile {
    /// Wraps a file's text.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        SourceFile {
            path: path.into(),
            text,
            index: OnceLock::new(),
        }
    }

    /// Where the value at `path` was written; falls back to the nearest ancestor that exists.
    pub fn locate(&self, path: &YamlPath) -> SourceRef {
        self.locate_in(path, false)
    }

    /// Where the key of the entry at `path` was written (for "unknown"/"duplicate" findings).
    pub fn locate_key(&self, path: &YamlPath) -> SourceRef {
        self.locate_in(path, true)
    }

    fn locate_in(&self, path: &YamlPath, key: bool) -> SourceRef {
        let index = self.index.get_or_init(|| SourceIndex::build(&self.text));
        let mut p = path.0.as_slice();
        loop {
            let found = if key {
                index.keys.get(p).or_else(|| index.values.get(p))
            } else {
                index.values.get(p)
            };
            if let Some(span) = found {
                return SourceRef {
                    path: self.path.clone(),
                    span: span.clone(),
                };
            }
            if p.is_empty() {
                return SourceRef {
                    path: self.path.clone(),
                    span: Span {
                        start: 0,
                        end: 0,
                        line: 1,
                        column: 1,
                    },
                };
            }
            p = &p[..p.len() - 1];
        }
    }

    /// A span at a 1-based line and column (for errors of the YAML loader).
    pub fn span_at(&self, line: usize, column: usize) -> Span {
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

/// Byte offsets where each line starts, for turning (line, column) into an offset in O(1).
#[derive(Debug)]
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(v)
    }

    /// Byte offset of a 1-based line and 0-based character column.
    fn offset(&self, text: &str, line: usize, col_chars: usize) -> usize {
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

#[derive(Debug, Default)]
struct SourceIndex {
    values: HashMap<Vec<Seg>, Span>,
    keys: HashMap<Vec<Seg>, Span>,
}

enum Frame {
    Map { key: Option<String> },
    Seq { next: usize },
}

struct Builder<'a> {
    text: &'a str,
    lines: LineStarts,
    stack: Vec<Frame>,
    path: Vec<Seg>,
    index: SourceIndex,
}

impl Builder<'_> {
    fn span(&self, mark: Marker, len: usize) -> Span {
        let start = self.lines.offset(self.text, mark.line(), mark.col());
        let end = (start + len).min(self.text.len()).max(start);
        Span {
            start,
            end,
            line: mark.line(),
            column: mark.col() + 1,
        }
    }

    /// Called before a node (scalar, mapping, sequence) starts; returns true if it is a key.
    fn enter_node(&mut self, mark: Marker, scalar: Option<&str>) -> bool {
        let len = scalar.map_or(1, |s| s.len().max(1));
        match self.stack.last_mut() {
            Some(Frame::Map { key }) if key.is_none() => {
                let k = scalar.unwrap_or("").to_owned();
                *key = Some(k.clone());
                let mut p = self.path.clone();
                p.push(Seg::Key(k));
                let span = self.span(mark, len);
                self.index.keys.insert(p, span);
                true
            }
            Some(Frame::Map { key }) => {
                let k = key.take().unwrap_or_default();
                self.path.push(Seg::Key(k));
                let span = self.span(mark, len);
                self.index.values.insert(self.path.clone(), span);
                false
            }
            Some(Frame::Seq { next }) => {
                let i = *next;
                *next += 1;
                self.path.push(Seg::Index(i));
                let span = self.span(mark, len);
                self.index.values.insert(self.path.clone(), span);
                false
            }
            None => {
                let span = self.span(mark, len);
                self.index.values.insert(Vec::new(), span);
                false
            }
        }
    }

    fn leave_value(&mut self) {
        if !self.stack.is_empty() {
            self.path.pop();
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) if !self.enter_node(mark, Some(&value)) => self.leave_value(),
            Event::Alias(_) if !self.enter_node(mark, None) => self.leave_value(),
            Event::MappingStart(..) => {
                self.enter_node(mark, None);
                self.stack.push(Frame::Map { key: None });
            }
            Event::SequenceStart(..) => {
                self.enter_node(mark, None);
                self.stack.push(Frame::Seq { next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.leave_value();
            }
            _ => {}
        }
    }
}

impl SourceIndex {
    fn build(text: &str) -> Self {
        let mut b = Builder {
            text,
            lines: LineStarts::new(text),
            stack: Vec::new(),
            path: Vec::new(),
            index: SourceIndex::default(),
        };
        let mut parser = Parser::new_from_str(text);
        // A file that reached lowering parsed once already; an error here only shortens the index.
        let _ = parser.load(&mut b, false);
        b.index
    }
}

/// The folder a spec's relative `policy_file:` paths are resolved against.
pub fn spec_dir(path: &Path) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
