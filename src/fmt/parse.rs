//! Lines → [`Doc`]: a small lossless parser of block YAML.
//!
//! It understands block mappings and sequences by indentation, and keeps every scalar's text
//! exactly as written: plain, quoted (single or multi-line), flow collections (`[..]`, `{..}`,
//! possibly over several lines) and block scalars (`|`, `>`). Full-line comments attach to the
//! entry after them, except those indented deeper than it, which stay with the entry before
//! (`Entry::post`); comments after the last entry of a block that are indented at least as
//! deep as the block stay at its end. Whatever it cannot reason about (complex `?` keys, flow
//! collections as keys, several documents, directives, tabs as indentation, lines indented
//! deeper than their block) is refused with the line and column it is at; the caller then
//! changes nothing.
//!
//! The input must already be valid YAML (the caller parses it with serde_yaml_ng first), so
//! the parser only has to tell valid constructs apart, not diagnose invalid ones.

use super::tree::{Block, CommentAt, Cont, Doc, Entry, Pre, Trail, Value};

/// Why the formatter leaves a file alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is not supported.
    pub reason: String,
}

type R<T> = Result<T, Unsupported>;

/// Parses YAML text (a BOM and `\r\n` line ends are accepted) into a [`Doc`].
pub(crate) fn parse(text: &str) -> R<Doc> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .collect();
    if text.ends_with('\n') || text.is_empty() {
        lines.pop();
    }
    let mut p = Parser {
        lines,
        pos: 0,
        pending: Vec::new(),
        comments: Vec::new(),
    };
    p.document()
}

fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

const WS: [char; 2] = [' ', '\t'];

fn blank(l: &str) -> bool {
    l.bytes().all(is_ws)
}

fn comment_line(l: &str) -> bool {
    l.trim_start_matches(WS).starts_with('#')
}

/// Leading spaces.
pub(crate) fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

/// `- item` or a lone `-`.
fn seq_item(c: &str) -> bool {
    let b = c.as_bytes();
    b.first() == Some(&b'-') && (b.len() == 1 || is_ws(b[1]))
}

/// A document marker (`---` or `...`) at column 0.
fn marker(l: &str, m: &str) -> bool {
    l.strip_prefix(m)
        .is_some_and(|r| r.is_empty() || r.starts_with(WS))
}

/// Either document marker.
fn any_marker(l: &str) -> bool {
    marker(l, "---") || marker(l, "...")
}

/// `l` without its trailing spaces and tabs, except one that a backslash escapes (`\ ` at
/// the end of a line of a double-quoted scalar is content, and `\` then a line break is
/// not the same thing).
pub(crate) fn trim_end_escaped(l: &str) -> &str {
    let t = l.trim_end_matches(WS);
    if t.len() < l.len() && t.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1 {
        return &l[..=t.len()];
    }
    t
}

/// Index of the closing quote `q` in `b` from `from`, honouring `\` escapes (double quotes)
/// and `''` (single quotes).
fn scan_quoted(b: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        if q == b'"' && c == b'\\' {
            i += 2;
            continue;
        }
        if c == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Scans a flow collection, possibly over several lines.
struct FlowScan {
    depth: usize,
    quote: Option<u8>,
    /// Last significant character outside quotes (a quote starts a scalar only after these).
    prev: u8,
}

impl FlowScan {
    fn new() -> Self {
        FlowScan {
            depth: 0,
            quote: None,
            prev: 0,
        }
    }

    /// Feeds one line; returns the index just past the closing bracket if it is on this line.
    fn feed(&mut self, b: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        while i < b.len() {
            let c = b[i];
            if let Some(next) = quoted_step(&mut self.quote, &mut self.prev, b, i) {
                i = next;
                continue;
            }
            match c {
                b'#' if i == 0 || is_ws(b[i - 1]) => return None,
                b'"' | b'\'' if matches!(self.prev, 0 | b'[' | b'{' | b',' | b':' | b'?') => {
                    self.quote = Some(c);
                }
                b'[' | b'{' => self.depth += 1,
                b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            if !is_ws(c) {
                self.prev = c;
            }
            i += 1;
        }
        None
    }
}

/// Where a plain scalar's text ends and its comment (if any) starts.
fn plain_end(t: &str) -> (usize, Option<usize>) {
    let b = t.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'#' && is_ws(b[i - 1]) {
            return (t[..i].trim_end_matches(WS).len(), Some(i));
        }
    }
    (t.trim_end_matches(WS).len(), None)
}

/// Length of the properties (`&anchor`, `!tag`) at the start of `t`, with the spaces after them.
fn props_len(t: &str) -> usize {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i] == b'&' || b[i] == b'!') {
        while i < b.len() && !is_ws(b[i]) {
            i += 1;
        }
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
    }
    i
}

