//! `rolegen fmt`: rewrites specs in one canonical layout, keeping every comment.
//!
//! The formatter works on the text, not on a re-serialisation: a small lossless parser
//! (`parse`) reads the block structure (mappings, sequences, their comments and blank lines)
//! and keeps every scalar exactly as written; `order` sorts keys; `print` writes it back.
//!
//! # The canonical form
//!
//! - Indentation is 2 spaces per level. A block sequence is indented under its key
//!   (`trust:` then `  - service: …`), as every spec in `specs/` writes it; a mapping inside a
//!   sequence item starts on the dash line (`- Sid: …`) with its other keys under the first.
//!   One space after `key:` and after `-`.
//! - Keys of the spec's own structures are in the order of the serde structs in
//!   `src/spec/mod.rs`, which is the order of the JSON Schema (`rolegen schema`): top level
//!   `module, description, deviations, adopt, moved, allow, hatches, outputs, parameters, mappings,
//!   roles, policies, kms_keys, oidc_providers`; a role `name, name_prefix, path, description,
//!   deviations, max_session_duration, permissions_boundary, tags, when, allow, hatches,
//!   instance_profile, trust, trust_document, trust_version, managed_policies,
//!   inline_policies`; a policy document `when, allow, deviations, Version, Id, Statement,
//!   policy_file`; and so on. One exception: a statement is `Sid, Effect, Principal, NotPrincipal,
//!   Action, NotAction, Resource, NotResource, Condition, when, allow, deviations` (AWS's order, and the
//!   order `rolegen import` writes).
//! - Maps whose keys the user names keep the user's order (it is the output order): `roles`,
//!   `parameters`, `mappings` (and their entries), `policies`, `kms_keys`, `inline_policies`, `tags`, condition operators and
//!   condition keys, principals. So does a mapping with a key the schema does not know (the
//!   linter reports it), a file that is not a spec, and any file with YAML anchors or aliases
//!   (found by the formatter's own parser, so every run decides alike).
//! - Scalars keep their exact spelling (plain, quoted, escapes, an escaped space at the end
//!   of a line); flow collections (`[a, b]`, `{…}`) are kept as written (over several lines
//!   they move with their key, every line keeping its column relative to the key's, so a
//!   closing bracket under its key stays under it).
//!   Block scalars (`|`, `>`) are re-indented to 2 spaces under their key, their content (and
//!   its trailing whitespace, which is content) unchanged.
//! - Comments stay attached: a full-line comment belongs to the entry after it and moves with
//!   it when keys are reordered (re-indented to that entry's column) — unless it is indented
//!   deeper than that entry: then it belongs to the entry before it (`managed_policies:` then
//!   `  # - aws: X`, or a comment under a block scalar) and stays after it, one level deeper
//!   (under a block scalar one column deeper than its key, as its content is at two); a
//!   comment at the end of a line stays on that line; comments after the last entry of a
//!   block at its column stay at the end of that block. Comments before the first key are the
//!   file's header and stay at the top.
//! - Blank lines: runs collapse to one; none at the start of a nested block, at the start or
//!   end of the file; one blank line between top-level keys whenever either of them spans
//!   several lines (between two one-line top-level keys, as the user wrote it).
//! - Trailing whitespace is removed (outside block scalars), line ends are `\n`, a byte order
//!   mark is dropped, and the file ends with exactly one newline.
//!
//! # What it refuses
//!
//! Several documents in one file, directives (`%YAML`), complex keys (`? key`), flow
//! collections as keys, tabs as indentation, lines indented deeper than their block, and a
//! block scalar with `+` chomping followed by blank lines are reported as errors (exit 2,
//! `file:line:column` with the source line) and the file is left alone. A `...` document end
//! marker after the document is kept as written.
//!
//! # Safety net
//!
//! Before anything is written, the original and the formatted text are both parsed with
//! serde_yaml_ng and must be equal; a fresh run on the result (deciding everything, reordering
//! included, anew) must give it back unchanged; and the comments must be the same, each with
//! the same owner: the entry it comes before, follows under, or ends the line of, judged from
//! where it is written (its line and indentation against the entries around it), not from
//! where the parser put it. If any of that fails the file is reported as an internal error and
//! left as it was, so `fmt` can never change what a spec means or which key a comment is
//! about.

mod anchors;
mod order;
mod parse;
mod print;
mod tree;

