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
            if self.compact_identity(&t, at) {
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
                    let msg = self.compact_refused(&t);
                    self.issue(at, msg);
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

impl Tf {
    /// Why `compact(…)` over `t` is refused, and what makes it importable.
    pub(super) fn compact_refused(&self, t: &Template) -> String {
        let pattern = t
            .as_single_param()
            .and_then(|p| self.patterns.get(p.as_str()));
        let why = match pattern {
            Some(p) => format!("its pattern `{p}` accepts `\"\"`, and a spec parameter has one pattern: make the pattern need a character (`+` for `*`, no `(…)?` around it)"),
            None => "a validation on the variable that rejects `\"\"` makes it exact: `can(regex(\"^…$\", var.x))` with a pattern that needs a character, or for a list `alltrue([for s in var.x : s != \"\"])`".to_owned(),
        };
        format!("`compact(…)` drops the empty items of `{}`, which a spec list keeps; it cannot be expressed ({why})", t.display())
    }

    /// `compact(…)` over a whole list variable `t` without a pattern of its own: read as the
    /// identity, the list's items then needing a character (the pattern
    /// [`variables::ITEM_NOT_EMPTY`], added in [`Tf::compacted_lists`]). Never wider: where
    /// no item is `""` both are the same list, and where one is the spec's deploy fails
    /// (validation) where the source's leaves the item out. `false` for anything else.
    pub(super) fn compact_identity(&mut self, t: &Template, at: &At) -> bool {
        let Some(p) = t.as_single_param().map(|p| p.as_str().to_owned()) else {
            return false;
        };
        let list = self
            .vars
            .values()
            .any(|(n, k)| *n == p && *k == ParamKind::List);
        if !list || self.patterns.contains_key(&p) {
            return false;
        }
        self.patterns
            .insert(p.clone(), variables::ITEM_NOT_EMPTY.to_owned());
        self.compacted.insert(p, at.clone());
        true
    }

    /// Gives each list parameter `compact` was read as the identity over its pattern, with a
    /// note (narrower: an empty item now fails the deploy); a default holding `""` is refused.
    pub(super) fn compacted_lists(&mut self, params: &mut [(String, Y)]) {
        for (name, at) in std::mem::take(&mut self.compacted) {
            let Some((_, Y::Map(e))) = params.iter_mut().find(|(n, _)| *n == name) else {
                continue;
            };
            let empty_item = e.iter().any(|(k, v)| {
                k == "default"
                    && matches!(v, Y::Seq(items) if items.iter().any(|i| i.as_str() == Some("")))
            });
            if empty_item {
                let msg = format!("`compact(…)` over `${{{name}}}` drops the `\"\"` its default holds, which a spec list keeps; it cannot be expressed (drop the `\"\"` from the default)");
                self.issue(&at, msg);
                continue;
            }
            e.push(("pattern".into(), Y::s(variables::ITEM_NOT_EMPTY)));
            self.note(&at, format!("`compact(…)` over `${{{name}}}` is read as the list itself, whose items get the pattern `{}`: narrower, a deploy with an empty item (or one holding a comma) fails where the source leaves the item out", variables::ITEM_NOT_EMPTY));
        }
    }
}
