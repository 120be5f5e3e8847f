//! Reading a large spec in two threads: a second thread reads a block mapping from a key
//! line in the text's second half while the first reads up to it, then the first takes the
//! second's entries (see [`parse_in_two`]). The tree is the one a single pass builds.

#[cfg(test)]
use super::parse_fast_from;
use super::{plain_characters, Bail, Fast, NodeKind, Tree, MAX_DEPTH, R};

/// Where a second thread can start reading: the start of a line in the second half of the
/// text that holds a key at the column of the entries of the top-level `roles:` mapping
/// (the bulk of a large spec), with that column. Any such line works: the part from it to
/// the end of the mapping it is in is a block mapping on its own.
pub(super) fn split_point(text: &str) -> Option<(usize, usize)> {
    let roles = if text.starts_with("roles:") {
        0
    } else {
        text.find("\nroles:")? + 1
    };
    // The entries' column: the indentation of the next line with content.
    let mut i = next_line(text, roles)?;
    let col = loop {
        match indentation(&text.as_bytes()[i..]) {
            (_, Some(b'\n' | b'#')) => i = next_line(text, i)?,
            (indent, Some(_)) if indent > 0 => break indent,
            _ => return None,
        }
    };
    let mut at = next_line(text, i.max(text.len() / 2))?;
    while at < text.len() {
        if key_column(&text.as_bytes()[at..]) == Some(col) {
            return Some((at, col));
        }
        at = next_line(text, at)?;
    }
    None
}

/// The start of the line after the one holding byte `at`.
fn next_line(text: &str, at: usize) -> Option<usize> {
    Some(at + text[at..].find('\n')? + 1)
}

/// A line's indentation (spaces) and the byte after it.
fn indentation(line: &[u8]) -> (usize, Option<u8>) {
    let indent = line.iter().take_while(|&&c| c == b' ').count();
    (indent, line.get(indent).copied())
}

/// The column of the key a line starts with: not blank, a comment or a sequence item.
fn key_column(line: &[u8]) -> Option<usize> {
    match indentation(line) {
        (_, None | Some(b'\n' | b'#' | b'-')) => None,
        (indent, Some(_)) => Some(indent),
    }
}

/// Reads `text` with a second thread reading, at the same time, the block mapping at column
/// `col` whose first key is on the line starting at `at` (up to the first line indented
/// less). When the first thread reaches that key in a block mapping at `col`, it takes the
/// second's entries and goes on from where the second stopped: the tree is the one a
/// single pass builds (node for node, in the same order). `None` if either part gives up,
/// or if the first thread never reached that key (then it read the second part itself
/// without its characters checked): the caller reads the text in one pass.
pub(super) fn parse_in_two(text: &str, at: usize, col: usize) -> Option<Tree> {
    let ascii = text.is_ascii();
    let (send, receive) = std::sync::mpsc::sync_channel(1);
    std::thread::scope(|s| {
        s.spawn(move || {
            // A send fails only once the first part has given up: nothing to tell then.
            let _ = send.send(read_part(text, at, col, ascii));
        });
        if !plain_characters(&text[..at]) {
            return None;
        }
        let mut p = Fast::new(text, ascii, 0, 1);
        p.splice = Some(Splice {
            at: at + col,
            part: receive,
        });
        p.parse_document().ok()?;
        p.splice.is_none().then_some(p.tree)
    })
}

/// What the second thread of [`parse_in_two`] read: its tree (node 0 the block mapping,
/// whose entries are the last of `kids`), the deepest nesting below that mapping, and the
/// parser's state where it stopped.
struct Part {
    tree: Tree,
    max_depth: usize,
    pos: usize,
    line: u32,
    line_start: usize,
    indent: Option<usize>,
}

/// The key where the part read by the second thread begins, and where its result arrives.
pub(super) struct Splice {
    pub(super) at: usize,
    part: std::sync::mpsc::Receiver<Option<Part>>,
}

/// The block mapping at column `col` starting on the line at `at`, for [`parse_in_two`].
fn read_part(text: &str, at: usize, col: usize, ascii: bool) -> Option<Part> {
    if !plain_characters(&text[at..]) {
        return None;
    }
    let line = 1 + text.as_bytes()[..at]
        .iter()
        .filter(|&&c| c == b'\n')
        .count();
    let mut p = Fast::new(text, ascii, at, u32::try_from(line).ok()?);
    p.next_content_line();
    if p.indent != Some(col) || p.pos != at + col {
        return None;
    }
    p.block_mapping(col, None).ok()?;
    Some(Part {
        tree: p.tree,
        max_depth: p.max_depth,
        pos: p.pos,
        line: p.line,
        line_start: p.line_start,
        indent: p.indent,
    })
}

