//! Text and Markdown renderings of a [`Report`].

use super::{Change, Report};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Actions listed in full up to this many; beyond, grouped by service.
const LIST_MAX: usize = 12;

/// Markdown: the whole output stays under this many bytes (GitHub refuses comments over
/// 65,536 characters; a character is at least one byte, and the rest is left for what a
/// workflow adds around it).
pub(crate) const MD_BUDGET: usize = 60_000;
/// Markdown: at most this many actions in a `<details>` list, services in a grouped action
/// list, values in a resource list, rows in the summary table.
const MD_DETAILS_MAX: usize = 200;
const MD_SERVICES_MAX: usize = 12;
const MD_VALUES_MAX: usize = 20;
const MD_ROWS_MAX: usize = 100;
/// Room kept for the closing "not shown" line.
const MD_FOOTER: usize = 300;

/// How values from the specs are written.
struct Style {
    /// Markdown: every value in a code span.
    markdown: bool,
}

impl Style {
    const HUMAN: Style = Style { markdown: false };
    const MARKDOWN: Style = Style { markdown: true };

    fn val(&self, v: &str) -> String {
        if self.markdown {
            code(v)
        } else {
            visible(v)
        }
    }

    /// Values joined, at most `MD_VALUES_MAX` in Markdown.
    fn list(&self, v: &[String]) -> String {
        if v.is_empty() {
            return "(none)".into();
        }
        let max = if self.markdown {
            MD_VALUES_MAX
        } else {
            usize::MAX
        };
        let mut out: Vec<String> = v.iter().take(max).map(|x| self.val(x)).collect();
        if v.len() > max {
            out.push(format!("… +{} more", v.len() - max));
        }
        out.join(", ")
    }
}

/// A value on one line: CR, LF and other control characters as visible escapes (a value with a
/// newline must not start a line of its own: a forged diff line, or a workflow command in a CI
/// log).
fn visible(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for ch in v.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span of `v` (on one line, see [`visible`]): fenced by one backtick more than
/// its longest run of backticks, padded with a space when it starts or ends with a backtick or
/// a space (CommonMark strips one space each side). Nothing inside is Markdown: no emphasis from
/// `*`/`_` in ARNs, no HTML, no @mention or #123 reference; nothing needs escaping (`&lt;` would
/// show as typed).
pub fn code(v: &str) -> String {
    let v = visible(v);
    if v.is_empty() {
        return "(empty)".into();
    }
    let (mut longest, mut run) = (0, 0);
    for ch in v.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if v.starts_with(['`', ' ']) || v.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{v}{pad}{fence}")
}

/// A code span inside a table cell: GFM splits cells at `|` even inside code spans unless it is
/// escaped (the table parser removes the backslash).
fn code_cell(v: &str) -> String {
    code(v).replace('|', "\\|")
}

fn actions_text(actions: &[String], st: &Style) -> String {
    if actions.len() <= LIST_MAX {
        return actions
            .iter()
            .map(|a| st.val(a))
            .collect::<Vec<_>>()
            .join(", ");
    }
    let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in actions {
        let (s, n) = a.split_once(':').unwrap_or(("", a));
        by.entry(s).or_default().push(n);
    }
    let max = if st.markdown {
        MD_SERVICES_MAX
    } else {
        usize::MAX
    };
    let mut out: Vec<String> = by
        .iter()
        .take(max)
        .map(|(s, names)| {
            let shown: Vec<String> = names.iter().take(4).map(|n| st.val(n)).collect();
            let more = names.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(", … +{more}")
            } else {
                String::new()
            };
            format!(
                "{}: {} ({}{tail})",
                st.val(s),
                names.len(),
                shown.join(", ")
            )
        })
        .collect();
    if by.len() > max {
        out.push(format!("… +{} more services", by.len() - max));
    }
    out.join("; ")
}

/// One line describing a change (without the widening marker).
pub(crate) fn sentence(c: &Change) -> String {
    sentence_in(c, &Style::HUMAN)
}

