//! Resolved policy documents as grants: (effect, principal, concrete action) → resource
//! patterns → the condition sets under which they are granted. Action wildcards (and
//! `NotAction`) are expanded through the IAM action catalogue; `NotResource` is kept as the
//! excluded patterns ([`Res::Not`]), whose containment runs the other way.

use crate::catalog::catalog;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// Condition operator and key → values.
pub(crate) type CondSet = BTreeMap<(String, String), BTreeSet<String>>;

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

/// What a statement applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Res {
    /// `Resource`: one pattern (`""` where a document has none, as in trust policies).
    Is(String),
    /// `NotResource`: every resource except those the patterns match (sorted, deduplicated).
    Not(Vec<String>),
}

impl Res {
    /// True if every resource `other` applies to, `self` applies to too.
    pub fn contains(&self, other: &Res) -> bool {
        match (self, other) {
            (Res::Is(a), Res::Is(b)) => contains(a, b),
            // Everything but A ⊇ everything but B when what A excludes, B excludes too.
            (Res::Not(a), Res::Not(b)) => a.iter().all(|x| b.iter().any(|y| contains(y, x))),
            // Everything but A ⊇ pattern b when b matches nothing A excludes.
            (Res::Not(a), Res::Is(b)) => !a.iter().any(|x| overlaps(x, b)),
            // A pattern contains "everything but B" only if it matches everything.
            (Res::Is(a), Res::Not(_)) => contains(a, "*"),
        }
    }
}

impl std::fmt::Display for Res {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Res::Is(r) => f.write_str(r),
            Res::Not(rs) => write!(f, "NotResource {}", rs.join(", ")),
        }
    }
}

/// Everything a document (or several) grants.
#[derive(Debug, Default, Clone)]
pub struct Grants {
    /// Key → what it applies to → alternative condition sets (an empty set: unconditional).
    pub map: BTreeMap<Key, BTreeMap<Res, Vec<CondSet>>>,
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
    pub(crate) fn add_doc(&mut self, doc: &Value, cache: &mut HashMap<String, Vec<String>>) {
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
        let resources: Vec<Res> = if let Some(r) = s.get("Resource") {
            strings(Some(r)).into_iter().map(Res::Is).collect()
        } else if let Some(nr) = s.get("NotResource") {
            // One grant: all but the union of the patterns (not one grant per pattern).
            let set: BTreeSet<String> = strings(Some(nr)).into_iter().collect();
            vec![Res::Not(set.into_iter().collect())]
        } else {
            vec![Res::Is(String::new())]
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
        // NotPrincipal: everyone but the union of the principals, so one key for the whole
        // list (any change of the list then shows as one key lost and one gained, never as a
        // principal "removed" from an exclusion that widens).
        let principals: Vec<String> = if s.get("NotPrincipal").is_some() {
            let set: BTreeSet<String> = principals.into_iter().collect();
            vec![format!(
                "NotPrincipal {}",
                set.into_iter().collect::<Vec<_>>().join(", ")
            )]
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

/// True if some string matches both IAM patterns (policy variables stand for any text).
pub(crate) fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (toks(a, true), toks(b, true));
    let (n, m) = (a.len(), b.len());
    // dp[i][j]: a[i..] and b[j..] match a common string.
    let mut dp = vec![vec![false; m + 1]; n + 1];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            dp[i][j] = if i == n && j == m {
                true
            } else {
                let skip_a = i < n && a[i] == T::Star && dp[i + 1][j];
                let skip_b = j < m && b[j] == T::Star && dp[i][j + 1];
                let step = i < n
                    && j < m
                    && match (a[i], b[j]) {
                        (T::Star, T::Star) => false, // covered by the skips
                        (T::Star, _) => dp[i][j + 1],
                        (_, T::Star) => dp[i + 1][j],
                        (T::Lit(x), T::Lit(y)) => x == y && dp[i + 1][j + 1],
                        _ => dp[i + 1][j + 1],
                    };
                skip_a || skip_b || step
            };
        }
    }
    dp[0][0]
}

/// True if every string IAM pattern `b` matches is matched by pattern `a` (`*` any run, `?`
/// one character; a policy variable in `b` stands for any text).
pub fn contains(a: &str, b: &str) -> bool {
    if a == b {
        return true;
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
    fn overlap() {
        assert!(overlaps("a/*", "*/b"));
        assert!(overlaps("a?c", "abc"));
        assert!(!overlaps("a/*", "b/*"));
        assert!(!overlaps("abc", "abd"));
        assert!(overlaps("x*y", "x?y"));
        assert!(!overlaps("x?y", "xy"));
        assert!(overlaps("home/${aws:username}", "home/bob"));
    }

    #[test]
    fn not_resource_containment() {
        let not = |v: &[&str]| Res::Not(v.iter().map(|s| s.to_string()).collect());
        let is = |s: &str| Res::Is(s.to_owned());
        // Excluding less is wider.
        assert!(not(&["s/keys/*"]).contains(&not(&["s/*"])));
        assert!(!not(&["s/*"]).contains(&not(&["s/keys/*"])));
        assert!(not(&["s/*"]).contains(&is("t/x")));
        assert!(!not(&["s/*"]).contains(&is("s/x")));
        assert!(!not(&["s/*"]).contains(&is("*")));
        assert!(is("*").contains(&not(&["s/*"])));
        assert!(!is("t/*").contains(&not(&["s/*"])));
    }

    #[test]
    fn expands_wildcards() {
        let mut c = HashMap::new();
        let v = expand("s3:GetObjectT*", &mut c);
        assert!(v.contains(&"s3:GetObjectTagging".to_owned()), "{v:?}");
        assert_eq!(expand("nosuch:Thing", &mut c), vec!["nosuch:thing"]);
    }
}
