//! `count = var.flag ? 1 : 0`, `for_each` and `dynamic` conditions as `when:` switches.
//! A condition that is no conjunction of bool variables but a spec condition can express
//! (`var.env == "prod"`, `var.topic != ""`, `length(var.topic) > 0`, `!`, `&&`, `||` of
//! them) becomes a spec condition (`conditions:`), named like the local that holds it
//! (`local.is_prod` → `IsProd`) or else after what it tests (`EnvIsProd`, `HasTopicArn`).

use super::*;
use crate::import::builder::negate;
use crate::model::names::snake;

/// Longest name given to a condition no local names.
const MAX_NAME: usize = 64;

impl Tf {
    /// The switches a `count`/`for_each` condition is a conjunction of: bool variables, and
    /// spec conditions for what they cannot say.
    pub(super) fn switches(&mut self, e: &Expr) -> Option<Vec<Sw>> {
        if !self.budget.tick() {
            return None;
        }
        if let Some(v) = self.bool_switches(e) {
            return Some(v);
        }
        let test = self.cond_test(e, None)?;
        self.test_switch(test).map(|s| vec![s])
    }

    /// [`Self::switches`] of a conjunction of bool variables (and of what `switches` reads).
    fn bool_switches(&mut self, e: &Expr) -> Option<Vec<Sw>> {
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
            self.issue(at, "this condition cannot be a `when:` (a bool variable; a string variable compared with text, or `!= \"\"`, or `length(var.x) > 0`; `!`, `&&` and `||` of those)");
            return Err(());
        };
        if let Some(p) = parent {
            v.retain(|s| s != p);
        }
        let mut seen = HashSet::new();
        v.retain(|s| seen.insert(s.clone()));
        match v.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            // One spec condition that says it all (the local's name when one holds it).
            many => {
                let y = Y::Map(vec![(
                    "and".into(),
                    Y::Seq(many.iter().map(|s| Y::s(s.text())).collect()),
                )]);
                match self.name_test(y, None) {
                    Some(param) => Ok(Some(Sw { param, neg: false })),
                    None => {
                        self.issue(at, "this combines several switches and no name is left for a spec condition of them; a spec item has one `when:`");
                        Err(())
                    }
                }
            }
        }
    }

    /// Whether the switches of `v` that the reader's (`ctx`) lacks are a conjunction the
    /// reader's `when:` names as one spec condition (`one_switch` named it).
    pub(super) fn conjunction_in_ctx(&self, v: &[Sw]) -> bool {
        let mut rest: Vec<&Sw> = v.iter().filter(|s| !self.ctx.contains(s)).collect();
        let mut seen = HashSet::new();
        rest.retain(|s| seen.insert(*s));
        if rest.len() < 2 {
            return false;
        }
        let y = Y::Map(vec![(
            "and".into(),
            Y::Seq(rest.iter().map(|s| Y::s(s.text())).collect()),
        )]);
        self.named.iter().any(|(n, t)| {
            *t == y
                && self.ctx.contains(&Sw {
                    param: n.clone(),
                    neg: false,
                })
        })
    }

    /// `count = cond ? 1 : 0` (or `cond ? 0 : 1`) → its switch.
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
            // `cond ? 0 : 1`: on where `cond` is false.
            Expr::Cond(c, zero, one)
                if one.literal().as_deref() == Some("1")
                    && zero.literal().as_deref() == Some("0") =>
            {
                self.one_switch(&Expr::Unary('!', c.clone()), parent, at)
            }
            Expr::Num(n) if n == "1" => Ok(None),
            _ => {
                self.issue(
                    at,
                    "a `count` other than `cond ? 1 : 0` (or `cond ? 0 : 1`) cannot be expressed",
                );
                Err(())
            }
        }
    }
}

impl Tf {
    /// The switch of a spec condition test: a name (`not` one) as it is, `{not: t}` the
    /// negation of `t`'s, anything else a named condition of its own.
    fn test_switch(&mut self, y: Y) -> Option<Sw> {
        match y {
            Y::Str(s) => Some(Sw::parse(&s)),
            Y::Map(mut m) if m.len() == 1 && m[0].0 == "not" => {
                self.test_switch(m.remove(0).1).map(|s| s.not())
            }
            other => Some(Sw {
                param: self.name_test(other, None)?,
                neg: false,
            }),
        }
    }

