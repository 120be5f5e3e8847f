//! Policy documents: `data "aws_iam_policy_document"` blocks, `jsonencode(...)` and JSON
//! strings with interpolations, each into spec statements (switched ones narrowed, never wider).

use super::*;

impl Tf {
    /// A policy document from `data.aws_iam_policy_document.X.json`, `jsonencode(...)` or a
    /// JSON string: (Version, Id, statements).
    pub(super) fn document(
        &mut self,
        e: &Expr,
        at: &At,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        match e {
            Expr::Var(r, steps) if r == "data" => {
                let (Some(Step::Attr(ty)), Some(Step::Attr(n))) = (steps.first(), steps.get(1))
                else {
                    self.issue(at, "expected `data.aws_iam_policy_document.NAME.json`");
                    return None;
                };
                if ty != "aws_iam_policy_document" {
                    self.issue(at, format!("`data.{ty}` is not a policy document"));
                    return None;
                }
                // `data.x["key"].json`: the instance of a document expanded by `for_each`.
                let one = instance(&steps[1..]).and_then(|i| self.docs.get(&i).cloned());
                let Some((fi, b)) = one.or_else(|| self.docs.get(n).cloned()) else {
                    self.issue(
                        at,
                        format!("`data.aws_iam_policy_document.{n}` is not declared"),
                    );
                    return None;
                };
                self.policy_document(fi, &b)
            }
            Expr::Call(f, args, _) if f == "jsonencode" && args.len() == 1 => {
                self.json_expr_doc(&args[0], at)
            }
            Expr::Str(parts) => self.json_text_doc(parts, at),
            other => {
                self.issue(
                    at,
                    format!("a policy document here cannot be read ({})", kind(other)),
                );
                None
            }
        }
    }

    pub(super) fn policy_document(
        &mut self,
        fi: usize,
        b: &Block,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let name = name_of(b);
        if self.doc_stack.contains(&name) {
            let at = self.at(fi, b.line, &format!("data.aws_iam_policy_document.{name}"));
            self.issue(
                &at,
                "the document refers to itself (Terraform rejects the cycle)",
            );
            return None;
        }
        self.doc_stack.push(name);
        let doc = self.policy_document_in(fi, b);
        self.doc_stack.pop();
        doc
    }

    fn policy_document_in(
        &mut self,
        fi: usize,
        b: &Block,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let addr = format!("data.aws_iam_policy_document.{}", name_of(b));
        let version = b.body.attr("version").and_then(|a| a.expr.literal());
        let id = b.body.attr("policy_id").and_then(|a| a.expr.literal());
        let mut statements = Vec::new();
        // Documents merged in (`source_*` before the statements, `override_*` after).
        let mut sources: Vec<Parts> = Vec::new();
        let mut overrides: Vec<Parts> = Vec::new();
        // What cannot be read may hold a Deny: the document is not imported.
        let mut whole = true;
        for item in &b.body.items {
            match item {
                hcl::Item::Block(s) if s.kind == "statement" => {
                    statements.extend(self.statement(fi, &s.body, &addr, s.line, true));
                }
                hcl::Item::Block(d)
                    if d.kind == "dynamic"
                        && d.labels.first().map(String::as_str) == Some("statement") =>
                {
                    let dat = self.at(fi, d.line, &addr);
                    let when = match d.body.attr("for_each").map(|a| &a.expr) {
                        Some(Expr::Cond(c, a, z))
                            if matches!(&**z, Expr::Tuple(v) if v.is_empty())
                                && matches!(&**a, Expr::Tuple(v) if v.len() == 1) =>
                        {
                            self.one_switch(c, &None, &dat)
                        }
                        _ => {
                            self.issue(&dat, "a dynamic statement over something other than a written list or object (or `cond ? [1] : []`) cannot be expressed");
                            Err(())
                        }
                    };
                    for c in d.body.blocks("content") {
                        // Under a switch of its own: not split by `compact` (one `when:`).
                        for y in self.statement(fi, &c.body, &addr, c.line, false) {
                            match &when {
                                Ok(w) => statements.push(with_when(y, w)),
                                Err(()) => statements.extend(self.unswitched(y, &dat)),
                            }
                        }
                    }
                }
                hcl::Item::Attr(a) if a.name == "version" || a.name == "policy_id" => {}
                hcl::Item::Attr(a) if a.name == "count" => {
                    let aat = self.at(fi, a.line, &format!("{addr}: count"));
                    whole &= self.doc_count(&a.expr, &aat);
                }
                hcl::Item::Attr(a)
                    if matches!(
                        a.name.as_str(),
                        "source_policy_documents"
                            | "override_policy_documents"
                            | "source_json"
                            | "override_json"
                    ) =>
                {
                    let aat = self.at(fi, a.line, &format!("{addr}: {}", a.name));
                    let many = a.name.ends_with("_documents");
                    let exprs: Vec<Expr> = match (&a.expr, many) {
                        (Expr::Tuple(items), true) => items.clone(),
                        (e, false) => vec![e.clone()],
                        _ => {
                            self.issue(&aat, format!("`{}` other than a written list of documents cannot be read (its documents are not known); the document is not imported", a.name));
                            whole = false;
                            continue;
                        }
                    };
                    for e in &exprs {
                        match self.document(e, &aat) {
                            Some(d) if a.name.starts_with("source") => sources.push(d),
                            Some(d) => overrides.push(d),
                            None => {
                                self.issue(&aat, format!("a document of `{}` cannot be read; the document is not imported", a.name));
                                whole = false;
                            }
                        }
                    }
                }
                hcl::Item::Attr(a) => {
                    let aat = self.at(fi, a.line, &addr);
                    self.issue(
                        &aat,
                        format!(
                            "`{}` cannot be expressed (a spec document is written out); the document is not imported",
                            a.name
                        ),
                    );
                    whole = false;
                }
                hcl::Item::Block(x) => {
                    let xat = self.at(fi, x.line, &addr);
                    self.issue(
                        &xat,
                        format!(
                            "`{}` blocks cannot be expressed; the document is not imported",
                            x.kind
                        ),
                    );
                    whole = false;
                }
            }
        }
        if !whole {
            return None;
        }
        if sources.is_empty() && overrides.is_empty() {
            return Some((version, id, statements));
        }
        let at = self.at(fi, b.line, &addr);
        self.merge_documents(sources, (version, id, statements), overrides, &at)
    }

