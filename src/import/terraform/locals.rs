//! `locals` blocks: every `local.name` is replaced by the expression it names before the
//! module is read, as Terraform evaluates it (a local is a pure expression over variables,
//! data sources, resources and other locals), so what the importer reads through a local it
//! reads exactly as if written in place. A local that refers to itself, an undeclared one,
//! or uses beyond [`MAX_NODES`] are left as written and reported where they appear.

use super::hcl::{Block, Body, Expr, Item, Step, TPart};
use std::collections::HashMap;

/// Most expression nodes the substitution visits (a local used twice in another doubles its
/// size at every level): past it, the remaining `local.…` are left as written.
const MAX_NODES: usize = 1_000_000;

/// The module's locals by name, and the substitution's state.
pub(super) struct Locals {
    defs: HashMap<String, Expr>,
    /// Locals being substituted: one that refers to itself is left as written.
    active: Vec<String>,
    nodes: usize,
}

impl Locals {
    /// The attributes of every `locals` block of the module (a later one of the same name
    /// wins, as Terraform rejects duplicates anyway).
    pub(super) fn collect(blocks: &[(usize, Block)]) -> Locals {
        let mut defs = HashMap::new();
        for (_, b) in blocks.iter().filter(|(_, b)| b.kind == "locals") {
            for item in &b.body.items {
                if let Item::Attr(a) = item {
                    defs.insert(a.name.clone(), a.expr.clone());
                }
            }
        }
        Locals {
            defs,
            active: Vec::new(),
            nodes: 0,
        }
    }

    /// Substitutes the locals in every block other than `locals` itself.
    pub(super) fn substitute(mut self, blocks: &mut [(usize, Block)]) {
        if self.defs.is_empty() {
            return;
        }
        for (_, b) in blocks.iter_mut().filter(|(_, b)| b.kind != "locals") {
            self.body(&mut b.body);
        }
    }

    fn body(&mut self, b: &mut Body) {
        for item in &mut b.items {
            match item {
                Item::Attr(a) => self.expr(&mut a.expr),
                Item::Block(k) => self.body(&mut k.body),
            }
        }
    }

    fn steps(&mut self, steps: &mut [Step]) {
        for s in steps {
            if let Step::Index(e) = s {
                self.expr(e);
            }
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return;
        }
        if let Expr::Var(root, steps) = e {
            if root == "local" {
                if let Some(Step::Attr(name)) = steps.first() {
                    let name = name.clone();
                    if let Some(value) = self.value(&name) {
                        let mut rest: Vec<Step> = steps[1..].to_vec();
                        self.steps(&mut rest);
                        *e = match value {
                            Expr::Var(r, mut s) => {
                                s.extend(rest);
                                Expr::Var(r, s)
                            }
                            Expr::Get(x, mut s) => {
                                s.extend(rest);
                                Expr::Get(x, s)
                            }
                            v if rest.is_empty() => v,
                            v => Expr::Get(Box::new(v), rest),
                        };
                        return;
                    }
                }
            }
        }
        match e {
            Expr::Null | Expr::Bool(_) | Expr::Num(_) => {}
            Expr::Str(parts) => {
                for p in parts {
                    if let TPart::Interp(x) = p {
                        self.expr(x);
                    }
                }
            }
            Expr::Tuple(items) => items.iter_mut().for_each(|x| self.expr(x)),
            Expr::Object(items) => {
                for (k, v) in items {
                    self.expr(k);
                    self.expr(v);
                }
            }
            Expr::Var(_, steps) => self.steps(steps),
            Expr::Call(_, args, _) => args.iter_mut().for_each(|x| self.expr(x)),
            Expr::Cond(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            Expr::Unary(_, x) => self.expr(x),
            Expr::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::ForTuple {
                coll, body, cond, ..
            } => {
                self.expr(coll);
                self.expr(body);
                if let Some(c) = cond {
                    self.expr(c);
                }
            }
            Expr::ForObject { coll } => self.expr(coll),
            Expr::Get(x, steps) => {
                self.expr(x);
                self.steps(steps);
            }
        }
    }

    /// The expression of `local.name` with the locals in it substituted; `None` when it is not
    /// declared or refers to itself.
    fn value(&mut self, name: &str) -> Option<Expr> {
        if self.active.iter().any(|a| a == name) {
            return None;
        }
        let mut v = self.defs.get(name)?.clone();
        self.active.push(name.to_owned());
        self.expr(&mut v);
        self.active.pop();
        Some(v)
    }
}
