//! Policy documents in CloudFormation: YAML structure with `!Sub`/`!Ref`, `Fn::If` for switched
//! statements, `Fn::Split`/`Fn::Join` for list parameters; and, where a condition KEY holds a
//! placeholder (IRSA `${OidcProvider}:sub`), one `Fn::Sub` JSON string per switch combination.

use super::yaml::{Node, Text};
use super::Cfn;
use crate::model::*;
use std::fmt::Write;

impl<'a> Cfn<'a> {
    /// A document as a node.
    pub(super) fn document(&self, doc: &'a PolicyDocument) -> Node<'a> {
        if needs_json(doc) {
            return self.json_variants(doc);
        }
        let mut entries = vec![("Version".into(), Node::str(&doc.version))];
        if let Some(id) = &doc.id {
            entries.push(("Id".into(), Node::str(id)));
        }
        let statements = doc
            .statements
            .iter()
            .map(|s| {
                let node = self.statement(s);
                match &s.when {
                    Some(sw) => self.if_node(sw, node),
                    None => node,
                }
            })
            .collect();
        entries.push(("Statement".into(), Node::Seq(statements)));
        Node::Map(entries)
    }

    /// `Fn::If [Cond, node, !Ref AWS::NoValue]`.
    pub(super) fn if_node(&self, sw: &'a Switch, node: Node<'a>) -> Node<'a> {
        Node::func(
            "Fn::If",
            Node::Seq(vec![
                Node::str(self.condition_name(sw)),
                node,
                Node::reference("AWS::NoValue"),
            ]),
        )
    }

    fn statement(&self, s: &'a Statement) -> Node<'a> {
        let mut e: Vec<(Text<'a>, Node<'a>)> = Vec::new();
        if let Some(sid) = &s.sid {
            e.push(("Sid".into(), Node::str(sid)));
        }
        e.push(("Effect".into(), Node::str(s.effect.as_str())));
        if let Some(p) = &s.principal {
            let key = if s.not_principal {
                "NotPrincipal"
            } else {
                "Principal"
            };
            let node = match p {
                Principal::Any => Node::str("*"),
                Principal::Typed(m) => Node::Map(
                    m.iter()
                        .map(|(t, v)| (t.as_str().into(), self.values(v)))
                        .collect(),
                ),
            };
            e.push((key.into(), node));
        }
        let actions: Vec<Node> = s.actions.iter().map(Node::str).collect();
        e.push((
            if s.not_action { "NotAction" } else { "Action" }.into(),
            one_or_seq(actions),
        ));
        if let Some(r) = &s.resources {
            e.push((
                if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }
                .into(),
                self.values(r),
            ));
        }
        if !s.conditions.is_empty() {
            let mut ops: Vec<(Text<'a>, Node<'a>)> = Vec::new();
            for c in &s.conditions {
                let op = c.op.to_string();
                let key = c.key.as_literal().unwrap_or_default();
                let val = self.values(&c.values);
                match ops.iter_mut().find(|(o, _)| *o == op) {
                    Some((_, Node::Map(m))) => m.push((key.into(), val)),
                    _ => ops.push((op.into(), Node::Map(vec![(key.into(), val)]))),
                }
            }
            e.push(("Condition".into(), Node::Map(ops)));
        }
        Node::Map(e)
    }

    /// A value list: one value is a scalar, several a sequence; list parameters expand.
    pub(super) fn values(&self, items: &'a [Template]) -> Node<'a> {
        let lists: Vec<Option<&ParamName>> = items.iter().map(|t| self.list_param(t)).collect();
        if lists.iter().all(Option::is_none) {
            return one_or_seq(items.iter().map(|t| self.template(t)).collect());
        }
        if let ([t], [Some(p)]) = (items, lists.as_slice()) {
            if t.parts.len() == 1 {
                return Node::reference(p.as_str());
            }
        }
        // Join everything with commas, then split: CloudFormation has no list concatenation.
        let parts: Vec<Node> = items
            .iter()
            .zip(&lists)
            .map(|(t, l)| match l {
                None => self.template(t),
                Some(p) => self.expanded_list(t, p),
            })
            .collect();
        Node::func(
            "Fn::Split",
            Node::Seq(vec![
                Node::str(","),
                Node::func(
                    "Fn::Join",
                    Node::Seq(vec![Node::str(","), Node::Seq(parts)]),
                ),
            ]),
        )
    }

    /// `pre${L}suf` for each element, joined by commas (validation guarantees pre/suf are literal).
    fn expanded_list(&self, t: &'a Template, p: &'a ParamName) -> Node<'a> {
        let (pre, suf) = literal_around(t);
        let list = Node::reference(p.as_str());
        if pre.is_empty() && suf.is_empty() {
            return Node::func("Fn::Join", Node::Seq(vec![Node::str(","), list]));
        }
        let inner = Node::func(
            "Fn::Join",
            Node::Seq(vec![Node::str(format!("{suf},{pre}")), list]),
        );
        Node::func(
            "Fn::Join",
            Node::Seq(vec![
                Node::str(""),
                Node::Seq(vec![Node::str(pre), inner, Node::str(suf)]),
            ]),
        )
    }