    /// `count` on a policy document: `cond ? 1 : 0` (or 1) whose switches its user has too
    /// (where the user is on and the document is not, Terraform fails on `[0]`).
    fn doc_count(&mut self, e: &Expr, at: &At) -> bool {
        let sw = match e {
            Expr::Num(n) if n == "1" => Some(Vec::new()),
            Expr::Cond(c, one, zero)
                if one.literal().as_deref() == Some("1")
                    && zero.literal().as_deref() == Some("0") =>
            {
                self.switches(c)
            }
            _ => None,
        };
        match sw {
            Some(v) => match v.iter().find(|s| !self.ctx.contains(s)) {
                None => true,
                // The same conjunction its user's `when:` names as one condition.
                Some(_) if self.conjunction_in_ctx(&v) => true,
                Some(s) => {
                    self.issue(at, format!("the document is counted by `{}`, which what uses it is not switched by (Terraform fails where it is on and the document is not); a spec cannot say that", s.text()));
                    false
                }
            },
            None => {
                self.issue(
                    at,
                    "a document `count` other than `cond ? 1 : 0` cannot be expressed",
                );
                false
            }
        }
    }

    /// The merged statements of `aws_iam_policy_document`, as the AWS provider merges them:
    /// each source document in order (a Sid already seen is an error), then the document's
    /// own statements, then each override document, where a statement with a Sid replaces
    /// the earlier statement with that Sid in place and one without is appended; the highest
    /// Version and the last Id win. A replacement involving a switched statement depends on
    /// the switch: not expressible, the document is not imported.
    fn merge_documents(
        &mut self,
        sources: Vec<Parts>,
        own: Parts,
        overrides: Vec<Parts>,
        at: &At,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let mut version: Option<String> = None;
        let mut id: Option<String> = None;
        let mut out: Vec<Y> = Vec::new();
        let sid = |y: &Y| y.get("Sid").and_then(Y::as_str).map(str::to_owned);
        let n_sources = sources.len();
        for (i, (v, d, stmts)) in sources
            .into_iter()
            .chain([own])
            .chain(overrides)
            .enumerate()
        {
            if let Some(v) = v {
                if version.as_ref().map_or(true, |x| v > *x) {
                    version = Some(v);
                }
            }
            if d.as_deref().is_some_and(|d| !d.is_empty()) {
                id = d;
            }
            for st in stmts {
                let Some(s) = sid(&st) else {
                    out.push(st);
                    continue;
                };
                match out.iter().position(|x| sid(x).as_deref() == Some(&s)) {
                    Some(_) if i < n_sources => {
                        self.issue(at, format!("the Sid `{s}` is in more than one source document (the AWS provider fails on it); the document is not imported"));
                        return None;
                    }
                    Some(p) => {
                        if out[p].get("when").is_some() || st.get("when").is_some() {
                            self.issue(at, format!("the statement `{s}` replaces one of the same Sid where either is switched; which one is in force depends on the switch, which a spec cannot say; the document is not imported"));
                            return None;
                        }
                        out[p] = st;
                    }
                    None => out.push(st),
                }
            }
        }
        Some((version, id, out))
    }

