//! A block-style YAML writer for CloudFormation templates.
//!
//! Purpose-built instead of a `serde_yaml_ng::Value` tree: it writes short-form intrinsics
//! (`!Ref`, `!Sub`, `!GetAtt`) directly, and it quotes every string that a YAML 1.1 reader
//! (PyYAML, under cfn-lint) would not read back as the same string: `yes`, `on`, `n`,
//! `2012-10-17`, `12:30`, `0x1F`, `~`, leading indicators, `: ` and ` #` inside.

use std::fmt::Write;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A string, quoted when needed.
    Str(String),
    /// A scalar written as is (numbers, `true`/`false` that are meant as booleans).
    Raw(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping in insertion order.
    Map(Vec<(String, Node)>),
    /// A short-form intrinsic on a scalar: `!Ref Name`.
    Tag(&'static str, String),
}

impl Node {
    /// A string node.
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }
    /// `!Ref name`.
    pub fn reference(name: impl Into<String>) -> Node {
        Node::Tag("!Ref", name.into())
    }
    /// A mapping from pairs.
    pub fn map(pairs: Vec<(&str, Node)>) -> Node {
        Node::Map(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
    /// A one-key mapping: `{Fn::If: [...]}`.
    pub fn func(name: &str, arg: Node) -> Node {
        Node::Map(vec![(name.to_owned(), arg)])
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

fn pad(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
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

fn write_map(out: &mut String, entries: &[(String, Node)], level: usize) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            pad(out, level);
        }
        write_str(out, k);
        out.push(':');
        write_value(out, v, level);
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
            pad(out, level + 2);
            write_map(out, entries, level + 2);
        }
        Node::Seq(items) => write_seq(out, items, level + 2),
        _ => {}
    }
}

fn write_seq(out: &mut String, items: &[Node], level: usize) {
    for item in items {
        pad(out, level);
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
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{85}')
}

/// Words YAML 1.1 reads as booleans or null (compared case-insensitively).
const SPECIAL_WORDS: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<", "=",
];

fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Digits, signs and dots start numbers, dates and times in some YAML version.
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