use crate::diagnostics::{render, Diagnostic};
use crate::rules::{self, Rule, Severity};
use crate::source::SourceFile;
use crate::source::SourceRef;
use crate::spec::load::{read_at_most, MAX_SPEC_BYTES};
use codespan_reporting::term::termcolor::WriteColor;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a file could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FmtError {
    /// The text is not YAML that rolegen reads.
    #[error("{line}:{column}: {message}")]
    Syntax {
        /// serde_yaml_ng's message, without its position.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The file uses a construct the formatter does not rewrite.
    #[error("{line}:{column}: rolegen fmt does not rewrite {reason}")]
    Unsupported {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What it is.
        reason: String,
    },
    /// A common YAML slip (a key indented under a scalar, an unquoted `${...}` in a flow
    /// collection), explained with its fix.
    #[error("{}:{}: {}", .0.line, .0.column, .0.message)]
    Slip(crate::spec::slips::Slip),
    /// The safety net caught the formatter changing the content (a bug in `fmt`).
    #[error("internal formatter error: {0}")]
    Internal(String),
}

/// serde_yaml_ng's message for a file with several documents.
const SEVERAL_DOCUMENTS: &str = "more than one document";

/// Formats YAML text canonically (see the module documentation), or says why it cannot.
///
/// The result is checked: it parses to the same YAML value as `text`, formatting it again
/// (a whole new run) changes nothing, and every comment is still there with the same owner.
pub fn format(text: &str) -> Result<String, FmtError> {
    // A byte order mark is not content (and serde_yaml_ng would not read the file with it).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let original: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let first = layout(text).map_err(|u| FmtError::Unsupported {
        line: u.line,
        column: u.column,
        reason: u.reason,
    })?;
    let out = first.text;
    let reread: serde_yaml_ng::Value = serde_yaml_ng::from_str(&out)
        .map_err(|e| FmtError::Internal(format!("the formatted text does not parse ({e})")))?;
    if reread != original {
        return Err(FmtError::Internal(
            "the formatted text would mean something else".into(),
        ));
    }
    // A fresh run on the result, deciding everything (reordering included) anew.
    let again = layout(&out).map_err(|u| {
        FmtError::Internal(format!(
            "the formatted text cannot be read back (line {}: {})",
            u.line, u.reason
        ))
    })?;
    if again.text != out {
        return Err(FmtError::Internal(
            "formatting the result again changes it (not idempotent)".into(),
        ));
    }
    same_comments(first.comments, again.comments)?;
    Ok(out)
}

/// The safety net for comments: the input's and the output's comments, each with its
/// [`tree::Owner`] judged from where it is written, must be the same.
fn same_comments(
    mut before: Vec<(tree::Owner, String)>,
    mut after: Vec<(tree::Owner, String)>,
) -> Result<(), FmtError> {
    before.sort();
    after.sort();
    if before == after {
        return Ok(());
    }
    fn texts(v: &[(tree::Owner, String)]) -> Vec<&str> {
        let mut t: Vec<&str> = v.iter().map(|(_, c)| c.as_str()).collect();
        t.sort_unstable();
        t
    }
    if texts(&before) != texts(&after) {
        return Err(FmtError::Internal(
            "a comment would be lost or changed".into(),
        ));
    }
    let moved = before
        .iter()
        .find(|b| !after.contains(b))
        .map_or(String::new(), |(o, c)| format!(" (`{c}`, {o:?})"));
    Err(FmtError::Internal(format!(
        "a comment would move to another key{moved}"
    )))
}

/// One run of the formatter, unchecked.
struct Layout {
    /// The formatted text.
    text: String,
    /// The comments of the input with their owners.
    comments: Vec<(tree::Owner, String)>,
}

/// Parse, sort (unless the file has anchors or aliases), normalise, print.
fn layout(text: &str) -> Result<Layout, parse::Unsupported> {
    let mut doc = parse::parse(text)?;
    let comments = doc.owners();
    if !anchors::any(&doc) {
        order::reorder(&mut doc);
    }
    print::normalize(&mut doc);
    Ok(Layout {
        text: print::print(&doc),
        comments,
    })
}