    /// A `statement` block, element by element; what the spec cannot express is settled by
    /// [`narrow::settle`]. With `split`, `resources = compact(…)` of optional values makes
    /// several statements (`compact.rs`).
    pub(super) fn statement(
        &mut self,
        fi: usize,
        body: &Body,
        addr: &str,
        line: usize,
        split: bool,
    ) -> Vec<Y> {
        let at = |tf: &Tf, l: usize, what: &str| tf.at(fi, l, &format!("{addr}: {what}"));
        let mut els: Vec<(String, El)> = Vec::new();
        if let Some(a) = body.attr("sid") {
            let s = a.expr.literal();
            match s {
                Some(s) if s.is_empty() => {
                    let x = at(self, a.line, "sid");
                    self.note(
                        &x,
                        "an empty Sid is left out (a spec Sid has letters and digits)",
                    );
                }
                Some(s) => els.push(("Sid".into(), El::Exact(Y::Str(s)))),
                None => {
                    let x = at(self, a.line, "sid");
                    self.issue(&x, "a Sid is literal in a spec");
                }
            }
        }
        let effect = match body.attr("effect") {
            None => El::Exact(Y::s("Allow")),
            Some(a) => match a.expr.literal() {
                Some(e) => El::Exact(Y::Str(e)),
                None => {
                    let x = at(self, a.line, "effect");
                    self.issue(&x, "an effect is literal in a spec");
                    El::Lost
                }
            },
        };
        els.push(("Effect".into(), effect));
        let mut optional: Option<super::compact::Split> = None;
        let principals = |tf: &mut Tf, kind: &str| -> Option<El> {
            let blocks: Vec<&Block> = body.blocks(kind).collect();
            if blocks.is_empty() {
                return None;
            }
            let (y, lost) = tf.lost(|tf| {
                let mut m: Vec<(String, Y)> = Vec::new();
                let mut star = false;
                for p in &blocks {
                    let pat = at(tf, p.line, kind);
                    let Some(ty) = p.body.attr("type").and_then(|a| a.expr.literal()) else {
                        tf.issue(&pat, "a principal type is literal in a spec");
                        return None;
                    };
                    let Some(ids) = p.body.attr("identifiers") else {
                        tf.issue(&pat, "the principals block has no identifiers");
                        return None;
                    };
                    if ty == "*" {
                        star = true;
                        continue;
                    }
                    let v = tf.values_y(&ids.expr, &pat)?;
                    let items = match v {
                        Y::Seq(items) => items,
                        one => vec![one],
                    };
                    match m.iter_mut().find(|(t, _)| *t == ty) {
                        Some((_, Y::Seq(existing))) => existing.extend(items),
                        _ => m.push((ty, Y::Seq(items))),
                    }
                }
                Some(if star { Y::s("*") } else { Y::Map(m) })
            });
            Some(match y {
                Some(y) if !lost => El::Exact(y),
                _ => El::Lost,
            })
        };
        if let Some(p) = principals(self, "principals") {
            els.push(("Principal".into(), p));
        }
        if let Some(p) = principals(self, "not_principals") {
            els.push(("NotPrincipal".into(), p));
        }
        for (tf_name, key, literal) in [
            ("actions", "Action", true),
            ("not_actions", "NotAction", true),
            ("resources", "Resource", false),
            ("not_resources", "NotResource", false),
        ] {
            if let Some(a) = body.attr(tf_name) {
                let x = at(self, a.line, tf_name);
                if split && tf_name == "resources" {
                    if let Some(read) = self.compact_resources(&a.expr, &x) {
                        let el = match read {
                            // The statement is read with its first item; `split_statement`
                            // gives each statement its items.
                            Some(s) if !s.optional.is_empty() => {
                                let first = s.fixed.first().unwrap_or(&s.optional[0].0);
                                let el = El::Exact(Y::Seq(vec![Y::s(first.as_str())]));
                                optional = Some(s);
                                el
                            }
                            Some(s) => El::Exact(Y::Seq(s.fixed.into_iter().map(Y::Str).collect())),
                            None => El::Lost,
                        };
                        els.push((key.into(), el));
                        continue;
                    }
                }
                let (y, lost) = self.lost(|tf| {
                    if literal {
                        tf.literal_items(&a.expr, &x, "actions")
                    } else {
                        tf.values_y(&a.expr, &x)
                    }
                });
                els.push((
                    key.into(),
                    match y {
                        Some(y) if !lost => El::Exact(y),
                        _ => El::Lost,
                    },
                ));
            }
        }
        let mut conds: Vec<(String, Y)> = Vec::new();
        let mut cond_lost = false;
        let mut any_cond = false;
        for c in body.blocks("condition") {
            any_cond = true;
            let x = at(self, c.line, "condition");
            cond_lost |= !self.condition_entry(&c.body, &x, &mut conds);
        }
        // `dynamic "condition"` over a switch: read below, once the rest is known.
        let mut dyns: Vec<&Block> = Vec::new();
        // What is left unread in the statement (a `dynamic "condition"` over a switch the
        // evaluator could not expand, anything else) may restrict it: its principals or its
        // conditions are lost, so the statement is settled as such (an Allow is left out,
        // never kept without what restricted it).
        for item in &body.items {
            let (name, l, label) = match item {
                hcl::Item::Attr(a) => (a.name.as_str(), a.line, None),
                hcl::Item::Block(b) => (b.kind.as_str(), b.line, b.labels.first()),
            };
            if matches!(
                name,
                "sid"
                    | "effect"
                    | "actions"
                    | "not_actions"
                    | "resources"
                    | "not_resources"
                    | "principals"
                    | "not_principals"
                    | "condition"
            ) {
                continue;
            }
            if let hcl::Item::Block(b) = item {
                if super::cond_switch::condition_switch(b).is_some() {
                    dyns.push(b);
                    continue;
                }
            }
            let x = at(self, l, name);
            match (name, label.map(String::as_str)) {
                ("dynamic", Some(p @ ("principals" | "not_principals"))) => {
                    self.issue(&x, format!("this `dynamic \"{p}\"` cannot be expanded (its `for_each` is not a written list or a switch of the statement); the statement's principals are lost"));
                    let key = if p == "principals" {
                        "Principal"
                    } else {
                        "NotPrincipal"
                    };
                    els.retain(|(k, _)| k != key);
                    els.push((key.into(), El::Lost));
                }
                ("dynamic", label) => {
                    self.issue(&x, format!("this `dynamic \"{}\"` cannot be expanded (its `for_each` is not a written list or a switch of the statement); the statement's conditions are lost", label.unwrap_or("")));
                    any_cond = true;
                    cond_lost = true;
                }
                _ => {
                    self.issue(&x, format!("`{name}` is not part of a policy statement; the statement's conditions are lost"));
                    any_cond = true;
                    cond_lost = true;
                }
            }
        }
        let x = at(self, line, "statement");
        if let Some(d) = dyns.first() {
            let dx = at(self, d.line, "dynamic");
            let splittable = split && optional.is_none();
            match self.switched_conditions(&dyns, &conds, splittable, &dx) {
                super::cond_switch::CondSwitch::On(on, lost) => {
                    conds = on;
                    any_cond = true;
                    cond_lost |= lost;
                }
                super::cond_switch::CondSwitch::Switched(sw, on, lost) => {
                    return self.split_by_condition(
                        els,
                        (conds, any_cond, cond_lost),
                        (sw, on, lost),
                        &x,
                    );
                }
                super::cond_switch::CondSwitch::Lost => {
                    any_cond = true;
                    cond_lost = true;
                }
            }
        }
        let Some(y) = self.settle_statement(els, conds, any_cond, cond_lost, &x) else {
            return Vec::new();
        };
        match optional {
            Some(s) => self.split_statement(y, s, &x),
            None => vec![y],
        }
    }

