//! A small, deterministic block-style YAML writer for the specs `rolegen import` emits.
//!
//! Strings are written plain when every YAML reader (1.1 and 1.2) reads them back as the same
//! string, double-quoted otherwise. Mappings keep insertion order.

/// A YAML node of an emitted spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Y {
    /// A string (quoted when needed).
    Str(String),
    /// A number, written as is.
    Num(String),
    /// A boolean.
    Bool(bool),
    /// A sequence.
    Seq(Vec<Y>),
    /// A mapping in insertion order.
    Map(Vec<(String, Y)>),
}

impl Y {
    /// A string node.
    pub fn s(s: impl Into<String>) -> Y {
        Y::Str(s.into())
    }

    /// An empty mapping.
    pub fn map() -> Y {
        Y::Map(Vec::new())
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Y> {
        match self {
            Y::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key` (replacing an existing entry in place, else appending).
    pub fn set(&mut self, key: &str, v: Y) {
        if let Y::Map(m) = self {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some(e) => e.1 = v,
                None => m.push((key.to_owned(), v)),
            }
        }
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Y> {
        match self {
            Y::Map(m) => {
                let i = m.iter().position(|(k, _)| k == key)?;
                Some(m.remove(i).1)
            }
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Y::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The strings of a string or a sequence of strings.
    pub fn strings(&self) -> Option<Vec<&str>> {
        match self {
            Y::Str(s) => Some(vec![s.as_str()]),
            Y::Seq(v) => v.iter().map(Y::as_str).collect(),
            _ => None,
        }
    }
}

/// The spec text of an import: [`to_string`] in the layout `rolegen fmt` writes (key order,
/// blank lines), so an imported spec passes `rolegen fmt --check` as written. The formatter
/// checks that its result is the same YAML; should it ever refuse, the plain text is kept
/// (it loads the same, only its layout differs).
pub fn spec_text(root: &Y, header: &[String]) -> String {
    let text = to_string(root, header);
    crate::fmt::format(&text).unwrap_or(text)
}

/// The whole document, with `header` lines written as `#` comments first.
pub fn to_string(root: &Y, header: &[String]) -> String {
    let mut out = String::new();
    for h in header {
        for line in h.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
    match root {
        Y::Map(m) if !m.is_empty() => write_map(&mut out, m, 0),
        other => {
            inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat(' ').take(n));
}

fn is_block(y: &Y) -> bool {
    match y {
        Y::Seq(v) => !v.is_empty(),
        Y::Map(m) => !m.is_empty(),
        _ => false,
    }
}

fn inline(out: &mut String, y: &Y) {
    match y {
        Y::Str(s) => scalar(out, s),
        Y::Num(n) => out.push_str(n),
        Y::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Y::Seq(_) => out.push_str("[]"),
        Y::Map(_) => out.push_str("{}"),
    }
}

fn write_map(out: &mut String, m: &[(String, Y)], indent: usize) {
    for (k, v) in m {
        pad(out, indent);
        scalar(out, k);
        out.push(':');
        if is_block(v) {
            out.push('\n');
            match v {
                Y::Map(inner) => write_map(out, inner, indent + 2),
                Y::Seq(items) => write_seq(out, items, indent + 2),
                _ => {}
            }
        } else {
            out.push(' ');
            inline(out, v);
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Y], indent: usize) {
    for item in items {
        if is_block(item) {
            // Render the item two columns deeper, then put the dash on its first line.
            let mut child = String::new();
            match item {
                Y::Map(inner) => write_map(&mut child, inner, indent + 2),
                Y::Seq(inner) => write_seq(&mut child, inner, indent + 2),
                _ => {}
            }
            pad(out, indent);
            out.push_str("- ");
            out.push_str(&child[indent + 2..]);
        } else {
            pad(out, indent);
            out.push_str("- ");
            inline(out, item);
            out.push('\n');
        }
    }
}

/// Words some YAML reader turns into something other than a string.
const RESERVED: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<",
];

/// True if `s` can be written without quotes and read back as the same string by YAML 1.1
/// and 1.2 readers alike.
pub(crate) fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || "/$_(".contains(first)) {
        return false;
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    if s.ends_with(' ') || s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    // Sexagesimal numbers and the like (YAML 1.1): letters first excludes them, except `_`.
    s.chars()
        .all(|c| c.is_ascii_graphic() && c != '\\' || c == ' ')
}

fn scalar(out: &mut String, s: &str) {
    if plain_ok(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_back() {
        let y = Y::Map(vec![
            ("module".into(), Y::s("demo")),
            (
                "list".into(),
                Y::Seq(vec![
                    Y::s("a"),
                    Y::Map(vec![("k".into(), Y::s("v")), ("n".into(), Y::s("no"))]),
                    Y::Seq(vec![Y::s("x"), Y::s("2012-10-17")]),
                ]),
            ),
            ("empty".into(), Y::Seq(vec![])),
            ("num".into(), Y::Num("3600".into())),
            ("odd".into(), Y::s("a: b \"q\" \\ \n\t✓")),
        ]);
        let text = to_string(&y, &["generated".into()]);
        let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(back["module"], "demo");
        assert_eq!(back["list"][1]["n"], "no");
        assert_eq!(back["list"][2][1], "2012-10-17");
        assert_eq!(back["odd"], "a: b \"q\" \\ \n\t✓");
        assert_eq!(back["num"].as_u64(), Some(3600));
        for s in [
            "yes", "On", "12:30", "0x1F", "~", "*", "- x", "1e3", "", " a",
        ] {
            assert!(!plain_ok(s), "{s}");
        }
        for s in ["arn:aws:s3:::b/*", "${Param}-x", "s3:GetObject", "Null"] {
            assert_eq!(plain_ok(s), s != "Null", "{s}");
        }
    }
}
