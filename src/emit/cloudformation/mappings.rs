//! The spec's mappings in the stack: the `Mappings` section, `Fn::FindInMap` for a lookup,
//! and the `Fn::Sub` variables that stand for lookups inside a longer string.

use super::yaml::Node;
use crate::model::{Lookup, Module, Template};

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

/// The `Fn::Sub` variables that stand for the template's mapping lookups
/// ([`Lookup::sub_var`]), each once.
pub(super) fn lookup_vars(t: &Template) -> Vec<(String, Node)> {
    let mut vars: Vec<(String, Node)> = Vec::new();
    for l in t.lookups() {
        let name = l.sub_var();
        if !vars.iter().any(|(n, _)| *n == name) {
            vars.push((name, find_in_map(l)));
        }
    }
    vars
}
