//! Values that may be nothing (issue 19): `!If [C, v, !Ref AWS::NoValue]` where `C` tests a
//! String parameter `X`, empty by default, for being empty. The spec's `${X}` on a role's
//! boundary, path or a tag, which both outputs leave out while `X` is empty.

use super::arn_lists::fn_args;
use super::*;

impl Cx<'_> {
    /// `!If [C, v, !Ref AWS::NoValue]` where `C` is "`X` is not empty" (or `!If [C, !Ref
    /// AWS::NoValue, v]` with `C` "`X` is empty") and `X` a String parameter empty by default:
    /// `v` and `X`.
    fn optional_branch<'n>(&self, n: &'n N) -> Option<(&'n N, String)> {
        let ("Fn::If", N::Seq(a), _) = n.as_fn()? else {
            return None;
        };
        let [c, then, otherwise] = a.as_slice() else {
            return None;
        };
        let cond = self.root.get("Conditions")?.get(&c.literal()?)?;
        let (x, value) = match (super::hatches::tested(cond), then.is_no_value()) {
            (Some((x, false)), false) if otherwise.is_no_value() => (x, then),
            (None, true) => (super::hatches::tested_empty(cond)?, otherwise),
            _ => return None,
        };
        self.empty_by_default(x).then(|| (value, x.to_owned()))
    }

    /// Whether `x` is a String parameter whose default is `""`.
    fn empty_by_default(&self, x: &str) -> bool {
        let Some(decl) = self.root.get("Parameters").and_then(|p| p.get(x)) else {
            return false;
        };
        let string = decl.get("Type").and_then(N::literal).as_deref() == Some("String");
        string && decl.get("Default").and_then(N::literal).as_deref() == Some("")
    }

    /// A tag whose value (`spec`, as the spec writes it) is exactly a String parameter empty
    /// by default: a spec leaves such a tag out while the parameter is empty, where the
    /// template sets it with an empty value (a policy testing `aws:PrincipalTag` can tell the
    /// two apart). Reported, and the tag left out.
    pub(super) fn empty_valued_tag(&mut self, key: &str, spec: &str, loc: &Loc) -> bool {
        let Some(x) = spec.strip_prefix("${").and_then(|s| s.strip_suffix('}')) else {
            return false;
        };
        if !self.empty_by_default(x) {
            return false;
        }
        self.issue(
            loc,
            format!("the tag `{key}` is the parameter `{x}`, empty by default, so it is set with an empty value; a spec leaves a tag whose value is exactly a parameter empty by default out while it is empty (`!If [Has{x}, {{Key: {key}, Value: !Ref {x}}}, !Ref AWS::NoValue]` imports as that); an empty tag cannot be expressed, the tag is left out"),
        );
        true
    }

    /// `!Ref x` of the parameter `x`, read as a reference (so the parameter is kept).
    fn ref_of(&mut self, n: &N, x: &str, loc: &Loc) -> Option<()> {
        match n.as_fn() {
            Some(("Ref", N::Str(r), _)) if r == x => self.scalar(n, loc).map(|_| ()),
            _ => None,
        }
    }

    /// A value that may be nothing (issue 19), `!If [C, !Ref X, !Ref AWS::NoValue]` (see
    /// [`Cx::optional_branch`]): the spec's `${X}`, which both outputs leave out when `X` is
    /// empty. `X`, the parameter.
    pub(super) fn optional_value(&mut self, n: &N, loc: &Loc) -> Option<String> {
        let (v, x) = self.optional_branch(n)?;
        self.ref_of(v, &x, loc)?;
        Some(x)
    }

    /// The parameter `X` of a name (or path) that may be nothing, `prop` of the resource `id`
    /// written `!If [C, !Ref X, !Ref AWS::NoValue]` (see [`Cx::optional_branch`]): the name is
    /// generated (the path `/`) while `X` is empty, so nothing can spell an ARN from `X`.
    pub(super) fn optional_name(&self, id: &str, prop: &str) -> Option<String> {
        let (_, r) = self.resources.get(id)?;
        let n = r.get("Properties")?.get(prop)?;
        let (v, x) = self.optional_branch(n)?;
        matches!(v.as_fn(), Some(("Ref", N::Str(r), _)) if *r == x).then_some(x)
    }

    /// A tag that may be nothing, `!If [C, {Key: k, Value: !Ref X}, !Ref AWS::NoValue]`:
    /// `k` and `X`.
    pub(super) fn optional_tag(&mut self, n: &N, loc: &Loc) -> Option<(String, String)> {
        let (v, x) = self.optional_branch(n)?;
        let N::Map(m) = v else { return None };
        let key = v.get("Key")?.literal()?;
        if m.len() != 2 {
            return None;
        }
        self.ref_of(v.get("Value")?, &x, loc)?;
        Some((key, x))
    }

    /// The template's `Rules`: rolegen's own `<Role>NamePrefix` (a prefix parameter refused
    /// while the role's name parameter is empty, `Fn::Or [Fn::Not [Fn::Equals [!Ref N, ""]],
    /// Fn::Equals [!Ref P, ""]]`) is the role's `name_prefix: ${P}` beside `name: ${N}`;
    /// any other rule cannot be expressed.
    pub(super) fn rules(&mut self, v: &N, loc: &Loc) {
        let N::Map(rules) = v else {
            return self.issue(loc, "Rules is a map of rules");
        };
        for (id, rule) in rules {
            match own_name_prefix(rule) {
                Some(pair) if id.ends_with("NamePrefix") => {
                    let role = id.trim_end_matches("NamePrefix").to_owned();
                    self.name_prefixes.insert(role, pair);
                }
                _ => self.issue(
                    &loc.key(id),
                    "template Rules (parameter assertions) cannot be expressed in a spec",
                ),
            }
        }
    }
}

/// `{Assertions: [{Assert: Fn::Or [Fn::Not [Fn::Equals [!Ref N, ""]], Fn::Equals [!Ref P,
/// ""]], AssertDescription: ...}]}`: `(N, P)`.
fn own_name_prefix(rule: &N) -> Option<(String, String)> {
    let N::Map(m) = rule else { return None };
    let [(k, N::Seq(asserts))] = m.as_slice() else {
        return None;
    };
    let [a] = asserts.as_slice() else { return None };
    if k != "Assertions" {
        return None;
    }
    let empty = |n: &N| -> Option<String> {
        let [r, e] = fn_args(n, "Fn::Equals")? else {
            return None;
        };
        let ("Ref", N::Str(p), _) = r.as_fn()? else {
            return None;
        };
        (e.literal().as_deref() == Some("")).then(|| p.clone())
    };
    let [not, prefix] = fn_args(a.get("Assert")?, "Fn::Or")? else {
        return None;
    };
    let [named] = fn_args(not, "Fn::Not")? else {
        return None;
    };
    Some((empty(named)?, empty(prefix)?))
}
