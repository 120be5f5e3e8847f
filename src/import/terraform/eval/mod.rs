//! Evaluation of what is known when the module is read: Terraform's common functions
//! (`concat`, `flatten`, `distinct`, `compact`, `format`, `join`, `merge`, `lookup`, `try`,
//! `jsonencode`/`jsondecode`, `coalesce`, `tolist`/`toset`/`tostring`, `length`, `element`)
//! on literal arguments, conditionals on literal conditions, `for` expressions and `dynamic`
//! blocks over literal lists and objects (a `dynamic "statement"` over a list of objects
//! becomes one `statement` block per element), the `...` expansion of a literal list,
//! attributes that are `null` (unset, as Terraform reads them), `for_each` over a written
//! map or set on roles, managed policies, instance profiles, policy documents, inline
//! policies and attachments (one block per instance), and a known `count` (`N`,
//! `c ? N : 0`) on inline policies and attachments (one block per index, each under the
//! switch `c`). It runs after locals are substituted, so `local.statements` is a literal
//! the importer can expand.
//!
//! What depends on a variable stays as written, except where the result is a string
//! template the spec carries exactly: `format` with `%s` verbs and `join` over a written list
//! become `"…${x}…"`. A value Terraform itself would fail on (a missing object attribute
//! outside `try`, an index out of range, interpolating a list) is reported and replaced by
//! an expression no reader accepts, so what holds it is reported as lost, never guessed.
//!
//! This file expands blocks (`for_each`, `count`, `dynamic`); the expression walk is in
//! `expr`, the function library in `functions`, and what a known value is in `values`.

mod expr;
mod functions;
mod values;

use super::hcl::{Block, Body, Expr, Item};
use values::{elements, failed, known, lit};

/// Most expression nodes the evaluation visits; past it, expressions are left as written.
const MAX_NODES: usize = 2_000_000;

/// A value Terraform would fail on, with why.
#[derive(Debug, Clone)]
pub(super) struct Fail(pub(super) String);

/// What the evaluation found wrong: the file, line, the block's address and why.
pub(super) type Problem = (usize, usize, String, String);

/// The evaluator's state: iterator bindings and the node budget.
struct Eval {
    env: Vec<(String, Expr)>,
    nodes: usize,
    problems: Vec<Problem>,
    file: usize,
    addr: String,
}

/// Resource and data source types whose `for_each` over a written map or set is expanded
/// into one block per element (references name an instance by the key written:
/// `aws_iam_role.x["key"]`).
const EXPANDED: &[&str] = &[
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_instance_profile",
    "aws_iam_policy_document",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
];

/// Resource types whose `count` known when the module is read (`N`, `c ? N : 0`) is
/// expanded into one block per index, `count.index` in place (nothing refers to them).
const COUNTED: &[&str] = &[
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
];

/// Most instances a known `count` is expanded into.
const MAX_COUNT: usize = 1_000;