    /// A condition expression as a spec condition test, or `None` when a spec condition cannot
    /// say it. A sub-expression that is a local's (other than `skip`, the one being read) is
    /// that local's condition by name.
    fn cond_test(&mut self, e: &Expr, skip: Option<&str>) -> Option<Y> {
        if !self.budget.tick() {
            return None;
        }
        let local = self
            .cond_locals
            .iter()
            .find(|(n, x)| Some(n.as_str()) != skip && x == e)
            .map(|(n, _)| n.clone());
        if let Some(y) = local.and_then(|l| self.local_test(&l)) {
            return Some(y);
        }
        match e {
            Expr::Var(..) => match self.var_of(e)? {
                (p, ParamKind::Bool) => Some(Y::s(p)),
                _ => None,
            },
            Expr::Unary('!', x) => Some(negate(self.cond_test(x, None)?)),
            Expr::Binary(op, ..) if op == "&&" || op == "||" => {
                let mut items = Vec::new();
                self.operands(op, e, true, &mut items)?;
                let key = if op == "&&" { "and" } else { "or" };
                Some(Y::Map(vec![(key.into(), Y::Seq(items))]))
            }
            Expr::Binary(op, a, b) if op == "==" || op == "!=" => {
                let t = self.compared(a, b).or_else(|| self.compared(b, a))?;
                Some(if op == "!=" { negate(t) } else { t })
            }
            // `length(var.s) > 0`, `length(var.s) >= 1`.
            Expr::Binary(op, a, b) => {
                let n = b.literal()?;
                let p = self.length_of(a)?;
                ((op == ">" && n == "0") || (op == ">=" && n == "1")).then(|| not_empty(p))
            }
            _ => None,
        }
    }

    /// The operands of a chain of `&&` (or `||`), flattened, each as a test; a link of the
    /// chain that is a local's condition (other than the chain itself, `top`) is one operand,
    /// by name.
    fn operands(&mut self, op: &str, e: &Expr, top: bool, out: &mut Vec<Y>) -> Option<()> {
        match e {
            Expr::Binary(o, a, b)
                if o == op && (top || !self.cond_locals.iter().any(|(_, x)| x == e)) =>
            {
                self.operands(op, a, false, out)?;
                self.operands(op, b, false, out)
            }
            _ => {
                out.push(self.cond_test(e, None)?);
                Some(())
            }
        }
    }

    /// `x == lit` as a test: a bool test and `true`/`false`, a string variable and text
    /// (`""`: not `not_empty`), `length(var.s)` and `0`.
    fn compared(&mut self, x: &Expr, lit: &Expr) -> Option<Y> {
        if let Expr::Bool(v) = lit {
            let t = self.cond_test(x, None)?;
            return Some(if *v { t } else { negate(t) });
        }
        if let Some(p) = self.length_of(x) {
            return (lit.literal()? == "0").then(|| negate(not_empty(p)));
        }
        let Expr::Str(_) = lit else { return None };
        let text = lit.literal()?;
        let (p, ParamKind::String) = self.var_of(x)? else {
            return None;
        };
        if text.is_empty() {
            return Some(negate(not_empty(p)));
        }
        if text.contains("${") {
            return None;
        }
        if let Some(values) = self.allowed.get(&p) {
            if !values.contains(&Y::s(text.clone())) {
                return None;
            }
        }
        Some(Y::Map(vec![(
            "equals".into(),
            Y::Seq(vec![Y::s(p), Y::s(text)]),
        )]))
    }

    /// The string parameter of `length(var.s)` (not a list: Terraform's `length([""])` is 1,
    /// where a spec's `not_empty` of a list reads its items joined).
    fn length_of(&self, e: &Expr) -> Option<String> {
        let Expr::Call(f, args, false) = e else {
            return None;
        };
        match (f.as_str(), args.as_slice()) {
            ("length", [x]) => match self.var_of(x)? {
                (p, ParamKind::String) => Some(p),
                _ => None,
            },
            _ => None,
        }
    }

    /// The parameter `var.x` is (not a module convention).
    fn var_of(&self, e: &Expr) -> Option<(String, ParamKind)> {
        self.var_param(e.input_var()?)
    }

    /// The test of a local that is a condition: its name when it is one of its own (the name
    /// of what it says when that is a bool parameter or another local, `!local.x`), `None`
    /// when a spec condition cannot say it (memoised).
    fn local_test(&mut self, local: &str) -> Option<Y> {
        if let Some(r) = self.local_named.get(local) {
            return r.clone();
        }
        self.local_named.insert(local.to_owned(), None);
        let e = self.cond_locals.iter().find(|(n, _)| n == local)?.1.clone();
        let r = match self.cond_test(&e, Some(local))? {
            Y::Str(s) => Some(Y::Str(s)),
            t => self.name_test(t, Some(local)).map(Y::Str),
        };
        self.local_named.insert(local.to_owned(), r.clone());
        r
    }

    /// Reads every local that is a condition, in declaration order: they claim their names
    /// before the conditions no local names.
    pub(super) fn name_locals(&mut self) {
        let names: Vec<String> = self.cond_locals.iter().map(|(n, _)| n.clone()).collect();
        for n in names {
            let _ = self.local_test(&n);
        }
    }

