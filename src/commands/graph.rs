//! `rolegen graph`: who can assume each role and what it reaches, as Mermaid or dot.

use super::report;
use crate::build::{compile, CompileOptions};
use crate::cli::{write_stdout, Format, GraphSyntax, INPUT_ERROR, OK};
use codespan_reporting::term::termcolor::WriteColor;
use std::path::Path;

/// Runs `rolegen graph`; returns the exit code.
pub fn run(spec: &Path, format: GraphSyntax, err: &mut dyn WriteColor) -> u8 {
    let outcome = compile(&[spec.to_path_buf()], CompileOptions::VALIDATE);
    if outcome.diagnostics.has_errors() {
        report(&outcome, Format::Human, err);
        return INPUT_ERROR;
    }
    let Some(c) = outcome.modules.first() else {
        return INPUT_ERROR;
    };
    let f = match format {
        GraphSyntax::Mermaid => crate::graph::GraphFormat::Mermaid,
        GraphSyntax::Dot => crate::graph::GraphFormat::Dot,
    };
    if let (GraphSyntax::Mermaid, Err(over)) =
        (format, crate::graph::mermaid_within_limits(&c.module))
    {
        // Printed all the same (a renderer configured with higher limits can show it).
        let _ = writeln!(
            err,
            "warning: the diagram has {over}, more than Mermaid renders with its default limits (maxEdges {}, maxTextSize {}); raise them where it is rendered, or use --format dot",
            crate::graph::MERMAID_MAX_EDGES,
            crate::graph::MERMAID_MAX_TEXT
        );
    }
    write_stdout(crate::graph::render(&c.module, f).as_bytes(), err).map_or_else(|c| c, |()| OK)
}
