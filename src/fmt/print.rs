//! [`Doc`] → canonical text: blank-line normalisation, then printing with 2-space indentation.

use super::parse::{indent, trim_end_escaped};
use super::tree::{Block, Cont, Doc, Entry, Pre, Trail, Value};

/// Normalises comments and blank lines in place (see the module documentation of `fmt`).
pub(crate) fn normalize(doc: &mut Doc) {
    collapse(&mut doc.header);
    strip_leading_blanks(&mut doc.header);
    if doc.root.is_none() {
        strip_trailing_blanks(&mut doc.header);
    }
    if let Some(Value::Block { block, .. }) = &mut doc.root {
        nested(block);
        // Top-level keys: a blank line around every entry that spans several lines.
        let keys = if block.seq { 0 } else { block.entries.len() };
        for i in 1..keys {
            if block.entries[i - 1].value.multiline() || block.entries[i].value.multiline() {
                let pre = &mut block.entries[i].pre;
                if pre.first() != Some(&Pre::Blank) {
                    pre.insert(0, Pre::Blank);
                }
            }
        }
        if let Some(e) = block.entries.first_mut() {
            strip_leading_blanks(&mut e.pre);
        }
    }
    collapse(&mut doc.tail);
    strip_trailing_blanks(&mut doc.tail);
    if doc.root.is_none() {
        strip_leading_blanks(&mut doc.tail);
    }
}

fn nested(block: &mut Block) {
    for (i, e) in block.entries.iter_mut().enumerate() {
        if let Value::Block { block: inner, .. } = &mut e.value {
            nested(inner);
        }
        // A compact item (`- key: v`, `- - x`) prints its first entry on the dash line, so
        // that entry's comments go before the dash (after the inner block is normalised, so
        // that what moved there from deeper down comes along).
        if block.seq && e.value.compact() {
            if let Value::Block { block: inner, .. } = &mut e.value {
                if let Some(first) = inner.entries.first_mut() {
                    e.pre.append(&mut first.pre);
                }
            }
        }
        collapse(&mut e.pre);
        if i == 0 {
            strip_leading_blanks(&mut e.pre);
        }
        collapse(&mut e.post);
        strip_leading_blanks(&mut e.post);
        strip_trailing_blanks(&mut e.post);
    }
    collapse(&mut block.tail);
    strip_trailing_blanks(&mut block.tail);
    if block.entries.is_empty() {
        strip_leading_blanks(&mut block.tail);
    }
}

fn collapse(pre: &mut Vec<Pre>) {
    pre.dedup_by(|a, b| *a == Pre::Blank && *b == Pre::Blank);
}

fn strip_leading_blanks(pre: &mut Vec<Pre>) {
    let n = pre.iter().take_while(|p| **p == Pre::Blank).count();
    pre.drain(..n);
}

fn strip_trailing_blanks(pre: &mut Vec<Pre>) {
    while pre.last() == Some(&Pre::Blank) {
        pre.pop();
    }
}

/// Prints a normalised document.
pub(crate) fn print(doc: &Doc) -> String {
    let mut p = Printer { out: String::new() };
    p.pre(&doc.header, 0);
    match &doc.root {
        Some(Value::Block { block, .. }) => p.block(block, 0),
        Some(v) => p.value(String::new(), v, 0),
        None => {}
    }
    p.pre(&doc.tail, 0);
    p.out
}

struct Printer {
    out: String,
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

fn trail(t: &Option<Trail>) -> String {
    match t {
        None => String::new(),
        Some(t) if t.gap.is_empty() => format!(" {}", t.text),
        Some(t) => format!("{}{}", t.gap, t.text),
    }
}

impl Printer {
    /// One line, trailing whitespace removed (but for a space or tab escaped by `\\`, which
    /// is content in a double-quoted scalar).
    fn line(&mut self, s: &str) {
        self.out.push_str(trim_end_escaped(s));
        self.out.push('\n');
    }

