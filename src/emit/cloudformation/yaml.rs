//! A block-style YAML writer for CloudFormation templates.
//!
//! Purpose-built instead of a `serde_yaml_ng::Value` tree: it writes short-form intrinsics
//! (`!Ref`, `!Sub`, `!GetAtt`) directly, and it quotes every string that a YAML 1.1 reader
//! (PyYAML, under cfn-lint) would not read back as the same string: `yes`, `on`, `n`,
//! `2012-10-17`, `12:30`, `0x1F`, `~`, leading indicators, `: ` and ` #` inside.

use crate::emit::push_spaces;
use std::borrow::Cow;
use std::fmt::Write;

/// Text of a [`Node`]: borrowed from the model or a constant where it can be, owned where it
/// is made (a formatted `!Sub`, a condition name). The tree of one resource is written and
/// dropped at once, and most of its text already exists: borrowing it saves an allocation
/// and a copy per key and scalar.
pub type Text<'a> = Cow<'a, str>;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// A string, quoted when needed.
    Str(Text<'a>),
    /// A scalar written as is (numbers, `true`/`false` that are meant as booleans).
    Raw(Text<'a>),
    /// A sequence.
    Seq(Vec<Node<'a>>),
    /// A mapping in insertion order.
    Map(Vec<(Text<'a>, Node<'a>)>),
    /// A short-form intrinsic on a scalar: `!Ref Name`.
    Tag(&'static str, Text<'a>),
}

impl<'a> Node<'a> {
    /// A string node.
    pub fn str(s: impl Into<Text<'a>>) -> Node<'a> {
        Node::Str(s.into())
    }
    /// A scalar written as is.
    pub fn raw(s: impl Into<Text<'a>>) -> Node<'a> {
        Node::Raw(s.into())
    }
    /// A short-form intrinsic: `!Sub text`.
    pub fn tag(tag: &'static str, s: impl Into<Text<'a>>) -> Node<'a> {
        Node::Tag(tag, s.into())
    }
    /// `!Ref name`.
    pub fn reference(name: impl Into<Text<'a>>) -> Node<'a> {
        Node::Tag("!Ref", name.into())
    }
    /// A mapping from pairs.
    pub fn map(pairs: Vec<(&'a str, Node<'a>)>) -> Node<'a> {
        Node::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
        )
    }
    /// A one-key mapping: `{Fn::If: [...]}`.
    pub(crate) fn func(name: &'a str, arg: Node<'a>) -> Node<'a> {
        Node::Map(vec![(Cow::Borrowed(name), arg)])
    }

    /// The same node owning all its text (for a node made of a temporary value).
    pub fn into_owned(self) -> Node<'static> {
        let own = |s: Text| -> Text<'static> { Cow::Owned(s.into_owned()) };
        match self {
            Node::Str(s) => Node::Str(own(s)),
            Node::Raw(s) => Node::Raw(own(s)),
            Node::Tag(t, s) => Node::Tag(t, own(s)),
            Node::Seq(v) => Node::Seq(v.into_iter().map(Node::into_owned).collect()),
            Node::Map(v) => Node::Map(
                v.into_iter()
                    .map(|(k, v)| (own(k), v.into_owned()))
                    .collect(),
            ),
        }
    }
}