    /// `jsonencode({...})`: the object with template values.
    pub(super) fn json_expr_doc(
        &mut self,
        e: &Expr,
        at: &At,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let j = self.json_value(e, at)?;
        self.json_doc(&j, at)
    }

    pub(super) fn json_value(&mut self, e: &Expr, at: &At) -> Option<J> {
        if !self.budget.tick() {
            return None;
        }
        Some(match e {
            Expr::Object(items) => {
                let mut m = Vec::new();
                for (k, v) in items {
                    let Some(k) = k.literal() else {
                        self.issue(
                            at,
                            "an object key with an interpolation cannot be expressed",
                        );
                        return None;
                    };
                    // A statement's resources as `compact` of optional values: split later.
                    if k == "Resource" {
                        match self.compact_resources(v, at) {
                            Some(Some(split)) if !split.optional.is_empty() => {
                                m.push((k, J::Compact(split)));
                                continue;
                            }
                            Some(None) => return None,
                            _ => {}
                        }
                    }
                    m.push((k, self.json_value(v, at)?));
                }
                J::Obj(m)
            }
            Expr::Tuple(items) => J::Arr(
                items
                    .iter()
                    .map(|i| self.json_value(i, at))
                    .collect::<Option<_>>()?,
            ),
            Expr::Call(..) | Expr::ForTuple { .. } => J::List(self.items(e, at)?),
            Expr::Var(r, s)
                if r == "var"
                    && matches!(s.first(), Some(Step::Attr(n)) if self.var_param(n).is_some_and(|(_, k)| k == ParamKind::List)) =>
            {
                J::List(self.items(e, at)?)
            }
            other => J::Str(self.scalar(other, at)?),
        })
    }

