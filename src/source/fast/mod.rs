//! The fast parser: a single pass over the plain block YAML specs are written in (block
//! mappings and sequences, one-line flow collections, plain and one-line quoted scalars,
//! comments) into a [`Tree`]. Anything outside that subset makes it give up (`None`), and the
//! caller takes the general way (`yaml-rust2`, serde_yaml_ng).

use super::tree::{Node, NodeKind, Tree};
#[cfg(test)]
pub(crate) use two::same_in_two;
use two::{parse_in_two, split_point, Splice};

/// The input is outside the subset the fast parser reads (not necessarily invalid YAML).
struct Bail;

#[cfg(test)]
thread_local!(pub(crate) static BAIL_AT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });

macro_rules! bail {
    () => {{
        #[cfg(test)]
        $crate::source::fast::BAIL_AT.with(|b| b.set(line!()));
        Err(Bail)
    }};
}

type R<T> = Result<T, Bail>;

// After `bail!`, which it uses.
mod two;

/// Deepest nesting the fast parser follows (serde_yaml_ng stops at 128).
const MAX_DEPTH: usize = 100;

/// Longest key the fast parser reads (YAML's simple keys stop at 1024 characters).
const MAX_KEY: usize = 1000;

/// Parses `text` into a [`Tree`] if it is plain block YAML with a mapping at the root;
/// `None` means "use the general YAML parser" (the input may still be valid YAML).
///
/// A large text is read by two threads (see `two.rs`); the tree is the same.
pub fn parse_fast(text: &str) -> Option<Tree> {
    parse_fast_from(text, SPLIT_MIN)
}

/// Texts from this size on are read by two threads.
const SPLIT_MIN: usize = 1 << 20;

/// [`parse_fast`], reading texts of `split_min` bytes or more in two parts.
fn parse_fast_from(text: &str, split_min: usize) -> Option<Tree> {
    if text.len() >= u32::MAX as usize {
        return None;
    }
    if text.len() >= split_min {
        if let Some(tree) = split_point(text).and_then(|(at, col)| parse_in_two(text, at, col)) {
            return Some(tree);
        }
    }
    if !plain_characters(text) {
        return None;
    }
    let mut p = Fast::new(text, text.is_ascii(), 0, 1);
    p.parse_document().ok()?;
    Some(p.tree)
}

/// False if the text has characters the fast parser leaves to the general one: tabs, CR,
/// control characters, a BOM, Unicode line breaks, non-characters; or a line starting a
/// directive or a document marker.
fn plain_characters(text: &str) -> bool {
    // The common case, printable ASCII: one pass in blocks without an early exit inside a
    // block (which the compiler turns into vector code), then the line starts, found by
    // substring search.
    let printable = |block: &[u8]| {
        block.iter().fold(true, |ok, &c| {
            ok & ((c == b'\n') | (0x20..0x7f).contains(&c))
        })
    };
    if text.as_bytes().chunks(256).all(printable) {
        let starts = |line: &str| {
            line.starts_with('%') || line.starts_with("---") || line.starts_with("...")
        };
        return !(starts(text)
            || text.contains("\n%")
            || text.contains("\n---")
            || text.contains("\n..."));
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
    /// The deepest `depth` reached.
    max_depth: usize,
    tree: Tree,
    /// Children of the collections being read, innermost last.
    pending: Vec<u32>,
    /// Where another thread's part begins (`two.rs`); `None` once it is taken.
    splice: Option<Splice>,
}

fn is_blank_or_end(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\n'))
}

impl<'t> Fast<'t> {
    /// A parser at byte `pos` (a line start), which is on line `line`.
    fn new(text: &'t str, ascii: bool, pos: usize, line: u32) -> Self {
        // About one node per 16 bytes of block YAML; untouched capacity costs nothing.
        let nodes = (text.len() - pos) / 16;
        Fast {
            b: text.as_bytes(),
            text,
            ascii,
            pos,
            line,
            line_start: pos,
            indent: None,
            depth: 0,
            max_depth: 0,
            tree: Tree {
                nodes: Vec::with_capacity(nodes),
                kids: Vec::with_capacity(nodes),
                ..Tree::default()
            },
            pending: Vec::with_capacity(256),
            splice: None,
        }
    }

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
        self.max_depth = self.max_depth.max(self.depth);
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
            if self.indent == Some(col) && self.splice.as_ref().is_some_and(|s| s.at == self.pos) {
                self.splice_in()?;
            }
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

#[cfg(test)]
mod tests {
    use super::super::check;
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3_000))]

        /// The block-wise check says what a check line by line says.
        #[test]
        fn plain_characters_by_blocks_is_by_lines(text in "([a-c%.\\- \n\t]|é|\u{85}){0,40}") {
            let by_lines = if text.bytes().all(|c| c == b'\n' || (0x20..0x7f).contains(&c)) {
                Some(text.split('\n').all(|line| {
                    !(line.starts_with('%') || line.starts_with("---") || line.starts_with("..."))
                }))
            } else {
                None
            };
            if let Some(expected) = by_lines {
                proptest::prop_assert_eq!(plain_characters(&text), expected);
            }
        }
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
