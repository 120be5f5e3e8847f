//! The tree the fast parser builds: every node of a spec with its position, and lookups of a
//! [`YamlPath`] in it (the same answers as the general index).

use super::file::file_start;
use super::path::{str_hash, PreHashedMap, Seg, YamlPath, SEED};
use super::span::Span;
use std::fmt;
use std::sync::OnceLock;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// Its kind.
    pub kind: NodeKind,
    /// The scalar's text is `owned[a]` rather than `text[a..b]`.
    pub(super) owned: bool,
    /// Byte offset where yaml-rust2 marks the node.
    pub(super) start: u32,
    /// 1-based line of `start`.
    pub(super) line: u32,
    /// 0-based column (characters) of `start`.
    pub(super) col: u32,
    /// Scalars: text range or owned index; collections: first child in `kids`, child count.
    pub(super) a: u32,
    pub(super) b: u32,
}

/// Every node of a spec read by [`parse_fast`](super::parse_fast), with positions. Node 0 is the root.
#[derive(Default)]
pub struct Tree {
    pub(super) nodes: Vec<Node>,
    pub(super) kids: Vec<u32>,
    pub(super) owned: Vec<String>,
    /// Entries of the large mappings by (mapping, key hash), built on first lookup.
    pub(super) large: OnceLock<PreHashedMap<(u32, u64), u32>>,
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
    pub(crate) const ROOT: u32 = 0;

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

    pub(super) fn span(&self, text: &str, id: u32) -> Span {
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
    pub(super) fn locate(&self, text: &str, path: &YamlPath, key: bool) -> Span {
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
    pub(super) fn all_spans(&self, text: &str) -> Vec<(YamlPath, Span, Option<Span>)> {
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
