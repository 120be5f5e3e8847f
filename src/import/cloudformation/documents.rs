//! Policy documents: statements, actions, principals and condition blocks, switched
//! statements merged or narrowed (never wider than the template).

use super::*;

impl Cx<'_> {
    pub(super) fn document(&mut self, n: &N, loc: &Loc) -> Option<Doc> {
        match n {
            N::Fn(name, arg, short) if name == "Fn::If" => {
                let al = loc.arg(name, *short);
                let (sw, a, b) = self.if_args(arg, &al)?;
                let sw = match sw {
                    Ok(None) => return self.document(a, &al.index(1)),
                    Ok(Some(sw)) => sw,
                    Err(()) => {
                        // Neither document is known to apply: the Denies of both (a
                        // `AWS::NoValue` branch has none).
                        let mut docs = Vec::new();
                        for (x, i) in [(a, 1), (b, 2)] {
                            if !x.is_no_value() {
                                docs.push(self.document(x, &al.index(i))?);
                            }
                        }
                        let first = docs.first().cloned()?;
                        let mut all = Vec::new();
                        for d in docs {
                            all.extend(d.statements);
                        }
                        let statements = self.unswitched_all(all, Vec::new(), &al);
                        return Some(Doc {
                            version: first.version,
                            id: first.id,
                            statements,
                        });
                    }
                };
                if a.is_no_value() || b.is_no_value() {
                    self.issue(
                        &al,
                        "a policy document switched off with `AWS::NoValue` cannot be expressed",
                    );
                    return None;
                }
                let da = self.document(a, &al.index(1))?;
                let db = self.document(b, &al.index(2))?;
                if da.version != db.version || da.id != db.id {
                    self.issue(
                        &al,
                        "the two documents of this `Fn::If` differ in Version or Id; a spec switches statements only",
                    );
                    return None;
                }
                let statements =
                    match self.merge(da.statements.clone(), db.statements.clone(), &sw, &al) {
                        Some(v) => v,
                        None => self.unswitched_all(da.statements, db.statements, &al),
                    };
                Some(Doc {
                    version: da.version,
                    id: da.id,
                    statements,
                })
            }
            N::Str(_) => self.json_document(n, None, loc),
            N::Fn(name, arg, short) if name == "Fn::Sub" => {
                let al = loc.arg(name, *short);
                let (s, vars): (&str, Vars) = match &**arg {
                    N::Str(s) => (s, Vec::new()),
                    N::Seq(v) => match v.as_slice() {
                        [N::Str(s), N::Map(vars)] => (s, vars.clone()),
                        [N::Str(s)] => (s, Vec::new()),
                        _ => {
                            self.issue(&al, "`Fn::Sub` takes a string and a mapping");
                            return None;
                        }
                    },
                    _ => {
                        self.issue(&al, "`Fn::Sub` takes a string");
                        return None;
                    }
                };
                if !s.trim_start().starts_with('{') {
                    self.issue(loc, "expected a policy document");
                    return None;
                }
                let l = if *short { loc.clone() } else { al.index(0) };
                self.json_document(&N::Str(s.to_owned()), Some(Rc::new(vars)), &l)
            }
            N::Map(entries) => {
                let mut version = None;
                let mut id = None;
                let mut statements = None;
                for (k, v) in entries {
                    let l = loc.key(k);
                    match k.as_str() {
                        "Version" => version = self.lit_text(v, &l, "Version"),
                        "Id" => id = self.lit_text(v, &l, "Id"),
                        "Statement" => statements = self.statements(v, &l),
                        other => self.issue(
                            &l,
                            format!("`{other}` is not an element of a policy document"),
                        ),
                    }
                }
                if version.is_none() {
                    self.note(
                        loc,
                        "the document has no Version (IAM reads it as 2008-10-17); the spec writes 2012-10-17",
                    );
                }
                Some(Doc {
                    version,
                    id,
                    statements: statements.unwrap_or_default(),
                })
            }
            other => {
                self.issue(
                    loc,
                    format!("expected a policy document, found {}", other.kind()),
                );
                None
            }
        }
    }

    /// A document given as JSON text (with `Fn::Sub` variables if `vars`).
    pub(super) fn json_document(
        &mut self,
        n: &N,
        vars: Option<Rc<Vars>>,
        loc: &Loc,
    ) -> Option<Doc> {
        let N::Str(s) = n else { return None };
        let v: serde_json::Value = match serde_json::from_str(s) {
            Ok(v) => v,
            Err(e) => {
                self.issue(loc, format!("the policy document string is not JSON: {e}"));
                return None;
            }
        };
        let parsed = node::from_json(&v, vars.as_ref(), false);
        let saved = self.key_vars.take();
        self.key_vars = vars;
        let d = self.document(&parsed, &loc.json());
        self.key_vars = saved;
        d
    }

    pub(super) fn statements(&mut self, n: &N, loc: &Loc) -> Option<Vec<Y>> {
        match n {
            N::Fn(name, arg, short) if name == "Fn::If" => {
                let al = loc.arg(name, *short);
                let (sw, a, b) = self.if_args(arg, &al)?;
                if let Ok(None) = sw {
                    return self.statements(a, &al.index(1));
                }
                let sa = if a.is_no_value() {
                    Vec::new()
                } else {
                    self.statements(a, &al.index(1))?
                };
                let sb = if b.is_no_value() {
                    Vec::new()
                } else {
                    self.statements(b, &al.index(2))?
                };
                match sw {
                    Ok(Some(sw)) => match self.merge(sa.clone(), sb.clone(), &sw, &al) {
                        Some(v) => Some(v),
                        None => Some(self.unswitched_all(sa, sb, &al)),
                    },
                    _ => Some(self.unswitched_all(sa, sb, &al)),
                }
            }
            N::Seq(items) => {
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    out.extend(self.statement_item(it, &loc.index(i)));
                }
                Some(out)
            }
            N::Map(_) | N::Fn(..) => Some(self.statement_item(n, loc)),
            other => {
                self.issue(
                    loc,
                    format!(
                        "`Statement` is a list of statements, found {}",
                        other.kind()
                    ),
                );
                None
            }
        }
    }

    pub(super) fn statement_item(&mut self, n: &N, loc: &Loc) -> Vec<Y> {
        let mut out = self.statement_variants(n, loc);
        crate::import::builder::distinct_sids(&mut out);
        out
    }

    /// The statements one statement item is under its switches (one per outcome of the
    /// `Fn::If`s around and inside it).
    fn statement_variants(&mut self, n: &N, loc: &Loc) -> Vec<Y> {
        let mut tops = Vec::new();
        self.top_variants(n, loc, None, false, &mut tops);
        let mut out = Vec::new();
        for (w, unsure, node, l) in tops {
            for (w2, unsure2, body) in self.lift(node, &l) {
                let (when, unsure3) = match &w2 {
                    None => (w.clone(), false),
                    Some(s) => match combine(&w, s) {
                        Ok(Some(x)) => (x, false),
                        Ok(None) => continue,
                        Err(()) => {
                            self.issue(
                                &l,
                                "this statement needs two different switches; a spec statement has one `when:`",
                            );
                            (w.clone(), true)
                        }
                    },
                };
                let Some(y) = self.statement(&body, &l) else {
                    continue;
                };
                let y = with_when(y, &when);
                if unsure || unsure2 || unsure3 {
                    self.unswitched(y, &l, &mut out);
                } else {
                    out.push(y);
                }
            }
        }
        out
    }

    /// A statement under a switch the spec cannot express: an Allow is left out, a Deny kept
    /// without that switch (see [`narrow::unswitched`]).
    pub(super) fn unswitched(&mut self, y: Y, loc: &Loc, out: &mut Vec<Y>) {
        match narrow::unswitched(y) {
            Some(y) => {
                self.report(loc, "this Deny statement is under a switch the spec cannot express; it is kept without that switch (denying more never grants more)");
                out.push(y);
            }
            None => self.report(loc, "this Allow statement is under a switch the spec cannot express; it is left out (keeping it on would grant more)"),
        }
    }

    /// The statements of both branches of an `Fn::If` whose switch the spec cannot express.
    pub(super) fn unswitched_all(&mut self, a: Vec<Y>, b: Vec<Y>, loc: &Loc) -> Vec<Y> {
        let mut out = Vec::new();
        for y in a.into_iter().chain(b) {
            self.unswitched(y, loc, &mut out);
        }
        out
    }

    /// Statements of both branches of `Fn::If [sw, a, b]` as one switched list.
    pub(super) fn merge(&mut self, a: Vec<Y>, b: Vec<Y>, sw: &Sw, loc: &Loc) -> Option<Vec<Y>> {
        // Longest common subsequence: shared statements stay as they are. (Past a size where
        // the table would be large, the branches are simply listed one after the other.)
        let (n, m) = if a.len().saturating_mul(b.len()) > 4_000_000 {
            (0, 0)
        } else {
            (a.len(), b.len())
        };
        if n == 0 || m == 0 {
            let mut out = Vec::new();
            for (y, s) in a
                .iter()
                .map(|y| (y, sw.clone()))
                .chain(b.iter().map(|y| (y, sw.not())))
            {
                match combine(&when_of(y), &s) {
                    Ok(Some(w)) => out.push(with_when(y.clone(), &w)),
                    Ok(None) => {}
                    Err(()) => {
                        self.issue(loc, format!("statements under this `Fn::If` on `{}` are also switched by another parameter; a spec statement has one `when:`", sw.param));
                        return None;
                    }
                }
            }
            return Some(out);
        }
        let mut l = vec![vec![0usize; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                l[i][j] = if a[i] == b[j] {
                    l[i + 1][j + 1] + 1
                } else {
                    l[i + 1][j].max(l[i][j + 1])
                };
            }
        }
        let mut out = Vec::new();
        let mut ok = true;
        let mut add = |y: &Y, s: &Sw, out: &mut Vec<Y>| match combine(&when_of(y), s) {
            Ok(Some(w)) => out.push(with_when(y.clone(), &w)),
            Ok(None) => {}
            Err(()) => ok = false,
        };
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                out.push(a[i].clone());
                i += 1;
                j += 1;
            } else if j >= m || (i < n && l[i + 1][j] >= l[i][j + 1]) {
                add(&a[i], sw, &mut out);
                i += 1;
            } else {
                add(&b[j], &sw.not(), &mut out);
                j += 1;
            }
        }
        if !ok {
            self.issue(
                loc,
                format!(
                    "statements under this `Fn::If` on `{}` are also switched by another parameter; a spec statement has one `when:`",
                    sw.param
                ),
            );
            return None;
        }
        Some(out)
    }

    /// A statement, element by element: what the spec cannot express is settled by
    /// [`narrow::settle`] (an Allow left out whole, a Deny kept denying more), never left out
    /// of the statement on its own.
    pub(super) fn statement(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        if !self.budget.tick() {
            return None;
        }
        let N::Map(entries) = n else {
            self.issue(loc, format!("expected a statement, found {}", n.kind()));
            return None;
        };
        const ORDER: [&str; 9] = crate::spec::STATEMENT_KEYS;
        let mut els: Vec<(String, El)> = Vec::new();
        for key in ORDER {
            let Some(v) = n.get(key) else { continue };
            let l = loc.key(key);
            if key == "Sid" && v.literal().as_deref() == Some("") {
                self.note(
                    &l,
                    "an empty Sid is left out (a spec Sid has letters and digits)",
                );
                continue;
            }
            let el = if key == "Condition" {
                self.condition_block(v, &l)
            } else {
                let (y, lost) = self.lost(|cx| match key {
                    "Sid" | "Effect" => cx.lit_text(v, &l, key).map(Y::Str),
                    "Principal" | "NotPrincipal" => cx.principal(v, &l),
                    "Action" | "NotAction" => cx.actions(v, &l),
                    _ => cx.values_y(v, &l),
                });
                match y {
                    Some(y) if !lost => El::Exact(y),
                    _ => El::Lost,
                }
            };
            els.push((key.to_owned(), el));
        }
        for (k, _) in entries {
            if !ORDER.contains(&k.as_str()) {
                self.issue(
                    &loc.key(k),
                    format!("`{k}` is not an element of a policy statement; left out"),
                );
            }
        }
        match narrow::settle(els) {
            Settled::Exact(y) => Some(y),
            Settled::Narrowed(y, why) => {
                self.report(loc, why);
                Some(y)
            }
            Settled::Dropped(why) => {
                self.report(loc, why);
                None
            }
        }
    }

    pub(super) fn actions(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        let (ts, single) = self.items(n, loc)?;
        let mut out = Vec::new();
        for t in ts {
            match t.as_literal() {
                Some(a) => out.push(Y::Str(a)),
                None => {
                    self.issue(
                        loc,
                        format!(
                            "actions are literal in a spec; `{}` holds a parameter",
                            t.display()
                        ),
                    );
                    return None;
                }
            }
        }
        Some(if single && out.len() == 1 {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }

    pub(super) fn principal(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        if let Some(s) = n.literal() {
            if s == "*" {
                return Some(Y::s("*"));
            }
        }
        if let N::Sub(s, _) = n {
            if s == "*" {
                return Some(Y::s("*"));
            }
        }
        let N::Map(m) = n else {
            self.issue(
                loc,
                format!(
                    "a principal is \"*\" or a mapping of types, found {}",
                    n.kind()
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        for (k, v) in m {
            out.push((k.clone(), self.values_y(v, &loc.key(k))?));
        }
        Some(Y::Map(out))
    }

    pub(super) fn cond_key(&mut self, k: &str, loc: &Loc) -> Option<String> {
        match self.key_vars.clone() {
            Some(vars) => {
                let t = self.sub(k, &vars, loc)?;
                self.spec_str(&t, loc)
            }
            None => Some(super::spec_literal(k)),
        }
    }

    /// A Condition block, entry by entry: [`El::Part`] holds the entries carried when some
    /// are not (a Deny may keep those; an Allow may not).
    pub(super) fn condition_block(&mut self, n: &N, loc: &Loc) -> El {
        let N::Map(ops) = n else {
            self.issue(
                loc,
                format!(
                    "a Condition block is a mapping of operators, found {}",
                    n.kind()
                ),
            );
            return El::Lost;
        };
        let mut out = Vec::new();
        let mut lost = false;
        for (op, keys) in ops {
            let ol = loc.key(op);
            let N::Map(keys) = keys else {
                self.issue(&ol, "a condition operator maps keys to values");
                lost = true;
                continue;
            };
            let mut ko = Vec::new();
            for (k, v) in keys {
                let kl = ol.key(k);
                let (entry, l) = self.lost(|cx| {
                    let key = cx.cond_key(k, &kl)?;
                    Some((key, cx.values_y(v, &kl)?))
                });
                match entry {
                    Some(e) if !l => ko.push(e),
                    _ => lost = true,
                }
            }
            if !ko.is_empty() || keys.is_empty() {
                out.push((op.clone(), Y::Map(ko)));
            }
        }
        if lost {
            El::Part(Y::Map(out))
        } else {
            El::Exact(Y::Map(out))
        }
    }
}

/// True if `n` (a policy, a document, a statement) may hold a Deny: an `Effect` other than a
/// literal `Allow`, or "deny" anywhere in its text (a document given as a JSON string is read
/// as such). Leaving out what may deny could grant more.
pub(super) fn may_deny(n: &N) -> bool {
    match n {
        N::Str(s) | N::Sub(s, _) => {
            s.to_ascii_lowercase().contains("deny")
                || serde_json::from_str::<serde_json::Value>(s)
                    .is_ok_and(|v| v.is_object() && may_deny(&node::from_json(&v, None, false)))
        }
        N::Map(m) => m.iter().any(|(k, v)| {
            (k == "Effect" && v.literal().as_deref() != Some("Allow")) || may_deny(v)
        }),
        N::Seq(v) => v.iter().any(may_deny),
        N::Fn(_, arg, _) => may_deny(arg),
        N::Null | N::Bool(_) | N::Num(_) => false,
    }
}

/// Why a role is refused when a policy of it that may deny cannot be imported.
pub(super) fn lost_deny(loc: &Loc) -> String {
    format!(
        "its policy at {} cannot be imported and may hold a Deny",
        loc.display()
    )
}

/// True if a spec document (or statement list) holds a statement that is not an Allow.
pub(super) fn y_may_deny(doc: &Y) -> bool {
    match doc.get("Statement") {
        Some(Y::Seq(v)) => v.iter().any(|s| !narrow::is_allow(s)),
        _ => false,
    }
}
