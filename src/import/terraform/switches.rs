//! `count = var.flag ? 1 : 0`, `for_each` and `dynamic` conditions as `when:` switches.

use super::*;

impl Tf {
    /// The switches a `count`/`for_each` condition is a conjunction of.
    pub(super) fn switches(&self, e: &Expr) -> Option<Vec<Sw>> {
        if !self.budget.tick() {
            return None;
        }
        match e {
            Expr::Var(r, s) if r == "var" => {
                let Some(Step::Attr(n)) = s.first() else {
                    return None;
                };
                if n == "create" && self.conventions.contains(n) {
                    // The module toggle: on whenever the spec's resources exist at all.
                    return Some(Vec::new());
                }
                match self.var_param(n) {
                    Some((p, ParamKind::Bool)) => Some(vec![Sw {
                        param: p,
                        neg: false,
                    }]),
                    _ => None,
                }
            }
            Expr::Unary('!', x) => match self.switches(x)?.as_slice() {
                [one] => Some(vec![Sw {
                    param: one.param.clone(),
                    neg: !one.neg,
                }]),
                _ => None,
            },
            Expr::Binary(op, a, b) if op == "&&" => {
                let mut v = self.switches(a)?;
                v.extend(self.switches(b)?);
                Some(v)
            }
            Expr::Binary(op, a, b) if op == "==" || op == "!=" => {
                let (x, lit) = match (&**a, &**b) {
                    (Expr::Bool(v), x) | (x, Expr::Bool(v)) => (x, *v),
                    _ => return None,
                };
                let [one] = self.switches(x)?.try_into().ok()?;
                let pos = lit == (op == "==");
                Some(vec![Sw {
                    param: one.param,
                    neg: one.neg == pos,
                }])
            }
            _ => None,
        }
    }

    /// One switch from a conjunction, after removing the parent's (`var.a && !var.b` on a
    /// role switched by `a`).
    /// `Ok(None)` always on; `Err` (reported) when the spec cannot express it: never "as if
    /// it were true".
    pub(super) fn one_switch(
        &mut self,
        e: &Expr,
        parent: &Option<Sw>,
        at: &At,
    ) -> Result<Option<Sw>, ()> {
        let Some(mut v) = self.switches(e) else {
            self.issue(at, "this condition cannot be a `when:` (a bool variable, `!`, or `&&` with the role's own switch)");
            return Err(());
        };
        if let Some(p) = parent {
            v.retain(|s| s != p);
        }
        v.dedup();
        match v.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            _ => {
                self.issue(
                    at,
                    "this combines several switches; a spec item has one `when:`",
                );
                Err(())
            }
        }
    }

    /// `count = cond ? 1 : 0` → its switch.
    pub(super) fn count_when(
        &mut self,
        body: &Body,
        parent: &Option<Sw>,
        at: &At,
    ) -> Result<Option<Sw>, ()> {
        let Some(a) = body.attr("count") else {
            return Ok(None);
        };
        match &a.expr {
            Expr::Cond(c, one, zero)
                if one.literal().as_deref() == Some("1")
                    && zero.literal().as_deref() == Some("0") =>
            {
                self.one_switch(c, parent, at)
            }
            Expr::Num(n) if n == "1" => Ok(None),
            _ => {
                self.issue(
                    at,
                    "a `count` other than `cond ? 1 : 0` cannot be expressed",
                );
                Err(())
            }
        }
    }
}
