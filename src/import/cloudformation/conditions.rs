//! Conditions and `Fn::If`: conditions that test a bool parameter become `when:` switches,
//! others a spec condition (`conditions:`) of the same name when it can express them;
//! `Fn::If` in a list switches the item, inside a statement or a document it is lifted to
//! switched variants.

use super::*;
use crate::import::builder::negate;

impl Cx<'_> {
    pub(super) fn conditions(&mut self) {
        let root = self.root;
        let Some(N::Map(cs)) = root.get("Conditions") else {
            return;
        };
        for (name, _) in cs {
            // Errors are reported where something names the condition.
            let _ = self.resolve_condition(name, 0);
        }
    }

    /// A named condition as a conjunction of switches (memoised). One that is no conjunction
    /// of bool switches but a spec condition can express (`equals`, `not_empty`, `and`, `or`,
    /// `not`) becomes a spec condition of its own name (`named`), and one switch on it.
    fn resolve_condition(&mut self, name: &str, depth: usize) -> Result<Vec<Sw>, String> {
        if let Some(r) = self.conditions.get(name) {
            return r.clone();
        }
        if depth > 32 {
            return Err("conditions refer to each other in a cycle".into());
        }
        let root = self.root;
        let Some(node) = root.get("Conditions").and_then(|cs| cs.get(name)) else {
            return Err(format!("there is no condition `{name}`"));
        };
        let r = match self.condition_of(node, depth) {
            Ok(v) => {
                // Several switches: also one spec condition, for an item under no switch of
                // its own that takes them all (`Fn::And` of two named conditions).
                if v.len() > 1 && self.nameable(name) {
                    if let Ok(test) = self.spec_test(node, depth) {
                        self.combined.insert(name.to_owned(), test);
                    }
                }
                Ok(v)
            }
            Err(why) => match self.spec_test(node, depth) {
                Ok(test) if self.nameable(name) => {
                    self.named.insert(name.to_owned(), test);
                    Ok(vec![Sw {
                        param: name.to_owned(),
                        neg: false,
                    }])
                }
                Ok(_) => Err(format!(
                    "{why}; as a spec condition its name would meet a parameter's or one rolegen writes"
                )),
                Err(_) => Err(why),
            },
        };
        self.conditions.insert(name.to_owned(), r.clone());
        r
    }

    /// Whether a spec condition may take this name: not a parameter's (`when:` names both),
    /// not one of the conditions rolegen writes.
    fn nameable(&self, name: &str) -> bool {
        !self.kinds.contains_key(name)
            && !self.params_y.iter().any(|(p, _)| p == name)
            && !name.ends_with("IsTrue")
            && !name.ends_with("IsFalse")
            && name != "HasExportPrefix"
    }

    /// A condition as a conjunction of switches: one for an equality (or its `Fn::Not`),
    /// several for an `Fn::And` of them.
    pub(super) fn condition_of(&mut self, n: &N, depth: usize) -> Result<Vec<Sw>, String> {
        if depth > 32 {
            return Err("conditions refer to each other in a cycle".into());
        }
        if let Some(c) = condition_ref(n) {
            return self.resolve_condition(&c, depth + 1);
        }
        let Some((name, arg, _)) = n.as_fn() else {
            return Err("it is not an intrinsic condition function".into());
        };
        match name {
            "Condition" => match arg.literal() {
                Some(c) => self.resolve_condition(&c, depth + 1),
                None => Err("`Condition` names another condition".into()),
            },
            "Fn::Not" => {
                let x = match arg {
                    N::Seq(v) if v.len() == 1 => &v[0],
                    other => other,
                };
                match self.condition_of(x, depth + 1)?.as_slice() {
                    [one] => Ok(vec![one.clone().not()]),
                    _ => Err("`Fn::Not` of several conditions is an `or`; a rolegen `when:` is a conjunction of switches".into()),
                }
            }
            "Fn::Equals" => {
                let (p, val) = self.compared(arg)?;
                match self.kinds.get(&p) {
                    Some(ParamKind::Bool) => {}
                    Some(_) => {
                        return Err(format!(
                        "`{p}` is not a bool parameter (a String with AllowedValues [true, false])"
                    ))
                    }
                    None => return Err(format!("it tests `{p}`, which is not a parameter")),
                }
                match val.as_str() {
                    "true" | "false" => Ok(vec![Sw {
                        param: p,
                        neg: val == "false",
                    }]),
                    _ => Err(format!(
                        "it compares `{p}` with something other than \"true\" or \"false\""
                    )),
                }
            }
            "Fn::And" => {
                let N::Seq(v) = arg else {
                    return Err("`Fn::And` takes a list of conditions".into());
                };
                let mut all: Vec<Sw> = Vec::new();
                for c in v {
                    for sw in self.condition_of(c, depth + 1)? {
                        if !all.contains(&sw) {
                            all.push(sw);
                        }
                    }
                }
                Ok(all)
            }
            "Fn::Or" => {
                Err("`Fn::Or` combines conditions; a rolegen `when:` is one bool parameter".into())
            }
            other => Err(format!("`{other}` is not a condition function")),
        }
    }

    /// `Fn::Equals [!Ref P, text]` (either order): the parameter and the text.
    fn compared(&self, arg: &N) -> Result<(String, String), String> {
        let N::Seq(v) = arg else {
            return Err("`Fn::Equals` takes two values".into());
        };
        let [a, b] = v.as_slice() else {
            return Err("`Fn::Equals` takes two values".into());
        };
        let (r, val) = match (a.as_fn(), b.as_fn()) {
            (Some(("Ref", p, _)), _) => (p, b),
            (_, Some(("Ref", p, _))) => (p, a),
            _ => return Err("it compares values other than a parameter".into()),
        };
        let p = r.literal().unwrap_or_default();
        match val.literal() {
            Some(v) => Ok((p, v)),
            None => Err(format!("it compares `{p}` with something other than text")),
        }
    }

    /// A condition as a spec condition test (`{equals: [Env, prod]}`, `{not_empty: X}`,
    /// `{and: [...]}`, `{or: [...]}`, `not X`), or why it cannot be one.
    fn spec_test(&mut self, n: &N, depth: usize) -> Result<Y, String> {
        if depth > 32 {
            return Err("conditions refer to each other in a cycle".into());
        }
        let operand = |cx: &mut Self, c: &str| -> Result<Y, String> {
            match cx.resolve_condition(c, depth + 1)?.as_slice() {
                [] => Err(format!("condition `{c}` is always true")),
                [one] => Ok(Y::s(one.text())),
                many => Ok(Y::Map(vec![(
                    "and".into(),
                    Y::Seq(many.iter().map(|s| Y::s(s.text())).collect()),
                )])),
            }
        };
        if let Some(c) = condition_ref(n) {
            return operand(self, &c);
        }
        let Some((name, arg, _)) = n.as_fn() else {
            return Err("it is not an intrinsic condition function".into());
        };
        match name {
            "Condition" => match arg.literal() {
                Some(c) => operand(self, &c),
                None => Err("`Condition` names another condition".into()),
            },
            "Fn::Not" => {
                let x = match arg {
                    N::Seq(v) if v.len() == 1 => &v[0],
                    other => other,
                };
                Ok(negate(self.spec_test(x, depth + 1)?))
            }
            "Fn::And" | "Fn::Or" => {
                let N::Seq(v) = arg else {
                    return Err(format!("`{name}` takes a list of conditions"));
                };
                let mut items = Vec::new();
                for c in v {
                    items.push(self.spec_test(c, depth + 1)?);
                }
                if items.len() == 1 {
                    return Ok(items.remove(0));
                }
                let key = if name == "Fn::And" { "and" } else { "or" };
                Ok(Y::Map(vec![(key.into(), Y::Seq(items))]))
            }
            "Fn::Equals" => self.spec_equals(arg),
            other => Err(format!("`{other}` is not a condition function")),
        }
    }

    /// `Fn::Equals` as a spec test: a bool parameter with `"true"`/`"false"`, a string
    /// parameter with text (`""`: not `not_empty`), a list parameter joined with `""`.
    fn spec_equals(&self, arg: &N) -> Result<Y, String> {
        if let N::Seq(v) = arg {
            if let [a, b] = v.as_slice() {
                let joined = |x: &N| -> Option<String> {
                    let (f, arg, _) = x.as_fn()?;
                    let N::Seq(j) = arg else { return None };
                    let [sep, list] = j.as_slice() else {
                        return None;
                    };
                    let (_, p, _) = list.as_fn().filter(|(r, ..)| *r == "Ref")?;
                    let p = p.literal()?;
                    (f == "Fn::Join"
                        && sep.literal().as_deref() == Some("")
                        && self.kinds.get(&p) == Some(&ParamKind::List))
                    .then_some(p)
                };
                for (x, y) in [(a, b), (b, a)] {
                    if let (Some(p), Some("")) = (joined(x), y.literal().as_deref()) {
                        return Ok(negate(Y::Map(vec![("not_empty".into(), Y::s(p))])));
                    }
                }
            }
        }
        let (p, val) = self.compared(arg)?;
        match self.kinds.get(&p) {
            Some(ParamKind::Bool) if val == "true" => Ok(Y::s(p)),
            Some(ParamKind::Bool) if val == "false" => Ok(Y::s(format!("not {p}"))),
            Some(ParamKind::String) if val.is_empty() => {
                Ok(negate(Y::Map(vec![("not_empty".into(), Y::s(p))])))
            }
            Some(ParamKind::String) => {
                let allowed = self
                    .params_y
                    .iter()
                    .find(|(n, _)| *n == p)
                    .and_then(|(_, y)| y.get("allowed_values"));
                if let Some(Y::Seq(values)) = allowed {
                    if !values.contains(&Y::s(val.clone())) {
                        return Err(format!(
                            "it compares `{p}` with `{val}`, which its AllowedValues exclude"
                        ));
                    }
                }
                Ok(Y::Map(vec![(
                    "equals".into(),
                    Y::Seq(vec![Y::s(p), Y::s(val)]),
                )]))
            }
            Some(k) => Err(format!(
                "it compares the {} parameter `{p}`; a spec condition compares a string parameter",
                k.as_str()
            )),
            None => Err(format!("it tests `{p}`, which is not a parameter")),
        }
    }

    /// The switch of a named condition: `Ok(None)` when always on, `Err` (reported at `loc`)
    /// when the spec cannot express it — never "as if it were true": the caller leaves out
    /// what it switches on, or keeps what it switches off only where that narrows.
    pub(super) fn switch_named(&mut self, name: &str, loc: &Loc) -> Result<Option<Sw>, ()> {
        self.switch_named_under(name, None, loc)
    }

    /// The switch of a named condition on something of a role switched by `parent`: the
    /// role's own switch is dropped from the conjunction (`Fn::And [RoleOn, PolicyOn]` on a
    /// role's policy is the policy's `when: PolicyOn`).
    pub(super) fn switch_named_under(
        &mut self,
        name: &str,
        parent: Option<&Sw>,
        loc: &Loc,
    ) -> Result<Option<Sw>, ()> {
        match self.conditions.get(name).cloned() {
            Some(Ok(mut conj)) => {
                conj.retain(|s| Some(s) != parent);
                match conj.as_slice() {
                    [] => Ok(None),
                    [one] => Ok(Some(one.clone())),
                    _ => match self.combined.get(name).cloned() {
                        // One spec condition of the same name says it all.
                        Some(test) => {
                            self.named.insert(name.to_owned(), test);
                            Ok(Some(Sw {
                                param: name.to_owned(),
                                neg: false,
                            }))
                        }
                        None => {
                            self.issue(loc, format!("condition `{name}` combines several switches; a spec item has one `when:` (beside its role's)"));
                            Err(())
                        }
                    },
                }
            }
            Some(Err(why)) => {
                self.issue(
                    loc,
                    format!("condition `{name}` cannot be a `when:` ({why})"),
                );
                Err(())
            }
            None => {
                self.issue(loc, format!("there is no condition `{name}`"));
                Err(())
            }
        }
    }

    pub(super) fn resource_when(&mut self, id: &str) -> Result<Option<Sw>, ()> {
        self.resource_when_under(id, None)
    }

    /// The switch of a resource that belongs to a role switched by `parent` (see
    /// [`Self::switch_named_under`]).
    pub(super) fn resource_when_under(
        &mut self,
        id: &str,
        parent: Option<&Sw>,
    ) -> Result<Option<Sw>, ()> {
        let Some((_, r)) = self.resources.get(id) else {
            return Ok(None);
        };
        let Some(c) = r.get("Condition") else {
            return Ok(None);
        };
        let loc = res_loc(id).key("Condition");
        match c.literal() {
            Some(name) => self.switch_named_under(&name, parent, &loc),
            None => {
                self.issue(&loc, "`Condition` names a condition");
                Err(())
            }
        }
    }
}