struct Parser {
    lines: Vec<String>,
    pos: usize,
    /// Comments and blank lines read but not yet given to an entry or a block's end,
    /// with the comment's indentation.
    pending: Vec<(Pre, usize)>,
    /// Every full-line comment read, with its position.
    comments: Vec<CommentAt>,
}

impl Parser {
    /// An error at the first non-blank character of line `idx`.
    fn err(&self, idx: usize, reason: impl Into<String>) -> Unsupported {
        let l = self.lines.get(idx).map_or("", String::as_str);
        let at = l.len() - l.trim_start_matches(WS).len();
        self.err_at(idx, at, reason)
    }

    /// An error at byte `at` of line `idx`.
    fn err_at(&self, idx: usize, at: usize, reason: impl Into<String>) -> Unsupported {
        let l = self.lines.get(idx).map_or("", String::as_str);
        let column = l.get(..at).map_or(at, |p| p.chars().count()) + 1;
        Unsupported {
            line: idx + 1,
            column,
            reason: reason.into(),
        }
    }

    /// Reads comment and blank lines into `pending`.
    fn collect_pre(&mut self) {
        while let Some(l) = self.lines.get(self.pos) {
            if blank(l) {
                self.pending.push((Pre::Blank, 0));
            } else if comment_line(l) {
                let text = l.trim_matches(WS).to_owned();
                self.comments.push(CommentAt {
                    line: self.pos,
                    indent: indent(l),
                    text: text.clone(),
                });
                self.pending.push((Pre::Comment(text), indent(l)));
            } else {
                break;
            }
            self.pos += 1;
        }
    }

    /// The next line if it holds content (call after [`Parser::collect_pre`]).
    fn peek(&self) -> Option<usize> {
        (self.pos < self.lines.len()).then_some(self.pos)
    }

    fn take_pending(&mut self) -> Vec<Pre> {
        self.pending.drain(..).map(|(p, _)| p).collect()
    }

    /// The pending comments that end a block indented at `min`: those at least that deep,
    /// up to the first shallower one, without the blank lines after them.
    fn take_tail(&mut self, min: usize) -> Vec<Pre> {
        let mut k = 0;
        while let Some((p, ind)) = self.pending.get(k) {
            match p {
                Pre::Comment(_) if *ind < min => break,
                Pre::Raw(_) => break,
                _ => k += 1,
            }
        }
        while k > 0 && self.pending[k - 1].0 == Pre::Blank {
            k -= 1;
        }
        self.pending.drain(..k).map(|(p, _)| p).collect()
    }

    /// The pending comments indented deeper than an entry at column `ind` that follow it
    /// directly (blank lines between them aside): they belong to that entry, not to the
    /// next one (`managed_policies:` then `  # - aws: X`, or a comment under a block scalar).
    fn take_post(&mut self, ind: usize) -> Vec<Pre> {
        let mut k = 0;
        while let Some((p, c)) = self.pending.get(k) {
            match p {
                Pre::Blank => k += 1,
                Pre::Comment(_) if *c > ind => k += 1,
                _ => break,
            }
        }
        while k > 0 && self.pending[k - 1].0 == Pre::Blank {
            k -= 1;
        }
        self.pending.drain(..k).map(|(p, _)| p).collect()
    }

    fn check_tab(&self, idx: usize) -> R<()> {
        let l = &self.lines[idx];
        if l.as_bytes().get(indent(l)) == Some(&b'\t') {
            return Err(self.err(idx, "a tab in the indentation"));
        }
        Ok(())
    }

