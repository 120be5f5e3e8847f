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

pub(super) use crate::import::builder::Table;

/// The key a table that maps each entry straight to text (`{ us-east-1 = "127311923021" }`)
/// gets in the spec's mapping.
pub(super) const FLAT_KEY: &str = "value";

/// A local's value as a lookup table: an object of objects of strings or numbers
/// (`{ aws = { principal = "ec2.amazonaws.com" }, aws-cn = { … } }`), or an object of strings
/// or numbers, each entry then holding one key, [`FLAT_KEY`].
fn table(e: &Expr) -> Option<Table> {
    let key = |k: &Expr| match k {
        Expr::Var(name, steps) if steps.is_empty() => Some(name.clone()),
        k => k.literal(),
    };
    let Expr::Object(entries) = e else {
        return None;
    };
    let mut out = Vec::with_capacity(entries.len());
    let text = |x: &Expr| match x {
        Expr::Num(n) => Some(n.clone()),
        x => x.literal(),
    };
    if entries.iter().all(|(_, v)| text(v).is_some()) {
        return entries
            .iter()
            .map(|(k, v)| Some((key(k)?, vec![(FLAT_KEY.to_owned(), text(v)?)])))
            .collect::<Option<Table>>()
            .filter(|t| !t.is_empty());
    }
    for (k, v) in entries {
        let Expr::Object(fields) = v else { return None };
        let mut row = Vec::with_capacity(fields.len());
        for (f, x) in fields {
            let text = match x {
                Expr::Num(n) => n.clone(),
                x => x.literal()?,
            };
            row.push((key(f)?, text));
        }
        out.push((key(k)?, row));
    }
    (!out.is_empty()).then_some(out)
}

/// The module's locals by name, and the substitution's state.
pub(super) struct Locals {
    defs: HashMap<String, Expr>,
    /// The locals' names in the order they are declared.
    order: Vec<String>,
    /// The locals that are lookup tables ([`table`]): `local.X[<not a literal>]…` is left
    /// as written for the importer to read as a spec mapping lookup.
    tables: HashMap<String, Table>,
    /// Locals being substituted: one that refers to itself is left as written.
    active: Vec<String>,
    nodes: usize,
}

impl Locals {
    /// The attributes of every `locals` block of the module (a later one of the same name
    /// wins, as Terraform rejects duplicates anyway).
    pub(super) fn collect(blocks: &[(usize, Block)]) -> Locals {
        let mut defs = HashMap::new();
        let mut order = Vec::new();
        for (_, b) in blocks.iter().filter(|(_, b)| b.kind == "locals") {
            for item in &b.body.items {
                if let Item::Attr(a) = item {
                    if defs.insert(a.name.clone(), a.expr.clone()).is_none() {
                        order.push(a.name.clone());
                    }
                }
            }
        }
        let tables = defs
            .iter()
            .filter_map(|(n, e)| Some((n.clone(), table(e)?)))
            .collect();
        Locals {
            defs,
            order,
            tables,
            active: Vec::new(),
            nodes: 0,
        }
    }

    /// The locals that are lookup tables, by name.
    pub(super) fn tables(&self) -> HashMap<String, Table> {
        self.tables.clone()
    }

    /// The names of the tables that map each entry straight to text.
    pub(super) fn flat(&self) -> std::collections::HashSet<String> {
        self.defs
            .iter()
            .filter(|(n, e)| {
                self.tables.contains_key(*n)
                    && matches!(e, Expr::Object(v) if v.iter().all(|(_, x)| !matches!(x, Expr::Object(_))))
            })
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The locals that may be conditions (an operator at the top: `var.env == "prod"`,
    /// `!local.x`, `local.a || local.b`), in declaration order, each with the locals in it
    /// substituted as they are where they are used: the importer recovers a condition's name
    /// by matching what it reads with these.
    pub(super) fn conditions(&mut self) -> Vec<(String, Expr)> {
        let names: Vec<String> = self
            .order
            .iter()
            .filter(|n| {
                matches!(
                    self.defs.get(*n),
                    Some(Expr::Binary(..) | Expr::Unary('!', _))
                )
            })
            .cloned()
            .collect();
        let out = names
            .into_iter()
            .filter_map(|n| {
                let v = self.value(&n)?;
                Some((n, v))
            })
            .collect();
        // The substitution proper has its own budget.
        self.nodes = 0;
        out
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
                // A table indexed by a value known at deploy time: a mapping lookup.
                if let (Some(Step::Attr(name)), Some(Step::Index(k))) =
                    (steps.first(), steps.get(1))
                {
                    if self.tables.contains_key(name) && k.literal().is_none() {
                        let mut rest: Vec<Step> = steps[1..].to_vec();
                        self.steps(&mut rest);
                        steps.truncate(1);
                        steps.extend(rest);
                        return;
                    }
                }
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
            Expr::ForObject { coll, .. } => self.expr(coll),
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
