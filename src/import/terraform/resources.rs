//! The IAM resources of a module: roles, inline and managed policies, attachments, instance
//! profiles, KMS keys and aliases, each into its spec entry.

use super::*;

impl Tf {
    /// `var.tags`, when `tags` is the module-convention variable.
    pub(super) fn is_module_tags(&self, e: &Expr) -> bool {
        matches!(e, Expr::Var(r, s) if r == "var"
            && matches!(s.as_slice(), [Step::Attr(n)] if n == "tags" && self.conventions.contains(n)))
    }

    pub(super) fn check_attrs(&mut self, fi: usize, b: &Block, known: &[&str]) {
        let addr = format!(
            "{}.{}",
            b.labels.first().cloned().unwrap_or_default(),
            name_of(b)
        );
        for item in &b.body.items {
            let (name, line) = match item {
                hcl::Item::Attr(Attr { name, line, expr }) => {
                    if name == "tags" && self.is_module_tags(expr) {
                        // The module's `tags` alone: nothing of the resource's own.
                        continue;
                    }
                    (name.as_str(), *line)
                }
                hcl::Item::Block(x) => (x.kind.as_str(), x.line),
            };
            if known.contains(&name) || name == "tags_all" {
                continue;
            }
            let at = self.at(fi, line, &format!("{addr}: {name}"));
            match name {
                "depends_on" | "lifecycle" | "provider" => {
                    self.note(&at, format!("`{name}` is not carried"))
                }
                _ => self.issue(&at, format!("`{name}` cannot be expressed")),
            }
        }
    }

    pub(super) fn role_ref(&mut self, e: &Expr, at: &At) -> Option<String> {
        match reference(e) {
            Some((ty, r, _)) if ty == "aws_iam_role" && self.roles.contains_key(&r) => Some(r),
            _ => {
                // A literal name of one of the module's roles.
                if let Some(t) = e.literal() {
                    if let Some((id, _)) = self.roles.iter().find(|(_, r)| {
                        r.name.as_ref().and_then(Template::as_literal).as_deref()
                            == Some(t.as_str())
                    }) {
                        return Some(id.clone());
                    }
                }
                self.issue(at, "the role is not an `aws_iam_role` of this module; a spec attaches policies to its own roles only");
                None
            }
        }
    }

