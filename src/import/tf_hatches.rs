//! rolegen's own escape hatches in a Terraform module: variables named `<role>_<hatch>` of its
//! `aws_iam_role.<role>` whose description starts "Escape hatch", null (or `[]`) by default. The import folds them
//! at their default — `coalesce(var.h, x)`, `var.h == null ? x : null` and `var.h != null &&
//! var.h != "" ? var.h : x` become `x`, an
//! attribute that is `var.h` alone goes, and the attachment resource counted by a hatch's list
//! goes — and drops the variables: the spec then deploys exactly what the module deploys with
//! the hatches unset, and `rolegen build` gives its roles the hatches again.

use super::hcl::{Block, Expr, Item, Step};
use crate::model::Hatch;

/// The text of a string literal without interpolation.
fn literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Str(parts) => {
            let mut s = String::new();
            for p in parts {
                match p {
                    super::hcl::TPart::Lit(l) => s.push_str(l),
                    _ => return None,
                }
            }
            Some(s)
        }
        _ => None,
    }
}

fn attr<'a>(b: &'a Block, name: &str) -> Option<&'a Expr> {
    b.body.items.iter().find_map(|i| match i {
        Item::Attr(a) if a.name == name => Some(&a.expr),
        _ => None,
    })
}

/// `var.<name>` when `name` is a hatch variable.
fn hatch_var<'a>(e: &Expr, names: &'a [String]) -> Option<&'a String> {
    let n = e.input_var()?;
    names.iter().find(|h| *h == n)
}

/// True if `e` mentions a hatch variable anywhere (`var.h[count.index]`, `length(var.h)`).
fn mentions(e: &Expr, names: &[String]) -> bool {
    match e {
        Expr::Var(root, steps) => {
            root == "var" && matches!(steps.first(), Some(Step::Attr(n)) if names.contains(n))
        }
        Expr::Call(_, args, _) => args.iter().any(|a| mentions(a, names)),
        Expr::Cond(a, b, c) => [a, b, c].iter().any(|x| mentions(x, names)),
        Expr::Binary(_, a, b) => mentions(a, names) || mentions(b, names),
        Expr::Unary(_, a) => mentions(a, names),
        Expr::Tuple(v) => v.iter().any(|x| mentions(x, names)),
        _ => false,
    }
}

/// The value at the hatch's default: `Some(None)` drops the attribute, `None` leaves it.
fn folded(e: &Expr, names: &[String]) -> Option<Option<Expr>> {
    if hatch_var(e, names).is_some() {
        return Some(None);
    }
    match e {
        Expr::Call(f, args, false) if f == "coalesce" => match args.as_slice() {
            [h, x] if hatch_var(h, names).is_some() => Some(Some(x.clone())),
            _ => None,
        },
        Expr::Cond(c, then, otherwise) => match (&**c, &**otherwise) {
            (Expr::Binary(op, h, null), Expr::Null)
                if op == "==" && matches!(**null, Expr::Null) && hatch_var(h, names).is_some() =>
            {
                Some(Some((**then).clone()))
            }
            // `(var.h != null && var.h != "") || named ? null : x` (a role's prefix beside
            // its name that may be nothing): `named ? null : x`.
            (Expr::Binary(or, set, named), _)
                if or == "||"
                    && matches!(&**then, Expr::Null)
                    && hatch_set(set, names).is_some() =>
            {
                Some(Some(Expr::Cond(
                    named.clone(),
                    then.clone(),
                    otherwise.clone(),
                )))
            }
            // `var.h != null && var.h != "" ? var.h : x`, over a spec value that may be null.
            (set, x) if hatch_var(then, names).is_some() => {
                (hatch_set(set, names) == hatch_var(then, names)).then(|| Some(x.clone()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `var.h != null && var.h != ""`: the hatch `h` is set; `h`.
fn hatch_set<'a>(e: &Expr, names: &'a [String]) -> Option<&'a String> {
    let Expr::Binary(and, a, b) = e else {
        return None;
    };
    let unset = |e: &Expr, null: bool| match e {
        Expr::Binary(op, l, r) if op == "!=" => {
            let empty = if null {
                matches!(**r, Expr::Null)
            } else {
                literal(r).as_deref() == Some("")
            };
            hatch_var(l, names).filter(|_| empty)
        }
        _ => None,
    };
    let h = unset(a, true)?;
    (and == "&&" && unset(b, false) == Some(h)).then_some(h)
}

/// Folds the module's escape hatches at their defaults; the variables dropped.
pub fn fold(blocks: &mut Vec<(usize, Block)>) -> Vec<String> {
    let roles: Vec<&String> = blocks
        .iter()
        .filter(|(_, b)| {
            b.kind == "resource" && b.labels.first().map(String::as_str) == Some("aws_iam_role")
        })
        .filter_map(|(_, b)| b.labels.get(1))
        .collect();
    let names: Vec<String> = blocks
        .iter()
        .filter(|(_, b)| b.kind == "variable")
        .filter_map(|(_, b)| {
            let name = b.labels.first()?;
            let desc = attr(b, "description").and_then(literal)?;
            let default = attr(b, "default")?;
            let is_default =
                matches!(default, Expr::Null) || matches!(default, Expr::Tuple(v) if v.is_empty());
            // `<role>_<hatch>` of a role of the module: the spec built from the import gives
            // it the same variable again.
            let suffix = Hatch::ALL.iter().any(|h| {
                name.strip_suffix(&format!("_{}", h.key()))
                    .is_some_and(|role| roles.iter().any(|r| *r == role))
            });
            (suffix && is_default && desc.starts_with("Escape hatch")).then(|| name.clone())
        })
        .collect();
    if names.is_empty() {
        return names;
    }
    blocks.retain(|(_, b)| {
        let hatch_var = b.kind == "variable" && b.labels.first().is_some_and(|n| names.contains(n));
        let hatch_attachment = b.kind == "resource"
            && b.labels.first().map(String::as_str) == Some("aws_iam_role_policy_attachment")
            && attr(b, "policy_arn").is_some_and(|e| mentions(e, &names));
        !hatch_var && !hatch_attachment
    });
    for (_, b) in blocks.iter_mut() {
        if b.kind != "resource" {
            continue;
        }
        b.body.items.retain_mut(|i| match i {
            Item::Attr(a) => match folded(&a.expr, &names) {
                None => true,
                Some(None) => false,
                Some(Some(x)) => {
                    a.expr = x;
                    true
                }
            },
            Item::Block(_) => true,
        });
    }
    names
}
