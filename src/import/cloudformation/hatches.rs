//! rolegen's own escape hatches in a template: parameters `<Role><Hatch>` of its roles with
//! an empty default, each tested only by a condition `Has<Parameter>` (`!Not [!Equals [<it>,
//! ""]]`, the list joined for a `CommaDelimitedList`). The import folds them at their default — every
//! `Fn::If [Has<Parameter>, a, b]` becomes `b`, an `AWS::NoValue` drops its property or list
//! element — and drops the parameters and conditions: the spec then deploys exactly what the
//! template deploys with the hatches unset, and `rolegen build` gives its roles the hatches
//! again (they are on by default). A foreign template's optional extra managed policies
//! (`!If [HasX, !Split [",", !Ref X], !Ref AWS::NoValue]`, `X` empty by default and used
//! nowhere else) mean the same as the role's extra-policies hatch and are folded likewise. (An
//! optional permissions boundary or path, `!If [HasX, !Ref X, !Ref AWS::NoValue]`, is the
//! spec's optional value `${X}` instead, on any number of roles: see
//! `Cx::optional_value`.)

use super::node::N;
use crate::model::Hatch;

/// `Fn::Not [Fn::Equals [<Ref p or Fn::Join ["", Ref p]>, ""]]`: the parameter it tests, and
/// whether it is joined first (the form for a `CommaDelimitedList`).
pub(super) fn tested(cond: &N) -> Option<(&str, bool)> {
    let (not, arg, _) = cond.as_fn()?;
    let N::Seq(a) = arg else { return None };
    let [eq] = a.as_slice() else { return None };
    let (equals, arg, _) = eq.as_fn()?;
    let N::Seq(pair) = arg else { return None };
    let [value, empty] = pair.as_slice() else {
        return None;
    };
    if not != "Fn::Not" || equals != "Fn::Equals" || empty.literal().as_deref() != Some("") {
        return None;
    }
    fn reference(n: &N) -> Option<&str> {
        match n.as_fn() {
            Some(("Ref", N::Str(p), _)) => Some(p.as_str()),
            _ => None,
        }
    }
    match value.as_fn() {
        Some(("Ref", _, _)) => Some((reference(value)?, false)),
        Some(("Fn::Join", N::Seq(j), _)) => match j.as_slice() {
            [sep, list] if sep.literal().as_deref() == Some("") => Some((reference(list)?, true)),
            _ => None,
        },
        _ => None,
    }
}

/// `Fn::Equals [Ref p, ""]`: the parameter it tests (empty).
pub(super) fn tested_empty(cond: &N) -> Option<&str> {
    let (equals, arg, _) = cond.as_fn()?;
    let N::Seq(pair) = arg else { return None };
    let [value, empty] = pair.as_slice() else {
        return None;
    };
    if equals != "Fn::Equals" || empty.literal().as_deref() != Some("") {
        return None;
    }
    match value.as_fn() {
        Some(("Ref", N::Str(p), _)) => Some(p.as_str()),
        _ => None,
    }
}

/// The names rolegen gives the hatch parameters of the template's roles: `<Role><Hatch>`.
/// Only these are folded: the spec built from the import gives its roles the same parameters
/// again, so a deployment's values keep their meaning (a foreign template's own empty-default
/// parameter, a boundary say, is not folded away: importing without it could grant more).
fn hatch_names(root: &N) -> Vec<String> {
    let Some(N::Map(resources)) = root.get("Resources") else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(N::literal).as_deref() == Some("AWS::IAM::Role"))
        .flat_map(|(id, _)| {
            Hatch::ALL
                .iter()
                .map(move |h| format!("{id}{}", crate::model::names::pascal(h.key())))
        })
        .collect()
}

/// The hatch conditions of the template: (condition, parameter).
fn find(root: &N) -> Vec<(String, String)> {
    let (Some(N::Map(params)), Some(N::Map(conds))) =
        (root.get("Parameters"), root.get("Conditions"))
    else {
        return Vec::new();
    };
    let names = hatch_names(root);
    conds
        .iter()
        .filter_map(|(c, v)| {
            let (p, _) = tested(v)?;
            let def = params.iter().find(|(k, _)| k == p)?.1.get("Default")?;
            (c == &format!("Has{p}")
                && def.literal().as_deref() == Some("")
                && names.iter().any(|n| n == p))
            .then(|| (c.clone(), p.to_owned()))
        })
        .collect()
}