    pub(super) fn role(&mut self, fi: usize, b: &Block) {
        let r = name_of(b);
        let addr = format!("aws_iam_role.{r}");
        let at = |tf: &Tf, l: usize, w: &str| tf.at(fi, l, &format!("{addr}: {w}"));
        let line = |n: &str| b.body.attr(n).map_or(b.line, |a| a.line);
        self.check_attrs(
            fi,
            b,
            &[
                "count",
                "name",
                "name_prefix",
                "path",
                "description",
                "max_session_duration",
                "permissions_boundary",
                "assume_role_policy",
                "tags",
                "inline_policy",
                "managed_policy_arns",
                "force_detach_policies",
            ],
        );
        let key = self.keys.assign(&r);
        let cat = at(self, line("count"), "count");
        let (when, refused) = match self.count_when(&b.body, &None, &cat) {
            Ok(w) => (w, None),
            Err(()) => (None, Some("its `count` cannot be a `when:`".to_owned())),
        };
        self.ctx = when.iter().cloned().collect();
        let mut out = RoleOut {
            key,
            when,
            refused,
            ..RoleOut::default()
        };
        for (tf_name, spec_name) in [
            ("name", "name"),
            ("name_prefix", "name_prefix"),
            ("path", "path"),
            ("description", "description"),
            ("permissions_boundary", "permissions_boundary"),
        ] {
            let x = at(self, line(tf_name), tf_name);
            // A prefix beside a name that may be nothing may be nothing too.
            let optional = matches!(tf_name, "name" | "path" | "permissions_boundary")
                || (tf_name == "name_prefix" && out.optional_name.is_some());
            if tf_name == "name_prefix" {
                if let Some(s) = self.own_prefix(&b.body, out.optional_name.as_deref(), &x) {
                    out.props.push((spec_name.into(), Y::Str(s)));
                    continue;
                }
            }
            if optional {
                if let Some(s) = self.optional_attr(&b.body, tf_name, &x) {
                    match tf_name {
                        "name" => out.optional_name = Some(s.clone()),
                        "path" => out.optional_path = true,
                        _ => {}
                    }
                    out.props.push((spec_name.into(), Y::Str(s)));
                    continue;
                }
            }
            let (got, lost) = self.lost(|tf| tf.template_attr(&b.body, tf_name, &x));
            if tf_name == "permissions_boundary" && lost && b.body.attr(tf_name).is_some() {
                out.refused
                    .get_or_insert("its permissions_boundary cannot be expressed".into());
                continue;
            }
            if let Some((t, s)) = got {
                match tf_name {
                    // `name = var.x` empty by default: the provider generates a name for "" as
                    // for null, so it is a name that may be nothing, never spelt in an ARN.
                    "name" if self.empty_default_var(&s).is_some() => {
                        out.optional_name = Some(s.clone());
                    }
                    "name" => out.name = Some(t),
                    // Likewise a path: `/` while empty.
                    "path" if self.empty_default_var(&s).is_some() => out.optional_path = true,
                    "path" => out.path = Some(t),
                    _ => {}
                }
                out.props.push((spec_name.into(), Y::Str(s)));
            }
        }
        // A `name_prefix` beside a name that may be nothing is the spec's name-or-prefix
        // (both keys). Beside a name that is always given the provider refuses the pair.
        if out.name.is_some() && out.props.iter().any(|(k, _)| k == "name_prefix") {
            let x = at(self, line("name_prefix"), "name_prefix");
            self.issue(&x, "`name` and `name_prefix` together: the provider refuses the pair while the name is given, and this name always is");
            out.props.retain(|(k, _)| k != "name_prefix");
        }
        if let Some(a) = b.body.attr("max_session_duration") {
            let x = at(self, a.line, "max_session_duration");
            if let Some(t) = self.scalar(&a.expr, &x) {
                match crate::import::builder::max_session(&t) {
                    Ok(y) => out.props.push(("max_session_duration".into(), y)),
                    Err(e) => self.issue(&x, e),
                }
            }
        }
        if let Some(a) = b.body.attr("tags") {
            let x = at(self, a.line, "tags");
            // `merge(var.tags, {...}, <optional tags>)`: the module's tags under the role's own.
            let own: Vec<&Expr> = match &a.expr {
                Expr::Call(f, args, false)
                    if f == "merge" && args.first().is_some_and(|t| self.is_module_tags(t)) =>
                {
                    args[1..].iter().collect()
                }
                e if self.is_module_tags(e) => Vec::new(),
                e => vec![e],
            };
            let mut m = Vec::new();
            for e in &own {
                match e {
                    Expr::Object(items) => {
                        for (k, v) in items {
                            let Some(k) = k.literal() else {
                                self.issue(&x, "a tag key with an interpolation cannot be expressed");
                                continue;
                            };
                            if let Some(t) = self.scalar(v, &x) {
                                if let Some(s) = self.spec_str(&t, &x) {
                                    if !self.empty_valued_tag(&k, &s, &x) {
                                        m.push((k, Y::Str(s)));
                                    }
                                }
                            }
                        }
                    }
                    e => match self.optional_tag(e, &x) {
                        Some(tag) => m.push((tag.0, Y::Str(tag.1))),
                        None => self.issue(&x, "tags other than an object literal (or `merge(var.tags, {...})`, with `{ for k, v in { K = var.x } : k => v if v != \"\" }` for a tag that may be nothing) cannot be expressed"),
                    },
                }
            }
            if !own.is_empty() {
                out.props.push(("tags".into(), Y::Map(m)));
            }
        }
        match b.body.attr("assume_role_policy") {
            Some(a) => {
                let x = at(self, a.line, "assume_role_policy");
                match self.document(&a.expr.clone(), &x) {
                    Some((version, id, statements)) => {
                        let d = Doc {
                            version,
                            id,
                            statements,
                        };
                        match role_trust(&d, &self.provider_infos()) {
                            Ok(t) => out.trust = t,
                            Err(why) => {
                                out.refused.get_or_insert(why);
                            }
                        }
                    }
                    None => {
                        out.refused
                            .get_or_insert("its assume_role_policy cannot be imported".into());
                    }
                }
            }
            None => {
                let x = at(self, b.line, "assume_role_policy");
                self.issue(&x, "the role has no assume_role_policy");
            }
        }
        for ip in b.body.blocks("inline_policy") {
            let x = at(self, ip.line, "inline_policy");
            let name = ip.body.attr("name").and_then(|a| a.expr.literal());
            let doc = ip.body.attr("policy").map(|a| a.expr.clone());
            // A policy that cannot be imported may hold a Deny: the role is refused.
            let lost = format!("its inline_policy at line {} cannot be imported", ip.line);
            match (name, doc) {
                (Some(n), Some(d)) => match self.document(&d, &x) {
                    // Every statement left out (the issues say why): no policy.
                    Some((_, _, s)) if s.is_empty() => {}
                    Some((v, i, s)) => out.inline.push((n, Self::doc_y(v, i, s))),
                    None => {
                        out.refused.get_or_insert(lost);
                    }
                },
                _ => {
                    self.issue(&x, "an inline_policy needs a literal name and a policy");
                    out.refused.get_or_insert(lost);
                }
            }
        }
        if b.body.blocks("inline_policy").next().is_some() {
            out.exclusive.push("inline_policy");
        }
        if let Some(a) = b.body.attr("managed_policy_arns") {
            let x = at(self, a.line, "managed_policy_arns");
            out.exclusive.push("managed_policy_arns");
            self.note(&x, "`managed_policy_arns` makes these the role's only managed policies (Terraform detaches any attached elsewhere); the spec attaches them and leaves what others attach alone");
            let lost =
                "a managed_policy_arns entry cannot be expressed (the policy it attaches may deny)";
            let mut items = Vec::new();
            if self.arn_list(&a.expr, &mut items) {
                for i in items {
                    match i {
                        Ok(y) => out.managed.push(y),
                        Err(e) => match self.lost(|tf| tf.attachment_y(&e, &x)) {
                            (Some(y), false) => out.managed.push(y),
                            _ => {
                                out.refused.get_or_insert(lost.into());
                            }
                        },
                    }
                }
            } else {
                self.issue(
                    &x,
                    "managed_policy_arns other than a list, a list variable or `concat(…)` of them cannot be expressed",
                );
                out.refused.get_or_insert(lost.into());
            }
        }
        self.roles.insert(r, out);
    }

