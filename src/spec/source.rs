//! Source files and positions: maps a path in the YAML tree (`roles.task.name`) to where it
//! was written, so a diagnostic found after lowering can point at file:line:col.
//!
//! Two ways to get positions, with the same answers:
//!
//! - [`parse_fast`]: a single-pass parser for the plain block YAML specs are written in
//!   (block mappings and sequences, one-line flow collections, plain and one-line quoted
//!   scalars, comments). It builds a [`Tree`] of every node with its position, which both the
//!   spec deserializer (`load.rs`) and [`SourceFile::locate`] read. Anything outside that
//!   subset (anchors, tags, block scalars, multi-line scalars, duplicate keys, tabs, ...) makes
//!   it give up, and the file takes the second way.
//! - The general way: the marked events of `yaml-rust2`, turned into a map from path to
//!   position the first time a diagnostic needs one.
//!
//! The fast parser reproduces the positions `yaml-rust2` reports (a block mapping starts at
//! the `:` of its first key, an indented block sequence at its first `-`, an indentless one at
//! its first item), which the tests check node by node.

use crate::diagnostics::{SourceRef, Span};
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};
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
///
/// A persistent list: extending a path allocates one node and shares its parent, so cloning
/// is a reference-count increment and a path's hash is computed once, incrementally.
#[derive(Clone, Default)]
pub struct YamlPath(Option<Arc<PathNode>>);

struct PathNode {
    parent: YamlPath,
    seg: Seg,
    hash: u64,
    depth: usize,
}

const SEED: u64 = 0x243f_6a88_85a3_08d3;

fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// A hash of a key's text (also used for the fast index's large mappings).
fn str_hash(mut h: u64, s: &str) -> u64 {
    let b = s.as_bytes();
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(w));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(w));
    }
    mix(h, b.len() as u64)
}

impl YamlPath {
    /// The root.
    pub fn root() -> Self {
        YamlPath(None)
    }

    fn push(&self, seg: Seg) -> Self {
        let parent_hash = self.hash_value();
        let hash = match &seg {
            Seg::Key(k) => str_hash(mix(parent_hash, 0x4b), k),
            Seg::Index(i) => mix(mix(parent_hash, 0x49), *i as u64),
        };
        YamlPath(Some(Arc::new(PathNode {
            parent: self.clone(),
            seg,
            hash,
            depth: self.depth() + 1,
        })))
    }

    /// This path plus a key.
    pub fn key(&self, k: &str) -> Self {
        self.push(Seg::Key(k.to_owned()))
    }

    /// This path plus an index.
    pub fn index(&self, i: usize) -> Self {
        self.push(Seg::Index(i))
    }

    /// Number of steps from the root.
    pub fn depth(&self) -> usize {
        self.0.as_ref().map_or(0, |n| n.depth)
    }

    /// The path without its last step (the root's parent is the root).
    pub fn parent(&self) -> YamlPath {
        self.0
            .as_ref()
            .map_or_else(YamlPath::root, |n| n.parent.clone())
    }

    /// The last step, if any.
    pub fn last(&self) -> Option<&Seg> {
        self.0.as_ref().map(|n| &n.seg)
    }

    /// The steps from the root.
    pub fn segments(&self) -> Vec<&Seg> {
        let mut v = Vec::with_capacity(self.depth());
        let mut p = self;
        while let Some(n) = &p.0 {
            v.push(&n.seg);
            p = &n.parent;
        }
        v.reverse();
        v
    }

    /// This path with `prefix` taken off its start: `a.b.c` without `a` is `b.c`; `None`
    /// when the path does not start with `prefix`.
    pub fn strip_prefix(&self, prefix: &YamlPath) -> Option<YamlPath> {
        let extra = self.depth().checked_sub(prefix.depth())?;
        let mut rest = Vec::with_capacity(extra);
        let mut p = self;
        for _ in 0..extra {
            let n = p.0.as_ref()?;
            rest.push(&n.seg);
            p = &n.parent;
        }
        if p != prefix {
            return None;
        }
        Some(
            rest.into_iter()
                .rev()
                .fold(YamlPath::root(), |acc, seg| acc.push(seg.clone())),
        )
    }

    fn hash_value(&self) -> u64 {
        self.0.as_ref().map_or(SEED, |n| n.hash)
    }
}

impl PartialEq for YamlPath {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self, other);
        loop {
            match (&a.0, &b.0) {
                (None, None) => return true,
                (Some(x), Some(y)) => {
                    if Arc::ptr_eq(x, y) {
                        return true;
                    }
                    if x.hash != y.hash || x.depth != y.depth || x.seg != y.seg {
                        return false;
                    }
                    a = &x.parent;
                    b = &y.parent;
                }
                _ => return false,
            }
        }
    }
}

impl Eq for YamlPath {}