    fn list_param<'t>(&self, t: &'t Template) -> Option<&'t ParamName> {
        t.parts.iter().find_map(|p| match p {
            Part::Param(n) if self.is_list(n) => Some(n),
            _ => None,
        })
    }

    /// Nested `Fn::If` over every combination of the document's switches, each leaf a JSON string.
    fn json_variants(&self, doc: &'a PolicyDocument) -> Node<'a> {
        let mut params: Vec<&ParamName> = Vec::new();
        for s in &doc.statements {
            if let Some(sw) = &s.when {
                if !params.contains(&&sw.param) {
                    params.push(&sw.param);
                }
            }
        }
        self.json_tree(doc, &params, &mut Vec::new())
    }

    fn json_tree(
        &self,
        doc: &'a PolicyDocument,
        params: &[&ParamName],
        chosen: &mut Vec<(ParamName, bool)>,
    ) -> Node<'a> {
        let Some((first, rest)) = params.split_first() else {
            return self.json_leaf(doc, chosen);
        };
        chosen.push(((*first).clone(), true));
        let on = self.json_tree(doc, rest, chosen);
        chosen.pop();
        chosen.push(((*first).clone(), false));
        let off = self.json_tree(doc, rest, chosen);
        chosen.pop();
        let cond = self.condition_name(&Switch {
            param: (*first).clone(),
            negated: false,
            test: None,
        });
        Node::func("Fn::If", Node::Seq(vec![Node::str(cond), on, off]))
    }

    fn json_leaf(&self, doc: &'a PolicyDocument, chosen: &[(ParamName, bool)]) -> Node<'a> {
        let active = |s: &Statement| match &s.when {
            None => true,
            Some(sw) => chosen
                .iter()
                .any(|(p, v)| *p == sw.param && *v != sw.negated),
        };
        let mut vars: Vec<(Text<'a>, Node<'a>)> = Vec::new();
        let mut j = String::with_capacity(512);
        j.push_str("{\"Version\":");
        json_lit(&mut j, &doc.version);
        if let Some(id) = &doc.id {
            j.push_str(",\"Id\":");
            json_lit(&mut j, id);
        }
        j.push_str(",\"Statement\":[");
        let mut first = true;
        for s in doc.statements.iter().filter(|s| active(s)) {
            if !first {
                j.push(',');
            }
            first = false;
            self.json_statement(&mut j, s, &mut vars);
        }
        j.push_str("]}");
        if vars.is_empty() && !has_sub_variable(&j) {
            // No placeholder: a plain JSON string (cfn-lint W1020 flags a needless Fn::Sub).
            Node::str(j.replace("${!", "${"))
        } else if vars.is_empty() {
            Node::tag("!Sub", j)
        } else {
            Node::func("Fn::Sub", Node::Seq(vec![Node::str(j), Node::Map(vars)]))
        }
    }

    fn json_statement(
        &self,
        j: &mut String,
        s: &'a Statement,
        vars: &mut Vec<(Text<'a>, Node<'a>)>,
    ) {
        j.push('{');
        if let Some(sid) = &s.sid {
            j.push_str("\"Sid\":");
            json_lit(j, sid);
            j.push(',');
        }
        let _ = write!(j, "\"Effect\":\"{}\"", s.effect.as_str());
        if let Some(p) = &s.principal {
            let _ = write!(
                j,
                ",\"{}\":",
                if s.not_principal {
                    "NotPrincipal"
                } else {
                    "Principal"
                }
            );
            match p {
                Principal::Any => j.push_str("\"*\""),
                Principal::Typed(m) => {
                    j.push('{');
                    for (i, (t, v)) in m.iter().enumerate() {
                        if i > 0 {
                            j.push(',');
                        }
                        let _ = write!(j, "\"{}\":", t.as_str());
                        self.json_values(j, v, vars);
                    }
                    j.push('}');
                }
            }
        }
        let _ = write!(
            j,
            ",\"{}\":[",
            if s.not_action { "NotAction" } else { "Action" }
        );
        for (i, a) in s.actions.iter().enumerate() {
            if i > 0 {
                j.push(',');
            }
            json_lit(j, a);
        }
        j.push(']');
        if let Some(r) = &s.resources {
            let _ = write!(
                j,
                ",\"{}\":",
                if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }
            );
            self.json_values(j, r, vars);
        }
        if !s.conditions.is_empty() {
            j.push_str(",\"Condition\":{");
            let mut ops: Vec<String> = Vec::new();
            for c in &s.conditions {
                let op = c.op.to_string();
                if !ops.contains(&op) {
                    ops.push(op);
                }
            }
            for (i, op) in ops.iter().enumerate() {
                if i > 0 {
                    j.push(',');
                }
                json_lit(j, op);
                j.push_str(":{");
                for (n, c) in s
                    .conditions
                    .iter()
                    .filter(|c| c.op.to_string() == *op)
                    .enumerate()
                {
                    if n > 0 {
                        j.push(',');
                    }
                    self.json_template(j, &c.key, vars);
                    j.push(':');
                    self.json_values(j, &c.values, vars);
                }
                j.push('}');
            }
            j.push('}');
        }
        j.push('}');
    }

    fn json_values(
        &self,
        j: &mut String,
        items: &'a [Template],
        vars: &mut Vec<(Text<'a>, Node<'a>)>,
    ) {
        j.push('[');
        for (i, t) in items.iter().enumerate() {
            if i > 0 {
                j.push(',');
            }
            match self.list_param(t) {
                None => self.json_template(j, t, vars),
                Some(p) => {
                    // Elements joined by `","` inside one JSON string: ["a","b"].
                    let (pre, suf) = literal_around(t);
                    let var = format!("{}Items{}", p.as_str(), vars.len());
                    let delim = format!("{suf}\",\"{pre}");
                    let join = Node::func(
                        "Fn::Join",
                        Node::Seq(vec![Node::str(delim), Node::reference(p.as_str())]),
                    );
                    vars.push((var.clone().into(), join));
                    j.push('"');
                    json_escape_sub(j, &pre);
                    let _ = write!(j, "${{{var}}}");
                    json_escape_sub(j, &suf);
                    j.push('"');
                }
            }
        }
        j.push(']');
    }

    /// A template as a JSON string literal inside `Fn::Sub`.
    fn json_template(&self, j: &mut String, t: &'a Template, vars: &mut Vec<(Text<'a>, Node<'a>)>) {
        j.push('"');
        for p in &t.parts {
            match p {
                Part::Lit(l) => json_escape_sub(j, l),
                Part::Param(n) => {
                    let _ = write!(j, "${{{}}}", n.as_str());
                }
                Part::Pseudo(x) => {
                    let _ = write!(j, "${{{}}}", x.cfn_name());
                }
                Part::ProviderArn(x) if x.when.is_none() => {
                    let _ = write!(j, "${{{}.Arn}}", x.id.logical_id());
                }
                Part::ProviderArn(_) | Part::Lookup(_) | Part::Piece(_) => {
                    if let Some((var, node)) = super::mappings::sub_var(self.m, p) {
                        let _ = write!(j, "${{{var}}}");
                        if !vars.iter().any(|(n, _)| *n == var) {
                            vars.push((var, node));
                        }
                    }
                }
                Part::PolicyVar(v) => {
                    j.push_str("${!");
                    json_escape_sub(j, v);
                    j.push('}');
                }
            }
        }
        j.push('"');
    }
}

