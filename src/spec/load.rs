//! Reading a spec file: size limit, YAML parse, serde into [`Spec`], and load errors turned
//! into located diagnostics.

use super::source::SourceFile;
use super::Spec;
use crate::diagnostics::{Diagnostic, SourceRef};
use crate::rules;
use crate::suggest::closest;
use std::path::Path;
use std::sync::Arc;

/// Largest spec file rolegen reads (bytes).
pub const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// A parsed spec with the file it came from.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The file (for positions).
    pub file: Arc<SourceFile>,
    /// The parsed spec.
    pub spec: Spec,
}

/// Reads and parses one spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Vec<Diagnostic>> {
    let meta = std::fs::metadata(path).map_err(|e| vec![io_error(path, &e)])?;
    if meta.len() > MAX_SPEC_BYTES {
        return Err(vec![Diagnostic::new(
            &rules::INPUT_LIMIT,
            format!(
                "{} is {} bytes; specs are limited to {} bytes",
                path.display(),
                meta.len(),
                MAX_SPEC_BYTES
            ),
        )
        .help("split the spec into several modules")]);
    }
    let bytes = std::fs::read(path).map_err(|e| vec![io_error(path, &e)])?;
    let text = String::from_utf8(bytes).map_err(|e| {
        vec![Diagnostic::new(
            &rules::YAML_SYNTAX,
            format!(
                "{} is not UTF-8 (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
        .help("save the spec as UTF-8")]
    })?;
    load_str(path, text)
}

/// Parses spec text that came from `path`.
pub fn load_str(path: &Path, text: String) -> Result<LoadedSpec, Vec<Diagnostic>> {
    match serde_yaml_ng::from_str::<Spec>(&text) {
        Ok(spec) => Ok(LoadedSpec {
            file: Arc::new(SourceFile::new(path, text)),
            spec,
        }),
        Err(e) => {
            let file = SourceFile::new(path, text);
            Err(vec![yaml_error(&file, &e)])
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        &rules::YAML_SYNTAX,
        format!("cannot read {}: {e}", path.display()),
    )
    .help("check the path and its permissions")
}

/// Turns a serde_yaml_ng error into a diagnostic with a code, position and help.
fn yaml_error(file: &SourceFile, e: &serde_yaml_ng::Error) -> Diagnostic {
    let raw = e.to_string();
    let message = strip_location(&raw)
        .replace("expected u32", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected a boolean", "expected `true` or `false`");
    let source = e.location().map(|l| SourceRef {
        path: file.path.clone(),
        span: file.span_at(l.line(), l.column()),
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
        (
            &rules::YAML_SYNTAX,
            "fix the YAML syntax at this position (indentation, a missing `:` or an unclosed quote)".to_owned(),
        )
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

fn strip_location(s: &str) -> String {
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s.to_owned(),
    }
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
