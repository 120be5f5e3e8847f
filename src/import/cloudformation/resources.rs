//! The IAM resources of a template: roles, managed and inline policies, instance profiles,
//! KMS keys and aliases, each into its spec entry.

use super::*;

impl Cx<'_> {
    pub(super) fn check_attributes(&mut self, id: &str) {
        let Some((_, r)) = self.resources.get(id).cloned() else {
            return;
        };
        let N::Map(m) = r else {
            self.issue(&res_loc(id), "a resource is a mapping");
            return;
        };
        for (k, v) in m {
            let l = res_loc(id).key(k);
            match k.as_str() {
                "Type" | "Properties" | "Condition" => {}
                "DependsOn" => self.note(
                    &l,
                    "DependsOn is not carried (rolegen orders resources itself)",
                ),
                "Metadata" => self.note(&l, "resource Metadata is not imported"),
                "DeletionPolicy" | "UpdateReplacePolicy"
                    if v.literal().as_deref() == Some("Delete") => {}
                other => self.issue(
                    &l,
                    format!("the resource attribute `{other}` cannot be expressed"),
                ),
            }
        }
    }

    pub(super) fn props(&self, id: &str) -> Vec<(String, N)> {
        match self
            .resources
            .get(id)
            .and_then(|(_, r)| r.get("Properties"))
        {
            Some(N::Map(m)) => m.clone(),
            _ => Vec::new(),
        }
    }

    pub(super) fn no_if(&mut self, n: &N, loc: &Loc) -> bool {
        let mut ifs = Vec::new();
        self.collect_ifs(n, loc, &mut ifs);
        if ifs.is_empty() {
            true
        } else {
            self.issue(
                loc,
                "`Fn::If` on this property cannot be expressed: a spec switches whole roles, policies, attachments and statements",
            );
            false
        }
    }

    pub(super) fn template_prop(&mut self, n: &N, loc: &Loc) -> Option<String> {
        if !self.no_if(n, loc) {
            return None;
        }
        let t = self.scalar(n, loc)?;
        self.spec_str(&t, loc)
    }

    pub(super) fn plain_prop(&mut self, n: &N, loc: &Loc, what: &str) -> Option<String> {
        if !self.no_if(n, loc) {
            return None;
        }
        self.lit_text(n, loc, what)
    }

    /// A key's `PendingWindowInDays` as the spec writes it.
    fn days(&mut self, t: &Template, loc: &Loc) -> Option<Y> {
        crate::import::builder::deletion_window(t)
            .map_err(|e| self.issue(loc, e))
            .ok()
    }

    /// An inline policy's name as the spec spells its key: literal text and placeholders
    /// (`!Sub ${AWS::StackName}-access`), not switched.
    fn policy_name(&mut self, n: &N, loc: &Loc) -> Option<String> {
        if !self.no_if(n, loc) {
            return None;
        }
        let t = self.scalar(n, loc)?;
        self.spec_str(&t, loc)
    }

    pub(super) fn role(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let key = self.keys.assign(id);
        let (when, refused) = match self.resource_when(id) {
            Ok(w) => (w, None),
            Err(()) => (None, Some("its Condition cannot be a `when:`".to_owned())),
        };
        let mut out = RoleOut {
            key,
            when,
            refused,
            ..RoleOut::default()
        };
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        // Name first (evaluated once, cached for references).
        if let Some(n) = get("RoleName") {
            let l = loc.key("RoleName");
            // A name that may be nothing: generated while its parameter is empty.
            if let Some(p) = self.optional_value(n, &l) {
                out.props.push(("name".into(), Y::Str(format!("${{{p}}}"))));
                // rolegen's own prefix for while it is empty (its `Rules`).
                if let Some((_, prefix)) = self.name_prefixes.get(id).filter(|(n, _)| *n == p) {
                    out.props
                        .push(("name_prefix".into(), Y::Str(format!("${{{prefix}}}"))));
                }
                out.optional_name = Some(p);
            } else if self.no_if(n, &l) {
                if let Some(t) = self.prop_template(id, "RoleName") {
                    out.fixed_name = Some(t.clone());
                    if let Some(s) = self.spec_str(&t, &loc.key("RoleName")) {
                        out.props.push(("name".into(), Y::Str(s)));
                    }
                }
            }
        }
        if let Some(n) = get("Path") {
            if let Some(p) = self.optional_value(n, &loc.key("Path")) {
                out.props.push(("path".into(), Y::Str(format!("${{{p}}}"))));
            } else if self.no_if(n, &loc.key("Path")) {
                if let Some(t) = self.prop_template(id, "Path") {
                    if let Some(s) = self.spec_str(&t, &loc.key("Path")) {
                        out.props.push(("path".into(), Y::Str(s)));
                    }
                }
            }
        }
        if let Some(n) = get("Description") {
            if let Some(s) = self.template_prop(n, &loc.key("Description")) {
                out.props.push(("description".into(), Y::Str(s)));
            }
        }
        if let Some(n) = get("MaxSessionDuration") {
            let l = loc.key("MaxSessionDuration");
            if self.no_if(n, &l) {
                if let Some(t) = self.scalar(n, &l) {
                    match crate::import::builder::max_session(&t) {
                        Ok(y) => out.props.push(("max_session_duration".into(), y)),
                        Err(e) => self.issue(&l, e),
                    }
                }
            }
        }
        if let Some(n) = get("PermissionsBoundary") {
            let l = loc.key("PermissionsBoundary");
            let value = match self.optional_value(n, &l) {
                Some(p) => (Some(format!("${{{p}}}")), false),
                None => self.lost(|cx| cx.template_prop(n, &l)),
            };
            match value {
                (Some(s), false) => out.props.push(("permissions_boundary".into(), Y::Str(s))),
                _ => {
                    out.refused
                        .get_or_insert("its PermissionsBoundary cannot be expressed".into());
                }
            }
        }
        if let Some(n) = get("Tags") {
            if let Some(t) = self.tags(n, &loc.key("Tags")) {
                out.props.push(("tags".into(), t));
            }
        }
        match get("AssumeRolePolicyDocument") {
            Some(n) => match self.document(n, &loc.key("AssumeRolePolicyDocument")) {
                Some(mut d) => match role_trust(
                    &{
                        if let Some(w) = hoist_trust_switch(&mut d, &mut out.when) {
                            self.issue(
                                &loc.key("AssumeRolePolicyDocument"),
                                format!("every statement of the trust policy is under `when: {}`; without it the trust is empty, which IAM refuses: the role is imported with that switch", w.text()),
                            );
                        }
                        d
                    },
                    &self.provider_infos(),
                ) {
                    Ok(t) => out.trust = t,
                    Err(why) => {
                        out.refused.get_or_insert(why);
                    }
                },
                None => {
                    out.refused
                        .get_or_insert("its AssumeRolePolicyDocument cannot be imported".into());
                }
            },
            None => self.issue(&loc, "the role has no AssumeRolePolicyDocument"),
        }
        // Leaving out an attachment could leave out a Deny: one that cannot be expressed
        // refuses the role.
        let lost_attachment =
            "a ManagedPolicyArns entry cannot be expressed (the policy it attaches may deny)";
        if let Some(n) = get("ManagedPolicyArns") {
            let l = loc.key("ManagedPolicyArns");
            // rolegen's own shape for `arn: ${List}`: the list, and the fixed ones as usual.
            let n = match self.own_arn_list(n) {
                Some((fixed, list, cond)) => {
                    let w = match cond {
                        Some(c) => self.switch_named(&c, &l),
                        None => Ok(None),
                    };
                    match w {
                        Ok(w) => {
                            let a = Y::Map(vec![("arn".into(), Y::Str(format!("${{{list}}}")))]);
                            out.managed.push((with_when(a, &w), l.clone()));
                        }
                        Err(()) => {
                            out.refused.get_or_insert(lost_attachment.into());
                        }
                    }
                    fixed
                }
                // `!If [HasX, <X as a list>, !Ref AWS::NoValue]`: X's items, none when empty.
                None => self.guarded_list(n).unwrap_or(n),
            };
            let mut tops = Vec::new();
            self.top_variants(n, &l, None, false, &mut tops);
            let mut items = Vec::new();
            for (w, unsure, node, nl) in tops {
                match node {
                    N::Seq(v) => {
                        for (i, x) in v.iter().enumerate() {
                            self.top_variants(x, &nl.index(i), w.clone(), unsure, &mut items);
                        }
                    }
                    other => {
                        let split = self.split_string_param(other);
                        if let Some(p) = self
                            .is_list_param(other)
                            .or(split.clone())
                            .filter(|_| !unsure)
                        {
                            // Every ARN the list holds: `arn: ${List}`. A String split on
                            // commas becomes a list parameter when nothing else uses it
                            // (`finish` checks, and refuses the role otherwise).
                            if split.is_some() {
                                self.split_lists.push((p.clone(), nl.clone()));
                            }
                            let a = Y::Map(vec![("arn".into(), Y::Str(format!("${{{p}}}")))]);
                            out.managed.push((with_when(a, &w), nl));
                            continue;
                        }
                        if self.is_list_param(other).is_some() {
                            self.issue(&nl, "a list parameter of policy ARNs under a condition that is not a switch cannot be attached");
                        } else {
                            self.issue(
                                &nl,
                                format!("ManagedPolicyArns is a list, found {}", other.kind()),
                            );
                        }
                        out.refused.get_or_insert(lost_attachment.into());
                    }
                }
            }
            for (w, unsure, x, xl) in items {
                match self.lost(|cx| cx.attachment(x, &xl)) {
                    (Some(a), false) if !unsure => out.managed.push((with_when(a, &w), xl)),
                    _ => {
                        out.refused.get_or_insert(lost_attachment.into());
                    }
                }
            }
        }
        if let Some(n) = get("Policies") {
            let l = loc.key("Policies");
            let mut tops = Vec::new();
            self.top_variants(n, &l, None, false, &mut tops);
            let mut items = Vec::new();
            for (w, unsure, node, nl) in tops {
                match node {
                    N::Seq(v) => {
                        for (i, x) in v.iter().enumerate() {
                            self.top_variants(x, &nl.index(i), w.clone(), unsure, &mut items);
                        }
                    }
                    other => {
                        self.issue(&nl, format!("Policies is a list, found {}", other.kind()));
                        if may_deny(other) {
                            out.refused.get_or_insert(lost_deny(&nl));
                        }
                    }
                }
            }
            let mut inline = Vec::new();
            for (w, unsure, x, xl) in items {
                if !matches!(x, N::Map(_)) {
                    self.issue(
                        &xl,
                        "an inline policy is a mapping with PolicyName and PolicyDocument",
                    );
                    if may_deny(x) {
                        out.refused.get_or_insert(lost_deny(&xl));
                    }
                    continue;
                }
                let Some(name) = x
                    .get("PolicyName")
                    .and_then(|n| self.policy_name(n, &xl.key("PolicyName")))
                else {
                    if x.get("PolicyName").is_none() {
                        self.issue(&xl, "the inline policy has no PolicyName");
                    }
                    if may_deny(x) {
                        out.refused.get_or_insert(lost_deny(&xl));
                    }
                    continue;
                };
                let Some(dn) = x.get("PolicyDocument") else {
                    self.issue(&xl, "the inline policy has no PolicyDocument");
                    continue;
                };
                if let N::Map(m) = x {
                    for (k, _) in m {
                        if k != "PolicyName" && k != "PolicyDocument" {
                            self.issue(
                                &xl.key(k),
                                format!("`{k}` is not a property of an inline policy"),
                            );
                        }
                    }
                }
                match self.document(dn, &xl.key("PolicyDocument")) {
                    Some(mut d) => {
                        if unsure {
                            d.statements = self.unswitched_all(d.statements, Vec::new(), &xl);
                            if d.statements.is_empty() {
                                continue;
                            }
                        }
                        inline.push((name, with_when(d.to_y(), &w), xl));
                    }
                    None => {
                        if may_deny(dn) {
                            out.refused.get_or_insert(lost_deny(&xl));
                        }
                    }
                }
            }
            for (name, y, l) in inline {
                add_inline(self, &mut out, name, y, &l);
            }
        }
        for (k, _) in &props {
            match k.as_str() {
                "RoleName"
                | "Path"
                | "Description"
                | "MaxSessionDuration"
                | "PermissionsBoundary"
                | "Tags"
                | "AssumeRolePolicyDocument"
                | "ManagedPolicyArns"
                | "Policies" => {}
                other => self.issue(
                    &loc.key(other),
                    format!("the role property `{other}` cannot be expressed"),
                ),
            }
        }
        self.roles.insert(id.to_owned(), out);
    }

    pub(super) fn tags(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        let N::Seq(items) = n else {
            if self.no_if(n, loc) {
                self.issue(loc, "Tags is a list of Key/Value mappings");
            }
            return None;
        };
        let mut out = Vec::new();
        for (i, t) in items.iter().enumerate() {
            let l = loc.index(i);
            // A tag that may be nothing (issue 19): the spec's `${X}`, left out while empty.
            if let Some((k, x)) = self.optional_tag(t, &l) {
                out.push((k, Y::Str(format!("${{{x}}}"))));
                continue;
            }
            if !self.no_if(t, &l) {
                continue;
            }
            let (Some(k), Some(v)) = (t.get("Key"), t.get("Value")) else {
                self.issue(&l, "a tag has a Key and a Value");
                continue;
            };
            let Some(k) = self.lit_text(k, &l.key("Key"), "a tag key") else {
                continue;
            };
            let Some(t) = self.scalar(v, &l.key("Value")) else {
                continue;
            };
            if let Some(s) = self.spec_str(&t, &l.key("Value")) {
                if !self.empty_valued_tag(&k, &s, &l.key("Value")) {
                    out.push((k, Y::Str(s)));
                }
            }
        }
        Some(Y::Map(out))
    }

    pub(super) fn attachment(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        if let Some(("Ref", N::Str(r), _)) = n.as_fn() {
            if let Some((ty, _)) = self.resources.get(r) {
                if ty == "AWS::IAM::ManagedPolicy" {
                    let k = self.keys.assign(r);
                    return Some(Y::Map(vec![("policy".into(), Y::s(k))]));
                }
            }
        }
        if !self.no_if(n, loc) {
            return None;
        }
        let t = self.scalar(n, loc)?;
        Some(aws_attachment(&t).unwrap_or_else(|| {
            let s = self.spec_str(&t, loc).unwrap_or_default();
            Y::Map(vec![("arn".into(), Y::Str(s))])
        }))
    }

    pub(super) fn role_of(&mut self, n: &N, loc: &Loc) -> Option<String> {
        if let Some(("Ref", N::Str(r), _)) = n.as_fn() {
            if self.roles.contains_key(r) {
                return Some(r.clone());
            }
        }
        // A role named literally (or by the same parameter) as one of the template's roles.
        if let Some(t) = self.scalar(n, loc) {
            let found = self
                .roles
                .iter()
                .find(|(_, r)| r.fixed_name.as_ref() == Some(&t))
                .map(|(id, _)| id.clone());
            if found.is_some() {
                return found;
            }
            self.issue(
                loc,
                format!("`{}` is not a role of this template; a spec attaches policies to its own roles only", t.display()),
            );
        }
        None
    }

    /// The switch and document of an `AWS::IAM::Policy` or `AWS::IAM::RolePolicy` on one of
    /// its roles: under a Condition the spec cannot express, its Denies only, always on.
    pub(super) fn attached_doc(&mut self, id: &str, role: &str, doc: &Doc) -> Option<Y> {
        let role_when = self.roles.get(role).and_then(|o| o.when.clone());
        match self.resource_when_under(id, role_when.as_ref()) {
            Ok(when) => Some(with_when(doc.to_y(), &when)),
            Err(()) => {
                let statements =
                    self.unswitched_all(doc.statements.clone(), Vec::new(), &res_loc(id));
                (!statements.is_empty()).then(|| {
                    Doc {
                        statements,
                        ..doc.clone()
                    }
                    .to_y()
                })
            }
        }
    }

    /// Adds policy `id` (name, document) to its roles; when it cannot be imported and may
    /// deny, refuses them instead.
    pub(super) fn add_to_roles(
        &mut self,
        id: &str,
        name: Option<String>,
        doc: Option<Doc>,
        targets: &[String],
    ) {
        let (Some(name), Some(doc)) = (name, doc) else {
            let may = self
                .resources
                .get(id)
                .and_then(|(_, r)| r.get("Properties"))
                .is_some_and(may_deny);
            if may {
                for r in targets {
                    self.refuse_role(r, lost_deny(&res_loc(id)));
                }
            }
            return;
        };
        for r in targets {
            let Some(y) = self.attached_doc(id, r, &doc) else {
                continue;
            };
            if let Some(mut out) = self.roles.swap_remove(r) {
                add_inline(self, &mut out, name.clone(), y, &res_loc(id));
                self.roles.insert(r.clone(), out);
            }
        }
        self.sort_roles();
    }

    pub(super) fn policy(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let name = get("PolicyName").and_then(|n| self.policy_name(&n, &loc.key("PolicyName")));
        let doc = get("PolicyDocument").and_then(|n| self.document(&n, &loc.key("PolicyDocument")));
        if name.is_none() || doc.is_none() {
            self.issue(&loc, "the policy needs a PolicyName and a PolicyDocument");
        }
        for k in ["Users", "Groups"] {
            if get(k).is_some() {
                self.issue(
                    &loc.key(k),
                    format!("{k} are not imported: a spec holds roles only"),
                );
            }
        }
        let mut targets = Vec::new();
        match get("Roles") {
            Some(N::Seq(v)) => {
                for (i, r) in v.iter().enumerate() {
                    if let Some(r) = self.role_of(r, &loc.key("Roles").index(i)) {
                        targets.push(r);
                    }
                }
            }
            Some(_) => self.issue(&loc.key("Roles"), "Roles is a list"),
            None => {}
        }
        if targets.is_empty() {
            self.issue(
                &loc,
                "the policy is attached to no role of the template; not imported",
            );
        }
        for (k, _) in &props {
            if !matches!(
                k.as_str(),
                "PolicyName" | "PolicyDocument" | "Roles" | "Users" | "Groups"
            ) {
                self.issue(
                    &loc.key(k),
                    format!("the policy property `{k}` cannot be expressed"),
                );
            }
        }
        self.add_to_roles(id, name, doc, &targets);
    }

    pub(super) fn role_policy(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let name = get("PolicyName").and_then(|n| self.policy_name(&n, &loc.key("PolicyName")));
        let doc = get("PolicyDocument").and_then(|n| self.document(&n, &loc.key("PolicyDocument")));
        let role = get("RoleName").and_then(|n| self.role_of(&n, &loc.key("RoleName")));
        for (k, _) in &props {
            if !matches!(k.as_str(), "PolicyName" | "PolicyDocument" | "RoleName") {
                self.issue(
                    &loc.key(k),
                    format!("the policy property `{k}` cannot be expressed"),
                );
            }
        }
        if name.is_none() || doc.is_none() || role.is_none() {
            self.issue(&loc, "the role policy needs a PolicyName, a PolicyDocument and a role of the template; not imported");
        }
        self.add_to_roles(id, name, doc, &role.into_iter().collect::<Vec<_>>());
    }

    /// Keeps roles in template order after a remove/insert.
    pub(super) fn sort_roles(&mut self) {
        let order: Vec<String> = self.resources.keys().cloned().collect();
        self.roles
            .sort_by_key(|id, _| order.iter().position(|o| o == id).unwrap_or(usize::MAX));
    }

    pub(super) fn instance_profile(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let roles = match get("Roles") {
            Some(N::Seq(v)) => v,
            _ => {
                self.issue(&loc, "the instance profile has no Roles list; not imported");
                return;
            }
        };
        let [r] = roles.as_slice() else {
            self.issue(
                &loc.key("Roles"),
                "an instance profile of a spec holds exactly one role; not imported",
            );
            return;
        };
        let Some(role) = self.role_of(r, &loc.key("Roles").index(0)) else {
            return;
        };
        for (k, _) in &props {
            if !matches!(k.as_str(), "InstanceProfileName" | "Path" | "Roles") {
                self.issue(
                    &loc.key(k),
                    format!("the instance profile property `{k}` cannot be expressed"),
                );
            }
        }
        // Named like a role whose name may be nothing (rolegen's own form), or not at all.
        let optional = self.optional_name(id, "InstanceProfileName");
        let name = get("InstanceProfileName")
            .filter(|_| optional.is_none())
            .and_then(|_| self.prop_template(id, "InstanceProfileName"));
        let path = get("Path").and_then(|_| self.prop_template(id, "Path"));
        let Some(mut out) = self.roles.swap_remove(&role) else {
            return;
        };
        let switched = self
            .resources
            .get(id)
            .is_some_and(|(_, r)| r.get("Condition").is_some());
        let Ok(own) = self.resource_when_under(id, out.when.as_ref()) else {
            // An instance profile lets EC2 take the role: left out, never on "as if true".
            self.report(
                &res_loc(id),
                "the instance profile is not imported: its Condition cannot be a `when:`",
            );
            self.roles.insert(role, out);
            self.sort_roles();
            return;
        };
        if out.when.is_some() && !switched {
            self.issue(
                &res_loc(id).key("Condition"),
                "the instance profile is switched differently from its role; a spec creates it with the role",
            );
        }
        if out.profile.is_some() {
            self.issue(
                &res_loc(id),
                "the role already has an instance profile; not imported",
            );
        } else {
            let y = match (&name, &path) {
                _ if optional.is_some() && optional != out.optional_name => {
                    self.issue(&loc.key("InstanceProfileName"), "an instance profile name that may be nothing, other than its role's, cannot be expressed: a spec names the profile like the role, or with a fixed `name`");
                    None
                }
                (None, None) if optional.is_some() => Some(Y::Bool(true)),
                (Some(n), None) if Some(n) == out.fixed_name.as_ref() => Some(Y::Bool(true)),
                (None, None) if out.fixed_name.is_none() && out.optional_name.is_none() => {
                    Some(Y::Bool(true))
                }
                (None, _) if out.fixed_name.is_some() || out.optional_name.is_some() => {
                    self.issue(&loc, "an instance profile without a name on a named role cannot be expressed: a spec names it like the role");
                    Some(Y::Bool(true))
                }
                _ => {
                    let mut m = Vec::new();
                    if let Some(s) = name
                        .as_ref()
                        .and_then(|t| self.spec_str(t, &loc.key("InstanceProfileName")))
                    {
                        m.push(("name".to_owned(), Y::Str(s)));
                    }
                    if let Some(s) = path
                        .as_ref()
                        .and_then(|t| self.spec_str(t, &loc.key("Path")))
                    {
                        m.push(("path".to_owned(), Y::Str(s)));
                    }
                    Some(Y::Map(m))
                }
            };
            out.profile = y.map(|y| crate::import::builder::profile_when(y, &own));
            out.profile_id = out.profile.as_ref().map(|_| id.to_owned());
        }
        self.roles.insert(role, out);
        self.sort_roles();
    }

    pub(super) fn managed_policy(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let key = self.keys.assign(id);
        let (when, unsure) = match self.resource_when(id) {
            Ok(w) => (w, false),
            Err(()) => (None, true),
        };
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut m: Vec<(String, Y)> = Vec::new();
        // Without a ManagedPolicyName CloudFormation generates the name: a spec policy with
        // neither `name` nor `name_prefix` (the stack generates it too).
        if let Some(n) = get("ManagedPolicyName") {
            if self.no_if(&n, &loc.key("ManagedPolicyName")) {
                if let Some(t) = self.prop_template(id, "ManagedPolicyName") {
                    if let Some(s) = self.spec_str(&t, &loc.key("ManagedPolicyName")) {
                        m.push(("name".into(), Y::Str(s)));
                    }
                }
            }
        }
        if let Some(n) = get("Path") {
            if self.no_if(&n, &loc.key("Path")) {
                if let Some(t) = self.prop_template(id, "Path") {
                    if let Some(s) = self.spec_str(&t, &loc.key("Path")) {
                        m.push(("path".into(), Y::Str(s)));
                    }
                }
            }
        }
        if let Some(n) = get("Description") {
            if let Some(s) = self.template_prop(&n, &loc.key("Description")) {
                m.push(("description".into(), Y::Str(s)));
            }
        }
        let doc = match get("PolicyDocument") {
            Some(n) => {
                let d = self.document(&n, &loc.key("PolicyDocument"));
                if d.is_none() && may_deny(&n) {
                    self.poisoned
                        .insert(key.clone(), lost_deny(&loc.key("PolicyDocument")));
                }
                d
            }
            None => {
                self.issue(&loc, "the managed policy has no PolicyDocument");
                None
            }
        };
        let mut doc = doc.unwrap_or(Doc {
            version: None,
            id: None,
            statements: Vec::new(),
        });
        if unsure {
            // Attached under a Condition the spec cannot express: its Denies, always on.
            doc.statements = self.unswitched_all(doc.statements, Vec::new(), &res_loc(id));
        }
        m.push(("document".into(), with_when(doc.to_y(), &when)));
        for k in ["Users", "Groups"] {
            if get(k).is_some() {
                self.issue(
                    &loc.key(k),
                    format!("{k} are not imported: a spec holds roles only"),
                );
            }
        }
        for (k, _) in &props {
            if !matches!(
                k.as_str(),
                "ManagedPolicyName"
                    | "Path"
                    | "Description"
                    | "PolicyDocument"
                    | "Roles"
                    | "Users"
                    | "Groups"
            ) {
                self.issue(
                    &loc.key(k),
                    format!("the managed policy property `{k}` cannot be expressed"),
                );
            }
        }
        self.policies.insert(id.to_owned(), (key, Y::Map(m), when));
    }

    /// `Roles:` of a managed policy: attachments on those roles.
    pub(super) fn managed_policy_roles(&mut self, id: &str) {
        let loc = res_loc(id).key("Properties").key("Roles");
        let props = self.props(id);
        let Some((_, roles)) = props.iter().find(|(k, _)| k == "Roles") else {
            return;
        };
        let N::Seq(v) = roles else {
            self.issue(&loc, "Roles is a list");
            return;
        };
        let Some((key, _, when)) = self.policies.get(id).cloned() else {
            return;
        };
        for (i, r) in v.iter().enumerate() {
            let Some(role) = self.role_of(r, &loc.index(i)) else {
                continue;
            };
            let y = with_when(Y::Map(vec![("policy".into(), Y::s(&key))]), &when);
            if let Some(out) = self.roles.get_mut(&role) {
                out.managed.push((y, loc.index(i)));
            }
        }
    }

    pub(super) fn kms_key(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let key = self.keys.assign(id);
        let Ok(when) = self.resource_when(id) else {
            self.report(
                &res_loc(id),
                "the key is not imported: its Condition cannot be a `when:` (creating it always would grant more)",
            );
            return;
        };
        let props = self.props(id);
        let mut e: Vec<(String, Y)> = Vec::new();
        let mut rotation = false;
        let mut window = None;
        let mut policy = None;
        for (k, v) in &props {
            let l = loc.key(k);
            match k.as_str() {
                "Description" => {
                    if let Some(s) = self.plain_prop(v, &l, "a key description") {
                        e.push(("description".into(), Y::Str(s)));
                    }
                }
                "EnableKeyRotation" => match v.literal().as_deref() {
                    Some("true") => rotation = true,
                    Some("false") => rotation = false,
                    _ => self.issue(&l, "EnableKeyRotation is a literal true or false in a spec"),
                },
                "KeyPolicy" => policy = self.document(v, &l),
                "PendingWindowInDays" => {
                    window = self.scalar(v, &l).and_then(|t| self.days(&t, &l));
                }
                "Enabled" | "MultiRegion" | "BypassPolicyLockoutSafetyCheck"
                    if v.literal().as_deref() == Some(if k == "Enabled" { "true" } else { "false" }) => {}
                "KeyUsage" if v.literal().as_deref() == Some("ENCRYPT_DECRYPT") => {}
                "KeySpec" if v.literal().as_deref() == Some("SYMMETRIC_DEFAULT") => {}
                other => self.issue(&l, format!("the key property `{other}` cannot be expressed (a spec key is a symmetric key with a policy, description, alias, rotation and deletion window)")),
            }
        }
        if !rotation {
            e.push(("rotation".into(), Y::Bool(false)));
        }
        if let Some(w) = window {
            e.push(("deletion_window".into(), w));
        }
        match policy {
            Some(d) => e.push(("policy".into(), d.to_y())),
            None => {
                if !props.iter().any(|(k, _)| k == "KeyPolicy") {
                    self.issue(&loc, "the key has no KeyPolicy (AWS would apply its default); a spec writes the policy");
                }
                e.push((
                    "policy".into(),
                    Doc {
                        version: None,
                        id: None,
                        statements: Vec::new(),
                    }
                    .to_y(),
                ));
            }
        }
        self.kms.insert(
            id.to_owned(),
            KeyOut {
                key,
                entries: e,
                when,
                alias: None,
            },
        );
    }

    pub(super) fn kms_alias(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let Ok(when) = self.resource_when(id) else {
            self.report(
                &res_loc(id),
                "the alias is not imported: its Condition cannot be a `when:`",
            );
            return;
        };
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        // Literal or with placeholders (`!Sub alias/data-platform-${Environment}`), spec
        // spelling, `alias/` first.
        let name = get("AliasName").and_then(|n| {
            let l = loc.key("AliasName");
            let t = self.scalar(&n, &l)?;
            let s = self.spec_str(&t, &l)?;
            s.starts_with("alias/").then_some(s)
        });
        let target = get("TargetKeyId").and_then(|n| match n.as_fn() {
            Some(("Ref", N::Str(k), _)) => Some(k.clone()),
            Some(("Fn::GetAtt", N::Seq(v), _)) => v.first().and_then(N::literal),
            _ => None,
        });
        let (Some(name), Some(target)) = (name, target) else {
            self.issue(&loc, "the alias needs an AliasName starting with literal `alias/` and a TargetKeyId that refers to a key of the template; not imported");
            return;
        };
        let Some(k) = self.kms.get_mut(&target) else {
            self.issue(
                &loc.key("TargetKeyId"),
                format!("`{target}` is not a KMS key of the template; not imported"),
            );
            return;
        };
        if k.alias.is_some() {
            self.issue(
                &res_loc(id),
                "the key already has an alias; a spec key has one",
            );
            return;
        }
        k.alias = Some(name.strip_prefix("alias/").unwrap_or(&name).to_owned());
        if k.when != when {
            self.issue(
                &res_loc(id).key("Condition"),
                "the alias is switched differently from its key; a spec creates it with the key",
            );
        }
    }
}