fn sentence_in(c: &Change, st: &Style) -> String {
    let n = c.actions.len();
    let acts = actions_text(&c.actions, st);
    let on = if c.resources.is_empty() {
        String::new()
    } else {
        format!(" on {}", st.list(&c.resources))
    };
    let who = c
        .principal
        .as_ref()
        .map(|p| format!(" for {}", st.val(p)))
        .unwrap_or_default();
    let detail = c.detail.as_deref().map(|d| st.val(d)).unwrap_or_default();
    let principal = st.val(c.principal.as_deref().unwrap_or("?"));
    let (resources, was) = (st.list(&c.resources), st.list(&c.was));
    match c.kind.as_str() {
        "role_added" => "role added".into(),
        "role_removed" => "role removed".into(),
        "policy_added" => "managed policy added".into(),
        "policy_removed" => "managed policy removed".into(),
        "kms_key_added" => "KMS key added".into(),
        "kms_key_removed" => "KMS key removed".into(),
        "actions_gained" => format!("gains {n} action(s){who}{on}: {acts}"),
        "actions_lost" => format!("loses {n} action(s){who}{on}: {acts}"),
        "trust_added" => format!("trusts {principal} ({acts})"),
        "trust_removed" => format!("no longer trusts {principal} ({acts})"),
        "resource_widened" => {
            format!("resource widened{who}: {was} → {resources} ({n} action(s): {acts})")
        }
        "resource_narrowed" => {
            format!("resource narrowed{who}: {resources} → {was} ({n} action(s): {acts})")
        }
        "condition_relaxed"
        | "condition_tightened"
        | "deny_condition_relaxed"
        | "deny_condition_tightened" => {
            let against = if c.was.is_empty() {
                String::new()
            } else {
                format!(" (compared with {was})")
            };
            format!(
                "{}{who}{on}{against}: {detail} ({n} action(s): {acts})",
                c.kind.replace('_', " ")
            )
        }
        "deny_added" => format!("denies {n} more action(s){who}{on}: {acts}"),
        "deny_removed" => format!("no longer denies {n} action(s){who}{on}: {acts}"),
        "deny_resource_widened" => format!("deny widened{who}: {was} → {resources} ({acts})"),
        "deny_resource_narrowed" => format!("deny narrowed{who}: {resources} → {was} ({acts})"),
        "attachment_added" => format!("attaches {detail}"),
        "attachment_removed" => format!("detaches {detail}"),
        "setting_changed" | "max_session_duration_changed" => detail,
        "permissions_boundary_removed" => format!("permissions boundary removed (was {detail})"),
        "permissions_boundary_added" => format!("permissions boundary added: {detail}"),
        "permissions_boundary_changed" => format!("permissions boundary changed: {detail}"),
        other => format!("{other}{who}{on} {detail}"),
    }
}

fn marker(c: &Change) -> &'static str {
    if c.widens {
        "+"
    } else if c.kind.ends_with("_lost")
        || c.kind.ends_with("_removed")
        || c.kind.ends_with("narrowed")
        || c.kind.ends_with("tightened")
        || c.kind == "deny_added"
        || c.kind == "permissions_boundary_added"
    {
        "-"
    } else {
        "~"
    }
}

fn counts(r: &Report) -> (usize, usize) {
    let all = r.entities.iter().flat_map(|e| e.changes.iter());
    let w = all.clone().filter(|c| c.widens).count();
    (w, all.count() - w)
}

/// Text for a terminal.
pub fn human(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "rolegen diff {} → {}", visible(&r.old), visible(&r.new));
    if r.entities.is_empty() {
        let _ = writeln!(s, "no changes in what the specs grant");
        return s;
    }
    for e in &r.entities {
        let _ = writeln!(
            s,
            "\n{} `{}`: {}",
            e.kind.replace('_', " "),
            visible(&e.name),
            e.status
        );
        for c in &e.changes {
            let tag = if c.widens { " [widens]" } else { "" };
            let _ = writeln!(s, "  {}{tag} {}", marker(c), sentence(c));
        }
    }
    let (w, other) = counts(r);
    let _ = writeln!(
        s,
        "\n{w} change(s) widen permissions, {other} other change(s)"
    );
    s
}