/// Evaluates what is known in every `resource` and `data` block (see the module docs);
/// blocks of the [`EXPANDED`] types with a `for_each` over a written map or set become one
/// block per element, named `name["key"]`, with `each.key` and `each.value` in place.
pub(super) fn fold_blocks(blocks: &mut Vec<(usize, Block)>) -> Vec<Problem> {
    let mut ev = Eval {
        env: Vec::new(),
        nodes: 0,
        problems: Vec::new(),
        file: 0,
        addr: String::new(),
    };
    for (fi, mut b) in std::mem::take(blocks) {
        if b.kind != "resource" && b.kind != "data" {
            blocks.push((fi, b));
            continue;
        }
        ev.file = fi;
        ev.addr = format!("{}.{}", b.kind, b.labels.join("."));
        let expandable = b
            .labels
            .first()
            .is_some_and(|t| EXPANDED.contains(&t.as_str()));
        let ty = b.labels.first().map(String::as_str).unwrap_or_default();
        let each = match b.body.attr("for_each") {
            Some(a) if expandable => ev.fold(&a.expr).ok().and_then(|e| instances(&e)),
            _ => None,
        };
        let count = match b.body.attr("count") {
            Some(a) if COUNTED.contains(&ty) => ev.fold(&a.expr).ok().and_then(|e| counted(&e)),
            _ => None,
        };
        let name = b.labels.get(1).cloned().unwrap_or_default();
        match (each, count) {
            (Some(each), _) => {
                b.body
                    .items
                    .retain(|i| !matches!(i, Item::Attr(a) if a.name == "for_each"));
                for (k, v) in each {
                    let binding =
                        Expr::Object(vec![(lit("key"), lit(k.clone())), (lit("value"), v)]);
                    blocks.push((
                        fi,
                        ev.instance(&b, format!("{name}[\"{k}\"]"), ("each", binding)),
                    ));
                }
            }
            // One instance: `count.index` is 0, the resource reads as written.
            (None, Some((1, _))) => {
                let index = Expr::Object(vec![(lit("index"), Expr::Num("0".into()))]);
                ev.env.push(("count".into(), index));
                ev.body(&mut b.body);
                ev.env.pop();
                blocks.push((fi, b));
            }
            (None, Some((n, cond))) => {
                // Each instance keeps the switch: `c ? N : 0` is N resources under `c`.
                b.body
                    .items
                    .retain(|i| !matches!(i, Item::Attr(a) if a.name == "count"));
                if let Some(c) = cond {
                    b.body.items.insert(
                        0,
                        Item::Attr(super::hcl::Attr {
                            name: "count".into(),
                            expr: Expr::Cond(
                                Box::new(c),
                                Box::new(Expr::Num("1".into())),
                                Box::new(Expr::Num("0".into())),
                            ),
                            line: b.line,
                        }),
                    );
                }
                for i in 0..n {
                    let index = Expr::Object(vec![(lit("index"), Expr::Num(i.to_string()))]);
                    blocks.push((
                        fi,
                        ev.instance(&b, format!("{name}[{i}]"), ("count", index)),
                    ));
                }
            }
            (None, None) => {
                ev.body(&mut b.body);
                blocks.push((fi, b));
            }
        }
    }
    ev.problems
}

/// `e` with what is known evaluated as [`fold_blocks`] evaluates an attribute (as written when
/// that fails): a local's expression, to compare with what it became where it is used.
pub(super) fn fold_expr(e: &Expr) -> Expr {
    let mut ev = Eval {
        env: Vec::new(),
        nodes: 0,
        problems: Vec::new(),
        file: 0,
        addr: String::new(),
    };
    ev.fold(e).unwrap_or_else(|_| e.clone())
}

/// A `count` known when the module is read: `N`, or `c ? N : 0` (N instances under the
/// switch `c`), at most [`MAX_COUNT`].
fn counted(e: &Expr) -> Option<(usize, Option<Expr>)> {
    let n = |x: &Expr| match x {
        Expr::Num(n) => n.parse::<usize>().ok().filter(|n| *n <= MAX_COUNT),
        _ => None,
    };
    match e {
        Expr::Num(_) => Some((n(e)?, None)),
        Expr::Cond(c, a, z) if z.literal().as_deref() == Some("0") && !known(c) => {
            Some((n(a)?, Some((**c).clone())))
        }
        _ => None,
    }
}

/// The instances of a `for_each`: a written map (key, value) in the lexical order of its
/// keys, or a set of known strings (each key is its value).
fn instances(e: &Expr) -> Option<Vec<(String, Expr)>> {
    match e {
        Expr::Tuple(items) => items
            .iter()
            .map(|i| match i {
                Expr::Str(_) => i.literal().map(|k| (k, i.clone())),
                _ => None,
            })
            .collect(),
        Expr::Object(_) => elements(e)?
            .into_iter()
            .map(|(k, v)| Some((k.literal()?, v)))
            .collect(),
        _ => None,
    }
}

impl Eval {
    /// One instance of a block: named `label`, with `each` or `count` bound, evaluated.
    fn instance(&mut self, b: &Block, label: String, binding: (&str, Expr)) -> Block {
        let mut one = b.clone();
        if let Some(l) = one.labels.get_mut(1) {
            *l = label;
        }
        self.addr = format!("{}.{}", one.kind, one.labels.join("."));
        self.env.push((binding.0.to_owned(), binding.1));
        self.body(&mut one.body);
        self.env.pop();
        one
    }

    fn body(&mut self, b: &mut Body) {
        let items = std::mem::take(&mut b.items);
        for item in items {
            match item {
                Item::Attr(mut a) => match self.fold_attr(&a.expr) {
                    // A null argument is an unset one.
                    Ok(Expr::Null) => {}
                    Ok(e) => {
                        a.expr = e;
                        b.items.push(Item::Attr(a));
                    }
                    Err(Fail(why)) => {
                        self.problems.push((
                            self.file,
                            a.line,
                            self.addr.clone(),
                            format!("`{}` fails in Terraform: {why}; not imported", a.name),
                        ));
                        a.expr = failed();
                        b.items.push(Item::Attr(a));
                    }
                },
                Item::Block(k) if k.kind == "dynamic" => self.dynamic(k, &mut b.items),
                Item::Block(mut k) => {
                    self.body(&mut k.body);
                    b.items.push(Item::Block(k));
                }
            }
        }
    }

