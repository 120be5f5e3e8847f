//! The README's deviations: where the module departs from the documents it follows, listed
//! where each applies (module, role, policy, statement).

use super::markdown::{code, one_line, prose};
use super::{thousands, SUMMARY_ROWS};
use crate::model::*;
use std::fmt::Write;

/// The spec's deliberate departures from its vendor document: the module's own in full, then
/// those of single roles, policies and statements — in a detailed README one line each with a
/// link to the section that explains them, in a summary README in full (up to
/// [`SUMMARY_ROWS`]), as it has no such sections.
pub(super) fn deviations(s: &mut String, m: &Module, detailed: bool) {
    let located = located_deviations(m, detailed);
    if m.deviations.is_empty() && located.is_empty() {
        return;
    }
    s.push_str("## Deviations from the vendor document\n\nThe module departs from the document it implements on purpose");
    if !m.deviations.is_empty() {
        s.push_str(":\n\n");
        for d in &m.deviations {
            deviation_item(s, "", d);
        }
        if located.is_empty() {
            s.push('\n');
            return;
        }
        s.push_str("\nAnd in single roles, policies and statements");
    }
    if detailed {
        s.push_str(" (each explained where it applies):\n\n");
        for (at, d) in &located {
            let _ = writeln!(s, "- {at}: {}", prose(&one_line(&d.what)));
        }
    } else {
        s.push_str(":\n\n");
        for (at, d) in located.iter().take(SUMMARY_ROWS) {
            deviation_item(s, &format!("{at}: "), d);
        }
        if located.len() > SUMMARY_ROWS {
            let _ = writeln!(
                s,
                "- and {} more, written in the spec beside what they concern",
                thousands(located.len() - SUMMARY_ROWS)
            );
        }
    }
    s.push('\n');
}

/// Every deviation below the module level, in spec order, with where it applies (Markdown;
/// `link`: the role, policy or key links to its section).
fn located_deviations<'a>(m: &'a Module, link: bool) -> Vec<(String, &'a Deviation)> {
    let mut out = Vec::new();
    // The owner's label, its anchor and the part are spelt only for what has deviations (most
    // roles of a large module have none).
    let mut add = |owner: &dyn Fn() -> (String, String),
                   part: &dyn Fn() -> Option<String>,
                   devs: &'a [Deviation]| {
        if devs.is_empty() {
            return;
        }
        let (owner, anchor) = owner();
        let part = part();
        for d in devs {
            let mut at = if link {
                format!("[{owner}](#{anchor})")
            } else {
                owner.clone()
            };
            if let Some(part) = &part {
                let _ = write!(at, ", {part}");
            }
            if let Some(st) = &d.statement {
                let _ = write!(at, ", {}", statement_label(st, false));
            }
            out.push((at, d));
        }
    };
    // GitHub's heading anchors: lower case, spaces to `-`, backticks dropped (keys are
    // letters, digits, `-` and `_`, which stay).
    let label = |kind: &str, anchor: &str, id: &str| {
        (
            format!("{kind} {}", code(id)),
            format!("{anchor}-{}", id.to_lowercase()),
        )
    };
    for r in m.roles.values() {
        let owner = || label("Role", "role", r.id.as_str());
        add(&owner, &|| None, &r.deviations);
        add(&owner, &|| Some("trust".into()), &r.trust.deviations);
        for p in &r.inline {
            let part = || Some(format!("inline policy {}", code(&p.name)));
            add(&owner, &part, &p.doc.deviations);
        }
    }
    for p in m.policies.values() {
        add(
            &|| label("Policy", "policy", p.id.as_str()),
            &|| None,
            &p.doc.deviations,
        );
    }
    for k in m.kms_keys.values() {
        add(
            &|| label("KMS key", "kms-key", k.id.as_str()),
            &|| None,
            &k.policy.deviations,
        );
    }
    out
}

/// `statement `Sid`` or `statement 3` (`Statement` when it opens a sentence).
fn statement_label(st: &StatementRef, capital: bool) -> String {
    let word = if capital { "Statement" } else { "statement" };
    match st {
        StatementRef::Sid(sid) => format!("{word} {}", code(sid)),
        StatementRef::Number(n) => format!("{word} {n}"),
    }
}

/// One deviation as a list item with its reason and source; `lead` opens its first line.
fn deviation_item(s: &mut String, lead: &str, d: &Deviation) {
    let _ = writeln!(
        s,
        "- {lead}{}\n  - Why: {}\n  - Source: {}",
        prose(&one_line(&d.what)),
        prose(&one_line(&d.why)),
        prose(&one_line(&d.source))
    );
}

/// The deviations of a role, policy or key, under its heading or the table they concern
/// (each naming its statement, if it concerns one).
pub(super) fn deviation_list(s: &mut String, devs: &[Deviation]) {
    if devs.is_empty() {
        return;
    }
    s.push_str("Deviations from the vendor document:\n\n");
    for d in devs {
        let lead = d
            .statement
            .as_ref()
            .map(|st| format!("{}: ", statement_label(st, true)))
            .unwrap_or_default();
        deviation_item(s, &lead, d);
    }
    s.push('\n');
}
