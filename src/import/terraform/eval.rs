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

use super::hcl::{Block, Body, Expr, Item, Step, TPart};

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

/// A value with nothing left to evaluate: literals, and lists and objects of them.
pub(super) fn known(e: &Expr) -> bool {
    match e {
        Expr::Null | Expr::Bool(_) | Expr::Num(_) => true,
        Expr::Str(parts) => parts.iter().all(|p| matches!(p, TPart::Lit(_))),
        Expr::Tuple(items) => items.iter().all(known),
        Expr::Object(items) => items.iter().all(|(k, v)| k.literal().is_some() && known(v)),
        _ => false,
    }
}

fn lit(s: impl Into<String>) -> Expr {
    let s = s.into();
    Expr::Str(if s.is_empty() {
        Vec::new()
    } else {
        vec![TPart::Lit(s)]
    })
}

/// The text of a known scalar, as string interpolation writes it.
fn text(e: &Expr) -> Option<String> {
    match e {
        Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) => e.literal(),
        _ => None,
    }
}

/// An expression that is a reference Terraform cannot fail on while evaluating (a
/// variable, or a template of them): `try` may take it as its value.
fn cannot_fail(e: &Expr) -> bool {
    match e {
        Expr::Var(root, steps) => root == "var" && matches!(steps.as_slice(), [Step::Attr(_)]),
        Expr::Str(parts) => parts.iter().all(|p| match p {
            TPart::Lit(_) => true,
            TPart::Interp(x) => cannot_fail(x),
        }),
        Expr::Tuple(items) => items.iter().all(cannot_fail),
        Expr::Object(items) => items.iter().all(|(k, v)| cannot_fail(k) && cannot_fail(v)),
        other => known(other),
    }
}

/// The elements to iterate over, `(key, value)`, of a written list or object (an object in
/// the lexical order of its keys, as Terraform iterates maps); `None` for anything else.
fn elements(e: &Expr) -> Option<Vec<(Expr, Expr)>> {
    match e {
        Expr::Tuple(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Expr::Num(i.to_string()), v.clone()))
                .collect(),
        ),
        Expr::Object(items) => {
            let mut v: Vec<(String, Expr)> = items
                .iter()
                .map(|(k, v)| Some((k.literal()?, v.clone())))
                .collect::<Option<_>>()?;
            v.sort_by(|a, b| a.0.cmp(&b.0));
            Some(v.into_iter().map(|(k, v)| (lit(k), v)).collect())
        }
        _ => None,
    }
}

/// The member `k` of a written object: `None` when a key is not known, `Some(None)` when
/// there is no such member.
fn member(items: &[(Expr, Expr)], k: &str) -> Option<Option<Expr>> {
    if items.iter().any(|(key, _)| key.literal().is_none()) {
        return None;
    }
    Some(
        items
            .iter()
            .rev()
            .find(|(key, _)| key.literal().as_deref() == Some(k))
            .map(|(_, v)| v.clone()),
    )
}

/// One traversal step on a value: `Ok(None)` when the value is not written out enough to
/// tell.
fn step(v: &Expr, s: &Step) -> Result<Option<Expr>, Fail> {
    let key = match s {
        Step::Attr(a) => Some(a.clone()),
        Step::Index(i) => text(i),
        Step::Splat => return Ok(None),
    };
    match (v, key) {
        (Expr::Object(items), Some(k)) => match member(items, &k) {
            None => Ok(None),
            Some(Some(x)) => Ok(Some(x)),
            Some(None) => Err(Fail(format!("the object has no attribute `{k}`"))),
        },
        (Expr::Tuple(items), Some(k)) if matches!(s, Step::Index(_)) => {
            let i: usize = k
                .parse()
                .map_err(|_| Fail(format!("`{k}` is not a list index")))?;
            match items.get(i) {
                Some(x) => Ok(Some(x.clone())),
                None => Err(Fail(format!(
                    "index {i} is out of range (the list has {} items)",
                    items.len()
                ))),
            }
        }
        (Expr::Null, _) => Err(Fail("an attribute of null".into())),
        (x, _) if known(x) => Err(Fail("this value has no attributes or items".into())),
        _ => Ok(None),
    }
}