    /// A JSON string policy (heredoc), interpolations kept as placeholders.
    pub(super) fn json_text_doc(
        &mut self,
        parts: &[TPart],
        at: &At,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let mut text = String::new();
        let mut interps = Vec::new();
        for p in parts {
            match p {
                TPart::Lit(l) => text.push_str(l),
                TPart::Interp(e) => {
                    text.push_str(&format!("\u{E000}{}\u{E000}", interps.len()));
                    interps.push(e.clone());
                }
            }
        }
        let v: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                self.issue(at, format!("the policy string is not JSON: {e}"));
                return None;
            }
        };
        let j = self.json_from_text(&v, &interps, at)?;
        self.json_doc(&j, at)
    }

    pub(super) fn json_from_text(
        &mut self,
        v: &serde_json::Value,
        interps: &[Expr],
        at: &At,
    ) -> Option<J> {
        if !self.budget.tick() {
            return None;
        }
        use serde_json::Value as V;
        Some(match v {
            V::Object(m) => {
                let mut out = Vec::new();
                for (k, x) in m {
                    if k.contains('\u{E000}') {
                        self.issue(at, "a JSON key with an interpolation cannot be expressed");
                        return None;
                    }
                    out.push((k.clone(), self.json_from_text(x, interps, at)?));
                }
                J::Obj(out)
            }
            V::Array(items) => J::Arr(
                items
                    .iter()
                    .map(|i| self.json_from_text(i, interps, at))
                    .collect::<Option<_>>()?,
            ),
            V::String(s) => {
                let mut t = Template::default();
                for (i, piece) in s.split('\u{E000}').enumerate() {
                    if i % 2 == 0 {
                        t.push(Part::Lit(piece.to_owned()));
                    } else {
                        let e = piece.parse::<usize>().ok().and_then(|n| interps.get(n))?;
                        t.extend(&self.scalar(e, at)?);
                    }
                }
                J::Str(t)
            }
            other => J::Str(Template::lit(other.to_string())),
        })
    }

    pub(super) fn json_doc(
        &mut self,
        j: &J,
        at: &At,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let J::Obj(m) = j else {
            self.issue(at, "a policy document is an object");
            return None;
        };
        let get = |k: &str| m.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        let lit = |v: Option<&J>| match v {
            Some(J::Str(t)) => t.as_literal(),
            _ => None,
        };
        let version = lit(get("Version"));
        let id = lit(get("Id"));
        let list = match get("Statement") {
            Some(J::Arr(v)) => v.clone(),
            Some(o @ J::Obj(_)) => vec![o.clone()],
            _ => {
                self.issue(at, "the policy document has no Statement list");
                return None;
            }
        };
        let mut out = Vec::new();
        for s in &list {
            let J::Obj(sm) = s else {
                self.issue(at, "a statement is an object");
                continue;
            };
            let mut els: Vec<(String, El)> = Vec::new();
            let mut optional: Option<super::compact::Split> = None;
            for key in crate::spec::STATEMENT_KEYS {
                let Some(v) = sm.iter().find(|(n, _)| n == key).map(|(_, v)| v) else {
                    continue;
                };
                if let J::Compact(split) = v {
                    // Read with its first item; `split_statement` gives each its items.
                    let first = split.fixed.first().unwrap_or(&split.optional[0].0);
                    let first = Y::Seq(vec![Y::s(first.as_str())]);
                    els.push((key.into(), El::Exact(first)));
                    optional = Some(split.clone());
                    continue;
                }
                if key == "Sid" && lit(Some(v)).as_deref() == Some("") {
                    self.note(
                        at,
                        "an empty Sid is left out (a spec Sid has letters and digits)",
                    );
                    continue;
                }
                if key == "Condition" {
                    let J::Obj(ops) = v else {
                        self.issue(at, "a Condition is an object");
                        els.push((key.into(), El::Lost));
                        continue;
                    };
                    let mut co = Vec::new();
                    let mut lost = false;
                    for (op, keys) in ops {
                        let J::Obj(keys) = keys else {
                            self.issue(at, format!("condition `{op}` maps keys to values"));
                            lost = true;
                            continue;
                        };
                        let mut ko = Vec::new();
                        for (k, x) in keys {
                            match self.lost(|tf| tf.j_values(x, at, false)) {
                                (Some(y), false) => ko.push((spec_literal(k), y)),
                                _ => lost = true,
                            }
                        }
                        if !ko.is_empty() || keys.is_empty() {
                            co.push((op.clone(), Y::Map(ko)));
                        }
                    }
                    els.push((
                        key.into(),
                        if lost {
                            El::Part(Y::Map(co))
                        } else {
                            El::Exact(Y::Map(co))
                        },
                    ));
                    continue;
                }
                let (y, lost) = self.lost(|tf| match key {
                    "Sid" | "Effect" => lit(Some(v)).map(Y::Str),
                    "Action" | "NotAction" => tf.j_values(v, at, true),
                    "Principal" | "NotPrincipal" => match v {
                        J::Str(t) if t.as_literal().as_deref() == Some("*") => Some(Y::s("*")),
                        J::Obj(pm) => {
                            let mut pm2 = Vec::new();
                            for (t, x) in pm {
                                pm2.push((t.clone(), tf.j_values(x, at, false)?));
                            }
                            Some(Y::Map(pm2))
                        }
                        _ => None,
                    },
                    _ => tf.j_values(v, at, false),
                });
                match y {
                    Some(y) if !lost => els.push((key.into(), El::Exact(y))),
                    _ => {
                        self.issue(at, format!("`{key}` of a statement cannot be read"));
                        els.push((key.into(), El::Lost));
                    }
                }
            }
            let settled = narrow::settle(els);
            if let Some(y) = self.settled(at, settled) {
                match optional {
                    Some(split) => out.extend(self.split_statement(y, split, at)),
                    None => out.push(y),
                }
            }
        }
        Some((version, id, out))
    }

    pub(super) fn j_values(&mut self, v: &J, at: &At, literal: bool) -> Option<Y> {
        let ts: Vec<Template> = match v {
            J::Str(t) => vec![t.clone()],
            J::List(ts) => ts.clone(),
            // Split where the statement is read; anywhere else it is not a value list.
            J::Compact(_) => return None,
            J::Arr(items) => {
                let mut out = Vec::new();
                for i in items {
                    match i {
                        J::Str(t) => out.push(t.clone()),
                        J::List(ts) => out.extend(ts.iter().cloned()),
                        _ => return None,
                    }
                }
                out
            }
            J::Obj(_) => return None,
        };
        let mut out = Vec::new();
        for t in &ts {
            if literal {
                out.push(Y::Str(t.as_literal()?));
            } else {
                out.push(Y::Str(self.spec_str(t, at)?));
            }
        }
        Some(if out.len() == 1 && matches!(v, J::Str(_)) {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }

    pub(super) fn doc_y(version: Option<String>, id: Option<String>, statements: Vec<Y>) -> Y {
        let mut m = Vec::new();
        if let Some(v) = version {
            m.push(("Version".to_owned(), Y::Str(v)));
        }
        if let Some(i) = id {
            m.push(("Id".to_owned(), Y::Str(i)));
        }
        m.push(("Statement".to_owned(), Y::Seq(statements)));
        Y::Map(m)
    }
}

/// A policy document read: Version, Id, statements.
type Parts = (Option<String>, Option<String>, Vec<Y>);

/// Symbolic JSON of a `jsonencode` argument or a JSON string with interpolations.
#[derive(Debug, Clone)]
pub(super) enum J {
    Str(Template),
    List(Vec<Template>),
    /// A statement's `Resource = compact([...])` of optional values (`compact.rs`).
    Compact(super::compact::Split),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}