/// True if an `Fn::Sub` string holds a `${Var}` (not only `${!Literal}` escapes).
fn has_sub_variable(s: &str) -> bool {
    use crate::model::template::{sub_parts, SubPart};
    sub_parts(s)
        .iter()
        .any(|p| matches!(p, SubPart::Var(_) | SubPart::Unclosed))
}

/// True if a condition key of the document holds a placeholder.
pub(super) fn needs_json(doc: &PolicyDocument) -> bool {
    doc.statements
        .iter()
        .any(|s| s.conditions.iter().any(|c| c.key.is_dynamic()))
}

fn one_or_seq(mut v: Vec<Node>) -> Node {
    if v.len() == 1 {
        v.remove(0)
    } else {
        Node::Seq(v)
    }
}

/// The literal text before and after the (single) list parameter of a template.
fn literal_around(t: &Template) -> (String, String) {
    let mut pre = String::new();
    let mut suf = String::new();
    let mut seen = false;
    for p in &t.parts {
        let text = match p {
            Part::Lit(l) => l.clone(),
            Part::PolicyVar(v) => format!("${{{v}}}"),
            Part::Param(_)
            | Part::Pseudo(_)
            | Part::ProviderArn(_)
            | Part::Lookup(_)
            | Part::Piece(_) => {
                seen = true;
                continue;
            }
        };
        if seen {
            suf.push_str(&text);
        } else {
            pre.push_str(&text);
        }
    }
    (pre, suf)
}

fn json_lit(j: &mut String, s: &str) {
    j.push('"');
    json_escape_sub(j, s);
    j.push('"');
}

/// JSON string escaping, plus `${` → `${!` so `Fn::Sub` keeps it literal.
fn json_escape_sub(j: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => j.push_str("\\\""),
            '\\' => j.push_str("\\\\"),
            '\n' => j.push_str("\\n"),
            '\r' => j.push_str("\\r"),
            '\t' => j.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                j.push_str("${!");
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(j, "\\u{:04x}", c as u32);
            }
            c => j.push(c),
        }
    }
}
