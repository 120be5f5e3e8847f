//! Expressions as spec values: literals, string templates, `var.`/`local.`/`data.` references,
//! lists, and new parameters for what has no spec spelling.

use super::*;
use crate::model::{Created, KeyId, Lookup, LookupKey, ParamName, Piece, ProviderArn};

impl Tf {
    pub(super) fn var_param(&self, tfname: &str) -> Option<(String, ParamKind)> {
        self.vars.get(tfname).cloned()
    }

    pub(super) fn synth(&mut self, hint: &str, what: String, at: &At) -> Option<Template> {
        let known = self
            .introduced
            .iter()
            .find(|(_, w)| w.as_str() == Some(what.as_str()))
            .map(|(n, _)| n.clone());
        let name = match known {
            Some(n) => n,
            None => {
                // Distinct expressions are distinct parameters (`a.b` and `a-b` both read
                // `AB`): a taken name gets a number.
                let mut base: String = pascal(hint)
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    base.insert(0, 'P');
                }
                let mut name = base.clone();
                let mut n = 2;
                while self.synth.iter().any(|(s, _)| *s == name)
                    || self.vars.values().any(|(p, _)| *p == name)
                {
                    name = format!("{base}{n}");
                    n += 1;
                }
                self.introduced
                    .insert(name.clone(), serde_json::Value::String(what.clone()));
                name
            }
        };
        if !self.synth.iter().any(|(n, _)| *n == name) {
            self.synth.push((
                name.clone(),
                Y::Map(vec![
                    ("type".into(), Y::s("string")),
                    (
                        "description".into(),
                        Y::s(format!(
                            "Takes the place of {what}, which a spec cannot express."
                        )),
                    ),
                ]),
            ));
        }
        self.report(
            at,
            format!("{what} cannot be expressed; the spec takes it as the new parameter `{name}` (without a default: give it the value the module would have had)"),
        );
        Some(param_t(&name))
    }

    pub(super) fn role_name_t(&self, r: &str) -> Option<Template> {
        self.roles.get(r).and_then(|x| x.name.clone())
    }

    /// One value.
    pub(super) fn scalar(&mut self, e: &Expr, at: &At) -> Option<Template> {
        if !self.budget.tick() {
            return None;
        }
        match e {
            Expr::Str(parts) => {
                let mut t = Template::default();
                for p in parts {
                    match p {
                        TPart::Lit(l) => t.push(Part::Lit(l.clone())),
                        TPart::Interp(x) => t.extend(&self.scalar(x, at)?),
                    }
                }
                Some(t)
            }
            Expr::Num(n) => Some(Template::lit(n.clone())),
            Expr::Bool(b) => Some(Template::lit(b.to_string())),
            Expr::Var(root, steps) => self.var(root, steps, e, at),
            Expr::Cond(c, then, otherwise) => {
                let t = self.provider_choice(c, then, otherwise, at);
                if t.is_none() {
                    self.issue(at, "a conditional on a single value cannot be expressed: a spec switches whole roles, policies, attachments and statements");
                }
                t
            }
            Expr::Call(f, args, _) if f == "tostring" && args.len() == 1 => {
                self.scalar(&args[0], at)
            }
            Expr::Call(_, args, _) if is_provider_join(e) => self.scalar(&args[1], at),
            // `replace(P.url, "https://", "")`, `trimprefix(P.url, "https://")`: the issuer.
            Expr::Call(f, args, false)
                if matches!(
                    (f.as_str(), args.as_slice()),
                    ("replace", [Expr::Var(r, _), s, to]) if r == "aws_iam_openid_connect_provider"
                        && s.literal().as_deref() == Some("https://")
                        && to.literal().as_deref() == Some("")
                ) || matches!(
                    (f.as_str(), args.as_slice()),
                    ("trimprefix", [Expr::Var(r, _), s]) if r == "aws_iam_openid_connect_provider"
                        && s.literal().as_deref() == Some("https://")
                ) =>
            {
                let url = self.scalar(&args[0], at)?;
                match super::super::oidc::issuer_of(&url) {
                    Some(t) => Some(t),
                    None => {
                        self.issue(at, "this is not a provider's URL");
                        None
                    }
                }
            }
            // `split("d", X)[i]`, `element(split("d", X), i)`: a piece.
            Expr::Get(inner, steps)
                if matches!((&**inner, steps.as_slice()),
                    (Expr::Call(f, a, false), [Step::Index(_)]) if f == "split" && a.len() == 2) =>
            {
                let (Expr::Call(_, a, _), [Step::Index(i)]) = (&**inner, steps.as_slice()) else {
                    return None;
                };
                self.piece(&a[0], &a[1], i, false, at)
            }
            Expr::Call(f, args, false)
                if f == "element"
                    && matches!(args.as_slice(),
                        [Expr::Call(g, a, false), _] if g == "split" && a.len() == 2) =>
            {
                let [Expr::Call(_, a, _), i] = args.as_slice() else {
                    return None;
                };
                self.piece(&a[0], &a[1], i, true, at)
            }
            // `replace(var.url, "https://", "")`, `trimprefix(…)` of anything but a provider's
            // URL: no spec spelling (CloudFormation has no `replace`), and a piece is not the
            // same function (it fails where the text is absent, `replace` gives the value back).
            Expr::Call(f, args, false)
                if (f == "replace" && args.len() == 3) || (f == "trimprefix" && args.len() == 2) =>
            {
                self.synth(
                    "Replaced",
                    format!("`{}` (a spec has no `replace`, and a piece `split(…)[i]` differs where the text is absent)", sketch(e)),
                    at,
                )
            }
            // `lookup(local.table[key], "name")` (no default: a default is not a lookup
            // the spec can write, which fails where the entry is missing).
            Expr::Call(f, args, false)
                if f == "lookup"
                    && matches!(args.as_slice(), [Expr::Var(r, s), k]
                        if r == "local" && s.len() == 2 && k.literal().is_some()) =>
            {
                let (Expr::Var(_, s), Some(k)) = (&args[0], args[1].literal()) else {
                    return None;
                };
                let mut steps = s.clone();
                steps.push(Step::Attr(k));
                match self.local_lookup(&steps) {
                    Some(t) => Some(t),
                    None => {
                        self.issue(at, "this `lookup(…)` cannot be expressed in a spec");
                        None
                    }
                }
            }
            Expr::Call(f, _, _) => {
                self.issue(at, format!("`{f}(…)` cannot be expressed in a spec"));
                None
            }
            other => {
                self.issue(
                    at,
                    format!(
                        "this expression cannot be expressed in a spec ({})",
                        kind(other)
                    ),
                );
                None
            }
        }
    }

    /// `split(d, x)` indexed by `index` as the spec's piece `${split("d", X)[i]}`: `x` a
    /// `string` variable (whose default, if any, has the piece) or a pseudo parameter's data
    /// source, `d` text the spec can write. `element(…)` (`element`) wraps around where the
    /// value is short and the piece fails the deployment there: a note says so. Anything else
    /// becomes a new parameter.
    fn piece(
        &mut self,
        d: &Expr,
        x: &Expr,
        index: &Expr,
        element: bool,
        at: &At,
    ) -> Option<Template> {
        let delim = d
            .literal()
            .filter(|d| !d.is_empty() && !d.contains(['"', '}']));
        let i = index.literal().and_then(|s| s.parse::<u16>().ok());
        let of = match self.scalar(x, at)?.parts.as_slice() {
            [Part::Pseudo(p)] => Some(LookupKey::Pseudo(*p)),
            [Part::Param(n)]
                if self
                    .vars
                    .values()
                    .any(|(s, k)| s == n.as_str() && *k == ParamKind::String) =>
            {
                Some(LookupKey::Param(n.clone()))
            }
            _ => None,
        };
        let (Some(delim), Some(i), Some(of)) = (delim, i, of) else {
            return self.synth(
                "Piece",
                format!("`split({}, {})[{}]` (the spec cuts a `string` variable or a pseudo parameter at text without `\"` or `}}`, at an index from 0)", sketch(d), sketch(x), sketch(index)),
                at,
            );
        };
        let x = Piece {
            of,
            delim,
            index: usize::from(i),
        };
        if let LookupKey::Param(n) = &x.of {
            let short = self
                .vars
                .iter()
                .find(|(_, (s, _))| s == n.as_str())
                .and_then(|(t, _)| self.text_defaults.get(t))
                .filter(|v| x.of_value(v).is_none())
                .cloned();
            if let Some(v) = short {
                return self.synth(
                    "Piece",
                    format!(
                        "`{}` (the default `{v}` has no such piece, which the spec refuses)",
                        x.spec()
                    ),
                    at,
                );
            }
        }
        if element && x.index > 0 {
            self.note(at, format!("`element(split(…), {})` wraps around where the value has {} or fewer pieces; the spec's `${{{}}}` fails the deployment there instead (it never grants more)", x.index, x.index, x.spec()));
        }
        Some(Template {
            parts: vec![Part::Piece(Box::new(x))],
        })
    }

    /// `aws_kms_key.<k>.arn` (`[0]`, `[*]` too) of a key of the module that no switch of its
    /// own counts: `${kms_keys.<key>.arn}`; anything else of a key is a new parameter.
    fn key_ref(&mut self, steps: &[Step], at: &At) -> Option<Template> {
        let name = match steps.first() {
            Some(Step::Attr(k)) => k.clone(),
            _ => String::new(),
        };
        let attr = match steps.last() {
            Some(Step::Attr(a)) if steps.len() > 1 => a.as_str(),
            _ => "",
        };
        let known = self.keys_out.contains_key(&name)
            || self.keys_out.is_empty() && self.keys.map.contains_key(&name);
        let switched = self.keys_out.get(&name).is_some_and(|k| k.2.is_some());
        if attr != "arn" || !known || switched {
            return self.synth(
                &format!("{name}-{attr}"),
                format!("`aws_kms_key.{name}.{attr}`"),
                at,
            );
        }
        let id = KeyId(self.keys.assign(&name));
        Some(Template {
            parts: vec![Part::ProviderArn(Box::new(ProviderArn {
                arn: crate::lower::kms_key_arn(&id),
                id: Created::Key(id),
                when: None,
            }))],
        })
    }

    pub(super) fn var(
        &mut self,
        root: &str,
        steps: &[Step],
        e: &Expr,
        at: &At,
    ) -> Option<Template> {
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        if steps.is_empty() {
            if let Some((_, t)) = self.bound.iter().rev().find(|(n, _)| n == root) {
                return Some(t.clone());
            }
        }
        match root {
            "var" => {
                let name = attr(0)?;
                if name == "stack_name" && self.conventions.contains(name) {
                    return Some(pseudo_t(Pseudo::StackName));
                }
                match self.var_param(name) {
                    Some((p, ParamKind::List)) => {
                        self.issue(
                            at,
                            format!("the list variable `{name}` is used where one value is needed"),
                        );
                        let _ = p;
                        None
                    }
                    Some((p, _)) => Some(param_t(&p)),
                    None => {
                        self.issue(at, format!("`var.{name}` is not declared"));
                        None
                    }
                }
            }
            "data" => match pseudo_of(steps) {
                Some(p) => Some(pseudo_t(p)),
                None => {
                    let p = e.path().unwrap_or_default();
                    self.synth(&p.replace(['.', '[', ']'], "-"), format!("`{p}`"), at)
                }
            },
            "aws_iam_role" => {
                let r = instance(steps)?;
                let r = r.as_str();
                let (r, a) = (
                    r,
                    steps.iter().rev().find_map(|s| match s {
                        Step::Attr(a) => Some(a.as_str()),
                        _ => None,
                    })?,
                );
                let name = self.role_name_t(r);
                // A path that may be nothing is `/` while empty: the ARN is not known.
                let known_path = !self.roles.get(r).is_some_and(|x| x.optional_path);
                match (a, name) {
                    ("name" | "id", Some(n)) => Some(n),
                    ("arn", Some(n)) if known_path => {
                        let path = self.roles.get(r).and_then(|x| x.path.clone());
                        Some(iam_arn("role", &path, &n))
                    }
                    _ => self.synth(&format!("{r}-{a}"), format!("`aws_iam_role.{r}.{a}`"), at),
                }
            }
            "aws_iam_policy" => {
                let p = instance(steps)?;
                let p = p.as_str();
                match self.policies.get(p) {
                    Some((_, y, _)) => {
                        let name = y.get("name").and_then(Y::as_str).map(str::to_owned);
                        let path = y.get("path").and_then(Y::as_str).map(str::to_owned);
                        match name {
                            Some(n) => {
                                // Rebuild from the spec strings (they parse back to templates).
                                let t = self.spec_template(&n);
                                let pt = path.map(|p| self.spec_template(&p));
                                Some(iam_arn("policy", &pt, &t))
                            }
                            None => None,
                        }
                    }
                    None => {
                        self.issue(
                            at,
                            format!("`aws_iam_policy.{p}` is not a policy of the module"),
                        );
                        None
                    }
                }
            }
            "aws_iam_openid_connect_provider" => self.provider_ref(steps, at),
            "aws_kms_key" => self.key_ref(steps, at),
            "local" if self.local_lookup(steps).is_some() => self.local_lookup(steps),
            "local" => {
                self.issue(
                    at,
                    format!("`local.{}` is not evaluated", attr(0).unwrap_or("?")),
                );
                None
            }
            _ => {
                if let Some(t) = self.derived(root, steps, at) {
                    return t;
                }
                let p = e.path().unwrap_or_else(|| root.to_owned());
                self.synth(&p.replace(['.', '[', ']'], "-"), format!("`{p}`"), at)
            }
        }
    }

    /// `local.<table>[<key>]["name"]` (or `.name`; `local.<table>[<key>]` of a table of text,
    /// whose key is `value` in the spec), the key the partition, the region, the
    /// account id or a `string`/`number` variable, every entry of the table with `name`: the
    /// spec's lookup `${mappings.<Table>[<key>].<name>}` (the table copied into `mappings:`).
    /// `None` when it is not one.
    pub(super) fn local_lookup(&mut self, steps: &[Step]) -> Option<Template> {
        let (local, k, name) = match steps {
            [Step::Attr(local), Step::Index(k)] if self.flat_tables.contains(local) => {
                (local, k, super::locals::FLAT_KEY.to_owned())
            }
            [Step::Attr(local), Step::Index(k), last] if !self.flat_tables.contains(local) => {
                let name = match last {
                    Step::Attr(a) => a.clone(),
                    Step::Index(x) => x.literal()?,
                    Step::Splat => return None,
                };
                (local, k, name)
            }
            _ => return None,
        };
        let table = self.local_tables.get(local)?.clone();
        let by = match k {
            Expr::Var(root, s) if root == "var" => match s.as_slice() {
                [Step::Attr(v)] => match self.var_param(v)? {
                    (p, ParamKind::String | ParamKind::Number) => LookupKey::Param(ParamName(p)),
                    _ => return None,
                },
                _ => return None,
            },
            Expr::Var(root, s) if root == "data" => LookupKey::Pseudo(pseudo_of(s)?),
            _ => return None,
        };
        let map: String =
            crate::model::names::pascal(local.strip_prefix("mapping_").unwrap_or(local))
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
        let values: Vec<(String, String)> = table
            .iter()
            .filter_map(|(e, row)| {
                let v = row.iter().find(|(k, _)| *k == name)?;
                Some((e.clone(), v.1.clone()))
            })
            .collect();
        let ok = !map.is_empty()
            && values.len() == table.len()
            && table.iter().all(|(e, row)| {
                crate::lower::valid_mapping_entry(e)
                    && row.iter().all(|(k, _)| crate::lower::valid_mapping_key(k))
            })
            && (by != LookupKey::Pseudo(Pseudo::Partition)
                || table
                    .iter()
                    .all(|(e, _)| crate::model::template::KNOWN_PARTITIONS.contains(&e.as_str())));
        if !ok {
            return None;
        }
        self.mappings.insert(map.clone(), table);
        Some(Template {
            parts: vec![Part::Lookup(Box::new(Lookup {
                map,
                by,
                key: name,
                values,
            }))],
        })
    }

    /// A spec string this importer wrote, back to a template (names of declared parameters).
    pub(super) fn spec_template(&self, s: &str) -> Template {
        let declared: Vec<String> = self
            .vars
            .values()
            .map(|(n, _)| n.clone())
            .chain(self.synth.iter().map(|(n, _)| n.clone()))
            .collect();
        crate::lower::template::parse(s, |n| declared.iter().any(|d| d == n))
            .unwrap_or_else(|_| Template::lit(s))
    }

    /// Whether `t` may be `""` (or hold `""` items): made of parameters only, each without a
    /// validation pattern that rejects `""`, or of a mapping lookup or a piece.
    pub(super) fn may_be_empty(&self, t: &Template) -> bool {
        t.parts.iter().all(|p| match p {
            Part::Lit(l) => l.is_empty(),
            Part::Param(n) => !self
                .patterns
                .get(n.as_str())
                .is_some_and(|p| crate::lower::pattern::rejects_empty(p)),
            // A piece is empty where the delimiter ends the value (`a//` at `//`).
            Part::Lookup(_) | Part::Piece(_) => true,
            Part::Pseudo(_) | Part::ProviderArn(_) | Part::PolicyVar(_) => false,
        })
    }

    /// A value list: items (a list variable, `concat`, `compact`, a `for` over a list
    /// variable).
    pub(super) fn items(&mut self, e: &Expr, at: &At) -> Option<Vec<Template>> {
        if !self.budget.tick() {
            return None;
        }
        match e {
            Expr::Tuple(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.extend(self.items_one(i, at)?);
                }
                Some(out)
            }
            Expr::Call(f, args, false) if f == "concat" => {
                let mut out = Vec::new();
                for a in args {
                    out.extend(self.items(a, at)?);
                }
                Some(out)
            }
            // `compact(list)` drops `""` (and null) items: exact where no other item can be
            // empty (a list variable whose validation pattern rejects `""`, text, ...).
            Expr::Call(f, args, false) if f == "compact" && args.len() == 1 => {
                let mut out = self.items(&args[0], at)?;
                out.retain(|t| {
                    !t.parts
                        .iter()
                        .all(|p| matches!(p, Part::Lit(l) if l.is_empty()))
                });
                let mut refused = None;
                for t in &out {
                    if self.may_be_empty(t) && !self.compact_identity(t, at) {
                        refused = Some(t);
                        break;
                    }
                }
                if let Some(t) = refused {
                    let msg = self.compact_refused(t);
                    self.issue(at, msg);
                    return None;
                }
                Some(out)
            }
            Expr::ForTuple {
                key: None,
                value,
                coll,
                body,
                cond: None,
            } => {
                let Some(("var", Some(name))) = (match &**coll {
                    Expr::Var(r, s) => Some((
                        r.as_str(),
                        s.first().and_then(|x| match x {
                            Step::Attr(a) => Some(a.as_str()),
                            _ => None,
                        }),
                    )),
                    _ => None,
                }) else {
                    self.issue(at, "a `for` expression over something other than a list variable cannot be expressed");
                    return None;
                };
                let Some((p, ParamKind::List)) = self.var_param(name) else {
                    self.issue(at, format!("`var.{name}` is not a list variable"));
                    return None;
                };
                self.bound.push((value.clone(), param_t(&p)));
                let t = self.scalar(body, at);
                self.bound.pop();
                let t = t?;
                // Each element built from the list and other values (`"${local.arn}:${s}"`):
                // CloudFormation cannot build such a string per element (RG401), so the spec
                // cannot say it; the list alone or with literal text (no comma) it can.
                let mixed = t.parts.len() > 1
                    && t.parts.iter().any(|x| match x {
                        Part::Lit(l) => l.contains(','),
                        Part::Param(n) => n.as_str() != p,
                        Part::PolicyVar(_) => false,
                        Part::Pseudo(_)
                        | Part::ProviderArn(_)
                        | Part::Lookup(_)
                        | Part::Piece(_) => true,
                    });
                if mixed {
                    self.issue(
                        at,
                        format!("`[for … in var.{name} : …]` builds each element from the list and other values (`{}`); a spec can put a list parameter in a string only beside literal text (RG401: CloudFormation cannot repeat a deploy-time value once per item), so this cannot be expressed (write the rest of the string literally, or let the variable hold whole values)", t.display()),
                    );
                    return None;
                }
                Some(vec![t])
            }
            Expr::Call(..) if is_provider_join(e) => Some(vec![self.scalar(e, at)?]),
            // `items_one` hands these back to `items`: each is settled here, never passed on
            // (an unhandled call or `for` once bounced between the two forever).
            Expr::Call(f, _, _) => {
                self.issue(
                    at,
                    format!(
                        "`{f}(…)` making a list cannot be expressed (only `concat(…)` of lists)"
                    ),
                );
                None
            }
            Expr::ForTuple { .. } => {
                self.issue(at, "a `for` expression with a key or an `if` cannot be expressed (only `[for x in var.list : \"…${x}…\"]`)");
                None
            }
            other => self.items_one(other, at),
        }
    }

    pub(super) fn items_one(&mut self, e: &Expr, at: &At) -> Option<Vec<Template>> {
        if let Expr::Var(r, s) = e {
            if r == "var" {
                if let Some(Step::Attr(n)) = s.first() {
                    if let Some((p, ParamKind::List)) = self.var_param(n) {
                        return Some(vec![param_t(&p)]);
                    }
                }
            }
        }
        if matches!(e, Expr::Tuple(_) | Expr::Call(..) | Expr::ForTuple { .. }) {
            return self.items(e, at);
        }
        Some(vec![self.scalar(e, at)?])
    }

    /// A key's `deletion_window_in_days` as the spec writes it.
    pub(super) fn days(&mut self, t: &Template, at: &At) -> Option<Y> {
        crate::import::builder::deletion_window(t)
            .map_err(|e| self.issue(at, e))
            .ok()
    }

    pub(super) fn spec_str(&mut self, t: &Template, at: &At) -> Option<String> {
        match spec_string(t) {
            Ok(s) => Some(s),
            Err(e) => {
                self.issue(at, e.to_string());
                None
            }
        }
    }

    pub(super) fn values_y(&mut self, e: &Expr, at: &At) -> Option<Y> {
        let ts = self.items(e, at)?;
        let mut out = Vec::new();
        for t in &ts {
            out.push(Y::Str(self.spec_str(t, at)?));
        }
        Some(if out.len() == 1 && !matches!(e, Expr::Tuple(_)) {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }

    pub(super) fn literal_items(&mut self, e: &Expr, at: &At, what: &str) -> Option<Y> {
        let ts = self.items(e, at)?;
        let mut out = Vec::new();
        for t in ts {
            match t.as_literal() {
                Some(s) => out.push(Y::Str(s)),
                None => {
                    self.issue(
                        at,
                        format!(
                            "{what} are literal in a spec; `{}` holds a variable",
                            t.display()
                        ),
                    );
                    return None;
                }
            }
        }
        Some(Y::Seq(out))
    }

    /// A value that may be nothing (issue 19): `var.x == "" ? null : var.x`, `var.x != "" ?
    /// var.x : null`, or `var.x` alone of a string variable whose default is null (its
    /// parameter then gets the default `""`: `Tf::null_optional_defaults`). The spec's
    /// `${X}`, where `X` is a string parameter empty by default; `None` for anything else.
    pub(super) fn optional_attr(&mut self, body: &Body, name: &str, at: &At) -> Option<String> {
        let a = body.attr(name)?;
        self.optional_expr(&a.expr, at)
    }

    /// rolegen's own prefix beside a name that may be nothing (`name`): `name_prefix =
    /// var.n != "" ? null : x` where `var.n` is that name, `x` a literal or a value that may
    /// be nothing; `None` for any other form.
    pub(super) fn own_prefix(
        &mut self,
        body: &Body,
        name: Option<&str>,
        at: &At,
    ) -> Option<String> {
        let Expr::Cond(c, then, x) = &body.attr("name_prefix")?.expr else {
            return None;
        };
        let (Expr::Binary(op, l, r), Expr::Null) = (&**c, &**then) else {
            return None;
        };
        let named = format!("${{{}}}", self.vars.get(l.input_var()?)?.0);
        if op != "!=" || r.literal().as_deref() != Some("") {
            return None;
        }
        if Some(named.as_str()) != name {
            return None;
        }
        match self.optional_expr(x, at) {
            Some(s) => Some(s),
            None => x.literal(),
        }
    }

    /// [`Tf::optional_attr`] of an expression.
    pub(super) fn optional_expr(&mut self, e: &Expr, at: &At) -> Option<String> {
        let var = |e: &Expr| e.input_var().map(str::to_owned);
        let empty = |e: &Expr| e.literal().as_deref() == Some("");
        let (x, by_null) = match e {
            Expr::Cond(c, then, otherwise) => {
                let Expr::Binary(op, l, r) = &**c else {
                    return None;
                };
                let tested = var(l).filter(|_| empty(r))?;
                let value = match (op.as_str(), &**then, &**otherwise) {
                    ("==", Expr::Null, v) | ("!=", v, Expr::Null) => var(v)?,
                    _ => return None,
                };
                (value == tested).then_some((value, false))?
            }
            e => (var(e)?, true),
        };
        self.optional_var(&x, by_null, at)
    }

    /// `${X}` of the string variable `x` as a value that may be nothing: empty by default
    /// (the spec's nothing), or null by default (its parameter then defaults to `""`); only
    /// the latter when `null_only`.
    fn optional_var(&mut self, x: &str, null_only: bool, at: &At) -> Option<String> {
        let (spec, kind) = self.vars.get(x)?.clone();
        if kind != ParamKind::String {
            return None;
        }
        if self.null_defaults.contains(x) {
            self.null_optional.push((spec.clone(), at.clone()));
        } else if null_only || !self.empty_defaults.contains(x) {
            return None;
        }
        Some(format!("${{{spec}}}"))
    }

    /// The variable whose parameter `spec` (as the spec writes a value) is exactly, when it
    /// is a string variable empty by default.
    pub(super) fn empty_default_var(&self, spec: &str) -> Option<String> {
        let x = spec.strip_prefix("${")?.strip_suffix('}')?;
        self.vars
            .iter()
            .find(|(tf, (name, kind))| {
                name == x && *kind == ParamKind::String && self.empty_defaults.contains(*tf)
            })
            .map(|(tf, _)| tf.clone())
    }

    /// A tag whose value (`spec`, as the spec writes it) is exactly a string variable empty
    /// by default: a spec leaves such a tag out while it is empty, where the module sets it
    /// with an empty value (a policy testing `aws:PrincipalTag` can tell the two apart).
    /// Reported, and the tag left out.
    pub(super) fn empty_valued_tag(&mut self, key: &str, spec: &str, at: &At) -> bool {
        let Some(tf) = self.empty_default_var(spec) else {
            return false;
        };
        self.issue(
            at,
            format!("the tag `{key}` is `var.{tf}`, empty by default, so it is set with an empty value; a spec leaves a tag whose value is exactly a parameter empty by default out while it is empty (`{{ for k, v in {{ {key} = var.{tf} }} : k => v if v != \"\" }}` imports as that); an empty tag cannot be expressed, the tag is left out"),
        );
        true
    }

    /// A tag that may be nothing, as rolegen writes it: `{ for k, v in { K = var.x } : k =>
    /// v if v != "" }`: `K` and the spec's `${X}`.
    pub(super) fn optional_tag(&mut self, e: &Expr, at: &At) -> Option<(String, String)> {
        let Expr::ForObject {
            key: Some(k),
            value: v,
            coll,
            key_expr,
            body,
            cond: Some(cond),
        } = e
        else {
            return None;
        };
        let is = |e: &Expr, name: &str| matches!(e, Expr::Var(r, s) if r == name && s.is_empty());
        let Expr::Object(items) = &**coll else {
            return None;
        };
        let [(tag, value)] = items.as_slice() else {
            return None;
        };
        let filters_empty = matches!(&**cond, Expr::Binary(op, l, r)
            if op == "!=" && is(l, v) && r.literal().as_deref() == Some(""));
        if !(is(key_expr, k) && is(body, v) && filters_empty) {
            return None;
        }
        let x = value.input_var()?.to_owned();
        Some((tag.literal()?, self.optional_var(&x, false, at)?))
    }

    pub(super) fn template_attr(
        &mut self,
        body: &Body,
        name: &str,
        at: &At,
    ) -> Option<(Template, String)> {
        let a = body.attr(name)?;
        let t = self.scalar(&a.expr, at)?;
        let s = self.spec_str(&t, at)?;
        Some((t, s))
    }
}

/// `join("", aws_iam_openid_connect_provider.x[*].arn)`: the one provider's ARN (rolegen's own
/// spelling for a provider counted by `var.create`; a splat of one instance joined is its ARN).
/// A short spelling of an expression for messages and for telling new parameters apart:
/// references, literals and calls as written, anything else `…`.
fn sketch(e: &Expr) -> String {
    match e {
        Expr::Call(f, args, _) => {
            let args: Vec<String> = args.iter().map(sketch).collect();
            format!("{f}({})", args.join(", "))
        }
        Expr::Str(_) => match e.literal() {
            Some(l) => format!("{l:?}"),
            None => "\"…\"".into(),
        },
        Expr::Num(n) => n.clone(),
        _ => e.path().unwrap_or_else(|| "…".into()),
    }
}

pub(super) fn is_provider_join(e: &Expr) -> bool {
    let Expr::Call(f, args, false) = e else {
        return false;
    };
    f == "join"
        && matches!(args.as_slice(), [sep, Expr::Var(r, s)]
            if sep.literal().as_deref() == Some("")
                && (r == "aws_iam_openid_connect_provider" || r == "aws_kms_key")
                && matches!(s.as_slice(), [Step::Attr(_), Step::Splat, Step::Attr(a)] if a == "arn"))
}

pub(super) fn kind(e: &Expr) -> &'static str {
    match e {
        Expr::Null => "null",
        Expr::Bool(_) => "a boolean",
        Expr::Num(_) => "a number",
        Expr::Str(_) => "a string",
        Expr::Tuple(_) => "a list",
        Expr::Object(_) => "an object",
        Expr::Var(..) => "a reference",
        Expr::Call(..) => "a function call",
        Expr::Cond(..) => "a conditional",
        Expr::Unary(..) | Expr::Binary(..) => "an operation",
        Expr::ForTuple { .. } | Expr::ForObject { .. } => "a for expression",
        Expr::Get(..) => "an index or attribute of an expression",
    }
}

/// The pseudo parameter a `data` source's attribute gives (`data.aws_partition.current.partition`).
fn pseudo_of(steps: &[Step]) -> Option<Pseudo> {
    let attr = |i: usize| match steps.get(i) {
        Some(Step::Attr(a)) => Some(a.as_str()),
        _ => None,
    };
    match (attr(0)?, attr(2)?) {
        ("aws_partition", "partition") => Some(Pseudo::Partition),
        ("aws_partition", "dns_suffix") => Some(Pseudo::UrlSuffix),
        ("aws_caller_identity", "account_id") => Some(Pseudo::AccountId),
        ("aws_region", "name" | "region" | "id") => Some(Pseudo::Region),
        _ => None,
    }
}
