//! Common YAML slips, recognised in the text around a parse error and explained in a spec's
//! terms instead of the parser's: a key indented under a key that already has a scalar value
//! (YAML reads it as more of that value), and an unquoted `${...}` placeholder inside a flow
//! list or mapping (YAML reads its `{` as the start of a mapping).

/// A slip: what happened, how to fix it, and where (1-based line and column, byte length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    /// What happened, naming the keys and their positions.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Length of the span in bytes.
    pub len: usize,
}

/// The slip behind a YAML error reported at `line`/`column` (1-based) with the parser's
/// `message`, if it is one of the common ones.
pub(crate) fn at_error(text: &str, message: &str, line: usize, column: usize) -> Option<Slip> {
    key_under_scalar(text, line).or_else(|| {
        (message.contains("flow") || message.contains("expected ','"))
            .then(|| placeholder_in_flow(text, line, column))
            .flatten()
    })
}

/// A block mapping key at the start of `line`: (0-based column, key, text after the `:`).
/// Only plain keys (`name:`, `max_session_duration: 3600`), the ones a spec uses.
fn key_line(line: &str) -> Option<(usize, &str, &str)> {
    let body = line.trim_start_matches(' ');
    let column = line.len() - body.len();
    let end = body.find(|c: char| !(c.is_alphanumeric() || "_-.".contains(c)))?;
    let (key, rest) = body.split_at(end);
    let after = rest.strip_prefix(':')?;
    if key.is_empty() || !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    Some((column, key, after))
}

/// `text` without a ` #` comment at its end (outside quotes), trimmed.
fn without_comment(text: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if prev == ' ' || prev == '\t' => return text[..i].trim(),
            _ => {}
        }
        prev = c;
    }
    text.trim()
}

/// The key on `line` (1-based) when it is indented deeper than the key on the line before it
/// (blank and comment lines skipped) and that key already has a scalar value on its own line:
/// `max_session_duration: 3600` then ` trust:` one column deeper, which YAML reads as the
/// value `3600 trust` or as a syntax error.
pub(crate) fn key_under_scalar(text: &str, line: usize) -> Option<Slip> {
    let lines: Vec<&str> = text.lines().collect();
    let current = *lines.get(line.checked_sub(1)?)?;
    let (column, key, _) = key_line(current)?;
    let (prev_index, prev) = lines[..line - 1].iter().enumerate().rev().find(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })?;
    let (prev_column, prev_key, prev_rest) = key_line(prev)?;
    let value = without_comment(prev_rest);
    let block = value.is_empty()
        || value.starts_with(['|', '>', '&', '!'])
        || (value.starts_with('[') && !value.ends_with(']'))
        || (value.starts_with('{') && !value.ends_with('}'));
    if prev_column >= column || block {
        return None;
    }
    Some(Slip {
        message: format!(
            "`{key}` (line {line}, column {}) is indented deeper than `{prev_key}` (line {}, column {}), which already has the value `{value}`: YAML reads the deeper line as more of that value, not as a key",
            column + 1,
            prev_index + 1,
            prev_column + 1
        ),
        help: format!(
            "indent `{key}:` to column {} like `{prev_key}:` (keys of one mapping start in the same column)",
            prev_column + 1
        ),
        line,
        column: column + 1,
        len: key.len(),
    })
}

/// An unquoted `${...}` at `column` (1-based, characters) of `line` inside a flow list or
/// mapping (`account: [${Id}]`), where YAML stops the plain value at `{`.
pub(crate) fn placeholder_in_flow(text: &str, line: usize, column: usize) -> Option<Slip> {
    let current = text.lines().nth(line.checked_sub(1)?)?;
    let at = current
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map_or(current.len(), |(i, _)| i);
    // The flow item around the error: back to the `[`, `{`, `,` or `: ` before it, forward
    // to the `,`, `]` or `}` after it (a placeholder's own braces skipped).
    let start = current[..at]
        .rfind(['[', '{', ','])
        .map(|i| i + 1)
        .max(current[..at].rfind(": ").map(|i| i + 2))?;
    let mut end = start;
    let bytes = current.as_bytes();
    while end < bytes.len() {
        match bytes[end] {
            b'$' if bytes.get(end + 1) == Some(&b'{') => {
                end = current[end..]
                    .find('}')
                    .map_or(bytes.len(), |n| end + n + 1);
            }
            b',' | b']' | b'}' => break,
            _ => end += 1,
        }
    }
    let item = current[start..end].trim();
    if !item.contains("${") || item.starts_with(['"', '\'']) {
        return None;
    }
    let item_start = start + (current[start..].len() - current[start..].trim_start().len());
    let item_end = item_start + item.len();
    let fixed = format!(
        "{}\"{item}\"{}",
        current[..item_start].trim_start(),
        &current[item_end..]
    );
    let kind = if current[..start].rfind('{') > current[..start].rfind('[') {
        "mapping `{...}`"
    } else {
        "list `[...]`"
    };
    Some(Slip {
        message: format!(
            "`{item}` is not quoted inside a flow {kind}: YAML reads the `{{` of `${{` as the start of a mapping"
        ),
        help: if kind.starts_with("list") {
            format!("quote it: `{fixed}` (or write the list as a block, one `- {item}` per line)")
        } else {
            format!("quote it: `{fixed}`")
        },
        line,
        column: current[..item_start].chars().count() + 1,
        len: item.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_one_column_too_deep_under_a_scalar() {
        let text = "roles:\n  app:\n    max_session_duration: 3600  # one hour\n\n     trust:\n      - service: [x]\n";
        let s = key_under_scalar(text, 5).unwrap();
        assert_eq!((s.line, s.column, s.len), (5, 6, 5));
        assert!(
            s.message.contains("`trust` (line 5, column 6)"),
            "{}",
            s.message
        );
        assert!(s
            .message
            .contains("`max_session_duration` (line 3, column 5)"));
        assert!(s.message.contains("`3600`"), "{}", s.message);
        assert!(s.help.contains("column 5"));
        // Under a key that opens a block, deeper is right.
        assert_eq!(key_under_scalar("a:\n  b: 1\n", 2), None);
        assert_eq!(key_under_scalar("a: |\n  b: 1\n", 2), None);
        assert_eq!(key_under_scalar("a: [1,\n  b: 1]\n", 2), None);
        // Same column: not this slip.
        assert_eq!(key_under_scalar("a: 1\nb: 2\n", 2), None);
    }

    #[test]
    fn an_unquoted_placeholder_in_a_flow_list_or_mapping() {
        let s = placeholder_in_flow("x:\n  - account: [${Id}]\n", 2, 15).unwrap();
        assert_eq!((s.line, s.column, s.len), (2, 15, 5));
        assert!(s.message.contains("flow list"), "{}", s.message);
        assert!(s.help.contains("`- account: [\"${Id}\"]`"), "{}", s.help);
        let s = placeholder_in_flow("x: [a, arn:${P}:b, c]\n", 1, 8).unwrap();
        assert!(s.help.contains("[a, \"arn:${P}:b\", c]"), "{}", s.help);
        let s = placeholder_in_flow("- {account: ${Id}}\n", 1, 13).unwrap();
        assert!(s.message.contains("flow mapping"), "{}", s.message);
        assert!(s.help.contains("{account: \"${Id}\"}"), "{}", s.help);
        assert_eq!(placeholder_in_flow("x: [\"${Id}\"]\n", 1, 5), None);
        assert_eq!(placeholder_in_flow("x: [a b]\n", 1, 5), None);
    }
}