/// serde_yaml_ng's error; positioned where yaml-rust2 stops if it stops (serde_yaml_ng often
/// points past the cause: the end of an unclosed quote rather than its start), as the loader
/// does; a second document at its `---`.
fn syntax_error(text: &str, e: &serde_yaml_ng::Error) -> FmtError {
    let raw = e.to_string();
    let message = raw
        .find(" at line ")
        .map_or(raw.as_str(), |i| &raw[..i])
        .to_owned();
    let at = if message.contains(SEVERAL_DOCUMENTS) {
        second_document(text).map(|l| (l, 1))
    } else {
        yaml_rust2_error(text)
    };
    let (line, column) = at
        .or_else(|| e.location().map(|l| (l.line(), l.column())))
        .unwrap_or((1, 1));
    if let Some(slip) = crate::spec::slips::at_error(text, &message, line, column) {
        return FmtError::Slip(slip);
    }
    FmtError::Syntax {
        message,
        line,
        column,
    }
}

/// Where yaml-rust2 fails to parse `text` (1-based line and column), if it does.
fn yaml_rust2_error(text: &str) -> Option<(usize, usize)> {
    use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
    struct Ignore;
    impl MarkedEventReceiver for Ignore {
        fn on_event(&mut self, _: Event, _: yaml_rust2::scanner::Marker) {}
    }
    Parser::new_from_str(text)
        .load(&mut Ignore, true)
        .err()
        .map(|e| (e.marker().line(), e.marker().col() + 1))
}

/// The 1-based line where a second document starts: a `---` (or a directive) after the
/// first document's content or its own `---`, or any content after a `...` end marker.
fn second_document(text: &str) -> Option<usize> {
    let (mut started, mut ended) = (false, false);
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start_matches([' ', '\t']);
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let is = |m: &str| {
            l.strip_prefix(m)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\r']))
        };
        if is("...") {
            ended = started;
            continue;
        }
        if is("---") || l.starts_with('%') {
            if started {
                return Some(i + 1);
            }
            started = is("---");
            continue;
        }
        if ended {
            return Some(i + 1);
        }
        started = true;
    }
    None
}

/// Where a file comes from; `-` is standard input (formatted text goes to standard output).
pub(crate) fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// Why the text of a file to format could not be read (`name` is the path as given, or
/// "standard input").
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// Opening or reading failed.
    #[error("cannot read {name}: {source}")]
    Io {
        /// The file.
        name: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A regular file over the limit (its size).
    #[error("{name} is {size} bytes; specs are limited to {MAX_SPEC_BYTES} bytes")]
    TooLarge {
        /// The file.
        name: String,
        /// Its size in bytes.
        size: u64,
    },
    /// A pipe that held more than the limit.
    #[error("{name} holds more than {MAX_SPEC_BYTES} bytes; specs are limited to {MAX_SPEC_BYTES} bytes")]
    MoreThanLimit {
        /// The file.
        name: String,
    },
    /// Not UTF-8 (the offset of the first invalid byte).
    #[error("{name} is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        name: String,
        /// Offset of the first invalid byte.
        offset: usize,
    },
}

/// The text of `p` (standard input for `-`), at most [`MAX_SPEC_BYTES`] (applied while
/// reading: a pipe has no size), UTF-8. A leading byte order mark is kept here: `format`
/// drops it, so a file with one counts as changed and is rewritten without it (`--check`
/// reports it).
pub(crate) fn read(p: &Path) -> Result<String, ReadError> {
    let name = if is_stdin(p) {
        "standard input".to_owned()
    } else {
        p.display().to_string()
    };
    let io = |source| ReadError::Io {
        name: name.clone(),
        source,
    };
    let bytes = if is_stdin(p) {
        read_at_most(std::io::stdin().lock(), MAX_SPEC_BYTES).map_err(io)?
    } else {
        let file = std::fs::File::open(p).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_file() && meta.len() > MAX_SPEC_BYTES {
            return Err(ReadError::TooLarge {
                name,
                size: meta.len(),
            });
        }
        read_at_most(file, MAX_SPEC_BYTES).map_err(io)?
    };
    let Some(bytes) = bytes else {
        return Err(ReadError::MoreThanLimit { name });
    };
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
        name,
    })
}

/// The rule a refusal of `fmt` is reported under (it is not a finding of the spec: the
/// file is valid, `fmt` only does not rewrite it).
static UNSUPPORTED: Rule = Rule {
    code: "fmt",
    name: "fmt-unsupported",
    severity: Severity::Error,
    suppressible: false,
    cfn_lint: &[],
    what: "The file uses a YAML construct `rolegen fmt` does not rewrite.",
    why: "The formatter rewrites only what it can prove keeps the file's meaning and comments.",
    example: "? [a, b]\n: c\n\nFix: write the key as a plain scalar.",
};

