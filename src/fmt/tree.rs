//! The lossless block tree the formatter works on: entries of block mappings and sequences
//! with the comments and blank lines around them, and scalar text exactly as written.

/// A full-line comment or a blank line before an entry (or at the end of a block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pre {
    /// An empty line (runs are collapsed when printed).
    Blank,
    /// A comment line, from `#` to its end, trailing whitespace removed.
    Comment(String),
    /// A line printed verbatim at column 0 (the `---` document start marker).
    Raw(String),
}

/// A comment at the end of a line that holds a node (`key: value   # why`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trail {
    /// The whitespace between the node and `#`, as written.
    pub gap: String,
    /// The comment from `#`, trailing whitespace removed.
    pub text: String,
}

/// A block mapping or block sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// A sequence (`- item`) rather than a mapping (`key: value`).
    pub seq: bool,
    /// The entries in order.
    pub entries: Vec<Entry>,
    /// Comments after the last entry that are indented at least as deep as the block.
    pub tail: Vec<Pre>,
}

/// One entry of a block: a `key: value` pair or a `- item`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Comments and blank lines before the entry; they move with it.
    pub pre: Vec<Pre>,
    /// The key exactly as written (quotes included); `None` for a sequence item.
    pub key: Option<String>,
    /// The value.
    pub value: Value,
    /// Comments after the value indented deeper than the entry (`key:` then `  # - item`):
    /// they belong to it, move with it, and are printed under it.
    pub post: Vec<Pre>,
    /// Source line (0-based) the entry starts on (the dash line for a compact mapping's
    /// first key).
    pub line: usize,
    /// Source column (0-based) of its key or dash.
    pub col: usize,
}

/// What follows `key:` or `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// Nothing (a null), perhaps with a comment.
    Empty(Option<Trail>),
    /// A nested block on the following lines; `props` are an anchor or tag written before it.
    Block {
        /// `&anchor` / `!tag` on the key line.
        props: Option<String>,
        /// Comment on the key line.
        trail: Option<Trail>,
        /// The nested block.
        block: Block,
    },
    /// A scalar, flow collection or block scalar header starting on the key line.
    Scalar {
        /// The text on the key line, as written, without its comment.
        text: String,
        /// Comment on the key line.
        trail: Option<Trail>,
        /// Lines after the key line that belong to the value.
        cont: Cont,
    },
}

/// Lines that continue a scalar after the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cont {
    /// Single-line value.
    None,
    /// A multi-line plain or quoted scalar: each line without its indentation (`""` for an
    /// empty line). Line folding ignores the indentation, so these are re-indented freely.
    Folded(Vec<String>),
    /// A multi-line flow collection: the lines as written and the indentation of the line the
    /// value started on; printed shifted by as much as that line moved (alignment kept).
    Flow {
        /// The continuation lines, indentation included.
        lines: Vec<String>,
        /// Indentation of the owning line in the source.
        owner: usize,
    },
    /// Block scalar (`|`, `>`) content: each line with the content indentation removed
    /// (`""` for an empty line), trailing whitespace kept (it is content).
    Literal {
        /// The content lines.
        lines: Vec<String>,
        /// The explicit indentation indicator (`|2`), if any.
        indicator: Option<usize>,
    },
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Doc {
    /// Comments (and a `---` marker) before the first node; they stay at the top.
    pub header: Vec<Pre>,
    /// The root node, if the file has one.
    pub root: Option<Value>,
    /// Comments after everything else (and a `...` document end marker).
    pub tail: Vec<Pre>,
    /// Every full-line comment of the source with its position, in order (for the check that
    /// comments keep their owner; not printed).
    pub comment_lines: Vec<CommentAt>,
    /// Source line (0-based) of a `...` document end marker.
    pub end_marker: Option<usize>,
}

/// Where a full-line comment was in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommentAt {
    /// 0-based line.
    pub line: usize,
    /// Its indentation.
    pub indent: usize,
    /// The comment, from `#`.
    pub text: String,
}

impl Value {
    /// True if the value takes more than its key's line.
    pub(crate) fn multiline(&self) -> bool {
        match self {
            Value::Empty(_) => false,
            Value::Block { .. } => true,
            Value::Scalar { cont, .. } => !matches!(cont, Cont::None),
        }
    }
}

/// What a comment belongs to, judged from positions alone (not from where the parser put
/// it): the formatter must give every comment the same owner in its output.
///
/// A full-line comment belongs to the entry after it (`Before`) unless it is indented
/// deeper than that entry; then it belongs to the deepest entry still open before it that
/// is indented less than the comment (`After`), e.g. `managed_policies:` with a
/// commented-out item under it. Comments before the first entry are the header; comments
/// after everything, at the root's column, the end. Comments before a key of a mapping
/// that starts on a `- ` line count as before the item (the formatter prints them before
/// the dash, whichever key comes first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Owner {
    /// Before the first entry.
    Header,
    /// Before the entry at this path.
    Before(Vec<String>),
    /// At the end of a line of the entry at this path.
    Trail(Vec<String>),
    /// After the entry at this path, inside or under its value.
    After(Vec<String>),
    /// After everything.
    End,
}