    /// The name of spec condition `y`: the one it already has, else the local's (`local`) or
    /// one after what it tests, numbered when taken.
    pub(super) fn name_test(&mut self, y: Y, local: Option<&str>) -> Option<String> {
        if let Some((n, _)) = self.named.iter().find(|(_, t)| **t == y) {
            return Some(n.clone());
        }
        let mut base: String = match local {
            Some(l) => pascal(l),
            None => test_name(&y),
        }
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(MAX_NAME)
        .collect();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
            base.insert(0, 'C');
        }
        let mut name = base.clone();
        let mut n = 2;
        while self.condition_name_taken(&name) {
            if n > 99 {
                return None;
            }
            name = format!("{base}{n}");
            n += 1;
        }
        self.named.insert(name.clone(), y);
        Some(name)
    }

    /// Whether a new spec condition may not take `name`: a parameter's, another condition's
    /// (also as a Terraform local), or one rolegen writes (`<Flag>IsTrue`, `Not<Cond>`,
    /// `<A>And<B>`, `Has<List>`, `Has<Role><Hatch>`, `HasExportPrefix`), which would not
    /// build (RG005, RG018).
    fn condition_name_taken(&self, name: &str) -> bool {
        if self.vars.values().any(|(p, _)| p == name)
            || name.ends_with("IsTrue")
            || name.ends_with("IsFalse")
            || name == "HasExportPrefix"
            || self.named.keys().any(|n| snake(n) == snake(name))
            || self
                .vars
                .values()
                .any(|(p, k)| *k == ParamKind::List && name == format!("Has{p}"))
            || name.strip_prefix("Has").is_some_and(|rest| {
                self.keys.map.values().any(|k| {
                    crate::model::Hatch::ALL
                        .into_iter()
                        .any(|h| rest == format!("{}{}", pascal(k), pascal(h.key())))
                })
            })
        {
            return true;
        }
        let known = |c: &str| {
            c == name
                || self.named.contains_key(c)
                || c.strip_suffix("IsTrue")
                    .or_else(|| c.strip_suffix("IsFalse"))
                    .is_some_and(|p| {
                        self.vars
                            .values()
                            .any(|(q, k)| q == p && *k == ParamKind::Bool)
                    })
        };
        let joins = |whole: &str| {
            whole.match_indices("And").any(|(i, _)| {
                let (a, b) = (&whole[..i], &whole[i + 3..]);
                (a == name || b == name) && known(a) && known(b)
            })
        };
        joins(name)
            || self
                .named
                .keys()
                .any(|n| joins(n) || *n == format!("Not{name}") || name == format!("Not{n}"))
    }

    /// The spec conditions the spec's entries (`parts`) use, in the order of the locals
    /// that named them, those no local names last.
    pub(super) fn conditions_used(&mut self, parts: [&Vec<(String, Y)>; 4]) -> Vec<(String, Y)> {
        let mut used = crate::import::builder::words(parts.into_iter().flatten());
        let at = |n: &str| {
            self.cond_locals
                .iter()
                .position(|(l, _)| self.local_named.get(l) == Some(&Some(Y::s(n))))
                .unwrap_or(usize::MAX)
        };
        let mut named: Vec<(String, Y)> = self.named.clone().into_iter().collect();
        named.sort_by_key(|(n, _)| at(n));
        let named: IndexMap<String, Y> = named.into_iter().collect();
        crate::import::builder::conditions_used(&named, &mut used)
    }
}

/// `{not_empty: P}`.
fn not_empty(p: String) -> Y {
    Y::Map(vec![("not_empty".into(), Y::s(p))])
}

/// A name after what a test says: `EnvIsProd`, `HasTopicArn`, `IsProdOrIsStaging`,
/// `EnableDebugAndNotIsProd`.
fn test_name(y: &Y) -> String {
    match y {
        Y::Str(s) => match s.strip_prefix("not ") {
            Some(x) => format!("Not{x}"),
            None => s.clone(),
        },
        Y::Map(m) => match m.first() {
            Some((k, Y::Seq(v))) if k == "equals" => v
                .iter()
                .filter_map(Y::as_str)
                .map(pascal)
                .collect::<Vec<_>>()
                .join("Is"),
            Some((k, x)) if k == "not_empty" => format!("Has{}", x.as_str().unwrap_or_default()),
            Some((k, Y::Seq(v))) if k == "and" || k == "or" => v
                .iter()
                .map(test_name)
                .collect::<Vec<_>>()
                .join(if k == "and" { "And" } else { "Or" }),
            Some((k, x)) if k == "not" => format!("Not{}", test_name(x)),
            _ => "Condition".into(),
        },
        _ => "Condition".into(),
    }
}