/// Reports why `path` could not be formatted.
pub(crate) fn report(path: &Path, text: &str, e: &FmtError, err: &mut dyn WriteColor) {
    let (rule, message, help, line, column): (&'static Rule, String, &str, usize, usize) = match e {
        FmtError::Syntax {
            message,
            line,
            column,
        } => {
            let (rule, help) = if message.contains("recursion limit")
                || message.contains("repetition limit")
            {
                (
                        &rules::INPUT_LIMIT,
                        "the file nests too deeply or expands too many YAML aliases; write it out plainly",
                    )
            } else if message.contains(SEVERAL_DOCUMENTS) {
                (
                        &rules::YAML_SYNTAX,
                        "rolegen fmt (like every rolegen command) handles one YAML document per file; move each document after a `---` into a file of its own",
                    )
            } else {
                (
                        &rules::YAML_SYNTAX,
                        "fix the YAML syntax at this position (indentation, a missing `:` or an unclosed quote)",
                    )
            };
            (rule, message.clone(), help, *line, *column)
        }
        FmtError::Unsupported {
            line,
            column,
            reason,
        } => (
            &UNSUPPORTED,
            format!("rolegen fmt does not rewrite {reason}"),
            "the file is left as it is; write this part another way to have it formatted",
            *line,
            *column,
        ),
        FmtError::Slip(s) => (
            &rules::YAML_SYNTAX,
            s.message.clone(),
            s.help.as_str(),
            s.line,
            s.column,
        ),
        FmtError::Internal(m) => {
            let _ = writeln!(
                    err,
                    "error: {}: internal formatter error: {m}; the file is left as it is (please report this)",
                    path.display()
                );
            return;
        }
    };
    let file = SourceFile::new(path, text.to_owned());
    let diags = [Diagnostic::new(rule, message)
        .help(help)
        .at(Some(SourceRef {
            path: path.to_path_buf(),
            span: file.span_at(line, column),
        }))];
    let texts: HashMap<PathBuf, String> =
        std::iter::once((path.to_path_buf(), text.to_owned())).collect();
    render::human(&diags, &texts, err);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree::{Pre, Value};

    /// The comments of `text` with their owners, as formatted by `edit` instead of `fmt`.
    fn owners_after(text: &str, edit: impl FnOnce(&mut tree::Doc)) -> Result<(), FmtError> {
        let mut doc = parse::parse(text).unwrap();
        let before = doc.owners();
        edit(&mut doc);
        print::normalize(&mut doc);
        let out = print::print(&doc);
        same_comments(before, parse::parse(&out).unwrap().owners())
    }

    fn role(doc: &mut tree::Doc) -> &mut Vec<tree::Entry> {
        let Some(Value::Block { block, .. }) = &mut doc.root else {
            panic!()
        };
        let Value::Block { block, .. } = &mut block.entries[0].value else {
            panic!()
        };
        let Value::Block { block, .. } = &mut block.entries[0].value else {
            panic!()
        };
        &mut block.entries
    }

    #[test]
    fn the_comment_check_sees_a_comment_moved_to_another_key() {
        let text = "roles:\n  app:\n    trust:\n      - service: x\n    managed_policies:\n      # - aws: AdministratorAccess\n    name: x\n";
        // As formatted: the comment stays under `managed_policies`, whatever the order.
        assert_eq!(owners_after(text, |_| {}), Ok(()));
        assert_eq!(
            owners_after(text, |d| role(d).reverse()),
            Ok(()),
            "reordering keeps owners"
        );
        // What `fmt` used to do: the comment went with the next key (`name`), which then
        // moved to the top of the role.
        let moved = owners_after(text, |d| {
            let entries = role(d);
            let post = std::mem::take(&mut entries[1].post);
            assert_eq!(post, [Pre::Comment("# - aws: AdministratorAccess".into())]);
            entries[2].pre = post;
            entries.swap(0, 2);
        });
        assert!(
            matches!(&moved, Err(FmtError::Internal(m)) if m.contains("move to another key")),
            "{moved:?}"
        );
        // A comment before a key moved to the key before it.
        let text = "a: 1\n# about b\nb: 2\nc: 3\n";
        let moved = owners_after(text, |d| {
            let Some(Value::Block { block, .. }) = &mut d.root else {
                panic!()
            };
            let pre = std::mem::take(&mut block.entries[1].pre);
            block.entries[2].pre = pre;
        });
        assert!(matches!(moved, Err(FmtError::Internal(_))), "{moved:?}");
    }
}
