//! The README's permissions: per role its trust and a table of its permissions (per
//! managed policy and KMS key too), or a summary of trust and permissions for a large module.

use super::deviations::deviation_list;
use super::markdown::{cell, cell_code, code, prose, push_cell, push_cell_code};
use super::{count, thousands, SUMMARY_ROWS};
use crate::model::*;
use std::fmt::Write;

/// What a module too large for a section per role grants, summed up over its roles.
pub(super) fn summary(s: &mut String, m: &Module) {
    let _ = writeln!(
        s,
        "## Permissions\n\nThe module has {}: too many for a section each. This is what they grant, summed up; `rolegen resolve <spec>` prints every policy in full as IAM JSON, and `rolegen graph <spec>` who can assume what.\n",
        count(m.roles.len(), "role")
    );
    // Who is trusted and what is attached, by how many roles. Each distinct model value is
    // spelt once (not once per role); roles are counted per spelling, as the table shows it.
    let mut principals = Tally::default();
    let mut attached = Tally::default();
    // (effect, all but, service) -> (actions, roles)
    type Grants<'m> =
        indexmap::IndexMap<(Effect, bool, &'m str), (std::collections::BTreeSet<&'m str>, usize)>;
    let mut grants: Grants = indexmap::IndexMap::new();
    let mut seen = Vec::new();
    for r in m.roles.values() {
        for st in &r.trust.statements {
            let not = st.not_principal;
            match &st.principal {
                Some(Principal::Any) => principals.see((not, None), |_| {
                    format!("{}`*`", if not { "all but " } else { "" })
                }),
                Some(Principal::Typed(map)) => {
                    for (t, values) in map {
                        for v in values {
                            principals.see((not, Some((*t, v))), |_| {
                                format!(
                                    "{}{}: {}",
                                    if not { "all but " } else { "" },
                                    t.as_str(),
                                    cell_code(&v.display())
                                )
                            });
                        }
                    }
                }
                None => {}
            }
        }
        principals.end_role();
        for a in &r.managed {
            attached.see(&a.target, |t| match t {
                PolicyRef::Aws(n) => format!("AWS managed {}", cell_code(n)),
                PolicyRef::Module(id) => format!("this module's policy {}", cell_code(id.as_str())),
                PolicyRef::Arn(t) => cell_code(&t.display()),
                PolicyRef::Arns(p) => format!("every ARN in {}", cell_code(&format!("${{{p}}}"))),
            });
        }
        attached.end_role();
        seen.clear();
        for st in r.inline.iter().flat_map(|p| &p.doc.statements) {
            for a in &st.actions {
                let service = a.split(':').next().unwrap_or(a);
                let key = (st.effect, st.not_action, service);
                let e = grants.entry(key).or_default();
                e.0.insert(a.as_str());
                if !seen.contains(&key) {
                    seen.push(key);
                    e.1 += 1;
                }
            }
        }
    }
    let (principals, attached) = (principals.rows(), attached.rows());
    let by_count =
        |v: &mut Vec<(String, usize)>| v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let table = |s: &mut String, header: &str, mut rows: Vec<(String, usize)>| {
        by_count(&mut rows);
        let columns = header.matches(" | ").count() + 1;
        let _ = writeln!(s, "| {header} | Roles |\n|{}---:|", "---|".repeat(columns));
        for (what, n) in rows.iter().take(SUMMARY_ROWS) {
            let _ = writeln!(s, "| {what} | {} |", thousands(*n));
        }
        if rows.len() > SUMMARY_ROWS {
            let _ = writeln!(
                s,
                "| … and {} more | |",
                thousands(rows.len() - SUMMARY_ROWS)
            );
        }
        s.push('\n');
    };
    if !principals.is_empty() {
        s.push_str("### Trusted principals\n\n");
        table(s, "Principal", principals);
    }
    if !attached.is_empty() {
        s.push_str("### Managed policies\n\n");
        table(s, "Policy", attached);
    }
    if !grants.is_empty() {
        s.push_str("### Inline policies by service\n\n");
        let rows = grants
            .into_iter()
            .map(|((effect, all_but, service), (actions, n))| {
                let effect = if all_but {
                    format!("{} (all but)", effect.as_str())
                } else {
                    effect.as_str().to_owned()
                };
                let mut cellv = String::new();
                push_code_list(&mut cellv, actions.iter().take(SUMMARY_ROWS));
                if actions.len() > SUMMARY_ROWS {
                    let _ = write!(
                        cellv,
                        "<br>… and {} more",
                        thousands(actions.len() - SUMMARY_ROWS)
                    );
                }
                (format!("{effect} | {} | {cellv}", cell(service)), n)
            })
            .collect();
        table(s, "Effect | Service | Actions", rows);
    }
}

/// Roles counted per spelling of a value: each distinct value is spelt once, and a role
/// counts once for a spelling however many of its values spell it.
struct Tally<K> {
    /// Value -> index of its spelling.
    spelt: crate::hash::FastMap<K, usize>,
    /// Spelling -> roles.
    rows: crate::hash::FastIndexMap<String, usize>,
    /// The spellings the current role has counted.
    role: Vec<usize>,
}