impl Cx<'_> {
    pub(super) fn if_args<'n>(&mut self, arg: &'n N, loc: &Loc) -> Option<(Switch, &'n N, &'n N)> {
        let N::Seq(a) = arg else {
            self.issue(loc, "`Fn::If` takes a condition name and two values");
            return None;
        };
        let [c, x, y] = a.as_slice() else {
            self.issue(loc, "`Fn::If` takes a condition name and two values");
            return None;
        };
        let Some(c) = c.literal() else {
            self.issue(&loc.index(0), "`Fn::If` names a condition");
            return Some((Err(()), x, y));
        };
        let sw = self.switch_named(&c, &loc.index(0));
        Some((sw, x, y))
    }

    /// The items of a list position behind top-level `Fn::If`s: each with its switch, and
    /// whether it is also under a switch the spec cannot express (`unsure`: the caller keeps
    /// it only where that narrows).
    pub(super) fn top_variants<'n>(
        &mut self,
        n: &'n N,
        loc: &Loc,
        when: Option<Sw>,
        unsure: bool,
        out: &mut Vec<Variant<'n>>,
    ) {
        if n.is_no_value() || !self.budget.tick() {
            return;
        }
        if let Some(("Fn::If", arg, short)) = n.as_fn() {
            let al = loc.arg("Fn::If", short);
            let Some((sw, a, b)) = self.if_args(arg, &al) else {
                return;
            };
            match sw {
                Ok(None) => self.top_variants(a, &al.index(1), when, unsure, out),
                Err(()) => {
                    for (branch, i) in [(a, 1), (b, 2)] {
                        self.top_variants(branch, &al.index(i), when.clone(), true, out);
                    }
                }
                Ok(Some(sw)) => {
                    for (branch, s, i) in [(a, sw.clone(), 1), (b, sw.not(), 2)] {
                        match combine(&when, &s) {
                            Ok(Some(w)) => self.top_variants(branch, &al.index(i), w, unsure, out),
                            Ok(None) => {}
                            Err(()) => {
                                self.issue(
                                    &al,
                                    format!(
                                        "this needs both `when: {}` and `when: {}`; a spec item has one switch",
                                        when.as_ref().map(Sw::text).unwrap_or_default(),
                                        s.text()
                                    ),
                                );
                                self.top_variants(branch, &al.index(i), when.clone(), true, out);
                            }
                        }
                    }
                }
            }
            return;
        }
        out.push((when, unsure, n, loc.clone()));
    }

    pub(super) fn collect_ifs(&self, n: &N, loc: &Loc, out: &mut Vec<(String, Loc)>) {
        if self.provider_choice(n).is_some() {
            // The same ARN either way: no switch.
            return;
        }
        match n {
            N::Fn(name, arg, short) => {
                let al = loc.arg(name, *short);
                if name == "Fn::If" {
                    if let N::Seq(a) = &**arg {
                        if let Some(c) = a.first().and_then(N::literal) {
                            out.push((c, al.index(0)));
                        }
                        for (i, x) in a.iter().enumerate().skip(1) {
                            self.collect_ifs(x, &al.index(i), out);
                        }
                    }
                } else {
                    self.collect_ifs(arg, &al, out);
                }
            }
            N::Seq(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.collect_ifs(x, &loc.index(i), out);
                }
            }
            N::Map(m) => {
                for (k, x) in m {
                    self.collect_ifs(x, &loc.key(k), out);
                }
            }
            _ => {}
        }
    }

    /// `n` with every `Fn::If` decided by `on` (condition name → value; `None` leaves that
    /// `Fn::If` in place) and `AWS::NoValue` removed; `None` if `n` itself is removed.
    pub(super) fn subst(&self, n: &N, on: &dyn Fn(&str) -> Option<bool>) -> Option<N> {
        if n.is_no_value() || !self.budget.tick() {
            return None;
        }
        if let Some(p) = self.provider_choice(n) {
            return Some(p.clone());
        }
        match n {
            N::Fn(name, arg, short) => {
                if name == "Fn::If" {
                    if let N::Seq(a) = &**arg {
                        if a.len() == 3 {
                            let c = a[0].literal().unwrap_or_default();
                            if let Some(v) = on(&c) {
                                return self.subst(if v { &a[1] } else { &a[2] }, on);
                            }
                        }
                    }
                }
                let a = self.subst(arg, on).unwrap_or(N::Null);
                Some(N::Fn(name.clone(), Box::new(a), *short))
            }
            N::Seq(v) => Some(N::Seq(v.iter().filter_map(|x| self.subst(x, on)).collect())),
            N::Map(m) => Some(N::Map(
                m.iter()
                    .filter_map(|(k, x)| self.subst(x, on).map(|x| (k.clone(), x)))
                    .collect(),
            )),
            other => Some(other.clone()),
        }
    }

    /// `n` with its `Fn::If`s decided by the value of bool parameter `p` (`None`: every
    /// condition true, for an item whose conditions are all always on).
    pub(super) fn subst_param(&self, n: &N, p: Option<(&str, bool)>, keep: &[String]) -> Option<N> {
        let on = |c: &str| {
            if keep.iter().any(|k| k == c) {
                return None;
            }
            match p {
                // A condition that is a spec condition of its own (switched on by name).
                Some((param, v)) if param == c => return Some(v),
                _ => {}
            }
            Some(match (self.conditions.get(c), p) {
                (Some(Ok(conj)), Some((param, v))) => {
                    conj.iter()
                        .all(|sw| if sw.param == param { v != sw.neg } else { true })
                }
                _ => true,
            })
        };
        self.subst(n, &on)
    }

    /// True if every `Fn::If` on condition `c` in `n` chooses between two single values
    /// (not a list, a mapping, another `Fn::If` or `AWS::NoValue`): such a choice made at
    /// deploy time can be a new parameter.
    pub(super) fn value_ifs_only(n: &N, c: &str) -> bool {
        let single = |x: &N| match x {
            N::Str(_) | N::Num(_) | N::Bool(_) | N::Sub(..) => true,
            N::Fn(f, _, _) => f != "Fn::If" && !x.is_no_value(),
            _ => false,
        };
        match n {
            N::Fn(f, arg, _) if f == "Fn::If" => match &**arg {
                N::Seq(a) if a.len() == 3 && a[0].literal().as_deref() == Some(c) => {
                    single(&a[1]) && single(&a[2])
                }
                other => Self::value_ifs_only(other, c),
            },
            N::Fn(_, arg, _) => Self::value_ifs_only(arg, c),
            N::Seq(v) => v.iter().all(|x| Self::value_ifs_only(x, c)),
            N::Map(m) => m.iter().all(|(_, x)| Self::value_ifs_only(x, c)),
            _ => true,
        }
    }

    /// A statement (or other item) with the `Fn::If`s inside it lifted: one variant per value
    /// of the one bool parameter they test. When they test more than one, or a condition the
    /// spec cannot express, every combination of the conditions is a variant, marked unsure
    /// (the caller keeps the Denies only): never one branch "as if it were true".
    pub(super) fn lift(&mut self, n: &N, loc: &Loc) -> Vec<(Option<Sw>, bool, N)> {
        let mut conds = Vec::new();
        self.collect_ifs(n, loc, &mut conds);
        let mut names: Vec<String> = Vec::new();
        let mut params: Vec<String> = Vec::new();
        let mut exact = true;
        // Conditions the spec cannot express that only choose between two values: those
        // `Fn::If`s stay, to become new parameters (see `scalar`).
        let keep: Vec<String> = conds
            .iter()
            .map(|(c, _)| c.clone())
            .filter(|c| {
                matches!(self.conditions.get(c), Some(Err(_)) | None) && Self::value_ifs_only(n, c)
            })
            .collect();
        for (c, l) in &conds {
            if keep.contains(c) {
                continue;
            }
            if !names.contains(c) {
                names.push(c.clone());
            }
            match self.switch_named(c, l) {
                Ok(Some(sw)) => {
                    if !params.contains(&sw.param) {
                        params.push(sw.param);
                    }
                }
                Ok(None) => {}
                Err(()) => exact = false,
            }
        }
        if exact {
            match params.as_slice() {
                [] => {
                    return self
                        .subst_param(n, None, &keep)
                        .map(|x| vec![(None, false, x)])
                        .unwrap_or_default()
                }
                [p] => {
                    let on = self.subst_param(n, Some((p, true)), &keep);
                    let off = self.subst_param(n, Some((p, false)), &keep);
                    if on == off {
                        return on.map(|x| vec![(None, false, x)]).unwrap_or_default();
                    }
                    let mut out = Vec::new();
                    for (x, neg) in [(on, false), (off, true)] {
                        if let Some(x) = x {
                            let sw = Sw {
                                param: p.clone(),
                                neg,
                            };
                            out.push((Some(sw), false, x));
                        }
                    }
                    return out;
                }
                many => self.issue(
                    loc,
                    format!(
                        "`Fn::If` inside this item tests {}; a spec item has one switch",
                        many.join(" and ")
                    ),
                ),
            }
        }
        if names.len() > MAX_ITEM_CONDITIONS {
            self.issue(
                loc,
                format!(
                    "`Fn::If` inside this item names {} conditions; at most {MAX_ITEM_CONDITIONS} are tried",
                    names.len()
                ),
            );
            // Whatever it is, it denies at most everything.
            let mut deny = vec![
                ("Effect".to_owned(), N::Str("Deny".into())),
                ("Action".to_owned(), N::Str("*".into())),
                ("Resource".to_owned(), N::Str("*".into())),
            ];
            if n.get("Principal").is_some() || n.get("NotPrincipal").is_some() {
                deny.push(("Principal".to_owned(), N::Str("*".into())));
            }
            return vec![(None, true, N::Map(deny))];
        }
        let mut out: Vec<(Option<Sw>, bool, N)> = Vec::new();
        for mask in 0..1usize << names.len() {
            let on = |c: &str| {
                if keep.iter().any(|k| k == c) {
                    return None;
                }
                Some(
                    names
                        .iter()
                        .position(|x| x == c)
                        .is_some_and(|i| mask & (1 << i) != 0),
                )
            };
            if let Some(x) = self.subst(n, &on) {
                if !out.iter().any(|(_, _, y)| *y == x) {
                    out.push((None, true, x));
                }
            }
        }
        out
    }
}

/// `{Condition: C}`: the condition named.
fn condition_ref(n: &N) -> Option<String> {
    match n {
        N::Map(m) => match m.as_slice() {
            [(k, N::Str(c))] if k == "Condition" => Some(c.clone()),
            _ => None,
        },
        _ => None,
    }
}