/// Calls `f` with every key and string under `n` (for the words in them).
pub(super) fn each_text(n: &N, f: &mut impl FnMut(&str)) {
    match n {
        N::Str(t) | N::Num(t) | N::Sub(t, _) => f(t),
        N::Null | N::Bool(_) => {}
        N::Seq(items) => items.iter().for_each(|i| each_text(i, f)),
        N::Map(m) => m.iter().for_each(|(k, v)| {
            f(k);
            each_text(v, f);
        }),
        N::Fn(_, arg, _) => each_text(arg, f),
    }
}

/// How often each word (a run of ASCII letters, digits and `_`) occurs in the keys and strings
/// under `n`.
fn count_words(n: &N, out: &mut std::collections::HashMap<String, usize>) {
    each_text(n, &mut |t| {
        for w in t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if !w.is_empty() {
                *out.entry(w.to_owned()).or_default() += 1;
            }
        }
    });
}

/// A foreign template's optional extra managed policies, an idiom of issue 19: on one role
/// `ManagedPolicyArns: !If [C, !Split [",", !Ref X], !Ref AWS::NoValue]` (`X` a
/// String) or `!If [C, !Ref X, !Ref AWS::NoValue]` (`X` a CommaDelimitedList), where `C` is
/// `X` not empty, `X` is empty by default, and neither is used anywhere else. Each is exactly
/// the role's own escape hatch (`<Role>AdditionalPolicyArns`: empty, nothing; set, those
/// policies too), which `rolegen build` gives the role: (condition, parameter, role logical
/// id, hatch) of each.
fn foreign_hatches(root: &N) -> Vec<(String, String, String, Hatch)> {
    let (Some(N::Map(params)), Some(N::Map(conds)), Some(N::Map(resources))) = (
        root.get("Parameters"),
        root.get("Conditions"),
        root.get("Resources"),
    ) else {
        return Vec::new();
    };
    // Uses outside the parameters' own declarations and the conditions' names.
    let mut uses = std::collections::HashMap::new();
    if let N::Map(top) = root {
        for (k, v) in top {
            match k.as_str() {
                "Parameters" | "Metadata" => {}
                "Conditions" => conds.iter().for_each(|(_, c)| count_words(c, &mut uses)),
                _ => count_words(v, &mut uses),
            }
        }
    }
    let mut out = Vec::new();
    let props = [("ManagedPolicyArns", Hatch::AdditionalPolicyArns)];
    for (id, r) in resources {
        if r.get("Type").and_then(N::literal).as_deref() != Some("AWS::IAM::Role") {
            continue;
        }
        for (prop, hatch) in props {
            let Some(("Fn::If", N::Seq(a), _)) = r
                .get("Properties")
                .and_then(|p| p.get(prop))
                .and_then(N::as_fn)
            else {
                continue;
            };
            let [c, value, otherwise] = a.as_slice() else {
                continue;
            };
            // The parameter and the type it must have for this property.
            let x = match (hatch, value.as_fn()) {
                (_, Some(("Ref", N::Str(x), _))) => Some((x, "CommaDelimitedList")),
                (Hatch::AdditionalPolicyArns, Some(("Fn::Split", N::Seq(args), _))) => {
                    match args.as_slice() {
                        [sep, list] if sep.literal().as_deref() == Some(",") => {
                            match list.as_fn() {
                                Some(("Ref", N::Str(x), _)) => Some((x, "String")),
                                _ => None,
                            }
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            let (Some(c), Some((x, ty))) = (c.literal(), x) else {
                continue;
            };
            let decl = params.iter().find(|(k, _)| k == x).map(|(_, d)| d);
            let typed_empty = decl.is_some_and(|d| {
                d.get("Type").and_then(N::literal).as_deref() == Some(ty)
                    && d.get("Default").and_then(N::literal).as_deref() == Some("")
            });
            let tests_x = conds
                .iter()
                .find(|(k, _)| *k == c)
                .is_some_and(|(_, v)| tested(v).map(|(p, _)| p) == Some(x.as_str()));
            // `X` twice (the property, the condition), `C` once (the `Fn::If`).
            let x_twice = uses.get(x.as_str()).copied() == Some(2);
            let c_once = uses.get(c.as_str()).copied() == Some(1);
            if otherwise.is_no_value() && typed_empty && tests_x && x_twice && c_once {
                out.push((c, x.clone(), id.clone(), hatch));
            }
        }
    }
    out
}

/// `Some(replacement)` if `n` is an `Fn::If` on a hatch condition (`None` inside: NoValue).
fn fold_if(n: &N, conds: &[(String, String)]) -> Option<Option<N>> {
    let ("Fn::If", N::Seq(a), _) = n.as_fn()? else {
        return None;
    };
    let [c, _, otherwise] = a.as_slice() else {
        return None;
    };
    let c = c.literal()?;
    conds.iter().any(|(name, _)| *name == c).then(|| {
        if otherwise.is_no_value() {
            None
        } else {
            Some(otherwise.clone())
        }
    })
}

/// Folds every hatch `Fn::If` under `n`; `false` if `n` itself folds to `AWS::NoValue`.
fn fold(n: &mut N, conds: &[(String, String)]) -> bool {
    while let Some(r) = fold_if(n, conds) {
        match r {
            Some(v) => *n = v,
            None => return false,
        }
    }
    match n {
        N::Map(m) => m.retain_mut(|(_, v)| fold(v, conds)),
        N::Seq(v) => v.retain_mut(|x| fold(x, conds)),
        N::Fn(_, arg, _) => {
            let kept = fold(arg, conds);
            if !kept {
                **arg = N::Null;
            }
        }
        _ => {}
    }
    true
}

/// What [`fold_template`] folded.
#[derive(Debug, Default)]
pub(crate) struct Folded {
    /// rolegen's own hatch parameters.
    pub hatches: Vec<String>,
    /// Foreign optional boundaries and extra policies read as the role's hatch: (parameter,
    /// role logical id, hatch).
    pub foreign: Vec<(String, String, Hatch)>,
}

/// Folds rolegen's escape hatches, and foreign optional boundaries and extra policies that
/// mean the same as one, at their defaults.
pub(crate) fn fold_template(root: &mut N) -> Folded {
    let mut conds = find(root);
    let foreign = foreign_hatches(root);
    conds.extend(foreign.iter().map(|(c, p, _, _)| (c.clone(), p.clone())));
    let folded = Folded {
        hatches: find(root).into_iter().map(|(_, p)| p).collect(),
        foreign: foreign.into_iter().map(|(_, p, r, h)| (p, r, h)).collect(),
    };
    if conds.is_empty() {
        return folded;
    }
    let names: Vec<String> = conds.iter().map(|(_, p)| p.clone()).collect();
    let N::Map(top) = root else {
        return folded;
    };
    for (k, v) in top.iter_mut() {
        match k.as_str() {
            "Resources" | "Outputs" => {
                fold(v, &conds);
            }
            "Parameters" => {
                if let N::Map(m) = v {
                    m.retain(|(p, _)| !names.contains(p));
                }
            }
            "Conditions" => {
                if let N::Map(m) = v {
                    m.retain(|(c, _)| !conds.iter().any(|(h, _)| h == c));
                }
            }
            "Metadata" => drop_from_interface(v, &names),
            _ => {}
        }
    }
    folded
}

/// Removes the parameters from the console's groups (a group left empty goes) and labels.
fn drop_from_interface(meta: &mut N, names: &[String]) {
    let N::Map(m) = meta else { return };
    for (k, iface) in m.iter_mut() {
        if k != "AWS::CloudFormation::Interface" {
            continue;
        }
        let N::Map(parts) = iface else { continue };
        for (k, v) in parts.iter_mut() {
            match (k.as_str(), v) {
                ("ParameterGroups", N::Seq(groups)) => {
                    for g in groups.iter_mut() {
                        if let N::Map(g) = g {
                            for (k, v) in g.iter_mut() {
                                if let (true, N::Seq(ps)) = (k == "Parameters", v) {
                                    ps.retain(|p| !p.literal().is_some_and(|p| names.contains(&p)));
                                }
                            }
                        }
                    }
                    groups.retain(
                        |g| !matches!(g.get("Parameters"), Some(N::Seq(ps)) if ps.is_empty()),
                    );
                }
                ("ParameterLabels", N::Map(labels)) => {
                    labels.retain(|(p, _)| !names.contains(p));
                }
                _ => {}
            }
        }
    }
}
