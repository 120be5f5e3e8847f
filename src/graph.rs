//! Who can assume which role, and what each role reaches: a graph of the model as Mermaid
//! (rendered by GitHub in the module README) or Graphviz dot (`rolegen graph`).

use crate::model::*;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Output syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Mermaid `flowchart LR`.
    Mermaid,
    /// Graphviz `digraph`.
    Dot,
}

struct Edge {
    from: String,
    to: String,
    label: String,
}

struct Graph {
    /// (id, label, kind) in first-seen order.
    nodes: Vec<(String, String, &'static str)>,
    edges: Vec<Edge>,
}

impl Graph {
    fn node(&mut self, label: String, kind: &'static str) -> String {
        if let Some((id, _, _)) = self
            .nodes
            .iter()
            .find(|(_, l, k)| *l == label && *k == kind)
        {
            return id.clone();
        }
        let id = format!("n{}", self.nodes.len());
        self.nodes.push((id.clone(), label, kind));
        id
    }
}

fn build(m: &Module) -> Graph {
    let mut g = Graph {
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    for r in m.roles.values() {
        let when = r
            .when
            .as_ref()
            .map(|w| format!(" (when {})", w.display()))
            .unwrap_or_default();
        let role = g.node(format!("role {}{when}", r.id), "role");
        for s in &r.trust.statements {
            let mut label: Vec<String> = s
                .conditions
                .iter()
                .map(|c| format!("{} {}", c.op, c.key.display()))
                .collect();
            if let Some(w) = &s.when {
                label.push(format!("when {}", w.display()));
            }
            let principals: Vec<String> = match &s.principal {
                Some(Principal::Any) => vec!["anyone (*)".into()],
                Some(Principal::Typed(map)) => map
                    .iter()
                    .flat_map(|(t, vals)| {
                        vals.iter()
                            .map(move |v| format!("{}: {}", t.as_str(), v.display()))
                    })
                    .collect(),
                None => Vec::new(),
            };
            for p in principals {
                let from = g.node(p, "principal");
                g.edges.push(Edge {
                    from,
                    to: role.clone(),
                    label: label.join(", "),
                });
            }
        }
        let mut services: BTreeSet<String> = BTreeSet::new();
        for p in &r.inline {
            for s in p
                .doc
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
            {
                for a in &s.actions {
                    services.insert(a.split(':').next().unwrap_or(a).to_owned());
                }
            }
        }
        for svc in services {
            let to = g.node(svc, "service");
            g.edges.push(Edge {
                from: role.clone(),
                to,
                label: String::new(),
            });
        }
        for a in &r.managed {
            let label = match &a.target {
                PolicyRef::Aws(n) => format!("AWS managed {n}"),
                PolicyRef::Module(id) => format!("policy {id}"),
                PolicyRef::Arn(t) => t.display(),
                PolicyRef::Arns(p) => format!("every ARN in ${{{p}}}"),
            };
            let to = g.node(label, "policy");
            let when = a
                .when
                .as_ref()
                .map(|w| format!("when {}", w.display()))
                .unwrap_or_default();
            g.edges.push(Edge {
                from: role.clone(),
                to,
                label: when,
            });
        }
    }
    g
}

/// A label's text for a quoted Mermaid label, shown as it is: Mermaid's entity codes for what
/// Mermaid or the HTML it renders to would read as syntax: quotes, pipes, angle brackets,
/// `&` (an HTML entity), `#` (a Mermaid entity such as `#quot;`), `%` (a `%%{init: ...}%%`
/// directive or `%%` comment) and the backtick (a Markdown string). Line breaks and other
/// control characters become spaces: a label is one line of the diagram's text.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '&' => out.push_str("#38;"),
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A label's text for a quoted DOT string: backslashes and quotes escaped, and `&` as
/// `&amp;`, since Graphviz decodes HTML entities (`&amp;`, `&lt;`) in labels.
fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('&', "&amp;")
}

/// Mermaid 11's default `maxEdges`: a flowchart with more edges fails to render ("Edge limit
/// exceeded").
pub(crate) const MERMAID_MAX_EDGES: usize = 500;

/// Mermaid's default `maxTextSize`: longer diagram text (counted in UTF-16 code units, as
/// JavaScript does) is not rendered.
pub(crate) const MERMAID_MAX_TEXT: usize = 50_000;

/// What makes a Mermaid diagram too large for Mermaid's default limits; it reads as the size
/// that exceeds them (`600 edges`, `61,234 characters`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TooLargeForMermaid {
    /// At least [`MERMAID_MAX_EDGES`] edges.
    #[error("{} edges", thousands(*.0))]
    Edges(usize),
    /// At least [`MERMAID_MAX_TEXT`] characters of diagram text.
    #[error("{} characters", thousands(*.0))]
    Characters(usize),
}

/// The Mermaid diagram of a module if Mermaid renders it with its default limits, else what
/// exceeds them.
pub(crate) fn mermaid_within_limits(m: &Module) -> Result<String, TooLargeForMermaid> {
    let g = build(m);
    if g.edges.len() >= MERMAID_MAX_EDGES {
        return Err(TooLargeForMermaid::Edges(g.edges.len()));
    }
    let text = render_graph(m, &g, GraphFormat::Mermaid);
    let size = text.encode_utf16().count();
    if size >= MERMAID_MAX_TEXT {
        return Err(TooLargeForMermaid::Characters(size));
    }
    Ok(text)
}

/// `n` with thousands separators.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The graph of a module in the given syntax.
pub fn render(m: &Module, format: GraphFormat) -> String {
    render_graph(m, &build(m), format)
}

fn render_graph(m: &Module, g: &Graph, format: GraphFormat) -> String {
    let mut s = String::new();
    match format {
        GraphFormat::Mermaid => {
            s.push_str("flowchart LR\n");
            for (id, label, kind) in &g.nodes {
                let label = mermaid_text(label);
                let _ = match *kind {
                    "role" => writeln!(s, "  {id}[\"{label}\"]"),
                    "principal" => writeln!(s, "  {id}([\"{label}\"])"),
                    "policy" => writeln!(s, "  {id}[/\"{label}\"/]"),
                    _ => writeln!(s, "  {id}{{{{\"{label}\"}}}}"),
                };
            }
            for e in &g.edges {
                if e.label.is_empty() {
                    let _ = writeln!(s, "  {} --> {}", e.from, e.to);
                } else {
                    let _ = writeln!(
                        s,
                        "  {} -->|\"{}\"| {}",
                        e.from,
                        mermaid_text(&e.label),
                        e.to
                    );
                }
            }
        }
        GraphFormat::Dot => {
            let _ = writeln!(s, "digraph \"{}\" {{\n  rankdir=LR;", dot_text(&m.name));
            for (id, label, kind) in &g.nodes {
                let shape = match *kind {
                    "role" => "box",
                    "principal" => "ellipse",
                    "policy" => "note",
                    _ => "hexagon",
                };
                let _ = writeln!(s, "  {id} [label=\"{}\", shape={shape}];", dot_text(label));
            }
            for e in &g.edges {
                let _ = writeln!(
                    s,
                    "  {} -> {} [label=\"{}\"];",
                    e.from,
                    e.to,
                    dot_text(&e.label)
                );
            }
            s.push_str("}\n");
        }
    }
    s
}
