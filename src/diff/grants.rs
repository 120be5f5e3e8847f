//! Resolved policy documents as grants: (effect, principal, concrete action) → resource
//! patterns → the condition sets under which they are granted. Action wildcards (and
//! `NotAction`) are expanded through the IAM action catalogue.

use crate::catalog::catalog;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// Condition operator and key → values.
pub type CondSet = BTreeMap<(String, String), BTreeSet<String>>;

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// Who and what: (effect, principal (`""` in identity policies), action).
pub type Key = (Effect, String, String);

/// Everything a document (or several) grants.
#[derive(Debug, Default, Clone)]
pub struct Grants {
    /// Key → resource pattern (`""` where a document has none, as in trust policies) →
    /// alternative condition sets (an empty set: unconditional).
    pub map: BTreeMap<Key, BTreeMap<String, Vec<CondSet>>>,
}

fn all_actions() -> &'static Vec<String> {
    static ALL: OnceLock<Vec<String>> = OnceLock::new();
    ALL.get_or_init(|| {
        catalog()
            .services()
            .iter()
            .flat_map(|s| {
                s.actions()
                    .iter()
                    .map(move |a| format!("{}:{}", s.prefix(), a.name))
            })
            .collect()
    })
}

/// The concrete actions an action pattern means (the pattern itself, lower-cased, if the
/// catalogue knows none: an unknown or brand-new action still shows up in a diff).
pub fn expand(pattern: &str, cache: &mut HashMap<String, Vec<String>>) -> Vec<String> {
    if let Some(v) = cache.get(pattern) {
        return v.clone();
    }
    let found: Vec<String> = catalog()
        .expand(pattern)
        .into_iter()
        .map(|(s, a)| format!("{}:{}", s.prefix(), a.name))
        .collect();
    let v = if found.is_empty() {
        vec![pattern.to_ascii_lowercase()]
    } else {
        found
    };
    cache.insert(pattern.to_owned(), v.clone());
    v
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(other) => vec![other.to_string()],
        None => Vec::new(),
    }
}

impl Grants {
    /// Adds a resolved document (the shape of `Bindings::document`).
    pub fn add_doc(&mut self, doc: &Value, cache: &mut HashMap<String, Vec<String>>) {
        let Some(Value::Array(statements)) = doc.get("Statement") else {
            return;
        };
        for s in statements {
            self.add_statement(s, cache);
        }
    }

    fn add_statement(&mut self, s: &Value, cache: &mut HashMap<String, Vec<String>>) {
        let effect = match s.get("Effect").and_then(Value::as_str) {
            Some("Deny") => Effect::Deny,
            _ => Effect::Allow,
        };
        let actions: Vec<String> = if let Some(a) = s.get("Action") {
            let mut set = BTreeSet::new();
            for p in strings(Some(a)) {
                set.extend(expand(&p, cache));
            }
            set.into_iter().collect()
        } else if let Some(na) = s.get("NotAction") {
            let mut excluded = BTreeSet::new();
            for p in strings(Some(na)) {
                excluded.extend(expand(&p, cache));
            }
            all_actions()
                .iter()
                .filter(|a| !excluded.contains(*a))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let resources: Vec<String> = if let Some(r) = s.get("Resource") {
            strings(Some(r))
        } else if let Some(nr) = s.get("NotResource") {
            strings(Some(nr))
                .into_iter()
                .map(|r| format!("NotResource {r}"))
                .collect()
        } else {
            vec![String::new()]
        };
        let principals: Vec<String> = match s.get("Principal").or_else(|| s.get("NotPrincipal")) {
            None => vec![String::new()],
            Some(Value::String(x)) => vec![x.clone()],
            Some(Value::Object(m)) => m
                .iter()
                .flat_map(|(t, v)| {
                    strings(Some(v))
                        .into_iter()
                        .map(move |x| format!("{t} {x}"))
                })
                .collect(),
            Some(other) => vec![other.to_string()],
        };
        let principals: Vec<String> = if s.get("NotPrincipal").is_some() {
            principals
                .into_iter()
                .map(|p| format!("NotPrincipal {p}"))
                .collect()
        } else {
            principals
        };
        let mut conds = CondSet::new();
        if let Some(Value::Object(ops)) = s.get("Condition") {
            for (op, keys) in ops {
                if let Value::Object(keys) = keys {
                    for (k, vals) in keys {
                        conds
                            .entry((op.clone(), k.clone()))
                            .or_default()
                            .extend(strings(Some(vals)));
                    }
                }
            }
        }
        for p in &principals {
            for a in &actions {
                let entry = self.map.entry((effect, p.clone(), a.clone())).or_default();
                for r in &resources {
                    let alts = entry.entry(r.clone()).or_default();
                    if !alts.contains(&conds) {
                        alts.push(conds.clone());
                    }
                }
            }
        }
    }
}

/// True if every string IAM pattern `b` matches is matched by pattern `a` (`*` any run, `?`
/// one character; a policy variable in `b` stands for any text).
pub fn contains(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    #[derive(Clone, Copy, PartialEq)]
    enum T {
        Lit(char),
        One,
        Star,
    }
    fn toks(s: &str, vars_are_stars: bool) -> Vec<T> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if vars_are_stars && rest.starts_with("${") {
                if let Some(end) = rest.find('}') {
                    out.push(T::Star);
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            out.push(match c {
                '*' => T::Star,
                '?' => T::One,
                c => T::Lit(c),
            });
            rest = &rest[c.len_utf8()..];
        }
        out
    }
    let (a, b) = (toks(a, false), toks(b, true));
    // reach[i][j]: a[i..] contains b[j..].
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![false; m + 1]; n + 1];
    dp[n][m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            dp[i][j] = match a[i] {
                T::Star => dp[i + 1][j] || (j < m && dp[i][j + 1]),
                _ if j == m => false,
                T::One => b[j] != T::Star && dp[i + 1][j + 1],
                T::Lit(c) => b[j] == T::Lit(c) && dp[i + 1][j + 1],
            };
        }
    }
    dp[0][0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment() {
        assert!(contains("arn:aws:s3:::b/*", "arn:aws:s3:::b/logs/*"));
        assert!(!contains("arn:aws:s3:::b/logs/*", "arn:aws:s3:::b/*"));
        assert!(contains("*", "anything*?"));
        assert!(contains("a?c", "abc"));
        assert!(!contains("a?c", "a*c"));
        assert!(contains("home/*", "home/${aws:username}/x"));
        assert!(!contains("home/x", "home/${aws:username}"));
    }

    #[test]
    fn expands_wildcards() {
        let mut c = HashMap::new();
        let v = expand("s3:GetObjectT*", &mut c);
        assert!(v.contains(&"s3:GetObjectTagging".to_owned()), "{v:?}");
        assert_eq!(expand("nosuch:Thing", &mut c), vec!["nosuch:thing"]);
    }
}