    /// `key` and the text after its `:` if `c` starts with a mapping key.
    fn split_key(&self, c: &str, idx: usize) -> R<Option<(String, String)>> {
        let b = c.as_bytes();
        let Some(&first) = b.first() else {
            return Ok(None);
        };
        match first {
            b'?' if b.len() == 1 || is_ws(b[1]) => Err(self.err(idx, "a complex key (`? key`)")),
            b'"' | b'\'' => {
                if let Some(k) = scan_quoted(b, 1, first) {
                    let t = c[k + 1..].trim_start_matches(WS);
                    if t.starts_with(':') && (t.len() == 1 || is_ws(t.as_bytes()[1])) {
                        return Ok(Some((c[..=k].to_owned(), t[1..].to_owned())));
                    }
                }
                Ok(None)
            }
            b'[' | b'{' => {
                let mut f = FlowScan::new();
                if let Some(end) = f.feed(b, 0) {
                    if c[end..].trim_start_matches(WS).starts_with(':') {
                        return Err(self.err(idx, "a flow collection as a mapping key"));
                    }
                }
                Ok(None)
            }
            b'|' | b'>' | b'#' => Ok(None),
            _ if seq_item(c) => Ok(None),
            _ => {
                for i in 0..b.len() {
                    match b[i] {
                        b':' if i + 1 == b.len() || is_ws(b[i + 1]) => {
                            if i == 0 {
                                return Err(self.err(idx, "an empty mapping key"));
                            }
                            return Ok(Some((
                                c[..i].trim_end_matches(WS).to_owned(),
                                c[i + 1..].to_owned(),
                            )));
                        }
                        b'#' if i > 0 && is_ws(b[i - 1]) => return Ok(None),
                        _ => {}
                    }
                }
                Ok(None)
            }
        }
    }

    fn document(&mut self) -> R<Doc> {
        self.collect_pre();
        let mut header = Vec::new();
        if let Some(i) = self.peek() {
            let l = self.lines[i].clone();
            if marker(&l, "---") {
                let rest = l[3..].trim_start_matches(WS);
                if !rest.is_empty() && !rest.starts_with('#') {
                    return Err(self.err_at(i, l.len() - rest.len(), "content on the `---` line"));
                }
                header = self.take_pending();
                header.push(Pre::Raw(l.trim_end_matches(WS).to_owned()));
                self.pos += 1;
                self.collect_pre();
            }
        }
        let root = match self.peek() {
            None => None,
            Some(i) if marker(&self.lines[i], "...") => None,
            Some(i) => {
                let l = self.lines[i].clone();
                if l.starts_with('%') {
                    return Err(self.err(i, "a YAML directive (`%...`)"));
                }
                if marker(&l, "---") {
                    return Err(self.err(i, "more than one YAML document in one file"));
                }
                self.check_tab(i)?;
                let ind = indent(&l);
                let c = &l[ind..];
                if seq_item(c) || self.split_key(c, i)?.is_some() {
                    let block = self.block(ind, 0)?;
                    Some(Value::Block {
                        props: None,
                        trail: None,
                        block,
                    })
                } else {
                    header.extend(self.take_pending());
                    self.pos += 1;
                    Some(self.scalar(-1, c, i, ind)?)
                }
            }
        };
        self.collect_pre();
        let mut end_marker = None;
        if let Some(i) = self.peek().filter(|&i| marker(&self.lines[i], "...")) {
            // A document end marker: kept as written, with only comments after it.
            let l = self.lines[i].clone();
            let rest = l[3..].trim_start_matches(WS);
            if !rest.is_empty() && !rest.starts_with('#') {
                return Err(self.err_at(i, l.len() - rest.len(), "content on the `...` line"));
            }
            self.pending
                .push((Pre::Raw(l.trim_end_matches(WS).to_owned()), 0));
            end_marker = Some(i);
            self.pos += 1;
            self.collect_pre();
        }
        if let Some(i) = self.peek() {
            let l = &self.lines[i];
            return Err(
                if any_marker(l) || end_marker.is_some() || l.starts_with('%') {
                    self.err(i, "more than one YAML document in one file")
                } else {
                    self.err(i, "a line indented less than the document's first node")
                },
            );
        }
        let tail = self.take_pending();
        let mut root = root;
        if let Some(Value::Block { block, .. }) = &mut root {
            if let Some(e) = block.entries.first_mut() {
                header.append(&mut e.pre);
            }
        }
        Ok(Doc {
            header,
            root,
            tail,
            comment_lines: std::mem::take(&mut self.comments),
            end_marker,
        })
    }

