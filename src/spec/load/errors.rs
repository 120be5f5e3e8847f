//! Load errors as located diagnostics: a serde_yaml_ng error becomes a diagnostic with a
//! rule, the position of the fault (yaml-rust2's for syntax errors), a did-you-mean for an
//! unknown key, and the common slips of `slips.rs` recognised.

use crate::diagnostics::Diagnostic;
use crate::rules;
use crate::source::{SourceFile, SourceRef};
use crate::suggest::closest;

/// Turns a serde_yaml_ng error into a diagnostic with a code, position and help.
pub(super) fn yaml_error(file: &SourceFile, e: &serde_yaml_ng::Error) -> Diagnostic {
    let raw = e.to_string();
    let message = strip_location(&raw)
        .replace("expected u32", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected a boolean", "expected `true` or `false`");
    // Errors without a position (an alias bomb's repetition limit) still name the file.
    let source = Some(match e.location() {
        Some(l) => SourceRef {
            path: file.path.clone(),
            span: file.span_at(l.line(), l.column()),
        },
        None => SourceRef {
            path: file.path.clone(),
            span: file.span_at(1, 1),
        },
    });
    let syntax = syntax_error(&file.text);
    let (rule, help) = if message.contains("recursion limit")
        || message.contains("repetition limit")
    {
        (
            &rules::INPUT_LIMIT,
            "the spec nests too deeply or expands too many YAML aliases; write it out plainly"
                .to_owned(),
        )
    } else if syntax {
        let line = e
            .location()
            .and_then(|l| file.text.lines().nth(l.line().saturating_sub(1)));
        let help = if line.is_some_and(long_key) {
            "YAML reads at most 1024 characters as a key: shorten the key on this line".to_owned()
        } else {
            "fix the YAML syntax at this position (indentation, a missing `:` or an unclosed quote)"
                .to_owned()
        };
        (&rules::YAML_SYNTAX, help)
    } else if let Some(field) = unknown_field(&message) {
        let expected = expected_fields(&message);
        let help = match closest(&field, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None if expected.is_empty() => "remove the key".to_owned(),
            None => format!("expected one of: {}", expected.join(", ")),
        };
        (&rules::UNKNOWN_FIELD, help)
    } else if message.contains("missing field") {
        (
            &rules::WRONG_TYPE,
            "add the required key (see `rolegen schema` for the spec format)".to_owned(),
        )
    } else {
        (
            &rules::WRONG_TYPE,
            "see `rolegen schema` for what each key accepts".to_owned(),
        )
    };
    let source = if syntax {
        syntax_location(file).or(source)
    } else {
        source
    };
    if let Some(slip) = source
        .as_ref()
        .and_then(|s| slip_at(file, &message, s.span.line, s.span.column))
    {
        return slip;
    }
    let in_flow = source
        .as_ref()
        .and_then(|s| file.text.get(s.span.start..s.span.end))
        .is_some_and(|l| l.contains("${"));
    let help = if in_flow && message.contains("invalid type: map") {
        "inside `[...]` or `{...}`, a `${...}` placeholder reads as a YAML mapping: quote the value or use a block list".to_owned()
    } else {
        help
    };
    Diagnostic::new(rule, message).help(help).at(source)
}

/// A common slip at the error's position (see [`crate::spec::slips`]), as a YAML syntax error:
/// a key indented under a scalar, or an unquoted `${...}` in a flow list or mapping.
fn slip_at(file: &SourceFile, message: &str, line: usize, column: usize) -> Option<Diagnostic> {
    let slip = crate::spec::slips::at_error(&file.text, message, line, column)?;
    let mut span = file.span_at(slip.line, slip.column);
    span.end = (span.start + slip.len).min(file.text.len());
    Some(
        Diagnostic::new(&rules::YAML_SYNTAX, slip.message)
            .help(slip.help)
            .at(Some(SourceRef {
                path: file.path.clone(),
                span,
            })),
    )
}

/// Whether `line` is `key: value` (or `key:`) with a key over YAML's 1024-character limit
/// for implicit keys, which parsers then do not read as a key at all.
fn long_key(line: &str) -> bool {
    let body = line.trim_start().trim_start_matches("- ");
    let colon = body
        .find(": ")
        .or_else(|| body.strip_suffix(':').map(str::len));
    colon.is_some_and(|i| body[..i].chars().count() > 1024)
}

fn syntax_error(text: &str) -> bool {
    let mut sink = yaml_rust2::parser::Parser::new_from_str(text);
    let mut recv = Ignore;
    sink.load(&mut recv, true).is_err()
}

fn syntax_location(file: &SourceFile) -> Option<SourceRef> {
    let mut parser = yaml_rust2::parser::Parser::new_from_str(&file.text);
    let mut recv = Ignore;
    match parser.load(&mut recv, true) {
        Err(e) => {
            let m = e.marker();
            Some(SourceRef {
                path: file.path.clone(),
                span: file.span_at(m.line(), m.col() + 1),
            })
        }
        Ok(()) => None,
    }
}

struct Ignore;
impl yaml_rust2::parser::MarkedEventReceiver for Ignore {
    fn on_event(&mut self, _: yaml_rust2::parser::Event, _: yaml_rust2::scanner::Marker) {}
}

/// Removes every " at line N column M" serde_yaml_ng puts in a message (the diagnostic carries
/// the position itself). The import of a CloudFormation template uses it too.
pub(crate) fn strip_location(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + " at line ".len()..];
        let skip = tail
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == ' ' || "column".contains(*c)))
            .map_or(tail.len(), |(n, _)| n);
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out.trim_end().to_owned()
}

fn unknown_field(msg: &str) -> Option<String> {
    let rest = &msg[msg.find("unknown field `")? + "unknown field `".len()..];
    Some(rest[..rest.find('`')?].to_owned())
}

fn expected_fields(msg: &str) -> Vec<String> {
    let Some(i) = msg.find("expected ") else {
        return Vec::new();
    };
    msg[i..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}