    /// The entries of a list of policy ARNs: a written list's items (to read one by one), a
    /// list variable whole (`arn: ${L}`), `concat(…)` of those. False for anything else.
    fn arn_list(&mut self, e: &Expr, out: &mut Vec<Result<Y, Expr>>) -> bool {
        match e {
            Expr::Tuple(items) => {
                out.extend(items.iter().cloned().map(Err));
                true
            }
            Expr::Var(r, s) if r == "var" => match s.as_slice() {
                [Step::Attr(n)] => match self.var_param(n) {
                    Some((p, ParamKind::List)) => {
                        out.push(Ok(Y::Map(vec![(
                            "arn".into(),
                            Y::Str(format!("${{{p}}}")),
                        )])));
                        true
                    }
                    _ => false,
                },
                _ => false,
            },
            Expr::Call(f, args, false) if f == "concat" => {
                args.iter().all(|a| self.arn_list(a, out))
            }
            _ => false,
        }
    }

    /// Refuses `role` when it manages `what` exclusively (`managed_policy_arns`,
    /// `inline_policy` blocks): Terraform takes away what `addr` adds whenever it applies the
    /// role, and `addr` adds it again, so what the role holds depends on the order of applies.
    fn exclusive_of(&mut self, role: &str, what: &str, addr: &str, at: &At) -> bool {
        let Some(arg) = self
            .roles
            .get(role)
            .and_then(|r| r.exclusive.iter().find(|e| **e == what).copied())
        else {
            return false;
        };
        self.issue(at, format!("the role sets `{arg}`, which Terraform keeps exclusive: applying the role takes away what {addr} adds and applying {addr} adds it again, so what the role holds depends on the order of applies; a spec cannot say that"));
        self.refuse(role, format!("its `{arg}` and {addr} contend"));
        true
    }

    pub(super) fn attachment_y(&mut self, e: &Expr, at: &At) -> Option<Y> {
        if let Some((ty, p, attr)) = reference(e) {
            if ty == "aws_iam_policy" && attr == "arn" {
                if let Some((k, _, _)) = self.policies.get(&p) {
                    return Some(Y::Map(vec![("policy".into(), Y::s(k))]));
                }
            }
        }
        let t = self.scalar(e, at)?;
        Some(aws_attachment(&t).unwrap_or_else(|| {
            let s = spec_string(&t).unwrap_or_default();
            Y::Map(vec![("arn".into(), Y::Str(s))])
        }))
    }