    /// A block mapping or sequence whose entries are at column `ind`. Comments at its end
    /// indented at least `tail_min` stay with it.
    fn block(&mut self, ind: usize, tail_min: usize) -> R<Block> {
        let seq = self.peek().is_some_and(|i| seq_item(&self.lines[i][ind..]));
        let mut entries = Vec::new();
        loop {
            self.collect_pre();
            let Some(i) = self.peek() else { break };
            let li = indent(&self.lines[i]);
            if li < ind || any_marker(&self.lines[i]) {
                break;
            }
            if li > ind {
                return Err(self.err(
                    i,
                    "a line indented deeper than the entries before it (odd indentation)",
                ));
            }
            self.check_tab(i)?;
            let item = seq_item(&self.lines[i][ind..]);
            if seq && !item {
                break;
            }
            if !seq && item {
                return Err(self.err(i, "a `- ` item among the keys of a mapping"));
            }
            let pre = self.take_pending();
            let mut e = if seq {
                self.seq_entry(ind)?
            } else {
                self.map_entry(ind)?
            };
            e.pre = pre;
            e.line = i;
            e.col = ind;
            self.collect_pre();
            e.post = self.take_post(ind);
            entries.push(e);
        }
        let tail = self.take_tail(tail_min);
        Ok(Block { seq, entries, tail })
    }

    fn map_entry(&mut self, ind: usize) -> R<Entry> {
        let i = self.pos;
        let l = self.lines[i].clone();
        let Some((key, after)) = self.split_key(&l[ind..], i)? else {
            return Err(self.err(i, "expected `key: value` here"));
        };
        self.pos += 1;
        let value = self.value(ind as isize, &after, true, i)?;
        Ok(Entry {
            pre: Vec::new(),
            key: Some(key),
            value,
            post: Vec::new(),
            line: i,
            col: ind,
        })
    }

    fn seq_entry(&mut self, ind: usize) -> R<Entry> {
        let i = self.pos;
        let l = self.lines[i].clone();
        let rest = &l[ind + 1..];
        let t = rest.trim_start_matches(WS);
        if !t.is_empty() && !t.starts_with('#') && (seq_item(t) || self.split_key(t, i)?.is_some())
        {
            // A compact block (`- key: v` or `- - x`): re-read the line as if the block
            // started at the item's content column.
            let gap = &rest[..rest.len() - t.len()];
            if gap.contains('\t') {
                return Err(self.err(i, "a tab after `-` before a nested block"));
            }
            let col = ind + 1 + gap.len();
            self.lines[i] = format!("{}{t}", " ".repeat(col));
            let block = self.block(col, col)?;
            return Ok(Entry {
                pre: Vec::new(),
                key: None,
                value: Value::Block {
                    props: None,
                    trail: None,
                    block,
                },
                post: Vec::new(),
                line: i,
                col: ind,
            });
        }
        self.pos += 1;
        let value = self.value(ind as isize, rest, false, i)?;
        Ok(Entry {
            pre: Vec::new(),
            key: None,
            value,
            post: Vec::new(),
            line: i,
            col: ind,
        })
    }

    /// The value after `key:` (`in_map`) or `-`, whose owner is at column `owner`; `rest` is
    /// the text after the indicator; the owner's line `idx` has been consumed.
    fn value(&mut self, owner: isize, rest: &str, in_map: bool, idx: usize) -> R<Value> {
        let t = rest.trim_start_matches(WS);
        let gap = &rest[..rest.len() - t.len()];
        if t.is_empty() || t.starts_with('#') {
            let trail = (!t.is_empty()).then(|| Trail {
                gap: gap.to_owned(),
                text: t.trim_end_matches(WS).to_owned(),
            });
            return self.children(owner, in_map, None, trail);
        }
        let pl = props_len(t);
        if pl > 0 {
            let after = &t[pl..];
            if after.is_empty() || after.starts_with('#') {
                let props = t[..pl].trim_end_matches(WS);
                let trail = (!after.is_empty()).then(|| Trail {
                    gap: t[props.len()..pl].to_owned(),
                    text: after.trim_end_matches(WS).to_owned(),
                });
                return self.children(owner, in_map, Some(props.to_owned()), trail);
            }
        }
        let anchor = usize::try_from(owner).unwrap_or(0);
        self.scalar(owner, t, idx, anchor)
    }