    fn pre(&mut self, pre: &[Pre], col: usize) {
        for p in pre {
            match p {
                Pre::Blank => self.out.push('\n'),
                Pre::Comment(c) => self.line(&format!("{}{c}", spaces(col))),
                Pre::Raw(r) => self.line(r),
            }
        }
    }

    fn block(&mut self, b: &Block, col: usize) {
        for e in &b.entries {
            self.pre(&e.pre, col);
            self.entry(e, col, b.seq, spaces(col));
        }
        self.pre(&b.tail, col);
    }

    /// An entry at column `col`; `lead` is what precedes it on its first line (its
    /// indentation, or the `- ` of a compact item).
    fn entry(&mut self, e: &Entry, col: usize, seq: bool, lead: String) {
        self.entry_body(e, col, seq, lead);
        // Comments that belong under the entry: one level deeper, but shallower than a
        // block scalar's content (which they would otherwise become).
        let literal = matches!(
            e.value,
            Value::Scalar {
                cont: Cont::Literal { .. },
                ..
            }
        );
        self.pre(&e.post, col + if literal { 1 } else { 2 });
    }

    fn entry_body(&mut self, e: &Entry, col: usize, seq: bool, lead: String) {
        if !seq {
            let key = e.key.as_deref().unwrap_or_default();
            self.value(format!("{lead}{key}:"), &e.value, col);
            return;
        }
        match &e.value {
            Value::Block {
                props: None,
                trail: None,
                block,
            } if !block.entries.is_empty() => {
                let first = &block.entries[0];
                self.entry(first, col + 2, block.seq, format!("{lead}- "));
                for x in &block.entries[1..] {
                    self.pre(&x.pre, col + 2);
                    self.entry(x, col + 2, block.seq, spaces(col + 2));
                }
                self.pre(&block.tail, col + 2);
            }
            v => self.value(format!("{lead}-"), v, col),
        }
    }

    /// A value after `head` (`key:` or `-`, empty at the root), its owner at column `col`.
    fn value(&mut self, head: String, v: &Value, col: usize) {
        let sep = if head.is_empty() { "" } else { " " };
        match v {
            Value::Empty(t) => self.line(&format!("{head}{}", trail(t))),
            Value::Block {
                props,
                trail: t,
                block,
            } => {
                let props = props
                    .as_deref()
                    .map(|p| format!("{sep}{p}"))
                    .unwrap_or_default();
                self.line(&format!("{head}{props}{}", trail(t)));
                self.block(block, col + 2);
            }
            Value::Scalar {
                text,
                trail: t,
                cont,
            } => {
                self.line(&format!("{head}{sep}{text}{}", trail(t)));
                self.cont(cont, col);
            }
        }
    }

    fn cont(&mut self, cont: &Cont, col: usize) {
        match cont {
            Cont::None => {}
            Cont::Folded(lines) => {
                for l in lines {
                    if l.is_empty() {
                        self.out.push('\n');
                    } else {
                        self.line(&format!("{}{l}", spaces(col + 2)));
                    }
                }
            }
            Cont::Flow { lines, owner } => {
                // Each line keeps its column relative to the owning line (a closing bracket
                // under its key stays under it); a line written left of its owner goes one
                // column right of it.
                for l in lines {
                    let t = l.trim_start_matches([' ', '\t']);
                    if t.is_empty() {
                        self.out.push('\n');
                        continue;
                    }
                    let n = match indent(l).checked_sub(*owner) {
                        Some(r) => col + r,
                        None => col + 1,
                    };
                    self.line(&format!("{}{t}", spaces(n)));
                }
            }
            Cont::Literal { lines, indicator } => {
                let ci = col + indicator.unwrap_or(2);
                for l in lines {
                    if !l.is_empty() {
                        self.out.push_str(&spaces(ci));
                        self.out.push_str(l);
                    }
                    self.out.push('\n');
                }
            }
        }
    }
}