impl Fast<'_> {
    /// In the block mapping whose next key is where the other thread's part begins: takes
    /// that part's nodes (renumbered after this tree's, its own mapping node left out) and
    /// its entries as this mapping's next ones, and goes on from where it stopped.
    pub(super) fn splice_in(&mut self) -> R<()> {
        let Some(splice) = self.splice.take() else {
            return bail!();
        };
        let Ok(Some(part)) = splice.part.recv() else {
            return bail!();
        };
        // The part's mapping is at this one's depth: its nesting counts from there.
        if self.depth - 1 + part.max_depth > MAX_DEPTH {
            return bail!();
        }
        let Part { tree, .. } = &part;
        let map = tree.nodes[0];
        if map.kind != NodeKind::Map {
            return bail!();
        }
        let first_entry = map.a as usize;
        // The mapping closed last, so its entries end the part's `kids`.
        if first_entry + 2 * map.b as usize != tree.kids.len() {
            return bail!();
        }
        // Node k of the part (k ≥ 1) becomes node `base + k - 1` here.
        let base = u32::try_from(self.tree.nodes.len()).map_err(|_| Bail)?;
        let kid_base = u32::try_from(self.tree.kids.len()).map_err(|_| Bail)?;
        let owned_base = u32::try_from(self.tree.owned.len()).map_err(|_| Bail)?;
        let renumber = |id: u32| base + id - 1;
        self.tree.nodes.extend(tree.nodes[1..].iter().map(|n| {
            let mut n = *n;
            match n.kind {
                NodeKind::Map | NodeKind::Seq => n.a += kid_base,
                NodeKind::Plain | NodeKind::Quoted if n.owned => n.a += owned_base,
                NodeKind::Plain | NodeKind::Quoted => {}
            }
            n
        }));
        self.tree
            .kids
            .extend(tree.kids[..first_entry].iter().map(|&k| renumber(k)));
        self.pending
            .extend(tree.kids[first_entry..].iter().map(|&k| renumber(k)));
        let Part {
            tree,
            pos,
            line,
            line_start,
            indent,
            ..
        } = part;
        self.tree.owned.extend(tree.owned);
        (self.pos, self.line, self.line_start, self.indent) = (pos, line, line_start, indent);
        Ok(())
    }
}

/// Test support: reads `text` in two parts at every line that could start the second part
/// (a key at some column), and checks that each read that succeeds builds the tree a
/// single pass builds. Returns how many did.
#[cfg(test)]
pub(crate) fn same_in_two(text: &str) -> Result<usize, String> {
    let one = parse_fast_from(text, usize::MAX);
    let mut read = 0;
    let mut at = 0;
    while at < text.len() {
        if let Some(col) = key_column(&text.as_bytes()[at..]).filter(|_| at > 0) {
            if let Some(two) = parse_in_two(text, at, col) {
                let Some(one) = &one else {
                    return Err(format!("read in two at byte {at}, not in one pass"));
                };
                if (&two.nodes, &two.kids, &two.owned) != (&one.nodes, &one.kids, &one.owned) {
                    return Err(format!("read in two at byte {at}: another tree"));
                }
                read += 1;
            }
        }
        match next_line(text, at) {
            Some(next) => at = next,
            None => break,
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every seed spec, read in two parts at each of its lines, gives the one-pass tree; and
    /// a large spec is read in two parts by `parse_fast` itself.
    #[test]
    fn two_parts_make_the_same_tree() {
        let mut read = 0;
        for entry in std::fs::read_dir("specs").unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            read += same_in_two(&text).unwrap();
        }
        assert!(read > 100, "only {read} two-part reads");
        let mut big = String::from("module: big\nroles:\n");
        for i in 0..40_000 {
            big.push_str(&format!(
                "  r{i}:\n    trust:\n      - service: [ecs-tasks.amazonaws.com]\n"
            ));
        }
        big.push_str("policies:\n  p:\n    document: {}\n");
        let (at, col) = split_point(&big).unwrap();
        assert!(at > big.len() / 2 && col == 2);
        let two = parse_in_two(&big, at, col).expect("two parts");
        let one = parse_fast_from(&big, usize::MAX).unwrap();
        assert!(two.nodes == one.nodes && two.kids == one.kids);
        // A part whose own nesting is shallow but too deep counted from its mapping's depth
        // (60 + 50 > MAX_DEPTH): a single pass gives up, and so must a read in two.
        let mut deep = String::new();
        for i in 0..60 {
            deep.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        deep.push_str(&format!("{}a: x\n{}b:\n", " ".repeat(60), " ".repeat(60)));
        for i in 0..50 {
            deep.push_str(&format!("{}d{i}:\n", " ".repeat(61 + i)));
        }
        deep.push_str(&format!(
            "{}e: y\n{}c: z\n",
            " ".repeat(111),
            " ".repeat(60)
        ));
        assert!(parse_fast_from(&deep, usize::MAX).is_none());
        assert_eq!(same_in_two(&deep), Ok(0));
    }
}
