//! The stack's Conditions: one per switch and named condition the resources and statements use,
//! the escape hatches' `Has<Hatch>` and the lists' `Has<List>`.

use super::*;

impl<'a> Cfn<'a> {
    pub(super) fn conditions(&self) -> Vec<(Text<'a>, Node<'a>)> {
        let mut switches = self.m.switches();
        let mut known: HashSet<Switch> = switches.iter().cloned().collect();
        // A document emitted as JSON variants branches on the positive condition of each switch.
        for doc in self.documents() {
            if policy::needs_json(doc) {
                for s in doc.statements.iter().filter_map(|s| s.when.as_ref()) {
                    let pos = Switch {
                        negated: false,
                        ..s.clone()
                    };
                    if known.insert(pos.clone()) {
                        switches.push(pos);
                    }
                }
            }
        }
        switches.sort();
        switches.dedup();
        let used = self.switches_referenced();
        // The spec's named conditions in written order, then what the switches need.
        let mut out: Vec<(Text<'a>, Node<'a>)> = self
            .m
            .conditions
            .values()
            .map(|c| (c.name.as_str().into(), test_node(&c.test)))
            .collect();
        out.extend(
            switches
                .iter()
                .filter(|s| !s.negated || used.contains(s))
                .filter(|s| s.test.is_none() || s.negated)
                .map(|s| {
                    let value = match &s.test {
                        Some(_) => Node::func(
                            "Fn::Not",
                            Node::Seq(vec![Node::map(vec![(
                                "Condition",
                                Node::str(s.param.as_str().to_owned()),
                            )])]),
                        ),
                        None => flag_node(&s.param, !s.negated).into_owned(),
                    };
                    (self.condition_name(s).into(), value)
                }),
        );
        for (_, h, name) in hatch_params(self.m) {
            let cond = match h {
                Hatch::AdditionalPolicyArns => list_not_empty(Node::reference(name.clone())),
                _ => not_empty(Node::reference(name.clone())),
            };
            out.push((format!("Has{name}").into(), cond));
        }
        // A list parameter attached as policy ARNs: empty attaches none.
        let mut lists: Vec<&ParamName> = Vec::new();
        for r in self.m.roles.values() {
            if let Some(ArnList::Param(_, p)) = r.arn_list() {
                if !lists.contains(&p) {
                    lists.push(p);
                }
            }
        }
        for p in lists {
            out.push((
                format!("Has{p}").into(),
                list_not_empty(Node::reference(p.as_str())),
            ));
        }
        // A value that may be nothing, tested by a condition of the spec's own when it has one.
        for p in self.m.optional_params() {
            let name = self.m.has_condition(p);
            if !self.m.conditions.contains_key(name.as_str()) {
                out.push((name.into(), not_empty(Node::reference(p.as_str()))));
            }
        }
        let mut names: HashSet<String> = out.iter().map(|(n, _)| n.to_string()).collect();
        // Switched inline policies and instance profiles of switched roles need both conditions.
        for r in self.m.roles.values() {
            let own = r.inline.iter().map(|p| &p.when);
            let profile = r.instance_profile.iter().map(|ip| &ip.when);
            for when in own.chain(profile) {
                if let (Some(a), Some(b)) = (&r.when, when) {
                    let name = self.both(&r.when, when).unwrap_or_default();
                    if !names.insert(name.clone()) {
                        continue;
                    }
                    let cond = |s: &Switch| {
                        Node::map(vec![("Condition", Node::str(self.condition_name(s)))])
                    };
                    out.push((
                        name.into(),
                        Node::func("Fn::And", Node::Seq(vec![cond(a), cond(b)])),
                    ));
                }
            }
        }
        out
    }

    /// Switches some resource or some statement outside JSON-variant documents refers to by
    /// condition name (a negated switch used only inside JSON variants never is).
    pub(super) fn switches_referenced(&self) -> HashSet<&'a Switch> {
        let mut used = HashSet::new();
        for d in self.documents().filter(|d| !policy::needs_json(d)) {
            used.extend(d.statements.iter().filter_map(|st| st.when.as_ref()));
        }
        for r in self.m.roles.values() {
            used.extend(r.when.as_ref());
            used.extend(r.instance_profile.iter().filter_map(|ip| ip.when.as_ref()));
            used.extend(r.managed.iter().filter_map(|m| m.when.as_ref()));
            used.extend(r.inline.iter().filter_map(|p| p.when.as_ref()));
        }
        used.extend(self.m.policies.values().filter_map(|p| p.when.as_ref()));
        used.extend(self.m.kms_keys.values().filter_map(|k| k.when.as_ref()));
        used
    }
}

/// `Fn::Equals [!Ref Flag, "true"]` (`"false"` when `value` is false).
fn flag_node(p: &ParamName, value: bool) -> Node<'_> {
    let value = if value { "true" } else { "false" };
    Node::func(
        "Fn::Equals",
        Node::Seq(vec![Node::reference(p.as_str()), Node::str(value)]),
    )
}

/// A named condition's test as a CloudFormation condition function.
fn test_node(t: &Test) -> Node<'_> {
    match t {
        Test::Flag(p) => flag_node(p, true),
        Test::Named(n, _) => Node::map(vec![("Condition", Node::str(n.as_str()))]),
        Test::Equals(p, v) => Node::func(
            "Fn::Equals",
            Node::Seq(vec![Node::reference(p.as_str()), Node::str(v)]),
        ),
        Test::NotEmpty(p, true) => list_not_empty(Node::reference(p.as_str())),
        Test::NotEmpty(p, false) => not_empty(Node::reference(p.as_str())),
        Test::And(v) => operands("Fn::And", v.iter().map(test_node).collect()),
        Test::Or(v) => operands("Fn::Or", v.iter().map(test_node).collect()),
        Test::Not(x) => Node::func("Fn::Not", Node::Seq(vec![test_node(x)])),
    }
}

/// `Fn::And`/`Fn::Or` of the conditions, nested when there are more than CloudFormation's ten.
fn operands<'a>(f: &'a str, mut nodes: Vec<Node<'a>>) -> Node<'a> {
    let max = MAX_CONDITION_OPERANDS;
    if nodes.len() > max {
        let rest = nodes.split_off(max - 1);
        nodes.push(operands(f, rest));
    }
    Node::func(f, Node::Seq(nodes))
}

/// `Fn::Not [Fn::Equals [value, ""]]`.
fn not_empty(value: Node) -> Node {
    Node::func(
        "Fn::Not",
        Node::Seq(vec![Node::func(
            "Fn::Equals",
            Node::Seq(vec![value, Node::str("")]),
        )]),
    )
}

/// A CommaDelimitedList is empty when its items joined are.
fn list_not_empty(list: Node) -> Node {
    not_empty(Node::func("Fn::Join", Node::Seq(vec![Node::str(""), list])))
}