fn add_inline(cx: &mut Cx, out: &mut RoleOut, name: String, y: Y, loc: &Loc) {
    let Some(pos) = out.inline.iter().position(|(n, _)| *n == name) else {
        out.inline.push((name, y));
        return;
    };
    let existing = out.inline[pos].1.clone();
    let (we, wn) = (when_of(&existing), when_of(&y));
    match (we, wn) {
        (Some(a), Some(b)) if a == b.not() => {
            let (Some(Y::Seq(sa)), Some(Y::Seq(sb))) =
                (existing.get("Statement"), y.get("Statement"))
            else {
                if y_may_deny(&y) {
                    out.refused.get_or_insert(lost_deny(loc));
                }
                return;
            };
            if existing.get("Version") != y.get("Version") || existing.get("Id") != y.get("Id") {
                cx.issue(loc, format!("inline policy `{name}` has two switched variants with different Versions; not merged"));
                if y_may_deny(&y) {
                    out.refused.get_or_insert(lost_deny(loc));
                }
                return;
            }
            match cx.merge(sa.clone(), sb.clone(), &a, loc) {
                Some(merged) => {
                    let mut doc = existing.clone();
                    doc.remove("when");
                    doc.set("Statement", Y::Seq(merged));
                    out.inline[pos].1 = doc;
                }
                None => {
                    if y_may_deny(&y) {
                        out.refused.get_or_insert(lost_deny(loc));
                    }
                }
            }
        }
        _ => {
            cx.issue(
                loc,
                format!(
                    "the role already has an inline policy named `{name}`; this one is left out"
                ),
            );
            if y_may_deny(&y) {
                out.refused.get_or_insert(lost_deny(loc));
            }
        }
    }
}