    /// What follows a key or `-` with nothing after it on its line: a nested block, a
    /// sequence at the key's own column, a scalar on the next line, or nothing.
    fn children(
        &mut self,
        owner: isize,
        in_map: bool,
        props: Option<String>,
        trail: Option<Trail>,
    ) -> R<Value> {
        self.collect_pre();
        if let Some(i) = self.peek() {
            let l = self.lines[i].clone();
            let li = indent(&l);
            if li as isize > owner {
                self.check_tab(i)?;
                let c = &l[li..];
                if seq_item(c) || self.split_key(c, i)?.is_some() {
                    let block = self.block(li, li)?;
                    return Ok(Value::Block {
                        props,
                        trail,
                        block,
                    });
                }
                if props.is_some()
                    || trail.is_some()
                    || self
                        .pending
                        .iter()
                        .any(|(p, _)| matches!(p, Pre::Comment(_)))
                {
                    return Err(self.err(
                        i,
                        "a scalar on the line after its key with a comment or tag between them",
                    ));
                }
                self.pending.clear();
                self.pos = i + 1;
                let anchor = usize::try_from(owner).unwrap_or(0);
                return self.scalar(owner, c, i, anchor);
            }
            if in_map && li as isize == owner && seq_item(&l[li..]) {
                let block = self.block(li, li + 1)?;
                return Ok(Value::Block {
                    props,
                    trail,
                    block,
                });
            }
        }
        Ok(match props {
            Some(text) => Value::Scalar {
                text,
                trail,
                cont: Cont::None,
            },
            None => Value::Empty(trail),
        })
    }

    /// A scalar or flow collection starting with `t` on line `idx` (already consumed);
    /// `anchor` is the source column of the owning line (for flow continuation lines).
    fn scalar(&mut self, owner: isize, t: &str, idx: usize, anchor: usize) -> R<Value> {
        let pl = props_len(t);
        let body = &t[pl..];
        let Some(&b0) = body.as_bytes().first() else {
            return Ok(Value::Scalar {
                text: t.trim_end_matches(WS).to_owned(),
                trail: None,
                cont: Cont::None,
            });
        };
        match b0 {
            b'"' | b'\'' => {
                if let Some(k) = scan_quoted(body.as_bytes(), 1, b0) {
                    let end = pl + k + 1;
                    let trail = self.trail_of(&t[end..], idx)?;
                    return Ok(Value::Scalar {
                        text: t[..end].to_owned(),
                        trail,
                        cont: Cont::None,
                    });
                }
                // Line folding drops the whitespace around line breaks, except a space or
                // tab escaped in a double-quoted scalar.
                let trim = |l: &str| -> String {
                    if b0 == b'"' {
                        trim_end_escaped(l).to_owned()
                    } else {
                        l.trim_end_matches(WS).to_owned()
                    }
                };
                let mut lines = Vec::new();
                self.continue_until(idx, "an unterminated quoted scalar", |l| {
                    lines.push(trim(l.trim_start_matches(WS)));
                    scan_quoted(l.as_bytes(), 0, b0).map(|k| k + 1)
                })?;
                Ok(Value::Scalar {
                    text: trim(t),
                    trail: None,
                    cont: Cont::Folded(lines),
                })
            }
            b'[' | b'{' => {
                let mut f = FlowScan::new();
                if let Some(end) = f.feed(body.as_bytes(), 0) {
                    let end = pl + end;
                    let trail = self.trail_of(&t[end..], idx)?;
                    return Ok(Value::Scalar {
                        text: t[..end].to_owned(),
                        trail,
                        cont: Cont::None,
                    });
                }
                let mut lines = Vec::new();
                self.continue_until(idx, "an unterminated flow collection", |l| {
                    lines.push(l.to_owned());
                    f.feed(l.as_bytes(), 0)
                })?;
                Ok(Value::Scalar {
                    text: trim_end_escaped(t).to_owned(),
                    trail: None,
                    cont: Cont::Flow {
                        lines,
                        owner: anchor,
                    },
                })
            }
            b'|' | b'>' => {
                let hb = body.as_bytes();
                let mut k = 1;
                let mut indicator = None;
                let mut keep = false;
                while k < hb.len() && k <= 2 {
                    match hb[k] {
                        b'1'..=b'9' => indicator = Some(usize::from(hb[k] - b'0')),
                        b'+' => keep = true,
                        b'-' => {}
                        _ => break,
                    }
                    k += 1;
                }
                let end = pl + k;
                let trail = self.trail_of(&t[end..], idx)?;
                let header = self.lines[idx].len().saturating_sub(t.len()) + pl;
                let cont = self.block_scalar(owner, indicator, keep, (idx, header))?;
                Ok(Value::Scalar {
                    text: t[..end].to_owned(),
                    trail,
                    cont,
                })
            }
            _ => {
                let (end, comment) = plain_end(t);
                let trail = comment.map(|c| Trail {
                    gap: t[end..c].to_owned(),
                    text: t[c..].trim_end_matches(WS).to_owned(),
                });
                let cont = if trail.is_none() {
                    self.plain_cont(owner)
                } else {
                    Cont::None
                };
                Ok(Value::Scalar {
                    text: t[..end].to_owned(),
                    trail,
                    cont,
                })
            }
        }
    }