/// Writes a whole document.
pub fn to_string(root: &Node) -> String {
    let mut out = String::with_capacity(4096);
    match root {
        Node::Map(entries) => write_map(&mut out, entries, 0),
        other => {
            write_inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

/// A document written section by section as its entries are made, so no document-sized tree
/// is built: the same text as [`to_string`] of the whole mapping.
pub(crate) struct DocWriter {
    out: String,
    /// A section opened with [`DocWriter::begin`] whose header is not written yet.
    pending: Option<&'static str>,
}

impl DocWriter {
    /// An empty document with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        DocWriter {
            out: String::with_capacity(bytes),
            pending: None,
        }
    }

    /// A top-level `key: value`.
    pub fn entry(&mut self, key: &str, value: &Node) {
        write_map_entry(&mut self.out, key, value, 0);
    }

    /// Opens a top-level mapping section whose entries follow with [`DocWriter::item`].
    pub(crate) fn begin(&mut self, key: &'static str) {
        self.pending = Some(key);
    }

    /// One entry of the open section.
    pub fn item(&mut self, key: &str, value: &Node) {
        if let Some(section) = self.pending.take() {
            write_str(&mut self.out, section);
            self.out.push_str(":\n");
        }
        push_spaces(&mut self.out, 2);
        write_map_entry(&mut self.out, key, value, 2);
    }

    /// Closes the open section; one without entries is written `key: {}` if `keep_empty`,
    /// and left out otherwise.
    pub fn end(&mut self, keep_empty: bool) {
        if let Some(section) = self.pending.take() {
            if keep_empty {
                self.entry(section, &Node::Map(Vec::new()));
            }
        }
    }

    /// The document's text.
    pub fn finish(self) -> String {
        self.out
    }
}

fn write_map_entry(out: &mut String, k: &str, v: &Node, level: usize) {
    let start = out.len();
    write_str(out, k);
    if out.len() - start > 1000 {
        // YAML limits implicit keys to 1024 characters: write an explicit `? key` instead.
        let key = out[start..].to_owned();
        out.truncate(start);
        out.push_str("? ");
        out.push_str(&key);
        out.push('\n');
        push_spaces(out, level);
    }
    out.push(':');
    write_value(out, v, level);
}

fn is_inline(n: &Node) -> bool {
    match n {
        Node::Str(_) | Node::Raw(_) | Node::Tag(..) => true,
        Node::Seq(v) => v.is_empty(),
        Node::Map(v) => v.is_empty(),
    }
}

fn write_inline(out: &mut String, n: &Node) {
    match n {
        Node::Str(s) => write_str(out, s),
        Node::Raw(s) => out.push_str(s),
        Node::Tag(t, s) => {
            out.push_str(t);
            out.push(' ');
            write_str(out, s);
        }
        Node::Seq(_) => out.push_str("[]"),
        Node::Map(_) => out.push_str("{}"),
    }
}

fn write_map(out: &mut String, entries: &[(Text, Node)], level: usize) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            push_spaces(out, level);
        }
        write_map_entry(out, k, v, level);
    }
}

/// Writes what follows `key:` or `-`.
fn write_value(out: &mut String, v: &Node, level: usize) {
    if is_inline(v) {
        out.push(' ');
        write_inline(out, v);
        out.push('\n');
        return;
    }
    out.push('\n');
    match v {
        Node::Map(entries) => {
            push_spaces(out, level + 2);
            write_map(out, entries, level + 2);
        }
        Node::Seq(items) => write_seq(out, items, level + 2),
        _ => {}
    }
}

fn write_seq(out: &mut String, items: &[Node], level: usize) {
    for item in items {
        push_spaces(out, level);
        out.push('-');
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                out.push(' ');
                write_map(out, entries, level + 2);
            }
            Node::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, level + 2);
            }
            other => {
                out.push(' ');
                write_inline(out, other);
                out.push('\n');
            }
        }
    }
}

