//! Text and Markdown renderings of a [`Report`].

use super::{Change, Report};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Actions listed in full up to this many; beyond, grouped by service.
const LIST_MAX: usize = 12;

fn actions_text(actions: &[String]) -> String {
    if actions.len() <= LIST_MAX {
        return actions.join(", ");
    }
    let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in actions {
        let (s, n) = a.split_once(':').unwrap_or(("", a));
        by.entry(s).or_default().push(n);
    }
    by.iter()
        .map(|(s, names)| {
            let shown: Vec<&str> = names.iter().take(4).copied().collect();
            let more = names.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(", … +{more}")
            } else {
                String::new()
            };
            format!("{s}: {} ({}{tail})", names.len(), shown.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

/// One line describing a change (without the widening marker).
pub fn sentence(c: &Change) -> String {
    let n = c.actions.len();
    let acts = actions_text(&c.actions);
    let on = if c.resources.is_empty() {
        String::new()
    } else {
        format!(" on {}", list(&c.resources))
    };
    let who = c
        .principal
        .as_ref()
        .map(|p| format!(" for {p}"))
        .unwrap_or_default();
    let detail = c.detail.clone().unwrap_or_default();
    match c.kind.as_str() {
        "role_added" => "role added".into(),
        "role_removed" => "role removed".into(),
        "policy_added" => "managed policy added".into(),
        "policy_removed" => "managed policy removed".into(),
        "kms_key_added" => "KMS key added".into(),
        "kms_key_removed" => "KMS key removed".into(),
        "actions_gained" => format!("gains {n} action(s){who}{on}: {acts}"),
        "actions_lost" => format!("loses {n} action(s){who}{on}: {acts}"),
        "trust_added" => format!("trusts {} ({acts})", c.principal.as_deref().unwrap_or("?")),
        "trust_removed" => format!(
            "no longer trusts {} ({acts})",
            c.principal.as_deref().unwrap_or("?")
        ),
        "resource_widened" => format!(
            "resource widened{who}: {} → {} ({n} action(s): {acts})",
            list(&c.was),
            list(&c.resources)
        ),
        "resource_narrowed" => format!(
            "resource narrowed{who}: {} → {} ({n} action(s): {acts})",
            list(&c.resources),
            list(&c.was)
        ),
        "condition_relaxed"
        | "condition_tightened"
        | "deny_condition_relaxed"
        | "deny_condition_tightened" => {
            let against = if c.was.is_empty() {
                String::new()
            } else {
                format!(" (compared with {})", list(&c.was))
            };
            format!(
                "{}{who}{on}{against}: {detail} ({n} action(s): {acts})",
                c.kind.replace('_', " ")
            )
        }
        "deny_added" => format!("denies {n} more action(s){who}{on}: {acts}"),
        "deny_removed" => format!("no longer denies {n} action(s){who}{on}: {acts}"),
        "deny_resource_widened" => format!(
            "deny widened{who}: {} → {} ({acts})",
            list(&c.was),
            list(&c.resources)
        ),
        "deny_resource_narrowed" => format!(
            "deny narrowed{who}: {} → {} ({acts})",
            list(&c.resources),
            list(&c.was)
        ),
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
    let _ = writeln!(s, "rolegen diff {} → {}", r.old, r.new);
    if r.entities.is_empty() {
        let _ = writeln!(s, "no changes in what the specs grant");
        return s;
    }
    for e in &r.entities {
        let _ = writeln!(
            s,
            "\n{} `{}`: {}",
            e.kind.replace('_', " "),
            e.name,
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

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Markdown, for a pull request comment.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let (w, other) = counts(r);
    let _ = writeln!(s, "### rolegen diff\n");
    let _ = writeln!(s, "`{}` → `{}`\n", md_escape(&r.old), md_escape(&r.new));
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
    for e in &r.entities {
        let wn = e.changes.iter().filter(|c| c.widens).count();
        let _ = writeln!(
            s,
            "| {} | {} `{}` | {} | {} | {} |",
            if wn > 0 { "⚠️" } else { "" },
            e.kind.replace('_', " "),
            md_escape(&e.name),
            e.status,
            wn,
            e.changes.len() - wn
        );
    }
    for e in &r.entities {
        let _ = writeln!(
            s,
            "\n#### {} `{}` ({})\n",
            e.kind.replace('_', " "),
            md_escape(&e.name),
            e.status
        );
        for c in &e.changes {
            let line = md_escape(&sentence(c));
            let tag = if c.widens { "**widens** " } else { "" };
            if c.actions.len() > LIST_MAX {
                let _ =
                    writeln!(
                    s,
                    "- {tag}{line}\n  <details><summary>{} actions</summary>\n\n  {}\n  </details>",
                    c.actions.len(),
                    c.actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(" ")
                );
            } else {
                let _ = writeln!(s, "- {tag}{line}");
            }
        }
    }
    s
}