    /// A comment (or nothing) after a closed quoted scalar, flow collection or block header.
    /// Reads the continuation lines of a scalar or flow collection begun on line `idx`, each
    /// given to `line`, until it returns where the value ends on that line; what follows
    /// there may only be a comment.
    fn continue_until(
        &mut self,
        idx: usize,
        unterminated: &str,
        mut line: impl FnMut(&str) -> Option<usize>,
    ) -> R<()> {
        loop {
            let Some(l) = self.lines.get(self.pos).cloned() else {
                return Err(self.err(idx, unterminated));
            };
            let j = self.pos;
            self.pos += 1;
            if let Some(end) = line(&l) {
                self.trail_of(&l[end..], j)?;
                return Ok(());
            }
        }
    }

    fn trail_of(&self, after: &str, idx: usize) -> R<Option<Trail>> {
        let t = after.trim_start_matches(WS);
        if t.is_empty() {
            return Ok(None);
        }
        if t.starts_with('#') && t.len() < after.len() {
            return Ok(Some(Trail {
                gap: after[..after.len() - t.len()].to_owned(),
                text: t.trim_end_matches(WS).to_owned(),
            }));
        }
        let at = self.lines[idx].len().saturating_sub(t.len());
        Err(self.err_at(idx, at, "text after a quoted scalar or flow collection"))
    }

    /// Continuation lines of a multi-line plain scalar.
    fn plain_cont(&mut self, owner: isize) -> Cont {
        let mut out = Vec::new();
        let mut j = self.pos;
        let mut blanks = 0;
        while let Some(l) = self.lines.get(j) {
            if blank(l) {
                blanks += 1;
                j += 1;
                continue;
            }
            if indent(l) as isize <= owner || comment_line(l) || any_marker(l) {
                break;
            }
            out.resize(out.len() + blanks, String::new());
            blanks = 0;
            let t = l.trim_matches(WS).to_owned();
            let ends = plain_end(&t).1.is_some();
            out.push(t);
            j += 1;
            self.pos = j;
            if ends {
                break;
            }
        }
        if out.is_empty() {
            Cont::None
        } else {
            Cont::Folded(out)
        }
    }

    /// The content lines of a block scalar whose header is on line `idx`.
    fn block_scalar(
        &mut self,
        owner: isize,
        indicator: Option<usize>,
        keep: bool,
        (idx, header): (usize, usize),
    ) -> R<Cont> {
        let mut ci: Option<usize> =
            indicator.map(|d| usize::try_from(owner + d as isize).unwrap_or(0));
        let mut j = self.pos;
        let mut end = self.pos;
        while let Some(l) = self.lines.get(j) {
            if l.bytes().all(|b| b == b' ') {
                j += 1;
                continue;
            }
            let li = indent(l);
            if any_marker(l) {
                break;
            }
            match ci {
                None if li as isize > owner => ci = Some(li),
                None => break,
                Some(c) if li < c => break,
                Some(_) => {}
            }
            j += 1;
            end = j;
        }
        if keep && j > end {
            return Err(self.err_at(
                idx,
                header,
                "a block scalar with `+` chomping followed by blank lines (they are its content)",
            ));
        }
        let c = ci.unwrap_or(0);
        let lines = self.lines[self.pos..end]
            .iter()
            .map(|l| {
                if l.len() <= c && l.bytes().all(|b| b == b' ') {
                    String::new()
                } else {
                    l.get(c..).unwrap_or_default().to_owned()
                }
            })
            .collect();
        self.pos = end;
        Ok(Cont::Literal { lines, indicator })
    }
}

/// One step inside a quoted scalar of a flow collection: where scanning goes on after byte
/// `i` (past an escape, a doubled `''`, or the closing quote, which ends the quote and becomes
/// `prev`); `None` outside quotes.
pub(super) fn quoted_step(
    quote: &mut Option<u8>,
    prev: &mut u8,
    b: &[u8],
    i: usize,
) -> Option<usize> {
    let q = (*quote)?;
    let c = b[i];
    if q == b'"' && c == b'\\' {
        return Some(i + 2);
    }
    if c == q {
        if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
            return Some(i + 2);
        }
        *quote = None;
        *prev = c;
    }
    Some(i + 1)
}