/// Writes a string scalar: plain when a YAML 1.1 and 1.2 reader both read it back as the same
/// string, single-quoted when printable, double-quoted with escapes otherwise.
pub fn write_str(out: &mut String, s: &str) {
    if plain_safe(s) {
        out.push_str(s);
    } else if s.chars().all(|c| !needs_escape(c)) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\0' => out.push_str("\\0"),
                c if needs_escape(c) => {
                    let n = c as u32;
                    if n <= 0xFF {
                        let _ = write!(out, "\\x{n:02X}");
                    } else {
                        let _ = write!(out, "\\u{n:04X}");
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

/// Characters that cannot appear raw in a single-quoted scalar (or that readers normalise).
fn needs_escape(c: char) -> bool {
    // YAML's printable set: tab, line breaks, U+0020–U+007E, U+0085, U+00A0–U+D7FF,
    // U+E000–U+FFFD, U+10000 and up; the rest (e.g. U+FFFE) must be escaped.
    let printable = matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}';
    !printable || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Words YAML 1.1 reads as booleans or null (compared case-insensitively).
const SPECIAL_WORDS: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<", "=",
];

/// ASCII characters a plain scalar may hold: letters, digits and these.
const PLAIN_CHARS: &[u8] = b" _./:*@()+=,${}-?<>^;!&~'\"[]#%|";

const fn plain_table() -> [bool; 128] {
    let mut t = [false; 128];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let mut i = 0;
    while i < PLAIN_CHARS.len() {
        t[PLAIN_CHARS[i] as usize] = true;
        i += 1;
    }
    t
}

static PLAIN: [bool; 128] = plain_table();

/// Bytes that may start a plain scalar: any byte but ASCII digits, `+`, `-`, `.` and the
/// indicators `?:,[]{}#&*!|>'"%@\`~=` and space (a non-ASCII first byte fails the table pass).
const fn plain_first_table() -> [bool; 256] {
    let mut t = [true; 256];
    let not = b"0123456789+-.?:,[]{}#&*!|>'\"%@`~= ";
    let mut i = 0;
    while i < not.len() {
        t[not[i] as usize] = false;
        i += 1;
    }
    t
}

static PLAIN_FIRST: [bool; 256] = plain_first_table();

/// Whether `s` can be written plain: one pass over its bytes.
fn plain_safe(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    // Digits, signs and dots start numbers, dates and times in some YAML version; the
    // indicators start other nodes.
    if !PLAIN_FIRST[first as usize] {
        return false;
    }
    if last == b' ' || last == b':' {
        return false;
    }
    if b.len() <= 5 && SPECIAL_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return false;
    }
    // Only these ASCII characters, and no `: `, ` #` or two spaces (`:\t` has a tab,
    // which is not among them). Each pair has a space: text without one (most) needs only
    // the table.
    let mut space = false;
    for &c in b {
        if c >= 128 || !PLAIN[c as usize] {
            return false;
        }
        space |= c == b' ';
    }
    !space
        || !b
            .windows(2)
            .any(|w| matches!(w, [b':', b' '] | [b' ', b'#'] | [b' ', b' ']))
}

/// The definition [`plain_safe`] implements, kept for the test that compares them.
#[cfg(test)]
fn plain_safe_reference(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if first.is_ascii_digit() || matches!(first, '+' | '-' | '.') {
        return false;
    }
    if "?:,[]{}#&*!|>'\"%@`~= ".contains(first) {
        return false;
    }
    if s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if SPECIAL_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " _./:*@()+=,${}-?<>^;!&~'\"[]#%|".contains(c))
        && !s.contains("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> String {
        let mut o = String::new();
        write_str(&mut o, s);
        o
    }

    #[test]
    fn quotes_what_yaml_11_would_misread() {
        for s in [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "true",
            "null",
            "~",
            "2012-10-17",
            "12:30",
            "0x1F",
            "123456789012",
            "-x",
            ".5",
            "",
            " a",
            "a:",
            "a: b",
            "a #b",
            "<<",
        ] {
            assert!(
                w(s).starts_with('\'') || w(s).starts_with('"'),
                "{s} -> {}",
                w(s)
            );
        }
        for s in [
            "Allow",
            "arn:aws:s3:::bucket/*",
            "s3:GetObject",
            "${NamePrefix}-task",
            "ecs-tasks.amazonaws.com",
        ] {
            assert_eq!(w(s), s);
        }
        assert_eq!(w("it's"), "it's");
        assert_eq!(w("'x"), "'''x'");
        assert_eq!(w("a\nb\"c"), "\"a\\nb\\\"c\"");
        assert_eq!(w("é ünïcode"), "'é ünïcode'");
    }

    #[test]
    fn plain_safe_is_its_definition() {
        let alphabet: Vec<char> = "aZ09 _./:*@()+=,${}-?<>^;!&~'\"[]#%|\t\n`é"
            .chars()
            .collect();
        let words = [
            "",
            "yes",
            "NULL",
            "<<",
            "=",
            "~",
            "y",
            "false",
            "2012-10-17",
            "arn:aws:s3:::b/*",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for w in words {
            assert_eq!(plain_safe(w), plain_safe_reference(w), "{w:?}");
        }
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 6) as usize;
            let s: String = (0..len)
                .map(|i| alphabet[((seed >> (8 + 6 * i)) % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(plain_safe(&s), plain_safe_reference(&s), "{s:?}");
        }
    }

    #[test]
    fn block_layout() {
        let n = Node::map(vec![
            ("A", Node::str("x")),
            (
                "B",
                Node::Seq(vec![
                    Node::map(vec![
                        ("K", Node::str("v")),
                        ("L", Node::Seq(vec![Node::str("1")])),
                    ]),
                    Node::reference("P"),
                ]),
            ),
            ("C", Node::Map(vec![])),
        ]);
        assert_eq!(
            to_string(&n),
            "A: x\nB:\n  - K: v\n    L:\n      - '1'\n  - !Ref P\nC: {}\n"
        );
    }
}
