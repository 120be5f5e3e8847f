//! The spec's mappings in the stack: the `Mappings` section, `Fn::FindInMap` for a lookup,
//! `Fn::Select` of an `Fn::Split` for a piece, and the `Fn::Sub` variables that stand for
//! lookups and pieces inside a longer string.

use super::yaml::{Node, Text};
use crate::model::{Lookup, Module, Part, Piece, ProviderArn, Switch, Template};

/// The `Mappings` section: every mapping of the spec, entries and keys in its order.
pub(super) fn section(m: &Module) -> Vec<(Text<'_>, Node<'_>)> {
    m.mappings
        .values()
        .map(|m| {
            let entries = m
                .entries
                .iter()
                .map(|(e, keys)| {
                    let keys = keys
                        .iter()
                        .map(|(k, v)| (k.as_str().into(), Node::str(v)))
                        .collect();
                    (e.as_str().into(), Node::Map(keys))
                })
                .collect();
            (m.name.as_str().into(), Node::Map(entries))
        })
        .collect()
}

/// `!FindInMap [<Map>, !Ref <by>, <key>]`.
pub(super) fn find_in_map(l: &Lookup) -> Node<'_> {
    Node::func(
        "Fn::FindInMap",
        Node::Seq(vec![
            Node::str(&l.map),
            Node::reference(l.by.as_str()),
            Node::str(&l.key),
        ]),
    )
}

/// `!Select [<index>, !Split [<delim>, !Ref <Source>]]`.
pub(super) fn select_piece(x: &Piece) -> Node<'_> {
    Node::func(
        "Fn::Select",
        Node::Seq(vec![
            Node::raw(x.index.to_string()),
            Node::func(
                "Fn::Split",
                Node::Seq(vec![Node::str(&x.delim), Node::reference(x.of.as_str())]),
            ),
        ]),
    )
}

/// The `Fn::Sub` variable that stands for a mapping lookup, a piece or a switched OIDC
/// provider's ARN (its name and value), `None` for any other part.
pub(super) fn sub_var<'a>(m: &Module, p: &'a Part) -> Option<(Text<'a>, Node<'a>)> {
    match p {
        Part::Lookup(l) => Some((l.sub_var().into(), find_in_map(l))),
        Part::Piece(x) => Some((x.sub_var().into(), select_piece(x))),
        Part::ProviderArn(x) => x
            .when
            .as_ref()
            .map(|w| (x.sub_var().into(), switched_arn(m, x, w))),
        _ => None,
    }
}

/// A switched OIDC provider's ARN: `!If [<Cond>, !GetAtt <Id>.Arn, !Sub <arn>]` (where the
/// switch is off the provider exists already, under the ARN IAM gives its issuer).
pub(super) fn switched_arn<'a>(m: &Module, x: &'a ProviderArn, w: &Switch) -> Node<'a> {
    Node::func(
        "Fn::If",
        Node::Seq(vec![
            Node::str(m.cfn_condition(w)),
            Node::tag("!GetAtt", format!("{}.Arn", x.id.logical_id())),
            sub(m, &x.arn),
        ]),
    )
}

/// `!Sub` of a template, with the variables its lookups and pieces need.
pub(super) fn sub<'a>(m: &Module, t: &'a Template) -> Node<'a> {
    let vars = lookup_vars(m, t);
    if vars.is_empty() {
        Node::tag("!Sub", t.to_sub())
    } else {
        Node::func(
            "Fn::Sub",
            Node::Seq(vec![Node::str(t.to_sub()), Node::Map(vars)]),
        )
    }
}

/// The `Fn::Sub` variables that stand for the template's mapping lookups
/// ([`Lookup::sub_var`]), pieces ([`Piece::sub_var`]) and switched providers
/// ([`ProviderArn::sub_var`]), each once.
pub(super) fn lookup_vars<'a>(m: &Module, t: &'a Template) -> Vec<(Text<'a>, Node<'a>)> {
    let mut vars: Vec<(Text<'a>, Node<'a>)> = Vec::new();
    for (name, node) in t.parts.iter().filter_map(|p| sub_var(m, p)) {
        if !vars.iter().any(|(n, _)| *n == name) {
            vars.push((name, node));
        }
    }
    vars
}
