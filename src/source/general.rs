//! The general position index: every node's path (keys and values) to its position, built
//! from the marked events of `yaml-rust2` the first time a diagnostic needs a position in a
//! file the fast parser did not read.

use super::file::{file_start, LineStarts};
use super::path::{PreHashedMap, YamlPath};
use super::span::Span;
use std::fmt;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

#[derive(Default)]
pub(super) struct LegacyIndex {
    pub(super) values: PreHashedMap<YamlPath, Span>,
    pub(super) keys: PreHashedMap<YamlPath, Span>,
}

impl fmt::Debug for LegacyIndex {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "LegacyIndex({} nodes)", self.values.len())
    }
}

impl LegacyIndex {
    pub(super) fn build(text: &str) -> Self {
        let mut b = Builder {
            text,
            lines: LineStarts::new(text),
            stack: Vec::new(),
            path: Vec::new(),
            index: LegacyIndex::default(),
        };
        let mut parser = Parser::new_from_str(text);
        // A file that reached lowering parsed once already; an error here only shortens the index.
        let _ = parser.load(&mut b, false);
        b.index
    }

    pub(super) fn locate(&self, path: &YamlPath, key: bool) -> Span {
        let mut p = path.clone();
        loop {
            let found = if key {
                self.keys.get(&p).or_else(|| self.values.get(&p))
            } else {
                self.values.get(&p)
            };
            if let Some(span) = found {
                return span.clone();
            }
            if p.depth() == 0 {
                return file_start();
            }
            p = p.parent();
        }
    }
}

enum Frame {
    Map { key: Option<YamlPath> },
    Seq { next: usize },
}

struct Builder<'a> {
    text: &'a str,
    lines: LineStarts,
    stack: Vec<Frame>,
    /// Path of every open node; the last is the innermost.
    path: Vec<YamlPath>,
    index: LegacyIndex,
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

    fn current(&self) -> YamlPath {
        self.path.last().cloned().unwrap_or_default()
    }

    /// Called before a node (scalar, mapping, sequence) starts; returns true if it is a key.
    fn enter_node(&mut self, mark: Marker, scalar: Option<&str>) -> bool {
        let len = scalar.map_or(1, |s| s.len().max(1));
        let parent = self.current();
        match self.stack.last_mut() {
            Some(Frame::Map { key }) if key.is_none() => {
                let p = parent.key(scalar.unwrap_or(""));
                *key = Some(p.clone());
                let span = self.span(mark, len);
                self.index.keys.insert(p, span);
                true
            }
            Some(Frame::Map { key }) => {
                let p = key.take().unwrap_or_else(|| parent.key(""));
                let span = self.span(mark, len);
                self.index.values.insert(p.clone(), span);
                self.path.push(p);
                false
            }
            Some(Frame::Seq { next }) => {
                let i = *next;
                *next += 1;
                let p = parent.index(i);
                let span = self.span(mark, len);
                self.index.values.insert(p.clone(), span);
                self.path.push(p);
                false
            }
            None => {
                let span = self.span(mark, len);
                self.index.values.insert(YamlPath::root(), span);
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
