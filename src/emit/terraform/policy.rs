//! `data "aws_iam_policy_document"` blocks for every policy, trust policy and key policy.

use super::hcl::{quote_literal, template_expr, Block, Expr};
use super::Tf;
use crate::model::{Part, PolicyDocument, Principal, Statement, Template};

impl Tf<'_> {
    /// The data source for a document.
    pub(super) fn policy_document(&self, name: &str, doc: &PolicyDocument) -> Block {
        let mut b = Block::new("data", &["aws_iam_policy_document", name]);
        b.attr("version", quote_literal(&doc.version));
        if let Some(id) = &doc.id {
            b.attr("policy_id", quote_literal(id));
        }
        for s in &doc.statements {
            let body = self.statement_body(s);
            match &s.when {
                None => {
                    let mut st = Block::new("statement", &[]);
                    st.body = body;
                    b.block(st);
                }
                Some(sw) => {
                    let mut dy = Block::new("dynamic", &["statement"]);
                    dy.attr("for_each", format!("{} ? [1] : []", self.switch(sw)));
                    let mut content = Block::new("content", &[]);
                    content.body = body;
                    dy.block(content);
                    b.block(dy);
                }
            }
        }
        b
    }

    fn statement_body(&self, s: &Statement) -> Vec<super::hcl::Item> {
        let mut st = Block::new("statement", &[]);
        if let Some(sid) = &s.sid {
            st.attr("sid", quote_literal(sid));
        }
        st.attr("effect", quote_literal(s.effect.as_str()));
        let actions: Vec<String> = s.actions.iter().map(|a| quote_literal(a)).collect();
        st.attr_expr(
            if s.not_action {
                "not_actions"
            } else {
                "actions"
            },
            list_expr(actions),
        );
        if let Some(r) = &s.resources {
            st.attr_expr(
                if s.not_resource {
                    "not_resources"
                } else {
                    "resources"
                },
                self.values(r),
            );
        }
        if let Some(p) = &s.principal {
            let kind = if s.not_principal {
                "not_principals"
            } else {
                "principals"
            };
            match p {
                Principal::Any => {
                    let mut pb = Block::new(kind, &[]);
                    pb.attr("type", "\"*\"").attr("identifiers", "[\"*\"]");
                    st.block(pb);
                }
                Principal::Typed(map) => {
                    for (t, vals) in map {
                        let mut pb = Block::new(kind, &[]);
                        pb.attr("type", quote_literal(t.as_str()));
                        pb.attr_expr("identifiers", self.values(vals));
                        st.block(pb);
                    }
                }
            }
        }
        for c in &s.conditions {
            let mut cb = Block::new("condition", &[]);
            cb.attr("test", quote_literal(&c.op.to_string()));
            cb.attr("variable", self.template(&c.key));
            cb.attr_expr("values", self.values(&c.values));
            st.block(cb);
        }
        st.body
    }

    /// A list of values; a `list` parameter expands (whole, or inside a string with `for`).
    pub(super) fn values(&self, items: &[Template]) -> Expr {
        let has_list = items.iter().any(|t| self.list_param(t).is_some());
        if !has_list {
            return list_expr(items.iter().map(|t| self.template(t)).collect());
        }
        let mut pieces: Vec<String> = Vec::new();
        let mut scalars: Vec<String> = Vec::new();
        for t in items {
            match self.list_param(t) {
                None => scalars.push(self.template(t)),
                Some(p) => {
                    if !scalars.is_empty() {
                        pieces.push(format!("[{}]", scalars.join(", ")));
                        scalars.clear();
                    }
                    let var = self.var(p);
                    if t.parts.len() == 1 {
                        pieces.push(var);
                    } else {
                        let each = template_expr(t, &|q| {
                            if q == p {
                                "v".to_owned()
                            } else {
                                self.var(q)
                            }
                        });
                        pieces.push(format!("[for v in {var} : {each}]"));
                    }
                }
            }
        }
        if !scalars.is_empty() {
            pieces.push(format!("[{}]", scalars.join(", ")));
        }
        if pieces.len() == 1 {
            Expr::Inline(pieces.remove(0))
        } else {
            Expr::Inline(format!("concat({})", pieces.join(", ")))
        }
    }

    fn list_param<'t>(&self, t: &'t Template) -> Option<&'t crate::model::ParamName> {
        t.parts.iter().find_map(|p| match p {
            Part::Param(n) if self.is_list(n) => Some(n),
            _ => None,
        })
    }
}

/// One element inline, several one per line.
pub(super) fn list_expr(mut items: Vec<String>) -> Expr {
    match items.len() {
        0 => Expr::Inline("[]".to_owned()),
        1 => {
            let item = items.pop().unwrap_or_default();
            let mut s = String::with_capacity(item.len() + 2);
            s.push('[');
            s.push_str(&item);
            s.push(']');
            Expr::Inline(s)
        }
        _ => Expr::List(items),
    }
}