/// A known value as JSON (object keys sorted, as Terraform's `jsonencode` writes them).
fn to_json(e: &Expr) -> Option<serde_json::Value> {
    use serde_json::Value as V;
    Some(match e {
        Expr::Null => V::Null,
        Expr::Bool(b) => V::Bool(*b),
        Expr::Num(n) => V::Number(n.parse().ok()?),
        Expr::Str(_) => V::String(e.literal()?),
        Expr::Tuple(items) => V::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Expr::Object(items) => {
            let mut m = serde_json::Map::new();
            let mut kv: Vec<(String, V)> = items
                .iter()
                .map(|(k, v)| Some((k.literal()?, to_json(v)?)))
                .collect::<Option<_>>()?;
            kv.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, v) in kv {
                m.insert(k, v);
            }
            V::Object(m)
        }
        _ => return None,
    })
}

fn from_json(v: &serde_json::Value) -> Expr {
    use serde_json::Value as V;
    match v {
        V::Null => Expr::Null,
        V::Bool(b) => Expr::Bool(*b),
        V::Number(n) => Expr::Num(n.to_string()),
        V::String(s) => lit(s.clone()),
        V::Array(a) => Expr::Tuple(a.iter().map(from_json).collect()),
        V::Object(m) => Expr::Object(
            m.iter()
                .map(|(k, v)| (lit(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

/// The expression put where a value fails: no reader accepts it, so it is reported as lost.
fn failed() -> Expr {
    Expr::Get(Box::new(Expr::Null), Vec::new())
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

    fn tick(&mut self) -> bool {
        self.nodes += 1;
        self.nodes <= MAX_NODES
    }

    fn fold_all(&mut self, items: &[Expr]) -> Result<Vec<Expr>, Fail> {
        items.iter().map(|x| self.fold(x)).collect()
    }

    /// Steps on a value, as far as they can be taken.
    fn walk(&mut self, mut v: Expr, steps: &[Step]) -> Result<Expr, Fail> {
        let mut rest = steps.iter();
        while let Some(s) = rest.next() {
            let s = match s {
                Step::Index(i) => Step::Index(self.fold(i)?),
                other => other.clone(),
            };
            match step(&v, &s)? {
                Some(x) => v = x,
                None => {
                    let mut left = vec![s];
                    for s in rest {
                        left.push(match s {
                            Step::Index(i) => Step::Index(self.fold(i)?),
                            other => other.clone(),
                        });
                    }
                    return Ok(match v {
                        Expr::Var(r, mut s0) => {
                            s0.extend(left);
                            Expr::Var(r, s0)
                        }
                        other => Expr::Get(Box::new(other), left),
                    });
                }
            }
        }
        Ok(v)
    }

    /// The expression with what is known evaluated.
    pub(super) fn fold(&mut self, e: &Expr) -> Result<Expr, Fail> {
        if !self.tick() {
            return Ok(e.clone());
        }
        Ok(match e {
            Expr::Null | Expr::Bool(_) | Expr::Num(_) => e.clone(),
            Expr::Str(parts) => {
                let mut out: Vec<TPart> = Vec::new();
                for p in parts {
                    let p = match p {
                        TPart::Lit(l) => TPart::Lit(l.clone()),
                        TPart::Interp(x) => {
                            let v = self.fold(x)?;
                            match text(&v) {
                                Some(t) => TPart::Lit(t),
                                None if matches!(v, Expr::Null) => {
                                    return Err(Fail("a null value in a string template".into()))
                                }
                                None if known(&v) => {
                                    return Err(Fail(
                                        "a list or object in a string template".into(),
                                    ))
                                }
                                None => TPart::Interp(v),
                            }
                        }
                    };
                    push_part(&mut out, p);
                }
                Expr::Str(out)
            }
            Expr::Tuple(items) => Expr::Tuple(self.fold_all(items)?),
            Expr::Object(items) => Expr::Object(
                items
                    .iter()
                    .map(|(k, v)| Ok((self.fold(k)?, self.fold(v)?)))
                    .collect::<Result<_, Fail>>()?,
            ),
            Expr::Var(root, steps) => {
                match self
                    .env
                    .iter()
                    .rev()
                    .find(|(n, _)| n == root)
                    .map(|(_, v)| v.clone())
                {
                    Some(v) => self.walk(v, steps)?,
                    None => {
                        let mut s = Vec::with_capacity(steps.len());
                        for st in steps {
                            s.push(match st {
                                Step::Index(i) => Step::Index(self.fold(i)?),
                                other => other.clone(),
                            });
                        }
                        Expr::Var(root.clone(), s)
                    }
                }
            }
            Expr::Get(x, steps) => {
                let v = self.fold(x)?;
                self.walk(v, steps)?
            }
            Expr::Cond(c, a, z) => {
                let c = self.fold(c)?;
                match c {
                    Expr::Bool(true) => self.fold(a)?,
                    Expr::Bool(false) => self.fold(z)?,
                    Expr::Null => return Err(Fail("a null condition".into())),
                    c => Expr::Cond(
                        Box::new(c),
                        Box::new(self.fold(a)?),
                        Box::new(self.fold(z)?),
                    ),
                }
            }
            Expr::Unary(op, x) => match (op, self.fold(x)?) {
                ('!', Expr::Bool(b)) => Expr::Bool(!b),
                (op, x) => Expr::Unary(*op, Box::new(x)),
            },
            Expr::Binary(op, a, b) => {
                let (a, b) = (self.fold(a)?, self.fold(b)?);
                match (op.as_str(), &a, &b) {
                    ("&&", Expr::Bool(x), Expr::Bool(y)) => Expr::Bool(*x && *y),
                    ("||", Expr::Bool(x), Expr::Bool(y)) => Expr::Bool(*x || *y),
                    ("==" | "!=", x, y) if known(x) && known(y) && !matches!(x, Expr::Num(_)) => {
                        Expr::Bool((to_json(x) == to_json(y)) == (op == "=="))
                    }
                    _ => Expr::Binary(op.clone(), Box::new(a), Box::new(b)),
                }
            }
            Expr::ForTuple {
                key,
                value,
                coll,
                body,
                cond,
            } => {
                let c = self.fold(coll)?;
                match elements(&c) {
                    Some(els) => {
                        let mut out = Vec::new();
                        let mut whole = true;
                        for (k, v) in els {
                            let n = self.env.len();
                            if let Some(kn) = key {
                                self.env.push((kn.clone(), k));
                            }
                            self.env.push((value.clone(), v));
                            let keep = match cond {
                                Some(f) => self.fold(f),
                                None => Ok(Expr::Bool(true)),
                            };
                            let r = match keep {
                                Ok(Expr::Bool(true)) => self.fold(body).map(Some),
                                Ok(Expr::Bool(false)) => Ok(None),
                                Ok(_) => {
                                    whole = false;
                                    Ok(None)
                                }
                                Err(f) => Err(f),
                            };
                            self.env.truncate(n);
                            if let Some(x) = r? {
                                out.push(x);
                            }
                        }
                        if whole {
                            Expr::Tuple(out)
                        } else {
                            e.clone()
                        }
                    }
                    None => {
                        let n = self.env.len();
                        for v in key.iter().chain(std::iter::once(value)) {
                            self.env.push((v.clone(), Expr::Var(v.clone(), Vec::new())));
                        }
                        let b = self.fold(body);
                        let f = cond.as_ref().map(|f| self.fold(f)).transpose();
                        self.env.truncate(n);
                        Expr::ForTuple {
                            key: key.clone(),
                            value: value.clone(),
                            coll: Box::new(c),
                            body: Box::new(b?),
                            cond: f?.map(Box::new),
                        }
                    }
                }
            }
            Expr::ForObject { .. } => e.clone(),
            Expr::Call(f, args, expand) => self.call(f, args, *expand)?,
        })
    }

    fn call(&mut self, f: &str, args: &[Expr], expand: bool) -> Result<Expr, Fail> {
        if f == "try" && !expand {
            let mut last = None;
            for a in args {
                match self.fold(a) {
                    Ok(v) if known(&v) || cannot_fail(&v) => return Ok(v),
                    // It may fail or not: the spec cannot say which value it takes.
                    Ok(_) => {
                        return Ok(Expr::Call(f.to_owned(), self.fold_all_lenient(args), false))
                    }
                    Err(why) => last = Some(why),
                }
            }
            return Err(last.unwrap_or_else(|| Fail("`try()` without arguments".into())));
        }
        let mut args = self.fold_all(args)?;
        let mut expand = expand;
        if expand {
            if let Some(Expr::Tuple(items)) = args.last().cloned() {
                args.pop();
                args.extend(items);
                expand = false;
            }
        }
        if expand {
            return Ok(Expr::Call(f.to_owned(), args, true));
        }
        Ok(match apply(f, &args)? {
            Some(v) => v,
            None => Expr::Call(f.to_owned(), args, false),
        })
    }

    /// Arguments evaluated where they can be, as written where they fail.
    fn fold_all_lenient(&mut self, args: &[Expr]) -> Vec<Expr> {
        args.iter()
            .map(|a| self.fold(a).unwrap_or_else(|_| a.clone()))
            .collect()
    }
}

/// A function on evaluated arguments: `Ok(None)` when they are not known enough.
fn apply(f: &str, args: &[Expr]) -> Result<Option<Expr>, Fail> {
    let all_known = args.iter().all(known);
    Ok(match (f, args) {
        ("concat", _) => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Expr::Tuple(items) => out.extend(items.iter().cloned()),
                    _ => return Ok(None),
                }
            }
            Some(Expr::Tuple(out))
        }
        ("flatten", [Expr::Tuple(items)]) => {
            fn flat(items: &[Expr], out: &mut Vec<Expr>) -> bool {
                for i in items {
                    match i {
                        Expr::Tuple(inner) => {
                            if !flat(inner, out) {
                                return false;
                            }
                        }
                        Expr::Str(_)
                        | Expr::Num(_)
                        | Expr::Bool(_)
                        | Expr::Null
                        | Expr::Object(_) => out.push(i.clone()),
                        _ => return false,
                    }
                }
                true
            }
            let mut out = Vec::new();
            flat(items, &mut out).then_some(Expr::Tuple(out))
        }
        ("distinct", [Expr::Tuple(items)]) if all_known => Some(Expr::Tuple(distinct(items))),
        ("compact", [Expr::Tuple(items)]) if all_known => Some(Expr::Tuple(
            items
                .iter()
                .filter(|i| !matches!(i, Expr::Null) && i.literal().as_deref() != Some(""))
                .cloned()
                .collect(),
        )),
        ("tolist", [x @ Expr::Tuple(_)]) => Some(x.clone()),
        // A set of strings: distinct, in lexical order when every string is known (a
        // template's place in that order is not known; attachments do not depend on it).
        ("toset", [Expr::Tuple(items)]) if items.iter().all(|x| matches!(x, Expr::Str(_))) => {
            let mut v = distinct(items);
            if v.iter().all(known) {
                v.sort_by_key(Expr::literal);
            }
            Some(Expr::Tuple(v))
        }
        ("toset", [Expr::Tuple(items)]) if all_known => Some(Expr::Tuple(distinct(items))),
        ("tostring", [x]) => text(x).map(lit),
        ("element", [Expr::Tuple(items), Expr::Num(n)]) => {
            let n: usize = n
                .parse()
                .map_err(|_| Fail(format!("`element` index `{n}` is not a whole number")))?;
            if items.is_empty() {
                return Err(Fail("`element` of an empty list".into()));
            }
            Some(items[n % items.len()].clone())
        }
        ("length", [Expr::Tuple(v)]) => Some(Expr::Num(v.len().to_string())),
        ("length", [Expr::Object(v)]) => Some(Expr::Num(v.len().to_string())),
        ("format", [fmt, rest @ ..]) => match fmt.literal() {
            Some(fmt) => format(&fmt, rest)?,
            None => None,
        },
        ("join", [sep, lists @ ..]) if !lists.is_empty() => {
            let Some(sep) = sep.literal() else {
                return Ok(None);
            };
            let mut parts = Vec::new();
            for l in lists {
                let Expr::Tuple(items) = l else {
                    return Ok(None);
                };
                for i in items {
                    if !parts.is_empty() {
                        parts.push(Expr::Str(vec![TPart::Lit(sep.clone())]));
                    }
                    match i {
                        Expr::Tuple(_) | Expr::Object(_) | Expr::Null => {
                            return Err(Fail("`join` of something other than strings".into()))
                        }
                        // A list variable among the items: not a string.
                        Expr::Var(..)
                        | Expr::Call(..)
                        | Expr::ForTuple { .. }
                        | Expr::Get(..)
                        | Expr::Cond(..) => return Ok(None),
                        other => parts.push(other.clone()),
                    }
                }
            }
            Some(template(parts))
        }
        ("merge", _) => {
            let mut out: Vec<(Expr, Expr)> = Vec::new();
            for a in args {
                match a {
                    Expr::Null => {}
                    Expr::Object(items) if items.iter().all(|(k, _)| k.literal().is_some()) => {
                        for (k, v) in items {
                            match out.iter_mut().find(|(x, _)| x.literal() == k.literal()) {
                                Some(e) => e.1 = v.clone(),
                                None => out.push((k.clone(), v.clone())),
                            }
                        }
                    }
                    _ => return Ok(None),
                }
            }
            Some(Expr::Object(out))
        }
        ("lookup", [m, k, rest @ ..]) if rest.len() <= 1 => {
            let (Expr::Object(items), Some(key)) = (m, text(k)) else {
                return Ok(None);
            };
            match member(items, &key) {
                None => None,
                Some(Some(v)) => Some(v),
                Some(None) => match rest.first() {
                    Some(d) => Some(d.clone()),
                    None => {
                        return Err(Fail(format!(
                            "the map has no key `{key}` and `lookup` has no default"
                        )))
                    }
                },
            }
        }
        ("jsonencode", [x]) => to_json(x).map(|j| lit(j.to_string())),
        ("jsondecode", [x]) => match x.literal() {
            Some(s) if matches!(x, Expr::Str(_)) => match serde_json::from_str(&s) {
                Ok(v) => Some(from_json(&v)),
                Err(e) => return Err(Fail(format!("`jsondecode` of text that is not JSON: {e}"))),
            },
            _ => None,
        },
        ("coalesce", _) => {
            for a in args {
                match a {
                    Expr::Null => {}
                    x if x.literal().as_deref() == Some("") && matches!(x, Expr::Str(_)) => {}
                    x if known(x) => return Ok(Some(x.clone())),
                    // Unknown whether it is null or empty: the spec cannot say which.
                    _ => return Ok(None),
                }
            }
            return Err(Fail(
                "no argument of `coalesce` is non-null and non-empty".into(),
            ));
        }
        _ => None,
    })
}

fn distinct(items: &[Expr]) -> Vec<Expr> {
    let mut v: Vec<Expr> = Vec::new();
    for i in items {
        if !v.contains(i) {
            v.push(i.clone());
        }
    }
    v
}

/// Appends a template part, joining literal text and leaving out empty text.
fn push_part(out: &mut Vec<TPart>, p: TPart) {
    match (&p, out.last_mut()) {
        (TPart::Lit(l), _) if l.is_empty() => {}
        (TPart::Lit(l), Some(TPart::Lit(prev))) => prev.push_str(l),
        _ => out.push(p),
    }
}

/// Strings and values joined into one string template.
fn template(parts: Vec<Expr>) -> Expr {
    let mut out: Vec<TPart> = Vec::new();
    for p in parts {
        let parts = match p {
            Expr::Str(ps) => ps,
            other => match text(&other) {
                Some(t) => vec![TPart::Lit(t)],
                None => vec![TPart::Interp(other)],
            },
        };
        for p in parts {
            push_part(&mut out, p);
        }
    }
    Expr::Str(out)
}

/// `format` with the verbs `%s`, `%v`, `%d` and `%%`: a string, or a string template when
/// an argument is not known (exact: `%s` writes a value as interpolation does). Other verbs
/// and flags are not evaluated.
fn format(fmt: &str, args: &[Expr]) -> Result<Option<Expr>, Fail> {
    let mut parts = Vec::new();
    let mut lit_buf = String::new();
    let mut next = args.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit_buf.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => lit_buf.push('%'),
            Some(v @ ('s' | 'v' | 'd')) => {
                let Some(a) = next.next() else {
                    return Err(Fail("`format` has fewer arguments than verbs".into()));
                };
                if v == 'd' && !matches!(a, Expr::Num(_)) {
                    return Ok(None);
                }
                match a {
                    Expr::Tuple(_) | Expr::Object(_) | Expr::Null => return Ok(None),
                    Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Var(..) => {}
                    _ => return Ok(None),
                }
                parts.push(lit(std::mem::take(&mut lit_buf)));
                parts.push(a.clone());
            }
            _ => return Ok(None),
        }
    }
    if next.next().is_some() {
        return Err(Fail("`format` has more arguments than verbs".into()));
    }
    parts.push(lit(lit_buf));
    Ok(Some(template(parts)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(src: &str) -> serde_json::Value {
        let body = crate::import::hcl::parse(&format!("x = {src}\n")).unwrap();
        let Some(Item::Attr(a)) = body.items.first() else {
            panic!("not an attribute: {src}");
        };
        let mut ev = Eval {
            env: Vec::new(),
            nodes: 0,
            problems: Vec::new(),
            file: 0,
            addr: String::new(),
        };
        let e = ev.fold(&a.expr).unwrap();
        to_json(&e).unwrap_or_else(|| panic!("not known: {src} → {e:?}"))
    }

    /// Each expected value is what `terraform console` of Terraform 1.11.4 printed for the
    /// same expression (a map iterates in key order, `compact` drops null and "", a set of
    /// strings is sorted, `jsonencode` sorts keys, `element` wraps around).
    #[test]
    fn functions_evaluate_as_terraform_does() {
        for (src, want) in [
            (
                "[for k, v in { sqs = 1, logs = 2 } : k]",
                json!(["logs", "sqs"]),
            ),
            (r#"compact(["a", "", null, "b"])"#, json!(["a", "b"])),
            (r#"toset(["b", "a", "b"])"#, json!(["a", "b"])),
            (
                "jsonencode({ b = 1, a = [true, null] })",
                json!("{\"a\":[true,null],\"b\":1}"),
            ),
            (r#"format("x-%s-%d%%", "a", 5)"#, json!("x-a-5%")),
            (r#"element(["a", "b"], 3)"#, json!("b")),
            (r#"coalesce(null, "", "z")"#, json!("z")),
            (
                "merge({ a = 1, b = 2 }, { a = 3 })",
                json!({"a": 3, "b": 2}),
            ),
            (r#"try({}.sid, "d")"#, json!("d")),
        ] {
            assert_eq!(value(src), want, "{src}");
        }
    }
}