impl Hash for YamlPath {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash_value());
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, s) in self.segments().into_iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "YamlPath({:?})", self.to_string())
    }
}

/// A hasher for keys that are already good 64-bit hashes (a final mix spreads the low bits).
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = mix(self.0, u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = mix(self.0, n);
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = mix(self.0, u64::from(n));
    }
}

type PreHashedMap<K, V> = HashMap<K, V, BuildHasherDefault<PreHashed>>;

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

    /// Wraps a file's text with the tree [`parse_fast`] built from it.
    pub fn with_tree(path: impl Into<PathBuf>, text: String, tree: Tree) -> Self {
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
    pub fn embed(&self, at: YamlPath, file: Arc<SourceFile>) {
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
    pub fn locate_key(&self, path: &YamlPath) -> SourceRef {
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
    pub fn locate_within(
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

fn file_start() -> Span {
    Span {
        start: 0,
        end: 0,
        line: 1,
        column: 1,
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

#[derive(Debug)]
enum SourceIndex {
    /// Built by the fast parser while loading.
    Tree(Tree),
    /// Built from yaml-rust2 events on first use.
    Legacy(LegacyIndex),
}

// ---------------------------------------------------------------------------------------------
// The general index: every node's path (keys and values) to its position, from yaml-rust2.

#[derive(Default)]
struct LegacyIndex {
    values: PreHashedMap<YamlPath, Span>,
    keys: PreHashedMap<YamlPath, Span>,
}

impl fmt::Debug for LegacyIndex {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "LegacyIndex({} nodes)", self.values.len())
    }
}

impl LegacyIndex {
    fn build(text: &str) -> Self {
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

    fn locate(&self, path: &YamlPath, key: bool) -> Span {
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

// ---------------------------------------------------------------------------------------------
// The fast parser's tree.

/// What a [`Tree`] node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A block or flow mapping; its children are key, value, key, value, ...
    Map,
    /// A block or flow sequence.
    Seq,
    /// A plain (unquoted) scalar: YAML resolves `null`, `true`, `12` from its text.
    Plain,
    /// A single- or double-quoted scalar: always a string.
    Quoted,
}

/// One node of a [`Tree`].
#[derive(Debug, Clone, Copy)]
pub struct Node {
    /// Its kind.
    pub kind: NodeKind,
    /// The scalar's text is `owned[a]` rather than `text[a..b]`.
    owned: bool,
    /// Byte offset where yaml-rust2 marks the node.
    start: u32,
    /// 1-based line of `start`.
    line: u32,
    /// 0-based column (characters) of `start`.
    col: u32,
    /// Scalars: text range or owned index; collections: first child in `kids`, child count.
    a: u32,
    b: u32,
}

/// Every node of a spec read by [`parse_fast`], with positions. Node 0 is the root.
#[derive(Default)]
pub struct Tree {
    nodes: Vec<Node>,
    kids: Vec<u32>,
    owned: Vec<String>,
    /// Entries of the large mappings by (mapping, key hash), built on first lookup.
    large: OnceLock<PreHashedMap<(u32, u64), u32>>,
}

impl fmt::Debug for Tree {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Tree({} nodes)", self.nodes.len())
    }
}

/// Mappings with more entries than this are looked up through a hash map.
const LINEAR_LOOKUP_MAX: u32 = 16;

impl Tree {
    /// The root node's id.
    pub const ROOT: u32 = 0;

    /// A node.
    pub fn node(&self, id: u32) -> &Node {
        &self.nodes[id as usize]
    }

    /// The children of a collection (key, value pairs for a mapping).
    pub fn children(&self, id: u32) -> &[u32] {
        let n = self.node(id);
        match n.kind {
            NodeKind::Map => &self.kids[n.a as usize..(n.a + 2 * n.b) as usize],
            NodeKind::Seq => &self.kids[n.a as usize..(n.a + n.b) as usize],
            _ => &[],
        }
    }

    /// A scalar's value (empty for collections).
    pub fn scalar<'t>(&'t self, text: &'t str, id: u32) -> &'t str {
        let n = self.node(id);
        match n.kind {
            NodeKind::Plain | NodeKind::Quoted if n.owned => &self.owned[n.a as usize],
            NodeKind::Plain | NodeKind::Quoted => &text[n.a as usize..n.b as usize],
            _ => "",
        }
    }

    fn span(&self, text: &str, id: u32) -> Span {
        let n = self.node(id);
        let len = match n.kind {
            NodeKind::Plain | NodeKind::Quoted => self.scalar(text, id).len().max(1),
            _ => 1,
        };
        let start = n.start as usize;
        Span {
            start,
            end: (start + len).min(text.len()).max(start),
            line: n.line as usize,
            column: n.col as usize + 1,
        }
    }

    /// The entry index (into `children`, even) of key `k` in mapping `map`.
    fn entry(&self, text: &str, map: u32, k: &str) -> Option<usize> {
        let kids = self.children(map);
        let linear = || {
            kids.chunks_exact(2)
                .position(|e| self.scalar(text, e[0]) == k)
                .map(|i| 2 * i)
        };
        if self.node(map).b <= LINEAR_LOOKUP_MAX {
            return linear();
        }
        let large = self.large.get_or_init(|| self.large_index(text));
        match large.get(&(map, str_hash(SEED, k))) {
            Some(&i) if self.scalar(text, kids[i as usize]) == k => Some(i as usize),
            // A hash collision (or no such key): the plain search is always right.
            Some(_) => linear(),
            None => None,
        }
    }

    fn large_index(&self, text: &str) -> PreHashedMap<(u32, u64), u32> {
        let mut m = PreHashedMap::default();
        for (id, n) in self.nodes.iter().enumerate() {
            if n.kind == NodeKind::Map && n.b > LINEAR_LOOKUP_MAX {
                for (i, e) in self.children(id as u32).chunks_exact(2).enumerate() {
                    m.entry((id as u32, str_hash(SEED, self.scalar(text, e[0]))))
                        .or_insert(2 * i as u32);
                }
            }
        }
        m
    }

    /// The span of the deepest existing node on `path` (its key's span if `key` and the
    /// deepest node is a mapping entry), as the general index answers.
    fn locate(&self, text: &str, path: &YamlPath, key: bool) -> Span {
        if self.nodes.is_empty() {
            return file_start();
        }
        let mut node = Tree::ROOT;
        let mut key_node = None;
        for seg in path.segments() {
            let n = self.node(node);
            let next = match (n.kind, seg) {
                (NodeKind::Map, Seg::Key(k)) => self.entry(text, node, k).map(|i| {
                    let kids = self.children(node);
                    (Some(kids[i]), kids[i + 1])
                }),
                (NodeKind::Seq, Seg::Index(i)) => {
                    self.children(node).get(*i).map(|&item| (None, item))
                }
                _ => None,
            };
            match next {
                Some((k, v)) => {
                    key_node = k;
                    node = v;
                }
                None => break,
            }
        }
        match key_node {
            Some(k) if key => self.span(text, k),
            _ => self.span(text, node),
        }
    }

    /// Every node's path with its value span and, for mapping entries, its key span.
    #[cfg(test)]
    fn all_spans(&self, text: &str) -> Vec<(YamlPath, Span, Option<Span>)> {
        let mut out = Vec::new();
        let mut stack = vec![(YamlPath::root(), Tree::ROOT, None)];
        while let Some((p, id, k)) = stack.pop() {
            out.push((
                p.clone(),
                self.span(text, id),
                k.map(|k| self.span(text, k)),
            ));
            match self.node(id).kind {
                NodeKind::Map => {
                    for e in self.children(id).chunks_exact(2) {
                        stack.push((p.key(self.scalar(text, e[0])), e[1], Some(e[0])));
                    }
                }
                NodeKind::Seq => {
                    for (i, &c) in self.children(id).iter().enumerate() {
                        stack.push((p.index(i), c, None));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The fast parser.

/// The input is outside the subset the fast parser reads (not necessarily invalid YAML).
struct Bail;

#[cfg(test)]
thread_local!(pub(crate) static BAIL_AT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });

macro_rules! bail {
    () => {{
        #[cfg(test)]
        BAIL_AT.with(|b| b.set(line!()));
        Err(Bail)
    }};
}

type R<T> = Result<T, Bail>;

/// Deepest nesting the fast parser follows (serde_yaml_ng stops at 128).
const MAX_DEPTH: usize = 100;

/// Longest key the fast parser reads (YAML's simple keys stop at 1024 characters).
const MAX_KEY: usize = 1000;

/// Parses `text` into a [`Tree`] if it is plain block YAML with a mapping at the root;
/// `None` means "use the general YAML parser" (the input may still be valid YAML).
pub fn parse_fast(text: &str) -> Option<Tree> {
    if text.len() >= u32::MAX as usize || !plain_characters(text) {
        return None;
    }
    let mut p = Fast {
        b: text.as_bytes(),
        text,
        ascii: text.is_ascii(),
        pos: 0,
        line: 1,
        line_start: 0,
        indent: None,
        depth: 0,
        // About one node per 16 bytes of block YAML; untouched capacity costs nothing.
        tree: Tree {
            nodes: Vec::with_capacity(text.len() / 16),
            kids: Vec::with_capacity(text.len() / 16),
            ..Tree::default()
        },
        pending: Vec::with_capacity(256),
    };
    p.parse_document().ok()?;
    Some(p.tree)
}

/// False if the text has characters the fast parser leaves to the general one: tabs, CR,
/// control characters, a BOM, Unicode line breaks, non-characters; or a line starting a
/// directive or a document marker.
fn plain_characters(text: &str) -> bool {
    // The common case, printable ASCII: one quick pass, then only the line starts.
    if text
        .bytes()
        .all(|c| c == b'\n' || (0x20..0x7f).contains(&c))
    {
        return text.split('\n').all(|line| {
            let b = line.as_bytes();
            !(b.first() == Some(&b'%') || b.starts_with(b"---") || b.starts_with(b"..."))
        });
    }
    let b = text.as_bytes();
    let mut i = 0;
    let mut at_line_start = true;
    while i < b.len() {
        let c = b[i];
        if at_line_start && matches!(c, b'%' | b'-' | b'.') {
            let three = &b[i..(i + 3).min(b.len())];
            if c == b'%' || three == b"---" || three == b"..." {
                return false;
            }
        }
        at_line_start = c == b'\n';
        match c {
            b'\n' | 0x20..=0x7e => {}
            0..=0x1f | 0x7f => return false,
            // NEL and the other C1 controls.
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => return false,
            // LINE SEPARATOR, PARAGRAPH SEPARATOR.
            0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => {
                return false
            }
            // BOM (U+FEFF), U+FFFE, U+FFFF.
            0xef if b.get(i + 1) == Some(&0xbb) && b.get(i + 2) == Some(&0xbf) => return false,
            0xef if b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)) => {
                return false
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// Where a value after `key:` or `-` sits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// After `key:` in a block mapping at this column.
    MapValue(usize),
    /// After `-` at this column.
    SeqItem(usize),
}

impl Slot {
    /// Lines indented more than this continue a scalar (YAML's `indent + 1` rule).
    fn column(self) -> usize {
        match self {
            Slot::MapValue(c) | Slot::SeqItem(c) => c,
        }
    }
}

struct Fast<'t> {
    text: &'t str,
    b: &'t [u8],
    ascii: bool,
    pos: usize,
    /// 1-based line of `pos`.
    line: u32,
    /// Byte offset where the line of `pos` starts.
    line_start: usize,
    /// After a block node: the column of the next content line (`pos` is on its first
    /// character), or None at the end of the text.
    indent: Option<usize>,
    depth: usize,
    tree: Tree,
    /// Children of the collections being read, innermost last.
    pending: Vec<u32>,
}

fn is_blank_or_end(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\n'))
}

impl Fast<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<&u8> {
        self.b.get(i)
    }

    /// Character column of byte offset `i` on the current line.
    fn column(&self, i: usize) -> usize {
        if self.ascii {
            i - self.line_start
        } else {
            self.text[self.line_start..i].chars().count()
        }
    }

    fn new_node(&mut self, kind: NodeKind, at: usize) -> R<u32> {
        let id = u32::try_from(self.tree.nodes.len()).map_err(|_| Bail)?;
        let col = self.column(at) as u32;
        self.tree.nodes.push(Node {
            kind,
            owned: false,
            start: at as u32,
            line: self.line,
            col,
            a: 0,
            b: 0,
        });
        Ok(id)
    }

    fn scalar(&mut self, kind: NodeKind, at: usize, value: ScalarText) -> R<u32> {
        let id = self.new_node(kind, at)?;
        let n = &mut self.tree.nodes[id as usize];
        match value {
            ScalarText::Range(s, e) => {
                n.a = s as u32;
                n.b = e as u32;
            }
            ScalarText::Owned(s) => {
                n.owned = true;
                n.a = self.tree.owned.len() as u32;
                self.tree.owned.push(s);
            }
        }
        Ok(id)
    }

    fn open(&mut self) -> R<usize> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return bail!();
        }
        Ok(self.pending.len())
    }

    fn close(&mut self, id: u32, base: usize) -> R<()> {
        self.depth -= 1;
        let first = self.tree.kids.len() as u32;
        let count = self.pending.len() - base;
        self.tree.kids.extend(self.pending.drain(base..));
        let n = &mut self.tree.nodes[id as usize];
        n.a = first;
        n.b = if n.kind == NodeKind::Map {
            (count / 2) as u32
        } else {
            count as u32
        };
        if n.kind == NodeKind::Map && self.has_duplicate_key(id) {
            // The general index keeps every duplicate's positions; leave those to it.
            return bail!();
        }
        Ok(())
    }

    fn has_duplicate_key(&self, map: u32) -> bool {
        let keys: Vec<&str> = self
            .tree
            .children(map)
            .chunks_exact(2)
            .map(|e| self.tree.scalar(self.text, e[0]))
            .collect();
        if keys.len() <= 8 {
            return keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k));
        }
        let mut sorted = keys;
        sorted.sort_unstable();
        sorted.windows(2).any(|w| w[0] == w[1])
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// Moves to the first character of the next line with content (not blank, not only a
    /// comment) and records its column in `indent`. `pos` must be at a line start.
    fn next_content_line(&mut self) {
        loop {
            if self.pos >= self.b.len() {
                self.indent = None;
                return;
            }
            let start = self.pos;
            self.skip_spaces();
            match self.peek() {
                None => {
                    self.indent = None;
                    return;
                }
                Some(b'\n') => self.next_line(),
                Some(b'#') => {
                    self.skip_to_line_end();
                    if self.pos < self.b.len() {
                        self.next_line();
                    }
                }
                Some(_) => {
                    self.indent = Some(self.pos - start);
                    return;
                }
            }
        }
    }

    fn skip_to_line_end(&mut self) {
        self.pos = match self.b[self.pos..].iter().position(|&c| c == b'\n') {
            Some(n) => self.pos + n,
            None => self.b.len(),
        };
    }

    /// `pos` is on a `\n`: moves past it.
    fn next_line(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    /// After a node on this line: only spaces and a comment may follow. Moves to the next
    /// content line.
    fn end_of_line(&mut self) -> R<()> {
        self.skip_spaces();
        match self.peek() {
            None => {}
            Some(b'\n') => self.next_line(),
            Some(b'#') if self.pos > 0 && self.b[self.pos - 1] == b' ' => {
                self.skip_to_line_end();
                if self.pos < self.b.len() {
                    self.next_line();
                }
            }
            _ => return bail!(),
        }
        self.next_content_line();
        Ok(())
    }

    fn parse_document(&mut self) -> R<()> {
        self.next_content_line();
        let Some(indent) = self.indent else {
            return bail!();
        };
        if self.starts_sequence() || matches!(self.peek(), Some(b'[' | b'{')) {
            return bail!();
        }
        let root = self.block_mapping(indent, None)?;
        if root != Tree::ROOT || self.indent.is_some() {
            return bail!();
        }
        Ok(())
    }

    /// `- ` or `-` at the end of a line.
    fn starts_sequence(&self) -> bool {
        self.peek() == Some(b'-') && is_blank_or_end(self.at(self.pos + 1))
    }

    /// A block mapping whose keys are at column `col`; `pos` is on its first key, or the
    /// first key was read already (`first`: key node and the offset of its `:`).
    fn block_mapping(&mut self, col: usize, first: Option<(u32, usize)>) -> R<u32> {
        let (id, first_key, colon) = match first {
            Some((k, colon)) => (self.new_node(NodeKind::Map, colon)?, k, colon),
            None => {
                // Created before its first key, so the root is node 0.
                let id = self.new_node(NodeKind::Map, self.pos)?;
                let (k, colon) = self.key()?;
                // yaml-rust2 marks a block mapping at the `:` of its first key.
                let col = self.column(colon) as u32;
                let n = &mut self.tree.nodes[id as usize];
                n.start = colon as u32;
                n.col = col;
                (id, k, colon)
            }
        };
        let base = self.open()?;
        let mut key = first_key;
        self.pos = colon + 1;
        loop {
            self.pending.push(key);
            let value = self.value(Slot::MapValue(col))?;
            self.pending.push(value);
            match self.indent {
                Some(n) if n == col => {
                    if self.starts_sequence() {
                        return bail!();
                    }
                    let (k, c) = self.key()?;
                    key = k;
                    self.pos = c + 1;
                }
                Some(n) if n > col => return bail!(),
                _ => break,
            }
        }
        self.close(id, base)?;
        Ok(id)
    }

    /// A mapping key at `pos`: a plain or quoted scalar followed by `:` and a blank.
    /// Returns the key node and the offset of its `:`.
    fn key(&mut self) -> R<(u32, usize)> {
        let at = self.pos;
        let node = match self.peek() {
            Some(b'\'' | b'"') => {
                let t = self.quoted()?;
                self.skip_spaces();
                if self.peek() != Some(b':') || !is_blank_or_end(self.at(self.pos + 1)) {
                    return bail!();
                }
                self.scalar(NodeKind::Quoted, at, t)?
            }
            Some(c) if plain_start(c, self.at(self.pos + 1)) => {
                let (end, stop) = self.plain_block();
                if stop != PlainStop::Colon {
                    return bail!();
                }
                self.scalar(NodeKind::Plain, at, ScalarText::Range(at, end))?
            }
            _ => return bail!(),
        };
        if self.pos - at > MAX_KEY {
            return bail!();
        }
        Ok((node, self.pos))
    }

    /// The value after `key:` or `-`; `pos` is just past the indicator. Leaves the parser on
    /// the next content line.
    fn value(&mut self, slot: Slot) -> R<u32> {
        let before = self.pos;
        self.skip_spaces();
        let on_line = !matches!(self.peek(), None | Some(b'\n' | b'#'));
        if !on_line {
            self.end_of_line()?;
            let Some(n) = self.indent else {
                return bail!();
            };
            return match slot {
                Slot::MapValue(col) if n == col && self.starts_sequence() => {
                    self.block_sequence(col, true)
                }
                _ if n > slot.column() => self.block_node(n),
                // An empty value (null): left to the general parser.
                _ => bail!(),
            };
        }
        if self.pos == before {
            // `key:value` is not a key; `-x` is not an item.
            return bail!();
        }
        let at = self.pos;
        let c = self.peek().ok_or(Bail)?;
        if self.starts_sequence() {
            return match slot {
                Slot::SeqItem(_) => {
                    let col = self.column(at);
                    self.block_sequence(col, false)
                }
                Slot::MapValue(_) => bail!(),
            };
        }
        let node = match c {
            b'[' | b'{' => self.flow_node()?,
            b'\'' | b'"' => {
                let t = self.quoted()?;
                let node = self.scalar(NodeKind::Quoted, at, t)?;
                let after = self.pos;
                self.skip_spaces();
                if self.peek() == Some(b':') && is_blank_or_end(self.at(self.pos + 1)) {
                    return match slot {
                        Slot::SeqItem(_) => {
                            let col = self.column(at);
                            self.block_mapping(col, Some((node, self.pos)))
                        }
                        Slot::MapValue(_) => bail!(),
                    };
                }
                self.pos = after;
                node
            }
            c if plain_start(c, self.at(self.pos + 1)) => {
                let (end, stop) = self.plain_block();
                if stop == PlainStop::Colon {
                    return match slot {
                        Slot::SeqItem(_) => {
                            let key =
                                self.scalar(NodeKind::Plain, at, ScalarText::Range(at, end))?;
                            if self.pos - at > MAX_KEY {
                                return bail!();
                            }
                            let col = self.column(at);
                            self.block_mapping(col, Some((key, self.pos)))
                        }
                        Slot::MapValue(_) => bail!(),
                    };
                }
                self.scalar(NodeKind::Plain, at, ScalarText::Range(at, end))?
            }
            _ => return bail!(),
        };
        self.end_of_line()?;
        // A more indented line would continue a plain scalar, or be an error.
        if self.indent.is_some_and(|n| n > slot.column()) {
            return bail!();
        }
        Ok(node)
    }

    /// A block node starting a line at column `col`: a sequence or a mapping.
    fn block_node(&mut self, col: usize) -> R<u32> {
        if self.starts_sequence() {
            return self.block_sequence(col, false);
        }
        // Scalars and flow collections on their own line are left to the general parser.
        if matches!(self.peek(), Some(b'[' | b'{')) {
            return bail!();
        }
        self.block_mapping(col, None)
    }

    /// A block sequence with its `-` at column `col`; `pos` is on the first `-`.
    /// `indentless`: at the same column as the mapping key that holds it.
    fn block_sequence(&mut self, col: usize, indentless: bool) -> R<u32> {
        let dash = self.pos;
        let mark = if indentless {
            // yaml-rust2 marks an indentless sequence at its first item's first token.
            let mut i = dash + 1;
            while self.at(i) == Some(&b' ') {
                i += 1;
            }
            match self.at(i) {
                None | Some(b'\n' | b'#' | b'-') => return bail!(),
                _ => i,
            }
        } else {
            dash
        };
        let id = self.new_node(NodeKind::Seq, mark)?;
        let base = self.open()?;
        loop {
            self.pos += 1;
            let item = self.value(Slot::SeqItem(col))?;
            self.pending.push(item);
            match self.indent {
                Some(n) if n == col && self.starts_sequence() => {}
                Some(n) if n == col && indentless => break,
                Some(n) if n >= col => return bail!(),
                _ => break,
            }
        }
        self.close(id, base)?;
        Ok(id)
    }

    /// A plain scalar in block context from `pos`. Returns its end (trailing spaces trimmed)
    /// and why it stopped; `pos` is left on the stop (the `:` for a key).
    fn plain_block(&mut self) -> (usize, PlainStop) {
        let b = self.b;
        let mut i = self.pos;
        let stop = loop {
            match b.get(i) {
                None | Some(b'\n') => break PlainStop::Line,
                Some(b':') if is_blank_or_end(b.get(i + 1)) => break PlainStop::Colon,
                Some(b' ') if b.get(i + 1) == Some(&b'#') => break PlainStop::Line,
                _ => i += 1,
            }
        };
        let mut end = i;
        while end > self.pos && b[end - 1] == b' ' {
            end -= 1;
        }
        self.pos = i;
        (end, stop)
    }

    /// A plain scalar inside a flow collection; stops before `,`, `]`, `}` and `: `.
    fn plain_flow(&mut self) -> R<(usize, usize)> {
        let b = self.b;
        let start = self.pos;
        let mut i = start;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return bail!(),
                Some(b',' | b']' | b'}' | b'[' | b'{') => break,
                Some(b':') => {
                    let next = b.get(i + 1);
                    if is_blank_or_end(next)
                        || matches!(next, Some(b',' | b'?' | b'[' | b']' | b'{' | b'}'))
                    {
                        break;
                    }
                    i += 1;
                }
                Some(b' ') if b.get(i + 1) == Some(&b'#') => return bail!(),
                _ => i += 1,
            }
        }
        let mut end = i;
        while end > start && b[end - 1] == b' ' {
            end -= 1;
        }
        self.pos = i;
        Ok((start, end))
    }

    /// A flow scalar or collection at `pos` (one line).
    fn flow_node(&mut self) -> R<u32> {
        let at = self.pos;
        match self.peek() {
            Some(b'[') => {
                let id = self.new_node(NodeKind::Seq, at)?;
                let base = self.open()?;
                self.pos += 1;
                self.skip_spaces();
                if self.peek() != Some(b']') {
                    loop {
                        let item = self.flow_node()?;
                        self.pending.push(item);
                        self.skip_spaces();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_spaces();
                                if self.peek() == Some(b']') {
                                    return bail!();
                                }
                            }
                            Some(b']') => break,
                            _ => return bail!(),
                        }
                    }
                }
                self.pos += 1;
                self.close(id, base)?;
                Ok(id)
            }
            Some(b'{') => {
                let id = self.new_node(NodeKind::Map, at)?;
                let base = self.open()?;
                self.pos += 1;
                self.skip_spaces();
                if self.peek() != Some(b'}') {
                    loop {
                        let key = self.flow_scalar()?;
                        self.skip_spaces();
                        if self.peek() != Some(b':') || !is_blank_or_end(self.at(self.pos + 1)) {
                            return bail!();
                        }
                        self.pos += 1;
                        self.skip_spaces();
                        if matches!(self.peek(), Some(b',' | b'}')) {
                            return bail!();
                        }
                        let value = self.flow_node()?;
                        self.pending.push(key);
                        self.pending.push(value);
                        self.skip_spaces();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_spaces();
                                if self.peek() == Some(b'}') {
                                    return bail!();
                                }
                            }
                            Some(b'}') => break,
                            _ => return bail!(),
                        }
                    }
                }
                self.pos += 1;
                self.close(id, base)?;
                Ok(id)
            }
            _ => self.flow_scalar(),
        }
    }

    fn flow_scalar(&mut self) -> R<u32> {
        let at = self.pos;
        match self.peek() {
            Some(b'\'' | b'"') => {
                let t = self.quoted()?;
                self.scalar(NodeKind::Quoted, at, t)
            }
            // A `:` after it (`[a: b]`, `{a: b: c}`) is refused by the caller.
            Some(c) if plain_start(c, self.at(self.pos + 1)) => {
                let (s, e) = self.plain_flow()?;
                if s == e {
                    return bail!();
                }
                self.scalar(NodeKind::Plain, at, ScalarText::Range(s, e))
            }
            _ => bail!(),
        }
    }

    /// A one-line quoted scalar at `pos`; leaves `pos` after the closing quote.
    fn quoted(&mut self) -> R<ScalarText> {
        let b = self.b;
        let q = b[self.pos];
        let start = self.pos + 1;
        let mut i = start;
        // Text from `run` to `i` is still to be copied into `owned` (once there is one).
        let mut run = start;
        let mut owned: Option<String> = None;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return bail!(),
                Some(&c) if c == q => {
                    if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        let s = owned.get_or_insert_with(String::new);
                        s.push_str(&self.text[run..i]);
                        s.push('\'');
                        i += 2;
                        run = i;
                        continue;
                    }
                    break;
                }
                Some(b'\\') if q == b'"' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..i]);
                    let (ch, len) = unescape(&b[i + 1..]).ok_or(Bail)?;
                    s.push(ch);
                    i += 1 + len;
                    run = i;
                }
                Some(_) => i += 1,
            }
        }
        let end = i;
        self.pos = i + 1;
        // After the closing quote: a blank, the end, or flow/key punctuation.
        match self.peek() {
            None | Some(b' ' | b'\n' | b',' | b']' | b'}' | b':') => {}
            _ => return bail!(),
        }
        Ok(match owned {
            Some(mut s) => {
                s.push_str(&self.text[run..end]);
                ScalarText::Owned(s)
            }
            None => ScalarText::Range(start, end),
        })
    }
}

