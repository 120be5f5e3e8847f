//! The spec's mappings in the stack: the `Mappings` section, `Fn::FindInMap` for a lookup,
//! `Fn::Select` of an `Fn::Split` for a piece, and the `Fn::Sub` variables that stand for
//! lookups and pieces inside a longer string.

use super::yaml::Node;
use crate::model::{Lookup, Module, Part, Piece, Template};

/// The `Mappings` section: every mapping of the spec, entries and keys in its order.
pub(super) fn section(m: &Module) -> Vec<(String, Node)> {
    m.mappings
        .values()
        .map(|m| {
            let entries = m
                .entries
                .iter()
                .map(|(e, keys)| {
                    let keys = keys
                        .iter()
                        .map(|(k, v)| (k.clone(), Node::str(v)))
                        .collect();
                    (e.clone(), Node::Map(keys))
                })
                .collect();
            (m.name.clone(), Node::Map(entries))
        })
        .collect()
}

/// `!FindInMap [<Map>, !Ref <by>, <key>]`.
pub(super) fn find_in_map(l: &Lookup) -> Node {
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
pub(super) fn select_piece(x: &Piece) -> Node {
    Node::func(
        "Fn::Select",
        Node::Seq(vec![
            Node::Raw(x.index.to_string()),
            Node::func(
                "Fn::Split",
                Node::Seq(vec![Node::str(&x.delim), Node::reference(x.of.as_str())]),
            ),
        ]),
    )
}

/// The `Fn::Sub` variable that stands for a mapping lookup or a piece (its name and value),
/// `None` for any other part.
pub(super) fn sub_var(p: &Part) -> Option<(String, Node)> {
    match p {
        Part::Lookup(l) => Some((l.sub_var(), find_in_map(l))),
        Part::Piece(x) => Some((x.sub_var(), select_piece(x))),
        _ => None,
    }
}

/// The `Fn::Sub` variables that stand for the template's mapping lookups
/// ([`Lookup::sub_var`]) and pieces ([`Piece::sub_var`]), each once.
pub(super) fn lookup_vars(t: &Template) -> Vec<(String, Node)> {
    let mut vars: Vec<(String, Node)> = Vec::new();
    for (name, node) in t.parts.iter().filter_map(sub_var) {
        if !vars.iter().any(|(n, _)| *n == name) {
            vars.push((name, node));
        }
    }
    vars
}
