//! Markdown escaping for the README.
//!
//! Spec text reaches the README in three forms, each written so that it renders as exactly
//! that text and can never start Markdown or HTML structure of its own:
//!
//! * prose (descriptions): HTML-escaped (`<`, `>`, `&`), link brackets, backslashes, pipes and
//!   dollars (GitHub math) escaped, a leading block marker (`#`, `-`, `+`, `*`, `=`, `_`, `~`, `:`,
//!   `1.`) escaped; code spans written by the author (`` `*` ``) are kept as code spans;
//! * code spans (names, ARNs, defaults): fenced by more backticks than the longest run inside
//!   (CommonMark), padded with a space when the text begins or ends with a backtick;
//! * table cells: either of the above on one line (every line break, also `\r`, NEL, U+2028
//!   and U+2029, is a space) with `|` escaped, which GFM honours inside code spans too.

use std::fmt::Write;

/// A line break for CommonMark (`\n`, `\r`) or for other readers (NEL, U+2028, U+2029).
pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `s` on one line: each line break (`\r\n` counts as one) becomes a space.
pub(super) fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut after_cr = false;
    for c in s.chars() {
        if c == '\n' && after_cr {
            after_cr = false;
            continue;
        }
        after_cr = c == '\r';
        out.push(if is_break(c) { ' ' } else { c });
    }
    out
}

/// The lines of `s`, split at every line break (`\r\n` counts as one).
fn lines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_break(c) {
            out.push(&s[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = chars.peek() {
                    chars.next();
                    end = j + 1;
                }
            }
            start = end;
        }
    }
    out.push(&s[start..]);
    out
}

/// Length of the longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// `s` as a CommonMark code span on one line (empty for an empty `s`).
pub(super) fn code(s: &str) -> String {
    let s = one_line(s);
    if s.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_backtick_run(&s) + 1);
    // A renderer strips one space at each end when both ends have one (and the text is not
    // all spaces): pad then, and when a backtick at an end would join the fence.
    let pad = s.starts_with('`')
        || s.ends_with('`')
        || (s.starts_with(' ') && s.ends_with(' ') && s.contains(|c| c != ' '));
    if pad {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// `s` as a code span in a table cell.
pub(super) fn cell_code(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_cell_code(&mut out, s);
    out
}

/// Appends `s` as a code span in a table cell. Most values (ARNs, actions, names) are plain
/// ASCII without a backtick, a line break or a pipe: they are written as they are, between
/// single backticks, without the allocations of the general way.
pub(super) fn push_cell_code(out: &mut String, s: &str) {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii() && !matches!(b, b'`' | b'|' | b'\n' | b'\r'))
        && !(s.starts_with(' ') && s.ends_with(' '));
    if plain {
        out.push('`');
        out.push_str(s);
        out.push('`');
    } else {
        out.push_str(&code(s).replace('|', "\\|"));
    }
}

/// Appends one line of prose, escaped as described above; a code span the text opens and
/// closes on the line is kept as it is (its text cannot be HTML or Markdown). `block`: the
/// line starts a line of the README (escape block markers), else it is in a table cell.
fn push_prose_line(out: &mut String, line: &str, block: bool) {
    let line = if block {
        line.trim_start_matches([' ', '\t'])
    } else {
        line
    };
    let bytes = line.as_bytes();
    let mut i = 0;
    if block {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        match bytes.first() {
            Some(b'#' | b'-' | b'+' | b'*' | b'=' | b'_' | b'~' | b':') => out.push('\\'),
            Some(b'0'..=b'9') if matches!(bytes.get(digits), Some(b'.' | b')')) => {
                out.push_str(&line[..digits]);
                out.push('\\');
                i = digits;
            }
            _ => {}
        }
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'`' {
            let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if let Some(len) = closing_run(&line[i + run..], run) {
                let end = i + run + len + run;
                let span = &line[i..end];
                if block {
                    out.push_str(span);
                } else {
                    out.push_str(&span.replace('|', "\\|"));
                }
                i = end;
            } else {
                for _ in 0..run {
                    out.push_str("\\`");
                }
                i += run;
            }
            continue;
        }
        match b {
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'&' => out.push_str("&amp;"),
            b'$' => out.push_str("&#36;"),
            b'\\' | b'[' | b']' | b'|' => {
                out.push('\\');
                out.push(b as char);
            }
            _ => {
                // Copy the rest of the character (ASCII bytes above, UTF-8 sequences here).
                let len = line[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&line[i..i + len]);
                i += len;
                continue;
            }
        }
        i += 1;
    }
}

/// Where a run of exactly `run` backticks starts in `rest`, if one does.
fn closing_run(rest: &str, run: usize) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let n = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if n == run {
                return Some(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

/// A description as Markdown prose: one paragraph per paragraph of the text.
pub(super) fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in lines(s.trim_matches(|c: char| c == ' ' || c == '\t' || is_break(c)))
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push('\n');
        }
        push_prose_line(&mut out, line, true);
    }
    out
}

/// Text as the content of a table cell, on one line.
pub(super) fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_cell(&mut out, s);
    out
}

/// Appends text as the content of a table cell; text with nothing to escape (a service
/// name, an effect) is written as it is.
pub(super) fn push_cell(out: &mut String, s: &str) {
    let plain = s.bytes().all(|b| {
        b.is_ascii()
            && !matches!(
                b,
                b'<' | b'>' | b'&' | b'$' | b'\\' | b'[' | b']' | b'|' | b'`' | b'\n' | b'\r'
            )
    });
    if plain {
        out.push_str(s);
    } else {
        push_prose_line(out, &one_line(s), false);
    }
}

/// A string as a quoted literal in JSON notation (what both the Terraform and the
/// CloudFormation value mean), escaping only what the notation requires plus the Unicode
/// line breaks, so the README shows the exact value.
pub(super) fn quoted(s: &str) -> String {
    // serde_json escapes `"`, `\` and the control characters; DEL and the Unicode line breaks
    // are escaped too, so nothing invisible hides in the README.
    let json = serde_json::to_string(s).unwrap_or_default();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c == '\u{7f}' || is_break(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// A fenced code block of `body` (which ends with a newline) in language `lang`: the fence
/// is longer than any backtick run in the body, so no line of it can close the block.
pub(super) fn fenced(s: &mut String, lang: &str, body: &str) {
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    let _ = write!(s, "{fence}{lang}\n{body}{fence}\n");
}