impl<K> Default for Tally<K> {
    fn default() -> Self {
        Tally {
            spelt: Default::default(),
            rows: Default::default(),
            role: Vec::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq> Tally<K> {
    /// Counts `key` for the current role, spelling it with `spell` the first time it is met.
    fn see(&mut self, key: K, spell: impl FnOnce(&K) -> String) {
        let i = match self.spelt.get(&key) {
            Some(&i) => i,
            None => {
                let entry = self.rows.entry(spell(&key));
                let i = entry.index();
                entry.or_insert(0);
                self.spelt.insert(key, i);
                i
            }
        };
        if !self.role.contains(&i) {
            self.role.push(i);
            self.rows[i] += 1;
        }
    }

    /// Ends the current role.
    fn end_role(&mut self) {
        self.role.clear();
    }

    /// The spellings and their role counts, in the order first met.
    fn rows(self) -> Vec<(String, usize)> {
        self.rows.into_iter().collect()
    }
}

pub(super) fn role(s: &mut String, r: &Role) {
    let _ = writeln!(s, "## Role {}\n", code(r.id.as_str()));
    if let Some(d) = &r.description {
        let _ = writeln!(s, "{}\n", prose(&d.display()));
    }
    deviation_list(s, &r.deviations);
    s.push_str("### Trust\n\n");
    permissions(s, &r.trust);
    deviation_list(s, &r.trust.deviations);
    if !r.managed.is_empty() {
        s.push_str("### Managed policies\n\n");
        for a in &r.managed {
            let what = match &a.target {
                PolicyRef::Aws(n) => format!("AWS managed {}", code(n)),
                PolicyRef::Module(id) => format!("this module's policy {}", code(id.as_str())),
                PolicyRef::Arn(t) => code(&t.display()),
                PolicyRef::Arns(p) => format!("every ARN in {}", code(&format!("${{{p}}}"))),
            };
            let when = a
                .when
                .as_ref()
                .map(|w| format!(" (when {})", code(&w.display())))
                .unwrap_or_default();
            let _ = writeln!(s, "- {what}{when}");
        }
        s.push('\n');
    }
    for p in &r.inline {
        let when = p
            .when
            .as_ref()
            .map(|w| format!(" (when {})", code(&w.display())))
            .unwrap_or_default();
        let _ = writeln!(s, "### Inline policy {}{when}\n", code(&p.name));
        permissions(s, &p.doc);
        deviation_list(s, &p.doc.deviations);
    }
}

/// Appends items as `` `a`<br>`b` ``.
fn push_code_list<T: AsRef<str>>(s: &mut String, items: impl IntoIterator<Item = T>) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            s.push_str("<br>");
        }
        push_cell_code(s, item.as_ref());
    }
}

/// A table: one row per statement with service, actions, resources or principals, conditions.
pub(super) fn permissions(s: &mut String, doc: &PolicyDocument) {
    let principal_col = doc.kind != DocKind::Identity;
    let resource_col = doc.kind != DocKind::Trust;
    let mut header = String::from("| Effect | Service | Actions |");
    if principal_col {
        header.push_str(" Principals |");
    }
    if resource_col {
        header.push_str(" Resources |");
    }
    header.push_str(" Conditions |");
    let cols = header.matches('|').count() - 1;
    let _ = writeln!(s, "{header}\n|{}", "---|".repeat(cols));
    for st in &doc.statements {
        // | effect (sid) when `x` | services | actions |
        s.push_str("| ");
        push_cell(s, st.effect.as_str());
        if let Some(sid) = &st.sid {
            s.push_str(" (");
            push_cell(s, sid);
            s.push(')');
        }
        if let Some(w) = &st.when {
            s.push_str(" when ");
            s.push_str(&cell_code(&w.display()));
        }
        s.push_str(" | ");
        let mut last: Option<&str> = None;
        for a in &st.actions {
            let service = a.split(':').next().unwrap_or(a);
            if last == Some(service) {
                continue;
            }
            if last.is_some() {
                s.push_str(", ");
            }
            push_cell(s, service);
            last = Some(service);
        }
        s.push_str(" | ");
        if st.not_action {
            s.push_str("all but ");
        }
        push_code_list(s, &st.actions);
        s.push_str(" |");
        if principal_col {
            s.push(' ');
            if st.not_principal {
                s.push_str("all but ");
            }
            match &st.principal {
                None => {}
                Some(Principal::Any) => s.push_str("`*`"),
                Some(Principal::Typed(m)) => {
                    for (i, (t, v)) in m.iter().enumerate() {
                        if i > 0 {
                            s.push_str("<br>");
                        }
                        s.push_str(t.as_str());
                        s.push_str(": ");
                        push_code_list(s, v.iter().map(Template::display));
                    }
                }
            }
            s.push_str(" |");
        }
        if resource_col {
            s.push(' ');
            if st.not_resource {
                s.push_str("all but ");
            }
            if let Some(r) = &st.resources {
                push_code_list(s, r.iter().map(Template::display));
            }
            s.push_str(" |");
        }
        s.push(' ');
        for (i, c) in st.conditions.iter().enumerate() {
            if i > 0 {
                s.push_str("<br>");
            }
            push_cell_code(s, &c.op.to_string());
            s.push(' ');
            push_cell_code(s, &c.key.display());
            s.push_str(" = ");
            push_code_list(s, c.values.iter().map(Template::display));
        }
        s.push_str(" |\n");
    }
    s.push('\n');
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn a_role_counts_once_per_spelling_even_for_distinct_values() {
        let mut t = Tally::default();
        // Role 1: two distinct values spelt alike, and a third.
        t.see(1, |_| "a".to_owned());
        t.see(2, |_| "a".to_owned());
        t.see(3, |_| "b".to_owned());
        t.end_role();
        // Role 2: the second value again, and the first twice.
        t.see(2, |_| unreachable!("spelt once"));
        t.see(1, |_| unreachable!("spelt once"));
        t.see(1, |_| unreachable!("spelt once"));
        t.end_role();
        assert_eq!(t.rows(), vec![("a".to_owned(), 2), ("b".to_owned(), 1)]);
    }
}
