//! `resources = compact([var.a, var.b, …])` of optional single values (issue 19): Terraform
//! drops the items that are `""`; a spec list keeps them. A statement's resources are a union
//! (the statement applies to each one alone exactly as to the list), so the statement is the
//! same as one statement for the items that cannot be empty plus one per optional item
//! `${X}`, switched by `not_empty: X` — for an Allow and for a Deny alike — as long as one
//! item cannot be empty (where all are, the source's statement has no Resource, which IAM
//! refuses). Only `Resource` splits this way: `NotResource` is an intersection (one statement
//! per item would deny or allow more), and what else `compact` wraps stays as `Tf::items`
//! reads it. Statements of `aws_iam_policy_document` (not under a switch of their own) and of
//! `jsonencode` documents (`Resource = compact(…)`) are split.

use super::*;

/// What `compact(…)` of a statement's resources splits into: the spec strings that are
/// always there, and per optional item its spec string and the parameter it is.
#[derive(Debug, Clone)]
pub(super) struct Split {
    /// Items that cannot be `""`.
    pub(super) fixed: Vec<String>,
    /// `${X}` items of string parameters that may be `""`: (spec string, `X`).
    pub(super) optional: Vec<(String, String)>,
}

impl Tf {
    /// Reads `resources = compact(list)`: `None` when `e` is not `compact(…)` (read as any
    /// value list); `Some(None)` when it is and could not be read (reported); an item that may
    /// be empty other than a string parameter alone is reported as before.
    pub(super) fn compact_resources(&mut self, e: &Expr, at: &At) -> Option<Option<Split>> {
        let Expr::Call(f, args, false) = e else {
            return None;
        };
        let [inner] = args.as_slice() else {
            return None;
        };
        if f != "compact" {
            return None;
        }
        Some(self.compact_split(inner, at))
    }

    fn compact_split(&mut self, inner: &Expr, at: &At) -> Option<Split> {
        let items = self.items(inner, at)?;
        let mut split = Split {
            fixed: Vec::new(),
            optional: Vec::new(),
        };
        for t in items {
            if t.parts
                .iter()
                .all(|p| matches!(p, Part::Lit(l) if l.is_empty()))
            {
                continue;
            }
            let s = self.spec_str(&t, at)?;
            if !self.may_be_empty(&t) {
                split.fixed.push(s);
                continue;
            }
            let single = t.as_single_param().filter(|p| {
                self.vars
                    .values()
                    .any(|(n, k)| n == p.as_str() && *k == ParamKind::String)
            });
            match single {
                Some(p) => split.optional.push((s, p.as_str().to_owned())),
                None => {
                    self.issue(
                        at,
                        format!("`compact(…)` drops the empty items of `{}`, which a spec list keeps; it cannot be expressed (a validation pattern on the variable that rejects \"\" makes it exact)", t.display()),
                    );
                    return None;
                }
            }
        }
        if split.fixed.is_empty() && !split.optional.is_empty() {
            // Where every item is empty the statement has no Resource, which IAM refuses: the
            // source fails where a spec would leave the statement out.
            self.issue(
                at,
                "every item of this `compact(…)` may be empty, and where all are the statement has no Resource (IAM refuses the policy); it cannot be expressed (an item that cannot be empty, or a `count`/`dynamic` switch on the statement, can)",
            );
            return None;
        }
        Some(split)
    }

    /// Statement `y` (its `Resource` any list) as the statements `split` makes: one with the
    /// fixed items (if any), one per optional item under `when: Has<X>` (a spec condition
    /// `not_empty: X`); a `Sid` gets the parameter's name appended in each but the first
    /// (Sids are unique in a document and grant nothing).
    pub(super) fn split_statement(&mut self, y: Y, split: Split, at: &At) -> Vec<Y> {
        let mut out = Vec::new();
        if !split.fixed.is_empty() {
            let mut base = y.clone();
            base.set(
                "Resource",
                Y::Seq(split.fixed.iter().map(|s| Y::s(s.as_str())).collect()),
            );
            out.push(base);
        }
        for (s, p) in split.optional {
            let test = Y::Map(vec![("not_empty".into(), Y::s(p.as_str()))]);
            let Some(name) = self.name_test(test, None) else {
                self.issue(at, format!("`compact(…)` drops `${{{p}}}` where it is empty, and no name is left for the spec condition that tests it; the item is left out"));
                if y.get("Effect").and_then(Y::as_str) == Some("Deny") {
                    // A Deny of `""` names nothing: kept unswitched it denies what the source does.
                    let mut c = y.clone();
                    c.set("Resource", Y::Seq(vec![Y::Str(s)]));
                    out.push(c);
                }
                continue;
            };
            let mut c = y.clone();
            c.set("Resource", Y::Seq(vec![Y::Str(s)]));
            // The Sid stays with the first statement made.
            if let Some(sid) = c.get("Sid").and_then(Y::as_str).map(str::to_owned) {
                if !out.is_empty() {
                    c.set("Sid", Y::s(format!("{sid}{}", pascal(&p))));
                }
            }
            out.push(with_when(c, &Some(Sw::parse(&name))));
        }
        out
    }
}
