//! The expression walk of the evaluation: references through the `for`/`each`/`count`
//! bindings, traversal steps, templates, conditionals, operators, `for` expressions
//! over written lists and objects, and calls (with `try` and the `...` expansion).

use super::functions::{apply, push_part};
use super::values::{cannot_fail, elements, known, step, text, to_json};
use super::{Eval, Fail, MAX_NODES};
use crate::import::hcl::{Expr, Step, TPart};

impl Eval {
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