    /// `dynamic "label" { for_each = …, iterator = …, content { … } }`: one `label` block per
    /// element of a written list or object; `c ? [elements] : []` (or the other way round)
    /// becomes one `dynamic` switch `c ? [1] : []` per element. Otherwise kept, with what
    /// is known in it evaluated.
    fn dynamic(&mut self, mut d: Block, out: &mut Vec<Item>) {
        let label = d.labels.first().cloned().unwrap_or_default();
        let it = match d.body.attr("iterator").map(|a| &a.expr) {
            Some(Expr::Var(n, s)) if s.is_empty() => n.clone(),
            _ => label.clone(),
        };
        let fe = d.body.attr("for_each").map(|a| self.fold(&a.expr));
        let content: Vec<Block> = d.body.blocks("content").cloned().collect();
        let plain = d.body.items.iter().all(|i| {
            matches!(i, Item::Attr(a) if a.name == "for_each" || a.name == "iterator")
                || matches!(i, Item::Block(b) if b.kind == "content")
        });
        let expand =
            |ev: &mut Eval, coll: &[(Expr, Expr)], sw: Option<&Expr>, out: &mut Vec<Item>| {
                for (k, v) in coll {
                    ev.env.push((
                        it.clone(),
                        Expr::Object(vec![(lit("key"), k.clone()), (lit("value"), v.clone())]),
                    ));
                    for c in &content {
                        let mut body = c.body.clone();
                        ev.body(&mut body);
                        let block = match sw {
                            None => Block {
                                kind: label.clone(),
                                labels: Vec::new(),
                                body,
                                line: c.line,
                            },
                            Some(cond) => Block {
                                kind: "dynamic".into(),
                                labels: vec![label.clone()],
                                body: Body {
                                    items: vec![
                                        Item::Attr(super::hcl::Attr {
                                            name: "for_each".into(),
                                            expr: Expr::Cond(
                                                Box::new(cond.clone()),
                                                Box::new(Expr::Tuple(vec![Expr::Num("1".into())])),
                                                Box::new(Expr::Tuple(Vec::new())),
                                            ),
                                            line: d.line,
                                        }),
                                        Item::Block(Block {
                                            kind: "content".into(),
                                            labels: Vec::new(),
                                            body,
                                            line: c.line,
                                        }),
                                    ],
                                },
                                line: d.line,
                            },
                        };
                        out.push(Item::Block(block));
                    }
                    ev.env.pop();
                }
            };
        if plain {
            match &fe {
                Some(Ok(e)) => {
                    if let Some(coll) = elements(e) {
                        expand(self, &coll, None, out);
                        return;
                    }
                    if let Expr::Cond(c, a, z) = e {
                        let empty = |x: &Expr| matches!(x, Expr::Tuple(v) if v.is_empty());
                        let (cond, coll) = if empty(z) {
                            ((**c).clone(), elements(a))
                        } else if empty(a) && !empty(z) {
                            (Expr::Unary('!', c.clone()), elements(z))
                        } else {
                            (Expr::Null, None)
                        };
                        if let Some(coll) = coll {
                            expand(self, &coll, Some(&cond), out);
                            return;
                        }
                    }
                }
                Some(Err(Fail(why))) => {
                    self.problems.push((
                        self.file,
                        d.line,
                        self.addr.clone(),
                        format!("the dynamic block's `for_each` fails in Terraform: {why}; not imported"),
                    ));
                }
                None => {}
            }
        }
        // Kept: the iterator stays itself inside.
        self.env.push((it.clone(), Expr::Var(it, Vec::new())));
        self.body(&mut d.body);
        self.env.pop();
        out.push(Item::Block(d));
    }

    /// An attribute's value; `jsonencode(…)` as the whole value stays a call (its argument
    /// evaluated), which the importer reads as a policy document element by element.
    fn fold_attr(&mut self, e: &Expr) -> Result<Expr, Fail> {
        match e {
            Expr::Call(f, args, false) if f == "jsonencode" && args.len() == 1 => {
                Ok(Expr::Call(f.clone(), vec![self.fold(&args[0])?], false))
            }
            other => self.fold(other),
        }
    }
}