/// A double-quoted escape (the bytes after `\`): the character and the bytes it used.
/// Only the common escapes; the rest go to the general parser.
fn unescape(b: &[u8]) -> Option<(char, usize)> {
    let hex = |n: usize| -> Option<char> {
        let digits = b.get(1..1 + n)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let v = u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
        char::from_u32(v)
    };
    Some(match b.first()? {
        b'\\' => ('\\', 1),
        b'"' => ('"', 1),
        b'/' => ('/', 1),
        b'n' => ('\n', 1),
        b't' => ('\t', 1),
        b'r' => ('\r', 1),
        b'0' => ('\0', 1),
        b'x' => (hex(2)?, 3),
        b'u' => (hex(4)?, 5),
        b'U' => (hex(8)?, 9),
        _ => return None,
    })
}

enum ScalarText {
    Range(usize, usize),
    Owned(String),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PlainStop {
    /// End of line or a comment.
    Line,
    /// A `:` followed by a blank: the scalar is a key.
    Colon,
}

/// Whether a plain scalar may start with `c` (followed by `next`), in the fast subset.
fn plain_start(c: u8, next: Option<&u8>) -> bool {
    match c {
        b'-' => !is_blank_or_end(next),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}

/// The folder a spec's relative `policy_file:` paths are resolved against.
pub fn spec_dir(path: &Path) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Test support: compares the fast parser's tree with yaml-rust2's positions.
#[cfg(test)]
pub(crate) mod check {
    use super::*;

    /// If the fast parser reads `text`: yaml-rust2 must read it too, and every node must have
    /// the same path and spans in both indexes; `locate` must agree for missing paths too.
    /// Returns whether the fast parser read it.
    pub(crate) fn positions(text: &str) -> Result<bool, String> {
        let Some(tree) = parse_fast(text) else {
            return Ok(false);
        };
        struct Ignore;
        impl MarkedEventReceiver for Ignore {
            fn on_event(&mut self, _: Event, _: Marker) {}
        }
        if let Err(e) = Parser::new_from_str(text).load(&mut Ignore, false) {
            return Err(format!("yaml-rust2 rejects what the fast parser read: {e}"));
        }
        let legacy = LegacyIndex::build(text);
        let spans = tree.all_spans(text);
        if spans.len() != legacy.values.len() {
            return Err(format!(
                "{} nodes in the tree, {} in yaml-rust2's index",
                spans.len(),
                legacy.values.len()
            ));
        }
        let keys = spans.iter().filter(|s| s.2.is_some()).count();
        if keys != legacy.keys.len() {
            return Err(format!(
                "{keys} keys in the tree, {} in yaml-rust2's index",
                legacy.keys.len()
            ));
        }
        for (p, v, k) in &spans {
            if legacy.values.get(p) != Some(v) {
                return Err(format!(
                    "value of `{p}`: tree {v:?}, yaml-rust2 {:?}",
                    legacy.values.get(p)
                ));
            }
            if legacy.keys.get(p) != k.as_ref() {
                return Err(format!(
                    "key of `{p}`: tree {k:?}, yaml-rust2 {:?}",
                    legacy.keys.get(p)
                ));
            }
            for probe in [p.key("zz-missing"), p.index(999_999), p.key("zz").key("y")] {
                for key in [false, true] {
                    let (a, b) = (tree.locate(text, &probe, key), legacy.locate(&probe, key));
                    if a != b {
                        return Err(format!(
                            "locate(`{probe}`, key {key}): tree {a:?}, yaml-rust2 {b:?}"
                        ));
                    }
                }
            }
            for key in [false, true] {
                let (a, b) = (tree.locate(text, p, key), legacy.locate(p, key));
                if a != b {
                    return Err(format!(
                        "locate(`{p}`, key {key}): tree {a:?}, yaml-rust2 {b:?}"
                    ));
                }
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_share_and_compare() {
        let a = YamlPath::root().key("roles").key("x").index(2);
        let b = YamlPath::root().key("roles").key("x").index(2);
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "roles.x[2]");
        assert_ne!(a, YamlPath::root().key("roles").key("x").index(3));
        assert_ne!(a, YamlPath::root().key("roles").key("x"));
        assert_eq!(a.parent(), YamlPath::root().key("roles").key("x"));
        assert_eq!(a.depth(), 3);
        let mut m = PreHashedMap::default();
        m.insert(a.clone(), 1);
        assert_eq!(m.get(&b), Some(&1));
    }

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

    #[test]
    fn fast_subset_boundaries() {
        for (text, fast) in [
            ("a: 1\nb: [x, 'y', \"z\"]\n", true),
            ("a:\n- x\n- y: 1\n  z: 2\n", true),
            ("a: &x 1\n", false),
            ("a: |\n  text\n", false),
            ("a: b\n  continued\n", false),
            ("a:\n", false),
            ("a: 1\na: 2\n", false),
            ("---\na: 1\n", false),
            ("a:\tb\n", false),
            ("- a\n", false),
            ("a: 'it''s'\nb: \"\\u00e9\\n\"\n", true),
        ] {
            assert_eq!(parse_fast(text).is_some(), fast, "{text:?}");
            check::positions(text).unwrap();
        }
    }
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