    pub(super) fn role_policy(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_iam_role_policy.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "name", "role", "policy"]);
        let at = self.at(fi, b.line, &addr);
        let Some(role) = b
            .body
            .attr("role")
            .map(|a| a.expr.clone())
            .and_then(|e| self.role_ref(&e, &at))
        else {
            return;
        };
        if self.exclusive_of(&role, "inline_policy", &addr, &at) {
            return;
        }
        let parent = self.roles.get(&role).and_then(|r| r.when.clone());
        let when = self.count_when(&b.body, &parent, &at);
        // Whatever of this policy cannot be imported may be a Deny: the role is refused.
        let lost = format!("its policy {addr} cannot be imported");
        let Some((_, name)) = self.template_attr(&b.body, "name", &at) else {
            // No name (name_prefix, or generated); a name the import cannot read says why.
            if b.body.attr("name").is_none() {
                self.issue(
                    &at,
                    "the policy needs a name: name_prefix or a generated name cannot be expressed",
                );
            }
            self.refuse(&role, lost);
            return;
        };
        let Some(doc) = b.body.attr("policy").map(|a| a.expr.clone()) else {
            self.issue(&at, "the policy has no document");
            return;
        };
        self.ctx = parent
            .iter()
            .chain(when.iter().flatten())
            .cloned()
            .collect();
        let Some((v, i, mut s)) = self.document(&doc, &at) else {
            self.refuse(&role, lost);
            return;
        };
        let when = match when {
            Ok(w) => w,
            Err(()) => {
                s = s
                    .into_iter()
                    .filter_map(|y| self.unswitched(y, &at))
                    .collect();
                if s.is_empty() {
                    return;
                }
                None
            }
        };
        // Every statement left out (what the issues say): no policy (a spec's policy needs
        // a statement, RG106).
        if s.is_empty() {
            return;
        }
        let y = with_when(Self::doc_y(v, i, s), &when);
        let taken = self
            .roles
            .get(&role)
            .is_some_and(|r| r.inline.iter().any(|(n, _)| *n == name));
        if taken {
            self.issue(
                &at,
                format!("the role already has an inline policy named `{name}`"),
            );
            self.refuse(&role, lost);
            return;
        }
        if let Some(r) = self.roles.get_mut(&role) {
            r.inline.push((name, y));
        }
    }

    /// Marks a role as not imported, with why.
    pub(super) fn refuse(&mut self, role: &str, why: String) {
        if let Some(r) = self.roles.get_mut(role) {
            r.refused.get_or_insert(why);
        }
    }

    pub(super) fn attachment(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_iam_role_policy_attachment.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "for_each", "role", "policy_arn"]);
        let at = self.at(fi, b.line, &addr);
        let Some(role) = b
            .body
            .attr("role")
            .map(|a| a.expr.clone())
            .and_then(|e| self.role_ref(&e, &at))
        else {
            return;
        };
        if self.exclusive_of(&role, "managed_policy_arns", &addr, &at) {
            return;
        }
        let parent = self.roles.get(&role).and_then(|r| r.when.clone());
        let arn = b.body.attr("policy_arn").map(|a| a.expr.clone());
        // An attachment that cannot be expressed may attach a Deny: the role is refused.
        let lost =
            format!("its attachment {addr} cannot be expressed (the policy it attaches may deny)");
        if let Some((list, when)) = self.list_attachment(b, arn.as_ref(), &parent, &at) {
            match when {
                Ok(when) => {
                    let y = Y::Map(vec![("arn".into(), Y::Str(format!("${{{list}}}")))]);
                    if let Some(r) = self.roles.get_mut(&role) {
                        r.managed.push(with_when(y, &when));
                    }
                }
                Err(()) => self.refuse(&role, lost),
            }
            return;
        }
        let mut items: Vec<(Result<Option<Sw>, ()>, Expr)> = Vec::new();
        match (b.body.attr("for_each").map(|a| a.expr.clone()), arn) {
            (Some(fe), Some(Expr::Var(r, s)))
                if r == "each" && matches!(s.first(), Some(Step::Attr(v)) if v == "value") =>
            {
                self.for_each_items(&fe, &parent, Ok(None), &at, &mut items);
            }
            (None, Some(arn)) => {
                let when = self.count_when(&b.body, &parent, &at);
                items.push((when, arn));
            }
            _ => {
                self.issue(&at, "an attachment other than one `policy_arn` or `for_each` with `policy_arn = each.value` cannot be expressed");
                self.refuse(&role, lost);
                return;
            }
        }
        self.attach(&role, items, &at, &lost);
    }

    /// Every ARN of a list variable attached: `count = length(var.L)` (or `cond ? length(var.L)
    /// : 0`) with `policy_arn = var.L[count.index]` (or `element(var.L, count.index)`), or `for_each = toset(var.L)` (or `cond ?
    /// toset(var.L) : []`) with `policy_arn = each.value` or `each.key`. The spec parameter
    /// and the switch (`Err` when the condition is not one), or `None` when the block is
    /// something else.
    fn list_attachment(
        &mut self,
        b: &Block,
        arn: Option<&Expr>,
        parent: &Option<Sw>,
        at: &At,
    ) -> Option<(String, Result<Option<Sw>, ()>)> {
        // `var.L` of a list variable: its spec parameter.
        let list_var = |tf: &Self, e: &Expr| -> Option<(String, String)> {
            let Expr::Var(root, steps) = e else {
                return None;
            };
            let [Step::Attr(name)] = steps.as_slice() else {
                return None;
            };
            if root != "var" {
                return None;
            }
            match tf.var_param(name) {
                Some((p, ParamKind::List)) => Some((name.clone(), p)),
                _ => None,
            }
        };
        // `wrap(var.L)` (or `var.L` when `wrap` is empty), alone or as `cond ? that : empty`.
        let split = |e: &Expr, empty: &dyn Fn(&Expr) -> bool| -> Option<(Expr, Option<Expr>)> {
            match e {
                Expr::Cond(c, a, z) if empty(z) => Some(((**a).clone(), Some((**c).clone()))),
                other => Some((other.clone(), None)),
            }
        };
        let (var, cond) = if let Some(count) = b.body.attr("count") {
            let zero = |z: &Expr| z.literal().as_deref() == Some("0");
            let (inner, cond) = split(&count.expr, &zero)?;
            let Expr::Call(f, args, false) = inner else {
                return None;
            };
            let [x] = args.as_slice() else { return None };
            if f != "length" {
                return None;
            }
            let (var, p) = list_var(self, x)?;
            // `policy_arn = var.L[count.index]`, or `element(var.L, count.index)` (the same
            // while the index stays below the length, as the count makes it).
            let count_index = |i: &Expr| matches!(i, Expr::Var(r, s) if r == "count" && matches!(s.as_slice(), [Step::Attr(a)] if a == "index"));
            let indexed = match arn {
                Some(Expr::Var(root, steps)) => {
                    root == "var"
                        && matches!(steps.as_slice(), [Step::Attr(n), Step::Index(i)] if *n == var && count_index(i))
                }
                Some(Expr::Call(f, args, false)) if f == "element" => match args.as_slice() {
                    [l, i] => list_var(self, l).is_some_and(|(n, _)| n == var) && count_index(i),
                    _ => false,
                },
                _ => false,
            };
            if !indexed {
                return None;
            }
            (p, cond)
        } else if let Some(fe) = b.body.attr("for_each") {
            let empty = |z: &Expr| {
                matches!(z, Expr::Tuple(v) if v.is_empty())
                    || matches!(z, Expr::Object(v) if v.is_empty())
            };
            let (inner, cond) = split(&fe.expr, &empty)?;
            let Expr::Call(f, args, false) = inner else {
                return None;
            };
            let [x] = args.as_slice() else { return None };
            if f != "toset" {
                return None;
            }
            let (_, p) = list_var(self, x)?;
            let each = matches!(arn, Some(Expr::Var(r, s)) if r == "each" && matches!(s.as_slice(), [Step::Attr(a)] if a == "value" || a == "key"));
            if !each {
                return None;
            }
            (p, cond)
        } else {
            return None;
        };
        let when = match cond {
            None => Ok(parent.clone()),
            Some(c) => self.one_switch(&c, parent, at),
        };
        Some((var, when))
    }

    /// Attaches each policy ARN to `role` under its switch; one that cannot be expressed
    /// refuses the role (the policy may deny).
    fn attach(
        &mut self,
        role: &str,
        items: Vec<(Result<Option<Sw>, ()>, Expr)>,
        at: &At,
        lost: &str,
    ) {
        for (when, e) in items {
            match (when, self.lost(|tf| tf.attachment_y(&e, at))) {
                (Ok(when), (Some(y), false)) => {
                    let y = with_when(y, &when);
                    if let Some(r) = self.roles.get_mut(role) {
                        r.managed.push(y);
                    }
                }
                _ => self.refuse(role, lost.to_owned()),
            }
        }
    }

    /// `aws_iam_policy_attachment`: one policy attached to the listed roles (users and
    /// groups are not part of a spec: reported). Terraform also detaches the policy from
    /// every other role, user and group; that only takes away, and a spec does not do it.
    pub(super) fn policy_attachment(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_iam_policy_attachment.{}", name_of(b));
        self.check_attrs(
            fi,
            b,
            &["count", "name", "roles", "users", "groups", "policy_arn"],
        );
        let at = self.at(fi, b.line, &addr);
        for who in ["users", "groups"] {
            if let Some(a) = b.body.attr(who) {
                if !matches!(&a.expr, Expr::Tuple(v) if v.is_empty()) {
                    let x = self.at(fi, a.line, &format!("{addr}: {who}"));
                    self.issue(
                        &x,
                        format!("attaching to {who} is not imported: a spec holds roles"),
                    );
                }
            }
        }
        self.note(&at, "Terraform makes this attachment exclusive (it detaches the policy from every other role, user and group); the spec attaches it to the roles listed and leaves others alone");
        let roles: Vec<Expr> = match b.body.attr("roles").map(|a| &a.expr) {
            Some(Expr::Tuple(items)) => items.clone(),
            Some(_) => {
                self.issue(&at, "`roles` other than a written list cannot be expressed; the attachment is not imported");
                return;
            }
            None => Vec::new(),
        };
        let Some(arn) = b.body.attr("policy_arn").map(|a| a.expr.clone()) else {
            self.issue(&at, "the attachment has no policy_arn");
            return;
        };
        let lost =
            format!("its attachment {addr} cannot be expressed (the policy it attaches may deny)");
        for r in &roles {
            let Some(role) = self.role_ref(r, &at) else {
                continue;
            };
            if self.exclusive_of(&role, "managed_policy_arns", &addr, &at) {
                continue;
            }
            let parent = self.roles.get(&role).and_then(|r| r.when.clone());
            let when = self.count_when(&b.body, &parent, &at);
            self.attach(&role, vec![(when, arn.clone())], &at, &lost);
        }
    }

    /// `for_each = merge({k = arn}, cond ? {k = arn} : {}, …)`, maybe under the role's switch.
    pub(super) fn for_each_items(
        &mut self,
        e: &Expr,
        parent: &Option<Sw>,
        when: Result<Option<Sw>, ()>,
        at: &At,
        out: &mut Vec<(Result<Option<Sw>, ()>, Expr)>,
    ) {
        if !self.budget.tick() {
            return;
        }
        match e {
            Expr::Object(items) => {
                for (_, v) in items {
                    out.push((when.clone(), v.clone()));
                }
            }
            Expr::Call(f, args, false) if f == "merge" => {
                for a in args {
                    self.for_each_items(a, parent, when.clone(), at, out);
                }
            }
            // A set of ARNs (`toset([...])`, evaluated when the module is read).
            Expr::Tuple(items) => {
                for v in items {
                    out.push((when.clone(), v.clone()));
                }
            }
            Expr::Cond(c, a, z)
                if matches!(&**z, Expr::Object(v) if v.is_empty())
                    || matches!(&**z, Expr::Tuple(v) if v.is_empty()) =>
            {
                let sw = self.one_switch(c, parent, at);
                let w = match (&when, sw) {
                    (Err(()), _) | (_, Err(())) => Err(()),
                    (Ok(None), s) => s,
                    (Ok(Some(w)), Ok(None)) => Ok(Some(w.clone())),
                    (Ok(Some(w)), Ok(Some(s))) if *w == s => Ok(Some(s)),
                    (Ok(Some(_)), Ok(Some(_))) => {
                        self.issue(at, "an attachment under two switches cannot be expressed");
                        Err(())
                    }
                };
                self.for_each_items(a, parent, w, at, out);
            }
            _ => {
                self.issue(at, "this for_each cannot be expressed (an object, `merge(...)` of objects, or `cond ? {...} : {}`)");
                out.push((Err(()), Expr::Null));
            }
        }
    }

    pub(super) fn policy(&mut self, fi: usize, b: &Block) {
        let p = name_of(b);
        let addr = format!("aws_iam_policy.{p}");
        self.check_attrs(
            fi,
            b,
            &[
                "count",
                "name",
                "name_prefix",
                "path",
                "description",
                "policy",
            ],
        );
        let at = self.at(fi, b.line, &addr);
        let key = self.keys.assign(&p);
        let (when, unsure) = match self.count_when(&b.body, &None, &at) {
            Ok(w) => (w, false),
            Err(()) => (None, true),
        };
        let mut m = Vec::new();
        // `name`, else `name_prefix`, else a generated name (the spec says neither).
        if let Some(k) = ["name", "name_prefix"]
            .into_iter()
            .find(|k| b.body.attr(k).is_some())
        {
            match self.template_attr(&b.body, k, &at) {
                Some((_, s)) => m.push((k.to_owned(), Y::Str(s))),
                None => {
                    self.issue(
                        &at,
                        format!("the policy's `{k}` cannot be expressed; a spec names it: `{p}`"),
                    );
                    m.push(("name".into(), Y::s(&p)));
                }
            }
        }
        if let Some((_, s)) = self.template_attr(&b.body, "path", &at) {
            m.push(("path".into(), Y::Str(s)));
        }
        if let Some((_, s)) = self.template_attr(&b.body, "description", &at) {
            m.push(("description".into(), Y::Str(s)));
        }
        self.ctx = when.iter().cloned().collect();
        let doc = b
            .body
            .attr("policy")
            .map(|a| a.expr.clone())
            .and_then(|e| self.document(&e, &at));
        if doc.is_none() {
            // It may hold a Deny: the roles attaching it are refused.
            self.poisoned.insert(
                key.clone(),
                format!("the document of {addr} cannot be imported"),
            );
        }
        let (v, i, mut s) = doc.unwrap_or((None, None, Vec::new()));
        if unsure {
            // Under a `count` the spec cannot express: its Denies, always on.
            s = s
                .into_iter()
                .filter_map(|y| self.unswitched(y, &at))
                .collect();
        }
        m.push(("document".into(), with_when(Self::doc_y(v, i, s), &when)));
        self.policies.insert(p, (key, Y::Map(m), when));
    }

    pub(super) fn instance_profile(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_iam_instance_profile.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "name", "name_prefix", "path", "role"]);
        let at = self.at(fi, b.line, &addr);
        let Some(role) = b
            .body
            .attr("role")
            .map(|a| a.expr.clone())
            .and_then(|e| self.role_ref(&e, &at))
        else {
            return;
        };
        let parent = self.roles.get(&role).and_then(|r| r.when.clone());
        let own = match self.count_when(&b.body, &parent, &at) {
            Ok(own) => own,
            Err(()) => {
                self.report(
                    &at,
                    "the instance profile is not imported: its `count` cannot be a `when:`",
                );
                return;
            }
        };
        // Named like a role whose name may be nothing (rolegen's own form).
        let mut optional = self.optional_attr(&b.body, "name", &at);
        let mut name = match optional {
            Some(_) => None,
            None => self.template_attr(&b.body, "name", &at),
        };
        // `name = var.x` empty by default: generated for "" as for null.
        if let Some((_, s)) = name
            .as_ref()
            .filter(|(_, s)| self.empty_default_var(s).is_some())
        {
            optional = Some(s.clone());
            name = None;
        }
        let path = self.template_attr(&b.body, "path", &at);
        // Beside a name that may be nothing, rolegen's own prefix for while it is empty.
        let own_prefix = optional
            .clone()
            .and_then(|n| self.own_prefix(&b.body, Some(&n), &at));
        let prefix = match own_prefix {
            Some(p) => Some(p),
            None => self
                .template_attr(&b.body, "name_prefix", &at)
                .map(|(_, s)| s),
        };
        // rolegen gives the profile of a `name_prefix` role the same prefix.
        let role_prefix = self.roles.get(&role).and_then(|r| {
            r.props.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("name_prefix", Y::Str(p)) => Some(p.clone()),
                _ => None,
            })
        });
        if let Some(p) = &prefix {
            if name.is_some() || role_prefix.as_ref() != Some(p) {
                self.issue(&at, "an instance profile `name_prefix` other than its role's cannot be expressed: a spec names the profile like the role, or with a fixed `name`");
            }
        }
        let Some(r) = self.roles.get(&role) else {
            return;
        };
        let y = match (&name, &path) {
            _ if optional.is_some() && optional != r.optional_name => {
                self.issue(&at, "an instance profile name that may be nothing, other than its role's, cannot be expressed: a spec names the profile like the role, or with a fixed `name`");
                return;
            }
            (None, None) if optional.is_some() => Y::Bool(true),
            (None, None) if prefix.is_some() && role_prefix.is_some() => Y::Bool(true),
            (Some((n, _)), None) if Some(n) == r.name.as_ref() => Y::Bool(true),
            (None, None) if r.name.is_none() && r.optional_name.is_none() => Y::Bool(true),
            (None, _) if r.name.is_some() || r.optional_name.is_some() => {
                self.issue(&at, "an instance profile without a name on a named role cannot be expressed: a spec names it like the role");
                Y::Bool(true)
            }
            _ => {
                let mut m = Vec::new();
                if let Some((_, s)) = &name {
                    m.push(("name".to_owned(), Y::Str(s.clone())));
                }
                if let Some((_, s)) = &path {
                    m.push(("path".to_owned(), Y::Str(s.clone())));
                }
                Y::Map(m)
            }
        };
        if let Some(r) = self.roles.get_mut(&role) {
            if r.profile.is_some() {
                self.issue(&at, "the role already has an instance profile");
            } else {
                r.profile = Some(crate::import::builder::profile_when(y, &own));
            }
        }
    }

    pub(super) fn kms_key(&mut self, fi: usize, b: &Block) {
        let k = name_of(b);
        let addr = format!("aws_kms_key.{k}");
        self.check_attrs(
            fi,
            b,
            &[
                "count",
                "description",
                "enable_key_rotation",
                "deletion_window_in_days",
                "policy",
                "is_enabled",
                "key_usage",
                "customer_master_key_spec",
            ],
        );
        let at = self.at(fi, b.line, &addr);
        let key = self.keys.assign(&k);
        let Ok(when) = self.count_when(&b.body, &None, &at) else {
            self.report(&at, "the key is not imported: its `count` cannot be a `when:` (creating it always would grant more)");
            return;
        };
        let mut e = Vec::new();
        if let Some(d) = b.body.attr("description").map(|a| a.expr.clone()) {
            match d.literal() {
                Some(s) => e.push(("description".to_owned(), Y::Str(s))),
                None => self.issue(&at, "a key description is literal in a spec"),
            }
        }
        let rotation = b.body.attr("enable_key_rotation").map(|a| a.expr.clone());
        match rotation {
            Some(Expr::Bool(true)) => {}
            Some(Expr::Bool(false)) | None => e.push(("rotation".into(), Y::Bool(false))),
            Some(_) => self.issue(
                &at,
                "enable_key_rotation is a literal true or false in a spec",
            ),
        }
        if let Some(a) = b.body.attr("deletion_window_in_days") {
            let x = self.at(fi, a.line, &format!("{addr}: deletion_window_in_days"));
            if let Some(w) = self.scalar(&a.expr, &x).and_then(|t| self.days(&t, &x)) {
                e.push(("deletion_window".into(), w));
            }
        }
        for (attr, ok) in [
            ("is_enabled", "true"),
            ("key_usage", "ENCRYPT_DECRYPT"),
            ("customer_master_key_spec", "SYMMETRIC_DEFAULT"),
        ] {
            if let Some(a) = b.body.attr(attr) {
                if a.expr.literal().as_deref() != Some(ok) {
                    let x = self.at(fi, a.line, &format!("{addr}: {attr}"));
                    self.issue(&x, format!("`{attr}` other than {ok} cannot be expressed"));
                }
            }
        }
        self.ctx = when.iter().cloned().collect();
        let doc = match b.body.attr("policy").map(|a| a.expr.clone()) {
            Some(p) => self.document(&p, &at),
            None => {
                self.issue(
                    &at,
                    "the key has no policy (AWS would apply its default); a spec writes the policy",
                );
                None
            }
        };
        let (v, i, s) = doc.unwrap_or((None, None, Vec::new()));
        e.push(("policy".into(), Self::doc_y(v, i, s)));
        self.keys_out.insert(k, (key, e, when, None));
    }

    pub(super) fn kms_alias(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_kms_alias.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "name", "target_key_id"]);
        let at = self.at(fi, b.line, &addr);
        // Literal or with interpolations (`"alias/data-${var.env}"`), `alias/` first.
        let name = match b.body.attr("name") {
            Some(a) => self
                .scalar(&a.expr, &at)
                .and_then(|t| self.spec_str(&t, &at))
                .filter(|s| s.starts_with("alias/")),
            None => None,
        };
        let target = b
            .body
            .attr("target_key_id")
            .and_then(|a| reference(&a.expr));
        let (Some(name), Some((ty, k, _))) = (name, target) else {
            self.issue(&at, "the alias needs a name starting with literal `alias/` and a target_key_id of an aws_kms_key of this module; not imported");
            return;
        };
        let parent = self.keys_out.get(&k).and_then(|x| x.2.clone());
        let Ok(when) = self.count_when(&b.body, &None, &at) else {
            self.report(
                &at,
                "the alias is not imported: its `count` cannot be a `when:`",
            );
            return;
        };
        if ty != "aws_kms_key" || !self.keys_out.contains_key(&k) {
            self.issue(
                &at,
                "the alias targets no aws_kms_key of this module; not imported",
            );
            return;
        }
        if when != parent {
            self.issue(
                &at,
                "the alias is switched differently from its key; a spec creates it with the key",
            );
        }
        if let Some(x) = self.keys_out.get_mut(&k) {
            x.3 = Some(name.strip_prefix("alias/").unwrap_or(&name).to_owned());
        }
    }
}
