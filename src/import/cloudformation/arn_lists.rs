//! rolegen's own `ManagedPolicyArns` for a role attaching a list parameter (`arn: ${List}`):
//! recognised so that the stacks rolegen writes import back to the same spec.

use super::*;

/// The argument list of the intrinsic `name`, or `None` when `n` is another node.
fn fn_args<'n>(n: &'n N, name: &str) -> Option<&'n [N]> {
    match n.as_fn() {
        Some((f, N::Seq(v), _)) if f == name => Some(v),
        _ => None,
    }
}

impl Cx<'_> {
    /// rolegen's own `ManagedPolicyArns` for a role attaching a list parameter `L` (what
    /// `arn: ${L}` builds): `Fn::If [HasL, with, without]`, optionally inside `Fn::If [S, that,
    /// without]` for a switched list, where `HasL` is `Fn::Not [Fn::Equals [Fn::Join ["", !Ref
    /// L], ""]]`, `without` the fixed attachments, and `with` either `!Ref L` (no fixed ones)
    /// or those same attachments each joined with `|`, then `L` joined with `|`, split on `|`.
    /// Anything else is `None` (and goes the general way). Returns `without`, `L` and the
    /// list's switch condition name.
    pub(super) fn own_arn_list<'n>(&self, n: &'n N) -> Option<(&'n N, String, Option<String>)> {
        let (outer, inner, outer_else) = match fn_args(n, "Fn::If") {
            Some([c, a, b]) if fn_args(a, "Fn::If").is_some() => (Some(c.literal()?), a, Some(b)),
            _ => (None, n, None),
        };
        let [c, with, without] = fn_args(inner, "Fn::If")? else {
            return None;
        };
        let cname = c.literal()?;
        let list = cname.strip_prefix("Has")?.to_owned();
        if self.kinds.get(&list) != Some(&ParamKind::List) {
            return None;
        }
        let is_ref_l = |x: &N| matches!(x.as_fn(), Some(("Ref", N::Str(r), _)) if *r == list);
        // The condition: not (the list joined is empty).
        let def = self.root.get("Conditions")?.get(&cname)?;
        let [eq] = fn_args(def, "Fn::Not")? else {
            return None;
        };
        let [joined, empty] = fn_args(eq, "Fn::Equals")? else {
            return None;
        };
        let [sep, l] = fn_args(joined, "Fn::Join")? else {
            return None;
        };
        if !sep.literal()?.is_empty() || !empty.literal()?.is_empty() || !is_ref_l(l) {
            return None;
        }
        if let Some(e) = outer_else {
            if *e != *without {
                return None;
            }
        }
        if is_ref_l(with) {
            return without.is_no_value().then_some((without, list, outer));
        }
        let N::Seq(fixed) = without else {
            return None;
        };
        let [bar, text] = fn_args(with, "Fn::Split")? else {
            return None;
        };
        let [none, pieces] = fn_args(text, "Fn::Join")? else {
            return None;
        };
        let N::Seq(pieces) = pieces else {
            return None;
        };
        if bar.literal()? != "|" || !none.literal()?.is_empty() || pieces.len() != fixed.len() + 1 {
            return None;
        }
        // The last piece: L joined with `|`.
        let [sep, l] = fn_args(pieces.last()?, "Fn::Join")? else {
            return None;
        };
        if sep.literal()? != "|" || !is_ref_l(l) {
            return None;
        }
        // Each other piece: the same ARN (under the same condition) as the fixed item, and `|`.
        let piece_of = |arn: &N, p: &N| -> bool {
            match fn_args(p, "Fn::Join") {
                Some([e, N::Seq(v)]) => {
                    e.literal().as_deref() == Some("")
                        && v.len() == 2
                        && v[0] == *arn
                        && v[1].literal().as_deref() == Some("|")
                }
                _ => false,
            }
        };
        for (item, p) in fixed.iter().zip(pieces) {
            let same = match (fn_args(item, "Fn::If"), fn_args(p, "Fn::If")) {
                (Some([c1, arn, nv]), Some([c2, piece, e])) => {
                    c1 == c2
                        && nv.is_no_value()
                        && e.literal().as_deref() == Some("")
                        && piece_of(arn, piece)
                }
                (None, None) => piece_of(item, p),
                _ => false,
            };
            if !same {
                return None;
            }
        }
        Some((without, list, outer))
    }
}
