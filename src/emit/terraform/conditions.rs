//! Switches and named conditions in Terraform: the `count` gates, and a `locals` block with
//! one bool expression per named condition, evaluating as the CloudFormation `Conditions:` of
//! the same names do.

use super::hcl::{quote_literal, Block};
use super::{Tf, CREATE};
use crate::model::*;

/// How tightly a Terraform expression binds, loosest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Prec {
    Or,
    And,
    Compare,
    Atom,
}

impl Tf<'_> {
    /// A `when:` switch: `var.flag`, `!var.flag`, `local.is_prod`, `!local.is_prod`.
    pub(super) fn switch(&self, s: &Switch) -> String {
        super::hcl::switch_expr(s, &|p| self.var(p))
    }

    /// `var.create`, and the switches that apply: `var.create && var.a && !var.b`.
    pub(super) fn gate(&self, switches: &[&Option<Switch>]) -> String {
        let mut g = String::from(CREATE);
        for s in switches.iter().filter_map(|s| s.as_ref()) {
            g.push_str(" && ");
            g.push_str(&self.switch(s));
        }
        g
    }

    /// `locals { is_prod = var.env == "prod" }`: one local per named condition.
    pub(super) fn locals(&self) -> Option<Block> {
        if self.m.conditions.is_empty() {
            return None;
        }
        let mut b = Block::new("locals", &[]);
        for c in self.m.conditions.values() {
            b.attr(c.name.snake(), self.test(&c.test, Prec::Or));
        }
        Some(b)
    }

    /// A named condition's test as a Terraform expression, parenthesized when it would bind
    /// looser than `within`.
    fn test(&self, t: &Test, within: Prec) -> String {
        let (text, prec) = match t {
            Test::Flag(p) => (self.var(p), Prec::Atom),
            Test::Named(n, _) => (format!("local.{}", n.snake()), Prec::Atom),
            Test::Equals(p, v) => (
                format!("{} == {}", self.var(p), quote_literal(v)),
                Prec::Compare,
            ),
            // As CloudFormation reads a CommaDelimitedList: its items joined are not empty.
            Test::NotEmpty(p, true) => (
                format!("join(\"\", {}) != \"\"", self.var(p)),
                Prec::Compare,
            ),
            Test::NotEmpty(p, false) => (format!("{} != \"\"", self.var(p)), Prec::Compare),
            Test::And(v) => (self.join(v, " && ", Prec::And), Prec::And),
            Test::Or(v) => (self.join(v, " || ", Prec::Or), Prec::Or),
            Test::Not(x) => (format!("!{}", self.test(x, Prec::Atom)), Prec::Atom),
        };
        if prec < within {
            format!("({text})")
        } else {
            text
        }
    }

    fn join(&self, v: &[Test], op: &str, prec: Prec) -> String {
        let parts: Vec<String> = v.iter().map(|t| self.test(t, prec)).collect();
        parts.join(op)
    }
}