/// Appends `piece` if the output stays within the budget (room kept for the footer).
fn fits(s: &mut String, piece: &str) -> bool {
    if s.len() + piece.len() + MD_FOOTER > MD_BUDGET {
        return false;
    }
    s.push_str(piece);
    true
}

/// Markdown, for a pull request comment: values in code spans, at most [`MD_BUDGET`] bytes
/// (what does not fit is counted in a closing line).
pub fn markdown(r: &Report) -> String {
    let st = Style::MARKDOWN;
    let mut s = String::new();
    let (w, other) = counts(r);
    let _ = writeln!(s, "### rolegen diff\n");
    let _ = writeln!(s, "{} → {}\n", code(&r.old), code(&r.new));
    if r.entities.is_empty() {
        let _ = writeln!(s, "No changes in what the specs grant.");
        return s;
    }
    if r.widens {
        let _ = writeln!(s, "> [!WARNING]\n> {w} change(s) widen permissions.\n");
    } else {
        let _ = writeln!(
            s,
            "No change widens permissions ({other} other change(s)).\n"
        );
    }
    let _ = writeln!(s, "| | entity | status | widening | other |");
    let _ = writeln!(s, "|---|---|---|---|---|");
    for (i, e) in r.entities.iter().enumerate() {
        let wn = e.changes.iter().filter(|c| c.widens).count();
        let row = format!(
            "| {} | {} {} | {} | {} | {} |\n",
            if wn > 0 { "⚠️" } else { "" },
            e.kind.replace('_', " "),
            code_cell(&e.name),
            e.status,
            wn,
            e.changes.len() - wn
        );
        // Half the budget at most for the table: the changes matter more.
        if i >= MD_ROWS_MAX || s.len() + row.len() > MD_BUDGET / 2 || !fits(&mut s, &row) {
            let rest = &r.entities[i..];
            let wr = rest
                .iter()
                .filter(|e| e.changes.iter().any(|c| c.widens))
                .count();
            let _ = writeln!(
                s,
                "| | … {} more entities ({wr} with widening changes) | | | |",
                rest.len()
            );
            break;
        }
    }
    let mut hidden = 0;
    for (i, e) in r.entities.iter().enumerate() {
        let header = format!(
            "\n#### {} {} ({})\n\n",
            e.kind.replace('_', " "),
            code(&e.name),
            e.status
        );
        if hidden > 0 || !fits(&mut s, &header) {
            hidden += r.entities[i..]
                .iter()
                .map(|e| e.changes.len())
                .sum::<usize>();
            break;
        }
        for (j, c) in e.changes.iter().enumerate() {
            let line = sentence_in(c, &st);
            let tag = if c.widens { "**widens** " } else { "" };
            let piece = if c.actions.len() > LIST_MAX {
                let mut all: Vec<String> = c
                    .actions
                    .iter()
                    .take(MD_DETAILS_MAX)
                    .map(|a| code(a))
                    .collect();
                if c.actions.len() > MD_DETAILS_MAX {
                    all.push(format!("… +{} more", c.actions.len() - MD_DETAILS_MAX));
                }
                format!(
                    "- {tag}{line}\n  <details><summary>{} actions</summary>\n\n  {}\n  </details>\n",
                    c.actions.len(),
                    all.join(" ")
                )
            } else {
                format!("- {tag}{line}\n")
            };
            if !fits(&mut s, &piece) {
                hidden += e.changes.len() - j;
                break;
            }
        }
    }
    if hidden > 0 {
        let _ = writeln!(
            s,
            "\n… {hidden} more change(s) not shown (comment size limit); run `rolegen diff` \
             locally or see the job log for all of them."
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_sentence() {
        for kind in super::super::KINDS {
            let mut c = Change::new(kind, false);
            c.detail = Some("d".into());
            let line = sentence(&c);
            assert!(!line.starts_with(kind), "{kind}: {line}");
        }
    }

    #[test]
    fn code_spans() {
        assert_eq!(code("a*b_c"), "`a*b_c`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a\nb"), "`a\\nb`");
        assert_eq!(code("<b>"), "`<b>`");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
    }
}
