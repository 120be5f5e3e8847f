//! Conditions and `Fn::If`: conditions that test a bool parameter become `when:` switches;
//! `Fn::If` in a list switches the item, inside a statement or a document it is lifted to
//! switched variants.

use super::*;

impl Cx<'_> {
    pub(super) fn conditions(&mut self) {
        let root = self.root;
        let Some(N::Map(cs)) = root.get("Conditions") else {
            return;
        };
        for (name, c) in cs {
            let r = self.condition_of(c, 0);
            self.conditions.insert(name.clone(), r);
        }
    }

    /// A condition as a conjunction of switches: one for an equality (or its `Fn::Not`),
    /// several for an `Fn::And` of them.
    pub(super) fn condition_of(&self, n: &N, depth: usize) -> Result<Vec<Sw>, String> {
        if depth > 32 {
            return Err("conditions refer to each other in a cycle".into());
        }
        let named = |c: &str| -> Result<Vec<Sw>, String> {
            match self.root.get("Conditions").and_then(|cs| cs.get(c)) {
                Some(x) => self.condition_of(x, depth + 1),
                None => Err(format!("there is no condition `{c}`")),
            }
        };
        if let N::Map(m) = n {
            if let [(k, N::Str(c))] = m.as_slice() {
                if k == "Condition" {
                    return named(c);
                }
            }
        }
        let Some((name, arg, _)) = n.as_fn() else {
            return Err("it is not an intrinsic condition function".into());
        };
        match name {
            "Condition" => match arg.literal() {
                Some(c) => named(&c),
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
                match self.kinds.get(&p) {
                    Some(ParamKind::Bool) => {}
                    Some(_) => {
                        return Err(format!(
                        "`{p}` is not a bool parameter (a String with AllowedValues [true, false])"
                    ))
                    }
                    None => return Err(format!("it tests `{p}`, which is not a parameter")),
                }
                match val.literal().as_deref() {
                    Some("true") => Ok(vec![Sw {
                        param: p,
                        neg: false,
                    }]),
                    Some("false") => Ok(vec![Sw {
                        param: p,
                        neg: true,
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
                    _ => {
                        self.issue(loc, format!("condition `{name}` combines several switches; a spec item has one `when:` (beside its role's)"));
                        Err(())
                    }
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
