//! Diagnostics: what a check found, where in which file, and how to fix it.

pub mod render;

use crate::rules::{Rule, Severity};
use crate::source::SourceRef;

/// One finding of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that produced it (code, name, default severity).
    pub rule: &'static Rule,
    /// Severity after `--deny warnings` and similar adjustments.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Where it is, if it has a place in a file.
    pub source: Option<SourceRef>,
    /// Extra notes (for example the numbers behind a limit).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at its default severity.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            help: None,
            source: None,
            notes: Vec::new(),
        }
    }

    /// Adds the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets where the diagnostic points.
    pub fn at(mut self, source: Option<SourceRef>) -> Self {
        self.source = source;
        self
    }

    /// True if this diagnostic stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics with a few conveniences.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    /// True if any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    /// Number of errors and warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        (errors, self.0.len() - errors)
    }
    /// Sorts by file, position and code so output order never depends on check order.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let ka = a.source.as_ref().map(|s| (s.path.clone(), s.span.start));
            let kb = b.source.as_ref().map(|s| (s.path.clone(), s.span.start));
            ka.cmp(&kb).then_with(|| a.rule.code.cmp(b.rule.code))
        });
    }
    /// Turns every warning into an error (`--deny warnings`).
    pub(crate) fn deny_warnings(&mut self) {
        for d in &mut self.0 {
            d.severity = Severity::Error;
        }
    }
}

/// `n` with the singular or plural noun, for counts in messages: "1 module", "2 modules",
/// "0 modules".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
