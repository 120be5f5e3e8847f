//! Never wider: what an importer does with a statement, a document or a resource it could not
//! carry whole, so that the spec never grants more than its source.
//!
//! Leaving out an `Allow` narrows; leaving out a `Deny`, a `Condition` entry, a permissions
//! boundary or a `NotAction`/`NotResource`/`NotPrincipal` element widens. So an `Allow`
//! statement with an element the spec cannot express is left out whole, and a `Deny` (or a
//! statement whose `Effect` cannot be read) is kept denying *more*: a lost `Action` or
//! `NotAction` becomes `Action: "*"`, a lost resource element `Resource: "*"`, a lost principal
//! element `Principal: "*"`, and a lost `Condition` entry is left out (a condition block is a
//! conjunction: fewer entries match more requests). A statement under a switch the spec cannot
//! express is treated the same way: an `Allow` is left out, a `Deny` is kept, always on.

use super::yaml::Y;

/// An element of a statement as an importer read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum El {
    /// Carried exactly.
    Exact(Y),
    /// Present in the source, but not (wholly) expressible.
    Lost,
    /// A `Condition` block of which some entries were lost: the entries kept.
    Part(Y),
}

/// A statement after [`settle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Settled {
    /// Every element carried.
    Exact(Y),
    /// A `Deny` kept denying more; the message says how.
    Narrowed(Y, String),
    /// An `Allow` left out; the message says why.
    Dropped(String),
}

/// `Allow`, `Deny`, or `None` when the statement's `Effect` is neither (or was lost).
pub(crate) fn effect(y: &Y) -> Option<&str> {
    y.get("Effect")
        .and_then(Y::as_str)
        .filter(|e| *e == "Allow" || *e == "Deny")
}

/// True if the statement certainly allows (never denies).
pub(crate) fn is_allow(y: &Y) -> bool {
    effect(y) == Some("Allow")
}

/// A statement from its elements (in `spec::STATEMENT_KEYS` order, as present in the source).
pub(crate) fn settle(elements: Vec<(String, El)>) -> Settled {
    let lost: Vec<&str> = elements
        .iter()
        .filter(|(k, e)| k != "Sid" && !matches!(e, El::Exact(_)))
        .map(|(k, _)| k.as_str())
        .collect();
    let exact = |k: &str| {
        elements.iter().find_map(|(n, e)| match e {
            El::Exact(y) if n == k => Some(y.clone()),
            _ => None,
        })
    };
    if lost.is_empty() {
        return Settled::Exact(Y::Map(
            elements
                .iter()
                .filter_map(|(k, e)| match e {
                    El::Exact(y) => Some((k.clone(), y.clone())),
                    _ => None,
                })
                .collect(),
        ));
    }
    let what = lost
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let eff = exact("Effect");
    let eff = eff.as_ref().and_then(Y::as_str);
    if eff == Some("Allow") {
        return Settled::Dropped(format!(
            "this Allow statement is left out whole: its {what} cannot be expressed, and leaving out part of it would grant more"
        ));
    }
    let is_lost = |k: &str| lost.contains(&k);
    let mut out: Vec<(String, Y)> = Vec::new();
    let mut how: Vec<String> = Vec::new();
    if eff != Some("Deny") {
        how.push("its Effect cannot be read, so it is imported as a Deny".into());
    }
    if let Some(s) = exact("Sid") {
        out.push(("Sid".into(), s));
    }
    out.push(("Effect".into(), Y::s("Deny")));
    let pairs = [
        ("Principal", "NotPrincipal"),
        ("Action", "NotAction"),
        ("Resource", "NotResource"),
    ];
    for (yes, not) in pairs {
        if is_lost(yes) || is_lost(not) {
            out.push((yes.into(), Y::s("*")));
            how.push(format!("`{yes}: \"*\"`"));
        } else {
            for k in [yes, not] {
                if let Some(y) = exact(k) {
                    out.push((k.into(), y));
                }
            }
        }
    }
    for (k, e) in &elements {
        if k != "Condition" {
            continue;
        }
        match e {
            El::Exact(y) => out.push((k.clone(), y.clone())),
            El::Part(y) if matches!(y, Y::Map(m) if !m.is_empty()) => {
                out.push((k.clone(), y.clone()));
                how.push("without the condition entries it cannot express".into());
            }
            _ => how.push("without its Condition".into()),
        }
    }
    Settled::Narrowed(
        Y::Map(out),
        format!(
            "this statement's {what} cannot be expressed; it is kept denying more ({}): leaving out a Deny, or part of one, would grant more",
            how.join(", ")
        ),
    )
}

/// A statement under a switch the spec cannot express (a condition that is not a bool
/// parameter, two switches where a spec item has one): an `Allow` is left out, anything else
/// is kept, without that switch (its own `when:`, if any, stays). `None` when left out.
pub(crate) fn unswitched(y: Y) -> Option<Y> {
    (!is_allow(&y)).then_some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn els(v: &[(&str, Option<Y>)]) -> Vec<(String, El)> {
        v.iter()
            .map(|(k, y)| {
                (
                    (*k).to_owned(),
                    match y {
                        Some(y) => El::Exact(y.clone()),
                        None => El::Lost,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn allow_with_a_lost_element_is_left_out() {
        let s = settle(els(&[
            ("Effect", Some(Y::s("Allow"))),
            ("Action", Some(Y::s("s3:*"))),
            ("Resource", Some(Y::s("*"))),
            ("Condition", None),
        ]));
        assert!(matches!(s, Settled::Dropped(m) if m.contains("`Condition`")));
    }

    #[test]
    fn deny_with_lost_elements_denies_more() {
        let s = settle(els(&[
            ("Sid", None),
            ("Effect", Some(Y::s("Deny"))),
            ("Action", Some(Y::s("s3:*"))),
            ("NotResource", None),
            ("Condition", None),
        ]));
        let Settled::Narrowed(y, _) = s else {
            panic!("{s:?}")
        };
        assert_eq!(
            y,
            Y::Map(vec![
                ("Effect".into(), Y::s("Deny")),
                ("Action".into(), Y::s("s3:*")),
                ("Resource".into(), Y::s("*")),
            ])
        );
        let part = Y::Map(vec![("Bool".into(), Y::Map(vec![]))]);
        let s = settle(vec![
            ("Effect".into(), El::Lost),
            ("Action".into(), El::Exact(Y::s("s3:*"))),
            ("Resource".into(), El::Exact(Y::s("*"))),
            ("Condition".into(), El::Part(part.clone())),
        ]);
        let Settled::Narrowed(y, m) = s else {
            panic!("{s:?}")
        };
        assert!(m.contains("imported as a Deny"), "{m}");
        assert_eq!(y.get("Condition"), Some(&part));
        assert_eq!(effect(&y), Some("Deny"));
    }

    #[test]
    fn exact_and_unswitched() {
        let y = Y::Map(vec![
            ("Effect".into(), Y::s("Allow")),
            ("when".into(), Y::s("On")),
        ]);
        assert_eq!(unswitched(y.clone()), None);
        let mut d = y.clone();
        d.set("Effect", Y::s("Deny"));
        assert_eq!(unswitched(d.clone()), Some(d));
        assert_eq!(
            settle(els(&[("Effect", Some(Y::s("Allow"))), ("Sid", None)])),
            Settled::Exact(Y::Map(vec![("Effect".into(), Y::s("Allow"))]))
        );
    }
}
