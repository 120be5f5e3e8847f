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
    /// Comments after everything else.
    pub tail: Vec<Pre>,
}

impl Value {
    /// True if the value takes more than its key's line.
    pub fn multiline(&self) -> bool {
        match self {
            Value::Empty(_) => false,
            Value::Block { .. } => true,
            Value::Scalar { cont, .. } => !matches!(cont, Cont::None),
        }
    }
}

impl Doc {
    /// Every comment in the file, in order (full-line and trailing); for the safety check.
    pub fn comments(&self) -> Vec<String> {
        let mut out = Vec::new();
        pre_comments(&self.header, &mut out);
        if let Some(v) = &self.root {
            value_comments(v, &mut out);
        }
        pre_comments(&self.tail, &mut out);
        out
    }
}

fn pre_comments(pre: &[Pre], out: &mut Vec<String>) {
    for p in pre {
        if let Pre::Comment(c) = p {
            out.push(c.clone());
        }
    }
}

fn value_comments(v: &Value, out: &mut Vec<String>) {
    let trail = match v {
        Value::Empty(t) | Value::Block { trail: t, .. } | Value::Scalar { trail: t, .. } => t,
    };
    if let Some(t) = trail {
        out.push(t.text.clone());
    }
    if let Value::Block { block, .. } = v {
        for e in &block.entries {
            pre_comments(&e.pre, out);
            value_comments(&e.value, out);
        }
        pre_comments(&block.tail, out);
    }
}