/// An entry in document order, for [`Doc::owners`].
struct Flat {
    line: usize,
    col: usize,
    path: Vec<String>,
    parent: Option<usize>,
    /// The entry whose path a comment before this one is owned by.
    before: usize,
}

fn flatten(
    block: &Block,
    path: &[String],
    parent: Option<usize>,
    compact: bool,
    out: &mut Vec<Flat>,
    trails: &mut Vec<(Owner, String)>,
) {
    for (i, e) in block.entries.iter().enumerate() {
        let mut p = path.to_vec();
        p.push(e.key.clone().unwrap_or_else(|| format!("[{i}]")));
        let me = out.len();
        let before = match parent {
            Some(x) if compact => out[x].before,
            _ => me,
        };
        out.push(Flat {
            line: e.line,
            col: e.col,
            path: p.clone(),
            parent,
            before,
        });
        if let Some(t) = e.value.trail() {
            trails.push((Owner::Trail(p.clone()), t.text.clone()));
        }
        if let Value::Block { block: inner, .. } = &e.value {
            // A sequence item's mapping (or sequence) is printed from the dash line.
            let compact = block.seq && e.value.compact();
            flatten(inner, &p, Some(me), compact, out, trails);
        }
    }
}

impl Value {
    /// The comment on the value's first line.
    pub(crate) fn trail(&self) -> Option<&Trail> {
        match self {
            Value::Empty(t) | Value::Block { trail: t, .. } | Value::Scalar { trail: t, .. } => {
                t.as_ref()
            }
        }
    }

    /// A nested block without properties or comment (printed from the dash line in a
    /// sequence).
    pub fn compact(&self) -> bool {
        matches!(
            self,
            Value::Block {
                props: None,
                trail: None,
                ..
            }
        )
    }
}

impl Doc {
    /// Every comment (full-line and at the end of a line) with its [`Owner`]; call on a
    /// document as parsed (before reordering).
    pub(crate) fn owners(&self) -> Vec<(Owner, String)> {
        let mut flat = Vec::new();
        let mut out = Vec::new();
        match &self.root {
            Some(Value::Block { block, .. }) => {
                flatten(block, &[], None, false, &mut flat, &mut out);
            }
            Some(v) => {
                if let Some(t) = v.trail() {
                    out.push((Owner::Trail(Vec::new()), t.text.clone()));
                }
            }
            None => {}
        }
        let is_under = |mut n: usize, k: usize| loop {
            if n == k {
                return true;
            }
            match flat[n].parent {
                Some(p) => n = p,
                None => return false,
            }
        };
        // Entries before the comment (`next` is the first entry after it), the open
        // entries (innermost first), and whether the comments of the current run already
        // went before the next entry.
        let mut next = 0;
        let mut run_of: Option<usize> = None;
        let mut chain: Vec<usize> = Vec::new();
        let mut before_mode = false;
        for c in &self.comment_lines {
            while next < flat.len() && flat[next].line < c.line {
                next += 1;
            }
            if self.end_marker.is_some_and(|m| c.line > m) {
                out.push((Owner::End, c.text.clone()));
                continue;
            }
            if next == 0 {
                out.push((Owner::Header, c.text.clone()));
                continue;
            }
            if run_of != Some(next) {
                run_of = Some(next);
                before_mode = false;
                chain.clear();
                let mut k = Some(next - 1);
                while let Some(x) = k {
                    chain.push(x);
                    k = flat[x].parent;
                }
            }
            let n = flat.get(next).map(|_| next);
            let before = |n: usize| Owner::Before(flat[flat[n].before].path.clone());
            let owner = match n {
                Some(n) if before_mode || c.indent <= flat[n].col => {
                    before_mode = true;
                    before(n)
                }
                _ => match chain.iter().position(|&k| flat[k].col < c.indent) {
                    Some(at) if n.is_some_and(|n| is_under(n, chain[at])) => {
                        before_mode = true;
                        before(next)
                    }
                    Some(at) => {
                        chain.drain(..at);
                        Owner::After(flat[chain[0]].path.clone())
                    }
                    None => match n {
                        Some(n) => {
                            before_mode = true;
                            before(n)
                        }
                        None => {
                            // Nothing is open after a comment at the end at the root's
                            // column.
                            chain.clear();
                            Owner::End
                        }
                    },
                },
            };
            out.push((owner, c.text.clone()));
        }
        out
    }
}
