//! Values: `Ref`, `Fn::Sub`, `Fn::GetAtt`, `Fn::Join`, `Fn::Split`, `Fn::Select`,
//! `Fn::FindInMap` evaluated symbolically into templates with `${Name}` placeholders, and
//! new parameters for what has no spec spelling (the pieces and lookups a spec can write: `picks.rs`).

use super::*;
use crate::import::named::{arn_template, named_type, Gives};
use crate::model::template::{sub_parts, SubPart};
use crate::model::{Created, KeyId, ProviderArn};

impl Cx<'_> {
    pub(super) fn synth(&mut self, hint: &str, what: String, loc: &Loc) -> Option<Template> {
        self.synth_param(hint, what, None, ParamKind::String, None, loc)
    }

    /// A value chosen at deploy time (`n`), as a new parameter of `kind`: one per distinct
    /// expression, its default the value at the template's parameter defaults where that
    /// needs nothing known only at deploy time.
    pub(super) fn synth_value(
        &mut self,
        hint: &str,
        n: &N,
        kind: ParamKind,
        loc: &Loc,
    ) -> Option<Template> {
        let text = n.to_json().to_string();
        let shown = if text.chars().count() > 120 {
            format!("{}…", text.chars().take(120).collect::<String>())
        } else {
            text
        };
        let default = self.at_defaults(n, 0).and_then(|v| match (kind, v) {
            (ParamKind::List, N::Seq(items)) => items
                .iter()
                .map(|i| i.literal().map(Y::Str))
                .collect::<Option<Vec<_>>>()
                .map(Y::Seq),
            (ParamKind::String, v) => v.literal().map(Y::Str),
            _ => None,
        });
        self.synth_param(hint, format!("`{shown}`"), Some(n), kind, default, loc)
    }

    pub(super) fn synth_param(
        &mut self,
        hint: &str,
        what: String,
        source: Option<&N>,
        kind: ParamKind,
        default: Option<Y>,
        loc: &Loc,
    ) -> Option<Template> {
        // Distinct expressions are distinct parameters: the key is the whole expression.
        let key = match source {
            Some(n) => n.to_json().to_string(),
            None => what.clone(),
        };
        let name = match self.synth_by_what.get(&key) {
            Some(n) => n.clone(),
            None => {
                let mut base = alnum(&crate::model::names::pascal(hint));
                if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    base.insert(0, 'P');
                }
                let mut name = base.clone();
                let mut n = 2;
                while self.kinds.contains_key(&name) {
                    name = format!("{base}{n}");
                    n += 1;
                }
                self.kinds.insert(name.clone(), kind);
                let mut e = vec![("type".to_owned(), Y::s(kind.as_str()))];
                if let Some(d) = &default {
                    e.push(("default".into(), d.clone()));
                }
                e.push((
                    "description".into(),
                    Y::s(format!(
                        "Takes the place of {what}, which a spec cannot express."
                    )),
                ));
                self.synth.push((name.clone(), Y::Map(e)));
                self.synth_by_what.insert(key, name.clone());
                let src = match source {
                    Some(n) => n.to_json(),
                    None => serde_json::Value::String(what.clone()),
                };
                self.introduced.insert(name.clone(), src);
                name
            }
        };
        let with = if default.is_some() {
            "with the template's value at its parameter defaults as the default"
        } else {
            "without a default: give it the value the template would have had"
        };
        // Not a loss: the value is carried, as a parameter (reported, not lossy). With the
        // template's value as its default the spec deploys the same IAM: a note; without one
        // the spec needs a value it does not hold: an error (the import is partial).
        let msg = format!(
            "{what} cannot be expressed; the spec takes it as the new parameter `{name}` ({with})"
        );
        if default.is_some() {
            self.note(loc, msg);
        } else {
            self.report(loc, msg);
        }
        Some(param_t(&name))
    }

    /// The value of `n` with every parameter at its default, when it needs nothing known
    /// only at deploy time (pseudo parameters, other stacks' exports, resource attributes).
    pub(super) fn at_defaults(&self, n: &N, depth: usize) -> Option<N> {
        if depth > 32 || !self.budget.tick() {
            return None;
        }
        let args = |a: &N| -> Option<Vec<N>> {
            match a {
                N::Seq(v) => v.iter().map(|x| self.at_defaults(x, depth + 1)).collect(),
                _ => None,
            }
        };
        match n {
            N::Str(_) | N::Num(_) | N::Bool(_) => Some(n.clone()),
            N::Seq(v) => v
                .iter()
                .map(|x| self.at_defaults(x, depth + 1))
                .collect::<Option<Vec<_>>>()
                .map(N::Seq),
            N::Fn(f, arg, _) => match f.as_str() {
                "Ref" => {
                    let p = arg.literal()?;
                    let decl = self.root.get("Parameters")?.get(&p)?;
                    let d = decl.get("Default")?;
                    match (self.kinds.get(&p)?, d) {
                        (ParamKind::List, N::Seq(_)) => Some(d.clone()),
                        (ParamKind::List, d) => Some(N::Seq(
                            d.literal()?
                                .split(',')
                                .map(|x| N::Str(x.to_owned()))
                                .collect(),
                        )),
                        (_, d) => d.literal().map(N::Str),
                    }
                }
                "Fn::FindInMap" => {
                    let a = args(arg)?;
                    let [m, k1, k2] = a.as_slice() else {
                        return None;
                    };
                    let found = self
                        .root
                        .get("Mappings")?
                        .get(&m.literal()?)?
                        .get(&k1.literal()?)?
                        .get(&k2.literal()?)?;
                    self.at_defaults(found, depth + 1)
                }
                "Fn::Select" => {
                    let a = args(arg)?;
                    let [i, N::Seq(items)] = a.as_slice() else {
                        return None;
                    };
                    items.get(i.literal()?.parse::<usize>().ok()?).cloned()
                }
                "Fn::Split" => {
                    let a = args(arg)?;
                    let [d, s] = a.as_slice() else { return None };
                    let d = d.literal()?;
                    if d.is_empty() {
                        return None;
                    }
                    Some(N::Seq(
                        s.literal()?
                            .split(d.as_str())
                            .map(|x| N::Str(x.to_owned()))
                            .collect(),
                    ))
                }
                "Fn::Join" => {
                    let a = args(arg)?;
                    let [d, N::Seq(items)] = a.as_slice() else {
                        return None;
                    };
                    let parts: Option<Vec<String>> = items.iter().map(N::literal).collect();
                    Some(N::Str(parts?.join(&d.literal()?)))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A property of a resource as a template, evaluated once (later uses read the cache).
    pub(super) fn prop_template(&mut self, id: &str, prop: &str) -> Option<Template> {
        let key = (id.to_owned(), prop.to_owned());
        if let Some(v) = self.cache.get(&key) {
            return v.clone();
        }
        if !self.in_progress.insert(key.clone()) {
            return None;
        }
        let r = self.resources.get(id).map(|(_, r)| *r);
        let v = r
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get(prop))
            .and_then(|n| {
                let loc = res_loc(id).key("Properties").key(prop);
                self.scalar(n, &loc)
            });
        self.in_progress.remove(&key);
        self.cache.insert(key, v.clone());
        v
    }

    pub(super) fn reference(&mut self, name: &str, loc: &Loc) -> Option<Template> {
        if let Some(p) = Pseudo::parse(name) {
            return Some(pseudo_t(p));
        }
        if name == "AWS::NoValue" {
            self.issue(
                loc,
                "`AWS::NoValue` here: only a list item or a property under `Fn::If` can be removed",
            );
            return None;
        }
        if let Some(rest) = name.strip_prefix("AWS::") {
            return self.synth(rest, format!("`{name}`"), loc);
        }
        if self.kinds.contains_key(name) {
            return Some(param_t(name));
        }
        let Some((ty, _)) = self.resources.get(name).cloned() else {
            self.issue(
                loc,
                format!("`{name}` is neither a parameter nor a resource of the template"),
            );
            return None;
        };
        match ty.as_str() {
            "AWS::IAM::Role" if self.optional_name(name, "RoleName").is_some() => self.synth(
                &format!("{name}Name"),
                format!("the name of role `{name}` (generated while its name parameter is empty)"),
                loc,
            ),
            "AWS::IAM::Role" => match self.prop_template(name, "RoleName") {
                Some(t) => Some(t),
                None => self.synth(
                    &format!("{name}Name"),
                    format!("the generated name of role `{name}` (it has no RoleName)"),
                    loc,
                ),
            },
            "AWS::IAM::ManagedPolicy" => self.policy_arn(name, loc),
            "AWS::IAM::OIDCProvider" => self.provider_arn(name, loc),
            "AWS::IAM::InstanceProfile" => match self.prop_template(name, "InstanceProfileName") {
                Some(t) => Some(t),
                None => self.synth(
                    &format!("{name}Name"),
                    format!("the generated name of instance profile `{name}`"),
                    loc,
                ),
            },
            other => match self.named(name, other, None, loc) {
                Some(t) => Some(t),
                None => self.synth(
                    &format!("{name}Ref"),
                    format!("`!Ref {name}` ({other}, not imported)"),
                    loc,
                ),
            },
        }
    }

    /// `Ref` (`attribute` `None`) or `Fn::GetAtt` of a resource that is not IAM but whose
    /// name is written, when that gives its name or its ARN ([`crate::import::named`]):
    /// spelt from the name, with a note.
    fn named(
        &mut self,
        res: &str,
        ty: &str,
        attribute: Option<&str>,
        loc: &Loc,
    ) -> Option<Template> {
        let named = named_type(ty)?;
        let gives = named.gives(attribute)?;
        let name = self.prop_template(res, named.name_prop)?;
        let what = match attribute {
            None => format!("`!Ref {res}`"),
            Some(a) => format!("`!GetAtt {res}.{a}`"),
        };
        let t = match gives {
            Gives::Name => name,
            Gives::Arn => arn_template(named.arn_before, named.arn_after, &name),
        };
        let spelt = match gives {
            Gives::Name => "its name",
            Gives::Arn => "its ARN, built from its name",
        };
        self.note(
            loc,
            format!(
                "{what} ({ty}, not imported) is spelt as {spelt}: `{}`",
                t.display()
            ),
        );
        Some(t)
    }

    pub(super) fn policy_arn(&mut self, id: &str, loc: &Loc) -> Option<Template> {
        let name = match self.prop_template(id, "ManagedPolicyName") {
            Some(n) => n,
            None => {
                return self.synth(
                    &format!("{id}Arn"),
                    format!("the ARN of managed policy `{id}` (it has no ManagedPolicyName)"),
                    loc,
                )
            }
        };
        let path = self.prop_template(id, "Path");
        Some(iam_arn("policy", &path, &name))
    }

    pub(super) fn get_att(&mut self, res: &str, attr: &str, loc: &Loc) -> Option<Template> {
        let Some((ty, _)) = self.resources.get(res).cloned() else {
            self.issue(
                loc,
                format!("`Fn::GetAtt {res}.{attr}`: `{res}` is not a resource of the template"),
            );
            return None;
        };
        match (ty.as_str(), attr) {
            // Never spelt from a name that may be nothing: the role's name is generated while
            // its parameter is empty.
            ("AWS::IAM::Role", "Arn") if self.optional_name(res, "RoleName").is_some() => self
                .synth(
                    &format!("{res}Arn"),
                    format!("the ARN of role `{res}` (its name is generated while its name parameter is empty)"),
                    loc,
                ),
            // Nor from a path that may be nothing (`/` while its parameter is empty).
            ("AWS::IAM::Role", "Arn") if self.optional_name(res, "Path").is_some() => self.synth(
                &format!("{res}Arn"),
                format!("the ARN of role `{res}` (its path is `/` while its path parameter is empty)"),
                loc,
            ),
            ("AWS::IAM::Role", "Arn") => match self.prop_template(res, "RoleName") {
                Some(n) => {
                    let path = self.prop_template(res, "Path");
                    Some(iam_arn("role", &path, &n))
                }
                None => self.synth(
                    &format!("{res}Arn"),
                    format!("the ARN of role `{res}` (it has no RoleName)"),
                    loc,
                ),
            },
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => self.policy_arn(res, loc),
            ("AWS::IAM::OIDCProvider", "Arn") => self.provider_arn(res, loc),
            // An unswitched key of the template (a switched one stays a new parameter).
            ("AWS::KMS::Key", "Arn")
                if self
                    .resources
                    .get(res)
                    .is_some_and(|(_, r)| r.get("Condition").is_none()) =>
            {
                let id = KeyId(self.keys.assign(res));
                Some(Template {
                    parts: vec![Part::ProviderArn(Box::new(ProviderArn {
                        arn: crate::lower::kms_key_arn(&id),
                        id: Created::Key(id),
                        when: None,
                    }))],
                })
            }
            ("AWS::IAM::InstanceProfile", "Arn") => {
                match self.prop_template(res, "InstanceProfileName") {
                    Some(n) => {
                        let path = self.prop_template(res, "Path");
                        Some(iam_arn("instance-profile", &path, &n))
                    }
                    None => self.synth(
                        &format!("{res}Arn"),
                        format!("the ARN of instance profile `{res}` (it has no name)"),
                        loc,
                    ),
                }
            }
            (ty, _) => match self.named(res, ty, Some(attr), loc) {
                Some(t) => Some(t),
                None => self.synth(
                    &format!("{res}{attr}"),
                    format!("`Fn::GetAtt {res}.{attr}` ({ty})"),
                    loc,
                ),
            },
        }
    }

    /// `Fn::Sub` text with variables.
    pub(super) fn sub(&mut self, s: &str, vars: &[(String, N)], loc: &Loc) -> Option<Template> {
        let mut t = Template::default();
        let mut ok = true;
        for piece in sub_parts(s) {
            let name = match piece {
                SubPart::Text(l) => {
                    t.push(Part::Lit(l.to_owned()));
                    continue;
                }
                SubPart::Unclosed => {
                    t.push(Part::Lit("${".into()));
                    continue;
                }
                SubPart::Var(name) => name,
            };
            let part = if let Some((_, v)) = vars.iter().find(|(k, _)| k == name) {
                self.scalar(v, loc)
            } else if name.contains('.') && !name.starts_with("AWS::") {
                let (r, a) = name.split_once('.').unwrap_or((name, ""));
                self.get_att(r, a, loc)
            } else {
                self.reference(name, loc)
            };
            match part {
                Some(p) => t.extend(&p),
                None => ok = false,
            }
        }
        ok.then_some(t)
    }

    pub(super) fn is_list_param(&self, n: &N) -> Option<String> {
        match n.as_fn() {
            Some(("Ref", N::Str(p), _)) if self.kinds.get(p) == Some(&ParamKind::List) => {
                Some(p.clone())
            }
            _ => None,
        }
    }

    /// One value.
    pub(super) fn scalar(&mut self, n: &N, loc: &Loc) -> Option<Template> {
        match n {
            N::Str(s) | N::Num(s) => Some(Template::lit(s.clone())),
            N::Bool(b) => Some(Template::lit(b.to_string())),
            N::Sub(s, vars) => {
                let vars = vars.clone();
                self.sub(s, &vars, loc)
            }
            N::Null => {
                self.issue(loc, "the value is null");
                None
            }
            N::Seq(_) | N::Map(_) => {
                self.issue(loc, format!("expected one value, found {}", n.kind()));
                None
            }
            N::Fn(name, arg, short) => {
                let al = loc.arg(name, *short);
                match name.as_str() {
                    "Ref" => {
                        let Some(r) = arg.literal() else {
                            self.issue(loc, "`Ref` takes a name");
                            return None;
                        };
                        if self.kinds.get(&r) == Some(&ParamKind::List) {
                            self.issue(
                                loc,
                                format!(
                                    "the list parameter `{r}` is used where one value is needed"
                                ),
                            );
                            return None;
                        }
                        self.reference(&r, loc)
                    }
                    "Fn::Sub" => match &**arg {
                        N::Str(s) => self.sub(s, &[], &al),
                        N::Seq(v) => match v.as_slice() {
                            [N::Str(s), N::Map(vars)] => {
                                let vars = vars.clone();
                                self.sub(s, &vars, &al)
                            }
                            [N::Str(s)] => self.sub(s, &[], &al),
                            _ => {
                                self.issue(&al, "`Fn::Sub` takes a string and a mapping");
                                None
                            }
                        },
                        _ => {
                            self.issue(&al, "`Fn::Sub` takes a string");
                            None
                        }
                    },
                    "Fn::Join" => {
                        let N::Seq(v) = &**arg else {
                            self.issue(&al, "`Fn::Join` takes a delimiter and a list");
                            return None;
                        };
                        let [d, list] = v.as_slice() else {
                            self.issue(&al, "`Fn::Join` takes a delimiter and a list");
                            return None;
                        };
                        let (Some(d), N::Seq(items)) = (d.literal(), list) else {
                            // Over a list parameter or function: one value made at deploy time.
                            return self.synth_value("Joined", n, ParamKind::String, loc);
                        };
                        let mut t = Template::default();
                        let mut ok = true;
                        for (i, it) in items.iter().enumerate() {
                            if i > 0 {
                                t.push(Part::Lit(d.clone()));
                            }
                            match self.scalar(it, &al.index(1).index(i)) {
                                Some(x) => t.extend(&x),
                                None => ok = false,
                            }
                        }
                        ok.then_some(t)
                    }
                    "Fn::Select" => {
                        let N::Seq(v) = &**arg else {
                            self.issue(&al, "`Fn::Select` takes an index and a list");
                            return None;
                        };
                        let [i, list] = v.as_slice() else {
                            self.issue(&al, "`Fn::Select` takes an index and a list");
                            return None;
                        };
                        let Some(i) = i.literal().and_then(|s| s.parse::<usize>().ok()) else {
                            return self.synth_value("Selected", n, ParamKind::String, loc);
                        };
                        match list {
                            N::Seq(items) => match items.get(i) {
                                Some(x) => self.scalar(x, &al.index(1).index(i)),
                                None => {
                                    self.issue(
                                        &al,
                                        format!("`Fn::Select` index {i} is out of range"),
                                    );
                                    None
                                }
                            },
                            _ => match self.literal_split(list) {
                                Some(parts) => match parts.get(i) {
                                    Some(p) => Some(Template::lit(p.clone())),
                                    None => {
                                        self.issue(
                                            &al,
                                            format!("`Fn::Select` index {i} is out of range"),
                                        );
                                        None
                                    }
                                },
                                None => match self.select_piece(i, list) {
                                    Some(t) => Some(t),
                                    None => self.synth_value("Selected", n, ParamKind::String, loc),
                                },
                            },
                        }
                    }
                    "Fn::GetAtt" => match &**arg {
                        N::Seq(v) if v.len() == 2 => {
                            let (Some(r), Some(a)) = (v[0].literal(), v[1].literal()) else {
                                self.issue(&al, "`Fn::GetAtt` takes a resource and an attribute");
                                return None;
                            };
                            self.get_att(&r, &a, loc)
                        }
                        _ => {
                            self.issue(&al, "`Fn::GetAtt` takes a resource and an attribute");
                            None
                        }
                    },
                    "Fn::FindInMap" if dynamic_keys(arg) => match self.map_lookup(arg) {
                        Some(t) => Some(t),
                        None => self.synth_value("FromMap", n, ParamKind::String, loc),
                    },
                    "Fn::FindInMap" => {
                        let v = self.find_in_map(arg, &al)?;
                        self.scalar(&v, &al)
                    }
                    "Fn::ImportValue" => {
                        let hint = match arg.literal() {
                            Some(export) => format!("Import-{export}"),
                            None => "Import".into(),
                        };
                        self.synth_value(&hint, n, ParamKind::String, loc)
                    }
                    "Fn::If" if self.provider_choice(n).is_some() => {
                        let p = self.provider_choice(n)?;
                        self.scalar(p, &al.index(1))
                    }
                    "Fn::If" if Self::value_ifs_only(n, &n_cond(arg)) => {
                        // A value chosen at deploy time by a condition the spec cannot
                        // express: a new parameter.
                        self.synth_value(&format!("If-{}", n_cond(arg)), n, ParamKind::String, loc)
                    }
                    "Fn::If" => {
                        self.issue(
                            loc,
                            "`Fn::If` on a single value cannot be expressed: a spec switches whole roles, policies, attachments and statements",
                        );
                        None
                    }
                    "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" | "Fn::Split"
                    | "Fn::GetAZs" => {
                        self.issue(
                            loc,
                            format!("`{name}` where one value is needed cannot be expressed"),
                        );
                        None
                    }
                    // Another intrinsic (`Fn::Base64`, `Fn::Cidr`, ...): its value, as a
                    // parameter.
                    other => {
                        let hint = other.trim_start_matches("Fn::").to_owned();
                        self.synth_value(&hint, n, ParamKind::String, loc)
                    }
                }
            }
        }
    }

    /// `Fn::Split [d, "literal"]` → the parts.
    pub(super) fn literal_split(&self, n: &N) -> Option<Vec<String>> {
        let (name, arg, _) = n.as_fn()?;
        if name != "Fn::Split" {
            return None;
        }
        let N::Seq(v) = arg else { return None };
        let [d, s] = v.as_slice() else { return None };
        let d = d.literal()?;
        let s = match s {
            N::Str(s) => s.clone(),
            _ => return None,
        };
        if d.is_empty() {
            return None;
        }
        Some(s.split(d.as_str()).map(str::to_owned).collect())
    }

    pub(super) fn find_in_map(&mut self, arg: &N, loc: &Loc) -> Option<N> {
        let N::Seq(v) = arg else {
            self.issue(loc, "`Fn::FindInMap` takes a map name and two keys");
            return None;
        };
        let keys: Option<Vec<String>> = v.iter().take(3).map(N::literal).collect();
        let Some(keys) = keys.filter(|k| k.len() == 3) else {
            self.issue(
                loc,
                "`Fn::FindInMap` with a key chosen at deploy time (a parameter or pseudo parameter) cannot be expressed",
            );
            return None;
        };
        let found = self
            .root
            .get("Mappings")
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]))
            .cloned();
        if found.is_none() {
            self.issue(
                loc,
                format!(
                    "`Fn::FindInMap`: {}/{}/{} is not in Mappings",
                    keys[0], keys[1], keys[2]
                ),
            );
        }
        found
    }

    /// Text that must be literal (Sid, Effect, Version, actions, names).
    pub(super) fn lit_text(&mut self, n: &N, loc: &Loc, what: &str) -> Option<String> {
        let t = self.scalar(n, loc)?;
        match t.as_literal() {
            Some(s) => Some(s),
            None => {
                self.issue(
                    loc,
                    format!(
                        "{what} must be literal text in a spec; `{}` holds a parameter",
                        t.display()
                    ),
                );
                None
            }
        }
    }

    pub(super) fn spec_str(&mut self, t: &Template, loc: &Loc) -> Option<String> {
        match spec_string(t) {
            Ok(s) => Some(s),
            Err(e) => {
                self.issue(loc, e.to_string());
                None
            }
        }
    }
}

/// The condition an `Fn::If` argument names.
pub(super) fn n_cond(arg: &N) -> String {
    match arg {
        N::Seq(v) => v.first().and_then(N::literal).unwrap_or_default(),
        _ => String::new(),
    }
}

/// True if an `Fn::FindInMap` argument has a key that is not literal (chosen at deploy time).
pub(super) fn dynamic_keys(arg: &N) -> bool {
    match arg {
        N::Seq(v) => v.len() == 3 && v.iter().any(|k| k.literal().is_none()),
        _ => false,
    }
}
