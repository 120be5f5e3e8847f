//! `variables.tf`: the spec's parameters, the escape hatches' variables, `stack_name` and
//! `create`, each with its validation.

use super::*;

impl Tf<'_> {
    pub(super) fn variables(&self) -> Vec<Block> {
        let convention = |(name, ty, default, desc): (&str, &str, &str, &str)| {
            let mut b = Block::new("variable", &[name]);
            b.attr("type", ty);
            b.attr("default", default);
            b.attr("description", quote_literal(desc));
            b
        };
        let [create, tags] = CONVENTION_VARIABLES;
        let params = self.m.params.values().map(|p| {
            let name = p.name.snake();
            let mut b = Block::new("variable", &[&name]);
            let ty = match p.kind {
                ParamKind::String => "string",
                ParamKind::List => "list(string)",
                ParamKind::Number => "number",
                ParamKind::Bool => "bool",
            };
            b.attr("type", ty);
            if let Some(d) = &p.default {
                b.attr_expr("default", value_expr(d));
            }
            if let Some(desc) = &p.description {
                b.attr("description", quote_literal(desc));
            }
            if p.secret {
                b.attr("sensitive", "true");
            }
            if let Some(v) = length_validation(&name, p.min_length, p.max_length) {
                b.block(v);
            }
            if let Some(v) = range_validation(&name, &p.min_value, &p.max_value) {
                b.block(v);
            }
            if let Some(v) = allowed_validation(&name, p) {
                b.block(v);
            }
            if p.kind == ParamKind::List && p.default.is_none() {
                // A required list is required to hold something: used whole as a Resource, an
                // empty one would leave the statement without a Resource.
                let mut v = Block::new("validation", &[]);
                v.attr("condition", format!("length(var.{name}) > 0"));
                v.attr(
                    "error_message",
                    quote_literal(&format!("{name} must hold at least one value.")),
                );
                b.block(v);
            }
            if let Some(pat) = &p.pattern {
                let re = quote_literal(&format!("^(?:{pat})$"));
                let cond = match p.kind {
                    ParamKind::List => {
                        format!("alltrue([for v in var.{name} : can(regex({re}, v))])")
                    }
                    _ => format!("can(regex({re}, var.{name}))"),
                };
                let mut v = Block::new("validation", &[]);
                v.attr("condition", cond);
                v.attr(
                    "error_message",
                    quote_literal(&format!(
                        "The value of {name} must match the pattern {pat}."
                    )),
                );
                b.block(v);
            }
            b
        });
        let hatches = self
            .m
            .roles
            .values()
            .flat_map(|r| r.hatches.iter().map(move |&h| hatch_variable(r, h)));
        std::iter::once(convention(create))
            .chain(params)
            .chain(stack_name_variable(self.m))
            .chain(hatches)
            .chain(std::iter::once(convention(tags)))
            .collect()
    }
}

/// The variable of a role's escape hatch: null (or empty) by default, so the module deploys
/// what the spec says.
fn hatch_variable(r: &Role, h: Hatch) -> Block {
    let name = h.tf_var(&r.id);
    let mut b = Block::new("variable", &[&name]);
    let (ty, default) = match h {
        Hatch::AdditionalPolicyArns => ("list(string)", "[]"),
        Hatch::MaxSessionDuration => ("number", "null"),
        _ => ("string", "null"),
    };
    b.attr("type", ty);
    b.attr("default", default);
    b.attr("description", quote_literal(&h.describe(&r.id)));
    if h == Hatch::MaxSessionDuration {
        let mut v = Block::new("validation", &[]);
        v.attr(
            "condition",
            format!("var.{name} == null ? true : var.{name} >= 3600 && var.{name} <= 43200"),
        );
        v.attr(
            "error_message",
            quote_literal(&format!(
                "The value of {name} must be null or 3600 to 43200 seconds."
            )),
        );
        b.block(v);
    }
    b
}

/// A parameter value as an HCL literal.
fn value_expr(v: &ParamValue) -> Expr {
    match v {
        ParamValue::Str(s) => Expr::Inline(quote_literal(s)),
        ParamValue::Number(n) => Expr::Inline(n.clone()),
        ParamValue::Bool(b) => Expr::Inline(b.to_string()),
        ParamValue::List(items) => {
            policy::list_expr(items.iter().map(|s| quote_literal(s)).collect())
        }
    }
}
