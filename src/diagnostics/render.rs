//! Diagnostic output: rustc-like text (codespan-reporting), JSON, and SARIF 2.1.0.

use super::Diagnostic;
use crate::rules::{self, Severity};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Renders diagnostics like rustc: code, message, the source line with a caret, help.
/// `texts` gives the text of each file a diagnostic may point into.
///
/// The text is rendered in memory and written at once (codespan-reporting writes every
/// fragment separately, a system call each on an unbuffered stderr), except on a console
/// whose colours are set by calls rather than escape codes.
pub fn human(diags: &[Diagnostic], texts: &HashMap<PathBuf, String>, out: &mut dyn WriteColor) {
    if out.supports_color() && out.is_synchronous() {
        render_human(diags, texts, out);
        return;
    }
    let ansi = out.supports_color();
    let render = |part: &[Diagnostic]| -> Vec<u8> {
        let buf = Vec::with_capacity(256 * part.len());
        if ansi {
            let mut w = Ansi::new(buf);
            render_human(part, texts, &mut w);
            w.into_inner()
        } else {
            let mut w = NoColor::new(buf);
            render_human(part, texts, &mut w);
            w.into_inner()
        }
    };
    // Each diagnostic renders on its own, so halves render in parallel and concatenate.
    let bytes = if diags.len() >= PARALLEL_RENDER_MIN {
        let (first, second) = diags.split_at(diags.len() / 2);
        std::thread::scope(|s| {
            let later = s.spawn(|| render(second));
            let mut bytes = render(first);
            bytes.extend(
                later
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
            bytes
        })
    } else {
        render(diags)
    };
    // Writing to a terminal or buffer only fails if the stream is gone; nothing to do then.
    let _ = out.write_all(&bytes);
    let _ = out.flush();
}

/// Diagnostics below this number render on one thread.
const PARALLEL_RENDER_MIN: usize = 512;

fn render_human(diags: &[Diagnostic], texts: &HashMap<PathBuf, String>, out: &mut dyn WriteColor) {
    // The texts are borrowed: codespan-reporting indexes their lines once per file.
    let mut files: SimpleFiles<String, &str> = SimpleFiles::new();
    let mut ids: HashMap<&Path, usize> = HashMap::new();
    let config = term::Config::default();
    for d in diags {
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut c = cs::Diagnostic::new(severity)
            .with_code(d.rule.code)
            .with_message(&d.message);
        let mut text_notes = Vec::new();
        if let Some(src) = &d.source {
            match texts.get(&src.path) {
                Some(text) => {
                    let id = *ids.entry(src.path.as_path()).or_insert_with(|| {
                        files.add(src.path.display().to_string(), text.as_str())
                    });
                    let end = src
                        .span
                        .end
                        .min(text.len())
                        .max(src.span.start.min(text.len()));
                    let start = src.span.start.min(end);
                    c = c.with_labels(vec![cs::Label::primary(id, start..end)]);
                }
                None => text_notes.push(format!(
                    "at {}:{}:{}",
                    src.path.display(),
                    src.span.line,
                    src.span.column
                )),
            }
        }
        text_notes.extend(d.notes.iter().cloned());
        if let Some(h) = &d.help {
            text_notes.push(format!("help: {h}"));
        }
        c = c.with_notes(text_notes);
        // Writing to a terminal or buffer only fails if the stream is gone; nothing to do then.
        let _ = term::emit(out, &config, &files, &c);
    }
}

/// One JSON object per diagnostic, in a list.
pub fn json(diags: &[Diagnostic]) -> String {
    let list: Vec<Value> = diags
        .iter()
        .map(|d| {
            json!({
                "code": d.rule.code,
                "rule": d.rule.name,
                "severity": d.severity.as_str(),
                "message": d.message,
                "help": d.help,
                "notes": d.notes,
                "file": d.source.as_ref().map(|s| s.path.display().to_string()),
                "line": d.source.as_ref().map(|s| s.span.line),
                "column": d.source.as_ref().map(|s| s.span.column),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// A SARIF 2.1.0 log with one run, every rule in the driver, one result per diagnostic.
pub fn sarif(diags: &[Diagnostic]) -> String {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.what},
                "fullDescription": {"text": format!("{} {}", r.what, r.why)},
                "help": {"text": rules::explain(r)},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(" Help: ");
                text.push_str(h);
            }
            let mut r = json!({
                "ruleId": d.rule.code,
                "ruleIndex": rules::ALL.iter().position(|x| x.code == d.rule.code).unwrap_or(0),
                "level": level(d.severity),
                "message": {"text": text},
            });
            if let Some(src) = &d.source {
                r["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&src.path)},
                        "region": {"startLine": src.span.line.max(1), "startColumn": src.span.column.max(1)},
                    }
                }]);
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolegen",
                "informationUri": "https://example.invalid/rolegen",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn uri(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}
