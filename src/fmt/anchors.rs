//! Whether a document uses YAML anchors or aliases (then no key is moved: moving keys could
//! put an alias before its anchor). Read from the formatter's own tree, so it decides the
//! same way whatever another YAML parser makes of the file.

use super::parse::quoted_step;
use super::tree::{Block, Cont, Doc, Value};

/// True if `doc` has an anchor (`&a`) or an alias (`*a`) anywhere.
pub(crate) fn any(doc: &Doc) -> bool {
    doc.root.as_ref().is_some_and(value)
}

fn block(b: &Block) -> bool {
    b.entries
        .iter()
        .any(|e| e.key.as_deref().is_some_and(node) || value(&e.value))
}

fn value(v: &Value) -> bool {
    match v {
        Value::Empty(_) => false,
        Value::Block {
            props, block: b, ..
        } => props.as_deref().is_some_and(|p| p.contains('&')) || block(b),
        Value::Scalar { text, cont, .. } => {
            node(text)
                || match cont {
                    Cont::Flow { lines, .. } => {
                        let mut f = Flow::default();
                        f.feed(text) || lines.iter().any(|l| f.feed(l))
                    }
                    _ => false,
                }
        }
    }
}

/// A key or a scalar's first line: properties (`&a !tag`) then an alias, a flow collection
/// or another scalar.
fn node(t: &str) -> bool {
    let mut rest = t;
    while let Some(c) = rest.chars().next().filter(|c| matches!(c, '&' | '!')) {
        if c == '&' {
            return true;
        }
        let end = rest.find([' ', '\t']).unwrap_or(rest.len());
        rest = rest[end..].trim_start_matches([' ', '\t']);
    }
    if rest.starts_with('*') {
        return true;
    }
    rest.starts_with(['[', '{']) && Flow::default().feed(rest)
}

/// Scans flow collection text, line by line, for `&`/`*` where a node starts.
#[derive(Default)]
struct Flow {
    quote: Option<u8>,
    /// Last significant character outside quotes (0 at the start).
    prev: u8,
}

impl Flow {
    fn feed(&mut self, l: &str) -> bool {
        let b = l.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if let Some(next) = quoted_step(&mut self.quote, &mut self.prev, b, i) {
                i = next;
                continue;
            }
            let starts_node = matches!(self.prev, 0 | b'[' | b'{' | b',' | b':' | b'?');
            match c {
                b'#' if i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t' => return false,
                b'"' | b'\'' if starts_node => self.quote = Some(c),
                b'&' | b'*' if starts_node => return true,
                b'!' if starts_node => {
                    // A tag: properties may follow it.
                    while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                        i += 1;
                    }
                    continue;
                }
                _ => {}
            }
            if c != b' ' && c != b'\t' {
                self.prev = c;
            }
            i += 1;
        }
        false
    }
}
