//! rolegen's own `ManagedPolicyArns` for a role attaching a list parameter (`arn: ${List}`):
//! recognised so that the stacks rolegen writes import back to the same spec.

use super::*;

/// The argument list of the intrinsic `name`, or `None` when `n` is another node.
pub(super) fn fn_args<'n>(n: &'n N, name: &str) -> Option<&'n [N]> {
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
        if super::hatches::tested(def) != Some((list.as_str(), true)) {
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

impl Cx<'_> {
    /// `Fn::If [HasX, list, !Ref AWS::NoValue]` where `list` is X as a list (`!Ref X` of a
    /// CommaDelimitedList, `Fn::Split [",", !Ref X]` of a String) and `HasX` is exactly "X is
    /// not empty" (`Fn::Not [Fn::Equals [!Ref X, ""]]`, the list joined for a list): `list`.
    /// Attaching X's items is the same, as an empty X attaches none either way.
    pub(super) fn guarded_list<'n>(&self, n: &'n N) -> Option<&'n N> {
        let [c, list, none] = fn_args(n, "Fn::If")? else {
            return None;
        };
        if !none.is_no_value() {
            return None;
        }
        let (x, is_list) = match self.split_string_param(list) {
            Some(x) => (x, false),
            None => (self.is_list_param(list)?, true),
        };
        let def = self.root.get("Conditions")?.get(&c.literal()?)?;
        (super::hatches::tested(def) == Some((x.as_str(), is_list))).then_some(list)
    }

    /// `Fn::Split [",", !Ref X]` with `X` a String parameter: `X`.
    pub(super) fn split_string_param(&self, n: &N) -> Option<String> {
        let [sep, x] = fn_args(n, "Fn::Split")? else {
            return None;
        };
        match x.as_fn() {
            Some(("Ref", N::Str(p), _))
                if sep.literal().as_deref() == Some(",")
                    && self.kinds.get(p) == Some(&ParamKind::String) =>
            {
                Some(p.clone())
            }
            _ => None,
        }
    }

    /// A String parameter attached as policy ARNs by `Fn::Split [",", !Ref X]` becomes a list
    /// parameter (CloudFormation takes the same comma-separated text for a CommaDelimitedList;
    /// its default split the same way, empty meaning none) when the attachment is its only use
    /// and it has no constraint a list would read differently (pattern, lengths, allowed
    /// values). Otherwise the roles attaching it are refused: the policies it attaches may
    /// deny.
    pub(super) fn split_lists_to_lists(
        &mut self,
        params: &mut [(String, Y)],
        roles: &mut Vec<(String, Y)>,
        others: [&Vec<(String, Y)>; 2],
    ) {
        let mut seen: Vec<String> = Vec::new();
        for (p, loc) in std::mem::take(&mut self.split_lists) {
            if seen.contains(&p) {
                continue;
            }
            seen.push(p.clone());
            let whole = format!("${{{p}}}");
            let elsewhere = roles
                .iter()
                .chain(others.into_iter().flatten())
                .any(|(_, y)| super::super::builder::mentions(y, &whole));
            let entry = params.iter_mut().find(|(n, _)| *n == p);
            let plain = entry.as_ref().is_some_and(|(_, y)| match y {
                Y::Map(e) => e
                    .iter()
                    .all(|(k, _)| matches!(k.as_str(), "type" | "default" | "description")),
                _ => false,
            });
            if let (Some((_, Y::Map(e))), false, true) = (entry, elsewhere, plain) {
                for (k, v) in e.iter_mut() {
                    match k.as_str() {
                        "type" => *v = Y::s("list"),
                        "default" => {
                            let text = v.as_str().unwrap_or_default().to_owned();
                            *v = Y::Seq(if text.is_empty() {
                                Vec::new()
                            } else {
                                text.split(',').map(|s| Y::s(s.to_owned())).collect()
                            });
                        }
                        _ => {}
                    }
                }
                self.note(
                    &loc,
                    format!("`{p}` (a String split on commas) is a list parameter of policy ARNs in the spec: the stack's CommaDelimitedList takes the same comma-separated text"),
                );
                continue;
            }
            self.issue(
                &loc,
                format!("`{p}` is split on commas here and used as one value elsewhere (or constrained as one text): it cannot be both a list of policy ARNs and a string"),
            );
            let attaches = |y: &Y| {
                y.get("managed_policies").is_some_and(|m| match m {
                    Y::Seq(v) => v
                        .iter()
                        .any(|a| a.get("arn").and_then(Y::as_str) == Some(whole.as_str())),
                    _ => false,
                })
            };
            roles.retain(|(key, y)| {
                if !attaches(y) {
                    return true;
                }
                self.report(
                    &loc,
                    format!("the role `{key}` is not imported: a ManagedPolicyArns entry cannot be expressed (the policy it attaches may deny); importing it without that would grant more"),
                );
                false
            });
        }
    }
}
