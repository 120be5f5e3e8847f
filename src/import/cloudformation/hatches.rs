//! rolegen's own escape hatches in a template: parameters `<Role><Hatch>` of its roles with
//! an empty default, each tested only by a condition `Has<Parameter>` (`!Not [!Equals [<it>,
//! ""]]`, the list joined for a `CommaDelimitedList`). The import folds them at their default — every
//! `Fn::If [Has<Parameter>, a, b]` becomes `b`, an `AWS::NoValue` drops its property or list
//! element — and drops the parameters and conditions: the spec then deploys exactly what the
//! template deploys with the hatches unset, and `rolegen build` gives its roles the hatches
//! again (they are on by default).

use super::node::N;
use crate::model::Hatch;

/// `Fn::Not [Fn::Equals [<Ref p or Fn::Join ["", Ref p]>, ""]]`: the parameter it tests.
fn tested(cond: &N) -> Option<&str> {
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
        Some(("Ref", _, _)) => reference(value),
        Some(("Fn::Join", N::Seq(j), _)) => match j.as_slice() {
            [sep, list] if sep.literal().as_deref() == Some("") => reference(list),
            _ => None,
        },
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
            let p = tested(v)?;
            let def = params.iter().find(|(k, _)| k == p)?.1.get("Default")?;
            (c == &format!("Has{p}")
                && def.literal().as_deref() == Some("")
                && names.iter().any(|n| n == p))
            .then(|| (c.clone(), p.to_owned()))
        })
        .collect()
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

/// Folds rolegen's escape hatches at their defaults; the names of the parameters dropped.
pub fn fold_template(root: &mut N) -> Vec<String> {
    let conds = find(root);
    if conds.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = conds.iter().map(|(_, p)| p.clone()).collect();
    let N::Map(top) = root else {
        return Vec::new();
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
    names
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
